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
//! times; the table shows the best and the median wall time, and the CPU time (user +
//! system, all threads) of the best run, which is the fairer figure on a busy machine.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use seller_console::feed::Severity;
use seller_console::feed::validate::{Options, validate_file};

const RUNS: usize = 3;

/// CPU seconds (user + system, all threads) this process has used, from `/proc/self/stat`.
fn cpu_secs() -> f64 {
    let ticks = std::fs::read_to_string("/proc/self/stat")
        .ok()
        .and_then(|s| {
            // Fields after the command name (which is in parentheses and may hold spaces).
            let rest = s.rsplit_once(')')?.1.split_whitespace().collect::<Vec<_>>();
            let utime: u64 = rest.get(11)?.parse().ok()?;
            let stime: u64 = rest.get(12)?.parse().ok()?;
            Some(utime + stime)
        })
        .unwrap_or(0);
    // The kernel reports clock ticks, 100 per second on Linux.
    ticks as f64 / 100.0
}

fn peak_rss_kb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse().ok())
        })
        .unwrap_or(0)
}

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
    println!("{secs} {rows} {} {extra} {}", peak_rss_kb(), cpu_secs());
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
    let out = Command::new(exe)
        .args(["--child", pass])
        .arg(file)
        .output()
        .map_err(|e| format!("cannot start child: {e}"))?;
    let text = String::from_utf8_lossy(&out.stdout);
    let parts: Vec<&str> = text.split_whitespace().collect();
    if !out.status.success() || parts.len() < 5 {
        return Err(format!(
            "child {pass} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    Ok(Run {
        secs: parts[0].parse().map_err(|_| "bad secs")?,
        rows: parts[1].parse().map_err(|_| "bad rows")?,
        peak_kb: parts[2].parse().map_err(|_| "bad peak")?,
        extra: parts[3].to_owned(),
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
        "feed_bench: {} ({mb:.1} MB), {cores} cores, best and median of {RUNS} runs",
        file.display()
    );
    println!(
        "{:<10} {:>9} {:>9} {:>7} {:>10} {:>11} {:>10} {:>12}  findings",
        "pass", "best s", "median s", "CPU s", "MB/s", "rows/s", "rows", "peak RSS MB"
    );
    for pass in ["bare", "validate"] {
        let mut runs = Vec::new();
        for _ in 0..RUNS {
            match measure(&exe, pass, &file) {
                Ok(r) => runs.push(r),
                Err(e) => {
                    eprintln!("feed_bench: {e}");
                    std::process::exit(1);
                }
            }
        }
        runs.sort_by(|a, b| a.secs.total_cmp(&b.secs));
        let best = &runs[0];
        let median = runs[runs.len() / 2].secs;
        let peak = runs.iter().map(|r| r.peak_kb).max().unwrap_or(0);
        println!(
            "{:<10} {:>9.3} {:>9.3} {:>7.2} {:>10.1} {:>11.0} {:>10} {:>12.1}  {}",
            pass,
            best.secs,
            median,
            best.cpu,
            mb / best.secs,
            best.rows as f64 / best.secs,
            best.rows,
            peak as f64 / 1024.0,
            best.extra
        );
    }
}
