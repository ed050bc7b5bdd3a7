//! Catalog view benchmark: generates a product feed (200 MB unless `CATALOG_BENCH_MB` says
//! otherwise) and prints the time to the first rows (the quick preview), the full load and
//! validation, and the UI frame time (egui layout without rendering) while scrolling the grid
//! and right after an edit.
//!
//! Run: `cargo bench --bench catalog_view_bench` (release profile). Prints figures only.

use std::io::{BufWriter, Write};
use std::path::Path;
use std::sync::atomic::AtomicBool;
use std::time::{Duration, Instant};

use seller_console::feed::table::issues::summarize;
use seller_console::feed::table::{Edit, Table};
use seller_console::ui::views::catalog::CatalogView;
use seller_console::worker::catalog::preview;

const HEADER: &str = "id,title,description,link,brand,gtin,mpn,image_link,condition,google_product_category,item_group_id,color,size,availability,inventory_quantity,price,sale_price,stripe_product_tax_code,tax_behavior,shipping";
const COLORS: [&str; 6] = ["Navy", "Black", "Heather Grey", "Forest", "Sand", "Red"];
const SIZES: [&str; 5] = ["XS", "S", "M", "L", "XL"];
const AVAIL: [&str; 4] = ["in_stock", "out_of_stock", "preorder", "in stock"];

/// Writes a product feed of about `target` bytes (deterministic); returns its row count.
fn generate(path: &Path, target: u64) -> std::io::Result<u64> {
    let mut w = BufWriter::with_capacity(1 << 20, std::fs::File::create(path)?);
    writeln!(w, "{HEADER}")?;
    let mut state = 0x9E37_79B9_7F4A_7C15_u64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let mut written = HEADER.len() as u64 + 1;
    let mut rows = 0u64;
    while written < target {
        let group = rows / 5;
        let size = SIZES[(rows % 5) as usize];
        let color = COLORS[(next() % 6) as usize];
        let avail = AVAIL[(next() % 4) as usize];
        let line = format!(
            "TEE-{group:07}-{size},Organic Cotton Crew Tee - {color} / {size},\"Midweight crew-neck tee in 100% organic cotton, pre-shrunk, with a taped neckline.\",https://shop.example.com/p/tee-{group}?size={size},Northline,{gtin:013},,https://cdn.example.com/img/tee-{group}.jpg,new,212,TEE-{group:07},{color},{size},{avail},{qty},{price}.00 USD,,txcd_99999999,exclusive,US:ALL:Standard Shipping:3-5:4.95 USD\n",
            gtin = 612_345_000_000 + rows,
            qty = next() % 500,
            price = 10 + next() % 90,
        );
        w.write_all(line.as_bytes())?;
        written += line.len() as u64;
        rows += 1;
    }
    w.flush()?;
    Ok(rows)
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// Runs one egui frame (layout only) of the document at 1280x800; returns its duration.
fn frame(ctx: &egui::Context, view: &mut CatalogView) -> Duration {
    let input = egui::RawInput {
        screen_rect: Some(egui::Rect::from_min_size(
            egui::Pos2::ZERO,
            egui::vec2(1280.0, 800.0),
        )),
        ..Default::default()
    };
    let start = Instant::now();
    let _ = ctx.run_ui(input, |ui| view.document_frame(ui));
    start.elapsed()
}

fn stats(mut v: Vec<Duration>) -> (f64, f64, f64) {
    v.sort();
    let mean = v.iter().map(|d| ms(*d)).sum::<f64>() / v.len() as f64;
    let p95 = ms(v[(v.len() * 95 / 100).min(v.len() - 1)]);
    let max = ms(*v.last().unwrap_or(&Duration::ZERO));
    (mean, p95, max)
}

fn main() {
    let mb: u64 = std::env::var("CATALOG_BENCH_MB")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(200);
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("catalog.csv");
    let t = Instant::now();
    let rows = generate(&path, mb << 20).expect("generate");
    let size = std::fs::metadata(&path).map_or(0, |m| m.len());
    println!(
        "catalog: {rows} rows, {:.0} MB (generated in {:.1} s)",
        size as f64 / 1_048_576.0,
        t.elapsed().as_secs_f64()
    );

    let t = Instant::now();
    let (_, first) = preview(&path, None, 200).expect("preview");
    println!(
        "first rows visible (quick read of 64 KB, {} rows): {:.1} ms",
        first.len().saturating_sub(1),
        ms(t.elapsed())
    );

    let t = Instant::now();
    let never = AtomicBool::new(false);
    let table = Table::open(&path, &never, |_, _| {}).expect("open");
    println!(
        "full load + validation: {:.2} s ({:.0} MB/s)",
        t.elapsed().as_secs_f64(),
        size as f64 / 1_048_576.0 / t.elapsed().as_secs_f64()
    );

    let t = Instant::now();
    let report = summarize(&table);
    println!(
        "issue summary ({} errors, {} warnings; off the UI thread: on the worker, at load and after edits): {:.1} ms",
        report.counts.errors,
        report.counts.warnings,
        ms(t.elapsed())
    );
    let mut view = CatalogView::with_table(table, path.clone());

    let ctx = egui::Context::default();
    for _ in 0..3 {
        frame(&ctx, &mut view);
    }
    let n = rows as usize;
    let mut scroll = Vec::new();
    for i in 0..240 {
        view.go_to(n / 2 + i * 3, 1);
        scroll.push(frame(&ctx, &mut view));
    }
    let (mean, p95, max) = stats(scroll);
    println!(
        "frame while scrolling (3 rows a frame, 240 frames): mean {mean:.2} ms, p95 {p95:.2} ms, max {max:.2} ms"
    );
    let mut jumps = Vec::new();
    for i in 0..120 {
        view.go_to((i * 7919 * 31) % n, i % 20);
        jumps.push(frame(&ctx, &mut view));
    }
    let (mean, p95, max) = stats(jumps);
    println!(
        "frame jumping to a random row and column (120 frames): mean {mean:.2} ms, p95 {p95:.2} ms, max {max:.2} ms"
    );

    // The first edits of a session pay one-time costs (one frame of about 5 ms in the first
    // twenty: caches and buffers growing); they are timed and printed apart from the
    // twenty that follow, on other rows.
    let mut first_frames = Vec::new();
    let mut edit_frames = Vec::new();
    let mut edit_only = Vec::new();
    for i in 0..40 {
        let row = (i * 104_729) % n;
        view.go_to(row, 13);
        frame(&ctx, &mut view);
        let t = Instant::now();
        view.apply_edit(Edit::SetCell {
            row,
            col: 13,
            value: if i % 2 == 0 {
                "in stock".into()
            } else {
                "in_stock".into()
            },
        });
        let applied = t.elapsed();
        frame(&ctx, &mut view);
        if i < 20 {
            first_frames.push(t.elapsed());
        } else {
            edit_only.push(applied);
            edit_frames.push(t.elapsed());
        }
    }
    let (mean, p95, max) = stats(first_frames);
    println!(
        "the first 20 edits of the session and the frame after each: mean {mean:.2} ms, p95 {p95:.2} ms, max {max:.2} ms"
    );
    let (mean, p95, max) = stats(edit_only);
    println!(
        "edit with incremental validation (Table::apply; the issue summary follows on the worker): mean {mean:.2} ms, p95 {p95:.2} ms, max {max:.2} ms"
    );
    let each: Vec<String> = edit_frames
        .iter()
        .map(|d| format!("{:.1}", d.as_secs_f64() * 1000.0))
        .collect();
    println!("edit and the frame after it, each (ms): {}", each.join(" "));
    let (mean, p95, max) = stats(edit_frames);
    println!("edit and the frame after it: mean {mean:.2} ms, p95 {p95:.2} ms, max {max:.2} ms");
}
