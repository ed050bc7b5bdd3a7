//! The scenario runner: a set of order approval cases run in one go, a summary table, and a
//! report savable as Markdown or JSON.

use std::fmt::Write as _;
use std::path::Path;

use serde::Serialize;
use serde_json::Value;

use super::HookTarget;
use super::checks::{Check, Decision, Outcome, names, show_duration};
use super::run::{HookRun, RunOptions, run_hook};
use super::templates::{Address, CatalogItem, FinalizeLineItem, HookRequest, finalize_template};

/// The SKU the out-of-stock scenario orders unless told otherwise: one no seller has.
pub const DEFAULT_OUT_OF_STOCK_SKU: &str = "sku_sold_out_example";

/// What decision a scenario expects from a sensible seller.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Expectation {
    /// The order should be approved.
    Approve,
    /// The order should be declined (with a reason).
    Decline,
    /// Either is fine; only the shape and speed matter.
    Either,
}

impl Expectation {
    /// Label for tables.
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            Expectation::Approve => "approve",
            Expectation::Decline => "decline",
            Expectation::Either => "either",
        }
    }
}

/// One case: a request and the decision a sensible seller gives it.
#[derive(Debug, Clone)]
pub struct Scenario {
    /// Short stable id (`approve`, `decline`, `large-order`, …).
    pub id: &'static str,
    /// Title for tables.
    pub title: &'static str,
    /// What the case is about, in one sentence.
    pub description: String,
    /// The decision expected.
    pub expect: Expectation,
    /// The request to send.
    pub request: HookRequest,
}

/// What the scenario set is built from.
#[derive(Debug, Clone)]
pub struct ScenarioOptions {
    /// Products to order (an open catalog's SKUs); empty uses the demo catalog.
    pub catalog: Vec<CatalogItem>,
    /// Currency of the orders.
    pub currency: String,
    /// A SKU the seller has none of.
    pub out_of_stock_sku: String,
    /// Options of each run.
    pub run: RunOptions,
}

impl Default for ScenarioOptions {
    fn default() -> Self {
        ScenarioOptions {
            catalog: Vec::new(),
            currency: "usd".to_owned(),
            out_of_stock_sku: DEFAULT_OUT_OF_STOCK_SKU.to_owned(),
            run: RunOptions::default(),
        }
    }
}

fn to_request(value: &Value) -> HookRequest {
    HookRequest {
        kind: super::HookKind::Finalize,
        body: serde_json::to_string_pretty(value).unwrap_or_default(),
    }
}

/// The standard set: approve, decline, large order, missing optional fields, unknown future
/// fields, out-of-stock SKU.
#[must_use]
pub fn standard_set(options: &ScenarioOptions) -> Vec<Scenario> {
    let catalog = &options.catalog;
    let currency = &options.currency;
    let everyday = finalize_template(catalog, 1, currency);

    let mut unserved = finalize_template(catalog, 1, currency);
    let antarctica = Address {
        line1: Some("McMurdo Station".into()),
        city: Some("Ross Island".into()),
        country: Some("AQ".into()),
        ..Address::default()
    };
    if let Some(shipping) = unserved.data.shipping_details.as_mut() {
        shipping.address = Some(antarctica);
    }

    let large = finalize_template(catalog, 250, currency);

    let mut bare =
        serde_json::to_value(finalize_template(catalog, 1, currency)).unwrap_or_default();
    if let Some(data) = bare.get_mut("data").and_then(Value::as_object_mut) {
        for field in [
            "amount_subtotal",
            "amount_total",
            "billing_details",
            "email",
            "payment_method_details",
            "phone",
            "shipping_details",
            "total_details",
        ] {
            data.remove(field);
        }
    }
    if let Some(top) = bare.as_object_mut() {
        top.remove("context");
    }

    let mut future =
        serde_json::to_value(finalize_template(catalog, 1, currency)).unwrap_or_default();
    future["api_version_hint"] = Value::from("2027-01-01.preview");
    future["data"]["agent_details"] = serde_json::json!({
        "network_profile": "profile_agent_future", "display_name": "Future Agent",
        "trust_signals": {"score": 0.97, "verified_buyer": true}
    });
    if let Some(lines) = future["data"]["line_items_details"].as_array_mut() {
        for line in lines {
            line["gift_wrap"] = Value::from(true);
            line["fulfillment_window"] =
                serde_json::json!({"earliest": "2027-01-02", "latest": "2027-01-05"});
        }
    }

    let mut sold_out = finalize_template(catalog, 1, currency);
    sold_out.data.line_items_details = vec![FinalizeLineItem {
        id: options.out_of_stock_sku.clone(),
        unit_amount: 2_200,
        quantity: 1,
        name: "Sold-out item".into(),
        extra: serde_json::Map::new(),
    }];
    sold_out.data.amount_subtotal = Some(2_200);

    vec![
        Scenario {
            id: "approve",
            title: "Everyday order",
            description: "One of each of two products, shipped in the US, paid by card.".into(),
            expect: Expectation::Approve,
            request: HookRequest::finalize(&everyday),
        },
        Scenario {
            id: "decline",
            title: "Unserved address",
            description: "Ships to Antarctica (AQ), which a seller should decline with a reason."
                .into(),
            expect: Expectation::Decline,
            request: HookRequest::finalize(&unserved),
        },
        Scenario {
            id: "large-order",
            title: "Large order",
            description: "250 of each product: the seller may approve or decline, but must \
                          answer in time and keep any fee below the total."
                .into(),
            expect: Expectation::Either,
            request: HookRequest::finalize(&large),
        },
        Scenario {
            id: "missing-optional",
            title: "Missing optional fields",
            description: "No email, phone, addresses, card, totals or context: only what the \
                          format requires."
                .into(),
            expect: Expectation::Either,
            request: to_request(&bare),
        },
        Scenario {
            id: "unknown-fields",
            title: "Unknown future fields",
            description: "Fields Stripe may add later, at every level; the seller must ignore \
                          them."
                .into(),
            expect: Expectation::Approve,
            request: to_request(&future),
        },
        Scenario {
            id: "out-of-stock",
            title: "Out-of-stock SKU",
            description: format!(
                "Orders {}, which the seller has none of; it should decline with a reason.",
                options.out_of_stock_sku
            ),
            expect: Expectation::Decline,
            request: HookRequest::finalize(&sold_out),
        },
    ]
}

/// One scenario's outcome.
#[derive(Debug, Clone, Serialize)]
pub struct ScenarioResult {
    /// Scenario id.
    pub id: String,
    /// Scenario title.
    pub title: String,
    /// What it is about.
    pub description: String,
    /// The decision expected.
    pub expected: Expectation,
    /// The run, with the expectation check last.
    pub run: HookRun,
}

impl ScenarioResult {
    /// The worst outcome of its checks.
    #[must_use]
    pub fn outcome(&self) -> Outcome {
        self.run.outcome()
    }

    /// The decision received, as a word ("approved", "declined", "none").
    #[must_use]
    pub fn got(&self) -> &'static str {
        self.run.decision.as_ref().map_or("none", Decision::label)
    }
}

/// All scenario results for one target.
#[derive(Debug, Clone, Serialize)]
pub struct ScenarioReport {
    /// The endpoint tested.
    pub url: String,
    /// When the run started (RFC 3339, UTC).
    pub started_at: String,
    /// Results in scenario order.
    pub results: Vec<ScenarioResult>,
}

fn expectation_check(expect: Expectation, decision: Option<&Decision>) -> Option<Check> {
    let decision = decision?;
    let got = decision.label();
    Some(match (expect, decision) {
        (Expectation::Either, _) => Check::pass(
            names::EXPECTATION,
            format!("Either decision is fine here; got {got}."),
        ),
        (Expectation::Approve, Decision::Approved { .. })
        | (Expectation::Decline, Decision::Declined { .. }) => {
            Check::pass(names::EXPECTATION, format!("Got {got}, as expected."))
        }
        (Expectation::Approve, Decision::Declined { reason }) => Check::warn(
            names::EXPECTATION,
            format!(
                "Expected an approval but got a decline ({}). If your rules allow this order, \
                 check why it was declined.",
                reason.as_deref().unwrap_or("no reason given")
            ),
        ),
        (Expectation::Decline, Decision::Approved { .. }) => Check::warn(
            names::EXPECTATION,
            "Expected a decline but the order was approved. If you cannot fulfil it, decline \
             it with a reason.",
        ),
    })
}

/// Runs every scenario against `target`, one after the other.
pub async fn run_scenarios(
    target: &HookTarget,
    scenarios: &[Scenario],
    options: RunOptions,
) -> ScenarioReport {
    let started_at = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let mut results = Vec::with_capacity(scenarios.len());
    for scenario in scenarios {
        let mut run = run_hook(target, &scenario.request, options).await;
        if let Some(check) = expectation_check(scenario.expect, run.decision.as_ref()) {
            run.checks.push(check);
        }
        results.push(ScenarioResult {
            id: scenario.id.to_owned(),
            title: scenario.title.to_owned(),
            description: scenario.description.clone(),
            expected: scenario.expect,
            run,
        });
    }
    ScenarioReport {
        url: target.url.clone(),
        started_at,
        results,
    }
}

fn first_problem(result: &ScenarioResult) -> String {
    let worst = result.outcome();
    result
        .run
        .checks
        .iter()
        .find(|c| c.outcome == worst && worst != Outcome::Pass)
        .map(|c| format!("{}: {}", c.name, c.sentence))
        .unwrap_or_default()
}

impl ScenarioReport {
    /// The worst outcome over all scenarios.
    #[must_use]
    pub fn outcome(&self) -> Outcome {
        self.results
            .iter()
            .map(ScenarioResult::outcome)
            .max()
            .unwrap_or(Outcome::Pass)
    }

    /// How many scenarios passed, warned and failed.
    #[must_use]
    pub fn counts(&self) -> (usize, usize, usize) {
        let count = |o| self.results.iter().filter(|r| r.outcome() == o).count();
        (
            count(Outcome::Pass),
            count(Outcome::Warn),
            count(Outcome::Fail),
        )
    }

    /// A plain-text summary table for terminals.
    #[must_use]
    pub fn summary_table(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "{:<24} {:<9} {:<9} {:>8}  {:<6} First problem",
            "Scenario", "Expected", "Got", "Time", "Result"
        );
        for r in &self.results {
            let _ = writeln!(
                out,
                "{:<24} {:<9} {:<9} {:>8}  {:<6} {}",
                r.title,
                r.expected.label(),
                r.got(),
                show_duration(std::time::Duration::from_millis(r.run.elapsed_ms)),
                r.outcome().label(),
                first_problem(r)
            );
        }
        let (pass, warn, fail) = self.counts();
        let _ = writeln!(out, "\n{pass} passed, {warn} with warnings, {fail} failed.");
        out
    }

    /// The report as Markdown: a summary table, then every check of every scenario.
    #[must_use]
    pub fn to_markdown(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "# Hook scenario report\n");
        let _ = writeln!(
            out,
            "Endpoint: `{}`  \nRun at: {}\n",
            self.url, self.started_at
        );
        let _ = writeln!(out, "| Scenario | Expected | Got | Time | Result |");
        let _ = writeln!(out, "|---|---|---|---:|---|");
        for r in &self.results {
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {} |",
                r.title,
                r.expected.label(),
                r.got(),
                show_duration(std::time::Duration::from_millis(r.run.elapsed_ms)),
                r.outcome().label()
            );
        }
        let (pass, warn, fail) = self.counts();
        let _ = writeln!(out, "\n{pass} passed, {warn} with warnings, {fail} failed.");
        for r in &self.results {
            let _ = writeln!(out, "\n## {} ({})\n\n{}\n", r.title, r.id, r.description);
            for c in &r.run.checks {
                let _ = writeln!(
                    out,
                    "- **{}** {}: {}",
                    c.outcome.label(),
                    c.name,
                    md_escape(&c.sentence)
                );
            }
        }
        out
    }

    /// The report as pretty JSON.
    #[must_use]
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// Saves the report, atomically and durably: Markdown for `.md`, JSON for `.json`.
    pub fn save(&self, path: &Path) -> Result<(), String> {
        let text = match path.extension().and_then(|e| e.to_str()) {
            Some("md" | "markdown") => self.to_markdown(),
            Some("json") => self.to_json(),
            _ => {
                return Err(format!(
                    "Cannot tell the report format from {}; name it .md for Markdown or .json \
                     for JSON.",
                    path.display()
                ));
            }
        };
        crate::durable::write(path, text.as_bytes(), crate::durable::Access::LikeExisting).map_err(
            |e| {
                format!(
                    "Could not write the report to {} ({e}). Check that you may write there.",
                    path.display()
                )
            },
        )
    }
}

fn md_escape(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn standard_set_has_the_six_cases_with_their_traits() {
        let set = standard_set(&ScenarioOptions::default());
        let ids: Vec<&str> = set.iter().map(|s| s.id).collect();
        assert_eq!(
            ids,
            [
                "approve",
                "decline",
                "large-order",
                "missing-optional",
                "unknown-fields",
                "out-of-stock"
            ]
        );
        let body = |id: &str| {
            set.iter()
                .find(|s| s.id == id)
                .and_then(|s| s.request.json())
                .unwrap_or_default()
        };
        assert_eq!(
            body("decline").pointer("/data/shipping_details/address/country"),
            Some(&Value::from("AQ"))
        );
        assert_eq!(
            body("large-order").pointer("/data/line_items_details/0/quantity"),
            Some(&Value::from(250))
        );
        let bare = body("missing-optional");
        assert!(bare.pointer("/data/email").is_none() && bare.pointer("/data/currency").is_some());
        assert!(
            body("unknown-fields")
                .pointer("/data/agent_details/trust_signals")
                .is_some()
        );
        assert_eq!(
            body("out-of-stock").pointer("/data/line_items_details/0/id"),
            Some(&Value::from(DEFAULT_OUT_OF_STOCK_SKU))
        );
    }

    #[test]
    fn expectation_mismatch_is_a_warning() {
        let declined = Decision::Declined {
            reason: Some("No stock".into()),
        };
        let check = expectation_check(Expectation::Approve, Some(&declined));
        assert_eq!(check.as_ref().map(|c| c.outcome), Some(Outcome::Warn));
        assert!(check.is_some_and(|c| c.sentence.contains("(No stock)")));
        let approved = Decision::Approved {
            application_fee_amount: None,
        };
        let check = expectation_check(Expectation::Either, Some(&approved));
        assert_eq!(check.map(|c| c.outcome), Some(Outcome::Pass));
    }
}
