//! Hostile input against the real server: the server keeps answering while it parses and
//! analyses, and a parse child killed in the middle of a file costs that upload only.

use std::time::Duration;

use serde_json::json;

use crate::fixtures::slow_pdf;
use crate::helpers::{Backends, Node, corpus, temp_dir};

async fn upload(node: &Node, token: &str, name: &str, bytes: Vec<u8>) -> String {
    let form = reqwest::multipart::Form::new()
        .part("file", reqwest::multipart::Part::bytes(bytes).file_name(name.to_string()));
    let response =
        node.http.post(node.url("/resumes")).bearer_auth(token).multipart(form).send().await.unwrap();
    assert_eq!(response.status(), 201);
    let body: serde_json::Value = response.json().await.unwrap();
    body["resumeId"].as_str().expect("resume id").to_string()
}

/// The parse children of the node: its child processes.
fn parse_children(node: &Node) -> Vec<String> {
    let out =
        std::process::Command::new("pgrep").args(["-P", &node.pid().to_string()]).output().expect("pgrep");
    String::from_utf8_lossy(&out.stdout).split_whitespace().map(str::to_string).collect()
}

#[tokio::test]
async fn a_parse_child_killed_mid_file_fails_that_upload_and_the_service_keeps_serving() {
    let dir = temp_dir();
    // A budget that lets the hostile file run for seconds, so its child is caught at work.
    let env = [("RESUMAX_PARSE_MAX_OPERATORS", "1000000000000"), ("RESUMAX_PARSE_MAX_INFLATED_MB", "128")];
    let node = Node::start(dir.path(), &Backends::embedded(), &env).await;
    let alice = node.token("alice", true);
    let children = parse_children(&node);
    assert!(!children.is_empty(), "the node runs parse children");

    let id = upload(&node, &alice, "hostile.pdf", slow_pdf().to_vec()).await;
    node.wait_for(&alice, &format!("/resumes/{id}"), "parseStatus", &["parsing", "failed", "completed"])
        .await;
    for pid in &children {
        let _ = std::process::Command::new("kill").args(["-9", pid]).status();
    }
    let body =
        node.wait_for(&alice, &format!("/resumes/{id}"), "parseStatus", &["failed", "completed"]).await;
    assert_eq!(body["parseStatus"], "failed", "{body}");
    assert_eq!(body["error"]["code"], "parse_failed", "{body}");

    let health = node.http.get(node.url("/healthz")).send().await.expect("healthz answers");
    assert_eq!(health.status(), 200);
    let bytes = std::fs::read(corpus("resumes/resume_033.pdf")).expect("corpus resume");
    let next = upload(&node, &alice, "resume.pdf", bytes).await;
    node.wait_parsed(&alice, &format!("/resumes/{next}")).await;
    assert!(parse_children(&node).iter().all(|pid| !children.contains(pid)), "killed children were replaced");
}

#[tokio::test]
async fn health_answers_while_four_9_mb_pasted_job_descriptions_are_analysed() {
    let dir = temp_dir();
    let node = Node::start(dir.path(), &Backends::embedded(), &[]).await;
    let alice = node.token("alice", true);
    let posting = std::fs::read_to_string(corpus("jds/jd_001.txt")).expect("corpus posting");
    let text = posting.repeat(9 * 1024 * 1024 / posting.len());
    let posts: Vec<_> = (0..4)
        .map(|_| {
            let (http, url, token, text) =
                (node.http.clone(), node.url("/job-descriptions"), alice.clone(), text.clone());
            tokio::spawn(async move {
                http.post(url)
                    .bearer_auth(token)
                    .json(&json!({ "text": text }))
                    .send()
                    .await
                    .map(|r| r.status())
            })
        })
        .collect();
    // Probes one after another for as long as the analyses run: each must answer. With the
    // analysis on the async workers, a probe waits behind them and few get through meanwhile.
    let mut answered_meanwhile = 0;
    while posts.iter().any(|p| !p.is_finished()) {
        let probe = node.http.get(node.url("/healthz")).timeout(Duration::from_secs(60)).send().await;
        assert_eq!(probe.expect("healthz answers").status(), 200);
        if posts.iter().any(|p| !p.is_finished()) {
            answered_meanwhile += 1;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    for post in posts {
        assert_eq!(post.await.expect("joined").expect("posted"), 201);
    }
    assert!(answered_meanwhile >= 3, "only {answered_meanwhile} health probes answered during the analyses");
}
