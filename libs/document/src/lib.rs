//! Reads resumes and job descriptions: PDF, DOCX, TXT text extraction, sectioning, entities.
//!
//! Everything here is pure: bytes in, parsed values out. Inputs are untrusted, so every reader
//! works under hard limits and reports a [`DocumentError`] instead of panicking.

mod budget;
mod dates;
mod docx;
mod explain;
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

pub use budget::{Budget, Limits, Usage};
pub use dates::{DateRange, normalize_date, parse_date_range};
pub use explain::{ExplainedLine, Explanation, Role, render as render_explanation};
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
    /// The reader's work budget ran out (hostile or pathological content): see [`Budget`].
    TooComplex(String),
}

impl std::fmt::Display for DocumentError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DocumentError::Unsupported(what) => write!(
                f,
                "unsupported file format ({what}); upload a PDF or DOCX resume, or a PDF, DOCX or TXT job description"
            ),
            DocumentError::NoTextLayer => f.write_str(
                "this document has no text layer (its pages are pictures, as in a scan); export it from your editor as a text PDF or DOCX",
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
            DocumentError::TooComplex(what) => write!(
                f,
                "this document is too complex to read ({what}); save it again from your editor as a simple PDF or DOCX"
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

/// One printed line of a document, with whether the document marks it as a list item, the
/// typography that marks headings and the geometry that marks entries (PDF only; 0 and false
/// when the format does not say).
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct DocLine {
    pub text: String,
    /// Right-aligned annotations beside the line (dates, places, durations).
    pub asides: Vec<String>,
    /// Left edge of the text, in points (PDF).
    pub x0: f32,
    pub page: usize,
    pub column: layout::Column,
    /// A running page header or footer, or a page number: never part of a section.
    pub running: bool,
    pub bullet: bool,
    pub size: f32,
    pub bold: bool,
    /// The previous line wraps into this one: both are one logical line.
    pub continues: bool,
    /// The printed lines a logical line was joined from (empty when it was not joined), so a
    /// list whose items merely look wrapped can be split again.
    pub pieces: Vec<String>,
}

/// Joins a wrapped line onto the text before it. A line that ends in a hyphen takes no space:
/// a soft hyphen or a hyphen that only broke a word is dropped ("Con\u{ad}" + "sul" -> "Consul",
/// "require-" + "ments" -> "requirements"), the hyphen of a compound stays
/// ("Industrial-" + "Organizational", "event-" + "driven"). A dash after a space is a dash.
pub(crate) fn join_wrapped(into: &mut String, next: &str) {
    if let Some(left) = into.strip_suffix('\u{ad}') {
        let left_len = left.len();
        into.truncate(left_len);
        into.push_str(next);
    } else if let Some(left) = into.strip_suffix('-')
        && !left.ends_with(char::is_whitespace)
        && !left.is_empty()
    {
        if text::hyphen_breaks_word(left, next) {
            into.pop();
        }
        into.push_str(next);
    } else {
        into.push(' ');
        into.push_str(next);
    }
}

/// Logical lines: every wrapped line joined onto the line it continues.
pub(crate) fn logical_lines(lines: &[DocLine]) -> Vec<DocLine> {
    // A line that ends in a hyphen right after a letter, followed in its flow by a line that
    // starts in lowercase, is a word broken across lines even where the layout did not see a
    // wrap (a narrow box, a short last word): "Hopeful nov-" + "elist by night".
    let hyphen_wrap = |prev: &DocLine, l: &DocLine| {
        prev.page == l.page
            && prev.column == l.column
            && !l.bullet
            && !l.running
            && !prev.running
            && prev.text.strip_suffix(['-', '\u{ad}']).is_some_and(|t| t.ends_with(char::is_lowercase))
            && l.text.starts_with(char::is_lowercase)
    };
    let mut out: Vec<DocLine> = Vec::with_capacity(lines.len());
    for l in lines {
        match out.last_mut() {
            Some(prev) if l.continues || hyphen_wrap(prev, l) => {
                if prev.pieces.is_empty() {
                    prev.pieces.push(prev.text.clone());
                }
                prev.pieces.push(l.text.clone());
                join_wrapped(&mut prev.text, &l.text);
                prev.asides.extend(l.asides.iter().cloned());
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

fn lines_of(bytes: &[u8], allow_text: bool, budget: &Budget) -> Result<Vec<DocLine>, DocumentError> {
    check_size(bytes)?;
    match sniff(bytes) {
        Some(Format::Pdf) => {
            let mut out: Vec<DocLine> = Vec::new();
            for l in pdf::extract(bytes, budget)? {
                let text = text::clean_line(&l.text);
                if text.is_empty() {
                    continue;
                }
                // A line whose only text was a lone marker still ends the paragraph before it.
                let continues = l.continues && !out.is_empty();
                out.push(DocLine {
                    bullet: text::starts_with_bullet(&text),
                    text,
                    asides: l.asides.iter().map(|a| text::clean_line(a)).filter(|a| !a.is_empty()).collect(),
                    size: l.size,
                    bold: l.bold,
                    continues,
                    pieces: Vec::new(),
                    x0: l.x0,
                    page: l.page,
                    column: l.column,
                    running: l.running,
                });
            }
            Ok(out)
        }
        Some(Format::Docx) => Ok(docx::read_lines(bytes, budget)?
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

/// Plain text in reading order, one logical line per line (PDF, DOCX or TXT); a line's
/// right-aligned annotations follow it after a TAB.
pub fn extract_text(bytes: &[u8]) -> Result<String, DocumentError> {
    Ok(plain_text(&logical_lines(&lines_of(bytes, true, &Budget::default())?)))
}

/// The lines as text, each with its annotations after a TAB.
pub(crate) fn plain_text(lines: &[DocLine]) -> String {
    lines.iter().map(DocLine::full_text).collect::<Vec<_>>().join("\n")
}

impl DocLine {
    /// The line with its annotations, as printed.
    pub(crate) fn full_text(&self) -> String {
        if self.asides.is_empty() {
            self.text.clone()
        } else {
            format!("{}\t{}", self.text, self.asides.join("\t"))
        }
    }
}

/// A resume: PDF or DOCX only, within the default work budget.
pub fn read_resume(bytes: &[u8]) -> Result<ParsedResume, DocumentError> {
    read_resume_within(bytes, &Budget::default())
}

/// A resume read within `budget` (which then tells the work it took).
pub fn read_resume_within(bytes: &[u8], budget: &Budget) -> Result<ParsedResume, DocumentError> {
    let lines = lines_of(bytes, false, budget)?;
    if lines.iter().all(|l| l.text.trim().is_empty()) {
        return Err(DocumentError::Empty);
    }
    Ok(resume::structure(&lines))
}

/// A resume with the reading behind it: each line's page, column, role and the field it fed.
pub fn explain_resume(bytes: &[u8]) -> Result<Explanation, DocumentError> {
    let lines = lines_of(bytes, false, &Budget::default())?;
    if lines.iter().all(|l| l.text.trim().is_empty()) {
        return Err(DocumentError::Empty);
    }
    Ok(explain::explain(&lines))
}

/// A job description: PDF, DOCX or TXT (UTF-8, UTF-16 with BOM, Windows-1252).
pub fn read_job_description(bytes: &[u8]) -> Result<ParsedJobDescription, DocumentError> {
    read_job_description_within(bytes, &Budget::default())
}

/// A job description read within `budget`.
pub fn read_job_description_within(
    bytes: &[u8],
    budget: &Budget,
) -> Result<ParsedJobDescription, DocumentError> {
    let lines = logical_lines(&lines_of(bytes, true, budget)?);
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layout::{Glyph, page_lines};

    fn joined(a: &str, b: &str) -> String {
        let mut s = a.to_string();
        join_wrapped(&mut s, b);
        s
    }

    #[test]
    fn soft_hyphen_at_line_end_joins_the_word() {
        assert_eq!(joined("Kuma, Con\u{ad}", "sul, and AWS"), "Kuma, Consul, and AWS");
        assert_eq!(text::clean_line("Sep. 2023 \u{ad} Mar. 2024"), "Sep. 2023 - Mar. 2024");
        assert_eq!(text::clean_line("co\u{ad}operate"), "cooperate");
    }

    #[test]
    fn line_end_hyphens_join_broken_words_and_keep_compounds() {
        assert_eq!(joined("gathered require-", "ments from users"), "gathered requirements from users");
        assert_eq!(joined("reviewed sub-", "missions"), "reviewed submissions");
        assert_eq!(
            joined("Industrial-", "Organizational Psychology"),
            "Industrial-Organizational Psychology"
        );
        assert_eq!(joined("an event-", "driven system"), "an event-driven system");
        assert_eq!(joined("led cross-", "functional teams"), "led cross-functional teams");
        assert_eq!(joined("Self-", "taught"), "Self-taught");
        assert_eq!(joined("COVID-", "19 response"), "COVID-19 response");
        assert_eq!(joined("AWS-", "managed clusters"), "AWS-managed clusters");
        assert_eq!(joined("Jan 2020 -", "Present"), "Jan 2020 - Present");
        assert_eq!(joined("linkedin.com/in/jordan-", "okafor"), "linkedin.com/in/jordan-okafor");
        assert_eq!(joined("(sub-", "missions)"), "(submissions)");
    }

    #[test]
    fn a_word_broken_at_a_line_end_is_joined_even_without_a_layout_wrap() {
        let line = |t: &str| DocLine { text: t.into(), ..DocLine::default() };
        let out =
            logical_lines(&[line("Hopeful nov-"), line("elist by night"), line("Boston - "), line("remote")]);
        let texts: Vec<&str> = out.iter().map(|l| l.text.as_str()).collect();
        assert_eq!(texts, ["Hopeful novelist by night", "Boston - ", "remote"]);
    }

    fn glyphs(text: &str, x0: f32, y: f32, size: f32, gaps: &[usize], gap: f32) -> Vec<Glyph> {
        let w = 0.5 * size;
        let mut x = x0;
        let mut out = Vec::new();
        for (i, c) in text.chars().enumerate() {
            if gaps.contains(&i) {
                x += gap;
            }
            out.push(Glyph { x, y, w, size, text: c.to_string(), upright: true, exact: true, bold: false });
            x += w;
        }
        out
    }

    #[test]
    fn words_positioned_without_space_glyphs_are_separated() {
        // "52out of2500applicants": words set apart by a 0.19 em gap and no space glyph.
        let g = glyphs("52outof2500applicants", 50.0, 700.0, 10.0, &[2, 5, 7, 11], 1.9);
        assert_eq!(page_lines(g)[0].text, "52 out of 2500 applicants");
        // Tightly kerned letters stay one word.
        let mut g = glyphs("Kerning", 50.0, 700.0, 10.0, &[], 0.0);
        for (i, gl) in g.iter_mut().enumerate() {
            gl.x -= 0.3 * (i % 2) as f32;
        }
        assert_eq!(page_lines(g)[0].text, "Kerning");
        // Letter-spaced capitals stay one word: the usual gap is the letter gap.
        let g = glyphs("CONTACT", 50.0, 700.0, 10.0, &[1, 2, 3, 4, 5, 6], 2.0);
        assert_eq!(page_lines(g)[0].text, "CONTACT");
    }

    #[test]
    fn small_line_under_a_large_one_is_not_interleaved() {
        // A 32 pt name and a 7.5 pt subtitle 12 pt below its baseline, over the same x range.
        let mut g = glyphs("Claud Park", 200.0, 795.0, 32.0, &[], 0.0);
        g.extend(glyphs("DevOps Engineer", 230.0, 783.0, 7.5, &[], 0.0));
        let lines: Vec<String> = page_lines(g).into_iter().map(|l| l.text).collect();
        assert_eq!(lines.len(), 2, "{lines:?}");
        assert!(lines[1].starts_with("DevOps"), "{lines:?}");
    }

    #[test]
    fn accents_drawn_over_capitals_are_composed() {
        // "JAN KÖSTER" set as "O" with a dieresis glyph placed over it, the way TeX draws it.
        let mut g = glyphs("JAN KOSTER", 50.0, 700.0, 10.0, &[], 0.0);
        let o = g.iter().find(|g| g.text == "O").cloned().expect("an O");
        g.push(Glyph { x: o.x + 1.0, w: 3.0, text: "\u{a8}".into(), y: o.y + 2.0, ..o });
        g.sort_by(|a, b| a.x.total_cmp(&b.x));
        assert_eq!(page_lines(g)[0].text, "JAN KÖSTER");
    }

    #[test]
    fn icon_glyphs_before_contact_details_are_dropped() {
        assert_eq!(
            text::clean_line("📱(+82) 10-9030-1843 | 🖂posquit0.bj@gmail.com"),
            "(+82) 10-9030-1843 | posquit0.bj@gmail.com"
        );
        assert_eq!(
            text::clean_line("\u{f0e0} john.doe@email.com\t\u{f09b} rendercv"),
            "john.doe@email.com\trendercv"
        );
        // Word's Symbol-font bullet is a bullet.
        assert!(text::starts_with_bullet(&text::clean_line("\u{f0b7} Led a team")));
    }
}
