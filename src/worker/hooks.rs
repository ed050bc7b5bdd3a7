//! The Hooks view's background work: keeps the endpoint secret in the credential store, sends
//! signed hook requests, runs the scenario set and the checkout flow, saves reports, and runs
//! the example seller on a local port so a new user has something to point the workbench at.
//!
//! The secret never travels back to the UI: the view only ever sees its redacted hint, and
//! every run reads it from the store.

use std::path::PathBuf;
use std::sync::Arc;

use crate::hooks::example_seller::{self, SellerConfig, SellerMode};
use crate::hooks::templates::CatalogItem;
use crate::hooks::{
    self, CheckoutFlowOptions, CheckoutRun, HookRequest, HookRun, HookTarget, RunOptions,
    ScenarioOptions, ScenarioReport,
};
use crate::secrets::SecretStore;

use super::EventSink;
use super::dialogs::{FilePicker, FileRequest, SystemDialogs};

/// The id the endpoint secret is filed under in the credential store
/// (`seller-console hooks … --secret-keyring hook:endpoint` reads the same entry).
pub const SECRET_ID: &str = "hook:endpoint";

/// What the Hooks view asks the worker to do.
#[derive(Debug)]
pub enum Command {
    /// Read whether a secret is saved (answers with [`Event::Secret`]).
    LoadSecret,
    /// Save the endpoint secret in the credential store.
    SaveSecret(SecretText),
    /// Remove the saved endpoint secret.
    ForgetSecret,
    /// Send one signed request (plus a retry and a badly signed copy) to `url`.
    Send {
        /// The hook endpoint.
        url: String,
        /// The request as edited.
        request: HookRequest,
    },
    /// Run the order approval scenario set against `url`.
    RunScenarios {
        /// The hook endpoint.
        url: String,
        /// Products to order (from the open catalog); empty for the demo catalog.
        catalog: Vec<CatalogItem>,
        /// Currency of the orders.
        currency: String,
    },
    /// Run create → select fulfillment → confirm → retrieve against a seller's base URL.
    RunCheckout {
        /// The seller's base URL (without `/agentic/checkouts`).
        base_url: String,
        /// SKU to buy.
        sku: String,
        /// How many.
        quantity: i64,
        /// Sign the requests with the saved endpoint secret.
        sign: bool,
    },
    /// Ask where to save a scenario report (Markdown or JSON) and write it.
    SaveReport(Box<ScenarioReport>),
    /// Deliver signed events built from the account's newest agent order to the webhook
    /// endpoint `url` and check the answers.
    RunWebhooks {
        /// The webhook endpoint.
        url: String,
    },
    /// Start the example seller on a local port, in this mode.
    StartExample(SellerMode),
    /// Stop the example seller.
    StopExample,
}

/// A secret typed by the user; `Debug` shows only its hint.
pub struct SecretText(pub String);

impl std::fmt::Debug for SecretText {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SecretText({})", crate::secrets::redact(&self.0))
    }
}

/// What the worker tells the Hooks view.
#[derive(Debug, Clone)]
pub enum Event {
    /// The saved secret's hint (`whsec_…abcd`), or `None` when no secret is saved.
    Secret(Option<String>),
    /// A single request finished.
    Sent(Box<HookRun>),
    /// The scenario set finished.
    Scenarios(Box<ScenarioReport>),
    /// The checkout flow finished.
    Checkout(Box<CheckoutRun>),
    /// The webhook tests finished, one run per event type.
    Webhooks(Vec<crate::hooks::webhooks::WebhookRun>),
    /// A report was written to this file.
    ReportSaved(PathBuf),
    /// The example seller is listening.
    ExampleStarted {
        /// Its base URL (`http://127.0.0.1:PORT`).
        base_url: String,
        /// How it behaves.
        mode: SellerMode,
    },
    /// The example seller stopped.
    ExampleStopped,
    /// Something the view started could not run; the sentence says why and what to do.
    Failed(String),
}

/// The worker side of the Hooks view.
pub struct HooksWorker {
    sink: EventSink,
    store: Arc<dyn SecretStore>,
    example: Option<tokio::task::JoinHandle<()>>,
    /// Shows the dialog that saves a scenario report.
    picker: Arc<dyn FilePicker>,
    /// The account webhook tests take their order from.
    connection: Option<super::session::SharedConnection>,
}

fn send(sink: &EventSink, event: Event) {
    sink.send(super::Event::Hooks(event));
}

/// Makes a fresh endpoint secret for the example seller.
fn example_secret() -> String {
    format!("whsec_example_{}", uuid::Uuid::new_v4().simple())
}

impl HooksWorker {
    /// A worker that keeps the endpoint secret in `store`.
    #[must_use]
    pub fn new(sink: EventSink, store: Arc<dyn SecretStore>) -> Self {
        HooksWorker {
            sink,
            store,
            example: None,
            picker: Arc::new(SystemDialogs),
            connection: None,
        }
    }

    /// Takes the orders webhook tests are built from from this connection's account.
    #[must_use]
    pub fn with_connection(mut self, connection: super::session::SharedConnection) -> Self {
        self.connection = Some(connection);
        self
    }

    /// Uses `picker` for the dialog that saves a scenario report.
    #[must_use]
    pub fn with_picker(mut self, picker: Arc<dyn FilePicker>) -> Self {
        self.picker = picker;
        self
    }

    /// Handles one command; network work runs in its own task so the command loop stays free.
    pub async fn handle(&mut self, command: Command) {
        match command {
            Command::LoadSecret => {
                let hint = match read_secret(&self.store).await {
                    Ok(secret) => secret.as_deref().map(crate::secrets::redact),
                    Err(message) => {
                        send(&self.sink, Event::Failed(message));
                        None
                    }
                };
                send(&self.sink, Event::Secret(hint));
            }
            Command::SaveSecret(SecretText(secret)) => self.save_secret(secret.trim()).await,
            Command::ForgetSecret => {
                let store = Arc::clone(&self.store);
                match tokio::task::spawn_blocking(move || store.delete(SECRET_ID)).await {
                    Ok(Ok(())) => send(&self.sink, Event::Secret(None)),
                    Ok(Err(e)) => send(&self.sink, Event::Failed(e.to_string())),
                    Err(e) => send(&self.sink, Event::Failed(e.to_string())),
                }
            }
            Command::Send { url, request } => self.spawn_send(url, request),
            Command::RunScenarios {
                url,
                catalog,
                currency,
            } => self.spawn_scenarios(url, catalog, currency),
            Command::RunCheckout {
                base_url,
                sku,
                quantity,
                sign,
            } => self.spawn_checkout(base_url, sku, quantity, sign),
            Command::SaveReport(report) => self.spawn_save_report(*report),
            Command::RunWebhooks { url } => self.spawn_webhooks(url),
            Command::StartExample(mode) => self.start_example(mode).await,
            Command::StopExample => {
                if let Some(task) = self.example.take() {
                    task.abort();
                }
                send(&self.sink, Event::ExampleStopped);
            }
        }
    }

    /// Stops the example seller, if running.
    pub fn shutdown(&mut self) {
        if let Some(task) = self.example.take() {
            task.abort();
        }
    }

    async fn save_secret(&self, secret: &str) {
        if secret.is_empty() {
            send(
                &self.sink,
                Event::Failed(
                    "The endpoint secret is empty. Paste the whsec_… secret your endpoint \
                     verifies signatures with."
                        .to_owned(),
                ),
            );
            return;
        }
        let store = Arc::clone(&self.store);
        let owned = secret.to_owned();
        match tokio::task::spawn_blocking(move || store.set(SECRET_ID, &owned)).await {
            Ok(Ok(())) => send(
                &self.sink,
                Event::Secret(Some(crate::secrets::redact(secret))),
            ),
            Ok(Err(e)) => send(&self.sink, Event::Failed(e.to_string())),
            Err(e) => send(&self.sink, Event::Failed(e.to_string())),
        }
    }

    fn spawn_webhooks(&self, url: String) {
        use crate::hooks::webhooks::{EVENT_TYPES, build_event, run_webhook_test, test_event_id};
        let sink = self.sink.clone();
        let store = Arc::clone(&self.store);
        let client = self
            .connection
            .as_ref()
            .and_then(super::session::active)
            .map(|c| Arc::clone(&c.client));
        tokio::spawn(async move {
            let target = match target(&store, &url).await {
                Ok(t) => t,
                Err(message) => return send(&sink, Event::Failed(message)),
            };
            let Some(client) = client else {
                return send(
                    &sink,
                    Event::Failed("Not connected yet; try again in a moment.".to_owned()),
                );
            };
            sink.activity("hooks", "Sending webhook events", None);
            let order = match client.newest_agent_order().await {
                Ok(order) => order,
                Err(e) => {
                    sink.done("hooks");
                    return send(&sink, Event::Failed(e.user_message()));
                }
            };
            let Ok(order) = serde_json::to_value(order) else {
                sink.done("hooks");
                return send(&sink, Event::Failed("The order could not be read.".into()));
            };
            let now = chrono::Utc::now().timestamp();
            let mut runs = Vec::new();
            for kind in EVENT_TYPES {
                if let Some(event) = build_event(kind, &order, &test_event_id(), now) {
                    runs.push(run_webhook_test(&target, &event).await);
                }
            }
            sink.done("hooks");
            send(&sink, Event::Webhooks(runs));
        });
    }

    fn spawn_send(&self, url: String, request: HookRequest) {
        let sink = self.sink.clone();
        let store = Arc::clone(&self.store);
        tokio::spawn(async move {
            let target = match target(&store, &url).await {
                Ok(t) => t,
                Err(message) => return send(&sink, Event::Failed(message)),
            };
            sink.activity("hooks", "Sending the hook request", None);
            let run = hooks::run_hook(&target, &request, RunOptions::default()).await;
            sink.done("hooks");
            send(&sink, Event::Sent(Box::new(run)));
        });
    }

    fn spawn_scenarios(&self, url: String, catalog: Vec<CatalogItem>, currency: String) {
        let sink = self.sink.clone();
        let store = Arc::clone(&self.store);
        tokio::spawn(async move {
            let target = match target(&store, &url).await {
                Ok(t) => t,
                Err(message) => return send(&sink, Event::Failed(message)),
            };
            let options = ScenarioOptions {
                catalog,
                currency,
                ..ScenarioOptions::default()
            };
            let set = hooks::scenarios::standard_set(&options);
            sink.activity("hooks", "Running the hook scenarios", None);
            let report = hooks::run_scenarios(&target, &set, options.run).await;
            sink.done("hooks");
            send(&sink, Event::Scenarios(Box::new(report)));
        });
    }

    fn spawn_checkout(&self, base_url: String, sku: String, quantity: i64, sign: bool) {
        let sink = self.sink.clone();
        let store = Arc::clone(&self.store);
        tokio::spawn(async move {
            if let Err(message) = hooks::check_url(&base_url) {
                return send(&sink, Event::Failed(message));
            }
            let secret = if sign {
                match read_secret(&store).await {
                    Ok(Some(s)) => Some(s),
                    Ok(None) => return send(&sink, Event::Failed(no_secret())),
                    Err(message) => return send(&sink, Event::Failed(message)),
                }
            } else {
                None
            };
            let defaults = CheckoutFlowOptions::default();
            let options = CheckoutFlowOptions {
                sku: if sku.trim().is_empty() {
                    defaults.sku.clone()
                } else {
                    sku.trim().to_owned()
                },
                quantity: quantity.max(1),
                secret,
                ..defaults
            };
            sink.activity("hooks", "Running the checkout flow", None);
            let run = hooks::run_checkout_flow(&base_url, &options).await;
            sink.done("hooks");
            send(&sink, Event::Checkout(Box::new(run)));
        });
    }

    fn spawn_save_report(&self, report: ScenarioReport) {
        let sink = self.sink.clone();
        let picked = self.picker.pick(
            FileRequest::save("Save the scenario report", "hook-scenarios.md")
                .filter("Markdown", &["md"])
                .filter("JSON", &["json"]),
        );
        tokio::spawn(async move {
            let Some(path) = picked.await else {
                return;
            };
            let result =
                tokio::task::spawn_blocking(move || report.save(&path).map(|()| path)).await;
            match result {
                Ok(Ok(path)) => send(&sink, Event::ReportSaved(path)),
                Ok(Err(message)) => send(&sink, Event::Failed(message)),
                Err(e) => send(
                    &sink,
                    Event::Failed(format!("The report could not be saved ({e}).")),
                ),
            }
        });
    }

    async fn start_example(&mut self, mode: SellerMode) {
        if let Some(task) = self.example.take() {
            task.abort();
        }
        let secret = match read_secret(&self.store).await {
            Ok(Some(s)) => s,
            Ok(None) => {
                let fresh = example_secret();
                self.save_secret(&fresh).await;
                fresh
            }
            Err(message) => return send(&self.sink, Event::Failed(message)),
        };
        match example_seller::spawn(SellerConfig::new(&secret, mode)).await {
            Ok((addr, task)) => {
                self.example = Some(task);
                send(
                    &self.sink,
                    Event::ExampleStarted {
                        base_url: format!("http://{addr}"),
                        mode,
                    },
                );
            }
            Err(e) => send(
                &self.sink,
                Event::Failed(format!(
                    "The example seller could not listen on a local port ({e})."
                )),
            ),
        }
    }
}

fn no_secret() -> String {
    "No endpoint secret is saved. Paste your endpoint's whsec_… secret and press Save secret, \
     or start the example seller."
        .to_owned()
}

async fn read_secret(store: &Arc<dyn SecretStore>) -> Result<Option<String>, String> {
    let store = Arc::clone(store);
    tokio::task::spawn_blocking(move || store.get(SECRET_ID))
        .await
        .map_err(|e| e.to_string())?
        .map_err(|e| e.to_string())
}

async fn target(store: &Arc<dyn SecretStore>, url: &str) -> Result<HookTarget, String> {
    hooks::check_url(url)?;
    let secret = read_secret(store).await?.ok_or_else(no_secret)?;
    HookTarget::new(url, &secret)
}
