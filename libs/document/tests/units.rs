//! Format sniffing, archive limits, job-description quality flags and date normalisation.

use std::io::{Cursor, Write};

use resumax_core::ErrorCode;
use resumax_document::{
    DocumentError, Format, analyze_job_description, normalize_date, parse_date_range, read_resume, sniff,
};

const CORPUS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/corpus");

fn zip_with(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for (name, data) in entries {
        w.start_file(*name, opts).expect("zip entry starts");
        w.write_all(data).expect("zip entry written");
    }
    w.finish().expect("zip finishes").into_inner()
}

#[test]
fn sniff_reads_bytes_not_names() {
    let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0";
    assert_eq!(sniff(png), None);
    assert_eq!(sniff(b"\xFF\xD8\xFF\xE0\0\x10JFIF"), None);
    let err = read_resume(png).expect_err("a PNG is not a resume");
    assert!(matches!(err, DocumentError::Unsupported(_)));
    assert_eq!(resumax_core::Error::from(err).code, ErrorCode::UnsupportedFormat);

    let pdf = std::fs::read(format!("{CORPUS}/resumes/resume_001.pdf")).expect("corpus present");
    assert_eq!(sniff(&pdf), Some(Format::Pdf));
    let docx = std::fs::read(format!("{CORPUS}/resumes/resume_004.docx")).expect("corpus present");
    assert_eq!(sniff(&docx), Some(Format::Docx));
    assert_eq!(sniff(b"Senior Engineer\nWe are hiring"), Some(Format::Text));

    let not_word = zip_with(&[("xl/workbook.xml", b"<workbook/>")]);
    assert_eq!(sniff(&not_word), None);
    // Text is never a resume format.
    assert!(matches!(read_resume(b"Jane Doe\nEngineer"), Err(DocumentError::Unsupported(_))));
}

#[test]
fn zip_bomb_is_rejected_not_expanded() {
    let zeros = vec![0u8; 30 * 1024 * 1024];
    let bomb = zip_with(&[("word/document.xml", b"<w:document/>"), ("word/media/pad.bin", &zeros)]);
    assert!(bomb.len() < 1024 * 1024, "the bomb compresses well");
    let err = read_resume(&bomb).expect_err("bomb rejected");
    assert!(matches!(err, DocumentError::TooLarge(_)), "got {err:?}");
    assert_eq!(resumax_core::Error::from(err).code, ErrorCode::ParseFailed);
}

#[test]
fn too_many_entries_are_rejected() {
    let names: Vec<String> = (0..2100).map(|i| format!("word/f{i}.xml")).collect();
    let mut entries: Vec<(&str, &[u8])> = names.iter().map(|n| (n.as_str(), b"x".as_slice())).collect();
    entries.push(("word/document.xml", b"<w:document/>"));
    let err = read_resume(&zip_with(&entries)).expect_err("rejected");
    assert!(matches!(err, DocumentError::TooLarge(_)), "got {err:?}");
}

#[test]
fn short_anonymous_posting_is_flagged() {
    let jd = analyze_job_description(
        "Looking for a <b>React</b> dev, remote-friendly.&nbsp;DM me.",
        None,
        None,
        None,
    );
    assert_eq!(jd.sanitized_text, "Looking for a React dev, remote-friendly. DM me.");
    for flag in ["short", "missing_title", "missing_company", "missing_location"] {
        assert!(jd.warnings.iter().any(|w| w == flag), "missing flag {flag}: {:?}", jd.warnings);
    }
    let jd = analyze_job_description(
        "Looking for a React dev.",
        Some("Frontend Engineer"),
        Some("Acme"),
        Some("Berlin"),
    );
    assert_eq!(jd.warnings, vec!["short".to_string()]);
}

#[test]
fn dates_normalise() {
    assert_eq!(normalize_date("Jan 2020").as_deref(), Some("2020-01"));
    assert_eq!(normalize_date("03/2019").as_deref(), Some("2019-03"));
    assert_eq!(normalize_date("2019-03").as_deref(), Some("2019-03"));
    assert_eq!(normalize_date("2019").as_deref(), Some("2019"));
    assert_eq!(normalize_date("Present"), None);
    let r = parse_date_range("Jan 2020 – Present").expect("range");
    assert_eq!(r.start.as_deref(), Some("2020-01"));
    assert!(r.current && r.end.is_none());
}

#[test]
fn garbage_never_panics() {
    let pdf = std::fs::read(format!("{CORPUS}/resumes/resume_001.pdf")).expect("corpus present");
    for cut in [10, 100, 1000, pdf.len() / 2, pdf.len() - 10] {
        let _ = read_resume(&pdf[..cut]);
    }
    let mut flipped = pdf.clone();
    for i in (200..flipped.len()).step_by(97) {
        flipped[i] ^= 0x5A;
    }
    let _ = read_resume(&flipped);
    assert!(read_resume(b"%PDF-1.7\n").is_err());
    assert!(read_resume(b"").is_err());
}
