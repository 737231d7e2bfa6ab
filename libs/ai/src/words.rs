//! Small text helpers shared by the offline rewriter and the guard.

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '+' || c == '#'
}

/// Byte offsets of every occurrence of `needle` in `haystack` as whole words, comparing ASCII
/// letters without case ("postgres" finds "Postgres", not "Postgresql").
pub(crate) fn find_all(haystack: &str, needle: &str) -> Vec<usize> {
    let mut out = Vec::new();
    if needle.is_empty() {
        return out;
    }
    let bytes = haystack.as_bytes();
    let n = needle.as_bytes();
    let mut i = 0;
    while i + n.len() <= bytes.len() {
        if haystack.is_char_boundary(i)
            && haystack.is_char_boundary(i + n.len())
            && bytes[i..i + n.len()].eq_ignore_ascii_case(n)
        {
            let before = haystack[..i].chars().next_back();
            let after = haystack[i + n.len()..].chars().next();
            let first = needle.chars().next();
            let last = needle.chars().next_back();
            // A boundary is only needed where the needle itself starts or ends with a word char.
            let ok_before = !(before.is_some_and(is_word_char) && first.is_some_and(is_word_char));
            let ok_after = !(after.is_some_and(is_word_char) && last.is_some_and(is_word_char));
            if ok_before && ok_after {
                out.push(i);
                i += n.len();
                continue;
            }
        }
        i += 1;
    }
    out
}

pub(crate) fn contains_word(haystack: &str, needle: &str) -> bool {
    !find_all(haystack, needle).is_empty()
}

/// `text` with every whole-word occurrence of `from` replaced by `to`, or None when absent.
pub(crate) fn replace_all(text: &str, from: &str, to: &str) -> Option<String> {
    let hits = find_all(text, from);
    if hits.is_empty() {
        return None;
    }
    let mut out = String::with_capacity(text.len() + to.len() * hits.len());
    let mut last = 0;
    for at in hits {
        out.push_str(&text[last..at]);
        out.push_str(to);
        last = at + from.len();
    }
    out.push_str(&text[last..]);
    Some(out)
}

/// Words with their byte offsets; a word keeps inner `.`, `/`, `&`, `-` and `'` ("Node.js",
/// "CI/CD", "M.S") and trailing `+`/`#` ("C++", "C#").
pub(crate) fn words(text: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut start: Option<usize> = None;
    let inner = |c: char| matches!(c, '.' | '/' | '&' | '-' | '\'' | '\u{2019}' | ',');
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    for (k, &(i, c)) in chars.iter().enumerate() {
        let next_word = chars.get(k + 1).is_some_and(|&(_, n)| n.is_alphanumeric());
        let keep = is_word_char(c) || (start.is_some() && inner(c) && next_word);
        match (keep, start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                out.push((s, &text[s..i]));
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        out.push((s, &text[s..]));
    }
    out
}

/// Whether the word at `offset` starts a sentence (so its capital letter says nothing).
pub(crate) fn starts_sentence(text: &str, offset: usize) -> bool {
    let before = text[..offset].trim_end_matches(|c: char| c.is_whitespace() || c == '"' || c == '(');
    before.is_empty() || before.ends_with(['.', '!', '?', ':', ';', '•', '-', '*'])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_words_only() {
        assert_eq!(find_all("Postgres and postgres, not Postgresql", "postgres"), [0, 13]);
        assert!(contains_word("Used C++ daily", "C++"));
        assert!(!contains_word("Used C++ daily", "C"));
        assert_eq!(
            replace_all("Tuned Postgres; Postgres 14", "Postgres", "PostgreSQL").as_deref(),
            Some("Tuned PostgreSQL; PostgreSQL 14")
        );
    }

    #[test]
    fn splits_words_keeping_inner_marks() {
        let w: Vec<&str> = words("Led CI/CD at Acme, Inc. (12,000 users) with Node.js")
            .into_iter()
            .map(|(_, w)| w)
            .collect();
        assert_eq!(w, ["Led", "CI/CD", "at", "Acme", "Inc", "12,000", "users", "with", "Node.js"]);
    }
}
