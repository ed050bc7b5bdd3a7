//! Pushing feeds to many connected accounts at once (platform mode): a folder of per-account
//! feeds (`DIR/acct_…/product.csv`, `inventory.csv`, `pricing.csv`, `promotion.csv`) or a
//! mapping file (`account,path,feed`), each feed validated (errors block that account, not
//! the others), uploaded as that account through v2 catalog imports with bounded concurrency
//! (the client's rate limiter keeps each account under its own limit), optionally followed to
//! the end, with one result per feed. A rerun skips a feed whose identical file (same content
//! hash) already went in whole for that account, and retries the rest.
//!
//! The CLI (`seller-console push-all`) and the Sellers board both run [`run`]; neither has a
//! copy of it.

use std::path::{Path, PathBuf};
use std::time::Duration;

use futures_util::StreamExt;
use serde::Serialize;

use crate::feed::FeedKind;
use crate::feed::validate::{Options, validate_file};
use crate::push_history::{self, ImportFlavour, PushRecord};
use crate::stripe::Client;
use crate::stripe::catalog_imports::{CatalogImportStatus, FeedType, ImportMode};
use crate::stripe::push::PushVia;

/// Feeds uploaded at the same time.
pub const CONCURRENCY: usize = 4;

/// One feed to push to one account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// `acct_…`.
    pub account: String,
    /// The feed file.
    pub path: PathBuf,
    /// Which feed it is.
    pub feed: FeedKind,
}

/// Reads the targets of `source`: a folder of `acct_…` folders, or a mapping file. With
/// `only`, just that feed of each account.
///
/// # Errors
/// A sentence when the folder or mapping cannot be read or names no feed.
pub fn plan(source: &Path, only: Option<FeedKind>) -> Result<Vec<Target>, String> {
    let mut targets = if source.is_dir() {
        plan_folder(source)?
    } else {
        plan_mapping(source)?
    };
    if let Some(feed) = only {
        targets.retain(|t| t.feed == feed);
    }
    if targets.is_empty() {
        return Err(format!(
            "{} names no feed to push: give a folder with one `acct_…` folder per account \
             holding product.csv, inventory.csv, pricing.csv or promotion.csv, or a mapping \
             file with the columns account,path,feed.",
            source.display()
        ));
    }
    Ok(targets)
}

fn plan_folder(dir: &Path) -> Result<Vec<Target>, String> {
    let read = |d: &Path| {
        std::fs::read_dir(d).map_err(|e| format!("{} could not be read: {e}", d.display()))
    };
    let mut targets = Vec::new();
    for entry in read(dir)?.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if !name.starts_with("acct_") || !entry.path().is_dir() {
            continue;
        }
        for file in read(&entry.path())?.flatten() {
            let path = file.path();
            let stem = path
                .file_stem()
                .and_then(|s| s.to_str())
                .unwrap_or_default();
            let ext = path
                .extension()
                .and_then(|s| s.to_str())
                .unwrap_or_default();
            if !matches!(ext.to_ascii_lowercase().as_str(), "csv" | "tsv") {
                continue;
            }
            if let Ok(feed) = stem.parse::<FeedKind>() {
                targets.push(Target {
                    account: name.clone(),
                    path,
                    feed,
                });
            }
        }
    }
    targets.sort_by(|a, b| (&a.account, a.feed.as_str()).cmp(&(&b.account, b.feed.as_str())));
    Ok(targets)
}

fn plan_mapping(file: &Path) -> Result<Vec<Target>, String> {
    let base = file.parent().unwrap_or(Path::new("."));
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_path(file)
        .map_err(|e| format!("{} could not be read: {e}", file.display()))?;
    let header: Vec<String> = reader
        .headers()
        .map_err(|e| format!("{}: {e}", file.display()))?
        .iter()
        .map(str::to_ascii_lowercase)
        .collect();
    let column = |name: &str| {
        header.iter().position(|h| h == name).ok_or_else(|| {
            format!(
                "{} has no `{name}` column: a mapping file has the columns account,path,feed.",
                file.display()
            )
        })
    };
    let (account, path, feed) = (column("account")?, column("path")?, column("feed")?);
    let mut targets = Vec::new();
    for (n, record) in reader.records().enumerate() {
        let line = n + 2;
        let record = record.map_err(|e| format!("{} line {line}: {e}", file.display()))?;
        let get = |i: usize| record.get(i).unwrap_or_default();
        if !get(account).starts_with("acct_") {
            return Err(format!(
                "{} line {line}: `{}` is not an account id (acct_…).",
                file.display(),
                get(account)
            ));
        }
        let kind = get(feed)
            .parse()
            .map_err(|e| format!("{} line {line}: {e}", file.display()))?;
        targets.push(Target {
            account: get(account).to_owned(),
            path: base.join(get(path)),
            feed: kind,
        });
    }
    Ok(targets)
}

/// The content hash a rerun compares (xxh3 of the bytes, streamed).
///
/// # Errors
/// The file's.
pub fn content_hash(path: &Path) -> std::io::Result<String> {
    use std::io::Read as _;
    let mut file = std::fs::File::open(path)?;
    let mut hasher = xxhash_rust::xxh3::Xxh3::new();
    let mut buf = vec![0u8; 1 << 16];
    loop {
        let n = file.read(&mut buf)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
    }
    Ok(format!("{:032x}", hasher.digest128()))
}

/// What happened to one feed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// The identical file already went in whole for this account: nothing sent.
    Skipped,
    /// The validator found errors: nothing sent for this feed.
    Invalid,
    /// Uploaded; the import was not followed.
    Uploaded,
    /// Every row went in.
    Succeeded,
    /// In, with some rows refused.
    SucceededWithErrors,
    /// Stripe rejected the file.
    Failed,
    /// It could not be sent (the file, the account, the network).
    Error,
}

impl Outcome {
    /// Words for a table.
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            Outcome::Skipped => "skipped (already in)",
            Outcome::Invalid => "not sent: invalid",
            Outcome::Uploaded => "uploaded",
            Outcome::Succeeded => "succeeded",
            Outcome::SucceededWithErrors => "succeeded with errors",
            Outcome::Failed => "failed",
            Outcome::Error => "not sent: error",
        }
    }

    /// Whether the feed needs someone (a rerun would retry it).
    #[must_use]
    pub fn is_problem(self) -> bool {
        matches!(
            self,
            Outcome::Invalid | Outcome::Failed | Outcome::Error | Outcome::SucceededWithErrors
        )
    }
}

/// The result of one feed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FeedResult {
    /// `acct_…`.
    pub account: String,
    /// Which feed.
    pub feed: String,
    /// The file.
    pub path: PathBuf,
    /// What happened.
    pub outcome: Outcome,
    /// The import created, if one was.
    pub import: Option<String>,
    /// Data rows in the file.
    pub rows: u64,
    /// Rows Stripe refused (when followed).
    pub failed_rows: Option<i64>,
    /// What went wrong or why it was skipped, in words.
    pub message: Option<String>,
}

/// Counts of a run, for the summary line.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    /// Feeds in the run.
    pub feeds: usize,
    /// Distinct accounts.
    pub accounts: usize,
    /// Feeds whose identical file was already in.
    pub skipped: usize,
    /// Feeds that went up (followed or not) without a problem.
    pub ok: usize,
    /// Feeds with a problem (invalid, failed, error, rows refused).
    pub problems: usize,
}

impl Summary {
    /// Counts `results`.
    #[must_use]
    pub fn of(results: &[FeedResult]) -> Summary {
        let mut accounts: Vec<&str> = results.iter().map(|r| r.account.as_str()).collect();
        accounts.sort_unstable();
        accounts.dedup();
        Summary {
            feeds: results.len(),
            accounts: accounts.len(),
            skipped: results
                .iter()
                .filter(|r| r.outcome == Outcome::Skipped)
                .count(),
            ok: results
                .iter()
                .filter(|r| matches!(r.outcome, Outcome::Uploaded | Outcome::Succeeded))
                .count(),
            problems: results.iter().filter(|r| r.outcome.is_problem()).count(),
        }
    }
}

/// Pushes every target as its account through `platform`'s key, `CONCURRENCY` at a time,
/// following each import to the end when `wait`; calls `done` with each result as it comes
/// (in any order) and returns them all in the targets' order. `history` is the push history
/// file: pushes are recorded there with their content hash, and a rerun reads it to skip.
pub async fn run(
    platform: &Client,
    targets: Vec<Target>,
    wait: bool,
    history: Option<PathBuf>,
    mut done: impl FnMut(&FeedResult),
) -> Vec<FeedResult> {
    let past = history
        .as_deref()
        .and_then(|h| push_history::load(h).ok())
        .unwrap_or_default();
    let mut results: Vec<(usize, FeedResult)> =
        futures_util::stream::iter(targets.into_iter().enumerate())
            .map(|(i, target)| {
                let past = &past;
                let history = history.as_deref();
                async move { (i, push_one(platform, target, wait, past, history).await) }
            })
            .buffer_unordered(CONCURRENCY)
            .inspect(|(_, result)| done(result))
            .collect()
            .await;
    results.sort_by_key(|(i, _)| *i);
    results.into_iter().map(|(_, r)| r).collect()
}

async fn push_one(
    platform: &Client,
    target: Target,
    wait: bool,
    past: &[PushRecord],
    history: Option<&Path>,
) -> FeedResult {
    let mut result = FeedResult {
        account: target.account.clone(),
        feed: target.feed.as_str().to_owned(),
        path: target.path.clone(),
        outcome: Outcome::Error,
        import: None,
        rows: 0,
        failed_rows: None,
        message: None,
    };
    let client = match platform.for_account(Some(&target.account)) {
        Ok(client) => client,
        Err(e) => {
            result.message = Some(e.user_message());
            return result;
        }
    };
    // Validate and hash off the async threads (a feed can be 200 MB).
    let path = target.path.clone();
    let feed = target.feed;
    let checked = tokio::task::spawn_blocking(move || {
        let report = validate_file(&path, &Options { feed: Some(feed) })
            .map_err(|e| crate::feed::validate::read_failure(&path, &e))?;
        let hash = content_hash(&path)
            .map_err(|e| format!("{} could not be read: {e}", path.display()))?;
        Ok::<_, String>((report, hash))
    })
    .await;
    let (report, hash) = match checked {
        Ok(Ok(checked)) => checked,
        Ok(Err(message)) => {
            result.message = Some(message);
            return result;
        }
        Err(e) => {
            result.message = Some(format!("The validator stopped unexpectedly: {e}"));
            return result;
        }
    };
    result.rows = report.rows;
    let errors = report.count(crate::feed::Severity::Error);
    if errors > 0 {
        result.outcome = Outcome::Invalid;
        result.message = Some(format!(
            "{} validation error{}; run `seller-console validate {}` for the list",
            errors,
            if errors == 1 { "" } else { "s" },
            target.path.display()
        ));
        return result;
    }
    let account_key = client.config().account_key();
    if let Some(previous) = past.iter().rev().find(|r| {
        r.account_key == account_key
            && r.feed_kind == target.feed.as_str()
            && r.content_hash.as_deref() == Some(hash.as_str())
    }) && let Ok(import) = client.retrieve_catalog_import(&previous.import_id).await
        && import.status == CatalogImportStatus::Succeeded
    {
        result.outcome = Outcome::Skipped;
        result.import = Some(import.id);
        result.message = Some("the identical file already went in whole".to_owned());
        return result;
    }
    let feed_type = FeedType::from(target.feed);
    match client.processing_import(&feed_type).await {
        Ok(Some(busy)) => {
            result.message = Some(format!(
                "import {} of this feed is still processing, and Stripe may finish a later \
                 upload first: nothing sent; run again when it is done",
                busy.id
            ));
            return result;
        }
        Ok(None) => {}
        Err(e) => {
            result.message = Some(e.user_message());
            return result;
        }
    }
    let via = PushVia::CatalogImport {
        feed: feed_type,
        mode: ImportMode::Upsert,
    };
    let pushed = match client.push_feed(&target.path, &via, None).await {
        Ok(pushed) => pushed,
        Err(e) => {
            result.message = Some(e.user_message());
            return result;
        }
    };
    result.import = Some(pushed.import.clone());
    result.outcome = Outcome::Uploaded;
    if let Some(history) = history {
        let mut record = PushRecord::now(
            (&pushed.import, ImportFlavour::CatalogImport),
            target.feed.as_str(),
            "upsert",
            &target.path,
            report.rows,
            account_key,
        );
        record.content_hash = Some(hash);
        if let Err(e) = push_history::append(history, &record) {
            result.message = Some(format!(
                "pushed, but the local history could not be written ({e}); a rerun will push it again"
            ));
        }
    }
    if wait {
        follow(&client, &mut result).await;
    }
    result
}

/// Polls the import until it ends and puts its outcome in `result`.
async fn follow(client: &Client, result: &mut FeedResult) {
    let Some(id) = result.import.clone() else {
        return;
    };
    let mut round = 0u32;
    loop {
        match client.retrieve_catalog_import(&id).await {
            Ok(import) if import.status.is_terminal() => {
                let (_, failed) = import.counts();
                result.failed_rows = Some(failed);
                result.outcome = match import.status {
                    CatalogImportStatus::Succeeded => Outcome::Succeeded,
                    CatalogImportStatus::SucceededWithErrors => Outcome::SucceededWithErrors,
                    _ => Outcome::Failed,
                };
                if let Some(f) = import.failure() {
                    result.message = f.failure_message.clone().or_else(|| f.code.clone());
                }
                return;
            }
            Ok(_) => {}
            Err(e) => {
                result.message = Some(format!(
                    "uploaded, but following the import failed: {}",
                    e.user_message()
                ));
                return;
            }
        }
        tokio::time::sleep(Duration::from_millis(
            (400 * u64::from(round + 1)).min(3_000),
        ))
        .await;
        round += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_folder_and_a_mapping_name_the_same_feeds() {
        let dir = tempfile::tempdir().unwrap();
        for (acct, file) in [
            ("acct_1A", "product.csv"),
            ("acct_1A", "inventory.csv"),
            ("acct_1B", "product.csv"),
            ("acct_1B", "notes.txt"),
        ] {
            std::fs::create_dir_all(dir.path().join(acct)).unwrap();
            std::fs::write(dir.path().join(acct).join(file), "id\n").unwrap();
        }
        std::fs::create_dir_all(dir.path().join("not-an-account")).unwrap();
        std::fs::write(dir.path().join("not-an-account/product.csv"), "id\n").unwrap();
        let folder = plan(dir.path(), None).unwrap();
        let names: Vec<(&str, &str)> = folder
            .iter()
            .map(|t| (t.account.as_str(), t.feed.as_str()))
            .collect();
        assert_eq!(
            names,
            [
                ("acct_1A", "inventory"),
                ("acct_1A", "product"),
                ("acct_1B", "product")
            ]
        );
        assert_eq!(plan(dir.path(), Some(FeedKind::Product)).unwrap().len(), 2);

        let mapping = dir.path().join("map.csv");
        std::fs::write(
            &mapping,
            "account,path,feed\nacct_1A,acct_1A/inventory.csv,inventory\nacct_1A,acct_1A/product.csv,product\nacct_1B,acct_1B/product.csv,product\n",
        )
        .unwrap();
        assert_eq!(plan(&mapping, None).unwrap(), folder);

        std::fs::write(&mapping, "account,path,feed\nshop-b,b.csv,product\n").unwrap();
        let refused = plan(&mapping, None).unwrap_err();
        assert!(
            refused.contains("line 2") && refused.contains("acct_"),
            "{refused}"
        );
    }

    #[test]
    fn the_hash_follows_the_bytes() {
        let dir = tempfile::tempdir().unwrap();
        let (a, b) = (dir.path().join("a.csv"), dir.path().join("b.csv"));
        std::fs::write(&a, "id,title\n1,Mug\n").unwrap();
        std::fs::write(&b, "id,title\n1,Mug\n").unwrap();
        assert_eq!(content_hash(&a).unwrap(), content_hash(&b).unwrap());
        std::fs::write(&b, "id,title\n1,Mug!\n").unwrap();
        assert_ne!(content_hash(&a).unwrap(), content_hash(&b).unwrap());
    }
}
