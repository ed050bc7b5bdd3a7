//! The shell: navigation, the live-mode band, the status bar, error messages, and routing of
//! worker events and view intents. Views are drawn in the central panel.

use std::sync::Arc;

use egui::{Color32, RichText, Ui};
use serde::{Deserialize, Serialize};

use super::theme;
use super::views::{
    Intent, ViewCtx, ViewId,
    activity::ActivityLog,
    agreements::AgreementsView,
    catalog::CatalogView,
    disputes::DisputesView,
    hooks::HooksView,
    imports::ImportsView,
    orders::OrdersView,
    overview::{OverviewData, OverviewView},
    sellers::SellersView,
    settings::SettingsView,
};
use crate::profiles::Mode;
use crate::worker::imports::Status as ImportStatus;
use crate::worker::live::Link;
use crate::worker::session::{self, SessionInfo, StoreStatus};
use crate::worker::{self, Activity, Event, UserError, WorkerConfig, WorkerHandle};

/// How the app is started: where it keeps things, and whether it remembers the window.
#[derive(Clone)]
pub struct AppOptions {
    /// The worker's configuration (profiles file, credential store, data folder).
    pub worker: WorkerConfig,
    /// When the process started, to report the time to the first frame (`scripts/cold_start.sh`
    /// sets `SELLER_CONSOLE_REPORT_STARTUP=1` to read it).
    pub started: Option<std::time::Instant>,
    /// A catalog feed to open at start (`seller-console FEED`).
    pub open_feed: Option<std::path::PathBuf>,
}

impl AppOptions {
    /// The normal desktop app.
    #[must_use]
    pub fn desktop() -> Self {
        AppOptions {
            worker: WorkerConfig::desktop(),
            started: None,
            open_feed: None,
        }
    }

    /// For UI tests: in-memory secrets, no files outside temp folders.
    #[must_use]
    pub fn for_tests() -> Self {
        AppOptions {
            worker: WorkerConfig::for_tests(),
            started: None,
            open_feed: None,
        }
    }
}

/// What the app remembers between runs (no secrets).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct Remembered {
    view: ViewId,
    /// Desktop notifications on (off by default).
    #[serde(default)]
    notifications: bool,
}

const STORAGE_KEY: &str = "seller-console/ui";

/// The application: owns the views and the worker's handle.
pub struct SellerApp {
    worker: WorkerHandle,
    view: ViewId,
    session: SessionInfo,
    store: Option<StoreStatus>,
    activities: Vec<Activity>,
    errors: Vec<UserError>,
    title: String,
    /// The view shown last frame (opening Imports lists them again).
    last_view: ViewId,
    /// The notification choice last sent to the worker.
    notifications_sent: Option<bool>,
    /// Whether the window had focus last frame (the follower looks less often without).
    focused: Option<bool>,
    activity: ActivityLog,
    overview: OverviewView,
    catalog: CatalogView,
    imports: ImportsView,
    orders: OrdersView,
    agreements: AgreementsView,
    sellers: SellersView,
    disputes: DisputesView,
    hooks: HooksView,
    /// The catalog products last handed to the Hooks view.
    catalog_items_sent: Vec<super::views::CatalogItem>,
    /// The catalog (file, revision, rows) `catalog_items_sent` was read from.
    catalog_items_key: Option<(std::path::PathBuf, u64, usize)>,
    /// Process start, until the first frame has been reported.
    started: Option<std::time::Instant>,
    settings: SettingsView,
    /// The command palette (Ctrl+K).
    palette: super::palette::Palette,
}

impl SellerApp {
    /// Creates the app and starts its worker on `runtime`.
    #[must_use]
    pub fn new(
        cc: &eframe::CreationContext<'_>,
        runtime: &tokio::runtime::Handle,
        options: AppOptions,
    ) -> Self {
        let remembered: Remembered = cc
            .storage
            .and_then(|s| eframe::get_value(s, STORAGE_KEY))
            .unwrap_or_default();
        let ctx = cc.egui_ctx.clone();
        let worker = worker::spawn(
            runtime,
            options.worker,
            Arc::new(move || ctx.request_repaint()),
        );
        let mut catalog = CatalogView::default();
        let mut view = remembered.view;
        if let Some(feed) = options.open_feed {
            catalog.open_path(feed);
            view = ViewId::Catalog;
        }
        SellerApp {
            worker,
            view,
            session: SessionInfo {
                mode: Mode::Sandbox,
                profile: None,
                key_hint: String::new(),
                account: None,
                connected_account: None,
                connected_name: None,
                recent_accounts: Vec::new(),
                api_base: String::new(),
                charges: crate::profiles::ChargeType::Destination,
                ready: false,
            },
            store: None,
            activities: Vec::new(),
            errors: Vec::new(),
            title: String::new(),
            focused: None,
            notifications_sent: None,
            last_view: view,
            activity: ActivityLog::default(),
            overview: OverviewView::default(),
            catalog,
            imports: ImportsView::default(),
            orders: OrdersView::default(),
            agreements: AgreementsView::default(),
            sellers: SellersView::default(),
            disputes: DisputesView::default(),
            hooks: HooksView::default(),
            settings: {
                let mut settings = SettingsView::default();
                settings.notifications = remembered.notifications;
                settings
            },
            catalog_items_sent: Vec::new(),
            catalog_items_key: None,
            palette: super::palette::Palette::default(),
            started: options
                .started
                .filter(|_| std::env::var_os("SELLER_CONSOLE_REPORT_STARTUP").is_some()),
        }
    }

    /// The view on screen.
    #[must_use]
    pub fn current_view(&self) -> ViewId {
        self.view
    }

    /// The Orders view's state (tests read what it lists).
    #[must_use]
    pub fn orders_view(&self) -> &OrdersView {
        &self.orders
    }

    /// The Orders view, to change (benchmarks set its search).
    pub fn orders_view_mut(&mut self) -> &mut OrdersView {
        &mut self.orders
    }

    /// The Activity log (tests read its entries).
    #[must_use]
    pub fn activity(&self) -> &ActivityLog {
        &self.activity
    }

    /// The Overview's state (tests read its figures).
    #[must_use]
    pub fn overview(&self) -> &OverviewView {
        &self.overview
    }

    /// The Agreements view's state (tests read what it lists).
    #[must_use]
    pub fn agreements_view(&self) -> &AgreementsView {
        &self.agreements
    }

    /// The Sellers board's state (tests read what it lists).
    #[must_use]
    pub fn sellers_view(&self) -> &SellersView {
        &self.sellers
    }

    /// The Disputes view's state (tests read what it lists).
    #[must_use]
    pub fn disputes_view(&self) -> &DisputesView {
        &self.disputes
    }

    /// The active session as the status bar shows it.
    #[must_use]
    pub fn session(&self) -> &SessionInfo {
        &self.session
    }

    fn drain_events(&mut self) {
        for event in self.worker.drain() {
            match event {
                Event::Session(e) => {
                    match &e {
                        session::Event::Store(status) => self.store = Some(status.clone()),
                        session::Event::Session(info) => {
                            // A different account or a fresh connection: the data on screen
                            // belongs to the old one.
                            let platform_changed = info.ready
                                && (info.api_base != self.session.api_base
                                    || info.profile != self.session.profile
                                    || !self.session.ready);
                            let changed = platform_changed
                                || (info.ready
                                    && info.connected_account != self.session.connected_account);
                            self.session = info.clone();
                            if platform_changed {
                                // The connected accounts belong to the platform, whichever
                                // of them the views act as.
                                self.sellers.reset();
                            }
                            if changed {
                                self.orders.reset();
                                self.agreements.reset();
                                self.disputes.reset();
                                self.activity.reset();
                            }
                        }
                        _ => {}
                    }
                    self.settings.on_event(&e);
                }
                Event::Catalog(e) => self.catalog.on_event(e),
                Event::Orders(e) => self.orders.on_event(e),
                Event::Agreements(e) => self.agreements.on_event(e),
                Event::Disputes(e) => self.disputes.on_event(e),
                Event::Hooks(e) => self.hooks.on_event(e),
                Event::Imports(e) => self.imports.on_event(e),
                Event::Sync(e) => {
                    self.catalog.on_sync(&e);
                    self.imports.on_sync(&e);
                }
                Event::Live(e) => self.activity.on_event(e),
                Event::Accounts(e) => self.sellers.on_event(e),
                Event::Activity(a) => {
                    self.activities.retain(|x| x.key != a.key);
                    if !a.done {
                        self.activities.push(a);
                    }
                }
                Event::Error(e) => {
                    self.errors.push(e);
                    if self.errors.len() > 5 {
                        self.errors.remove(0);
                    }
                }
            }
        }
    }

    fn apply_intents(&mut self, intents: Vec<Intent>) {
        for intent in intents {
            match intent {
                Intent::Goto(view) => self.view = view,
                Intent::AddProfile => {
                    self.view = ViewId::Settings;
                    self.settings.open_add_form();
                }
                Intent::OrdersForAgent(agent) => {
                    self.orders.filter_agent(&agent);
                    self.view = ViewId::Orders;
                }
                Intent::OpenOrder(session) => {
                    self.orders.open_order(&session);
                    self.view = ViewId::Orders;
                }
                Intent::CaptureQueue => {
                    self.orders.show_capture_queue();
                    self.view = ViewId::Orders;
                }
                Intent::AgreementsWaiting => {
                    self.agreements.show_waiting();
                    self.view = ViewId::Agreements;
                }
                Intent::DisputesWaiting => self.view = ViewId::Disputes,
                Intent::ShowActivity => self.activity.open = true,
                Intent::Follow(link) => self.follow(&link),
                Intent::WatchImport(id) => {
                    self.imports.watch(&id);
                    self.view = ViewId::Imports;
                }
                Intent::OpenCatalog(path) => {
                    self.catalog.open_path(path);
                    self.view = ViewId::Catalog;
                }
                Intent::OpenInCatalog { path, errors } => {
                    self.catalog.open_with_errors(path, errors);
                    self.view = ViewId::Catalog;
                }
            }
        }
    }

    /// Whether the command palette is open.
    #[must_use]
    pub fn palette_open(&self) -> bool {
        self.palette.is_open()
    }

    /// Runs what the command palette chose.
    fn run_action(&mut self, action: super::palette::Action, ui: &Ui) {
        use super::palette::Action;
        match action {
            Action::Goto(view) => self.view = view,
            Action::Catalog(action) => {
                self.view = ViewId::Catalog;
                self.catalog.run(action);
            }
            Action::Orders(action) => {
                self.view = ViewId::Orders;
                self.orders.run(action);
            }
            Action::CaptureQueue => self.apply_intents(vec![Intent::CaptureQueue]),
            Action::AgreementsWaiting => self.apply_intents(vec![Intent::AgreementsWaiting]),
            Action::ListImports => {
                self.view = ViewId::Imports;
                self.imports.list_again();
            }
            Action::ShowActivity => self.activity.open = true,
            Action::AddProfile => self.apply_intents(vec![Intent::AddProfile]),
            Action::CopyDiagnostics => {
                self.view = ViewId::Settings;
                self.settings.copy_diagnostics(self.session.mode);
            }
            Action::Theme(preference) => ui.ctx().set_theme(preference),
        }
    }

    /// Opens what an Activity entry is about.
    fn follow(&mut self, link: &Link) {
        match link {
            Link::Order(session) => {
                self.orders.open_order(session);
                self.view = ViewId::Orders;
            }
            Link::Payment(pi) => {
                match self.orders.session_of_payment(pi).map(str::to_owned) {
                    Some(session) => self.orders.open_order(&session),
                    None => self.orders.set_search(pi),
                }
                self.view = ViewId::Orders;
            }
            Link::Import(id) => {
                self.imports.watch(id);
                self.view = ViewId::Imports;
            }
            Link::Agreement(_) => self.view = ViewId::Agreements,
            Link::Dispute(id) => {
                self.disputes.open_later(id);
                self.view = ViewId::Disputes;
            }
        }
    }

    /// Tells the follower when the window gains or loses focus, and whether to notify.
    fn report_focus(&mut self, ui: &Ui) {
        let notifications = self.settings.notifications;
        if self.notifications_sent != Some(notifications) {
            self.notifications_sent = Some(notifications);
            self.worker
                .send(worker::Command::Live(worker::live::Command::Notifications(
                    notifications,
                )));
        }
        let focused = ui.input(|i| i.focused);
        if self.focused != Some(focused) {
            self.focused = Some(focused);
            self.worker
                .send(worker::Command::Live(worker::live::Command::Focus(focused)));
        }
    }

    /// What one view needs of another, passed through the shell: the open catalog's products
    /// prefill the hook requests; closing the window with unsaved catalog edits shows the
    /// Catalog, which asks before anything is lost.
    fn cross_view_updates(&mut self, ui: &Ui) {
        if self.view == ViewId::Hooks {
            let key = self.catalog.catalog_key();
            if key != self.catalog_items_key {
                let items = self.catalog.catalog_items(20);
                if items != self.catalog_items_sent {
                    self.hooks.set_catalog_items(items.clone());
                    self.catalog_items_sent = items;
                }
                self.catalog_items_key = key;
            }
        }
        // A file dropped on the window opens in the Catalog, wherever the user was.
        if ui.input(|i| !i.raw.dropped_files.is_empty()) {
            self.view = ViewId::Catalog;
        }
        if ui.input(|i| i.viewport().close_requested()) && self.catalog.has_unsaved_edits() {
            self.view = ViewId::Catalog;
        }
    }

    fn shortcuts(&mut self, ui: &Ui) {
        if ui.input_mut(|i| i.consume_shortcut(&super::palette::OPEN)) {
            self.palette.toggle();
        }
        for view in ViewId::ALL {
            let shortcut =
                egui::KeyboardShortcut::new(egui::Modifiers::COMMAND, view.shortcut_key());
            if ui.input_mut(|i| i.consume_shortcut(&shortcut)) {
                self.view = view;
            }
        }
    }

    fn update_title(&mut self, ui: &Ui) {
        let mut title = String::from("Seller Console");
        match self.session.mode {
            Mode::Live => title = format!("LIVE — {title}"),
            Mode::Test => title.push_str(" — test mode"),
            Mode::Sandbox => title.push_str(" — sandbox"),
        }
        if let Some((_, name)) = &self.session.profile {
            title.push_str(" — ");
            title.push_str(name);
        }
        if let Some(file) = self.catalog.title_suffix() {
            title = format!("{file} — {title}");
        }
        if title != self.title {
            ui.ctx()
                .send_viewport_cmd(egui::ViewportCommand::Title(title.clone()));
            self.title = title;
        }
    }

    fn live_band(ui: &mut Ui, session: &SessionInfo) {
        egui::Panel::top("live_band")
            .exact_size(26.0)
            .frame(egui::Frame::new().fill(theme::LIVE_RED))
            .show(ui, |ui| {
                ui.centered_and_justified(|ui| {
                    ui.label(
                        RichText::new(format!(
                            "LIVE MODE: real money. {} Refunds, captures and uploads here act \
                             on your real account.",
                            session.account.as_deref().unwrap_or("")
                        ))
                        .color(Color32::WHITE)
                        .strong(),
                    );
                });
            });
    }

    fn nav_bar(&mut self, ui: &mut Ui, intents: &mut Vec<Intent>) {
        egui::Panel::top("nav").show(ui, |ui| {
            ui.horizontal(|ui| {
                ui.label(RichText::new("Seller Console").strong().size(16.0));
                ui.separator();
                for view in ViewId::ALL {
                    let shortcut = ui.ctx().format_shortcut(&egui::KeyboardShortcut::new(
                        egui::Modifiers::COMMAND,
                        view.shortcut_key(),
                    ));
                    if ui
                        .selectable_label(self.view == view, view.title())
                        .on_hover_text(shortcut)
                        .clicked()
                    {
                        self.view = view;
                    }
                }
                ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                    self.activity.button(ui);
                    let mut ctx =
                        ViewCtx::new(&self.session, self.store.as_ref(), &self.worker, intents);
                    self.sellers.picker_ui(ui, &mut ctx);
                    let dark = ui.visuals().dark_mode;
                    let (text, next) = if dark {
                        ("Light theme", egui::ThemePreference::Light)
                    } else {
                        ("Dark theme", egui::ThemePreference::Dark)
                    };
                    if ui.button(text).clicked() {
                        ui.ctx().set_theme(next);
                    }
                    super::widgets::badge(
                        ui,
                        self.session.mode.label(),
                        theme::mode_color(self.session.mode),
                    );
                });
            });
        });
    }

    fn status_bar(&mut self, ui: &mut Ui, intents: &mut Vec<Intent>) {
        let live = self.session.mode == Mode::Live;
        let mut frame = egui::Frame::side_top_panel(ui.style());
        if live {
            frame = frame.fill(theme::LIVE_RED);
        }
        egui::Panel::bottom("status").frame(frame).show(ui, |ui| {
            ui.horizontal(|ui| {
                let text_color = live.then_some(Color32::WHITE);
                let label = |ui: &mut Ui, s: &str| {
                    let mut t = RichText::new(s);
                    if let Some(c) = text_color {
                        t = t.color(c);
                    }
                    ui.label(t);
                };
                match (&self.session.profile, self.session.mode) {
                    (None, _) => {
                        label(ui, "Sandbox: demo data, no real money");
                        if ui.small_button("Add a real key").clicked() {
                            intents.push(Intent::AddProfile);
                        }
                    }
                    (Some((_, name)), mode) => {
                        label(ui, &format!("Profile: {name}"));
                        ui.separator();
                        label(ui, mode.label());
                    }
                }
                if let Some(account) = &self.session.account {
                    ui.separator();
                    label(ui, &format!("Account: {account}"));
                }
                if let Some(seller) = self.session.acting_as() {
                    ui.separator();
                    label(ui, &format!("Acting as: {seller}"));
                }
                if !self.session.key_hint.is_empty() {
                    ui.separator();
                    label(ui, &format!("Key: {}", self.session.key_hint));
                }
                ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                    for a in &self.activities {
                        match a.progress {
                            Some(p) => {
                                ui.add(
                                    egui::ProgressBar::new(p).desired_width(120.0).text(format!(
                                        "{} {:.0}%",
                                        a.label,
                                        p * 100.0
                                    )),
                                );
                            }
                            None => label(ui, &format!("{}…", a.label)),
                        }
                    }
                    if self.activities.is_empty() && !self.session.ready {
                        label(ui, "Connecting…");
                    }
                });
            });
        });
    }

    fn errors_panel(&mut self, ui: &mut Ui) {
        if self.errors.is_empty() {
            return;
        }
        egui::Panel::bottom("errors").show(ui, |ui| {
            let mut dismiss = None;
            for (i, e) in self.errors.iter().enumerate() {
                ui.horizontal_wrapped(|ui| {
                    ui.colored_label(
                        theme::ERROR,
                        RichText::new(format!("{}:", e.action)).strong(),
                    );
                    ui.label(&e.message);
                    if let Some(id) = &e.request_id
                        && ui
                            .small_button(format!("Copy request id {id}"))
                            .on_hover_text("Give this id to Stripe support")
                            .clicked()
                    {
                        ui.ctx().copy_text(id.clone());
                    }
                    if ui.small_button("Dismiss").clicked() {
                        dismiss = Some(i);
                    }
                });
            }
            if let Some(i) = dismiss {
                self.errors.remove(i);
            }
        });
    }
}

impl eframe::App for SellerApp {
    fn ui(&mut self, ui: &mut Ui, _frame: &mut eframe::Frame) {
        if let Some(started) = self.started.take() {
            eprintln!(
                "seller-console: first frame {:.0} ms after start",
                started.elapsed().as_secs_f64() * 1000.0
            );
        }
        self.drain_events();
        self.report_focus(ui);
        self.shortcuts(ui);
        self.update_title(ui);
        let mut intents = Vec::new();
        if self.session.mode == Mode::Live {
            Self::live_band(ui, &self.session);
        }
        self.nav_bar(ui, &mut intents);
        self.status_bar(ui, &mut intents);
        self.errors_panel(ui);
        self.cross_view_updates(ui);
        egui::CentralPanel::default().show(ui, |ui| {
            let mut ctx = ViewCtx::new(
                &self.session,
                self.store.as_ref(),
                &self.worker,
                &mut intents,
            );
            // The Overview reads what these load, wherever the user is.
            self.orders.ensure_loaded(&ctx);
            self.imports.ensure_loaded(&ctx);
            self.agreements.ensure_loaded(&ctx);
            self.disputes.ensure_loaded(&ctx);
            self.activity.panel(ui, &mut ctx);
            match self.view {
                ViewId::Overview => {
                    let data = OverviewData {
                        orders: self.orders.all_rows(),
                        orders_revision: self.orders.revision(),
                        orders_loading: self.orders.is_loading(),
                        imports: self.imports.imports(),
                        imports_unseen: self
                            .imports
                            .imports()
                            .iter()
                            .filter(|s| {
                                (s.status == ImportStatus::Failed
                                    || s.status == ImportStatus::SucceededWithErrors)
                                    && !self.imports.looked_at(&s.id)
                            })
                            .collect(),
                        agreements: self.agreements.list(),
                        agreements_loaded: self.agreements.is_loaded(),
                        activity: self.activity.entries(),
                        disputes: self.disputes.rows(),
                    };
                    self.overview.ui(ui, &mut ctx, &data);
                }
                ViewId::Catalog => self.catalog.ui(ui, &mut ctx),
                ViewId::Imports => self.imports.ui(ui, &mut ctx),
                ViewId::Orders => self.orders.ui(ui, &mut ctx),
                ViewId::Agreements => self.agreements.ui(ui, &mut ctx),
                ViewId::Disputes => self.disputes.ui(ui, &mut ctx),
                ViewId::Hooks => self.hooks.ui(ui, &mut ctx),
                ViewId::Sellers => self.sellers.ui(ui, &mut ctx),
                ViewId::Settings => self.settings.ui(ui, &mut ctx),
            }
        });
        self.apply_intents(intents);
        if let Some(action) = self.palette.ui(ui) {
            self.run_action(action, ui);
        }
        if self.view != self.last_view {
            if self.view == ViewId::Imports {
                self.imports.list_again();
            }
            self.last_view = self.view;
        }
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        eframe::set_value(
            storage,
            STORAGE_KEY,
            &Remembered {
                view: self.view,
                notifications: self.settings.notifications,
            },
        );
    }
}
