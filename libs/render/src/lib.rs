//! Renders a structured resume to the bytes of an ATS-safe file: PDF, DOCX or plain text.
//!
//! Every format is written from one plan of blocks (name, contact, headings, entry lines,
//! bullets, paragraphs) built from the parsed sections, so the three formats say the same words
//! in the same order, and a reader (resuMAX's own, `pdftotext`, an ATS) meets one column of real
//! text with standard headings: no tables, text boxes or text in images. Designs change type,
//! size, colour and spacing only, never the order or the column count (ADR 0015).

mod blocks;
mod docx;
mod pdf;

use resumax_core::Result;
use resumax_core::optimization::ExportFormat;
use resumax_core::resume::ParsedResume;

pub use blocks::{Block, plan};

/// The look of an export: the core's one shape, so the export request, the job and the renderer
/// name designs alike.
pub use resumax_core::optimization::ExportDesign as Design;

/// A rendered file.
#[derive(Debug, Clone)]
pub struct Rendered {
    pub bytes: Vec<u8>,
    /// File extension without the dot: `pdf`, `docx`, `txt`.
    pub extension: &'static str,
    pub media_type: &'static str,
}

/// Metadata written into the file (PDF info/XMP, DOCX core properties).
#[derive(Debug, Clone)]
pub struct Meta {
    pub title: String,
    /// BCP 47 language tag of the text, e.g. `en`.
    pub language: String,
}

impl Meta {
    /// "Name - Resume" (or just "Resume"), in English.
    pub fn for_resume(resume: &ParsedResume) -> Meta {
        let title = match resume.contact.name.as_deref().map(str::trim).filter(|n| !n.is_empty()) {
            Some(name) => format!("{name} - Resume"),
            None => "Resume".to_string(),
        };
        Meta { title, language: "en".into() }
    }
}

/// Renders `resume` in `format` and `design`.
pub fn render(resume: &ParsedResume, format: ExportFormat, design: Design) -> Result<Rendered> {
    let blocks = plan(resume);
    let meta = Meta::for_resume(resume);
    Ok(match format {
        ExportFormat::Text => Rendered {
            bytes: text(&blocks).into_bytes(),
            extension: "txt",
            media_type: "text/plain; charset=utf-8",
        },
        ExportFormat::Pdf => Rendered {
            bytes: pdf::render(&blocks, &meta, design)?,
            extension: "pdf",
            media_type: "application/pdf",
        },
        ExportFormat::Docx => Rendered {
            bytes: docx::render(&blocks, &meta, design)?,
            extension: "docx",
            media_type: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        },
    })
}

/// The plan as plain text: one block a line, a blank line before each heading, dates after a tab.
pub fn text(blocks: &[Block]) -> String {
    let mut out = String::new();
    for block in blocks {
        match block {
            Block::Heading(h) => {
                if !out.is_empty() {
                    out.push('\n');
                }
                out.push_str(&h.to_uppercase());
            }
            Block::EntryHead { text, right: Some(right) } => {
                out.push_str(text);
                out.push('\t');
                out.push_str(right);
            }
            Block::Bullet(b) => {
                out.push_str("- ");
                out.push_str(b);
            }
            other => out.push_str(other.text()),
        }
        out.push('\n');
    }
    out
}
