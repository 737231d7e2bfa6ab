//! Character-level clean-up shared by every format: ligatures, odd spaces, bullets, letter-spaced
//! words, plain-text decoding and HTML stripping.

use crate::DocumentError;

/// Markers that open a bullet line when they stand alone before the text.
const BULLETS: &[char] = &[
    '•', '▪', '◦', '●', '○', '■', '□', '◆', '◇', '❖', '‣', '⁃', '∙', '·', '►', '▸', '➢', '✓', '✔', '-', '*',
    '–', '—', '♦', '⋄', '➤', '➔', '→', '▹', '▻', '⚬', '✦', '✧', '★', '☆', '➣', '❯', '›', '»',
];

/// Text as every format needs it: ligatures expanded, odd spaces made plain, invisible marks
/// dropped, icon-font glyphs (private-use code points) and pictographs dropped, except the
/// bullets of Word's symbol fonts, which are mapped to the bullet they draw. Soft hyphens stay:
/// [`clean_line`] decides what they print as.
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
            '\u{200B}'..='\u{200D}' | '\u{2060}' | '\u{FEFF}' | '\u{FFFD}' | '\u{FE00}'..='\u{FE0F}' => {}
            c if is_private_use(c) => out.extend(symbol_font_bullet(c)),
            ICON => out.push(' '),
            c if is_pictograph(c) => {}
            c if c.is_control() && c != '\t' => {}
            c => out.push(c),
        }
    }
    out
}

/// Private-use code points: icon fonts (Font Awesome and the like) and symbol fonts without a
/// Unicode mapping put their glyphs there; they mean nothing as text.
pub(crate) fn is_private_use(c: char) -> bool {
    matches!(c, '\u{E000}'..='\u{F8FF}' | '\u{F0000}'..='\u{10FFFF}')
}

/// Emoji and the pictographs that stand before contact details as icons (phone, envelope,
/// house): a person reads the detail, not the picture.
fn is_pictograph(c: char) -> bool {
    matches!(
        c,
        '\u{1F000}'
            ..='\u{1FAFF}'
                | '\u{20E3}'
                | '\u{2302}'
                | '\u{231A}'
                | '\u{2328}'
                | '\u{260E}'
                | '\u{260F}'
                | '\u{2706}'
                | '\u{2708}'
                | '\u{2709}'
                | '\u{270D}'
    )
}

/// Word writes the bullets of its Symbol and Wingdings fonts as U+F000 plus the font's code;
/// those few are list markers, every other such code an icon.
fn symbol_font_bullet(c: char) -> Option<char> {
    Some(match c {
        '\u{F0B7}' | '\u{F06C}' | '\u{F09F}' => '•',
        '\u{F0A7}' | '\u{F06E}' => '▪',
        '\u{F0A8}' | '\u{F06F}' | '\u{F071}' => '□',
        '\u{F075}' | '\u{F076}' | '\u{F077}' => '◆',
        '\u{F0D8}' | '\u{F0E8}' => '➢',
        '\u{F0FC}' | '\u{F0FE}' => '✓',
        _ => return None,
    })
}

/// Code points of icon fonts that draw a list marker (Font Awesome's circle, square, check,
/// caret, chevron, angle, arrow and play, in the code points its versions 4 to 7 share; the
/// Wingdings codes of [`symbol_font_bullet`]).
const ICON_BULLETS: &[u32] = &[
    0xF111, 0xF10C, 0xF1DB, 0xF192, 0xF0C8, 0xF096, 0xF00C, 0xF058, 0xF14A, 0xF046, 0xF0DA, 0xF054, 0xF105,
    0xF101, 0xF061, 0xF138, 0xF0A9, 0xF35A, 0xF04B, 0xF219, 0xF068,
];

/// Icon names that icon fonts with ligatures give as a glyph's text ("CIRCLE", "HOUSE-CHIMNEY"):
/// the ones that draw a list marker.
const ICON_BULLET_NAMES: &[&str] = &[
    "circle",
    "circle-dot",
    "dot-circle",
    "square",
    "check",
    "circle-check",
    "square-check",
    "check-circle",
    "check-square",
    "caret-right",
    "chevron-right",
    "angle-right",
    "angles-right",
    "angle-double-right",
    "arrow-right",
    "circle-right",
    "circle-chevron-right",
    "play",
    "diamond",
    "minus",
];

/// Stands for a picture an icon font drew (a phone, an envelope, a GitHub logo) while the page's
/// lines are built: the layout sees that something opens the line (a line that starts with an
/// icon does not continue the line above), and the text reads it as a space.
pub(crate) const ICON: char = '\u{FFFC}';

/// What a glyph of an icon font (Font Awesome, Wingdings, ...) reads as: a bullet when the icon
/// is a list marker, [`ICON`] when it is a picture. Icon fonts map their glyphs to private-use
/// code points, to icon names, or to arbitrary letters ("@", "z") when a producer guessed an
/// encoding; none of that is text a person reads.
pub(crate) fn icon_glyph_text(text: &str, wingdings: bool) -> &'static str {
    const PICTURE: &str = "\u{FFFC}"; // ICON
    let name = text.trim().to_ascii_lowercase();
    if ICON_BULLET_NAMES.contains(&name.as_str()) {
        return "•";
    }
    let mut chars = text.chars().filter(|c| !c.is_whitespace() && *c != '\u{2423}');
    let (Some(c), None) = (chars.next(), chars.next()) else { return PICTURE };
    let code = c as u32;
    let bullet = if wingdings {
        // Symbol-font codes come as U+F0xx or as the plain byte through a text encoding.
        let byte = if (0xF000..=0xF0FF).contains(&code) { code - 0xF000 } else { code };
        char::from_u32(0xF000 + byte).and_then(symbol_font_bullet).is_some()
    } else {
        // Dashes are not among the shapes: an icon mapped to one is a logo (Simple Icons' X).
        ICON_BULLETS.contains(&code)
            || matches!(
                c,
                '•' | '‣' | '►' | '▸' | '➢' | '❖' | '\u{25A0}'..='\u{25FF}' | '\u{2713}' | '\u{2714}'
            )
    };
    if bullet { "•" } else { PICTURE }
}

/// A font whose glyphs are icons, by its name (subset prefix and all): Font Awesome, Material,
/// Octicons, Academicons, Simple Icons, Wingdings and the like. The bool is true for the
/// Wingdings family, whose codes follow the symbol-font convention.
pub(crate) fn icon_font(base_font: &str) -> Option<bool> {
    let n = base_font.to_ascii_lowercase();
    if n.contains("wingding") || n.contains("webding") {
        return Some(true);
    }
    // "icons" and not "icon": a text font may be called "Silicon".
    const ICONS: &[&str] = &["awesome", "icons", "remixicon", "iconfont", "fontello", "icomoon", "entypo"];
    let family = n.split_once('+').map_or(n.as_str(), |(_, f)| f);
    (ICONS.iter().any(|w| n.contains(w)) || family.starts_with("icon")).then_some(false)
}

/// The text of one positioned PDF glyph. A glyph is drawn, so a soft hyphen there is a printed
/// hyphen (XeLaTeX maps every hyphen glyph to U+00AD; Word does so for hyphenation), and a glyph
/// mapped to several dashes at once ("-\u{ad}‐") is one hyphen. U+2423 is what the visible-space
/// slot of TeX's typewriter encodings decodes to, for a glyph drawn as a space.
/// A private-use glyph of a font not known as an icon font stays until its line is known
/// ([`clean_line`] decides): the layout must still see that it opens the line.
pub(crate) fn pdf_glyph_text(s: &str) -> String {
    if !s.is_empty() && s.chars().all(|c| matches!(c, '-' | '\u{ad}' | '\u{2010}' | '\u{2011}')) {
        return "-".to_string();
    }
    if s.chars().eq([ICON]) {
        return s.to_string();
    }
    let mut pua = s.chars().filter(|c| is_private_use(*c));
    if let Some(c) = pua.next()
        && s.chars().all(|c| is_private_use(c) || c.is_whitespace() || c == '\u{2423}')
    {
        return symbol_font_bullet(c).unwrap_or(c).to_string();
    }
    normalize_glyph_text(&s.replace('\u{2423}', " "))
}

/// A private-use glyph that opens a sentence ("\u{e00a} Designed the billing service") is that
/// line's list marker, whatever the font calls it; before a short detail ("\u{f0e0} jo@x.com",
/// "\u{f3c5} Berlin") it is a contact icon, dropped with every other private-use glyph.
fn private_use_marker(line: &str) -> std::borrow::Cow<'_, str> {
    let t = line.trim_start();
    let Some(c) = t.chars().next().filter(|c| is_private_use(*c)) else { return line.into() };
    let rest = &t[c.len_utf8()..];
    let sentence = rest.starts_with(char::is_whitespace)
        && rest.split_whitespace().count() >= 4
        && !rest.contains('@')
        && !rest.contains("://");
    if sentence { format!("•{rest}").into() } else { line.into() }
}

/// Soft hyphens in text that was not laid out by us (DOCX, HTML): one standing between spaces is
/// printed as a dash ("Sep. 2023 \u{ad} Mar. 2024"); one inside a word only marks where the word
/// may break, and is dropped.
pub(crate) fn resolve_soft_hyphens(line: &str) -> String {
    if !line.contains('\u{ad}') {
        return line.to_string();
    }
    let chars: Vec<char> = line.chars().collect();
    let mut out = String::with_capacity(line.len());
    for (i, &c) in chars.iter().enumerate() {
        if c != '\u{ad}' {
            out.push(c);
            continue;
        }
        let open = |j: Option<&char>| j.is_none_or(|c| c.is_whitespace());
        let before = if i == 0 { None } else { chars.get(i - 1) };
        if open(before) && (open(chars.get(i + 1)) || before.is_some()) {
            out.push('-');
        }
    }
    out
}

/// A symbol that marks what follows (an arrow, a star, a check, a box) rather than being part
/// of a word; one glued to the word after it is separated from it ("★Team lead").
fn is_marker_symbol(c: char) -> bool {
    matches!(c, '\u{2190}'..='\u{21FF}' | '\u{2300}'..='\u{23FF}' | '\u{25A0}'..='\u{27BF}' | '\u{2900}'..='\u{297F}' | '\u{2B00}'..='\u{2BFF}')
        || is_list_marker(c)
}

/// Puts a space between a word-initial marker symbol and the word glued to it.
fn separate_markers(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + 4);
    let mut prev: Option<char> = None;
    let mut before_prev: Option<char> = None;
    for c in line.chars() {
        if let Some(p) = prev
            && is_marker_symbol(p)
            && c.is_alphanumeric()
            && before_prev.is_none_or(char::is_whitespace)
        {
            out.push(' ');
        }
        out.push(c);
        before_prev = prev;
        prev = Some(c);
    }
    out
}

/// Words before a line-end hyphen that form hyphenated compounds ("cross-" + "functional",
/// "self-" + "taught"): the hyphen is part of the text, not a word break.
const COMPOUND_PREFIXES: &[&str] = &[
    "self", "cross", "co", "multi", "non", "on", "off", "well", "full", "part", "high", "low", "long",
    "short", "real", "open", "top", "end", "ex", "e", "x", "mid", "half", "state", "world", "user", "client",
    "customer", "data", "cloud", "mission", "business", "cost", "time", "hands", "fast", "first", "second",
    "third", "one", "two", "three", "in", "up", "out",
];

/// Words after a line-end hyphen that close hyphenated compounds ("event-" + "driven",
/// "customer-" + "facing").
const COMPOUND_HEADS: &[&str] = &[
    "driven",
    "based",
    "oriented",
    "facing",
    "focused",
    "centric",
    "ready",
    "native",
    "level",
    "scale",
    "term",
    "like",
    "free",
    "friendly",
    "specific",
    "wide",
    "related",
    "making",
    "solving",
    "owned",
    "aware",
    "intensive",
    "critical",
    "sensitive",
    "enabled",
    "powered",
    "generated",
    "minded",
    "learning",
    "service",
    "services",
    "quality",
    "performance",
    "value",
    "sector",
    "year",
    "class",
    "source",
    "house",
    "tier",
    "stack",
    "party",
    "known",
    "built",
    "made",
    "step",
    "to",
    "of",
    "the",
    "and",
    "in",
    "on",
    "up",
];

/// Whether a hyphen at the end of a printed line only broke a word in two, so the parts join
/// without it ("require-" + "ments" -> "requirements"), rather than being the hyphen of a compound
/// that keeps it ("event-" + "driven", "Industrial-" + "Organizational", "COVID-" + "19").
/// `left` is the text before the hyphen, `right` the next line.
pub(crate) fn hyphen_breaks_word(left: &str, right: &str) -> bool {
    let token = left.rsplit(char::is_whitespace).next().unwrap_or("");
    // Addresses and handles keep every character ("linkedin.com/in/jordan-" + "okafor").
    if token.contains(['/', '@', '.', ':', '_']) {
        return false;
    }
    let word = token.trim_start_matches(|c: char| "([{\"'“‘".contains(c));
    let next = right.split_whitespace().next().unwrap_or("");
    let next = next.trim_end_matches(|c: char| !c.is_alphanumeric());
    // A compound continues with a capital, a digit or another hyphenated part; a broken word
    // continues with a lowercase fragment of letters.
    if word.is_empty()
        || !word.chars().all(char::is_alphabetic)
        || !next.chars().next().is_some_and(char::is_lowercase)
        || !next.chars().all(char::is_alphabetic)
    {
        return false;
    }
    // An acronym before the hyphen ("API-" + "first") is a compound.
    if word.chars().count() >= 2 && word.chars().all(char::is_uppercase) {
        return false;
    }
    let (w, n) = (word.to_lowercase(), next.to_lowercase());
    !(COMPOUND_PREFIXES.contains(&w.as_str()) || COMPOUND_HEADS.contains(&n.as_str()))
}

/// Letters with an accent, by accent: the combining mark, its glyph name, and pairs of base
/// letter and composed letter (Latin-1 and Latin Extended-A).
const ACCENTS: &[(char, &str, &str)] = &[
    ('\u{0300}', "grave", "AÀaàEÈeèIÌiìOÒoòUÙuù"),
    ('\u{0301}', "acute", "AÁaáCĆcćEÉeéIÍiíLĹlĺNŃnńOÓoóRŔrŕSŚsśUÚuúYÝyýZŹzź"),
    ('\u{0302}', "circumflex", "AÂaâCĈcĉEÊeêGĜgĝHĤhĥIÎiîJĴjĵOÔoôSŜsŝUÛuûWŴwŵYŶyŷ"),
    ('\u{0303}', "tilde", "AÃaãIĨiĩNÑnñOÕoõUŨuũ"),
    ('\u{0308}', "dieresis", "AÄaäEËeëIÏiïOÖoöUÜuüYŸyÿ"),
    ('\u{030A}', "ring", "AÅaåUŮuů"),
    ('\u{0327}', "cedilla", "CÇcçGĢgģKĶkķLĻlļNŅnņRŖrŗSŞsşTŢtţ"),
    ('\u{030C}', "caron", "CČcčDĎdďEĚeěLĽlľNŇnňRŘrřSŠsšTŤtťZŽzž"),
    ('\u{0306}', "breve", "AĂaăEĔeĕGĞgğIĬiĭOŎoŏUŬuŭ"),
    ('\u{0307}', "dotaccent", "CĊcċEĖeėGĠgġIİZŻzż"),
    ('\u{030B}', "hungarumlaut", "OŐoőUŰuű"),
    ('\u{0304}', "macron", "AĀaāEĒeēIĪiīOŌoōUŪuū"),
    ('\u{0328}', "ogonek", "AĄaąEĘeęIĮiįUŲuų"),
];

/// The combining mark an accent glyph stands for: TeX and some producers draw an accented
/// letter as the letter plus a separately placed accent ("O" and "¨" for "Ö").
pub(crate) fn combining_accent(c: char) -> Option<char> {
    Some(match c {
        '\u{0300}'..='\u{036F}' => c,
        '`' => '\u{0300}',
        '\u{00B4}' | '\u{02CA}' => '\u{0301}',
        '^' | '\u{02C6}' => '\u{0302}',
        '~' | '\u{02DC}' => '\u{0303}',
        '\u{00A8}' => '\u{0308}',
        '\u{02DA}' => '\u{030A}',
        '\u{00B8}' => '\u{0327}',
        '\u{02C7}' => '\u{030C}',
        '\u{02D8}' => '\u{0306}',
        '\u{02D9}' => '\u{0307}',
        '\u{02DD}' => '\u{030B}',
        '\u{00AF}' | '\u{02C9}' => '\u{0304}',
        '\u{02DB}' => '\u{0328}',
        _ => return None,
    })
}

/// A letter with a combining mark as one character when Latin has one ("O" + U+0308 -> "Ö"),
/// else the letter followed by the mark.
pub(crate) fn compose(base: char, mark: char) -> String {
    // A dotless i carries the accents of an i.
    let b = if base == 'ı' { 'i' } else { base };
    let composed = ACCENTS.iter().find(|(m, _, _)| *m == mark).and_then(|(_, _, pairs)| {
        let chars: Vec<char> = pairs.chars().collect();
        chars.chunks(2).find(|p| p[0] == b).map(|p| p[1])
    });
    match composed {
        Some(c) => c.to_string(),
        None => format!("{base}{mark}"),
    }
}

/// Combining marks that follow their letter composed with it.
fn compose_marks(line: &str) -> String {
    if !line.chars().any(|c| matches!(c, '\u{0300}'..='\u{036F}')) {
        return line.to_string();
    }
    let mut out: Vec<char> = Vec::with_capacity(line.len());
    for c in line.chars() {
        if matches!(c, '\u{0300}'..='\u{036F}')
            && let Some(&base) = out.last()
            && base.is_alphabetic()
        {
            let composed: Vec<char> = compose(base, c).chars().collect();
            if composed.len() == 1 {
                out.pop();
                out.extend(composed);
                continue;
            }
        }
        out.push(c);
    }
    out.into_iter().collect()
}

/// The text of a PostScript glyph name, for fonts whose encoding names glyphs that the standard
/// glyph list does not know: small caps and other variants ("a.sc", "Odieresis.smcp",
/// "one.oldstyle"), "uniXXXX"/"uXXXX" names, and accented letters named by letter and accent.
pub(crate) fn glyph_name_text(name: &str) -> Option<String> {
    let base = name.split('.').next().unwrap_or(name);
    if base.is_empty() {
        return None;
    }
    // Ligatures are named by their parts ("f_f_i").
    if base.contains('_') {
        return base.split('_').map(glyph_name_text).collect();
    }
    if let Some(hex) = base.strip_prefix("uni")
        && hex.len() % 4 == 0
        && !hex.is_empty()
        && hex.chars().all(|c| c.is_ascii_hexdigit())
    {
        return (0..hex.len() / 4)
            .map(|i| u32::from_str_radix(&hex[4 * i..4 * i + 4], 16).ok().and_then(char::from_u32))
            .collect();
    }
    if let Some(hex) = base.strip_prefix('u')
        && (4..=6).contains(&hex.len())
        && hex.chars().all(|c| c.is_ascii_hexdigit())
    {
        return u32::from_str_radix(hex, 16).ok().and_then(char::from_u32).map(String::from);
    }
    let mut chars = base.chars();
    if let (Some(c), None) = (chars.next(), chars.next()) {
        return c.is_ascii_alphanumeric().then(|| c.to_string());
    }
    const NAMES: &[(&str, &str)] = &[
        ("zero", "0"),
        ("one", "1"),
        ("two", "2"),
        ("three", "3"),
        ("four", "4"),
        ("five", "5"),
        ("six", "6"),
        ("seven", "7"),
        ("eight", "8"),
        ("nine", "9"),
        ("space", " "),
        ("hyphen", "-"),
        ("period", "."),
        ("comma", ","),
        ("colon", ":"),
        ("semicolon", ";"),
        ("slash", "/"),
        ("parenleft", "("),
        ("parenright", ")"),
        ("bracketleft", "["),
        ("bracketright", "]"),
        ("ampersand", "&"),
        ("at", "@"),
        ("plus", "+"),
        ("percent", "%"),
        ("dollar", "$"),
        ("numbersign", "#"),
        ("exclam", "!"),
        ("question", "?"),
        ("quotesingle", "'"),
        ("quotedbl", "\""),
        ("quoteright", "’"),
        ("quoteleft", "‘"),
        ("quotedblleft", "“"),
        ("quotedblright", "”"),
        ("endash", "–"),
        ("emdash", "—"),
        ("bullet", "•"),
        ("asterisk", "*"),
        ("equal", "="),
        ("underscore", "_"),
        ("germandbls", "ß"),
        ("ae", "æ"),
        ("AE", "Æ"),
        ("oe", "œ"),
        ("OE", "Œ"),
        ("oslash", "ø"),
        ("Oslash", "Ø"),
        ("lslash", "ł"),
        ("Lslash", "Ł"),
        ("dotlessi", "ı"),
        ("eth", "ð"),
        ("Eth", "Ð"),
        ("thorn", "þ"),
        ("Thorn", "Þ"),
    ];
    if let Some((_, t)) = NAMES.iter().find(|(n, _)| *n == base) {
        return Some((*t).to_string());
    }
    // "Odieresis", "ccedilla", "scaron": a letter and an accent's name.
    let mut chars = base.chars();
    let letter = chars.next()?;
    let accent = chars.as_str();
    let (mark, _, _) = ACCENTS.iter().find(|(_, n, _)| *n == accent)?;
    let text = compose(letter, *mark);
    (text.chars().count() == 1).then_some(text)
}

/// A symbol that only ever marks a list item (ASCII '-' and '*' also start words and numbers), or a
/// private-use glyph (an icon), which is never part of the word after it either.
pub(crate) fn is_list_marker(c: char) -> bool {
    (BULLETS.contains(&c) && !matches!(c, '-' | '*')) || is_private_use(c) || c == ICON
}

/// The bullet marker at the start of a line, if the line is a bullet.
pub(crate) fn starts_with_bullet(line: &str) -> bool {
    strip_bullet(line).is_some()
}

/// The line without its bullet marker, when it has one ("• Led a team" -> "Led a team").
pub(crate) fn strip_bullet(line: &str) -> Option<&str> {
    let t = line.trim_start();
    let c = t.chars().next()?;
    // A private-use glyph (an icon font's) opening a line marks it like a bullet does.
    if !BULLETS.contains(&c) && !is_private_use(c) && c != ICON {
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
    let line = private_use_marker(line);
    let line = compose_marks(&resolve_soft_hyphens(&normalize_glyph_text(&line)));
    let line = separate_markers(&join_letter_spaced(&line));
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
        let line = resolve_soft_hyphens(&normalize_glyph_text(raw));
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

    #[test]
    fn icon_font_glyphs_read_as_bullets_or_nothing() {
        assert_eq!(icon_font("SYUXMJ+FontAwesome7Free-Solid"), Some(false));
        assert_eq!(icon_font("ABCDEF+Wingdings-Regular"), Some(true));
        assert_eq!(icon_font("YEEOJD+SimpleIconsFiltered"), Some(false));
        assert_eq!(icon_font("GBFVCU+Roboto-Regular"), None);
        assert_eq!(icon_font("ABCDEF+Silicon-Bold"), None);
        assert_eq!(icon_font("MaterialIcons-Regular"), Some(false));
        // Font Awesome's circle (mapped with a stray visible space), and its ligature name.
        assert_eq!(icon_glyph_text("\u{f111}\u{2423}", false), "•");
        assert_eq!(icon_glyph_text("CIRCLE", false), "•");
        // Pictures: an envelope, a name, letters an encoding guessed.
        assert_eq!(icon_glyph_text("\u{f0e0}", false), "\u{FFFC}");
        assert_eq!(icon_glyph_text("HOUSE-CHIMNEY", false), "\u{FFFC}");
        assert_eq!(icon_glyph_text("@", false), "\u{FFFC}");
        assert_eq!(icon_glyph_text("–", false), "\u{FFFC}");
        assert_eq!(normalize_glyph_text("\u{FFFC}www.posquit0.com"), " www.posquit0.com");
        // Wingdings: the small square is a bullet, the telephone is not.
        assert_eq!(icon_glyph_text("\u{f0a7}", true), "•");
        assert_eq!(icon_glyph_text("§", true), "•");
        assert_eq!(icon_glyph_text("(", true), "\u{FFFC}");
    }

    #[test]
    fn private_use_and_pictographs_are_dropped() {
        assert_eq!(normalize_glyph_text("\u{f3c5} San Francisco"), " San Francisco");
        assert_eq!(normalize_glyph_text("\u{1F4DE}555-0100"), "555-0100");
        assert_eq!(normalize_glyph_text("\u{f0b7}"), "•");
        assert_eq!(clean_line("★Team lead ✓"), "★ Team lead ✓");
        // A private-use glyph opening a sentence is its bullet; before a detail, an icon.
        assert_eq!(clean_line("\u{e00a} Designed the billing service"), "• Designed the billing service");
        assert_eq!(clean_line("\u{e00a} Berlin, Germany"), "Berlin, Germany");
        assert_eq!(pdf_glyph_text("\u{e00a}"), "\u{e00a}");
        // An arrow inside a word is left alone.
        assert_eq!(clean_line("200ms→50ms"), "200ms→50ms");
    }

    #[test]
    fn drawn_soft_hyphens_are_hyphens() {
        assert_eq!(pdf_glyph_text("\u{ad}"), "-");
        assert_eq!(pdf_glyph_text("-\u{ad}\u{2010}"), "-");
        assert_eq!(pdf_glyph_text("\u{2423}"), " ");
        assert_eq!(resolve_soft_hyphens("2022 \u{ad}"), "2022 -");
        assert_eq!(resolve_soft_hyphens("\u{ad}hidden"), "hidden");
    }

    #[test]
    fn accents_and_small_caps_are_decoded() {
        assert_eq!(compose('O', '\u{0308}'), "Ö");
        assert_eq!(compose('ı', '\u{0301}'), "í");
        assert_eq!(clean_line("JAN KO\u{308}STER"), "JAN KÖSTER");
        assert_eq!(glyph_name_text("odieresis.sc").as_deref(), Some("ö"));
        assert_eq!(glyph_name_text("Scaron").as_deref(), Some("Š"));
        assert_eq!(glyph_name_text("a.smcp").as_deref(), Some("a"));
        assert_eq!(glyph_name_text("one.oldstyle").as_deref(), Some("1"));
        assert_eq!(glyph_name_text("uni00E9").as_deref(), Some("é"));
        assert_eq!(glyph_name_text("f_f_i").as_deref(), Some("ffi"));
        assert_eq!(glyph_name_text("g123"), None);
    }
}
