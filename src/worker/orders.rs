//! Orders, captures and refunds on the worker side: loads agent orders page by page, fetches
//! an order's detail, and runs captures, cancels and refunds through the payment journal
//! ([`crate::payment_journal`]): each is journalled with its idempotency key before it leaves,
//! resumed with that key until Stripe's answer is known, and a refund that repeats one made
//! moments ago waits for the user to confirm it.

use crate::orders::bulk::{BulkOutcome, PlannedRefund};
use crate::orders::{Destination, OrderDetail, OrderRow, RefundInfo};
use crate::payment_batch::RefundTerms;

/// What the Orders view asks for.
#[derive(Debug, Clone)]
pub enum Command {
    /// (Re)load the agent orders, newest first, page by page.
    Load,
    /// Read only the orders created at or after `since` (unix seconds) and merge them into the
    /// list: what *Refresh* does once the list is loaded.
    LoadNewer {
        /// The newest order's `created` in the list (a watermark; repeats are merged by id).
        since: i64,
    },
    /// Fetch one order again and update its row (an event said it changed).
    Sync {
        /// Checkout Session id.
        session: String,
    },
    /// Find the order of a payment and update its row (a payment, charge or refund event).
    SyncPayment {
        /// PaymentIntent id.
        payment_intent: String,
    },
    /// Fetch one order in full.
    Detail {
        /// Checkout Session id.
        session: String,
    },
    /// Fetch fresh amounts before showing the refund dialog.
    QuoteRefund {
        /// Checkout Session id.
        session: String,
    },
    /// Refund part or all of an order.
    Refund {
        /// Checkout Session id.
        session: String,
        /// PaymentIntent id.
        payment_intent: String,
        /// Amount in minor units.
        amount: i64,
        /// The payment's currency (for messages).
        currency: String,
        /// Stripe reason (`requested_by_customer`, `duplicate`, `fraudulent`) or empty.
        reason: String,
        /// Internal note, stored in metadata.
        note: String,
        /// The user confirmed a refund that repeats one made moments ago (see
        /// [`Event::AskAgain`]).
        again: bool,
        /// For a destination charge: what to take back from the seller.
        connect: ConnectRefund,
    },
    /// Look up the names of the sellers these orders pay (destination charges).
    SellerNames {
        /// `acct_…` ids.
        ids: Vec<String>,
    },
    /// Capture an authorization (all of it when `amount` is `None`).
    Capture {
        /// Checkout Session id.
        session: String,
        /// PaymentIntent id.
        payment_intent: String,
        /// Amount to capture in minor units.
        amount: Option<i64>,
        /// The payment's currency (for messages).
        currency: String,
    },
    /// Capture several authorizations in full.
    BulkCapture {
        /// (Checkout Session id, PaymentIntent id) pairs.
        orders: Vec<(String, String)>,
    },
    /// Ask where to save, then write these orders there as CSV.
    Export {
        /// The orders, as listed (filtered and sorted).
        rows: Vec<OrderRow>,
    },
    /// Refund each order of a plan that is not skipped, one journalled refund each.
    BulkRefund {
        /// The plan the user confirmed.
        plan: Vec<PlannedRefund>,
        /// Reason and note sent with each refund.
        terms: RefundTerms,
    },
    /// Ask where to save, then write a bulk refund's results there as CSV.
    ExportBulkResults {
        /// Each order with its outcome.
        results: Vec<(PlannedRefund, BulkOutcome)>,
    },
    /// Cancel an authorization.
    Cancel {
        /// Checkout Session id.
        session: String,
        /// PaymentIntent id.
        payment_intent: String,
        /// Stripe cancellation reason.
        reason: String,
    },
}

/// Fresh amounts for the refund dialog.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefundQuote {
    /// Checkout Session id.
    pub session: String,
    /// PaymentIntent id.
    pub payment_intent: String,
    /// Currency.
    pub currency: String,
    /// Paid (captured) amount.
    pub paid: i64,
    /// Already refunded.
    pub refunded: i64,
    /// What may still be refunded.
    pub refundable: i64,
    /// The charge is disputed (refunds are refused).
    pub disputed: bool,
    /// A destination charge's seller, transfer and fee (what the refund's options move).
    pub destination: Option<Destination>,
}

/// How an export ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExportOutcome {
    /// The orders were written.
    Saved {
        /// How many orders.
        count: usize,
        /// Where.
        path: std::path::PathBuf,
    },
    /// The user closed the dialog.
    Cancelled,
    /// The file could not be written; the sentence says why.
    Failed(String),
}

/// What the worker tells the Orders view.
#[derive(Debug, Clone)]
pub enum Event {
    /// An export ended.
    Exported(ExportOutcome),
    /// Loading started over (the list is cleared).
    Reset,
    /// A page of agent orders arrived.
    Page {
        /// The orders of this page that are agent orders.
        rows: Vec<OrderRow>,
        /// Checkout Sessions scanned so far (agent or not).
        scanned: usize,
        /// No more pages.
        done: bool,
    },
    /// An order's full detail.
    Detail(Box<OrderDetail>),
    /// Names of sellers orders pay (`acct_…`, name).
    SellerNames(Vec<(String, String)>),
    /// Fresh amounts for the refund dialog.
    Quote(RefundQuote),
    /// A row changed after an action (capture, refund, cancel) or an event, or a new order
    /// arrived: the view updates the row with this id, or adds it.
    RowUpdated(OrderRow),
    /// An incremental refresh ([`Command::LoadNewer`]) ended.
    Refreshed,
    /// A refund was created (its status may still be pending).
    Refunded {
        /// Checkout Session id.
        session: String,
        /// The refund.
        refund: RefundInfo,
    },
    /// A capture or cancel went through.
    ActionDone {
        /// Checkout Session id.
        session: String,
        /// What happened, in words.
        message: String,
    },
    /// A bulk capture ended.
    BulkDone {
        /// Orders captured.
        captured: Vec<String>,
        /// Orders that failed, with the reason in words.
        failed: Vec<(String, String)>,
    },
    /// A bulk refund ended: each order of the plan with its outcome.
    BulkRefunded {
        /// In the plan's order.
        results: Vec<(PlannedRefund, BulkOutcome)>,
    },
    /// Something the user should know about an action that goes on (a resumed refund).
    Notice {
        /// Checkout Session id.
        session: String,
        /// The sentence.
        message: String,
    },
    /// A refund was held back: it repeats one made moments ago, or another refund of the same
    /// payment has no answer yet. Sending it again with `again: true` makes it.
    AskAgain {
        /// Checkout Session id.
        session: String,
        /// The amount held back, in minor units.
        amount: i64,
        /// Why, ending in the question.
        message: String,
    },
    /// An action on one order failed.
    ActionFailed {
        /// Checkout Session id.
        session: String,
        /// What happened and what to do.
        message: String,
        /// Stripe's request id.
        request_id: Option<String>,
    },
}

// ---------------------------------------------------------------------------------------------
// The worker side.

/// Writes CSV built by `build` to `path` (in memory first, so a failed write says so),
/// atomically and durably: a failed or killed export leaves any earlier file whole.
fn write_csv(
    build: impl FnOnce(&mut Vec<u8>) -> csv::Result<()>,
    path: &std::path::Path,
) -> Result<(), String> {
    let mut bytes = Vec::new();
    build(&mut bytes).map_err(|e| format!("The rows could not be turned into CSV: {e}"))?;
    crate::durable::write(path, &bytes, crate::durable::Access::LikeExisting).map_err(|e| {
        format!(
            "Could not write {} ({e}). Check that you may write there, or pick another place.",
            path.display()
        )
    })
}

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use super::dialogs::{FilePicker, FileRequest, SystemDialogs};

use crate::payment_journal::{self, Attempt, Begin, Kind, PaymentJournal, Reader, State};
use crate::stripe::orders::{OrderQuery, SessionStatus};
use crate::stripe::payment_intents::CancellationReason;
use crate::stripe::refunds::ConnectRefund;
use crate::stripe::{Client, Error};

use super::EventSink;
use super::session::SharedConnection;

/// Runs order commands on the active connection.
pub struct OrdersWorker {
    sink: EventSink,
    connection: SharedConnection,
    journal: PaymentJournal,
    generation: Arc<AtomicU64>,
    in_flight: InFlight,
    picker: Arc<dyn FilePicker>,
}

/// Idempotency keys of attempts being sent right now, so a resume never races the original.
type InFlight = Arc<std::sync::Mutex<std::collections::HashSet<String>>>;

fn send(sink: &EventSink, event: Event) {
    sink.send(super::Event::Orders(event));
}

impl OrdersWorker {
    /// A worker keeping its payment journal in `data_dir`.
    #[must_use]
    pub fn new(sink: EventSink, connection: SharedConnection, data_dir: &std::path::Path) -> Self {
        OrdersWorker {
            sink,
            connection,
            journal: PaymentJournal::in_dir(data_dir),
            generation: Arc::new(AtomicU64::new(0)),
            in_flight: InFlight::default(),
            picker: Arc::new(SystemDialogs),
        }
    }

    /// Uses `picker` for the export dialog.
    #[must_use]
    pub fn with_picker(mut self, picker: Arc<dyn FilePicker>) -> Self {
        self.picker = picker;
        self
    }

    /// Asks where to save, then writes `count` rows there as CSV, built by `build`.
    fn export(
        &self,
        title: &str,
        file_name: &str,
        count: usize,
        build: impl FnOnce(&mut Vec<u8>) -> csv::Result<()> + Send + 'static,
    ) {
        let sink = self.sink.clone();
        let picked = self
            .picker
            .pick(FileRequest::save(title, file_name).filter("CSV", &["csv"]));
        tokio::spawn(async move {
            let outcome = match picked.await {
                None => ExportOutcome::Cancelled,
                Some(path) => {
                    let written =
                        tokio::task::spawn_blocking(move || write_csv(build, &path).map(|()| path))
                            .await;
                    match written {
                        Ok(Ok(path)) => ExportOutcome::Saved { count, path },
                        Ok(Err(message)) => ExportOutcome::Failed(message),
                        Err(e) => ExportOutcome::Failed(format!("The export stopped ({e}).")),
                    }
                }
            };
            send(&sink, Event::Exported(outcome));
        });
    }

    fn export_orders(&self, rows: Vec<OrderRow>) {
        let count = rows.len();
        self.export(
            "Export agent orders",
            "agent-orders.csv",
            count,
            move |out| crate::orders::export_csv(rows.iter(), out),
        );
    }

    fn client(&self) -> Option<(Arc<Client>, String)> {
        let conn = super::session::active(&self.connection)?;
        let account = conn.client.config().account_key();
        Some((Arc::clone(&conn.client), account))
    }

    /// Starts one command in the background.
    pub fn handle(&self, command: Command) {
        let Some((client, account)) = self.client() else {
            // Exporting needs no connection.
            if let Command::Export { rows } = command {
                self.export_orders(rows);
            } else {
                self.sink
                    .error("Orders", "Not connected yet; try again in a moment.", None);
            }
            return;
        };
        let sink = self.sink.clone();
        match command {
            Command::Export { rows } => self.export_orders(rows),
            Command::ExportBulkResults { results } => {
                let count = results.len();
                self.export(
                    "Save the bulk refund results",
                    "bulk-refund-results.csv",
                    count,
                    move |out| crate::orders::bulk::results_csv(&results, out),
                );
            }
            Command::BulkRefund { plan, terms } => {
                let journal = self.journal.clone();
                tokio::spawn(async move {
                    let results = crate::payment_batch::refund_plan(
                        &client,
                        &journal,
                        &plan,
                        &terms,
                        Reader::App,
                        |done, total| {
                            sink.activity(
                                "bulk-refund",
                                "Refunding orders",
                                Some(done as f32 / total.max(1) as f32),
                            );
                        },
                    )
                    .await;
                    sink.done("bulk-refund");
                    for (p, outcome) in &results {
                        if matches!(outcome, BulkOutcome::Refunded { .. }) {
                            refresh_row(&client, &sink, &p.order.id).await;
                        }
                    }
                    send(&sink, Event::BulkRefunded { results });
                });
            }
            Command::Load => {
                let generation = self.generation.fetch_add(1, Ordering::SeqCst) + 1;
                let current = Arc::clone(&self.generation);
                tokio::spawn(load(client, sink, generation, current));
            }
            Command::LoadNewer { since } => {
                tokio::spawn(load_newer(client, sink, since));
            }
            Command::Sync { session } => {
                tokio::spawn(async move { refresh_row(&client, &sink, &session).await });
            }
            Command::SyncPayment { payment_intent } => {
                tokio::spawn(async move {
                    let query = OrderQuery {
                        payment_intent: Some(payment_intent),
                        limit: Some(1),
                        ..OrderQuery::default()
                    };
                    if let Ok(Some(page)) = client.list_orders(&query).next_page().await
                        && let Some(s) = page.first()
                    {
                        refresh_row(&client, &sink, &s.id).await;
                    }
                });
            }
            Command::Detail { session } => {
                tokio::spawn(async move {
                    match crate::lookup::order_detail(&client, &session).await {
                        Ok(detail) => send(&sink, Event::Detail(Box::new(detail))),
                        Err(e) => failed(&sink, &session, &e),
                    }
                });
            }
            Command::QuoteRefund { session } => {
                tokio::spawn(async move {
                    match quote(&client, &session).await {
                        Ok(q) => send(&sink, Event::Quote(q)),
                        Err(e) => failed(&sink, &session, &e),
                    }
                });
            }
            Command::Refund {
                session,
                payment_intent,
                amount,
                currency,
                reason,
                note,
                again,
                connect,
            } => {
                let note = note.trim().to_owned();
                let mut metadata = crate::stripe::model::Metadata::default();
                if !note.is_empty() {
                    metadata.insert("note".into(), note.clone());
                }
                metadata.insert("source".into(), "seller-console".into());
                let request = payment_journal::Request {
                    kind: Kind::Refund,
                    account,
                    payment_intent,
                    amount: Some(amount),
                    currency,
                    reason: (!reason.is_empty()).then_some(reason),
                    note: (!note.is_empty()).then_some(note),
                    session: Some(session),
                    connect,
                };
                self.start(client, request, metadata, again);
            }
            Command::SellerNames { ids } => {
                tokio::spawn(async move {
                    let names = crate::lookup::seller_names(&client, &ids).await;
                    if !names.is_empty() {
                        send(&sink, Event::SellerNames(names));
                    }
                });
            }
            Command::Capture {
                session,
                payment_intent,
                amount,
                currency,
            } => {
                let request = payment_journal::Request {
                    kind: Kind::Capture,
                    account,
                    payment_intent,
                    amount,
                    currency,
                    reason: None,
                    note: None,
                    session: Some(session),
                    connect: ConnectRefund::default(),
                };
                self.start(
                    client,
                    request,
                    crate::stripe::model::Metadata::default(),
                    true,
                );
            }
            Command::Cancel {
                session,
                payment_intent,
                reason,
            } => {
                let request = payment_journal::Request {
                    kind: Kind::Cancel,
                    account,
                    payment_intent,
                    amount: None,
                    currency: String::new(),
                    reason: Some(reason),
                    note: None,
                    session: Some(session),
                    connect: ConnectRefund::default(),
                };
                self.start(
                    client,
                    request,
                    crate::stripe::model::Metadata::default(),
                    true,
                );
            }
            Command::BulkCapture { orders } => {
                let journal = self.journal.clone();
                tokio::spawn(async move {
                    let total = orders.len();
                    let mut captured = Vec::new();
                    let mut failed_list = Vec::new();
                    for (i, (session, pi)) in orders.into_iter().enumerate() {
                        sink.activity(
                            "bulk-capture",
                            "Capturing orders",
                            Some(i as f32 / total.max(1) as f32),
                        );
                        let request = payment_journal::Request {
                            kind: Kind::Capture,
                            account: account.clone(),
                            payment_intent: pi,
                            amount: None,
                            currency: String::new(),
                            reason: None,
                            note: None,
                            session: Some(session.clone()),
                            connect: ConnectRefund::default(),
                        };
                        let sent = crate::payment_batch::send_one(
                            &client,
                            &journal,
                            request,
                            BTreeMap::new(),
                            Reader::App,
                        )
                        .await;
                        match sent {
                            Ok(_) => {
                                refresh_row(&client, &sink, &session).await;
                                captured.push(session);
                            }
                            Err(unsent) => {
                                failed_list.push((session, unsent.message().to_owned()));
                            }
                        }
                    }
                    sink.done("bulk-capture");
                    send(
                        &sink,
                        Event::BulkDone {
                            captured,
                            failed: failed_list,
                        },
                    );
                });
            }
        }
    }

    /// Journals `request` and sends it, or resumes the earlier attempt of the same command, or
    /// asks the user first ([`Event::AskAgain`]).
    fn start(
        &self,
        client: Arc<Client>,
        request: payment_journal::Request,
        metadata: crate::stripe::model::Metadata,
        again: bool,
    ) {
        let session = request.session.clone().unwrap_or_default();
        let now = chrono::Utc::now().timestamp();
        let noun = request.kind.noun();
        match self
            .journal
            .begin(request.clone(), metadata, None, again, now)
        {
            Err(message) => send(
                &self.sink,
                Event::ActionFailed {
                    session,
                    message: format!("The {noun} was not sent: {message}"),
                    request_id: None,
                },
            ),
            Ok(Begin::New(attempt)) => self.send_attempt(client, attempt),
            Ok(Begin::Resume(attempt)) => {
                send(
                    &self.sink,
                    Event::Notice {
                        session,
                        message: payment_journal::resuming(&attempt),
                    },
                );
                self.send_attempt(client, attempt);
            }
            Ok(Begin::AskAgain(earlier)) => send(
                &self.sink,
                Event::AskAgain {
                    session,
                    amount: request.amount.unwrap_or_default(),
                    message: payment_journal::ask_again(&earlier, &request, now, Reader::App),
                },
            ),
            Ok(Begin::Lapsed(attempt)) => {
                let (sink, journal) = (self.sink.clone(), self.journal.clone());
                tokio::spawn(async move {
                    settle_lapsed(&client, &sink, &journal, &attempt).await;
                });
            }
        }
    }

    /// Sends again, with their original keys, the refunds, captures and cancels a crash or
    /// network fault left without an answer on the active account. Those whose key Stripe may
    /// have forgotten are never sent again: the payment tells whether they were made.
    pub fn resume_pending(&self) {
        let Some((client, account)) = self.client() else {
            return;
        };
        let pending = match self.journal.unresolved(&account) {
            Ok(p) => p,
            Err(message) => {
                self.sink
                    .error("Resuming refunds and captures", message.to_string(), None);
                return;
            }
        };
        let now = chrono::Utc::now().timestamp();
        for entry in pending {
            if entry.key_expired(now) {
                let (client, sink, journal) =
                    (Arc::clone(&client), self.sink.clone(), self.journal.clone());
                tokio::spawn(async move {
                    settle_lapsed(&client, &sink, &journal, &entry).await;
                });
                continue;
            }
            let key = match entry.idempotency_key() {
                Ok(k) => k,
                Err(message) => {
                    self.sink
                        .error("Resuming refunds and captures", message, None);
                    continue;
                }
            };
            match self.journal.begin(
                entry.request.clone(),
                entry.metadata.clone(),
                Some(&key),
                false,
                now,
            ) {
                Ok(Begin::Resume(attempt)) => self.send_attempt(Arc::clone(&client), attempt),
                Ok(_) => {}
                Err(message) => {
                    self.sink
                        .error("Resuming refunds and captures", message.to_string(), None);
                }
            }
        }
    }

    /// Sends a journalled attempt unless the same key is already on its way.
    fn send_attempt(&self, client: Arc<Client>, attempt: Attempt) {
        let key = attempt.key.clone();
        let fresh = self
            .in_flight
            .lock()
            .is_ok_and(|mut set| set.insert(key.clone()));
        if !fresh {
            return;
        }
        let (sink, journal, in_flight) = (
            self.sink.clone(),
            self.journal.clone(),
            Arc::clone(&self.in_flight),
        );
        tokio::spawn(async move {
            execute(client, sink, journal, attempt).await;
            if let Ok(mut set) = in_flight.lock() {
                set.remove(&key);
            }
        });
    }
}

/// Reads the complete orders created at or after `since` and merges each agent order into
/// the list ([`Event::RowUpdated`]), with no reset: the incremental refresh.
async fn load_newer(client: Arc<Client>, sink: EventSink, since: i64) {
    sink.activity("orders", "Reading new orders", None);
    let query = OrderQuery {
        status: Some(SessionStatus::Complete),
        created: crate::stripe::form::Range {
            gte: Some(since),
            ..Default::default()
        },
        ..OrderQuery::default()
    };
    let mut pager = client.list_orders(&query);
    loop {
        match pager.next_page().await {
            Ok(Some(page)) => {
                for s in page.iter().filter(|s| s.is_agent_order()) {
                    send(&sink, Event::RowUpdated(OrderRow::from_session(s)));
                }
            }
            Ok(None) => break,
            Err(e) => {
                sink.error(
                    "Reading new orders",
                    e.user_message(),
                    e.request_id().map(str::to_owned),
                );
                break;
            }
        }
    }
    sink.done("orders");
    send(&sink, Event::Refreshed);
}

async fn load(client: Arc<Client>, sink: EventSink, generation: u64, current: Arc<AtomicU64>) {
    send(&sink, Event::Reset);
    sink.activity("orders", "Loading orders", None);
    let filter = OrderQuery {
        status: Some(SessionStatus::Complete),
        ..OrderQuery::default()
    };
    let mut pager = client.list_orders(&filter);
    let mut scanned = 0usize;
    loop {
        if current.load(Ordering::SeqCst) != generation {
            return; // a newer load replaced this one
        }
        match pager.next_page().await {
            Ok(Some(page)) => {
                scanned += page.len();
                let rows = page
                    .iter()
                    .filter(|s| s.is_agent_order())
                    .map(OrderRow::from_session)
                    .collect();
                send(
                    &sink,
                    Event::Page {
                        rows,
                        scanned,
                        done: false,
                    },
                );
                sink.activity("orders", &format!("Loading orders ({scanned} read)"), None);
            }
            Ok(None) => break,
            Err(e) => {
                sink.done("orders");
                sink.error(
                    "Loading orders",
                    e.user_message(),
                    e.request_id().map(str::to_owned),
                );
                send(
                    &sink,
                    Event::Page {
                        rows: Vec::new(),
                        scanned,
                        done: true,
                    },
                );
                return;
            }
        }
    }
    sink.done("orders");
    send(
        &sink,
        Event::Page {
            rows: Vec::new(),
            scanned,
            done: true,
        },
    );
}

/// Sends one journalled attempt and records Stripe's answer.
async fn execute(client: Arc<Client>, sink: EventSink, journal: PaymentJournal, attempt: Attempt) {
    let session = attempt.request.session.clone().unwrap_or_default();
    let key = match attempt.idempotency_key() {
        Ok(key) => key,
        Err(message) => {
            send(
                &sink,
                Event::ActionFailed {
                    session,
                    message,
                    request_id: None,
                },
            );
            return;
        }
    };
    let pi = attempt.request.payment_intent.as_str();
    let result = match attempt.request.kind {
        Kind::Refund => client
            .create_refund(&attempt.refund_request(), Some(key))
            .await
            .map(|r| {
                let id = r.id.clone();
                (id, Some(r))
            }),
        Kind::Capture => client
            .capture_payment_intent(pi, attempt.request.amount, Some(key))
            .await
            .map(|p| (p.id, None)),
        Kind::Cancel => {
            let reason = attempt
                .request
                .reason
                .as_deref()
                .map(CancellationReason::from);
            client
                .cancel_payment_intent(pi, reason.as_ref(), Some(key))
                .await
                .map(|p| (p.id, None))
        }
    };
    match result {
        Ok((object, refund)) => {
            settle(&sink, &journal, &attempt, State::Done { object });
            if let Some(r) = refund {
                send(
                    &sink,
                    Event::Refunded {
                        session: session.clone(),
                        refund: RefundInfo::from_refund(&r),
                    },
                );
                refresh_row(&client, &sink, &session).await;
            } else {
                refresh_row(&client, &sink, &session).await;
                send(
                    &sink,
                    Event::ActionDone {
                        session,
                        message: done_message(&attempt),
                    },
                );
            }
        }
        Err(e) => {
            let message = settle_error(&sink, &journal, &attempt, &e);
            send(
                &sink,
                Event::ActionFailed {
                    session,
                    message,
                    request_id: e.request_id().map(str::to_owned),
                },
            );
        }
    }
}

fn done_message(attempt: &Attempt) -> String {
    match (attempt.request.kind, attempt.request.amount) {
        (Kind::Capture, Some(a)) => format!(
            "Captured {}.",
            crate::money::format(a, &attempt.request.currency)
        ),
        (Kind::Capture, None) => "Captured the whole authorization.".into(),
        _ => "Authorization canceled; the money is released to the buyer.".into(),
    }
}

/// Records a Stripe answer; a journal that cannot be written is reported.
fn settle(sink: &EventSink, journal: &PaymentJournal, attempt: &Attempt, state: State) {
    let now = chrono::Utc::now().timestamp();
    if let Err(message) = journal.settle(&attempt.key, state, now) {
        sink.error("Payment journal", message.to_string(), None);
    }
}

/// Records a failure and says what is known: an unknown outcome stays journalled and is never
/// worded as something to retry by hand.
fn settle_error(
    sink: &EventSink,
    journal: &PaymentJournal,
    attempt: &Attempt,
    e: &Error,
) -> String {
    if let Some(cause) = e.unknown_outcome_cause() {
        settle(
            sink,
            journal,
            attempt,
            State::OutcomeUnknown {
                detail: cause.clone(),
            },
        );
        payment_journal::outcome_unknown(attempt, &cause, Reader::App)
    } else {
        let message = e.user_message();
        settle(
            sink,
            journal,
            attempt,
            State::Refused {
                message: message.clone(),
            },
        );
        message
    }
}

/// An attempt whose key Stripe may have forgotten: asks the payment whether it was made, and
/// never sends it again.
async fn settle_lapsed(
    client: &Client,
    sink: &EventSink,
    journal: &PaymentJournal,
    attempt: &Attempt,
) {
    let session = attempt.request.session.clone().unwrap_or_default();
    match payment_journal::find_out(client, attempt).await {
        Ok(Some(object)) => {
            settle(sink, journal, attempt, State::Done { object });
            refresh_row(client, sink, &session).await;
            send(
                sink,
                Event::Notice {
                    session,
                    message: format!(
                        "Stripe did make {} started at {}.",
                        attempt.request.describe(),
                        payment_journal::clock(attempt.started_at)
                    ),
                },
            );
        }
        Ok(None) => {
            settle(sink, journal, attempt, State::Lapsed);
            let message = payment_journal::lapsed(attempt, Reader::App);
            let event = if attempt.request.kind == Kind::Refund {
                Event::AskAgain {
                    session,
                    amount: attempt.request.amount.unwrap_or_default(),
                    message,
                }
            } else {
                Event::ActionFailed {
                    session,
                    message,
                    request_id: None,
                }
            };
            send(sink, event);
        }
        Err(e) => send(
            sink,
            Event::ActionFailed {
                session,
                message: format!(
                    "{} started at {} never got an answer and is not sent again; whether \
                     Stripe made it could not be checked: {}",
                    attempt.request.describe(),
                    payment_journal::clock(attempt.started_at),
                    e.user_message()
                ),
                request_id: e.request_id().map(str::to_owned),
            },
        ),
    }
}

async fn quote(client: &Client, session: &str) -> Result<RefundQuote, crate::stripe::Error> {
    let s = client.retrieve_order(session).await?;
    let pi_id = s.payment().map(|p| p.id.clone()).ok_or_else(|| {
        crate::stripe::Error::Invalid("This order has no payment to refund.".into())
    })?;
    let pi = client.retrieve_payment_intent(&pi_id).await?;
    let charge = pi.charge();
    let paid = charge.map_or(0, |c| c.amount_captured);
    let refunded = charge.map_or(0, |c| c.amount_refunded);
    Ok(RefundQuote {
        session: session.to_owned(),
        payment_intent: pi.id.clone(),
        currency: pi.currency.clone().unwrap_or_else(|| "usd".into()),
        paid,
        refunded,
        refundable: (paid - refunded).max(0),
        disputed: charge.is_some_and(|c| c.disputed),
        destination: match Destination::of(&pi) {
            Some(mut d) => {
                if let Some(id) = d.seller.clone()
                    && let Some((_, name)) = crate::lookup::seller_names(client, &[id]).await.pop()
                {
                    d.seller_name = Some(name);
                }
                Some(d)
            }
            None => None,
        },
    })
}

async fn refresh_row(client: &Client, sink: &EventSink, session: &str) {
    if let Ok(s) = client.retrieve_order(session).await {
        // Nothing refunded, nothing to list: a new order costs one request.
        let refunded = s
            .payment()
            .and_then(|p| p.charge())
            .is_some_and(|c| c.amount_refunded > 0);
        let refunds = if refunded {
            crate::lookup::refunds_of(client, &s).await
        } else {
            Vec::new()
        };
        // The seller's name comes from the view's names (asked for once per seller), not a
        // request per event.
        let detail = OrderDetail::from_session(&s, refunds);
        send(sink, Event::RowUpdated(detail.row.clone()));
        send(sink, Event::Detail(Box::new(detail)));
    }
}

fn failed(sink: &EventSink, session: &str, e: &crate::stripe::Error) {
    send(
        sink,
        Event::ActionFailed {
            session: session.to_owned(),
            message: e.user_message(),
            request_id: e.request_id().map(str::to_owned),
        },
    );
}
