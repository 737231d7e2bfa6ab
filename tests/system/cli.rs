//! The one-shot commands on corpus files: `resumax parse` speaks the corpus ground-truth schema,
//! `resumax score` and `resumax optimize --json` print the contract objects.

use std::process::Command;

use serde_json::Value;

use crate::helpers::{BIN, corpus, ground_truth};

fn run(args: &[&str]) -> (bool, Value) {
    let output = Command::new(BIN).args(args).output().expect("run resumax");
    let stdout = String::from_utf8(output.stdout).expect("utf-8");
    let value = serde_json::from_str(&stdout)
        .unwrap_or_else(|e| panic!("resumax {args:?} printed no JSON ({e}): {stdout}"));
    (output.status.success(), value)
}

#[test]
fn parse_prints_the_ground_truth_schema_and_names_what_it_cannot_read() {
    let mut checked = 0;
    for entry in std::fs::read_dir(corpus("resumes")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e == "json") {
            continue;
        }
        let truth: Value =
            serde_json::from_str(&std::fs::read_to_string(path.with_extension("json")).unwrap()).unwrap();
        if !truth["negative"].is_null() {
            continue;
        }
        let (ok, parsed) = run(&["parse", path.to_str().unwrap(), "--json"]);
        let file = path.display();
        assert!(ok, "{file}: {parsed}");
        assert_eq!((&parsed["kind"], &parsed["id"]), (&truth["kind"], &truth["id"]), "{file}");
        for field in ["name", "email", "phone"] {
            assert_eq!(parsed["contact"][field], truth["contact"][field], "{file}: contact {field}");
        }
        // The same sections (a sidebar may come first: the corpus allows either reading order).
        let kinds = |v: &Value| -> Vec<String> {
            let mut kinds: Vec<String> = v["sections"]
                .as_array()
                .unwrap()
                .iter()
                .map(|s| s["type"].as_str().unwrap_or_default().into())
                .collect();
            kinds.sort();
            kinds
        };
        assert_eq!(kinds(&parsed), kinds(&truth), "{file}: section types");
        checked += 1;
    }
    assert!(checked >= 30, "only {checked} corpus resumes checked");

    let job = corpus("jds/jd_009.pdf");
    let (ok, parsed) = run(&["parse", job.to_str().unwrap(), "--jd", "--json"]);
    let truth = ground_truth("jds/jd_009.json");
    assert!(ok, "{parsed}");
    assert_eq!((&parsed["title"], &parsed["company"]), (&truth["title"], &truth["company"]));

    for (file, kind) in [
        ("resumes/resume_019.pdf", "image_only"),
        ("resumes/resume_026.pdf", "encrypted"),
        ("resumes/resume_010.pdf", "corrupt"),
    ] {
        let path = corpus(file);
        let (ok, rejected) = run(&["parse", path.to_str().unwrap(), "--json"]);
        assert!(!ok, "{file} must fail");
        assert_eq!(
            (rejected["code"].as_str(), rejected["kind"].as_str()),
            (Some("parse_failed"), Some(kind)),
            "{rejected}"
        );
        assert!(rejected["message"].as_str().is_some_and(|m| m.len() > 20), "{rejected}");
    }
}

#[test]
fn score_and_optimize_print_the_contract_objects() {
    let (resume, job) = (corpus("resumes/resume_033.pdf"), corpus("jds/jd_025.txt"));
    let (resume, job) = (resume.to_str().unwrap(), job.to_str().unwrap());
    let (ok, score) = run(&["score", "--resume", resume, "--jd", job, "--json"]);
    assert!(ok, "{score}");
    let alignment = score["alignmentScore"].as_u64().expect("alignmentScore");
    assert!(alignment <= 100);
    assert!(score["breakdown"].is_array() && score["matchReport"]["matchedKeywords"].is_array(), "{score}");

    let (ok, run_json) = run(&["optimize", "--resume", resume, "--jd", job, "--json"]);
    assert!(ok, "{run_json}");
    assert_eq!(run_json["status"], "completed");
    // The same scorer, the same input: the one-shot "before" equals `resumax score`.
    assert_eq!(run_json["scoreBefore"].as_u64(), Some(alignment), "{run_json}");
    assert!(run_json["alignmentScore"].as_u64().is_some_and(|after| after >= alignment), "{run_json}");
    assert!(run_json["diff"].as_array().is_some_and(|d| !d.is_empty()));
}

/// `resumax parse --explain` on real template outputs: a two-column page shows both flows, the
/// role of every line and the layout warning; a single-column page shows no warning.
#[test]
fn explain_shows_the_flows_roles_and_layout_warning_of_a_real_two_column_resume() {
    let real = |name: &str| {
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/realworld/resumes").join(name)
    };
    let explain = |name: &str| {
        let output =
            Command::new(BIN).args(["parse"]).arg(real(name)).arg("--explain").output().expect("run resumax");
        assert!(output.status.success(), "{name}: {}", String::from_utf8_lossy(&output.stderr));
        String::from_utf8(output.stdout).expect("utf-8")
    };
    let two = explain("rm_two_column.pdf");
    let rows: Vec<Vec<&str>> = two.lines().skip(1).map(|l| l.split_whitespace().collect()).collect();
    let with = |column: &str, role: &str| {
        rows.iter().filter(|r| r.get(1) == Some(&column) && r.get(2) == Some(&role)).count()
    };
    assert!(
        with("left", "heading") >= 2 && with("right", "heading") >= 2,
        "both flows have headings:\n{two}"
    );
    assert!(
        two.contains("left   entry") && two.contains("employer"),
        "entry headers and their fields:\n{two}"
    );
    assert!(with("left", "bullet") >= 6, "{two}");
    assert!(two.contains("warning: multi_column_layout"), "{two}");
    let one = explain("rm_single_column.pdf");
    assert!(!one.contains("multi_column_layout"), "{one}");
    assert!(
        one.lines()
            .skip(1)
            .filter(|l| !l.trim().is_empty())
            .all(|l| l.split_whitespace().nth(1) == Some("full")),
        "{one}"
    );
}

/// `resumax optimize --format pdf|docx -o FILE` writes the accepted resume as that file, and
/// `resumax parse` reads it back with the same person and sections.
#[test]
fn optimize_writes_pdf_and_docx_files_that_read_back() {
    let (resume, job) = (corpus("resumes/resume_033.pdf"), corpus("jds/jd_025.txt"));
    let (_, original) = run(&["parse", resume.to_str().unwrap(), "--json"]);
    let dir = tempfile::tempdir().unwrap();
    for format in ["pdf", "docx"] {
        let out = dir.path().join(format!("optimized.{format}"));
        let output = Command::new(BIN)
            .args(["optimize", "--resume", resume.to_str().unwrap(), "--jd", job.to_str().unwrap()])
            .args(["--format", format, "-o", out.to_str().unwrap()])
            .output()
            .expect("run resumax");
        assert!(output.status.success(), "{format}: {}", String::from_utf8_lossy(&output.stderr));
        let bytes = std::fs::read(&out).expect("the file was written");
        let magic: &[u8] = if format == "pdf" { b"%PDF-" } else { b"PK\x03\x04" };
        assert!(bytes.starts_with(magic), "{format}: not a {format} file");
        let (ok, back) = run(&["parse", out.to_str().unwrap(), "--json"]);
        assert!(ok, "{back}");
        assert_eq!(back["contact"]["email"], original["contact"]["email"], "{format}: {back}");
        assert_eq!(back["contact"]["name"], original["contact"]["name"], "{format}: {back}");
        let kinds = |v: &serde_json::Value| -> Vec<String> {
            v["sections"].as_array().unwrap().iter().map(|s| s["type"].to_string()).collect()
        };
        assert_eq!(kinds(&back), kinds(&original), "{format}: sections");
    }
}
