//! A file being opened: progress with cancel, what was detected about its format, and the
//! first rows (read quickly) while the rest loads.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use egui::{RichText, Ui};
use egui_extras::{Column, TableBuilder};

use crate::feed::sniff::{Dialect, TextEncoding};
use crate::ui::theme;

/// The quick look at the first rows.
pub struct Preview {
    /// As detected on the first 64 KB.
    pub dialect: Dialect,
    /// Header names.
    pub header: Vec<String>,
    /// First rows.
    pub rows: Vec<Vec<String>>,
}

/// A load in progress.
pub struct Loading {
    /// The file.
    pub path: PathBuf,
    /// Set to stop loading.
    pub cancel: Arc<AtomicBool>,
    /// Fraction done.
    pub progress: f32,
    /// The first rows, once read.
    pub preview: Option<Preview>,
}

impl Loading {
    /// A load just started.
    #[must_use]
    pub fn new(path: PathBuf, cancel: Arc<AtomicBool>) -> Self {
        Loading {
            path,
            cancel,
            progress: 0.0,
            preview: None,
        }
    }

    /// Draws the progress, the detection and the preview.
    pub fn ui(&mut self, ui: &mut Ui) {
        let name = crate::worker::catalog::display_name(&self.path);
        let cancelled = self.cancel.load(Ordering::Relaxed);
        ui.horizontal(|ui| {
            ui.add(
                egui::ProgressBar::new(self.progress)
                    .desired_width(320.0)
                    .text(format!(
                        "Loading and checking {name}: {:.0}%",
                        self.progress * 100.0
                    )),
            );
            if ui
                .add_enabled(!cancelled, egui::Button::new("Cancel loading"))
                .clicked()
            {
                self.cancel.store(true, Ordering::Relaxed);
            }
        });
        let Some(p) = &self.preview else {
            return;
        };
        ui.label(detected_sentence(p.dialect));
        if !p.dialect.delimiter_confident || p.dialect.encoding != TextEncoding::Utf8 {
            ui.colored_label(
                theme::WARNING,
                "The format was not clear from the start of the file. If the columns below look \
                 wrong, cancel and save the file from your spreadsheet as UTF-8 CSV, then open it again.",
            );
        }
        ui.label(
            RichText::new(format!(
                "First {} rows (the rest is still loading; editing starts when it is checked):",
                p.rows.len()
            ))
            .weak(),
        );
        preview_grid(ui, p);
    }
}

/// The delimiters the user can pick when the guess was wrong, with their names.
pub const DELIMITERS: [(u8, &str); 4] = [
    (b',', "comma"),
    (b';', "semicolon"),
    (b'\t', "tab"),
    (b'|', "pipe"),
];

/// "Comma-separated, UTF-8, LF line endings."
#[must_use]
pub fn detected_sentence(d: Dialect) -> String {
    let bom = if d.has_bom {
        " with a byte-order mark"
    } else {
        ""
    };
    let sure = if d.delimiter_confident {
        ""
    } else {
        " (a guess)"
    };
    format!(
        "Detected: {} delimiter{sure}, {}{bom}, {} line endings.",
        d.delimiter_name(),
        d.encoding.label(),
        d.line_ending.label()
    )
}

fn preview_grid(ui: &mut Ui, p: &Preview) {
    rows_grid(ui, "catalog_preview", &p.header, &p.rows, |_, _, v| {
        RichText::new(v)
    });
}

/// A few rows of a file as a plain table, the row number first; `text` styles a cell from its
/// 0-based row, column and value (the loading preview and the mapper's converted rows).
pub(super) fn rows_grid(
    ui: &mut Ui,
    id: &str,
    header: &[String],
    rows: &[Vec<String>],
    text: impl Fn(usize, usize, &str) -> RichText,
) {
    let cols = header.len().max(1);
    egui::ScrollArea::horizontal()
        .id_salt((id, "h"))
        .show(ui, |ui| {
            TableBuilder::new(ui)
                .id_salt(id)
                .striped(true)
                .column(Column::exact(48.0))
                .columns(Column::initial(140.0).clip(true), cols)
                .header(22.0, |mut h| {
                    h.col(|ui| {
                        ui.strong("#");
                    });
                    for name in header {
                        h.col(|ui| {
                            ui.strong(name);
                        });
                    }
                })
                .body(|body| {
                    body.rows(20.0, rows.len(), |mut row| {
                        let i = row.index();
                        row.col(|ui| {
                            ui.label(RichText::new((i + 1).to_string()).weak());
                        });
                        for c in 0..cols {
                            row.col(|ui| {
                                let v = rows[i].get(c).map_or("", String::as_str);
                                ui.add(egui::Label::new(text(i, c, v)).truncate());
                            });
                        }
                    });
                });
        });
}
