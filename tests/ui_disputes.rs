//! UI tests of support's day in demo mode: the Disputes view (the dispute due soonest on top,
//! its form prefilled from the order, a shipping receipt attached, saved as a draft, then
//! submitted behind its confirmation) and a bulk refund of one agent's orders from the Orders
//! view.

mod ui_support;

use std::sync::Arc;

use egui_kittest::kittest::Queryable as _;
use seller_console::orders::PaymentState;
use seller_console::orders::bulk::{self, BulkAmount};
use seller_console::stripe::disputes::DisputeStatus;
use seller_console::ui::AppOptions;
use seller_console::ui::views::ViewId;
use seller_console::worker::dialogs::ScriptedPicker;
use ui_support::{boot_options, orders_loaded_with, pick_agent, step_until};

#[test]
fn support_answers_the_dispute_due_soonest_with_a_receipt_and_a_note() {
    let dir = tempfile::tempdir().unwrap();
    let receipt = dir.path().join("shipping-receipt.pdf");
    std::fs::write(&receipt, b"%PDF-1.4\n% signed for at the door\n").unwrap();
    let mut options = AppOptions::for_tests();
    options.worker.picker = Arc::new(ScriptedPicker::answering([Some(receipt.clone())]));
    let (_rt, mut h) = boot_options(options);
    step_until(&mut h, "the demo sandbox", |h| h.state().session().ready);
    h.get_by_role_and_label(egui::Role::Button, "Disputes")
        .click();
    step_until(&mut h, "the disputes", |h| {
        !h.state().disputes_view().rows().is_empty()
    });
    assert_eq!(h.state().current_view(), ViewId::Disputes);
    let now = chrono::Utc::now().timestamp();
    let first = h.state().disputes_view().visible()[0].clone();
    assert_eq!(first.dispute.status, DisputeStatus::NeedsResponse);
    assert!(
        first.due_soon(now),
        "the first dispute is due within 72 hours"
    );
    assert!(!first.agent().is_empty(), "it shows the agent of its order");
    let closed_after_open = h
        .state()
        .disputes_view()
        .visible()
        .iter()
        .skip_while(|r| r.dispute.status.needs_response())
        .all(|r| !r.dispute.status.needs_response());
    assert!(
        closed_after_open,
        "every dispute that needs a response comes first"
    );
    let open = h.state().disputes_view().needing_response();
    assert_eq!(open, 3, "two chargebacks and an inquiry");
    h.get_by_label_contains(&format!("{open} disputes need a response"));

    // Open it from its order number.
    h.get_by_role_and_label(egui::Role::Link, &first.order_number())
        .click();
    let id = first.dispute.id.clone();
    step_until(&mut h, "the dispute detail", |h| {
        h.state()
            .disputes_view()
            .open_dispute()
            .is_some_and(|d| d.id == id)
    });
    let view = h.state().disputes_view();
    let order = first.order.as_ref().unwrap();
    assert_eq!(
        view.form_text("customer_name"),
        Some(order.customer.as_str())
    );
    assert!(
        view.form_text("product_description")
            .is_some_and(|p| p.contains(&order.display_number())),
        "the product lines come from the order"
    );
    h.get_by_label_contains("Respond by");

    // A shipping receipt and a note, saved as a draft.
    h.get_by_label("Attach shipping documentation…")
        .click_accesskit();
    step_until(&mut h, "the picked receipt", |h| {
        h.query_by_label_contains("shipping-receipt.pdf").is_some()
    });
    h.get_by_label("Other").click_accesskit();
    h.run_steps(3);
    h.get_by_label("Anything else").focus();
    h.run_steps(1);
    h.get_by_label("Anything else")
        .type_text("Signed for at the door on delivery.");
    h.run_steps(2);
    h.get_by_role_and_label(egui::Role::Button, "Save draft")
        .click();
    step_until(&mut h, "the draft saved", |h| {
        h.state()
            .disputes_view()
            .open_dispute()
            .is_some_and(|d| d.evidence_text("shipping_documentation").is_some())
    });
    let saved = h.state().disputes_view().open_dispute().unwrap().clone();
    assert_eq!(
        saved.status,
        DisputeStatus::NeedsResponse,
        "a draft is not submitted"
    );
    assert_eq!(
        saved.evidence_text("uncategorized_text"),
        Some("Signed for at the door on delivery.")
    );
    assert!(
        saved.evidence_text("customer_name").is_some(),
        "the prefill was saved"
    );
    h.get_by_label_contains("Draft saved");

    // Submitting asks first and says it is final.
    h.get_by_role_and_label(egui::Role::Button, "Submit evidence…")
        .click();
    h.run_steps(2);
    h.get_by_label_contains("This is final");
    h.get_by_role_and_label(egui::Role::Button, "Submit evidence")
        .click();
    step_until(&mut h, "the evidence submitted", |h| {
        h.state()
            .disputes_view()
            .open_dispute()
            .is_some_and(|d| d.status == DisputeStatus::UnderReview)
    });
    assert!(
        h.query_by_role_and_label(egui::Role::Button, "Save draft")
            .is_none(),
        "a submitted dispute takes no more evidence"
    );
}

#[test]
fn accepting_a_dispute_says_the_money_is_lost_first() {
    let (_rt, mut h) = boot_options(AppOptions::for_tests());
    step_until(&mut h, "the demo sandbox", |h| h.state().session().ready);
    h.get_by_role_and_label(egui::Role::Button, "Disputes")
        .click();
    step_until(&mut h, "the disputes", |h| {
        !h.state().disputes_view().rows().is_empty()
    });
    let first = h.state().disputes_view().visible()[0].clone();
    h.get_by_role_and_label(egui::Role::Link, &first.order_number())
        .click();
    step_until(&mut h, "the dispute detail", |h| {
        h.state().disputes_view().open_dispute().is_some()
    });
    h.get_by_role_and_label(egui::Role::Button, "Accept dispute…")
        .click();
    h.run_steps(2);
    h.get_by_label_contains("stays with the cardholder for good");
    // Going back changes nothing.
    h.get_by_role_and_label(egui::Role::Button, "Go back")
        .click();
    h.run_steps(2);
    assert_eq!(
        h.state().disputes_view().open_dispute().unwrap().status,
        DisputeStatus::NeedsResponse
    );
    h.get_by_role_and_label(egui::Role::Button, "Accept dispute…")
        .click();
    h.run_steps(2);
    h.get_by_role_and_label(egui::Role::Button, "Accept and lose the money")
        .click();
    step_until(&mut h, "the dispute lost", |h| {
        h.state()
            .disputes_view()
            .open_dispute()
            .is_some_and(|d| d.status == DisputeStatus::Lost)
    });
}

#[test]
fn one_agents_orders_are_refunded_in_bulk_with_a_preview_and_a_summary() {
    let (_rt, mut h) = orders_loaded_with(AppOptions::for_tests());
    pick_agent(&mut h, "Shopwise AI");
    let listed: Vec<_> = h
        .state()
        .orders_view()
        .visible_rows()
        .into_iter()
        .cloned()
        .collect();
    assert!(listed.iter().all(|r| r.agent == "Shopwise AI"));
    let plan = bulk::plan(&listed, &BulkAmount::Full);
    let going: Vec<_> = plan.iter().filter(|p| p.skip.is_none()).collect();
    assert!(!going.is_empty());
    assert!(
        plan.iter().any(|p| p.skip.is_some()),
        "some orders are skipped (not captured, refunded already)"
    );

    h.get_by_role_and_label(egui::Role::Button, "Refund in bulk…")
        .click();
    h.run_steps(3);
    h.get_by_label_contains("Every order the list shows");
    let label = format!(
        "Refund {} order{}",
        going.len(),
        if going.len() == 1 { "" } else { "s" }
    );
    h.get_by_role_and_label(egui::Role::Button, &label).click();
    step_until(&mut h, "the bulk refund to finish", |h| {
        h.query_by_label_contains("Bulk refund finished").is_some()
    });
    h.get_by_label_contains(&format!("{} refunded", going.len()));
    step_until(&mut h, "the rows to show the refunds", |h| {
        going.iter().all(|p| {
            h.state()
                .orders_view()
                .all_rows()
                .iter()
                .find(|r| r.id == p.order.id)
                .is_some_and(|r| r.state == PaymentState::Refunded)
        })
    });
    h.get_by_role_and_label(egui::Role::Button, "Close").click();
    h.run_steps(2);
    assert!(h.query_by_label_contains("Bulk refund finished").is_none());
}
