//! The pieces of the resilience stack: an injectable clock (tests advance time instead of
//! sleeping), exponential backoff with jitter, and a circuit breaker per provider.
//!
//! Small and own rather than a crate: the chain needs the recorded waits and the breaker state
//! for metrics and tests, and a retry crate would hide both (ADR 0011).

use std::collections::VecDeque;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use async_trait::async_trait;
use serde::Serialize;

/// Time as the chain sees it: monotonic `now` and `sleep`.
#[async_trait]
pub trait Clock: Send + Sync {
    /// Time since an arbitrary fixed origin.
    fn now(&self) -> Duration;
    async fn sleep(&self, duration: Duration);
}

/// The real clock.
#[derive(Debug)]
pub struct SystemClock {
    origin: Instant,
}

impl Default for SystemClock {
    fn default() -> Self {
        SystemClock { origin: Instant::now() }
    }
}

#[async_trait]
impl Clock for SystemClock {
    fn now(&self) -> Duration {
        self.origin.elapsed()
    }
    async fn sleep(&self, duration: Duration) {
        tokio::time::sleep(duration).await;
    }
}

/// A clock for tests: `sleep` returns at once and moves time forward; `advance` moves it by hand.
#[derive(Debug, Default)]
pub struct ManualClock {
    now: Mutex<Duration>,
    slept: Mutex<Vec<Duration>>,
}

impl ManualClock {
    pub fn advance(&self, by: Duration) {
        let mut now = self.now.lock().unwrap_or_else(|p| p.into_inner());
        *now += by;
    }
    /// Every wait asked of this clock, in order.
    pub fn slept(&self) -> Vec<Duration> {
        self.slept.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }
}

#[async_trait]
impl Clock for ManualClock {
    fn now(&self) -> Duration {
        *self.now.lock().unwrap_or_else(|p| p.into_inner())
    }
    async fn sleep(&self, duration: Duration) {
        self.slept.lock().unwrap_or_else(|p| p.into_inner()).push(duration);
        self.advance(duration);
    }
}

/// When a breaker opens and how long it stays open.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BreakerSettings {
    /// Outcomes remembered.
    pub window: usize,
    /// No verdict before this many outcomes in the window.
    pub min_calls: usize,
    /// Opens when this share of the window failed.
    pub failure_rate: f64,
    /// Open this long, then one trial call (half-open).
    pub cool_down: Duration,
}

impl Default for BreakerSettings {
    fn default() -> Self {
        BreakerSettings { window: 20, min_calls: 5, failure_rate: 0.5, cool_down: Duration::from_secs(30) }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CircuitState {
    Closed,
    Open,
    HalfOpen,
}

#[derive(Debug)]
struct BreakerInner {
    state: CircuitState,
    outcomes: VecDeque<bool>,
    opened_at: Duration,
    trial_in_flight: bool,
}

/// A circuit breaker over recent call outcomes.
#[derive(Debug)]
pub struct CircuitBreaker {
    settings: BreakerSettings,
    inner: Mutex<BreakerInner>,
}

impl CircuitBreaker {
    pub fn new(settings: BreakerSettings) -> Self {
        CircuitBreaker {
            settings,
            inner: Mutex::new(BreakerInner {
                state: CircuitState::Closed,
                outcomes: VecDeque::new(),
                opened_at: Duration::ZERO,
                trial_in_flight: false,
            }),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, BreakerInner> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The state at `now` (an open breaker past its cool-down reads as half-open).
    pub fn state(&self, now: Duration) -> CircuitState {
        let inner = self.lock();
        match inner.state {
            CircuitState::Open if now >= inner.opened_at + self.settings.cool_down => CircuitState::HalfOpen,
            s => s,
        }
    }

    /// Whether a call may go out now. Half-open lets exactly one trial through.
    pub fn allow(&self, now: Duration) -> bool {
        let mut inner = self.lock();
        match inner.state {
            CircuitState::Closed => true,
            CircuitState::Open if now >= inner.opened_at + self.settings.cool_down => {
                inner.state = CircuitState::HalfOpen;
                inner.trial_in_flight = true;
                true
            }
            CircuitState::Open => false,
            CircuitState::HalfOpen if !inner.trial_in_flight => {
                inner.trial_in_flight = true;
                true
            }
            CircuitState::HalfOpen => false,
        }
    }

    pub fn record(&self, now: Duration, success: bool) {
        let mut inner = self.lock();
        match inner.state {
            CircuitState::HalfOpen => {
                inner.trial_in_flight = false;
                inner.outcomes.clear();
                if success {
                    inner.state = CircuitState::Closed;
                } else {
                    inner.state = CircuitState::Open;
                    inner.opened_at = now;
                }
            }
            CircuitState::Open => {}
            CircuitState::Closed => {
                inner.outcomes.push_back(success);
                while inner.outcomes.len() > self.settings.window.max(1) {
                    inner.outcomes.pop_front();
                }
                let calls = inner.outcomes.len();
                let failures = inner.outcomes.iter().filter(|ok| !**ok).count();
                if calls >= self.settings.min_calls.max(1)
                    && failures as f64 >= self.settings.failure_rate * calls as f64
                {
                    tracing::warn!(failures, calls, "circuit opens");
                    inner.state = CircuitState::Open;
                    inner.opened_at = now;
                    inner.outcomes.clear();
                }
            }
        }
    }
}

/// Exponential backoff with jitter: attempt n waits between half and all of
/// `min(base * 2^n, max)`, so concurrent workers do not retry in step.
pub fn backoff(base: Duration, max: Duration, retry: u32, jitter: f64) -> Duration {
    let full = base.saturating_mul(1u32.checked_shl(retry).unwrap_or(u32::MAX)).min(max);
    full.mul_f64(0.5 + 0.5 * jitter.clamp(0.0, 1.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_and_is_capped() {
        let (b, m) = (Duration::from_millis(100), Duration::from_secs(1));
        assert_eq!(backoff(b, m, 0, 1.0), Duration::from_millis(100));
        assert_eq!(backoff(b, m, 1, 1.0), Duration::from_millis(200));
        assert_eq!(backoff(b, m, 1, 0.0), Duration::from_millis(100));
        assert_eq!(backoff(b, m, 9, 1.0), Duration::from_secs(1));
        assert_eq!(backoff(b, m, 40, 1.0), Duration::from_secs(1));
    }

    #[test]
    fn breaker_opens_on_failure_rate_and_half_opens_after_cool_down() {
        let settings = BreakerSettings {
            window: 4,
            min_calls: 4,
            failure_rate: 0.75,
            cool_down: Duration::from_secs(10),
        };
        let b = CircuitBreaker::new(settings);
        let t = Duration::from_secs;
        for ok in [true, false, false] {
            assert!(b.allow(t(0)));
            b.record(t(0), ok);
        }
        assert_eq!(b.state(t(0)), CircuitState::Closed, "3 calls are below the minimum");
        b.record(t(1), false);
        assert_eq!(b.state(t(1)), CircuitState::Open);
        assert!(!b.allow(t(5)));
        assert_eq!(b.state(t(11)), CircuitState::HalfOpen);
        assert!(b.allow(t(11)));
        assert!(!b.allow(t(11)), "one trial at a time");
        b.record(t(11), false);
        assert_eq!(b.state(t(12)), CircuitState::Open, "a failed trial reopens");
        assert!(b.allow(t(21)));
        b.record(t(21), true);
        assert_eq!(b.state(t(21)), CircuitState::Closed);
    }
}
