//! The push path against the embedded sandbox: a file over the Files API's 200 MB goes through a
//! v2 catalog import (which takes up to 4 GB) and is refused, before anything is sent, for a v1
//! ImportSet; a file that cannot be pushed creates no import on Stripe.

mod support;

use seller_console::sandbox::{Sandbox, SandboxConfig};
use seller_console::stripe::catalog_imports::{CatalogImportFilter, FeedType, ImportMode};
use seller_console::stripe::import_sets::StandardDataFormat;
use seller_console::stripe::push::PushVia;
use seller_console::stripe::{Client, Error, RetryPolicy};

async fn sandbox() -> (Sandbox, Client) {
    let sb = Sandbox::start(SandboxConfig::default()).await.unwrap();
    let client = support::sandbox_client(&sb, RetryPolicy::local());
    (sb, client)
}

async fn import_count(client: &Client) -> usize {
    client
        .list_catalog_imports(&CatalogImportFilter::default())
        .collect_all()
        .await
        .unwrap()
        .len()
}

fn v2() -> PushVia {
    PushVia::CatalogImport {
        feed: FeedType::Product,
        mode: ImportMode::Upsert,
    }
}

/// A 210 MB file without writing 210 MB (sparse on the file systems tests run on).
fn big_file(dir: &std::path::Path) -> std::path::PathBuf {
    let path = dir.join("big-catalog.csv");
    let f = std::fs::File::create(&path).unwrap();
    f.set_len(210 * 1024 * 1024).unwrap();
    path
}

#[tokio::test]
async fn a_file_over_200_mb_goes_through_a_v2_import_and_is_refused_for_an_import_set() {
    let (_sb, client) = sandbox().await;
    let dir = tempfile::tempdir().unwrap();
    let path = big_file(dir.path());
    let before = import_count(&client).await;

    let pushed = client.push_feed(&path, &v2(), None).await;
    let pushed = pushed.expect("v2 imports take files up to 4 GB");
    assert!(pushed.import.starts_with("pcimprt_"), "{pushed:?}");
    assert_eq!(import_count(&client).await, before + 1);

    let v1 = PushVia::ImportSet {
        format: StandardDataFormat::ProductCatalogFeed,
    };
    let refused = client.push_feed(&path, &v1, None).await.unwrap_err();
    assert!(
        matches!(refused, Error::TooLarge { .. }),
        "the Files API takes 200 MB at most: {refused:?}"
    );
    assert!(
        refused.user_message().contains("200 MB"),
        "{}",
        refused.user_message()
    );
}

#[tokio::test]
async fn a_file_that_cannot_be_pushed_creates_no_import() {
    let (_sb, client) = sandbox().await;
    let dir = tempfile::tempdir().unwrap();
    let before = import_count(&client).await;
    for path in [dir.path().join("missing.csv"), dir.path().to_path_buf()] {
        let e = client.push_feed(&path, &v2(), None).await.unwrap_err();
        assert!(matches!(e, Error::File { .. }), "{e:?}");
    }
    assert_eq!(
        import_count(&client).await,
        before,
        "nothing was created on Stripe"
    );
}

/// A valid product feed, `catalog.csv` in the world's data folder.
fn valid_feed(w: &support::World) -> String {
    let feed = w.data.path().join("catalog.csv");
    std::fs::copy(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/feed/product_valid.csv"),
        &feed,
    )
    .expect("fixture copied");
    feed.to_string_lossy().into_owned()
}

#[test]
fn a_push_from_the_command_line_is_in_the_history_the_app_reads_and_in_imports_list() {
    let w = support::World::new(RetryPolicy::local());
    let feed = valid_feed(&w);
    let pushed = w
        .run(&["push", &feed, "--feed", "product", "--via", "import-set"])
        .ok();
    let history =
        seller_console::push_history::load(&seller_console::push_history::path_in(w.data.path()))
            .unwrap();
    assert_eq!(history.len(), 1, "{}\n{}", pushed.stdout, pushed.stderr);
    let record = &history[0];
    assert_eq!(
        record.flavour,
        seller_console::push_history::ImportFlavour::ImportSet
    );
    assert_eq!(record.account_key, w.client.config().account_key());
    assert!(record.rows > 0);
    // Stripe has no public list of ImportSets: `imports list` shows it from the history.
    let listed = w.run(&["imports", "list"]).ok();
    assert!(
        listed.stdout.contains(&record.import_id),
        "{}",
        listed.stdout
    );
    assert!(
        listed.stdout.contains("ImportSet of catalog.csv"),
        "{}",
        listed.stdout
    );
}

#[test]
fn a_second_push_of_the_same_feed_waits_for_the_first_unless_asked() {
    let w = support::World::new(RetryPolicy::local());
    let feed = valid_feed(&w);
    let first = w.run(&["push", &feed, "--feed", "product", "--json"]).ok();
    let second = w.run(&["push", &feed, "--feed", "product"]);
    assert_eq!(second.code, 3, "{}\n{}", first.stdout, second.stderr);
    assert!(
        second.stderr.contains("still processing"),
        "{}",
        second.stderr
    );
    assert!(second.stderr.contains("--overlap"), "{}", second.stderr);
    w.run(&["push", &feed, "--feed", "product", "--overlap"])
        .ok();
}
