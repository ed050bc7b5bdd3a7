//! `seller-console`: with no subcommand it opens the window; subcommands run headless.

use std::process::ExitCode;

use clap::{Parser, Subcommand};
use seller_console::cli;

#[derive(Debug, Parser)]
#[command(
    name = "seller-console",
    version,
    about = "Seller Console for Stripe's Agentic Commerce Suite",
    args_conflicts_with_subcommands = true
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    /// A catalog feed (CSV or TSV), or a shop export to convert, to open in the window.
    #[arg(value_name = "FEED")]
    feed: Option<std::path::PathBuf>,
    /// Also print the log (requests with their status, request id and duration) on stderr.
    #[arg(long, short = 'v', global = true)]
    verbose: bool,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Check a catalog feed CSV against Stripe's feed specs.
    Validate(cli::validate::Args),
    /// Turn a Shopify, WooCommerce, Google Merchant Center or OpenAI export into a Stripe feed.
    Convert(cli::convert::Args),
    /// Run the embedded Stripe sandbox on 127.0.0.1.
    Sandbox(cli::sandbox::Args),
    /// Fire signed test requests at your own order-approval and checkout endpoints.
    Hooks(cli::hooks::Args),
    #[command(flatten)]
    Api(cli::api::ApiCommand),
}

impl Command {
    /// The subcommand's name, for the log.
    fn name(&self) -> &'static str {
        match self {
            Command::Validate(_) => "validate",
            Command::Convert(_) => "convert",
            Command::Sandbox(_) => "sandbox",
            Command::Hooks(_) => "hooks",
            Command::Api(_) => "api",
        }
    }
}

fn main() -> ExitCode {
    let started = std::time::Instant::now();
    let cli = Cli::parse();
    if cli.command.is_some() {
        cli::quiet_on_closed_output();
    }
    // A missing log folder never stops the console; verbose runs say why there is no file.
    if let Err(why) = seller_console::logs::init(cli.verbose)
        && cli.verbose
    {
        eprintln!("seller-console: no log file: {why}");
    }
    tracing::info!(
        version = env!("CARGO_PKG_VERSION"),
        os = std::env::consts::OS,
        command = cli.command.as_ref().map_or("window", Command::name),
        "started"
    );
    // What a killed write left in the app's folders goes before anything else runs.
    let _ = seller_console::durable::sweep_app_folders();
    match cli.command {
        None => match seller_console::ui::run_native(started, cli.feed) {
            Ok(()) => ExitCode::SUCCESS,
            Err(message) => {
                eprintln!("seller-console: {message}");
                ExitCode::from(2)
            }
        },
        Some(Command::Validate(args)) => cli::validate::run(args),
        Some(Command::Convert(args)) => cli::convert::run(args),
        Some(Command::Sandbox(args)) => cli::sandbox::run(args),
        Some(Command::Hooks(args)) => cli::hooks::run(args),
        Some(Command::Api(command)) => cli::api::run(command),
    }
}
