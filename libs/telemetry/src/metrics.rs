//! The process's Prometheus metrics, one registry for every service in it, rendered on `/metrics`.
//!
//! Services record through the small functions here, so label names stay consistent and no crate
//! needs to know the metrics library.

use std::sync::LazyLock;
use std::time::Duration;

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct HttpLabels {
    method: String,
    route: String,
    status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct StageLabels {
    job: String,
    stage: String,
    outcome: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ProviderLabels {
    provider: String,
    outcome: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct TokenLabels {
    provider: String,
    kind: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct QueueLabels {
    subject: String,
}

struct Metrics {
    registry: Registry,
    http_requests: Family<HttpLabels, Histogram>,
    job_stages: Family<StageLabels, Histogram>,
    provider_calls: Family<ProviderLabels, Counter>,
    tokens: Family<TokenLabels, Counter>,
    queue_depth: Family<QueueLabels, Gauge>,
}

fn seconds_histogram() -> Histogram {
    // 1 ms .. ~65 s.
    Histogram::new(exponential_buckets(0.001, 2.0, 17))
}

static METRICS: LazyLock<Metrics> = LazyLock::new(|| {
    let mut registry = Registry::with_prefix("resumax");
    let http_requests =
        Family::<HttpLabels, Histogram>::new_with_constructor(seconds_histogram as fn() -> Histogram);
    let job_stages =
        Family::<StageLabels, Histogram>::new_with_constructor(seconds_histogram as fn() -> Histogram);
    let provider_calls = Family::<ProviderLabels, Counter>::default();
    let tokens = Family::<TokenLabels, Counter>::default();
    let queue_depth = Family::<QueueLabels, Gauge>::default();
    registry.register("http_request_duration_seconds", "REST request latency", http_requests.clone());
    registry.register("job_stage_duration_seconds", "time spent in each stage of a job", job_stages.clone());
    registry.register("provider_calls", "AI provider calls by outcome", provider_calls.clone());
    registry.register("provider_tokens", "tokens used by AI providers", tokens.clone());
    registry.register("queue_depth", "jobs waiting in the queue, per subject", queue_depth.clone());
    Metrics { registry, http_requests, job_stages, provider_calls, tokens, queue_depth }
});

/// One REST request; `route` is the matched route template (`/resumes/{id}`), never the raw path,
/// so ids do not explode the label set.
pub fn record_http(method: &str, route: &str, status: u16, elapsed: Duration) {
    let labels = HttpLabels { method: method.to_string(), route: route.to_string(), status };
    METRICS.http_requests.get_or_create(&labels).observe(elapsed.as_secs_f64());
}

/// One stage of a job (`job` = parse or optimize; `stage` = e.g. load, score, generate, store).
pub fn record_stage(job: &str, stage: &str, outcome: &str, elapsed: Duration) {
    let labels = StageLabels { job: job.to_string(), stage: stage.to_string(), outcome: outcome.to_string() };
    METRICS.job_stages.get_or_create(&labels).observe(elapsed.as_secs_f64());
}

/// One provider call (`outcome` = ok, timeout, throttled, error, invalid_output).
pub fn record_provider_call(provider: &str, outcome: &str) {
    let labels = ProviderLabels { provider: provider.to_string(), outcome: outcome.to_string() };
    METRICS.provider_calls.get_or_create(&labels).inc();
}

pub fn record_tokens(provider: &str, prompt: u64, completion: u64) {
    for (kind, count) in [("prompt", prompt), ("completion", completion)] {
        let labels = TokenLabels { provider: provider.to_string(), kind: kind.to_string() };
        METRICS.tokens.get_or_create(&labels).inc_by(count);
    }
}

pub fn set_queue_depth(subject: &str, depth: u64) {
    let labels = QueueLabels { subject: subject.to_string() };
    METRICS.queue_depth.get_or_create(&labels).set(i64::try_from(depth).unwrap_or(i64::MAX));
}

/// The registry in the Prometheus text format.
pub fn render() -> String {
    let mut text = String::new();
    // Writing into a String cannot fail.
    let _ = prometheus_client::encoding::text::encode(&mut text, &METRICS.registry);
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recorded_values_are_rendered_with_their_labels() {
        record_http("GET", "/resumes/{id}", 200, Duration::from_millis(3));
        record_stage("optimize", "generate", "ok", Duration::from_millis(40));
        record_provider_call("offline", "ok");
        record_tokens("openai", 120, 30);
        set_queue_depth("resumax.jobs.optimize", 7);
        let text = render();
        assert!(text.contains(r#"resumax_http_request_duration_seconds_count{method="GET",route="/resumes/{id}",status="200"} 1"#), "{text}");
        assert!(
            text.contains(r#"resumax_provider_calls_total{provider="offline",outcome="ok"} 1"#),
            "{text}"
        );
        assert!(
            text.contains(r#"resumax_provider_tokens_total{provider="openai",kind="prompt"} 120"#),
            "{text}"
        );
        assert!(text.contains(r#"resumax_queue_depth{subject="resumax.jobs.optimize"} 7"#), "{text}");
        assert!(text.contains("resumax_job_stage_duration_seconds_bucket"), "{text}");
    }
}
