//! The work queue and event bus on NATS JetStream (distributed mode).
//!
//! - Jobs go to the stream `RESUMAX_JOBS` (work-queue retention, subjects `resumax.jobs.>`),
//!   published with `Nats-Msg-Id` = the job's deduplication id, so a job published twice inside
//!   the duplicate window is stored once.
//! - Each job kind has one durable pull consumer shared by every replica: explicit ack, `ack_wait`
//!   well above the longest job (kept alive by progress acks while a handler runs), bounded
//!   `max_deliver`; a handler's `Retry` is a NAK with a growing delay.
//! - Events go to `RESUMAX_EVENTS` (limits retention) and are fanned out to local listeners.
//!
//! - A job's trace context travels in the W3C headers `traceparent` and `tracestate`.
//!
//! An optional `?prefix=<name>` on the URL namespaces streams, consumers and subjects, so tests
//! (and several deployments on one NATS) never see each other's messages.

use std::sync::Arc;
use std::time::Duration;

use async_nats::jetstream::{self, AckKind, consumer, stream};
use async_trait::async_trait;
use futures_util::StreamExt;
use resumax_core::Error;
use tokio::sync::broadcast;

use crate::{Delivery, Drain, Event, JobHandler, Outcome, Queue, TraceContext};

/// Longer than any job should take; a running handler extends it with progress acks. The URL
/// option `ack_wait_ms` overrides it (tests use a short one to see redelivery quickly).
const DEFAULT_ACK_WAIT: Duration = Duration::from_secs(60);
const MAX_DELIVER: i64 = 5;
const RETRY_DELAY: Duration = Duration::from_millis(500);

pub struct NatsQueue {
    client: async_nats::Client,
    jetstream: jetstream::Context,
    prefix: String,
    ack_wait: Duration,
    events: broadcast::Sender<Event>,
    drain: Arc<Drain>,
}

impl NatsQueue {
    /// Connects to `nats://host:port[?prefix=name&ack_wait_ms=N]` and makes sure both streams
    /// exist.
    pub async fn connect(url: &str) -> Result<Arc<Self>, Error> {
        let (address, query) = url.split_once('?').unwrap_or((url, ""));
        let (mut prefix, mut ack_wait) = (String::new(), DEFAULT_ACK_WAIT);
        for pair in query.split('&').filter(|p| !p.is_empty()) {
            match pair.split_once('=') {
                Some(("prefix", value))
                    if !value.is_empty() && value.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') =>
                {
                    prefix = value.to_string();
                }
                Some(("ack_wait_ms", value)) if value.parse::<u64>().is_ok_and(|ms| ms >= 100) => {
                    ack_wait = Duration::from_millis(value.parse().unwrap_or(60_000));
                }
                _ => {
                    return Err(Error::invalid_input(format!(
                        "RESUMAX_QUEUE_URL option {pair:?} is not understood: use prefix=<letters, digits, _> \
                         or ack_wait_ms=<at least 100>"
                    )));
                }
            }
        }
        let client = async_nats::ConnectOptions::new()
            .retry_on_initial_connect()
            .connection_timeout(Duration::from_secs(5))
            .connect(address)
            .await
            .map_err(|e| Error::queue("connecting to NATS", e))?;
        let jetstream = jetstream::new(client.clone());
        let queue = NatsQueue {
            client,
            jetstream,
            prefix,
            ack_wait,
            events: broadcast::channel(1024).0,
            drain: Drain::new(),
        };
        queue.ensure_streams().await?;
        let queue = Arc::new(queue);
        queue.clone().forward_events().await?;
        Ok(queue)
    }

    /// The physical subject or name for a logical one.
    fn subject(&self, logical: &str) -> String {
        if self.prefix.is_empty() { logical.to_string() } else { format!("{}.{logical}", self.prefix) }
    }
    fn name(&self, logical: &str) -> String {
        if self.prefix.is_empty() { logical.to_string() } else { format!("{}_{logical}", self.prefix) }
    }
    fn logical<'a>(&self, subject: &'a str) -> &'a str {
        if self.prefix.is_empty() {
            subject
        } else {
            subject.strip_prefix(&self.prefix).and_then(|s| s.strip_prefix('.')).unwrap_or(subject)
        }
    }

    async fn ensure_streams(&self) -> Result<(), Error> {
        self.jetstream
            .get_or_create_stream(stream::Config {
                name: self.name("RESUMAX_JOBS"),
                subjects: vec![self.subject("resumax.jobs.>")],
                retention: stream::RetentionPolicy::WorkQueue,
                duplicate_window: Duration::from_secs(120),
                ..Default::default()
            })
            .await
            .map_err(|e| Error::queue("creating the jobs stream", e))?;
        self.jetstream
            .get_or_create_stream(stream::Config {
                name: self.name("RESUMAX_EVENTS"),
                subjects: vec![self.subject("resumax.events.>")],
                retention: stream::RetentionPolicy::Limits,
                max_age: Duration::from_secs(24 * 3600),
                ..Default::default()
            })
            .await
            .map_err(|e| Error::queue("creating the events stream", e))?;
        Ok(())
    }

    /// Core NATS subscription on the event subjects, re-broadcast to in-process listeners (the
    /// gateway's status stream). Events are best effort by design.
    async fn forward_events(self: Arc<Self>) -> Result<(), Error> {
        let mut subscription = self
            .client
            .subscribe(self.subject("resumax.events.>"))
            .await
            .map_err(|e| Error::queue("subscribing to events", e))?;
        let queue = Arc::downgrade(&self);
        tokio::spawn(async move {
            while let Some(message) = subscription.next().await {
                let Some(queue) = queue.upgrade() else { return };
                let subject = queue.logical(message.subject.as_str()).to_string();
                let _ = queue.events.send(Event { subject, payload: message.payload.to_vec() });
            }
        });
        Ok(())
    }

    async fn consumer(&self, subject: &str) -> Result<consumer::PullConsumer, Error> {
        let kind = job_kind(subject);
        let stream = self
            .jetstream
            .get_stream(self.name("RESUMAX_JOBS"))
            .await
            .map_err(|e| Error::queue("opening the jobs stream", e))?;
        stream
            .get_or_create_consumer(
                kind,
                consumer::pull::Config {
                    durable_name: Some(kind.to_string()),
                    filter_subject: self.subject(subject),
                    ack_policy: consumer::AckPolicy::Explicit,
                    ack_wait: self.ack_wait,
                    max_deliver: MAX_DELIVER,
                    ..Default::default()
                },
            )
            .await
            .map_err(|e| Error::queue("creating a consumer", e))
    }
}

#[async_trait]
impl Queue for NatsQueue {
    async fn publish_traced(
        &self,
        subject: &str,
        dedup_id: &str,
        payload: Vec<u8>,
        trace_context: TraceContext,
    ) -> Result<(), Error> {
        let mut message =
            jetstream::message::PublishMessage::build().payload(payload.into()).message_id(dedup_id);
        // Only the W3C fields: they are what a handler reads back, and their names are valid headers.
        for field in resumax_telemetry::otel::TRACE_CONTEXT_FIELDS {
            if let Some(value) = trace_context.get(field) {
                message = message.header(field, value.as_str());
            }
        }
        // The second await is the stream's acknowledgement: only then is the job durable.
        self.jetstream
            .send_publish(self.subject(subject), message)
            .await
            .map_err(|e| Error::queue("publishing a job", e))?
            .await
            .map_err(|e| Error::queue("publishing a job", e))?;
        Ok(())
    }

    async fn consume(
        &self,
        subject: &str,
        workers: usize,
        handler: Arc<dyn JobHandler>,
    ) -> Result<(), Error> {
        let consumer = self.consumer(subject).await?;
        let progress_every = self.ack_wait / 4;
        for _ in 0..workers.max(1) {
            let consumer = consumer.clone();
            let handler = handler.clone();
            let drain = self.drain.clone();
            let mut stopping = drain.stopping();
            tokio::spawn(async move {
                while !*stopping.borrow() {
                    // The stream of pulls ends or errors when the connection drops; pull again
                    // once it is back. Unacked messages are redelivered after `ack_wait`.
                    match consumer.stream().max_messages_per_batch(1).messages().await {
                        Ok(mut messages) => loop {
                            let message = tokio::select! {
                                message = messages.next() => message,
                                _ = stopping.wait_for(|stop| *stop) => return,
                            };
                            match message {
                                Some(Ok(message)) => {
                                    drain.run(handle_one(message, handler.as_ref(), progress_every)).await
                                }
                                Some(Err(error)) => {
                                    tracing::warn!(%error, "pulling a job failed");
                                    break;
                                }
                                None => break,
                            }
                        },
                        Err(error) => tracing::warn!(%error, "starting a pull failed"),
                    }
                    tokio::time::sleep(Duration::from_secs(1)).await;
                }
            });
        }
        Ok(())
    }

    async fn publish_event(&self, subject: &str, payload: Vec<u8>) -> Result<(), Error> {
        self.jetstream
            .publish(self.subject(subject), payload.into())
            .await
            .map_err(|e| Error::queue("publishing an event", e))?;
        Ok(())
    }

    fn subscribe_events(&self) -> broadcast::Receiver<Event> {
        self.events.subscribe()
    }

    async fn check(&self) -> Result<(), Error> {
        match self.client.connection_state() {
            async_nats::connection::State::Connected => Ok(()),
            state => Err(Error::queue("checking NATS", format!("connection is {state:?}"))),
        }
    }

    async fn depth(&self, subject: &str) -> Result<u64, Error> {
        // Read, never create: a process that only serves /metrics (a gateway) must not make the
        // durable consumer of workers it does not run. Until the first worker of a kind starts
        // there is no consumer, and the gauge reads 0.
        let stream = self
            .jetstream
            .get_stream(self.name("RESUMAX_JOBS"))
            .await
            .map_err(|e| Error::queue("opening the jobs stream", e))?;
        match stream.consumer_info(job_kind(subject)).await {
            Ok(info) => Ok(info.num_pending),
            Err(e) if e.kind() == async_nats::jetstream::context::ConsumerInfoErrorKind::NotFound => Ok(0),
            Err(e) => Err(Error::queue("reading consumer info", e)),
        }
    }

    async fn close(&self, grace: Duration) {
        self.drain.close(grace).await;
        // Outstanding acks and publishes go out before the connection closes.
        if let Err(error) = self.client.flush().await {
            tracing::warn!(%error, "flushing NATS at shutdown failed");
        }
    }
}

/// One durable consumer per job kind, named after the subject's last token ("optimize").
fn job_kind(subject: &str) -> &str {
    subject.rsplit('.').next().unwrap_or(subject)
}

async fn handle_one(message: jetstream::Message, handler: &dyn JobHandler, progress_every: Duration) {
    let delivered = message.info().map(|info| info.delivered).unwrap_or(1).max(1);
    let delivery = Delivery {
        dedup_id: message
            .headers
            .as_ref()
            .and_then(|h| h.get(async_nats::header::NATS_MESSAGE_ID))
            .map(|v| v.to_string())
            .unwrap_or_default(),
        payload: message.payload.to_vec(),
        attempt: u32::try_from(delivered).unwrap_or(u32::MAX),
        last_attempt: delivered >= MAX_DELIVER,
        trace_context: resumax_telemetry::otel::trace_context_from(|name| {
            message.headers.as_ref()?.get(name).map(|value| value.as_str())
        }),
    };
    let (message, acker) = message.split();
    let acker = Arc::new(acker);
    drop(message);
    // Keep the message ours while the handler runs, however long it takes.
    let progress = {
        let acker = acker.clone();
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(progress_every).await;
                if acker.ack_with(AckKind::Progress).await.is_err() {
                    return;
                }
            }
        })
    };
    let outcome = handler.handle(delivery).await;
    progress.abort();
    let ack = match outcome {
        Outcome::Done => acker.double_ack().await,
        Outcome::Retry => {
            let delay = RETRY_DELAY * u32::try_from(delivered).unwrap_or(1);
            acker.ack_with(AckKind::Nak(Some(delay))).await
        }
    };
    if let Err(error) = ack {
        // Not fatal: an unacknowledged job is redelivered and the handler is idempotent.
        tracing::warn!(%error, "acknowledging a job failed");
    }
}
