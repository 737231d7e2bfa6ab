//! `resumax`: the one binary. `serve` runs any set of services in this process; the other
//! commands are one-shot tools that run the same code path in process.

mod cli;
mod node;
mod oneshot;
mod parse_cmd;
mod report;
mod score_cmd;

use clap::Parser;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    // Two rustls providers are compiled in (ring via some dependencies, aws-lc-rs via others);
    // without a process default, building a TLS client config panics.
    let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
    let cli = cli::Cli::parse();
    resumax_telemetry::init_with(cli.default_log_filter());
    let result = cli::run(cli).await;
    // Spans still buffered go to the collector before the process ends. The flush blocks until
    // exported, so it runs off the runtime's threads, which drive the exporter's gRPC channel.
    let _ = tokio::task::spawn_blocking(resumax_telemetry::shutdown).await;
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("resumax: {error:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
