//! The `seller-console` command line end to end: the built binary against the embedded
//! sandbox on a random port, the way a seller scripts it (`STRIPE_API_KEY` + `--api-base`).

use std::path::Path;
use std::process::Command;

use seller_console::sandbox::{DEMO_KEY, Sandbox, SandboxConfig, Seed};
use serde_json::Value;

/// What one run of the binary gave.
struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

impl Run {
    fn json(&self) -> Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| {
            panic!(
                "stdout is not JSON ({e}):\n{}\nstderr:\n{}",
                self.stdout, self.stderr
            )
        })
    }

    fn ok(self) -> Run {
        assert_eq!(
            self.code, 0,
            "command failed:\nstdout:\n{}\nstderr:\n{}",
            self.stdout, self.stderr
        );
        self
    }
}

/// Runs the binary with a clean environment for the key options. `key` is the
/// `STRIPE_API_KEY` to set, if any.
fn run_with(args: &[&str], key: Option<&str>, config_home: Option<&Path>) -> Run {
    let mut command = Command::new(env!("CARGO_BIN_EXE_seller-console"));
    command
        .args(args)
        .env_remove("STRIPE_API_KEY")
        .env_remove("STRIPE_API_BASE")
        .env_remove("SELLER_CONSOLE_PROFILE");
    if let Some(key) = key {
        command.env("STRIPE_API_KEY", key);
    }
    // The payment journal goes to a folder of this test run, not the user's data folder.
    command.env(
        seller_console::payment_journal::DATA_DIR_ENV,
        Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("cli_api-{}", std::process::id())),
    );
    if let Some(home) = config_home {
        command.env("XDG_CONFIG_HOME", home).env("HOME", home);
    }
    let out = command.output().expect("the binary runs");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// Runs an API command against `base` with the sandbox's demo key.
fn api(base: &str, args: &[&str]) -> Run {
    let mut all: Vec<&str> = args.to_vec();
    all.extend(["--api-base", base]);
    run_with(&all, Some(DEMO_KEY), None)
}

/// The id of an expandable field (a string id or an expanded object).
fn expandable_id(v: &Value) -> Option<&str> {
    v.as_str().or_else(|| v["id"].as_str())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_seller_scripts_the_whole_flow_against_the_sandbox() {
    let sandbox = Sandbox::start(SandboxConfig::seeded(Seed::Demo))
        .await
        .expect("sandbox starts");
    let base = sandbox.base_url();

    // The commands block; run them off the runtime so the sandbox keeps answering.
    let flow = tokio::task::spawn_blocking(move || {
        let dir = tempfile::tempdir().expect("temp dir");
        let feed = dir.path().join("catalog.csv");
        std::fs::copy(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/feed/product_valid.csv"),
            &feed,
        )
        .expect("fixture copied");
        let feed = feed.to_string_lossy().into_owned();

        // Push a valid feed and follow it to the end.
        let pushed = api(
            &base,
            &["push", &feed, "--feed", "product", "--wait", "--json"],
        )
        .ok()
        .json();
        let import = pushed["import"].as_str().expect("import id").to_owned();
        assert!(import.starts_with("pcimprt_"), "{pushed}");
        assert_eq!(pushed["status"], "succeeded", "{pushed}");
        assert_eq!(pushed["validation_errors"], 0);
        assert!(pushed["succeeded"].as_i64().unwrap_or(0) > 0, "{pushed}");

        // It shows up in the import list, in JSON and in text.
        let imports = api(&base, &["imports", "list", "--json"]).ok().json();
        let ids: Vec<&str> = imports
            .as_array()
            .expect("a JSON array of imports")
            .iter()
            .filter_map(|i| i["id"].as_str())
            .collect();
        assert!(ids.contains(&import.as_str()), "{ids:?}");
        let text = api(&base, &["imports", "list"]).ok();
        assert!(text.stdout.contains(&import), "{}", text.stdout);

        // Orders waiting for capture, as scripts read them.
        let waiting = api(&base, &["orders", "list", "--needs-capture", "--json"])
            .ok()
            .json();
        let waiting = waiting.as_array().expect("a JSON array of orders");
        assert!(
            !waiting.is_empty(),
            "the demo seed has orders awaiting capture"
        );
        for order in waiting {
            assert!(order["id"].as_str().is_some_and(|id| id.starts_with("cs_")));
        }
        let pi = expandable_id(&waiting[0]["payment_intent"])
            .expect("the order has a payment")
            .to_owned();
        assert!(pi.starts_with("pi_"), "{pi}");

        let recent = api(&base, &["orders", "list", "--json", "--limit", "5"])
            .ok()
            .json();
        assert_eq!(recent.as_array().map(Vec::len), Some(5));

        // Capture it, then refund a part of it.
        let captured = api(&base, &["capture", &pi]).ok();
        assert!(captured.stdout.contains("Captured"), "{}", captured.stdout);
        assert!(captured.stdout.contains("succeeded"), "{}", captured.stdout);
        let captured_again = api(&base, &["capture", &pi]);
        assert_eq!(captured_again.code, 3, "{}", captured_again.stderr);
        assert!(
            captured_again.stderr.contains("nothing to capture"),
            "{}",
            captured_again.stderr
        );

        let refund = api(
            &base,
            &[
                "refund",
                &pi,
                "--amount",
                "1.00",
                "--reason",
                "requested-by-customer",
                "--json",
            ],
        )
        .ok()
        .json();
        assert!(
            refund["id"]
                .as_str()
                .is_some_and(|id| id.starts_with("re_")),
            "{refund}"
        );
        assert_eq!(refund["amount"], 100);
        assert_eq!(refund["status"], "succeeded");

        // More than is left is refused before anything is sent.
        let over = api(&base, &["refund", &pi, "--amount", "999999.00"]);
        assert_eq!(over.code, 2, "{}", over.stderr);
        assert!(over.stderr.contains("left to refund"), "{}", over.stderr);
        // Amounts that could be misread by a power of ten are refused with the right spelling,
        // and nothing is refunded.
        for (typed, shown) in [
            ("1,50", "write `1.50`"),
            ("2,5", "write `2.5`"),
            ("€5", "the payment is in USD"),
            ("1,000.00", "write `1000.00`"),
        ] {
            let misread = api(&base, &["refund", &pi, "--amount", typed, "--yes"]);
            assert_eq!(misread.code, 2, "{typed}: {}", misread.stderr);
            assert!(
                misread.stderr.contains(shown),
                "{typed}: {}",
                misread.stderr
            );
        }
        let order = waiting[0]["id"].as_str().expect("order id");
        let shown = api(&base, &["orders", "show", order, "--json"]).ok().json();
        assert_eq!(
            shown["refunds"].as_array().map(Vec::len),
            Some(1),
            "only the 1.00 refund was made: {shown}"
        );
        // A Stripe error: one sentence, with the request id to quote to support.
        let missing = api(&base, &["orders", "show", "cs_test_doesnotexist"]);
        assert_eq!(missing.code, 1, "{}", missing.stderr);
        assert!(
            missing.stderr.contains("Stripe found no such object"),
            "{}",
            missing.stderr
        );
        assert!(
            missing.stderr.contains("request id req_"),
            "{}",
            missing.stderr
        );
        let missing_json = api(&base, &["orders", "show", "cs_test_doesnotexist", "--json"]);
        assert_eq!(missing_json.code, 1);
        let error = missing_json.json();
        assert!(
            error["error"]["request_id"]
                .as_str()
                .is_some_and(|id| id.starts_with("req_")),
            "{error}"
        );

        // Agreements with agents.
        let agreements = api(&base, &["agreements", "list", "--json"]).ok().json();
        let statuses: Vec<&str> = agreements
            .as_array()
            .expect("a JSON array of agreements")
            .iter()
            .filter_map(|a| a["status"].as_str())
            .collect();
        assert!(!statuses.is_empty());
        assert!(
            statuses.iter().all(|s| matches!(
                *s,
                "initiated" | "partially_confirmed" | "confirmed" | "terminated"
            )),
            "{statuses:?}"
        );
    });
    let result = flow.await;
    sandbox.shutdown().await;
    if let Err(e) = result {
        std::panic::resume_unwind(e.into_panic());
    }
}

#[test]
fn without_a_key_the_command_says_where_to_put_one() {
    let home = tempfile::tempdir().expect("temp dir");
    let run = run_with(&["orders", "list"], None, Some(home.path()));
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("STRIPE_API_KEY"), "{}", run.stderr);
    assert!(run.stderr.contains("--profile"), "{}", run.stderr);

    let json = run_with(&["orders", "list", "--json"], None, Some(home.path()));
    assert_eq!(json.code, 2);
    assert!(json.json()["error"]["message"].as_str().is_some());
}

#[test]
fn an_unknown_profile_is_named_in_the_error() {
    let home = tempfile::tempdir().expect("temp dir");
    let run = run_with(
        &["agreements", "list", "--profile", "Shop live"],
        Some(DEMO_KEY),
        Some(home.path()),
    );
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("There is no saved profile `Shop live`: no profile is saved yet"),
        "{}",
        run.stderr
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn output_into_a_closed_pipe_ends_quietly() {
    let sandbox = Sandbox::start(SandboxConfig::seeded(Seed::Demo))
        .await
        .expect("sandbox starts");
    let base = sandbox.base_url();
    let ended = tokio::task::spawn_blocking(move || {
        use std::io::Read as _;
        let mut child = Command::new(env!("CARGO_BIN_EXE_seller-console"))
            .args([
                "orders",
                "list",
                "--limit",
                "300",
                "--json",
                "--api-base",
                &base,
            ])
            .env("STRIPE_API_KEY", DEMO_KEY)
            .env_remove("STRIPE_API_BASE")
            .env_remove("SELLER_CONSOLE_PROFILE")
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("the binary starts");
        // Read a little, as `| head -c 100` would, and go away.
        let mut first = [0u8; 100];
        child
            .stdout
            .take()
            .expect("stdout")
            .read_exact(&mut first)
            .expect("some output");
        let out = child.wait_with_output().expect("the binary ends");
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    })
    .await
    .expect("the command ran");
    let (code, stderr) = ended;
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(code, Some(141), "{stderr}");
}

/// A well-formed test key the sandbox accepts, to be looked for where it must never be.
const CANARY_KEY: &str = "sk_test_CanaryLogKey9f3a7c1eDoNotLog";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_log_names_each_request_and_its_id_but_never_the_key() {
    let sandbox = Sandbox::start(SandboxConfig::seeded(Seed::Demo))
        .await
        .expect("sandbox starts");
    let base = sandbox.base_url();
    let logs = tempfile::tempdir().expect("temp dir");
    let log_dir = logs.path().to_path_buf();
    let (listed, missing) = tokio::task::spawn_blocking(move || {
        let run = |args: &[&str]| {
            let mut command = Command::new(env!("CARGO_BIN_EXE_seller-console"));
            command
                .args(args)
                .args(["--api-base", &base])
                .env("STRIPE_API_KEY", CANARY_KEY)
                .env(seller_console::logs::LOG_DIR_ENV, &log_dir)
                .env(
                    seller_console::payment_journal::DATA_DIR_ENV,
                    log_dir.join("data"),
                )
                .env_remove("STRIPE_API_BASE")
                .env_remove("SELLER_CONSOLE_PROFILE");
            command.output().expect("the binary runs")
        };
        (
            run(&["orders", "list", "--limit", "3", "--json", "--verbose"]),
            run(&["orders", "show", "cs_test_NoSuchSession"]),
        )
    })
    .await
    .expect("the commands ran");
    assert!(listed.status.success(), "{listed:?}");
    assert!(!missing.status.success());
    // The failed call's message carries Stripe's request id for support...
    let stderr = String::from_utf8_lossy(&missing.stderr);
    let id = stderr
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .find(|w| w.starts_with("req_"))
        .unwrap_or_else(|| panic!("no request id in: {stderr}"))
        .to_owned();
    // ...and the day's log file has both requests, the failed one by that id.
    let file = seller_console::logs::newest_file(logs.path()).expect("a log file");
    let log = std::fs::read_to_string(&file).expect("the log reads");
    assert!(
        log.lines().any(|l| l.contains("stripe request")
            && l.contains("path=\"/v1/checkout/sessions\"")
            && l.contains("status=200")),
        "{log}"
    );
    assert!(
        log.lines()
            .any(|l| l.contains(&format!("request_id=\"{id}\"")) && l.contains("status=404")),
        "{id} not in:\n{log}"
    );
    // --verbose printed the same lines on stderr.
    assert!(String::from_utf8_lossy(&listed.stderr).contains("stripe request"));
    // Never the key, whole or in part past its prefix.
    for text in [log.as_str(), &String::from_utf8_lossy(&listed.stderr)] {
        assert!(!text.contains(CANARY_KEY));
        assert!(!text.contains("CanaryLogKey"));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_platform_lists_and_searches_its_sellers_and_acts_as_one() {
    let sandbox = Sandbox::start(SandboxConfig::seeded(Seed::Demo))
        .await
        .expect("sandbox starts");
    let base = sandbox.base_url();
    tokio::task::spawn_blocking(move || {
        let all = api(&base, &["accounts", "list", "--json"]).ok().json();
        assert_eq!(all.as_array().map(Vec::len), Some(12), "{all}");
        let text = api(&base, &["accounts", "list", "--search", "TEA"])
            .ok()
            .stdout;
        assert_eq!(text.lines().count(), 1, "{text}");
        assert!(text.contains("Bluebell Tea Co."), "{text}");
        let granite = api(
            &base,
            &["accounts", "list", "--search", "granite", "--json"],
        )
        .ok()
        .json();
        let id = granite[0]["id"].as_str().unwrap().to_owned();
        let shown = api(&base, &["accounts", "show", &id]).ok().stdout;
        assert!(
            shown.contains("charges off: onboarding unfinished"),
            "{shown}"
        );
        // The seller's own orders, through the platform's key.
        let orders = api(&base, &["orders", "list", "--account", &id, "--json"])
            .ok()
            .json();
        assert!(!orders.as_array().unwrap().is_empty(), "{orders}");
        // An account that is not connected: a clear refusal, not a missing permission.
        let refused = api(
            &base,
            &["orders", "list", "--account", "acct_1NotConnected"],
        );
        assert_ne!(refused.code, 0);
        assert!(
            refused
                .stderr
                .contains("not one of your platform's connected accounts"),
            "{}",
            refused.stderr
        );
    })
    .await
    .unwrap();
    sandbox.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn push_all_sends_each_sellers_feed_blocks_only_the_bad_one_and_a_rerun_skips_the_rest() {
    let sandbox = Sandbox::start(SandboxConfig::seeded(Seed::Demo))
        .await
        .expect("sandbox starts");
    let base = sandbox.base_url();
    tokio::task::spawn_blocking(move || {
        let accounts = api(&base, &["accounts", "list", "--json"]).ok().json();
        let ids: Vec<String> = accounts
            .as_array()
            .unwrap()
            .iter()
            .take(3)
            .map(|a| a["id"].as_str().unwrap().to_owned())
            .collect();
        let dir = tempfile::tempdir().unwrap();
        let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/feed");
        for (i, id) in ids.iter().enumerate() {
            let folder = dir.path().join(id);
            std::fs::create_dir_all(&folder).unwrap();
            // The second seller's feed has errors; the others are clean.
            let fixture = if i == 1 {
                "product_fixable.csv"
            } else {
                "product_valid.csv"
            };
            std::fs::copy(fixtures.join(fixture), folder.join("product.csv")).unwrap();
        }
        let data = dir.path().join("data");
        let run = |args: &[&str]| {
            let mut command = Command::new(env!("CARGO_BIN_EXE_seller-console"));
            command
                .args(args)
                .args(["--api-base", &base])
                .env("STRIPE_API_KEY", DEMO_KEY)
                .env_remove("STRIPE_API_BASE")
                .env_remove("SELLER_CONSOLE_PROFILE")
                .env(seller_console::payment_journal::DATA_DIR_ENV, &data);
            let out = command.output().unwrap();
            (
                out.status.code().unwrap_or(-1),
                serde_json::from_slice::<Value>(&out.stdout).unwrap_or_else(|e| {
                    panic!(
                        "not JSON ({e}): {}\n{}",
                        String::from_utf8_lossy(&out.stdout),
                        String::from_utf8_lossy(&out.stderr)
                    )
                }),
            )
        };
        let folder = dir.path().to_string_lossy().into_owned();
        let (code, first) = run(&["push-all", &folder, "--wait", "--json"]);
        assert_eq!(
            code, 3,
            "one feed was held back by the validator, like push: {first}"
        );
        let outcome = |report: &Value, id: &str| {
            report["results"]
                .as_array()
                .unwrap()
                .iter()
                .find(|r| r["account"] == id)
                .unwrap()["outcome"]
                .as_str()
                .unwrap()
                .to_owned()
        };
        assert_eq!(outcome(&first, &ids[0]), "succeeded");
        assert_eq!(
            outcome(&first, &ids[1]),
            "invalid",
            "only that account is blocked"
        );
        assert_eq!(outcome(&first, &ids[2]), "succeeded");
        assert_eq!(first["summary"]["accounts"], 3);

        // Fix the bad feed and run again: the two already in are skipped, the fixed one goes.
        std::fs::copy(
            fixtures.join("product_valid.csv"),
            dir.path().join(&ids[1]).join("product.csv"),
        )
        .unwrap();
        let (code, second) = run(&["push-all", &folder, "--wait", "--json"]);
        assert_eq!(code, 0, "{second}");
        assert_eq!(outcome(&second, &ids[0]), "skipped");
        assert_eq!(outcome(&second, &ids[1]), "succeeded");
        assert_eq!(outcome(&second, &ids[2]), "skipped");
        assert_eq!(second["summary"]["skipped"], 2);

        // Each seller's import is its own, not the platform's.
        let imports = api(&base, &["imports", "list", "--account", &ids[1], "--json"])
            .ok()
            .json();
        let pushed = second["results"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["account"] == ids[1].as_str())
            .unwrap()["import"]
            .as_str()
            .unwrap()
            .to_owned();
        assert!(
            imports.to_string().contains(&pushed),
            "the import is on the seller's account: {imports}"
        );
    })
    .await
    .unwrap();
    sandbox.shutdown().await;
}

/// A paid, unrefunded agent order's PaymentIntent among `orders` (`orders list --json`).
fn paid_unrefunded(orders: &Value, destination: bool) -> String {
    orders
        .as_array()
        .unwrap()
        .iter()
        .map(|o| &o["payment_intent"])
        .find(|pi| {
            pi["status"] == "succeeded"
                && pi["latest_charge"]["amount_refunded"] == 0
                && pi["amount"].as_i64().unwrap_or(0) > 1_000
                && pi["transfer_data"].is_object() == destination
        })
        .and_then(|pi| pi["id"].as_str())
        .unwrap_or_else(|| panic!("a paid order (destination: {destination}) in {orders}"))
        .to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_destination_charge_refund_reverses_the_transfer_and_says_what_each_side_pays() {
    let sandbox = Sandbox::start(SandboxConfig::seeded(Seed::Demo))
        .await
        .expect("sandbox starts");
    let base = sandbox.base_url();
    let b = base.clone();
    let (destination, direct) = tokio::task::spawn_blocking(move || {
        let alder = api(&b, &["accounts", "list", "--search", "alder", "--json"])
            .ok()
            .json();
        let alder = alder[0]["id"].as_str().unwrap().to_owned();
        let listed = api(&b, &["orders", "list", "--seller", &alder, "--limit", "5"])
            .ok()
            .stdout;
        assert_eq!(listed.lines().count(), 5, "{listed}");
        assert!(
            listed
                .lines()
                .all(|l| l.ends_with(&format!("seller {alder}"))),
            "{listed}"
        );
        let theirs = api(
            &b,
            &[
                "orders", "list", "--seller", &alder, "--limit", "60", "--json",
            ],
        )
        .ok()
        .json();
        let destination = paid_unrefunded(&theirs, true);
        let all = api(&b, &["orders", "list", "--limit", "60", "--json"])
            .ok()
            .json();
        let direct = paid_unrefunded(&all, false);

        // Flags on a charge that pays no seller: refused before anything is sent.
        let refused = api(
            &b,
            &["refund", &direct, "--amount", "5.00", "--reverse-transfer"],
        );
        assert_eq!(refused.code, 3, "{}\n{}", refused.stdout, refused.stderr);
        assert!(
            refused.stderr.contains("apply only to destination charges"),
            "{}",
            refused.stderr
        );

        let done = api(
            &b,
            &[
                "refund",
                &destination,
                "--amount",
                "5.00",
                "--reverse-transfer",
                "--refund-application-fee",
            ],
        )
        .ok();
        for said in [
            "Reverse the transfer: $5.00 comes back from Alder & Ash Ceramics's balance",
            "Refund the application fee: $0.50 of the platform's",
            "Net: Alder & Ash Ceramics −$4.50, the platform −$0.50.",
        ] {
            assert!(done.stderr.contains(said), "{said}\n{}", done.stderr);
        }
        assert!(done.stdout.contains("succeeded"), "{}", done.stdout);
        (destination, direct)
    })
    .await
    .unwrap();

    let http = reqwest::Client::new();
    let read = |pi: String| {
        let request = http
            .get(format!(
                "{base}/v1/payment_intents/{pi}?expand[]=latest_charge.transfer&expand[]=latest_charge.application_fee"
            ))
            .bearer_auth(DEMO_KEY);
        async move { request.send().await.unwrap().json::<Value>().await.unwrap() }
    };
    let charge = read(destination).await["latest_charge"].clone();
    assert_eq!(charge["amount_refunded"], 500);
    assert_eq!(charge["transfer"]["amount_reversed"], 500, "{charge}");
    assert_eq!(charge["application_fee"]["amount_refunded"], 50, "{charge}");
    let untouched = read(direct).await["latest_charge"].clone();
    assert_eq!(
        untouched["amount_refunded"], 0,
        "the refused refund sent nothing"
    );
    sandbox.shutdown().await;
}
