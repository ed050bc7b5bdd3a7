//! One sync round for one catalog file, the same for `seller-console sync` and the app's
//! watcher: validate (errors stop the round), compare with the prints of what was last
//! pushed, plan with [`super::plan`], and send each due feed unless an import of that kind
//! is still processing. The state is kept after every push, so a failure later in the round
//! loses nothing already sent, and every push goes into the one push history.
//!
//! A round holds a lock on the file's sync folder: the app and a cron job never push the same
//! file at once (the second one skips its round and says why).

use std::fs::OpenOptions;
use std::path::{Path, PathBuf};

use serde::Serialize;

use super::{Push, SyncState};
use crate::feed::delta::{self, Delta, Fingerprints};
use crate::feed::validate::{Options, validate_file};
use crate::feed::{FeedKind, Severity};
use crate::push_history::{self, ImportFlavour, PushRecord};
use crate::stripe::Client;
use crate::stripe::catalog_imports::{FeedType, ImportMode};
use crate::stripe::push::PushVia;

/// What a round is asked to do.
#[derive(Debug, Clone, Copy)]
pub struct RoundOptions {
    /// The time the plan is made for (Unix seconds).
    pub now: i64,
    /// Send the whole product feed whatever changed.
    pub full: bool,
    /// Plan and report, send nothing.
    pub dry_run: bool,
}

/// One feed a round sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PushedFeed {
    /// `product`, `inventory` or `pricing`.
    pub feed: &'static str,
    /// Data rows in the feed.
    pub rows: u64,
    /// The v2 catalog import it made.
    pub import: String,
}

/// One feed a dry run would send.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PlannedFeed {
    /// `product`, `inventory` or `pricing`.
    pub feed: &'static str,
    /// Data rows it would carry.
    pub rows: u64,
}

/// What one round found and did. A round never fails as a whole: what went wrong is `error`.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Round {
    /// The catalog file.
    pub file: PathBuf,
    /// Data rows in it.
    pub rows: u64,
    /// Changed rows by kind since the last push (absent when never pushed from here).
    pub changed_inventory: Option<usize>,
    /// Rows whose price, sale price or sale window changed.
    pub changed_price: Option<usize>,
    /// Rows whose other fields changed.
    pub changed_product: Option<usize>,
    /// New ids.
    pub added: Option<usize>,
    /// Ids that are gone.
    pub removed: Option<usize>,
    /// Feeds sent, in order.
    pub pushed: Vec<PushedFeed>,
    /// Feeds a dry run would send now.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub would_push: Vec<PlannedFeed>,
    /// What waits, and why.
    pub waiting: Vec<String>,
    /// When the next push can go, for people (the caller words `next_at`).
    pub next_push_at: Option<String>,
    /// The same, as Unix seconds.
    #[serde(skip)]
    pub next_at: Option<i64>,
    /// The difference found (absent when never pushed from here), for the app's preview.
    #[serde(skip)]
    pub delta: Option<Delta>,
    /// Why the round stopped.
    pub error: Option<String>,
    /// Something that went wrong after a push succeeded (the history could not be written).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub warning: Option<String>,
    /// The file's sync state after the round.
    #[serde(skip)]
    pub state: SyncState,
}

/// Runs one round for `file` on `client`'s account, keeping state under `data_dir`.
pub async fn run(client: &Client, data_dir: &Path, file: &Path, options: RoundOptions) -> Round {
    let mut out = Round {
        file: file.to_path_buf(),
        ..Round::default()
    };
    if let Err(e) = run_inner(client, data_dir, file, options, &mut out).await {
        out.error = Some(e);
    }
    out
}

async fn run_inner(
    client: &Client,
    data_dir: &Path,
    file: &Path,
    options: RoundOptions,
    out: &mut Round,
) -> Result<(), String> {
    let folder = super::folder_in(data_dir, &client.config().account_key(), file);
    let (mut state, remembered) = super::load(&folder)?;
    state.file = super::resolved(file);
    out.state = state.clone();
    let Some(_lock) = lock(&folder)? else {
        out.waiting.push(
            "another seller-console is syncing this file right now; this round skipped it"
                .to_owned(),
        );
        return Ok(());
    };

    // 0. One copy of the file is read, checked and sent: a save while the round runs (a
    // spreadsheet writing in place) can never send rows the validator did not see. The next
    // round picks that save up.
    let read = Snapshot::of(&folder, file)?;
    let file_shown = file;
    let file = read.0.as_path();

    // 1. The file must be a clean product feed: errors stop its sync.
    let path = file.to_path_buf();
    let report = tokio::task::spawn_blocking(move || {
        validate_file(
            &path,
            &Options {
                feed: Some(FeedKind::Product),
            },
        )
    })
    .await
    .map_err(|e| format!("the validator stopped unexpectedly: {e}"))?
    .map_err(|e| crate::feed::validate::read_failure(file_shown, &e))?;
    out.rows = report.rows;
    let errors = report.count(Severity::Error);
    if errors > 0 {
        return Err(format!(
            "{errors} validation errors, so nothing was pushed; sync goes on once they are \
             fixed (`seller-console validate {}` lists them).",
            file_shown.display()
        ));
    }

    // 2. What changed since the last push from here.
    let old = remembered.clone().unwrap_or_default();
    let path = file.to_path_buf();
    let (delta, now_prints) = tokio::task::spawn_blocking(move || delta::diff(&old, &path))
        .await
        .map_err(|e| format!("the comparison stopped unexpectedly: {e}"))??;
    if remembered.is_some() {
        out.changed_inventory = Some(delta.inventory.len());
        out.changed_price = Some(delta.price.len());
        out.changed_product = Some(delta.product.len());
        out.added = Some(delta.added.len());
        out.removed = Some(delta.removed);
        out.delta = Some(delta.clone());
    }
    let plan = super::plan(
        options.now,
        &state,
        remembered.as_ref().map(|_| &delta),
        options.full,
    );
    out.waiting
        .extend(plan.waiting.iter().map(|(why, _)| why.clone()));
    out.next_at = plan.next_at();
    if options.dry_run {
        out.would_push = plan
            .pushes
            .iter()
            .map(|p| PlannedFeed {
                feed: p.feed(),
                rows: rows_of(p, &delta),
            })
            .collect();
        return Ok(());
    }

    // 3. Each push, in turn.
    let mut prints: Fingerprints = remembered.unwrap_or_default();
    for push in &plan.pushes {
        let feed = kind_of(push);
        if let Some(busy) = client
            .processing_import(&FeedType::from(feed))
            .await
            .map_err(|e| e.user_message())?
        {
            out.waiting.push(format!(
                "the {feed} feed waits for import {} to finish (Stripe may finish a later upload \
                 first)",
                busy.id
            ));
            continue;
        }
        let (upload, rows) = outgoing_file(&folder, file, push, &delta)?;
        let via = PushVia::CatalogImport {
            feed: FeedType::from(feed),
            mode: ImportMode::Upsert,
        };
        let pushed = client
            .push_feed(&upload, &via, None)
            .await
            .map_err(|e| format!("the {feed} feed did not go: {}", e.user_message()))?;
        let mut record = PushRecord::now(
            (&pushed.import, ImportFlavour::CatalogImport),
            feed.as_str(),
            "upsert",
            &upload,
            rows,
            client.config().account_key(),
        );
        if !matches!(push, Push::Product) {
            record.synced_from = Some(state.file.clone());
        }
        if let Err(e) = push_history::append(&push_history::path_in(data_dir), &record) {
            out.warning = Some(format!(
                "import {} was created, but it could not be added to the local push history \
                 ({e}); it still shows in Stripe",
                pushed.import
            ));
        }
        out.pushed.push(PushedFeed {
            feed: push.feed(),
            rows,
            import: pushed.import.clone(),
        });
        prints = prints.after_push(&now_prints, super::part_of(push));
        state = super::after_push(&state, push, options.now);
        // Every feed this round sent, not only the last one.
        let sent: Vec<String> = out
            .pushed
            .iter()
            .map(|p| {
                let rows = if p.rows == 1 { "row" } else { "rows" };
                format!("the {} feed ({} {rows})", p.feed, p.rows)
            })
            .collect();
        state.last_result = Some(format!("pushed {}", sent.join(" and ")));
        out.state = state.clone();
        super::save(&folder, &state, &prints)
            .map_err(|e| format!("pushed, but the sync state could not be kept: {e}"))?;
    }
    Ok(())
}

/// The feed kind a push sends.
fn kind_of(push: &Push) -> FeedKind {
    match push {
        Push::Product => FeedKind::Product,
        Push::Inventory(_) => FeedKind::Inventory,
        Push::Price(_) => FeedKind::Pricing,
    }
}

/// Data rows a push carries.
fn rows_of(push: &Push, delta: &Delta) -> u64 {
    match push {
        Push::Product => delta.rows,
        Push::Inventory(rows) | Push::Price(rows) => rows.len() as u64,
    }
}

/// Takes the sync folder's lock, or `None` when another process holds it.
fn lock(folder: &Path) -> Result<Option<std::fs::File>, String> {
    let cannot =
        |e: std::io::Error| format!("the sync folder {} cannot be used: {e}", folder.display());
    std::fs::create_dir_all(folder).map_err(cannot)?;
    let file = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(folder.join("lock"))
        .map_err(cannot)?;
    match fs4::FileExt::try_lock(&file) {
        Ok(()) => Ok(Some(file)),
        Err(fs4::TryLockError::WouldBlock) => Ok(None),
        Err(fs4::TryLockError::Error(e)) => Err(cannot(e)),
    }
}

/// The copy of the catalog one round reads, checks and sends (`reading/<its name>` in the sync
/// folder, the name Stripe is shown); removed when the round ends, so a large catalog is not
/// kept twice on disk.
struct Snapshot(PathBuf);

impl Snapshot {
    fn of(folder: &Path, file: &Path) -> Result<Snapshot, String> {
        let dir = folder.join("reading");
        let name = file
            .file_name()
            .map_or_else(|| "catalog.csv".into(), std::ffi::OsStr::to_os_string);
        let copy = dir.join(name);
        std::fs::create_dir_all(&dir)
            .and_then(|()| std::fs::copy(file, &copy))
            .map_err(|e| format!("{} could not be read: {e}", file.display()))?;
        Ok(Snapshot(copy))
    }
}

impl Drop for Snapshot {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// The file a push uploads: the catalog itself for the product feed, else an inventory or
/// price feed of the changed rows written beside the sync state. Returns it and its rows.
fn outgoing_file(
    folder: &Path,
    file: &Path,
    push: &Push,
    delta: &Delta,
) -> Result<(PathBuf, u64), String> {
    let (rows, columns, name): (&[u64], &[&str], &str) = match push {
        Push::Product => return Ok((file.to_path_buf(), delta.rows)),
        Push::Inventory(rows) => (rows, &delta::INVENTORY_COLUMNS, "inventory.csv"),
        Push::Price(rows) => (rows, &delta::PRICE_COLUMNS, "pricing.csv"),
    };
    let dest = folder.join(name);
    let mut written = 0;
    crate::durable::write_with(&dest, crate::durable::Access::Private, |w| {
        written = delta::write_rows(file, rows, columns, w).map_err(std::io::Error::other)?;
        Ok(())
    })
    .map_err(|e| format!("the {} could not be written: {e}", dest.display()))?;
    Ok((dest, written))
}
