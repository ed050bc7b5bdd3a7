//! How a catalog on sync is shown, the same in the Catalog strip and the Imports view: its
//! badge, one sentence on where it stands, and what waits or why it paused.

use egui::{RichText, Ui};

use crate::ui::theme;
use crate::worker::sync::{FileSync, Phase};

/// The file's phase as a badge (`ON SYNC`, `SYNCING`, `SYNC PAUSED`).
pub fn phase_badge(ui: &mut Ui, phase: &Phase) {
    let (text, color) = match phase {
        Phase::Watching => ("ON SYNC", theme::SUCCESS),
        Phase::Working => ("SYNCING", theme::INFO),
        Phase::Paused(_) => ("SYNC PAUSED", theme::ERROR),
    };
    super::badge(ui, text, color);
}

/// Why the file paused, and what waits: one line each, under its row.
pub fn details_ui(ui: &mut Ui, f: &FileSync) {
    if let Phase::Paused(why) = &f.phase {
        ui.colored_label(theme::ERROR, format!("Paused: {why}"));
    }
    for w in &f.waiting {
        ui.label(RichText::new(format!("Waiting: {w}.")).weak());
    }
}

/// One line on where a file on sync stands.
#[must_use]
pub fn status_sentence(f: &FileSync, now: i64) -> String {
    let mut parts = Vec::new();
    match (&f.phase, f.next_at) {
        (Phase::Working, _) => parts.push("checking and pushing now".to_owned()),
        (Phase::Paused(_), _) => parts.push("nothing goes until the file changes".to_owned()),
        (Phase::Watching, Some(at)) => parts.push(format!("next push {}", when(at, now))),
        (Phase::Watching, None) if f.waiting.is_empty() => {
            parts.push("up to date; watching for changes".to_owned());
        }
        (Phase::Watching, None) => parts.push("waiting for an import to finish".to_owned()),
    }
    if let Some(last) = &f.state.last_result {
        parts.push(format!("last: {last}"));
    }
    let pushes: [(&str, Option<i64>); 3] = [
        ("product", f.state.last_full),
        ("inventory", f.state.last_inventory),
        ("price", f.state.last_price),
    ];
    let ages: Vec<String> = pushes
        .iter()
        .filter_map(|(k, at)| at.map(|at| format!("{k} {}", super::ago(at, now))))
        .collect();
    if !ages.is_empty() {
        parts.push(format!("feeds sent: {}", ages.join(", ")));
    }
    parts.join(" · ")
}

/// "in 12 min" / "at 18:15".
fn when(at: i64, now: i64) -> String {
    let secs = at - now;
    if secs <= 60 {
        "within a minute".to_owned()
    } else if secs < 3600 {
        format!("in {} min", (secs + 59) / 60)
    } else {
        chrono::DateTime::from_timestamp(at, 0).map_or_else(
            || at.to_string(),
            |t| format!("at {} UTC", t.format("%H:%M")),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sync::SyncState;

    fn file(phase: Phase, next_at: Option<i64>) -> FileSync {
        FileSync {
            file: "/shop/catalog.csv".into(),
            phase,
            next_at,
            waiting: Vec::new(),
            state: SyncState {
                last_price: Some(1_000),
                last_result: Some("pushed the pricing feed (2 rows)".into()),
                ..SyncState::default()
            },
        }
    }

    #[test]
    fn the_strip_says_when_the_next_push_goes_and_what_the_last_did() {
        let s = status_sentence(&file(Phase::Watching, Some(1_900)), 1_300);
        assert!(s.starts_with("next push in 10 min"), "{s}");
        assert!(s.contains("last: pushed the pricing feed (2 rows)"), "{s}");
        assert!(s.contains("price 5 min ago"), "{s}");
        let s = status_sentence(&file(Phase::Paused("2 errors".into()), None), 1_300);
        assert!(s.starts_with("nothing goes until the file changes"), "{s}");
    }
}
