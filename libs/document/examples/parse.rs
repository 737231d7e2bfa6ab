//! `resumax parse` without the rest of the binary, for fast parser iteration:
//! `cargo run --release -p resumax-document --example parse -- parse FILE [--jd] [--json|--explain]`
//! (the same argument shape as the binary, so the real-world evaluators can call it).

fn main() {
    let args: Vec<String> =
        std::env::args().skip(1).filter(|a| a != "parse" && a != "--json" && a != "--explain").collect();
    let jd = args.iter().any(|a| a == "--jd");
    let Some(path) = args.iter().find(|a| !a.starts_with("--")) else {
        eprintln!("usage: parse FILE [--jd] --json");
        std::process::exit(2);
    };
    let bytes = std::fs::read(path).expect("readable file");
    if std::env::args().any(|a| a == "--explain") {
        match resumax_document::explain_resume(&bytes) {
            Ok(e) => print!("{}", resumax_document::render_explanation(&e.lines)),
            Err(e) => eprintln!("{e}"),
        }
        return;
    }
    let name = std::path::Path::new(path).file_name().and_then(|n| n.to_str()).unwrap_or("file");
    match resumax_document::parse_to_ground_truth_json(&bytes, name, jd) {
        Ok(v) => println!("{}", serde_json::to_string_pretty(&v).expect("json")),
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(1);
        }
    }
}
