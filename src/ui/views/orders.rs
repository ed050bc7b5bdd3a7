//! The Orders view.

use egui::Ui;

use super::ViewCtx;

/// State of the Orders view.
#[derive(Default)]
pub struct OrdersView {}

impl OrdersView {
    /// Draws the view.
    pub fn ui(&mut self, ui: &mut Ui, _ctx: &mut ViewCtx<'_>) {
        ui.heading("Orders");
        ui.label("This screen is being built.");
    }
}
