//! The Catalog view: open a feed (dialog, drag and drop, recent files), see it in a
//! virtualized grid coloured by findings, edit it with undo and redo, fix issues, find and
//! replace, filter and sort, save it byte-faithfully, and push it to Stripe.
//!
//! The loaded table lives here, on the UI thread: the grid reads only the visible cells each
//! frame, and an edit re-validates only the rows it touched. Loading, saving, the journal of
//! unsaved edits and pushing run on the worker ([`crate::worker::catalog`]).
//!
//! This file holds the view's state and its drawing; `events.rs` takes in what the worker
//! reports, `files.rs` the file commands (open, save, re-check, close, journal) and
//! `edits.rs` the edits, undo and redo, and the big-table jobs.

mod doc;
mod edits;
mod events;
mod files;
mod find;
mod grid;
mod issues;
mod loading;
mod mapper;
mod push;
mod summary;
mod sync;

use std::path::PathBuf;

use egui::{RichText, Ui};

use super::{CatalogItem, Intent, RowError, ViewCtx};
use crate::feed::sniff::TextEncoding;
use crate::feed::table::{Edit, Table};
use crate::ui::{theme, widgets};
use crate::worker::Command as WorkerCommand;
use crate::worker::catalog::{self as work, Command, Pick};

pub use doc::{Busy, Document, Filter, JobKind, Settle};

/// Something the user asked for that would drop unsaved edits, held until they answer.
#[derive(Debug, Clone)]
enum Pending {
    /// Open this file.
    Open(PathBuf),
    /// Show the open dialog.
    PickOpen,
    /// Close the file.
    Close,
    /// Close the window.
    Quit,
}

/// State of the Catalog view.
#[derive(Default)]
pub struct CatalogView {
    recent: Vec<PathBuf>,
    journals: Vec<work::PendingJournal>,
    loading: Option<loading::Loading>,
    /// A shop export being mapped to a Stripe feed (shown instead of the document).
    mapper: Option<mapper::Mapper>,
    doc: Option<Document>,
    /// A file dialog is open (blocks a second one).
    dialog_open: bool,
    /// Commands queued outside `ui` (no context there), sent next frame.
    queued: Vec<Command>,
    /// Intents queued outside `ui`, raised next frame.
    intents: Vec<Intent>,
    /// Asked to confirm dropping unsaved edits.
    confirm_discard: Option<Pending>,
    /// The last thing that happened, in a sentence.
    notice: Option<(String, bool)>,
    /// Import errors to pin once the file is loaded.
    errors_to_pin: Option<(PathBuf, Vec<RowError>)>,
    /// Restore the journal without asking once this file is loaded.
    restore_on_load: Option<PathBuf>,
    /// Push once the save in progress ends.
    push_after_save: bool,
    /// Set when the user confirmed closing the window with unsaved edits.
    quit_confirmed: bool,
    push: Option<push::PushDialog>,
    find: find::FindBar,
    /// Files on sync, the strip and the put-on-sync dialog.
    sync: sync::SyncPanel,
    /// Sync commands queued outside `ui`, sent next frame.
    queued_sync: Vec<crate::worker::sync::Command>,
    summary: summary::Summary,
    show_issues: bool,
}

impl CatalogView {
    /// Opens `path` (or reuses it if open) and pins an import's errors to the rows with
    /// those ids, showing only those rows.
    pub fn open_with_errors(&mut self, path: PathBuf, errors: Vec<RowError>) {
        if let Some(doc) = &mut self.doc
            && doc.path == path
        {
            let n = doc.pin_import_errors(&errors);
            doc.set_filter(Filter::ImportErrors);
            self.notice = Some((pinned_sentence(n, errors.len()), n == 0));
            return;
        }
        self.errors_to_pin = Some((path.clone(), errors));
        self.request_open(path);
    }

    /// Opens a feed without a dialog (as if picked), asking first when edits are unsaved.
    pub fn open_path(&mut self, path: PathBuf) {
        self.request_open(path);
    }

    /// A view with `table` already open (benchmarks and tools that load a table themselves).
    #[must_use]
    pub fn with_table(table: Table, path: PathBuf) -> Self {
        CatalogView {
            doc: Some(Document::new(table, path)),
            show_issues: true,
            ..CatalogView::default()
        }
    }

    /// Draws only the open document (issues panel and grid), without the toolbar or any
    /// worker command: what a frame costs while scrolling or editing (benchmarks).
    pub fn document_frame(&mut self, ui: &mut Ui) {
        self.document_ui(ui);
        self.queued.clear();
    }

    /// Selects a cell and scrolls the grid to it.
    pub fn go_to(&mut self, row: usize, col: usize) {
        if let Some(doc) = &mut self.doc {
            doc.jump_to(row, col);
        }
    }

    /// Applies an edit as the user would (undoable, journalled, re-validated).
    pub fn apply_edit(&mut self, edit: Edit) {
        self.edit(edit);
    }

    /// What `catalog_items` depends on: the open file, its revision and its row count (the
    /// shell asks again only when this changes).
    #[must_use]
    pub fn catalog_key(&self) -> Option<(PathBuf, u64, usize)> {
        self.doc
            .as_ref()
            .map(|d| (d.path.clone(), d.revision, d.table.row_count()))
    }

    /// The first `n` rows' id, title and price, for the Hooks view.
    #[must_use]
    pub fn catalog_items(&self, n: usize) -> Vec<CatalogItem> {
        let Some(doc) = &self.doc else {
            return Vec::new();
        };
        let t = &doc.table;
        let col = |name: &str| t.column_index(name);
        let (id, title, price) = (col("id"), col("title"), col("price"));
        let get =
            |r: usize, c: Option<usize>| c.map(|c| t.cell(r, c).into_owned()).unwrap_or_default();
        (0..t.row_count().min(n))
            .map(|r| CatalogItem {
                id: get(r, id),
                title: get(r, title),
                price: get(r, price),
            })
            .collect()
    }

    /// The open file's name for the window title, with ` *` when it has unsaved edits.
    #[must_use]
    pub fn title_suffix(&self) -> Option<String> {
        let doc = self.doc.as_ref()?;
        let dirty = if self.has_unsaved_edits() { " *" } else { "" };
        Some(format!("{}{dirty}", doc.name()))
    }

    /// True when the open file has edits not yet saved.
    #[must_use]
    pub fn has_unsaved_edits(&self) -> bool {
        self.doc.as_ref().is_some_and(Document::is_dirty)
    }

    // ----- drawing ---------------------------------------------------------------------

    /// Draws the view.
    pub fn ui(&mut self, ui: &mut Ui, ctx: &mut ViewCtx<'_>) {
        self.dropped_files(ui);
        self.close_request(ui);
        if self.doc.as_ref().is_some_and(|d| d.busy.is_none()) {
            self.shortcuts(ui);
        }

        self.toolbar(ui);
        if ui.input(|i| !i.raw.hovered_files.is_empty()) {
            ui.colored_label(theme::INFO, "Drop the file to open it.");
        }
        self.notice_ui(ui);
        if self.loading.is_none()
            && self.mapper.is_none()
            && let Some(doc) = &self.doc
            && let Some(cmd) = self.sync.strip_ui(ui, doc, chrono::Utc::now().timestamp())
        {
            self.queued_sync.push(cmd);
        }
        if let Some(l) = &mut self.loading {
            ui.separator();
            l.ui(ui);
        } else if self.mapper.is_some() {
            ui.separator();
            self.mapper_ui(ui);
        } else if self.doc.is_some() {
            self.document_ui(ui);
        } else {
            self.welcome_ui(ui);
        }

        self.confirm_ui(ui);
        if let (Some(p), Some(doc)) = (&mut self.push, &mut self.doc) {
            match p.ui(ui, doc, ctx.session) {
                push::Outcome::Open => {}
                push::Outcome::Close => self.push = None,
                push::Outcome::Send(cmd) => self.queued.push(cmd),
                push::Outcome::Recheck(kind) => self.recheck(kind),
                push::Outcome::SaveThenPush => {
                    self.push_after_save = true;
                    self.save(None);
                }
            }
        }

        if let Some(doc) = &mut self.doc
            && let Some(cmd) = self.sync.dialog_ui(ui, doc, ctx.session)
        {
            self.queued_sync.push(cmd);
        }

        self.send_arrange_request();
        for cmd in self.queued_sync.drain(..) {
            ctx.send(WorkerCommand::Sync(cmd));
        }
        for cmd in self.queued.drain(..) {
            ctx.send(WorkerCommand::Catalog(cmd));
        }
        for intent in self.intents.drain(..) {
            ctx.intent(intent);
        }
    }

    fn mapper_ui(&mut self, ui: &mut Ui) {
        let Some(m) = &mut self.mapper else { return };
        let outcome = m.ui(ui, &mut self.queued);
        if let Some(cmd) = m.preview_command() {
            self.queued.push(cmd);
        }
        match outcome {
            mapper::Outcome::Stay => {}
            mapper::Outcome::Cancel => self.mapper = None,
            mapper::Outcome::OpenPlain(path) => {
                self.mapper = None;
                self.start_open_plain(path);
            }
            mapper::Outcome::PickTarget => {
                if !self.dialog_open {
                    self.dialog_open = true;
                    self.queued.push(Command::PickConvertTarget {
                        source: m.path().to_path_buf(),
                    });
                }
            }
        }
    }

    fn dropped_files(&mut self, ui: &Ui) {
        let dropped = ui.input(|i| {
            i.raw
                .dropped_files
                .iter()
                .map(|f| f.path().to_path_buf())
                .find(|p| !p.as_os_str().is_empty())
        });
        if let Some(path) = dropped {
            self.request_open(path);
        }
    }

    fn close_request(&mut self, ui: &Ui) {
        if ui.input(|i| i.viewport().close_requested())
            && self.has_unsaved_edits()
            && !self.quit_confirmed
        {
            ui.ctx()
                .send_viewport_cmd(egui::ViewportCommand::CancelClose);
            self.confirm_discard = Some(Pending::Quit);
        }
    }

    fn shortcuts(&mut self, ui: &Ui) {
        use egui::{Key, KeyboardShortcut, Modifiers};
        let typing = ui.ctx().egui_wants_keyboard_input();
        let shortcut = |m, k| KeyboardShortcut::new(m, k);
        let (save, save_as, find, push_key, undo, redo, redo_y) = ui.input_mut(|i| {
            (
                i.consume_shortcut(&shortcut(Modifiers::COMMAND, Key::S)),
                i.consume_shortcut(&shortcut(Modifiers::COMMAND | Modifiers::SHIFT, Key::S)),
                i.consume_shortcut(&shortcut(Modifiers::COMMAND, Key::F)),
                i.consume_shortcut(&shortcut(Modifiers::COMMAND, Key::P)),
                !typing && i.consume_shortcut(&shortcut(Modifiers::COMMAND, Key::Z)),
                !typing
                    && i.consume_shortcut(&shortcut(Modifiers::COMMAND | Modifiers::SHIFT, Key::Z)),
                !typing && i.consume_shortcut(&shortcut(Modifiers::COMMAND, Key::Y)),
            )
        });
        if save_as {
            self.pick(Pick::SaveAs);
        } else if save {
            self.save(None);
        }
        if find {
            self.find.toggle();
        }
        if push_key {
            self.open_push();
        }
        if redo || redo_y {
            self.redo();
        } else if undo {
            self.undo();
        }
    }

    /// Runs an action the command palette chose: the same as its button or shortcut.
    pub fn run(&mut self, action: crate::ui::palette::CatalogAction) {
        use crate::ui::palette::CatalogAction as A;
        match action {
            A::Open => self.request_pick(),
            A::OpenDemo => self.queued.push(Command::OpenDemo),
            A::Save => self.save(None),
            A::SaveAs => self.pick(Pick::SaveAs),
            A::Find => self.find.toggle(),
            A::Push => self.open_push(),
            A::Sync => self.open_sync(),
            A::Undo => self.undo(),
            A::Redo => self.redo(),
        }
    }

    /// Takes in what sync reports.
    pub fn on_sync(&mut self, event: &crate::worker::sync::Event) {
        self.sync.on_event(event);
    }

    /// Opens the put-on-sync dialog for the open file (saved first: sync reads the file).
    fn open_sync(&mut self) {
        let Some(doc) = &self.doc else { return };
        if doc.is_dirty() {
            self.notice = Some((
                "Save the file first: sync pushes the file as saved.".to_owned(),
                true,
            ));
            return;
        }
        if self.sync.of(&doc.path).is_some() {
            return;
        }
        let cmd = self.sync.open_dialog(&doc.path);
        self.queued_sync.push(cmd);
    }

    fn open_push(&mut self) {
        if let Some(doc) = &self.doc {
            self.push = Some(push::PushDialog::new(doc));
        }
    }

    fn toolbar(&mut self, ui: &mut Ui) {
        let on_sync = self
            .doc
            .as_ref()
            .is_some_and(|d| self.sync.of(&d.path).is_some());
        ui.horizontal_wrapped(|ui| {
            ui.heading("Catalog");
            if let Some(doc) = &self.doc {
                let dirty = if doc.is_dirty() { " *" } else { "" };
                ui.label(RichText::new(format!("{}{dirty}", doc.name())).strong())
                    .on_hover_text(doc.path.display().to_string());
            }
            ui.separator();
            if ui
                .add_enabled(!self.dialog_open, egui::Button::new("Open…"))
                .on_hover_text(
                    "Open a CSV or TSV feed, or a shop export to convert (you can also drop a \
                     file on the window)",
                )
                .clicked()
            {
                self.request_pick();
            }
            let recent = self.recent.clone();
            ui.add_enabled_ui(!recent.is_empty(), |ui| {
                ui.menu_button("Recent", |ui| {
                    for p in &recent {
                        if ui.button(p.display().to_string()).clicked() {
                            self.request_open(p.clone());
                            ui.close();
                        }
                    }
                });
            });
            let Some(doc) = &self.doc else { return };
            let idle = doc.busy.is_none();
            let (can_undo, can_redo, dirty) = (
                doc.table.can_undo(),
                doc.table.can_redo(),
                doc.table.is_dirty(),
            );
            if ui
                .add_enabled(idle && dirty, egui::Button::new("Save"))
                .on_hover_text(
                    "Save to the same file (Ctrl+S); the previous version is kept as .bak",
                )
                .clicked()
            {
                self.save(None);
            }
            if ui
                .add_enabled(idle && !self.dialog_open, egui::Button::new("Save As…"))
                .clicked()
            {
                self.pick(Pick::SaveAs);
            }
            ui.separator();
            if ui
                .add_enabled(idle && can_undo, egui::Button::new("Undo"))
                .on_hover_text("Ctrl+Z")
                .clicked()
            {
                self.undo();
            }
            if ui
                .add_enabled(idle && can_redo, egui::Button::new("Redo"))
                .on_hover_text("Ctrl+Shift+Z")
                .clicked()
            {
                self.redo();
            }
            ui.separator();
            if ui
                .add_enabled(idle, egui::Button::new("Find…"))
                .on_hover_text("Find and replace (Ctrl+F)")
                .clicked()
            {
                self.find.toggle();
            }
            if ui.selectable_label(self.show_issues, "Issues").clicked() {
                self.show_issues = !self.show_issues;
            }
            if ui
                .add_enabled(idle, egui::Button::new("Push…"))
                .on_hover_text("Upload this feed to Stripe (Ctrl+P)")
                .clicked()
            {
                self.open_push();
            }
            if ui
                .add_enabled(idle && !on_sync, egui::Button::new("Sync…"))
                .on_hover_text(if on_sync {
                    "This file is on sync (see below)"
                } else {
                    "Keep this file current on Stripe: push its changes each time it is saved"
                })
                .clicked()
            {
                self.open_sync();
            }
            if ui.add_enabled(idle, egui::Button::new("Close")).clicked() {
                if self.has_unsaved_edits() {
                    self.confirm_discard = Some(Pending::Close);
                } else {
                    self.close();
                }
            }
        });
    }

    fn notice_ui(&mut self, ui: &mut Ui) {
        if let Some((text, bad)) = &self.notice {
            let mut close = false;
            ui.horizontal_wrapped(|ui| {
                let color = if *bad { theme::ERROR } else { theme::SUCCESS };
                ui.colored_label(color, text);
                close = ui.small_button("Dismiss").clicked();
            });
            if close {
                self.notice = None;
            }
        }
    }

    fn welcome_ui(&mut self, ui: &mut Ui) {
        ui.add_space(12.0);
        ui.label(
            "Open a catalog feed (CSV or TSV) to check it against Stripe's feed spec, fix it and push it, \
             or a Shopify, WooCommerce, Google Merchant Center or OpenAI export to convert it into one. \
             You can also drop a file on the window.",
        );
        ui.add_space(6.0);
        ui.horizontal(|ui| {
            if ui.button("Open a feed…").clicked() {
                self.request_pick();
            }
            if ui
                .button("Try the demo catalog")
                .on_hover_text(
                    "The demo shop's product feed, with three mistakes to fix; push it to the \
                     demo sandbox afterwards",
                )
                .clicked()
            {
                self.queued.push(Command::OpenDemo);
            }
        });
        let mut action: Option<(PathBuf, bool)> = None;
        let mut discard: Option<PathBuf> = None;
        if !self.journals.is_empty() {
            ui.add_space(8.0);
            widgets::callout(
                ui,
                theme::WARNING,
                "Unsaved edits from last time",
                "These files had edits that were never saved (the app closed or crashed). \
                 Restore them or throw them away.",
            );
            for j in &self.journals {
                ui.horizontal(|ui| {
                    ui.label(format!(
                        "{} ({} edits, {})",
                        j.path.display(),
                        j.edits,
                        j.written_at
                    ));
                    if ui.button("Open and restore").clicked() {
                        action = Some((j.path.clone(), true));
                    }
                    if ui.button("Discard edits").clicked() {
                        discard = Some(j.path.clone());
                    }
                });
            }
        }
        if !self.recent.is_empty() {
            ui.add_space(8.0);
            ui.label(RichText::new("Recent files").strong());
            for p in &self.recent {
                let name = work::display_name(p);
                if ui
                    .link(format!("Open {name}"))
                    .on_hover_text(p.display().to_string())
                    .clicked()
                {
                    action = Some((p.clone(), false));
                }
            }
        }
        if let Some((path, restore)) = action {
            if restore {
                self.restore_on_load = Some(path.clone());
            }
            self.request_open(path);
        }
        if let Some(path) = discard {
            self.journals.retain(|j| j.path != path);
            self.queued.push(Command::DiscardJournal(path));
        }
    }

    fn document_ui(&mut self, ui: &mut Ui) {
        let Some(doc) = &mut self.doc else { return };
        if let Some(busy) = doc.busy {
            ui.separator();
            ui.horizontal(|ui| {
                ui.spinner();
                ui.label(match busy {
                    Busy::Saving => format!("Saving {}…", doc.name()),
                    Busy::Rechecking(kind) => {
                        format!("Checking {} against the {kind} feed spec…", doc.name())
                    }
                    Busy::Arranging => "Filtering and sorting the rows…".to_owned(),
                    Busy::Working(_) => "Applying the change to every row…".to_owned(),
                    Busy::Counting => "Counting the values of the column…".to_owned(),
                });
            });
            return;
        }
        // Journal restore offer.
        let mut restore = None;
        if let Some(edits) = &doc.journal_offer {
            let n = edits.len();
            ui.horizontal_wrapped(|ui| {
                ui.colored_label(
                    theme::WARNING,
                    format!("This file has {n} unsaved edits from an earlier session that was not saved."),
                );
                if ui.button("Restore edits").clicked() {
                    restore = Some(true);
                }
                if ui.button("Discard them").clicked() {
                    restore = Some(false);
                }
            });
        }
        match restore {
            Some(true) => {
                let edits = doc.journal_offer.take().unwrap_or_default();
                let n = edits.len();
                let failed = edits.into_iter().find_map(|e| doc.apply(e).err());
                self.notice = Some(match failed {
                    None => (format!("Restored {n} unsaved edits."), false),
                    Some(m) => (
                        format!("Some journalled edits no longer fit the file: {m}"),
                        true,
                    ),
                });
                self.journal();
            }
            Some(false) => {
                doc.journal_offer = None;
                self.queued.push(Command::DiscardJournal(doc.path.clone()));
            }
            None => {}
        }
        let Some(doc) = &mut self.doc else { return };
        let dialect = *doc.table.dialect();
        let mut reopen = None;
        if !doc.format_confirmed
            && (!dialect.delimiter_confident || doc.table.converted_from().is_some())
        {
            ui.horizontal_wrapped(|ui| {
                ui.colored_label(theme::WARNING, loading::detected_sentence(dialect));
                if ui.button("Looks right").clicked() {
                    doc.format_confirmed = true;
                }
                if !doc.table.is_dirty() {
                    ui.label("or split the columns on:");
                    for (d, name) in loading::DELIMITERS {
                        if d != dialect.delimiter && ui.button(name).clicked() {
                            reopen = Some((Some(d), doc.table.converted_from()));
                        }
                    }
                    if let Some(current) = doc.table.converted_from()
                        && current != TextEncoding::Utf16
                    {
                        ui.label("or read the text as:");
                        for e in TextEncoding::SINGLE_BYTE {
                            if e != current && ui.button(e.label()).clicked() {
                                reopen = Some((Some(dialect.delimiter), Some(e)));
                            }
                        }
                    }
                }
            });
        }
        if let Some((d, e)) = reopen {
            let path = doc.path.clone();
            self.start_open_with(path, d, e);
            return;
        }
        let Some(doc) = &mut self.doc else { return };
        issues::counts_line(ui, doc);
        let mut edits = Vec::new();
        let find_job = self.find.ui(ui, doc, &mut edits, &mut self.notice);
        grid::filter_bar(ui, doc, &mut self.summary, &mut edits);
        ui.separator();
        if self.show_issues {
            egui::Panel::right(ui.scope_id().with("catalog_issues"))
                .resizable(true)
                .default_size(340.0)
                .show(ui, |ui| issues::panel(ui, doc, &mut edits));
        }
        if self.summary.is_open() {
            egui::Panel::right(ui.scope_id().with("catalog_summary"))
                .resizable(true)
                .default_size(240.0)
                .show(ui, |ui| self.summary.ui(ui, doc));
        }
        let mut action = grid::Action::None;
        egui::CentralPanel::default().show(ui, |ui| {
            action = grid::grid(ui, doc);
        });
        for e in edits {
            self.edit(e);
        }
        if let Some(job) = find_job {
            self.run_job(job, JobKind::Apply);
        }
        match action {
            grid::Action::None => {}
            grid::Action::Edit(e) => self.edit(e),
        }
        if let Some(c) = self.doc.as_mut().and_then(|d| d.summary_request.take()) {
            self.summary.open(c);
        }
        // After this frame's edits, so a summary started now sees them.
        if let Some(doc) = &mut self.doc {
            match doc.settle_issues() {
                Settle::Wait(wait) => ui.ctx().request_repaint_after(wait),
                Settle::Start(cmd) => self.queued.push(cmd),
                Settle::Idle => {}
            }
        }
    }

    fn confirm_ui(&mut self, ui: &mut Ui) {
        let Some(pending) = self.confirm_discard.clone() else {
            return;
        };
        let name = self.doc.as_ref().map(Document::name).unwrap_or_default();
        let mut answer = None;
        egui::Modal::new(ui.scope_id().with("catalog_discard")).show(ui.ctx(), |ui| {
            ui.set_max_width(420.0);
            ui.heading("Unsaved edits");
            ui.label(format!(
                "{name} has edits that are not saved. Save them first, or discard them?"
            ));
            ui.horizontal(|ui| {
                if ui.button("Save first").clicked() {
                    answer = Some(0);
                }
                if ui.button("Discard edits").clicked() {
                    answer = Some(1);
                }
                if ui.button("Cancel").clicked() {
                    answer = Some(2);
                }
            });
        });
        match answer {
            Some(0) => {
                self.confirm_discard = None;
                self.save(None);
            }
            Some(1) => {
                self.confirm_discard = None;
                self.proceed(pending, ui);
            }
            Some(2) => self.confirm_discard = None,
            _ => {}
        }
    }
}

fn pinned_sentence(matched: usize, errors: usize) -> String {
    if matched == 0 {
        format!(
            "None of the {errors} import errors match a row of this file by id; it may have changed since the push."
        )
    } else {
        format!(
            "Showing the {} the import reported errors for. Fix them, save and push again.",
            widgets::plural(matched, "row")
        )
    }
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;

    const CSV: &str = "id,title,price\nA-1,Tee,10.00 USD\nB-2,Mug,9.00 USD\nC-3,Cap,12.00 USD\n";

    pub(super) fn view() -> CatalogView {
        let table = Table::from_bytes(CSV.as_bytes().to_vec());
        CatalogView::with_table(table, PathBuf::from("/shop/catalog.csv"))
    }

    #[test]
    fn title_suffix_marks_unsaved_edits() {
        let mut v = view();
        assert_eq!(v.title_suffix().as_deref(), Some("catalog.csv"));
        v.apply_edit(Edit::SetCell {
            row: 0,
            col: 1,
            value: "T-shirt".into(),
        });
        assert_eq!(v.title_suffix().as_deref(), Some("catalog.csv *"));
        assert!(v.has_unsaved_edits());
        assert!(
            v.queued
                .iter()
                .any(|c| matches!(c, Command::Journal { edits, .. } if edits.len() == 1)),
            "the edit is journalled"
        );
        v.undo();
        assert_eq!(v.title_suffix().as_deref(), Some("catalog.csv"));
        assert_eq!(CatalogView::default().title_suffix(), None);
    }

    #[test]
    fn import_errors_on_the_open_file_filter_to_their_rows() {
        let mut v = view();
        v.open_with_errors(
            PathBuf::from("/shop/catalog.csv"),
            vec![RowError {
                id: "C-3".into(),
                message: "Price is below the minimum".into(),
            }],
        );
        let doc = v.doc.as_ref().unwrap();
        assert_eq!(doc.filter, Filter::ImportErrors);
        assert_eq!(doc.shown, Some(vec![2]));
        assert!(doc.import_errors_on(2).is_some());
        assert!(v.queued.is_empty(), "the open file is reused, not reloaded");
    }

    #[test]
    fn import_errors_for_another_file_open_it_first() {
        let mut v = view();
        v.open_with_errors(PathBuf::from("/shop/other.csv"), Vec::new());
        assert!(
            matches!(&v.queued[..], [Command::Open { path, .. }] if path.ends_with("other.csv"))
        );
    }

    #[test]
    fn catalog_items_give_id_title_and_price() {
        let v = view();
        let items = v.catalog_items(2);
        assert_eq!(items.len(), 2);
        assert_eq!(items[1].id, "B-2");
        assert_eq!(items[1].title, "Mug");
        assert_eq!(items[1].price, "9.00 USD");
    }
}
