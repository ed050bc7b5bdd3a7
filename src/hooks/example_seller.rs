//! A small local seller that implements the hooks and the custom-integration checkout
//! endpoints, either correctly ([`SellerMode::Good`]) or broken in one precise way, so the
//! workbench can be tried and tested without a real backend.
//!
//! Routes: `POST /hooks` (both hook events), `POST /agentic/checkouts`,
//! `POST /agentic/checkouts/{id}`, `POST /agentic/checkouts/{id}/confirm`,
//! `GET /agentic/checkouts/{id}`.

use std::collections::HashMap;
use std::fmt;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::{Value, json};

use super::sign::{DEFAULT_TOLERANCE_SECS, SIGNATURE_HEADER, verify_header};
use super::templates::{CUSTOMIZE_CHECKOUT, FINALIZE_CHECKOUT};

/// How the example seller behaves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SellerMode {
    /// Does everything right.
    Good,
    /// Answers hooks after [`SellerConfig::slow_delay`].
    Slow,
    /// Answers hooks with JSON of the wrong shape.
    WrongShape,
    /// Never checks `Stripe-Signature`.
    IgnoresSignature,
    /// Declines every order without a reason.
    DeclineNoReason,
    /// Checkout totals leave out the shipping.
    BadTotals,
    /// Gives a different answer when the same request comes again.
    NonIdempotent,
    /// Checkouts stay `incomplete` after a fulfillment option is selected.
    StuckStatus,
}

impl SellerMode {
    /// Every mode, good first.
    pub const ALL: [SellerMode; 8] = [
        SellerMode::Good,
        SellerMode::Slow,
        SellerMode::WrongShape,
        SellerMode::IgnoresSignature,
        SellerMode::DeclineNoReason,
        SellerMode::BadTotals,
        SellerMode::NonIdempotent,
        SellerMode::StuckStatus,
    ];

    /// The command-line name (`good`, `slow`, `wrong-shape`, …).
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            SellerMode::Good => "good",
            SellerMode::Slow => "slow",
            SellerMode::WrongShape => "wrong-shape",
            SellerMode::IgnoresSignature => "ignores-signature",
            SellerMode::DeclineNoReason => "decline-no-reason",
            SellerMode::BadTotals => "bad-totals",
            SellerMode::NonIdempotent => "non-idempotent",
            SellerMode::StuckStatus => "stuck-status",
        }
    }

    /// The mode called `name`, or a sentence listing the names.
    pub fn parse(name: &str) -> Result<SellerMode, String> {
        SellerMode::ALL
            .into_iter()
            .find(|m| m.name() == name)
            .ok_or_else(|| {
                let names: Vec<&str> = SellerMode::ALL.iter().map(|m| m.name()).collect();
                format!("Unknown mode \"{name}\". Use one of: {}.", names.join(", "))
            })
    }
}

impl fmt::Display for SellerMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// How to run the example seller.
#[derive(Clone)]
pub struct SellerConfig {
    /// The endpoint secret it verifies hook signatures with.
    pub secret: String,
    /// Its behaviour.
    pub mode: SellerMode,
    /// How long [`SellerMode::Slow`] waits before answering.
    pub slow_delay: Duration,
}

impl SellerConfig {
    /// A config with the default slow delay (5 s, over Stripe's 4 s limit).
    #[must_use]
    pub fn new(secret: &str, mode: SellerMode) -> SellerConfig {
        SellerConfig {
            secret: secret.to_owned(),
            mode,
            slow_delay: Duration::from_secs(5),
        }
    }
}

impl fmt::Debug for SellerConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SellerConfig")
            .field("secret", &crate::secrets::redact(&self.secret))
            .field("mode", &self.mode)
            .field("slow_delay", &self.slow_delay)
            .finish()
    }
}

/// A product the example seller stocks.
struct Product {
    sku: &'static str,
    id: &'static str,
    name: &'static str,
    unit_amount: i64,
    stock: i64,
}

/// The example seller's inventory: the workbench's demo catalog, with stock.
const INVENTORY: [Product; 3] = [
    Product {
        sku: "sku_tee_black_m",
        id: "prod_tee",
        name: "Organic cotton tee, black, M",
        unit_amount: 2800,
        stock: 1_000,
    },
    Product {
        sku: "sku_mug_stoneware",
        id: "prod_mug",
        name: "Stoneware mug, 350 ml",
        unit_amount: 1800,
        stock: 600,
    },
    Product {
        sku: "sku_candle_cedar",
        id: "prod_candle",
        name: "Cedar candle, 200 g",
        unit_amount: 2400,
        stock: 400,
    },
];

/// Countries the example seller ships to.
const SHIPS_TO: [&str; 2] = ["US", "CA"];
/// Its application fee, in basis points of the order total.
const FEE_BPS: i64 = 200;
/// Its sales tax, in basis points.
const TAX_BPS: i64 = 800;

fn product(sku: &str) -> Option<&'static Product> {
    INVENTORY.iter().find(|p| p.sku == sku)
}

#[derive(Clone)]
struct Checkout {
    id: String,
    currency: String,
    sku: String,
    quantity: i64,
    buyer: Value,
    fulfillment_details: Value,
    selected: Option<String>,
    status: String,
    order_id: Option<String>,
}

#[derive(Default)]
struct Store {
    /// Hook answers by request id, so a retry gets the same answer.
    answers: HashMap<String, Value>,
    /// How many times each request id came (for the non-idempotent mode).
    seen: HashMap<String, u32>,
    checkouts: HashMap<String, Checkout>,
    next_id: u64,
    /// Webhook events handled, by id: a repeat delivery is answered 2xx and skipped.
    events_handled: std::collections::HashSet<String>,
    /// Orders fulfilled from `checkout.session.completed`, once each.
    fulfilled: Vec<String>,
}

struct Seller {
    config: SellerConfig,
    store: Mutex<Store>,
}

type Shared = Arc<Seller>;

impl Seller {
    fn store(&self) -> std::sync::MutexGuard<'_, Store> {
        self.store.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// The router of a seller configured by `config`.
pub fn router(config: SellerConfig) -> Router {
    let seller = Arc::new(Seller {
        config,
        store: Mutex::new(Store::default()),
    });
    Router::new()
        .route("/", get(index))
        .route("/hooks", post(hook))
        .route("/webhooks", post(webhook))
        .route("/agentic/checkouts", post(create_checkout))
        .route(
            "/agentic/checkouts/{id}",
            post(update_checkout).get(retrieve_checkout),
        )
        .route("/agentic/checkouts/{id}/confirm", post(confirm_checkout))
        .with_state(seller)
}

/// Serves the seller on `listener` until the task is dropped or aborted.
pub async fn serve(listener: tokio::net::TcpListener, config: SellerConfig) -> std::io::Result<()> {
    axum::serve(listener, router(config)).await
}

/// Starts the seller on `127.0.0.1` at a free port, in the background. Returns its address
/// and the task (abort it to stop the seller).
pub async fn spawn(
    config: SellerConfig,
) -> std::io::Result<(SocketAddr, tokio::task::JoinHandle<()>)> {
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0)).await?;
    let addr = listener.local_addr()?;
    let task = tokio::spawn(async move {
        if let Err(e) = serve(listener, config).await {
            eprintln!("The example seller stopped: {e}");
        }
    });
    Ok((addr, task))
}

async fn index(State(seller): State<Shared>) -> String {
    format!(
        "Seller Console example seller (mode: {}).\nPOST /hooks for order approval and checkout \
         customization; POST /webhooks for Stripe's events; /agentic/checkouts for the custom \
         integration.\n",
        seller.config.mode
    )
}

fn error(status: StatusCode, message: &str) -> Response {
    (status, axum::Json(json!({"error": {"message": message}}))).into_response()
}

/// What every signed endpoint does first: check `Stripe-Signature` on the raw body (unless
/// the seller ignores it on purpose), read the JSON, and take its time when it is slow.
async fn signed_json(
    seller: &Seller,
    headers: &HeaderMap,
    body: &Bytes,
) -> Result<Value, Response> {
    if seller.config.mode != SellerMode::IgnoresSignature {
        let header = headers.get(SIGNATURE_HEADER).and_then(|v| v.to_str().ok());
        let now = chrono::Utc::now().timestamp();
        if let Err(e) = verify_header(
            header,
            body,
            &seller.config.secret,
            now,
            DEFAULT_TOLERANCE_SECS,
        ) {
            return Err(error(
                StatusCode::BAD_REQUEST,
                &format!("Webhook Error: {e}"),
            ));
        }
    }
    let Ok(event) = serde_json::from_slice::<Value>(body) else {
        return Err(error(StatusCode::BAD_REQUEST, "The body is not JSON."));
    };
    if seller.config.mode == SellerMode::Slow {
        tokio::time::sleep(seller.config.slow_delay).await;
    }
    Ok(event)
}

/// Stripe's events, as a careful seller handles them: the signature is checked on the raw
/// body, a repeat of an event already handled is answered 2xx and skipped (the answer says
/// `"duplicate": true`), and a completed checkout is fulfilled once.
async fn webhook(State(seller): State<Shared>, headers: HeaderMap, body: Bytes) -> Response {
    let mode = seller.config.mode;
    let event = match signed_json(&seller, &headers, &body).await {
        Ok(event) => event,
        Err(refused) => return refused,
    };
    let id = event.get("id").and_then(Value::as_str).unwrap_or_default();
    let kind = event
        .get("type")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let mut store = seller.store();
    let duplicate = !store.events_handled.insert(id.to_owned());
    // The non-idempotent seller forgets what it handled.
    let duplicate = duplicate && mode != SellerMode::NonIdempotent;
    if !duplicate && kind == "checkout.session.completed" {
        let order = event["data"]["object"]["id"].as_str().unwrap_or_default();
        store.fulfilled.push(order.to_owned());
    }
    let fulfilled = store.fulfilled.len();
    axum::Json(json!({"received": true, "duplicate": duplicate, "orders_fulfilled": fulfilled}))
        .into_response()
}

async fn hook(State(seller): State<Shared>, headers: HeaderMap, body: Bytes) -> Response {
    let mode = seller.config.mode;
    let event = match signed_json(&seller, &headers, &body).await {
        Ok(event) => event,
        Err(refused) => return refused,
    };
    let id = event
        .get("id")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    let answer = match event.get("type").and_then(Value::as_str) {
        Some(FINALIZE_CHECKOUT) => {
            let repeat = {
                let mut store = seller.store();
                let count = store.seen.entry(id.clone()).or_default();
                *count += 1;
                *count - 1
            };
            if mode != SellerMode::NonIdempotent
                && let Some(stored) = seller.store().answers.get(&id)
            {
                return axum::Json(stored.clone()).into_response();
            }
            let mut answer = finalize_answer(&event, mode);
            if mode == SellerMode::NonIdempotent && repeat % 2 == 1 {
                answer = flip(&answer);
            }
            answer
        }
        Some(CUSTOMIZE_CHECKOUT) => customize_answer(&event, mode),
        _ => return error(StatusCode::BAD_REQUEST, "Unsupported webhook type"),
    };
    seller.store().answers.insert(id, answer.clone());
    axum::Json(answer).into_response()
}

fn declined(reason: &str) -> Value {
    json!({"manual_approval_details": {"type": "declined", "declined": {"reason": reason}}})
}

fn flip(answer: &Value) -> Value {
    if answer.pointer("/manual_approval_details/type") == Some(&Value::from("approved")) {
        declined("Inventory check failed on retry.")
    } else {
        json!({"manual_approval_details": {"type": "approved"}})
    }
}

fn finalize_answer(event: &Value, mode: SellerMode) -> Value {
    match mode {
        SellerMode::WrongShape => return json!({"approved": true, "fee": "2%"}),
        SellerMode::DeclineNoReason => {
            return json!({"manual_approval_details": {"type": "declined"}});
        }
        _ => {}
    }
    let data = event.get("data").cloned().unwrap_or(Value::Null);
    if let Some(country) = data
        .pointer("/shipping_details/address/country")
        .and_then(Value::as_str)
        && !SHIPS_TO.contains(&country)
    {
        return declined(&format!("We do not ship to {country}."));
    }
    let lines = data
        .get("line_items_details")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    if lines.is_empty() {
        return declined("The order has no items.");
    }
    let mut total = 0;
    for line in &lines {
        let sku = line.get("id").and_then(Value::as_str).unwrap_or_default();
        let quantity = line.get("quantity").and_then(Value::as_i64).unwrap_or(0);
        let Some(product) = product(sku) else {
            return declined(&format!("Out of stock: we have no {sku}."));
        };
        if quantity > product.stock {
            return declined(&format!(
                "Only {} of {} left in stock.",
                product.stock, product.name
            ));
        }
        total += product.unit_amount * quantity;
    }
    let total = data
        .get("amount_total")
        .and_then(Value::as_i64)
        .unwrap_or(total);
    json!({
        "manual_approval_details": {"type": "approved"},
        "application_fee_details": {"application_fee_amount": total * FEE_BPS / 10_000}
    })
}

fn customize_answer(event: &Value, mode: SellerMode) -> Value {
    let data = event.get("data").cloned().unwrap_or(Value::Null);
    let currency = data
        .get("currency")
        .and_then(Value::as_str)
        .unwrap_or("usd")
        .to_owned();
    let lines: Vec<String> = data
        .get("line_item_details")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|l| Some(l.get("id")?.as_str()?.to_owned()))
                .collect()
        })
        .unwrap_or_default();
    if mode == SellerMode::WrongShape {
        return json!({
            "shipping_options": [{"shipping_rate": "shr_standard",
                "shipping_rate_data": {"display_name": "Standard", "fixed_amount": {"amount": 500, "currency": currency}}}],
            "line_items": lines.iter().map(|id| json!({"id": id, "tax_rates": [{"percentage": 8}]})).collect::<Vec<_>>()
        });
    }
    let automatic = data
        .pointer("/automatic_tax/enabled")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    let mut answer = json!({
        "shipping_options": [
            {"shipping_rate_data": {"display_name": "Standard", "fixed_amount": {"amount": 500, "currency": currency},
                "tax_behavior": "excluded",
                "delivery_estimate": {"minimum": {"unit": "business_day", "value": 5}, "maximum": {"unit": "business_day", "value": 7}}}},
            {"shipping_rate_data": {"display_name": "Express", "fixed_amount": {"amount": 1500, "currency": currency},
                "tax_behavior": "excluded",
                "delivery_estimate": {"minimum": {"unit": "business_day", "value": 2}, "maximum": {"unit": "business_day", "value": 3}}}}
        ]
    });
    if !automatic {
        answer["line_items"] = lines
            .iter()
            .map(|id| json!({"id": id, "tax_rates": [{"rate_data": {"display_name": "Sales tax", "inclusive": false, "percentage": 8.0}}]}))
            .collect();
    }
    answer
}

// --- Custom-integration checkout endpoints -------------------------------------------------

fn render(checkout: &Checkout, mode: SellerMode) -> Value {
    let product = product(&checkout.sku);
    let unit = product.map_or(0, |p| p.unit_amount);
    let base = unit * checkout.quantity;
    let discount = if checkout.quantity >= 2 { base / 10 } else { 0 };
    let subtotal = base - discount;
    let tax = subtotal * TAX_BPS / 10_000;
    let options = [
        (
            "ship_standard",
            "Standard Shipping",
            "5-7 business days",
            "USPS",
            500,
            40,
        ),
        (
            "ship_express",
            "Express Shipping",
            "2-3 business days",
            "FedEx",
            1500,
            0,
        ),
    ];
    let chosen = options
        .iter()
        .find(|o| Some(o.0) == checkout.selected.as_deref());
    let (ship, ship_tax) = chosen.map_or((0, 0), |o| (o.4, o.5));
    let total = if mode == SellerMode::BadTotals {
        subtotal + tax
    } else {
        subtotal + ship + tax + ship_tax
    };
    json!({
        "id": checkout.id,
        "currency": checkout.currency,
        "status": checkout.status,
        "buyer": checkout.buyer,
        "fulfillment_details": checkout.fulfillment_details,
        "line_items": [{
            "id": checkout.sku,
            "item": {"id": product.map_or("", |p| p.id), "name": product.map_or("", |p| p.name),
                     "description": product.map_or("", |p| p.name), "images": [], "unit_amount": unit},
            "quantity": checkout.quantity, "base_amount": base, "discount": discount,
            "subtotal": subtotal, "tax": tax, "total": subtotal + tax
        }],
        "fulfillment_options": options.iter().map(|o| json!({
            "type": "shipping", "id": o.0, "title": o.1, "subtitle": o.2, "carrier": o.3,
            "subtotal": o.4, "tax": o.5, "total": o.4 + o.5
        })).collect::<Vec<_>>(),
        "fulfillment_option_id": checkout.selected,
        "totals": [
            {"type": "items_base_amount", "display_text": "Items", "amount": base},
            {"type": "discount", "display_text": "Discount", "amount": -discount},
            {"type": "subtotal", "display_text": "Subtotal", "amount": subtotal},
            {"type": "fulfillment", "display_text": "Shipping", "amount": ship},
            {"type": "tax", "display_text": "Sales Tax", "amount": tax + ship_tax},
            {"type": "total", "display_text": "Total", "amount": total}
        ]
    })
}

fn parse_body(body: &Bytes) -> Result<Value, String> {
    serde_json::from_slice(body).map_err(|e| format!("The body is not JSON: {e}."))
}

async fn create_checkout(State(seller): State<Shared>, body: Bytes) -> Response {
    let body = match parse_body(&body) {
        Ok(b) => b,
        Err(e) => return error(StatusCode::BAD_REQUEST, &e),
    };
    let Some(line) = body.pointer("/line_items/0") else {
        return error(
            StatusCode::BAD_REQUEST,
            "line_items needs one item with sku_id and quantity.",
        );
    };
    let sku = line
        .get("sku_id")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    let quantity = line.get("quantity").and_then(Value::as_i64).unwrap_or(0);
    let Some(product) = product(&sku) else {
        return error(StatusCode::BAD_REQUEST, &format!("Unknown SKU {sku}."));
    };
    if quantity < 1 || quantity > product.stock {
        return error(
            StatusCode::BAD_REQUEST,
            &format!("Quantity must be 1 to {} for {sku}.", product.stock),
        );
    }
    let mut store = seller.store();
    store.next_id += 1;
    let checkout = Checkout {
        id: format!("checkout_{:04}", store.next_id),
        currency: body
            .get("currency")
            .and_then(Value::as_str)
            .unwrap_or("usd")
            .to_lowercase(),
        sku,
        quantity,
        buyer: body.get("buyer").cloned().unwrap_or(Value::Null),
        fulfillment_details: body
            .get("fulfillment_details")
            .cloned()
            .unwrap_or(Value::Null),
        selected: None,
        status: "incomplete".to_owned(),
        order_id: None,
    };
    let rendered = render(&checkout, seller.config.mode);
    store.checkouts.insert(checkout.id.clone(), checkout);
    (StatusCode::CREATED, axum::Json(rendered)).into_response()
}

async fn update_checkout(
    State(seller): State<Shared>,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let body = match parse_body(&body) {
        Ok(b) => b,
        Err(e) => return error(StatusCode::BAD_REQUEST, &e),
    };
    let mode = seller.config.mode;
    let mut store = seller.store();
    let Some(checkout) = store.checkouts.get_mut(&id) else {
        return error(StatusCode::NOT_FOUND, &format!("No checkout {id}."));
    };
    if let Some(option) = body.get("fulfillment_option_id").and_then(Value::as_str) {
        if !["ship_standard", "ship_express"].contains(&option) {
            return error(
                StatusCode::BAD_REQUEST,
                &format!("Unknown fulfillment option {option}."),
            );
        }
        checkout.selected = Some(option.to_owned());
    }
    if let Some(details) = body.get("fulfillment_details") {
        checkout.fulfillment_details = details.clone();
    }
    let has_address = checkout
        .fulfillment_details
        .pointer("/address/country")
        .is_some();
    if checkout.selected.is_some() && has_address && mode != SellerMode::StuckStatus {
        "ready_for_payment".clone_into(&mut checkout.status);
    }
    axum::Json(render(checkout, mode)).into_response()
}

async fn confirm_checkout(
    State(seller): State<Shared>,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let body = match parse_body(&body) {
        Ok(b) => b,
        Err(e) => return error(StatusCode::BAD_REQUEST, &e),
    };
    let mut store = seller.store();
    let Some(checkout) = store.checkouts.get_mut(&id) else {
        return error(StatusCode::NOT_FOUND, &format!("No checkout {id}."));
    };
    if checkout.status != "ready_for_payment" {
        return error(
            StatusCode::CONFLICT,
            &format!(
                "Checkout {id} is {}, not ready_for_payment.",
                checkout.status
            ),
        );
    }
    let token = body
        .pointer("/payment_data/token")
        .and_then(Value::as_str)
        .unwrap_or_default();
    if !token.starts_with("spt_") {
        return error(
            StatusCode::BAD_REQUEST,
            "payment_data.token must be a shared payment token (spt_…).",
        );
    }
    let order_id = format!("order_{}", id.trim_start_matches("checkout_"));
    checkout.order_id = Some(order_id.clone());
    "in_progress".clone_into(&mut checkout.status);
    axum::Json(json!({
        "status": "in_progress",
        "order": {"id": order_id, "permalink_url": format!("https://seller.example/orders/{order_id}")}
    }))
    .into_response()
}

async fn retrieve_checkout(State(seller): State<Shared>, Path(id): Path<String>) -> Response {
    let store = seller.store();
    match store.checkouts.get(&id) {
        Some(checkout) => axum::Json(render(checkout, seller.config.mode)).into_response(),
        None => error(StatusCode::NOT_FOUND, &format!("No checkout {id}.")),
    }
}
