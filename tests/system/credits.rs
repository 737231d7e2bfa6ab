//! Credits: one debit per run, `insufficient_credits` at zero, nothing charged for a replay.

use serde_json::json;

use crate::helpers::{Backends, Node, corpus, temp_dir};

crate::on_both_backends!(a_run_costs_one_credit_and_a_replay_costs_nothing);

async fn a_run_costs_one_credit_and_a_replay_costs_nothing(backends: Backends) {
    let dir = temp_dir();
    let node = Node::start(dir.path(), &backends, &[("RESUMAX_CREDITS_ENABLED", "true")]).await;
    let token = node.token("alice", true);
    let (_, resume) = node.upload_resume(&token, "resumes/resume_023.docx").await;
    let resume_id = resume["resumeId"].as_str().unwrap().to_string();
    let text = std::fs::read_to_string(corpus("jds/jd_015.txt")).unwrap();
    let (_, job) = node.post_json(&token, "/job-descriptions", json!({"text": text})).await;
    node.wait_parsed(&token, &format!("/resumes/{resume_id}")).await;
    let request = json!({"resumeId": resume_id, "jobDescriptionId": job["jobDescriptionId"], "clientRequestId": "first"});

    let (status, body) = node.post_json(&token, "/optimize", request.clone()).await;
    assert_eq!((status, body["code"].as_str()), (402, Some("insufficient_credits")), "{body}");

    assert_eq!(
        node.cli(&["credits", "grant", "--user", "alice", "--amount", "1"]).trim(),
        "alice: 1 credits"
    );
    let (status, started) = node.post_json(&token, "/optimize", request.clone()).await;
    assert_eq!(status, 202, "{started}");
    let (status, replay) = node.post_json(&token, "/optimize", request).await;
    assert_eq!((status, &replay["optimizationId"]), (200, &started["optimizationId"]), "{replay}");
    let id = started["optimizationId"].as_str().unwrap();
    let run = node.wait_for(&token, &format!("/optimize/{id}"), "status", &["completed", "failed"]).await;
    assert_eq!(run["status"], "completed", "{run}");
    assert_eq!(node.cli(&["credits", "balance", "--user", "alice"]).trim(), "alice: 0 credits");

    let (status, body) = node
        .post_json(
            &token,
            "/optimize",
            json!({"resumeId": resume_id, "jobDescriptionId": job["jobDescriptionId"]}),
        )
        .await;
    assert_eq!((status, body["code"].as_str()), (402, Some("insufficient_credits")), "{body}");

    // Without a key, the same (resume, posting, strategy) answers the run it started, also once
    // that run has completed: a repeated click costs nothing.
    node.cli(&["credits", "grant", "--user", "alice", "--amount", "1"]);
    let keyless = json!({"resumeId": resume_id, "jobDescriptionId": job["jobDescriptionId"]});
    let (status, started) = node.post_json(&token, "/optimize", keyless.clone()).await;
    assert_eq!(status, 202, "{started}");
    let id = started["optimizationId"].as_str().unwrap();
    node.wait_for(&token, &format!("/optimize/{id}"), "status", &["completed", "failed"]).await;
    let (status, replay) = node.post_json(&token, "/optimize", keyless).await;
    assert_eq!((status, &replay["optimizationId"]), (200, &started["optimizationId"]), "{replay}");
    assert_eq!(node.cli(&["credits", "balance", "--user", "alice"]).trim(), "alice: 0 credits");

    // A key reused with another strategy is a conflict, not the old run.
    let (status, body) = node
        .post_json(
            &token,
            "/optimize",
            json!({"resumeId": resume_id, "jobDescriptionId": job["jobDescriptionId"], "clientRequestId": "first", "strategy": "conservative"}),
        )
        .await;
    assert_eq!((status, body["code"].as_str()), (409, Some("conflict")), "{body}");
}

crate::on_both_backends!(two_hundred_identical_requests_make_one_run_and_one_debit);

/// A double-clicking person, a retrying client and a proxy replaying requests all at once: with
/// or without a key, identical requests make one run and charge once, also after it completed.
async fn two_hundred_identical_requests_make_one_run_and_one_debit(backends: Backends) {
    use futures_util::StreamExt;
    let dir = temp_dir();
    let node = Node::start(dir.path(), &backends, &[("RESUMAX_CREDITS_ENABLED", "true")]).await;
    let token = node.token("carol", true);
    node.cli(&["credits", "grant", "--user", "carol", "--amount", "10"]);
    let (_, resume) = node.upload_resume(&token, "resumes/resume_023.docx").await;
    let resume_id = resume["resumeId"].as_str().unwrap().to_string();
    let text = std::fs::read_to_string(corpus("jds/jd_015.txt")).unwrap();
    let (_, job) = node.post_json(&token, "/job-descriptions", json!({"text": text})).await;
    node.wait_parsed(&token, &format!("/resumes/{resume_id}")).await;
    let (_, other_job) = node.post_json(&token, "/job-descriptions", json!({"text": text})).await;

    let burst = |request: serde_json::Value| {
        let (node, token) = (&node, &token);
        async move {
            let answers: Vec<(u16, serde_json::Value)> = futures_util::stream::iter(0..200)
                .map(|_| {
                    let request = request.clone();
                    async move { node.post_json(token, "/optimize", request).await }
                })
                .buffer_unordered(50)
                .collect()
                .await;
            let mut ids: Vec<&str> = answers
                .iter()
                .map(|(status, body)| {
                    assert!(*status == 202 || *status == 200, "{status} {body}");
                    body["optimizationId"].as_str().unwrap()
                })
                .collect();
            ids.sort_unstable();
            ids.dedup();
            assert_eq!(ids.len(), 1, "{ids:?}");
            assert_eq!(
                answers.iter().filter(|(s, _)| *s == 202).count(),
                1,
                "exactly one request started it"
            );
            ids[0].to_string()
        }
    };
    let keyless = json!({"resumeId": resume_id, "jobDescriptionId": job["jobDescriptionId"]});
    let id = burst(keyless.clone()).await;
    node.wait_for(&token, &format!("/optimize/{id}"), "status", &["completed", "failed"]).await;
    let keyed = json!({"resumeId": resume_id, "jobDescriptionId": other_job["jobDescriptionId"], "clientRequestId": "k-200"});
    let keyed_id = burst(keyed.clone()).await;
    node.wait_for(&token, &format!("/optimize/{keyed_id}"), "status", &["completed", "failed"]).await;
    // After completion the same requests still answer those runs.
    let (status, again) = node.post_json(&token, "/optimize", keyless).await;
    assert_eq!((status, again["optimizationId"].as_str()), (200, Some(id.as_str())), "{again}");
    let (status, again) = node.post_json(&token, "/optimize", keyed).await;
    assert_eq!((status, again["optimizationId"].as_str()), (200, Some(keyed_id.as_str())), "{again}");
    assert_eq!(node.cli(&["credits", "balance", "--user", "carol"]).trim(), "carol: 8 credits");
}
