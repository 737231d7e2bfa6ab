//! The HTTP adapters: OpenAI Chat Completions (also any OpenAI-compatible server such as Ollama,
//! vLLM or llama.cpp through the base URL) and Anthropic Messages. Each does one call and maps
//! the provider's answer or error onto [`Completion`] or [`Failure`]; retries, timeouts and the
//! circuit breaker live in the chain.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use async_trait::async_trait;
use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use serde_json::{Value, json};

use crate::provider::{Call, Completion, Failure, Provider, ProviderError, Usage};

pub const OPENAI_DEFAULT_BASE_URL: &str = "https://api.openai.com/v1";
pub const OPENAI_DEFAULT_MODEL: &str = "gpt-4o-mini";
pub const ANTHROPIC_DEFAULT_BASE_URL: &str = "https://api.anthropic.com";
pub const ANTHROPIC_DEFAULT_MODEL: &str = "claude-3-5-haiku-latest";
const ANTHROPIC_VERSION: &str = "2023-06-01";
const TOOL_NAME: &str = "submit_rewrites";
const SCHEMA_NAME: &str = "resume_rewrites";

fn http_client() -> Result<reqwest::Client, String> {
    // Two rustls providers are compiled into the workspace; without a process default the
    // client builder panics. Installing twice is harmless (the second call is refused).
    let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
    reqwest::Client::builder()
        .connect_timeout(Duration::from_secs(10))
        .build()
        .map_err(|e| format!("building the http client: {e}"))
}

/// `retry-after-ms` (OpenAI) or `retry-after` in seconds.
pub(crate) fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let get = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).map(str::trim);
    if let Some(ms) = get("retry-after-ms").and_then(|v| v.parse::<f64>().ok()) {
        return (ms.is_finite() && ms >= 0.0).then(|| Duration::from_secs_f64(ms / 1000.0));
    }
    let secs = get("retry-after")?.parse::<f64>().ok()?;
    (secs.is_finite() && secs >= 0.0).then(|| Duration::from_secs_f64(secs))
}

/// The message of an error body in either provider's shape, or the start of the body.
fn error_message(body: &str) -> String {
    let parsed: Option<Value> = serde_json::from_str(body).ok();
    let from_json = parsed.as_ref().and_then(|v| {
        let e = v.get("error")?;
        let message = e.get("message").and_then(Value::as_str).unwrap_or("");
        let kind = e.get("type").or_else(|| e.get("code")).and_then(Value::as_str).unwrap_or("");
        Some(format!("{kind}: {message}").trim_matches([' ', ':']).to_string())
    });
    from_json.unwrap_or_else(|| body.chars().take(200).collect::<String>().trim().to_string())
}

fn http_failure(provider: &str, status: StatusCode, headers: &HeaderMap, body: &str) -> Failure {
    let message = format!("{provider} answered {}: {}", status.as_u16(), error_message(body));
    match status.as_u16() {
        429 if body.contains("insufficient_quota") => Failure::permanent(ProviderError::Throttled(message)),
        429 => Failure::transient(ProviderError::Throttled(message), retry_after(headers)),
        408 => Failure::transient(ProviderError::Timeout(message), None),
        // 529 is Anthropic's "overloaded".
        500..=599 => Failure::transient(ProviderError::Failed(message), retry_after(headers)),
        _ => Failure::permanent(ProviderError::Failed(message)),
    }
}

fn transport_failure(provider: &str, e: &reqwest::Error) -> Failure {
    if e.is_timeout() {
        Failure::transient(ProviderError::Timeout(format!("{provider}: {e}")), None)
    } else {
        Failure::transient(ProviderError::Failed(format!("{provider}: {e}")), None)
    }
}

async fn post(
    provider: &str,
    request: reqwest::RequestBuilder,
    body: &Value,
) -> Result<(StatusCode, HeaderMap, String), Failure> {
    let response = request.json(body).send().await.map_err(|e| transport_failure(provider, &e))?;
    let status = response.status();
    let headers = response.headers().clone();
    let text = response.text().await.map_err(|e| transport_failure(provider, &e))?;
    Ok((status, headers, text))
}

/// Where an endpoint is and who to present as.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EndpointConfig {
    pub api_key: Option<String>,
    pub base_url: Option<String>,
    pub model: Option<String>,
}

/// OpenAI Chat Completions with a strict `json_schema` response format. A server that refuses
/// the schema (400 naming `response_format` or `json_schema`, as some self-hosted servers do) is
/// asked again in plain JSON mode with the schema in the prompt, and stays in that mode.
pub struct OpenAiProvider {
    http: reqwest::Client,
    endpoint: String,
    api_key: Option<String>,
    model: String,
    /// OpenAI itself wants `max_completion_tokens`; compatible servers know `max_tokens`.
    official: bool,
    json_mode: AtomicBool,
}

impl OpenAiProvider {
    pub fn new(config: &EndpointConfig) -> Result<Self, String> {
        let base = config.base_url.as_deref().map(str::trim).filter(|b| !b.is_empty());
        let official = base.is_none_or(|b| b.contains("api.openai.com"));
        let api_key = config.api_key.clone().filter(|k| !k.trim().is_empty());
        if official && api_key.is_none() {
            return Err(
                "the openai provider needs OPENAI_API_KEY (or OPENAI_BASE_URL for a self-hosted server)"
                    .into(),
            );
        }
        let base = base.unwrap_or(OPENAI_DEFAULT_BASE_URL).trim_end_matches('/');
        Ok(OpenAiProvider {
            http: http_client()?,
            endpoint: format!("{base}/chat/completions"),
            api_key,
            model: config
                .model
                .clone()
                .filter(|m| !m.trim().is_empty())
                .unwrap_or(OPENAI_DEFAULT_MODEL.into()),
            official,
            json_mode: AtomicBool::new(false),
        })
    }

    /// Whether this server has refused the strict schema and is now asked in plain JSON mode.
    pub fn in_json_mode(&self) -> bool {
        self.json_mode.load(Ordering::Relaxed)
    }

    fn body(&self, call: &Call<'_>, json_mode: bool) -> Value {
        let mut system = call.prompt.system.clone();
        let response_format = if json_mode {
            system.push_str("\n\nAnswer with one JSON object that matches this JSON schema exactly:\n");
            system.push_str(&call.schema.to_string());
            json!({"type": "json_object"})
        } else {
            json!({"type": "json_schema", "json_schema": {"name": SCHEMA_NAME, "strict": true, "schema": call.schema}})
        };
        let mut body = json!({
            "model": self.model,
            "messages": [
                {"role": "system", "content": system},
                {"role": "user", "content": call.user_message()},
            ],
            "response_format": response_format,
        });
        let family = OpenAiFamily::of(&self.model);
        if family.accepts_temperature() {
            body["temperature"] = json!(call.prompt.temperature);
        }
        let key = if self.official || family == OpenAiFamily::Reasoning {
            "max_completion_tokens"
        } else {
            "max_tokens"
        };
        body[key] = json!(call.prompt.max_tokens);
        body
    }

    async fn send(&self, body: &Value) -> Result<(StatusCode, HeaderMap, String), Failure> {
        let mut request = self.http.post(&self.endpoint);
        if let Some(key) = &self.api_key {
            request = request.bearer_auth(key);
        }
        post("openai", request, body).await
    }
}

/// What optional parameters an OpenAI model accepts, by family. The reasoning models (`o1`,
/// `o3`, `o4-mini`, `gpt-5` and their dated or sized variants) refuse `temperature` with a 400 and
/// want `max_completion_tokens`; `gpt-5-chat` is a chat model and takes both.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OpenAiFamily {
    Chat,
    Reasoning,
}

impl OpenAiFamily {
    pub fn of(model: &str) -> OpenAiFamily {
        let model = model.trim().to_ascii_lowercase();
        // A served name may carry an organisation prefix ("openai/gpt-5").
        let model = model.rsplit('/').next().unwrap_or(&model);
        let reasoning_prefix = ["o1", "o3", "o4", "gpt-5"].iter().any(|p| {
            model.strip_prefix(p).is_some_and(|rest| rest.is_empty() || rest.starts_with(['-', '.', ':']))
        });
        if reasoning_prefix && !model.starts_with("gpt-5-chat") {
            OpenAiFamily::Reasoning
        } else {
            OpenAiFamily::Chat
        }
    }

    pub fn accepts_temperature(self) -> bool {
        self == OpenAiFamily::Chat
    }
}

fn rejects_schema(status: StatusCode, body: &str) -> bool {
    let lower = body.to_ascii_lowercase();
    status == StatusCode::BAD_REQUEST && (lower.contains("response_format") || lower.contains("json_schema"))
}

#[async_trait]
impl Provider for OpenAiProvider {
    fn name(&self) -> &str {
        "openai"
    }
    fn model(&self) -> &str {
        &self.model
    }

    async fn complete(&self, call: &Call<'_>) -> Result<Completion, Failure> {
        let json_mode = self.in_json_mode();
        let (mut status, mut headers, mut text) = self.send(&self.body(call, json_mode)).await?;
        if !json_mode && rejects_schema(status, &text) {
            tracing::warn!(endpoint = %self.endpoint, "server refused the json schema; using plain json mode");
            self.json_mode.store(true, Ordering::Relaxed);
            (status, headers, text) = self.send(&self.body(call, true)).await?;
        }
        if !status.is_success() {
            return Err(http_failure("openai", status, &headers, &text));
        }
        let v: Value = serde_json::from_str(&text).map_err(|e| {
            Failure::permanent(ProviderError::InvalidOutput(format!(
                "openai sent a body that is not json: {e}"
            )))
        })?;
        let message = &v["choices"][0]["message"];
        if let Some(refusal) = message.get("refusal").and_then(Value::as_str) {
            return Err(Failure::permanent(ProviderError::Failed(format!("openai refused: {refusal}"))));
        }
        let output = message.get("content").and_then(Value::as_str).unwrap_or_default().to_string();
        let usage = Usage {
            prompt_tokens: v["usage"]["prompt_tokens"].as_u64().unwrap_or(0),
            completion_tokens: v["usage"]["completion_tokens"].as_u64().unwrap_or(0),
        };
        let model = v["model"].as_str().unwrap_or(&self.model).to_string();
        Ok(Completion { output, usage, model })
    }
}

/// Anthropic Messages with one tool whose `input_schema` is the response schema, forced through
/// `tool_choice`, so the answer arrives as the tool's input object.
pub struct AnthropicProvider {
    http: reqwest::Client,
    endpoint: String,
    api_key: String,
    model: String,
}

impl AnthropicProvider {
    pub fn new(config: &EndpointConfig) -> Result<Self, String> {
        let api_key = config
            .api_key
            .clone()
            .filter(|k| !k.trim().is_empty())
            .ok_or("the anthropic provider needs ANTHROPIC_API_KEY")?;
        let base = config
            .base_url
            .as_deref()
            .map(str::trim)
            .filter(|b| !b.is_empty())
            .unwrap_or(ANTHROPIC_DEFAULT_BASE_URL)
            .trim_end_matches('/');
        Ok(AnthropicProvider {
            http: http_client()?,
            endpoint: format!("{base}/v1/messages"),
            api_key,
            model: config
                .model
                .clone()
                .filter(|m| !m.trim().is_empty())
                .unwrap_or(ANTHROPIC_DEFAULT_MODEL.into()),
        })
    }
}

#[async_trait]
impl Provider for AnthropicProvider {
    fn name(&self) -> &str {
        "anthropic"
    }
    fn model(&self) -> &str {
        &self.model
    }

    async fn complete(&self, call: &Call<'_>) -> Result<Completion, Failure> {
        let body = json!({
            "model": self.model,
            "max_tokens": call.prompt.max_tokens,
            "temperature": call.prompt.temperature,
            "system": call.prompt.system,
            "messages": [{"role": "user", "content": call.user_message()}],
            "tools": [{
                "name": TOOL_NAME,
                "description": "Submit the rewrites of the resume lines.",
                "input_schema": call.schema,
            }],
            "tool_choice": {"type": "tool", "name": TOOL_NAME},
        });
        let request = self
            .http
            .post(&self.endpoint)
            .header("x-api-key", &self.api_key)
            .header("anthropic-version", ANTHROPIC_VERSION);
        let (status, headers, text) = post("anthropic", request, &body).await?;
        if !status.is_success() {
            return Err(http_failure("anthropic", status, &headers, &text));
        }
        let v: Value = serde_json::from_str(&text).map_err(|e| {
            Failure::permanent(ProviderError::InvalidOutput(format!(
                "anthropic sent a body that is not json: {e}"
            )))
        })?;
        let blocks = v["content"].as_array().cloned().unwrap_or_default();
        let tool_input = blocks
            .iter()
            .find(|b| b["type"] == "tool_use" && b["name"] == TOOL_NAME)
            .map(|b| b["input"].to_string());
        // Without the tool call, the text is what the model said instead; the schema check
        // refuses it and the chain re-asks.
        let output = tool_input.unwrap_or_else(|| {
            blocks.iter().filter_map(|b| b["text"].as_str()).collect::<Vec<_>>().join("\n")
        });
        let usage = Usage {
            prompt_tokens: v["usage"]["input_tokens"].as_u64().unwrap_or(0),
            completion_tokens: v["usage"]["output_tokens"].as_u64().unwrap_or(0),
        };
        let model = v["model"].as_str().unwrap_or(&self.model).to_string();
        Ok(Completion { output, usage, model })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reasoning_models_are_told_apart_from_chat_models() {
        for model in ["o1", "o1-mini", "o3-2025-04-16", "o4-mini", "gpt-5", "gpt-5-mini", "openai/gpt-5.1"] {
            assert_eq!(OpenAiFamily::of(model), OpenAiFamily::Reasoning, "{model}");
        }
        for model in ["gpt-4o-mini", "gpt-4.1", "gpt-5-chat-latest", "llama3.1:8b", "o1x-local", "qwen2.5"] {
            assert_eq!(OpenAiFamily::of(model), OpenAiFamily::Chat, "{model}");
        }
    }

    #[test]
    fn reads_retry_after_in_both_spellings() {
        let mut h = HeaderMap::new();
        h.insert("retry-after", "2".parse().unwrap());
        assert_eq!(retry_after(&h), Some(Duration::from_secs(2)));
        h.insert("retry-after-ms", "250".parse().unwrap());
        assert_eq!(retry_after(&h), Some(Duration::from_millis(250)));
        let mut bad = HeaderMap::new();
        bad.insert("retry-after", "soon".parse().unwrap());
        assert_eq!(retry_after(&bad), None);
    }

    #[test]
    fn error_bodies_of_both_providers_are_read() {
        let openai = r#"{"error":{"message":"Rate limit reached","type":"requests","param":null,"code":"rate_limit_exceeded"}}"#;
        assert_eq!(error_message(openai), "requests: Rate limit reached");
        let anthropic = r#"{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}"#;
        assert_eq!(error_message(anthropic), "overloaded_error: Overloaded");
        let f = http_failure("anthropic", StatusCode::from_u16(529).unwrap(), &HeaderMap::new(), anthropic);
        assert!(f.retryable && f.error.code() == resumax_core::ErrorCode::ProviderError);
        let f = http_failure("openai", StatusCode::UNAUTHORIZED, &HeaderMap::new(), openai);
        assert!(!f.retryable);
    }
}
