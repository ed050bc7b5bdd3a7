//! The bulk refund dialog: the selected orders (or every order listed), full or a fixed amount or
//! a share each, a preview of what each order gets or why it is skipped, one confirmation (typed
//! in live mode), then each order's outcome and the results as CSV.

use egui::{RichText, Ui};

use super::OrdersView;
use crate::money;
use crate::orders::OrderRow;
use crate::orders::bulk::{self, BulkAmount, BulkOutcome, PlannedRefund};
use crate::payment_batch::RefundTerms;
use crate::profiles::Mode;
use crate::stripe::refunds::ConnectRefund;
use crate::ui::views::ViewCtx;
use crate::ui::{theme, widgets};
use crate::worker::Command;
use crate::worker::orders::Command as OrdersCommand;

/// How much each order gets, as chosen in the dialog.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(super) enum HowMuch {
    #[default]
    Full,
    Fixed,
    Percent,
}

/// The bulk refund dialog's state.
#[derive(Default)]
pub(super) struct BulkRefundDialog {
    /// The orders chosen when the dialog opened (selected, or every order listed).
    pub(super) orders: Vec<OrderRow>,
    /// Whether they are the selected orders (else the filtered list).
    pub(super) selected: bool,
    pub(super) how: HowMuch,
    pub(super) amount: String,
    pub(super) percent: String,
    pub(super) reason: String,
    pub(super) note: String,
    /// On destination charges: reverse the transfer, refund the application fee.
    pub(super) connect: ConnectRefund,
    pub(super) confirm: String,
    pub(super) sent: bool,
    pub(super) results: Option<Vec<(PlannedRefund, BulkOutcome)>>,
    /// The orders' main currency, for a fixed amount (counted once, at opening).
    currency: String,
    /// The plan for the amount last asked, made again only when the amount changes (the dialog
    /// may hold every listed order, tens of thousands).
    plan: Option<Plan>,
}

/// A plan and what the dialog says of it.
struct Plan {
    how: BulkAmount,
    items: Vec<PlannedRefund>,
    /// Orders that will be refunded.
    count: usize,
    /// The amounts per currency, in words.
    totals: String,
}

impl Plan {
    fn of(orders: &[OrderRow], how: BulkAmount) -> Plan {
        let items = bulk::plan(orders, &how);
        let count = items.iter().filter(|p| p.skip.is_none()).count();
        let totals = bulk::totals(&items)
            .iter()
            .map(|(c, _, a)| money::format(*a, c))
            .collect::<Vec<_>>()
            .join(" + ");
        Plan {
            how,
            items,
            count,
            totals,
        }
    }
}

impl BulkRefundDialog {
    /// What the inputs ask for, or why they cannot be read.
    fn amount(&self) -> Result<BulkAmount, String> {
        match self.how {
            HowMuch::Full => Ok(BulkAmount::Full),
            HowMuch::Fixed => money::parse_positive(&self.amount, &self.currency)
                .map(|amount| BulkAmount::Fixed {
                    amount,
                    currency: self.currency.clone(),
                })
                .map_err(|e| e.to_string()),
            HowMuch::Percent => bulk::parse_percent(&self.percent).map(BulkAmount::Percent),
        }
    }
}

impl OrdersView {
    /// Opens the dialog on the selected orders, or on every order listed when none is selected.
    pub(super) fn open_bulk_refund(&mut self) {
        let selected: Vec<OrderRow> = self
            .rows
            .iter()
            .filter(|r| self.bulk.contains(&r.id))
            .cloned()
            .collect();
        let (orders, selected) = if selected.is_empty() {
            (self.visible_rows().into_iter().cloned().collect(), false)
        } else {
            (selected, true)
        };
        self.bulk_refund = Some(BulkRefundDialog {
            currency: crate::orders::main_currency(orders.iter()),
            orders,
            selected,
            reason: "requested_by_customer".into(),
            ..BulkRefundDialog::default()
        });
    }

    pub(super) fn bulk_refund_dialog(&mut self, ui: &mut Ui, ctx: &mut ViewCtx<'_>) {
        let live = ctx.session.mode == Mode::Live;
        let Some(d) = &mut self.bulk_refund else {
            return;
        };
        let mut close = false;
        let mut save = None;
        egui::Modal::new(egui::Id::unique("bulk_refund")).show(ui.ctx(), |ui| {
            ui.set_width(640.0);
            if let Some(results) = &d.results {
                results_ui(ui, results, &mut close, &mut save);
                return;
            }
            ui.heading(format!(
                "Refund {} in bulk",
                widgets::plural(d.orders.len(), "order")
            ));
            ui.label(if d.selected {
                "The orders you selected."
            } else {
                "Every order the list shows with its filters (select orders to refund only those)."
            });
            ui.horizontal(|ui| {
                ui.add_enabled_ui(!d.sent, |ui| {
                    ui.radio_value(&mut d.how, HowMuch::Full, "Everything left");
                    ui.radio_value(&mut d.how, HowMuch::Fixed, "A fixed amount each");
                    ui.radio_value(&mut d.how, HowMuch::Percent, "A share of what was paid");
                });
            });
            match d.how {
                HowMuch::Full => {}
                HowMuch::Fixed => {
                    ui.horizontal(|ui| {
                        let l = ui.label(format!("Amount each ({})", d.currency.to_uppercase()));
                        ui.add(egui::TextEdit::singleline(&mut d.amount).desired_width(100.0))
                            .labelled_by(l.id);
                    });
                }
                HowMuch::Percent => {
                    ui.horizontal(|ui| {
                        let l = ui.label("Percent of what each order paid");
                        ui.add(egui::TextEdit::singleline(&mut d.percent).desired_width(80.0))
                            .labelled_by(l.id);
                    });
                }
            }
            ui.horizontal(|ui| {
                ui.label("Reason");
                egui::ComboBox::from_id_salt("bulk_refund_reason")
                    .selected_text(super::dialogs::reason_label(&d.reason))
                    .show_ui(ui, |ui| {
                        for r in ["requested_by_customer", "duplicate", "fraudulent", ""] {
                            ui.selectable_value(
                                &mut d.reason,
                                r.to_owned(),
                                super::dialogs::reason_label(r),
                            );
                        }
                    });
                let l = ui.label("Note");
                ui.add(egui::TextEdit::singleline(&mut d.note).desired_width(220.0))
                    .labelled_by(l.id);
            });
            let how = match d.amount() {
                Ok(how) => how,
                Err(problem) => {
                    ui.colored_label(theme::ERROR, problem);
                    if ui.button("Cancel").clicked() {
                        close = true;
                    }
                    return;
                }
            };
            if d.plan.as_ref().is_none_or(|p| p.how != how) {
                d.plan = Some(Plan::of(&d.orders, how));
            }
            let Some(plan) = &d.plan else {
                return;
            };
            preview_ui(ui, &plan.items);
            let count = plan.count;
            let destination = plan
                .items
                .iter()
                .filter(|p| p.skip.is_none() && p.order.seller.is_some())
                .count();
            if destination > 0 {
                ui.horizontal(|ui| {
                    ui.add_enabled(
                        !d.sent,
                        egui::Checkbox::new(
                            &mut d.connect.reverse_transfer,
                            "Reverse the transfers",
                        ),
                    )
                    .on_hover_text(
                        "Stripe's reverse_transfer, on each destination charge: the seller pays \
                         back its share of the refund",
                    );
                    ui.add_enabled(
                        !d.sent,
                        egui::Checkbox::new(
                            &mut d.connect.refund_application_fee,
                            "Refund the application fees",
                        ),
                    )
                    .on_hover_text(
                        "Stripe's refund_application_fee, on each destination charge: the \
                         platform gives its fee back in proportion",
                    );
                });
                ui.label(bulk::connect_words(destination, d.connect));
            }
            ui.label(
                RichText::new(format!(
                    "{} to refund ({}), {} skipped. Each refund is journalled with its own key \
                     and made once.",
                    widgets::plural(count, "order"),
                    if plan.totals.is_empty() {
                        "nothing"
                    } else {
                        &plan.totals
                    },
                    plan.items.len() - count
                ))
                .strong(),
            );
            let confirmed = if live && count > 0 {
                let want = count.to_string();
                let l = ui.colored_label(
                    theme::LIVE_RED,
                    format!("LIVE: type {want} to refund real money on {want} orders"),
                );
                ui.add(egui::TextEdit::singleline(&mut d.confirm).desired_width(80.0))
                    .labelled_by(l.id);
                d.confirm.trim() == want
            } else {
                true
            };
            ui.horizontal(|ui| {
                let label = format!("Refund {}", widgets::plural(count, "order"));
                if ui
                    .add_enabled(count > 0 && confirmed && !d.sent, egui::Button::new(label))
                    .clicked()
                {
                    d.sent = true;
                    let reason = (!d.reason.is_empty()).then(|| d.reason.clone());
                    let note = Some(d.note.trim().to_owned()).filter(|n| !n.is_empty());
                    ctx.send(Command::Orders(OrdersCommand::BulkRefund {
                        plan: plan.items.clone(),
                        terms: RefundTerms {
                            reason,
                            note,
                            connect: d.connect,
                        },
                    }));
                }
                if d.sent {
                    ui.label("Refunding… (see Activity for progress)");
                } else if ui.button("Cancel").clicked() {
                    close = true;
                }
            });
        });
        if let Some(results) = save {
            ctx.send(Command::Orders(OrdersCommand::ExportBulkResults {
                results,
            }));
        }
        if close {
            self.bulk_refund = None;
        }
    }
}

const LINE: f32 = 20.0;

/// A scrolled table of `rows` lines that draws only the lines in view (the dialog may list
/// every order the filters show).
fn lines_table(
    ui: &mut Ui,
    id: &str,
    headers: &[&str],
    rows: usize,
    mut line: impl FnMut(usize, &mut egui_extras::TableRow<'_, '_>),
) {
    let mut table = egui_extras::TableBuilder::new(ui)
        .id_salt(id)
        .striped(true)
        .max_scroll_height(260.0);
    for _ in 1..headers.len() {
        table = table.column(egui_extras::Column::auto());
    }
    table
        .column(egui_extras::Column::remainder())
        .header(LINE, |mut h| {
            for t in headers {
                h.col(|ui| {
                    ui.strong(*t);
                });
            }
        })
        .body(|body| body.rows(LINE, rows, |mut row| line(row.index(), &mut row)));
}

/// The seller an order's destination charge pays (its name, else its account id), or "the
/// platform" for the platform's own charges.
fn seller_cell(row: &mut egui_extras::TableRow<'_, '_>, order: &OrderRow) {
    row.col(|ui| {
        if order.seller.is_some() {
            one_line(
                ui,
                ui.visuals().text_color(),
                order.seller_label().to_owned(),
            );
        } else {
            ui.weak("the platform");
        }
    });
}

/// `text` on one line in `color`, cut short with the whole of it on hover (a row is one line
/// high).
fn one_line(ui: &mut Ui, color: egui::Color32, text: String) -> egui::Response {
    ui.add(egui::Label::new(RichText::new(&text).color(color)).truncate())
        .on_hover_text(text)
}

/// Each order: paid, already refunded, what this refund takes or why it is skipped.
fn preview_ui(ui: &mut Ui, plan: &[PlannedRefund]) {
    // A platform's destination charges: which seller each refund comes from.
    let sellers = plan.iter().any(|p| p.order.seller.is_some());
    let mut headers = vec!["Order", "Agent"];
    if sellers {
        headers.push("Seller");
    }
    headers.extend(["Paid", "Refunded before", "This refund"]);
    lines_table(ui, "bulk_refund_plan", &headers, plan.len(), |i, row| {
        let p = &plan[i];
        let o = &p.order;
        row.col(|ui| {
            ui.label(o.display_number());
        });
        row.col(|ui| {
            ui.label(&o.agent);
        });
        if sellers {
            seller_cell(row, o);
        }
        row.col(|ui| {
            ui.label(money::format_symbol(o.captured, &o.currency));
        });
        row.col(|ui| {
            ui.label(money::format_symbol(o.refunded, &o.currency));
        });
        row.col(|ui| match &p.skip {
            Some(skip) => {
                one_line(
                    ui,
                    theme::WARNING,
                    format!("skipped: {}", skip.words(&o.currency)),
                );
            }
            None => {
                ui.label(RichText::new(money::format_symbol(p.refund, &o.currency)).strong());
            }
        });
    });
}

/// The summary once the batch ended, each order's outcome, and the CSV button.
fn results_ui(
    ui: &mut Ui,
    results: &[(PlannedRefund, BulkOutcome)],
    close: &mut bool,
    save: &mut Option<Vec<(PlannedRefund, BulkOutcome)>>,
) {
    let count = |f: fn(&BulkOutcome) -> bool| results.iter().filter(|(_, o)| f(o)).count();
    let refunded = count(|o| matches!(o, BulkOutcome::Refunded { .. }));
    let skipped = count(|o| matches!(o, BulkOutcome::Skipped(_)));
    let failed = count(|o| matches!(o, BulkOutcome::Failed(_)));
    ui.heading("Bulk refund finished");
    ui.colored_label(
        if failed == 0 {
            theme::SUCCESS
        } else {
            theme::WARNING
        },
        format!(
            "{} refunded, {skipped} skipped, {failed} failed or not known yet.",
            widgets::plural(refunded, "order")
        ),
    );
    let sellers = results.iter().any(|(p, _)| p.order.seller.is_some());
    let mut headers = vec!["Order", "Agent"];
    if sellers {
        headers.push("Seller");
    }
    headers.push("Outcome");
    lines_table(
        ui,
        "bulk_refund_outcomes",
        &headers,
        results.len(),
        |i, row| {
            let (p, outcome) = &results[i];
            let o = &p.order;
            row.col(|ui| {
                ui.label(o.display_number());
            });
            row.col(|ui| {
                ui.label(&o.agent);
            });
            if sellers {
                seller_cell(row, o);
            }
            row.col(|ui| {
                match outcome {
                    BulkOutcome::Refunded { refund, status } => ui.colored_label(
                        theme::SUCCESS,
                        format!(
                            "{} refunded ({refund}, {status})",
                            money::format_symbol(p.refund, &o.currency)
                        ),
                    ),
                    BulkOutcome::Skipped(why) => {
                        one_line(ui, theme::NEUTRAL, format!("skipped: {why}"))
                    }
                    BulkOutcome::Failed(why) => one_line(ui, theme::ERROR, why.clone()),
                };
            });
        },
    );
    ui.horizontal(|ui| {
        if ui.button("Save results as CSV…").clicked() {
            *save = Some(results.to_vec());
        }
        if ui.button("Close").clicked() {
            *close = true;
        }
    });
}
