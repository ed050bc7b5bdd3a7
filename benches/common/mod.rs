//! Helpers every bench shares (`mod common;`): process CPU time and memory, percentiles, and
//! the one way a figure is printed, as a row of the ratio table `scripts/bench.sh` gathers.
//!
//! A figure is a raw measurement beside a *floor*: the same work done the plainest way, in the
//! same process and the same run (a bare `csv` pass, a bare `egui_extras` table, a loopback
//! socket). The ratio `raw ÷ floor` holds from one machine to the next where absolute times do
//! not. Every ratio reads "lower is better": time over time, or memory over file size.

// Each bench uses a different subset of these helpers.
#![allow(dead_code)]

use std::sync::Once;
use std::time::Duration;

/// CPU seconds (user + system, all threads) this process has used, from `/proc/self/stat`
/// (Linux; 0 elsewhere).
pub fn cpu_secs() -> f64 {
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

fn status_kb(field: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with(field))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Peak resident memory of this process so far, in bytes (Linux `VmHWM`; 0 elsewhere).
pub fn peak_rss() -> u64 {
    status_kb("VmHWM:").unwrap_or(0) * 1024
}

/// Resident memory of this process now, in bytes (Linux `VmRSS`; 0 elsewhere).
pub fn rss() -> u64 {
    status_kb("VmRSS:").unwrap_or(0) * 1024
}

/// An environment variable as a number, or `default` when unset or unreadable.
pub fn env_num<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Mean, 95th percentile and worst of a series of timings, in milliseconds.
#[derive(Debug, Clone, Copy)]
pub struct Stats {
    /// Arithmetic mean.
    pub mean: f64,
    /// 95th percentile (nearest rank).
    pub p95: f64,
    /// Slowest.
    pub max: f64,
}

impl Stats {
    /// Summarises timings given in milliseconds.
    pub fn of_ms(times: &[f64]) -> Stats {
        if times.is_empty() {
            return Stats {
                mean: 0.0,
                p95: 0.0,
                max: 0.0,
            };
        }
        let mut v = times.to_vec();
        v.sort_by(f64::total_cmp);
        Stats {
            mean: v.iter().sum::<f64>() / v.len() as f64,
            p95: v[(v.len() * 95 / 100).min(v.len() - 1)],
            max: v[v.len() - 1],
        }
    }

    /// Summarises durations.
    pub fn of(times: &[Duration]) -> Stats {
        Stats::of_ms(&times.iter().map(|d| ms(*d)).collect::<Vec<_>>())
    }
}

/// A duration in milliseconds.
pub fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// The median of a few values (the upper one of an even count); 0 when empty.
pub fn median(values: &[f64]) -> f64 {
    if values.is_empty() {
        return 0.0;
    }
    let mut v = values.to_vec();
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// Three significant digits or so, never in exponent notation.
fn num(v: f64) -> String {
    let a = v.abs();
    if a >= 1000.0 {
        let whole = format!("{v:.0}");
        // Thousands separated by commas, as the README writes them.
        let (sign, digits) = whole.split_at(usize::from(whole.starts_with('-')));
        let mut out = String::new();
        for (i, ch) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                out.push(',');
            }
            out.push(ch);
        }
        format!("{sign}{out}")
    } else if a >= 100.0 {
        format!("{v:.0}")
    } else if a >= 10.0 {
        format!("{v:.1}")
    } else if a >= 1.0 {
        format!("{v:.2}")
    } else {
        format!("{v:.3}")
    }
}

static HEADER: Once = Once::new();

/// The table's header, printed once per process before its first row.
fn header() {
    HEADER.call_once(|| {
        println!("| bench | figure | raw | floor | ratio | target |");
        println!("|---|---|---|---|---|---|");
    });
}

/// Prints one figure with its floor: `raw` and `floor` in the same `unit`, the ratio
/// `raw ÷ floor`, and the target ratio (met or missed) when there is one.
pub fn figure(bench: &str, name: &str, unit: &str, raw: f64, floor: f64, target: Option<f64>) {
    header();
    // A floor of zero was too short to measure (CPU time counts in 10 ms ticks).
    let (ratio, target) = if floor > 0.0 {
        let ratio = raw / floor;
        let target = match target {
            None => "—".to_owned(),
            Some(t) if ratio <= t => format!("≤ {t}×: met"),
            Some(t) => format!("≤ {t}×: missed by {:.2}×", ratio - t),
        };
        (format!("{ratio:.2}×"), target)
    } else {
        ("—".to_owned(), "floor too short to measure".to_owned())
    };
    println!(
        "| {bench} | {name} | {} {unit} | {} {unit} | {ratio} | {target} |",
        num(raw),
        num(floor),
    );
}

/// Prints one figure that has no floor (a count, a size, a one-off time), as a row of the
/// same table.
pub fn info(bench: &str, name: &str, unit: &str, raw: f64) {
    header();
    println!("| {bench} | {name} | {} {unit} | — | — | — |", num(raw));
}

/// Prints a frame-time series against its floor: mean and 95th percentile, each with its
/// ratio and the same target.
pub fn frames(bench: &str, name: &str, raw: Stats, floor: Stats, target: Option<f64>) {
    figure(
        bench,
        &format!("{name} (mean)"),
        "ms",
        raw.mean,
        floor.mean,
        target,
    );
    figure(
        bench,
        &format!("{name} (p95)"),
        "ms",
        raw.p95,
        floor.p95,
        target,
    );
}

/// What one egui frame drew: how many texts, and where a given text first appears.
#[derive(Debug, Clone, Copy, Default)]
pub struct Drawn {
    /// Text shapes in the frame.
    pub texts: usize,
    /// The top left of the first text equal to the marker, if any.
    pub marker: Option<egui::Pos2>,
}

impl Drawn {
    /// Walks a frame's shapes, counting texts and looking for `marker`.
    pub fn of(output: &egui::FullOutput, marker: &str) -> Drawn {
        fn walk(shape: &egui::Shape, marker: &str, d: &mut Drawn) {
            match shape {
                egui::Shape::Text(t) => {
                    d.texts += 1;
                    if d.marker.is_none() && t.galley.text() == marker {
                        d.marker = Some(t.pos);
                    }
                }
                egui::Shape::Vec(v) => v.iter().for_each(|s| walk(s, marker, d)),
                _ => {}
            }
        }
        let mut d = Drawn::default();
        for c in &output.shapes {
            walk(&c.shape, marker, &mut d);
        }
        d
    }
}

/// The window every UI bench draws in: 1280x800 logical points.
pub fn window() -> egui::RawInput {
    egui::RawInput {
        screen_rect: Some(egui::Rect::from_min_size(
            egui::Pos2::ZERO,
            egui::vec2(1280.0, 800.0),
        )),
        ..Default::default()
    }
}

/// Runs this bench's binary again as `exe --child ARGS…` (a measured pass in a process of its
/// own, so its peak memory is its own) and returns the words it printed on stdout; at least
/// `fields` of them, or the child's stderr as the error.
pub fn run_child(
    exe: &std::path::Path,
    args: &[&std::ffi::OsStr],
    fields: usize,
) -> Result<Vec<String>, String> {
    let out = std::process::Command::new(exe)
        .arg("--child")
        .args(args)
        .output()
        .map_err(|e| format!("cannot start child: {e}"))?;
    let words: Vec<String> = String::from_utf8_lossy(&out.stdout)
        .split_whitespace()
        .map(str::to_owned)
        .collect();
    if !out.status.success() || words.len() < fields {
        return Err(format!(
            "child {:?} failed: {}",
            args.first(),
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    Ok(words)
}
