//! The work queue and the event bus behind one trait. Embedded mode uses [`InProcessQueue`]; the
//! NATS JetStream implementation (distributed mode) implements the same trait, so services never
//! know which one they hold.
//!
//! Semantics both implementations keep:
//! - `publish` with a deduplication id: a job already waiting with the same id is not queued twice.
//! - a handler's [`Outcome::Retry`] redelivers the job (up to `max_deliver` attempts);
//!   the last attempt is flagged so the handler can record a final failure instead.
//! - events are fire-and-forget broadcasts to whoever listens now.
//! - a job carries the W3C trace context of the span that published it (NATS: message headers),
//!   so the handler's span can continue the publisher's trace.

mod nats;

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use resumax_core::Error;
pub use resumax_telemetry::TraceContext;
use tokio::sync::{broadcast, mpsc};

pub use nats::NatsQueue;

/// Subjects of the work queue (`resumax.jobs.>`) and the event bus (`resumax.events.>`).
pub mod subjects {
    pub const PARSE: &str = "resumax.jobs.parse";
    pub const OPTIMIZE: &str = "resumax.jobs.optimize";
    pub const EXPORT: &str = "resumax.jobs.export";
    pub fn optimization_event(status: &str) -> String {
        format!("resumax.events.optimization.{status}")
    }
}

#[derive(Debug, Clone)]
pub struct Delivery {
    pub dedup_id: String,
    pub payload: Vec<u8>,
    /// 1 for the first delivery.
    pub attempt: u32,
    /// No redelivery follows this one: a handler that cannot finish must record the failure.
    pub last_attempt: bool,
    /// The publisher's trace (`traceparent`, `tracestate`); empty when it had none or export is
    /// off. A handler makes it the parent of its job span with `resumax_telemetry::set_parent`.
    pub trace_context: TraceContext,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Done (successfully or with a recorded failure): acknowledge.
    Done,
    /// A transient failure: deliver again later.
    Retry,
}

#[async_trait]
pub trait JobHandler: Send + Sync {
    async fn handle(&self, delivery: Delivery) -> Outcome;
}

#[derive(Debug, Clone)]
pub struct Event {
    pub subject: String,
    pub payload: Vec<u8>,
}

#[async_trait]
pub trait Queue: Send + Sync {
    /// Queues a job carrying the trace context of the current span, so its handler joins the
    /// publisher's trace.
    async fn publish(&self, subject: &str, dedup_id: &str, payload: Vec<u8>) -> Result<(), Error> {
        // Runs while the caller polls, so the current span is the caller's.
        let trace_context = resumax_telemetry::current_trace_context();
        self.publish_traced(subject, dedup_id, payload, trace_context).await
    }
    /// [`Queue::publish`] with an explicit trace context, for a job published away from the span
    /// that caused it (an outbox relay keeps the context with the row and passes it here).
    async fn publish_traced(
        &self,
        subject: &str,
        dedup_id: &str,
        payload: Vec<u8>,
        trace_context: TraceContext,
    ) -> Result<(), Error>;
    /// Starts `workers` concurrent consumers of `subject` that run until the process ends.
    async fn consume(&self, subject: &str, workers: usize, handler: Arc<dyn JobHandler>)
    -> Result<(), Error>;
    async fn publish_event(&self, subject: &str, payload: Vec<u8>) -> Result<(), Error>;
    fn subscribe_events(&self) -> broadcast::Receiver<Event>;
    /// Proves the broker answers; used by `/readyz`.
    async fn check(&self) -> Result<(), Error>;
    /// Jobs waiting on `subject` (not yet taken by a worker), for the queue-depth metric.
    async fn depth(&self, subject: &str) -> Result<u64, Error>;
    /// Graceful shutdown: stops taking jobs and waits up to `grace` for the running ones. A job
    /// still running after that is not lost: NATS redelivers it after `ack_wait`, and the embedded
    /// node re-queues it from the database at its next start.
    async fn close(&self, grace: Duration);
}

/// Shared by the implementations: a stop signal for the consumer loops and a count of the jobs
/// being handled, so `close` knows when the last one is done.
pub(crate) struct Drain {
    stopping: tokio::sync::watch::Sender<bool>,
    in_flight: std::sync::atomic::AtomicUsize,
    idle: tokio::sync::Notify,
}

impl Drain {
    pub(crate) fn new() -> Arc<Drain> {
        Arc::new(Drain {
            stopping: tokio::sync::watch::channel(false).0,
            in_flight: std::sync::atomic::AtomicUsize::new(0),
            idle: tokio::sync::Notify::new(),
        })
    }

    pub(crate) fn stopping(&self) -> tokio::sync::watch::Receiver<bool> {
        self.stopping.subscribe()
    }

    /// Runs one job, counted as in flight.
    pub(crate) async fn run<T>(&self, job: impl std::future::Future<Output = T>) -> T {
        use std::sync::atomic::Ordering;
        self.in_flight.fetch_add(1, Ordering::SeqCst);
        let result = job.await;
        if self.in_flight.fetch_sub(1, Ordering::SeqCst) == 1 {
            self.idle.notify_waiters();
        }
        result
    }

    pub(crate) async fn close(&self, grace: Duration) {
        use std::sync::atomic::Ordering;
        let _ = self.stopping.send(true);
        let all_done = async {
            loop {
                let idle = self.idle.notified();
                if self.in_flight.load(Ordering::SeqCst) == 0 {
                    return;
                }
                idle.await;
            }
        };
        if tokio::time::timeout(grace, all_done).await.is_err() {
            let left = self.in_flight.load(Ordering::SeqCst);
            tracing::warn!(
                left,
                "shutdown grace period over with jobs still running; they will be redelivered"
            );
        }
    }
}

type Channel = (mpsc::UnboundedSender<Delivery>, Arc<tokio::sync::Mutex<mpsc::UnboundedReceiver<Delivery>>>);

/// An in-process queue: jobs live in memory, so a crash loses the queue itself. That is why the
/// services keep their job state in the database and re-publish unfinished work at start.
pub struct InProcessQueue {
    channels: Mutex<HashMap<String, Channel>>,
    /// Dedup ids of jobs published and not yet acknowledged.
    pending: Arc<Mutex<HashSet<String>>>,
    events: broadcast::Sender<Event>,
    max_deliver: u32,
    retry_delay: Duration,
    drain: Arc<Drain>,
    /// Published and not yet taken, per subject.
    waiting: Mutex<HashMap<String, Arc<std::sync::atomic::AtomicU64>>>,
}

impl InProcessQueue {
    pub fn new() -> Arc<Self> {
        Self::with_redelivery(5, Duration::from_millis(500))
    }

    pub fn with_redelivery(max_deliver: u32, retry_delay: Duration) -> Arc<Self> {
        Arc::new(InProcessQueue {
            channels: Mutex::new(HashMap::new()),
            pending: Arc::new(Mutex::new(HashSet::new())),
            events: broadcast::channel(1024).0,
            max_deliver: max_deliver.max(1),
            retry_delay,
            drain: Drain::new(),
            waiting: Mutex::new(HashMap::new()),
        })
    }

    fn waiting(&self, subject: &str) -> Arc<std::sync::atomic::AtomicU64> {
        lock(&self.waiting).entry(subject.to_string()).or_default().clone()
    }

    fn channel(&self, subject: &str) -> Channel {
        let mut channels = self.channels.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        channels
            .entry(subject.to_string())
            .or_insert_with(|| {
                let (sender, receiver) = mpsc::unbounded_channel();
                (sender, Arc::new(tokio::sync::Mutex::new(receiver)))
            })
            .clone()
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

#[async_trait]
impl Queue for InProcessQueue {
    async fn publish_traced(
        &self,
        subject: &str,
        dedup_id: &str,
        payload: Vec<u8>,
        trace_context: TraceContext,
    ) -> Result<(), Error> {
        if !lock(&self.pending).insert(dedup_id.to_string()) {
            tracing::debug!(subject, dedup_id, "duplicate job ignored");
            return Ok(());
        }
        let delivery = Delivery {
            dedup_id: dedup_id.to_string(),
            payload,
            attempt: 1,
            last_attempt: self.max_deliver == 1,
            trace_context,
        };
        self.channel(subject).0.send(delivery).map_err(|e| Error::queue("publishing a job", e))
    }

    async fn consume(
        &self,
        subject: &str,
        workers: usize,
        handler: Arc<dyn JobHandler>,
    ) -> Result<(), Error> {
        let (sender, receiver) = self.channel(subject);
        for _ in 0..workers.max(1) {
            let receiver = receiver.clone();
            let sender = sender.clone();
            let handler = handler.clone();
            let pending = self.pending.clone();
            let (max_deliver, retry_delay) = (self.max_deliver, self.retry_delay);
            let drain = self.drain.clone();
            let mut stopping = drain.stopping();
            let waiting = self.waiting(subject);
            tokio::spawn(async move {
                loop {
                    let next = async { receiver.lock().await.recv().await };
                    let delivery = tokio::select! {
                        delivery = next => delivery,
                        _ = stopping.wait_for(|stop| *stop) => return,
                    };
                    let Some(delivery) = delivery else { return };
                    // Only first deliveries were counted at publish; redeliveries skip the count.
                    if delivery.attempt == 1 {
                        let _ = waiting.fetch_update(
                            std::sync::atomic::Ordering::SeqCst,
                            std::sync::atomic::Ordering::SeqCst,
                            |n| n.checked_sub(1),
                        );
                    }
                    let dedup_id = delivery.dedup_id.clone();
                    let (attempt, payload) = (delivery.attempt, delivery.payload.clone());
                    let trace_context = delivery.trace_context.clone();
                    // A panicking handler must not kill the worker: run it in its own task.
                    let outcome = drain
                        .run(tokio::spawn({
                            let handler = handler.clone();
                            async move { handler.handle(delivery).await }
                        }))
                        .await
                        .unwrap_or(Outcome::Retry);
                    if outcome == Outcome::Retry && attempt < max_deliver {
                        let sender = sender.clone();
                        let next = Delivery {
                            dedup_id,
                            payload,
                            attempt: attempt + 1,
                            last_attempt: attempt + 1 >= max_deliver,
                            trace_context,
                        };
                        tokio::spawn(async move {
                            tokio::time::sleep(retry_delay * attempt).await;
                            let _ = sender.send(next);
                        });
                    } else {
                        lock(&pending).remove(&dedup_id);
                    }
                }
            });
        }
        Ok(())
    }

    async fn publish_event(&self, subject: &str, payload: Vec<u8>) -> Result<(), Error> {
        // No listener is not an error: events are for whoever is watching now.
        let _ = self.events.send(Event { subject: subject.to_string(), payload });
        Ok(())
    }

    fn subscribe_events(&self) -> broadcast::Receiver<Event> {
        self.events.subscribe()
    }

    async fn check(&self) -> Result<(), Error> {
        Ok(())
    }

    async fn depth(&self, subject: &str) -> Result<u64, Error> {
        Ok(self.waiting(subject).load(std::sync::atomic::Ordering::SeqCst))
    }

    async fn close(&self, grace: Duration) {
        self.drain.close(grace).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicU32, Ordering};

    struct Recorder {
        seen: mpsc::UnboundedSender<(String, u32, bool)>,
        fail_first: AtomicU32,
    }

    #[async_trait]
    impl JobHandler for Recorder {
        async fn handle(&self, delivery: Delivery) -> Outcome {
            let _ = self.seen.send((delivery.dedup_id, delivery.attempt, delivery.last_attempt));
            if self.fail_first.load(Ordering::SeqCst) > 0 {
                self.fail_first.fetch_sub(1, Ordering::SeqCst);
                return Outcome::Retry;
            }
            Outcome::Done
        }
    }

    async fn next(rx: &mut mpsc::UnboundedReceiver<(String, u32, bool)>) -> (String, u32, bool) {
        tokio::time::timeout(Duration::from_secs(5), rx.recv())
            .await
            .expect("delivery in time")
            .expect("open")
    }

    /// Handles each job in a span whose parent comes from the job, as the workers do, and reports
    /// that span's trace id; the first delivery asks for a retry.
    struct TraceRecorder {
        seen: mpsc::UnboundedSender<(String, u32, Option<String>)>,
    }

    #[async_trait]
    impl JobHandler for TraceRecorder {
        async fn handle(&self, delivery: Delivery) -> Outcome {
            let span = tracing::info_span!("job", id = %delivery.dedup_id);
            resumax_telemetry::set_parent(&span, &delivery.trace_context);
            let _ = self.seen.send((delivery.dedup_id, delivery.attempt, resumax_telemetry::trace_id(&span)));
            if delivery.attempt == 1 { Outcome::Retry } else { Outcome::Done }
        }
    }

    async fn received<T>(rx: &mut mpsc::UnboundedReceiver<T>) -> T {
        tokio::time::timeout(Duration::from_secs(5), rx.recv())
            .await
            .expect("delivery in time")
            .expect("open")
    }

    #[tokio::test]
    async fn a_job_is_handled_in_the_trace_that_published_it() {
        use tracing::Instrument;
        // Current-thread runtime: the workers' tasks run under this thread's subscriber.
        let _guard = resumax_telemetry::otel::testing::trace_ids_for_this_thread();
        let queue = InProcessQueue::with_redelivery(2, Duration::from_millis(1));
        let (tx, mut rx) = mpsc::unbounded_channel();
        queue.consume("s", 1, Arc::new(TraceRecorder { seen: tx })).await.unwrap();

        let request = tracing::info_span!("http_request");
        queue.publish("s", "job-1", vec![1]).instrument(request.clone()).await.unwrap();
        let request_trace = resumax_telemetry::trace_id(&request);
        assert!(request_trace.is_some());
        assert_eq!(received(&mut rx).await, ("job-1".into(), 1, request_trace.clone()));
        // A redelivery keeps the publisher's trace.
        assert_eq!(received(&mut rx).await, ("job-1".into(), 2, request_trace.clone()));

        // Published outside any span: the handler's span is a trace of its own.
        queue.publish("s", "job-2", vec![2]).await.unwrap();
        let (id, _, trace) = received(&mut rx).await;
        assert_eq!(id, "job-2");
        assert!(trace.is_some());
        assert_ne!(trace, request_trace);
    }

    #[tokio::test]
    async fn duplicates_are_dropped_and_retries_redeliver_until_the_last_attempt() {
        let queue = InProcessQueue::with_redelivery(3, Duration::from_millis(1));
        let (tx, mut rx) = mpsc::unbounded_channel();
        let handler = Arc::new(Recorder { seen: tx, fail_first: AtomicU32::new(5) });
        queue.publish("s", "job-1", vec![1]).await.unwrap();
        queue.publish("s", "job-1", vec![1]).await.unwrap();
        queue.consume("s", 2, handler).await.unwrap();
        assert_eq!(next(&mut rx).await, ("job-1".into(), 1, false));
        assert_eq!(next(&mut rx).await, ("job-1".into(), 2, false));
        assert_eq!(next(&mut rx).await, ("job-1".into(), 3, true));
        // Acknowledged after the last attempt: the id may be published again.
        tokio::time::sleep(Duration::from_millis(20)).await;
        queue.publish("s", "job-1", vec![1]).await.unwrap();
        assert_eq!(next(&mut rx).await.1, 1);
        assert!(rx.try_recv().is_err(), "the duplicate was never delivered");
    }
}
