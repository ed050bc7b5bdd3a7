//! The journal of unsaved edits: one file per catalog in `data_dir/journals/`, rewritten
//! after every change through [`crate::durable`] (temporary file, fsync, rename, fsync of the
//! folder: a kill or a power cut leaves the previous journal or the new one, whole), removed on
//! save (the removal synced too, so saved edits never come back). At start the worker lists
//! them so the Catalog view can offer to restore the edits, and what a killed write left goes.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::durable::{self, Access};
use crate::feed::table::Edit;

/// What a journal file holds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Journal {
    /// The catalog file the edits apply to.
    pub path: PathBuf,
    /// The edits since its last save, in order.
    pub edits: Vec<Edit>,
    /// When the journal was last written (RFC 3339, UTC).
    pub written_at: String,
}

/// A journal found at start, for the restore prompt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingJournal {
    /// The catalog file.
    pub path: PathBuf,
    /// How many edits it holds.
    pub edits: usize,
    /// When it was written.
    pub written_at: String,
}

/// The folder of journals inside `data_dir`.
#[must_use]
pub fn dir_in(data_dir: &Path) -> PathBuf {
    data_dir.join("journals")
}

/// The journal file for catalog `path` (named by a hash of the path).
#[must_use]
pub fn file_for(data_dir: &Path, path: &Path) -> PathBuf {
    let digest = Sha256::digest(path.to_string_lossy().as_bytes());
    dir_in(data_dir).join(format!("{}.json", hex::encode(&digest[..12])))
}

/// Writes the journal of `path` (replacing the previous one); an empty list removes it. When
/// this returns `Ok`, the edits are on disk.
pub fn write(data_dir: &Path, path: &Path, edits: &[Edit]) -> std::io::Result<()> {
    if edits.is_empty() {
        return clear(data_dir, path);
    }
    let journal = Journal {
        path: path.to_path_buf(),
        edits: edits.to_vec(),
        written_at: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
    };
    let bytes = serde_json::to_vec(&journal).map_err(std::io::Error::other)?;
    durable::write(&file_for(data_dir, path), &bytes, Access::Private)
}

/// Reads the journal of `path`, if there is one (a damaged file counts as none).
#[must_use]
pub fn read(data_dir: &Path, path: &Path) -> Option<Journal> {
    let bytes = std::fs::read(file_for(data_dir, path)).ok()?;
    let journal: Journal = serde_json::from_slice(&bytes).ok()?;
    (journal.path == path && !journal.edits.is_empty()).then_some(journal)
}

/// Removes the journal of `path` (nothing to do when there is none), durably: a journal that
/// came back after a power cut would replay edits onto the file they were saved into.
pub fn clear(data_dir: &Path, path: &Path) -> std::io::Result<()> {
    match std::fs::remove_file(file_for(data_dir, path)) {
        Ok(()) => durable::sync_dir(&dir_in(data_dir)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(e),
    }
}

/// Every readable journal in `data_dir`, newest first. Called at start, it first removes the
/// temporary files of journal writes that were killed.
#[must_use]
pub fn pending(data_dir: &Path) -> Vec<PendingJournal> {
    let dir = dir_in(data_dir);
    // Best effort: a folder that cannot be swept can still be read.
    let _ = durable::sweep_leftovers(&dir);
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return Vec::new();
    };
    let mut out: Vec<PendingJournal> = entries
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "json"))
        .filter_map(|e| std::fs::read(e.path()).ok())
        .filter_map(|b| serde_json::from_slice::<Journal>(&b).ok())
        .filter(|j| !j.edits.is_empty())
        .map(|j| PendingJournal {
            path: j.path,
            edits: j.edits.len(),
            written_at: j.written_at,
        })
        .collect();
    out.sort_by(|a, b| b.written_at.cmp(&a.written_at));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::feed::table::Table;

    const CSV: &str = "id,title,availability\nA-1,Tee,in stock\nB-2,\"Mug, blue\",in_stock\n";

    #[test]
    fn edits_survive_a_crash_and_replay_to_the_same_bytes() {
        let data = tempfile::tempdir().unwrap();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("catalog.csv");
        std::fs::write(&path, CSV).unwrap();

        // A session edits the file and journals each change, then "crashes" (never saves).
        let mut table = Table::from_bytes(CSV.as_bytes().to_vec());
        table.set_cell(0, 2, "in_stock").unwrap();
        write(data.path(), &path, table.journal()).unwrap();
        table.apply(Edit::InsertRows { at: 2, count: 1 }).unwrap();
        table.set_cell(2, 0, "C-3").unwrap();
        write(data.path(), &path, table.journal()).unwrap();
        let expected = table.to_bytes();

        // The next start finds the journal and replays it onto the file.
        let found = pending(data.path());
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].path, path);
        assert_eq!(found[0].edits, 3);
        let journal = read(data.path(), &path).unwrap();
        let mut restored = Table::from_bytes(std::fs::read(&path).unwrap());
        for edit in journal.edits {
            restored.apply(edit).unwrap();
        }
        assert_eq!(restored.to_bytes(), expected);
        assert!(restored.is_dirty());

        // Saving clears it.
        clear(data.path(), &path).unwrap();
        assert!(pending(data.path()).is_empty());
        assert!(read(data.path(), &path).is_none());
    }

    #[test]
    fn undoing_everything_leaves_no_journal() {
        let data = tempfile::tempdir().unwrap();
        let path = PathBuf::from("/somewhere/catalog.csv");
        let mut table = Table::from_bytes(CSV.as_bytes().to_vec());
        table.set_cell(0, 2, "in_stock").unwrap();
        write(data.path(), &path, table.journal()).unwrap();
        assert_eq!(pending(data.path()).len(), 1);
        table.undo();
        write(data.path(), &path, table.journal()).unwrap();
        assert!(pending(data.path()).is_empty());
    }

    #[test]
    fn a_damaged_journal_is_ignored_not_fatal() {
        let data = tempfile::tempdir().unwrap();
        let path = PathBuf::from("/x/catalog.csv");
        std::fs::create_dir_all(dir_in(data.path())).unwrap();
        std::fs::write(file_for(data.path(), &path), b"{\"path\": \"/x/cat").unwrap();
        assert!(read(data.path(), &path).is_none());
        assert!(pending(data.path()).is_empty());
    }
}
