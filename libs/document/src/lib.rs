//! Reads resumes and job descriptions: PDF, DOCX, TXT text extraction, sectioning, entities.
//!
//! Everything here is pure: bytes in, parsed values out. Inputs are untrusted, so every reader
//! works under hard limits and reports a [`DocumentError`] instead of panicking.

mod dates;
mod docx;
mod jd;
mod layout;
mod pdf;
mod resume;
mod std14;
mod text;
mod truth;

use resumax_core::job_description::ParsedJobDescription;
use resumax_core::resume::ParsedResume;
use resumax_core::{Error, ErrorCode};

pub use dates::{DateRange, normalize_date, parse_date_range};
pub use jd::{requirements_of, shown_requirements};
pub use truth::{ParsedDocument, parse_to_ground_truth_json, rejection_kind, to_ground_truth_json};

/// Uploads larger than this are refused before parsing.
pub const MAX_INPUT_BYTES: usize = 20 * 1024 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Pdf,
    Docx,
    Text,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DocumentError {
    Unsupported(String),
    NoTextLayer,
    Encrypted,
    Corrupt(String),
    Empty,
    TooLarge(String),
}

impl std::fmt::Display for DocumentError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DocumentError::Unsupported(what) => write!(
                f,
                "unsupported file format ({what}); upload a PDF or DOCX resume, or a PDF, DOCX or TXT job description"
            ),
            DocumentError::NoTextLayer => f.write_str(
                "this PDF has no text layer (it looks scanned); export it from your editor as a text PDF",
            ),
            DocumentError::Encrypted => f.write_str(
                "this PDF is password protected; remove the password and upload it again",
            ),
            DocumentError::Corrupt(_) => f.write_str(
                "this file is not a readable document (it may be damaged); export it again and upload the new file",
            ),
            DocumentError::Empty => {
                f.write_str("this document contains no text; check that you uploaded the right file")
            }
            DocumentError::TooLarge(what) => write!(
                f,
                "this document is too large to read ({what}); upload a smaller file"
            ),
        }
    }
}

impl std::error::Error for DocumentError {}

impl From<DocumentError> for Error {
    fn from(err: DocumentError) -> Self {
        let code = match err {
            DocumentError::Unsupported(_) => ErrorCode::UnsupportedFormat,
            _ => ErrorCode::ParseFailed,
        };
        Error::new(code, err.to_string())
    }
}

/// One printed line of a document, with whether the document marks it as a list item and the
/// typography that marks headings (PDF only; 0 and false when the format does not say).
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct DocLine {
    pub text: String,
    pub bullet: bool,
    pub size: f32,
    pub bold: bool,
    /// The previous line wraps into this one: both are one logical line.
    pub continues: bool,
    /// The printed lines a logical line was joined from (empty when it was not joined), so a
    /// list whose items merely look wrapped can be split again.
    pub pieces: Vec<String>,
}

/// Joins a wrapped line onto the text before it; a line that breaks after a hyphen keeps it and
/// takes no space ("Industrial-" + "Organizational").
pub(crate) fn join_wrapped(into: &mut String, next: &str) {
    if into.ends_with('-') && !into.ends_with(" -") {
        into.push_str(next);
    } else {
        into.push(' ');
        into.push_str(next);
    }
}

/// Logical lines: every wrapped line joined onto the line it continues.
pub(crate) fn logical_lines(lines: &[DocLine]) -> Vec<DocLine> {
    let mut out: Vec<DocLine> = Vec::with_capacity(lines.len());
    for l in lines {
        match out.last_mut() {
            Some(prev) if l.continues => {
                if prev.pieces.is_empty() {
                    prev.pieces.push(prev.text.clone());
                }
                prev.pieces.push(l.text.clone());
                join_wrapped(&mut prev.text, &l.text);
            }
            _ => out.push(DocLine { continues: false, pieces: Vec::new(), ..l.clone() }),
        }
    }
    out
}

/// The format, sniffed from the bytes (never the file name).
pub fn sniff(bytes: &[u8]) -> Option<Format> {
    let head = &bytes[..bytes.len().min(1024)];
    if head.windows(5).any(|w| w == b"%PDF-") {
        return Some(Format::Pdf);
    }
    if bytes.starts_with(b"PK\x03\x04") {
        return docx::is_docx(bytes).then_some(Format::Docx);
    }
    const BINARY: &[&[u8]] = &[
        b"\x89PNG",
        b"\xFF\xD8\xFF",
        b"GIF8",
        b"PK",
        b"\xD0\xCF\x11\xE0",
        b"II*\0",
        b"MM\0*",
        b"RIFF",
        b"\x1F\x8B",
        b"BM",
        b"7z\xBC\xAF",
        b"Rar!",
        b"{\\rtf",
    ];
    if BINARY.iter().any(|m| bytes.starts_with(m)) {
        return None;
    }
    text::looks_like_text(bytes).then_some(Format::Text)
}

fn check_size(bytes: &[u8]) -> Result<(), DocumentError> {
    if bytes.len() > MAX_INPUT_BYTES {
        return Err(DocumentError::TooLarge(format!(
            "{} bytes, the limit is {MAX_INPUT_BYTES}",
            bytes.len()
        )));
    }
    if bytes.is_empty() {
        return Err(DocumentError::Empty);
    }
    Ok(())
}

fn lines_of(bytes: &[u8], allow_text: bool) -> Result<Vec<DocLine>, DocumentError> {
    check_size(bytes)?;
    match sniff(bytes) {
        Some(Format::Pdf) => {
            let mut out: Vec<DocLine> = Vec::new();
            for l in pdf::extract(bytes)? {
                let text = text::clean_line(&l.text);
                if text.is_empty() {
                    continue;
                }
                // A line whose only text was a lone marker still ends the paragraph before it.
                let continues = l.continues && !out.is_empty();
                out.push(DocLine {
                    bullet: text::starts_with_bullet(&text),
                    text,
                    size: l.size,
                    bold: l.bold,
                    continues,
                    pieces: Vec::new(),
                });
            }
            Ok(out)
        }
        Some(Format::Docx) => Ok(docx::read_lines(bytes)?
            .into_iter()
            .map(|l| DocLine { text: text::clean_line(&l.text), ..l })
            .filter(|l| !l.text.is_empty())
            .collect()),
        Some(Format::Text) if allow_text => Ok(text::decode_plain(bytes)?
            .lines()
            .map(|t| DocLine {
                text: t.trim_end().to_string(),
                bullet: text::starts_with_bullet(t),
                ..DocLine::default()
            })
            .collect()),
        Some(Format::Text) => Err(DocumentError::Unsupported("plain text".into())),
        None => Err(DocumentError::Unsupported("not a PDF or Word document".into())),
    }
}

/// Plain text in reading order, one logical line per line (PDF, DOCX or TXT).
pub fn extract_text(bytes: &[u8]) -> Result<String, DocumentError> {
    let lines = logical_lines(&lines_of(bytes, true)?);
    Ok(lines.into_iter().map(|l| l.text).collect::<Vec<_>>().join("\n"))
}

/// A resume: PDF or DOCX only.
pub fn read_resume(bytes: &[u8]) -> Result<ParsedResume, DocumentError> {
    let lines = lines_of(bytes, false)?;
    if lines.iter().all(|l| l.text.trim().is_empty()) {
        return Err(DocumentError::Empty);
    }
    Ok(resume::structure(&lines))
}

/// A job description: PDF, DOCX or TXT (UTF-8, UTF-16 with BOM, Windows-1252).
pub fn read_job_description(bytes: &[u8]) -> Result<ParsedJobDescription, DocumentError> {
    let lines = logical_lines(&lines_of(bytes, true)?);
    let text = jd::text_of(lines);
    if text.trim().is_empty() {
        return Err(DocumentError::Empty);
    }
    Ok(jd::analyze(&text, None, None, None))
}

/// Pasted job-description text with optional client-given metadata (which wins over derived
/// values).
pub fn analyze_job_description(
    text: &str,
    title: Option<&str>,
    company: Option<&str>,
    location: Option<&str>,
) -> ParsedJobDescription {
    jd::analyze(text, title, company, location)
}
