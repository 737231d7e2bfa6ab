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
use resumax_core::Error;
use resumax_core::api::{
    ExportApi, MAX_JOB_DESCRIPTION_BYTES, MAX_RESUME_BYTES, OptimizationApi, ParsingApi,
};
use tower_http::catch_panic::CatchPanicLayer;
use utoipa::OpenApi as _;
use utoipa_axum::router::{OpenApiRouter, UtoipaMethodRouterExt};
use utoipa_axum::routes;

mod auth;
mod browser;
mod context;
mod error;
mod extract;
mod handlers;
mod json;
mod openapi;
mod rate_limit;
mod serve;
mod upload;

pub use auth::{Auth, Caller, JWKS_REREAD, issue_token};
pub use browser::BrowserPolicy;
pub use context::{REQUEST_ID_HEADER, RequestId, request_context};
pub use error::ApiError;
pub use json::{OptimizationView, optimization_json};
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

/// All API routes plus `/healthz`, `/openapi.json` and `/docs`. `/readyz`, `/metrics` and the
/// page are added by the binary.
pub fn router(gateway: Gateway) -> Router {
    let (open, mut document) = open_routes().split_for_parts();
    let (api, api_document) = authenticated_routes().split_for_parts();
    document.merge(api_document);
    let api = api
        // Route layers run only for matched routes, so an unknown path stays 404, not 401. The
        // one added last runs first: authenticate, then count the request against its user.
        .route_layer(from_fn_with_state(gateway.rate_limit.clone(), rate_limit::limit))
        .route_layer(from_fn_with_state(gateway.auth.clone(), auth::require_auth));
    Router::new()
        .merge(open)
        .merge(api)
        .merge(openapi::viewer(openapi::complete(document)))
        .fallback(handlers::not_found)
        .layer(DefaultBodyLimit::max(JSON_BODY_LIMIT))
        .layer(CatchPanicLayer::custom(panic_response))
        .layer(from_fn_with_state(gateway.browser.clone(), browser::policy))
        // Outermost, so ids, spans and error bodies cover every response, rejections included.
        .layer(from_fn(context::request_context))
        .with_state(gateway)
}

// Each route is registered once: `routes!` adds the handler to the router and its
// `#[utoipa::path]` to the document, so the two cannot list different routes.

/// Routes that need no token.
fn open_routes() -> OpenApiRouter<Gateway> {
    OpenApiRouter::with_openapi(openapi::ApiDoc::openapi()).routes(routes!(handlers::healthz))
}

/// Routes behind the bearer token (and the rate limit).
fn authenticated_routes() -> OpenApiRouter<Gateway> {
    let resume_limit = DefaultBodyLimit::max(MAX_RESUME_BYTES + upload::MULTIPART_OVERHEAD);
    let job_description_limit = DefaultBodyLimit::max(MAX_JOB_DESCRIPTION_BYTES + upload::MULTIPART_OVERHEAD);
    OpenApiRouter::new()
        .routes(routes!(handlers::upload_resume).layer(resume_limit))
        .routes(routes!(handlers::get_resume, handlers::delete_resume))
        .routes(routes!(handlers::create_job_description).layer(job_description_limit))
        .routes(routes!(handlers::get_job_description))
        .routes(routes!(handlers::start_optimization))
        .routes(routes!(handlers::get_optimization))
        .routes(routes!(handlers::get_score))
        .routes(routes!(handlers::optimization_events))
        .routes(routes!(handlers::accept_optimization))
        .routes(routes!(handlers::list_versions))
        .routes(routes!(handlers::get_version))
        .routes(routes!(handlers::get_export))
        .routes(routes!(handlers::download_export))
}

/// The OpenAPI document `/openapi.json` serves.
pub fn openapi() -> utoipa::openapi::OpenApi {
    let mut document = open_routes().into_openapi();
    document.merge(authenticated_routes().into_openapi());
    openapi::complete(document)
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
