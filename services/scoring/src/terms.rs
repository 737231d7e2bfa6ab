//! What the JD asks for: required and preferred skills as the parser listed them, skills the JD
//! text mentions (found through the taxonomy), and capitalised tool names after phrases such as
//! "experience with" that the taxonomy does not know.

use std::collections::HashMap;

use resumax_core::job_description::ParsedJobDescription;
use resumax_core::score::Importance;

use crate::taxonomy::{Form, TAXONOMY};
use crate::text::{Token, tokenize};

const BASE_REQUIRED: f64 = 3.0;
const BASE_PREFERRED: f64 = 1.5;
const BASE_MENTIONED: f64 = 1.0;
const MAX_MENTIONED: usize = 15;
const MAX_TERM_TOKENS: usize = 8;

#[derive(Debug, Clone)]
pub(crate) struct JdTerm {
    /// The JD's wording: what a literal ATS search would look for.
    pub wording: String,
    pub importance: Importance,
    pub weight: f64,
    /// `forms[0]` is the wording itself, then every variant the taxonomy knows.
    pub forms: Vec<Form>,
    /// For "Mechanical Engineering Degree": the field, matched in the education section.
    pub degree_field: Option<Form>,
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
        let wording = wording.trim().trim_matches(|c: char| c == '.' || c == ',' || c == ';');
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
        if let Some(c) = concept {
            forms.extend(TAXONOMY.concepts[c].forms.iter().cloned());
        }
        let degree_field = (form.folded.len() > 1 && form.folded.last().is_some_and(|w| w == "degree"))
            .then(|| {
                let words: Vec<&str> = wording.split_whitespace().collect();
                Form::new(&words[..words.len().saturating_sub(1)].join(" "), false)
            })
            .flatten();
        let index = self.terms.len();
        if let Some(c) = concept {
            self.by_concept.insert(c, index);
        }
        for f in &forms {
            self.by_stems.entry(f.stems.join(" ")).or_insert(index);
        }
        self.terms.push(JdTerm { wording: form.text.clone(), importance, weight: 0.0, forms, degree_field });
        self.counts.push(0);
        true
    }
}

pub(crate) fn extract(job: &ParsedJobDescription) -> Vec<JdTerm> {
    let mut b = Builder {
        terms: Vec::new(),
        counts: Vec::new(),
        by_concept: HashMap::new(),
        by_stems: HashMap::new(),
    };
    for (list, importance) in
        [(&job.required_skills, Importance::Required), (&job.preferred_skills, Importance::Preferred)]
    {
        for skill in list {
            b.push(skill, importance, TAXONOMY.lookup(skill));
        }
    }

    let relevant = without_boilerplate(&job.sanitized_text);
    let text = relevant.as_str();
    let tokens = tokenize(text);
    let mut mentioned = 0;
    for (c, at, len) in TAXONOMY.scan(text, &tokens) {
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
    for phrase in trigger_phrases(text, &tokens) {
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
        let count = scan_hits.max(count_in(&term.forms, text, &tokens)).max(1);
        let base = match term.importance {
            Importance::Required => BASE_REQUIRED,
            Importance::Preferred => BASE_PREFERRED,
            Importance::Mentioned => BASE_MENTIONED,
        };
        term.weight = base * (1.0 + 0.5 * (1.0 - 1.0 / count as f64));
    }
    b.terms
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

fn count_in(forms: &[Form], text: &str, tokens: &[Token]) -> usize {
    (0..tokens.len()).filter(|&i| forms.iter().any(|f| f.matches_at(text, tokens, i))).count()
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
