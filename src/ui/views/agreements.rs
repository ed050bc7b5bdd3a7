//! The Agreements view: which agents may sell the seller's products, with each agreement's
//! timeline; confirm or terminate one.

use std::collections::BTreeSet;

use egui::{RichText, Ui};
use egui_extras::{Column, TableBuilder};

use super::{Intent, ViewCtx};
use crate::stripe::agreements::{Agreement, AgreementStatus, Party};
use crate::ui::{theme, widgets};
use crate::worker::Command;
use crate::worker::agreements::{Command as AgreementsCommand, Event};

/// State of the Agreements view.
#[derive(Default)]
pub struct AgreementsView {
    list: Vec<Agreement>,
    loaded: bool,
    requested: bool,
    busy: bool,
    statuses: Vec<AgreementStatus>,
    agent: Option<String>,
    selected: Option<String>,
    confirm_terminate: Option<String>,
    notice: Option<(egui::Color32, String)>,
}

impl AgreementsView {
    /// Takes the worker's agreement events.
    pub fn on_event(&mut self, event: Event) {
        match event {
            Event::List(list) => {
                self.list = list;
                self.loaded = true;
                self.busy = false;
            }
            Event::Done { message } => self.notice = Some((theme::SUCCESS, message)),
            Event::Failed {
                message,
                request_id,
            } => {
                self.busy = false;
                let text = match request_id {
                    Some(id) => format!("{message} (request {id})"),
                    None => message,
                };
                self.notice = Some((theme::ERROR, text));
            }
        }
    }

    /// The agreements as last loaded from the API.
    #[must_use]
    pub fn list(&self) -> &[Agreement] {
        &self.list
    }

    /// Forgets the list (the account changed).
    pub fn reset(&mut self) {
        *self = AgreementsView::default();
    }

    /// The agreements listed, after the status and agent filters.
    #[must_use]
    pub fn visible(&self) -> Vec<&Agreement> {
        self.list
            .iter()
            .filter(|a| self.statuses.is_empty() || self.statuses.contains(&a.status))
            .filter(|a| self.agent.as_deref().is_none_or(|x| a.agent_label() == x))
            .collect()
    }

    /// Loads the agreements if that has not been asked yet (the Overview needs them).
    pub fn ensure_loaded(&mut self, ctx: &ViewCtx<'_>) {
        if !self.requested && ctx.session.ready {
            self.requested = true;
            self.busy = true;
            ctx.send(Command::Agreements(AgreementsCommand::Load));
        }
    }

    /// True once the first list has arrived.
    #[must_use]
    pub fn is_loaded(&self) -> bool {
        self.loaded
    }

    /// Lists only the agreements waiting for the seller (initiated or partially confirmed).
    pub fn show_waiting(&mut self) {
        self.statuses = vec![
            AgreementStatus::Initiated,
            AgreementStatus::PartiallyConfirmed,
        ];
        self.agent = None;
    }

    /// Draws the view.
    pub fn ui(&mut self, ui: &mut Ui, ctx: &mut ViewCtx<'_>) {
        self.ensure_loaded(ctx);
        if widgets::view_header(
            ui,
            "Agreements",
            "Agents that may sell your products, and on whose confirmation.",
            "Refresh agreements",
            self.busy,
        ) {
            self.busy = true;
            ctx.send(Command::Agreements(AgreementsCommand::Load));
        }
        self.filters_ui(ui);
        if let Some((color, text)) = &self.notice {
            ui.colored_label(*color, text);
        }
        if !self.loaded {
            ui.label("Loading agreements…");
            return;
        }
        if self.selected.is_some() {
            egui::Panel::right("agreement_detail")
                .default_size(380.0)
                .show(ui, |ui| self.detail_ui(ui, ctx));
        }
        egui::CentralPanel::no_frame().show(ui, |ui| self.table_ui(ui));
        self.terminate_modal(ui, ctx);
    }

    fn filters_ui(&mut self, ui: &mut Ui) {
        let agents: BTreeSet<String> = self
            .list
            .iter()
            .map(|a| a.agent_label().to_owned())
            .collect();
        ui.horizontal_wrapped(|ui| {
            ui.label("Status");
            widgets::toggles(
                ui,
                &[
                    AgreementStatus::Initiated,
                    AgreementStatus::PartiallyConfirmed,
                    AgreementStatus::Confirmed,
                    AgreementStatus::Terminated,
                ],
                &mut self.statuses,
                |s| status_label(s).to_owned(),
            );
            widgets::agent_picker(
                ui,
                "agreement_agent",
                &mut self.agent,
                agents.iter().map(String::as_str),
            );
        });
    }

    fn table_ui(&mut self, ui: &mut Ui) {
        let rows: Vec<Agreement> = self.visible().into_iter().cloned().collect();
        if rows.is_empty() {
            ui.label("No agreements match.");
            return;
        }
        let mut clicked = None;
        TableBuilder::new(ui)
            .id_salt("agreements_table")
            .striped(true)
            .sense(egui::Sense::click())
            .column(Column::initial(170.0).clip(true))
            .column(Column::initial(220.0).clip(true))
            .column(Column::initial(110.0).clip(true))
            .column(Column::initial(150.0).clip(true))
            .column(Column::remainder().clip(true))
            .header(24.0, |mut h| {
                for t in [
                    "Agent",
                    "Agent profile",
                    "Initiated by",
                    "Status",
                    "Created",
                ] {
                    h.col(|ui| {
                        ui.strong(t);
                    });
                }
            })
            .body(|body| {
                body.rows(22.0, rows.len(), |mut row| {
                    let Some(a) = rows.get(row.index()) else {
                        return;
                    };
                    row.set_selected(self.selected.as_deref() == Some(a.id.as_str()));
                    row.col(|ui| {
                        if ui
                            .link(a.agent_label())
                            .on_hover_text("Show this agreement")
                            .clicked()
                        {
                            clicked = Some(a.id.clone());
                        }
                    });
                    row.col(|ui| {
                        ui.add(egui::Label::new(profile(a)).truncate())
                            .on_hover_text(profile(a));
                    });
                    row.col(|ui| {
                        ui.label(party(a.initiated_by.as_ref()));
                    });
                    row.col(|ui| {
                        status_badge(ui, &a.status);
                    });
                    row.col(|ui| {
                        ui.label(
                            a.created
                                .map(|t| t.format("%Y-%m-%d %H:%M").to_string())
                                .unwrap_or_default(),
                        );
                    });
                    if row.response().clicked() {
                        clicked = Some(a.id.clone());
                    }
                });
            });
        if let Some(id) = clicked {
            self.selected = Some(id);
        }
    }

    fn detail_ui(&mut self, ui: &mut Ui, ctx: &mut ViewCtx<'_>) {
        let Some(a) = self
            .selected
            .as_deref()
            .and_then(|id| self.list.iter().find(|a| a.id == id))
            .cloned()
        else {
            self.selected = None;
            return;
        };
        ui.horizontal(|ui| {
            ui.heading(a.agent_label());
            status_badge(ui, &a.status);
        });
        ui.label(RichText::new(&a.id).weak());
        ui.label(format!("Agent profile: {}", profile(&a)));
        if let Some(s) = a
            .seller_details
            .as_ref()
            .and_then(|s| s.network_business_profile.as_deref())
        {
            ui.label(format!("Your profile: {s}"));
        }
        ui.add_space(6.0);
        ui.label(RichText::new("Timeline").strong());
        let t = a.status_transitions.clone().unwrap_or_default();
        let fmt = |d: Option<chrono::DateTime<chrono::Utc>>| {
            d.map_or_else(
                || "—".to_owned(),
                |d| d.format("%Y-%m-%d %H:%M UTC").to_string(),
            )
        };
        egui::Grid::new("agreement_timeline")
            .num_columns(2)
            .show(ui, |ui| {
                ui.label(format!("Initiated by {}", party(a.initiated_by.as_ref())));
                ui.label(fmt(a.created));
                ui.end_row();
                ui.label("Seller confirmed");
                ui.label(fmt(t.seller_confirmed_at));
                ui.end_row();
                ui.label("Agent confirmed");
                ui.label(fmt(t.orchestrator_confirmed_at));
                ui.end_row();
                let by = a.terminated_by.as_ref().map_or_else(
                    || "Terminated".into(),
                    |p| format!("Terminated by {}", party(Some(p))),
                );
                ui.label(by);
                ui.label(fmt(t.terminated_at));
                ui.end_row();
            });
        ui.add_space(8.0);
        ui.horizontal_wrapped(|ui| {
            if a.awaits_seller()
                && ui
                    .add_enabled(!self.busy, egui::Button::new("Confirm agreement"))
                    .clicked()
            {
                self.busy = true;
                ctx.send(Command::Agreements(AgreementsCommand::Confirm(
                    a.id.clone(),
                )));
            }
            if a.status != AgreementStatus::Terminated
                && ui
                    .add_enabled(!self.busy, egui::Button::new("Terminate…"))
                    .clicked()
            {
                self.confirm_terminate = Some(a.id.clone());
            }
            if ui.button("Show this agent's orders").clicked() {
                ctx.intent(Intent::OrdersForAgent(a.agent_label().to_owned()));
            }
        });
    }

    fn terminate_modal(&mut self, ui: &mut Ui, ctx: &mut ViewCtx<'_>) {
        let Some(id) = self.confirm_terminate.clone() else {
            return;
        };
        let name = self
            .list
            .iter()
            .find(|a| a.id == id)
            .map_or("this agent", |a| a.agent_label())
            .to_owned();
        egui::Modal::new(egui::Id::unique("terminate_agreement")).show(ui.ctx(), |ui| {
            ui.set_width(420.0);
            ui.heading(format!("Terminate the agreement with {name}?"));
            ui.label(
                "Terminating ends this agent's permission to sell your products: it can no \
                 longer show them for checkout or place new orders for you. Orders already \
                 placed are not affected. This cannot be undone; the agent would have to \
                 start a new agreement.",
            );
            ui.horizontal(|ui| {
                if ui.button("Terminate agreement").clicked() {
                    self.busy = true;
                    ctx.send(Command::Agreements(AgreementsCommand::Terminate(
                        id.clone(),
                    )));
                    self.confirm_terminate = None;
                }
                if ui.button("Keep agreement").clicked() {
                    self.confirm_terminate = None;
                }
            });
        });
    }
}

fn profile(a: &Agreement) -> String {
    a.orchestrator_details
        .as_ref()
        .and_then(|o| o.network_business_profile.clone())
        .unwrap_or_else(|| "—".into())
}

fn party(p: Option<&Party>) -> &'static str {
    match p {
        Some(Party::Orchestrator) => "agent",
        Some(Party::Seller) => "seller",
        Some(Party::Unknown(_)) | None => "unknown",
    }
}

fn status_label(s: &AgreementStatus) -> &'static str {
    match s {
        AgreementStatus::Initiated => "initiated",
        AgreementStatus::PartiallyConfirmed => "partially confirmed",
        AgreementStatus::Confirmed => "confirmed",
        AgreementStatus::Terminated => "terminated",
        AgreementStatus::Unknown(_) => "unknown",
    }
}

fn status_badge(ui: &mut Ui, s: &AgreementStatus) {
    let color = match s {
        AgreementStatus::Confirmed => theme::SUCCESS,
        AgreementStatus::PartiallyConfirmed => theme::INFO,
        AgreementStatus::Initiated => theme::WARNING,
        _ => theme::NEUTRAL,
    };
    widgets::badge(ui, status_label(s), color);
}
