//! Following the account live through Stripe's events (no egui): which events are new, where
//! to resume after a restart, and the one read that both the command line and the app's
//! follower use. The worker schedules the polling; the logic that decides lives here, so it
//! can be tested without a window.

pub mod cursor;
pub mod read;

pub use cursor::{Cursor, Resume};
pub use read::{Fresh, Listed, ThinCursor, TimeCursor, read_new, read_new_thin};
