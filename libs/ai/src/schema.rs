//! The response every model must give, as Rust types. The JSON schema sent to the providers
//! (OpenAI `json_schema`, Anthropic `input_schema`, the plain-JSON prompt) is generated from these
//! types, so the code that reads an answer and the schema that asks for it never drift.
//!
//! A rewrite names its target by id and never restates the original: the original comes from the
//! parsed resume, so a model cannot quietly alter a fact in the "before" text.

use std::str::FromStr;
use std::sync::LazyLock;

use resumax_core::optimization::{ChangeType, Suggestion, SuggestionTarget};
use resumax_core::resume::{ItemId, ParsedResume, SectionKind};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::skills_text;

/// The whole answer of a model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RewriteResponse {
    /// Proposed rewrites, in resume order; an empty list when nothing can be improved truthfully.
    pub rewrites: Vec<Rewrite>,
}

/// One proposed rewrite of one resume line or skills list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Rewrite {
    /// The id shown in brackets before the line in the resume: `S.E.L` for a line (e.g. `1.0.2`),
    /// `skills.S` for the skills list of section S.
    pub target: String,
    /// The kind of section the target is in.
    pub section: SectionName,
    pub change_type: ChangeKind,
    /// The new text of the line, or the whole new skills list joined by ", ".
    pub suggested: String,
    /// One sentence for the candidate: why this helps for this job.
    pub reason: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum SectionName {
    Summary,
    Experience,
    Education,
    Skills,
    Projects,
    Certifications,
    Other,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    KeywordAligned,
    Strengthened,
    Reordered,
    Added,
    Rephrased,
}

impl From<SectionName> for SectionKind {
    fn from(s: SectionName) -> Self {
        match s {
            SectionName::Summary => SectionKind::Summary,
            SectionName::Experience => SectionKind::Experience,
            SectionName::Education => SectionKind::Education,
            SectionName::Skills => SectionKind::Skills,
            SectionName::Projects => SectionKind::Projects,
            SectionName::Certifications => SectionKind::Certifications,
            SectionName::Other => SectionKind::Other,
        }
    }
}

impl From<SectionKind> for SectionName {
    fn from(s: SectionKind) -> Self {
        match s {
            SectionKind::Summary => SectionName::Summary,
            SectionKind::Experience => SectionName::Experience,
            SectionKind::Education => SectionName::Education,
            SectionKind::Skills => SectionName::Skills,
            SectionKind::Projects => SectionName::Projects,
            SectionKind::Certifications => SectionName::Certifications,
            SectionKind::Other => SectionName::Other,
        }
    }
}

impl From<ChangeKind> for ChangeType {
    fn from(c: ChangeKind) -> Self {
        match c {
            ChangeKind::KeywordAligned => ChangeType::KeywordAligned,
            ChangeKind::Strengthened => ChangeType::Strengthened,
            ChangeKind::Reordered => ChangeType::Reordered,
            ChangeKind::Added => ChangeType::Added,
            ChangeKind::Rephrased => ChangeType::Rephrased,
        }
    }
}

impl From<ChangeType> for ChangeKind {
    fn from(c: ChangeType) -> Self {
        match c {
            ChangeType::KeywordAligned => ChangeKind::KeywordAligned,
            ChangeType::Strengthened => ChangeKind::Strengthened,
            ChangeType::Reordered => ChangeKind::Reordered,
            ChangeType::Added => ChangeKind::Added,
            ChangeType::Rephrased | ChangeType::Unchanged => ChangeKind::Rephrased,
        }
    }
}

/// The id a prompt shows for a target, and a rewrite names.
pub fn target_id(target: &SuggestionTarget) -> String {
    match target {
        SuggestionTarget::Line { item } => item.to_string(),
        SuggestionTarget::Skills { section } => format!("skills.{section}"),
    }
}

fn parse_target(id: &str) -> Option<SuggestionTarget> {
    let id = id.trim().trim_start_matches('[').trim_end_matches(']');
    if let Some(section) = id.strip_prefix("skills.") {
        return section.parse().ok().map(|section| SuggestionTarget::Skills { section });
    }
    ItemId::from_str(id).ok().map(|item| SuggestionTarget::Line { item })
}

/// The schema as the providers' strict modes want it: every `$ref` inlined, every object closed
/// (`additionalProperties: false`) with all its properties required, no meta keywords.
pub fn response_schema() -> &'static Value {
    static SCHEMA: LazyLock<Value> = LazyLock::new(|| {
        let generated = serde_json::to_value(schemars::schema_for!(RewriteResponse)).unwrap_or_default();
        let defs = generated.get("$defs").cloned().unwrap_or(Value::Null);
        strict(&generated, &defs)
    });
    &SCHEMA
}

fn strict(value: &Value, defs: &Value) -> Value {
    match value {
        Value::Object(map) => {
            if let Some(reference) = map.get("$ref").and_then(Value::as_str) {
                let name = reference.rsplit('/').next().unwrap_or("");
                return strict(defs.get(name).unwrap_or(&Value::Null), defs);
            }
            let mut out = serde_json::Map::new();
            for (k, v) in map {
                if matches!(k.as_str(), "$schema" | "$defs" | "title" | "format") {
                    continue;
                }
                out.insert(k.clone(), strict(v, defs));
            }
            if let Some(Value::Object(props)) = out.get("properties") {
                let required: Vec<Value> = props.keys().map(|k| Value::String(k.clone())).collect();
                out.insert("required".into(), Value::Array(required));
                out.insert("additionalProperties".into(), Value::Bool(false));
            }
            Value::Object(out)
        }
        Value::Array(items) => Value::Array(items.iter().map(|v| strict(v, defs)).collect()),
        other => other.clone(),
    }
}

/// Reads a model's answer. Tolerates a Markdown code fence around the JSON (a habit of models in
/// plain JSON mode); anything else that is not exactly the schema is an error, with a message
/// short enough to send back in the stricter re-ask.
pub fn parse_response(raw: &str) -> Result<RewriteResponse, String> {
    let mut text = raw.trim();
    if let Some(rest) = text.strip_prefix("```") {
        let rest = rest.strip_prefix("json").unwrap_or(rest);
        text = rest.trim().strip_suffix("```").unwrap_or(rest).trim();
    }
    serde_json::from_str::<RewriteResponse>(text).map_err(|e| {
        let mut message = e.to_string();
        message.truncate(300);
        message
    })
}

/// A rewrite the resume cannot anchor, with the reason.
pub type Unresolved = (Rewrite, String);

/// Turns rewrites into suggestions, taking each original from the resume itself (the evidence
/// link). A rewrite whose target does not exist is returned with the reason instead.
pub fn resolve(resume: &ParsedResume, response: &RewriteResponse) -> (Vec<Suggestion>, Vec<Unresolved>) {
    let mut suggestions = Vec::new();
    let mut unresolved = Vec::new();
    for (i, rewrite) in response.rewrites.iter().enumerate() {
        let Some(target) = parse_target(&rewrite.target) else {
            unresolved
                .push((rewrite.clone(), format!("target {:?} is not a resume line id", rewrite.target)));
            continue;
        };
        let original = match &target {
            SuggestionTarget::Line { item } => resume.line(*item).map(str::to_string),
            SuggestionTarget::Skills { section } => resume
                .sections
                .get(*section)
                .filter(|s| s.kind == SectionKind::Skills || !s.skills.is_empty())
                .map(|s| skills_text(&s.skills)),
        };
        let Some(original) = original else {
            unresolved
                .push((rewrite.clone(), format!("target {} does not exist in the resume", rewrite.target)));
            continue;
        };
        suggestions.push(Suggestion {
            change_id: format!("c{}", i + 1),
            target,
            section: rewrite.section.into(),
            change_type: rewrite.change_type.into(),
            original,
            suggested: rewrite.suggested.clone(),
            reason: rewrite.reason.clone(),
            uncertain: false,
        });
    }
    (suggestions, unresolved)
}

/// The inverse of [`resolve`], for providers that produce suggestions directly (offline).
pub fn to_response(suggestions: &[Suggestion]) -> RewriteResponse {
    RewriteResponse {
        rewrites: suggestions
            .iter()
            .map(|s| Rewrite {
                target: target_id(&s.target),
                section: s.section.into(),
                change_type: s.change_type.into(),
                suggested: s.suggested.clone(),
                reason: s.reason.clone(),
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schema_is_closed_and_inlined() {
        let schema = response_schema();
        let text = schema.to_string();
        assert!(!text.contains("$ref") && !text.contains("$defs"), "{text}");
        assert_eq!(schema["additionalProperties"], false);
        let item = &schema["properties"]["rewrites"]["items"];
        assert_eq!(item["additionalProperties"], false);
        let required: Vec<&str> =
            item["required"].as_array().unwrap().iter().filter_map(Value::as_str).collect();
        assert_eq!(required, ["change_type", "reason", "section", "suggested", "target"]);
        assert!(item["properties"]["change_type"]["enum"].as_array().is_some_and(|e| e.len() == 5), "{text}");
    }

    #[test]
    fn parses_fenced_json_and_rejects_extra_fields() {
        let ok = "```json\n{\"rewrites\": []}\n```";
        assert_eq!(parse_response(ok).unwrap().rewrites.len(), 0);
        assert!(parse_response("{\"rewrites\": [], \"note\": 1}").is_err());
        assert!(parse_response("not json").is_err());
    }
}
