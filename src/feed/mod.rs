//! Catalog feeds: Stripe's four feed specs as data, a streaming validator, and the
//! in-memory catalog table the editor works on. No egui, no network.

mod cross_row;
pub mod delta;
pub mod diagnostic;
pub mod io;
mod records;
mod row_keys;
pub mod rules;
pub mod schema;
pub mod sniff;
pub mod sources;
pub mod spec;
pub mod table;
pub mod validate;

pub use diagnostic::{Diagnostic, Fix, Severity};
pub use spec::FeedKind;
