//! Orders: Checkout Sessions listed and retrieved with what an order view needs, and the
//! test for "placed by an agent".
//!
//! Expansion is capped at 4 levels, so a list expands `data.payment_intent.latest_charge`
//! (3) and the line items come from retrieving one session with
//! `line_items.data.price.product` (4).

use serde::{Deserialize, Serialize};

use super::client::{ApiVersion, Call, Client};
use super::error::Error;
use super::form::{Form, Range, path_id};
use super::model::{Address, Expandable, List, Metadata, has_id, stripe_enum};
use super::pagination::Pager;
use super::payment_intents::{AgentDetails, PaymentIntent};

stripe_enum! {
    /// Checkout Session status.
    pub enum SessionStatus {
        /// Still open for payment.
        Open = "open",
        /// Paid or authorized.
        Complete = "complete",
        /// Expired unpaid.
        Expired = "expired",
    }
}

stripe_enum! {
    /// Checkout Session payment status.
    pub enum PaymentStatus {
        /// Paid (or authorized, for manual capture).
        Paid = "paid",
        /// Not paid.
        Unpaid = "unpaid",
        /// Nothing to pay.
        NoPaymentRequired = "no_payment_required",
    }
}

/// The buyer as entered at checkout.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerDetails {
    /// Email.
    #[serde(default)]
    pub email: Option<String>,
    /// Name.
    #[serde(default)]
    pub name: Option<String>,
    /// Phone.
    #[serde(default)]
    pub phone: Option<String>,
    /// Billing address.
    #[serde(default)]
    pub address: Option<Address>,
}

/// Where to ship.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShippingDetails {
    /// Recipient.
    #[serde(default)]
    pub name: Option<String>,
    /// Address.
    #[serde(default)]
    pub address: Option<Address>,
}

/// `collected_information` (home of shipping details since basil).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CollectedInformation {
    /// Shipping details.
    #[serde(default)]
    pub shipping_details: Option<ShippingDetails>,
}

/// Totals breakdown.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TotalDetails {
    /// Discounts.
    #[serde(default)]
    pub amount_discount: i64,
    /// Shipping.
    #[serde(default)]
    pub amount_shipping: Option<i64>,
    /// Tax.
    #[serde(default)]
    pub amount_tax: i64,
}

/// A Product (what the order view shows).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Product {
    /// `prod_…`.
    pub id: String,
    /// Name.
    #[serde(default)]
    pub name: Option<String>,
    /// Description.
    #[serde(default)]
    pub description: Option<String>,
    /// Image URLs.
    #[serde(default)]
    pub images: Vec<String>,
    /// Metadata (some sellers keep GTIN and MPN here).
    #[serde(default)]
    pub metadata: Metadata,
    /// Product identifiers (preview): GTIN and MPN.
    #[serde(default)]
    pub identifiers: Option<ProductIdentifiers>,
}

/// A product's GTIN and MPN.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ProductIdentifiers {
    /// Global Trade Item Number.
    #[serde(default)]
    pub gtin: Option<String>,
    /// Manufacturer Part Number.
    #[serde(default)]
    pub mpn: Option<String>,
}

impl Product {
    /// The GTIN, from `identifiers` or else from metadata.
    #[must_use]
    pub fn gtin(&self) -> Option<&str> {
        self.identifiers
            .as_ref()
            .and_then(|i| i.gtin.as_deref())
            .or_else(|| self.metadata.get("gtin").map(String::as_str))
    }

    /// The MPN, from `identifiers` or else from metadata.
    #[must_use]
    pub fn mpn(&self) -> Option<&str> {
        self.identifiers
            .as_ref()
            .and_then(|i| i.mpn.as_deref())
            .or_else(|| self.metadata.get("mpn").map(String::as_str))
    }
}

/// A tax rate applied to a line.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct TaxRate {
    /// `txr_…`.
    #[serde(default)]
    pub id: String,
    /// Name shown to buyers ("Sales tax", "VAT").
    #[serde(default)]
    pub display_name: Option<String>,
    /// Percent, e.g. 8.875.
    #[serde(default)]
    pub percentage: Option<f64>,
    /// `sales_tax`, `vat`, `gst`…
    #[serde(default)]
    pub tax_type: Option<String>,
    /// Jurisdiction.
    #[serde(default)]
    pub jurisdiction: Option<String>,
    /// Included in the price.
    #[serde(default)]
    pub inclusive: bool,
}

/// One tax on a line item (present only when `line_items.data.taxes` is expanded).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct LineItemTax {
    /// Tax amount in minor units.
    #[serde(default)]
    pub amount: i64,
    /// The rate.
    #[serde(default)]
    pub rate: Option<TaxRate>,
    /// Why it was taxed this way.
    #[serde(default)]
    pub taxability_reason: Option<String>,
    /// The amount the tax was computed on.
    #[serde(default)]
    pub taxable_amount: Option<i64>,
}

/// A Price.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Price {
    /// `price_…`.
    pub id: String,
    /// Unit amount in minor units.
    #[serde(default)]
    pub unit_amount: Option<i64>,
    /// Currency.
    #[serde(default)]
    pub currency: Option<String>,
    /// The catalog feed's `id` (the SKU); preview field marking agent catalog items.
    #[serde(default)]
    pub external_reference: Option<String>,
    /// The product, an id unless expanded.
    #[serde(default)]
    pub product: Option<Expandable<Product>>,
}

/// One line of an order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LineItem {
    /// `li_…`.
    pub id: String,
    /// The product name.
    #[serde(default)]
    pub description: Option<String>,
    /// Quantity.
    #[serde(default)]
    pub quantity: Option<i64>,
    /// Currency.
    #[serde(default)]
    pub currency: Option<String>,
    /// Before discounts and tax.
    #[serde(default)]
    pub amount_subtotal: i64,
    /// Discount.
    #[serde(default)]
    pub amount_discount: i64,
    /// Tax.
    #[serde(default)]
    pub amount_tax: i64,
    /// Total.
    #[serde(default)]
    pub amount_total: i64,
    /// The price.
    #[serde(default)]
    pub price: Option<Price>,
    /// Taxes, only when expanded.
    #[serde(default)]
    pub taxes: Vec<LineItemTax>,
}

impl LineItem {
    /// The SKU (`price.external_reference`).
    #[must_use]
    pub fn sku(&self) -> Option<&str> {
        self.price.as_ref()?.external_reference.as_deref()
    }

    /// The product when expanded.
    #[must_use]
    pub fn product(&self) -> Option<&Product> {
        self.price.as_ref()?.product.as_ref()?.object()
    }
}

/// A Checkout Session: one order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CheckoutSession {
    /// `cs_…`.
    pub id: String,
    /// Unix seconds.
    #[serde(default)]
    pub created: i64,
    /// When it expires (open sessions).
    #[serde(default)]
    pub expires_at: Option<i64>,
    /// Live or test.
    #[serde(default)]
    pub livemode: bool,
    /// `payment`, `setup`, `subscription`.
    #[serde(default)]
    pub mode: Option<String>,
    /// Status.
    #[serde(default)]
    pub status: Option<SessionStatus>,
    /// Payment status.
    #[serde(default)]
    pub payment_status: Option<PaymentStatus>,
    /// Currency.
    #[serde(default)]
    pub currency: Option<String>,
    /// Before discounts and tax.
    #[serde(default)]
    pub amount_subtotal: Option<i64>,
    /// Total charged.
    #[serde(default)]
    pub amount_total: Option<i64>,
    /// The seller's own reference.
    #[serde(default)]
    pub client_reference_id: Option<String>,
    /// Metadata.
    #[serde(default)]
    pub metadata: Option<Metadata>,
    /// Buyer email outside `customer_details`.
    #[serde(default)]
    pub customer_email: Option<String>,
    /// The buyer.
    #[serde(default)]
    pub customer_details: Option<CustomerDetails>,
    /// Shipping (basil and later).
    #[serde(default)]
    pub collected_information: Option<CollectedInformation>,
    /// Shipping (before basil).
    #[serde(default)]
    pub shipping_details: Option<ShippingDetails>,
    /// Totals.
    #[serde(default)]
    pub total_details: Option<TotalDetails>,
    /// Lines, only when expanded.
    #[serde(default)]
    pub line_items: Option<List<LineItem>>,
    /// The `PaymentIntent`, an id unless expanded.
    #[serde(default)]
    pub payment_intent: Option<Expandable<PaymentIntent>>,
}

impl CheckoutSession {
    /// The `PaymentIntent` when expanded.
    #[must_use]
    pub fn payment(&self) -> Option<&PaymentIntent> {
        self.payment_intent.as_ref()?.object()
    }

    /// The agent details on the `PaymentIntent` (preview), when expanded and present.
    #[must_use]
    pub fn agent(&self) -> Option<&AgentDetails> {
        self.payment()?.agent_details.as_ref()
    }

    /// The agent's name, when known.
    #[must_use]
    pub fn agent_name(&self) -> Option<&str> {
        self.agent()?.name.as_deref()
    }

    /// Placed by an AI agent: the `PaymentIntent` carries `agent_details`, or a line's price
    /// carries a catalog `external_reference`.
    #[must_use]
    pub fn is_agent_order(&self) -> bool {
        self.agent().is_some()
            || self
                .line_items
                .as_ref()
                .is_some_and(|l| l.data.iter().any(|li| li.sku().is_some()))
    }

    /// True when the payment is authorized and waits for the seller to capture it.
    #[must_use]
    pub fn needs_capture(&self) -> bool {
        self.payment().is_some_and(PaymentIntent::needs_capture)
    }

    /// Capture deadline (unix seconds) when known.
    #[must_use]
    pub fn capture_before(&self) -> Option<i64> {
        self.payment()?.capture_before()
    }

    /// Where to ship, from the current field or the pre-basil one.
    #[must_use]
    pub fn shipping(&self) -> Option<&ShippingDetails> {
        self.collected_information
            .as_ref()
            .and_then(|c| c.shipping_details.as_ref())
            .or(self.shipping_details.as_ref())
    }

    /// The buyer's email.
    #[must_use]
    pub fn email(&self) -> Option<&str> {
        self.customer_details
            .as_ref()
            .and_then(|c| c.email.as_deref())
            .or(self.customer_email.as_deref())
    }
}

/// What [`Client::list_orders`] asks Stripe for (status and creation time, applied by
/// Stripe). The console's own filter over the rows is [`crate::orders::OrderFilter`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OrderQuery {
    /// Only this status.
    pub status: Option<SessionStatus>,
    /// Creation time range (unix seconds).
    pub created: Range,
    /// Page size, 1 to 100 (default 100).
    pub limit: Option<u8>,
    /// Only the session of this `PaymentIntent` (`pi_…`).
    pub payment_intent: Option<String>,
}

impl Client {
    /// Lists orders newest first, with each `PaymentIntent` and its latest charge expanded
    /// (so agent details and capture deadlines are at hand) and the line items (for SKUs). Resumable through the pager's
    /// checkpoint; walk newer with `Checkpoint::Before`.
    #[must_use]
    pub fn list_orders(&self, query: &OrderQuery) -> Pager<CheckoutSession> {
        let mut q = Form::new();
        q.push(
            "limit",
            query.limit.unwrap_or(100).clamp(1, 100).to_string(),
        );
        q.push_opt("status", query.status.as_ref().map(SessionStatus::as_str));
        q.push_range("created", &query.created);
        q.push_opt("payment_intent", query.payment_intent.as_deref());
        q.push_list(
            "expand",
            ["data.payment_intent.latest_charge", "data.line_items"],
        );
        Pager::v1(
            self.clone(),
            "/v1/checkout/sessions",
            q,
            ApiVersion::AgentPreview,
        )
    }

    /// The account's newest agent order, retrieved in full (what webhook tests build their
    /// events from). An account with no agent order gets a sentence saying so.
    pub async fn newest_agent_order(&self) -> Result<CheckoutSession, Error> {
        let mut pager = self.list_orders(&OrderQuery::default());
        while let Some(page) = pager.next_page().await? {
            if let Some(s) = page.iter().find(|s| s.is_agent_order()) {
                return self.retrieve_order(&s.id).await;
            }
        }
        Err(Error::Invalid(
            "The account has no agent order to build events from yet.".into(),
        ))
    }

    /// Retrieves one order with everything the detail view shows: line items with price and
    /// product, `PaymentIntent` with its latest charge and its balance transaction (fees and
    /// net). Line items beyond the first page are
    /// fetched too.
    pub async fn retrieve_order(&self, id: &str) -> Result<CheckoutSession, Error> {
        let id = path_id(id)?;
        let mut q = Form::new();
        q.push_list(
            "expand",
            [
                "line_items.data.price.product",
                "line_items.data.taxes",
                "payment_intent.latest_charge.balance_transaction",
                "payment_intent.latest_charge.transfer",
                "payment_intent.latest_charge.application_fee",
            ],
        );
        let mut session: CheckoutSession = self
            .json(
                Call::get(
                    format!("/v1/checkout/sessions/{id}"),
                    ApiVersion::AgentPreview,
                )
                .query(q),
            )
            .await?;
        if let Some(lines) = &mut session.line_items
            && lines.has_more
            && let Some(last) = lines.data.last()
        {
            let mut q = Form::new();
            q.push("limit", "100");
            q.push_list("expand", ["data.price.product", "data.taxes"]);
            let rest = Pager::<LineItem>::v1(
                self.clone(),
                &format!("/v1/checkout/sessions/{id}/line_items"),
                q,
                ApiVersion::AgentPreview,
            )
            .resume(super::pagination::Checkpoint::After {
                id: last.id.clone(),
            })
            .collect_all()
            .await?;
            lines.data.extend(rest);
            lines.has_more = false;
        }
        Ok(session)
    }
}

has_id!(Product, Price, LineItem, CheckoutSession);
