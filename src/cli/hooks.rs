//! `seller-console hooks`.

use std::process::ExitCode;

/// Arguments of `seller-console hooks`.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Runs the command.
#[must_use]
pub fn run(_args: Args) -> ExitCode {
    eprintln!("seller-console hooks: not built yet");
    ExitCode::from(2)
}
