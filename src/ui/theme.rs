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

/// Colours of the agents in charts and lists, picked by name so an agent keeps its colour in
/// every view and whatever the filter.
const AGENT_COLORS: [Color32; 8] = [
    Color32::from_rgb(0x42, 0x85, 0xF4),
    Color32::from_rgb(0xEA, 0x43, 0x35),
    Color32::from_rgb(0x34, 0xA8, 0x53),
    Color32::from_rgb(0xF9, 0xA8, 0x25),
    Color32::from_rgb(0x9C, 0x27, 0xB0),
    Color32::from_rgb(0x00, 0xAC, 0xC1),
    Color32::from_rgb(0xFF, 0x70, 0x43),
    Color32::from_rgb(0x5C, 0x6B, 0xC0),
];

/// The colour of an agent, the same wherever it is shown (a hash of its name).
#[must_use]
pub fn agent_color(agent: &str) -> Color32 {
    // FNV-1a: stable across runs and platforms, unlike the standard library's hasher.
    let hash = agent.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01B3)
    });
    AGENT_COLORS[(hash % AGENT_COLORS.len() as u64) as usize]
}
