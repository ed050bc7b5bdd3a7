//! The Disputes view: every dispute on the account's agent orders, those that need a response
//! first with a countdown to the deadline (red in the last 72 hours); one dispute's order,
//! timeline and evidence form (grouped as the Dashboard groups it, prefilled from the order,
//! files attached), saved as a draft, submitted (final) or accepted (the money is lost).

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use egui::{Color32, RichText, Ui};
use egui_extras::{Column, TableBuilder};

use super::{Intent, ViewCtx};
use crate::money;
use crate::orders::disputes::{DisputeFilter, DisputeRow, prefill};
use crate::orders::{OrderDetail, countdown, format_time};
use crate::profiles::Mode;
use crate::stripe::disputes::{
    Dispute, DisputeStatus, EVIDENCE_GROUPS, FieldKind, MAX_FIELD_CHARS, reason_in_words,
};
use crate::ui::{theme, widgets};
use crate::worker::Command;
use crate::worker::disputes::{Command as DisputesCommand, Event};

/// The statuses the filter offers, in the order support meets them.
const FILTER_STATUSES: [DisputeStatus; 6] = [
    DisputeStatus::WarningNeedsResponse,
    DisputeStatus::NeedsResponse,
    DisputeStatus::WarningUnderReview,
    DisputeStatus::UnderReview,
    DisputeStatus::Won,
    DisputeStatus::Lost,
];

/// Fields that take a paragraph rather than a line.
const LONG_FIELDS: [&str; 8] = [
    "product_description",
    "access_activity_log",
    "billing_address",
    "shipping_address",
    "refund_refusal_explanation",
    "cancellation_rebuttal",
    "duplicate_charge_explanation",
    "uncategorized_text",
];

/// A final step waiting for the user's confirmation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Confirm {
    Submit,
    Accept,
}

/// The evidence being edited for the open dispute.
#[derive(Default)]
struct EvidenceForm {
    /// Text fields as typed (or prefilled).
    text: BTreeMap<String, String>,
    /// Fields filled from the order, not yet saved.
    from_order: BTreeSet<String>,
    /// Files picked, not yet uploaded.
    files: BTreeMap<String, PathBuf>,
}

/// The open dispute.
struct Open {
    dispute: Dispute,
    order: Option<OrderDetail>,
    form: EvidenceForm,
}

/// State of the Disputes view.
#[derive(Default)]
pub struct DisputesView {
    rows: Vec<DisputeRow>,
    loaded: bool,
    requested: bool,
    busy: bool,
    filter: DisputeFilter,
    selected: Option<String>,
    open: Option<Open>,
    confirm: Option<Confirm>,
    typed: String,
    notice: Option<(Color32, String)>,
    /// A dispute to open as soon as the view draws (from the Activity panel).
    pending_open: Option<String>,
}

impl DisputesView {
    /// Takes the worker's dispute events.
    pub fn on_event(&mut self, event: Event) {
        match event {
            Event::List(rows) => {
                // An event may have changed the open dispute too: read it again (its form
                // keeps what was typed).
                if self.loaded && self.open.is_some() {
                    self.pending_open.clone_from(&self.selected);
                }
                self.rows = rows;
                self.loaded = true;
                self.busy = false;
            }
            Event::Detail { dispute, order } => {
                if self.selected.as_deref() != Some(dispute.id.as_str()) {
                    return;
                }
                match &mut self.open {
                    Some(o) if o.dispute.id == dispute.id => {
                        // Fresh from Stripe; what was typed and not saved stays.
                        for (k, v) in saved_text(&dispute) {
                            o.form.text.entry(k).or_insert(v);
                        }
                        o.dispute = *dispute;
                        o.order = order.map(|o| *o);
                    }
                    _ => self.open = Some(open_with_form(*dispute, order.map(|o| *o))),
                }
            }
            Event::Picked { field, path } => {
                if let Some(o) = &mut self.open {
                    o.form.files.insert(field, path);
                }
            }
            Event::Done { dispute, message } => {
                self.busy = false;
                self.notice = Some((theme::SUCCESS, message));
                if let Some(row) = self.rows.iter_mut().find(|r| r.dispute.id == dispute.id) {
                    row.dispute = (*dispute).clone();
                }
                crate::orders::disputes::sort_for_support(&mut self.rows);
                if let Some(o) = self.open.take() {
                    self.open = Some(open_with_form(*dispute, o.order));
                }
            }
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

    /// Forgets everything (the account changed).
    pub fn reset(&mut self) {
        *self = DisputesView::default();
    }

    /// Every dispute as last loaded, sorted for support.
    #[must_use]
    pub fn rows(&self) -> &[DisputeRow] {
        &self.rows
    }

    /// The disputes listed, after the filters.
    #[must_use]
    pub fn visible(&self) -> Vec<&DisputeRow> {
        self.rows
            .iter()
            .filter(|r| self.filter.matches(r))
            .collect()
    }

    /// The open dispute, once it has arrived.
    #[must_use]
    pub fn open_dispute(&self) -> Option<&Dispute> {
        self.open.as_ref().map(|o| &o.dispute)
    }

    /// The text in the open dispute's form for `field` (typed, prefilled or saved).
    #[must_use]
    pub fn form_text(&self, field: &str) -> Option<&str> {
        self.open
            .as_ref()
            .and_then(|o| o.form.text.get(field))
            .map(String::as_str)
    }

    /// How many disputes still need a response.
    #[must_use]
    pub fn needing_response(&self) -> usize {
        self.rows
            .iter()
            .filter(|r| r.dispute.status.needs_response())
            .count()
    }

    /// Reloads the list (an event said a dispute changed).
    pub fn reload(&mut self, ctx: &ViewCtx<'_>) {
        if self.requested {
            ctx.send(Command::Disputes(DisputesCommand::Load));
            if let Some(id) = &self.selected {
                ctx.send(Command::Disputes(DisputesCommand::Detail(id.clone())));
            }
        }
    }

    /// Opens this dispute the next time the view draws.
    pub fn open_later(&mut self, id: &str) {
        self.pending_open = Some(id.to_owned());
    }

    /// Loads the disputes if that has not been asked yet.
    pub fn ensure_loaded(&mut self, ctx: &ViewCtx<'_>) {
        if !self.requested && ctx.session.ready {
            self.requested = true;
            self.busy = true;
            ctx.send(Command::Disputes(DisputesCommand::Load));
        }
    }

    /// Draws the view.
    pub fn ui(&mut self, ui: &mut Ui, ctx: &mut ViewCtx<'_>) {
        self.ensure_loaded(ctx);
        if ctx.session.ready
            && let Some(id) = self.pending_open.take()
        {
            self.select(id, ctx);
        }
        let words = format!(
            "{} need a response.",
            widgets::plural(self.needing_response(), "dispute")
        );
        if widgets::view_header(ui, "Disputes", &words, "Refresh disputes", self.busy) {
            self.busy = true;
            ctx.send(Command::Disputes(DisputesCommand::Load));
        }
        self.filters_ui(ui);
        if let Some((color, text)) = &self.notice {
            ui.colored_label(*color, text);
        }
        if !self.loaded {
            ui.label("Loading disputes…");
            return;
        }
        if self.selected.is_some() {
            egui::Panel::right("dispute_detail")
                .default_size(480.0)
                .resizable(true)
                .show(ui, |ui| {
                    self.detail_header_ui(ui, ctx);
                    ui.separator();
                    egui::ScrollArea::vertical()
                        .id_salt("dispute_detail_scroll")
                        .show(ui, |ui| self.detail_ui(ui, ctx));
                });
        }
        egui::CentralPanel::no_frame().show(ui, |ui| self.table_ui(ui, ctx));
        self.confirm_modal(ui, ctx);
    }

    fn filters_ui(&mut self, ui: &mut Ui) {
        let agents: BTreeSet<String> = self
            .rows
            .iter()
            .map(|r| r.agent().to_owned())
            .filter(|a| !a.is_empty())
            .collect();
        ui.horizontal_wrapped(|ui| {
            ui.label("Status");
            widgets::toggles(ui, &FILTER_STATUSES, &mut self.filter.statuses, |s| {
                s.label().to_owned()
            });
            widgets::agent_picker(
                ui,
                "dispute_agent",
                &mut self.filter.agent,
                agents.iter().map(String::as_str),
            );
        });
    }

    fn table_ui(&mut self, ui: &mut Ui, ctx: &mut ViewCtx<'_>) {
        let rows: Vec<DisputeRow> = self.visible().into_iter().cloned().collect();
        if rows.is_empty() {
            ui.label(if self.rows.is_empty() {
                "No disputes on this account."
            } else {
                "No disputes match."
            });
            return;
        }
        let now = chrono::Utc::now().timestamp();
        let mut clicked = None;
        TableBuilder::new(ui)
            .id_salt("disputes_table")
            .striped(true)
            .sense(egui::Sense::click())
            .column(Column::initial(170.0).clip(true))
            .column(Column::initial(130.0).clip(true))
            .column(Column::initial(100.0).clip(true))
            .column(Column::initial(130.0).clip(true))
            .column(Column::initial(100.0).clip(true))
            .column(Column::remainder().clip(true))
            .header(24.0, |mut h| {
                for t in [
                    "Status",
                    "Respond within",
                    "Amount",
                    "Agent",
                    "Order",
                    "Reason",
                ] {
                    h.col(|ui| {
                        ui.strong(t);
                    });
                }
            })
            .body(|body| {
                body.rows(22.0, rows.len(), |mut row| {
                    let Some(r) = rows.get(row.index()) else {
                        return;
                    };
                    let d = &r.dispute;
                    row.set_selected(self.selected.as_deref() == Some(d.id.as_str()));
                    row.col(|ui| {
                        status_badge(ui, &d.status);
                    });
                    row.col(|ui| match r.due_by() {
                        Some(due) if r.due_soon(now) => {
                            ui.colored_label(
                                theme::ERROR,
                                RichText::new(countdown(due, now)).strong(),
                            )
                            .on_hover_text(format!("Evidence due by {} UTC", format_time(due)));
                        }
                        Some(due) => {
                            ui.label(countdown(due, now))
                                .on_hover_text(format!("Evidence due by {} UTC", format_time(due)));
                        }
                        None => {
                            ui.label("—");
                        }
                    });
                    row.col(|ui| {
                        ui.label(money::format_symbol(d.amount, &d.currency));
                    });
                    row.col(|ui| {
                        ui.label(if r.agent().is_empty() {
                            "—"
                        } else {
                            r.agent()
                        });
                    });
                    row.col(|ui| {
                        if ui
                            .link(r.order_number())
                            .on_hover_text("Open this dispute")
                            .clicked()
                        {
                            clicked = Some(d.id.clone());
                        }
                    });
                    row.col(|ui| {
                        ui.label(reason_in_words(&d.reason));
                    });
                    if row.response().clicked() {
                        clicked = Some(d.id.clone());
                    }
                });
            });
        if let Some(id) = clicked {
            self.select(id, ctx);
        }
    }

    /// Opens one dispute (the list row was clicked).
    pub fn select(&mut self, id: String, ctx: &ViewCtx<'_>) {
        if self.selected.as_deref() != Some(id.as_str()) {
            self.open = None;
            self.notice = None;
        }
        self.selected = Some(id.clone());
        ctx.send(Command::Disputes(DisputesCommand::Detail(id)));
    }

    /// The dispute's amount, status, deadline and actions: always in view above the scrolled
    /// part.
    fn detail_header_ui(&mut self, ui: &mut Ui, ctx: &mut ViewCtx<'_>) {
        let Some(open) = &self.open else {
            ui.label("Reading the dispute…");
            return;
        };
        let d = &open.dispute;
        let now = chrono::Utc::now().timestamp();
        ui.horizontal(|ui| {
            ui.heading(money::format_symbol(d.amount, &d.currency));
            status_badge(ui, &d.status);
            if ui.small_button("Close").clicked() {
                self.selected = None;
            }
        });
        ui.label(RichText::new(reason_in_words(&d.reason)).strong());
        ui.label(RichText::new(&d.id).weak());
        if let Some(due) = d.evidence_details.deadline()
            && d.status.needs_response()
        {
            let text = format!(
                "Respond by {} UTC ({} left)",
                format_time(due),
                countdown(due, now)
            );
            if due - now < crate::orders::disputes::DUE_SOON_SECS {
                ui.colored_label(theme::ERROR, RichText::new(text).strong());
            } else {
                ui.label(text);
            }
        }
        if d.case_type() == Some("inquiry") && d.status.needs_response() {
            ui.label(
                "An inquiry: no money has moved yet. Answer it with evidence, or refund the \
                 order in full to close it.",
            );
        }
        if !d.status.needs_response() {
            return;
        }
        ui.horizontal_wrapped(|ui| {
            let busy = self.busy;
            if ui
                .add_enabled(!busy, egui::Button::new("Save draft"))
                .on_hover_text("Keep the evidence on Stripe without sending it to the bank")
                .clicked()
            {
                self.busy = true;
                ctx.send(save_command(open, false));
            }
            if ui
                .add_enabled(!busy, egui::Button::new("Submit evidence…"))
                .clicked()
            {
                self.confirm = Some(Confirm::Submit);
                self.typed.clear();
            }
            if ui
                .add_enabled(!busy, egui::Button::new("Accept dispute…"))
                .on_hover_text("Do not contest: the money stays with the cardholder")
                .clicked()
            {
                self.confirm = Some(Confirm::Accept);
                self.typed.clear();
            }
        });
    }

    /// The order, the timeline and the evidence form.
    fn detail_ui(&mut self, ui: &mut Ui, ctx: &mut ViewCtx<'_>) {
        let Some(open) = &mut self.open else {
            return;
        };
        let d = open.dispute.clone();
        order_ui(ui, open.order.as_ref(), ctx);
        ui.add_space(6.0);
        timeline_ui(ui, &d);
        ui.add_space(6.0);
        let editable = d.status.needs_response();
        ui.horizontal(|ui| {
            ui.label(RichText::new("Evidence").strong());
            if editable
                && let Some(order) = &open.order
                && ui
                    .small_button("Fill from the order")
                    .on_hover_text("Customer, addresses and products, where the form is empty")
                    .clicked()
            {
                fill_from_order(&mut open.form, order, &d, true);
            }
        });
        if !open.form.from_order.is_empty() && editable {
            ui.label(
                RichText::new(
                    "Fields marked • were filled from the order; check them before saving.",
                )
                .weak(),
            );
        }
        evidence_ui(ui, &mut open.form, &d, editable, ctx);
    }

    fn confirm_modal(&mut self, ui: &mut Ui, ctx: &mut ViewCtx<'_>) {
        let (Some(what), Some(open)) = (self.confirm, &self.open) else {
            return;
        };
        let live = ctx.session.mode == Mode::Live;
        let d = &open.dispute;
        let lost = money::format_symbol(d.amount, &d.currency);
        let mut close = false;
        let mut go = false;
        egui::Modal::new(egui::Id::unique("dispute_confirm")).show(ui.ctx(), |ui| {
            ui.set_width(440.0);
            let (heading, body, word, button) = match what {
                Confirm::Submit => (
                    "Submit the evidence to the bank?".to_owned(),
                    "This is final: once submitted, nothing can be added or changed, and the \
                     bank decides on what it has. Check every field and file first."
                        .to_owned(),
                    "submit".to_owned(),
                    "Submit evidence",
                ),
                Confirm::Accept => (
                    format!("Accept the dispute and lose {lost}?"),
                    format!(
                        "You will not contest it: the {lost} stays with the cardholder for good, \
                         and the dispute fee is not returned. This cannot be undone."
                    ),
                    money::format_plain(d.amount, &d.currency),
                    "Accept and lose the money",
                ),
            };
            ui.heading(heading);
            ui.label(body);
            let confirmed = if live {
                let l = ui.colored_label(theme::LIVE_RED, format!("LIVE: type {word} to go on"));
                ui.add(egui::TextEdit::singleline(&mut self.typed).desired_width(140.0))
                    .labelled_by(l.id);
                self.typed.trim() == word
            } else {
                true
            };
            ui.horizontal(|ui| {
                if ui
                    .add_enabled(confirmed, egui::Button::new(button))
                    .clicked()
                {
                    go = true;
                }
                if ui.button("Go back").clicked() {
                    close = true;
                }
            });
        });
        if go {
            self.busy = true;
            let command = match what {
                Confirm::Submit => save_command(open, true),
                Confirm::Accept => {
                    Command::Disputes(DisputesCommand::Accept(open.dispute.id.clone()))
                }
            };
            ctx.send(command);
            close = true;
        }
        if close {
            self.confirm = None;
        }
    }
}

/// The open dispute with its form: the evidence saved on Stripe, then what the order holds for
/// the fields still empty (while the dispute takes evidence).
fn open_with_form(dispute: Dispute, order: Option<OrderDetail>) -> Open {
    let mut form = EvidenceForm {
        text: saved_text(&dispute),
        ..EvidenceForm::default()
    };
    if let Some(o) = &order
        && dispute.status.needs_response()
    {
        fill_from_order(&mut form, o, &dispute, false);
    }
    Open {
        dispute,
        order,
        form,
    }
}

/// The text evidence saved on the dispute, by field.
fn saved_text(dispute: &Dispute) -> BTreeMap<String, String> {
    EVIDENCE_GROUPS
        .iter()
        .flat_map(|(_, fields)| fields.iter())
        .filter(|f| f.kind == FieldKind::Text)
        .filter_map(|f| {
            dispute
                .evidence_text(f.name)
                .map(|v| (f.name.to_owned(), v.to_owned()))
        })
        .collect()
}

/// Puts what the order holds into the empty fields (`overwrite_prefilled`: also refreshes
/// fields an earlier fill made).
fn fill_from_order(
    form: &mut EvidenceForm,
    order: &OrderDetail,
    dispute: &Dispute,
    overwrite_prefilled: bool,
) {
    for (k, v) in prefill(order, dispute) {
        let empty = form.text.get(&k).is_none_or(|t| t.trim().is_empty());
        if empty || (overwrite_prefilled && form.from_order.contains(&k)) {
            form.text.insert(k.clone(), v);
            form.from_order.insert(k);
        }
    }
}

/// The save (or submit) command for the open dispute: the text fields that changed from what
/// Stripe holds, and the files picked.
fn save_command(open: &Open, submit: bool) -> Command {
    let evidence = open
        .form
        .text
        .iter()
        .filter(|(k, v)| open.dispute.evidence_text(k).unwrap_or("") != v.as_str())
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let files = open
        .form
        .files
        .iter()
        .map(|(k, p)| (k.clone(), p.clone()))
        .collect();
    Command::Disputes(DisputesCommand::Save {
        id: open.dispute.id.clone(),
        evidence,
        files,
        submit,
    })
}

fn order_ui(ui: &mut Ui, order: Option<&OrderDetail>, ctx: &mut ViewCtx<'_>) {
    ui.label(RichText::new("Order").strong());
    let Some(o) = order else {
        ui.label("The order of this payment was not found among the agent orders.");
        return;
    };
    egui::Grid::new("dispute_order")
        .num_columns(2)
        .show(ui, |ui| {
            for (label, value) in [
                ("Order", o.row.display_number()),
                (
                    "Agent",
                    if o.row.agent.is_empty() {
                        "—".to_owned()
                    } else {
                        o.row.agent.clone()
                    },
                ),
                ("Placed", format_time(o.order_date())),
                ("Customer", format!("{} {}", o.row.customer, o.row.email)),
                ("Items", o.row.items.clone()),
                ("Total", money::format_symbol(o.row.total, &o.row.currency)),
            ] {
                ui.label(label);
                ui.label(value);
                ui.end_row();
            }
        });
    if ui.button("Open the order").clicked() {
        ctx.intent(Intent::OpenOrder(o.row.id.clone()));
    }
}

fn timeline_ui(ui: &mut Ui, d: &Dispute) {
    ui.label(RichText::new("Timeline").strong());
    egui::Grid::new("dispute_timeline")
        .num_columns(2)
        .show(ui, |ui| {
            ui.label("Opened");
            ui.label(format_time(d.created));
            ui.end_row();
            if let Some(due) = d.evidence_details.deadline() {
                ui.label("Evidence due");
                ui.label(format_time(due));
                ui.end_row();
            }
            ui.label("Submissions");
            ui.label(d.evidence_details.submission_count.to_string());
            ui.end_row();
            ui.label("Now");
            ui.label(d.status.label());
            ui.end_row();
        });
}

fn evidence_ui(
    ui: &mut Ui,
    form: &mut EvidenceForm,
    d: &Dispute,
    editable: bool,
    ctx: &mut ViewCtx<'_>,
) {
    for (group, fields) in EVIDENCE_GROUPS {
        let filled = fields.iter().any(|f| {
            form.text.get(f.name).is_some_and(|t| !t.is_empty())
                || form.files.contains_key(f.name)
                || d.evidence_text(f.name).is_some()
        });
        egui::CollapsingHeader::new(*group)
            .id_salt(("evidence_group", *group))
            .default_open(filled || *group == "Shipping")
            .show(ui, |ui| {
                for f in *fields {
                    let marker = if form.from_order.contains(f.name) {
                        " •"
                    } else {
                        ""
                    };
                    let l = ui.label(format!("{}{marker}", f.label));
                    match f.kind {
                        FieldKind::Text => {
                            let text = form.text.entry(f.name.to_owned()).or_default();
                            let edit = if LONG_FIELDS.contains(&f.name) {
                                egui::TextEdit::multiline(text).desired_rows(3)
                            } else {
                                egui::TextEdit::singleline(text)
                            }
                            .desired_width(f32::INFINITY)
                            .char_limit(MAX_FIELD_CHARS)
                            .interactive(editable);
                            if ui.add(edit).labelled_by(l.id).changed() {
                                form.from_order.remove(f.name);
                            }
                        }
                        FieldKind::File => {
                            ui.horizontal(|ui| {
                                match (form.files.get(f.name), d.evidence_text(f.name)) {
                                    (Some(path), _) => {
                                        ui.label(format!(
                                            "{} (uploaded on save)",
                                            path.file_name().map_or_else(
                                                || path.display().to_string(),
                                                |n| n.to_string_lossy().into_owned()
                                            )
                                        ));
                                    }
                                    (None, Some(id)) => {
                                        ui.label(RichText::new(id).monospace());
                                    }
                                    (None, None) => {
                                        ui.label(RichText::new("no file").weak());
                                    }
                                }
                                if editable
                                    && ui
                                        .small_button(format!("Attach {}…", f.label.to_lowercase()))
                                        .on_hover_text("PDF, JPEG or PNG, at most 5 MB")
                                        .clicked()
                                {
                                    ctx.send(Command::Disputes(DisputesCommand::PickFile {
                                        field: f.name.to_owned(),
                                    }));
                                }
                                if editable
                                    && form.files.contains_key(f.name)
                                    && ui.small_button("Remove").clicked()
                                {
                                    form.files.remove(f.name);
                                }
                            });
                        }
                    }
                }
            });
    }
}

fn status_badge(ui: &mut Ui, s: &DisputeStatus) {
    let color = match s {
        DisputeStatus::NeedsResponse => theme::ERROR,
        DisputeStatus::WarningNeedsResponse => theme::WARNING,
        DisputeStatus::UnderReview | DisputeStatus::WarningUnderReview => theme::INFO,
        DisputeStatus::Won => theme::SUCCESS,
        _ => theme::NEUTRAL,
    };
    widgets::badge(ui, s.label(), color);
}
