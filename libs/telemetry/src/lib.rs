//! Tracing setup shared by every process (human-readable logs, or JSON lines with
//! `RESUMAX_LOG_FORMAT=json`, filtered by `RUST_LOG`, default `info`), OpenTelemetry traces over
//! OTLP/gRPC when `OTEL_EXPORTER_OTLP_ENDPOINT` is set (see [`otel`]), and the Prometheus metrics.

pub mod metrics;
pub mod otel;

pub use otel::{TraceContext, current_trace_context, set_parent, shutdown, trace_context, trace_id};

use tracing_subscriber::EnvFilter;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;

/// Installs the global subscriber; safe to call more than once (later calls are ignored), which
/// keeps tests that start several nodes in one process simple. With an OTLP endpoint configured
/// it must run inside a Tokio runtime, and the binary calls [`shutdown`] at exit.
pub fn init() {
    init_with(DEFAULT_FILTER)
}

/// The filter of a server. lopdf warns (with a dump of the font) about every odd font encoding
/// it falls back from, which real-world PDFs have plenty of; our own extractor handles them.
pub const DEFAULT_FILTER: &str = "info,sqlx=warn,lopdf=error";

/// Like [`init`], with the filter to use when `RUST_LOG` is not set.
pub fn init_with(default_filter: &str) {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(default_filter));
    let json = std::env::var("RESUMAX_LOG_FORMAT").is_ok_and(|v| v == "json");
    // One of the two is installed; `Option` layers keep the subscriber's type the same either way.
    let text_logs = (!json).then(|| tracing_subscriber::fmt::layer().with_writer(std::io::stderr));
    let json_logs = json.then(|| tracing_subscriber::fmt::layer().json().with_writer(std::io::stderr));

    // The provider is built only when export is wanted: no endpoint, no layer, no cost.
    let (provider, export_error) = match otel::endpoint_from_env() {
        None => (None, None),
        Some(_) => match otel::otlp_tracer_provider(None, &otel::service_name_from_env()) {
            Ok(provider) => (Some(provider), None),
            Err(error) => (None, Some(error)),
        },
    };
    let export = provider.as_ref().map(otel::layer);
    let installed = tracing_subscriber::registry()
        .with(filter)
        .with(text_logs)
        .with(json_logs)
        .with(export)
        .try_init()
        .is_ok();
    if let Some(error) = export_error {
        // Traces are an aid, not a reason to refuse to start.
        tracing::warn!(%error, "OTEL_EXPORTER_OTLP_ENDPOINT is set but the exporter failed; traces are off");
    }
    match provider {
        Some(provider) if installed => {
            tracing::info!(service = %otel::service_name_from_env(), "exporting traces over OTLP/gRPC");
            otel::keep_provider(provider);
        }
        // Another subscriber was installed first: this provider would never see a span.
        Some(provider) => {
            let _ = provider.shutdown();
        }
        None => {}
    }
}
