//! PDF text extraction: interprets page content streams on top of lopdf's object model, decodes
//! strings through each font's ToUnicode map or simple encoding, and hands positioned glyphs to
//! the layout module.

use std::collections::HashMap;
use std::rc::Rc;

use lopdf::content::Content;
use lopdf::{Dictionary, Document, Object, ObjectId};

use crate::DocumentError;
use crate::budget::{Budget, Work};
use crate::layout::{self, Glyph};

/// Pages beyond this are not read: no resume or job posting is that long, and it bounds the work.
const MAX_PAGES: usize = 60;
/// Glyph budget per document, so a hostile file cannot make extraction run for minutes.
const MAX_GLYPHS: usize = 2_000_000;
const MAX_STREAM_BYTES: usize = 64 * 1024 * 1024;
const MAX_FORM_DEPTH: usize = 8;

type Matrix = [f32; 6];
const IDENTITY: Matrix = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0];

fn mul(m: &Matrix, n: &Matrix) -> Matrix {
    [
        m[0] * n[0] + m[1] * n[2],
        m[0] * n[1] + m[1] * n[3],
        m[2] * n[0] + m[3] * n[2],
        m[2] * n[1] + m[3] * n[3],
        m[4] * n[0] + m[5] * n[2] + n[4],
        m[4] * n[1] + m[5] * n[3] + n[5],
    ]
}

/// Lines of every page in reading order, pages in order.
pub(crate) fn extract(bytes: &[u8], budget: &Budget) -> Result<Vec<layout::LayoutLine>, DocumentError> {
    let doc = load(bytes, budget.bytes_left())?;
    budget.charge(Work::Objects, doc.objects.len() as u64)?;
    let pages = doc.get_pages();
    if pages.is_empty() {
        return Err(DocumentError::Corrupt("the PDF has no pages".into()));
    }
    budget.charge(Work::Pages, pages.len() as u64)?;
    let mut fonts = FontCache::default();
    let mut out: Vec<layout::LayoutLine> = Vec::new();
    let mut images = 0usize;
    let mut glyph_total = 0usize;
    let mut boxes: Vec<Option<[f32; 4]>> = Vec::new();
    for (page, (_, page_id)) in pages.into_iter().take(MAX_PAGES).enumerate() {
        let mut interp = Interpreter {
            doc: &doc,
            fonts: &mut fonts,
            glyphs: Vec::new(),
            images: 0,
            glyphs_left: MAX_GLYPHS.saturating_sub(glyph_total),
            budget,
        };
        interp.run_page(page_id)?;
        images += interp.images;
        glyph_total += interp.glyphs.len();
        let bounds = interp.page_box(page_id);
        // Text placed outside the visible page is not on the page a person reads.
        let glyphs: Vec<Glyph> = match bounds {
            Some([x0, y0, x1, y1]) => interp
                .glyphs
                .into_iter()
                .filter(|g| g.x >= x0 - 1.0 && g.x < x1 && g.y >= y0 - 1.0 && g.y <= y1 + 1.0)
                .collect(),
            None => interp.glyphs,
        };
        out.extend(layout::page_lines(glyphs).into_iter().map(|mut l| {
            l.page = page;
            l
        }));
        boxes.push(bounds);
    }
    layout::mark_running(&mut out, &boxes);
    if out.iter().all(|l| l.text.trim().is_empty()) {
        let tail = &bytes[bytes.len().saturating_sub(1024)..];
        let truncated = !tail.windows(5).any(|w| w == b"%%EOF");
        return Err(if images > 0 {
            DocumentError::NoTextLayer
        } else if truncated {
            DocumentError::Corrupt("the file ends before its end-of-file marker (truncated)".into())
        } else {
            DocumentError::Empty
        });
    }
    Ok(out)
}

/// Pages of a readable PDF (as its page tree lists them).
pub(crate) fn page_count(bytes: &[u8]) -> Option<usize> {
    load(bytes, crate::budget::Limits::default().inflated_bytes as usize)
        .ok()
        .map(|doc| doc.get_pages().len())
}

/// The document, its object and cross-reference streams each inflated to at most `max_stream`
/// bytes (lopdf decodes them while loading, before any budget can be charged).
fn load(bytes: &[u8], max_stream: usize) -> Result<Document, DocumentError> {
    let declares_encryption = bytes.windows(8).any(|w| w == b"/Encrypt");
    let options = lopdf::LoadOptions::with_max_decompressed_size(max_stream);
    let mut doc = match Document::load_mem_with_options(bytes, options) {
        Ok(doc) => doc,
        Err(err) => {
            return Err(match err {
                lopdf::Error::InvalidPassword | lopdf::Error::Decryption(_) => DocumentError::Encrypted,
                lopdf::Error::Decompress(lopdf::DecompressError::MemoryLimitExceeded { .. }) => {
                    DocumentError::TooComplex(format!(
                        "a stream of more than {} MB once decompressed",
                        max_stream / (1024 * 1024)
                    ))
                }
                _ if declares_encryption => DocumentError::Encrypted,
                other => DocumentError::Corrupt(other.to_string()),
            });
        }
    };
    // Owner-password-only files open with the empty user password.
    if doc.is_encrypted() && doc.decrypt("").is_err() {
        return Err(DocumentError::Encrypted);
    }
    Ok(doc)
}

/// How a font maps codes to text and advances.
struct Font {
    /// Bytes per code: 1 for simple fonts, usually 2 for Type0.
    code_len: CodeLen,
    to_unicode: HashMap<u32, String>,
    /// Simple fonts: the base encoding (with Differences) for codes ToUnicode does not cover.
    simple: Option<Vec<Option<String>>>,
    /// Advance per code, in text space units per unit of font size.
    widths: HashMap<u32, f32>,
    default_width: f32,
    /// Bold or heavier, from the font name or descriptor (a heading cue).
    bold: bool,
    /// Codes without an entry in `widths` advance by `default_width` by definition (a CID
    /// font's /DW), not by a guess: gaps measured with it are as exact as with listed widths.
    default_exact: bool,
    /// An icon font (Font Awesome, Wingdings, ...): its glyphs are pictures, read as a bullet
    /// or as nothing (`Some(true)` for the Wingdings family).
    icon: Option<bool>,
}

enum CodeLen {
    One,
    Two,
    /// From the ToUnicode codespace ranges: (length, low, high).
    Ranges(Vec<(usize, u32, u32)>),
}

impl Font {
    fn codes(&self, bytes: &[u8]) -> Vec<(u32, usize)> {
        let mut out = Vec::with_capacity(bytes.len());
        let mut i = 0;
        while i < bytes.len() {
            let len = match &self.code_len {
                CodeLen::One => 1,
                CodeLen::Two => 2,
                CodeLen::Ranges(ranges) => {
                    let mut chosen = 1;
                    for &(len, lo, hi) in ranges {
                        if i + len <= bytes.len() {
                            let code = be(&bytes[i..i + len]);
                            if code >= lo && code <= hi {
                                chosen = len;
                                break;
                            }
                        }
                    }
                    chosen
                }
            };
            let end = (i + len).min(bytes.len());
            out.push((be(&bytes[i..end]), end - i));
            i = end;
        }
        out
    }

    fn text(&self, code: u32) -> Option<&str> {
        if let Some(s) = self.to_unicode.get(&code) {
            return Some(s.as_str());
        }
        self.simple.as_ref().and_then(|t| t.get(code as usize)).and_then(|s| s.as_deref())
    }

    fn width(&self, code: u32) -> f32 {
        self.widths.get(&code).copied().unwrap_or(self.default_width)
    }
}

fn be(bytes: &[u8]) -> u32 {
    bytes.iter().fold(0u32, |acc, &b| (acc << 8) | b as u32)
}

#[derive(Default)]
struct FontCache {
    by_id: HashMap<ObjectId, Rc<Font>>,
}

fn number(obj: &Object) -> Option<f32> {
    match obj {
        Object::Integer(i) => Some(*i as f32),
        Object::Real(r) => Some(*r),
        _ => None,
    }
}

fn deref<'a>(doc: &'a Document, obj: &'a Object) -> &'a Object {
    doc.dereference(obj).map(|(_, o)| o).unwrap_or(obj)
}

fn dict_get<'a>(doc: &'a Document, dict: &'a Dictionary, key: &[u8]) -> Option<&'a Object> {
    dict.get(key).ok().map(|o| deref(doc, o))
}

/// A stream's content, inflated within the budget. A stream that does not fit spends the
/// budget (the reader stops at its next check) and reads as absent.
fn stream_bytes(doc: &Document, obj: &Object, budget: &Budget) -> Option<Vec<u8>> {
    let stream = deref(doc, obj).as_stream().ok()?;
    inflate(stream, budget).ok()
}

/// A stream's content, inflated within what is left of the budget and charged to it.
/// Unfiltered streams report an error from the decompressor; their content is raw.
fn inflate(stream: &lopdf::Stream, budget: &Budget) -> Result<Vec<u8>, DocumentError> {
    let cap = budget.bytes_left().min(MAX_STREAM_BYTES);
    let content = match stream.decompressed_content_with_limit(cap) {
        Ok(content) => content,
        Err(lopdf::Error::Decompress(lopdf::DecompressError::MemoryLimitExceeded { .. })) => {
            return Err(budget.inflation_exceeded());
        }
        Err(_) if stream.dict.get(b"Filter").is_err() => stream.content.clone(),
        Err(_) => return Err(DocumentError::Corrupt("an undecodable stream".into())),
    };
    budget.charge(Work::InflatedBytes, content.len() as u64)?;
    Ok(content)
}

fn build_font(doc: &Document, dict: &Dictionary, budget: &Budget) -> Font {
    let subtype = dict_get(doc, dict, b"Subtype").and_then(|o| o.as_name().ok()).unwrap_or(b"");
    let is_type0 = subtype == b"Type0";
    let mut to_unicode = HashMap::new();
    let mut ranges = Vec::new();
    if let Some(bytes) = dict.get(b"ToUnicode").ok().and_then(|o| stream_bytes(doc, o, budget)) {
        parse_cmap(&bytes, &mut to_unicode, &mut ranges);
    }
    let code_len = if is_type0 {
        if ranges.is_empty() || ranges.iter().all(|r| r.0 == 2) {
            CodeLen::Two
        } else {
            CodeLen::Ranges(ranges)
        }
    } else {
        CodeLen::One
    };

    let mut widths = HashMap::new();
    let mut default_width = 0.5;
    let mut default_exact = false;
    if is_type0 {
        let descendant = dict_get(doc, dict, b"DescendantFonts")
            .and_then(|o| o.as_array().ok())
            .and_then(|a| a.first())
            .map(|o| deref(doc, o))
            .and_then(|o| o.as_dict().ok());
        if let Some(desc) = descendant {
            default_width = dict_get(doc, desc, b"DW").and_then(number).unwrap_or(1000.0) / 1000.0;
            // Producers leave out of /W every glyph whose width is /DW (1000 when absent); a zero
            // /DW is a placeholder, not a width.
            default_exact = default_width > 0.0;
            if let Some(w) = dict_get(doc, desc, b"W").and_then(|o| o.as_array().ok()) {
                parse_cid_widths(doc, w, &mut widths);
            }
        } else {
            default_width = 1.0;
        }
    } else {
        // A Type 3 font's em is 1/FontMatrix glyph units (1000 for most producers, the font's
        // units per em for Chromium's 1/2048), so its nominal size is the Tf size either way;
        // only the widths need the matrix.
        let scale = if subtype == b"Type3" {
            dict_get(doc, dict, b"FontMatrix")
                .and_then(|o| o.as_array().ok())
                .and_then(|a| a.first().and_then(|o| number(deref(doc, o))))
                .map(f32::abs)
                .filter(|a| *a > 0.0)
                .unwrap_or(0.001)
        } else {
            0.001
        };
        let first = dict_get(doc, dict, b"FirstChar").and_then(number).unwrap_or(0.0) as u32;
        if let Some(w) = dict_get(doc, dict, b"Widths").and_then(|o| o.as_array().ok()) {
            for (i, o) in w.iter().enumerate() {
                if let Some(v) = number(deref(doc, o)) {
                    widths.insert(first + i as u32, v * scale);
                }
            }
        }
        if let Some(missing) = dict_get(doc, dict, b"FontDescriptor")
            .and_then(|o| o.as_dict().ok())
            .and_then(|d| dict_get(doc, d, b"MissingWidth"))
            .and_then(number)
            .filter(|w| *w > 0.0)
        {
            default_width = missing * scale;
        }
    }

    let simple = if is_type0 { None } else { Some(simple_table(doc, dict)) };
    // A standard font may come without /Widths; its metrics are public and fixed.
    if widths.is_empty()
        && subtype != b"Type3"
        && let Some(table) = &simple
        && let Some(metrics) = dict_get(doc, dict, b"BaseFont")
            .and_then(|o| o.as_name().ok())
            .and_then(|n| crate::std14::widths_for(&String::from_utf8_lossy(n)))
    {
        for (code, text) in table.iter().enumerate() {
            let mut chars = text.as_deref().unwrap_or("").chars();
            if let (Some(c), None) = (chars.next(), chars.next())
                && let Some(w) = metrics.width(c)
            {
                widths.insert(code as u32, f32::from(w) / 1000.0);
            }
        }
    }
    let bold = font_is_bold(doc, dict);
    let base_font = dict_get(doc, dict, b"BaseFont").and_then(|o| o.as_name().ok()).unwrap_or(b"");
    let icon = crate::text::icon_font(&String::from_utf8_lossy(base_font));
    Font { code_len, to_unicode, simple, widths, default_width, bold, default_exact, icon }
}

fn font_is_bold(doc: &Document, dict: &Dictionary) -> bool {
    let name = dict_get(doc, dict, b"BaseFont").and_then(|o| o.as_name().ok()).unwrap_or(b"");
    let name = String::from_utf8_lossy(name).to_lowercase();
    if ["bold", "black", "heavy", "semibold", "demi"].iter().any(|w| name.contains(w)) {
        return true;
    }
    let descriptor = dict_get(doc, dict, b"FontDescriptor").and_then(|o| o.as_dict().ok()).or_else(|| {
        dict_get(doc, dict, b"DescendantFonts")
            .and_then(|o| o.as_array().ok())
            .and_then(|a| a.first())
            .and_then(|o| deref(doc, o).as_dict().ok())
            .and_then(|d| dict_get(doc, d, b"FontDescriptor"))
            .and_then(|o| o.as_dict().ok())
    });
    let Some(descriptor) = descriptor else { return false };
    let weight = dict_get(doc, descriptor, b"FontWeight").and_then(number).unwrap_or(0.0);
    let flags = dict_get(doc, descriptor, b"Flags").and_then(number).unwrap_or(0.0) as u32;
    weight >= 600.0 || flags & (1 << 18) != 0
}

/// The 256-entry code-to-text table of a simple font, from its /Encoding (base encoding plus
/// Differences, resolved through lopdf's glyph list).
fn simple_table(doc: &Document, dict: &Dictionary) -> Vec<Option<String>> {
    let mut table = encoding_table(doc, dict.clone());
    let differences = encoding_differences(doc, dict);
    // lopdf refuses the whole encoding when one name is missing from its glyph list (small caps
    // "a.sc", old-style figures "one.oldstyle"): then the base encoding is read alone and the
    // names are resolved here, so such a font does not lose all its text.
    if !differences.is_empty() && table.iter().all(Option::is_none) {
        let mut base = dict.clone();
        let base_encoding = dict_get(doc, dict, b"Encoding")
            .and_then(|o| o.as_dict().ok())
            .and_then(|e| dict_get(doc, e, b"BaseEncoding"))
            .and_then(|o| o.as_name().ok())
            .map(<[u8]>::to_vec);
        match base_encoding {
            Some(name) => base.set("Encoding", Object::Name(name)),
            None => {
                base.remove(b"Encoding");
            }
        }
        table = encoding_table(doc, base);
        for (code, name) in differences {
            table[code as usize] = crate::text::glyph_name_text(&String::from_utf8_lossy(&name));
        }
    }
    table
}

fn encoding_table(doc: &Document, mut font: Dictionary) -> Vec<Option<String>> {
    font.remove(b"ToUnicode");
    font.set("Type", Object::Name(b"Font".to_vec()));
    let encoding = font.get_font_encoding(doc);
    (0u16..256)
        .map(|c| {
            let enc = encoding.as_ref().ok()?;
            let s = enc.bytes_to_string(&[c as u8]).ok()?;
            if s.is_empty() || s.chars().all(|ch| ch == '\u{FFFD}' || ch == '\0') { None } else { Some(s) }
        })
        .collect()
}

/// The (code, glyph name) pairs of a simple font's /Encoding /Differences.
fn encoding_differences(doc: &Document, dict: &Dictionary) -> Vec<(u8, Vec<u8>)> {
    let Some(array) = dict_get(doc, dict, b"Encoding")
        .and_then(|o| o.as_dict().ok())
        .and_then(|e| dict_get(doc, e, b"Differences"))
        .and_then(|o| o.as_array().ok())
    else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut code: Option<u8> = None;
    for o in array {
        match deref(doc, o) {
            Object::Integer(i) => code = u8::try_from(*i).ok(),
            Object::Name(name) => {
                if let Some(c) = code {
                    out.push((c, name.clone()));
                    code = c.checked_add(1);
                }
            }
            _ => {}
        }
    }
    out
}

fn parse_cid_widths(doc: &Document, w: &[Object], out: &mut HashMap<u32, f32>) {
    let items: Vec<&Object> = w.iter().map(|o| deref(doc, o)).collect();
    let mut i = 0;
    while i < items.len() {
        let Some(first) = number(items[i]) else {
            i += 1;
            continue;
        };
        let first = first.max(0.0) as u32;
        match items.get(i + 1) {
            Some(Object::Array(arr)) => {
                for (k, o) in arr.iter().enumerate() {
                    if let Some(v) = number(deref(doc, o)) {
                        out.insert(first + k as u32, v / 1000.0);
                    }
                }
                i += 2;
            }
            Some(o) => {
                let last = number(o).unwrap_or(first as f32).max(0.0) as u32;
                let v = items.get(i + 2).and_then(|o| number(o)).unwrap_or(1000.0);
                // A hostile range could ask for billions of entries; real fonts stay far below.
                for c in first..=last.min(first.saturating_add(65_536)) {
                    out.insert(c, v / 1000.0);
                }
                i += 3;
            }
            None => break,
        }
    }
}

#[derive(Debug)]
enum Tok {
    Hex(Vec<u8>),
    Open,
    Close,
    Word(Vec<u8>),
    Name(Vec<u8>),
}

fn cmap_tokens(data: &[u8]) -> Vec<Tok> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < data.len() {
        let c = data[i];
        match c {
            b'%' => {
                while i < data.len() && data[i] != b'\n' && data[i] != b'\r' {
                    i += 1;
                }
            }
            b'<' if data.get(i + 1) == Some(&b'<') => i += 2,
            b'>' if data.get(i + 1) == Some(&b'>') => i += 2,
            b'<' => {
                let start = i + 1;
                let mut j = start;
                while j < data.len() && data[j] != b'>' {
                    j += 1;
                }
                let digits: Vec<u8> =
                    data[start..j.min(data.len())].iter().copied().filter(u8::is_ascii_hexdigit).collect();
                let mut bytes = Vec::with_capacity(digits.len() / 2 + 1);
                for pair in digits.chunks(2) {
                    let hi = hex_val(pair[0]);
                    let lo = pair.get(1).map(|&d| hex_val(d)).unwrap_or(0);
                    bytes.push(hi << 4 | lo);
                }
                out.push(Tok::Hex(bytes));
                i = j + 1;
            }
            b'[' => {
                out.push(Tok::Open);
                i += 1;
            }
            b']' => {
                out.push(Tok::Close);
                i += 1;
            }
            b'/' => {
                let start = i + 1;
                let mut j = start;
                while j < data.len() && !is_delim(data[j]) {
                    j += 1;
                }
                out.push(Tok::Name(data[start..j].to_vec()));
                i = j;
            }
            b'(' => {
                // Literal strings in CMaps only appear in metadata; skip them balanced.
                let mut depth = 0;
                while i < data.len() {
                    match data[i] {
                        b'\\' => i += 1,
                        b'(' => depth += 1,
                        b')' => {
                            depth -= 1;
                            if depth == 0 {
                                i += 1;
                                break;
                            }
                        }
                        _ => {}
                    }
                    i += 1;
                }
            }
            _ if c.is_ascii_whitespace() => i += 1,
            _ => {
                let start = i;
                while i < data.len() && !is_delim(data[i]) {
                    i += 1;
                }
                if i == start {
                    i += 1;
                } else {
                    out.push(Tok::Word(data[start..i].to_vec()));
                }
            }
        }
    }
    out
}

fn is_delim(c: u8) -> bool {
    c.is_ascii_whitespace() || b"()<>[]{}/%".contains(&c)
}

fn hex_val(d: u8) -> u8 {
    match d {
        b'0'..=b'9' => d - b'0',
        b'a'..=b'f' => d - b'a' + 10,
        b'A'..=b'F' => d - b'A' + 10,
        _ => 0,
    }
}

/// A PDF text string: UTF-16BE after a byte-order mark, else PDFDocEncoding (Latin-1 for the
/// characters text needs).
fn pdf_text_string(bytes: &[u8]) -> String {
    match bytes.strip_prefix(&[0xFE, 0xFF]) {
        Some(rest) => utf16_text(rest),
        None => bytes.iter().map(|&b| b as char).collect(),
    }
}

fn utf16_text(bytes: &[u8]) -> String {
    let units: Vec<u16> = bytes
        .chunks(2)
        .map(|c| if c.len() == 2 { (c[0] as u16) << 8 | c[1] as u16 } else { c[0] as u16 })
        .collect();
    String::from_utf16_lossy(&units)
}

fn parse_cmap(data: &[u8], map: &mut HashMap<u32, String>, ranges: &mut Vec<(usize, u32, u32)>) {
    let toks = cmap_tokens(data);
    let mut i = 0;
    let mut mode = 0u8;
    while i < toks.len() {
        match &toks[i] {
            Tok::Word(w) if w == b"begincodespacerange" => mode = 1,
            Tok::Word(w) if w == b"beginbfchar" => mode = 2,
            Tok::Word(w) if w == b"beginbfrange" => mode = 3,
            Tok::Word(w) if w.starts_with(b"end") => mode = 0,
            Tok::Hex(lo) if mode == 1 => {
                if let Some(Tok::Hex(hi)) = toks.get(i + 1) {
                    ranges.push((lo.len().max(1), be(lo), be(hi)));
                    i += 1;
                }
            }
            Tok::Hex(src) if mode == 2 => {
                match toks.get(i + 1) {
                    Some(Tok::Hex(dst)) => {
                        map.insert(be(src), utf16_text(dst));
                    }
                    Some(Tok::Name(name)) => {
                        if let Some(s) = glyph_name_text(name) {
                            map.insert(be(src), s);
                        }
                    }
                    _ => {}
                }
                i += 1;
            }
            Tok::Hex(lo) if mode == 3 => {
                let (Some(Tok::Hex(hi)), Some(dst)) = (toks.get(i + 1), toks.get(i + 2)) else {
                    i += 1;
                    continue;
                };
                let (lo, hi) = (be(lo), be(hi));
                // Ranges larger than a plane are not real ToUnicode data.
                let hi = hi.min(lo.saturating_add(0xFFFF));
                match dst {
                    Tok::Hex(base) => {
                        let mut units: Vec<u16> = base
                            .chunks(2)
                            .map(
                                |c| if c.len() == 2 { (c[0] as u16) << 8 | c[1] as u16 } else { c[0] as u16 },
                            )
                            .collect();
                        for code in lo..=hi {
                            map.insert(code, String::from_utf16_lossy(&units));
                            if let Some(last) = units.last_mut() {
                                *last = last.wrapping_add(1);
                            }
                        }
                        i += 2;
                    }
                    Tok::Open => {
                        let mut k = i + 3;
                        let mut code = lo;
                        while let Some(Tok::Hex(d)) = toks.get(k) {
                            if code <= hi {
                                map.insert(code, utf16_text(d));
                            }
                            code = code.saturating_add(1);
                            k += 1;
                        }
                        i = k;
                    }
                    _ => i += 2,
                }
            }
            _ => {}
        }
        i += 1;
    }
}

/// Text for a glyph name in a CMap or Differences array ("uni0041", "u1F600", or a name lopdf
/// knows through its glyph list).
fn glyph_name_text(name: &[u8]) -> Option<String> {
    let s = std::str::from_utf8(name).ok()?;
    if let Some(hex) = s.strip_prefix("uni").filter(|h| h.len() >= 4) {
        let units: Vec<u16> = hex
            .as_bytes()
            .chunks(4)
            .filter_map(|c| u16::from_str_radix(std::str::from_utf8(c).ok()?, 16).ok())
            .collect();
        return Some(String::from_utf16_lossy(&units));
    }
    if let Some(hex) = s.strip_prefix('u') {
        let cp = u32::from_str_radix(hex, 16).ok()?;
        return char::from_u32(cp).map(String::from);
    }
    None
}

#[derive(Clone)]
struct GState {
    ctm: Matrix,
    font: Option<Rc<Font>>,
    size: f32,
    char_spacing: f32,
    word_spacing: f32,
    hscale: f32,
    leading: f32,
    rise: f32,
}

impl Default for GState {
    fn default() -> Self {
        GState {
            ctm: IDENTITY,
            font: None,
            size: 0.0,
            char_spacing: 0.0,
            word_spacing: 0.0,
            hscale: 1.0,
            leading: 0.0,
            rise: 0.0,
        }
    }
}

struct Interpreter<'a> {
    doc: &'a Document,
    fonts: &'a mut FontCache,
    glyphs: Vec<Glyph>,
    images: usize,
    /// Glyphs this page may still add (the document's glyph cap, shared by its pages).
    glyphs_left: usize,
    budget: &'a Budget,
}

impl<'a> Interpreter<'a> {
    fn run_page(&mut self, page_id: ObjectId) -> Result<(), DocumentError> {
        // lopdf fails a page's content only when it would inflate past the cap.
        let cap = self.budget.bytes_left().min(MAX_STREAM_BYTES);
        let Ok(content) = self.doc.get_page_content_with_limit(page_id, cap) else {
            return Err(self.budget.inflation_exceeded());
        };
        self.budget.charge(Work::InflatedBytes, content.len() as u64)?;
        let resources = self.page_resources(page_id);
        let mut state = GState::default();
        self.run(&content, resources, &mut state, 0)
    }

    /// The visible page: the crop box (else the media box), inherited from the page tree.
    fn page_box(&self, page_id: ObjectId) -> Option<[f32; 4]> {
        let rect = |key: &[u8]| -> Option<[f32; 4]> {
            let mut node = self.doc.get_dictionary(page_id).ok()?;
            for _ in 0..32 {
                if let Some(a) = dict_get(self.doc, node, key).and_then(|o| o.as_array().ok()) {
                    let v: Vec<f32> = a.iter().filter_map(|o| number(deref(self.doc, o))).collect();
                    if v.len() == 4 {
                        return Some([v[0].min(v[2]), v[1].min(v[3]), v[0].max(v[2]), v[1].max(v[3])]);
                    }
                    return None;
                }
                node = dict_get(self.doc, node, b"Parent").and_then(|o| o.as_dict().ok())?;
            }
            None
        };
        let media = rect(b"MediaBox")?;
        Some(match rect(b"CropBox") {
            Some(c) => [media[0].max(c[0]), media[1].max(c[1]), media[2].min(c[2]), media[3].min(c[3])],
            None => media,
        })
        .filter(|r| r[2] - r[0] > 10.0 && r[3] - r[1] > 10.0)
    }

    fn page_resources(&self, page_id: ObjectId) -> Option<&'a Dictionary> {
        let mut node = self.doc.get_dictionary(page_id).ok()?;
        for _ in 0..32 {
            if let Some(res) = dict_get(self.doc, node, b"Resources").and_then(|o| o.as_dict().ok()) {
                return Some(res);
            }
            node = dict_get(self.doc, node, b"Parent").and_then(|o| o.as_dict().ok())?;
        }
        None
    }

    fn font(&mut self, resources: Option<&'a Dictionary>, name: &[u8]) -> Option<Rc<Font>> {
        let doc = self.doc;
        let fonts = dict_get(doc, resources?, b"Font")?.as_dict().ok()?;
        let raw = fonts.get(name).ok()?;
        if let Object::Reference(id) = raw {
            if let Some(f) = self.fonts.by_id.get(id) {
                return Some(f.clone());
            }
            let dict = doc.get_object(*id).ok()?.as_dict().ok()?;
            let font = Rc::new(build_font(doc, dict, self.budget));
            self.fonts.by_id.insert(*id, font.clone());
            return Some(font);
        }
        Some(Rc::new(build_font(doc, raw.as_dict().ok()?, self.budget)))
    }

    /// Interprets a content stream, operation by operation (never all of them held at once). A
    /// stream that turns out not to decode contributes nothing, as if never drawn.
    fn run(
        &mut self,
        content: &[u8],
        resources: Option<&'a Dictionary>,
        gs: &mut GState,
        depth: usize,
    ) -> Result<(), DocumentError> {
        let before = (self.glyphs.len(), self.images, self.glyphs_left, gs.clone());
        let mut stack: Vec<GState> = Vec::new();
        // Marked content with /ActualText (an icon that reads "email:", a hyphenated word that
        // reads whole): the replacement text and the first glyph it replaces.
        let mut marked: Vec<Option<(String, usize)>> = Vec::new();
        let mut tm = IDENTITY;
        let mut tlm = IDENTITY;
        for op in Content::decode_iter(content) {
            let Ok(op) = op else {
                (self.images, self.glyphs_left, *gs) = (before.1, before.2, before.3);
                self.glyphs.truncate(before.0);
                return Ok(());
            };
            self.budget.charge(Work::Operators, 1)?;
            if self.glyphs_left == 0 {
                return Ok(());
            }
            let args = &op.operands;
            let num = |i: usize| args.get(i).and_then(number).unwrap_or(0.0);
            match op.operator.as_str() {
                "q" if stack.len() < 256 => stack.push(gs.clone()),
                "Q" => {
                    if let Some(s) = stack.pop() {
                        *gs = s;
                    }
                }
                "cm" => {
                    let m = [num(0), num(1), num(2), num(3), num(4), num(5)];
                    gs.ctm = mul(&m, &gs.ctm);
                }
                "BT" => {
                    tm = IDENTITY;
                    tlm = IDENTITY;
                }
                "Tf" => {
                    gs.font =
                        args.first().and_then(|o| o.as_name().ok()).and_then(|n| self.font(resources, n));
                    gs.size = num(1);
                }
                "Tc" => gs.char_spacing = num(0),
                "Tw" => gs.word_spacing = num(0),
                "Tz" => gs.hscale = num(0) / 100.0,
                "TL" => gs.leading = num(0),
                "Ts" => gs.rise = num(0),
                "Td" => {
                    tlm = mul(&[1.0, 0.0, 0.0, 1.0, num(0), num(1)], &tlm);
                    tm = tlm;
                }
                "TD" => {
                    gs.leading = -num(1);
                    tlm = mul(&[1.0, 0.0, 0.0, 1.0, num(0), num(1)], &tlm);
                    tm = tlm;
                }
                "Tm" => {
                    tlm = [num(0), num(1), num(2), num(3), num(4), num(5)];
                    tm = tlm;
                }
                "T*" => {
                    tlm = mul(&[1.0, 0.0, 0.0, 1.0, 0.0, -gs.leading], &tlm);
                    tm = tlm;
                }
                "Tj" => {
                    if let Some(Object::String(s, _)) = args.first() {
                        self.show(s, gs, &mut tm);
                    }
                }
                "'" => {
                    tlm = mul(&[1.0, 0.0, 0.0, 1.0, 0.0, -gs.leading], &tlm);
                    tm = tlm;
                    if let Some(Object::String(s, _)) = args.first() {
                        self.show(s, gs, &mut tm);
                    }
                }
                "\"" => {
                    gs.word_spacing = num(0);
                    gs.char_spacing = num(1);
                    tlm = mul(&[1.0, 0.0, 0.0, 1.0, 0.0, -gs.leading], &tlm);
                    tm = tlm;
                    if let Some(Object::String(s, _)) = args.get(2) {
                        self.show(s, gs, &mut tm);
                    }
                }
                "TJ" => {
                    if let Some(Object::Array(items)) = args.first() {
                        for item in items {
                            match item {
                                Object::String(s, _) => self.show(s, gs, &mut tm),
                                other => {
                                    if let Some(adj) = number(other) {
                                        let tx = -adj / 1000.0 * gs.size * gs.hscale;
                                        tm = mul(&[1.0, 0.0, 0.0, 1.0, tx, 0.0], &tm);
                                    }
                                }
                            }
                        }
                    }
                }
                "BI" | "ID" | "EI" => self.images += 1,
                "BMC" if marked.len() < 64 => marked.push(None),
                "BDC" if marked.len() < 64 => {
                    let text = args.get(1).and_then(|p| self.actual_text(p, resources));
                    marked.push(text.map(|t| (t, self.glyphs.len())));
                }
                "EMC" => {
                    if let Some(Some((text, start))) = marked.pop() {
                        self.replace_glyphs(start, text);
                    }
                }
                "Do" => {
                    if let Some(name) = args.first().and_then(|o| o.as_name().ok()) {
                        self.do_xobject(resources, name, gs, depth)?;
                    }
                }
                _ => {}
            }
        }
        // A font map that did not fit spent the budget without an error to return.
        self.budget.check()
    }

    fn do_xobject(
        &mut self,
        resources: Option<&'a Dictionary>,
        name: &[u8],
        gs: &GState,
        depth: usize,
    ) -> Result<(), DocumentError> {
        let doc = self.doc;
        let Some(xobjects) =
            resources.and_then(|r| dict_get(doc, r, b"XObject")).and_then(|o| o.as_dict().ok())
        else {
            return Ok(());
        };
        let Some(stream) = xobjects.get(name).ok().map(|o| deref(doc, o)).and_then(|o| o.as_stream().ok())
        else {
            return Ok(());
        };
        self.budget.charge(Work::XObjects, 1)?;
        let subtype = dict_get(doc, &stream.dict, b"Subtype").and_then(|o| o.as_name().ok());
        match subtype {
            Some(b"Image") => self.images += 1,
            Some(b"Form") if depth < MAX_FORM_DEPTH => {
                let content = match inflate(stream, self.budget) {
                    Ok(content) => content,
                    Err(DocumentError::Corrupt(_)) => return Ok(()),
                    Err(exceeded) => return Err(exceeded),
                };
                let mut inner = gs.clone();
                if let Some(m) = dict_get(doc, &stream.dict, b"Matrix").and_then(|o| o.as_array().ok()) {
                    let v: Vec<f32> = m.iter().filter_map(|o| number(deref(doc, o))).collect();
                    if v.len() == 6 {
                        inner.ctm = mul(&[v[0], v[1], v[2], v[3], v[4], v[5]], &inner.ctm);
                    }
                }
                let res =
                    dict_get(doc, &stream.dict, b"Resources").and_then(|o| o.as_dict().ok()).or(resources);
                self.run(&content, res, &mut inner, depth + 1)?;
            }
            _ => {}
        }
        Ok(())
    }

    /// The /ActualText of a marked-content property list (inline, or named in /Properties).
    fn actual_text(&self, props: &Object, resources: Option<&'a Dictionary>) -> Option<String> {
        let doc = self.doc;
        let dict = match props {
            Object::Dictionary(d) => d,
            Object::Name(name) => resources
                .and_then(|r| dict_get(doc, r, b"Properties"))
                .and_then(|o| o.as_dict().ok())
                .and_then(|p| dict_get(doc, p, name))
                .and_then(|o| o.as_dict().ok())?,
            _ => return None,
        };
        match dict_get(doc, dict, b"ActualText")? {
            Object::String(bytes, _) => Some(pdf_text_string(bytes)),
            _ => None,
        }
    }

    /// Glyphs drawn inside an /ActualText span read as that text, placed where they were.
    fn replace_glyphs(&mut self, start: usize, text: String) {
        if start >= self.glyphs.len() {
            return;
        }
        let replaced: Vec<Glyph> = self.glyphs.drain(start..).collect();
        let (first, last) = (&replaced[0], &replaced[replaced.len() - 1]);
        let mut text = text.trim_matches(|c: char| c.is_control()).to_string();
        if text.trim().is_empty() {
            return;
        }
        // Spaces drawn inside the span still separate it from its neighbours.
        let blank = |g: &Glyph| g.text.chars().all(char::is_whitespace);
        if replaced.iter().rev().find(|g| !blank(g)).is_some_and(|_| blank(last)) && !text.ends_with(' ') {
            text.push(' ');
        }
        if blank(first) && !text.starts_with(' ') {
            text.insert(0, ' ');
        }
        // Sized and spaced as the text it replaces ends, not as an icon that may open it.
        let tail = replaced.iter().rev().find(|g| !blank(g)).unwrap_or(last);
        self.glyphs.push(Glyph {
            x: first.x,
            y: tail.y,
            w: (last.x + last.w - first.x).max(first.w),
            size: tail.size,
            text,
            upright: first.upright,
            exact: tail.exact,
            bold: tail.bold,
        });
    }

    fn show(&mut self, bytes: &[u8], gs: &GState, tm: &mut Matrix) {
        let Some(font) = gs.font.clone() else {
            return;
        };
        for (code, len) in font.codes(bytes) {
            if self.glyphs_left == 0 {
                return;
            }
            let w0 = font.width(code);
            let trm = mul(&[gs.size * gs.hscale, 0.0, 0.0, gs.size, 0.0, gs.rise], &mul(tm, &gs.ctm));
            let text_space = mul(tm, &gs.ctm);
            let scale_x = (text_space[0] * text_space[0] + text_space[1] * text_space[1]).sqrt();
            let size = (trm[2] * trm[2] + trm[3] * trm[3]).sqrt();
            let visible = w0 * gs.size * gs.hscale * scale_x;
            if let Some(text) = font.text(code) {
                let upright = trm[3].abs() >= trm[2].abs();
                let text = match font.icon {
                    Some(wingdings) => crate::text::icon_glyph_text(text, wingdings),
                    None => text,
                };
                self.glyphs.push(Glyph {
                    x: trm[4],
                    y: trm[5],
                    w: visible,
                    size,
                    text: text.to_string(),
                    upright,
                    exact: font.default_exact || font.widths.contains_key(&code),
                    bold: font.bold,
                });
                self.glyphs_left -= 1;
            }
            let space = if len == 1 && code == 32 { gs.word_spacing } else { 0.0 };
            let tx = (w0 * gs.size + gs.char_spacing + space) * gs.hscale;
            *tm = mul(&[1.0, 0.0, 0.0, 1.0, tx, 0.0], tm);
        }
    }
}
