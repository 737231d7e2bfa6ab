//! The outermost middleware: request id, tracing span, and rendering of every error body.

use std::time::Instant;

use axum::body::Body;
use axum::extract::{FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderName, HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;
use resumax_core::ErrorCode;
use tracing::Instrument;

use crate::error::{ApiError, ErrorInfo, info_for_unmarked};

pub const REQUEST_ID_HEADER: HeaderName = HeaderName::from_static("x-request-id");

/// The id of the current request, available to handlers as an extractor.
#[derive(Debug, Clone)]
pub struct RequestId(pub String);

impl<S: Send + Sync> FromRequestParts<S> for RequestId {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        // Always present behind the middleware; a fresh id keeps a misconfigured router working.
        Ok(parts
            .extensions
            .get::<RequestId>()
            .cloned()
            .unwrap_or_else(|| RequestId(uuid::Uuid::new_v4().to_string())))
    }
}

/// An incoming id is reused only when it is a short token of safe characters, so it cannot
/// inject anything into logs or headers.
fn sane_request_id(value: &HeaderValue) -> Option<String> {
    let text = value.to_str().ok()?;
    let ok = !text.is_empty()
        && text.len() <= 128
        && text.bytes().all(|b| {
            b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b':' | b'/' | b'+' | b'=')
        });
    ok.then(|| text.to_string())
}

pub async fn request_context(mut request: Request, next: Next) -> Response {
    let request_id = request
        .headers()
        .get(&REQUEST_ID_HEADER)
        .and_then(sane_request_id)
        .unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
    request.extensions_mut().insert(RequestId(request_id.clone()));

    let method = request.method().clone();
    let path = request.uri().path().to_string();
    let span = tracing::info_span!(
        "http_request",
        // The OpenTelemetry span kind, for trace viewers; ignored when export is off.
        otel.kind = "server",
        request_id = %request_id,
        method = %method,
        path = %path,
        user = tracing::field::Empty,
    );
    // A caller that traces (a browser SDK, another service, a load balancer) sends `traceparent`:
    // the request joins its trace instead of starting one.
    let incoming_trace =
        resumax_telemetry::otel::trace_context_from(|name| request.headers().get(name)?.to_str().ok());
    resumax_telemetry::set_parent(&span, &incoming_trace);
    let started = Instant::now();
    let response = next.run(request).instrument(span.clone()).await;
    let mut response = render_error(response, &request_id);
    let status = response.status();
    span.in_scope(|| {
        let elapsed_ms = started.elapsed().as_millis() as u64;
        if status.is_server_error() {
            tracing::error!(status = status.as_u16(), elapsed_ms, "request failed");
        } else {
            tracing::info!(status = status.as_u16(), elapsed_ms, "request finished");
        }
    });
    if let Ok(value) = HeaderValue::from_str(&request_id) {
        response.headers_mut().insert(REQUEST_ID_HEADER, value);
    }
    response
}

/// Gives every error response the contract body. Marked responses carry their code; anything
/// else with an error status (axum's 405, a caught panic) is classified by status.
fn render_error(response: Response, request_id: &str) -> Response {
    let status = response.status();
    let info = response.extensions().get::<ErrorInfo>().cloned();
    let info = match info {
        Some(info) => info,
        None if status.is_client_error() || status.is_server_error() => info_for_unmarked(status),
        None => return response,
    };
    if matches!(info.code, ErrorCode::Internal | ErrorCode::StorageError | ErrorCode::QueueFailed) {
        // The cause was logged where the error was created; this ties it to the request.
        tracing::warn!(request_id, code = %info.code, message = %info.message, "infrastructure error");
    }
    let body = serde_json::json!({
        "code": info.code.as_str(),
        "message": info.message,
        "requestId": request_id,
    });
    let (mut parts, _) = response.into_parts();
    parts.headers.remove(header::CONTENT_LENGTH);
    parts.headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    Response::from_parts(parts, Body::from(body.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn an_incoming_traceparent_becomes_the_parent_of_the_request_span() {
        let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
        // Current-thread runtime: the server's tasks run under this thread's subscriber.
        let _guard = resumax_telemetry::otel::testing::trace_ids_for_this_thread();
        let (seen, mut handled) = tokio::sync::mpsc::unbounded_channel();
        let app = axum::Router::new()
            .route(
                "/traced",
                axum::routing::get(move || {
                    let span = tracing::Span::current();
                    let name = span.metadata().map(|m| m.name()).unwrap_or_default();
                    let _ = seen.send((name, resumax_telemetry::trace_id(&span)));
                    async { "ok" }
                }),
            )
            .layer(axum::middleware::from_fn(request_context));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/traced", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await });
        let client = reqwest::Client::new();

        let traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
        let response = client.get(&url).header("traceparent", traceparent).send().await.unwrap();
        assert!(response.status().is_success());
        let (name, trace) = handled.recv().await.unwrap();
        assert_eq!(name, "http_request");
        assert_eq!(trace.as_deref(), Some("4bf92f3577b34da6a3ce929d0e0e4736"));

        // Without one, or with garbage, the request starts a trace of its own.
        for header in [None, Some("00-zz-not-a-trace-01")] {
            let mut request = client.get(&url);
            if let Some(value) = header {
                request = request.header("traceparent", value);
            }
            assert!(request.send().await.unwrap().status().is_success());
            let (_, trace) = handled.recv().await.unwrap();
            assert!(trace.is_some());
            assert_ne!(trace.as_deref(), Some("4bf92f3577b34da6a3ce929d0e0e4736"));
        }
    }
}
