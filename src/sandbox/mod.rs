//! The embedded Stripe imitation (axum on 127.0.0.1): state, seed data, fault injection.
//!
//! TEMPORARY interface so the app compiles; the sandbox branch replaces this file.

/// The key demo mode uses.
pub const DEMO_KEY: &str = "sk_test_demo_sandbox_4242";

/// Which data the sandbox starts with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Seed {
    /// Demo orders, agreements and imports.
    Demo,
    /// Nothing.
    Empty,
}

/// How to start the sandbox.
#[derive(Debug, Clone)]
pub struct SandboxConfig {
    /// Port on 127.0.0.1; 0 picks a free one.
    pub port: u16,
    /// Starting data.
    pub seed: Seed,
}

impl SandboxConfig {
    /// Demo data on a random port.
    #[must_use]
    pub fn demo() -> Self {
        SandboxConfig {
            port: 0,
            seed: Seed::Demo,
        }
    }
}

/// A running sandbox.
pub struct Sandbox {
    addr: std::net::SocketAddr,
}

impl Sandbox {
    /// Starts the sandbox on 127.0.0.1.
    pub async fn start(config: SandboxConfig) -> std::io::Result<Sandbox> {
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", config.port)).await?;
        Ok(Sandbox {
            addr: listener.local_addr()?,
        })
    }

    /// Base URL of both the API and files hosts.
    #[must_use]
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Stops the sandbox.
    #[allow(clippy::unused_async)] // temporary stand-in until the sandbox lands
    pub async fn shutdown(self) {}
}
