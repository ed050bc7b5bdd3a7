//! The platform board's logic (Connect): one row per connected account with what a platform
//! operator checks every morning (can it sell, did its last feed go in, is its catalog current
//! on Stripe's 15-minute cadence, which agreements wait, which captures are due), what needs
//! attention first, and the board's sorting and filtering. Pure: the worker fetches, the view
//! draws, this decides.

use crate::stripe::account::Account;

/// Stripe takes inventory and price updates as often as every 15 minutes.
pub const FEED_CADENCE_SECS: i64 = 15 * 60;

/// A capture deadline closer than this needs someone today.
pub const CAPTURE_URGENT_SECS: i64 = 24 * 3_600;

/// Where an account's newest import is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ImportState {
    /// Rejected as a whole.
    Failed,
    /// In, but some rows were refused.
    WithErrors,
    /// Still being processed.
    Running,
    /// Every row in.
    Succeeded,
}

impl ImportState {
    /// Words for the board.
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            ImportState::Failed => "failed",
            ImportState::WithErrors => "with errors",
            ImportState::Running => "running",
            ImportState::Succeeded => "succeeded",
        }
    }
}

/// An account's newest import.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LastImport {
    /// `product`, `inventory`, `pricing`, `promotion`.
    pub feed_kind: String,
    /// Where it is.
    pub state: ImportState,
    /// When it was created (unix seconds).
    pub created: i64,
    /// Rows Stripe refused.
    pub failed_rows: u64,
}

/// What the board knows about one account beyond the account object.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Figures {
    /// The newest import of any feed.
    pub last_import: Option<LastImport>,
    /// When the newest import that went in (whole or with some row errors) was created.
    pub last_accepted: Option<i64>,
    /// Agreements both sides confirmed.
    pub agreements_confirmed: u32,
    /// Agreements waiting for the seller's confirmation.
    pub agreements_waiting: u32,
    /// Orders authorized and not yet captured.
    pub awaiting_capture: u32,
    /// The soonest capture deadline among them (unix seconds).
    pub soonest_deadline: Option<i64>,
    /// What could not be read, in words (the rest of the row still shows).
    pub problem: Option<String>,
}

/// How current an account's catalog is against the 15-minute cadence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Freshness {
    /// Nothing ever went in.
    Never,
    /// The last accepted feed is more than a day old.
    Stale,
    /// Older than the cadence, within a day.
    Behind,
    /// Within the last 15 minutes.
    Current,
}

impl Freshness {
    /// Words for the board.
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            Freshness::Never => "never sent",
            Freshness::Stale => "stale",
            Freshness::Behind => "behind",
            Freshness::Current => "current",
        }
    }
}

/// How current a catalog last accepted at `last_accepted` is at `now`.
#[must_use]
pub fn freshness(last_accepted: Option<i64>, now: i64) -> Freshness {
    match last_accepted {
        None => Freshness::Never,
        Some(at) if now - at <= FEED_CADENCE_SECS => Freshness::Current,
        Some(at) if now - at <= 24 * 3_600 => Freshness::Behind,
        Some(_) => Freshness::Stale,
    }
}

/// One row of the board.
#[derive(Debug, Clone, PartialEq)]
pub struct BoardRow {
    /// The connected account.
    pub account: Account,
    /// Its figures, once loaded.
    pub figures: Option<Figures>,
    /// Its label in lower case, the sort key (made once, not per comparison).
    name_key: String,
    /// Name, email and id in lower case, what a search looks in.
    haystack: String,
}

impl BoardRow {
    /// A row for `account`, its figures still to come.
    #[must_use]
    pub fn new(account: Account) -> BoardRow {
        let name_key = account.label().to_lowercase();
        let haystack = [account.name(), account.email.as_deref(), Some(&account.id)]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join("\n")
            .to_lowercase();
        BoardRow {
            account,
            figures: None,
            name_key,
            haystack,
        }
    }

    /// Whether `query_lower` (already in lower case; empty matches) is part of its name,
    /// email or id.
    #[must_use]
    pub fn matches(&self, query_lower: &str) -> bool {
        self.haystack.contains(query_lower)
    }

    /// How current its catalog is (`None` while loading).
    #[must_use]
    pub fn freshness(&self, now: i64) -> Option<Freshness> {
        self.figures
            .as_ref()
            .map(|f| freshness(f.last_accepted, now))
    }

    /// What needs the operator, most pressing first; empty when nothing does (or still
    /// loading).
    #[must_use]
    pub fn attention(&self, now: i64) -> Vec<String> {
        let mut out = Vec::new();
        if !self.account.charges_enabled {
            out.push("charges off".to_owned());
        }
        let Some(f) = &self.figures else {
            return out;
        };
        if let Some(deadline) = f.soonest_deadline
            && deadline - now < CAPTURE_URGENT_SECS
        {
            out.push("capture due within a day".to_owned());
        }
        if let Some(last) = &f.last_import {
            match last.state {
                ImportState::Failed => out.push(format!("{} feed failed", last.feed_kind)),
                ImportState::WithErrors => out.push(format!(
                    "{} row{} refused",
                    last.failed_rows,
                    if last.failed_rows == 1 { "" } else { "s" }
                )),
                ImportState::Running | ImportState::Succeeded => {}
            }
        }
        match freshness(f.last_accepted, now) {
            Freshness::Never => out.push("no feed yet".to_owned()),
            Freshness::Stale => out.push("feed stale".to_owned()),
            Freshness::Behind | Freshness::Current => {}
        }
        if f.agreements_waiting > 0 {
            out.push(format!(
                "{} agreement{} to confirm",
                f.agreements_waiting,
                if f.agreements_waiting == 1 { "" } else { "s" }
            ));
        }
        if let Some(problem) = &f.problem {
            out.push(problem.clone());
        }
        out
    }

    /// How pressing its attention items are, for "needs attention first" (higher first).
    #[must_use]
    pub fn urgency(&self, now: i64) -> u32 {
        let mut score = 0;
        if !self.account.charges_enabled {
            score += 40;
        }
        if let Some(f) = &self.figures {
            if f.soonest_deadline
                .is_some_and(|d| d - now < CAPTURE_URGENT_SECS)
            {
                score += 50;
            }
            score += match f.last_import.as_ref().map(|l| l.state) {
                Some(ImportState::Failed) => 45,
                Some(ImportState::WithErrors) => 30,
                _ => 0,
            };
            score += match freshness(f.last_accepted, now) {
                Freshness::Never => 10,
                Freshness::Stale => 15,
                Freshness::Behind | Freshness::Current => 0,
            };
            score += f.agreements_waiting.min(5) * 2;
            if f.problem.is_some() {
                score += 5;
            }
        }
        score
    }
}

/// The board's columns, each sortable.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Column {
    /// What needs attention (most first).
    Attention,
    /// The account's name.
    Seller,
    /// Charges enabled or not.
    Charges,
    /// The newest import's state and age.
    LastImport,
    /// Catalog freshness.
    Freshness,
    /// Agreements waiting, then confirmed.
    Agreements,
    /// Orders awaiting capture, soonest deadline first.
    Captures,
}

impl Column {
    /// Every column, in the board's order.
    pub const ALL: [Column; 7] = [
        Column::Seller,
        Column::Attention,
        Column::Charges,
        Column::LastImport,
        Column::Freshness,
        Column::Agreements,
        Column::Captures,
    ];

    /// The header's words.
    #[must_use]
    pub fn title(self) -> &'static str {
        match self {
            Column::Attention => "Needs attention",
            Column::Seller => "Seller",
            Column::Charges => "Charges",
            Column::LastImport => "Last import",
            Column::Freshness => "Feed",
            Column::Agreements => "Agreements",
            Column::Captures => "To capture",
        }
    }
}

/// Which rows the board shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Show {
    /// Every account.
    #[default]
    All,
    /// Accounts with anything to look at.
    NeedsAttention,
    /// Accounts whose newest import failed or had row errors.
    FailedImports,
    /// Accounts whose catalog is stale or never sent.
    StaleFeeds,
    /// Accounts with a capture due within a day.
    CapturesDue,
    /// Accounts that cannot take charges.
    ChargesOff,
}

impl Show {
    /// Every filter, in the board's order.
    pub const ALL: [Show; 6] = [
        Show::All,
        Show::NeedsAttention,
        Show::FailedImports,
        Show::StaleFeeds,
        Show::CapturesDue,
        Show::ChargesOff,
    ];

    /// The chip's words.
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            Show::All => "All",
            Show::NeedsAttention => "Needs attention",
            Show::FailedImports => "Failed imports",
            Show::StaleFeeds => "Stale feeds",
            Show::CapturesDue => "Captures due",
            Show::ChargesOff => "Charges off",
        }
    }

    /// Whether `row` passes.
    #[must_use]
    pub fn keeps(self, row: &BoardRow, now: i64) -> bool {
        let f = row.figures.as_ref();
        match self {
            Show::All => true,
            Show::NeedsAttention => row.urgency(now) > 0,
            Show::FailedImports => f
                .and_then(|f| f.last_import.as_ref())
                .is_some_and(|l| matches!(l.state, ImportState::Failed | ImportState::WithErrors)),
            Show::StaleFeeds => row
                .freshness(now)
                .is_some_and(|s| matches!(s, Freshness::Never | Freshness::Stale)),
            Show::CapturesDue => f
                .and_then(|f| f.soonest_deadline)
                .is_some_and(|d| d - now < CAPTURE_URGENT_SECS),
            Show::ChargesOff => !row.account.charges_enabled,
        }
    }
}

/// The indices of `rows` the board shows for `show` and `search` (name, email or id), sorted
/// by `column` (`descending` flips it; ties keep the seller name order).
#[must_use]
pub fn arrange(
    rows: &[BoardRow],
    show: Show,
    search: &str,
    column: Column,
    descending: bool,
    now: i64,
) -> Vec<usize> {
    let query = search.trim().to_lowercase();
    let mut keep: Vec<usize> = (0..rows.len())
        .filter(|&i| show.keeps(&rows[i], now) && rows[i].matches(&query))
        .collect();
    let urgency: Vec<u32> = if column == Column::Attention {
        rows.iter().map(|r| r.urgency(now)).collect()
    } else {
        Vec::new()
    };
    keep.sort_by(|&a, &b| {
        let (ra, rb) = (&rows[a], &rows[b]);
        let order = match column {
            Column::Seller => std::cmp::Ordering::Equal,
            Column::Attention => urgency[b].cmp(&urgency[a]),
            Column::Charges => ra.account.charges_enabled.cmp(&rb.account.charges_enabled),
            Column::LastImport => {
                let key = |r: &BoardRow| {
                    r.figures
                        .as_ref()
                        .and_then(|f| f.last_import.as_ref())
                        .map(|l| (l.state, -l.created))
                };
                key(ra).cmp(&key(rb))
            }
            Column::Freshness => ra.freshness(now).cmp(&rb.freshness(now)),
            Column::Agreements => {
                let key = |r: &BoardRow| {
                    r.figures
                        .as_ref()
                        .map(|f| (f.agreements_waiting, f.agreements_confirmed))
                };
                key(rb).cmp(&key(ra))
            }
            Column::Captures => {
                // Soonest deadline first; accounts with none last.
                let key = |r: &BoardRow| {
                    r.figures
                        .as_ref()
                        .and_then(|f| f.soonest_deadline)
                        .unwrap_or(i64::MAX)
                };
                key(ra).cmp(&key(rb))
            }
        };
        order.then_with(|| ra.name_key.cmp(&rb.name_key))
    });
    if descending {
        keep.reverse();
    }
    keep
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_800_000_000;

    fn row(name: &str, charges: bool, figures: Option<Figures>) -> BoardRow {
        let mut row = BoardRow::new(Account {
            id: format!("acct_1{name}"),
            business_profile: Some(crate::stripe::account::BusinessProfile {
                name: Some(name.to_owned()),
                url: None,
            }),
            charges_enabled: charges,
            ..Account::default()
        });
        row.figures = figures;
        row
    }

    fn imported(state: ImportState, age: i64, failed_rows: u64) -> Figures {
        Figures {
            last_import: Some(LastImport {
                feed_kind: "product".into(),
                state,
                created: NOW - age,
                failed_rows,
            }),
            last_accepted: (state != ImportState::Failed).then_some(NOW - age),
            ..Figures::default()
        }
    }

    #[test]
    fn freshness_follows_the_fifteen_minute_cadence() {
        assert_eq!(freshness(None, NOW), Freshness::Never);
        assert_eq!(freshness(Some(NOW - 14 * 60), NOW), Freshness::Current);
        assert_eq!(freshness(Some(NOW - 16 * 60), NOW), Freshness::Behind);
        assert_eq!(freshness(Some(NOW - 2 * 86_400), NOW), Freshness::Stale);
    }

    #[test]
    fn failed_imports_and_due_captures_come_first_and_filters_pick_them() {
        let rows = vec![
            row("Calm", true, Some(imported(ImportState::Succeeded, 60, 0))),
            row(
                "Broken",
                true,
                Some(imported(ImportState::Failed, 3_600, 0)),
            ),
            row(
                "Due",
                true,
                Some(Figures {
                    awaiting_capture: 2,
                    soonest_deadline: Some(NOW + 3_600),
                    ..imported(ImportState::Succeeded, 60, 0)
                }),
            ),
            row("Loading", true, None),
            row("Off", false, Some(imported(ImportState::WithErrors, 60, 3))),
        ];
        let names = |idx: Vec<usize>| -> Vec<&str> {
            idx.into_iter().map(|i| rows[i].account.label()).collect()
        };
        assert_eq!(
            names(arrange(&rows, Show::All, "", Column::Attention, false, NOW)),
            ["Off", "Broken", "Due", "Calm", "Loading"]
        );
        assert_eq!(
            names(arrange(
                &rows,
                Show::FailedImports,
                "",
                Column::Seller,
                false,
                NOW
            )),
            ["Broken", "Off"]
        );
        assert_eq!(
            names(arrange(
                &rows,
                Show::CapturesDue,
                "",
                Column::Seller,
                false,
                NOW
            )),
            ["Due"]
        );
        assert_eq!(
            names(arrange(
                &rows,
                Show::NeedsAttention,
                "o",
                Column::Seller,
                true,
                NOW
            )),
            ["Off", "Broken"]
        );
        assert_eq!(
            rows[4].attention(NOW),
            ["charges off", "3 rows refused"],
            "the words the board shows"
        );
    }
}
