//! The Imports view's background work: lists the account's imports (local pushes from
//! `pushes.jsonl` merged with the v2 catalog imports and the `ImportSets` the API can show),
//! polls a selected import with backoff until it ends, and downloads and parses its error
//! report.
//!
//! Nothing here polls per frame: one task per watched import sleeps between requests, longer
//! each time, and stops at a terminal status or when another import is watched.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::{DateTime, TimeZone as _, Utc};

use crate::push_history::{self, ImportFlavour, PushRecord};
use crate::stripe::catalog_imports::{CatalogImport, CatalogImportFilter, CatalogImportStatus};
use crate::stripe::import_sets::{ImportSet, ImportSetStatus};

use super::EventSink;
use super::session::{Connection, SharedConnection};

/// The largest error report read into memory.
const MAX_REPORT_BYTES: u64 = 20 * 1024 * 1024;
/// Rows of an error report kept for the grid (the groups count every row).
pub const MAX_REPORT_ROWS: usize = 5_000;
/// First and longest waits between polls.
const POLL_FIRST: Duration = Duration::from_millis(400);
const POLL_MAX: Duration = Duration::from_secs(8);
/// `ImportSets` whose file name is looked up when listing.
const MAX_FILE_LOOKUPS: usize = 40;
/// Polls give up after this many tries (the view says so; selecting again restarts).
const POLL_TRIES: u32 = 120;

/// What the Imports view asks the worker to do.
#[derive(Debug)]
pub enum Command {
    /// List the imports of the active account.
    Refresh,
    /// Fetch one import, poll it until it ends, then fetch its error report if it has one.
    Watch(String),
}

/// Where an import is, with the words the view shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Status {
    /// Waiting for its file (v2).
    AwaitingUpload,
    /// Queued, nothing processed yet.
    Pending,
    /// Rows being processed.
    Processing,
    /// Every row went in.
    Succeeded,
    /// Some rows failed.
    SucceededWithErrors,
    /// The whole file failed.
    Failed,
    /// Archived (or being archived).
    Archived,
    /// A status this version does not know.
    Other(String),
}

impl Status {
    /// Words for the badge.
    #[must_use]
    pub fn label(&self) -> &str {
        match self {
            Status::AwaitingUpload => "awaiting upload",
            Status::Pending => "pending",
            Status::Processing => "processing",
            Status::Succeeded => "succeeded",
            Status::SucceededWithErrors => "succeeded with errors",
            Status::Failed => "failed",
            Status::Archived => "archived",
            Status::Other(s) => s,
        }
    }

    /// True once processing is over.
    #[must_use]
    pub fn is_terminal(&self) -> bool {
        matches!(
            self,
            Status::Succeeded | Status::SucceededWithErrors | Status::Failed | Status::Archived
        )
    }
}

/// One import as the view lists it.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportSummary {
    /// `impset_…` or the v2 import id.
    pub id: String,
    /// Which API it belongs to.
    pub flavour: ImportFlavour,
    /// Where it is.
    pub status: Status,
    /// `product`, `inventory`, `pricing`, `promotion` (or the v1 format name).
    pub feed_kind: String,
    /// The pushed file's name, when known.
    pub file_name: Option<String>,
    /// The local file, for pushes made from this machine.
    pub file_path: Option<PathBuf>,
    /// Whether that file still exists (checked when the summary was made).
    pub file_exists: bool,
    /// When it was created.
    pub created: Option<DateTime<Utc>>,
    /// Rows in the file, when known (local pushes).
    pub rows_total: Option<u64>,
    /// Rows that went in so far.
    pub succeeded: u64,
    /// Rows that failed so far.
    pub failed: u64,
    /// Rows skipped (filter or duplicate), v1 only.
    pub skipped: u64,
    /// Why the whole file failed, in Stripe's words.
    pub failure: Option<String>,
    /// Whether an error report can be downloaded.
    pub has_error_report: bool,
    /// The v1 error report's `file_…`.
    pub error_file: Option<String>,
    /// When it finished, as far as this machine saw it (Stripe keeps no finish time).
    pub finished: Option<DateTime<Utc>>,
    /// A later import of the same feed that finished before this one: this older file was
    /// applied last (see [`push_history::overtaken`]).
    pub overtaken_by: Option<String>,
}

impl ImportSummary {
    /// Fraction processed, when the total is known.
    #[must_use]
    pub fn progress(&self) -> Option<f32> {
        let total = self.rows_total.filter(|t| *t > 0)?;
        Some(((self.succeeded + self.failed + self.skipped) as f32 / total as f32).min(1.0))
    }
}

/// A parsed error report: every failed row, with `stripe_error_message` first.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ErrorReport {
    /// Column names, `stripe_error_message` first.
    pub columns: Vec<String>,
    /// Rows (at most [`MAX_REPORT_ROWS`]), cells in column order.
    pub rows: Vec<Vec<String>>,
    /// Distinct messages with how many rows have each, most frequent first.
    pub groups: Vec<(String, usize)>,
    /// Every row's feed `id` and message (for pinning errors in the Catalog view).
    pub row_errors: Vec<(String, String)>,
    /// Rows in the report.
    pub total_rows: usize,
}

/// What the worker tells the Imports view.
#[derive(Debug, Clone)]
pub enum Event {
    /// The import list (newest first).
    List(Vec<ImportSummary>),
    /// The list could not be read.
    ListFailed(String),
    /// Fresh state of one import (sent at every poll).
    Updated(ImportSummary),
    /// The error report of an import.
    Report {
        /// The import.
        id: String,
        /// The parsed report.
        report: ErrorReport,
    },
    /// Something about one import could not be done; the sentence says why.
    Failed {
        /// The import.
        id: String,
        /// What went wrong and what to do.
        message: String,
    },
}

/// The worker side of the Imports view.
pub struct ImportsWorker {
    sink: EventSink,
    connection: SharedConnection,
    data_dir: Option<PathBuf>,
    watch: Option<tokio::task::JoinHandle<()>>,
}

fn send(sink: &EventSink, event: Event) {
    sink.send(super::Event::Imports(event));
}

impl ImportsWorker {
    /// A worker for the active connection; push history lives in `data_dir`.
    #[must_use]
    pub fn new(sink: EventSink, connection: SharedConnection, data_dir: Option<PathBuf>) -> Self {
        ImportsWorker {
            sink,
            connection,
            data_dir,
            watch: None,
        }
    }

    fn connection(&self) -> Option<std::sync::Arc<Connection>> {
        super::session::active(&self.connection)
    }

    /// Handles one command; the work runs in its own task.
    pub fn handle(&mut self, command: Command) {
        let Some(conn) = self.connection() else {
            send(
                &self.sink,
                Event::ListFailed(
                    "Not connected yet. Wait for the sandbox or a profile to be ready, then \
                     refresh."
                        .to_owned(),
                ),
            );
            return;
        };
        match command {
            Command::Refresh => {
                let sink = self.sink.clone();
                let data_dir = self.data_dir.clone();
                tokio::spawn(async move {
                    sink.activity("imports", "Listing imports", None);
                    let result = list(&conn, data_dir.as_deref()).await;
                    sink.done("imports");
                    match result {
                        Ok(list) => send(&sink, Event::List(list)),
                        Err(message) => send(&sink, Event::ListFailed(message)),
                    }
                });
            }
            Command::Watch(id) => {
                if let Some(task) = self.watch.take() {
                    task.abort();
                }
                let sink = self.sink.clone();
                let data_dir = self.data_dir.clone();
                self.watch = Some(tokio::spawn(async move {
                    watch(&sink, &conn, data_dir.as_deref(), &id).await;
                }));
            }
        }
    }

    /// Stops any poll.
    pub fn shutdown(&mut self) {
        if let Some(task) = self.watch.take() {
            task.abort();
        }
    }
}

async fn local_pushes(data_dir: Option<&Path>, account: &str) -> Vec<PushRecord> {
    let Some(path) = data_dir.map(push_history::path_in) else {
        return Vec::new();
    };
    let loaded = tokio::task::spawn_blocking(move || push_history::load(&path)).await;
    match loaded {
        Ok(Ok(records)) => records
            .into_iter()
            .filter(|r| r.account_key == account)
            .collect(),
        _ => Vec::new(),
    }
}

pub(crate) fn from_import_set(set: &ImportSet) -> ImportSummary {
    let (succeeded, failed) = set.counts();
    let skipped = set.result.as_ref().map_or(0, |r| {
        r.skipped_by_filter.as_ref().map_or(0, |s| s.row_count)
            + r.skipped_duplicates.as_ref().map_or(0, |s| s.row_count)
    });
    let processed = set.result.as_ref().map_or(0, |r| r.rows_processed);
    let status = match &set.status {
        ImportSetStatus::Pending if processed > 0 => Status::Processing,
        ImportSetStatus::Pending => Status::Pending,
        ImportSetStatus::Succeeded => Status::Succeeded,
        ImportSetStatus::SucceededWithErrors => Status::SucceededWithErrors,
        ImportSetStatus::Failed => Status::Failed,
        ImportSetStatus::PendingArchive | ImportSetStatus::Archived => Status::Archived,
        ImportSetStatus::Unknown(other) => Status::Other(other.clone()),
    };
    ImportSummary {
        id: set.id.clone(),
        flavour: ImportFlavour::ImportSet,
        status,
        feed_kind: set.standard_data_format.as_ref().map_or_else(
            || "catalog".to_owned(),
            |f| {
                f.as_str()
                    .trim_end_matches("_feed")
                    .trim_end_matches("_catalog")
                    .replace("price", "pricing")
            },
        ),
        file_name: None,
        file_path: None,
        file_exists: false,
        created: set.created.and_then(|t| Utc.timestamp_opt(t, 0).single()),
        rows_total: None,
        succeeded,
        failed,
        skipped,
        failure: set.failed_reason.clone(),
        has_error_report: set.error_file().is_some(),
        error_file: set.error_file().map(str::to_owned),
        finished: None,
        overtaken_by: None,
    }
}

pub(crate) fn from_catalog_import(imp: &CatalogImport) -> ImportSummary {
    let (succeeded, failed) = imp.counts();
    let status = match &imp.status {
        CatalogImportStatus::AwaitingUpload => Status::AwaitingUpload,
        CatalogImportStatus::Processing => Status::Processing,
        CatalogImportStatus::Succeeded => Status::Succeeded,
        CatalogImportStatus::SucceededWithErrors => Status::SucceededWithErrors,
        CatalogImportStatus::Failed => Status::Failed,
        CatalogImportStatus::Unknown(other) => Status::Other(other.clone()),
    };
    ImportSummary {
        id: imp.id.clone(),
        flavour: ImportFlavour::CatalogImport,
        status,
        feed_kind: imp.feed_type.as_str().to_owned(),
        file_name: None,
        file_path: None,
        file_exists: false,
        created: imp.created,
        rows_total: None,
        succeeded: succeeded.max(0) as u64,
        failed: failed.max(0) as u64,
        skipped: 0,
        failure: imp.failure().map(|f| {
            f.failure_message
                .clone()
                .or_else(|| f.code.clone())
                .unwrap_or_else(|| "Stripe gave no reason.".to_owned())
        }),
        has_error_report: imp.error_file().is_some(),
        error_file: None,
        finished: None,
        overtaken_by: None,
    }
}

/// Adds what only the local push record knows.
fn with_record(mut summary: ImportSummary, record: &PushRecord) -> ImportSummary {
    summary.file_name = Some(record.file_name());
    summary.file_path = Some(record.file_path.clone());
    summary.file_exists = record.file_path.is_file();
    summary.rows_total = Some(record.rows);
    summary.feed_kind.clone_from(&record.feed_kind);
    if summary.created.is_none() {
        summary.created = DateTime::parse_from_rfc3339(&record.pushed_at)
            .ok()
            .map(|t| t.with_timezone(&Utc));
    }
    summary
}

/// A local push whose import could not be read: listed with what is known.
fn from_record_only(record: &PushRecord, why: &str) -> ImportSummary {
    let summary = ImportSummary {
        id: record.import_id.clone(),
        flavour: record.flavour,
        status: Status::Other("unknown".to_owned()),
        feed_kind: record.feed_kind.clone(),
        file_name: None,
        file_path: None,
        file_exists: false,
        created: None,
        rows_total: None,
        succeeded: 0,
        failed: 0,
        skipped: 0,
        failure: Some(why.to_owned()),
        has_error_report: false,
        error_file: None,
        finished: None,
        overtaken_by: None,
    };
    with_record(summary, record)
}

async fn fetch(
    conn: &Connection,
    id: &str,
    flavour: ImportFlavour,
) -> Result<ImportSummary, String> {
    let result = match flavour {
        ImportFlavour::ImportSet => conn
            .client
            .retrieve_import_set(id)
            .await
            .map(|s| from_import_set(&s)),
        ImportFlavour::CatalogImport => conn
            .client
            .retrieve_catalog_import(id)
            .await
            .map(|i| from_catalog_import(&i)),
    };
    result.map_err(|e| e.user_message())
}

/// The finishes this machine has seen (empty without a data folder or when unreadable).
async fn known_finishes(data_dir: Option<&Path>) -> HashMap<String, push_history::Finish> {
    let Some(path) = data_dir.map(push_history::finishes_path_in) else {
        return HashMap::new();
    };
    tokio::task::spawn_blocking(move || push_history::load_finishes(&path))
        .await
        .ok()
        .and_then(Result::ok)
        .unwrap_or_default()
}

/// Notes that `summary` is seen finished now (unless an earlier finish is known) and gives
/// back the earliest finish time known for it.
async fn note_finished(data_dir: Option<&Path>, summary: &ImportSummary) -> Option<DateTime<Utc>> {
    let path = push_history::finishes_path_in(data_dir?);
    let finish = push_history::Finish::seen(
        &summary.id,
        summary.status.label(),
        Utc::now().timestamp(),
        push_history::SeenBy::Poll,
    );
    let id = summary.id.clone();
    tokio::task::spawn_blocking(move || match push_history::note_finish(&path, &finish) {
        Ok(kept) => kept.at(),
        Err(e) => {
            tracing::warn!("could not note that {id} finished: {e}");
            finish.at()
        }
    })
    .await
    .ok()
    .flatten()
}

impl push_history::InFinishOrder for ImportSummary {
    fn ordered(&self) -> push_history::Ordered<'_> {
        push_history::Ordered {
            id: &self.id,
            feed_kind: &self.feed_kind,
            pushed_at: self.created,
            finished_at: self.finished,
            running: !self.status.is_terminal(),
        }
    }
}

/// Puts a list in the order Stripe finished the imports ([`push_history::sort_by_finish`])
/// and marks each older import that finished after a newer one of the same feed.
pub fn in_finish_order(list: &mut [ImportSummary]) {
    let overtaken = push_history::sort_by_finish(list);
    for s in list.iter_mut() {
        s.overtaken_by = overtaken.get(&s.id).cloned();
    }
}

fn flavour_of(id: &str) -> ImportFlavour {
    if id.starts_with("impset_") {
        ImportFlavour::ImportSet
    } else {
        ImportFlavour::CatalogImport
    }
}

async fn list(conn: &Connection, data_dir: Option<&Path>) -> Result<Vec<ImportSummary>, String> {
    let records = local_pushes(data_dir, &conn.account_key()).await;
    let finishes = known_finishes(data_dir).await;
    let mut by_id: HashMap<String, ImportSummary> = HashMap::new();
    let filter = CatalogImportFilter {
        limit: Some(50),
        ..CatalogImportFilter::default()
    };
    let mut pager = conn.client.list_catalog_imports(&filter);
    let first = pager.next_page().await.map_err(|e| {
        format!(
            "The catalog imports could not be listed. {}",
            e.user_message()
        )
    })?;
    for imp in first.unwrap_or_default() {
        by_id.insert(imp.id.clone(), from_catalog_import(&imp));
    }
    // Stripe has no public list of ImportSets; the sandbox has one. A failure is not an error.
    if let Ok(Some(sets)) = conn.client.list_import_sets(50).next_page().await {
        for set in sets {
            let mut summary = from_import_set(&set);
            // The uploaded file's name, when Stripe still has it (a few requests at most).
            if let Some(file) = &set.file
                && by_id.len() < MAX_FILE_LOOKUPS
                && let Ok(f) = conn.client.retrieve_file(file).await
            {
                summary.file_name = f.filename;
            }
            by_id.insert(set.id.clone(), summary);
        }
    }
    for record in &records {
        let summary = match by_id.remove(&record.import_id) {
            Some(s) => with_record(s, record),
            None => match fetch(conn, &record.import_id, record.flavour).await {
                Ok(s) => with_record(s, record),
                Err(message) => from_record_only(record, &message),
            },
        };
        by_id.insert(record.import_id.clone(), summary);
    }
    let mut list: Vec<ImportSummary> = by_id.into_values().collect();
    for s in &mut list {
        if s.status.is_terminal() {
            s.finished = finishes.get(&s.id).and_then(push_history::Finish::at);
        }
    }
    in_finish_order(&mut list);
    Ok(list)
}

async fn watch(sink: &EventSink, conn: &Connection, data_dir: Option<&Path>, id: &str) {
    let record = local_pushes(data_dir, &conn.account_key())
        .await
        .into_iter()
        .find(|r| r.import_id == id);
    let flavour = record
        .as_ref()
        .map_or_else(|| flavour_of(id), |r| r.flavour);
    let mut wait = POLL_FIRST;
    let mut seen_going = false;
    let key = format!("import:{id}");
    for _ in 0..POLL_TRIES {
        let summary = match fetch(conn, id, flavour).await {
            Ok(s) => s,
            Err(message) => {
                sink.done(&key);
                send(
                    sink,
                    Event::Failed {
                        id: id.to_owned(),
                        message,
                    },
                );
                return;
            }
        };
        let mut summary = match &record {
            Some(r) => with_record(summary, r),
            None => summary,
        };
        let terminal = summary.status.is_terminal();
        if terminal {
            // A poll bounds the finish only when an earlier one saw the import still going:
            // an import already over at the first look finished at some unknown time.
            summary.finished = if seen_going {
                note_finished(data_dir, &summary).await
            } else {
                known_finishes(data_dir)
                    .await
                    .get(id)
                    .and_then(push_history::Finish::at)
            };
        }
        seen_going = !terminal;
        if terminal {
            sink.done(&key);
        } else {
            sink.activity(&key, &format!("Import {id}"), summary.progress());
        }
        send(sink, Event::Updated(summary.clone()));
        if terminal {
            if summary.has_error_report {
                report(sink, conn, &summary).await;
            }
            return;
        }
        tokio::time::sleep(wait).await;
        wait = (wait.mul_f32(1.5)).min(POLL_MAX);
    }
    sink.done(&key);
    send(
        sink,
        Event::Failed {
            id: id.to_owned(),
            message: "The import is still processing after many checks; select it again later \
                      to resume watching."
                .to_owned(),
        },
    );
}

async fn report(sink: &EventSink, conn: &Connection, summary: &ImportSummary) {
    let bytes = match (&summary.flavour, &summary.error_file) {
        (ImportFlavour::ImportSet, Some(file)) => conn
            .client
            .file_contents(file, MAX_REPORT_BYTES)
            .await
            .map(Some),
        (ImportFlavour::ImportSet, None) => Ok(None),
        (ImportFlavour::CatalogImport, _) => {
            conn.client
                .catalog_import_errors(&summary.id, MAX_REPORT_BYTES)
                .await
        }
    };
    let message = match bytes {
        Ok(Some(bytes)) => match parse_report(&bytes) {
            Ok(report) => {
                send(
                    sink,
                    Event::Report {
                        id: summary.id.clone(),
                        report,
                    },
                );
                return;
            }
            Err(e) => e,
        },
        Ok(None) => "Stripe lists no error report for this import.".to_owned(),
        Err(e) => format!(
            "The error report could not be downloaded. {}",
            e.user_message()
        ),
    };
    send(
        sink,
        Event::Failed {
            id: summary.id.clone(),
            message,
        },
    );
}

/// Parses an error report: CSV whose first column is `stripe_error_message`, then the row as
/// uploaded (with its `id` column).
pub fn parse_report(bytes: &[u8]) -> Result<ErrorReport, String> {
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(bytes);
    let columns: Vec<String> = reader
        .headers()
        .map_err(|e| format!("The error report is not readable CSV ({e})."))?
        .iter()
        .map(|h| h.trim_start_matches('\u{feff}').to_owned())
        .collect();
    let message_col = columns
        .iter()
        .position(|c| c == "stripe_error_message")
        .unwrap_or(0);
    let id_col = columns.iter().position(|c| c == "id");
    let mut report = ErrorReport::default();
    let mut counts: HashMap<String, usize> = HashMap::new();
    let mut order: Vec<String> = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| format!("The error report is not readable CSV ({e})."))?;
        let message = record.get(message_col).unwrap_or_default().to_owned();
        let count = counts.entry(message.clone()).or_insert(0);
        if *count == 0 {
            order.push(message.clone());
        }
        *count += 1;
        if let Some(id) = id_col.and_then(|i| record.get(i))
            && !id.is_empty()
        {
            report.row_errors.push((id.to_owned(), message.clone()));
        }
        report.total_rows += 1;
        if report.rows.len() < MAX_REPORT_ROWS {
            let mut cells = Vec::with_capacity(columns.len());
            cells.push(message);
            cells.extend(
                record
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| *i != message_col)
                    .map(|(_, c)| c.to_owned()),
            );
            report.rows.push(cells);
        }
    }
    let mut ordered_columns = vec![
        columns
            .get(message_col)
            .cloned()
            .unwrap_or_else(|| "stripe_error_message".to_owned()),
    ];
    ordered_columns.extend(
        columns
            .iter()
            .enumerate()
            .filter(|(i, _)| *i != message_col)
            .map(|(_, c)| c.clone()),
    );
    report.columns = ordered_columns;
    let mut groups: Vec<(String, usize)> = order
        .into_iter()
        .map(|m| {
            let n = counts.get(&m).copied().unwrap_or(0);
            (m, n)
        })
        .collect();
    groups.sort_by_key(|g| std::cmp::Reverse(g.1));
    report.groups = groups;
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reports_group_messages_and_keep_ids() {
        let csv = "stripe_error_message,id,price\n\
                   \"price: bad, fix it\",A,oops\n\
                   title: required,B,1.00 USD\n\
                   \"price: bad, fix it\",C,x\n";
        let report = parse_report(csv.as_bytes()).unwrap();
        assert_eq!(report.columns, ["stripe_error_message", "id", "price"]);
        assert_eq!(report.total_rows, 3);
        assert_eq!(
            report.groups,
            [
                ("price: bad, fix it".to_owned(), 2),
                ("title: required".to_owned(), 1)
            ]
        );
        assert_eq!(
            report.row_errors[1],
            ("B".to_owned(), "title: required".to_owned())
        );
    }

    #[test]
    fn progress_needs_a_total() {
        let mut s = from_record_only(
            &PushRecord {
                import_id: "impset_1".into(),
                flavour: ImportFlavour::ImportSet,
                feed_kind: "product".into(),
                mode: "upsert".into(),
                file_path: PathBuf::from("/tmp/a.csv"),
                rows: 10,
                pushed_at: "2026-11-23T10:00:00Z".into(),
                account_key: "k".into(),
                synced_from: None,
                content_hash: None,
            },
            "gone",
        );
        s.succeeded = 4;
        s.failed = 1;
        assert_eq!(s.progress(), Some(0.5));
        s.rows_total = None;
        assert_eq!(s.progress(), None);
        assert_eq!(s.file_name.as_deref(), Some("a.csv"));
    }
}
