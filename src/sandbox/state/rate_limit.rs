//! Stripe's rate limits, per account and mode: 25 requests a second in test mode and 100 in
//! live mode (`reference/stripe-api.md`), each account on its own (a platform's requests made
//! as a connected account count against that account). A token bucket per account holds four
//! seconds' worth, so a client that paces itself never meets it and one that floods does,
//! with the 429 Stripe sends.

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};
use std::time::Instant;

use super::ledger::LedgerKey;

/// Requests a second in test mode.
pub(crate) const TEST_PER_SEC: f64 = 25.0;
/// Requests a second in live mode.
pub(crate) const LIVE_PER_SEC: f64 = 100.0;
/// Seconds' worth of requests a bucket holds.
const BURST_SECS: f64 = 4.0;

#[derive(Debug)]
struct Bucket {
    tokens: f64,
    last: Instant,
}

/// The buckets of every account that made a request.
#[derive(Debug, Default)]
pub(crate) struct RateLimits {
    buckets: Mutex<HashMap<LedgerKey, Bucket>>,
}

impl RateLimits {
    /// Takes one request from `key`'s bucket at `now`; false when it is empty (answer 429).
    pub fn admit(&self, key: &LedgerKey, now: Instant) -> bool {
        let rate = if key.live { LIVE_PER_SEC } else { TEST_PER_SEC };
        let capacity = rate * BURST_SECS;
        let mut buckets = self.buckets.lock().unwrap_or_else(PoisonError::into_inner);
        let bucket = buckets.entry(key.clone()).or_insert(Bucket {
            tokens: capacity,
            last: now,
        });
        let elapsed = now.saturating_duration_since(bucket.last).as_secs_f64();
        bucket.tokens = (bucket.tokens + elapsed * rate).min(capacity);
        bucket.last = now;
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            true
        } else {
            false
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[test]
    fn each_account_has_its_own_limit_and_it_refills() {
        let limits = RateLimits::default();
        let start = Instant::now();
        let seller = |n: u32| LedgerKey {
            account: Some(format!("acct_1Seller{n}")),
            live: false,
        };
        let burst = (TEST_PER_SEC * BURST_SECS) as usize;
        let admitted = (0..burst + 10)
            .filter(|_| limits.admit(&seller(1), start))
            .count();
        assert_eq!(admitted, burst, "a flood meets the limit");
        assert!(
            limits.admit(&seller(2), start),
            "another seller is not slowed"
        );
        // A second later, 25 more.
        let later = start + Duration::from_secs(1);
        let refilled = (0..40).filter(|_| limits.admit(&seller(1), later)).count();
        assert_eq!(refilled, TEST_PER_SEC as usize);
    }
}
