//! The app's event follower reads through `seller_console::live`: orders stream in from the
//! live shopper while the events API fails now and then and the follower restarts from its
//! saved cursor, and still every event is applied once, none missed, none twice.

mod support;

use std::collections::HashSet;
use std::time::Duration;

use seller_console::live::{Cursor, read_new};
use seller_console::sandbox::{FaultSpec, Sandbox, SandboxConfig, Seed};
use seller_console::stripe::RetryPolicy;
use seller_console::stripe::events::EventFilter;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_event_is_missed_or_applied_twice_across_faults_and_restarts() {
    let faults: FaultSpec = "500:0.25@/v1/events,429:0.15@/v1/events".parse().unwrap();
    let mut sb = Sandbox::start(SandboxConfig {
        faults,
        ..SandboxConfig::seeded(Seed::Demo)
    })
    .await
    .unwrap();
    // No retries, so some looks fail outright and the follower must simply look again.
    let client = support::sandbox_client(&sb, RetryPolicy::none());
    let filter = EventFilter {
        types: vec![
            "checkout.session.completed".into(),
            "payment_intent.succeeded".into(),
            "payment_intent.amount_capturable_updated".into(),
        ],
        created_gte: None,
    };
    let dir = tempfile::tempdir().unwrap();
    let path = Cursor::path(dir.path(), "test-profile", None);
    let start = chrono::Utc::now().timestamp();

    sb.start_live_shopper(1_500);
    let mut applied: Vec<String> = Vec::new();
    let mut cursor = Cursor::load(&path);
    let (mut looks, mut failed, mut restarts) = (0, 0, 0);
    let until = std::time::Instant::now() + Duration::from_secs(4);
    while std::time::Instant::now() < until {
        looks += 1;
        match read_new(&client, &filter, &mut cursor, start).await {
            Ok(fresh) => {
                assert!(!fresh.gap);
                applied.extend(fresh.events.into_iter().map(|e| e.id));
                cursor.save(&path).unwrap();
            }
            // A failed look applies nothing and leaves the cursor where it was.
            Err(_) => failed += 1,
        }
        if looks % 4 == 0 {
            // The app restarts: it knows only what it saved.
            restarts += 1;
            cursor = Cursor::load(&path);
        }
        tokio::time::sleep(Duration::from_millis(60)).await;
    }
    sb.start_live_shopper(0);
    sb.faults().set(FaultSpec::none());
    let last = read_new(&client, &filter, &mut Cursor::load(&path), start)
        .await
        .unwrap();
    applied.extend(last.events.into_iter().map(|e| e.id));

    let unique: HashSet<&String> = applied.iter().collect();
    assert_eq!(unique.len(), applied.len(), "an event was applied twice");
    let everything: HashSet<String> = client
        .list_events(
            &EventFilter {
                created_gte: Some(start),
                ..filter.clone()
            },
            100,
        )
        .unwrap()
        .collect_all()
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.id)
        .collect();
    assert!(
        everything.len() >= 40,
        "the shopper placed orders: {}",
        everything.len()
    );
    let got: HashSet<String> = applied.into_iter().collect();
    assert_eq!(got, everything, "an event was missed");
    assert!(
        failed > 0,
        "the faults made some looks fail ({looks} looks)"
    );
    assert!(restarts > 2);
    sb.shutdown().await;
}
