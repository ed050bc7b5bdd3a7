//! The platform's connected accounts (Connect, `reference/stripe-api-events-connect-disputes.md`
//! §18): who each seller is, in which mode it exists, and the demo data its ledger is filled
//! with the first time a request acts as it.

use std::collections::BTreeMap;

use super::ledger::{Record, Table, record};

/// One connected account of the platform.
#[derive(Debug, Clone)]
pub(crate) struct ConnectedAccount {
    pub id: String,
    pub seq: u64,
    pub created: i64,
    /// `business_profile.name` (empty when not given).
    pub name: String,
    pub email: Option<String>,
    /// `business_profile.url`.
    pub url: Option<String>,
    pub country: String,
    pub default_currency: String,
    /// `type`: `standard`, `express` or `custom`.
    pub kind: String,
    pub charges_enabled: bool,
    pub payouts_enabled: bool,
    pub details_submitted: bool,
    /// `requirements.currently_due`.
    pub currently_due: Vec<String>,
    /// `requirements.disabled_reason`.
    pub disabled_reason: Option<String>,
    pub metadata: BTreeMap<String, String>,
    /// What its ledger is filled with on first use; `None` once done (or for an account
    /// created through the API, which starts empty).
    pub pending_data: Option<SellerData>,
}

record!(ConnectedAccount);

/// The demo data a connected account starts with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct SellerData {
    /// Its place among the generated sellers (0 = the first): picks its story.
    pub index: usize,
    /// One of the named demo sellers (more orders and a full history), or one of the many
    /// generated for scale (a few orders, one or two imports).
    pub rich: bool,
}

/// The connected accounts of each mode (a test-mode account does not exist in live mode).
#[derive(Debug, Default)]
pub(crate) struct Accounts {
    /// The platform's own `business_profile.name`.
    pub platform_name: Option<String>,
    test: Table<ConnectedAccount>,
    live: Table<ConnectedAccount>,
    seq: u64,
}

impl Accounts {
    /// The accounts of one mode.
    pub fn of(&self, live: bool) -> &Table<ConnectedAccount> {
        if live { &self.live } else { &self.test }
    }

    /// Adds an account (its `seq` is set here).
    pub fn add(&mut self, live: bool, mut account: ConnectedAccount) {
        self.seq += 1;
        account.seq = self.seq;
        if live {
            self.live.insert(account);
        } else {
            self.test.insert(account);
        }
    }

    /// Whether `id` is connected to the platform in this mode.
    pub fn is_connected(&self, live: bool, id: &str) -> bool {
        self.of(live).get(id).is_some()
    }

    /// The demo data still to be put into `id`'s ledger, taken (so it is made once).
    pub fn take_pending_data(&mut self, live: bool, id: &str) -> Option<SellerData> {
        let table = if live { &mut self.live } else { &mut self.test };
        table.get_mut(id)?.pending_data.take()
    }
}
