//! Which orders the list shows and in what order: the one [`OrderFilter`] of the window and of
//! `orders list`, the sort keys, and the free-text search index.

use chrono::NaiveDate;

use super::row::{OrderRow, PaymentState};

/// Which agent's orders a filter keeps.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AgentFilter {
    /// Exactly this agent name (the window's agent picker).
    Named(String),
    /// Agent names containing this text, ignoring case (`orders list --agent`).
    NameContains(String),
}

impl AgentFilter {
    /// Whether an order placed by `agent` passes.
    #[must_use]
    pub fn matches(&self, agent: &str) -> bool {
        match self {
            AgentFilter::Named(name) => agent == name,
            AgentFilter::NameContains(text) => {
                !agent.is_empty() && contains_ignore_case(agent, text)
            }
        }
    }
}

/// Which seller's orders a filter keeps (destination charges name their seller).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SellerFilter {
    /// Orders paying this connected account (`acct_…`).
    Account(String),
    /// Orders paying no seller: the platform's own sales.
    PlatformOnly,
}

impl SellerFilter {
    /// Whether an order paying `seller` passes.
    #[must_use]
    pub fn matches(&self, seller: Option<&str>) -> bool {
        match self {
            SellerFilter::Account(id) => seller == Some(id.as_str()),
            SellerFilter::PlatformOnly => seller.is_none(),
        }
    }
}

/// What the list is filtered by, in the window and in `orders list`. Empty fields filter
/// nothing.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct OrderFilter {
    /// The agent.
    pub agent: Option<AgentFilter>,
    /// The seller a destination charge pays.
    pub seller: Option<SellerFilter>,
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
    /// Free text: matched case-insensitively against email, customer, SKUs, ids, order number
    /// and seller.
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
            && !agent.matches(&row.agent)
        {
            return false;
        }
        if let Some(seller) = &self.seller
            && !seller.matches(row.seller.as_deref())
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
            row.seller.as_deref().unwrap_or(""),
            row.seller_name.as_str(),
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
    /// The seller paid (by name, then id; orders paying no seller first).
    Seller,
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

/// The list's order of rows `a` and `b`: by `key` (reversed when `descending`), ties by index,
/// so a sorted list and one kept sorted row by row ([`place_in_view`]) agree.
fn compare(
    rows: &[OrderRow],
    key: SortKey,
    descending: bool,
    a: u32,
    b: u32,
) -> std::cmp::Ordering {
    let (ra, rb) = (&rows[a as usize], &rows[b as usize]);
    let ord = match key {
        SortKey::Date => ra.created.cmp(&rb.created),
        SortKey::Agent => ra.agent.cmp(&rb.agent),
        SortKey::OrderNumber => ra.order_number.cmp(&rb.order_number),
        SortKey::Customer => caseless(&ra.customer).cmp(caseless(&rb.customer)),
        SortKey::Items => ra.items.cmp(&rb.items),
        SortKey::Total => ra.total.cmp(&rb.total),
        SortKey::State => ra.state.cmp(&rb.state),
        SortKey::Seller => ra
            .seller
            .is_some()
            .cmp(&rb.seller.is_some())
            .then_with(|| caseless(ra.seller_label()).cmp(caseless(rb.seller_label()))),
    };
    let ord = if descending { ord.reverse() } else { ord };
    ord.then(a.cmp(&b))
}

/// `text`'s characters lower-cased, for sorting without allocating per comparison.
fn caseless(text: &str) -> impl Iterator<Item = char> + '_ {
    text.chars().flat_map(char::to_lowercase)
}

fn sort_rows(rows: &[OrderRow], idx: &mut [u32], key: SortKey, descending: bool) {
    idx.sort_unstable_by(|&a, &b| compare(rows, key, descending, a, b));
}

/// Whether row `i` passes `filter`, its free text looked up in `index` when it is there.
fn keeps(
    rows: &[OrderRow],
    index: &SearchIndex,
    filter: &OrderFilter,
    finder: &memchr::memmem::Finder<'_>,
    needle_empty: bool,
    i: u32,
) -> bool {
    let row = &rows[i as usize];
    filter.matches_fields(row)
        && (needle_empty
            || index.0.get(i as usize).map_or_else(
                || filter.matches_text(row),
                |text| finder.find(text.as_bytes()).is_some(),
            ))
}

/// Keeps `view` (the result of [`view_indexed`] with the same arguments) right after row `i`
/// was added or changed: takes it out, and puts it back where it sorts if it still passes the
/// filter. A new order costs a scan of the view instead of filtering and sorting every row.
pub fn place_in_view(
    rows: &[OrderRow],
    index: &SearchIndex,
    filter: &OrderFilter,
    key: SortKey,
    descending: bool,
    view: &mut Vec<u32>,
    i: u32,
) {
    if let Some(at) = view.iter().position(|&x| x == i) {
        view.remove(at);
    }
    let needle = filter.text.trim().to_lowercase();
    let finder = memchr::memmem::Finder::new(needle.as_bytes());
    if keeps(rows, index, filter, &finder, needle.is_empty(), i) {
        let at = view.partition_point(|&x| compare(rows, key, descending, x, i).is_lt());
        view.insert(at, i);
    }
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
            row.seller.as_deref().unwrap_or(""),
            row.seller_name.as_str(),
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
        .filter(|&i| keeps(rows, index, filter, &finder, needle.is_empty(), i))
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
