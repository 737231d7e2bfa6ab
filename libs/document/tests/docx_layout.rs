//! The same entry model for Word files: page headers and footers feed the contact but never a
//! section, and a one-row layout table (sidebar beside the main column) is read as two flows.

use std::io::{Cursor, Write};

use resumax_core::resume::SectionKind;
use resumax_document::read_resume;

fn zip_with(entries: &[(&str, String)]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for (name, data) in entries {
        w.start_file(*name, opts).expect("zip entry starts");
        w.write_all(data.as_bytes()).expect("zip entry written");
    }
    w.finish().expect("zip finishes").into_inner()
}

const NS: &str = r#"xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main""#;

fn para(text: &str) -> String {
    format!("<w:p><w:r><w:t xml:space=\"preserve\">{text}</w:t></w:r></w:p>")
}

fn bullet(text: &str) -> String {
    format!(
        "<w:p><w:pPr><w:numPr><w:ilvl w:val=\"0\"/><w:numId w:val=\"1\"/></w:numPr></w:pPr>\
         <w:r><w:t>{text}</w:t></w:r></w:p>"
    )
}

fn cell(paras: &[String]) -> String {
    format!("<w:tc>{}</w:tc>", paras.concat())
}

fn docx() -> Vec<u8> {
    let sidebar = cell(&[
        para("SKILLS"),
        para("Rust"),
        para("Kafka"),
        para("PostgreSQL"),
        para("LANGUAGES"),
        para("English"),
    ]);
    let main = cell(&[
        para("EXPERIENCE"),
        para("Software Engineer, Acme Robotics\tJan 2020 - Mar 2023"),
        bullet("Built the fleet telemetry pipeline in Rust"),
        bullet("Cut the cost of storage by a third"),
        para("EDUCATION"),
        para("Boston University, B.S. in Computer Science\t2012 - 2016"),
    ]);
    let body = format!(
        "<w:document {NS}><w:body>{}{}<w:tbl><w:tr>{sidebar}{main}</w:tr></w:tbl></w:body></w:document>",
        para("Jane Doe"),
        para("Boston, MA"),
    );
    let header = format!("<w:hdr {NS}>{}</w:hdr>", para("jane@example.com | +1 617 555 0100"));
    let footer = format!("<w:ftr {NS}>{}</w:ftr>", para("Jane Doe - Resume - Page 1"));
    zip_with(&[
        ("[Content_Types].xml", "<Types/>".to_string()),
        ("word/document.xml", body),
        ("word/header1.xml", header),
        ("word/footer1.xml", footer),
    ])
}

#[test]
fn page_headers_feed_the_contact_and_a_layout_table_is_two_flows() {
    let r = read_resume(&docx()).expect("the test DOCX parses");
    assert_eq!(r.contact.email.as_deref(), Some("jane@example.com"), "{:?}", r.contact);
    assert_eq!(r.contact.name.as_deref(), Some("Jane Doe"));
    for s in &r.sections {
        let body = s.body_text();
        assert!(!body.contains("jane@example.com") && !body.contains("Page 1"), "{}: {body}", s.heading);
    }
    let skills = &r.section(SectionKind::Skills).expect("skills").skills;
    assert_eq!(skills, &["Rust", "Kafka", "PostgreSQL"]);
    let job = &r.section(SectionKind::Experience).expect("experience").entries[0];
    assert_eq!(
        (job.organization.as_deref(), job.title.as_deref()),
        (Some("Acme Robotics"), Some("Software Engineer"))
    );
    assert_eq!(job.lines.len(), 2);
    let school = &r.section(SectionKind::Education).expect("education").entries[0];
    assert_eq!(school.organization.as_deref(), Some("Boston University"));
    assert!(r.warnings.iter().any(|w| w == "multi_column_layout"), "{:?}", r.warnings);
}
