//! Structured errors of the REST contract: `{code, message, requestId}` with the status of the code.
//!
//! Handlers and extractors return [`ApiError`]; it only marks the response with an [`ErrorInfo`]
//! extension. The request-context middleware (which knows the request id) renders the body, so an
//! error raised anywhere, including axum's own rejections, leaves with the same shape.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use resumax_core::{Error, ErrorCode};

/// The error of a handler or extractor; wraps the domain error so `?` works on service calls.
#[derive(Debug)]
pub struct ApiError(pub Error);

impl From<Error> for ApiError {
    fn from(error: Error) -> Self {
        ApiError(error)
    }
}

impl ApiError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        ApiError(Error::new(code, message))
    }
    pub fn invalid_input(message: impl Into<String>) -> Self {
        ApiError(Error::invalid_input(message))
    }
}

/// What the middleware needs to render an error body; carried as a response extension.
#[derive(Debug, Clone)]
pub struct ErrorInfo {
    pub code: ErrorCode,
    pub message: String,
}

/// The status of a code, as fixed by the contract; never fails on an unknown number.
pub fn status_of(code: ErrorCode) -> StatusCode {
    StatusCode::from_u16(code.http_status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        error_response(status_of(self.0.code), self.0.code, self.0.message)
    }
}

/// A bodiless response marked for rendering; the status may differ from the code's (405).
pub fn error_response(status: StatusCode, code: ErrorCode, message: String) -> Response {
    let mut response = status.into_response();
    response.extensions_mut().insert(ErrorInfo { code, message });
    response
}

/// Classifies an error response that did not come from [`ApiError`] (axum's 405, a caught panic,
/// a layer's rejection) so that it still gets a contract code.
pub fn info_for_unmarked(status: StatusCode) -> ErrorInfo {
    let (code, message) = match status {
        StatusCode::NOT_FOUND => (ErrorCode::NotFound, "route not found"),
        StatusCode::METHOD_NOT_ALLOWED => (ErrorCode::InvalidInput, "method not allowed on this route"),
        StatusCode::PAYLOAD_TOO_LARGE => (ErrorCode::SizeExceeded, "request body is too large"),
        StatusCode::UNSUPPORTED_MEDIA_TYPE => (ErrorCode::UnsupportedFormat, "unsupported content type"),
        StatusCode::UNAUTHORIZED => (ErrorCode::Unauthorized, "authentication required"),
        StatusCode::TOO_MANY_REQUESTS => (ErrorCode::RateLimited, "too many requests"),
        s if s.is_client_error() => (ErrorCode::InvalidInput, "invalid request"),
        StatusCode::SERVICE_UNAVAILABLE => (ErrorCode::StorageError, "service unavailable"),
        _ => (ErrorCode::Internal, "internal error"),
    };
    ErrorInfo { code, message: message.to_string() }
}

/// Axum's rejection texts start with a capital letter; the contract's messages are lowercase.
pub fn lowercase_first(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}
