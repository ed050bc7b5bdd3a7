//! UI tests of platform mode (Connect) against the sandbox's demo platform: the Sellers
//! board filtered to failed imports, a seller opened from it and a feed pushed to that seller;
//! the top bar's switcher acting as sellers with one key, kept once.

mod ui_support;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use egui_kittest::kittest::Queryable as _;
use seller_console::orders::{OrderRow, PaymentState};
use seller_console::platform::ImportState;
use seller_console::sandbox::{Sandbox, SandboxConfig, Seed};
use seller_console::secrets::MemoryStore;
use seller_console::ui::AppOptions;
use seller_console::ui::views::ViewId;
use seller_console::worker::StoreChoice;
use ui_support::{boot_options, step_until, type_into};

type App = egui_kittest::Harness<'static, seller_console::ui::SellerApp>;

fn has(h: &App, text: &str) -> bool {
    h.query_all_by_label_contains(text).next().is_some()
}

/// A data folder whose recent-files list holds a copy of a clean product feed.
fn data_with_feed() -> (tempfile::TempDir, PathBuf) {
    let data = tempfile::tempdir().unwrap();
    let path = data.path().join("seller-feed.csv");
    std::fs::copy("tests/fixtures/feed/product_valid.csv", &path).unwrap();
    std::fs::write(
        data.path().join("recent.json"),
        serde_json::to_vec(&vec![path.clone()]).unwrap(),
    )
    .unwrap();
    (data, path)
}

fn pushed_accounts(data: &Path) -> Vec<String> {
    std::fs::read_to_string(seller_console::push_history::path_in(data))
        .unwrap_or_default()
        .lines()
        .filter_map(|l| serde_json::from_str::<seller_console::push_history::PushRecord>(l).ok())
        .map(|r| r.account_key)
        .collect()
}

#[test]
fn the_board_finds_failed_feeds_and_a_seller_opened_from_it_gets_the_push() {
    let (data, _feed) = data_with_feed();
    let mut options = AppOptions::for_tests();
    options.worker.data_dir = Some(data.path().to_path_buf());
    let (_rt, mut h) = boot_options(options);
    step_until(&mut h, "the demo sandbox", |h| h.state().session().ready);
    h.get_by_role_and_label(egui::Role::Button, "Sellers")
        .click();
    step_until(&mut h, "every seller's figures", |h| {
        let v = h.state().sellers_view();
        v.is_listed() && !v.figures_loading() && v.rows().len() == 12
    });

    h.get_by_label_contains("Failed imports (").click();
    h.run_steps(2);
    let visible: Vec<(String, String, ImportState)> = h
        .state()
        .sellers_view()
        .visible()
        .iter()
        .map(|r| {
            let last = r.figures.as_ref().unwrap().last_import.as_ref().unwrap();
            (
                r.account.id.clone(),
                r.account.label().to_owned(),
                last.state,
            )
        })
        .collect();
    assert_eq!(visible.len(), 4, "{visible:?}");
    assert!(
        visible
            .iter()
            .all(|(_, _, s)| matches!(s, ImportState::Failed | ImportState::WithErrors)),
        "{visible:?}"
    );
    // Needs attention first: a whole file rejected before rows refused.
    assert_eq!(visible[0].2, ImportState::Failed);
    assert!(has(&h, "inventory feed failed"));

    // Open the first: every view now acts as that seller.
    let (id, name, _) = visible[0].clone();
    h.get_all_by_label("Open").next().unwrap().click();
    step_until(&mut h, "acting as the seller", |h| {
        h.state().session().connected_account.as_deref() == Some(id.as_str())
    });
    assert_eq!(h.state().current_view(), ViewId::Overview);
    assert!(
        has(&h, &format!("acting as {name}")),
        "the Overview says whose data"
    );
    assert!(has(&h, &format!("Seller: {name}")), "so does the top bar");

    // Push the seller's fixed feed: it goes to the seller, not the platform.
    h.get_by_role_and_label(egui::Role::Button, "Catalog")
        .click();
    step_until(&mut h, "the recent file", |h| {
        has(h, "Open seller-feed.csv")
    });
    h.get_by_label("Open seller-feed.csv").click();
    step_until(&mut h, "the feed to load", |h| has(h, "Issues: "));
    h.get_by_role_and_label(egui::Role::Button, "Push…").click();
    h.run_steps(2);
    assert!(has(&h, &format!("Target: connected account {name}")));
    h.get_by_role_and_label(egui::Role::Button, "Push").click();
    step_until(&mut h, "the push to be recorded", |_| {
        !pushed_accounts(data.path()).is_empty()
    });
    let accounts = pushed_accounts(data.path());
    assert!(accounts[0].ends_with(&format!("|{id}")), "{accounts:?}");
    step_until(&mut h, "the Imports view", |h| {
        h.state().current_view() == ViewId::Imports
    });

    // The board still lists the platform's sellers, and the filter is kept.
    h.get_by_role_and_label(egui::Role::Button, "Sellers")
        .click();
    h.run_steps(2);
    assert_eq!(h.state().sellers_view().rows().len(), 12);
}

#[test]
fn switching_sellers_keeps_one_key_and_the_profile_remembers_them() {
    let store = Arc::new(MemoryStore::default());
    let mut options = AppOptions::for_tests();
    options.worker.store = StoreChoice::Memory(Arc::clone(&store));
    let (rt, mut h) = boot_options(options);
    let sandbox = rt
        .block_on(Sandbox::start(SandboxConfig::seeded(Seed::Demo)))
        .unwrap();
    step_until(&mut h, "the demo sandbox", |h| h.state().session().ready);
    h.get_by_label("Add a real key").click();
    h.run_steps(2);
    type_into(&mut h, "Profile name", "Platform test");
    type_into(
        &mut h,
        "Secret or restricted key",
        "sk_test_51Hplatform0000004242",
    );
    type_into(&mut h, "API base (optional)", &sandbox.base_url());
    h.get_by_label("Check and save").click();
    step_until(&mut h, "the profile and its sellers", |h| {
        h.state().session().profile.is_some() && h.state().sellers_view().rows().len() == 12
    });
    assert_eq!(store.len(), 1);
    let writes = store.writes();

    for seller in ["Bluebell Tea Co.", "Kestrel Books"] {
        h.get_by_label_contains("Platform: ").click();
        h.run_steps(2);
        assert!(has(&h, "Find a seller"), "the switcher opened");
        type_into(&mut h, "Find a seller", &seller[..6]);
        h.run_steps(2);
        assert!(has(&h, "1 matching"), "the search narrowed the list");
        h.get_by_label(seller).click();
        step_until(&mut h, "acting as the seller", |h| {
            h.state().session().connected_name.as_deref() == Some(seller)
        });
        assert!(has(&h, &format!("Acting as: {seller} (acct_")));
        // Back to the platform, one click away.
        h.get_by_label_contains("Seller: ").click();
        h.run_steps(2);
        h.get_by_label_contains("Back to the platform").click();
        step_until(&mut h, "the platform again", |h| {
            h.state().session().connected_account.is_none()
        });
    }
    assert_eq!(store.len(), 1, "one key, filed once");
    assert_eq!(
        store.writes(),
        writes,
        "switching never stores the key again"
    );
    let recent: Vec<String> = h
        .state()
        .session()
        .recent_accounts
        .iter()
        .map(|r| r.name.clone())
        .collect();
    assert_eq!(
        recent,
        ["Kestrel Books", "Bluebell Tea Co."],
        "newest first"
    );
    rt.block_on(sandbox.shutdown());
}

#[test]
fn the_board_pushes_a_folder_of_feeds_and_only_the_bad_one_is_held_back() {
    let data = tempfile::tempdir().unwrap();
    let folder = tempfile::tempdir().unwrap();
    let mut options = AppOptions::for_tests();
    options.worker.data_dir = Some(data.path().to_path_buf());
    options.worker.picker = Arc::new(seller_console::worker::dialogs::ScriptedPicker::answering(
        [Some(folder.path().to_path_buf())],
    ));
    let (_rt, mut h) = boot_options(options);
    step_until(&mut h, "the demo sandbox", |h| h.state().session().ready);
    h.get_by_role_and_label(egui::Role::Button, "Sellers")
        .click();
    step_until(&mut h, "the sellers", |h| {
        h.state().sellers_view().is_listed() && !h.state().sellers_view().figures_loading()
    });
    let ids: Vec<String> = h.state().sellers_view().rows()[..2]
        .iter()
        .map(|r| r.account.id.clone())
        .collect();
    for (id, fixture) in ids.iter().zip(["product_valid.csv", "product_fixable.csv"]) {
        std::fs::create_dir_all(folder.path().join(id)).unwrap();
        std::fs::copy(
            Path::new("tests/fixtures/feed").join(fixture),
            folder.path().join(id).join("product.csv"),
        )
        .unwrap();
    }
    h.get_by_label("Push a folder of feeds…").click();
    step_until(&mut h, "the go-ahead", |h| {
        has(h, "Push 2 feeds to 2 sellers?")
    });
    h.get_by_label("Push to every seller").click();
    step_until(&mut h, "every feed's result", |h| {
        h.state().sellers_view().push_done()
    });
    let outcomes: Vec<(String, &str)> = h
        .state()
        .sellers_view()
        .push_results()
        .iter()
        .map(|r| (r.account.clone(), r.outcome.label()))
        .collect();
    assert!(
        outcomes.contains(&(ids[0].clone(), "succeeded")),
        "{outcomes:?}"
    );
    assert!(
        outcomes.contains(&(ids[1].clone(), "not sent: invalid")),
        "{outcomes:?}"
    );
    assert!(has(
        &h,
        "2 feeds to 2 sellers: 1 in, 0 already in (skipped), 1 with a problem."
    ));
    assert_eq!(
        pushed_accounts(data.path()).len(),
        1,
        "the bad feed was not sent"
    );
}

/// Waits until the Orders list has the demo sellers' names (looked up as the platform).
fn wait_for_seller_names(h: &mut App) {
    step_until(h, "the sellers' names", |h| {
        h.state()
            .orders_view()
            .all_rows()
            .iter()
            .any(|r| r.seller_name == "Alder & Ash Ceramics")
    });
}

/// Filters the Orders list to one seller's destination charges.
fn pick_seller(h: &mut App, name: &str) {
    h.get_by_role_and_label(egui::Role::ComboBox, "Seller")
        .click();
    h.run_steps(2);
    h.get_by_role_and_label(egui::Role::Button, name).click();
    h.run_steps(3);
}

/// The available balance in US cents of the demo platform (`None`) or one of its sellers.
fn available_usd(rt: &tokio::runtime::Runtime, base: &str, account: Option<&str>) -> i64 {
    rt.block_on(async {
        let mut request = reqwest::Client::new()
            .get(format!("{base}/v1/balance"))
            .bearer_auth(seller_console::sandbox::DEMO_KEY);
        if let Some(account) = account {
            request = request.header("Stripe-Account", account);
        }
        let balance: serde_json::Value = request.send().await.unwrap().json().await.unwrap();
        balance["available"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["currency"] == "usd")
            .and_then(|a| a["amount"].as_i64())
            .unwrap_or_else(|| panic!("no usd balance in {balance}"))
    })
}

#[test]
fn a_destination_charge_is_found_by_its_seller_and_refunded_with_its_transfer_reversed() {
    let (rt, mut h) = ui_support::orders_loaded_with(AppOptions::for_tests());
    assert_eq!(
        h.state().session().charges,
        seller_console::profiles::ChargeType::Destination,
        "the demo platform charges for some sellers with destination charges"
    );
    wait_for_seller_names(&mut h);
    assert!(
        h.query_by_role_and_label(egui::Role::Button, "Seller")
            .is_some(),
        "destination mode shows a seller column"
    );

    // Only Alder & Ash's orders.
    pick_seller(&mut h, "Alder & Ash Ceramics");
    let rows: Vec<OrderRow> = h
        .state()
        .orders_view()
        .visible_rows()
        .into_iter()
        .cloned()
        .collect();
    assert!(!rows.is_empty(), "Alder & Ash has destination charges");
    let alder = rows[0].seller.clone().unwrap();
    assert!(
        rows.iter()
            .all(|r| r.seller.as_deref() == Some(alder.as_str()))
    );
    assert!(
        rows.len() < h.state().orders_view().all_rows().len(),
        "the filter left the others out"
    );

    // A paid one, opened: the detail shows the fee and the transfer.
    let row = rows
        .iter()
        .take(10)
        .find(|r| r.state == PaymentState::Paid && !r.order_number.is_empty() && r.total > 1_000)
        .cloned()
        .expect("a paid destination charge on screen");
    h.get_by_role_and_label(egui::Role::Link, &row.display_number())
        .click();
    step_until(&mut h, "the order detail", |h| {
        h.state()
            .orders_view()
            .detail()
            .is_some_and(|d| d.row.id == row.id)
    });
    let detail = h.state().orders_view().detail().unwrap().clone();
    let dest = detail.destination.clone().expect("a destination charge");
    let transfer = dest.transfer.clone().expect("captured, so transferred");
    assert_eq!(transfer.amount, row.captured);
    assert_eq!(transfer.reversed, 0);
    assert!(has(&h, "Transfer to seller"));
    assert!(has(&h, "Application fee"));

    let base = h.state().session().api_base.clone();
    let (seller_before, platform_before) = (
        available_usd(&rt, &base, Some(&alder)),
        available_usd(&rt, &base, None),
    );

    // Refund $10.00 and reverse the transfer: the seller pays it back.
    h.get_by_label("Refund…").click();
    step_until(&mut h, "fresh amounts", |h| {
        h.query_by_label("Refundable").is_some()
    });
    assert!(
        has(&h, "The transfer stays: the platform's balance pays"),
        "without the option the sentence says the platform pays"
    );
    h.get_by_label("Amount (USD)").click();
    h.run_steps(1);
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    h.get_by_label("Amount (USD)").type_text("10.00");
    h.run_steps(2);
    h.get_by_label_contains("Reverse the transfer").click();
    h.run_steps(2);
    assert!(
        has(&h, "$10.00 comes back from Alder & Ash Ceramics's balance"),
        "the option says what it takes from the seller"
    );
    assert!(has(
        &h,
        "Net: Alder & Ash Ceramics −$10.00, the platform $0.00."
    ));
    h.get_by_label("Refund $10.00").click();
    step_until(&mut h, "the refund's outcome", |h| {
        h.query_by_label_contains(": succeeded.").is_some()
    });
    h.get_by_label("Close").click();
    step_until(&mut h, "the detail to show the reversal", |h| {
        h.state()
            .orders_view()
            .detail()
            .and_then(|d| d.destination.as_ref())
            .and_then(|d| d.transfer.as_ref())
            .is_some_and(|t| t.reversed == 1_000)
    });
    assert!(has(&h, "($10.00 reversed)"));
    assert_eq!(
        available_usd(&rt, &base, Some(&alder)),
        seller_before - 1_000,
        "the seller's balance paid the refund"
    );
    assert_eq!(
        available_usd(&rt, &base, None),
        platform_before,
        "the platform's balance is whole: the refund left it and the reversal came back"
    );
}

#[test]
fn choosing_direct_charges_hides_the_seller_column_and_is_kept() {
    let config = tempfile::tempdir().unwrap();
    let profiles = config.path().join("profiles.json");
    let mut options = AppOptions::for_tests();
    options.worker.profiles_path = Some(profiles.clone());
    let (_rt, mut h) = ui_support::orders_loaded_with(options);
    assert!(
        h.query_by_role_and_label(egui::Role::Button, "Seller")
            .is_some()
    );
    h.get_by_role_and_label(egui::Role::Button, "Settings")
        .click();
    h.run_steps(2);
    h.get_by_label("Direct charges").click();
    step_until(&mut h, "the session to charge directly", |h| {
        h.state().session().charges == seller_console::profiles::ChargeType::Direct
    });
    let book = seller_console::profiles::ProfileBook::load(&profiles).unwrap();
    assert_eq!(
        book.demo_charges,
        seller_console::profiles::ChargeType::Direct,
        "the choice is saved"
    );
    h.get_by_role_and_label(egui::Role::Button, "Orders")
        .click();
    h.run_steps(3);
    assert!(
        h.query_by_role_and_label(egui::Role::Button, "Seller")
            .is_none(),
        "no seller column with direct charges"
    );
    assert!(has(&h, "Choose destination charges in Settings"));
}

#[test]
fn the_board_moves_when_a_seller_captures_an_order_elsewhere() {
    let (rt, mut h) = ui_support::boot_options(AppOptions::for_tests());
    step_until(&mut h, "the demo sandbox", |h| h.state().session().ready);
    h.get_by_role_and_label(egui::Role::Button, "Sellers")
        .click();
    step_until(&mut h, "every seller's figures", |h| {
        let v = h.state().sellers_view();
        v.is_listed() && !v.figures_loading() && v.rows().len() == 12
    });
    let (seller, waiting) = h
        .state()
        .sellers_view()
        .rows()
        .iter()
        .find_map(|r| {
            let f = r.figures.as_ref()?;
            (f.awaiting_capture > 0).then(|| (r.account.id.clone(), f.awaiting_capture))
        })
        .expect("a seller with captures due");

    // Someone captures one of that seller's orders outside the console (the seller's own
    // dashboard, a script): only Stripe's events can tell the board.
    let base = h.state().session().api_base.clone();
    rt.block_on(async {
        let http = reqwest::Client::new();
        let list: serde_json::Value = http
            .get(format!("{base}/v1/payment_intents?limit=100"))
            .bearer_auth(seller_console::sandbox::DEMO_KEY)
            .header("Stripe-Account", &seller)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let pi = list["data"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["status"] == "requires_capture")
            .and_then(|p| p["id"].as_str())
            .expect("an authorization to capture")
            .to_owned();
        let captured = http
            .post(format!("{base}/v1/payment_intents/{pi}/capture"))
            .bearer_auth(seller_console::sandbox::DEMO_KEY)
            .header("Stripe-Account", &seller)
            .header("Idempotency-Key", format!("board-moves-{pi}"))
            .send()
            .await
            .unwrap();
        assert!(captured.status().is_success(), "{captured:?}");
    });
    step_until(&mut h, "the board to take in the capture", |h| {
        h.state()
            .sellers_view()
            .rows()
            .iter()
            .find(|r| r.account.id == seller)
            .and_then(|r| r.figures.as_ref())
            .is_some_and(|f| f.awaiting_capture == waiting - 1)
    });
}

#[test]
fn a_bulk_refund_of_destination_charges_names_each_order_s_seller() {
    let (_rt, mut h) = ui_support::orders_loaded_with(AppOptions::for_tests());
    wait_for_seller_names(&mut h);
    pick_seller(&mut h, "Alder & Ash Ceramics");
    let listed = h.state().orders_view().visible_rows().len();
    assert!(listed > 0, "Alder & Ash has destination charges");
    let named = |h: &App| h.query_all_by_label("Alder & Ash Ceramics").count();
    let before = named(&h);
    let seller_headers = |h: &App| {
        h.query_all_by_role_and_label(egui::Role::Label, "Seller")
            .count()
    };
    // The filter's label; the list's own column header is a button.
    let headers_before = seller_headers(&h);

    h.get_by_label("Refund in bulk…").click();
    let heading = format!("Refund {listed} orders in bulk");
    step_until(&mut h, "the bulk refund dialog", |h| {
        h.query_by_label(&heading).is_some()
    });
    assert_eq!(
        seller_headers(&h),
        headers_before + 1,
        "the plan has a Seller column"
    );
    assert!(
        named(&h) > before,
        "each planned refund names the seller it comes from"
    );
    h.key_press(egui::Key::Escape);
    h.run_steps(2);
}
