//! The Hooks view: a workbench for the seller's own order-approval, checkout-customization
//! and checkout endpoints. Pick a target and its secret (kept in the credential store), build
//! a request from a template (form or JSON), send it signed as Stripe signs, and read each
//! check; or run the scenario set, walk the checkout endpoints, or send webhook events.
//!
//! All network work runs in the worker ([`crate::worker::hooks`]); this view only draws.

mod request;
mod results;
mod webhooks;

use egui::{RichText, Ui};

use super::ViewCtx;
use crate::hooks::example_seller::SellerMode;
use crate::hooks::templates::{CatalogItem, HookKind};
use crate::hooks::{CheckoutRun, HookRun, ScenarioReport};
use crate::ui::theme;
use crate::worker::Command;
use crate::worker::hooks::{self as work, SecretText};
use request::Draft;

/// Which part of the workbench is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
enum Tab {
    #[default]
    Request,
    Scenarios,
    Checkout,
    Webhooks,
}

/// How the request is edited.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
enum Editor {
    #[default]
    Form,
    Json,
}

/// State of the Hooks view.
pub struct HooksView {
    url: String,
    secret_input: String,
    /// The saved secret's hint; `None` when none is saved. Never the secret itself.
    secret_hint: Option<String>,
    secret_loaded: bool,
    tab: Tab,
    editor: Editor,
    kind: HookKind,
    finalize: Draft,
    customize: Draft,
    items: Vec<CatalogItem>,
    currency: String,
    example_mode: SellerMode,
    example: Option<(String, SellerMode)>,
    checkout_base: String,
    checkout_sku: String,
    checkout_quantity: i64,
    checkout_sign: bool,
    sending: bool,
    running_scenarios: bool,
    running_checkout: bool,
    last_run: Option<HookRun>,
    report: Option<ScenarioReport>,
    checkout: Option<CheckoutRun>,
    /// The seller's webhook endpoint (the example seller's `/webhooks` once it runs).
    webhook_url: String,
    running_webhooks: bool,
    webhook_runs: Vec<crate::hooks::webhooks::WebhookRun>,
    notice: Option<String>,
    error: Option<String>,
}

impl Default for HooksView {
    fn default() -> Self {
        let currency = "usd".to_owned();
        HooksView {
            url: String::new(),
            secret_input: String::new(),
            secret_hint: None,
            secret_loaded: false,
            tab: Tab::default(),
            editor: Editor::default(),
            kind: HookKind::Finalize,
            finalize: Draft::template(HookKind::Finalize, &[], &currency),
            customize: Draft::template(HookKind::Customize, &[], &currency),
            items: Vec::new(),
            currency,
            example_mode: SellerMode::Good,
            example: None,
            checkout_base: String::new(),
            checkout_sku: String::new(),
            checkout_quantity: 2,
            checkout_sign: false,
            sending: false,
            running_scenarios: false,
            running_checkout: false,
            last_run: None,
            report: None,
            checkout: None,
            webhook_url: String::new(),
            running_webhooks: false,
            webhook_runs: Vec::new(),
            notice: None,
            error: None,
        }
    }
}

impl HooksView {
    /// Prefills SKUs and prices from the open catalog. Drafts the user has not edited are
    /// rebuilt from the templates at once; edited ones change on "Reset template".
    pub fn set_catalog_items(&mut self, items: Vec<super::CatalogItem>) {
        let (items, currency) = request::items_from_catalog(&items);
        self.items = items;
        if let Some(currency) = currency {
            self.currency = currency;
        }
        if !self.finalize.is_edited() {
            self.finalize = Draft::template(HookKind::Finalize, &self.items, &self.currency);
        }
        if !self.customize.is_edited() {
            self.customize = Draft::template(HookKind::Customize, &self.items, &self.currency);
        }
        if self.example.is_none() {
            // Filled again from the catalog when the checkout tab is next drawn.
            self.checkout_sku.clear();
        }
    }

    /// Takes the worker's answers.
    pub fn on_event(&mut self, event: work::Event) {
        match event {
            work::Event::Secret(hint) => {
                self.secret_loaded = true;
                self.secret_hint = hint;
            }
            work::Event::Sent(run) => {
                self.sending = false;
                self.error = None;
                self.last_run = Some(*run);
            }
            work::Event::Scenarios(report) => {
                self.running_scenarios = false;
                self.error = None;
                self.report = Some(*report);
            }
            work::Event::Checkout(run) => {
                self.running_checkout = false;
                self.error = None;
                self.checkout = Some(*run);
            }
            work::Event::Webhooks(runs) => {
                self.running_webhooks = false;
                self.error = None;
                self.webhook_runs = runs;
            }
            work::Event::ReportSaved(path) => {
                self.notice = Some(format!("Report saved to {}.", path.display()));
            }
            work::Event::ExampleStarted { base_url, mode } => {
                self.url = format!("{base_url}/hooks");
                self.webhook_url = format!("{base_url}/webhooks");
                self.checkout_base.clone_from(&base_url);
                self.checkout_sign = true;
                // The example seller stocks the demo products only.
                self.checkout_sku = crate::hooks::CheckoutFlowOptions::default().sku;
                self.notice = Some(format!(
                    "The example seller ({mode}) is listening at {base_url}; the endpoint URL \
                     points at it and it verifies signatures with the saved secret."
                ));
                self.example = Some((base_url, mode));
            }
            work::Event::ExampleStopped => {
                self.example = None;
                self.notice = Some("The example seller stopped.".to_owned());
            }
            work::Event::Failed(message) => {
                self.sending = false;
                self.running_scenarios = false;
                self.running_checkout = false;
                self.running_webhooks = false;
                self.error = Some(message);
            }
        }
    }

    /// Draws the view.
    pub fn ui(&mut self, ui: &mut Ui, ctx: &mut ViewCtx<'_>) {
        if !self.secret_loaded {
            self.secret_loaded = true;
            ctx.send(Command::Hooks(work::Command::LoadSecret));
        }
        ui.horizontal(|ui| {
            ui.heading("Hooks");
            ui.label(
                RichText::new(
                    "Fire signed requests at your own approval, customization and checkout \
                     endpoints, the way Stripe calls them during an agent's checkout.",
                )
                .weak(),
            );
        });
        ui.add_space(4.0);
        self.target_ui(ui, ctx);
        if let Some(error) = &self.error {
            ui.colored_label(theme::ERROR, error);
        }
        if let Some(notice) = &self.notice {
            ui.colored_label(theme::SUCCESS, notice);
        }
        ui.add_space(4.0);
        ui.horizontal(|ui| {
            ui.selectable_value(&mut self.tab, Tab::Request, "Single request");
            ui.selectable_value(&mut self.tab, Tab::Scenarios, "Scenarios");
            ui.selectable_value(&mut self.tab, Tab::Checkout, "Checkout flow");
            ui.selectable_value(&mut self.tab, Tab::Webhooks, "Webhooks");
        });
        ui.separator();
        match self.tab {
            Tab::Request => self.request_tab(ui, ctx),
            Tab::Scenarios => self.scenarios_tab(ui, ctx),
            Tab::Checkout => self.checkout_tab(ui, ctx),
            Tab::Webhooks => self.webhooks_tab(ui, ctx),
        }
    }

    fn target_ui(&mut self, ui: &mut Ui, ctx: &mut ViewCtx<'_>) {
        egui::Frame::group(ui.style()).show(ui, |ui| {
            ui.set_width(ui.available_width());
            egui::Grid::new("hook_target")
                .num_columns(2)
                .spacing([10.0, 6.0])
                .show(ui, |ui| {
                    let l = ui.label("Endpoint URL");
                    ui.add(
                        egui::TextEdit::singleline(&mut self.url)
                            .hint_text("http://localhost:4242/hooks")
                            .desired_width(420.0),
                    )
                    .labelled_by(l.id);
                    ui.end_row();

                    let l = ui.label("Endpoint secret");
                    ui.horizontal(|ui| {
                        ui.add(
                            egui::TextEdit::singleline(&mut self.secret_input)
                                .password(true)
                                .hint_text(if self.secret_hint.is_some() {
                                    "saved; type a new one to replace it"
                                } else {
                                    "whsec_…"
                                })
                                .desired_width(260.0),
                        )
                        .labelled_by(l.id);
                        let typed = !self.secret_input.trim().is_empty();
                        if ui
                            .add_enabled(typed, egui::Button::new("Save secret"))
                            .clicked()
                        {
                            let secret = std::mem::take(&mut self.secret_input);
                            ctx.send(Command::Hooks(work::Command::SaveSecret(SecretText(
                                secret,
                            ))));
                        }
                        match &self.secret_hint {
                            Some(hint) => {
                                ui.label(format!("Saved: {hint}"));
                                if ui.small_button("Forget secret").clicked() {
                                    ctx.send(Command::Hooks(work::Command::ForgetSecret));
                                }
                            }
                            None => {
                                ui.label(RichText::new("No secret saved").color(theme::WARNING));
                            }
                        }
                    });
                    ui.end_row();

                    ui.label("Example seller");
                    ui.horizontal(|ui| {
                        egui::ComboBox::from_id_salt("example_mode")
                            .selected_text(self.example_mode.name())
                            .show_ui(ui, |ui| {
                                for mode in SellerMode::ALL {
                                    ui.selectable_value(&mut self.example_mode, mode, mode.name());
                                }
                            });
                        let label = if self.example.is_some() {
                            "Restart example seller"
                        } else {
                            "Start example seller"
                        };
                        if ui.button(label).clicked() {
                            ctx.send(Command::Hooks(work::Command::StartExample(
                                self.example_mode,
                            )));
                        }
                        match &self.example {
                            Some((base, mode)) => {
                                ui.label(format!("Running ({mode}) at {base}"));
                                if ui.small_button("Stop example seller").clicked() {
                                    ctx.send(Command::Hooks(work::Command::StopExample));
                                }
                            }
                            None => {
                                ui.label(
                                    RichText::new(
                                        "A local seller, good or broken on purpose, to try \
                                         the workbench on.",
                                    )
                                    .weak(),
                                );
                            }
                        }
                    });
                    ui.end_row();
                });
            ui.label(
                RichText::new(
                    "The secret is kept in the OS credential store, never on disk, and is \
                     shown only as a hint once saved.",
                )
                .small()
                .weak(),
            );
        });
    }

    fn ready_to_send(&self) -> Result<(), &'static str> {
        if self.url.trim().is_empty() {
            return Err("Enter the endpoint URL first.");
        }
        if self.secret_hint.is_none() {
            return Err("Save the endpoint secret first.");
        }
        Ok(())
    }

    fn request_tab(&mut self, ui: &mut Ui, ctx: &mut ViewCtx<'_>) {
        egui::Panel::left("hook_builder")
            .resizable(true)
            .default_size(640.0)
            .min_size(420.0)
            .show(ui, |ui| self.builder_ui(ui, ctx));
        egui::CentralPanel::default().show(ui, |ui| {
            egui::ScrollArea::vertical()
                .id_salt("hook_result")
                .show(ui, |ui| match &self.last_run {
                    Some(run) => results::run_ui(ui, run),
                    None => {
                        ui.label(
                            RichText::new(
                                "Send a request to see each check here: status, time, shape, \
                                 idempotency and signature.",
                            )
                            .weak(),
                        );
                    }
                });
        });
    }

    fn builder_ui(&mut self, ui: &mut Ui, ctx: &mut ViewCtx<'_>) {
        ui.horizontal(|ui| {
            ui.selectable_value(&mut self.kind, HookKind::Finalize, "Order approval");
            ui.selectable_value(
                &mut self.kind,
                HookKind::Customize,
                "Checkout customization",
            );
            ui.separator();
            ui.selectable_value(&mut self.editor, Editor::Form, "Form");
            ui.selectable_value(&mut self.editor, Editor::Json, "JSON");
            ui.separator();
            if ui.button("Reset template").clicked() {
                let draft = Draft::template(self.kind, &self.items, &self.currency);
                *self.draft_mut() = draft;
            }
        });
        ui.label(
            RichText::new(format!(
                "{} ({}){}",
                capitalised(self.kind.label()),
                self.kind.event_type(),
                if self.items.is_empty() {
                    ", with demo products".to_owned()
                } else {
                    format!(", with {} products from the open catalog", self.items.len())
                }
            ))
            .weak(),
        );
        ui.add_space(4.0);
        let editor = self.editor;
        let draft = self.draft_mut();
        match editor {
            Editor::Form => draft.form_ui(ui),
            Editor::Json => draft.json_ui(ui),
        }
        self.draft_mut().problem_ui(ui);
        ui.add_space(4.0);
        ui.horizontal(|ui| {
            let ready = self.ready_to_send();
            let request = self.draft().request();
            let enabled = ready.is_ok() && request.is_ok() && !self.sending;
            let label = if self.sending {
                "Sending…"
            } else {
                "Send request"
            };
            let button = ui.add_enabled(enabled, egui::Button::new(label));
            if let Err(why) = ready {
                ui.label(RichText::new(why).color(theme::WARNING));
            }
            if button.clicked()
                && let Ok(request) = request
            {
                self.sending = true;
                self.error = None;
                ctx.send(Command::Hooks(work::Command::Send {
                    url: self.url.trim().to_owned(),
                    request,
                }));
            }
        });
    }

    fn draft(&self) -> &Draft {
        match self.kind {
            HookKind::Finalize => &self.finalize,
            HookKind::Customize => &self.customize,
        }
    }

    fn draft_mut(&mut self) -> &mut Draft {
        match self.kind {
            HookKind::Finalize => &mut self.finalize,
            HookKind::Customize => &mut self.customize,
        }
    }

    fn scenarios_tab(&mut self, ui: &mut Ui, ctx: &mut ViewCtx<'_>) {
        ui.label(
            "Six order approval cases in one go: an everyday order, an unserved address, a \
             large order, missing optional fields, unknown future fields and an out-of-stock \
             SKU.",
        );
        ui.horizontal(|ui| {
            let ready = self.ready_to_send();
            let label = if self.running_scenarios {
                "Running scenarios…"
            } else {
                "Run scenarios"
            };
            if ui
                .add_enabled(
                    ready.is_ok() && !self.running_scenarios,
                    egui::Button::new(label),
                )
                .clicked()
            {
                self.running_scenarios = true;
                self.error = None;
                ctx.send(Command::Hooks(work::Command::RunScenarios {
                    url: self.url.trim().to_owned(),
                    catalog: self.items.clone(),
                    currency: self.currency.clone(),
                }));
            }
            if let Err(why) = ready {
                ui.label(RichText::new(why).color(theme::WARNING));
            }
            if let Some(report) = &self.report
                && ui
                    .button("Save report…")
                    .on_hover_text("Markdown (.md) or JSON (.json)")
                    .clicked()
            {
                ctx.send(Command::Hooks(work::Command::SaveReport(Box::new(
                    report.clone(),
                ))));
            }
        });
        ui.add_space(6.0);
        egui::ScrollArea::vertical()
            .id_salt("scenario_results")
            .show(ui, |ui| {
                if let Some(report) = &self.report {
                    results::scenarios_ui(ui, report);
                }
            });
    }

    fn checkout_tab(&mut self, ui: &mut Ui, ctx: &mut ViewCtx<'_>) {
        ui.label(
            "A guided run over a custom integration's checkout endpoints: create a checkout, \
             select a fulfillment option, confirm with a test token, retrieve it; checking \
             status transitions, totals and shapes.",
        );
        if self.checkout_base.is_empty()
            && let Ok(url) = crate::hooks::check_url(&self.url)
        {
            self.checkout_base = url.origin().ascii_serialization();
        }
        if self.checkout_sku.is_empty() {
            self.checkout_sku = self
                .items
                .first()
                .map_or_else(|| "sku_tee_black_m".to_owned(), |i| i.sku.clone());
        }
        egui::Grid::new("checkout_form")
            .num_columns(2)
            .spacing([10.0, 6.0])
            .show(ui, |ui| {
                let l = ui.label("Seller base URL");
                ui.add(
                    egui::TextEdit::singleline(&mut self.checkout_base)
                        .hint_text("http://localhost:4242")
                        .desired_width(360.0),
                )
                .labelled_by(l.id);
                ui.end_row();
                let l = ui.label("SKU to buy");
                ui.add(egui::TextEdit::singleline(&mut self.checkout_sku).desired_width(200.0))
                    .labelled_by(l.id);
                ui.end_row();
                let l = ui.label("Quantity");
                ui.add(egui::DragValue::new(&mut self.checkout_quantity).range(1..=10_000))
                    .labelled_by(l.id);
                ui.end_row();
                ui.label("");
                ui.checkbox(
                    &mut self.checkout_sign,
                    "Sign the requests with the endpoint secret",
                );
                ui.end_row();
            });
        ui.horizontal(|ui| {
            let label = if self.running_checkout {
                "Running the checkout flow…"
            } else {
                "Run checkout flow"
            };
            let enabled = !self.checkout_base.trim().is_empty() && !self.running_checkout;
            if ui.add_enabled(enabled, egui::Button::new(label)).clicked() {
                self.running_checkout = true;
                self.error = None;
                ctx.send(Command::Hooks(work::Command::RunCheckout {
                    base_url: self.checkout_base.trim().to_owned(),
                    sku: self.checkout_sku.clone(),
                    quantity: self.checkout_quantity,
                    sign: self.checkout_sign,
                }));
            }
        });
        ui.add_space(6.0);
        egui::ScrollArea::vertical()
            .id_salt("checkout_results")
            .show(ui, |ui| {
                if let Some(run) = &self.checkout {
                    results::checkout_ui(ui, run);
                }
            });
    }
}

fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map_or_else(String::new, |first| {
        first.to_uppercase().collect::<String>() + chars.as_str()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ui::views::CatalogItem as Row;

    #[test]
    fn catalog_items_prefill_unedited_templates() {
        let mut view = HooksView::default();
        view.set_catalog_items(vec![
            Row {
                id: "SKU-LAMP".into(),
                title: "Brass lamp".into(),
                price: "89.50 EUR".into(),
            },
            Row {
                id: "SKU-BAD".into(),
                title: "No price".into(),
                price: "ask us".into(),
            },
        ]);
        assert_eq!(view.currency, "eur");
        assert_eq!(
            view.items,
            [CatalogItem::new("SKU-LAMP", "Brass lamp", 8950)]
        );
        for kind in [HookKind::Finalize, HookKind::Customize] {
            view.kind = kind;
            let body = view.draft().request().map(|r| r.body).unwrap_or_default();
            assert!(body.contains("SKU-LAMP"), "{body}");
            assert!(body.contains("\"eur\""), "{body}");
        }
    }
}
