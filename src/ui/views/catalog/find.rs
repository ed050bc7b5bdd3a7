//! Find and replace: plain text or a regular expression, in every column or one, moving
//! through the rows in the order shown. Replace all is one undoable step.

use std::time::{Duration, Instant};

use egui::Ui;

use super::doc::Document;
use crate::feed::table::Edit;
use crate::feed::table::replace::{Matcher, Replace, ReplacePlan};
use crate::worker::catalog::Job;

/// State of the find bar.
#[derive(Default)]
pub struct FindBar {
    open: bool,
    r: Replace,
    search: Option<Search>,
}

/// A "find next" under way. Rows are scanned a few milliseconds per frame, so looking for a
/// rare value in a million rows never freezes the window.
struct Search {
    matcher: Matcher,
    cols: Vec<usize>,
    start_line: usize,
    start_col: usize,
    /// Lines scanned so far (the search wraps around once).
    step: usize,
    lines: usize,
}

/// Where a search stands after a frame's worth of scanning.
enum Progress {
    Found,
    NotFound,
    Searching,
}

/// Scanning time allowed per frame.
const FRAME_BUDGET: Duration = Duration::from_millis(3);

impl FindBar {
    /// Shows or hides the bar.
    pub fn toggle(&mut self) {
        self.open = !self.open;
    }

    /// Draws the bar; edits go to `edits`, messages to `notice`. Returns a job for the
    /// worker when a replace-all needs to scan a big table.
    pub fn ui(
        &mut self,
        ui: &mut Ui,
        doc: &mut Document,
        edits: &mut Vec<Edit>,
        notice: &mut Option<(String, bool)>,
    ) -> Option<Job> {
        if !self.open {
            self.search = None;
            return None;
        }
        if self.search.is_some() {
            match self.advance(doc, FRAME_BUDGET) {
                Progress::Found => self.search = None,
                Progress::NotFound => {
                    self.search = None;
                    *notice = Some((format!("\"{}\" was not found.", self.r.find), true));
                }
                Progress::Searching => {
                    let done = self
                        .search
                        .as_ref()
                        .map_or(0.0, |s| s.step as f32 / s.lines.max(1) as f32);
                    ui.horizontal(|ui| {
                        ui.spinner();
                        ui.label(format!("Searching… {:.0} %", done * 100.0));
                        if ui.button("Stop searching").clicked() {
                            self.search = None;
                        }
                    });
                    ui.ctx().request_repaint();
                }
            }
        }
        let mut act = None;
        ui.horizontal_wrapped(|ui| {
            let l = ui.label("Find");
            let r = ui.add(egui::TextEdit::singleline(&mut self.r.find).desired_width(160.0));
            let r = r.labelled_by(l.id);
            if r.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter)) {
                act = Some(Act::Next);
            }
            let l = ui.label("Replace with");
            ui.add(egui::TextEdit::singleline(&mut self.r.with).desired_width(160.0))
                .labelled_by(l.id);
            ui.checkbox(&mut self.r.regex, "Regular expression");
            let l = ui.label("in");
            let current = self.r.column.map_or_else(
                || "all columns".to_owned(),
                |c| doc.table.column_name(c).into_owned(),
            );
            egui::ComboBox::from_id_salt("catalog_find_col")
                .selected_text(current)
                .show_ui(ui, |ui| {
                    ui.selectable_value(&mut self.r.column, None, "all columns");
                    for c in 0..doc.table.column_count() {
                        ui.selectable_value(&mut self.r.column, Some(c), doc.table.column_name(c));
                    }
                })
                .response
                .labelled_by(l.id);
            if ui.button("Find next").clicked() {
                act = Some(Act::Next);
            }
            if ui.button("Replace").clicked() {
                act = Some(Act::One);
            }
            if ui.button("Replace all").clicked() {
                act = Some(Act::All);
            }
            if ui.button("Close find").clicked() {
                self.open = false;
            }
        });
        let act = act?;
        if self.r.find.is_empty() {
            return None;
        }
        let matcher = match Matcher::new(&self.r) {
            Ok(m) => m,
            Err(e) => {
                *notice = Some((e.to_string(), true));
                return None;
            }
        };
        match act {
            Act::Next => self.find_next(doc, matcher, notice),
            Act::One => {
                if let Some((r, c)) = doc.selected {
                    let value = doc.table.cell(r, c);
                    if matcher.is_match(&value) && self.r.column.is_none_or(|k| k == c) {
                        let new = matcher.replace(&value, &self.r.with);
                        edits.push(Edit::SetCell {
                            row: r,
                            col: c,
                            value: new,
                        });
                    }
                }
                self.find_next(doc, matcher, notice);
            }
            Act::All if doc.is_big() => {
                return Some(Job::ReplaceAll {
                    replace: self.r.clone(),
                    shown: doc.shown.clone(),
                });
            }
            Act::All => {
                let plan = ReplacePlan::new(&doc.table, doc.shown.as_deref(), &self.r, &matcher);
                *notice = Some((plan.note(), false));
                edits.extend(plan.into_edit());
            }
        }
        None
    }

    /// Starts looking for the next matching cell after the selection and scans for this
    /// frame's budget; a search that needs longer goes on in the next frames.
    fn find_next(
        &mut self,
        doc: &mut Document,
        matcher: Matcher,
        notice: &mut Option<(String, bool)>,
    ) {
        let (start_line, start_col) = doc
            .selected
            .and_then(|(r, c)| Some((doc.line_of(r)?, c + 1)))
            .unwrap_or((0, 0));
        let cols: Vec<usize> = match self.r.column {
            Some(c) => vec![c],
            None => (0..doc.table.column_count()).collect(),
        };
        self.search = Some(Search {
            matcher,
            cols,
            start_line,
            start_col,
            step: 0,
            lines: doc.shown_len(),
        });
        match self.advance(doc, FRAME_BUDGET) {
            Progress::Found => self.search = None,
            Progress::NotFound => {
                self.search = None;
                *notice = Some((format!("\"{}\" was not found.", self.r.find), true));
            }
            Progress::Searching => {}
        }
    }

    /// Scans rows of the search under way for up to `budget`, selecting the cell it finds.
    fn advance(&mut self, doc: &mut Document, budget: Duration) -> Progress {
        let Some(s) = self.search.as_mut() else {
            return Progress::NotFound;
        };
        if s.lines == 0 || s.cols.is_empty() || s.lines != doc.shown_len() {
            return Progress::NotFound;
        }
        let started = Instant::now();
        while s.step <= s.lines {
            let line = (s.start_line + s.step) % s.lines;
            if let Some(r) = doc.shown_row(line) {
                let cells = doc.table.row_cells(r);
                for &c in &s.cols {
                    if s.step == 0 && c < s.start_col {
                        continue;
                    }
                    if cells.get(c).is_some_and(|v| s.matcher.is_match(v)) {
                        doc.jump_to(r, c);
                        return Progress::Found;
                    }
                }
            }
            s.step += 1;
            if s.step % 256 == 0 && started.elapsed() >= budget {
                return Progress::Searching;
            }
        }
        Progress::NotFound
    }
}

#[derive(Clone, Copy)]
enum Act {
    Next,
    One,
    All,
}
