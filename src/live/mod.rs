//! Following the account live through Stripe's events (no egui, no tokio): which events are
//! new, where to resume after a restart. The worker schedules the polling; this is the logic
//! that decides, so it can be tested without a network.

pub mod cursor;

pub use cursor::{Cursor, Resume};
