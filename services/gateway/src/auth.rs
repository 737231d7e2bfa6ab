//! JWT bearer authentication: HS256 with a shared secret or RS256 with a public key.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

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
    keys: Arc<Keys>,
    validation: Arc<Validation>,
}

/// The keys tokens may be signed with.
enum Keys {
    /// None when the configured key was unusable: every token is then refused rather than the
    /// process failing at start from an infallible constructor.
    One(Option<DecodingKey>),
    /// An identity provider's JWKS document, keys chosen by the token's `kid`. Kept in a file the
    /// operator (or a sidecar) replaces to rotate keys: a `kid` not yet known reads the file
    /// again, at most once every few seconds, so a new key works without a restart.
    Set { path: PathBuf, reread: Duration, loaded: RwLock<LoadedSet> },
}

struct LoadedSet {
    by_kid: HashMap<String, DecodingKey>,
    read_at: Instant,
}

/// How often an unknown `kid` may make the JWKS file be read again.
pub const JWKS_REREAD: Duration = Duration::from_secs(5);

impl std::fmt::Debug for Auth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let keys = match &*self.keys {
            Keys::One(key) => format!("one usable: {}", key.is_some()),
            Keys::Set { path, .. } => format!("jwks {}", path.display()),
        };
        f.debug_struct("Auth").field("algorithms", &self.validation.algorithms).field("keys", &keys).finish()
    }
}

/// Reads a JWKS document: every RSA key with a `kid`.
fn read_jwks(path: &Path) -> Result<HashMap<String, DecodingKey>, Error> {
    let text = std::fs::read(path).map_err(|err| {
        Error::invalid_input(format!("cannot read the JWKS file {}: {err}", path.display()))
    })?;
    let set: jsonwebtoken::jwk::JwkSet = serde_json::from_slice(&text)
        .map_err(|err| Error::invalid_input(format!("{} is not a JWKS document: {err}", path.display())))?;
    let by_kid: HashMap<String, DecodingKey> = set
        .keys
        .iter()
        .filter(|jwk| matches!(jwk.algorithm, jsonwebtoken::jwk::AlgorithmParameters::RSA(_)))
        .filter_map(|jwk| Some((jwk.common.key_id.clone()?, DecodingKey::from_jwk(jwk).ok()?)))
        .collect();
    if by_kid.is_empty() {
        return Err(Error::invalid_input(format!("{} holds no RSA key with a kid", path.display())));
    }
    Ok(by_kid)
}

impl Auth {
    /// HS256 with a shared secret. An empty secret accepts no token at all.
    pub fn hs256(secret: &[u8]) -> Self {
        let key = match DecodingKey::from_secret(secret) {
            Ok(key) => Some(key),
            Err(err) => {
                tracing::error!(%err, "jwt secret is unusable: every request will be refused");
                None
            }
        };
        Auth { keys: Arc::new(Keys::One(key)), validation: Arc::new(validation(Algorithm::HS256)) }
    }

    /// RS256 with the identity provider's public key (PEM, PKCS#1 or SPKI).
    pub fn rs256_public_pem(pem: &[u8]) -> Result<Self, Error> {
        let key = DecodingKey::from_rsa_pem(pem)
            .map_err(|err| Error::invalid_input(format!("jwt public key is not a valid rsa pem: {err}")))?;
        Ok(Auth { keys: Arc::new(Keys::One(Some(key))), validation: Arc::new(validation(Algorithm::RS256)) })
    }

    /// RS256 with the keys of a JWKS document kept in a file (`RESUMAX_JWT_JWKS_FILE`); tokens
    /// name their key by `kid`, and replacing the file rotates keys without a restart (an unknown
    /// `kid` reads it again, at most once per `reread`; [`JWKS_REREAD`] in the product).
    pub fn rs256_jwks_file(path: &Path, reread: Duration) -> Result<Self, Error> {
        let by_kid = read_jwks(path)?;
        let loaded = RwLock::new(LoadedSet { by_kid, read_at: Instant::now() });
        Ok(Auth {
            keys: Arc::new(Keys::Set { path: path.to_path_buf(), reread, loaded }),
            validation: Arc::new(validation(Algorithm::RS256)),
        })
    }

    /// The key a token says it is signed with.
    fn key_for(&self, token: &str) -> Result<DecodingKey, Error> {
        match &*self.keys {
            Keys::One(key) => key.clone().ok_or_else(|| unauthorized("token cannot be verified")),
            Keys::Set { path, reread, loaded } => {
                let kid = jsonwebtoken::decode_header(token)
                    .map_err(|_| unauthorized("token is invalid"))?
                    .kid
                    .ok_or_else(|| unauthorized("token names no key (kid)"))?;
                let known = |set: &LoadedSet| set.by_kid.get(&kid).cloned();
                let stale = {
                    let set = loaded.read().unwrap_or_else(std::sync::PoisonError::into_inner);
                    if let Some(key) = known(&set) {
                        return Ok(key);
                    }
                    set.read_at.elapsed() >= *reread
                };
                if stale {
                    match read_jwks(path) {
                        Ok(by_kid) => {
                            let mut set = loaded.write().unwrap_or_else(std::sync::PoisonError::into_inner);
                            *set = LoadedSet { by_kid, read_at: Instant::now() };
                            if let Some(key) = known(&set) {
                                return Ok(key);
                            }
                        }
                        // A file half-written during rotation: keep the keys we had, and do
                        // not read it again on every request.
                        Err(err) => {
                            tracing::warn!(%err, "re-reading the JWKS file failed");
                            loaded.write().unwrap_or_else(std::sync::PoisonError::into_inner).read_at =
                                Instant::now();
                        }
                    }
                }
                Err(unauthorized("token is signed by an unknown key"))
            }
        }
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
        let key = self.key_for(token)?;
        let data = jsonwebtoken::decode::<Claims>(token, &key, &self.validation).map_err(|err| {
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
