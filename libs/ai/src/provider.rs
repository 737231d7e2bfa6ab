use std::time::Duration;

use async_trait::async_trait;
use resumax_core::ErrorCode;
use resumax_core::job_description::ParsedJobDescription;
use resumax_core::optimization::{Strategy, Suggestion};
use resumax_core::resume::ParsedResume;
use resumax_core::score::MatchReport;
use serde::{Deserialize, Serialize};

use crate::prompt::{PromptLibrary, RenderedPrompt};
use crate::schema::{parse_response, resolve, response_schema};

/// Everything a provider needs to propose rewrites.
#[derive(Debug, Clone)]
pub struct RewriteRequest {
    pub resume: ParsedResume,
    pub job: ParsedJobDescription,
    /// The match report of the resume before rewriting; non-literal matches tell which resume
    /// wording the JD spells differently.
    pub report: MatchReport,
    pub strategy: Strategy,
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ProviderError {
    #[error("provider timed out: {0}")]
    Timeout(String),
    #[error("provider throttled: {0}")]
    Throttled(String),
    #[error("provider failed: {0}")]
    Failed(String),
    #[error("provider output did not match the schema: {0}")]
    InvalidOutput(String),
}

impl ProviderError {
    pub fn code(&self) -> ErrorCode {
        match self {
            ProviderError::Timeout(_) => ErrorCode::ProviderTimeout,
            ProviderError::Throttled(_) => ErrorCode::ProviderThrottled,
            ProviderError::Failed(_) => ErrorCode::ProviderError,
            ProviderError::InvalidOutput(_) => ErrorCode::SchemaValidationFailed,
        }
    }

    /// Worth retrying or falling back to the next provider.
    pub fn is_transient(&self) -> bool {
        matches!(self, ProviderError::Timeout(_) | ProviderError::Throttled(_))
    }
}

impl From<ProviderError> for resumax_core::Error {
    fn from(e: ProviderError) -> Self {
        resumax_core::Error::new(e.code(), e.to_string())
    }
}

/// One failed call: the error, whether the same call may succeed if repeated (timeouts, 429,
/// 5xx, dropped connections), and the wait the provider asked for (`Retry-After`).
#[derive(Debug, Clone, PartialEq)]
pub struct Failure {
    pub error: ProviderError,
    pub retryable: bool,
    pub retry_after: Option<Duration>,
}

impl Failure {
    pub fn permanent(error: ProviderError) -> Self {
        Failure { error, retryable: false, retry_after: None }
    }
    pub fn transient(error: ProviderError, retry_after: Option<Duration>) -> Self {
        Failure { error, retryable: true, retry_after }
    }
}

/// Tokens a call used, as the provider reported them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Usage {
    pub prompt_tokens: u64,
    pub completion_tokens: u64,
}

impl std::ops::AddAssign for Usage {
    fn add_assign(&mut self, other: Usage) {
        self.prompt_tokens += other.prompt_tokens;
        self.completion_tokens += other.completion_tokens;
    }
}

/// One model call: the request (offline reads it directly), the rendered prompt, the response
/// schema, and for the stricter re-ask the reason the previous answer was refused.
#[derive(Debug, Clone, Copy)]
pub struct Call<'a> {
    pub request: &'a RewriteRequest,
    pub prompt: &'a RenderedPrompt,
    pub schema: &'a serde_json::Value,
    pub reask: Option<&'a str>,
}

impl Call<'_> {
    /// The user message, with the stricter instruction appended on a re-ask.
    pub fn user_message(&self) -> String {
        match self.reask {
            None => self.prompt.user.clone(),
            Some(why) => format!(
                "{}\n\nYour previous answer was rejected: {why}. Answer again with ONLY a JSON object that \
                 matches the schema exactly: no prose, no Markdown, no extra fields.",
                self.prompt.user
            ),
        }
    }
}

/// A model's raw answer: the JSON text, the tokens used and the model that answered.
#[derive(Debug, Clone, PartialEq)]
pub struct Completion {
    pub output: String,
    pub usage: Usage,
    pub model: String,
}

#[async_trait]
pub trait Provider: Send + Sync {
    fn name(&self) -> &str;
    fn model(&self) -> &str;

    /// Answers in-process without the network (offline): it needs no share of the run deadline
    /// and is tried even when the deadline has passed.
    fn is_local(&self) -> bool {
        false
    }

    /// One call, no retries: resilience is the chain's job.
    async fn complete(&self, call: &Call<'_>) -> Result<Completion, Failure>;

    /// Suggestions from this provider alone, without retries, fallback or guard: one call and
    /// one stricter re-ask on malformed output. [`crate::ProviderChain::run`] is the full path.
    async fn suggest(&self, request: &RewriteRequest) -> Result<Vec<Suggestion>, ProviderError> {
        let library = PromptLibrary::builtin();
        let prompt = library.render(request).map_err(|e| ProviderError::Failed(e.to_string()))?;
        let schema = response_schema();
        let mut reask: Option<String> = None;
        loop {
            let call = Call { request, prompt: &prompt, schema, reask: reask.as_deref() };
            let completion = self.complete(&call).await.map_err(|f| f.error)?;
            match parse_response(&completion.output) {
                Ok(answer) => return Ok(resolve(&request.resume, &answer.rewrites).0),
                Err(why) if reask.is_none() => reask = Some(why),
                Err(why) => return Err(ProviderError::InvalidOutput(why)),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_map_to_their_codes() {
        let cases = [
            (ProviderError::Timeout("t".into()), ErrorCode::ProviderTimeout),
            (ProviderError::Throttled("t".into()), ErrorCode::ProviderThrottled),
            (ProviderError::Failed("t".into()), ErrorCode::ProviderError),
            (ProviderError::InvalidOutput("t".into()), ErrorCode::SchemaValidationFailed),
        ];
        for (e, code) in cases {
            assert_eq!(e.code(), code);
            let core: resumax_core::Error = e.into();
            assert_eq!(core.code, code);
        }
    }
}
