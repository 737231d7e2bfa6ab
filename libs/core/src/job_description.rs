//! A job description after sanitizing and analysis.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ParsedJobDescription {
    pub title: Option<String>,
    pub company: Option<String>,
    pub location: Option<String>,
    pub employment_type: Option<String>,
    /// Skills named in the required part, in order of appearance.
    #[serde(default)]
    pub required_skills: Vec<String>,
    /// Skills named in the nice-to-have part.
    #[serde(default)]
    pub preferred_skills: Vec<String>,
    /// Markup and control characters stripped, whitespace normalised.
    pub sanitized_text: String,
    /// Quality flags: `short`, `missing_title`, `missing_company`, `missing_location`.
    #[serde(default)]
    pub warnings: Vec<String>,
}
