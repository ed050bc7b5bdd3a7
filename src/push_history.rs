//! The list of feed pushes made from this machine (`pushes.jsonl` in the data folder), so the
//! Imports view can show every push, including ImportSets that the API cannot list, and tie an
//! import back to the local file it came from.
//!
//! Records are appended one JSON line at a time under an exclusive file lock (the app and the
//! command line may push at once), and synced before [`append`] returns. A line a crash cut
//! short is closed off by the next append, so it never swallows the next record.
//!
//! Beside it, `finishes.jsonl` keeps when each import was first seen finished (Stripe's
//! objects have no finish time), so results can be shown in the order Stripe finished them
//! and an older file that finished after a newer one ([`overtaken`]) is pointed out.

use std::collections::HashMap;
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
    /// The file's content hash when it was pushed (`push_all::content_hash`), so a rerun can
    /// skip a file already in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content_hash: Option<String>,
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
            content_hash: None,
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
    append_line(path, record)
}

/// How the console learned that an import had finished.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SeenBy {
    /// Stripe's event said so; the time is the event's.
    Event,
    /// A poll found it finished after an earlier poll found it still going; the time is the
    /// poll's (the finish came at most one poll earlier). An import already over at the first
    /// look finished at a time nobody knows and is not noted.
    Poll,
}

/// When an import was first seen finished. Stripe's import objects carry no finish time, so
/// the console keeps its own (`finishes.jsonl` beside the push history): the order Stripe
/// finished a feed's imports in is the order its data stands in.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Finish {
    /// `impset_…` or the v2 import id.
    pub import_id: String,
    /// The status it finished with (`succeeded`, `failed`, …).
    pub status: String,
    /// When it finished, as well as the console can tell (RFC 3339, UTC).
    pub finished_at: String,
    /// Where that time comes from.
    pub seen_by: SeenBy,
}

impl Finish {
    /// A finish of `import_id` with `status`, seen at `at` (Unix seconds).
    #[must_use]
    pub fn seen(import_id: &str, status: &str, at: i64, seen_by: SeenBy) -> Self {
        let at = chrono::DateTime::from_timestamp(at, 0).unwrap_or_default();
        Finish {
            import_id: import_id.to_owned(),
            status: status.to_owned(),
            finished_at: at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            seen_by,
        }
    }

    /// The finish time, when it parses.
    #[must_use]
    pub fn at(&self) -> Option<chrono::DateTime<chrono::Utc>> {
        chrono::DateTime::parse_from_rfc3339(&self.finished_at)
            .ok()
            .map(|t| t.with_timezone(&chrono::Utc))
    }
}

/// The finish file inside `data_dir`.
#[must_use]
pub fn finishes_path_in(data_dir: &Path) -> PathBuf {
    data_dir.join("finishes.jsonl")
}

/// Notes that an import finished, unless an earlier (or equal) finish time is already known
/// for it: an event's time is the finish itself, a poll only bounds it from above. Gives back
/// the finish kept, the earliest known.
pub fn note_finish(path: &Path, finish: &Finish) -> std::io::Result<Finish> {
    let mut known = load_finishes(path)?;
    if let Some(earlier) = known.remove(&finish.import_id).filter(|k| {
        k.at()
            .is_some_and(|t| finish.at().is_none_or(|new| t <= new))
    }) {
        return Ok(earlier);
    }
    append_line(path, finish)?;
    Ok(finish.clone())
}

/// Every known finish, by import id, keeping the earliest time when an import was seen
/// finished more than once (by the app and the command line, or by an event and a poll).
pub fn load_finishes(path: &Path) -> std::io::Result<HashMap<String, Finish>> {
    let mut by_id: HashMap<String, Finish> = HashMap::new();
    for finish in load_lines::<Finish>(path)? {
        let earlier = by_id
            .get(&finish.import_id)
            .and_then(Finish::at)
            .is_some_and(|t| finish.at().is_none_or(|new| t <= new));
        if !earlier {
            by_id.insert(finish.import_id.clone(), finish);
        }
    }
    Ok(by_id)
}

/// One import as [`overtaken`] sees it.
#[derive(Debug, Clone, Copy)]
pub struct Ordered<'a> {
    /// The import.
    pub id: &'a str,
    /// Its feed kind: only imports of one kind overwrite each other's values.
    pub feed_kind: &'a str,
    /// When it was pushed (created).
    pub pushed_at: Option<chrono::DateTime<chrono::Utc>>,
    /// When it finished, when known.
    pub finished_at: Option<chrono::DateTime<chrono::Utc>>,
    /// Still being processed (or its state is unknown): listed before the finished ones.
    pub running: bool,
}

/// Something listed in finish order: an import as the app or the command line shows it.
pub trait InFinishOrder {
    /// The import's id, feed kind and times.
    fn ordered(&self) -> Ordered<'_>;
}

/// Sorts `items` in the order Stripe finished them: those still running first, then the latest
/// finished (one whose finish this machine never saw counts from its creation). Gives back the
/// [`overtaken`] ones: each older import's id, and the newer import's that finished first.
pub fn sort_by_finish<T: InFinishOrder>(items: &mut [T]) -> HashMap<String, String> {
    let found: HashMap<String, String> = {
        let ordered: Vec<Ordered<'_>> = items.iter().map(T::ordered).collect();
        overtaken(&ordered)
            .into_iter()
            .map(|(older, newer)| (older.to_owned(), newer.to_owned()))
            .collect()
    };
    items.sort_by(|a, b| {
        let (a, b) = (a.ordered(), b.ordered());
        let key = |o: &Ordered<'_>| (o.running, o.finished_at.or(o.pushed_at));
        key(&b).cmp(&key(&a)).then_with(|| a.id.cmp(b.id))
    });
    found
}

/// The imports that finished after a later push of the same feed kind (one account's list):
/// Stripe does not promise to finish uploads in the order they were sent, and an older file
/// applied last puts its values back over the newer ones wherever both hold the same rows.
/// Maps each such import to the later import that overtook it (the latest pushed, when
/// several did). Imports without both times are left out: the order is then unknown.
#[must_use]
pub fn overtaken<'a>(imports: &[Ordered<'a>]) -> HashMap<&'a str, &'a str> {
    let mut out: HashMap<&'a str, (&'a str, chrono::DateTime<chrono::Utc>)> = HashMap::new();
    for older in imports {
        let (Some(older_pushed), Some(older_finished)) = (older.pushed_at, older.finished_at)
        else {
            continue;
        };
        for newer in imports {
            let (Some(newer_pushed), Some(newer_finished)) = (newer.pushed_at, newer.finished_at)
            else {
                continue;
            };
            if newer.feed_kind == older.feed_kind
                && newer_pushed > older_pushed
                && newer_finished < older_finished
                && out.get(older.id).is_none_or(|(_, at)| newer_pushed > *at)
            {
                out.insert(older.id, (newer.id, newer_pushed));
            }
        }
    }
    out.into_iter().map(|(k, (v, _))| (k, v)).collect()
}

/// Appends one value as a JSON line under the file lock, durably (see [`append`]).
fn append_line<T: Serialize>(path: &Path, value: &T) -> std::io::Result<()> {
    let mut line = serde_json::to_string(value).map_err(std::io::Error::other)?;
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
    let mut records = load_lines::<PushRecord>(path)?;
    records.reverse();
    Ok(records)
}

/// Every whole line of a JSON-lines file, oldest first; a missing file is empty, a damaged
/// line is skipped.
fn load_lines<T: serde::de::DeserializeOwned>(path: &Path) -> std::io::Result<Vec<T>> {
    let file = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(e),
    };
    let mut values = Vec::new();
    for line in std::io::BufReader::new(file).lines() {
        if let Ok(value) = serde_json::from_str::<T>(&line?) {
            values.push(value);
        }
    }
    Ok(values)
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
            content_hash: None,
        }
    }

    fn at(minute: u32) -> Option<chrono::DateTime<chrono::Utc>> {
        chrono::DateTime::parse_from_rfc3339(&format!("2026-11-23T10:{minute:02}:00Z"))
            .ok()
            .map(|t| t.with_timezone(&chrono::Utc))
    }

    #[test]
    fn an_older_feed_that_finished_after_a_newer_one_is_found() {
        let imports = [
            // Pushed at :00, finished at :20: after the :05 push, which finished at :10.
            Ordered {
                id: "a",
                feed_kind: "pricing",
                pushed_at: at(0),
                finished_at: at(20),
                running: false,
            },
            Ordered {
                id: "b",
                feed_kind: "pricing",
                pushed_at: at(5),
                finished_at: at(10),
                running: false,
            },
            // In order.
            Ordered {
                id: "c",
                feed_kind: "pricing",
                pushed_at: at(30),
                finished_at: at(31),
                running: false,
            },
            // Another kind never overtakes: its values are other columns.
            Ordered {
                id: "d",
                feed_kind: "inventory",
                pushed_at: at(1),
                finished_at: at(2),
                running: false,
            },
            // Still processing: the order is not known yet.
            Ordered {
                id: "e",
                feed_kind: "pricing",
                pushed_at: at(40),
                finished_at: None,
                running: true,
            },
        ];
        let found = overtaken(&imports);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found.get("a"), Some(&"b"));
    }

    #[test]
    fn the_earliest_finish_seen_is_kept() {
        let dir = tempfile::tempdir().unwrap();
        let path = finishes_path_in(dir.path());
        note_finish(
            &path,
            &Finish::seen("imp_1", "succeeded", 1_000, SeenBy::Poll),
        )
        .unwrap();
        // The event arrives later but says it finished earlier.
        note_finish(
            &path,
            &Finish::seen("imp_1", "succeeded", 990, SeenBy::Event),
        )
        .unwrap();
        // A later poll adds nothing.
        note_finish(
            &path,
            &Finish::seen("imp_1", "succeeded", 1_500, SeenBy::Poll),
        )
        .unwrap();
        let lines = std::fs::read_to_string(&path).unwrap().lines().count();
        assert_eq!(lines, 2);
        let known = load_finishes(&path).unwrap();
        assert_eq!(known["imp_1"].seen_by, SeenBy::Event);
        assert_eq!(known["imp_1"].at().unwrap().timestamp(), 990);
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
