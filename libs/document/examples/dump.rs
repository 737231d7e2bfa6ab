//! Prints the extracted text (or the parsed resume with `--resume`, the job description with
//! `--jd`) of a document: `cargo run -p resumax-document --example dump -- FILE`.

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(path) = args.iter().find(|a| !a.starts_with("--")) else {
        eprintln!("usage: dump [--resume|--jd] FILE");
        std::process::exit(2);
    };
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("cannot read {path}: {e}");
            std::process::exit(1);
        }
    };
    let result = if args.iter().any(|a| a == "--resume") {
        resumax_document::read_resume(&bytes).map(|r| serde_json::to_string_pretty(&r).unwrap_or_default())
    } else if args.iter().any(|a| a == "--jd") {
        resumax_document::read_job_description(&bytes)
            .map(|r| serde_json::to_string_pretty(&r).unwrap_or_default())
    } else {
        resumax_document::extract_text(&bytes)
    };
    match result {
        Ok(text) => println!("{text}"),
        Err(e) => {
            eprintln!("error: {e} ({e:?})");
            std::process::exit(1);
        }
    }
}
