//! The two hook requests Stripe sends, as typed structs that follow the documented formats,
//! and realistic templates to start from (optionally seeded with an open catalog's SKUs).
//!
//! Every struct keeps fields it does not know in `extra`, so a request edited as raw JSON
//! and parsed back loses nothing, and "unknown future field" scenarios survive a round trip.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// Event type of the order approval hook.
pub const FINALIZE_CHECKOUT: &str = "v1.delegated_checkout.finalize_checkout";
/// Event type of the checkout customization hook.
pub const CUSTOMIZE_CHECKOUT: &str = "v1.delegated_checkout.customize_checkout";

/// Which hook a request is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HookKind {
    /// Order approval: `v1.delegated_checkout.finalize_checkout`.
    Finalize,
    /// Checkout customization (tax rates, shipping options):
    /// `v1.delegated_checkout.customize_checkout`.
    Customize,
}

impl HookKind {
    /// The event `type` Stripe puts in the request.
    #[must_use]
    pub fn event_type(self) -> &'static str {
        match self {
            HookKind::Finalize => FINALIZE_CHECKOUT,
            HookKind::Customize => CUSTOMIZE_CHECKOUT,
        }
    }

    /// Short label for tables ("order approval", "checkout customization").
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            HookKind::Finalize => "order approval",
            HookKind::Customize => "checkout customization",
        }
    }

    /// The kind named by an event `type`, if it is one of the two hooks.
    #[must_use]
    pub fn from_event_type(event_type: &str) -> Option<HookKind> {
        match event_type {
            FINALIZE_CHECKOUT => Some(HookKind::Finalize),
            CUSTOMIZE_CHECKOUT => Some(HookKind::Customize),
            _ => None,
        }
    }
}

/// One product to put in a template: a SKU, its name and its unit price in minor units.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CatalogItem {
    /// The seller's SKU id.
    pub sku: String,
    /// Product name shown to the buyer.
    pub name: String,
    /// Unit price in the currency's minor unit (cents).
    pub unit_amount: i64,
}

impl CatalogItem {
    /// A catalog item from its parts.
    #[must_use]
    pub fn new(sku: &str, name: &str, unit_amount: i64) -> CatalogItem {
        CatalogItem {
            sku: sku.to_owned(),
            name: name.to_owned(),
            unit_amount,
        }
    }
}

/// The products templates use when no catalog is open. The example seller stocks them.
#[must_use]
pub fn demo_catalog() -> Vec<CatalogItem> {
    vec![
        CatalogItem::new("sku_tee_black_m", "Organic cotton tee, black, M", 2800),
        CatalogItem::new("sku_mug_stoneware", "Stoneware mug, 350 ml", 1800),
        CatalogItem::new("sku_candle_cedar", "Cedar candle, 200 g", 2400),
    ]
}

/// A postal address as the hooks send it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Address {
    /// Street line 1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line1: Option<String>,
    /// Street line 2.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line2: Option<String>,
    /// City.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub city: Option<String>,
    /// State or region.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    /// Postal code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub postal_code: Option<String>,
    /// Two-letter country code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    /// Fields this version does not know.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A name and an address (billing or shipping details of the order approval request).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct NamedAddress {
    /// Full name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Postal address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<Address>,
    /// Fields this version does not know.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// Discount, shipping and tax totals of an order.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TotalDetails {
    /// Discount in minor units.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount_discount: Option<i64>,
    /// Shipping in minor units.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount_shipping: Option<i64>,
    /// Tax in minor units.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount_tax: Option<i64>,
    /// Fields this version does not know.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// One line of the order approval request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FinalizeLineItem {
    /// Line item id. The documented format has no separate `sku_id` here; templates put
    /// the SKU in it, as the inventory check in Stripe's example implies.
    pub id: String,
    /// Unit price in minor units.
    pub unit_amount: i64,
    /// Quantity ordered.
    pub quantity: i64,
    /// Product name.
    pub name: String,
    /// Fields this version does not know.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// The card used to pay, as the order approval request describes it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CardDetails {
    /// Card brand (`visa`, `amex`, `master_card`, …).
    pub brand: String,
    /// Issuing country.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    /// Expiry month.
    pub exp_month: i64,
    /// Expiry year.
    pub exp_year: i64,
    /// Card fingerprint.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fingerprint: Option<String>,
    /// `credit`, `debit`, `prepaid` or `unknown`.
    pub funding: String,
    /// Issuer identification number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub iin: Option<String>,
    /// Last four digits.
    pub last4: String,
    /// Fields this version does not know (including `wallet`).
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// Payment method of the order approval request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PaymentMethodDetails {
    /// Payment method type (`card`, …).
    #[serde(rename = "type")]
    pub kind: String,
    /// Card details when `type` is `card`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub card: Option<CardDetails>,
    /// Fields this version does not know.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// The `data` of an order approval request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FinalizeData {
    /// Subtotal in minor units.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount_subtotal: Option<i64>,
    /// Total in minor units.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount_total: Option<i64>,
    /// Billing name and address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub billing_details: Option<NamedAddress>,
    /// Three-letter lower-case currency.
    pub currency: String,
    /// Buyer's email.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// What is being bought.
    pub line_items_details: Vec<FinalizeLineItem>,
    /// How the buyer pays.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment_method_details: Option<PaymentMethodDetails>,
    /// Buyer's phone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    /// Where it ships.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shipping_details: Option<NamedAddress>,
    /// Discount, shipping and tax.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total_details: Option<TotalDetails>,
    /// Fields this version does not know.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// What Stripe posts to a hook: the request's envelope around its `data`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HookEnvelope<D> {
    /// [`FINALIZE_CHECKOUT`] or [`CUSTOMIZE_CHECKOUT`].
    #[serde(rename = "type")]
    pub event_type: String,
    /// Request id; a retry of the same request carries the same id.
    pub id: String,
    /// Whether this is live money.
    pub livemode: bool,
    /// Connected account id, for platforms.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub context: Option<String>,
    /// The order or the checkout.
    pub data: D,
    /// Fields this version does not know.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// The order approval request (`v1.delegated_checkout.finalize_checkout`).
pub type FinalizeCheckout = HookEnvelope<FinalizeData>;

/// A tax rate already applied to a line of the customization request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AppliedTaxRate {
    /// The rate.
    pub rate: TaxRate,
    /// Tax applied for this rate, in minor units.
    pub amount: i64,
    /// Fields this version does not know.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A v1 tax rate as the customization request shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TaxRate {
    /// Tax rate id (`txr_…`).
    pub id: String,
    /// Name shown to the buyer.
    pub display_name: String,
    /// Percentage out of 100.
    pub percentage: f64,
    /// Whether the price already includes it.
    pub inclusive: bool,
    /// Fields this version does not know.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// One line of the customization request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CustomizeLineItem {
    /// Line item id; the answer's `line_items[].id` refers to it.
    pub id: String,
    /// The seller's SKU.
    pub sku_id: String,
    /// Unit price in minor units.
    pub unit_amount: i64,
    /// Discount on the line.
    pub amount_discount: i64,
    /// Line subtotal (after discount, before tax).
    pub amount_subtotal: i64,
    /// Tax on the line.
    pub amount_tax: i64,
    /// Line total.
    pub amount_total: i64,
    /// Quantity.
    pub quantity: i64,
    /// Product name.
    pub name: String,
    /// Tax rates already applied.
    pub tax_rates: Vec<AppliedTaxRate>,
    /// Fields this version does not know.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// Amount and currency of a shipping rate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FixedAmount {
    /// Amount in minor units.
    pub amount: i64,
    /// Three-letter lower-case currency.
    pub currency: String,
    /// Fields this version does not know (including `currency_options`).
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A shipping rate object as the customization request shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ShippingRate {
    /// Shipping rate id (`shr_…`).
    pub id: String,
    /// Name shown to the buyer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    /// Tax code of the shipping.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tax_code: Option<String>,
    /// `unspecified`, `included` or `excluded`.
    pub tax_behavior: String,
    /// Price.
    pub fixed_amount: FixedAmount,
    /// Fields this version does not know (metadata, delivery estimate, …).
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// Shipping part of the customization request.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CustomizeShipping {
    /// The rate currently selected.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shipping_rate: Option<ShippingRate>,
    /// All rates on offer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shipping_rates: Option<Vec<ShippingRate>>,
    /// Where it ships.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<Address>,
    /// Fields this version does not know.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `automatic_tax` of the customization request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct AutomaticTax {
    /// When true Stripe Tax computes tax and the seller should not set manual rates.
    pub enabled: bool,
}

/// The `data` of a customization request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CustomizeData {
    /// Whether Stripe Tax is on.
    pub automatic_tax: AutomaticTax,
    /// Three-letter lower-case currency.
    pub currency: String,
    /// The lines.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line_item_details: Option<Vec<CustomizeLineItem>>,
    /// Shipping rates and address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shipping_details: Option<CustomizeShipping>,
    /// Total in minor units.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount_total: Option<i64>,
    /// Subtotal in minor units.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount_subtotal: Option<i64>,
    /// Discount, shipping and tax.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total_details: Option<TotalDetails>,
    /// Fields this version does not know.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// The checkout customization request (`v1.delegated_checkout.customize_checkout`).
pub type CustomizeCheckout = HookEnvelope<CustomizeData>;

/// A request ready to send: which hook, and the exact body bytes to sign and post.
///
/// The body is kept as text so that what the user typed in a JSON editor is what gets
/// signed and sent, byte for byte.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HookRequest {
    /// Which hook it is for.
    pub kind: HookKind,
    /// The raw JSON body.
    pub body: String,
}

impl HookRequest {
    /// A request from a typed order approval event.
    #[must_use]
    pub fn finalize(event: &FinalizeCheckout) -> HookRequest {
        HookRequest::typed(HookKind::Finalize, event)
    }

    /// A request from a typed customization event.
    #[must_use]
    pub fn customize(event: &CustomizeCheckout) -> HookRequest {
        HookRequest::typed(HookKind::Customize, event)
    }

    /// The template request for either hook; see [`Basket`] for what goes in it.
    #[must_use]
    pub fn template(kind: HookKind, basket: &Basket<'_>) -> HookRequest {
        match kind {
            HookKind::Finalize => HookRequest::finalize(&basket.finalize()),
            HookKind::Customize => HookRequest::customize(&basket.customize()),
        }
    }

    fn typed<T: Serialize>(kind: HookKind, event: &T) -> HookRequest {
        HookRequest {
            kind,
            body: to_pretty(event),
        }
    }

    /// A request from raw JSON typed by the user. The kind comes from its `type`.
    pub fn from_json(text: &str) -> Result<HookRequest, String> {
        let value: Value = serde_json::from_str(text).map_err(|e| {
            format!("The request is not valid JSON ({e}). Fix the text or reset the template.")
        })?;
        let event_type = value.get("type").and_then(Value::as_str).ok_or_else(|| {
            "The request has no \"type\". Use v1.delegated_checkout.finalize_checkout or \
             v1.delegated_checkout.customize_checkout."
                .to_owned()
        })?;
        let kind = HookKind::from_event_type(event_type).ok_or_else(|| {
            format!(
                "\"{event_type}\" is not a hook event. Use {FINALIZE_CHECKOUT} or \
                 {CUSTOMIZE_CHECKOUT}."
            )
        })?;
        Ok(HookRequest {
            kind,
            body: text.to_owned(),
        })
    }

    /// The body parsed as JSON, if it is JSON.
    #[must_use]
    pub fn json(&self) -> Option<Value> {
        serde_json::from_str(&self.body).ok()
    }

    /// The request `id` (`None` when the body has none).
    #[must_use]
    pub fn event_id(&self) -> Option<String> {
        self.json()?.get("id")?.as_str().map(str::to_owned)
    }

    /// The body as a typed order approval event, for form editing.
    pub fn as_finalize(&self) -> Result<FinalizeCheckout, String> {
        serde_json::from_str(&self.body)
            .map_err(|e| format!("The JSON does not fit the order approval request format: {e}."))
    }

    /// The body as a typed customization event, for form editing.
    pub fn as_customize(&self) -> Result<CustomizeCheckout, String> {
        serde_json::from_str(&self.body).map_err(|e| {
            format!("The JSON does not fit the checkout customization request format: {e}.")
        })
    }
}

fn to_pretty<T: Serialize>(value: &T) -> String {
    // Serialising these plain structs into a String cannot fail.
    serde_json::to_string_pretty(value).unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"))
}

/// A fresh request id in Stripe's style.
#[must_use]
pub fn new_request_id() -> String {
    format!("evt_test_{}", uuid::Uuid::new_v4().simple())
}

fn us_address() -> Address {
    Address {
        line1: Some("510 Townsend St".into()),
        line2: Some("Floor 2".into()),
        city: Some("San Francisco".into()),
        state: Some("CA".into()),
        postal_code: Some("94103".into()),
        country: Some("US".into()),
        extra: Map::new(),
    }
}

/// Sales tax the templates apply, in basis points (8.625 %, as in New York City).
const TEMPLATE_TAX_BPS: i64 = 862;
/// Shipping the templates charge, in minor units.
const TEMPLATE_SHIPPING: i64 = 599;
/// The connected account templates are sent for.
const TEMPLATE_CONTEXT: &str = "acct_1SellerTest0001";
/// How many products a template puts in its basket, like a typical agent basket.
const BASKET_SIZE: usize = 2;

fn tax_on(amount: i64) -> i64 {
    (amount * TEMPLATE_TAX_BPS + 5_000) / 10_000
}

fn totals(shipping: i64, tax: i64) -> TotalDetails {
    TotalDetails {
        amount_discount: Some(0),
        amount_shipping: Some(shipping),
        amount_tax: Some(tax),
        extra: Map::new(),
    }
}

/// What a template is built from: `quantity` of each of the first two `items` (the demo
/// catalog when `items` is empty), priced in `currency` (written in lower case).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Basket<'a> {
    /// Products to pick from.
    pub items: &'a [CatalogItem],
    /// How many of each product.
    pub quantity: i64,
    /// Three-letter currency, any case.
    pub currency: &'a str,
}

impl Basket<'_> {
    /// The products in the basket, in order.
    fn products(&self) -> Vec<CatalogItem> {
        if self.items.is_empty() {
            demo_catalog().into_iter().take(BASKET_SIZE).collect()
        } else {
            self.items.iter().take(BASKET_SIZE).cloned().collect()
        }
    }

    fn currency(&self) -> String {
        self.currency.to_lowercase()
    }

    /// An order approval request for the basket, with realistic buyer and card details,
    /// shipping and tax, and totals that add up.
    #[must_use]
    pub fn finalize(&self) -> FinalizeCheckout {
        let lines: Vec<FinalizeLineItem> = self
            .products()
            .into_iter()
            .map(|item| FinalizeLineItem {
                id: item.sku,
                unit_amount: item.unit_amount,
                quantity: self.quantity,
                name: item.name,
                extra: Map::new(),
            })
            .collect();
        let subtotal: i64 = lines.iter().map(|l| l.unit_amount * l.quantity).sum();
        let tax = tax_on(subtotal);
        let buyer = NamedAddress {
            name: Some("Jenny Rosen".into()),
            address: Some(us_address()),
            extra: Map::new(),
        };
        FinalizeCheckout {
            event_type: FINALIZE_CHECKOUT.into(),
            id: new_request_id(),
            livemode: false,
            context: Some(TEMPLATE_CONTEXT.into()),
            data: FinalizeData {
                amount_subtotal: Some(subtotal),
                amount_total: Some(subtotal + TEMPLATE_SHIPPING + tax),
                billing_details: Some(buyer.clone()),
                currency: self.currency(),
                email: Some("jenny.rosen@example.com".into()),
                line_items_details: lines,
                payment_method_details: Some(test_card()),
                phone: Some("+14155550123".into()),
                shipping_details: Some(buyer),
                total_details: Some(totals(TEMPLATE_SHIPPING, tax)),
                extra: Map::new(),
            },
            extra: Map::new(),
        }
    }

    /// A customization request for the basket, with two shipping rates on offer and
    /// automatic tax off, so the seller may set tax rates.
    #[must_use]
    pub fn customize(&self) -> CustomizeCheckout {
        let currency = self.currency();
        let lines: Vec<CustomizeLineItem> = self
            .products()
            .into_iter()
            .enumerate()
            .map(|(i, item)| {
                let amount = item.unit_amount * self.quantity;
                CustomizeLineItem {
                    id: format!("li_test_{}", i + 1),
                    sku_id: item.sku,
                    unit_amount: item.unit_amount,
                    amount_discount: 0,
                    amount_subtotal: amount,
                    amount_tax: 0,
                    amount_total: amount,
                    quantity: self.quantity,
                    name: item.name,
                    tax_rates: Vec::new(),
                    extra: Map::new(),
                }
            })
            .collect();
        let subtotal: i64 = lines.iter().map(|l| l.amount_subtotal).sum();
        let standard = shipping_rate(
            "shr_test_standard",
            "Standard (5-7 days)",
            TEMPLATE_SHIPPING,
            &currency,
        );
        let express = shipping_rate("shr_test_express", "Express (2 days)", 1_499, &currency);
        CustomizeCheckout {
            event_type: CUSTOMIZE_CHECKOUT.into(),
            id: new_request_id(),
            livemode: false,
            context: Some(TEMPLATE_CONTEXT.into()),
            data: CustomizeData {
                automatic_tax: AutomaticTax { enabled: false },
                currency,
                line_item_details: Some(lines),
                shipping_details: Some(CustomizeShipping {
                    shipping_rate: Some(standard.clone()),
                    shipping_rates: Some(vec![standard, express]),
                    address: Some(us_address()),
                    extra: Map::new(),
                }),
                amount_total: Some(subtotal + TEMPLATE_SHIPPING),
                amount_subtotal: Some(subtotal),
                total_details: Some(totals(TEMPLATE_SHIPPING, 0)),
                extra: Map::new(),
            },
            extra: Map::new(),
        }
    }
}

/// A Visa test card, as the order approval request describes it.
fn test_card() -> PaymentMethodDetails {
    PaymentMethodDetails {
        kind: "card".into(),
        card: Some(CardDetails {
            brand: "visa".into(),
            country: Some("US".into()),
            exp_month: 12,
            exp_year: 2030,
            fingerprint: Some("Xt5EWLLDS7FJjR1c".into()),
            funding: "credit".into(),
            iin: Some("424242".into()),
            last4: "4242".into(),
            extra: Map::new(),
        }),
        extra: Map::new(),
    }
}

fn shipping_rate(id: &str, name: &str, amount: i64, currency: &str) -> ShippingRate {
    ShippingRate {
        id: id.into(),
        display_name: Some(name.into()),
        tax_code: Some("txcd_92010001".into()),
        tax_behavior: "excluded".into(),
        fixed_amount: FixedAmount {
            amount,
            currency: currency.into(),
            extra: Map::new(),
        },
        extra: Map::new(),
    }
}

/// An order approval request for `quantity` of each of `items`; see [`Basket::finalize`].
#[must_use]
pub fn finalize_template(items: &[CatalogItem], quantity: i64, currency: &str) -> FinalizeCheckout {
    Basket {
        items,
        quantity,
        currency,
    }
    .finalize()
}

/// A customization request for one of each of `items`; see [`Basket::customize`].
#[must_use]
pub fn customize_template(items: &[CatalogItem], currency: &str) -> CustomizeCheckout {
    Basket {
        items,
        quantity: 1,
        currency,
    }
    .customize()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finalize_template_totals_add_up_and_round_trip() {
        let event = finalize_template(&[CatalogItem::new("sku_a", "A", 1_000)], 3, "USD");
        let data = &event.data;
        assert_eq!(data.currency, "usd");
        assert_eq!(data.amount_subtotal, Some(3_000));
        let details = data
            .total_details
            .as_ref()
            .map(|t| (t.amount_shipping, t.amount_tax));
        assert_eq!(details, Some((Some(599), Some(259))));
        assert_eq!(data.amount_total, Some(3_000 + 599 + 259));
        let request = HookRequest::finalize(&event);
        assert_eq!(request.as_finalize().as_ref(), Ok(&event));
        assert_eq!(request.event_id(), Some(event.id.clone()));
    }

    #[test]
    fn unknown_fields_survive_parsing() {
        let mut value = serde_json::to_value(customize_template(&[], "usd")).unwrap_or_default();
        value["future_top"] = Value::from(1);
        value["data"]["future_nested"] = serde_json::json!({"x": true});
        let request = HookRequest::from_json(&value.to_string());
        let request = request.as_ref().map(|r| r.kind);
        assert_eq!(request, Ok(HookKind::Customize));
        let parsed = HookRequest::from_json(&value.to_string()).and_then(|r| r.as_customize());
        let back = parsed.map(|p| serde_json::to_value(p).unwrap_or_default());
        assert_eq!(back, Ok(value));
    }

    #[test]
    fn raw_json_errors_are_sentences() {
        let err = HookRequest::from_json("{not json")
            .err()
            .unwrap_or_default();
        assert!(err.starts_with("The request is not valid JSON"), "{err}");
        let err = HookRequest::from_json(r#"{"type":"checkout.session.completed"}"#)
            .err()
            .unwrap_or_default();
        assert!(err.contains("is not a hook event"), "{err}");
    }

    /// The templates as pinned in `tests/fixtures/hooks/`, with the random request id fixed.
    fn pinned<T: Serialize>(event: &T) -> Value {
        let mut value = serde_json::to_value(event).unwrap_or_default();
        value["id"] = Value::from("evt_test_pinned");
        value
    }

    fn fixture(text: &str) -> Value {
        serde_json::from_str(text).unwrap_or_default()
    }

    fn basket() -> Vec<CatalogItem> {
        vec![
            CatalogItem::new("JO-1", "Linen shirt", 4_500),
            CatalogItem::new("JO-2", "Wool socks", 1_250),
            CatalogItem::new("JO-3", "Never in a basket", 999),
        ]
    }

    #[test]
    fn templates_produce_the_pinned_json() {
        assert_eq!(
            pinned(&finalize_template(&[], 1, "usd")),
            fixture(include_str!(
                "../../tests/fixtures/hooks/finalize_demo_usd.json"
            ))
        );
        assert_eq!(
            pinned(&finalize_template(&basket(), 3, "EUR")),
            fixture(include_str!(
                "../../tests/fixtures/hooks/finalize_items_eur_x3.json"
            ))
        );
        assert_eq!(
            pinned(&customize_template(&[], "usd")),
            fixture(include_str!(
                "../../tests/fixtures/hooks/customize_demo_usd.json"
            ))
        );
        assert_eq!(
            pinned(&customize_template(&basket(), "EUR")),
            fixture(include_str!(
                "../../tests/fixtures/hooks/customize_items_eur.json"
            ))
        );
    }

    #[test]
    fn request_bodies_keep_their_field_order() {
        let mut finalize = finalize_template(&basket(), 2, "usd");
        finalize.id = "evt_test_pinned".into();
        assert_eq!(
            HookRequest::finalize(&finalize).body,
            include_str!("../../tests/fixtures/hooks/finalize_body.txt")
        );
        let mut customize = customize_template(&basket(), "usd");
        customize.id = "evt_test_pinned".into();
        assert_eq!(
            HookRequest::customize(&customize).body,
            include_str!("../../tests/fixtures/hooks/customize_body.txt")
        );
    }

    #[test]
    fn one_builder_makes_both_hooks() {
        let basket = Basket {
            items: &basket(),
            quantity: 2,
            currency: "USD",
        };
        let approval = HookRequest::template(HookKind::Finalize, &basket);
        assert_eq!(approval.kind, HookKind::Finalize);
        let mut expected = finalize_template(basket.items, 2, "usd");
        expected.id = approval.event_id().unwrap_or_default();
        assert_eq!(approval.as_finalize(), Ok(expected));

        let customization = HookRequest::template(HookKind::Customize, &basket);
        assert_eq!(customization.kind, HookKind::Customize);
        let parsed = customization.as_customize().map(|c| c.data);
        let lines = parsed.as_ref().map(|d| {
            d.line_item_details
                .iter()
                .flatten()
                .map(|l| (l.sku_id.as_str(), l.quantity, l.amount_total))
                .collect::<Vec<_>>()
        });
        assert_eq!(lines, Ok(vec![("JO-1", 2, 9_000), ("JO-2", 2, 2_500)]));
        let totals = parsed.map(|d| (d.amount_subtotal, d.amount_total));
        assert_eq!(totals, Ok((Some(11_500), Some(11_500 + 599))));
    }
}
