//! Disputes against the embedded sandbox through the library: the demo seed has one in every
//! state a support agent meets; evidence is saved as a draft and then submitted; accepting
//! loses the money; a charged-back payment cannot be refunded; evidence files are checked
//! before upload and by the sandbox.

mod support;

use std::collections::BTreeMap;

use futures_util::TryStreamExt;
use seller_console::sandbox::{Sandbox, SandboxConfig, Seed};
use seller_console::stripe::disputes::{
    Dispute, DisputeQuery, DisputeStatus, EvidenceUpdate, check_evidence_file,
};
use seller_console::stripe::files::FilePurpose;
use seller_console::stripe::refunds::RefundRequest;
use seller_console::stripe::{Client, Error, IdempotencyKey, RetryPolicy};

async fn demo() -> (Sandbox, Client) {
    let sb = Sandbox::start(SandboxConfig::seeded(Seed::Demo))
        .await
        .unwrap();
    let client = support::sandbox_client(&sb, RetryPolicy::local());
    (sb, client)
}

async fn disputes(client: &Client) -> Vec<Dispute> {
    client
        .list_disputes(&DisputeQuery::default())
        .unwrap()
        .into_stream()
        .try_collect()
        .await
        .unwrap()
}

fn with_status(all: &[Dispute], status: &DisputeStatus) -> Vec<Dispute> {
    all.iter()
        .filter(|d| &d.status == status)
        .cloned()
        .collect()
}

fn code(e: &Error) -> Option<String> {
    e.api().and_then(|a| a.code.clone())
}

#[tokio::test]
async fn the_demo_has_a_dispute_in_every_state_with_deadlines() {
    let (sb, client) = demo().await;
    let all = disputes(&client).await;
    let statuses: std::collections::BTreeSet<&str> =
        all.iter().map(|d| d.status.as_str()).collect();
    for s in [
        "warning_needs_response",
        "needs_response",
        "under_review",
        "won",
        "lost",
    ] {
        assert!(statuses.contains(s), "a {s} dispute in {statuses:?}");
    }
    let now = chrono::Utc::now().timestamp();
    let open = with_status(&all, &DisputeStatus::NeedsResponse);
    assert_eq!(open.len(), 2);
    let soonest = open
        .iter()
        .filter_map(|d| d.evidence_details.deadline())
        .min()
        .unwrap();
    assert!(
        soonest > now && soonest - now < 72 * 3600,
        "one chargeback is due within 72 hours"
    );
    for d in &all {
        // Each dispute is on a charge the order shows as disputed.
        let pi = client
            .retrieve_payment_intent(d.payment_intent_id().unwrap())
            .await
            .unwrap();
        let charge = pi.charge().unwrap();
        assert_eq!(charge.id, d.charge_id());
        assert!(charge.disputed, "{} is on a disputed charge", d.id);
        assert_eq!(d.amount, charge.amount_captured);
    }
    let inquiry = &with_status(&all, &DisputeStatus::WarningNeedsResponse)[0];
    assert!(inquiry.is_charge_refundable);
    assert_eq!(inquiry.case_type(), Some("inquiry"));
    assert!(!open[0].is_charge_refundable);
    sb.shutdown().await;
}

#[tokio::test]
async fn evidence_saved_as_a_draft_then_submitted_moves_to_under_review() {
    let (sb, client) = demo().await;
    let all = disputes(&client).await;
    let d = &with_status(&all, &DisputeStatus::NeedsResponse)[0];
    let receipt = tempfile::Builder::new().suffix(".pdf").tempfile().unwrap();
    std::fs::write(receipt.path(), b"%PDF-1.4\n% shipping receipt\n").unwrap();
    check_evidence_file(receipt.path()).unwrap();
    let file = client
        .upload_file(receipt.path(), &FilePurpose::DisputeEvidence, None)
        .await
        .unwrap();

    let mut evidence = BTreeMap::new();
    evidence.insert("shipping_documentation".to_owned(), file.id.clone());
    evidence.insert(
        "uncategorized_text".to_owned(),
        "Delivered on the 3rd; signed for at the door.".to_owned(),
    );
    let draft = client
        .update_dispute(
            &d.id,
            &EvidenceUpdate {
                evidence: evidence.clone(),
                submit: false,
            },
            Some(IdempotencyKey::new()),
        )
        .await
        .unwrap();
    assert_eq!(
        draft.status,
        DisputeStatus::NeedsResponse,
        "a draft is not sent"
    );
    assert!(draft.evidence_details.has_evidence);
    assert_eq!(draft.evidence_details.submission_count, 0);
    assert_eq!(
        draft.evidence_text("shipping_documentation"),
        Some(file.id.as_str())
    );

    let sent = client
        .update_dispute(
            &d.id,
            &EvidenceUpdate {
                evidence: BTreeMap::new(),
                submit: true,
            },
            Some(IdempotencyKey::new()),
        )
        .await
        .unwrap();
    assert_eq!(sent.status, DisputeStatus::UnderReview);
    assert_eq!(sent.evidence_details.submission_count, 1);
    assert_eq!(
        sent.evidence_text("uncategorized_text"),
        Some("Delivered on the 3rd; signed for at the door."),
        "the draft's evidence went with the submission"
    );

    // Submitted evidence cannot be changed.
    let again = client
        .update_dispute(
            &d.id,
            &EvidenceUpdate {
                evidence,
                submit: true,
            },
            None,
        )
        .await
        .unwrap_err();
    assert_eq!(code(&again).as_deref(), Some("dispute_already_submitted"));
    sb.shutdown().await;
}

#[tokio::test]
async fn accepting_a_chargeback_loses_it_and_it_can_no_longer_be_refunded() {
    let (sb, client) = demo().await;
    let all = disputes(&client).await;
    let d = &with_status(&all, &DisputeStatus::NeedsResponse)[1];
    let refund = RefundRequest {
        payment_intent: d.payment_intent_id().unwrap().to_owned(),
        ..RefundRequest::default()
    };
    let refused = client
        .create_refund(&refund, Some(IdempotencyKey::new()))
        .await
        .unwrap_err();
    assert_eq!(code(&refused).as_deref(), Some("charge_disputed"));

    let closed = client
        .close_dispute(&d.id, Some(IdempotencyKey::new()))
        .await
        .unwrap();
    assert_eq!(closed.status, DisputeStatus::Lost);
    let twice = client.close_dispute(&d.id, None).await.unwrap_err();
    assert_eq!(code(&twice).as_deref(), Some("dispute_already_closed"));
    sb.shutdown().await;
}

#[tokio::test]
async fn a_full_refund_resolves_an_inquiry() {
    let (sb, client) = demo().await;
    let all = disputes(&client).await;
    let inquiry = &with_status(&all, &DisputeStatus::WarningNeedsResponse)[0];
    let refund = RefundRequest {
        payment_intent: inquiry.payment_intent_id().unwrap().to_owned(),
        ..RefundRequest::default()
    };
    client
        .create_refund(&refund, Some(IdempotencyKey::new()))
        .await
        .unwrap();
    let after = client.retrieve_dispute(&inquiry.id).await.unwrap();
    assert_eq!(after.status, DisputeStatus::WarningClosed);
    sb.shutdown().await;
}

#[tokio::test]
async fn evidence_files_over_the_limit_or_of_another_kind_are_refused() {
    let (sb, client) = demo().await;
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("scan.pdf");
    let mut bytes = b"%PDF-1.4\n".to_vec();
    bytes.resize(5 * 1024 * 1024 + 1, b' ');
    std::fs::write(&big, &bytes).unwrap();
    let message = check_evidence_file(&big).unwrap_err();
    assert!(message.contains("at most 5 MB"), "{message}");

    let gif = dir.path().join("photo.gif");
    std::fs::write(&gif, b"GIF89a....").unwrap();
    let message = check_evidence_file(&gif).unwrap_err();
    assert!(message.contains("PDF, JPEG or PNG"), "{message}");

    // The sandbox refuses them as Stripe does, should a client not check.
    let refused = client
        .upload_file(&gif, &FilePurpose::DisputeEvidence, None)
        .await
        .unwrap_err();
    assert!(
        refused.to_string().contains("PDF, JPEG or PNG"),
        "{refused}"
    );
    let refused = client
        .upload_file(&big, &FilePurpose::DisputeEvidence, None)
        .await
        .unwrap_err();
    assert!(refused.to_string().contains("5 MB"), "{refused}");
    sb.shutdown().await;
}

#[tokio::test]
async fn unknown_evidence_fields_are_refused_before_sending() {
    let (sb, client) = demo().await;
    let all = disputes(&client).await;
    let d = &with_status(&all, &DisputeStatus::NeedsResponse)[0];
    let mut evidence = BTreeMap::new();
    evidence.insert("favourite_colour".to_owned(), "blue".to_owned());
    let e = client
        .update_dispute(
            &d.id,
            &EvidenceUpdate {
                evidence,
                submit: false,
            },
            None,
        )
        .await
        .unwrap_err();
    assert!(e.to_string().contains("not an evidence field"), "{e}");
    sb.shutdown().await;
}

// ---------------------------------------------------------------------------------------------
// `seller-console disputes …`, as support staff would run it.

use support::World as Desk;

/// What these tests add to the shared world.
impl Desk {
    fn dispute(&self, id: &str) -> Dispute {
        self.rt.block_on(self.client.retrieve_dispute(id)).unwrap()
    }

    /// The dispute the command line lists first: the soonest deadline among those open.
    fn first_listed(&self) -> String {
        let list = self.run(&["disputes", "list"]).ok();
        list.stdout
            .split_whitespace()
            .next()
            .expect("a dispute listed")
            .to_owned()
    }
}

#[test]
fn the_list_puts_the_dispute_due_soonest_first_and_marks_the_last_72_hours() {
    let desk = Desk::new(RetryPolicy::local());
    let list = desk.run(&["disputes", "list"]).ok();
    let lines: Vec<&str> = list.stdout.lines().filter(|l| l.starts_with('d')).collect();
    assert_eq!(lines.len(), 6, "{}", list.stdout);
    assert!(lines[0].contains("Needs response"), "{}", lines[0]);
    assert!(lines[0].contains("less than 72 hours"), "{}", lines[0]);
    assert_eq!(
        list.stdout.matches("less than 72 hours").count(),
        1,
        "only one dispute is due within 72 hours"
    );
    // Every open dispute is listed before every closed one, with its agent and order.
    let first_closed = lines
        .iter()
        .position(|l| l.contains("Won") || l.contains("Lost") || l.contains("Under review"))
        .unwrap();
    assert!(lines[..first_closed].iter().all(|l| l.contains("due in")));
    assert!(
        lines.iter().all(|l| !l.contains(" — ")),
        "every dispute shows its order's agent:\n{}",
        list.stdout
    );
    assert!(
        list.stdout
            .contains("The cardholder says they did not make this purchase")
    );

    let only_lost = desk.run(&["disputes", "list", "--status", "lost"]).ok();
    assert_eq!(
        only_lost.stdout.matches("Lost").count(),
        1,
        "{}",
        only_lost.stdout
    );
}

#[test]
fn evidence_from_the_command_line_is_saved_as_a_draft_then_submitted() {
    let desk = Desk::new(RetryPolicy::local());
    let id = desk.first_listed();
    let receipt = desk.data.path().join("shipping-receipt.pdf");
    std::fs::write(&receipt, b"%PDF-1.4\n% a shipping receipt\n").unwrap();
    let shown = desk.run(&["disputes", "show", &id]).ok();
    assert!(shown.stdout.contains("customer_name"), "{}", shown.stdout);

    let draft = desk
        .run(&[
            "disputes",
            "evidence",
            &id,
            "--field",
            "shipping_carrier=UPS",
            "--field",
            "uncategorized_text=Delivered to the front desk; signed by the buyer.",
            "--file",
            &format!("shipping_documentation={}", receipt.display()),
            "--prefill",
        ])
        .ok();
    assert!(draft.stdout.contains("as a draft"), "{}", draft.stdout);
    let d = desk.dispute(&id);
    assert_eq!(
        d.status,
        DisputeStatus::NeedsResponse,
        "a draft is not submitted"
    );
    assert_eq!(d.evidence_text("shipping_carrier"), Some("UPS"));
    assert!(
        d.evidence_text("shipping_documentation")
            .is_some_and(|f| f.starts_with("file_")),
        "the receipt was uploaded and attached"
    );
    assert!(
        d.evidence_text("customer_name").is_some(),
        "prefilled from the order"
    );
    assert!(
        d.evidence_text("product_description")
            .is_some_and(|p| p.contains(" × ")),
        "the product lines are described"
    );

    let submitted = desk.run(&["disputes", "evidence", &id, "--submit"]).ok();
    assert!(
        submitted.stdout.contains("Under review"),
        "{}",
        submitted.stdout
    );
    assert_eq!(desk.dispute(&id).status, DisputeStatus::UnderReview);
    let late = desk.run(&[
        "disputes",
        "evidence",
        &id,
        "--field",
        "shipping_carrier=DHL",
    ]);
    assert_eq!(late.code, 3, "{}", late.stderr);
    assert!(
        late.stderr.contains("takes no more evidence"),
        "{}",
        late.stderr
    );
}

#[test]
fn accepting_from_the_command_line_loses_the_dispute() {
    let desk = Desk::new(RetryPolicy::local());
    let id = desk.first_listed();
    let run = desk.run(&["disputes", "accept", &id]).ok();
    assert!(
        run.stdout.contains("stays with the cardholder"),
        "{}",
        run.stdout
    );
    assert_eq!(desk.dispute(&id).status, DisputeStatus::Lost);
    let again = desk.run(&["disputes", "accept", &id]);
    assert_eq!(again.code, 3, "{}", again.stderr);
}

#[test]
fn an_evidence_file_over_the_limit_is_refused_before_anything_is_uploaded() {
    let desk = Desk::new(RetryPolicy::local());
    let id = desk.first_listed();
    let big = desk.data.path().join("scan.pdf");
    let mut bytes = b"%PDF-1.4\n".to_vec();
    bytes.resize(6 * 1024 * 1024, b'0');
    std::fs::write(&big, bytes).unwrap();
    let run = desk.run(&[
        "disputes",
        "evidence",
        &id,
        "--field",
        "shipping_carrier=UPS",
        "--file",
        &format!("shipping_documentation={}", big.display()),
    ]);
    assert_eq!(run.code, 3, "{}", run.stderr);
    assert!(run.stderr.contains("at most 5 MB"), "{}", run.stderr);
    let files = desk
        .rt
        .block_on(
            desk.client
                .list_files(Some(&FilePurpose::DisputeEvidence), 100),
        )
        .unwrap();
    assert!(files.data.is_empty(), "nothing was uploaded");
    assert_eq!(
        desk.dispute(&id).evidence_text("shipping_carrier"),
        None,
        "nothing was saved either"
    );
}
