//! Sync in the Catalog view: the strip under the toolbar that says whether the open file is on
//! sync, when its next push can go and what the last one did (with Push now, Full feed and
//! Stop), and the dialog that shows the difference from the last push before sync starts.
//! The work is the worker's ([`crate::worker::sync`]).

use std::path::{Path, PathBuf};

use egui::{RichText, Ui};

use super::doc::Document;
use crate::profiles::Mode;
use crate::sync::round::Round;
use crate::ui::{theme, widgets};
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
                    && same(file, &round.file)
                {
                    *preview = Some(round.clone());
                }
            }
            Event::Pushed(_) => {}
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
            ui.horizontal_wrapped(|ui| {
                let (badge, color) = match &f.phase {
                    Phase::Watching => ("ON SYNC", theme::SUCCESS),
                    Phase::Working => ("SYNCING", theme::INFO),
                    Phase::Paused(_) => ("SYNC PAUSED", theme::ERROR),
                };
                widgets::badge(ui, badge, color);
                ui.label(status_sentence(&f, now));
                if doc.is_dirty() {
                    ui.colored_label(
                        theme::WARNING,
                        "Unsaved edits are not synced until you save.",
                    );
                }
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
            if let Phase::Paused(why) = &f.phase {
                ui.colored_label(theme::ERROR, format!("Paused: {why}"));
            }
            for w in &f.waiting {
                ui.label(RichText::new(format!("Waiting: {w}.")).weak());
            }
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
                    "a {} feed of {}",
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

/// One line on where a file on sync stands.
#[must_use]
pub fn status_sentence(f: &FileSync, now: i64) -> String {
    let mut parts = Vec::new();
    match (&f.phase, f.next_at) {
        (Phase::Working, _) => parts.push("checking and pushing now".to_owned()),
        (Phase::Paused(_), _) => parts.push("nothing goes until the file changes".to_owned()),
        (Phase::Watching, Some(at)) => parts.push(format!("next push {}", when(at, now))),
        (Phase::Watching, None) if f.waiting.is_empty() => {
            parts.push("up to date; watching for changes".to_owned());
        }
        (Phase::Watching, None) => parts.push("waiting for an import to finish".to_owned()),
    }
    if let Some(last) = &f.state.last_result {
        parts.push(format!("last: {last}"));
    }
    let pushes: [(&str, Option<i64>); 3] = [
        ("product", f.state.last_full),
        ("inventory", f.state.last_inventory),
        ("price", f.state.last_price),
    ];
    let ages: Vec<String> = pushes
        .iter()
        .filter_map(|(k, at)| at.map(|at| format!("{k} {}", ago(at, now))))
        .collect();
    if !ages.is_empty() {
        parts.push(format!("feeds sent: {}", ages.join(", ")));
    }
    parts.join(" · ")
}

/// "in 12 min" / "at 18:15".
fn when(at: i64, now: i64) -> String {
    let secs = at - now;
    if secs <= 60 {
        "within a minute".to_owned()
    } else if secs < 3600 {
        format!("in {} min", (secs + 59) / 60)
    } else {
        chrono::DateTime::from_timestamp(at, 0).map_or_else(
            || at.to_string(),
            |t| format!("at {} UTC", t.format("%H:%M")),
        )
    }
}

/// "3 min ago".
fn ago(at: i64, now: i64) -> String {
    let secs = (now - at).max(0);
    if secs < 60 {
        "just now".to_owned()
    } else if secs < 3600 {
        format!("{} min ago", secs / 60)
    } else if secs < 48 * 3600 {
        format!("{} h ago", secs / 3600)
    } else {
        format!("{} d ago", secs / 86_400)
    }
}

fn same(a: &Path, b: &Path) -> bool {
    a == b
        || std::fs::canonicalize(a)
            .ok()
            .zip(std::fs::canonicalize(b).ok())
            .is_some_and(|(a, b)| a == b)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sync::SyncState;

    fn file(phase: Phase, next_at: Option<i64>) -> FileSync {
        FileSync {
            file: "/shop/catalog.csv".into(),
            phase,
            next_at,
            waiting: Vec::new(),
            checked_at: None,
            state: SyncState {
                last_price: Some(1_000),
                last_result: Some("pricing feed of 2 rows pushed: import imp_1".into()),
                ..SyncState::default()
            },
        }
    }

    #[test]
    fn the_strip_says_when_the_next_push_goes_and_what_the_last_did() {
        let s = status_sentence(&file(Phase::Watching, Some(1_900)), 1_300);
        assert!(s.starts_with("next push in 10 min"), "{s}");
        assert!(s.contains("last: pricing feed of 2 rows"), "{s}");
        assert!(s.contains("price 5 min ago"), "{s}");
        let s = status_sentence(&file(Phase::Paused("2 errors".into()), None), 1_300);
        assert!(s.starts_with("nothing goes until the file changes"), "{s}");
    }
}
