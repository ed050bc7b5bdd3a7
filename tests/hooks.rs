//! The hook workbench against the example seller, good and broken on purpose: the good one
//! is all green, and each broken one is reported by the exact check that should catch it.

use std::time::Duration;

use seller_console::hooks::checkout_run::{self, steps};
use seller_console::hooks::checks::names;
use seller_console::hooks::example_seller::{SellerConfig, SellerMode, spawn};
use seller_console::hooks::scenarios::{self, ScenarioOptions};
use seller_console::hooks::templates::{customize_template, finalize_template};
use seller_console::hooks::{
    CheckoutFlowOptions, HookRequest, HookRun, HookTarget, Limits, Outcome, RunOptions,
    run_checkout_flow, run_hook, run_scenarios,
};

const SECRET: &str = "whsec_integration_test_secret";

struct Seller {
    base: String,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Seller {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn start(config: SellerConfig) -> Seller {
    let (addr, task) = spawn(config)
        .await
        .expect("bind a local port for the example seller");
    Seller {
        base: format!("http://{addr}"),
        task,
    }
}

async fn start_mode(mode: SellerMode) -> Seller {
    start(SellerConfig::new(SECRET, mode)).await
}

fn target(seller: &Seller) -> HookTarget {
    HookTarget::new(&format!("{}/hooks", seller.base), SECRET).expect("valid target")
}

fn approval() -> HookRequest {
    HookRequest::finalize(&finalize_template(&[], 1, "usd"))
}

fn customization() -> HookRequest {
    HookRequest::customize(&customize_template(&[], "usd"))
}

/// The check called `name`, with a readable panic listing all checks when it is missing.
fn check<'a>(run: &'a HookRun, name: &str) -> &'a seller_console::hooks::Check {
    run.check(name)
        .unwrap_or_else(|| panic!("no check {name:?} in {:#?}", run.checks))
}

fn assert_all_pass(run: &HookRun) {
    for c in &run.checks {
        assert_eq!(
            c.outcome,
            Outcome::Pass,
            "{}: {} (all: {:#?})",
            c.name,
            c.sentence,
            run.checks
        );
    }
}

/// Every check but `name` passes, and `name` has `outcome` with `fragment` in its sentence.
fn assert_only(run: &HookRun, name: &str, outcome: Outcome, fragment: &str) {
    let found = check(run, name);
    assert_eq!(found.outcome, outcome, "{name}: {}", found.sentence);
    assert!(
        found.sentence.contains(fragment),
        "{name}: {:?} lacks {fragment:?}",
        found.sentence
    );
    for c in run.checks.iter().filter(|c| c.name != name) {
        assert_eq!(
            c.outcome,
            Outcome::Pass,
            "unexpected {}: {}",
            c.name,
            c.sentence
        );
    }
}

#[tokio::test]
async fn good_seller_is_all_green_on_both_hooks() {
    let seller = start_mode(SellerMode::Good).await;
    let run = run_hook(&target(&seller), &approval(), RunOptions::default()).await;
    assert_all_pass(&run);
    let names: Vec<&str> = run.checks.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(
        names,
        [
            names::STATUS,
            names::TIME,
            names::JSON,
            names::DECISION,
            names::APPLICATION_FEE,
            names::IDEMPOTENCY,
            names::BAD_SIGNATURE
        ]
    );
    assert_eq!(run.status, Some(200));
    assert_eq!(
        run.decision
            .as_ref()
            .map(seller_console::hooks::Decision::label),
        Some("approved")
    );

    let run = run_hook(&target(&seller), &customization(), RunOptions::default()).await;
    assert_all_pass(&run);
    assert!(
        check(&run, names::SHIPPING_OPTIONS)
            .sentence
            .starts_with("2 shipping option(s)")
    );
    assert!(
        check(&run, names::TAX_RATES)
            .sentence
            .starts_with("2 tax rate(s) on 2 line(s)")
    );
}

#[tokio::test]
async fn good_seller_passes_every_scenario_and_the_report_says_so() {
    let seller = start_mode(SellerMode::Good).await;
    let options = ScenarioOptions::default();
    let set = scenarios::standard_set(&options);
    let report = run_scenarios(&target(&seller), &set, options.run).await;
    assert_eq!(report.results.len(), 6);
    for result in &report.results {
        assert_all_pass(&result.run);
    }
    let got: Vec<&str> = report
        .results
        .iter()
        .map(seller_console::hooks::ScenarioResult::got)
        .collect();
    assert_eq!(
        got,
        [
            "approved", "declined", "approved", "approved", "approved", "declined"
        ]
    );
    assert_eq!(report.counts(), (6, 0, 0));
    let markdown = report.to_markdown();
    assert!(
        markdown.contains("| Everyday order | approve | approved |"),
        "{markdown}"
    );
    assert!(
        markdown.contains("Declined with the reason \"We do not ship to AQ.\""),
        "{markdown}"
    );
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("report.json");
    report.save(&path).expect("save JSON report");
    let saved: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).expect("read report")).expect("JSON");
    assert_eq!(saved["results"][5]["id"], "out-of-stock");
    assert_eq!(
        saved["results"][5]["run"]["decision"]["reason"],
        "Out of stock: we have no sku_sold_out_example."
    );
    let err = report
        .save(&dir.path().join("report.txt"))
        .err()
        .unwrap_or_default();
    assert!(err.contains("name it .md for Markdown or .json"), "{err}");
}

#[tokio::test]
async fn slow_seller_fails_the_time_check_and_a_sluggish_one_warns() {
    let mut config = SellerConfig::new(SECRET, SellerMode::Slow);
    config.slow_delay = Duration::from_millis(900);
    let seller = start(config).await;
    let tight = RunOptions {
        limits: Limits {
            deadline: Duration::from_millis(400),
            warn_after: Duration::from_millis(200),
        },
        ..RunOptions::default()
    };
    let run = run_hook(&target(&seller), &approval(), tight).await;
    let time = check(&run, names::TIME);
    assert_eq!(time.outcome, Outcome::Fail);
    assert!(
        time.sentence.starts_with("No answer within 400 ms"),
        "{}",
        time.sentence
    );
    assert_eq!(check(&run, names::STATUS).outcome, Outcome::Fail);
    assert_eq!(run.status, None);

    let roomy = RunOptions {
        limits: Limits {
            deadline: Duration::from_secs(3),
            warn_after: Duration::from_millis(300),
        },
        ..RunOptions::default()
    };
    let run = run_hook(&target(&seller), &approval(), roomy).await;
    let time = check(&run, names::TIME);
    assert_eq!(time.outcome, Outcome::Warn, "{}", time.sentence);
    assert!(
        time.sentence
            .contains("within the 3.0 s limit, but above 300 ms"),
        "{}",
        time.sentence
    );
    assert!(run.elapsed_ms >= 900, "took {} ms", run.elapsed_ms);
}

#[tokio::test]
async fn wrong_shape_is_named_field_by_field() {
    let seller = start_mode(SellerMode::WrongShape).await;
    let run = run_hook(&target(&seller), &approval(), RunOptions::default()).await;
    assert_only(
        &run,
        names::DECISION,
        Outcome::Fail,
        "The answer has no manual_approval_details",
    );
    assert!(
        check(&run, names::DECISION)
            .sentence
            .contains(r#"`{"approved":true,"fee":"2%"}`"#)
    );

    let run = run_hook(&target(&seller), &customization(), RunOptions::default()).await;
    let shipping = check(&run, names::SHIPPING_OPTIONS);
    assert_eq!(shipping.outcome, Outcome::Fail);
    assert_eq!(
        shipping.sentence,
        "shipping_options[0] has both shipping_rate and shipping_rate_data; give only one."
    );
    let tax = check(&run, names::TAX_RATES);
    assert_eq!(tax.outcome, Outcome::Fail);
    assert!(
        tax.sentence
            .contains("line_items[0].tax_rates[0] has neither rate nor rate_data"),
        "{}",
        tax.sentence
    );
    assert!(
        tax.sentence
            .contains("line_items[1].tax_rates[0] has neither"),
        "{}",
        tax.sentence
    );
}

#[tokio::test]
async fn seller_that_ignores_signatures_is_caught() {
    let seller = start_mode(SellerMode::IgnoresSignature).await;
    let run = run_hook(&target(&seller), &approval(), RunOptions::default()).await;
    assert_only(
        &run,
        names::BAD_SIGNATURE,
        Outcome::Fail,
        "A request signed with the wrong secret was accepted (HTTP 200)",
    );
}

#[tokio::test]
async fn decline_without_reason_is_caught() {
    let seller = start_mode(SellerMode::DeclineNoReason).await;
    let run = run_hook(&target(&seller), &approval(), RunOptions::default()).await;
    assert_only(
        &run,
        names::DECLINE_REASON,
        Outcome::Fail,
        "declined without manual_approval_details.declined.reason",
    );
}

#[tokio::test]
async fn non_idempotent_seller_is_caught() {
    let seller = start_mode(SellerMode::NonIdempotent).await;
    let run = run_hook(&target(&seller), &approval(), RunOptions::default()).await;
    let total = approval()
        .json()
        .and_then(|v| v.pointer("/data/amount_total")?.as_i64())
        .unwrap_or(0);
    assert_only(
        &run,
        names::IDEMPOTENCY,
        Outcome::Fail,
        &format!(
            "the first answer was approved with fee {}, the retry declined",
            total * 200 / 10_000
        ),
    );
}

#[tokio::test]
async fn wrong_secret_and_unreachable_url_are_explained() {
    let seller = start_mode(SellerMode::Good).await;
    let wrong = HookTarget::new(&format!("{}/hooks", seller.base), "whsec_not_the_right_one")
        .expect("target");
    let run = run_hook(&wrong, &approval(), RunOptions::default()).await;
    let status = check(&run, names::STATUS);
    assert_eq!(status.outcome, Outcome::Fail);
    assert!(
        status
            .sentence
            .starts_with("The endpoint answered HTTP 400 Bad Request"),
        "{}",
        status.sentence
    );
    assert!(
        run.response_body
            .contains("No v1 signature matches the body"),
        "{}",
        run.response_body
    );

    let base = seller.base.clone();
    drop(seller);
    tokio::time::sleep(Duration::from_millis(50)).await;
    let gone = HookTarget::new(&format!("{base}/hooks"), SECRET).expect("target");
    let run = run_hook(&gone, &approval(), RunOptions::default()).await;
    assert_eq!(run.checks.len(), 1, "{:#?}", run.checks);
    assert!(
        run.checks[0].sentence.starts_with("Could not connect to"),
        "{}",
        run.checks[0].sentence
    );
}

#[tokio::test]
async fn good_checkout_flow_walks_every_status_with_totals_that_add_up() {
    let seller = start_mode(SellerMode::Good).await;
    let run = run_checkout_flow(&seller.base, &CheckoutFlowOptions::default()).await;
    for step in &run.steps {
        for c in &step.checks {
            assert_eq!(
                c.outcome,
                Outcome::Pass,
                "{} / {}: {}",
                step.name,
                c.name,
                c.sentence
            );
        }
    }
    let names: Vec<&str> = run.steps.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(
        names,
        [
            steps::CREATE,
            steps::UPDATE,
            steps::CONFIRM,
            steps::RETRIEVE
        ]
    );
    assert_eq!(
        run.statuses,
        [
            "incomplete",
            "ready_for_payment",
            "in_progress",
            "in_progress"
        ]
    );
    assert_eq!(run.checkout_id.as_deref(), Some("checkout_0001"));
    let totals = run
        .step(steps::UPDATE)
        .and_then(|s| s.check(checkout_run::names::TOTALS))
        .expect("totals");
    // 2 tees at 2800, 10 % off, standard shipping 500 (+40 tax), 8 % tax on 5040.
    assert_eq!(
        totals.sentence,
        "Lines and totals add up: items 5600 − discount 560 + fulfillment 500 + tax 443 = 5983."
    );
}

#[tokio::test]
async fn totals_that_do_not_add_up_are_shown_with_the_numbers() {
    let seller = start_mode(SellerMode::BadTotals).await;
    let run = run_checkout_flow(&seller.base, &CheckoutFlowOptions::default()).await;
    let update = run.step(steps::UPDATE).expect("update step");
    let totals = update
        .check(checkout_run::names::TOTALS)
        .expect("totals check");
    assert_eq!(totals.outcome, Outcome::Fail);
    assert!(
        totals
            .sentence
            .contains("the total is 5443 but subtotal 5040 + fulfillment 500 + tax 443 = 5983"),
        "{}",
        totals.sentence
    );
    // Before any shipping is chosen the same seller's totals are right.
    let create = run.step(steps::CREATE).expect("create step");
    assert_eq!(
        create.check(checkout_run::names::TOTALS).map(|c| c.outcome),
        Some(Outcome::Pass)
    );
}

#[tokio::test]
async fn checkout_stuck_in_incomplete_is_caught() {
    let seller = start_mode(SellerMode::StuckStatus).await;
    let run = run_checkout_flow(&seller.base, &CheckoutFlowOptions::default()).await;
    let update = run.step(steps::UPDATE).expect("update step");
    let transition = update
        .check(checkout_run::names::TRANSITION)
        .expect("transition check");
    assert_eq!(transition.outcome, Outcome::Fail);
    assert!(
        transition
            .sentence
            .contains("the checkout is \"incomplete\""),
        "{}",
        transition.sentence
    );
    let confirm = run.step(steps::CONFIRM).expect("confirm step");
    assert_eq!(confirm.status, Some(409));
    assert_eq!(run.outcome(), Outcome::Fail);
}

/// The CLI end to end: exit codes, the summary table and a saved Markdown report.
#[tokio::test]
async fn cli_exit_codes_follow_the_checks() {
    let good = start_mode(SellerMode::Good).await;
    let bad = start_mode(SellerMode::DeclineNoReason).await;
    let dir = tempfile::tempdir().expect("temp dir");
    let report = dir.path().join("report.md");
    let cli = |args: Vec<String>| {
        tokio::task::spawn_blocking(move || {
            std::process::Command::new(env!("CARGO_BIN_EXE_seller-console"))
                .arg("hooks")
                .args(args)
                .env("WORKBENCH_TEST_SECRET", SECRET)
                .output()
                .expect("run seller-console")
        })
    };
    let out = cli(vec![
        "scenarios".into(),
        "--url".into(),
        format!("{}/hooks", good.base),
        "--secret-env".into(),
        "WORKBENCH_TEST_SECRET".into(),
        "--report".into(),
        report.display().to_string(),
    ])
    .await
    .expect("join");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains("6 passed, 0 with warnings, 0 failed."),
        "{stdout}"
    );
    let saved = std::fs::read_to_string(&report).expect("report written");
    assert!(saved.starts_with("# Hook scenario report"), "{saved}");

    let out = cli(vec![
        "approve".into(),
        "--url".into(),
        format!("{}/hooks", bad.base),
        "--secret-env".into(),
        "WORKBENCH_TEST_SECRET".into(),
    ])
    .await
    .expect("join");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("FAIL  Decline reason"), "{stdout}");

    let out = cli(vec![
        "approve".into(),
        "--url".into(),
        format!("{}/hooks", good.base),
        "--secret-env".into(),
        "WORKBENCH_UNSET_VAR".into(),
    ])
    .await
    .expect("join");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("WORKBENCH_UNSET_VAR is not set"));
}
