//! One account's data in one mode: a [`Ledger`] holding Stripe objects in tables ordered
//! newest first (its events among them, as [`EventRec`]), and the [`LedgerKey`] that picks it.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::ops::Bound;
use std::path::PathBuf;

use serde_json::Value;

use super::connect::{ApplicationFee, Destination, Transfer};
use super::import_job::ImportJob;
use crate::feed::FeedKind;

/// Which data a request sees: the connected account (`Stripe-Account`) and the key's mode.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct LedgerKey {
    /// `acct_…` from `Stripe-Account`, or `None` for the platform itself.
    pub account: Option<String>,
    /// Live key.
    pub live: bool,
}

/// An object kept in a [`Table`].
pub(crate) trait Record {
    /// The object id.
    fn id(&self) -> &str;
    /// Unix seconds.
    fn created(&self) -> i64;
    /// Insertion counter, breaking ties between objects created in the same second.
    fn seq(&self) -> u64;
}

type OrderKey = (i64, u64, String);

/// Objects by id, plus their order by creation.
#[derive(Debug)]
pub(crate) struct Table<T> {
    rows: HashMap<String, T>,
    order: BTreeSet<OrderKey>,
}

impl<T> Default for Table<T> {
    fn default() -> Self {
        Table {
            rows: HashMap::new(),
            order: BTreeSet::new(),
        }
    }
}

impl<T: Record> Table<T> {
    /// Adds (or replaces) an object.
    pub fn insert(&mut self, row: T) {
        self.order
            .insert((row.created(), row.seq(), row.id().to_string()));
        self.rows.insert(row.id().to_string(), row);
    }

    /// The object with this id.
    pub fn get(&self, id: &str) -> Option<&T> {
        self.rows.get(id)
    }

    /// The object with this id, to change it (its `created` must not change).
    pub fn get_mut(&mut self, id: &str) -> Option<&mut T> {
        self.rows.get_mut(id)
    }

    /// Number of objects.
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// All objects in any order.
    pub fn values(&self) -> impl Iterator<Item = &T> {
        self.rows.values()
    }

    /// All objects in any order, to change them.
    pub fn values_mut(&mut self) -> impl Iterator<Item = &mut T> {
        self.rows.values_mut()
    }

    fn key_of(&self, id: &str) -> Option<OrderKey> {
        self.rows
            .get(id)
            .map(|r| (r.created(), r.seq(), r.id().to_string()))
    }

    /// Every object, oldest first.
    pub fn oldest_first(&self) -> impl Iterator<Item = &T> {
        self.order.iter().filter_map(|k| self.rows.get(&k.2))
    }

    /// Removes the object with this id.
    pub fn remove(&mut self, id: &str) -> Option<T> {
        let key = self.key_of(id)?;
        self.order.remove(&key);
        self.rows.remove(id)
    }

    /// Every object, newest first.
    pub fn newest_first(&self) -> impl Iterator<Item = &T> {
        self.order.iter().rev().filter_map(|k| self.rows.get(&k.2))
    }

    /// Objects older than `id`, newest first (`starting_after`). `None` if `id` is unknown.
    pub fn older_than(&self, id: &str) -> Option<impl Iterator<Item = &T>> {
        let key = self.key_of(id)?;
        Some(
            self.order
                .range(..key)
                .rev()
                .filter_map(|k| self.rows.get(&k.2)),
        )
    }

    /// Objects newer than `id`, oldest first (`ending_before`). `None` if `id` is unknown.
    pub fn newer_than(&self, id: &str) -> Option<impl Iterator<Item = &T>> {
        let key = self.key_of(id)?;
        Some(
            self.order
                .range((Bound::Excluded(key), Bound::Unbounded))
                .filter_map(|k| self.rows.get(&k.2)),
        )
    }
}

/// [`Record`] for types whose `id`, `created` and `seq` are fields of those names.
macro_rules! record {
    ($($t:ty),* $(,)?) => {$(
        impl Record for $t {
            fn id(&self) -> &str { &self.id }
            fn created(&self) -> i64 { self.created }
            fn seq(&self) -> u64 { self.seq }
        }
    )*};
}
pub(super) use record;

record!(
    FileRec,
    Product,
    Price,
    TaxRate,
    Session,
    PaymentIntent,
    Charge,
    Refund,
    ImportSet,
    CatalogImport,
    Agreement,
    Dispute,
    Transfer,
    ApplicationFee,
    EventRec,
);

/// A postal address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Address {
    pub line1: String,
    pub line2: Option<String>,
    pub city: String,
    pub state: String,
    pub postal_code: String,
    pub country: String,
}

/// A buyer: name, contact and address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Person {
    pub name: String,
    pub email: String,
    pub phone: Option<String>,
    pub address: Address,
}

/// An uploaded (or generated) file; the bytes live on disk.
#[derive(Debug, Clone)]
pub(crate) struct FileRec {
    pub id: String,
    pub seq: u64,
    pub created: i64,
    pub filename: String,
    pub purpose: String,
    pub size: u64,
    /// `type`: `csv`, `tsv`, `pdf`, …
    pub kind: String,
    pub path: PathBuf,
}

/// A product (`prod_…`) with its identifiers.
#[derive(Debug, Clone)]
pub(crate) struct Product {
    pub id: String,
    pub seq: u64,
    pub created: i64,
    pub name: String,
    pub description: String,
    pub images: Vec<String>,
    pub url: Option<String>,
    pub gtin: Option<String>,
    pub mpn: Option<String>,
    pub metadata: BTreeMap<String, String>,
}

/// A one-time price (`price_…`); `external_reference` is the catalog SKU.
#[derive(Debug, Clone)]
pub(crate) struct Price {
    pub id: String,
    pub seq: u64,
    pub created: i64,
    pub product: String,
    pub unit_amount: i64,
    pub currency: String,
    pub external_reference: Option<String>,
}

/// A tax rate (`txr_…`) applied to line items.
#[derive(Debug, Clone)]
pub(crate) struct TaxRate {
    pub id: String,
    pub seq: u64,
    pub created: i64,
    pub display_name: String,
    /// Percent, e.g. 8.25.
    pub percentage: f64,
    pub jurisdiction: String,
    pub state: Option<String>,
    pub country: String,
}

/// One line of an order.
#[derive(Debug, Clone)]
pub(crate) struct LineItem {
    pub id: String,
    pub price: String,
    pub description: String,
    pub quantity: i64,
    pub amount_subtotal: i64,
    pub amount_discount: i64,
    pub amount_tax: i64,
    pub amount_total: i64,
    pub tax_rate: Option<String>,
}

/// A Checkout Session (an order).
#[derive(Debug, Clone)]
pub(crate) struct Session {
    pub id: String,
    pub seq: u64,
    pub created: i64,
    pub expires_at: i64,
    /// `open`, `complete`, `expired`.
    pub status: &'static str,
    /// `paid`, `unpaid`, `no_payment_required`.
    pub payment_status: &'static str,
    pub currency: String,
    pub customer: Person,
    pub shipping: Option<(String, Address)>,
    pub line_items: Vec<LineItem>,
    pub payment_intent: Option<String>,
    pub amount_subtotal: i64,
    pub amount_shipping: i64,
    pub amount_tax: i64,
    pub amount_discount: i64,
    pub amount_total: i64,
    pub client_reference_id: Option<String>,
    pub metadata: BTreeMap<String, String>,
}

/// The agent behind a `PaymentIntent` (preview `agent_details`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct AgentRef {
    pub name: String,
    pub profile: String,
}

/// A `PaymentIntent` (`pi_…`).
#[derive(Debug, Clone)]
pub(crate) struct PaymentIntent {
    pub id: String,
    pub seq: u64,
    pub created: i64,
    pub amount: i64,
    pub amount_capturable: i64,
    pub amount_received: i64,
    pub currency: String,
    /// `requires_capture`, `succeeded`, `canceled`, …
    pub status: &'static str,
    /// `automatic` or `manual`.
    pub capture_method: &'static str,
    pub latest_charge: Option<String>,
    pub canceled_at: Option<i64>,
    pub cancellation_reason: Option<String>,
    pub agent: Option<AgentRef>,
    pub payment_method: String,
    pub description: Option<String>,
    pub receipt_email: Option<String>,
    pub metadata: BTreeMap<String, String>,
    /// Set on a destination charge.
    pub destination: Option<Destination>,
}

/// Card details on a charge.
#[derive(Debug, Clone)]
pub(crate) struct Card {
    pub brand: &'static str,
    pub last4: String,
    pub exp_month: u32,
    pub exp_year: i32,
    pub funding: &'static str,
    pub fingerprint: String,
    /// Authorization deadline (`capture_before`) for uncaptured charges.
    pub capture_before: Option<i64>,
}

/// A charge (`ch_…`).
#[derive(Debug, Clone)]
pub(crate) struct Charge {
    pub id: String,
    pub seq: u64,
    pub created: i64,
    pub amount: i64,
    pub amount_captured: i64,
    pub amount_refunded: i64,
    pub captured: bool,
    pub currency: String,
    pub payment_intent: String,
    pub payment_method: String,
    pub billing: Person,
    pub card: Card,
    pub receipt_number: Option<String>,
    pub balance_transaction: Option<String>,
    pub risk_score: u32,
    pub description: Option<String>,
    /// Set on a destination charge (copied from its `PaymentIntent`).
    pub destination: Option<Destination>,
    /// The transfer (`tr_…`) to the destination, made on capture.
    pub transfer: Option<String>,
    /// The application fee (`fee_…`) taken back from the destination, made on capture.
    pub application_fee: Option<String>,
}

impl Charge {
    /// What can still be refunded.
    pub fn refundable(&self) -> i64 {
        self.amount_captured - self.amount_refunded
    }

    /// Stripe's processing fee on the captured amount, modelled on its standard card pricing
    /// (2.9 % plus 30 cents or the like, in the charge's currency).
    pub fn stripe_fee(&self) -> i64 {
        (self.amount_captured * 29 + 500) / 1000 + 30
    }

    /// `refunded`: true once everything captured has been refunded.
    pub fn refunded(&self) -> bool {
        self.captured && self.amount_captured > 0 && self.amount_refunded >= self.amount_captured
    }
}

/// A refund (`re_…`).
#[derive(Debug, Clone)]
pub(crate) struct Refund {
    pub id: String,
    pub seq: u64,
    pub created: i64,
    pub amount: i64,
    pub currency: String,
    pub charge: String,
    pub payment_intent: String,
    pub reason: Option<String>,
    pub metadata: BTreeMap<String, String>,
    pub balance_transaction: String,
    /// The reversal (`trr_…`) of the charge's transfer this refund made (`reverse_transfer`).
    pub transfer_reversal: Option<String>,
}

/// What an event carries.
#[derive(Debug, Clone)]
pub(crate) enum Payload {
    /// A v1 snapshot event: the object as it was, and on updates the old values.
    Snapshot {
        object: Value,
        previous_attributes: Option<Value>,
    },
    /// A v2 thin event: the object to fetch, and the data shown when fetched by id.
    Thin {
        related_id: String,
        related_type: String,
        related_url: String,
        data: Option<Value>,
    },
}

/// One event.
#[derive(Debug, Clone)]
pub(crate) struct EventRec {
    pub id: String,
    pub seq: u64,
    pub created: i64,
    /// `checkout.session.completed`, `v2.commerce.product_catalog.imports.succeeded`, …
    pub kind: String,
    /// The connected account, for events on one.
    pub account: Option<String>,
    /// The request that made it: its id and idempotency key (`None` for automatic events).
    pub request: Option<(String, Option<String>)>,
    pub payload: Payload,
}

/// A dispute (`dp_…`) on a charge: an inquiry (`warning_…`) or a chargeback.
#[derive(Debug, Clone)]
pub(crate) struct Dispute {
    pub id: String,
    pub seq: u64,
    pub created: i64,
    pub amount: i64,
    pub currency: String,
    pub charge: String,
    pub payment_intent: String,
    /// `warning_needs_response`, `needs_response`, `under_review`, `won`, `lost`, …
    pub status: &'static str,
    pub reason: String,
    pub network_reason_code: String,
    /// Evidence due, unix seconds.
    pub due_by: i64,
    /// Evidence fields set so far (text, or a `file_…` id).
    pub evidence: BTreeMap<String, String>,
    pub submission_count: u32,
    /// The last submission came after `due_by`.
    pub past_due: bool,
    pub metadata: BTreeMap<String, String>,
    /// Funds moved because of the dispute: (`txn_…`, amount, created, description).
    pub balance_transactions: Vec<(String, i64, i64, &'static str)>,
}

impl Dispute {
    /// Evidence fields that take text (Stripe caps each at 20,000 characters).
    pub const TEXT_EVIDENCE: &[&str] = &[
        "access_activity_log",
        "billing_address",
        "cancellation_policy_disclosure",
        "cancellation_rebuttal",
        "customer_email_address",
        "customer_name",
        "customer_purchase_ip",
        "duplicate_charge_explanation",
        "duplicate_charge_id",
        "product_description",
        "refund_policy_disclosure",
        "refund_refusal_explanation",
        "service_date",
        "shipping_address",
        "shipping_carrier",
        "shipping_date",
        "shipping_tracking_number",
        "uncategorized_text",
    ];

    /// Evidence fields that take a `file_…` uploaded with purpose `dispute_evidence`.
    pub const FILE_EVIDENCE: &[&str] = &[
        "cancellation_policy",
        "customer_communication",
        "customer_signature",
        "duplicate_charge_documentation",
        "receipt",
        "refund_policy",
        "service_documentation",
        "shipping_documentation",
        "uncategorized_file",
    ];

    /// An inquiry (`warning_…`): no funds have moved and the charge can still be refunded.
    pub fn is_inquiry(&self) -> bool {
        self.status.starts_with("warning_")
    }

    /// Whether the seller can still respond (add evidence, submit, accept).
    pub fn needs_response(&self) -> bool {
        matches!(self.status, "needs_response" | "warning_needs_response")
    }

    /// Whether the status is final.
    pub fn is_closed(&self) -> bool {
        matches!(self.status, "won" | "lost" | "warning_closed" | "prevented")
    }

    /// Stripe's dispute fee on one of its balance transactions of `amount`: charged with the
    /// withdrawal, given back with a reinstatement.
    pub fn fee_on(amount: i64) -> i64 {
        if amount < 0 { 1_500 } else { -1_500 }
    }
}

/// A v1 `ImportSet` (`impset_…`).
#[derive(Debug)]
pub(crate) struct ImportSet {
    pub id: String,
    pub seq: u64,
    pub created: i64,
    pub file: String,
    pub standard_data_format: String,
    pub job: ImportJob,
}

/// A v2 product catalog import (`pcimprt_…`).
#[derive(Debug)]
pub(crate) struct CatalogImport {
    pub id: String,
    pub seq: u64,
    pub created: i64,
    pub feed_type: FeedKind,
    pub mode: String,
    pub metadata: BTreeMap<String, String>,
    /// Token of the pre-signed upload URL.
    pub upload_token: String,
    pub upload_expires_at: i64,
    /// Set once the file has been PUT.
    pub job: Option<ImportJob>,
}

/// Who acted on an agreement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Party {
    Orchestrator,
    Seller,
}

impl Party {
    /// `orchestrator` or `seller`.
    pub fn as_str(self) -> &'static str {
        match self {
            Party::Orchestrator => "orchestrator",
            Party::Seller => "seller",
        }
    }
}

/// A v2 orchestrated commerce agreement (`orca_…`).
#[derive(Debug, Clone)]
pub(crate) struct Agreement {
    pub id: String,
    pub seq: u64,
    pub created: i64,
    pub initiated_by: Party,
    pub orchestrator_name: String,
    pub orchestrator_profile: String,
    pub seller_confirmed_at: Option<i64>,
    pub orchestrator_confirmed_at: Option<i64>,
    pub terminated_at: Option<i64>,
    pub terminated_by: Option<Party>,
}

impl Agreement {
    /// The status, derived from the timestamps.
    pub fn status(&self) -> &'static str {
        if self.terminated_at.is_some() {
            "terminated"
        } else {
            match (self.seller_confirmed_at, self.orchestrator_confirmed_at) {
                (Some(_), Some(_)) => "confirmed",
                (None, None) => "initiated",
                _ => "partially_confirmed",
            }
        }
    }
}

/// The catalog and agents orders are generated from.
#[derive(Debug, Clone, Default)]
pub(crate) struct DemoCatalog {
    /// `price_…` ids of the catalog's products.
    pub prices: Vec<String>,
    /// US state → `txr_…` of its sales tax.
    pub tax_by_state: HashMap<String, String>,
    /// The agents that place orders, with their weight among the orders.
    pub agents: Vec<(AgentRef, u32)>,
}

/// Everything one account sees in one mode.
#[derive(Debug, Default)]
pub(crate) struct Ledger {
    seq: u64,
    /// This account's Stripe Profile id (`seller_details.network_business_profile`).
    pub seller_profile: String,
    pub files: Table<FileRec>,
    pub products: Table<Product>,
    pub prices: Table<Price>,
    pub tax_rates: Table<TaxRate>,
    pub sessions: Table<Session>,
    pub payment_intents: Table<PaymentIntent>,
    pub charges: Table<Charge>,
    pub refunds: Table<Refund>,
    pub import_sets: Table<ImportSet>,
    pub catalog_imports: Table<CatalogImport>,
    pub agreements: Table<Agreement>,
    pub disputes: Table<Dispute>,
    /// Transfers to connected accounts (the platform's ledger only).
    pub transfers: Table<Transfer>,
    /// Application fees taken from connected accounts (the platform's ledger only).
    pub application_fees: Table<ApplicationFee>,
    /// Every state change as a Stripe event, v1 snapshot and v2 thin (30 days).
    pub events: Table<EventRec>,
    /// Products, prices, tax rates and agents that generated orders are drawn from.
    pub demo_catalog: Option<DemoCatalog>,
    /// Line item id → (session id, index in its `line_items`).
    pub line_item_index: HashMap<String, (String, usize)>,
}

impl Ledger {
    /// An empty ledger.
    pub fn new(seller_profile: String) -> Self {
        Ledger {
            seller_profile,
            ..Ledger::default()
        }
    }

    /// True when no request has stored anything here yet (a read of an account that never
    /// had a write): such a ledger is not kept.
    pub fn is_empty(&self) -> bool {
        self.files.len() == 0
            && self.products.len() == 0
            && self.prices.len() == 0
            && self.tax_rates.len() == 0
            && self.sessions.len() == 0
            && self.payment_intents.len() == 0
            && self.charges.len() == 0
            && self.refunds.len() == 0
            && self.import_sets.len() == 0
            && self.catalog_imports.len() == 0
            && self.agreements.len() == 0
            && self.disputes.len() == 0
            && self.transfers.len() == 0
            && self.application_fees.len() == 0
            && self.events.len() == 0
            && self.demo_catalog.is_none()
    }

    /// The next insertion counter.
    pub fn next_seq(&mut self) -> u64 {
        self.seq += 1;
        self.seq
    }

    /// Adds a session and indexes its line items.
    pub fn insert_session(&mut self, session: Session) {
        for (i, li) in session.line_items.iter().enumerate() {
            self.line_item_index
                .insert(li.id.clone(), (session.id.clone(), i));
        }
        self.sessions.insert(session);
    }

    /// The open or closed dispute on `charge`, if any.
    pub fn dispute_of(&self, charge: &str) -> Option<&Dispute> {
        self.disputes.values().find(|d| d.charge == charge)
    }

    /// Chargebacks whose evidence deadline passed without a response are lost, as Stripe
    /// decides them. Returns the ids that changed.
    pub fn expire_disputes(&mut self, now: i64) -> Vec<String> {
        let mut lost = Vec::new();
        for d in self.disputes.values_mut() {
            if d.status == "needs_response" && d.due_by > 0 && d.due_by < now {
                d.status = "lost";
                lost.push(d.id.clone());
            }
        }
        lost
    }

    /// Cancels authorizations whose `capture_before` has passed, as Stripe does when an
    /// authorization expires.
    pub fn expire_authorizations(&mut self, now: i64) {
        let expired: Vec<(String, i64)> = self
            .payment_intents
            .values()
            .filter(|pi| pi.status == "requires_capture")
            .filter_map(|pi| {
                let charge = self.charges.get(pi.latest_charge.as_deref()?)?;
                let deadline = charge.card.capture_before?;
                (deadline < now).then(|| (pi.id.clone(), deadline))
            })
            .collect();
        for (id, deadline) in expired {
            if let Some(pi) = self.payment_intents.get_mut(&id) {
                pi.status = "canceled";
                pi.amount_capturable = 0;
                pi.canceled_at = Some(deadline);
                pi.cancellation_reason = Some("automatic".into());
            }
        }
    }
}
