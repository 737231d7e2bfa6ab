//! What the one-shot commands print for a person: headings, the score breakdown as a table,
//! requirements grouped by importance, and a word-level diff per change with its id and reason.
//! Colour only on a terminal, never with `--no-color` or `NO_COLOR`.

use std::io::IsTerminal;

use resumax_core::optimization::{LineChange, OptimizationResult, SectionDiff};
use resumax_core::score::{Importance, MatchReport};

#[derive(Debug, Clone, Copy)]
pub struct Style {
    pub color: bool,
}

impl Style {
    /// Colour when stdout is a terminal, unless `--no-color` or `NO_COLOR` says otherwise.
    pub fn for_stdout(no_color: bool) -> Style {
        let forbidden = no_color || std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        Style { color: !forbidden && std::io::stdout().is_terminal() }
    }

    fn paint(self, code: &str, text: &str) -> String {
        if self.color && !text.is_empty() { format!("\x1b[{code}m{text}\x1b[0m") } else { text.to_string() }
    }
    pub fn heading(self, text: &str) -> String {
        self.paint("1;4", text)
    }
    fn inserted(self, text: &str) -> String {
        if self.color { self.paint("32", text) } else { format!("{{+{text}+}}") }
    }
    fn deleted(self, text: &str) -> String {
        if self.color { self.paint("31;9", text) } else { format!("[-{text}-]") }
    }
    fn dim(self, text: &str) -> String {
        self.paint("2", text)
    }
}

/// How an importance reads everywhere in the CLI: `required`, `preferred`, `mentioned`.
pub fn importance(i: Importance) -> &'static str {
    match i {
        Importance::Required => "required",
        Importance::Preferred => "preferred",
        Importance::Mentioned => "mentioned",
    }
}

/// The breakdown as a table: component, score, weight, what it measured.
pub fn breakdown_table(report: &MatchReport, style: Style) -> String {
    let width = report.breakdown.iter().map(|c| c.name.len()).max().unwrap_or(9).max("component".len());
    let mut out =
        style.dim(&format!("  {:<width$}  {:>5}  {:>6}  {}", "component", "score", "weight", "detail"));
    out.push('\n');
    for c in &report.breakdown {
        out.push_str(&format!("  {:<width$}  {:>5.1}  {:>6.2}  {}\n", c.name, c.score, c.weight, c.detail));
    }
    out
}

/// Matched and missing requirements, grouped by importance (required first).
pub fn requirements(report: &MatchReport, style: Style) -> String {
    let mut out = String::new();
    for level in [Importance::Required, Importance::Preferred, Importance::Mentioned] {
        let matched: Vec<String> = report
            .matched_keywords
            .iter()
            .filter(|k| k.importance == level)
            .map(
                |k| if k.literal { k.term.clone() } else { format!("{} (as \"{}\")", k.term, k.resume_term) },
            )
            .collect();
        let missing: Vec<&str> = report
            .missing_keywords
            .iter()
            .filter(|k| k.importance == level)
            .map(|k| k.term.as_str())
            .collect();
        if matched.is_empty() && missing.is_empty() {
            continue;
        }
        out.push_str(&format!("  {}\n", style.paint("1", importance(level))));
        if !matched.is_empty() {
            out.push_str(&format!("    matched: {}\n", matched.join(", ")));
        }
        if !missing.is_empty() {
            out.push_str(&format!("    missing: {}\n", missing.join(", ")));
        }
    }
    out
}

/// The score command's report.
pub fn score_report(report: &MatchReport, style: Style) -> String {
    let mut out = format!("{}\n  {}/100\n\n", style.heading("Alignment score"), report.alignment_score);
    out.push_str(&format!("{}\n{}\n", style.heading("Breakdown"), breakdown_table(report, style)));
    out.push_str(&format!("{}\n{}", style.heading("Requirements"), requirements(report, style)));
    if !report.recommendations.is_empty() {
        out.push_str(&format!("\n{}\n", style.heading("What to fix first")));
        for advice in &report.recommendations {
            out.push_str(&format!("  - {advice}\n"));
        }
    }
    out
}

/// The optimize command's report: scores, what changed, breakdown, requirements, the diff.
pub fn optimization_report(result: &OptimizationResult, style: Style) -> String {
    let before = result.score_before.alignment_score;
    let after = result.score_after.alignment_score;
    let mut out = format!("{}\n  {before} -> {after} / 100\n", style.heading("Alignment score"));
    // The summary opens with the score line just printed.
    for line in result.summary.iter().filter(|l| !l.starts_with("alignment score")) {
        out.push_str(&format!("  {line}\n"));
    }
    let report = &result.score_after;
    out.push_str(&format!("\n{}\n{}", style.heading("Breakdown (after)"), breakdown_table(report, style)));
    out.push_str(&format!("\n{}\n{}", style.heading("Requirements"), requirements(report, style)));
    if !report.recommendations.is_empty() {
        out.push_str(&format!("\n{}\n", style.heading("What to fix first")));
        for advice in &report.recommendations {
            out.push_str(&format!("  - {advice}\n"));
        }
    }
    out.push_str(&format!("\n{}\n", style.heading("Changes")));
    let mut any = false;
    for section in result.diff.iter().filter(|s| !s.changes.is_empty()) {
        any = true;
        out.push_str(&format!("  {}\n", style.paint("1", &section.heading)));
        for change in &section.changes {
            out.push_str(&change_lines(section, change, result, style));
        }
    }
    if !any {
        out.push_str(
            "  none: the resume already says what the posting asks for, as far as it can be shown\n",
        );
    }
    if !result.warnings.is_empty() {
        out.push_str(&format!("\n{}\n", style.heading("Warnings")));
        for warning in &result.warnings {
            out.push_str(&format!("  - {}\n", resumax_core::notices::describe(warning)));
        }
    }
    out
}

fn change_lines(
    section: &SectionDiff,
    change: &LineChange,
    result: &OptimizationResult,
    style: Style,
) -> String {
    let reason = result
        .suggestions
        .iter()
        .find(|s| s.change_id == change.change_id)
        .map(|s| s.reason.as_str())
        .unwrap_or_default();
    let flag = if change.uncertain { ", uncertain: kept unless accepted" } else { "" };
    let mut out =
        format!("    {} {}{flag}", style.paint("1", &change.change_id), change.change_type.describe());
    if !reason.is_empty() {
        out.push_str(&format!(": {reason}"));
    }
    out.push('\n');
    let body = if change.item_id.is_none() && section.section == resumax_core::resume::SectionKind::Skills {
        list_diff(&change.original, &change.optimized, style)
    } else {
        words(change, style)
    };
    out.push_str(&format!("      {body}\n"));
    out
}

fn words(change: &LineChange, style: Style) -> String {
    change
        .spans
        .iter()
        .map(|s| match s.op.as_str() {
            "insert" => style.inserted(&s.text),
            "delete" => style.deleted(&s.text),
            _ => s.text.clone(),
        })
        .collect()
}

/// A skills list item by item: kept items plain, added ones inserted, dropped ones deleted, in
/// the new order; a list only reordered says so.
fn list_diff(original: &str, optimized: &str, style: Style) -> String {
    let split = |text: &str| -> Vec<String> {
        text.split([',', '\n']).map(str::trim).filter(|s| !s.is_empty()).map(String::from).collect()
    };
    let (old, new) = (split(original), split(optimized));
    let key = |s: &String| s.to_lowercase();
    let mut items: Vec<String> = new
        .iter()
        .map(|item| if old.iter().any(|o| key(o) == key(item)) { item.clone() } else { style.inserted(item) })
        .collect();
    items.extend(old.iter().filter(|o| !new.iter().any(|n| key(n) == key(o))).map(|o| style.deleted(o)));
    let mut out = items.join(", ");
    let same_set = old.len() == new.len() && old.iter().all(|o| new.iter().any(|n| key(n) == key(o)));
    if same_set && old != new {
        out.push_str(&style.dim(" (reordered: most relevant to the posting first)"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reordered_skills_list_keeps_its_items_and_says_so() {
        let plain = Style { color: false };
        let out = list_diff("Go, SQL, Rust", "Rust, Go, SQL, Kubernetes", plain);
        assert_eq!(out, "Rust, Go, SQL, {+Kubernetes+}");
        let out = list_diff("Go, SQL, Rust", "Rust, Go, SQL", plain);
        assert_eq!(out, "Rust, Go, SQL (reordered: most relevant to the posting first)");
        let out = list_diff("Go, Perl", "Go", plain);
        assert_eq!(out, "Go, [-Perl-]");
    }

    #[test]
    fn colour_is_escape_codes_only_when_asked() {
        assert_eq!(Style { color: false }.inserted("x"), "{+x+}");
        assert!(Style { color: true }.inserted("x").starts_with("\x1b[32m"));
        assert!(!Style { color: false }.heading("Changes").contains('\x1b'));
    }
}
