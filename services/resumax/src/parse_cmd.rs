//! `resumax parse FILE [--jd] --json`: the parsed document in the ground-truth schema of the
//! evaluation corpus, or the reason it cannot be read. `--explain` shows the reading behind a
//! resume: every line with its page, column, role and the field it fed.

use std::io::Write;
use std::path::Path;

use anyhow::Context;

/// Prints the parsed document (pretty JSON with `json`, else a short summary). A document that
/// cannot be read prints `{code, kind, message}` and fails, so scripts see a non-zero exit.
pub fn run(file: &Path, job_description: bool, json: bool, explain: bool) -> anyhow::Result<()> {
    let bytes = std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
    if explain && !job_description {
        let explanation = resumax_document::explain_resume(&bytes).map_err(resumax_core::Error::from)?;
        let out = if json {
            serde_json::to_string_pretty(&serde_json::json!({
                "lines": explanation.lines,
                "warnings": explanation.resume.warnings,
            }))?
        } else {
            let mut out = resumax_document::render_explanation(&explanation.lines);
            for w in &explanation.resume.warnings {
                out.push_str(&format!("warning: {}\n", warning_text(w)));
            }
            out
        };
        return emit(&out);
    }
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

/// A parse warning in words a person can act on, after its code.
fn warning_text(code: &str) -> String {
    format!("{code}: {}", resumax_core::notices::describe(code))
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
        for w in value["warnings"].as_array().into_iter().flatten() {
            let _ = writeln!(s, "warning   {}", warning_text(w.as_str().unwrap_or("")));
        }
    } else {
        let _ = writeln!(s, "title     {}", text(&value["title"]));
        let _ = writeln!(s, "company   {}", text(&value["company"]));
        let _ = writeln!(s, "location  {}", text(&value["location"]));
        let _ = writeln!(s, "required  {}", value["required_skills"]);
        let _ = writeln!(s, "preferred {}", value["nice_to_have_skills"]);
        for w in value["quality_flags"].as_array().into_iter().flatten() {
            let _ = writeln!(s, "warning   {}", warning_text(w.as_str().unwrap_or("")));
        }
    }
    s
}
