//! The Orders view: agent orders with filters, a per-agent chart, the capture queue, the order
//! detail, and the capture, cancel and refund dialogs.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use egui::{Color32, RichText, Ui};
use egui_extras::{Column, TableBuilder};

use super::ViewCtx;
use crate::orders::{
    self, OrderDetail, OrderFilter, OrderRow, PaymentState, SortKey, countdown, is_urgent,
};
use crate::profiles::Mode;
use crate::ui::{theme, widgets};
use crate::worker::Command;
use crate::worker::orders::{Command as OrdersCommand, Event, RefundQuote};

const ROW_HEIGHT: f32 = 22.0;

/// Which list is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
enum Tab {
    #[default]
    All,
    Capture,
}

/// The refund dialog's state.
struct RefundDialog {
    session: String,
    quote: Option<RefundQuote>,
    amount: String,
    reason: String,
    note: String,
    confirm: String,
    sent: bool,
    outcome: Option<(Color32, String)>,
}

/// The capture dialog's state.
struct CaptureDialog {
    session: String,
    payment_intent: String,
    currency: String,
    capturable: i64,
    amount: String,
    confirm: String,
    sent: bool,
}

/// The cancel-authorization dialog's state.
struct CancelDialog {
    session: String,
    payment_intent: String,
    reason: String,
    sent: bool,
}

/// Colours of the agents in the chart.
const CHART_PALETTE: [Color32; 6] = [
    Color32::from_rgb(0x42, 0x85, 0xF4),
    Color32::from_rgb(0xEA, 0x43, 0x35),
    Color32::from_rgb(0x34, 0xA8, 0x53),
    Color32::from_rgb(0xFB, 0xBC, 0x05),
    Color32::from_rgb(0x9C, 0x27, 0xB0),
    Color32::from_rgb(0x00, 0xAC, 0xC1),
];

/// The chart's data for the listed orders.
struct Chart {
    currency: String,
    daily: BTreeMap<String, BTreeMap<chrono::NaiveDate, orders::DayTotal>>,
    first: chrono::NaiveDate,
    days: usize,
    max_count: u32,
    /// Agent, orders, revenue (minor units of `currency`).
    per_agent: Vec<(String, u32, i64)>,
}

impl Chart {
    fn of(rows: &[&OrderRow]) -> Option<Chart> {
        let currency = orders::main_currency(rows.iter().copied());
        let daily = orders::daily_by_agent(rows.iter().copied(), &currency);
        let first = daily
            .values()
            .filter_map(|d| d.keys().next())
            .min()?
            .to_owned();
        let last = daily
            .values()
            .filter_map(|d| d.keys().next_back())
            .max()?
            .to_owned();
        let days = usize::try_from((last - first).num_days()).unwrap_or(0) + 1;
        let mut per_day: BTreeMap<chrono::NaiveDate, u32> = BTreeMap::new();
        for totals in daily.values() {
            for (day, t) in totals {
                *per_day.entry(*day).or_default() += t.orders;
            }
        }
        let max_count = per_day.values().copied().max().unwrap_or(1).max(1);
        let per_agent = daily
            .iter()
            .map(|(agent, totals)| {
                (
                    agent.clone(),
                    totals.values().map(|t| t.orders).sum(),
                    totals.values().map(|t| t.revenue).sum(),
                )
            })
            .collect();
        Some(Chart {
            currency,
            daily,
            first,
            days,
            max_count,
            per_agent,
        })
    }
}

/// What the view derives from the rows, computed when rows or filters change rather than on
/// every frame (10,000 orders must still draw within a few milliseconds).
#[derive(Default)]
struct Derived {
    /// Every agent name, sorted.
    agents: Vec<String>,
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
    scanned: usize,
    loading: bool,
    requested: bool,
    filter: OrderFilter,
    from_text: String,
    to_text: String,
    min_text: String,
    max_text: String,
    sort: Option<(SortKey, bool)>,
    view: Vec<u32>,
    view_dirty: bool,
    tab: Tab,
    selected: Option<String>,
    detail: Option<Box<OrderDetail>>,
    refund: Option<RefundDialog>,
    capture: Option<CaptureDialog>,
    cancel: Option<CancelDialog>,
    bulk: BTreeSet<String>,
    bulk_preview: bool,
    notice: Option<(Color32, String)>,
    export: Option<poll_promise::Promise<Option<(Color32, String)>>>,
}

impl OrdersView {
    /// Shows only the orders of `agent` (from the Agreements view).
    pub fn filter_agent(&mut self, agent: &str) {
        self.filter.agent = Some(agent.to_owned());
        self.view_dirty = true;
    }

    /// Forgets everything loaded (the account changed).
    pub fn reset(&mut self) {
        *self = OrdersView::default();
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
        match event {
            Event::Reset => {
                self.rows.clear();
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
                for row in &rows {
                    self.search.push(row);
                }
                self.rows.extend(rows);
                self.scanned = scanned;
                self.loading = !done;
                self.view_dirty = true;
            }
            Event::Detail(detail) => {
                if self.selected.as_deref() == Some(detail.row.id.as_str()) {
                    self.upsert_row(detail.row.clone());
                    self.detail = Some(detail);
                }
            }
            Event::Quote(quote) => {
                if let Some(d) = &mut self.refund
                    && d.session == quote.session
                {
                    d.amount = orders::major_units(quote.refundable, &quote.currency);
                    d.quote = Some(quote);
                }
            }
            Event::RowUpdated(row) => self.upsert_row(row),
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
                        widgets::money(
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
                let mut text = format!("Captured {} orders.", captured.len());
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

    fn upsert_row(&mut self, row: OrderRow) {
        if let Some(i) = self.rows.iter().position(|r| r.id == row.id) {
            self.search.set(i, &row);
            self.rows[i] = row;
        } else {
            self.rows.insert(0, row);
            self.search = orders::SearchIndex::of(&self.rows);
        }
        self.view_dirty = true;
    }

    fn rebuild_view(&mut self) {
        let (key, desc) = self.sort.unwrap_or((SortKey::Date, true));
        if self.search.len() != self.rows.len() {
            self.search = orders::SearchIndex::of(&self.rows);
        }
        self.view = orders::view_indexed(&self.rows, &self.search, &self.filter, key, desc);
        self.view_dirty = false;
        let agents: BTreeSet<&str> = self.rows.iter().map(|r| r.agent.as_str()).collect();
        self.derived = Derived {
            agents: agents.into_iter().map(str::to_owned).collect(),
            queue: orders::capture_queue(&self.rows),
            chart: Chart::of(&self.visible_rows()),
        };
    }

    /// Draws the view.
    pub fn ui(&mut self, ui: &mut Ui, ctx: &mut ViewCtx<'_>) {
        if !self.requested && ctx.session.ready {
            self.requested = true;
            self.loading = true;
            ctx.send(Command::Orders(OrdersCommand::Load));
        }
        self.poll_export();
        if self.view_dirty {
            self.rebuild_view();
        }
        self.header_ui(ui, ctx);
        self.filters_ui(ui);
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
                self.loading = true;
                self.detail = None;
                self.selected = None;
                ctx.send(Command::Orders(OrdersCommand::Load));
            }
            if ui
                .add_enabled(self.export.is_none(), egui::Button::new("Export CSV"))
                .clicked()
            {
                self.export_csv(ui);
            }
        });
    }

    /// Asks where to save and writes the filtered list there, on a helper thread so the file
    /// dialog never blocks a frame.
    fn export_csv(&mut self, ui: &Ui) {
        if self.export.is_some() {
            return; // one dialog at a time
        }
        let rows: Vec<OrderRow> = self.visible_rows().into_iter().cloned().collect();
        let repaint = ui.ctx().clone();
        self.export = Some(poll_promise::Promise::spawn_thread(
            "export-orders",
            move || {
                let picked = rfd::FileDialog::new()
                    .set_file_name("agent-orders.csv")
                    .add_filter("CSV", &["csv"])
                    .save_file();
                let outcome = picked.map(|path| match write_csv(&rows, &path) {
                    Ok(()) => (
                        theme::SUCCESS,
                        format!("Exported {} orders to {}.", rows.len(), path.display()),
                    ),
                    Err(e) => (theme::ERROR, e),
                });
                repaint.request_repaint();
                outcome
            },
        ));
    }

    fn poll_export(&mut self) {
        if let Some(done) = self.export.as_ref().and_then(|p| p.ready()) {
            if let Some(notice) = done.clone() {
                self.notice = Some(notice);
            }
            self.export = None;
        }
    }

    fn filters_ui(&mut self, ui: &mut Ui) {
        let agents = self.derived.agents.clone();
        let mut changed = false;
        ui.horizontal_wrapped(|ui| {
            let agent_label = ui.label("Agent");
            let current = self
                .filter
                .agent
                .clone()
                .unwrap_or_else(|| "All agents".into());
            let combo = egui::ComboBox::from_id_salt("agent_filter")
                .selected_text(current)
                .show_ui(ui, |ui| {
                    changed |= ui
                        .selectable_value(&mut self.filter.agent, None, "All agents")
                        .changed();
                    for a in &agents {
                        let label = if a.is_empty() { "(no agent name)" } else { a };
                        changed |= ui
                            .selectable_value(&mut self.filter.agent, Some(a.clone()), label)
                            .changed();
                    }
                });
            combo.response.labelled_by(agent_label.id);
            for (label, text, hint) in [
                ("From", &mut self.from_text, "YYYY-MM-DD"),
                ("To", &mut self.to_text, "YYYY-MM-DD"),
            ] {
                let l = ui.label(label);
                changed |= ui
                    .add(
                        egui::TextEdit::singleline(text)
                            .hint_text(hint)
                            .desired_width(86.0),
                    )
                    .labelled_by(l.id)
                    .changed();
            }
            for (label, text) in [
                ("Min total", &mut self.min_text),
                ("Max total", &mut self.max_text),
            ] {
                let l = ui.label(label);
                changed |= ui
                    .add(egui::TextEdit::singleline(text).desired_width(60.0))
                    .labelled_by(l.id)
                    .changed();
            }
            let l = ui.label("Search");
            changed |= ui
                .add(
                    egui::TextEdit::singleline(&mut self.filter.text)
                        .hint_text("email, SKU, order or id")
                        .desired_width(180.0),
                )
                .labelled_by(l.id)
                .changed();
        });
        ui.horizontal_wrapped(|ui| {
            ui.label("State");
            for state in PaymentState::ALL {
                let mut on = self.filter.states.contains(&state);
                if ui.toggle_value(&mut on, state.label()).changed() {
                    changed = true;
                    if on {
                        self.filter.states.push(state);
                    } else {
                        self.filter.states.retain(|s| *s != state);
                    }
                }
            }
            if ui.button("Clear filters").clicked() {
                self.filter = OrderFilter::default();
                self.from_text.clear();
                self.to_text.clear();
                self.min_text.clear();
                self.max_text.clear();
                changed = true;
            }
        });
        if changed {
            let cur = orders::main_currency(&self.rows);
            self.filter.from =
                chrono::NaiveDate::parse_from_str(self.from_text.trim(), "%Y-%m-%d").ok();
            self.filter.to =
                chrono::NaiveDate::parse_from_str(self.to_text.trim(), "%Y-%m-%d").ok();
            self.filter.min_total = orders::parse_major(&self.min_text, &cur).ok();
            self.filter.max_total = orders::parse_major(&self.max_text, &cur).ok();
            self.view_dirty = true;
            self.rebuild_view();
        }
    }

    fn chart_ui(&self, ui: &mut Ui) {
        let Some(chart) = &self.derived.chart else {
            return;
        };
        let (currency, daily, first, days, max_count) = (
            &chart.currency,
            &chart.daily,
            chart.first,
            chart.days,
            chart.max_count,
        );
        let palette = CHART_PALETTE;
        ui.horizontal_wrapped(|ui| {
            ui.label(RichText::new("Orders per agent per day").strong());
            for (i, (agent, count, revenue)) in chart.per_agent.iter().enumerate() {
                widgets::swatch(ui, palette[i % palette.len()]);
                ui.label(format!(
                    "{agent}: {count} orders, {}",
                    widgets::money(*revenue, currency)
                ));
            }
        });
        let (rect, resp) =
            ui.allocate_exact_size(egui::vec2(ui.available_width(), 90.0), egui::Sense::hover());
        let painter = ui.painter_at(rect);
        painter.rect_stroke(
            rect,
            2.0,
            ui.visuals().widgets.noninteractive.bg_stroke,
            egui::StrokeKind::Inside,
        );
        let bar_w = rect.width() / days as f32;
        let mut hovered_day = None;
        for d in 0..days {
            let day = first + chrono::Duration::days(d as i64);
            let x0 = rect.left() + d as f32 * bar_w;
            let mut y = rect.bottom();
            for (i, per_day) in daily.values().enumerate() {
                if let Some(t) = per_day.get(&day) {
                    let h = (t.orders as f32 / max_count as f32) * (rect.height() - 6.0);
                    let bar = egui::Rect::from_min_max(
                        egui::pos2(x0 + 1.0, y - h),
                        egui::pos2(x0 + (bar_w - 1.0).max(1.0), y),
                    );
                    painter.rect_filled(bar, 0.0, palette[i % palette.len()]);
                    y -= h;
                }
            }
            if let Some(p) = resp.hover_pos()
                && p.x >= x0
                && p.x < x0 + bar_w
            {
                hovered_day = Some(day);
            }
        }
        if let Some(day) = hovered_day {
            let mut lines = vec![day.format("%a %d %b %Y").to_string()];
            for (agent, per_day) in daily {
                if let Some(t) = per_day.get(&day) {
                    lines.push(format!(
                        "{agent}: {} orders, {}",
                        t.orders,
                        widgets::money(t.revenue, currency)
                    ));
                }
            }
            resp.on_hover_text(lines.join("\n"));
        }
    }

    fn sort_header(&mut self, ui: &mut Ui, title: &str, key: SortKey) {
        let direction = match self.sort {
            Some((k, desc)) if k == key => Some(desc),
            None if key == SortKey::Date => Some(true),
            _ => None,
        };
        let clicked = ui
            .horizontal(|ui| {
                let clicked = ui
                    .add(egui::Button::new(RichText::new(title).strong()).frame(false))
                    .on_hover_text(format!("Sort by {}", title.to_lowercase()))
                    .clicked();
                if let Some(desc) = direction {
                    widgets::sort_arrow(ui, desc);
                }
                clicked
            })
            .inner;
        if clicked {
            let desc = match self.sort {
                Some((k, d)) if k == key => !d,
                None if key == SortKey::Date => false,
                _ => true,
            };
            self.sort = Some((key, desc));
            self.rebuild_view();
        }
    }

    fn list_ui(&mut self, ui: &mut Ui, ctx: &mut ViewCtx<'_>) {
        if self.rows.is_empty() {
            ui.label(if self.loading {
                "Loading agent orders…"
            } else {
                "No agent orders on this account yet."
            });
            return;
        }
        let mut clicked = None;
        let now = chrono::Utc::now().timestamp();
        TableBuilder::new(ui)
            .id_salt("orders_table")
            .striped(true)
            .resizable(true)
            .sense(egui::Sense::click())
            .column(Column::initial(130.0))
            .column(Column::initial(110.0))
            .column(Column::initial(100.0))
            .column(Column::initial(150.0))
            .column(Column::initial(220.0).clip(true))
            .column(Column::initial(90.0))
            .column(Column::remainder())
            .header(24.0, |mut h| {
                for (title, key) in [
                    ("Date", SortKey::Date),
                    ("Agent", SortKey::Agent),
                    ("Order", SortKey::OrderNumber),
                    ("Customer", SortKey::Customer),
                    ("Items", SortKey::Items),
                    ("Total", SortKey::Total),
                    ("Payment", SortKey::State),
                ] {
                    h.col(|ui| self.sort_header(ui, title, key));
                }
            })
            .body(|body| {
                body.rows(ROW_HEIGHT, self.view.len(), |mut row| {
                    let Some(r) = self
                        .view
                        .get(row.index())
                        .and_then(|&i| self.rows.get(i as usize))
                    else {
                        return;
                    };
                    row.set_selected(self.selected.as_deref() == Some(r.id.as_str()));
                    row.col(|ui| {
                        ui.label(fmt_time(r.created));
                    });
                    row.col(|ui| {
                        ui.label(if r.agent.is_empty() { "—" } else { &r.agent });
                    });
                    row.col(|ui| {
                        if ui
                            .link(r.display_number())
                            .on_hover_text("Open the order")
                            .clicked()
                        {
                            clicked = Some(r.id.clone());
                        }
                    });
                    row.col(|ui| {
                        ui.label(&r.customer);
                    });
                    row.col(|ui| {
                        ui.label(&r.items);
                    });
                    row.col(|ui| {
                        ui.label(widgets::money(r.total, &r.currency));
                    });
                    row.col(|ui| {
                        state_badge(ui, r, now);
                    });
                    if row.response().clicked() {
                        clicked = Some(r.id.clone());
                    }
                });
            });
        if let Some(id) = clicked {
            self.open_detail(id, ctx);
        }
    }

    fn open_detail(&mut self, id: String, ctx: &mut ViewCtx<'_>) {
        self.detail = None;
        self.selected = Some(id.clone());
        ctx.send(Command::Orders(OrdersCommand::Detail { session: id }));
    }

    fn capture_queue_ui(&mut self, ui: &mut Ui, ctx: &mut ViewCtx<'_>) {
        let queue = self.derived.queue.clone();
        if queue.is_empty() {
            ui.label("Nothing awaits capture.");
            return;
        }
        let now = chrono::Utc::now().timestamp();
        ui.horizontal(|ui| {
            ui.label("Authorizations expire at their deadline; capture before then or the money is released.");
            let n = self.bulk.len();
            if ui
                .add_enabled(n > 0, egui::Button::new(format!("Capture selected ({n})")))
                .clicked()
            {
                self.bulk_preview = true;
            }
        });
        let mut open = None;
        TableBuilder::new(ui)
            .id_salt("capture_queue")
            .striped(true)
            .column(Column::exact(28.0))
            .column(Column::initial(120.0).clip(true))
            .column(Column::initial(130.0).clip(true))
            .column(Column::initial(110.0).clip(true))
            .column(Column::initial(140.0).clip(true))
            .column(Column::remainder().clip(true))
            .header(24.0, |mut h| {
                for t in ["", "Deadline", "Agent", "Order", "Customer", "Capturable"] {
                    h.col(|ui| {
                        ui.strong(t);
                    });
                }
            })
            .body(|body| {
                body.rows(ROW_HEIGHT, queue.len(), |mut row| {
                    let Some(r) = queue
                        .get(row.index())
                        .and_then(|&i| self.rows.get(i as usize))
                    else {
                        return;
                    };
                    row.col(|ui| {
                        let mut on = self.bulk.contains(&r.id);
                        if ui
                            .checkbox(&mut on, "")
                            .on_hover_text(format!("Select order {}", r.display_number()))
                            .changed()
                        {
                            if on {
                                self.bulk.insert(r.id.clone());
                            } else {
                                self.bulk.remove(&r.id);
                            }
                        }
                    });
                    row.col(|ui| match r.capture_before {
                        Some(d) => {
                            let text = countdown(d, now);
                            if is_urgent(d, now) {
                                ui.colored_label(theme::ERROR, RichText::new(text).strong());
                            } else {
                                ui.label(text);
                            }
                        }
                        None => {
                            ui.label("—");
                        }
                    });
                    row.col(|ui| {
                        ui.label(&r.agent);
                    });
                    row.col(|ui| {
                        if ui
                            .link(r.display_number())
                            .on_hover_text("Open the order to capture or cancel it")
                            .clicked()
                        {
                            open = Some(r.id.clone());
                        }
                    });
                    row.col(|ui| {
                        ui.label(&r.customer);
                    });
                    row.col(|ui| {
                        ui.label(widgets::money(r.capturable, &r.currency));
                    });
                });
            });
        if let Some(id) = open {
            self.open_detail(id, ctx);
        }
    }

    fn detail_ui(&mut self, ui: &mut Ui, ctx: &mut ViewCtx<'_>) {
        ui.horizontal(|ui| {
            if ui.button("Close detail").clicked() {
                self.selected = None;
                self.detail = None;
            }
        });
        let Some(d) = self.detail.clone() else {
            ui.label("Loading the order…");
            return;
        };
        let r = &d.row;
        let now = chrono::Utc::now().timestamp();
        egui::ScrollArea::vertical()
            .id_salt("order_detail_scroll")
            .show(ui, |ui| {
                ui.horizontal(|ui| {
                    ui.heading(format!("Order {}", r.display_number()));
                    state_badge(ui, r, now);
                });
                ui.horizontal_wrapped(|ui| {
                    if r.refundable() > 0 && ui.button("Refund…").clicked() {
                        self.refund = Some(RefundDialog {
                            session: r.id.clone(),
                            quote: None,
                            amount: String::new(),
                            reason: "requested_by_customer".into(),
                            note: String::new(),
                            confirm: String::new(),
                            sent: false,
                            outcome: None,
                        });
                        ctx.send(Command::Orders(OrdersCommand::QuoteRefund {
                            session: r.id.clone(),
                        }));
                    }
                    if r.state == PaymentState::AwaitingCapture
                        && let Some(pi) = &r.payment_intent
                    {
                        if ui.button("Capture…").clicked() {
                            self.capture = Some(CaptureDialog {
                                session: r.id.clone(),
                                payment_intent: pi.clone(),
                                currency: r.currency.clone(),
                                capturable: r.capturable,
                                amount: orders::major_units(r.capturable, &r.currency),
                                confirm: String::new(),
                                sent: false,
                            });
                        }
                        if ui.button("Cancel authorization…").clicked() {
                            self.cancel = Some(CancelDialog {
                                session: r.id.clone(),
                                payment_intent: pi.clone(),
                                reason: "requested_by_customer".into(),
                                sent: false,
                            });
                        }
                    }
                });
                ui.add_space(4.0);
                egui::Grid::new("order_fields")
                    .num_columns(2)
                    .spacing([12.0, 4.0])
                    .show(ui, |ui| {
                        let field = |ui: &mut Ui, k: &str, v: String| {
                            ui.label(RichText::new(k).weak());
                            ui.label(v);
                            ui.end_row();
                        };
                        field(ui, "Order date", fmt_time(r.created));
                        field(ui, "Order number", r.order_number.clone());
                        field(
                            ui,
                            "Agent",
                            if r.agent.is_empty() {
                                "—".into()
                            } else {
                                r.agent.clone()
                            },
                        );
                        if let Some(p) = &d.agent_profile {
                            field(ui, "Agent profile", p.clone());
                        }
                        field(ui, "Customer", r.customer.clone());
                        field(ui, "Email", r.email.clone());
                        field(ui, "Subtotal", widgets::money(d.subtotal, &r.currency));
                        field(ui, "Tax", widgets::money(d.tax, &r.currency));
                        field(
                            ui,
                            "Shipping",
                            widgets::money(d.shipping_amount, &r.currency),
                        );
                        if d.discount != 0 {
                            field(ui, "Discount", widgets::money(-d.discount, &r.currency));
                        }
                        field(ui, "Final amount", widgets::money(r.total, &r.currency));
                        field(ui, "Refunded", widgets::money(r.refunded, &r.currency));
                        if let Some(deadline) = r
                            .capture_before
                            .filter(|_| r.state == PaymentState::AwaitingCapture)
                        {
                            field(
                                ui,
                                "Capture before",
                                format!("{} ({})", fmt_time(deadline), countdown(deadline, now)),
                            );
                        }
                        if let Some(card) = &d.card {
                            field(ui, "Card", format!("{} •••• {}", card.brand, card.last4));
                            field(
                                ui,
                                "Expires",
                                format!("{:02}/{}", card.exp_month, card.exp_year),
                            );
                        }
                    });
                ui.add_space(6.0);
                ui.label(RichText::new("Items").strong());
                for line in &d.lines {
                    egui::Frame::group(ui.style()).show(ui, |ui| {
                        ui.set_width(ui.available_width());
                        ui.label(
                            RichText::new(format!("{} × {}", line.quantity, line.name)).strong(),
                        );
                        if !line.description.is_empty() {
                            ui.label(RichText::new(&line.description).weak());
                        }
                        egui::Grid::new(("line", &line.sku, &line.name))
                            .num_columns(2)
                            .show(ui, |ui| {
                                let mut kv = |k: &str, v: String| {
                                    ui.label(RichText::new(k).weak());
                                    ui.label(v);
                                    ui.end_row();
                                };
                                kv("SKU", line.sku.clone());
                                kv("Unit price", widgets::money(line.unit_amount, &r.currency));
                                kv("Quantity", line.quantity.to_string());
                                kv("Line total", widgets::money(line.amount_total, &r.currency));
                                for t in &line.taxes {
                                    kv(
                                        "Tax",
                                        format!(
                                            "{} ({}{})",
                                            widgets::money(t.amount, &r.currency),
                                            if t.tax_type.is_empty() {
                                                "tax".into()
                                            } else {
                                                t.tax_type.clone()
                                            },
                                            t.rate.map(|p| format!(", {p}%")).unwrap_or_default()
                                        ),
                                    );
                                }
                                kv("GTIN", line.gtin.clone().unwrap_or_else(|| "—".into()));
                                kv("MPN", line.mpn.clone().unwrap_or_else(|| "—".into()));
                            });
                    });
                }
                ui.add_space(6.0);
                for (title, addr) in [
                    ("Shipping address", &d.shipping),
                    ("Billing address", &d.billing),
                ] {
                    ui.label(RichText::new(title).strong());
                    match addr {
                        Some(a) => {
                            ui.label(&a.name);
                            for l in &a.lines {
                                ui.label(l);
                            }
                        }
                        None => {
                            ui.label("—");
                        }
                    }
                }
                ui.add_space(6.0);
                ui.label(RichText::new("Payment timeline").strong());
                for t in &d.timeline {
                    ui.label(format!("{}  {}", fmt_time(t.at), t.what));
                }
                ui.add_space(6.0);
                ui.label(RichText::new("Refunds").strong());
                if d.refunds.is_empty() {
                    ui.label("No refunds.");
                }
                for re in &d.refunds {
                    ui.label(format!(
                        "{}  {}  {}  {}{}",
                        fmt_time(re.created),
                        widgets::money(re.amount, &r.currency),
                        re.status,
                        re.reason,
                        if re.note.is_empty() {
                            String::new()
                        } else {
                            format!(" — {}", re.note)
                        }
                    ));
                }
                ui.add_space(6.0);
                ui.label(RichText::new("Ids").strong());
                let ids = [
                    Some(("Checkout Session", r.id.clone())),
                    r.payment_intent.clone().map(|p| ("PaymentIntent", p)),
                    d.charge.clone().map(|c| ("Charge", c)),
                ];
                for (what, id) in ids.into_iter().flatten() {
                    ui.horizontal(|ui| {
                        ui.label(RichText::new(what).weak());
                        if ui.link(&id).on_hover_text("Copy").clicked() {
                            ui.ctx().copy_text(id.clone());
                            self.notice = Some((theme::INFO, format!("Copied {id}.")));
                        }
                    });
                }
            });
    }

    fn refund_dialog(&mut self, ui: &mut Ui, ctx: &mut ViewCtx<'_>) {
        let live = ctx.session.mode == Mode::Live;
        let Some(d) = &mut self.refund else { return };
        let mut close = false;
        egui::Modal::new(egui::Id::unique("refund_dialog")).show(ui.ctx(), |ui| {
            ui.set_width(420.0);
            ui.heading("Refund");
            let Some(q) = d.quote.clone() else {
                ui.label("Fetching fresh amounts from Stripe…");
                if ui.button("Cancel").clicked() {
                    close = true;
                }
                return;
            };
            egui::Grid::new("refund_amounts")
                .num_columns(2)
                .show(ui, |ui| {
                    ui.label("Paid");
                    ui.label(widgets::money(q.paid, &q.currency));
                    ui.end_row();
                    ui.label("Already refunded");
                    ui.label(widgets::money(q.refunded, &q.currency));
                    ui.end_row();
                    ui.label("Refundable");
                    ui.label(RichText::new(widgets::money(q.refundable, &q.currency)).strong());
                    ui.end_row();
                });
            if q.disputed {
                ui.colored_label(
                    theme::ERROR,
                    "This charge is disputed; Stripe will not refund it while the dispute is open.",
                );
            }
            if let Some((color, text)) = &d.outcome {
                ui.colored_label(*color, text);
                if !d.sent || text.starts_with("Refund re_") {
                    if ui.button("Close").clicked() {
                        close = true;
                    }
                    if text.starts_with("Refund re_") {
                        return;
                    }
                }
            }
            let l = ui.label(format!("Amount ({})", q.currency.to_uppercase()));
            ui.add_enabled(
                !d.sent,
                egui::TextEdit::singleline(&mut d.amount).desired_width(120.0),
            )
            .labelled_by(l.id);
            ui.horizontal(|ui| {
                if ui.small_button("Full refundable amount").clicked() {
                    d.amount = orders::major_units(q.refundable, &q.currency);
                }
            });
            let parsed = orders::parse_major(&d.amount, &q.currency);
            let problem = match &parsed {
                Err(e) => Some(e.clone()),
                Ok(0) => Some("The amount must be more than zero.".into()),
                Ok(a) if *a > q.refundable => Some(format!(
                    "That is more than the refundable {}.",
                    widgets::money(q.refundable, &q.currency)
                )),
                Ok(_) => None,
            };
            ui.horizontal(|ui| {
                ui.label("Reason");
                egui::ComboBox::from_id_salt("refund_reason")
                    .selected_text(reason_label(&d.reason))
                    .show_ui(ui, |ui| {
                        for r in ["requested_by_customer", "duplicate", "fraudulent", ""] {
                            ui.selectable_value(&mut d.reason, r.to_owned(), reason_label(r));
                        }
                    });
            });
            let l = ui.label("Internal note (kept in metadata, not shown to the buyer)");
            ui.add(egui::TextEdit::multiline(&mut d.note).desired_rows(2))
                .labelled_by(l.id);
            if let Some(p) = &problem {
                ui.colored_label(theme::ERROR, p);
            }
            let mut confirmed = true;
            if live && let Ok(a) = parsed {
                let want = orders::major_units(a, &q.currency);
                let l = ui.colored_label(
                    theme::LIVE_RED,
                    format!("LIVE: type {want} to confirm this refund of real money"),
                );
                ui.add(egui::TextEdit::singleline(&mut d.confirm).desired_width(120.0))
                    .labelled_by(l.id);
                confirmed = d.confirm.trim() == want;
            }
            ui.horizontal(|ui| {
                let label = match parsed {
                    Ok(a) if problem.is_none() => {
                        format!("Refund {}", widgets::money(a, &q.currency))
                    }
                    _ => "Refund".into(),
                };
                let can = problem.is_none() && confirmed && !d.sent && !q.disputed;
                if ui.add_enabled(can, egui::Button::new(label)).clicked()
                    && let Ok(amount) = parsed
                {
                    d.sent = true;
                    d.outcome = Some((theme::INFO, "Refunding…".into()));
                    ctx.send(Command::Orders(OrdersCommand::Refund {
                        session: d.session.clone(),
                        payment_intent: q.payment_intent.clone(),
                        amount,
                        reason: d.reason.clone(),
                        note: d.note.trim().to_owned(),
                    }));
                }
                if !d.sent && ui.button("Cancel").clicked() {
                    close = true;
                }
            });
        });
        if close {
            self.refund = None;
        }
    }

    fn capture_dialog(&mut self, ui: &mut Ui, ctx: &mut ViewCtx<'_>) {
        let live = ctx.session.mode == Mode::Live;
        let Some(c) = &mut self.capture else { return };
        let mut close = false;
        egui::Modal::new(egui::Id::unique("capture_dialog")).show(ui.ctx(), |ui| {
            ui.set_width(400.0);
            ui.heading("Capture payment");
            ui.label(format!(
                "Capturable: {}",
                widgets::money(c.capturable, &c.currency)
            ));
            let l = ui.label(format!("Amount to capture ({})", c.currency.to_uppercase()));
            ui.add_enabled(
                !c.sent,
                egui::TextEdit::singleline(&mut c.amount).desired_width(120.0),
            )
            .labelled_by(l.id);
            let parsed = orders::parse_major(&c.amount, &c.currency);
            let problem = match &parsed {
                Err(e) => Some(e.clone()),
                Ok(0) => Some("The amount must be more than zero.".into()),
                Ok(a) if *a > c.capturable => Some(format!(
                    "At most {} can be captured.",
                    widgets::money(c.capturable, &c.currency)
                )),
                Ok(_) => None,
            };
            if let Some(p) = &problem {
                ui.colored_label(theme::ERROR, p);
            } else if let Ok(a) = parsed
                && a < c.capturable
            {
                ui.label(format!(
                    "The remaining {} of the authorization is released to the buyer.",
                    widgets::money(c.capturable - a, &c.currency)
                ));
            }
            let mut confirmed = true;
            if live && let Ok(a) = parsed {
                let want = orders::major_units(a, &c.currency);
                let l = ui.colored_label(theme::LIVE_RED, format!("LIVE: type {want} to confirm"));
                ui.add(egui::TextEdit::singleline(&mut c.confirm).desired_width(120.0))
                    .labelled_by(l.id);
                confirmed = c.confirm.trim() == want;
            }
            ui.horizontal(|ui| {
                let can = problem.is_none() && confirmed && !c.sent;
                let label = match parsed {
                    Ok(a) if problem.is_none() => {
                        format!("Capture {}", widgets::money(a, &c.currency))
                    }
                    _ => "Capture".into(),
                };
                if ui.add_enabled(can, egui::Button::new(label)).clicked()
                    && let Ok(a) = parsed
                {
                    c.sent = true;
                    ctx.send(Command::Orders(OrdersCommand::Capture {
                        session: c.session.clone(),
                        payment_intent: c.payment_intent.clone(),
                        amount: (a != c.capturable).then_some(a),
                    }));
                }
                if c.sent {
                    ui.label("Capturing…");
                } else if ui.button("Cancel").clicked() {
                    close = true;
                }
            });
        });
        if close {
            self.capture = None;
        }
    }

    fn cancel_dialog(&mut self, ui: &mut Ui, ctx: &mut ViewCtx<'_>) {
        let Some(c) = &mut self.cancel else { return };
        let mut close = false;
        egui::Modal::new(egui::Id::unique("cancel_dialog")).show(ui.ctx(), |ui| {
            ui.set_width(400.0);
            ui.heading("Cancel the authorization?");
            ui.label("The held money is released to the buyer and this order cannot be captured any more.");
            ui.horizontal(|ui| {
                ui.label("Reason");
                egui::ComboBox::from_id_salt("cancel_reason")
                    .selected_text(reason_label(&c.reason))
                    .show_ui(ui, |ui| {
                        for r in ["requested_by_customer", "duplicate", "fraudulent", "abandoned"] {
                            ui.selectable_value(&mut c.reason, r.to_owned(), reason_label(r));
                        }
                    });
            });
            ui.horizontal(|ui| {
                if ui.add_enabled(!c.sent, egui::Button::new("Cancel authorization")).clicked() {
                    c.sent = true;
                    ctx.send(Command::Orders(OrdersCommand::Cancel {
                        session: c.session.clone(),
                        payment_intent: c.payment_intent.clone(),
                        reason: c.reason.clone(),
                    }));
                }
                if c.sent {
                    ui.label("Canceling…");
                } else if ui.button("Keep it").clicked() {
                    close = true;
                }
            });
        });
        if close {
            self.cancel = None;
        }
    }

    fn bulk_dialog(&mut self, ui: &mut Ui, ctx: &mut ViewCtx<'_>) {
        if !self.bulk_preview {
            return;
        }
        let live = ctx.session.mode == Mode::Live;
        let picked: Vec<&OrderRow> = self
            .rows
            .iter()
            .filter(|r| self.bulk.contains(&r.id) && r.state == PaymentState::AwaitingCapture)
            .collect();
        let currency = orders::main_currency(picked.iter().copied());
        let total: i64 = picked
            .iter()
            .filter(|r| r.currency == currency)
            .map(|r| r.capturable)
            .sum();
        let mut close = false;
        let mut go = false;
        egui::Modal::new(egui::Id::unique("bulk_capture")).show(ui.ctx(), |ui| {
            ui.set_width(440.0);
            ui.heading(format!("Capture {} orders?", picked.len()));
            for r in &picked {
                ui.label(format!(
                    "{}  {}  {}",
                    r.order_number,
                    r.customer,
                    widgets::money(r.capturable, &r.currency)
                ));
            }
            ui.label(
                RichText::new(format!("Total: {}", widgets::money(total, &currency))).strong(),
            );
            if live {
                ui.colored_label(theme::LIVE_RED, "LIVE mode: this captures real money.");
            }
            ui.horizontal(|ui| {
                if ui
                    .button(format!("Capture {} orders", picked.len()))
                    .clicked()
                {
                    go = true;
                }
                if ui.button("Cancel").clicked() {
                    close = true;
                }
            });
        });
        if go {
            let orders: Vec<(String, String)> = picked
                .iter()
                .filter_map(|r| r.payment_intent.clone().map(|pi| (r.id.clone(), pi)))
                .collect();
            ctx.send(Command::Orders(OrdersCommand::BulkCapture { orders }));
            self.notice = Some((theme::INFO, "Capturing…".into()));
            close = true;
        }
        if close {
            self.bulk_preview = false;
        }
    }
}

fn state_badge(ui: &mut Ui, r: &OrderRow, now: i64) {
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

fn reason_label(reason: &str) -> &'static str {
    match reason {
        "requested_by_customer" => "Requested by customer",
        "duplicate" => "Duplicate",
        "fraudulent" => "Fraudulent",
        "abandoned" => "Abandoned",
        _ => "No reason",
    }
}

/// A unix time as local-agnostic UTC text.
fn fmt_time(t: i64) -> String {
    chrono::DateTime::<chrono::Utc>::from_timestamp(t, 0)
        .map(|d| d.format("%Y-%m-%d %H:%M").to_string())
        .unwrap_or_default()
}

/// Writes orders to `path` as CSV.
fn write_csv(rows: &[OrderRow], path: &std::path::Path) -> Result<(), String> {
    let file = std::fs::File::create(path)
        .map_err(|e| format!("Could not create {}: {e}", path.display()))?;
    orders::export_csv(rows.iter(), std::io::BufWriter::new(file))
        .map_err(|e| format!("Could not write {}: {e}", path.display()))
}
