//! Tracing setup shared by every process (human-readable logs, or JSON lines with
//! `RESUMAX_LOG_FORMAT=json`, filtered by `RUST_LOG`, default `info`), and the Prometheus metrics.

pub mod metrics;

use tracing_subscriber::EnvFilter;

/// Installs the global subscriber; safe to call more than once (later calls are ignored), which
/// keeps tests that start several nodes in one process simple.
pub fn init() {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn"));
    let json = std::env::var("RESUMAX_LOG_FORMAT").is_ok_and(|v| v == "json");
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr);
    let _ = if json { builder.json().try_init() } else { builder.try_init() };
}
