//! Tokenizing and folding shared by the taxonomy, the JD and the resume side, so both sides of a
//! comparison are always normalised the same way.

/// One word of a text, with its position so the original wording can be quoted back.
#[derive(Debug, Clone)]
pub(crate) struct Token {
    pub start: usize,
    pub end: usize,
    /// Lowercased, apostrophes removed: what a case-insensitive literal search compares.
    pub folded: String,
    /// `folded` after light stemming: what "understood" matching compares.
    pub stem: String,
}

fn is_apostrophe(c: char) -> bool {
    c == '\'' || c == '\u{2019}'
}

/// Splits on everything but letters and digits, keeping the few symbols that are part of skill
/// names (`C++`, `C#`, `Node.js`, `.NET`, `M.S.`), and dropping apostrophes without splitting
/// (`bachelor's` -> `bachelors`).
pub(crate) fn tokenize(text: &str) -> Vec<Token> {
    let mut out = Vec::new();
    let mut chars = text.char_indices().peekable();
    let mut current: Option<(usize, String)> = None;
    let mut last_end = 0;
    let mut prev: Option<char> = None;
    while let Some((pos, c)) = chars.next() {
        let next = chars.peek().map(|&(_, n)| n);
        let next_alnum = next.is_some_and(char::is_alphanumeric);
        let in_token = current.is_some();
        let keep = if c.is_alphanumeric() {
            true
        } else if c == '+' || c == '#' {
            in_token
        } else if c == '.' {
            next_alnum && (in_token || prev.is_none_or(char::is_whitespace))
        } else if is_apostrophe(c) {
            if in_token && next_alnum {
                prev = Some(c);
                continue;
            }
            false
        } else {
            false
        };
        if keep {
            let entry = current.get_or_insert_with(|| (pos, String::new()));
            entry.1.extend(c.to_lowercase());
            last_end = pos + c.len_utf8();
        } else if let Some((start, folded)) = current.take() {
            out.push(finish(start, last_end, folded));
        }
        prev = Some(c);
    }
    if let Some((start, folded)) = current.take() {
        out.push(finish(start, last_end, folded));
    }
    out
}

fn finish(start: usize, end: usize, folded: String) -> Token {
    let stem = stem(&folded);
    Token { start, end, folded, stem }
}

/// A deliberately light suffix stripper: manage/managed/managing/manages -> manag,
/// plans/planned/planning -> plan. Short words and words with digits or symbols are left alone
/// (`aws`, `go`, `c++`, `s3`) because stripping them creates false matches.
pub(crate) fn stem(word: &str) -> String {
    if word.chars().count() <= 3 || !word.chars().all(|c| c.is_ascii_lowercase()) {
        return word.to_string();
    }
    let mut w = word.to_string();
    if let Some(base) = w.strip_suffix("ies").filter(|b| b.len() >= 3) {
        w = format!("{base}y");
    } else if let Some(base) = w.strip_suffix("ing").filter(|b| b.len() >= 3) {
        w = base.to_string();
    } else if let Some(base) = w.strip_suffix("ed").filter(|b| b.len() >= 3) {
        w = base.to_string();
    } else if let Some(base) = w
        .strip_suffix("es")
        .filter(|b| b.len() >= 3 && (b.ends_with(['s', 'x', 'z']) || b.ends_with("ch") || b.ends_with("sh")))
    {
        w = base.to_string();
    } else if w.ends_with('s') && !w.ends_with("ss") && !w.ends_with("us") && !w.ends_with("is") {
        w.pop();
    }
    if w.len() > 4 && w.ends_with('e') {
        w.pop();
    }
    // planned -> plann -> plan, but keep "ll"/"ss" words (install, process) whole.
    let b = w.as_bytes();
    if b.len() > 4 {
        let (x, y) = (b[b.len() - 1], b[b.len() - 2]);
        if x == y && !matches!(x, b'l' | b's' | b'z' | b'f') && !b"aeiou".contains(&x) {
            w.pop();
        }
    }
    w
}

/// Words a title or phrase carries that say nothing about the job itself.
pub(crate) const TITLE_NOISE: &[&str] = &[
    "senior",
    "sr",
    "junior",
    "jr",
    "lead",
    "staff",
    "principal",
    "head",
    "chief",
    "i",
    "ii",
    "iii",
    "iv",
    "of",
    "and",
    "the",
    "a",
    "an",
    "for",
    "in",
    "with",
    "to",
    "at",
    "remote",
    "hybrid",
    "contract",
    "temporary",
    "full",
    "part",
    "time",
    "level",
    "entry",
    "mid",
    "associate",
    "group",
];

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
