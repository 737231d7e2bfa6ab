//! `cargo run -p resumax-render --example render -- FILE OUT_DIR [--json]`: reads a resume and
//! writes it as PDF, DOCX and text in every design (`OUT_DIR/<stem>-<design>.<ext>`); `--json`
//! prints what was read, then what the PDF export reads back as.

use resumax_core::optimization::ExportFormat;
use resumax_render::{Design, render};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(file), Some(out)) = (args.first(), args.get(1)) else {
        eprintln!("usage: render FILE OUT_DIR [--json]");
        std::process::exit(2);
    };
    let source =
        resumax_document::read_resume(&std::fs::read(file).expect("read the file")).expect("a resume");
    let stem = std::path::Path::new(file).file_stem().expect("a file name").to_string_lossy().into_owned();
    std::fs::create_dir_all(out).expect("the output folder");
    for design in Design::ALL {
        for format in [ExportFormat::Pdf, ExportFormat::Docx, ExportFormat::Text] {
            let rendered = render(&source, format, design).expect("rendered");
            let path = format!("{out}/{stem}-{}.{}", design.as_str(), rendered.extension);
            std::fs::write(&path, &rendered.bytes).expect("written");
            if args.iter().any(|a| a == "--json") && design == Design::Classic && format == ExportFormat::Pdf
            {
                let back = resumax_document::read_resume(&rendered.bytes).expect("read back");
                println!("{}", serde_json::to_string_pretty(&source.sections).expect("json"));
                println!("--- read back ---");
                println!("{}", serde_json::to_string_pretty(&back.sections).expect("json"));
            }
        }
    }
}
