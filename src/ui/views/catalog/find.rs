//! Find and replace: plain text or a regular expression, in every column or one, moving
//! through the rows in the order shown. Replace all is one undoable step.

use egui::Ui;
use regex::Regex;

use super::doc::Document;
use crate::feed::table::{CellValue, Edit};

/// State of the find bar.
#[derive(Default)]
pub struct FindBar {
    open: bool,
    find: String,
    replace: String,
    regex: bool,
    /// `None` searches every column.
    column: Option<usize>,
}

impl FindBar {
    /// Shows or hides the bar.
    pub fn toggle(&mut self) {
        self.open = !self.open;
    }

    /// Draws the bar; edits go to `edits`, messages to `notice`.
    pub fn ui(
        &mut self,
        ui: &mut Ui,
        doc: &mut Document,
        edits: &mut Vec<Edit>,
        notice: &mut Option<(String, bool)>,
    ) {
        if !self.open {
            return;
        }
        let mut act = None;
        ui.horizontal_wrapped(|ui| {
            let l = ui.label("Find");
            let r = ui.add(egui::TextEdit::singleline(&mut self.find).desired_width(160.0));
            let r = r.labelled_by(l.id);
            if r.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter)) {
                act = Some(Act::Next);
            }
            let l = ui.label("Replace with");
            ui.add(egui::TextEdit::singleline(&mut self.replace).desired_width(160.0))
                .labelled_by(l.id);
            ui.checkbox(&mut self.regex, "Regular expression");
            let l = ui.label("in");
            let current = self.column.map_or_else(
                || "all columns".to_owned(),
                |c| doc.table.column_name(c).into_owned(),
            );
            egui::ComboBox::from_id_salt("catalog_find_col")
                .selected_text(current)
                .show_ui(ui, |ui| {
                    ui.selectable_value(&mut self.column, None, "all columns");
                    for c in 0..doc.table.column_count() {
                        ui.selectable_value(&mut self.column, Some(c), doc.table.column_name(c));
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
        let Some(act) = act else { return };
        if self.find.is_empty() {
            return;
        }
        let matcher = match Matcher::new(&self.find, self.regex) {
            Ok(m) => m,
            Err(e) => {
                *notice = Some((format!("The regular expression does not parse: {e}"), true));
                return;
            }
        };
        match act {
            Act::Next => {
                if !self.find_next(doc, &matcher) {
                    *notice = Some((format!("\"{}\" was not found.", self.find), true));
                }
            }
            Act::One => {
                if let Some((r, c)) = doc.selected {
                    let value = doc.table.cell(r, c);
                    if matcher.is_match(&value) && self.column.is_none_or(|k| k == c) {
                        let new = matcher.replace(&value, &self.replace);
                        edits.push(Edit::SetCell {
                            row: r,
                            col: c,
                            value: new,
                        });
                    }
                }
                self.find_next(doc, &matcher);
            }
            Act::All => {
                let cells = self.replace_all(doc, &matcher);
                *notice = Some((
                    format!(
                        "Replaced in {} cells (one step: Undo puts them back).",
                        cells.len()
                    ),
                    false,
                ));
                if !cells.is_empty() {
                    edits.push(Edit::SetCells { cells });
                }
            }
        }
    }

    /// Selects the next matching cell after the selection; false when there is none.
    fn find_next(&self, doc: &mut Document, m: &Matcher) -> bool {
        let lines = doc.shown_len();
        let ncols = doc.table.column_count();
        if lines == 0 || ncols == 0 {
            return false;
        }
        let (start_line, start_col) = doc
            .selected
            .and_then(|(r, c)| Some((doc.line_of(r)?, c + 1)))
            .unwrap_or((0, 0));
        let cols: Vec<usize> = match self.column {
            Some(c) => vec![c],
            None => (0..ncols).collect(),
        };
        for step in 0..=lines {
            let line = (start_line + step) % lines;
            let Some(r) = doc.shown_row(line) else {
                continue;
            };
            let cells = doc.table.row_cells(r);
            for &c in &cols {
                if step == 0 && c < start_col {
                    continue;
                }
                if cells.get(c).is_some_and(|v| m.is_match(v)) {
                    doc.jump_to(r, c);
                    return true;
                }
            }
        }
        false
    }

    fn replace_all(&self, doc: &Document, m: &Matcher) -> Vec<CellValue> {
        let mut out = Vec::new();
        for line in 0..doc.shown_len() {
            let Some(r) = doc.shown_row(line) else {
                continue;
            };
            for (c, v) in doc.table.row_cells(r).iter().enumerate() {
                if self.column.is_some_and(|k| k != c) || !m.is_match(v) {
                    continue;
                }
                let new = m.replace(v, &self.replace);
                if new != *v {
                    out.push(CellValue {
                        row: r,
                        col: c,
                        value: new,
                    });
                }
            }
        }
        out
    }
}

#[derive(Clone, Copy)]
enum Act {
    Next,
    One,
    All,
}

/// Plain text or a regular expression.
enum Matcher {
    Plain(String),
    Regex(Regex),
}

impl Matcher {
    fn new(pattern: &str, regex: bool) -> Result<Self, regex::Error> {
        if regex {
            Regex::new(pattern).map(Matcher::Regex)
        } else {
            Ok(Matcher::Plain(pattern.to_owned()))
        }
    }

    fn is_match(&self, s: &str) -> bool {
        match self {
            Matcher::Plain(p) => s.contains(p.as_str()),
            Matcher::Regex(r) => r.is_match(s),
        }
    }

    fn replace(&self, s: &str, with: &str) -> String {
        match self {
            Matcher::Plain(p) => s.replace(p.as_str(), with),
            Matcher::Regex(r) => r.replace_all(s, with).into_owned(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::feed::table::Table;

    #[test]
    fn replace_all_in_one_column_with_a_regex() {
        let csv = "id,price,note\nA,\"63,00 EUR\",63,00\nB,\"12,50 EUR\",x\n";
        let doc = Document::new(Table::from_bytes(csv.as_bytes().to_vec()), "c.csv".into());
        let bar = FindBar {
            open: true,
            find: r"(\d+),(\d\d)".into(),
            replace: "$1.$2".into(),
            regex: true,
            column: Some(1),
        };
        let m = Matcher::new(&bar.find, true).unwrap();
        let cells = bar.replace_all(&doc, &m);
        let values: Vec<&str> = cells.iter().map(|c| c.value.as_str()).collect();
        assert_eq!(values, ["63.00 EUR", "12.50 EUR"]);
    }
}
