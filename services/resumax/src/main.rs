//! `resumax`: the one binary. `serve` runs any set of services in this process; the other
//! commands are one-shot tools that run the same code path in process.

mod cli;
mod node;
mod oneshot;
mod parse_cmd;
mod score_cmd;

use clap::Parser;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    // Two rustls providers are compiled in (ring via some dependencies, aws-lc-rs via others);
    // without a process default, building a TLS client config panics.
    let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
    resumax_telemetry::init();
    let cli = cli::Cli::parse();
    match cli::run(cli).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("resumax: {error:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
