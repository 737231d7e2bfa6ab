//! What the JD asks for: required and preferred skills as the parser listed them, skills the JD
//! text mentions (found through the taxonomy), and capitalised tool names after phrases such as
//! "experience with" that the taxonomy does not know.

use std::collections::HashMap;

use resumax_core::job_description::{ParsedJobDescription, Requirement, RequirementKind};
use resumax_core::score::Importance;

use crate::text::{Token, tokenize};
use resumax_lexicon::{Form, TAXONOMY};

const BASE_REQUIRED: f64 = 3.0;
const BASE_PREFERRED: f64 = 1.5;
const BASE_MENTIONED: f64 = 1.0;
const MAX_MENTIONED: usize = 15;
const MAX_TERM_TOKENS: usize = 8;

/// One thing the JD asks for, as the scorer understood it.
#[derive(Debug, Clone)]
pub struct JdTerm {
    /// The JD's wording: what a literal ATS search would look for.
    pub wording: String,
    /// The taxonomy's name for it ("PostgreSQL" for "Postgres"), or the wording when the
    /// taxonomy does not know it.
    pub canonical: String,
    pub importance: Importance,
    /// Importance times frequency in the JD, with diminishing returns.
    pub weight: f64,
    /// A soft skill (communication, leadership): scored in its own component.
    pub soft: bool,
    /// `forms[0]` is the wording itself, then its parts ("PLM (Windchill)"); the taxonomy's
    /// variants are borrowed through `concept`, not copied, because ranking builds terms for
    /// every JD.
    pub(crate) forms: Vec<Form>,
    pub(crate) concept: Option<usize>,
    /// For "Mechanical Engineering Degree": the field, matched in the education section.
    pub(crate) degree_field: Option<Form>,
    /// Members of one either/or requirement share a group: the best-evidenced member stands
    /// for the group, the others are dropped ("Go, Rust or Java" asks for one of them).
    pub group: Option<usize>,
    /// For a group's members: every member's wording, in the posting's order (for advice).
    pub alternatives: Vec<String>,
    /// The class a group's examples illustrate ("message queues" for Kafka or RabbitMQ): it
    /// satisfies the group but is not itself listed as a required skill.
    pub category: bool,
}

impl JdTerm {
    /// The JD's wording first, then every other way of saying it.
    pub(crate) fn all_forms(&self) -> impl Iterator<Item = &Form> + Clone {
        let taxonomy = self.concept.map(|c| TAXONOMY.concepts[c].forms.as_slice()).unwrap_or_default();
        self.forms.iter().chain(taxonomy)
    }
}

struct Builder {
    /// Group members are pushed even when the concept is already a term: "Python" required on
    /// its own and "Python or R" are two requirements.
    allow_known: bool,
    terms: Vec<JdTerm>,
    counts: Vec<usize>,
    by_concept: HashMap<usize, usize>,
    by_stems: HashMap<String, usize>,
}

impl Builder {
    fn known(&self, form: &Form, concept: Option<usize>) -> Option<usize> {
        concept
            .and_then(|c| self.by_concept.get(&c))
            .or_else(|| self.by_stems.get(&form.stems.join(" ")))
            .copied()
    }

    fn push(&mut self, wording: &str, importance: Importance, concept: Option<usize>) -> bool {
        self.push_named(wording, importance, concept, None)
    }

    /// `name` overrides the canonical name of a term the taxonomy does not know ("Nursing
    /// Degree" for "degree in nursing").
    fn push_named(
        &mut self,
        wording: &str,
        importance: Importance,
        concept: Option<usize>,
        name: Option<String>,
    ) -> bool {
        let wording = wording.trim().trim_matches(|c: char| c == '.' || c == ',' || c == ';' || c == ':');
        let Some(form) = Form::new(wording, false) else {
            return false;
        };
        if form.stems.len() > MAX_TERM_TOKENS || (!self.allow_known && self.known(&form, concept).is_some()) {
            return false;
        }
        let mut forms = vec![form.clone()];
        let mut concept = concept;
        // "PLM (Windchill)", "Agile/Scrum": each part is also a way to say it.
        if concept.is_none() {
            let parts: Vec<&str> = wording
                .split(['(', ')', '/'])
                .map(str::trim)
                .filter(|p| !p.is_empty() && *p != wording)
                .collect();
            for part in parts {
                if let Some(f) = Form::new(part, false) {
                    concept = concept.or_else(|| TAXONOMY.lookup(part));
                    forms.push(f);
                }
            }
        }

        let canonical = match (concept, name) {
            (Some(c), _) => TAXONOMY.canonical(c).to_string(),
            (None, Some(name)) => name,
            (None, None) => form.text.clone(),
        };
        let degree_field = [canonical.as_str(), wording].into_iter().find_map(|text| {
            let words: Vec<&str> = text.split_whitespace().collect();
            match words.split_last() {
                Some((last, field)) if !field.is_empty() && last.eq_ignore_ascii_case("degree") => {
                    Form::new(&field.join(" "), false)
                }
                _ => None,
            }
        });
        let index = self.terms.len();
        if let Some(c) = concept {
            self.by_concept.insert(c, index);
        }
        let taxonomy_forms = concept.map(|c| TAXONOMY.concepts[c].forms.as_slice()).unwrap_or_default();
        for f in forms.iter().chain(taxonomy_forms) {
            self.by_stems.entry(f.stems.join(" ")).or_insert(index);
        }
        let soft = concept.is_some_and(|c| TAXONOMY.concepts[c].soft);
        self.terms.push(JdTerm {
            wording: form.text.clone(),
            canonical,
            importance,
            weight: 0.0,
            soft,
            forms,
            concept,
            degree_field,
            group: None,
            alternatives: Vec::new(),
            category: false,
        });
        self.counts.push(0);
        true
    }

    /// Every skill a requirement line names: degrees, taxonomy concepts, and when neither, the
    /// parser's phrase itself if it reads like the name of a tool or credential.
    fn push_requirement(&mut self, segment: &str, importance: Importance) -> bool {
        let tokens = tokenize(segment);
        let mut found = false;
        if let Some((wording, concept, name)) = degree_requirement(segment, &tokens) {
            self.push_named(&wording, importance, concept, name);
            found = true;
        }
        for (c, at, len) in TAXONOMY.scan_all(segment, &tokens) {
            let surface = &segment[tokens[at].start..tokens[at + len - 1].end];
            self.push(surface, importance, Some(c));
            found = true;
        }
        found
    }
}

/// Everything the JD asks for, required first, then preferred, then what the text mentions.
pub fn extract(job: &ParsedJobDescription) -> Vec<JdTerm> {
    let relevant = without_boilerplate(&job.sanitized_text);
    let tokens = tokenize(&relevant);
    extract_with(job, &resumax_document::requirements_of(job), &relevant, &tokens)
}

/// The canonical names of the skills the JD requires, in the JD's order.
pub fn required_skills(job: &ParsedJobDescription) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for t in extract(job).into_iter().filter(|t| t.importance == Importance::Required && !t.category) {
        if !out.contains(&t.canonical) {
            out.push(t.canonical);
        }
    }
    out
}

/// [`extract`] on a JD text already stripped of boilerplate and tokenized, so the caller can
/// read years and degrees from the same tokens.
pub(crate) fn extract_with(
    job: &ParsedJobDescription,
    reqs: &[Requirement],
    text: &str,
    tokens: &[Token],
) -> Vec<JdTerm> {
    let mut b = Builder {
        allow_known: false,
        terms: Vec::new(),
        counts: Vec::new(),
        by_concept: HashMap::new(),
        by_stems: HashMap::new(),
    };
    // What the posting asks for is read once, by JD analysis: the same requirements the API
    // shows. A posting given only as lists (an API client's `requiredSkills`) is read from them.
    let mut groups = 0;
    for r in reqs {
        if r.kind == RequirementKind::Years {
            continue;
        }
        let members: Vec<&str> = r.members().filter(|m| !is_equivalent_experience(m)).collect();
        if members.is_empty() {
            continue;
        }
        let group = (members.len() > 1).then(|| {
            groups += 1;
            groups
        });
        for (k, m) in members.iter().enumerate() {
            if r.kind == RequirementKind::Degree
                && b.terms.iter().any(|t| t.group.is_some() && t.group == group)
            {
                break;
            }
            let before = b.terms.len();
            b.allow_known = group.is_some();
            if r.kind == RequirementKind::Degree {
                // "Computer Science degree", "MS in statistics": the field, matched in the
                // education section (a field the taxonomy knows as a skill is that skill); a
                // degree without a field is the education component's business. Only the first
                // field names the requirement; the others are its alternatives.
                if let Some(field) = degree_field_of(m) {
                    match TAXONOMY.lookup(&field).filter(|&c| !TAXONOMY.concepts[c].soft) {
                        Some(c) if !TAXONOMY.canonical(c).ends_with("Degree") => {
                            b.push_named(&field, r.importance, Some(c), None);
                        }
                        _ => {
                            if let Some((wording, concept, name)) = field_degree(&format!("{field} degree")) {
                                b.push_named(&wording, r.importance, concept, name);
                            }
                        }
                    }
                }
            } else {
                // A phrase with one known skill inside ("general ledger accounting") is that
                // skill in other words; but a class its examples illustrate ("data science
                // toolkits, such as R or NumPy") is not the field named inside it: mentioning
                // data science is no toolkit.
                let class = r.category && k == 0;
                let concept = TAXONOMY.lookup_loose(m).or_else(|| {
                    if class {
                        return None;
                    }
                    let tokens = tokenize(m);
                    let hits = TAXONOMY.scan(m, &tokens);
                    (hits.len() == 1 && hits[0].2 * 2 >= tokens.len()).then(|| hits[0].0)
                });
                b.push(m, r.importance, concept);
            }
            b.allow_known = false;
            for t in &mut b.terms[before..] {
                t.group = group;
                t.category = r.category && k == 0;
                if group.is_some() {
                    t.alternatives = members.iter().map(|s| s.to_string()).collect();
                }
            }
        }
    }
    if reqs.is_empty() {
        for (phrases, importance) in
            [(&job.required_skills, Importance::Required), (&job.preferred_skills, Importance::Preferred)]
        {
            for phrase in phrases {
                let (phrase, _) = strip_marker(phrase.trim());
                if let Some(concept) = TAXONOMY.lookup(phrase) {
                    b.push(phrase, importance, Some(concept));
                } else if !b.push_requirement(phrase, importance)
                    && looks_like_a_name(phrase)
                    && !opens_a_sentence(&job.sanitized_text, phrase)
                {
                    b.push(phrase, importance, None);
                }
            }
        }
    }

    let mut mentioned = 0;
    for (c, at, len) in TAXONOMY.scan(text, tokens) {
        let index = match b.by_concept.get(&c) {
            Some(&i) => Some(i),
            None if mentioned < MAX_MENTIONED => {
                let surface = &text[tokens[at].start..tokens[at + len - 1].end];
                if b.push(surface, Importance::Mentioned, Some(c)) {
                    mentioned += 1;
                }
                b.by_concept.get(&c).copied()
            }
            None => None,
        };
        if let Some(i) = index {
            b.counts[i] += 1;
        }
    }
    for phrase in trigger_phrases(text, tokens) {
        if mentioned >= MAX_MENTIONED {
            break;
        }
        let concept = TAXONOMY.lookup(&phrase);
        if b.push(&phrase, Importance::Mentioned, concept) {
            mentioned += 1;
        }
    }

    // Skills the JD repeats matter more, with diminishing returns: at most 1.5x the base.
    for (term, &scan_hits) in b.terms.iter_mut().zip(&b.counts) {
        let count = if scan_hits > 0 { scan_hits } else { count_in(term.all_forms(), text, tokens).max(1) };
        let base = match term.importance {
            Importance::Required => BASE_REQUIRED,
            Importance::Preferred => BASE_PREFERRED,
            Importance::Mentioned => BASE_MENTIONED,
        };
        term.weight = base * (1.0 + 0.5 * (1.0 - 1.0 / count as f64));
    }
    b.terms
}

/// The line without a list marker ("•", "*", "-", "3.", "2)"), and whether it had one.
fn strip_marker(line: &str) -> (&str, bool) {
    let t = line.trim_start();
    if let Some(rest) = t.strip_prefix(['•', '*', '-', '·', '–', '▪', '◦']) {
        return (rest.trim_start(), true);
    }
    let digits = t.chars().take_while(char::is_ascii_digit).count();
    if (1..=2).contains(&digits)
        && let Some(rest) = t[digits..].strip_prefix(['.', ')'])
        && rest.starts_with(' ')
    {
        return (rest.trim_start(), true);
    }
    (t, false)
}

/// Does the phrase only ever stand first in its sentence or list item? There a capital letter
/// says nothing ("Current, unrestricted license").
fn opens_a_sentence(text: &str, phrase: &str) -> bool {
    if phrase.split_whitespace().count() > 1 || phrase.chars().skip(1).any(|c| !c.is_lowercase()) {
        return false;
    }
    let mut seen = false;
    for line in text.lines() {
        let (body, _) = strip_marker(line.trim());
        for (at, _) in body.match_indices(phrase) {
            seen = true;
            let before = body[..at].trim_end();
            if !(before.is_empty() || before.ends_with(['.', ':', '!', '?'])) {
                return false;
            }
        }
    }
    seen
}

/// "Equivalent practical experience" satisfies a degree group through the experience
/// component, not as a keyword.
fn is_equivalent_experience(member: &str) -> bool {
    let l = member.to_lowercase();
    l.contains("equivalent") && l.contains("experience")
}

/// The field of a degree name: "MS in statistics" -> "statistics", "Computer Science degree"
/// -> "Computer Science"; None for "Bachelor's degree".
fn degree_field_of(member: &str) -> Option<String> {
    let field = match member.split_once(" in ") {
        Some((_, f)) => f.trim(),
        None => member.strip_suffix(" degree").or_else(|| member.strip_suffix(" Degree"))?.trim(),
    };
    let vague = field.split_whitespace().any(|w| VAGUE_FIELDS.contains(&w.to_lowercase().as_str()));
    let level = tokenize(field).iter().any(|t| resumax_lexicon::words::degree_level(&t.folded).is_some());
    (!field.is_empty() && !vague && !level && field.split_whitespace().count() <= 4)
        .then(|| field.to_string())
}

/// "Computer Science degree" (the model's name for one field of a degree list).
fn field_degree(member: &str) -> Option<(String, Option<usize>, Option<String>)> {
    let field = member.strip_suffix(" degree")?.trim();
    let vague = field.split_whitespace().any(|w| VAGUE_FIELDS.contains(&w.to_lowercase().as_str()));
    if field.is_empty() || vague || resumax_lexicon::words::degree_level(field).is_some() {
        return None;
    }
    let as_degree = format!("{field} degree");
    let concept = TAXONOMY
        .lookup(&as_degree)
        .or_else(|| TAXONOMY.lookup(field).filter(|&c| TAXONOMY.canonical(c).ends_with("Degree")));
    Some(match concept {
        Some(c) => (TAXONOMY.canonical(c).to_string(), Some(c), None),
        None => {
            let name = format!("{} Degree", title_case(field));
            (name.clone(), None, Some(name))
        }
    })
}

/// Words that open a degree requirement: "degree in", "bachelor's in".
const DEGREE_WORDS: &[&str] = &["degree", "bachelors", "bachelor", "masters", "master", "diploma"];
const VAGUE_FIELDS: &[&str] =
    &["related", "relevant", "equivalent", "similar", "any", "field", "discipline", "area", "quantitative"];

/// "Bachelor's degree in mechanical engineering or a related field" names the degree
/// "Mechanical Engineering Degree": (JD wording, taxonomy concept, name when the taxonomy lacks
/// it). Only the first field counts: "accounting or finance" asks for one of them.
fn degree_requirement(text: &str, tokens: &[Token]) -> Option<(String, Option<usize>, Option<String>)> {
    let at = tokens.iter().position(|t| DEGREE_WORDS.contains(&t.folded.as_str()))?;
    let mut i = at + 1;
    if tokens.get(i).is_some_and(|t| t.folded == "degree") {
        i += 1;
    }
    if tokens.get(i).is_none_or(|t| t.folded != "in") {
        return None;
    }
    i += 1;
    while tokens.get(i).is_some_and(|t| matches!(t.folded.as_str(), "a" | "an" | "the")) {
        i += 1;
    }
    let first = i;
    while let Some(t) = tokens.get(i) {
        let gap = &text[tokens[i - 1].end..t.start];
        if i - first >= 4
            || matches!(t.folded.as_str(), "or" | "and" | "with")
            || gap.contains([',', ';', '(', '.'])
        {
            break;
        }
        i += 1;
    }
    if i == first {
        return None;
    }
    let field_tokens = &tokens[first..i];
    if field_tokens.iter().any(|t| VAGUE_FIELDS.contains(&t.folded.as_str())) {
        return None;
    }
    let field = &text[field_tokens[0].start..field_tokens[field_tokens.len() - 1].end];
    let as_degree = format!("{field} degree");
    let concept = TAXONOMY
        .lookup(&as_degree)
        .or_else(|| TAXONOMY.lookup(field).filter(|&c| TAXONOMY.canonical(c).ends_with("Degree")));
    match concept {
        Some(c) => Some((TAXONOMY.canonical(c).to_string(), Some(c), None)),
        None => {
            let name = format!("{} Degree", title_case(field));
            Some((name.clone(), None, Some(name)))
        }
    }
}

fn title_case(text: &str) -> String {
    text.split_whitespace()
        .map(|w| {
            let mut chars = w.chars();
            match chars.next() {
                Some(first) if !matches!(w, "of" | "and" | "in" | "for") => {
                    first.to_uppercase().chain(chars).collect::<String>()
                }
                _ => w.to_string(),
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Words that are capitalised in requirements but name no skill of their own.
const NOT_A_NAME: &[&str] = &[
    "ms",
    "bs",
    "ba",
    "ma",
    "phd",
    "mba",
    "bsc",
    "msc",
    "us",
    "usa",
    "uk",
    "eu",
    "bachelors",
    "masters",
    "degree",
    "english",
    "strong",
    "excellent",
    "experience",
    "knowledge",
    "ability",
    "must",
    "the",
    "our",
    "we",
    "you",
    "current",
    "valid",
];
const NAME_GLUE: &[&str] = &["of", "and", "&", "for", "in", "the", "to", "on", "with"];

/// A phrase the taxonomy does not know is kept only when it reads like the name of a tool,
/// product or credential ("Windchill", "Epic Beaker", "ISO 13485"): every word capitalised or
/// carrying a digit or symbol. Ordinary phrases ("a record of meeting quota") are left out,
/// because a wrong required term costs the candidate points for nothing.
fn looks_like_a_name(phrase: &str) -> bool {
    let words: Vec<&str> = phrase.split_whitespace().collect();
    if words.is_empty() || words.len() > 4 {
        return false;
    }
    let tokens = tokenize(phrase);
    if tokens.is_empty() || tokens.iter().all(|t| NOT_A_NAME.contains(&t.folded.as_str())) {
        return false;
    }
    if tokens.first().is_some_and(|t| NOT_A_NAME.contains(&t.folded.as_str())) {
        return false;
    }
    tokens.iter().all(|t| {
        let raw = &phrase[t.start..t.end];
        NAME_GLUE.contains(&t.folded.as_str())
            || raw.chars().next().is_some_and(char::is_uppercase)
            || raw.chars().any(|c| c.is_ascii_digit() || matches!(c, '+' | '#' | '.'))
    })
}

/// Headings of JD parts that describe the employer or the package, not the work: "annual
/// learning and development budget" under Benefits is not a skill the job asks for.
const BOILERPLATE_HEADINGS: &[&str] = &[
    "benefit",
    "perk",
    "what we offer",
    "we offer",
    "who we are",
    "about us",
    "about the company",
    "about our",
    "compensation",
    "salary",
    "pay range",
    "equal opportunity",
    "why join",
    "why work",
    "our culture",
    "our values",
    "how to apply",
];

fn looks_like_heading(line: &str) -> bool {
    let line = line.trim();
    !line.is_empty()
        && line.split_whitespace().count() <= 6
        && !line.starts_with(['*', '-', '•', '·'])
        && !line.ends_with(['.', ','])
}

/// The JD text without boilerplate parts (benefits, about us, EEO statements); the rest is kept
/// line for line.
pub(crate) fn without_boilerplate(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut skipping = false;
    for line in text.lines() {
        let lower = line.to_lowercase();
        let noise = BOILERPLATE_HEADINGS.iter().any(|h| lower.contains(h));
        if looks_like_heading(line) {
            skipping = noise;
        }
        if skipping || lower.contains("equal opportunity") {
            continue;
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

fn count_in<'f>(forms: impl Iterator<Item = &'f Form> + Clone, text: &str, tokens: &[Token]) -> usize {
    (0..tokens.len()).filter(|&i| forms.clone().any(|f| f.matches_at(text, tokens, i))).count()
}

const TRIGGERS: &[&[&str]] = &[
    &["experience", "with"],
    &["experience", "in"],
    &["knowledge", "of"],
    &["proficiency", "in"],
    &["proficiency", "with"],
    &["proficient", "in"],
    &["proficient", "with"],
    &["familiarity", "with"],
    &["familiar", "with"],
    &["expertise", "in"],
    &["skilled", "in"],
    &["tools", "such", "as"],
];

const LIST_GLUE: &[&str] = &["and", "or", "such", "as", "including", "like", "e.g", "eg", "plus"];

/// Capitalised names listed after "experience with", "knowledge of" and the like: "experience with
/// Windchill and Teamcenter" gives Windchill and Teamcenter. The list ends at the end of the
/// sentence or at the first ordinary lowercase word.
fn trigger_phrases(text: &str, tokens: &[Token]) -> Vec<String> {
    let mut out = Vec::new();
    for i in 0..tokens.len() {
        let Some(trigger) = TRIGGERS.iter().find(|t| {
            t.iter().enumerate().all(|(k, w)| tokens.get(i + k).is_some_and(|tok| tok.folded == *w))
        }) else {
            continue;
        };
        let mut j = i + trigger.len();
        let mut item: Vec<usize> = Vec::new();
        let flush = |item: &mut Vec<usize>, out: &mut Vec<String>| {
            if let (Some(&first), Some(&last)) = (item.first(), item.last())
                && item.len() <= 4
            {
                out.push(text[tokens[first].start..tokens[last].end].to_string());
            }
            item.clear();
        };
        while j < tokens.len() && j < i + trigger.len() + 14 {
            let tok = &tokens[j];
            let gap = &text[tokens[j - 1].end..tok.start];
            if gap.contains(['.', ';', ':', '\n']) {
                break;
            }
            if gap.contains([',', '/', '(', ')']) {
                flush(&mut item, &mut out);
            }
            let raw = &text[tok.start..tok.end];
            if LIST_GLUE.contains(&tok.folded.as_str()) {
                flush(&mut item, &mut out);
            } else if raw.chars().next().is_some_and(char::is_uppercase) {
                item.push(j);
            } else {
                break;
            }
            j += 1;
        }
        flush(&mut item, &mut out);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jd(text: &str, required: &[&str], preferred: &[&str]) -> ParsedJobDescription {
        ParsedJobDescription {
            title: None,
            company: None,
            location: None,
            employment_type: None,
            required_skills: required.iter().map(|s| s.to_string()).collect(),
            preferred_skills: preferred.iter().map(|s| s.to_string()).collect(),
            sanitized_text: text.to_string(),
            warnings: vec![],
            requirements: vec![],
        }
    }

    #[test]
    fn required_outweighs_preferred_outweighs_mentioned() {
        let terms = extract(&jd(
            "We use Kubernetes. Nice: Terraform. Our stack also has Redis.",
            &["Kubernetes"],
            &["Terraform"],
        ));
        let w: Vec<(&str, f64)> = terms.iter().map(|t| (t.wording.as_str(), t.weight)).collect();
        assert_eq!(w.len(), 3, "{w:?}");
        assert!(w[0].1 > w[1].1 && w[1].1 > w[2].1, "{w:?}");
        assert_eq!(w[2].0, "Redis");
    }

    #[test]
    fn frequency_has_diminishing_returns() {
        let once = extract(&jd("Kafka.", &["Kafka"], &[]))[0].weight;
        let many = extract(&jd(&"Kafka. ".repeat(50), &["Kafka"], &[]))[0].weight;
        assert!(many > once && many <= once * 1.5, "{once} {many}");
    }

    #[test]
    fn unknown_tools_after_trigger_phrases_are_terms() {
        let terms = extract(&jd(
            "You have experience with Zorblax and Quuxify, and knowledge of our domain.",
            &[],
            &[],
        ));
        let words: Vec<&str> = terms.iter().map(|t| t.wording.as_str()).collect();
        assert_eq!(words, ["Zorblax", "Quuxify"]);
    }

    #[test]
    fn benefits_are_not_skills() {
        let text = "Requirements\n* Budgeting for projects\nBenefits\n* Annual learning and development budget\n* Excel training\nThe role\n* Use Excel daily";
        let kept = without_boilerplate(text);
        assert!(kept.contains("Budgeting for projects") && kept.contains("Use Excel daily"));
        assert!(!kept.contains("learning and development") && !kept.contains("Excel training"));
    }

    #[test]
    fn degree_terms_carry_their_field() {
        let terms = extract(&jd("", &["Chemical Engineering Degree"], &[]));
        let field = terms[0].degree_field.as_ref().expect("field");
        assert_eq!(field.text, "Chemical Engineering");
    }
}
