//! `resumax parse FILE [--jd] --json`: the parsed document in the ground-truth schema of the
//! evaluation corpus, or the reason it cannot be read.

use std::path::Path;

use anyhow::Context;

/// Prints the parsed document (pretty JSON with `json`, else a short summary). A document that
/// cannot be read prints `{code, kind, message}` and fails, so scripts see a non-zero exit.
pub fn run(file: &Path, job_description: bool, json: bool) -> anyhow::Result<()> {
    let bytes = std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
    let name = file.file_name().and_then(|n| n.to_str()).unwrap_or("document");
    match resumax_document::parse_to_ground_truth_json(&bytes, name, job_description) {
        Ok(value) => {
            if json {
                println!("{}", serde_json::to_string_pretty(&value)?);
            } else {
                print_summary(&value);
            }
            Ok(())
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
                println!("{}", serde_json::to_string_pretty(&body)?);
            }
            anyhow::bail!("{} ({kind}): {}", error.code.as_str(), error.message)
        }
    }
}

fn print_summary(value: &serde_json::Value) {
    let text = |v: &serde_json::Value| v.as_str().unwrap_or("-").to_string();
    if value["kind"] == "resume" {
        println!("name      {}", text(&value["contact"]["name"]));
        println!("email     {}", text(&value["contact"]["email"]));
        println!("phone     {}", text(&value["contact"]["phone"]));
        for section in value["sections"].as_array().into_iter().flatten() {
            let size = section["entries"]
                .as_array()
                .or_else(|| section["items"].as_array())
                .map(Vec::len)
                .unwrap_or(1);
            println!("section   {:<15} {:<40} {size}", text(&section["type"]), text(&section["heading"]));
        }
    } else {
        println!("title     {}", text(&value["title"]));
        println!("company   {}", text(&value["company"]));
        println!("location  {}", text(&value["location"]));
        println!("required  {}", value["required_skills"]);
        println!("preferred {}", value["nice_to_have_skills"]);
        println!("flags     {}", value["quality_flags"]);
    }
}
