//! HTTP client for the Stripe endpoints the console uses. No egui.
//!
//! Build a [`Client`] from a [`Config`] (key, hosts, optional connected account), then call
//! the endpoint methods, which live in one module per resource:
//! [`files`], [`import_sets`] (v1 preview), [`catalog_imports`] (v2), [`orders`],
//! [`payment_intents`] (with [`connect`] for destination charges), [`refunds`], [`disputes`],
//! [`agreements`] (v2 preview), [`events`] (v1 snapshot and v2 thin). Lists come back as a
//! resumable [`Pager`]. Every mutating method takes an optional [`IdempotencyKey`]; pass the
//! one stored with the user's action so retries and restarts never repeat it.
//!
//! Errors are [`Error`]s whose `Display` is a sentence for people (with the Stripe request id);
//! the key never appears in them.

// `Error` carries Stripe's error body (type, code, param, message, status, request id) by
// value so callers can show it whole; every call is network-bound, so its size costs nothing.
#![allow(clippy::result_large_err)]

pub mod account;
pub mod agreements;
pub mod catalog_imports;
pub mod client;
pub mod connect;
pub mod disputes;
pub mod error;
pub mod events;
pub mod files;
pub mod form;
pub mod idempotency;
pub mod import_sets;
pub mod key;
pub mod model;
pub mod orders;
pub mod pagination;
pub mod payment_intents;
pub mod push;
pub mod rate_limit;
pub mod refunds;

pub use client::{ApiVersion, Client, Config, Progress, RetryPolicy, Versions};
pub use error::{ApiError, Error};
pub use idempotency::IdempotencyKey;
pub use key::{ApiKey, scrub_secrets};
pub use pagination::{Checkpoint, Pager};
