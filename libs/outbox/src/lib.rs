//! The transactional outbox (ADR 0003): a service writes its job into the `outbox` table in the
//! same transaction as the state the job belongs to, and a relay publishes the row to the queue
//! and then deletes it. A crash between commit and publish loses nothing (the row is still there);
//! a crash between publish and delete publishes twice, which the queue drops by deduplication id.

use std::sync::Arc;
use std::time::Duration;

use resumax_core::ids::new_id;
use resumax_core::{Error, Result};
use resumax_db::entity::outbox;
use resumax_db::{DatabaseConnection, db_error, now};
use resumax_queue::Queue;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set,
};

/// Records a job inside the caller's transaction.
pub async fn enqueue<C: ConnectionTrait>(
    txn: &C,
    subject: &str,
    dedup_id: &str,
    payload: Vec<u8>,
) -> Result<()> {
    outbox::ActiveModel {
        id: Set(new_id().to_string()),
        subject: Set(subject.to_string()),
        dedup_id: Set(dedup_id.to_string()),
        payload: Set(payload),
        trace_context: Set(Some(resumax_telemetry::current_trace_context())
            .filter(|context| !context.is_empty())
            .and_then(|context| serde_json::to_string(&context).ok())),
        created_at: Set(now()),
    }
    .insert(txn)
    .await
    .map_err(db_error("recording a job"))?;
    Ok(())
}

/// Publishes the outbox rows of some subjects. Each service relays its own subjects, so two
/// services in one process never race for the same rows (replicas of one service may: the
/// queue's deduplication makes that harmless).
pub struct Relay {
    db: DatabaseConnection,
    queue: Arc<dyn Queue>,
    subjects: Vec<String>,
    wakeup: tokio::sync::Notify,
}

impl Relay {
    pub fn new(db: DatabaseConnection, queue: Arc<dyn Queue>, subjects: &[&str]) -> Arc<Relay> {
        Arc::new(Relay {
            db,
            queue,
            subjects: subjects.iter().map(|s| s.to_string()).collect(),
            wakeup: tokio::sync::Notify::new(),
        })
    }

    /// Asks for a pass now (after a commit) rather than at the next tick.
    pub fn wake(&self) {
        self.wakeup.notify_one();
    }

    /// Runs until the process ends: a pass on every wake-up, and every two seconds (rows left by
    /// a crash, or a queue that was down).
    pub fn spawn(self: &Arc<Self>) {
        let relay = self.clone();
        tokio::spawn(async move {
            loop {
                if let Err(error) = relay.relay_once().await {
                    tracing::warn!(%error, "outbox relay pass failed; retrying");
                }
                let _ = tokio::time::timeout(Duration::from_secs(2), relay.wakeup.notified()).await;
            }
        });
    }

    /// One pass: publish, then delete, oldest first. Returns how many rows went out.
    pub async fn relay_once(&self) -> Result<usize, Error> {
        let rows = outbox::Entity::find()
            .filter(outbox::Column::Subject.is_in(self.subjects.clone()))
            .order_by_asc(outbox::Column::CreatedAt)
            .limit(100)
            .all(&self.db)
            .await
            .map_err(db_error("reading the outbox"))?;
        let count = rows.len();
        for row in rows {
            // The job joins the trace of the request that recorded it, not the relay's.
            let trace_context = row
                .trace_context
                .as_deref()
                .and_then(|text| serde_json::from_str::<resumax_telemetry::TraceContext>(text).ok())
                .unwrap_or_default();
            self.queue.publish_traced(&row.subject, &row.dedup_id, row.payload, trace_context).await?;
            outbox::Entity::delete_by_id(row.id)
                .exec(&self.db)
                .await
                .map_err(db_error("clearing the outbox"))?;
        }
        Ok(count)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use resumax_queue::{Delivery, InProcessQueue, JobHandler, Outcome};
    use sea_orm::TransactionTrait;

    struct Collect(tokio::sync::mpsc::UnboundedSender<Delivery>);

    #[async_trait::async_trait]
    impl JobHandler for Collect {
        async fn handle(&self, delivery: Delivery) -> Outcome {
            let _ = self.0.send(delivery);
            Outcome::Done
        }
    }

    async fn check(db: DatabaseConnection) {
        resumax_db::migrate(&db).await.unwrap();
        let queue = InProcessQueue::new();
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
        queue.consume("resumax.jobs.parse", 1, Arc::new(Collect(tx))).await.unwrap();

        // A rolled-back transaction leaves no job behind; a committed one does.
        let txn = db.begin().await.unwrap();
        enqueue(&txn, "resumax.jobs.parse", "parse-a", b"a".to_vec()).await.unwrap();
        txn.rollback().await.unwrap();
        let txn = db.begin().await.unwrap();
        enqueue(&txn, "resumax.jobs.parse", "parse-b", b"b".to_vec()).await.unwrap();
        enqueue(&txn, "resumax.jobs.optimize", "run-1", b"c".to_vec()).await.unwrap();
        txn.commit().await.unwrap();

        let relay = Relay::new(db.clone(), queue.clone(), &["resumax.jobs.parse"]);
        assert_eq!(relay.relay_once().await.unwrap(), 1, "only its own subjects");
        assert_eq!(relay.relay_once().await.unwrap(), 0, "a published row is gone");
        let delivery = tokio::time::timeout(Duration::from_secs(5), rx.recv()).await.unwrap().unwrap();
        assert_eq!((delivery.dedup_id.as_str(), delivery.payload.as_slice()), ("parse-b", &b"b"[..]));
        let others = Relay::new(db, queue, &["resumax.jobs.optimize"]);
        assert_eq!(others.relay_once().await.unwrap(), 1);
    }

    #[tokio::test]
    async fn a_relayed_job_carries_the_trace_of_the_request_that_recorded_it() {
        use tracing::Instrument;
        let _guard = resumax_telemetry::otel::testing::trace_ids_for_this_thread();
        let dir = std::env::temp_dir().join(format!("resumax-outbox-{}", new_id()));
        std::fs::create_dir_all(&dir).unwrap();
        let db =
            resumax_db::connect(&format!("sqlite://{}/db.sqlite?mode=rwc", dir.display())).await.unwrap();
        resumax_db::migrate(&db).await.unwrap();
        let queue = InProcessQueue::new();
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
        queue.consume("resumax.jobs.optimize", 1, Arc::new(Collect(tx))).await.unwrap();

        let request = tracing::info_span!("http_request");
        async {
            let txn = db.begin().await.unwrap();
            enqueue(&txn, "resumax.jobs.optimize", "run-1", b"job".to_vec()).await.unwrap();
            txn.commit().await.unwrap();
        }
        .instrument(request.clone())
        .await;
        // The relay runs outside the request's span, later.
        Relay::new(db, queue, &["resumax.jobs.optimize"]).relay_once().await.unwrap();
        let delivery = tokio::time::timeout(Duration::from_secs(5), rx.recv()).await.unwrap().unwrap();
        let traceparent = delivery.trace_context.get("traceparent").expect("a traceparent").clone();
        let request_trace = resumax_telemetry::trace_id(&request).expect("a trace id");
        assert!(traceparent.contains(&request_trace), "{traceparent} is not in trace {request_trace}");
        let _ = std::fs::remove_dir_all(dir);
    }

    #[tokio::test]
    async fn only_committed_jobs_are_relayed_once_on_sqlite() {
        let dir = std::env::temp_dir().join(format!("resumax-outbox-{}", new_id()));
        std::fs::create_dir_all(&dir).unwrap();
        let db =
            resumax_db::connect(&format!("sqlite://{}/db.sqlite?mode=rwc", dir.display())).await.unwrap();
        check(db).await;
        let _ = std::fs::remove_dir_all(dir);
    }

    #[tokio::test]
    async fn only_committed_jobs_are_relayed_once_on_postgres() {
        let Some(url) = resumax_testkit::postgres_database().await else { return };
        check(resumax_db::connect(&url).await.unwrap()).await;
    }
}
