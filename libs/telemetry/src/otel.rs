//! OpenTelemetry: OTLP/gRPC export of the `tracing` spans, and W3C trace context propagation
//! (`traceparent`, `tracestate`) across gRPC calls, NATS messages and queued jobs.
//!
//! Export is on only when `OTEL_EXPORTER_OTLP_ENDPOINT` (or `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`)
//! is set. Otherwise no OpenTelemetry layer is installed: spans carry no OpenTelemetry context,
//! [`trace_context`] returns an empty map without allocating and [`set_parent`] does nothing, so
//! the propagation calls spread through the services cost next to nothing.

use std::collections::HashMap;
use std::sync::Mutex;

use opentelemetry::propagation::TextMapPropagator;
use opentelemetry::trace::{TraceContextExt, TracerProvider as _};
use opentelemetry_otlp::WithExportConfig;
use opentelemetry_sdk::Resource;
use opentelemetry_sdk::propagation::TraceContextPropagator;
use opentelemetry_sdk::trace::SdkTracerProvider;
use tracing::Span;
use tracing_opentelemetry::OpenTelemetrySpanExt;
use tracing_subscriber::registry::LookupSpan;

/// W3C trace context headers (`traceparent`, and `tracestate` when there is one) as they travel
/// in gRPC metadata, NATS headers, HTTP headers and queued jobs. Empty: no trace to continue.
pub type TraceContext = HashMap<String, String>;

/// The header names a carrier must copy to propagate a trace, lowercase as HTTP/2 wants them.
pub const TRACE_CONTEXT_FIELDS: [&str; 2] = ["traceparent", "tracestate"];

/// Used when `OTEL_SERVICE_NAME` is not set: the one binary runs every service.
pub const DEFAULT_SERVICE_NAME: &str = "resumax";

/// The provider `init` installed, kept so [`shutdown`] can flush it at exit.
static PROVIDER: Mutex<Option<SdkTracerProvider>> = Mutex::new(None);

/// A tracer provider exporting batches over OTLP/gRPC to `endpoint` (`http://collector:4317`);
/// `None` lets the exporter read `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` / `OTEL_EXPORTER_OTLP_ENDPOINT`
/// (and their `_HEADERS`, `_TIMEOUT`). Must be called inside a Tokio runtime: the tonic channel
/// spawns its connection task there.
pub fn otlp_tracer_provider(
    endpoint: Option<&str>,
    service_name: &str,
) -> Result<SdkTracerProvider, opentelemetry_otlp::ExporterBuildError> {
    let mut exporter = opentelemetry_otlp::SpanExporter::builder().with_tonic();
    if let Some(endpoint) = endpoint {
        exporter = exporter.with_endpoint(endpoint);
    }
    Ok(SdkTracerProvider::builder()
        .with_batch_exporter(exporter.build()?)
        .with_resource(Resource::builder().with_service_name(service_name.to_string()).build())
        .build())
}

/// The `tracing` layer that turns spans into OpenTelemetry spans of `provider`.
pub fn layer<S>(
    provider: &SdkTracerProvider,
) -> tracing_opentelemetry::OpenTelemetryLayer<S, opentelemetry_sdk::trace::Tracer>
where
    S: tracing::Subscriber + for<'span> LookupSpan<'span>,
{
    tracing_opentelemetry::layer().with_tracer(provider.tracer("resumax"))
}

/// The OTLP endpoint from the environment, if export is wanted.
pub(crate) fn endpoint_from_env() -> Option<String> {
    ["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "OTEL_EXPORTER_OTLP_ENDPOINT"]
        .into_iter()
        .filter_map(|name| std::env::var(name).ok())
        .find(|value| !value.trim().is_empty())
}

pub(crate) fn service_name_from_env() -> String {
    std::env::var("OTEL_SERVICE_NAME")
        .ok()
        .filter(|name| !name.trim().is_empty())
        .unwrap_or_else(|| DEFAULT_SERVICE_NAME.to_string())
}

pub(crate) fn keep_provider(provider: SdkTracerProvider) {
    *PROVIDER.lock().unwrap_or_else(|poisoned| poisoned.into_inner()) = Some(provider);
}

/// Exports the spans still buffered and stops the exporter; the binary calls it once at exit.
/// Blocks until the export is done (bounded by the exporter's timeout), so call it from a
/// blocking context (`spawn_blocking`) when a current-thread runtime drives the gRPC channel.
/// Does nothing when export is off.
pub fn shutdown() {
    let provider = PROVIDER.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).take();
    if let Some(provider) = provider
        && let Err(error) = provider.shutdown()
    {
        // The subscriber may already be gone at exit, so say it where it is always seen.
        eprintln!("resumax: exporting the last traces failed: {error}");
    }
}

/// The W3C trace context of `span`, to hand to whatever continues its work elsewhere. Empty when
/// export is off or the span is disabled.
pub fn trace_context(span: &Span) -> TraceContext {
    let mut carrier = TraceContext::new();
    let context = span.context();
    // Without the OpenTelemetry layer the context holds no span: skip the propagator entirely.
    if context.span().span_context().is_valid() {
        TraceContextPropagator::new().inject_context(&context, &mut carrier);
    }
    carrier
}

/// [`trace_context`] of the current span.
pub fn current_trace_context() -> TraceContext {
    trace_context(&Span::current())
}

/// The trace context found in a carrier's headers, `get` looking one header up by its lowercase
/// name (HTTP headers, gRPC metadata, NATS headers).
pub fn trace_context_from<'a>(mut get: impl FnMut(&str) -> Option<&'a str>) -> TraceContext {
    TRACE_CONTEXT_FIELDS
        .iter()
        .filter_map(|field| Some((field.to_string(), get(field)?.to_string())))
        .collect()
}

/// Makes the remote span described by `context` the parent of `span`, so `span` joins the
/// caller's trace. Call it right after creating `span`, before it is first entered. An empty or
/// malformed context leaves `span` as it is (a root, or the child of the current span).
pub fn set_parent(span: &Span, context: &TraceContext) {
    if context.is_empty() {
        return;
    }
    let parent = TraceContextPropagator::new().extract(context);
    if parent.span().span_context().is_valid() {
        // Fails only when export is off (no layer) or the span already started: both harmless.
        let _ = span.set_parent(parent);
    }
}

/// The trace id of `span` as 32 hex digits, e.g. to put in a log line or to compare in a test.
pub fn trace_id(span: &Span) -> Option<String> {
    let context = span.context();
    let span_context = context.span().span_context().clone();
    span_context.is_valid().then(|| span_context.trace_id().to_string())
}

/// The span id of `span` as 16 hex digits.
pub fn span_id(span: &Span) -> Option<String> {
    let context = span.context();
    let span_context = context.span().span_context().clone();
    span_context.is_valid().then(|| span_context.span_id().to_string())
}

/// For tests of crates that propagate traces: spans get real OpenTelemetry ids without anything
/// being exported.
pub mod testing {
    use tracing_subscriber::layer::SubscriberExt;

    /// Installs, for the current thread until the guard drops, a subscriber whose spans carry
    /// OpenTelemetry trace and span ids. Use a current-thread runtime so that every task of the
    /// test runs under it.
    pub fn trace_ids_for_this_thread() -> tracing::subscriber::DefaultGuard {
        // No exporter: the provider still samples and assigns ids, which is all propagation needs.
        let provider = opentelemetry_sdk::trace::SdkTracerProvider::builder().build();
        let subscriber = tracing_subscriber::registry().with(super::layer(&provider));
        tracing::subscriber::set_default(subscriber)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_span_context_survives_inject_and_extract() {
        let _guard = testing::trace_ids_for_this_thread();
        let caller = tracing::info_span!("caller");
        let carried = trace_context(&caller);
        let traceparent = &carried["traceparent"];
        // version - trace id - parent span id - flags (sampled)
        let expected = format!("00-{}-{}-01", trace_id(&caller).unwrap(), span_id(&caller).unwrap());
        assert_eq!(traceparent, &expected);

        // A fresh span with no contextual parent joins the caller's trace once its parent is set.
        let callee = tracing::info_span!(parent: None, "callee");
        set_parent(&callee, &carried);
        assert_eq!(trace_id(&callee), trace_id(&caller));
        assert_ne!(span_id(&callee), span_id(&caller));
        let passed_on = trace_context(&callee);
        assert!(passed_on["traceparent"].starts_with(&format!("00-{}-", trace_id(&caller).unwrap())));

        // tracestate rides along untouched.
        let mut with_state = carried.clone();
        with_state.insert("tracestate".into(), "vendor=abc".into());
        let other = tracing::info_span!(parent: None, "other");
        set_parent(&other, &with_state);
        assert_eq!(trace_context(&other)["tracestate"], "vendor=abc");
    }

    #[test]
    fn empty_or_malformed_contexts_leave_the_span_a_root() {
        let _guard = testing::trace_ids_for_this_thread();
        let reference = tracing::info_span!("reference");
        for context in [
            TraceContext::new(),
            TraceContext::from([("traceparent".to_string(), "not-a-traceparent".to_string())]),
            // An all-zero trace id is invalid by the W3C spec.
            TraceContext::from([(
                "traceparent".to_string(),
                "00-00000000000000000000000000000000-0000000000000000-01".to_string(),
            )]),
        ] {
            let span = tracing::info_span!(parent: None, "root");
            set_parent(&span, &context);
            let id = trace_id(&span).expect("a root span has its own trace");
            assert_ne!(Some(id), trace_id(&reference));
        }
    }

    #[test]
    fn without_the_layer_nothing_is_propagated() {
        let _guard = tracing::subscriber::set_default(tracing_subscriber::registry());
        let span = tracing::info_span!("plain");
        assert!(trace_context(&span).is_empty());
        assert_eq!(trace_id(&span), None);
        // A caller's context is simply ignored.
        set_parent(
            &span,
            &TraceContext::from([(
                "traceparent".to_string(),
                "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01".to_string(),
            )]),
        );
        assert_eq!(trace_id(&span), None);
    }
}
