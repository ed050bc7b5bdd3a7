//! What `sync` does each round on a big catalog: read the remembered prints of the last push
//! and compare the catalog with them, against validating the catalog once; and its memory at
//! two catalog sizes.
//!
//! ```text
//! cargo bench --bench delta_bench                 # a 200 MB catalog, generated first
//! DELTA_BENCH_MB=20 cargo bench --bench delta_bench
//! ```
//!
//! The catalog comes from `examples/gen_catalog`; the "edited" copy changes the price of 300
//! rows spread over the file. Each measured pass runs in a fresh child process (this binary
//! re-executed with `--child`), so its peak memory (`VmHWM`) is its own; the passes take turns,
//! three times each, and the best of each counts.
//!
//! Figures: diff seconds over validate seconds on the same file (target ≤ 1.5×), the diff's
//! peak memory on the full catalog over its peak on a catalog a quarter the size (memory is
//! flat apart from the prints, 16 bytes a row), and the rows the diff found changed (300).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use seller_console::feed::delta::{self, Fingerprints};
use seller_console::feed::validate::{Options, validate_file};

mod common;

const RUNS: usize = 3;
const BENCH: &str = "delta_bench";
const CHANGED: usize = 300;

fn fail(e: impl std::fmt::Display) -> ! {
    eprintln!("{BENCH}: {e}");
    std::process::exit(1);
}

/// Generates a catalog of about `mb` megabytes (no errors, so sync would push it) with the
/// generator `GEN_CATALOG` names (scripts/bench.sh builds it), else through cargo.
fn generate(path: &Path, mb: u64) -> Result<(), String> {
    let mut cmd = if let Some(exe) = std::env::var_os("GEN_CATALOG") {
        Command::new(exe)
    } else {
        let mut c = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned()));
        c.args([
            "run",
            "--quiet",
            "--release",
            "--example",
            "gen_catalog",
            "--",
        ]);
        c
    };
    let status = cmd
        .args(["--size-mb", &mb.to_string(), "--error-rate", "0", "--out"])
        .arg(path)
        .status()
        .map_err(|e| format!("cannot run cargo to generate the catalog: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err("gen_catalog failed".to_owned())
    }
}

/// A copy of `src` with the price of `CHANGED` rows spread over it raised by one unit.
fn edited_copy(src: &Path, dest: &Path) -> Result<u64, String> {
    let rows = {
        let mut reader = csv::Reader::from_path(src).map_err(|e| e.to_string())?;
        reader.byte_records().count() as u64
    };
    let every = (rows / CHANGED as u64).max(1);
    let mut reader = csv::Reader::from_path(src).map_err(|e| e.to_string())?;
    let headers = reader.byte_headers().map_err(|e| e.to_string())?.clone();
    let price = headers
        .iter()
        .position(|h| h == b"price")
        .ok_or("the catalog has no price column")?;
    let mut writer = csv::Writer::from_path(dest).map_err(|e| e.to_string())?;
    writer
        .write_byte_record(&headers)
        .map_err(|e| e.to_string())?;
    let mut changed = 0;
    for (i, record) in reader.byte_records().enumerate() {
        let record = record.map_err(|e| e.to_string())?;
        if (i as u64).is_multiple_of(every) && changed < CHANGED {
            changed += 1;
            let fields: Vec<Vec<u8>> = record
                .iter()
                .enumerate()
                .map(|(c, f)| {
                    if c == price {
                        let mut v = b"1".to_vec();
                        v.extend_from_slice(f);
                        v
                    } else {
                        f.to_vec()
                    }
                })
                .collect();
            writer.write_record(&fields).map_err(|e| e.to_string())?;
        } else {
            writer
                .write_byte_record(&record)
                .map_err(|e| e.to_string())?;
        }
    }
    writer.flush().map_err(|e| e.to_string())?;
    Ok(changed as u64)
}

/// One measured pass, printed as `secs peak_kb found` on stdout.
fn child(pass: &str, file: &Path, prints: Option<&Path>) -> Result<(), String> {
    let start = Instant::now();
    let found = match pass {
        "diff" => {
            let bytes =
                std::fs::read(prints.ok_or("diff needs the prints")?).map_err(|e| e.to_string())?;
            let old = Fingerprints::from_bytes(&bytes)?;
            let (d, _) = delta::diff(&old, file)?;
            (d.price.len() + d.inventory.len() + d.product.len() + d.added.len()) as u64
        }
        "validate" => {
            validate_file(file, &Options::default())
                .map_err(|e| e.to_string())?
                .rows
        }
        other => return Err(format!("unknown pass {other}")),
    };
    println!(
        "{} {} {found}",
        start.elapsed().as_secs_f64(),
        common::peak_rss() / 1024
    );
    Ok(())
}

struct Run {
    secs: f64,
    peak_kb: u64,
    found: u64,
}

fn measure(exe: &Path, pass: &str, file: &Path, prints: Option<&Path>) -> Result<Run, String> {
    let mut args = vec![pass.as_ref(), file.as_os_str()];
    args.extend(prints.map(Path::as_os_str));
    let parts = common::run_child(exe, &args, 3)?;
    Ok(Run {
        secs: parts[0].parse().map_err(|_| "bad secs")?,
        peak_kb: parts[1].parse().map_err(|_| "bad peak")?,
        found: parts[2].parse().map_err(|_| "bad count")?,
    })
}

/// A catalog of `mb` MB, its edited copy and the prints of the original, in `dir`.
fn prepare(dir: &Path, mb: u64) -> (PathBuf, PathBuf) {
    let original = dir.join(format!("catalog-{mb}mb.csv"));
    let edited = dir.join(format!("catalog-{mb}mb-edited.csv"));
    let prints = dir.join(format!("catalog-{mb}mb.prints"));
    generate(&original, mb).unwrap_or_else(|e| fail(e));
    edited_copy(&original, &edited).unwrap_or_else(|e| fail(e));
    let fp = delta::fingerprint(&original).unwrap_or_else(|e| fail(e));
    std::fs::write(&prints, fp.to_bytes()).unwrap_or_else(|e| fail(e));
    (edited, prints)
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some("--child") {
        if let (Some(pass), Some(file)) = (args.get(2), args.get(3))
            && let Err(e) = child(pass, Path::new(file), args.get(4).map(Path::new))
        {
            fail(e);
        }
        return;
    }
    let mb: u64 = common::env_num("DELTA_BENCH_MB", 200).max(4);
    let exe = std::env::current_exe().unwrap_or_else(|e| fail(e));
    let dir = tempfile::tempdir().unwrap_or_else(|e| fail(e));
    eprintln!(
        "{BENCH}: generating catalogs of {mb} MB and {} MB …",
        mb / 4
    );
    let (edited, prints) = prepare(dir.path(), mb);
    let (small_edited, small_prints) = prepare(dir.path(), mb / 4);
    let size_mb = std::fs::metadata(&edited).map_or(0.0, |m| m.len() as f64 / 1_048_576.0);
    let mut diff = Vec::new();
    let mut validate = Vec::new();
    for _ in 0..RUNS {
        diff.push(measure(&exe, "diff", &edited, Some(&prints)).unwrap_or_else(|e| fail(e)));
        validate.push(measure(&exe, "validate", &edited, None).unwrap_or_else(|e| fail(e)));
    }
    let small_peak = (0..RUNS)
        .map(|_| {
            measure(&exe, "diff", &small_edited, Some(&small_prints))
                .unwrap_or_else(|e| fail(e))
                .peak_kb
        })
        .max()
        .unwrap_or(0);
    let full_peak = diff.iter().map(|r| r.peak_kb).max().unwrap_or(0);
    let best = |runs: &mut Vec<Run>| {
        runs.sort_by(|a, b| a.secs.total_cmp(&b.secs));
        runs.swap_remove(0)
    };
    let (diff, validate) = (best(&mut diff), best(&mut validate));
    let rows = validate.found;
    println!(
        "{BENCH}: a {size_mb:.0} MB catalog of {rows} rows with {CHANGED} prices changed; the \
         diff found {} changed rows; best of {RUNS} runs each, taking turns",
        diff.found
    );
    common::figure(
        BENCH,
        &format!("diff of a {size_mb:.0} MB catalog against its last push ÷ validating it"),
        "s",
        diff.secs,
        validate.secs,
        Some(1.5),
    );
    common::figure(
        BENCH,
        &format!("diff peak memory, {size_mb:.0} MB catalog ÷ a quarter the size"),
        "MB",
        full_peak as f64 / 1024.0,
        small_peak as f64 / 1024.0,
        None,
    );
    common::info(
        BENCH,
        "memory the prints take per row",
        "bytes",
        Fingerprints::bytes_per_row() as f64,
    );
    common::info(
        BENCH,
        &format!("peak memory above the prints ({rows} rows × 16 bytes)"),
        "MB",
        (full_peak as f64 * 1024.0 - 2.0 * rows as f64 * 16.0) / 1_048_576.0,
    );
}
