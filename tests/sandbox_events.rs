//! The sandbox records every state change as a Stripe event, and the console's client reads
//! them back the way the live follower does: v1 snapshot events for captures and refunds, v2
//! thin events for agreements, newest first, and "what is newer than this event" without
//! repeats.

mod support;

use std::time::Duration;

use futures_util::TryStreamExt;
use seller_console::live::{Cursor, Resume};
use seller_console::sandbox::{DEMO_KEY, Sandbox, SandboxConfig, Seed};
use seller_console::stripe::events::{EventFilter, EventRequest};
use seller_console::stripe::orders::{CheckoutSession, OrderQuery};
use seller_console::stripe::refunds::{ConnectRefund, RefundRequest};
use seller_console::stripe::{Client, IdempotencyKey, RetryPolicy};

async fn sandbox() -> Sandbox {
    Sandbox::start(SandboxConfig::seeded(Seed::Demo))
        .await
        .unwrap()
}

async fn orders(client: &Client) -> Vec<CheckoutSession> {
    client
        .list_orders(&OrderQuery::default())
        .into_stream()
        .try_collect()
        .await
        .unwrap()
}

fn types(names: &[&str]) -> EventFilter {
    EventFilter {
        types: names.iter().map(|t| (*t).to_owned()).collect(),
        created_gte: None,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_capture_and_a_refund_become_snapshot_events_read_once_through_the_cursor() {
    let sb = sandbox().await;
    let client = support::sandbox_client(&sb, RetryPolicy::local());
    let all = orders(&client).await;
    let waiting = all
        .iter()
        .find(|o| o.needs_capture())
        .expect("the demo has an authorization");
    let pi = waiting.payment().unwrap().id.clone();

    // The follower starts: nothing has happened yet that it must replay.
    let mut cursor = Cursor::default();
    let watched = types(&[
        "payment_intent.succeeded",
        "charge.captured",
        "refund.created",
        "charge.refunded",
    ]);
    let first = client
        .list_events(&watched, 100)
        .unwrap()
        .collect_all()
        .await
        .unwrap();
    assert!(first.is_empty(), "no event before any write: {first:?}");

    client
        .capture_payment_intent(&pi, None, None)
        .await
        .unwrap();
    let page = client
        .list_events(&watched, 100)
        .unwrap()
        .next_page()
        .await
        .unwrap()
        .unwrap();
    let fresh = cursor.take_page(page);
    let kinds: Vec<&str> = fresh.iter().map(|e| e.kind.as_str()).collect();
    assert_eq!(
        kinds,
        ["charge.captured", "payment_intent.succeeded"],
        "oldest first"
    );
    assert_eq!(fresh[1].object_id(), Some(pi.as_str()));
    assert_eq!(fresh[1].data.object["status"], "succeeded");

    client
        .create_refund(
            &RefundRequest {
                payment_intent: pi.clone(),
                amount: Some(100),
                reason: None,
                metadata: std::collections::BTreeMap::default(),
                connect: ConnectRefund::default(),
            },
            Some(IdempotencyKey::parse("refund-key-1").unwrap()),
        )
        .await
        .unwrap();
    let now = chrono::Utc::now().timestamp();
    let Resume::After { id } = cursor.resume(now) else {
        panic!("the cursor follows the last event it took");
    };
    let newer = client
        .list_events_after(&watched, &id, 100)
        .unwrap()
        .collect_all()
        .await
        .unwrap();
    let fresh = cursor.take_page(newer);
    let kinds: Vec<&str> = fresh.iter().map(|e| e.kind.as_str()).collect();
    assert_eq!(
        kinds,
        ["refund.created", "charge.refunded"],
        "only what is new"
    );
    // Each names the request that made it, with the key it carried, as Stripe's do.
    for e in &fresh {
        let Some(EventRequest::Request {
            id: Some(id),
            idempotency_key,
        }) = &e.request
        else {
            panic!("{} names no request: {:?}", e.kind, e.request);
        };
        assert!(id.starts_with("req_"), "{id}");
        assert_eq!(idempotency_key.as_deref(), Some("refund-key-1"));
    }
    let refunded = &fresh[1];
    assert_eq!(refunded.data.object["amount_refunded"], 100);
    assert_eq!(
        refunded.data.previous_attributes.as_ref().unwrap()["amount_refunded"],
        0
    );

    // Asking again gives nothing new, and nothing twice.
    let again = client
        .list_events(&watched, 100)
        .unwrap()
        .collect_all()
        .await
        .unwrap();
    assert_eq!(again.len(), 4);
    assert!(cursor.take_page(again).is_empty());
    let one = client.retrieve_event(&fresh[0].id).await.unwrap();
    assert_eq!(one.kind, "refund.created");
    sb.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_agreement_confirmed_becomes_a_thin_event_whose_object_can_be_fetched() {
    let sb = sandbox().await;
    let client = support::sandbox_client(&sb, RetryPolicy::local());
    let agreements = client.list_agreements(100).collect_all().await.unwrap();
    let waiting = agreements
        .iter()
        .find(|a| a.awaits_seller())
        .expect("the demo has an agreement waiting for the seller");
    client.confirm_agreement(&waiting.id, None).await.unwrap();

    let events = client
        .list_thin_events(&[], None, 20)
        .unwrap()
        .collect_all()
        .await
        .unwrap();
    let event = events
        .iter()
        .find(|e| e.kind.starts_with("v2.orchestrated_commerce.agreement."))
        .expect("a thin agreement event");
    assert!(event.data.is_none(), "lists carry no data");
    let related = event.related_object.as_ref().unwrap();
    assert_eq!(related.id, waiting.id);

    let fetched = client.retrieve_thin_event(&event.id, None).await.unwrap();
    let status = fetched.data.as_ref().unwrap()["status"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(
        event.kind,
        format!("v2.orchestrated_commerce.agreement.{status}")
    );
    let object = client.fetch_related(event).await.unwrap();
    assert_eq!(object["id"], waiting.id.as_str());
    assert_eq!(object["status"], status.as_str());
    sb.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_live_shopper_places_orders_that_arrive_as_events() {
    let mut sb = sandbox().await;
    let client = support::sandbox_client(&sb, RetryPolicy::local());
    let before = orders(&client).await.len();
    sb.start_live_shopper(1_200);
    let watched = types(&["checkout.session.completed"]);
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    let completed = loop {
        let events = client
            .list_events(&watched, 100)
            .unwrap()
            .collect_all()
            .await
            .unwrap();
        if events.len() >= 2 {
            break events;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "no live order arrived"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    let session = &completed[0].data.object;
    assert_eq!(session["object"], "checkout.session");
    assert_eq!(session["status"], "complete");
    let id = session["id"].as_str().unwrap();
    let after = orders(&client).await;
    assert!(after.len() > before, "the new orders are listed too");
    assert!(after.iter().any(|o| o.id == id), "{id} is not listed");
    sb.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sandbox_events_have_the_canonical_event_shape() {
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/stripe/event.json");
    let canonical: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    // The client reads Stripe's own event.
    let parsed: seller_console::stripe::events::Event =
        serde_json::from_value(canonical.clone()).unwrap();
    assert_eq!(parsed.kind, "plan.created");

    let sb = sandbox().await;
    let client = support::sandbox_client(&sb, RetryPolicy::local());
    let waiting = orders(&client)
        .await
        .into_iter()
        .find(CheckoutSession::needs_capture)
        .unwrap();
    client
        .capture_payment_intent(&waiting.payment().unwrap().id, None, None)
        .await
        .unwrap();
    let raw: serde_json::Value = reqwest::Client::new()
        .get(format!("{}/v1/events?limit=1", sb.base_url()))
        .basic_auth(DEMO_KEY, Some(""))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let ours = &raw["data"][0];
    assert_eq!(raw["object"], "list");
    for (key, value) in canonical.as_object().unwrap() {
        let mine = ours
            .get(key)
            .unwrap_or_else(|| panic!("no `{key}` in {ours}"));
        let same_kind = std::mem::discriminant(mine) == std::mem::discriminant(value)
            || value.is_null()
            || mine.is_null();
        assert!(same_kind, "`{key}`: {mine} where Stripe has {value}");
    }
    assert_eq!(ours["object"], "event");
    assert!(ours["id"].as_str().unwrap().starts_with("evt_"));
    assert!(ours["data"]["object"].is_object());
    sb.shutdown().await;
}
