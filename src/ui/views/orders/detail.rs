//! One order in full: every field of the order reference, its timeline, refunds and ids.

use egui::{RichText, Ui};

use super::{CancelDialog, CaptureDialog, OrdersView, RefundDialog, state_badge};
use crate::money;
use crate::orders::{Field, PaymentState};
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
                            connect: crate::stripe::refunds::ConnectRefund::default(),
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
                        for f in d.fields(now) {
                            ui.label(RichText::new(f.label).weak());
                            if f.value.starts_with("https://") || f.value.starts_with("http://") {
                                ui.hyperlink_to("Open the buyer's receipt", &f.value)
                                    .on_hover_text(&f.value);
                            } else {
                                ui.label(f.value);
                            }
                            ui.end_row();
                        }
                    });
                ui.add_space(6.0);
                ui.label(RichText::new("Items").strong());
                for line in &d.lines {
                    egui::Frame::group(ui.style()).show(ui, |ui| {
                        ui.set_width(ui.available_width());
                        ui.label(RichText::new(line.heading()).strong());
                        if !line.description.is_empty() {
                            ui.label(RichText::new(&line.description).weak());
                        }
                        egui::Grid::new(("line", &line.sku, &line.name))
                            .num_columns(2)
                            .show(ui, |ui| {
                                for f in line.fields(&r.currency) {
                                    ui.label(RichText::new(f.label).weak());
                                    ui.label(f.value);
                                    ui.end_row();
                                }
                            });
                    });
                }
                ui.add_space(6.0);
                for (title, addr) in d.addresses() {
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
                    ui.label(t.summary());
                }
                ui.add_space(6.0);
                ui.label(RichText::new("Refunds").strong());
                if d.refunds.is_empty() {
                    ui.label("No refunds.");
                }
                for re in &d.refunds {
                    ui.label(re.summary(&r.currency));
                }
                ui.add_space(6.0);
                ui.label(RichText::new("Ids").strong());
                for Field { label, value: id } in d.ids() {
                    ui.horizontal(|ui| {
                        ui.label(RichText::new(label).weak());
                        if ui.link(&id).on_hover_text("Copy").clicked() {
                            ui.ctx().copy_text(id.clone());
                            self.notice = Some((theme::INFO, format!("Copied {id}.")));
                        }
                    });
                }
            });
    }
}
