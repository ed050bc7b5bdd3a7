//! UI tests of the live console: a new agent order arrives in Orders and in Activity without
//! a refresh, and the Overview's tiles open the right views, filtered.

mod ui_support;

use std::collections::HashSet;

use egui_kittest::kittest::Queryable as _;
use seller_console::orders::PaymentState;
use seller_console::ui::AppOptions;
use seller_console::ui::views::ViewId;
use ui_support::{boot, orders_loaded_with, step_until};

#[test]
fn a_new_order_appears_in_orders_and_activity_without_a_refresh() {
    let mut options = AppOptions::for_tests();
    // A busy demo shopper: an order every half second.
    options.worker.demo_orders_per_minute = 120;
    let (_rt, mut h) = orders_loaded_with(options);
    let before: HashSet<String> = h
        .state()
        .orders_view()
        .all_rows()
        .iter()
        .map(|r| r.id.clone())
        .collect();

    // Nobody touches anything: the follower brings the new orders in.
    step_until(&mut h, "a new order in the list", |h| {
        h.state()
            .orders_view()
            .all_rows()
            .iter()
            .any(|r| !before.contains(&r.id))
    });
    let rows = h.state().orders_view().all_rows();
    let ids: HashSet<&str> = rows.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(ids.len(), rows.len(), "no order is listed twice");
    let new = rows.iter().find(|r| !before.contains(&r.id)).unwrap();
    assert!(!new.agent.is_empty(), "the new order names its agent");
    assert!(
        h.state()
            .orders_view()
            .visible_rows()
            .iter()
            .any(|r| r.id == new.id),
        "and is listed on screen"
    );

    step_until(&mut h, "the Activity entry", |h| {
        h.state()
            .activity()
            .entries()
            .iter()
            .any(|e| e.title.starts_with("New order"))
    });
    assert!(h.state().activity().unread() > 0);
    assert!(
        h.query_by_label_contains("Activity (").is_some(),
        "the top bar counts the unread entries"
    );
    h.get_by_label_contains("Activity (").click();
    h.run_steps(2);
    assert_eq!(
        h.state().activity().unread(),
        0,
        "opening the panel reads them"
    );
}

#[test]
fn the_overview_is_the_first_screen_and_its_tiles_open_filtered_views() {
    let (_rt, mut h) = boot();
    step_until(&mut h, "the Overview's orders", |h| {
        h.state().current_view() == ViewId::Overview
            && !h.state().orders_view().is_loading()
            && h.state().overview().awaiting_capture() > 0
    });
    let waiting = h
        .state()
        .orders_view()
        .all_rows()
        .iter()
        .filter(|r| r.state == PaymentState::AwaitingCapture)
        .count();
    assert_eq!(h.state().overview().awaiting_capture(), waiting);

    // The capture tile opens the capture queue.
    h.get_by_label_contains("Open the capture queue").click();
    h.run_steps(2);
    assert_eq!(h.state().current_view(), ViewId::Orders);
    assert!(h.state().orders_view().showing_capture_queue());

    // The agreements tile opens the agreements waiting for the seller, and only those.
    h.get_by_role_and_label(egui::Role::Button, "Overview")
        .click();
    step_until(&mut h, "the agreements tile", |h| {
        h.query_by_label("Review them").is_some()
    });
    h.get_by_label("Review them").click();
    h.run_steps(2);
    assert_eq!(h.state().current_view(), ViewId::Agreements);
    let listed = h.state().agreements_view().visible();
    assert!(!listed.is_empty());
    assert!(listed.iter().all(|a| a.awaits_seller()), "{listed:?}");

    // An agent in the sales tile opens that agent's orders.
    h.get_by_role_and_label(egui::Role::Button, "Overview")
        .click();
    h.run_steps(2);
    let agent = h
        .state()
        .orders_view()
        .all_rows()
        .iter()
        .max_by_key(|r| r.created)
        .map(|r| r.agent.clone())
        .unwrap();
    h.get_by_role_and_label(egui::Role::Link, &agent).click();
    h.run_steps(2);
    assert_eq!(h.state().current_view(), ViewId::Orders);
    let shown = h.state().orders_view().visible_rows();
    assert!(!shown.is_empty());
    assert!(shown.iter().all(|r| r.agent == agent));
}
