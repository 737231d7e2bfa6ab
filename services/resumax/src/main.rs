//! `resumax`: the one binary. `serve` runs any set of services in this process; the other
//! commands are one-shot tools that run the same code path in process.

mod cli;
mod node;
mod oneshot;
mod parse_cmd;
mod report;
mod score_cmd;
mod web;

use clap::Parser;

fn main() -> std::process::ExitCode {
    let cli = cli::Cli::parse();
    // A parse child is single-threaded and runs no runtime or telemetry: its OS limits bound
    // the parse alone, and its stdout carries only protocol frames.
    if let Some(limits) = cli.parse_child() {
        let served = resumax_parsing::pool::ChildLimits::from_arg(limits)
            .map_err(std::io::Error::other)
            .and_then(resumax_parsing::pool::serve_child);
        return match served {
            Ok(()) => std::process::ExitCode::SUCCESS,
            Err(error) => {
                eprintln!("resumax parse-child: {error}");
                std::process::ExitCode::FAILURE
            }
        };
    }
    match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(runtime) => runtime.block_on(serve(cli)),
        Err(error) => {
            eprintln!("resumax: starting the runtime: {error}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn serve(cli: cli::Cli) -> std::process::ExitCode {
    // Two rustls providers are compiled in (ring via some dependencies, aws-lc-rs via others);
    // without a process default, building a TLS client config panics.
    let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
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
