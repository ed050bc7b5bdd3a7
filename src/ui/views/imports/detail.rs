//! One import in detail: progress or outcome chart, failure reason, error report.

use egui::{Color32, RichText, Ui};
use egui_extras::{Column, TableBuilder};

use super::{ReportState, overtaken_sentence, status_color, when};
use crate::ui::views::{Intent, RowError, ViewCtx};
use crate::ui::{theme, widgets};
use crate::worker::imports::{ErrorReport, ImportSummary, Status};

/// "1 row", "3 rows".
fn rows(n: u64) -> String {
    widgets::plural(usize::try_from(n).unwrap_or(usize::MAX), "row")
}

/// Draws the selected import.
pub(super) fn detail_ui(
    ui: &mut Ui,
    ctx: &mut ViewCtx<'_>,
    s: &ImportSummary,
    report: Option<&ReportState>,
    problem: Option<&String>,
    open_note: &mut Option<String>,
) {
    ui.horizontal_wrapped(|ui| {
        widgets::badge(ui, s.status.label(), status_color(&s.status));
        ui.label(
            RichText::new(s.file_name.clone().unwrap_or_else(|| s.id.clone()))
                .strong()
                .size(16.0),
        );
    });
    ui.label(
        RichText::new(format!(
            "{}{} feed · {} · {}",
            if s.file_name.is_some() {
                format!("{} · ", s.id)
            } else {
                String::new()
            },
            s.feed_kind,
            match s.flavour {
                crate::push_history::ImportFlavour::ImportSet => "ImportSet (v1)",
                crate::push_history::ImportFlavour::CatalogImport => "catalog import (v2)",
            },
            match s.finished {
                Some(finished) => format!(
                    "pushed {}, finished {}",
                    when(s.created),
                    when(Some(finished))
                ),
                None => format!("pushed {}", when(s.created)),
            }
        ))
        .weak(),
    );
    ui.add_space(6.0);
    if s.overtaken_by.is_some() {
        widgets::callout(
            ui,
            theme::WARNING,
            "Finished out of order",
            &overtaken_sentence(s),
        );
        ui.add_space(6.0);
    }
    match &s.status {
        Status::Pending | Status::Processing | Status::AwaitingUpload => progress_ui(ui, s),
        Status::Failed => {
            widgets::callout(
                ui,
                theme::ERROR,
                "Import failed",
                &format!(
                    "{} Fix the file and push it again.",
                    s.failure.as_deref().unwrap_or("Stripe gave no reason.")
                ),
            );
        }
        _ => chart_ui(ui, s),
    }
    if let Some(problem) = problem {
        ui.colored_label(theme::ERROR, problem);
    }
    ui.add_space(6.0);
    open_in_catalog_ui(ui, ctx, s, report, open_note);
    ui.add_space(6.0);
    match report {
        Some(ReportState::Ready(report)) => report_ui(ui, report),
        Some(ReportState::Loading) => {
            ui.label("Downloading the error report…");
        }
        None if s.status.is_terminal() && s.failed > 0 && !s.has_error_report => {
            ui.label("Stripe lists no error report for this import.");
        }
        None => {}
    }
}

fn progress_ui(ui: &mut Ui, s: &ImportSummary) {
    let done = s.succeeded + s.failed + s.skipped;
    let text = match (s.status.clone(), s.rows_total) {
        (Status::AwaitingUpload, _) => "Waiting for the file to be uploaded…".to_owned(),
        (Status::Pending, _) => "Queued; Stripe has not started on it yet…".to_owned(),
        (_, Some(total)) => format!("Processing: {done} of {total} rows"),
        (_, None) => format!("Processing: {done} rows so far"),
    };
    let bar = match s.progress() {
        Some(p) => egui::ProgressBar::new(p).show_percentage(),
        None => egui::ProgressBar::new(0.0).animate(true),
    };
    ui.add(
        bar.text(text.clone())
            .desired_width(ui.available_width().min(520.0)),
    );
    ui.label(RichText::new(text).weak());
    if s.failed > 0 {
        ui.colored_label(
            theme::WARNING,
            format!(
                "{} failed so far.",
                widgets::plural(usize::try_from(s.failed).unwrap_or(usize::MAX), "row")
            ),
        );
    }
}

/// Horizontal bars of rows succeeded, failed and skipped (`egui_plot`: hover a bar for its
/// count, click a legend entry to hide it), with the counts written beside the chart too.
fn chart_ui(ui: &mut Ui, s: &ImportSummary) {
    use egui_plot::{Bar, BarChart, Legend, Plot};
    let bars: [(&str, u64, Color32); 3] = [
        ("Succeeded", s.succeeded, theme::SUCCESS),
        ("Failed", s.failed, theme::ERROR),
        ("Skipped", s.skipped, theme::NEUTRAL),
    ];
    ui.horizontal(|ui| {
        for (name, count, color) in bars {
            widgets::swatch(ui, color);
            ui.label(format!("{name}: {count}"));
        }
    });
    Plot::new(("import_rows", s.id.as_str()))
        .height(96.0)
        .width(ui.available_width().clamp(200.0, 560.0))
        .legend(Legend::default())
        .allow_scroll(false)
        .show_x(false)
        .show_y(false)
        .include_x(0.0)
        .y_axis_formatter(move |mark, _| {
            let names = ["Skipped", "Failed", "Succeeded"];
            let i = mark.value.round();
            if (mark.value - i).abs() > 0.01 || !(0.0..=2.0).contains(&i) {
                return String::new();
            }
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
            names[i as usize].to_owned()
        })
        .label_formatter(|_| None)
        .show(ui, |plot_ui| {
            for (i, (name, count, color)) in bars.into_iter().enumerate() {
                #[allow(clippy::cast_precision_loss)]
                let bar = Bar::new(2.0 - i as f64, count as f64)
                    .width(0.7)
                    .name(format!("{name}: {count}"));
                plot_ui.bar_chart(BarChart::new(name, vec![bar]).horizontal().color(color));
            }
        });
    let sentence = match (&s.status, s.failed) {
        (Status::Succeeded, _) => format!("All {} rows went in.", s.succeeded),
        (Status::SucceededWithErrors, failed) => format!(
            "{} rows went in; {failed} failed. The error report below says why.",
            s.succeeded
        ),
        (Status::Archived, _) => "This import is archived.".to_owned(),
        (other, _) => format!("Status: {}.", other.label()),
    };
    ui.label(sentence);
}

fn open_in_catalog_ui(
    ui: &mut Ui,
    ctx: &mut ViewCtx<'_>,
    s: &ImportSummary,
    report: Option<&ReportState>,
    open_note: &mut Option<String>,
) {
    let why_not = match &s.file_path {
        None => Some(
            "This import was not pushed from this computer, so there is no local file to open."
                .to_owned(),
        ),
        Some(path) if !s.file_exists => Some(format!(
            "{} no longer exists (moved or deleted), so it cannot be opened.",
            path.display()
        )),
        Some(_) => None,
    };
    ui.horizontal(|ui| {
        let button = ui.add_enabled(why_not.is_none(), egui::Button::new("Open in Catalog"));
        if let Some(why) = &why_not {
            ui.label(RichText::new(why).weak());
        }
        if button.clicked()
            && let Some(path) = &s.file_path
        {
            let errors = match report {
                Some(ReportState::Ready(r)) => r
                    .row_errors
                    .iter()
                    .map(|(id, message)| RowError {
                        id: id.clone(),
                        message: message.clone(),
                    })
                    .collect(),
                _ => Vec::new(),
            };
            *open_note = None;
            ctx.intent(Intent::OpenInCatalog {
                path: path.clone(),
                errors,
            });
        }
    });
    if let Some(note) = open_note {
        ui.label(note.as_str());
    }
}

fn report_ui(ui: &mut Ui, report: &ErrorReport) {
    ui.label(
        RichText::new(format!(
            "Error report: {} failed, {}",
            widgets::plural(report.total_rows, "row"),
            widgets::plural(report.groups.len(), "distinct message")
        ))
        .strong(),
    );
    egui::Grid::new("error_groups")
        .num_columns(2)
        .striped(true)
        .spacing([12.0, 4.0])
        .show(ui, |ui| {
            ui.label(RichText::new("Rows").strong());
            ui.label(RichText::new("Message").strong());
            ui.end_row();
            for (message, count) in &report.groups {
                ui.label(RichText::new(rows(*count as u64)).color(theme::ERROR));
                ui.add(egui::Label::new(message.as_str()).wrap());
                ui.end_row();
            }
        });
    ui.add_space(6.0);
    if report.rows.len() < report.total_rows {
        ui.label(
            RichText::new(format!(
                "Showing the first {} of {} rows.",
                report.rows.len(),
                report.total_rows
            ))
            .weak(),
        );
    }
    egui::ScrollArea::horizontal()
        .id_salt("error_rows_h")
        .show(ui, |ui| {
            let mut table = TableBuilder::new(ui)
                .id_salt("error_rows")
                .striped(true)
                .max_scroll_height(320.0)
                .column(
                    Column::initial(320.0)
                        .at_least(120.0)
                        .resizable(true)
                        .clip(true),
                );
            for _ in 1..report.columns.len() {
                table = table.column(
                    Column::initial(110.0)
                        .at_least(40.0)
                        .resizable(true)
                        .clip(true),
                );
            }
            table
                .header(22.0, |mut row| {
                    for name in &report.columns {
                        row.col(|ui| {
                            ui.label(RichText::new(name).strong());
                        });
                    }
                })
                .body(|body| {
                    body.rows(22.0, report.rows.len(), |mut row| {
                        let Some(cells) = report.rows.get(row.index()) else {
                            return;
                        };
                        for (i, cell) in cells.iter().enumerate().take(report.columns.len()) {
                            row.col(|ui| {
                                if i == 0 {
                                    ui.label(RichText::new(cell).color(theme::ERROR))
                                        .on_hover_text(cell);
                                } else {
                                    ui.label(cell);
                                }
                            });
                        }
                        for _ in cells.len()..report.columns.len() {
                            row.col(|_| {});
                        }
                    });
                });
        });
}
