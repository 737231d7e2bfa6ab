//! Test and benchmark support: the evaluation corpus (`../shared/corpus` beside the checkout),
//! read from its ground truth into domain types. A dev-dependency only; never in a binary.

use std::path::PathBuf;

use resumax_core::job_description::ParsedJobDescription;
use resumax_core::resume::{Contact, Entry, ParsedResume, Section, SectionKind};
use serde_json::Value;

pub fn corpus_dir() -> PathBuf {
    let dir = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/corpus"));
    assert!(dir.join("README.md").is_file(), "the corpus is missing at {}", dir.display());
    dir
}

fn read_json(folder: &str) -> Vec<(String, Value)> {
    let dir = corpus_dir().join(folder);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("reading {}: {e}", dir.display()))
        .map(|e| e.expect("dir entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|p| {
            let v: Value =
                serde_json::from_str(&std::fs::read_to_string(&p).expect("read json")).expect("valid json");
            (p.file_stem().unwrap().to_string_lossy().into_owned(), v)
        })
        .collect()
}

fn s(v: &Value, key: &str) -> Option<String> {
    v.get(key).and_then(Value::as_str).map(str::to_string)
}

fn strings(v: &Value, key: &str) -> Vec<String> {
    v.get(key)
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(|x| x.as_str().map(str::to_string)).collect())
        .unwrap_or_default()
}

fn entries(sec: &Value) -> Vec<Value> {
    sec.get("entries").and_then(Value::as_array).cloned().unwrap_or_default()
}

pub struct CorpusResume {
    pub id: String,
    pub role_family: String,
    pub resume: ParsedResume,
}

pub struct CorpusJd {
    pub id: String,
    pub role_family: String,
    pub job: ParsedJobDescription,
}

/// Every readable resume (negative cases left out), as a parser would ideally produce it.
pub fn resumes() -> Vec<CorpusResume> {
    read_json("resumes")
        .into_iter()
        .filter(|(_, v)| v.get("negative").is_none_or(Value::is_null))
        .map(|(id, v)| CorpusResume {
            id,
            role_family: s(&v, "role_family").unwrap_or_default(),
            resume: resume_from(&v),
        })
        .collect()
}

pub fn jds() -> Vec<CorpusJd> {
    read_json("jds")
        .into_iter()
        .map(|(id, v)| CorpusJd {
            id,
            role_family: s(&v, "role_family").unwrap_or_default(),
            job: ParsedJobDescription {
                title: s(&v, "title"),
                company: s(&v, "company"),
                location: s(&v, "location"),
                employment_type: s(&v, "employment_type"),
                required_skills: strings(&v, "required_skills"),
                preferred_skills: strings(&v, "nice_to_have_skills"),
                sanitized_text: s(&v, "text").unwrap_or_default(),
                warnings: strings(&v, "quality_flags"),
                requirements: Vec::new(),
            },
        })
        .collect()
}

pub fn resume_from(v: &Value) -> ParsedResume {
    let c = &v["contact"];
    let contact = Contact {
        name: s(c, "name"),
        email: s(c, "email"),
        phone: s(c, "phone"),
        location: s(c, "location"),
        links: strings(c, "links"),
    };
    let mut sections = Vec::new();
    for sec in v["sections"].as_array().into_iter().flatten() {
        let kind = SectionKind::parse(sec["type"].as_str().unwrap_or(""));
        let heading = s(sec, "heading").unwrap_or_default();
        let mut section = Section { kind, heading, entries: Vec::new(), skills: Vec::new() };
        match kind {
            SectionKind::Summary => section
                .entries
                .push(Entry { lines: s(sec, "text").into_iter().collect(), ..Entry::default() }),
            SectionKind::Skills => section.skills = strings(sec, "items"),
            SectionKind::Experience => {
                for e in entries(sec) {
                    let org = s(&e, "employer");
                    let title = s(&e, "title");
                    section.entries.push(Entry {
                        header_lines: org.iter().chain(&title).cloned().collect(),
                        organization: org,
                        title,
                        location: s(&e, "location"),
                        start: s(&e, "start"),
                        end: s(&e, "end"),
                        current: e["current"].as_bool().unwrap_or(false),
                        date_text: s(&e, "date_text"),
                        lines: strings(&e, "bullets"),
                        ..Entry::default()
                    });
                }
            }
            SectionKind::Education => {
                for e in entries(sec) {
                    let org = s(&e, "institution");
                    let title = s(&e, "degree_text");
                    section.entries.push(Entry {
                        header_lines: org.iter().chain(&title).cloned().collect(),
                        organization: org,
                        title,
                        location: s(&e, "location"),
                        start: s(&e, "start"),
                        end: s(&e, "end"),
                        current: false,
                        date_text: s(&e, "date_text"),
                        lines: s(&e, "note").into_iter().collect(),
                        ..Entry::default()
                    });
                }
            }
            SectionKind::Projects => {
                for e in entries(sec) {
                    let name = s(&e, "name");
                    section.entries.push(Entry {
                        header_lines: name.iter().cloned().collect(),
                        organization: name,
                        lines: s(&e, "description").into_iter().collect(),
                        ..Entry::default()
                    });
                }
            }
            SectionKind::Certifications => {
                for e in entries(sec) {
                    section.entries.push(Entry {
                        organization: s(&e, "name"),
                        date_text: s(&e, "date"),
                        header_lines: s(&e, "text").into_iter().collect(),
                        ..Entry::default()
                    });
                }
            }
            SectionKind::Other => {
                section
                    .entries
                    .push(Entry { lines: s(sec, "text").into_iter().collect(), ..Entry::default() });
            }
        }
        sections.push(section);
    }
    ParsedResume {
        contact,
        tagline: s(v, "tagline"),
        sections,
        text: s(v, "text").unwrap_or_default(),
        warnings: Vec::new(),
    }
}
