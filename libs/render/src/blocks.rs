//! The reading order of an export, built from the parsed sections.
//!
//! An entry prints in the shape resume readers know best: what (title, degree, project) with its
//! dates right-aligned on the first line, where (employer or school, location) on the second,
//! then one bullet per line. Structured fields win over the header lines as printed, because the
//! original layout (a sidebar, a table cell) is exactly what an export leaves behind.

use resumax_core::resume::{Entry, ParsedResume, Section, SectionKind};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    Name(String),
    Tagline(String),
    /// Email, phone, location and links on one line.
    Contact(String),
    Heading(String),
    /// The first line of an entry, with its dates (or a link) set at the right margin.
    EntryHead {
        text: String,
        right: Option<String>,
    },
    /// The second line of an entry: employer or school, and location.
    EntrySub(String),
    Bullet(String),
    Paragraph(String),
}

impl Block {
    /// The block's main text (for an entry head, without its dates).
    pub fn text(&self) -> &str {
        match self {
            Block::Name(t)
            | Block::Tagline(t)
            | Block::Contact(t)
            | Block::Heading(t)
            | Block::EntrySub(t)
            | Block::Bullet(t)
            | Block::Paragraph(t) => t,
            Block::EntryHead { text, .. } => text,
        }
    }
}

/// The blocks of `resume`, in reading order. Empty fields print nothing.
pub fn plan(resume: &ParsedResume) -> Vec<Block> {
    let mut out = Vec::new();
    let clean = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
    if let Some(name) = resume.contact.name.as_deref().map(clean).filter(|s| !s.is_empty()) {
        out.push(Block::Name(name));
    }
    if let Some(tagline) = resume.tagline.as_deref().map(clean).filter(|s| !s.is_empty()) {
        out.push(Block::Tagline(tagline));
    }
    let c = &resume.contact;
    let contact: Vec<String> = [&c.email, &c.phone, &c.location]
        .into_iter()
        .flatten()
        .chain(&c.links)
        .map(|s| clean(s))
        .filter(|s| !s.is_empty())
        .collect();
    if !contact.is_empty() {
        out.push(Block::Contact(contact.join(" | ")));
    }
    for section in &resume.sections {
        let body = section_blocks(section);
        if body.is_empty() {
            continue;
        }
        out.push(Block::Heading(clean(&section.heading)));
        out.extend(body.into_iter().map(|b| match b {
            Block::EntryHead { text, right } => Block::EntryHead { text: clean(&text), right },
            Block::EntrySub(t) => Block::EntrySub(clean(&t)),
            Block::Bullet(t) => Block::Bullet(clean(&t)),
            Block::Paragraph(t) => Block::Paragraph(clean(&t)),
            other => other,
        }));
    }
    out.retain(|b| !b.text().is_empty());
    out
}

fn section_blocks(section: &Section) -> Vec<Block> {
    let mut out = Vec::new();
    match section.kind {
        SectionKind::Experience | SectionKind::Education => {
            for entry in &section.entries {
                out.extend(job_or_degree(entry));
                out.extend(entry.lines.iter().map(|l| Block::Bullet(l.clone())));
            }
        }
        SectionKind::Projects | SectionKind::Certifications => {
            for entry in &section.entries {
                // The header as printed keeps what stood beside the name (a link, a date).
                let mut printed = entry.header_lines.iter();
                match (printed.next(), &entry.organization) {
                    (Some(first), _) => {
                        out.push(printed_head(first, dates_of(entry)));
                        out.extend(printed.map(|l| Block::EntrySub(l.replace('\t', " "))));
                    }
                    (None, Some(name)) => out.push(printed_head(name, dates_of(entry))),
                    (None, None) => {}
                }
                out.extend(entry.lines.iter().map(|l| Block::Bullet(l.clone())));
            }
        }
        SectionKind::Skills => {
            let grouped: Vec<&String> =
                section.entries.iter().flat_map(|e| e.header_lines.iter().chain(&e.lines)).collect();
            if grouped.is_empty() {
                if !section.skills.is_empty() {
                    out.push(Block::Paragraph(section.skills.join(", ")));
                }
            } else {
                out.extend(grouped.into_iter().map(|l| Block::Paragraph(l.clone())));
            }
        }
        SectionKind::Summary | SectionKind::Other => {
            for entry in &section.entries {
                out.extend(entry.header_lines.iter().map(|h| Block::Paragraph(h.clone())));
                out.extend(entry.lines.iter().map(|l| Block::Paragraph(l.clone())));
            }
            if !section.skills.is_empty() && out.is_empty() {
                out.push(Block::Paragraph(section.skills.join(", ")));
            }
        }
    }
    out
}

/// Title (or degree) with dates, then organisation and location; the printed header lines
/// when neither field was read.
fn job_or_degree(entry: &Entry) -> Vec<Block> {
    let dates = dates_of(entry);
    let org = entry.organization.clone().filter(|s| !s.trim().is_empty());
    let title = entry.title.clone().filter(|s| !s.trim().is_empty());
    let place = entry.location.clone().filter(|s| !s.trim().is_empty());
    let (head, sub) = match (title, org) {
        (Some(title), org) => (title, org),
        (None, Some(org)) => (org, None),
        (None, None) => {
            let mut lines = entry.header_lines.iter();
            let Some(first) = lines.next() else {
                return dates.map(|d| vec![Block::EntryHead { text: d, right: None }]).unwrap_or_default();
            };
            let mut out = vec![printed_head(first, dates)];
            out.extend(lines.map(|l| match printed_head(l, None) {
                Block::EntryHead { text, right: None } => Block::EntrySub(text),
                head => head,
            }));
            return out;
        }
    };
    let sub = match (sub, place) {
        (Some(org), Some(place)) => Some(format!("{org}, {place}")),
        (Some(org), None) => Some(org),
        (None, place) => place,
    };
    let mut out = vec![Block::EntryHead { text: head, right: dates }];
    out.extend(sub.map(Block::EntrySub));
    out
}

/// A header line as printed: what stood after a tab (dates, a link) goes to the right margin,
/// with the entry's dates when the line does not already show them.
fn printed_head(line: &str, dates: Option<String>) -> Block {
    let (text, aside) = match line.split_once('\t') {
        Some((text, aside)) => (text.to_string(), Some(aside.replace('\t', " "))),
        None => (line.to_string(), None),
    };
    let dates = dates.filter(|d| !line.contains(d.as_str()));
    let right = match (aside, dates) {
        (Some(aside), Some(dates)) => Some(format!("{aside} {dates}")),
        (aside, dates) => aside.or(dates),
    };
    Block::EntryHead { text, right }
}

/// The dates as printed, or written from the normalised fields (`03/2019 - Present`).
fn dates_of(entry: &Entry) -> Option<String> {
    if let Some(text) = entry.date_text.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        return Some(text.to_string());
    }
    let show = |d: &str| match d.split_once('-') {
        Some((year, month)) => format!("{month}/{year}"),
        None => d.to_string(),
    };
    let start = entry.start.as_deref().map(show);
    let end = if entry.current { Some("Present".to_string()) } else { entry.end.as_deref().map(show) };
    match (start, end) {
        (Some(s), Some(e)) if s != e => Some(format!("{s} - {e}")),
        (Some(s), _) => Some(s),
        (None, Some(e)) => Some(e),
        (None, None) => None,
    }
}
