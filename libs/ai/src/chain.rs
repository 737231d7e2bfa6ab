//! The provider chain: providers in fallback order, each behind a per-call timeout, retries with
//! backoff and a circuit breaker; the answer validated against the schema (one stricter re-ask),
//! anchored to the resume, and guarded.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use resumax_core::optimization::Suggestion;
use resumax_core::{Error, ErrorCode};
use serde::Serialize;
use tracing::Instrument;

use crate::guard::{Guarded, guard_for_job};
use crate::http::{AnthropicProvider, EndpointConfig, OpenAiProvider};
use crate::offline::OfflineProvider;
use crate::prompt::{PromptLibrary, RenderedPrompt};
use crate::provider::{Call, Failure, Provider, ProviderError, RewriteRequest, Usage};
use crate::redact::Masking;
use crate::resilience::{BreakerSettings, CircuitBreaker, CircuitState, Clock, SystemClock, backoff};
use crate::schema::{Unresolved, parse_response, resolve, response_schema};

/// One provider's own limits: how long one call may take and how often it is retried.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Budget {
    pub call_timeout: Duration,
    /// Retries after the first call, on timeouts, 429 and 5xx.
    pub max_retries: u32,
}

/// Timeouts, retries and breaker settings; the clock is injectable so tests never sleep.
#[derive(Clone)]
pub struct Resilience {
    /// The limits of a provider `budgets` does not name.
    pub call_timeout: Duration,
    /// Retries after the first call, on timeouts, 429 and 5xx.
    pub max_retries: u32,
    /// Per provider name (`openai`, `anthropic`): its own timeout and retries.
    pub budgets: BTreeMap<String, Budget>,
    /// The whole run, every provider, retry and backoff included. A provider that is not the
    /// last one that needs the network gets at most its share of what is left, so a hung
    /// provider still leaves the next one time to answer before the deadline.
    pub run_deadline: Duration,
    pub base_delay: Duration,
    pub max_delay: Duration,
    /// A `Retry-After` longer than this is not waited for: the next provider is tried instead.
    pub max_retry_after: Duration,
    pub breaker: BreakerSettings,
    pub clock: Arc<dyn Clock>,
}

impl Default for Resilience {
    fn default() -> Self {
        Resilience {
            call_timeout: DEFAULT_CALL_TIMEOUT,
            max_retries: DEFAULT_MAX_RETRIES,
            budgets: BTreeMap::new(),
            run_deadline: DEFAULT_RUN_DEADLINE,
            base_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(8),
            max_retry_after: Duration::from_secs(30),
            breaker: BreakerSettings::default(),
            clock: Arc::new(SystemClock::default()),
        }
    }
}

pub const DEFAULT_CALL_TIMEOUT: Duration = Duration::from_secs(60);
pub const DEFAULT_MAX_RETRIES: u32 = 2;
pub const DEFAULT_RUN_DEADLINE: Duration = Duration::from_secs(120);

impl Resilience {
    /// The limits of one provider.
    pub fn budget(&self, provider: &str) -> Budget {
        self.budgets
            .get(provider)
            .copied()
            .unwrap_or(Budget { call_timeout: self.call_timeout, max_retries: self.max_retries })
    }
}

impl std::fmt::Debug for Resilience {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Resilience")
            .field("call_timeout", &self.call_timeout)
            .field("max_retries", &self.max_retries)
            .field("budgets", &self.budgets)
            .field("run_deadline", &self.run_deadline)
            .field("base_delay", &self.base_delay)
            .field("max_delay", &self.max_delay)
            .field("max_retry_after", &self.max_retry_after)
            .field("breaker", &self.breaker)
            .finish_non_exhaustive()
    }
}

/// Everything the AI layer reads from its environment, passed in (tests build it by hand).
#[derive(Debug, Clone)]
pub struct AiConfig {
    /// Provider names in fallback order: `openai`, `anthropic`, `offline`.
    pub providers: Vec<String>,
    pub openai: EndpointConfig,
    pub anthropic: EndpointConfig,
    pub resilience: Resilience,
}

impl Default for AiConfig {
    fn default() -> Self {
        AiConfig {
            providers: vec!["offline".into()],
            openai: EndpointConfig::default(),
            anthropic: EndpointConfig::default(),
            resilience: Resilience::default(),
        }
    }
}

impl AiConfig {
    /// Reads `RESUMAX_AI_PROVIDERS`, `OPENAI_API_KEY`, `OPENAI_BASE_URL`, `RESUMAX_OPENAI_MODEL`,
    /// `ANTHROPIC_API_KEY`, `ANTHROPIC_BASE_URL`, `RESUMAX_ANTHROPIC_MODEL`, the time budgets
    /// `RESUMAX_<PROVIDER>_TIMEOUT_MS`, `RESUMAX_<PROVIDER>_MAX_RETRIES` and
    /// `RESUMAX_AI_DEADLINE_MS` through `lookup` (`|k| std::env::var(k).ok()` in the binary, a map
    /// in tests). A budget that is not a whole number is an `invalid_input` error naming it.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<AiConfig, Error> {
        let get = |k: &str| lookup(k).map(|v| v.trim().to_string()).filter(|v| !v.is_empty());
        let providers = get("RESUMAX_AI_PROVIDERS")
            .map(|v| v.split(',').map(|p| p.trim().to_ascii_lowercase()).filter(|p| !p.is_empty()).collect())
            .unwrap_or_else(|| vec!["offline".to_string()]);
        let number = |key: &str| -> Result<Option<u64>, Error> {
            get(key)
                .map(|v| {
                    v.parse::<u64>()
                        .map_err(|_| Error::invalid_input(format!("{key} must be a whole number, not {v:?}")))
                })
                .transpose()
        };
        let mut resilience = Resilience::default();
        if let Some(ms) = number("RESUMAX_AI_DEADLINE_MS")? {
            resilience.run_deadline = Duration::from_millis(ms);
        }
        for provider in ["openai", "anthropic"] {
            let upper = provider.to_ascii_uppercase();
            let mut budget = resilience.budget(provider);
            let timeout = number(&format!("RESUMAX_{upper}_TIMEOUT_MS"))?;
            let retries = number(&format!("RESUMAX_{upper}_MAX_RETRIES"))?;
            if let Some(ms) = timeout {
                budget.call_timeout = Duration::from_millis(ms);
            }
            if let Some(n) = retries {
                budget.max_retries = u32::try_from(n).unwrap_or(u32::MAX);
            }
            if timeout.is_some() || retries.is_some() {
                resilience.budgets.insert(provider.to_string(), budget);
            }
        }
        Ok(AiConfig {
            providers,
            openai: EndpointConfig {
                api_key: get("OPENAI_API_KEY"),
                base_url: get("OPENAI_BASE_URL"),
                model: get("RESUMAX_OPENAI_MODEL"),
            },
            anthropic: EndpointConfig {
                api_key: get("ANTHROPIC_API_KEY"),
                base_url: get("ANTHROPIC_BASE_URL"),
                model: get("RESUMAX_ANTHROPIC_MODEL"),
            },
            resilience,
        })
    }
}

/// One call to one provider, for metrics and the run's record.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Attempt {
    pub provider: String,
    /// 1-based, per provider; a re-ask is a new attempt.
    pub attempt: u32,
    /// `ok`, `reask` (answered, but not in the schema), `circuit_open`, or the error code.
    pub outcome: String,
    /// The wait before this attempt (backoff or `Retry-After`).
    pub waited: Duration,
    pub latency: Duration,
}

/// A successful run of the chain.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ChainOutcome {
    pub provider: String,
    pub model: String,
    pub template_version: String,
    pub strategy: String,
    /// Guarded: kept suggestions (uncertain ones marked), in resume order.
    pub suggestions: Vec<Suggestion>,
    /// Dropped suggestions and unanchored rewrites, each with its reason.
    pub dropped: Vec<(Suggestion, String)>,
    /// Rewrites whose target id names no resume line, each with the reason.
    pub unanchored: Vec<Unresolved>,
    /// Rewrites of the answer that were not valid on their own (an unknown `change_type`, a
    /// missing field), each with why; the valid rest of the answer was kept.
    pub rejected: Vec<String>,
    /// Tokens over every answered call of the run (a refused answer was billed too).
    pub usage: Usage,
    pub latency: Duration,
    pub estimated_cost_usd: f64,
    /// Unredacted; redact with [`crate::redact`] before storing.
    pub prompt: RenderedPrompt,
    pub raw_output: String,
    pub attempts: Vec<Attempt>,
}

impl ChainOutcome {
    /// The run's warnings: each dropped suggestion with why, and the count of uncertain ones.
    pub fn warnings(&self) -> Vec<String> {
        let mut out: Vec<String> = self
            .dropped
            .iter()
            .map(|(s, why)| format!("dropped change to {:?}: {why}", s.original))
            .collect();
        out.extend(self.unanchored.iter().map(|(r, why)| format!("dropped rewrite of {}: {why}", r.target)));
        out.extend(self.rejected.iter().map(|why| format!("dropped an answer item: {why}")));
        out.extend(
            self.suggestions
                .iter()
                .filter(|s| s.uncertain)
                .map(|s| format!("change {} is uncertain: {}", s.change_id, s.reason)),
        );
        out
    }
}

/// The chain failed: the last provider's error, and every attempt made.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{error}")]
pub struct ChainError {
    pub error: ProviderError,
    pub attempts: Vec<Attempt>,
}

impl ChainError {
    pub fn code(&self) -> ErrorCode {
        self.error.code()
    }
}

impl From<ChainError> for Error {
    fn from(e: ChainError) -> Self {
        e.error.into()
    }
}

struct Link {
    provider: Arc<dyn Provider>,
    breaker: CircuitBreaker,
}

/// Providers in fallback order with their breakers. Long-lived: keep one per process so the
/// breakers see every run.
pub struct ProviderChain {
    links: Vec<Link>,
    resilience: Resilience,
    library: PromptLibrary,
}

impl std::fmt::Debug for ProviderChain {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ProviderChain").field("providers", &self.provider_names()).finish_non_exhaustive()
    }
}

impl ProviderChain {
    /// The providers `config.providers` names, in order. An unknown name, an empty list or a
    /// provider without its key is an `invalid_input` error naming what to set.
    pub fn from_config(config: &AiConfig) -> Result<ProviderChain, Error> {
        if config.providers.is_empty() {
            return Err(Error::invalid_input("RESUMAX_AI_PROVIDERS names no provider"));
        }
        let mut providers: Vec<Arc<dyn Provider>> = Vec::new();
        for name in &config.providers {
            let provider: Arc<dyn Provider> = match name.as_str() {
                "offline" => Arc::new(OfflineProvider),
                "openai" => Arc::new(OpenAiProvider::new(&config.openai).map_err(Error::invalid_input)?),
                "anthropic" => {
                    Arc::new(AnthropicProvider::new(&config.anthropic).map_err(Error::invalid_input)?)
                }
                other => {
                    return Err(Error::invalid_input(format!(
                        "unknown ai provider {other:?} in RESUMAX_AI_PROVIDERS: use openai, anthropic or offline"
                    )));
                }
            };
            providers.push(provider);
        }
        Ok(ProviderChain::new(providers, config.resilience.clone()))
    }

    /// A chain over given providers (tests, custom wiring).
    pub fn new(providers: Vec<Arc<dyn Provider>>, resilience: Resilience) -> ProviderChain {
        let links = providers
            .into_iter()
            .map(|provider| Link { provider, breaker: CircuitBreaker::new(resilience.breaker) })
            .collect();
        ProviderChain { links, resilience, library: PromptLibrary::builtin().clone() }
    }

    /// Uses another prompt library (e.g. a registry with an extra strategy).
    pub fn with_library(mut self, library: PromptLibrary) -> ProviderChain {
        self.library = library;
        self
    }

    pub fn provider_names(&self) -> Vec<&str> {
        self.links.iter().map(|l| l.provider.name()).collect()
    }

    /// The breaker state of a provider now.
    pub fn circuit_state(&self, provider: &str) -> Option<CircuitState> {
        let now = self.resilience.clock.now();
        self.links.iter().find(|l| l.provider.name() == provider).map(|l| l.breaker.state(now))
    }

    /// Runs the request under its own strategy.
    pub async fn run(&self, request: &RewriteRequest) -> Result<ChainOutcome, ChainError> {
        self.run_with_strategy(request, request.strategy.as_str()).await
    }

    /// Runs the request under a strategy the registry names.
    pub async fn run_with_strategy(
        &self,
        request: &RewriteRequest,
        strategy: &str,
    ) -> Result<ChainOutcome, ChainError> {
        let started = Instant::now();
        let mut attempts = Vec::new();
        let mut prompt = self
            .library
            .render_with(request, strategy)
            .map_err(|e| ChainError { error: ProviderError::Failed(e.to_string()), attempts: Vec::new() })?;
        // The provider sees placeholders for the person's name, email, phone, links and user
        // names; its rewrites are mapped back before the guard reads them.
        let masking = Masking::new(&request.resume.contact, &prompt.user);
        prompt.user = masking.mask(&prompt.user);
        let schema = response_schema();
        let mut usage = Usage::default();
        let mut cost = 0.0;
        let mut last = ProviderError::Failed("no provider is configured".into());
        let clock = &self.resilience.clock;

        let deadline = self.resilience.run_deadline;
        for (index, link) in self.links.iter().enumerate() {
            let name = link.provider.name().to_string();
            let limits = self.resilience.budget(&name);
            // This provider's share of the time left: what remains, split evenly between it and
            // the providers after it that need the network. The offline provider needs none.
            let networked_after =
                self.links[index + 1..].iter().filter(|l| !l.provider.is_local()).count() as u32;
            let provider_started = Instant::now();
            let share = deadline.saturating_sub(started.elapsed()) / (networked_after + 1);
            let mut number = 0;
            let mut retries = 0;
            let mut waited = Duration::ZERO;
            let mut reask: Option<String> = None;
            loop {
                if !link.breaker.allow(clock.now()) {
                    attempts.push(Attempt {
                        provider: name.clone(),
                        attempt: number + 1,
                        outcome: "circuit_open".into(),
                        waited,
                        latency: Duration::ZERO,
                    });
                    last = ProviderError::Failed(format!("{name}: circuit open after repeated failures"));
                    break;
                }
                let left = share.saturating_sub(provider_started.elapsed());
                if !link.provider.is_local() && left.is_zero() {
                    last = ProviderError::Timeout(format!(
                        "{name}: its share of the run deadline of {deadline:?} is used up"
                    ));
                    break;
                }
                // A call may take its configured timeout, but never past the provider's share.
                let call_timeout = if link.provider.is_local() {
                    limits.call_timeout
                } else {
                    limits.call_timeout.min(left)
                };
                number += 1;
                let call = Call { request, prompt: &prompt, schema, reask: reask.as_deref() };
                let call_started = Instant::now();
                // One span per provider call, under the job's span: the trace shows every attempt.
                let span = tracing::info_span!(
                    "provider_call",
                    provider = %name,
                    model = link.provider.model(),
                    attempt = number
                );
                let result = match tokio::time::timeout(call_timeout, link.provider.complete(&call))
                    .instrument(span)
                    .await
                {
                    Ok(r) => r,
                    Err(_) => Err(Failure::transient(
                        ProviderError::Timeout(format!("{name}: no answer within {call_timeout:?}")),
                        None,
                    )),
                };
                let latency = call_started.elapsed();
                let mut attempt = Attempt {
                    provider: name.clone(),
                    attempt: number,
                    outcome: String::new(),
                    waited,
                    latency,
                };
                waited = Duration::ZERO;
                match result {
                    Ok(completion) => {
                        link.breaker.record(clock.now(), true);
                        usage += completion.usage;
                        cost += estimated_cost(&completion.model, completion.usage);
                        match parse_response(&completion.output) {
                            Ok(mut answer) => {
                                attempt.outcome = "ok".into();
                                attempts.push(attempt);
                                for rewrite in &mut answer.rewrites {
                                    rewrite.suggested = masking.unmask(&rewrite.suggested);
                                    rewrite.reason = masking.unmask(&rewrite.reason);
                                    rewrite.confirmation_reason =
                                        masking.unmask(&rewrite.confirmation_reason);
                                }
                                let (suggestions, unresolved) = resolve(&request.resume, &answer.rewrites);
                                let Guarded { kept, dropped } = guard_for_job(
                                    &request.resume,
                                    Some(&request.report),
                                    Some(&request.job),
                                    suggestions,
                                );
                                return Ok(ChainOutcome {
                                    provider: name,
                                    model: completion.model,
                                    template_version: prompt.template_version.clone(),
                                    strategy: prompt.strategy.clone(),
                                    suggestions: kept,
                                    dropped,
                                    unanchored: unresolved,
                                    rejected: answer.rejected,
                                    usage,
                                    latency: started.elapsed(),
                                    estimated_cost_usd: cost,
                                    prompt,
                                    raw_output: completion.output,
                                    attempts,
                                });
                            }
                            Err(why) if reask.is_none() => {
                                tracing::warn!(provider = %name, reason = %why, "answer not in the schema; asking again, stricter");
                                attempt.outcome = "reask".into();
                                attempts.push(attempt);
                                reask = Some(why);
                            }
                            Err(why) => {
                                attempt.outcome = ErrorCode::SchemaValidationFailed.as_str().into();
                                attempts.push(attempt);
                                last = ProviderError::InvalidOutput(format!("{name}: {why}"));
                                break;
                            }
                        }
                    }
                    Err(failure) => {
                        link.breaker.record(clock.now(), false);
                        attempt.outcome = failure.error.code().as_str().into();
                        attempts.push(attempt);
                        tracing::warn!(provider = %name, error = %failure.error, "provider call failed");
                        let wait = failure.retry_after.unwrap_or_else(|| {
                            backoff(
                                self.resilience.base_delay,
                                self.resilience.max_delay,
                                retries,
                                rand::random::<f64>(),
                            )
                        });
                        last = failure.error;
                        let time_left = share.saturating_sub(provider_started.elapsed());
                        if !failure.retryable
                            || retries >= limits.max_retries
                            || wait > self.resilience.max_retry_after
                            || wait >= time_left
                        {
                            break;
                        }
                        retries += 1;
                        clock.sleep(wait).await;
                        waited = wait;
                    }
                }
            }
            tracing::warn!(provider = %name, error = %last, "provider gave up; trying the next one");
        }
        Err(ChainError { error: last, attempts })
    }
}

/// US dollars per million tokens (prompt, completion), by model name prefix; list prices as of
/// 2025. An unknown model (self-hosted) costs nothing here.
const PRICES: &[(&str, f64, f64)] = &[
    ("gpt-4o-mini", 0.15, 0.60),
    ("gpt-4o", 2.50, 10.00),
    ("gpt-4.1-nano", 0.10, 0.40),
    ("gpt-4.1-mini", 0.40, 1.60),
    ("gpt-4.1", 2.00, 8.00),
    ("claude-3-5-haiku", 0.80, 4.00),
    ("claude-haiku-4", 1.00, 5.00),
    ("claude-3-7-sonnet", 3.00, 15.00),
    ("claude-sonnet-4", 3.00, 15.00),
    ("claude-opus-4", 15.00, 75.00),
];

pub fn estimated_cost(model: &str, usage: Usage) -> f64 {
    PRICES
        .iter()
        .find(|(prefix, _, _)| model.starts_with(prefix))
        .map(|(_, p, c)| (usage.prompt_tokens as f64 * p + usage.completion_tokens as f64 * c) / 1_000_000.0)
        .unwrap_or(0.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn config_reads_its_lookup_and_refuses_unknown_names() {
        let env = |k: &str| match k {
            "RESUMAX_AI_PROVIDERS" => Some("OpenAI, anthropic ,offline".to_string()),
            "OPENAI_API_KEY" => Some("sk-test".to_string()),
            "ANTHROPIC_API_KEY" => Some("ak-test".to_string()),
            "RESUMAX_ANTHROPIC_MODEL" => Some("claude-sonnet-4-5".to_string()),
            _ => None,
        };
        let config = AiConfig::from_lookup(env).expect("valid");
        assert_eq!(config.providers, ["openai", "anthropic", "offline"]);
        let chain = ProviderChain::from_config(&config).expect("valid");
        assert_eq!(chain.provider_names(), ["openai", "anthropic", "offline"]);

        let bad = AiConfig { providers: vec!["offline".into(), "gemini".into()], ..AiConfig::default() };
        let e = ProviderChain::from_config(&bad).unwrap_err();
        assert_eq!(e.code, ErrorCode::InvalidInput);
        assert!(e.message.contains("gemini"), "{}", e.message);
        let keyless = AiConfig { providers: vec!["anthropic".into()], ..AiConfig::default() };
        assert!(ProviderChain::from_config(&keyless).unwrap_err().message.contains("ANTHROPIC_API_KEY"));
        assert_eq!(AiConfig::from_lookup(|_| None).unwrap().providers, ["offline"]);
    }

    #[test]
    fn cost_by_model_prefix() {
        let usage = Usage { prompt_tokens: 1_000_000, completion_tokens: 1_000_000 };
        assert!((estimated_cost("gpt-4o-mini-2024-07-18", usage) - 0.75).abs() < 1e-9);
        assert!((estimated_cost("gpt-4o-2024-08-06", usage) - 12.5).abs() < 1e-9);
        assert_eq!(estimated_cost("llama3.1:8b", usage), 0.0);
    }
}
