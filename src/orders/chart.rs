//! What the chart draws: orders and revenue per agent per day.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use super::row::OrderRow;

/// Orders and revenue of one agent on one day.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DayTotal {
    /// Number of orders.
    pub orders: u32,
    /// Sum of totals in minor units (of the most common currency; see [`daily_by_agent`]).
    pub revenue: i64,
}

/// The agent an order is shown under (orders without an agent's name have their own group).
#[must_use]
pub fn agent_label(row: &OrderRow) -> &str {
    if row.agent.is_empty() {
        "(no agent name)"
    } else {
        row.agent.as_str()
    }
}

/// Orders and revenue per agent per day over the given rows. Revenue sums only rows in
/// `currency` (mixing currencies makes no sense on one axis); orders count every row.
#[must_use]
pub fn daily_by_agent<'a>(
    rows: impl IntoIterator<Item = &'a OrderRow>,
    currency: &str,
) -> BTreeMap<String, BTreeMap<NaiveDate, DayTotal>> {
    let mut out: BTreeMap<String, BTreeMap<NaiveDate, DayTotal>> = BTreeMap::new();
    for r in rows {
        let agent = agent_label(r);
        if !out.contains_key(agent) {
            out.insert(agent.to_owned(), BTreeMap::new());
        }
        let Some(per_day) = out.get_mut(agent) else {
            continue;
        };
        let t = per_day.entry(r.day()).or_default();
        t.orders += 1;
        if r.currency.eq_ignore_ascii_case(currency) {
            t.revenue += r.total - r.refunded;
        }
    }
    out
}

/// The most common currency among the rows (for the chart), `usd` when empty.
#[must_use]
pub fn main_currency<'a>(rows: impl IntoIterator<Item = &'a OrderRow>) -> String {
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for r in rows {
        *counts.entry(r.currency.as_str()).or_default() += 1;
    }
    counts
        .into_iter()
        .max_by_key(|(_, n)| *n)
        .map_or_else(|| "usd".to_owned(), |(c, _)| c.to_owned())
}
