//! `seller-console bulk-refund` against the embedded sandbox: a filtered set of one agent's
//! orders, one of them already fully refunded (skipped, and said so) and one whose connection
//! drops after Stripe made the refund (still exactly one refund each); run again, nothing more is
//! refunded; the results CSV has a line per order.

mod support;

use std::collections::BTreeMap;

use seller_console::orders::{OrderRow, PaymentState};
use seller_console::sandbox::faults::{FaultRule, FaultSpec};
use seller_console::stripe::RetryPolicy;
use seller_console::stripe::orders::{OrderQuery, SessionStatus};

use support::World;

/// What these tests add to the shared world.
impl World {
    fn rows(&self) -> Vec<OrderRow> {
        let query = OrderQuery {
            status: Some(SessionStatus::Complete),
            ..OrderQuery::default()
        };
        self.rt
            .block_on(self.client.list_orders(&query).collect_all())
            .expect("orders listed")
            .iter()
            .filter(|s| s.is_agent_order())
            .map(OrderRow::from_session)
            .collect()
    }

    /// Refunds of each of `rows`' payments, by payment intent.
    fn refund_counts(&self, rows: &[OrderRow]) -> BTreeMap<String, usize> {
        rows.iter()
            .filter_map(|r| r.payment_intent.clone())
            .map(|pi| {
                let n = self
                    .rt
                    .block_on(async { self.client.list_refunds(&pi)?.collect_all().await })
                    .expect("refunds listed")
                    .len();
                (pi, n)
            })
            .collect()
    }
}

/// The agent with the fewest orders among those with a fully refunded order and at least two
/// paid ones.
fn agent_to_refund(rows: &[OrderRow]) -> String {
    let mut by: BTreeMap<&str, Vec<&OrderRow>> = BTreeMap::new();
    for r in rows.iter().filter(|r| !r.agent.is_empty()) {
        by.entry(r.agent.as_str()).or_default().push(r);
    }
    by.into_iter()
        .filter(|(_, rs)| rs.iter().any(|r| r.state == PaymentState::Refunded))
        .filter(|(_, rs)| {
            rs.iter()
                .filter(|r| r.state == PaymentState::Paid && !r.disputed)
                .count()
                >= 2
        })
        .min_by_key(|(_, rs)| rs.len())
        .map(|(a, _)| a.to_owned())
        .expect("an agent with a refunded order and paid ones")
}

#[test]
fn a_bulk_refund_skips_what_is_refunded_and_makes_each_refund_once_through_a_dropped_connection() {
    let w = World::new(RetryPolicy::default());
    let rows = w.rows();
    let agent = agent_to_refund(&rows);
    let mine: Vec<OrderRow> = rows.into_iter().filter(|r| r.agent == agent).collect();
    let before = w.refund_counts(&mine);
    let refunded_already = mine
        .iter()
        .find(|r| r.state == PaymentState::Refunded)
        .expect("a fully refunded order");
    let to_refund: Vec<&OrderRow> = mine
        .iter()
        .filter(|r| {
            matches!(r.state, PaymentState::Paid | PaymentState::PartlyRefunded)
                && r.refundable() > 0
                && !r.disputed
        })
        .collect();
    assert!(to_refund.len() >= 2);

    // The first refund's answer is lost after Stripe made it.
    w.sandbox.faults().set(
        FaultSpec::none().with(
            FaultRule::drop_after_commit()
                .on_path("/v1/refunds")
                .next(1),
        ),
    );
    let report = w.data.path().join("results.csv");
    let run = w
        .run(&[
            "bulk-refund",
            "--agent",
            &agent,
            "--full",
            "--reason",
            "requested-by-customer",
            "--report",
            report.to_str().unwrap(),
            "--yes",
        ])
        .ok();
    w.sandbox.faults().clear();

    // The plan said which order is skipped and why.
    let skipped_line = run
        .stdout
        .lines()
        .find(|l| l.contains(&refunded_already.display_number()))
        .expect("the refunded order is in the plan");
    assert!(
        skipped_line.contains("skip: already fully refunded"),
        "{skipped_line}"
    );
    assert!(
        run.stdout
            .contains(&format!("Done: {} refunded", to_refund.len())),
        "{}",
        run.stdout
    );

    // Exactly one new refund on each order refunded, none on the others.
    let after = w.refund_counts(&mine);
    for r in &mine {
        let pi = r.payment_intent.as_ref().unwrap();
        let new = after[pi] - before[pi];
        let expected = usize::from(to_refund.iter().any(|t| t.id == r.id));
        assert_eq!(new, expected, "{} ({:?}) got {new} refunds", r.id, r.state);
    }
    let now_rows = w.rows();
    for t in &to_refund {
        let row = now_rows.iter().find(|r| r.id == t.id).unwrap();
        assert_eq!(
            row.state,
            PaymentState::Refunded,
            "{} is fully refunded",
            t.id
        );
    }

    // The results file has a line per order with its outcome.
    let csv = std::fs::read_to_string(&report).expect("the report was written");
    assert_eq!(csv.lines().count(), mine.len() + 1, "{csv}");
    assert_eq!(
        csv.lines().filter(|l| l.contains(",refunded,re_")).count(),
        to_refund.len()
    );

    // Run again as someone unsure it worked would: nothing more is refunded.
    let again = w.run(&["bulk-refund", "--agent", &agent, "--full", "--yes"]);
    assert_eq!(again.code, 3, "{}\n{}", again.stdout, again.stderr);
    assert!(
        again.stderr.contains("Nothing to refund"),
        "{}",
        again.stderr
    );
    assert_eq!(w.refund_counts(&mine), after);
}

#[test]
fn a_preview_sends_nothing_and_a_share_never_exceeds_what_is_left() {
    let w = World::new(RetryPolicy::default());
    let rows = w.rows();
    let agent = agent_to_refund(&rows);
    let mine: Vec<OrderRow> = rows.into_iter().filter(|r| r.agent == agent).collect();
    let before = w.refund_counts(&mine);
    let run = w
        .run(&[
            "bulk-refund",
            "--agent",
            &agent,
            "--percent",
            "10",
            "--preview",
        ])
        .ok();
    assert!(
        run.stdout.contains("10 % of what each order paid"),
        "{}",
        run.stdout
    );
    let paid = mine
        .iter()
        .find(|r| r.state == PaymentState::Paid && !r.disputed)
        .unwrap();
    let tenth = seller_console::money::format(paid.captured / 10, &paid.currency);
    assert!(
        run.stdout.contains(&format!("refund {tenth}")),
        "{tenth} in\n{}",
        run.stdout
    );
    assert_eq!(w.refund_counts(&mine), before, "a preview refunds nothing");

    let bad = w.run(&["bulk-refund", "--agent", &agent, "--percent", "120"]);
    assert_eq!(bad.code, 2, "{}", bad.stderr);
    assert!(bad.stderr.contains("at most 100 %"), "{}", bad.stderr);
}
