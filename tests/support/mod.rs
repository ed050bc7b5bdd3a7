//! Helpers shared by the tests that talk to the embedded sandbox through the library.

#![allow(dead_code)] // each test binary uses a different subset

use seller_console::sandbox::{DEMO_KEY, Sandbox};
use seller_console::stripe::{ApiKey, Client, Config, RetryPolicy};

/// A client that talks to the sandbox `sb` with the demo key and `retry`.
pub fn sandbox_client(sb: &Sandbox, retry: RetryPolicy) -> Client {
    let key = ApiKey::new(DEMO_KEY).expect("the demo key is a valid test key");
    let mut config = Config::new(key)
        .with_base_url(&sb.base_url())
        .expect("the sandbox's address is a valid base URL");
    config.retry = retry;
    Client::new(config).expect("a client for the sandbox")
}
