//! `seller-console imports list|show ID|errors ID`.

use std::io::Write;
use std::path::PathBuf;

use super::common::{self, Failure, Outcome};
use crate::stripe::catalog_imports::{CatalogImport, CatalogImportFilter, FeedType, ImportMode};

/// `imports` subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// List recent catalog imports in the order Stripe finished them (still running first).
    List {
        /// How many to show.
        #[arg(long, default_value_t = 20)]
        limit: usize,
        /// Only this feed (product, inventory, pricing, promotion).
        #[arg(long)]
        feed: Option<String>,
    },
    /// Show one import (pcimprt_… or impset_…): status, counts, sample errors.
    Show {
        /// The import id.
        id: String,
    },
    /// Download an import's error report (CSV; first column `stripe_error_message`).
    Errors {
        /// The import id.
        id: String,
        /// Write it to this file instead of stdout.
        #[arg(long, short)]
        out: Option<PathBuf>,
    },
}

/// `imports` with the options every API command takes.
pub type Args = common::WithCommon<Command>;

/// Largest error report printed to stdout.
const MAX_PRINTED_REPORT: u64 = 64 * 1024 * 1024;

fn print_catalog_import(i: &CatalogImport) {
    let (ok, failed) = i.counts();
    println!(
        "Import {} ({} feed, {})",
        i.id,
        i.feed_type,
        i.mode.as_ref().map_or("?", ImportMode::as_str)
    );
    if let Some(created) = i.created {
        println!("  created   {}", created.format("%Y-%m-%d %H:%M UTC"));
    }
    println!("  status    {}", i.status);
    println!("  rows      {ok} succeeded, {failed} failed");
    if let Some(f) = i.failure() {
        println!(
            "  failure   {} ({})",
            f.failure_message.as_deref().unwrap_or("no message"),
            f.code.as_deref().unwrap_or("no code")
        );
    }
    if let Some(details) = i
        .status_details
        .as_ref()
        .and_then(|d| d.succeeded_with_errors.as_ref())
    {
        for s in details.samples.iter().take(10) {
            println!(
                "  row {:>6}  {:<20} {}",
                s.row.map_or_else(|| "?".to_owned(), |r| r.to_string()),
                s.field.as_deref().unwrap_or(""),
                s.error_message.as_deref().unwrap_or("")
            );
        }
        if i.error_file().is_some() {
            println!(
                "  full report: seller-console imports errors {} --out errors.csv",
                i.id
            );
        }
    }
}

/// One line of `imports list`: a v2 import or an ImportSet from the push history.
struct ListRow {
    id: String,
    feed: String,
    /// Status and counts, already padded.
    status: String,
    terminal: bool,
    pushed: Option<chrono::DateTime<chrono::Utc>>,
    finished: Option<chrono::DateTime<chrono::Utc>>,
    note: String,
}

impl crate::push_history::InFinishOrder for ListRow {
    fn ordered(&self) -> crate::push_history::Ordered<'_> {
        crate::push_history::Ordered {
            id: &self.id,
            feed_kind: &self.feed,
            pushed_at: self.pushed,
            finished_at: self.finished,
            running: !self.terminal,
        }
    }
}

/// Prints the imports in the order Stripe finished them (still running first), the way the
/// app's Imports view lists them, with a warning under an older file that finished after a
/// newer one of the same feed.
fn print_in_finish_order(mut rows: Vec<ListRow>) {
    let overtaken = crate::push_history::sort_by_finish(&mut rows);
    let time = |t: Option<chrono::DateTime<chrono::Utc>>| {
        t.map_or_else(
            || "-".to_owned(),
            |t| t.format("%Y-%m-%d %H:%M").to_string(),
        )
    };
    println!(
        "{:<32} {:<10} {:<45}  {:<16}  {:<16}",
        "IMPORT", "FEED", "STATUS", "PUSHED", "FINISHED"
    );
    for r in &rows {
        println!(
            "{:<32} {:<10} {}  {:<16}  {:<16}  {}",
            r.id,
            r.feed,
            r.status,
            time(r.pushed),
            time(r.finished),
            r.note
        );
        if let Some(newer) = overtaken.get(&r.id) {
            println!(
                "  warning: finished after {newer}, a later {} feed: Stripe applied this older \
                 file last, so where both hold the same rows its older values stand. Push the \
                 newest file again.",
                r.feed
            );
        }
    }
}

/// Runs an `imports` subcommand.
pub async fn run(args: Args) -> Outcome {
    let common::WithCommon { command, common } = args;
    let json = common.json;
    let client = common::client(&common)?;
    match command {
        Command::List { limit, feed, .. } => {
            let feed_type = feed
                .as_deref()
                .map(|f| f.parse::<crate::feed::FeedKind>().map(FeedType::from))
                .transpose()
                .map_err(Failure::usage)?;
            let filter = CatalogImportFilter {
                feed_type,
                limit: Some(limit.clamp(1, 100) as u8),
                ..CatalogImportFilter::default()
            };
            let mut pager = client.list_catalog_imports(&filter);
            let mut imports = Vec::new();
            while imports.len() < limit {
                match pager.next_page().await? {
                    Some(page) => imports.extend(page),
                    None => break,
                }
            }
            imports.truncate(limit);
            if json {
                return common::print_json(&imports);
            }
            // ImportSets have no public list: the pushes made from this machine are their record.
            let account = client.config().account_key();
            let sets: Vec<_> = crate::payment_journal::data_dir()
                .and_then(|dir| crate::push_history::load(&crate::push_history::path_in(&dir)).ok())
                .unwrap_or_default()
                .into_iter()
                .rev()
                .filter(|r| r.flavour == crate::push_history::ImportFlavour::ImportSet)
                .filter(|r| r.account_key == account)
                .filter(|r| feed.as_deref().is_none_or(|f| r.feed_kind == f))
                .take(limit)
                .collect();
            if imports.is_empty() && sets.is_empty() {
                println!(
                    "No catalog imports yet. Start one with `seller-console push FILE --feed product`."
                );
                return Ok(());
            }
            let finishes = crate::payment_journal::data_dir()
                .and_then(|dir| {
                    crate::push_history::load_finishes(&crate::push_history::finishes_path_in(&dir))
                        .ok()
                })
                .unwrap_or_default();
            let mut rows = Vec::new();
            for r in &sets {
                let pushed = chrono::DateTime::parse_from_rfc3339(&r.pushed_at)
                    .ok()
                    .map(|t| t.with_timezone(&chrono::Utc));
                let (status, terminal) = match client.retrieve_import_set(&r.import_id).await {
                    Ok(set) => {
                        let (ok, failed) = set.counts();
                        (
                            format!("{:<22} {ok:>7} ok {failed:>6} failed", set.status),
                            set.status.is_terminal(),
                        )
                    }
                    Err(e) => (format!("(could not be read: {})", e.user_message()), false),
                };
                rows.push(ListRow {
                    id: r.import_id.clone(),
                    feed: r.feed_kind.clone(),
                    status,
                    terminal,
                    pushed,
                    finished: None,
                    note: format!("ImportSet of {}", r.file_name()),
                });
            }
            for i in &imports {
                let (ok, failed) = i.counts();
                rows.push(ListRow {
                    id: i.id.clone(),
                    feed: i.feed_type.to_string(),
                    status: format!("{:<22} {ok:>7} ok {failed:>6} failed", i.status),
                    terminal: i.status.is_terminal(),
                    pushed: i.created,
                    finished: None,
                    note: String::new(),
                });
            }
            for row in &mut rows {
                if row.terminal {
                    row.finished = finishes
                        .get(&row.id)
                        .and_then(crate::push_history::Finish::at);
                }
            }
            print_in_finish_order(rows);
            Ok(())
        }
        Command::Show { id, .. } => {
            if id.starts_with("impset_") {
                let set = client.retrieve_import_set(&id).await?;
                if json {
                    return common::print_json(&set);
                }
                let (ok, failed) = set.counts();
                println!("Import set {}", set.id);
                println!("  status    {}", set.status);
                println!("  rows      {ok} succeeded, {failed} failed");
                if let Some(reason) = &set.failed_reason {
                    println!("  failure   {reason}");
                }
                if let Some(file) = set.error_file() {
                    println!(
                        "  error report {file}: seller-console imports errors {} --out errors.csv",
                        set.id
                    );
                }
            } else {
                let import = client.retrieve_catalog_import(&id).await?;
                if json {
                    return common::print_json(&import);
                }
                print_catalog_import(&import);
            }
            Ok(())
        }
        Command::Errors { id, out, .. } => {
            let error_file = if id.starts_with("impset_") {
                let set = client.retrieve_import_set(&id).await?;
                Some(set.error_file().map(str::to_owned))
            } else {
                None
            };
            let none = || {
                Failure::refused(format!(
                    "Import {id} has no error report: it is still running, succeeded in \
                     full, or failed as a whole (see `seller-console imports show {id}`)."
                ))
            };
            match (error_file, out) {
                (Some(None), _) => Err(none()),
                (Some(Some(file)), Some(out)) => {
                    let n = client.download_file(&file, &out).await?;
                    if json {
                        return common::print_json(&serde_json::json!({"path": out, "bytes": n}));
                    }
                    eprintln!("Saved {n} bytes to {}", out.display());
                    Ok(())
                }
                (Some(Some(file)), None) => {
                    let bytes = client.file_contents(&file, MAX_PRINTED_REPORT).await?;
                    write_stdout(&bytes)
                }
                (None, Some(out)) => {
                    let n = client
                        .download_catalog_import_errors(&id, &out)
                        .await?
                        .ok_or_else(none)?;
                    if json {
                        return common::print_json(&serde_json::json!({"path": out, "bytes": n}));
                    }
                    eprintln!("Saved {n} bytes to {}", out.display());
                    Ok(())
                }
                (None, None) => {
                    let bytes = client
                        .catalog_import_errors(&id, MAX_PRINTED_REPORT)
                        .await?
                        .ok_or_else(none)?;
                    write_stdout(&bytes)
                }
            }
        }
    }
}

fn write_stdout(bytes: &[u8]) -> Outcome {
    let mut out = std::io::stdout().lock();
    out.write_all(bytes)
        .and_then(|()| out.flush())
        .map_err(|e| Failure::usage(format!("Could not write to stdout: {e}")))
}
