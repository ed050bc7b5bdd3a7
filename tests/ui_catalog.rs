//! UI tests of the Catalog view in demo mode (embedded sandbox): open a feed with errors,
//! fix one with the Fix button and watch the count drop, undo it, save and compare bytes,
//! push to the sandbox and land on the Imports view; restore journalled edits.

mod ui_support;

use std::path::{Path, PathBuf};

use egui_kittest::kittest::{NodeT as _, Queryable as _};
use seller_console::ui::AppOptions;
use seller_console::ui::views::ViewId;
use ui_support::{boot_options, step_until};

const FIXTURE: &str = "tests/fixtures/feed/product_fixable.csv";

/// A data folder whose recent-files list holds a fresh copy of the fixture.
fn setup() -> (tempfile::TempDir, tempfile::TempDir, PathBuf) {
    let data = tempfile::tempdir().unwrap();
    let files = tempfile::tempdir().unwrap();
    let path = files.path().join("shop.csv");
    std::fs::copy(FIXTURE, &path).unwrap();
    std::fs::write(
        data.path().join("recent.json"),
        serde_json::to_vec(&vec![path.clone()]).unwrap(),
    )
    .unwrap();
    (data, files, path)
}

fn options(data: &Path) -> AppOptions {
    let mut options = AppOptions::for_tests();
    options.worker.data_dir = Some(data.to_path_buf());
    options
}

/// Boots the app and opens the Catalog view (the app starts on the Overview), as a user would.
fn boot_options_on_catalog(
    options: AppOptions,
) -> (
    tokio::runtime::Runtime,
    egui_kittest::Harness<'static, seller_console::ui::SellerApp>,
) {
    let (rt, mut h) = boot_options(options);
    h.run_steps(1);
    h.get_by_role_and_label(egui::Role::Button, "Catalog")
        .click();
    h.run_steps(1);
    (rt, h)
}

fn has(h: &egui_kittest::Harness<'static, seller_console::ui::SellerApp>, text: &str) -> bool {
    h.query_all_by_label_contains(text).next().is_some()
}

#[test]
fn open_fix_undo_save_and_push_a_catalog() {
    let (data, _files, path) = setup();
    let original = std::fs::read(&path).unwrap();
    let (_rt, mut h) = boot_options_on_catalog(options(data.path()));
    step_until(&mut h, "the sandbox and the recent file", |h| {
        h.state().session().ready && has(h, "Open shop.csv")
    });
    h.get_by_label("Open shop.csv").click();
    step_until(&mut h, "the catalog to load", |h| has(h, "Issues: "));
    assert!(has(&h, "Issues: 2 errors"), "the fixture has two errors");

    // Fix one cell with its Fix button: one error less.
    h.get_all_by_role_and_label(egui::Role::Button, "Fix")
        .next()
        .expect("a Fix button")
        .click();
    h.run_steps(2);
    assert!(has(&h, "Issues: 1 error,"), "the fix removed one error");
    assert!(has(&h, "shop.csv *"), "the file is marked as edited");

    // Undo brings it back, Redo applies it again.
    h.get_by_role_and_label(egui::Role::Button, "Undo").click();
    h.run_steps(2);
    assert!(has(&h, "Issues: 2 errors"));
    h.get_by_role_and_label(egui::Role::Button, "Redo").click();
    h.run_steps(2);
    assert!(has(&h, "Issues: 1 error,"));
    let pending = || seller_console::worker::catalog::journal::pending(data.path());
    step_until(&mut h, "the edit to be journalled", |_| {
        pending().first().is_some_and(|j| j.edits == 1)
    });

    // Save: only the fixed cell changes, byte for byte; the old file is kept as .bak.
    h.get_by_role_and_label(egui::Role::Button, "Save").click();
    step_until(&mut h, "the save", |h| has(h, "Saved shop.csv"));
    let saved = std::fs::read(&path).unwrap();
    let text = String::from_utf8(original.clone()).unwrap();
    let expected_a = text.replacen(",in stock,", ",in_stock,", 1);
    let expected_b = text.replacen(",\"32,00 USD\",", ",32.00 USD,", 1);
    assert!(
        saved == expected_a.as_bytes() || saved == expected_b.as_bytes(),
        "saved file differs from the original by more than the fixed cell"
    );
    let mut bak = path.clone().into_os_string();
    bak.push(".bak");
    assert_eq!(std::fs::read(bak).unwrap(), original);
    assert!(!has(&h, "shop.csv *"), "saved: no dirty marker");
    step_until(&mut h, "the journal to be cleared", |_| {
        pending().is_empty()
    });

    // Push to the sandbox: the remaining error needs the explicit override.
    h.get_by_role_and_label(egui::Role::Button, "Push…").click();
    h.run_steps(2);
    assert!(has(&h, "1 error: Stripe would reject"));
    h.get_by_label("Push anyway, with the errors").click();
    h.run_steps(1);
    h.get_by_role_and_label(egui::Role::Button, "Push").click();
    step_until(&mut h, "the Imports view after the push", |h| {
        h.state().current_view() == ViewId::Imports
    });
    let history =
        std::fs::read_to_string(seller_console::push_history::path_in(data.path())).unwrap();
    assert!(
        history.contains("shop.csv"),
        "the push is in the local history"
    );
}

#[test]
fn unsaved_edits_are_offered_back_after_a_crash() {
    let (data, _files, path) = setup();
    let edits = vec![seller_console::feed::table::Edit::SetCell {
        row: 0,
        col: 1,
        value: "Restored title".into(),
    }];
    seller_console::worker::catalog::journal::write(data.path(), &path, &edits).unwrap();

    let (_rt, mut h) = boot_options_on_catalog(options(data.path()));
    step_until(&mut h, "the journal offer", |h| {
        has(h, "Unsaved edits from last time")
    });
    h.get_by_role_and_label(egui::Role::Button, "Open and restore")
        .click();
    step_until(&mut h, "the restored catalog", |h| {
        has(h, "Restored 1 unsaved edits")
    });
    assert!(
        has(&h, "Restored title"),
        "the edited cell shows the journalled value"
    );
    assert!(has(&h, "shop.csv *"), "restored edits are unsaved");
}

#[test]
fn edit_a_cell_from_the_keyboard_then_find_and_replace() {
    let (data, _files, _path) = setup();
    let (_rt, mut h) = boot_options_on_catalog(options(data.path()));
    step_until(&mut h, "the recent file", |h| has(h, "Open shop.csv"));
    h.get_by_label("Open shop.csv").click();
    step_until(&mut h, "the catalog to load", |h| has(h, "Issues: "));

    // Select a cell, Enter opens the editor, type, Enter commits.
    h.get_all_by_label("Northline")
        .next()
        .expect("a brand cell")
        .click();
    h.run_steps(2);
    h.key_press(egui::Key::Enter);
    h.run_steps(2);
    let editor = h.get_by_label("brand of row 1");
    assert_eq!(editor.value().as_deref(), Some("Northline"));
    assert!(editor.is_focused(), "the cell editor takes the keyboard");
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    h.get_by_label("brand of row 1").type_text("Southline");
    h.run_steps(1);
    h.key_press(egui::Key::Enter);
    h.run_steps(2);
    assert!(has(&h, "Southline"), "the edited value shows in the grid");
    assert!(has(&h, "shop.csv *"));

    // Ctrl+Z undoes it.
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Z);
    h.run_steps(2);
    assert!(!has(&h, "Southline"), "undo put the old value back");

    // Replace all, as one step.
    h.get_by_role_and_label(egui::Role::Button, "Find…").click();
    h.run_steps(2);
    ui_support::type_into(&mut h, "Find", "Northline");
    ui_support::type_into(&mut h, "Replace with", "Eastline");
    h.get_by_role_and_label(egui::Role::Button, "Replace all")
        .click();
    h.run_steps(2);
    assert!(has(&h, "Replaced in 2 cells"));
    assert!(!has(&h, "Northline"));
}

#[test]
fn replace_mode_asks_for_the_typed_word_and_shows_the_row_count() {
    let (data, _files, _path) = setup();
    let (_rt, mut h) = boot_options_on_catalog(options(data.path()));
    step_until(&mut h, "the recent file", |h| has(h, "Open shop.csv"));
    h.get_by_label("Open shop.csv").click();
    step_until(&mut h, "the catalog to load", |h| has(h, "Issues: "));
    // Fix both errors so only the REPLACE confirmation gates the push.
    h.get_by_role_and_label(egui::Role::Button, "Apply all 2 safe fixes")
        .click();
    h.run_steps(2);
    assert!(has(&h, "Issues: 0 errors"));

    h.get_by_role_and_label(egui::Role::Button, "Push…").click();
    h.run_steps(2);
    h.get_by_label("Replace the whole catalog").click();
    h.run_steps(2);
    assert!(has(&h, "The file has 5 rows"));
    assert!(
        h.get_by_role_and_label(egui::Role::Button, "Save and push")
            .accesskit_node()
            .is_disabled(),
        "replace is blocked until REPLACE is typed"
    );
    ui_support::type_into(&mut h, "Type REPLACE to confirm", "REPLACE");
    assert!(
        !h.get_by_role_and_label(egui::Role::Button, "Save and push")
            .accesskit_node()
            .is_disabled()
    );
    h.get_by_role_and_label(egui::Role::Button, "Cancel")
        .click();
    h.run_steps(2);
    assert!(!has(&h, "Type REPLACE to confirm"), "the dialog closed");
}

/// A file dropped on the window, as the windowing layer would hand it to egui.
#[derive(Debug)]
struct Dropped(PathBuf);

impl egui::DroppedFile for Dropped {
    fn path(&self) -> &Path {
        &self.0
    }

    fn bytes(&self) -> Result<Vec<u8>, String> {
        std::fs::read(&self.0).map_err(|e| e.to_string())
    }
}

#[test]
fn a_file_dropped_on_the_window_opens() {
    let (data, _files, path) = setup();
    std::fs::write(data.path().join("recent.json"), b"[]").unwrap();
    // Dropped while the Overview (the first screen) is shown: the Catalog opens with it.
    let (_rt, mut h) = boot_options(options(data.path()));
    step_until(&mut h, "the sandbox", |h| h.state().session().ready);
    assert_eq!(h.state().current_view(), ViewId::Overview);
    h.input_mut()
        .dropped_files
        .push(std::sync::Arc::new(Dropped(path)));
    step_until(&mut h, "the dropped catalog to load", |h| {
        has(h, "Issues: 2 errors")
    });
    assert!(has(&h, "shop.csv"));
    assert_eq!(h.state().current_view(), ViewId::Catalog);
}

#[test]
fn a_feed_in_another_single_byte_encoding_can_be_read_as_it() {
    let (data, files, _) = setup();
    // 0xE9 is "é" in both; 0xA4 is "¤" in Windows-1252 and "€" in ISO-8859-15.
    let path = files.path().join("latin9.csv");
    std::fs::write(&path, b"id,title,description\nA1,Caf\xe9 mug \xa4,Mug\n").unwrap();
    let mut opts = options(data.path());
    opts.open_feed = Some(path);
    let (_rt, mut h) = boot_options_on_catalog(opts);
    step_until(
        &mut h,
        "the feed read as Windows-1252, with other encodings offered",
        |h| has(h, "or read the text as"),
    );
    assert!(has(&h, "Caf\u{e9} mug \u{a4}"));
    assert!(has(&h, "Windows-1252"), "the detected encoding is shown");
    h.get_by_role_and_label(egui::Role::Button, "ISO-8859-15 (Latin-9)")
        .click();
    step_until(&mut h, "the feed read again as Latin-9", |h| {
        has(h, "Caf\u{e9} mug \u{20ac}")
    });
}

#[test]
fn find_next_selects_the_next_match_or_says_there_is_none() {
    let (data, _files, _path) = setup();
    let (_rt, mut h) = boot_options_on_catalog(options(data.path()));
    step_until(&mut h, "the recent file", |h| has(h, "Open shop.csv"));
    h.get_by_label("Open shop.csv").click();
    step_until(&mut h, "the catalog to load", |h| has(h, "Issues: "));
    h.get_by_role_and_label(egui::Role::Button, "Find…").click();
    h.run_steps(2);

    ui_support::type_into(&mut h, "Find", "no such value anywhere");
    h.get_by_role_and_label(egui::Role::Button, "Find next")
        .click();
    step_until(&mut h, "the search to end", |h| has(h, "was not found"));

    // A value in the second row: the search selects its cell, and Replace acts on that cell.
    h.get_by_label("Find").click();
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    h.get_by_label("Find").type_text("Navy / L");
    ui_support::type_into(&mut h, "Replace with", "Navy / XL");
    h.get_by_role_and_label(egui::Role::Button, "Find next")
        .click();
    h.run_steps(3);
    h.get_by_role_and_label(egui::Role::Button, "Replace")
        .click();
    h.run_steps(3);
    assert!(
        has(&h, "Organic Cotton Crew Tee - Navy / XL"),
        "the cell found (row 2, title) was the one replaced"
    );
    assert!(
        has(&h, "Organic Cotton Crew Tee - Navy / M"),
        "row 1 untouched"
    );
}

#[test]
fn several_rows_are_selected_with_shift_and_deleted_at_once() {
    let (data, _files, _path) = setup();
    let (_rt, mut h) = boot_options_on_catalog(options(data.path()));
    step_until(&mut h, "the recent file", |h| has(h, "Open shop.csv"));
    h.get_by_label("Open shop.csv").click();
    step_until(&mut h, "the catalog to load", |h| has(h, "Issues: "));
    assert!(has(&h, "5 rows"));

    // Row 2's title, then shift+click row 4's title: three rows selected.
    h.get_by_label("Organic Cotton Crew Tee - Navy / L").click();
    h.run_steps(2);
    h.get_by_label("The Home Barista Guide (eBook)")
        .click_modifiers(egui::Modifiers::SHIFT);
    h.run_steps(2);
    assert!(has(&h, "Delete 3 rows"), "the toolbar counts the range");
    // Shift+Up shrinks it to two rows; Escape goes back to one.
    h.key_press_modifiers(egui::Modifiers::SHIFT, egui::Key::ArrowUp);
    h.run_steps(2);
    assert!(has(&h, "Delete 2 rows"));
    h.key_press(egui::Key::Escape);
    h.run_steps(2);
    assert!(has(&h, "Delete row") && !has(&h, "Delete 2 rows"));
    // Shift+Down twice from row 2 selects rows 2 to 4 again.
    h.get_by_label("Organic Cotton Crew Tee - Navy / L").click();
    h.run_steps(2);
    for _ in 0..2 {
        h.key_press_modifiers(egui::Modifiers::SHIFT, egui::Key::ArrowDown);
        h.run_steps(2);
    }
    h.get_by_role_and_label(egui::Role::Button, "Delete 3 rows")
        .click();
    h.run_steps(3);
    assert!(has(&h, "2 rows"), "three of five rows are gone");
    assert!(!has(&h, "Gooseneck Pour-Over Kettle 1 L"));
    assert!(has(&h, "Organic Cotton Crew Tee - Navy / M"), "row 1 stays");
    assert!(has(&h, "shop.csv *"));

    // One undo brings all three back.
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Z);
    h.run_steps(3);
    assert!(has(&h, "5 rows"));
    assert!(has(&h, "Gooseneck Pour-Over Kettle 1 L"));
}

/// The number in the Hooks view's "with N products from the open catalog".
fn hook_products(h: &egui_kittest::Harness<'static, seller_console::ui::SellerApp>) -> usize {
    let label = h
        .query_all_by_label_contains("products from the open catalog")
        .next()
        .and_then(|n| n.accesskit_node().value())
        .expect("the Hooks view names the catalog's products");
    let after = label.split(", with ").nth(1).expect("the count follows");
    after
        .split_whitespace()
        .next()
        .and_then(|n| n.parse().ok())
        .expect("a number of products")
}

#[test]
fn the_hooks_view_follows_the_open_catalog() {
    let (data, _files, _path) = setup();
    let (_rt, mut h) = boot_options_on_catalog(options(data.path()));
    step_until(&mut h, "the recent file", |h| has(h, "Open shop.csv"));
    h.get_by_label("Open shop.csv").click();
    step_until(&mut h, "the catalog to load", |h| has(h, "Issues: "));

    h.get_by_role_and_label(egui::Role::Button, "Hooks").click();
    h.run_steps(3);
    let before = hook_products(&h);
    assert!(
        before >= 2,
        "the fixture's products prefill the hook request"
    );

    // Delete a product in the Catalog: the Hooks view has one product less.
    h.get_by_role_and_label(egui::Role::Button, "Catalog")
        .click();
    h.run_steps(2);
    h.get_by_label("Gooseneck Pour-Over Kettle 1 L").click();
    h.run_steps(2);
    h.get_by_role_and_label(egui::Role::Button, "Delete row")
        .click();
    h.run_steps(3);
    h.get_by_role_and_label(egui::Role::Button, "Hooks").click();
    h.run_steps(3);
    assert_eq!(hook_products(&h), before - 1);
}

#[test]
fn open_asks_the_file_dialog_and_opens_the_answer() {
    let (data, _files, path) = setup();
    let picker = std::sync::Arc::new(seller_console::worker::dialogs::ScriptedPicker::answering(
        [Some(path)],
    ));
    let mut options = options(data.path());
    options.worker.picker = picker.clone();
    let (_rt, mut h) = boot_options_on_catalog(options);
    step_until(&mut h, "the sandbox", |h| h.state().session().ready);
    h.get_by_role_and_label(egui::Role::Button, "Open…").click();
    step_until(&mut h, "the picked catalog to load", |h| has(h, "Issues: "));
    assert!(has(&h, "shop.csv"));
    let asked = picker.asked();
    assert_eq!(asked.len(), 1);
    assert_eq!(asked[0].save_as, None, "an open dialog, not a save dialog");
    assert!(
        asked[0]
            .filters
            .iter()
            .any(|(_, ext)| ext.contains(&"csv".to_owned()))
    );
}

#[test]
fn a_shopify_export_is_mapped_converted_to_a_clean_feed_and_opened() {
    let data = tempfile::tempdir().unwrap();
    let files = tempfile::tempdir().unwrap();
    let export = files.path().join("products_export.csv");
    std::fs::copy("tests/fixtures/sources/shopify_store.csv", &export).unwrap();
    let original = std::fs::read(&export).unwrap();
    let feed = files.path().join("products_export-stripe.csv");
    let picker = std::sync::Arc::new(seller_console::worker::dialogs::ScriptedPicker::answering(
        [
            Some(export.clone()),
            Some(feed.clone()),
            Some(export.clone()),
        ],
    ));
    let mut options = options(data.path());
    options.worker.picker = picker.clone();
    let (_rt, mut h) = boot_options_on_catalog(options);
    step_until(&mut h, "the sandbox", |h| h.state().session().ready);

    // Opening a Shopify export shows the mapper, not a grid of "missing column" errors.
    h.get_by_role_and_label(egui::Role::Button, "Open…").click();
    step_until(&mut h, "the mapper and its preview", |h| {
        has(h, "Convert a shop export") && has(h, "Preview of the first")
    });
    assert!(has(&h, "Shopify product export"), "the format is detected");
    assert!(has(&h, "Vendor"), "Vendor is offered for brand");
    assert!(
        has(&h, "3 errors"),
        "without the shop's address the links are empty"
    );
    assert!(has(&h, "1 item left out: draft in Shopify"));

    // The suggested mapping is accepted; the one value the export lacks is filled in.
    ui_support::type_into(&mut h, "Shop address", "https://juniper.example");
    step_until(&mut h, "the preview of the new mapping", |h| {
        has(h, "no findings")
    });
    h.get_by_role_and_label(egui::Role::Button, "Convert and open…")
        .click();
    step_until(&mut h, "the converted feed to open", |h| has(h, "Issues: "));
    assert!(has(&h, "Issues: 0 errors, 0 warnings"), "the feed is clean");
    assert!(has(&h, "products_export-stripe.csv"));
    assert!(has(&h, "The mapping is saved"));

    // The feed on disk validates clean; the export is untouched.
    let report = seller_console::feed::validate::validate_file(
        &feed,
        &seller_console::feed::validate::Options::default(),
    )
    .unwrap();
    assert_eq!(report.count(seller_console::feed::Severity::Error), 0);
    assert_eq!(report.rows, 3);
    assert_eq!(std::fs::read(&export).unwrap(), original);
    let asked = picker.asked();
    assert_eq!(
        asked[1].save_as.as_deref(),
        Some("products_export-stripe.csv"),
        "the feed is offered beside the export under a new name"
    );

    // Next week's export of the same shop opens with the saved mapping: one click converts.
    h.get_by_role_and_label(egui::Role::Button, "Open…").click();
    step_until(&mut h, "the mapper for the next export", |h| {
        has(h, "Convert a shop export") && has(h, "Preview of the first")
    });
    assert!(has(&h, "with the mapping you saved"));
    assert!(has(&h, "no findings"), "the shop address was kept");
}

/// Replaces `file` the way an editor or a shop's exporter does: a new file renamed over it.
fn rewrite(file: &Path, text: &str) {
    let tmp = file.with_extension("csv.tmp");
    std::fs::write(&tmp, text).unwrap();
    std::fs::rename(&tmp, file).unwrap();
}

/// The pushes in the local history, in the order they were made: (feed kind, rows, made by
/// sync from a catalog).
fn pushes(data: &Path) -> Vec<(String, u64, bool)> {
    let text =
        std::fs::read_to_string(seller_console::push_history::path_in(data)).unwrap_or_default();
    text.lines()
        .map(|line| {
            let r: seller_console::push_history::PushRecord =
                serde_json::from_str(line).expect("a history line");
            (r.feed_kind, r.rows, r.synced_from.is_some())
        })
        .collect()
}

#[test]
fn a_catalog_on_sync_sends_only_its_changed_rows_on_the_cadence() {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicI64, Ordering};

    let data = tempfile::tempdir().unwrap();
    let files = tempfile::tempdir().unwrap();
    let path = files.path().join("shop.csv");
    let valid = std::fs::read_to_string("tests/fixtures/feed/product_valid.csv").unwrap();
    std::fs::write(&path, &valid).unwrap();
    std::fs::write(
        data.path().join("recent.json"),
        serde_json::to_vec(&vec![path.clone()]).unwrap(),
    )
    .unwrap();
    // Sync plans by a clock the test moves: no sleeping through 15 minutes.
    let t0 = 1_900_000_000;
    let clock = Arc::new(AtomicI64::new(t0));
    let mut options = options(data.path());
    let read = Arc::clone(&clock);
    options.worker.clock = Arc::new(move || read.load(Ordering::SeqCst));
    let (_rt, mut h) = boot_options_on_catalog(options);
    step_until(&mut h, "the sandbox and the recent file", |h| {
        h.state().session().ready && has(h, "Open shop.csv")
    });
    h.get_by_label("Open shop.csv").click();
    step_until(&mut h, "the catalog to load", |h| has(h, "Issues: "));

    // The diff before the first push: never pushed from here, so the whole feed goes.
    h.get_by_role_and_label(egui::Role::Button, "Sync…").click();
    step_until(&mut h, "the preview", |h| {
        has(h, "the first push sends the whole product feed (5 rows)")
    });
    h.get_by_role_and_label(egui::Role::Button, "Put on sync")
        .click();
    step_until(&mut h, "the first push", |h| {
        has(h, "last: pushed the product feed (5 rows)")
    });
    assert!(has(&h, "ON SYNC"), "the strip says the file is on sync");
    assert_eq!(pushes(data.path()), vec![("product".into(), 5, false)]);

    // Two prices and one stock level change outside the app: the watcher sees the save and
    // one inventory feed and one price feed go, with just those rows.
    let edited = valid
        .replacen(
            ",false,42,32.00 USD,24.00 USD,",
            ",false,40,32.00 USD,24.00 USD,",
            1,
        )
        .replacen(",0,32.00 USD,,", ",0,30.00 USD,,", 1);
    let edited = edited.replacen(",59.00 USD,", ",61.00 USD,", 1);
    clock.store(t0 + 60, Ordering::SeqCst);
    rewrite(&path, &edited);
    step_until(&mut h, "the stock and price feeds", |_| {
        pushes(data.path()).len() == 3
    });
    assert_eq!(
        pushes(data.path())[1..],
        [("inventory".into(), 1, true), ("pricing".into(), 2, true)],
        "only the changed rows went, each in its own feed"
    );
    step_until(&mut h, "the strip to name both feeds", |h| {
        has(
            h,
            "last: pushed the inventory feed (1 row) and the pricing feed (2 rows)",
        )
    });

    // Two more price changes within 15 minutes wait, and then go together as one feed.
    clock.store(t0 + 300, Ordering::SeqCst);
    let once = edited.replacen(",false,40,32.00 USD,", ",false,40,33.00 USD,", 1);
    rewrite(&path, &once);
    step_until(&mut h, "the change to wait", |h| {
        has(h, "1 price change waits for the 15-minute cadence")
    });
    clock.store(t0 + 500, Ordering::SeqCst);
    let twice = once.replacen(",0,30.00 USD,,", ",0,29.00 USD,,", 1);
    rewrite(&path, &twice);
    step_until(&mut h, "both changes to wait", |h| {
        has(h, "2 price changes wait for the 15-minute cadence")
    });
    assert_eq!(
        pushes(data.path()).len(),
        3,
        "nothing went within the cadence"
    );
    clock.store(t0 + 60 + 15 * 60, Ordering::SeqCst);
    // The strip's Push now looks at once (the worker would wake at the due time by itself).
    for _ in 0..20 {
        h.get_by_role_and_label(egui::Role::Button, "Push now")
            .click();
        step_until(&mut h, "the round", |h| has(h, "ON SYNC"));
        if pushes(data.path()).len() == 4 {
            break;
        }
        // The previous price import may still be processing: the push waits for it.
        std::thread::sleep(std::time::Duration::from_millis(500));
    }
    assert_eq!(
        pushes(data.path())[3],
        ("pricing".into(), 2, true),
        "the two edits coalesced into one price feed"
    );

    for _ in 0..100 {
        h.step();
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    assert_eq!(
        pushes(data.path()).len(),
        4,
        "Push now was pressed, never Full feed now: nothing more goes"
    );
    // A file with an error pauses sync and says why; fixing it resumes.
    rewrite(&path, &twice.replacen(",0,29.00 USD,,", ",0,cheap,,", 1));
    step_until(&mut h, "the pause", |h| has(h, "SYNC PAUSED"));
    assert!(has(&h, "validation errors, so nothing was pushed"));
    rewrite(&path, &twice);
    step_until(&mut h, "sync to resume", |h| has(h, "ON SYNC"));

    // Stop: the strip goes, and the file is off sync after a restart too.
    h.get_by_role_and_label(egui::Role::Button, "Stop sync")
        .click();
    step_until(&mut h, "sync to stop", |h| !has(h, "ON SYNC"));
    let account_dir = data.path().join("sync");
    let states: Vec<String> = walk(&account_dir)
        .into_iter()
        .filter(|p| p.ends_with("state.json"))
        .map(|p| std::fs::read_to_string(p).unwrap())
        .collect();
    assert_eq!(states.len(), 1);
    assert!(states[0].contains("\"watching\": false"), "{}", states[0]);
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}
