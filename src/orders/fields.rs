//! How an order reads, label by label: the fields, lines, refunds and ids that the window's
//! detail and `seller-console orders show` both print, so the two never disagree. Money goes
//! through [`crate::money`], times through [`format_time`].

use super::capture::countdown;
use super::detail::{OrderDetail, OrderLine, PostalAddress, RefundInfo, TimelineEntry};
use super::row::PaymentState;
use crate::money;

/// One labelled value of an order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    /// What the value is ("Order date", "Final amount", …).
    pub label: &'static str,
    /// The value in words.
    pub value: String,
}

impl Field {
    fn new(label: &'static str, value: impl Into<String>) -> Self {
        Field {
            label,
            value: value.into(),
        }
    }
}

/// A unix time as the order shows it: `2026-04-06 10:00` (UTC).
#[must_use]
pub fn format_time(t: i64) -> String {
    chrono::DateTime::<chrono::Utc>::from_timestamp(t, 0)
        .map(|d| d.format("%Y-%m-%d %H:%M").to_string())
        .unwrap_or_default()
}

impl OrderDetail {
    /// The order's fields, in the order they are shown: dates, agent, buyer, amounts, the
    /// capture deadline while one runs (with the time left at `now`), the card.
    #[must_use]
    pub fn fields(&self, now: i64) -> Vec<Field> {
        let r = &self.row;
        let amount = |a: i64| money::format_symbol(a, &r.currency);
        let mut out = vec![
            Field::new("Order date", format_time(self.order_date())),
            Field::new("Order number", r.order_number.clone()),
            Field::new(
                "Agent",
                if r.agent.is_empty() {
                    "—".into()
                } else {
                    r.agent.clone()
                },
            ),
        ];
        if let Some(p) = &self.agent_profile {
            out.push(Field::new("Agent profile", p.clone()));
        }
        out.push(Field::new("Customer", r.customer.clone()));
        out.push(Field::new("Email", r.email.clone()));
        out.push(Field::new("Subtotal", amount(self.subtotal)));
        out.push(Field::new("Tax", amount(self.tax)));
        out.push(Field::new("Shipping", amount(self.shipping_amount)));
        if self.discount != 0 {
            out.push(Field::new("Discount", amount(-self.discount)));
        }
        out.push(Field::new("Final amount", amount(r.total)));
        out.push(Field::new("Refunded", amount(r.refunded)));
        if let Some(f) = self.fees {
            out.push(Field::new("Stripe fees", amount(f.fee)));
            out.push(Field::new("Net", amount(f.net)));
        }
        if let Some(d) = &self.destination {
            if d.seller.is_some() {
                out.push(Field::new("Seller", d.seller_label()));
            }
            if let Some(fee) = &d.fee {
                out.push(Field::new(
                    "Application fee",
                    if fee.refunded > 0 {
                        format!(
                            "{} ({} refunded to the seller)",
                            amount(fee.amount),
                            amount(fee.refunded)
                        )
                    } else {
                        amount(fee.amount)
                    },
                ));
            }
            match &d.transfer {
                Some(t) => out.push(Field::new(
                    "Transfer to seller",
                    if t.reversed > 0 {
                        format!("{} ({} reversed)", amount(t.amount), amount(t.reversed))
                    } else {
                        amount(t.amount)
                    },
                )),
                None if d.seller.is_some() => {
                    out.push(Field::new("Transfer to seller", "on capture"));
                }
                None => {}
            }
        }
        if let Some(deadline) = r
            .capture_before
            .filter(|_| r.state == PaymentState::AwaitingCapture)
        {
            out.push(Field::new(
                "Capture before",
                format!("{} ({})", format_time(deadline), countdown(deadline, now)),
            ));
        }
        if let Some(card) = &self.card {
            out.push(Field::new(
                "Card",
                format!("{} •••• {}", card.brand, card.last4),
            ));
            out.push(Field::new(
                "Expires",
                format!("{:02}/{}", card.exp_month, card.exp_year),
            ));
        }
        if let Some(url) = &self.receipt_url {
            out.push(Field::new("Receipt", url.clone()));
        }
        out
    }

    /// The shipping and billing addresses with their headings (`None`: the order has none).
    #[must_use]
    pub fn addresses(&self) -> [(&'static str, Option<&PostalAddress>); 2] {
        [
            ("Shipping address", self.shipping.as_ref()),
            ("Billing address", self.billing.as_ref()),
        ]
    }

    /// The ids of the order: Checkout Session, PaymentIntent and Charge, those it has.
    #[must_use]
    pub fn ids(&self) -> Vec<Field> {
        [
            Some(Field::new("Checkout Session", self.row.id.clone())),
            self.row
                .payment_intent
                .clone()
                .map(|p| Field::new("PaymentIntent", p)),
            self.charge.clone().map(|c| Field::new("Charge", c)),
            self.destination
                .as_ref()
                .and_then(|d| d.seller.clone())
                .map(|a| Field::new("Seller account", a)),
            self.destination
                .as_ref()
                .and_then(|d| d.transfer.as_ref())
                .map(|t| Field::new("Transfer", t.id.clone())),
            self.destination
                .as_ref()
                .and_then(|d| d.fee.as_ref())
                .and_then(|f| f.id.clone())
                .map(|f| Field::new("Application fee", f)),
        ]
        .into_iter()
        .flatten()
        .collect()
    }
}

impl OrderLine {
    /// The line's heading: `2 × Organic Tee`.
    #[must_use]
    pub fn heading(&self) -> String {
        format!("{} × {}", self.quantity, self.name)
    }

    /// The line's fields: SKU, unit price, quantity, line total, each tax, GTIN and MPN.
    #[must_use]
    pub fn fields(&self, currency: &str) -> Vec<Field> {
        let amount = |a: i64| money::format_symbol(a, currency);
        let mut out = vec![
            Field::new("SKU", self.sku.clone()),
            Field::new("Unit price", amount(self.unit_amount)),
            Field::new("Quantity", self.quantity.to_string()),
            Field::new("Line total", amount(self.amount_total)),
        ];
        for t in &self.taxes {
            out.push(Field::new(
                "Tax",
                format!(
                    "{} ({}{})",
                    amount(t.amount),
                    if t.tax_type.is_empty() {
                        "tax"
                    } else {
                        t.tax_type.as_str()
                    },
                    t.rate.map(|p| format!(", {p}%")).unwrap_or_default()
                ),
            ));
        }
        out.push(Field::new(
            "GTIN",
            self.gtin.clone().unwrap_or_else(|| "—".into()),
        ));
        out.push(Field::new(
            "MPN",
            self.mpn.clone().unwrap_or_else(|| "—".into()),
        ));
        out
    }
}

impl RefundInfo {
    /// The refund in one line: when, how much, status, reason and the note if any.
    #[must_use]
    pub fn summary(&self, currency: &str) -> String {
        format!(
            "{}  {}  {}  {}{}",
            format_time(self.created),
            money::format_symbol(self.amount, currency),
            self.status,
            self.reason,
            if self.note.is_empty() {
                String::new()
            } else {
                format!(" — {}", self.note)
            }
        )
    }
}

impl TimelineEntry {
    /// The event in one line: when, then what.
    #[must_use]
    pub fn summary(&self) -> String {
        format!("{}  {}", format_time(self.at), self.what)
    }
}
