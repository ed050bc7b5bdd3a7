//! UI tests of the window shell: boot the whole app in demo mode (embedded sandbox,
//! in-memory secret store) and drive it by accessible labels.

mod ui_support;

use egui_kittest::kittest::Queryable as _;
use seller_console::profiles::Mode;
use seller_console::ui::views::ViewId;
use seller_console::worker::StoreChoice;
use ui_support::{boot, boot_with, step_until, type_into};

#[test]
fn demo_mode_says_so_and_every_view_is_reachable() {
    let (_rt, mut h) = boot();
    step_until(&mut h, "the demo sandbox to be ready", |h| {
        h.state().session().ready
    });
    h.get_by_label_contains("Sandbox: demo data, no real money");
    assert_eq!(h.state().session().mode, Mode::Sandbox);

    for view in ViewId::ALL {
        h.get_by_role_and_label(egui::Role::Button, view.title())
            .click();
        h.run_steps(2);
        assert_eq!(h.state().current_view(), view, "clicking {view:?}");
    }
}

#[test]
fn keyboard_shortcuts_switch_views() {
    let (_rt, mut h) = boot();
    h.run_steps(2);
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Num4);
    h.run_steps(2);
    assert_eq!(h.state().current_view(), ViewId::Orders);
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Num5);
    h.run_steps(2);
    assert_eq!(h.state().current_view(), ViewId::Disputes);
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Num8);
    h.run_steps(2);
    assert_eq!(h.state().current_view(), ViewId::Settings);
}

#[test]
fn a_wrong_key_keeps_the_form_open_with_a_sentence() {
    let (_rt, mut h) = boot();
    step_until(&mut h, "the demo sandbox", |h| h.state().session().ready);
    h.get_by_role_and_label(egui::Role::Button, "Settings")
        .click();
    h.run_steps(2);
    h.get_by_label("Add profile").click();
    h.run_steps(2);
    type_into(&mut h, "Profile name", "Oops");
    type_into(&mut h, "Secret or restricted key", "pk_test_51Hpublishable");
    h.get_by_label("Check and save").click();
    step_until(&mut h, "the error", |h| {
        h.query_by_label_contains("publishable key").is_some()
    });
    assert!(h.state().session().profile.is_none());
}

#[test]
fn no_credential_store_is_explained_and_work_goes_on() {
    let (_rt, mut h) = boot_with(StoreChoice::Unavailable);
    step_until(&mut h, "the demo sandbox", |h| h.state().session().ready);
    h.get_by_role_and_label(egui::Role::Button, "Settings")
        .click();
    h.run_steps(2);
    h.get_by_label_contains("No credential store on this computer");
    h.get_by_label_contains("gnome-keyring");
}

/// Opens the palette with Ctrl+K, types `query` and runs the first match with Enter.
fn run_from_palette(
    h: &mut egui_kittest::Harness<'static, seller_console::ui::SellerApp>,
    query: &str,
) {
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::K);
    h.run_steps(2);
    assert!(h.state().palette_open(), "Ctrl+K opens the palette");
    h.get_by_label_contains("Go to Overview");
    h.event(egui::Event::Text(query.to_owned()));
    h.run_steps(2);
    h.key_press(egui::Key::Enter);
    h.run_steps(3);
    assert!(
        !h.state().palette_open(),
        "running an action closes the palette"
    );
}

#[test]
fn the_command_palette_finds_an_action_by_a_few_letters_and_runs_it() {
    let (_rt, mut h) = boot();
    step_until(&mut h, "the demo sandbox", |h| h.state().session().ready);
    assert_eq!(h.state().current_view(), ViewId::Overview);
    // Misspelt and partial, as people type.
    run_from_palette(&mut h, "captre queue");
    assert_eq!(h.state().current_view(), ViewId::Orders);
    assert!(h.state().orders_view().showing_capture_queue());

    // A view's own toolbar action runs from the palette too, once its orders are in.
    step_until(&mut h, "the orders", |h| {
        let v = h.state().orders_view();
        !v.is_loading() && !v.all_rows().is_empty()
    });
    run_from_palette(&mut h, "refund in bulk");
    let listed = h.state().orders_view().visible_rows().len();
    let heading = format!("Refund {listed} orders in bulk");
    step_until(&mut h, "the bulk refund dialog", |h| {
        h.query_by_label(&heading).is_some()
    });
    h.key_press(egui::Key::Escape);
    h.run_steps(2);

    // Escape closes it without running anything.
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::K);
    h.run_steps(2);
    h.event(egui::Event::Text("settings".into()));
    h.run_steps(1);
    h.key_press(egui::Key::Escape);
    h.run_steps(2);
    assert!(!h.state().palette_open());
    assert_eq!(h.state().current_view(), ViewId::Orders);

    // Copy diagnostics, from the palette, lands in Settings with its notice.
    run_from_palette(&mut h, "diagnostics");
    assert_eq!(h.state().current_view(), ViewId::Settings);
    step_until(&mut h, "the diagnostics to be copied", |h| {
        h.query_by_label_contains("lines to the clipboard")
            .is_some()
    });
    // The shortcut table lists the palette's own shortcut and a view's.
    h.get_by_label_contains("Command palette: every action by name");
    h.get_by_label_contains("Save the feed as…");
}
