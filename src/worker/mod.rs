//! The tokio side of the app. Views send [`Command`]s; the worker runs them off the UI thread
//! and sends [`Event`]s back, asking for a repaint after each one. The UI drains events once at
//! the top of every frame. No task can panic the UI: failures come back as events.
//!
//! Each area of the app has its own command and event types in its own module (`session` for
//! profiles and keys, and one per view area), so views never reach into each other.

pub mod accounts;
pub mod agreements;
pub mod catalog;
pub mod dialogs;
pub mod disputes;
pub mod hooks;
pub mod imports;
pub mod live;
pub mod orders;
pub mod session;
pub mod sync;

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::mpsc as std_mpsc;

use tokio::sync::mpsc;

use crate::secrets::MemoryStore;

/// Something a view asks the worker to do.
#[derive(Debug)]
pub enum Command {
    /// Profiles, keys and the active connection.
    Session(session::Command),
    /// The Catalog view: open, save, journal, push.
    Catalog(catalog::Command),
    /// Orders, captures and refunds.
    Orders(orders::Command),
    /// Agent agreements.
    Agreements(agreements::Command),
    /// Disputes and their evidence.
    Disputes(disputes::Command),
    /// The hook workbench.
    Hooks(hooks::Command),
    /// Feed imports and their error reports.
    Imports(imports::Command),
    /// The event follower (window focus).
    Live(live::Command),
    /// Catalogs kept current on Stripe's cadence.
    Sync(sync::Command),
    /// A platform's connected accounts and the board's figures.
    Accounts(accounts::Command),
}

/// Something the worker tells the UI.
#[derive(Debug, Clone)]
pub enum Event {
    /// Profiles, keys and the active connection.
    Session(session::Event),
    /// The Catalog view: loads, saves, pushes.
    Catalog(catalog::Event),
    /// Orders, captures and refunds.
    Orders(orders::Event),
    /// Agent agreements.
    Agreements(agreements::Event),
    /// Disputes and their evidence.
    Disputes(disputes::Event),
    /// The hook workbench.
    Hooks(hooks::Event),
    /// Feed imports and their error reports.
    Imports(imports::Event),
    /// What happened on the account (the Activity panel).
    Live(live::Event),
    /// Catalogs on sync.
    Sync(sync::Event),
    /// A platform's connected accounts and the board's figures.
    Accounts(accounts::Event),
    /// Background work started, progressed or ended (for the status bar).
    Activity(Activity),
    /// A failure, already put in words.
    Error(UserError),
}

/// A running piece of background work, as the status bar shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct Activity {
    /// Stable key of the work ("session", "orders", "upload:catalog.csv").
    pub key: String,
    /// What is happening, in a few words.
    pub label: String,
    /// Fraction done, when known.
    pub progress: Option<f32>,
    /// True when the work has ended (the status bar drops it).
    pub done: bool,
}

/// A failure for the user: what happened, what to do, and the Stripe request id if any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserError {
    /// Which action failed ("Saving the profile").
    pub action: String,
    /// One or two sentences saying what happened and what to do.
    pub message: String,
    /// Stripe's `Request-Id`, for support.
    pub request_id: Option<String>,
}

/// Which credential store the worker uses.
#[derive(Clone)]
pub enum StoreChoice {
    /// The OS store; if it is not available, memory with a warning.
    Os,
    /// An in-memory store (tests).
    Memory(Arc<MemoryStore>),
    /// Behave as if the OS had no credential store (tests of that message).
    Unavailable,
}

/// Where the worker keeps things and what it starts with.
#[derive(Clone)]
pub struct WorkerConfig {
    /// The profiles file; `None` keeps profiles in memory only (tests).
    pub profiles_path: Option<PathBuf>,
    /// Which credential store to use.
    pub store: StoreChoice,
    /// Folder for local state (payment journal, recent files); `None` for a temporary one.
    pub data_dir: Option<PathBuf>,
    /// Shows file dialogs (the system's; tests script the answers).
    pub picker: Arc<dyn dialogs::FilePicker>,
    /// In demo mode, a live shopper places about this many agent orders a minute on the
    /// embedded sandbox, so the demo moves (0: none, the tests' default).
    pub demo_orders_per_minute: u32,
    /// The time sync plans by (tests move it without sleeping).
    pub clock: crate::sync::Clock,
}

impl WorkerConfig {
    /// The normal desktop configuration: OS keyring, platform config and data folders.
    #[must_use]
    pub fn desktop() -> Self {
        WorkerConfig {
            profiles_path: crate::profiles::ProfileBook::default_path(),
            store: StoreChoice::Os,
            // The same folder the command line uses, so both share the payment journal.
            data_dir: crate::payment_journal::data_dir(),
            picker: Arc::new(dialogs::SystemDialogs),
            demo_orders_per_minute: 2,
            clock: crate::sync::system_clock(),
        }
    }

    /// A configuration for tests: memory store, no files outside a temp folder.
    #[must_use]
    pub fn for_tests() -> Self {
        WorkerConfig {
            profiles_path: None,
            store: StoreChoice::Memory(Arc::new(MemoryStore::default())),
            data_dir: None,
            // Every dialog is cancelled unless a test scripts an answer.
            picker: Arc::new(dialogs::ScriptedPicker::default()),
            demo_orders_per_minute: 0,
            clock: crate::sync::system_clock(),
        }
    }
}

/// Sends events to the UI and wakes it.
#[derive(Clone)]
pub struct EventSink {
    tx: std_mpsc::Sender<Event>,
    repaint: Arc<dyn Fn() + Send + Sync>,
}

impl EventSink {
    /// Sends one event and asks the UI to repaint. A closed UI is not an error.
    pub fn send(&self, event: Event) {
        if self.tx.send(event).is_ok() {
            (self.repaint)();
        }
    }

    /// Reports a failure (any key-shaped text in it is redacted first).
    pub fn error(&self, action: &str, message: impl Into<String>, request_id: Option<String>) {
        self.send(Event::Error(UserError {
            action: action.to_owned(),
            message: crate::stripe::scrub_secrets(&message.into()),
            request_id,
        }));
    }

    /// Reports background work starting or progressing.
    pub fn activity(&self, key: &str, label: &str, progress: Option<f32>) {
        self.send(Event::Activity(Activity {
            key: key.to_owned(),
            label: label.to_owned(),
            progress,
            done: false,
        }));
    }

    /// Reports background work ending.
    pub fn done(&self, key: &str) {
        self.send(Event::Activity(Activity {
            key: key.to_owned(),
            label: String::new(),
            progress: None,
            done: true,
        }));
    }
}

/// The UI's end of the worker: send commands, drain events.
pub struct WorkerHandle {
    commands: mpsc::UnboundedSender<Command>,
    events: std_mpsc::Receiver<Event>,
}

impl WorkerHandle {
    /// Queues a command. If the worker is gone (it never should be) the command is dropped.
    pub fn send(&self, command: Command) {
        let _ = self.commands.send(command);
    }

    /// Takes every event that has arrived, without waiting.
    #[must_use]
    pub fn drain(&self) -> Vec<Event> {
        self.events.try_iter().collect()
    }

    /// A sender views can keep to queue commands.
    #[must_use]
    pub fn sender(&self) -> mpsc::UnboundedSender<Command> {
        self.commands.clone()
    }
}

/// Starts the worker on `runtime`. `repaint` is called after every event (pass
/// `ctx.request_repaint()`).
pub fn spawn(
    runtime: &tokio::runtime::Handle,
    config: WorkerConfig,
    repaint: Arc<dyn Fn() + Send + Sync>,
) -> WorkerHandle {
    let (cmd_tx, mut cmd_rx) = mpsc::unbounded_channel::<Command>();
    let (ev_tx, ev_rx) = std_mpsc::channel::<Event>();
    let sink = EventSink { tx: ev_tx, repaint };
    let own_commands = cmd_tx.clone();
    runtime.spawn(async move {
        // Without a configured data folder (tests), local state lives in a temporary one that
        // is removed when the worker stops.
        let scratch = tempfile::tempdir().ok();
        let data_dir = config
            .data_dir
            .clone()
            .or_else(|| scratch.as_ref().map(|d| d.path().to_path_buf()))
            .unwrap_or_else(std::env::temp_dir);
        let picker = Arc::clone(&config.picker);
        let clock = Arc::clone(&config.clock);
        let mut session = session::SessionWorker::start(config, sink.clone()).await;
        let mut catalog = catalog::CatalogWorker::start(
            sink.clone(),
            session.connection(),
            Some(data_dir.clone()),
        )
        .with_picker(Arc::clone(&picker));
        let orders = orders::OrdersWorker::new(sink.clone(), session.connection(), &data_dir)
            .with_picker(Arc::clone(&picker));
        let mut hooks = hooks::HooksWorker::new(sink.clone(), session.store())
            .with_picker(Arc::clone(&picker))
            .with_connection(session.connection());
        let mut imports =
            imports::ImportsWorker::new(sink.clone(), session.connection(), Some(data_dir.clone()));
        let mut live = live::LiveWorker::new(sink.clone(), own_commands, &data_dir);
        let sync =
            sync::SyncWorker::start(sink.clone(), session.connection(), data_dir.clone(), clock);
        orders.resume_pending();
        live.follow(&session.connection());
        sync.follow();
        // The Sellers board's event follower: the newest board load's token.
        let board_following = Arc::new(std::sync::atomic::AtomicU64::new(0));
        while let Some(command) = cmd_rx.recv().await {
            match command {
                Command::Session(c) => {
                    session.handle(c).await;
                    orders.resume_pending();
                    live.follow(&session.connection());
                    sync.follow();
                }
                Command::Live(c) => live.handle(c),
                Command::Accounts(c) => accounts::handle(
                    &session.connection(),
                    &board_following,
                    &sink,
                    &picker,
                    Some(crate::push_history::path_in(&data_dir)),
                    c,
                ),
                Command::Sync(c) => sync.handle(c),
                Command::Catalog(c) => catalog.handle(c),
                Command::Orders(c) => orders.handle(c),
                Command::Hooks(c) => hooks.handle(c).await,
                Command::Imports(c) => imports.handle(c),
                Command::Agreements(c) => match session::active(&session.connection()) {
                    Some(conn) => {
                        let client = Arc::clone(&conn.client);
                        tokio::spawn(agreements::handle(client, sink.clone(), c));
                    }
                    None => sink.error(
                        "Agreements",
                        "Not connected yet; try again in a moment.",
                        None,
                    ),
                },
                Command::Disputes(c) => match session::active(&session.connection()) {
                    Some(conn) => {
                        let client = Arc::clone(&conn.client);
                        tokio::spawn(disputes::handle(
                            client,
                            sink.clone(),
                            Arc::clone(&picker),
                            c,
                        ));
                    }
                    None => sink.error(
                        "Disputes",
                        "Not connected yet; try again in a moment.",
                        None,
                    ),
                },
            }
        }
        live.shutdown();
        hooks.shutdown();
        imports.shutdown();
        session.shutdown().await;
        drop(scratch);
    });
    WorkerHandle {
        commands: cmd_tx,
        events: ev_rx,
    }
}
