//! The payment journal end to end: the `seller-console` binary refunding and capturing against
//! the embedded sandbox, killed (kill -9) or cut off after Stripe committed the write, then run
//! again as a person would; two processes at once; and the journal file itself surviving
//! writers killed at random points.

mod support;

use support::Run;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use rand::Rng as _;
use seller_console::orders::{OrderRow, PaymentState};
use seller_console::payment_journal::{self, Begin, Kind, PaymentJournal, State};
use seller_console::sandbox::faults::{FaultRule, FaultSpec};
use seller_console::stripe::RetryPolicy;
use seller_console::stripe::orders::{OrderQuery, SessionStatus};
use seller_console::stripe::payment_intents::PaymentIntentStatus;

use support::World;

/// What these tests add to the shared world.
impl World {
    fn spawn(&self, args: &[&str]) -> Child {
        self.command(args)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("the binary starts")
    }

    fn rows(&self) -> Vec<OrderRow> {
        let filter = OrderQuery {
            status: Some(SessionStatus::Complete),
            ..OrderQuery::default()
        };
        let sessions = self
            .rt
            .block_on(self.client.list_orders(&filter).collect_all())
            .expect("orders listed");
        sessions
            .iter()
            .filter(|s| s.is_agent_order())
            .map(OrderRow::from_session)
            .collect()
    }

    /// A paid payment nobody refunded, with more than 10.00 captured: (id, captured).
    fn paid_payment(&self) -> (String, i64) {
        self.rows()
            .into_iter()
            .find(|r| {
                r.state == PaymentState::Paid
                    && r.refunded == 0
                    && r.captured > 1000
                    && r.currency == "usd"
            })
            .and_then(|r| r.payment_intent.map(|pi| (pi, r.captured)))
            .expect("a paid order without refunds")
    }

    /// A payment waiting for capture.
    fn authorized_payment(&self) -> String {
        self.rows()
            .into_iter()
            .find(|r| r.state == PaymentState::AwaitingCapture && r.currency == "usd")
            .and_then(|r| r.payment_intent)
            .expect("an order awaiting capture")
    }

    fn refunds(&self, pi: &str) -> Vec<(String, i64)> {
        self.rt
            .block_on(async {
                self.client
                    .list_refunds(pi)
                    .expect("list refunds")
                    .collect_all()
                    .await
            })
            .expect("refunds listed")
            .into_iter()
            .map(|r| (r.id, r.amount))
            .collect()
    }

    fn captured(&self, pi: &str) -> bool {
        self.rt
            .block_on(self.client.retrieve_payment_intent(pi))
            .expect("payment read")
            .status
            == PaymentIntentStatus::Succeeded
    }

    fn journal(&self) -> PaymentJournal {
        PaymentJournal::in_dir(self.data.path())
    }

    fn faults(&self, spec: FaultSpec) {
        self.sandbox.faults().set(spec);
    }
}

/// Waits until `done` holds, or panics after 30 s.
fn wait_until(what: &str, mut done: impl FnMut() -> bool) {
    let start = Instant::now();
    while !done() {
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "timed out waiting for {what}"
        );
        std::thread::sleep(Duration::from_millis(25));
    }
}

fn kill_9(mut child: Child) {
    child.kill().expect("kill -9");
    let _ = child.wait();
}

#[test]
fn a_refund_killed_after_the_commit_and_run_again_is_made_once() {
    let w = World::new(RetryPolicy::default());
    let (pi, _) = w.paid_payment();
    w.faults(FaultSpec::none().with(FaultRule::hang_after_commit().on_path("/v1/refunds")));
    let args = ["refund", pi.as_str(), "--amount", "2.00", "--yes"];
    let child = w.spawn(&args);
    wait_until("Stripe to commit the refund", || !w.refunds(&pi).is_empty());
    kill_9(child);
    w.sandbox.faults().clear();

    let again = w.run(&args).ok();
    assert!(
        again.stderr.contains(&format!(
            "Resuming the refund of 2.00 USD on {pi} started at"
        )),
        "{}",
        again.stderr
    );
    assert!(again.stderr.contains("Stripe will answer it once"));
    let refunds = w.refunds(&pi);
    assert_eq!(refunds.len(), 1, "exactly one refund: {refunds:?}");
    assert!(again.stdout.contains(&refunds[0].0), "{}", again.stdout);
    assert_eq!(refunds[0].1, 200);
}

#[test]
fn a_refund_whose_connection_dropped_after_the_commit_is_not_made_again() {
    let w = World::new(RetryPolicy::default());
    let (pi, _) = w.paid_payment();
    w.faults(FaultSpec::none().with(FaultRule::drop_after_commit().on_path("/v1/refunds")));
    let args = ["refund", pi.as_str(), "--amount", "2.00", "--yes"];
    let first = w.run(&args).ok();
    let refunds = w.refunds(&pi);
    assert_eq!(refunds.len(), 1, "{refunds:?}");
    assert!(first.stdout.contains(&refunds[0].0), "{}", first.stdout);

    // Run again as a person unsure whether it worked would: nothing more is refunded, and the
    // message says why and how to refund a second time on purpose.
    let again = w.run(&args);
    assert_eq!(again.code, 3, "{}", again.stderr);
    assert!(again.stderr.contains(&refunds[0].0), "{}", again.stderr);
    assert!(again.stderr.contains("--again"), "{}", again.stderr);
    assert_eq!(w.refunds(&pi).len(), 1);
}

#[test]
fn retries_exhausted_after_the_commit_never_advise_a_retry_that_could_pay_twice() {
    let w = World::new(RetryPolicy::default());
    let (pi, _) = w.paid_payment();
    w.faults(
        FaultSpec::none()
            .with(
                FaultRule::drop_after_commit()
                    .on_path("/v1/refunds")
                    .next(1),
            )
            .with(FaultRule::server_error().on_path("/v1/refunds").after(1)),
    );
    let args = ["refund", pi.as_str(), "--amount", "2.00", "--yes"];
    let first = w.run(&args);
    assert_eq!(first.code, 1, "{}", first.stderr);
    assert!(
        first.stderr.contains(&format!(
            "Stripe may have made the refund of 2.00 USD on {pi}"
        )),
        "{}",
        first.stderr
    );
    assert!(
        first
            .stderr
            .contains("run the same command again to find out, it cannot pay twice"),
        "{}",
        first.stderr
    );
    assert!(
        !first.stderr.to_lowercase().contains("try again"),
        "{}",
        first.stderr
    );
    w.sandbox.faults().clear();
    assert_eq!(w.refunds(&pi).len(), 1, "Stripe did make it");
    let open = w.journal().attempts().expect("journal");
    assert!(
        matches!(open[0].state, State::OutcomeUnknown { .. }),
        "{open:?}"
    );

    let again = w.run(&args).ok();
    assert!(
        again.stderr.contains("Resuming the refund"),
        "{}",
        again.stderr
    );
    let refunds = w.refunds(&pi);
    assert_eq!(refunds.len(), 1, "still one refund: {refunds:?}");
    assert!(again.stdout.contains(&refunds[0].0), "{}", again.stdout);
}

#[test]
fn a_second_identical_refund_needs_again() {
    let w = World::new(RetryPolicy::default());
    let (pi, _) = w.paid_payment();
    let args = ["refund", pi.as_str(), "--amount", "1.00", "--yes"];
    w.run(&args).ok();
    let held = w.run(&args);
    assert_eq!(held.code, 3, "{}", held.stderr);
    assert!(
        held.stderr.contains("identical refund") && held.stderr.contains("--again"),
        "{}",
        held.stderr
    );
    assert_eq!(w.refunds(&pi).len(), 1);

    let mut deliberate = args.to_vec();
    deliberate.push("--again");
    w.run(&deliberate).ok();
    let amounts: Vec<i64> = w.refunds(&pi).into_iter().map(|(_, a)| a).collect();
    assert_eq!(amounts, [100, 100]);
}

#[test]
fn two_processes_refunding_one_payment_never_over_refund_or_lose_an_entry() {
    let w = World::new(RetryPolicy::default());
    let (pi, captured) = w.paid_payment();

    // The same command twice at once: one refund.
    for amount in ["1.00", "1.50"] {
        let args = ["refund", pi.as_str(), "--amount", amount, "--yes"];
        let (a, b) = std::thread::scope(|s| {
            let a = s.spawn(|| w.run(&args));
            let b = s.spawn(|| w.run(&args));
            (a.join().expect("first"), b.join().expect("second"))
        });
        assert!(a.code == 0 || b.code == 0, "{}\n{}", a.stderr, b.stderr);
    }
    assert_eq!(w.refunds(&pi).len(), 2, "one refund per command");

    // Different amounts from two processes, together more than is left.
    let share = (captured / 6).max(100);
    let printed: Vec<Vec<Run>> = std::thread::scope(|s| {
        let runs: Vec<_> = (0..2)
            .map(|p| {
                let (w, pi) = (&w, pi.as_str());
                s.spawn(move || {
                    (0..5)
                        .map(|i| {
                            let amount = share + 2 * i + p;
                            let text = format!("{}.{:02}", amount / 100, amount % 100);
                            w.run(&["refund", pi, "--amount", &text, "--yes", "--again"])
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        runs.into_iter().map(|r| r.join().expect("runs")).collect()
    });
    let refunds = w.refunds(&pi);
    let total: i64 = refunds.iter().map(|(_, a)| a).sum();
    assert!(total <= captured, "over-refunded: {total} of {captured}");
    let on_stripe: BTreeSet<String> = refunds.into_iter().map(|(id, _)| id).collect();
    for run in printed.iter().flatten() {
        if run.code == 0 {
            assert!(
                on_stripe.iter().any(|id| run.stdout.contains(id.as_str())),
                "{}",
                run.stdout
            );
        } else {
            assert!(
                !run.stderr.to_lowercase().contains("try again"),
                "{}",
                run.stderr
            );
        }
    }
    let journal = w.journal().attempts().expect("the journal parses");
    let done: BTreeSet<String> = journal
        .iter()
        .filter_map(|a| match &a.state {
            State::Done { object } => Some(object.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(done, on_stripe, "every refund made is in the journal");
    assert!(journal.iter().all(|a| !a.unresolved()), "{journal:?}");
}

#[test]
fn a_capture_killed_after_the_commit_and_run_again_captures_once() {
    let w = World::new(RetryPolicy::default());
    let pi = w.authorized_payment();
    w.faults(FaultSpec::none().with(FaultRule::hang_after_commit().on_path("/capture")));
    let args = ["capture", pi.as_str(), "--yes"];
    let child = w.spawn(&args);
    wait_until("Stripe to commit the capture", || w.captured(&pi));
    kill_9(child);
    w.sandbox.faults().clear();

    let again = w.run(&args).ok();
    assert!(
        again.stderr.contains(&format!(
            "Resuming the capture of the whole authorization on {pi}"
        )),
        "{}",
        again.stderr
    );
    assert!(again.stdout.contains("Captured"), "{}", again.stdout);
    let journal = w.journal().attempts().expect("journal");
    assert_eq!(journal.len(), 1);
    assert_eq!(journal[0].request.kind, Kind::Capture);
    assert_eq!(journal[0].sends, 2);
    assert!(matches!(journal[0].state, State::Done { .. }));
}

#[test]
fn a_damaged_journal_stops_the_refund_before_anything_is_sent() {
    let w = World::new(RetryPolicy::default());
    let (pi, _) = w.paid_payment();
    std::fs::write(
        w.data.path().join(payment_journal::FILE_NAME),
        b"[{\"key\":",
    )
    .unwrap();
    let run = w.run(&["refund", pi.as_str(), "--amount", "1.00", "--yes"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("damaged"), "{}", run.stderr);
    assert!(w.refunds(&pi).is_empty());
}

// ---------------------------------------------------------------------------------------------
// Crash safety of the file itself.

/// Set in a child process: `DIR|TAG`; the child writes attempts until it is killed.
const CHILD_ENV: &str = "PAYMENT_JOURNAL_CRASH_WRITER";
const CRASH_TEST: &str = "the_journal_keeps_every_acknowledged_entry_through_kill_9";

/// The child: begins and settles attempts, printing each acknowledgement once the journal
/// call has returned.
fn crash_writer(spec: &str) {
    let (dir, tag) = spec.split_once('|').expect("DIR|TAG");
    let journal = PaymentJournal::in_dir(Path::new(dir));
    for i in 0.. {
        let request = payment_journal::Request {
            kind: Kind::Refund,
            account: "crash|sk_test_…4242|-".into(),
            payment_intent: format!("pi_{tag}_{i}"),
            amount: Some(100 + i),
            currency: "usd".into(),
            reason: None,
            note: None,
            session: None,
            connect: seller_console::stripe::refunds::ConnectRefund::default(),
        };
        let now = chrono::Utc::now().timestamp();
        let Ok(Begin::New(a)) = journal.begin(request, BTreeMap::new(), None, true, now) else {
            panic!("a new attempt")
        };
        println!("begun {}", a.key);
        journal
            .settle(
                &a.key,
                State::Done {
                    object: format!("re_{tag}_{i}"),
                },
                now,
            )
            .expect("settled");
        println!("done {}", a.key);
    }
}

#[test]
fn the_journal_keeps_every_acknowledged_entry_through_kill_9() {
    if let Ok(spec) = std::env::var(CHILD_ENV) {
        crash_writer(&spec);
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let mut rng = rand::rng();
    let mut acknowledged: HashMap<String, bool> = HashMap::new();
    for round in 0..12 {
        // Two writers at once, as the app and the command line can be.
        let children: Vec<Child> = (0..2)
            .map(|c| {
                Command::new(std::env::current_exe().expect("test binary"))
                    .args(["--exact", CRASH_TEST, "--nocapture", "--test-threads=1"])
                    .env(CHILD_ENV, format!("{}|{round}x{c}", dir.path().display()))
                    .stdout(Stdio::piped())
                    .stderr(Stdio::null())
                    .spawn()
                    .expect("writer starts")
            })
            .collect();
        std::thread::sleep(Duration::from_millis(rng.random_range(30..400)));
        for mut child in children {
            child.kill().expect("kill -9");
            let _ = child.wait();
            let out = child.stdout.take().expect("stdout");
            for line in BufReader::new(out).lines().map_while(Result::ok) {
                if let Some(key) = line.strip_prefix("begun ") {
                    acknowledged.entry(key.to_owned()).or_insert(false);
                } else if let Some(key) = line.strip_prefix("done ") {
                    acknowledged.insert(key.to_owned(), true);
                }
            }
        }
        let attempts = PaymentJournal::in_dir(dir.path())
            .attempts()
            .unwrap_or_else(|e| panic!("round {round}: the journal must parse: {e}"));
        let held: HashMap<&str, &State> = attempts
            .iter()
            .map(|a| (a.key.as_str(), &a.state))
            .collect();
        for (key, done) in &acknowledged {
            let state = held
                .get(key.as_str())
                .unwrap_or_else(|| panic!("round {round}: acknowledged {key} is lost"));
            if *done {
                assert!(
                    matches!(state, State::Done { .. }),
                    "round {round}: {key} was acknowledged done but is {state:?}"
                );
            }
        }
    }
    assert!(
        acknowledged.len() > 24,
        "the writers acknowledged only {} entries",
        acknowledged.len()
    );
}
