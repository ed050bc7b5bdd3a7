//! Idempotency keys: one per logical request, reused on every retry and across restarts.

use std::fmt;

use serde::{Deserialize, Serialize};

/// An `Idempotency-Key` value (1 to 255 visible ASCII characters).
///
/// Make one with [`IdempotencyKey::new`] when the user clicks, store it with the pending
/// action (it serializes as a plain string), and pass the same key to every attempt of that
/// action: Stripe then runs the action at most once.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct IdempotencyKey(String);

impl IdempotencyKey {
    /// A fresh random key (`sc-` followed by a UUID v4).
    #[must_use]
    pub fn new() -> IdempotencyKey {
        IdempotencyKey(format!("sc-{}", uuid::Uuid::new_v4()))
    }

    /// Wraps a key made elsewhere, checking Stripe's length and character rules.
    pub fn parse(key: &str) -> Result<IdempotencyKey, String> {
        if key.is_empty() || key.len() > 255 {
            return Err(format!(
                "An idempotency key must be 1 to 255 characters long; this one has {}.",
                key.len()
            ));
        }
        if !key.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(
                "An idempotency key may only contain visible ASCII characters (no spaces).".into(),
            );
        }
        Ok(IdempotencyKey(key.to_owned()))
    }

    /// The key as sent in the header.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Default for IdempotencyKey {
    fn default() -> Self {
        IdempotencyKey::new()
    }
}

impl fmt::Display for IdempotencyKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for IdempotencyKey {
    type Error = String;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        IdempotencyKey::parse(&s)
    }
}

impl From<IdempotencyKey> for String {
    fn from(k: IdempotencyKey) -> String {
        k.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fresh_keys_differ_and_round_trip_through_json() {
        let a = IdempotencyKey::new();
        assert_ne!(a, IdempotencyKey::new());
        let json = serde_json::to_string(&a).unwrap();
        let back: IdempotencyKey = serde_json::from_str(&json).unwrap();
        assert_eq!(a, back);
    }

    #[test]
    fn rejects_keys_stripe_would_refuse() {
        assert!(IdempotencyKey::parse("").is_err());
        assert!(IdempotencyKey::parse(&"k".repeat(256)).is_err());
        assert!(IdempotencyKey::parse("has space").is_err());
        assert!(serde_json::from_str::<IdempotencyKey>("\"\"").is_err());
        assert!(IdempotencyKey::parse(&"k".repeat(255)).is_ok());
    }
}
