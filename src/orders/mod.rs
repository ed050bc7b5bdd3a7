//! Agent orders as the console shows them, in the window and on the command line alike: one
//! row per order with its payment state ([`row`]), the order in full ([`detail`]) and the
//! labelled fields both print ([`fields`]), and the list operations (filter and sort,
//! CSV export, per-agent daily totals, today against the last week, the capture queue, bulk
//! refund plans, disputes next to their orders). No egui, no network.
//!
//! The files import each other directly, never through this face: `row` is the ground,
//! everything else stands on it.

pub mod bulk;
pub mod capture;
pub mod chart;
pub mod destination;
pub mod detail;
pub mod disputes;
pub mod export;
pub mod fields;
pub mod filter;
pub mod row;
pub mod today;

pub use capture::{capture_queue, countdown, is_urgent};
pub use chart::{DayTotal, agent_label, daily_by_agent, main_currency};
pub use destination::{Destination, RefundEffect};
pub use detail::{
    CardInfo, Fees, LineTax, OrderDetail, OrderLine, PostalAddress, RefundInfo, TimelineEntry,
};
pub use export::export_csv;
pub use fields::{Field, format_time};
pub use filter::{
    AgentFilter, OrderFilter, SearchIndex, SellerFilter, SortKey, contains_ignore_case,
    place_in_view, view, view_indexed,
};
pub use row::{OrderRow, PaymentState};
pub use today::{AgentToday, TodaySummary, today_by_agent};

#[cfg(test)]
mod tests;
