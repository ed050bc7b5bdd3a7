//! UI tests of the Hooks view: boot the app in demo mode, point the workbench at the example
//! seller (good or broken) on a local port, and read what the view reports.

mod ui_support;

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;
use seller_console::hooks::example_seller::{self, SellerConfig, SellerMode};
use seller_console::ui::SellerApp;
use seller_console::ui::views::ViewId;
use ui_support::{boot, step_until, type_into};

const SECRET: &str = "whsec_ui_test_secret_9f3a";

fn open_hooks(h: &mut Harness<'static, SellerApp>) {
    step_until(h, "the demo sandbox", |h| h.state().session().ready);
    h.get_by_role_and_label(egui::Role::Button, "Hooks").click();
    h.run_steps(2);
    assert_eq!(h.state().current_view(), ViewId::Hooks);
}

/// Starts an example seller in `mode` on the test's runtime; returns its base URL.
fn start_seller(
    rt: &tokio::runtime::Runtime,
    mode: SellerMode,
) -> (String, tokio::task::JoinHandle<()>) {
    let (addr, task) = rt
        .block_on(example_seller::spawn(SellerConfig::new(SECRET, mode)))
        .expect("example seller listens");
    (format!("http://{addr}"), task)
}

fn point_at(h: &mut Harness<'static, SellerApp>, base: &str) {
    type_into(h, "Endpoint URL", &format!("{base}/hooks"));
    type_into(h, "Endpoint secret", SECRET);
    h.get_by_label("Save secret").click();
    step_until(h, "the secret to be saved", |h| {
        h.query_by_label_contains("Saved: whsec_").is_some()
    });
    // Only the hint is shown, never the secret.
    assert!(h.query_by_label_contains("ui_test_secret").is_none());
}

/// Sends the request and waits for the answer headed `heading`.
fn send(h: &mut Harness<'static, SellerApp>, heading: &str) {
    h.get_by_label("Send request").click();
    step_until(h, "the hook's answer", |h| {
        h.query_by_label(heading).is_some()
            && (h.query_by_label_contains("checks passed.").is_some()
                || h.query_by_label_contains("checks failed:").is_some())
    });
}

#[test]
fn the_example_seller_started_from_the_view_is_all_green() {
    let (_rt, mut h) = boot();
    open_hooks(&mut h);
    h.get_by_label("Start example seller").click();
    step_until(&mut h, "the example seller", |h| {
        h.query_by_label_contains("Running (good) at http://127.0.0.1:")
            .is_some()
    });
    // It made up a secret and saved it in the credential store.
    step_until(&mut h, "the secret hint", |h| {
        h.query_by_label_contains("Saved: whsec_").is_some()
    });
    send(&mut h, "Order approval answer");
    h.get_by_label_contains("checks passed.");
    assert!(h.query_by_label_contains("checks failed").is_none());
    h.get_by_label("Rejects bad signature");
    h.get_by_label("Same answer on retry");

    // The customization hook too.
    h.get_by_label("Checkout customization").click();
    h.run_steps(2);
    send(&mut h, "Checkout customization answer");
    assert!(h.query_by_label_contains("checks failed").is_none());
    h.get_by_label("Shipping options");
}

#[test]
fn a_seller_that_declines_without_a_reason_is_named() {
    let (rt, mut h) = boot();
    let (base, _task) = start_seller(&rt, SellerMode::DeclineNoReason);
    open_hooks(&mut h);
    point_at(&mut h, &base);
    send(&mut h, "Order approval answer");
    h.get_by_label_contains("checks failed: Decline reason.");
    h.get_by_label_contains("declined without manual_approval_details.declined.reason");
}

#[test]
fn invalid_json_is_explained_and_kept() {
    let (rt, mut h) = boot();
    let (base, _task) = start_seller(&rt, SellerMode::Good);
    open_hooks(&mut h);
    point_at(&mut h, &base);
    h.get_by_label("JSON").click();
    h.run_steps(2);
    h.get_by_label("Request JSON").focus();
    h.run_steps(1);
    h.get_by_label("Request JSON").type_text("{ broken");
    h.run_steps(2);
    h.get_by_label_contains("The request is not valid JSON");
    // The form says why it cannot show the request; nothing typed is lost.
    h.get_by_label("Form").click();
    h.run_steps(2);
    h.get_by_label_contains("nothing you typed is lost");
    h.get_by_label("Reset template").click();
    h.run_steps(2);
    assert!(h.query_by_label_contains("not valid JSON").is_none());
    h.get_by_label("Buyer email");
}

#[test]
fn scenarios_run_and_show_a_summary() {
    let (rt, mut h) = boot();
    let (base, _task) = start_seller(&rt, SellerMode::Good);
    open_hooks(&mut h);
    point_at(&mut h, &base);
    h.get_by_label("Scenarios").click();
    h.run_steps(2);
    h.get_by_label("Run scenarios").click();
    step_until(&mut h, "the scenario report", |h| {
        h.query_by_label_contains("passed, ").is_some()
    });
    h.get_by_label("6 passed, 0 with warnings, 0 failed.");
    h.get_by_label("Out-of-stock SKU");
    h.get_by_label("Save report…");
}

#[test]
fn the_checkout_flow_shows_each_step_and_the_statuses() {
    let (rt, mut h) = boot();
    let (base, _task) = start_seller(&rt, SellerMode::BadTotals);
    open_hooks(&mut h);
    point_at(&mut h, &base);
    h.get_by_label("Checkout flow").click();
    h.run_steps(2);
    h.get_by_label("Run checkout flow").click();
    step_until(&mut h, "the checkout run", |h| {
        h.query_by_label_contains("Statuses: incomplete").is_some()
    });
    h.get_by_label_contains("1. Create checkout");
    h.get_by_label_contains("4. Retrieve checkout");
    h.get_by_label_contains("checks failed: Totals add up");
}

#[test]
fn webhook_events_from_a_real_order_are_delivered_and_checked() {
    let (rt, mut h) = boot();
    let (base, _task) = start_seller(&rt, SellerMode::IgnoresSignature);
    open_hooks(&mut h);
    point_at(&mut h, &base);
    h.get_by_label("Webhooks").click();
    h.run_steps(2);
    type_into(&mut h, "Webhook endpoint URL", &format!("{base}/webhooks"));
    h.get_by_label("Send webhook events").click();
    step_until(&mut h, "the webhook results", |h| {
        h.query_by_label("checkout.session.completed").is_some()
    });
    // A seller that skips the signature check is caught; the rest of what it does is right.
    h.get_all_by_label_contains("signed with the wrong secret got 200")
        .next()
        .expect("the bad-signature check failed");
    h.get_all_by_label_contains("said it had handled this event already")
        .next()
        .expect("the repeat was handled once");
}
