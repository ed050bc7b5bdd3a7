//! All sandbox state behind one lock: the ledgers, the idempotency keys, the id generator,
//! and the pre-signed upload and download URLs.

use std::collections::HashMap;

use rand::rngs::StdRng;

use super::accounts::Accounts;
use super::idempotency::IdempotencyStore;
use super::ledger::{Ledger, LedgerKey};
use crate::sandbox::ids;

/// A pre-signed upload URL of a v2 import.
#[derive(Debug, Clone)]
pub(crate) struct UploadSlot {
    pub key: LedgerKey,
    pub import_id: String,
    pub expires_at: i64,
}

/// A pre-signed, expiring download URL of an error report.
#[derive(Debug, Clone)]
pub(crate) struct DownloadSlot {
    pub key: LedgerKey,
    pub file_id: String,
    pub expires_at: i64,
}

/// The most accounts (with their mode) the sandbox keeps data for; a write for one more is
/// refused.
pub(crate) const MAX_LEDGERS: usize = 2_000;

/// The most connected accounts a platform may have in one mode in the sandbox; creating one
/// more is refused.
pub(crate) const MAX_ACCOUNTS: usize = 20_000;

/// All sandbox state behind one lock.
#[derive(Debug)]
pub(crate) struct Store {
    pub ledgers: HashMap<LedgerKey, Ledger>,
    /// The platform's connected accounts.
    pub accounts: Accounts,
    pub idempotency: IdempotencyStore,
    pub rng: StdRng,
    pub uploads: HashMap<String, UploadSlot>,
    pub downloads: HashMap<String, DownloadSlot>,
}

impl Store {
    /// An empty store.
    pub fn new(rng: StdRng) -> Self {
        Store {
            ledgers: HashMap::new(),
            accounts: Accounts::default(),
            idempotency: IdempotencyStore::default(),
            rng,
            uploads: HashMap::new(),
            downloads: HashMap::new(),
        }
    }

    /// True when a write for `key` may start: its ledger exists, it is a connected account's
    /// (their number is bounded by [`MAX_ACCOUNTS`]), or there is room for one more (at most
    /// [`MAX_LEDGERS`]).
    pub fn has_room_for(&self, key: &LedgerKey) -> bool {
        self.ledgers.contains_key(key)
            || self.ledgers.len() < MAX_LEDGERS
            || key
                .account
                .as_ref()
                .is_some_and(|a| self.accounts.is_connected(key.live, a))
    }

    /// Drops the ledger for `key` if nothing was stored in it, so reads of many accounts
    /// (any `Stripe-Account` header) cost no memory.
    pub fn forget_if_empty(&mut self, key: &LedgerKey) {
        if self.ledgers.get(key).is_some_and(Ledger::is_empty) {
            self.ledgers.remove(key);
        }
    }

    /// The ledger for `key`, created empty on first use.
    pub fn ledger(&mut self, key: &LedgerKey) -> &mut Ledger {
        self.ledger_and_rng(key).0
    }

    /// The ledger and the id generator, borrowed together.
    pub fn ledger_and_rng(&mut self, key: &LedgerKey) -> (&mut Ledger, &mut StdRng) {
        let Store { ledgers, rng, .. } = self;
        let ledger = ledgers
            .entry(key.clone())
            .or_insert_with(|| Ledger::new(ids::moded(rng, "profile", key.live)));
        (ledger, rng)
    }
}
