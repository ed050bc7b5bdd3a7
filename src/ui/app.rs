//! The shell: navigation, the live-mode band, the status bar, error messages, and routing of
//! worker events and view intents. Views are drawn in the central panel.

use std::sync::Arc;

use egui::{Color32, RichText, Ui};
use serde::{Deserialize, Serialize};

use super::theme;
use super::views::{
    Intent, ViewCtx, ViewId, agreements::AgreementsView, catalog::CatalogView, hooks::HooksView,
    imports::ImportsView, orders::OrdersView, settings::SettingsView,
};
use crate::profiles::Mode;
use crate::worker::session::{self, SessionInfo, StoreStatus};
use crate::worker::{self, Activity, Event, UserError, WorkerConfig, WorkerHandle};

/// How the app is started: where it keeps things, and whether it remembers the window.
#[derive(Clone)]
pub struct AppOptions {
    /// The worker's configuration (profiles file, credential store, data folder).
    pub worker: WorkerConfig,
}

impl AppOptions {
    /// The normal desktop app.
    #[must_use]
    pub fn desktop() -> Self {
        AppOptions {
            worker: WorkerConfig::desktop(),
        }
    }

    /// For UI tests: in-memory secrets, no files outside temp folders.
    #[must_use]
    pub fn for_tests() -> Self {
        AppOptions {
            worker: WorkerConfig::for_tests(),
        }
    }
}

/// What the app remembers between runs (no secrets).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct Remembered {
    view: ViewId,
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
    catalog: CatalogView,
    imports: ImportsView,
    orders: OrdersView,
    agreements: AgreementsView,
    hooks: HooksView,
    settings: SettingsView,
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
        SellerApp {
            worker,
            view: remembered.view,
            session: SessionInfo {
                mode: Mode::Sandbox,
                profile: None,
                key_hint: String::new(),
                account: None,
                connected_account: None,
                api_base: String::new(),
                ready: false,
            },
            store: None,
            activities: Vec::new(),
            errors: Vec::new(),
            title: String::new(),
            catalog: CatalogView::default(),
            imports: ImportsView::default(),
            orders: OrdersView::default(),
            agreements: AgreementsView::default(),
            hooks: HooksView::default(),
            settings: SettingsView::default(),
        }
    }

    /// The view on screen.
    #[must_use]
    pub fn current_view(&self) -> ViewId {
        self.view
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
                        session::Event::Session(info) => self.session = info.clone(),
                        _ => {}
                    }
                    self.settings.on_event(&e);
                }
                Event::Catalog(e) => self.catalog.on_event(e),
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
                Intent::OrdersForAgent(_agent) => {
                    self.view = ViewId::Orders;
                }
                Intent::WatchImport(id) => {
                    self.imports.watch(&id);
                    self.view = ViewId::Imports;
                }
                Intent::OpenInCatalog { path, errors } => {
                    self.catalog.open_with_errors(path, errors);
                    self.view = ViewId::Catalog;
                }
            }
        }
    }

    fn shortcuts(&mut self, ui: &Ui) {
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

    fn nav_bar(&mut self, ui: &mut Ui) {
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
                if let Some(acct) = &self.session.connected_account {
                    ui.separator();
                    label(ui, &format!("Connected account: {acct}"));
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
        self.drain_events();
        self.shortcuts(ui);
        self.update_title(ui);
        let mut intents = Vec::new();
        if self.session.mode == Mode::Live {
            Self::live_band(ui, &self.session);
        }
        self.nav_bar(ui);
        self.status_bar(ui, &mut intents);
        self.errors_panel(ui);
        egui::CentralPanel::default().show(ui, |ui| {
            let mut ctx = ViewCtx::new(
                &self.session,
                self.store.as_ref(),
                &self.worker,
                &mut intents,
            );
            match self.view {
                ViewId::Catalog => self.catalog.ui(ui, &mut ctx),
                ViewId::Imports => self.imports.ui(ui, &mut ctx),
                ViewId::Orders => self.orders.ui(ui, &mut ctx),
                ViewId::Agreements => self.agreements.ui(ui, &mut ctx),
                ViewId::Hooks => self.hooks.ui(ui, &mut ctx),
                ViewId::Settings => self.settings.ui(ui, &mut ctx),
            }
        });
        self.apply_intents(intents);
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        eframe::set_value(storage, STORAGE_KEY, &Remembered { view: self.view });
    }
}
