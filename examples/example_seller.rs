//! A runnable local seller for trying the hook workbench:
//!
//! ```text
//! cargo run --example example_seller -- --port 4242 --secret whsec_test_local [--mode good]
//! seller-console hooks scenarios --url http://127.0.0.1:4242/hooks
//! seller-console hooks checkout --url http://127.0.0.1:4242
//! ```
//!
//! Modes: good, slow, wrong-shape, ignores-signature, decline-no-reason, bad-totals,
//! non-idempotent, stuck-status. The secret may also come from `STRIPE_HOOK_SECRET`.

use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use seller_console::hooks::example_seller::{SellerConfig, SellerMode, serve};

#[derive(Debug, Parser)]
#[command(about = "A local example seller for the Seller Console hook workbench")]
struct Args {
    /// Port to listen on (127.0.0.1 only).
    #[arg(long, default_value_t = 4242)]
    port: u16,
    /// Endpoint secret to verify Stripe-Signature with (or set `STRIPE_HOOK_SECRET`).
    #[arg(long, env = "STRIPE_HOOK_SECRET", hide_env_values = true)]
    secret: String,
    /// How to behave: good, slow, wrong-shape, ignores-signature, decline-no-reason,
    /// bad-totals, non-idempotent, stuck-status.
    #[arg(long, default_value = "good", value_parser = SellerMode::parse)]
    mode: SellerMode,
    /// How long the slow mode waits before answering, in milliseconds.
    #[arg(long, default_value_t = 5_000)]
    slow_ms: u64,
}

fn main() -> ExitCode {
    let args = Args::parse();
    let config = SellerConfig {
        slow_delay: Duration::from_millis(args.slow_ms),
        ..SellerConfig::new(&args.secret, args.mode)
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("Could not start the async runtime: {e}.");
            return ExitCode::from(2);
        }
    };
    runtime.block_on(async {
        let listener = match tokio::net::TcpListener::bind(("127.0.0.1", args.port)).await {
            Ok(l) => l,
            Err(e) => {
                eprintln!(
                    "Could not listen on 127.0.0.1:{} ({e}). Is another server using it? Pick \
                     another port with --port.",
                    args.port
                );
                return ExitCode::from(2);
            }
        };
        println!(
            "Example seller ({} mode) on http://127.0.0.1:{}: hooks at /hooks, checkouts at \
             /agentic/checkouts. Ctrl-C to stop.",
            args.mode, args.port
        );
        match serve(listener, config).await {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("The example seller stopped: {e}.");
                ExitCode::from(1)
            }
        }
    })
}
