//! PII redaction for the prompts and outputs a run stores: the person's name (in any case),
//! email addresses, phone numbers (whole, and the pieces of the person's own number a model or a
//! warning may quote), street addresses, profile links and the user names inside them become
//! placeholders. [`Masking`] goes further for what is sent: the prompt carries numbered
//! placeholders, and a model's answer is mapped back to the real values.

use resumax_core::resume::Contact;

use crate::words::replace_all;

/// Sites whose URL paths name a person: the first path segment (the second after `in/`, `u/`,
/// `users/`) is their user name.
const PROFILE_HOSTS: &[&str] = &[
    "github.com",
    "gitlab.com",
    "bitbucket.org",
    "linkedin.com",
    "twitter.com",
    "x.com",
    "medium.com",
    "dev.to",
    "behance.net",
    "dribbble.com",
    "kaggle.com",
    "huggingface.co",
    "stackoverflow.com",
    "instagram.com",
    "facebook.com",
    "youtube.com",
    "codepen.io",
    "leetcode.com",
];

/// A profile link found in text: its byte range and the user name it names.
fn profile_links(text: &str) -> Vec<(usize, usize, String)> {
    let mut out = Vec::new();
    for host in PROFILE_HOSTS {
        let mut from = 0;
        while let Some(found) = text[from..].find(host) {
            let at = from + found;
            from = at + host.len();
            let before = text[..at].chars().next_back();
            if before.is_some_and(|c| c.is_alphanumeric() || c == '-') && !text[..at].ends_with("www.") {
                let is_subdomain = text[..at].ends_with('.');
                if !is_subdomain {
                    continue;
                }
            }
            // Back to the start of the URL: scheme and "www.".
            let start = text[..at]
                .rfind(|c: char| c.is_whitespace() || matches!(c, '(' | '<' | '"' | '\'' | '|' | ','))
                .map_or(0, |p| p + 1);
            let end = text[at..]
                .find(|c: char| c.is_whitespace() || matches!(c, ')' | '>' | '"' | '\'' | '|' | ','))
                .map_or(text.len(), |p| at + p);
            let path = text[at + host.len()..end].trim_end_matches(['.', ';', ':']);
            let mut segments = path.split('/').filter(|p| !p.is_empty());
            let first = segments.next().unwrap_or("");
            let user = if matches!(first, "in" | "u" | "users" | "user" | "pub") {
                segments.next().unwrap_or("")
            } else {
                first.trim_start_matches('@')
            };
            if !user.is_empty() && end > start {
                out.push((start, at + host.len() + path.len(), user.to_string()));
            }
        }
    }
    out.sort();
    out
}

/// The user names of the contact's own links and of every profile link in `text`.
fn user_names(contact: &Contact, text: &str) -> Vec<String> {
    let mut names: Vec<String> = contact
        .links
        .iter()
        .flat_map(|l| profile_links(l))
        .chain(profile_links(text))
        .map(|(_, _, user)| user)
        .filter(|u| u.chars().count() >= 3)
        .collect();
    if let Some(local) = contact.email.as_deref().and_then(|e| e.split('@').next())
        && local.chars().count() >= 4
    {
        names.push(local.to_string());
    }
    names.sort_by_key(|u| std::cmp::Reverse(u.len()));
    names.dedup_by(|a, b| a.eq_ignore_ascii_case(b));
    names
}

/// Digit groups of the person's own phone number as printed ("617", "555", "0182"), and each
/// run of consecutive groups ("555-0182"), as digit strings: the pieces a model may quote.
fn phone_pieces(phone: &str) -> Vec<String> {
    let groups: Vec<String> =
        phone.split(|c: char| !c.is_ascii_digit()).filter(|g| !g.is_empty()).map(str::to_string).collect();
    let mut out = Vec::new();
    for i in 0..groups.len() {
        for j in i + 1..=groups.len() {
            let piece: String = groups[i..j].concat();
            if piece.len() >= 3 {
                out.push(piece);
            }
        }
    }
    out
}

/// `text` with the contact's name (whole and by part), its links, every email address, every
/// phone-like number (10+ digits, or the contact's own number however it is spaced) and every
/// street address replaced by `[name]`, `[link]`, `[email]`, `[phone]`, `[address]`.
pub fn redact(text: &str, contact: &Contact) -> String {
    let users = user_names(contact, text);
    let mut out = text.to_string();
    // Profile links first, whole, so their user names go with them.
    for (start, end, _) in profile_links(&out).into_iter().rev() {
        out.replace_range(start..end, "[link]");
    }
    for link in &contact.links {
        let link = link.trim();
        if !link.is_empty() {
            out = out.replace(link, "[link]");
        }
    }
    if let Some(email) = contact.email.as_deref().map(str::trim).filter(|e| !e.is_empty()) {
        out = out.replace(email, "[email]");
    }
    out = redact_emails(&out);
    let phone = contact.phone.as_deref().unwrap_or("");
    out = redact_phones(&out, &phone_pieces(phone));
    out = redact_addresses(&out);
    for user in &users {
        out = replace_all(&out, user, "[user]").unwrap_or(out);
    }
    if let Some(name) = contact.name.as_deref().map(str::trim).filter(|n| !n.is_empty()) {
        out = replace_all(&out, name, "[name]").unwrap_or(out);
        // Then each part, longest first, so "Zoë Müller" also hides "Müller" alone.
        let mut parts: Vec<&str> = name
            .split(|c: char| c.is_whitespace() || c == ',' || c == '-')
            .map(|p| p.trim_matches('.'))
            .filter(|p| p.chars().count() >= 2)
            .collect();
        parts.sort_by_key(|p| std::cmp::Reverse(p.len()));
        for part in parts {
            out = replace_all_unicode(&out, part, "[name]");
        }
    }
    out
}

/// Whole-word, case-insensitive replacement that also works for non-ASCII names.
fn replace_all_unicode(text: &str, needle: &str, with: &str) -> String {
    let lower_needle = needle.to_lowercase();
    let mut out = String::with_capacity(text.len());
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut String| {
        let lower = word.to_lowercase();
        // "Müller's" is the name too.
        let base = lower.strip_suffix("'s").or_else(|| lower.strip_suffix("\u{2019}s")).unwrap_or(&lower);
        if lower == lower_needle {
            out.push_str(with);
        } else if base == lower_needle {
            out.push_str(with);
            out.push_str(if word.ends_with("'s") { "'s" } else { "\u{2019}s" });
        } else {
            out.push_str(word);
        }
        word.clear();
    };
    for c in text.chars() {
        // A hyphen ends a word: "Lovelace-style" holds the name.
        if c.is_alphanumeric() || c == '\'' {
            word.push(c);
        } else {
            flush(&mut word, &mut out);
            out.push(c);
        }
    }
    flush(&mut word, &mut out);
    out
}

/// What a prompt must not carry, with the placeholder it carries instead: the person's name,
/// email, phone and links, and the user names in their profile links. The model answers in
/// placeholders; [`Masking::unmask`] puts the real values back into its rewrites, so the guard
/// and the version see the person's own text.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Masking {
    /// (real value, placeholder), longest value first; matched in any case.
    pairs: Vec<(String, String)>,
    /// The parts of the name, matched as written.
    parts: Vec<(String, String)>,
}

impl Masking {
    pub fn new(contact: &Contact, text: &str) -> Masking {
        let mut pairs: Vec<(String, String)> = Vec::new();
        let mut add = |value: &str, placeholder: String| {
            let value = value.trim();
            if value.chars().count() >= 2 && !pairs.iter().any(|(v, _)| v.eq_ignore_ascii_case(value)) {
                pairs.push((value.to_string(), placeholder));
            }
        };
        let links: Vec<String> = contact
            .links
            .iter()
            .cloned()
            .chain(profile_links(text).into_iter().map(|(start, end, _)| text[start..end].to_string()))
            .collect();
        for (i, link) in links.iter().enumerate() {
            add(link, format!("[link-{}]", i + 1));
        }
        for (i, user) in user_names(contact, text).iter().enumerate() {
            add(user, format!("[user-{}]", i + 1));
        }
        if let Some(email) = &contact.email {
            add(email, "[email]".into());
        }
        if let Some(phone) = &contact.phone {
            add(phone, "[phone]".into());
        }
        if let Some(name) = &contact.name {
            add(name, "[name]".into());
        }
        pairs.sort_by_key(|(v, _)| std::cmp::Reverse(v.len()));
        // A part of the name alone is masked only as written, capitalised: "Rose" or "Young" in
        // lower case is an ordinary word of the posting or the instructions.
        let parts =
            contact.name.iter().flat_map(|n| n.split_whitespace()).map(|p| p.trim_matches(['.', ',']));
        let parts = parts
            .filter(|p| p.chars().count() >= 2 && p.chars().next().is_some_and(char::is_uppercase))
            .enumerate()
            .map(|(i, p)| (p.to_string(), format!("[name-{}]", i + 1)))
            .collect();
        Masking { pairs, parts }
    }

    /// The text with every value replaced by its placeholder (names and user names in any case).
    pub fn mask(&self, text: &str) -> String {
        let mut out = text.to_string();
        for (value, placeholder) in &self.pairs {
            out = replace_all(&out, value, placeholder).unwrap_or(out);
        }
        for (part, placeholder) in &self.parts {
            out = replace_word_as_written(&out, part, placeholder);
        }
        out
    }

    /// The text with every placeholder replaced by its real value.
    pub fn unmask(&self, text: &str) -> String {
        let mut out = text.to_string();
        for (value, placeholder) in self.pairs.iter().chain(&self.parts) {
            out = out.replace(placeholder.as_str(), value);
        }
        out
    }
}

/// Whole-word, case-sensitive replacement.
fn replace_word_as_written(text: &str, needle: &str, with: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for (at, _) in text.match_indices(needle) {
        let before = text[..at].chars().next_back();
        let after = text[at + needle.len()..].chars().next();
        if before.is_some_and(char::is_alphanumeric) || after.is_some_and(char::is_alphanumeric) {
            continue;
        }
        out.push_str(&text[last..at]);
        out.push_str(with);
        last = at + needle.len();
    }
    out.push_str(&text[last..]);
    out
}

fn is_email_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '%' | '+' | '-')
}

fn redact_emails(text: &str) -> String {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for (k, &(at, c)) in chars.iter().enumerate() {
        if c != '@' || at < last {
            continue;
        }
        let mut start = k;
        while start > 0 && is_email_char(chars[start - 1].1) {
            start -= 1;
        }
        let mut end = k + 1;
        while end < chars.len() && is_email_char(chars[end].1) {
            end += 1;
        }
        let domain: String = chars[k + 1..end].iter().map(|&(_, c)| c).collect();
        let domain = domain.trim_end_matches('.');
        if start == k || !domain.contains('.') {
            continue;
        }
        let from = chars[start].0;
        let to = chars[k + 1].0 + domain.len();
        out.push_str(&text[last..from]);
        out.push_str("[email]");
        last = to;
    }
    out.push_str(&text[last..]);
    out
}

/// Runs of digits joined by spaces, dashes, dots or brackets (with an optional leading "+")
/// that hold 10 or more digits, or a piece of the contact's own number (see [`phone_pieces`]).
fn redact_phones(text: &str, own_pieces: &[String]) -> String {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    let mut i = 0;
    while i < bytes.len() {
        let starts = bytes[i].is_ascii_digit()
            || (matches!(bytes[i], b'+' | b'(')
                && bytes.get(i + 1).is_some_and(|b| b.is_ascii_digit() || *b == b'('));
        let boundary = i == 0 || !bytes[i - 1].is_ascii_alphanumeric();
        if !starts || !boundary {
            i += 1;
            continue;
        }
        let mut j = i;
        let mut end = i;
        let mut digits = String::new();
        while j < bytes.len() {
            let b = bytes[j];
            if b.is_ascii_digit() {
                digits.push(b as char);
                end = j + 1;
            } else if !matches!(b, b' ' | b'-' | b'.' | b'(' | b')' | b'+') {
                break;
            }
            j += 1;
        }
        let after_ok = end >= bytes.len() || !bytes[end].is_ascii_alphabetic();
        let is_phone = after_ok && ((10..=15).contains(&digits.len()) || own_pieces.contains(&digits));
        if is_phone {
            out.push_str(&text[last..i]);
            out.push_str("[phone]");
            last = end;
            i = end;
        } else {
            i = end.max(i + 1);
        }
    }
    out.push_str(&text[last..]);
    out
}

const STREET_WORDS: &[&str] = &[
    "street",
    "st",
    "avenue",
    "ave",
    "road",
    "rd",
    "boulevard",
    "blvd",
    "lane",
    "ln",
    "drive",
    "dr",
    "court",
    "ct",
    "way",
    "place",
    "pl",
    "terrace",
    "parkway",
    "pkwy",
    "highway",
    "hwy",
    "square",
    "sq",
];

/// "221B Baker Street", "1600 Pennsylvania Ave NW": a house number, one to four capitalised
/// words, a street word.
fn redact_addresses(text: &str) -> String {
    let mut out = Vec::new();
    for line in text.split('\n') {
        let tokens: Vec<&str> = line.split(' ').collect();
        let mut result: Vec<String> = Vec::new();
        let mut k = 0;
        while k < tokens.len() {
            let t = tokens[k];
            let house = t.len() <= 6
                && t.starts_with(|c: char| c.is_ascii_digit())
                && t.chars().all(|c| c.is_ascii_alphanumeric());
            let mut matched = None;
            if house {
                for len in 1..=4 {
                    let Some(&street) = tokens.get(k + len + 1) else { break };
                    let names = &tokens[k + 1..k + 1 + len];
                    if !names.iter().all(|n| n.starts_with(|c: char| c.is_uppercase())) {
                        break;
                    }
                    let word = street.trim_end_matches([',', '.']).to_lowercase();
                    if street.starts_with(|c: char| c.is_uppercase()) && STREET_WORDS.contains(&word.as_str())
                    {
                        matched = Some(k + len + 2);
                        break;
                    }
                }
            }
            match matched {
                Some(end) => {
                    let tail = if tokens[end - 1].ends_with(',') { "," } else { "" };
                    result.push(format!("[address]{tail}"));
                    k = end;
                }
                None => {
                    result.push(t.to_string());
                    k += 1;
                }
            }
        }
        out.push(result.join(" "));
    }
    out.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redacts_every_kind() {
        let contact = Contact {
            name: Some("Zoë Müller".into()),
            email: Some("zoe@example.net".into()),
            phone: Some("+1 503 555 0100".into()),
            location: Some("Denver, CO".into()),
            links: vec!["linkedin.com/in/zoe-mueller".into()],
        };
        let text = "Zoë Müller\nzoe@example.net | +1 503 555 0100 | linkedin.com/in/zoe-mueller\n\
                    Lives at 42 Wallaby Way, Sydney. Ms. Müller also uses z.m@corp.example.org and (919) 555-0117.\n\
                    Led 2019-2021 rollout for 1,200 users";
        let out = redact(text, &contact);
        for gone in ["Zoë", "Müller", "zoe@", "503", "z.m@", "919", "Wallaby", "zoe-mueller"] {
            assert!(!out.contains(gone), "{gone} in {out}");
        }
        assert!(out.contains("Led 2019-2021 rollout for 1,200 users"), "{out}");
        assert!(out.contains("[address], Sydney"), "{out}");
    }

    fn ada() -> Contact {
        Contact {
            name: Some("Ada Lovelace".into()),
            email: Some("ada.lovelace@example.com".into()),
            phone: Some("(617) 555-0182".into()),
            location: None,
            links: vec!["github.com/adalace".into()],
        }
    }

    #[test]
    fn pieces_of_the_phone_user_names_and_the_name_in_any_case_go() {
        let warnings = "the number \"617\" is not in the original; the number \"555-0182\" is not in the \
                        original; see https://github.com/adalace/ledger and gitlab.com/adalace; \
                        ADA LOVELACE's repo; lovelace wrote it; user adalace; mail ada.lovelace@example.com";
        let out = redact(warnings, &ada());
        for gone in ["617", "555", "0182", "adalace", "ADA", "LOVELACE", "lovelace", "example.com"] {
            assert!(!out.to_lowercase().contains(&gone.to_lowercase()), "{gone} in {out}");
        }
        assert!(out.contains("[name]'s repo"), "{out}");
        // Other numbers stay.
        assert_eq!(redact("cut 40% of 618 builds", &ada()), "cut 40% of 618 builds");
    }

    #[test]
    fn the_prompt_carries_placeholders_and_the_answer_is_mapped_back() {
        let line = "Ada Lovelace maintains github.com/adalace/ledger; reach ada.lovelace@example.com";
        let masking = Masking::new(&ada(), line);
        let masked = masking.mask(line);
        for gone in ["Ada", "Lovelace", "adalace", "example.com"] {
            assert!(!masked.contains(gone), "{gone} in {masked}");
        }
        assert_eq!(masking.unmask(&masked), line);
    }
}
