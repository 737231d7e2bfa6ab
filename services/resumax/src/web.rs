//! The web page at `/`: plain HTML, CSS and JavaScript compiled into the binary, so `make run`
//! serves it with nothing else installed. The page calls the REST API on the same origin with a
//! bearer token; in the embedded mode it can get one from `POST /dev/token`.
//!
//! These routes sit outside the gateway router, so they set their own browser headers: the API's
//! `default-src 'none'` would stop the page from loading its own script and styles.

use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use resumax_gateway::ApiError;
use serde::Deserialize;

const INDEX_HTML: &str = include_str!("../web/index.html");
const APP_JS: &str = include_str!("../web/app.js");
const APP_CSS: &str = include_str!("../web/app.css");
const ICON_SVG: &str = include_str!("../web/icon.svg");

/// Same origin only, no inline script or style, no framing; `blob:` lets a download be handed to
/// the browser after the page fetched it with its token.
const PAGE_CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; \
     connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/// How long a dev sign-in lasts.
const DEV_TOKEN_TTL: Duration = Duration::from_secs(12 * 3600);

/// The page and its assets; with `dev_secret`, also `POST /dev/token`, which signs a token for
/// any user name with that key. Pass it only for the key the embedded mode generated itself and
/// a loopback address: with a configured key, tokens come from the identity provider.
pub fn router(dev_secret: Option<Vec<u8>>) -> Router {
    let page = Router::new()
        .route("/", get(|| async { asset("text/html; charset=utf-8", INDEX_HTML) }))
        .route("/app.js", get(|| async { asset("text/javascript; charset=utf-8", APP_JS) }))
        .route("/app.css", get(|| async { asset("text/css; charset=utf-8", APP_CSS) }))
        .route("/icon.svg", get(|| async { asset("image/svg+xml", ICON_SVG) }));
    let page = match dev_secret {
        // `GET` tells the page that dev sign-in is on; `POST` signs.
        Some(secret) => page.route(
            "/dev/token",
            get(|| async { StatusCode::NO_CONTENT }).post(move |body: Bytes| dev_token(secret.clone(), body)),
        ),
        None => page,
    };
    page.layer(axum::middleware::map_response(page_headers))
        .layer(axum::middleware::from_fn(resumax_gateway::request_context))
}

fn asset(content_type: &'static str, body: &'static str) -> Response {
    ([(header::CONTENT_TYPE, HeaderValue::from_static(content_type))], body).into_response()
}

async fn page_headers(mut response: Response) -> Response {
    let headers = response.headers_mut();
    for (name, value) in [
        ("content-security-policy", PAGE_CSP),
        ("x-content-type-options", "nosniff"),
        ("x-frame-options", "DENY"),
        ("referrer-policy", "no-referrer"),
        ("cross-origin-opener-policy", "same-origin"),
        ("cross-origin-resource-policy", "same-origin"),
    ] {
        headers.insert(name, HeaderValue::from_static(value));
    }
    // The assets are part of the binary: a new build must be seen on the next load.
    headers.entry(header::CACHE_CONTROL).or_insert(HeaderValue::from_static("no-cache"));
    response
}

#[derive(Deserialize)]
struct DevSignIn {
    user: String,
}

/// `POST /dev/token {user}` answers `{token, user}`: an email-verified token, as
/// `resumax token --user` prints.
async fn dev_token(secret: Vec<u8>, body: Bytes) -> Result<Response, ApiError> {
    let request: DevSignIn = serde_json::from_slice(&body)
        .map_err(|err| ApiError::invalid_input(format!("expected {{\"user\": \"name\"}}: {err}")))?;
    let user = request.user.trim();
    if user.is_empty() {
        return Err(ApiError::invalid_input("user must not be empty"));
    }
    let token = resumax_gateway::issue_token(&secret, user, true, DEV_TOKEN_TTL)?;
    let body = serde_json::json!({ "token": token, "user": user });
    Ok(([(header::CACHE_CONTROL, HeaderValue::from_static("no-store"))], axum::Json(body)).into_response())
}
