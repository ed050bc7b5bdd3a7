//! Sync in the Catalog view: the strip under the toolbar that says whether the open file is on
//! sync, when its next push can go and what the last one did (with Push now, Full feed and
//! Stop), and the dialog that shows the difference from the last push before sync starts.
//! The work is the worker's ([`crate::worker::sync`]).

use std::path::{Path, PathBuf};

use egui::{RichText, Ui};

use super::doc::Document;
use crate::profiles::Mode;
use crate::sync::round::Round;
use crate::ui::theme;
use crate::ui::widgets::{self, sync as sync_widgets};
use crate::worker::session::SessionInfo;
use crate::worker::sync::{Command, Event, FileSync, Phase};

/// Changed rows listed by name in the preview (the rest are counted).
const ROWS_LISTED: usize = 8;

/// The view's picture of sync.
#[derive(Default)]
pub struct SyncPanel {
    /// Every file on sync for the account.
    files: Vec<FileSync>,
    /// The put-on-sync dialog, for this file: `None` inside while the preview is computed.
    dialog: Option<(PathBuf, Option<Box<Round>>, Choices)>,
}

/// What the user picks in the dialog.
#[derive(Default)]
struct Choices {
    full: bool,
    live_confirmed: bool,
}

impl SyncPanel {
    /// Takes in what the worker reports.
    pub fn on_event(&mut self, event: &Event) {
        match event {
            Event::Files(files) => self.files.clone_from(files),
            Event::Preview(round) => {
                if let Some((file, preview, _)) = &mut self.dialog
                    && *file == round.file
                {
                    *preview = Some(round.clone());
                }
            }
            Event::Pushed => {}
        }
    }

    /// The open file's sync, if it is on sync.
    #[must_use]
    pub fn of(&self, path: &Path) -> Option<&FileSync> {
        self.files.iter().find(|f| f.is(path))
    }

    /// Opens the put-on-sync dialog for `path` and asks for its preview.
    pub fn open_dialog(&mut self, path: &Path) -> Command {
        self.dialog = Some((path.to_path_buf(), None, Choices::default()));
        Command::Preview(path.to_path_buf())
    }

    /// The strip under the toolbar for the open document; returns a command to send.
    pub fn strip_ui(&mut self, ui: &mut Ui, doc: &Document, now: i64) -> Option<Command> {
        let f = self.of(&doc.path)?.clone();
        let mut out = None;
        egui::Frame::group(ui.style()).show(ui, |ui| {
            // The badge and the buttons first, so they stay put while the sentence after them
            // changes length round by round (a click never lands on the neighbour).
            ui.horizontal_wrapped(|ui| {
                sync_widgets::phase_badge(ui, &f.phase);
                let idle = f.phase != Phase::Working;
                let resume = matches!(f.phase, Phase::Paused(_));
                if ui
                    .add_enabled(
                        idle,
                        egui::Button::new(if resume { "Resume" } else { "Push now" }),
                    )
                    .on_hover_text(
                        "Check the file now and send what is due (never more often than every \
                         15 minutes per feed kind)",
                    )
                    .clicked()
                {
                    out = Some(Command::Check {
                        file: Some(f.file.clone()),
                        full: false,
                    });
                }
                if ui
                    .add_enabled(idle, egui::Button::new("Full feed now"))
                    .on_hover_text("Send the whole product feed now, whatever changed")
                    .clicked()
                {
                    out = Some(Command::Check {
                        file: Some(f.file.clone()),
                        full: true,
                    });
                }
                if ui
                    .add_enabled(idle, egui::Button::new("Stop sync"))
                    .on_hover_text("Stop watching this file; what was pushed stays remembered")
                    .clicked()
                {
                    out = Some(Command::Stop(f.file.clone()));
                }
            });
            ui.horizontal_wrapped(|ui| {
                ui.label(sync_widgets::status_sentence(&f, now));
                if doc.is_dirty() {
                    ui.colored_label(
                        theme::WARNING,
                        "Unsaved edits are not synced until you save.",
                    );
                }
            });
            sync_widgets::details_ui(ui, &f);
        });
        out
    }

    /// The put-on-sync dialog; returns a command to send.
    pub fn dialog_ui(
        &mut self,
        ui: &mut Ui,
        doc: &mut Document,
        session: &SessionInfo,
    ) -> Option<Command> {
        let (file, preview, choices) = self.dialog.as_mut()?;
        let mut out = None;
        let mut close = false;
        let modal = egui::Modal::new(ui.scope_id().with("catalog_sync")).show(ui.ctx(), |ui| {
            ui.set_max_width(560.0);
            ui.heading(format!("Put {} on sync", doc.name()));
            ui.label(
                "The console watches the file and, each time it is saved, sends what changed: \
                 stock and price changes as inventory and price feeds of just those rows (at \
                 most every 15 minutes each), new products and other changes in the daily \
                 product feed. Each round is validated first; errors pause sync.",
            );
            ui.separator();
            let Some(round) = preview else {
                ui.horizontal(|ui| {
                    ui.spinner();
                    ui.label("Comparing the file with what was last pushed…");
                });
                close = ui.button("Cancel").clicked();
                return;
            };
            let blocked = preview_ui(ui, round, doc);
            ui.separator();
            ui.checkbox(
                &mut choices.full,
                "Send the whole product feed first, whatever changed",
            );
            if session.mode == Mode::Live {
                ui.colored_label(
                    theme::LIVE_RED,
                    "Live mode: each push changes what shoppers' agents see, without asking \
                     again.",
                );
                ui.checkbox(
                    &mut choices.live_confirmed,
                    "Push this file's changes to the live catalog",
                );
            }
            let ready = !blocked && (session.mode != Mode::Live || choices.live_confirmed);
            ui.horizontal(|ui| {
                if ui
                    .add_enabled(ready, egui::Button::new("Put on sync"))
                    .clicked()
                {
                    out = Some(Command::Start {
                        file: file.clone(),
                        full: choices.full,
                    });
                    close = true;
                }
                if ui.button("Cancel").clicked() {
                    close = true;
                }
            });
        });
        if close || modal.should_close() {
            self.dialog = None;
        }
        out
    }
}

/// The preview's words; true when sync cannot start (the file has errors).
fn preview_ui(ui: &mut Ui, round: &Round, doc: &mut Document) -> bool {
    if let Some(e) = &round.error {
        ui.colored_label(theme::ERROR, format!("Sync cannot start: {e}"));
        return true;
    }
    let Some(delta) = &round.delta else {
        ui.label(format!(
            "Never pushed from this machine to this account: the first push sends the whole \
             product feed ({}).",
            widgets::plural(usize::try_from(round.rows).unwrap_or(usize::MAX), "row")
        ));
        return false;
    };
    ui.label(RichText::new("Since the last push").strong());
    if delta.is_empty() {
        ui.label("Nothing changed; the next push goes when the file does.");
    }
    let id_col = doc.table.column_index("id");
    let lists: [(&str, &[u64]); 4] = [
        ("stock or availability", &delta.inventory),
        ("price or sale", &delta.price),
        ("other product fields", &delta.product),
        ("new products", &delta.added),
    ];
    for (what, rows) in lists {
        if rows.is_empty() {
            continue;
        }
        ui.horizontal_wrapped(|ui| {
            ui.label(format!(
                "{} with {what} changed:",
                widgets::plural(rows.len(), "row")
            ));
            for &row in rows.iter().take(ROWS_LISTED) {
                let index = usize::try_from(row.saturating_sub(1)).unwrap_or(usize::MAX);
                let name = id_col
                    .filter(|_| index < doc.table.row_count())
                    .map_or_else(
                        || format!("row {row}"),
                        |c| doc.table.cell(index, c).into_owned(),
                    );
                if ui
                    .link(name)
                    .on_hover_text(format!("Row {row}: show it in the grid"))
                    .clicked()
                {
                    doc.jump_to(index, 0);
                }
            }
            if rows.len() > ROWS_LISTED {
                ui.label(format!("and {} more", rows.len() - ROWS_LISTED));
            }
        });
    }
    if delta.removed > 0 {
        ui.label(format!(
            "{} no longer in the file (an upsert leaves them on Stripe; a replace push removes them).",
            widgets::plural(delta.removed, "product")
        ));
    }
    if !round.would_push.is_empty() {
        let feeds: Vec<String> = round
            .would_push
            .iter()
            .map(|p| {
                format!(
                    "the {} feed of {}",
                    p.feed,
                    widgets::plural(usize::try_from(p.rows).unwrap_or(usize::MAX), "row")
                )
            })
            .collect();
        ui.label(format!("Goes now: {}.", feeds.join(" and ")));
    }
    for w in &round.waiting {
        ui.label(RichText::new(format!("Waiting: {w}.")).weak());
    }
    false
}
