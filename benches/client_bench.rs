//! Client benchmarks, printed as a table (`cargo bench --bench client_bench`):
//!
//! - uploading a 200 MB catalog streams it: resident memory above the baseline stays small;
//! - listing 10,000 orders from the sandbox, 100 per page, with expansions.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::extract::Request;
use futures_util::{StreamExt, TryStreamExt};
use seller_console::sandbox::{DEMO_KEY, FaultSpec, Sandbox, SandboxConfig, Seed};
use seller_console::stripe::files::{FilePurpose, MAX_UPLOAD_BYTES};
use seller_console::stripe::orders::OrderQuery;
use seller_console::stripe::{ApiKey, Client, Config};

/// Resident set size in bytes (Linux; 0 elsewhere).
fn rss() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<u64>().ok())
        })
        .map_or(0, |kb| kb * 1024)
}

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

async fn bench_upload() -> (Duration, u64, u64) {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("catalog.csv");
    {
        use std::io::Write;
        let mut f = std::io::BufWriter::new(std::fs::File::create(&path).expect("create"));
        let row = b"SKU-000000,Stoneware mug,https://shop.example.com/p/mug,in_stock,12.50 USD\n";
        let mut written = 0u64;
        while written + row.len() as u64 <= MAX_UPLOAD_BYTES {
            f.write_all(row).expect("write");
            written += row.len() as u64;
        }
    }
    let size = std::fs::metadata(&path).expect("meta").len();
    let base = sink().await;
    let client = client(&base);
    let baseline = rss();
    let peak = Arc::new(AtomicU64::new(baseline));
    let stop = Arc::new(AtomicBool::new(false));
    let sampler = {
        let (peak, stop) = (peak.clone(), stop.clone());
        std::thread::spawn(move || {
            while !stop.load(Ordering::Relaxed) {
                peak.fetch_max(rss(), Ordering::Relaxed);
                std::thread::sleep(Duration::from_millis(5));
            }
        })
    };
    let start = Instant::now();
    let file = client
        .upload_file(&path, &FilePurpose::DataManagementManualUpload, None)
        .await
        .expect("upload");
    let took = start.elapsed();
    stop.store(true, Ordering::Relaxed);
    let _ = sampler.join();
    assert!(file.size >= size, "the sink saw the whole file");
    (
        took,
        size,
        peak.load(Ordering::Relaxed).saturating_sub(baseline),
    )
}

async fn bench_list() -> (Duration, usize) {
    let sb = Sandbox::start(SandboxConfig {
        port: 0,
        seed: Seed::Empty,
        faults: FaultSpec::none(),
    })
    .await
    .expect("sandbox");
    let total = sb.add_orders(10_000);
    let client = client(&sb.base_url());
    let start = Instant::now();
    let orders: Vec<_> = client
        .list_orders(&OrderQuery::default())
        .into_stream()
        .try_collect()
        .await
        .expect("list");
    let took = start.elapsed();
    assert_eq!(orders.len(), total, "every order listed once");
    sb.shutdown().await;
    (took, orders.len())
}

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let (up_time, size, extra) = rt.block_on(bench_upload());
    let (list_time, n) = rt.block_on(bench_list());
    println!("| benchmark | figure |");
    println!("|---|---|");
    println!(
        "| upload {:.0} MB (streamed multipart) | {:.2} s, {:.1} MB/s, peak RSS +{:.1} MB over baseline |",
        size as f64 / 1_048_576.0,
        up_time.as_secs_f64(),
        size as f64 / 1_048_576.0 / up_time.as_secs_f64(),
        extra as f64 / 1_048_576.0
    );
    println!(
        "| list {n} orders from the sandbox (100/page, PI + charge expanded) | {:.2} s, {:.0} orders/s |",
        list_time.as_secs_f64(),
        n as f64 / list_time.as_secs_f64()
    );
}
