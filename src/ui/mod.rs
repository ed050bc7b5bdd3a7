//! The egui window. Only this module imports egui.
//!
//! [`app::SellerApp`] is the shell (navigation, status bar, live-mode band, event routing);
//! each screen is a module under [`views`] that draws from its own state and sends commands.

pub mod app;
pub mod theme;
pub mod views;
pub mod widgets;

pub use app::{AppOptions, SellerApp};

/// Opens the window and runs until it is closed. Owns the tokio runtime the worker uses.
/// `started` is when the process started (for the cold-start figure); `feed` is a catalog file
/// to open in the Catalog view.
pub fn run_native(
    started: std::time::Instant,
    feed: Option<std::path::PathBuf>,
) -> Result<(), String> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_name("seller-console-worker")
        .build()
        .map_err(|e| format!("Could not start the background runtime: {e}"))?;
    let handle = runtime.handle().clone();
    let options = eframe::NativeOptions {
        renderer: eframe::Renderer::Glow,
        viewport: egui::ViewportBuilder::default()
            .with_title("Seller Console")
            .with_inner_size([1280.0, 800.0])
            .with_min_inner_size([760.0, 480.0])
            .with_app_id("seller-console"),
        ..Default::default()
    };
    eframe::run_native(
        "Seller Console",
        options,
        Box::new(move |cc| {
            let options = AppOptions {
                started: Some(started),
                open_feed: feed,
                ..AppOptions::desktop()
            };
            Ok(Box::new(SellerApp::new(cc, &handle, options)))
        }),
    )
    .map_err(|e| format!("The window could not open: {e}"))?;
    drop(runtime);
    Ok(())
}
