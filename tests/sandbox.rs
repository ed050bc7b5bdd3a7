//! The embedded sandbox driven over raw HTTP (reqwest + `serde_json`), the way Stripe's own
//! guides and any client would talk to it.

use std::collections::HashSet;
use std::time::{Duration, Instant};

use reqwest::header::HeaderMap;
use reqwest::{Client, Method, StatusCode};
use seller_console::sandbox::{DEMO_KEY, FaultRule, FaultSpec, Sandbox, SandboxConfig, Seed};
use serde_json::{Value, json};

const BETA: &str = "2025-09-30.clover;udap_beta=v1";
const IMPORT_SETS: &str = "/v1/data_management/import_sets";
const CATALOG_IMPORTS: &str = "/v2/commerce/product_catalog/imports";
const TERMINAL: &[&str] = &["succeeded", "succeeded_with_errors", "failed"];

struct Api {
    base: String,
    client: Client,
    key: String,
    account: Option<String>,
}

struct Answer {
    status: StatusCode,
    headers: HeaderMap,
    body: Value,
}

impl Answer {
    fn ok(self) -> Value {
        assert_eq!(
            self.status,
            StatusCode::OK,
            "unexpected answer: {}",
            self.body
        );
        self.body
    }

    fn error(&self) -> &Value {
        &self.body["error"]
    }

    /// The error message (the test fails when there is none).
    fn message(&self) -> &str {
        self.error()["message"]
            .as_str()
            .unwrap_or_else(|| panic!("no error message in {}", self.body))
    }

    /// Checks the request was refused with `status` and a message containing `fragment`.
    fn assert_refused(&self, status: StatusCode, fragment: &str) {
        assert_eq!(self.status, status, "unexpected answer: {}", self.body);
        let message = self.message();
        assert!(message.contains(fragment), "{message:?} lacks {fragment:?}");
    }
}

impl Api {
    fn new(sandbox: &Sandbox) -> Self {
        Api {
            base: sandbox.base_url(),
            client: Client::new(),
            key: DEMO_KEY.to_string(),
            account: None,
        }
    }

    fn with_key(&self, key: &str) -> Self {
        Api {
            base: self.base.clone(),
            client: self.client.clone(),
            key: key.to_string(),
            account: self.account.clone(),
        }
    }

    fn request(&self, method: Method, path: &str) -> reqwest::RequestBuilder {
        let mut rb = self
            .client
            .request(method, format!("{}{path}", self.base))
            .basic_auth(&self.key, Some(""));
        if let Some(acct) = &self.account {
            rb = rb.header("Stripe-Account", acct);
        }
        rb
    }

    async fn send(rb: reqwest::RequestBuilder) -> Answer {
        let response = rb.send().await.expect("the sandbox answers");
        let status = response.status();
        let headers = response.headers().clone();
        assert!(
            headers
                .get("request-id")
                .is_some_and(|v| v.to_str().unwrap().starts_with("req_")),
            "every answer carries a Request-Id"
        );
        let text = response.text().await.expect("a body");
        let body = serde_json::from_str(&text).unwrap_or(Value::String(text));
        Answer {
            status,
            headers,
            body,
        }
    }

    async fn get(&self, path: &str) -> Answer {
        Self::send(self.request(Method::GET, path)).await
    }

    async fn get_v(&self, path: &str, version: &str) -> Answer {
        Self::send(
            self.request(Method::GET, path)
                .header("Stripe-Version", version),
        )
        .await
    }

    async fn post(&self, path: &str, form: &[(&str, &str)]) -> Answer {
        Self::send(self.request(Method::POST, path).form(form)).await
    }

    /// A form POST with the import-sets beta version header.
    async fn post_beta(&self, path: &str, form: &[(&str, &str)]) -> Answer {
        Self::send(
            self.request(Method::POST, path)
                .header("Stripe-Version", BETA)
                .form(form),
        )
        .await
    }

    async fn post_key(&self, path: &str, form: &[(&str, &str)], key: &str) -> Answer {
        Self::send(
            self.request(Method::POST, path)
                .header("Idempotency-Key", key)
                .form(form),
        )
        .await
    }

    async fn post_json(&self, path: &str, body: &Value) -> Answer {
        Self::send(self.request(Method::POST, path).json(body)).await
    }

    async fn upload(&self, filename: &str, mime: &str, bytes: Vec<u8>) -> Answer {
        let part = reqwest::multipart::Part::bytes(bytes)
            .file_name(filename.to_string())
            .mime_str(mime)
            .unwrap();
        let form = reqwest::multipart::Form::new()
            .text("purpose", "data_management_manual_upload")
            .part("file", part);
        Self::send(self.request(Method::POST, "/v1/files").multipart(form)).await
    }

    /// An unauthenticated GET of a full URL (pre-signed links).
    async fn raw(&self, url: &str) -> (StatusCode, String) {
        let response = self.client.get(url).send().await.unwrap();
        (response.status(), response.text().await.unwrap())
    }

    /// An authenticated GET whose body is not JSON (file contents).
    async fn raw_auth(&self, path: &str) -> (StatusCode, String) {
        let response = self.request(Method::GET, path).send().await.unwrap();
        (response.status(), response.text().await.unwrap())
    }
}

async fn start(seed: Seed) -> Sandbox {
    Sandbox::start(SandboxConfig::seeded(seed)).await.unwrap()
}

async fn demo() -> (Sandbox, Api) {
    let sandbox = start(Seed::Demo).await;
    let api = Api::new(&sandbox);
    (sandbox, api)
}

/// The `data` array of a list.
fn data(list: &Value) -> &Vec<Value> {
    list["data"]
        .as_array()
        .unwrap_or_else(|| panic!("not a list: {list}"))
}

/// An object's `id`.
fn id(object: &Value) -> &str {
    object["id"]
        .as_str()
        .unwrap_or_else(|| panic!("no id: {object}"))
}

/// The ids of `objects`, in order.
fn ids(objects: &[Value]) -> Vec<String> {
    objects.iter().map(|o| id(o).to_string()).collect()
}

/// Every page of a v1 list from the newest, following `starting_after` while `has_more`.
/// `path` carries a query string.
async fn pages(api: &Api, path: &str) -> Vec<Value> {
    let mut out = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let url = match &cursor {
            Some(c) => format!("{path}&starting_after={c}"),
            None => path.to_string(),
        };
        let page = api.get(&url).await.ok();
        cursor = data(&page).last().map(|o| id(o).to_string());
        let more = page["has_more"].as_bool().unwrap();
        out.push(page);
        if !more {
            return out;
        }
    }
}

/// Every object of a v1 list, newest first.
async fn list_all(api: &Api, path: &str) -> Vec<Value> {
    pages(api, path)
        .await
        .iter()
        .flat_map(|page| data(page).clone())
        .collect()
}

/// The ids of a v1 list newer than `oldest`, walking back with `ending_before` while
/// `has_more`; newest first.
async fn ids_newer_than(api: &Api, path: &str, oldest: &str) -> Vec<String> {
    let mut back: Vec<String> = Vec::new();
    let mut cursor = oldest.to_string();
    loop {
        let page = api
            .get(&format!("{path}&ending_before={cursor}"))
            .await
            .ok();
        let page_ids = ids(data(&page));
        let Some(newest) = page_ids.first() else {
            break;
        };
        cursor.clone_from(newest);
        back.extend(page_ids.into_iter().rev());
        if !page["has_more"].as_bool().unwrap() {
            break;
        }
    }
    back.reverse();
    back
}

/// Every session of the list, newest first, with expansions.
async fn all_sessions(api: &Api, extra: &str) -> Vec<Value> {
    list_all(api, &format!("/v1/checkout/sessions?limit=100{extra}")).await
}

/// The `PaymentIntents` of complete orders in `status`.
async fn find_pi(api: &Api, status: &str) -> Vec<Value> {
    all_sessions(api, "&status=complete&expand[]=data.payment_intent")
        .await
        .into_iter()
        .filter(|s| s["payment_intent"]["status"] == status)
        .map(|s| s["payment_intent"].clone())
        .collect()
}

/// A succeeded `PaymentIntent` that received more than `amount`.
async fn paid_pi(api: &Api, amount: i64) -> Value {
    find_pi(api, "succeeded")
        .await
        .into_iter()
        .find(|p| p["amount_received"].as_i64().unwrap() > amount)
        .unwrap_or_else(|| panic!("no paid order above {amount}"))
}

/// The refunds of one `PaymentIntent` (first page).
async fn refunds_of(api: &Api, pi: &str) -> Vec<Value> {
    let list = api
        .get(&format!("/v1/refunds?payment_intent={pi}"))
        .await
        .ok();
    data(&list).clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn auth_is_checked_like_stripe() {
    let (sandbox, api) = demo().await;
    let none = Api::send(api.client.get(format!("{}/v1/checkout/sessions", api.base))).await;
    none.assert_refused(StatusCode::UNAUTHORIZED, "did not provide an API key");
    assert_eq!(none.error()["type"], "invalid_request_error");

    let bad = api
        .with_key("sk_prod_abcdefghijkl9876")
        .get("/v1/checkout/sessions")
        .await;
    assert_eq!(bad.status, StatusCode::UNAUTHORIZED);
    let message = bad.message();
    assert!(
        message.ends_with("9876") && !message.contains("abcdefghijkl"),
        "{message}"
    );

    let bearer = Api::send(
        api.client
            .get(format!("{}/v1/checkout/sessions?limit=1", api.base))
            .bearer_auth("rk_test_AnyRestrictedKey1"),
    )
    .await
    .ok();
    assert_eq!(bearer["data"][0]["livemode"], false);

    let live_api = api.with_key(concat!("sk_live", "_SomeLiveKey123"));
    let live = live_api.get("/v1/checkout/sessions").await.ok();
    assert_eq!(data(&live).len(), 0, "live data is separate");
    let live_import = live_api
        .post_json(
            CATALOG_IMPORTS,
            &json!({"feed_type": "product", "mode": "upsert"}),
        )
        .await
        .ok();
    assert_eq!(live_import["livemode"], true);
    assert!(id(&live_import).starts_with("pcimprt_61"));

    // Stripe-Account must name one of the platform's connected accounts.
    let stranger = Api {
        account: Some("acct_1NotConnectedHere".into()),
        ..api.with_key(DEMO_KEY)
    };
    let refused = stranger.get("/v1/checkout/sessions").await;
    refused.assert_refused(StatusCode::FORBIDDEN, "does not have access to account");
    assert_eq!(refused.error()["code"], "account_invalid");

    api.get("/v1/customers")
        .await
        .assert_refused(StatusCode::NOT_FOUND, "Unrecognized request URL");
    sandbox.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_platform_lists_its_connected_sellers_and_acts_as_each_one() {
    let (sandbox, api) = demo().await;
    let accounts = list_all(&api, "/v1/accounts?limit=100").await;
    assert_eq!(accounts.len(), 12, "the demo platform has a dozen sellers");
    let created: Vec<i64> = accounts
        .iter()
        .map(|a| a["created"].as_i64().unwrap())
        .collect();
    assert!(created.windows(2).all(|w| w[0] >= w[1]), "newest first");
    let named = |name: &str| {
        accounts
            .iter()
            .find(|a| a["business_profile"]["name"] == name)
            .unwrap_or_else(|| panic!("no seller {name}"))
            .clone()
    };
    let alder = named("Alder & Ash Ceramics");
    assert_eq!(alder["object"], "account");
    assert_eq!(alder["charges_enabled"], true);
    assert_eq!(alder["capabilities"]["card_payments"], "active");
    // One seller has not finished onboarding.
    let onboarding = named("Granite Peak Outfitters");
    assert_eq!(onboarding["charges_enabled"], false);
    assert_eq!(
        onboarding["requirements"]["disabled_reason"],
        "requirements.past_due"
    );

    // Acting as a seller shows its own data, not the platform's.
    let as_alder = Api {
        account: Some(id(&alder).to_owned()),
        ..api.with_key(DEMO_KEY)
    };
    let platform_orders = ids(&all_sessions(&api, "").await);
    let alder_orders = ids(&all_sessions(&as_alder, "").await);
    assert!(!alder_orders.is_empty(), "the seller has orders of its own");
    assert!(
        alder_orders.iter().all(|o| !platform_orders.contains(o)),
        "accounts are separate"
    );
    let current = as_alder.get("/v1/account").await.ok();
    assert_eq!(current["id"], alder["id"]);
    let mine = api.get("/v1/account").await.ok();
    assert_eq!(mine["business_profile"]["name"], "Juniper & Oak");
    let one = api.get(&format!("/v1/accounts/{}", id(&alder))).await.ok();
    assert_eq!(one["email"], alder["email"]);
    // "If you're not a platform, the list is empty."
    assert_eq!(data(&as_alder.get("/v1/accounts").await.ok()).len(), 0);
    // Test-mode sellers do not exist in live mode.
    let live = Api {
        account: Some(id(&alder).to_owned()),
        ..api.with_key(concat!("sk_live", "_SomeLiveKey123"))
    };
    assert_eq!(
        live.get("/v1/checkout/sessions").await.status,
        StatusCode::FORBIDDEN
    );
    api.get("/v1/accounts/acct_1NotConnectedHere")
        .await
        .assert_refused(StatusCode::FORBIDDEN, "does not have access");

    // A new connected account starts empty and cannot take charges yet.
    let made = api
        .post(
            "/v1/accounts",
            &[
                ("type", "express"),
                ("email", "new@shop.example"),
                ("business_profile[name]", "New Shop"),
            ],
        )
        .await
        .ok();
    assert_eq!(made["charges_enabled"], false);
    assert_eq!(made["business_profile"]["name"], "New Shop");
    let as_new = Api {
        account: Some(id(&made).to_owned()),
        ..api.with_key(DEMO_KEY)
    };
    assert_eq!(
        data(&as_new.get("/v1/checkout/sessions").await.ok()).len(),
        0
    );
    assert_eq!(list_all(&api, "/v1/accounts?limit=100").await.len(), 13);
    as_alder
        .post("/v1/accounts", &[("type", "express")])
        .await
        .assert_refused(StatusCode::BAD_REQUEST, "Only a platform");
    sandbox.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_flood_meets_the_per_account_rate_limit_and_other_accounts_do_not() {
    let (sandbox, api) = demo().await;
    let accounts = list_all(&api, "/v1/accounts?limit=100").await;
    let mut limited = None;
    for _ in 0..200 {
        let answer = api.get("/v1/checkout/sessions?limit=1").await;
        if answer.status == StatusCode::TOO_MANY_REQUESTS {
            limited = Some(answer);
            break;
        }
    }
    let limited = limited.expect("200 requests at once meet test mode's 25 a second");
    assert_eq!(limited.error()["code"], "rate_limit");
    assert_eq!(limited.headers["stripe-should-retry"], "true");
    // A seller's own limit is untouched by the platform's flood.
    let seller = Api {
        account: Some(id(&accounts[0]).to_owned()),
        ..api.with_key(DEMO_KEY)
    };
    seller.get("/v1/checkout/sessions?limit=1").await.ok();
    sandbox.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn five_thousand_sellers_page_through_and_cost_nothing_until_used() {
    let sandbox = Sandbox::start(SandboxConfig {
        accounts: Some(5_000),
        ..SandboxConfig::seeded(Seed::Empty)
    })
    .await
    .unwrap();
    let api = Api::new(&sandbox);
    let held = sandbox.accounts_held();
    let all = list_all(&api, "/v1/accounts?limit=100").await;
    assert_eq!(all.len(), 5_000);
    assert_eq!(ids(&all).into_iter().collect::<HashSet<_>>().len(), 5_000);
    assert_eq!(sandbox.accounts_held(), held, "listing made no ledgers");
    let last = Api {
        account: Some(id(&all[4_999]).to_owned()),
        ..api.with_key(DEMO_KEY)
    };
    let products = last.get("/v2/commerce/product_catalog/imports").await.ok();
    assert!(products["data"].is_array());
    assert_eq!(
        sandbox.accounts_held(),
        held + 1,
        "a seller's data is made when used"
    );
    sandbox.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn orders_look_real_and_expand_like_the_guide() {
    let (sandbox, api) = demo().await;
    let sessions = all_sessions(&api, "").await;
    assert!(
        sessions.len() >= 300,
        "a few hundred orders, got {}",
        sessions.len()
    );
    let created: Vec<i64> = sessions
        .iter()
        .map(|s| s["created"].as_i64().unwrap())
        .collect();
    assert!(created.windows(2).all(|w| w[0] >= w[1]), "newest first");
    assert!(id(&sessions[0]).starts_with("cs_test_a1"));
    assert!(
        sessions[0].get("line_items").is_none(),
        "line_items only when expanded"
    );

    // The guide's retrieve call: SKU, product identifiers, taxes, charge and agent details.
    let complete = id(sessions.iter().find(|s| s["status"] == "complete").unwrap());
    let order = api
        .get(&format!(
            "/v1/checkout/sessions/{complete}?expand[]=line_items.data.price.product\
             &expand[]=line_items.data.taxes&expand[]=payment_intent.latest_charge"
        ))
        .await
        .ok();
    let item = &order["line_items"]["data"][0];
    assert!(
        item["price"]["external_reference"]
            .as_str()
            .unwrap()
            .starts_with("JO-")
    );
    assert!(item["quantity"].as_i64().unwrap() >= 1);
    let product = &item["price"]["product"];
    assert_eq!(product["object"], "product");
    assert_eq!(product["identifiers"]["gtin"].as_str().unwrap().len(), 13);
    assert!(product["metadata"]["mpn"].is_string());
    assert!(item["taxes"].is_array());
    let pi = &order["payment_intent"];
    assert_eq!(pi["object"], "payment_intent");
    let charge = &pi["latest_charge"];
    assert_eq!(charge["object"], "charge");
    assert_eq!(
        charge["payment_method_details"]["card"]["last4"]
            .as_str()
            .unwrap()
            .len(),
        4
    );
    assert!(charge["billing_details"]["name"].is_string());
    assert!(order["collected_information"]["shipping_details"]["address"]["line1"].is_string());
    assert!(
        order["customer_details"]["email"]
            .as_str()
            .unwrap()
            .contains('@')
    );
    let sum: i64 = data(&order["line_items"])
        .iter()
        .map(|l| l["amount_total"].as_i64().unwrap())
        .sum();
    assert_eq!(
        sum + order["total_details"]["amount_shipping"].as_i64().unwrap(),
        order["amount_total"].as_i64().unwrap(),
        "line totals plus shipping make the order total"
    );

    // Agents, deadlines near and far, refunds and cancellations all appear.
    let expanded = all_sessions(&api, "&expand[]=data.payment_intent.latest_charge").await;
    let agents: HashSet<&str> = expanded
        .iter()
        .filter_map(|s| s["payment_intent"]["agent_details"]["name"].as_str())
        .collect();
    assert!(agents.len() >= 3, "named agents: {agents:?}");
    let now = chrono::Utc::now().timestamp();
    let deadlines: Vec<i64> = expanded
        .iter()
        .filter(|s| s["payment_intent"]["status"] == "requires_capture")
        .map(|s| {
            s["payment_intent"]["latest_charge"]["payment_method_details"]["card"]["capture_before"]
                .as_i64()
                .unwrap()
        })
        .collect();
    assert!(
        deadlines.iter().any(|d| d - now < 86_400),
        "a deadline within 24 h"
    );
    assert!(
        deadlines.iter().any(|d| d - now > 3 * 86_400),
        "a deadline days away"
    );
    let charges: Vec<&Value> = expanded
        .iter()
        .map(|s| &s["payment_intent"]["latest_charge"])
        .collect();
    assert!(charges.iter().any(|c| c["refunded"] == true));
    assert!(
        charges
            .iter()
            .any(|c| c["refunded"] == false && c["amount_refunded"].as_i64().unwrap_or(0) > 0)
    );
    assert!(
        expanded
            .iter()
            .any(|s| s["payment_intent"]["status"] == "canceled")
    );

    // Created filters, like the batch-fulfilment curl.
    let cutoff = now - 7 * 86_400;
    let recent = all_sessions(&api, &format!("&created[gt]={cutoff}&status=complete")).await;
    assert!(!recent.is_empty());
    assert!(
        recent
            .iter()
            .all(|s| s["created"].as_i64().unwrap() > cutoff && s["status"] == "complete")
    );
    sandbox.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn expansion_beyond_four_levels_is_refused() {
    let (sandbox, api) = demo().await;
    let deep = api
        .get("/v1/checkout/sessions?expand[]=data.line_items.data.price.product")
        .await;
    deep.assert_refused(StatusCode::BAD_REQUEST, "more than 4 levels");
    assert_eq!(deep.error()["param"], "expand");
    api.get("/v1/checkout/sessions?expand[]=data.currency")
        .await
        .assert_refused(StatusCode::BAD_REQUEST, "cannot be expanded");
    // Indexed arrays (what the SDKs send) work like `expand[]`.
    let list = api
        .get("/v1/checkout/sessions?limit=20&expand%5B0%5D=data.payment_intent")
        .await
        .ok();
    assert!(
        data(&list)
            .iter()
            .any(|s| s["payment_intent"]["object"] == "payment_intent")
    );
    sandbox.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pagination_returns_a_thousand_orders_each_exactly_once() {
    let sandbox = start(Seed::Empty).await;
    assert_eq!(sandbox.add_orders(1000), 1000);
    let api = Api::new(&sandbox);
    let ids = ids(&all_sessions(&api, "").await);
    assert_eq!(ids.len(), 1000);
    assert_eq!(
        ids.iter().collect::<HashSet<_>>().len(),
        1000,
        "no order twice"
    );

    // Backwards from the oldest with ending_before gives the same orders.
    let oldest = ids.last().unwrap();
    let mut back = ids_newer_than(&api, "/v1/checkout/sessions?limit=100", oldest).await;
    back.push(oldest.clone());
    assert_eq!(back, ids);

    let both = api
        .get(&format!(
            "/v1/checkout/sessions?starting_after={}&ending_before={}",
            ids[5], ids[1]
        ))
        .await;
    assert_eq!(both.status, StatusCode::BAD_REQUEST);
    let unknown = api
        .get("/v1/checkout/sessions?starting_after=cs_test_nope")
        .await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    assert_eq!(unknown.error()["code"], "resource_missing");
    sandbox.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn capture_follows_the_state_rules() {
    let (sandbox, api) = demo().await;
    let waiting = find_pi(&api, "requires_capture").await;
    assert!(waiting.len() >= 3);
    let pi = &waiting[0];
    let pi_id = id(pi);
    let amount = pi["amount"].as_i64().unwrap();
    let capture = format!("/v1/payment_intents/{pi_id}/capture");

    api.post("/v1/refunds", &[("payment_intent", pi_id)])
        .await
        .assert_refused(StatusCode::BAD_REQUEST, "Cancel it");

    let too_much = (amount + 1).to_string();
    let over = api
        .post(&capture, &[("amount_to_capture", &too_much)])
        .await;
    assert_eq!(over.status, StatusCode::BAD_REQUEST);
    assert_eq!(over.error()["param"], "amount_to_capture");

    let part = (amount - 100).to_string();
    let captured = api
        .post(
            &capture,
            &[("amount_to_capture", &part), ("expand[]", "latest_charge")],
        )
        .await
        .ok();
    assert_eq!(captured["status"], "succeeded");
    assert_eq!(captured["amount_received"], amount - 100);
    assert_eq!(captured["amount_capturable"], 0);
    assert_eq!(captured["latest_charge"]["captured"], true);
    assert_eq!(captured["latest_charge"]["amount_captured"], amount - 100);

    let again = api.post(&capture, &[]).await;
    assert_eq!(again.status, StatusCode::BAD_REQUEST);
    assert_eq!(again.error()["code"], "payment_intent_unexpected_state");
    assert_eq!(again.error()["payment_intent"]["status"], "succeeded");
    let cancel = api
        .post(&format!("/v1/payment_intents/{pi_id}/cancel"), &[])
        .await;
    assert_eq!(cancel.error()["code"], "payment_intent_unexpected_state");

    // Cancel releases another authorization.
    let other = id(&waiting[1]);
    let canceled = api
        .post(
            &format!("/v1/payment_intents/{other}/cancel"),
            &[("cancellation_reason", "requested_by_customer")],
        )
        .await
        .ok();
    assert_eq!(canceled["status"], "canceled");
    assert_eq!(canceled["cancellation_reason"], "requested_by_customer");

    // Past capture_before the authorization is gone.
    let late = id(&waiting[2]);
    sandbox.advance_clock(Duration::from_hours(192));
    let expired = api
        .post(&format!("/v1/payment_intents/{late}/capture"), &[])
        .await;
    assert_eq!(expired.status, StatusCode::BAD_REQUEST);
    assert_eq!(expired.error()["code"], "charge_expired_for_capture");
    let after = api.get(&format!("/v1/payment_intents/{late}")).await.ok();
    assert_eq!(after["status"], "canceled");
    assert_eq!(after["cancellation_reason"], "automatic");
    sandbox.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn partial_refunds_add_up_and_over_refunds_are_refused() {
    let (sandbox, api) = demo().await;
    let pi = paid_pi(&api, 3000).await;
    let pi_id = id(&pi);
    let charge_id = pi["latest_charge"].as_str().unwrap();
    let charge = api.get(&format!("/v1/charges/{charge_id}")).await.ok();
    let left =
        charge["amount_captured"].as_i64().unwrap() - charge["amount_refunded"].as_i64().unwrap();
    assert!(left > 2000);

    let first = api
        .post(
            "/v1/refunds",
            &[
                ("payment_intent", pi_id),
                ("amount", "1000"),
                ("reason", "requested_by_customer"),
                ("metadata[ticket]", "T-1"),
            ],
        )
        .await
        .ok();
    assert!(id(&first).starts_with("re_"));
    assert_eq!(first["amount"], 1000);
    assert_eq!(first["metadata"]["ticket"], "T-1");

    let over = api
        .post(
            "/v1/refunds",
            &[("payment_intent", pi_id), ("amount", &left.to_string())],
        )
        .await;
    over.assert_refused(StatusCode::BAD_REQUEST, "greater than unrefunded amount");
    assert_eq!(over.error()["type"], "invalid_request_error");
    assert_eq!(over.error()["param"], "amount");
    let message = over.message();
    assert!(message.starts_with("Refund amount ($"), "{message}");

    let rest = api.post("/v1/refunds", &[("charge", charge_id)]).await.ok();
    assert_eq!(rest["amount"], left - 1000);
    let charge = api
        .get(&format!("/v1/charges/{charge_id}?expand[]=refunds"))
        .await
        .ok();
    assert_eq!(charge["refunded"], true);
    assert_eq!(charge["amount_refunded"], charge["amount_captured"]);
    let listed: i64 = data(&charge["refunds"])
        .iter()
        .map(|r| r["amount"].as_i64().unwrap())
        .sum();
    assert_eq!(
        listed,
        charge["amount_refunded"].as_i64().unwrap(),
        "refunds add up to amount_refunded"
    );

    let done = api
        .post("/v1/refunds", &[("payment_intent", pi_id), ("amount", "1")])
        .await;
    assert_eq!(done.error()["code"], "charge_already_refunded");
    assert_eq!(
        done.message(),
        format!("Charge {charge_id} has already been refunded.")
    );

    assert!(
        refunds_of(&api, pi_id)
            .await
            .iter()
            .all(|r| r["payment_intent"] == pi_id)
    );
    let one = api.get(&format!("/v1/refunds/{}", id(&first))).await.ok();
    assert_eq!(one["amount"], 1000);
    sandbox.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn idempotency_keys_replay_and_refuse_mismatches() {
    let (sandbox, api) = demo().await;
    let pi = paid_pi(&api, 2000).await;
    let pi_id = id(&pi);
    let form = [("payment_intent", pi_id), ("amount", "500")];
    let first = api.post_key("/v1/refunds", &form, "refund-order-1").await;
    assert_eq!(first.status, StatusCode::OK);
    let second = api.post_key("/v1/refunds", &form, "refund-order-1").await;
    assert_eq!(second.status, StatusCode::OK);
    assert_eq!(second.body, first.body, "same key, same body: same answer");
    assert_eq!(second.headers.get("idempotent-replayed").unwrap(), "true");
    assert_eq!(
        refunds_of(&api, pi_id)
            .await
            .iter()
            .filter(|r| r["amount"] == 500)
            .count(),
        1
    );

    let other = api
        .post_key(
            "/v1/refunds",
            &[("payment_intent", pi_id), ("amount", "600")],
            "refund-order-1",
        )
        .await;
    assert_eq!(other.status, StatusCode::BAD_REQUEST);
    assert_eq!(other.error()["type"], "idempotency_error");

    // A refused request is replayed too, with its status.
    let huge = [("payment_intent", pi_id), ("amount", "99999999")];
    let a = api.post_key("/v1/refunds", &huge, "refund-order-2").await;
    let b = api.post_key("/v1/refunds", &huge, "refund-order-2").await;
    assert_eq!((a.status, &a.body), (b.status, &b.body));
    assert_eq!(b.status, StatusCode::BAD_REQUEST);
    sandbox.shutdown().await;
}

async fn poll_until_done(
    api: &Api,
    path: &str,
    version: Option<&str>,
    terminal: &[&str],
) -> (Vec<String>, Value) {
    let started = Instant::now();
    let mut seen = Vec::new();
    loop {
        let body = match version {
            Some(v) => api.get_v(path, v).await.ok(),
            None => api.get(path).await.ok(),
        };
        let status = body["status"].as_str().unwrap().to_string();
        if seen.last() != Some(&status) {
            seen.push(status.clone());
        }
        if terminal.contains(&status.as_str()) {
            return (seen, body);
        }
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "import stuck in {status}"
        );
        tokio::time::sleep(Duration::from_millis(150)).await;
    }
}

/// Polls an import set (beta version header) until it ends.
async fn import_set_until_done(api: &Api, set: &str) -> (Vec<String>, Value) {
    poll_until_done(api, &format!("{IMPORT_SETS}/{set}"), Some(BETA), TERMINAL).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn files_and_import_sets_run_to_a_terminal_state() {
    let (sandbox, api) = demo().await;
    // A valid inventory feed: the sandbox checks uploads with the real feed rules.
    let csv = "id,availability,availability_date,inventory_quantity\nJO-1,in_stock,,24\nJO-2,out_of_stock,,0\nJO-3,in_stock,,32\n";
    let file = api
        .upload("catalog.csv", "text/csv", csv.as_bytes().to_vec())
        .await
        .ok();
    let file_id = id(&file);
    assert!(file_id.starts_with("file_"));
    assert_eq!(file["purpose"], "data_management_manual_upload");
    assert_eq!(file["size"], csv.len());
    assert_eq!(file["type"], "csv");
    let meta = api.get(&format!("/v1/files/{file_id}")).await.ok();
    assert_eq!(meta["filename"], "catalog.csv");
    let (status, contents) = api.raw_auth(&format!("/v1/files/{file_id}/contents")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(contents, csv);

    let wrong = api
        .upload("catalog.pdf", "application/pdf", b"%PDF".to_vec())
        .await;
    assert_eq!(wrong.status, StatusCode::BAD_REQUEST);
    assert_eq!(wrong.error()["param"], "file");

    let form = [
        ("file", file_id),
        ("standard_data_format", "inventory_feed"),
    ];
    api.post(IMPORT_SETS, &form)
        .await
        .assert_refused(StatusCode::BAD_REQUEST, "udap_beta=v1");

    let created = api.post_beta(IMPORT_SETS, &form).await.ok();
    let set_id = id(&created);
    assert!(set_id.starts_with("impset_test_"));
    assert_eq!(created["status"], "pending");
    let (seen, done) = import_set_until_done(&api, set_id).await;
    assert_eq!(seen.first().map(String::as_str), Some("pending"));
    assert_eq!(done["status"], "succeeded");
    assert_eq!(done["result"]["rows_processed"], 3);
    assert_eq!(done["result"]["successes"]["row_count"], 3);

    // A file that is not text ends failed with a reason.
    let junk = api
        .upload(
            "export.csv",
            "text/csv",
            b"PK\x03\x04\x00\x00\x01binary".to_vec(),
        )
        .await
        .ok();
    let bad = api
        .post_beta(
            IMPORT_SETS,
            &[
                ("file", id(&junk)),
                ("standard_data_format", "product_catalog_feed"),
            ],
        )
        .await
        .ok();
    let (_, failed) = import_set_until_done(&api, id(&bad)).await;
    assert_eq!(failed["status"], "failed");
    assert!(failed["failed_reason"].as_str().unwrap().contains("UTF-8"));

    // The seeded import with errors serves its error report through the files endpoints.
    let sets = api
        .get_v(&format!("{IMPORT_SETS}?limit=100"), BETA)
        .await
        .ok();
    let with_errors = data(&sets)
        .iter()
        .find(|s| s["status"] == "succeeded_with_errors")
        .unwrap();
    let error_file = with_errors["result"]["errors"]["file"].as_str().unwrap();
    let (_, report) = api
        .raw_auth(&format!("/v1/files/{error_file}/contents"))
        .await;
    assert!(report.starts_with("stripe_error_message,"));
    assert_eq!(
        report.lines().count() as i64,
        with_errors["result"]["errors"]["row_count"]
            .as_i64()
            .unwrap()
            + 1
    );
    sandbox.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn catalog_imports_upload_to_the_presigned_url_and_finish() {
    let (sandbox, api) = demo().await;
    let missing = api
        .post_json(CATALOG_IMPORTS, &json!({"feed_type": "product"}))
        .await;
    assert_eq!(missing.status, StatusCode::BAD_REQUEST);
    assert_eq!(missing.error()["param"], "mode");
    let replace = api
        .post_json(
            CATALOG_IMPORTS,
            &json!({"feed_type": "inventory", "mode": "replace"}),
        )
        .await;
    assert_eq!(replace.status, StatusCode::BAD_REQUEST);

    let created = api
        .post_json(
            CATALOG_IMPORTS,
            &json!({"feed_type": "inventory", "mode": "upsert", "metadata": {"batch": "7"}}),
        )
        .await
        .ok();
    assert_eq!(created["object"], "v2.commerce.product_catalog_import");
    assert_eq!(created["status"], "awaiting_upload");
    assert!(
        created["created"].as_str().unwrap().ends_with('Z'),
        "RFC 3339 times"
    );
    let url = created["status_details"]["awaiting_upload"]["upload_url"]["url"]
        .as_str()
        .unwrap();
    assert!(url.starts_with(&api.base));
    let csv =
        "id,availability,availability_date,inventory_quantity\nA,in_stock,,1\nB,out_of_stock,,0\n";
    let put = api.client.put(url).body(csv).send().await.unwrap();
    assert_eq!(put.status(), StatusCode::OK);
    let again = api.client.put(url).body(csv).send().await.unwrap();
    assert_eq!(
        again.status(),
        StatusCode::FORBIDDEN,
        "a pre-signed URL is used once"
    );

    let (seen, done) = poll_until_done(
        &api,
        &format!("{CATALOG_IMPORTS}/{}", id(&created)),
        None,
        TERMINAL,
    )
    .await;
    assert_eq!(seen[0], "processing");
    assert_eq!(done["status"], "succeeded");
    assert_eq!(
        done["status_details"]["succeeded"]["success_count"], "2",
        "int64 as a string"
    );
    assert_eq!(done["metadata"]["batch"], "7");

    // The seeded import with errors: the download URL works, then expires.
    let list = api
        .get(&format!("{CATALOG_IMPORTS}?status=succeeded_with_errors"))
        .await
        .ok();
    let seeded = &list["data"][0];
    let details = &seeded["status_details"]["succeeded_with_errors"];
    assert!(details["samples"][0]["error_message"].is_string());
    assert!(details["error_count"].is_string());
    let link = details["error_file"]["download_url"]["url"]
        .as_str()
        .unwrap()
        .to_string();
    let (status, report) = api.raw(&link).await;
    assert_eq!(status, StatusCode::OK);
    assert!(report.starts_with("stripe_error_message,"));
    sandbox.advance_clock(Duration::from_mins(6));
    let (status, _) = api.raw(&link).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "the link expired");
    let fresh = api
        .get(&format!("{CATALOG_IMPORTS}/{}", id(seeded)))
        .await
        .ok();
    let new_link =
        fresh["status_details"]["succeeded_with_errors"]["error_file"]["download_url"]["url"]
            .as_str()
            .unwrap();
    assert_ne!(new_link, link);
    assert_eq!(api.raw(new_link).await.0, StatusCode::OK);
    sandbox.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn agreements_move_through_their_statuses() {
    let (sandbox, api) = demo().await;
    let mut all = Vec::new();
    let mut next = Some("/v2/orchestrated_commerce/agreements?limit=3".to_string());
    while let Some(path) = next {
        let page = api.get(&path).await.ok();
        all.extend(data(&page).clone());
        next = page["next_page_url"].as_str().map(str::to_string);
    }
    let unique: HashSet<&str> = all.iter().map(id).collect();
    assert_eq!(unique.len(), all.len(), "each agreement once");
    let statuses: HashSet<&str> = all.iter().map(|a| a["status"].as_str().unwrap()).collect();
    for s in [
        "initiated",
        "partially_confirmed",
        "confirmed",
        "terminated",
    ] {
        assert!(statuses.contains(s), "missing {s}");
    }
    let initiated = id(all.iter().find(|a| a["status"] == "initiated").unwrap());
    let path = format!("/v2/orchestrated_commerce/agreements/{initiated}");
    let confirmed = api
        .post_json(&format!("{path}/confirm"), &json!({}))
        .await
        .ok();
    assert_eq!(confirmed["status"], "partially_confirmed");
    assert!(confirmed["status_transitions"]["seller_confirmed_at"].is_string());

    let waiting = id(all
        .iter()
        .find(|a| {
            a["status"] == "partially_confirmed"
                && a["status_transitions"]["seller_confirmed_at"].is_null()
        })
        .unwrap());
    let both = api
        .post_json(
            &format!("/v2/orchestrated_commerce/agreements/{waiting}/confirm"),
            &json!({}),
        )
        .await
        .ok();
    assert_eq!(both["status"], "confirmed");

    let ended = api
        .post_json(&format!("{path}/terminate"), &json!({}))
        .await
        .ok();
    assert_eq!(ended["status"], "terminated");
    assert_eq!(ended["terminated_by"], "seller");
    api.post_json(&format!("{path}/confirm"), &json!({}))
        .await
        .assert_refused(StatusCode::BAD_REQUEST, "terminated");
    let fetched = api.get(&path).await.ok();
    assert_eq!(fetched["status"], "terminated");
    assert!(fetched["orchestrator_details"]["name"].is_string());
    sandbox.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn faults_do_what_the_spec_says() {
    let (sandbox, api) = demo().await;
    let pi = paid_pi(&api, 2000).await;
    let pi_id = id(&pi);

    // 429 storm on refunds only, then through.
    let form = [("payment_intent", pi_id), ("amount", "300")];
    sandbox.faults().set("429:x2@/v1/refunds".parse().unwrap());
    for _ in 0..2 {
        let limited = api.post_key("/v1/refunds", &form, "k-429").await;
        assert_eq!(limited.status, StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(limited.headers.get("stripe-should-retry").unwrap(), "true");
        assert_eq!(limited.error()["code"], "rate_limit");
    }
    assert_eq!(
        api.get("/v1/checkout/sessions?limit=1").await.status,
        StatusCode::OK
    );
    let through = api.post_key("/v1/refunds", &form, "k-429").await;
    assert_eq!(
        through.status,
        StatusCode::OK,
        "the 429s stored nothing under the key"
    );

    // The connection drops after the refund is committed; the retry with the same key
    // gets the stored answer, and there is exactly one refund.
    sandbox.faults().set(
        FaultSpec::none().with(
            FaultRule::drop_after_commit()
                .on_path("/v1/refunds")
                .next(1),
        ),
    );
    let form = [("payment_intent", pi_id), ("amount", "400")];
    let dropped = api
        .request(Method::POST, "/v1/refunds")
        .header("Idempotency-Key", "k-drop")
        .form(&form)
        .send()
        .await;
    assert!(dropped.is_err(), "the connection was cut");
    let retried = api.post_key("/v1/refunds", &form, "k-drop").await;
    assert_eq!(retried.status, StatusCode::OK);
    assert_eq!(retried.headers.get("idempotent-replayed").unwrap(), "true");
    let four_hundred = refunds_of(&api, pi_id)
        .await
        .iter()
        .filter(|r| r["amount"] == 400)
        .count();
    assert_eq!(four_hundred, 1, "exactly one refund");

    // 500s and slow answers.
    sandbox.faults().set("500:1".parse().unwrap());
    let broken = api.get("/v1/checkout/sessions").await;
    assert_eq!(broken.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(broken.error()["type"], "api_error");
    sandbox
        .faults()
        .set("slow:400@/v1/refunds".parse().unwrap());
    let started = Instant::now();
    assert_eq!(
        api.get(&format!("/v1/refunds?payment_intent={pi_id}"))
            .await
            .status,
        StatusCode::OK
    );
    assert!(
        started.elapsed() >= Duration::from_millis(400),
        "the answer waited for the fault"
    );
    sandbox.faults().clear();
    sandbox.shutdown().await;
}

/// Checks every page of a v1 list: the envelope, at most `limit` items each, and `has_more`
/// true on all pages but the last.
fn assert_pages(pages: &[Value], url: &str, limit: usize) {
    let (last, full) = pages.split_last().expect("at least one page");
    for page in pages {
        assert_eq!(page["object"], "list");
        assert_eq!(page["url"], url);
        assert!(data(page).len() <= limit, "a page holds at most {limit}");
    }
    assert!(full.iter().all(|p| p["has_more"] == true));
    assert_eq!(last["has_more"], false);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refunds_page_both_ways_and_expand_their_charge() {
    let (sandbox, api) = demo().await;
    let pi = paid_pi(&api, 3000).await;
    let pi_id = id(&pi);
    let mut made = Vec::new();
    for _ in 0..25 {
        let form = [("payment_intent", pi_id), ("amount", "20")];
        made.push(id(&api.post("/v1/refunds", &form).await.ok()).to_string());
    }
    made.reverse();

    // Forward with starting_after: three pages of ten, newest first, each refund once.
    let path = format!("/v1/refunds?payment_intent={pi_id}&limit=10");
    let forward = pages(&api, &path).await;
    assert!(forward.len() >= 3, "{} pages", forward.len());
    assert_pages(&forward, "/v1/refunds", 10);
    let listed: Vec<String> = forward.iter().flat_map(|p| ids(data(p))).collect();
    assert_eq!(
        listed[..25],
        made[..],
        "the new refunds come first, newest first"
    );
    assert_eq!(
        listed.iter().collect::<HashSet<_>>().len(),
        listed.len(),
        "no refund twice"
    );

    // Backwards with ending_before gives the same refunds.
    let oldest = listed.last().unwrap();
    let mut back = ids_newer_than(&api, &path, oldest).await;
    back.push(oldest.clone());
    assert_eq!(back, listed);

    // expand[] replaces the ids of every item, like the sessions list.
    let expanded = api
        .get(&format!(
            "{path}&expand[]=data.charge&expand[]=data.payment_intent"
        ))
        .await
        .ok();
    assert_eq!(ids(data(&expanded)), made[..10]);
    for refund in data(&expanded) {
        assert_eq!(refund["charge"]["object"], "charge");
        assert_eq!(refund["charge"]["id"], pi["latest_charge"]);
        assert_eq!(refund["payment_intent"]["object"], "payment_intent");
        assert_eq!(refund["payment_intent"]["id"], pi_id);
    }
    api.get(&format!("{path}&expand[]=data.amount"))
        .await
        .assert_refused(StatusCode::BAD_REQUEST, "cannot be expanded");
    sandbox.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refund_lists_refuse_bad_parameters_like_stripe() {
    let (sandbox, api) = demo().await;
    for limit in ["0", "101", "ten"] {
        let bad = api.get(&format!("/v1/refunds?limit={limit}")).await;
        bad.assert_refused(StatusCode::BAD_REQUEST, limit);
        assert_eq!(bad.error()["param"], "limit");
        assert_eq!(bad.error()["type"], "invalid_request_error");
    }
    let all = api.get("/v1/refunds?limit=100").await.ok();
    let (newest, older) = (id(&data(&all)[0]), id(&data(&all)[1]));
    api.get(&format!(
        "/v1/refunds?starting_after={older}&ending_before={newest}"
    ))
    .await
    .assert_refused(
        StatusCode::BAD_REQUEST,
        "You may only specify one of these parameters: ending_before, starting_after.",
    );
    let unknown = api.get("/v1/refunds?starting_after=re_nope").await;
    unknown.assert_refused(StatusCode::NOT_FOUND, "No such refund: 're_nope'");
    assert_eq!(unknown.error()["code"], "resource_missing");
    assert_eq!(unknown.error()["param"], "starting_after");
    let charge = api.get("/v1/refunds?charge=ch_nope").await;
    charge.assert_refused(StatusCode::NOT_FOUND, "No such charge: 'ch_nope'");
    assert_eq!(charge.error()["param"], "charge");
    api.get("/v1/refunds?status=succeeded")
        .await
        .assert_refused(StatusCode::BAD_REQUEST, "status");
    sandbox.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn files_and_payment_intents_page_and_expand_like_sessions() {
    let (sandbox, api) = demo().await;
    let mut uploaded = Vec::new();
    for n in 0..5 {
        let csv =
            format!("id,availability,availability_date,inventory_quantity\nJO-{n},in_stock,,1\n");
        let file = api
            .upload(&format!("stock-{n}.csv"), "text/csv", csv.into_bytes())
            .await
            .ok();
        uploaded.push(id(&file).to_string());
    }
    uploaded.reverse();
    let files = pages(
        &api,
        "/v1/files?purpose=data_management_manual_upload&limit=2",
    )
    .await;
    assert_pages(&files, "/v1/files", 2);
    let listed: Vec<String> = files.iter().flat_map(|p| ids(data(p))).collect();
    assert_eq!(listed[..5], uploaded[..], "newest upload first");

    let intents = pages(&api, "/v1/payment_intents?limit=50").await;
    assert!(intents.len() >= 2, "{} pages", intents.len());
    assert_pages(&intents, "/v1/payment_intents", 50);
    let all: Vec<String> = intents.iter().flat_map(|p| ids(data(p))).collect();
    assert_eq!(all.iter().collect::<HashSet<_>>().len(), all.len());
    let second = api
        .get(&format!(
            "/v1/payment_intents?limit=5&starting_after={}&expand[]=data.latest_charge",
            all[4]
        ))
        .await
        .ok();
    assert_eq!(ids(data(&second)), all[5..10]);
    assert!(
        data(&second)
            .iter()
            .all(|pi| pi["latest_charge"].is_null() || pi["latest_charge"]["object"] == "charge")
    );
    assert!(
        data(&second)
            .iter()
            .any(|pi| pi["latest_charge"]["object"] == "charge")
    );
    sandbox.shutdown().await;
}

/// The available balance in US cents of the platform (`account` `None`) or a seller.
async fn available_usd(api: &Api, account: Option<&str>) -> i64 {
    let as_account = Api {
        account: account.map(str::to_owned),
        ..api.with_key(DEMO_KEY)
    };
    let balance = as_account.get("/v1/balance").await.ok();
    assert_eq!(balance["object"], "balance");
    balance["available"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["currency"] == "usd")
        .and_then(|a| a["amount"].as_i64())
        .unwrap_or_else(|| panic!("no usd balance in {balance}"))
}

/// `total × part / whole`, rounded half up.
fn share(total: i64, part: i64, whole: i64) -> i64 {
    (2 * total * part + whole) / (2 * whole)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn destination_charges_move_money_between_the_platform_and_its_sellers() {
    let (sandbox, api) = demo().await;
    let sessions = all_sessions(
        &api,
        "&status=complete&expand[]=data.payment_intent.latest_charge",
    )
    .await;
    let paid: Vec<&Value> = sessions
        .iter()
        .map(|s| &s["payment_intent"])
        .filter(|pi| {
            let charge = &pi["latest_charge"];
            pi["status"] == "succeeded"
                && charge["amount_refunded"] == 0
                && charge["disputed"] == false
        })
        .collect();
    let mut destination = paid.iter().filter(|pi| !pi["transfer_data"].is_null());
    let pi = destination
        .next()
        .expect("the demo platform has destination charges");
    let other = destination.next().expect("more than one");
    let direct = paid
        .iter()
        .find(|pi| pi["transfer_data"].is_null())
        .expect("and orders of its own");

    // The order names its seller and the platform's fee, and capture made the transfer.
    let charge = &pi["latest_charge"];
    let seller = pi["transfer_data"]["destination"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(seller.starts_with("acct_"));
    assert_eq!(pi["on_behalf_of"], seller.as_str());
    assert_eq!(charge["transfer_data"]["destination"], seller.as_str());
    assert_eq!(charge["on_behalf_of"], seller.as_str());
    let captured = charge["amount_captured"].as_i64().unwrap();
    let fee_amount = pi["application_fee_amount"].as_i64().unwrap();
    assert_eq!(fee_amount, share(captured, 1, 10), "a 10 % fee");
    assert_eq!(charge["application_fee_amount"], fee_amount);
    let transfer_id = charge["transfer"].as_str().unwrap().to_owned();
    let fee_id = charge["application_fee"].as_str().unwrap().to_owned();
    let transfer = api.get(&format!("/v1/transfers/{transfer_id}")).await.ok();
    assert_eq!(transfer["object"], "transfer");
    assert_eq!(
        transfer["amount"], captured,
        "the whole amount goes to the seller"
    );
    assert_eq!(transfer["destination"], seller.as_str());
    assert_eq!(transfer["source_transaction"], id(charge));
    assert!(
        transfer["destination_payment"]
            .as_str()
            .unwrap()
            .starts_with("py_")
    );
    assert_eq!(transfer["amount_reversed"], 0);
    let fee = api
        .get(&format!("/v1/application_fees/{fee_id}"))
        .await
        .ok();
    assert_eq!(fee["object"], "application_fee");
    assert_eq!(fee["account"], seller.as_str());
    assert_eq!(fee["amount"], fee_amount);
    assert_eq!(fee["originating_transaction"], id(charge));
    let fees = api
        .get(&format!("/v1/application_fees?charge={}", id(charge)))
        .await
        .ok();
    assert_eq!(ids(data(&fees)), vec![fee_id.clone()]);
    let expanded = api
        .get(&format!(
            "/v1/charges/{}?expand[]=transfer&expand[]=application_fee",
            id(charge)
        ))
        .await
        .ok();
    assert_eq!(expanded["transfer"]["id"], transfer_id.as_str());
    assert_eq!(expanded["application_fee"]["id"], fee_id.as_str());

    // A partial refund that reverses the transfer and refunds the fee: the seller gives back
    // its share of the refund, less the share of the fee it gets back.
    let platform_before = available_usd(&api, None).await;
    let seller_before = available_usd(&api, Some(&seller)).await;
    let amount = captured / 4;
    let amount_text = amount.to_string();
    let form = [
        ("payment_intent", id(pi)),
        ("amount", amount_text.as_str()),
        ("reverse_transfer", "true"),
        ("refund_application_fee", "true"),
    ];
    let refund = api
        .post_key("/v1/refunds", &form, "dest-refund-1")
        .await
        .ok();
    let reversal = refund["transfer_reversal"].as_str().unwrap().to_owned();
    assert!(reversal.starts_with("trr_"));
    let fee_back = share(fee_amount, amount, captured);
    assert_eq!(available_usd(&api, None).await, platform_before - fee_back);
    assert_eq!(
        available_usd(&api, Some(&seller)).await,
        seller_before - amount + fee_back
    );
    let transfer = api.get(&format!("/v1/transfers/{transfer_id}")).await.ok();
    assert_eq!(transfer["amount_reversed"], amount);
    assert_eq!(transfer["reversed"], false);
    assert_eq!(data(&transfer["reversals"])[0]["id"], reversal.as_str());
    assert_eq!(
        data(&transfer["reversals"])[0]["source_refund"],
        id(&refund)
    );
    let fee = api
        .get(&format!("/v1/application_fees/{fee_id}"))
        .await
        .ok();
    assert_eq!(fee["amount_refunded"], fee_back);
    assert!(id(&data(&fee["refunds"])[0]).starts_with("fr_"));

    // Replaying the request replays the refund: nothing moves twice.
    let again = api.post_key("/v1/refunds", &form, "dest-refund-1").await;
    assert_eq!(again.body, refund);
    assert_eq!(available_usd(&api, None).await, platform_before - fee_back);

    // The rest, refunded the same way: the whole transfer comes back, and the whole fee.
    let rest = [
        ("payment_intent", id(pi)),
        ("reverse_transfer", "true"),
        ("refund_application_fee", "true"),
    ];
    api.post("/v1/refunds", &rest).await.ok();
    let transfer = api.get(&format!("/v1/transfers/{transfer_id}")).await.ok();
    assert_eq!(
        (&transfer["amount_reversed"], &transfer["reversed"]),
        (&json!(captured), &json!(true))
    );
    let fee = api
        .get(&format!("/v1/application_fees/{fee_id}"))
        .await
        .ok();
    assert_eq!(
        (&fee["amount_refunded"], &fee["refunded"]),
        (&json!(fee_amount), &json!(true))
    );
    assert_eq!(
        available_usd(&api, None).await,
        platform_before - fee_amount,
        "the platform gave back its fee; the seller paid the refunds"
    );

    // By default the platform's balance pays and the seller keeps the transfer.
    let other_seller = other["transfer_data"]["destination"]
        .as_str()
        .unwrap()
        .to_owned();
    let (platform_before, seller_before) = (
        available_usd(&api, None).await,
        available_usd(&api, Some(&other_seller)).await,
    );
    let refund = api
        .post(
            "/v1/refunds",
            &[("payment_intent", id(other)), ("amount", "100")],
        )
        .await
        .ok();
    assert!(refund["transfer_reversal"].is_null());
    assert_eq!(available_usd(&api, None).await, platform_before - 100);
    assert_eq!(
        available_usd(&api, Some(&other_seller)).await,
        seller_before
    );

    // Nothing to take back on the platform's own orders, nor on a seller's direct charge.
    let refused = api
        .post(
            "/v1/refunds",
            &[("payment_intent", id(direct)), ("reverse_transfer", "true")],
        )
        .await;
    refused.assert_refused(StatusCode::BAD_REQUEST, "no transfer to reverse");
    assert_eq!(refused.error()["type"], "invalid_request_error");
    assert_eq!(refused.error()["param"], "reverse_transfer");
    let refused = api
        .post(
            "/v1/refunds",
            &[
                ("payment_intent", id(direct)),
                ("refund_application_fee", "true"),
            ],
        )
        .await;
    refused.assert_refused(StatusCode::BAD_REQUEST, "no application fee");
    assert_eq!(refused.error()["param"], "refund_application_fee");
    let as_seller = Api {
        account: Some(seller.clone()),
        ..api.with_key(DEMO_KEY)
    };
    let own = find_pi(&as_seller, "succeeded").await;
    let refused = as_seller
        .post(
            "/v1/refunds",
            &[
                ("payment_intent", id(&own[0])),
                ("reverse_transfer", "true"),
            ],
        )
        .await;
    assert_eq!(refused.error()["param"], "reverse_transfer");
    assert_eq!(
        direct["latest_charge"]["amount_refunded"], 0,
        "nothing was refunded"
    );
    sandbox.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn capturing_a_destination_charge_pays_the_seller_less_the_fee() {
    let (sandbox, api) = demo().await;
    let pi = find_pi(&api, "requires_capture")
        .await
        .into_iter()
        .find(|pi| !pi["transfer_data"].is_null())
        .expect("a destination charge awaiting capture");
    let seller = pi["transfer_data"]["destination"]
        .as_str()
        .unwrap()
        .to_owned();
    let fee = pi["application_fee_amount"].as_i64().unwrap();
    let before = available_usd(&api, Some(&seller)).await;
    let captured = api
        .post(
            &format!("/v1/payment_intents/{}/capture", id(&pi)),
            &[("expand[]", "latest_charge.transfer")],
        )
        .await
        .ok();
    let transfer = &captured["latest_charge"]["transfer"];
    assert_eq!(transfer["amount"], pi["amount"]);
    assert_eq!(transfer["destination"], seller.as_str());
    assert_eq!(
        available_usd(&api, Some(&seller)).await,
        before + pi["amount"].as_i64().unwrap() - fee
    );
    let refused = api
        .post(
            &format!(
                "/v1/payment_intents/{}/capture",
                id(&find_pi(&api, "requires_capture")
                    .await
                    .into_iter()
                    .find(|pi| pi["transfer_data"].is_null())
                    .expect("an order of the platform's own awaiting capture"))
            ),
            &[("application_fee_amount", "100")],
        )
        .await;
    assert_eq!(refused.error()["param"], "application_fee_amount");
    sandbox.shutdown().await;
}
