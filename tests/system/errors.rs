//! The error contract: codes, statuses, and a request id on every error.

use serde_json::json;

use crate::helpers::{Backends, Node, corpus, status_and_json, temp_dir};

crate::on_both_backends!(errors_carry_the_contract_codes_and_a_request_id);

async fn errors_carry_the_contract_codes_and_a_request_id(backends: Backends) {
    let dir = temp_dir();
    // No workers: uploads stay `pending`, which makes "optimize before the parse" deterministic.
    let node = Node::start(dir.path(), &backends, &[("RESUMAX_WORKERS", "0")]).await;
    let alice = node.token("alice", true);
    let bob = node.token("bob", true);

    let (status, body) = node.get(&alice, "/resumes/not-a-uuid").await;
    assert_eq!((status, body["code"].as_str()), (400, Some("invalid_input")), "{body}");

    let response = node.http.get(node.url("/versions")).send().await.unwrap();
    let (status, body) = status_and_json(response).await;
    assert_eq!((status, body["code"].as_str()), (401, Some("unauthorized")), "{body}");
    let (status, body) = node.get("not.a.token", "/versions").await;
    assert_eq!((status, body["code"].as_str()), (401, Some("unauthorized")), "{body}");

    let (status, resume) = node.upload_resume(&alice, "resumes/resume_033.pdf").await;
    assert_eq!(status, 201, "{resume}");
    assert_eq!(resume["parseStatus"], "pending");
    let resume_id = resume["resumeId"].as_str().unwrap();
    let (status, body) = node.get(&bob, &format!("/resumes/{resume_id}")).await;
    assert_eq!((status, body["code"].as_str()), (404, Some("not_found")), "{body}");

    let text = std::fs::read_to_string(corpus("jds/jd_025.txt")).unwrap();
    let (status, job) = node.post_json(&alice, "/job-descriptions", json!({"text": text})).await;
    assert_eq!(status, 201, "{job}");
    let (status, body) = node
        .post_json(
            &alice,
            "/optimize",
            json!({"resumeId": resume_id, "jobDescriptionId": job["jobDescriptionId"]}),
        )
        .await;
    assert_eq!((status, body["code"].as_str()), (409, Some("parse_not_ready")), "{body}");

    let unverified = node.token("carol", false);
    let (status, body) = node
        .post_json(
            &unverified,
            "/optimize",
            json!({"resumeId": resume_id, "jobDescriptionId": job["jobDescriptionId"]}),
        )
        .await;
    assert_eq!((status, body["code"].as_str()), (403, Some("not_verified")), "{body}");

    // A PNG with a .pdf name: the type is sniffed from the bytes.
    let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x02\0\0\0\x90wS\xde".to_vec();
    let form = reqwest::multipart::Form::new()
        .part("file", reqwest::multipart::Part::bytes(png).file_name("resume.pdf"));
    let response =
        node.http.post(node.url("/resumes")).bearer_auth(&alice).multipart(form).send().await.unwrap();
    let (status, body) = status_and_json(response).await;
    assert_eq!((status, body["code"].as_str()), (415, Some("unsupported_format")), "{body}");

    let response = node
        .http
        .post(node.url("/optimize"))
        .bearer_auth(&alice)
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    let (status, body) = status_and_json(response).await;
    assert_eq!((status, body["code"].as_str()), (400, Some("invalid_input")), "{body}");
}

crate::on_both_backends!(an_unreadable_resume_fails_its_parse_with_a_reason);

async fn an_unreadable_resume_fails_its_parse_with_a_reason(backends: Backends) {
    let dir = temp_dir();
    let node = Node::start(dir.path(), &backends, &[]).await;
    let token = node.token("alice", true);
    // A scanned PDF: a valid PDF with no text layer, accepted at upload, refused by the parser.
    let (status, resume) = node.upload_resume(&token, "resumes/resume_019.pdf").await;
    assert_eq!(status, 201, "{resume}");
    let id = resume["resumeId"].as_str().unwrap();
    let failed =
        node.wait_for(&token, &format!("/resumes/{id}"), "parseStatus", &["completed", "failed"]).await;
    assert_eq!(failed["parseStatus"], "failed", "{failed}");
    assert_eq!(failed["error"]["code"], "parse_failed", "{failed}");
    assert!(failed["error"]["message"].as_str().is_some_and(|m| m.contains("text layer")), "{failed}");

    let text = std::fs::read_to_string(corpus("jds/jd_025.txt")).unwrap();
    let (_, job) = node.post_json(&token, "/job-descriptions", json!({"text": text})).await;
    let (status, body) = node
        .post_json(&token, "/optimize", json!({"resumeId": id, "jobDescriptionId": job["jobDescriptionId"]}))
        .await;
    assert_eq!((status, body["code"].as_str()), (409, Some("parse_not_ready")), "{body}");
}
