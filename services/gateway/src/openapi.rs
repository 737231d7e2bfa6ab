//! The OpenAPI 3.1 document (`/openapi.json`) and its viewer (`/docs`, Swagger UI served from the
//! binary: the `vendored` feature embeds its assets at build time, no CDN).
//!
//! The API routes document themselves where they are registered (`routes!` in `lib.rs`); this
//! module adds the title, the bearer scheme, and the routes registered elsewhere: the document
//! and viewer here, `/readyz` and `/metrics` by the binary.

use axum::Router;
use axum::http::{HeaderValue, header};
use axum::response::Response;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{OpenApi, SecurityRequirement};
use utoipa::{Modify, OpenApi as _};
use utoipa_swagger_ui::SwaggerUi;

use crate::Gateway;
use crate::json::ErrorBody;

pub const DOCUMENT_PATH: &str = "/openapi.json";
pub const VIEWER_PATH: &str = "/docs";

#[derive(utoipa::OpenApi)]
#[openapi(
    info(
        title = "resuMAX",
        description = "Aligns a resume to a job description: parse, score, truthful rewrites, a \
                       diff-first preview, saved versions and exports. JSON in camelCase; every \
                       error is `{code, message, requestId}` with the codes of the contract."
    ),
    modifiers(&BearerToken),
    tags(
        (name = "resumes"), (name = "job descriptions"), (name = "optimizations"),
        (name = "versions"), (name = "exports"), (name = "operations"),
    ),
    components(schemas(ErrorBody)),
)]
pub(crate) struct ApiDoc;

struct BearerToken;

impl Modify for BearerToken {
    fn modify(&self, openapi: &mut OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .description(Some("`sub` is the user id; `email_verified: true` is needed to optimize"))
                    .build(),
            ),
        );
        // Every route needs the token unless it says `security(())`.
        openapi.security = Some(vec![SecurityRequirement::new("bearer", Vec::<String>::new())]);
    }
}

/// Liveness plus readiness of the database, storage and queue.
#[utoipa::path(get, path = "/readyz", tag = "operations", security(()),
    responses(
        (status = 200, body = Health, description = "`{status: \"ready\"}`"),
        (status = 503, body = ErrorBody, description = "`storage_error`: a backend is unreachable"),
    ))]
#[allow(dead_code)] // documents the binary's route
fn readyz() {}

/// Prometheus metrics, text format.
#[utoipa::path(get, path = "/metrics", tag = "operations", security(()),
    responses((status = 200, content_type = "text/plain", body = String)))]
#[allow(dead_code)] // documents the binary's route
fn metrics() {}

/// This document.
#[utoipa::path(get, path = "/openapi.json", tag = "operations", security(()),
    responses((status = 200, content_type = "application/json", body = Object)))]
#[allow(dead_code)] // served by the viewer's router
fn document() {}

/// The interactive viewer of this document (redirects to `/docs/`).
#[utoipa::path(get, path = "/docs", tag = "operations", security(()),
    responses((status = 303, description = "to `/docs/`, the Swagger UI page")))]
#[allow(dead_code)] // served by the viewer's router
fn viewer_page() {}

#[derive(utoipa::OpenApi)]
#[openapi(paths(readyz, metrics, document, viewer_page))]
struct Elsewhere;

use crate::json::Health;

/// The routes' document with the routes registered outside the gateway's router.
pub fn complete(mut document: OpenApi) -> OpenApi {
    document.merge(Elsewhere::openapi());
    document
}

/// `/openapi.json` and `/docs`. The viewer runs scripts and styles from its own origin, so it
/// gets a page CSP instead of the API's `default-src 'none'`.
pub fn viewer(document: OpenApi) -> Router<Gateway> {
    let viewer: Router<Gateway> = SwaggerUi::new(VIEWER_PATH).url(DOCUMENT_PATH, document).into();
    viewer.layer(axum::middleware::map_response(|mut response: Response| async move {
        if response.headers().get(header::CONTENT_TYPE).is_some_and(|v| v.as_bytes().starts_with(b"text/html")) {
            response.headers_mut().insert(
                header::CONTENT_SECURITY_POLICY,
                HeaderValue::from_static(
                    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'",
                ),
            );
        }
        response
    }))
}

#[cfg(test)]
mod tests {
    use serde_json::Value;

    fn document() -> Value {
        serde_json::to_value(crate::openapi()).unwrap()
    }

    #[test]
    fn is_openapi_3_1_with_a_bearer_scheme() {
        let doc = document();
        assert_eq!(doc["openapi"], "3.1.0");
        assert_eq!(doc["components"]["securitySchemes"]["bearer"]["scheme"], "bearer");
    }

    // The errors each route can answer are part of its contract: a route behind the token
    // documents 401 and 429, one with an `{id}` documents 400 and 404.
    #[test]
    fn every_operation_documents_its_errors() {
        let doc = document();
        for (path, item) in doc["paths"].as_object().unwrap() {
            for (method, operation) in item.as_object().unwrap() {
                let responses = operation["responses"].as_object().unwrap();
                let open = operation.get("security").is_some_and(|s| s == &serde_json::json!([{}]));
                if !open {
                    for status in ["401", "429"] {
                        assert!(responses.contains_key(status), "{method} {path} documents no {status}");
                    }
                }
                if path.contains("{id}") {
                    for status in ["400", "404"] {
                        assert!(responses.contains_key(status), "{method} {path} documents no {status}");
                    }
                }
                for (status, response) in responses {
                    if status.starts_with('4') || status.starts_with('5') {
                        let schema = &response["content"]["application/json"]["schema"]["$ref"];
                        assert_eq!(schema, "#/components/schemas/ErrorBody", "{method} {path} {status}");
                    }
                }
            }
        }
    }
}
