//! The command line: one module per command group, each thin over the library.

pub mod api;
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
