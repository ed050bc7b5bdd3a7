//! The Activity panel: what happened on the account, newest first, as Stripe's events reported
//! it (the follower in [`crate::worker::live`]). Each entry opens its view; the top bar counts
//! the entries not seen yet.

use egui::{RichText, Ui};

use super::{Intent, ViewCtx};
use crate::ui::theme;
use crate::worker::live::{Entry, Event};

/// How many entries are kept (the oldest go first).
pub const KEEP: usize = 500;

/// The Activity log and what of it is unread.
#[derive(Default)]
pub struct ActivityLog {
    entries: Vec<Entry>,
    /// Entries added since the panel was last open.
    unread: usize,
    /// The panel is shown.
    pub open: bool,
    /// The last time the follower reloaded everything, and why.
    reloaded: Option<String>,
}

impl ActivityLog {
    /// Takes the follower's events.
    pub fn on_event(&mut self, event: Event) {
        match event {
            Event::Entries(entries) => {
                let n = entries.len();
                self.entries.extend(entries);
                if self.entries.len() > KEEP {
                    let extra = self.entries.len() - KEEP;
                    self.entries.drain(..extra);
                }
                if !self.open {
                    self.unread = (self.unread + n).min(KEEP);
                }
            }
            Event::Reloaded(why) => self.reloaded = Some(why),
        }
    }

    /// Every entry kept, oldest first.
    #[must_use]
    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// Entries not seen yet.
    #[must_use]
    pub fn unread(&self) -> usize {
        self.unread
    }

    /// Forgets everything (the account changed).
    pub fn reset(&mut self) {
        let open = self.open;
        *self = ActivityLog::default();
        self.open = open;
    }

    /// The top bar's button: "Activity (3)".
    pub fn button(&mut self, ui: &mut Ui) {
        let text = if self.unread > 0 {
            RichText::new(format!("Activity ({})", self.unread)).strong()
        } else {
            RichText::new("Activity")
        };
        if ui
            .selectable_label(self.open, text)
            .on_hover_text(
                "What happened on the account: orders, payments, refunds, imports, agreements",
            )
            .clicked()
        {
            self.open = !self.open;
        }
        if self.open {
            self.unread = 0;
        }
    }

    /// The panel at the right of the window.
    pub fn panel(&mut self, ui: &mut Ui, ctx: &mut ViewCtx<'_>) {
        if !self.open {
            return;
        }
        egui::Panel::right("activity")
            .default_size(360.0)
            .resizable(true)
            .show(ui, |ui| {
                ui.horizontal(|ui| {
                    ui.heading("Activity");
                    if ui.small_button("Close").clicked() {
                        self.open = false;
                    }
                });
                if let Some(why) = &self.reloaded {
                    ui.colored_label(theme::WARNING, why);
                }
                if self.entries.is_empty() {
                    ui.label(
                        "Nothing yet. New orders, payments, refunds, imports and agreements \
                         appear here as Stripe reports them.",
                    );
                }
                egui::ScrollArea::vertical().show(ui, |ui| {
                    for e in self.entries.iter().rev() {
                        entry_row(ui, ctx, e, true);
                    }
                });
            });
    }
}

/// One entry: its time, its words (a link into its view), flagged when it needs the seller.
pub fn entry_row(ui: &mut Ui, ctx: &mut ViewCtx<'_>, e: &Entry, with_date: bool) {
    ui.horizontal_wrapped(|ui| {
        let when = chrono::DateTime::from_timestamp(e.created, 0).map_or_else(String::new, |t| {
            let local = t.with_timezone(&chrono::Local);
            if with_date {
                local.format("%b %d %H:%M:%S").to_string()
            } else {
                local.format("%H:%M:%S").to_string()
            }
        });
        ui.label(RichText::new(when).monospace().weak());
        if e.needs_you {
            crate::ui::widgets::badge(ui, "to do", theme::WARNING);
        }
        if ui.link(&e.title).on_hover_text(&e.kind).clicked() {
            ctx.intent(Intent::Follow(e.link.clone()));
        }
    });
}
