use async_trait::async_trait;
use resumax_core::ErrorCode;
use resumax_core::job_description::ParsedJobDescription;
use resumax_core::optimization::{Strategy, Suggestion};
use resumax_core::resume::ParsedResume;
use resumax_core::score::MatchReport;

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

#[derive(Debug, thiserror::Error)]
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

#[async_trait]
pub trait Provider: Send + Sync {
    fn name(&self) -> &str;
    fn model(&self) -> &str;
    async fn suggest(&self, request: &RewriteRequest) -> Result<Vec<Suggestion>, ProviderError>;
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
