//! What the parser read, line by line: the page, column and block each line came from, the role
//! the reader gave it and the field it fed. `resumax parse FILE --explain` prints it, so a user or
//! a developer can see why a field came out as it did.

use resumax_core::resume::{ParsedResume, SectionKind};
use serde::Serialize;

use crate::resume::{self, Reading};

/// One logical line as the reader saw it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExplainedLine {
    /// Page number, from 1 (0 when the format has no pages).
    pub page: usize,
    /// `full`, `left` or `right`: the flow of the page the line was read in.
    pub column: &'static str,
    pub role: Role,
    /// The section the line belongs to, as its heading is printed.
    pub section: Option<String>,
    /// Fields this line fed (`employer`, `title`, `dates`, `location`, `institution`,
    /// `degree`, `email`, `phone`, `name`); a `?` marks a field read from position alone.
    pub fields: Vec<&'static str>,
    pub text: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Heading,
    EntryHeader,
    Bullet,
    Text,
    Contact,
    /// A running page header or footer, kept out of the sections.
    HeaderFooter,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Heading => "heading",
            Role::EntryHeader => "entry header",
            Role::Bullet => "bullet",
            Role::Text => "text",
            Role::Contact => "contact",
            Role::HeaderFooter => "header/footer",
        }
    }
}

/// The parsed resume and the reading that produced it.
pub struct Explanation {
    pub resume: ParsedResume,
    pub lines: Vec<ExplainedLine>,
}

pub(crate) fn explain(lines: &[crate::DocLine]) -> Explanation {
    let reading = resume::read(lines);
    let resume = resume::from_reading(&reading);
    let Reading { all, kept, lines, heads, owner } = reading;
    let mut out = Vec::with_capacity(all.len());
    let mut next_kept = kept.iter().enumerate().peekable();
    for (i, l) in all.iter().enumerate() {
        let text = l.full_text();
        let k = match next_kept.peek() {
            Some(&(k, &idx)) if idx == i => {
                next_kept.next();
                Some(k)
            }
            _ => None,
        };
        let mut line = ExplainedLine {
            page: l.page + 1,
            column: l.column.as_str(),
            role: Role::Text,
            section: None,
            fields: Vec::new(),
            text: text.clone(),
        };
        match k {
            None => line.role = Role::HeaderFooter,
            Some(k) if heads.iter().any(|h| h.0 == k) => line.role = Role::Heading,
            Some(k) => match owner[k] {
                None => {
                    line.role = Role::Contact;
                    contact_fields(&resume, &text, &mut line.fields);
                }
                Some(h) => {
                    let heading = lines[heads[h].0].text.trim().trim_end_matches(':').to_string();
                    line.role = if l.bullet { Role::Bullet } else { Role::Text };
                    if let Some(section) = resume.sections.iter().find(|s| s.heading == heading) {
                        if section.kind == SectionKind::Other && heading.to_lowercase().contains("contact") {
                            line.role = Role::Contact;
                        }
                        entry_fields(section, &text, &mut line);
                    } else if heading.to_lowercase().contains("contact") {
                        line.role = Role::Contact;
                        contact_fields(&resume, &text, &mut line.fields);
                    }
                    line.section = Some(heading);
                }
            },
        }
        out.push(line);
    }
    Explanation { resume, lines: out }
}

fn contact_fields(resume: &ParsedResume, text: &str, fields: &mut Vec<&'static str>) {
    let c = &resume.contact;
    for (name, value) in
        [("name", &c.name), ("email", &c.email), ("phone", &c.phone), ("location", &c.location)]
    {
        if value.as_deref().is_some_and(|v| text.contains(v)) {
            fields.push(name);
        }
    }
}

fn entry_fields(section: &resumax_core::resume::Section, text: &str, line: &mut ExplainedLine) {
    for e in &section.entries {
        if !e.header_lines.iter().any(|h| h == text || h.contains(text.trim())) {
            continue;
        }
        line.role = Role::EntryHeader;
        let (org, title) = match section.kind {
            SectionKind::Education => ("institution", "degree"),
            SectionKind::Projects => ("project", "title"),
            SectionKind::Certifications => ("certification", "title"),
            _ => ("employer", "title"),
        };
        for (name, value) in
            [(org, &e.organization), (title, &e.title), ("dates", &e.date_text), ("location", &e.location)]
        {
            if value.as_deref().is_some_and(|v| !v.is_empty() && text.contains(v)) {
                // A field read from position alone is marked: "title?".
                line.fields.push(if e.uncertain.iter().any(|u| u == name) {
                    uncertain_label(name)
                } else {
                    name
                });
            }
        }
        return;
    }
}

fn uncertain_label(field: &str) -> &'static str {
    match field {
        "employer" => "employer?",
        "title" => "title?",
        "dates" => "dates?",
        "institution" => "institution?",
        "degree" => "degree?",
        _ => "location?",
    }
}

/// The explanation as aligned text, one line per logical line.
pub fn render(lines: &[ExplainedLine]) -> String {
    let mut out =
        String::from("page column role           section              fields                   text\n");
    for l in lines {
        out.push_str(&format!(
            "{:<4} {:<6} {:<14} {:<20} {:<24} {}\n",
            l.page,
            l.column,
            l.role.as_str(),
            truncate(l.section.as_deref().unwrap_or("-"), 20),
            if l.fields.is_empty() { "-".to_string() } else { l.fields.join(",") },
            l.text.replace('\t', " ⇥ "),
        ));
    }
    out
}

fn truncate(s: &str, n: usize) -> String {
    if s.chars().count() <= n { s.to_string() } else { s.chars().take(n - 1).collect::<String>() + "…" }
}
