//! The work budget: hostile files built here end in `TooComplex` with the counters at their
//! limit (the work stopped there, so memory and time stayed bounded), and every document of the
//! corpus and the real-world set reads far inside the default limits.

use std::io::{Cursor, Write};
use std::path::Path;
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, OnceLock};

use flate2::Compression;
use flate2::write::ZlibEncoder;
use resumax_document::{
    Budget, DocumentError, Limits, Usage, read_job_description_within, read_resume_within,
};

#[path = "support/pdf.rs"]
mod support;
use support::{pdf, pdf_bytes};

const SHARED: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared");

fn zlib(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = ZlibEncoder::new(Vec::new(), Compression::best());
    encoder.write_all(bytes).expect("compress");
    encoder.finish().expect("compress")
}

/// A one-page PDF whose page draws `content` (deflated) with Helvetica as /F1, plus `extra`
/// objects numbered from 6.
fn one_page(content: &[u8], page_resources: &str, extra: &[String]) -> Vec<u8> {
    let packed = zlib(content);
    let mut stream = format!("<< /Length {} /Filter /FlateDecode >>\nstream\n", packed.len()).into_bytes();
    stream.extend_from_slice(&packed);
    stream.extend_from_slice(b"\nendstream");
    let mut objects = vec![
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
        format!(
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> {page_resources} >> >>"
        )
        .into_bytes(),
        stream,
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_vec(),
    ];
    objects.extend(extra.iter().map(|o| o.clone().into_bytes()));
    pdf_bytes(&objects)
}

fn too_complex(result: Result<impl std::fmt::Debug, DocumentError>) -> String {
    match result {
        Err(DocumentError::TooComplex(what)) => what,
        other => panic!("expected TooComplex, got {other:?}"),
    }
}

/// A page that draws a name, then repeats `0 0 m` ten million times (built once: three tests
/// read it).
fn path_bomb() -> &'static [u8] {
    static BOMB: OnceLock<Vec<u8>> = OnceLock::new();
    BOMB.get_or_init(|| {
        let mut content = b"BT /F1 12 Tf 72 700 Td (Jane Doe) Tj ET\n".to_vec();
        for _ in 0..10_000_000 {
            content.extend_from_slice(b"0 0 m\n");
        }
        one_page(&content, "", &[])
    })
}

#[test]
fn ten_million_path_operators_stop_at_the_inflation_limit() {
    let bomb = path_bomb();
    assert!(bomb.len() < 200 * 1024, "the bomb is small: {} bytes", bomb.len());
    let budget = Budget::default();
    let what = too_complex(read_resume_within(bomb, &budget));
    assert!(what.contains("decompressed"), "{what}");
    let used = budget.usage();
    // The 60 MB stream was never held: inflation stopped at the limit, nothing was interpreted.
    assert!(used.inflated_bytes <= budget.limits().inflated_bytes, "{used:?}");
    assert_eq!(used.operators, 0, "{used:?}");
}

#[test]
fn ten_million_path_operators_stop_at_the_operator_limit_when_they_fit_in_memory() {
    let bomb = path_bomb();
    let limits = Limits { inflated_bytes: 128 * 1024 * 1024, ..Limits::default() };
    let budget = Budget::new(limits);
    let what = too_complex(read_resume_within(bomb, &budget));
    assert!(what.contains("drawing operations"), "{what}");
    // Interpretation stopped at the first operator over the limit, not at the ten millionth.
    assert_eq!(budget.usage().operators, limits.operators + 1);
}

/// A form XObject that draws itself `fan_out` times: fan_out^depth invocations unbounded.
fn recursive_form(fan_out: usize) -> Vec<u8> {
    let form: String = "/X Do ".repeat(fan_out) + "BT /F1 9 Tf 72 600 Td (loop) Tj ET";
    let form_object = format!(
        "<< /Type /XObject /Subtype /Form /BBox [0 0 612 792] /Resources << /Font << /F1 5 0 R >> /XObject << /X 6 0 R >> >> /Length {} >>\nstream\n{form}\nendstream",
        form.len()
    );
    one_page(b"BT /F1 12 Tf 72 700 Td (Jane Doe) Tj ET /X Do", "/XObject << /X 6 0 R >>", &[form_object])
}

#[test]
fn a_form_that_draws_itself_ten_times_per_level_stops_at_the_xobject_limit() {
    let file = recursive_form(10);
    assert!(file.len() < 2048, "the file is small: {} bytes", file.len());
    let budget = Budget::default();
    let what = too_complex(read_resume_within(&file, &budget));
    assert!(what.contains("embedded drawings"), "{what}");
    let used = budget.usage();
    assert_eq!(used.xobjects, budget.limits().xobjects + 1, "{used:?}");
    // Each invocation ran at most its own eleven operators.
    assert!(used.operators <= 12 * used.xobjects, "{used:?}");
}

#[test]
fn a_form_drawn_twice_per_level_fits_and_reads() {
    let budget = Budget::default();
    let parsed = read_resume_within(&recursive_form(2), &budget).expect("parsed");
    assert!(parsed.text.contains("Jane Doe"), "{}", parsed.text);
    assert!(budget.usage().xobjects > 0);
}

#[test]
fn a_cancelled_parse_stops_with_the_budget_error() {
    let flag = Arc::new(AtomicBool::new(true));
    let budget =
        Budget::new(Limits { inflated_bytes: 128 * 1024 * 1024, ..Limits::default() }).with_cancel(flag);
    let what = too_complex(read_resume_within(path_bomb(), &budget));
    assert!(what.contains("longer"), "{what}");
    assert!(budget.usage().operators < 2048, "{:?}", budget.usage());
}

/// A DOCX whose document.xml is `paragraphs` paragraphs of varied words (so that it deflates
/// about tenfold, like text, and passes the archive's zip-bomb checks).
fn big_docx(paragraphs: usize) -> Vec<u8> {
    let words =
        ["led", "built", "data", "team", "cloud", "rust", "sales", "grew", "api", "ops", "plan", "ran"];
    let mut seed = 7u64;
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    w.start_file("word/document.xml", opts).expect("entry");
    w.write_all(b"<w:document><w:body>").expect("write");
    for _ in 0..paragraphs {
        let mut text = String::new();
        for _ in 0..10 {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            text.push_str(words[(seed >> 33) as usize % words.len()]);
            text.push(' ');
        }
        write!(w, "<w:p><w:r><w:t>{text}</w:t></w:r></w:p>").expect("write");
    }
    w.write_all(b"</w:body></w:document>").expect("write");
    w.finish().expect("zip").into_inner()
}

#[test]
fn a_47_mb_document_xml_stops_at_the_inflation_limit() {
    let file = big_docx(47 * 1024 * 1024 / 90);
    assert!(file.len() < 10 * 1024 * 1024, "the file fits an upload: {} bytes", file.len());
    let budget = Budget::default();
    let what = too_complex(read_resume_within(&file, &budget));
    assert!(what.contains("decompressed"), "{what}");
    assert!(budget.usage().inflated_bytes <= budget.limits().inflated_bytes);
    assert_eq!(budget.usage().operators, 0, "nothing was walked");
}

#[test]
fn a_docx_with_too_many_elements_stops_at_the_operator_limit() {
    let file = big_docx(200_000);
    let limits = Limits { operators: 100_000, ..Limits::default() };
    let budget = Budget::new(limits);
    let what = too_complex(read_resume_within(&file, &budget));
    assert!(what.contains("drawing operations"), "{what}");
    assert_eq!(budget.usage().operators, limits.operators + 1);
}

#[test]
fn a_page_tree_over_the_page_limit_is_too_complex() {
    let kids: Vec<String> = (0..50).map(|i| format!("{} 0 R", 6 + i)).collect();
    let mut objects = vec![
        "<< /Type /Catalog /Pages 2 0 R >>".to_string(),
        format!("<< /Type /Pages /Kids [{}] /Count 50 >>", kids.join(" ")),
        "<< >>".to_string(),
        "<< /Length 0 >>\nstream\n\nendstream".to_string(),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_string(),
    ];
    objects.extend((0..50).map(|_| "<< /Type /Page /Parent 2 0 R /Contents 4 0 R >>".to_string()));
    let budget = Budget::new(Limits { pages: 40, ..Limits::default() });
    let what = too_complex(read_resume_within(&pdf(&objects), &budget));
    assert!(what.contains("pages"), "{what}");
}

/// Every readable document of a folder, read within a fresh default budget: the most work any
/// one took.
fn max_usage(dir: &str, as_resume: bool) -> (Usage, usize) {
    let dir = Path::new(SHARED).join(dir);
    assert!(dir.is_dir(), "missing {}", dir.display());
    let mut max = Usage::default();
    let mut read = 0;
    for entry in std::fs::read_dir(&dir).expect("readable") {
        let path = entry.expect("entry").path();
        let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
        if !["pdf", "docx", "txt"].contains(&ext) {
            continue;
        }
        let bytes = std::fs::read(&path).expect("readable");
        let budget = Budget::default();
        let result = if as_resume {
            read_resume_within(&bytes, &budget).map(|_| ())
        } else {
            read_job_description_within(&bytes, &budget).map(|_| ())
        };
        if let Err(DocumentError::TooComplex(what)) = &result {
            panic!("{} is too complex under the defaults: {what}", path.display());
        }
        read += 1;
        max = max.max(budget.usage());
    }
    (max, read)
}

#[test]
fn every_corpus_and_real_world_document_reads_far_inside_the_default_budget() {
    let mut max = Usage::default();
    for (dir, as_resume) in [
        ("corpus/resumes", true),
        ("corpus/jds", false),
        ("realworld/resumes", true),
        ("realworld/jds", false),
    ] {
        let (used, read) = max_usage(dir, as_resume);
        eprintln!("{dir}: {read} documents, max {used:?}");
        max = max.max(used);
    }
    eprintln!("overall max {max:?}");
    let limits = Limits::default();
    // At least tenfold headroom on every kind of work.
    assert!(max.operators * 10 <= limits.operators, "{max:?}");
    assert!(max.xobjects * 10 <= limits.xobjects, "{max:?}");
    assert!(max.inflated_bytes * 10 <= limits.inflated_bytes, "{max:?}");
    assert!(max.objects * 10 <= limits.objects, "{max:?}");
    assert!(max.pages * 10 <= limits.pages, "{max:?}");
}
