//! The real client against the embedded sandbox on a random port: every endpoint, the
//! double-refund case, a 429 storm, pagination over 1,000 orders, an import with errors whose
//! report matches the validator, and secrets kept out of every error.

mod support;

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};
use std::time::Duration;

use futures_util::TryStreamExt;
use seller_console::feed::validate::{Options, validate_bytes};
use seller_console::feed::{FeedKind, Severity};
use seller_console::sandbox::{DEMO_KEY, FaultRule, Sandbox, SandboxConfig, Seed, Trigger};
use seller_console::stripe::agreements::AgreementStatus;
use seller_console::stripe::catalog_imports::{CatalogImport, FeedType, ImportMode};
use seller_console::stripe::files::FilePurpose;
use seller_console::stripe::import_sets::StandardDataFormat;
use seller_console::stripe::orders::{CheckoutSession, OrderQuery};
use seller_console::stripe::payment_intents::PaymentIntentStatus;
use seller_console::stripe::refunds::RefundRequest;
use seller_console::stripe::{Client, IdempotencyKey, RetryPolicy};

async fn sandbox(seed: Seed) -> Sandbox {
    Sandbox::start(SandboxConfig::seeded(seed)).await.unwrap()
}

/// True once every `Next(n)` fault has been used up.
fn fired(sb: &Sandbox) -> bool {
    sb.faults()
        .spec()
        .rules
        .iter()
        .all(|r| r.trigger == Trigger::Next(0))
}

async fn all_orders(client: &Client) -> Vec<CheckoutSession> {
    client
        .list_orders(&OrderQuery::default())
        .into_stream()
        .try_collect()
        .await
        .unwrap()
}

/// A demo order whose payment was captured and not refunded yet.
async fn refundable_order(client: &Client) -> (String, i64) {
    let orders = all_orders(client).await;
    orders
        .iter()
        .filter_map(CheckoutSession::payment)
        .find(|pi| {
            pi.status == PaymentIntentStatus::Succeeded
                && pi
                    .charge()
                    .is_some_and(|c| c.amount_refunded == 0 && !c.disputed)
        })
        .map(|pi| (pi.id.clone(), pi.amount_received))
        .expect("the demo seed has captured, unrefunded orders")
}

#[tokio::test]
async fn a_refund_retried_after_a_post_commit_drop_happens_exactly_once() {
    let sb = sandbox(Seed::Demo).await;
    let client = support::sandbox_client(&sb, RetryPolicy::local());
    let (pi, received) = refundable_order(&client).await;
    sb.faults().add(
        FaultRule::drop_after_commit()
            .on_path("/v1/refunds")
            .next(1),
    );
    let partial = received / 2;
    let refund = client
        .create_refund(
            &RefundRequest {
                payment_intent: pi.clone(),
                amount: Some(partial),
                ..RefundRequest::default()
            },
            Some(IdempotencyKey::new()),
        )
        .await
        .unwrap();
    assert_eq!(refund.amount, partial);
    assert!(
        fired(&sb),
        "the connection was dropped after the refund was committed"
    );
    let refunds = client
        .list_refunds(&pi)
        .unwrap()
        .collect_all()
        .await
        .unwrap();
    assert_eq!(
        refunds.len(),
        1,
        "the dropped answer must not cause a second refund"
    );
    let after = client.retrieve_payment_intent(&pi).await.unwrap();
    assert_eq!(after.charge().unwrap().amount_refunded, partial);

    // Refunding more than what is left reads as a sentence with a request id.
    let e = client
        .create_refund(
            &RefundRequest {
                payment_intent: pi.clone(),
                amount: Some(received),
                ..RefundRequest::default()
            },
            None,
        )
        .await
        .unwrap_err();
    assert!(e.api().unwrap().is_over_refund(), "{e:?}");
    assert!(e.to_string().contains("larger than what is left"), "{e}");
    assert!(e.request_id().is_some_and(|r| r.starts_with("req_")));
    // The rest, then nothing more.
    client
        .create_refund(
            &RefundRequest {
                payment_intent: pi.clone(),
                ..RefundRequest::default()
            },
            None,
        )
        .await
        .unwrap();
    let e = client
        .create_refund(
            &RefundRequest {
                payment_intent: pi.clone(),
                ..RefundRequest::default()
            },
            None,
        )
        .await
        .unwrap_err();
    assert!(e.api().unwrap().is_already_refunded(), "{e:?}");
    sb.shutdown().await;
}

#[tokio::test]
async fn a_429_storm_is_ridden_out() {
    let sb = sandbox(Seed::Demo).await;
    let client = support::sandbox_client(&sb, RetryPolicy::local());
    sb.faults().add(FaultRule::rate_limited().next(6));
    let mut pager = client.list_orders(&OrderQuery::default());
    let page = pager.next_page().await.unwrap().unwrap();
    assert!(!page.is_empty());
    assert!(fired(&sb), "all six 429s were served and ridden out");
    sb.shutdown().await;
}

#[tokio::test]
async fn pagination_over_1000_orders_returns_each_exactly_once() {
    let sb = sandbox(Seed::Empty).await;
    let total = sb.add_orders(1_000);
    assert!(total >= 1_000);
    let client = support::sandbox_client(&sb, RetryPolicy::local());
    let orders = all_orders(&client).await;
    let ids: HashSet<_> = orders.iter().map(|o| o.id.clone()).collect();
    assert_eq!(orders.len(), total);
    assert_eq!(ids.len(), total);
    assert!(
        orders.windows(2).all(|w| w[0].created >= w[1].created),
        "newest first"
    );
    sb.shutdown().await;
}

#[tokio::test]
async fn demo_orders_capture_cancel_and_details() {
    let sb = sandbox(Seed::Demo).await;
    let client = support::sandbox_client(&sb, RetryPolicy::local());
    let orders = all_orders(&client).await;
    assert!(orders.iter().filter(|o| o.is_agent_order()).count() >= 100);
    let waiting: Vec<_> = orders.iter().filter(|o| o.needs_capture()).collect();
    assert!(
        waiting.len() >= 2,
        "the demo seed has orders awaiting capture"
    );
    assert!(waiting.iter().all(|o| o.capture_before().is_some()));

    let detail = client.retrieve_order(&waiting[0].id).await.unwrap();
    let lines = detail.line_items.as_ref().unwrap();
    assert!(!lines.data.is_empty());
    assert!(
        lines.data.iter().all(|l| l.product().is_some()),
        "products are expanded"
    );
    assert!(detail.email().is_some());

    let pi = detail.payment().unwrap();
    let captured = client
        .capture_payment_intent(&pi.id, Some(pi.amount_capturable - 1), None)
        .await
        .unwrap();
    assert_eq!(captured.status, PaymentIntentStatus::Succeeded);
    assert_eq!(captured.amount_received, pi.amount_capturable - 1);
    let again = client
        .capture_payment_intent(&pi.id, None, None)
        .await
        .unwrap_err();
    assert!(again.to_string().contains("Reload the order"), "{again}");

    let other = waiting[1].payment().unwrap();
    let canceled = client
        .cancel_payment_intent(&other.id, None, None)
        .await
        .unwrap();
    assert_eq!(canceled.status, PaymentIntentStatus::Canceled);
    sb.shutdown().await;
}

#[tokio::test]
async fn agreements_list_confirm_and_terminate() {
    let sb = sandbox(Seed::Demo).await;
    let client = support::sandbox_client(&sb, RetryPolicy::local());
    let all = client.list_agreements(2).collect_all().await.unwrap();
    let statuses: HashSet<_> = all.iter().map(|a| a.status.clone()).collect();
    for s in [
        AgreementStatus::Initiated,
        AgreementStatus::PartiallyConfirmed,
        AgreementStatus::Confirmed,
        AgreementStatus::Terminated,
    ] {
        assert!(statuses.contains(&s), "demo seed lacks {s}");
    }
    let pending = all.iter().find(|a| a.awaits_seller()).unwrap();
    let confirmed = client.confirm_agreement(&pending.id, None).await.unwrap();
    assert!(
        confirmed
            .status_transitions
            .unwrap()
            .seller_confirmed_at
            .is_some()
    );
    let live = all
        .iter()
        .find(|a| a.status == AgreementStatus::Confirmed)
        .unwrap();
    let ended = client.terminate_agreement(&live.id, None).await.unwrap();
    assert_eq!(ended.status, AgreementStatus::Terminated);
    assert_eq!(
        client.retrieve_agreement(&live.id).await.unwrap().status,
        AgreementStatus::Terminated
    );
    sb.shutdown().await;
}

/// `product_valid.csv` with two rows broken, written to a temp folder.
fn broken_feed(dir: &Path) -> PathBuf {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/feed/product_valid.csv");
    let mut reader = csv::Reader::from_path(&src).unwrap();
    let headers = reader.headers().unwrap().clone();
    let col = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let path = dir.join("catalog.csv");
    let mut writer = csv::Writer::from_path(&path).unwrap();
    writer.write_record(&headers).unwrap();
    for (i, rec) in reader.records().enumerate() {
        let mut fields: Vec<String> = rec.unwrap().iter().map(str::to_owned).collect();
        match i {
            1 => fields[col("availability")] = "maybe".into(),
            3 => fields[col("price")] = "cheap".into(),
            _ => {}
        }
        writer.write_record(&fields).unwrap();
    }
    writer.flush().unwrap();
    path
}

async fn finish(client: &Client, id: &str) -> CatalogImport {
    for _ in 0..200 {
        let imp = client.retrieve_catalog_import(id).await.unwrap();
        if imp.status.is_terminal() {
            return imp;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("import {id} never finished");
}

#[tokio::test]
async fn a_v2_import_with_errors_yields_a_report_matching_the_validator() {
    let sb = sandbox(Seed::Empty).await;
    let client = support::sandbox_client(&sb, RetryPolicy::local());
    let dir = tempfile::tempdir().unwrap();
    let path = broken_feed(dir.path());
    let bytes = std::fs::read(&path).unwrap();
    let report = validate_bytes(
        &bytes,
        &Options {
            feed: Some(FeedKind::Product),
        },
    );
    let mut reader = csv::Reader::from_reader(bytes.as_slice());
    let ids: Vec<String> = reader
        .records()
        .map(|r| r.unwrap().get(0).unwrap().to_owned())
        .collect();
    let expected: HashSet<String> = report
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .filter_map(|d| d.row)
        .map(|r| ids[(r - 1) as usize].clone())
        .collect();
    assert!(
        expected.len() >= 2,
        "the validator flags both broken rows: {expected:?}"
    );

    let import = client
        .create_catalog_import(
            &FeedType::Product,
            &ImportMode::Upsert,
            &BTreeMap::new(),
            None,
        )
        .await
        .unwrap();
    client
        .upload_catalog_file(&import, &path, None)
        .await
        .unwrap();
    let done = finish(&client, &import.id).await;
    assert_eq!(
        done.counts(),
        ((ids.len() - expected.len()) as i64, expected.len() as i64)
    );
    let csv_bytes = client
        .catalog_import_errors(&import.id, 1 << 20)
        .await
        .unwrap()
        .expect("an error report");
    let mut reader = csv::Reader::from_reader(csv_bytes.as_slice());
    let headers = reader.headers().unwrap().clone();
    assert_eq!(&headers[0], "stripe_error_message");
    let id_col = headers.iter().position(|h| h == "id").unwrap();
    let reported: HashSet<String> = reader
        .records()
        .map(|r| r.unwrap().get(id_col).unwrap().to_owned())
        .collect();
    assert_eq!(reported, expected);
    sb.shutdown().await;
}

#[tokio::test]
async fn a_v1_import_set_goes_through_the_files_host_with_the_beta_version() {
    let sb = sandbox(Seed::Empty).await;
    let client = support::sandbox_client(&sb, RetryPolicy::local());
    let dir = tempfile::tempdir().unwrap();
    let path = broken_feed(dir.path());
    let file = client
        .upload_file(&path, &FilePurpose::DataManagementManualUpload, None)
        .await
        .unwrap();
    assert_eq!(file.size, std::fs::metadata(&path).unwrap().len());
    assert_eq!(client.retrieve_file(&file.id).await.unwrap().id, file.id);
    let set = client
        .create_import_set(&file.id, &StandardDataFormat::ProductCatalogFeed, None)
        .await
        .unwrap();
    let mut done = set;
    for _ in 0..200 {
        if done.status.is_terminal() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
        done = client.retrieve_import_set(&done.id).await.unwrap();
    }
    let (_, failed) = done.counts();
    assert!(failed >= 2, "{done:?}");
    let report = done.error_file().expect("an error report file");
    let dest = dir.path().join("catalog.errors.csv");
    client.download_file(report, &dest).await.unwrap();
    let text = std::fs::read_to_string(&dest).unwrap();
    assert!(text.starts_with("stripe_error_message"));
    sb.shutdown().await;
}

#[tokio::test]
async fn secrets_never_appear_in_errors() {
    let sb = sandbox(Seed::Demo).await;
    let client = support::sandbox_client(&sb, RetryPolicy::local());
    let body = &DEMO_KEY["sk_test_".len()..DEMO_KEY.len() - 4];
    let errors = vec![
        client
            .retrieve_payment_intent("pi_doesnotexist")
            .await
            .unwrap_err(),
        client.retrieve_order("cs_test_nope").await.unwrap_err(),
        client
            .confirm_agreement("orca_test_nope", None)
            .await
            .unwrap_err(),
        client
            .capture_payment_intent("pi_nope", Some(1), None)
            .await
            .unwrap_err(),
    ];
    for e in errors {
        let text = format!("{e} {e:?} {}", e.user_message());
        assert!(!text.contains(body), "leaked: {text}");
        assert!(e.request_id().is_some(), "{e:?}");
    }
    assert!(!format!("{client:?}").contains(body));
    sb.shutdown().await;
}
