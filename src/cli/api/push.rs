//! `seller-console push FILE --feed …`: validate, upload, import, and optionally follow the
//! import to the end and save its error report next to the file.

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Serialize;

use super::common::{self, Common, Failure, Outcome};
use crate::feed::validate::{Options, validate_file};
use crate::feed::{FeedKind, Severity};
use crate::push_history::{self, ImportFlavour, PushRecord};
use crate::stripe::Client;
use crate::stripe::Error;
use crate::stripe::catalog_imports::{CatalogImport, FeedType, ImportMode};
use crate::stripe::import_sets::{ImportSet, StandardDataFormat};
use crate::stripe::push::PushVia;

/// Which API carries the upload.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Via {
    /// v2 product catalog imports (all four feeds, upsert or replace).
    CatalogImport,
    /// v1 import sets (private preview; product, inventory and pricing feeds, upsert only).
    ImportSet,
}

/// Upsert or replace.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Mode {
    /// Add and update the rows in the file; leave other products alone.
    Upsert,
    /// Make the catalog exactly this file: products not in it are removed.
    Replace,
}

/// Arguments of `push`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The feed file (CSV or TSV, at most 200 MB).
    pub file: PathBuf,
    /// Which feed the file is: product, inventory, pricing or promotion.
    #[arg(long, value_parser = parse_feed)]
    pub feed: FeedKind,
    /// Upsert (default) or replace the catalog.
    #[arg(long, value_enum, default_value = "upsert")]
    pub mode: Mode,
    /// Which API to use.
    #[arg(long, value_enum, default_value = "catalog-import")]
    pub via: Via,
    /// Follow the import to the end, print counts and save the error report.
    #[arg(long)]
    pub wait: bool,
    /// Upload even when the validator finds errors.
    #[arg(long)]
    pub force: bool,
    /// Skip the confirmation a live replace asks for.
    #[arg(long)]
    pub yes: bool,
    /// Push although an import of the same feed is still processing (Stripe may finish the
    /// two in either order).
    #[arg(long)]
    pub overlap: bool,
    #[command(flatten)]
    pub common: Common,
}

fn parse_feed(s: &str) -> Result<FeedKind, String> {
    s.parse()
}

#[derive(Serialize)]
struct Summary {
    import: String,
    via: &'static str,
    status: String,
    succeeded: Option<i64>,
    failed: Option<i64>,
    failure: Option<String>,
    error_report: Option<PathBuf>,
    validation_errors: usize,
    validation_warnings: usize,
}

/// Where the error report of `file` goes: `catalog.csv` → `catalog.errors.csv`.
#[must_use]
pub fn error_report_path(file: &Path) -> PathBuf {
    let stem = file.file_stem().and_then(|s| s.to_str()).unwrap_or("feed");
    file.with_file_name(format!("{stem}.errors.csv"))
}

/// Adds the push to the history the app's Imports view reads (the only record of an ImportSet:
/// Stripe has no public list of them). A history that cannot be written is said, not fatal.
pub(crate) fn record_push(
    client: &Client,
    pushed: (&str, ImportFlavour),
    feed: FeedKind,
    mode: &str,
    file: &Path,
    rows: u64,
) {
    let (import, _) = pushed;
    let record = PushRecord::now(
        pushed,
        feed.as_str(),
        mode,
        file,
        rows,
        client.config().account_key(),
    );
    let written = crate::payment_journal::data_dir()
        .ok_or_else(|| std::io::Error::other("no data folder on this system"))
        .and_then(|dir| push_history::append(&push_history::path_in(&dir), &record));
    if let Err(e) = written {
        eprintln!(
            "warning: import {import} was created, but it could not be added to the local push \
             history ({e}); the app will not list it. It still shows in Stripe."
        );
    }
}

/// Notes that a followed import was seen finished now, so the app and `imports list` show
/// imports in the order Stripe finished them. A note that cannot be written only warns.
fn note_finish(id: &str, status: &str) {
    let finish = push_history::Finish::seen(
        id,
        status,
        chrono::Utc::now().timestamp(),
        push_history::SeenBy::Poll,
    );
    let written = crate::payment_journal::data_dir()
        .ok_or_else(|| std::io::Error::other("no data folder on this system"))
        .and_then(|dir| push_history::note_finish(&push_history::finishes_path_in(&dir), &finish));
    if let Err(e) = written {
        eprintln!("warning: when import {id} finished could not be noted ({e}).");
    }
}

fn mode_name(mode: Mode) -> &'static str {
    match mode {
        Mode::Upsert => "upsert",
        Mode::Replace => "replace",
    }
}

/// Runs `push`.
pub async fn run(args: Args) -> Outcome {
    let json = args.common.json;
    if args.via == Via::ImportSet && args.mode == Mode::Replace {
        return Err(Failure::usage(
            "ImportSets only upsert; use --via catalog-import for --mode replace.",
        ));
    }
    let format = match args.via {
        Via::ImportSet => Some(
            args.feed
                .standard_data_format()
                .map(StandardDataFormat::from)
                .ok_or_else(|| {
                    Failure::usage(format!(
                        "ImportSets take no {} feed; use --via catalog-import.",
                        args.feed
                    ))
                })?,
        ),
        Via::CatalogImport => None,
    };
    let client = common::client(&args.common)?;

    // 1. Validate first, with the same rules the console and the sandbox use.
    let path = args.file.clone();
    let feed = args.feed;
    let report =
        tokio::task::spawn_blocking(move || validate_file(&path, &Options { feed: Some(feed) }))
            .await
            .map_err(|e| Failure::usage(format!("The validator stopped unexpectedly: {e}")))?
            .map_err(|e| Failure::usage(crate::feed::validate::read_failure(&args.file, &e)))?;
    let errors = report.count(Severity::Error);
    let warnings = report.count(Severity::Warning);
    if !json {
        eprintln!(
            "Validated {} rows of {} against the {} feed spec: {errors} errors, {warnings} warnings.",
            report.rows,
            args.file.display(),
            report.feed
        );
    }
    if errors > 0 && !args.force {
        if !json {
            for d in report
                .diagnostics
                .iter()
                .filter(|d| d.severity == Severity::Error)
                .take(10)
            {
                let at = match (d.row, &d.column) {
                    (Some(r), Some(c)) => format!("row {r}, {c}"),
                    (Some(r), None) => format!("row {r}"),
                    (None, Some(c)) => format!("column {c}"),
                    (None, None) => "file".to_owned(),
                };
                eprintln!("  {at}: {}", d.message);
            }
        }
        return Err(Failure::refused(format!(
            "{} has {errors} validation errors, so it was not uploaded. Fix them (run \
             `seller-console validate {}` for the full list) or pass --force to upload anyway.",
            args.file.display(),
            args.file.display()
        )));
    }
    if args.mode == Mode::Replace {
        common::confirm_live(
            &client,
            "replace the whole live catalog with this file (products not in it are removed)",
            args.yes,
        )?;
    }

    // 2. Upload and start the import.
    let progress = if json {
        None
    } else {
        common::progress_bar("Uploading")
    };
    let mut summary = Summary {
        import: String::new(),
        via: match args.via {
            Via::CatalogImport => "catalog-import",
            Via::ImportSet => "import-set",
        },
        status: String::new(),
        succeeded: None,
        failed: None,
        failure: None,
        error_report: None,
        validation_errors: errors,
        validation_warnings: warnings,
    };
    match format {
        None => {
            let mode = match args.mode {
                Mode::Upsert => ImportMode::Upsert,
                Mode::Replace => ImportMode::Replace,
            };
            let via = PushVia::CatalogImport {
                feed: FeedType::from(args.feed),
                mode,
            };
            if !args.overlap
                && let Some(busy) = client.processing_import(&FeedType::from(args.feed)).await?
            {
                return Err(Failure::refused(format!(
                    "Import {} of the {} feed is still processing, and Stripe may finish a later \
                     upload before an earlier one; nothing was sent. Wait for it \
                     (`seller-console imports show {}`), or pass --overlap to push anyway.",
                    busy.id, args.feed, busy.id
                )));
            }
            let pushed = client.push_feed(&args.file, &via, progress).await?;
            record_push(
                &client,
                (&pushed.import, ImportFlavour::CatalogImport),
                args.feed,
                mode_name(args.mode),
                &args.file,
                report.rows,
            );
            if !json {
                eprintln!("Uploaded; import {} created.", pushed.import);
            }
            let import = if args.wait {
                follow_catalog_import(&client, &pushed.import, json).await?
            } else {
                client.retrieve_catalog_import(&pushed.import).await?
            };
            let (ok, failed) = import.counts();
            summary.import.clone_from(&import.id);
            summary.status = import.status.to_string();
            summary.succeeded = Some(ok);
            summary.failed = Some(failed);
            summary.failure = import.failure().map(|f| {
                f.failure_message
                    .clone()
                    .or_else(|| f.code.clone())
                    .unwrap_or_else(|| "no reason given".into())
            });
            if args.wait && import.error_file().is_some() {
                let dest = error_report_path(&args.file);
                client
                    .download_catalog_import_errors(&import.id, &dest)
                    .await?;
                summary.error_report = Some(dest);
            }
        }
        Some(format) => {
            let pushed = client
                .push_feed(&args.file, &PushVia::ImportSet { format }, progress)
                .await?;
            record_push(
                &client,
                (&pushed.import, ImportFlavour::ImportSet),
                args.feed,
                mode_name(args.mode),
                &args.file,
                report.rows,
            );
            let set = client.retrieve_import_set(&pushed.import).await?;
            let file_id = pushed.file.unwrap_or_default();
            if !json {
                eprintln!("Uploaded as {file_id}; import set {} created.", set.id);
            }
            let set = if args.wait {
                follow_import_set(&client, &set.id, json).await?
            } else {
                set
            };
            let (ok, failed) = set.counts();
            summary.import.clone_from(&set.id);
            summary.status = set.status.to_string();
            summary.succeeded = Some(ok as i64);
            summary.failed = Some(failed as i64);
            summary.failure.clone_from(&set.failed_reason);
            if args.wait
                && let Some(error_file) = set.error_file()
            {
                let dest = error_report_path(&args.file);
                client.download_file(error_file, &dest).await?;
                summary.error_report = Some(dest);
            }
        }
    }

    if json {
        return common::print_json(&summary);
    }
    println!("Import {}: {}", summary.import, summary.status);
    if args.wait {
        println!(
            "  {} rows succeeded, {} failed",
            summary.succeeded.unwrap_or(0),
            summary.failed.unwrap_or(0)
        );
        if let Some(reason) = &summary.failure {
            println!("  failed: {reason}");
        }
        if let Some(path) = &summary.error_report {
            println!("  error report saved to {}", path.display());
        }
    } else {
        println!(
            "  follow it with `seller-console imports show {}`",
            summary.import
        );
    }
    if summary.status == "failed" {
        return Err(Failure {
            message: format!(
                "Import {} failed: {}",
                summary.import,
                summary.failure.as_deref().unwrap_or("no reason given")
            ),
            request_id: None,
            stripe_code: None,
            exit: 1,
        });
    }
    Ok(())
}

fn poll_delay(round: u32) -> Duration {
    Duration::from_millis((500 * u64::from(round + 1)).min(5_000))
}

async fn follow_catalog_import(
    client: &Client,
    id: &str,
    json: bool,
) -> Result<CatalogImport, Error> {
    let mut round = 0;
    loop {
        let import = client.retrieve_catalog_import(id).await?;
        if !json {
            let (ok, failed) = import.counts();
            eprintln!("  {}: {ok} rows in, {failed} failed so far", import.status);
        }
        if import.status.is_terminal() {
            // Only a poll after one that saw it still going tells when it finished.
            if round > 0 {
                note_finish(&import.id, &import.status.to_string());
            }
            return Ok(import);
        }
        tokio::time::sleep(poll_delay(round)).await;
        round += 1;
    }
}

async fn follow_import_set(client: &Client, id: &str, json: bool) -> Result<ImportSet, Error> {
    let mut round = 0;
    loop {
        let set = client.retrieve_import_set(id).await?;
        if !json {
            let (ok, failed) = set.counts();
            eprintln!("  {}: {ok} rows in, {failed} failed so far", set.status);
        }
        if set.status.is_terminal() {
            if round > 0 {
                note_finish(&set.id, &set.status.to_string());
            }
            return Ok(set);
        }
        tokio::time::sleep(poll_delay(round)).await;
        round += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_report_goes_next_to_the_feed() {
        assert_eq!(
            error_report_path(Path::new("/tmp/shop/catalog.csv")),
            PathBuf::from("/tmp/shop/catalog.errors.csv")
        );
        assert_eq!(
            error_report_path(Path::new("feed.tsv")),
            PathBuf::from("feed.errors.csv")
        );
    }
}
