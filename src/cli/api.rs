//! The commands that talk to the Stripe API: push, push-all, sync, imports, orders, capture, refund, cancel,
//! bulk-refund, disputes, agreements, accounts, events and listen. Each is thin over [`crate::stripe::Client`].
//!
//! The key comes from a saved profile (`--profile NAME`, key in the OS keyring) or
//! `STRIPE_API_KEY` (see [`common::resolve_key`]), never from an argument;
//! `--api-base` (or `STRIPE_API_BASE`) points both hosts at a sandbox; `--account` acts for a
//! connected account; `--json` prints machine-readable output.

pub mod accounts;
pub mod agreements;
pub mod bulk_refund;
pub mod common;
pub mod disputes;
pub mod events;
pub mod imports;
pub mod orders;
pub mod payments;
pub mod push;
pub mod push_all;
pub mod sync;

use std::process::ExitCode;

use common::{Common, Failure};

/// Commands over the Stripe client.
#[derive(Debug, clap::Subcommand)]
pub enum ApiCommand {
    /// Validate a feed file, upload it and start a catalog import.
    Push(push::Args),
    /// A platform pushes a folder of feeds to its connected accounts, one account per folder.
    PushAll(push_all::Args),
    /// Keep catalogs current: the product feed daily, changed stock and prices every 15 minutes.
    Sync(sync::Args),
    /// Look at catalog imports and download their error reports.
    Imports(imports::Args),
    /// List and show orders placed through agents.
    Orders(orders::Args),
    /// Capture an authorized payment (all or part).
    Capture(payments::CaptureArgs),
    /// Refund a payment (all or part).
    Refund(payments::RefundArgs),
    /// Cancel an uncaptured payment, releasing the authorization.
    Cancel(payments::CancelArgs),
    /// Refund many orders at once (a filter's or those named), with a plan printed first.
    BulkRefund(bulk_refund::Args),
    /// List disputes, show one, save or submit evidence, accept one.
    Disputes(disputes::Args),
    /// Manage agreements with AI agents.
    Agreements(agreements::Args),
    /// A platform's connected accounts: list, search, show one.
    Accounts(accounts::Args),
    /// Follow the account's events.
    #[command(subcommand)]
    Events(events::Command),
    /// Forward the account's events to your own webhook endpoint, signed like Stripe's.
    Listen(events::ListenArgs),
}

impl ApiCommand {
    fn common(&self) -> &Common {
        match self {
            ApiCommand::Push(a) => &a.common,
            ApiCommand::PushAll(a) => &a.common,
            ApiCommand::Sync(a) => &a.common,
            ApiCommand::Imports(a) => &a.common,
            ApiCommand::Orders(a) => &a.common,
            ApiCommand::Capture(a) => &a.common,
            ApiCommand::Refund(a) => &a.common,
            ApiCommand::Cancel(a) => &a.common,
            ApiCommand::BulkRefund(a) => &a.common,
            ApiCommand::Disputes(a) => &a.common,
            ApiCommand::Agreements(a) => &a.common,
            ApiCommand::Accounts(a) => &a.common,
            ApiCommand::Events(c) => c.common(),
            ApiCommand::Listen(a) => &a.common,
        }
    }
}

async fn dispatch(command: ApiCommand) -> common::Outcome {
    match command {
        ApiCommand::Push(a) => push::run(a).await,
        ApiCommand::PushAll(a) => push_all::run(a).await,
        ApiCommand::Sync(a) => sync::run(a).await,
        ApiCommand::Imports(a) => imports::run(a).await,
        ApiCommand::Orders(a) => orders::run(a).await,
        ApiCommand::Capture(a) => payments::capture(a).await,
        ApiCommand::Refund(a) => payments::refund(a).await,
        ApiCommand::Cancel(a) => payments::cancel(a).await,
        ApiCommand::BulkRefund(a) => bulk_refund::run(a).await,
        ApiCommand::Disputes(a) => disputes::run(a).await,
        ApiCommand::Agreements(a) => agreements::run(a).await,
        ApiCommand::Accounts(a) => accounts::run(a).await,
        ApiCommand::Events(c) => events::run(c).await,
        ApiCommand::Listen(a) => events::listen(a).await,
    }
}

/// Runs one API command.
#[must_use]
pub fn run(command: ApiCommand) -> ExitCode {
    let json = command.common().json;
    let outcome = match super::block_on(dispatch(command)) {
        Ok(outcome) => outcome,
        Err(e) => Err(Failure::usage(format!(
            "Could not start the async runtime: {e}"
        ))),
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => common::report(&failure, json),
    }
}
