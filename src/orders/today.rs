//! Today against the last seven days, per agent: what the Overview's sales tile shows. Days
//! are UTC days, like the chart's. Revenue counts orders in the account's main currency only
//! (summing yen and dollars would mean nothing); orders in other currencies are counted apart.

use std::collections::BTreeMap;

use super::chart::main_currency;
use super::row::{OrderRow, PaymentState};

/// One agent's figures.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AgentToday {
    /// The agent's name.
    pub agent: String,
    /// Orders placed today.
    pub orders_today: usize,
    /// Their total in the main currency, minor units.
    pub revenue_today: i64,
    /// Orders placed in the seven days before today.
    pub orders_last_7_days: usize,
    /// Their total in the main currency, minor units.
    pub revenue_last_7_days: i64,
}

impl AgentToday {
    /// The daily average of the last seven days, in minor units.
    #[must_use]
    pub fn daily_average_revenue(&self) -> i64 {
        self.revenue_last_7_days / 7
    }
}

/// Today's sales per agent, most orders today first.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TodaySummary {
    /// The currency revenue is counted in.
    pub currency: String,
    /// Per agent (agents with no order in the eight days are left out).
    pub agents: Vec<AgentToday>,
    /// Orders of the eight days in another currency (counted, not summed).
    pub other_currency_orders: usize,
}

impl TodaySummary {
    /// Every agent's orders today.
    #[must_use]
    pub fn orders_today(&self) -> usize {
        self.agents.iter().map(|a| a.orders_today).sum()
    }

    /// Every agent's revenue today, minor units.
    #[must_use]
    pub fn revenue_today(&self) -> i64 {
        self.agents.iter().map(|a| a.revenue_today).sum()
    }
}

/// Works out today's figures at `now` (unix seconds). Canceled authorizations are not sales.
#[must_use]
pub fn today_by_agent(rows: &[OrderRow], now: i64) -> TodaySummary {
    const DAY: i64 = 86_400;
    let today_start = now - now.rem_euclid(DAY);
    let week_start = today_start - 7 * DAY;
    let recent: Vec<&OrderRow> = rows
        .iter()
        .filter(|r| r.created >= week_start && r.created < today_start + DAY)
        .filter(|r| r.state != PaymentState::Canceled)
        .collect();
    let currency = main_currency(recent.iter().copied());
    let mut per: BTreeMap<&str, AgentToday> = BTreeMap::new();
    let mut other = 0;
    for r in recent {
        if !r.currency.eq_ignore_ascii_case(&currency) {
            other += 1;
            continue;
        }
        let a = per.entry(r.agent.as_str()).or_insert_with(|| AgentToday {
            agent: r.agent.clone(),
            ..AgentToday::default()
        });
        if r.created >= today_start {
            a.orders_today += 1;
            a.revenue_today += r.total;
        } else {
            a.orders_last_7_days += 1;
            a.revenue_last_7_days += r.total;
        }
    }
    let mut agents: Vec<AgentToday> = per.into_values().collect();
    agents.sort_by(|a, b| {
        b.orders_today
            .cmp(&a.orders_today)
            .then(b.revenue_today.cmp(&a.revenue_today))
            .then(a.agent.cmp(&b.agent))
    });
    TodaySummary {
        currency,
        agents,
        other_currency_orders: other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(agent: &str, created: i64, total: i64, currency: &str, state: PaymentState) -> OrderRow {
        OrderRow {
            id: format!("cs_{agent}_{created}"),
            payment_intent: None,
            created,
            agent: agent.into(),
            order_number: String::new(),
            customer: String::new(),
            email: String::new(),
            items: String::new(),
            skus: Vec::new(),
            currency: currency.into(),
            total,
            captured: 0,
            refunded: 0,
            capturable: 0,
            state,
            capture_before: None,
            disputed: false,
            seller: None,
            seller_name: String::new(),
        }
    }

    #[test]
    fn today_and_the_seven_days_before_are_counted_per_agent_in_the_main_currency() {
        let day = 86_400;
        let now = 100 * day + 3600; // 01:00 UTC on day 100
        let rows = [
            row("A", now - 60, 1000, "usd", PaymentState::Paid),
            row("A", now - 120, 500, "usd", PaymentState::AwaitingCapture),
            row("B", now - 2 * day, 700, "usd", PaymentState::Paid),
            row("B", now - 30 * day, 9999, "usd", PaymentState::Paid), // too old
            row("A", now - 600, 800, "usd", PaymentState::Canceled),   // not a sale
            row("C", now - 60, 300, "eur", PaymentState::Paid),        // other currency
        ];
        let s = today_by_agent(&rows, now);
        assert_eq!(s.currency, "usd");
        assert_eq!(s.orders_today(), 2);
        assert_eq!(s.revenue_today(), 1500);
        assert_eq!(s.other_currency_orders, 1);
        assert_eq!(s.agents[0].agent, "A");
        assert_eq!(s.agents[1].agent, "B");
        assert_eq!(s.agents[1].orders_last_7_days, 1);
        assert_eq!(s.agents[1].daily_average_revenue(), 100);
    }
}
