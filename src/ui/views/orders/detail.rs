//! One order in full: every field of the order reference, its timeline, refunds and ids.

use egui::{RichText, Ui};

use super::{CancelDialog, CaptureDialog, OrdersView, RefundDialog, fmt_time, state_badge};
use crate::money;
use crate::orders::{PaymentState, countdown};
use crate::ui::theme;
use crate::ui::views::ViewCtx;
use crate::worker::Command;
use crate::worker::orders::Command as OrdersCommand;

impl OrdersView {
    pub(super) fn detail_ui(&mut self, ui: &mut Ui, ctx: &mut ViewCtx<'_>) {
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
                            ask_again: None,
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
                                amount: money::format_plain(r.capturable, &r.currency),
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
                        field(
                            ui,
                            "Subtotal",
                            money::format_symbol(d.subtotal, &r.currency),
                        );
                        field(ui, "Tax", money::format_symbol(d.tax, &r.currency));
                        field(
                            ui,
                            "Shipping",
                            money::format_symbol(d.shipping_amount, &r.currency),
                        );
                        if d.discount != 0 {
                            field(
                                ui,
                                "Discount",
                                money::format_symbol(-d.discount, &r.currency),
                            );
                        }
                        field(
                            ui,
                            "Final amount",
                            money::format_symbol(r.total, &r.currency),
                        );
                        field(
                            ui,
                            "Refunded",
                            money::format_symbol(r.refunded, &r.currency),
                        );
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
                                kv(
                                    "Unit price",
                                    money::format_symbol(line.unit_amount, &r.currency),
                                );
                                kv("Quantity", line.quantity.to_string());
                                kv(
                                    "Line total",
                                    money::format_symbol(line.amount_total, &r.currency),
                                );
                                for t in &line.taxes {
                                    kv(
                                        "Tax",
                                        format!(
                                            "{} ({}{})",
                                            money::format_symbol(t.amount, &r.currency),
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
                        money::format_symbol(re.amount, &r.currency),
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
}
