//! One module per screen. A view draws from its own state, sends [`Command`]s to the worker
//! and [`Intent`]s to the shell; it never touches another view.

pub mod activity;
pub mod agreements;
pub mod catalog;
pub mod disputes;
pub mod hooks;
pub mod imports;
pub mod orders;
pub mod overview;
pub mod sellers;
pub mod settings;

use serde::{Deserialize, Serialize};

use crate::worker::session::{SessionInfo, StoreStatus};
use crate::worker::{Command, WorkerHandle};

/// The screens of the app, in navigation order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
pub enum ViewId {
    /// What needs the seller now: the first screen.
    #[default]
    Overview,
    /// Edit and validate catalog feeds, push them.
    Catalog,
    /// Feed imports and their error reports.
    Imports,
    /// Orders placed by AI agents; captures and refunds.
    Orders,
    /// Disputes on agent orders: deadlines, evidence, accept.
    Disputes,
    /// Agreements between the seller and agents.
    Agreements,
    /// Test the seller's own hook and checkout endpoints.
    Hooks,
    /// A platform's connected accounts on one board.
    Sellers,
    /// Profiles, keys, appearance.
    Settings,
}

impl ViewId {
    /// Every view in navigation order.
    pub const ALL: [ViewId; 9] = [
        ViewId::Overview,
        ViewId::Catalog,
        ViewId::Imports,
        ViewId::Orders,
        ViewId::Disputes,
        ViewId::Agreements,
        ViewId::Hooks,
        ViewId::Sellers,
        ViewId::Settings,
    ];

    /// Name on the navigation button (also its accessible label).
    #[must_use]
    pub fn title(self) -> &'static str {
        match self {
            ViewId::Overview => "Overview",
            ViewId::Catalog => "Catalog",
            ViewId::Imports => "Imports",
            ViewId::Orders => "Orders",
            ViewId::Disputes => "Disputes",
            ViewId::Agreements => "Agreements",
            ViewId::Hooks => "Hooks",
            ViewId::Sellers => "Sellers",
            ViewId::Settings => "Settings",
        }
    }

    /// The keyboard shortcut that opens the view (Ctrl/Cmd + this digit).
    #[must_use]
    pub fn shortcut_key(self) -> egui::Key {
        match self {
            ViewId::Overview => egui::Key::Num1,
            ViewId::Catalog => egui::Key::Num2,
            ViewId::Imports => egui::Key::Num3,
            ViewId::Orders => egui::Key::Num4,
            ViewId::Disputes => egui::Key::Num5,
            ViewId::Agreements => egui::Key::Num6,
            ViewId::Hooks => egui::Key::Num7,
            ViewId::Settings => egui::Key::Num8,
            // After Settings' key, which users already know.
            ViewId::Sellers => egui::Key::Num9,
        }
    }
}

/// Something a view asks of the shell or of another view, routed by the shell.
#[derive(Debug, Clone, PartialEq)]
pub enum Intent {
    /// Show a view.
    Goto(ViewId),
    /// Open Settings with the "add profile" form.
    AddProfile,
    /// Show the Orders view filtered to one agent.
    OrdersForAgent(String),
    /// Show one order (by Checkout Session id) with its detail open.
    OpenOrder(String),
    /// Show the orders awaiting capture.
    CaptureQueue,
    /// Show the agreements waiting for the seller.
    AgreementsWaiting,
    /// Show the disputes, the one due soonest first.
    DisputesWaiting,
    /// Open the Activity panel.
    ShowActivity,
    /// Open what an Activity entry is about.
    Follow(crate::worker::live::Link),
    /// Show the Imports view with this import selected (after a push).
    WatchImport(String),
    /// Open a local feed in the Catalog view.
    OpenCatalog(std::path::PathBuf),
    /// Open a local feed in the Catalog view with an import's errors pinned to its rows.
    OpenInCatalog {
        /// The file that was pushed.
        path: std::path::PathBuf,
        /// The import's errors, keyed by the feed row's `id`.
        errors: Vec<RowError>,
    },
}

/// One error from an import's error report, tied to a feed row by its `id`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowError {
    /// The `id` column of the failing row.
    pub id: String,
    /// Stripe's message for it (`stripe_error_message`).
    pub message: String,
}

/// A product from the open catalog, offered to the Hooks view to prefill requests.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CatalogItem {
    /// The row's `id` (the SKU agents order).
    pub id: String,
    /// The row's `title`.
    pub title: String,
    /// The row's `price`, as written (`15.00 USD`).
    pub price: String,
}

/// What every view gets while drawing: the session, and ways to send commands and intents.
pub struct ViewCtx<'a> {
    /// The active connection (mode, profile, account).
    pub session: &'a SessionInfo,
    /// The credential store in use.
    pub store: Option<&'a StoreStatus>,
    worker: &'a WorkerHandle,
    intents: &'a mut Vec<Intent>,
}

impl<'a> ViewCtx<'a> {
    /// Builds the context for one frame.
    pub fn new(
        session: &'a SessionInfo,
        store: Option<&'a StoreStatus>,
        worker: &'a WorkerHandle,
        intents: &'a mut Vec<Intent>,
    ) -> Self {
        ViewCtx {
            session,
            store,
            worker,
            intents,
        }
    }

    /// Queues a command for the worker.
    pub fn send(&self, command: Command) {
        self.worker.send(command);
    }

    /// Asks the shell for something (navigation, cross-view actions).
    pub fn intent(&mut self, intent: Intent) {
        self.intents.push(intent);
    }
}
