//! The Hooks view.

use egui::Ui;

use super::ViewCtx;

/// State of the Hooks view.
#[derive(Default)]
pub struct HooksView {}

impl HooksView {
    /// Draws the view.
    pub fn ui(&mut self, ui: &mut Ui, _ctx: &mut ViewCtx<'_>) {
        ui.heading("Hooks");
        ui.label("This screen is being built.");
    }
}
