//! The truthfulness guard, applied to every suggestion from every provider.
//!
//! Dropped: a suggestion whose `original` is not the resume's text at its target (the evidence
//! link is broken), one that grows the text past the cap, and one that introduces an employer,
//! school, degree or date the resume does not contain. Marked uncertain (the default is then the
//! original): one that introduces a number, or a skill-like capitalised term the resume never
//! uses.

use std::collections::HashSet;

use resumax_core::optimization::{Suggestion, SuggestionTarget};
use resumax_core::resume::ParsedResume;
use resumax_core::score::MatchReport;

use crate::skills_text;
use crate::words::{contains_word, starts_sentence, words};

/// A suggestion may be at most this much longer than its original: `GROWTH_FACTOR` times plus
/// `GROWTH_SLACK` characters.
const GROWTH_FACTOR: f64 = 1.6;
const GROWTH_SLACK: f64 = 40.0;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Guarded {
    pub kept: Vec<Suggestion>,
    /// Each dropped suggestion with the reason, for the run's warnings and the audit log.
    pub dropped: Vec<(Suggestion, String)>,
}

/// Checks suggestions against the resume alone: a JD term swapped in for the resume's own
/// wording ("PostgreSQL" for "Postgres") cannot be verified here and is marked uncertain.
pub fn guard(resume: &ParsedResume, suggestions: Vec<Suggestion>) -> Guarded {
    run(resume, &[], suggestions)
}

/// Like [`guard`], and also accepts the JD's wording for a concept the scoring report matched in
/// the resume (its non-literal matches), when the suggestion replaces that very resume wording.
pub fn guard_with_report(
    resume: &ParsedResume,
    report: &MatchReport,
    suggestions: Vec<Suggestion>,
) -> Guarded {
    let equivalents: Vec<(&str, &str)> = report
        .matched_keywords
        .iter()
        .filter(|m| !m.literal)
        .map(|m| (m.term.as_str(), m.resume_term.as_str()))
        .collect();
    run(resume, &equivalents, suggestions)
}

/// Everything the resume states, in one text to search.
fn known_text(resume: &ParsedResume) -> String {
    let mut out = resume.text.clone();
    let mut add = |s: &str| {
        out.push('\n');
        out.push_str(s);
    };
    let c = &resume.contact;
    for s in [&c.name, &c.email, &c.phone, &c.location, &resume.tagline].into_iter().flatten() {
        add(s);
    }
    for section in &resume.sections {
        add(&section.heading);
        for entry in &section.entries {
            for s in [
                &entry.organization,
                &entry.title,
                &entry.location,
                &entry.start,
                &entry.end,
                &entry.date_text,
            ]
            .into_iter()
            .flatten()
            {
                add(s);
            }
            for s in entry.header_lines.iter().chain(&entry.lines) {
                add(s);
            }
        }
        for s in &section.skills {
            add(s);
        }
    }
    out
}

fn run(resume: &ParsedResume, equivalents: &[(&str, &str)], suggestions: Vec<Suggestion>) -> Guarded {
    let known = known_text(resume);
    let mut seen_ids = HashSet::new();
    let mut out = Guarded::default();
    for mut s in suggestions {
        let verdict = if !seen_ids.insert(s.change_id.clone()) {
            Err(format!("duplicate change id {}", s.change_id))
        } else {
            check(resume, &known, equivalents, &s)
        };
        match verdict {
            Ok(doubts) if doubts.is_empty() => out.kept.push(s),
            Ok(doubts) => {
                s.uncertain = true;
                s.reason = format!("{} Check before accepting: {}.", s.reason.trim(), doubts.join("; "));
                out.kept.push(s);
            }
            Err(why) => {
                tracing::debug!(change_id = %s.change_id, reason = %why, "suggestion dropped");
                out.dropped.push((s, why));
            }
        }
    }
    out
}

/// Ok with the doubts that make it uncertain, or Err with the reason to drop it.
fn check(
    resume: &ParsedResume,
    known: &str,
    equivalents: &[(&str, &str)],
    s: &Suggestion,
) -> Result<Vec<String>, String> {
    match &s.target {
        SuggestionTarget::Line { item } => {
            let section =
                resume.sections.get(item.section).ok_or_else(|| format!("line {item} does not exist"))?;
            if section.kind != s.section {
                return Err(format!("line {item} is not in a {} section", s.section.as_str()));
            }
            if resume.line(*item) != Some(s.original.as_str()) {
                return Err(format!(
                    "evidence link broken: the original does not match line {item} of the resume"
                ));
            }
        }
        SuggestionTarget::Skills { section } => {
            let sec =
                resume.sections.get(*section).ok_or_else(|| format!("section {section} does not exist"))?;
            if sec.kind != s.section || skills_text(&sec.skills) != s.original {
                return Err(format!(
                    "evidence link broken: the original does not match the skills of section {section}"
                ));
            }
        }
    }
    if s.suggested.trim().is_empty() {
        return Err("empty suggestion".to_string());
    }
    if s.suggested == s.original {
        return Err("suggests no change".to_string());
    }
    let (grown, base) = (s.suggested.chars().count() as f64, s.original.chars().count() as f64);
    if grown > base * GROWTH_FACTOR + GROWTH_SLACK {
        return Err(format!("grows the text from {base} to {grown} characters, past the cap"));
    }

    let original = s.original.as_str();
    let suggested = s.suggested.as_str();
    let is_new = |w: &str| !contains_word(original, w);
    let in_resume = |w: &str| contains_word(known, w);

    // Dates.
    let tokens = words(suggested);
    for (k, &(_, w)) in tokens.iter().enumerate() {
        for year in years_in(w) {
            if is_new(year) && !in_resume(year) {
                return Err(format!("introduces the date {year}, which the resume does not have"));
            }
        }
        let next = tokens.get(k + 1).map(|&(_, n)| n);
        if let Some(month) = month_word(w, next)
            && is_new(month)
            && !in_resume(month)
        {
            return Err(format!("introduces the date \"{month}\", which the resume does not have"));
        }
    }

    // Degrees.
    for &(_, w) in &tokens {
        if is_degree(w) && is_new(w) && !known_has_degree(known, w) {
            return Err(format!("introduces the degree \"{w}\", which the resume does not have"));
        }
    }

    // Employers and schools: new proper names that look like organisations.
    for (phrase, after_at) in proper_phrases(suggested) {
        if !is_new(&phrase) || in_resume(&phrase) {
            continue;
        }
        let org_like = phrase.split_whitespace().any(|w| ORG_WORDS.contains(&w.trim_end_matches('.')));
        if org_like || after_at {
            return Err(format!(
                "introduces the employer or school \"{phrase}\", which the resume does not have"
            ));
        }
    }

    let mut doubts = Vec::new();
    // Numbers and metrics.
    for &(at, w) in &tokens {
        // A number starts with a digit ("35", "1.2M", "3x"); "B2B" and "S3" are names.
        if !w.starts_with(|c: char| c.is_ascii_digit()) || !is_new(w) {
            continue;
        }
        let rest = &suggested[at + w.len()..];
        let shown = match rest.chars().next() {
            Some('%') => format!("{w}%"),
            _ => w.to_string(),
        };
        let currency = suggested[..at].ends_with(['$', '€', '£']);
        doubts.push(format!(
            "the number \"{}{shown}\" is not in the original",
            if currency { &suggested[at - 1..at] } else { "" }
        ));
    }
    // Skill-like capitalised terms the resume never uses.
    let covered =
        |w: &str| equivalents.iter().any(|(jd, res)| contains_word(jd, w) && contains_word(original, res));
    for &(at, w) in &tokens {
        let capital =
            w.chars().next().is_some_and(char::is_uppercase) || w.chars().skip(1).any(char::is_uppercase);
        if !capital || w.chars().any(|c| c.is_ascii_digit()) {
            continue;
        }
        let sentence_start = match s.target {
            SuggestionTarget::Line { .. } => starts_sentence(suggested, at),
            // Every item of a list starts with a capital; only acronyms and inner capitals count.
            SuggestionTarget::Skills { .. } => {
                starts_sentence(suggested, at) || suggested[..at].trim_end().ends_with(',')
            }
        } && !w.chars().skip(1).any(char::is_uppercase);
        if sentence_start || !is_new(w) || in_resume(w) || covered(w) {
            continue;
        }
        doubts.push(format!("\"{w}\" does not appear anywhere in the resume"));
    }
    if let SuggestionTarget::Skills { .. } = s.target {
        for item in suggested.split(", ") {
            let item = item.trim();
            if !item.is_empty() && is_new(item) && !in_resume(item) && !covered(item) {
                let d = format!("\"{item}\" does not appear anywhere in the resume");
                if !doubts.contains(&d) {
                    doubts.push(d);
                }
            }
        }
    }
    doubts.dedup();
    Ok(doubts)
}

/// Four-digit years (1950-2099) inside a word such as "2019", "03/2019" or "2019-2021".
fn years_in(word: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let bytes = word.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i].is_ascii_digit() {
            let start = i;
            while i < bytes.len() && bytes[i].is_ascii_digit() {
                i += 1;
            }
            let run = &word[start..i];
            let thousands = start > 0 && bytes[start - 1] == b',' || i < bytes.len() && bytes[i] == b',';
            let money = start > 0 && bytes[start - 1] == b'$';
            if run.len() == 4
                && !thousands
                && !money
                && run.parse::<u32>().is_ok_and(|y| (1950..=2099).contains(&y))
            {
                out.push(run);
            }
        } else {
            i += 1;
        }
    }
    out
}

const MONTHS: &[&str] = &[
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
    "Jan",
    "Feb",
    "Mar",
    "Apr",
    "Jun",
    "Jul",
    "Aug",
    "Sep",
    "Sept",
    "Oct",
    "Nov",
    "Dec",
];

/// A capitalised month name that is a date: followed by a year, or a full name that is not
/// also an ordinary word ("May", "March").
fn month_word<'a>(word: &'a str, next: Option<&str>) -> Option<&'a str> {
    let w = word.trim_end_matches('.');
    if !MONTHS.contains(&w) {
        return None;
    }
    let before_year = next.is_some_and(|n| !years_in(n).is_empty());
    (before_year || (w.len() > 4 && w != "March")).then_some(w)
}

const DEGREES: &[&str] = &[
    "bachelor",
    "bachelors",
    "master",
    "masters",
    "mba",
    "phd",
    "doctorate",
    "bsn",
    "msn",
    "bsc",
    "msc",
    "beng",
    "meng",
    "bfa",
    "mfa",
    "bba",
    "edd",
    "jd",
    "md",
    "dnp",
    "adn",
    "mpa",
    "mph",
];

fn degree_key(word: &str) -> String {
    word.chars().filter(|c| c.is_alphanumeric()).collect::<String>().to_ascii_lowercase()
}

fn is_degree(word: &str) -> bool {
    let dotted = word.contains('.') && word.len() <= 8 && word.chars().next().is_some_and(char::is_uppercase);
    let key = degree_key(word);
    DEGREES.contains(&key.as_str())
        || (dotted
            && matches!(
                key.as_str(),
                "bs" | "ba" | "ms" | "ma" | "med" | "bed" | "aa" | "as" | "aas" | "macc"
            ))
}

/// "M.S." in a suggestion is the same degree as "MS" or "M.S" in the resume.
fn known_has_degree(known: &str, word: &str) -> bool {
    let key = degree_key(word);
    words(known).into_iter().any(|(_, w)| degree_key(w) == key)
}

/// Words that mark a proper name as an organisation.
const ORG_WORDS: &[&str] = &[
    "Inc",
    "LLC",
    "Ltd",
    "Corp",
    "Corporation",
    "Company",
    "Co",
    "GmbH",
    "PLC",
    "University",
    "College",
    "Institute",
    "School",
    "Academy",
    "Hospital",
    "Clinic",
    "Bank",
    "Group",
    "Partners",
    "Technologies",
    "Systems",
    "Labs",
    "Solutions",
    "Consulting",
    "Agency",
    "Foundation",
    "Associates",
    "Holdings",
    "Industries",
    "Enterprises",
    "Studios",
    "Medical",
    "Center",
    "Centre",
];

/// Runs of capitalised words ("Acme Robotics", "University of Somewhere"), each with whether it
/// follows "at"/"joined" ("worked at Globex").
fn proper_phrases(text: &str) -> Vec<(String, bool)> {
    let tokens = words(text);
    let mut out = Vec::new();
    let mut k = 0;
    while k < tokens.len() {
        let (at, w) = tokens[k];
        let cap = w.chars().next().is_some_and(char::is_uppercase);
        if !cap {
            k += 1;
            continue;
        }
        let mut end = k + 1;
        while end < tokens.len() {
            let (_, n) = tokens[end];
            let joins = matches!(n, "of" | "&" | "and" | "for")
                && tokens
                    .get(end + 1)
                    .is_some_and(|&(_, x)| x.chars().next().is_some_and(char::is_uppercase));
            if n.chars().next().is_some_and(char::is_uppercase) || joins {
                end += 1;
            } else {
                break;
            }
        }
        let prev = k.checked_sub(1).map(|p| tokens[p].1.to_ascii_lowercase());
        let after_at = matches!(prev.as_deref(), Some("at" | "joined"));
        // A lone capitalised word at a sentence start is just grammar.
        if end - k > 1 || !starts_sentence(text, at) || after_at {
            let last = tokens[end - 1];
            out.push((text[at..last.0 + last.1.len()].to_string(), after_at));
        }
        k = end;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_years_but_not_amounts() {
        assert_eq!(years_in("03/2019"), ["2019"]);
        assert_eq!(years_in("2019-2021"), ["2019", "2021"]);
        assert!(years_in("$2000").is_empty());
        assert!(years_in("1,2000").is_empty());
        assert!(years_in("12000").is_empty());
    }

    #[test]
    fn months_only_when_they_are_dates() {
        assert_eq!(month_word("Jan", Some("2020")), Some("Jan"));
        assert_eq!(month_word("September", None), Some("September"));
        assert_eq!(month_word("May", None), None);
        assert_eq!(month_word("may", Some("2020")), None);
    }

    #[test]
    fn proper_phrases_spot_organisations() {
        let p = proper_phrases("Led audits at Globex and the University of Springfield team");
        assert!(p.contains(&("Globex".to_string(), true)), "{p:?}");
        assert!(p.iter().any(|(s, _)| s == "University of Springfield"), "{p:?}");
    }
}
