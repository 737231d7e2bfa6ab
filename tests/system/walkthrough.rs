//! The README's walk-through and gRPC blocks, run as written with bash against a fresh node.

use std::path::Path;
use std::process::Command;

use crate::helpers::{BIN, Backends, Node, corpus, temp_dir};

const README: &str = include_str!("../../README.md");

/// The first ```sh block after `heading`.
fn block_after(heading: &str) -> &'static str {
    let section = README.split_once(heading).unwrap_or_else(|| panic!("README has no {heading:?}")).1;
    let start = section.find("```sh\n").expect("a sh block") + "```sh\n".len();
    let end = section[start..].find("\n```").expect("the block ends") + start;
    &section[start..end]
}

/// Every tool is on PATH, or `false` (a skip) outside CI: under `CI=true` a missing one fails.
fn have(tools: &[&str]) -> bool {
    for tool in tools {
        let found = Command::new("sh")
            .args(["-c", &format!("command -v {tool}")])
            .output()
            .is_ok_and(|o| o.status.success());
        if !found {
            assert!(std::env::var("CI").as_deref() != Ok("true"), "{tool} is required under CI=true");
            eprintln!("skip: {tool} is not installed");
            return false;
        }
    }
    true
}

fn bash(script: &str, dir: &Path, env: &[(&str, &str)]) -> String {
    let output = Command::new("bash")
        .args(["-euo", "pipefail", "-c", script])
        .current_dir(dir)
        .envs(env.iter().copied())
        .env_remove("RUST_LOG")
        .output()
        .expect("run bash");
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.success(),
        "the README block failed:\n{script}\nstdout:\n{stdout}\nstderr:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    stdout
}

#[tokio::test]
async fn the_readme_walk_through_runs_from_token_to_download() {
    if !have(&["curl", "jq"]) {
        return;
    }
    let dir = temp_dir();
    let node = Node::start(dir.path(), &Backends::embedded(), &[]).await;
    let work = temp_dir();
    let corpus_dir = corpus("");
    let data_dir = node.data_dir.display().to_string();
    let out = bash(
        block_after("### Walk-through"),
        work.path(),
        &[
            ("API", node.base.as_str()),
            ("CORPUS", corpus_dir.to_str().unwrap()),
            ("RESUMAX", BIN),
            // The token is signed with the key of the node's data directory.
            ("RESUMAX_DATA_DIR", data_dir.as_str()),
        ],
    );
    assert!(out.contains("\"alignmentScore\"") && out.contains("\"changeId\""), "{out}");
    assert!(out.contains("\"versionId\""), "{out}");
    let pdf =
        std::fs::read(work.path().join("optimized.pdf")).expect("the walk-through downloads optimized.pdf");
    assert!(pdf.starts_with(b"%PDF-"), "optimized.pdf is not a PDF");
}

#[tokio::test]
async fn grpcurl_lists_every_resumax_service_through_reflection() {
    if !have(&["grpcurl"]) {
        return;
    }
    // grpcurl 1.8 speaks only the v1alpha reflection protocol; newer ones try v1 first.
    let version = Command::new("grpcurl").arg("-version").output().expect("grpcurl -version");
    let version =
        String::from_utf8_lossy(&version.stdout).to_string() + &String::from_utf8_lossy(&version.stderr);
    eprintln!("using {}", version.trim());
    let dir = temp_dir();
    let node = Node::start(dir.path(), &Backends::embedded(), &[]).await;
    let work = temp_dir();
    let out = bash(block_after("### gRPC"), work.path(), &[("GRPC", node.grpc_addr.as_str())]);
    let listed: Vec<&str> =
        out.lines().take_while(|l| !l.starts_with("resumax.scoring.v1.ScoringService is")).collect();
    for service in [
        "resumax.gateway.v1.GatewayService",
        "resumax.parsing.v1.ParsingService",
        "resumax.scoring.v1.ScoringService",
        "resumax.optimization.v1.OptimizationService",
        "resumax.export.v1.ExportService",
        "grpc.health.v1.Health",
    ] {
        assert!(listed.contains(&service), "grpcurl list does not show {service}:\n{out}");
    }
    assert!(out.contains("rpc Score"), "describe shows the scoring methods:\n{out}");
    assert!(out.contains("\"SERVING\""), "health check:\n{out}");
}
