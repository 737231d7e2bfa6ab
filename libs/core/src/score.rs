//! The explainable alignment score and match report produced by the scoring service.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Importance {
    Required,
    Preferred,
    Mentioned,
}

/// A JD term found in the resume.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct KeywordMatch {
    /// The JD's wording.
    pub term: String,
    pub importance: Importance,
    pub weight: f64,
    /// How the resume says it (differs from `term` when matched through an alias or variant).
    pub resume_term: String,
    /// True when the JD's exact wording is in the resume (what a literal ATS search finds).
    pub literal: bool,
    /// Sections where it appears (`experience`, `skills`, ...).
    pub sections: Vec<String>,
}

/// A JD term absent from the resume.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct KeywordGap {
    pub term: String,
    pub importance: Importance,
    pub weight: f64,
}

/// Each component in 0..=100, with its share of the total.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ScoreComponent {
    pub name: String,
    pub score: f64,
    pub weight: f64,
    pub detail: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct MatchReport {
    /// 0..=100.
    pub alignment_score: u8,
    pub breakdown: Vec<ScoreComponent>,
    pub matched_keywords: Vec<KeywordMatch>,
    pub missing_keywords: Vec<KeywordGap>,
    /// Plain-language advice, most valuable first.
    pub recommendations: Vec<String>,
}

/// One job description's place when one resume is ranked against many.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct RankedJob {
    /// Position of the job description in the request.
    pub index: usize,
    /// 0..=100.
    pub alignment_score: u8,
    pub breakdown: Vec<ScoreComponent>,
}
