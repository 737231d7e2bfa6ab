//! The pool of parse children, with the real `resumax parse-child` processes: a child killed in
//! the middle of a parse, past its CPU allowance or past the deadline costs that parse only; a
//! new child takes its place and the next parse succeeds.

use std::sync::Arc;
use std::time::Duration;

use resumax_core::ErrorCode;
use resumax_document::Limits;
use resumax_parsing::pool::{ChildLimits, ParsePool, Parser, PoolConfig};

const RESUME: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/corpus/resumes/resume_033.pdf");

#[path = "../../../tests/system/fixtures.rs"]
mod fixtures;
use fixtures::slow_pdf;

fn pool(children: usize, timeout: Duration, budget: Limits, cpu_seconds: u64) -> Arc<ParsePool> {
    ParsePool::start(PoolConfig {
        program: env!("CARGO_BIN_EXE_resumax").into(),
        children,
        timeout,
        child: ChildLimits { budget, memory_bytes: 2048 * 1024 * 1024, cpu_seconds },
    })
    .expect("pool starts")
}

/// A budget that lets the slow file run until something else stops it.
fn unbounded() -> Limits {
    Limits {
        operators: u64::MAX,
        xobjects: u64::MAX,
        inflated_bytes: 128 * 1024 * 1024,
        objects: u64::MAX,
        pages: u64::MAX,
    }
}

async fn a_resume_parses(parser: &Parser) {
    let bytes = std::fs::read(RESUME).expect("corpus resume");
    let json = parser.parse_resume(bytes).await.expect("the next parse succeeds");
    assert!(json.contains("\"sections\""), "{json}");
}

#[tokio::test]
async fn a_child_killed_mid_parse_is_replaced_and_the_next_parse_succeeds() {
    let pool = pool(1, Duration::from_secs(300), unbounded(), 300);
    let parser = Parser::Pool(pool.clone());
    let parse = tokio::spawn({
        let parser = parser.clone();
        async move { parser.parse_resume(slow_pdf().to_vec()).await }
    });
    let pid = loop {
        if let Some(pid) = pool.busy_children().first() {
            break *pid;
        }
        assert!(!parse.is_finished(), "the parse ended before its child was seen busy");
        tokio::time::sleep(Duration::from_millis(2)).await;
    };
    let killed = std::process::Command::new("kill").args(["-9", &pid.to_string()]).status().expect("kill");
    assert!(killed.success());
    let error = parse.await.expect("joined").expect_err("the killed parse fails");
    assert_eq!(error.code, ErrorCode::ParseFailed);
    assert!(error.message.contains("could not be read"), "{}", error.message);

    a_resume_parses(&parser).await;
    assert!(!pool.busy_children().contains(&pid));
}

#[tokio::test]
async fn a_child_past_its_cpu_allowance_is_ended_by_the_os_and_replaced() {
    let parser = Parser::Pool(pool(1, Duration::from_secs(300), unbounded(), 1));
    let error = parser.parse_resume(slow_pdf().to_vec()).await.expect_err("SIGXCPU ends the child");
    assert_eq!(error.code, ErrorCode::ParseFailed);
    assert!(error.message.contains("could not be read"), "{}", error.message);
    a_resume_parses(&parser).await;
}

#[tokio::test]
async fn a_parse_past_its_deadline_ends_and_the_pool_keeps_parsing() {
    let parser = Parser::Pool(pool(1, Duration::from_millis(300), unbounded(), 300));
    let error = parser.parse_resume(slow_pdf().to_vec()).await.expect_err("the deadline ends the parse");
    assert_eq!(error.code, ErrorCode::ParseFailed);
    // The child's budget stops it at the deadline, or the pool kills it just after.
    let message = &error.message;
    assert!(message.contains("too complex") || message.contains("too long"), "{message}");
    a_resume_parses(&parser).await;
}

#[tokio::test]
async fn a_hostile_file_under_the_default_budget_answers_too_complex_from_the_child() {
    let parser = Parser::Pool(pool(2, Duration::from_secs(60), Limits::default(), 60));
    let error = parser.parse_resume(slow_pdf().to_vec()).await.expect_err("too complex");
    assert_eq!(error.code, ErrorCode::ParseFailed);
    assert!(error.message.contains("too complex"), "{}", error.message);
    a_resume_parses(&parser).await;
}
