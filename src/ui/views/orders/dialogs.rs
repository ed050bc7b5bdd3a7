//! The capture, cancel, refund and bulk-capture dialogs. Live mode asks for the amount typed.

use egui::{Color32, RichText, Ui};

use super::OrdersView;
use crate::money;
use crate::orders::{self, OrderRow, PaymentState};
use crate::profiles::Mode;
use crate::stripe::refunds::ConnectRefund;
use crate::ui::views::ViewCtx;
use crate::ui::{theme, widgets};
use crate::worker::Command;
use crate::worker::orders::{Command as OrdersCommand, RefundQuote};

/// The refund dialog's state.
pub(super) struct RefundDialog {
    pub(super) session: String,
    pub(super) quote: Option<RefundQuote>,
    pub(super) amount: String,
    pub(super) reason: String,
    pub(super) note: String,
    pub(super) confirm: String,
    pub(super) sent: bool,
    pub(super) outcome: Option<(Color32, String)>,
    /// The worker held the refund of this amount back (it repeats one made moments ago); the
    /// sentence says why and the button asks.
    pub(super) ask_again: Option<(i64, String)>,
    /// For a destination charge: reverse the transfer, refund the application fee.
    pub(super) connect: ConnectRefund,
}

/// The capture dialog's state.
pub(super) struct CaptureDialog {
    pub(super) session: String,
    pub(super) payment_intent: String,
    pub(super) currency: String,
    pub(super) capturable: i64,
    pub(super) amount: String,
    pub(super) confirm: String,
    pub(super) sent: bool,
}

/// The cancel-authorization dialog's state.
pub(super) struct CancelDialog {
    pub(super) session: String,
    pub(super) payment_intent: String,
    pub(super) reason: String,
    pub(super) sent: bool,
}

impl OrdersView {
    pub(super) fn refund_dialog(&mut self, ui: &mut Ui, ctx: &mut ViewCtx<'_>) {
        let live = ctx.session.mode == Mode::Live;
        let Some(d) = &mut self.refund else { return };
        let mut close = false;
        egui::Modal::new(egui::Id::unique("refund_dialog")).show(ui.ctx(), |ui| {
            ui.set_width(420.0);
            ui.heading("Refund");
            // Escape closes it as Cancel does, but never while a refund is on its way.
            if !d.sent && ui.input(|i| i.key_pressed(egui::Key::Escape)) {
                close = true;
            }
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
                    ui.label(money::format_symbol(q.paid, &q.currency));
                    ui.end_row();
                    ui.label("Already refunded");
                    ui.label(money::format_symbol(q.refunded, &q.currency));
                    ui.end_row();
                    ui.label("Refundable");
                    ui.label(
                        RichText::new(money::format_symbol(q.refundable, &q.currency)).strong(),
                    );
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
                    d.amount = money::format_plain(q.refundable, &q.currency);
                }
            });
            let parsed = money::parse_positive(&d.amount, &q.currency);
            let problem = amount_problem(&parsed, q.refundable, || {
                format!(
                    "That is more than the refundable {}.",
                    money::format_symbol(q.refundable, &q.currency)
                )
            });
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
            if let Some(dest) = &q.destination {
                let shown = parsed.as_ref().map_or(q.refundable, |a| *a);
                destination_options(ui, dest, shown, &mut d.connect, !d.sent);
            }
            if let Some(p) = &problem {
                ui.colored_label(theme::ERROR, p);
            }
            // Asked only for the amount the worker held back; another amount is a new refund.
            let again = match (&d.ask_again, &parsed) {
                (Some((held, why)), Ok(a)) if held == a && !d.sent => {
                    ui.colored_label(theme::WARNING, why);
                    true
                }
                _ => false,
            };
            let confirmed = live_confirmation(
                ui,
                live,
                &parsed,
                &q.currency,
                "to confirm this refund of real money",
                &mut d.confirm,
            );
            ui.horizontal(|ui| {
                let label = match parsed {
                    Ok(a) if problem.is_none() && again => {
                        format!("Refund {} again", money::format_symbol(a, &q.currency))
                    }
                    Ok(a) if problem.is_none() => {
                        format!("Refund {}", money::format_symbol(a, &q.currency))
                    }
                    _ => "Refund".into(),
                };
                let can = problem.is_none() && confirmed && !d.sent && !q.disputed;
                if ui.add_enabled(can, egui::Button::new(label)).clicked()
                    && let Ok(amount) = parsed
                {
                    d.sent = true;
                    d.outcome = Some((theme::INFO, "Refunding…".into()));
                    d.ask_again = None;
                    ctx.send(Command::Orders(OrdersCommand::Refund {
                        session: d.session.clone(),
                        payment_intent: q.payment_intent.clone(),
                        amount,
                        currency: q.currency.clone(),
                        reason: d.reason.clone(),
                        note: d.note.trim().to_owned(),
                        again,
                        connect: d.connect,
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

    pub(super) fn capture_dialog(&mut self, ui: &mut Ui, ctx: &mut ViewCtx<'_>) {
        let live = ctx.session.mode == Mode::Live;
        let Some(c) = &mut self.capture else { return };
        let mut close = false;
        egui::Modal::new(egui::Id::unique("capture_dialog")).show(ui.ctx(), |ui| {
            ui.set_width(400.0);
            ui.heading("Capture payment");
            ui.label(format!(
                "Capturable: {}",
                money::format_symbol(c.capturable, &c.currency)
            ));
            let l = ui.label(format!("Amount to capture ({})", c.currency.to_uppercase()));
            ui.add_enabled(
                !c.sent,
                egui::TextEdit::singleline(&mut c.amount).desired_width(120.0),
            )
            .labelled_by(l.id);
            let parsed = money::parse_positive(&c.amount, &c.currency);
            let problem = amount_problem(&parsed, c.capturable, || {
                format!(
                    "At most {} can be captured.",
                    money::format_symbol(c.capturable, &c.currency)
                )
            });
            if let Some(p) = &problem {
                ui.colored_label(theme::ERROR, p);
            } else if let Ok(a) = parsed
                && a < c.capturable
            {
                ui.label(format!(
                    "The remaining {} of the authorization is released to the buyer.",
                    money::format_symbol(c.capturable - a, &c.currency)
                ));
            }
            let confirmed =
                live_confirmation(ui, live, &parsed, &c.currency, "to confirm", &mut c.confirm);
            ui.horizontal(|ui| {
                let can = problem.is_none() && confirmed && !c.sent;
                let label = match parsed {
                    Ok(a) if problem.is_none() => {
                        format!("Capture {}", money::format_symbol(a, &c.currency))
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
                        currency: c.currency.clone(),
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

    pub(super) fn cancel_dialog(&mut self, ui: &mut Ui, ctx: &mut ViewCtx<'_>) {
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

    pub(super) fn bulk_dialog(&mut self, ui: &mut Ui, ctx: &mut ViewCtx<'_>) {
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
            ui.heading(format!(
                "Capture {}?",
                widgets::plural(picked.len(), "order")
            ));
            for r in &picked {
                ui.label(format!(
                    "{}  {}  {}",
                    r.order_number,
                    r.customer,
                    money::format_symbol(r.capturable, &r.currency)
                ));
            }
            ui.label(
                RichText::new(format!("Total: {}", money::format_symbol(total, &currency)))
                    .strong(),
            );
            if live {
                ui.colored_label(theme::LIVE_RED, "LIVE mode: this captures real money.");
            }
            ui.horizontal(|ui| {
                if ui
                    .button(format!(
                        "Capture {}",
                        widgets::plural(picked.len(), "order")
                    ))
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

pub(super) fn reason_label(reason: &str) -> &'static str {
    match reason {
        "requested_by_customer" => "Requested by customer",
        "duplicate" => "Duplicate",
        "fraudulent" => "Fraudulent",
        "abandoned" => "Abandoned",
        _ => "No reason",
    }
}

/// Why a typed amount cannot be sent (unreadable, zero, or over `limit`), in a sentence.
fn amount_problem(
    parsed: &Result<i64, money::AmountError>,
    limit: i64,
    too_much: impl FnOnce() -> String,
) -> Option<String> {
    match parsed {
        Err(e) => Some(e.to_string()),
        Ok(a) if *a > limit => Some(too_much()),
        Ok(_) => None,
    }
}

/// In live mode, asks for the amount typed once more (`purpose` ends the prompt); true when it
/// matches, and always outside live mode.
fn live_confirmation(
    ui: &mut Ui,
    live: bool,
    parsed: &Result<i64, money::AmountError>,
    currency: &str,
    purpose: &str,
    typed: &mut String,
) -> bool {
    let (true, Ok(amount)) = (live, parsed) else {
        return true;
    };
    let want = money::format_plain(*amount, currency);
    let l = ui.colored_label(theme::LIVE_RED, format!("LIVE: type {want} {purpose}"));
    ui.add(egui::TextEdit::singleline(typed).desired_width(120.0))
        .labelled_by(l.id);
    typed.trim() == want
}

/// A destination charge's two refund options, each with what it does to the seller's and the
/// platform's balance for a refund of `amount` (Stripe's rules: both off by default, each in
/// proportion to the refund, only what is left can be taken back).
fn destination_options(
    ui: &mut Ui,
    dest: &orders::Destination,
    amount: i64,
    connect: &mut ConnectRefund,
    enabled: bool,
) {
    ui.add_space(4.0);
    ui.label(RichText::new(format!("Seller: {}", dest.seller_label())).strong());
    if dest.seller.is_some() {
        option_box(
            ui,
            &mut connect.reverse_transfer,
            enabled,
            dest.refusal(ConnectRefund {
                reverse_transfer: true,
                refund_application_fee: false,
            }),
            (
                "Reverse the transfer (take the refund back from the seller)",
                "Stripe's reverse_transfer: reverses the share of the transfer this refund stands for.",
            ),
        );
    }
    if dest.fee.is_some() {
        option_box(
            ui,
            &mut connect.refund_application_fee,
            enabled,
            dest.refusal(ConnectRefund {
                reverse_transfer: false,
                refund_application_fee: true,
            }),
            (
                "Refund the application fee (give the seller its share back)",
                "Stripe's refund_application_fee: refunds the platform's fee in proportion to the refund.",
            ),
        );
    }
    let sentences = dest.explain(amount, *connect);
    let last = sentences.len().saturating_sub(1);
    for (i, sentence) in sentences.into_iter().enumerate() {
        if i == last {
            ui.label(RichText::new(sentence).strong());
        } else {
            ui.label(sentence);
        }
    }
}

/// One refund option's checkbox, with its `(label, what it does)`: off and greyed out, with
/// Stripe's reason on hover, when `refusal` says the charge has nothing left for it.
fn option_box(
    ui: &mut Ui,
    on: &mut bool,
    enabled: bool,
    refusal: Option<String>,
    (label, hover): (&str, &str),
) {
    let can = refusal.is_none();
    *on &= can;
    ui.add_enabled(enabled && can, egui::Checkbox::new(on, label))
        .on_hover_text(hover)
        .on_disabled_hover_text(refusal.unwrap_or_default());
}
