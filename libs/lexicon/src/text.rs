//! Tokenizing and folding shared by the taxonomy, the JD and the resume side, so both sides of a
//! comparison are always normalised the same way (moved here from the scoring service so that
//! JD analysis reads text exactly as the scorer does).

/// One word of a text, with its position so the original wording can be quoted back.
#[derive(Debug, Clone)]
pub struct Token {
    pub start: usize,
    pub end: usize,
    /// Lowercased, apostrophes removed: what a case-insensitive literal search compares.
    pub folded: String,
    /// `folded` after light stemming: what "understood" matching compares. Read it with
    /// [`Token::stem`].
    stem: Stem,
}

/// A stem is nearly always a prefix of the folded word, so it is kept as a length into `folded`
/// rather than a second string: a resume has thousands of tokens and each saved allocation shows
/// in the scoring throughput. Only "-ies" words ("technologies" -> "technology") own their stem.
#[derive(Debug, Clone)]
enum Stem {
    Prefix(usize),
    Own(Box<str>),
}

impl Token {
    fn new(start: usize, end: usize, folded: &str) -> Token {
        let stem = match stem_prefix(folded) {
            Some(len) => Stem::Prefix(len),
            None => Stem::Own(stem(folded).into_boxed_str()),
        };
        Token { start, end, folded: folded.to_string(), stem }
    }

    /// `folded` after light stemming: what "understood" matching compares.
    pub fn stem(&self) -> &str {
        match &self.stem {
            Stem::Prefix(len) => &self.folded[..*len],
            Stem::Own(s) => s,
        }
    }
}

fn is_apostrophe(c: char) -> bool {
    c == '\'' || c == '\u{2019}'
}

/// Splits on everything but letters and digits, keeping the few symbols that are part of skill
/// names (`C++`, `C#`, `Node.js`, `.NET`, `M.S.`), and dropping apostrophes without splitting
/// (`bachelor's` -> `bachelors`).
pub fn tokenize(text: &str) -> Vec<Token> {
    // About one token per six bytes of prose; a rough reservation saves most regrowth.
    let mut out = Vec::with_capacity(text.len() / 6);
    // Walks bytes and decodes a char only for non-ASCII bytes, and the next char only where a
    // rule needs it ('.' and apostrophes): tokenizing is the bulk of reading a resume.
    let bytes = text.as_bytes();
    let char_at = |i: usize| -> Option<char> {
        match bytes.get(i) {
            Some(&b) if b.is_ascii() => Some(char::from(b)),
            Some(_) => text[i..].chars().next(),
            None => None,
        }
    };
    // The folded text of the current token is built in one reused buffer and copied out once,
    // instead of growing a fresh string char by char.
    let mut folded = String::new();
    let mut start: Option<usize> = None;
    let mut last_end = 0;
    let mut prev: Option<char> = None;
    let mut pos = 0;
    while let Some(c) = char_at(pos) {
        let len = c.len_utf8();
        let next_alnum = || char_at(pos + len).is_some_and(char::is_alphanumeric);
        let in_token = start.is_some();
        let keep = if c.is_alphanumeric() {
            true
        } else if c == '+' || c == '#' {
            in_token
        } else if c == '.' {
            (in_token || prev.is_none_or(char::is_whitespace)) && next_alnum()
        } else if is_apostrophe(c) {
            if in_token && next_alnum() {
                prev = Some(c);
                pos += len;
                continue;
            }
            false
        } else {
            false
        };
        if keep {
            start.get_or_insert(pos);
            if c.is_ascii() {
                folded.push(c.to_ascii_lowercase());
            } else {
                folded.extend(c.to_lowercase());
            }
            last_end = pos + len;
        } else if let Some(s) = start.take() {
            out.push(Token::new(s, last_end, &folded));
            folded.clear();
        }
        prev = Some(c);
        pos += len;
    }
    if let Some(s) = start.take() {
        out.push(Token::new(s, last_end, &folded));
    }
    out
}

/// A deliberately light suffix stripper: manage/managed/managing/manages -> manag,
/// plans/planned/planning -> plan. Short words and words with digits or symbols are left alone
/// (`aws`, `go`, `c++`, `s3`) because stripping them creates false matches.
pub fn stem(word: &str) -> String {
    match stem_prefix(word) {
        Some(len) => word[..len].to_string(),
        None => {
            let base = &word[..word.len() - 3];
            trim_stem_end(&format!("{base}y")).to_string()
        }
    }
}

/// [`stem`] as the length of the prefix of `word` it keeps, or `None` for the one rule that
/// appends instead ("-ies" -> "-y"), so tokenizing needs no allocation for the stem.
fn stem_prefix(word: &str) -> Option<usize> {
    // Every byte ASCII lowercase means every char is, and then chars and bytes count the same.
    if word.len() <= 3 || !word.bytes().all(|c| c.is_ascii_lowercase()) {
        return Some(word.len());
    }
    let mut w = word;
    if w.strip_suffix("ies").is_some_and(|b| b.len() >= 3) {
        return None;
    } else if let Some(base) = w.strip_suffix("ing").filter(|b| b.len() >= 3) {
        w = base;
    } else if let Some(base) = w.strip_suffix("ed").filter(|b| b.len() >= 3) {
        w = base;
    } else if let Some(base) = w
        .strip_suffix("es")
        .filter(|b| b.len() >= 3 && (b.ends_with(['s', 'x', 'z']) || b.ends_with("ch") || b.ends_with("sh")))
    {
        w = base;
    } else if w.ends_with('s') && !w.ends_with("ss") && !w.ends_with("us") && !w.ends_with("is") {
        w = &w[..w.len() - 1];
    }
    Some(trim_stem_end(w).len())
}

/// The last two steps of [`stem`]: a final silent `e`, and a doubled final consonant.
fn trim_stem_end(mut w: &str) -> &str {
    if w.len() > 4 && w.ends_with('e') {
        w = &w[..w.len() - 1];
    }
    // planned -> plann -> plan, but keep "ll"/"ss" words (install, process) whole.
    let b = w.as_bytes();
    if b.len() > 4 {
        let (x, y) = (b[b.len() - 1], b[b.len() - 2]);
        if x == y && !matches!(x, b'l' | b's' | b'z' | b'f') && !b"aeiou".contains(&x) {
            w = &w[..w.len() - 1];
        }
    }
    w
}

#[cfg(test)]
mod tests {
    use super::*;

    fn folded(text: &str) -> Vec<String> {
        tokenize(text).into_iter().map(|t| t.folded).collect()
    }

    #[test]
    fn keeps_symbols_of_skill_names() {
        assert_eq!(folded("C++, C# and Node.js"), ["c++", "c#", "and", "node.js"]);
        assert_eq!(folded("M.S. in CS; .NET"), ["m.s", "in", "cs", ".net"]);
        assert_eq!(folded("Bachelor's degree"), ["bachelors", "degree"]);
        assert_eq!(folded("CI/CD, GD&T"), ["ci", "cd", "gd", "t"]);
    }

    #[test]
    fn offsets_quote_the_original() {
        let text = "Used Postgres daily";
        let t = &tokenize(text)[1];
        assert_eq!(&text[t.start..t.end], "Postgres");
    }

    #[test]
    fn stems_inflections_together() {
        for w in ["manage", "managed", "managing", "manages"] {
            assert_eq!(stem(w), "manag", "{w}");
        }
        for w in ["plan", "plans", "planned", "planning"] {
            assert_eq!(stem(w), "plan", "{w}");
        }
        assert_eq!(stem("processes"), stem("process"));
        assert_eq!(stem("technologies"), "technology");
        assert_eq!(stem("aws"), "aws");
        assert_eq!(stem("analysis"), "analysis");
    }
}
