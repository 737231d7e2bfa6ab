//! The prompt library: versioned template files (`prompts/v1/*.txt`) with `{{slot}}`s, and the
//! strategy registry (`prompts/strategies.json`). Adding a strategy such as `concise` is an edit
//! of the JSON file, not of code.
//!
//! The job description and the resume go into the prompt as delimited data; any delimiter inside
//! them is defused so that text cannot close its block and pose as an instruction.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use resumax_core::resume::SectionKind;
use serde::{Deserialize, Serialize};

use crate::provider::RewriteRequest;
use crate::schema::target_id;
use crate::skills_text;

const SYSTEM: &str = include_str!("../prompts/v1/system.txt");
const GAP_ANALYSIS: &str = include_str!("../prompts/v1/gap_analysis.txt");
const SUMMARY: &str = include_str!("../prompts/v1/summary.txt");
const SECTION_REWRITE: &str = include_str!("../prompts/v1/section_rewrite.txt");
const STRATEGIES: &str = include_str!("../prompts/strategies.json");

/// Every call is capped, whatever the strategy multiplies out to.
const MAX_TOKENS_CAP: u32 = 4000;

/// What the offline rewriter does under a strategy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct OfflineKnobs {
    pub mirror_terms: bool,
    pub strengthen_openings: bool,
    pub tighten_filler: bool,
    pub order_skills: bool,
    pub add_evidenced_skills: bool,
    pub headline: bool,
    pub summary_skills: bool,
}

/// One strategy: the knobs a model call and the offline rewriter use.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StrategyProfile {
    pub temperature: f32,
    pub max_tokens_per_section: u32,
    pub tone: String,
    pub notes: String,
    pub offline: OfflineKnobs,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RegistryFile {
    template_version: String,
    strategies: BTreeMap<String, StrategyProfile>,
}

#[derive(Debug, thiserror::Error)]
pub enum PromptError {
    #[error("unknown strategy {0:?}")]
    UnknownStrategy(String),
    #[error("template {template} uses the unknown slot {slot:?}")]
    UnknownSlot { template: &'static str, slot: String },
    #[error("the strategy registry is invalid: {0}")]
    Registry(String),
}

/// A prompt ready to send, with what produced it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RenderedPrompt {
    pub template_version: String,
    pub strategy: String,
    pub system: String,
    pub user: String,
    pub temperature: f32,
    pub max_tokens: u32,
}

#[derive(Debug, Clone)]
pub struct PromptLibrary {
    template_version: String,
    strategies: BTreeMap<String, StrategyProfile>,
}

impl PromptLibrary {
    /// The templates and registry compiled into this build.
    pub fn builtin() -> &'static PromptLibrary {
        static LIBRARY: LazyLock<PromptLibrary> = LazyLock::new(|| {
            // The file ships inside the crate and a unit test parses it, so this cannot fail at
            // run time unless the build itself is broken.
            PromptLibrary::from_registry_json(STRATEGIES).unwrap_or_else(|e| {
                tracing::error!(error = %e, "built-in strategy registry is invalid");
                PromptLibrary { template_version: "v1".into(), strategies: BTreeMap::new() }
            })
        });
        &LIBRARY
    }

    /// A library with another registry (same templates), e.g. one with an extra strategy.
    pub fn from_registry_json(json: &str) -> Result<PromptLibrary, PromptError> {
        let file: RegistryFile =
            serde_json::from_str(json).map_err(|e| PromptError::Registry(e.to_string()))?;
        for (name, template) in TEMPLATES {
            for slot in slots(template) {
                if !SLOTS.contains(&slot) {
                    return Err(PromptError::UnknownSlot { template: name, slot: slot.to_string() });
                }
            }
        }
        Ok(PromptLibrary { template_version: file.template_version, strategies: file.strategies })
    }

    pub fn template_version(&self) -> &str {
        &self.template_version
    }

    pub fn strategy_names(&self) -> impl Iterator<Item = &str> {
        self.strategies.keys().map(String::as_str)
    }

    pub fn strategy(&self, name: &str) -> Result<&StrategyProfile, PromptError> {
        self.strategies.get(name).ok_or_else(|| PromptError::UnknownStrategy(name.to_string()))
    }

    /// The system and user prompt for a request under the request's strategy.
    pub fn render(&self, request: &RewriteRequest) -> Result<RenderedPrompt, PromptError> {
        self.render_with(request, request.strategy.as_str())
    }

    /// Like [`render`](Self::render) with a strategy named by the registry.
    pub fn render_with(
        &self,
        request: &RewriteRequest,
        strategy: &str,
    ) -> Result<RenderedPrompt, PromptError> {
        let profile = self.strategy(strategy)?;
        let values = slot_values(request, profile);
        let get = |slot: &str| values.get(slot).cloned().unwrap_or_default();
        let system = fill(SYSTEM, &get);
        let user = [GAP_ANALYSIS, SUMMARY, SECTION_REWRITE].map(|t| fill(t, &get)).join("\n");
        let sections = request.resume.sections.len().max(1) as u32;
        Ok(RenderedPrompt {
            template_version: format!("rewrite/{}", self.template_version),
            strategy: strategy.to_string(),
            system,
            user,
            temperature: profile.temperature,
            max_tokens: profile.max_tokens_per_section.saturating_mul(sections).min(MAX_TOKENS_CAP),
        })
    }
}

const TEMPLATES: [(&str, &str); 4] = [
    ("system", SYSTEM),
    ("gap_analysis", GAP_ANALYSIS),
    ("summary", SUMMARY),
    ("section_rewrite", SECTION_REWRITE),
];

const SLOTS: &[&str] = &[
    "tone",
    "role_title",
    "company",
    "required_skills",
    "preferred_skills",
    "jd_keywords",
    "unlisted_skills",
    "missing_keywords",
    "headline",
    "max_tokens_per_section",
    "strategy_notes",
    "experience",
    "education",
    "skills",
    "other_sections",
    "jd_text",
];

/// The slot names of a template, in order.
fn slots(template: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = template;
    while let Some(start) = rest.find("{{") {
        let after = &rest[start + 2..];
        let Some(end) = after.find("}}") else { break };
        out.push(after[..end].trim());
        rest = &after[end + 2..];
    }
    out
}

/// One pass over the template: a value is never scanned again, so a JD that contains
/// "{{skills}}" stays literal text.
fn fill(template: &str, value: &dyn Fn(&str) -> String) -> String {
    let mut out = String::with_capacity(template.len() * 2);
    let mut rest = template;
    while let Some(start) = rest.find("{{") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let Some(end) = after.find("}}") else {
            out.push_str(&rest[start..]);
            return out;
        };
        out.push_str(&value(after[..end].trim()));
        rest = &after[end + 2..];
    }
    out.push_str(rest);
    out
}

/// Data cannot contain our delimiters: angle brackets become look-alikes, so `</job_description>`
/// inside a JD is text, not the end of the block.
pub fn defuse(text: &str) -> String {
    text.replace('<', "\u{2039}").replace('>', "\u{203A}")
}

fn list_or_none(items: &[String]) -> String {
    if items.is_empty() { "(none)".to_string() } else { defuse(&items.join(", ")) }
}

fn slot_values(request: &RewriteRequest, profile: &StrategyProfile) -> BTreeMap<&'static str, String> {
    let resume = &request.resume;
    let job = &request.job;
    let report = &request.report;
    let mut v = BTreeMap::new();
    v.insert("tone", profile.tone.clone());
    v.insert("strategy_notes", profile.notes.clone());
    v.insert("max_tokens_per_section", profile.max_tokens_per_section.to_string());
    v.insert("role_title", defuse(job.title.as_deref().unwrap_or("(not stated)")));
    v.insert("company", defuse(job.company.as_deref().unwrap_or("(not stated)")));
    v.insert("required_skills", list_or_none(&job.required_skills));
    v.insert("preferred_skills", list_or_none(&job.preferred_skills));
    let mirrors: Vec<String> = report
        .matched_keywords
        .iter()
        .filter(|m| !m.literal)
        .map(|m| format!("\"{}\" (resume says \"{}\")", m.term, m.resume_term))
        .collect();
    v.insert("jd_keywords", list_or_none(&mirrors));
    let unlisted: Vec<String> = report
        .matched_keywords
        .iter()
        .filter(|m| m.literal && !m.sections.iter().any(|s| s == "skills"))
        .map(|m| m.term.clone())
        .collect();
    v.insert("unlisted_skills", list_or_none(&unlisted));
    let missing: Vec<String> = report.missing_keywords.iter().map(|m| m.term.clone()).collect();
    v.insert("missing_keywords", list_or_none(&missing));
    let headline = resume
        .tagline
        .clone()
        .or_else(|| {
            resume.section(SectionKind::Summary).and_then(|s| s.entries.first()?.lines.first().cloned())
        })
        .unwrap_or_else(|| "(none)".to_string());
    v.insert("headline", defuse(&headline));

    let mut experience = Vec::new();
    let mut education = Vec::new();
    let mut skills = Vec::new();
    let mut other = Vec::new();
    for (s, section) in resume.sections.iter().enumerate() {
        let out = match section.kind {
            SectionKind::Experience => &mut experience,
            SectionKind::Education => &mut education,
            SectionKind::Skills => &mut skills,
            _ => &mut other,
        };
        if !matches!(section.kind, SectionKind::Experience | SectionKind::Education | SectionKind::Skills) {
            out.push(format!("## {} ({})", defuse(&section.heading), section.kind.as_str()));
        }
        for (e, entry) in section.entries.iter().enumerate() {
            let header: Vec<&str> =
                entry.header_lines.iter().map(String::as_str).chain(entry.date_text.as_deref()).collect();
            if !header.is_empty() {
                out.push(defuse(&header.join(" | ")));
            }
            for (l, line) in entry.lines.iter().enumerate() {
                let id = target_id(&resumax_core::optimization::SuggestionTarget::Line {
                    item: resumax_core::resume::ItemId { section: s, entry: e, line: l },
                });
                out.push(format!("[{id}] {}", defuse(line)));
            }
        }
        if !section.skills.is_empty() {
            let id = target_id(&resumax_core::optimization::SuggestionTarget::Skills { section: s });
            out.push(format!("[{id}] {}", defuse(&skills_text(&section.skills))));
        }
    }
    let joined = |lines: Vec<String>| if lines.is_empty() { "(none)".to_string() } else { lines.join("\n") };
    v.insert("experience", joined(experience));
    v.insert("education", joined(education));
    v.insert("skills", joined(skills));
    v.insert("other_sections", joined(other));
    v.insert("jd_text", defuse(&job.sanitized_text));
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_builtin_registry_parses_and_has_the_api_strategies() {
        let library = PromptLibrary::from_registry_json(STRATEGIES).expect("registry parses");
        for name in
            ["default", "conservative", "aggressive_keywords", "concise", "executive_tone", "skills_focus"]
        {
            assert!(library.strategy(name).is_ok(), "{name}");
        }
        assert!(matches!(library.strategy("nope"), Err(PromptError::UnknownStrategy(_))));
    }

    #[test]
    fn fill_is_single_pass() {
        let out = fill("a {{x}} b {{y}}", &|slot| if slot == "x" { "{{y}}".into() } else { "Y".into() });
        assert_eq!(out, "a {{y}} b Y");
    }

    #[test]
    fn an_unknown_slot_is_refused() {
        assert_eq!(slots("{{a}} and {{ b }}"), ["a", "b"]);
    }
}
