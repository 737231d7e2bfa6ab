//! A resume as the parser understands it: contact fields and sections in reading order.
//!
//! Bullets and paragraphs are addressed by a stable `ItemId` ("sectionIndex.entryIndex.lineIndex"),
//! so a rewrite always links back to the exact original line it came from (the evidence link).

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
#[derive(strum::IntoStaticStr, strum::EnumString, strum::VariantArray)]
#[strum(serialize_all = "snake_case")]
pub enum SectionKind {
    Summary,
    Experience,
    Education,
    Skills,
    Projects,
    Certifications,
    Other,
}

impl SectionKind {
    pub fn as_str(self) -> &'static str {
        self.into()
    }
    /// A name this build does not know reads as `other`.
    pub fn parse(name: &str) -> SectionKind {
        name.parse().unwrap_or(SectionKind::Other)
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Contact {
    pub name: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub location: Option<String>,
    #[serde(default)]
    pub links: Vec<String>,
}

/// One entry of a section: a job, a degree, a project, a certification, or (for summary and
/// skills) the single body of the section. `lines` are the bullets or paragraph lines.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Entry {
    /// Employer, institution, project or certification name.
    pub organization: Option<String>,
    /// Job title or degree.
    pub title: Option<String>,
    pub location: Option<String>,
    /// `YYYY-MM` or `YYYY`.
    pub start: Option<String>,
    /// `YYYY-MM` or `YYYY`; `None` with `current` for "Present".
    pub end: Option<String>,
    #[serde(default)]
    pub current: bool,
    /// The dates exactly as printed.
    pub date_text: Option<String>,
    /// Header lines of the entry as printed (employer line, title line), kept for rendering.
    #[serde(default)]
    pub header_lines: Vec<String>,
    /// Bullets or paragraph lines, without bullet markers.
    #[serde(default)]
    pub lines: Vec<String>,
    /// Fields the parser took from their position alone, with no word or layout cue to confirm
    /// them (`employer`, `title`, `dates`, `institution`, `degree`): shown as uncertain, never
    /// silently trusted.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub uncertain: Vec<String>,
}

impl Entry {
    /// `high` when every field was confirmed by a cue, else `low`.
    pub fn confidence(&self) -> &'static str {
        if self.uncertain.is_empty() { "high" } else { "low" }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Section {
    pub kind: SectionKind,
    /// The heading as printed ("Professional Experience").
    pub heading: String,
    #[serde(default)]
    pub entries: Vec<Entry>,
    /// Skill items, for skills sections (also filled when a section lists skills inline).
    #[serde(default)]
    pub skills: Vec<String>,
}

impl Section {
    /// The section body as plain text, one logical line per line (headers, then bullets).
    pub fn body_text(&self) -> String {
        let mut out = Vec::new();
        for entry in &self.entries {
            out.extend(entry.header_lines.iter().cloned());
            out.extend(
                entry
                    .lines
                    .iter()
                    .map(|l| if self.kind == SectionKind::Summary { l.clone() } else { format!("- {l}") }),
            );
        }
        if !self.skills.is_empty() {
            out.push(self.skills.join(", "));
        }
        out.join("\n")
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ParsedResume {
    pub contact: Contact,
    pub tagline: Option<String>,
    pub sections: Vec<Section>,
    /// Full extracted text in reading order.
    pub text: String,
    #[serde(default)]
    pub warnings: Vec<String>,
}

impl ParsedResume {
    pub fn section(&self, kind: SectionKind) -> Option<&Section> {
        self.sections.iter().find(|s| s.kind == kind)
    }

    /// Every line with its stable id, in reading order.
    pub fn lines(&self) -> impl Iterator<Item = (ItemId, &str)> {
        self.sections.iter().enumerate().flat_map(|(s, section)| {
            section.entries.iter().enumerate().flat_map(move |(e, entry)| {
                entry
                    .lines
                    .iter()
                    .enumerate()
                    .map(move |(l, line)| (ItemId { section: s, entry: e, line: l }, line.as_str()))
            })
        })
    }

    /// The resume as ATS-safe plain text: name, tagline, contact line, then each section under
    /// its heading. Used for exports and to refresh `text` after changes are applied.
    pub fn to_plain_text(&self) -> String {
        let mut blocks = Vec::new();
        let mut head: Vec<String> = self.contact.name.iter().chain(self.tagline.iter()).cloned().collect();
        let contact_line: Vec<&str> = [&self.contact.email, &self.contact.phone, &self.contact.location]
            .into_iter()
            .flatten()
            .map(String::as_str)
            .chain(self.contact.links.iter().map(String::as_str))
            .collect();
        if !contact_line.is_empty() {
            head.push(contact_line.join(" | "));
        }
        if !head.is_empty() {
            blocks.push(head.join("\n"));
        }
        for section in &self.sections {
            blocks.push(format!("{}\n{}", section.heading.to_uppercase(), section.body_text()));
        }
        blocks.join("\n\n")
    }

    pub fn line(&self, id: ItemId) -> Option<&str> {
        self.sections.get(id.section)?.entries.get(id.entry)?.lines.get(id.line).map(String::as_str)
    }
}

/// Address of one line of a parsed resume.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ItemId {
    pub section: usize,
    pub entry: usize,
    pub line: usize,
}

impl std::fmt::Display for ItemId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}.{}", self.section, self.entry, self.line)
    }
}

impl std::str::FromStr for ItemId {
    type Err = crate::Error;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || crate::Error::invalid_input(format!("not a line id: {s:?}"));
        let mut parts = s.split('.').map(|p| p.parse::<usize>().map_err(|_| bad()));
        let id = ItemId {
            section: parts.next().ok_or_else(bad)??,
            entry: parts.next().ok_or_else(bad)??,
            line: parts.next().ok_or_else(bad)??,
        };
        if parts.next().is_some() {
            return Err(bad());
        }
        Ok(id)
    }
}

impl Serialize for ItemId {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for ItemId {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = String::deserialize(deserializer)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}
