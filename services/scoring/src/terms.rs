//! What the JD asks for: required and preferred skills as the parser listed them, skills the JD
//! text mentions (found through the taxonomy), and capitalised tool names after phrases such as
//! "experience with" that the taxonomy does not know.

use std::collections::HashMap;

use resumax_core::job_description::ParsedJobDescription;
use resumax_core::score::Importance;

use resumax_lexicon::{Form, TAXONOMY};
use crate::text::{Token, tokenize};

const BASE_REQUIRED: f64 = 3.0;
const BASE_PREFERRED: f64 = 1.5;
const BASE_MENTIONED: f64 = 1.0;
const MAX_MENTIONED: usize = 15;
const MAX_TERM_TOKENS: usize = 8;
/// A requirement line longer than this is prose: only the parser's phrases in it are read, so a
/// paragraph that names one requirement does not make every skill in it a requirement.
const MAX_REQUIREMENT_LINE: usize = 200;

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
}

impl JdTerm {
    /// The JD's wording first, then every other way of saying it.
    pub(crate) fn all_forms(&self) -> impl Iterator<Item = &Form> + Clone {
        let taxonomy = self.concept.map(|c| TAXONOMY.concepts[c].forms.as_slice()).unwrap_or_default();
        self.forms.iter().chain(taxonomy)
    }
}

struct Builder {
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
        if form.stems.len() > MAX_TERM_TOKENS || self.known(&form, concept).is_some() {
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
    extract_with(job, &relevant, &tokens)
}

/// The canonical names of the skills the JD requires, in the JD's order.
pub fn required_skills(job: &ParsedJobDescription) -> Vec<String> {
    extract(job).into_iter().filter(|t| t.importance == Importance::Required).map(|t| t.canonical).collect()
}

/// [`extract`] on a JD text already stripped of boilerplate and tokenized, so the caller can
/// read years and degrees from the same tokens.
pub(crate) fn extract_with(job: &ParsedJobDescription, text: &str, tokens: &[Token]) -> Vec<JdTerm> {
    let mut b = Builder {
        terms: Vec::new(),
        counts: Vec::new(),
        by_concept: HashMap::new(),
        by_stems: HashMap::new(),
    };
    // The parser's phrases and the scorer's own reading of the JD's parts are both used: a
    // posting the parser reads poorly ("Skills: A / B", "SQL experience required.") still
    // yields its requirements.
    let (own_required, own_preferred) = own_requirement_segments(&job.sanitized_text);
    let (required_lines, preferred_lines) = requirement_lines(job);
    for (own, lines, phrases, importance) in [
        (own_required, required_lines, &job.required_skills, Importance::Required),
        (own_preferred, preferred_lines, &job.preferred_skills, Importance::Preferred),
    ] {
        for segment in own.iter().chain(&lines) {
            b.push_requirement(segment, importance);
        }
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

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Part {
    Other,
    Required,
    Preferred,
}

const PREFERRED_CUES: &[&str] = &[
    "nice to have",
    "nice-to-have",
    "preferred",
    "bonus",
    "a plus",
    "desirable",
    "good to have",
    "would be great",
    "ideally",
    "extra credit",
    "optional",
];
const REQUIRED_CUES: &[&str] = &[
    "requirement",
    "required",
    "qualification",
    "what you'll need",
    "what you will need",
    "what you need",
    "what we're looking for",
    "what we are looking for",
    "must have",
    "must-have",
    "you have",
    "you bring",
    "who you are",
    "skills",
    "about you",
    "you should have",
    "essential",
    "minimum",
    "we need",
    "need help with",
];
/// Cues that make one sentence of prose a requirement ("SQL experience required.").
const SENTENCE_REQUIRED: &[&str] = &[" required", "must have", "we need", "need help with", "is a must"];
const SENTENCE_PREFERRED: &[&str] = &["a plus", "nice to have", "preferred", "is a bonus"];

fn cue_of(text: &str) -> Option<Part> {
    let t = text.to_lowercase();
    if PREFERRED_CUES.iter().any(|c| t.contains(c)) {
        Some(Part::Preferred)
    } else if REQUIRED_CUES.iter().any(|c| t.contains(c)) {
        Some(Part::Required)
    } else {
        None
    }
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

fn is_heading(line: &str) -> bool {
    let words = line.split_whitespace().count();
    (1..=8).contains(&words) && !line.ends_with(['.', ',', ';']) && !line.contains(". ")
}

/// "Skills: A / B / C" inside a sentence: the cue and what follows it.
fn labelled(sentence: &str) -> Option<(Part, &str)> {
    let (head, tail) = sentence.split_once(':')?;
    let tail = tail.split(". ").next().unwrap_or("").trim();
    (head.split_whitespace().count() <= 5 && !head.contains(['.', ';']) && !tail.is_empty()).then_some(())?;
    cue_of(head).map(|p| (p, tail))
}

/// The scorer's own reading of a JD's required and preferred parts: lines under a cue heading
/// ("Requirements", "Nice to have"), "label: list" lines, and prose sentences that say
/// "required" or "a plus".
fn own_requirement_segments(text: &str) -> (Vec<String>, Vec<String>) {
    let mut required = Vec::new();
    let mut preferred = Vec::new();
    let mut part = Part::Other;
    let mut push = |p: Part, segment: &str| match p {
        Part::Required => required.push(segment.to_string()),
        Part::Preferred => preferred.push(segment.to_string()),
        Part::Other => {}
    };
    for raw in text.lines() {
        let (line, item) = strip_marker(raw.trim());
        if line.is_empty() {
            continue;
        }
        if let Some((p, tail)) = labelled(line) {
            push(p, tail);
            if is_heading(line.split(':').next().unwrap_or("")) && !item {
                part = p;
            }
            continue;
        }
        if !item && is_heading(line.trim_end_matches(':')) {
            part = cue_of(line).unwrap_or(Part::Other);
            continue;
        }
        if part != Part::Other && line.len() <= MAX_REQUIREMENT_LINE {
            push(part, line);
            continue;
        }
        for sentence in line.split(". ") {
            if let Some((p, tail)) = labelled(sentence) {
                push(p, tail);
                continue;
            }
            let lower = sentence.to_lowercase();
            if SENTENCE_PREFERRED.iter().any(|c| lower.contains(c)) {
                push(Part::Preferred, sentence);
            } else if SENTENCE_REQUIRED.iter().any(|c| lower.contains(c)) {
                push(Part::Required, sentence);
            }
        }
    }
    (required, preferred)
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

/// The JD text the parser read its required and preferred phrases from. A line belongs to the
/// part whose phrases cover more of it; a long or mixed line gives only its phrases.
fn requirement_lines(job: &ParsedJobDescription) -> (Vec<String>, Vec<String>) {
    let covered = |line: &str, phrases: &[String]| -> usize {
        phrases.iter().filter(|p| p.len() >= 2 && line.contains(p.as_str())).map(String::len).sum()
    };
    let mut required = Vec::new();
    let mut preferred = Vec::new();
    for line in job.sanitized_text.lines() {
        let r = covered(line, &job.required_skills);
        let p = covered(line, &job.preferred_skills);
        if r == 0 && p == 0 {
            continue;
        }
        let (dest, phrases) = if r >= p {
            (&mut required, &job.required_skills)
        } else {
            (&mut preferred, &job.preferred_skills)
        };
        // A line mixing both parts, or prose of several sentences, gives only its phrases.
        if line.len() <= MAX_REQUIREMENT_LINE && r.min(p) == 0 && !line.trim_end_matches('.').contains(". ") {
            dest.push(line.to_string());
        } else {
            dest.extend(phrases.iter().filter(|p| p.len() >= 2 && line.contains(p.as_str())).cloned());
        }
    }
    (required, preferred)
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
