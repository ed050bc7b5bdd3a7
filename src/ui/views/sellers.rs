//! The Sellers view, for platforms (Connect): a board with one row per connected account
//! (can it sell, its last import, how current its feed is against the 15-minute cadence,
//! agreements, captures due), sorted and filtered by any column, "needs attention" first; a
//! row opens that account in the other views. It also owns the account switcher of the top
//! bar, which lists the same accounts.
//!
//! The board fills as the worker reads: the account list page by page, then each account's
//! figures in batches. The sorted, filtered order is worked out when something changes (or
//! once a minute, as ages move), never per frame, so 5,000 rows draw like 50.

use std::collections::HashMap;

use egui::{RichText, Ui};
use egui_extras::{Column as TableColumn, TableBuilder};

use super::{Intent, ViewCtx, ViewId};
use crate::platform::{self, BoardRow, Column, Freshness, ImportState, Show};
use crate::profiles::RecentAccount;
use crate::stripe::account::Account;
use crate::ui::{theme, widgets};
use crate::worker::Command;
use crate::worker::accounts::{Command as AccountsCommand, Event, recent_of};
use crate::worker::session::Command as SessionCommand;

/// Height of a board row.
pub const ROW_HEIGHT: f32 = 24.0;

/// The sorted, filtered rows and what they were made from.
#[derive(Debug, Default, PartialEq)]
struct Arranged {
    indices: Vec<usize>,
    key: Option<(Show, String, Column, bool, u64, i64)>,
    /// Rows each filter chip keeps, and the `(version, minute)` they were counted at.
    counts: Vec<usize>,
    counted: Option<(u64, i64)>,
}

/// State of the Sellers view and the account switcher.
#[derive(Default)]
pub struct SellersView {
    rows: Vec<BoardRow>,
    by_id: HashMap<String, usize>,
    /// The load in force; answers of older ones are dropped.
    generation: u64,
    /// The first page of the load in force has not come yet (the old rows still show).
    awaiting_first_page: bool,
    listing: bool,
    listed: bool,
    requested: bool,
    figures_requested: bool,
    figures_loading: bool,
    figures_in: usize,
    error: Option<String>,
    show: Show,
    search: String,
    column: Option<Column>,
    descending: bool,
    /// Bumped whenever rows or figures change.
    version: u64,
    arranged: Arranged,
    picker_search: String,
    /// The switcher's accounts by name, and the `version` it was sorted at.
    picker_order: (u64, Vec<usize>),
    push: PushAll,
}

/// A push of a folder of feeds to many sellers, from the board.
#[derive(Default)]
struct PushAll {
    /// Planned, waiting for the operator's go: the source, feeds and accounts.
    planned: Option<(std::path::PathBuf, usize, usize)>,
    running: bool,
    results: Vec<crate::push_all::FeedResult>,
    summary: Option<crate::push_all::Summary>,
    refused: Option<String>,
}

impl SellersView {
    /// Takes the worker's account events.
    pub fn on_event(&mut self, event: Event) {
        match event {
            Event::Accounts {
                generation,
                accounts,
                done,
            } if generation == self.generation => {
                if self.awaiting_first_page {
                    self.rows.clear();
                    self.by_id.clear();
                    self.awaiting_first_page = false;
                }
                for account in accounts {
                    self.by_id.insert(account.id.clone(), self.rows.len());
                    self.rows.push(BoardRow::new(account));
                }
                if done {
                    self.listing = false;
                    self.listed = true;
                }
                self.error = None;
                self.version += 1;
            }
            Event::Figures {
                generation,
                figures,
                done,
            } if generation == self.generation => {
                for (id, f) in figures {
                    if let Some(&i) = self.by_id.get(&id) {
                        self.rows[i].figures = Some(f);
                        self.figures_in += 1;
                    }
                }
                if done {
                    self.figures_loading = false;
                }
                self.version += 1;
            }
            Event::Moved {
                generation,
                figures,
            } if generation == self.generation => {
                for (id, f) in figures {
                    if let Some(&i) = self.by_id.get(&id) {
                        self.rows[i].figures = Some(f);
                    }
                }
                self.version += 1;
            }
            Event::PushPlanned {
                source,
                feeds,
                accounts,
            } => {
                self.push.refused = None;
                self.push.planned = Some((source, feeds, accounts));
            }
            Event::PushRefused { message } => {
                self.push.running = false;
                self.push.refused = Some(message);
            }
            Event::PushResult(result) => self.push.results.push(result),
            Event::PushDone(summary) => {
                self.push.running = false;
                self.push.summary = Some(summary);
                // Their imports changed: read the figures again.
                self.figures_requested = false;
            }
            Event::Failed {
                generation,
                message,
            } if generation == self.generation => {
                self.listing = false;
                self.figures_loading = false;
                self.error = Some(message);
            }
            _ => {}
        }
    }

    /// Forgets the accounts (another platform, or another key).
    pub fn reset(&mut self) {
        let generation = self.generation;
        *self = SellersView {
            generation,
            ..SellersView::default()
        };
    }

    /// The board's rows, in list order.
    #[must_use]
    pub fn rows(&self) -> &[BoardRow] {
        &self.rows
    }

    /// The rows shown, in the board's order.
    #[must_use]
    pub fn visible(&self) -> Vec<&BoardRow> {
        self.arranged
            .indices
            .iter()
            .filter_map(|&i| self.rows.get(i))
            .collect()
    }

    /// True once the whole account list has arrived.
    #[must_use]
    pub fn is_listed(&self) -> bool {
        self.listed
    }

    /// True while figures are still coming in.
    #[must_use]
    pub fn figures_loading(&self) -> bool {
        self.figures_loading
    }

    /// Results of the last push to many sellers, as they came.
    #[must_use]
    pub fn push_results(&self) -> &[crate::push_all::FeedResult] {
        &self.push.results
    }

    /// The last push to many sellers has ended.
    #[must_use]
    pub fn push_done(&self) -> bool {
        self.push.summary.is_some() && !self.push.running
    }

    /// Shows only the rows `show` keeps.
    pub fn set_show(&mut self, show: Show) {
        self.show = show;
    }

    fn load(&mut self, ctx: &ViewCtx<'_>, figures: bool) {
        self.generation += 1;
        self.awaiting_first_page = true;
        self.listing = true;
        self.requested = true;
        if figures {
            self.figures_requested = true;
            self.figures_loading = true;
            self.figures_in = 0;
        }
        ctx.send(Command::Accounts(AccountsCommand::Load {
            generation: self.generation,
            figures,
        }));
    }

    /// Lists the accounts for the switcher, once the connection is ready.
    pub fn ensure_listed(&mut self, ctx: &ViewCtx<'_>) {
        if !self.requested && ctx.session.ready {
            self.load(ctx, false);
        }
    }

    fn arrange(&mut self, now: i64) {
        let column = self.column.unwrap_or(Column::Attention);
        let key = (
            self.show,
            self.search.clone(),
            column,
            self.descending,
            self.version,
            now / 60,
        );
        if self.arranged.counted != Some((self.version, now / 60)) {
            self.arranged.counts = Show::ALL
                .iter()
                .map(|show| self.rows.iter().filter(|r| show.keeps(r, now)).count())
                .collect();
            self.arranged.counted = Some((self.version, now / 60));
        }
        if self.arranged.key.as_ref() == Some(&key) {
            return;
        }
        self.arranged.indices = platform::arrange(
            &self.rows,
            self.show,
            &self.search,
            column,
            self.descending,
            now,
        );
        self.arranged.key = Some(key);
    }

    /// Draws the board.
    pub fn ui(&mut self, ui: &mut Ui, ctx: &mut ViewCtx<'_>) {
        if ctx.session.ready && !self.figures_requested {
            self.load(ctx, true);
        }
        let busy = self.listing || self.figures_loading;
        let platform = ctx.session.account.as_deref().unwrap_or("this platform");
        if widgets::view_header(
            ui,
            "Sellers",
            &format!("Every connected account of {platform}, what needs you first."),
            "Refresh sellers",
            busy,
        ) {
            self.load(ctx, true);
        }
        if let Some(error) = &self.error {
            widgets::callout(ui, theme::ERROR, "The accounts could not be read", error);
        }
        self.push_ui(ui, ctx);
        if self.listed && self.rows.is_empty() {
            widgets::callout(
                ui,
                theme::INFO,
                "No connected accounts",
                "This key's account is not a platform, or it has no connected sellers yet. \
                 Platforms (Stripe Connect) see every seller here, with their feeds, \
                 agreements and captures.",
            );
            return;
        }
        let now = chrono::Utc::now().timestamp();
        self.arrange(now);
        self.filters_ui(ui);
        if self.figures_loading {
            ui.label(format!(
                "Reading each seller's imports, agreements and orders: {} of {}…",
                self.figures_in,
                self.rows.len()
            ));
        }
        self.table_ui(ui, ctx, now);
        if !busy && ctx.session.ready {
            // Ages move; a minute's tick keeps "6 min ago" and freshness honest.
            ui.ctx()
                .request_repaint_after(std::time::Duration::from_secs(30));
        }
    }

    fn filters_ui(&mut self, ui: &mut Ui) {
        ui.horizontal_wrapped(|ui| {
            ui.label("Show");
            for (i, show) in Show::ALL.into_iter().enumerate() {
                let count = self.arranged.counts.get(i).copied().unwrap_or_default();
                if ui
                    .selectable_label(self.show == show, format!("{} ({count})", show.label()))
                    .clicked()
                {
                    self.show = show;
                }
            }
            ui.separator();
            let search = ui.label("Search sellers");
            ui.add(
                egui::TextEdit::singleline(&mut self.search)
                    .hint_text("Search name, email or acct_…")
                    .desired_width(220.0),
            )
            .labelled_by(search.id);
        });
    }

    fn table_ui(&mut self, ui: &mut Ui, ctx: &mut ViewCtx<'_>, now: i64) {
        if self.arranged.indices.is_empty() {
            ui.label(if self.rows.is_empty() {
                "Loading connected accounts…"
            } else {
                "No seller matches."
            });
            return;
        }
        let mut sort_by = None;
        let mut open = None;
        let column = self.column.unwrap_or(Column::Attention);
        TableBuilder::new(ui)
            .id_salt("sellers_board")
            .striped(true)
            .column(TableColumn::initial(190.0).clip(true))
            .column(TableColumn::initial(270.0).clip(true))
            .column(TableColumn::initial(80.0).clip(true))
            .column(TableColumn::initial(230.0).clip(true))
            .column(TableColumn::initial(120.0).clip(true))
            .column(TableColumn::initial(130.0).clip(true))
            .column(TableColumn::initial(140.0).clip(true))
            .column(TableColumn::remainder())
            .header(24.0, |mut h| {
                for c in Column::ALL {
                    h.col(|ui| {
                        ui.horizontal(|ui| {
                            if ui
                                .add(
                                    egui::Button::new(RichText::new(c.title()).strong())
                                        .frame(false),
                                )
                                .on_hover_text("Sort by this column")
                                .clicked()
                            {
                                sort_by = Some(c);
                            }
                            if c == column {
                                // Attention and agreements list the most first.
                                let most_first =
                                    matches!(c, Column::Attention | Column::Agreements);
                                widgets::sort_arrow(ui, self.descending != most_first);
                            }
                        });
                    });
                }
                h.col(|_| {});
            })
            .body(|body| {
                body.rows(ROW_HEIGHT, self.arranged.indices.len(), |mut row| {
                    let Some(r) = self
                        .arranged
                        .indices
                        .get(row.index())
                        .and_then(|&i| self.rows.get(i))
                    else {
                        return;
                    };
                    row.col(|ui| {
                        ui.add(
                            egui::Label::new(RichText::new(r.account.label()).strong()).truncate(),
                        )
                        .on_hover_text(&r.account.id);
                    });
                    row.col(|ui| attention_ui(ui, r, now));
                    row.col(|ui| {
                        if r.account.charges_enabled {
                            ui.label("enabled");
                        } else {
                            ui.colored_label(theme::ERROR, "off").on_hover_text(
                                r.account.charges_blocked_because().unwrap_or_default(),
                            );
                        }
                    });
                    row.col(|ui| last_import_ui(ui, r, now));
                    row.col(|ui| freshness_ui(ui, r, now));
                    row.col(|ui| match &r.figures {
                        Some(f) => {
                            let text = format!("{} confirmed", f.agreements_confirmed);
                            if f.agreements_waiting > 0 {
                                ui.colored_label(
                                    theme::WARNING,
                                    format!("{text}, {} waiting", f.agreements_waiting),
                                );
                            } else {
                                ui.label(text);
                            }
                        }
                        None => {
                            ui.weak("…");
                        }
                    });
                    row.col(|ui| match &r.figures {
                        Some(f) if f.awaiting_capture > 0 => {
                            let due = f
                                .soonest_deadline
                                .map(|d| until(d, now))
                                .unwrap_or_default();
                            let urgent = f
                                .soonest_deadline
                                .is_some_and(|d| d - now < platform::CAPTURE_URGENT_SECS);
                            let text = format!("{} · {due}", f.awaiting_capture);
                            if urgent {
                                ui.colored_label(theme::ERROR, text);
                            } else {
                                ui.label(text);
                            }
                        }
                        Some(_) => {
                            ui.weak("none");
                        }
                        None => {
                            ui.weak("…");
                        }
                    });
                    row.col(|ui| {
                        if ui
                            .small_button("Open")
                            .on_hover_text("Act as this seller in every view")
                            .clicked()
                        {
                            open = Some(r.account.clone());
                        }
                    });
                });
            });
        if let Some(c) = sort_by {
            if self.column.unwrap_or(Column::Attention) == c {
                self.descending = !self.descending;
            } else {
                self.column = Some(c);
                self.descending = false;
            }
        }
        if let Some(account) = open {
            act_as(ctx, Some(&account));
            ctx.intent(Intent::Goto(ViewId::Overview));
        }
    }

    /// Pushing a folder of per-account feeds: the buttons, the go-ahead and the results.
    fn push_ui(&mut self, ui: &mut Ui, ctx: &mut ViewCtx<'_>) {
        ui.horizontal(|ui| {
            let idle = !self.push.running && ctx.session.ready;
            if ui
                .add_enabled(idle, egui::Button::new("Push a folder of feeds…"))
                .on_hover_text(
                    "A folder with one acct_… folder per seller, holding product.csv, \
                     inventory.csv, pricing.csv or promotion.csv",
                )
                .clicked()
            {
                ctx.send(Command::Accounts(AccountsCommand::ChooseFeeds {
                    mapping: false,
                }));
            }
            if ui
                .add_enabled(idle, egui::Button::new("Push from a mapping file…"))
                .on_hover_text("A CSV with the columns account,path,feed")
                .clicked()
            {
                ctx.send(Command::Accounts(AccountsCommand::ChooseFeeds {
                    mapping: true,
                }));
            }
            if self.push.running {
                ui.spinner();
                ui.label(format!("{} feeds done so far…", self.push.results.len()));
            }
        });
        if let Some(message) = &self.push.refused {
            widgets::callout(ui, theme::ERROR, "Nothing was pushed", message);
        }
        if let Some(summary) = &self.push.summary {
            let color = if summary.problems > 0 {
                theme::WARNING
            } else {
                theme::SUCCESS
            };
            let mut body = format!(
                "{} feeds to {} sellers: {} in, {} already in (skipped), {} with a problem.",
                summary.feeds, summary.accounts, summary.ok, summary.skipped, summary.problems
            );
            if summary.problems > 0 {
                body.push_str(
                    " Fix those and push the same folder again: feeds already in are skipped.",
                );
            }
            widgets::callout(ui, color, "Push to many sellers", &body);
        }
        if !self.push.results.is_empty() {
            egui::CollapsingHeader::new(format!(
                "Results of the last push ({})",
                self.push.results.len()
            ))
            .default_open(true)
            .show(ui, |ui| {
                egui::ScrollArea::vertical()
                    .id_salt("push_all_results")
                    .max_height(160.0)
                    .show(ui, |ui| {
                        egui::Grid::new("push_all_grid")
                            .striped(true)
                            .show(ui, |ui| {
                                for r in &self.push.results {
                                    let name = self
                                        .by_id
                                        .get(&r.account)
                                        .map_or(r.account.as_str(), |&i| {
                                            self.rows[i].account.label()
                                        });
                                    ui.label(name);
                                    ui.label(&r.feed);
                                    let color = if r.outcome.is_problem() {
                                        theme::ERROR
                                    } else {
                                        theme::SUCCESS
                                    };
                                    ui.colored_label(color, r.outcome.label());
                                    ui.label(r.message.as_deref().unwrap_or(""));
                                    ui.end_row();
                                }
                            });
                    });
            });
        }
        let Some((source, feeds, accounts)) = self.push.planned.clone() else {
            return;
        };
        let mut close = false;
        egui::Modal::new(egui::Id::unique("push_all_confirm")).show(ui.ctx(), |ui| {
            ui.set_width(460.0);
            ui.heading(format!(
                "Push {} to {}?",
                widgets::plural(feeds, "feed"),
                widgets::plural(accounts, "seller")
            ));
            ui.label(format!(
                "From {}. Each feed is validated first: one with errors is not sent, and the \
                 other sellers still get theirs. A feed whose identical file already went in \
                 for its seller is skipped. Each import is followed to the end.",
                source.display()
            ));
            if ctx.session.mode == crate::profiles::Mode::Live {
                ui.colored_label(
                    theme::LIVE_RED,
                    "Live mode: these catalogs are your sellers' real ones.",
                );
            }
            ui.horizontal(|ui| {
                if ui.button("Push to every seller").clicked() {
                    self.push.running = true;
                    self.push.results.clear();
                    self.push.summary = None;
                    ctx.send(Command::Accounts(AccountsCommand::PushAll {
                        source: source.clone(),
                    }));
                    close = true;
                }
                if ui.button("Cancel").clicked() {
                    close = true;
                }
            });
        });
        if close {
            self.push.planned = None;
        }
    }

    /// The top bar's account switcher: whose data the views show, and the platform's
    /// connected accounts to act as instead (searchable), recent ones first. Shown only to a
    /// platform.
    pub fn picker_ui(&mut self, ui: &mut Ui, ctx: &mut ViewCtx<'_>) {
        self.ensure_listed(ctx);
        let acting = ctx.session.connected_account.clone();
        if self.rows.is_empty() && acting.is_none() {
            return;
        }
        let label = match (&acting, &ctx.session.connected_name) {
            (Some(_), Some(name)) => format!("Seller: {name}"),
            (Some(id), None) => format!("Seller: {id}"),
            (None, _) => format!(
                "Platform: {}",
                ctx.session.account.as_deref().unwrap_or("your account")
            ),
        };
        let mut chosen: Option<Option<RecentAccount>> = None;
        // Clicks inside (the search field) keep it open; a pick closes it.
        let config = egui::containers::menu::MenuConfig::new()
            .close_behavior(egui::PopupCloseBehavior::CloseOnClickOutside);
        let (response, _) = egui::containers::menu::MenuButton::new(label)
            .config(config)
            .ui(ui, |ui| {
                ui.set_min_width(320.0);
                let find = ui.label("Find a seller");
                ui.add(
                    egui::TextEdit::singleline(&mut self.picker_search)
                        .hint_text("Search name, email or acct_…")
                        .desired_width(300.0),
                )
                .labelled_by(find.id);
                if acting.is_some()
                    && ui
                        .button(format!(
                            "Back to the platform ({})",
                            ctx.session.account.as_deref().unwrap_or("your account")
                        ))
                        .clicked()
                {
                    chosen = Some(None);
                }
                let query = self.picker_search.trim().to_lowercase();
                let recent: Vec<&RecentAccount> = ctx
                    .session
                    .recent_accounts
                    .iter()
                    .filter(|r| {
                        query.is_empty()
                            || r.name.to_lowercase().contains(&query)
                            || r.id.to_lowercase().contains(&query)
                    })
                    .collect();
                if !recent.is_empty() {
                    ui.label(RichText::new("Recent").weak());
                    for r in recent {
                        let here = acting.as_deref() == Some(r.id.as_str());
                        if ui
                            .selectable_label(here, &r.name)
                            .on_hover_text(&r.id)
                            .clicked()
                        {
                            chosen = Some(Some(r.clone()));
                        }
                    }
                    ui.separator();
                }
                if self.picker_order.0 != self.version
                    || self.picker_order.1.len() != self.rows.len()
                {
                    let mut order: Vec<usize> = (0..self.rows.len()).collect();
                    order.sort_by_cached_key(|&i| self.rows[i].account.label().to_lowercase());
                    self.picker_order = (self.version, order);
                }
                // The rows' own lower-case search text, made once, not per account per frame.
                let matches: Vec<&Account> = self
                    .picker_order
                    .1
                    .iter()
                    .map(|&i| &self.rows[i])
                    .filter(|r| r.matches(&query))
                    .map(|r| &r.account)
                    .collect();
                ui.label(
                    RichText::new(format!(
                        "{} of the platform's sellers",
                        if query.is_empty() {
                            format!("All {}", matches.len())
                        } else {
                            format!("{} matching", matches.len())
                        }
                    ))
                    .weak(),
                );
                egui::ScrollArea::vertical().max_height(320.0).show_rows(
                    ui,
                    20.0,
                    matches.len(),
                    |ui, range| {
                        for a in &matches[range] {
                            let here = acting.as_deref() == Some(a.id.as_str());
                            if ui
                                .selectable_label(here, a.label())
                                .on_hover_text(&a.id)
                                .clicked()
                            {
                                chosen = Some(Some(recent_of(a)));
                            }
                        }
                    },
                );
                if chosen.is_some() {
                    ui.close();
                }
            });
        response.on_hover_text("Whose data every view shows");
        if let Some(choice) = chosen {
            self.picker_search.clear();
            ctx.send(Command::Session(SessionCommand::ActAs(choice)));
        }
    }
}

/// Asks the worker to act as `account` (`None`: the platform).
fn act_as(ctx: &ViewCtx<'_>, account: Option<&Account>) {
    ctx.send(Command::Session(SessionCommand::ActAs(
        account.map(recent_of),
    )));
}

fn attention_ui(ui: &mut Ui, row: &BoardRow, now: i64) {
    let items = row.attention(now);
    if row.figures.is_none() && items.is_empty() {
        ui.weak("reading…");
    } else if items.is_empty() {
        ui.colored_label(theme::SUCCESS, "all good");
    } else {
        let text = items.join(", ");
        let color = if row.urgency(now) >= 30 {
            theme::ERROR
        } else {
            theme::WARNING
        };
        ui.add(egui::Label::new(RichText::new(&text).color(color)).truncate())
            .on_hover_text(text);
    }
}

fn last_import_ui(ui: &mut Ui, row: &BoardRow, now: i64) {
    let Some(f) = &row.figures else {
        ui.weak("…");
        return;
    };
    let Some(last) = &f.last_import else {
        ui.weak("no import yet");
        return;
    };
    let color = match last.state {
        ImportState::Failed => theme::ERROR,
        ImportState::WithErrors => theme::WARNING,
        ImportState::Running => theme::INFO,
        ImportState::Succeeded => theme::SUCCESS,
    };
    ui.horizontal(|ui| {
        widgets::badge(ui, last.state.label(), color);
        let rows = if last.failed_rows > 0 {
            format!(", {}", widgets::plural(last.failed_rows as usize, "row"))
        } else {
            String::new()
        };
        ui.label(format!(
            "{} · {}{rows}",
            last.feed_kind,
            widgets::ago(last.created, now)
        ));
    });
}

fn freshness_ui(ui: &mut Ui, row: &BoardRow, now: i64) {
    let (Some(freshness), Some(f)) = (row.freshness(now), &row.figures) else {
        ui.weak("…");
        return;
    };
    let color = match freshness {
        Freshness::Current => theme::SUCCESS,
        Freshness::Behind => theme::NEUTRAL,
        Freshness::Stale | Freshness::Never => theme::WARNING,
    };
    let text = match f.last_accepted {
        Some(at) => format!("{} · {}", freshness.label(), widgets::ago(at, now)),
        None => freshness.label().to_owned(),
    };
    ui.colored_label(color, text).on_hover_text(
        "Against Stripe's 15-minute cadence: current within 15 minutes, behind within a day, \
         stale after that.",
    );
}

/// How long until `at`: "in 5 h", "in 2 d", or "overdue".
fn until(at: i64, now: i64) -> String {
    let secs = at - now;
    if secs <= 0 {
        "overdue".to_owned()
    } else if secs < 3_600 {
        format!("due in {} min", secs / 60)
    } else if secs < 86_400 {
        format!("due in {} h", secs / 3_600)
    } else {
        format!("due in {} d", secs / 86_400)
    }
}
