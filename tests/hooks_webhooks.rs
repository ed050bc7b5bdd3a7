//! Webhook tests of the hook workbench against the example seller: events built from a real
//! sandbox order, delivered signed; a careful seller passes, a careless one is caught.

mod support;

use std::time::Duration;

use seller_console::hooks::HookTarget;
use seller_console::hooks::checks::Outcome;
use seller_console::hooks::example_seller::{self, SellerConfig, SellerMode};
use seller_console::hooks::webhooks::{
    self, EVENT_TYPES, build_event, names, run_webhook_test, test_event_id,
};
use seller_console::sandbox::{Sandbox, SandboxConfig, Seed};
use seller_console::stripe::RetryPolicy;
use seller_console::stripe::orders::OrderQuery;

const SECRET: &str = "whsec_test_webhooks_secret";

async fn a_real_order() -> (Sandbox, serde_json::Value) {
    let sb = Sandbox::start(SandboxConfig::seeded(Seed::Demo))
        .await
        .unwrap();
    let client = support::sandbox_client(&sb, RetryPolicy::local());
    let page = client
        .list_orders(&OrderQuery::default())
        .next_page()
        .await
        .unwrap()
        .unwrap();
    let paid = page
        .iter()
        .find(|s| s.is_agent_order() && s.payment().is_some_and(|p| p.charge().is_some()))
        .expect("a paid agent order");
    let full = client.retrieve_order(&paid.id).await.unwrap();
    (sb, serde_json::to_value(full).unwrap())
}

async fn seller(mode: SellerMode) -> (HookTarget, tokio::task::JoinHandle<()>) {
    let mut config = SellerConfig::new(SECRET, mode);
    config.slow_delay = Duration::from_millis(2_500);
    let (addr, task) = example_seller::spawn(config).await.unwrap();
    let target = HookTarget {
        url: format!("http://{addr}/webhooks"),
        secret: SECRET.to_owned(),
    };
    (target, task)
}

fn outcome(run: &webhooks::WebhookRun, name: &str) -> Outcome {
    run.checks
        .iter()
        .find(|c| c.name == name)
        .unwrap_or_else(|| panic!("no check {name}: {:?}", run.checks))
        .outcome
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_careful_seller_passes_every_webhook_test_built_from_a_real_order() {
    let (sb, order) = a_real_order().await;
    let (target, task) = seller(SellerMode::Good).await;
    let now = chrono::Utc::now().timestamp();
    let mut sent = 0;
    for kind in EVENT_TYPES {
        let Some(event) = build_event(kind, &order, &test_event_id(), now) else {
            continue;
        };
        sent += 1;
        let run = run_webhook_test(&target, &event).await;
        assert_eq!(run.outcome(), Outcome::Pass, "{kind}: {:?}", run.checks);
        assert_eq!(run.status, Some(200));
    }
    assert!(sent >= 3, "a paid order gives most event types");
    task.abort();
    sb.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn careless_sellers_are_caught_for_what_they_get_wrong() {
    let (sb, order) = a_real_order().await;
    let now = chrono::Utc::now().timestamp();
    let event = build_event("checkout.session.completed", &order, &test_event_id(), now).unwrap();

    let (target, task) = seller(SellerMode::IgnoresSignature).await;
    let run = run_webhook_test(&target, &event).await;
    assert_eq!(outcome(&run, names::BAD_SIGNATURE), Outcome::Fail);
    assert_eq!(outcome(&run, names::STATUS), Outcome::Pass);
    task.abort();

    let (target, task) = seller(SellerMode::NonIdempotent).await;
    let run = run_webhook_test(&target, &event).await;
    assert_eq!(
        outcome(&run, names::DUPLICATE),
        Outcome::Fail,
        "the same event handled twice: {:?}",
        run.checks
    );
    task.abort();

    let (target, task) = seller(SellerMode::Slow).await;
    let run = run_webhook_test(&target, &event).await;
    assert_eq!(outcome(&run, names::TIME), Outcome::Warn);
    task.abort();

    // A wrong secret on our side: every delivery is refused, and that is what it says.
    let (mut target, task) = seller(SellerMode::Good).await;
    target.secret = "whsec_not_the_one".into();
    let run = run_webhook_test(&target, &event).await;
    assert_eq!(outcome(&run, names::STATUS), Outcome::Fail);
    assert!(run.checks[0].sentence.contains("400"), "{:?}", run.checks);
    task.abort();
    sb.shutdown().await;
}
