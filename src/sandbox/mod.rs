//! The embedded Stripe imitation: a stateful local server (axum on 127.0.0.1) for the
//! endpoints Seller Console uses, seeded with demo data, with faults on demand.
//!
//! One port serves both Stripe hosts (api and files). It follows the shapes of
//! `reference/stripe-api.md`: Basic or Bearer auth, `Stripe-Account`, `Request-Id`, v1 form
//! bodies and lists, v2 JSON and lists, expansions (4 levels at most), idempotent replays,
//! and Stripe's rules for captures and refunds.
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! use seller_console::sandbox::{Sandbox, SandboxConfig, Seed, FaultSpec, DEMO_KEY};
//! let sandbox = Sandbox::start(SandboxConfig::seeded(Seed::Demo)).await?;
//! println!("{} with key {DEMO_KEY}", sandbox.base_url());
//! sandbox.shutdown().await;
//! # Ok(()) }
//! ```

// Handlers return Stripe-shaped error bodies (`ApiError`, ~140 bytes) by value on purpose:
// they become the HTTP response as they are, and the sandbox is not a hot path.
#![allow(clippy::result_large_err)]

mod auth;
mod errors;
mod events;
mod expand;
pub mod faults;
mod funds;
mod ids;
mod imports;
mod pagination;
mod params;
mod render;
mod routes;
mod seed;
mod sellers;

pub use seed::demo_catalog_csv;
pub use sellers::DEMO_SELLERS;
mod server;
mod state;

use std::fmt;
use std::net::{Ipv4Addr, SocketAddr};
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use rand::SeedableRng;
use rand::rngs::StdRng;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub use faults::{FaultKind, FaultRule, FaultSpec, FaultSpecError, FaultsHandle, Trigger};

use server::{Connection, CuttableListener};

use state::{LedgerKey, Shared, Store};

/// A test secret key the demo uses. Any well-formed `sk_test_`/`rk_test_` key works.
pub const DEMO_KEY: &str = "sk_test_SellerConsoleSandboxDemo4242";

pub use routes::files::MAX_UPLOAD_BYTES;

/// What the sandbox starts with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Seed {
    /// A catalog, a few hundred agent orders, agreements and past imports (test mode,
    /// platform account).
    #[default]
    Demo,
    /// Nothing at all.
    Empty,
}

impl FromStr for Seed {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "demo" => Ok(Seed::Demo),
            "empty" => Ok(Seed::Empty),
            other => Err(format!("unknown seed `{other}`: use demo or empty")),
        }
    }
}

impl fmt::Display for Seed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Seed::Demo => "demo",
            Seed::Empty => "empty",
        })
    }
}

/// How to start a sandbox.
#[derive(Debug, Clone, Default)]
pub struct SandboxConfig {
    /// Port on 127.0.0.1; 0 picks a free one.
    pub port: u16,
    /// Initial data.
    pub seed: Seed,
    /// Faults in force from the start (change them later with [`Sandbox::faults`]).
    pub faults: FaultSpec,
    /// Connected accounts of the platform (test mode): `None` for the seed's own number
    /// ([`DEMO_SELLERS`] with the demo seed, none when empty).
    pub accounts: Option<usize>,
}

impl SandboxConfig {
    /// A sandbox on a free port with `seed`'s data and no faults.
    #[must_use]
    pub fn seeded(seed: Seed) -> SandboxConfig {
        SandboxConfig {
            port: 0,
            seed,
            faults: FaultSpec::none(),
            accounts: None,
        }
    }
}

/// The process's stop request (Ctrl+C, or SIGTERM on Unix), with its handlers installed
/// the moment this is made: a signal that arrives before [`StopSignal::wait`] is polled is
/// kept, not left to the default action that would end the process without cleaning up.
#[derive(Debug)]
pub struct StopSignal {
    #[cfg(unix)]
    interrupt: tokio::signal::unix::Signal,
    #[cfg(unix)]
    terminate: tokio::signal::unix::Signal,
    #[cfg(windows)]
    ctrl_c: tokio::signal::windows::CtrlC,
}

impl StopSignal {
    /// Installs the handlers now. Needs a tokio runtime.
    pub fn install() -> std::io::Result<Self> {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            Ok(Self {
                interrupt: signal(SignalKind::interrupt())?,
                terminate: signal(SignalKind::terminate())?,
            })
        }
        #[cfg(windows)]
        {
            Ok(Self {
                ctrl_c: tokio::signal::windows::ctrl_c()?,
            })
        }
    }

    /// Waits until the process is asked to stop.
    pub async fn wait(&mut self) {
        #[cfg(unix)]
        {
            tokio::select! {
                _ = self.interrupt.recv() => {},
                _ = self.terminate.recv() => {},
            }
        }
        #[cfg(windows)]
        {
            self.ctrl_c.recv().await;
        }
    }
}

/// A running sandbox. Dropping it stops the server too; [`Sandbox::shutdown`] waits for it.
#[derive(Debug)]
pub struct Sandbox {
    shared: Arc<Shared>,
    addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
    shopper: Option<JoinHandle<()>>,
}

impl Sandbox {
    /// Binds 127.0.0.1 and serves in a task of the current tokio runtime.
    pub async fn start(config: SandboxConfig) -> std::io::Result<Sandbox> {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, config.port)).await?;
        let addr = listener.local_addr()?;
        let base_url = format!("http://{addr}");
        let faults = FaultsHandle::new(config.faults);
        let shared = Arc::new(Shared::new(
            Store::new(StdRng::from_os_rng()),
            faults,
            base_url,
        )?);
        let sellers = sellers::accounts(
            config.accounts.unwrap_or(match config.seed {
                Seed::Demo => DEMO_SELLERS,
                Seed::Empty => 0,
            }),
            shared.now(),
        );
        if config.seed == Seed::Demo {
            let now = shared.now();
            let mut store = shared.lock();
            let ledger = store.ledger(&LedgerKey {
                account: None,
                live: false,
            });
            seed::demo(ledger, &shared, now, &sellers::destinations(&sellers))?;
            store.accounts.platform_name = Some("Juniper & Oak".into());
        }
        {
            let mut store = shared.lock();
            for account in sellers {
                store.accounts.add(false, account);
            }
        }
        let app = Router::new()
            .fallback(server::handle)
            .with_state(shared.clone())
            .layer(DefaultBodyLimit::max(
                MAX_UPLOAD_BYTES as usize + 1024 * 1024,
            ));
        let (stop, stopped) = oneshot::channel::<()>();
        let service = app.into_make_service_with_connect_info::<Connection>();
        let task = tokio::spawn(async move {
            let serve = axum::serve(CuttableListener(listener), service).with_graceful_shutdown(
                async move {
                    let _ = stopped.await;
                },
            );
            if let Err(e) = serve.await {
                eprintln!("The sandbox server stopped with an error: {e}");
            }
        });
        Ok(Sandbox {
            shared,
            addr,
            stop: Some(stop),
            task: Some(task),
            shopper: None,
        })
    }

    /// `http://127.0.0.1:PORT`: the base of both the api and the files host.
    #[must_use]
    pub fn base_url(&self) -> String {
        self.shared.base_url.clone()
    }

    /// The socket address served.
    #[must_use]
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The sandbox's private data folder (0700 on Unix): uploaded files and error reports.
    /// It is removed when the sandbox is dropped, and at the next start if a kill left it.
    #[must_use]
    pub fn data_dir(&self) -> &std::path::Path {
        self.shared.data_dir()
    }

    /// How many accounts (per mode) the sandbox holds data for. Only writes add one.
    #[must_use]
    pub fn accounts_held(&self) -> usize {
        self.shared.lock().ledgers.len()
    }

    /// Removes the data folder and ends the process when it is asked to stop (SIGTERM or
    /// Ctrl+C), for a process whose sandbox would otherwise never be dropped (the app).
    pub fn clean_up_on_stop_signal(&self) {
        let dir = self.data_dir().to_path_buf();
        let Ok(mut stop) = StopSignal::install() else {
            return;
        };
        tokio::spawn(async move {
            stop.wait().await;
            let _ = std::fs::remove_dir_all(&dir);
            std::process::exit(130);
        });
    }

    /// The faults in force, changeable while the sandbox runs.
    #[must_use]
    pub fn faults(&self) -> FaultsHandle {
        self.shared.faults.clone()
    }

    /// Moves the sandbox's clock forward (authorizations expire, URLs time out).
    pub fn advance_clock(&self, by: Duration) {
        self.shared.advance_clock(by);
    }

    /// Adds `count` generated agent orders over the last 60 days to the test-mode platform
    /// account (for pagination tests and benchmarks). Returns how many orders it now has.
    #[must_use]
    pub fn add_orders(&self, count: usize) -> usize {
        let now = self.shared.now();
        let mut store = self.shared.lock();
        let (ledger, rng) = store.ledger_and_rng(&LedgerKey {
            account: None,
            live: false,
        });
        seed::orders(ledger, rng, now, count, 60);
        ledger.sessions.len()
    }

    /// Places `count` agent orders now, as the live shopper would (each with its
    /// `checkout.session.completed` and payment events), for tests and benchmarks.
    pub fn place_orders_now(&self, count: usize) {
        for _ in 0..count {
            place_live_order(&self.shared);
        }
    }

    /// Starts a live demo shopper: agents place about `per_minute` orders a minute on the
    /// test-mode platform account (some waiting for a manual capture), each with its
    /// `checkout.session.completed` event, so the demo moves. Replaces a shopper already running.
    pub fn start_live_shopper(&mut self, per_minute: u32) {
        if let Some(old) = self.shopper.take() {
            old.abort();
        }
        if per_minute == 0 {
            return;
        }
        let shared = self.shared.clone();
        let every = Duration::from_secs_f64(60.0 / f64::from(per_minute));
        self.shopper = Some(tokio::spawn(async move {
            let mut tick = tokio::time::interval(every);
            tick.tick().await;
            loop {
                tick.tick().await;
                place_live_order(&shared);
            }
        }));
    }

    /// Stops accepting requests and waits (at most 5 s) for open ones to finish.
    pub async fn shutdown(mut self) {
        if let Some(shopper) = self.shopper.take() {
            shopper.abort();
        }
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            let abort = task.abort_handle();
            if tokio::time::timeout(Duration::from_secs(5), task)
                .await
                .is_err()
            {
                abort.abort();
            }
        }
    }
}

/// Places one live order and records its events.
fn place_live_order(shared: &Shared) {
    let now = shared.now();
    let key = LedgerKey {
        account: None,
        live: false,
    };
    let mut store = shared.lock();
    let (ledger, rng) = store.ledger_and_rng(&key);
    let id = seed::live_order(ledger, rng, now);
    let (session, payment) = {
        let r = render::Renderer {
            ledger,
            live: false,
            base_url: &shared.base_url,
        };
        let session = ledger.sessions.get(&id);
        let payment = session
            .and_then(|s| s.payment_intent.as_deref())
            .and_then(|pi| ledger.payment_intents.get(pi));
        (
            session.map(|s| r.session(s)),
            payment.map(|p| (p.status, r.payment_intent(p))),
        )
    };
    if let Some((status, pi)) = payment {
        let kind = if status == "requires_capture" {
            "payment_intent.amount_capturable_updated"
        } else {
            "payment_intent.succeeded"
        };
        events::emit(ledger, rng, &key, now, kind, pi, None);
    }
    if let Some(session) = session {
        events::emit(
            ledger,
            rng,
            &key,
            now,
            "checkout.session.completed",
            session,
            None,
        );
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        if let Some(shopper) = self.shopper.take() {
            shopper.abort();
        }
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}
