//! Applying accepted suggestions to a parsed resume, and the diff-first preview: per section the
//! original and optimized text, and per line the change with word-level spans.

use std::collections::HashMap;

use resumax_core::optimization::{
    ChangeType, DiffSpan, LineChange, SectionDiff, Suggestion, SuggestionTarget,
};
use resumax_core::resume::ParsedResume;

/// The resume with `accepted` applied. A suggestion whose original no longer matches its target
/// is skipped: a rewrite is only ever applied to the exact text it was made from.
pub fn apply<'a>(resume: &ParsedResume, accepted: impl IntoIterator<Item = &'a Suggestion>) -> ParsedResume {
    let mut optimized = resume.clone();
    // The whole resume with the changes applied: the text keeps every line the parse did not
    // place in a section, and only the changed lines change (rebuilding it from the sections
    // would drop those lines and lower the score of a resume nobody changed).
    let mut text = resume.text.clone();
    let mut rebuild = false;
    for suggestion in accepted {
        if suggestion.original != suggestion.suggested {
            match text.find(suggestion.original.as_str()) {
                Some(at) if !suggestion.original.is_empty() => {
                    text.replace_range(at..at + suggestion.original.len(), &suggestion.suggested)
                }
                // A skills list is often printed in other separators or wrapped: the section
                // carries the new list, and the text keeps the same skills.
                _ if matches!(suggestion.target, SuggestionTarget::Skills { .. }) => {}
                _ => rebuild = true,
            }
        }
        match &suggestion.target {
            SuggestionTarget::Line { item } => {
                let line = optimized
                    .sections
                    .get_mut(item.section)
                    .and_then(|s| s.entries.get_mut(item.entry))
                    .and_then(|e| e.lines.get_mut(item.line));
                if let Some(line) = line.filter(|line| **line == suggestion.original) {
                    *line = suggestion.suggested.clone();
                }
            }
            SuggestionTarget::Skills { section } => {
                if let Some(section) = optimized.sections.get_mut(*section)
                    && resumax_ai::skills_text(&section.skills) == suggestion.original
                {
                    section.skills = split_skills(&suggestion.suggested);
                }
            }
        }
    }
    optimized.text = if rebuild { optimized.to_plain_text() } else { text };
    optimized
}

fn split_skills(list: &str) -> Vec<String> {
    list.split(", ").map(str::trim).filter(|s| !s.is_empty()).map(str::to_string).collect()
}

/// One `SectionDiff` per section of the original, in order; `changes` lists the suggestions that
/// target the section (applied or not), so a client can accept or reject each.
pub fn diff<'a>(
    original: &ParsedResume,
    optimized: &ParsedResume,
    suggestions: impl IntoIterator<Item = &'a Suggestion>,
) -> Vec<SectionDiff> {
    let mut by_section: HashMap<usize, Vec<&Suggestion>> = HashMap::new();
    for suggestion in suggestions {
        let section = match &suggestion.target {
            SuggestionTarget::Line { item } => item.section,
            SuggestionTarget::Skills { section } => *section,
        };
        by_section.entry(section).or_default().push(suggestion);
    }
    original
        .sections
        .iter()
        .enumerate()
        .map(|(index, section)| {
            let changes: Vec<LineChange> = by_section
                .get(&index)
                .into_iter()
                .flatten()
                .map(|s| LineChange {
                    change_id: s.change_id.clone(),
                    item_id: match &s.target {
                        SuggestionTarget::Line { item } => Some(item.to_string()),
                        SuggestionTarget::Skills { .. } => None,
                    },
                    change_type: s.change_type,
                    original: s.original.clone(),
                    optimized: s.suggested.clone(),
                    spans: word_spans(&s.original, &s.suggested),
                    uncertain: s.uncertain,
                })
                .collect();
            let optimized_text =
                optimized.sections.get(index).map(|s| s.body_text()).unwrap_or_else(|| section.body_text());
            SectionDiff {
                section: section.kind,
                heading: section.heading.clone(),
                original: section.body_text(),
                optimized: optimized_text,
                change_type: dominant_change(&changes),
                changes,
            }
        })
        .collect()
}

/// The most frequent change type of a section (ties go to the first seen), `Unchanged` if none.
fn dominant_change(changes: &[LineChange]) -> ChangeType {
    let mut counts: Vec<(ChangeType, usize)> = Vec::new();
    for change in changes {
        match counts.iter_mut().find(|(t, _)| *t == change.change_type) {
            Some((_, n)) => *n += 1,
            None => counts.push((change.change_type, 1)),
        }
    }
    let best = counts.iter().map(|(_, n)| *n).max().unwrap_or(0);
    counts.into_iter().find(|(_, n)| *n == best).map(|(t, _)| t).unwrap_or(ChangeType::Unchanged)
}

/// Word-level spans: the character diff is widened to whole words so a reader sees
/// "managed -> led" rather than scattered letters.
pub fn word_spans(original: &str, optimized: &str) -> Vec<DiffSpan> {
    // Diff over words by mapping each distinct word to one private-use character.
    let mut alphabet: HashMap<String, char> = HashMap::new();
    let mut encode = |text: &str| -> String {
        tokenize(text)
            .into_iter()
            .map(|word| {
                let next = char::from_u32(0xF0000 + alphabet.len() as u32).unwrap_or('\u{FFFD}');
                *alphabet.entry(word).or_insert(next)
            })
            .collect()
    };
    let (ea, eb) = (encode(original), encode(optimized));
    let decode: HashMap<char, &str> = alphabet.iter().map(|(w, c)| (*c, w.as_str())).collect();
    let text_of = |s: &str| -> String { s.chars().filter_map(|c| decode.get(&c).copied()).collect() };
    let mut spans: Vec<DiffSpan> = Vec::new();
    for chunk in dissimilar::diff(&ea, &eb) {
        let (op, text) = match chunk {
            dissimilar::Chunk::Equal(s) => ("equal", text_of(s)),
            dissimilar::Chunk::Delete(s) => ("delete", text_of(s)),
            dissimilar::Chunk::Insert(s) => ("insert", text_of(s)),
        };
        match spans.last_mut() {
            Some(last) if last.op == op => last.text.push_str(&text),
            _ => spans.push(DiffSpan { op: op.to_string(), text }),
        }
    }
    spans
}

/// Words with their trailing whitespace, so the spans concatenate back to the exact strings.
fn tokenize(s: &str) -> Vec<String> {
    let mut tokens = Vec::new();
    let mut current = String::new();
    let mut in_space = false;
    for c in s.chars() {
        if c.is_whitespace() {
            in_space = true;
        } else if in_space {
            tokens.push(std::mem::take(&mut current));
            in_space = false;
        }
        current.push(c);
    }
    if !current.is_empty() {
        tokens.push(current);
    }
    tokens
}

#[cfg(test)]
mod tests {
    use super::*;
    use resumax_core::resume::{Entry, ItemId, Section, SectionKind};

    fn resume() -> ParsedResume {
        ParsedResume {
            sections: vec![
                Section {
                    kind: SectionKind::Experience,
                    heading: "Experience".into(),
                    entries: vec![Entry {
                        organization: Some("Acme".into()),
                        lines: vec!["Responsible for Postgres backups".into(), "Wrote docs".into()],
                        ..Default::default()
                    }],
                    skills: vec![],
                },
                Section {
                    kind: SectionKind::Skills,
                    heading: "Skills".into(),
                    entries: vec![],
                    skills: vec!["Go".into(), "Postgres".into()],
                },
            ],
            ..Default::default()
        }
    }

    fn line_suggestion(id: &str, original: &str, suggested: &str) -> Suggestion {
        Suggestion {
            change_id: id.into(),
            target: SuggestionTarget::Line { item: ItemId { section: 0, entry: 0, line: 0 } },
            section: SectionKind::Experience,
            change_type: ChangeType::KeywordAligned,
            original: original.into(),
            suggested: suggested.into(),
            reason: "use the JD's term".into(),
            uncertain: false,
        }
    }

    #[test]
    fn spans_rebuild_both_texts() {
        let (a, b) = ("Responsible for Postgres backups", "Managed PostgreSQL backups");
        let spans = word_spans(a, b);
        let side =
            |skip: &str| spans.iter().filter(|s| s.op != skip).map(|s| s.text.as_str()).collect::<String>();
        assert_eq!(side("insert"), a);
        assert_eq!(side("delete"), b);
        assert!(spans.iter().any(|s| s.op == "equal" && s.text.contains("backups")));
    }

    #[test]
    fn apply_changes_only_matching_originals_and_diff_reports_them() {
        let original = resume();
        let good = line_suggestion("c1", "Responsible for Postgres backups", "Ran PostgreSQL backups");
        let stale = line_suggestion("c2", "something else", "Invented");
        let skills = Suggestion {
            change_id: "c3".into(),
            target: SuggestionTarget::Skills { section: 1 },
            section: SectionKind::Skills,
            change_type: ChangeType::Reordered,
            original: "Go, Postgres".into(),
            suggested: "Postgres, Go".into(),
            reason: "JD order".into(),
            uncertain: false,
        };
        let optimized = apply(&original, [&good, &stale, &skills]);
        assert_eq!(optimized.sections[0].entries[0].lines[0], "Ran PostgreSQL backups");
        assert_eq!(optimized.sections[0].entries[0].lines[1], "Wrote docs");
        assert_eq!(optimized.sections[1].skills, vec!["Postgres", "Go"]);
        assert!(optimized.text.contains("Ran PostgreSQL backups"));

        let sections = diff(&original, &optimized, [&good, &skills]);
        assert_eq!(sections.len(), 2);
        assert_eq!(sections[0].change_type, ChangeType::KeywordAligned);
        assert_eq!(sections[0].changes[0].item_id.as_deref(), Some("0.0.0"));
        assert_eq!(sections[1].change_type, ChangeType::Reordered);
        assert_ne!(sections[0].original, sections[0].optimized);
    }
}
