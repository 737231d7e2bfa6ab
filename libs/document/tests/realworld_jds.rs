//! Regression over the real job postings of `../shared/realworld/jds` and their hand labels:
//! the requirement model's `required_skills` against the labelled required terms and either/or
//! groups, and title/company/location where the posting states them. Matching follows the
//! docstring of `../shared/realworld/eval_jds.py` (folded words, filler dropped, a labelled
//! term named when its words appear as a run with only generic or labelled words beside them;
//! years by their number). The asserts are the bars reached when this test was written: they
//! may rise, never fall.

use std::collections::BTreeSet;
use std::path::PathBuf;

use serde_json::Value;

const FILLER: &[&str] = &[
    "experience",
    "experienced",
    "knowledge",
    "knowledgeable",
    "strong",
    "good",
    "solid",
    "sound",
    "working",
    "work",
    "proficiency",
    "proficient",
    "understanding",
    "understand",
    "skill",
    "familiarity",
    "familiar",
    "expertise",
    "expert",
    "excellent",
    "great",
    "demonstrated",
    "demonstrable",
    "proven",
    "hand",
    "on",
    "ability",
    "able",
    "in",
    "of",
    "with",
    "the",
    "a",
    "an",
    "and",
    "or",
    "for",
    "to",
    "using",
    "use",
    "including",
    "etc",
    "e",
    "g",
    "eg",
    "such",
    "as",
    "like",
    "any",
    "various",
    "relevant",
    "depth",
    "modern",
    "thorough",
    "extensive",
    "distinctive",
    "exemplary",
    "effective",
    "exceptional",
    "outstanding",
    "top",
    "notch",
];
const GENERIC: &[&str] = &[
    "development",
    "programming",
    "framework",
    "frameworks",
    "methodology",
    "methodologie",
    "tool",
    "tools",
    "library",
    "librarie",
    "language",
    "platform",
    "environment",
    "technology",
    "technologie",
    "system",
    "concept",
    "principle",
    "database",
    "service",
    "api",
    "constructs",
    "construct",
    "fundamental",
    "stack",
    "solution",
    "application",
    "engineering",
    "practice",
    "process",
    "software",
    "based",
];
const WEAK_EXTRA: &[&str] = &[
    "equivalent",
    "related",
    "field",
    "practical",
    "management",
    "change",
    "written",
    "verbal",
    "spoken",
    "both",
    "one",
    "more",
    "other",
    "all",
];
const JOINERS: &[&str] = &[
    "and",
    "or",
    "of",
    "in",
    "with",
    "for",
    "to",
    "the",
    "a",
    "an",
    "but",
    "as",
    "such",
    "like",
    "including",
    "e.g",
    "eg",
    "etc",
];

fn dir() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/realworld/jds"))
}

fn norm(s: &str) -> Vec<String> {
    let s = s.to_lowercase().replace(['\u{2019}', '\u{2018}', '`'], "'").replace("'s", "s").replace('\'', "");
    let mut out = String::new();
    for c in s.chars() {
        if c.is_alphanumeric() || c == '_' || c == '+' || c == '#' {
            out.push(c);
        } else {
            out.push(' ');
        }
    }
    out.split_whitespace().map(str::to_string).collect()
}

fn singular(t: &str) -> String {
    if t.chars().count() > 3 && t.ends_with('s') && !t.ends_with("ss") {
        t[..t.len() - 1].to_string()
    } else {
        t.to_string()
    }
}

fn content(s: &str) -> Vec<String> {
    norm(s)
        .into_iter()
        .filter(|t| !FILLER.contains(&t.as_str()) && !FILLER.contains(&singular(t).as_str()))
        .map(|t| singular(&t))
        .collect()
}

/// "5+ years", "2-4 years": the first number of years.
fn years_of(s: &str) -> Option<u32> {
    let w: Vec<String> =
        s.to_lowercase().replace(['+', '-'], " ").split_whitespace().map(str::to_string).collect();
    for (i, t) in w.iter().enumerate() {
        if let Ok(n) = t.parse::<u32>() {
            let next = w.get(i + 1).map(String::as_str);
            let after = if next.is_some_and(|x| x.parse::<u32>().is_ok()) {
                w.get(i + 2).map(String::as_str)
            } else {
                next
            };
            if after.is_some_and(|a| matches!(a, "year" | "years" | "yr" | "yrs")) {
                return Some(n);
            }
        }
    }
    None
}

fn strip_years(s: &str) -> String {
    let w: Vec<&str> = s.split_whitespace().collect();
    w.iter()
        .filter(|x| {
            let l = x.to_lowercase();
            !(l.trim_end_matches('+').parse::<u32>().is_ok()
                || matches!(l.as_str(), "year" | "years" | "yr" | "yrs" | "+" | "-"))
        })
        .copied()
        .collect::<Vec<_>>()
        .join(" ")
}

struct Label {
    v: Value,
    vocab: BTreeSet<String>,
}

impl Label {
    fn new(v: Value) -> Label {
        let mut l = Label { v, vocab: BTreeSet::new() };
        let terms = l.all_terms();
        for t in terms {
            for f in l.forms(&t) {
                l.vocab.extend(content(&f));
            }
        }
        l
    }

    fn strs(&self, key: &str) -> Vec<String> {
        self.v[key].as_array().into_iter().flatten().filter_map(|x| x.as_str().map(str::to_string)).collect()
    }

    fn groups(&self, key: &str) -> Vec<Vec<String>> {
        self.v[key]
            .as_array()
            .into_iter()
            .flatten()
            .map(|g| {
                g.as_array().into_iter().flatten().filter_map(|x| x.as_str().map(str::to_string)).collect()
            })
            .collect()
    }

    fn all_terms(&self) -> Vec<String> {
        let mut out = self.strs("required");
        out.extend(self.strs("preferred"));
        for g in self.groups("alternatives").into_iter().chain(self.groups("preferred_alternatives")) {
            out.extend(g);
        }
        out
    }

    fn forms(&self, term: &str) -> Vec<String> {
        let mut out = vec![term.to_string()];
        if let Some(a) = self.v["aliases"][term].as_array() {
            out.extend(a.iter().filter_map(|x| x.as_str().map(str::to_string)));
        }
        out
    }

    /// 2 = same words, 1 = the term's words with generic or labelled words beside them.
    fn names(&self, pred: &str, term: &str) -> u8 {
        if let Some(ty) = years_of(term) {
            if years_of(pred) != Some(ty) {
                return 0;
            }
            let rest = strip_years(term);
            if content(&rest).is_empty() {
                return 2;
            }
            return self.names_forms(&strip_years(pred), &[rest]);
        }
        if years_of(pred).is_some() && content(&strip_years(pred)).is_empty() {
            return 0;
        }
        self.names_forms(pred, &self.forms(term))
    }

    fn names_forms(&self, pred: &str, forms: &[String]) -> u8 {
        let full: Vec<String> = norm(pred).iter().map(|w| singular(w)).collect();
        if forms.iter().any(|f| norm(f).iter().map(|w| singular(w)).collect::<Vec<_>>() == full) {
            return 2;
        }
        let p = content(pred);
        let weak = |w: &String| GENERIC.contains(&w.as_str()) || WEAK_EXTRA.contains(&w.as_str());
        if p.is_empty() || p.iter().all(weak) {
            return 0;
        }
        let mut best = 0;
        for f in forms {
            let t = content(f);
            if t.is_empty() {
                continue;
            }
            if p == t {
                return 2;
            }
            for i in 0..p.len().saturating_sub(t.len() - 1) {
                if p[i..i + t.len()] == t[..] {
                    let extra = p[..i].iter().chain(&p[i + t.len()..]);
                    if extra.clone().all(|w| GENERIC.contains(&w.as_str()) || self.vocab.contains(w)) {
                        best = 1;
                    }
                }
            }
        }
        best
    }
}

fn is_fragment(raw: &str) -> bool {
    let r = raw.trim();
    if r.is_empty() {
        return true;
    }
    for (o, c) in [('(', ')'), ('[', ']'), ('{', '}')] {
        if r.matches(o).count() != r.matches(c).count() {
            return true;
        }
    }
    let low = r.to_lowercase();
    let low = low.trim_end_matches('.');
    if low.ends_with(" etc")
        || low.ends_with(" e.g")
        || low.contains("is a plus")
        || low.contains("is preferred")
        || r.contains(':')
    {
        return true;
    }
    let words: Vec<&str> = low.split_whitespace().collect();
    let edge = |w: &&str| JOINERS.contains(&w.trim_matches(|c: char| !c.is_alphanumeric() && c != '.'));
    words.first().is_some_and(edge) || words.last().is_some_and(edge)
}

fn field_ok(label: &Label, key: &str, pred: Option<&str>) -> Option<bool> {
    let want = label.v[key].as_str()?;
    let mut accept = vec![want.to_string()];
    accept.extend(label.strs(&format!("{key}_accept")));
    let pred = pred.map(norm);
    Some(pred.is_some_and(|p| accept.iter().any(|a| norm(a) == p)))
}

#[test]
fn real_job_postings_are_read_like_a_recruiter() {
    let mut names: Vec<PathBuf> = std::fs::read_dir(dir())
        .expect("../shared/realworld/jds")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    names.sort();
    assert!(names.len() >= 14, "real postings missing");
    let (mut units, mut found, mut preds, mut ok, mut fragments, mut groups, mut all_required) =
        (0, 0, 0, 0, 0, 0, 0);
    let (mut stated, mut right) = (0, 0);
    for path in &names {
        let label = Label::new(serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap());
        let file = dir().join(label.v["file"].as_str().unwrap());
        let jd = resumax_document::read_job_description(&std::fs::read(&file).unwrap()).expect("readable");
        for (key, got) in [("title", &jd.title), ("company", &jd.company), ("location", &jd.location)] {
            if let Some(r) = field_ok(&label, key, got.as_deref()) {
                stated += 1;
                right += usize::from(r);
                if !r {
                    eprintln!("{}: {key} {got:?}", file.display());
                }
            }
        }
        let required = label.strs("required");
        let alts = label.groups("alternatives");
        let own: Vec<String> = required.iter().cloned().chain(alts.iter().flatten().cloned()).collect();
        let mut named: BTreeSet<String> = BTreeSet::new();
        for p in &jd.required_skills {
            preds += 1;
            if is_fragment(p) {
                fragments += 1;
                eprintln!("{}: fragment {p:?}", file.display());
                continue;
            }
            let scores: Vec<(String, u8)> = own.iter().map(|t| (t.clone(), label.names(p, t))).collect();
            let best = scores.iter().map(|s| s.1).max().unwrap_or(0);
            if best > 0 {
                ok += 1;
                named.extend(scores.into_iter().filter(|s| s.1 == best).map(|s| s.0));
            }
        }
        units += required.len() + alts.len();
        found += required.iter().filter(|t| named.contains(*t)).count();
        found += alts.iter().filter(|g| g.iter().any(|t| named.contains(t))).count();
        groups += alts.len();
        all_required += alts.iter().filter(|g| g.iter().filter(|t| named.contains(*t)).count() >= 2).count();
    }
    let recall = found as f64 / units as f64;
    let precision = ok as f64 / preds as f64;
    let fields = right as f64 / stated as f64;
    let grouped = 1.0 - all_required as f64 / groups as f64;
    eprintln!(
        "real postings: required recall {recall:.3} precision {precision:.3}, {fragments} fragments of {preds}, \
         either/or groups kept as one {grouped:.3} ({all_required} of {groups} split), title/company/location {right}/{stated}"
    );
    assert!(recall >= 0.91, "recall {recall:.3}");
    assert!(precision >= 0.90, "precision {precision:.3}");
    assert_eq!(fragments, 0);
    assert!(grouped >= 0.99, "groups {grouped:.3}");
    assert!(fields >= 0.99, "title/company/location {fields:.3}");
}
