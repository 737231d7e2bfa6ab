//! Accuracy over the evaluation corpus: word F1 and reading order of the extracted text, field
//! accuracy of the parsed resumes and job descriptions, and clean rejection of negative cases.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use resumax_core::resume::{ParsedResume, SectionKind};
use resumax_document::{
    DocumentError, analyze_job_description, extract_text, read_job_description, read_resume,
};
use serde_json::Value;

const CORPUS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/corpus");

fn corpus_files(dir: &str) -> Vec<(PathBuf, Value)> {
    let dir = Path::new(CORPUS).join(dir);
    assert!(dir.is_dir(), "corpus missing at {}", dir.display());
    let mut out = Vec::new();
    let mut entries: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("corpus directory is readable")
        .map(|e| e.expect("directory entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    entries.sort();
    for json in entries {
        let truth: Value =
            serde_json::from_slice(&std::fs::read(&json).expect("truth readable")).expect("truth is json");
        let file = truth["file"].as_str().expect("truth names its file");
        out.push((dir.join(file), truth));
    }
    assert!(!out.is_empty(), "no documents in {}", dir.display());
    out
}

fn words(text: &str) -> Vec<String> {
    text.split_whitespace().filter(|w| w.chars().any(char::is_alphanumeric)).map(str::to_string).collect()
}

fn regions(truth: &Value) -> Vec<(String, bool, String)> {
    truth["regions"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|r| {
                    (
                        r["id"].as_str().unwrap_or("").to_string(),
                        r["repeated_per_page"].as_bool().unwrap_or(false),
                        r["text"].as_str().unwrap_or("").to_string(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

fn truth_words(truth: &Value) -> Vec<String> {
    let pages = truth["page_count"].as_u64().unwrap_or(1).max(1) as usize;
    let mut out = Vec::new();
    for (_, repeated, text) in regions(truth) {
        let n = if repeated { pages } else { 1 };
        for _ in 0..n {
            out.extend(words(&text));
        }
    }
    if out.is_empty() {
        out = words(truth["text"].as_str().unwrap_or(""));
    }
    out
}

fn f1(pred: &[String], gold: &[String]) -> f64 {
    let mut counts: HashMap<&str, i64> = HashMap::new();
    for w in gold {
        *counts.entry(w).or_default() += 1;
    }
    let mut hit = 0i64;
    for w in pred {
        if let Some(c) = counts.get_mut(w.as_str())
            && *c > 0
        {
            *c -= 1;
            hit += 1;
        }
    }
    if pred.is_empty() || gold.is_empty() {
        return if pred.is_empty() && gold.is_empty() { 1.0 } else { 0.0 };
    }
    let p = hit as f64 / pred.len() as f64;
    let r = hit as f64 / gold.len() as f64;
    if p + r == 0.0 { 0.0 } else { 2.0 * p * r / (p + r) }
}

fn lcs(a: &[String], b: &[String]) -> usize {
    let mut prev = vec![0usize; b.len() + 1];
    let mut cur = vec![0usize; b.len() + 1];
    for x in a {
        for (j, y) in b.iter().enumerate() {
            cur[j + 1] = if x == y { prev[j] + 1 } else { cur[j].max(prev[j + 1]) };
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

/// LCS against the regions joined in the best allowed order; page headers lead, footers trail.
fn order_score(pred: &[String], truth: &Value) -> f64 {
    let regs = regions(truth);
    let orders: Vec<Vec<String>> = truth["allowed_region_orders"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|o| {
                    o.as_array()
                        .map(|x| x.iter().filter_map(|s| s.as_str().map(str::to_string)).collect())
                        .unwrap_or_default()
                })
                .collect()
        })
        .unwrap_or_default();
    let mut best = 0.0f64;
    for order in orders {
        let mut seq = Vec::new();
        for (id, rep, text) in &regs {
            if *rep && id.contains("header") {
                seq.extend(words(text));
            }
        }
        for id in &order {
            if let Some((_, _, text)) = regs.iter().find(|r| &r.0 == id) {
                seq.extend(words(text));
            }
        }
        for (id, rep, text) in &regs {
            if *rep && !id.contains("header") {
                seq.extend(words(text));
            }
        }
        if seq.is_empty() {
            continue;
        }
        best = best.max(lcs(pred, &seq) as f64 / seq.len() as f64);
    }
    best
}

fn norm(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase()
}

fn digits(s: &str) -> String {
    s.chars().filter(char::is_ascii_digit).collect()
}

#[derive(Default, Clone, Copy)]
struct Tally {
    ok: usize,
    total: usize,
}

impl Tally {
    fn check(&mut self, ok: bool) {
        self.total += 1;
        self.ok += ok as usize;
    }
    fn add(&mut self, o: Tally) {
        self.ok += o.ok;
        self.total += o.total;
    }
    fn rate(&self) -> f64 {
        if self.total == 0 { 1.0 } else { self.ok as f64 / self.total as f64 }
    }
}

fn opt_eq(got: Option<&str>, want: &Value) -> bool {
    match want.as_str() {
        Some(w) => got.is_some_and(|g| norm(g) == norm(w)),
        None => got.is_none(),
    }
}

fn check(
    t: &mut Tally,
    misses: &mut Vec<String>,
    field: &str,
    ok: bool,
    got: &dyn std::fmt::Debug,
    want: &Value,
) {
    t.check(ok);
    if !ok {
        misses.push(format!("{field}: got {got:?} want {want}"));
    }
}

fn resume_fields(parsed: &ParsedResume, truth: &Value, misses: &mut Vec<String>) -> Tally {
    let mut t = Tally::default();
    let contact = &truth["contact"];
    check(
        &mut t,
        misses,
        "name",
        opt_eq(parsed.contact.name.as_deref(), &contact["name"]),
        &parsed.contact.name,
        &contact["name"],
    );
    check(
        &mut t,
        misses,
        "email",
        opt_eq(parsed.contact.email.as_deref(), &contact["email"]),
        &parsed.contact.email,
        &contact["email"],
    );
    let phone_ok = match contact["phone"].as_str() {
        Some(p) => parsed.contact.phone.as_deref().is_some_and(|g| digits(g) == digits(p)),
        None => parsed.contact.phone.is_none(),
    };
    check(&mut t, misses, "phone", phone_ok, &parsed.contact.phone, &contact["phone"]);
    let sections = truth["sections"].as_array().cloned().unwrap_or_default();
    let entries_of = |kind: SectionKind| -> Vec<&resumax_core::resume::Entry> {
        parsed.sections.iter().filter(|s| s.kind == kind).flat_map(|s| s.entries.iter()).collect()
    };
    let jobs = entries_of(SectionKind::Experience);
    let schools = entries_of(SectionKind::Education);
    let skills: Vec<String> = parsed
        .sections
        .iter()
        .filter(|s| s.kind == SectionKind::Skills)
        .flat_map(|s| s.skills.iter().map(|x| norm(x)))
        .collect();
    for s in &sections {
        let entries = s["entries"].as_array().cloned().unwrap_or_default();
        match s["type"].as_str() {
            Some("experience") => {
                for (i, e) in entries.iter().enumerate() {
                    let date_text = e["date_text"].as_str().unwrap_or("");
                    let got = jobs
                        .iter()
                        .find(|j| {
                            j.date_text.as_deref() == Some(date_text)
                                && opt_eq(j.organization.as_deref(), &e["employer"])
                        })
                        .or_else(|| jobs.iter().find(|j| j.date_text.as_deref() == Some(date_text)))
                        .or_else(|| jobs.get(i));
                    let Some(got) = got else {
                        t.total += 4;
                        misses.push(format!("no job for {date_text}"));
                        continue;
                    };
                    check(
                        &mut t,
                        misses,
                        "employer",
                        opt_eq(got.organization.as_deref(), &e["employer"]),
                        &got.organization,
                        &e["employer"],
                    );
                    check(
                        &mut t,
                        misses,
                        "title",
                        opt_eq(got.title.as_deref(), &e["title"]),
                        &got.title,
                        &e["title"],
                    );
                    check(
                        &mut t,
                        misses,
                        "start",
                        opt_eq(got.start.as_deref(), &e["start"]),
                        &got.start,
                        &e["start"],
                    );
                    let end_ok = opt_eq(got.end.as_deref(), &e["end"])
                        && got.current == e["current"].as_bool().unwrap_or(false);
                    check(&mut t, misses, "end", end_ok, &(&got.end, got.current), &e["end"]);
                }
            }
            Some("education") => {
                for (i, e) in entries.iter().enumerate() {
                    let want_inst = e["institution"].as_str().unwrap_or("");
                    let got = schools
                        .iter()
                        .find(|j| j.organization.as_deref().is_some_and(|o| norm(o) == norm(want_inst)))
                        .or_else(|| schools.get(i));
                    let Some(got) = got else {
                        t.total += 2;
                        misses.push(format!("no school for {want_inst}"));
                        continue;
                    };
                    check(
                        &mut t,
                        misses,
                        "institution",
                        opt_eq(got.organization.as_deref(), &e["institution"]),
                        &got.organization,
                        &e["institution"],
                    );
                    let degree = norm(e["degree"].as_str().unwrap_or(""));
                    let degree_ok = got.title.as_deref().is_some_and(|g| norm(g).starts_with(&degree));
                    check(&mut t, misses, "degree", degree_ok, &got.title, &e["degree"]);
                }
            }
            Some("skills") => {
                for item in s["items"].as_array().cloned().unwrap_or_default() {
                    let want = norm(item.as_str().unwrap_or(""));
                    check(&mut t, misses, "skill", skills.contains(&want), &skills, &item);
                }
            }
            _ => {}
        }
    }
    t
}

/// What the issue names explicitly: ligatures expanded, letter-spaced headings joined, Type 3
/// fonts decoded.
fn check_rendering_features(name: &str, text: &str, truth: &Value, f: f64) {
    assert!(
        !text.chars().any(|c| ('\u{FB00}'..='\u{FB06}').contains(&c)),
        "{name}: a ligature glyph is left in the text"
    );
    let truth_text = truth["text"].as_str().unwrap_or("").to_lowercase();
    let lower = text.to_lowercase();
    for word in truth["features"]["ligature_prone_words"].as_array().into_iter().flatten() {
        let word = word.as_str().unwrap_or("").to_lowercase();
        if truth_text.contains(&word) {
            assert!(lower.contains(&word), "{name}: ligature word {word:?} not recovered");
        }
    }
    let spaced = truth["features"]["heading_letter_spacing"].as_str().is_some_and(|s| s != "0");
    if spaced {
        let lines: Vec<String> = text.lines().map(norm).collect();
        for section in truth["sections"].as_array().into_iter().flatten() {
            let heading = norm(section["heading"].as_str().unwrap_or(""));
            let joined =
                lines.contains(&heading) || lines.windows(2).any(|w| format!("{} {}", w[0], w[1]) == heading);
            assert!(joined, "{name}: letter-spaced heading {heading:?} not read as a word");
        }
    }
    if truth["features"]["font_embedding"].as_str().is_some_and(|e| e.contains("Type 3")) {
        assert!(f >= 0.95, "{name}: Type 3 fonts not decoded (word F1 {f:.3})");
    }
}

#[derive(Default)]
struct Row {
    files: usize,
    f1: f64,
    order: f64,
    min_f1: f64,
    fields: Tally,
}

#[test]
fn resumes_match_ground_truth() {
    let mut rows: BTreeMap<String, Row> = BTreeMap::new();
    let mut all_fields = Tally::default();
    let (mut f1_sum, mut order_sum, mut n, mut min_f1) = (0.0, 0.0, 0usize, 1.0f64);
    for (path, truth) in corpus_files("resumes") {
        let bytes = std::fs::read(&path).expect("document readable");
        let layout = truth["layout"].as_str().unwrap_or("?").to_string();
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("?").to_string();
        if let Some(kind) = truth["negative"]["kind"].as_str() {
            let got = read_resume(&bytes).err();
            let ok = match kind {
                "image_only" => got == Some(DocumentError::NoTextLayer),
                "encrypted" => got == Some(DocumentError::Encrypted),
                "corrupt" => matches!(got, Some(DocumentError::Corrupt(_))),
                other => panic!("unknown negative kind {other}"),
            };
            println!("{name:<16} {layout:<14} negative {kind:<10} -> {got:?}");
            assert!(ok, "{name}: negative case {kind} rejected as {got:?}");
            assert!(extract_text(&bytes).is_err(), "{name}: extract_text must fail too");
            continue;
        }
        let text = extract_text(&bytes).unwrap_or_else(|e| panic!("{name}: extraction failed: {e:?}"));
        let pred = words(&text);
        let gold = truth_words(&truth);
        let f = f1(&pred, &gold);
        let o = order_score(&pred, &truth);
        let parsed = read_resume(&bytes).unwrap_or_else(|e| panic!("{name}: parse failed: {e:?}"));
        let mut misses = Vec::new();
        let fields = resume_fields(&parsed, &truth, &mut misses);
        check_rendering_features(&name, &text, &truth, f);
        println!(
            "{name:<16} {layout:<14} f1 {f:.3} order {o:.3} fields {:.3} ({}/{})",
            fields.rate(),
            fields.ok,
            fields.total
        );
        for miss in &misses {
            println!("    miss {miss}");
        }
        let row = rows.entry(layout).or_insert_with(|| Row { min_f1: 1.0, ..Row::default() });
        row.files += 1;
        row.f1 += f;
        row.order += o;
        row.min_f1 = row.min_f1.min(f);
        row.fields.add(fields);
        all_fields.add(fields);
        f1_sum += f;
        order_sum += o;
        min_f1 = min_f1.min(f);
        n += 1;
    }
    println!("\n{:<14} {:>5} {:>7} {:>7} {:>7} {:>7}", "layout", "files", "f1", "min_f1", "order", "fields");
    let mut worst_layout_fields = 1.0f64;
    for (layout, r) in &rows {
        let k = r.files as f64;
        println!(
            "{layout:<14} {:>5} {:>7.3} {:>7.3} {:>7.3} {:>7.3}",
            r.files,
            r.f1 / k,
            r.min_f1,
            r.order / k,
            r.fields.rate()
        );
        worst_layout_fields = worst_layout_fields.min(r.fields.rate());
    }
    let (f1_macro, order_macro) = (f1_sum / n as f64, order_sum / n as f64);
    println!(
        "{:<14} {n:>5} {f1_macro:>7.3} {min_f1:>7.3} {order_macro:>7.3} {:>7.3}",
        "ALL",
        all_fields.rate()
    );
    assert!(f1_macro >= THRESH_F1, "word F1 macro {f1_macro:.3} below {THRESH_F1}");
    assert!(min_f1 >= THRESH_MIN_F1, "worst file F1 {min_f1:.3} below {THRESH_MIN_F1}");
    assert!(order_macro >= THRESH_ORDER, "order {order_macro:.3} below {THRESH_ORDER}");
    assert!(
        all_fields.rate() >= THRESH_FIELDS,
        "field accuracy {:.3} below {THRESH_FIELDS}",
        all_fields.rate()
    );
    assert!(
        worst_layout_fields >= THRESH_LAYOUT_FIELDS,
        "worst layout field accuracy {worst_layout_fields:.3} below {THRESH_LAYOUT_FIELDS}"
    );
}

// The bars: word F1 macro, no file below 0.97, reading order, field accuracy overall and
// for every layout.
const THRESH_F1: f64 = 0.995;
const THRESH_MIN_F1: f64 = 0.97;
const THRESH_ORDER: f64 = 0.99;
const THRESH_FIELDS: f64 = 0.95;
const THRESH_LAYOUT_FIELDS: f64 = 0.90;

#[test]
fn job_descriptions_match_ground_truth() {
    let (mut f1_sum, mut n, mut min_f1) = (0.0, 0usize, 1.0f64);
    let mut fields = Tally::default();
    let mut flags = Tally::default();
    let mut by_structure: BTreeMap<String, Tally> = BTreeMap::new();
    for (path, truth) in corpus_files("jds") {
        let bytes = std::fs::read(&path).expect("document readable");
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("?").to_string();
        let structure = truth["structure"].as_str().unwrap_or("?").to_string();
        let text = extract_text(&bytes).unwrap_or_else(|e| panic!("{name}: extraction failed: {e:?}"));
        let f = f1(&words(&text), &truth_words(&truth));
        let jd = read_job_description(&bytes).unwrap_or_else(|e| panic!("{name}: parse failed: {e:?}"));
        let mut t = Tally::default();
        t.check(opt_eq(jd.title.as_deref(), &truth["title"]));
        t.check(opt_eq(jd.company.as_deref(), &truth["company"]));
        t.check(opt_eq(jd.location.as_deref(), &truth["location"]));
        let want_flags: Vec<String> = truth["quality_flags"]
            .as_array()
            .map(|a| a.iter().filter_map(|x| x.as_str().map(str::to_string)).collect())
            .unwrap_or_default();
        let mut got_flags = jd.warnings.clone();
        got_flags.sort();
        let mut want_sorted = want_flags.clone();
        want_sorted.sort();
        flags.check(got_flags == want_sorted);
        println!(
            "{name:<12} {structure:<10} f1 {f:.3} fields {}/{} title {:?} company {:?} location {:?} flags {:?} (want {:?}) required {:?}",
            t.ok, t.total, jd.title, jd.company, jd.location, jd.warnings, want_flags, jd.required_skills
        );
        fields.add(t);
        by_structure.entry(structure).or_default().add(t);
        f1_sum += f;
        min_f1 = min_f1.min(f);
        n += 1;
    }
    for (s, t) in &by_structure {
        println!("{s:<10} fields {:.3}", t.rate());
    }
    let f1_macro = f1_sum / n as f64;
    println!(
        "JD word f1 {f1_macro:.3} (min {min_f1:.3}) fields {:.3} flags {:.3}",
        fields.rate(),
        flags.rate()
    );
    assert!(f1_macro >= JD_THRESH_F1, "JD word F1 {f1_macro:.3}");
    assert!(fields.rate() >= JD_THRESH_FIELDS, "JD field accuracy {:.3}", fields.rate());
    assert!(flags.rate() >= JD_THRESH_FLAGS, "JD quality flags {:.3}", flags.rate());
}

const JD_THRESH_F1: f64 = 0.99;
const JD_THRESH_FIELDS: f64 = 0.95;
const JD_THRESH_FLAGS: f64 = 0.95;

#[test]
fn pasted_text_metadata_wins() {
    let jd = analyze_job_description(
        "Backend Engineer\nAcme · Berlin, Germany · Full-time\n",
        Some("Staff Engineer"),
        None,
        None,
    );
    assert_eq!(jd.title.as_deref(), Some("Staff Engineer"));
    assert_eq!(jd.company.as_deref(), Some("Acme"));
    assert_eq!(jd.location.as_deref(), Some("Berlin, Germany"));
}
