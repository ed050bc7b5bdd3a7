//! `seller-console sandbox`: runs the embedded Stripe sandbox until Ctrl+C.

use std::process::ExitCode;

use crate::sandbox::{DEMO_KEY, FaultSpec, Sandbox, SandboxConfig, Seed};

/// Arguments of `seller-console sandbox`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Port on 127.0.0.1 (0 picks a free one).
    #[arg(long, default_value_t = 12111)]
    pub port: u16,
    /// Initial data: `demo` (catalog, orders, agreements, imports) or `empty`.
    #[arg(long, default_value_t = Seed::Demo)]
    pub seed: Seed,
    /// Faults, e.g. `429:0.3,500:0.1,slow:2000,drop-after-commit:refunds`.
    #[arg(long, default_value = "")]
    pub faults: FaultSpec,
    /// Extra generated orders on top of the seed (for big lists and benchmarks).
    #[arg(long, default_value_t = 0)]
    pub orders: usize,
    /// Connected sellers on the platform (the demo seed has 12; 5000 to try a big platform).
    #[arg(long, value_name = "N")]
    pub accounts: Option<usize>,
    /// A live demo shopper: about this many new agent orders a minute, each with its events.
    #[arg(long, default_value_t = 0, value_name = "PER_MINUTE")]
    pub live_orders: u32,
}

/// Runs the command.
#[must_use]
pub fn run(args: Args) -> ExitCode {
    let result = super::block_on(serve(args))
        .map_err(|e| format!("Could not start the async runtime: {e}"))
        .and_then(|r| r);
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("{message}");
            ExitCode::FAILURE
        }
    }
}

async fn serve(args: Args) -> Result<(), String> {
    let port = args.port;
    let faults_text = args.faults.to_string();
    // Before anything is announced, so a stop request right after "listening" still cleans up.
    let mut stop = crate::sandbox::StopSignal::install()
        .map_err(|e| format!("Could not watch for Ctrl+C ({e})."))?;
    let mut sandbox = Sandbox::start(SandboxConfig {
        port,
        seed: args.seed,
        faults: args.faults,
        accounts: args.accounts,
    })
    .await
    .map_err(|e| {
        format!(
            "Could not start the sandbox on 127.0.0.1:{port} ({e}). Is another one running? \
             Pick another port with --port, or --port 0 for any free one."
        )
    })?;
    if args.orders > 0 {
        let added = sandbox.add_orders(args.orders);
        println!("Added {added} extra orders.");
    }
    if args.live_orders > 0 {
        sandbox.start_live_shopper(args.live_orders);
        println!(
            "A live shopper places about {} orders a minute.",
            args.live_orders
        );
    }
    let base = sandbox.base_url();
    println!(
        "Stripe sandbox listening on {base} (api and files host), seed: {}",
        args.seed
    );
    println!(
        "Demo key:  {DEMO_KEY}  (any sk_test_/rk_test_ key works; live keys see empty live data)"
    );
    println!("Faults:    {faults_text}");
    println!();
    println!("Try:");
    println!("  curl {base}/v1/checkout/sessions?limit=3 -u {DEMO_KEY}:");
    println!(
        "  curl {base}/v1/files -u {DEMO_KEY}: -F purpose=data_management_manual_upload \
         -F file=\"@catalog.csv;type=text/csv\""
    );
    println!();
    println!("Point the console at it with --api-base {base}. Press Ctrl+C to stop.");
    stop.wait().await;
    println!("Stopping the sandbox…");
    sandbox.shutdown().await;
    Ok(())
}
