//! The Webhooks tab: Stripe's events, built from the account's newest agent order, delivered
//! signed to the seller's webhook endpoint; each delivery's checks (2xx in time, the same event
//! twice handled once, a bad signature refused).

use egui::{RichText, Ui};

use super::{HooksView, results};
use crate::hooks::webhooks::WebhookRun;
use crate::ui::theme;
use crate::ui::views::ViewCtx;
use crate::worker::Command;
use crate::worker::hooks as work;

impl HooksView {
    pub(super) fn webhooks_tab(&mut self, ui: &mut Ui, ctx: &mut ViewCtx<'_>) {
        ui.label(
            "The events Stripe sends your webhook endpoint (checkout.session.completed and the \
             payment and refund events), built from your newest agent order and signed with \
             the endpoint secret. Each is sent twice, then once with a wrong signature.",
        );
        ui.horizontal(|ui| {
            let label = ui.label("Webhook endpoint URL");
            ui.add(
                egui::TextEdit::singleline(&mut self.webhook_url)
                    .hint_text("http://localhost:4242/webhooks")
                    .desired_width(360.0),
            )
            .labelled_by(label.id);
        });
        ui.horizontal(|ui| {
            let ready = if self.webhook_url.trim().is_empty() {
                Err("Type the webhook endpoint URL first.")
            } else if self.secret_hint.is_none() {
                Err("Save the endpoint secret (whsec_…) above first.")
            } else {
                Ok(())
            };
            let label = if self.running_webhooks {
                "Sending events…"
            } else {
                "Send webhook events"
            };
            if ui
                .add_enabled(
                    ready.is_ok() && !self.running_webhooks,
                    egui::Button::new(label),
                )
                .clicked()
            {
                self.running_webhooks = true;
                self.error = None;
                ctx.send(Command::Hooks(work::Command::RunWebhooks {
                    url: self.webhook_url.trim().to_owned(),
                }));
            }
            if let Err(why) = ready {
                ui.label(RichText::new(why).color(theme::WARNING));
            }
        });
        ui.add_space(6.0);
        egui::ScrollArea::vertical()
            .id_salt("webhook_results")
            .show(ui, |ui| {
                for run in &self.webhook_runs {
                    run_ui(ui, run);
                    ui.add_space(8.0);
                }
            });
    }
}

fn run_ui(ui: &mut Ui, run: &WebhookRun) {
    ui.horizontal_wrapped(|ui| {
        crate::ui::widgets::badge(
            ui,
            run.outcome().label(),
            results::outcome_color(run.outcome()),
        );
        ui.label(RichText::new(&run.kind).strong());
        match run.status {
            Some(status) => ui.label(format!("HTTP {status} in {} ms", run.elapsed_ms)),
            None => ui.label("no answer"),
        };
        ui.label(RichText::new(&run.event_id).monospace().weak());
    });
    results::checks_ui(ui, ("webhook_checks", &run.kind), &run.checks);
}
