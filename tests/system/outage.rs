//! Object storage goes down during a run: the run fails with `storage_error`, nothing else is
//! lost, and once the store is back a new attempt completes.

use serde_json::json;

use crate::helpers::{Backends, Node, corpus, temp_dir};

#[tokio::test]
async fn a_storage_outage_fails_the_run_cleanly_and_a_retry_completes() {
    let Some(mut s3) = resumax_testkit::OwnS3Server::start().await else { return };
    let bucket_name = resumax_testkit::unique("outage").replace('_', "-");
    let Some(bucket) = s3.create_bucket(&bucket_name).await else { return };
    let Some(backends) = Backends::production_on(bucket).await else { return };
    let dir = temp_dir();
    let node = Node::start(dir.path(), &backends, &[]).await;
    let token = node.token("alice", true);
    let (_, resume) = node.upload_resume(&token, "resumes/resume_023.docx").await;
    let resume_id = resume["resumeId"].as_str().unwrap().to_string();
    let text = std::fs::read_to_string(corpus("jds/jd_015.txt")).unwrap();
    let (_, job) = node.post_json(&token, "/job-descriptions", json!({"text": text})).await;
    node.wait_parsed(&token, &format!("/resumes/{resume_id}")).await;
    let request = json!({"resumeId": resume_id, "jobDescriptionId": job["jobDescriptionId"]});

    s3.stop();
    let (status, started) = node.post_json(&token, "/optimize", request.clone()).await;
    assert_eq!(status, 202, "{started}");
    let id = started["optimizationId"].as_str().unwrap().to_string();
    let failed = node.wait_for(&token, &format!("/optimize/{id}"), "status", &["completed", "failed"]).await;
    assert_eq!(failed["status"], "failed", "{failed}");
    assert_eq!(failed["error"]["code"], "storage_error", "{failed}");
    assert_eq!(failed["resumeId"], resume_id.as_str(), "the run's row is intact: {failed}");
    let (status, readiness) = node.get(&token, "/readyz").await;
    assert_eq!(status, 503, "readiness reports the outage: {readiness}");

    assert!(s3.restart().await, "the store comes back");
    s3.create_bucket(&bucket_name).await.expect("bucket again");
    let (status, resume) = node.get(&token, &format!("/resumes/{resume_id}")).await;
    assert_eq!((status, resume["parseStatus"].as_str()), (200, Some("completed")), "{resume}");
    let (status, retried) = node.post_json(&token, "/optimize", request).await;
    assert_eq!(status, 202, "a failed run is not active, so a retry starts a new one: {retried}");
    let retry_id = retried["optimizationId"].as_str().unwrap();
    let run =
        node.wait_for(&token, &format!("/optimize/{retry_id}"), "status", &["completed", "failed"]).await;
    assert_eq!(run["status"], "completed", "{run}");
}
