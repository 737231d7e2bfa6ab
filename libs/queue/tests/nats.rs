//! The JetStream queue against the real NATS server on 127.0.0.1:4222 (or `RESUMAX_TEST_NATS_URL`),
//! each test in its own stream prefix. Under `CI=true` an unreachable server fails the test.

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use async_trait::async_trait;
use resumax_queue::{Delivery, JobHandler, NatsQueue, Outcome, Queue};
use tokio::sync::mpsc;

/// A queue in a stream prefix of its own (`resumax-testkit`: fatal under `CI=true` when NATS is
/// unreachable, a skip otherwise).
async fn queue() -> Option<Arc<NatsQueue>> {
    let url = resumax_testkit::nats_url().await?;
    Some(NatsQueue::connect(&url).await.expect("connect to NATS"))
}

struct Recorder {
    seen: mpsc::UnboundedSender<Delivery>,
    retries_left: AtomicU32,
}

#[async_trait]
impl JobHandler for Recorder {
    async fn handle(&self, delivery: Delivery) -> Outcome {
        let _ = self.seen.send(delivery);
        if self.retries_left.load(Ordering::SeqCst) > 0 {
            self.retries_left.fetch_sub(1, Ordering::SeqCst);
            return Outcome::Retry;
        }
        Outcome::Done
    }
}

async fn next(rx: &mut mpsc::UnboundedReceiver<Delivery>) -> Delivery {
    tokio::time::timeout(Duration::from_secs(20), rx.recv()).await.expect("a delivery in time").expect("open")
}

#[tokio::test]
async fn jobs_are_deduplicated_redelivered_on_retry_and_acked_once() {
    let Some(queue) = queue().await else { return };
    queue.publish("resumax.jobs.optimize", "run-1", b"one".to_vec()).await.unwrap();
    queue.publish("resumax.jobs.optimize", "run-1", b"one".to_vec()).await.unwrap();
    queue.publish("resumax.jobs.optimize", "run-2", b"two".to_vec()).await.unwrap();
    let (tx, mut rx) = mpsc::unbounded_channel();
    queue
        .consume("resumax.jobs.optimize", 1, Arc::new(Recorder { seen: tx, retries_left: AtomicU32::new(1) }))
        .await
        .unwrap();
    let first = next(&mut rx).await;
    assert_eq!((first.dedup_id.as_str(), first.attempt), ("run-1", 1));
    // The retried job comes back with its attempt counted; the duplicate never arrives.
    let mut rest = [next(&mut rx).await, next(&mut rx).await];
    rest.sort_by_key(|d| d.dedup_id.clone());
    assert_eq!(
        (rest[0].dedup_id.as_str(), rest[0].attempt, rest[0].payload.as_slice()),
        ("run-1", 2, &b"one"[..])
    );
    assert_eq!((rest[1].dedup_id.as_str(), rest[1].attempt), ("run-2", 1));
    assert!(tokio::time::timeout(Duration::from_secs(2), rx.recv()).await.is_err(), "no further delivery");
}

#[tokio::test]
async fn a_job_published_before_any_consumer_waits_for_one() {
    let Some(queue) = queue().await else { return };
    queue.publish("resumax.jobs.parse", "doc-1", b"parse me".to_vec()).await.unwrap();
    // Reading the depth before any worker exists creates nothing and reads 0.
    assert_eq!(queue.depth("resumax.jobs.parse").await.unwrap(), 0);
    let (tx, mut rx) = mpsc::unbounded_channel();
    queue
        .consume("resumax.jobs.parse", 2, Arc::new(Recorder { seen: tx, retries_left: AtomicU32::new(0) }))
        .await
        .unwrap();
    let delivery = next(&mut rx).await;
    assert_eq!(delivery.payload, b"parse me");
    assert!(!delivery.last_attempt);
}

#[tokio::test]
async fn events_reach_local_listeners() {
    let Some(queue) = queue().await else { return };
    let mut events = queue.subscribe_events();
    queue.publish_event("resumax.events.optimization.completed", b"done".to_vec()).await.unwrap();
    let event =
        tokio::time::timeout(Duration::from_secs(10), events.recv()).await.expect("event in time").unwrap();
    assert_eq!(event.subject, "resumax.events.optimization.completed");
    assert_eq!(event.payload, b"done");
    queue.check().await.expect("connected");
}
