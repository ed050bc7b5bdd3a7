//! Client-side rate limiting: one token bucket per (account, mode, endpoint class), so a
//! burst of calls stays under Stripe's limits instead of collecting 429s.
//!
//! Stripe allows 100 requests/s in live mode and 25 in test mode, with the Files API at 20/s
//! on top of that. A 429 that still gets through pauses the whole bucket for the backoff
//! time, so concurrent calls on the same account wait together instead of piling on.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Which limit a call counts against.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EndpointClass {
    /// Everything but files.
    General,
    /// `files.stripe.com` and `/v1/files`: a lower limit of its own.
    Files,
}

/// Requests per second per bucket.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RateLimits {
    /// Live mode, general endpoints.
    pub live_per_sec: f64,
    /// Test mode, general endpoints.
    pub test_per_sec: f64,
    /// Files endpoints, either mode.
    pub files_per_sec: f64,
}

impl Default for RateLimits {
    /// Stripe's published limits, kept a little under the line.
    fn default() -> Self {
        RateLimits {
            live_per_sec: 90.0,
            test_per_sec: 22.0,
            files_per_sec: 18.0,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct BucketKey {
    account: String,
    live: bool,
    class: EndpointClass,
}

#[derive(Debug)]
struct Bucket {
    tokens: f64,
    rate: f64,
    last: Instant,
    paused_until: Option<Instant>,
}

/// The shared limiter; one per [`super::Client`] (clones share it).
#[derive(Debug)]
pub struct RateLimiter {
    limits: RateLimits,
    buckets: Mutex<HashMap<BucketKey, Bucket>>,
}

impl RateLimiter {
    /// A limiter with the given limits.
    #[must_use]
    pub fn new(limits: RateLimits) -> RateLimiter {
        RateLimiter {
            limits,
            buckets: Mutex::new(HashMap::new()),
        }
    }

    fn rate_for(&self, live: bool, class: EndpointClass) -> f64 {
        let rate = match (class, live) {
            (EndpointClass::Files, _) => self.limits.files_per_sec,
            (EndpointClass::General, true) => self.limits.live_per_sec,
            (EndpointClass::General, false) => self.limits.test_per_sec,
        };
        rate.max(0.1)
    }

    /// How long the caller must wait before its call may go; takes the token when zero.
    fn reserve(&self, account: &str, live: bool, class: EndpointClass) -> Duration {
        let key = BucketKey {
            account: account.to_owned(),
            live,
            class,
        };
        let rate = self.rate_for(live, class);
        let now = Instant::now();
        let mut buckets = self
            .buckets
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let bucket = buckets.entry(key).or_insert(Bucket {
            tokens: rate,
            rate,
            last: now,
            paused_until: None,
        });
        if let Some(until) = bucket.paused_until {
            if until > now {
                return until - now;
            }
            bucket.paused_until = None;
        }
        let elapsed = now.duration_since(bucket.last).as_secs_f64();
        bucket.tokens = (bucket.tokens + elapsed * bucket.rate).min(bucket.rate);
        bucket.last = now;
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            Duration::ZERO
        } else {
            Duration::from_secs_f64((1.0 - bucket.tokens) / bucket.rate)
        }
    }

    /// Waits until a call on this bucket may go.
    pub async fn acquire(&self, account: &str, live: bool, class: EndpointClass) {
        loop {
            let wait = self.reserve(account, live, class);
            if wait.is_zero() {
                return;
            }
            tokio::time::sleep(wait).await;
        }
    }

    /// Pauses the bucket for `pause` after a 429, so every call on it backs off together.
    pub fn penalize(&self, account: &str, live: bool, class: EndpointClass, pause: Duration) {
        let key = BucketKey {
            account: account.to_owned(),
            live,
            class,
        };
        let rate = self.rate_for(live, class);
        let now = Instant::now();
        let mut buckets = self
            .buckets
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let bucket = buckets.entry(key).or_insert(Bucket {
            tokens: 0.0,
            rate,
            last: now,
            paused_until: None,
        });
        let until = now + pause;
        bucket.paused_until = Some(bucket.paused_until.map_or(until, |u| u.max(until)));
        bucket.tokens = 0.0;
        bucket.last = until;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bucket_lets_a_burst_through_then_spaces_calls() {
        let limiter = RateLimiter::new(RateLimits {
            live_per_sec: 100.0,
            test_per_sec: 5.0,
            files_per_sec: 2.0,
        });
        for _ in 0..5 {
            assert!(
                limiter
                    .reserve("acct_a", false, EndpointClass::General)
                    .is_zero()
            );
        }
        let wait = limiter.reserve("acct_a", false, EndpointClass::General);
        assert!(wait > Duration::from_millis(100) && wait <= Duration::from_millis(200));
        // Other accounts, modes and the files class have buckets of their own.
        assert!(
            limiter
                .reserve("acct_b", false, EndpointClass::General)
                .is_zero()
        );
        assert!(
            limiter
                .reserve("acct_a", true, EndpointClass::General)
                .is_zero()
        );
        assert!(
            limiter
                .reserve("acct_a", false, EndpointClass::Files)
                .is_zero()
        );
        assert!(
            limiter
                .reserve("acct_a", false, EndpointClass::Files)
                .is_zero()
        );
        assert!(
            !limiter
                .reserve("acct_a", false, EndpointClass::Files)
                .is_zero()
        );
    }

    #[test]
    fn a_429_pauses_the_whole_bucket() {
        let limiter = RateLimiter::new(RateLimits::default());
        limiter.penalize("", false, EndpointClass::General, Duration::from_secs(2));
        let wait = limiter.reserve("", false, EndpointClass::General);
        assert!(wait > Duration::from_millis(1500), "{wait:?}");
        assert!(limiter.reserve("", true, EndpointClass::General).is_zero());
    }
}
