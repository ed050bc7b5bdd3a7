//! The Stripe client against Stripe's canonical fixtures and a tiny local server that
//! misbehaves on purpose: retries, idempotency, 429 storms, dropped connections, hosts,
//! headers, form encoding, streaming uploads, pagination, expiring links and secrets.

use std::collections::{BTreeMap, HashSet};
use std::fmt::Write as _;
use std::path::Path;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use seller_console::stripe::account::Account;
use seller_console::stripe::agreements::{Agreement, AgreementStatus};
use seller_console::stripe::catalog_imports::{CatalogImport, CatalogImportStatus};
use seller_console::stripe::connect::{ApplicationFee, FeeRefund, Transfer, TransferReversal};
use seller_console::stripe::files::{File, FilePurpose};
use seller_console::stripe::import_sets::{ImportSet, ImportSetStatus, StandardDataFormat};
use seller_console::stripe::model::Expandable;
use seller_console::stripe::orders::{CheckoutSession, LineItem, OrderQuery, Price, Product};
use seller_console::stripe::payment_intents::{Charge, PaymentIntent};
use seller_console::stripe::refunds::{ConnectRefund, Refund, RefundReason, RefundRequest};
use seller_console::stripe::{
    ApiKey, Checkpoint, Client, Config, Error, IdempotencyKey, RetryPolicy,
};
use serde::de::DeserializeOwned;

const SECRET: &str = "sk_test_51SeCrEtSeCrEtSeCrEtSeCrEt4242";

// ---------------------------------------------------------------- fixtures

fn fixture<T: DeserializeOwned>(name: &str) -> T {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/stripe")
        .join(name);
    let text = std::fs::read_to_string(&path).unwrap();
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// What a destination charge carries: its seller (an id, or expanded as in the canonical
/// fixtures), the transfer with its reversals and the application fee with its refunds.
#[test]
fn destination_charge_fixtures_deserialize() {
    let pi: PaymentIntent = fixture("payment_intent.json");
    assert_eq!(
        pi.destination(),
        Some("obj_123"),
        "transfer_data.destination, expanded"
    );
    let ch: Charge = fixture("charge.json");
    assert_eq!(ch.destination(), Some("obj_123"));
    assert_eq!(ch.transfer_data.as_ref().unwrap().amount, None);
    assert!(ch.application_fee.is_none() && ch.transfer.is_none());
    let t: Transfer = fixture("transfer.json");
    assert_eq!(t.id, "tr_1Pgc7BB7WZ01zgkWVJfE40RX");
    assert_eq!((t.amount, t.amount_reversed, t.reversed), (1100, 0, false));
    assert_eq!(
        t.destination.as_ref().map(Expandable::id),
        Some("acct_1PgafTB7WZ01zgkW")
    );
    assert_eq!(t.destination_payment.as_deref(), Some("py_QXhWZR8SdWquhf"));
    assert!(t.reversals.unwrap().data.is_empty());
    let r: TransferReversal = fixture("transfer_reversal.json");
    assert_eq!(
        (r.id.as_str(), r.amount),
        ("trr_1Pgc7BB7WZ01zgkWsU61ufNC", 1100)
    );
    let fee: ApplicationFee = fixture("application_fee.json");
    assert_eq!(fee.amount, 100);
    assert_eq!(
        fee.account.as_ref().map(Expandable::id),
        Some("acct_1PgafTB7WZ01zgkW")
    );
    assert!(!fee.refunded && fee.refunds.unwrap().data.is_empty());
    let fr: FeeRefund = fixture("fee_refund.json");
    assert_eq!(
        (fr.id.as_str(), fr.amount),
        ("fr_1Pgc70B7WZ01zgkWSr1ANtFu", 100)
    );
    // A charge on a sandbox destination charge, with its transfer and fee expanded.
    let expanded: Charge = serde_json::from_value(serde_json::json!({
        "id": "ch_1", "amount": 2000, "amount_captured": 2000,
        "transfer_data": { "amount": null, "destination": "acct_1" },
        "on_behalf_of": "acct_1", "application_fee_amount": 200,
        "transfer": serde_json::from_str::<serde_json::Value>(
            &std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("tests/fixtures/stripe/transfer.json")).unwrap()).unwrap(),
        "application_fee": "fee_1",
    }))
    .unwrap();
    assert_eq!(expanded.destination(), Some("acct_1"));
    assert_eq!(expanded.transfer_object().map(|t| t.amount), Some(1100));
    assert!(expanded.application_fee_object().is_none());
    assert_eq!(
        expanded.application_fee.as_ref().map(Expandable::id),
        Some("fee_1")
    );
}

#[test]
fn every_canonical_fixture_deserializes() {
    for suffix in ["", ".private_preview"] {
        let s: CheckoutSession = fixture(&format!("checkout.session{suffix}.json"));
        assert!(s.id.starts_with("cs_test_"));
        let pi: PaymentIntent = fixture(&format!("payment_intent{suffix}.json"));
        assert_eq!(pi.amount, 1099);
        let ch: Charge = fixture(&format!("charge{suffix}.json"));
        let card = ch
            .payment_method_details
            .as_ref()
            .unwrap()
            .card
            .as_ref()
            .unwrap();
        assert_eq!(card.last4.as_deref(), Some("4242"));
        assert!(ch.refunds.as_ref().unwrap().data.is_empty());
        let re: Refund = fixture(&format!("refund{suffix}.json"));
        assert_eq!(re.amount, 100);
        let f: File = fixture(&format!("file{suffix}.json"));
        assert_eq!(f.purpose, FilePurpose::DisputeEvidence);
        assert_eq!(f.size, 9863);
        let li: LineItem = fixture(&format!("item{suffix}.json"));
        assert_eq!(li.description.as_deref(), Some("T-shirt"));
        let p: Price = fixture(&format!("price{suffix}.json"));
        assert_eq!(p.unit_amount, Some(2000));
        let prod: Product = fixture(&format!("product{suffix}.json"));
        assert_eq!(prod.name.as_deref(), Some("T-shirt"));
    }
    // A connected account, as `GET /v1/accounts` lists it: no name, so it goes by its email,
    // and it cannot take charges until its onboarding is done.
    let account: Account = fixture("account.json");
    assert_eq!(account.id, "acct_1PgafTB7WZ01zgkW");
    assert_eq!(account.label(), "site@stripe.com");
    assert!(account.matches("STRIPE.com") && !account.matches("juniper"));
    assert_eq!(
        account.charges_blocked_because().as_deref(),
        Some("charges off: onboarding unfinished (6 details due)")
    );
}

#[test]
fn reference_order_reads_as_an_agent_order_awaiting_capture() {
    let order: CheckoutSession = fixture("reference.order_expanded.json");
    assert!(order.is_agent_order());
    assert_eq!(order.agent_name(), Some("Example Agent"));
    assert!(order.needs_capture());
    assert_eq!(order.capture_before(), Some(1_767_830_400));
    let lines = order.line_items.as_ref().unwrap();
    assert_eq!(lines.data[0].sku(), Some("SKU-MUG-BLUE"));
    assert_eq!(
        order
            .shipping()
            .unwrap()
            .address
            .as_ref()
            .unwrap()
            .one_line(),
        "1 Main St, Austin, TX, 78701, US"
    );
    // The canonical session has neither agent details nor SKUs: not an agent order.
    let plain: CheckoutSession = fixture("checkout.session.json");
    assert!(!plain.is_agent_order());
}

#[test]
fn reference_v2_and_preview_objects_deserialize() {
    let set: ImportSet = fixture("reference.import_set.json");
    assert_eq!(set.status, ImportSetStatus::SucceededWithErrors);
    assert_eq!(set.counts(), (16, 5));
    assert_eq!(set.error_file(), Some("file_1ErrCsv"));
    let imp: CatalogImport = fixture("reference.catalog_import.json");
    assert_eq!(imp.counts(), (16, 5));
    let a: Agreement = fixture("reference.agreement.json");
    assert_eq!(a.status, AgreementStatus::PartiallyConfirmed);
    let r: Refund = fixture("reference.refund.json");
    assert_eq!(r.reason, Some(RefundReason::RequestedByCustomer));
    assert_eq!(r.metadata.unwrap()["app_order"], "A-1001");
}

// ---------------------------------------------------------------- a scriptable server

#[derive(Debug, Clone)]
struct Seen {
    method: String,
    path: String,
    query: String,
    headers: HeaderMap,
    body: Vec<u8>,
}

impl Seen {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    fn form(&self) -> BTreeMap<String, String> {
        url::form_urlencoded::parse(&self.body)
            .into_owned()
            .collect()
    }

    fn query_pairs(&self) -> Vec<(String, String)> {
        url::form_urlencoded::parse(self.query.as_bytes())
            .into_owned()
            .collect()
    }
}

type Reply = (u16, Vec<(&'static str, String)>, String);
type Script = dyn Fn(&Seen, usize) -> Reply + Send + Sync;

struct Mock {
    seen: Mutex<Vec<Seen>>,
    script: Box<Script>,
}

async fn handle(State(mock): State<Arc<Mock>>, req: Request) -> Response {
    let (parts, body) = req.into_parts();
    let body = axum::body::to_bytes(body, usize::MAX)
        .await
        .unwrap()
        .to_vec();
    let seen = Seen {
        method: parts.method.to_string(),
        path: parts.uri.path().to_owned(),
        query: parts.uri.query().unwrap_or("").to_owned(),
        headers: parts.headers.clone(),
        body,
    };
    let n = {
        let mut all = mock.seen.lock().unwrap();
        all.push(seen.clone());
        all.len() - 1
    };
    let (status, headers, body) = (mock.script)(&seen, n);
    let mut resp = Response::builder()
        .status(StatusCode::from_u16(status).unwrap())
        .header("content-type", "application/json")
        .header("request-id", format!("req_{n}"));
    for (k, v) in headers {
        resp = resp.header(k, v);
    }
    resp.body(Body::from(body)).unwrap()
}

struct Server {
    base: String,
    mock: Arc<Mock>,
}

impl Server {
    async fn start(script: impl Fn(&Seen, usize) -> Reply + Send + Sync + 'static) -> Server {
        let mock = Arc::new(Mock {
            seen: Mutex::new(Vec::new()),
            script: Box::new(script),
        });
        let app = axum::Router::new()
            .fallback(handle)
            .with_state(mock.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move {
            axum::serve(listener, app).await.unwrap();
        });
        Server {
            base: format!("http://{addr}"),
            mock,
        }
    }

    fn seen(&self) -> Vec<Seen> {
        self.mock.seen.lock().unwrap().clone()
    }
}

fn fast_retries() -> RetryPolicy {
    RetryPolicy {
        max_retries: 3,
        max_rate_limited_retries: 8,
        initial_backoff: Duration::from_millis(10),
        max_backoff: Duration::from_millis(40),
    }
}

fn client_for(base: &str) -> Client {
    let mut config = Config::new(ApiKey::new(SECRET).unwrap())
        .with_base_url(base)
        .unwrap();
    config.retry = fast_retries();
    Client::new(config).unwrap()
}

fn ok(body: &str) -> Reply {
    (200, vec![], body.to_owned())
}

fn err(status: u16, body: &str) -> Reply {
    (status, vec![], body.to_owned())
}

const REFUND: &str = r#"{"id":"re_1","object":"refund","amount":500,"currency":"usd","payment_intent":"pi_1","status":"succeeded"}"#;

fn refund_request() -> RefundRequest {
    let mut metadata = BTreeMap::new();
    metadata.insert("note".to_owned(), "broken mug & lid".to_owned());
    RefundRequest {
        payment_intent: "pi_1".into(),
        amount: Some(500),
        reason: Some(RefundReason::RequestedByCustomer),
        metadata,
        connect: ConnectRefund::default(),
    }
}

// ---------------------------------------------------------------- retries and idempotency

#[tokio::test]
async fn a_retried_refund_sends_one_idempotency_key_on_every_attempt() {
    let server = Server::start(|_, n| {
        if n < 2 {
            err(500, r#"{"error":{"type":"api_error","message":"boom"}}"#)
        } else {
            ok(REFUND)
        }
    })
    .await;
    let client = client_for(&server.base);
    let refund = client.create_refund(&refund_request(), None).await.unwrap();
    assert_eq!(refund.id, "re_1");
    let seen = server.seen();
    assert_eq!(seen.len(), 3);
    let keys: HashSet<_> = seen
        .iter()
        .map(|s| s.header("idempotency-key").unwrap().to_owned())
        .collect();
    assert_eq!(keys.len(), 1, "every attempt must carry the same key");
    // The body is v1 form encoding, nested metadata included.
    let form = seen[0].form();
    assert_eq!(form["payment_intent"], "pi_1");
    assert_eq!(form["amount"], "500");
    assert_eq!(form["reason"], "requested_by_customer");
    assert_eq!(form["metadata[note]"], "broken mug & lid");
    assert!(
        !form.contains_key("reverse_transfer") && !form.contains_key("refund_application_fee"),
        "the destination-charge flags are sent only when asked for"
    );
    assert_eq!(
        seen[0].header("content-type"),
        Some("application/x-www-form-urlencoded")
    );
    assert_eq!(
        seen[0].header("authorization"),
        Some(format!("Bearer {SECRET}").as_str())
    );
}

#[tokio::test]
async fn a_retried_destination_refund_sends_the_same_flags_with_the_same_key() {
    let server = Server::start(|_, n| {
        if n < 1 {
            err(500, r#"{"error":{"type":"api_error","message":"boom"}}"#)
        } else {
            ok(REFUND)
        }
    })
    .await;
    let client = client_for(&server.base);
    let request = RefundRequest {
        connect: ConnectRefund {
            reverse_transfer: true,
            refund_application_fee: true,
        },
        ..refund_request()
    };
    client.create_refund(&request, None).await.unwrap();
    let seen = server.seen();
    assert_eq!(seen.len(), 2);
    for s in &seen {
        let form = s.form();
        assert_eq!(form["reverse_transfer"], "true");
        assert_eq!(form["refund_application_fee"], "true");
    }
    assert_eq!(
        seen[0].header("idempotency-key"),
        seen[1].header("idempotency-key")
    );
}

#[tokio::test]
async fn a_caller_key_is_used_verbatim_so_a_restart_reuses_it() {
    let server = Server::start(|_, _| ok(REFUND)).await;
    let client = client_for(&server.base);
    let key = IdempotencyKey::parse("refund-order-A1001-attempt").unwrap();
    client
        .create_refund(&refund_request(), Some(key.clone()))
        .await
        .unwrap();
    // "After a restart": a new client, the same stored key.
    let client2 = client_for(&server.base);
    client2
        .create_refund(&refund_request(), Some(key))
        .await
        .unwrap();
    let seen = server.seen();
    assert!(
        seen.iter()
            .all(|s| s.header("idempotency-key") == Some("refund-order-A1001-attempt"))
    );
}

#[tokio::test]
async fn should_retry_false_stops_retries_and_400s_are_not_retried() {
    let server = Server::start(|s, _| {
        if s.path == "/v1/refunds" {
            (
                503,
                vec![("stripe-should-retry", "false".to_owned())],
                r#"{"error":{"type":"api_error","message":"not now"}}"#.to_owned(),
            )
        } else {
            err(
                400,
                r#"{"error":{"type":"invalid_request_error","param":"amount_to_capture","message":"too much"}}"#,
            )
        }
    })
    .await;
    let client = client_for(&server.base);
    let e = client
        .create_refund(&refund_request(), None)
        .await
        .unwrap_err();
    assert_eq!(e.api().unwrap().status, 503);
    assert_eq!(e.request_id(), Some("req_0"));
    let e = client
        .capture_payment_intent("pi_1", Some(10), None)
        .await
        .unwrap_err();
    assert_eq!(e.api().unwrap().status, 400);
    assert_eq!(server.seen().len(), 2, "neither call may be retried");
}

#[tokio::test]
async fn should_retry_true_and_409_are_retried() {
    let server = Server::start(|_, n| match n {
        0 => (
            400,
            vec![("stripe-should-retry", "true".to_owned())],
            r#"{"error":{"type":"invalid_request_error"}}"#.to_owned(),
        ),
        1 => err(
            409,
            r#"{"error":{"type":"invalid_request_error","code":"idempotency_key_in_use"}}"#,
        ),
        _ => ok(REFUND),
    })
    .await;
    let client = client_for(&server.base);
    client.create_refund(&refund_request(), None).await.unwrap();
    assert_eq!(server.seen().len(), 3);
}

#[tokio::test]
async fn a_429_storm_is_ridden_out_and_exhaustion_is_a_sentence() {
    let server = Server::start(|_, n| {
        if n < 6 {
            (
                429,
                vec![("stripe-rate-limited-reason", "global-rate".to_owned())],
                r#"{"error":{"type":"invalid_request_error","code":"rate_limit","message":"Too many requests"}}"#.to_owned(),
            )
        } else {
            ok(REFUND)
        }
    })
    .await;
    let client = client_for(&server.base);
    let refund = client.create_refund(&refund_request(), None).await.unwrap();
    assert_eq!(refund.amount, 500);
    assert_eq!(server.seen().len(), 7);

    let always = Server::start(|_, _| {
        err(
            429,
            r#"{"error":{"type":"invalid_request_error","code":"rate_limit"}}"#,
        )
    })
    .await;
    let client = client_for(&always.base);
    let e = client.retrieve_refund("re_1").await.unwrap_err();
    assert_eq!(e.api().unwrap().status, 429);
    assert!(e.to_string().contains("rate limiting"), "{e}");
    assert_eq!(always.seen().len(), 9, "1 try + 8 rate-limited retries");
}

/// A server that reads the first request, "commits" it, and drops the connection without
/// answering; later requests get a refund, and every idempotency key is recorded.
async fn dropping_server(committed: Arc<Mutex<Vec<String>>>) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let conn = Arc::new(AtomicUsize::new(0));
    tokio::spawn(async move {
        loop {
            let Ok((mut sock, _)) = listener.accept().await else {
                return;
            };
            let n = conn.fetch_add(1, Ordering::SeqCst);
            let committed = committed.clone();
            tokio::spawn(async move {
                let mut buf = vec![0u8; 65536];
                let mut got = Vec::new();
                loop {
                    let Ok(k) = sock.read(&mut buf).await else {
                        return;
                    };
                    if k == 0 {
                        return;
                    }
                    got.extend_from_slice(&buf[..k]);
                    let text = String::from_utf8_lossy(&got).to_string();
                    if let Some(head_end) = text.find("\r\n\r\n") {
                        let len = text
                            .lines()
                            .find_map(|l| {
                                l.to_ascii_lowercase()
                                    .strip_prefix("content-length:")
                                    .map(|v| v.trim().parse::<usize>().unwrap())
                            })
                            .unwrap_or(0);
                        if got.len() >= head_end + 4 + len {
                            break;
                        }
                    }
                }
                let text = String::from_utf8_lossy(&got).to_string();
                let key = text
                    .lines()
                    .find_map(|l| {
                        l.to_ascii_lowercase()
                            .strip_prefix("idempotency-key:")
                            .map(|v| v.trim().to_owned())
                    })
                    .unwrap_or_default();
                committed.lock().unwrap().push(key);
                if n == 0 {
                    // Committed, then the connection dies before the answer.
                    return;
                }
                let resp = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nrequest-id: req_replay\r\nconnection: close\r\n\r\n{REFUND}",
                    REFUND.len()
                );
                let _ = sock.write_all(resp.as_bytes()).await;
            });
        }
    });
    format!("http://{addr}")
}

#[tokio::test]
async fn a_refund_whose_connection_drops_after_commit_is_retried_with_the_same_key() {
    let committed = Arc::new(Mutex::new(Vec::new()));
    let base = dropping_server(committed.clone()).await;
    let client = client_for(&base);
    let refund = client.create_refund(&refund_request(), None).await.unwrap();
    assert_eq!(refund.id, "re_1");
    let keys = committed.lock().unwrap().clone();
    assert_eq!(keys.len(), 2, "one drop, one retry");
    assert_eq!(
        keys[0], keys[1],
        "the retry must reuse the key so Stripe replays, not refunds again"
    );
    assert!(!keys[0].is_empty());
}

#[tokio::test]
async fn an_unreachable_host_gives_a_network_sentence() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    let client = client_for(&base);
    let e = client.retrieve_refund("re_1").await.unwrap_err();
    assert!(matches!(e, Error::Network { .. }), "{e:?}");
    assert!(
        e.to_string()
            .starts_with("Could not reach Stripe at 127.0.0.1"),
        "{e}"
    );
}

// ---------------------------------------------------------------- headers, versions, hosts

#[tokio::test]
async fn each_call_carries_its_version_and_the_connected_account() {
    let server = Server::start(|s, _| {
        let body = match s.path.as_str() {
            "/v1/data_management/import_sets" => r#"{"id":"impset_1","status":"pending"}"#,
            p if p.starts_with("/v2/orchestrated_commerce") => {
                r#"{"id":"orca_test_1","status":"confirmed"}"#
            }
            p if p.starts_with("/v1/checkout/sessions") => {
                r#"{"id":"cs_test_1","object":"checkout.session"}"#
            }
            _ => REFUND,
        };
        ok(body)
    })
    .await;
    let config = Config::new(ApiKey::new(SECRET).unwrap())
        .with_base_url(&server.base)
        .unwrap()
        .with_account(Some("acct_1Conn"))
        .unwrap();
    let client = Client::new(config).unwrap();
    client
        .create_import_set("file_1", &StandardDataFormat::ProductCatalogFeed, None)
        .await
        .unwrap();
    client.confirm_agreement("orca_test_1", None).await.unwrap();
    client.retrieve_order("cs_test_1").await.unwrap();
    client.retrieve_refund("re_1").await.unwrap();
    let seen = server.seen();
    let versions: Vec<_> = seen
        .iter()
        .map(|s| s.header("stripe-version").unwrap())
        .collect();
    assert_eq!(
        versions,
        [
            "2025-09-30.clover;udap_beta=v1",
            "2026-04-22.preview",
            "2025-12-15.preview",
            "2025-09-30.clover"
        ]
    );
    assert!(
        seen.iter()
            .all(|s| s.header("stripe-account") == Some("acct_1Conn"))
    );
    // The import set is form-encoded; the order retrieve expands four levels deep, not five,
    // and asks for the line taxes, the charge's fees, and a destination charge's transfer and
    // application fee, which the detail shows.
    assert_eq!(
        seen[0].form()["standard_data_format"],
        "product_catalog_feed"
    );
    let expands: Vec<_> = seen[2]
        .query_pairs()
        .into_iter()
        .filter(|(k, _)| k == "expand[]")
        .map(|(_, v)| v)
        .collect();
    assert_eq!(
        expands,
        [
            "line_items.data.price.product",
            "line_items.data.taxes",
            "payment_intent.latest_charge.balance_transaction",
            "payment_intent.latest_charge.transfer",
            "payment_intent.latest_charge.application_fee"
        ]
    );
    assert!(expands.iter().all(|e| e.split('.').count() <= 4));
    // GETs carry no idempotency key; POSTs always do.
    assert!(seen[3].header("idempotency-key").is_none());
    assert!(seen[1].header("idempotency-key").is_some());
}

#[tokio::test]
async fn uploads_stream_to_the_files_host_and_metadata_comes_from_the_api_host() {
    let files = Server::start(|s, _| match (s.method.as_str(), s.path.as_str()) {
        ("POST", "/v1/files") => ok(&format!(
            r#"{{"id":"file_up","purpose":"data_management_manual_upload","size":{},"filename":"catalog.csv"}}"#,
            s.body.len()
        )),
        (_, "/v1/files/file_up/contents") => (200, vec![("content-type", "text/csv".into())], "stripe_error_message,id\nbad price,SKU-1\n".into()),
        _ => err(404, r#"{"error":{"type":"invalid_request_error","code":"resource_missing"}}"#),
    })
    .await;
    let api = Server::start(|s, _| {
        if s.path == "/v1/files/file_up" {
            ok(r#"{"id":"file_up","purpose":"data_management_manual_upload","size":10}"#)
        } else {
            err(
                404,
                r#"{"error":{"type":"invalid_request_error","code":"resource_missing"}}"#,
            )
        }
    })
    .await;
    let mut config = Config::new(ApiKey::new(SECRET).unwrap());
    config.api_base = url::Url::parse(&api.base).unwrap();
    config.files_base = url::Url::parse(&files.base).unwrap();
    let client = Client::new(config).unwrap();

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("catalog.csv");
    let mut content = String::new();
    for i in 0..20_000 {
        writeln!(content, "SKU-{i},Mug {i},12.50 USD").unwrap();
    }
    std::fs::write(&path, &content).unwrap();
    let last = Arc::new(AtomicU64::new(0));
    let seen_progress = last.clone();
    let progress: seller_console::stripe::Progress = Arc::new(move |done, total| {
        assert!(done <= total);
        seen_progress.store(done, Ordering::SeqCst);
    });
    let file = client
        .upload_file(
            &path,
            &FilePurpose::DataManagementManualUpload,
            Some(progress),
        )
        .await
        .unwrap();
    assert_eq!(file.id, "file_up");
    assert_eq!(
        last.load(Ordering::SeqCst),
        content.len() as u64,
        "progress reaches the total"
    );
    let up = &files.seen()[0];
    assert_eq!(
        up.header("stripe-version"),
        Some("2025-09-30.clover;udap_beta=v1")
    );
    assert!(
        up.header("content-type")
            .unwrap()
            .starts_with("multipart/form-data; boundary=")
    );
    let body = String::from_utf8_lossy(&up.body);
    assert!(body.contains("name=\"purpose\"\r\n\r\ndata_management_manual_upload"));
    assert!(body.contains("filename=\"catalog.csv\""));
    assert!(body.contains("Content-Type: text/csv"));
    assert!(body.contains(&content), "the whole file arrived intact");

    let meta = client.retrieve_file("file_up").await.unwrap();
    assert_eq!(meta.id, "file_up");
    assert_eq!(
        api.seen().len(),
        1,
        "file metadata is read from the API host"
    );

    let dest = dir.path().join("errors.csv");
    let n = client.download_file("file_up", &dest).await.unwrap();
    assert_eq!(
        std::fs::read_to_string(&dest).unwrap(),
        "stripe_error_message,id\nbad price,SKU-1\n"
    );
    assert_eq!(n, "stripe_error_message,id\nbad price,SKU-1\n".len() as u64);
    assert_eq!(files.seen().len(), 2, "contents come from the files host");
}

// ---------------------------------------------------------------- pagination

fn session_json(i: usize) -> String {
    format!(
        r#"{{"id":"cs_test_{i:05}","object":"checkout.session","created":{}}}"#,
        1_700_000_000 + i
    )
}

/// A v1 list of `total` sessions, newest (highest number) first, honouring `limit`,
/// `starting_after` and `ending_before` like Stripe.
fn v1_list(total: usize, s: &Seen) -> Reply {
    let q: BTreeMap<_, _> = s.query_pairs().into_iter().collect();
    let limit: usize = q.get("limit").map_or(10, |l| l.parse().unwrap());
    let ids: Vec<usize> = (0..total).rev().collect();
    let pos = |id: &str| {
        ids.iter()
            .position(|i| format!("cs_test_{i:05}") == id)
            .unwrap()
    };
    let (slice, has_more) = if let Some(after) = q.get("starting_after") {
        let start = pos(after) + 1;
        let end = (start + limit).min(ids.len());
        (&ids[start..end], end < ids.len())
    } else if let Some(before) = q.get("ending_before") {
        let end = pos(before);
        let start = end.saturating_sub(limit);
        (&ids[start..end], start > 0)
    } else {
        let end = limit.min(ids.len());
        (&ids[..end], end < ids.len())
    };
    let data: Vec<String> = slice.iter().map(|i| session_json(*i)).collect();
    ok(&format!(
        r#"{{"object":"list","url":"/v1/checkout/sessions","has_more":{has_more},"data":[{}]}}"#,
        data.join(",")
    ))
}

#[tokio::test]
async fn v1_pagination_returns_each_order_once_and_resumes_from_a_checkpoint() {
    use futures_util::TryStreamExt;
    let server = Server::start(|s, _| v1_list(1_000, s)).await;
    let client = client_for(&server.base);
    let all: Vec<CheckoutSession> = client
        .list_orders(&OrderQuery::default())
        .into_stream()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(all.len(), 1_000);
    let unique: HashSet<_> = all.iter().map(|s| s.id.clone()).collect();
    assert_eq!(unique.len(), 1_000);
    assert_eq!(all[0].id, "cs_test_00999", "newest first");
    assert_eq!(server.seen().len(), 10, "100 per page");
    let first = &server.seen()[0];
    assert!(first.query_pairs().contains(&(
        "expand[]".into(),
        "data.payment_intent.latest_charge".into()
    )));

    // Stop after two pages, keep the checkpoint, resume with a new pager.
    let mut pager = client.list_orders(&OrderQuery {
        limit: Some(100),
        ..OrderQuery::default()
    });
    let mut got = Vec::new();
    for _ in 0..2 {
        got.extend(pager.next_page().await.unwrap().unwrap());
    }
    let saved = serde_json::to_string(pager.checkpoint()).unwrap();
    let checkpoint: Checkpoint = serde_json::from_str(&saved).unwrap();
    assert_eq!(
        checkpoint,
        Checkpoint::After {
            id: "cs_test_00800".into()
        }
    );
    let rest = client
        .list_orders(&OrderQuery::default())
        .resume(checkpoint)
        .collect_all()
        .await
        .unwrap();
    got.extend(rest);
    let ids: Vec<_> = got.iter().map(|s| s.id.clone()).collect();
    let expected: Vec<_> = (0..1_000)
        .rev()
        .map(|i| format!("cs_test_{i:05}"))
        .collect();
    assert_eq!(ids, expected);

    // Walking newer from an old order with ending_before reaches the newest one, once each.
    let newer = client
        .list_orders(&OrderQuery::default())
        .resume(Checkpoint::Before {
            id: "cs_test_00250".into(),
        })
        .collect_all()
        .await
        .unwrap();
    let newer_ids: HashSet<_> = newer.iter().map(|s| s.id.clone()).collect();
    assert_eq!(newer.len(), 749);
    assert_eq!(newer_ids.len(), 749);
    assert!(newer_ids.contains("cs_test_00999") && newer_ids.contains("cs_test_00251"));
}

#[tokio::test]
async fn v2_pagination_follows_next_page_url_verbatim() {
    let server = Server::start(|s, _| {
        let page: usize = s
            .query_pairs()
            .into_iter()
            .find(|(k, _)| k == "page")
            .map_or(0, |(_, v)| v.trim_start_matches("tok").parse().unwrap());
        let data: Vec<String> = (page * 3..(page * 3 + 3).min(7))
            .map(|i| format!(r#"{{"id":"orca_test_{i}","status":"initiated","future":{{"x":1}}}}"#))
            .collect();
        let next = if page * 3 + 3 < 7 {
            format!(
                r#""/v2/orchestrated_commerce/agreements?limit=3&page=tok{}""#,
                page + 1
            )
        } else {
            "null".to_owned()
        };
        ok(&format!(
            r#"{{"data":[{}],"next_page_url":{next},"previous_page_url":null}}"#,
            data.join(",")
        ))
    })
    .await;
    let client = client_for(&server.base);
    let all = client.list_agreements(3).collect_all().await.unwrap();
    let ids: Vec<_> = all.iter().map(|a| a.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "orca_test_0",
            "orca_test_1",
            "orca_test_2",
            "orca_test_3",
            "orca_test_4",
            "orca_test_5",
            "orca_test_6"
        ]
    );
    let seen = server.seen();
    assert_eq!(seen.len(), 3);
    assert_eq!(seen[1].query, "limit=3&page=tok1");
    assert!(
        seen.iter()
            .all(|s| s.header("stripe-version") == Some("2026-04-22.preview"))
    );
}

// ---------------------------------------------------------------- v2 imports

#[tokio::test]
async fn an_expired_error_report_link_is_refreshed_once() {
    let retrieves = Arc::new(AtomicUsize::new(0));
    let r = retrieves.clone();
    let server = Server::start(move |s, _| {
        if s.path == "/v2/commerce/product_catalog/imports/pcimprt_1" {
            let n = r.fetch_add(1, Ordering::SeqCst);
            ok(&format!(
                r#"{{"id":"pcimprt_1","feed_type":"product","mode":"upsert","status":"succeeded_with_errors",
                "status_details":{{"succeeded_with_errors":{{"success_count":"3","error_count":"1",
                "error_file":{{"content_type":"text/csv","size":"40","download_url":{{"url":"/reports/r{n}.csv","expires_at":"2099-01-01T00:00:00Z"}}}},"samples":[]}}}}}}"#
            ))
        } else if s.path == "/reports/r0.csv" {
            err(410, r#"{"error":{"type":"invalid_request_error","message":"link expired"}}"#)
        } else if s.path == "/reports/r1.csv" {
            (200, vec![("content-type", "text/csv".into())], "stripe_error_message,id\nbad,SKU-1\n".into())
        } else {
            err(404, "{}")
        }
    })
    .await;
    // The download URLs are relative paths on the same origin as the API.
    let client = client_for(&server.base);
    let bytes = client
        .catalog_import_errors("pcimprt_1", 1 << 20)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        String::from_utf8(bytes).unwrap(),
        "stripe_error_message,id\nbad,SKU-1\n"
    );
    assert_eq!(
        retrieves.load(Ordering::SeqCst),
        2,
        "a fresh URL was fetched after the expired one"
    );
}

#[tokio::test]
async fn a_v2_import_is_created_with_json_and_the_file_is_put_to_the_presigned_url() {
    let server = Server::start(|s, _| match (s.method.as_str(), s.path.as_str()) {
        ("POST", "/v2/commerce/product_catalog/imports") => ok(
            r#"{"id":"pcimprt_2","feed_type":"inventory","mode":"replace","status":"awaiting_upload",
            "created":"2026-04-06T10:00:00Z",
            "status_details":{"awaiting_upload":{"upload_url":{"url":"UPLOAD","expires_at":"2099-01-01T00:00:00Z"}}}}"#,
        ),
        ("PUT", "/upload/pcimprt_2") => ok("{}"),
        _ => err(404, "{}"),
    })
    .await;
    let client = client_for(&server.base);
    let mut import = client
        .create_catalog_import(
            &seller_console::stripe::catalog_imports::FeedType::Inventory,
            &seller_console::stripe::catalog_imports::ImportMode::Replace,
            &BTreeMap::new(),
            None,
        )
        .await
        .unwrap();
    assert_eq!(import.status, CatalogImportStatus::AwaitingUpload);
    // Point the pre-signed URL at the test server.
    if let Some(d) = import.status_details.as_mut()
        && let Some(a) = d.awaiting_upload.as_mut()
    {
        a.upload_url.url = format!("{}/upload/pcimprt_2", server.base);
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("stock.csv");
    std::fs::write(&path, "id,inventory_quantity\nSKU-1,4\n").unwrap();
    client
        .upload_catalog_file(&import, &path, None)
        .await
        .unwrap();
    let seen = server.seen();
    let create: serde_json::Value = serde_json::from_slice(&seen[0].body).unwrap();
    assert_eq!(create["feed_type"], "inventory");
    assert_eq!(create["mode"], "replace");
    assert_eq!(seen[0].header("content-type"), Some("application/json"));
    assert_eq!(seen[0].header("stripe-version"), Some("2026-06-24.dahlia"));
    assert_eq!(seen[1].method, "PUT");
    assert_eq!(seen[1].body, b"id,inventory_quantity\nSKU-1,4\n");
    assert_eq!(seen[1].header("content-type"), Some("text/csv"));
}

// ---------------------------------------------------------------- secrets

#[tokio::test]
async fn the_key_never_appears_in_errors_or_debug_output() {
    let server = Server::start(|_, _| {
        err(
            401,
            &format!(r#"{{"error":{{"type":"invalid_request_error","message":"Invalid API Key provided: {SECRET}"}}}}"#),
        )
    })
    .await;
    let client = client_for(&server.base);
    let e = client.retrieve_refund("re_1").await.unwrap_err();
    let secret_body = &SECRET["sk_test_".len()..SECRET.len() - 4];
    for text in [
        e.to_string(),
        format!("{e:?}"),
        e.user_message(),
        format!("{client:?}"),
    ] {
        assert!(!text.contains(secret_body), "leaked: {text}");
    }
    assert!(e.to_string().contains("did not accept the API key"));
    assert!(e.to_string().contains("req_0"));

    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    let e = client_for(&base)
        .create_refund(&refund_request(), None)
        .await
        .unwrap_err();
    assert!(!format!("{e:?}{e}").contains(secret_body));
}
