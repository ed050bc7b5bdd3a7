//! The Imports view.

use egui::Ui;

use super::ViewCtx;

/// State of the Imports view.
#[derive(Default)]
pub struct ImportsView {}

impl ImportsView {
    /// Selects the import with this id (it is polled until it ends).
    pub fn watch(&mut self, id: &str) {
        let _ = id;
    }

    /// Draws the view.
    pub fn ui(&mut self, ui: &mut Ui, _ctx: &mut ViewCtx<'_>) {
        ui.heading("Imports");
        ui.label("This screen is being built.");
    }
}
