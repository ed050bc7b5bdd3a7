//! Client benchmarks, printed as rows of the ratio table (`cargo bench --bench client_bench`):
//!
//! - uploading a 200 MB catalog (`CLIENT_BENCH_MB` for less) streams it: resident memory
//!   above the baseline stays small. Floor: the same file's bytes written over a loopback
//!   socket to a receiver that reads and drops them. Three runs each, taking turns; best of each.
//! - pushing a 1 GB catalog through a v2 import (`CLIENT_BENCH_V2_MB` for another size): the
//!   import is created, then the file streams to its upload URL. Memory flat: the peak above
//!   the baseline for the whole file against the same for a tenth of it. Floor for the time:
//!   the loopback socket as above.
//! - listing 10,000 orders (`CLIENT_BENCH_ORDERS`) from the sandbox, 100 per page, with
//!   expansions. Floor: the same number of requests for one fixed page (the first, same query
//!   and headers), one after another, bodies read but not parsed: what the sandbox and HTTP
//!   cost before the client pages, parses and checks.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::extract::Request;
use futures_util::{StreamExt, TryStreamExt};
use seller_console::sandbox::{DEMO_KEY, Sandbox, SandboxConfig, Seed};
use seller_console::stripe::files::{FilePurpose, MAX_UPLOAD_BYTES};
use seller_console::stripe::orders::OrderQuery;
use seller_console::stripe::{ApiKey, Client, Config};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

mod common;

const BENCH: &str = "client_bench";
const RUNS: usize = 3;

/// A server that reads every upload to the end, keeps nothing, and answers like Stripe.
async fn sink() -> String {
    async fn handle(req: Request) -> axum::response::Response {
        let mut body = req.into_body().into_data_stream();
        let mut n = 0u64;
        while let Some(chunk) = body.next().await {
            match chunk {
                Ok(c) => n += c.len() as u64,
                Err(_) => break,
            }
        }
        axum::response::Response::builder()
            .header("content-type", "application/json")
            .body(Body::from(format!(
                r#"{{"id":"file_bench","purpose":"data_management_manual_upload","size":{n}}}"#
            )))
            .unwrap_or_default()
    }
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move {
        let _ = axum::serve(listener, axum::Router::new().fallback(handle)).await;
    });
    format!("http://{addr}")
}

fn client(base: &str) -> Client {
    let config = Config::new(ApiKey::new(DEMO_KEY).expect("demo key"))
        .with_base_url(base)
        .expect("base url");
    Client::new(config).expect("client")
}

/// Reads an upload to the end and keeps nothing.
async fn drain(req: Request) -> &'static str {
    let mut body = req.into_body().into_data_stream();
    while let Some(chunk) = body.next().await {
        if chunk.is_err() {
            break;
        }
    }
    "{}"
}

/// A server that answers a v2 import's creation with an upload URL on itself and reads the
/// file PUT there to the end, keeping nothing.
async fn v2_sink() -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    let base = format!("http://{addr}");
    let upload_url = format!("{base}/upload/pcimprt_bench");
    let create = move || {
        let body = serde_json::json!({
            "id": "pcimprt_bench", "object": "v2.commerce.product_catalog_import",
            "created": "2026-12-07T10:00:00Z", "feed_type": "product", "livemode": false,
            "metadata": {}, "mode": "upsert", "status": "awaiting_upload",
            "status_details": { "awaiting_upload": { "upload_url": { "url": upload_url } } },
        });
        async move { axum::Json(body) }
    };
    let app = axum::Router::new()
        .route(
            "/v2/commerce/product_catalog/imports",
            axum::routing::post(create),
        )
        .route("/upload/{id}", axum::routing::put(drain));
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    base
}

/// Samples resident memory every 5 ms while `work` runs; gives its result, time and the peak
/// above the baseline.
async fn with_peak<T>(work: impl std::future::Future<Output = T>) -> (T, Duration, u64) {
    let baseline = common::rss();
    let peak = Arc::new(AtomicU64::new(baseline));
    let stop = Arc::new(AtomicBool::new(false));
    let sampler = {
        let (peak, stop) = (peak.clone(), stop.clone());
        std::thread::spawn(move || {
            while !stop.load(Ordering::Relaxed) {
                peak.fetch_max(common::rss(), Ordering::Relaxed);
                std::thread::sleep(Duration::from_millis(5));
            }
        })
    };
    let start = Instant::now();
    let out = work.await;
    let took = start.elapsed();
    stop.store(true, Ordering::Relaxed);
    let _ = sampler.join();
    (
        out,
        took,
        peak.load(Ordering::Relaxed).saturating_sub(baseline),
    )
}

async fn bench_v2_push() {
    use seller_console::stripe::catalog_imports::{FeedType, ImportMode};
    use seller_console::stripe::push::PushVia;
    let dir = tempfile::tempdir().expect("temp dir");
    let mb: u64 = common::env_num("CLIENT_BENCH_V2_MB", 1024);
    let big = catalog_file(dir.path(), "big.csv", mb * 1024 * 1024);
    let small = catalog_file(
        dir.path(),
        "small.csv",
        (mb * 1024 * 1024 / 10).max(64 * 1024),
    );
    let base = v2_sink().await;
    let client = client(&base);
    let via = PushVia::CatalogImport {
        feed: FeedType::Product,
        mode: ImportMode::Upsert,
    };
    let push = |path: std::path::PathBuf| {
        let (client, via) = (&client, &via);
        async move { client.push_feed(&path, via, None).await.expect("v2 push") }
    };
    let (_, _, small_peak) = with_peak(push(small.clone())).await;
    let (pushed, took, big_peak) = with_peak(push(big.clone())).await;
    assert_eq!(pushed.import, "pcimprt_bench");
    let size = std::fs::metadata(&big).expect("meta").len();
    let floor = loopback_once(&big, size).await;
    let size_mb = size as f64 / 1_048_576.0;
    common::figure(
        BENCH,
        &format!("v2 push of {size_mb:.0} MB (create + streamed PUT) ÷ loopback socket"),
        "s",
        took.as_secs_f64(),
        floor.as_secs_f64(),
        None,
    );
    // Flat: the whole file costs no more memory than a tenth of it (below 1 MB, resident
    // memory is noise, so the tenth counts as at least 1 MB).
    common::figure(
        BENCH,
        &format!(
            "v2 push peak memory over baseline, {size_mb:.0} MB ÷ {:.0} MB (at least 1 MB)",
            size_mb / 10.0
        ),
        "MB",
        big_peak as f64 / 1_048_576.0,
        small_peak.max(1 << 20) as f64 / 1_048_576.0,
        Some(1.5),
    );
}

/// Writes a catalog of about `bytes` bytes as `name` in `dir`; returns its path.
fn catalog_file(dir: &std::path::Path, name: &str, bytes: u64) -> std::path::PathBuf {
    use std::io::Write;
    let path = dir.join(name);
    let mut f = std::io::BufWriter::new(std::fs::File::create(&path).expect("create"));
    let row = b"SKU-000000,Stoneware mug,https://shop.example.com/p/mug,in_stock,12.50 USD\n";
    let mut written = 0u64;
    while written + row.len() as u64 <= bytes {
        f.write_all(row).expect("write");
        written += row.len() as u64;
    }
    f.flush().expect("flush");
    path
}

/// Writes a catalog of about `bytes` bytes (at most the upload limit); returns its path.
fn upload_file(dir: &std::path::Path, bytes: u64) -> std::path::PathBuf {
    catalog_file(dir, "catalog.csv", bytes.min(MAX_UPLOAD_BYTES))
}

/// One upload through the client to the sink; returns its time and the peak memory above
/// the baseline.
async fn upload_once(client: &Client, path: &std::path::Path, size: u64) -> (Duration, u64) {
    let (file, took, extra) =
        with_peak(client.upload_file(path, &FilePurpose::DataManagementManualUpload, None)).await;
    let file = file.expect("upload");
    assert!(file.size >= size, "the sink saw the whole file");
    (took, extra)
}

/// The floor: the file's bytes over a loopback socket to a receiver that reads and drops
/// them, read from the file in 64 KB pieces as the upload reads it.
async fn loopback_once(path: &std::path::Path, size: u64) -> Duration {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    let receiver = tokio::spawn(async move {
        let (mut sock, _) = listener.accept().await.expect("accept");
        let mut buf = vec![0u8; 64 * 1024];
        let mut n = 0u64;
        loop {
            match sock.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(k) => n += k as u64,
            }
        }
        n
    });
    let start = Instant::now();
    let mut sock = tokio::net::TcpStream::connect(addr).await.expect("connect");
    let mut file = tokio::fs::File::open(path).await.expect("open");
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let k = file.read(&mut buf).await.expect("read");
        if k == 0 {
            break;
        }
        sock.write_all(&buf[..k]).await.expect("write");
    }
    sock.shutdown().await.expect("shutdown");
    let got = receiver.await.expect("receiver");
    let took = start.elapsed();
    assert_eq!(got, size, "the receiver saw the whole file");
    took
}

async fn bench_upload() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mb: u64 = common::env_num("CLIENT_BENCH_MB", 200);
    let path = upload_file(dir.path(), mb * 1024 * 1024);
    let size = std::fs::metadata(&path).expect("meta").len();
    let base = sink().await;
    let client = client(&base);
    let (mut upload, mut floor, mut extra) = (Vec::new(), Vec::new(), 0u64);
    for _ in 0..RUNS {
        let (t, e) = upload_once(&client, &path, size).await;
        upload.push(t.as_secs_f64());
        extra = extra.max(e);
        floor.push(loopback_once(&path, size).await.as_secs_f64());
    }
    let best = |v: &[f64]| v.iter().copied().fold(f64::INFINITY, f64::min);
    let size_mb = size as f64 / 1_048_576.0;
    common::figure(
        BENCH,
        &format!("upload {size_mb:.0} MB (streamed multipart) ÷ loopback socket"),
        "s",
        best(&upload),
        best(&floor),
        None,
    );
    common::info(
        BENCH,
        "upload peak memory over baseline",
        "MB",
        extra as f64 / 1_048_576.0,
    );
}

async fn bench_list() {
    let sb = Sandbox::start(SandboxConfig::seeded(Seed::Empty))
        .await
        .expect("sandbox");
    let total = sb.add_orders(common::env_num("CLIENT_BENCH_ORDERS", 10_000));
    let client = client(&sb.base_url());
    let start = Instant::now();
    let orders: Vec<_> = client
        .list_orders(&OrderQuery::default())
        .into_stream()
        .try_collect()
        .await
        .expect("list");
    let took = start.elapsed().as_secs_f64();
    assert_eq!(orders.len(), total, "every order listed once");

    // The floor: the same number of requests, each for the first page.
    let pages = total.div_ceil(100).max(1);
    let version = Config::new(ApiKey::new(DEMO_KEY).expect("demo key"))
        .versions
        .agent_preview;
    let url = format!(
        "{}/v1/checkout/sessions?limit=100&expand[]=data.payment_intent.latest_charge&expand[]=data.line_items",
        sb.base_url().trim_end_matches('/')
    );
    let http = reqwest::Client::new();
    let start = Instant::now();
    let mut bytes = 0usize;
    for _ in 0..pages {
        let resp = http
            .get(&url)
            .bearer_auth(DEMO_KEY)
            .header("Stripe-Version", &version)
            .send()
            .await
            .expect("fixed page");
        assert!(resp.status().is_success(), "the sandbox answered the page");
        bytes += resp.bytes().await.expect("page body").len();
    }
    let floor = start.elapsed().as_secs_f64();
    sb.shutdown().await;
    common::figure(
        BENCH,
        &format!("list {total} orders, 100 a page ÷ as many fixed-page requests"),
        "s",
        took,
        floor,
        None,
    );
    common::info(
        BENCH,
        "orders listed per second",
        "orders/s",
        total as f64 / took,
    );
    common::info(
        BENCH,
        &format!(
            "fixed-page requests per second ({} KB a page)",
            bytes / pages / 1024
        ),
        "req/s",
        pages as f64 / floor,
    );
}

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(bench_upload());
    rt.block_on(bench_v2_push());
    rt.block_on(bench_list());
}
