//! Catalog table benchmark: generates a product feed (200 MB unless `TABLE_BENCH_MB` says
//! otherwise), then prints load speed, peak memory against the file size, the cost of one
//! edit with its re-validation, drawing a screenful of rows, and saving.
//!
//! Run: `cargo bench --bench table_bench` (or `TABLE_BENCH_MB=50 cargo bench --bench table_bench`).
//!
//! The floor is a bare single-threaded `csv` `ByteRecord` pass over the same file, run once
//! before the load and once after it (the faster one counts), so both see the same machine.

use std::io::{BufWriter, Write};
use std::path::Path;
use std::sync::atomic::AtomicBool;
use std::time::Instant;

use seller_console::feed::table::{Edit, Table};

mod common;

const BENCH: &str = "table_bench";

const HEADER: &str = "id,title,description,link,brand,gtin,mpn,image_link,additional_image_link,condition,google_product_category,item_group_id,item_group_title,color,size,size_system,gender,material,weight,availability,availability_date,inventory_not_tracked,inventory_quantity,price,sale_price,sale_price_effective_date,stripe_product_tax_code,tax_behavior,shipping,product_review_count,product_review_rating,custom_label_0,delete,disable_checkout";

const COLORS: [&str; 6] = ["Navy", "Black", "Heather Grey", "Forest", "Sand", "Red"];
const SIZES: [&str; 5] = ["XS", "S", "M", "L", "XL"];
const AVAIL: [&str; 4] = ["in_stock", "out_of_stock", "preorder", "in stock"];

/// A small deterministic pseudo-random generator (xorshift), so runs compare.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[(self.next() % xs.len() as u64) as usize]
    }
}

/// Writes a realistic product feed of about `target` bytes; returns its row count.
fn generate(path: &Path, target: u64) -> std::io::Result<u64> {
    let mut w = BufWriter::with_capacity(1 << 20, std::fs::File::create(path)?);
    writeln!(w, "{HEADER}")?;
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut written = HEADER.len() as u64 + 1;
    let mut rows = 0u64;
    let mut line = String::with_capacity(2048);
    while written < target {
        use std::fmt::Write as _;
        line.clear();
        let group = rows / 5;
        let color = rng.pick(&COLORS);
        let size = SIZES[(rows % 5) as usize];
        let desc = if rng.next().is_multiple_of(10) {
            "\"Midweight crew-neck tee in 100% organic cotton, pre-shrunk.\nMachine wash cold, \"\"tumble\"\" dry low.\""
        } else {
            "\"Midweight crew-neck tee in 100% organic cotton, pre-shrunk, with a taped neckline and a relaxed fit for everyday wear.\""
        };
        let price = 10 + rng.next() % 90;
        let _ = writeln!(
            line,
            "TEE-{group:07}-{size},Organic Cotton Crew Tee - {color} / {size},{desc},https://shop.example.com/p/tee-{group}?size={size},Northline,{gtin:013},,https://cdn.example.com/img/tee-{group}.jpg,\"https://cdn.example.com/img/tee-{group}-back.jpg,https://cdn.example.com/img/tee-{group}-detail.jpg\",new,212,TEE-{group:07},Organic Cotton Crew Tee,{color},{size},US,unisex,Organic cotton,0.4 lb,{avail},,false,{qty},{price}.00 USD,,,txcd_99999999,exclusive,\"US:ALL:Standard Shipping:3-5:4.95 USD,US:ALL:Express Shipping:1-2:14.00 USD\",{reviews},4.{rating},fall-2026,false,false",
            gtin = 612_345_000_000 + rows,
            avail = rng.pick(&AVAIL),
            qty = rng.next() % 500,
            reviews = rng.next() % 1000,
            rating = rng.next() % 10,
        );
        w.write_all(line.as_bytes())?;
        written += line.len() as u64;
        rows += 1;
    }
    w.flush()?;
    Ok(rows)
}

fn mb(bytes: u64) -> f64 {
    bytes as f64 / 1e6
}

/// One bare single-threaded pass of the csv crate over the file; returns (seconds, records).
fn bare_pass(path: &Path) -> (f64, u64) {
    let t0 = Instant::now();
    let mut record = csv::ByteRecord::new();
    let mut n = 0u64;
    if let Ok(mut rdr) = csv::ReaderBuilder::new().flexible(true).from_path(path) {
        while rdr.read_byte_record(&mut record).unwrap_or(false) {
            n += 1;
        }
    }
    (t0.elapsed().as_secs_f64(), n)
}

fn main() {
    let target_mb: u64 = std::env::var("TABLE_BENCH_MB")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(200);
    let dir = match tempfile::tempdir() {
        Ok(d) => d,
        Err(e) => {
            eprintln!("Could not create a temporary folder for the benchmark file: {e}");
            std::process::exit(2);
        }
    };
    let path = dir.path().join("catalog.csv");
    let t0 = Instant::now();
    let rows = match generate(&path, target_mb * 1_000_000) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("Could not write the benchmark catalog: {e}");
            std::process::exit(2);
        }
    };
    let size = std::fs::metadata(&path).map_or(0, |m| m.len());
    println!(
        "generated {:.1} MB, {rows} rows in {:.1} s",
        mb(size),
        t0.elapsed().as_secs_f64()
    );

    let (before_s, records) = bare_pass(&path);

    let baseline = common::peak_rss();
    let t0 = Instant::now();
    let mut table = match Table::open(&path, &AtomicBool::new(false), |_, _| {}) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(1);
        }
    };
    let load_s = t0.elapsed().as_secs_f64();
    let peak = common::peak_rss();
    let (after_s, _) = bare_pass(&path);
    let csv_s = before_s.min(after_s);
    println!(
        "table_bench: {} rows, {} columns, {} row checks; bare csv pass {before_s:.3} s before the load, {after_s:.3} s after ({records} records)",
        table.row_count(),
        table.column_count(),
        table.rows_checked()
    );
    common::figure(
        BENCH,
        &format!("load + validate {:.0} MB ÷ bare csv pass", mb(size)),
        "s",
        load_s,
        csv_s,
        Some(1.5),
    );
    common::figure(
        BENCH,
        "peak memory of the load ÷ file size",
        "MB",
        mb(peak.saturating_sub(baseline)),
        mb(size),
        Some(1.2),
    );

    let mid = table.row_count() / 2;
    let checks = table.rows_checked();
    let t0 = Instant::now();
    let edited = table.set_cell(mid, 19, "in_stock");
    let edit_us = t0.elapsed().as_secs_f64() * 1e6;
    if let Err(e) = edited {
        eprintln!("table_bench: the edit failed: {e}");
        std::process::exit(1);
    }
    common::info(
        BENCH,
        &format!(
            "one edit + re-check ({} row re-checked)",
            table.rows_checked() - checks
        ),
        "µs",
        edit_us,
    );
    let t0 = Instant::now();
    table.undo();
    common::info(
        BENCH,
        "undo of that edit",
        "µs",
        t0.elapsed().as_secs_f64() * 1e6,
    );
    let t0 = Instant::now();
    let _ = table.apply(Edit::InsertRows { at: mid, count: 1 });
    common::info(
        BENCH,
        "insert one row",
        "µs",
        t0.elapsed().as_secs_f64() * 1e6,
    );

    let t0 = Instant::now();
    let mut chars = 0usize;
    for r in mid..mid + 60 {
        for c in table.row_cells(r) {
            chars += c.len();
        }
        for c in 0..table.column_count() {
            chars += usize::from(table.cell_severity(r, c).is_some());
        }
    }
    common::info(
        BENCH,
        &format!("read 60 rows' cells and severities ({chars} chars)"),
        "µs",
        t0.elapsed().as_secs_f64() * 1e6,
    );

    let out = dir.path().join("saved.csv");
    let t0 = Instant::now();
    match table.save_as(&out) {
        Ok(o) => {
            let s = t0.elapsed().as_secs_f64();
            common::figure(BENCH, "atomic save ÷ bare csv pass", "s", s, csv_s, None);
            common::info(BENCH, "atomic save throughput", "MB/s", mb(o.bytes) / s);
        }
        Err(e) => {
            eprintln!("table_bench: save failed: {e}");
            std::process::exit(1);
        }
    }
}
