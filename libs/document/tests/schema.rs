//! `parse_to_ground_truth_json` (what `resumax parse FILE [--jd] --json` prints) produces the
//! corpus ground-truth schema: every key the parser determines is present with the same JSON type
//! as in the ground truth, and the values agree with it on a sample of files.

use std::path::Path;

use resumax_document::{parse_to_ground_truth_json, rejection_kind};
use serde_json::Value;

const CORPUS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/corpus");

fn truth(dir: &str, id: &str) -> (Vec<u8>, Value) {
    let dir = Path::new(CORPUS).join(dir);
    assert!(dir.is_dir(), "corpus missing at {}", dir.display());
    let truth: Value = serde_json::from_slice(&std::fs::read(dir.join(format!("{id}.json"))).expect("truth"))
        .expect("truth is json");
    let file = truth["file"].as_str().expect("file named").to_string();
    (std::fs::read(dir.join(file)).expect("document readable"), truth)
}

fn same_type(a: &Value, b: &Value) -> bool {
    std::mem::discriminant(a) == std::mem::discriminant(b) || a.is_null() || b.is_null()
}

fn assert_keys(got: &Value, want: &Value, keys: &[&str], what: &str) {
    for key in keys {
        assert!(got.get(key).is_some(), "{what}: key {key} missing in {got}");
        assert!(
            same_type(&got[key], &want[key]),
            "{what}: {key} is {} but truth has {}",
            got[key],
            want[key]
        );
    }
}

#[test]
fn resumes_print_in_the_ground_truth_schema() {
    // One of each producer family: reportlab sidebar, LibreOffice table, Word, Chromium.
    for id in ["resume_034", "resume_005", "resume_008", "resume_016", "resume_017"] {
        let (bytes, want) = truth("resumes", id);
        let file = want["file"].as_str().unwrap_or_default();
        let got = parse_to_ground_truth_json(&bytes, file, false).unwrap_or_else(|e| panic!("{id}: {e}"));
        assert_keys(
            &got,
            &want,
            &[
                "schema_version",
                "kind",
                "id",
                "file",
                "format",
                "negative",
                "page_count",
                "contact",
                "tagline",
                "sections",
                "text",
            ],
            id,
        );
        assert_eq!(got["id"], want["id"], "{id}");
        assert_eq!(got["format"], want["format"], "{id}");
        assert_eq!(got["page_count"], want["page_count"], "{id}");
        assert_keys(&got["contact"], &want["contact"], &["name", "email", "phone", "location", "links"], id);
        assert_eq!(got["contact"]["email"], want["contact"]["email"], "{id}");
        assert_eq!(got["contact"]["name"], want["contact"]["name"], "{id}");
        let sections = got["sections"].as_array().expect("sections array");
        for want_section in want["sections"].as_array().expect("truth sections") {
            let kind = &want_section["type"];
            let got_section = sections
                .iter()
                .find(|s| &s["type"] == kind)
                .unwrap_or_else(|| panic!("{id}: no {kind} section in {sections:?}"));
            assert_keys(got_section, want_section, &["type", "heading"], id);
            if let Some(entries) = want_section["entries"].as_array().filter(|e| !e.is_empty()) {
                let got_entries = got_section["entries"].as_array().expect("entries array");
                assert!(!got_entries.is_empty(), "{id}: {kind} has no entries");
                let keys: &[&str] = match kind.as_str() {
                    Some("experience") => {
                        &["employer", "title", "location", "start", "end", "current", "date_text", "bullets"]
                    }
                    Some("education") => &["institution", "location", "degree", "start", "end", "date_text"],
                    Some("projects") => &["name", "description", "link"],
                    Some("certifications") => &["name", "date", "text"],
                    _ => &[],
                };
                assert_keys(&got_entries[0], &entries[0], keys, id);
            }
            if want_section["items"].is_array() {
                assert!(
                    got_section["items"].as_array().is_some_and(|i| !i.is_empty()),
                    "{id}: no skill items"
                );
            }
        }
    }
}

#[test]
fn job_descriptions_print_in_the_ground_truth_schema() {
    for id in ["jd_009", "jd_008", "jd_025", "jd_006"] {
        let (bytes, want) = truth("jds", id);
        let file = want["file"].as_str().unwrap_or_default();
        let got = parse_to_ground_truth_json(&bytes, file, true).unwrap_or_else(|e| panic!("{id}: {e}"));
        assert_keys(
            &got,
            &want,
            &[
                "schema_version",
                "kind",
                "id",
                "file",
                "format",
                "title",
                "company",
                "location",
                "employment_type",
                "salary",
                "required_skills",
                "nice_to_have_skills",
                "low_quality",
                "quality_flags",
                "text",
                "text_length",
            ],
            id,
        );
        for key in ["kind", "format", "title", "company", "location", "low_quality"] {
            assert_eq!(got[key], want[key], "{id}: {key}");
        }
    }
}

#[test]
fn negative_cases_name_what_is_wrong() {
    for (id, kind) in [("resume_019", "image_only"), ("resume_026", "encrypted"), ("resume_010", "corrupt")] {
        let (bytes, want) = truth("resumes", id);
        assert_eq!(want["negative"]["kind"], kind, "{id}: corpus changed");
        let err = parse_to_ground_truth_json(&bytes, id, false).expect_err("negative case rejected");
        assert_eq!(rejection_kind(&err), kind, "{id}");
        let message = err.to_string();
        let named = match kind {
            "image_only" => message.contains("no text layer"),
            "encrypted" => message.contains("password"),
            _ => message.contains("not a readable"),
        };
        assert!(named, "{id}: message does not say what is wrong: {message}");
        assert_eq!(resumax_core::Error::from(err).code, resumax_core::ErrorCode::ParseFailed);
    }
}
