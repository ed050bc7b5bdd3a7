//! One order in full, as the detail shows it: lines with SKU, GTIN, MPN and taxes, addresses,
//! card, the payment timeline and refunds, built from a retrieved Checkout Session.

use super::destination::Destination;
use super::row::OrderRow;
use crate::stripe::model::Address;
use crate::stripe::orders::CheckoutSession;
use crate::stripe::payment_intents::PaymentIntent;
use crate::stripe::refunds::Refund;

/// One tax on a line (amount, kind and rate).
#[derive(Debug, Clone, PartialEq)]
pub struct LineTax {
    /// Tax amount, minor units.
    pub amount: i64,
    /// Kind of tax (`sales_tax`, `vat`, …).
    pub tax_type: String,
    /// Rate in percent, when known.
    pub rate: Option<f64>,
    /// The rate's display name ("Sales Tax").
    pub name: String,
}

/// One line of an order, with every field of the order field reference.
#[derive(Debug, Clone, PartialEq)]
pub struct OrderLine {
    /// SKU (`price.external_reference`).
    pub sku: String,
    /// Product name.
    pub name: String,
    /// Product description.
    pub description: String,
    /// Quantity.
    pub quantity: u64,
    /// Unit price, minor units.
    pub unit_amount: i64,
    /// Line total, minor units.
    pub amount_total: i64,
    /// Taxes on the line.
    pub taxes: Vec<LineTax>,
    /// GTIN (`product.identifiers.gtin`, preview).
    pub gtin: Option<String>,
    /// MPN (`product.identifiers.mpn`, preview).
    pub mpn: Option<String>,
}

/// A postal address with the name on it, already in lines.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PostalAddress {
    /// Name on the address.
    pub name: String,
    /// Address lines, city line and country, non-empty ones only.
    pub lines: Vec<String>,
}

/// The card that paid.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CardInfo {
    /// Brand (`visa`, `mastercard`, …).
    pub brand: String,
    /// Last four digits.
    pub last4: String,
    /// Expiry month.
    pub exp_month: u32,
    /// Expiry year.
    pub exp_year: u32,
}

/// A refund as the order shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefundInfo {
    /// `re_…`
    pub id: String,
    /// Amount, minor units.
    pub amount: i64,
    /// `pending`, `succeeded`, `failed`, `canceled`, `requires_action`.
    pub status: String,
    /// Reason given (`requested_by_customer`, …).
    pub reason: String,
    /// Why it failed, in words, when it did.
    pub failure: Option<String>,
    /// When it was made (unix seconds).
    pub created: i64,
    /// Internal note (metadata `note`).
    pub note: String,
}

impl RefundInfo {
    /// A refund as the order shows it, its failure reason in words.
    #[must_use]
    pub fn from_refund(r: &Refund) -> RefundInfo {
        RefundInfo {
            id: r.id.clone(),
            amount: r.amount,
            status: r
                .status
                .as_ref()
                .map_or("pending", |s| s.as_str())
                .to_owned(),
            reason: r
                .reason
                .as_ref()
                .map(|x| x.as_str().to_owned())
                .unwrap_or_default(),
            failure: r.failure_reason.as_deref().map(refund_failure_words),
            created: r.created,
            note: r
                .metadata
                .as_ref()
                .and_then(|m| m.get("note").cloned())
                .unwrap_or_default(),
        }
    }
}

/// Stripe's refund `failure_reason` in words.
fn refund_failure_words(code: &str) -> String {
    match code {
        "lost_or_stolen_card" => {
            "The card was reported lost or stolen; the bank refused the refund.".into()
        }
        "expired_or_canceled_card" => {
            "The card expired or was canceled; contact the buyer for another way to refund.".into()
        }
        "charge_for_pending_refund_disputed" => {
            "The buyer disputed the charge while the refund was pending.".into()
        }
        "insufficient_funds" => "Your Stripe balance was too low to fund the refund.".into(),
        "declined" => "The buyer's bank declined the refund.".into(),
        "merchant_request" => "The refund was canceled at your request.".into(),
        other => format!("Stripe says: {other}."),
    }
}

/// One event in the payment's life.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimelineEntry {
    /// When (unix seconds).
    pub at: i64,
    /// What happened, in words.
    pub what: String,
}

/// Everything about one order.
#[derive(Debug, Clone, PartialEq)]
pub struct OrderDetail {
    /// The list row (amounts and state).
    pub row: OrderRow,
    /// Lines.
    pub lines: Vec<OrderLine>,
    /// Subtotal, tax, shipping and discount, minor units.
    pub subtotal: i64,
    /// Tax total.
    pub tax: i64,
    /// Shipping total.
    pub shipping_amount: i64,
    /// Discount total.
    pub discount: i64,
    /// Where it ships.
    pub shipping: Option<PostalAddress>,
    /// Billing address of the charge.
    pub billing: Option<PostalAddress>,
    /// Card details.
    pub card: Option<CardInfo>,
    /// Agent's network business profile, when given.
    pub agent_profile: Option<String>,
    /// `ch_…`, when charged.
    pub charge: Option<String>,
    /// When the latest charge was made (unix seconds): the order date of Stripe's order field
    /// reference (`PaymentIntent.LatestCharge.created`).
    pub charged_at: Option<i64>,
    /// The buyer's receipt (`LatestCharge.receipt_url`).
    pub receipt_url: Option<String>,
    /// Stripe's fee and the net, minor units, when the charge's balance transaction was read.
    pub fees: Option<Fees>,
    /// The payment's timeline, oldest first.
    pub timeline: Vec<TimelineEntry>,
    /// Refunds, newest first.
    pub refunds: Vec<RefundInfo>,
    /// A destination charge's seller, transfer and application fee (or a direct charge's fee).
    pub destination: Option<Destination>,
}

/// What Stripe kept and what the seller nets on a charge.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fees {
    /// Stripe's fees, minor units.
    pub fee: i64,
    /// What reaches the balance, minor units.
    pub net: i64,
}

impl OrderDetail {
    /// The order date as Stripe's order field reference defines it: the latest charge's
    /// `created`, or the session's while nothing was charged.
    #[must_use]
    pub fn order_date(&self) -> i64 {
        self.charged_at.unwrap_or(self.row.created)
    }

    /// Everything the order detail shows, from a retrieved Checkout Session and its refunds.
    #[must_use]
    pub fn from_session(s: &CheckoutSession, mut refunds: Vec<Refund>) -> OrderDetail {
        let row = OrderRow::from_session(s);
        let pi = s.payment();
        let charge = pi.and_then(PaymentIntent::charge);
        let lines = s
            .line_items
            .as_ref()
            .map(|list| {
                list.data
                    .iter()
                    .map(|l| {
                        let product = l.product();
                        OrderLine {
                            sku: l.sku().unwrap_or_default().to_owned(),
                            name: product
                                .and_then(|p| p.name.clone())
                                .or_else(|| l.description.clone())
                                .unwrap_or_default(),
                            description: product
                                .and_then(|p| p.description.clone())
                                .unwrap_or_default(),
                            quantity: l.quantity.unwrap_or(1).max(0) as u64,
                            unit_amount: l
                                .price
                                .as_ref()
                                .and_then(|p| p.unit_amount)
                                .unwrap_or_default(),
                            amount_total: l.amount_total,
                            taxes: l
                                .taxes
                                .iter()
                                .map(|t| LineTax {
                                    amount: t.amount,
                                    tax_type: t
                                        .rate
                                        .as_ref()
                                        .and_then(|r| r.tax_type.clone())
                                        .unwrap_or_default(),
                                    rate: t.rate.as_ref().and_then(|r| r.percentage),
                                    name: t
                                        .rate
                                        .as_ref()
                                        .and_then(|r| r.display_name.clone())
                                        .unwrap_or_default(),
                                })
                                .collect(),
                            gtin: product.and_then(|p| p.gtin().map(str::to_owned)),
                            mpn: product.and_then(|p| p.mpn().map(str::to_owned)),
                        }
                    })
                    .collect()
            })
            .unwrap_or_default();
        let totals = s.total_details.clone().unwrap_or_default();
        let shipping = s
            .shipping()
            .and_then(|sh| address(sh.name.as_deref(), sh.address.as_ref()));
        let billing = charge.and_then(|c| {
            c.billing_details
                .as_ref()
                .and_then(|b| address(b.name.as_deref(), b.address.as_ref()))
        });
        let card = charge
            .and_then(|c| c.payment_method_details.as_ref())
            .and_then(|d| d.card.as_ref())
            .map(|c| CardInfo {
                brand: c.brand.clone().unwrap_or_default(),
                last4: c.last4.clone().unwrap_or_default(),
                exp_month: c.exp_month.unwrap_or_default(),
                exp_year: c.exp_year.unwrap_or_default(),
            });
        let mut timeline = Vec::new();
        if let Some(p) = pi {
            let cur = row.currency.clone();
            let money = |a: i64| {
                format!(
                    "{} {}",
                    crate::money::format_plain(a, &cur),
                    cur.to_uppercase()
                )
            };
            timeline.push(TimelineEntry {
                at: p.created,
                what: format!("Authorized {}", money(p.amount)),
            });
            if let Some(c) = charge
                && c.captured
            {
                timeline.push(TimelineEntry {
                    at: c.created,
                    what: format!("Captured {}", money(c.amount_captured)),
                });
            }
            if let Some(at) = p.canceled_at {
                timeline.push(TimelineEntry {
                    at,
                    what: "Authorization canceled".into(),
                });
            }
            for r in &refunds {
                timeline.push(TimelineEntry {
                    at: r.created,
                    what: format!(
                        "Refund {} {} ({})",
                        r.id,
                        money(r.amount),
                        r.status.as_ref().map_or("pending", |s| s.as_str())
                    ),
                });
            }
            timeline.sort_by_key(|t| t.at);
        }
        refunds.sort_by_key(|r| std::cmp::Reverse(r.created));
        OrderDetail {
            lines,
            subtotal: s.amount_subtotal.unwrap_or_default(),
            tax: totals.amount_tax,
            shipping_amount: totals.amount_shipping.unwrap_or_default(),
            discount: totals.amount_discount,
            shipping,
            billing,
            card,
            agent_profile: s.agent().and_then(|a| a.profile_id().map(str::to_owned)),
            charge: charge.map(|c| c.id.clone()),
            charged_at: charge.map(|c| c.created).filter(|&t| t > 0),
            receipt_url: charge.and_then(|c| c.receipt_url.clone()),
            fees: charge
                .and_then(|c| c.balance_transaction.as_ref())
                .and_then(|b| match b {
                    crate::stripe::model::Expandable::Object(t) => Some(Fees {
                        fee: t.fee,
                        net: t.net,
                    }),
                    crate::stripe::model::Expandable::Id(_) => None,
                }),
            timeline,
            refunds: refunds.iter().map(RefundInfo::from_refund).collect(),
            destination: pi.and_then(Destination::of),
            row,
        }
    }
}

/// A Stripe address with its name, as lines: street lines, "postal code city state", country.
fn address(name: Option<&str>, a: Option<&Address>) -> Option<PostalAddress> {
    let a = a?;
    let city_line = [
        a.postal_code.as_deref(),
        a.city.as_deref(),
        a.state.as_deref(),
    ]
    .into_iter()
    .flatten()
    .filter(|s| !s.is_empty())
    .collect::<Vec<_>>()
    .join(" ");
    let lines = [
        a.line1.clone(),
        a.line2.clone(),
        Some(city_line),
        a.country.clone(),
    ]
    .into_iter()
    .flatten()
    .filter(|s| !s.trim().is_empty())
    .collect();
    Some(PostalAddress {
        name: name.unwrap_or_default().to_owned(),
        lines,
    })
}
