//! `seller-console hooks`: fire signed test requests at the seller's own hook and checkout
//! endpoints and print what passed and what did not. Exit code 1 when a check fails, 2 when
//! the command itself cannot run (no secret, bad URL, unreadable file).

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args as ClapArgs, Subcommand};

use crate::hooks::checks::{Check, Outcome};
use crate::hooks::scenarios::{self, ScenarioOptions};
use crate::hooks::templates::{self, CatalogItem, HookKind, HookRequest};
use crate::hooks::{self, CheckoutFlowOptions, HookTarget, RunOptions};
use crate::secrets::SecretStore;

/// Environment variable read for the endpoint secret unless `--secret-env` names another.
pub const DEFAULT_SECRET_ENV: &str = "STRIPE_HOOK_SECRET";

/// Arguments of `seller-console hooks`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: HooksCommand,
}

#[derive(Debug, Subcommand)]
enum HooksCommand {
    /// Send a signed order approval request (`finalize_checkout`) and check the answer.
    Approve(HookArgs),
    /// Send a signed checkout customization request (`customize_checkout`) and check the answer.
    Customize(HookArgs),
    /// Run the order approval scenarios (approve, decline, large order, missing optional
    /// fields, unknown fields, out-of-stock SKU) and print a summary table.
    Scenarios(ScenarioArgs),
    /// Walk a custom integration's checkout endpoints: create, select fulfillment, confirm,
    /// retrieve.
    Checkout(CheckoutArgs),
    /// Print a request template to edit and send with `--request FILE`.
    Template(TemplateArgs),
    /// Deliver signed events built from a real order to the seller's webhook endpoint and
    /// check the answers: 2xx in time, a repeat handled once, a bad signature refused.
    Webhooks(WebhookArgs),
    /// Run the example seller (order approval at /hooks, Stripe's events at /webhooks, a
    /// custom checkout at /agentic/checkouts), verifying signatures with the endpoint secret.
    ExampleSeller(ExampleSellerArgs),
}

#[derive(Debug, ClapArgs)]
struct ExampleSellerArgs {
    /// Port on 127.0.0.1 (0 picks a free one).
    #[arg(long, default_value_t = 4242)]
    port: u16,
    /// How it behaves: good, or broken on purpose (slow, wrong-shape, ignores-signature,
    /// decline-no-reason, bad-totals, non-idempotent, stuck-status).
    #[arg(long, default_value = "good")]
    mode: String,
    #[command(flatten)]
    secret: SecretArgs,
}

#[derive(Debug, ClapArgs)]
struct WebhookArgs {
    /// The webhook endpoint, e.g. <http://localhost:4242/webhooks>.
    #[arg(long)]
    url: String,
    #[command(flatten)]
    secret: SecretArgs,
    /// The order (Checkout Session `cs_…`) the events are built from; the newest agent order
    /// when not given.
    #[arg(long, value_name = "cs_…")]
    order: Option<String>,
    /// Only this event type (repeat for several); all of them by default.
    #[arg(long = "type", value_name = "TYPE")]
    types: Vec<String>,
    #[command(flatten)]
    api: super::api::common::Common,
}

/// Where the secret comes from.
#[derive(Debug, Clone, ClapArgs)]
struct SecretArgs {
    /// Environment variable holding the endpoint secret (whsec_…).
    #[arg(long, value_name = "VAR", default_value = DEFAULT_SECRET_ENV)]
    secret_env: String,
    /// Read the endpoint secret from the OS keyring under this id instead.
    #[arg(long, value_name = "ID", conflicts_with = "secret_env")]
    secret_keyring: Option<String>,
}

#[derive(Debug, ClapArgs)]
struct HookArgs {
    /// The hook endpoint, e.g. <http://localhost:4242/hooks>.
    #[arg(long)]
    url: String,
    #[command(flatten)]
    secret: SecretArgs,
    /// Send this JSON file instead of the template (see `hooks template`).
    #[arg(long, value_name = "FILE")]
    request: Option<PathBuf>,
    /// Products for the template, as `SKU:NAME:UNIT_AMOUNT` (repeatable).
    #[arg(long = "item", value_name = "SKU:NAME:AMOUNT")]
    items: Vec<String>,
    /// Currency of the template.
    #[arg(long, default_value = "usd")]
    currency: String,
    /// Do not re-send the request to check idempotency.
    #[arg(long)]
    no_retry: bool,
    /// Do not send the badly signed copy.
    #[arg(long)]
    no_bad_signature: bool,
    /// Print JSON instead of text.
    #[arg(long)]
    json: bool,
}

#[derive(Debug, ClapArgs)]
struct ScenarioArgs {
    /// The hook endpoint, e.g. <http://localhost:4242/hooks>.
    #[arg(long)]
    url: String,
    #[command(flatten)]
    secret: SecretArgs,
    /// Products to order, as `SKU:NAME:UNIT_AMOUNT` (repeatable).
    #[arg(long = "item", value_name = "SKU:NAME:AMOUNT")]
    items: Vec<String>,
    /// Currency of the orders.
    #[arg(long, default_value = "usd")]
    currency: String,
    /// A SKU you have none of, for the out-of-stock scenario.
    #[arg(long, default_value = scenarios::DEFAULT_OUT_OF_STOCK_SKU)]
    out_of_stock_sku: String,
    /// Save the report here (.md for Markdown, .json for JSON).
    #[arg(long, value_name = "FILE")]
    report: Option<PathBuf>,
    /// Print JSON instead of text.
    #[arg(long)]
    json: bool,
}

#[derive(Debug, ClapArgs)]
struct CheckoutArgs {
    /// The seller's base URL; the run calls {url}/agentic/checkouts….
    #[arg(long)]
    url: String,
    /// SKU to buy.
    #[arg(long, default_value = "sku_tee_black_m")]
    sku: String,
    /// Quantity to buy.
    #[arg(long, default_value_t = 2)]
    quantity: i64,
    /// Currency.
    #[arg(long, default_value = "usd")]
    currency: String,
    /// Shared payment token to confirm with.
    #[arg(long, default_value = "spt_test_workbench")]
    token: String,
    /// Fulfillment option to select (default: one the checkout did not preselect).
    #[arg(long, value_name = "ID")]
    fulfillment_option: Option<String>,
    /// Sign the requests with the secret in this environment variable.
    #[arg(long, value_name = "VAR")]
    secret_env: Option<String>,
    /// Print JSON instead of text.
    #[arg(long)]
    json: bool,
}

#[derive(Debug, ClapArgs)]
struct TemplateArgs {
    /// `approve` (`finalize_checkout`) or `customize` (`customize_checkout`).
    #[arg(value_parser = ["approve", "customize"])]
    kind: String,
    /// Products, as `SKU:NAME:UNIT_AMOUNT` (repeatable).
    #[arg(long = "item", value_name = "SKU:NAME:AMOUNT")]
    items: Vec<String>,
    /// Currency.
    #[arg(long, default_value = "usd")]
    currency: String,
}

/// Where to read an endpoint secret from: the seam for the keyring and the Hooks view.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SecretSource {
    /// An environment variable.
    Env(String),
    /// An entry of a [`SecretStore`] (the OS keyring), by id.
    Store(String),
}

impl SecretSource {
    /// Reads the secret; `store` is asked only for [`SecretSource::Store`].
    pub fn resolve(&self, store: Option<&dyn SecretStore>) -> Result<String, String> {
        match self {
            SecretSource::Env(var) => match std::env::var(var) {
                Ok(s) if !s.trim().is_empty() => Ok(s.trim().to_owned()),
                _ => Err(format!(
                    "No endpoint secret: the environment variable {var} is not set. Export it \
                     (export {var}=whsec_…) or name another with --secret-env."
                )),
            },
            SecretSource::Store(id) => {
                let store = store.ok_or_else(|| {
                    "No credential store is available to read the endpoint secret from; use \
                     --secret-env instead."
                        .to_owned()
                })?;
                match store.get(id) {
                    Ok(Some(s)) => Ok(s),
                    Ok(None) => Err(format!(
                        "The {} has no secret filed under \"{id}\". Save it from the Hooks view \
                         or use --secret-env.",
                        store.name()
                    )),
                    Err(e) => Err(e.to_string()),
                }
            }
        }
    }
}

fn secret_from(args: &SecretArgs) -> Result<String, String> {
    match &args.secret_keyring {
        Some(id) => {
            let keyring = crate::secrets::OsKeyring::probe().map_err(|e| e.to_string())?;
            SecretSource::Store(id.clone()).resolve(Some(&keyring))
        }
        None => SecretSource::Env(args.secret_env.clone()).resolve(None),
    }
}

/// Parses `SKU:NAME:AMOUNT` items.
pub fn parse_items(items: &[String]) -> Result<Vec<CatalogItem>, String> {
    items
        .iter()
        .map(|raw| {
            let parts = raw.split_once(':').and_then(|(sku, rest)| {
                let (name, amount) = rest.rsplit_once(':')?;
                Some((sku, name, amount))
            });
            let Some((sku, name, amount)) = parts else {
                return Err(format!(
                    "\"{raw}\" is not SKU:NAME:AMOUNT, e.g. sku_mug:Mug:1800."
                ));
            };
            let amount = amount.trim().parse::<i64>().map_err(|_| {
                format!("\"{raw}\": the amount must be whole minor units (cents), e.g. 1800.")
            })?;
            Ok(CatalogItem::new(sku.trim(), name.trim(), amount))
        })
        .collect()
}

fn print_checks(checks: &[Check]) {
    for c in checks {
        println!("  {}  {:<22} {}", c.outcome.label(), c.name, c.sentence);
    }
}

fn exit_for(outcome: Outcome) -> ExitCode {
    if outcome == Outcome::Fail {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

fn usage_error(message: &str) -> ExitCode {
    eprintln!("seller-console hooks: {message}");
    ExitCode::from(2)
}

fn to_json<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_string_pretty(value).unwrap_or_default()
}

/// Runs the command.
#[must_use]
pub fn run(args: Args) -> ExitCode {
    let result = match args.command {
        HooksCommand::Approve(a) => run_single(HookKind::Finalize, a),
        HooksCommand::Customize(a) => run_single(HookKind::Customize, a),
        HooksCommand::Scenarios(a) => run_scenario_set(a),
        HooksCommand::Checkout(a) => run_checkout(a),
        HooksCommand::Template(a) => print_template(&a),
        HooksCommand::Webhooks(a) => run_webhooks(a),
        HooksCommand::ExampleSeller(a) => run_example_seller(&a),
    };
    result.unwrap_or_else(|message| usage_error(&message))
}

fn block_on<F: std::future::Future>(fut: F) -> Result<F::Output, String> {
    super::block_on(fut).map_err(|e| format!("Could not start the async runtime: {e}."))
}

fn run_single(kind: HookKind, a: HookArgs) -> Result<ExitCode, String> {
    let target = HookTarget::new(&a.url, &secret_from(&a.secret)?)?;
    let request = match &a.request {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .map_err(|e| format!("Could not read {} ({e}).", path.display()))?;
            let request = HookRequest::from_json(&text)?;
            if request.kind != kind {
                return Err(format!(
                    "{} holds a {} request; use `hooks {}` for it.",
                    path.display(),
                    request.kind.label(),
                    if request.kind == HookKind::Finalize {
                        "approve"
                    } else {
                        "customize"
                    }
                ));
            }
            request
        }
        None => template_request(kind, &parse_items(&a.items)?, &a.currency),
    };
    let options = RunOptions {
        check_idempotency: !a.no_retry,
        check_bad_signature: !a.no_bad_signature,
        ..RunOptions::default()
    };
    let run = block_on(hooks::run_hook(&target, &request, options))?;
    if a.json {
        println!("{}", to_json(&run));
    } else {
        println!(
            "{} hook at {} (request {}, secret {})",
            kind.label(),
            run.url,
            run.request_id.as_deref().unwrap_or("without id"),
            target.redacted_secret()
        );
        print_checks(&run.checks);
        if !run.response_body.is_empty() {
            println!(
                "\nAnswer ({}):\n{}",
                run.status.map_or_else(String::new, |s| s.to_string()),
                run.response_body
            );
        }
    }
    Ok(exit_for(run.outcome()))
}

fn run_example_seller(a: &ExampleSellerArgs) -> Result<ExitCode, String> {
    use crate::hooks::example_seller::{self, SellerConfig, SellerMode};
    let mode = SellerMode::parse(&a.mode)?;
    let secret = secret_from(&a.secret)?;
    block_on(async {
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", a.port))
            .await
            .map_err(|e| {
                format!(
                    "Could not listen on 127.0.0.1:{} ({e}). Pick another port with --port.",
                    a.port
                )
            })?;
        let addr = listener.local_addr().map_err(|e| e.to_string())?;
        println!("Example seller ({mode}) listening on http://{addr}");
        println!("  hooks:    http://{addr}/hooks");
        println!("  webhooks: http://{addr}/webhooks");
        println!("  checkout: http://{addr}/agentic/checkouts");
        println!("Press Ctrl+C to stop.");
        let mut stop = crate::sandbox::StopSignal::install()
            .map_err(|e| format!("Could not watch for Ctrl+C ({e})."))?;
        tokio::select! {
            served = example_seller::serve(listener, SellerConfig::new(&secret, mode)) => {
                served.map_err(|e| format!("The example seller stopped: {e}"))
            }
            () = stop.wait() => Ok(()),
        }
    })??;
    Ok(ExitCode::SUCCESS)
}

fn run_webhooks(a: WebhookArgs) -> Result<ExitCode, String> {
    use crate::hooks::webhooks::{EVENT_TYPES, build_event, run_webhook_test, test_event_id};
    let target = HookTarget::new(&a.url, &secret_from(&a.secret)?)?;
    for t in &a.types {
        if !EVENT_TYPES.contains(&t.as_str()) {
            return Err(format!(
                "Unknown event type \"{t}\". Use one of: {}.",
                EVENT_TYPES.join(", ")
            ));
        }
    }
    let client = super::api::common::client(&a.api).map_err(|f| f.message)?;
    let runs = block_on(async {
        let order = match &a.order {
            Some(id) => client.retrieve_order(id).await,
            None => client.newest_agent_order().await,
        }
        .map_err(|e| e.user_message())?;
        let order_id = order.id.clone();
        let order = serde_json::to_value(order).map_err(|e| e.to_string())?;
        let now = chrono::Utc::now().timestamp();
        let mut runs = Vec::new();
        for kind in EVENT_TYPES {
            if !a.types.is_empty() && !a.types.iter().any(|t| t == kind) {
                continue;
            }
            match build_event(kind, &order, &test_event_id(), now) {
                Some(event) => runs.push(run_webhook_test(&target, &event).await),
                None => {
                    println!("{kind}: skipped, order {order_id} has no payment or charge for it.");
                }
            }
        }
        Ok::<_, String>(runs)
    })??;
    if a.api.json {
        println!(
            "{}",
            serde_json::to_string_pretty(&runs).map_err(|e| e.to_string())?
        );
    } else {
        for run in &runs {
            println!(
                "{} ({}) to {}, secret {}",
                run.kind,
                run.event_id,
                run.url,
                target.redacted_secret()
            );
            print_checks(&run.checks);
            println!();
        }
    }
    let worst = runs
        .iter()
        .map(crate::hooks::webhooks::WebhookRun::outcome)
        .max()
        .unwrap_or(Outcome::Pass);
    Ok(exit_for(worst))
}

fn template_request(kind: HookKind, items: &[CatalogItem], currency: &str) -> HookRequest {
    let basket = templates::Basket {
        items,
        quantity: 1,
        currency,
    };
    HookRequest::template(kind, &basket)
}

fn run_scenario_set(a: ScenarioArgs) -> Result<ExitCode, String> {
    let target = HookTarget::new(&a.url, &secret_from(&a.secret)?)?;
    let options = ScenarioOptions {
        catalog: parse_items(&a.items)?,
        currency: a.currency.clone(),
        out_of_stock_sku: a.out_of_stock_sku.clone(),
        run: RunOptions::default(),
    };
    let set = scenarios::standard_set(&options);
    let report = block_on(hooks::run_scenarios(&target, &set, options.run))?;
    if a.json {
        println!("{}", report.to_json());
    } else {
        println!("Scenarios against {}\n", report.url);
        print!("{}", report.summary_table());
    }
    if let Some(path) = &a.report {
        report.save(path)?;
        if !a.json {
            println!("Report saved to {}.", path.display());
        }
    }
    Ok(exit_for(report.outcome()))
}

fn run_checkout(a: CheckoutArgs) -> Result<ExitCode, String> {
    hooks::check_url(&a.url)?;
    let secret = match &a.secret_env {
        Some(var) => Some(SecretSource::Env(var.clone()).resolve(None)?),
        None => None,
    };
    let options = CheckoutFlowOptions {
        sku: a.sku,
        quantity: a.quantity,
        currency: a.currency,
        payment_token: a.token,
        fulfillment_option_id: a.fulfillment_option,
        secret,
        ..CheckoutFlowOptions::default()
    };
    let run = block_on(hooks::run_checkout_flow(&a.url, &options))?;
    if a.json {
        println!("{}", to_json(&run));
    } else {
        println!("Checkout flow against {}", run.base_url);
        for step in &run.steps {
            println!(
                "\n{} ({} {}) -> {}",
                step.name,
                step.method,
                step.path,
                step.status
                    .map_or_else(|| "no answer".to_owned(), |s| format!("HTTP {s}"))
            );
            print_checks(&step.checks);
        }
        if !run.statuses.is_empty() {
            println!("\nStatuses: {}", run.statuses.join(" -> "));
        }
    }
    Ok(exit_for(run.outcome()))
}

fn print_template(a: &TemplateArgs) -> Result<ExitCode, String> {
    let kind = if a.kind == "approve" {
        HookKind::Finalize
    } else {
        HookKind::Customize
    };
    println!(
        "{}",
        template_request(kind, &parse_items(&a.items)?, &a.currency).body
    );
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::secrets::MemoryStore;

    #[test]
    fn items_parse_and_errors_say_the_format() {
        // The name may itself contain ':'; the SKU is first and the amount last.
        let items = parse_items(&["sku_mug:Mug: 350 ml:1800".into()]).unwrap_or_default();
        assert_eq!(
            items,
            vec![CatalogItem::new("sku_mug", "Mug: 350 ml", 1800)]
        );
        let err = parse_items(&["sku_mug:Mug:18.00".into()])
            .err()
            .unwrap_or_default();
        assert!(err.contains("whole minor units"), "{err}");
        let err = parse_items(&["sku_mug".into()]).err().unwrap_or_default();
        assert!(err.contains("is not SKU:NAME:AMOUNT"), "{err}");
    }

    #[test]
    fn secret_sources_explain_what_is_missing() {
        let err = SecretSource::Env("SELLER_CONSOLE_TEST_UNSET_VAR".into())
            .resolve(None)
            .err()
            .unwrap_or_default();
        assert!(
            err.contains("SELLER_CONSOLE_TEST_UNSET_VAR is not set"),
            "{err}"
        );
        let store = MemoryStore::default();
        let _ = store.set("hook:local", "whsec_from_store");
        let source = SecretSource::Store("hook:local".into());
        assert_eq!(
            source.resolve(Some(&store)),
            Ok("whsec_from_store".to_owned())
        );
        let err = SecretSource::Store("hook:other".into())
            .resolve(Some(&store))
            .err()
            .unwrap_or_default();
        assert!(
            err.contains("no secret filed under \"hook:other\""),
            "{err}"
        );
    }
}
