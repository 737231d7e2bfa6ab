//! The AI layer: providers behind one trait, the resilient provider chain, the prompt library,
//! the offline rewriter, the truthfulness guard and PII redaction.
//!
//! # What the worker calls
//!
//! ```text
//! let config = AiConfig::from_lookup(|k| std::env::var(k).ok())?;  // or built by hand
//! let chain = ProviderChain::from_config(&config)?;                 // once per process
//! match chain.run(&RewriteRequest { resume, job, report, strategy }).await {
//!     Ok(outcome) => {
//!         outcome.suggestions      // guarded, in resume order; uncertain ones marked
//!         outcome.warnings()       // each dropped suggestion and each doubt, with its reason
//!         outcome.provider, outcome.model, outcome.template_version, outcome.strategy
//!         outcome.usage            // prompt/completion tokens; outcome.estimated_cost_usd
//!         outcome.latency, outcome.attempts   // per-provider attempts, for metrics
//!         outcome.prompt                // as sent: placeholders for the person's contact details
//!         redact(&outcome.raw_output, &resume.contact), and every warning, before storing
//!     }
//!     Err(e) => e.code()           // provider_timeout | provider_throttled | provider_error
//!                                  // | schema_validation_failed; e.attempts for metrics
//! }
//! ```
//!
//! - [`ProviderChain`] tries providers in `RESUMAX_AI_PROVIDERS` order. Each call has a timeout;
//!   timeouts, 429 and 5xx are retried up to twice with exponential backoff and jitter (a
//!   `Retry-After` is honoured); a per-provider circuit breaker skips a failing provider until
//!   its cool-down ends. An answer outside the schema gets one stricter re-ask.
//! - Adapters: [`OpenAiProvider`] (Chat Completions, strict `json_schema`; any OpenAI-compatible
//!   server through its base URL, falling back to plain JSON mode when the server rejects the
//!   schema), [`AnthropicProvider`] (Messages with one forced tool), [`OfflineProvider`].
//! - The response schema comes from the Rust types in [`schema`]; rewrites name resume line ids,
//!   so the original text always comes from the resume (the evidence link).
//! - Prompts are versioned files under `prompts/`; strategies are data (`prompts/strategies.json`).
//! - [`guard_for_job`] (and the older [`guard`], [`guard_with_report`]) checks every suggestion.

mod chain;
mod guard;
mod http;
mod offline;
mod prompt;
mod provider;
mod redact;
mod resilience;
pub mod schema;
mod words;

pub use chain::{AiConfig, Attempt, ChainError, ChainOutcome, ProviderChain, Resilience, estimated_cost};
pub use guard::{Guarded, guard, guard_for_job, guard_with_report};
pub use http::{AnthropicProvider, EndpointConfig, OpenAiProvider};
pub use offline::OfflineProvider;
pub use prompt::{OfflineKnobs, PromptError, PromptLibrary, RenderedPrompt, StrategyProfile, defuse};
pub use provider::{Call, Completion, Failure, Provider, ProviderError, RewriteRequest, Usage};
pub use redact::{Masking, redact};
pub use resilience::{BreakerSettings, CircuitBreaker, CircuitState, Clock, ManualClock, SystemClock};
pub use resumax_core::optimization::Suggestion;

/// The text a `Skills { section }` suggestion's `original` must equal: the section's skill items
/// joined with ", ". Providers and the guard share this one definition.
pub fn skills_text(skills: &[String]) -> String {
    skills.join(", ")
}
