//! Disputes on agent orders as support works them, in the window and on the command line
//! alike: each dispute next to its order, "needs response" first and the soonest deadline on
//! top, the 72-hour warning, the filters, and the evidence a form can prefill from the order.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::detail::OrderDetail;
use super::row::OrderRow;
use crate::stripe::disputes::{Dispute, DisputeStatus};

/// A deadline this close (or past) is shown in red.
pub const DUE_SOON_SECS: i64 = 72 * 3600;

/// One dispute with the order it belongs to (when the order was found).
#[derive(Debug, Clone, PartialEq)]
pub struct DisputeRow {
    /// The dispute as Stripe sent it.
    pub dispute: Dispute,
    /// The agent order paid by the disputed payment.
    pub order: Option<OrderRow>,
}

impl DisputeRow {
    /// The agent that placed the order ("" when unknown).
    #[must_use]
    pub fn agent(&self) -> &str {
        self.order.as_ref().map_or("", |o| o.agent.as_str())
    }

    /// The order number as the Orders view shows it ("" when the order is unknown).
    #[must_use]
    pub fn order_number(&self) -> String {
        self.order
            .as_ref()
            .map(OrderRow::display_number)
            .unwrap_or_default()
    }

    /// When evidence is due, while the seller can still respond.
    #[must_use]
    pub fn due_by(&self) -> Option<i64> {
        if self.dispute.status.needs_response() {
            self.dispute.evidence_details.deadline()
        } else {
            None
        }
    }

    /// True when the seller must respond within [`DUE_SOON_SECS`] (or the deadline passed).
    #[must_use]
    pub fn due_soon(&self, now: i64) -> bool {
        self.due_by().is_some_and(|d| d - now < DUE_SOON_SECS)
    }
}

/// Sorts for support: disputes that need a response first, soonest deadline on top; then the
/// rest, newest first.
pub fn sort_for_support(rows: &mut [DisputeRow]) {
    rows.sort_by_key(|r| {
        let open = r.dispute.status.needs_response();
        (
            !open,
            r.due_by().unwrap_or(i64::MAX),
            std::cmp::Reverse(r.dispute.created),
        )
    });
}

/// Which disputes to show.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DisputeFilter {
    /// Only these statuses (empty: every status).
    pub statuses: Vec<DisputeStatus>,
    /// Only this agent's orders (exact name).
    pub agent: Option<String>,
}

impl DisputeFilter {
    /// Whether `row` passes.
    #[must_use]
    pub fn matches(&self, row: &DisputeRow) -> bool {
        (self.statuses.is_empty() || self.statuses.contains(&row.dispute.status))
            && self.agent.as_deref().is_none_or(|a| row.agent() == a)
    }
}

/// Evidence the order already holds, as Stripe's evidence fields: the customer's name and
/// email, the billing and shipping addresses and the product lines. Fields already filled on the
/// dispute are left as they are.
#[must_use]
pub fn prefill(detail: &OrderDetail, dispute: &Dispute) -> BTreeMap<String, String> {
    let mut fields = BTreeMap::new();
    let mut put = |name: &str, value: String| {
        if !value.trim().is_empty() && dispute.evidence_text(name).is_none() {
            fields.insert(name.to_owned(), value);
        }
    };
    put("customer_name", detail.row.customer.clone());
    put("customer_email_address", detail.row.email.clone());
    if let Some(a) = &detail.billing {
        put("billing_address", address_text(&a.name, &a.lines));
    }
    if let Some(a) = &detail.shipping {
        put("shipping_address", address_text(&a.name, &a.lines));
    }
    let products = detail
        .lines
        .iter()
        .map(|l| {
            let mut line = format!(
                "{} × {} ({})",
                l.quantity,
                l.name,
                crate::money::format(l.amount_total, &detail.row.currency)
            );
            if !l.sku.is_empty() {
                let _ = write!(line, ", SKU {}", l.sku);
            }
            if !l.description.is_empty() {
                let _ = write!(line, ": {}", l.description);
            }
            line
        })
        .collect::<Vec<_>>()
        .join("\n");
    let placed = super::fields::format_time(detail.order_date());
    let agent = if detail.row.agent.is_empty() {
        String::new()
    } else {
        format!(" through the AI agent {}", detail.row.agent)
    };
    if !products.is_empty() {
        put(
            "product_description",
            format!(
                "Order {} placed {placed}{agent}:\n{products}",
                detail.row.display_number()
            ),
        );
    }
    fields
}

fn address_text(name: &str, lines: &[String]) -> String {
    std::iter::once(name)
        .filter(|n| !n.is_empty())
        .chain(lines.iter().map(String::as_str))
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dispute(id: &str, status: &str, due: Option<i64>, created: i64) -> Dispute {
        serde_json::from_value(serde_json::json!({
            "id": id, "amount": 1000, "currency": "usd", "charge": "ch_1",
            "status": status, "reason": "fraudulent", "created": created,
            "evidence": {}, "evidence_details": {"due_by": due, "has_evidence": false,
                "past_due": false, "submission_count": 0},
            "is_charge_refundable": false, "livemode": false, "metadata": {}
        }))
        .expect("dispute")
    }

    fn row(d: Dispute) -> DisputeRow {
        DisputeRow {
            dispute: d,
            order: None,
        }
    }

    #[test]
    fn needs_response_first_and_soonest_deadline_on_top() {
        let mut rows = vec![
            row(dispute("dp_won", "won", Some(10), 500)),
            row(dispute("dp_late", "needs_response", Some(9_000), 100)),
            row(dispute(
                "dp_soon",
                "warning_needs_response",
                Some(2_000),
                50,
            )),
            row(dispute("dp_review", "under_review", Some(1), 900)),
        ];
        sort_for_support(&mut rows);
        let ids: Vec<&str> = rows.iter().map(|r| r.dispute.id.as_str()).collect();
        assert_eq!(ids, ["dp_soon", "dp_late", "dp_review", "dp_won"]);
    }

    #[test]
    fn the_last_72_hours_are_due_soon_and_closed_disputes_never() {
        let now = 1_000_000;
        let soon = row(dispute("a", "needs_response", Some(now + 71 * 3600), 0));
        let later = row(dispute("b", "needs_response", Some(now + 73 * 3600), 0));
        let closed = row(dispute("c", "lost", Some(now + 3600), 0));
        assert!(soon.due_soon(now));
        assert!(!later.due_soon(now));
        assert!(!closed.due_soon(now));
        assert_eq!(closed.due_by(), None);
    }

    #[test]
    fn the_filter_takes_statuses_and_an_agent() {
        let r = row(dispute("a", "needs_response", None, 0));
        let mut f = DisputeFilter::default();
        assert!(f.matches(&r));
        f.statuses = vec![DisputeStatus::Won];
        assert!(!f.matches(&r));
        f.statuses = vec![DisputeStatus::NeedsResponse];
        assert!(f.matches(&r));
        f.agent = Some("Shopper".into());
        assert!(!f.matches(&r), "the order is unknown, so no agent matches");
    }
}
