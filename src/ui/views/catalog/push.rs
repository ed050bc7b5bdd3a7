//! The push dialog: feed kind (detected, changeable), upsert or replace (replace only for
//! product feeds, confirmed by typing REPLACE, and in live mode the account name too), which
//! account receives it, the API flavour, the validation gate (errors block unless
//! overridden, warnings listed), then the upload with bytes sent and a cancel button.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use egui::{RichText, Ui};

use super::doc::{Busy, Document};
use super::grid::severity_color;
use crate::feed::{FeedKind, Severity};
use crate::profiles::Mode;
use crate::push_history::ImportFlavour;
use crate::ui::theme;
use crate::worker::catalog::{Command, PushMode, PushRequest, push::refusal};
use crate::worker::session::SessionInfo;

/// What the dialog wants after a frame.
pub enum Outcome {
    /// Stay open.
    Open,
    /// Close it.
    Close,
    /// Send this command (the push).
    Send(Command),
    /// Save the file, then push.
    SaveThenPush,
    /// Check the feed again as this kind (the gate must reflect what is pushed).
    Recheck(FeedKind),
}

/// State of the dialog.
pub struct PushDialog {
    kind: FeedKind,
    mode: PushMode,
    flavour: ImportFlavour,
    confirm_word: String,
    confirm_account: String,
    override_errors: bool,
    /// Upload under way: bytes sent, total, cancel flag.
    uploading: Option<(u64, u64, Arc<AtomicBool>)>,
    /// Waiting for the save before the push.
    saving: bool,
    /// The last failure.
    error: Option<String>,
}

impl PushDialog {
    /// A dialog for the open document, with its detected feed kind.
    #[must_use]
    pub fn new(doc: &Document) -> Self {
        PushDialog {
            kind: doc.table.feed_kind(),
            mode: PushMode::Upsert,
            flavour: ImportFlavour::CatalogImport,
            confirm_word: String::new(),
            confirm_account: String::new(),
            override_errors: false,
            uploading: None,
            saving: false,
            error: None,
        }
    }

    /// Upload progress arrived.
    pub fn progress(&mut self, sent: u64, total: u64) {
        if let Some(u) = &mut self.uploading {
            u.0 = sent;
            u.1 = total;
        }
    }

    /// The upload (or the save before it) ended without an import; `message` says why.
    pub fn ended(&mut self, message: Option<String>) {
        self.uploading = None;
        self.saving = false;
        if message.is_some() {
            self.error = message;
        }
    }

    /// The push command for the (saved) document.
    pub fn start(&mut self, doc: &Document) -> Option<Command> {
        self.saving = false;
        let path = doc.table.path()?.to_path_buf();
        let cancel = Arc::new(AtomicBool::new(false));
        self.uploading = Some((0, 0, Arc::clone(&cancel)));
        self.error = None;
        Some(Command::Push(PushRequest {
            path,
            kind: self.kind,
            mode: self.mode,
            flavour: self.flavour,
            rows: doc.table.row_count() as u64,
            cancel,
        }))
    }

    /// Draws the dialog.
    pub fn ui(&mut self, ui: &mut Ui, doc: &mut Document, session: &SessionInfo) -> Outcome {
        let mut outcome = Outcome::Open;
        let modal = egui::Modal::new(ui.scope_id().with("catalog_push")).show(ui.ctx(), |ui| {
            ui.set_max_width(520.0);
            ui.heading(format!("Push {}", doc.name()));
            if let Some((sent, total, cancel)) = &self.uploading {
                let frac = if *total == 0 {
                    0.0
                } else {
                    *sent as f32 / *total as f32
                };
                ui.add(egui::ProgressBar::new(frac).text(format!(
                    "Uploading: {} of {}",
                    bytes(*sent),
                    bytes(*total)
                )));
                if ui.button("Cancel upload").clicked() {
                    cancel.store(true, Ordering::Relaxed);
                }
                return;
            }
            if self.saving {
                ui.label("Saving the file before the upload…");
                return;
            }
            if let Some(Busy::Rechecking(kind)) = doc.busy {
                ui.label(format!("Checking the file against the {kind} feed spec…"));
                return;
            }
            self.form(ui, doc, session, &mut outcome);
        });
        if modal.should_close() && self.uploading.is_none() && !self.saving {
            outcome = Outcome::Close;
        }
        outcome
    }

    fn form(
        &mut self,
        ui: &mut Ui,
        doc: &mut Document,
        session: &SessionInfo,
        outcome: &mut Outcome,
    ) {
        let live = session.mode == Mode::Live;
        // Where it goes.
        let account = session
            .account
            .clone()
            .unwrap_or_else(|| match session.mode {
                Mode::Sandbox => "the demo sandbox".to_owned(),
                _ => "the account of the active key".to_owned(),
            });
        match session.acting_as() {
            Some(seller) => ui.label(format!(
                "Target: connected account {seller} (acting for it from {account})."
            )),
            None => ui.label(format!("Target: {account} ({}).", session.mode.label())),
        };
        // Feed kind.
        ui.horizontal(|ui| {
            let l = ui.label("Feed kind");
            let detected = doc.table.feed_kind();
            egui::ComboBox::from_id_salt("push_kind")
                .selected_text(self.kind.as_str())
                .show_ui(ui, |ui| {
                    for k in FeedKind::ALL {
                        let text = if k == detected {
                            format!("{k} (detected)")
                        } else {
                            k.to_string()
                        };
                        ui.selectable_value(&mut self.kind, k, text);
                    }
                })
                .response
                .labelled_by(l.id);
        });
        if self.kind != doc.table.feed_kind() {
            // Validate against the kind that will be pushed, so the gate below is honest.
            *outcome = Outcome::Recheck(self.kind);
            return;
        }
        if self.kind != FeedKind::Product {
            self.mode = PushMode::Upsert;
        }
        // Mode.
        ui.horizontal(|ui| {
            ui.label("Mode");
            ui.radio_value(&mut self.mode, PushMode::Upsert, "Upsert (add and update)");
            ui.add_enabled_ui(self.kind == FeedKind::Product, |ui| {
                ui.radio_value(
                    &mut self.mode,
                    PushMode::Replace,
                    "Replace the whole catalog",
                )
                .on_disabled_hover_text("Replace is offered only for product feeds.");
            });
        });
        if self.mode == PushMode::Replace {
            self.flavour = ImportFlavour::CatalogImport;
        }
        // Flavour.
        ui.horizontal(|ui| {
            ui.label("API");
            ui.radio_value(
                &mut self.flavour,
                ImportFlavour::CatalogImport,
                "v2 catalog import",
            );
            let set_ok =
                self.mode == PushMode::Upsert && self.kind.standard_data_format().is_some();
            ui.add_enabled_ui(set_ok, |ui| {
                ui.radio_value(
                    &mut self.flavour,
                    ImportFlavour::ImportSet,
                    "ImportSet (v1 preview)",
                )
                .on_disabled_hover_text(
                    "ImportSets only upsert product, inventory and pricing feeds.",
                );
            });
        });
        let mut ready = true;
        if self.mode == PushMode::Replace {
            ui.add_space(4.0);
            crate::ui::widgets::callout(
                ui,
                theme::ERROR,
                "Replace deletes products",
                &format!(
                    "Every product that is not in this file is removed from the catalog. The file has {} rows.",
                    doc.table.row_count()
                ),
            );
            ui.horizontal(|ui| {
                let l = ui.label("Type REPLACE to confirm");
                ui.text_edit_singleline(&mut self.confirm_word)
                    .labelled_by(l.id);
            });
            ready &= self.confirm_word.trim() == "REPLACE";
            if live {
                let name = session.account.clone().unwrap_or_default();
                ui.horizontal(|ui| {
                    let l = ui.label(format!("Type the account name ({name})"));
                    ui.text_edit_singleline(&mut self.confirm_account)
                        .labelled_by(l.id);
                });
                ready &= !name.is_empty() && self.confirm_account.trim() == name;
            }
        }
        // Validation gate.
        ui.add_space(4.0);
        let c = doc.counts;
        if c.errors > 0 {
            ui.colored_label(
                theme::ERROR,
                format!(
                    "{}: Stripe would reject those rows (or the file). Fix them first, or push anyway.",
                    crate::ui::widgets::plural(c.errors, "error")
                ),
            );
            ui.checkbox(&mut self.override_errors, "Push anyway, with the errors");
            ready &= self.override_errors;
        } else {
            ui.colored_label(theme::SUCCESS, "No errors.");
        }
        if c.warnings > 0 {
            ui.label(format!(
                "{} warnings (they do not block the push):",
                c.warnings
            ));
            for g in doc
                .issues
                .iter()
                .filter(|g| g.severity == Severity::Warning)
                .take(8)
            {
                ui.label(
                    RichText::new(format!("  {} ({})", g.rule, g.count))
                        .color(severity_color(Severity::Warning)),
                );
            }
        }
        if let Some(why) = refusal(self.kind, self.mode, self.flavour) {
            ui.colored_label(theme::ERROR, &why);
            ready = false;
        }
        let dirty = doc.table.is_dirty();
        if dirty {
            ui.label("The file has unsaved edits; it is saved first, so Stripe gets what you see.");
        }
        if let Some(e) = &self.error {
            ui.colored_label(theme::ERROR, e);
        }
        ui.separator();
        ui.horizontal(|ui| {
            let label = if dirty { "Save and push" } else { "Push" };
            if ui.add_enabled(ready, egui::Button::new(label)).clicked() {
                if dirty {
                    self.saving = true;
                    *outcome = Outcome::SaveThenPush;
                } else if let Some(cmd) = self.start(doc) {
                    *outcome = Outcome::Send(cmd);
                }
            }
            if ui.button("Cancel").clicked() {
                *outcome = Outcome::Close;
            }
        });
    }
}

/// "1.5 MB".
fn bytes(n: u64) -> String {
    if n >= 1 << 20 {
        format!("{:.1} MB", n as f64 / f64::from(1 << 20))
    } else {
        format!("{:.1} KB", n as f64 / 1024.0)
    }
}
