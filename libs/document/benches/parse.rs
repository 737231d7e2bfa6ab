//! Parsing throughput and memory against poppler's `pdftotext` on the corpus PDFs, and the time
//! and peak RSS of each hostile input. `cargo bench -p resumax-document --bench parse`.
//!
//! Each measurement runs in a child process (this binary re-executed with `--child`), so its peak
//! RSS (`VmHWM`) is its own. pdftotext is timed per file as a process, which is how it is used;
//! resuMAX is timed the same way (one child process per pass over a file) and in process.

use std::io::{Cursor, Write};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

#[path = "../tests/support/pdf.rs"]
mod support;
use support::pdf;

const CORPUS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/corpus");
const REALWORLD: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/realworld/resumes");
/// Parses of each real-world resume for its latency distribution.
const REAL_ROUNDS: usize = 20;
const ROUNDS: usize = 5;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("--child") {
        child(&args[1..]);
        return;
    }
    // `cargo test --all-targets` builds and runs benches too: there, only prove it builds.
    if !args.iter().any(|arg| arg == "--bench") {
        println!("parse bench: run it with `cargo bench` (make bench)");
        return;
    }
    let files = corpus_pdfs();
    let pages: usize = files.iter().map(|(_, p)| p).sum();
    println!("corpus: {} positive PDFs, {pages} pages, {ROUNDS} rounds", files.len());

    // In process: the extractor alone, every file, ROUNDS times.
    let start = Instant::now();
    for _ in 0..ROUNDS {
        for (path, _) in &files {
            let bytes = std::fs::read(path).expect("corpus file");
            std::hint::black_box(resumax_document::extract_text(&bytes).ok());
        }
    }
    let inproc = start.elapsed();
    report("resumax in process (extract_text)", pages * ROUNDS, inproc, None);

    // A process per file, as pdftotext runs.
    let exe = std::env::current_exe().expect("own path");
    let (elapsed, rss) = per_process(&files, |path| {
        let mut c = Command::new(&exe);
        c.arg("--child").arg("extract").arg(path);
        c
    });
    report("resumax process per file", pages * ROUNDS, elapsed, rss);

    if Command::new("pdftotext").arg("-v").output().is_ok() {
        for (label, extra) in [("pdftotext", None), ("pdftotext -raw", Some("-raw"))] {
            let (elapsed, rss) = per_process(&files, |path| {
                let mut c = Command::new("pdftotext");
                c.args(extra).arg(path).arg("-");
                c
            });
            report(label, pages * ROUNDS, elapsed, rss);
        }
    } else {
        println!("pdftotext: NOT INSTALLED, no comparison (apt-get install poppler-utils)");
    }

    real_world_latency();

    println!("\nhostile inputs (each in its own process):");
    for name in ["pages_100000", "page_tree_cycle", "form_cycle", "truncated", "zip_bomb"] {
        let out = Command::new(&exe).arg("--child").arg("hostile").arg(name).output().expect("child runs");
        let stdout = String::from_utf8_lossy(&out.stdout);
        println!(
            "  {name:<16} {}  exit {}",
            stdout.trim(),
            out.status.code().map_or("signal".to_string(), |c| c.to_string())
        );
    }
}

/// `read_resume` (layout, sections, entries: the whole parse) on each real-world resume,
/// REAL_ROUNDS times: p50 and p99 over all parses, and the slowest file's p99.
fn real_world_latency() {
    let mut files: Vec<PathBuf> = std::fs::read_dir(REALWORLD)
        .map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    files.retain(|p| p.extension().is_some_and(|x| x == "pdf" || x == "docx"));
    files.sort();
    if files.is_empty() {
        println!("\nreal-world resumes: NOT FOUND at {REALWORLD}");
        return;
    }
    let mut all: Vec<Duration> = Vec::new();
    let mut worst: (String, Duration) = (String::new(), Duration::ZERO);
    for path in &files {
        let bytes = std::fs::read(path).expect("real-world file");
        let mut times: Vec<Duration> = (0..REAL_ROUNDS)
            .map(|_| {
                let start = Instant::now();
                std::hint::black_box(resumax_document::read_resume(&bytes).ok());
                start.elapsed()
            })
            .collect();
        times.sort();
        let p99 = times[(times.len() * 99).div_ceil(100) - 1];
        if p99 > worst.1 {
            worst = (path.file_name().unwrap_or_default().to_string_lossy().into_owned(), p99);
        }
        all.extend(times);
    }
    all.sort();
    let at = |q: usize| all[(all.len() * q).div_ceil(100).max(1) - 1];
    println!(
        "\nreal-world resumes, read_resume in process: {} files x {REAL_ROUNDS}: p50 {:.2} ms  p99 {:.2} ms  \
         slowest file p99 {:.2} ms ({})",
        files.len(),
        at(50).as_secs_f64() * 1e3,
        at(99).as_secs_f64() * 1e3,
        worst.1.as_secs_f64() * 1e3,
        worst.0
    );
}

fn report(label: &str, pages: usize, elapsed: Duration, rss_kib: Option<u64>) {
    let rss = rss_kib.map_or("n/a".to_string(), |k| format!("{:.1} MiB", k as f64 / 1024.0));
    println!(
        "{label:<36} {:>8.1} pages/s  {:>8.2} ms/page  peak RSS {rss}",
        pages as f64 / elapsed.as_secs_f64(),
        elapsed.as_secs_f64() * 1000.0 / pages as f64
    );
}

/// Runs one process per file and round; returns the total wall time and the largest peak RSS
/// (from `/usr/bin/time` when present).
fn per_process(files: &[(PathBuf, usize)], make: impl Fn(&Path) -> Command) -> (Duration, Option<u64>) {
    let start = Instant::now();
    for _ in 0..ROUNDS {
        for (path, _) in files {
            let status = make(path).stdout(std::process::Stdio::null()).status().expect("process runs");
            std::hint::black_box(status);
        }
    }
    let elapsed = start.elapsed();
    let mut rss = None;
    if Path::new("/usr/bin/time").exists() {
        for (path, _) in files {
            let cmd = make(path);
            let out = Command::new("/usr/bin/time")
                .arg("-f")
                .arg("%M")
                .arg(cmd.get_program())
                .args(cmd.get_args())
                .output()
                .expect("time runs");
            let stderr = String::from_utf8_lossy(&out.stderr);
            if let Some(k) = stderr.lines().last().and_then(|l| l.trim().parse::<u64>().ok()) {
                rss = Some(rss.unwrap_or(0).max(k));
            }
        }
    }
    (elapsed, rss)
}

fn corpus_pdfs() -> Vec<(PathBuf, usize)> {
    let dir = Path::new(CORPUS).join("resumes");
    assert!(dir.is_dir(), "corpus missing at {}", dir.display());
    let mut out = Vec::new();
    let mut entries: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("corpus readable")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    entries.sort();
    for json in entries {
        let truth: serde_json::Value =
            serde_json::from_slice(&std::fs::read(&json).expect("truth")).expect("truth is json");
        if truth["format"] == "pdf" && truth["negative"].is_null() {
            let pages = truth["page_count"].as_u64().unwrap_or(1) as usize;
            out.push((dir.join(truth["file"].as_str().expect("file")), pages));
        }
    }
    out
}

fn peak_rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1).and_then(|v| v.parse().ok()))
        })
        .unwrap_or(0)
}

fn child(args: &[String]) {
    match args.first().map(String::as_str) {
        Some("extract") => {
            let bytes = std::fs::read(&args[1]).expect("file");
            let text = resumax_document::extract_text(&bytes).unwrap_or_default();
            println!("{text}");
        }
        Some("hostile") => {
            let bytes = hostile(&args[1]);
            let started = Instant::now();
            let result = resumax_document::read_resume(&bytes);
            let parse_ms = started.elapsed().as_secs_f64() * 1000.0;
            let outcome = match result {
                Ok(r) => format!("parsed ({} chars)", r.text.len()),
                Err(e) => format!("rejected {:?}", resumax_document::rejection_kind(&e)),
            };
            println!(
                "parse {parse_ms:>7.1} ms  {outcome:<28} input {:>7} KiB  peak RSS {:.1} MiB",
                bytes.len() / 1024,
                peak_rss_kib() as f64 / 1024.0
            );
        }
        _ => eprintln!("unknown child command"),
    }
}

fn pages(kids: &str, count: usize, extra_resources: &str) -> Vec<String> {
    let content = "BT /F1 12 Tf 72 700 Td (Jane Doe) Tj ET /X Do";
    vec![
        "<< /Type /Catalog /Pages 2 0 R >>".to_string(),
        format!("<< /Type /Pages /Kids [{kids}] /Count {count} >>"),
        format!(
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> {extra_resources} >> >>"
        ),
        format!("<< /Length {} >>\nstream\n{content}\nendstream", content.len()),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_string(),
    ]
}

fn hostile(name: &str) -> Vec<u8> {
    match name {
        "pages_100000" => pdf(&pages(&vec!["3 0 R"; 100_000].join(" "), 100_000, "")),
        "page_tree_cycle" => pdf(&pages("2 0 R 3 0 R", 2, "")),
        "form_cycle" => {
            let mut objects = pages("3 0 R", 1, "/XObject << /X 6 0 R >>");
            let form = "/X Do /X Do BT /F1 9 Tf 72 600 Td (loop) Tj ET";
            objects.push(format!(
                "<< /Type /XObject /Subtype /Form /BBox [0 0 612 792] /Resources << /Font << /F1 5 0 R >> /XObject << /X 6 0 R >> >> /Length {} >>\nstream\n{form}\nendstream",
                form.len()
            ));
            pdf(&objects)
        }
        "truncated" => {
            let whole = std::fs::read(Path::new(CORPUS).join("resumes/resume_018.pdf")).expect("corpus file");
            whole[..whole.len() / 2].to_vec()
        }
        _ => {
            let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
            let opts =
                zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
            w.start_file("word/document.xml", opts).expect("entry");
            let para = "<w:p><w:r><w:t>aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa</w:t></w:r></w:p>";
            w.write_all(b"<w:document><w:body>").expect("write");
            for _ in 0..(200 * 1024 * 1024 / para.len()) {
                w.write_all(para.as_bytes()).expect("write");
            }
            w.write_all(b"</w:body></w:document>").expect("write");
            w.finish().expect("zip").into_inner()
        }
    }
}
