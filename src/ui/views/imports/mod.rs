//! The Imports view: every feed import of the account (pushes made here and those the API
//! lists), a live progress bar while one processes, a chart of its outcome, and its error
//! report grouped by message, with a way back to the file in the Catalog view.
//!
//! Listing and polling run in the worker ([`crate::worker::imports`]); this view only draws.

mod detail;

use std::collections::HashMap;

use egui::{RichText, Ui};
use egui_extras::{Column, TableBuilder};

use super::ViewCtx;
use crate::ui::{theme, widgets};
use crate::worker::Command;
use crate::worker::imports::{self as work, ErrorReport, ImportSummary, Status};
use crate::worker::sync::{self as sync_work, FileSync, Phase};

/// What the view knows of one import's error report.
#[derive(Debug, Clone)]
enum ReportState {
    /// Being downloaded.
    Loading,
    /// Parsed.
    Ready(ErrorReport),
}

/// State of the Imports view.
#[derive(Default)]
pub struct ImportsView {
    imports: Vec<ImportSummary>,
    loaded: bool,
    listing: bool,
    list_error: Option<String>,
    selected: Option<String>,
    /// An import to watch as soon as the view can send commands.
    pending_watch: Option<String>,
    reports: HashMap<String, ReportState>,
    problems: HashMap<String, String>,
    /// The session the list was made for (refreshed when it changes).
    session_key: String,
    /// Why "Open in Catalog" could not run, shown under the button.
    open_note: Option<String>,
    /// Imports the user has opened here (the Overview lists failed ones not looked at yet).
    looked_at: std::collections::HashSet<String>,
    /// Catalogs on sync for this account.
    sync: Vec<FileSync>,
}

/// Colour of a status badge.
fn status_color(status: &Status) -> egui::Color32 {
    match status {
        Status::Succeeded => theme::SUCCESS,
        Status::SucceededWithErrors => theme::WARNING,
        Status::Failed => theme::ERROR,
        Status::Pending | Status::Processing | Status::AwaitingUpload => theme::INFO,
        Status::Archived | Status::Other(_) => theme::NEUTRAL,
    }
}

/// When it was, in the window's words ([`widgets::ago`]); a dash when unknown.
fn when(at: Option<chrono::DateTime<chrono::Utc>>) -> String {
    at.map_or_else(
        || "—".to_owned(),
        |t| widgets::ago(t.timestamp(), chrono::Utc::now().timestamp()),
    )
}

/// Why an older import that finished after a newer one matters, and what to do.
fn overtaken_sentence(s: &ImportSummary) -> String {
    format!(
        "Finished after {}, a later {} feed pushed after it: Stripe applied this older file \
         last, so where both files hold the same rows, this file's older values stand. Push the \
         newest file again to put its values back.",
        s.overtaken_by.as_deref().unwrap_or("a later import"),
        s.feed_kind
    )
}

fn counts_text(s: &ImportSummary) -> String {
    let mut parts = vec![format!("{} ok", s.succeeded)];
    if s.failed > 0 {
        parts.push(format!("{} failed", s.failed));
    }
    if s.skipped > 0 {
        parts.push(format!("{} skipped", s.skipped));
    }
    parts.join(" · ")
}

impl ImportsView {
    /// Selects the import with this id (it is polled until it ends).
    pub fn watch(&mut self, id: &str) {
        self.looked_at.insert(id.to_owned());
        self.selected = Some(id.to_owned());
        self.pending_watch = Some(id.to_owned());
        self.reports.remove(id);
        self.problems.remove(id);
        self.open_note = None;
    }

    /// Takes the worker's answers.
    pub fn on_event(&mut self, event: work::Event) {
        match event {
            work::Event::List(list) => {
                self.listing = false;
                self.list_error = None;
                // Keep fresher copies of watched imports that the list may not have yet.
                let mut list = list;
                for known in &self.imports {
                    if !list.iter().any(|s| s.id == known.id)
                        && self.selected.as_ref() == Some(&known.id)
                    {
                        list.insert(0, known.clone());
                    }
                }
                self.imports = list;
                work::in_finish_order(&mut self.imports);
            }
            work::Event::ListFailed(message) => {
                self.listing = false;
                self.list_error = Some(message);
            }
            work::Event::Updated(summary) => {
                if summary.status.is_terminal() && summary.has_error_report {
                    self.reports
                        .entry(summary.id.clone())
                        .or_insert(ReportState::Loading);
                }
                match self.imports.iter_mut().find(|s| s.id == summary.id) {
                    Some(slot) => *slot = summary,
                    None => self.imports.insert(0, summary),
                }
                work::in_finish_order(&mut self.imports);
            }
            work::Event::Report { id, report } => {
                self.reports.insert(id, ReportState::Ready(report));
            }
            work::Event::Failed { id, message } => {
                if matches!(self.reports.get(&id), Some(ReportState::Loading)) {
                    self.reports.remove(&id);
                }
                self.problems.insert(id, message);
            }
        }
    }

    /// Takes in what sync reports: the files on sync, and pushes to list.
    pub fn on_sync(&mut self, event: &sync_work::Event) {
        match event {
            sync_work::Event::Files(files) => self.sync.clone_from(files),
            sync_work::Event::Pushed => self.list_again(),
            sync_work::Event::Preview(_) => {}
        }
    }

    /// Lists the imports again at the next frame (the view was opened: imports started
    /// elsewhere since the last list show up).
    pub fn list_again(&mut self) {
        if self.loaded && !self.listing {
            self.loaded = false;
        }
    }

    /// Every import known, newest first.
    #[must_use]
    pub fn imports(&self) -> &[ImportSummary] {
        &self.imports
    }

    /// True when the user has opened this import in the view.
    #[must_use]
    pub fn looked_at(&self, id: &str) -> bool {
        self.looked_at.contains(id)
    }

    fn select(&mut self, id: &str, ctx: &ViewCtx<'_>) {
        self.looked_at.insert(id.to_owned());
        self.selected = Some(id.to_owned());
        self.open_note = None;
        self.problems.remove(id);
        if !matches!(self.reports.get(id), Some(ReportState::Ready(_))) {
            ctx.send(Command::Imports(work::Command::Watch(id.to_owned())));
        }
    }

    /// Lists the account's imports when the session is new (the Overview needs them before
    /// the view is opened), and starts a watch asked for before the session was ready.
    pub fn ensure_loaded(&mut self, ctx: &ViewCtx<'_>) {
        let key = format!(
            "{}|{}|{:?}|{:?}|{}",
            ctx.session.api_base,
            ctx.session.key_hint,
            ctx.session.profile,
            ctx.session.connected_account,
            ctx.session.ready
        );
        if ctx.session.ready && (!self.loaded || key != self.session_key) {
            if self.loaded {
                // Another account: what was shown belongs to the previous one.
                self.imports.clear();
                self.reports.clear();
                self.problems.clear();
                if self.pending_watch.is_none() {
                    self.selected = None;
                }
            }
            self.loaded = true;
            self.session_key = key;
            self.listing = true;
            ctx.send(Command::Imports(work::Command::Refresh));
        }
        if ctx.session.ready
            && let Some(id) = self.pending_watch.take()
        {
            ctx.send(Command::Imports(work::Command::Watch(id)));
        }
    }

    /// Draws the view.
    pub fn ui(&mut self, ui: &mut Ui, ctx: &mut ViewCtx<'_>) {
        self.ensure_loaded(ctx);
        ui.horizontal(|ui| {
            ui.heading("Imports");
            ui.label(
                RichText::new(
                    "Feed imports of this account: pushes made here and those Stripe lists.",
                )
                .weak(),
            );
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                let label = if self.listing {
                    "Refreshing…"
                } else {
                    "Refresh"
                };
                if ui
                    .add_enabled(ctx.session.ready && !self.listing, egui::Button::new(label))
                    .clicked()
                {
                    self.listing = true;
                    ctx.send(Command::Imports(work::Command::Refresh));
                }
            });
        });
        if let Some(error) = &self.list_error {
            ui.colored_label(theme::ERROR, error);
        }
        self.sync_ui(ui, ctx);
        ui.add_space(4.0);
        egui::Panel::left("imports_list")
            .resizable(true)
            .default_size(680.0)
            .min_size(360.0)
            .show(ui, |ui| self.list_ui(ui, ctx));
        egui::CentralPanel::default().show(ui, |ui| {
            let Some(id) = self.selected.clone() else {
                ui.add_space(20.0);
                ui.vertical_centered(|ui| {
                    ui.label(
                        RichText::new("Select an import to see its progress and error report.")
                            .weak(),
                    );
                });
                return;
            };
            let summary = self.imports.iter().find(|s| s.id == id).cloned();
            egui::ScrollArea::vertical()
                .id_salt("import_detail")
                .show(ui, |ui| {
                    if let Some(summary) = summary {
                        detail::detail_ui(
                            ui,
                            ctx,
                            &summary,
                            self.reports.get(&id),
                            self.problems.get(&id),
                            &mut self.open_note,
                        );
                    } else {
                        ui.label(format!("Loading import {id}…"));
                        if let Some(problem) = self.problems.get(&id) {
                            ui.colored_label(theme::ERROR, problem);
                        }
                    }
                });
        });
    }

    /// The catalogs on sync: where each stands, with Push now and Stop.
    fn sync_ui(&mut self, ui: &mut Ui, ctx: &mut ViewCtx<'_>) {
        if self.sync.is_empty() {
            return;
        }
        let now = chrono::Utc::now().timestamp();
        egui::CollapsingHeader::new(format!("Catalogs on sync ({})", self.sync.len()))
            .id_salt("imports_sync")
            .default_open(true)
            .show(ui, |ui| {
                for f in &self.sync {
                    ui.horizontal_wrapped(|ui| {
                        widgets::sync::phase_badge(ui, &f.phase);
                        let name = f.file.file_name().map_or_else(
                            || f.file.display().to_string(),
                            |n| n.to_string_lossy().into_owned(),
                        );
                        ui.label(RichText::new(name).strong())
                            .on_hover_text(f.file.display().to_string());
                        // The buttons before the sentence, so they stay put as it changes.
                        let idle = f.phase != Phase::Working;
                        if ui
                            .add_enabled(idle, egui::Button::new("Push now"))
                            .clicked()
                        {
                            ctx.send(Command::Sync(sync_work::Command::Check {
                                file: Some(f.file.clone()),
                                full: false,
                            }));
                        }
                        if ui.add_enabled(idle, egui::Button::new("Open")).clicked() {
                            ctx.intent(super::Intent::OpenCatalog(f.file.clone()));
                        }
                        if ui
                            .add_enabled(idle, egui::Button::new("Stop sync"))
                            .clicked()
                        {
                            ctx.send(Command::Sync(sync_work::Command::Stop(f.file.clone())));
                        }
                        ui.label(widgets::sync::status_sentence(f, now));
                    });
                    widgets::sync::details_ui(ui, f);
                }
            });
    }

    fn list_ui(&mut self, ui: &mut Ui, ctx: &ViewCtx<'_>) {
        if self.imports.is_empty() {
            ui.label(if self.listing {
                "Listing imports…"
            } else {
                "No imports yet. Push a feed from the Catalog view and it shows up here."
            });
            return;
        }
        let mut clicked = None;
        let selected = self.selected.clone();
        TableBuilder::new(ui)
            .id_salt("imports_table")
            .striped(true)
            .sense(egui::Sense::click())
            .cell_layout(egui::Layout::left_to_right(egui::Align::Center))
            .column(Column::exact(124.0))
            .column(Column::exact(70.0))
            .column(Column::remainder().at_least(140.0).clip(true))
            .column(Column::exact(80.0))
            .column(Column::exact(120.0))
            .header(22.0, |mut row| {
                for title in ["Status", "Feed", "File or import", "Finished", "Rows"] {
                    row.col(|ui| {
                        ui.label(RichText::new(title).strong());
                    });
                }
            })
            .body(|body| {
                body.rows(26.0, self.imports.len(), |mut row| {
                    let Some(s) = self.imports.get(row.index()) else {
                        return;
                    };
                    let is_selected = selected.as_deref() == Some(s.id.as_str());
                    row.set_selected(is_selected);
                    row.col(|ui| {
                        widgets::badge(ui, s.status.label(), status_color(&s.status));
                    });
                    row.col(|ui| {
                        ui.label(&s.feed_kind);
                    });
                    row.col(|ui| {
                        if s.overtaken_by.is_some() {
                            widgets::badge(ui, "out of order", theme::WARNING)
                                .on_hover_text(overtaken_sentence(s));
                        }
                        let name = s.file_name.clone().unwrap_or_else(|| s.id.clone());
                        if ui
                            .selectable_label(is_selected, name)
                            .on_hover_text(&s.id)
                            .clicked()
                        {
                            clicked = Some(s.id.clone());
                        }
                    });
                    row.col(|ui| match s.finished {
                        Some(finished) => {
                            ui.label(when(Some(finished))).on_hover_text(format!(
                                "Pushed {}, finished {}",
                                when(s.created),
                                when(Some(finished))
                            ));
                        }
                        None => {
                            ui.label(when(s.created));
                        }
                    });
                    row.col(|ui| {
                        ui.label(counts_text(s));
                    });
                    if row.response().clicked() {
                        clicked = Some(s.id.clone());
                    }
                });
            });
        if let Some(id) = clicked {
            self.select(&id, ctx);
        }
    }
}
