//! Profiles, keys and the active connection: loads the profile book, probes the credential
//! store, checks a key against the API before saving it, switches profiles, and runs the
//! embedded sandbox in demo mode.

use std::fmt;
use std::sync::{Arc, RwLock};

use crate::profiles::{self, ChargeType, Mode, Profile, ProfileBook, RecentAccount};
use crate::secrets::{MemoryStore, OsKeyring, SecretError, SecretStore};

use super::{EventSink, StoreChoice, WorkerConfig};

/// Stripe's API host.
pub const STRIPE_API_BASE: &str = "https://api.stripe.com";

/// What a view can ask about profiles and keys.
#[derive(Debug)]
pub enum Command {
    /// Check a key against the API, store it in the keyring and save the profile.
    SaveProfile(ProfileDraft),
    /// Make a profile active (`None`: back to the embedded sandbox).
    Activate(Option<String>),
    /// Delete a profile and its key.
    Delete(String),
    /// With the same key, act as one of the platform's connected accounts (`None`: the
    /// platform itself). The active profile remembers it.
    ActAs(Option<RecentAccount>),
    /// How the platform charges for its sellers: kept on the active profile (or, in demo
    /// mode, in the book).
    SetCharges(ChargeType),
}

/// A profile as typed in the settings form. The key is `None` when editing a profile without
/// changing its key.
pub struct ProfileDraft {
    /// Id of the profile being edited; `None` adds a new one.
    pub id: Option<String>,
    /// Display name.
    pub name: String,
    /// The new secret or restricted key, if one was typed.
    pub key: Option<String>,
    /// Connected account (`acct_…`), empty for none.
    pub connected_account: String,
    /// API base override, empty for Stripe itself.
    pub api_base: String,
    /// Switch to the profile once saved.
    pub activate: bool,
}

impl fmt::Debug for ProfileDraft {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ProfileDraft")
            .field("id", &self.id)
            .field("name", &self.name)
            .field("key", &self.key.as_deref().map(crate::secrets::redact))
            .field("connected_account", &self.connected_account)
            .field("api_base", &self.api_base)
            .field("activate", &self.activate)
            .finish()
    }
}

/// What the worker tells the UI about profiles and keys.
#[derive(Debug, Clone)]
pub enum Event {
    /// Which credential store is in use, and the problem if the OS one is missing.
    Store(StoreStatus),
    /// The saved profiles changed.
    Profiles(ProfileBook),
    /// The active connection changed.
    Session(SessionInfo),
    /// A profile was saved (the form can close).
    Saved {
        /// Id of the saved profile.
        id: String,
    },
    /// Saving a profile failed; the form stays open with this message.
    SaveFailed {
        /// What went wrong and what to do.
        message: String,
    },
}

/// Which credential store holds keys.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoreStatus {
    /// Name for display.
    pub name: String,
    /// Whether keys survive closing the app.
    pub persistent: bool,
    /// Why the OS store is not used, with what to install; `None` when it is.
    pub problem: Option<String>,
}

/// The active connection as the status bar shows it. Holds no secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionInfo {
    /// Sandbox, test or live.
    pub mode: Mode,
    /// The active profile's id and name; `None` in demo mode.
    pub profile: Option<(String, String)>,
    /// The key, redacted.
    pub key_hint: String,
    /// Account id and name, when known.
    pub account: Option<String>,
    /// Connected account acted on, if any.
    pub connected_account: Option<String>,
    /// Its name, when known.
    pub connected_name: Option<String>,
    /// Connected accounts acted on lately, newest first.
    pub recent_accounts: Vec<RecentAccount>,
    /// Where requests go.
    pub api_base: String,
    /// How the platform charges for its sellers.
    pub charges: ChargeType,
    /// False while the connection is being set up (sandbox starting).
    pub ready: bool,
}

impl SessionInfo {
    /// The connected account acted on, in words: "Bluebell Tea Co. (acct_…)", or its id.
    #[must_use]
    pub fn acting_as(&self) -> Option<String> {
        let id = self.connected_account.as_ref()?;
        Some(match &self.connected_name {
            Some(name) => format!("{name} ({id})"),
            None => id.clone(),
        })
    }
}

/// Everything other worker modules need to call the API on the active account.
pub struct Connection {
    /// Sandbox, test or live.
    pub mode: Mode,
    /// API and files base URL (one address for a sandbox).
    pub api_base: String,
    /// Files host base URL.
    pub files_base: String,
    /// The secret key. Never printed.
    pub key: String,
    /// `Stripe-Account` header value, if acting on a connected account.
    pub connected_account: Option<String>,
    /// A client for this connection, shared by every worker module (one rate limiter).
    pub client: Arc<crate::stripe::Client>,
}

impl Connection {
    /// Builds the connection and its client. Fails with a sentence when the key, base URL or
    /// connected account cannot be used.
    pub fn new(
        mode: Mode,
        api_base: String,
        files_base: String,
        key: String,
        connected_account: Option<String>,
    ) -> Result<Connection, String> {
        let api_key = crate::stripe::ApiKey::new(&key)?;
        let mut config = crate::stripe::Config::new(api_key)
            .with_base_url(&api_base)
            .map_err(|e| e.user_message())?
            .with_account(connected_account.as_deref())
            .map_err(|e| e.user_message())?;
        if files_base != api_base {
            config.files_base = url::Url::parse(&files_base).map_err(|e| e.to_string())?;
        }
        let client = crate::stripe::Client::new(config).map_err(|e| e.user_message())?;
        Ok(Connection {
            mode,
            api_base,
            files_base,
            key,
            connected_account,
            client: Arc::new(client),
        })
    }

    /// A stable name for the account this connection acts on (API base, key hint, connected
    /// account), used to keep local journals per account. Contains no secret.
    #[must_use]
    pub fn account_key(&self) -> String {
        self.client.config().account_key()
    }
}

impl fmt::Debug for Connection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Connection")
            .field("mode", &self.mode)
            .field("api_base", &self.api_base)
            .field("key", &crate::secrets::redact(&self.key))
            .field("connected_account", &self.connected_account)
            .field("files_base", &self.files_base)
            .finish_non_exhaustive()
    }
}

/// The active connection, shared with the other worker modules.
pub type SharedConnection = Arc<RwLock<Option<Arc<Connection>>>>;

/// The connection in use right now, if one is set up (none while the sandbox starts).
#[must_use]
pub fn active(connection: &SharedConnection) -> Option<Arc<Connection>> {
    connection.read().ok().and_then(|c| c.clone())
}

/// The worker-side owner of profiles, the secret store and the demo sandbox.
pub struct SessionWorker {
    sink: EventSink,
    store: Arc<dyn SecretStore>,
    book: ProfileBook,
    config: WorkerConfig,
    connection: SharedConnection,
    sandbox: Option<crate::sandbox::Sandbox>,
    /// In demo mode (no profile to keep them), the sellers acted on lately.
    demo_recent: Vec<RecentAccount>,
}

impl SessionWorker {
    /// Probes the credential store, loads profiles and activates the saved profile (or demo).
    pub async fn start(config: WorkerConfig, sink: EventSink) -> Self {
        sink.activity("session", "Opening the credential store", None);
        let (store, status) = open_store(&config.store).await;
        sink.send(super::Event::Session(Event::Store(status)));
        let book = match &config.profiles_path {
            Some(path) => {
                let path = path.clone();
                match tokio::task::spawn_blocking(move || ProfileBook::load(&path)).await {
                    Ok(Ok(book)) => book,
                    Ok(Err(message)) => {
                        sink.error("Loading profiles", message, None);
                        ProfileBook::default()
                    }
                    Err(e) => {
                        sink.error("Loading profiles", e.to_string(), None);
                        ProfileBook::default()
                    }
                }
            }
            None => ProfileBook::default(),
        };
        let mut worker = SessionWorker {
            sink,
            store,
            book,
            config,
            connection: Arc::new(RwLock::new(None)),
            sandbox: None,
            demo_recent: Vec::new(),
        };
        worker.publish_book();
        let active = worker.book.active.clone();
        worker.activate(active).await;
        worker.sink.done("session");
        worker
    }

    /// The active connection, for the other worker modules.
    #[must_use]
    pub fn connection(&self) -> SharedConnection {
        Arc::clone(&self.connection)
    }

    /// The credential store in use, for other worker modules that keep secrets.
    #[must_use]
    pub fn store(&self) -> Arc<dyn SecretStore> {
        Arc::clone(&self.store)
    }

    /// Handles one command.
    pub async fn handle(&mut self, command: Command) {
        match command {
            Command::SaveProfile(draft) => self.save(draft).await,
            Command::Activate(id) => {
                self.activate(id).await;
                self.persist_book().await;
            }
            Command::Delete(id) => self.delete(&id).await,
            Command::ActAs(account) => self.act_as(account).await,
            Command::SetCharges(charges) => self.set_charges(charges).await,
        }
    }

    /// Acts as a connected account (or the platform) with the key already in use: no key is
    /// read or stored again; the active profile remembers the choice and its recent accounts.
    async fn act_as(&mut self, account: Option<RecentAccount>) {
        let Some(current) = active(&self.connection) else {
            self.sink.error(
                "Switching account",
                "Not connected yet; try again in a moment.",
                None,
            );
            return;
        };
        let id = account.as_ref().map(|a| a.id.clone());
        match Connection::new(
            current.mode,
            current.api_base.clone(),
            current.files_base.clone(),
            current.key.clone(),
            id.clone(),
        ) {
            Ok(connection) => self.set_connection(connection),
            Err(message) => {
                self.sink.error("Switching account", message, None);
                return;
            }
        }
        let name = account.as_ref().map(|a| a.name.clone());
        let active_id = self.book.active.clone();
        let profile = active_id
            .as_deref()
            .and_then(|active| self.book.profiles.iter_mut().find(|p| p.id == active));
        let info = if let Some(profile) = profile {
            profile.connected_account = id;
            profile.connected_name = name;
            if let Some(account) = account {
                profiles::remember_recent(&mut profile.recent_accounts, account);
            }
            profile_info(profile)
        } else {
            if let Some(account) = account {
                profiles::remember_recent(&mut self.demo_recent, account);
            }
            let mut info = demo_info(current.api_base.clone(), true, self.book.demo_charges);
            info.connected_account = id;
            info.connected_name = name;
            info.recent_accounts.clone_from(&self.demo_recent);
            info
        };
        self.sink.send(super::Event::Session(Event::Session(info)));
        self.publish_book();
        self.persist_book().await;
    }

    /// Keeps the platform's charge type on the active profile (the book, in demo mode) and
    /// tells the views.
    async fn set_charges(&mut self, charges: ChargeType) {
        let active_id = self.book.active.clone();
        let profile = active_id
            .as_deref()
            .and_then(|active| self.book.profiles.iter_mut().find(|p| p.id == active));
        let info = if let Some(profile) = profile {
            profile.charges = charges;
            profile_info(profile)
        } else {
            self.book.demo_charges = charges;
            let Some(current) = active(&self.connection) else {
                return;
            };
            let mut info = demo_info(current.api_base.clone(), true, charges);
            info.connected_account
                .clone_from(&current.connected_account);
            info.connected_name = self
                .demo_recent
                .iter()
                .find(|a| Some(&a.id) == current.connected_account.as_ref())
                .map(|a| a.name.clone());
            info.recent_accounts.clone_from(&self.demo_recent);
            info
        };
        self.sink.send(super::Event::Session(Event::Session(info)));
        self.publish_book();
        self.persist_book().await;
    }

    /// Stops the demo sandbox, if running.
    pub async fn shutdown(&mut self) {
        if let Some(sandbox) = self.sandbox.take() {
            sandbox.shutdown().await;
        }
    }

    fn publish_book(&self) {
        self.sink
            .send(super::Event::Session(Event::Profiles(self.book.clone())));
    }

    async fn persist_book(&self) {
        let Some(path) = self.config.profiles_path.clone() else {
            return;
        };
        let book = self.book.clone();
        match tokio::task::spawn_blocking(move || book.save(&path)).await {
            Ok(Ok(())) => {}
            Ok(Err(message)) => self.sink.error("Saving profiles", message, None),
            Err(e) => self.sink.error("Saving profiles", e.to_string(), None),
        }
    }

    async fn save(&mut self, draft: ProfileDraft) {
        match self.try_save(draft).await {
            Ok(id) => {
                self.sink
                    .send(super::Event::Session(Event::Saved { id: id.clone() }));
            }
            Err(message) => {
                self.sink
                    .send(super::Event::Session(Event::SaveFailed { message }));
            }
        }
    }

    async fn try_save(&mut self, draft: ProfileDraft) -> Result<String, String> {
        let name = draft.name.trim();
        if name.is_empty() {
            return Err("Give the profile a name.".into());
        }
        profiles::check_account_shape(&draft.connected_account)?;
        let api_base = draft.api_base.trim().trim_end_matches('/').to_owned();
        if !api_base.is_empty() && url::Url::parse(&api_base).is_err() {
            return Err(format!(
                "`{api_base}` is not a URL; leave API base empty to use Stripe itself."
            ));
        }
        let existing = draft
            .id
            .as_deref()
            .and_then(|id| self.book.get(id))
            .cloned();
        let key = match (&draft.key, &existing) {
            (Some(k), _) if !k.trim().is_empty() => k.trim().to_owned(),
            (_, Some(p)) => self
                .read_key(&p.id)
                .await?
                .ok_or("The saved key is gone from the keyring; enter it again.")?,
            _ => return Err("Enter a secret key (sk_…) or a restricted key (rk_…).".into()),
        };
        profiles::check_key_shape(&key)?;
        let connected = non_empty(&draft.connected_account);
        let base = non_empty(&api_base);
        self.sink
            .activity("session", "Checking the key with Stripe", None);
        let check = check_key(
            base.as_deref().unwrap_or(STRIPE_API_BASE),
            &key,
            connected.as_deref(),
        )
        .await;
        self.sink.done("session");
        let account = check?;
        let mut profile = existing.unwrap_or_else(|| Profile::new(name, &key));
        profile.name = name.to_owned();
        profile.mode = Mode::from_key(&key);
        profile.key_hint = crate::secrets::redact(&key);
        profile.account_id = account.id;
        profile.account_name = account.name;
        profile.connected_account = connected;
        profile.api_base = base;
        let store = Arc::clone(&self.store);
        let (id, secret) = (profile.id.clone(), key.clone());
        tokio::task::spawn_blocking(move || store.set(&id, &secret))
            .await
            .map_err(|e| e.to_string())?
            .map_err(|e| e.to_string())?;
        let id = profile.id.clone();
        self.book.upsert(profile);
        if draft.activate {
            self.activate(Some(id.clone())).await;
        }
        self.persist_book().await;
        self.publish_book();
        Ok(id)
    }

    async fn read_key(&self, id: &str) -> Result<Option<String>, String> {
        let store = Arc::clone(&self.store);
        let id = id.to_owned();
        tokio::task::spawn_blocking(move || store.get(&id))
            .await
            .map_err(|e| e.to_string())?
            .map_err(|e| e.to_string())
    }

    async fn delete(&mut self, id: &str) {
        let store = Arc::clone(&self.store);
        let key_id = id.to_owned();
        match tokio::task::spawn_blocking(move || store.delete(&key_id)).await {
            Ok(Ok(())) => {}
            Ok(Err(e)) => self.sink.error("Deleting the key", e.to_string(), None),
            Err(e) => self.sink.error("Deleting the key", e.to_string(), None),
        }
        let was_active = self.book.active.as_deref() == Some(id);
        self.book.remove(id);
        if was_active {
            self.activate(None).await;
        }
        self.persist_book().await;
        self.publish_book();
    }

    /// Makes `id` the active profile, or demo mode when `None` (or when its key is missing).
    async fn activate(&mut self, id: Option<String>) {
        let profile = id.as_deref().and_then(|id| self.book.get(id)).cloned();
        let Some(profile) = profile else {
            self.book.active = None;
            self.activate_demo().await;
            return;
        };
        let key = match self.read_key(&profile.id).await {
            Ok(Some(key)) => key,
            Ok(None) => {
                self.sink.error(
                    "Switching profile",
                    format!(
                        "The key of profile \"{}\" is not in the {}. Open Settings and enter it \
                         again. Showing the demo sandbox meanwhile.",
                        profile.name,
                        self.store.name()
                    ),
                    None,
                );
                self.book.active = None;
                self.activate_demo().await;
                return;
            }
            Err(message) => {
                self.sink.error("Switching profile", message, None);
                self.book.active = None;
                self.activate_demo().await;
                return;
            }
        };
        if let Some(sandbox) = self.sandbox.take() {
            sandbox.shutdown().await;
        }
        let api_base = profile
            .api_base
            .clone()
            .unwrap_or_else(|| STRIPE_API_BASE.to_owned());
        let files_base = if profile.api_base.is_some() {
            api_base.clone()
        } else {
            "https://files.stripe.com".to_owned()
        };
        self.book.active = Some(profile.id.clone());
        match Connection::new(
            profile.mode,
            api_base.clone(),
            files_base,
            key,
            profile.connected_account.clone(),
        ) {
            Ok(connection) => self.set_connection(connection),
            Err(message) => {
                self.sink.error("Opening the profile", message, None);
                return;
            }
        }
        self.sink
            .send(super::Event::Session(Event::Session(profile_info(
                &profile,
            ))));
        self.publish_book();
    }

    async fn activate_demo(&mut self) {
        self.sink
            .send(super::Event::Session(Event::Session(demo_info(
                String::new(),
                false,
                self.book.demo_charges,
            ))));
        if self.sandbox.is_none() {
            self.sink
                .activity("session", "Starting the demo sandbox", None);
            match crate::sandbox::Sandbox::start(crate::sandbox::SandboxConfig::default()).await {
                Ok(mut sandbox) => {
                    sandbox.clean_up_on_stop_signal();
                    if self.config.demo_orders_per_minute > 0 {
                        sandbox.start_live_shopper(self.config.demo_orders_per_minute);
                    }
                    self.sandbox = Some(sandbox);
                }
                Err(e) => {
                    self.sink.done("session");
                    self.sink.error(
                        "Starting the demo sandbox",
                        format!("The embedded sandbox could not start: {e}."),
                        None,
                    );
                    return;
                }
            }
            self.sink.done("session");
        }
        let Some(sandbox) = &self.sandbox else {
            return;
        };
        let base = sandbox.base_url();
        match Connection::new(
            Mode::Sandbox,
            base.clone(),
            base.clone(),
            crate::sandbox::DEMO_KEY.to_owned(),
            None,
        ) {
            Ok(connection) => self.set_connection(connection),
            Err(message) => {
                self.sink
                    .error("Connecting to the demo sandbox", message, None);
                return;
            }
        }
        self.sink
            .send(super::Event::Session(Event::Session(demo_info(
                base,
                true,
                self.book.demo_charges,
            ))));
        self.publish_book();
    }

    fn set_connection(&self, connection: Connection) {
        if let Ok(mut slot) = self.connection.write() {
            *slot = Some(Arc::new(connection));
        }
    }
}

/// The session a profile opens, as the status bar shows it.
fn profile_info(profile: &Profile) -> SessionInfo {
    SessionInfo {
        mode: profile.mode,
        profile: Some((profile.id.clone(), profile.name.clone())),
        key_hint: profile.key_hint.clone(),
        account: match (&profile.account_name, &profile.account_id) {
            (Some(n), Some(id)) => Some(format!("{n} ({id})")),
            (None, Some(id)) => Some(id.clone()),
            (Some(n), None) => Some(n.clone()),
            (None, None) => None,
        },
        connected_account: profile.connected_account.clone(),
        connected_name: profile.connected_name.clone(),
        recent_accounts: profile.recent_accounts.clone(),
        api_base: profile
            .api_base
            .clone()
            .unwrap_or_else(|| STRIPE_API_BASE.to_owned()),
        charges: profile.charges,
        ready: true,
    }
}

fn demo_info(api_base: String, ready: bool, charges: ChargeType) -> SessionInfo {
    SessionInfo {
        mode: Mode::Sandbox,
        profile: None,
        key_hint: crate::secrets::redact(crate::sandbox::DEMO_KEY),
        account: Some("Demo shop".into()),
        connected_account: None,
        connected_name: None,
        recent_accounts: Vec::new(),
        api_base,
        charges,
        ready,
    }
}

fn non_empty(s: &str) -> Option<String> {
    let t = s.trim();
    (!t.is_empty()).then(|| t.to_owned())
}

async fn open_store(choice: &StoreChoice) -> (Arc<dyn SecretStore>, StoreStatus) {
    let memory = |problem: Option<String>| {
        let store: Arc<dyn SecretStore> = Arc::new(MemoryStore::default());
        (
            store,
            StoreStatus {
                name: "memory only".into(),
                persistent: false,
                problem,
            },
        )
    };
    match choice {
        StoreChoice::Memory(store) => {
            let store: Arc<dyn SecretStore> = store.clone();
            let name = store.name().to_owned();
            (
                store,
                StoreStatus {
                    name,
                    persistent: false,
                    problem: None,
                },
            )
        }
        StoreChoice::Unavailable => memory(Some(
            SecretError::Unavailable {
                reason: "no Secret Service answered on D-Bus".into(),
                hint: crate::secrets::install_hint(),
            }
            .to_string(),
        )),
        StoreChoice::Os => match tokio::task::spawn_blocking(OsKeyring::probe).await {
            Ok(Ok(os)) => {
                let name = os.name().to_owned();
                (
                    Arc::new(os),
                    StoreStatus {
                        name,
                        persistent: true,
                        problem: None,
                    },
                )
            }
            Ok(Err(e)) => memory(Some(e.to_string())),
            Err(e) => memory(Some(format!("The credential store check crashed: {e}"))),
        },
    }
}

/// What the key check learned about the account.
#[derive(Debug, Clone, Default)]
pub struct AccountInfo {
    /// `acct_…`, when the key may read it.
    pub id: Option<String>,
    /// The business name, when given.
    pub name: Option<String>,
}

/// Checks a key with a cheap authenticated call (`GET /v1/checkout/sessions?limit=1`, the
/// first thing the console needs), then reads the account's name when the key may.
/// Errors are sentences, with restricted-key permission problems explained.
pub async fn check_key(
    api_base: &str,
    key: &str,
    connected_account: Option<&str>,
) -> Result<AccountInfo, String> {
    let connection = Connection::new(
        Mode::from_key(key),
        api_base.to_owned(),
        api_base.to_owned(),
        key.to_owned(),
        connected_account.map(str::to_owned),
    )?;
    let client = &connection.client;
    if let Err(e) = client.check_access().await {
        let with_id = |s: String| match e.request_id() {
            Some(id) => format!("{s} (request {id})"),
            None => s,
        };
        return Err(match e.api() {
            Some(api) if api.status == 401 => with_id(
                "Stripe did not accept this key: it is wrong, expired or deleted. Copy it \
                 again from Developers › API keys."
                    .to_owned(),
            ),
            Some(api) if api.status == 403 && key.starts_with("rk_") => with_id(format!(
                "This restricted key may not read Checkout Sessions, which the Orders view \
                 needs. In Developers › API keys, edit the key and give it Read on \
                 Checkout Sessions (and Write on Refunds, PaymentIntents, Files and Product \
                 Catalog Imports for the other views). Stripe said: {}",
                api.message.as_deref().unwrap_or("permission denied")
            )),
            _ => e.user_message(),
        });
    }
    let mut info = AccountInfo::default();
    if let Ok(account) = client.retrieve_account().await {
        info.id = Some(account.id.clone()).filter(|id| !id.is_empty());
        info.name = account.name().map(str::to_owned);
    }
    Ok(info)
}
