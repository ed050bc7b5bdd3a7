//! The journal of money-moving writes (refunds, captures, cancels), shared by the app and the
//! command line: `payment-journal.json` in the data folder.
//!
//! Every attempt is written down, with the idempotency key made when the user decided, before
//! its request leaves. An attempt whose answer never came (the process was killed, the
//! connection broke, Stripe failed on its side) stays in the journal, and the same command run
//! again resumes it with the same key, so Stripe answers it once instead of paying twice.
//!
//! Every read-modify-write holds an exclusive file lock (`payment-journal.lock`), so the app and
//! any number of command-line runs at once never lose an entry; every write goes through
//! [`crate::durable`] (temporary file, fsync, rename, fsync of the folder). A journal that
//! cannot be read is reported and never overwritten.

use std::collections::BTreeMap;
use std::fmt;
use std::fs::{File, OpenOptions};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::durable::{self, Access};
use crate::money;
use crate::stripe::payment_intents::PaymentIntentStatus;
use crate::stripe::refunds::{ConnectRefund, Refund, RefundReason, RefundRequest};
use crate::stripe::{Client, IdempotencyKey};

/// The journal's file name inside the data folder.
pub const FILE_NAME: &str = "payment-journal.json";

/// The lock file next to it (the journal itself is replaced on every write, so it cannot
/// carry the lock).
const LOCK_NAME: &str = "payment-journal.lock";

/// The refund journal of earlier versions; its entries are taken over on the first write.
const OLD_REFUND_JOURNAL: &str = "refund-journal.json";

/// The environment variable that points the app and the command line at another data folder
/// (tests, portable installs).
pub const DATA_DIR_ENV: &str = "SELLER_CONSOLE_DATA_DIR";

/// How long an attempt may be resumed with its key. Stripe may prune idempotency keys once they
/// are 24 hours old; an hour is kept as a margin.
pub const KEY_WINDOW_SECS: i64 = 23 * 3600;

/// How soon after an identical refund a new one needs an explicit "again".
pub const AGAIN_WINDOW_SECS: i64 = 10 * 60;

/// Settled attempts are kept this long (for the "again" check and for people reading the file).
const KEEP_SETTLED_SECS: i64 = 30 * 86_400;

/// The metadata key that ties a refund to its attempt, so the payment's refunds tell whether an
/// attempt whose answer was lost was made.
pub const ATTEMPT_METADATA: &str = "seller_console_attempt";

/// The data folder the app and the command line share: `SELLER_CONSOLE_DATA_DIR` when set,
/// else the platform's data folder (`~/.local/share/seller-console` on Linux).
#[must_use]
pub fn data_dir() -> Option<PathBuf> {
    match std::env::var_os(DATA_DIR_ENV) {
        Some(dir) if !dir.is_empty() => Some(PathBuf::from(dir)),
        _ => directories::ProjectDirs::from("com", "SellerConsole", "seller-console")
            .map(|d| d.data_dir().to_path_buf()),
    }
}

/// What kind of write an attempt is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// `POST /v1/refunds`.
    Refund,
    /// `POST /v1/payment_intents/…/capture`.
    Capture,
    /// `POST /v1/payment_intents/…/cancel`.
    Cancel,
}

impl Kind {
    /// The noun, as in "this refund".
    #[must_use]
    pub fn noun(self) -> &'static str {
        match self {
            Kind::Refund => "refund",
            Kind::Capture => "capture",
            Kind::Cancel => "cancellation",
        }
    }

    /// Why sending it again is safe, in words.
    fn never_twice(self) -> &'static str {
        match self {
            Kind::Refund => "it cannot pay twice",
            Kind::Capture => "it cannot capture twice",
            Kind::Cancel => "it cannot run twice",
        }
    }
}

/// Where an attempt is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum State {
    /// Journalled; the request is leaving or on its way (or its sender was killed).
    Sending,
    /// The request failed in a way that leaves open whether Stripe acted on it.
    OutcomeUnknown {
        /// What went wrong, in words.
        detail: String,
    },
    /// Stripe made it.
    Done {
        /// The Stripe object: the refund (`re_…`) or the payment intent.
        object: String,
    },
    /// Stripe refused it; nothing moved.
    Refused {
        /// Stripe's answer, in words.
        message: String,
    },
    /// Its outcome was unknown when Stripe's key window ran out, and the payment shows no
    /// trace of it; it is never sent again.
    Lapsed,
}

/// What the user asked for. Two requests with the same kind, account, payment and amount are
/// "the same command".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Request {
    /// Refund, capture or cancel.
    pub kind: Kind,
    /// The account, as [`crate::stripe::Config::account_key`] names it.
    pub account: String,
    /// `pi_…`.
    pub payment_intent: String,
    /// Minor units; `None` is everything left (refund) or the whole authorization (capture).
    pub amount: Option<i64>,
    /// Lower-case currency, for messages.
    pub currency: String,
    /// Stripe's refund or cancellation reason, as sent.
    #[serde(default)]
    pub reason: Option<String>,
    /// The internal note stored on a refund.
    #[serde(default)]
    pub note: Option<String>,
    /// The Checkout Session, when the app started it.
    #[serde(default)]
    pub session: Option<String>,
    /// For a refund of a destination charge: what it takes back from the seller, as sent.
    #[serde(default, skip_serializing_if = "ConnectRefund::is_off")]
    pub connect: ConnectRefund,
}

impl Request {
    fn same_command(&self, other: &Request) -> bool {
        self.kind == other.kind
            && self.account == other.account
            && self.payment_intent == other.payment_intent
            && self.amount == other.amount
    }

    /// "the refund of 2.00 USD on pi_…", "the capture of the whole authorization on pi_…".
    #[must_use]
    pub fn describe(&self) -> String {
        let what = match (self.kind, self.amount) {
            (Kind::Cancel, _) => return format!("the cancellation of {}", self.payment_intent),
            (_, Some(a)) => money::format(a, &self.currency),
            (Kind::Refund, None) => "everything left".to_owned(),
            (Kind::Capture, None) => "the whole authorization".to_owned(),
        };
        format!(
            "the {} of {what} on {}",
            self.kind.noun(),
            self.payment_intent
        )
    }
}

/// One journalled write.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attempt {
    /// The idempotency key, made when the user decided; every send of this attempt uses it.
    pub key: String,
    /// What was asked.
    pub request: Request,
    /// The refund metadata exactly as sent (a resumed send must match the first one).
    #[serde(default)]
    pub metadata: BTreeMap<String, String>,
    /// Where it is.
    pub state: State,
    /// When the user decided (unix seconds).
    pub started_at: i64,
    /// When the state last changed.
    pub updated_at: i64,
    /// How many times it was sent (resumes included).
    #[serde(default)]
    pub sends: u32,
}

impl Attempt {
    /// True while Stripe's answer is not known.
    #[must_use]
    pub fn unresolved(&self) -> bool {
        matches!(self.state, State::Sending | State::OutcomeUnknown { .. })
    }

    /// True when its key may no longer be resumed (see [`KEY_WINDOW_SECS`]).
    #[must_use]
    pub fn key_expired(&self, now: i64) -> bool {
        now - self.started_at >= KEY_WINDOW_SECS
    }

    /// The key, checked.
    pub fn idempotency_key(&self) -> Result<IdempotencyKey, String> {
        IdempotencyKey::parse(&self.key).map_err(|e| {
            format!(
                "The journalled {} has an unusable key ({e}); it was not sent. Check the \
                 payment in the Stripe Dashboard before trying again.",
                self.request.kind.noun()
            )
        })
    }

    /// The refund request this attempt sends (the same bytes on every send).
    #[must_use]
    pub fn refund_request(&self) -> RefundRequest {
        RefundRequest {
            payment_intent: self.request.payment_intent.clone(),
            amount: self.request.amount,
            reason: self.request.reason.as_deref().map(RefundReason::from),
            metadata: self.metadata.clone(),
            connect: self.request.connect,
        }
    }

    /// The refund among `refunds` that this attempt made, found by its metadata.
    #[must_use]
    pub fn made<'r>(&self, refunds: &'r [Refund]) -> Option<&'r Refund> {
        refunds.iter().find(|r| {
            r.metadata
                .as_ref()
                .and_then(|m| m.get(ATTEMPT_METADATA))
                .is_some_and(|k| *k == self.key)
        })
    }
}

/// Asks Stripe whether an attempt whose answer was lost was made, without sending it: the
/// payment's refunds carry the attempt's key in their metadata, and a payment is captured or
/// canceled once. `Some(object id)` when it was made, `None` when the payment shows no trace of
/// it.
pub async fn find_out(
    client: &Client,
    a: &Attempt,
) -> Result<Option<String>, crate::stripe::Error> {
    let pi = &a.request.payment_intent;
    match a.request.kind {
        Kind::Refund => {
            let refunds = client.list_refunds(pi)?.collect_all().await?;
            Ok(a.made(&refunds).map(|r| r.id.clone()))
        }
        Kind::Capture => {
            let p = client.retrieve_payment_intent(pi).await?;
            Ok((p.status == PaymentIntentStatus::Succeeded).then(|| p.id.clone()))
        }
        Kind::Cancel => {
            let p = client.retrieve_payment_intent(pi).await?;
            Ok((p.status == PaymentIntentStatus::Canceled).then(|| p.id.clone()))
        }
    }
}

/// What to do with a command, decided under the journal's lock.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Begin {
    /// A new attempt, journalled as sending: send it.
    New(Attempt),
    /// An earlier attempt of the same command whose answer is not known: send it again with its
    /// key (Stripe answers it once).
    Resume(Attempt),
    /// An earlier attempt of the same command whose answer is not known and whose key Stripe may
    /// have forgotten: never send it again; find out from the payment instead.
    Lapsed(Attempt),
    /// A new refund could repeat an earlier one by mistake; it needs an explicit "again".
    AskAgain(Attempt),
}

/// The journal in a data folder.
#[derive(Debug, Clone)]
pub struct PaymentJournal {
    dir: PathBuf,
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct FileBody {
    version: u32,
    attempts: Vec<Attempt>,
}

/// An entry of the refund journal of earlier versions.
#[derive(Deserialize)]
struct OldPendingRefund {
    idempotency_key: String,
    account: String,
    session: String,
    payment_intent: String,
    amount: i64,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    note: String,
    confirmed_at: i64,
}

/// Why the payment journal could not be used; `Display` is a sentence that says what to do.
/// The command line answers a missing data folder as a setup problem (exit 2), the rest as a
/// failed action (exit 1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JournalError {
    /// This system has no data folder for the journal.
    NoDataFolder,
    /// The journal, its folder or its lock could not be created, read or written; the
    /// sentence names the file and the cause.
    Storage(String),
    /// The journal file is damaged; the sentence says what to check before moving it aside.
    Damaged(String),
    /// The idempotency key given belongs to another command; the sentence names it.
    KeyOfAnotherCommand(String),
}

impl fmt::Display for JournalError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            JournalError::NoDataFolder => write!(
                f,
                "This system has no data folder for the payment journal, so nothing was sent. \
                 Set {DATA_DIR_ENV} to a folder the console may write to."
            ),
            JournalError::Storage(sentence)
            | JournalError::Damaged(sentence)
            | JournalError::KeyOfAnotherCommand(sentence) => f.write_str(sentence),
        }
    }
}

impl std::error::Error for JournalError {}

impl PaymentJournal {
    /// The journal in `dir` (created on the first write).
    #[must_use]
    pub fn in_dir(dir: &Path) -> Self {
        PaymentJournal {
            dir: dir.to_path_buf(),
        }
    }

    /// The journal in the shared data folder ([`data_dir`]).
    pub fn open_default() -> Result<Self, JournalError> {
        data_dir()
            .map(|d| Self::in_dir(&d))
            .ok_or(JournalError::NoDataFolder)
    }

    /// The journal file.
    #[must_use]
    pub fn path(&self) -> PathBuf {
        self.dir.join(FILE_NAME)
    }

    /// Every attempt, oldest first.
    pub fn attempts(&self) -> Result<Vec<Attempt>, JournalError> {
        self.update(|all| all.clone())
    }

    /// Every attempt whose answer is not known, on `account`.
    pub fn unresolved(&self, account: &str) -> Result<Vec<Attempt>, JournalError> {
        self.update(|all| {
            all.iter()
                .filter(|a| a.unresolved() && a.request.account == account)
                .cloned()
                .collect()
        })
    }

    /// The newest attempt of the same command whose answer is not known, if any (to skip the
    /// checks that only a fresh command needs).
    pub fn open_attempt(&self, request: &Request) -> Result<Option<Attempt>, JournalError> {
        self.update(|all| {
            all.iter()
                .rev()
                .find(|a| a.unresolved() && a.request.same_command(request))
                .cloned()
        })
    }

    /// Decides what to do with `request` and journals it, all under the lock.
    ///
    /// An unresolved attempt of the same command is resumed (or, past Stripe's key window,
    /// reported as [`Begin::Lapsed`]). Without `again`, a refund is held back
    /// ([`Begin::AskAgain`]) when the same refund was made moments ago, or when another refund
    /// of the same payment still has no answer. `key` reuses a key the user gave: the attempt
    /// with that key is resumed, or a new attempt gets it.
    pub fn begin(
        &self,
        request: Request,
        metadata: BTreeMap<String, String>,
        key: Option<&IdempotencyKey>,
        again: bool,
        now: i64,
    ) -> Result<Begin, JournalError> {
        self.update(|all| decide(all, request, metadata, key, again, now))?
    }

    /// Records the outcome of an attempt.
    pub fn settle(&self, key: &str, state: State, now: i64) -> Result<(), JournalError> {
        self.update(|all| {
            if let Some(a) = all.iter_mut().find(|a| a.key == key) {
                a.state = state;
                a.updated_at = now;
            }
        })
    }

    /// Runs `change` on every attempt under the lock and writes the result when it changed.
    fn update<R>(&self, change: impl FnOnce(&mut Vec<Attempt>) -> R) -> Result<R, JournalError> {
        let _lock = self.lock()?;
        let (mut all, migrated) = self.read()?;
        let before = all.clone();
        let out = change(&mut all);
        let now = chrono::Utc::now().timestamp();
        all.retain(|a| a.unresolved() || now - a.updated_at < KEEP_SETTLED_SECS);
        if all != before || migrated {
            self.write(&all)?;
            if migrated {
                let old = self.dir.join(OLD_REFUND_JOURNAL);
                std::fs::remove_file(&old)
                    .and_then(|()| durable::sync_dir(&self.dir))
                    .map_err(|e| {
                        JournalError::Storage(format!("Could not remove {}: {e}", old.display()))
                    })?;
            }
        }
        Ok(out)
    }

    fn lock(&self) -> Result<File, JournalError> {
        create_private_dir(&self.dir).map_err(|e| {
            JournalError::Storage(format!("Could not create {}: {e}", self.dir.display()))
        })?;
        let path = self.dir.join(LOCK_NAME);
        let file = open_lock_file(&path).map_err(|e| {
            JournalError::Storage(format!("Could not open {}: {e}", path.display()))
        })?;
        // Held until the file is closed (dropped).
        fs4::FileExt::lock(&file).map_err(|e| {
            JournalError::Storage(format!("Could not lock {}: {e}", path.display()))
        })?;
        Ok(file)
    }

    /// The attempts on disk, and whether some came from the old refund journal.
    fn read(&self) -> Result<(Vec<Attempt>, bool), JournalError> {
        let path = self.path();
        let mut all = match std::fs::read(&path) {
            Ok(bytes) => {
                serde_json::from_slice::<FileBody>(&bytes)
                    .map_err(|e| damaged(&path, &e))?
                    .attempts
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
            Err(e) => {
                return Err(JournalError::Storage(format!(
                    "Could not read {}: {e}",
                    path.display()
                )));
            }
        };
        let old = self.dir.join(OLD_REFUND_JOURNAL);
        let migrated = match std::fs::read(&old) {
            Ok(bytes) => {
                let entries: Vec<OldPendingRefund> =
                    serde_json::from_slice(&bytes).map_err(|e| damaged(&old, &e))?;
                for e in entries {
                    if all.iter().any(|a| a.key == e.idempotency_key) {
                        continue;
                    }
                    all.push(from_old(e));
                }
                true
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => false,
            Err(e) => {
                return Err(JournalError::Storage(format!(
                    "Could not read {}: {e}",
                    old.display()
                )));
            }
        };
        Ok((all, migrated))
    }

    fn write(&self, all: &[Attempt]) -> Result<(), JournalError> {
        let body = FileBody {
            version: 1,
            attempts: all.to_vec(),
        };
        let mut json =
            serde_json::to_vec_pretty(&body).map_err(|e| JournalError::Storage(e.to_string()))?;
        json.push(b'\n');
        let path = self.path();
        // What a killed writer left behind (never a write that is still running).
        let _ = durable::sweep_leftovers(&self.dir);
        durable::write(&path, &json, Access::Private).map_err(|e| {
            JournalError::Storage(format!(
                "Could not write the payment journal {}: {e}",
                path.display()
            ))
        })
    }
}

fn decide(
    all: &mut Vec<Attempt>,
    request: Request,
    metadata: BTreeMap<String, String>,
    key: Option<&IdempotencyKey>,
    again: bool,
    now: i64,
) -> Result<Begin, JournalError> {
    if let Some(key) = key
        && let Some(a) = all.iter_mut().find(|a| a.key == key.as_str())
    {
        if a.request.kind != request.kind
            || a.request.payment_intent != request.payment_intent
            || a.request.account != request.account
        {
            return Err(JournalError::KeyOfAnotherCommand(format!(
                "The idempotency key {key} belongs to {} started at {}, not to this command; \
                 nothing was sent. Leave --idempotency-key out to start a new attempt.",
                a.request.describe(),
                clock(a.started_at)
            )));
        }
        a.state = State::Sending;
        a.updated_at = now;
        a.sends += 1;
        return Ok(Begin::Resume(a.clone()));
    }
    if key.is_none() {
        if let Some(a) = all
            .iter_mut()
            .rev()
            .find(|a| a.unresolved() && a.request.same_command(&request))
        {
            if !a.key_expired(now) {
                a.state = State::Sending;
                a.updated_at = now;
                a.sends += 1;
                return Ok(Begin::Resume(a.clone()));
            }
            if !again {
                return Ok(Begin::Lapsed(a.clone()));
            }
            // The user was told, checked and asked again: this attempt is given up.
            a.state = State::Lapsed;
            a.updated_at = now;
        }
        if !again && request.kind == Kind::Refund {
            let held = all.iter().rev().find(|a| {
                a.request.kind == Kind::Refund
                    && a.request.account == request.account
                    && a.request.payment_intent == request.payment_intent
                    && ((a.unresolved() && !a.key_expired(now))
                        || (a.request.amount == request.amount
                            && matches!(a.state, State::Done { .. } | State::Lapsed)
                            && now - a.updated_at < AGAIN_WINDOW_SECS))
            });
            if let Some(a) = held {
                return Ok(Begin::AskAgain(a.clone()));
            }
        }
    }
    let key = key.cloned().unwrap_or_default();
    let mut metadata = metadata;
    if request.kind == Kind::Refund {
        metadata.insert(ATTEMPT_METADATA.into(), key.as_str().to_owned());
    }
    let attempt = Attempt {
        key: key.as_str().to_owned(),
        request,
        metadata,
        state: State::Sending,
        started_at: now,
        updated_at: now,
        sends: 1,
    };
    all.push(attempt.clone());
    Ok(Begin::New(attempt))
}

fn from_old(e: OldPendingRefund) -> Attempt {
    let mut metadata = BTreeMap::new();
    if !e.note.is_empty() {
        metadata.insert("note".to_owned(), e.note.clone());
    }
    metadata.insert("refunded_from".to_owned(), "seller-console".to_owned());
    let mut parts = e.account.splitn(2, '|');
    let base = parts.next().unwrap_or_default().trim_end_matches('/');
    let account = match parts.next() {
        Some(rest) => format!("{base}|{rest}"),
        None => base.to_owned(),
    };
    Attempt {
        key: e.idempotency_key,
        request: Request {
            kind: Kind::Refund,
            account,
            payment_intent: e.payment_intent,
            amount: Some(e.amount),
            currency: "usd".to_owned(),
            reason: (!e.reason.is_empty()).then_some(e.reason),
            note: (!e.note.is_empty()).then_some(e.note),
            session: Some(e.session),
            connect: ConnectRefund::default(),
        },
        metadata,
        state: State::OutcomeUnknown {
            detail: "carried over from the refund journal of an earlier version".to_owned(),
        },
        started_at: e.confirmed_at,
        updated_at: e.confirmed_at,
        sends: 1,
    }
}

fn damaged(path: &Path, e: &serde_json::Error) -> JournalError {
    JournalError::Damaged(format!(
        "The payment journal {} is damaged ({e}), so nothing was sent: it may hold a refund or \
         capture whose outcome is unknown, which must not be repeated with a new key. Check \
         the payments it names in the Stripe Dashboard, then move the file aside.",
        path.display()
    ))
}

#[cfg(unix)]
fn open_lock_file(path: &Path) -> std::io::Result<File> {
    use std::os::unix::fs::OpenOptionsExt;
    OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .mode(0o600)
        .open(path)
}

#[cfg(not(unix))]
fn open_lock_file(path: &Path) -> std::io::Result<File> {
    OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(path)
}

#[cfg(unix)]
fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::DirBuilderExt;
    if dir.is_dir() {
        return Ok(());
    }
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
}

#[cfg(not(unix))]
fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)
}

/// A time of day for messages: `14:02` today, `2026-04-06 14:02` otherwise (local time).
#[must_use]
pub fn clock(ts: i64) -> String {
    use chrono::TimeZone as _;
    let Some(at) = chrono::Local.timestamp_opt(ts, 0).single() else {
        return ts.to_string();
    };
    if at.date_naive() == chrono::Local::now().date_naive() {
        at.format("%H:%M").to_string()
    } else {
        at.format("%Y-%m-%d %H:%M").to_string()
    }
}

/// Who will read a message: the command line or the app (they name the next step differently).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reader {
    /// `seller-console refund|capture|cancel`.
    Cli,
    /// The Orders view.
    App,
}

/// "Resuming the refund of 2.00 USD on pi_… started at 14:02 (key …): Stripe will answer it
/// once."
#[must_use]
pub fn resuming(a: &Attempt) -> String {
    format!(
        "Resuming {} started at {} (key {}): Stripe will answer it once.",
        a.request.describe(),
        clock(a.started_at),
        a.key
    )
}

/// The sentence for an attempt whose outcome is unknown (`cause` says what went wrong).
#[must_use]
pub fn outcome_unknown(a: &Attempt, cause: &str, reader: Reader) -> String {
    let kind = a.request.kind;
    let what = a.request.describe();
    match reader {
        Reader::Cli => format!(
            "Stripe may have made {what} ({cause}); run the same command again to find out, {} \
             (it resumes this attempt with the same idempotency key, {}).",
            kind.never_twice(),
            a.key
        ),
        Reader::App => format!(
            "Stripe may have made {what} ({cause}). It is kept with its key and sent again when \
             you press {} again or the next time the app starts, to find out; it cannot be \
             made twice.",
            match kind {
                Kind::Refund => "Refund",
                Kind::Capture => "Capture",
                Kind::Cancel => "Cancel authorization",
            }
        ),
    }
}

/// Why a refund is held back until the user says "again" ([`Begin::AskAgain`]).
#[must_use]
pub fn ask_again(earlier: &Attempt, request: &Request, now: i64, reader: Reader) -> String {
    let minutes = ((now - earlier.updated_at).max(0) + 59) / 60;
    let why = match &earlier.state {
        State::Done { object } => format!(
            "{} was already refunded by an identical refund {} ago ({object}, {}), so a second \
             one now is probably a mistake.",
            request.payment_intent,
            if minutes <= 1 {
                "a minute".to_owned()
            } else {
                format!("{minutes} minutes")
            },
            describe_amount(&earlier.request)
        ),
        State::Lapsed => format!(
            "{} started at {} never got an answer, and Stripe has forgotten its key; check the \
             payment's refunds before refunding again.",
            capitalized(&earlier.request.describe()),
            clock(earlier.started_at)
        ),
        _ => format!(
            "{} started at {} has no answer yet, and Stripe may have made it. Find out first: \
             {}, which cannot pay twice.",
            capitalized(&earlier.request.describe()),
            clock(earlier.started_at),
            match reader {
                Reader::Cli => format!(
                    "run that refund again ({})",
                    earlier.request.amount.map_or_else(
                        || "without --amount".to_owned(),
                        |a| format!("--amount {}", major(a, &earlier.request.currency))
                    )
                ),
                Reader::App => "refund that amount again".to_owned(),
            }
        ),
    };
    match reader {
        Reader::Cli => format!(
            "Nothing was done. {why} To refund {} anyway, run the same command again with \
             --again.",
            describe_amount(request)
        ),
        Reader::App => format!("{why} Refund {} anyway?", describe_amount(request)),
    }
}

/// What a lapsed attempt means, after the payment's refunds were checked and none came from it.
#[must_use]
pub fn lapsed(a: &Attempt, reader: Reader) -> String {
    let kind = a.request.kind;
    let next = match (reader, kind) {
        (Reader::Cli, Kind::Refund) => "Check the refunds listed above; to refund now, run the \
                                        same command again with --again."
            .to_owned(),
        (Reader::Cli, _) => "To try now, run the same command again.".to_owned(),
        (Reader::App, Kind::Refund) => {
            "Check the order's refunds; to refund now, press Refund again.".to_owned()
        }
        (Reader::App, Kind::Capture) => "To capture now, press Capture again.".to_owned(),
        (Reader::App, Kind::Cancel) => {
            "To cancel now, press Cancel authorization again.".to_owned()
        }
    };
    format!(
        "{} started at {} never got an answer, and Stripe keeps idempotency keys only 24 \
         hours, so it is not sent again (a new send could {}). The payment shows no trace of \
         it, so it was most likely never made. {next}",
        capitalized(&a.request.describe()),
        clock(a.started_at),
        match kind {
            Kind::Refund => "pay twice",
            Kind::Capture | Kind::Cancel => "act twice",
        }
    )
}

fn describe_amount(r: &Request) -> String {
    r.amount.map_or_else(
        || "everything left".to_owned(),
        |a| money::format(a, &r.currency),
    )
}

fn major(amount: i64, currency: &str) -> String {
    let text = money::format(amount, currency);
    text.rsplit_once(' ')
        .map_or(text.clone(), |(n, _)| n.to_owned())
}

fn capitalized(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map_or_else(String::new, |c| {
        c.to_uppercase().collect::<String>() + chars.as_str()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(amount: Option<i64>) -> Request {
        Request {
            kind: Kind::Refund,
            account: "http://127.0.0.1:1|sk_test_…4242|-".into(),
            payment_intent: "pi_1".into(),
            amount,
            currency: "usd".into(),
            reason: None,
            note: Some("note".into()),
            session: None,
            connect: ConnectRefund::default(),
        }
    }

    fn begin(j: &PaymentJournal, amount: Option<i64>, again: bool, now: i64) -> Begin {
        j.begin(request(amount), BTreeMap::new(), None, again, now)
            .unwrap()
    }

    fn attempt(b: Begin) -> Attempt {
        match b {
            Begin::New(a) | Begin::Resume(a) | Begin::Lapsed(a) | Begin::AskAgain(a) => a,
        }
    }

    #[test]
    fn a_resumed_destination_refund_sends_the_flags_it_was_journalled_with() {
        let dir = tempfile::tempdir().unwrap();
        let j = PaymentJournal::in_dir(dir.path());
        let now = chrono::Utc::now().timestamp();
        let connect = ConnectRefund {
            reverse_transfer: true,
            refund_application_fee: false,
        };
        let asked = Request {
            connect,
            ..request(Some(300))
        };
        let Begin::New(first) = j.begin(asked, BTreeMap::new(), None, false, now).unwrap() else {
            panic!("a new attempt")
        };
        j.settle(
            &first.key,
            State::OutcomeUnknown { detail: "x".into() },
            now,
        )
        .unwrap();
        // After a restart, the same command resumes with its key and its flags.
        let again = PaymentJournal::in_dir(dir.path());
        let Begin::Resume(resumed) = begin(&again, Some(300), false, now + 60) else {
            panic!("resumed")
        };
        assert_eq!(resumed.key, first.key);
        assert_eq!(resumed.refund_request().connect, connect);
        assert_eq!(resumed.refund_request(), first.refund_request());
        // A journal written before destination charges reads as "neither".
        let old: Request = serde_json::from_str(
            r#"{"kind":"refund","account":"a","payment_intent":"pi_1","amount":1,"currency":"usd"}"#,
        )
        .unwrap();
        assert!(old.connect.is_off());
    }

    #[test]
    fn an_unanswered_attempt_is_resumed_with_its_key_until_the_window_ends() {
        let dir = tempfile::tempdir().unwrap();
        let j = PaymentJournal::in_dir(dir.path());
        let now = chrono::Utc::now().timestamp();
        let Begin::New(first) = begin(&j, Some(200), false, now) else {
            panic!("a new attempt")
        };
        assert_eq!(first.metadata[ATTEMPT_METADATA], first.key);
        j.settle(
            &first.key,
            State::OutcomeUnknown { detail: "x".into() },
            now,
        )
        .unwrap();
        let again = PaymentJournal::in_dir(dir.path());
        let Begin::Resume(resumed) = begin(&again, Some(200), false, now + 60) else {
            panic!("resumed")
        };
        assert_eq!(resumed.key, first.key);
        assert_eq!(resumed.sends, 2);
        assert!(resuming(&resumed).starts_with("Resuming the refund of 2.00 USD on pi_1"));
        // Past Stripe's key window it is never sent again.
        let late = now + KEY_WINDOW_SECS + 1;
        assert!(
            matches!(begin(&j, Some(200), false, late), Begin::Lapsed(a) if a.key == first.key)
        );
        // Asked again after being told: a new attempt, the old one given up.
        let Begin::New(fresh) = begin(&j, Some(200), true, late) else {
            panic!("new")
        };
        assert_ne!(fresh.key, first.key);
        let all = j.attempts().unwrap();
        assert_eq!(all[0].state, State::Lapsed);
        assert_eq!(all.len(), 2);
    }

    #[test]
    fn a_repeated_refund_needs_again_but_a_different_amount_does_not() {
        let dir = tempfile::tempdir().unwrap();
        let j = PaymentJournal::in_dir(dir.path());
        let now = chrono::Utc::now().timestamp();
        let first = attempt(begin(&j, Some(200), false, now));
        j.settle(
            &first.key,
            State::Done {
                object: "re_1".into(),
            },
            now,
        )
        .unwrap();
        let held = begin(&j, Some(200), false, now + 30);
        let Begin::AskAgain(earlier) = &held else {
            panic!("held: {held:?}")
        };
        let text = ask_again(earlier, &request(Some(200)), now + 30, Reader::Cli);
        assert!(text.contains("re_1") && text.contains("--again"), "{text}");
        assert!(matches!(
            begin(&j, Some(300), false, now + 30),
            Begin::New(_)
        ));
        assert!(matches!(
            begin(&j, Some(200), true, now + 30),
            Begin::New(_)
        ));
        // Long after, the same refund is an ordinary new one.
        let dir2 = tempfile::tempdir().unwrap();
        let j2 = PaymentJournal::in_dir(dir2.path());
        let a = attempt(begin(&j2, None, false, now));
        j2.settle(
            &a.key,
            State::Done {
                object: "re_2".into(),
            },
            now,
        )
        .unwrap();
        assert!(matches!(
            begin(&j2, None, false, now + AGAIN_WINDOW_SECS + 1),
            Begin::New(_)
        ));
    }

    #[test]
    fn another_refund_waits_while_one_on_the_payment_has_no_answer() {
        let dir = tempfile::tempdir().unwrap();
        let j = PaymentJournal::in_dir(dir.path());
        let now = chrono::Utc::now().timestamp();
        let first = attempt(begin(&j, Some(200), false, now));
        let Begin::AskAgain(earlier) = begin(&j, Some(250), false, now) else {
            panic!("held")
        };
        assert_eq!(earlier.key, first.key);
        let text = ask_again(&earlier, &request(Some(250)), now, Reader::Cli);
        assert!(text.contains("--amount 2.00"), "{text}");
    }

    #[test]
    fn a_given_key_resumes_its_own_attempt_only() {
        let dir = tempfile::tempdir().unwrap();
        let j = PaymentJournal::in_dir(dir.path());
        let now = chrono::Utc::now().timestamp();
        let key = IdempotencyKey::parse("my-key-1").unwrap();
        let b = j
            .begin(request(Some(100)), BTreeMap::new(), Some(&key), false, now)
            .unwrap();
        assert!(matches!(b, Begin::New(a) if a.key == "my-key-1"));
        let b = j
            .begin(request(Some(100)), BTreeMap::new(), Some(&key), false, now)
            .unwrap();
        assert!(matches!(b, Begin::Resume(a) if a.key == "my-key-1"));
        let mut other = request(Some(100));
        other.payment_intent = "pi_2".into();
        let err = j
            .begin(other, BTreeMap::new(), Some(&key), false, now)
            .unwrap_err();
        assert!(matches!(err, JournalError::KeyOfAnotherCommand(_)), "{err}");
        let err = err.to_string();
        assert!(
            err.contains("belongs to the refund of 1.00 USD on pi_1"),
            "{err}"
        );
    }

    #[test]
    fn a_damaged_journal_is_reported_and_left_alone() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(FILE_NAME), b"{oops").unwrap();
        let j = PaymentJournal::in_dir(dir.path());
        let err = j
            .begin(request(Some(1)), BTreeMap::new(), None, false, 1)
            .unwrap_err();
        assert!(matches!(err, JournalError::Damaged(_)), "{err}");
        let err = err.to_string();
        assert!(
            err.contains("damaged") && err.contains("nothing was sent"),
            "{err}"
        );
        assert_eq!(std::fs::read(dir.path().join(FILE_NAME)).unwrap(), b"{oops");
    }

    #[test]
    fn the_old_refund_journal_is_taken_over() {
        let dir = tempfile::tempdir().unwrap();
        let old = r#"[{"idempotency_key":"sc-old","account":"http://127.0.0.1:9/|sk_test_…4242|-",
            "session":"cs_1","payment_intent":"pi_9","amount":500,"reason":"","note":"n",
            "confirmed_at":1}]"#;
        std::fs::write(dir.path().join(OLD_REFUND_JOURNAL), old).unwrap();
        let j = PaymentJournal::in_dir(dir.path());
        let open = j.unresolved("http://127.0.0.1:9|sk_test_…4242|-").unwrap();
        assert_eq!(open.len(), 1);
        assert_eq!(open[0].key, "sc-old");
        assert_eq!(open[0].metadata["refunded_from"], "seller-console");
        assert!(!dir.path().join(OLD_REFUND_JOURNAL).exists());
        assert_eq!(j.attempts().unwrap().len(), 1);
    }

    #[test]
    fn messages_never_advise_a_new_send() {
        let now = chrono::Utc::now().timestamp();
        let a = Attempt {
            key: "sc-k".into(),
            request: request(Some(200)),
            metadata: BTreeMap::new(),
            state: State::Sending,
            started_at: now,
            updated_at: now,
            sends: 1,
        };
        let cli = outcome_unknown(&a, "the connection broke", Reader::Cli);
        assert!(
            cli.starts_with("Stripe may have made the refund of 2.00 USD on pi_1"),
            "{cli}"
        );
        assert!(cli.contains("run the same command again to find out, it cannot pay twice"));
        let app = outcome_unknown(&a, "the connection broke", Reader::App);
        assert!(app.contains("cannot be made twice"), "{app}");
        for text in [cli, app, lapsed(&a, Reader::Cli)] {
            assert!(!text.to_lowercase().contains("try again"), "{text}");
        }
    }
}
