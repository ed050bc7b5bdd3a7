//! The guided run over a custom integration's checkout endpoints: create a checkout, select
//! a fulfillment option, confirm with a test payment token, retrieve it; check each answer's
//! shape, the status transitions and that the totals add up.
//!
//! The custom-integration docs do not say how Stripe authenticates these calls, so requests
//! are signed like the hooks only when a secret is given. The 4 s budget of the hooks is
//! applied to these answers too.

use std::fmt;
use std::time::Instant;

use serde::Serialize;
use serde_json::{Value, json};

use super::checks::{self, Check, Limits, Outcome, snippet};
use super::sign::{SIGNATURE_HEADER, signature_header};

/// Check names of the checkout run.
pub mod names {
    /// The answer's status is 200 or 201.
    pub const STATUS: &str = "HTTP status";
    /// The answer came in time (same as the hooks' check).
    pub const TIME: &str = super::checks::names::TIME;
    /// The body has the documented checkout shape.
    pub const SHAPE: &str = "Checkout shape";
    /// The status is the one expected at this step.
    pub const TRANSITION: &str = "Status transition";
    /// Line and checkout totals add up.
    pub const TOTALS: &str = "Totals add up";
    /// The update kept the fulfillment option that was selected.
    pub const SELECTION: &str = "Fulfillment selection";
    /// The confirm answer names the order.
    pub const ORDER: &str = "Order";
}

/// Every status the docs list for a checkout.
pub const STATUSES: [&str; 7] = [
    "incomplete",
    "ready_for_payment",
    "requires_escalation",
    "processing",
    "in_progress",
    "completed",
    "canceled",
];

/// What the guided run sends.
#[derive(Clone)]
pub struct CheckoutFlowOptions {
    /// SKU to buy.
    pub sku: String,
    /// How many.
    pub quantity: i64,
    /// Currency.
    pub currency: String,
    /// The shared payment token to confirm with.
    pub payment_token: String,
    /// Fulfillment option to select; `None` picks one the checkout did not preselect.
    pub fulfillment_option_id: Option<String>,
    /// When set, requests carry a `Stripe-Signature` made with it.
    pub secret: Option<String>,
    /// Time limits.
    pub limits: Limits,
}

impl Default for CheckoutFlowOptions {
    fn default() -> Self {
        CheckoutFlowOptions {
            sku: "sku_tee_black_m".to_owned(),
            quantity: 2,
            currency: "usd".to_owned(),
            payment_token: "spt_test_workbench".to_owned(),
            fulfillment_option_id: None,
            secret: None,
            limits: Limits::default(),
        }
    }
}

impl fmt::Debug for CheckoutFlowOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CheckoutFlowOptions")
            .field("sku", &self.sku)
            .field("quantity", &self.quantity)
            .field("currency", &self.currency)
            .field("payment_token", &self.payment_token)
            .field("fulfillment_option_id", &self.fulfillment_option_id)
            .field(
                "secret",
                &self.secret.as_deref().map(crate::secrets::redact),
            )
            .field("limits", &self.limits)
            .finish()
    }
}

/// One request of the run and the checks on its answer.
#[derive(Debug, Clone, Serialize)]
pub struct CheckoutStep {
    /// Step name ("Create checkout", …).
    pub name: String,
    /// HTTP method.
    pub method: String,
    /// Path requested.
    pub path: String,
    /// The request body sent (empty for GET).
    pub request_body: String,
    /// Answer status, when one came.
    pub status: Option<u16>,
    /// Time taken in milliseconds.
    pub elapsed_ms: u64,
    /// The answer's body.
    pub response_body: String,
    /// Checks on the answer.
    pub checks: Vec<Check>,
}

impl CheckoutStep {
    /// The worst outcome of its checks.
    #[must_use]
    pub fn outcome(&self) -> Outcome {
        checks::worst(&self.checks)
    }

    /// The check called `name`, if it ran.
    #[must_use]
    pub fn check(&self, name: &str) -> Option<&Check> {
        self.checks.iter().find(|c| c.name == name)
    }
}

/// The whole guided run.
#[derive(Debug, Clone, Serialize)]
pub struct CheckoutRun {
    /// The seller's base URL.
    pub base_url: String,
    /// The checkout id the seller gave, once created.
    pub checkout_id: Option<String>,
    /// Statuses seen, in order.
    pub statuses: Vec<String>,
    /// The steps that ran (a step that cannot run for lack of an id is left out and
    /// explained in the last step's checks).
    pub steps: Vec<CheckoutStep>,
}

impl CheckoutRun {
    /// The worst outcome of all steps.
    #[must_use]
    pub fn outcome(&self) -> Outcome {
        self.steps
            .iter()
            .map(CheckoutStep::outcome)
            .max()
            .unwrap_or(Outcome::Pass)
    }

    /// The step called `name`, if it ran.
    #[must_use]
    pub fn step(&self, name: &str) -> Option<&CheckoutStep> {
        self.steps.iter().find(|s| s.name == name)
    }
}

/// Step names.
pub mod steps {
    /// `POST /agentic/checkouts`.
    pub const CREATE: &str = "Create checkout";
    /// `POST /agentic/checkouts/:id`.
    pub const UPDATE: &str = "Select fulfillment";
    /// `POST /agentic/checkouts/:id/confirm`.
    pub const CONFIRM: &str = "Confirm with test token";
    /// `GET /agentic/checkouts/:id`.
    pub const RETRIEVE: &str = "Retrieve checkout";
}

/// The create request from the docs' example, for `options`' SKU and quantity.
#[must_use]
pub fn create_body(options: &CheckoutFlowOptions) -> Value {
    json!({
        "created": chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        "currency": options.currency.to_lowercase(),
        "line_items": [{"sku_id": options.sku, "quantity": options.quantity}],
        "buyer": {
            "first_name": "John", "last_name": "Doe",
            "email": "john.doe@example.com", "phone_number": "+14155550123"
        },
        "fulfillment_details": {
            "contact": {"name": "Jane Doe", "email": "jane.doe@example.com", "phone_number": "+14155552671"},
            "address": {
                "line_one": "123 Main St", "line_two": "Apt 4B", "city": "San Francisco",
                "state": "CA", "country": "US", "postal_code": "94105"
            }
        },
        "agent_details": {"network_profile": "profile_agent_workbench", "display_name": "Seller Console workbench"}
    })
}

struct Sender<'a> {
    client: reqwest::Client,
    base: String,
    options: &'a CheckoutFlowOptions,
}

impl Sender<'_> {
    async fn step(
        &self,
        name: &str,
        method: reqwest::Method,
        path: &str,
        body: Option<&Value>,
    ) -> (CheckoutStep, Option<Value>) {
        let text = body
            .map(|b| serde_json::to_string_pretty(b).unwrap_or_default())
            .unwrap_or_default();
        let mut step = CheckoutStep {
            name: name.to_owned(),
            method: method.to_string(),
            path: path.to_owned(),
            request_body: text.clone(),
            status: None,
            elapsed_ms: 0,
            response_body: String::new(),
            checks: Vec::new(),
        };
        let url = format!("{}{path}", self.base);
        let mut request = self.client.request(method, &url);
        if body.is_some() {
            request = request
                .header(reqwest::header::CONTENT_TYPE, "application/json")
                .body(text.clone());
        }
        if let Some(secret) = &self.options.secret {
            let header = signature_header(secret, chrono::Utc::now().timestamp(), text.as_bytes());
            request = request.header(SIGNATURE_HEADER, header);
        }
        let started = Instant::now();
        let result = match request.send().await {
            Ok(response) => {
                let status = response.status().as_u16();
                response.text().await.map(|body| (status, body))
            }
            Err(e) => Err(e),
        };
        let (status, body) = match result {
            Ok(pair) => pair,
            Err(e) if e.is_timeout() => {
                step.elapsed_ms = self.options.limits.deadline.as_millis() as u64;
                step.checks.push(Check::fail(
                    names::STATUS,
                    "No HTTP answer arrived in time.",
                ));
                step.checks
                    .push(checks::check_timed_out(self.options.limits));
                return (step, None);
            }
            Err(e) => {
                let what = if e.is_connect() {
                    format!(
                        "Could not connect to {url} ({e}). Is the seller's server running and the base URL right?"
                    )
                } else {
                    format!("The request to {url} failed ({e}).")
                };
                step.checks.push(Check::fail(names::STATUS, what));
                return (step, None);
            }
        };
        let elapsed = started.elapsed();
        step.status = Some(status);
        step.elapsed_ms = elapsed.as_millis() as u64;
        step.response_body.clone_from(&body);
        if matches!(status, 200 | 201) {
            step.checks.push(Check::pass(
                names::STATUS,
                format!("The endpoint answered {status}."),
            ));
        } else {
            step.checks.push(Check::fail(
                names::STATUS,
                format!(
                    "{} {path} answered HTTP {status} with {}; expected 200. Check the seller's \
                     log for this request.",
                    step.method,
                    snippet(&body)
                ),
            ));
        }
        step.checks
            .push(checks::check_time(elapsed, self.options.limits));
        if !matches!(status, 200 | 201) {
            return (step, None);
        }
        if let Ok(value @ Value::Object(_)) = serde_json::from_str::<Value>(&body) {
            (step, Some(value))
        } else {
            step.checks.push(Check::fail(
                names::SHAPE,
                format!("The body is not a JSON object: got {}.", snippet(&body)),
            ));
            (step, None)
        }
    }
}

fn int(value: &Value, key: &str) -> Option<i64> {
    value.get(key).and_then(Value::as_i64)
}

/// Shape problems of a full checkout object (create and update answers).
#[must_use]
pub fn checkout_shape_problems(checkout: &Value, currency: &str) -> Vec<String> {
    let mut problems = Vec::new();
    if checkout
        .get("id")
        .and_then(Value::as_str)
        .is_none_or(str::is_empty)
    {
        problems.push("id must be a non-empty string".to_owned());
    }
    match checkout.get("currency").and_then(Value::as_str) {
        Some(c) if c.eq_ignore_ascii_case(currency) => {}
        Some(c) => problems.push(format!(
            "currency is \"{c}\" but the checkout was created in \"{currency}\""
        )),
        None => problems.push("currency is missing".to_owned()),
    }
    match checkout.get("status").and_then(Value::as_str) {
        Some(s) if STATUSES.contains(&s) => {}
        Some(s) => problems.push(format!(
            "status \"{s}\" is not one of {}",
            STATUSES.join(", ")
        )),
        None => problems.push("status is missing".to_owned()),
    }
    match checkout.get("line_items").and_then(Value::as_array) {
        Some(lines) if !lines.is_empty() => {
            for (i, line) in lines.iter().enumerate() {
                if !line.get("id").is_some_and(Value::is_string) {
                    problems.push(format!("line_items[{i}].id must be a string"));
                }
                let item = line.get("item");
                if !item
                    .and_then(|i| i.get("name"))
                    .is_some_and(Value::is_string)
                    || item.and_then(|i| int(i, "unit_amount")).is_none()
                {
                    problems.push(format!(
                        "line_items[{i}].item needs a name and an integer unit_amount"
                    ));
                }
                for key in [
                    "quantity",
                    "base_amount",
                    "discount",
                    "subtotal",
                    "tax",
                    "total",
                ] {
                    if int(line, key).is_none() {
                        problems.push(format!("line_items[{i}].{key} must be an integer"));
                    }
                }
            }
        }
        _ => problems.push("line_items must be a non-empty array".to_owned()),
    }
    let mut option_ids = Vec::new();
    match checkout.get("fulfillment_options") {
        Some(Value::Array(options)) => {
            for (i, option) in options.iter().enumerate() {
                for key in ["type", "id", "title"] {
                    if !option.get(key).is_some_and(Value::is_string) {
                        problems.push(format!("fulfillment_options[{i}].{key} must be a string"));
                    }
                }
                for key in ["subtotal", "tax", "total"] {
                    if int(option, key).is_none() {
                        problems.push(format!("fulfillment_options[{i}].{key} must be an integer"));
                    }
                }
                if let Some(id) = option.get("id").and_then(Value::as_str) {
                    option_ids.push(id.to_owned());
                }
            }
        }
        None | Some(Value::Null) => {}
        Some(_) => problems.push("fulfillment_options must be an array".to_owned()),
    }
    if let Some(selected) = checkout
        .get("fulfillment_option_id")
        .filter(|v| !v.is_null())
    {
        match selected.as_str() {
            Some(id) if option_ids.iter().any(|o| o == id) => {}
            Some(id) => problems.push(format!(
                "fulfillment_option_id \"{id}\" is not among fulfillment_options"
            )),
            None => problems.push("fulfillment_option_id must be a string".to_owned()),
        }
    }
    match checkout.get("totals").and_then(Value::as_array) {
        Some(totals) => {
            for (i, entry) in totals.iter().enumerate() {
                if !entry.get("type").is_some_and(Value::is_string)
                    || !entry.get("display_text").is_some_and(Value::is_string)
                    || int(entry, "amount").is_none()
                {
                    problems.push(format!(
                        "totals[{i}] needs a type, a display_text and an integer amount"
                    ));
                }
            }
            for needed in ["subtotal", "total"] {
                if !totals
                    .iter()
                    .any(|e| e.get("type").and_then(Value::as_str) == Some(needed))
                {
                    problems.push(format!("totals has no \"{needed}\" entry"));
                }
            }
        }
        None => problems.push("totals must be an array".to_owned()),
    }
    problems
}

fn sentence(problems: &[String]) -> String {
    format!("{}.", problems.join("; "))
}

/// Checks that a checkout's numbers add up: each line (base = unit × quantity, subtotal =
/// base − discount, total = subtotal + tax), and the totals list (items, discount,
/// subtotal, fulfillment = the selected option, tax = lines + fulfillment tax, total).
/// Entries of other types (a packing fee) count towards the total.
#[must_use]
pub fn check_totals(checkout: &Value) -> Check {
    let mut problems = Vec::new();
    let lines = checkout
        .get("line_items")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let (mut base_sum, mut discount_sum, mut tax_sum) = (0, 0, 0);
    for (i, line) in lines.iter().enumerate() {
        let unit = line
            .pointer("/item/unit_amount")
            .and_then(Value::as_i64)
            .unwrap_or(0);
        let [qty, base, discount, subtotal, tax, total] = [
            "quantity",
            "base_amount",
            "discount",
            "subtotal",
            "tax",
            "total",
        ]
        .map(|k| int(line, k).unwrap_or(0));
        if base != unit * qty {
            problems.push(format!("line_items[{i}].base_amount is {base} but unit_amount {unit} × quantity {qty} = {}", unit * qty));
        }
        if subtotal != base - discount {
            problems.push(format!("line_items[{i}].subtotal is {subtotal} but base_amount {base} − discount {discount} = {}", base - discount));
        }
        if total != subtotal + tax {
            problems.push(format!(
                "line_items[{i}].total is {total} but subtotal {subtotal} + tax {tax} = {}",
                subtotal + tax
            ));
        }
        base_sum += base;
        discount_sum += discount;
        tax_sum += tax;
    }
    let selected = checkout
        .get("fulfillment_option_id")
        .and_then(Value::as_str);
    let option = selected.and_then(|id| {
        checkout
            .get("fulfillment_options")?
            .as_array()?
            .iter()
            .find(|o| o.get("id").and_then(Value::as_str) == Some(id))
    });
    let (ship, ship_tax) = option.map_or((0, 0), |o| {
        (int(o, "subtotal").unwrap_or(0), int(o, "tax").unwrap_or(0))
    });
    if let Some(o) = option {
        let total = int(o, "total").unwrap_or(0);
        if total != ship + ship_tax {
            problems.push(format!("the selected fulfillment option's total is {total} but subtotal {ship} + tax {ship_tax} = {}", ship + ship_tax));
        }
    }
    let totals = checkout
        .get("totals")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let amount = |kind: &str| {
        totals
            .iter()
            .find(|e| e.get("type").and_then(Value::as_str) == Some(kind))
            .and_then(|e| int(e, "amount"))
    };
    let mismatch = |kind: &str, want: i64, why: String| match amount(kind) {
        Some(got) if got != want => Some(format!("the {kind} total is {got} but {why} = {want}")),
        _ => None,
    };
    problems.extend(mismatch(
        "items_base_amount",
        base_sum,
        "the line base amounts add up to".to_owned(),
    ));
    if let Some(d) = amount("discount")
        && d.abs() != discount_sum
    {
        problems.push(format!(
            "the discount total is {d} but the line discounts add up to {discount_sum}"
        ));
    }
    let subtotal = base_sum - discount_sum;
    problems.extend(mismatch(
        "subtotal",
        subtotal,
        format!("items {base_sum} − discount {discount_sum}"),
    ));
    let fulfillment_why = match selected {
        Some(id) => format!("the selected option {id} costs"),
        None => "with no option selected it is".to_owned(),
    };
    problems.extend(mismatch("fulfillment", ship, fulfillment_why));
    let tax = tax_sum + ship_tax;
    problems.extend(mismatch(
        "tax",
        tax,
        format!("line tax {tax_sum} + fulfillment tax {ship_tax}"),
    ));
    let known = [
        "items_base_amount",
        "discount",
        "subtotal",
        "fulfillment",
        "tax",
        "total",
    ];
    let extras: Vec<(String, i64)> = totals
        .iter()
        .filter_map(|e| {
            let kind = e.get("type")?.as_str()?;
            (!known.contains(&kind)).then(|| (kind.to_owned(), int(e, "amount").unwrap_or(0)))
        })
        .collect();
    let extra_sum: i64 = extras.iter().map(|(_, a)| a).sum();
    let want = subtotal + ship + tax + extra_sum;
    let mut warning = None;
    match amount("total") {
        Some(got) if got == want => {}
        Some(got) if extra_sum != 0 && got == want - extra_sum => {
            let names: Vec<String> = extras.iter().map(|(k, a)| format!("{k} {a}")).collect();
            warning = Some(format!(
                "The total {got} leaves out {}; if that is charged, the total should be {want}.",
                names.join(", ")
            ));
        }
        Some(got) => problems.push(format!(
            "the total is {got} but subtotal {subtotal} + fulfillment {ship} + tax {tax}{} = {want}",
            if extra_sum == 0 { String::new() } else { format!(" + other {extra_sum}") }
        )),
        None => {}
    }
    if !problems.is_empty() {
        return Check::fail(
            names::TOTALS,
            format!(
                "Totals do not add up: {} Recompute totals after every change.",
                sentence(&problems)
            ),
        );
    }
    if let Some(w) = warning {
        return Check::warn(names::TOTALS, w);
    }
    Check::pass(
        names::TOTALS,
        format!(
            "Lines and totals add up: items {base_sum} − discount {discount_sum} + fulfillment {ship} + tax {tax} = {want}."
        ),
    )
}

fn status_of(value: &Value) -> Option<String> {
    value
        .get("status")
        .and_then(Value::as_str)
        .map(str::to_owned)
}

/// Runs create → select fulfillment → confirm → retrieve against `base_url`
/// (e.g. `http://localhost:4242`, without `/agentic/checkouts`).
pub async fn run_checkout_flow(base_url: &str, options: &CheckoutFlowOptions) -> CheckoutRun {
    let base = base_url.trim().trim_end_matches('/').to_owned();
    let mut run = CheckoutRun {
        base_url: base.clone(),
        checkout_id: None,
        statuses: Vec::new(),
        steps: Vec::new(),
    };
    let client = match reqwest::Client::builder()
        .timeout(options.limits.deadline)
        .build()
    {
        Ok(c) => c,
        Err(e) => {
            let mut step = empty_step(steps::CREATE);
            step.checks.push(Check::fail(
                names::STATUS,
                format!("Could not set up the HTTP client: {e}."),
            ));
            run.steps.push(step);
            return run;
        }
    };
    if let Err(e) = super::check_url(&base) {
        let mut step = empty_step(steps::CREATE);
        step.checks.push(Check::fail(names::STATUS, e));
        run.steps.push(step);
        return run;
    }
    let sender = Sender {
        client,
        base,
        options,
    };
    let currency = options.currency.to_lowercase();

    // 1. Create.
    let (mut step, created) = sender
        .step(
            steps::CREATE,
            reqwest::Method::POST,
            "/agentic/checkouts",
            Some(&create_body(options)),
        )
        .await;
    let Some(created) = created else {
        run.steps.push(step);
        return run;
    };
    shape_and_totals(&mut step, &created, &currency);
    let status = status_of(&created);
    step.checks.push(match status.as_deref() {
        Some("incomplete") => Check::pass(names::TRANSITION, "A new checkout starts incomplete."),
        Some("ready_for_payment") if created.get("fulfillment_option_id").is_some_and(Value::is_string) => {
            Check::pass(names::TRANSITION, "A new checkout with a default fulfillment option is ready_for_payment.")
        }
        Some(s) => Check::fail(
            names::TRANSITION,
            format!("A new checkout is \"{s}\"; it should be incomplete until a fulfillment option is chosen (or ready_for_payment with a default one)."),
        ),
        None => Check::fail(names::TRANSITION, "The new checkout has no status."),
    });
    run.statuses.extend(status);
    run.steps.push(step);
    let Some(id) = created.get("id").and_then(Value::as_str).map(str::to_owned) else {
        return run;
    };
    run.checkout_id = Some(id.clone());
    let path = format!("/agentic/checkouts/{id}");

    // 2. Select a fulfillment option.
    let preselected = created.get("fulfillment_option_id").and_then(Value::as_str);
    let choice = options.fulfillment_option_id.clone().or_else(|| {
        let ids: Vec<&str> = created
            .get("fulfillment_options")
            .and_then(Value::as_array)
            .map(|a| a.iter().filter_map(|o| o.get("id")?.as_str()).collect())
            .unwrap_or_default();
        ids.iter()
            .find(|i| Some(**i) != preselected)
            .or(ids.first())
            .map(|s| (*s).to_owned())
    });
    let Some(choice) = choice else {
        if let Some(last) = run.steps.last_mut() {
            last.checks.push(Check::fail(
                names::SELECTION,
                "The checkout offers no fulfillment_options, so none can be selected and it cannot become ready_for_payment.",
            ));
        }
        return run;
    };
    let (mut step, updated) = sender
        .step(
            steps::UPDATE,
            reqwest::Method::POST,
            &path,
            Some(&json!({"fulfillment_option_id": choice})),
        )
        .await;
    if let Some(updated) = &updated {
        shape_and_totals(&mut step, updated, &currency);
        let selected = updated.get("fulfillment_option_id").and_then(Value::as_str);
        step.checks.push(if selected == Some(choice.as_str()) {
            Check::pass(
                names::SELECTION,
                format!("The checkout now has fulfillment option {choice}."),
            )
        } else {
            Check::fail(
                names::SELECTION,
                format!(
                    "Selected {choice} but the checkout answers fulfillment_option_id {}.",
                    selected.map_or("none".to_owned(), |s| format!("\"{s}\""))
                ),
            )
        });
        let status = status_of(updated);
        step.checks.push(match status.as_deref() {
            Some("ready_for_payment") => Check::pass(names::TRANSITION, "With items, address and a fulfillment option it is ready_for_payment."),
            Some(s) => Check::fail(
                names::TRANSITION,
                format!("After a fulfillment option was selected the checkout is \"{s}\"; with items, an address and an option it should be ready_for_payment."),
            ),
            None => Check::fail(names::TRANSITION, "The updated checkout has no status."),
        });
        run.statuses.extend(status);
    }
    run.steps.push(step);

    // 3. Confirm with a test token.
    let confirm_body = json!({
        "payment_data": {"token": options.payment_token, "provider": "stripe",
            "billing_address": {"line1": "123 Main St", "city": "San Francisco", "state": "CA", "postal_code": "94105", "country": "US"}},
        "risk_details": {"client_device_metadata_details": {
            "user_agent": "Mozilla/5.0 (X11; Linux x86_64) seller-console-workbench", "ip_address": "203.0.113.7"}}
    });
    let (mut step, confirmed) = sender
        .step(
            steps::CONFIRM,
            reqwest::Method::POST,
            &format!("{path}/confirm"),
            Some(&confirm_body),
        )
        .await;
    if let Some(confirmed) = &confirmed {
        let status = status_of(confirmed);
        step.checks.push(match status.as_deref() {
            Some("in_progress" | "completed") => Check::pass(names::TRANSITION, format!("Confirmed: {}.", status.as_deref().unwrap_or_default())),
            Some(s) => Check::fail(names::TRANSITION, format!("The confirm answer's status is \"{s}\"; it must be in_progress or completed, or the endpoint must answer an error.")),
            None => Check::fail(names::TRANSITION, "The confirm answer has no status; it must be in_progress or completed."),
        });
        let order_id = confirmed
            .pointer("/order/id")
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty());
        let permalink = confirmed
            .pointer("/order/permalink_url")
            .and_then(Value::as_str);
        step.checks.push(match (order_id, permalink) {
            (Some(order), Some(url)) if url::Url::parse(url).is_ok() => Check::pass(names::ORDER, format!("Order {order} at {url}.")),
            (Some(_), Some(url)) => Check::fail(names::ORDER, format!("order.permalink_url \"{url}\" is not a full URL.")),
            _ => Check::fail(names::ORDER, "The confirm answer needs order.id and order.permalink_url so the agent can show the buyer their order."),
        });
        run.statuses.extend(status);
    }
    run.steps.push(step);

    // 4. Retrieve.
    let (mut step, retrieved) = sender
        .step(steps::RETRIEVE, reqwest::Method::GET, &path, None)
        .await;
    if let Some(retrieved) = &retrieved {
        let status = status_of(retrieved);
        step.checks.push(match status.as_deref() {
            Some("in_progress" | "completed") => Check::pass(names::TRANSITION, format!("After confirming, the checkout is {}.", status.as_deref().unwrap_or_default())),
            Some(s) if STATUSES.contains(&s) => Check::fail(
                names::TRANSITION,
                format!("After confirming, the checkout reads \"{s}\"; it must stay in_progress or completed (or canceled after a refund)."),
            ),
            Some(s) => Check::fail(names::TRANSITION, format!("status \"{s}\" is not one of {}.", STATUSES.join(", "))),
            None => Check::fail(names::TRANSITION, "The retrieved checkout has no status."),
        });
        if let Some(other) = retrieved.get("id").and_then(Value::as_str)
            && other != id
        {
            step.checks.push(Check::fail(
                names::SHAPE,
                format!("Retrieved checkout {id} but the answer is checkout {other}."),
            ));
        } else if retrieved.get("line_items").is_some() {
            shape_and_totals(&mut step, retrieved, &currency);
        }
        run.statuses.extend(status);
    }
    run.steps.push(step);
    run
}

fn shape_and_totals(step: &mut CheckoutStep, checkout: &Value, currency: &str) {
    let problems = checkout_shape_problems(checkout, currency);
    if problems.is_empty() {
        step.checks.push(Check::pass(
            names::SHAPE,
            "The checkout has the documented shape.",
        ));
        step.checks.push(check_totals(checkout));
    } else {
        step.checks
            .push(Check::fail(names::SHAPE, sentence(&problems)));
    }
}

fn empty_step(name: &str) -> CheckoutStep {
    CheckoutStep {
        name: name.to_owned(),
        method: String::new(),
        path: String::new(),
        request_body: String::new(),
        status: None,
        elapsed_ms: 0,
        response_body: String::new(),
        checks: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seed_checkout(shipping: i64, total: i64) -> Value {
        // The docs' example after selecting express shipping, with the total as given.
        json!({
            "id": "checkout_123", "currency": "usd", "status": "ready_for_payment",
            "line_items": [{"id": "sku_123", "item": {"id": "prod_abc123", "name": "Shampoo", "unit_amount": 5000},
                "quantity": 2, "base_amount": 10000, "discount": 1000, "subtotal": 9000, "tax": 720, "total": 9720}],
            "fulfillment_options": [
                {"type": "shipping", "id": "ship_standard_001", "title": "Standard", "subtotal": 500, "tax": 40, "total": 540},
                {"type": "shipping", "id": "ship_express_001", "title": "Express", "subtotal": 1500, "tax": 0, "total": 1500}],
            "fulfillment_option_id": "ship_express_001",
            "totals": [
                {"type": "items_base_amount", "display_text": "Items", "amount": 10000},
                {"type": "discount", "display_text": "Discount", "amount": -1000},
                {"type": "subtotal", "display_text": "Subtotal", "amount": 9000},
                {"type": "fulfillment", "display_text": "Shipping", "amount": shipping},
                {"type": "tax", "display_text": "Sales Tax", "amount": 720},
                {"type": "total", "display_text": "Total", "amount": total}]
        })
    }

    #[test]
    fn the_docs_update_example_does_not_add_up_and_we_say_why() {
        // The published example keeps total 9720 after adding 1500 shipping.
        let check = check_totals(&seed_checkout(1500, 9720));
        assert_eq!(check.outcome, Outcome::Fail);
        assert!(
            check.sentence.contains(
                "the total is 9720 but subtotal 9000 + fulfillment 1500 + tax 720 = 11220"
            ),
            "{}",
            check.sentence
        );
        assert_eq!(
            check_totals(&seed_checkout(1500, 11220)).outcome,
            Outcome::Pass
        );
        let wrong_ship = check_totals(&seed_checkout(500, 10220));
        assert!(wrong_ship.sentence.contains(
            "the fulfillment total is 500 but the selected option ship_express_001 costs = 1500"
        ));
    }

    #[test]
    fn an_extra_fee_left_out_of_the_total_is_a_warning() {
        let mut checkout = seed_checkout(1500, 11220);
        if let Some(totals) = checkout["totals"].as_array_mut() {
            totals.push(json!({"type": "packing_fee", "display_text": "Gift Wrap", "amount": 100}));
        }
        let check = check_totals(&checkout);
        assert_eq!(check.outcome, Outcome::Warn);
        assert!(
            check.sentence.contains("leaves out packing_fee 100"),
            "{}",
            check.sentence
        );
        assert!(checkout_shape_problems(&checkout, "usd").is_empty());
        checkout["fulfillment_option_id"] = Value::from("ship_drone");
        let problems = checkout_shape_problems(&checkout, "eur");
        assert!(
            problems
                .iter()
                .any(|p| p.contains("\"ship_drone\" is not among"))
        );
        assert!(problems.iter().any(|p| p.contains("currency is \"usd\"")));
    }
}
