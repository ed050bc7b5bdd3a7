//! UI frame time, CPU only (egui layout and the app's own work, no GPU rendering), printed as
//! a table: `cargo bench --bench ui_frame_bench`.
//!
//! - every view in demo mode once its data has arrived;
//! - the Orders view while 10,000 agent orders load page by page from the sandbox, after they
//!   have loaded, and the frame that applies a new filter.
//!
//! The whole app runs as in the window (worker, tokio, sandbox over HTTP), driven by
//! `egui_kittest` without a renderer. Target: under 4 ms per frame.

use std::time::{Duration, Instant};

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;
use seller_console::sandbox::{DEMO_KEY, FaultSpec, Sandbox, SandboxConfig, Seed};
use seller_console::ui::views::ViewId;
use seller_console::ui::{AppOptions, SellerApp};

type App = Harness<'static, SellerApp>;

fn boot(rt: &tokio::runtime::Runtime) -> App {
    let handle = rt.handle().clone();
    Harness::builder()
        .with_size(egui::vec2(1280.0, 800.0))
        .build_eframe(move |cc| SellerApp::new(cc, &handle, AppOptions::for_tests()))
}

fn step_until(h: &mut App, what: &str, mut done: impl FnMut(&App) -> bool) {
    let start = Instant::now();
    while !done(h) {
        h.step();
        assert!(
            start.elapsed() < Duration::from_mins(2),
            "timed out waiting for {what}"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// Times `frames` frames; returns (mean, 95th percentile, worst) in milliseconds.
fn time_frames(h: &mut App, frames: usize) -> (f64, f64, f64) {
    let mut times: Vec<f64> = (0..frames)
        .map(|_| {
            let t = Instant::now();
            h.step();
            t.elapsed().as_secs_f64() * 1000.0
        })
        .collect();
    summarize(&mut times)
}

fn summarize(times: &mut [f64]) -> (f64, f64, f64) {
    if times.is_empty() {
        return (0.0, 0.0, 0.0);
    }
    times.sort_by(f64::total_cmp);
    let mean = times.iter().sum::<f64>() / times.len() as f64;
    let p95 = times[(times.len() * 95 / 100).min(times.len() - 1)];
    (mean, p95, times[times.len() - 1])
}

fn row(what: &str, (mean, p95, worst): (f64, f64, f64)) {
    println!("| {what:<44} | {mean:>7.2} | {p95:>7.2} | {worst:>7.2} |");
}

fn goto(h: &mut App, view: ViewId) {
    h.get_by_role_and_label(egui::Role::Button, view.title())
        .click();
    h.run_steps(3);
}

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("tokio runtime");
    println!("| frame (CPU, no rendering)                    | mean ms |  p95 ms |  max ms |");
    println!("|----------------------------------------------|---------|---------|---------|");

    // Every view in demo mode.
    let mut h = boot(&rt);
    step_until(&mut h, "the demo sandbox", |h| h.state().session().ready);
    for view in ViewId::ALL {
        goto(&mut h, view);
        if view == ViewId::Orders {
            step_until(&mut h, "the demo orders", |h| {
                !h.state().orders_view().is_loading()
            });
        }
        if view == ViewId::Agreements {
            step_until(&mut h, "the agreements", |h| {
                !h.state().agreements_view().list().is_empty()
            });
        }
        h.run_steps(5);
        row(
            &format!("{} view, demo data", view.title()),
            time_frames(&mut h, 200),
        );
    }
    drop(h);

    // 10,000 orders from a sandbox of their own.
    let sandbox = rt
        .block_on(Sandbox::start(SandboxConfig {
            port: 0,
            seed: Seed::Demo,
            faults: FaultSpec::none(),
        }))
        .expect("sandbox");
    let held = sandbox.add_orders(10_000 - 320);
    let mut h = boot(&rt);
    step_until(&mut h, "the demo sandbox", |h| h.state().session().ready);
    goto(&mut h, ViewId::Settings);
    h.get_by_label("Add profile").click();
    h.run_steps(2);
    for (label, text) in [
        ("Profile name", "Bench".to_owned()),
        ("Secret or restricted key", DEMO_KEY.to_owned()),
        ("API base (optional)", sandbox.base_url()),
    ] {
        h.get_by_label(label).click();
        h.run_steps(1);
        h.get_by_label(label).type_text(&text);
        h.run_steps(1);
    }
    h.get_by_label("Check and save").click();
    step_until(&mut h, "the bench profile", |h| {
        h.state().session().ready && h.state().session().profile.is_some()
    });
    goto(&mut h, ViewId::Orders);
    let mut loading = Vec::new();
    let started = Instant::now();
    while h.state().orders_view().is_loading() {
        let t = Instant::now();
        h.step();
        loading.push(t.elapsed().as_secs_f64() * 1000.0);
        std::thread::sleep(Duration::from_millis(2));
        assert!(
            started.elapsed() < Duration::from_mins(5),
            "orders never loaded"
        );
    }
    let loaded = h.state().orders_view().all_rows().len();
    let load_time = started.elapsed();
    row(
        &format!("Orders while {loaded} orders load"),
        summarize(&mut loading),
    );
    h.run_steps(5);
    row(
        &format!("Orders, {loaded} orders loaded"),
        time_frames(&mut h, 200),
    );
    // The frame that applies a free-text filter (typed into the search box).
    let mut filter_frames = Vec::new();
    for text in ["a", "sk", "@", "1"] {
        h.get_by_label("Search").click();
        h.run_steps(1);
        h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
        h.get_by_label("Search").type_text(text);
        let t = Instant::now();
        h.step();
        filter_frames.push(t.elapsed().as_secs_f64() * 1000.0);
        h.run_steps(2);
    }
    row(
        &format!("Orders, filter {loaded} orders"),
        summarize(&mut filter_frames),
    );
    println!();
    println!(
        "{loaded} agent orders (of {held} orders in the sandbox) listed in {:.1} s \
         (sandbox over HTTP, 100 per page).",
        load_time.as_secs_f64()
    );
}
