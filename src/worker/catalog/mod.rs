//! The Catalog view's background work: opening a feed (a quick preview of the first rows,
//! then the full load and validation with progress and cancel), saving, the issue summary
//! of a big table after edits, filters, sorts and big changes, the journal of unsaved edits,
//! the recent-files list, file dialogs, and pushing to Stripe.
//!
//! The loaded [`Table`] is handed to the view inside a [`TableSlot`]: the view owns it while
//! it is shown (the grid reads cells every frame without locks). Jobs that only read the
//! table (save, filter and sort, counting a column's values) get a shared snapshot, an
//! `Arc<Table>`, and the view keeps its table; jobs that change it (a big edit, a re-check
//! as another feed kind) borrow it in a [`TableSlot`] and hand it back.

pub mod convert;
pub mod journal;
pub mod push;
pub mod recent;

use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, Mutex};

use crate::feed::sniff::{self, Dialect, TextEncoding};
use crate::feed::sources::{self, Mapping, SourceFormat};
use crate::feed::table::replace::{Matcher, Replace, ReplacePlan};
use crate::feed::table::{Edit, Table, TableError, arrange, issues};
use crate::push_history::ImportFlavour;

use super::EventSink;
use super::dialogs::{FilePicker, FileRequest, SystemDialogs};
use super::session::SharedConnection;

pub use journal::PendingJournal;
pub use push::{PushMode, PushRequest};

/// How many bytes the quick preview reads.
pub const PREVIEW_BYTES: usize = 64 * 1024;

/// A table lent to the worker for a job that changes it, and handed back the same way
/// (events must be `Clone`, a table is not): whoever receives it takes it out once.
#[derive(Clone, Default)]
pub struct TableSlot(Arc<Mutex<Option<Table>>>);

impl TableSlot {
    /// Wraps a table.
    #[must_use]
    pub fn new(table: Table) -> Self {
        TableSlot(Arc::new(Mutex::new(Some(table))))
    }

    /// Takes the table out (`None` if someone already did).
    #[must_use]
    pub fn take(&self) -> Option<Table> {
        self.0.lock().ok().and_then(|mut t| t.take())
    }
}

impl std::fmt::Debug for TableSlot {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TableSlot")
    }
}

/// A change big enough to run on the worker (a replace-all over many rows, a column added
/// to a million-row table, or undoing one of those).
#[derive(Debug, Clone)]
pub enum Job {
    /// Apply this edit.
    Apply(Edit),
    /// Undo the last step.
    Undo,
    /// Redo the last undone step.
    Redo,
    /// Find and replace over the rows shown, as one step.
    ReplaceAll {
        /// What to find and write.
        replace: Replace,
        /// Display positions searched (`None`: every row).
        shown: Option<Vec<u32>>,
    },
}

/// Which file dialog to show.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pick {
    /// Pick a feed to open.
    Open,
    /// Pick where to save the open feed.
    SaveAs,
    /// Pick where to write the Stripe feed converted from a shop export.
    ConvertTo,
}

/// What the Catalog view asks of the worker.
#[derive(Debug)]
pub enum Command {
    /// Show a file dialog (off the UI thread); answers with [`Event::Picked`].
    PickFile(Pick),
    /// Write the demo shop's feed (three mistakes in it) to the data folder, unless a copy is
    /// already there, and answer with [`Event::Picked`] so the view opens it.
    OpenDemo,
    /// Open a feed: a preview first, then the whole table. Setting `cancel` stops the load.
    /// A shop export (Shopify, WooCommerce, Merchant Center, OpenAI) is examined for the
    /// mapper instead ([`Event::SourceFound`]) unless `plain` is set.
    Open {
        /// The file.
        path: PathBuf,
        /// Open it as a feed even when it looks like a shop export.
        plain: bool,
        /// Split fields on this delimiter instead of the detected one.
        delimiter: Option<u8>,
        /// Read the text in this encoding instead of the detected one.
        encoding: Option<TextEncoding>,
        /// Set by the view to stop loading.
        cancel: Arc<AtomicBool>,
    },
    /// Show the dialog for where a converted feed goes (beside `source`); answers with
    /// [`Event::Picked`] for [`Pick::ConvertTo`].
    PickConvertTarget {
        /// The shop export.
        source: PathBuf,
    },
    /// Read a shop export as `detected` says (the user chose its format in the mapper).
    ExamineSource {
        /// The export.
        path: PathBuf,
        /// Its format.
        detected: sources::Detected,
    },
    /// Convert the first rows for the mapper's preview.
    PreviewConversion {
        /// The export.
        path: PathBuf,
        /// Its format.
        format: SourceFormat,
        /// The mapping as the user has it now.
        mapping: Mapping,
        /// The mapper's count of changes, handed back so an old preview is recognised.
        generation: u64,
    },
    /// Convert a shop export into a new feed file and save the mapping for next time.
    Convert {
        /// The export.
        path: PathBuf,
        /// Its format.
        format: SourceFormat,
        /// The columns the mapping was made for (the saved mapping's key).
        header: Vec<String>,
        /// The mapping.
        mapping: Mapping,
        /// The new feed.
        to: PathBuf,
    },
    /// Write the table (to `to`, or to its own file); the view records the save.
    Save {
        /// A snapshot of the table.
        table: Arc<Table>,
        /// Save As target.
        to: Option<PathBuf>,
    },
    /// Run a big change on the table and hand it back.
    Run {
        /// The table, taken from the view meanwhile.
        table: TableSlot,
        /// The change.
        job: Job,
    },
    /// Count the distinct values of a column of a big table.
    Count {
        /// A snapshot of the table.
        table: Arc<Table>,
        /// The column.
        col: usize,
    },
    /// Check the table again as another feed kind and hand it back.
    Recheck {
        /// The table, taken from the view until the check ends.
        table: TableSlot,
        /// The kind to validate against.
        kind: crate::feed::FeedKind,
    },
    /// Count and group the findings of a big table after edits; stops soon after `cancel`
    /// is set (the next edit), answering nothing.
    Summarize {
        /// A snapshot of the table.
        table: Arc<Table>,
        /// The view's revision the snapshot shows.
        revision: u64,
        /// Set by the view to stop.
        cancel: Arc<AtomicBool>,
    },
    /// Filter and sort a big table: the rows to show.
    Arrange {
        /// A snapshot of the table.
        table: Arc<Table>,
        /// The filter and sort.
        arrangement: arrange::Arrangement,
    },
    /// Replace the journal of `path` with these edits (an empty list removes it).
    Journal {
        /// The catalog file.
        path: PathBuf,
        /// Every edit since its last save.
        edits: Vec<Edit>,
    },
    /// Forget the journal of `path`.
    DiscardJournal(PathBuf),
    /// Upload a saved file and start an import.
    Push(PushRequest),
}

/// What the worker tells the Catalog view.
#[derive(Debug, Clone)]
pub enum Event {
    /// The recent-files list, newest first.
    Recent(Vec<PathBuf>),
    /// Journals of unsaved edits left by an earlier session.
    PendingJournals(Vec<PendingJournal>),
    /// A file dialog closed (`None`: the user cancelled).
    Picked {
        /// Which dialog.
        pick: Pick,
        /// The chosen file.
        path: Option<PathBuf>,
    },
    /// The first rows, read quickly while the rest loads.
    Preview {
        /// The file.
        path: PathBuf,
        /// How it is written, as detected on the sample.
        dialect: Dialect,
        /// Header names.
        header: Vec<String>,
        /// The first rows.
        rows: Vec<Vec<String>>,
    },
    /// Loading progress in bytes-equivalent units.
    Progress {
        /// The file.
        path: PathBuf,
        /// Done so far.
        done: u64,
        /// Total.
        total: u64,
    },
    /// The table is loaded and validated.
    Loaded {
        /// The file.
        path: PathBuf,
        /// The table.
        table: TableSlot,
        /// Unsaved edits journalled for this file by an earlier session, if any.
        journal: Option<Vec<Edit>>,
        /// Its findings, counted and grouped (computed here, not on the UI thread).
        issues: issues::IssueReport,
    },
    /// The file opened is a shop export: its columns and the mapping to propose.
    SourceFound(Box<convert::FoundSource>),
    /// A shop export could not be read for conversion.
    SourceFailed {
        /// The export.
        path: PathBuf,
        /// What went wrong.
        message: String,
    },
    /// The mapper's preview, for the mapping at `generation`.
    ConversionPreviewed {
        /// The mapper's count of changes when it was asked.
        generation: u64,
        /// The preview, or why the mapping cannot convert.
        result: Result<Box<convert::ConversionPreview>, String>,
    },
    /// A conversion ended.
    Converted {
        /// The new feed, or what went wrong.
        result: Result<Box<convert::Converted>, String>,
    },
    /// Loading stopped: cancelled (`message` is `None`) or failed.
    OpenEnded {
        /// The file.
        path: PathBuf,
        /// What went wrong, when it was not a cancel.
        message: Option<String>,
    },
    /// A save ended (the worker no longer holds its snapshot).
    Saved {
        /// The file written and a sentence, or what went wrong.
        result: Result<SavedFile, String>,
    },
    /// A big change ran (`Ok(true)`: done; `Ok(false)`: nothing changed).
    Ran {
        /// The table.
        table: TableSlot,
        /// What happened, or why the edit did not fit.
        result: Result<bool, String>,
        /// A sentence for the user, when there is one ("Replaced in 12 cells").
        note: Option<String>,
    },
    /// A column's distinct values with their counts, most frequent first.
    Counted {
        /// The column.
        col: usize,
        /// Values and counts.
        values: Vec<(String, usize)>,
    },
    /// The table, checked as the asked feed kind.
    Rechecked {
        /// The table.
        table: TableSlot,
    },
    /// The findings of the table at `revision`, counted and grouped.
    Summarized {
        /// The view's revision they were counted at.
        revision: u64,
        /// Counts and groups.
        report: issues::IssueReport,
    },
    /// The rows to show after a filter or sort.
    Arranged {
        /// Display positions to show, in order (`None`: all, in order).
        shown: Option<Vec<u32>>,
    },
    /// Upload progress.
    PushProgress {
        /// Bytes sent.
        sent: u64,
        /// Bytes in the file.
        total: u64,
    },
    /// The import was created.
    Pushed {
        /// `impset_…` or the v2 import id.
        import_id: String,
        /// Which API.
        flavour: ImportFlavour,
    },
    /// The upload was cancelled.
    PushCancelled,
    /// The push failed (also reported as an error).
    PushFailed {
        /// What went wrong.
        message: String,
    },
}

/// A file the table was written to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SavedFile {
    /// Where it was written (now the table's file).
    pub path: PathBuf,
    /// A sentence for the user ("Saved catalog.csv (1234 bytes).").
    pub message: String,
}

/// The worker side of the Catalog view.
pub struct CatalogWorker {
    sink: EventSink,
    connection: SharedConnection,
    data_dir: PathBuf,
    /// Journal writes and removals, done one at a time in order by one task.
    journal_tx: JournalQueue,
    /// Shows the Open and Save As dialogs.
    picker: Arc<dyn FilePicker>,
    /// Keeps a temporary data folder alive when none was configured.
    _temp: Option<tempfile::TempDir>,
}

impl CatalogWorker {
    /// Starts: resolves the data folder and tells the view the recent files and any
    /// journals left by an earlier session.
    #[must_use]
    pub fn start(sink: EventSink, connection: SharedConnection, data_dir: Option<PathBuf>) -> Self {
        let (data_dir, temp) = match data_dir {
            Some(d) => (d, None),
            None => match tempfile::tempdir() {
                Ok(t) => (t.path().to_path_buf(), Some(t)),
                Err(_) => (std::env::temp_dir().join("seller-console"), None),
            },
        };
        sink.send(wrap(Event::Recent(recent::load(&data_dir))));
        let pending = journal::pending(&data_dir);
        if !pending.is_empty() {
            sink.send(wrap(Event::PendingJournals(pending)));
        }
        let journal_tx = spawn_journal_writer(data_dir.clone(), sink.clone());
        CatalogWorker {
            sink,
            connection,
            data_dir,
            journal_tx,
            picker: Arc::new(SystemDialogs),
            _temp: temp,
        }
    }

    /// Uses `picker` for the Open and Save As dialogs.
    #[must_use]
    pub fn with_picker(mut self, picker: Arc<dyn FilePicker>) -> Self {
        self.picker = picker;
        self
    }

    /// The data folder in use.
    #[must_use]
    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }

    /// Handles one command (long work is spawned, so this returns quickly).
    pub fn handle(&mut self, command: Command) {
        let sink = self.sink.clone();
        let data_dir = self.data_dir.clone();
        match command {
            Command::PickFile(pick) => {
                let picked = self.picker.pick(file_request(pick));
                tokio::spawn(async move {
                    let path = picked.await;
                    sink.send(wrap(Event::Picked { pick, path }));
                });
            }
            Command::OpenDemo => {
                tokio::task::spawn_blocking(move || {
                    let path = data_dir.join("demo").join("juniper-oak-catalog.csv");
                    let written = if path.exists() {
                        Ok(())
                    } else {
                        crate::durable::write(
                            &path,
                            crate::sandbox::demo_catalog_csv().as_bytes(),
                            crate::durable::Access::LikeExisting,
                        )
                    };
                    match written {
                        Ok(()) => sink.send(wrap(Event::Picked {
                            pick: Pick::Open,
                            path: Some(path),
                        })),
                        Err(e) => sink.error(
                            "Opening the demo catalog",
                            format!("Could not write {}: {e}.", path.display()),
                            None,
                        ),
                    }
                });
            }
            Command::Open {
                path,
                plain,
                delimiter,
                encoding,
                cancel,
            } => {
                tokio::task::spawn_blocking(move || {
                    let detected = if plain || delimiter.is_some() || encoding.is_some() {
                        None
                    } else {
                        sources::detect(&path).ok().flatten()
                    };
                    match detected {
                        Some(detected) => examine(&path, detected, &data_dir, &sink),
                        None => open(&path, delimiter, encoding, &cancel, &data_dir, &sink),
                    }
                });
            }
            Command::PickConvertTarget { source } => {
                let request =
                    FileRequest::save("Save the Stripe feed as", &convert::feed_name_for(&source))
                        .filter("CSV feeds", &["csv"])
                        .starting_in(source.parent().map(Path::to_path_buf));
                let picked = self.picker.pick(request);
                tokio::spawn(async move {
                    let path = picked.await;
                    sink.send(wrap(Event::Picked {
                        pick: Pick::ConvertTo,
                        path,
                    }));
                });
            }
            Command::ExamineSource { path, detected } => {
                tokio::task::spawn_blocking(move || examine(&path, detected, &data_dir, &sink));
            }
            Command::PreviewConversion {
                path,
                format,
                mapping,
                generation,
            } => {
                tokio::task::spawn_blocking(move || {
                    let result = convert::preview(&path, format, &mapping)
                        .map(Box::new)
                        .map_err(|e| e.to_string());
                    sink.send(wrap(Event::ConversionPreviewed { generation, result }));
                });
            }
            Command::Convert {
                path,
                format,
                header,
                mapping,
                to,
            } => {
                tokio::task::spawn_blocking(move || {
                    let key = "catalog-convert";
                    sink.activity(key, &format!("Converting {}", display_name(&path)), None);
                    let result = convert::convert(&path, format, &header, &mapping, &to, &data_dir)
                        .map(Box::new)
                        .map_err(|e| e.to_string());
                    sink.done(key);
                    sink.send(wrap(Event::Converted { result }));
                });
            }
            Command::Save { table, to } => {
                let journal_tx = self.journal_tx.clone();
                tokio::task::spawn_blocking(move || {
                    save(table, to, &data_dir, &journal_tx, &sink);
                });
            }
            Command::Run { table, job } => {
                tokio::task::spawn_blocking(move || {
                    let Some(mut t) = table.take() else { return };
                    let key = "catalog-edit";
                    sink.activity(key, "Applying the change", None);
                    let (result, note) = run_job(&mut t, job);
                    sink.done(key);
                    sink.send(wrap(Event::Ran {
                        table: TableSlot::new(t),
                        result,
                        note,
                    }));
                });
            }
            Command::Count { table, col } => {
                tokio::task::spawn_blocking(move || {
                    let values = arrange::value_counts(&table, col);
                    sink.send(wrap(Event::Counted { col, values }));
                });
            }
            Command::Summarize {
                table,
                revision,
                cancel,
            } => {
                tokio::task::spawn_blocking(move || {
                    let report = issues::summarize_until(&table, &cancel);
                    // Let go of the snapshot first: the view waits for that before an edit.
                    drop(table);
                    if let Some(report) = report {
                        sink.send(wrap(Event::Summarized { revision, report }));
                    }
                });
            }
            Command::Recheck { table, kind } => {
                tokio::task::spawn_blocking(move || {
                    let Some(mut t) = table.take() else { return };
                    let key = "catalog-recheck";
                    sink.activity(key, &format!("Checking against the {kind} feed spec"), None);
                    t.set_feed_kind(kind);
                    sink.done(key);
                    sink.send(wrap(Event::Rechecked {
                        table: TableSlot::new(t),
                    }));
                });
            }
            Command::Arrange { table, arrangement } => {
                tokio::task::spawn_blocking(move || {
                    let shown = arrange::arrange(&table, &arrangement);
                    sink.send(wrap(Event::Arranged { shown }));
                });
            }
            Command::Journal { path, edits } => {
                let _ = self.journal_tx.send((path, edits));
            }
            Command::DiscardJournal(path) => {
                let _ = self.journal_tx.send((path, Vec::new()));
            }
            Command::Push(request) => {
                let connection = Arc::clone(&self.connection);
                tokio::spawn(push::run(request, connection, data_dir, sink));
            }
        }
    }
}

/// Runs a big change on `t`: whether it changed anything (or why not), and a sentence.
pub fn run_job(t: &mut Table, job: Job) -> (Result<bool, String>, Option<String>) {
    match job {
        Job::Apply(edit) => (
            t.apply(edit).map(|()| true).map_err(|e| e.to_string()),
            None,
        ),
        Job::Undo => (Ok(t.undo()), None),
        Job::Redo => (Ok(t.redo()), None),
        Job::ReplaceAll { replace, shown } => {
            let m = match Matcher::new(&replace) {
                Ok(m) => m,
                Err(e) => return (Err(e.to_string()), None),
            };
            let plan = ReplacePlan::new(t, shown.as_deref(), &replace, &m);
            let note = plan.note();
            let Some(edit) = plan.into_edit() else {
                return (Ok(false), Some(note));
            };
            let result = t.apply(edit).map(|()| true).map_err(|e| e.to_string());
            (result, Some(note))
        }
    }
}

/// Where journal writes queue: `(file, edits)`, an empty list removing the journal.
type JournalQueue = tokio::sync::mpsc::UnboundedSender<(PathBuf, Vec<Edit>)>;

/// Starts the task that writes journals in the order asked, skipping writes that a newer
/// one for the same file has already replaced.
fn spawn_journal_writer(data_dir: PathBuf, sink: EventSink) -> JournalQueue {
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<(PathBuf, Vec<Edit>)>();
    tokio::spawn(async move {
        while let Some(first) = rx.recv().await {
            let mut batch = vec![first];
            while let Ok(next) = rx.try_recv() {
                batch.retain(|(p, _)| *p != next.0);
                batch.push(next);
            }
            let dir = data_dir.clone();
            let sink = sink.clone();
            let _ = tokio::task::spawn_blocking(move || {
                for (path, edits) in batch {
                    if let Err(e) = journal::write(&dir, &path, &edits) {
                        sink.error(
                            "Journalling unsaved edits",
                            format!(
                                "Your edits could not be written to the journal in {} ({e}), so a \
                                 crash would lose them. Save the file soon.",
                                journal::dir_in(&dir).display()
                            ),
                            None,
                        );
                    }
                }
            })
            .await;
        }
    });
    tx
}

fn wrap(e: Event) -> super::Event {
    super::Event::Catalog(e)
}

/// Reads a shop export's columns for the mapper (or says why it cannot be read).
fn examine(path: &Path, detected: sources::Detected, data_dir: &Path, sink: &EventSink) {
    match convert::examine(path, detected, data_dir) {
        Ok(found) => sink.send(wrap(Event::SourceFound(Box::new(found)))),
        Err(e) => sink.send(wrap(Event::SourceFailed {
            path: path.to_path_buf(),
            message: e.to_string(),
        })),
    }
}

/// The dialog for an Open, a Save As, or where a converted feed goes.
fn file_request(pick: Pick) -> FileRequest {
    let request = match pick {
        Pick::Open => FileRequest::open("Open a catalog feed or a shop export").filter(
            "Feeds and shop exports",
            &["csv", "tsv", "txt", "xml", "json", "jsonl"],
        ),
        Pick::SaveAs => FileRequest::save("Save the catalog as", "catalog.csv")
            .filter("Catalog feeds", &["csv", "tsv", "txt"]),
        Pick::ConvertTo => FileRequest::save("Save the Stripe feed as", "catalog-stripe.csv")
            .filter("CSV feeds", &["csv"]),
    };
    request.filter("All files", &["*"])
}

/// Reads the first rows of a file quickly (for the preview while the rest loads).
pub fn preview(
    path: &Path,
    delimiter: Option<u8>,
    max_rows: usize,
) -> std::io::Result<(Dialect, Vec<Vec<String>>)> {
    preview_as(path, delimiter, None, max_rows)
}

/// Like [`preview`], reading the text in `encoding` when the user chose one.
pub fn preview_as(
    path: &Path,
    delimiter: Option<u8>,
    encoding: Option<TextEncoding>,
    max_rows: usize,
) -> std::io::Result<(Dialect, Vec<Vec<String>>)> {
    use std::io::Read as _;
    let mut bytes = Vec::with_capacity(PREVIEW_BYTES);
    std::fs::File::open(path)?
        .take(PREVIEW_BYTES as u64)
        .read_to_end(&mut bytes)?;
    let mut dialect = sniff::sniff(&bytes);
    if let Some(d) = delimiter {
        dialect.delimiter = d;
        dialect.delimiter_confident = true;
    }
    let decoded = match encoding {
        Some(e) => crate::feed::io::decode_as(bytes, e),
        None => crate::feed::io::decode(bytes),
    };
    if let Some(from) = decoded.converted_from {
        dialect.encoding = from;
    }
    let text = decoded.text.trim_start_matches('\u{feff}');
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(dialect.delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut rows = Vec::new();
    for record in reader.records() {
        // The sample ends mid-row: stop at the first record that does not parse.
        let Ok(record) = record else { break };
        rows.push(record.iter().map(str::to_owned).collect());
        if rows.len() > max_rows {
            break;
        }
    }
    // The last record may be cut off by the sample's end.
    if text.len() >= PREVIEW_BYTES - 4 {
        rows.pop();
    }
    Ok((dialect, rows))
}

fn open(
    path: &Path,
    delimiter: Option<u8>,
    encoding: Option<TextEncoding>,
    cancel: &AtomicBool,
    data_dir: &Path,
    sink: &EventSink,
) {
    let key = format!("catalog-open:{}", path.display());
    let name = display_name(path);
    sink.activity(&key, &format!("Opening {name}"), Some(0.0));
    if let Ok((dialect, mut rows)) = preview_as(path, delimiter, encoding, 200)
        && !rows.is_empty()
    {
        let header = rows.remove(0);
        sink.send(wrap(Event::Preview {
            path: path.to_path_buf(),
            dialect,
            header,
            rows,
        }));
    }
    let mut last = 0u64;
    let result = Table::open_as(path, delimiter, encoding, cancel, |done, total| {
        // About a hundred reports per load.
        if done == total || done.saturating_sub(last) > total / 100 {
            last = done;
            sink.send(wrap(Event::Progress {
                path: path.to_path_buf(),
                done,
                total,
            }));
            sink.activity(
                &key,
                &format!("Opening {name}"),
                Some(done as f32 / total.max(1) as f32),
            );
        }
    });
    sink.done(&key);
    match result {
        Ok(table) => {
            if let Ok(list) = recent::touch(data_dir, path) {
                sink.send(wrap(Event::Recent(list)));
            }
            let journal = journal::read(data_dir, path).map(|j| j.edits);
            let issues = issues::summarize(&table);
            sink.send(wrap(Event::Loaded {
                path: path.to_path_buf(),
                table: TableSlot::new(table),
                journal,
                issues,
            }));
        }
        Err(TableError::Io(crate::feed::io::IoError::Cancelled)) => {
            sink.send(wrap(Event::OpenEnded {
                path: path.to_path_buf(),
                message: None,
            }));
        }
        Err(e) => {
            let message = e.to_string();
            sink.error(&format!("Opening {name}"), message.clone(), None);
            sink.send(wrap(Event::OpenEnded {
                path: path.to_path_buf(),
                message: Some(message),
            }));
        }
    }
}

/// Writes a snapshot of the table and says how it went. The snapshot is dropped before the
/// answer, so the view's table is no longer shared when it records the save.
fn save(
    table: Arc<Table>,
    to: Option<PathBuf>,
    data_dir: &Path,
    journal_tx: &JournalQueue,
    sink: &EventSink,
) {
    let before = table.path().map(Path::to_path_buf);
    let key = "catalog-save";
    sink.activity(key, "Saving the catalog", None);
    let written = match to.or_else(|| before.clone()) {
        Some(path) => table.write_file(&path).map(|outcome| (path, outcome)),
        None => Err(TableError::NoPath),
    };
    drop(table);
    sink.done(key);
    let result = match written {
        Ok((path, outcome)) => {
            // The saved state is the new base: its journal (and the old file's) is obsolete.
            // Cleared through the queue, after any journal write asked for before the save.
            let _ = journal_tx.send((path.clone(), Vec::new()));
            if let Some(b) = before.filter(|b| *b != path) {
                let _ = journal_tx.send((b, Vec::new()));
            }
            if let Ok(list) = recent::touch(data_dir, &path) {
                sink.send(wrap(Event::Recent(list)));
            }
            let backup = outcome
                .backup
                .map(|b| format!(" The previous version is kept as {}.", display_name(&b)))
                .unwrap_or_default();
            let message = format!(
                "Saved {} ({} bytes).{backup}",
                display_name(&path),
                outcome.bytes
            );
            Ok(SavedFile { path, message })
        }
        Err(e) => {
            let message = e.to_string();
            sink.error("Saving the catalog", message.clone(), None);
            Err(message)
        }
    };
    sink.send(wrap(Event::Saved { result }));
}

/// A file's name for messages (its path if it has none).
#[must_use]
pub fn display_name(path: &Path) -> String {
    path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replace_all_as_a_job_is_one_undoable_step() {
        let mut t = Table::from_bytes(b"id,brand\nA,Northline\nB,Northline\nC,Other\n".to_vec());
        let job = Job::ReplaceAll {
            replace: Replace {
                find: "Northline".into(),
                with: "Eastline".into(),
                regex: false,
                column: None,
            },
            shown: None,
        };
        let (result, note) = run_job(&mut t, job);
        assert_eq!(result, Ok(true));
        assert_eq!(
            note.as_deref(),
            Some("Replaced in 2 cells (one step: Undo puts them back).")
        );
        assert_eq!(t.cell(1, 1), "Eastline");
        assert!(t.undo());
        assert_eq!(t.cell(1, 1), "Northline");
        assert!(!t.can_undo());
    }

    #[test]
    fn a_corrected_delimiter_is_used_for_the_preview_and_the_table() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("feed.csv");
        std::fs::write(&path, "id|title;note\nA|Tee;x\n").unwrap();
        let (_, rows) = preview(&path, Some(b'|'), 10).unwrap();
        assert_eq!(rows[0], ["id", "title;note"]);
        let never = AtomicBool::new(false);
        let table = Table::open_with_delimiter(&path, Some(b'|'), &never, |_, _| {}).unwrap();
        assert_eq!(table.column_count(), 2);
        assert_eq!(table.cell(0, 1), "Tee;x");
        assert_eq!(table.to_bytes(), std::fs::read(&path).unwrap());
    }
}
