//! PII redaction for the prompts and outputs a run stores: the person's name, email addresses,
//! phone numbers, street addresses and profile links become placeholders.

use resumax_core::resume::Contact;

use crate::words::replace_all;

/// `text` with the contact's name (whole and by part), its links, every email address, every
/// phone-like number (10+ digits, or the contact's own number however it is spaced) and every
/// street address replaced by `[name]`, `[link]`, `[email]`, `[phone]`, `[address]`.
pub fn redact(text: &str, contact: &Contact) -> String {
    let mut out = text.to_string();
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
    let own_digits: String =
        contact.phone.as_deref().unwrap_or("").chars().filter(char::is_ascii_digit).collect();
    out = redact_phones(&out, &own_digits);
    out = redact_addresses(&out);
    if let Some(name) = contact.name.as_deref().map(str::trim).filter(|n| !n.is_empty()) {
        out = replace_all(&out, name, "[name]").unwrap_or(out);
        // Then each part, longest first, so "Zoë Müller" also hides "Müller" alone.
        let mut parts: Vec<&str> = name
            .split(|c: char| c.is_whitespace() || c == ',')
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
        if word.to_lowercase() == lower_needle {
            out.push_str(with);
        } else {
            out.push_str(word);
        }
        word.clear();
    };
    for c in text.chars() {
        if c.is_alphanumeric() || c == '\'' || c == '-' {
            word.push(c);
        } else {
            flush(&mut word, &mut out);
            out.push(c);
        }
    }
    flush(&mut word, &mut out);
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
/// that hold 10 or more digits, or exactly the contact's own digits.
fn redact_phones(text: &str, own_digits: &str) -> String {
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
        let is_phone = after_ok
            && ((10..=15).contains(&digits.len()) || (!own_digits.is_empty() && digits == own_digits));
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
}
