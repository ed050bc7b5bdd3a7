//! `seller-console sync FILE… [--once] [--full]`: keeps catalogs current on Stripe's rhythm
//! for cron, a systemd timer or a terminal left open. Each file is validated (errors pause it),
//! compared with what was last pushed, and the plan of [`crate::sync`] is run: the product feed
//! at most daily, inventory and price feeds of only the changed rows in between, each feed kind
//! at most every 15 minutes, nothing while an import of that kind is still processing. Every
//! push goes into the history the app's Imports view reads.

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Serialize;

use super::common::{self, Common, Failure, Outcome};
use super::push::record_push;
use crate::feed::delta::{self, Delta, Fingerprints};
use crate::feed::validate::{Options, validate_file};
use crate::feed::{FeedKind, Severity};
use crate::push_history::ImportFlavour;
use crate::stripe::Client;
use crate::stripe::catalog_imports::{FeedType, ImportMode};
use crate::stripe::push::PushVia;
use crate::sync::{self, Push};

/// Arguments of `sync`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The catalog files (Stripe product feeds) to keep current.
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// One round, then exit (for cron or a systemd timer): non-zero when a push failed or a
    /// file has errors.
    #[arg(long)]
    pub once: bool,
    /// Send the whole product feed now, whatever changed.
    #[arg(long)]
    pub full: bool,
    /// Show what would go, send nothing.
    #[arg(long)]
    pub dry_run: bool,
    #[command(flatten)]
    pub common: Common,
}

/// One file's round, as printed.
#[derive(Debug, Default, Serialize)]
struct FileRound {
    file: PathBuf,
    rows: u64,
    /// Changed rows by kind (absent on a first push).
    changed_inventory: Option<usize>,
    changed_price: Option<usize>,
    changed_product: Option<usize>,
    added: Option<usize>,
    removed: Option<usize>,
    pushed: Vec<PushedFeed>,
    waiting: Vec<String>,
    next_push_at: Option<String>,
    /// The same, as Unix seconds (when the loop looks again).
    #[serde(skip)]
    next_at: Option<i64>,
    error: Option<String>,
}

#[derive(Debug, Serialize)]
struct PushedFeed {
    feed: &'static str,
    rows: u64,
    import: String,
}

/// Runs `sync`.
pub async fn run(args: Args) -> Outcome {
    let client = common::client(&args.common)?;
    let data_dir = crate::payment_journal::data_dir().ok_or_else(|| {
        Failure::usage(
            "There is no data folder to keep the sync state in; set SELLER_CONSOLE_DATA_DIR.",
        )
    })?;
    loop {
        let mut rounds = Vec::new();
        for file in &args.files {
            rounds.push(round(&client, &data_dir, file, &args).await);
        }
        let failed = rounds.iter().filter(|r| r.error.is_some()).count();
        if args.common.json {
            common::print_json(&rounds)?;
        } else {
            for r in &rounds {
                print_round(r);
            }
        }
        if args.once {
            return if failed == 0 {
                Ok(())
            } else {
                Err(Failure::reported())
            };
        }
        // Left running: look again at the next due time, and at least every minute (the
        // file may change; the checks are cheap next to a push).
        let now = chrono::Utc::now().timestamp();
        let next = rounds
            .iter()
            .filter_map(|r| r.next_at)
            .min()
            .unwrap_or(now + 60);
        let pause = u64::try_from((next - now).clamp(5, 60)).unwrap_or(60);
        tokio::time::sleep(Duration::from_secs(pause)).await;
    }
}

fn print_round(r: &FileRound) {
    let name = r.file.display();
    if let Some(e) = &r.error {
        eprintln!("{name}: {e}");
        return;
    }
    match (r.changed_inventory, r.changed_price) {
        (Some(inv), Some(price)) => eprintln!(
            "{name}: {} rows; since the last push {inv} stock, {price} price, {} other changes, \
             {} new, {} gone.",
            r.rows,
            r.changed_product.unwrap_or(0),
            r.added.unwrap_or(0),
            r.removed.unwrap_or(0)
        ),
        _ => eprintln!("{name}: {} rows; never pushed from here.", r.rows),
    }
    for p in &r.pushed {
        eprintln!(
            "  pushed a {} feed of {} rows: import {}",
            p.feed, p.rows, p.import
        );
    }
    for w in &r.waiting {
        eprintln!("  waiting: {w}");
    }
    if r.pushed.is_empty() && r.waiting.is_empty() {
        eprintln!("  up to date.");
    }
}

/// One round for one file. Never fails as a whole: what went wrong is in `error`.
async fn round(client: &Client, data_dir: &Path, file: &Path, args: &Args) -> FileRound {
    let mut out = FileRound {
        file: file.to_path_buf(),
        ..FileRound::default()
    };
    if let Err(e) = round_inner(client, data_dir, file, args, &mut out).await {
        out.error = Some(e);
    }
    out
}

async fn round_inner(
    client: &Client,
    data_dir: &Path,
    file: &Path,
    args: &Args,
    out: &mut FileRound,
) -> Result<(), String> {
    // 1. The file must be a clean product feed: errors pause its sync.
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
    .map_err(|e| crate::feed::validate::read_failure(file, &e))?;
    out.rows = report.rows;
    let errors = report.count(Severity::Error);
    if errors > 0 {
        return Err(format!(
            "{errors} validation errors, so nothing was pushed and its sync waits until they \
             are fixed (`seller-console validate {}`).",
            file.display()
        ));
    }
    // 2. What changed since the last push from here.
    let folder = sync::folder_in(data_dir, &client.config().account_key(), file);
    let (mut state, remembered) = sync::load(&folder)?;
    state.file = std::fs::canonicalize(file).unwrap_or_else(|_| file.to_path_buf());
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
    }
    let now = chrono::Utc::now().timestamp();
    let plan = sync::plan(now, &state, remembered.as_ref().map(|_| &delta), args.full);
    out.waiting = plan.waiting.iter().map(|(why, _)| why.clone()).collect();
    out.next_at = plan.next_at();
    out.next_push_at = out.next_at.map(common::date);
    if args.dry_run {
        out.waiting.extend(
            plan.pushes
                .iter()
                .map(|p| format!("(dry run) a {} feed would go now", p.feed())),
        );
        return Ok(());
    }
    // 3. Each push, in turn; the state is kept after each one, so a failure later loses
    // nothing already sent.
    let mut prints: Fingerprints = remembered.unwrap_or_default();
    for push in &plan.pushes {
        let feed = match push {
            Push::Product => FeedKind::Product,
            Push::Inventory(_) => FeedKind::Inventory,
            Push::Price(_) => FeedKind::Pricing,
        };
        if let Some(busy) = client
            .processing_import(&FeedType::from(feed))
            .await
            .map_err(|e| e.user_message())?
        {
            out.waiting.push(format!(
                "a {feed} feed waits for import {} to finish (Stripe may finish a later upload \
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
        record_push(
            client,
            (&pushed.import, ImportFlavour::CatalogImport),
            feed,
            "upsert",
            &upload,
            rows,
        );
        out.pushed.push(PushedFeed {
            feed: push.feed(),
            rows,
            import: pushed.import.clone(),
        });
        prints = prints.after_push(&now_prints, sync::part_of(push));
        state = sync::after_push(&state, push, now);
        state.last_result = Some(format!(
            "{} feed of {rows} rows pushed: import {}",
            push.feed(),
            pushed.import
        ));
        sync::save(&folder, &state, &prints)
            .map_err(|e| format!("pushed, but the sync state could not be kept: {e}"))?;
    }
    Ok(())
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
