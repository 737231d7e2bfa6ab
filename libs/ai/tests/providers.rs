//! The provider chain against fake OpenAI and Anthropic servers: real HTTP servers on loopback
//! that answer in the providers' wire formats, including their error bodies, 429 with
//! Retry-After, 5xx and slow responses. Waits go through a manual clock, so no test sleeps.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use resumax_ai::{
    AiConfig, BreakerSettings, ChainOutcome, CircuitState, EndpointConfig, ManualClock, ProviderChain,
    Resilience, RewriteRequest,
};
use resumax_core::ErrorCode;
use resumax_core::job_description::ParsedJobDescription;
use resumax_core::optimization::{Strategy, SuggestionTarget};
use resumax_core::resume::{Contact, Entry, ParsedResume, Section, SectionKind};
use resumax_core::score::MatchReport;
use serde_json::{Value, json};

const OPENAI_PATH: &str = "/v1/chat/completions";
const ANTHROPIC_PATH: &str = "/v1/messages";

enum Reply {
    Status(u16, Vec<(&'static str, &'static str)>, String),
    /// Answers only after this long (longer than the call timeout).
    Slow(Duration),
    /// Answers with the reply after this long (a slow model that does answer).
    Late(Duration, Box<Reply>),
}

#[derive(Default)]
struct Fake {
    replies: Mutex<HashMap<String, VecDeque<Reply>>>,
    requests: Mutex<Vec<(String, HeaderMap, Value)>>,
    /// Each request body exactly as it came over the wire.
    raw_bodies: Mutex<Vec<String>>,
}

impl Fake {
    fn script(&self, path: &str, replies: Vec<Reply>) {
        self.replies.lock().unwrap().entry(path.to_string()).or_default().extend(replies);
    }
    fn requests(&self, path: &str) -> Vec<(HeaderMap, Value)> {
        self.requests
            .lock()
            .unwrap()
            .iter()
            .filter(|r| r.0 == path)
            .map(|r| (r.1.clone(), r.2.clone()))
            .collect()
    }
}

async fn handle(State(fake): State<Arc<Fake>>, uri: Uri, headers: HeaderMap, body: Bytes) -> Response {
    let path = uri.path().to_string();
    fake.raw_bodies.lock().unwrap().push(String::from_utf8_lossy(&body).into_owned());
    let body: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    fake.requests.lock().unwrap().push((path.clone(), headers, body));
    let mut reply = fake.replies.lock().unwrap().get_mut(&path).and_then(VecDeque::pop_front);
    if let Some(Reply::Late(delay, _)) = &reply {
        tokio::time::sleep(*delay).await;
        reply = match reply {
            Some(Reply::Late(_, inner)) => Some(*inner),
            other => other,
        };
    }
    match reply {
        Some(Reply::Status(code, headers, body)) => {
            let mut response = (StatusCode::from_u16(code).unwrap(), body).into_response();
            response.headers_mut().insert("content-type", "application/json".parse().unwrap());
            for (k, v) in headers {
                response.headers_mut().insert(k, v.parse().unwrap());
            }
            response
        }
        Some(Reply::Slow(d)) => {
            tokio::time::sleep(d).await;
            (StatusCode::OK, "{}").into_response()
        }
        Some(Reply::Late(..)) => unreachable!("a late reply is unwrapped above"),
        None => {
            (StatusCode::INTERNAL_SERVER_ERROR, format!("no scripted reply left for {path}")).into_response()
        }
    }
}

async fn spawn(fake: Arc<Fake>) -> String {
    let app = Router::new().fallback(handle).with_state(fake);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    format!("http://{addr}")
}

// --- the providers' wire formats ---------------------------------------------------------------

fn rewrites() -> Value {
    json!({"rewrites": [{
        "target": "1.0.1",
        "section": "experience",
        "change_type": "strengthened",
        "suggested": "Contributed to the billing API in Go",
        "reason": "Opens with a stronger verb."
    }]})
}

fn openai_ok(content: &str) -> Reply {
    openai_ok_from("gpt-4o-mini-2024-07-18", content)
}

fn openai_ok_from(model: &str, content: &str) -> Reply {
    let body = json!({
        "id": "chatcmpl-9x", "object": "chat.completion", "created": 1_733_000_000,
        "model": model,
        "choices": [{"index": 0, "message": {"role": "assistant", "content": content, "refusal": null},
                     "logprobs": null, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": 812, "completion_tokens": 64, "total_tokens": 876},
        "system_fingerprint": "fp_1"
    });
    Reply::Status(200, vec![], body.to_string())
}

fn openai_429() -> Reply {
    let body = json!({"error": {"message": "Rate limit reached for gpt-4o-mini in organization org-x on requests per min (RPM): Limit 3, Used 3, Requested 1. Please try again in 2s.",
                                "type": "requests", "param": null, "code": "rate_limit_exceeded"}});
    Reply::Status(429, vec![("retry-after", "2")], body.to_string())
}

fn openai_500() -> Reply {
    let body = json!({"error": {"message": "The server had an error while processing your request. Sorry about that!",
                                "type": "server_error", "param": null, "code": null}});
    Reply::Status(500, vec![], body.to_string())
}

fn openai_401() -> Reply {
    let body = json!({"error": {"message": "Incorrect API key provided: sk-test. You can find your API key at https://platform.openai.com/account/api-keys.",
                                "type": "invalid_request_error", "param": null, "code": "invalid_api_key"}});
    Reply::Status(401, vec![], body.to_string())
}

fn anthropic_ok(input: Value) -> Reply {
    let body = json!({
        "id": "msg_01XFDUDYJgAACzvnptvVoYEL", "type": "message", "role": "assistant",
        "model": "claude-3-5-haiku-20241022",
        "content": [{"type": "tool_use", "id": "toolu_01A09q90qw90lq917835lq9", "name": "submit_rewrites", "input": input}],
        "stop_reason": "tool_use", "stop_sequence": null,
        "usage": {"input_tokens": 930, "output_tokens": 71}
    });
    Reply::Status(200, vec![], body.to_string())
}

fn anthropic_429() -> Reply {
    let body = json!({"type": "error", "error": {"type": "rate_limit_error", "message": "Number of request tokens has exceeded your per-minute rate limit"}});
    Reply::Status(429, vec![("retry-after", "1")], body.to_string())
}

fn anthropic_529() -> Reply {
    let body = json!({"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}});
    Reply::Status(529, vec![], body.to_string())
}

// --- a small resume ----------------------------------------------------------------------------

fn request() -> RewriteRequest {
    let resume = ParsedResume {
        contact: Contact { name: Some("Ada Example".into()), ..Contact::default() },
        tagline: None,
        sections: vec![
            Section {
                kind: SectionKind::Summary,
                heading: "Summary".into(),
                entries: vec![Entry { lines: vec!["Backend engineer who likes reliable systems.".into()], ..Entry::default() }],
                skills: vec![],
            },
            Section {
                kind: SectionKind::Experience,
                heading: "Experience".into(),
                entries: vec![Entry {
                    organization: Some("Initech".into()),
                    title: Some("Software Engineer".into()),
                    date_text: Some("Jan 2019 - Present".into()),
                    header_lines: vec!["Initech".into(), "Software Engineer".into()],
                    lines: vec![
                        "Responsible for managing Postgres clusters for 40 services".into(),
                        "Worked on the billing API in Go".into(),
                    ],
                    ..Entry::default()
                }],
                skills: vec![],
            },
            Section { kind: SectionKind::Skills, heading: "Skills".into(), entries: vec![], skills: vec!["Go".into(), "Kafka".into()] },
        ],
        text: "Ada Example\nInitech\nSoftware Engineer\nJan 2019 - Present\nResponsible for managing Postgres clusters for 40 services\nWorked on the billing API in Go\nGo, Kafka".into(),
        warnings: vec![],
    };
    RewriteRequest {
        resume,
        job: ParsedJobDescription {
            title: Some("Backend Engineer".into()),
            company: Some("Globex".into()),
            required_skills: vec!["Go".into(), "Kafka".into()],
            sanitized_text: "Backend Engineer at Globex. Go and Kafka required.".into(),
            ..ParsedJobDescription::default()
        },
        report: MatchReport {
            alignment_score: 60,
            breakdown: vec![],
            matched_keywords: vec![],
            missing_keywords: vec![],
            recommendations: vec![],
        },
        strategy: Strategy::Default,
    }
}

struct Setup {
    fake: Arc<Fake>,
    clock: Arc<ManualClock>,
    chain: ProviderChain,
}

fn resilience(clock: &Arc<ManualClock>) -> Resilience {
    Resilience {
        call_timeout: Duration::from_millis(300),
        base_delay: Duration::from_millis(100),
        max_delay: Duration::from_secs(2),
        clock: clock.clone(),
        ..Resilience::default()
    }
}

async fn setup(providers: &[&str], tune: impl FnOnce(&mut AiConfig)) -> Setup {
    let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
    let fake = Arc::new(Fake::default());
    let base = spawn(fake.clone()).await;
    let clock = Arc::new(ManualClock::default());
    let mut config = AiConfig {
        providers: providers.iter().map(|p| p.to_string()).collect(),
        openai: EndpointConfig {
            api_key: Some("sk-test".into()),
            base_url: Some(format!("{base}/v1")),
            model: Some("gpt-4o-mini".into()),
        },
        anthropic: EndpointConfig {
            api_key: Some("ak-test".into()),
            base_url: Some(base.clone()),
            model: Some("claude-3-5-haiku-latest".into()),
        },
        resilience: resilience(&clock),
    };
    tune(&mut config);
    let chain = ProviderChain::from_config(&config).expect("valid config");
    Setup { fake, clock, chain }
}

/// Any test that hangs fails here instead of stalling the suite.
async fn bounded<T>(f: impl std::future::Future<Output = T>) -> T {
    tokio::time::timeout(Duration::from_secs(30), f).await.expect("the test hung")
}

fn outcomes(attempts: &[resumax_ai::Attempt]) -> Vec<String> {
    attempts.iter().map(|a| format!("{}:{}", a.provider, a.outcome)).collect()
}

fn assert_rewrite_kept(outcome: &ChainOutcome) {
    assert_eq!(outcome.suggestions.len(), 1, "{outcome:#?}");
    let s = &outcome.suggestions[0];
    assert_eq!(s.original, "Worked on the billing API in Go", "the original comes from the resume");
    assert_eq!(s.suggested, "Contributed to the billing API in Go");
    assert!(matches!(s.target, SuggestionTarget::Line { .. }) && !s.uncertain);
}

#[tokio::test]
async fn openai_success_with_a_strict_json_schema() {
    let s = setup(&["openai"], |_| {}).await;
    s.fake.script(OPENAI_PATH, vec![openai_ok(&rewrites().to_string())]);
    let outcome = bounded(s.chain.run(&request())).await.expect("success");
    assert_eq!(outcome.provider, "openai");
    assert_eq!(outcome.model, "gpt-4o-mini-2024-07-18");
    assert_eq!((outcome.usage.prompt_tokens, outcome.usage.completion_tokens), (812, 64));
    assert!(outcome.estimated_cost_usd > 0.0);
    assert_eq!(outcome.template_version, "rewrite/v2");
    assert_eq!(outcomes(&outcome.attempts), ["openai:ok"]);
    assert_rewrite_kept(&outcome);

    let sent = s.fake.requests(OPENAI_PATH);
    let (headers, body) = &sent[0];
    assert_eq!(headers["authorization"], "Bearer sk-test");
    assert_eq!(body["model"], "gpt-4o-mini");
    assert_eq!(body["response_format"]["type"], "json_schema");
    assert_eq!(body["response_format"]["json_schema"]["strict"], true);
    assert_eq!(body["response_format"]["json_schema"]["schema"], *resumax_ai::schema::response_schema());
    assert_eq!(body["messages"][0]["role"], "system");
    assert!(
        body["messages"][1]["content"].as_str().unwrap().contains("[1.0.1] Worked on the billing API in Go")
    );
}

#[tokio::test]
async fn anthropic_success_with_one_forced_tool() {
    let s = setup(&["anthropic"], |_| {}).await;
    s.fake.script(ANTHROPIC_PATH, vec![anthropic_ok(rewrites())]);
    let outcome = bounded(s.chain.run(&request())).await.expect("success");
    assert_eq!(
        (outcome.provider.as_str(), outcome.model.as_str()),
        ("anthropic", "claude-3-5-haiku-20241022")
    );
    assert_eq!((outcome.usage.prompt_tokens, outcome.usage.completion_tokens), (930, 71));
    assert_rewrite_kept(&outcome);

    let (headers, body) = &s.fake.requests(ANTHROPIC_PATH)[0];
    assert_eq!(headers["x-api-key"], "ak-test");
    assert_eq!(headers["anthropic-version"], "2023-06-01");
    assert_eq!(body["tool_choice"], json!({"type": "tool", "name": "submit_rewrites"}));
    assert_eq!(body["tools"].as_array().unwrap().len(), 1);
    assert_eq!(body["tools"][0]["input_schema"], *resumax_ai::schema::response_schema());
    assert!(body["system"].as_str().unwrap().contains("Never add an employer"));
}

#[tokio::test]
async fn a_429_is_retried_after_its_retry_after() {
    let s = setup(&["openai"], |_| {}).await;
    s.fake.script(OPENAI_PATH, vec![openai_429(), openai_ok(&rewrites().to_string())]);
    let outcome = bounded(s.chain.run(&request())).await.expect("success on the retry");
    assert_eq!(outcomes(&outcome.attempts), ["openai:provider_throttled", "openai:ok"]);
    assert_eq!(outcome.attempts[1].waited, Duration::from_secs(2), "Retry-After: 2 honoured");
    assert_eq!(s.clock.slept(), [Duration::from_secs(2)]);
    assert_rewrite_kept(&outcome);
}

#[tokio::test]
async fn three_openai_timeouts_fall_back_to_anthropic() {
    let s = setup(&["openai", "anthropic"], |_| {}).await;
    let slow = || Reply::Slow(Duration::from_secs(20));
    s.fake.script(OPENAI_PATH, vec![slow(), slow(), slow()]);
    s.fake.script(ANTHROPIC_PATH, vec![anthropic_ok(rewrites())]);
    let outcome = bounded(s.chain.run(&request())).await.expect("anthropic answers");
    assert_eq!(
        outcomes(&outcome.attempts),
        ["openai:provider_timeout", "openai:provider_timeout", "openai:provider_timeout", "anthropic:ok"]
    );
    assert_eq!(outcome.provider, "anthropic");
    assert_eq!(s.fake.requests(OPENAI_PATH).len(), 3, "first call and two retries");
    // Exponential backoff with jitter: retry n waits between half and all of base * 2^n.
    let waits = s.clock.slept();
    assert_eq!(waits.len(), 2);
    assert!(waits[0] >= Duration::from_millis(50) && waits[0] <= Duration::from_millis(100), "{waits:?}");
    assert!(waits[1] >= Duration::from_millis(100) && waits[1] <= Duration::from_millis(200), "{waits:?}");
}

#[tokio::test]
async fn when_every_provider_fails_the_last_code_is_final() {
    let s = setup(&["openai", "anthropic"], |_| {}).await;
    s.fake.script(OPENAI_PATH, vec![openai_500(), openai_500(), openai_500()]);
    s.fake.script(ANTHROPIC_PATH, vec![anthropic_529(), anthropic_429(), anthropic_429()]);
    let e = bounded(s.chain.run(&request())).await.expect_err("all fail");
    assert_eq!(e.code(), ErrorCode::ProviderThrottled);
    assert!(e.to_string().contains("rate_limit_error"), "{e}");
    assert_eq!(
        outcomes(&e.attempts),
        [
            "openai:provider_error",
            "openai:provider_error",
            "openai:provider_error",
            "anthropic:provider_error",
            "anthropic:provider_throttled",
            "anthropic:provider_throttled"
        ]
    );

    // Timeouts alone end as provider_timeout; a 401 is not retried and ends as provider_error.
    let s = setup(&["openai"], |_| {}).await;
    s.fake.script(OPENAI_PATH, (0..3).map(|_| Reply::Slow(Duration::from_secs(20))).collect());
    let e = bounded(s.chain.run(&request())).await.expect_err("timeouts");
    assert_eq!(e.code(), ErrorCode::ProviderTimeout);
    let s = setup(&["openai"], |_| {}).await;
    s.fake.script(OPENAI_PATH, vec![openai_401()]);
    let e = bounded(s.chain.run(&request())).await.expect_err("bad key");
    assert_eq!(e.code(), ErrorCode::ProviderError);
    assert!(e.to_string().contains("invalid_request_error"), "{e}");
    assert_eq!(s.fake.requests(OPENAI_PATH).len(), 1);
}

#[tokio::test]
async fn malformed_output_gets_one_stricter_reask() {
    let s = setup(&["openai"], |_| {}).await;
    s.fake.script(
        OPENAI_PATH,
        vec![openai_ok("Sure! Here are the rewrites: ..."), openai_ok(r#"{"rewrites": "none"}"#)],
    );
    let e = bounded(s.chain.run(&request())).await.expect_err("invalid twice");
    assert_eq!(e.code(), ErrorCode::SchemaValidationFailed);
    assert_eq!(outcomes(&e.attempts), ["openai:reask", "openai:schema_validation_failed"]);
    let sent = s.fake.requests(OPENAI_PATH);
    let second = sent[1].1["messages"][1]["content"].as_str().unwrap();
    assert!(second.contains("Your previous answer was rejected"), "{second}");

    // Invalid once, then valid: the re-ask rescues the run.
    let s = setup(&["openai"], |_| {}).await;
    s.fake.script(OPENAI_PATH, vec![openai_ok("{\"rewrites\": [ {"), openai_ok(&rewrites().to_string())]);
    let outcome = bounded(s.chain.run(&request())).await.expect("the re-ask succeeds");
    assert_eq!(outcomes(&outcome.attempts), ["openai:reask", "openai:ok"]);
    assert_eq!(outcome.usage.prompt_tokens, 812 * 2, "both answers were billed");
}

#[tokio::test]
async fn a_self_hosted_server_that_rejects_the_schema_gets_plain_json_mode() {
    let s = setup(&["openai"], |c| {
        c.openai.api_key = None;
        c.openai.model = Some("llama3.1:8b".into());
    })
    .await;
    // vLLM's error shape for an unsupported response format.
    let rejected = json!({"object": "error", "message": "response_format.type json_schema is not supported by this server",
                          "type": "BadRequestError", "param": null, "code": 400});
    s.fake.script(
        OPENAI_PATH,
        vec![
            Reply::Status(400, vec![], rejected.to_string()),
            openai_ok_from("llama3.1:8b", &rewrites().to_string()),
            openai_ok_from("llama3.1:8b", &rewrites().to_string()),
        ],
    );
    let outcome = bounded(s.chain.run(&request())).await.expect("plain json mode works");
    assert_rewrite_kept(&outcome);
    bounded(s.chain.run(&request())).await.expect("and stays in plain json mode");
    let sent = s.fake.requests(OPENAI_PATH);
    assert_eq!(sent.len(), 3);
    assert!(!sent[0].0.contains_key("authorization"), "no key, no header");
    assert_eq!(sent[0].1["response_format"]["type"], "json_schema");
    assert!(sent[0].1["max_tokens"].as_u64().is_some(), "compatible servers get max_tokens");
    for (_, body) in &sent[1..] {
        assert_eq!(body["response_format"], json!({"type": "json_object"}));
        assert!(body["messages"][0]["content"].as_str().unwrap().contains("\"additionalProperties\":false"));
    }
    assert_eq!(outcome.estimated_cost_usd, 0.0, "a self-hosted model has no list price");
}

#[tokio::test]
async fn the_circuit_opens_on_failures_and_half_opens_after_the_cool_down() {
    let s = setup(&["openai"], |c| {
        c.resilience.breaker = BreakerSettings {
            window: 4,
            min_calls: 4,
            failure_rate: 0.5,
            cool_down: Duration::from_secs(60),
        };
    })
    .await;
    s.fake.script(OPENAI_PATH, (0..4).map(|_| openai_500()).collect());
    // Three failures: below the minimum number of calls, still closed.
    bounded(s.chain.run(&request())).await.expect_err("500s");
    assert_eq!(s.chain.circuit_state("openai"), Some(CircuitState::Closed));
    // The fourth failure opens it; the retry that would follow is refused by the breaker.
    let e = bounded(s.chain.run(&request())).await.expect_err("500 then open");
    assert_eq!(outcomes(&e.attempts), ["openai:provider_error", "openai:circuit_open"]);
    assert_eq!(s.chain.circuit_state("openai"), Some(CircuitState::Open));
    assert_eq!(s.fake.requests(OPENAI_PATH).len(), 4);
    // Open: no call goes out at all.
    let e = bounded(s.chain.run(&request())).await.expect_err("open");
    assert_eq!(e.code(), ErrorCode::ProviderError);
    assert_eq!(outcomes(&e.attempts), ["openai:circuit_open"]);
    assert_eq!(s.fake.requests(OPENAI_PATH).len(), 4);
    // After the cool-down one trial goes out; it succeeds and the circuit closes.
    s.clock.advance(Duration::from_secs(61));
    assert_eq!(s.chain.circuit_state("openai"), Some(CircuitState::HalfOpen));
    s.fake.script(OPENAI_PATH, vec![openai_ok(&rewrites().to_string())]);
    bounded(s.chain.run(&request())).await.expect("trial succeeds");
    assert_eq!(s.chain.circuit_state("openai"), Some(CircuitState::Closed));
    assert_eq!(s.fake.requests(OPENAI_PATH).len(), 5);
}

#[tokio::test]
async fn offline_runs_through_the_same_chain() {
    let chain = ProviderChain::from_config(&AiConfig::default()).expect("offline");
    let outcome = bounded(chain.run(&request())).await.expect("offline never fails");
    assert_eq!((outcome.provider.as_str(), outcome.model.as_str()), ("offline", "offline-rewriter-v1"));
    assert_eq!(outcome.usage.prompt_tokens + outcome.usage.completion_tokens, 0);
    assert!(outcome.dropped.is_empty() && !outcome.suggestions.is_empty(), "{outcome:#?}");
    let again = bounded(chain.run(&request())).await.unwrap();
    assert_eq!(outcome.raw_output, again.raw_output, "deterministic");
}

// --- time budgets ------------------------------------------------------------------------------

/// A chain from the configuration a deployment writes (`RESUMAX_*` variables), pointed at `base`.
fn chain_from_env(base: &str, vars: &[(&str, &str)]) -> ProviderChain {
    let openai_base = format!("{base}/v1");
    let lookup = |key: &str| -> Option<String> {
        match key {
            "OPENAI_API_KEY" => Some("sk-test".into()),
            "OPENAI_BASE_URL" => Some(openai_base.clone()),
            "ANTHROPIC_API_KEY" => Some("ak-test".into()),
            "ANTHROPIC_BASE_URL" => Some(base.to_string()),
            _ => vars.iter().find(|(k, _)| *k == key).map(|(_, v)| v.to_string()),
        }
    };
    ProviderChain::from_config(&AiConfig::from_lookup(lookup).expect("valid budgets")).expect("valid config")
}

/// Scaled 1:10 from "a provider that hangs and a run deadline of 10 s": the deadline is 1 s,
/// OpenAI's own timeout (60 s) would never fire, yet Anthropic answers inside the deadline.
#[tokio::test]
async fn a_hung_provider_leaves_the_fallback_time_to_answer_within_the_run_deadline() {
    let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
    let fake = Arc::new(Fake::default());
    let base = spawn(fake.clone()).await;
    let chain = chain_from_env(
        &base,
        &[
            ("RESUMAX_AI_PROVIDERS", "openai,anthropic"),
            ("RESUMAX_AI_DEADLINE_MS", "1000"),
            ("RESUMAX_OPENAI_TIMEOUT_MS", "60000"),
        ],
    );
    fake.script(OPENAI_PATH, (0..3).map(|_| Reply::Slow(Duration::from_secs(30))).collect());
    fake.script(ANTHROPIC_PATH, vec![anthropic_ok(rewrites())]);
    let started = std::time::Instant::now();
    let outcome = bounded(chain.run(&request())).await.expect("the fallback answers");
    let took = started.elapsed();
    assert_eq!(outcome.provider, "anthropic");
    assert_eq!(outcomes(&outcome.attempts)[0], "openai:provider_timeout");
    assert!(took < Duration::from_millis(1000), "answered after {took:?}, past the 1 s run deadline");
    // OpenAI had its share (half the deadline, Anthropic being after it), not its 60 s timeout.
    assert!(outcome.attempts[0].latency >= Duration::from_millis(400), "{:?}", outcome.attempts);
}

/// Scaled 1:30 from "a 90 s timeout configured, a provider answering after 70 s": 3 s and 2 s.
/// The same slow answer fails under a 1 s timeout, so it is the configured value that counts.
#[tokio::test]
async fn a_long_configured_timeout_lets_a_slow_model_answer() {
    let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
    let late = || Reply::Late(Duration::from_secs(2), Box::new(openai_ok(&rewrites().to_string())));
    let fake = Arc::new(Fake::default());
    let base = spawn(fake.clone()).await;
    let patient = chain_from_env(
        &base,
        &[
            ("RESUMAX_AI_PROVIDERS", "openai"),
            ("RESUMAX_OPENAI_TIMEOUT_MS", "3000"),
            ("RESUMAX_AI_DEADLINE_MS", "5000"),
        ],
    );
    fake.script(OPENAI_PATH, vec![late()]);
    let outcome = bounded(patient.run(&request())).await.expect("the slow answer is waited for");
    assert_rewrite_kept(&outcome);

    let impatient = chain_from_env(
        &base,
        &[
            ("RESUMAX_AI_PROVIDERS", "openai"),
            ("RESUMAX_OPENAI_TIMEOUT_MS", "1000"),
            ("RESUMAX_OPENAI_MAX_RETRIES", "0"),
        ],
    );
    fake.script(OPENAI_PATH, vec![late()]);
    let e = bounded(impatient.run(&request())).await.expect_err("1 s is too short");
    assert_eq!(e.code(), ErrorCode::ProviderTimeout);
    assert_eq!(outcomes(&e.attempts), ["openai:provider_timeout"], "no retry when 0 are configured");
}

#[test]
fn a_budget_that_is_not_a_number_is_refused_by_name() {
    let e = AiConfig::from_lookup(|k| (k == "RESUMAX_ANTHROPIC_TIMEOUT_MS").then(|| "30s".to_string()))
        .expect_err("not a number");
    assert_eq!(e.code, ErrorCode::InvalidInput);
    assert!(e.message.contains("RESUMAX_ANTHROPIC_TIMEOUT_MS"), "{}", e.message);
}

#[tokio::test]
async fn temperature_goes_only_to_models_that_take_it_and_as_written() {
    let s = setup(&["openai"], |_| {}).await;
    s.fake.script(OPENAI_PATH, vec![openai_ok(&rewrites().to_string())]);
    bounded(s.chain.run(&request())).await.expect("chat model");
    let raw = s.fake.raw_bodies.lock().unwrap().clone();
    assert!(raw[0].contains("\"temperature\":0.3,") || raw[0].contains("\"temperature\":0.3}"), "{}", raw[0]);

    for model in ["o3-mini", "gpt-5"] {
        let s = setup(&["openai"], |c| c.openai.model = Some(model.into())).await;
        s.fake.script(OPENAI_PATH, vec![openai_ok_from(model, &rewrites().to_string())]);
        bounded(s.chain.run(&request())).await.expect("reasoning model");
        let (_, body) = &s.fake.requests(OPENAI_PATH)[0];
        assert!(body.get("temperature").is_none(), "{model}: {body}");
        assert!(
            body["max_completion_tokens"].as_u64().is_some() && body.get("max_tokens").is_none(),
            "{body}"
        );
    }
    let s = setup(&["anthropic"], |_| {}).await;
    s.fake.script(ANTHROPIC_PATH, vec![anthropic_ok(rewrites())]);
    bounded(s.chain.run(&request())).await.expect("claude");
    let raw = s.fake.raw_bodies.lock().unwrap().clone();
    assert!(raw[0].contains("\"temperature\":0.3"), "{}", raw[0]);
}

// --- tolerant answers --------------------------------------------------------------------------

fn two_rewrites_and(extra: Value) -> Value {
    json!({"rewrites": [
        {"target": "1.0.1", "section": "experience", "change_type": "strengthened",
         "suggested": "Contributed to the billing API in Go", "reason": "Stronger verb."},
        extra,
        {"target": "1.0.0", "section": "experience", "change_type": "strengthened",
         "suggested": "Managed Postgres clusters for 40 services", "reason": "Drops the weak opening."}
    ]})
}

fn valid_third() -> Value {
    json!({"target": "0.0.0", "section": "summary", "change_type": "rephrased",
           "suggested": "Backend engineer who builds reliable systems.", "reason": "Active voice.",
           "needs_confirmation": false, "confirmation_reason": ""})
}

fn kept_targets(outcome: &ChainOutcome) -> Vec<String> {
    outcome.suggestions.iter().map(|s| resumax_ai::schema::target_id(&s.target)).collect()
}

#[tokio::test]
async fn prose_around_the_json_keeps_every_valid_suggestion() {
    let s = setup(&["openai"], |c| c.openai.model = Some("llama3.1:8b".into())).await;
    let answer = format!(
        "Sure! Here are the rewrites you asked for:\n\n{}\n\nI kept every fact {{as required}}.",
        two_rewrites_and(valid_third())
    );
    s.fake.script(OPENAI_PATH, vec![openai_ok_from("llama3.1:8b", &answer)]);
    let outcome = bounded(s.chain.run(&request())).await.expect("kept");
    assert_eq!(outcomes(&outcome.attempts), ["openai:ok"], "no re-ask for prose");
    assert_eq!(kept_targets(&outcome), ["0.0.0", "1.0.0", "1.0.1"]);
}

#[tokio::test]
async fn one_invalid_suggestion_among_valid_ones_costs_only_itself() {
    for provider in ["openai", "anthropic"] {
        let s = setup(&[provider], |_| {}).await;
        let bad = json!({"target": "0.0.0", "section": "summary", "change_type": "embellished",
                         "suggested": "Visionary leader.", "reason": "Bolder."});
        let answer = two_rewrites_and(bad);
        match provider {
            "openai" => s.fake.script(OPENAI_PATH, vec![openai_ok(&answer.to_string())]),
            _ => s.fake.script(ANTHROPIC_PATH, vec![anthropic_ok(answer)]),
        }
        let outcome = bounded(s.chain.run(&request())).await.expect("kept");
        assert_eq!(outcomes(&outcome.attempts), [format!("{provider}:ok")]);
        assert_eq!(kept_targets(&outcome), ["1.0.0", "1.0.1"], "{provider}");
        let warnings = outcome.warnings();
        assert!(
            warnings.iter().any(|w| w.contains("rewrite 2 is not valid") && w.contains("embellished")),
            "{warnings:?}"
        );
    }
}

#[tokio::test]
async fn a_code_fenced_answer_is_read() {
    let s = setup(&["anthropic"], |_| {}).await;
    // Anthropic without the tool call: the JSON arrives as fenced text.
    let text = format!("```json\n{}\n```", two_rewrites_and(valid_third()));
    let body = json!({
        "id": "msg_01", "type": "message", "role": "assistant", "model": "claude-3-5-haiku-20241022",
        "content": [{"type": "text", "text": text}],
        "stop_reason": "end_turn", "stop_sequence": null,
        "usage": {"input_tokens": 930, "output_tokens": 71}
    });
    s.fake.script(ANTHROPIC_PATH, vec![Reply::Status(200, vec![], body.to_string())]);
    let outcome = bounded(s.chain.run(&request())).await.expect("kept");
    assert_eq!(kept_targets(&outcome), ["0.0.0", "1.0.0", "1.0.1"]);
}

#[tokio::test]
async fn only_an_answer_with_nothing_valid_is_asked_again() {
    let s = setup(&["openai"], |_| {}).await;
    let bad = json!({"rewrites": [{"target": "1.0.1", "section": "experience", "change_type": "nope",
                                   "suggested": "x", "reason": "y"}]});
    s.fake.script(OPENAI_PATH, vec![openai_ok(&bad.to_string()), openai_ok(&rewrites().to_string())]);
    let outcome = bounded(s.chain.run(&request())).await.expect("the re-ask rescues it");
    assert_eq!(outcomes(&outcome.attempts), ["openai:reask", "openai:ok"]);
    assert_rewrite_kept(&outcome);
}

#[tokio::test]
async fn the_models_own_doubt_marks_a_suggestion_uncertain_with_its_reason() {
    let s = setup(&["openai"], |_| {}).await;
    let answer = json!({"rewrites": [{
        "target": "1.0.1", "section": "experience", "change_type": "strengthened",
        "suggested": "Owned the billing API in Go", "reason": "Shows ownership.",
        "needs_confirmation": true, "confirmation_reason": "the line says worked on, not owned"
    }]});
    s.fake.script(OPENAI_PATH, vec![openai_ok(&answer.to_string())]);
    let outcome = bounded(s.chain.run(&request())).await.expect("kept");
    let suggestion = &outcome.suggestions[0];
    assert!(suggestion.uncertain);
    assert!(suggestion.reason.contains("the line says worked on, not owned"), "{}", suggestion.reason);
    assert!(outcome.warnings().iter().any(|w| w.contains("not owned")), "{:?}", outcome.warnings());
}
