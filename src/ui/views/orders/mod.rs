//! The Orders view: agent orders with filters, a per-agent chart, the capture queue, the order
//! detail, and the capture, cancel and refund dialogs.
//!
//! One file per part: `filters` (the filter bar), `chart` (orders per agent per day), `list`
//! (the order list and the capture queue), `detail` (one order) and `dialogs` (capture, cancel,
//! refund, bulk capture), `bulk_refund` (refunds of many orders at once).

mod bulk_refund;
mod chart;
mod detail;
mod dialogs;
mod filters;
mod list;

use std::collections::BTreeSet;
use std::fmt::Write as _;

use egui::{Color32, RichText, Ui};

use crate::money;
use crate::orders::{
    self, AgentFilter, OrderDetail, OrderFilter, OrderRow, PaymentState, SortKey, is_urgent,
};
use crate::profiles::ChargeType;
use crate::ui::views::ViewCtx;
use crate::ui::{theme, widgets};
use crate::worker::Command;
use crate::worker::orders::{Command as OrdersCommand, Event, ExportOutcome};

use chart::Chart;
use dialogs::{CancelDialog, CaptureDialog, RefundDialog};

pub(super) const ROW_HEIGHT: f32 = 22.0;

/// How often, at most, the agents, capture queue and chart are recounted while rows change.
const DERIVED_EVERY: std::time::Duration = std::time::Duration::from_secs(1);

/// Which list is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(super) enum Tab {
    #[default]
    All,
    Capture,
}

/// What the view derives from the rows, computed when rows or filters change rather than on
/// every frame (10,000 orders must still draw within a few milliseconds).
#[derive(Default)]
struct Derived {
    /// Every agent name, sorted.
    agents: Vec<String>,
    /// Every seller orders pay (`acct_…`, name or id), by name.
    sellers: Vec<(String, String)>,
    /// Orders awaiting capture, soonest deadline first.
    queue: Vec<u32>,
    /// The chart of the listed orders.
    chart: Option<Chart>,
}

/// State of the Orders view.
#[derive(Default)]
pub struct OrdersView {
    derived: Derived,
    search: orders::SearchIndex,
    rows: Vec<OrderRow>,
    /// Where each order's row is in `rows`, by Checkout Session id: events and refreshes
    /// update a row in place, and a page never adds an order twice.
    index: std::collections::HashMap<String, usize>,
    /// Counts every change to `rows`, so what others derive from them is redone only then.
    revision: u64,
    scanned: usize,
    loading: bool,
    requested: bool,
    filter: OrderFilter,
    from_text: String,
    to_text: String,
    min_text: String,
    max_text: String,
    /// Why a typed min or max total is ignored, worked out when the text changes.
    bound_errors: Vec<String>,
    sort: Option<(SortKey, bool)>,
    view: Vec<u32>,
    view_dirty: bool,
    /// Rows changed since `derived` was computed (the view itself was kept in place).
    derived_stale: bool,
    /// When `derived` was last computed: while orders stream in it is redone at most once a
    /// second, since it reads every row.
    derived_at: Option<std::time::Instant>,
    tab: Tab,
    selected: Option<String>,
    detail: Option<Box<OrderDetail>>,
    refund: Option<RefundDialog>,
    capture: Option<CaptureDialog>,
    cancel: Option<CancelDialog>,
    /// Orders ticked in the list or the capture queue.
    bulk: BTreeSet<String>,
    bulk_refund: Option<bulk_refund::BulkRefundDialog>,
    bulk_preview: bool,
    notice: Option<(Color32, String)>,
    /// An export was asked for and has not ended yet (one dialog at a time).
    exporting: bool,
    /// An order to open as soon as the view draws (from the Overview or Activity).
    pending_open: Option<String>,
    /// What the command palette asked for, run when the view draws next.
    palette_action: Option<crate::ui::palette::OrdersAction>,
    /// Names of the sellers destination charges pay, by `acct_…`, as the platform gave them.
    seller_names: std::collections::HashMap<String, String>,
    /// Sellers whose names were asked for (or are to be, on the next frame).
    names_asked: std::collections::HashSet<String>,
    /// Sellers to ask names for on the next frame.
    names_wanted: Vec<String>,
    /// The profile charges with destination charges and the platform itself is shown: the
    /// list has a seller column and filter.
    destination_mode: bool,
}

impl OrdersView {
    /// Shows only the orders of `agent` (from the Agreements view).
    pub fn filter_agent(&mut self, agent: &str) {
        self.filter.agent = Some(AgentFilter::Named(agent.to_owned()));
        self.view_dirty = true;
    }

    /// Forgets everything loaded (the account changed).
    pub fn reset(&mut self) {
        let revision = self.revision + 1;
        *self = OrdersView::default();
        self.revision = revision;
    }

    /// Sets the free-text search (email, SKU, order number or id), as if typed.
    pub fn set_search(&mut self, text: &str) {
        text.clone_into(&mut self.filter.text);
        self.view_dirty = true;
    }

    /// True while pages of orders are still arriving.
    #[must_use]
    pub fn is_loading(&self) -> bool {
        self.loading || !self.requested
    }

    /// Changes whenever the rows change.
    #[must_use]
    pub fn revision(&self) -> u64 {
        self.revision
    }

    /// Every agent order loaded so far, before filters.
    #[must_use]
    pub fn all_rows(&self) -> &[OrderRow] {
        &self.rows
    }

    /// The order whose detail is shown, once it has arrived.
    #[must_use]
    pub fn detail(&self) -> Option<&OrderDetail> {
        self.detail.as_deref()
    }

    /// The orders currently listed (after filters), for tests.
    #[must_use]
    pub fn visible_rows(&self) -> Vec<&OrderRow> {
        self.view
            .iter()
            .filter_map(|&i| self.rows.get(i as usize))
            .collect()
    }

    /// Takes the worker's order events.
    pub fn on_event(&mut self, event: Event) {
        if matches!(
            event,
            Event::Reset | Event::Page { .. } | Event::RowUpdated(_) | Event::Detail(_)
        ) {
            self.revision += 1;
        }
        match event {
            Event::Reset => {
                self.rows.clear();
                self.index.clear();
                self.search = orders::SearchIndex::default();
                self.scanned = 0;
                self.loading = true;
                self.view_dirty = true;
            }
            Event::Page {
                rows,
                scanned,
                done,
            } => {
                for mut row in rows {
                    self.name_row(&mut row);
                    // An order an event already added arrives again in its page.
                    if self.index.contains_key(&row.id) {
                        self.upsert_row(row);
                        continue;
                    }
                    self.search.push(&row);
                    self.index.insert(row.id.clone(), self.rows.len());
                    self.rows.push(row);
                }
                self.scanned = scanned;
                self.loading = !done;
                self.view_dirty = true;
            }
            Event::Detail(mut detail) => {
                self.name_detail(&mut detail);
                if self.selected.as_deref() == Some(detail.row.id.as_str()) {
                    self.upsert_row(detail.row.clone());
                    self.detail = Some(detail);
                }
            }
            Event::Quote(quote) => {
                if let Some(d) = &mut self.refund
                    && d.session == quote.session
                {
                    d.amount = money::format_plain(quote.refundable, &quote.currency);
                    d.quote = Some(quote);
                }
            }
            Event::Exported(outcome) => {
                self.exporting = false;
                self.notice = match outcome {
                    ExportOutcome::Saved { count, path } => Some((
                        theme::SUCCESS,
                        format!(
                            "Exported {} to {}.",
                            widgets::plural(count, "order"),
                            path.display()
                        ),
                    )),
                    ExportOutcome::Cancelled => None,
                    ExportOutcome::Failed(message) => Some((theme::ERROR, message)),
                };
            }
            Event::RowUpdated(mut row) => {
                self.name_row(&mut row);
                self.upsert_row(row);
            }
            Event::SellerNames(names) => {
                self.seller_names.extend(names);
                for row in &mut self.rows {
                    if let Some(name) = row.seller.as_ref().and_then(|s| self.seller_names.get(s)) {
                        row.seller_name.clone_from(name);
                    }
                }
                if let Some(mut detail) = self.detail.take() {
                    self.name_detail(&mut detail);
                    self.detail = Some(detail);
                }
                self.search = orders::SearchIndex::of(&self.rows);
                self.revision += 1;
                self.view_dirty = true;
            }
            Event::Refreshed => self.loading = false,
            Event::Refunded { session, refund } => {
                if let Some(d) = &mut self.refund
                    && d.session == session
                {
                    let color = match refund.status.as_str() {
                        "succeeded" => theme::SUCCESS,
                        "pending" | "requires_action" => theme::WARNING,
                        _ => theme::ERROR,
                    };
                    let mut text = format!(
                        "Refund {} for {}: {}.",
                        refund.id,
                        money::format_symbol(
                            refund.amount,
                            &d.quote
                                .as_ref()
                                .map_or("usd".into(), |q| q.currency.clone())
                        ),
                        refund.status
                    );
                    if let Some(why) = &refund.failure {
                        let _ = write!(text, " {why}");
                    }
                    d.outcome = Some((color, text));
                }
            }
            Event::ActionDone { session, message } => {
                if self.capture.as_ref().is_some_and(|c| c.session == session) {
                    self.capture = None;
                }
                if self.cancel.as_ref().is_some_and(|c| c.session == session) {
                    self.cancel = None;
                }
                self.notice = Some((theme::SUCCESS, message));
            }
            Event::BulkDone { captured, failed } => {
                self.bulk.clear();
                let mut text = format!("Captured {}.", widgets::plural(captured.len(), "order"));
                if !failed.is_empty() {
                    let _ = write!(text, " {} failed:", failed.len());
                    for (id, why) in &failed {
                        let _ = write!(text, " {id}: {why}");
                    }
                }
                let color = if failed.is_empty() {
                    theme::SUCCESS
                } else {
                    theme::WARNING
                };
                self.notice = Some((color, text));
            }
            Event::BulkRefunded { results } => {
                self.bulk.clear();
                if let Some(d) = &mut self.bulk_refund {
                    d.results = Some(results);
                } else {
                    let done = results
                        .iter()
                        .filter(|(_, o)| matches!(o, orders::bulk::BulkOutcome::Refunded { .. }))
                        .count();
                    self.notice = Some((
                        theme::INFO,
                        format!(
                            "Bulk refund finished: {} refunded.",
                            widgets::plural(done, "order")
                        ),
                    ));
                }
            }
            Event::Notice { session, message } => {
                if let Some(d) = &mut self.refund
                    && d.session == session
                {
                    d.outcome = Some((theme::INFO, message));
                    return;
                }
                self.notice = Some((theme::INFO, message));
            }
            Event::AskAgain {
                session,
                amount,
                message,
            } => {
                if let Some(d) = &mut self.refund
                    && d.session == session
                {
                    d.sent = false;
                    d.outcome = None;
                    d.ask_again = Some((amount, message));
                    return;
                }
                self.notice = Some((theme::WARNING, message));
            }
            Event::ActionFailed {
                session,
                message,
                request_id,
            } => {
                let text = match request_id {
                    Some(id) => format!("{message} (request {id})"),
                    None => message,
                };
                if let Some(d) = &mut self.refund
                    && d.session == session
                {
                    d.sent = false;
                    d.outcome = Some((theme::ERROR, text));
                    return;
                }
                if let Some(c) = &mut self.capture
                    && c.session == session
                {
                    c.sent = false;
                }
                if let Some(c) = &mut self.cancel
                    && c.session == session
                {
                    c.sent = false;
                }
                self.notice = Some((theme::ERROR, text));
            }
        }
    }

    /// Puts the seller's name on a row when it is known, else notes the seller to ask about.
    fn name_row(&mut self, row: &mut OrderRow) {
        let Some(seller) = &row.seller else { return };
        match self.seller_names.get(seller) {
            Some(name) => row.seller_name.clone_from(name),
            None if !row.seller_name.is_empty() => {
                self.seller_names
                    .insert(seller.clone(), row.seller_name.clone());
            }
            None => {
                if self.names_asked.insert(seller.clone()) {
                    self.names_wanted.push(seller.clone());
                }
            }
        }
    }

    /// Names the seller of an order in full (its row and its destination) when it is known.
    fn name_detail(&mut self, detail: &mut OrderDetail) {
        self.name_row(&mut detail.row);
        if let Some(d) = &mut detail.destination
            && !detail.row.seller_name.is_empty()
        {
            d.seller_name = Some(detail.row.seller_name.clone());
        }
    }

    /// Updates the row of this order, or adds it (the list is sorted when drawn, so a new
    /// order goes at the end of `rows`).
    fn upsert_row(&mut self, row: OrderRow) {
        let i = if let Some(&i) = self.index.get(&row.id) {
            self.search.set(i, &row);
            self.rows[i] = row;
            i
        } else {
            self.search.push(&row);
            self.index.insert(row.id.clone(), self.rows.len());
            self.rows.push(row);
            self.rows.len() - 1
        };
        if self.view_dirty || self.search.len() != self.rows.len() {
            self.view_dirty = true;
            return;
        }
        // One row changed: keep the list in place rather than filtering and sorting every row.
        let (key, desc) = self.sort.unwrap_or((SortKey::Date, true));
        orders::place_in_view(
            &self.rows,
            &self.search,
            &self.filter,
            key,
            desc,
            &mut self.view,
            i as u32,
        );
        self.derived_stale = true;
    }

    /// Loads the orders if that has not been asked yet (the Overview needs them before the
    /// Orders view is ever opened).
    pub fn ensure_loaded(&mut self, ctx: &ViewCtx<'_>) {
        if !self.requested && ctx.session.ready {
            self.requested = true;
            self.loading = true;
            ctx.send(Command::Orders(OrdersCommand::Load));
        }
    }

    /// Shows one order: lists it alone (search by its id) and opens its detail.
    pub fn open_order(&mut self, session: &str) {
        self.set_search(session);
        self.tab = Tab::All;
        self.pending_open = Some(session.to_owned());
    }

    /// The Checkout Session of a payment, when that order is loaded.
    #[must_use]
    pub fn session_of_payment(&self, payment_intent: &str) -> Option<&str> {
        self.rows
            .iter()
            .find(|r| r.payment_intent.as_deref() == Some(payment_intent))
            .map(|r| r.id.as_str())
    }

    /// Shows the orders awaiting capture, soonest deadline first.
    pub fn show_capture_queue(&mut self) {
        self.tab = Tab::Capture;
    }

    /// True while the capture queue is shown instead of every order.
    #[must_use]
    pub fn showing_capture_queue(&self) -> bool {
        self.tab == Tab::Capture
    }

    fn rebuild_view(&mut self) {
        let (key, desc) = self.sort.unwrap_or((SortKey::Date, true));
        if self.search.len() != self.rows.len() {
            self.search = orders::SearchIndex::of(&self.rows);
        }
        self.view = orders::view_indexed(&self.rows, &self.search, &self.filter, key, desc);
        self.view_dirty = false;
        self.rebuild_derived();
    }

    /// Agents, capture queue and chart, from every row and the listed ones.
    fn rebuild_derived(&mut self) {
        self.derived_stale = false;
        self.derived_at = Some(std::time::Instant::now());
        let agents: BTreeSet<&str> = self.rows.iter().map(|r| r.agent.as_str()).collect();
        let mut sellers: Vec<(String, String)> = self
            .rows
            .iter()
            .filter_map(|r| r.seller.as_ref().map(|s| (s, r.seller_label())))
            .collect::<std::collections::BTreeMap<_, _>>()
            .into_iter()
            .map(|(id, label)| (id.clone(), label.to_owned()))
            .collect();
        sellers.sort_by_key(|s| s.1.to_lowercase());
        self.derived = Derived {
            agents: agents.into_iter().map(str::to_owned).collect(),
            sellers,
            queue: orders::capture_queue(&self.rows),
            chart: Chart::of(&self.visible_rows(), &self.rows),
        };
    }

    /// Draws the view.
    pub fn ui(&mut self, ui: &mut Ui, ctx: &mut ViewCtx<'_>) {
        self.ensure_loaded(ctx);
        self.destination_mode = ctx.session.charges == ChargeType::Destination
            && ctx.session.connected_account.is_none();
        if !self.destination_mode && self.filter.seller.take().is_some() {
            self.view_dirty = true;
        }
        if !self.names_wanted.is_empty() {
            let ids = std::mem::take(&mut self.names_wanted);
            ctx.send(Command::Orders(OrdersCommand::SellerNames { ids }));
        }
        if ctx.session.ready
            && let Some(id) = self.pending_open.take()
        {
            self.open_detail(id, ctx);
        }
        if let Some(action) = self.palette_action.take() {
            use crate::ui::palette::OrdersAction as A;
            match action {
                A::Refresh => self.refresh(ctx),
                A::Export => self.export(ctx),
                A::BulkRefund if !self.rows.is_empty() => self.open_bulk_refund(),
                A::BulkRefund => {}
            }
        }
        if self.view_dirty {
            self.rebuild_view();
        } else if self.derived_stale {
            let since = self.derived_at.map_or(DERIVED_EVERY, |t| t.elapsed());
            if since >= DERIVED_EVERY {
                self.rebuild_derived();
            } else {
                ui.ctx()
                    .request_repaint_after(DERIVED_EVERY.saturating_sub(since));
            }
        }
        self.header_ui(ui, ctx);
        self.filters_ui(ui);
        if !self.destination_mode
            && ctx.session.connected_account.is_none()
            && !self.derived.sellers.is_empty()
        {
            ui.label(
                RichText::new(format!(
                    "Some orders are destination charges paying {}. Choose destination charges \
                     in Settings to see a seller column and filter.",
                    widgets::plural(self.derived.sellers.len(), "seller")
                ))
                .weak(),
            );
        }
        if let Some((color, text)) = &self.notice {
            ui.colored_label(*color, text);
        }
        self.chart_ui(ui);
        ui.horizontal(|ui| {
            ui.selectable_value(&mut self.tab, Tab::All, "All orders");
            let n = self.derived.queue.len();
            ui.selectable_value(
                &mut self.tab,
                Tab::Capture,
                format!("Awaiting capture ({n})"),
            );
        });
        ui.separator();
        if self.selected.is_some() {
            egui::Panel::right("order_detail")
                .default_size(430.0)
                .resizable(true)
                .show(ui, |ui| self.detail_ui(ui, ctx));
        }
        egui::CentralPanel::no_frame().show(ui, |ui| match self.tab {
            Tab::All => self.list_ui(ui, ctx),
            Tab::Capture => self.capture_queue_ui(ui, ctx),
        });
        self.refund_dialog(ui, ctx);
        self.capture_dialog(ui, ctx);
        self.cancel_dialog(ui, ctx);
        self.bulk_dialog(ui, ctx);
        self.bulk_refund_dialog(ui, ctx);
    }

    fn header_ui(&mut self, ui: &mut Ui, ctx: &mut ViewCtx<'_>) {
        ui.horizontal(|ui| {
            ui.heading("Orders");
            ui.label(format!(
                "{} agent orders ({} checkout sessions read)",
                self.rows.len(),
                self.scanned
            ));
            if self.loading {
                ui.label(RichText::new("Loading more…").italics());
            }
            if ui
                .add_enabled(!self.loading, egui::Button::new("Refresh orders"))
                .clicked()
            {
                self.refresh(ctx);
            }
            let picked = self.bulk.len();
            let label = if picked > 0 {
                format!("Refund selected ({picked})…")
            } else {
                "Refund in bulk…".to_owned()
            };
            if ui
                .add_enabled(!self.rows.is_empty(), egui::Button::new(label))
                .on_hover_text(
                    "Refund the selected orders, or every order listed when none is selected: \
                     full, a fixed amount or a share each, with a preview first",
                )
                .clicked()
            {
                self.open_bulk_refund();
            }
            if ui
                .add_enabled(!self.exporting, egui::Button::new("Export CSV"))
                .on_hover_text("Save the orders listed (filtered and sorted) as a CSV file")
                .clicked()
            {
                self.export(ctx);
            }
        });
    }

    /// Reads the orders again: only what is newer once the list is whole (a minute of overlap
    /// for orders completed late; repeats update their row).
    fn refresh(&mut self, ctx: &ViewCtx<'_>) {
        if self.loading {
            return;
        }
        self.loading = true;
        let newest = self.rows.iter().map(|r| r.created).max();
        match newest {
            Some(newest) if self.requested => {
                ctx.send(Command::Orders(OrdersCommand::LoadNewer {
                    since: newest - 60,
                }));
            }
            _ => {
                self.detail = None;
                self.selected = None;
                ctx.send(Command::Orders(OrdersCommand::Load));
            }
        }
    }

    /// Saves the orders listed (filtered and sorted) as a CSV file.
    fn export(&mut self, ctx: &ViewCtx<'_>) {
        if self.exporting {
            return;
        }
        self.exporting = true;
        let rows = self.visible_rows().into_iter().cloned().collect();
        ctx.send(Command::Orders(OrdersCommand::Export { rows }));
    }

    /// Runs an action the command palette chose, on the view's next frame (where it can
    /// reach the worker): the same as its button.
    pub fn run(&mut self, action: crate::ui::palette::OrdersAction) {
        self.palette_action = Some(action);
    }
}

pub(super) fn state_badge(ui: &mut Ui, r: &OrderRow, now: i64) {
    let color = match r.state {
        PaymentState::AwaitingCapture => {
            if r.capture_before.is_some_and(|d| is_urgent(d, now)) {
                theme::ERROR
            } else {
                theme::WARNING
            }
        }
        PaymentState::Paid => theme::SUCCESS,
        PaymentState::PartlyRefunded => theme::INFO,
        PaymentState::Refunded | PaymentState::Canceled | PaymentState::Pending => theme::NEUTRAL,
    };
    widgets::badge(ui, r.state.label(), color);
}
