//! UI tests of the Orders and Agreements views in demo mode: the whole app on the embedded
//! sandbox, driven by accessible labels like a support agent would.

mod ui_support;

use std::sync::Arc;

use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT as _, Queryable as _};
use seller_console::orders::{OrderRow, PaymentState};
use seller_console::stripe::agreements::AgreementStatus;
use seller_console::ui::{AppOptions, SellerApp};
use seller_console::worker::dialogs::ScriptedPicker;
use ui_support::{boot, orders_loaded_with, pick_agent, step_until};

/// Boots the app, opens Orders and waits until every page of orders has arrived.
fn orders_loaded() -> (tokio::runtime::Runtime, Harness<'static, SellerApp>) {
    orders_loaded_with(AppOptions::for_tests())
}

/// Opens the detail of `row` by clicking its order number in the list.
fn open_order(h: &mut Harness<'static, SellerApp>, row: &OrderRow) {
    h.get_by_role_and_label(egui::Role::Link, &row.display_number())
        .click();
    let id = row.id.clone();
    step_until(h, "the order detail", |h| {
        h.state()
            .orders_view()
            .detail()
            .is_some_and(|d| d.row.id == id)
    });
}

/// A paid order with a receipt number among the first rows on screen, also matching `also`.
fn paid_order_on_screen(
    h: &Harness<'static, SellerApp>,
    also: impl Fn(&OrderRow) -> bool,
) -> OrderRow {
    h.state()
        .orders_view()
        .visible_rows()
        .into_iter()
        .take(10)
        .find(|r| r.state == PaymentState::Paid && !r.order_number.is_empty() && also(r))
        .cloned()
        .expect("a paid order")
}

/// Opens the refund dialog of the order shown and waits for its fresh amounts.
fn open_refund_dialog(h: &mut Harness<'static, SellerApp>) {
    h.get_by_label("Refund…").click();
    step_until(h, "fresh amounts", |h| {
        h.query_by_label("Refundable").is_some()
    });
}

/// Replaces the amount in the refund dialog with `text`.
fn type_refund_amount(h: &mut Harness<'static, SellerApp>, row: &OrderRow, text: &str) {
    let amount_label = format!("Amount ({})", row.currency.to_uppercase());
    h.get_by_label(&amount_label).click();
    h.run_steps(1);
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    h.get_by_label(&amount_label).type_text(text);
    h.run_steps(2);
}

fn row_by_id(h: &Harness<'static, SellerApp>, id: &str) -> OrderRow {
    h.state()
        .orders_view()
        .all_rows()
        .iter()
        .find(|r| r.id == id)
        .cloned()
        .expect("the order is still listed")
}

#[test]
fn filtering_by_agent_lists_only_that_agents_orders() {
    let (_rt, mut h) = orders_loaded();
    let total = h.state().orders_view().visible_rows().len();
    pick_agent(&mut h, "Shopwise AI");
    let rows = h.state().orders_view().visible_rows();
    assert!(!rows.is_empty(), "Shopwise AI has orders in the demo");
    assert!(
        rows.len() < total,
        "the filter removed other agents' orders"
    );
    assert!(rows.iter().all(|r| r.agent == "Shopwise AI"));
}

#[test]
fn an_order_shows_every_field_of_the_order_reference() {
    let (_rt, mut h) = orders_loaded();
    let row = paid_order_on_screen(&h, |_| true);
    open_order(&mut h, &row);
    h.run_steps(2);
    for field in [
        "Order date",
        "Order number",
        "Agent",
        "Agent profile",
        "SKU",
        "Unit price",
        "Quantity",
        "GTIN",
        "MPN",
        "Shipping address",
        "Billing address",
        "Card",
        "Expires",
        "Final amount",
        "Stripe fees",
        "Net",
        "Receipt",
        "Payment timeline",
    ] {
        assert!(
            h.query_all_by_label(field).next().is_some(),
            "the detail shows {field}"
        );
    }
    let detail = h.state().orders_view().detail().expect("detail").clone();
    let line = detail.lines.first().expect("the order has lines");
    assert!(!line.sku.is_empty(), "the SKU is known");
    assert!(line.gtin.is_some(), "the GTIN is known");
    assert!(
        line.taxes.iter().any(|t| t.amount > 0 && t.rate.is_some()),
        "tax amount and rate are shown: {:?}",
        line.taxes
    );
    assert!(detail.card.as_ref().is_some_and(|c| c.last4.len() == 4));
    // The order date is the latest charge's, as the order field reference says.
    assert_eq!(detail.charged_at, Some(detail.order_date()));
    let fees = detail
        .fees
        .expect("fees from the charge's balance transaction");
    assert!(
        fees.fee > 0 && fees.net + fees.fee == detail.row.captured,
        "{fees:?}"
    );
    assert!(
        detail
            .receipt_url
            .as_deref()
            .is_some_and(|u| u.contains("/receipts/"))
    );
    assert!(detail.billing.is_some() && detail.shipping.is_some());
    h.get_by_label_contains("Authorized");
}

#[test]
fn capturing_an_authorization_marks_the_order_paid() {
    let (_rt, mut h) = orders_loaded();
    h.get_by_label_contains("Awaiting capture (").click();
    h.run_steps(2);
    let row = {
        let rows = h.state().orders_view().all_rows();
        let first = *seller_console::orders::capture_queue(rows)
            .first()
            .expect("the demo has authorizations to capture");
        rows[first as usize].clone()
    };
    h.get_by_role_and_label(egui::Role::Link, &row.display_number())
        .click();
    let id = row.id.clone();
    step_until(&mut h, "the order detail", |h| {
        h.state()
            .orders_view()
            .detail()
            .is_some_and(|d| d.row.id == id)
    });
    h.get_by_label("Capture…").click();
    h.run_steps(2);
    h.get_by_label_contains("Capturable:");
    let button = format!(
        "Capture {}",
        seller_console::money::format_symbol(row.capturable, &row.currency)
    );
    h.get_by_label(&button).click();
    step_until(&mut h, "the capture to go through", |h| {
        row_by_id(h, &id).state == PaymentState::Paid
    });
    assert!(h.query_all_by_label_contains("Captured").next().is_some());
    assert_eq!(row_by_id(&h, &id).captured, row.capturable);
}

#[test]
fn a_partial_then_a_full_refund_leave_nothing_to_refund() {
    let (_rt, mut h) = orders_loaded();
    let row = paid_order_on_screen(&h, |r| r.total > 200);
    open_order(&mut h, &row);

    // Partial refund of 1.00.
    open_refund_dialog(&mut h);
    type_refund_amount(&mut h, &row, "1.00");
    h.get_by_label(&format!(
        "Refund {}",
        seller_console::money::format_symbol(100, &row.currency)
    ))
    .click();
    step_until(&mut h, "the partial refund's outcome", |h| {
        h.query_by_label_contains(": succeeded.").is_some()
    });
    h.get_by_label("Close").click();
    step_until(&mut h, "the row to show the refund", |h| {
        row_by_id(h, &row.id).refunded == 100
    });
    assert_eq!(row_by_id(&h, &row.id).state, PaymentState::PartlyRefunded);

    // Full refund of the rest.
    open_refund_dialog(&mut h);
    h.get_by_label("Full refundable amount").click();
    h.run_steps(2);
    let rest = row.captured - 100;
    h.get_by_label(&format!(
        "Refund {}",
        seller_console::money::format_symbol(rest, &row.currency)
    ))
    .click();
    step_until(&mut h, "the full refund", |h| {
        row_by_id(h, &row.id).state == PaymentState::Refunded
    });
    h.get_by_label("Close").click();
    h.run_steps(3);
    assert!(
        h.query_by_label("Refund…").is_none(),
        "nothing is left to refund, so the button is gone"
    );
    let detail = h.state().orders_view().detail().expect("detail").clone();
    assert_eq!(detail.refunds.len(), 2, "both refunds are in the history");
}

#[test]
fn the_same_refund_twice_in_a_row_asks_before_it_is_made() {
    let (_rt, mut h) = orders_loaded();
    let row = paid_order_on_screen(&h, |r| r.total > 300);
    open_order(&mut h, &row);
    let one = seller_console::money::format_symbol(100, &row.currency);
    for _ in 0..2 {
        open_refund_dialog(&mut h);
        type_refund_amount(&mut h, &row, "1.00");
        h.get_by_label(&format!("Refund {one}")).click();
        step_until(&mut h, "the refund's outcome or the question", |h| {
            h.query_by_label_contains(": succeeded.").is_some()
                || h.query_by_label_contains("identical refund").is_some()
        });
        if h.query_by_label_contains("identical refund").is_some() {
            break;
        }
        h.get_by_label("Close").click();
        step_until(&mut h, "the row to show the refund", |h| {
            row_by_id(h, &row.id).refunded == 100
        });
    }
    // The second identical refund was held back with a sentence, and nothing more refunded.
    h.get_by_label_contains("so a second one now is probably a mistake");
    assert_eq!(row_by_id(&h, &row.id).refunded, 100);
    // Confirming it makes it.
    h.get_by_label(&format!("Refund {one} again")).click();
    step_until(&mut h, "the second refund", |h| {
        h.query_by_label_contains(": succeeded.").is_some()
    });
    h.get_by_label("Close").click();
    step_until(&mut h, "the row to show both refunds", |h| {
        row_by_id(h, &row.id).refunded == 200
    });
}

/// Types `amount` into the refund dialog of a paid order: `sentence` is shown, the Refund
/// button sends nothing and nothing is refunded.
fn a_typed_refund_is_refused(amount: &str, sentence: &str) {
    let (_rt, mut h) = orders_loaded();
    let row = paid_order_on_screen(&h, |_| true);
    open_order(&mut h, &row);
    open_refund_dialog(&mut h);
    type_refund_amount(&mut h, &row, amount);
    h.get_by_label_contains(sentence);
    // The button is disabled: pressing it sends nothing.
    h.get_by_role_and_label(egui::Role::Button, "Refund")
        .click();
    h.run_steps(3);
    assert!(h.query_by_label("Refunding…").is_none());
    assert_eq!(row_by_id(&h, &row.id).refunded, row.refunded);
}

#[test]
fn over_refunding_is_refused_with_a_sentence() {
    a_typed_refund_is_refused("99999", "That is more than the refundable");
}

#[test]
fn a_decimal_comma_is_refused_with_the_right_spelling_and_nothing_is_refunded() {
    a_typed_refund_is_refused("1,50", "Use a period for decimals: write `1.50`");
}

#[test]
fn agreements_can_be_confirmed_and_terminated() {
    let (_rt, mut h) = boot();
    step_until(&mut h, "the demo sandbox", |h| h.state().session().ready);
    h.get_by_role_and_label(egui::Role::Button, "Agreements")
        .click();
    step_until(&mut h, "the agreements", |h| {
        !h.state().agreements_view().list().is_empty()
    });
    let status_of = |h: &Harness<'static, SellerApp>, name: &str| {
        h.state()
            .agreements_view()
            .list()
            .iter()
            .find(|a| a.agent_label() == name)
            .map(|a| a.status.clone())
    };
    assert!(
        status_of(&h, "Cartographer AI") != Some(AgreementStatus::Confirmed),
        "the demo has an agreement waiting for the seller"
    );
    h.get_by_role_and_label(egui::Role::Link, "Cartographer AI")
        .click();
    h.run_steps(2);
    h.get_by_label("Confirm agreement").click();
    step_until(&mut h, "the confirmation to come back from the API", |h| {
        status_of(h, "Cartographer AI") == Some(AgreementStatus::Confirmed)
    });

    h.get_by_role_and_label(egui::Role::Link, "Orbit Chat")
        .click();
    h.run_steps(2);
    h.get_by_label("Terminate…").click();
    h.run_steps(2);
    h.get_by_label_contains("Terminate the agreement with Orbit Chat");
    h.get_by_label("Terminate agreement").click();
    step_until(&mut h, "the termination to come back from the API", |h| {
        status_of(h, "Orbit Chat") == Some(AgreementStatus::Terminated)
    });
}

#[test]
fn the_filtered_orders_export_to_the_chosen_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("shopwise.csv");
    // The first dialog is cancelled, the second picks `path`.
    let picker = Arc::new(ScriptedPicker::answering([None, Some(path.clone())]));
    let mut options = AppOptions::for_tests();
    options.worker.picker = picker.clone();
    let (_rt, mut h) = orders_loaded_with(options);
    pick_agent(&mut h, "Shopwise AI");
    let listed: Vec<String> = h
        .state()
        .orders_view()
        .visible_rows()
        .iter()
        .map(|r| r.id.clone())
        .collect();

    // Cancelling the dialog writes nothing and says nothing.
    h.get_by_role_and_label(egui::Role::Button, "Export CSV")
        .click();
    step_until(&mut h, "the cancelled dialog", |_| {
        picker.asked().len() == 1
    });
    h.run_steps(3);
    assert!(!path.exists());
    assert!(h.query_by_label_contains("Exported").is_none());

    h.get_by_role_and_label(egui::Role::Button, "Export CSV")
        .click();
    step_until(&mut h, "the export", |h| {
        h.query_by_label_contains("Exported").is_some()
    });
    let expected = format!("Exported {} orders to {}.", listed.len(), path.display());
    assert!(
        h.query_by_label(&expected).is_some(),
        "the notice names the count and file"
    );
    let asked = picker.asked();
    assert_eq!(asked[1].save_as.as_deref(), Some("agent-orders.csv"));

    // The file holds exactly the listed orders, in the listed order.
    let mut reader = csv::Reader::from_path(&path).unwrap();
    let headers = reader.headers().unwrap().clone();
    let id_col = headers
        .iter()
        .position(|h| h == "checkout_session")
        .expect("an order id column");
    let ids: Vec<String> = reader
        .records()
        .map(|r| r.unwrap()[id_col].to_owned())
        .collect();
    assert_eq!(ids, listed);
}

#[test]
fn hovering_the_chart_shows_that_days_orders_per_agent() {
    let (_rt, mut h) = orders_loaded();
    h.run_steps(3);
    let title = h.get_by_label("Orders per agent per day").rect();
    // The plot sits under the chart's title row (the legend row); its right end is the
    // newest day, where the demo shop has orders.
    let spot = egui::pos2(title.left() + 1100.0, title.bottom() + 90.0);
    h.hover_at(spot);
    h.run_steps(4);
    let tip = h
        .query_by(|node| {
            node.label()
                .is_some_and(|l| l.contains('\n') && l.contains(" order"))
        })
        .map(|node| node.accesskit_node().label().unwrap_or_default())
        .expect("a tooltip with the day's orders");
    let mut lines = tip.lines();
    let date = lines.next().unwrap_or_default();
    assert!(
        chrono::NaiveDate::parse_from_str(date, "%a %d %b %Y").is_ok(),
        "the first line is the day: {tip}"
    );
    let agents: Vec<&str> = h
        .state()
        .orders_view()
        .all_rows()
        .iter()
        .map(|r| r.agent.as_str())
        .collect();
    for line in lines {
        let (agent, figures) = line.split_once(": ").expect("agent: figures");
        assert!(agents.contains(&agent), "{agent} is an agent of the orders");
        assert!(figures.contains("order") && figures.contains('$'), "{line}");
    }
}
