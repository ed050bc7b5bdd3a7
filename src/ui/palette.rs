//! The command palette (Ctrl+K): every action of every view by name, with its shortcut, found
//! by fuzzy search (`nucleo-matcher`, the matcher of the Helix editor). The same list is the
//! shortcut table in Settings, so the two never disagree.

use egui::{Key, KeyboardShortcut, Modifiers, RichText, Ui};
use nucleo_matcher::pattern::{CaseMatching, Normalization, Pattern};
use nucleo_matcher::{Config, Matcher, Utf32Str};

use super::views::ViewId;

/// An action of the Catalog view (the same as its buttons and shortcuts).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CatalogAction {
    /// Open a feed or a shop export.
    Open,
    /// Open the demo shop's feed.
    OpenDemo,
    /// Save the open feed.
    Save,
    /// Save it under another name.
    SaveAs,
    /// Show or hide find and replace.
    Find,
    /// Push the open feed to Stripe.
    Push,
    /// Put the open feed on sync (or show where its sync stands).
    Sync,
    /// Undo the last edit.
    Undo,
    /// Redo it.
    Redo,
}

/// An action of the Orders view.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrdersAction {
    /// Read the orders again.
    Refresh,
    /// Refund the selected orders, or every one listed.
    BulkRefund,
    /// Save the listed orders as CSV.
    Export,
}

/// What the palette can run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Show a view.
    Goto(ViewId),
    /// A Catalog action (the Catalog is shown first).
    Catalog(CatalogAction),
    /// An Orders action (the Orders view is shown first).
    Orders(OrdersAction),
    /// The orders waiting to be captured.
    CaptureQueue,
    /// Agreements waiting for the seller.
    AgreementsWaiting,
    /// List the imports again.
    ListImports,
    /// Open the activity panel.
    ShowActivity,
    /// Add a profile (a key).
    AddProfile,
    /// Copy the diagnostics report for a support ticket.
    CopyDiagnostics,
    /// Change the theme.
    Theme(egui::ThemePreference),
}

/// One line of the palette.
#[derive(Debug, Clone)]
pub struct Entry {
    /// What it runs.
    pub action: Action,
    /// Its name, as searched and shown.
    pub name: String,
    /// The view it belongs to ("Anywhere" for the shell's own).
    pub group: &'static str,
    /// Its keyboard shortcut, if it has one.
    pub shortcut: Option<KeyboardShortcut>,
}

/// The shortcut that opens the palette.
pub const OPEN: KeyboardShortcut = KeyboardShortcut::new(Modifiers::COMMAND, Key::K);

const fn command(key: Key) -> KeyboardShortcut {
    KeyboardShortcut::new(Modifiers::COMMAND, key)
}

const fn command_shift(key: Key) -> KeyboardShortcut {
    KeyboardShortcut::new(Modifiers::COMMAND.plus(Modifiers::SHIFT), key)
}

/// Every action, in the order the empty palette lists them.
#[must_use]
pub fn entries() -> Vec<Entry> {
    use CatalogAction as C;
    let entry = |action, name: &str, group, shortcut| Entry {
        action,
        name: name.to_owned(),
        group,
        shortcut,
    };
    let mut out: Vec<Entry> = ViewId::ALL
        .iter()
        .map(|&view| {
            entry(
                Action::Goto(view),
                &format!("Go to {}", view.title()),
                "Anywhere",
                Some(command(view.shortcut_key())),
            )
        })
        .collect();
    out.extend([
        entry(
            Action::Catalog(C::Open),
            "Open a feed or shop export…",
            "Catalog",
            None,
        ),
        entry(
            Action::Catalog(C::OpenDemo),
            "Try the demo catalog",
            "Catalog",
            None,
        ),
        entry(
            Action::Catalog(C::Save),
            "Save the feed",
            "Catalog",
            Some(command(Key::S)),
        ),
        entry(
            Action::Catalog(C::SaveAs),
            "Save the feed as…",
            "Catalog",
            Some(command_shift(Key::S)),
        ),
        entry(
            Action::Catalog(C::Sync),
            "Put the feed on sync (keep it current on Stripe)…",
            "Catalog",
            None,
        ),
        entry(
            Action::Catalog(C::Find),
            "Find and replace",
            "Catalog",
            Some(command(Key::F)),
        ),
        entry(
            Action::Catalog(C::Push),
            "Push the feed to Stripe…",
            "Catalog",
            Some(command(Key::P)),
        ),
        entry(
            Action::Catalog(C::Undo),
            "Undo",
            "Catalog",
            Some(command(Key::Z)),
        ),
        entry(
            Action::Catalog(C::Redo),
            "Redo",
            "Catalog",
            Some(command_shift(Key::Z)),
        ),
        entry(
            Action::ListImports,
            "List the imports again",
            "Imports",
            None,
        ),
        entry(
            Action::Orders(OrdersAction::Refresh),
            "Refresh orders",
            "Orders",
            None,
        ),
        entry(
            Action::Orders(OrdersAction::BulkRefund),
            "Refund in bulk (the selected or listed orders)…",
            "Orders",
            None,
        ),
        entry(
            Action::Orders(OrdersAction::Export),
            "Export the listed orders to CSV…",
            "Orders",
            None,
        ),
        entry(
            Action::CaptureQueue,
            "Show the capture queue (orders to capture)",
            "Orders",
            None,
        ),
        entry(
            Action::AgreementsWaiting,
            "Show agreements waiting for you",
            "Agreements",
            None,
        ),
        entry(
            Action::ShowActivity,
            "Show the activity log",
            "Anywhere",
            None,
        ),
        entry(
            Action::AddProfile,
            "Add a profile (API key)…",
            "Settings",
            None,
        ),
        entry(
            Action::CopyDiagnostics,
            "Copy diagnostics for support",
            "Settings",
            None,
        ),
        entry(
            Action::Theme(egui::ThemePreference::Light),
            "Theme: light",
            "Settings",
            None,
        ),
        entry(
            Action::Theme(egui::ThemePreference::Dark),
            "Theme: dark",
            "Settings",
            None,
        ),
        entry(
            Action::Theme(egui::ThemePreference::System),
            "Theme: follow the system",
            "Settings",
            None,
        ),
    ]);
    out
}

/// The entries that match `query`, best first (all of them, in order, for an empty query).
#[must_use]
pub fn search<'e>(entries: &'e [Entry], query: &str, matcher: &mut Matcher) -> Vec<&'e Entry> {
    let pattern = Pattern::parse(query, CaseMatching::Ignore, Normalization::Smart);
    if query.trim().is_empty() {
        return entries.iter().collect();
    }
    let mut buf = Vec::new();
    let mut found: Vec<(u32, usize, &Entry)> = entries
        .iter()
        .enumerate()
        .filter_map(|(i, e)| {
            let text = format!("{} {}", e.name, e.group);
            pattern
                .score(Utf32Str::new(&text, &mut buf), matcher)
                .map(|score| (score, i, e))
        })
        .collect();
    found.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    found.into_iter().map(|(_, _, e)| e).collect()
}

/// The palette's state.
pub struct Palette {
    open: bool,
    query: String,
    selected: usize,
    entries: Vec<Entry>,
    matcher: Matcher,
}

impl Default for Palette {
    fn default() -> Self {
        Palette {
            open: false,
            query: String::new(),
            selected: 0,
            entries: entries(),
            matcher: Matcher::new(Config::DEFAULT),
        }
    }
}

impl Palette {
    /// Opens the palette with an empty search (or closes it when open).
    pub fn toggle(&mut self) {
        self.open = !self.open;
        self.query.clear();
        self.selected = 0;
    }

    /// Whether it is on screen.
    #[must_use]
    pub fn is_open(&self) -> bool {
        self.open
    }

    /// Draws the palette when open; returns the action chosen (Enter or a click).
    pub fn ui(&mut self, ui: &Ui) -> Option<Action> {
        if !self.open {
            return None;
        }
        let (up, down, enter) = ui.input_mut(|i| {
            (
                i.consume_key(Modifiers::NONE, Key::ArrowUp),
                i.consume_key(Modifiers::NONE, Key::ArrowDown),
                i.consume_key(Modifiers::NONE, Key::Enter),
            )
        });
        let found: Vec<Entry> = search(&self.entries, &self.query, &mut self.matcher)
            .into_iter()
            .cloned()
            .collect();
        if down {
            self.selected = (self.selected + 1).min(found.len().saturating_sub(1));
        }
        if up {
            self.selected = self.selected.saturating_sub(1);
        }
        self.selected = self.selected.min(found.len().saturating_sub(1));
        let mut chosen = enter
            .then(|| found.get(self.selected).map(|e| e.action))
            .flatten();
        let area = egui::Modal::default_area(egui::Id::unique("command_palette"))
            .anchor(egui::Align2::CENTER_TOP, [0.0, 80.0]);
        let modal = egui::Modal::new(egui::Id::unique("command_palette"))
            .area(area)
            .show(ui.ctx(), |ui| {
                ui.set_width(520.0);
                let edit = ui.add(
                    egui::TextEdit::singleline(&mut self.query)
                        .hint_text("Type a command, e.g. save, refund, theme")
                        .desired_width(f32::INFINITY),
                );
                if edit.changed() {
                    self.selected = 0;
                }
                edit.request_focus();
                ui.add_space(4.0);
                if found.is_empty() {
                    ui.label(RichText::new("No command matches.").weak());
                }
                egui::ScrollArea::vertical()
                    .max_height(360.0)
                    .show(ui, |ui| {
                        for (i, entry) in found.iter().enumerate() {
                            let selected = i == self.selected;
                            let row = ui
                                .horizontal(|ui| {
                                    let label = ui.selectable_label(selected, &entry.name);
                                    ui.with_layout(
                                        egui::Layout::right_to_left(egui::Align::Center),
                                        |ui| {
                                            if let Some(s) = &entry.shortcut {
                                                ui.label(
                                                    RichText::new(ui.ctx().format_shortcut(s))
                                                        .monospace()
                                                        .weak(),
                                                );
                                            }
                                            ui.label(RichText::new(entry.group).small().weak());
                                        },
                                    );
                                    label
                                })
                                .inner;
                            if selected && (up || down) {
                                row.scroll_to_me(None);
                            }
                            if row.clicked() {
                                chosen = Some(entry.action);
                            }
                        }
                    });
                ui.add_space(4.0);
                ui.label(
                    RichText::new("Up and Down choose, Enter runs, Escape closes.")
                        .small()
                        .weak(),
                );
            });
        if chosen.is_some() || modal.should_close() {
            self.open = false;
        }
        chosen
    }
}

/// The shortcut table Settings shows: every action that has one.
pub fn shortcuts_ui(ui: &mut Ui) {
    egui::Grid::new("shortcut_table")
        .num_columns(3)
        .striped(true)
        .show(ui, |ui| {
            ui.label(RichText::new(ui.ctx().format_shortcut(&OPEN)).monospace());
            ui.label("Command palette: every action by name");
            ui.label(RichText::new("Anywhere").weak());
            ui.end_row();
            for entry in entries() {
                if let Some(s) = &entry.shortcut {
                    ui.label(RichText::new(ui.ctx().format_shortcut(s)).monospace());
                    ui.label(&entry.name);
                    ui.label(RichText::new(entry.group).weak());
                    ui.end_row();
                }
            }
        });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_few_letters_find_the_action() {
        let all = entries();
        let mut matcher = Matcher::new(Config::DEFAULT);
        let first = |q: &str, m: &mut Matcher| search(&all, q, m).first().map(|e| e.action);
        assert_eq!(
            first("save as", &mut matcher),
            Some(Action::Catalog(CatalogAction::SaveAs))
        );
        assert_eq!(first("diag", &mut matcher), Some(Action::CopyDiagnostics));
        assert_eq!(
            first("go ordrs", &mut matcher),
            Some(Action::Goto(ViewId::Orders))
        );
        assert_eq!(
            first("refnd", &mut matcher),
            Some(Action::Orders(OrdersAction::BulkRefund))
        );
        assert!(search(&all, "zzzzqqq", &mut matcher).is_empty());
        assert_eq!(search(&all, "", &mut matcher).len(), all.len());
    }

    #[test]
    fn no_two_actions_share_a_shortcut() {
        let all = entries();
        let mut seen: Vec<KeyboardShortcut> = vec![OPEN];
        for e in &all {
            if let Some(s) = e.shortcut {
                assert!(!seen.contains(&s), "{} reuses a shortcut", e.name);
                seen.push(s);
            }
        }
    }
}
