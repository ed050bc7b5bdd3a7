//! The Catalog view.

use egui::Ui;

use super::{RowError, ViewCtx};

/// State of the Catalog view.
#[derive(Default)]
pub struct CatalogView {}

impl CatalogView {
    /// Opens `path` and pins an import's errors to the rows with those ids.
    pub fn open_with_errors(&mut self, path: std::path::PathBuf, errors: Vec<RowError>) {
        let _ = (path, errors);
    }

    /// Draws the view.
    pub fn ui(&mut self, ui: &mut Ui, _ctx: &mut ViewCtx<'_>) {
        ui.heading("Catalog");
        ui.label("This screen is being built.");
    }
}
