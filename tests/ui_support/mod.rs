//! Helpers shared by the UI tests: boot the whole app on a real tokio runtime and step it
//! until the background work has answered.

#![allow(dead_code)] // each test binary uses a different subset

use std::time::{Duration, Instant};

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;
use seller_console::ui::{AppOptions, SellerApp};
use seller_console::worker::StoreChoice;

/// Boots the app in demo mode with an in-memory secret store.
pub fn boot() -> (tokio::runtime::Runtime, Harness<'static, SellerApp>) {
    boot_options(AppOptions::for_tests())
}

/// Boots the app with a given credential store choice.
pub fn boot_with(store: StoreChoice) -> (tokio::runtime::Runtime, Harness<'static, SellerApp>) {
    let mut options = AppOptions::for_tests();
    options.worker.store = store;
    boot_options(options)
}

/// Boots the app with explicit options.
pub fn boot_options(options: AppOptions) -> (tokio::runtime::Runtime, Harness<'static, SellerApp>) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("tokio runtime");
    let handle = rt.handle().clone();
    let harness = Harness::builder()
        .with_size(egui::vec2(1280.0, 800.0))
        .build_eframe(move |cc| SellerApp::new(cc, &handle, options));
    (rt, harness)
}

/// Boots the app with `options`, opens Orders and waits until every page of orders has
/// arrived.
pub fn orders_loaded_with(
    options: AppOptions,
) -> (tokio::runtime::Runtime, Harness<'static, SellerApp>) {
    let (rt, mut h) = boot_options(options);
    step_until(&mut h, "the demo sandbox", |h| h.state().session().ready);
    h.get_by_role_and_label(egui::Role::Button, "Orders")
        .click();
    step_until(&mut h, "every page of orders", |h| {
        let v = h.state().orders_view();
        !v.is_loading() && !v.all_rows().is_empty()
    });
    (rt, h)
}

/// Steps the UI (with real time passing) until `done` holds, or panics after 20 s.
pub fn step_until<'a, S>(
    h: &mut Harness<'a, S>,
    what: &str,
    mut done: impl FnMut(&Harness<'a, S>) -> bool,
) {
    let start = Instant::now();
    loop {
        h.step();
        if done(h) {
            h.step();
            return;
        }
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "timed out waiting for {what}"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Focuses the text field labelled `label` and types `text` into it.
pub fn type_into(h: &mut Harness<'static, SellerApp>, label: &str, text: &str) {
    h.get_by_label(label).click();
    h.run_steps(1);
    h.get_by_label(label).type_text(text);
    h.run_steps(1);
}

/// Picks `agent` in the view's "Agent" filter, as a person would.
pub fn pick_agent(h: &mut Harness<'static, SellerApp>, agent: &str) {
    h.get_by_role_and_label(egui::Role::ComboBox, "Agent")
        .click();
    h.run_steps(2);
    h.get_by_role_and_label(egui::Role::Button, agent).click();
    h.run_steps(3);
}
