//! The prompt library: versioned template files (`prompts/v2/*.txt`) with `{{slot}}`s, and the
//! strategy registry (`prompts/strategies.json`). Adding a strategy such as `concise` is an edit
//! of the JSON file, not of code.
//!
//! A strict data boundary: the instruction part (the system prompt and the user message before
//! the `<resume>` block) is filled only from our own strategy registry. Everything from the
//! resume or the posting, the posting's title, company and requirements included, goes into the
//! delimited data blocks after it, as sanitised one-line fields; any delimiter inside data is
//! defused so that text cannot close its block and pose as an instruction. `from_registry_json`
//! refuses a template that breaks this.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use resumax_core::resume::SectionKind;
use serde::{Deserialize, Serialize};

use crate::provider::RewriteRequest;
use crate::schema::target_id;
use crate::skills_text;

const SYSTEM: &str = include_str!("../prompts/v2/system.txt");
const SECTION_REWRITE: &str = include_str!("../prompts/v2/section_rewrite.txt");
const SUMMARY: &str = include_str!("../prompts/v2/summary.txt");
const RESUME: &str = include_str!("../prompts/v2/resume.txt");
const GAP_ANALYSIS: &str = include_str!("../prompts/v2/gap_analysis.txt");
const JOB_DESCRIPTION: &str = include_str!("../prompts/v2/job_description.txt");

/// Where the data part of the user message begins.
const DATA_START: &str = "<resume>";
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
    pub temperature: f64,
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
    #[error("instruction template {template} uses the data slot {slot:?}: data belongs in a data block")]
    DataInInstructions { template: &'static str, slot: String },
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
    pub temperature: f64,
    pub max_tokens: u32,
}

impl RenderedPrompt {
    /// The user message before its first data block: our instructions alone.
    pub fn instruction_part(&self) -> &str {
        self.user.find(DATA_START).map_or(self.user.as_str(), |at| &self.user[..at])
    }
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
        for (name, template) in INSTRUCTION_TEMPLATES {
            for slot in slots(template) {
                if !INSTRUCTION_SLOTS.contains(&slot) {
                    return Err(PromptError::DataInInstructions { template: name, slot: slot.to_string() });
                }
            }
        }
        for (name, template) in DATA_TEMPLATES {
            if !template.trim_start().starts_with('<') {
                return Err(PromptError::Registry(format!("data template {name} is not a delimited block")));
            }
            for slot in slots(template) {
                if !DATA_SLOTS.contains(&slot) && !INSTRUCTION_SLOTS.contains(&slot) {
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
        let instructions = [SECTION_REWRITE, SUMMARY].map(|t| fill(t, &get)).join("\n");
        let data = [RESUME, GAP_ANALYSIS, JOB_DESCRIPTION].map(|t| fill(t, &get)).join("\n");
        let user = format!("{instructions}\n{data}");
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

/// Templates of the instruction part: only [`INSTRUCTION_SLOTS`], our own registry's values.
const INSTRUCTION_TEMPLATES: [(&str, &str); 3] =
    [("system", SYSTEM), ("section_rewrite", SECTION_REWRITE), ("summary", SUMMARY)];

/// Templates of the data part, each one delimited block.
const DATA_TEMPLATES: [(&str, &str); 3] =
    [("resume", RESUME), ("gap_analysis", GAP_ANALYSIS), ("job_description", JOB_DESCRIPTION)];

const INSTRUCTION_SLOTS: &[&str] = &["tone", "max_tokens_per_section", "strategy_notes"];

const DATA_SLOTS: &[&str] = &[
    "role_title",
    "company",
    "requirements",
    "jd_keywords",
    "unlisted_skills",
    "missing_keywords",
    "headline",
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

/// One field of structured data: defused, on one line (tabs, line breaks and control characters
/// become single spaces), at most `max` characters.
fn field(text: &str, max: usize) -> String {
    let one_line: String = text.chars().map(|c| if c.is_control() { ' ' } else { c }).collect::<String>();
    let mut out = defuse(&one_line.split_whitespace().collect::<Vec<_>>().join(" "));
    if out.chars().count() > max {
        out = out.chars().take(max).collect::<String>().trim_end().to_string() + "...";
    }
    out
}

fn list_or_none(items: &[String]) -> String {
    if items.is_empty() {
        "(none)".to_string()
    } else {
        items.iter().map(|i| field(i, 80)).collect::<Vec<_>>().join(", ")
    }
}

/// A requirement term is a name ("PostgreSQL", "machine learning"), not a sentence: longer
/// phrases are fragments the requirement reader could not name, and stay out.
const MAX_TERM_WORDS: usize = 5;

fn is_term(text: &str) -> bool {
    let words = text.split_whitespace().count();
    (1..=MAX_TERM_WORDS).contains(&words) && text.chars().count() <= 60
}

/// The posting's requirements, one per line, from the requirement model: `- term (required,
/// tool)`, with either/or members and minimum years. Postings stored before the model existed
/// fall back to their skill lists.
fn requirement_lines(job: &resumax_core::job_description::ParsedJobDescription) -> String {
    let mut lines = Vec::new();
    for r in job.requirements.iter().filter(|r| is_term(&r.term)) {
        let kind = serde_json::to_value(r.kind).ok().and_then(|v| v.as_str().map(str::to_string));
        let importance = serde_json::to_value(r.importance).ok().and_then(|v| v.as_str().map(str::to_string));
        let mut line = format!(
            "- {} ({}, {})",
            field(&r.term, 60),
            importance.unwrap_or_default(),
            kind.unwrap_or_default()
        );
        let others: Vec<String> =
            r.alternatives.iter().filter(|a| is_term(a)).map(|a| field(a, 60)).collect();
        if !others.is_empty() {
            line.push_str(&format!(", or one of: {}", others.join(", ")));
        }
        if let Some(years) = r.years {
            line.push_str(&format!(", at least {years} years"));
        }
        lines.push(line);
    }
    if job.requirements.is_empty() {
        let terms = |list: &[String], importance: &str| -> Vec<String> {
            list.iter().filter(|t| is_term(t)).map(|t| format!("- {} ({importance})", field(t, 60))).collect()
        };
        lines.extend(terms(&job.required_skills, "required"));
        lines.extend(terms(&job.preferred_skills, "preferred"));
    }
    if lines.is_empty() { "(none)".to_string() } else { lines.join("\n") }
}

/// An entry's header as one clean line: title | organisation | location | dates from the
/// parsed fields, or the header lines split at their tabs and wide gaps; each part once, the
/// dates once.
fn entry_header(entry: &resumax_core::resume::Entry) -> Option<String> {
    let mut parts: Vec<String> = Vec::new();
    let structured: Vec<&String> =
        [&entry.title, &entry.organization, &entry.location].into_iter().flatten().collect();
    let raw: Vec<String> = if structured.is_empty() {
        entry.header_lines.iter().flat_map(|h| h.split(['\t', '|']).map(str::to_string)).collect()
    } else {
        structured.into_iter().cloned().collect()
    };
    let dates = entry.date_text.as_deref().map(|d| field(d, 60)).filter(|d| !d.is_empty());
    for part in raw {
        let mut part = field(&part, 120);
        if let Some(d) = &dates {
            part = part.replace(d.as_str(), " ").split_whitespace().collect::<Vec<_>>().join(" ");
        }
        let part = part.trim_matches([' ', ',', '-', '\u{2013}', '\u{2014}']).to_string();
        if !part.is_empty() && !parts.iter().any(|p| p.eq_ignore_ascii_case(&part)) {
            parts.push(part);
        }
    }
    parts.extend(dates);
    (!parts.is_empty()).then(|| parts.join(" | "))
}

fn slot_values(request: &RewriteRequest, profile: &StrategyProfile) -> BTreeMap<&'static str, String> {
    let resume = &request.resume;
    let job = &request.job;
    let report = &request.report;
    let mut v = BTreeMap::new();
    v.insert("tone", profile.tone.clone());
    v.insert("strategy_notes", profile.notes.clone());
    v.insert("max_tokens_per_section", profile.max_tokens_per_section.to_string());
    v.insert("role_title", job.title.as_deref().map_or("(not stated)".into(), |t| field(t, 80)));
    v.insert("company", job.company.as_deref().map_or("(not stated)".into(), |c| field(c, 80)));
    v.insert("requirements", requirement_lines(job));
    let mirrors: Vec<String> = report
        .matched_keywords
        .iter()
        .filter(|m| !m.literal && is_term(&m.term))
        .map(|m| format!("\"{}\" (resume says \"{}\")", field(&m.term, 60), field(&m.resume_term, 60)))
        .collect();
    v.insert("jd_keywords", if mirrors.is_empty() { "(none)".into() } else { mirrors.join(", ") });
    let unlisted: Vec<String> = report
        .matched_keywords
        .iter()
        .filter(|m| m.literal && !m.sections.iter().any(|s| s == "skills") && is_term(&m.term))
        .map(|m| m.term.clone())
        .collect();
    v.insert("unlisted_skills", list_or_none(&unlisted));
    let missing: Vec<String> =
        report.missing_keywords.iter().filter(|m| is_term(&m.term)).map(|m| m.term.clone()).collect();
    v.insert("missing_keywords", list_or_none(&missing));
    let headline = resume
        .tagline
        .clone()
        .or_else(|| {
            resume.section(SectionKind::Summary).and_then(|s| s.entries.first()?.lines.first().cloned())
        })
        .unwrap_or_else(|| "(none)".to_string());
    v.insert("headline", field(&headline, 200));

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
            out.push(format!("## {} ({})", field(&section.heading, 80), section.kind.as_str()));
        }
        for (e, entry) in section.entries.iter().enumerate() {
            if let Some(header) = entry_header(entry) {
                out.push(header);
            }
            for (l, line) in entry.lines.iter().enumerate() {
                let id = target_id(&resumax_core::optimization::SuggestionTarget::Line {
                    item: resumax_core::resume::ItemId { section: s, entry: e, line: l },
                });
                out.push(format!("[{id}] {}", field(line, 1000)));
            }
        }
        if !section.skills.is_empty() {
            let id = target_id(&resumax_core::optimization::SuggestionTarget::Skills { section: s });
            out.push(format!("[{id}] {}", field(&skills_text(&section.skills), 2000)));
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
