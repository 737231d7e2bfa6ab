//! Per-user rate limit: a token bucket per user id (the JWT `sub`), refilled continuously. Over
//! the limit a request gets 429 `rate_limited` with `Retry-After`. The buckets live in this
//! process: with several gateway replicas each enforces its own share.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::extract::{Request, State};
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use resumax_core::ErrorCode;

use crate::auth::Caller;
use crate::error::ApiError;

#[derive(Clone)]
pub struct RateLimit {
    inner: Option<Arc<Buckets>>,
}

struct Buckets {
    /// Tokens per bucket when full (the burst) and the refill rate per second.
    capacity: f64,
    per_second: f64,
    buckets: Mutex<HashMap<String, (f64, Instant)>>,
}

/// Beyond this many users, full buckets are forgotten (a full bucket is the same as no bucket).
const FORGET_ABOVE: usize = 10_000;

impl RateLimit {
    /// `per_minute` requests per user, with bursts up to the same number; 0 disables the limit.
    pub fn per_minute(per_minute: u32) -> RateLimit {
        if per_minute == 0 {
            return RateLimit::disabled();
        }
        let capacity = f64::from(per_minute);
        RateLimit {
            inner: Some(Arc::new(Buckets {
                capacity,
                per_second: capacity / 60.0,
                buckets: Mutex::new(HashMap::new()),
            })),
        }
    }

    pub fn disabled() -> RateLimit {
        RateLimit { inner: None }
    }

    /// Takes a token for `user`; `Err(wait)` when none is left.
    fn take(&self, user: &str, now: Instant) -> Result<(), Duration> {
        let Some(limits) = &self.inner else { return Ok(()) };
        let mut buckets = limits.buckets.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if buckets.len() > FORGET_ABOVE {
            buckets.retain(|_, (tokens, at)| {
                *tokens + now.duration_since(*at).as_secs_f64() * limits.per_second < limits.capacity
            });
        }
        let (tokens, at) = buckets.entry(user.to_string()).or_insert((limits.capacity, now));
        *tokens = (*tokens + now.duration_since(*at).as_secs_f64() * limits.per_second).min(limits.capacity);
        *at = now;
        if *tokens >= 1.0 {
            *tokens -= 1.0;
            Ok(())
        } else {
            Err(Duration::from_secs_f64((1.0 - *tokens) / limits.per_second))
        }
    }
}

/// Runs after authentication, so the caller is known.
pub async fn limit(State(limit): State<RateLimit>, request: Request, next: Next) -> Response {
    let user = request.extensions().get::<Caller>().map(|caller| caller.user.as_str().to_string());
    if let Some(user) = user
        && let Err(wait) = limit.take(&user, Instant::now())
    {
        let seconds = wait.as_secs().max(1);
        let mut response =
            ApiError::new(ErrorCode::RateLimited, format!("too many requests: retry in {seconds} s"))
                .into_response();
        response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        return response;
    }
    next.run(request).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_burst_is_allowed_then_refused_until_tokens_refill() {
        let limit = RateLimit::per_minute(3);
        let start = Instant::now();
        for _ in 0..3 {
            assert!(limit.take("alice", start).is_ok());
        }
        let wait = limit.take("alice", start).unwrap_err();
        assert!(wait > Duration::from_secs(19) && wait <= Duration::from_secs(20), "{wait:?}");
        // Another user has a bucket of their own.
        assert!(limit.take("bob", start).is_ok());
        // One token comes back every 20 s.
        assert!(limit.take("alice", start + Duration::from_secs(21)).is_ok());
        assert!(limit.take("alice", start + Duration::from_secs(21)).is_err());
    }

    #[test]
    fn zero_disables_the_limit() {
        let limit = RateLimit::per_minute(0);
        let now = Instant::now();
        assert!((0..1000).all(|_| limit.take("alice", now).is_ok()));
    }
}
