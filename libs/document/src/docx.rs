//! DOCX reading: a bounded zip reader and a walk over `word/document.xml` (paragraphs, runs,
//! tabs, tables, text boxes) plus page headers and footers.

use std::io::{Cursor, Read};

use quick_xml::Reader;
use quick_xml::events::Event;

use crate::budget::{Budget, Work};
use crate::layout::Column;
use crate::{DocLine, DocumentError};

/// Hard limits that make a zip bomb fail instead of expanding.
pub(crate) const MAX_TOTAL_BYTES: u64 = 50 * 1024 * 1024;
pub(crate) const MAX_ENTRIES: usize = 2000;
pub(crate) const MAX_RATIO: u64 = 100;

pub(crate) struct Package {
    archive: zip::ZipArchive<Cursor<Vec<u8>>>,
}

impl Package {
    /// Opens the zip and checks every entry against the limits before anything is inflated.
    pub(crate) fn open(bytes: &[u8]) -> Result<Package, DocumentError> {
        let mut archive = zip::ZipArchive::new(Cursor::new(bytes.to_vec()))
            .map_err(|e| DocumentError::Corrupt(format!("unreadable zip: {e}")))?;
        if archive.len() > MAX_ENTRIES {
            return Err(DocumentError::TooLarge(format!(
                "the archive has {} entries (limit {MAX_ENTRIES})",
                archive.len()
            )));
        }
        let mut total = 0u64;
        for i in 0..archive.len() {
            let entry = archive
                .by_index_raw(i)
                .map_err(|e| DocumentError::Corrupt(format!("unreadable zip entry: {e}")))?;
            let size = entry.size();
            total = total.saturating_add(size);
            if size > 1024 && size / entry.compressed_size().max(1) > MAX_RATIO {
                return Err(DocumentError::TooLarge(
                    "an archive entry expands more than 100 times (zip bomb)".into(),
                ));
            }
        }
        if total > MAX_TOTAL_BYTES {
            return Err(DocumentError::TooLarge("the archive expands to more than 50 MB".into()));
        }
        Ok(Package { archive })
    }

    pub(crate) fn has(&self, name: &str) -> bool {
        self.archive.index_for_name(name).is_some()
    }

    pub(crate) fn names(&self) -> Vec<String> {
        self.archive.file_names().filter_map(|n| n.ok().map(|n| n.into_owned())).collect()
    }

    /// One entry, read with a cap so that a lying size header cannot inflate past the limit,
    /// nor past what is left of the budget's inflated bytes.
    pub(crate) fn read(&mut self, name: &str, budget: &Budget) -> Result<Vec<u8>, DocumentError> {
        let entry =
            self.archive.by_name(name).map_err(|e| DocumentError::Corrupt(format!("missing {name}: {e}")))?;
        let left = budget.bytes_left() as u64;
        let mut out = Vec::new();
        entry
            .take(MAX_TOTAL_BYTES.min(left) + 1)
            .read_to_end(&mut out)
            .map_err(|e| DocumentError::Corrupt(format!("unreadable {name}: {e}")))?;
        if out.len() as u64 > left {
            return Err(budget.inflation_exceeded());
        }
        if out.len() as u64 > MAX_TOTAL_BYTES {
            return Err(DocumentError::TooLarge(format!("{name} expands to more than 50 MB")));
        }
        budget.charge(Work::InflatedBytes, out.len() as u64)?;
        Ok(out)
    }
}

pub(crate) fn is_docx(bytes: &[u8]) -> bool {
    zip::ZipArchive::new(Cursor::new(bytes))
        .map(|a| a.index_for_name("word/document.xml").is_some())
        .unwrap_or(false)
}

/// Lines of the document: page headers, body (text boxes after their anchor paragraph), footers.
pub(crate) fn read_lines(bytes: &[u8], budget: &Budget) -> Result<Vec<DocLine>, DocumentError> {
    let mut pkg = Package::open(bytes)?;
    if !pkg.has("word/document.xml") {
        return Err(DocumentError::Unsupported("this archive is not a Word document".into()));
    }
    let mut names = pkg.names();
    names.sort();
    let part = |prefix: &str, n: &str| {
        n.starts_with(prefix) && n.ends_with(".xml") && !n[prefix.len()..].contains('/')
    };
    let headers: Vec<String> = names.iter().filter(|n| part("word/header", n)).cloned().collect();
    let footers: Vec<String> = names.iter().filter(|n| part("word/footer", n)).cloned().collect();

    let mut out = Vec::new();
    let mut seen_parts: Vec<Vec<DocLine>> = Vec::new();
    // Page headers and footers repeat on every page: they are read (a name or an email often
    // sits there) but marked running, so they never land in a section.
    let running = |lines: Vec<DocLine>| -> Vec<DocLine> {
        lines.into_iter().map(|l| DocLine { running: true, ..l }).collect()
    };
    for name in &headers {
        let lines = running(walk(&pkg.read(name, budget)?, budget)?);
        if !lines.is_empty() && !seen_parts.contains(&lines) {
            seen_parts.push(lines.clone());
            out.extend(lines);
        }
    }
    let body = walk(&pkg.read("word/document.xml", budget)?, budget)?;
    out.extend(body);
    for name in &footers {
        let lines = running(walk(&pkg.read(name, budget)?, budget)?);
        if !lines.is_empty() && !seen_parts.contains(&lines) {
            seen_parts.push(lines.clone());
            out.extend(lines);
        }
    }
    if out.iter().all(|l| l.text.trim().is_empty()) {
        // Pictures and no text: a scanned resume pasted into Word.
        let pictures = names.iter().any(|n| n.starts_with("word/media/"));
        return Err(if pictures { DocumentError::NoTextLayer } else { DocumentError::Empty });
    }
    Ok(out)
}

#[derive(Default)]
struct Para {
    text: String,
    bullet: bool,
    /// Paragraphs of text boxes anchored in this paragraph.
    boxed: Vec<DocLine>,
}

/// Where the walk is inside a top-level table: its rows so far and the cell being read, and the
/// lines read in it with their cell index.
#[derive(Default)]
struct Table {
    rows: usize,
    cell: usize,
    /// (row, cell, line).
    lines: Vec<(usize, usize, DocLine)>,
}

impl Table {
    /// A table of one row whose cells each hold a column of text is the page layout (a sidebar
    /// and a main column): each cell is a flow of its own. Any other table is read row by row,
    /// and a row whose cells hold one line each is one line, its cells apart by TABs (a date
    /// beside a degree, "B.E. | Ramco Institute | 2021").
    fn into_lines(self) -> Vec<DocLine> {
        let mut per_cell: Vec<usize> = Vec::new();
        for (_, c, _) in &self.lines {
            if per_cell.len() <= *c {
                per_cell.resize(c + 1, 0);
            }
            per_cell[*c] += 1;
        }
        let layout = self.rows == 1 && per_cell.iter().filter(|n| **n >= 3).count() >= 2;
        if layout {
            return self
                .lines
                .into_iter()
                .map(|(_, cell, l)| DocLine {
                    column: if cell == 0 { Column::Left } else { Column::Right },
                    ..l
                })
                .collect();
        }
        let mut out: Vec<DocLine> = Vec::new();
        let mut i = 0;
        while i < self.lines.len() {
            let row = self.lines[i].0;
            let mut j = i;
            while j < self.lines.len() && self.lines[j].0 == row {
                j += 1;
            }
            let cells = &self.lines[i..j];
            // Short cells without bullets are values of a data row; a cell with a list is text.
            let mut texts: Vec<(usize, String)> = Vec::new();
            for (_, c, l) in cells {
                match texts.last_mut() {
                    Some((cell, t)) if cell == c => {
                        t.push('\t');
                        t.push_str(l.text.trim());
                    }
                    _ => texts.push((*c, l.text.trim().to_string())),
                }
            }
            let short = cells.len() <= 2 * texts.len() && cells.iter().all(|(_, _, l)| !l.bullet);
            if short && texts.len() > 1 {
                let text = texts.into_iter().map(|(_, t)| t).collect::<Vec<_>>().join("\t");
                out.push(DocLine { text, ..cells[0].2.clone() });
            } else {
                out.extend(cells.iter().map(|(_, _, l)| l.clone()));
            }
            i = j;
        }
        out
    }
}

/// The lines of one part; every XML event is charged to the budget as one operator.
fn walk(xml: &[u8], budget: &Budget) -> Result<Vec<DocLine>, DocumentError> {
    let text = String::from_utf8_lossy(xml);
    let mut reader = Reader::from_str(&text);
    let mut out: Vec<DocLine> = Vec::new();
    let mut table_depth = 0usize;
    let mut table = Table::default();
    let mut stack: Vec<Para> = Vec::new();
    let mut skip_depth = 0usize;
    let mut in_text = false;
    let mut run_depth = 0usize;
    let mut ppr_depth = 0usize;
    loop {
        let event = reader
            .read_event()
            .map_err(|e| DocumentError::Corrupt(format!("malformed document xml: {e}")))?;
        budget.charge(Work::Operators, 1)?;
        match event {
            Event::Eof => break,
            Event::Start(e) => {
                let name = e.name();
                let name = name.as_ref();
                if skip_depth > 0 {
                    skip_depth += 1;
                    continue;
                }
                match name {
                    // The VML fallback repeats the text box content of the drawing.
                    "mc:Fallback" | "w:instrText" | "w:delText" => skip_depth = 1,
                    "w:p" => stack.push(Para::default()),
                    "w:tbl" => table_depth += 1,
                    "w:tr" if table_depth == 1 => {
                        table.rows += 1;
                        table.cell = 0;
                    }
                    "w:r" => run_depth += 1,
                    "w:pPr" => ppr_depth += 1,
                    // Word writes numbering as <w:numPr><w:ilvl/><w:numId/></w:numPr>.
                    "w:numPr" if ppr_depth > 0 => {
                        if let Some(p) = stack.last_mut() {
                            p.bullet = true;
                        }
                    }
                    "w:t" => in_text = true,
                    _ => {}
                }
            }
            Event::Empty(e) => {
                if skip_depth > 0 {
                    continue;
                }
                let name = e.name();
                let Some(p) = stack.last_mut() else { continue };
                match name.as_ref() {
                    "w:tab" | "w:ptab" if run_depth > 0 => p.text.push('\t'),
                    "w:br" | "w:cr" if run_depth > 0 => p.text.push('\n'),
                    "w:noBreakHyphen" => p.text.push('-'),
                    "w:numPr" if ppr_depth > 0 => p.bullet = true,
                    "w:pStyle" if ppr_depth > 0 => {
                        let style = e
                            .try_get_attribute("w:val")
                            .ok()
                            .flatten()
                            .map(|a| a.value.to_ascii_lowercase())
                            .unwrap_or_default();
                        if style.contains("bullet") {
                            p.bullet = true;
                        }
                    }
                    _ => {}
                }
            }
            Event::Text(t) if in_text && skip_depth == 0 => {
                if let Some(p) = stack.last_mut() {
                    p.text.push_str(&t.xml10_content());
                }
            }
            Event::GeneralRef(r) if in_text && skip_depth == 0 => {
                if let Some(p) = stack.last_mut() {
                    let c = match r.resolve_char_ref() {
                        Ok(Some(c)) => Some(c),
                        _ => match &*r {
                            "amp" => Some('&'),
                            "lt" => Some('<'),
                            "gt" => Some('>'),
                            "quot" => Some('"'),
                            "apos" => Some('\''),
                            _ => None,
                        },
                    };
                    if let Some(c) = c {
                        p.text.push(c);
                    }
                }
            }
            Event::End(e) => {
                if skip_depth > 0 {
                    skip_depth -= 1;
                    continue;
                }
                match e.name().as_ref() {
                    "w:t" => in_text = false,
                    "w:tc" if table_depth == 1 => table.cell += 1,
                    "w:tbl" => {
                        table_depth = table_depth.saturating_sub(1);
                        if table_depth == 0 {
                            out.extend(std::mem::take(&mut table).into_lines());
                        }
                    }
                    "w:r" => run_depth = run_depth.saturating_sub(1),
                    "w:pPr" => ppr_depth = ppr_depth.saturating_sub(1),
                    "w:p" => {
                        let Some(p) = stack.pop() else { continue };
                        let mut lines: Vec<DocLine> = p
                            .text
                            .split('\n')
                            .map(|t| DocLine { text: t.to_string(), bullet: p.bullet, ..DocLine::default() })
                            .filter(|l| !l.text.trim().is_empty())
                            .collect();
                        lines.extend(p.boxed);
                        match stack.last_mut() {
                            Some(outer) => outer.boxed.extend(lines),
                            None if table_depth > 0 => {
                                table.lines.extend(lines.into_iter().map(|l| (table.rows, table.cell, l)));
                            }
                            None => out.extend(lines),
                        }
                    }
                    _ => {}
                }
            }
            _ => {}
        }
    }
    Ok(out)
}
