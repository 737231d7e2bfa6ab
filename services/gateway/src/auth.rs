//! JWT bearer authentication: HS256 with a shared secret or RS256 with a public key.

use std::sync::Arc;
use std::time::Duration;

use axum::extract::{FromRequestParts, Request, State};
use axum::http::header;
use axum::http::request::Parts;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use resumax_core::ids::UserId;
use resumax_core::{Error, ErrorCode};
use serde::{Deserialize, Deserializer, Serialize};

use crate::error::ApiError;

/// Verifies bearer tokens. Cheap to clone.
#[derive(Clone)]
pub struct Auth {
    // None when the configured key was unusable: every token is then refused rather than the
    // process failing at start from an infallible constructor.
    key: Option<Arc<DecodingKey>>,
    validation: Arc<Validation>,
}

impl std::fmt::Debug for Auth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Auth")
            .field("algorithms", &self.validation.algorithms)
            .field("usable_key", &self.key.is_some())
            .finish()
    }
}

impl Auth {
    /// HS256 with a shared secret. An empty secret accepts no token at all.
    pub fn hs256(secret: &[u8]) -> Self {
        let key = match DecodingKey::from_secret(secret) {
            Ok(key) => Some(Arc::new(key)),
            Err(err) => {
                tracing::error!(%err, "jwt secret is unusable: every request will be refused");
                None
            }
        };
        Auth { key, validation: Arc::new(validation(Algorithm::HS256)) }
    }

    /// RS256 with the identity provider's public key (PEM, PKCS#1 or SPKI).
    pub fn rs256_public_pem(pem: &[u8]) -> Result<Self, Error> {
        let key = DecodingKey::from_rsa_pem(pem)
            .map_err(|err| Error::invalid_input(format!("jwt public key is not a valid rsa pem: {err}")))?;
        Ok(Auth { key: Some(Arc::new(key)), validation: Arc::new(validation(Algorithm::RS256)) })
    }

    /// Also require the `aud` claim to name one of these audiences.
    pub fn with_audience(mut self, audiences: &[&str]) -> Self {
        let mut validation = (*self.validation).clone();
        validation.set_audience(audiences);
        validation.validate_aud = true;
        validation.required_spec_claims.insert("aud".to_string());
        self.validation = Arc::new(validation);
        self
    }

    /// Also require the `iss` claim to be exactly this issuer.
    pub fn with_issuer(mut self, issuer: &str) -> Self {
        let mut validation = (*self.validation).clone();
        validation.set_issuer(&[issuer]);
        validation.required_spec_claims.insert("iss".to_string());
        self.validation = Arc::new(validation);
        self
    }

    /// Verifies a raw token (without the `Bearer ` prefix).
    pub fn verify(&self, token: &str) -> Result<Caller, Error> {
        let key = self.key.as_ref().ok_or_else(|| unauthorized("token cannot be verified"))?;
        let data = jsonwebtoken::decode::<Claims>(token, key, &self.validation).map_err(|err| {
            tracing::debug!(%err, "token rejected");
            use jsonwebtoken::errors::ErrorKind;
            match err.kind() {
                ErrorKind::ExpiredSignature => unauthorized("token has expired"),
                ErrorKind::ImmatureSignature => unauthorized("token is not valid yet"),
                ErrorKind::InvalidIssuer => unauthorized("token is from another issuer"),
                ErrorKind::InvalidAudience => unauthorized("token is for another audience"),
                _ => unauthorized("token is invalid"),
            }
        })?;
        // The subject exactly as signed: " alice " is not alice, and no normalisation may turn
        // one user's token into another's.
        let user = UserId::parse(&data.claims.sub)
            .ok()
            .filter(|u| u.as_str() == data.claims.sub)
            .ok_or_else(|| unauthorized("token subject is not a valid user id"))?;
        Ok(Caller { user, email_verified: data.claims.email_verified })
    }
}

fn validation(algorithm: Algorithm) -> Validation {
    let mut validation = Validation::new(algorithm);
    validation.set_required_spec_claims(&["exp", "sub"]);
    // A token whose `nbf` lies ahead is not valid yet (jsonwebtoken leaves this check off).
    validation.validate_nbf = true;
    // No audience is configured by default (DESIGN.md names none); tokens from providers that set
    // `aud` must still pass. `with_audience` turns the check on.
    validation.validate_aud = false;
    validation.leeway = 30;
    validation
}

fn unauthorized(message: &str) -> Error {
    Error::new(ErrorCode::Unauthorized, message)
}

#[derive(Debug, Serialize, Deserialize)]
struct Claims {
    sub: String,
    #[serde(default, deserialize_with = "bool_or_string")]
    email_verified: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    iat: Option<u64>,
    exp: u64,
}

// Some identity providers (Cognito) send `email_verified` as the string "true".
fn bool_or_string<'de, D: Deserializer<'de>>(deserializer: D) -> Result<bool, D::Error> {
    Ok(match serde_json::Value::deserialize(deserializer)? {
        serde_json::Value::Bool(b) => b,
        serde_json::Value::String(s) => s.eq_ignore_ascii_case("true"),
        _ => false,
    })
}

/// Mints a token for the embedded mode's key: sub=user, email_verified, exp = now + ttl.
pub fn issue_token(secret: &[u8], user: &str, email_verified: bool, ttl: Duration) -> Result<String, Error> {
    let user = UserId::parse(user).map_err(|_| Error::invalid_input("user id is not valid"))?;
    let key = EncodingKey::from_secret(secret).map_err(|_| Error::invalid_input("jwt secret is empty"))?;
    let now = jsonwebtoken::get_current_timestamp();
    let claims = Claims {
        sub: user.as_str().to_string(),
        email_verified,
        iat: Some(now),
        exp: now.saturating_add(ttl.as_secs()),
    };
    jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &key)
        .map_err(|err| Error::internal("signing the token", err))
}

/// The authenticated caller, put into the request by [`require_auth`].
#[derive(Debug, Clone)]
pub struct Caller {
    pub user: UserId,
    pub email_verified: bool,
}

impl<S: Send + Sync> FromRequestParts<S> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        // Absent only on a route mounted without the auth layer: refuse rather than run unscoped.
        parts
            .extensions
            .get::<Caller>()
            .cloned()
            .ok_or_else(|| ApiError::new(ErrorCode::Unauthorized, "authentication required"))
    }
}

/// A caller whose token says `email_verified: true`; required to start optimizations.
#[derive(Debug, Clone)]
pub struct VerifiedCaller(pub Caller);

impl<S: Send + Sync> FromRequestParts<S> for VerifiedCaller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let caller = Caller::from_request_parts(parts, state).await?;
        if !caller.email_verified {
            return Err(ApiError::new(ErrorCode::NotVerified, "verify your email address to optimize"));
        }
        Ok(VerifiedCaller(caller))
    }
}

/// Route layer: every API route requires a valid bearer token.
pub async fn require_auth(State(auth): State<Auth>, mut request: Request, next: Next) -> Response {
    let token = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            let (scheme, token) = v.trim().split_once(' ')?;
            scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
        })
        .filter(|t| !t.is_empty());
    let Some(token) = token else {
        return ApiError::new(ErrorCode::Unauthorized, "missing bearer token").into_response();
    };
    match auth.verify(token) {
        Ok(caller) => {
            tracing::Span::current().record("user", caller.user.as_str());
            request.extensions_mut().insert(caller);
            next.run(request).await
        }
        Err(err) => ApiError(err).into_response(),
    }
}
