//! `resumax optimize` as a person sees it, on a pseudo-terminal (util-linux `script` gives the
//! command a pty for stdout and stderr), and as a script sees it, through pipes.

use std::process::{Command, Stdio};

use serde_json::Value;

use crate::helpers::{BIN, Backends, Node, corpus, temp_dir};

const RESUME: &str = "resumes/resume_033.pdf";
const JOB: &str = "jds/jd_025.txt";

/// `script`, or `None` (a skip) outside CI: under `CI=true` a missing tool fails the test.
fn script() -> Option<&'static str> {
    let found =
        Command::new("script").arg("--version").stdout(Stdio::null()).status().is_ok_and(|s| s.success());
    if !found {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "util-linux `script` is required under CI=true"
        );
        eprintln!("skip: util-linux `script` is not installed");
        return None;
    }
    Some("script")
}

/// Runs `resumax optimize ARGS` on a pty; everything the terminal shows.
fn on_terminal(script: &str, args: &[&str]) -> String {
    let quoted: Vec<String> = std::iter::once(BIN)
        .chain(args.iter().copied())
        .map(|a| format!("'{}'", a.replace('\'', r"'\''")))
        .collect();
    let output = Command::new(script)
        .args(["--quiet", "--return", "--command", &quoted.join(" "), "/dev/null"])
        .env_remove("RUST_LOG")
        .env_remove("NO_COLOR")
        .env("TERM", "xterm-256color")
        .stdin(Stdio::null())
        .output()
        .expect("run script");
    let shown = String::from_utf8_lossy(&output.stdout).replace("\r\n", "\n");
    assert!(output.status.success(), "resumax {args:?} on a terminal failed:\n{shown}");
    shown
}

fn optimize_args<'a>(resume: &'a str, job: &'a str, extra: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec!["optimize", "--resume", resume, "--jd", job];
    args.extend_from_slice(extra);
    args
}

/// The keys of every object, recursively (arrays by their first element): the shape of a body.
fn shape(value: &Value) -> Value {
    match value {
        Value::Object(map) => map.iter().map(|(k, v)| (k.clone(), shape(v))).collect(),
        Value::Array(items) => Value::Array(items.first().map(shape).into_iter().collect()),
        Value::Null => Value::from("null"),
        Value::Bool(_) => Value::from("bool"),
        Value::Number(_) => Value::from("number"),
        Value::String(_) => Value::from("string"),
    }
}

#[tokio::test]
async fn optimize_shows_progress_a_report_and_a_coloured_diff_on_a_terminal_and_plain_text_to_scripts() {
    let Some(script) = script() else { return };
    let resume = corpus(RESUME);
    let job = corpus(JOB);
    let (resume, job) = (resume.to_str().unwrap(), job.to_str().unwrap());

    // On a terminal: one progress line per stage, the report under headings, the diff in colour.
    let shown = on_terminal(script, &optimize_args(resume, job, &[]));
    let mut at = 0;
    for (n, stage) in ["parse", "score", "generate", "diff"].iter().enumerate() {
        let line = format!("[{}/4] {stage}", n + 1);
        let found =
            shown[at..].find(&line).unwrap_or_else(|| panic!("no progress line {line:?} in order:\n{shown}"));
        at += found;
    }
    for heading in ["Alignment score", "Breakdown (after)", "Requirements", "Changes"] {
        assert!(shown.contains(&format!("\x1b[1;4m{heading}\x1b[0m")), "no heading {heading:?}:\n{shown}");
    }
    assert!(shown.contains("component") && shown.contains("weight"), "no breakdown table:\n{shown}");
    assert!(shown.contains("  \x1b[1mrequired\x1b[0m\n"), "requirements not grouped by importance:\n{shown}");
    assert!(shown.contains("\x1b[32m"), "no inserted words in green:\n{shown}");
    // Each change is introduced by its id and what it did, then the reason.
    let change =
        regex_free_change_line(&shown).unwrap_or_else(|| panic!("no change line with an id:\n{shown}"));
    assert!(change.contains(": "), "the change has no reason: {change}");
    for noise in ["INFO", "WARN", "migration", "Required"] {
        assert!(!shown.contains(noise), "{noise:?} on the terminal:\n{shown}");
    }

    // --no-color: the same report, no escape codes at all.
    let plain = on_terminal(script, &optimize_args(resume, job, &["--no-color"]));
    assert!(!plain.contains('\x1b'), "escape codes with --no-color:\n{plain}");
    assert!(plain.contains("[4/4] diff") && plain.contains("Changes\n"), "{plain}");
    assert!(plain.contains("{+") || plain.contains("[-"), "the plain diff marks no words:\n{plain}");

    // Through a pipe: no escape codes, no progress, nothing at all on stderr.
    let piped = Command::new(BIN)
        .args(optimize_args(resume, job, &[]))
        .env_remove("RUST_LOG")
        .env_remove("NO_COLOR")
        .output()
        .expect("run resumax");
    assert!(piped.status.success());
    let stdout = String::from_utf8(piped.stdout).unwrap();
    assert!(!stdout.contains('\x1b') && stdout.contains("Changes\n"), "{stdout}");
    assert_eq!(String::from_utf8_lossy(&piped.stderr), "", "stderr of a piped run");

    // --json is the object GET /optimize/{id} answers for the same pair.
    let json = Command::new(BIN)
        .args(optimize_args(resume, job, &["--json"]))
        .env_remove("RUST_LOG")
        .output()
        .expect("run resumax");
    assert!(json.status.success());
    assert!(json.stderr.is_empty(), "stderr of --json: {}", String::from_utf8_lossy(&json.stderr));
    let printed: Value = serde_json::from_slice(&json.stdout).expect("--json prints JSON");

    let dir = temp_dir();
    let node = Node::start(dir.path(), &Backends::embedded(), &[]).await;
    let token = node.token("terminal", true);
    let (_, uploaded) = node.upload_resume(&token, RESUME).await;
    let resume_id = uploaded["resumeId"].as_str().unwrap().to_string();
    let text = std::fs::read_to_string(corpus(JOB)).unwrap();
    let (_, posted) = node.post_json(&token, "/job-descriptions", serde_json::json!({ "text": text })).await;
    let job_id = posted["jobDescriptionId"].as_str().unwrap().to_string();
    node.wait_parsed(&token, &format!("/resumes/{resume_id}")).await;
    node.wait_parsed(&token, &format!("/job-descriptions/{job_id}")).await;
    let ask = serde_json::json!({ "resumeId": resume_id, "jobDescriptionId": job_id });
    let (_, started) = node.post_json(&token, "/optimize", ask).await;
    let path = format!("/optimize/{}", started["optimizationId"].as_str().unwrap());
    let served = node.wait_for(&token, &path, "status", &["completed", "failed"]).await;
    assert_eq!(served["status"], "completed", "{served}");
    assert_eq!(shape(&printed), shape(&served), "--json and GET {path} differ in shape");
}

/// A line `    c<n> <what it did>...`: the change id first.
fn regex_free_change_line(shown: &str) -> Option<&str> {
    shown.lines().find(|line| {
        let rest = line.trim_start();
        let id = rest.trim_start_matches("\x1b[1m");
        line.starts_with("    ")
            && id.starts_with('c')
            && id[1..].chars().next().is_some_and(|c| c.is_ascii_digit())
            && (line.contains("keyword aligned")
                || line.contains("strengthened")
                || line.contains("reordered")
                || line.contains("added")
                || line.contains("rephrased"))
    })
}
