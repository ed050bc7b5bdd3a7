//! What every API command shares: where the key comes from, the client, output and errors.

use std::io::{BufRead, IsTerminal, Write};
use std::process::ExitCode;

use serde::Serialize;

use crate::payment_journal::JournalError;
use crate::profiles::{Profile, ProfileBook};
use crate::secrets::{OsKeyring, SecretStore};
use crate::stripe::{ApiKey, Client, Config, Error};

/// Options every API command takes.
#[derive(Debug, Clone, clap::Args)]
pub struct Common {
    /// Use the key of this saved profile (from the app's Profiles, key in the OS keyring)
    /// instead of `STRIPE_API_KEY`.
    #[arg(
        long,
        global = true,
        env = "SELLER_CONSOLE_PROFILE",
        value_name = "NAME"
    )]
    pub profile: Option<String>,
    /// Base URL for both Stripe hosts, e.g. a sandbox's `http://127.0.0.1:12111`.
    #[arg(long, global = true, env = "STRIPE_API_BASE", value_name = "URL")]
    pub api_base: Option<String>,
    /// Act on behalf of a connected account.
    #[arg(long, global = true, value_name = "acct_…")]
    pub account: Option<String>,
    /// Print JSON for scripts instead of text.
    #[arg(long, global = true)]
    pub json: bool,
}

/// A group of subcommands with the options every API command takes (given before or after the
/// subcommand).
#[derive(Debug, clap::Args)]
pub struct WithCommon<C: clap::Subcommand> {
    /// What to do.
    #[command(subcommand)]
    pub command: C,
    #[command(flatten)]
    pub common: Common,
}

/// A command's failure: the sentence to print and the exit code.
#[derive(Debug)]
pub struct Failure {
    /// What happened and what to do.
    pub message: String,
    /// The Stripe request id, when there is one.
    pub request_id: Option<String>,
    /// Stripe's error type and code, for `--json`.
    pub stripe_code: Option<String>,
    /// 1: the action failed; 2: bad input or setup; 3: refused (validation, no confirmation).
    pub exit: u8,
}

impl Failure {
    /// Bad input or setup (exit 2).
    pub fn usage(message: impl Into<String>) -> Failure {
        Failure {
            message: message.into(),
            request_id: None,
            stripe_code: None,
            exit: 2,
        }
    }

    /// Refused on purpose (exit 3).
    pub fn refused(message: impl Into<String>) -> Failure {
        Failure {
            exit: 3,
            ..Failure::usage(message)
        }
    }

    /// The action failed and the command's own output already says how (exit 1): nothing
    /// more is printed, so `--json` output stays one document.
    #[must_use]
    pub fn reported() -> Failure {
        Failure {
            exit: 1,
            ..Failure::usage(String::new())
        }
    }
}

impl From<JournalError> for Failure {
    /// A missing data folder is a setup problem (exit 2); the journal failing is a failed
    /// action (exit 1).
    fn from(e: JournalError) -> Failure {
        let exit = if e == JournalError::NoDataFolder {
            2
        } else {
            1
        };
        Failure {
            exit,
            ..Failure::usage(e.to_string())
        }
    }
}

impl From<Error> for Failure {
    fn from(e: Error) -> Failure {
        let exit = if matches!(e, Error::Invalid(_)) { 2 } else { 1 };
        Failure {
            message: e.user_message(),
            request_id: e.request_id().map(str::to_owned),
            stripe_code: e
                .api()
                .and_then(|a| a.code.clone().or_else(|| a.error_type.clone())),
            exit,
        }
    }
}

/// Result of a command.
pub type Outcome = Result<(), Failure>;

/// Where the key comes from, never an argument (which would land in shell history and
/// process lists): with `--profile NAME`, the saved profile's key from the OS keyring;
/// otherwise the `STRIPE_API_KEY` environment variable.
pub fn resolve_key(common: &Common) -> Result<ApiKey, Failure> {
    resolve(common).map(|(key, _)| key)
}

/// The key and, when it came from a saved profile, that profile (for its API base and
/// connected account).
fn resolve(common: &Common) -> Result<(ApiKey, Option<Profile>), Failure> {
    if let Some(name) = common.profile.as_deref().filter(|n| !n.trim().is_empty()) {
        let path = ProfileBook::default_path().ok_or_else(|| {
            Failure::usage(
                "This system has no configuration folder, so there are no saved profiles. \
                 Set STRIPE_API_KEY instead.",
            )
        })?;
        let book = ProfileBook::load(&path).map_err(Failure::usage)?;
        let profile = find_profile(&book, name)?;
        let store = OsKeyring::probe().map_err(|e| {
            Failure::usage(format!(
                "Cannot read the key of profile `{}`: {e} Or set STRIPE_API_KEY instead.",
                profile.name
            ))
        })?;
        let key = profile_key(profile, &store)?;
        return Ok((key, Some(profile.clone())));
    }
    match std::env::var("STRIPE_API_KEY") {
        Ok(k) if !k.trim().is_empty() => Ok((ApiKey::new(&k).map_err(Failure::usage)?, None)),
        _ => Err(Failure::usage(
            "No Stripe key: set the STRIPE_API_KEY environment variable to a secret (sk_…) or \
             restricted (rk_…) key, or pick a profile saved in the app with --profile NAME. \
             For a try without an account, run `seller-console sandbox` and use the key and \
             --api-base it prints.",
        )),
    }
}

/// Finds profile `name` (its name, case-insensitive, or its id) in `book`.
fn find_profile<'b>(book: &'b ProfileBook, name: &str) -> Result<&'b Profile, Failure> {
    let Some(profile) = book.find_by_name(name).or_else(|| book.get(name.trim())) else {
        let known: Vec<String> = book
            .profiles
            .iter()
            .map(|p| format!("`{}`", p.name))
            .collect();
        return Err(Failure::usage(if known.is_empty() {
            format!(
                "There is no saved profile `{}`: no profile is saved yet. Add one in the app \
                 (Profiles), or set STRIPE_API_KEY instead.",
                name.trim()
            )
        } else {
            format!(
                "There is no saved profile `{}`. Saved profiles: {}.",
                name.trim(),
                known.join(", ")
            )
        }));
    };
    Ok(profile)
}

/// Reads the key of `profile` from `store`.
fn profile_key(profile: &Profile, store: &dyn SecretStore) -> Result<ApiKey, Failure> {
    let secret = store
        .get(&profile.id)
        .map_err(|e| {
            Failure::usage(format!(
                "Cannot read the key of profile `{}`: {e}",
                profile.name
            ))
        })?
        .filter(|k| !k.trim().is_empty())
        .ok_or_else(|| {
            Failure::usage(format!(
                "Profile `{}` has no key in the {}; open it in the app and save its key \
                 again.",
                profile.name,
                store.name()
            ))
        })?;
    ApiKey::new(secret.trim()).map_err(|e| {
        Failure::usage(format!(
            "The key saved for profile `{}` cannot be used: {e}",
            profile.name
        ))
    })
}

/// Builds the client from the key, `--api-base` and `--account`; a saved profile's own
/// API base and connected account apply when the command line gives none.
pub fn client(common: &Common) -> Result<Client, Failure> {
    let (key, profile) = resolve(common)?;
    let mut config = Config::new(key);
    let base = common
        .api_base
        .as_deref()
        .or_else(|| profile.as_ref().and_then(|p| p.api_base.as_deref()))
        .filter(|b| !b.trim().is_empty());
    if let Some(base) = base {
        config = config.with_base_url(base)?;
    }
    let account = common.account.as_deref().or_else(|| {
        profile
            .as_ref()
            .and_then(|p| p.connected_account.as_deref())
    });
    config = config.with_account(account)?;
    Ok(Client::new(config)?)
}

/// Prints `value` as pretty JSON on stdout.
pub fn print_json<T: Serialize>(value: &T) -> Outcome {
    let text = serde_json::to_string_pretty(value)
        .map_err(|e| Failure::usage(format!("Could not write JSON: {e}")))?;
    println!("{text}");
    Ok(())
}

/// Prints a failure (as JSON on stdout with `--json`, else on stderr) and gives the exit code.
#[must_use]
pub fn report(failure: &Failure, json: bool) -> ExitCode {
    // The last guard: whatever a failure carries, no key is printed.
    let scrub = |t: &str| crate::stripe::scrub_secrets(t);
    let message = scrub(&failure.message);
    if message.is_empty() {
        return ExitCode::from(failure.exit);
    }
    if json {
        let body = serde_json::json!({
            "error": {
                "message": message,
                "request_id": failure.request_id.as_deref().map(scrub),
                "code": failure.stripe_code.as_deref().map(scrub),
            }
        });
        println!("{body:#}");
    } else {
        eprintln!("error: {message}");
    }
    ExitCode::from(failure.exit)
}

/// Asks for typed confirmation before moving live money. Refuses when nobody can answer
/// (stdin is not a terminal): pass `--yes` in scripts.
pub fn confirm_live(client: &Client, what: &str, yes: bool) -> Outcome {
    if !client.is_live() || yes {
        return Ok(());
    }
    let stdin = std::io::stdin();
    if !stdin.is_terminal() {
        return Err(Failure::refused(format!(
            "This would {what} with a LIVE key. Nobody is at the terminal to confirm, so \
             nothing was done; add --yes to confirm in a script."
        )));
    }
    eprint!("LIVE MODE: this will {what}. Type `yes` to go ahead: ");
    let _ = std::io::stderr().flush();
    let mut line = String::new();
    stdin
        .lock()
        .read_line(&mut line)
        .map_err(|e| Failure::usage(format!("Could not read the confirmation: {e}")))?;
    if line.trim().eq_ignore_ascii_case("yes") {
        Ok(())
    } else {
        Err(Failure::refused("Not confirmed; nothing was done."))
    }
}

/// Formats unix seconds as `2026-04-06 10:00 UTC`.
#[must_use]
pub fn date(ts: i64) -> String {
    chrono::DateTime::from_timestamp(ts, 0).map_or_else(
        || ts.to_string(),
        |t| t.format("%Y-%m-%d %H:%M UTC").to_string(),
    )
}

/// How far `deadline` (unix seconds) is from now, in words (`in 5 h`, `2 d ago`).
#[must_use]
pub fn relative(deadline: i64) -> String {
    let delta = deadline - chrono::Utc::now().timestamp();
    let (abs, future) = (delta.unsigned_abs(), delta >= 0);
    let text = if abs < 3600 {
        format!("{} min", abs / 60)
    } else if abs < 48 * 3600 {
        format!("{} h", abs / 3600)
    } else {
        format!("{} d", abs / 86_400)
    };
    if future {
        format!("in {text}")
    } else {
        format!("{text} ago")
    }
}

/// Parses `--since`: `2026-04-01`, an RFC 3339 time, or a relative `7d` / `12h`.
pub fn parse_since(text: &str) -> Result<i64, Failure> {
    let t = text.trim();
    if let Some(n) = t.strip_suffix('d').and_then(|n| n.parse::<i64>().ok()) {
        return Ok(chrono::Utc::now().timestamp() - n * 86_400);
    }
    if let Some(n) = t.strip_suffix('h').and_then(|n| n.parse::<i64>().ok()) {
        return Ok(chrono::Utc::now().timestamp() - n * 3600);
    }
    if let Ok(d) = chrono::NaiveDate::parse_from_str(t, "%Y-%m-%d")
        && let Some(dt) = d.and_hms_opt(0, 0, 0)
    {
        return Ok(dt.and_utc().timestamp());
    }
    if let Ok(dt) = chrono::DateTime::parse_from_rfc3339(t) {
        return Ok(dt.timestamp());
    }
    Err(Failure::usage(format!(
        "`{text}` is not a date; write 2026-04-01, 2026-04-01T09:00:00Z, 7d or 12h."
    )))
}

/// A progress bar on stderr, drawn only when stderr is a terminal.
#[must_use]
pub fn progress_bar(label: &str) -> Option<crate::stripe::Progress> {
    if !std::io::stderr().is_terminal() {
        return None;
    }
    let label = label.to_owned();
    let last = std::sync::Mutex::new(u64::MAX);
    Some(std::sync::Arc::new(move |done: u64, total: u64| {
        let pct = (done * 100).checked_div(total).unwrap_or(100);
        let mut last = last
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if *last == pct {
            return;
        }
        *last = pct;
        let filled = (pct / 4) as usize;
        eprint!(
            "\r{label} [{}{}] {pct:>3}% {:.1}/{:.1} MB",
            "#".repeat(filled),
            " ".repeat(25 - filled.min(25)),
            done as f64 / 1_048_576.0,
            total as f64 / 1_048_576.0
        );
        if done >= total {
            eprintln!();
        }
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn since_accepts_dates_times_and_relative_days() {
        assert_eq!(parse_since("2026-04-01").unwrap(), 1_775_001_600);
        assert_eq!(parse_since("2026-04-01T00:00:00Z").unwrap(), 1_775_001_600);
        let week = parse_since("7d").unwrap();
        assert!((chrono::Utc::now().timestamp() - week - 7 * 86_400).abs() < 5);
        assert!(parse_since("last tuesday").is_err());
    }

    #[test]
    fn profile_keys_come_from_the_store() {
        use crate::secrets::MemoryStore;
        let key = concat!("sk_", "test_", "ProfileKey4242");
        let mut book = ProfileBook::default();
        let mut shop = Profile::new("Shop test", key);
        shop.api_base = Some("http://127.0.0.1:9".into());
        book.upsert(shop.clone());
        book.upsert(Profile::new("Empty", key));
        let store = MemoryStore::default();
        store.set(&shop.id, key).unwrap();

        let profile = find_profile(&book, "shop TEST").unwrap();
        assert_eq!(profile.api_base.as_deref(), Some("http://127.0.0.1:9"));
        assert!(!profile_key(profile, &store).unwrap().is_live());
        assert_eq!(find_profile(&book, &shop.id).unwrap().name, "Shop test");

        let unknown = find_profile(&book, "Other").unwrap_err();
        assert_eq!(unknown.exit, 2);
        assert!(unknown.message.contains("`Shop test`, `Empty`"));
        let empty = find_profile(&book, "Empty").unwrap();
        let no_key = profile_key(empty, &store).unwrap_err();
        assert!(no_key.message.contains("has no key"));
        assert!(!no_key.message.contains("ProfileKey"));
        let none_saved = find_profile(&ProfileBook::default(), "x").unwrap_err();
        assert!(none_saved.message.contains("no profile is saved yet"));
    }

    #[test]
    fn stripe_errors_become_failures_with_request_ids() {
        let api = crate::stripe::ApiError::from_response(
            400,
            Some("req_9".into()),
            None,
            None,
            br#"{"error":{"type":"invalid_request_error","code":"charge_already_refunded"}}"#,
        );
        let f = Failure::from(Error::from(api));
        assert_eq!(f.exit, 1);
        assert_eq!(f.request_id.as_deref(), Some("req_9"));
        assert_eq!(f.stripe_code.as_deref(), Some("charge_already_refunded"));
        assert!(f.message.contains("already been refunded"));
    }
}
