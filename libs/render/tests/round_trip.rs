//! Round trip: every readable resume of the generated corpus and of the real-world set is read,
//! rendered as PDF and DOCX in every design, and read back, by resuMAX and by poppler.
//!
//! Asserted per file, format and design: word F1 of what resuMAX reads back against the text
//! that was rendered >= 0.99; every section (kind and heading), every employer or school, title
//! or degree, start, end and bullet read back as rendered; no warning the source did not have
//! (so no `multi_column_layout`); `pdftotext` F1 >= 0.98; `pdffonts` lists every font embedded.
//! `cargo test -p resumax-render --test round_trip -- --nocapture` prints the figures.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use resumax_core::optimization::ExportFormat;
use resumax_core::resume::{ParsedResume, SectionKind};
use resumax_render::{Block, Design, plan, render};

fn words(text: &str) -> HashMap<String, usize> {
    let mut out = HashMap::new();
    for word in text.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()) {
        *out.entry(word.to_lowercase()).or_insert(0) += 1;
    }
    out
}

/// Bag-of-words F1 of `got` against `want`.
fn f1(want: &str, got: &str) -> f64 {
    let (want, got) = (words(want), words(got));
    let common: usize = want.iter().map(|(w, n)| (*n).min(got.get(w).copied().unwrap_or(0))).sum();
    let (w, g): (usize, usize) = (want.values().sum(), got.values().sum());
    if w == 0 && g == 0 {
        return 1.0;
    }
    if common == 0 {
        return 0.0;
    }
    let (precision, recall) = (common as f64 / g as f64, common as f64 / w as f64);
    2.0 * precision * recall / (precision + recall)
}

fn norm(s: Option<&str>) -> String {
    s.unwrap_or("").split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase()
}

/// Structure differences on the real-world set, all of them from how resuMAX reads (a floor
/// that may only go down): the DOCX reader ignores heading styles, so a heading outside the
/// lexicon ("A day of my life") that the PDF reader finds by its type is lost in DOCX; and
/// entries whose source reading was already partial (a school without a degree, template text
/// such as "Date:" read as the employer) come back differently once printed cleanly. The
/// generated corpus has no such difference: there every field must come back.
const REALWORLD_STRUCTURE_FLOOR: usize = 141;

fn realworld_dir() -> PathBuf {
    resumax_corpus::corpus_dir().join("../realworld/resumes")
}

/// The resumes to round-trip: the corpus' positive cases and every real-world file.
fn inputs() -> Vec<PathBuf> {
    let corpus = resumax_corpus::corpus_dir().join("resumes");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&corpus)
        .expect("corpus resumes")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "pdf" || x == "docx"))
        .filter(|p| {
            let truth: serde_json::Value =
                serde_json::from_slice(&std::fs::read(p.with_extension("json")).expect("ground truth"))
                    .expect("json");
            truth["negative"].is_null()
        })
        .collect();
    let realworld = realworld_dir();
    assert!(realworld.is_dir(), "the real-world set is missing at {}", realworld.display());
    files.extend(
        std::fs::read_dir(&realworld)
            .expect("realworld")
            .map(|e| e.expect("entry").path())
            .filter(|p| p.extension().is_some_and(|x| x == "pdf" || x == "docx")),
    );
    files.sort();
    files
}

/// Whether poppler's tools are here; under CI their absence is a failure, not a skip.
fn poppler() -> bool {
    let found = Command::new("pdftotext").arg("-v").output().is_ok()
        && Command::new("pdffonts").arg("-v").output().is_ok();
    if !found {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "pdftotext/pdffonts missing (apt-get install poppler-utils)"
        );
        eprintln!("skip: poppler-utils not installed, pdftotext and pdffonts checks left out");
    }
    found
}

fn poppler_checks(pdf: &[u8], rendered: &str, dir: &Path, name: &str) -> (f64, Vec<String>) {
    let path = dir.join(format!("{name}.pdf"));
    std::fs::write(&path, pdf).expect("write pdf");
    let text = Command::new("pdftotext").arg(&path).arg("-").output().expect("pdftotext");
    assert!(text.status.success(), "pdftotext failed on {name}");
    let fonts = Command::new("pdffonts").arg(&path).output().expect("pdffonts");
    let listing = String::from_utf8_lossy(&fonts.stdout).into_owned();
    let mut problems = Vec::new();
    // Columns: name type encoding emb sub uni object ID; the rows follow two header lines.
    let rows: Vec<&str> = listing.lines().skip(2).collect();
    if rows.is_empty() {
        problems.push("pdffonts lists no font".to_string());
    }
    for row in rows {
        let cols: Vec<&str> = row.split_whitespace().collect();
        let n = cols.len();
        if n < 7 || cols[n - 5] != "yes" || cols[n - 4] != "yes" || cols[n - 3] != "yes" {
            problems.push(format!("font not embedded as a subset with a unicode map: {row}"));
        }
    }
    (f1(rendered, &String::from_utf8_lossy(&text.stdout)), problems)
}

/// What differs between the resume that was rendered and the one read back.
fn structure_problems(source: &ParsedResume, back: &ParsedResume) -> Vec<String> {
    let mut problems = Vec::new();
    let rendered: Vec<_> = source.sections.iter().filter(|s| !s.body_text().trim().is_empty()).collect();
    let kinds = |v: &[&resumax_core::resume::Section]| {
        v.iter().map(|s| format!("{}:{}", s.kind.as_str(), norm(Some(&s.heading)))).collect::<Vec<_>>()
    };
    let back_sections: Vec<_> = back.sections.iter().collect();
    if kinds(&rendered) != kinds(&back_sections) {
        problems.push(format!("sections {:?} read back as {:?}", kinds(&rendered), kinds(&back_sections)));
        return problems;
    }
    for (want, got) in rendered.iter().zip(&back.sections) {
        match want.kind {
            SectionKind::Experience | SectionKind::Education => {
                if want.entries.len() != got.entries.len() {
                    problems.push(format!(
                        "{}: {} entries read back as {}",
                        want.heading,
                        want.entries.len(),
                        got.entries.len()
                    ));
                    continue;
                }
                for (w, g) in want.entries.iter().zip(&got.entries) {
                    let fields = [
                        ("organization", norm(w.organization.as_deref()), norm(g.organization.as_deref())),
                        ("title", norm(w.title.as_deref()), norm(g.title.as_deref())),
                        ("start", norm(w.start.as_deref()), norm(g.start.as_deref())),
                        ("end", norm(w.end.as_deref()), norm(g.end.as_deref())),
                        ("current", w.current.to_string(), g.current.to_string()),
                        ("bullets", norm(Some(&w.lines.join(" | "))), norm(Some(&g.lines.join(" | ")))),
                    ];
                    for (field, a, b) in fields {
                        if a != b {
                            problems.push(format!("{}: {field} {a:?} read back as {b:?}", want.heading));
                        }
                    }
                }
            }
            _ => {
                let (a, b) = (want.body_text(), got.body_text());
                let score = f1(&a, &b);
                if score < 0.99 {
                    problems.push(format!("{}: body read back with F1 {score:.3}", want.heading));
                }
            }
        }
    }
    let fields = [
        ("name", &source.contact.name, &back.contact.name),
        ("email", &source.contact.email, &back.contact.email),
        ("phone", &source.contact.phone, &back.contact.phone),
    ];
    for (field, a, b) in fields {
        if norm(a.as_deref()) != norm(b.as_deref()) {
            problems.push(format!("contact {field} {a:?} read back as {b:?}"));
        }
    }
    for warning in &back.warnings {
        if !source.warnings.contains(warning) || warning == "multi_column_layout" {
            problems.push(format!("warning {warning}"));
        }
    }
    problems
}

#[test]
fn every_resume_reads_back_from_every_export() {
    let with_poppler = poppler();
    let scratch = std::env::temp_dir().join(format!("resumax-render-{}", std::process::id()));
    std::fs::create_dir_all(&scratch).expect("scratch dir");
    let files = inputs();
    assert!(files.len() >= 50, "expected the corpus and the real-world set, found {} files", files.len());
    let realworld = realworld_dir();
    let mut failures = Vec::new();
    let mut realworld_structure = Vec::new();
    let mut figures: HashMap<(&str, &str), Vec<f64>> = HashMap::new();
    let mut pdftotext: HashMap<&str, Vec<f64>> = HashMap::new();
    for file in &files {
        let name = file.file_name().unwrap().to_string_lossy().into_owned();
        let source = resumax_document::read_resume(&std::fs::read(file).expect("read input"))
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        let rendered = resumax_render::text(&plan(&source));
        for design in Design::ALL {
            for format in [ExportFormat::Pdf, ExportFormat::Docx] {
                let out = render(&source, format, design).unwrap_or_else(|e| panic!("{name}: {e}"));
                let label = format!("{name} {} {}", format.as_str(), design.as_str());
                let back = match resumax_document::read_resume(&out.bytes) {
                    Ok(back) => back,
                    Err(e) => {
                        failures.push(format!("{label}: unreadable: {e}"));
                        continue;
                    }
                };
                let score = f1(&rendered, &back.text);
                figures.entry((format.as_str(), design.as_str())).or_default().push(score);
                if score < 0.99 {
                    failures.push(format!("{label}: word F1 {score:.3}"));
                }
                let structure =
                    structure_problems(&source, &back).into_iter().map(|p| format!("{label}: {p}"));
                if file.starts_with(&realworld) {
                    realworld_structure.extend(structure)
                } else {
                    failures.extend(structure)
                }
                if with_poppler && format == ExportFormat::Pdf {
                    let stem = format!("{}-{}", name.replace('.', "_"), design.as_str());
                    let (score, problems) = poppler_checks(&out.bytes, &rendered, &scratch, &stem);
                    pdftotext.entry(design.as_str()).or_default().push(score);
                    if score < 0.98 {
                        failures.push(format!("{label}: pdftotext F1 {score:.3}"));
                    }
                    failures.extend(problems.into_iter().map(|p| format!("{label}: {p}")));
                }
            }
        }
    }
    let _ = std::fs::remove_dir_all(&scratch);
    let stats = |v: &[f64]| (v.iter().sum::<f64>() / v.len() as f64, v.iter().copied().fold(1.0, f64::min));
    println!("round trip over {} resumes", files.len());
    let mut keys: Vec<_> = figures.keys().copied().collect();
    keys.sort();
    for key in keys {
        let (mean, min) = stats(&figures[&key]);
        println!("  resuMAX reads {} {:<8} word F1 mean {mean:.4} min {min:.4}", key.0, key.1);
    }
    let mut designs: Vec<_> = pdftotext.keys().copied().collect();
    designs.sort();
    for design in designs {
        let (mean, min) = stats(&pdftotext[design]);
        println!("  pdftotext reads pdf {design:<8} word F1 mean {mean:.4} min {min:.4}");
    }
    println!("  problems: {}", failures.len());
    for failure in &failures {
        println!("    {failure}");
    }
    println!(
        "  real-world structure differences: {} (floor {REALWORLD_STRUCTURE_FLOOR})",
        realworld_structure.len()
    );
    for difference in &realworld_structure {
        println!("    {difference}");
    }
    assert!(failures.is_empty(), "{} round-trip problems (first: {})", failures.len(), failures[0]);
    assert!(
        realworld_structure.len() <= REALWORLD_STRUCTURE_FLOOR,
        "{} real-world structure differences, more than the floor {REALWORLD_STRUCTURE_FLOOR}",
        realworld_structure.len()
    );
}

#[test]
fn an_entry_prints_what_then_where_with_dates_at_the_right() {
    let resume = resumax_core::resume::ParsedResume {
        sections: vec![resumax_core::resume::Section {
            kind: SectionKind::Experience,
            heading: "Experience".into(),
            entries: vec![resumax_core::resume::Entry {
                organization: Some("Acme".into()),
                title: Some("Engineer".into()),
                location: Some("Oslo, Norway".into()),
                start: Some("2019-03".into()),
                current: true,
                lines: vec!["Built  things".into()],
                ..Default::default()
            }],
            skills: Vec::new(),
        }],
        ..Default::default()
    };
    assert_eq!(
        plan(&resume),
        vec![
            Block::Heading("Experience".into()),
            Block::EntryHead { text: "Engineer".into(), right: Some("03/2019 - Present".into()) },
            Block::EntrySub("Acme, Oslo, Norway".into()),
            Block::Bullet("Built things".into()),
        ]
    );
}

#[test]
fn pdf_and_docx_carry_title_and_language() {
    let resume = resumax_document::read_resume(
        &std::fs::read(resumax_corpus::corpus_dir().join("resumes/resume_012.pdf")).expect("read"),
    )
    .expect("parse");
    let name = resume.contact.name.clone().expect("a name");
    let pdf = render(&resume, ExportFormat::Pdf, Design::Classic).expect("pdf").bytes;
    let doc = lopdf::Document::load_mem(&pdf).expect("a pdf");
    let catalog = doc.catalog().expect("a catalog");
    assert!(catalog.get(b"StructTreeRoot").is_ok(), "the pdf is tagged");
    assert!(catalog.get(b"MarkInfo").is_ok(), "the pdf is marked");
    let lang = catalog.get(b"Lang").and_then(lopdf::Object::as_str).expect("the catalog names the language");
    assert_eq!(lopdf::decode_text_string(&lopdf::Object::string_literal(lang)).expect("text"), "en");
    let info = doc.trailer.get(b"Info").and_then(lopdf::Object::as_reference).expect("an info dictionary");
    let title = doc.get_dictionary(info).and_then(|d| d.get(b"Title")).expect("a title");
    assert_eq!(lopdf::decode_text_string(title).expect("text"), format!("{name} - Resume"));
    let docx = render(&resume, ExportFormat::Docx, Design::Modern).expect("docx").bytes;
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(docx)).expect("a zip");
    let mut core = String::new();
    std::io::Read::read_to_string(&mut archive.by_name("docProps/core.xml").expect("core.xml"), &mut core)
        .expect("utf-8");
    assert!(core.contains(&format!("<dc:title>{name} - Resume</dc:title>")), "{core}");
    assert!(core.contains("<dc:language>en</dc:language>"), "{core}");
    let mut document = String::new();
    std::io::Read::read_to_string(
        &mut archive.by_name("word/document.xml").expect("document.xml"),
        &mut document,
    )
    .expect("utf-8");
    for banned in ["<w:tbl", "<w:txbxContent", "<w:framePr", "<w:drawing"] {
        assert!(!document.contains(banned), "no {banned} in an ATS-safe docx");
    }
    assert!(document.contains("w:val=\"Heading1\"") && document.contains("<w:numPr>"));
}
