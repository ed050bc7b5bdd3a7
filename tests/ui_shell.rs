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
