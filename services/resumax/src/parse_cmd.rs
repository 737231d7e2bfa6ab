//! `resumax parse FILE [--jd] --json`: the parsed document in the ground-truth schema of the
//! evaluation corpus, or the reason it cannot be read.

use std::io::Write;
use std::path::Path;

use anyhow::Context;

/// Prints the parsed document (pretty JSON with `json`, else a short summary). A document that
/// cannot be read prints `{code, kind, message}` and fails, so scripts see a non-zero exit.
pub fn run(file: &Path, job_description: bool, json: bool) -> anyhow::Result<()> {
    let bytes = std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
    let name = file.file_name().and_then(|n| n.to_str()).unwrap_or("document");
    match resumax_document::parse_to_ground_truth_json(&bytes, name, job_description) {
        Ok(value) => {
            let out = if json { serde_json::to_string_pretty(&value)? } else { summary(&value) };
            emit(&out)
        }
        Err(err) => {
            let kind = resumax_document::rejection_kind(&err);
            let error = resumax_core::Error::from(err);
            if json {
                let body = serde_json::json!({
                    "code": error.code.as_str(),
                    "kind": kind,
                    "message": error.message,
                });
                emit(&serde_json::to_string_pretty(&body)?)?;
            }
            anyhow::bail!("{} ({kind}): {}", error.code.as_str(), error.message)
        }
    }
}

/// Writes to stdout; a reader that closed the pipe early (`| head`) is not an error.
fn emit(out: &str) -> anyhow::Result<()> {
    let mut stdout = std::io::stdout().lock();
    match writeln!(stdout, "{out}").and_then(|()| stdout.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(e.into()),
        _ => Ok(()),
    }
}

fn summary(value: &serde_json::Value) -> String {
    use std::fmt::Write as _;
    let mut s = String::new();
    let text = |v: &serde_json::Value| v.as_str().unwrap_or("-").to_string();
    if value["kind"] == "resume" {
        let _ = writeln!(s, "name      {}", text(&value["contact"]["name"]));
        let _ = writeln!(s, "email     {}", text(&value["contact"]["email"]));
        let _ = writeln!(s, "phone     {}", text(&value["contact"]["phone"]));
        for section in value["sections"].as_array().into_iter().flatten() {
            let size = section["entries"]
                .as_array()
                .or_else(|| section["items"].as_array())
                .map(Vec::len)
                .unwrap_or(1);
            let _ = writeln!(
                s,
                "section   {:<15} {:<40} {size}",
                text(&section["type"]),
                text(&section["heading"])
            );
        }
    } else {
        let _ = writeln!(s, "title     {}", text(&value["title"]));
        let _ = writeln!(s, "company   {}", text(&value["company"]));
        let _ = writeln!(s, "location  {}", text(&value["location"]));
        let _ = writeln!(s, "required  {}", value["required_skills"]);
        let _ = writeln!(s, "preferred {}", value["nice_to_have_skills"]);
        let _ = writeln!(s, "flags     {}", value["quality_flags"]);
    }
    s
}
