//! The command line: one module per command group, each thin over the library.

pub mod api;
pub mod convert;
pub mod hooks;
pub mod sandbox;
pub mod validate;

use std::future::Future;

/// Runs a future to completion on a fresh multi-threaded tokio runtime (for CLI commands).
pub fn block_on<F: Future>(fut: F) -> Result<F::Output, std::io::Error> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    Ok(rt.block_on(fut))
}

/// Makes a command whose reader went away (`seller-console orders list | head`) end quietly,
/// as command-line tools do, instead of panicking with a backtrace: Rust ignores `SIGPIPE`, so
/// `println!` into a closed pipe panics. Every other panic is reported as before.
pub fn quiet_on_closed_output() {
    let report = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let message = info
            .payload()
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| info.payload().downcast_ref::<&str>().copied())
            .unwrap_or("");
        if message.starts_with("failed printing to std") && message.contains("Broken pipe") {
            // 141 = 128 + SIGPIPE, what a shell reports for a tool stopped by a closed pipe.
            std::process::exit(141);
        }
        report(info);
    }));
}
