//! The live follower's cost, printed as rows of the ratio table (`cargo bench --bench
//! live_bench`):
//!
//! - with 100,000 orders in the account (`LIVE_BENCH_ORDERS`), 10 new ones arrive: one look at
//!   the events and one fetch per new order, what the app's follower does (the same read,
//!   `live::read_new`, and the same plan, `worker::live::plan`). Floor: as many requests for a
//!   fixed one-event page, one after another: what HTTP, the sandbox and the client's rate
//!   limiter (test mode allows 25 requests a second) cost by themselves.
//! - events streaming in (`LIVE_BENCH_SECS` seconds of about 50 events a second): what the
//!   follower keeps stays bounded (its cursor remembers 10,000 ids at most).

use std::time::{Duration, Instant};

use seller_console::live::{Cursor, read_new};
use seller_console::sandbox::{DEMO_KEY, Sandbox, SandboxConfig, Seed};
use seller_console::stripe::events::EventFilter;
use seller_console::stripe::{ApiKey, Client, Config};
use seller_console::worker::live::{V1_TYPES, plan};

mod common;

const BENCH: &str = "live_bench";
const NEW_ORDERS: usize = 10;
const RUNS: usize = 5;

fn filter() -> EventFilter {
    EventFilter {
        types: V1_TYPES.iter().map(|t| (*t).to_owned()).collect(),
        created_gte: None,
    }
}

async fn pick_up_new_orders(sb: &Sandbox, client: &Client) {
    let orders = common::env_num("LIVE_BENCH_ORDERS", 100_000usize);
    let held = sb.add_orders(orders);
    common::info(BENCH, "orders in the account", "orders", held as f64);

    let mut raw = Vec::new();
    let mut floor = Vec::new();
    let mut requests = 0;
    let mut cursor = Cursor::default();
    let start = chrono::Utc::now().timestamp() - 1;
    // The follower is running: it has looked once already.
    read_new(client, &filter(), &mut cursor, start)
        .await
        .unwrap();
    for _ in 0..RUNS {
        sb.place_orders_now(NEW_ORDERS);
        let t = Instant::now();
        let fresh = read_new(client, &filter(), &mut cursor, start)
            .await
            .unwrap();
        let todo = plan(&fresh.events);
        assert_eq!(
            todo.sessions.len(),
            NEW_ORDERS,
            "every new order is seen once"
        );
        for session in &todo.sessions {
            client.retrieve_order(session).await.unwrap();
        }
        raw.push(t.elapsed());
        requests =
            fresh.events.len().div_ceil(100).max(1) + todo.sessions.len() + todo.payments.len();

        let t = Instant::now();
        for _ in 0..requests {
            client
                .list_events(&filter(), 1)
                .unwrap()
                .next_page()
                .await
                .unwrap();
        }
        floor.push(t.elapsed());
    }
    common::info(
        BENCH,
        &format!("requests to pick up {NEW_ORDERS} new orders"),
        "requests",
        requests as f64,
    );
    let median =
        |v: &[Duration]| common::median(&v.iter().map(|d| common::ms(*d)).collect::<Vec<_>>());
    common::figure(
        BENCH,
        &format!("pick up {NEW_ORDERS} new orders among {orders} ÷ as many fixed requests"),
        "ms",
        median(&raw),
        median(&floor),
        None,
    );
}

async fn stream_of_events(sb: &mut Sandbox, client: &Client) {
    let secs = common::env_num("LIVE_BENCH_SECS", 60u64);
    let mut cursor = Cursor::default();
    let start = chrono::Utc::now().timestamp() - 1;
    // About 50 events a second: each order brings two.
    sb.start_live_shopper(1_500);
    let until = Instant::now() + Duration::from_secs(secs);
    let mut applied = 0usize;
    let mut kept_at_quarter = None;
    let quarter = Instant::now() + Duration::from_secs(secs / 4);
    while Instant::now() < until {
        if let Ok(fresh) = read_new(client, &filter(), &mut cursor, start).await {
            applied += fresh.events.len();
        }
        if kept_at_quarter.is_none() && Instant::now() >= quarter {
            kept_at_quarter = Some(serde_json::to_vec(&cursor).unwrap().len());
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
    sb.start_live_shopper(0);
    let kept = serde_json::to_vec(&cursor).unwrap().len();
    common::info(
        BENCH,
        &format!("events applied in {secs} s"),
        "events",
        applied as f64,
    );
    common::info(
        BENCH,
        &format!("events a second over {secs} s"),
        "events/s",
        applied as f64 / secs as f64,
    );
    common::info(
        BENCH,
        "follower state (its cursor) at a quarter of the run",
        "KB",
        kept_at_quarter.unwrap_or(kept) as f64 / 1024.0,
    );
    common::info(
        BENCH,
        "follower state at the end (bounded: 10,000 ids at most)",
        "KB",
        kept as f64 / 1024.0,
    );
}

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(async {
        let mut sb = Sandbox::start(SandboxConfig::seeded(Seed::Demo))
            .await
            .expect("sandbox");
        let config = Config::new(ApiKey::new(DEMO_KEY).expect("demo key"))
            .with_base_url(&sb.base_url())
            .expect("base url");
        let client = Client::new(config).expect("client");
        pick_up_new_orders(&sb, &client).await;
        stream_of_events(&mut sb, &client).await;
        sb.shutdown().await;
    });
}
