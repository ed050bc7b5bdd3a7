//! Small widgets shared by the views.

use egui::{Color32, RichText, Ui};

/// A coloured pill with white text, e.g. a status badge.
pub fn badge(ui: &mut Ui, text: &str, color: Color32) -> egui::Response {
    egui::Frame::new()
        .fill(color)
        .corner_radius(8.0)
        .inner_margin(egui::Margin::symmetric(6, 1))
        .show(ui, |ui| {
            ui.label(RichText::new(text).color(Color32::WHITE).small().strong());
        })
        .response
}

/// A framed message box: a coloured left edge, a title and a sentence.
pub fn callout(ui: &mut Ui, color: Color32, title: &str, body: &str) {
    egui::Frame::group(ui.style())
        .stroke(egui::Stroke::new(1.5, color))
        .show(ui, |ui| {
            ui.set_width(ui.available_width());
            ui.label(RichText::new(title).strong().color(color));
            ui.label(body);
        });
}

/// A count with its noun: "1 row", "3 rows" (the noun takes an "s" in the plural).
#[must_use]
pub fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// A small filled square of `color`, for chart legends (the default fonts have no "■").
pub fn swatch(ui: &mut Ui, color: Color32) {
    let (rect, _) = ui.allocate_exact_size(egui::vec2(10.0, 10.0), egui::Sense::hover());
    ui.painter().rect_filled(rect, 2.0, color);
}

/// A small triangle showing sort direction: pointing down for descending, up for ascending.
pub fn sort_arrow(ui: &mut Ui, descending: bool) {
    let (rect, _) = ui.allocate_exact_size(egui::vec2(10.0, 10.0), egui::Sense::hover());
    let c = rect.center();
    let (tip, base) = if descending {
        (c.y + 3.5, c.y - 3.5)
    } else {
        (c.y - 3.5, c.y + 3.5)
    };
    let points = vec![
        egui::pos2(c.x - 4.0, base),
        egui::pos2(c.x + 4.0, base),
        egui::pos2(c.x, tip),
    ];
    let color = ui.visuals().strong_text_color();
    ui.painter().add(egui::Shape::convex_polygon(
        points,
        color,
        egui::Stroke::NONE,
    ));
}
