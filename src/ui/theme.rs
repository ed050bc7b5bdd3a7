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

/// Colours of the agents in charts and lists.
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

/// A colour for each of the account's agents: given in the order of their names, so an
/// agent keeps its colour whatever is filtered or shown, and no two of the first eight share
/// one.
#[must_use]
pub fn agent_colors<'a>(
    agents: impl IntoIterator<Item = &'a str>,
) -> std::collections::BTreeMap<String, Color32> {
    let names: std::collections::BTreeSet<&str> = agents.into_iter().collect();
    names
        .into_iter()
        .enumerate()
        .map(|(i, name)| (name.to_owned(), AGENT_COLORS[i % AGENT_COLORS.len()]))
        .collect()
}

#[cfg(test)]
mod agent_color_tests {
    use super::*;

    #[test]
    fn each_agent_has_its_own_colour_whatever_order_they_come_in() {
        let a = agent_colors([
            "Orbit Chat",
            "Nimbus Assistant",
            "Shopwise AI",
            "Orbit Chat",
        ]);
        let b = agent_colors(["Shopwise AI", "Orbit Chat", "Nimbus Assistant"]);
        assert_eq!(a, b);
        let distinct: std::collections::BTreeSet<[u8; 4]> =
            a.values().map(egui::Color32::to_array).collect();
        assert_eq!(distinct.len(), 3);
    }
}
