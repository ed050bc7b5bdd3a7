//! Fault injection: 429s with `Stripe-Should-Retry`, 500s, slow responses, and a dropped
//! connection after a write has been committed (the double-refund case).
//!
//! A [`FaultSpec`] is built in code or parsed from the command line:
//!
//! ```text
//! 429:0.3                      30% of requests get 429 (with Stripe-Should-Retry: true)
//! 429:x5@/v1/refunds           the next 5 requests whose path contains /v1/refunds get 429
//! 500:0.1                      10% of requests get 500
//! 500:after1@/v1/refunds       the first request to /v1/refunds passes, every later one gets 500
//! slow:2000                    every request waits 2 s before it is handled
//! slow:800@files               requests whose path contains "files" wait 0.8 s
//! drop-after-commit:refunds    every write to a path containing "refunds" is committed, then
//!                              the connection is closed before the answer (replays pass)
//! drop-after-commit:refunds:x1 the same, for the next write only
//! hang-after-commit:refunds    every write to a path containing "refunds" is committed, then
//!                              the answer is held back for two minutes (to kill the client
//!                              while it waits); `:xN` limits it to the next N writes
//! ```
//!
//! Items are joined with commas.

use std::fmt;
use std::str::FromStr;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use rand::Rng;

/// What a fault does.
#[derive(Debug, Clone, PartialEq)]
pub enum FaultKind {
    /// Answer 429 `rate_limit` before handling the request.
    RateLimited {
        /// Value of the `Stripe-Should-Retry` header.
        should_retry: bool,
    },
    /// Answer 500 `api_error` before handling the request.
    ServerError,
    /// Wait this long before handling the request.
    Slow(Duration),
    /// Handle the request; if it committed a write, close the connection instead of answering.
    DropAfterCommit,
    /// Handle the request; if it committed a write, hold the answer back for
    /// [`HANG_AFTER_COMMIT`], then close the connection.
    HangAfterCommit,
}

/// How long `hang-after-commit` holds an answer back (longer than a client's timeout).
pub const HANG_AFTER_COMMIT: Duration = Duration::from_mins(2);

/// When a fault fires.
#[derive(Debug, Clone, PartialEq)]
pub enum Trigger {
    /// On every matching request.
    Always,
    /// On each matching request with this probability (0 to 1).
    Probability(f64),
    /// On the next N matching requests, then never again.
    Next(u32),
    /// Not on the next N matching requests, then on every one.
    AfterFirst(u32),
}

/// One fault: what, when, and for which paths.
#[derive(Debug, Clone, PartialEq)]
pub struct FaultRule {
    /// What happens.
    pub kind: FaultKind,
    /// When it happens.
    pub trigger: Trigger,
    /// Only requests whose path contains this text (all requests when `None`).
    pub path: Option<String>,
}

impl FaultRule {
    /// A 429 with `Stripe-Should-Retry: true` on every request (narrow it with the builders).
    #[must_use]
    pub fn rate_limited() -> Self {
        FaultRule::new(FaultKind::RateLimited { should_retry: true })
    }

    /// A 500 on every request.
    #[must_use]
    pub fn server_error() -> Self {
        FaultRule::new(FaultKind::ServerError)
    }

    /// A delay before every request.
    #[must_use]
    pub fn slow(delay: Duration) -> Self {
        FaultRule::new(FaultKind::Slow(delay))
    }

    /// Commit the write, then drop the connection.
    #[must_use]
    pub fn drop_after_commit() -> Self {
        FaultRule::new(FaultKind::DropAfterCommit)
    }

    /// Commit the write, then hold the answer back.
    #[must_use]
    pub fn hang_after_commit() -> Self {
        FaultRule::new(FaultKind::HangAfterCommit)
    }

    fn new(kind: FaultKind) -> Self {
        FaultRule {
            kind,
            trigger: Trigger::Always,
            path: None,
        }
    }

    /// Only for paths containing `fragment` (for example `/v1/refunds`).
    #[must_use]
    pub fn on_path(mut self, fragment: impl Into<String>) -> Self {
        self.path = Some(fragment.into());
        self
    }

    /// Only the next `n` matching requests.
    #[must_use]
    pub fn next(mut self, n: u32) -> Self {
        self.trigger = Trigger::Next(n);
        self
    }

    /// Every matching request after the next `n` (which pass untouched).
    #[must_use]
    pub fn after(mut self, n: u32) -> Self {
        self.trigger = Trigger::AfterFirst(n);
        self
    }

    /// Each matching request with probability `p`.
    #[must_use]
    pub fn probability(mut self, p: f64) -> Self {
        self.trigger = Trigger::Probability(p.clamp(0.0, 1.0));
        self
    }

    /// For a 429: the `Stripe-Should-Retry` value to send.
    #[must_use]
    pub fn should_retry(mut self, retry: bool) -> Self {
        if let FaultKind::RateLimited { should_retry } = &mut self.kind {
            *should_retry = retry;
        }
        self
    }

    fn matches(&self, path: &str) -> bool {
        self.path.as_deref().is_none_or(|p| path.contains(p))
    }

    /// Decides whether the rule fires now, consuming one use of a `Next(n)` trigger.
    fn fire(&mut self) -> bool {
        match &mut self.trigger {
            Trigger::Always | Trigger::AfterFirst(0) => true,
            Trigger::Probability(p) => rand::rng().random::<f64>() < *p,
            Trigger::Next(0) => false,
            Trigger::Next(n) => {
                *n -= 1;
                true
            }
            Trigger::AfterFirst(n) => {
                *n -= 1;
                false
            }
        }
    }
}

/// A set of faults. The default is no faults.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FaultSpec {
    /// The rules, checked in order.
    pub rules: Vec<FaultRule>,
}

impl FaultSpec {
    /// No faults.
    #[must_use]
    pub fn none() -> Self {
        FaultSpec::default()
    }

    /// This spec plus `rule`.
    #[must_use]
    pub fn with(mut self, rule: FaultRule) -> Self {
        self.rules.push(rule);
        self
    }
}

/// Why a fault spec string was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("bad fault `{item}`: {reason}")]
pub struct FaultSpecError {
    /// The item that could not be read.
    pub item: String,
    /// What is wrong with it.
    pub reason: String,
}

impl FromStr for FaultSpec {
    type Err = FaultSpecError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let mut spec = FaultSpec::none();
        for item in s.split(',').map(str::trim).filter(|i| !i.is_empty()) {
            spec.rules.push(parse_item(item)?);
        }
        Ok(spec)
    }
}

fn parse_item(item: &str) -> Result<FaultRule, FaultSpecError> {
    let fail = |reason: &str| FaultSpecError {
        item: item.to_string(),
        reason: reason.to_string(),
    };
    let (head, path) = match item.split_once('@') {
        Some((h, p)) if !p.is_empty() => (h, Some(p.to_string())),
        Some(_) => return Err(fail("nothing after `@`; write a path such as @/v1/refunds")),
        None => (item, None),
    };
    let mut parts = head.split(':');
    let kind = parts.next().unwrap_or_default();
    let args: Vec<&str> = parts.collect();
    let count = |arg: &str| -> Option<u32> { arg.strip_prefix('x').and_then(|n| n.parse().ok()) };
    let mut rule = match kind {
        "429" | "500" => {
            let rule = if kind == "429" {
                FaultRule::rate_limited()
            } else {
                FaultRule::server_error()
            };
            match args.as_slice() {
                [arg] => {
                    if let Some(n) = count(arg) {
                        rule.next(n)
                    } else if let Some(n) = arg.strip_prefix("after") {
                        let n: u32 = n
                            .parse()
                            .map_err(|_| fail("expected a count after `after`, as in after1"))?;
                        rule.after(n)
                    } else {
                        let p: f64 = arg.parse().map_err(|_| {
                            fail("expected a probability such as 0.3 or a count such as x5")
                        })?;
                        if !(0.0..=1.0).contains(&p) {
                            return Err(fail("the probability must be between 0 and 1"));
                        }
                        rule.probability(p)
                    }
                }
                _ => {
                    return Err(fail(
                        "write it as 429:0.3, 429:x5 or 429:after2 (optionally @PATH)",
                    ));
                }
            }
        }
        "slow" => match args.as_slice() {
            [ms] => {
                let ms: u64 = ms
                    .parse()
                    .map_err(|_| fail("expected milliseconds, as in slow:2000"))?;
                FaultRule::slow(Duration::from_millis(ms))
            }
            _ => return Err(fail("write it as slow:MILLISECONDS (optionally @PATH)")),
        },
        "drop-after-commit" | "drop" | "hang-after-commit" => {
            let mut rule = if kind == "hang-after-commit" {
                FaultRule::hang_after_commit()
            } else {
                FaultRule::drop_after_commit()
            };
            for arg in args {
                if let Some(n) = count(arg) {
                    rule = rule.next(n);
                } else if !arg.is_empty() {
                    rule = rule.on_path(arg);
                }
            }
            rule
        }
        _ => {
            return Err(fail(
                "unknown kind; use 429, 500, slow, drop-after-commit or hang-after-commit",
            ));
        }
    };
    if let Some(path) = path {
        rule = rule.on_path(path);
    }
    Ok(rule)
}

impl fmt::Display for FaultSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.rules.is_empty() {
            return f.write_str("none");
        }
        for (i, rule) in self.rules.iter().enumerate() {
            if i > 0 {
                f.write_str(",")?;
            }
            let trigger = match rule.trigger {
                Trigger::Always => String::new(),
                Trigger::Probability(p) => p.to_string(),
                Trigger::Next(n) => format!("x{n}"),
                Trigger::AfterFirst(n) => format!("after{n}"),
            };
            match &rule.kind {
                FaultKind::RateLimited { .. } => write!(f, "429:{trigger}")?,
                FaultKind::ServerError => write!(f, "500:{trigger}")?,
                FaultKind::Slow(d) => write!(f, "slow:{}", d.as_millis())?,
                FaultKind::DropAfterCommit | FaultKind::HangAfterCommit => {
                    f.write_str(if rule.kind == FaultKind::DropAfterCommit {
                        "drop-after-commit"
                    } else {
                        "hang-after-commit"
                    })?;
                    if !trigger.is_empty() {
                        write!(f, ":{trigger}")?;
                    }
                }
            }
            if let Some(path) = &rule.path {
                write!(f, "@{path}")?;
            }
        }
        Ok(())
    }
}

/// What the server must do before handling a request.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Before {
    /// Total delay from `slow` faults.
    pub delay: Duration,
    /// A failure to answer with instead of handling the request.
    pub failure: Option<FaultKind>,
}

/// A shared, changeable fault spec: the running sandbox reads it on every request.
#[derive(Debug, Clone, Default)]
pub struct FaultsHandle(Arc<Mutex<FaultSpec>>);

impl FaultsHandle {
    /// A handle holding `spec`.
    #[must_use]
    pub fn new(spec: FaultSpec) -> Self {
        FaultsHandle(Arc::new(Mutex::new(spec)))
    }

    /// Replaces every fault.
    pub fn set(&self, spec: FaultSpec) {
        *self.lock() = spec;
    }

    /// Adds one fault.
    pub fn add(&self, rule: FaultRule) {
        self.lock().rules.push(rule);
    }

    /// Removes every fault.
    pub fn clear(&self) {
        self.lock().rules.clear();
    }

    /// The faults in force now (counts already used are subtracted).
    #[must_use]
    pub fn spec(&self) -> FaultSpec {
        self.lock().clone()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, FaultSpec> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Evaluates the 429, 500 and slow faults for a request to `path`.
    pub(crate) fn before(&self, path: &str) -> Before {
        let mut spec = self.lock();
        let mut before = Before {
            delay: Duration::ZERO,
            failure: None,
        };
        for rule in &mut spec.rules {
            if !rule.matches(path) {
                continue;
            }
            match &rule.kind {
                FaultKind::Slow(d) => {
                    let d = *d;
                    if rule.fire() {
                        before.delay += d;
                    }
                }
                FaultKind::RateLimited { .. } | FaultKind::ServerError => {
                    if before.failure.is_none() && rule.fire() {
                        before.failure = Some(rule.kind.clone());
                    }
                }
                FaultKind::DropAfterCommit | FaultKind::HangAfterCommit => {}
            }
        }
        before
    }

    /// Whether a write just committed on `path` must be answered by closing the connection.
    pub(crate) fn drop_after_commit(&self, path: &str) -> bool {
        self.after_commit(path, &FaultKind::DropAfterCommit)
    }

    /// Whether the answer to a write just committed on `path` must be held back.
    pub(crate) fn hang_after_commit(&self, path: &str) -> bool {
        self.after_commit(path, &FaultKind::HangAfterCommit)
    }

    fn after_commit(&self, path: &str, kind: &FaultKind) -> bool {
        let mut spec = self.lock();
        spec.rules
            .iter_mut()
            .any(|rule| rule.kind == *kind && rule.matches(path) && rule.fire())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cli_spec_parses_every_kind() {
        let spec: FaultSpec =
            "429:0.3,500:x2@/v1/refunds,slow:2000,drop-after-commit:refunds,hang-after-commit:capture:x1"
                .parse()
                .unwrap();
        assert_eq!(spec.rules.len(), 5);
        assert_eq!(spec.rules[4].kind, FaultKind::HangAfterCommit);
        assert_eq!(spec.rules[4].trigger, Trigger::Next(1));
        assert_eq!(spec.rules[0].trigger, Trigger::Probability(0.3));
        assert_eq!(spec.rules[1].trigger, Trigger::Next(2));
        assert_eq!(spec.rules[1].path.as_deref(), Some("/v1/refunds"));
        assert_eq!(spec.rules[2].kind, FaultKind::Slow(Duration::from_secs(2)));
        assert_eq!(spec.rules[3].path.as_deref(), Some("refunds"));
        let again: FaultSpec = spec.to_string().parse().unwrap();
        assert_eq!(again, spec);
    }

    #[test]
    fn bad_specs_say_why() {
        assert!("429".parse::<FaultSpec>().is_err());
        assert!("429:1.5".parse::<FaultSpec>().is_err());
        assert!(
            "boom:1"
                .parse::<FaultSpec>()
                .unwrap_err()
                .to_string()
                .contains("unknown kind")
        );
    }

    #[test]
    fn next_n_fires_exactly_n_times_on_matching_paths() {
        let faults = FaultsHandle::new(
            FaultSpec::none().with(FaultRule::rate_limited().on_path("/v1/refunds").next(2)),
        );
        assert!(faults.before("/v1/checkout/sessions").failure.is_none());
        assert!(faults.before("/v1/refunds").failure.is_some());
        assert!(faults.before("/v1/refunds").failure.is_some());
        assert!(faults.before("/v1/refunds").failure.is_none());
    }

    #[test]
    fn after_n_lets_n_through_then_fires_every_time() {
        let spec: FaultSpec = "500:after1@/v1/refunds".parse().unwrap();
        assert_eq!(spec.to_string(), "500:after1@/v1/refunds");
        let faults = FaultsHandle::new(spec);
        assert!(faults.before("/v1/refunds").failure.is_none());
        for _ in 0..3 {
            assert_eq!(
                faults.before("/v1/refunds").failure,
                Some(FaultKind::ServerError)
            );
        }
        assert!(faults.before("/v1/checkout/sessions").failure.is_none());
    }
}
