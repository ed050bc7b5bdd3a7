//! The filter bar: agent, dates, amounts, free text and payment states.

use egui::Ui;

use super::OrdersView;
use crate::money;
use crate::orders::{self, AgentFilter, OrderFilter, PaymentState, SellerFilter};
use crate::ui::theme;

impl OrdersView {
    pub(super) fn filters_ui(&mut self, ui: &mut Ui) {
        let agents = self.derived.agents.clone();
        let mut changed = false;
        ui.horizontal_wrapped(|ui| {
            let agent_label = ui.label("Agent");
            let current = match &self.filter.agent {
                Some(AgentFilter::Named(name) | AgentFilter::NameContains(name)) => name.clone(),
                None => "All agents".into(),
            };
            let combo = egui::ComboBox::from_id_salt("agent_filter")
                .selected_text(current)
                .show_ui(ui, |ui| {
                    changed |= ui
                        .selectable_value(&mut self.filter.agent, None, "All agents")
                        .changed();
                    for a in &agents {
                        let label = if a.is_empty() { "(no agent name)" } else { a };
                        changed |= ui
                            .selectable_value(
                                &mut self.filter.agent,
                                Some(AgentFilter::Named(a.clone())),
                                label,
                            )
                            .changed();
                    }
                });
            combo.response.labelled_by(agent_label.id);
            if self.destination_mode {
                changed |= self.seller_filter_ui(ui);
            }
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
        for error in &self.bound_errors {
            ui.colored_label(theme::ERROR, error);
        }
        if changed {
            let cur = orders::main_currency(&self.rows);
            self.bound_errors = [("Min total", &self.min_text), ("Max total", &self.max_text)]
                .into_iter()
                .filter_map(|(label, text)| {
                    let e = amount_bound(text, &cur).err()?;
                    Some(format!("{label}: {e} This bound is ignored."))
                })
                .collect();
            self.filter.from =
                chrono::NaiveDate::parse_from_str(self.from_text.trim(), "%Y-%m-%d").ok();
            self.filter.to =
                chrono::NaiveDate::parse_from_str(self.to_text.trim(), "%Y-%m-%d").ok();
            self.filter.min_total = amount_bound(&self.min_text, &cur).ok().flatten();
            self.filter.max_total = amount_bound(&self.max_text, &cur).ok().flatten();
            self.view_dirty = true;
            self.rebuild_view();
        }
    }
}

impl OrdersView {
    /// The seller picker of destination mode: every seller the orders pay, or the platform's
    /// own sales. True when the choice changed.
    fn seller_filter_ui(&mut self, ui: &mut Ui) -> bool {
        let mut changed = false;
        let label = ui.label("Seller");
        let current = match &self.filter.seller {
            None => "All sellers".to_owned(),
            Some(SellerFilter::PlatformOnly) => "The platform's own".to_owned(),
            Some(SellerFilter::Account(id)) => self
                .derived
                .sellers
                .iter()
                .find(|(s, _)| s == id)
                .map_or_else(|| id.clone(), |(_, name)| name.clone()),
        };
        let sellers = self.derived.sellers.clone();
        let combo = egui::ComboBox::from_id_salt("seller_filter")
            .selected_text(current)
            .show_ui(ui, |ui| {
                changed |= ui
                    .selectable_value(&mut self.filter.seller, None, "All sellers")
                    .changed();
                changed |= ui
                    .selectable_value(
                        &mut self.filter.seller,
                        Some(SellerFilter::PlatformOnly),
                        "The platform's own",
                    )
                    .changed();
                for (id, name) in &sellers {
                    changed |= ui
                        .selectable_value(
                            &mut self.filter.seller,
                            Some(SellerFilter::Account(id.clone())),
                            name,
                        )
                        .on_hover_text(id)
                        .changed();
                }
            });
        combo.response.labelled_by(label.id);
        changed
    }
}

/// A typed filter bound in the orders' main currency: `None` when the field is empty.
fn amount_bound(text: &str, currency: &str) -> Result<Option<i64>, money::AmountError> {
    if text.trim().is_empty() {
        Ok(None)
    } else {
        money::parse(text, currency).map(Some)
    }
}
