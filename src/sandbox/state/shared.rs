//! What every request shares: the store behind its lock, the faults in force, the sandbox's
//! clock, and its private data folder (uploads and error reports), swept of dead sandboxes'
//! folders at start.

use std::io;
use std::path::PathBuf;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use super::rate_limit::RateLimits;
use super::store::Store;
use crate::sandbox::faults::FaultsHandle;

/// State shared by every request.
#[derive(Debug)]
pub(crate) struct Shared {
    store: Mutex<Store>,
    /// Faults in force.
    pub faults: FaultsHandle,
    /// `http://127.0.0.1:PORT`.
    pub base_url: String,
    /// Stripe's per-account rate limits.
    pub rate_limits: RateLimits,
    files_dir: tempfile::TempDir,
    clock_offset: AtomicI64,
    file_counter: AtomicU64,
}

impl Shared {
    /// New shared state.
    pub fn new(store: Store, faults: FaultsHandle, base_url: String) -> io::Result<Self> {
        Ok(Shared {
            store: Mutex::new(store),
            faults,
            base_url,
            rate_limits: RateLimits::default(),
            files_dir: private_data_dir()?,
            clock_offset: AtomicI64::new(0),
            file_counter: AtomicU64::new(0),
        })
    }

    /// The store, locked (never held across an await).
    pub fn lock(&self) -> MutexGuard<'_, Store> {
        self.store.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The sandbox's clock in unix seconds (real time plus any advance).
    pub fn now(&self) -> i64 {
        let real = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs() as i64);
        real + self.clock_offset.load(Ordering::Relaxed)
    }

    /// Moves the sandbox's clock forward.
    pub fn advance_clock(&self, by: Duration) {
        self.clock_offset
            .fetch_add(by.as_secs() as i64, Ordering::Relaxed);
    }

    /// The private data folder.
    pub fn data_dir(&self) -> &std::path::Path {
        self.files_dir.path()
    }

    /// A fresh, empty file for contents inside the sandbox's data folder, readable by this
    /// user only (0600); writing to its path later keeps that mode.
    pub fn new_file_path(&self) -> io::Result<PathBuf> {
        let n = self.file_counter.fetch_add(1, Ordering::Relaxed);
        let path = self.files_dir.path().join(format!("blob-{n}"));
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        options.open(&path)?;
        Ok(path)
    }

    /// [`Shared::new_file_path`] for contents that are kept only once accepted.
    pub fn new_blob(&self) -> io::Result<Blob> {
        self.new_file_path().map(|p| Blob(Some(p)))
    }
}

/// Contents on disk in the data folder, removed when dropped unless [`Blob::keep`] was
/// called: an upload that is refused, or whose connection breaks, leaves nothing behind.
#[derive(Debug)]
pub(crate) struct Blob(Option<PathBuf>);

impl Blob {
    /// Where the contents are written.
    pub fn path(&self) -> &std::path::Path {
        self.0.as_deref().unwrap_or(std::path::Path::new(""))
    }

    /// Hands the file over to the ledger, which keeps it.
    pub fn keep(mut self) -> PathBuf {
        self.0.take().unwrap_or_default()
    }
}

impl Drop for Blob {
    fn drop(&mut self) {
        if let Some(path) = self.0.take() {
            let _ = std::fs::remove_file(path);
        }
    }
}

/// The start of every sandbox data folder's name in the temporary folder; the process id
/// follows, so the next start can remove what a killed sandbox left.
const DATA_DIR_PREFIX: &str = "seller-console-sandbox-";

/// Creates this process's data folder (0700), after removing the folders of sandboxes that
/// are no longer running.
fn private_data_dir() -> io::Result<tempfile::TempDir> {
    sweep_dead_data_dirs(&std::env::temp_dir());
    let prefix = format!("{DATA_DIR_PREFIX}{}-", std::process::id());
    let mut builder = tempfile::Builder::new();
    builder.prefix(&prefix);
    #[cfg(unix)]
    builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o700));
    builder.tempdir()
}

/// Removes the data folders in `temp` whose sandbox process has ended (killed before it could
/// clean up). Returns how many were removed.
pub(crate) fn sweep_dead_data_dirs(temp: &std::path::Path) -> usize {
    let Ok(entries) = std::fs::read_dir(temp) else {
        return 0;
    };
    let mut removed = 0;
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(pid) = name
            .to_str()
            .and_then(|n| n.strip_prefix(DATA_DIR_PREFIX))
            .and_then(|rest| rest.split_once('-'))
            .and_then(|(pid, _)| pid.parse::<u32>().ok())
        else {
            continue;
        };
        let path = entry.path();
        // `file_type` does not follow links: only real folders of ours are removed.
        let is_dir = entry.file_type().is_ok_and(|t| t.is_dir());
        if !is_dir || pid == std::process::id() || crate::durable::process_alive(pid, &path) {
            continue;
        }
        if std::fs::remove_dir_all(&path).is_ok() {
            removed += 1;
        }
    }
    removed
}
