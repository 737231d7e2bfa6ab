//! Character-level clean-up shared by every format: ligatures, odd spaces, bullets, letter-spaced
//! words, plain-text decoding and HTML stripping.

use crate::DocumentError;

/// Markers that open a bullet line when they stand alone before the text.
const BULLETS: &[char] = &[
    '•', '▪', '◦', '●', '○', '■', '□', '‣', '⁃', '∙', '·', '►', '▸', '➢', '✓', '✔', '-', '*', '–', '—', '◆',
    '◇', '❖', '♦', '⋄', '➤', '➔', '→', '▹', '▻', '⚬', '✦', '✧', '★', '☆', '➣', '❯', '›', '»', '\u{F0B7}',
    '\u{F0A7}',
];

pub(crate) fn normalize_glyph_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            'ﬀ' => out.push_str("ff"),
            'ﬁ' => out.push_str("fi"),
            'ﬂ' => out.push_str("fl"),
            'ﬃ' => out.push_str("ffi"),
            'ﬄ' => out.push_str("ffl"),
            'ﬅ' | 'ﬆ' => out.push_str("st"),
            '\u{00A0}' | '\u{2000}'..='\u{200A}' | '\u{202F}' | '\u{205F}' | '\u{3000}' => out.push(' '),
            '\u{00AD}' | '\u{200B}'..='\u{200D}' | '\u{FEFF}' | '\u{FFFD}' => {}
            c if c.is_control() && c != '\t' => {}
            c => out.push(c),
        }
    }
    out
}

/// A symbol that only ever marks a list item (ASCII '-' and '*' also start words and numbers).
pub(crate) fn is_list_marker(c: char) -> bool {
    BULLETS.contains(&c) && !matches!(c, '-' | '*')
}

/// The bullet marker at the start of a line, if the line is a bullet.
pub(crate) fn starts_with_bullet(line: &str) -> bool {
    strip_bullet(line).is_some()
}

/// The line without its bullet marker, when it has one ("• Led a team" -> "Led a team").
pub(crate) fn strip_bullet(line: &str) -> Option<&str> {
    let t = line.trim_start();
    let c = t.chars().next()?;
    if !BULLETS.contains(&c) {
        return None;
    }
    let rest = &t[c.len_utf8()..];
    // "-5% churn" or "--" are not bullets; a marker is followed by a space or tab.
    if !rest.starts_with([' ', '\t']) {
        return None;
    }
    let rest = rest.trim_start();
    (!rest.is_empty()).then_some(rest)
}

/// Joins words printed letter by letter ("C O N T A C T" -> "CONTACT"); words are separated by
/// two or more spaces in such lines.
pub(crate) fn join_letter_spaced(line: &str) -> String {
    let words: Vec<&str> = line.split(' ').collect();
    let singles = words.iter().filter(|w| w.chars().count() == 1).count();
    let nonempty = words.iter().filter(|w| !w.is_empty()).count();
    if nonempty < 4 || singles < nonempty {
        return line.to_string();
    }
    let mut out = String::new();
    let mut gap = false;
    for w in words {
        if w.is_empty() {
            gap = true;
            continue;
        }
        if gap && !out.is_empty() {
            out.push(' ');
        }
        gap = false;
        out.push_str(w);
    }
    out
}

/// Collapses runs of spaces, trims, and drops characters no resume text needs.
pub(crate) fn clean_line(line: &str) -> String {
    let line = normalize_glyph_text(line);
    let line = join_letter_spaced(&line);
    let mut out = String::with_capacity(line.len());
    let mut last_space = false;
    for c in line.chars() {
        if c == ' ' {
            if !last_space {
                out.push(' ');
            }
            last_space = true;
        } else {
            out.push(c);
            last_space = false;
        }
    }
    out.split('\t').map(str::trim).filter(|p| !p.is_empty()).collect::<Vec<_>>().join("\t")
}

/// Plain text from a .txt upload: UTF-8, UTF-16 with a byte-order mark, or Windows-1252.
pub(crate) fn decode_plain(bytes: &[u8]) -> Result<String, DocumentError> {
    let text = if let Some(rest) = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        String::from_utf8_lossy(rest).into_owned()
    } else if let Some(rest) = bytes.strip_prefix(&[0xFF, 0xFE]) {
        utf16(rest, false)
    } else if let Some(rest) = bytes.strip_prefix(&[0xFE, 0xFF]) {
        utf16(rest, true)
    } else {
        match std::str::from_utf8(bytes) {
            Ok(s) => s.to_string(),
            Err(_) => bytes.iter().map(|&b| windows_1252(b)).collect(),
        }
    };
    if text.trim().is_empty() {
        return Err(DocumentError::Empty);
    }
    Ok(text)
}

fn utf16(bytes: &[u8], big_endian: bool) -> String {
    let units: Vec<u16> = bytes
        .chunks_exact(2)
        .map(|c| if big_endian { u16::from_be_bytes([c[0], c[1]]) } else { u16::from_le_bytes([c[0], c[1]]) })
        .collect();
    String::from_utf16_lossy(&units)
}

fn windows_1252(b: u8) -> char {
    const HIGH: [char; 32] = [
        '€', '\u{81}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{8D}', 'Ž', '\u{8F}',
        '\u{90}', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{9D}', 'ž', 'Ÿ',
    ];
    match b {
        0x80..=0x9F => HIGH[(b - 0x80) as usize],
        _ => b as char,
    }
}

/// True when the bytes look like text rather than a binary format.
pub(crate) fn looks_like_text(bytes: &[u8]) -> bool {
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return true;
    }
    let sample = &bytes[..bytes.len().min(8192)];
    if sample.is_empty() {
        return false;
    }
    let bad = sample
        .iter()
        .filter(|&&b| b == 0 || (b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0C)))
        .count();
    bad == 0
}

/// Removes HTML tags and entities, control characters, and normalises whitespace while keeping
/// line structure (block tags become line breaks).
pub(crate) fn sanitize(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if c == '<' {
            let rest = &text[i..];
            if let Some(end) = rest.find('>') {
                let tag = &rest[1..end];
                let name: String = tag
                    .trim_start_matches('/')
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric())
                    .collect::<String>()
                    .to_ascii_lowercase();
                let is_tag =
                    !name.is_empty() && tag.len() < 500 && !tag.contains('<') || tag.starts_with('!');
                if is_tag {
                    if matches!(
                        name.as_str(),
                        "br" | "p"
                            | "div"
                            | "li"
                            | "ul"
                            | "ol"
                            | "tr"
                            | "h1"
                            | "h2"
                            | "h3"
                            | "h4"
                            | "h5"
                            | "h6"
                    ) {
                        if name == "li" && !tag.starts_with('/') {
                            out.push_str("\n• ");
                        } else {
                            out.push('\n');
                        }
                    }
                    let skip_to = i + end;
                    while chars.peek().is_some_and(|(j, _)| *j <= skip_to) {
                        chars.next();
                    }
                    continue;
                }
            }
        }
        if c == '&'
            && let Some((decoded, len)) = entity(&text[i..])
        {
            out.push(decoded);
            let skip_to = i + len;
            while chars.peek().is_some_and(|(j, _)| *j < skip_to) {
                chars.next();
            }
            continue;
        }
        out.push(c);
    }
    let out = out.replace("\r\n", "\n").replace('\r', "\n");
    let mut lines: Vec<String> = Vec::new();
    for raw in out.split('\n') {
        let line = normalize_glyph_text(raw);
        let line: String = line
            .chars()
            .map(|c| if c == '\t' { ' ' } else { c })
            .collect::<String>()
            .split(' ')
            .filter(|w| !w.is_empty())
            .collect::<Vec<_>>()
            .join(" ");
        if line.is_empty() && lines.last().is_none_or(|l| l.is_empty()) {
            continue;
        }
        lines.push(line);
    }
    while lines.last().is_some_and(|l| l.is_empty()) {
        lines.pop();
    }
    lines.join("\n")
}

fn entity(s: &str) -> Option<(char, usize)> {
    let end = s[..s.len().min(12)].find(';')?;
    let body = &s[1..end];
    let c = match body {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        "nbsp" => ' ',
        "ndash" => '–',
        "mdash" => '—',
        "bull" => '•',
        "middot" => '·',
        "rsquo" => '’',
        "lsquo" => '‘',
        "rdquo" => '”',
        "ldquo" => '“',
        "hellip" => '…',
        _ => {
            let n = body.strip_prefix('#')?;
            let cp = if let Some(hex) = n.strip_prefix(['x', 'X']) {
                u32::from_str_radix(hex, 16).ok()?
            } else {
                n.parse().ok()?
            };
            char::from_u32(cp)?
        }
    };
    Some((c, end + 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn letter_spaced_words_are_joined() {
        assert_eq!(join_letter_spaced("C O N T A C T"), "CONTACT");
        assert_eq!(join_letter_spaced("C O R E  S K I L L S"), "CORE SKILLS");
        assert_eq!(join_letter_spaced("A B testing"), "A B testing");
    }

    #[test]
    fn ligatures_are_expanded() {
        assert_eq!(normalize_glyph_text("ﬁnance oﬃce"), "finance office");
    }

    #[test]
    fn bullets_are_recognised() {
        assert_eq!(strip_bullet("• Led a team"), Some("Led a team"));
        assert_eq!(strip_bullet("-5% churn"), None);
        assert_eq!(strip_bullet("Plain"), None);
    }

    #[test]
    fn html_is_stripped() {
        let s = sanitize("<p>Hello&nbsp;<b>world</b> &amp; co</p><ul><li>Rust</li></ul>");
        assert_eq!(s, "Hello world & co\n\n• Rust");
    }

    #[test]
    fn plain_text_encodings() {
        assert_eq!(decode_plain(b"caf\xe9 \x93x\x94").unwrap(), "café “x”");
        assert_eq!(decode_plain(&[0xFF, 0xFE, b'h', 0, b'i', 0]).unwrap(), "hi");
    }
}
