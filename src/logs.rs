//! Logs for support: `tracing` events written to a daily rolling file in the platform's state
//! folder (`~/.local/state/seller-console/logs` on Linux), and to stderr with the command
//! line's `--verbose`. What is logged never holds a key or a body: requests are logged by
//! method, path (no query), status, request id and duration, and every line is scrubbed again
//! when it is read back for a support ticket ([`diagnostics`]).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use tracing_subscriber::filter::{LevelFilter, Targets};
use tracing_subscriber::fmt;
use tracing_subscriber::prelude::*;

/// Where the log files go instead of the platform's state folder (tests, portable installs).
pub const LOG_DIR_ENV: &str = "SELLER_CONSOLE_LOG_DIR";

/// The log files' names: `seller-console.<date>.log`.
const PREFIX: &str = "seller-console";
const SUFFIX: &str = "log";

/// Days of log files kept.
const KEEP_FILES: usize = 14;

/// Lines of log a diagnostics report carries.
pub const DIAGNOSTIC_LINES: usize = 200;

/// The folder the log files go to: `SELLER_CONSOLE_LOG_DIR` when set, else the platform's state
/// folder (Linux), else a `logs` folder in its local data folder (macOS, Windows).
#[must_use]
pub fn log_dir() -> Option<PathBuf> {
    match std::env::var_os(LOG_DIR_ENV) {
        Some(dir) if !dir.is_empty() => Some(PathBuf::from(dir)),
        _ => directories::ProjectDirs::from("com", "SellerConsole", "seller-console").map(|d| {
            d.state_dir()
                .unwrap_or_else(|| d.data_local_dir())
                .join("logs")
        }),
    }
}

/// Starts logging for this process: the day's file (info and above from the console's own
/// code), and with `verbose` the same events down to debug on stderr. Returns the log folder,
/// or why there is no file (logging then goes to stderr only when verbose; nothing fails).
pub fn init(verbose: bool) -> Result<PathBuf, String> {
    let own = |level: LevelFilter| {
        // The library and the binary both log under the crate's name.
        Targets::new()
            .with_target("seller_console", level)
            .with_default(LevelFilter::WARN)
    };
    let stderr = verbose.then(|| {
        fmt::layer()
            .with_writer(std::io::stderr)
            .with_target(false)
            .with_filter(own(LevelFilter::DEBUG))
    });
    let file = open_file();
    let (file_layer, outcome) = match file {
        Ok((dir, appender)) => (
            Some(
                fmt::layer()
                    .with_writer(appender)
                    .with_target(false)
                    .with_filter(own(LevelFilter::INFO)),
            ),
            Ok(dir),
        ),
        Err(e) => (None, Err(e)),
    };
    tracing_subscriber::registry()
        .with(file_layer)
        .with(stderr)
        .try_init()
        .map_err(|e| format!("logging was already started: {e}"))?;
    outcome
}

fn open_file() -> Result<(PathBuf, tracing_appender::rolling::RollingFileAppender), String> {
    let dir = log_dir().ok_or("there is no home folder to keep logs in")?;
    std::fs::create_dir_all(&dir)
        .map_err(|e| format!("the log folder {} cannot be made: {e}", dir.display()))?;
    let appender = tracing_appender::rolling::Builder::new()
        .rotation(tracing_appender::rolling::Rotation::DAILY)
        .filename_prefix(PREFIX)
        .filename_suffix(SUFFIX)
        .max_log_files(KEEP_FILES)
        .build(&dir)
        .map_err(|e| format!("the log file in {} cannot be opened: {e}", dir.display()))?;
    Ok((dir, appender))
}

/// The newest log file in `dir`, if any.
#[must_use]
pub fn newest_file(dir: &Path) -> Option<PathBuf> {
    std::fs::read_dir(dir)
        .ok()?
        .filter_map(Result::ok)
        .filter(|e| {
            let name = e.file_name();
            let name = name.to_string_lossy();
            name.starts_with(PREFIX) && name.ends_with(SUFFIX)
        })
        .filter_map(|e| Some((e.metadata().ok()?.modified().ok()?, e.path())))
        .max()
        .map(|(_, path)| path)
}

/// The last `n` lines of the newest log file in `dir`, scrubbed.
#[must_use]
pub fn recent_lines(dir: &Path, n: usize) -> Vec<String> {
    let Some(file) = newest_file(dir) else {
        return Vec::new();
    };
    let Ok(bytes) = std::fs::read(&file) else {
        return Vec::new();
    };
    let text = String::from_utf8_lossy(&bytes);
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(n)..]
        .iter()
        .map(|line| scrub(line))
        .collect()
}

/// A log line with anything secret or personal taken out: keys and webhook secrets shortened
/// to their last four characters, e-mail addresses masked.
#[must_use]
pub fn scrub(line: &str) -> String {
    let line = crate::stripe::scrub_secrets(line);
    line.split(' ')
        .map(|word| match word.find('@') {
            Some(at) if at > 0 && word[at + 1..].contains('.') => "[e-mail]".to_owned(),
            _ => word.to_owned(),
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// What a support ticket needs: the app's and the system's versions, the profile's mode, and
/// the last [`DIAGNOSTIC_LINES`] lines of the log, scrubbed.
#[must_use]
pub fn diagnostics(mode: &str) -> String {
    let mut out = format!(
        "Seller Console {}\nSystem: {} ({} {})\nProfile mode: {mode}\n",
        env!("CARGO_PKG_VERSION"),
        os_name(),
        std::env::consts::OS,
        std::env::consts::ARCH,
    );
    match log_dir() {
        Some(dir) => {
            let lines = recent_lines(&dir, DIAGNOSTIC_LINES);
            let _ = writeln!(
                out,
                "Log folder: {}\nLast {} log lines:",
                dir.display(),
                lines.len()
            );
            for line in lines {
                out.push_str(&line);
                out.push('\n');
            }
        }
        None => out.push_str("No log folder.\n"),
    }
    out
}

/// The system's name and version as it gives them (`PRETTY_NAME` of os-release on Linux).
fn os_name() -> String {
    std::fs::read_to_string("/etc/os-release")
        .ok()
        .and_then(|text| {
            text.lines()
                .find_map(|l| l.strip_prefix("PRETTY_NAME="))
                .map(|v| v.trim_matches('"').to_owned())
        })
        .unwrap_or_else(|| std::env::consts::OS.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scrubbing_takes_out_keys_and_email_addresses() {
        let line = "GET /v1/customers status=200 key=sk_test_51AbCdEfGhIjKlMnOp1234 \
                    email=ada@example.com note=a@b";
        let clean = scrub(line);
        assert!(!clean.contains("sk_test_51AbCdEfGhIjKlMnOp1234"), "{clean}");
        assert!(!clean.contains("ada@example.com"), "{clean}");
        assert!(clean.contains("status=200"));
    }

    #[test]
    fn recent_lines_are_the_newest_files_last_lines() {
        let dir = tempfile::tempdir().unwrap();
        let body = (1..=300).fold(String::new(), |mut s, i| {
            let _ = writeln!(s, "line {i}");
            s
        });
        std::fs::write(dir.path().join("seller-console.2026-12-01.log"), "old\n").unwrap();
        std::thread::sleep(std::time::Duration::from_millis(20));
        std::fs::write(dir.path().join("seller-console.2026-12-02.log"), body).unwrap();
        let lines = recent_lines(dir.path(), DIAGNOSTIC_LINES);
        assert_eq!(lines.len(), 200);
        assert_eq!(lines.first().map(String::as_str), Some("line 101"));
        assert_eq!(lines.last().map(String::as_str), Some("line 300"));
    }
}
