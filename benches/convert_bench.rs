//! Converting a Shopify product export into a Stripe feed: its rate against the validator's
//! rate on the feed it makes, and its memory at two export sizes.
//!
//! ```text
//! cargo bench --bench convert_bench                 # a 200 MB export, generated first
//! CONVERT_BENCH_MB=20 cargo bench --bench convert_bench
//! target/release/deps/convert_bench-* --generate export.csv 50   # an export to profile with
//! target/release/deps/convert_bench-* --child convert export.csv feed.csv
//! target/release/deps/convert_bench-* --child convert-sink export.csv   # no file written
//! ```
//!
//! The export is generated here in Shopify's layout (one row per variant, the product's
//! fields on its first row, a row that only adds an image, HTML descriptions, compare-at
//! prices, barcodes, drafts). Each measured pass runs in a fresh child process (this binary
//! re-executed with `--child`), so its peak memory (`VmHWM`) is its own; the two passes take
//! turns, three times each, and the best of each counts.
//!
//! Figures: convert seconds per source MB over validate seconds per feed MB (target ≤ 2×: the
//! conversion streams at no less than half the validate rate), and the conversion's peak
//! memory on the full export over its peak on an export a quarter the size (≈ 1× when memory
//! is flat).

use std::io::{BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

use seller_console::feed::sources::{self, SourceFormat};
use seller_console::feed::validate::{Options, validate_file};

mod common;

const RUNS: usize = 3;
const BENCH: &str = "convert_bench";

/// Shopify's product CSV header (the classic layout of its template).
const HEADER: &str = "Handle,Title,Body (HTML),Vendor,Product Category,Type,Tags,Published,\
Option1 Name,Option1 Value,Option2 Name,Option2 Value,Option3 Name,Option3 Value,Variant SKU,\
Variant Grams,Variant Inventory Tracker,Variant Inventory Qty,Variant Inventory Policy,\
Variant Fulfillment Service,Variant Price,Variant Compare At Price,Variant Requires Shipping,\
Variant Taxable,Variant Barcode,Image Src,Image Position,Image Alt Text,Gift Card,SEO Title,\
SEO Description,Google Shopping / Google Product Category,Google Shopping / Gender,\
Google Shopping / Age Group,Google Shopping / MPN,Google Shopping / Condition,\
Google Shopping / Custom Product,Variant Image,Variant Weight Unit,Variant Tax Code,\
Cost per item,Status";

/// A small deterministic generator (no seed files, the same export every run).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// A GTIN-13 with its check digit.
fn gtin13(n: u64) -> String {
    let body = format!("{:012}", 400_000_000_000 + n % 100_000_000_000);
    let sum: u32 = body
        .bytes()
        .enumerate()
        .map(|(i, b)| u32::from(b - b'0') * if i % 2 == 0 { 1 } else { 3 })
        .sum();
    format!("{body}{}", (10 - sum % 10) % 10)
}

/// Writes a Shopify export of about `mb` megabytes.
fn generate(path: &Path, mb: u64) -> std::io::Result<()> {
    const COLORS: [&str; 6] = ["Oat", "Navy", "Sage", "Sand", "Black", "Rust"];
    const SIZES: [&str; 4] = ["S", "M", "L", "XL"];
    let target = mb * 1024 * 1024;
    let mut out = BufWriter::with_capacity(1 << 20, std::fs::File::create(path)?);
    writeln!(out, "{HEADER}")?;
    let mut written = HEADER.len() as u64 + 1;
    let mut rng = Lcg(42);
    let mut product = 0u64;
    let mut line = Vec::with_capacity(4096);
    while written < target {
        product += 1;
        let variants = 1 + rng.below(4);
        let status = if rng.below(50) == 0 {
            "draft"
        } else {
            "active"
        };
        for v in 0..variants {
            line.clear();
            let color = COLORS[(product + v) as usize % COLORS.len()];
            let size = SIZES[v as usize % SIZES.len()];
            let price = 10 + rng.below(90);
            let compare = if rng.below(10) == 0 {
                format!("{}.00", price + 10)
            } else {
                String::new()
            };
            let qty = rng.below(40);
            let sku = format!("SKU-{product}-{v}");
            let barcode = gtin13(product * 10 + v);
            let image = format!("https://cdn.shopify.com/s/files/1/p{product}-{v}.jpg");
            if v == 0 {
                write!(
                    line,
                    "product-{product},Product {product} in cotton,\"<p>A soft <strong>organic</strong> \
                     cotton piece &amp; a relaxed fit, number {product}.</p><ul><li>Machine wash \
                     cold</li><li>Made in Portugal</li><li>Fair trade certified</li></ul>\",\
                     Northwind Apparel,Apparel & Accessories > Clothing > Shirts & Tops,T-Shirts,\
                     \"cotton, tee\",TRUE,Color,{color},Size,{size},,,{sku},180,shopify,{qty},deny,\
                     manual,{price}.00,{compare},TRUE,TRUE,{barcode},{image},1,Front,FALSE,,,\
                     Apparel & Accessories > Clothing > Shirts & Tops,Unisex,Adult,,New,FALSE,\
                     {image},g,,9.50,{status}"
                )?;
            } else {
                write!(
                    line,
                    "product-{product},,,,,,,,,{color},,{size},,,{sku},180,shopify,{qty},deny,\
                     manual,{price}.00,{compare},TRUE,TRUE,{barcode},{image},{},,,,,,,,,,,{image},g,,9.50,",
                    v + 1
                )?;
            }
            line.push(b'\n');
            out.write_all(&line)?;
            written += line.len() as u64;
        }
        // A row that only adds an image.
        line.clear();
        writeln!(
            line,
            "product-{product},,,,,,,,,,,,,,,,,,,,,,,,,https://cdn.shopify.com/s/files/1/p{product}-detail.jpg,{},Detail,,,,,,,,,,,,,,",
            variants + 1
        )?;
        out.write_all(&line)?;
        written += line.len() as u64;
    }
    out.flush()
}

/// One measured pass, printed as `secs peak_kb rows` on stdout.
fn child(pass: &str, file: &Path, out: Option<&Path>) -> Result<(), String> {
    let start = Instant::now();
    let rows = match pass {
        "convert" => {
            let out = out.ok_or("convert needs an output path")?;
            let source = sources::open(file, SourceFormat::Shopify).map_err(|e| e.to_string())?;
            let mut mapping = sources::suggest(SourceFormat::Shopify, &source.header);
            drop(source);
            mapping.settings.shop_url = "https://northwind.example".into();
            mapping.settings.sale_window = "2026-12-01/2026-12-31".into();
            sources::convert_file(file, SourceFormat::Shopify, &mapping, out)
                .map_err(|e| e.to_string())?
                .rows
        }
        "convert-sink" => {
            let source = sources::open(file, SourceFormat::Shopify).map_err(|e| e.to_string())?;
            let mut mapping = sources::suggest(SourceFormat::Shopify, &source.header);
            mapping.settings.shop_url = "https://northwind.example".into();
            mapping.settings.sale_window = "2026-12-01/2026-12-31".into();
            sources::convert(source, &mapping, std::io::sink(), None)
                .map_err(|e| e.to_string())?
                .rows
        }
        "validate" => {
            validate_file(file, &Options::default())
                .map_err(|e| e.to_string())?
                .rows
        }
        other => return Err(format!("unknown pass {other}")),
    };
    println!(
        "{} {} {rows}",
        start.elapsed().as_secs_f64(),
        common::peak_rss() / 1024
    );
    Ok(())
}

struct Run {
    secs: f64,
    peak_kb: u64,
    rows: u64,
}

fn measure(exe: &Path, pass: &str, file: &Path, out: Option<&Path>) -> Result<Run, String> {
    // Each conversion writes a new file: replacing the last run's would add the file
    // system's freeing of 300 MB to the conversion's time (about 0.2 ms a MB here), which is
    // not the conversion's work (the README gives both).
    if let Some(out) = out {
        let _ = std::fs::remove_file(out);
    }
    let mut args = vec![pass.as_ref(), file.as_os_str()];
    args.extend(out.map(Path::as_os_str));
    let parts = common::run_child(exe, &args, 3)?;
    Ok(Run {
        secs: parts[0].parse().map_err(|_| "bad secs")?,
        peak_kb: parts[1].parse().map_err(|_| "bad peak")?,
        rows: parts[2].parse().map_err(|_| "bad rows")?,
    })
}

fn megabytes(path: &Path) -> f64 {
    // Reading the file also warms the page cache, so the first pass is not penalised.
    let mut bytes = 0u64;
    if let Ok(mut f) = std::fs::File::open(path) {
        let mut buf = vec![0u8; 1 << 20];
        while let Ok(n) = f.read(&mut buf) {
            if n == 0 {
                break;
            }
            bytes += n as u64;
        }
    }
    bytes as f64 / (1024.0 * 1024.0)
}

fn fail(e: impl std::fmt::Display) -> ! {
    eprintln!("{BENCH}: {e}");
    std::process::exit(1);
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    // `--generate FILE MB` only writes an export (to profile a pass on it).
    if args.get(1).map(String::as_str) == Some("--generate") {
        if let (Some(file), Some(mb)) = (args.get(2), args.get(3).and_then(|m| m.parse().ok())) {
            generate(Path::new(file), mb).unwrap_or_else(|e| fail(e));
        }
        return;
    }
    if args.get(1).map(String::as_str) == Some("--child") {
        if let (Some(pass), Some(file)) = (args.get(2), args.get(3))
            && let Err(e) = child(pass, Path::new(file), args.get(4).map(Path::new))
        {
            fail(e);
        }
        return;
    }
    let mb: u64 = common::env_num("CONVERT_BENCH_MB", 200).max(4);
    let exe = std::env::current_exe().unwrap_or_else(|e| fail(e));
    let dir = tempfile::tempdir().unwrap_or_else(|e| fail(e));
    let export = dir.path().join(format!("shopify-{mb}mb.csv"));
    let quarter = dir.path().join(format!("shopify-{}mb.csv", mb / 4));
    let feed = dir.path().join("stripe-feed.csv");
    let scratch: PathBuf = dir.path().join("scratch.csv");
    eprintln!(
        "{BENCH}: generating Shopify exports of {mb} MB and {} MB …",
        mb / 4
    );
    generate(&export, mb).unwrap_or_else(|e| fail(e));
    generate(&quarter, mb / 4).unwrap_or_else(|e| fail(e));
    // The feed the validate pass reads is the conversion's own output.
    measure(&exe, "convert", &export, Some(&feed)).unwrap_or_else(|e| fail(e));
    let (source_mb, feed_mb) = (megabytes(&export), megabytes(&feed));
    println!(
        "{BENCH}: a {source_mb:.0} MB Shopify export, a {feed_mb:.0} MB Stripe feed, \
         best of {RUNS} runs each, convert and validate taking turns"
    );
    let mut convert = Vec::new();
    let mut validate = Vec::new();
    for _ in 0..RUNS {
        convert.push(measure(&exe, "convert", &export, Some(&scratch)).unwrap_or_else(|e| fail(e)));
        validate.push(measure(&exe, "validate", &feed, None).unwrap_or_else(|e| fail(e)));
    }
    // Memory: the highest peak of each size's runs (how many batches are in flight when the
    // peak is taken varies from run to run, not with the size).
    let small_peak = (0..RUNS)
        .map(|_| {
            measure(&exe, "convert", &quarter, Some(&scratch))
                .unwrap_or_else(|e| fail(e))
                .peak_kb
        })
        .max()
        .unwrap_or(0);
    let full_peak = convert.iter().map(|r| r.peak_kb).max().unwrap_or(0);
    let best = |runs: &mut Vec<Run>| {
        runs.sort_by(|a, b| a.secs.total_cmp(&b.secs));
        runs.swap_remove(0)
    };
    let (convert, validate) = (best(&mut convert), best(&mut validate));
    println!(
        "{BENCH}: {} feed rows; convert peak memory {:.1} MB ({:.1} MB on the {} MB export)",
        convert.rows,
        full_peak as f64 / 1024.0,
        small_peak as f64 / 1024.0,
        mb / 4
    );
    common::figure(
        BENCH,
        &format!("convert {source_mb:.0} MB Shopify export, time per MB ÷ validate's"),
        "ms/MB",
        convert.secs * 1000.0 / source_mb,
        validate.secs * 1000.0 / feed_mb.max(f64::MIN_POSITIVE),
        Some(2.0),
    );
    common::figure(
        BENCH,
        &format!(
            "convert peak memory, {source_mb:.0} MB export ÷ {} MB export",
            mb / 4
        ),
        "MB",
        full_peak as f64 / 1024.0,
        small_peak as f64 / 1024.0,
        Some(1.5),
    );
    common::info(
        BENCH,
        "convert throughput",
        "MB/s",
        source_mb / convert.secs,
    );
    common::info(
        BENCH,
        "validate throughput (the converted feed)",
        "MB/s",
        feed_mb / validate.secs,
    );
}
