//! Keeping a catalog current on Stripe's rhythm: the product feed at most once a day,
//! inventory and price feeds (only the rows that changed, from [`crate::feed::delta`]) in
//! between, and never the same feed kind more often than every 15 minutes per account. The
//! planning here is pure (the clock is an argument); [`round`] runs one plan against Stripe
//! for the command line and the app alike, and keeps the state this module reads and writes.

pub mod round;

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::feed::delta::{Delta, Fingerprints};

/// The time in Unix seconds, as sync sees it (the app's worker takes one, so tests move it).
pub type Clock = std::sync::Arc<dyn Fn() -> i64 + Send + Sync>;

/// The system's clock.
#[must_use]
pub fn system_clock() -> Clock {
    std::sync::Arc::new(|| chrono::Utc::now().timestamp())
}

/// The shortest time between two pushes of one feed kind to one account (Stripe: updates "as
/// often as every 15 minutes").
pub const CADENCE_SECS: i64 = 15 * 60;

/// The shortest time between two full product feeds (Stripe recommends one a day).
pub const FULL_EVERY_SECS: i64 = 24 * 60 * 60;

/// What is known of one synced file on one account.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncState {
    /// The catalog file.
    pub file: PathBuf,
    /// When the last full product feed went (Unix seconds).
    #[serde(default)]
    pub last_full: Option<i64>,
    /// When the last inventory feed went.
    #[serde(default)]
    pub last_inventory: Option<i64>,
    /// When the last price feed went.
    #[serde(default)]
    pub last_price: Option<i64>,
    /// The last outcome, as a sentence (shown beside the file).
    #[serde(default)]
    pub last_result: Option<String>,
    /// Whether the app watches the file and pushes its changes (the command line leaves this
    /// as it finds it).
    #[serde(default)]
    pub watching: bool,
}

/// One feed a plan sends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Push {
    /// The whole file as the product feed (upsert).
    Product,
    /// An inventory feed of these rows (file row numbers).
    Inventory(Vec<u64>),
    /// A price feed of these rows.
    Price(Vec<u64>),
}

impl Push {
    /// The feed kind's name, as Stripe has it.
    #[must_use]
    pub fn feed(&self) -> &'static str {
        match self {
            Push::Product => "product",
            Push::Inventory(_) => "inventory",
            Push::Price(_) => "pricing",
        }
    }
}

/// What to do now, and what waits.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Plan {
    /// Feeds to send now, in order.
    pub pushes: Vec<Push>,
    /// What waits, why, and until when (Unix seconds).
    pub waiting: Vec<(String, i64)>,
}

impl Plan {
    /// When the next push can go, if something waits.
    #[must_use]
    pub fn next_at(&self) -> Option<i64> {
        self.waiting.iter().map(|(_, at)| *at).min()
    }
}

/// Makes a partial feed's push from its rows.
type MakePush = fn(Vec<u64>) -> Push;

fn due(last: Option<i64>, every: i64, now: i64) -> Result<(), i64> {
    match last {
        Some(at) if now < at + every => Err(at + every),
        _ => Ok(()),
    }
}

/// What to push at `now`: `delta` is the difference from what was last pushed (`None` when
/// nothing was: the whole file goes), `full` asks for the product feed whatever changed.
#[must_use]
pub fn plan(now: i64, state: &SyncState, delta: Option<&Delta>, full: bool) -> Plan {
    let mut out = Plan::default();
    let Some(delta) = delta else {
        out.pushes.push(Push::Product);
        return out;
    };
    if full {
        out.pushes.push(Push::Product);
        return out;
    }
    if delta.needs_product_feed() {
        match due(state.last_full, FULL_EVERY_SECS, now) {
            // The product feed carries every column, so it covers the stock and price changes.
            Ok(()) => {
                out.pushes.push(Push::Product);
                return out;
            }
            Err(at) => out.waiting.push((
                match delta.added.len() + delta.product.len() {
                    1 => "1 new or changed product waits for the daily product feed".to_owned(),
                    n => format!("{n} new or changed products wait for the daily product feed"),
                },
                at,
            )),
        }
    }
    // Stock and prices each have their own feed and their own cadence.
    let partial: [(&[u64], Option<i64>, &str, MakePush); 2] = [
        (
            &delta.inventory,
            state.last_inventory,
            "stock",
            Push::Inventory,
        ),
        (&delta.price, state.last_price, "price", Push::Price),
    ];
    for (rows, last, what, push) in partial {
        if rows.is_empty() {
            continue;
        }
        match due(last, CADENCE_SECS, now) {
            Ok(()) => out.pushes.push(push(rows.to_vec())),
            Err(at) => out.waiting.push((
                match rows.len() {
                    1 => format!("1 {what} change waits for the 15-minute cadence"),
                    n => format!("{n} {what} changes wait for the 15-minute cadence"),
                },
                at,
            )),
        }
    }
    out
}

/// The state a push of `push` at `now` leaves.
#[must_use]
pub fn after_push(state: &SyncState, push: &Push, now: i64) -> SyncState {
    let mut next = state.clone();
    match push {
        Push::Product => next.last_full = Some(now),
        Push::Inventory(_) => next.last_inventory = Some(now),
        Push::Price(_) => next.last_price = Some(now),
    }
    next
}

/// The part of a row a push sends.
#[must_use]
pub fn part_of(push: &Push) -> crate::feed::delta::Part {
    use crate::feed::delta::Part;
    match push {
        Push::Product => Part::All,
        Push::Inventory(_) => Part::Inventory,
        Push::Price(_) => Part::Price,
    }
}

/// The file's full path with links resolved (as typed when it cannot be resolved): the key a
/// synced file is known by.
#[must_use]
pub fn resolved(file: &Path) -> PathBuf {
    std::fs::canonicalize(file).unwrap_or_else(|_| file.to_path_buf())
}

/// Where a synced file's state and prints are kept: `<data dir>/sync/<account>/<file hash>`.
#[must_use]
pub fn folder_in(data_dir: &Path, account_key: &str, file: &Path) -> PathBuf {
    let hash = xxhash_rust::xxh3::xxh3_64(resolved(file).to_string_lossy().as_bytes());
    account_folder(data_dir, account_key).join(format!("{hash:016x}"))
}

/// The folder holding every synced file of one account.
fn account_folder(data_dir: &Path, account_key: &str) -> PathBuf {
    let account: String = account_key
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' {
                c
            } else {
                '-'
            }
        })
        .collect();
    data_dir.join("sync").join(account)
}

/// A synced file's state and the prints of what was last pushed (none yet: `None`).
///
/// # Errors
/// When the state is there but cannot be read (the prints being damaged is not an error:
/// the next push then sends the whole feed).
pub fn load(folder: &Path) -> Result<(SyncState, Option<Fingerprints>), String> {
    let state = match std::fs::read(folder.join("state.json")) {
        Ok(bytes) => serde_json::from_slice(&bytes)
            .map_err(|e| format!("the sync state in {} cannot be read: {e}", folder.display()))?,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => SyncState::default(),
        Err(e) => {
            return Err(format!(
                "the sync state in {} cannot be read: {e}",
                folder.display()
            ));
        }
    };
    let prints = std::fs::read(folder.join("pushed.prints"))
        .ok()
        .and_then(|b| Fingerprints::from_bytes(&b).ok());
    Ok((state, prints))
}

/// Keeps a synced file's state alone (whether the app watches it), atomically and durably.
///
/// # Errors
/// When the data folder cannot be written.
pub fn save_state(folder: &Path, state: &SyncState) -> std::io::Result<()> {
    let json = serde_json::to_vec_pretty(state).map_err(std::io::Error::other)?;
    crate::durable::write(
        &folder.join("state.json"),
        &json,
        crate::durable::Access::Private,
    )
}

/// The files the app watches on the account `account_key`, read from their sync folders
/// (a folder that cannot be read is left out).
#[must_use]
pub fn watched(data_dir: &Path, account_key: &str) -> Vec<SyncState> {
    let Ok(entries) = std::fs::read_dir(account_folder(data_dir, account_key)) else {
        return Vec::new();
    };
    let mut out: Vec<SyncState> = entries
        .filter_map(Result::ok)
        .filter_map(|e| load(&e.path()).ok())
        .map(|(state, _)| state)
        .filter(|s| s.watching)
        .collect();
    out.sort_by(|a, b| a.file.cmp(&b.file));
    out
}

/// Keeps a synced file's state and prints, each written atomically and durably.
///
/// # Errors
/// When the data folder cannot be written.
pub fn save(folder: &Path, state: &SyncState, prints: &Fingerprints) -> std::io::Result<()> {
    use crate::durable::{Access, write};
    write(
        &folder.join("pushed.prints"),
        &prints.to_bytes(),
        Access::Private,
    )?;
    save_state(folder, state)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn delta(inventory: &[u64], price: &[u64], added: &[u64]) -> Delta {
        Delta {
            rows: 10,
            inventory: inventory.to_vec(),
            price: price.to_vec(),
            product: Vec::new(),
            added: added.to_vec(),
            removed: 0,
        }
    }

    #[test]
    fn the_first_push_is_the_whole_file() {
        let plan = plan(1_000, &SyncState::default(), None, false);
        assert_eq!(plan.pushes, vec![Push::Product]);
    }

    #[test]
    fn edits_within_fifteen_minutes_wait_and_then_go_together() {
        let t0 = 1_000_000;
        let mut state = SyncState {
            last_full: Some(t0),
            ..SyncState::default()
        };
        // A price change five minutes after the last price push waits...
        state.last_price = Some(t0);
        let p = plan(t0 + 300, &state, Some(&delta(&[], &[3], &[])), false);
        assert!(p.pushes.is_empty());
        assert_eq!(p.next_at(), Some(t0 + CADENCE_SECS));
        // ...and at the cadence, the two edits made since go in one price feed.
        let p = plan(
            t0 + CADENCE_SECS,
            &state,
            Some(&delta(&[], &[3, 7], &[])),
            false,
        );
        assert_eq!(p.pushes, vec![Push::Price(vec![3, 7])]);
        // Stock has its own cadence: it goes now.
        let p = plan(t0 + 300, &state, Some(&delta(&[2], &[3], &[])), false);
        assert_eq!(p.pushes, vec![Push::Inventory(vec![2])]);
    }

    #[test]
    fn new_products_wait_for_the_daily_product_feed_unless_asked() {
        let t0 = 1_000_000;
        let state = SyncState {
            last_full: Some(t0),
            ..SyncState::default()
        };
        let d = delta(&[1], &[], &[9]);
        let p = plan(t0 + 3_600, &state, Some(&d), false);
        assert_eq!(p.pushes, vec![Push::Inventory(vec![1])]);
        assert_eq!(p.next_at(), Some(t0 + FULL_EVERY_SECS));
        let p = plan(t0 + FULL_EVERY_SECS, &state, Some(&d), false);
        assert_eq!(
            p.pushes,
            vec![Push::Product],
            "the product feed covers the stock too"
        );
        let p = plan(t0 + 60, &state, Some(&d), true);
        assert_eq!(p.pushes, vec![Push::Product]);
    }

    #[test]
    fn state_and_prints_are_kept_and_read_back() {
        let dir = tempfile::tempdir().unwrap();
        let folder = folder_in(dir.path(), "acct_1", Path::new("/shop/catalog.csv"));
        assert_eq!(load(&folder).unwrap(), (SyncState::default(), None));
        let state = SyncState {
            file: "/shop/catalog.csv".into(),
            last_full: Some(5),
            ..SyncState::default()
        };
        save(&folder, &state, &Fingerprints::default()).unwrap();
        let (read, prints) = load(&folder).unwrap();
        assert_eq!(read, state);
        assert_eq!(prints, Some(Fingerprints::default()));
    }
}
