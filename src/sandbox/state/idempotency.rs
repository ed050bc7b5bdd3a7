//! Idempotency keys: the first response to a key is stored and replayed; the same key with
//! different parameters is a 400 `idempotency_error`; a key still in flight is a 409.

use std::collections::HashMap;

use bytes::Bytes;
use serde_json::Value;

use super::ledger::LedgerKey;

/// What identifies "the same request": method, path and decoded parameters.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Fingerprint {
    pub method: String,
    pub path: String,
    pub params: Value,
}

/// A stored answer.
#[derive(Debug, Clone)]
pub(crate) struct Stored {
    pub status: u16,
    pub body: Bytes,
}

#[derive(Debug)]
enum Entry {
    InFlight(Fingerprint),
    Done(Fingerprint, Stored),
}

/// The result of presenting a key.
#[derive(Debug)]
pub(crate) enum Check {
    /// First use: handle the request, then call [`IdempotencyStore::finish`] or `abandon`.
    Fresh,
    /// Seen before with the same parameters: answer with this.
    Replay(Stored),
    /// Seen before with other parameters.
    Mismatch,
    /// The first request with this key has not finished yet.
    InFlight,
}

/// Keys per account and mode.
#[derive(Debug, Default)]
pub(crate) struct IdempotencyStore {
    entries: HashMap<(LedgerKey, String), Entry>,
}

impl IdempotencyStore {
    /// Presents `key` for a request; a fresh key is marked in flight.
    pub fn begin(&mut self, ledger: &LedgerKey, key: &str, fingerprint: Fingerprint) -> Check {
        let slot = (ledger.clone(), key.to_string());
        match self.entries.get(&slot) {
            None => {
                self.entries.insert(slot, Entry::InFlight(fingerprint));
                Check::Fresh
            }
            Some(Entry::InFlight(seen)) if *seen == fingerprint => Check::InFlight,
            Some(Entry::Done(seen, stored)) if *seen == fingerprint => {
                Check::Replay(stored.clone())
            }
            Some(_) => Check::Mismatch,
        }
    }

    /// Stores the answer to a fresh key.
    pub fn finish(&mut self, ledger: &LedgerKey, key: &str, stored: Stored) {
        let slot = (ledger.clone(), key.to_string());
        if let Some(Entry::InFlight(fingerprint)) = self.entries.remove(&slot) {
            self.entries.insert(slot, Entry::Done(fingerprint, stored));
        }
    }

    /// Forgets a fresh key whose request stored nothing (validation error, injected fault).
    pub fn abandon(&mut self, ledger: &LedgerKey, key: &str) {
        let slot = (ledger.clone(), key.to_string());
        if matches!(self.entries.get(&slot), Some(Entry::InFlight(_))) {
            self.entries.remove(&slot);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn fp(amount: i64) -> Fingerprint {
        Fingerprint {
            method: "POST".into(),
            path: "/v1/refunds".into(),
            params: json!({ "amount": amount }),
        }
    }

    #[test]
    fn replay_mismatch_and_in_flight() {
        let ledger = LedgerKey {
            account: None,
            live: false,
        };
        let mut store = IdempotencyStore::default();
        assert!(matches!(store.begin(&ledger, "k", fp(1)), Check::Fresh));
        assert!(matches!(store.begin(&ledger, "k", fp(1)), Check::InFlight));
        store.finish(
            &ledger,
            "k",
            Stored {
                status: 200,
                body: Bytes::from_static(b"{}"),
            },
        );
        assert!(matches!(store.begin(&ledger, "k", fp(1)), Check::Replay(s) if s.status == 200));
        assert!(matches!(store.begin(&ledger, "k", fp(2)), Check::Mismatch));
        let other = LedgerKey {
            account: Some("acct_1".into()),
            live: false,
        };
        assert!(matches!(store.begin(&other, "k", fp(2)), Check::Fresh));
    }
}
