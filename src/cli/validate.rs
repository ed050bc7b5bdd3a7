//! `seller-console validate`.

use std::process::ExitCode;

/// Arguments of `seller-console validate`.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Runs the command.
#[must_use]
pub fn run(_args: Args) -> ExitCode {
    eprintln!("seller-console validate: not built yet");
    ExitCode::from(2)
}
