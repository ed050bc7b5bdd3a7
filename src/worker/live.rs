//! The event follower: polls the active account's events (v1 snapshot and v2 thin) on one
//! cadence, a few seconds while the window has focus and slower when it has not, backing off
//! when Stripe or the network fails. Each new event becomes an Activity entry for the shell,
//! and the same commands the views send (fetch this order again, watch this import, reload the
//! agreements), so a view moves in place without a reload. The cursor is saved per account, so
//! a restart resumes where it stopped ([`crate::live`] decides what is new).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use chrono::Utc;
use serde_json::Value;
use tokio::sync::{Notify, mpsc};
use tokio::task::JoinHandle;

use super::EventSink;
use super::session::{Connection, SharedConnection};
use crate::live::{Cursor, ThinCursor, read_new, read_new_thin};
use crate::stripe::Client;
use crate::stripe::events::{Event as StripeEvent, EventFilter, ThinEvent};

/// Between two looks while the window has focus.
pub const FOCUSED_EVERY: Duration = Duration::from_secs(2);
/// Between two looks while it has not.
pub const UNFOCUSED_EVERY: Duration = Duration::from_secs(15);
/// The longest wait after repeated failures.
pub const MAX_BACKOFF: Duration = Duration::from_mins(1);
/// More new events than this in one look are not applied one by one: the views reload.
pub const RELOAD_ABOVE: usize = 200;

/// The v1 event types the views follow.
pub const V1_TYPES: [&str; 15] = [
    "checkout.session.completed",
    "payment_intent.amount_capturable_updated",
    "payment_intent.succeeded",
    "payment_intent.canceled",
    "payment_intent.payment_failed",
    "charge.captured",
    "charge.refunded",
    "charge.dispute.created",
    "charge.dispute.updated",
    "charge.dispute.closed",
    "refund.created",
    "refund.updated",
    "refund.failed",
    "data_management.import_set.succeeded",
    "data_management.import_set.failed",
];

/// The thin (v2) event types the views follow.
pub const THIN_TYPES: [&str; 8] = [
    "v2.orchestrated_commerce.agreement.created",
    "v2.orchestrated_commerce.agreement.partially_confirmed",
    "v2.orchestrated_commerce.agreement.confirmed",
    "v2.orchestrated_commerce.agreement.terminated",
    "v2.commerce.product_catalog.imports.processing",
    "v2.commerce.product_catalog.imports.succeeded",
    "v2.commerce.product_catalog.imports.succeeded_with_errors",
    "v2.commerce.product_catalog.imports.failed",
];

/// What the shell tells the follower.
#[derive(Debug, Clone)]
pub enum Command {
    /// The window gained (`true`) or lost focus: look often, or rarely.
    Focus(bool),
    /// Show a desktop notification for what needs the seller (off by default).
    Notifications(bool),
}

/// What the follower tells the shell.
#[derive(Debug, Clone)]
pub enum Event {
    /// New entries for the Activity panel, oldest first.
    Entries(Vec<Entry>),
    /// Events may have been missed (more than Stripe keeps, or too many at once): the views
    /// were reloaded. The sentence says which.
    Reloaded(String),
}

/// Which view an Activity entry opens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Link {
    /// An order, by Checkout Session id.
    Order(String),
    /// The order of a payment, by PaymentIntent id.
    Payment(String),
    /// A feed import (`impset_…` or a v2 import id).
    Import(String),
    /// The Agreements view.
    Agreement(String),
    /// A dispute, by id (`du_…`/`dp_…`).
    Dispute(String),
}

/// Something that happened on the account, as the Activity panel lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// The event id (`evt_…`).
    pub id: String,
    /// Unix seconds.
    pub created: i64,
    /// The event type.
    pub kind: String,
    /// What happened, in words.
    pub title: String,
    /// Where it leads.
    pub link: Link,
    /// True for what someone should act on (an authorization to capture, a failed import,
    /// an agreement waiting for the seller, a dispute).
    pub needs_you: bool,
}

/// Starts and stops the follower as the active connection changes.
pub struct LiveWorker {
    sink: EventSink,
    commands: mpsc::UnboundedSender<super::Command>,
    data_dir: PathBuf,
    focused: Arc<AtomicBool>,
    notify: Arc<AtomicBool>,
    wake: Arc<Notify>,
    following: Option<(String, JoinHandle<()>)>,
}

impl LiveWorker {
    /// A follower that keeps its cursors under `data_dir` and sends view commands on
    /// `commands` (the worker's own queue).
    #[must_use]
    pub fn new(
        sink: EventSink,
        commands: mpsc::UnboundedSender<super::Command>,
        data_dir: &Path,
    ) -> Self {
        LiveWorker {
            sink,
            commands,
            data_dir: data_dir.to_path_buf(),
            focused: Arc::new(AtomicBool::new(true)),
            notify: Arc::new(AtomicBool::new(false)),
            wake: Arc::new(Notify::new()),
            following: None,
        }
    }

    /// Follows the active connection's account, restarting when it changed.
    pub fn follow(&mut self, connection: &SharedConnection) {
        let conn = super::session::active(connection);
        let key = conn.as_ref().map(|c| c.account_key());
        if self.following.as_ref().map(|(k, _)| Some(k)) == Some(key.as_ref()) {
            return;
        }
        if let Some((_, task)) = self.following.take() {
            task.abort();
        }
        let Some(conn) = conn else {
            return;
        };
        let follower = Follower {
            client: Arc::clone(&conn.client),
            sink: self.sink.clone(),
            commands: self.commands.clone(),
            paths: CursorPaths::of(&self.data_dir, &conn),
            focused: Arc::clone(&self.focused),
            notify: Arc::clone(&self.notify),
            wake: Arc::clone(&self.wake),
        };
        let key = conn.account_key();
        self.following = Some((key, tokio::spawn(follower.run())));
    }

    /// Handles one command.
    pub fn handle(&self, command: Command) {
        match command {
            Command::Focus(focused) => {
                let was = self.focused.swap(focused, Ordering::SeqCst);
                if focused && !was {
                    // Coming back to the window: look now.
                    self.wake.notify_one();
                }
            }
            Command::Notifications(on) => self.notify.store(on, Ordering::SeqCst),
        }
    }

    /// Stops following.
    pub fn shutdown(&mut self) {
        if let Some((_, task)) = self.following.take() {
            task.abort();
        }
    }
}

/// Where one account's cursors are saved, and where import finishes are noted.
struct CursorPaths {
    v1: PathBuf,
    thin: PathBuf,
    finishes: PathBuf,
}

impl CursorPaths {
    fn of(data_dir: &Path, conn: &Connection) -> Self {
        let name = conn.account_key();
        let account = conn.connected_account.as_deref();
        let v1 = Cursor::path(data_dir, &name, account);
        let thin = v1.with_extension("thin.json");
        CursorPaths {
            v1,
            thin,
            finishes: crate::push_history::finishes_path_in(data_dir),
        }
    }
}

struct Follower {
    client: Arc<Client>,
    sink: EventSink,
    commands: mpsc::UnboundedSender<super::Command>,
    paths: CursorPaths,
    focused: Arc<AtomicBool>,
    notify: Arc<AtomicBool>,
    wake: Arc<Notify>,
}

impl Follower {
    async fn run(self) {
        let (mut cursor, mut thin_cursor) = {
            let (v1, thin) = (self.paths.v1.clone(), self.paths.thin.clone());
            tokio::task::spawn_blocking(move || (Cursor::load(&v1), load_thin(&thin)))
                .await
                .unwrap_or_default()
        };
        let filter = EventFilter {
            types: V1_TYPES.iter().map(|t| (*t).to_owned()).collect(),
            created_gte: None,
        };
        let thin_types: Vec<String> = THIN_TYPES.iter().map(|t| (*t).to_owned()).collect();
        let start = Utc::now();
        let mut backoff: Option<Duration> = None;
        let mut failed_before = false;
        loop {
            let v1 = read_new(&self.client, &filter, &mut cursor, start.timestamp()).await;
            let thin = read_new_thin(&self.client, &thin_types, &mut thin_cursor, start).await;
            let failed = v1.is_err() || thin.is_err();
            let mut problem = None;
            let mut entries = Vec::new();
            match v1 {
                Ok(fresh) => {
                    if fresh.gap {
                        self.reload(
                            "More than 30 days passed since the console last followed this \
                             account; Stripe no longer keeps what happened in between, so \
                             every view was reloaded.",
                        );
                    } else if fresh.events.len() > RELOAD_ABOVE {
                        self.reload(&format!(
                            "{} events arrived at once; every view was reloaded instead of \
                             applying them one by one.",
                            fresh.events.len()
                        ));
                    } else {
                        self.apply(&fresh.events);
                    }
                    entries.extend(fresh.events.iter().map(entry_of));
                    if !fresh.events.is_empty() {
                        save(&self.paths.v1, &cursor).await;
                    }
                }
                Err(e) => problem = Some(e.user_message()),
            }
            match thin {
                Ok(events) => {
                    for event in &events {
                        entries.push(self.apply_thin(event).await);
                    }
                    if !events.is_empty() {
                        save_thin(&self.paths.thin, &thin_cursor).await;
                    }
                }
                Err(e) => problem = problem.or(Some(e.user_message())),
            }
            let notify = self.notify.load(Ordering::SeqCst);
            let focused = self.focused.load(Ordering::SeqCst);
            let worth: Vec<&Entry> = entries
                .iter()
                .filter(|e| should_notify(e, notify, focused))
                .collect();
            if let Some(text) = notification_text(&worth) {
                show_notification(text, &self.sink);
            }
            if !entries.is_empty() {
                self.sink.send(super::Event::Live(Event::Entries(entries)));
            }
            let every = if self.focused.load(Ordering::SeqCst) {
                FOCUSED_EVERY
            } else {
                UNFOCUSED_EVERY
            };
            backoff = if failed {
                Some(backoff.map_or(every * 2, |b| (b * 2).min(MAX_BACKOFF)))
            } else {
                None
            };
            let wait = backoff.unwrap_or(every);
            // A failing look shows in the status bar until a look succeeds again.
            match &problem {
                Some(why) => self.sink.activity(
                    "live",
                    &format!(
                        "Live updates paused ({}); next try in {} s",
                        why.trim_end_matches('.'),
                        wait.as_secs()
                    ),
                    None,
                ),
                None if failed_before => self.sink.done("live"),
                None => {}
            }
            failed_before = problem.is_some();
            tokio::select! {
                () = tokio::time::sleep(wait) => {}
                () = self.wake.notified(), if backoff.is_none() => {}
            }
        }
    }

    fn command(&self, command: super::Command) {
        let _ = self.commands.send(command);
    }

    fn reload(&self, why: &str) {
        use super::{agreements, imports, orders};
        self.command(super::Command::Orders(orders::Command::Load));
        self.command(super::Command::Imports(imports::Command::Refresh));
        self.command(super::Command::Agreements(agreements::Command::Load));
        self.sink
            .send(super::Event::Live(Event::Reloaded(why.to_owned())));
    }

    /// Notes when an event said an import finished (see [`crate::push_history::Finish`]).
    fn note_finish(&self, id: &str, status: &str, at: i64) {
        use crate::push_history::{Finish, SeenBy, note_finish};
        let finish = Finish::seen(id, status, at, SeenBy::Event);
        if let Err(e) = note_finish(&self.paths.finishes, &finish) {
            tracing::warn!("could not note that {id} finished: {e}");
        }
    }

    /// Turns one look's v1 events into view commands: each order and each payment is fetched
    /// once however many of its events arrived.
    fn apply(&self, events: &[StripeEvent]) {
        use super::{imports, orders};
        let plan = plan(events);
        for session in plan.sessions {
            self.command(super::Command::Orders(orders::Command::Sync { session }));
        }
        for payment_intent in plan.payments {
            self.command(super::Command::Orders(orders::Command::SyncPayment {
                payment_intent,
            }));
        }
        if !plan.imports.is_empty() {
            // A push that waited for an import may go now.
            self.command(super::Command::Sync(super::sync::Command::ImportEnded));
        }
        for (id, (status, at)) in &plan.finishes {
            self.note_finish(id, status, *at);
        }
        for id in plan.imports {
            self.command(super::Command::Imports(imports::Command::Watch(id)));
        }
        if plan.disputes {
            self.command(super::Command::Disputes(super::disputes::Command::Load));
        }
    }

    /// Applies one thin event: fetches the object it names (as Stripe asks, with
    /// `Stripe-Request-Trigger`) for the entry's words, and moves its view.
    async fn apply_thin(&self, event: &ThinEvent) -> Entry {
        use super::{agreements, imports};
        let id = event
            .related_object
            .as_ref()
            .map(|r| r.id.clone())
            .unwrap_or_default();
        let related = self.client.fetch_related(event).await.ok();
        let status = related
            .as_ref()
            .and_then(|v| v.get("status"))
            .and_then(Value::as_str)
            .map(str::to_owned);
        let what = event
            .kind
            .rsplit('.')
            .next()
            .unwrap_or("")
            .replace('_', " ");
        if event
            .kind
            .starts_with("v2.orchestrated_commerce.agreement.")
        {
            self.command(super::Command::Agreements(agreements::Command::Load));
            let waiting = matches!(what.as_str(), "created" | "partially confirmed");
            Entry {
                id: event.id.clone(),
                created: event.created.timestamp(),
                kind: event.kind.clone(),
                title: format!(
                    "Agreement {id} {what}{}",
                    if waiting {
                        ": waiting for your confirmation"
                    } else {
                        ""
                    }
                ),
                link: Link::Agreement(id),
                needs_you: waiting,
            }
        } else {
            if what != "processing" {
                // The event's time is the finish time; the Imports view orders by it.
                let status = status.clone().unwrap_or_else(|| what.replace(' ', "_"));
                self.note_finish(&id, &status, event.created.timestamp());
            }
            self.command(super::Command::Imports(imports::Command::Watch(id.clone())));
            if what != "processing" {
                self.command(super::Command::Sync(super::sync::Command::ImportEnded));
            }
            let failed = what == "failed" || status.as_deref().is_some_and(|s| s.contains("error"));
            Entry {
                id: event.id.clone(),
                created: event.created.timestamp(),
                kind: event.kind.clone(),
                title: format!("Catalog import {id} {what}"),
                link: Link::Import(id),
                needs_you: failed,
            }
        }
    }
}

/// What one look's events ask the views to fetch again, each thing once.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Plan {
    /// Orders to fetch again (new or changed), by Checkout Session id.
    pub sessions: BTreeSet<String>,
    /// Payments whose order to fetch again, when no event named the order itself.
    pub payments: BTreeSet<String>,
    /// Imports to watch.
    pub imports: BTreeSet<String>,
    /// Imports the events say finished: their status and the event's time.
    pub finishes: BTreeMap<String, (String, i64)>,
    /// A dispute opened, changed or closed: the Disputes view lists them again.
    pub disputes: bool,
}

/// Works out what to fetch for `events`: a new order's payment events ride on the order's
/// own fetch, so a new order costs one request however many events it raised.
#[must_use]
pub fn plan(events: &[StripeEvent]) -> Plan {
    let mut plan = Plan::default();
    let mut covered = BTreeSet::new();
    for event in events {
        let object = &event.data.object;
        if event.kind == "checkout.session.completed" {
            if let Some(id) = object.get("id").and_then(Value::as_str) {
                plan.sessions.insert(id.to_owned());
            }
            if let Some(pi) = payment_intent_of(object) {
                covered.insert(pi);
            }
        }
    }
    for event in events {
        let object = &event.data.object;
        if event.kind.starts_with("charge.dispute.") {
            plan.disputes = true;
        }
        if event.kind.starts_with("data_management.import_set.") {
            if let Some(id) = object.get("id").and_then(Value::as_str) {
                plan.imports.insert(id.to_owned());
                let status = object.get("status").and_then(Value::as_str);
                let status = status.unwrap_or_else(|| event.kind.rsplit('.').next().unwrap_or(""));
                let earliest = plan
                    .finishes
                    .get(id)
                    .is_some_and(|(_, at)| *at <= event.created);
                if !earliest {
                    plan.finishes
                        .insert(id.to_owned(), (status.to_owned(), event.created));
                }
            }
        } else if event.kind != "checkout.session.completed"
            && let Some(pi) = payment_intent_of(object)
            && !covered.contains(&pi)
        {
            plan.payments.insert(pi);
        }
    }
    plan
}

/// The PaymentIntent an event's object belongs to: itself, or its `payment_intent` field
/// (an id or an expanded object).
fn payment_intent_of(object: &Value) -> Option<String> {
    if object.get("object").and_then(Value::as_str) == Some("payment_intent") {
        return object.get("id").and_then(Value::as_str).map(str::to_owned);
    }
    match object.get("payment_intent")? {
        Value::String(id) => Some(id.clone()),
        Value::Object(o) => o.get("id").and_then(Value::as_str).map(str::to_owned),
        _ => None,
    }
}

/// The Activity entry of a v1 event.
#[must_use]
pub fn entry_of(event: &StripeEvent) -> Entry {
    let object = &event.data.object;
    let id = object
        .get("id")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    let amount = |field: &str| {
        let minor = object.get(field).and_then(Value::as_i64)?;
        let currency = object.get("currency").and_then(Value::as_str)?;
        Some(crate::money::format_symbol(minor, currency))
    };
    let pi = payment_intent_of(object).unwrap_or_default();
    let (title, link, needs_you) = match event.kind.as_str() {
        "checkout.session.completed" => (
            format!(
                "New order {}",
                amount("amount_total").unwrap_or_else(|| id.clone())
            ),
            Link::Order(id.clone()),
            false,
        ),
        "payment_intent.amount_capturable_updated" => (
            format!(
                "{} authorized: capture it before the authorization expires",
                amount("amount_capturable").unwrap_or_else(|| id.clone())
            ),
            Link::Payment(pi),
            true,
        ),
        "payment_intent.succeeded" => (
            format!(
                "Payment {} succeeded",
                amount("amount_received").unwrap_or_else(|| id.clone())
            ),
            Link::Payment(pi),
            false,
        ),
        "payment_intent.canceled" => (format!("Payment {id} canceled"), Link::Payment(pi), false),
        "payment_intent.payment_failed" => {
            (format!("Payment {id} failed"), Link::Payment(pi), true)
        }
        "charge.captured" => (
            format!(
                "Captured {}",
                amount("amount_captured").unwrap_or_else(|| id.clone())
            ),
            Link::Payment(pi),
            false,
        ),
        "charge.refunded" => (
            format!(
                "Charge refunded ({} in all)",
                amount("amount_refunded").unwrap_or_else(|| id.clone())
            ),
            Link::Payment(pi),
            false,
        ),
        "charge.dispute.created" => (
            format!(
                "Dispute opened over {}: answer before its deadline",
                amount("amount").unwrap_or_else(|| id.clone())
            ),
            Link::Dispute(id.clone()),
            true,
        ),
        "charge.dispute.updated" | "charge.dispute.closed" => {
            let status = object.get("status").and_then(Value::as_str).map_or_else(
                || crate::stripe::disputes::DisputeStatus::Unknown("changed".into()),
                crate::stripe::disputes::DisputeStatus::from,
            );
            (
                format!(
                    "Dispute over {}: {}",
                    amount("amount").unwrap_or_else(|| id.clone()),
                    status.label().to_lowercase()
                ),
                Link::Dispute(id.clone()),
                status == crate::stripe::disputes::DisputeStatus::Lost,
            )
        }
        "refund.created" | "refund.updated" | "refund.failed" => {
            let status = object
                .get("status")
                .and_then(Value::as_str)
                .unwrap_or("pending");
            let failed = status == "failed" || event.kind == "refund.failed";
            let why = object
                .get("failure_reason")
                .and_then(Value::as_str)
                .map_or_else(String::new, |why| format!(" ({})", why.replace('_', " ")));
            let title = format!(
                "Refund {} {status}{why}",
                amount("amount").unwrap_or_else(|| id.clone())
            );
            (title, Link::Payment(pi), failed)
        }
        kind if kind.starts_with("data_management.import_set.") => {
            let failed = kind.ends_with(".failed");
            let outcome = if failed { "failed" } else { "finished" };
            (
                format!("Feed import {id} {outcome}"),
                Link::Import(id.clone()),
                failed,
            )
        }
        other => (format!("{other} ({id})"), Link::Payment(pi), false),
    };
    Entry {
        id: event.id.clone(),
        created: event.created,
        kind: event.kind.clone(),
        title,
        link,
        needs_you,
    }
}

/// True when `entry` deserves a desktop notification: notifications are on, the window is
/// not in front (the Activity count says it already), and the entry needs the seller.
#[must_use]
pub fn should_notify(entry: &Entry, enabled: bool, focused: bool) -> bool {
    enabled && !focused && entry.needs_you
}

/// One notification for a look's worth of entries: the title and body, or `None`.
#[must_use]
pub fn notification_text(entries: &[&Entry]) -> Option<(String, String)> {
    match entries {
        [] => None,
        [one] => Some(("Seller Console".to_owned(), one.title.clone())),
        many => Some((
            format!("Seller Console: {} things need you", many.len()),
            many.iter()
                .take(3)
                .map(|e| e.title.as_str())
                .collect::<Vec<_>>()
                .join("\n"),
        )),
    }
}

/// Shows a desktop notification (D-Bus on Linux, the notification centre on macOS and
/// Windows) off the async threads. A desktop without a notification service says so in the
/// status bar instead.
fn show_notification((title, body): (String, String), sink: &EventSink) {
    let sink = sink.clone();
    tokio::task::spawn_blocking(move || {
        let shown = notify_rust::Notification::new()
            .appname("Seller Console")
            .summary(&title)
            .body(&body)
            .show();
        if let Err(e) = shown {
            sink.error(
                "Desktop notifications",
                format!(
                    "This desktop shows no notifications ({e}). Turn them off in Settings, or \
                     start a notification service."
                ),
                None,
            );
        }
    });
}

fn load_thin(path: &Path) -> ThinCursor {
    std::fs::read(path)
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .unwrap_or_default()
}

async fn save(path: &Path, cursor: &Cursor) {
    let (path, cursor) = (path.to_path_buf(), cursor.clone());
    let saved = tokio::task::spawn_blocking(move || cursor.save(&path)).await;
    // Not saved: a restart reads again from the previous cursor, and repeats are harmless
    // (every event only fetches its object again).
    drop(saved);
}

async fn save_thin(path: &Path, cursor: &ThinCursor) {
    let path = path.to_path_buf();
    let Ok(bytes) = serde_json::to_vec(cursor) else {
        return;
    };
    let saved = tokio::task::spawn_blocking(move || {
        crate::durable::write(&path, &bytes, crate::durable::Access::Private)
    })
    .await;
    drop(saved);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(id: &str, kind: &str, object: Value) -> StripeEvent {
        serde_json::from_value(serde_json::json!({
            "id": id, "object": "event", "type": kind, "created": 1_767_229_200,
            "livemode": false, "pending_webhooks": 0, "data": {"object": object},
        }))
        .unwrap()
    }

    #[test]
    fn a_new_order_is_fetched_once_however_many_events_it_raised() {
        let events = [
            event(
                "evt_1",
                "payment_intent.amount_capturable_updated",
                serde_json::json!({"id": "pi_1", "object": "payment_intent"}),
            ),
            event(
                "evt_2",
                "checkout.session.completed",
                serde_json::json!({"id": "cs_1", "object": "checkout.session",
                    "payment_intent": "pi_1"}),
            ),
            event(
                "evt_3",
                "refund.created",
                serde_json::json!({"id": "re_1", "object": "refund", "payment_intent": "pi_9"}),
            ),
            event(
                "evt_4",
                "charge.refunded",
                serde_json::json!({"id": "ch_1", "object": "charge", "payment_intent": "pi_9"}),
            ),
            event(
                "evt_5",
                "data_management.import_set.failed",
                serde_json::json!({"id": "impset_1", "object": "data_management.import_set"}),
            ),
        ];
        let plan = plan(&events);
        assert_eq!(plan.sessions, BTreeSet::from(["cs_1".to_owned()]));
        assert_eq!(
            plan.payments,
            BTreeSet::from(["pi_9".to_owned()]),
            "pi_1 rides on its order's fetch; pi_9's two events cost one fetch"
        );
        assert_eq!(plan.imports, BTreeSet::from(["impset_1".to_owned()]));
    }

    #[test]
    fn notifications_only_for_what_needs_you_while_the_window_is_away() {
        let e = |needs_you: bool| Entry {
            id: "evt".into(),
            created: 0,
            kind: "k".into(),
            title: format!("t{needs_you}"),
            link: Link::Import("i".into()),
            needs_you,
        };
        assert!(should_notify(&e(true), true, false));
        assert!(!should_notify(&e(true), false, false), "off by default");
        assert!(
            !should_notify(&e(true), true, true),
            "the window is in front"
        );
        assert!(!should_notify(&e(false), true, false));
        let (a, b) = (e(true), e(true));
        assert_eq!(notification_text(&[]), None);
        assert_eq!(notification_text(&[&a]).unwrap().1, "ttrue");
        assert!(notification_text(&[&a, &b]).unwrap().0.contains("2 things"));
    }

    #[test]
    fn entries_say_what_happened_in_words_and_flag_what_needs_you() {
        let e = entry_of(&event(
            "evt_1",
            "payment_intent.amount_capturable_updated",
            serde_json::json!({"id": "pi_1", "object": "payment_intent",
                "amount_capturable": 1250, "currency": "usd"}),
        ));
        assert!(e.title.starts_with("$12.50 authorized"), "{}", e.title);
        assert!(e.needs_you);
        assert_eq!(e.link, Link::Payment("pi_1".into()));

        let r = entry_of(&event(
            "evt_2",
            "refund.updated",
            serde_json::json!({"id": "re_1", "object": "refund", "amount": 500,
                "currency": "jpy", "status": "failed", "failure_reason": "expired_or_canceled_card",
                "payment_intent": "pi_2"}),
        ));
        assert_eq!(r.title, "Refund ¥500 failed (expired or canceled card)");
        assert!(r.needs_you);
    }
}
