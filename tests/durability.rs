//! Files the console writes survive kills, hostile paths are refused at once, and no key is
//! printed or sent in clear text: the built binary and the library, against the embedded
//! sandbox (through a proxy that can stall a download) and against processes killed with
//! SIGKILL at random points while they write.

mod support;

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use seller_console::feed::table::{Edit, Table};
use seller_console::sandbox::{DEMO_KEY, Sandbox, SandboxConfig, Seed};
use seller_console::stripe::RetryPolicy;
use seller_console::stripe::files::FilePurpose;
use seller_console::stripe::import_sets::StandardDataFormat;
use seller_console::worker::catalog::journal;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// Longest a command may take before the test calls it hung (a guard, not a measure).
const HANG: Duration = Duration::from_mins(1);

/// The binary with the key options cleared and the app's folders inside `home`.
fn binary(home: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_seller-console"));
    command
        .env_remove("STRIPE_API_KEY")
        .env_remove("STRIPE_API_BASE")
        .env_remove("SELLER_CONSOLE_PROFILE")
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_DATA_HOME", home.join("data"))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    command
}

/// What a finished run gave.
struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

/// Runs `command` to its end, killing it (and failing) if it hangs.
fn run(mut command: Command) -> Run {
    let mut child = command.spawn().expect("the binary starts");
    let started = Instant::now();
    loop {
        if child
            .try_wait()
            .expect("the child can be waited on")
            .is_some()
        {
            break;
        }
        if started.elapsed() > HANG {
            let _ = child.kill();
            let _ = child.wait();
            panic!("the command did not end within {HANG:?}");
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    let out = child.wait_with_output().expect("output");
    Run {
        code: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

// ---------------------------------------------------------------------------------------------
// Hostile paths for `validate`.

#[cfg(unix)]
#[test]
fn validate_refuses_a_device_a_fifo_and_a_file_over_the_limit_at_once() {
    let home = tempfile::tempdir().unwrap();
    let fifo = home.path().join("feed.csv");
    let made = Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(made.success());
    let huge = home.path().join("huge.csv");
    // Sparse: 4 GB and one byte, over the largest feed Stripe takes, without using the disk.
    std::fs::File::create(&huge)
        .unwrap()
        .set_len(seller_console::feed::io::MAX_FEED_BYTES + 1)
        .unwrap();
    for (path, said) in [
        (
            PathBuf::from("/dev/zero"),
            "is a device, not a regular file",
        ),
        (fifo, "is a named pipe (FIFO), not a regular file"),
        (home.path().to_path_buf(), "is a folder, not a regular file"),
        (huge, "largest feed Stripe's catalog imports take"),
    ] {
        let mut command = binary(home.path());
        command.arg("validate").arg(&path);
        let out = run(command);
        assert_eq!(out.code, Some(2), "{}: {}", path.display(), out.stderr);
        assert!(
            out.stderr.contains(said),
            "{}: {}",
            path.display(),
            out.stderr
        );
        assert!(out.stdout.is_empty(), "{}", out.stdout);
    }
}

#[cfg(unix)]
#[test]
fn push_refuses_a_device_with_the_same_sentence_before_it_sends_anything() {
    let home = tempfile::tempdir().unwrap();
    let mut command = binary(home.path());
    command
        .args(["push", "/dev/zero", "--feed", "product"])
        .env("STRIPE_API_KEY", seller_console::sandbox::DEMO_KEY)
        // Nothing listens here: a push that reached the network would fail differently.
        .args(["--api-base", "http://127.0.0.1:9"]);
    let out = run(command);
    assert_eq!(out.code, Some(2), "{}", out.stderr);
    assert!(
        out.stderr.contains("is a device, not a regular file"),
        "{}",
        out.stderr
    );
    assert!(!out.stderr.contains("Could not read"), "{}", out.stderr);
}

#[cfg(unix)]
#[test]
fn the_catalog_open_path_refuses_them_with_the_same_sentence() {
    let home = tempfile::tempdir().unwrap();
    let fifo = home.path().join("feed.csv");
    assert!(
        Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    let never = AtomicBool::new(false);
    // In a thread, so a regression hangs the thread and fails the test instead of hanging it.
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let zero = Table::open(Path::new("/dev/zero"), &never, |_, _| {}).map(|_| ());
        let pipe = Table::open(&fifo, &never, |_, _| {}).map(|_| ());
        let _ = tx.send((zero, pipe));
    });
    let (zero, pipe) = rx.recv_timeout(HANG).expect("opening did not hang");
    let zero = zero.unwrap_err().to_string();
    assert!(
        zero.contains("/dev/zero is a device, not a regular file"),
        "{zero}"
    );
    let pipe = pipe.unwrap_err().to_string();
    assert!(
        pipe.contains("is a named pipe (FIFO), not a regular file"),
        "{pipe}"
    );
}

// ---------------------------------------------------------------------------------------------
// A download killed midway.

/// A proxy in front of the sandbox that passes everything through, except that once a request
/// for file contents has gone by on a connection it forwards the answer's head and the first
/// bytes of its body, then stalls: a download frozen halfway, for as long as the test likes.
async fn stalling_proxy(upstream: String) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        loop {
            let Ok((client, _)) = listener.accept().await else {
                return;
            };
            let upstream = upstream.clone();
            tokio::spawn(async move {
                let Ok(server) = TcpStream::connect(&upstream).await else {
                    return;
                };
                let (mut client_read, mut client_write) = client.into_split();
                let (mut server_read, mut server_write) = server.into_split();
                let stall = Arc::new(AtomicBool::new(false));
                let seen = Arc::clone(&stall);
                tokio::spawn(async move {
                    let mut buf = vec![0u8; 16 * 1024];
                    while let Ok(n) = client_read.read(&mut buf).await {
                        if n == 0 {
                            return;
                        }
                        if String::from_utf8_lossy(&buf[..n]).contains("/contents") {
                            seen.store(true, Ordering::SeqCst);
                        }
                        if server_write.write_all(&buf[..n]).await.is_err() {
                            return;
                        }
                    }
                });
                let mut buf = vec![0u8; 16 * 1024];
                let mut head = Vec::new();
                while let Ok(n) = server_read.read(&mut buf).await {
                    if n == 0 {
                        return;
                    }
                    if !stall.load(Ordering::SeqCst) {
                        if client_write.write_all(&buf[..n]).await.is_err() {
                            return;
                        }
                        continue;
                    }
                    head.extend_from_slice(&buf[..n]);
                    if let Some(end) = head.windows(4).position(|w| w == b"\r\n\r\n") {
                        let upto = (end + 4 + 16).min(head.len());
                        let _ = client_write.write_all(&head[..upto]).await;
                        let _ = client_write.flush().await;
                        // Hold the connection open, sending nothing more.
                        tokio::time::sleep(Duration::from_hours(1)).await;
                        return;
                    }
                }
            });
        }
    });
    format!("http://{addr}")
}

/// An `ImportSet` whose error report has rows, made through the library.
async fn import_set_with_errors(sandbox: &Sandbox, dir: &Path) -> String {
    let client = support::sandbox_client(sandbox, RetryPolicy::default());
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/feed/product_valid.csv");
    let mut reader = csv::Reader::from_path(&src).unwrap();
    let headers = reader.headers().unwrap().clone();
    let availability = headers.iter().position(|h| h == "availability").unwrap();
    let path = dir.join("catalog.csv");
    let mut writer = csv::Writer::from_path(&path).unwrap();
    writer.write_record(&headers).unwrap();
    for rec in reader.records() {
        let mut fields: Vec<String> = rec.unwrap().iter().map(str::to_owned).collect();
        fields[availability] = "maybe".into();
        writer.write_record(&fields).unwrap();
    }
    writer.flush().unwrap();
    drop(writer);
    let file = client
        .upload_file(&path, &FilePurpose::DataManagementManualUpload, None)
        .await
        .unwrap();
    let mut set = client
        .create_import_set(&file.id, &StandardDataFormat::ProductCatalogFeed, None)
        .await
        .unwrap();
    for _ in 0..300 {
        if set.status.is_terminal() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
        set = client.retrieve_import_set(&set.id).await.unwrap();
    }
    assert!(set.error_file().is_some(), "{set:?}");
    set.id
}

/// `seller-console imports errors ID --out OUT --api-base BASE` with the sandbox's key.
fn imports_errors(home: &Path, id: &str, out: &Path, base: &str) -> Command {
    let mut c = binary(home);
    c.args(["imports", "errors", id, "--out"])
        .arg(out)
        .args(["--api-base", base])
        .env("STRIPE_API_KEY", DEMO_KEY);
    c
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_download_killed_midway_leaves_no_temporary_file_after_the_next_run() {
    let sandbox = Sandbox::start(SandboxConfig::seeded(Seed::Empty))
        .await
        .unwrap();
    let work = tempfile::tempdir().unwrap();
    let id = import_set_with_errors(&sandbox, work.path()).await;
    let direct = sandbox.base_url();
    let stalled = stalling_proxy(
        direct
            .trim_start_matches("http://")
            .trim_end_matches('/')
            .to_owned(),
    )
    .await;
    let home = tempfile::tempdir().unwrap();
    let out_dir = tempfile::tempdir().unwrap();
    tokio::task::spawn_blocking(move || {
        let out = out_dir.path().join("errors.csv");
        for _ in 0..2 {
            // The download starts, stalls halfway, and is killed there.
            let before = names(out_dir.path());
            let mut child = imports_errors(home.path(), &id, &out, &stalled)
                .spawn()
                .unwrap();
            let started = Instant::now();
            // Until a new file shows up (the one it writes into; it may also have swept the
            // one the last killed run left).
            while names(out_dir.path()).iter().all(|n| before.contains(n)) {
                assert!(started.elapsed() < HANG, "the download never started");
                assert!(child.try_wait().unwrap().is_none(), "the download ended");
                std::thread::sleep(Duration::from_millis(5));
            }
            child.kill().unwrap();
            child.wait().unwrap();
        }
        let left = names(out_dir.path());
        assert!(
            !left.is_empty() && !left.contains(&"errors.csv".to_owned()),
            "a killed download leaves only its temporary file: {left:?}"
        );

        // The next run completes the download and removes what the killed ones left.
        let done = run(imports_errors(home.path(), &id, &out, &direct));
        assert_eq!(done.code, Some(0), "{}", done.stderr);
        assert_eq!(names(out_dir.path()), ["errors.csv"]);
        let text = std::fs::read_to_string(&out).unwrap();
        assert!(text.starts_with("stripe_error_message"), "{text}");
    })
    .await
    .unwrap();
    sandbox.shutdown().await;
}

// ---------------------------------------------------------------------------------------------
// Writers killed with SIGKILL at random points.

/// Set in the child process this file re-executes: what it writes, and where.
const CHILD_ENV: &str = "SELLER_CONSOLE_DURABILITY_CHILD";

const CATALOG: &str =
    "id,title,availability\nA-1,Tee,in_stock\nB-2,Mug,in_stock\nC-3,Cap,in_stock\n";

/// The catalog version `n` that the save child writes: every row says `v{n}`, and the last
/// line closes the file, so a torn or mixed file is seen at once.
fn catalog_version(n: u64) -> String {
    use std::fmt::Write as _;
    let mut s = String::from("id,title,version\n");
    for row in 0..20_000 {
        let _ = writeln!(s, "ROW-{row},Item {row},v{n}");
    }
    let _ = writeln!(s, "END,end of file,v{n}");
    s
}

/// Which version a saved catalog is, checking it is whole.
fn version_of(text: &str) -> u64 {
    let mut version = None;
    let mut rows = 0;
    let mut ended = false;
    for (i, line) in text.lines().enumerate() {
        if i == 0 {
            assert_eq!(line, "id,title,version");
            continue;
        }
        assert!(!ended, "a line after the end");
        let v = line.rsplit_once(",v").expect("a version column").1;
        let v: u64 = v.parse().expect("a version number");
        assert!(*version.get_or_insert(v) == v, "rows of two versions");
        if line.starts_with("END,") {
            ended = true;
        } else {
            rows += 1;
        }
    }
    assert!(ended && rows == 20_000, "a torn file: {rows} rows");
    version.expect("a version")
}

/// The child's side: writes forever, printing `ack N` once write `N` has returned.
fn child_main(task: &str, dir: &Path) -> ! {
    let mut out = std::io::stdout().lock();
    match task {
        "journal" => {
            let path = dir.join("catalog.csv");
            let mut table = Table::from_bytes(CATALOG.as_bytes().to_vec());
            for k in 0.. {
                table.set_cell(k % 3, 1, format!("v{k}")).unwrap();
                journal::write(dir, &path, table.journal()).unwrap();
                writeln!(out, "ack {}", table.journal().len()).unwrap();
                out.flush().unwrap();
            }
        }
        "save" => {
            let path = dir.join("catalog.csv");
            let on_disk = std::fs::read_to_string(&path).map_or(0, |t| version_of(&t));
            for n in on_disk + 1.. {
                seller_console::feed::io::write_atomic(&path, catalog_version(n).as_bytes())
                    .unwrap();
                writeln!(out, "ack {n}").unwrap();
                out.flush().unwrap();
            }
        }
        other => panic!("unknown child task {other}"),
    }
    unreachable!("the loops above never end")
}

/// Entry point of the re-executed test binary; does nothing in a normal test run.
#[test]
fn durability_child() {
    if let Ok(spec) = std::env::var(CHILD_ENV) {
        let (task, dir) = spec.split_once(':').expect("TASK:DIR");
        child_main(task, Path::new(dir));
    }
}

/// Starts the child writing `task` into `dir`, kills it with SIGKILL after a random moment,
/// and returns the last write it acknowledged (0 for none).
fn kill_a_writer(task: &str, dir: &Path) -> u64 {
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "durability_child",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(CHILD_ENV, format!("{task}:{}", dir.display()))
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut last = 0;
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            // The test harness may start the first line ("test durability_child ... ").
            if let Some(at) = line.rfind("ack ") {
                last = line[at + 4..].trim().parse().unwrap();
            }
        }
        last
    });
    std::thread::sleep(Duration::from_millis(rand::random_range(5..250)));
    child.kill().unwrap();
    child.wait().unwrap();
    reader.join().unwrap()
}

#[cfg(target_os = "linux")]
#[test]
fn the_edit_journal_survives_kills_and_holds_every_acknowledged_edit() {
    let data = tempfile::tempdir().unwrap();
    let catalog = data.path().join("catalog.csv");
    for round in 0..25 {
        // Each child journals a fresh session from its first edit.
        journal::clear(data.path(), &catalog).unwrap();
        let acked = kill_a_writer("journal", data.path());
        let Some(found) = journal::read(data.path(), &catalog) else {
            assert_eq!(
                acked, 0,
                "round {round}: {acked} edits acknowledged, no journal"
            );
            continue;
        };
        let n = found.edits.len() as u64;
        assert!(
            n >= acked && n <= acked + 1,
            "round {round}: {n} edits journalled, {acked} acknowledged"
        );
        for (k, edit) in found.edits.iter().enumerate() {
            let expected = Edit::SetCell {
                row: k % 3,
                col: 1,
                value: format!("v{k}"),
            };
            assert_eq!(*edit, expected, "round {round}");
        }
        // The journal replays onto the file it was written for.
        let mut table = Table::from_bytes(CATALOG.as_bytes().to_vec());
        for edit in found.edits {
            table.apply(edit).unwrap();
        }
    }
    // The next start lists the journal and clears what the killed writes left.
    assert!(journal::pending(data.path()).len() <= 1);
    let left: Vec<String> = names(&journal::dir_in(data.path()))
        .into_iter()
        .filter(|n| n.starts_with('.') || Path::new(n).extension().is_none_or(|x| x != "json"))
        .collect();
    assert!(left.is_empty(), "left behind: {left:?}");
}

#[cfg(target_os = "linux")]
#[test]
fn a_catalog_save_killed_at_any_point_leaves_the_old_file_or_the_new_one() {
    let dir = tempfile::tempdir().unwrap();
    let catalog = dir.path().join("catalog.csv");
    let mut before = 0;
    for round in 0..25 {
        // The child goes on from the version on disk.
        let acked = kill_a_writer("save", dir.path()).max(before);
        let Ok(text) = std::fs::read_to_string(&catalog) else {
            assert_eq!(acked, 0, "round {round}: a save acknowledged, no file");
            continue;
        };
        let v = version_of(&text);
        assert!(
            v >= acked && v <= acked + 1,
            "round {round}: version {v} on disk, {acked} acknowledged"
        );
        if let Ok(bak) = std::fs::read_to_string(dir.path().join("catalog.csv.bak")) {
            assert!(version_of(&bak) <= v, "round {round}");
        }
        before = v;
    }
    // The next save clears what the killed ones left.
    seller_console::feed::io::write_atomic(&catalog, catalog_version(0).as_bytes()).unwrap();
    assert_eq!(names(dir.path()), ["catalog.csv", "catalog.csv.bak"]);
}

// ---------------------------------------------------------------------------------------------
// Keys: never printed, never sent in clear text.

/// A key of an odd but accepted shape, its parts recognisable if any of them is printed.
const CANARY_KEY: &str = "sk_test_CANARYa1-9f8e.7d6c+5b4a/3210~zz";
const CANARY_PARTS: [&str; 4] = ["CANARY", "9f8e", "7d6c", "5b4a"];

/// A server that refuses every request with a 400 echoing the key it was sent in every field
/// it can: the message, the code, the parameter, the doc URL and the request id.
async fn echoing_server() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        loop {
            let Ok((mut socket, _)) = listener.accept().await else {
                return;
            };
            tokio::spawn(async move {
                let mut request = Vec::new();
                let mut buf = [0u8; 4096];
                while !request.windows(4).any(|w| w == b"\r\n\r\n") {
                    match socket.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => request.extend_from_slice(&buf[..n]),
                    }
                }
                let text = String::from_utf8_lossy(&request);
                let key = text
                    .lines()
                    .find_map(|l| {
                        l.to_ascii_lowercase()
                            .starts_with("authorization:")
                            .then(|| l.split_whitespace().last().unwrap_or_default().to_owned())
                    })
                    .unwrap_or_default();
                let body = serde_json::json!({"error": {
                    "type": "invalid_request_error",
                    "message": format!("Invalid API Key provided: {key}"),
                    "code": format!("bad_key_{key}"),
                    "param": key,
                    "doc_url": format!("https://stripe.com/docs/{key}"),
                }})
                .to_string();
                let answer = format!(
                    "HTTP/1.1 400 Bad Request\r\ncontent-type: application/json\r\n\
                     request-id: req_{key}\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = socket.write_all(answer.as_bytes()).await;
                let _ = socket.shutdown().await;
            });
        }
    });
    format!("http://{addr}")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_key_echoed_back_by_the_server_is_never_printed() {
    let base = echoing_server().await;
    let home = tempfile::tempdir().unwrap();
    let home_path = home.path().to_path_buf();
    tokio::task::spawn_blocking(move || {
        for json in [false, true] {
            let mut c = binary(&home_path);
            c.args(["orders", "list", "--api-base", &base])
                .env("STRIPE_API_KEY", CANARY_KEY);
            if json {
                c.arg("--json");
            }
            let out = run(c);
            assert_ne!(out.code, Some(0));
            let all = format!("{}{}", out.stdout, out.stderr);
            assert!(all.contains("req_"), "the request id is still shown: {all}");
            for part in CANARY_PARTS {
                assert!(!all.contains(part), "`{part}` was printed: {all}");
            }
        }
    })
    .await
    .unwrap();
}

#[test]
fn plain_http_to_another_machine_is_refused_before_anything_is_sent() {
    let home = tempfile::tempdir().unwrap();
    for base in [
        "http://192.0.2.10:12111",
        "http://api.example.com",
        "http://[2001:db8::1]",
    ] {
        let mut by_flag = binary(home.path());
        by_flag
            .args(["orders", "list", "--api-base", base])
            .env("STRIPE_API_KEY", DEMO_KEY);
        let mut by_env = binary(home.path());
        by_env
            .args(["orders", "list"])
            .env("STRIPE_API_KEY", DEMO_KEY)
            .env("STRIPE_API_BASE", base);
        for command in [by_flag, by_env] {
            let out = run(command);
            assert_eq!(out.code, Some(2), "{base}: {}", out.stderr);
            assert!(
                out.stderr.contains("plain http") && out.stderr.contains("Use https://"),
                "{base}: {}",
                out.stderr
            );
        }
    }
}

#[tokio::test]
async fn a_profile_with_a_plain_http_address_elsewhere_is_refused() {
    let err = seller_console::worker::session::check_key("http://10.1.2.3:12111", DEMO_KEY, None)
        .await
        .unwrap_err();
    assert!(err.contains("plain http"), "{err}");
    // This machine is fine: the sandbox answers there.
    let sandbox = Sandbox::start(SandboxConfig::seeded(Seed::Demo))
        .await
        .unwrap();
    let base = sandbox.base_url().replace("127.0.0.1", "localhost");
    assert!(
        seller_console::worker::session::check_key(&base, DEMO_KEY, None)
            .await
            .is_ok()
    );
    sandbox.shutdown().await;
}

#[cfg(target_os = "linux")]
#[test]
fn the_command_line_sweeps_the_app_folders_at_start() {
    let home = tempfile::tempdir().unwrap();
    let data = home.path().join("data").join("seller-console");
    let journals = data.join("journals");
    std::fs::create_dir_all(&journals).unwrap();
    // Left by a writer that is gone (no process has this id).
    let dead = ".pushes.jsonl.sc-tmp-4000000000-0badf00d";
    std::fs::write(data.join(dead), b"half").unwrap();
    std::fs::write(journals.join(format!(".x.json{}", &dead[13..])), b"half").unwrap();
    std::fs::write(data.join("pushes.jsonl"), b"").unwrap();
    let feed = home.path().join("feed.csv");
    std::fs::write(&feed, CATALOG).unwrap();
    let mut c = binary(home.path());
    c.arg("validate").arg(&feed);
    let out = run(c);
    assert!(out.code.is_some(), "{}", out.stderr);
    assert_eq!(names(&data), ["journals", "pushes.jsonl"]);
    assert!(names(&journals).is_empty());
}
