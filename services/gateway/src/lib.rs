//! Gateway: REST (axum) in front of the service traits. It authenticates (JWT bearer), gives every
//! request an id and a tracing span, validates input, calls the parsing, optimization and export
//! services through their traits, and answers errors as `{code, message, requestId}`. It owns no
//! tables, so the router runs the same over in-process services and gRPC clients.

use std::any::Any;
use std::sync::Arc;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::middleware::{from_fn, from_fn_with_state};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use resumax_core::Error;
use resumax_core::api::{
    ExportApi, MAX_JOB_DESCRIPTION_BYTES, MAX_RESUME_BYTES, OptimizationApi, ParsingApi,
};
use tower_http::catch_panic::CatchPanicLayer;

mod auth;
mod browser;
mod context;
mod error;
mod extract;
mod handlers;
mod json;
mod rate_limit;
mod serve;
mod upload;

pub use auth::{Auth, Caller, JWKS_REREAD, issue_token};
pub use browser::BrowserPolicy;
pub use context::{REQUEST_ID_HEADER, RequestId, request_context};
pub use error::ApiError;
pub use json::optimization_json;
pub use rate_limit::RateLimit;
pub use serve::{HttpLimits, serve};

/// The services the gateway calls; each may be the service itself or its gRPC client.
#[derive(Clone)]
pub struct Gateway {
    pub parsing: Arc<dyn ParsingApi>,
    pub optimization: Arc<dyn OptimizationApi>,
    pub export: Arc<dyn ExportApi>,
    pub auth: Auth,
    pub rate_limit: RateLimit,
    pub browser: BrowserPolicy,
}

/// JSON bodies are small (ids, flags, change ids); uploads get their own larger limits.
const JSON_BODY_LIMIT: usize = 1024 * 1024;

/// All API routes plus `/healthz`. `/readyz`, `/metrics` and the page are added by the binary.
pub fn router(gateway: Gateway) -> Router {
    let resume_limit = DefaultBodyLimit::max(MAX_RESUME_BYTES + upload::MULTIPART_OVERHEAD);
    let job_description_limit = DefaultBodyLimit::max(MAX_JOB_DESCRIPTION_BYTES + upload::MULTIPART_OVERHEAD);
    let api = Router::new()
        .route("/resumes", post(handlers::upload_resume).layer(resume_limit))
        .route("/resumes/{id}", get(handlers::get_resume).delete(handlers::delete_resume))
        .route("/job-descriptions", post(handlers::create_job_description).layer(job_description_limit))
        .route("/job-descriptions/{id}", get(handlers::get_job_description))
        .route("/optimize", post(handlers::start_optimization))
        .route("/optimize/{id}", get(handlers::get_optimization))
        .route("/optimize/{id}/score", get(handlers::get_score))
        .route("/optimize/{id}/events", get(handlers::optimization_events))
        .route("/optimize/{id}/accept", post(handlers::accept_optimization))
        .route("/versions", get(handlers::list_versions))
        .route("/versions/{id}", get(handlers::get_version))
        .route("/exports/{id}", get(handlers::get_export))
        .route("/exports/{id}/download", get(handlers::download_export))
        // Route layers run only for matched routes, so an unknown path stays 404, not 401. The
        // one added last runs first: authenticate, then count the request against its user.
        .route_layer(from_fn_with_state(gateway.rate_limit.clone(), rate_limit::limit))
        .route_layer(from_fn_with_state(gateway.auth.clone(), auth::require_auth));

    Router::new()
        .route("/healthz", get(handlers::healthz))
        .merge(api)
        .fallback(handlers::not_found)
        .layer(DefaultBodyLimit::max(JSON_BODY_LIMIT))
        .layer(CatchPanicLayer::custom(panic_response))
        .layer(from_fn_with_state(gateway.browser.clone(), browser::policy))
        // Outermost, so ids, spans and error bodies cover every response, rejections included.
        .layer(from_fn(context::request_context))
        .with_state(gateway)
}

// A panic is a bug, never the client's fault: log it and answer a plain internal error.
fn panic_response(panic: Box<dyn Any + Send + 'static>) -> Response {
    let detail = panic
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| panic.downcast_ref::<&str>().copied())
        .unwrap_or("non-string panic payload");
    ApiError(Error::internal("handling the request", format!("handler panicked: {detail}"))).into_response()
}
