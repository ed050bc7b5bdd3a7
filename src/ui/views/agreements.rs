//! The Agreements view.

use egui::Ui;

use super::ViewCtx;

/// State of the Agreements view.
#[derive(Default)]
pub struct AgreementsView {}

impl AgreementsView {
    /// Draws the view.
    pub fn ui(&mut self, ui: &mut Ui, _ctx: &mut ViewCtx<'_>) {
        ui.heading("Agreements");
        ui.label("This screen is being built.");
    }
}
