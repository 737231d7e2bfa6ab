//! Word lists of `data/words.txt`: degrees, months and seasons, organisation suffixes,
//! institution words and job-title words.

use std::collections::HashMap;
use std::sync::LazyLock;

use crate::parse_lists;

struct Words {
    /// Folded word -> (list name, index of the entry in its list).
    by_word: HashMap<String, Vec<(&'static str, usize)>>,
    /// Ambiguous name -> words that, next to it, mean its other sense.
    senses: HashMap<String, Vec<String>>,
}

static WORDS: LazyLock<Words> = LazyLock::new(|| {
    let mut by_word: HashMap<String, Vec<(&'static str, usize)>> = HashMap::new();
    let mut senses = HashMap::new();
    for (list, entries) in parse_lists(include_str!("../data/words.txt")) {
        if list == "ambiguous" {
            for mut entry in entries {
                if !entry.is_empty() {
                    let name = entry.remove(0);
                    senses.insert(name, entry);
                }
            }
            continue;
        }
        for (i, entry) in entries.into_iter().enumerate() {
            for w in entry {
                by_word.entry(w).or_default().push((list, i));
            }
        }
    }
    Words { by_word, senses }
});

/// For a name with two senses ("oracle"), the words that next to it mean the other sense.
pub fn other_senses(word: &str) -> Option<&'static [String]> {
    WORDS.senses.get(&crate::fold(word)).map(Vec::as_slice)
}

fn entry_in(word: &str, list: &str) -> Option<usize> {
    let folded = crate::fold(word);
    WORDS.by_word.get(&folded)?.iter().find(|(l, _)| *l == list).map(|&(_, i)| i)
}

fn is_in(word: &str, list: &str) -> bool {
    entry_in(word, list).is_some()
}

/// The degree level a word names: 0.5 associate, 1 bachelor, 2 master, 3 doctorate.
/// "Bachelor's", "B.S.", "MSc" and "Ph.D." are all understood; "degree" alone names no level.
pub fn degree_level(word: &str) -> Option<f64> {
    [("degree.doctorate", 3.0), ("degree.master", 2.0), ("degree.bachelor", 1.0), ("degree.associate", 0.5)]
        .into_iter()
        .find(|(list, _)| is_in(word, list))
        .map(|(_, level)| level)
}

/// A word that makes a phrase about a degree without naming its level ("degree", "diploma").
pub fn is_degree_word(word: &str) -> bool {
    is_in(word, "degree.generic")
}

/// The month (1..=12) a month name or abbreviation names.
pub fn month(word: &str) -> Option<u32> {
    entry_in(word, "month").map(|i| i as u32 + 1)
}

/// The first month of a season ("Summer 2021" starts in June).
pub fn season_month(word: &str) -> Option<u32> {
    entry_in(word, "season").map(|i| [12, 3, 6, 9][i])
}

/// A word that ends a date range without a date: "Present", "Current", "Now".
pub fn is_open_date(word: &str) -> bool {
    is_in(word, "date.open")
}

/// Is the word (or phrase, folded as the lists are) in the named list of `data/words.txt`?
/// For lists read as they are, without a meaning of their own here: the resume reader's role
/// nouns, regions, fields of study, legal forms and heading words.
pub fn in_list(list: &str, word: &str) -> bool {
    is_in(word, list)
}

/// A word that ends an organisation name: "LLC", "GmbH", "Solutions".
pub fn is_org_suffix(word: &str) -> bool {
    is_in(word, "org.suffix")
}

/// A word that names a school: "University", "Institute".
pub fn is_institution_word(word: &str) -> bool {
    is_in(word, "institution")
}

/// Is the text in a language other than English? True when the commonest words of Spanish,
/// German, French or Portuguese outnumber the commonest English words (and there are a few).
pub fn is_other_language(text: &str) -> bool {
    let (mut english, mut other) = (0usize, 0usize);
    for t in crate::tokenize(text) {
        if let Some(lists) = WORDS.by_word.get(&t.folded) {
            english += usize::from(lists.iter().any(|(l, _)| *l == "english.common"));
            other += usize::from(lists.iter().any(|(l, _)| *l == "other.common"));
        }
    }
    other >= 3 && other > english
}

/// A word of a title that says nothing about the job ("Senior", "II", "Remote").
pub fn is_title_noise(word: &str) -> bool {
    is_in(word, "title.noise")
}

/// A word that ends a job title ("Engineer", "Manager", "Teacher").
pub fn is_title_head(word: &str) -> bool {
    is_in(word, "title.head")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn degrees_in_their_usual_spellings() {
        assert_eq!(degree_level("Bachelor's"), Some(1.0));
        assert_eq!(degree_level("B.S."), Some(1.0));
        assert_eq!(degree_level("MSc"), Some(2.0));
        assert_eq!(degree_level("Ph.D."), Some(3.0));
        assert_eq!(degree_level("degree"), None);
        assert!(is_degree_word("Degree"));
    }

    #[test]
    fn months_seasons_and_open_ends() {
        assert_eq!(month("Sept"), Some(9));
        assert_eq!(month("January"), Some(1));
        assert_eq!(season_month("Fall"), Some(9));
        assert_eq!(season_month("autumn"), Some(9));
        assert!(is_open_date("Present"));
        assert_eq!(month("Mayor"), None);
    }

    #[test]
    fn english_and_other_languages() {
        assert!(!is_other_language(
            "We are looking for a developer with 5 years of experience in Python and SQL."
        ));
        assert!(!is_other_language("Invoice validation, POD reconciliation, E-Commerce Billing"));
        assert!(is_other_language(
            "Buscamos un desarrollador con experiencia en Python y manejo de bases de datos."
        ));
    }

    #[test]
    fn organisations_schools_and_titles() {
        assert!(is_org_suffix("LLC") && is_org_suffix("Solutions"));
        assert!(is_institution_word("University"));
        assert!(is_title_noise("Senior") && is_title_head("Developer"));
        assert!(!is_org_suffix("Delhi"));
    }
}
