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

/// The `seller-console` binary aimed at a sandbox at `base`, with the demo key and its data
/// folder (payment journal) in `data`; nothing from the caller's environment leaks in.
pub fn cli(base: &str, data: &std::path::Path, args: &[&str]) -> std::process::Command {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_seller-console"));
    command
        .args(args)
        .args(["--api-base", base])
        .env("STRIPE_API_KEY", DEMO_KEY)
        .env_remove("STRIPE_API_BASE")
        .env_remove("SELLER_CONSOLE_PROFILE")
        .env(seller_console::payment_journal::DATA_DIR_ENV, data);
    command
}

/// What a command printed and how it ended.
pub struct Run {
    /// The exit code (-1 when killed).
    pub code: i32,
    /// Standard output.
    pub stdout: String,
    /// Standard error.
    pub stderr: String,
}

impl Run {
    /// Runs `command` to its end.
    pub fn of(command: &mut std::process::Command) -> Run {
        let out = command.output().expect("the binary runs");
        Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    /// Panics with both outputs unless the command succeeded.
    pub fn ok(self) -> Run {
        assert_eq!(
            self.code, 0,
            "command failed:\nstdout:\n{}\nstderr:\n{}",
            self.stdout, self.stderr
        );
        self
    }
}

/// A sandbox on its own runtime, a data folder for the command line, and a client to look at
/// what Stripe holds.
pub struct World {
    // Dropped in this order: the sandbox (its server task aborted), then its runtime.
    /// The sandbox.
    pub sandbox: Sandbox,
    /// The runtime it runs on (and `client` is driven with).
    pub rt: tokio::runtime::Runtime,
    /// The sandbox's base URL.
    pub base: String,
    /// The command line's data folder (payment journal).
    pub data: tempfile::TempDir,
    /// A client of the sandbox with the demo key.
    pub client: Client,
}

impl World {
    /// The demo sandbox, and a client with `retry`.
    pub fn new(retry: RetryPolicy) -> World {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("tokio runtime");
        let sandbox = rt
            .block_on(Sandbox::start(
                seller_console::sandbox::SandboxConfig::default(),
            ))
            .expect("sandbox");
        let base = sandbox.base_url();
        let client = sandbox_client(&sandbox, retry);
        World {
            sandbox,
            rt,
            base,
            data: tempfile::tempdir().expect("temp dir"),
            client,
        }
    }

    /// The binary with `args`, aimed at this sandbox and data folder.
    pub fn command(&self, args: &[&str]) -> std::process::Command {
        cli(&self.base, self.data.path(), args)
    }

    /// Runs the binary with `args` to its end.
    pub fn run(&self, args: &[&str]) -> Run {
        Run::of(&mut self.command(args))
    }
}
