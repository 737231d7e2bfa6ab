//! The parsed result in the ground-truth schema of the evaluation corpus
//! (`../shared/corpus/README.md`), so any file can be compared with its ground truth.

use resumax_core::job_description::ParsedJobDescription;
use resumax_core::resume::{Entry, ParsedResume, Section, SectionKind};
use serde_json::{Value, json};

use crate::{DocumentError, Format};

/// A parsed document of either kind.
#[derive(Debug, Clone, PartialEq)]
pub enum ParsedDocument {
    Resume(ParsedResume),
    JobDescription(ParsedJobDescription),
}

/// Reads a file as a resume (or, with `job_description`, as a job description) and returns it in
/// the ground-truth schema; `file` is the file name to record.
pub fn parse_to_ground_truth_json(
    bytes: &[u8],
    file: &str,
    job_description: bool,
) -> Result<Value, DocumentError> {
    let doc = if job_description {
        ParsedDocument::JobDescription(crate::read_job_description(bytes)?)
    } else {
        ParsedDocument::Resume(crate::read_resume(bytes)?)
    };
    let format = crate::sniff(bytes);
    let pages = match format {
        Some(Format::Pdf) => crate::pdf::page_count(bytes),
        _ => None,
    };
    Ok(to_ground_truth_json(&doc, file, format, pages))
}

/// The ground-truth JSON of a parsed document. Fields the parser does not determine (regions,
/// rendering features, source layout) are left out; `region` of a section is null.
pub fn to_ground_truth_json(
    doc: &ParsedDocument,
    file: &str,
    format: Option<Format>,
    page_count: Option<usize>,
) -> Value {
    let id = file.rsplit_once('.').map(|(stem, _)| stem).unwrap_or(file);
    let format = match format {
        Some(Format::Pdf) => json!("pdf"),
        Some(Format::Docx) => json!("docx"),
        Some(Format::Text) => json!("txt"),
        None => Value::Null,
    };
    match doc {
        ParsedDocument::Resume(r) => json!({
            "schema_version": 1,
            "kind": "resume",
            "id": id,
            "file": file,
            "format": format,
            "negative": null,
            "page_count": page_count,
            "contact": {
                "name": r.contact.name,
                "email": r.contact.email,
                "phone": r.contact.phone,
                "location": r.contact.location,
                "links": r.contact.links,
            },
            "tagline": r.tagline,
            "sections": r.sections.iter().map(section_json).collect::<Vec<_>>(),
            "warnings": r.warnings,
            "text": r.text,
        }),
        ParsedDocument::JobDescription(jd) => json!({
            "schema_version": 1,
            "kind": "job_description",
            "id": id,
            "file": file,
            "format": format,
            "page_count": page_count,
            "title": jd.title,
            "company": jd.company,
            "location": jd.location,
            "employment_type": jd.employment_type,
            "salary": null,
            "required_skills": jd.required_skills,
            "nice_to_have_skills": jd.preferred_skills,
            "low_quality": !jd.warnings.is_empty(),
            "quality_flags": jd.warnings,
            "text": jd.sanitized_text,
            "text_length": jd.sanitized_text.chars().count(),
        }),
    }
}

fn section_json(s: &Section) -> Value {
    let mut v = json!({ "type": s.kind.as_str(), "heading": s.heading, "region": null });
    let entries = |f: fn(&Entry) -> Value| Value::Array(s.entries.iter().map(f).collect());
    match s.kind {
        SectionKind::Summary | SectionKind::Other => {
            v["text"] =
                json!(s.entries.iter().flat_map(|e| e.lines.iter().cloned()).collect::<Vec<_>>().join(" "));
        }
        SectionKind::Skills => v["items"] = json!(s.skills),
        SectionKind::Experience => {
            v["entries"] = entries(|e| {
                json!({
                    "employer": e.organization,
                    "title": e.title,
                    "location": e.location,
                    "start": e.start,
                    "end": e.end,
                    "current": e.current,
                    "date_text": e.date_text,
                    "bullets": e.lines,
                    "confidence": e.confidence(),
                    "uncertain": e.uncertain,
                })
            })
        }
        SectionKind::Education => {
            v["entries"] = entries(|e| {
                json!({
                    "institution": e.organization,
                    "location": e.location,
                    "degree": e.title,
                    "start": e.start,
                    "end": e.end,
                    "date_text": e.date_text,
                    "note": (!e.lines.is_empty()).then(|| e.lines.join(" ")),
                    "confidence": e.confidence(),
                    "uncertain": e.uncertain,
                })
            })
        }
        SectionKind::Projects => {
            v["entries"] = entries(|e| {
                let link = e.lines.iter().chain(e.header_lines.iter()).find_map(|l| {
                    l.split_whitespace()
                        .find(|w| w.contains("://") || w.starts_with("github.com"))
                        .map(str::to_string)
                });
                json!({ "name": e.organization, "description": e.lines.join(" "), "link": link })
            })
        }
        SectionKind::Certifications => {
            v["entries"] = entries(|e| {
                json!({
                    "name": e.organization,
                    "date": e.end.clone().or_else(|| e.start.clone()),
                    "text": e.header_lines.first(),
                })
            })
        }
    }
    v
}

/// The corpus name of a rejection: `image_only`, `encrypted`, `corrupt`, `empty`, `too_large`,
/// `too_complex` (the work budget ran out) or `unsupported`.
pub fn rejection_kind(err: &DocumentError) -> &'static str {
    match err {
        DocumentError::NoTextLayer => "image_only",
        DocumentError::Encrypted => "encrypted",
        DocumentError::Corrupt(_) => "corrupt",
        DocumentError::Empty => "empty",
        DocumentError::TooLarge(_) => "too_large",
        DocumentError::TooComplex(_) => "too_complex",
        DocumentError::Unsupported(_) => "unsupported",
    }
}
