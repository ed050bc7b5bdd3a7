//! Drawing results: a check list, one request's answer, the scenario table, the checkout run.

use egui::{Color32, RichText, Ui};

use crate::hooks::checks::{Check, Outcome};
use crate::hooks::{CheckoutRun, HookRun, ScenarioReport, ScenarioResult};
use crate::ui::{theme, widgets};

/// The colour of an outcome.
pub(super) fn outcome_color(outcome: Outcome) -> Color32 {
    match outcome {
        Outcome::Pass => theme::SUCCESS,
        Outcome::Warn => theme::WARNING,
        Outcome::Fail => theme::ERROR,
    }
}

/// The colour of a response time: normal, warning above 2 s, error above 4 s.
fn time_color(ui: &Ui, elapsed_ms: u64) -> Color32 {
    if elapsed_ms > 4_000 {
        theme::ERROR
    } else if elapsed_ms > 2_000 {
        theme::WARNING
    } else {
        ui.visuals().text_color()
    }
}

fn show_ms(elapsed_ms: u64) -> String {
    crate::hooks::checks::show_duration(std::time::Duration::from_millis(elapsed_ms))
}

/// One sentence summing up a list of checks ("All 7 checks passed." or which failed).
#[must_use]
pub(super) fn summary(checks: &[Check]) -> String {
    let names = |outcome: Outcome| {
        let mut names: Vec<&str> = Vec::new();
        for c in checks.iter().filter(|c| c.outcome == outcome) {
            if !names.contains(&c.name.as_str()) {
                names.push(&c.name);
            }
        }
        names
    };
    let count = |outcome: Outcome| checks.iter().filter(|c| c.outcome == outcome).count();
    let (failed, warned) = (names(Outcome::Fail), names(Outcome::Warn));
    match (failed.is_empty(), warned.is_empty()) {
        (true, true) => format!("All {} checks passed.", checks.len()),
        (true, false) => format!(
            "No check failed; {} with a warning: {}.",
            count(Outcome::Warn),
            warned.join(", ")
        ),
        (false, _) => format!(
            "{} of {} checks failed: {}.",
            count(Outcome::Fail),
            checks.len(),
            failed.join(", ")
        ),
    }
}

/// The checks as a list: outcome badge, name, sentence.
pub(super) fn checks_ui(ui: &mut Ui, id: impl std::hash::Hash + std::fmt::Debug, checks: &[Check]) {
    egui::Grid::new(id)
        .num_columns(3)
        .spacing([10.0, 6.0])
        .striped(true)
        .show(ui, |ui| {
            for c in checks {
                widgets::badge(ui, c.outcome.label(), outcome_color(c.outcome));
                ui.label(RichText::new(&c.name).strong());
                ui.add(egui::Label::new(&c.sentence).wrap());
                ui.end_row();
            }
        });
}

/// The answer to one request: status, time, summary, checks and body.
pub(super) fn run_ui(ui: &mut Ui, run: &HookRun) {
    ui.horizontal_wrapped(|ui| {
        widgets::badge(ui, run.outcome().label(), outcome_color(run.outcome()));
        ui.label(RichText::new(format!("{} answer", capitalise(run.kind.label()))).strong());
        match run.status {
            Some(status) => ui.label(format!("HTTP {status}")),
            None => ui.label("no answer"),
        };
        ui.label(
            RichText::new(format!("in {}", show_ms(run.elapsed_ms)))
                .color(time_color(ui, run.elapsed_ms)),
        );
        if let Some(decision) = &run.decision {
            ui.label(format!("decision: {}", decision.label()));
        }
    });
    ui.label(RichText::new(summary(&run.checks)).color(outcome_color(run.outcome())));
    ui.add_space(4.0);
    checks_ui(ui, "hook_run_checks", &run.checks);
    if !run.response_body.is_empty() {
        ui.add_space(4.0);
        egui::CollapsingHeader::new("Answer body")
            .id_salt("hook_answer_body")
            .show(ui, |ui| {
                ui.label(RichText::new(pretty(&run.response_body)).monospace());
            });
    }
}

fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map_or_else(String::new, |first| {
        first.to_uppercase().collect::<String>() + chars.as_str()
    })
}

/// Pretty-prints JSON, or gives the text back as it came.
fn pretty(body: &str) -> String {
    serde_json::from_str::<serde_json::Value>(body)
        .ok()
        .and_then(|v| serde_json::to_string_pretty(&v).ok())
        .unwrap_or_else(|| body.to_owned())
}

fn first_problem(result: &ScenarioResult) -> String {
    let worst = result.outcome();
    result
        .run
        .checks
        .iter()
        .find(|c| c.outcome == worst && worst != Outcome::Pass)
        .map(|c| format!("{}: {}", c.name, c.sentence))
        .unwrap_or_default()
}

/// The scenario summary table, then each scenario's checks on demand.
pub(super) fn scenarios_ui(ui: &mut Ui, report: &ScenarioReport) {
    let (pass, warn, fail) = report.counts();
    ui.horizontal(|ui| {
        widgets::badge(
            ui,
            report.outcome().label(),
            outcome_color(report.outcome()),
        );
        ui.label(
            RichText::new(format!(
                "{pass} passed, {warn} with warnings, {fail} failed."
            ))
            .strong(),
        );
        ui.label(RichText::new(format!("{} at {}", report.url, report.started_at)).weak());
    });
    ui.add_space(4.0);
    egui::Grid::new("scenario_table")
        .num_columns(6)
        .spacing([14.0, 6.0])
        .striped(true)
        .show(ui, |ui| {
            for title in [
                "Scenario",
                "Expected",
                "Got",
                "Time",
                "Result",
                "First problem",
            ] {
                ui.label(RichText::new(title).strong());
            }
            ui.end_row();
            for r in &report.results {
                ui.label(&r.title).on_hover_text(&r.description);
                ui.label(r.expected.label());
                ui.label(r.got());
                ui.label(
                    RichText::new(show_ms(r.run.elapsed_ms))
                        .color(time_color(ui, r.run.elapsed_ms)),
                );
                widgets::badge(ui, r.outcome().label(), outcome_color(r.outcome()));
                ui.add(egui::Label::new(first_problem(r)).wrap());
                ui.end_row();
            }
        });
    ui.add_space(6.0);
    for r in &report.results {
        egui::CollapsingHeader::new(format!("Checks of \"{}\"", r.title))
            .id_salt(("scenario_checks", &r.id))
            .show(ui, |ui| {
                ui.label(RichText::new(&r.description).italics());
                checks_ui(ui, ("scenario_grid", &r.id), &r.run.checks);
            });
    }
}

/// The checkout flow: the status chain, then each step with its checks.
pub(super) fn checkout_ui(ui: &mut Ui, run: &CheckoutRun) {
    ui.horizontal_wrapped(|ui| {
        widgets::badge(ui, run.outcome().label(), outcome_color(run.outcome()));
        ui.label(RichText::new(format!("Checkout flow against {}", run.base_url)).strong());
        if let Some(id) = &run.checkout_id {
            ui.label(RichText::new(id).monospace());
        }
    });
    if !run.statuses.is_empty() {
        ui.label(format!("Statuses: {}", run.statuses.join(" -> ")));
    }
    let all: Vec<Check> = run.steps.iter().flat_map(|s| s.checks.clone()).collect();
    ui.label(RichText::new(summary(&all)).color(outcome_color(run.outcome())));
    ui.add_space(4.0);
    for (i, step) in run.steps.iter().enumerate() {
        egui::Frame::group(ui.style())
            .stroke(egui::Stroke::new(1.0, outcome_color(step.outcome())))
            .show(ui, |ui| {
                ui.set_width(ui.available_width());
                ui.horizontal_wrapped(|ui| {
                    widgets::badge(ui, step.outcome().label(), outcome_color(step.outcome()));
                    ui.label(RichText::new(format!("{}. {}", i + 1, step.name)).strong());
                    ui.label(RichText::new(format!("{} {}", step.method, step.path)).monospace());
                    ui.label(
                        step.status
                            .map_or_else(|| "no answer".to_owned(), |s| format!("HTTP {s}")),
                    );
                    ui.label(
                        RichText::new(show_ms(step.elapsed_ms))
                            .color(time_color(ui, step.elapsed_ms)),
                    );
                });
                checks_ui(ui, ("checkout_step", i), &step.checks);
                if !step.response_body.is_empty() {
                    egui::CollapsingHeader::new(format!("Answer of step {}", i + 1))
                        .id_salt(("checkout_body", i))
                        .show(ui, |ui| {
                            ui.label(RichText::new(pretty(&step.response_body)).monospace());
                        });
                }
            });
        ui.add_space(4.0);
    }
}
