//! Seller Console: a desktop console for merchants who sell through AI agents with
//! Stripe's Agentic Commerce Suite.
//!
//! The crate is laid out so that arrows point one way:
//! `ui -> worker, cli -> stripe, sandbox, hooks -> feed` (the README's Layout names every
//! module's layer). Nothing below [`ui`] imports egui.

pub mod cli;
pub mod durable;
pub mod feed;
pub mod hooks;
pub mod live;
pub mod logs;
pub mod lookup;
pub mod money;
pub mod orders;
pub mod payment_batch;
pub mod payment_journal;
pub mod platform;
pub mod profiles;
pub mod push_all;
pub mod push_history;
pub mod sandbox;
pub mod saved_mappings;
pub mod secrets;
pub mod stripe;
pub mod sync;
pub mod ui;
pub mod worker;
