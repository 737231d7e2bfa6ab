//! The truthfulness guard, applied to every suggestion from every provider.
//!
//! First the suggested text is normalised (whitespace, bullet characters, list separators).
//! Dropped: a suggestion whose `original` is not the resume's text at its target (the evidence
//! link is broken), one that grows the text or its section past the cap, one that loses the
//! original's numbers or most of its words, and one that introduces an employer, school, degree,
//! date, job title or certification the resume does not contain (or renames one it does).
//! Marked uncertain (the default is then the original): one that introduces a number, a money
//! amount, an amount in words or a multiplier in any tense and case ("doubling", "twofold",
//! "3x", "by half"), a claim of scope ("millions of users", "company-wide"), or a skill or tool
//! the resume never shows (any taxonomy concept in any case, and unknown capitalised terms).
//! Kept suggestions come back in resume order. The guard reads no instruction from anywhere: a
//! JD's text is only searched for its company name.

use std::collections::HashSet;

use resumax_core::job_description::ParsedJobDescription;
use resumax_core::optimization::{Suggestion, SuggestionTarget};
use resumax_core::resume::{ParsedResume, SectionKind};
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
    guard_for_job(resume, None, None, suggestions)
}

/// Like [`guard`], and also accepts the JD's wording for a concept the scoring report matched in
/// the resume (its non-literal matches), when the suggestion replaces that very resume wording.
pub fn guard_with_report(
    resume: &ParsedResume,
    report: &MatchReport,
    suggestions: Vec<Suggestion>,
) -> Guarded {
    guard_for_job(resume, Some(report), None, suggestions)
}

/// The full guard: with the report (accepted JD wordings, JD terms the resume lacks) and the JD
/// (its skills and company, the likeliest things for a model to borrow).
pub fn guard_for_job(
    resume: &ParsedResume,
    report: Option<&MatchReport>,
    job: Option<&ParsedJobDescription>,
    suggestions: Vec<Suggestion>,
) -> Guarded {
    let equivalents: Vec<(&str, &str)> = report
        .into_iter()
        .flat_map(|r| &r.matched_keywords)
        .filter(|m| !m.literal)
        .map(|m| (m.term.as_str(), m.resume_term.as_str()))
        .collect();
    let known = known_text(resume);
    let mut jd_terms: Vec<&str> =
        report.into_iter().flat_map(|r| &r.missing_keywords).map(|m| m.term.as_str()).collect();
    if let Some(job) = job {
        jd_terms.extend(job.required_skills.iter().chain(&job.preferred_skills).map(String::as_str));
    }
    jd_terms.retain(|t| !t.trim().is_empty() && !contains_word(&known, t));
    let organizations: Vec<&str> = resume
        .sections
        .iter()
        .filter(|s| matches!(s.kind, SectionKind::Experience | SectionKind::Education))
        .flat_map(|s| &s.entries)
        .filter_map(|e| e.organization.as_deref())
        .collect();
    let known_concepts = concepts_in(&known);
    let context = Context {
        known: &known,
        known_concepts: &known_concepts,
        equivalents: &equivalents,
        jd_terms: &jd_terms,
        organizations: &organizations,
        jd_company: job
            .and_then(|j| j.company.as_deref())
            .filter(|c| !c.trim().is_empty() && !contains_word(&known, c)),
    };
    run(resume, &context, suggestions)
}

struct Context<'a> {
    known: &'a str,
    /// Taxonomy concepts the resume mentions anywhere, in any spelling or case.
    known_concepts: &'a HashSet<usize>,
    equivalents: &'a [(&'a str, &'a str)],
    /// JD skills the resume never mentions.
    jd_terms: &'a [&'a str],
    organizations: &'a [&'a str],
    jd_company: Option<&'a str>,
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

fn run(resume: &ParsedResume, context: &Context<'_>, suggestions: Vec<Suggestion>) -> Guarded {
    let mut seen_ids = HashSet::new();
    let mut out = Guarded::default();
    for mut s in suggestions {
        s.suggested = match s.target {
            SuggestionTarget::Line { .. } => normalize_line(&s.suggested),
            SuggestionTarget::Skills { .. } => normalize_list(&s.suggested),
        };
        let verdict = if !seen_ids.insert(s.change_id.clone()) {
            Err(format!("duplicate change id {}", s.change_id))
        } else {
            check(resume, context, &s)
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
    cap_section_growth(resume, &mut out);
    // Section order is the resume's, whatever order the provider answered in.
    out.kept.sort_by_key(|s| match s.target {
        SuggestionTarget::Line { item } => (item.section, item.entry, item.line),
        SuggestionTarget::Skills { section } => (section, usize::MAX, 0),
    });
    out
}

/// A section may grow by at most this share of its text plus `SECTION_SLACK` characters over
/// all its kept suggestions, so many small additions cannot bloat it.
const SECTION_GROWTH: f64 = 0.35;
const SECTION_SLACK: f64 = 160.0;

fn cap_section_growth(resume: &ParsedResume, out: &mut Guarded) {
    let mut grown: std::collections::HashMap<usize, f64> = std::collections::HashMap::new();
    let mut kept = Vec::new();
    for s in std::mem::take(&mut out.kept) {
        let section = match s.target {
            SuggestionTarget::Line { item } => item.section,
            SuggestionTarget::Skills { section } => section,
        };
        let size = resume.sections.get(section).map_or(0, |sec| sec.body_text().chars().count()) as f64;
        let delta = s.suggested.chars().count() as f64 - s.original.chars().count() as f64;
        let total = grown.entry(section).or_default();
        if *total + delta > size * SECTION_GROWTH + SECTION_SLACK {
            out.dropped.push((
                s,
                format!("the {} section would grow past its cap", resume.sections[section].kind.as_str()),
            ));
        } else {
            *total += delta;
            kept.push(s);
        }
    }
    out.kept = kept;
}

/// One line of plain text: no bullet character in front, single spaces.
pub(crate) fn normalize_line(text: &str) -> String {
    let trimmed = text.trim().trim_start_matches(['•', '·', '▪', '‣', '◦', '*', '–', '—', '-', '●', '■']);
    trimmed.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A skills list as ", "-joined items, whatever separators the provider used, without repeats.
pub(crate) fn normalize_list(text: &str) -> String {
    let mut items: Vec<String> = Vec::new();
    for item in text.split([';', '|', '\n', '•']).flat_map(|p| p.split(", ")) {
        let item = normalize_line(item.trim().trim_end_matches(','));
        if !item.is_empty() && !items.iter().any(|i| i.eq_ignore_ascii_case(&item)) {
            items.push(item);
        }
    }
    items.join(", ")
}

/// Ok with the doubts that make it uncertain, or Err with the reason to drop it.
fn check(resume: &ParsedResume, context: &Context<'_>, s: &Suggestion) -> Result<Vec<String>, String> {
    let known = context.known;
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
        return Err("empty suggestion: it would delete the line".to_string());
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
    let tokens = words(suggested);
    let original_tokens = words(original);

    // Dates.
    let original_years: Vec<&str> = original_tokens.iter().flat_map(|&(_, w)| years_in(w)).collect();
    for (k, &(_, w)) in tokens.iter().enumerate() {
        for year in years_in(w) {
            if is_new(year) && (!in_resume(year) || !original_years.is_empty()) {
                return Err(format!("introduces the date {year}, which the line does not have"));
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

    // Certifications and licences.
    for (k, &(at, token)) in tokens.iter().enumerate() {
        // "PMP-certified" is two claims: the acronym and the word.
        if let Some(acronym) = token.split(['-', '/']).find(|p| CERTIFICATIONS.contains(p))
            && is_new(acronym)
            && !in_resume(acronym)
        {
            return Err(format!(
                "introduces the certification \"{acronym}\", which the resume does not have"
            ));
        }
        let Some(w) = token.split(['-', '/']).find(|p| {
            let lower = p.to_lowercase();
            CERT_STEMS.iter().any(|stem| lower.starts_with(stem))
        }) else {
            continue;
        };
        let lower = w.to_lowercase();
        if !is_new(w) {
            continue;
        }
        if !CERT_STEMS.iter().any(|stem| known_has_stem(known, stem) && lower.starts_with(stem)) {
            return Err(format!("introduces a certification or licence (\"{w}\") the resume does not state"));
        }
        // The resume holds some certification; the one named next to the word must be its own.
        let window = tokens[k.saturating_sub(4)..(k + 5).min(tokens.len())].iter();
        for &(wat, n) in window {
            let named = n.chars().any(char::is_uppercase) && wat != at;
            if named && is_new(n) && !in_resume(n) && !starts_sentence(suggested, wat) {
                return Err(format!(
                    "names a certification (\"{n}\" next to \"{w}\") the resume does not state"
                ));
            }
        }
    }

    // Employers and schools: new proper names that look like organisations, borrow the JD's
    // company, rename one of the resume's own, or replace the one the line named.
    if let Some(company) = context.jd_company
        && contains_word(suggested, company)
    {
        return Err(format!("introduces the hiring company \"{company}\" as if the resume had it"));
    }
    // In a list, phrases stop at item boundaries.
    let phrases: Vec<(String, bool)> = match s.target {
        SuggestionTarget::Line { .. } => proper_phrases(suggested),
        SuggestionTarget::Skills { .. } => suggested.split(", ").flat_map(proper_phrases).collect(),
    };
    let is_line = matches!(s.target, SuggestionTarget::Line { .. });
    let named_org_before = context.organizations.iter().any(|o| contains_word(original, o));
    let named_org_after = context.organizations.iter().any(|o| contains_word(suggested, o));
    for (phrase, after_at) in &phrases {
        if !is_new(phrase) || in_resume(phrase) {
            continue;
        }
        let org_like = phrase.split_whitespace().any(|w| ORG_WORDS.contains(&w.trim_end_matches('.')));
        if org_like || *after_at {
            return Err(format!(
                "introduces the employer or school \"{phrase}\", which the resume does not have"
            ));
        }
        // The first word of a name is its brand ("Initech", "Greenfield"); later words are
        // often ordinary ("Data", "Payments") and prove nothing.
        let renames = context.organizations.iter().any(|org| {
            org.split_whitespace()
                .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()))
                .next()
                .filter(|w| w.len() >= 3 && !ORG_WORDS.contains(w))
                .is_some_and(|w| {
                    contains_word(phrase, w) || phrase.split_whitespace().any(|p| close_name(p, w))
                })
        });
        if is_line && (renames || (named_org_before && !named_org_after)) {
            return Err(format!("renames an employer or school of the resume as \"{phrase}\""));
        }
    }

    // Job titles: a role the line claims ("as a Staff Engineer", "promoted to engineering
    // manager", "CTO") that the resume never states.
    for title in title_claims(suggested) {
        if !contains_word(original, &title) && !contains_word(known, &title) {
            return Err(format!("introduces the job title \"{title}\", which the resume does not have"));
        }
    }

    // Facts of the original that must survive: its numbers, and for a line most of its words.
    for &(_, w) in &original_tokens {
        if w.starts_with(|c: char| c.is_ascii_digit()) && !contains_word(suggested, w) {
            return Err(format!("drops the number \"{w}\" of the original"));
        }
    }
    if let SuggestionTarget::Line { .. } = s.target {
        let content = |t: &[(usize, &str)]| -> Vec<String> {
            t.iter()
                .map(|&(_, w)| w.to_lowercase())
                .filter(|w| w.chars().count() >= 4 && !FILLER.contains(&w.as_str()))
                .map(|w| w.chars().take(5).collect())
                .collect()
        };
        let before = content(&original_tokens);
        let after = content(&tokens);
        let kept = before.iter().filter(|w| after.contains(w)).count();
        if before.len() >= 3 && (kept as f64) < 0.5 * before.len() as f64 {
            return Err(format!(
                "keeps only {kept} of the original's {} content words: facts of the line would be lost",
                before.len()
            ));
        }
    }
    if let SuggestionTarget::Skills { .. } = s.target {
        for item in s.original.split(", ").filter(|i| !i.trim().is_empty()) {
            let still = suggested.split(", ").any(|n| {
                n.eq_ignore_ascii_case(item)
                    || contains_word(n, item)
                    || context
                        .equivalents
                        .iter()
                        .any(|(jd, res)| res.eq_ignore_ascii_case(item) && contains_word(n, jd))
            });
            if !still {
                return Err(format!("removes the skill \"{item}\" from the list"));
            }
        }
    }

    let mut doubts = Vec::new();
    // Numbers, money and metrics.
    for (k, &(at, w)) in tokens.iter().enumerate() {
        // Part of a name the resume uses ("Six Sigma").
        let named = tokens.get(k + 1).is_some_and(|&(_, n)| contains_word(known, &format!("{w} {n}")));
        // A number starts with a digit ("35", "1.2M", "3x"); "B2B" and "S3" are names.
        if w.starts_with(|c: char| c.is_ascii_digit()) && is_new(w) {
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
        } else if let Some(part) =
            w.split(['-', '/']).skip(1).find(|p| p.starts_with(|c: char| c.is_ascii_digit()))
            && is_new(w)
        {
            // A number inside a compound ("sub-100ms", "top-3").
            doubts.push(format!("the number \"{part}\" in \"{w}\" is not in the original"));
        } else if is_amount_word(w) && is_new(w) && !named {
            doubts.push(format!("the amount \"{w}\" is not in the original"));
        }
    }
    for phrase in SCOPE_CLAIMS {
        if contains_word(suggested, phrase) && is_new(phrase) {
            doubts.push(format!("the scope \"{phrase}\" is not in the original"));
        }
    }
    // Skills: JD skills the resume never shows, and skill-like capitalised terms it never uses.
    // A line may use the JD's wording for what it says itself; a skills list sums up the whole
    // resume, so there the concept may be shown anywhere in it.
    let list = matches!(s.target, SuggestionTarget::Skills { .. });
    let covered = |w: &str| {
        context.equivalents.iter().any(|(jd, res)| {
            contains_word(jd, w) && (contains_word(original, res) || (list && contains_word(known, res)))
        })
    };
    for term in context.jd_terms {
        if contains_word(suggested, term) && is_new(term) && !covered(term) {
            doubts.push(format!("\"{term}\" does not appear anywhere in the resume"));
        }
    }
    // Skills and tools by meaning: any taxonomy concept, in any case or spelling, that the resume
    // never mentions (a line may still use the JD's wording for what it says itself).
    let lexicon = &resumax_lexicon::TAXONOMY;
    let suggested_tokens = resumax_lexicon::tokenize(suggested);
    for (concept, first, len) in lexicon.scan(suggested, &suggested_tokens) {
        if lexicon.concepts[concept].soft || context.known_concepts.contains(&concept) {
            continue;
        }
        let span = &suggested[suggested_tokens[first].start..suggested_tokens[first + len - 1].end];
        if is_new(span) && !covered(span) && !covered(lexicon.canonical(concept)) {
            doubts.push(format!("\"{span}\" does not appear anywhere in the resume"));
        }
    }
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
                doubts.push(format!("\"{item}\" does not appear anywhere in the resume"));
            }
        }
    }
    let mut unique = Vec::new();
    for d in doubts {
        if !unique.contains(&d) {
            unique.push(d);
        }
    }
    Ok(unique)
}

/// Short words that carry no fact, ignored when counting what a rewrite kept.
const FILLER: &[&str] = &[
    "responsible",
    "worked",
    "helped",
    "with",
    "assisted",
    "involved",
    "participated",
    "duties",
    "included",
    "successfully",
    "various",
    "order",
    "variety",
    "that",
    "this",
    "from",
    "into",
    "their",
    "were",
    "have",
    "tasked",
    "charge",
    "utilized",
    "utilizing",
    "very",
    "really",
    "also",
    "being",
];

/// Words for amounts a model may slip in instead of digits, lowercase.
const NUMBER_WORDS: &[&str] = &[
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
    "twenty",
    "thirty",
    "forty",
    "fifty",
    "sixty",
    "seventy",
    "eighty",
    "ninety",
    "hundred",
    "hundreds",
    "thousand",
    "thousands",
    "million",
    "millions",
    "billion",
    "billions",
    "trillion",
    "dozen",
    "dozens",
    "percent",
    "percentage",
    "half",
    "quarter",
    "third",
    "twice",
    "thrice",
    "decade",
    "decades",
    "double",
    "triple",
    "quadruple",
];

/// Stems of the verbs of multiplying and dividing, in every tense ("doubled", "doubling",
/// "doubles", "halving", "tripled", "multiplied").
const MULTIPLIER_STEMS: &[&str] = &["doubl", "tripl", "quadrupl", "quintupl", "halv", "multipl", "tenfold"];

/// An amount said in words: a number word, a multiplier verb in any tense, "N-fold", "Nx"
/// spelled out ("tenfold", "two-fold", "x10"). Case never matters.
fn is_amount_word(word: &str) -> bool {
    let lower = word.to_lowercase();
    let lower = lower.trim_end_matches(['\'', '\u{2019}']);
    if NUMBER_WORDS.contains(&lower) || MULTIPLIER_STEMS.iter().any(|s| lower.starts_with(s)) {
        return true;
    }
    // "twofold", "two-fold", "10-fold", "hundredfold"; not "manifold" or "scaffold".
    if let Some(head) = lower.strip_suffix("fold") {
        let head = head.trim_end_matches('-');
        return head.chars().all(|c| c.is_ascii_digit()) && !head.is_empty()
            || NUMBER_WORDS.contains(&head)
            || head == "many";
    }
    // "x10", "x3": a multiplier written before its number.
    lower.strip_prefix('x').is_some_and(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()))
}

/// Claims of reach that are a metric without a number.
const SCOPE_CLAIMS: &[&str] = &[
    "millions of",
    "thousands of",
    "hundreds of",
    "billions of",
    "company-wide",
    "companywide",
    "organization-wide",
    "organisation-wide",
    "org-wide",
    "enterprise-wide",
    "worldwide",
    "world-wide",
    "globally",
    "global scale",
    "nationwide",
    "industry-leading",
    "world-class",
    "record-breaking",
    "every team",
    "all teams",
    "entire company",
    "entire organization",
    "entire organisation",
    "fortune 500",
];

/// Seniority and office words that make a phrase a job title.
const TITLE_WORDS: &[&str] = &[
    "senior",
    "sr",
    "staff",
    "principal",
    "lead",
    "head",
    "chief",
    "director",
    "vp",
    "vice",
    "president",
    "founder",
    "co-founder",
    "cofounder",
    "cto",
    "ceo",
    "cfo",
    "coo",
    "cio",
    "ciso",
    "partner",
    "manager",
    "architect",
    "owner",
];

/// The titles a text claims: a phrase after "as", "promoted to", "became" or "serving as" that
/// ends in a title word ("as a Staff Engineer", "as tech lead"), and a bare executive acronym
/// ("CTO"). Each comes back as written, without its article.
fn title_claims(text: &str) -> Vec<String> {
    let tokens = words(text);
    let lower: Vec<String> = tokens.iter().map(|&(_, w)| w.to_lowercase()).collect();
    let mut out = Vec::new();
    for k in 0..tokens.len() {
        let opens = match lower[k].as_str() {
            "as" | "became" => true,
            "to" => k > 0 && lower[k - 1] == "promoted",
            _ => false,
        };
        if opens {
            let mut start = k + 1;
            if lower.get(start).is_some_and(|w| matches!(w.as_str(), "a" | "an" | "the" | "our" | "its")) {
                start += 1;
            }
            // A title is at most four words and ends in a title word or title head.
            let mut end = None;
            for j in start..(start + 4).min(tokens.len()) {
                let w = lower[j].as_str();
                if TITLE_WORDS.contains(&w) || resumax_lexicon::words::is_title_head(w) {
                    end = Some(j);
                }
                if !tokens[j].1.chars().all(|c| c.is_alphanumeric() || c == '-') {
                    break;
                }
            }
            // "as a manager of ..." counts; "as part of" does not (no title word).
            if let Some(end) = end {
                let from = tokens[start].0;
                let to = tokens[end].0 + tokens[end].1.len();
                out.push(text[from..to].to_string());
            }
        }
        // A seniority word before a title head ("Staff backend engineer", "principal engineer").
        if matches!(lower[k].as_str(), "senior" | "sr" | "staff" | "principal" | "chief" | "lead" | "head")
            && let Some(head) =
                (k + 1..(k + 3).min(tokens.len())).find(|&j| resumax_lexicon::words::is_title_head(&lower[j]))
        {
            out.push(text[tokens[k].0..tokens[head].0 + tokens[head].1.len()].to_string());
        }
        if matches!(lower[k].as_str(), "cto" | "ceo" | "cfo" | "coo" | "cio" | "ciso" | "vp") {
            out.push(tokens[k].1.to_string());
        }
    }
    out
}

/// Taxonomy concepts a text mentions.
fn concepts_in(text: &str) -> HashSet<usize> {
    let tokens = resumax_lexicon::tokenize(text);
    resumax_lexicon::TAXONOMY.scan(text, &tokens).into_iter().map(|(c, _, _)| c).collect()
}

/// Certification and licence acronyms, as printed.
const CERTIFICATIONS: &[&str] = &[
    "PMP",
    "CAPM",
    "CPA",
    "CFA",
    "CMA",
    "CIA",
    "CISSP",
    "CISM",
    "CISA",
    "CEH",
    "OSCP",
    "CCNA",
    "CCNP",
    "CCIE",
    "CKA",
    "CKAD",
    "CKS",
    "CSM",
    "PSM",
    "CSPO",
    "SAFe",
    "ITIL",
    "PHR",
    "SPHR",
    "SHRM-CP",
    "SHRM-SCP",
    "ACLS",
    "BLS",
    "PALS",
    "NRP",
    "CCRN",
    "CEN",
    "CNOR",
    "TNCC",
    "RHIA",
    "RHIT",
    "CPC",
    "FRM",
    "CFP",
    "LEED",
    "CSCP",
    "CPIM",
    "CIPD",
    "CPhT",
    "CNA",
    "LPN",
    "NCLEX",
    "Security+",
    "Network+",
    "A+",
    "GCP-ACE",
    "AWS-SAA",
];

/// Word stems that claim a credential.
const CERT_STEMS: &[&str] = &["certif", "licens", "licence", "accredit"];

fn known_has_stem(known: &str, stem: &str) -> bool {
    words(known).into_iter().any(|(_, w)| w.to_lowercase().starts_with(stem))
}

/// "Initrode" for "Initech": same first letters and a small edit distance.
fn close_name(candidate: &str, known: &str) -> bool {
    let a: Vec<char> = candidate.to_lowercase().chars().filter(|c| c.is_alphanumeric()).collect();
    let b: Vec<char> = known.to_lowercase().chars().filter(|c| c.is_alphanumeric()).collect();
    if a.len() < 4 || b.len() < 4 || a == b || a[..2] != b[..2] {
        return false;
    }
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != cb);
            cur.push((prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()] <= 3.min(b.len() / 2)
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

/// A degree, certification or licence word: a fact, never a mere wording.
pub(crate) fn is_credential(word: &str) -> bool {
    let lower = word.to_lowercase();
    is_degree(word) || CERTIFICATIONS.contains(&word) || CERT_STEMS.iter().any(|s| lower.starts_with(s))
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
            let (n_at, n) = tokens[end];
            let (p_at, p) = tokens[end - 1];
            // A phrase never spans punctuation ("Go, Kafka" are two names).
            if !text[p_at + p.len()..n_at].chars().all(char::is_whitespace) {
                break;
            }
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
