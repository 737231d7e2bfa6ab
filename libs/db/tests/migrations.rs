//! Migrations on both backends: SQLite (embedded) and a real PostgreSQL (production). The same
//! statements must create the same behaviour, including the one-active-run partial index.
//!
//! PostgreSQL comes from `resumax-testkit` (a fresh database per test; fatal under `CI=true`).

use resumax_db::entity::optimization_request;
use resumax_db::{DatabaseConnection, connect, migrate, now};
use sea_orm::{ActiveModelTrait, Set};

fn run(id: &str, status: &str) -> optimization_request::ActiveModel {
    optimization_request::ActiveModel {
        id: Set(id.into()),
        user_id: Set("alice".into()),
        resume_id: Set("r".into()),
        job_description_id: Set("j".into()),
        strategy: Set("default".into()),
        status: Set(status.into()),
        idempotency_key: Set(None),
        request_id: Set("test".into()),
        error_code: Set(None),
        error_message: Set(None),
        provider: Set(None),
        model: Set(None),
        score_before: Set(None),
        score_after: Set(None),
        attempts: Set(0),
        result: Set(None),
        output_key: Set(None),
        template_version: Set(None),
        prompt_tokens: Set(None),
        completion_tokens: Set(None),
        latency_ms: Set(None),
        cost_micros: Set(None),
        prompt_key: Set(None),
        created_at: Set(now()),
        updated_at: Set(now()),
        deleted_at: Set(None),
    }
}

/// Migrating twice is a no-op, and the schema enforces one active run per (user, resume, JD).
async fn check_schema(db: &DatabaseConnection) {
    // Two processes starting at once: both succeed, the schema is created once.
    let (first, second) = tokio::join!(migrate(db), migrate(db));
    first.expect("concurrent migration");
    second.expect("concurrent migration");
    migrate(db).await.expect("second migration is a no-op");
    run("run-1", "queued").insert(db).await.expect("first active run");
    let second = run("run-2", "processing").insert(db).await;
    assert!(second.is_err(), "a second active run for the same pair must be refused");
    run("run-3", "completed").insert(db).await.expect("finished runs are not limited");
    run("run-4", "failed").insert(db).await.expect("finished runs are not limited");
}

#[tokio::test]
async fn sqlite_schema() {
    let dir = tempfile::tempdir().unwrap();
    let db = connect(&format!("sqlite://{}/test.db?mode=rwc", dir.path().display())).await.unwrap();
    check_schema(&db).await;
}

#[tokio::test]
async fn postgres_schema() {
    let Some(url) = resumax_testkit::postgres_database().await else { return };
    let db = connect(&url).await.expect("connect to the test database");
    check_schema(&db).await;
}
