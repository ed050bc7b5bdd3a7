//! The app's sync: watches the catalogs put on sync (through `notify-debouncer-mini`, which
//! folds an editor's burst of writes into one change) and runs a round of
//! [`crate::sync::round`] when a file changes, when a waiting push falls due, when an import
//! that held a push back ends, and when asked. Each file's standing goes to the views after
//! every round.
//!
//! One task owns the files; rounds run one after another, so two pushes of this app never
//! overlap. A round that fails pauses its file: nothing goes until the file changes again or
//! the user resumes it. The clock is the worker's (`WorkerConfig::clock`), so tests move time
//! without sleeping.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use notify_debouncer_mini::notify::{RecommendedWatcher, RecursiveMode};
use notify_debouncer_mini::{DebounceEventResult, Debouncer, new_debouncer};
use tokio::sync::mpsc;

use super::EventSink;
use super::session::{self, SharedConnection};
use crate::sync::round::{self, Round, RoundOptions};
use crate::sync::{self as plan, Clock, SyncState, resolved};

/// How long after the last write a change is taken in (an editor's save is several writes).
const SETTLE: Duration = Duration::from_millis(400);
/// How often a push held back by a processing import looks again (an import event usually
/// wakes it sooner).
const OVERLAP_RETRY: Duration = Duration::from_secs(30);

/// What the views ask of sync.
#[derive(Debug, Clone)]
pub enum Command {
    /// Compare a file with what was last pushed, sending nothing (shown before sync starts).
    Preview(PathBuf),
    /// Put a file on sync: watch it and push what is due now (`full`: the whole product feed).
    Start {
        /// The saved catalog file.
        file: PathBuf,
        /// Send the whole product feed first, whatever changed.
        full: bool,
    },
    /// Take a file off sync (what was pushed is still remembered).
    Stop(PathBuf),
    /// Run a round now: one file (`Push now`), or every file on sync (`None`).
    Check {
        /// The file, or every file.
        file: Option<PathBuf>,
        /// Send the whole product feed, whatever changed.
        full: bool,
    },
    /// An import ended: pushes it held back may go.
    ImportEnded,
}

/// What sync reports.
#[derive(Debug, Clone)]
pub enum Event {
    /// A preview asked for with [`Command::Preview`].
    Preview(Box<Round>),
    /// Every file on sync for the active account, after something changed.
    Files(Vec<FileSync>),
    /// A round sent feeds (the Imports view lists them again).
    Pushed,
}

/// Where a file on sync stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Phase {
    /// Watched; pushes go when it changes and they are due.
    Watching,
    /// A round is running.
    Working,
    /// The last round failed; nothing goes until the file changes or the user resumes.
    Paused(String),
}

/// One file on sync, as the views show it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileSync {
    /// The catalog file (as the user opened it).
    pub file: PathBuf,
    /// Where it stands.
    pub phase: Phase,
    /// When the next push can go (Unix seconds), if something waits.
    pub next_at: Option<i64>,
    /// What waits, and why.
    pub waiting: Vec<String>,
    /// What it keeps between runs (last pushes, last result).
    pub state: SyncState,
}

impl FileSync {
    /// Whether `path` is this file, as opened or resolved (no file system call: the views ask
    /// every frame).
    #[must_use]
    pub fn is(&self, path: &Path) -> bool {
        path == self.file || path == self.state.file
    }
}

enum Msg {
    Command(Command),
    /// A watched folder changed; these files in it (the watched folder, which is resolved,
    /// joined with each name, so they compare with the files' keys as they are).
    Changed(Vec<PathBuf>),
    /// The active account may have changed.
    Follow,
}

/// The views' end of sync.
pub struct SyncWorker {
    tx: mpsc::UnboundedSender<Msg>,
}

impl SyncWorker {
    /// Starts the sync task for `connection`'s account, keeping state under `data_dir`.
    #[must_use]
    pub fn start(
        sink: EventSink,
        connection: SharedConnection,
        data_dir: PathBuf,
        clock: Clock,
    ) -> Self {
        let (tx, rx) = mpsc::unbounded_channel();
        let changes = tx.clone();
        let watcher = new_debouncer(SETTLE, move |result: DebounceEventResult| {
            if let Ok(events) = result {
                let paths = events.into_iter().map(|e| e.path).collect();
                let _ = changes.send(Msg::Changed(paths));
            }
        });
        let task = Task {
            sink,
            connection,
            data_dir,
            clock,
            account: None,
            files: BTreeMap::new(),
            watcher: watcher.map_err(|e| e.to_string()),
            folders: BTreeMap::new(),
            read: BTreeMap::new(),
        };
        tokio::spawn(task.run(rx));
        SyncWorker { tx }
    }

    /// Handles a view's command.
    pub fn handle(&self, command: Command) {
        let _ = self.tx.send(Msg::Command(command));
    }

    /// Loads the files on sync of the account now active (call after a session change).
    pub fn follow(&self) {
        let _ = self.tx.send(Msg::Follow);
    }
}

struct Task {
    sink: EventSink,
    connection: SharedConnection,
    data_dir: PathBuf,
    clock: Clock,
    /// The account whose files are loaded.
    account: Option<String>,
    /// Files on sync, by their resolved path.
    files: BTreeMap<PathBuf, FileSync>,
    watcher: Result<Debouncer<RecommendedWatcher>, String>,
    /// Watched folders and how many files on sync each holds.
    folders: BTreeMap<PathBuf, usize>,
    /// Each file's size and modification time when its last round read it.
    read: BTreeMap<PathBuf, Version>,
}

/// A file's size and modification time: what tells a change from a mere read.
type Version = (u64, std::time::SystemTime);

/// The file's [`Version`] now, or `None` when it cannot be read.
async fn version_of(path: &Path) -> Option<Version> {
    let meta = tokio::fs::metadata(path).await.ok()?;
    Some((meta.len(), meta.modified().ok()?))
}

impl Task {
    async fn run(mut self, mut rx: mpsc::UnboundedReceiver<Msg>) {
        loop {
            let wait = self.next_wake();
            let msg = tokio::select! {
                msg = rx.recv() => match msg {
                    Some(m) => Some(m),
                    None => return,
                },
                () = tokio::time::sleep(wait) => None,
            };
            match msg {
                Some(Msg::Command(c)) => self.command(c).await,
                Some(Msg::Changed(paths)) => {
                    let touched: Vec<PathBuf> = self
                        .files
                        .keys()
                        .filter(|k| paths.contains(k))
                        .cloned()
                        .collect();
                    for key in touched {
                        // The watcher also reports a file opened for reading (by this very
                        // round's validation, or a backup tool): only a new size or
                        // modification time is a change.
                        if version_of(&key).await != self.read.get(&key).copied() {
                            self.round(&key, false).await;
                        }
                    }
                }
                Some(Msg::Follow) => self.follow().await,
                None => self.due().await,
            }
        }
    }

    /// How long until a waiting push falls due (by the worker's clock), or an hour.
    fn next_wake(&self) -> Duration {
        let now = (self.clock)();
        let mut wait = Duration::from_hours(1);
        for f in self.files.values() {
            if matches!(f.phase, Phase::Paused(_)) {
                continue;
            }
            if let Some(at) = f.next_at {
                let secs = u64::try_from((at - now).max(1)).unwrap_or(1);
                wait = wait.min(Duration::from_secs(secs));
            } else if !f.waiting.is_empty() {
                wait = wait.min(OVERLAP_RETRY);
            }
        }
        wait
    }

    /// Runs the rounds that are due: a push whose time has come, or one an import held back.
    async fn due(&mut self) {
        let now = (self.clock)();
        let due: Vec<PathBuf> = self
            .files
            .iter()
            .filter(|(_, f)| !matches!(f.phase, Phase::Paused(_)))
            .filter(|(_, f)| f.next_at.map_or(!f.waiting.is_empty(), |at| at <= now))
            .map(|(k, _)| k.clone())
            .collect();
        for key in due {
            self.round(&key, false).await;
        }
    }

    async fn command(&mut self, command: Command) {
        match command {
            Command::Preview(file) => {
                let Some(conn) = session::active(&self.connection) else {
                    return self.not_connected();
                };
                let options = RoundOptions {
                    now: (self.clock)(),
                    full: false,
                    dry_run: true,
                };
                let preview = round::run(&conn.client, &self.data_dir, &file, options).await;
                self.sink
                    .send(super::Event::Sync(Event::Preview(Box::new(preview))));
            }
            Command::Start { file, full } => {
                self.follow().await;
                let Some(account) = self.account.clone() else {
                    return self.not_connected();
                };
                let folder = plan::folder_in(&self.data_dir, &account, &file);
                let kept = plan::load(&folder).and_then(|(mut state, _)| {
                    state.file = resolved(&file);
                    state.watching = true;
                    plan::save_state(&folder, &state)
                        .map(|()| state)
                        .map_err(|e| e.to_string())
                });
                match kept {
                    Ok(state) => {
                        let key = state.file.clone();
                        self.add(file, state);
                        self.round(&key, full).await;
                    }
                    Err(e) => self.sink.error(
                        "Putting the catalog on sync",
                        format!("Its sync state could not be kept: {e}"),
                        None,
                    ),
                }
            }
            Command::Stop(file) => {
                let key = resolved(&file);
                self.read.remove(&key);
                if let Some(f) = self.files.remove(&key) {
                    self.unwatch(&key);
                    if let Some(account) = &self.account {
                        let folder = plan::folder_in(&self.data_dir, account, &key);
                        let mut state = f.state;
                        state.watching = false;
                        if let Err(e) = plan::save_state(&folder, &state) {
                            self.sink.error(
                                "Taking the catalog off sync",
                                format!(
                                    "It is off sync now, but that could not be kept, so it is \
                                     on sync again after a restart: {e}"
                                ),
                                None,
                            );
                        }
                    }
                }
                self.report();
            }
            Command::ImportEnded => {
                let held: Vec<PathBuf> = self
                    .files
                    .iter()
                    .filter(|(_, f)| !matches!(f.phase, Phase::Paused(_)))
                    .filter(|(_, f)| f.waiting.iter().any(|w| w.contains("waits for import")))
                    .map(|(k, _)| k.clone())
                    .collect();
                for key in held {
                    self.round(&key, false).await;
                }
            }
            Command::Check { file, full } => {
                let keys: Vec<PathBuf> = match file {
                    Some(f) => vec![resolved(&f)],
                    None => self.files.keys().cloned().collect(),
                };
                for key in keys {
                    if self.files.contains_key(&key) {
                        self.round(&key, full).await;
                    }
                }
            }
        }
    }

    fn not_connected(&self) {
        self.sink
            .error("Sync", "Not connected yet; try again in a moment.", None);
    }

    /// Loads the active account's files on sync (when the account changed) and catches up.
    async fn follow(&mut self) {
        let account = session::active(&self.connection).map(|c| c.account_key());
        if account == self.account {
            return;
        }
        self.read.clear();
        for key in std::mem::take(&mut self.files).into_keys() {
            self.unwatch(&key);
        }
        self.account.clone_from(&account);
        let Some(account) = account else {
            return self.report();
        };
        for state in plan::watched(&self.data_dir, &account) {
            self.add(state.file.clone(), state);
        }
        self.report();
        // What changed while the app was closed goes now (or waits for its time).
        let keys: Vec<PathBuf> = self.files.keys().cloned().collect();
        for key in keys {
            self.round(&key, false).await;
        }
    }

    fn add(&mut self, file: PathBuf, state: SyncState) {
        let key = state.file.clone();
        if !self.files.contains_key(&key) {
            self.watch(&key);
        }
        self.files.insert(
            key,
            FileSync {
                file,
                phase: Phase::Watching,
                next_at: None,
                waiting: Vec::new(),
                state,
            },
        );
    }

    fn watch(&mut self, key: &Path) {
        let Some(folder) = key.parent().map(Path::to_path_buf) else {
            return;
        };
        let count = self.folders.entry(folder.clone()).or_insert(0);
        *count += 1;
        if *count > 1 {
            return;
        }
        let result = match &mut self.watcher {
            Ok(w) => w
                .watcher()
                .watch(&folder, RecursiveMode::NonRecursive)
                .map_err(|e| e.to_string()),
            Err(e) => Err(e.clone()),
        };
        if let Err(e) = result {
            self.sink.error(
                "Watching the catalog",
                format!(
                    "Changes to files in {} cannot be watched ({e}); use Push now, or run \
                     `seller-console sync` from a timer.",
                    folder.display()
                ),
                None,
            );
        }
    }

    fn unwatch(&mut self, key: &Path) {
        let Some(folder) = key.parent().map(Path::to_path_buf) else {
            return;
        };
        let Some(count) = self.folders.get_mut(&folder) else {
            return;
        };
        *count -= 1;
        if *count == 0 {
            self.folders.remove(&folder);
            if let Ok(w) = &mut self.watcher {
                let _ = w.watcher().unwatch(&folder);
            }
        }
    }

    /// Runs one round for a file on sync and reports.
    async fn round(&mut self, key: &Path, full: bool) {
        let Some(conn) = session::active(&self.connection) else {
            return;
        };
        let Some(f) = self.files.get_mut(key) else {
            return;
        };
        f.phase = Phase::Working;
        let file = f.file.clone();
        self.report();
        let name = file.file_name().map_or_else(
            || file.display().to_string(),
            |n| n.to_string_lossy().into(),
        );
        let activity = format!("sync:{}", key.display());
        self.sink
            .activity(&activity, &format!("Syncing {name}"), None);
        let now = (self.clock)();
        let options = RoundOptions {
            now,
            full,
            dry_run: false,
        };
        match version_of(key).await {
            Some(version) => self.read.insert(key.to_path_buf(), version),
            None => self.read.remove(key),
        };
        let r = round::run(&conn.client, &self.data_dir, &file, options).await;
        self.sink.done(&activity);
        if let Some(f) = self.files.get_mut(key) {
            f.next_at = r.next_at;
            f.waiting.clone_from(&r.waiting);
            // A failed round keeps the state it read (the pushes before the failure count);
            // one that could not even read it keeps what was shown.
            if !r.state.file.as_os_str().is_empty() {
                f.state = SyncState {
                    watching: true,
                    ..r.state.clone()
                };
            }
            f.phase = match &r.error {
                Some(e) => Phase::Paused(e.clone()),
                None => Phase::Watching,
            };
        }
        if let Some(w) = &r.warning {
            self.sink.error("Sync", w.clone(), None);
        }
        if !r.pushed.is_empty() {
            self.sink.send(super::Event::Sync(Event::Pushed));
        }
        self.report();
    }

    fn report(&self) {
        self.sink.send(super::Event::Sync(Event::Files(
            self.files.values().cloned().collect(),
        )));
    }
}
