//! Fake OpenAI and Anthropic servers (we cannot reach the real ones): real HTTP on loopback,
//! speaking their wire formats, including their error bodies.

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use serde_json::{Value, json};

#[derive(Default)]
pub struct Behaviour {
    /// OpenAI answers 500 to this many calls before it succeeds (u32::MAX: always fails).
    pub openai_failures: AtomicU32,
    /// How long a successful OpenAI answer takes (a slow model).
    pub openai_delay: Duration,
    pub anthropic_fails: bool,
    pub openai_calls: AtomicU32,
    pub anthropic_calls: AtomicU32,
    /// OpenAI's answer text instead of a bare "no rewrite" (prose around the JSON, say).
    pub openai_content: Option<String>,
}

pub struct FakeAi {
    pub base: String,
    pub behaviour: Arc<Behaviour>,
}

impl FakeAi {
    pub async fn start(behaviour: Behaviour) -> FakeAi {
        let behaviour = Arc::new(behaviour);
        let app = axum::Router::new()
            .route("/v1/chat/completions", post(openai))
            .route("/v1/messages", post(anthropic))
            .with_state(behaviour.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind fake ai");
        let base = format!("http://{}", listener.local_addr().expect("addr"));
        tokio::spawn(async move { axum::serve(listener, app).await });
        FakeAi { base, behaviour }
    }

    /// The variables that point a node's providers at this server.
    pub fn env(&self, providers: &str) -> Vec<(String, String)> {
        [
            ("RESUMAX_AI_PROVIDERS", providers.to_string()),
            ("OPENAI_BASE_URL", format!("{}/v1", self.base)),
            ("OPENAI_API_KEY", "sk-test".to_string()),
            ("ANTHROPIC_BASE_URL", self.base.clone()),
            ("ANTHROPIC_API_KEY", "sk-ant-test".to_string()),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect()
    }
}

/// Both providers answer "no rewrite": valid output, so a run completes on whichever answers.
const NO_REWRITES: &str = r#"{"rewrites":[]}"#;

async fn openai(State(behaviour): State<Arc<Behaviour>>, Json(request): Json<Value>) -> Response {
    behaviour.openai_calls.fetch_add(1, Ordering::SeqCst);
    let failing = behaviour.openai_failures.fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| match n {
        0 => None,
        u32::MAX => Some(u32::MAX),
        n => Some(n - 1),
    });
    if failing.is_ok() {
        let body = json!({"error": {"message": "The server had an error while processing your request.",
            "type": "server_error", "param": null, "code": null}});
        return (StatusCode::INTERNAL_SERVER_ERROR, Json(body)).into_response();
    }
    tokio::time::sleep(behaviour.openai_delay).await;
    Json(json!({
        "id": "chatcmpl-test",
        "object": "chat.completion",
        "created": 1_764_460_800,
        "model": request["model"],
        "choices": [{"index": 0, "message": {"role": "assistant",
            "content": behaviour.openai_content.as_deref().unwrap_or(NO_REWRITES), "refusal": null},
            "logprobs": null, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": 812, "completion_tokens": 9, "total_tokens": 821},
    }))
    .into_response()
}

async fn anthropic(State(behaviour): State<Arc<Behaviour>>, Json(request): Json<Value>) -> Response {
    behaviour.anthropic_calls.fetch_add(1, Ordering::SeqCst);
    if behaviour.anthropic_fails {
        let body = json!({"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}});
        return (StatusCode::from_u16(529).expect("529"), Json(body)).into_response();
    }
    let input: Value = serde_json::from_str(NO_REWRITES).expect("json");
    Json(json!({
        "id": "msg_test",
        "type": "message",
        "role": "assistant",
        "model": request["model"],
        "content": [{"type": "tool_use", "id": "toolu_test", "name": "submit_rewrites", "input": input}],
        "stop_reason": "tool_use",
        "stop_sequence": null,
        "usage": {"input_tokens": 790, "output_tokens": 12},
    }))
    .into_response()
}
