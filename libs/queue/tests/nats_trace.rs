//! Trace context through the real NATS server on 127.0.0.1:4222 (or `RESUMAX_TEST_NATS_URL`), in a
//! stream prefix of its own: a job published inside a span is handled inside a span of the same
//! trace, the context having travelled as `traceparent`/`tracestate` message headers. Under
//! `CI=true` an unreachable server fails the test.

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use resumax_queue::{Delivery, JobHandler, NatsQueue, Outcome, Queue, TraceContext};
use tokio::sync::mpsc;
use tracing::Instrument;

/// A queue in a stream prefix of its own (`resumax-testkit`: fatal under `CI=true` when NATS is
/// unreachable, a skip otherwise).
async fn queue() -> Option<Arc<NatsQueue>> {
    let url = resumax_testkit::nats_url().await?;
    Some(NatsQueue::connect(&url).await.expect("connect to NATS"))
}

/// Opens the job span as the workers do and reports its trace id and the context it received.
struct TraceRecorder(mpsc::UnboundedSender<(String, Option<String>, TraceContext)>);

#[async_trait]
impl JobHandler for TraceRecorder {
    async fn handle(&self, delivery: Delivery) -> Outcome {
        let span = tracing::info_span!("job", id = %delivery.dedup_id);
        resumax_telemetry::set_parent(&span, &delivery.trace_context);
        let _ = self.0.send((delivery.dedup_id, resumax_telemetry::trace_id(&span), delivery.trace_context));
        Outcome::Done
    }
}

#[tokio::test]
async fn a_job_is_handled_in_the_trace_that_published_it() {
    // Current-thread runtime: the consumer's tasks run under this thread's subscriber.
    let _guard = resumax_telemetry::otel::testing::trace_ids_for_this_thread();
    let Some(queue) = queue().await else { return };
    let (tx, mut rx) = mpsc::unbounded_channel();
    queue.consume("resumax.jobs.parse", 1, Arc::new(TraceRecorder(tx))).await.unwrap();
    let mut next = async || tokio::time::timeout(Duration::from_secs(20), rx.recv()).await.unwrap().unwrap();

    let request = tracing::info_span!("http_request");
    queue.publish("resumax.jobs.parse", "doc-1", b"one".to_vec()).instrument(request.clone()).await.unwrap();
    let (id, trace, carried) = next().await;
    assert_eq!(id, "doc-1");
    assert!(trace.is_some());
    assert_eq!(trace, resumax_telemetry::trace_id(&request), "the handler continues the publisher's trace");
    assert_eq!(
        carried,
        resumax_telemetry::trace_context(&request),
        "the headers carried the context unchanged"
    );

    // An explicit context (what an outbox relay passes) wins over the relay's own span, and
    // tracestate survives the trip.
    let mut stored = TraceContext::new();
    stored.insert("traceparent".into(), "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01".into());
    stored.insert("tracestate".into(), "vendor=abc".into());
    let relay = tracing::info_span!("outbox_relay");
    queue
        .publish_traced("resumax.jobs.parse", "doc-2", b"two".to_vec(), stored.clone())
        .instrument(relay)
        .await
        .unwrap();
    let (id, trace, carried) = next().await;
    assert_eq!(id, "doc-2");
    assert_eq!(trace.as_deref(), Some("4bf92f3577b34da6a3ce929d0e0e4736"));
    assert_eq!(carried, stored);

    // Published outside any span: no headers, and the handler's span is a trace of its own.
    queue.publish("resumax.jobs.parse", "doc-3", b"three".to_vec()).await.unwrap();
    let (id, trace, carried) = next().await;
    assert_eq!(id, "doc-3");
    assert!(carried.is_empty());
    assert!(trace.is_some() && trace != resumax_telemetry::trace_id(&request));
}
