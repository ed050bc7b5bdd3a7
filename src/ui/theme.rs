//! Colours and the look of modes and severities, in one place.

use egui::Color32;

use crate::profiles::Mode;

/// The live-mode red (band, title, badges).
pub const LIVE_RED: Color32 = Color32::from_rgb(0xC6, 0x28, 0x28);
/// Test-mode amber, calm.
pub const TEST_AMBER: Color32 = Color32::from_rgb(0xB2, 0x6A, 0x00);
/// Sandbox teal, calm.
pub const SANDBOX_TEAL: Color32 = Color32::from_rgb(0x00, 0x79, 0x6B);
/// Errors.
pub const ERROR: Color32 = Color32::from_rgb(0xD3, 0x2F, 0x2F);
/// Warnings.
pub const WARNING: Color32 = Color32::from_rgb(0xE0, 0x8E, 0x00);
/// Informational findings.
pub const INFO: Color32 = Color32::from_rgb(0x1E, 0x88, 0xE5);
/// Success.
pub const SUCCESS: Color32 = Color32::from_rgb(0x2E, 0x7D, 0x32);
/// Neutral badges.
pub const NEUTRAL: Color32 = Color32::from_rgb(0x75, 0x75, 0x75);

/// The colour that marks a mode.
#[must_use]
pub fn mode_color(mode: Mode) -> Color32 {
    match mode {
        Mode::Sandbox => SANDBOX_TEAL,
        Mode::Test => TEST_AMBER,
        Mode::Live => LIVE_RED,
    }
}

/// A translucent fill of `color` for cell and row backgrounds.
#[must_use]
pub fn tint(color: Color32, dark: bool) -> Color32 {
    let alpha = if dark { 70 } else { 45 };
    Color32::from_rgba_unmultiplied(color.r(), color.g(), color.b(), alpha)
}
