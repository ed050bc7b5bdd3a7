//! `seller-console sync FILE… [--once] [--full]`: keeps catalogs current on Stripe's rhythm
//! for cron, a systemd timer or a terminal left open. Each file is validated (errors pause it),
//! compared with what was last pushed, and the plan of [`crate::sync`] is run: the product feed
//! at most daily, inventory and price feeds of only the changed rows in between, each feed kind
//! at most every 15 minutes, nothing while an import of that kind is still processing. Every
//! push goes into the history the app's Imports view reads.

use std::path::PathBuf;
use std::time::Duration;

use super::common::{self, Common, Failure, Outcome};
use crate::sync::round::{self, Round, RoundOptions};

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
            let options = RoundOptions {
                now: chrono::Utc::now().timestamp(),
                full: args.full,
                dry_run: args.dry_run,
            };
            let mut r = round::run(&client, &data_dir, file, options).await;
            r.next_push_at = r.next_at.map(common::date);
            rounds.push(r);
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

fn print_round(r: &Round) {
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
            "  pushed the {} feed of {} rows: import {}",
            p.feed, p.rows, p.import
        );
    }
    for p in &r.would_push {
        eprintln!(
            "  (dry run) the {} feed of {} rows would go now",
            p.feed, p.rows
        );
    }
    for w in &r.waiting {
        eprintln!("  waiting: {w}");
    }
    if let Some(w) = &r.warning {
        eprintln!("  warning: {w}");
    }
    if r.pushed.is_empty() && r.waiting.is_empty() && r.would_push.is_empty() {
        eprintln!("  up to date.");
    }
}
