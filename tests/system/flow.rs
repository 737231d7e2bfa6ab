//! The whole product through HTTP: upload, parse, optimize, inspect, accept, version.

use std::collections::BTreeSet;

use serde_json::{Value, json};

use crate::helpers::{Backends, Node, corpus, ground_truth, temp_dir};

const PDF_RESUME: &str = "resumes/resume_033.pdf";
const DOCX_RESUME: &str = "resumes/resume_023.docx";
const JOB: &str = "jds/jd_025.txt";

fn years(text: &str) -> BTreeSet<String> {
    let chars: Vec<char> = text.chars().collect();
    let mut found = BTreeSet::new();
    for window in 0..chars.len().saturating_sub(3) {
        let candidate: String = chars[window..window + 4].iter().collect();
        let bounded = (window == 0 || !chars[window - 1].is_ascii_digit())
            && chars.get(window + 4).is_none_or(|c| !c.is_ascii_digit());
        if bounded
            && candidate.chars().all(|c| c.is_ascii_digit())
            && (candidate.starts_with("19") || candidate.starts_with("20"))
        {
            found.insert(candidate);
        }
    }
    found
}

/// Employers of every corpus resume: a suggestion naming one absent from this resume invented it.
fn corpus_employers() -> BTreeSet<String> {
    let mut employers = BTreeSet::new();
    for entry in std::fs::read_dir(corpus("resumes")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "json") {
            let truth: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
            for section in truth["sections"].as_array().into_iter().flatten() {
                for job in section["entries"].as_array().into_iter().flatten() {
                    if let Some(employer) = job["employer"].as_str() {
                        employers.insert(employer.to_string());
                    }
                }
            }
        }
    }
    employers
}

/// No suggestion may add a year or an employer that the resume does not already have.
fn assert_truthful(run: &Value, truth: &Value) {
    let resume_text = truth["text"].as_str().unwrap();
    let resume_years = years(resume_text);
    let foreign: Vec<String> =
        corpus_employers().into_iter().filter(|e| !resume_text.contains(e.as_str())).collect();
    let suggestions = run["suggestions"].as_array().expect("suggestions array");
    for suggestion in suggestions {
        let text = suggestion["suggested"].as_str().unwrap();
        for year in years(text) {
            assert!(resume_years.contains(&year), "suggestion adds the date {year}: {suggestion}");
        }
        for employer in &foreign {
            assert!(
                !text.contains(employer.as_str()),
                "suggestion adds the employer {employer}: {suggestion}"
            );
        }
    }
}

async fn optimize_and_check(
    node: &Node,
    token: &str,
    resume_id: &str,
    job_id: &str,
    truth: &Value,
) -> String {
    let (status, started) = node
        .post_json(token, "/optimize", json!({"resumeId": resume_id, "jobDescriptionId": job_id, "clientRequestId": format!("run-{resume_id}")}))
        .await;
    assert_eq!(status, 202, "{started}");
    let id = started["optimizationId"].as_str().unwrap().to_string();
    assert_eq!(started["status"], "queued");

    // A replay with the same client request id answers with the same run.
    let (status, replay) = node
        .post_json(token, "/optimize", json!({"resumeId": resume_id, "jobDescriptionId": job_id, "clientRequestId": format!("run-{resume_id}")}))
        .await;
    assert_eq!(status, 200, "{replay}");
    assert_eq!(replay["optimizationId"], id.as_str());

    // The event stream reports each status change and ends at the terminal one.
    let events =
        node.http.get(node.url(&format!("/optimize/{id}/events"))).bearer_auth(token).send().await.unwrap();
    assert_eq!(events.status(), 200);
    assert!(events.headers()["content-type"].to_str().unwrap().starts_with("text/event-stream"));
    let stream =
        tokio::time::timeout(std::time::Duration::from_secs(60), events.text()).await.expect("stream ends");
    let statuses: Vec<String> = stream
        .unwrap()
        .lines()
        .filter_map(|line| line.strip_prefix("data:"))
        .map(|data| {
            serde_json::from_str::<Value>(data.trim()).unwrap()["status"]
                .as_str()
                .unwrap_or_default()
                .to_string()
        })
        .collect();
    assert_eq!(statuses.last().map(String::as_str), Some("completed"), "{statuses:?}");
    let (status, body) = node.get(&node.token("bob", true), &format!("/optimize/{id}/events")).await;
    assert_eq!((status, body["code"].as_str()), (404, Some("not_found")), "{body}");
    let mut deduplicated = statuses.clone();
    deduplicated.dedup();
    assert_eq!(deduplicated, statuses, "one event per change: {statuses:?}");

    let run = node.wait_for(token, &format!("/optimize/{id}"), "status", &["completed", "failed"]).await;
    assert_eq!(run["status"], "completed", "{run}");
    let score = run["alignmentScore"].as_u64().expect("alignmentScore");
    assert!(score <= 100, "{score}");
    assert!(run["scoreBefore"].as_u64().is_some_and(|s| s <= 100));
    assert!(run["matchReport"].is_object());
    let diff = run["diff"].as_array().expect("diff");
    assert!(!diff.is_empty(), "diff is empty: {run}");
    for section in diff {
        assert!(section["changeType"].is_string(), "section without change type: {section}");
    }
    let changes: Vec<&Value> = diff.iter().flat_map(|s| s["changes"].as_array().unwrap().iter()).collect();
    assert!(!changes.is_empty(), "the offline provider suggested nothing: {run}");
    for change in &changes {
        assert!(change["changeType"].is_string() && change["changeId"].is_string(), "{change}");
        assert_ne!(change["original"], change["optimized"], "{change}");
    }
    assert_truthful(&run, truth);
    id
}

crate::on_both_backends!(upload_parse_optimize_accept_and_find_the_version);

async fn upload_parse_optimize_accept_and_find_the_version(backends: Backends) {
    let dir = temp_dir();
    let node = Node::start(dir.path(), &backends, &[]).await;
    let token = node.token("alice", true);

    let (status, pdf) = node.upload_resume(&token, PDF_RESUME).await;
    assert_eq!(status, 201, "{pdf}");
    assert!(["pending", "parsing", "completed"].contains(&pdf["parseStatus"].as_str().unwrap()), "{pdf}");
    let (status, docx) = node.upload_resume(&token, DOCX_RESUME).await;
    assert_eq!(status, 201, "{docx}");
    let job_text = std::fs::read_to_string(corpus(JOB)).unwrap();
    let (status, job) = node.post_json(&token, "/job-descriptions", json!({"text": job_text})).await;
    assert_eq!(status, 201, "{job}");

    let pdf_id = pdf["resumeId"].as_str().unwrap();
    let docx_id = docx["resumeId"].as_str().unwrap();
    let job_id = job["jobDescriptionId"].as_str().unwrap();
    let parsed_pdf = node.wait_parsed(&token, &format!("/resumes/{pdf_id}")).await;
    let parsed_docx = node.wait_parsed(&token, &format!("/resumes/{docx_id}")).await;
    let parsed_job = node.wait_parsed(&token, &format!("/job-descriptions/{job_id}")).await;
    // The requirement model behind `requiredSkills`, as the scorer and the prompts use it: every
    // name shown is a required requirement's term.
    let requirements = parsed_job["requirements"].as_array().expect("requirements");
    for name in parsed_job["requiredSkills"].as_array().expect("requiredSkills") {
        assert!(
            requirements.iter().any(|r| r["term"] == *name && r["importance"] == "required"),
            "{name} has no requirement: {requirements:?}"
        );
    }
    assert!(!requirements.is_empty());
    for parsed in [&parsed_pdf, &parsed_docx] {
        assert!(parsed["sections"].as_array().is_some_and(|s| !s.is_empty()), "no sections: {parsed}");
    }
    let pdf_truth = ground_truth("resumes/resume_033.json");
    assert_eq!(parsed_pdf["contact"]["email"], pdf_truth["contact"]["email"]);

    let docx_truth = ground_truth("resumes/resume_023.json");
    let pdf_run = optimize_and_check(&node, &token, pdf_id, job_id, &pdf_truth).await;
    optimize_and_check(&node, &token, docx_id, job_id, &docx_truth).await;

    let (status, accepted) = node
        .post_json(
            &token,
            &format!("/optimize/{pdf_run}/accept"),
            json!({"applyAll": true, "exportFormats": ["text", "pdf", "docx"]}),
        )
        .await;
    assert_eq!(status, 201, "{accepted}");
    assert_eq!(accepted["status"], "saved");
    let version_id = accepted["versionId"].as_str().unwrap();
    // The export is rendered by a queued job: poll it until its file exists.
    assert_eq!(accepted["exports"][0]["format"], "text");
    let export_id = accepted["exports"][0]["exportId"].as_str().unwrap();
    let export =
        &node.wait_for(&token, &format!("/exports/{export_id}"), "status", &["completed", "failed"]).await;
    assert_eq!(export["status"], "completed", "{export}");
    // On S3 the URL is signed and goes straight to the store, without our token; on local files
    // it is the gateway's own route.
    let url = export["downloadUrl"].as_str().unwrap();
    if url.starts_with("http") {
        assert!(export["expiresAt"].is_string(), "a signed URL says when it expires: {export}");
    }
    let download = fetch_export(&node, &token, url).await;
    assert_eq!(download.status(), 200);
    let exported = download.text().await.unwrap();
    assert!(exported.contains(pdf_truth["contact"]["email"].as_str().unwrap()), "{exported}");
    // PDF and DOCX are rendered too, each with its media type and the file's own signature.
    for (index, media_type, magic) in [
        (1, "application/pdf", &b"%PDF-"[..]),
        (2, "application/vnd.openxmlformats-officedocument.wordprocessingml.document", b"PK\x03\x04"),
    ] {
        let export_id = accepted["exports"][index]["exportId"].as_str().unwrap();
        let export = &node
            .wait_for(&token, &format!("/exports/{export_id}"), "status", &["completed", "failed"])
            .await;
        assert_eq!(export["status"], "completed", "{export}");
        let url = export["downloadUrl"].as_str().unwrap();
        let download = fetch_export(&node, &token, url).await;
        assert_eq!(download.status(), 200);
        if !url.starts_with("http") {
            assert_eq!(download.headers()["content-type"], media_type);
        }
        let bytes = download.bytes().await.unwrap();
        assert!(bytes.starts_with(magic), "{media_type}: wrong signature");
    }

    let (status, versions) = node.get(&token, "/versions").await;
    assert_eq!(status, 200, "{versions}");
    assert!(versions["items"].as_array().unwrap().iter().any(|v| v["versionId"] == version_id), "{versions}");
    let (status, version) = node.get(&token, &format!("/versions/{version_id}")).await;
    assert_eq!(status, 200, "{version}");
    assert_eq!(version["optimizationId"], pdf_run.as_str());
    assert!(version["optimizedSections"].as_array().is_some_and(|s| !s.is_empty()), "{version}");
    assert!(version["acceptedChanges"].as_array().is_some_and(|c| !c.is_empty()), "{version}");
    // The version lists its files, each with where to download it now that it is rendered.
    let links = version["downloadLinks"].as_array().expect("downloadLinks");
    let formats: Vec<&str> = links.iter().map(|l| l["format"].as_str().unwrap()).collect();
    assert_eq!(formats, ["text", "pdf", "docx"], "{version}");
    assert!(links.iter().all(|l| l["status"] == "completed" && l["downloadUrl"].is_string()), "{version}");
    let listed = versions["items"].as_array().unwrap().iter().find(|v| v["versionId"] == version_id).unwrap();
    assert_eq!(listed["downloadLinks"].as_array().map(Vec::len), Some(3), "{listed}");
    // The node's Prometheus metrics saw the requests and the job stages.
    let (status, metrics) = node.get(&token, "/metrics").await;
    let metrics = metrics.as_str().unwrap_or_default().to_string();
    assert_eq!(status, 200);
    assert!(metrics.contains(r#"route="/optimize/{id}""#), "{metrics}");
    assert!(metrics.contains(r#"job="optimize",stage="generate""#), "{metrics}");
    assert!(
        metrics.contains(r#"resumax_provider_calls_total{provider="offline",outcome="ok"}"#),
        "{metrics}"
    );
    assert!(metrics.contains("resumax_queue_depth"), "{metrics}");

    // Another user sees none of it.
    let (status, _) = node.get(&node.token("bob", true), &format!("/versions/{version_id}")).await;
    assert_eq!(status, 404);
}

crate::on_both_backends!(accepting_a_chosen_and_edited_set_saves_one_auditable_version);

/// Partial accept, an edited change, the same accept again, `applyAll` with a list: what a person
/// trusting the version needs to hold.
async fn accepting_a_chosen_and_edited_set_saves_one_auditable_version(backends: Backends) {
    let dir = temp_dir();
    let node = Node::start(dir.path(), &backends, &[]).await;
    let token = node.token("dana", true);
    let (_, resume) = node.upload_resume(&token, "resumes/resume_023.docx").await;
    let resume_id = resume["resumeId"].as_str().unwrap().to_string();
    let text = std::fs::read_to_string(corpus(JOB)).unwrap();
    let (_, job) = node.post_json(&token, "/job-descriptions", json!({"text": text})).await;
    node.wait_parsed(&token, &format!("/resumes/{resume_id}")).await;
    let (status, started) = node
        .post_json(
            &token,
            "/optimize",
            json!({"resumeId": resume_id, "jobDescriptionId": job["jobDescriptionId"]}),
        )
        .await;
    assert_eq!(status, 202, "{started}");
    let run_id = started["optimizationId"].as_str().unwrap().to_string();
    let run = node.wait_for(&token, &format!("/optimize/{run_id}"), "status", &["completed", "failed"]).await;
    assert_eq!(run["status"], "completed", "{run}");
    let ids: Vec<String> = run["suggestions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["changeId"].as_str().unwrap().to_string())
        .collect();
    assert!(ids.len() >= 2, "the offline rewriter proposes several changes: {ids:?}");
    let accept = format!("/optimize/{run_id}/accept");

    // applyAll together with a list is ambiguous, and refused.
    let (status, body) =
        node.post_json(&token, &accept, json!({"applyAll": true, "acceptedChanges": [ids[0]]})).await;
    assert_eq!((status, body["code"].as_str()), (400, Some("invalid_input")), "{body}");

    // Take the first in the person's own words, leave the rest.
    let edit = "Ran the weekly release train for four product teams";
    let request =
        json!({"editedChanges": {ids[0].clone(): edit}, "notes": "for Acme", "exportFormats": ["text"]});
    let (status, first) = node.post_json(&token, &accept, request.clone()).await;
    assert_eq!(status, 201, "{first}");
    let version_id = first["versionId"].as_str().unwrap().to_string();
    let (_, version) = node.get(&token, &format!("/versions/{version_id}")).await;
    assert_eq!(version["acceptedChanges"], json!([ids[0]]), "{version}");
    assert_eq!(version["editedChanges"], json!([ids[0]]), "{version}");
    let rejected: Vec<&str> =
        version["rejectedChanges"].as_array().unwrap().iter().map(|v| v.as_str().unwrap()).collect();
    assert_eq!(rejected, ids[1..].iter().map(String::as_str).collect::<Vec<_>>());
    // The edited text is in the saved resume; the suggestion it replaced is not.
    let sections = version["optimizedSections"].to_string();
    assert!(sections.contains(edit), "{sections}");
    let replaced = run["suggestions"][0]["suggested"].as_str().unwrap();
    assert!(!sections.contains(replaced), "the edited suggestion's own text stayed");
    // "four" is a number the resume does not show: the edit is kept (it is the person's to
    // write) and the guard's note about it stays on the version, naming the change.
    let warnings: Vec<&str> =
        version["warnings"].as_array().unwrap().iter().map(|w| w.as_str().unwrap()).collect();
    assert!(
        !warnings.is_empty() && warnings.iter().all(|w| w.starts_with(&format!("{} (your edit)", ids[0]))),
        "{warnings:?}"
    );

    // The same accept again answers the same version, and saves no second one.
    let (status, again) = node.post_json(&token, &accept, request).await;
    assert_eq!((status, again["versionId"].as_str()), (200, Some(version_id.as_str())), "{again}");
    assert_eq!(
        again["exports"][0]["exportId"], first["exports"][0]["exportId"],
        "one file per version and format"
    );
    let (_, versions) = node.get(&token, "/versions").await;
    let of_run = versions["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|v| v["optimizationId"] == run_id.as_str())
        .count();
    assert_eq!(of_run, 1, "{versions}");
    // The look of a file is chosen per export: the same version in two designs is two files.
    let mut pdfs = Vec::new();
    for design in ["classic", "compact"] {
        let request =
            json!({"editedChanges": {ids[0].clone(): edit}, "exportFormats": ["pdf"], "design": design});
        let (status, body) = node.post_json(&token, &accept, request).await;
        assert_eq!((status, body["versionId"].as_str()), (200, Some(version_id.as_str())), "{body}");
        assert_eq!(body["exports"][0]["design"], design, "{body}");
        let export_id = body["exports"][0]["exportId"].as_str().unwrap().to_string();
        let export =
            node.wait_for(&token, &format!("/exports/{export_id}"), "status", &["completed", "failed"]).await;
        assert_eq!(export["status"], "completed", "{export}");
        let url = export["downloadUrl"].as_str().unwrap();
        let download = fetch_export(&node, &token, url).await;
        pdfs.push((export_id, download.bytes().await.unwrap()));
    }
    assert_ne!(pdfs[0].0, pdfs[1].0, "one export per design");
    assert!(pdfs.iter().all(|(_, b)| b.starts_with(b"%PDF-")));
    assert_ne!(pdfs[0].1, pdfs[1].1, "compact is not classic");
    let (status, body) =
        node.post_json(&token, &accept, json!({"acceptedChanges": [ids[0]], "design": "baroque"})).await;
    assert_eq!((status, body["code"].as_str()), (400, Some("invalid_input")), "{body}");

    // A different set is a new version.
    let (status, other) = node.post_json(&token, &accept, json!({"acceptedChanges": [ids[1]]})).await;
    assert_eq!(status, 201, "{other}");
    assert_ne!(other["versionId"], first["versionId"]);
}

/// An export's file: on S3 the URL is signed and goes straight to the store, without our token;
/// on local files it is the gateway's own route.
async fn fetch_export(node: &Node, token: &str, url: &str) -> reqwest::Response {
    if url.starts_with("http") {
        node.http.get(url).send().await.unwrap()
    } else {
        node.http.get(node.url(url)).bearer_auth(token).send().await.unwrap()
    }
}
