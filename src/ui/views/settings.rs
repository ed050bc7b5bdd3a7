//! The Settings view: profiles and keys, the credential store, appearance.

use egui::{RichText, Ui};

use super::ViewCtx;
use crate::profiles::{Mode, ProfileBook};
use crate::ui::{theme, widgets};
use crate::worker::Command;
use crate::worker::session::{self, ProfileDraft};

/// The add/edit profile form.
#[derive(Default)]
struct ProfileForm {
    /// `None` adds a profile; `Some(id)` edits one.
    editing: Option<String>,
    name: String,
    key: String,
    connected_account: String,
    api_base: String,
    activate: bool,
    /// A save is in flight (the button shows "Checking…").
    busy: bool,
    /// The last failure, shown under the form.
    error: Option<String>,
}

/// State of the Settings view.
#[derive(Default)]
pub struct SettingsView {
    /// Desktop notifications for what needs the seller (off by default; the shell keeps the
    /// choice between runs and tells the worker).
    pub notifications: bool,
    book: ProfileBook,
    form: Option<ProfileForm>,
    confirm_delete: Option<(String, String)>,
    /// Last "saved" message.
    notice: Option<String>,
    /// The diagnostics report being put together (it reads the log file), then what was done.
    diagnostics: Option<poll_promise::Promise<String>>,
    diagnostics_notice: Option<String>,
    /// A charge type chosen and sent to the worker, shown until the session says it is kept.
    charges_sent: Option<crate::profiles::ChargeType>,
}

impl SettingsView {
    /// Opens the "add profile" form.
    pub fn open_add_form(&mut self) {
        self.form = Some(ProfileForm {
            activate: true,
            ..ProfileForm::default()
        });
    }

    /// Takes the session events this view cares about.
    pub fn on_event(&mut self, event: &session::Event) {
        match event {
            session::Event::Profiles(book) => self.book = book.clone(),
            session::Event::Saved { id } => {
                let name = self
                    .book
                    .get(id)
                    .map_or_else(String::new, |p| p.name.clone());
                self.form = None;
                self.notice = Some(format!(
                    "Saved profile \"{name}\"; its key is in the credential store."
                ));
            }
            session::Event::SaveFailed { message } => {
                if let Some(form) = &mut self.form {
                    form.busy = false;
                    form.error = Some(message.clone());
                }
            }
            session::Event::Store(_) | session::Event::Session(_) => {}
        }
    }

    /// Draws the view.
    pub fn ui(&mut self, ui: &mut Ui, ctx: &mut ViewCtx<'_>) {
        egui::ScrollArea::vertical().show(ui, |ui| {
            ui.heading("Settings");
            ui.add_space(4.0);
            Self::store_ui(ui, ctx);
            ui.add_space(8.0);
            self.profiles_ui(ui, ctx);
            ui.add_space(8.0);
            self.charges_ui(ui, ctx);
            ui.add_space(8.0);
            Self::appearance_ui(ui);
            ui.add_space(8.0);
            ui.label(RichText::new("Notifications").strong().size(16.0));
            ui.checkbox(
                &mut self.notifications,
                "Desktop notifications when something needs you and the window is not in front",
            )
            .on_hover_text(
                "A new authorization to capture, a failed import, an agreement waiting for you, \
                 a dispute",
            );
            ui.add_space(8.0);
            ui.label(RichText::new("Keyboard shortcuts").strong().size(16.0));
            ui.label(
                RichText::new(
                    "Every action is also in the command palette, with or without a shortcut.",
                )
                .weak(),
            );
            crate::ui::palette::shortcuts_ui(ui);
            ui.add_space(8.0);
            self.support_ui(ui, ctx);
        });
        self.delete_modal(ui, ctx);
    }

    fn store_ui(ui: &mut Ui, ctx: &ViewCtx<'_>) {
        match ctx.store {
            Some(status) if status.problem.is_some() => widgets::callout(
                ui,
                theme::WARNING,
                "No credential store on this computer",
                status.problem.as_deref().unwrap_or_default(),
            ),
            Some(status) => {
                ui.label(format!(
                    "Keys are kept in the {}{}.",
                    status.name,
                    if status.persistent {
                        ""
                    } else {
                        " (forgotten when the app closes)"
                    }
                ));
            }
            None => {
                ui.label("Opening the credential store…");
            }
        }
    }

    fn profiles_ui(&mut self, ui: &mut Ui, ctx: &mut ViewCtx<'_>) {
        ui.label(RichText::new("Profiles").strong().size(16.0));
        if let Some(notice) = &self.notice {
            ui.colored_label(theme::SUCCESS, notice);
        }
        let active = ctx.session.profile.as_ref().map(|(id, _)| id.clone());
        egui::Grid::new("profiles")
            .striped(true)
            .num_columns(6)
            .spacing([12.0, 6.0])
            .show(ui, |ui| {
                ui.label(RichText::new("Name").strong());
                ui.label(RichText::new("Mode").strong());
                ui.label(RichText::new("Key").strong());
                ui.label(RichText::new("Account").strong());
                ui.label(RichText::new("Connected account").strong());
                ui.label("");
                ui.end_row();

                ui.label("Demo sandbox");
                widgets::badge(ui, Mode::Sandbox.label(), theme::mode_color(Mode::Sandbox));
                ui.label(crate::secrets::redact(crate::sandbox::DEMO_KEY));
                ui.label("Demo shop");
                ui.label("—");
                if active.is_none() {
                    ui.label(RichText::new("In use").italics());
                } else if ui.button("Use demo sandbox").clicked() {
                    ctx.send(Command::Session(session::Command::Activate(None)));
                }
                ui.end_row();

                for p in &self.book.profiles {
                    ui.label(&p.name);
                    widgets::badge(ui, p.mode.label(), theme::mode_color(p.mode));
                    ui.label(&p.key_hint);
                    ui.label(
                        p.account_name
                            .clone()
                            .or_else(|| p.account_id.clone())
                            .unwrap_or_else(|| "—".into()),
                    );
                    ui.label(p.connected_account.as_deref().unwrap_or("—"));
                    ui.horizontal(|ui| {
                        if active.as_deref() == Some(p.id.as_str()) {
                            ui.label(RichText::new("In use").italics());
                        } else if ui.button(format!("Use {}", p.name)).clicked() {
                            ctx.send(Command::Session(session::Command::Activate(Some(
                                p.id.clone(),
                            ))));
                        }
                        if ui.button(format!("Edit {}", p.name)).clicked() {
                            self.form = Some(ProfileForm {
                                editing: Some(p.id.clone()),
                                name: p.name.clone(),
                                connected_account: p.connected_account.clone().unwrap_or_default(),
                                api_base: p.api_base.clone().unwrap_or_default(),
                                ..ProfileForm::default()
                            });
                        }
                        if ui.button(format!("Delete {}", p.name)).clicked() {
                            self.confirm_delete = Some((p.id.clone(), p.name.clone()));
                        }
                    });
                    ui.end_row();
                }
            });
        ui.add_space(6.0);
        if self.form.is_none() && ui.button("Add profile").clicked() {
            self.open_add_form();
            self.notice = None;
        }
        let close = self
            .form
            .as_mut()
            .is_some_and(|form| Self::form_ui(ui, ctx, form));
        if close {
            self.form = None;
        }
    }

    /// Draws the form; returns true when the user cancelled it.
    fn form_ui(ui: &mut Ui, ctx: &mut ViewCtx<'_>, form: &mut ProfileForm) -> bool {
        let mut close = false;
        egui::Frame::group(ui.style()).show(ui, |ui| {
            ui.label(
                RichText::new(if form.editing.is_some() {
                    "Edit profile"
                } else {
                    "Add a profile"
                })
                .strong(),
            );
            egui::Grid::new("profile_form")
                .num_columns(2)
                .spacing([10.0, 6.0])
                .show(ui, |ui| {
                    let l = ui.label("Profile name");
                    ui.add(
                        egui::TextEdit::singleline(&mut form.name)
                            .hint_text("Shop (test)")
                            .desired_width(320.0),
                    )
                    .labelled_by(l.id);
                    ui.end_row();

                    let l = ui.label("Secret or restricted key");
                    ui.add(
                        egui::TextEdit::singleline(&mut form.key)
                            .password(true)
                            .hint_text(if form.editing.is_some() {
                                "leave empty to keep the saved key"
                            } else {
                                "sk_test_… or rk_test_…"
                            })
                            .desired_width(320.0),
                    )
                    .labelled_by(l.id);
                    ui.end_row();

                    let l = ui.label("Connected account (optional)");
                    ui.add(
                        egui::TextEdit::singleline(&mut form.connected_account)
                            .hint_text("acct_…")
                            .desired_width(320.0),
                    )
                    .labelled_by(l.id);
                    ui.end_row();

                    let l = ui.label("API base (optional)");
                    ui.add(
                        egui::TextEdit::singleline(&mut form.api_base)
                            .hint_text("https://api.stripe.com")
                            .desired_width(320.0),
                    )
                    .labelled_by(l.id);
                    ui.end_row();
                });
            ui.checkbox(&mut form.activate, "Switch to this profile after saving");
            if crate::profiles::Mode::from_key(form.key.trim()) == Mode::Live
                && !form.key.trim().is_empty()
            {
                ui.colored_label(
                    theme::LIVE_RED,
                    "This is a LIVE key: refunds and captures made with it move real money.",
                );
            }
            ui.label(
                RichText::new(
                    "The key is checked with Stripe, then stored in the OS credential store. \
                     It is never written to disk by the app and never shown again in full.",
                )
                .small()
                .weak(),
            );
            if let Some(err) = &form.error {
                ui.colored_label(theme::ERROR, err);
            }
            ui.horizontal(|ui| {
                let label = if form.busy {
                    "Checking the key…"
                } else {
                    "Check and save"
                };
                if ui
                    .add_enabled(!form.busy, egui::Button::new(label))
                    .clicked()
                {
                    form.busy = true;
                    form.error = None;
                    let key = form.key.trim();
                    ctx.send(Command::Session(session::Command::SaveProfile(
                        ProfileDraft {
                            id: form.editing.clone(),
                            name: form.name.clone(),
                            key: (!key.is_empty()).then(|| key.to_owned()),
                            connected_account: form.connected_account.clone(),
                            api_base: form.api_base.clone(),
                            activate: form.activate,
                        },
                    )));
                    form.key.clear();
                }
                if ui.button("Cancel").clicked() {
                    close = true;
                }
            });
        });
        close
    }

    /// Starts putting the diagnostics report together (off the UI thread: it reads the log).
    pub fn copy_diagnostics(&mut self, mode: Mode) {
        if self.diagnostics.is_none() {
            self.diagnostics = Some(poll_promise::Promise::spawn_thread(
                "diagnostics",
                move || crate::logs::diagnostics(mode.label()),
            ));
        }
    }

    fn support_ui(&mut self, ui: &mut Ui, ctx: &ViewCtx<'_>) {
        ui.label(RichText::new("Support").strong().size(16.0));
        match crate::logs::log_dir() {
            Some(dir) => ui.label(format!(
                "The log (requests with their status and Stripe request id; never a key or a \
                 customer's details) is kept for two weeks in {}.",
                dir.display()
            )),
            None => ui.label("There is no log folder on this computer."),
        };
        ui.horizontal(|ui| {
            let busy = self.diagnostics.is_some();
            if ui
                .add_enabled(!busy, egui::Button::new("Copy diagnostics"))
                .on_hover_text(
                    "The app's and the system's versions, the profile's mode and the last 200 \
                     log lines, scrubbed, for a support ticket",
                )
                .clicked()
            {
                self.copy_diagnostics(ctx.session.mode);
            }
            if busy {
                ui.spinner();
            }
            if let Some(notice) = &self.diagnostics_notice {
                ui.label(RichText::new(notice).color(theme::SUCCESS));
            }
        });
        if let Some(report) = self.diagnostics.as_ref().and_then(|p| p.ready()) {
            let lines = report.lines().count();
            ui.ctx().copy_text(report.clone());
            self.diagnostics_notice = Some(format!(
                "Copied {lines} lines to the clipboard; paste them into your ticket."
            ));
            self.diagnostics = None;
        } else if self.diagnostics.is_some() {
            ui.ctx()
                .request_repaint_after(std::time::Duration::from_millis(50));
        }
    }

    /// The platform's charge type, kept on the profile in use (the demo sandbox's, in demo
    /// mode).
    fn charges_ui(&mut self, ui: &mut Ui, ctx: &ViewCtx<'_>) {
        ui.label(RichText::new("Charges for sellers").strong().size(16.0));
        let whose = match &ctx.session.profile {
            Some((_, name)) => {
                format!("How this platform charges for its sellers (profile \"{name}\")")
            }
            None => "How the demo platform charges for its sellers".to_owned(),
        };
        ui.label(RichText::new(whose).weak());
        if self.charges_sent == Some(ctx.session.charges) {
            self.charges_sent = None;
        }
        let shown = self.charges_sent.unwrap_or(ctx.session.charges);
        let mut charges = shown;
        for kind in crate::profiles::ChargeType::ALL {
            ui.radio_value(&mut charges, kind, kind.label())
                .on_hover_text(kind.explain());
        }
        ui.label(RichText::new(charges.explain()).small());
        if charges != shown {
            self.charges_sent = Some(charges);
            ctx.send(Command::Session(session::Command::SetCharges(charges)));
        }
    }

    fn appearance_ui(ui: &mut Ui) {
        ui.label(RichText::new("Appearance").strong().size(16.0));
        let mut pref = ui.ctx().options(|o| o.theme_preference);
        ui.horizontal(|ui| {
            ui.label("Theme");
            ui.selectable_value(&mut pref, egui::ThemePreference::System, "Follow system");
            ui.selectable_value(&mut pref, egui::ThemePreference::Light, "Light");
            ui.selectable_value(&mut pref, egui::ThemePreference::Dark, "Dark");
        });
        if pref != ui.ctx().options(|o| o.theme_preference) {
            ui.ctx().set_theme(pref);
        }
        ui.label(
            RichText::new("Zoom with Ctrl + and Ctrl −; the platform's scale factor is respected.")
                .small()
                .weak(),
        );
    }

    fn delete_modal(&mut self, ui: &mut Ui, ctx: &mut ViewCtx<'_>) {
        let Some((id, name)) = self.confirm_delete.clone() else {
            return;
        };
        let modal =
            egui::Modal::new(egui::Id::unique("confirm_delete_profile")).show(ui.ctx(), |ui| {
                ui.heading(format!("Delete profile \"{name}\"?"));
                ui.label(
                    "Its key is removed from the credential store. You can add it again later.",
                );
                ui.horizontal(|ui| {
                    if ui.button("Delete profile").clicked() {
                        ctx.send(Command::Session(session::Command::Delete(id.clone())));
                        self.confirm_delete = None;
                    }
                    if ui.button("Keep it").clicked() {
                        self.confirm_delete = None;
                    }
                });
            });
        if modal.should_close() {
            self.confirm_delete = None;
        }
    }
}
