//! The column mapper: a shop export (Shopify, WooCommerce, Merchant Center, OpenAI) opened in
//! the Catalog view becomes a Stripe product feed here. Stripe's columns are listed with the
//! source column (and transform), fixed value or template that fills each, prefilled from the
//! mapping saved for this source or the suggested one; the store settings the export lacks
//! (currency, shop address, sale window) sit above; a live preview shows the first converted
//! rows with the validator's findings. "Convert and open" writes a new feed file (the source
//! is never changed), saves the mapping for next time and opens the feed.
//!
//! The mapper only edits a [`Mapping`]; reading, previewing and converting run on the worker
//! ([`crate::worker::catalog::convert`]).

use std::path::{Path, PathBuf};

use egui::{RichText, Ui};
use egui_extras::{Column, TableBuilder};

use crate::feed::sources::{Detected, Mapping, Rule, SourceFormat, Transform};
use crate::feed::spec::{self, FeedColumn, Requirement};
use crate::feed::{FeedKind, Severity};
use crate::ui::{theme, widgets};
use crate::worker::catalog::Command;
use crate::worker::catalog::convert::{
    ConversionPreview, FoundSource, PREVIEW_ROWS, PreviewFinding,
};

/// One Stripe column of the preview, as the mapping table shows it.
struct Sample {
    /// The Stripe column.
    column: String,
    /// Its value in the first converted row.
    value: String,
    /// An error is about that first value.
    first_row_bad: bool,
    /// An error is about this column in some previewed row.
    any_bad: bool,
}

/// What the user did in the mapper this frame.
#[derive(Debug)]
pub enum Outcome {
    /// Nothing that leaves the mapper.
    Stay,
    /// Close the mapper without converting.
    Cancel,
    /// Open the export as it is, as a feed.
    OpenPlain(PathBuf),
    /// Ask where the converted feed goes.
    PickTarget,
}

/// The simple transforms a user can pick for a source column (those that need another
/// column stay as the suggestion made them).
const TRANSFORMS: [Transform; 16] = [
    Transform::None,
    Transform::HtmlToText,
    Transform::Money,
    Transform::Availability,
    Transform::AvailabilityFromQuantity,
    Transform::Quantity,
    Transform::Boolean,
    Transform::Invert,
    Transform::Lowercase,
    Transform::FirstOfList,
    Transform::RestOfList,
    Transform::List,
    Transform::Shipping,
    Transform::WindowDates,
    Transform::FirstCategory,
    Transform::Gtin,
];

/// The mapper's state: the source, the mapping being edited and its latest preview.
pub struct Mapper {
    found: FoundSource,
    /// The mapping as the user has it now.
    mapping: Mapping,
    /// Counts the user's changes; a preview answers for one of them.
    generation: u64,
    /// A preview is being made.
    previewing: bool,
    /// The generation the last preview was asked for.
    asked: Option<u64>,
    /// The latest preview and the generation it shows.
    preview: Option<(u64, Result<ConversionPreview, String>)>,
    /// A conversion is running.
    converting: bool,
    /// The export is being read again as another format.
    examining: bool,
    /// Show every Stripe column, not only the mapped, required and recommended ones.
    show_all: bool,
    /// Why the last conversion failed.
    error: Option<String>,
}

impl Mapper {
    /// A mapper for a source the worker examined.
    #[must_use]
    pub fn new(found: FoundSource) -> Self {
        Mapper {
            mapping: found.mapping.clone(),
            found,
            generation: 0,
            previewing: false,
            asked: None,
            preview: None,
            converting: false,
            examining: false,
            show_all: false,
            error: None,
        }
    }

    /// The export being converted.
    #[must_use]
    pub fn path(&self) -> &Path {
        &self.found.path
    }

    /// The same export read again as another format: the new columns and proposal, keeping
    /// the settings the user typed.
    pub fn reexamined(&mut self, found: FoundSource) {
        let settings = self.mapping.settings.clone();
        let show_all = self.show_all;
        *self = Mapper::new(found);
        self.mapping.settings = settings;
        self.show_all = show_all;
    }

    /// The export could not be read as the chosen format.
    pub fn examine_failed(&mut self, message: String) {
        self.examining = false;
        self.error = Some(message);
    }

    /// Takes a preview the worker made.
    pub fn previewed(&mut self, generation: u64, result: Result<ConversionPreview, String>) {
        self.previewing = false;
        self.preview = Some((generation, result));
    }

    /// A conversion failed: say why and let the user try again.
    pub fn convert_failed(&mut self, message: String) {
        self.converting = false;
        self.error = Some(message);
    }

    /// The command that converts into `to`.
    pub fn convert_to(&mut self, to: PathBuf) -> Command {
        self.converting = true;
        self.error = None;
        Command::Convert {
            path: self.found.path.clone(),
            format: self.found.detected.format,
            header: self.found.header.clone(),
            mapping: self.mapping.clone(),
            to,
        }
    }

    /// The preview to ask for, when the mapping changed since the last one and none is
    /// being made (one at a time, so typing never queues a pile of them).
    pub fn preview_command(&mut self) -> Option<Command> {
        if self.previewing || self.examining || self.asked == Some(self.generation) {
            return None;
        }
        self.previewing = true;
        self.asked = Some(self.generation);
        Some(Command::PreviewConversion {
            path: self.found.path.clone(),
            format: self.found.detected.format,
            mapping: self.mapping.clone(),
            generation: self.generation,
        })
    }

    /// Draws the mapper; `queue` takes commands for the worker.
    pub fn ui(&mut self, ui: &mut Ui, queue: &mut Vec<Command>) -> Outcome {
        let mut outcome = Outcome::Stay;
        let before = self.mapping.clone();
        self.heading_ui(ui, queue);
        self.settings_ui(ui);
        ui.horizontal_wrapped(|ui| {
            let busy = self.converting || self.examining;
            if ui
                .add_enabled(!busy, egui::Button::new("Convert and open…"))
                .on_hover_text(
                    "Write a new Stripe feed file (the export is not changed), save this mapping \
                     for the next export of this shop, and open the feed",
                )
                .clicked()
            {
                outcome = Outcome::PickTarget;
            }
            if ui
                .add_enabled(
                    !busy && self.mapping.columns != self.found.suggested.columns,
                    egui::Button::new("Reset to suggested"),
                )
                .on_hover_text("Go back to the mapping the console suggests for this format")
                .clicked()
            {
                self.mapping.columns = self.found.suggested.columns.clone();
            }
            if self.found.delimited
                && ui
                    .add_enabled(!busy, egui::Button::new("Open as it is"))
                    .on_hover_text("Open the export itself as a feed, without converting it")
                    .clicked()
            {
                outcome = Outcome::OpenPlain(self.found.path.clone());
            }
            if ui.add_enabled(!busy, egui::Button::new("Cancel")).clicked() {
                outcome = Outcome::Cancel;
            }
            if self.converting {
                ui.spinner();
                ui.label("Converting…");
            }
        });
        if let Some(e) = &self.error {
            ui.colored_label(theme::ERROR, e);
        }
        self.status_ui(ui);
        ui.separator();
        let height = ui.available_height();
        ui.columns(2, |cols| {
            cols[0].set_min_height(height);
            self.mapping_ui(&mut cols[0]);
            self.preview_ui(&mut cols[1]);
        });
        if self.mapping != before {
            self.generation += 1;
            self.error = None;
        }
        outcome
    }

    fn heading_ui(&mut self, ui: &mut Ui, queue: &mut Vec<Command>) {
        ui.horizontal_wrapped(|ui| {
            ui.heading("Convert a shop export to a Stripe feed");
            ui.label(
                RichText::new(crate::worker::catalog::display_name(&self.found.path)).strong(),
            )
            .on_hover_text(self.found.path.display().to_string());
        });
        ui.horizontal_wrapped(|ui| {
            let l = ui.label("Format:");
            let mut format = self.found.detected.format;
            egui::ComboBox::from_id_salt("mapper_format")
                .selected_text(format.label())
                .show_ui(ui, |ui| {
                    for f in SourceFormat::ALL {
                        ui.selectable_value(&mut format, f, f.label());
                    }
                })
                .response
                .labelled_by(l.id);
            if format != self.found.detected.format && !self.examining {
                self.examining = true;
                self.error = None;
                queue.push(Command::ExamineSource {
                    path: self.found.path.clone(),
                    detected: Detected { format, sure: true },
                });
            }
            if self.examining {
                ui.spinner();
            } else if !self.found.detected.sure {
                ui.colored_label(
                    theme::WARNING,
                    "The columns do not say surely which export this is: check the format.",
                );
            }
        });
        let label = self.found.detected.format.label();
        let origin = match &self.found.saved {
            Some(p) => format!(
                "Read as a {label}, with the mapping you saved for this shop's exports ({}).",
                p.display()
            ),
            None => format!(
                "Read as a {label}. The mapping below is suggested from its columns: check it, \
                 fill in what the export lacks, then convert."
            ),
        };
        ui.label(RichText::new(origin).weak());
        if let Some(note) = &self.found.note {
            ui.colored_label(theme::WARNING, note);
        }
    }

    fn settings_ui(&mut self, ui: &mut Ui) {
        let s = &mut self.mapping.settings;
        ui.horizontal_wrapped(|ui| {
            setting_field(
                ui,
                ("Store currency", "USD", 48.0),
                &mut s.currency,
                "The currency of prices the export writes without one (ISO 4217)",
            );
            ui.add_space(8.0);
            setting_field(
                ui,
                ("Shop address", "https://shop.example", 220.0),
                &mut s.shop_url,
                "Product links are made from it: {shop_url} in a template",
            );
            ui.add_space(8.0);
            setting_field(
                ui,
                ("Sale window", "2026-12-01/2026-12-31", 170.0),
                &mut s.sale_window,
                "Sale dates for the sales the export marks without dates (a compare-at price)",
            );
        });
        // A currency is a code: typed in any case, kept upper.
        let upper = s.currency.trim().to_ascii_uppercase();
        if upper != s.currency {
            s.currency = upper;
        }
    }

    fn status_ui(&self, ui: &mut Ui) {
        let stale = self
            .preview
            .as_ref()
            .is_none_or(|(g, _)| *g != self.generation);
        ui.horizontal_wrapped(|ui| match &self.preview {
            None => {
                ui.spinner();
                ui.label("Converting the first rows…");
            }
            Some((_, Err(e))) => {
                ui.colored_label(theme::ERROR, format!("This mapping cannot convert: {e}"));
            }
            Some((_, Ok(p))) => {
                let color = if p.errors > 0 {
                    theme::ERROR
                } else if p.warnings > 0 {
                    theme::WARNING
                } else {
                    theme::SUCCESS
                };
                let verdict = if p.errors + p.warnings == 0 {
                    "no findings".to_owned()
                } else {
                    format!(
                        "{}, {}",
                        widgets::plural(p.errors, "error"),
                        widgets::plural(p.warnings, "warning")
                    )
                };
                ui.colored_label(
                    color,
                    format!(
                        "Preview of the first {}: {verdict}.",
                        widgets::plural(p.summary.rows as usize, "feed row")
                    ),
                );
                if p.summary.rows >= PREVIEW_ROWS {
                    ui.label(RichText::new("The whole export is checked once converted.").weak());
                }
                for s in &p.summary.skipped {
                    ui.label(
                        RichText::new(format!(
                            "{} left out: {}.",
                            widgets::plural(s.count as usize, "item"),
                            s.reason
                        ))
                        .weak(),
                    );
                }
                if !p.summary.missing_columns.is_empty() {
                    ui.colored_label(
                        theme::WARNING,
                        format!(
                            "Not in this file: {}.",
                            p.summary.missing_columns.join(", ")
                        ),
                    );
                }
                if stale {
                    ui.spinner();
                }
            }
        });
    }

    /// The Stripe columns shown: all, or those mapped, required or recommended.
    fn shown_columns(&self) -> Vec<FeedColumn> {
        FeedKind::Product
            .columns()
            .iter()
            .copied()
            .filter(|c| {
                self.show_all
                    || self.mapping.columns.contains_key(c.id.name())
                    || matches!(
                        c.requirement,
                        Requirement::Required | Requirement::Recommended
                    )
            })
            .collect()
    }

    fn mapping_ui(&mut self, ui: &mut Ui) {
        ui.horizontal(|ui| {
            ui.strong("Stripe columns and what fills them");
            let total = FeedKind::Product.columns().len();
            ui.checkbox(
                &mut self.show_all,
                format!("Show all {total} Stripe columns"),
            );
        });
        let shown = self.shown_columns();
        let samples = self.samples();
        let (header, mapping) = (&self.found.header, &mut self.mapping);
        TableBuilder::new(ui)
            .id_salt("mapper_columns")
            .striped(true)
            .vscroll(true)
            .cell_layout(egui::Layout::left_to_right(egui::Align::Center))
            .column(Column::exact(150.0))
            .column(Column::exact(165.0))
            .column(Column::exact(190.0))
            .column(Column::remainder().at_least(80.0).clip(true))
            .header(22.0, |mut h| {
                for title in ["Stripe column", "From", "How", "First row"] {
                    h.col(|ui| {
                        ui.strong(title);
                    });
                }
            })
            .body(|body| {
                body.rows(26.0, shown.len(), |mut row| {
                    let FeedColumn { id, requirement } = shown[row.index()];
                    let name = id.name();
                    let sample = samples.iter().find(|s| s.column == name);
                    row.col(|ui| {
                        let text = if requirement == Requirement::Required {
                            RichText::new(format!("{name} *")).strong()
                        } else {
                            RichText::new(name)
                        };
                        let text = if sample.is_some_and(|s| s.any_bad) {
                            text.color(theme::ERROR)
                        } else {
                            text
                        };
                        let note = spec::column_spec(id).note;
                        ui.label(text)
                            .on_hover_text(format!("{name} ({}). {note}", requirement.as_str()));
                    });
                    row.col(|ui| source_combo(ui, name, header, mapping));
                    row.col(|ui| how_ui(ui, name, mapping));
                    row.col(|ui| {
                        if let Some(sample) = sample {
                            let (value, bad) = (&sample.value, sample.first_row_bad);
                            let shown = if value.is_empty() && bad {
                                "(empty)"
                            } else {
                                value.as_str()
                            };
                            let text = RichText::new(shown.replace('\n', " "));
                            let text = if bad {
                                text.color(theme::ERROR)
                            } else {
                                text.weak()
                            };
                            ui.add(egui::Label::new(text).truncate())
                                .on_hover_text(value.as_str());
                        }
                    });
                });
            });
    }

    /// Per Stripe column of the preview, its first row's value and its errors.
    fn samples(&self) -> Vec<Sample> {
        let Some((_, Ok(p))) = &self.preview else {
            return Vec::new();
        };
        p.header
            .iter()
            .enumerate()
            .map(|(i, name)| {
                let errors = || {
                    p.findings.iter().filter(|f| {
                        f.severity == Severity::Error && f.column.as_deref() == Some(name.as_str())
                    })
                };
                Sample {
                    column: name.clone(),
                    value: p
                        .rows
                        .first()
                        .and_then(|r| r.get(i))
                        .cloned()
                        .unwrap_or_default(),
                    first_row_bad: errors().any(|f| f.row == Some(1)),
                    any_bad: errors().next().is_some(),
                }
            })
            .collect()
    }

    fn preview_ui(&self, ui: &mut Ui) {
        let Some((_, Ok(p))) = &self.preview else {
            return;
        };
        ui.strong("Findings in the preview");
        egui::ScrollArea::vertical()
            .id_salt("mapper_findings")
            .max_height((ui.available_height() * 0.4).max(80.0))
            .auto_shrink([false, true])
            .show(ui, |ui| {
                if p.findings.is_empty() {
                    ui.colored_label(theme::SUCCESS, "None: these rows are a valid feed.");
                }
                for (severity, line) in grouped(&p.findings) {
                    let color = match severity {
                        Severity::Error => theme::ERROR,
                        Severity::Warning => theme::WARNING,
                        Severity::Info => theme::INFO,
                    };
                    ui.horizontal_wrapped(|ui| {
                        widgets::swatch(ui, color);
                        ui.label(line);
                    });
                }
            });
        ui.separator();
        ui.strong("Converted rows");
        preview_grid(ui, p);
    }
}

/// The preview's findings, one line per message: the same message on several rows is one
/// line naming the rows ("Rows 1 to 3 and 5, link: …"), in the order they first appear.
fn grouped(findings: &[PreviewFinding]) -> Vec<(Severity, String)> {
    let mut groups: Vec<(&PreviewFinding, Vec<u64>)> = Vec::new();
    for f in findings {
        let same = groups.iter_mut().find(|(g, _)| {
            g.severity == f.severity && g.column == f.column && g.message == f.message
        });
        match same {
            Some((_, rows)) => rows.extend(f.row),
            None => groups.push((f, f.row.into_iter().collect())),
        }
    }
    groups
        .into_iter()
        .map(|(f, rows)| {
            let rows = rows_phrase(&rows);
            let place = match (rows.is_empty(), &f.column) {
                (false, Some(c)) => format!("{rows}, {c}: "),
                (false, None) => format!("{rows}: "),
                (true, Some(c)) => format!("{c}: "),
                (true, None) => String::new(),
            };
            (f.severity, format!("{place}{}", f.message))
        })
        .collect()
}

/// "Row 4", "Rows 1 to 3 and 5", "Rows 2, 4 and 6" (rows ascending).
fn rows_phrase(rows: &[u64]) -> String {
    let mut runs: Vec<(u64, u64)> = Vec::new();
    for &r in rows {
        match runs.last_mut() {
            Some((_, end)) if *end + 1 == r => *end = r,
            _ => runs.push((r, r)),
        }
    }
    let parts: Vec<String> = runs
        .iter()
        .map(|&(a, b)| {
            if a == b {
                a.to_string()
            } else {
                format!("{a} to {b}")
            }
        })
        .collect();
    match parts.as_slice() {
        [] => String::new(),
        [one] if rows.len() == 1 => format!("Row {one}"),
        [one] => format!("Rows {one}"),
        [rest @ .., last] => format!("Rows {} and {last}", rest.join(", ")),
    }
}

/// A labelled one-line setting: `(label, hint, width)`, its value and what it is for.
fn setting_field(
    ui: &mut Ui,
    (label, hint, width): (&str, &str, f32),
    value: &mut String,
    hover: &str,
) {
    let l = ui.label(label);
    ui.add(
        egui::TextEdit::singleline(value)
            .hint_text(hint)
            .desired_width(width),
    )
    .labelled_by(l.id)
    .on_hover_text(hover);
}

/// The "From" cell: nothing, a fixed value, a template, or one of the export's columns.
fn source_combo(ui: &mut Ui, name: &str, header: &[String], mapping: &mut Mapping) {
    let current = mapping.columns.get(name);
    let selected = match current {
        None => "—".to_owned(),
        Some(Rule::Column { column, .. }) => column.clone(),
        Some(Rule::Constant { .. }) => "Fixed value".to_owned(),
        Some(Rule::Template { .. }) => "Template".to_owned(),
    };
    let hover = current.map_or_else(|| "Left empty".to_owned(), Rule::describe);
    let mut choice: Option<Option<Rule>> = None;
    egui::ComboBox::from_id_salt(("mapper_from", name))
        .selected_text(selected)
        .width(160.0)
        .height(400.0)
        .show_ui(ui, |ui| {
            if ui
                .selectable_label(current.is_none(), "— (left empty)")
                .clicked()
            {
                choice = Some(None);
            }
            if ui
                .selectable_label(
                    matches!(current, Some(Rule::Constant { .. })),
                    "Fixed value",
                )
                .clicked()
            {
                choice = Some(Some(Rule::Constant {
                    value: String::new(),
                }));
            }
            if ui
                .selectable_label(matches!(current, Some(Rule::Template { .. })), "Template")
                .clicked()
            {
                choice = Some(Some(Rule::Template {
                    template: String::new(),
                }));
            }
            ui.separator();
            for col in header {
                let on = matches!(current, Some(Rule::Column { column, .. }) if column == col);
                if ui.selectable_label(on, col).clicked() {
                    choice = Some(Some(Rule::column(col)));
                }
            }
        })
        .response
        .on_hover_text(hover);
    match choice {
        // Picking what is already there keeps its transform and fallback.
        Some(Some(rule)) if same_source(mapping.columns.get(name), &rule) => {}
        Some(Some(rule)) => {
            mapping.columns.insert(name.to_owned(), rule);
        }
        Some(None) => {
            mapping.columns.remove(name);
        }
        None => {}
    }
}

fn same_source(current: Option<&Rule>, picked: &Rule) -> bool {
    match (current, picked) {
        (Some(Rule::Column { column: a, .. }), Rule::Column { column: b, .. }) => a == b,
        (Some(Rule::Constant { .. }), Rule::Constant { .. })
        | (Some(Rule::Template { .. }), Rule::Template { .. }) => true,
        _ => false,
    }
}

/// The "How" cell: the transform of a column, or the text of a fixed value or template.
fn how_ui(ui: &mut Ui, name: &str, mapping: &mut Mapping) {
    match mapping.columns.get_mut(name) {
        None => {}
        Some(Rule::Constant { value }) => {
            ui.add(
                egui::TextEdit::singleline(value)
                    .hint_text("the value for every row")
                    .desired_width(f32::INFINITY),
            )
            .on_hover_text(format!("{name}: the same value on every row"));
        }
        Some(Rule::Template { template }) => {
            ui.add(
                egui::TextEdit::singleline(template)
                    .hint_text("{shop_url}/products/{Handle}")
                    .desired_width(f32::INFINITY),
            )
            .on_hover_text(format!(
                "{name}: text with {{Export column}} and {{shop_url}} placeholders"
            ));
        }
        Some(Rule::Column { transform, or, .. }) => {
            let mut picked = transform.clone();
            let fallback = or.as_ref().map(|r| format!(", else {}", r.describe()));
            egui::ComboBox::from_id_salt(("mapper_how", name))
                .selected_text(transform.describe())
                .width(if or.is_some() { 110.0 } else { 180.0 })
                .show_ui(ui, |ui| {
                    if !TRANSFORMS.contains(transform) {
                        ui.selectable_value(&mut picked, transform.clone(), transform.describe());
                    }
                    for t in TRANSFORMS {
                        let label = t.describe();
                        ui.selectable_value(&mut picked, t, label);
                    }
                })
                .response
                .on_hover_text(format!(
                    "What is done to the value{}",
                    fallback.clone().unwrap_or_default()
                ));
            if let Some(f) = fallback {
                ui.label(RichText::new(f.trim_start_matches(", ")).weak());
            }
            if picked != *transform {
                *transform = picked;
            }
        }
    }
}

fn preview_grid(ui: &mut Ui, p: &ConversionPreview) {
    super::loading::rows_grid(ui, "mapper_rows", &p.header, &p.rows, |i, c, v| {
        let line = i as u64 + 1;
        let name = p.header.get(c).map(String::as_str);
        let bad = p.findings.iter().any(|f| {
            f.severity == Severity::Error && f.row == Some(line) && f.column.as_deref() == name
        });
        if bad {
            RichText::new(if v.is_empty() { "(empty)" } else { v }).color(theme::ERROR)
        } else {
            RichText::new(v)
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::worker::catalog::convert;

    fn mapper() -> (tempfile::TempDir, Mapper) {
        let data = tempfile::tempdir().unwrap();
        let found = convert::examine(
            Path::new("tests/fixtures/sources/shopify_products.csv"),
            Detected {
                format: SourceFormat::Shopify,
                sure: true,
            },
            data.path(),
        )
        .unwrap();
        (data, Mapper::new(found))
    }

    #[test]
    fn a_message_on_many_rows_is_one_line_naming_the_rows() {
        let f = |row: Option<u64>, column: &str, message: &str| PreviewFinding {
            severity: Severity::Error,
            row,
            column: Some(column.to_owned()),
            message: message.to_owned(),
        };
        let lines = grouped(&[
            f(Some(1), "link", "empty"),
            f(Some(2), "link", "empty"),
            f(Some(3), "gtin", "no GTIN"),
            f(Some(3), "link", "empty"),
            f(Some(5), "link", "empty"),
            f(Some(5), "gtin", "no GTIN"),
            f(None, "size_system", "missing"),
        ]);
        let texts: Vec<&str> = lines.iter().map(|(_, l)| l.as_str()).collect();
        assert_eq!(
            texts,
            [
                "Rows 1 to 3 and 5, link: empty",
                "Rows 3 and 5, gtin: no GTIN",
                "size_system: missing"
            ]
        );
        assert_eq!(rows_phrase(&[4]), "Row 4");
        assert_eq!(rows_phrase(&[2, 4, 6]), "Rows 2, 4 and 6");
    }

    #[test]
    fn one_preview_at_a_time_and_again_only_after_a_change() {
        let (_data, mut m) = mapper();
        assert!(matches!(
            m.preview_command(),
            Some(Command::PreviewConversion { generation: 0, .. })
        ));
        assert!(m.preview_command().is_none(), "one is being made");
        m.previewed(0, Ok(ConversionPreview::default()));
        assert!(m.preview_command().is_none(), "nothing changed since");
        m.mapping.settings.shop_url = "https://juniper.example".into();
        m.generation += 1;
        let Some(Command::PreviewConversion {
            mapping,
            generation,
            ..
        }) = m.preview_command()
        else {
            panic!("a changed mapping is previewed again");
        };
        assert_eq!(generation, 1);
        assert_eq!(mapping.settings.shop_url, "https://juniper.example");
    }

    #[test]
    fn reading_as_another_format_keeps_the_typed_settings() {
        let (data, mut m) = mapper();
        m.mapping.settings.currency = "EUR".into();
        let again = convert::examine(
            m.path(),
            Detected {
                format: SourceFormat::Google,
                sure: true,
            },
            data.path(),
        )
        .unwrap();
        m.reexamined(again);
        assert_eq!(m.mapping.format, SourceFormat::Google);
        assert_eq!(m.mapping.settings.currency, "EUR");
    }

    #[test]
    fn the_mapped_and_required_columns_show_first_and_all_on_demand() {
        let (_data, mut m) = mapper();
        let shown = m.shown_columns();
        assert!(
            shown.iter().any(|c| c.id.name() == "brand"),
            "Vendor → brand"
        );
        assert!(shown.iter().any(|c| c.id.name() == "link"));
        let some = shown.len();
        m.show_all = true;
        assert_eq!(m.shown_columns().len(), FeedKind::Product.columns().len());
        assert!(some < m.shown_columns().len());
    }
}
