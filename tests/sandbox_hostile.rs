//! The embedded sandbox refuses what Stripe refuses and survives what a hostile client sends:
//! deeply nested parameters, thousands of accounts, several files in one upload, rejected
//! uploads, a kill. The app runs it in-process, so any crash here would take the app down.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use reqwest::{Client, StatusCode};
use seller_console::sandbox::{DEMO_KEY, Sandbox, SandboxConfig, Seed};
use serde_json::Value;

async fn start() -> Sandbox {
    Sandbox::start(SandboxConfig::seeded(Seed::Demo))
        .await
        .unwrap()
}

async fn get(client: &Client, url: &str) -> (StatusCode, Value) {
    let resp = client
        .get(url)
        .basic_auth(DEMO_KEY, Some(""))
        .send()
        .await
        .unwrap();
    let status = resp.status();
    (status, resp.json().await.unwrap_or(Value::Null))
}

/// Sends `GET target` over a plain TCP connection and returns the answer's status line.
async fn raw_get(addr: std::net::SocketAddr, target: &str) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let request = format!(
        "GET {target} HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {DEMO_KEY}\r\n\
         Connection: close\r\n\r\n"
    );
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).await.unwrap();
    let answer = String::from_utf8_lossy(&answer);
    answer.lines().next().unwrap_or_default().to_owned()
}

/// The files in the sandbox's data folder.
fn blobs(dir: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ten_thousand_nested_brackets_get_a_400_and_the_sandbox_answers_the_next_request() {
    let sandbox = start().await;
    let base = sandbox.base_url();
    let client = Client::new();

    let body = format!("metadata{}=1", "[b]".repeat(10_000));
    let resp = client
        .post(format!("{base}/v1/refunds"))
        .basic_auth(DEMO_KEY, Some(""))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    let error: Value = resp.json().await.unwrap();
    assert_eq!(error["error"]["type"], "invalid_request_error");
    let message = error["error"]["message"].as_str().unwrap();
    assert!(message.contains("deeper than"), "{message}");

    // The query goes over a raw connection: an HTTP client would percent-encode each bracket
    // and pass the 64 KB a request target may hold.
    let target = format!("/v1/checkout/sessions?a{}=1", "[b]".repeat(10_000));
    let status_line = raw_get(sandbox.addr(), &target).await;
    assert!(status_line.starts_with("HTTP/1.1 400"), "{status_line}");

    let (status, list) = get(&client, &format!("{base}/v1/checkout/sessions?limit=1")).await;
    assert_eq!(status, StatusCode::OK, "the sandbox died: {list}");
    assert_eq!(list["data"].as_array().map(Vec::len), Some(1));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reads_of_thousands_of_accounts_keep_nothing() {
    let sandbox = start().await;
    let base = sandbox.base_url();
    let client = Client::new();
    let before = sandbox.accounts_held();
    for n in 0..3_000 {
        let resp = client
            .get(format!("{base}/v1/checkout/sessions?limit=1"))
            .basic_auth(DEMO_KEY, Some(""))
            .header("stripe-account", format!("acct_hostile{n:06}"))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), StatusCode::FORBIDDEN);
        let body: Value = resp.json().await.unwrap();
        assert_eq!(
            body["error"]["code"], "account_invalid",
            "an account that is not connected is refused"
        );
    }
    assert_eq!(
        sandbox.accounts_held(),
        before,
        "reads created account state"
    );
}

fn upload_form(parts: usize, purpose: &str) -> reqwest::multipart::Form {
    let mut form = reqwest::multipart::Form::new().text("purpose", purpose.to_owned());
    for n in 0..parts {
        let part = reqwest::multipart::Part::bytes(format!("id,title\nA{n},Shoe\n").into_bytes())
            .file_name(format!("feed{n}.csv"))
            .mime_str("text/csv")
            .unwrap();
        form = form.part("file", part);
    }
    form
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_upload_takes_one_file_and_a_refused_upload_leaves_nothing_on_disk() {
    let sandbox = start().await;
    let base = sandbox.base_url();
    let client = Client::new();
    let dir = sandbox.data_dir().to_path_buf();
    let kept_before = blobs(&dir).len();

    let post = |form| {
        client
            .post(format!("{base}/v1/files"))
            .basic_auth(DEMO_KEY, Some(""))
            .multipart(form)
            .send()
    };
    let resp = post(upload_form(3, "data_management_manual_upload"))
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    let error: Value = resp.json().await.unwrap();
    assert_eq!(error["error"]["param"], "file", "{error}");
    assert!(
        error["error"]["message"]
            .as_str()
            .unwrap()
            .contains("one file"),
        "{error}"
    );
    let resp = post(upload_form(1, "not_a_purpose")).await.unwrap();
    assert_eq!(resp.status(), StatusCode::BAD_REQUEST);
    assert_eq!(
        blobs(&dir).len(),
        kept_before,
        "refused uploads left files behind: {:?}",
        blobs(&dir)
    );

    let resp = post(upload_form(1, "data_management_manual_upload"))
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(
        blobs(&dir).len(),
        kept_before + 1,
        "an accepted upload is kept"
    );
}

#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_data_folder_and_its_files_are_private() {
    use std::os::unix::fs::PermissionsExt;
    let sandbox = start().await;
    let client = Client::new();
    let resp = client
        .post(format!("{}/v1/files", sandbox.base_url()))
        .basic_auth(DEMO_KEY, Some(""))
        .multipart(upload_form(1, "data_management_manual_upload"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let dir = sandbox.data_dir();
    let mode = std::fs::metadata(dir).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o700, "data folder is {mode:o}");
    let files = blobs(dir);
    assert!(!files.is_empty());
    for file in files {
        let mode = std::fs::metadata(&file).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "{} is {mode:o}", file.display());
    }
}

/// Starts `seller-console sandbox --port 0` with its temporary folder in `tmp`, and waits
/// until it listens.
fn spawn_sandbox(tmp: &Path) -> Child {
    let mut child = Command::new(env!("CARGO_BIN_EXE_seller-console"))
        .args(["sandbox", "--port", "0"])
        .env("TMPDIR", tmp)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut out = std::io::BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    let deadline = Instant::now() + Duration::from_mins(1);
    while !line.contains("listening") {
        line.clear();
        assert!(Instant::now() < deadline, "the sandbox did not start");
        let read = std::io::BufRead::read_line(&mut out, &mut line).unwrap();
        assert!(read > 0, "the sandbox exited before listening");
    }
    // Keep reading its output so it never blocks on a full pipe.
    std::thread::spawn(move || std::io::copy(&mut out, &mut std::io::sink()));
    child
}

fn sandbox_folders(tmp: &Path) -> Vec<String> {
    std::fs::read_dir(tmp)
        .unwrap()
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n.starts_with("seller-console-sandbox-"))
        .collect()
}

fn wait_for_exit(child: &mut Child) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while child.try_wait().unwrap().is_none() {
        assert!(Instant::now() < deadline, "the sandbox did not stop");
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[cfg(unix)]
#[test]
fn the_data_folder_goes_on_sigterm_and_after_a_kill_at_the_next_start() {
    let tmp = tempfile::tempdir().unwrap();

    let mut child = spawn_sandbox(tmp.path());
    assert_eq!(sandbox_folders(tmp.path()).len(), 1);
    let term = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(term.success());
    wait_for_exit(&mut child);
    assert_eq!(
        sandbox_folders(tmp.path()),
        Vec::<String>::new(),
        "SIGTERM left the folder"
    );

    let mut killed = spawn_sandbox(tmp.path());
    killed.kill().unwrap();
    wait_for_exit(&mut killed);
    let left = sandbox_folders(tmp.path());
    assert_eq!(left.len(), 1, "SIGKILL cannot clean up: {left:?}");

    let mut next = spawn_sandbox(tmp.path());
    let now = sandbox_folders(tmp.path());
    assert_eq!(now.len(), 1, "{now:?}");
    assert!(
        !now.contains(&left[0]),
        "the killed sandbox's folder is still there"
    );
    next.kill().unwrap();
    wait_for_exit(&mut next);
}
