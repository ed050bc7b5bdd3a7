//! Small widgets shared by the views.

pub mod sync;

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

/// How long ago `at` was, in Unix seconds, seen at `now`: "just now", "12 min ago", "3 h ago",
/// "2 d ago", or the date after two weeks. The one way the window words a past time.
#[must_use]
pub fn ago(at: i64, now: i64) -> String {
    let secs = (now - at).max(0);
    if secs < 60 {
        "just now".to_owned()
    } else if secs < 3600 {
        format!("{} min ago", secs / 60)
    } else if secs < 24 * 3600 {
        format!("{} h ago", secs / 3600)
    } else if secs < 14 * 86_400 {
        format!("{} d ago", secs / 86_400)
    } else {
        chrono::DateTime::from_timestamp(at, 0)
            .map_or_else(|| at.to_string(), |t| t.format("%Y-%m-%d").to_string())
    }
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

/// A row of toggles that keeps `on` as the chosen values of `all` (none chosen: no filter).
/// True when the choice changed.
pub fn toggles<T: Clone + PartialEq>(
    ui: &mut Ui,
    all: &[T],
    on: &mut Vec<T>,
    label: impl Fn(&T) -> String,
) -> bool {
    let mut changed = false;
    for value in all {
        let mut selected = on.contains(value);
        if ui.toggle_value(&mut selected, label(value)).changed() {
            changed = true;
            if selected {
                on.push(value.clone());
            } else {
                on.retain(|x| x != value);
            }
        }
    }
    changed
}

/// The "Agent" picker of a filter bar: "All agents" or one of `agents` (exact name).
pub fn agent_picker<'a>(
    ui: &mut Ui,
    id: &str,
    chosen: &mut Option<String>,
    agents: impl IntoIterator<Item = &'a str>,
) {
    ui.label("Agent");
    egui::ComboBox::from_id_salt(id)
        .selected_text(chosen.clone().unwrap_or_else(|| "All agents".into()))
        .show_ui(ui, |ui| {
            ui.selectable_value(chosen, None, "All agents");
            for a in agents {
                ui.selectable_value(chosen, Some(a.to_owned()), a);
            }
        });
}

/// A view's first line: its title, a few words, and a refresh button (greyed while `busy`).
/// True when the button was pressed.
pub fn view_header(ui: &mut Ui, title: &str, words: &str, refresh: &str, busy: bool) -> bool {
    ui.horizontal(|ui| {
        ui.heading(title);
        ui.label(words);
        ui.add_enabled(!busy, egui::Button::new(refresh)).clicked()
    })
    .inner
}

#[cfg(test)]
mod tests {
    use super::ago;

    #[test]
    fn past_times_read_as_people_say_them() {
        let now = 1_800_000_000;
        assert_eq!(ago(now - 5, now), "just now");
        assert_eq!(ago(now - 12 * 60, now), "12 min ago");
        assert_eq!(ago(now - 3 * 3600, now), "3 h ago");
        assert_eq!(ago(now - 2 * 86_400, now), "2 d ago");
        // After two weeks, the date; a clock a little ahead is "just now", not negative.
        assert_eq!(ago(now - 20 * 86_400, now), "2026-12-26");
        assert_eq!(ago(now + 30, now), "just now");
    }
}
