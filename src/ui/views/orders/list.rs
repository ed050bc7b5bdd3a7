//! The order list (virtualised, sortable) and the awaiting-capture queue.

use egui::{RichText, Ui};
use egui_extras::{Column, TableBuilder};

use super::{OrdersView, ROW_HEIGHT, state_badge};
use crate::money;
use crate::orders::{OrderRow, SortKey, countdown, format_time, is_urgent};
use crate::ui::views::ViewCtx;
use crate::ui::{theme, widgets};
use crate::worker::Command;
use crate::worker::orders::Command as OrdersCommand;

impl OrdersView {
    pub(super) fn sort_header(&mut self, ui: &mut Ui, title: &str, key: SortKey) {
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

    pub(super) fn list_ui(&mut self, ui: &mut Ui, ctx: &mut ViewCtx<'_>) {
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
        let sellers = self.destination_mode;
        let mut table = TableBuilder::new(ui)
            .id_salt(("orders_table", sellers))
            .striped(true)
            .resizable(true)
            .sense(egui::Sense::click())
            .column(Column::exact(28.0))
            .column(Column::initial(130.0))
            .column(Column::initial(110.0))
            .column(Column::initial(100.0));
        if sellers {
            table = table.column(Column::initial(130.0).clip(true));
        }
        table
            .column(Column::initial(150.0))
            .column(Column::initial(220.0).clip(true))
            .column(Column::initial(90.0))
            .column(Column::remainder())
            .header(24.0, |mut h| {
                h.col(|_| {});
                let mut columns = vec![
                    ("Date", SortKey::Date),
                    ("Agent", SortKey::Agent),
                    ("Order", SortKey::OrderNumber),
                ];
                if sellers {
                    columns.push(("Seller", SortKey::Seller));
                }
                columns.extend([
                    ("Customer", SortKey::Customer),
                    ("Items", SortKey::Items),
                    ("Total", SortKey::Total),
                    ("Payment", SortKey::State),
                ]);
                for (title, key) in columns {
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
                    row.col(|ui| select_box(ui, &mut self.bulk, r));
                    row.col(|ui| {
                        ui.label(format_time(r.created));
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
                    if sellers {
                        row.col(|ui| {
                            match &r.seller {
                                Some(id) => ui.label(r.seller_label()).on_hover_text(id),
                                None => ui.weak("platform").on_hover_text(
                                    "A sale of the platform's own: it pays no seller",
                                ),
                            };
                        });
                    }
                    row.col(|ui| {
                        ui.label(&r.customer);
                    });
                    row.col(|ui| {
                        ui.label(&r.items);
                    });
                    row.col(|ui| {
                        ui.label(money::format_symbol(r.total, &r.currency));
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

    pub(super) fn open_detail(&mut self, id: String, ctx: &mut ViewCtx<'_>) {
        self.detail = None;
        self.selected = Some(id.clone());
        ctx.send(Command::Orders(OrdersCommand::Detail { session: id }));
    }

    pub(super) fn capture_queue_ui(&mut self, ui: &mut Ui, ctx: &mut ViewCtx<'_>) {
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
                    row.col(|ui| select_box(ui, &mut self.bulk, r));
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
                        ui.label(money::format_symbol(r.capturable, &r.currency));
                    });
                });
            });
        if let Some(id) = open {
            self.open_detail(id, ctx);
        }
    }
}

/// The tick box that selects an order for a bulk capture or refund.
fn select_box(ui: &mut Ui, picked: &mut std::collections::BTreeSet<String>, r: &OrderRow) {
    let mut on = picked.contains(&r.id);
    if ui
        .checkbox(&mut on, "")
        .on_hover_text(format!("Select order {}", r.display_number()))
        .changed()
    {
        if on {
            picked.insert(r.id.clone());
        } else {
            picked.remove(&r.id);
        }
    }
}
