//! Regression floors on the real-world development set (`../shared/realworld/resumes`): sample
//! outputs of popular resume templates with hand labels of what a person reads. Fields are matched
//! as `eval_resumes.py` there matches them (its docstring is the definition); that script, run
//! on the release build, gives the figures in docs/benchmarks.md. The floors are the figures this
//! code reaches, so a change that reads real files worse fails here.

use std::path::Path;

use serde_json::Value;

const REALWORLD: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/realworld/resumes");

/// Casefolded, dashes unified, punctuation dropped, whitespace collapsed.
fn norm(s: &str) -> String {
    let mapped: String = s
        .to_lowercase()
        .chars()
        .map(|c| if matches!(c, '\u{2010}'..='\u{2015}' | '\u{2212}' | '\u{00ad}') { '-' } else { c })
        .map(|c| if c.is_alphanumeric() || c.is_whitespace() { c } else { ' ' })
        .collect();
    mapped.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// difflib's ratio: twice the characters in matching blocks over the total length.
fn ratio(a: &[char], b: &[char]) -> f64 {
    fn matched(a: &[char], b: &[char]) -> usize {
        let (mut best, mut at_a, mut at_b) = (0, 0, 0);
        for i in 0..a.len() {
            for j in 0..b.len() {
                let mut k = 0;
                while i + k < a.len() && j + k < b.len() && a[i + k] == b[j + k] {
                    k += 1;
                }
                if k > best {
                    (best, at_a, at_b) = (k, i, j);
                }
            }
        }
        if best == 0 {
            return 0;
        }
        best + matched(&a[..at_a], &b[..at_b]) + matched(&a[at_a + best..], &b[at_b + best..])
    }
    if a.is_empty() && b.is_empty() {
        return 1.0;
    }
    2.0 * matched(a, b) as f64 / (a.len() + b.len()) as f64
}

fn text_match(label: &str, got: Option<&str>) -> bool {
    let (a, b) = (norm(label), norm(got.unwrap_or("")));
    if a.is_empty() || b.is_empty() {
        return false;
    }
    let (ca, cb): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    a == b || ratio(&ca, &cb) >= 0.9
}

fn field_match(label: &Value, field: &str, got: Option<&str>) -> bool {
    let mut alts: Vec<&str> = label[field].as_str().into_iter().collect();
    alts.extend(label["accept"][field].as_array().into_iter().flatten().filter_map(Value::as_str));
    alts.iter().any(|a| text_match(a, got))
}

const MONTHS: [&str; 12] =
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
const FULL: [&str; 9] =
    ["january", "february", "march", "april", "june", "july", "august", "september", "october"];

/// (year, month or season) and "present" tokens in order, as the evaluator reads them.
fn date_tokens(s: &str) -> Vec<String> {
    let s = s.to_lowercase();
    let chars: Vec<char> = s.chars().collect();
    let mut out = Vec::new();
    let mut pending: Option<String> = None;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_ascii_alphabetic() {
            let start = i;
            while i < chars.len() && chars[i].is_ascii_alphabetic() {
                i += 1;
            }
            let w: String = chars[start..i].iter().collect();
            let known_month = MONTHS
                .iter()
                .position(|m| w.starts_with(m))
                .filter(|_| w.len() <= 4 || FULL.contains(&w.as_str()) || w == "november" || w == "december");
            if let Some(m) = known_month {
                pending = Some((m + 1).to_string());
            } else if matches!(w.as_str(), "spring" | "summer" | "fall" | "autumn" | "winter") {
                pending = Some(if w == "autumn" { "fall".into() } else { w });
            } else if matches!(w.as_str(), "present" | "ongoing" | "current" | "now" | "today") {
                out.push("present".to_string());
                pending = None;
            }
            continue;
        }
        if c.is_ascii_digit() {
            let start = i;
            while i < chars.len() && chars[i].is_ascii_digit() {
                i += 1;
            }
            let d: String = chars[start..i].iter().collect();
            if d.len() == 4 {
                out.push(format!("{d}/{}", pending.take().unwrap_or_default()));
            } else if d.len() <= 2
                && chars.get(i) == Some(&'/')
                && chars[i + 1..].iter().take_while(|c| c.is_ascii_digit()).count() == 4
            {
                pending = Some(d.trim_start_matches('0').to_string());
            }
            continue;
        }
        i += 1;
    }
    out
}

fn date_match(label: &str, entry: &Value) -> bool {
    let got = entry["date_text"].as_str();
    if got.is_some_and(|g| text_match(label, Some(g))) {
        return true;
    }
    let want = date_tokens(label);
    if want.is_empty() {
        return false;
    }
    let mut have = date_tokens(got.unwrap_or(""));
    if have.is_empty() {
        for k in ["start", "end"] {
            if let Some(v) = entry[k].as_str() {
                let (y, m) = v.split_once('-').unwrap_or((v, ""));
                have.push(format!("{y}/{}", m.trim_start_matches('0')));
            }
        }
        if entry["current"].as_bool() == Some(true) {
            have.push("present".into());
        }
    }
    want == have
}

/// Labelled entries matched whole (every printed field right) by one parsed entry each, paired
/// greedily by the number of matching fields as the evaluator does.
fn entries_right(labels: &[Value], parsed: &[Value], fields: [&str; 3], keys: [&str; 2]) -> (usize, usize) {
    let mut cand = Vec::new();
    for (i, l) in labels.iter().enumerate() {
        for (j, p) in parsed.iter().enumerate() {
            let hits: Vec<Option<bool>> = fields
                .iter()
                .enumerate()
                .map(|(k, f)| match (*f, l[*f].as_str()) {
                    ("dates", Some(d)) => Some(date_match(d, p)),
                    (_, None) => None,
                    (f, Some(_)) => Some(field_match(l, f, p[keys[k.min(1)]].as_str())),
                })
                .collect();
            let score = hits.iter().filter(|h| **h == Some(true)).count();
            if score > 0 {
                cand.push((std::cmp::Reverse(score), i.abs_diff(j), i, j, hits));
            }
        }
    }
    cand.sort_by_key(|c| (c.0, c.1));
    let (mut used_l, mut used_p, mut right) = (Vec::new(), Vec::new(), Vec::new());
    for (_, _, i, j, hits) in cand {
        if used_l.contains(&i) || used_p.contains(&j) {
            continue;
        }
        used_l.push(i);
        used_p.push(j);
        if hits.iter().all(|h| *h != Some(false)) {
            right.push(i);
        }
    }
    let n = labels
        .iter()
        .enumerate()
        .filter(|(i, l)| used_l.contains(i) || l["optional"] != Value::Bool(true))
        .count();
    (right.len(), n)
}

#[derive(Default)]
struct Tally {
    contact: (usize, usize),
    sections: (usize, usize),
    experience: (usize, usize),
    education: (usize, usize),
}

fn add(t: &mut (usize, usize), (a, b): (usize, usize)) {
    t.0 += a;
    t.1 += b;
}

fn share((a, b): (usize, usize)) -> f64 {
    if b == 0 { 1.0 } else { a as f64 / b as f64 }
}

#[test]
fn real_resumes_read_at_least_as_well_as_today() {
    let dir = Path::new(REALWORLD);
    assert!(dir.is_dir(), "the real-world set is missing at {REALWORLD}");
    let mut labels: Vec<_> = std::fs::read_dir(dir)
        .expect("readable folder")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    labels.sort();
    assert!(labels.len() >= 18, "expected the 18 labelled resumes, found {}", labels.len());
    let mut t = Tally::default();
    for path in &labels {
        let label: Value =
            serde_json::from_str(&std::fs::read_to_string(path).expect("label")).expect("label json");
        let file = label["file"].as_str().expect("file name");
        let bytes = std::fs::read(dir.join(file)).expect("labelled file");
        let doc =
            resumax_document::parse_to_ground_truth_json(&bytes, file, false).expect("a real resume parses");
        let c = &doc["contact"];
        let digits =
            |v: &Value| v.as_str().unwrap_or("").chars().filter(char::is_ascii_digit).collect::<String>();
        let email_ok = match label["email"].as_str() {
            Some(e) => c["email"].as_str().is_some_and(|g| g.trim().eq_ignore_ascii_case(e.trim())),
            None => c["email"].is_null(),
        };
        let phone_ok = match label["phone"].as_str() {
            Some(_) => !digits(&c["phone"]).is_empty() && digits(&c["phone"]) == digits(&label["phone"]),
            None => c["phone"].is_null(),
        };
        let name_ok = text_match(label["name"].as_str().unwrap_or(""), c["name"].as_str());
        add(&mut t.contact, ([name_ok, email_ok, phone_ok].iter().filter(|x| **x).count(), 3));
        let sections = doc["sections"].as_array().cloned().unwrap_or_default();
        let wanted: Vec<&str> =
            label["sections"].as_array().expect("sections").iter().filter_map(Value::as_str).collect();
        let found =
            wanted.iter().filter(|h| sections.iter().any(|s| text_match(h, s["heading"].as_str()))).count();
        add(&mut t.sections, (found, wanted.len()));
        let of_type = |kind: &str| -> Vec<Value> {
            sections
                .iter()
                .filter(|s| s["type"] == kind)
                .flat_map(|s| s["entries"].as_array().cloned().unwrap_or_default())
                .collect()
        };
        let jobs = label["experience"].as_array().cloned().unwrap_or_default();
        add(
            &mut t.experience,
            entries_right(
                &jobs,
                &of_type("experience"),
                ["employer", "title", "dates"],
                ["employer", "title"],
            ),
        );
        let schools = label["education"].as_array().cloned().unwrap_or_default();
        add(
            &mut t.education,
            entries_right(
                &schools,
                &of_type("education"),
                ["institution", "degree", "dates"],
                ["institution", "degree"],
            ),
        );
    }
    let report = format!(
        "contact {:.3} sections {:.3} experience {:.3} ({}/{}) education {:.3} ({}/{})",
        share(t.contact),
        share(t.sections),
        share(t.experience),
        t.experience.0,
        t.experience.1,
        share(t.education),
        t.education.0,
        t.education.1
    );
    println!("{report}");
    assert!(share(t.contact) >= 0.98, "{report}");
    assert!(share(t.sections) >= 0.99, "{report}");
    assert!(share(t.experience) >= 0.98, "{report}");
    assert!(share(t.education) >= 0.99, "{report}");
}
