//! Tests of the order list logic: states, filters, export, chart data, capture queue, search.

use super::*;

fn row(i: i64, agent: &str, state: PaymentState, total: i64) -> OrderRow {
    OrderRow {
        id: format!("cs_test_{i}"),
        payment_intent: Some(format!("pi_{i}")),
        created: 1_763_000_000 + i * 86_400,
        agent: agent.into(),
        order_number: format!("1{i:03}-0001"),
        customer: format!("Customer {i}"),
        email: format!("buyer{i}@example.com"),
        items: "1 × Tee".into(),
        skus: vec![format!("SKU-{i}")],
        currency: "usd".into(),
        total,
        captured: if state == PaymentState::AwaitingCapture {
            0
        } else {
            total
        },
        refunded: 0,
        capturable: 0,
        state,
        capture_before: Some(1_763_000_000 + (10 - i) * 3600),
        disputed: false,
        seller: None,
        seller_name: String::new(),
    }
}

#[test]
fn state_from_intent_and_amounts() {
    assert_eq!(
        PaymentState::derive("requires_capture", 0, 0),
        PaymentState::AwaitingCapture
    );
    assert_eq!(
        PaymentState::derive("succeeded", 1000, 0),
        PaymentState::Paid
    );
    assert_eq!(
        PaymentState::derive("succeeded", 1000, 400),
        PaymentState::PartlyRefunded
    );
    assert_eq!(
        PaymentState::derive("succeeded", 1000, 1000),
        PaymentState::Refunded
    );
    assert_eq!(
        PaymentState::derive("canceled", 0, 0),
        PaymentState::Canceled
    );
    assert_eq!(
        PaymentState::derive("processing", 0, 0),
        PaymentState::Pending
    );
}

#[test]
fn filter_by_agent_state_amount_text_and_dates() {
    let rows = vec![
        row(0, "Aria", PaymentState::Paid, 1000),
        row(1, "Bolt", PaymentState::AwaitingCapture, 5000),
        row(2, "Aria", PaymentState::Refunded, 2500),
    ];
    let f = OrderFilter {
        agent: Some(AgentFilter::Named("Aria".into())),
        ..OrderFilter::default()
    };
    assert_eq!(view(&rows, &f, SortKey::Date, true), vec![2, 0]);
    let f = OrderFilter {
        states: vec![PaymentState::AwaitingCapture],
        ..OrderFilter::default()
    };
    assert_eq!(view(&rows, &f, SortKey::Date, true), vec![1]);
    let f = OrderFilter {
        min_total: Some(2000),
        max_total: Some(3000),
        ..OrderFilter::default()
    };
    assert_eq!(view(&rows, &f, SortKey::Date, true), vec![2]);
    let f = OrderFilter {
        text: "sku-1".into(),
        ..OrderFilter::default()
    };
    assert_eq!(view(&rows, &f, SortKey::Date, true), vec![1]);
    let f = OrderFilter {
        from: Some(rows[1].day()),
        to: Some(rows[1].day()),
        ..OrderFilter::default()
    };
    assert_eq!(view(&rows, &f, SortKey::Date, true), vec![1]);
    assert_eq!(
        view(&rows, &OrderFilter::default(), SortKey::Total, false),
        vec![0, 2, 1]
    );
}

#[test]
fn csv_export_has_major_units_and_every_row() {
    let rows = [row(0, "Aria", PaymentState::Paid, 1250)];
    let mut out = Vec::new();
    export_csv(rows.iter(), &mut out).unwrap();
    let text = String::from_utf8(out).unwrap();
    let mut lines = text.lines();
    assert!(lines.next().unwrap().starts_with("date,agent,order_number"));
    let line = lines.next().unwrap();
    assert!(line.contains(",Aria,"), "{line}");
    assert!(
        line.contains(",12.50,0.00,USD,paid,cs_test_0,pi_0"),
        "{line}"
    );
}

#[test]
fn daily_totals_and_capture_queue() {
    let rows = vec![
        row(0, "Aria", PaymentState::Paid, 1000),
        row(0, "Aria", PaymentState::Paid, 500),
        row(1, "Bolt", PaymentState::AwaitingCapture, 5000),
        row(3, "Bolt", PaymentState::AwaitingCapture, 700),
    ];
    let daily = daily_by_agent(rows.iter(), "usd");
    let aria = &daily["Aria"];
    assert_eq!(
        aria[&rows[0].day()],
        DayTotal {
            orders: 2,
            revenue: 1500
        }
    );
    assert_eq!(daily["Bolt"].len(), 2);
    assert_eq!(capture_queue(&rows), vec![3, 2], "soonest deadline first");
    assert_eq!(countdown(1000 + 2 * 86_400 + 4 * 3600, 1000), "2 d 4 h");
    assert_eq!(countdown(1000 + 5 * 3600 + 12 * 60, 1000), "5 h 12 min");
    assert_eq!(countdown(1000, 1000 + 3 * 3600), "expired 3 h 0 min ago");
    assert!(is_urgent(1000 + 3600, 1000));
    assert!(!is_urgent(1000 + 2 * 86_400, 1000));
}

#[test]
fn text_search_ignores_case_in_ascii_and_beyond() {
    assert!(contains_ignore_case("Ada@Example.com", "example"));
    assert!(contains_ignore_case("SKU-WOOL-42", "wool-4"));
    assert!(!contains_ignore_case("SKU-WOOL-42", "cotton"));
    assert!(contains_ignore_case("Zoë Ångström", "ÅNGSTRÖM"));
    assert!(contains_ignore_case("anything", ""));
}

#[test]
fn the_search_index_lists_what_the_plain_filter_lists() {
    let mut rows = Vec::new();
    for (i, (email, sku)) in [
        ("ada@example.com", "SKU-WOOL"),
        ("Bob@Example.org", "SKU-COTTON"),
        ("zoë@ångström.se", "SKU-WOOL-2"),
    ]
    .iter()
    .enumerate()
    {
        rows.push(OrderRow {
            id: format!("cs_{i}"),
            email: (*email).into(),
            skus: vec![(*sku).into()],
            created: i64::try_from(i).unwrap(),
            ..row(0, "Nimbus", PaymentState::Paid, 1000)
        });
    }
    let index = SearchIndex::of(&rows);
    for text in ["", "wool", "EXAMPLE", "ÅNGSTRÖM", "cs_1", "nothing"] {
        let filter = OrderFilter {
            text: text.into(),
            ..OrderFilter::default()
        };
        assert_eq!(
            view_indexed(&rows, &index, &filter, SortKey::Date, true),
            view(&rows, &filter, SortKey::Date, true),
            "searching {text:?}"
        );
    }
}

#[test]
fn a_view_kept_row_by_row_is_the_view_built_from_scratch() {
    // A small generator, so every run checks the same thousands of placements.
    let mut seed = 0x9E37_79B9_7F4A_7C15_u64;
    let mut next = move |n: u64| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed % n
    };
    let agents = ["Nimbus", "Orbit", "Shopwise"];
    let states = PaymentState::ALL;
    for (key, descending, text) in [
        (SortKey::Date, true, ""),
        (SortKey::Total, false, ""),
        (SortKey::Agent, true, "customer 1"),
        (SortKey::State, false, ""),
    ] {
        let filter = OrderFilter {
            agent: (key == SortKey::Total).then(|| AgentFilter::Named("Orbit".into())),
            text: text.into(),
            ..OrderFilter::default()
        };
        let mut rows = Vec::new();
        let mut index = SearchIndex::default();
        let mut kept = Vec::new();
        for step in 0..600 {
            let changing = !rows.is_empty() && next(4) == 0;
            let i = if changing {
                next(rows.len() as u64) as usize
            } else {
                rows.len()
            };
            let mut r = row(
                next(40) as i64,
                agents[next(3) as usize],
                states[next(states.len() as u64) as usize],
                next(5) as i64 * 1000,
            );
            r.id = format!("cs_{step}");
            if changing {
                index.set(i, &r);
                rows[i] = r;
            } else {
                index.push(&r);
                rows.push(r);
            }
            place_in_view(&rows, &index, &filter, key, descending, &mut kept, i as u32);
            assert_eq!(
                kept,
                view_indexed(&rows, &index, &filter, key, descending),
                "after step {step} ({key:?})"
            );
        }
    }
}
