//! Catalog feeds: Stripe's four feed specs as data, a streaming validator, and the
//! in-memory catalog table the editor works on. No egui, no network.

pub mod diagnostic;
pub mod io;
mod records;
pub mod rules;
pub mod sniff;
pub mod spec;
pub mod table;
pub mod validate;

pub use diagnostic::{Diagnostic, Fix, Severity};
pub use spec::FeedKind;
