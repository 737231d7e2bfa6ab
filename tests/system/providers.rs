//! Real provider behaviour through the whole node: fallback costs one credit, a run that every
//! provider fails is refunded, and what is stored for audit carries no contact details.

use std::sync::atomic::Ordering;

use serde_json::json;

use crate::fake_ai::{Behaviour, FakeAi};
use crate::helpers::{Backends, Node, corpus, ground_truth, temp_dir};

async fn parsed_pair(node: &Node, token: &str) -> serde_json::Value {
    let (_, resume) = node.upload_resume(token, "resumes/resume_023.docx").await;
    let resume_id = resume["resumeId"].as_str().unwrap().to_string();
    let text = std::fs::read_to_string(corpus("jds/jd_015.txt")).unwrap();
    let (_, job) = node.post_json(token, "/job-descriptions", json!({"text": text})).await;
    node.wait_parsed(token, &format!("/resumes/{resume_id}")).await;
    json!({"resumeId": resume_id, "jobDescriptionId": job["jobDescriptionId"]})
}

/// A node whose providers are `ai` (OpenAI, then Anthropic), with credits on and one granted.
async fn node_with_one_credit(ai: &FakeAi, dir: &std::path::Path) -> (Node, String, serde_json::Value) {
    let env: Vec<(String, String)> = ai.env("openai,anthropic");
    let mut vars: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    vars.push(("RESUMAX_CREDITS_ENABLED", "true"));
    let node = Node::start(dir, &Backends::embedded(), &vars).await;
    let token = node.token("alice", true);
    node.cli(&["credits", "grant", "--user", "alice", "--amount", "1"]);
    let request = parsed_pair(&node, &token).await;
    (node, token, request)
}

#[tokio::test]
async fn openai_failing_falls_back_to_anthropic_for_one_credit() {
    let ai = FakeAi::start(Behaviour { openai_failures: u32::MAX.into(), ..Default::default() }).await;
    let dir = temp_dir();
    let (node, token, request) = node_with_one_credit(&ai, dir.path()).await;
    let (status, started) = node.post_json(&token, "/optimize", request).await;
    assert_eq!(status, 202, "{started}");
    let id = started["optimizationId"].as_str().unwrap();
    let run = node.wait_for(&token, &format!("/optimize/{id}"), "status", &["completed", "failed"]).await;
    assert_eq!(run["status"], "completed", "{run}");
    // Three tries on OpenAI (the call and two retries), then Anthropic answered.
    assert_eq!(ai.behaviour.openai_calls.load(Ordering::SeqCst), 3);
    assert_eq!(ai.behaviour.anthropic_calls.load(Ordering::SeqCst), 1);
    assert_eq!(node.cli(&["credits", "balance", "--user", "alice"]).trim(), "alice: 0 credits");
}

#[tokio::test]
async fn a_run_every_provider_fails_is_failed_with_its_code_and_refunded() {
    let ai = FakeAi::start(Behaviour {
        openai_failures: u32::MAX.into(),
        anthropic_fails: true,
        ..Default::default()
    })
    .await;
    let dir = temp_dir();
    let (node, token, request) = node_with_one_credit(&ai, dir.path()).await;
    let (status, started) = node.post_json(&token, "/optimize", request).await;
    assert_eq!(status, 202, "{started}");
    let id = started["optimizationId"].as_str().unwrap();
    let run = node.wait_for(&token, &format!("/optimize/{id}"), "status", &["completed", "failed"]).await;
    assert_eq!(run["status"], "failed", "{run}");
    let code = run["error"]["code"].as_str().unwrap_or_default();
    assert!(["provider_error", "provider_throttled"].contains(&code), "{run}");
    assert_eq!(node.cli(&["credits", "balance", "--user", "alice"]).trim(), "alice: 1 credits", "refunded");
}

#[tokio::test]
async fn stored_prompts_and_outputs_carry_no_contact_details() {
    let dir = temp_dir();
    let node = Node::start(dir.path(), &Backends::embedded(), &[]).await;
    let token = node.token("alice", true);
    let request = parsed_pair(&node, &token).await;
    let (_, started) = node.post_json(&token, "/optimize", request).await;
    let id = started["optimizationId"].as_str().unwrap();
    let run = node.wait_for(&token, &format!("/optimize/{id}"), "status", &["completed", "failed"]).await;
    assert_eq!(run["status"], "completed", "{run}");

    let truth = ground_truth("resumes/resume_023.json");
    let folder = dir.path().join("blobs/users/alice/optimizations").join(id);
    for artifact in ["prompt.json", "output.json"] {
        let stored =
            std::fs::read_to_string(folder.join(artifact)).unwrap_or_else(|e| panic!("{artifact}: {e}"));
        for field in ["name", "email", "phone"] {
            let value = truth["contact"][field].as_str().unwrap();
            assert!(!stored.contains(value), "{artifact} contains the {field} {value:?}");
        }
    }
    let prompt = std::fs::read_to_string(folder.join("prompt.json")).unwrap();
    assert!(prompt.contains("templateVersion"), "{prompt}");
}

#[tokio::test]
async fn contact_details_a_model_echoes_never_reach_stored_output() {
    // A chatty model that answers in prose around the JSON and repeats what it knows of the
    // person: name in capitals, email, the phone whole and in pieces, a profile user name.
    let truth = ground_truth("resumes/resume_023.json");
    let contact = |field: &str| truth["contact"][field].as_str().unwrap().to_string();
    let (name, email, phone) = (contact("name"), contact("email"), contact("phone"));
    let digits: String = phone.chars().filter(char::is_ascii_digit).collect();
    let pieces = [&digits[digits.len() - 7..digits.len() - 4], &digits[digits.len() - 4..]];
    let chatter = format!(
        "Sure! Here are the rewrites for {} ({email}, call {phone} or {}-{}; github.com/{}): {{\"rewrites\":[]}}",
        name.to_uppercase(),
        pieces[0],
        pieces[1],
        email.split('@').next().unwrap(),
    );
    let (dir, _node, _token, run) = chatty_run(chatter, &[]).await;
    assert_eq!(run["status"], "completed", "prose around the JSON is read: {run}");
    let id = run["optimizationId"].as_str().unwrap();
    let folder = dir.path().join("blobs/users/alice/optimizations").join(id);
    let user_name = email.split('@').next().unwrap().to_string();
    for artifact in ["prompt.json", "output.json"] {
        let stored =
            std::fs::read_to_string(folder.join(artifact)).unwrap_or_else(|e| panic!("{artifact}: {e}"));
        let lower = stored.to_lowercase();
        for (what, value) in [
            ("name", name.to_lowercase()),
            ("email", email.to_lowercase()),
            ("phone", phone.clone()),
            ("phone digits", digits.clone()),
            ("a phone piece", pieces[1].to_string()),
            ("profile user name", format!("github.com/{}", user_name.to_lowercase())),
        ] {
            assert!(!lower.contains(&value), "{artifact} holds the {what} {value:?}: {stored}");
        }
    }
    // Nor does what the API shows of the run.
    let shown = run.to_string().to_lowercase();
    assert!(!shown.contains(&email.to_lowercase()) && !shown.contains(&name.to_lowercase()), "{shown}");
}

#[tokio::test]
async fn the_logs_of_a_whole_run_hold_no_contact_details() {
    // Debug logs of every crate, a run through a chatty provider, accept and export: nothing the
    // node writes to its log names the person's email or phone.
    let truth = ground_truth("resumes/resume_023.json");
    let (email, phone) = (
        truth["contact"]["email"].as_str().unwrap().to_string(),
        truth["contact"]["phone"].as_str().unwrap().to_string(),
    );
    let chatter = format!("Noted {email} and {phone}. {{\"rewrites\":[]}}");
    let (dir, node, token, run) =
        chatty_run(chatter, &[("RUST_LOG", "debug,h2=info,hyper=info,tower=info,sqlx=info")]).await;
    assert_eq!(run["status"], "completed", "{run}");
    let id = run["optimizationId"].as_str().unwrap();
    let (status, accepted) = node
        .post_json(
            &token,
            &format!("/optimize/{id}/accept"),
            json!({"applyAll": true, "exportFormats": ["text"]}),
        )
        .await;
    // A run without rewrites has nothing to accept; either way the log is what is checked.
    assert!(status == 201 || status == 400, "{accepted}");
    node.kill();
    let log = std::fs::read_to_string(dir.path().join("node.log")).expect("node.log");
    assert!(
        log.contains("provider_call") && log.contains("DEBUG"),
        "the node logged the run at debug level: {log}"
    );
    let digits: String = phone.chars().filter(char::is_ascii_digit).collect();
    for (what, value) in
        [("email", email.as_str()), ("phone", phone.as_str()), ("phone digits", digits.as_str())]
    {
        assert!(!log.contains(value), "node.log holds the {what} {value:?}");
    }
}

/// One finished run for alice on a node whose OpenAI answers `content` (prose around the JSON,
/// say), with `extra` variables: the data dir, the node, alice's token and the run.
async fn chatty_run(
    content: String,
    extra: &[(&str, &str)],
) -> (tempfile::TempDir, Node, String, serde_json::Value) {
    let ai = FakeAi::start(Behaviour { openai_content: Some(content), ..Default::default() }).await;
    let dir = temp_dir();
    let env: Vec<(String, String)> = ai.env("openai");
    let mut vars: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    vars.extend_from_slice(extra);
    let node = Node::start(dir.path(), &Backends::embedded(), &vars).await;
    let token = node.token("alice", true);
    let request = parsed_pair(&node, &token).await;
    let (_, started) = node.post_json(&token, "/optimize", request).await;
    let id = started["optimizationId"].as_str().unwrap();
    let run = node.wait_for(&token, &format!("/optimize/{id}"), "status", &["completed", "failed"]).await;
    (dir, node, token, run)
}
