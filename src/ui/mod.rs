//! The egui window. Only this module imports egui.
//!
//! [`app::SellerApp`] is the shell (navigation, status bar, live-mode band, event routing);
//! each screen is a module under [`views`] that draws from its own state and sends commands.

pub mod app;
pub mod palette;
pub mod theme;
pub mod views;
pub mod widgets;

pub use app::{AppOptions, SellerApp};

/// The app's icon (`assets/icon.png`) for the window and the taskbar.
#[must_use]
pub fn app_icon() -> Option<egui::IconData> {
    eframe::icon_data::from_png_bytes(include_bytes!("../../assets/icon.png")).ok()
}

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
    let mut viewport = egui::ViewportBuilder::default()
        .with_title("Seller Console")
        .with_inner_size([1280.0, 800.0])
        .with_min_inner_size([760.0, 480.0])
        // The desktop file's name (assets/seller-console.desktop), so the taskbar finds it.
        .with_app_id("seller-console");
    if let Some(icon) = app_icon() {
        viewport = viewport.with_icon(std::sync::Arc::new(icon));
    }
    let options = eframe::NativeOptions {
        renderer: eframe::Renderer::Glow,
        viewport,
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

#[cfg(test)]
mod tests {
    #[test]
    fn the_app_icon_ships_and_decodes() {
        let icon = super::app_icon().expect("assets/icon.png is a PNG");
        assert_eq!((icon.width, icon.height), (256, 256));
        assert_eq!(icon.rgba.len(), 256 * 256 * 4);
    }
}
