//! `seller-console events tail` and `seller-console listen` end to end: the built binary
//! follows the embedded sandbox's events; `listen` delivers each to a local endpoint that
//! checks Stripe's signature the way a seller's fulfilment code would.

mod support;

use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::http::{HeaderMap, StatusCode};
use seller_console::hooks::sign::verify_header;
use seller_console::sandbox::{DEMO_KEY, Sandbox, SandboxConfig, Seed};
use seller_console::stripe::Client;
use seller_console::stripe::RetryPolicy;
use seller_console::stripe::orders::{CheckoutSession, OrderQuery};
use serde_json::Value;

const SECRET: &str = "whsec_test_cli_events_secret";

async fn sandbox() -> Sandbox {
    Sandbox::start(SandboxConfig::seeded(Seed::Demo))
        .await
        .unwrap()
}

/// The binary with the sandbox's key and base, its output captured.
fn binary(base: &str, args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_seller-console"));
    command
        .args(args)
        .args(["--api-base", base, "--interval", "1"])
        .env("STRIPE_API_KEY", DEMO_KEY)
        .env_remove("STRIPE_API_BASE")
        .env_remove("SELLER_CONSOLE_PROFILE")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    command
}

/// Captures the first authorization the demo holds, once `ready` says the follower is up.
async fn capture_one(client: &Client) -> String {
    let orders: Vec<CheckoutSession> = client
        .list_orders(&OrderQuery::default())
        .collect_all()
        .await
        .unwrap();
    let pi = orders
        .iter()
        .find(|o| o.needs_capture())
        .and_then(|o| o.payment())
        .expect("an authorization")
        .id
        .clone();
    client
        .capture_payment_intent(&pi, None, None)
        .await
        .unwrap();
    pi
}

/// Waits (off the runtime) for the child to exit, killing it if it hangs.
async fn finish(mut child: std::process::Child) -> (i32, String, String) {
    tokio::task::spawn_blocking(move || {
        let deadline = Instant::now() + Duration::from_mins(1);
        while child.try_wait().unwrap().is_none() {
            if Instant::now() > deadline {
                let _ = child.kill();
                panic!("the command did not stop");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let out = child.wait_with_output().unwrap();
        (
            out.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    })
    .await
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn events_tail_prints_new_events_as_json_lines() {
    let sb = sandbox().await;
    let base = sb.base_url();
    let child = binary(
        &base,
        &[
            "events",
            "tail",
            "--json",
            "--type",
            "payment_intent.succeeded",
            "--max-events",
            "1",
        ],
    )
    .spawn()
    .unwrap();
    // Give the follower its first look before anything happens.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let pi = capture_one(&support::sandbox_client(&sb, RetryPolicy::local())).await;
    let (code, stdout, stderr) = finish(child).await;
    assert_eq!(code, 0, "{stderr}");
    let line = stdout.lines().next().expect("one event printed");
    let event: Value = serde_json::from_str(line).unwrap();
    assert_eq!(event["type"], "payment_intent.succeeded");
    assert_eq!(event["data"]["object"]["id"], pi.as_str());
    assert_eq!(event["object"], "event");
    sb.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn listen_delivers_signed_events_to_the_sellers_endpoint_and_retries_a_failure() {
    let sb = sandbox().await;
    let base = sb.base_url();

    // The seller's endpoint: refuses the first delivery with a 500, then checks signatures.
    let received: Arc<Mutex<Vec<(Value, bool)>>> = Arc::default();
    let seen = received.clone();
    let calls = Arc::new(Mutex::new(0u32));
    let app = axum::Router::new().route(
        "/webhook",
        axum::routing::post(move |headers: HeaderMap, body: Bytes| {
            let seen = seen.clone();
            let calls = calls.clone();
            async move {
                let first = {
                    let mut n = calls.lock().unwrap();
                    *n += 1;
                    *n == 1
                };
                if first {
                    return StatusCode::INTERNAL_SERVER_ERROR;
                }
                let signature = headers
                    .get("stripe-signature")
                    .and_then(|v| v.to_str().ok());
                let now = chrono::Utc::now().timestamp();
                let valid = verify_header(signature, &body, SECRET, now, 300).is_ok();
                let event: Value = serde_json::from_slice(&body).unwrap_or_default();
                seen.lock().unwrap().push((event, valid));
                if valid {
                    StatusCode::OK
                } else {
                    StatusCode::BAD_REQUEST
                }
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move { axum::serve(listener, app).await });

    let child = binary(
        &base,
        &[
            "listen",
            "--forward-to",
            &format!("localhost:{port}/webhook"),
            "--events",
            "charge.captured,payment_intent.succeeded",
            "--max-events",
            "2",
        ],
    )
    .env("STRIPE_WEBHOOK_SECRET", SECRET)
    .spawn()
    .unwrap();
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let pi = capture_one(&support::sandbox_client(&sb, RetryPolicy::local())).await;
    let (code, stdout, stderr) = finish(child).await;
    assert_eq!(code, 0, "{stderr}");

    let received = received.lock().unwrap().clone();
    let kinds: Vec<&str> = received
        .iter()
        .map(|(e, _)| e["type"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(
        kinds,
        ["charge.captured", "payment_intent.succeeded"],
        "{stdout}"
    );
    assert!(
        received.iter().all(|(_, valid)| *valid),
        "a signature did not verify"
    );
    assert_eq!(received[1].0["data"]["object"]["id"], pi.as_str());
    // The first delivery failed once and was retried; the output says so.
    assert!(stdout.contains("try 2"), "{stdout}");
    assert_eq!(stdout.matches("--> ").count(), 2, "{stdout}");
    sb.shutdown().await;
}

#[test]
fn listen_without_a_secret_says_where_to_put_it() {
    let out = Command::new(env!("CARGO_BIN_EXE_seller-console"))
        .args([
            "listen",
            "--forward-to",
            "4242",
            "--api-base",
            "http://127.0.0.1:9",
        ])
        .env("STRIPE_API_KEY", DEMO_KEY)
        .env_remove("STRIPE_WEBHOOK_SECRET")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("STRIPE_WEBHOOK_SECRET"), "{stderr}");
}
