//! The list of feed pushes made from this machine (`pushes.jsonl` in the data folder), so the
//! Imports view can show every push, including ImportSets that the API cannot list, and tie an
//! import back to the local file it came from.
//!
//! Records are appended one JSON line at a time under an exclusive file lock (the app and the
//! command line may push at once), and synced before [`append`] returns. A line a crash cut
//! short is closed off by the next append, so it never swallows the next record.

use std::io::{BufRead, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// Which API an import was created with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ImportFlavour {
    /// v1 Files API + ImportSet (preview).
    ImportSet,
    /// v2 product catalog import.
    CatalogImport,
}

/// One push: enough to find the import again and to open its source file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PushRecord {
    /// `impset_…` or the v2 import id.
    pub import_id: String,
    /// Which API created it.
    pub flavour: ImportFlavour,
    /// `product`, `inventory`, `pricing` or `promotion`.
    pub feed_kind: String,
    /// `upsert` or `replace`.
    pub mode: String,
    /// The local file that was pushed.
    pub file_path: PathBuf,
    /// Data rows in the file when it was pushed.
    pub rows: u64,
    /// When it was pushed (RFC 3339, UTC).
    pub pushed_at: String,
    /// The account the push went to (see `Connection::account_key`), never a secret.
    pub account_key: String,
    /// The catalog this feed was made from, when sync derived it (an inventory or price feed
    /// of the rows that changed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub synced_from: Option<PathBuf>,
}

impl PushRecord {
    /// A push made now of `file` (its full path is kept, so the app can open it again).
    #[must_use]
    pub fn now(
        (import_id, flavour): (&str, ImportFlavour),
        feed_kind: &str,
        mode: &str,
        file: &Path,
        rows: u64,
        account_key: String,
    ) -> Self {
        PushRecord {
            import_id: import_id.to_owned(),
            flavour,
            feed_kind: feed_kind.to_owned(),
            mode: mode.to_owned(),
            file_path: std::fs::canonicalize(file).unwrap_or_else(|_| file.to_path_buf()),
            rows,
            pushed_at: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            account_key,
            synced_from: None,
        }
    }

    /// The file's name without its folder; for a feed sync derived, the catalog's name and
    /// what the feed carried (`catalog.csv (changed prices)`), since the derived file is
    /// rewritten by each push.
    #[must_use]
    pub fn file_name(&self) -> String {
        let name = |path: &Path| {
            path.file_name().map_or_else(
                || path.display().to_string(),
                |n| n.to_string_lossy().into_owned(),
            )
        };
        match &self.synced_from {
            Some(catalog) => {
                let what = match self.feed_kind.as_str() {
                    "inventory" => "changed stock",
                    "pricing" => "changed prices",
                    _ => "changed rows",
                };
                format!("{} ({what})", name(catalog))
            }
            None => name(&self.file_path),
        }
    }
}

/// The history file inside `data_dir`.
#[must_use]
pub fn path_in(data_dir: &Path) -> PathBuf {
    data_dir.join("pushes.jsonl")
}

/// Appends one record (one JSON line), durably: the line, and the file itself when it is new,
/// are on disk when this returns `Ok`. Creates the folder and file when missing.
pub fn append(path: &Path, record: &PushRecord) -> std::io::Result<()> {
    let mut line = serde_json::to_string(record).map_err(std::io::Error::other)?;
    line.push('\n');
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or_else(|| Path::new("."));
    std::fs::create_dir_all(dir)?;
    let created = !path.exists();
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .read(true)
        .append(true)
        .open(path)?;
    // Released when the file is closed, also by a killed process.
    fs4::FileExt::lock(&file)?;
    // A crash mid-line left a line without its end: end it, so this record stays whole.
    let len = file.metadata()?.len();
    if len > 0 {
        let mut last = [0u8; 1];
        file.seek(SeekFrom::Start(len - 1))?;
        file.read_exact(&mut last)?;
        if last[0] != b'\n' {
            line.insert(0, '\n');
        }
    }
    // Appending writes at the end whatever the position.
    file.write_all(line.as_bytes())?;
    file.sync_data()?;
    if created {
        crate::durable::sync_dir(dir)?;
    }
    Ok(())
}

/// Reads every record, newest first. A missing file is an empty history; a damaged line (a
/// crash mid-write) is skipped rather than losing the rest.
pub fn load(path: &Path) -> std::io::Result<Vec<PushRecord>> {
    let file = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(e),
    };
    let mut records = Vec::new();
    for line in std::io::BufReader::new(file).lines() {
        let line = line?;
        if let Ok(record) = serde_json::from_str::<PushRecord>(&line) {
            records.push(record);
        }
    }
    records.reverse();
    Ok(records)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(id: &str) -> PushRecord {
        PushRecord {
            import_id: id.into(),
            flavour: ImportFlavour::ImportSet,
            feed_kind: "product".into(),
            mode: "upsert".into(),
            file_path: PathBuf::from("catalog.csv"),
            rows: 12,
            pushed_at: "2026-11-23T10:00:00Z".into(),
            account_key: "sandbox".into(),
            synced_from: None,
        }
    }

    #[test]
    fn a_feed_sync_derived_is_named_after_its_catalog() {
        let mut r = record("imp_1");
        assert_eq!(
            r.file_name(),
            r.file_path.file_name().unwrap().to_string_lossy()
        );
        r.feed_kind = "pricing".into();
        r.file_path = "/data/sync/acct/0123/pricing.csv".into();
        r.synced_from = Some("/shop/catalog.csv".into());
        assert_eq!(r.file_name(), "catalog.csv (changed prices)");
    }

    #[test]
    fn appends_and_loads_newest_first_skipping_torn_lines() {
        let dir = tempfile::tempdir().unwrap();
        let path = path_in(dir.path());
        assert!(load(&path).unwrap().is_empty());
        append(&path, &record("impset_1")).unwrap();
        std::fs::OpenOptions::new()
            .append(true)
            .open(&path)
            .unwrap()
            .write_all(b"{\"import_id\": \"torn\n")
            .unwrap();
        append(&path, &record("impset_2")).unwrap();
        let ids: Vec<String> = load(&path)
            .unwrap()
            .into_iter()
            .map(|r| r.import_id)
            .collect();
        assert_eq!(ids, ["impset_2", "impset_1"]);
    }

    #[test]
    fn a_line_cut_short_by_a_crash_does_not_swallow_the_next_record() {
        let dir = tempfile::tempdir().unwrap();
        let path = path_in(dir.path());
        append(&path, &record("impset_1")).unwrap();
        // A kill in the middle of the second append: half a line, no end.
        std::fs::OpenOptions::new()
            .append(true)
            .open(&path)
            .unwrap()
            .write_all(b"{\"import_id\": \"impset_to")
            .unwrap();
        append(&path, &record("impset_3")).unwrap();
        let ids: Vec<String> = load(&path)
            .unwrap()
            .into_iter()
            .map(|r| r.import_id)
            .collect();
        assert_eq!(ids, ["impset_3", "impset_1"]);
    }
}
