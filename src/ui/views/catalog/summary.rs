//! The column summary: distinct values of one column with their counts, so a wrong enum
//! value stands out. Computed when asked (one pass over the column), not after every edit.

use egui::{RichText, Ui};

use super::doc::{Document, Filter};

/// How many distinct values are listed.
const MAX_LISTED: usize = 500;

/// State of the summary panel.
#[derive(Default)]
pub struct Summary {
    col: Option<usize>,
    values: Vec<(String, usize)>,
    revision: u64,
    stale: bool,
}

impl Summary {
    /// Shows the summary of column `col` (computed on the next draw).
    pub fn open(&mut self, col: usize) {
        self.col = Some(col);
        self.stale = true;
    }

    /// The counts of column `col` arrived from the worker.
    pub fn fill(&mut self, col: usize, values: Vec<(String, usize)>, revision: u64) {
        if self.col == Some(col) {
            self.values = values;
            self.revision = revision;
        }
    }

    /// True when the panel is shown.
    #[must_use]
    pub fn is_open(&self) -> bool {
        self.col.is_some()
    }

    /// Draws the panel.
    pub fn ui(&mut self, ui: &mut Ui, doc: &mut Document) {
        let Some(col) = self.col else { return };
        if col >= doc.table.column_count() {
            self.col = None;
            return;
        }
        if self.stale {
            if doc.is_big() {
                // A pass over a million rows: counted on the worker, filled in by `fill`.
                doc.count_request = Some(col);
                self.stale = false;
                self.values.clear();
            } else {
                self.values = doc.column_summary(col);
                self.revision = doc.revision;
                self.stale = false;
            }
        }
        ui.horizontal(|ui| {
            ui.heading(format!("Values of {}", doc.table.column_name(col)));
            if ui.small_button("Close").clicked() {
                self.col = None;
            }
        });
        ui.label(format!("{} distinct values", self.values.len()));
        if self.revision != doc.revision && ui.button("Count again (edited since)").clicked() {
            self.stale = true;
        }
        let mut filter = None;
        egui::ScrollArea::vertical()
            .id_salt("catalog_summary_scroll")
            .show(ui, |ui| {
                egui::Grid::new("catalog_summary_grid")
                    .striped(true)
                    .show(ui, |ui| {
                        for (value, count) in self.values.iter().take(MAX_LISTED) {
                            let shown = if value.is_empty() {
                                RichText::new("(empty)").italics().weak()
                            } else {
                                RichText::new(value.as_str())
                            };
                            if ui
                                .link(shown)
                                .on_hover_text("Show only these rows")
                                .clicked()
                            {
                                filter = Some(Filter::Value {
                                    col,
                                    value: value.clone(),
                                });
                            }
                            ui.label(count.to_string());
                            ui.end_row();
                        }
                    });
                if self.values.len() > MAX_LISTED {
                    ui.label(
                        RichText::new(format!("and {} more", self.values.len() - MAX_LISTED))
                            .weak(),
                    );
                }
            });
        if let Some(f) = filter {
            doc.set_filter(f);
        }
        if self.col.is_none() {
            self.values.clear();
        }
    }
}
