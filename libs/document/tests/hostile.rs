//! Hostile inputs are rejected with the right error or parsed, never a panic or a hang. Each runs
//! on its own thread under a generous timeout that only detects a hang; the 2 s and 200 MB budget
//! is measured by `cargo bench -p resumax-document` (docs/benchmarks.md).

use std::io::{Cursor, Write};
use std::sync::mpsc;
use std::time::Duration;

use resumax_document::{DocumentError, read_resume};

#[path = "support/pdf.rs"]
mod support;
use support::pdf;

fn page_objects(kids: &str, count: usize) -> Vec<String> {
    let content = "BT /F1 12 Tf 72 700 Td (Jane Doe) Tj 0 -20 Td (Experience) Tj ET";
    vec![
        "<< /Type /Catalog /Pages 2 0 R >>".to_string(),
        format!("<< /Type /Pages /Kids [{kids}] /Count {count} >>"),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>"
            .to_string(),
        format!("<< /Length {} >>\nstream\n{content}\nendstream", content.len()),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_string(),
    ]
}

/// Runs the parser on another thread and fails the test if it does not return in time.
fn within_timeout(bytes: Vec<u8>) -> Result<resumax_core::resume::ParsedResume, DocumentError> {
    let (tx, rx) = mpsc::channel();
    std::thread::Builder::new()
        .stack_size(8 * 1024 * 1024)
        .spawn(move || {
            let _ = tx.send(read_resume(&bytes));
        })
        .expect("thread starts");
    rx.recv_timeout(Duration::from_secs(30)).expect("parser hung or panicked")
}

#[test]
fn a_simple_pdf_parses() {
    let parsed = within_timeout(pdf(&page_objects("3 0 R", 1))).expect("parsed");
    assert!(parsed.text.contains("Jane Doe"), "{}", parsed.text);
}

#[test]
fn a_pdf_that_claims_100000_pages_is_bounded() {
    let kids = vec!["3 0 R"; 100_000].join(" ");
    let got = within_timeout(pdf(&page_objects(&kids, 100_000)));
    match got {
        Ok(parsed) => {
            // Only the first pages are read, so the text is bounded whatever the page tree says.
            assert!(parsed.text.matches("Jane Doe").count() <= 60, "read too many pages");
        }
        Err(e) => assert!(matches!(e, DocumentError::TooLarge(_) | DocumentError::Corrupt(_)), "{e:?}"),
    }
}

#[test]
fn a_page_tree_that_contains_itself_is_rejected_or_parsed() {
    // The Pages node lists itself among its kids, and the page's parent chain loops.
    let got = within_timeout(pdf(&page_objects("2 0 R 3 0 R", 2)));
    if let Err(e) = got {
        assert!(matches!(e, DocumentError::Corrupt(_)), "{e:?}");
    }
    let mut objects = page_objects("3 0 R", 1);
    objects[2] = objects[2].replace("/Resources << /Font << /F1 5 0 R >> >>", "");
    objects[1] = "<< /Type /Pages /Kids [3 0 R] /Count 1 /Parent 2 0 R >>".to_string();
    let got = within_timeout(pdf(&objects));
    assert!(got.is_err() || got.is_ok_and(|p| !p.text.contains('\u{FFFD}')));
}

#[test]
fn a_form_that_draws_itself_is_bounded() {
    let mut objects = page_objects("3 0 R", 1);
    objects[2] = "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> /XObject << /X 6 0 R >> >> >>".to_string();
    let content = "BT /F1 12 Tf 72 700 Td (Jane Doe) Tj ET /X Do";
    objects[3] = format!("<< /Length {} >>\nstream\n{content}\nendstream", content.len());
    let form = "/X Do /X Do BT /F1 9 Tf 72 600 Td (loop) Tj ET";
    objects.push(format!(
        "<< /Type /XObject /Subtype /Form /BBox [0 0 612 792] /Resources << /Font << /F1 5 0 R >> /XObject << /X 6 0 R >> >> /Length {} >>\nstream\n{form}\nendstream",
        form.len()
    ));
    let parsed = within_timeout(pdf(&objects)).expect("parsed");
    assert!(parsed.text.contains("Jane Doe"));
}

#[test]
fn a_truncated_pdf_is_rejected_or_parsed() {
    let whole = pdf(&page_objects("3 0 R", 1));
    for cut in [20, whole.len() / 3, whole.len() / 2, whole.len() - 30] {
        if let Err(e) = within_timeout(whole[..cut].to_vec()) {
            assert!(matches!(e, DocumentError::Corrupt(_) | DocumentError::Empty), "cut {cut}: {e:?}");
        }
    }
}

#[test]
fn a_zip_bomb_docx_is_rejected() {
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    w.start_file("word/document.xml", opts).expect("entry");
    let para = "<w:p><w:r><w:t>aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa</w:t></w:r></w:p>";
    w.write_all(b"<w:document><w:body>").expect("write");
    for _ in 0..(80 * 1024 * 1024 / para.len()) {
        w.write_all(para.as_bytes()).expect("write");
    }
    w.write_all(b"</w:body></w:document>").expect("write");
    let bomb = w.finish().expect("zip").into_inner();
    assert!(bomb.len() < 5 * 1024 * 1024, "the bomb is small: {}", bomb.len());
    let err = within_timeout(bomb).expect_err("bomb rejected");
    assert!(matches!(err, DocumentError::TooLarge(_)), "{err:?}");
}
