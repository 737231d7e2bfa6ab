//! The curated skill taxonomy (`data/skills.txt`), parsed once at first use.

use std::collections::HashMap;
use std::sync::LazyLock;

use crate::text::{Token, tokenize};

/// One way of writing a concept.
#[derive(Debug, Clone)]
pub struct Form {
    pub text: String,
    pub folded: Vec<String>,
    pub stems: Vec<String>,
    /// Original spelling of each token when the form must match case-sensitively ("Go", "R").
    pub exact_case: Option<Vec<String>>,
    /// Distinctive enough to discover a skill in free JD text (not an ordinary English word).
    pub discoverable: bool,
}

impl Form {
    /// A form built from free text (a JD's own wording). Very short single words only match with
    /// the same capitalisation, for the same reason as `!` in the data file.
    pub fn new(text: &str, force_exact_case: bool) -> Option<Form> {
        let tokens = tokenize(text);
        if tokens.is_empty() {
            return None;
        }
        let short = tokens.len() == 1 && tokens[0].folded.chars().count() <= 2;
        let exact_case = (force_exact_case || short)
            .then(|| tokens.iter().map(|t| text[t.start..t.end].to_string()).collect());
        let discoverable = tokens.len() > 1
            || text.chars().skip(1).any(|c| c.is_uppercase() || c.is_ascii_digit())
            || text.chars().any(|c| !c.is_alphanumeric() && !c.is_whitespace());
        Some(Form {
            text: text.to_string(),
            folded: tokens.iter().map(|t| t.folded.clone()).collect(),
            stems: tokens.iter().map(|t| t.stem().to_string()).collect(),
            exact_case,
            discoverable,
        })
    }

    /// Does the form match at `tokens[at..]` of `text`? Compares stems (the loosest sense).
    pub fn matches_at(&self, text: &str, tokens: &[Token], at: usize) -> bool {
        let Some(window) = tokens.get(at..at + self.stems.len()) else {
            return false;
        };
        if !window.iter().zip(&self.stems).all(|(t, s)| t.stem() == s) {
            return false;
        }
        match &self.exact_case {
            Some(raw) => window.iter().zip(raw).all(|(t, r)| text.get(t.start..t.end) == Some(r.as_str())),
            None => true,
        }
    }
}

#[derive(Debug)]
pub struct Concept {
    /// `forms[0]` is the canonical name.
    pub forms: Vec<Form>,
    /// Listed under `[soft]`: scored apart from tools and methods, because a claim such as
    /// "leadership" proves less and should not drown the hard skills.
    pub soft: bool,
    /// The `[domain]` the concept is listed under (`software`, `languages`, `soft`, ...).
    pub domain: &'static str,
}

#[derive(Debug)]
pub struct Taxonomy {
    pub concepts: Vec<Concept>,
    /// Folded form text (tokens joined by a space) -> concept.
    by_folded: HashMap<String, usize>,
    /// First stem of a form -> (concept, form index), for scanning free text.
    by_first_stem: HashMap<String, Vec<(usize, usize)>>,
}

pub static TAXONOMY: LazyLock<Taxonomy> =
    LazyLock::new(|| Taxonomy::parse(include_str!("../data/skills.txt")));

impl Taxonomy {
    pub fn parse(data: &'static str) -> Taxonomy {
        let mut concepts = Vec::new();
        let mut soft = false;
        let mut domain = "";
        for line in data.lines() {
            let line = line.trim();
            if let Some(d) = line.strip_prefix('[') {
                domain = d.trim_end_matches(']').trim();
                soft = domain == "soft";
                continue;
            }
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let mut forms = Vec::new();
            for (i, raw) in line.split('|').map(str::trim).enumerate() {
                let (text, exact) = match raw.strip_suffix('!') {
                    Some(t) => (t.trim(), true),
                    None => (raw, false),
                };
                if let Some(mut form) = Form::new(text, exact) {
                    // The canonical name is a skill by definition, whatever its shape.
                    form.discoverable |= i == 0;
                    forms.push(form);
                }
            }
            if !forms.is_empty() {
                concepts.push(Concept { forms, soft, domain });
            }
        }
        let mut by_folded = HashMap::new();
        let mut by_first_stem: HashMap<String, Vec<(usize, usize)>> = HashMap::new();
        for (c, concept) in concepts.iter().enumerate() {
            for (f, form) in concept.forms.iter().enumerate() {
                by_folded.entry(form.folded.join(" ")).or_insert(c);
                by_folded.entry(form.stems.join(" ")).or_insert(c);
                by_first_stem.entry(form.stems[0].clone()).or_default().push((c, f));
            }
        }
        // Longest forms first, so a scan prefers "Epic EHR" over "Epic".
        for list in by_first_stem.values_mut() {
            list.sort_by(|a, b| {
                let la = concepts[a.0].forms[a.1].stems.len();
                let lb = concepts[b.0].forms[b.1].stems.len();
                lb.cmp(&la).then(a.cmp(b))
            });
        }
        Taxonomy { concepts, by_folded, by_first_stem }
    }

    pub fn canonical(&self, concept: usize) -> &str {
        &self.concepts[concept].forms[0].text
    }

    /// The concept a whole phrase names, if any.
    pub fn lookup(&self, phrase: &str) -> Option<usize> {
        let tokens = tokenize(phrase);
        if tokens.is_empty() {
            return None;
        }
        let folded: Vec<&str> = tokens.iter().map(|t| t.folded.as_str()).collect();
        let stems: Vec<&str> = tokens.iter().map(|t| t.stem()).collect();
        self.by_folded.get(&folded.join(" ")).or_else(|| self.by_folded.get(&stems.join(" "))).copied()
    }

    /// The concept a phrase names in one of its listed spellings (case and punctuation
    /// folded, no stemming): "accounts" is not "Accounting", "package" is not "Packaging".
    pub fn lookup_spelled(&self, phrase: &str) -> Option<usize> {
        let folded: Vec<String> = tokenize(phrase).into_iter().map(|t| t.folded).collect();
        let c = self.by_folded.get(&folded.join(" ")).copied()?;
        self.concepts[c].forms.iter().any(|f| f.folded == folded).then_some(c)
    }

    /// Like [`Taxonomy::lookup`], also without a generic last word: "GraphQL APIs", "SEO
    /// process" and "Git tools" name GraphQL, SEO and Git.
    pub fn lookup_loose(&self, phrase: &str) -> Option<usize> {
        const GENERIC: &[&str] = &[
            "process",
            "processes",
            "tools",
            "tool",
            "systems",
            "system",
            "technologies",
            "technology",
            "framework",
            "frameworks",
            "practices",
            "techniques",
            "methods",
            "platform",
            "platforms",
            "libraries",
            "library",
            "skills",
            "concepts",
            "principles",
            "development",
            "programming",
            "stack",
            "solutions",
            "services",
            "applications",
            "software",
            "expertise",
            "experience",
            "knowledge",
            "apis",
            "api",
            "certification",
            "certified",
            "certificate",
        ];
        self.lookup(phrase).or_else(|| {
            let (head, last) = phrase.trim().rsplit_once(' ')?;
            GENERIC.contains(&last.to_lowercase().as_str()).then(|| self.lookup(head)).flatten()
        })
    }

    /// Every discoverable concept mention in a text: (concept, first token, token count),
    /// longest match first at each position, non-overlapping, in reading order.
    pub fn scan(&self, text: &str, tokens: &[Token]) -> Vec<(usize, usize, usize)> {
        self.scan_forms(text, tokens, true)
    }

    /// Like [`Taxonomy::scan`] with every form, ordinary words included: for a requirement line,
    /// where "Lean" or "Photoshop" can only mean the skill.
    pub fn scan_all(&self, text: &str, tokens: &[Token]) -> Vec<(usize, usize, usize)> {
        self.scan_forms(text, tokens, false)
    }

    fn scan_forms(
        &self,
        text: &str,
        tokens: &[Token],
        discoverable_only: bool,
    ) -> Vec<(usize, usize, usize)> {
        let mut out = Vec::new();
        let mut i = 0;
        while i < tokens.len() {
            let hit = self.by_first_stem.get(tokens[i].stem()).and_then(|cands| {
                cands.iter().find(|&&(c, f)| {
                    let form = &self.concepts[c].forms[f];
                    (form.discoverable || !discoverable_only) && form.matches_at(text, tokens, i)
                })
            });
            match hit {
                Some(&(c, f)) => {
                    let len = self.concepts[c].forms[f].stems.len();
                    out.push((c, i, len));
                    i += len;
                }
                None => i += 1,
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_file_parses_with_aliases() {
        let t = &*TAXONOMY;
        assert!(t.concepts.len() > 250, "{}", t.concepts.len());
        let pg = t.lookup("PostgreSQL").expect("postgres concept");
        assert_eq!(t.lookup("postgres"), Some(pg));
        assert_eq!(t.lookup("k8s"), t.lookup("Kubernetes"));
        assert_eq!(t.lookup("JS"), t.lookup("javascript"));
        assert_eq!(t.lookup("RN License"), t.lookup("Registered Nurse License"));
        assert_eq!(t.concepts[pg].forms[0].text, "PostgreSQL");
        assert!(t.lookup("Underwater Basket Weaving").is_none());
    }

    #[test]
    fn scan_prefers_longest_and_respects_case() {
        let t = &*TAXONOMY;
        let text = "Charting in Epic EHR; go to the ward. Services in Go.";
        let tokens = tokenize(text);
        let names: Vec<&str> =
            t.scan(text, &tokens).into_iter().map(|(c, _, _)| t.concepts[c].forms[0].text.as_str()).collect();
        assert_eq!(names, ["Epic EHR", "Go"]);
    }
}
