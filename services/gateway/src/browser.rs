//! What browsers are told: security headers on every response (the API serves personal data and
//! file downloads, so nothing is sniffed, framed, cached or leaked through a referrer) and a CORS
//! policy for the origins an operator allows (`RESUMAX_CORS_ORIGINS`). A preflight is answered
//! here, before authentication: browsers send it without credentials, so it must never be 401.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// The origins (scheme, host and port, e.g. `https://app.example.com`) whose pages may call the
/// API from a browser; empty allows none.
#[derive(Debug, Clone, Default)]
pub struct BrowserPolicy {
    allowed_origins: Arc<[String]>,
}

impl BrowserPolicy {
    pub fn allowing(origins: &[String]) -> Self {
        BrowserPolicy {
            allowed_origins: origins.iter().map(|o| o.trim_end_matches('/').to_string()).collect(),
        }
    }

    fn allows(&self, origin: &HeaderValue) -> bool {
        origin.to_str().is_ok_and(|o| self.allowed_origins.iter().any(|a| a == o))
    }
}

const ALLOWED_METHODS: &str = "GET, POST, DELETE, OPTIONS";
const ALLOWED_HEADERS: &str = "authorization, content-type, x-request-id";
const EXPOSED_HEADERS: &str = "x-request-id, retry-after";

const SECURITY_HEADERS: &[(&str, &str)] = &[
    ("x-content-type-options", "nosniff"),
    ("x-frame-options", "DENY"),
    ("referrer-policy", "no-referrer"),
    ("content-security-policy", "default-src 'none'; frame-ancestors 'none'"),
    ("cross-origin-resource-policy", "same-origin"),
    ("strict-transport-security", "max-age=31536000"),
];

/// Router layer: answers preflights and adds the headers.
pub async fn policy(State(policy): State<BrowserPolicy>, request: Request, next: Next) -> Response {
    let origin = request.headers().get(header::ORIGIN).cloned();
    let preflight = request.method() == Method::OPTIONS
        && request.headers().contains_key(header::ACCESS_CONTROL_REQUEST_METHOD);
    let mut response = if preflight {
        // An origin that is not allowed gets no allow headers, so the browser refuses the call.
        StatusCode::NO_CONTENT.into_response()
    } else {
        next.run(request).await
    };
    let headers = response.headers_mut();
    for (name, value) in SECURITY_HEADERS {
        if *name == "content-security-policy" && headers.contains_key(header::CONTENT_SECURITY_POLICY) {
            // A page (the API viewer) sets its own, narrower than the API's "nothing at all".
            continue;
        }
        headers.insert(*name, HeaderValue::from_static(value));
    }
    // Answers carry personal data; a download says the same itself.
    headers.entry(header::CACHE_CONTROL).or_insert(HeaderValue::from_static("no-store"));
    headers.append(header::VARY, HeaderValue::from_static("origin"));
    if let Some(origin) = origin.filter(|o| policy.allows(o)) {
        allow(headers, origin, preflight);
    }
    response
}

fn allow(headers: &mut HeaderMap, origin: HeaderValue, preflight: bool) {
    headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin);
    if preflight {
        headers.insert(header::ACCESS_CONTROL_ALLOW_METHODS, HeaderValue::from_static(ALLOWED_METHODS));
        headers.insert(header::ACCESS_CONTROL_ALLOW_HEADERS, HeaderValue::from_static(ALLOWED_HEADERS));
        headers.insert(header::ACCESS_CONTROL_MAX_AGE, HeaderValue::from_static("600"));
    } else {
        headers.insert(header::ACCESS_CONTROL_EXPOSE_HEADERS, HeaderValue::from_static(EXPOSED_HEADERS));
    }
}
