//! Cue phrases of job postings (`data/cues.txt`): the block a heading opens and the inline
//! markers that change one requirement's importance.

use std::sync::LazyLock;

use crate::{parse_lists, tokenize};

/// The part of a posting a heading opens, or the importance an inline marker gives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Cue {
    Required,
    Preferred,
    /// What the job does: it names requirements only when the posting lists no other.
    Duties,
    /// About the company, benefits, pay, how to apply: nothing a recruiter screens on.
    Boilerplate,
}

struct Cues {
    /// (folded words of the phrase, cue), in file order.
    headings: Vec<(Vec<String>, Cue)>,
    inline: Vec<(Vec<String>, Cue)>,
    requirement_leads: Vec<Vec<String>>,
    duty_verbs: Vec<String>,
}

static CUES: LazyLock<Cues> = LazyLock::new(|| {
    let mut headings = Vec::new();
    let mut inline = Vec::new();
    let mut requirement_leads = Vec::new();
    let mut duty_verbs = Vec::new();
    for (list, entries) in parse_lists(include_str!("../data/cues.txt")) {
        match list {
            "requirement.lead" => {
                requirement_leads.extend(entries.into_iter().flatten().map(|p| folded_words(&p)));
                continue;
            }
            "duty.verbs" => {
                duty_verbs.extend(entries.into_iter().flatten());
                continue;
            }
            _ => {}
        }
        let (dest, cue) = match list {
            "required" => (&mut headings, Cue::Required),
            "preferred" => (&mut headings, Cue::Preferred),
            "duties" => (&mut headings, Cue::Duties),
            "boilerplate" => (&mut headings, Cue::Boilerplate),
            "inline.preferred" => (&mut inline, Cue::Preferred),
            "inline.required" => (&mut inline, Cue::Required),
            _ => continue,
        };
        for phrase in entries.into_iter().flatten() {
            // Folded once here ("nice-to-have" -> nice, to, have), not on every lookup.
            dest.push((folded_words(&phrase), cue));
        }
    }
    Cues { headings, inline, requirement_leads, duty_verbs }
});

/// Where `words` contains `phrase` as a run of whole words: the index of its first word.
fn find_run(words: &[String], phrase: &[String]) -> Option<usize> {
    if phrase.is_empty() || phrase.len() > words.len() {
        return None;
    }
    (0..=words.len() - phrase.len()).find(|&i| words[i..i + phrase.len()] == *phrase)
}

fn folded_words(text: &str) -> Vec<String> {
    tokenize(&text.replace('-', " ")).into_iter().map(|t| t.folded).collect()
}

/// The longest cue of `list` in `words` (ties: the first listed), with its length in words.
fn best(list: &[(Vec<String>, Cue)], words: &[String]) -> Option<(Cue, usize, usize)> {
    let mut found: Option<(Cue, usize, usize)> = None;
    for (phrase, cue) in list {
        if let Some(at) = find_run(words, phrase) {
            let len: usize = phrase.iter().map(String::len).sum::<usize>() + phrase.len();
            if found.is_none_or(|(_, l, _)| len > l) {
                found = Some((*cue, len, at));
            }
        }
    }
    found
}

/// The block a heading opens ("Preferred qualifications:" -> preferred), or None when the text
/// names no block. "About <Name>" headings are the company's introduction.
pub fn heading_cue(heading: &str) -> Option<Cue> {
    let words = folded_words(heading);
    if words.first().is_some_and(|w| w == "about")
        && words.get(1).is_some_and(|w| !matches!(w.as_str(), "you" | "the" | "your"))
    {
        return Some(Cue::Boilerplate);
    }
    best(&CUES.headings, &words).map(|(cue, _, _)| cue)
}

/// The importance an inline marker gives one requirement ("Python is a plus", "SQL (required)"),
/// with the byte offset where the marker starts in `text`.
pub fn inline_cue(text: &str) -> Option<(Cue, usize)> {
    let tokens = tokenize(&text.replace('-', " "));
    let words: Vec<String> = tokens.iter().map(|t| t.folded.clone()).collect();
    best(&CUES.inline, &words).map(|(cue, _, at)| (cue, tokens[at].start))
}

/// How many words of a heading no cue phrase explains: "Necessary prerequisites - skills" has
/// none, "Communication skills" has one (so it reads as an item, not a heading).
pub fn unexplained_words(heading: &str) -> usize {
    const GLUE: &[&str] =
        &["and", "of", "the", "our", "your", "key", "job", "a", "for", "to", "with", "what", "s"];
    let words = folded_words(heading);
    let mut covered = vec![false; words.len()];
    for (phrase, _) in &CUES.headings {
        if phrase.is_empty() || phrase.len() > words.len() {
            continue;
        }
        for i in 0..=words.len() - phrase.len() {
            if words[i..i + phrase.len()] == *phrase {
                covered[i..i + phrase.len()].iter_mut().for_each(|c| *c = true);
            }
        }
    }
    words.iter().zip(&covered).filter(|(w, c)| !**c && !GLUE.contains(&w.as_str())).count()
}

/// Does the text open (or state) a requirement wherever it stands ("Good understanding of
/// Oracle PL/SQL", "PHP developers need to have ...")?
pub fn states_requirement(text: &str) -> bool {
    let words = folded_words(text);
    // "Relevant software architecture and software testing experience": a list of what the
    // experience must be in.
    if words.last().is_some_and(|w| w == "experience") && words.len() <= 16 {
        return true;
    }
    CUES.requirement_leads.iter().any(|lead| find_run(&words, lead).is_some_and(|at| at <= 6))
}

/// A verb that opens a duty, in any of its forms ("build", "Builds", "maintaining").
pub fn is_duty_verb(word: &str) -> bool {
    let w = word.to_lowercase();
    let w = w.trim_matches(|c: char| !c.is_alphanumeric());
    let candidates = [
        Some(w.to_string()),
        w.strip_suffix("ies").map(|b| format!("{b}y")),
        w.strip_suffix("es").map(str::to_string),
        w.strip_suffix('s').map(str::to_string),
        w.strip_suffix("ed").map(str::to_string),
        w.strip_suffix('d').map(str::to_string),
        w.strip_suffix("ing").map(str::to_string),
        w.strip_suffix("ing").map(|b| format!("{b}e")),
    ];
    candidates.into_iter().flatten().any(|c| CUES.duty_verbs.contains(&c))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_longest_cue_decides() {
        assert_eq!(heading_cue("Preferred qualifications:"), Some(Cue::Preferred));
        assert_eq!(heading_cue("Minimum qualifications:"), Some(Cue::Required));
        assert_eq!(heading_cue("Good to have (Additional Skills):"), Some(Cue::Preferred));
        assert_eq!(heading_cue("Duties and Requirements"), Some(Cue::Required));
        assert_eq!(heading_cue("Roles and Responsibilities"), Some(Cue::Duties));
        assert_eq!(heading_cue("Perks and benefits"), Some(Cue::Boilerplate));
        assert_eq!(heading_cue("About Brightlayer Analytics"), Some(Cue::Boilerplate));
        assert_eq!(heading_cue("About you"), Some(Cue::Required));
        assert_eq!(heading_cue("Desired Candidate Profile"), Some(Cue::Required));
        assert_eq!(heading_cue("Remuneration: Skills, abilities"), Some(Cue::Boilerplate));
        assert_eq!(heading_cue("Our office in Berlin"), None);
    }

    #[test]
    fn headings_items_and_duties() {
        assert_eq!(unexplained_words("Necessary prerequisites - skills"), 0);
        assert_eq!(unexplained_words("Communication skills"), 1);
        assert!(states_requirement("Good understanding of Oracle PL/SQL"));
        assert!(!states_requirement("Create, design and modify websites"));
        assert!(is_duty_verb("Maintains") && is_duty_verb("building") && is_duty_verb("Accomplishes"));
        assert!(!is_duty_verb("Python"));
    }

    #[test]
    fn inline_markers() {
        assert_eq!(inline_cue("Kafka is a plus").map(|c| c.0), Some(Cue::Preferred));
        assert_eq!(inline_cue("Django: 1 year (Preferred)").map(|c| c.0), Some(Cue::Preferred));
        assert_eq!(inline_cue("CSS (Required)").map(|c| c.0), Some(Cue::Required));
        assert_eq!(inline_cue("Python and Go"), None);
        let (_, at) = inline_cue("SQL, nice to have").unwrap();
        assert_eq!(&"SQL, nice to have"[at..], "nice to have");
    }
}
