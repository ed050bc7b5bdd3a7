//! The commands that talk to the Stripe API: push, imports, orders, capture, refund, cancel,
//! agreements.

use std::process::ExitCode;

/// Commands over the Stripe client.
#[derive(Debug, clap::Subcommand)]
pub enum ApiCommand {}

/// Runs one API command.
#[must_use]
pub fn run(command: ApiCommand) -> ExitCode {
    match command {}
}
