//! Nothing is lost across restarts, and a run left `queued` by a killed process completes.

use serde_json::json;

use crate::helpers::{Backends, Node, corpus, temp_dir};

crate::on_both_backends!(a_restart_keeps_everything_and_finishes_queued_runs);

async fn a_restart_keeps_everything_and_finishes_queued_runs(backends: Backends) {
    let dir = temp_dir();
    let node = Node::start(dir.path(), &backends, &[]).await;
    let token = node.token("alice", true);
    let (_, resume) = node.upload_resume(&token, "resumes/resume_023.docx").await;
    let resume_id = resume["resumeId"].as_str().unwrap().to_string();
    let text = std::fs::read_to_string(corpus("jds/jd_015.txt")).unwrap();
    let (_, job) = node.post_json(&token, "/job-descriptions", json!({"text": text})).await;
    let job_id = job["jobDescriptionId"].as_str().unwrap().to_string();
    node.wait_parsed(&token, &format!("/resumes/{resume_id}")).await;
    let (status, first) =
        node.post_json(&token, "/optimize", json!({"resumeId": resume_id, "jobDescriptionId": job_id})).await;
    assert_eq!(status, 202, "{first}");
    let first_id = first["optimizationId"].as_str().unwrap().to_string();
    node.wait_for(&token, &format!("/optimize/{first_id}"), "status", &["completed", "failed"]).await;
    let (status, accepted) =
        node.post_json(&token, &format!("/optimize/{first_id}/accept"), json!({"applyAll": true})).await;
    assert_eq!(status, 201, "{accepted}");
    let version_id = accepted["versionId"].as_str().unwrap().to_string();
    node.kill();

    // A node that takes no jobs: the run is recorded `queued` and stays so until the crash.
    let idle = Node::start(dir.path(), &backends, &[("RESUMAX_WORKERS", "0")]).await;
    let (status, queued) = idle
        .post_json(
            &token,
            "/optimize",
            json!({"resumeId": resume_id, "jobDescriptionId": job_id, "strategy": "conservative"}),
        )
        .await;
    assert_eq!(status, 202, "{queued}");
    let queued_id = queued["optimizationId"].as_str().unwrap().to_string();
    let (_, still) = idle.get(&token, &format!("/optimize/{queued_id}")).await;
    assert_eq!(still["status"], "queued");
    idle.kill();

    let node = Node::start(dir.path(), &backends, &[]).await;
    let (status, resume) = node.get(&token, &format!("/resumes/{resume_id}")).await;
    assert_eq!((status, resume["parseStatus"].as_str()), (200, Some("completed")), "{resume}");
    let (status, _) = node.get(&token, &format!("/job-descriptions/{job_id}")).await;
    assert_eq!(status, 200);
    let (status, first) = node.get(&token, &format!("/optimize/{first_id}")).await;
    assert_eq!((status, first["status"].as_str()), (200, Some("completed")));
    let (status, version) = node.get(&token, &format!("/versions/{version_id}")).await;
    assert_eq!(status, 200, "{version}");
    let finished =
        node.wait_for(&token, &format!("/optimize/{queued_id}"), "status", &["completed", "failed"]).await;
    assert_eq!(finished["status"], "completed", "{finished}");
    assert_eq!(finished["strategy"], "conservative");
}
