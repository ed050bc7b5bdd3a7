//! Hook workbench: signed requests to the seller's own order-approval, checkout-customization
//! and checkout endpoints, and checks on their answers.
//!
//! No egui here: the Hooks view and `seller-console hooks` both sit on this API.
//!
//! - [`sign`]: `Stripe-Signature` exactly as Stripe computes it, and verification.
//! - [`templates`]: the two hook requests as typed structs, realistic templates, raw JSON.
//! - [`checks`]: pass/warn/fail rules on status, time, shape, idempotency and signatures.
//! - [`run`]: [`run_hook`] sends one request (plus a retry and a badly signed copy).
//! - [`scenarios`]: the scenario set and its report (Markdown and JSON).
//! - [`checkout_run`]: the guided run over a custom integration's checkout endpoints.
//! - [`webhooks`]: events built from a real order, delivered signed, and the answers checked.
//! - [`example_seller`]: a local seller, good or broken on purpose, for demos and tests.

pub mod checkout_run;
pub mod checks;
pub mod example_seller;
pub mod run;
pub mod scenarios;
pub mod sign;
pub mod templates;
pub mod webhooks;

use std::fmt;

pub use checkout_run::{CheckoutFlowOptions, CheckoutRun, CheckoutStep, run_checkout_flow};
pub use checks::{Check, Decision, Limits, Outcome};
pub use run::{HookRun, RunOptions, run_hook};
pub use scenarios::{Scenario, ScenarioOptions, ScenarioReport, ScenarioResult, run_scenarios};
pub use templates::{CatalogItem, HookKind, HookRequest};

/// Where to send hook requests: the seller's endpoint and the secret it verifies with.
/// The secret never shows in `Debug` (only `whsec_…` and its last four characters).
#[derive(Clone, PartialEq, Eq)]
pub struct HookTarget {
    /// Endpoint URL (http or https).
    pub url: String,
    /// Endpoint secret (`whsec_…`) the seller verifies signatures with.
    pub secret: String,
}

impl HookTarget {
    /// A target from its parts, checking that the URL is http(s) with a host.
    pub fn new(url: &str, secret: &str) -> Result<HookTarget, String> {
        check_url(url)?;
        if secret.trim().is_empty() {
            return Err(
                "The endpoint secret is empty. Copy it (whsec_…) from the hook settings in the \
                 Stripe Dashboard, or the one your local server uses."
                    .to_owned(),
            );
        }
        Ok(HookTarget {
            url: url.trim().to_owned(),
            secret: secret.trim().to_owned(),
        })
    }

    /// The secret as shown on screen: `whsec_…abcd`.
    #[must_use]
    pub fn redacted_secret(&self) -> String {
        crate::secrets::redact(&self.secret)
    }
}

impl fmt::Debug for HookTarget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HookTarget")
            .field("url", &self.url)
            .field("secret", &self.redacted_secret())
            .finish()
    }
}

/// Checks that `url` is an http or https URL with a host, in words a user can act on.
pub fn check_url(url: &str) -> Result<url::Url, String> {
    let parsed = url::Url::parse(url.trim()).map_err(|e| {
        format!("\"{url}\" is not a URL ({e}). Write it in full, e.g. http://localhost:4242/hooks.")
    })?;
    if !matches!(parsed.scheme(), "http" | "https") || parsed.host_str().is_none() {
        return Err(format!(
            "\"{url}\" is not an http or https URL. Write it in full, e.g. \
             http://localhost:4242/hooks."
        ));
    }
    Ok(parsed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn target_hides_its_secret_and_checks_the_url() {
        let target = HookTarget::new("http://localhost:4242/hooks", "whsec_abcdefgh1234");
        let shown = format!("{target:?}");
        assert!(shown.contains("whsec_…1234"), "{shown}");
        assert!(!shown.contains("abcdefgh"), "{shown}");
        let err = HookTarget::new("localhost:4242", "whsec_x")
            .err()
            .unwrap_or_default();
        assert!(err.contains("not an http or https URL"), "{err}");
        let err = HookTarget::new("http://localhost:4242", " ")
            .err()
            .unwrap_or_default();
        assert!(err.starts_with("The endpoint secret is empty"), "{err}");
    }
}
