//! UI tests of profiles and keys against the embedded sandbox: add a key (checked with the
//! API, stored in the secret store), switch profiles, live mode.

mod ui_support;

use egui_kittest::kittest::Queryable as _;
use seller_console::profiles::Mode;
use seller_console::ui::views::ViewId;
use seller_console::worker::StoreChoice;
use ui_support::{boot, boot_with, step_until, type_into};

#[test]
fn adding_a_test_key_stores_it_and_switches_to_it() {
    let (_rt, mut h) = boot();
    step_until(&mut h, "the demo sandbox", |h| h.state().session().ready);
    let base = h.state().session().api_base.clone();
    h.get_by_label("Add a real key").click();
    h.run_steps(2);
    assert_eq!(h.state().current_view(), ViewId::Settings);
    type_into(&mut h, "Profile name", "Shop test");
    type_into(
        &mut h,
        "Secret or restricted key",
        "sk_test_51Hshop000000004242",
    );
    type_into(&mut h, "API base (optional)", &base);
    h.get_by_label("Check and save").click();
    step_until(&mut h, "the profile to become active", |h| {
        h.state().session().profile.is_some()
    });
    let session = h.state().session().clone();
    assert_eq!(session.mode, Mode::Test);
    assert_eq!(session.key_hint, "sk_test_…4242");
    h.run_steps(2);
    h.get_by_label_contains("Profile: Shop test");
    assert!(
        h.query_by_label_contains("51Hshop").is_none(),
        "the full key must never be shown again"
    );

    // Switch back to the demo sandbox and to the profile again.
    h.get_by_label("Use demo sandbox").click();
    step_until(&mut h, "demo mode", |h| {
        h.state().session().profile.is_none()
    });
    h.get_by_label("Use Shop test").click();
    step_until(&mut h, "the profile again", |h| {
        h.state().session().profile.is_some()
    });
}

#[test]
fn a_live_key_paints_the_live_band() {
    let (_rt, mut h) = boot();
    step_until(&mut h, "the demo sandbox", |h| h.state().session().ready);
    let base = h.state().session().api_base.clone();
    h.get_by_role_and_label(egui::Role::Button, "Settings")
        .click();
    h.run_steps(2);
    h.get_by_label("Add profile").click();
    h.run_steps(2);
    type_into(&mut h, "Profile name", "Shop live");
    type_into(
        &mut h,
        "Secret or restricted key",
        concat!("sk_live", "_51Hshop000000009999"),
    );
    type_into(&mut h, "API base (optional)", &base);
    h.get_by_label_contains("This is a LIVE key");
    h.get_by_label("Check and save").click();
    step_until(&mut h, "live mode", |h| {
        h.state().session().mode == Mode::Live
    });
    h.run_steps(2);
    h.get_by_label_contains("LIVE MODE: real money.");
    // The band stays on every view.
    h.get_by_role_and_label(egui::Role::Button, "Orders")
        .click();
    h.run_steps(2);
    h.get_by_label_contains("LIVE MODE: real money.");
}

#[test]
fn without_a_credential_store_a_key_is_held_in_memory() {
    let (_rt, mut h) = boot_with(StoreChoice::Unavailable);
    step_until(&mut h, "the demo sandbox", |h| h.state().session().ready);
    h.get_by_role_and_label(egui::Role::Button, "Settings")
        .click();
    h.run_steps(2);
    // The user can still add a key, held in memory.
    let base = h.state().session().api_base.clone();
    h.get_by_label("Add profile").click();
    h.run_steps(2);
    type_into(&mut h, "Profile name", "Memory only");
    type_into(
        &mut h,
        "Secret or restricted key",
        "sk_test_51Hmemory00000001111",
    );
    type_into(&mut h, "API base (optional)", &base);
    h.get_by_label("Check and save").click();
    step_until(&mut h, "the profile", |h| {
        h.state().session().profile.is_some()
    });
}
