//! Feed validation speed and memory, against a bare single-threaded `csv` pass.
//!
//! ```text
//! cargo bench --bench feed_bench                      # generates a 200 MB catalog first
//! cargo bench --bench feed_bench -- path/to/feed.csv  # or FEED_BENCH_FILE=…
//! FEED_BENCH_MB=50 cargo bench --bench feed_bench     # smaller generated file
//! target/release/deps/feed_bench-* --child dump FILE  # every finding, to diff before/after
//! ```
//!
//! Each measured pass runs in a fresh child process (this binary re-executed with
//! `--child`), so its peak memory (`VmHWM` from `/proc/self/status`) is its own. The file is
//! read once beforehand so every pass starts from a warm page cache. Each pass runs three
//! times, the two passes taking turns; the table shows `validate`'s best wall time and the
//! CPU time (user + system, all threads) of that run, each over the same figure of the bare
//! pass's best run: the floor, measured in the same run.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use seller_console::feed::Severity;
use seller_console::feed::validate::{Options, validate_file};

mod common;

const RUNS: usize = 3;
const BENCH: &str = "feed_bench";

/// One measured pass, printed as `secs rows peak_kb extra cpu_secs` on stdout. The pass
/// `dump` instead prints the row count, the feed kind and every finding, one per line, to
/// check that a speed-up leaves the findings exactly as they were.
fn child(pass: &str, file: &Path) -> Result<(), String> {
    if pass == "dump" {
        let report = validate_file(file, &Options::default()).map_err(|e| e.to_string())?;
        println!("{} {:?}", report.rows, report.feed);
        for d in &report.diagnostics {
            println!("{d:?}");
        }
        return Ok(());
    }
    let start = Instant::now();
    let (rows, extra) = match pass {
        "bare" => {
            let f = std::fs::File::open(file).map_err(|e| e.to_string())?;
            let mut reader = csv::ReaderBuilder::new()
                .has_headers(false)
                .flexible(true)
                .from_reader(std::io::BufReader::with_capacity(256 * 1024, f));
            let mut record = csv::ByteRecord::new();
            let mut rows = 0u64;
            let mut fields = 0u64;
            while reader
                .read_byte_record(&mut record)
                .map_err(|e| e.to_string())?
            {
                rows += 1;
                fields += record.len() as u64;
            }
            (rows.saturating_sub(1), format!("{fields}_fields"))
        }
        "validate" => {
            let report = validate_file(file, &Options::default()).map_err(|e| e.to_string())?;
            (
                report.rows,
                format!(
                    "{}e/{}w/{}i",
                    report.count(Severity::Error),
                    report.count(Severity::Warning),
                    report.count(Severity::Info)
                ),
            )
        }
        other => return Err(format!("unknown pass {other}")),
    };
    let secs = start.elapsed().as_secs_f64();
    println!(
        "{secs} {rows} {} {extra} {}",
        common::peak_rss() / 1024,
        common::cpu_secs()
    );
    Ok(())
}

struct Run {
    secs: f64,
    cpu: f64,
    rows: u64,
    peak_kb: u64,
    extra: String,
}

fn measure(exe: &Path, pass: &str, file: &Path) -> Result<Run, String> {
    let parts = common::run_child(exe, &[pass.as_ref(), file.as_os_str()], 5)?;
    Ok(Run {
        secs: parts[0].parse().map_err(|_| "bad secs")?,
        rows: parts[1].parse().map_err(|_| "bad rows")?,
        peak_kb: parts[2].parse().map_err(|_| "bad peak")?,
        extra: parts[3].clone(),
        cpu: parts[4].parse().map_err(|_| "bad cpu")?,
    })
}

fn generated_file() -> Result<PathBuf, String> {
    let mb: u64 = std::env::var("FEED_BENCH_MB")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(200);
    let path = std::env::temp_dir().join(format!("seller-console-bench-{mb}mb.csv"));
    if path.exists() {
        return Ok(path);
    }
    eprintln!("generating a {mb} MB catalog at {} …", path.display());
    let status = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned()))
        .args(["run", "--release", "--example", "gen_catalog", "--"])
        .args([
            "--size-mb",
            &mb.to_string(),
            "--error-rate",
            "0.01",
            "--out",
        ])
        .arg(&path)
        .status()
        .map_err(|e| format!("cannot run cargo to generate the catalog: {e}"))?;
    if status.success() {
        Ok(path)
    } else {
        Err("gen_catalog failed".to_owned())
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some("--child") {
        if let (Some(pass), Some(file)) = (args.get(2), args.get(3))
            && let Err(e) = child(pass, Path::new(file))
        {
            eprintln!("{e}");
            std::process::exit(1);
        }
        return;
    }
    let file = args
        .iter()
        .skip(1)
        .find(|a| !a.starts_with("--"))
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("FEED_BENCH_FILE").map(PathBuf::from));
    let file = match file.map_or_else(generated_file, Ok) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("feed_bench: {e}");
            std::process::exit(1);
        }
    };
    let exe = match std::env::current_exe() {
        Ok(e) => e,
        Err(e) => {
            eprintln!("feed_bench: cannot find own executable: {e}");
            std::process::exit(1);
        }
    };
    // Warm the page cache so the first pass is not penalised.
    let mut bytes = 0u64;
    if let Ok(mut f) = std::fs::File::open(&file) {
        let mut buf = vec![0u8; 1 << 20];
        while let Ok(n) = f.read(&mut buf) {
            if n == 0 {
                break;
            }
            bytes += n as u64;
        }
    }
    let mb = bytes as f64 / (1024.0 * 1024.0);
    let cores = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
    println!(
        "feed_bench: {} ({mb:.1} MB), {cores} cores, best of {RUNS} runs each, bare and validate taking turns",
        file.display()
    );
    // The passes take turns so a change in the machine's speed during the run falls on both.
    let mut bare = Vec::new();
    let mut validate = Vec::new();
    for _ in 0..RUNS {
        for (pass, runs) in [("bare", &mut bare), ("validate", &mut validate)] {
            match measure(&exe, pass, &file) {
                Ok(r) => runs.push(r),
                Err(e) => {
                    eprintln!("feed_bench: {e}");
                    std::process::exit(1);
                }
            }
        }
    }
    let best = |runs: &mut Vec<Run>| {
        runs.sort_by(|a, b| a.secs.total_cmp(&b.secs));
        runs.swap_remove(0)
    };
    let (bare, validate) = (best(&mut bare), best(&mut validate));
    println!(
        "feed_bench: {} rows, findings {}, validate peak memory {:.1} MB",
        validate.rows,
        validate.extra,
        validate.peak_kb as f64 / 1024.0
    );
    common::figure(
        BENCH,
        &format!("validate {mb:.0} MB, wall ÷ bare csv pass"),
        "s",
        validate.secs,
        bare.secs,
        Some(0.5),
    );
    common::figure(
        BENCH,
        &format!("validate {mb:.0} MB, CPU ÷ bare csv pass CPU"),
        "s",
        validate.cpu,
        bare.cpu,
        None,
    );
    common::info(BENCH, "validate throughput", "MB/s", mb / validate.secs);
    common::info(
        BENCH,
        "validate peak memory",
        "MB",
        validate.peak_kb as f64 / 1024.0,
    );
}
