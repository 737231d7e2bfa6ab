//! Job-description analysis: sanitizing, title/company/location/employment type, and the skills
//! named under "required" and "nice to have" cues.

mod requirements;

use resumax_core::job_description::{ParsedJobDescription, Requirement};
use resumax_core::score::Importance;

use crate::text::sanitize;

const SHORT_CHARS: usize = 500;

/// "Location: Berlin", "Location - Berlin", and a key cut short by a typo ("Locatio - Gurgaon").
fn field(line: &str, keys: &[&str]) -> Option<String> {
    let (k, v) = line.split_once(':').or_else(|| line.split_once(" - "))?;
    let k = k.trim().to_lowercase();
    let v = v.trim();
    let known = keys.contains(&k.as_str())
        || (k.len() >= 6 && !k.contains(' ') && keys.iter().any(|key| key.starts_with(&k)));
    (known && !v.is_empty() && v.len() < 120).then(|| v.to_string())
}

const TYPE_WORDS: &[&str] = &[
    "full-time",
    "full time",
    "part-time",
    "part time",
    "contract",
    "temporary",
    "internship",
    "freelance",
    "permanent",
    "fixed-term",
];

fn looks_like_type(s: &str) -> bool {
    let l = s.to_lowercase();
    TYPE_WORDS.iter().any(|w| l.contains(w))
}

fn looks_like_location(s: &str) -> bool {
    let l = s.to_lowercase();
    if l.contains("remote") || l.contains("hybrid") || l.contains("on-site") {
        return s.split_whitespace().count() <= 6;
    }
    s.contains(',')
        && s.split_whitespace().count() <= 6
        && !s.chars().any(|c| c.is_ascii_digit())
        && s.split(',').all(|p| p.trim().chars().next().is_some_and(char::is_uppercase))
}

pub(crate) fn analyze(
    text: &str,
    title: Option<&str>,
    company: Option<&str>,
    location: Option<&str>,
) -> ParsedJobDescription {
    let sanitized = sanitize(text);
    let reading = requirements::reading_lines(&sanitized);
    let lines: Vec<&str> = reading.iter().map(|l| l.trim()).collect();

    let mut d_title = None;
    let mut d_company = None;
    let mut d_location = None;
    let mut d_type = None;
    for l in &lines {
        d_title = d_title.or_else(|| field(l, &["title", "job title", "position", "role", "job"]));
        d_company = d_company.or_else(|| {
            field(
                l,
                &[
                    "company",
                    "employer",
                    "organization",
                    "organisation",
                    "hiring company",
                    "client",
                    "company profile",
                    "company name",
                ],
            )
        });
        d_location =
            d_location.or_else(|| field(l, &["location", "based in", "office", "where", "work location"]));
        d_type = d_type.or_else(|| {
            field(
                l,
                &[
                    "employment type",
                    "type",
                    "job type",
                    "position type",
                    "contract",
                    "schedule",
                    "employment",
                ],
            )
        });
    }
    let nonempty: Vec<&str> = lines.iter().copied().filter(|l| !l.is_empty()).collect();
    // Headed postings: title on the first line, "Company · Location · Type" on the second.
    if let Some(first) = nonempty.first()
        && d_title.is_none()
        && !first.contains(':')
        && first.split_whitespace().count() <= 8
        && !first.ends_with('.')
        && (resumax_lexicon::heading_cue(first).is_none() || resumax_lexicon::unexplained_words(first) > 0)
    {
        d_title = Some(first.to_string());
        if let Some(second) = nonempty.get(1) {
            let parts: Vec<&str> =
                second.split(['·', '|', '•']).map(str::trim).filter(|p| !p.is_empty()).collect();
            if parts.len() >= 2 {
                for p in &parts {
                    if d_type.is_none() && looks_like_type(p) {
                        d_type = Some(p.to_string());
                    } else if d_location.is_none() && looks_like_location(p) {
                        d_location = Some(p.to_string());
                    } else if d_company.is_none() && !looks_like_type(p) && !looks_like_location(p) {
                        d_company = Some(p.to_string());
                    }
                }
            }
        }
    }
    // Prose postings: "<Company> is hiring a <Title> to join the team in <Location>."
    for l in &nonempty {
        if let Some(idx) = l.find(" is hiring ") {
            let who = l[..idx].trim();
            if d_company.is_none() && who.split_whitespace().count() <= 6 {
                d_company = Some(who.to_string());
            }
            let rest = &l[idx + " is hiring ".len()..];
            let rest = rest.strip_prefix("an ").or_else(|| rest.strip_prefix("a ")).unwrap_or(rest);
            if let Some(end) = rest.find(" to join") {
                d_title.get_or_insert_with(|| rest[..end].trim().to_string());
                let after = &rest[end..];
                if let Some(i) = after.find(" in ") {
                    let loc = after[i + 4..].split(". ").next().unwrap_or("").trim_end_matches('.').trim();
                    if d_location.is_none() && !loc.is_empty() && loc.split_whitespace().count() <= 6 {
                        d_location = Some(loc.to_string());
                    }
                }
            }
        }
        // Short posts name things in set phrases: "We are Harbor & Finch Retail." gives the
        // company, "Data Scientist wanted." the title; a capitalised name is required, so "We are
        // hiring" or "a rockstar wanted" give nothing.
        let proper = |s: &str| {
            let words: Vec<&str> = s.split_whitespace().collect();
            (1..=6).contains(&words.len())
                && words
                    .iter()
                    .all(|w| *w == "&" || w.starts_with(|c: char| c.is_uppercase() || c.is_ascii_digit()))
        };
        for sentence in l.split(['.', '!']).map(str::trim) {
            if let Some(name) = sentence.strip_prefix("We are ").map(str::trim)
                && d_company.is_none()
                && proper(name)
            {
                d_company = Some(name.to_string());
            }
            for verb in [" wanted", " needed"] {
                if let Some(role) = sentence.strip_suffix(verb).map(str::trim)
                    && d_title.is_none()
                    && proper(role)
                    && role.split_whitespace().count() <= 5
                {
                    d_title = Some(role.to_string());
                }
            }
        }
        if d_type.is_none() {
            for sentence in l.split(". ") {
                if let Some(i) = sentence.to_lowercase().find("position type:") {
                    d_type = Some(sentence[i + 14..].trim().trim_end_matches('.').to_string());
                }
            }
        }
    }

    let unsupported_language = unsupported_language(&sanitized);
    let reqs = model(&sanitized, &reading);
    let (required, preferred) = skill_lists(&reqs);

    header_fields(&nonempty, &mut d_title, &mut d_company, &mut d_location);
    // "Location: comfort of your own home!": a home or remote place is remote work.
    d_location = d_location.map(|l| {
        let lower = l.to_lowercase();
        if !looks_like_location(&l)
            && (lower.contains("home") || lower.contains("remote") || lower.contains("anywhere"))
        {
            "Remote".to_string()
        } else {
            l
        }
    });
    let pick = |client: Option<&str>, derived: Option<String>| {
        client.map(str::trim).filter(|s| !s.is_empty()).map(str::to_string).or(derived)
    };
    let out_title = pick(title, d_title);
    // "Our client" or "A confidential company" stands in for a name the posting withholds.
    let d_company = d_company.filter(|c| {
        let first = c.split_whitespace().next().unwrap_or("").to_lowercase();
        !matches!(first.as_str(), "our" | "a" | "an" | "confidential" | "undisclosed" | "stealth")
    });
    let out_company = pick(company, d_company);
    let out_location = pick(location, d_location);
    let mut warnings = Vec::new();
    if sanitized.chars().count() < SHORT_CHARS {
        warnings.push("short".to_string());
    }
    if out_title.is_none() {
        warnings.push("missing_title".to_string());
    }
    if out_company.is_none() {
        warnings.push("missing_company".to_string());
    }
    if out_location.is_none() {
        warnings.push("missing_location".to_string());
    }
    if unsupported_language {
        warnings.push("unsupported_language".to_string());
    } else if reqs.is_empty() {
        warnings.push("no_requirements".to_string());
    }
    ParsedJobDescription {
        title: out_title,
        company: out_company,
        location: out_location,
        employment_type: d_type,
        required_skills: required,
        preferred_skills: preferred,
        sanitized_text: sanitized,
        warnings,
        requirements: reqs,
    }
}

/// The names shown as required and preferred skills: one per requirement (a group by its first
/// member or category), in the posting's order.
fn skill_lists(reqs: &[Requirement]) -> (Vec<String>, Vec<String>) {
    let mut required: Vec<String> = Vec::new();
    let mut preferred: Vec<String> = Vec::new();
    for r in shown_requirements(reqs) {
        let dest = if r.importance == Importance::Required { &mut required } else { &mut preferred };
        if !dest.iter().any(|s| s.eq_ignore_ascii_case(&r.term)) {
            dest.push(r.term.clone());
        }
    }
    (required, preferred)
}

/// The requirements a person reads (the API's lists and the scorer's report): all of them,
/// except that years are shown once per importance, the largest (the general statement on a
/// tie): "3+ years PHP" beside "3+ years experience" says nothing new, and preferred years at or
/// below the required ones add nothing.
pub fn shown_requirements(reqs: &[Requirement]) -> Vec<&Requirement> {
    let shown_years = |imp: Importance| {
        reqs.iter()
            .filter(|r| r.importance == imp && r.years.is_some())
            .max_by_key(|r| (r.years, r.term.ends_with("years experience")))
    };
    let req_years = shown_years(Importance::Required).and_then(|r| r.years).unwrap_or(0);
    reqs.iter()
        .filter(|r| {
            r.years.is_none()
                || (shown_years(r.importance).is_some_and(|b| std::ptr::eq(b, *r))
                    && !(r.importance == Importance::Preferred && r.years <= Some(req_years)))
        })
        .collect()
}

/// A posting the taxonomy cannot read (not in English) says so instead of yielding English
/// keywords.
fn unsupported_language(sanitized: &str) -> bool {
    sanitized.split_whitespace().count() >= 20 && resumax_lexicon::words::is_other_language(sanitized)
}

/// The requirement model of a sanitized posting; in an unsupported language only the product
/// names, which read the same in every language.
fn model(sanitized: &str, reading: &[String]) -> Vec<Requirement> {
    if unsupported_language(sanitized) {
        requirements::named_tools(sanitized)
    } else {
        requirements::extract(reading)
    }
}

/// The requirements of a posting: the ones JD analysis stored, or for a record stored before
/// they existed (or received over the wire, which does not carry them), the same analysis run
/// again on its text. Re-analyses are remembered per thread (a few hundred postings), so ranking
/// one resume against stored postings reads each posting once.
pub fn requirements_of(job: &ParsedJobDescription) -> std::borrow::Cow<'_, [Requirement]> {
    use std::cell::RefCell;
    use std::collections::HashMap;
    use std::rc::Rc;
    const MEMO: usize = 256;
    thread_local! {
        static SEEN: RefCell<HashMap<String, Rc<Vec<Requirement>>>> = RefCell::new(HashMap::new());
    }
    if !job.requirements.is_empty() {
        return std::borrow::Cow::Borrowed(&job.requirements);
    }
    let reqs = SEEN.with(|seen| {
        if let Some(r) = seen.borrow().get(&job.sanitized_text) {
            return Rc::clone(r);
        }
        let text = crate::text::sanitize(&job.sanitized_text);
        let r = Rc::new(model(&text, &requirements::reading_lines(&text)));
        let mut seen = seen.borrow_mut();
        if seen.len() >= MEMO {
            seen.clear();
        }
        seen.insert(job.sanitized_text.clone(), Rc::clone(&r));
        r
    });
    std::borrow::Cow::Owned(reqs.as_ref().clone())
}

/// The text of a posting's lines; a list item keeps a visible marker, so JD analysis tells
/// items from headings even where the format marks lists by numbering (Word) instead of a
/// character.
pub(crate) fn text_of(lines: Vec<crate::DocLine>) -> String {
    lines
        .into_iter()
        .map(|l| {
            // Annotations set flush right beside a line (a date, a place) are part of it.
            let text = l.full_text();
            if l.bullet && !crate::text::starts_with_bullet(&text) { format!("• {text}") } else { text }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// A short line of capitalised words: a name, not a sentence.
fn is_name_line(line: &str) -> bool {
    let words: Vec<&str> = line.split_whitespace().collect();
    (1..=5).contains(&words.len())
        && !line.ends_with(['.', ':', '!', '?'])
        && !line.chars().any(|c| matches!(c, ':' | '₹' | '$' | '€' | '£' | '%'))
        && !words.iter().any(|w| w.chars().all(|c| c.is_ascii_digit() || c == ','))
        && words.iter().all(|w| {
            w.chars().next().is_some_and(|c| c.is_uppercase() || c.is_ascii_digit())
                || matches!(*w, "&" | "and" | "of" | "-" | "de" | "the")
        })
}

/// The capitalised words that end right before `at` in `text` ("Slidesigma India LLC" before
/// " is a"): a proper name, or None.
fn name_before(text: &str, at: usize) -> Option<String> {
    let mut words: Vec<&str> = Vec::new();
    for w in text[..at].split_whitespace().rev() {
        let w = w.trim_matches(|c: char| matches!(c, ',' | '(' | ')' | '"'));
        if w.chars().next().is_some_and(|c| c.is_uppercase() || c.is_ascii_digit())
            && words.len() < 4
            && !w.ends_with('.')
        {
            words.push(w);
        } else {
            break;
        }
    }
    words.reverse();
    (!words.is_empty()).then(|| words.join(" "))
}

/// The capitalised words that start at `at` ("Google" in "at Google, you lead").
fn name_after(text: &str, at: usize) -> Option<String> {
    let mut words: Vec<String> = Vec::new();
    for w in text[at..].split_whitespace() {
        let (core, stop) = match w.find([',', '.', ';', ':', '(', ')', '!', '?']) {
            Some(i) => (&w[..i], true),
            None => (w, false),
        };
        let core = core.strip_suffix("'s").or_else(|| core.strip_suffix("\u{2019}s")).unwrap_or(core);
        if core.chars().next().is_some_and(|c| c.is_uppercase() || c.is_ascii_digit()) && words.len() < 4 {
            words.push(core.to_string());
        } else {
            break;
        }
        if stop || core.len() < w.len() {
            break;
        }
    }
    (!words.is_empty()).then(|| words.join(" "))
}

/// The one capitalised name the prose uses in the possessive, inside a sentence; None when
/// there are several or none. Acronyms are left out ("API's" is a plural).
fn possessive_name(lines: &[&str]) -> Option<String> {
    let mut found: Vec<String> = Vec::new();
    for l in lines.iter().skip(1) {
        let words: Vec<&str> = l.split_whitespace().collect();
        for (i, w) in words.iter().enumerate().skip(1) {
            let Some(core) = w.strip_suffix("'s").or_else(|| w.strip_suffix("\u{2019}s")) else { continue };
            let prev_ends = words[i - 1].ends_with(['.', ':', '!', '?']);
            let acronym = core.chars().all(|c| c.is_uppercase() || c.is_ascii_digit());
            if !prev_ends
                && !acronym
                && core.chars().next().is_some_and(char::is_uppercase)
                && core.chars().all(char::is_alphanumeric)
                && !NOT_COMPANIES.contains(&core.to_lowercase().as_str())
                && !found.iter().any(|f| f == core)
            {
                found.push(core.to_string());
            }
        }
    }
    (found.len() == 1).then(|| found.remove(0))
}

const NOT_COMPANIES: &[&str] = &[
    "we",
    "you",
    "our",
    "the",
    "this",
    "a",
    "an",
    "in",
    "as",
    "it",
    "they",
    "candidates",
    "india",
    "us",
    "job",
    "role",
];

/// Company and location from the header lines, "About <Company>" and the prose ("As a Product
/// Manager at Google", "Slidesigma India LLC is a web design company based in South Delhi").
fn header_fields(
    lines: &[&str],
    title: &mut Option<String>,
    company: &mut Option<String>,
    location: &mut Option<String>,
) {
    use resumax_lexicon::{Cue, heading_cue, words};
    // The header: the lines after the title up to the first heading or paragraph.
    let start = usize::from(title.as_deref().is_some_and(|t| lines.first() == Some(&t)));
    for l in lines.iter().skip(start).take(5) {
        if l.split_whitespace().count() > 8 || heading_cue(l).is_some() && l.ends_with(':') {
            break;
        }
        if location.is_none() && looks_like_location(l) && !l.contains('₹') {
            *location = Some(l.to_string());
        } else if company.is_none() && location.is_none() && is_name_line(l) && heading_cue(l).is_none() {
            *company = Some(l.to_string());
        }
    }
    let mut votes: Vec<(String, usize, bool)> = Vec::new();
    let mut vote = |name: String, strong: bool| {
        let first = name.split_whitespace().next().unwrap_or("").to_lowercase();
        if NOT_COMPANIES.contains(&first.as_str())
            || heading_cue(&name).is_some()
            || title.as_deref() == Some(name.as_str())
        {
            return;
        }
        match votes.iter_mut().find(|v| v.0 == name) {
            Some(v) => {
                v.1 += 1;
                v.2 |= strong;
            }
            None => votes.push((name, 1, strong)),
        }
    };
    for (i, l) in lines.iter().enumerate() {
        // "About Stones2Milestones" as a heading names the company.
        if let Some(rest) = l.strip_prefix("About ")
            && heading_cue(l) == Some(Cue::Boilerplate)
            && is_name_line(rest)
            && !matches!(rest.split_whitespace().next(), Some("Us" | "The" | "Our" | "You"))
        {
            vote(rest.to_string(), true);
        }
        if i == 0 {
            continue;
        }
        for (at, _) in
            l.match_indices(" at ").chain(l.match_indices(" join ")).chain(l.match_indices(" across "))
        {
            let from = at + l[at + 1..].find(' ').map_or(0, |s| s + 2);
            if let Some(name) = name_after(l, from) {
                vote(name, false);
            }
        }
        for pat in [
            " is a ",
            " is an ",
            " is on ",
            " is developing ",
            " is hiring",
            " is looking ",
            " provides ",
            " aims ",
        ] {
            for (at, _) in l.match_indices(pat) {
                if let Some(name) = name_before(l, at) {
                    let suffix = name.split_whitespace().last().is_some_and(words::is_org_suffix);
                    vote(name, suffix || l[at..].to_lowercase().contains("company"));
                }
            }
        }
        if location.is_none()
            && let Some(at) = l.find("based in ")
            && let Some(place) = name_after(l, at + "based in ".len())
        {
            *location = Some(place);
        }
    }
    if company.is_none() {
        // The name the posting uses most; one mention is enough for a name that says it is a
        // company ("... LLC is a web design company").
        let count = |n: &str| lines.iter().map(|l| l.matches(n).count()).sum::<usize>();
        let best = votes
            .iter()
            .filter(|v| v.1 >= 2 || v.2 || count(&v.0) >= 3)
            .max_by_key(|v| (v.2, v.1, count(&v.0), std::cmp::Reverse(v.0.len())));
        if let Some(b) = best {
            *company = Some(b.0.clone());
        } else if let Some(name) = possessive_name(lines) {
            // Last resort: a name used as an owner in the prose ("educate users on Google's
            // revenue data sets").
            *company = Some(name);
        }
    }
}
