//! The words resuMAX knows, as data in one place: the skills taxonomy with its aliases and
//! spelling variants (`data/skills.txt`), degree names, months and seasons, organisation suffixes,
//! institution and job-title words (`data/words.txt`), and the cue phrases of job postings
//! (`data/cues.txt`). The document reader, JD analysis, scoring and the AI guard read them from
//! here, so a word learnt once is learnt everywhere.
//!
//! Pure and allocation-light: every list is parsed once, on first use.

pub mod cues;
pub mod taxonomy;
pub mod text;
pub mod words;

pub use cues::{Cue, heading_cue, inline_cue, is_duty_verb, states_requirement, unexplained_words};
pub use taxonomy::{Concept, Form, TAXONOMY, Taxonomy};
pub use text::{Token, stem, tokenize};

/// Folds a phrase the way the word lists are written: tokenized, lowercased, apostrophes
/// dropped, tokens joined by one space.
pub fn fold(text: &str) -> String {
    tokenize(text).iter().map(|t| t.folded.as_str()).collect::<Vec<_>>().join(" ")
}

/// Parses a word-list file: `[name]` starts a list, entries are separated by ` | ` or line
/// breaks, `#` starts a comment line. Each entry is a line's alternatives, folded.
pub(crate) fn parse_lists(data: &'static str) -> Vec<(&'static str, Vec<Vec<String>>)> {
    let mut out: Vec<(&'static str, Vec<Vec<String>>)> = Vec::new();
    for line in data.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if let Some(name) = line.strip_prefix('[') {
            out.push((name.trim_end_matches(']').trim(), Vec::new()));
            continue;
        }
        if let Some((_, entries)) = out.last_mut() {
            entries.push(line.split('|').map(|w| fold(w.trim())).filter(|w| !w.is_empty()).collect());
        }
    }
    out
}
