//! The Issues panel: findings grouped by rule with counts, click to jump to the cell, and
//! one-click fixes for the safe mechanical replacements the validator offers (never invented
//! data).

use crate::ui::widgets;
use egui::{RichText, Ui};

use super::doc::{Document, Filter};
use super::grid::severity_color;
use crate::feed::table::Edit;
use crate::ui::theme;

/// How many groups start unfolded (the worst first).
const OPEN_GROUPS: usize = 4;

/// How many findings each group lists (the panel is laid out every frame; the rest is one
/// click away with "Show these rows").
const LINES_SHOWN: usize = 12;

/// "3 errors, 1 warning, 0 notes".
#[must_use]
pub fn counts_sentence(doc: &Document) -> String {
    let c = doc.counts;
    format!(
        "{}, {}, {}",
        widgets::plural(c.errors, "error"),
        widgets::plural(c.warnings, "warning"),
        widgets::plural(c.infos, "note")
    )
}

/// One line above the grid: feed kind, counts.
pub fn counts_line(ui: &mut Ui, doc: &Document) {
    ui.horizontal_wrapped(|ui| {
        ui.label(format!(
            "Checked against the {} feed spec:",
            doc.table.feed_kind().as_str()
        ));
        let color = if doc.counts.errors > 0 {
            theme::ERROR
        } else if doc.counts.warnings > 0 {
            theme::WARNING
        } else {
            theme::SUCCESS
        };
        ui.colored_label(color, format!("Issues: {}", counts_sentence(doc)));
        if doc.issues_stale_since.is_some() {
            ui.label(RichText::new("(updating after your edits)").weak());
        }
        if let Some(enc) = doc.table.converted_from() {
            ui.label(RichText::new(format!("Converted from {} to UTF-8.", enc.label())).weak());
        }
    });
}

/// The panel's content.
pub fn panel(ui: &mut Ui, doc: &mut Document, edits: &mut Vec<Edit>) {
    ui.heading("Issues");
    if doc.issues.is_empty() {
        ui.colored_label(
            theme::SUCCESS,
            "No issues: this feed matches Stripe's spec.",
        );
        return;
    }
    let total_fixable: usize = doc.issues.iter().map(|g| g.fixable).sum();
    if total_fixable > 0
        && ui
            .button(format!("Apply all {total_fixable} safe fixes"))
            .on_hover_text(
                "One undoable step; only mechanical corrections the validator is sure of",
            )
            .clicked()
    {
        let cells = doc.fixes(None);
        if !cells.is_empty() {
            edits.push(Edit::SetCells { cells });
        }
    }
    let stale = doc.issues_stale_since.is_some();
    let mut jump = None;
    let mut filter = None;
    egui::ScrollArea::vertical()
        .id_salt("catalog_issues_scroll")
        .show(ui, |ui| {
            for (gi, g) in doc.issues.iter().enumerate() {
                let color = severity_color(g.severity);
                let title = RichText::new(format!("{} ({})", g.rule, g.count)).color(color);
                egui::CollapsingHeader::new(title)
                    .id_salt(("issue_group", g.rule))
                    .default_open(gi < OPEN_GROUPS)
                    .show(ui, |ui| {
                        ui.horizontal(|ui| {
                            if ui.small_button("Show these rows").clicked() {
                                filter = Some(Filter::Rule(g.rule));
                            }
                            if g.fixable > 0
                                && ui.small_button(format!("Fix all {}", g.fixable)).clicked()
                            {
                                let cells = doc.fixes(Some(g.rule));
                                if !cells.is_empty() {
                                    edits.push(Edit::SetCells { cells });
                                }
                            }
                        });
                        for line in g.lines.iter().take(LINES_SHOWN) {
                            ui.horizontal_wrapped(|ui| {
                                let place = match (line.row, line.col) {
                                    (Some(r), Some(c)) => {
                                        format!("Row {}, {}", r + 1, doc.table.column_name(c))
                                    }
                                    (Some(r), None) => format!("Row {}", r + 1),
                                    (None, Some(c)) => {
                                        format!("Column {}", doc.table.column_name(c))
                                    }
                                    (None, None) => "File".to_owned(),
                                };
                                if let Some(r) = line.row {
                                    if ui.link(place).on_hover_text("Go to the cell").clicked() {
                                        jump = Some((r, line.col.unwrap_or(0)));
                                    }
                                } else {
                                    ui.label(RichText::new(place).strong());
                                }
                                ui.label(&line.message);
                                // While the summary catches up, its rows may have moved:
                                // no per-line fixes until it is current again.
                                if let (Some(r), Some(c), Some(v)) =
                                    (line.row, line.col, &line.replacement)
                                    && ui
                                        .add_enabled(!stale, egui::Button::new("Fix").small())
                                        .on_hover_text(format!("Write \"{v}\""))
                                        .clicked()
                                {
                                    edits.push(Edit::SetCell {
                                        row: r,
                                        col: c,
                                        value: v.clone(),
                                    });
                                }
                            });
                        }
                        if g.count > g.lines.len().min(LINES_SHOWN) {
                            ui.label(
                                RichText::new(format!(
                                    "and {} more (use \"Show these rows\")",
                                    g.count - g.lines.len().min(LINES_SHOWN)
                                ))
                                .weak(),
                            );
                        }
                    });
            }
        });
    if let Some(f) = filter {
        doc.set_filter(f);
    }
    if let Some((r, c)) = jump {
        if doc.line_of(r).is_none() {
            doc.set_filter(Filter::All);
        }
        doc.jump_to(r, c);
    }
}
