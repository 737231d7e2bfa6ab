//! One closed set of error codes shared by REST, gRPC and the queue workers.
//!
//! Each code knows its HTTP status and its gRPC code, so every transport maps errors the same way
//! and a gRPC client can rebuild the exact error a local call would have returned.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
#[derive(strum::IntoStaticStr, strum::EnumString, strum::VariantArray)]
#[strum(serialize_all = "snake_case")]
pub enum ErrorCode {
    InvalidInput,
    Unauthorized,
    NotVerified,
    NotFound,
    ParseNotReady,
    /// A `clientRequestId` reused with other parameters, or a run of another strategy under way
    /// for the same resume and posting.
    Conflict,
    InsufficientCredits,
    SizeExceeded,
    UnsupportedFormat,
    ParseFailed,
    RateLimited,
    StorageError,
    QueueFailed,
    Internal,
    // Failure codes recorded inside a failed optimization.
    ProviderTimeout,
    ProviderThrottled,
    ProviderError,
    SchemaValidationFailed,
    Timeout,
}

impl ErrorCode {
    pub const ALL: &'static [ErrorCode] = <ErrorCode as strum::VariantArray>::VARIANTS;

    pub fn as_str(self) -> &'static str {
        self.into()
    }

    pub fn parse(code: &str) -> Option<ErrorCode> {
        code.parse().ok()
    }

    /// HTTP status of the REST contract (DESIGN.md section 5).
    pub fn http_status(self) -> u16 {
        match self {
            ErrorCode::InvalidInput => 400,
            ErrorCode::Unauthorized => 401,
            ErrorCode::InsufficientCredits => 402,
            ErrorCode::NotVerified => 403,
            ErrorCode::NotFound => 404,
            ErrorCode::ParseNotReady | ErrorCode::Conflict => 409,
            ErrorCode::SizeExceeded => 413,
            ErrorCode::UnsupportedFormat => 415,
            ErrorCode::ParseFailed | ErrorCode::SchemaValidationFailed => 422,
            ErrorCode::RateLimited | ErrorCode::ProviderThrottled => 429,
            ErrorCode::StorageError | ErrorCode::QueueFailed => 503,
            ErrorCode::ProviderTimeout | ErrorCode::Timeout => 504,
            ErrorCode::ProviderError => 502,
            ErrorCode::Internal => 500,
        }
    }

    /// Numeric gRPC status code (tonic::Code has the same numbering); kept as a number so this
    /// crate does not depend on the transport.
    pub fn grpc_code(self) -> i32 {
        match self {
            ErrorCode::InvalidInput | ErrorCode::UnsupportedFormat | ErrorCode::ParseFailed => 3,
            ErrorCode::Unauthorized => 16,
            ErrorCode::NotVerified => 7,
            ErrorCode::NotFound => 5,
            ErrorCode::ParseNotReady | ErrorCode::InsufficientCredits => 9,
            ErrorCode::Conflict => 10,
            ErrorCode::SizeExceeded | ErrorCode::RateLimited | ErrorCode::ProviderThrottled => 8,
            ErrorCode::StorageError | ErrorCode::QueueFailed | ErrorCode::ProviderError => 14,
            ErrorCode::ProviderTimeout | ErrorCode::Timeout => 4,
            ErrorCode::SchemaValidationFailed | ErrorCode::Internal => 13,
        }
    }
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An error with a code from the closed set and a message safe to show to the client.
/// The cause chain, when there is one, goes to the logs where the error is created.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{code}: {message}")]
pub struct Error {
    pub code: ErrorCode,
    pub message: String,
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Error { code, message: message.into() }
    }
    pub fn invalid_input(message: impl Into<String>) -> Self {
        Error::new(ErrorCode::InvalidInput, message)
    }
    pub fn not_found(what: &str) -> Self {
        Error::new(ErrorCode::NotFound, format!("{what} not found"))
    }
    /// An infrastructure failure: the message names the operation, the cause is logged here.
    pub fn internal(operation: &str, cause: impl std::fmt::Display) -> Self {
        log_cause(operation, &cause);
        Error::new(ErrorCode::Internal, format!("{operation} failed"))
    }
    pub fn storage(operation: &str, cause: impl std::fmt::Display) -> Self {
        log_cause(operation, &cause);
        Error::new(ErrorCode::StorageError, format!("{operation} failed: storage unavailable"))
    }
    pub fn queue(operation: &str, cause: impl std::fmt::Display) -> Self {
        log_cause(operation, &cause);
        Error::new(ErrorCode::QueueFailed, format!("{operation} failed: queue unavailable"))
    }
}

// The client sees only the operation; the cause goes to the log, inside the caller's span.
fn log_cause(operation: &str, cause: &dyn std::fmt::Display) {
    tracing::error!(operation, %cause, "infrastructure failure");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_round_trips_through_its_name() {
        assert_eq!(ErrorCode::ALL.len(), 19);
        for &code in ErrorCode::ALL {
            assert_eq!(ErrorCode::parse(code.as_str()), Some(code));
            let json = serde_json::to_string(&code).unwrap();
            assert_eq!(json, format!("\"{}\"", code.as_str()));
        }
    }

    #[test]
    fn contract_statuses() {
        assert_eq!(ErrorCode::InvalidInput.http_status(), 400);
        assert_eq!(ErrorCode::NotFound.http_status(), 404);
        assert_eq!(ErrorCode::ParseNotReady.http_status(), 409);
        assert_eq!(ErrorCode::UnsupportedFormat.http_status(), 415);
        assert_eq!(ErrorCode::ParseFailed.http_status(), 422);
    }
}
