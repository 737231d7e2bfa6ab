//! The distributed mesh under stress: the five services as separate processes (three optimization
//! workers), 300 runs submitted at once, one worker killed with SIGKILL while it holds jobs, and
//! NATS restarted during the run. Afterwards every run completed exactly once, no version is
//! duplicated and the credit ledger balances.

use std::time::{Duration, Instant};

use futures_util::StreamExt;
use sea_orm::{ConnectionTrait, Database, DatabaseConnection, Statement};
use serde_json::json;

use crate::fake_ai::{Behaviour, FakeAi};
use crate::helpers::{Backends, Node, corpus, temp_dir};

const RUNS: usize = 300;

async fn count(db: &DatabaseConnection, sql: &str) -> i64 {
    let row = db
        .query_one_raw(Statement::from_string(db.get_database_backend(), sql.to_string()))
        .await
        .expect("query")
        .expect("one row");
    row.try_get_by_index::<i64>(0).expect("a count")
}

#[tokio::test]
async fn three_hundred_runs_survive_a_killed_worker_and_a_nats_restart() {
    let store = temp_dir();
    let Some(mut nats) = resumax_testkit::OwnNatsServer::start(store.path()).await else { return };
    let Some(database) = resumax_testkit::postgres_database().await else { return };
    let Some(bucket) = resumax_testkit::s3_bucket().await else { return };
    let ai =
        FakeAi::start(Behaviour { openai_delay: Duration::from_millis(200), ..Default::default() }).await;

    // A short ack_wait so the jobs of the killed worker come back within seconds.
    let queue = format!("{}?prefix=mesh&ack_wait_ms=3000", nats.url());
    let mut env = vec![
        ("RESUMAX_DATABASE_URL".to_string(), database.clone()),
        ("RESUMAX_QUEUE_URL".to_string(), queue),
        ("RESUMAX_BLOB_URL".to_string(), bucket.url.clone()),
        ("RESUMAX_CREDITS_ENABLED".to_string(), "true".to_string()),
    ];
    env.extend(bucket.env.clone());
    env.extend(ai.env("openai"));
    let backends = Backends::with_env(env);
    let dir = temp_dir();
    let parsing = Node::start_services(dir.path(), "parsing", &backends, &[]).await;
    let scoring = Node::start_services(dir.path(), "scoring", &backends, &[]).await;
    let export = Node::start_services(dir.path(), "export", &backends, &[]).await;
    let endpoint = |node: &Node| format!("http://{}", node.grpc_addr);
    let (parsing_at, scoring_at, export_at) = (endpoint(&parsing), endpoint(&scoring), endpoint(&export));
    let peers = [
        ("RESUMAX_PARSING_ENDPOINT", parsing_at.as_str()),
        ("RESUMAX_SCORING_ENDPOINT", scoring_at.as_str()),
        ("RESUMAX_EXPORT_ENDPOINT", export_at.as_str()),
    ];
    let mut workers = Vec::new();
    for _ in 0..3 {
        workers.push(Node::start_services(dir.path(), "optimization", &backends, &peers).await);
    }
    let optimization_at = endpoint(&workers[0]);
    let gateway = Node::start_services(
        dir.path(),
        "gateway",
        &backends,
        &[
            ("RESUMAX_PARSING_ENDPOINT", &parsing_at),
            ("RESUMAX_OPTIMIZATION_ENDPOINT", &optimization_at),
            ("RESUMAX_EXPORT_ENDPOINT", &export_at),
        ],
    )
    .await;

    let token = gateway.token("alice", true);
    gateway.cli(&["credits", "grant", "--user", "alice", "--amount", &RUNS.to_string()]);
    let (status, resume) = gateway.upload_resume(&token, "resumes/resume_023.docx").await;
    assert_eq!(status, 201, "{resume}");
    let resume_id = resume["resumeId"].as_str().unwrap().to_string();
    gateway.wait_parsed(&token, &format!("/resumes/{resume_id}")).await;
    let text = std::fs::read_to_string(corpus("jds/jd_015.txt")).unwrap();
    let mut jobs = Vec::new();
    for _ in 0..RUNS {
        let (status, job) = gateway.post_json(&token, "/job-descriptions", json!({"text": text})).await;
        assert_eq!(status, 201, "{job}");
        jobs.push(job["jobDescriptionId"].as_str().unwrap().to_string());
    }

    let submitted: Vec<String> = futures_util::stream::iter(jobs.iter())
        .map(|job| {
            let (gateway, token, resume_id) = (&gateway, &token, &resume_id);
            async move {
                let (status, body) = gateway
                    .post_json(token, "/optimize", json!({"resumeId": resume_id, "jobDescriptionId": job}))
                    .await;
                assert_eq!(status, 202, "{body}");
                body["optimizationId"].as_str().unwrap().to_string()
            }
        })
        .buffer_unordered(50)
        .collect()
        .await;
    assert_eq!(submitted.len(), RUNS);

    let db = Database::connect(database.as_str()).await.expect("connect to the test database");
    let finished = "SELECT COUNT(*) FROM optimization_requests WHERE status IN ('completed', 'failed')";
    let started = Instant::now();
    let (mut killed, mut restarted) = (false, false);
    loop {
        let done = count(&db, finished).await as usize;
        if !killed && done >= RUNS / 5 {
            // SIGKILL, mid-job: the worker's unacknowledged jobs must come back to the others.
            workers.pop().expect("a worker").kill();
            killed = true;
        }
        if killed && !restarted && done >= RUNS / 2 {
            nats.stop();
            tokio::time::sleep(Duration::from_secs(1)).await;
            assert!(nats.restart().await, "NATS comes back");
            restarted = true;
        }
        if done == RUNS {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(300),
            "only {done} of {RUNS} runs finished in 5 minutes"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert!(killed && restarted);

    let completed = count(&db, "SELECT COUNT(*) FROM optimization_requests WHERE status = 'completed'").await;
    let failed = count(&db, "SELECT COUNT(*) FROM optimization_requests WHERE status = 'failed'").await;
    let completions =
        count(&db, "SELECT COUNT(*) FROM audit_log WHERE action = 'optimization.completed'").await;
    let completed_twice = count(
        &db,
        "SELECT COUNT(*) FROM (SELECT entity_id FROM audit_log WHERE action = 'optimization.completed' \
         GROUP BY entity_id HAVING COUNT(*) > 1) AS twice",
    )
    .await;
    let redelivered = count(&db, "SELECT COUNT(*) FROM optimization_requests WHERE attempts > 1").await;
    let debits = count(&db, "SELECT COUNT(*) FROM credit_ledger WHERE reason = 'debit'").await;
    let refunds = count(&db, "SELECT COUNT(*) FROM credit_ledger WHERE reason = 'refund'").await;
    let balance =
        count(&db, "SELECT COALESCE(SUM(delta), 0) FROM credit_ledger WHERE user_id = 'alice'").await;

    // Accept every run once: one version each, none twice.
    let accepted: Vec<u16> = futures_util::stream::iter(submitted.iter())
        .map(|id| {
            let (gateway, token) = (&gateway, &token);
            async move {
                gateway.post_json(token, &format!("/optimize/{id}/accept"), json!({"applyAll": true})).await.0
            }
        })
        .buffer_unordered(50)
        .collect()
        .await;
    let versions = count(&db, "SELECT COUNT(*) FROM optimization_versions").await;
    let versioned_runs =
        count(&db, "SELECT COUNT(DISTINCT optimization_id) FROM optimization_versions").await;

    println!(
        "mesh: runs {RUNS}, completed {completed}, failed {failed}, completion records {completions}, \
         completed twice {completed_twice}, redelivered {redelivered}, debits {debits}, refunds {refunds}, \
         balance {balance}, versions {versions} for {versioned_runs} runs, in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    assert_eq!(completed as usize, RUNS, "every run completed");
    assert_eq!((failed, completed_twice), (0, 0));
    assert_eq!(completions as usize, RUNS, "exactly one completion per run");
    assert!(redelivered > 0, "the killed worker held jobs that were delivered again");
    assert_eq!((debits as usize, refunds), (RUNS, failed), "one debit per run, refunds only for failed runs");
    assert_eq!(balance, 0, "{RUNS} granted, {RUNS} spent");
    assert!(accepted.iter().all(|status| *status == 201), "{accepted:?}");
    assert_eq!((versions as usize, versioned_runs as usize), (RUNS, RUNS), "one version per run");
    drop((parsing, scoring, export, workers));
}
