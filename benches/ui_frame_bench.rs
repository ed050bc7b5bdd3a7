//! UI frame time, CPU only (egui layout and the app's own work, no GPU rendering), printed as
//! a table: `cargo bench --bench ui_frame_bench`.
//!
//! - every view in demo mode once its data has arrived;
//! - the Orders view while 10,000 agent orders load page by page from the sandbox, after they
//!   have loaded, and the frame that applies a new filter.
//!
//! The whole app runs as in the window (worker, tokio, sandbox over HTTP). `egui_kittest`
//! drives it (clicks, typing); the timed frames run the same app in a plain `egui::Context`
//! at 1280x800 without the AccessKit tree kittest builds (the window builds it only for a
//! screen reader). Target: under 4 ms per frame.

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

/// Draws the app's frames in a context of its own, as the window does.
struct Timer {
    ctx: egui::Context,
    frame: eframe::Frame,
}

impl Timer {
    fn new() -> Self {
        let ctx = egui::Context::default();
        Timer {
            frame: eframe::Frame::_new_kittest(),
            ctx,
        }
    }

    /// One frame of the app; returns its CPU time in milliseconds.
    fn frame(&mut self, h: &mut App) -> f64 {
        let input = egui::RawInput {
            screen_rect: Some(egui::Rect::from_min_size(
                egui::Pos2::ZERO,
                egui::vec2(1280.0, 800.0),
            )),
            ..egui::RawInput::default()
        };
        let app = h.state_mut();
        let frame = &mut self.frame;
        let t = Instant::now();
        let output = self.ctx.run_ui(input, |ui| {
            let ctx = ui.ctx().clone();
            eframe::App::logic(app, &ctx, frame);
            eframe::App::ui(app, ui, frame);
        });
        let took = t.elapsed().as_secs_f64() * 1000.0;
        // Nothing is rendered, so font textures are not uploaded anywhere.
        output.drop_without_applying_deltas();
        took
    }

    /// Times `frames` frames; returns (mean, 95th percentile, worst) in milliseconds.
    fn frames(&mut self, h: &mut App, frames: usize) -> (f64, f64, f64) {
        for _ in 0..5 {
            self.frame(h);
        }
        let mut times: Vec<f64> = (0..frames).map(|_| self.frame(h)).collect();
        summarize(&mut times)
    }
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

    let mut timer = Timer::new();

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
            timer.frames(&mut h, 200),
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
        h.step(); // takes the events that arrived
        loading.push(timer.frame(&mut h));
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
    row(
        &format!("Orders, {loaded} orders loaded"),
        timer.frames(&mut h, 200),
    );
    // The frame that applies a new free-text filter to every order.
    let mut filter_frames = Vec::new();
    for text in ["a", "sku", "@example", "1", "nimbus", ""] {
        h.state_mut().orders_view_mut().set_search(text);
        filter_frames.push(timer.frame(&mut h));
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
