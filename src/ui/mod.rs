//! The egui window. Only this module imports egui.
