//! A refund confirmed while the connection drops is made exactly once, even when the app is
//! closed before Stripe's answer arrives and started again: the refund journal keeps the
//! idempotency key, and the next start sends the same key. Two genuine refunds of the same
//! amount stay two.

use std::sync::Arc;
use std::time::{Duration, Instant};

use seller_console::orders::{OrderRow, PaymentState};
use seller_console::sandbox::faults::{FaultRule, FaultSpec};
use seller_console::sandbox::{DEMO_KEY, Sandbox, SandboxConfig};
use seller_console::secrets::MemoryStore;
use seller_console::stripe::{ApiKey, Client, Config};
use seller_console::worker::session::{self, ProfileDraft};
use seller_console::worker::{
    self, Command, Event, StoreChoice, WorkerConfig, WorkerHandle, orders,
};

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("tokio runtime")
}

/// Collects events until `pick` returns something, or panics after 30 s.
fn wait_for<T>(worker: &WorkerHandle, what: &str, mut pick: impl FnMut(&Event) -> Option<T>) -> T {
    let start = Instant::now();
    loop {
        for event in worker.drain() {
            if let Some(found) = pick(&event) {
                return found;
            }
        }
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "timed out waiting for {what}"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn wait_ready(worker: &WorkerHandle) {
    wait_for(worker, "the profile to be active", |e| match e {
        Event::Session(session::Event::Session(info)) if info.ready && info.profile.is_some() => {
            Some(())
        }
        _ => None,
    });
}

fn refund_amounts(rt: &tokio::runtime::Runtime, base: &str, payment_intent: &str) -> Vec<i64> {
    let config = Config::new(ApiKey::new(DEMO_KEY).expect("demo key"))
        .with_base_url(base)
        .expect("base url");
    let client = Client::new(config).expect("client");
    rt.block_on(async {
        client
            .list_refunds(payment_intent)
            .expect("list refunds")
            .collect_all()
            .await
            .expect("refunds listed")
    })
    .into_iter()
    .map(|r| r.amount)
    .collect()
}

#[test]
fn a_refund_interrupted_by_a_fault_and_a_restart_is_made_once() {
    let server_rt = runtime();
    let sandbox = server_rt
        .block_on(Sandbox::start(SandboxConfig::default()))
        .expect("sandbox");
    let base = sandbox.base_url();
    let home = tempfile::tempdir().expect("temp dir");
    let store = Arc::new(MemoryStore::default());
    let config = WorkerConfig {
        profiles_path: Some(home.path().join("profiles.json")),
        store: StoreChoice::Memory(Arc::clone(&store)),
        data_dir: Some(home.path().join("data")),
        ..WorkerConfig::for_tests()
    };

    // First run: add a profile for the sandbox and find a paid order nobody refunded.
    let app1 = runtime();
    let worker1 = worker::spawn(app1.handle(), config.clone(), Arc::new(|| {}));
    worker1.send(Command::Session(session::Command::SaveProfile(
        ProfileDraft {
            id: None,
            name: "Sandbox".into(),
            key: Some(DEMO_KEY.into()),
            connected_account: String::new(),
            api_base: base.clone(),
            activate: true,
        },
    )));
    wait_ready(&worker1);
    worker1.send(Command::Orders(orders::Command::Load));
    let mut rows: Vec<OrderRow> = Vec::new();
    wait_for(&worker1, "every page of orders", |e| match e {
        Event::Orders(orders::Event::Page {
            rows: page, done, ..
        }) => {
            rows.extend(page.iter().cloned());
            done.then_some(())
        }
        _ => None,
    });
    let order = rows
        .into_iter()
        .find(|r| r.state == PaymentState::Paid && r.refunded == 0 && r.captured > 500)
        .expect("a paid order without refunds");
    let pi = order.payment_intent.clone().expect("payment intent");

    // The refund is committed, the connection drops, and every retry meets a 500: the app
    // cannot know whether the refund happened.
    sandbox.faults().set(
        FaultSpec::none()
            .with(
                FaultRule::drop_after_commit()
                    .on_path("/v1/refunds")
                    .next(1),
            )
            .with(FaultRule::server_error().on_path("/v1/refunds").after(1)),
    );
    worker1.send(Command::Orders(orders::Command::Refund {
        session: order.id.clone(),
        payment_intent: pi.clone(),
        amount: 200,
        currency: order.currency.clone(),
        reason: "requested_by_customer".into(),
        note: "test".into(),
        again: false,
        connect: seller_console::stripe::refunds::ConnectRefund::default(),
    }));
    let message = wait_for(
        &worker1,
        "the refund to fail without an answer",
        |e| match e {
            Event::Orders(orders::Event::ActionFailed { message, .. }) => Some(message.clone()),
            _ => None,
        },
    );
    assert!(
        message.contains("cannot be made twice"),
        "the user is told the refund is kept, not lost: {message}"
    );

    // The app closes before anyone retries; Stripe did make the refund.
    drop(worker1);
    app1.shutdown_timeout(Duration::from_secs(5));
    sandbox.faults().clear();
    assert_eq!(refund_amounts(&server_rt, &base, &pi), [200]);

    // Second run: the journalled refund is sent again with its key; Stripe replays it.
    let app2 = runtime();
    let worker2 = worker::spawn(app2.handle(), config, Arc::new(|| {}));
    let refund = wait_for(
        &worker2,
        "the journalled refund to be resolved",
        |e| match e {
            Event::Orders(orders::Event::Refunded { session, refund }) if *session == order.id => {
                Some(refund.clone())
            }
            _ => None,
        },
    );
    assert_eq!(refund.amount, 200);
    assert_eq!(
        refund_amounts(&server_rt, &base, &pi),
        [200],
        "still exactly one refund after the restart"
    );

    // A second, genuine refund of the same amount is a new refund, once the user confirms that
    // repeating the refund just made is what they mean.
    let refund_again = |again: bool| {
        Command::Orders(orders::Command::Refund {
            session: order.id.clone(),
            payment_intent: pi.clone(),
            amount: 200,
            currency: order.currency.clone(),
            reason: "requested_by_customer".into(),
            note: "second".into(),
            again,
            connect: seller_console::stripe::refunds::ConnectRefund::default(),
        })
    };
    worker2.send(refund_again(false));
    let asked = wait_for(&worker2, "the question", |e| match e {
        Event::Orders(orders::Event::AskAgain { message, .. }) => Some(message.clone()),
        _ => None,
    });
    assert!(asked.contains(&refund.id), "{asked}");
    assert_eq!(refund_amounts(&server_rt, &base, &pi), [200]);
    worker2.send(refund_again(true));
    wait_for(&worker2, "the second refund", |e| match e {
        Event::Orders(orders::Event::Refunded { refund: r, .. }) if r.id != refund.id => Some(()),
        _ => None,
    });
    assert_eq!(refund_amounts(&server_rt, &base, &pi), [200, 200]);
    drop(worker2);
    app2.shutdown_timeout(Duration::from_secs(5));
}
