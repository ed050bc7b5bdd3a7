//! `seller-console sync` end to end against the embedded sandbox: the first round sends the
//! whole product feed; after a price and a stock change the next round sends a price feed and
//! an inventory feed of just those rows; a change within 15 minutes waits; a file with errors
//! sends nothing; every push is in the history the app reads.

use std::path::Path;
use std::process::Command;

use seller_console::sandbox::{DEMO_KEY, Sandbox, SandboxConfig, Seed};
use serde_json::Value;

fn sync(base: &str, data: &Path, args: &[&str]) -> (i32, Value, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_seller-console"))
        .arg("sync")
        .args(args)
        .args(["--once", "--json", "--api-base", base])
        .env("STRIPE_API_KEY", DEMO_KEY)
        .env(seller_console::payment_journal::DATA_DIR_ENV, data)
        .env(seller_console::logs::LOG_DIR_ENV, data.join("logs"))
        .env_remove("STRIPE_API_BASE")
        .env_remove("SELLER_CONSOLE_PROFILE")
        .output()
        .expect("the binary runs");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let json = serde_json::from_str(&stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {stdout}\nstderr: {stderr}"));
    (out.status.code().unwrap_or(-1), json, stderr)
}

fn pushed(round: &Value) -> Vec<(String, u64)> {
    round[0]["pushed"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|p| {
                    (
                        p["feed"].as_str().unwrap_or_default().to_owned(),
                        p["rows"].as_u64().unwrap_or(0),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sync_sends_the_whole_feed_once_then_only_the_changed_rows() {
    let sandbox = Sandbox::start(SandboxConfig::seeded(Seed::Demo))
        .await
        .expect("sandbox starts");
    let base = sandbox.base_url();
    let done = tokio::task::spawn_blocking(move || {
        let dir = tempfile::tempdir().expect("temp dir");
        let data = dir.path().join("data");
        let catalog = dir.path().join("catalog.csv");
        let fixture = std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/feed/product_valid.csv"),
        )
        .expect("fixture");
        std::fs::write(&catalog, &fixture).expect("catalog written");
        let file = catalog.to_string_lossy().into_owned();

        // First round: never pushed from here, so the whole product feed goes.
        let (code, first, stderr) = sync(&base, &data, &[&file]);
        assert_eq!(code, 0, "{first}\n{stderr}");
        assert_eq!(pushed(&first), vec![("product".to_owned(), 5)], "{first}");
        // The round sent its own copy of the file and did not keep it.
        let kept: Vec<_> = walkdir(&data)
            .into_iter()
            .filter(|p| p.ends_with("catalog.csv"))
            .collect();
        assert!(
            kept.is_empty(),
            "a copy of the catalog was left in {kept:?}"
        );

        // Nothing changed: nothing goes.
        let (code, idle, _) = sync(&base, &data, &[&file]);
        assert_eq!(code, 0);
        assert!(pushed(&idle).is_empty(), "{idle}");

        // One stock level and one price change.
        let edited = fixture
            .replacen(
                ",false,42,32.00 USD,24.00 USD,",
                ",false,40,32.00 USD,24.00 USD,",
                1,
            )
            .replacen(",false,0,32.00 USD,,,", ",false,0,30.00 USD,,,", 1);
        assert_ne!(edited, fixture);
        std::fs::write(&catalog, &edited).expect("catalog edited");
        let (code, second, stderr) = sync(&base, &data, &[&file]);
        assert_eq!(code, 0, "{second}\n{stderr}");
        assert_eq!(second[0]["changed_inventory"], 1, "{second}");
        assert_eq!(second[0]["changed_price"], 1, "{second}");
        assert_eq!(
            pushed(&second),
            vec![("inventory".to_owned(), 1), ("pricing".to_owned(), 1)],
            "{second}"
        );

        // Another price change within 15 minutes waits for the cadence.
        let again = edited.replacen(",false,0,30.00 USD,,,", ",false,0,29.00 USD,,,", 1);
        std::fs::write(&catalog, &again).expect("catalog edited again");
        let (code, third, _) = sync(&base, &data, &[&file]);
        assert_eq!(code, 0);
        assert!(pushed(&third).is_empty(), "{third}");
        assert!(
            third[0]["waiting"][0]
                .as_str()
                .is_some_and(|w| w.contains("15-minute")),
            "{third}"
        );
        assert!(third[0]["next_push_at"].is_string());

        // A file with errors sends nothing, and the command says so with its exit code.
        std::fs::write(&catalog, again.replacen("32.00 USD", "thirty dollars", 1)).expect("broken");
        let (code, broken, _) = sync(&base, &data, &[&file]);
        assert_ne!(code, 0);
        assert!(
            broken[0]["error"]
                .as_str()
                .is_some_and(|e| e.contains("validation errors")),
            "{broken}"
        );

        // Every push is in the history the app's Imports view reads (newest first).
        let history =
            seller_console::push_history::load(&seller_console::push_history::path_in(&data))
                .expect("history");
        let kinds: Vec<&str> = history.iter().map(|r| r.feed_kind.as_str()).collect();
        assert_eq!(kinds, vec!["pricing", "inventory", "product"]);
    })
    .await;
    done.expect("the rounds ran");
}

fn walkdir(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(walkdir(&p));
        } else {
            out.push(p);
        }
    }
    out
}
