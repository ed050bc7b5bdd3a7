//! The request builder: one draft per hook, edited as a form (key fields) or as raw JSON.
//!
//! The JSON text is the source of truth: it is what gets signed and sent, byte for byte.
//! The form is a typed copy parsed from it; editing the form writes the text back. Text that
//! is not valid JSON stays as typed, with a message, and the form waits until it is fixed.

use egui::{RichText, Ui};

use crate::hooks::templates::{
    self, CatalogItem, CustomizeCheckout, CustomizeLineItem, FinalizeCheckout, FinalizeLineItem,
    HookKind, HookRequest,
};
use crate::ui::theme;

/// A typed copy of the draft, for the form.
enum Form {
    Finalize(Box<FinalizeCheckout>),
    Customize(Box<CustomizeCheckout>),
}

/// One hook's request as being edited.
pub(super) struct Draft {
    kind: HookKind,
    text: String,
    form: Option<Form>,
    /// Why the text cannot be sent or edited as a form.
    problem: Option<String>,
    /// The user changed it since the template was made.
    edited: bool,
}

impl Draft {
    /// A draft made from the template for `kind`.
    pub(super) fn template(kind: HookKind, items: &[CatalogItem], currency: &str) -> Draft {
        let basket = templates::Basket {
            items,
            quantity: 1,
            currency,
        };
        let text = HookRequest::template(kind, &basket).body;
        let mut draft = Draft {
            kind,
            text,
            form: None,
            problem: None,
            edited: false,
        };
        draft.reparse();
        draft
    }

    /// Whether the user changed it.
    pub(super) fn is_edited(&self) -> bool {
        self.edited
    }

    /// The request to send, or why it cannot be sent.
    pub(super) fn request(&self) -> Result<HookRequest, String> {
        if let Some(problem) = &self.problem {
            return Err(problem.clone());
        }
        Ok(HookRequest {
            kind: self.kind,
            body: self.text.clone(),
        })
    }

    fn reparse(&mut self) {
        self.form = None;
        self.problem = None;
        let request = match HookRequest::from_json(&self.text) {
            Ok(r) => r,
            Err(e) => {
                self.problem = Some(e);
                return;
            }
        };
        if request.kind != self.kind {
            self.problem = Some(format!(
                "This is a {} request; this editor holds {} requests. Change \"type\" back to \
                 {} or reset the template.",
                request.kind.label(),
                self.kind.label(),
                self.kind.event_type()
            ));
            return;
        }
        let form = match self.kind {
            HookKind::Finalize => request.as_finalize().map(|f| Form::Finalize(Box::new(f))),
            HookKind::Customize => request.as_customize().map(|c| Form::Customize(Box::new(c))),
        };
        match form {
            Ok(f) => self.form = Some(f),
            Err(e) => self.problem = Some(e),
        }
    }

    fn write_back(&mut self) {
        let Some(form) = &mut self.form else {
            return;
        };
        self.text = match form {
            Form::Finalize(f) => {
                recompute_finalize(f);
                HookRequest::finalize(f).body
            }
            Form::Customize(c) => {
                recompute_customize(c);
                HookRequest::customize(c).body
            }
        };
        self.edited = true;
    }

    /// Draws the JSON editor.
    pub(super) fn json_ui(&mut self, ui: &mut Ui) {
        let label = ui.label(RichText::new("Request JSON").strong());
        egui::ScrollArea::vertical()
            .id_salt(("hook_json", self.kind))
            .max_height(ui.available_height() - 90.0)
            .show(ui, |ui| {
                let response = ui
                    .add(
                        egui::TextEdit::multiline(&mut self.text)
                            .code_editor()
                            .desired_rows(24)
                            .desired_width(f32::INFINITY),
                    )
                    .labelled_by(label.id);
                if response.changed() {
                    self.edited = true;
                    self.reparse();
                }
            });
    }

    /// Draws the form of key fields.
    pub(super) fn form_ui(&mut self, ui: &mut Ui) {
        let changed = match &mut self.form {
            None => {
                ui.colored_label(
                    theme::WARNING,
                    "The JSON has a problem, so the form cannot show it. Fix it in the JSON \
                     editor (nothing you typed is lost) or reset the template.",
                );
                false
            }
            Some(Form::Finalize(f)) => {
                egui::ScrollArea::vertical()
                    .id_salt("hook_form_finalize")
                    .max_height(ui.available_height() - 90.0)
                    .show(ui, |ui| finalize_form(ui, f))
                    .inner
            }
            Some(Form::Customize(c)) => {
                egui::ScrollArea::vertical()
                    .id_salt("hook_form_customize")
                    .max_height(ui.available_height() - 90.0)
                    .show(ui, |ui| customize_form(ui, c))
                    .inner
            }
        };
        if changed {
            self.write_back();
        }
    }

    /// Shows why the draft cannot be sent, if it cannot.
    pub(super) fn problem_ui(&self, ui: &mut Ui) {
        if let Some(problem) = &self.problem {
            ui.colored_label(theme::ERROR, problem);
        }
    }
}

fn text_row(ui: &mut Ui, label: &str, value: &mut String, width: f32) -> bool {
    let l = ui.label(label);
    let changed = ui
        .add(egui::TextEdit::singleline(value).desired_width(width))
        .labelled_by(l.id)
        .changed();
    ui.end_row();
    changed
}

fn opt_text_row(ui: &mut Ui, label: &str, value: &mut Option<String>, width: f32) -> bool {
    let mut text = value.clone().unwrap_or_default();
    let changed = text_row(ui, label, &mut text, width);
    if changed {
        *value = (!text.trim().is_empty()).then_some(text);
    }
    changed
}

/// Editable fields of the order approval request. Returns true when something changed.
fn finalize_form(ui: &mut Ui, f: &mut FinalizeCheckout) -> bool {
    let mut changed = false;
    egui::Grid::new("finalize_form")
        .num_columns(2)
        .spacing([10.0, 6.0])
        .show(ui, |ui| {
            changed |= text_row(ui, "Request id", &mut f.id, 300.0);
            changed |= text_row(ui, "Currency", &mut f.data.currency, 80.0);
            changed |= opt_text_row(ui, "Buyer email", &mut f.data.email, 260.0);
            if let Some(shipping) = f.data.shipping_details.as_mut() {
                changed |= opt_text_row(ui, "Ship to (name)", &mut shipping.name, 260.0);
                if let Some(address) = shipping.address.as_mut() {
                    changed |= opt_text_row(ui, "Ship to (country)", &mut address.country, 80.0);
                }
            }
        });
    ui.add_space(6.0);
    ui.label(RichText::new("Line items").strong());
    let mut remove = None;
    egui::Grid::new("finalize_lines")
        .num_columns(5)
        .spacing([8.0, 4.0])
        .striped(true)
        .show(ui, |ui| {
            let headers = line_headers(ui);
            for (i, line) in f.data.line_items_details.iter_mut().enumerate() {
                changed |= line_cells(
                    ui,
                    headers,
                    &mut line.id,
                    &mut line.name,
                    &mut line.unit_amount,
                    &mut line.quantity,
                );
                if ui.small_button(format!("Remove line {}", i + 1)).clicked() {
                    remove = Some(i);
                }
                ui.end_row();
            }
        });
    if let Some(i) = remove {
        f.data.line_items_details.remove(i);
        changed = true;
    }
    if ui.button("Add line item").clicked() {
        f.data.line_items_details.push(FinalizeLineItem {
            id: "sku_new".into(),
            unit_amount: 1_000,
            quantity: 1,
            name: "New product".into(),
            extra: serde_json::Map::new(),
        });
        changed = true;
    }
    ui.add_space(4.0);
    ui.label(
        RichText::new(format!(
            "Subtotal {} · total {} (recomputed from the lines, shipping and tax).",
            crate::money::format_symbol(f.data.amount_subtotal.unwrap_or(0), &f.data.currency),
            crate::money::format_symbol(f.data.amount_total.unwrap_or(0), &f.data.currency)
        ))
        .small()
        .weak(),
    );
    changed
}

/// The line-item grid's header; its labels name the cells below them.
fn line_headers(ui: &mut Ui) -> [egui::Id; 4] {
    let ids = [
        ui.label("SKU").id,
        ui.label("Name").id,
        ui.label("Unit amount (minor units)").id,
        ui.label("Quantity").id,
    ];
    ui.label("");
    ui.end_row();
    ids
}

fn line_cells(
    ui: &mut Ui,
    headers: [egui::Id; 4],
    sku: &mut String,
    name: &mut String,
    unit_amount: &mut i64,
    quantity: &mut i64,
) -> bool {
    let mut changed = false;
    changed |= ui
        .add_sized(
            [150.0, 20.0],
            egui::TextEdit::singleline(sku).hint_text("sku_…"),
        )
        .labelled_by(headers[0])
        .changed();
    changed |= ui
        .add_sized([200.0, 20.0], egui::TextEdit::singleline(name))
        .labelled_by(headers[1])
        .changed();
    changed |= ui
        .add(egui::DragValue::new(unit_amount).range(0..=100_000_000))
        .labelled_by(headers[2])
        .changed();
    changed |= ui
        .add(egui::DragValue::new(quantity).range(1..=1_000_000))
        .labelled_by(headers[3])
        .changed();
    changed
}

/// Editable fields of the customization request. Returns true when something changed.
fn customize_form(ui: &mut Ui, c: &mut CustomizeCheckout) -> bool {
    let mut changed = false;
    egui::Grid::new("customize_form")
        .num_columns(2)
        .spacing([10.0, 6.0])
        .show(ui, |ui| {
            changed |= text_row(ui, "Request id", &mut c.id, 300.0);
            changed |= text_row(ui, "Currency", &mut c.data.currency, 80.0);
            ui.label("Automatic tax");
            changed |= ui
                .checkbox(
                    &mut c.data.automatic_tax.enabled,
                    "Stripe Tax computes tax (the seller may not set tax rates)",
                )
                .changed();
            ui.end_row();
            if let Some(address) = c
                .data
                .shipping_details
                .as_mut()
                .and_then(|s| s.address.as_mut())
            {
                changed |= opt_text_row(ui, "Ship to (country)", &mut address.country, 80.0);
            }
        });
    ui.add_space(6.0);
    ui.label(RichText::new("Line items").strong());
    let lines = c.data.line_item_details.get_or_insert_with(Vec::new);
    let mut remove = None;
    egui::Grid::new("customize_lines")
        .num_columns(5)
        .spacing([8.0, 4.0])
        .striped(true)
        .show(ui, |ui| {
            let headers = line_headers(ui);
            for (i, line) in lines.iter_mut().enumerate() {
                changed |= line_cells(
                    ui,
                    headers,
                    &mut line.sku_id,
                    &mut line.name,
                    &mut line.unit_amount,
                    &mut line.quantity,
                );
                if ui.small_button(format!("Remove line {}", i + 1)).clicked() {
                    remove = Some(i);
                }
                ui.end_row();
            }
        });
    if let Some(i) = remove {
        lines.remove(i);
        changed = true;
    }
    if ui.button("Add line item").clicked() {
        let n = lines.len() + 1;
        lines.push(CustomizeLineItem {
            id: format!("li_test_{n}"),
            sku_id: "sku_new".into(),
            unit_amount: 1_000,
            amount_discount: 0,
            amount_subtotal: 1_000,
            amount_tax: 0,
            amount_total: 1_000,
            quantity: 1,
            name: "New product".into(),
            tax_rates: Vec::new(),
            extra: serde_json::Map::new(),
        });
        changed = true;
    }
    if let Some(rates) = c
        .data
        .shipping_details
        .as_ref()
        .and_then(|s| s.shipping_rates.as_ref())
    {
        ui.add_space(4.0);
        let names: Vec<String> = rates
            .iter()
            .map(|r| {
                format!(
                    "{} ({})",
                    r.display_name.as_deref().unwrap_or(&r.id),
                    crate::money::format_symbol(r.fixed_amount.amount, &r.fixed_amount.currency)
                )
            })
            .collect();
        ui.label(
            RichText::new(format!(
                "Shipping rates on offer: {}. Edit them in the JSON.",
                names.join(", ")
            ))
            .small()
            .weak(),
        );
    }
    changed
}

/// Keeps the order approval totals consistent with its lines after a form edit.
fn recompute_finalize(f: &mut FinalizeCheckout) {
    let subtotal: i64 = f
        .data
        .line_items_details
        .iter()
        .map(|l| l.unit_amount.saturating_mul(l.quantity))
        .sum();
    let (discount, shipping, tax) = f.data.total_details.as_ref().map_or((0, 0, 0), |t| {
        (
            t.amount_discount.unwrap_or(0),
            t.amount_shipping.unwrap_or(0),
            t.amount_tax.unwrap_or(0),
        )
    });
    f.data.amount_subtotal = Some(subtotal);
    f.data.amount_total = Some(subtotal - discount + shipping + tax);
}

/// Keeps the customization line and checkout totals consistent after a form edit.
fn recompute_customize(c: &mut CustomizeCheckout) {
    let mut subtotal = 0;
    for line in c.data.line_item_details.iter_mut().flatten() {
        line.amount_subtotal = line.unit_amount.saturating_mul(line.quantity);
        line.amount_total = line.amount_subtotal - line.amount_discount + line.amount_tax;
        subtotal += line.amount_subtotal;
    }
    let (discount, shipping, tax) = c.data.total_details.as_ref().map_or((0, 0, 0), |t| {
        (
            t.amount_discount.unwrap_or(0),
            t.amount_shipping.unwrap_or(0),
            t.amount_tax.unwrap_or(0),
        )
    });
    c.data.amount_subtotal = Some(subtotal);
    c.data.amount_total = Some(subtotal - discount + shipping + tax);
}

/// Turns the open catalog's rows into template items and the currency of their prices.
/// Rows whose price cannot be read are left out.
pub(super) fn items_from_catalog(
    rows: &[super::super::CatalogItem],
) -> (Vec<CatalogItem>, Option<String>) {
    let mut currency = None;
    let items = rows
        .iter()
        .filter_map(|row| {
            let (minor, cur) = parse_price(&row.price)?;
            currency.get_or_insert(cur);
            Some(CatalogItem::new(&row.id, &row.title, minor))
        })
        .collect();
    (items, currency)
}

/// Reads a feed price such as `15.00 USD` into minor units and a lower-case currency.
fn parse_price(price: &str) -> Option<(i64, String)> {
    let mut parts = price.split_whitespace();
    let number = parts.next()?;
    let currency = parts.next()?.to_ascii_lowercase();
    if currency.len() != 3 || !currency.chars().all(|c| c.is_ascii_alphabetic()) {
        return None;
    }
    if parts.next().is_some() {
        return None;
    }
    let amount = crate::money::parse(number, &currency).ok()?;
    Some((amount, currency))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prices_read_into_minor_units() {
        assert_eq!(parse_price("15.00 USD"), Some((1500, "usd".into())));
        assert_eq!(parse_price("15.5 EUR"), Some((1550, "eur".into())));
        assert_eq!(parse_price("1200 JPY"), Some((1200, "jpy".into())));
        assert_eq!(parse_price("12 USD"), Some((1200, "usd".into())));
        assert_eq!(parse_price("1.234 USD"), None);
        assert_eq!(parse_price("free"), None);
    }

    #[test]
    fn invalid_json_keeps_the_text_and_says_why() {
        let mut draft = Draft::template(HookKind::Finalize, &[], "usd");
        assert!(draft.request().is_ok());
        draft.text.push_str("{oops");
        draft.reparse();
        assert!(draft.text.ends_with("{oops"));
        let err = draft.request().err().unwrap_or_default();
        assert!(err.starts_with("The request is not valid JSON"), "{err}");
        assert!(draft.form.is_none());
    }

    #[test]
    fn form_edits_write_back_with_totals() {
        let mut draft = Draft::template(
            HookKind::Finalize,
            &[CatalogItem::new("sku_a", "A", 1_000)],
            "usd",
        );
        if let Some(Form::Finalize(f)) = &mut draft.form {
            f.data.line_items_details[0].quantity = 3;
        }
        draft.write_back();
        let sent = draft.request().ok().and_then(|r| r.as_finalize().ok());
        assert_eq!(sent.and_then(|f| f.data.amount_subtotal), Some(3_000));
        assert!(draft.is_edited());
    }
}
