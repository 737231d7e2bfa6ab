//! Hostile files built in the tests, shared by the system tests and the parse-pool tests
//! (`#[path]`-included there).

use std::io::Write;
use std::sync::OnceLock;

/// A page whose deflated content repeats `0 0 m` ten million times (a few hundred KB): far over
/// the default work budget, and seconds of work under a budget large enough to let it run.
pub fn slow_pdf() -> &'static [u8] {
    static PDF: OnceLock<Vec<u8>> = OnceLock::new();
    PDF.get_or_init(|| {
        let mut zlib = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::fast());
        zlib.write_all(&b"0 0 m\n".repeat(10_000_000)).expect("deflate");
        let content = zlib.finish().expect("deflate");
        let head = b"%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n\
            2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n\
            3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >> endobj\n";
        let mut pdf = head.to_vec();
        writeln!(pdf, "4 0 obj << /Length {} /Filter /FlateDecode >> stream", content.len()).expect("write");
        pdf.extend_from_slice(&content);
        // No xref table: the reader rebuilds it, as for any damaged file.
        pdf.extend_from_slice(b"\nendstream endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n");
        pdf
    })
}
