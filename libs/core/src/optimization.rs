//! Optimization runs, suggestions, diffs and versions.

use serde::{Deserialize, Serialize};

use crate::resume::{ItemId, ParsedResume, SectionKind};
use crate::score::MatchReport;
use crate::{Error, ErrorCode};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
#[derive(strum::IntoStaticStr, strum::EnumString, strum::VariantArray)]
#[strum(serialize_all = "snake_case")]
pub enum OptimizationStatus {
    Queued,
    Processing,
    Generating,
    Completed,
    Failed,
}

impl OptimizationStatus {
    pub const ACTIVE: [OptimizationStatus; 3] =
        [OptimizationStatus::Queued, OptimizationStatus::Processing, OptimizationStatus::Generating];

    pub fn as_str(self) -> &'static str {
        self.into()
    }
    pub fn parse(s: &str) -> Option<Self> {
        s.parse().ok()
    }
    pub fn is_terminal(self) -> bool {
        matches!(self, OptimizationStatus::Completed | OptimizationStatus::Failed)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
#[derive(strum::IntoStaticStr, strum::EnumString, strum::VariantArray)]
#[strum(serialize_all = "snake_case")]
pub enum Strategy {
    #[default]
    Default,
    Conservative,
    AggressiveKeywords,
}

impl Strategy {
    pub fn as_str(self) -> &'static str {
        self.into()
    }
    pub fn parse(s: &str) -> Result<Self, Error> {
        s.parse()
            .map_err(|_| Error::invalid_input(format!("unknown strategy {s:?}: use {}", one_of::<Self>())))
    }
}

/// What kind of change a suggestion makes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ChangeType {
    /// Uses the JD's wording for something the resume already says.
    KeywordAligned,
    /// Stronger opening verb or tighter phrasing, same facts.
    Strengthened,
    /// Same items in a different order (skills by JD relevance).
    Reordered,
    /// An item added that the resume already evidences elsewhere (a skill used in a bullet).
    Added,
    /// Other rewording.
    Rephrased,
    Unchanged,
}

impl ChangeType {
    /// What the change did, in the words a person reads in a preview ("keyword aligned").
    pub fn describe(self) -> &'static str {
        match self {
            ChangeType::KeywordAligned => "keyword aligned",
            ChangeType::Strengthened => "strengthened",
            ChangeType::Reordered => "reordered",
            ChangeType::Added => "added",
            ChangeType::Rephrased => "rephrased",
            ChangeType::Unchanged => "unchanged",
        }
    }
}

/// Where a suggestion applies.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", tag = "kind")]
pub enum SuggestionTarget {
    /// Replace one line (bullet or summary sentence).
    Line {
        #[cfg_attr(feature = "openapi", schema(value_type = String, example = "1.0.2"))]
        item: ItemId,
    },
    /// Replace the skill list of a section; `suggested` holds the whole new list joined by ", ".
    Skills { section: usize },
}

/// One proposed change. Every suggestion carries the original it came from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Suggestion {
    /// Stable within a run: the change id a client accepts.
    pub change_id: String,
    pub target: SuggestionTarget,
    pub section: SectionKind,
    pub change_type: ChangeType,
    pub original: String,
    pub suggested: String,
    pub reason: String,
    /// The guard could not verify every fact; the default is to keep the original.
    #[serde(default)]
    pub uncertain: bool,
}

/// A span of a word-level diff.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct DiffSpan {
    /// `equal`, `insert` or `delete`.
    pub op: String,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct LineChange {
    pub change_id: String,
    /// The line id for line changes, absent for whole-list changes.
    pub item_id: Option<String>,
    pub change_type: ChangeType,
    pub original: String,
    pub optimized: String,
    pub spans: Vec<DiffSpan>,
    pub uncertain: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct SectionDiff {
    pub section: SectionKind,
    pub heading: String,
    pub original: String,
    pub optimized: String,
    /// `Unchanged` when no line changed, otherwise the dominant change type.
    pub change_type: ChangeType,
    pub changes: Vec<LineChange>,
}

/// Everything a completed run produced.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct OptimizationResult {
    pub summary: Vec<String>,
    pub score_before: MatchReport,
    pub score_after: MatchReport,
    pub diff: Vec<SectionDiff>,
    pub suggestions: Vec<Suggestion>,
    pub warnings: Vec<String>,
    pub provider: String,
    pub model: String,
    pub optimized: ParsedResume,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct FailureInfo {
    pub code: ErrorCode,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Optimization {
    pub optimization_id: uuid::Uuid,
    pub status: OptimizationStatus,
    pub resume_id: uuid::Uuid,
    pub job_description_id: uuid::Uuid,
    pub strategy: Strategy,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub updated_at: chrono::DateTime<chrono::Utc>,
    pub result: Option<OptimizationResult>,
    pub error: Option<FailureInfo>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Version {
    pub version_id: uuid::Uuid,
    pub optimization_id: uuid::Uuid,
    pub resume_id: uuid::Uuid,
    pub score: u8,
    pub accepted_changes: Vec<String>,
    /// Accepted changes whose text the person wrote (their edit replaced the suggestion).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub edited_changes: Vec<String>,
    /// The run's changes not accepted.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rejected_changes: Vec<String>,
    /// What the guard noticed in the accepted text, the person's edits included.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
    pub optimized: ParsedResume,
    pub diff: Vec<SectionDiff>,
    pub notes: Option<String>,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
#[derive(strum::IntoStaticStr, strum::EnumString, strum::VariantArray)]
#[strum(serialize_all = "snake_case")]
pub enum ExportFormat {
    Pdf,
    Docx,
    Text,
}

impl ExportFormat {
    pub fn as_str(self) -> &'static str {
        self.into()
    }
    pub fn parse(s: &str) -> Result<Self, Error> {
        s.parse().map_err(|_| {
            Error::invalid_input(format!("unknown export format {s:?}: use {}", one_of::<Self>()))
        })
    }
}

/// The look of an export. All are single column, ATS-safe, with the same reading order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
#[derive(strum::IntoStaticStr, strum::EnumString, strum::VariantArray)]
#[strum(serialize_all = "snake_case")]
pub enum ExportDesign {
    /// Serif type, centred name, ruled headings in capitals.
    #[default]
    Classic,
    /// Sans-serif type, a coloured name and headings, generous spacing.
    Modern,
    /// Sans-serif type at a smaller size and tight spacing, to keep a long career on fewer pages.
    Compact,
}

impl ExportDesign {
    pub const ALL: [ExportDesign; 3] = [ExportDesign::Classic, ExportDesign::Modern, ExportDesign::Compact];

    pub fn as_str(self) -> &'static str {
        self.into()
    }
    pub fn parse(s: &str) -> Result<Self, Error> {
        s.parse().map_err(|_| {
            Error::invalid_input(format!("unknown export design {s:?}: use {}", one_of::<Self>()))
        })
    }
}

/// The accepted names of an enum for a message: "a, b or c".
pub fn one_of<T: strum::VariantArray + Copy + Into<&'static str>>() -> String {
    let names: Vec<&'static str> = T::VARIANTS.iter().map(|v| (*v).into()).collect();
    match names.split_last() {
        Some((last, [])) => last.to_string(),
        Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
        None => String::new(),
    }
}
