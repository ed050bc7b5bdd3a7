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
//!
//! The loaded Orders list is also timed against a floor: a bare `egui_extras` table of the
//! same rows (`UI_BENCH_ORDERS`, 10,000 unless set), the same seven columns and widths and
//! row height, placed where the view's table sits, cells from a pre-built page of `String`s
//! taken from the first orders, drawn in its own context frame for frame in turn with the app.

use std::time::{Duration, Instant};

use egui_extras::{Column, TableBuilder};

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;
use seller_console::sandbox::{DEMO_KEY, Sandbox, SandboxConfig, Seed};
use seller_console::ui::views::ViewId;
use seller_console::ui::{AppOptions, SellerApp};

mod common;

use common::{Drawn, Stats};

const BENCH: &str = "ui_frame_bench";
/// The Orders list's row height (`ui::views::orders::ROW_HEIGHT`).
const ORDER_ROW_HEIGHT: f32 = 22.0;
/// The Orders list's header text the bare table is placed by.
const FIRST_HEADER: &str = "Date";

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
        self.frame_drawn(h, FIRST_HEADER).0
    }

    /// One frame of the app; returns its CPU time in milliseconds and what it drew.
    fn frame_drawn(&mut self, h: &mut App, marker: &str) -> (f64, Drawn) {
        let app = h.state_mut();
        let frame = &mut self.frame;
        let t = Instant::now();
        let output = self.ctx.run_ui(common::window(), |ui| {
            let ctx = ui.ctx().clone();
            eframe::App::logic(app, &ctx, frame);
            eframe::App::ui(app, ui, frame);
        });
        let took = t.elapsed().as_secs_f64() * 1000.0;
        let drawn = Drawn::of(&output, marker);
        // Nothing is rendered, so font textures are not uploaded anywhere.
        output.drop_without_applying_deltas();
        (took, drawn)
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
    let s = Stats::of_ms(times);
    (s.mean, s.p95, s.max)
}

/// The floor for the Orders list: a bare `egui_extras` table of the same rows and columns.
struct BareOrders {
    ctx: egui::Context,
    page: Vec<[String; 7]>,
    rows: usize,
    /// Where the table's first header text should sit (the view's, once measured).
    origin: egui::Vec2,
}

impl BareOrders {
    fn new(orders: &[seller_console::orders::OrderRow]) -> BareOrders {
        let page = orders
            .iter()
            .take(64)
            .map(|r| {
                [
                    chrono::DateTime::from_timestamp(r.created, 0)
                        .map(|d| d.format("%Y-%m-%d %H:%M").to_string())
                        .unwrap_or_default(),
                    r.agent.clone(),
                    r.display_number(),
                    r.customer.clone(),
                    r.items.clone(),
                    seller_console::money::format_symbol(r.total, &r.currency),
                    r.state.label().to_owned(),
                ]
            })
            .collect();
        BareOrders {
            ctx: egui::Context::default(),
            page,
            rows: orders.len(),
            origin: egui::Vec2::ZERO,
        }
    }

    /// One frame; returns its time in milliseconds and what it drew.
    fn frame(&mut self) -> (f64, Drawn) {
        let BareOrders {
            ctx,
            page,
            rows,
            origin,
        } = self;
        let t = Instant::now();
        let output = ctx.run_ui(common::window(), |ui| {
            let rect = ui.max_rect();
            let rect = egui::Rect::from_min_max(rect.min + *origin, rect.max);
            ui.scope_builder(egui::UiBuilder::new().max_rect(rect), |ui| {
                TableBuilder::new(ui)
                    .id_salt("bare_orders")
                    .striped(true)
                    .resizable(true)
                    .sense(egui::Sense::click())
                    .column(Column::initial(130.0))
                    .column(Column::initial(110.0))
                    .column(Column::initial(100.0))
                    .column(Column::initial(150.0))
                    .column(Column::initial(220.0).clip(true))
                    .column(Column::initial(90.0))
                    .column(Column::remainder())
                    .header(24.0, |mut h| {
                        for title in [
                            FIRST_HEADER,
                            "Agent",
                            "Order",
                            "Customer",
                            "Items",
                            "Total",
                            "Payment",
                        ] {
                            h.col(|ui| {
                                ui.strong(title);
                            });
                        }
                    })
                    .body(|body| {
                        body.rows(ORDER_ROW_HEIGHT, *rows, |mut row| {
                            let cells = &page[row.index() % page.len()];
                            for cell in cells {
                                row.col(|ui| {
                                    ui.label(cell.as_str());
                                });
                            }
                        });
                    });
            });
        });
        let took = t.elapsed().as_secs_f64() * 1000.0;
        let drawn = Drawn::of(&output, FIRST_HEADER);
        output.drop_without_applying_deltas();
        (took, drawn)
    }
}

fn row(what: &str, (mean, p95, worst): (f64, f64, f64)) {
    println!("| {what:<44} | {mean:>7.2} | {p95:>7.2} | {worst:>7.2} |");
}

fn goto(h: &mut App, view: ViewId) {
    h.get_by_role_and_label(egui::Role::Button, view.title())
        .click();
    h.run_steps(3);
}

/// Adds a profile with the demo key on `base` and waits until it is active.
fn add_profile(h: &mut App, base: &str) {
    goto(h, ViewId::Settings);
    h.get_by_label("Add profile").click();
    h.run_steps(2);
    for (label, text) in [
        ("Profile name", "Bench"),
        ("Secret or restricted key", DEMO_KEY),
        ("API base (optional)", base),
    ] {
        h.get_by_label(label).click();
        h.run_steps(1);
        h.get_by_label(label).type_text(text);
        h.run_steps(1);
    }
    h.get_by_label("Check and save").click();
    step_until(h, "the bench profile", |h| {
        h.state().session().ready && h.state().session().profile.is_some()
    });
}

/// The Sellers board of a platform with `UI_BENCH_ACCOUNTS` (5,000) connected accounts: how
/// soon its first rows show, and its frames while the figures load and after.
fn board(rt: &tokio::runtime::Runtime, timer: &mut Timer) {
    let accounts: usize = common::env_num("UI_BENCH_ACCOUNTS", 5_000);
    let secs: u64 = common::env_num("UI_BENCH_BOARD_SECS", 20);
    let sandbox = rt
        .block_on(Sandbox::start(SandboxConfig {
            accounts: Some(accounts),
            ..SandboxConfig::seeded(Seed::Empty)
        }))
        .expect("sandbox");
    let mut h = boot(rt);
    step_until(&mut h, "the demo sandbox", |h| h.state().session().ready);
    add_profile(&mut h, &sandbox.base_url());
    // The list is read as soon as the profile is active (the top bar's switcher needs it);
    // the clock starts there.
    let started = Instant::now();
    goto(&mut h, ViewId::Sellers);
    let mut first_rows = None;
    let mut loading = Vec::new();
    while h.state().sellers_view().figures_loading() || !h.state().sellers_view().is_listed() {
        h.step();
        let t = timer.frame(&mut h);
        if first_rows.is_none() && !h.state().sellers_view().visible().is_empty() {
            first_rows = Some(started.elapsed());
        } else if first_rows.is_some() {
            loading.push(t);
        }
        if started.elapsed() > Duration::from_secs(secs) {
            break;
        }
        std::thread::sleep(Duration::from_millis(2));
    }
    let with_figures = h
        .state()
        .sellers_view()
        .rows()
        .iter()
        .filter(|r| r.figures.is_some())
        .count();
    let listed = h.state().sellers_view().rows().len();
    let elapsed = started.elapsed().as_secs_f64();
    row(
        &format!("Sellers while {listed} accounts' figures load"),
        summarize(&mut loading.clone()),
    );
    let mut loaded = Vec::new();
    for _ in 0..200 {
        loaded.push(timer.frame(&mut h));
    }
    row(
        &format!("Sellers, {listed} accounts"),
        summarize(&mut loaded.clone()),
    );
    println!();
    let first = first_rows.map_or(f64::NAN, |d| d.as_secs_f64());
    println!(
        "ui_frame_bench: Sellers board of {listed} accounts: first rows {first:.2} s after the profile \
         became active; \
         {with_figures} accounts' figures in after {elapsed:.1} s (4 requests each, 8 accounts \
         at a time, each account's data made by the sandbox on first use)."
    );
    common::info(
        BENCH,
        &format!("Sellers: first rows of {accounts} accounts (target under 1 s)"),
        "s",
        first,
    );
    let during = Stats::of_ms(&loading);
    common::info(
        BENCH,
        &format!("Sellers frame while {accounts} accounts' figures load (p95; target under 4 ms)"),
        "ms",
        during.p95,
    );
    common::info(
        BENCH,
        &format!("Sellers frame, {accounts} accounts (p95; target under 4 ms)"),
        "ms",
        Stats::of_ms(&loaded).p95,
    );
    drop(h);
    rt.block_on(sandbox.shutdown());
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

    board(&rt, &mut timer);

    // 10,000 orders from a sandbox of their own.
    let mut sandbox = rt
        .block_on(Sandbox::start(SandboxConfig::seeded(Seed::Demo)))
        .expect("sandbox");
    // The demo seed holds 320 orders of its own.
    let orders: usize = common::env_num("UI_BENCH_ORDERS", 10_000);
    let held = sandbox.add_orders(orders.saturating_sub(320));
    let mut h = boot(&rt);
    step_until(&mut h, "the demo sandbox", |h| h.state().session().ready);
    add_profile(&mut h, &sandbox.base_url());
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
    // The loaded list against the bare table, frame for frame in turn, the bare table placed
    // where the view's header sits.
    let mut bare = BareOrders::new(h.state().orders_view().all_rows());
    let mut at = None;
    for _ in 0..5 {
        at = timer.frame_drawn(&mut h, FIRST_HEADER).1.marker.or(at);
    }
    if let (Some(view_at), Some(bare_at)) = (at, bare.frame().1.marker) {
        bare.origin = (view_at - bare_at).max(egui::Vec2::ZERO);
    }
    for _ in 0..5 {
        bare.frame();
    }
    let (mut app_frames, mut bare_frames) = (Vec::new(), Vec::new());
    let (mut texts, mut texts_bare) = (0, 0);
    for _ in 0..200 {
        let (t, d) = timer.frame_drawn(&mut h, FIRST_HEADER);
        app_frames.push(t);
        let (tb, db) = bare.frame();
        bare_frames.push(tb);
        (texts, texts_bare) = (d.texts, db.texts);
    }
    row(
        &format!("Orders, {loaded} orders loaded"),
        summarize(&mut app_frames.clone()),
    );
    row(
        &format!("bare table of the same {loaded} rows"),
        summarize(&mut bare_frames.clone()),
    );
    let list_ratio = (
        Stats::of_ms(&app_frames),
        Stats::of_ms(&bare_frames),
        texts,
        texts_bare,
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
    // New orders stream in (about 50 events a second) while the list is on screen: the app's
    // follower picks them up and every frame draws what changed.
    h.state_mut().orders_view_mut().set_search("");
    h.step();
    let before = h.state().orders_view().all_rows().len();
    let stream_secs = common::env_num("UI_BENCH_STREAM_SECS", 8u64);
    {
        let _guard = rt.enter();
        sandbox.start_live_shopper(1_500);
    }
    let mut stream_frames = Vec::new();
    let until = Instant::now() + Duration::from_secs(stream_secs);
    while Instant::now() < until {
        h.step(); // takes the follower's events
        stream_frames.push(timer.frame(&mut h));
        std::thread::sleep(Duration::from_millis(10));
    }
    {
        let _guard = rt.enter();
        sandbox.start_live_shopper(0);
    }
    let after = h.state().orders_view().all_rows().len();
    if after < before {
        println!(
            "ui_frame_bench: the list started over while orders streamed in ({before} rows, then \
             {after}): the follower reloaded it"
        );
    }
    let arrived = after.saturating_sub(before);
    row(
        &format!("Orders while {arrived} new orders stream in"),
        summarize(&mut stream_frames.clone()),
    );
    println!();
    println!(
        "ui_frame_bench: {loaded} agent orders (of {held} orders in the sandbox) listed in {:.1} s \
         (sandbox over HTTP, 100 per page).",
        load_time.as_secs_f64()
    );
    let (app, floor, texts, texts_bare) = list_ratio;
    println!(
        "ui_frame_bench: texts drawn in one frame: the whole app on the Orders view {texts}, the bare table {texts_bare}"
    );
    println!();
    common::frames(
        BENCH,
        &format!("Orders view frame, {loaded} orders (whole app)"),
        app,
        floor,
        Some(1.5),
    );
    let stream = Stats::of_ms(&stream_frames);
    common::info(
        BENCH,
        &format!(
            "Orders frame while {arrived} new orders stream in over {stream_secs} s (mean; target under 4 ms)"
        ),
        "ms",
        stream.mean,
    );
    common::info(
        BENCH,
        &format!("Orders frame while {arrived} new orders stream in (p95)"),
        "ms",
        stream.p95,
    );
    common::info(
        BENCH,
        &format!("Orders: {loaded} orders loaded over HTTP"),
        "s",
        load_time.as_secs_f64(),
    );
}
