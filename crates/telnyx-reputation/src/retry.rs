//! Retry policy: which failures are retried for which operation class, how long to wait,
//! and the loop that runs an attempt function under that policy.
//!
//! The per-operation class lives in the operations table (`operations`); the decision table lives in
//! [`should_retry`]; the delay in [`RetryConfig::delay`]. Sleeping goes through an injectable
//! [`Sleeper`] and jitter through an injectable [`Jitter`] so tests assert exact schedules.
//! Error classification does not belong here (see `error`).

use std::fmt;
use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures::future::BoxFuture;
use reqwest::header::HeaderMap;
use tracing::Instrument;

use crate::Error;

/// Base of the exponential backoff: 0.5 s × 2^n.
const BACKOFF_BASE: Duration = Duration::from_millis(500);

/// Waits between attempts. The default is `tokio::time::sleep`; tests inject a recorder.
pub trait Sleeper: Send + Sync + fmt::Debug {
    /// Wait for `duration`.
    fn sleep(&self, duration: Duration) -> BoxFuture<'static, ()>;
}

/// Sleeps with `tokio::time::sleep`.
#[derive(Debug, Default, Clone, Copy)]
pub struct TokioSleeper;

impl Sleeper for TokioSleeper {
    fn sleep(&self, duration: Duration) -> BoxFuture<'static, ()> {
        Box::pin(tokio::time::sleep(duration))
    }
}

/// Picks the actual delay in `[0, ceiling]` (full jitter). Inject a fixed one for tests.
pub trait Jitter: Send + Sync + fmt::Debug {
    /// A duration between zero and `ceiling`, inclusive.
    fn pick(&self, ceiling: Duration) -> Duration;
}

/// Uniform full jitter from `fastrand`.
#[derive(Debug, Default, Clone, Copy)]
pub struct RandomJitter;

impl Jitter for RandomJitter {
    fn pick(&self, ceiling: Duration) -> Duration {
        ceiling.mul_f64(fastrand::f64())
    }
}

/// No jitter: always wait the full ceiling. Deterministic, for tests.
#[derive(Debug, Default, Clone, Copy)]
pub struct NoJitter;

impl Jitter for NoJitter {
    fn pick(&self, ceiling: Duration) -> Duration {
        ceiling
    }
}

/// How an operation may be retried (rows of the retries table, docs/architecture.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RetryClass {
    /// GET (not fresh), PUT, PATCH, DELETE, ToS agree, LOA render:
    /// connection errors, timeouts, 408, 429, 5xx.
    Idempotent,
    /// Billable or non-idempotent POSTs and `fresh=true` reads: only a connect failure
    /// before the request was sent, or 429.
    NotIdempotent,
}

/// An operation as the retry loop and the tracing span see it (the table is `operations`).
pub(crate) type Op = crate::operations::Operation;

/// True when `error` proves the server did not process the request: the connection could
/// not be established, or it answered 429. Only then is a billable request retried, and only
/// then does the cost guard give its budget back.
pub(crate) fn provably_not_processed(error: &Error) -> bool {
    matches!(
        error,
        Error::RateLimited(_)
            | Error::Connection {
                before_send: true,
                ..
            }
    )
}

/// Whether `error` may be retried for an operation of `class`. 409 is never retried.
pub(crate) fn should_retry(class: RetryClass, error: &Error) -> bool {
    if provably_not_processed(error) {
        return true;
    }
    match (class, error) {
        (RetryClass::NotIdempotent, _) => false,
        (RetryClass::Idempotent, Error::Connection { .. } | Error::Timeout { .. }) => true,
        (RetryClass::Idempotent, Error::Server(_)) => true,
        (RetryClass::Idempotent, Error::Api(e)) => e.status == 408,
        _ => false,
    }
}

/// Retry settings of a client.
#[derive(Debug, Clone)]
pub(crate) struct RetryConfig {
    pub(crate) max_retries: u32,
    pub(crate) cap: Duration,
    pub(crate) deadline: Option<Duration>,
    pub(crate) sleeper: Arc<dyn Sleeper>,
    pub(crate) jitter: Arc<dyn Jitter>,
}

impl Default for RetryConfig {
    fn default() -> Self {
        RetryConfig {
            max_retries: 2,
            cap: Duration::from_secs(8),
            deadline: None,
            sleeper: Arc::new(TokioSleeper),
            jitter: Arc::new(RandomJitter),
        }
    }
}

/// The backoff ceiling before the `retry`-th retry (0-based): `min(0.5 s × 2^retry, cap)`.
pub(crate) fn backoff_ceiling(retry: u32, cap: Duration) -> Duration {
    let factor = 2u32.saturating_pow(retry.min(31));
    BACKOFF_BASE.saturating_mul(factor).min(cap)
}

impl RetryConfig {
    /// The wait before the `retry`-th retry, or `None` when the server asked for longer
    /// than the cap (the caller then gets the error and its `retry_after`).
    pub(crate) fn delay(&self, retry: u32, error: &Error) -> Option<Duration> {
        match error.retry_after() {
            Some(hint) if hint > self.cap => None,
            Some(hint) => Some(hint),
            None => Some(self.jitter.pick(backoff_ceiling(retry, self.cap))),
        }
    }

    /// Run `attempt` until it succeeds, fails in a way `op` must not retry, or retries run out.
    pub(crate) async fn run<T, F, Fut>(&self, op: Op, mut attempt: F) -> Result<T, Error>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<T, Error>>,
    {
        let started = Instant::now();
        let mut waited = Duration::ZERO;
        let mut retry = 0;
        loop {
            // Boxed: an attempt's future (the generated call, its hooks and decoding) is
            // large, and every async frame above would otherwise hold a copy of it (an
            // unoptimised build overflowed a 2 MiB thread stack in the monitor's service).
            let result = traced(op, retry + 1, Box::pin(attempt())).await;
            let error = match result {
                Ok(value) => return Ok(value),
                Err(error) => error,
            };
            if retry >= self.max_retries || !should_retry(op.retry_class(), &error) {
                return Err(match op.retry_class() {
                    RetryClass::NotIdempotent => error.after_sending_not_idempotent(),
                    RetryClass::Idempotent => error,
                });
            }
            let Some(delay) = self.delay(retry, &error) else {
                return Err(error);
            };
            if self.past_deadline(started.elapsed().max(waited) + delay) {
                return Err(error);
            }
            tracing::debug!(
                method = op.method(),
                path = op.path(),
                delay_ms = delay.as_millis() as u64,
                error = %error,
                "retrying"
            );
            self.sleeper.sleep(delay).await;
            waited += delay;
            retry += 1;
        }
    }

    fn past_deadline(&self, elapsed: Duration) -> bool {
        self.deadline.is_some_and(|deadline| elapsed > deadline)
    }
}

/// One attempt inside a `tracing` span naming the method, path template, attempt and status.
async fn traced<T, Fut>(op: Op, attempt: u32, fut: Fut) -> Result<T, Error>
where
    Fut: Future<Output = Result<T, Error>>,
{
    let span = tracing::info_span!(
        "telnyx_reputation.request",
        method = op.method(),
        path = op.path(),
        attempt,
        status = tracing::field::Empty,
    );
    let result = fut.instrument(span.clone()).await;
    match &result {
        Ok(_) => span.record("status", "ok"),
        Err(e) => match e.status() {
            Some(status) => span.record("status", status),
            None => span.record("status", e.kind().code()),
        },
    };
    result
}

/// The server's pacing hint: `retry-after-ms`, then `Retry-After` (seconds or HTTP date),
/// then `x-ratelimit-reset` (seconds until the window resets).
pub(crate) fn server_retry_hint(headers: &HeaderMap) -> Option<Duration> {
    let text = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::trim)
    };
    text("retry-after-ms")
        .and_then(parse_millis)
        .or_else(|| text("retry-after").and_then(parse_retry_after))
        .or_else(|| text("x-ratelimit-reset").and_then(parse_seconds))
}

fn parse_millis(value: &str) -> Option<Duration> {
    // Whole milliseconds exactly; fractions through f64.
    if let Ok(ms) = value.parse::<u64>() {
        return Some(Duration::from_millis(ms));
    }
    let ms: f64 = value.parse().ok()?;
    Duration::try_from_secs_f64(ms / 1000.0).ok()
}

fn parse_seconds(value: &str) -> Option<Duration> {
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let secs: f64 = value.parse().ok()?;
    Duration::try_from_secs_f64(secs).ok()
}

/// `Retry-After` is either delta-seconds or an HTTP date.
fn parse_retry_after(value: &str) -> Option<Duration> {
    parse_seconds(value).or_else(|| {
        let when = chrono::DateTime::parse_from_rfc2822(value).ok()?;
        let delta = when.with_timezone(&chrono::Utc) - chrono::Utc::now();
        Some(delta.to_std().unwrap_or(Duration::ZERO))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::{HttpError, classify_status};

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, v.parse().unwrap());
        }
        h
    }

    #[test]
    fn backoff_doubles_from_half_a_second_up_to_the_cap() {
        let cap = Duration::from_secs(8);
        let ceilings: Vec<u128> = (0..7)
            .map(|n| backoff_ceiling(n, cap).as_millis())
            .collect();
        assert_eq!(ceilings, [500, 1000, 2000, 4000, 8000, 8000, 8000]);
        assert_eq!(backoff_ceiling(100, cap), cap);
        assert_eq!(
            backoff_ceiling(3, Duration::from_secs(1)),
            Duration::from_secs(1)
        );
    }

    #[test]
    fn full_jitter_stays_within_the_ceiling() {
        let ceiling = Duration::from_secs(2);
        for _ in 0..100 {
            assert!(RandomJitter.pick(ceiling) <= ceiling);
        }
    }

    #[test]
    fn hints_prefer_ms_then_retry_after_then_reset() {
        let h = headers(&[
            ("retry-after-ms", "250"),
            ("retry-after", "3"),
            ("x-ratelimit-reset", "9"),
        ]);
        assert_eq!(server_retry_hint(&h), Some(Duration::from_millis(250)));
        let h = headers(&[("retry-after", "3"), ("x-ratelimit-reset", "9")]);
        assert_eq!(server_retry_hint(&h), Some(Duration::from_secs(3)));
        let h = headers(&[("x-ratelimit-reset", "9")]);
        assert_eq!(server_retry_hint(&h), Some(Duration::from_secs(9)));
        assert_eq!(
            server_retry_hint(&headers(&[("retry-after", "soon")])),
            None
        );
    }

    #[test]
    fn retry_after_http_date() {
        let when = chrono::Utc::now() + chrono::Duration::seconds(5);
        let value = when.to_rfc2822();
        let hint = parse_retry_after(&value).unwrap();
        assert!(
            hint <= Duration::from_secs(5) && hint >= Duration::from_secs(3),
            "{hint:?}"
        );
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT"),
            Some(Duration::ZERO)
        );
    }

    fn status(code: u16) -> Error {
        classify_status(code, &HeaderMap::new(), vec![])
    }

    #[test]
    fn decision_table() {
        use RetryClass::*;
        let connect = Error::Connection {
            message: String::new(),
            before_send: true,
            outcome_unknown: false,
        };
        let broken = Error::Connection {
            message: String::new(),
            before_send: false,
            outcome_unknown: false,
        };
        for (class, error, expected) in [
            (Idempotent, status(500), true),
            (Idempotent, status(503), true),
            (Idempotent, status(408), true),
            (Idempotent, status(429), true),
            (Idempotent, status(409), false),
            (Idempotent, status(404), false),
            (Idempotent, broken.clone(), true),
            (Idempotent, connect.clone(), true),
            (NotIdempotent, status(500), false),
            (NotIdempotent, status(408), false),
            (NotIdempotent, status(409), false),
            (NotIdempotent, status(429), true),
            (NotIdempotent, broken, false),
            (NotIdempotent, connect, true),
        ] {
            assert_eq!(should_retry(class, &error), expected, "{class:?} {error}");
        }
    }

    #[test]
    fn server_hint_beyond_cap_gives_up() {
        let config = RetryConfig {
            jitter: Arc::new(NoJitter),
            ..RetryConfig::default()
        };
        let rate_limited = |secs| {
            Error::RateLimited(HttpError {
                status: 429,
                retry_after: Some(Duration::from_secs(secs)),
                ..HttpError::default()
            })
        };
        assert_eq!(
            config.delay(0, &rate_limited(3)),
            Some(Duration::from_secs(3))
        );
        assert_eq!(config.delay(0, &rate_limited(30)), None);
        assert_eq!(config.delay(2, &status(500)), Some(Duration::from_secs(2)));
    }
}
