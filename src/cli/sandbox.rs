//! `seller-console sandbox`.

use std::process::ExitCode;

/// Arguments of `seller-console sandbox`.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Runs the command.
#[must_use]
pub fn run(_args: Args) -> ExitCode {
    eprintln!("seller-console sandbox: not built yet");
    ExitCode::from(2)
}
