//! The Catalog view.

use egui::Ui;

use super::ViewCtx;

/// State of the Catalog view.
#[derive(Default)]
pub struct CatalogView {}

impl CatalogView {
    /// Draws the view.
    pub fn ui(&mut self, ui: &mut Ui, _ctx: &mut ViewCtx<'_>) {
        ui.heading("Catalog");
        ui.label("This screen is being built.");
    }
}
