//! UI tests of the Imports view: in demo mode, push a feed with errors to the embedded
//! sandbox, record it in the push history, and follow it in the view to its error report and
//! back to the Catalog view.

mod ui_support;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;
use seller_console::profiles::Mode;
use seller_console::push_history::{self, ImportFlavour, PushRecord};
use seller_console::sandbox::DEMO_KEY;
use seller_console::stripe::catalog_imports::{FeedType, ImportMode};
use seller_console::stripe::{ApiKey, Client, Config};
use seller_console::ui::views::imports::ImportsView;
use seller_console::ui::views::{Intent, ViewCtx, ViewId};
use seller_console::ui::{AppOptions, SellerApp};
use seller_console::worker::session::{self, Connection, SessionInfo};
use seller_console::worker::{Event, WorkerConfig, WorkerHandle};
use ui_support::{boot_options, step_until};

/// `product_valid.csv` with three rows broken (two the same way), written to `dir`.
/// Returns its path and its number of data rows.
fn broken_feed(dir: &Path) -> (PathBuf, u64) {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/feed/product_valid.csv");
    let mut reader = csv::Reader::from_path(&src).expect("fixture");
    let headers = reader.headers().expect("header").clone();
    let col = |name: &str| headers.iter().position(|h| h == name).expect("column");
    let path = dir.join("catalog-broken.csv");
    let mut writer = csv::Writer::from_path(&path).expect("temp file");
    writer.write_record(&headers).expect("write");
    let mut rows = 0;
    for (i, rec) in reader.records().enumerate() {
        let mut fields: Vec<String> = rec.expect("row").iter().map(str::to_owned).collect();
        match i {
            1 => fields[col("availability")] = "maybe".into(),
            2 | 3 => fields[col("price")] = "cheap".into(),
            _ => {}
        }
        writer.write_record(&fields).expect("write");
        rows += 1;
    }
    writer.flush().expect("flush");
    (path, rows)
}

fn boot_in(dir: &Path) -> (tokio::runtime::Runtime, Harness<'static, SellerApp>) {
    let mut options = AppOptions::for_tests();
    options.worker.data_dir = Some(dir.to_path_buf());
    let (rt, mut h) = boot_options(options);
    step_until(&mut h, "the demo sandbox", |h| h.state().session().ready);
    (rt, h)
}

fn demo_client(api_base: &str) -> Client {
    let config = Config::new(ApiKey::new(DEMO_KEY).expect("demo key"))
        .with_base_url(api_base)
        .expect("sandbox URL");
    Client::new(config).expect("client")
}

/// Pushes a broken feed to the sandbox as the catalog view would, and records it.
fn push_broken_feed(rt: &tokio::runtime::Runtime, api_base: &str, dir: &Path) -> String {
    let (path, rows) = broken_feed(dir);
    push_file(rt, api_base, dir, path, rows)
}

/// Pushes `path` as a product feed to the sandbox as the catalog view would, and records it
/// in the push history in `dir`.
fn push_file(
    rt: &tokio::runtime::Runtime,
    api_base: &str,
    dir: &Path,
    path: PathBuf,
    rows: u64,
) -> String {
    let client = demo_client(api_base);
    let import = rt.block_on(async {
        let import = client
            .create_catalog_import(
                &FeedType::Product,
                &ImportMode::Upsert,
                &BTreeMap::new(),
                None,
            )
            .await
            .expect("import created");
        client
            .upload_catalog_file(&import, &path, None)
            .await
            .expect("file uploaded");
        import
    });
    let account_key = Connection::new(
        Mode::Sandbox,
        api_base.to_owned(),
        api_base.to_owned(),
        DEMO_KEY.to_owned(),
        None,
    )
    .expect("connection")
    .account_key();
    push_history::append(
        &push_history::path_in(dir),
        &PushRecord {
            import_id: import.id.clone(),
            flavour: ImportFlavour::CatalogImport,
            feed_kind: "product".into(),
            mode: "upsert".into(),
            file_path: path,
            rows,
            pushed_at: chrono::Utc::now().to_rfc3339(),
            account_key,
            synced_from: None,
            content_hash: None,
        },
    )
    .expect("history written");
    import.id
}

fn open_imports(h: &mut Harness<'static, SellerApp>) {
    h.get_by_role_and_label(egui::Role::Button, "Imports")
        .click();
    h.run_steps(2);
    assert_eq!(h.state().current_view(), ViewId::Imports);
}

#[test]
fn a_pushed_feed_with_errors_is_followed_to_its_report_and_back_to_the_catalog() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (rt, mut h) = boot_in(dir.path());
    let api_base = h.state().session().api_base.clone();
    push_broken_feed(&rt, &api_base, dir.path());

    open_imports(&mut h);
    step_until(&mut h, "the pushed import in the list", |h| {
        h.query_by_label("catalog-broken.csv").is_some()
    });
    // The seeded past imports are listed too.
    assert!(h.query_all_by_label("failed").count() >= 1);

    h.get_by_label("catalog-broken.csv").click();
    step_until(&mut h, "the error report", |h| {
        h.query_by_label_contains("Error report: 3 rows failed")
            .is_some()
    });
    h.get_by_label_contains("2 distinct messages");
    // Grouped by message, most frequent first: the two bad prices, then the availability.
    h.get_by_label("2 rows");
    h.get_by_label("1 row");
    h.get_by_label_contains("failed. The error report below says why.");
    h.get_by_label("stripe_error_message");

    h.get_by_label("Open in Catalog").click();
    h.run_steps(2);
    assert_eq!(h.state().current_view(), ViewId::Catalog);
}

#[test]
fn imports_not_pushed_here_explain_why_they_cannot_open_and_failures_say_why() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (rt, mut h) = boot_in(dir.path());
    let api_base = h.state().session().api_base.clone();
    let client = demo_client(&api_base);
    let sets = rt
        .block_on(client.list_import_sets(20).collect_all())
        .expect("sandbox lists ImportSets");
    let failed = sets
        .iter()
        .find(|s| s.failed_reason.is_some())
        .expect("a seeded failed import");
    // The list names it by its uploaded file.
    let file_id = failed.file.clone().expect("the import's file");
    let name = rt
        .block_on(client.retrieve_file(&file_id))
        .expect("file")
        .filename
        .expect("file name");

    open_imports(&mut h);
    step_until(&mut h, "the seeded imports", |h| {
        h.query_by_label(&name).is_some()
    });
    h.get_by_label(&name).click();
    step_until(&mut h, "the failed import's detail", |h| {
        h.query_by_label("Import failed").is_some()
    });
    h.get_by_label_contains("the required column `id` is missing");
    assert!(h.query_all_by_label_contains(&failed.id).next().is_some());
    h.get_by_label_contains("was not pushed from this computer");
    h.get_by_label("Open in Catalog").click();
    h.run_steps(2);
    assert_eq!(h.state().current_view(), ViewId::Imports);

    // A v1 ImportSet with errors: its report comes through the Files API.
    let with_errors = sets
        .iter()
        .find(|s| s.error_file().is_some())
        .expect("a seeded ImportSet with errors");
    let name = rt
        .block_on(client.retrieve_file(with_errors.file.as_deref().expect("file")))
        .expect("file")
        .filename
        .expect("file name");
    h.get_by_label(&name).click();
    step_until(&mut h, "the ImportSet's error report", |h| {
        h.query_by_label_contains("Error report: 3 rows failed")
            .is_some()
    });
    // Once in the grouped messages and once in the report's rows.
    assert_eq!(
        h.query_all_by_label("title: The title is required.")
            .count(),
        2
    );
}

/// The Imports view alone, with a real worker: what the shell would give it.
struct Bench {
    view: ImportsView,
    worker: WorkerHandle,
    session: Option<SessionInfo>,
    intents: Vec<Intent>,
}

fn bench_ui(ui: &mut egui::Ui, bench: &mut Bench) {
    for event in bench.worker.drain() {
        match event {
            Event::Session(session::Event::Session(info)) => bench.session = Some(info),
            Event::Imports(e) => bench.view.on_event(e),
            _ => {}
        }
    }
    let Some(session) = &bench.session else {
        return;
    };
    let mut ctx = ViewCtx::new(session, None, &bench.worker, &mut bench.intents);
    bench.view.ui(ui, &mut ctx);
}

#[test]
fn a_watched_push_is_polled_to_its_end_and_opens_with_its_row_errors() {
    let dir = tempfile::tempdir().expect("temp dir");
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("tokio runtime");
    let mut config = WorkerConfig::for_tests();
    config.data_dir = Some(dir.path().to_path_buf());
    let worker = seller_console::worker::spawn(rt.handle(), config, Arc::new(|| {}));
    let bench = Bench {
        view: ImportsView::default(),
        worker,
        session: None,
        intents: Vec::new(),
    };
    let mut h = Harness::builder()
        .with_size(egui::vec2(1280.0, 760.0))
        .build_ui_state(bench_ui, bench);
    let ready = |h: &Harness<'_, Bench>| h.state().session.as_ref().is_some_and(|s| s.ready);
    step_until(&mut h, "the demo sandbox", ready);
    let api_base = h
        .state()
        .session
        .as_ref()
        .map(|s| s.api_base.clone())
        .unwrap_or_default();
    let id = push_broken_feed(&rt, &api_base, dir.path());

    // What the shell does after a push.
    h.state_mut().view.watch(&id);
    step_until(&mut h, "the import to finish with its report", |h| {
        h.query_by_label_contains("Error report: 3 rows failed")
            .is_some()
    });
    h.get_by_label_contains("failed. The error report below says why.");
    h.get_by_label("Open in Catalog").click();
    h.run_steps(2);
    let intents = &h.state().intents;
    let Some(Intent::OpenInCatalog { path, errors }) = intents.first() else {
        panic!("expected OpenInCatalog, got {intents:?}");
    };
    assert!(path.ends_with("catalog-broken.csv"));
    let mut ids: Vec<&str> = errors.iter().map(|e| e.id.as_str()).collect();
    ids.sort_unstable();
    assert_eq!(
        ids,
        ["EBOOK-BREW-GUIDE", "KETTLE-GOOSE-1L", "TEE-ORG-NAVY-L"]
    );
    assert!(
        errors
            .iter()
            .any(|e| e.id == "TEE-ORG-NAVY-L" && e.message.starts_with("availability")),
        "{errors:?}"
    );
}

/// `product_valid.csv`'s first row `rows` times with distinct ids, written to `path`.
fn many_rows(path: &Path, rows: u64) {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/feed/product_valid.csv");
    let mut reader = csv::Reader::from_path(&src).expect("fixture");
    let headers = reader.headers().expect("header").clone();
    let first = reader.records().next().expect("a row").expect("row");
    let mut writer = csv::Writer::from_path(path).expect("temp file");
    writer.write_record(&headers).expect("write");
    for i in 0..rows {
        let mut fields: Vec<String> = first.iter().map(str::to_owned).collect();
        fields[0] = format!("TEE-{i:05}");
        writer.write_record(&fields).expect("write");
    }
    writer.flush().expect("flush");
}

#[test]
fn imports_are_listed_in_the_order_stripe_finished_them_and_an_overtaken_one_is_flagged() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (rt, mut h) = boot_in(dir.path());
    let api_base = h.state().session().api_base.clone();
    // Monday's big catalog goes first, Tuesday's small one a second later: Stripe (and the
    // sandbox) take longer over a bigger file, so Tuesday's finishes first.
    let monday = dir.path().join("catalog-monday.csv");
    many_rows(&monday, 6_000);
    let tuesday = dir.path().join("catalog-tuesday.csv");
    many_rows(&tuesday, 3);
    let older = push_file(&rt, &api_base, dir.path(), monday, 6_000);
    // Creation times are in seconds: the second push is a second later.
    std::thread::sleep(std::time::Duration::from_millis(1100));
    let newer = push_file(&rt, &api_base, dir.path(), tuesday, 3);
    // The console notes each finish from Stripe's events as they come.
    let finishes = push_history::finishes_path_in(dir.path());
    step_until(&mut h, "both finishes noted from the events", |_| {
        push_history::load_finishes(&finishes)
            .is_ok_and(|known| known.contains_key(&older) && known.contains_key(&newer))
    });

    open_imports(&mut h);
    step_until(&mut h, "both pushes in the list", |h| {
        h.query_by_label("catalog-monday.csv").is_some()
            && h.query_by_label("catalog-tuesday.csv").is_some()
    });
    // The one Stripe finished last is on top, though it was pushed first.
    let y = |h: &Harness<'static, SellerApp>, name: &str| h.get_by_label(name).rect().min.y;
    assert!(
        y(&h, "catalog-monday.csv") < y(&h, "catalog-tuesday.csv"),
        "the import that finished last is listed first"
    );
    assert_eq!(
        h.query_all_by_label("out of order").count(),
        1,
        "one import finished out of order"
    );

    h.get_by_label("catalog-monday.csv").click();
    step_until(&mut h, "the out-of-order warning", |h| {
        h.query_by_label_contains("Finished out of order").is_some()
    });
    h.get_by_label_contains(&format!("Finished after {newer}"));
    h.get_by_label_contains("this file's older values stand");

    // An import that was over long before this machine looked at it has no known finish:
    // opening it notes nothing and flags nothing.
    h.get_by_label("juniper-oak-catalog-fall.csv").click();
    step_until(&mut h, "the older import's outcome", |h| {
        h.query_by_label_contains("17 rows went in").is_some()
    });
    h.run_steps(5);
    assert_eq!(push_history::load_finishes(&finishes).unwrap().len(), 2);
    assert_eq!(h.query_all_by_label("out of order").count(), 1);
}
