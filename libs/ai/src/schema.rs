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

/// The whole answer of a model. Reading is tolerant (see [`parse_response`]): the schema sent is
/// strict, but an extra field a server adds is ignored rather than costing the whole answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct RewriteResponse {
    /// Proposed rewrites, in resume order; an empty list when nothing can be improved truthfully.
    pub rewrites: Vec<Rewrite>,
}

/// One proposed rewrite of one resume line or skills list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
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
    /// True when the rewrite states something the resume may not fully support (a stronger verb
    /// than the line proves, a term the candidate should confirm); the candidate then decides.
    #[serde(default)]
    pub needs_confirmation: bool,
    /// When `needs_confirmation` is true, what the candidate should check; otherwise "".
    #[serde(default)]
    pub confirmation_reason: String,
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

/// A model's answer as read: the rewrites that are each valid, and for every one that is not,
/// why (a warning of the run).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ParsedAnswer {
    pub rewrites: Vec<Rewrite>,
    pub rejected: Vec<String>,
}

/// Reads a model's answer tolerantly: the JSON object may sit inside a Markdown code fence or
/// between sentences of prose (servers without schema enforcement do both), extra fields are
/// ignored, and each rewrite is validated on its own, so one out-of-enum `change_type` costs that
/// rewrite and not the answer. An error (short enough to send back in the stricter re-ask) means
/// no object with a `rewrites` list was found, or none of its rewrites is valid.
pub fn parse_response(raw: &str) -> Result<ParsedAnswer, String> {
    let Some(object) = json_objects(raw).find(|v| v.get("rewrites").is_some()) else {
        let mut message = match serde_json::from_str::<Value>(raw.trim()) {
            Err(e) => format!("no JSON object with a \"rewrites\" list in the answer ({e})"),
            Ok(_) => "the JSON object has no \"rewrites\" list".to_string(),
        };
        message.truncate(300);
        return Err(message);
    };
    let Some(items) = object["rewrites"].as_array() else {
        return Err("\"rewrites\" must be a list".to_string());
    };
    let mut answer = ParsedAnswer::default();
    for (i, item) in items.iter().enumerate() {
        match Rewrite::deserialize(item) {
            Ok(rewrite) => answer.rewrites.push(rewrite),
            Err(e) => {
                let mut why = format!("rewrite {} is not valid: {e}", i + 1);
                why.truncate(200);
                answer.rejected.push(why);
            }
        }
    }
    if answer.rewrites.is_empty() && !answer.rejected.is_empty() {
        return Err(answer.rejected.join("; ").chars().take(300).collect());
    }
    Ok(answer)
}

/// Every JSON object in `text`, in order: the text itself, a fenced block's content, or an
/// object found at any `{` (the first one that parses wins at each position).
fn json_objects(text: &str) -> impl Iterator<Item = Value> + '_ {
    let starts = text.match_indices('{').map(|(at, _)| at);
    starts.filter_map(move |at| {
        let mut stream = serde_json::Deserializer::from_str(&text[at..]).into_iter::<Value>();
        match stream.next() {
            Some(Ok(value @ Value::Object(_))) => Some(value),
            _ => None,
        }
    })
}

/// A rewrite the resume cannot anchor, with the reason.
pub type Unresolved = (Rewrite, String);

/// Turns rewrites into suggestions, taking each original from the resume itself (the evidence
/// link). A rewrite whose target does not exist is returned with the reason instead.
/// A rewrite the model marked `needs_confirmation` comes back uncertain, its reason carrying the
/// model's own doubt.
pub fn resolve(resume: &ParsedResume, rewrites: &[Rewrite]) -> (Vec<Suggestion>, Vec<Unresolved>) {
    let mut suggestions = Vec::new();
    let mut unresolved = Vec::new();
    for (i, rewrite) in rewrites.iter().enumerate() {
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
            reason: if rewrite.needs_confirmation {
                let doubt = rewrite.confirmation_reason.trim();
                let doubt = if doubt.is_empty() { "no reason given" } else { doubt };
                format!("{} The model asks you to confirm: {doubt}.", rewrite.reason.trim())
            } else {
                rewrite.reason.clone()
            },
            uncertain: rewrite.needs_confirmation,
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
                needs_confirmation: s.uncertain,
                confirmation_reason: String::new(),
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
        assert_eq!(
            required,
            [
                "change_type",
                "confirmation_reason",
                "needs_confirmation",
                "reason",
                "section",
                "suggested",
                "target"
            ]
        );
        assert!(item["properties"]["change_type"]["enum"].as_array().is_some_and(|e| e.len() == 5), "{text}");
    }

    fn item(change_type: &str) -> Value {
        serde_json::json!({"target": "1.0.0", "section": "experience", "change_type": change_type,
                           "suggested": "x", "reason": "y"})
    }

    #[test]
    fn finds_the_object_in_fences_and_prose_and_keeps_each_valid_rewrite() {
        let ok = "```json\n{\"rewrites\": []}\n```";
        assert_eq!(parse_response(ok).unwrap().rewrites.len(), 0);
        let prose = format!(
            "Sure! Here is the JSON {{as asked}}:\n{}\nLet me know if you need more.",
            serde_json::json!({"rewrites": [item("strengthened"), item("invented"), item("rephrased")]})
        );
        let answer = parse_response(&prose).unwrap();
        assert_eq!(answer.rewrites.len(), 2);
        assert_eq!(answer.rejected.len(), 1);
        assert!(answer.rejected[0].starts_with("rewrite 2 is not valid"), "{:?}", answer.rejected);
        assert!(!answer.rewrites[0].needs_confirmation, "a missing flag means sure");
        assert!(parse_response("{\"rewrites\": [], \"note\": 1}").is_ok(), "extra fields are ignored");
        assert!(parse_response("not json").is_err());
        assert!(parse_response("{\"rewrites\": \"none\"}").is_err());
        let all_bad = serde_json::json!({"rewrites": [item("nope")]}).to_string();
        assert!(parse_response(&all_bad).is_err(), "nothing valid remains: an error, so the chain re-asks");
    }
}
