//! The Overview, the first screen: what needs the seller now. Authorizations that expire
//! soonest (with their countdown), imports that failed or finished with errors and were not
//! looked at, agreements waiting for the seller, today's orders and revenue per agent against
//! the last seven days, the account's mode, and the latest activity. Every tile opens the view
//! it is about, filtered.
//!
//! It reads what the other views loaded (the shell hands it [`OverviewData`]) and derives its
//! figures only when those change, not on every frame.

use egui::{Color32, RichText, Ui};

use super::{Intent, ViewCtx, ViewId};
use crate::money;
use crate::orders::{self, OrderRow, TodaySummary};
use crate::profiles::Mode;
use crate::stripe::agreements::Agreement;
use crate::ui::{theme, widgets};
use crate::worker::imports::{ImportSummary, Status};
use crate::worker::live::Entry;

/// How many expiring authorizations, imports and agreements a tile lists.
const TILE_ROWS: usize = 5;

/// What the Overview reads from the rest of the app, for one frame.
pub struct OverviewData<'a> {
    /// Every agent order loaded.
    pub orders: &'a [OrderRow],
    /// Changes whenever `orders` does.
    pub orders_revision: u64,
    /// Orders are still arriving.
    pub orders_loading: bool,
    /// Every import known.
    pub imports: &'a [ImportSummary],
    /// Failed imports the user has not opened yet.
    pub imports_unseen: Vec<&'a ImportSummary>,
    /// Every agreement.
    pub agreements: &'a [Agreement],
    /// The first agreements list has arrived.
    pub agreements_loaded: bool,
    /// The Activity entries, oldest first.
    pub activity: &'a [Entry],
    /// Every dispute, sorted for support (those that need a response first).
    pub disputes: &'a [crate::orders::disputes::DisputeRow],
}

/// An order awaiting capture, as the tile lists it.
#[derive(Debug, Clone)]
struct Expiring {
    id: String,
    label: String,
    amount: String,
    deadline: i64,
}

/// What the Overview derives from the orders.
#[derive(Debug, Clone, Default)]
struct Derived {
    /// The orders revision and the UTC day it was worked out for.
    key: Option<(u64, i64)>,
    awaiting: usize,
    expiring: Vec<Expiring>,
    today: TodaySummary,
}

/// State of the Overview.
#[derive(Default)]
pub struct OverviewView {
    derived: Derived,
}

impl OverviewView {
    /// Orders awaiting capture, as last worked out (tests read it).
    #[must_use]
    pub fn awaiting_capture(&self) -> usize {
        self.derived.awaiting
    }

    fn derive(&mut self, data: &OverviewData<'_>, now: i64) {
        let key = Some((data.orders_revision, now.div_euclid(86_400)));
        if self.derived.key == key {
            return;
        }
        let queue = orders::capture_queue(data.orders);
        let expiring = queue
            .iter()
            .take(TILE_ROWS)
            .filter_map(|&i| data.orders.get(i as usize))
            .map(|r| Expiring {
                id: r.id.clone(),
                label: format!("{} · {}", r.display_number(), r.agent),
                amount: money::format_symbol(r.capturable.max(r.total), &r.currency),
                deadline: r.capture_before.unwrap_or(i64::MAX),
            })
            .collect();
        self.derived = Derived {
            key,
            awaiting: queue.len(),
            expiring,
            today: orders::today_by_agent(data.orders, now),
        };
    }

    /// Draws the view.
    pub fn ui(&mut self, ui: &mut Ui, ctx: &mut ViewCtx<'_>, data: &OverviewData<'_>) {
        let now = chrono::Utc::now().timestamp();
        self.derive(data, now);
        ui.horizontal(|ui| {
            ui.heading("Overview");
            let session = ctx.session;
            widgets::badge(ui, session.mode.label(), theme::mode_color(session.mode));
            let account = session.account.as_deref().unwrap_or("account");
            let words = match session.mode {
                Mode::Sandbox => format!("{account}: demo data, no real money"),
                Mode::Test => format!("{account}: test mode, no real money"),
                Mode::Live => format!("{account}: live mode, real money"),
            };
            ui.label(words);
            if let Some(seller) = session.acting_as() {
                ui.label(RichText::new(format!("acting as {seller}")).strong());
            }
        });
        ui.add_space(6.0);
        egui::ScrollArea::vertical().show(ui, |ui| {
            ui.columns(2, |cols| {
                self.capture_tile(&mut cols[0], ctx, data, now);
                agreements_tile(&mut cols[0], ctx, data);
                self.sales_tile(&mut cols[1], ctx, data);
                disputes_tile(&mut cols[1], ctx, data, now);
                imports_tile(&mut cols[1], ctx, data);
            });
            activity_tile(ui, ctx, data);
        });
    }

    fn capture_tile(&self, ui: &mut Ui, ctx: &mut ViewCtx<'_>, data: &OverviewData<'_>, now: i64) {
        let d = &self.derived;
        tile(ui, "Authorizations to capture", |ui| {
            let color = if d.awaiting > 0 {
                theme::WARNING
            } else {
                theme::NEUTRAL
            };
            big_number(ui, d.awaiting, color);
            if d.awaiting == 0 {
                ui.label(if data.orders_loading {
                    "Loading orders…"
                } else {
                    "Nothing awaits capture."
                });
            }
            for e in &d.expiring {
                ui.horizontal(|ui| {
                    let urgent = orders::is_urgent(e.deadline, now);
                    let countdown = if e.deadline == i64::MAX {
                        "no deadline".to_owned()
                    } else {
                        orders::countdown(e.deadline, now)
                    };
                    ui.colored_label(
                        if urgent { theme::ERROR } else { theme::WARNING },
                        RichText::new(countdown).monospace(),
                    );
                    if ui
                        .link(format!("{} {}", e.label, e.amount))
                        .on_hover_text("Open this order")
                        .clicked()
                    {
                        ctx.intent(Intent::OpenOrder(e.id.clone()));
                    }
                });
            }
            if d.awaiting > 0
                && ui
                    .button(format!("Open the capture queue ({})", d.awaiting))
                    .clicked()
            {
                ctx.intent(Intent::CaptureQueue);
            }
        });
    }

    fn sales_tile(&self, ui: &mut Ui, ctx: &mut ViewCtx<'_>, data: &OverviewData<'_>) {
        let t = &self.derived.today;
        tile(ui, "Today's agent orders", |ui| {
            ui.horizontal(|ui| {
                big_number(ui, t.orders_today(), theme::INFO);
                ui.label(
                    RichText::new(money::format_symbol(t.revenue_today(), &t.currency)).size(18.0),
                );
            });
            if t.agents.is_empty() {
                ui.label(if data.orders_loading {
                    "Loading orders…"
                } else {
                    "No agent orders in the last eight days."
                });
                return;
            }
            egui::Grid::new("overview_sales")
                .num_columns(4)
                .striped(true)
                .show(ui, |ui| {
                    ui.strong("Agent");
                    ui.strong("Today");
                    ui.strong("Revenue");
                    ui.strong("Daily avg, last 7 days");
                    ui.end_row();
                    for a in &t.agents {
                        if ui
                            .link(&a.agent)
                            .on_hover_text("Show this agent's orders")
                            .clicked()
                        {
                            ctx.intent(Intent::OrdersForAgent(a.agent.clone()));
                        }
                        ui.label(a.orders_today.to_string());
                        ui.label(money::format_symbol(a.revenue_today, &t.currency));
                        let avg = a.daily_average_revenue();
                        let (word, color) = match a.revenue_today.cmp(&avg) {
                            std::cmp::Ordering::Greater => ("above", theme::SUCCESS),
                            std::cmp::Ordering::Less => ("below", theme::NEUTRAL),
                            std::cmp::Ordering::Equal => ("level", theme::NEUTRAL),
                        };
                        ui.horizontal(|ui| {
                            ui.label(format!(
                                "{} ({:.1} orders)",
                                money::format_symbol(avg, &t.currency),
                                a.orders_last_7_days as f64 / 7.0
                            ));
                            ui.colored_label(color, format!("today {word}"));
                        });
                        ui.end_row();
                    }
                });
            if t.other_currency_orders > 0 {
                ui.small(format!(
                    "{} in other currencies are counted in Orders, not summed here.",
                    widgets::plural(t.other_currency_orders, "order")
                ));
            }
        });
    }
}

fn agreements_tile(ui: &mut Ui, ctx: &mut ViewCtx<'_>, data: &OverviewData<'_>) {
    let waiting: Vec<&Agreement> = data
        .agreements
        .iter()
        .filter(|a| a.awaits_seller())
        .collect();
    tile(ui, "Agreements waiting for you", |ui| {
        let color = if waiting.is_empty() {
            theme::NEUTRAL
        } else {
            theme::WARNING
        };
        big_number(ui, waiting.len(), color);
        if waiting.is_empty() {
            ui.label(if data.agreements_loaded {
                "No agent is waiting for your confirmation."
            } else {
                "Loading agreements…"
            });
        }
        for a in waiting.iter().take(TILE_ROWS) {
            ui.label(format!(
                "{} · {}",
                a.agent_label(),
                a.status.as_str().replace('_', " ")
            ));
        }
        if !waiting.is_empty() && ui.button("Review them").clicked() {
            ctx.intent(Intent::AgreementsWaiting);
        }
    });
}

fn disputes_tile(ui: &mut Ui, ctx: &mut ViewCtx<'_>, data: &OverviewData<'_>, now: i64) {
    let open: Vec<_> = data
        .disputes
        .iter()
        .filter(|r| r.dispute.status.needs_response())
        .collect();
    tile(ui, "Disputes to answer", |ui| {
        let soon = open.iter().any(|r| r.due_soon(now));
        let color = match (open.is_empty(), soon) {
            (true, _) => theme::NEUTRAL,
            (false, true) => theme::ERROR,
            (false, false) => theme::WARNING,
        };
        big_number(ui, open.len(), color);
        if open.is_empty() {
            ui.label("No dispute needs a response.");
        }
        for r in open.iter().take(TILE_ROWS) {
            ui.horizontal(|ui| {
                if let Some(due) = r.due_by() {
                    ui.colored_label(
                        if r.due_soon(now) {
                            theme::ERROR
                        } else {
                            theme::WARNING
                        },
                        RichText::new(orders::countdown(due, now)).monospace(),
                    );
                }
                ui.label(format!(
                    "{} {} · {}",
                    r.order_number(),
                    money::format_symbol(r.dispute.amount, &r.dispute.currency),
                    r.dispute.status.label()
                ));
            });
        }
        if !open.is_empty() && ui.button("Answer them").clicked() {
            ctx.intent(Intent::DisputesWaiting);
        }
    });
}

fn imports_tile(ui: &mut Ui, ctx: &mut ViewCtx<'_>, data: &OverviewData<'_>) {
    tile(ui, "Imports that need a look", |ui| {
        let n = data.imports_unseen.len();
        big_number(ui, n, if n > 0 { theme::ERROR } else { theme::NEUTRAL });
        if n == 0 {
            ui.label(if data.imports.is_empty() {
                "No feed import yet."
            } else {
                "Every import went in, or you have seen its errors."
            });
        }
        for s in data.imports_unseen.iter().take(TILE_ROWS) {
            let what = match s.status {
                Status::Failed => "failed".to_owned(),
                _ => format!("{} rows failed", s.failed),
            };
            let name = s.file_name.as_deref().unwrap_or(&s.id);
            if ui
                .link(format!("{name} ({}): {what}", s.feed_kind))
                .on_hover_text("Open its error report")
                .clicked()
            {
                ctx.intent(Intent::WatchImport(s.id.clone()));
            }
        }
        if ui.button("Open Imports").clicked() {
            ctx.intent(Intent::Goto(ViewId::Imports));
        }
    });
}

fn activity_tile(ui: &mut Ui, ctx: &mut ViewCtx<'_>, data: &OverviewData<'_>) {
    tile(ui, "Latest activity", |ui| {
        if data.activity.is_empty() {
            ui.label("Nothing has happened since the console opened. New orders, payments, refunds, imports and agreements appear here as Stripe reports them.");
        }
        for e in data.activity.iter().rev().take(TILE_ROWS) {
            super::activity::entry_row(ui, ctx, e, false);
        }
        if !data.activity.is_empty() && ui.button("Show all activity").clicked() {
            ctx.intent(Intent::ShowActivity);
        }
    });
}

fn tile(ui: &mut Ui, title: &str, body: impl FnOnce(&mut Ui)) {
    egui::Frame::group(ui.style())
        .inner_margin(10.0)
        .show(ui, |ui| {
            ui.set_width(ui.available_width());
            ui.label(RichText::new(title).strong().size(15.0));
            ui.add_space(4.0);
            body(ui);
        });
    ui.add_space(8.0);
}

fn big_number(ui: &mut Ui, n: usize, color: Color32) {
    ui.label(
        RichText::new(n.to_string())
            .size(28.0)
            .strong()
            .color(color),
    );
}
