//! Agent orders as the console lists them: one row per order with its payment state, and the
//! list operations the Orders view needs (filter, sort, CSV export, per-agent daily totals,
//! the capture queue). No egui, no network.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};

/// Where the money of an order stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PaymentState {
    /// Authorized, waiting for the seller to capture before the deadline.
    AwaitingCapture,
    /// Captured (or charged at once), nothing refunded.
    Paid,
    /// Part of the charge was refunded.
    PartlyRefunded,
    /// All of the charge was refunded.
    Refunded,
    /// The authorization was canceled (or expired) before capture.
    Canceled,
    /// Not paid yet or still processing.
    Pending,
}

impl PaymentState {
    /// Every state, in filter order.
    pub const ALL: [PaymentState; 6] = [
        PaymentState::AwaitingCapture,
        PaymentState::Paid,
        PaymentState::PartlyRefunded,
        PaymentState::Refunded,
        PaymentState::Canceled,
        PaymentState::Pending,
    ];

    /// Words for the list and the filter.
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            PaymentState::AwaitingCapture => "awaiting capture",
            PaymentState::Paid => "paid",
            PaymentState::PartlyRefunded => "partly refunded",
            PaymentState::Refunded => "refunded",
            PaymentState::Canceled => "canceled",
            PaymentState::Pending => "pending",
        }
    }

    /// Derives the state from a PaymentIntent status and its charge's amounts.
    #[must_use]
    pub fn derive(pi_status: &str, captured: i64, refunded: i64) -> PaymentState {
        match pi_status {
            "requires_capture" => PaymentState::AwaitingCapture,
            "canceled" => PaymentState::Canceled,
            "succeeded" if refunded > 0 && refunded >= captured => PaymentState::Refunded,
            "succeeded" if refunded > 0 => PaymentState::PartlyRefunded,
            "succeeded" => PaymentState::Paid,
            _ => PaymentState::Pending,
        }
    }
}

/// One order in the list.
#[derive(Debug, Clone, PartialEq)]
pub struct OrderRow {
    /// Checkout Session id (`cs_…`).
    pub id: String,
    /// PaymentIntent id (`pi_…`), when paid through one.
    pub payment_intent: Option<String>,
    /// When the order was placed (unix seconds).
    pub created: i64,
    /// Agent name ("" when the order carries only a SKU reference).
    pub agent: String,
    /// Receipt number of the charge (the order number buyers see).
    pub order_number: String,
    /// Customer name.
    pub customer: String,
    /// Customer email.
    pub email: String,
    /// Items in a few words ("2 × Organic Tee, 1 × Kettle").
    pub items: String,
    /// SKUs of the lines (`price.external_reference`).
    pub skus: Vec<String>,
    /// Lowercase ISO currency.
    pub currency: String,
    /// Final amount in minor units.
    pub total: i64,
    /// Captured so far, minor units.
    pub captured: i64,
    /// Refunded so far, minor units.
    pub refunded: i64,
    /// Still capturable, minor units (when awaiting capture).
    pub capturable: i64,
    /// Payment state.
    pub state: PaymentState,
    /// Capture deadline (unix seconds), when awaiting capture.
    pub capture_before: Option<i64>,
}

impl OrderRow {
    /// What can still be refunded (captured minus refunded), minor units.
    #[must_use]
    pub fn refundable(&self) -> i64 {
        (self.captured - self.refunded).max(0)
    }

    /// The number to show for the order: the receipt number once there is one, else the
    /// end of the Checkout Session id (uncaptured orders have no receipt yet).
    #[must_use]
    pub fn display_number(&self) -> String {
        if self.order_number.is_empty() {
            let tail = self.id.len().saturating_sub(8);
            format!("…{}", self.id.get(tail..).unwrap_or(&self.id))
        } else {
            self.order_number.clone()
        }
    }

    /// Day the order was placed (UTC).
    #[must_use]
    pub fn day(&self) -> NaiveDate {
        DateTime::<Utc>::from_timestamp(self.created, 0).map_or(NaiveDate::MIN, |d| d.date_naive())
    }
}

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
    /// The payment's timeline, oldest first.
    pub timeline: Vec<TimelineEntry>,
    /// Refunds, newest first.
    pub refunds: Vec<RefundInfo>,
}

/// What the list is filtered by. Empty fields filter nothing.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct OrderFilter {
    /// Exact agent name.
    pub agent: Option<String>,
    /// First day included (UTC).
    pub from: Option<NaiveDate>,
    /// Last day included (UTC).
    pub to: Option<NaiveDate>,
    /// Only these states (empty: all).
    pub states: Vec<PaymentState>,
    /// Smallest total, minor units.
    pub min_total: Option<i64>,
    /// Largest total, minor units.
    pub max_total: Option<i64>,
    /// Free text: matched case-insensitively against email, customer, SKUs, ids, order number.
    pub text: String,
}

impl OrderFilter {
    /// Whether `row` passes the filter.
    #[must_use]
    pub fn matches(&self, row: &OrderRow) -> bool {
        self.matches_fields(row) && self.matches_text(row)
    }

    /// Whether `row` passes every part of the filter but the free text.
    #[must_use]
    pub fn matches_fields(&self, row: &OrderRow) -> bool {
        if let Some(agent) = &self.agent
            && &row.agent != agent
        {
            return false;
        }
        let day = row.day();
        if self.from.is_some_and(|from| day < from) || self.to.is_some_and(|to| day > to) {
            return false;
        }
        if !self.states.is_empty() && !self.states.contains(&row.state) {
            return false;
        }
        if self.min_total.is_some_and(|m| row.total < m)
            || self.max_total.is_some_and(|m| row.total > m)
        {
            return false;
        }
        true
    }

    /// Whether `row` contains the free text (case-insensitive).
    #[must_use]
    pub fn matches_text(&self, row: &OrderRow) -> bool {
        let text = self.text.trim();
        if text.is_empty() {
            return true;
        }
        let hay = [
            row.email.as_str(),
            row.customer.as_str(),
            row.id.as_str(),
            row.order_number.as_str(),
            row.payment_intent.as_deref().unwrap_or(""),
            row.items.as_str(),
        ];
        hay.iter().any(|h| contains_ignore_case(h, text))
            || row.skus.iter().any(|s| contains_ignore_case(s, text))
    }
}

/// Columns the list can be sorted by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortKey {
    /// Order date.
    Date,
    /// Agent name.
    Agent,
    /// Order number.
    OrderNumber,
    /// Customer name.
    Customer,
    /// Items text.
    Items,
    /// Final amount.
    Total,
    /// Payment state.
    State,
}

/// Indices of `rows` that pass `filter`, sorted by `key` (newest or largest first when
/// `descending`). Ties keep the original (newest-first) order.
#[must_use]
pub fn view(rows: &[OrderRow], filter: &OrderFilter, key: SortKey, descending: bool) -> Vec<u32> {
    let mut idx: Vec<u32> = (0..rows.len() as u32)
        .filter(|&i| filter.matches(&rows[i as usize]))
        .collect();
    sort_rows(rows, &mut idx, key, descending);
    idx
}

fn sort_rows(rows: &[OrderRow], idx: &mut [u32], key: SortKey, descending: bool) {
    idx.sort_by(|&a, &b| {
        let (ra, rb) = (&rows[a as usize], &rows[b as usize]);
        let ord = match key {
            SortKey::Date => ra.created.cmp(&rb.created),
            SortKey::Agent => ra.agent.cmp(&rb.agent),
            SortKey::OrderNumber => ra.order_number.cmp(&rb.order_number),
            SortKey::Customer => ra
                .customer
                .chars()
                .flat_map(char::to_lowercase)
                .cmp(rb.customer.chars().flat_map(char::to_lowercase)),
            SortKey::Items => ra.items.cmp(&rb.items),
            SortKey::Total => ra.total.cmp(&rb.total),
            SortKey::State => ra.state.cmp(&rb.state),
        };
        if descending { ord.reverse() } else { ord }
    });
}

/// Writes the given rows as CSV (header first), amounts in major units.
pub fn export_csv<'a>(
    rows: impl IntoIterator<Item = &'a OrderRow>,
    out: impl std::io::Write,
) -> csv::Result<()> {
    let mut w = csv::Writer::from_writer(out);
    w.write_record([
        "date",
        "agent",
        "order_number",
        "customer",
        "email",
        "items",
        "skus",
        "total",
        "refunded",
        "currency",
        "payment_state",
        "checkout_session",
        "payment_intent",
    ])?;
    for r in rows {
        let date = DateTime::<Utc>::from_timestamp(r.created, 0)
            .map(|d| d.format("%Y-%m-%d %H:%M:%S").to_string())
            .unwrap_or_default();
        w.write_record([
            date.as_str(),
            &r.agent,
            &r.order_number,
            &r.customer,
            &r.email,
            &r.items,
            &r.skus.join(" "),
            &crate::money::format_plain(r.total, &r.currency),
            &crate::money::format_plain(r.refunded, &r.currency),
            &r.currency.to_uppercase(),
            r.state.label(),
            &r.id,
            r.payment_intent.as_deref().unwrap_or(""),
        ])?;
    }
    w.flush()?;
    Ok(())
}

/// Orders and revenue of one agent on one day.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DayTotal {
    /// Number of orders.
    pub orders: u32,
    /// Sum of totals in minor units (of the most common currency; see [`daily_by_agent`]).
    pub revenue: i64,
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
        let agent = if r.agent.is_empty() {
            "(no agent name)"
        } else {
            r.agent.as_str()
        };
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

/// The lower-cased searchable text of every order, built once as rows arrive so that
/// filtering 10,000 orders by free text stays within a frame.
#[derive(Debug, Clone, Default)]
pub struct SearchIndex(Vec<String>);

impl SearchIndex {
    /// What the free-text filter searches in one order: email, customer, ids, order number,
    /// items and SKUs, lower-cased, one per line.
    #[must_use]
    pub fn text_of(row: &OrderRow) -> String {
        let mut text = [
            row.email.as_str(),
            row.customer.as_str(),
            row.id.as_str(),
            row.order_number.as_str(),
            row.payment_intent.as_deref().unwrap_or(""),
            row.items.as_str(),
        ]
        .join("\n");
        for sku in &row.skus {
            text.push('\n');
            text.push_str(sku);
        }
        text.to_lowercase()
    }

    /// An index of `rows`.
    #[must_use]
    pub fn of(rows: &[OrderRow]) -> Self {
        SearchIndex(rows.iter().map(Self::text_of).collect())
    }

    /// Adds the text of a row appended to the list.
    pub fn push(&mut self, row: &OrderRow) {
        self.0.push(Self::text_of(row));
    }

    /// Replaces the text of row `i` after it changed.
    pub fn set(&mut self, i: usize, row: &OrderRow) {
        if let Some(slot) = self.0.get_mut(i) {
            *slot = Self::text_of(row);
        }
    }

    /// Number of rows indexed.
    #[must_use]
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// True when nothing is indexed.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// Like [`view`], using a [`SearchIndex`] of `rows` for the free text.
#[must_use]
pub fn view_indexed(
    rows: &[OrderRow],
    index: &SearchIndex,
    filter: &OrderFilter,
    key: SortKey,
    descending: bool,
) -> Vec<u32> {
    let needle = filter.text.trim().to_lowercase();
    let finder = memchr::memmem::Finder::new(needle.as_bytes());
    let mut idx: Vec<u32> = (0..rows.len() as u32)
        .filter(|&i| {
            let row = &rows[i as usize];
            filter.matches_fields(row)
                && (needle.is_empty()
                    || index.0.get(i as usize).map_or_else(
                        || filter.matches_text(row),
                        |text| finder.find(text.as_bytes()).is_some(),
                    ))
        })
        .collect();
    sort_rows(rows, &mut idx, key, descending);
    idx
}

/// Whether `hay` contains `needle`, ignoring case. Allocates only for non-ASCII text, so
/// filtering thousands of rows stays within a frame.
#[must_use]
pub fn contains_ignore_case(hay: &str, needle: &str) -> bool {
    if needle.is_empty() {
        return true;
    }
    if hay.is_ascii() && needle.is_ascii() {
        let (h, n) = (hay.as_bytes(), needle.as_bytes());
        return h.windows(n.len()).any(|w| w.eq_ignore_ascii_case(n));
    }
    hay.to_lowercase().contains(&needle.to_lowercase())
}

/// Indices of orders awaiting capture, soonest deadline first.
#[must_use]
pub fn capture_queue(rows: &[OrderRow]) -> Vec<u32> {
    let mut idx: Vec<u32> = (0..rows.len() as u32)
        .filter(|&i| rows[i as usize].state == PaymentState::AwaitingCapture)
        .collect();
    idx.sort_by_key(|&i| rows[i as usize].capture_before.unwrap_or(i64::MAX));
    idx
}

/// Time left until `deadline` in words ("2 d 4 h", "5 h 12 min", "expired 3 h ago").
#[must_use]
pub fn countdown(deadline: i64, now: i64) -> String {
    let left = deadline - now;
    let fmt = |s: i64| {
        let (d, h, m) = (s / 86_400, (s % 86_400) / 3600, (s % 3600) / 60);
        if d > 0 {
            format!("{d} d {h} h")
        } else if h > 0 {
            format!("{h} h {m} min")
        } else {
            format!("{m} min")
        }
    };
    if left <= 0 {
        format!("expired {} ago", fmt(-left))
    } else {
        fmt(left)
    }
}

/// True when the deadline is in the last 24 hours (or past).
#[must_use]
pub fn is_urgent(deadline: i64, now: i64) -> bool {
    deadline - now < 86_400
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(i: i64, agent: &str, state: PaymentState, total: i64) -> OrderRow {
        OrderRow {
            id: format!("cs_test_{i}"),
            payment_intent: Some(format!("pi_{i}")),
            created: 1_763_000_000 + i * 86_400,
            agent: agent.into(),
            order_number: format!("1{i:03}-0001"),
            customer: format!("Customer {i}"),
            email: format!("buyer{i}@example.com"),
            items: "1 × Tee".into(),
            skus: vec![format!("SKU-{i}")],
            currency: "usd".into(),
            total,
            captured: if state == PaymentState::AwaitingCapture {
                0
            } else {
                total
            },
            refunded: 0,
            capturable: 0,
            state,
            capture_before: Some(1_763_000_000 + (10 - i) * 3600),
        }
    }

    #[test]
    fn state_from_intent_and_amounts() {
        assert_eq!(
            PaymentState::derive("requires_capture", 0, 0),
            PaymentState::AwaitingCapture
        );
        assert_eq!(
            PaymentState::derive("succeeded", 1000, 0),
            PaymentState::Paid
        );
        assert_eq!(
            PaymentState::derive("succeeded", 1000, 400),
            PaymentState::PartlyRefunded
        );
        assert_eq!(
            PaymentState::derive("succeeded", 1000, 1000),
            PaymentState::Refunded
        );
        assert_eq!(
            PaymentState::derive("canceled", 0, 0),
            PaymentState::Canceled
        );
        assert_eq!(
            PaymentState::derive("processing", 0, 0),
            PaymentState::Pending
        );
    }

    #[test]
    fn filter_by_agent_state_amount_text_and_dates() {
        let rows = vec![
            row(0, "Aria", PaymentState::Paid, 1000),
            row(1, "Bolt", PaymentState::AwaitingCapture, 5000),
            row(2, "Aria", PaymentState::Refunded, 2500),
        ];
        let f = OrderFilter {
            agent: Some("Aria".into()),
            ..OrderFilter::default()
        };
        assert_eq!(view(&rows, &f, SortKey::Date, true), vec![2, 0]);
        let f = OrderFilter {
            states: vec![PaymentState::AwaitingCapture],
            ..OrderFilter::default()
        };
        assert_eq!(view(&rows, &f, SortKey::Date, true), vec![1]);
        let f = OrderFilter {
            min_total: Some(2000),
            max_total: Some(3000),
            ..OrderFilter::default()
        };
        assert_eq!(view(&rows, &f, SortKey::Date, true), vec![2]);
        let f = OrderFilter {
            text: "sku-1".into(),
            ..OrderFilter::default()
        };
        assert_eq!(view(&rows, &f, SortKey::Date, true), vec![1]);
        let f = OrderFilter {
            from: Some(rows[1].day()),
            to: Some(rows[1].day()),
            ..OrderFilter::default()
        };
        assert_eq!(view(&rows, &f, SortKey::Date, true), vec![1]);
        assert_eq!(
            view(&rows, &OrderFilter::default(), SortKey::Total, false),
            vec![0, 2, 1]
        );
    }

    #[test]
    fn csv_export_has_major_units_and_every_row() {
        let rows = [row(0, "Aria", PaymentState::Paid, 1250)];
        let mut out = Vec::new();
        export_csv(rows.iter(), &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        let mut lines = text.lines();
        assert!(lines.next().unwrap().starts_with("date,agent,order_number"));
        let line = lines.next().unwrap();
        assert!(line.contains(",Aria,"), "{line}");
        assert!(
            line.contains(",12.50,0.00,USD,paid,cs_test_0,pi_0"),
            "{line}"
        );
    }

    #[test]
    fn daily_totals_and_capture_queue() {
        let rows = vec![
            row(0, "Aria", PaymentState::Paid, 1000),
            row(0, "Aria", PaymentState::Paid, 500),
            row(1, "Bolt", PaymentState::AwaitingCapture, 5000),
            row(3, "Bolt", PaymentState::AwaitingCapture, 700),
        ];
        let daily = daily_by_agent(rows.iter(), "usd");
        let aria = &daily["Aria"];
        assert_eq!(
            aria[&rows[0].day()],
            DayTotal {
                orders: 2,
                revenue: 1500
            }
        );
        assert_eq!(daily["Bolt"].len(), 2);
        assert_eq!(capture_queue(&rows), vec![3, 2], "soonest deadline first");
        assert_eq!(countdown(1000 + 2 * 86_400 + 4 * 3600, 1000), "2 d 4 h");
        assert_eq!(countdown(1000 + 5 * 3600 + 12 * 60, 1000), "5 h 12 min");
        assert_eq!(countdown(1000, 1000 + 3 * 3600), "expired 3 h 0 min ago");
        assert!(is_urgent(1000 + 3600, 1000));
        assert!(!is_urgent(1000 + 2 * 86_400, 1000));
    }

    #[test]
    fn text_search_ignores_case_in_ascii_and_beyond() {
        assert!(contains_ignore_case("Ada@Example.com", "example"));
        assert!(contains_ignore_case("SKU-WOOL-42", "wool-4"));
        assert!(!contains_ignore_case("SKU-WOOL-42", "cotton"));
        assert!(contains_ignore_case("Zoë Ångström", "ÅNGSTRÖM"));
        assert!(contains_ignore_case("anything", ""));
    }

    #[test]
    fn the_search_index_lists_what_the_plain_filter_lists() {
        let mut rows = Vec::new();
        for (i, (email, sku)) in [
            ("ada@example.com", "SKU-WOOL"),
            ("Bob@Example.org", "SKU-COTTON"),
            ("zoë@ångström.se", "SKU-WOOL-2"),
        ]
        .iter()
        .enumerate()
        {
            rows.push(OrderRow {
                id: format!("cs_{i}"),
                email: (*email).into(),
                skus: vec![(*sku).into()],
                created: i64::try_from(i).unwrap(),
                ..row(0, "Nimbus", PaymentState::Paid, 1000)
            });
        }
        let index = SearchIndex::of(&rows);
        for text in ["", "wool", "EXAMPLE", "ÅNGSTRÖM", "cs_1", "nothing"] {
            let filter = OrderFilter {
                text: text.into(),
                ..OrderFilter::default()
            };
            assert_eq!(
                view_indexed(&rows, &index, &filter, SortKey::Date, true),
                view(&rows, &filter, SortKey::Date, true),
                "searching {text:?}"
            );
        }
    }
}
