//! `push-all` against the sandbox: a platform pushes a 1 MB product feed to each of
//! `PUSH_ALL_ACCOUNTS` (200) connected accounts, four at a time, through the same
//! `push_all::run` the CLI and the Sellers board use (validated, hashed, uploaded, recorded;
//! not followed). Printed: accounts per second, and peak memory against a run with a quarter
//! of the accounts (≈ 1× when memory is flat, not proportional to the number of accounts).
//!
//! ```text
//! cargo bench --bench push_all_bench
//! PUSH_ALL_ACCOUNTS=40 cargo bench --bench push_all_bench
//! ```
//!
//! Each measured run is a fresh child process (this binary with `--child N BASE_URL FEED`)
//! pushing to a fresh sandbox the parent runs, so the child's peak memory (`VmHWM`) is
//! push-all's own.

use std::path::{Path, PathBuf};
use std::time::Instant;

use seller_console::push_all::{self, Target};
use seller_console::sandbox::{DEMO_KEY, Sandbox, SandboxConfig, Seed};
use seller_console::stripe::{ApiKey, Client, Config};

mod common;

const BENCH: &str = "push_all_bench";

/// A clean product feed of about `bytes` bytes: one row of the valid fixture, repeated with
/// its own id and link.
fn write_feed(path: &Path, bytes: usize) -> std::io::Result<()> {
    let fixture = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/feed/product_valid.csv"),
    )?;
    let mut lines = fixture.lines();
    let header = lines.next().unwrap_or_default();
    let row = lines
        .find(|l| l.starts_with("EBOOK-BREW-GUIDE"))
        .unwrap_or_default();
    let mut out = format!("{header}\n");
    let mut n = 0;
    while out.len() < bytes {
        out.push_str(
            &row.replacen("EBOOK-BREW-GUIDE", &format!("EBOOK-{n}"), 1)
                .replace("/p/barista-ebook", &format!("/p/barista-ebook-{n}")),
        );
        out.push('\n');
        n += 1;
    }
    std::fs::write(path, out)
}

/// One measured run, in a child process: the first `accounts` sellers of the sandbox at
/// `base` each get `feed`. Prints `secs peak_kb pushed`. The sandbox runs in the parent, so
/// the peak is push-all's own.
fn child(accounts: usize, base: &str, feed: &Path) -> Result<(), String> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    rt.block_on(async {
        let config = Config::new(ApiKey::new(DEMO_KEY)?)
            .with_base_url(base)
            .map_err(|e| e.user_message())?;
        let client = Client::new(config).map_err(|e| e.user_message())?;
        let ids: Vec<String> = client
            .list_accounts()
            .collect_all()
            .await
            .map_err(|e| e.user_message())?
            .into_iter()
            .take(accounts)
            .map(|a| a.id)
            .collect();
        let targets: Vec<Target> = ids
            .into_iter()
            .map(|account| Target {
                account,
                path: feed.to_path_buf(),
                feed: seller_console::feed::FeedKind::Product,
            })
            .collect();
        let history = tempfile::tempdir().map_err(|e| e.to_string())?;
        let start = Instant::now();
        let results = push_all::run(
            &client,
            targets,
            false,
            Some(history.path().join("pushes.jsonl")),
            |_| {},
        )
        .await;
        let secs = start.elapsed().as_secs_f64();
        let pushed = results
            .iter()
            .filter(|r| r.outcome == push_all::Outcome::Uploaded)
            .count();
        if pushed != results.len() {
            let first = results
                .iter()
                .find(|r| r.outcome != push_all::Outcome::Uploaded);
            return Err(format!("not every feed went up: {first:?}"));
        }
        println!("{secs} {} {pushed}", common::peak_rss() / 1024);
        Ok(())
    })
}

/// Runs one child against a fresh sandbox of `accounts` sellers (a sandbox used before would
/// still be processing the last run's imports, which push-all waits for).
fn measure(
    rt: &tokio::runtime::Runtime,
    exe: &Path,
    accounts: usize,
    feed: &Path,
) -> Result<(f64, u64, usize), String> {
    let sandbox = rt
        .block_on(Sandbox::start(SandboxConfig {
            accounts: Some(accounts),
            ..SandboxConfig::seeded(Seed::Empty)
        }))
        .map_err(|e| e.to_string())?;
    let n = accounts.to_string();
    let base = sandbox.base_url();
    let parts = common::run_child(exe, &[n.as_ref(), base.as_ref(), feed.as_os_str()], 3);
    rt.block_on(sandbox.shutdown());
    let parts = parts?;
    Ok((
        parts[0].parse().map_err(|_| "bad secs")?,
        parts[1].parse().map_err(|_| "bad peak")?,
        parts[2].parse().map_err(|_| "bad count")?,
    ))
}

fn main() -> Result<(), String> {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some("--child") {
        let usage = "--child N BASE_URL FEED";
        let accounts: usize = args.get(2).and_then(|a| a.parse().ok()).ok_or(usage)?;
        let base = args.get(3).ok_or(usage)?;
        let feed = PathBuf::from(args.get(4).ok_or(usage)?);
        return child(accounts, base, &feed);
    }
    let accounts: usize = common::env_num("PUSH_ALL_ACCOUNTS", 200);
    let feed_mb: usize = common::env_num("PUSH_ALL_FEED_MB", 1);
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    let feed = dir.path().join("product.csv");
    write_feed(&feed, feed_mb * 1024 * 1024).map_err(|e| e.to_string())?;
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    let quarter = (accounts / 4).max(1);
    // Two turns each, the best counts.
    let mut full = Vec::new();
    let mut small = Vec::new();
    for _ in 0..2 {
        small.push(measure(&rt, &exe, quarter, &feed)?);
        full.push(measure(&rt, &exe, accounts, &feed)?);
    }
    let best = |runs: &[(f64, u64, usize)]| {
        runs.iter().copied().fold((f64::MAX, u64::MAX, 0), |a, b| {
            (a.0.min(b.0), a.1.min(b.1), b.2)
        })
    };
    let (secs, peak, pushed) = best(&full);
    let (_, peak_small, _) = best(&small);
    println!(
        "{BENCH}: {pushed} accounts × {feed_mb} MB pushed in {secs:.2} s ({:.1} accounts/s, \
         {:.1} MB/s), four at a time, each validated, hashed, uploaded and recorded",
        pushed as f64 / secs,
        (pushed * feed_mb) as f64 / secs
    );
    common::info(
        BENCH,
        &format!("push-all: {pushed} accounts × {feed_mb} MB"),
        "accounts/s",
        pushed as f64 / secs,
    );
    common::figure(
        BENCH,
        &format!("push-all peak memory, {accounts} accounts over {quarter} (flat ≈ 1×)"),
        "MB",
        peak as f64 / 1024.0,
        peak_small as f64 / 1024.0,
        Some(1.5),
    );
    Ok(())
}
