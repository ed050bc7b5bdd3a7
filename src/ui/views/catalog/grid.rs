//! The grid: a virtualized table (only visible rows are laid out) with a sticky header, row
//! numbers, resizable columns, cells coloured by their worst finding with the messages on
//! hover, and in-place editing (double-click or Enter; Tab and arrows move). Also the bar
//! above it: filter, sort, row and column operations.

use egui::{Align, Key, RichText, Sense, Ui};
use egui_extras::{Column, TableBuilder};

use super::doc::{Document, Filter};
use super::summary::Summary;
use crate::feed::Severity;
use crate::feed::table::Edit;
use crate::ui::theme;

/// Row height in points (fixed, so scrolling a million rows costs the same as ten).
pub const ROW_HEIGHT: f32 = 20.0;

/// What the grid asks the view to do.
pub enum Action {
    /// Nothing.
    None,
    /// Apply this edit.
    Edit(Edit),
}

/// The colour of a severity.
#[must_use]
pub fn severity_color(s: Severity) -> egui::Color32 {
    match s {
        Severity::Error => theme::ERROR,
        Severity::Warning => theme::WARNING,
        Severity::Info => theme::INFO,
    }
}

/// Filter, sort and row/column operations.
pub fn filter_bar(ui: &mut Ui, doc: &mut Document, summary: &mut Summary, edits: &mut Vec<Edit>) {
    ui.horizontal_wrapped(|ui| {
        let label = ui.label("Show:");
        let current = filter_name(doc, &doc.filter);
        let mut pick = None;
        egui::ComboBox::from_id_salt("catalog_filter")
            .selected_text(current)
            .show_ui(ui, |ui| {
                let mut options = vec![Filter::All, Filter::Errors];
                if !doc.import_errors.is_empty() {
                    options.push(Filter::ImportErrors);
                }
                options.extend(doc.issues.iter().map(|g| Filter::Rule(g.rule)));
                if let Some((r, c)) = doc.selected {
                    options.push(Filter::Value {
                        col: c,
                        value: doc.table.cell(r, c).into_owned(),
                    });
                }
                for f in options {
                    let name = filter_name(doc, &f);
                    if ui.selectable_label(doc.filter == f, name).clicked() {
                        pick = Some(f);
                    }
                }
            })
            .response
            .labelled_by(label.id);
        if let Some(f) = pick {
            doc.set_filter(f);
        }
        if doc.filter != Filter::All && ui.button("Show all rows").clicked() {
            doc.set_filter(Filter::All);
        }
        if let Some((col, asc)) = doc.sort {
            ui.label(format!(
                "Sorted by {} ({})",
                doc.table.column_name(col),
                if asc { "ascending" } else { "descending" }
            ));
            if ui.button("File order").clicked() {
                doc.set_sort(None);
            }
        }
        if doc.shown.is_some() {
            if ui
                .small_button("Refresh")
                .on_hover_text("Apply the filter and sort again after edits")
                .clicked()
            {
                doc.refresh_shown();
            }
            ui.label(format!(
                "{} of {} rows",
                doc.shown_len(),
                doc.table.row_count()
            ));
        } else {
            ui.label(format!("{} rows", doc.table.row_count()));
        }
        ui.separator();
        let sel = doc.selected;
        let rows = doc.selected_rows();
        let n = rows.len().max(1);
        let at = rows
            .iter()
            .max()
            .map_or(doc.table.row_count(), |last| last + 1);
        let (insert, delete) = if n > 1 {
            (format!("Insert {n} rows"), format!("Delete {n} rows"))
        } else {
            ("Insert row".to_owned(), "Delete row".to_owned())
        };
        if ui
            .button(insert)
            .on_hover_text(
                "Add blank rows below the selected ones (shift+click a row to select several)",
            )
            .clicked()
        {
            edits.push(Edit::InsertRows { at, count: n });
            doc.jump_to(at, sel.map_or(0, |(_, c)| c));
        }
        if ui
            .add_enabled(rows.len() == 1, egui::Button::new("Duplicate row"))
            .on_disabled_hover_text("Select one row to duplicate it")
            .clicked()
            && let Some((r, _)) = sel
        {
            edits.push(Edit::DuplicateRow { row: r });
        }
        if ui
            .add_enabled(!rows.is_empty(), egui::Button::new(delete))
            .on_hover_text("Undo brings them back")
            .clicked()
        {
            edits.push(Edit::DeleteRows { rows });
            doc.anchor = None;
        }
        if doc.shown.is_some()
            && doc.shown_len() > 0
            && ui
                .button("Select shown rows")
                .on_hover_text("Select every row the filter shows, to delete them at once")
                .clicked()
        {
            let last = doc.shown_len() - 1;
            let col = sel.map_or(0, |(_, c)| c);
            if let (Some(first), Some(last)) = (doc.shown_row(0), doc.shown_row(last)) {
                doc.jump_to(first, col);
                doc.extend_to(last, col);
            }
        }
        let missing = doc.missing_columns();
        ui.add_enabled_ui(!missing.is_empty(), |ui| {
            ui.menu_button("Add column", |ui| {
                ui.label(RichText::new("Columns of the spec this file does not have:").weak());
                egui::ScrollArea::vertical()
                    .max_height(300.0)
                    .show(ui, |ui| {
                        for name in &missing {
                            if ui.button(*name).clicked() {
                                edits.push(Edit::InsertColumn {
                                    at: doc.table.column_count(),
                                    name: (*name).to_owned(),
                                });
                                ui.close();
                            }
                        }
                    });
            });
        });
        if ui
            .add_enabled(sel.is_some(), egui::Button::new("Column summary"))
            .on_hover_text("Distinct values of the selected column with their counts")
            .clicked()
            && let Some((_, c)) = sel
        {
            summary.open(c);
        }
    });
}

fn filter_name(doc: &Document, f: &Filter) -> String {
    match f {
        Filter::All => "All rows".into(),
        Filter::Errors => "Rows with errors".into(),
        Filter::ImportErrors => "Rows with import errors".into(),
        Filter::Rule(r) => format!("Rows with: {r}"),
        Filter::Value { col, value } => {
            format!("{} = \"{}\"", doc.table.column_name(*col), value)
        }
    }
}

/// Draws the grid; returns an edit when a cell edit was committed.
pub fn grid(ui: &mut Ui, doc: &mut Document) -> Action {
    let mut action = Action::None;
    keyboard(ui, doc, &mut action);
    let ncols = doc.table.column_count();
    if ncols == 0 {
        ui.label("This file has no columns.");
        return action;
    }
    let lines = doc.shown_len();
    let jump = doc.scroll_to.take();
    let jump_line = jump.and_then(|r| doc.line_of(r));
    let jump_col = jump.and_then(|_| doc.selected.map(|(_, c)| c));
    let dark = ui.visuals().dark_mode;
    let mut clicked: Option<(usize, usize)> = None;
    let mut double: Option<(usize, usize)> = None;
    let mut header_action: Option<HeaderAction> = None;
    let mut commit: Option<Commit> = None;
    // The cell to bring into view sideways (the table's own scroll area only scrolls rows).
    let mut target_rect: Option<egui::Rect> = None;

    let doc_lines = doc.selected_lines();
    let Document {
        table,
        shown,
        selected,
        editing,
        edit_focus,
        import_errors,
        sort,
        ..
    } = doc;
    let range = doc_lines;
    let shown: Option<&[u32]> = shown.as_deref();
    let row_at = |line: usize| match shown {
        None => Some(line),
        Some(v) => v.get(line).map(|&r| r as usize),
    };
    let digits = (table.row_count().max(1) as f64).log10().floor() as usize + 1;
    let num_width = (16.0 + 8.0 * digits as f32).max(40.0);

    // Both scroll areas fill the panel, so the horizontal bar sits at its bottom edge instead
    // of floating over the last rows of a short table.
    egui::ScrollArea::horizontal()
        .id_salt("catalog_grid_h")
        .auto_shrink([false, false])
        .show(ui, |ui| {
            // What is visible of the grid sideways, and a layer above it where row numbers stay
            // at the left edge once their column has scrolled out of sight.
            let viewport = ui.clip_rect();
            let sticky = egui::LayerId::new(
                egui::Order::Middle,
                ui.scope_id().with("sticky_row_numbers"),
            );
            let mut builder = TableBuilder::new(ui)
                .id_salt("catalog_grid")
                .striped(true)
                .resizable(true)
                .sense(Sense::click())
                .cell_layout(egui::Layout::left_to_right(Align::Center))
                .column(Column::exact(num_width))
                .columns(Column::initial(150.0).at_least(36.0).clip(true), ncols)
                .min_scrolled_height(0.0)
                .max_scroll_height(f32::INFINITY)
                .auto_shrink([false, false]);
            if let Some(line) = jump_line {
                builder = builder.scroll_to_row(line, Some(Align::Center));
            }
            builder
                .header(24.0, |mut h| {
                    h.col(|ui| {
                        ui.strong("#");
                    });
                    for c in 0..ncols {
                        h.col(|ui| {
                            let name = table.column_name(c);
                            let arrow = match *sort {
                                Some((sc, true)) if sc == c => " (asc)",
                                Some((sc, false)) if sc == c => " (desc)",
                                _ => "",
                            };
                            ui.menu_button(
                                RichText::new(format!("{name}{arrow}")).strong(),
                                |ui| {
                                    if ui.button("Sort ascending").clicked() {
                                        header_action = Some(HeaderAction::Sort(c, true));
                                        ui.close();
                                    }
                                    if ui.button("Sort descending").clicked() {
                                        header_action = Some(HeaderAction::Sort(c, false));
                                        ui.close();
                                    }
                                    if ui.button("Value summary").clicked() {
                                        header_action = Some(HeaderAction::Summary(c));
                                        ui.close();
                                    }
                                },
                            );
                        });
                    }
                })
                .body(|body| {
                    body.rows(ROW_HEIGHT, lines, |mut row| {
                        let line = row.index();
                        let Some(r) = row_at(line) else { return };
                        let cells = table.row_cells(r);
                        let imp = table.row_id(r).and_then(|id| import_errors.get(&id));
                        row.set_selected(
                            range.is_some_and(|(first, last)| (first..=last).contains(&line)),
                        );
                        row.col(|ui| {
                            let edited = if table.is_row_edited(r) { "*" } else { "" };
                            let mut text = RichText::new(format!("{}{edited}", r + 1)).weak();
                            if imp.is_some() {
                                text = text.color(theme::ERROR).strong();
                            }
                            let cell = ui.max_rect();
                            if cell.left() < viewport.left() - 0.5 {
                                sticky_number(ui, sticky, viewport, cell, num_width, text.clone());
                            }
                            let resp = ui.label(text);
                            if let Some(messages) = imp {
                                resp.on_hover_ui(|ui| {
                                    ui.strong("The import reported:");
                                    for m in messages {
                                        ui.label(m);
                                    }
                                });
                            }
                        });
                        for (c, value) in cells.iter().enumerate() {
                            let severity = table.cell_severity(r, c);
                            let is_selected = *selected == Some((r, c));
                            let mut in_editor = false;
                            let (_, resp) = row.col(|ui| {
                                let rect = ui.max_rect();
                                // Columns scrolled out of sight sideways: nothing to lay out.
                                let is_editing = editing
                                    .as_ref()
                                    .is_some_and(|(er, ec, _)| *er == r && *ec == c);
                                if !is_editing && !ui.is_rect_visible(rect) {
                                    return;
                                }
                                if let Some(s) = severity {
                                    let color = severity_color(s);
                                    ui.painter()
                                        .rect_filled(rect, 0.0, theme::tint(color, dark));
                                    // A solid edge too, so the finding shows on a selected row.
                                    ui.painter().line_segment(
                                        [rect.left_bottom(), rect.right_bottom()],
                                        egui::Stroke::new(2.0, color),
                                    );
                                }
                                if is_selected {
                                    ui.painter().rect_stroke(
                                        rect.shrink(1.0),
                                        0.0,
                                        egui::Stroke::new(1.5, ui.visuals().selection.stroke.color),
                                        egui::StrokeKind::Inside,
                                    );
                                }
                                if let Some((er, ec, text)) = editing.as_mut()
                                    && *er == r
                                    && *ec == c
                                {
                                    in_editor = true;
                                    let name = format!("{} of row {}", table.column_name(c), r + 1);
                                    let resp = ui.add(
                                        egui::TextEdit::singleline(text)
                                            .hint_text(name.as_str())
                                            .desired_width(f32::INFINITY)
                                            .margin(egui::vec2(2.0, 0.0)),
                                    );
                                    // Screen readers (and UI tests) find the editor by the cell.
                                    ui.ctx().accesskit_node_builder(resp.id, |node| {
                                        node.set_label(name);
                                    });
                                    if std::mem::take(edit_focus) {
                                        resp.request_focus();
                                    } else if resp.lost_focus() {
                                        commit = Some(ui.input(|i| {
                                            if i.key_pressed(Key::Escape) {
                                                Commit::Cancel
                                            } else if i.key_pressed(Key::Tab) {
                                                Commit::Right
                                            } else if i.key_pressed(Key::Enter) {
                                                Commit::Down
                                            } else {
                                                Commit::Stay
                                            }
                                        }));
                                    }
                                    return;
                                }
                                ui.add(
                                    egui::Label::new(value.as_ref())
                                        .truncate()
                                        .selectable(false),
                                );
                            });
                            if in_editor {
                                continue;
                            }
                            if resp.double_clicked() {
                                double = Some((r, c));
                            } else if resp.clicked() {
                                clicked = Some((r, c));
                            }
                            if is_selected && jump_col == Some(c) {
                                target_rect = Some(resp.rect);
                            }
                            if severity.is_some() {
                                resp.on_hover_ui(|ui| {
                                    for d in table.cell_findings(r, c) {
                                        ui.colored_label(
                                            severity_color(d.severity),
                                            format!("{}: {}", d.severity.as_str(), d.message),
                                        );
                                        if let Some(fix) = &d.fix {
                                            ui.label(format!("Fix: {}", fix.message));
                                        }
                                    }
                                });
                            }
                        }
                    });
                });
            if let Some(rect) = target_rect {
                ui.scroll_to_rect(rect, None);
            }
        });

    if let Some(c) = commit
        && let Some((r, col, text)) = doc.editing.take()
    {
        {
            if c != Commit::Cancel && doc.table.cell(r, col) != text.as_str() {
                action = Action::Edit(Edit::SetCell {
                    row: r,
                    col,
                    value: text,
                });
            }
            match c {
                Commit::Right => move_selection(doc, 0, 1),
                Commit::Down => move_selection(doc, 1, 0),
                Commit::Stay | Commit::Cancel => {}
            }
        }
    }
    if let Some((r, c)) = double {
        doc.anchor = None;
        doc.begin_edit(r, c);
    } else if let Some((r, c)) = clicked {
        if shift_held(ui) {
            doc.extend_to(r, c);
        } else {
            doc.anchor = None;
            doc.selected = Some((r, c));
        }
    }
    match header_action {
        Some(HeaderAction::Sort(c, asc)) => doc.set_sort(Some((c, asc))),
        Some(HeaderAction::Summary(c)) => doc.summary_request = Some(c),
        None => {}
    }
    action
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Commit {
    Cancel,
    Stay,
    Right,
    Down,
}

enum HeaderAction {
    Sort(usize, bool),
    Summary(usize),
}

/// Arrow keys, Tab, Enter/F2 and Delete on the selected cell (when no text field has focus).
fn keyboard(ui: &Ui, doc: &mut Document, action: &mut Action) {
    if doc.editing.is_some() || ui.ctx().egui_wants_keyboard_input() || doc.selected.is_none() {
        return;
    }
    let ranged = doc.anchor.is_some();
    // First: a plain-arrow pattern would match shift+arrow too.
    let (shift_up, shift_down, escape) = ui.input_mut(|i| {
        (
            i.consume_key(egui::Modifiers::SHIFT, Key::ArrowUp),
            i.consume_key(egui::Modifiers::SHIFT, Key::ArrowDown),
            // Escape drops a row range (and is left alone otherwise).
            ranged && i.consume_key(egui::Modifiers::NONE, Key::Escape),
        )
    });
    let (up, down, left, right, tab, enter, delete) = ui.input_mut(|i| {
        let m = egui::Modifiers::NONE;
        (
            i.consume_key(m, Key::ArrowUp),
            i.consume_key(m, Key::ArrowDown),
            i.consume_key(m, Key::ArrowLeft),
            i.consume_key(m, Key::ArrowRight),
            i.consume_key(m, Key::Tab),
            i.consume_key(m, Key::Enter) || i.consume_key(m, Key::F2),
            i.consume_key(m, Key::Delete),
        )
    });
    if shift_up || shift_down {
        extend_selection(doc, if shift_up { -1 } else { 1 });
    }
    if escape {
        doc.anchor = None;
    }
    if up {
        move_selection(doc, -1, 0);
    }
    if down {
        move_selection(doc, 1, 0);
    }
    if left {
        move_selection(doc, 0, -1);
    }
    if right || tab {
        move_selection(doc, 0, 1);
    }
    if enter && let Some((r, c)) = doc.selected {
        doc.begin_edit(r, c);
    }
    if delete
        && let Some((r, c)) = doc.selected
        && !doc.table.cell(r, c).is_empty()
    {
        *action = Action::Edit(Edit::SetCell {
            row: r,
            col: c,
            value: String::new(),
        });
    }
}

/// True when shift is held, or was held for this frame's click (a quick shift+click can
/// press and release shift within one frame).
fn shift_held(ui: &Ui) -> bool {
    ui.input(|i| {
        i.modifiers.shift
            || i.events.iter().any(|e| {
                matches!(e, egui::Event::PointerButton { pressed: false, modifiers, .. } if modifiers.shift)
            })
    })
}

/// Grows or shrinks the selected row range by one line (shift+arrow).
fn extend_selection(doc: &mut Document, dl: isize) {
    let Some((r, c)) = doc.selected else { return };
    let lines = doc.shown_len();
    let Some(line) = doc.line_of(r) else { return };
    if lines == 0 {
        return;
    }
    let new_line = line.saturating_add_signed(dl).min(lines - 1);
    if let Some(new_row) = doc.shown_row(new_line) {
        doc.extend_to(new_row, c);
    }
}

/// Moves the selection by lines (in the order shown) and columns.
fn move_selection(doc: &mut Document, dl: isize, dc: isize) {
    let Some((r, c)) = doc.selected else { return };
    let ncols = doc.table.column_count();
    let lines = doc.shown_len();
    if ncols == 0 || lines == 0 {
        return;
    }
    let line = doc.line_of(r).unwrap_or(0);
    let new_line = line.saturating_add_signed(dl).min(lines - 1);
    let new_col = c.saturating_add_signed(dc).min(ncols - 1);
    if let Some(new_row) = doc.shown_row(new_line) {
        doc.jump_to(new_row, new_col);
    }
}

/// Paints a row's number at the visible left edge of the grid, on a layer above it, when the
/// number column has scrolled out of sight sideways (so every row stays identifiable).
fn sticky_number(
    ui: &Ui,
    layer: egui::LayerId,
    viewport: egui::Rect,
    cell: egui::Rect,
    width: f32,
    text: RichText,
) {
    let rect = egui::Rect::from_min_size(
        egui::pos2(viewport.left(), cell.top()),
        egui::vec2(width, cell.height()),
    );
    // Rows scrolled under the header are clipped like the rest of the body.
    let clip = egui::Rect::from_x_y_ranges(rect.x_range(), ui.clip_rect().y_range());
    let painter = ui.ctx().layer_painter(layer).with_clip_rect(clip);
    painter.rect_filled(rect, 0.0, ui.visuals().panel_fill);
    painter.line_segment(
        [rect.right_top(), rect.right_bottom()],
        ui.visuals().widgets.noninteractive.bg_stroke,
    );
    let galley = egui::WidgetText::from(text).into_galley(
        ui,
        Some(egui::TextWrapMode::Extend),
        width,
        egui::TextStyle::Body,
    );
    let pos = egui::pos2(rect.left() + 4.0, rect.center().y - galley.size().y / 2.0);
    painter.galley(pos, galley, ui.visuals().weak_text_color());
}
