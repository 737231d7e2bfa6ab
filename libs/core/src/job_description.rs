//! A job description after sanitizing and analysis.

use serde::{Deserialize, Serialize};

use crate::score::Importance;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ParsedJobDescription {
    pub title: Option<String>,
    pub company: Option<String>,
    pub location: Option<String>,
    pub employment_type: Option<String>,
    /// One name per required requirement, in order of appearance: an either/or group is named
    /// once, by its first member or its category (the group is in `requirements`).
    #[serde(default)]
    pub required_skills: Vec<String>,
    /// The same for the nice-to-have requirements.
    #[serde(default)]
    pub preferred_skills: Vec<String>,
    /// Markup and control characters stripped, whitespace normalised.
    pub sanitized_text: String,
    /// Quality flags: `short`, `missing_title`, `missing_company`, `missing_location`,
    /// `no_requirements`, `unsupported_language`.
    #[serde(default)]
    pub warnings: Vec<String>,
    /// What the posting asks for, read once by JD analysis; the scorer, the API and the prompts
    /// all use this one list. Empty for records stored before it existed: readers then analyse
    /// `sanitized_text` again.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub requirements: Vec<Requirement>,
}

/// What kind of thing a requirement asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum RequirementKind {
    /// A method or field of knowledge ("machine learning", "budgeting").
    Skill,
    /// A named product, language or technology ("PostgreSQL", "Excel").
    Tool,
    Certification,
    Degree,
    /// Years of experience, overall or with one skill.
    Years,
    /// A spoken language ("English").
    Language,
    Soft,
}

/// One requirement of a posting.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Requirement {
    /// The canonical name (the taxonomy's when it knows the concept): for a group, its category
    /// or first member.
    pub term: String,
    /// Required or preferred (never `mentioned`).
    pub importance: Importance,
    pub kind: RequirementKind,
    /// The phrase of the posting it was read from.
    pub source: String,
    /// For an either/or group ("Go, Rust or Java", "such as R, Weka"): the other members, any
    /// one of which satisfies the requirement together with `term`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub alternatives: Vec<String>,
    /// For a years requirement: the minimum number of years.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub years: Option<u32>,
    /// The term names the class its alternatives illustrate ("NoSQL databases, such as MongoDB
    /// or Cassandra"): the posting asks for one of the examples, or the class itself.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub category: bool,
}

impl Requirement {
    /// Every name that satisfies it: the term, then its alternatives.
    pub fn members(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.term.as_str()).chain(self.alternatives.iter().map(String::as_str))
    }
}
