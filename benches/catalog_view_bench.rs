//! Catalog view benchmark: generates a product feed (200 MB unless `CATALOG_BENCH_MB` says
//! otherwise) and prints the time to the first rows (the quick preview), the full load and
//! validation, and the UI frame time (egui layout without rendering) while scrolling the grid
//! and right after an edit.
//!
//! Run: `cargo bench --bench catalog_view_bench` (release profile). Prints figures only.
//!
//! The floor for every frame figure is a bare `egui_extras` table drawn in the same bench,
//! frame for frame in turn with the view: the same window (1280x800, with the bars above the
//! grid and the issues panel beside it left as empty space of the same size), the same row
//! count, columns and column widths, the same table settings, one plain label per cell from a
//! pre-built page of `String`s, cells out of sight sideways skipped as the grid skips them,
//! and the same scrolling (to a row, then sideways to the cell). What the view costs beyond
//! it is the app's own work.

use std::io::{BufWriter, Write};
use std::path::Path;
use std::sync::atomic::AtomicBool;
use std::time::{Duration, Instant};

use egui::Align;
use egui_extras::{Column, TableBuilder};

use seller_console::feed::table::issues::summarize;
use seller_console::feed::table::{Edit, Table};
use seller_console::ui::views::catalog::CatalogView;
use seller_console::worker::catalog::preview;

mod common;

use common::{Drawn, Stats, window};

const BENCH: &str = "catalog_view_bench";
/// The grid's row height (`ui::views::catalog::grid::ROW_HEIGHT`).
const ROW_HEIGHT: f32 = 20.0;
/// The issues panel's default width beside the grid.
const ISSUES_PANEL: f32 = 340.0;
/// Rows in the bare table's page of cells (row `i` shows page row `i % PAGE`).
const PAGE: usize = 64;

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

/// Runs one egui frame (layout only) of the document at 1280x800; returns its duration and
/// what it drew.
fn frame(ctx: &egui::Context, view: &mut CatalogView) -> (Duration, Drawn) {
    let start = Instant::now();
    let output = ctx.run_ui(window(), |ui| view.document_frame(ui));
    let took = start.elapsed();
    let d = Drawn::of(&output, "#");
    // Nothing is rendered, so font textures are not uploaded anywhere.
    output.drop_without_applying_deltas();
    (took, d)
}

/// The floor: a bare `egui_extras` table of the same rows and columns, in its own context.
struct Bare {
    ctx: egui::Context,
    names: Vec<String>,
    page: Vec<Vec<String>>,
    rows: usize,
    /// Space above the table, so it starts where the view's grid starts.
    top: f32,
    /// The cell to bring into view in the next frame (row, column), as `CatalogView::go_to`.
    target: Option<(usize, usize)>,
}

impl Bare {
    fn new(table: &Table) -> Bare {
        let ncols = table.column_count();
        Bare {
            ctx: egui::Context::default(),
            names: (0..ncols)
                .map(|c| table.column_name(c).to_string())
                .collect(),
            page: (0..PAGE.min(table.row_count()))
                .map(|r| {
                    table
                        .row_cells(r)
                        .iter()
                        .map(std::string::ToString::to_string)
                        .collect()
                })
                .collect(),
            rows: table.row_count(),
            top: 0.0,
            target: None,
        }
    }

    fn go_to(&mut self, row: usize, col: usize) {
        self.target = Some((row, col));
    }

    fn set_cell(&mut self, row: usize, col: usize, value: &str) {
        let n = self.page.len();
        value.clone_into(&mut self.page[row % n][col]);
    }

    fn frame(&mut self) -> (Duration, Drawn) {
        let Bare {
            ctx,
            names,
            page,
            rows,
            top,
            target,
        } = self;
        let target = target.take();
        let digits = ((*rows).max(1) as f64).log10().floor() as usize + 1;
        let num_width = (16.0 + 8.0 * digits as f32).max(40.0);
        let start = Instant::now();
        let output = ctx.run_ui(window(), |ui| {
            ui.add_space(*top);
            egui::Panel::right(ui.scope_id().with("bare_side"))
                .resizable(true)
                .default_size(ISSUES_PANEL)
                .show(ui, |_| {});
            egui::CentralPanel::default().show(ui, |ui| {
                egui::ScrollArea::horizontal()
                    .id_salt("bare_h")
                    .auto_shrink([false, false])
                    .show(ui, |ui| {
                        let mut target_rect = None;
                        let mut builder = TableBuilder::new(ui)
                            .id_salt("bare_grid")
                            .striped(true)
                            .resizable(true)
                            .sense(egui::Sense::click())
                            .cell_layout(egui::Layout::left_to_right(Align::Center))
                            .column(Column::exact(num_width))
                            .columns(
                                Column::initial(150.0).at_least(36.0).clip(true),
                                names.len(),
                            )
                            .min_scrolled_height(0.0)
                            .max_scroll_height(f32::INFINITY)
                            .auto_shrink([false, false]);
                        if let Some((row, _)) = target {
                            builder = builder.scroll_to_row(row, Some(Align::Center));
                        }
                        builder
                            .header(24.0, |mut h| {
                                h.col(|ui| {
                                    ui.strong("#");
                                });
                                for name in names.iter() {
                                    h.col(|ui| {
                                        ui.strong(name.as_str());
                                    });
                                }
                            })
                            .body(|body| {
                                body.rows(ROW_HEIGHT, *rows, |mut row| {
                                    let r = row.index();
                                    row.col(|ui| {
                                        ui.label((r + 1).to_string());
                                    });
                                    for (c, value) in page[r % page.len()].iter().enumerate() {
                                        let (_, resp) = row.col(|ui| {
                                            if ui.is_rect_visible(ui.max_rect()) {
                                                ui.label(value.as_str());
                                            }
                                        });
                                        if target == Some((r, c)) {
                                            target_rect = Some(resp.rect);
                                        }
                                    }
                                });
                            });
                        if let Some(rect) = target_rect {
                            ui.scroll_to_rect(rect, None);
                        }
                    });
            });
        });
        let took = start.elapsed();
        let d = Drawn::of(&output, "#");
        output.drop_without_applying_deltas();
        (took, d)
    }
}

fn main() {
    let mb: u64 = common::env_num("CATALOG_BENCH_MB", 200);
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("catalog.csv");
    let t = Instant::now();
    let rows = generate(&path, mb << 20).expect("generate");
    let size = std::fs::metadata(&path).map_or(0, |m| m.len());
    let file_mb = size as f64 / 1_048_576.0;
    println!(
        "catalog_view_bench: {rows} rows, {file_mb:.0} MB (generated in {:.1} s)",
        t.elapsed().as_secs_f64()
    );
    let what = format!("{file_mb:.0} MB, {rows} rows");

    let t = Instant::now();
    let (_, first) = preview(&path, None, 200).expect("preview");
    common::info(
        BENCH,
        &format!(
            "first rows visible (quick read of 64 KB, {} rows)",
            first.len().saturating_sub(1)
        ),
        "ms",
        common::ms(t.elapsed()),
    );

    let t = Instant::now();
    let never = AtomicBool::new(false);
    let table = Table::open(&path, &never, |_, _| {}).expect("open");
    common::info(
        BENCH,
        &format!("full load + validation, {what}"),
        "s",
        t.elapsed().as_secs_f64(),
    );

    let t = Instant::now();
    let report = summarize(&table);
    common::info(
        BENCH,
        &format!(
            "issue summary, {} errors and {} warnings (on the worker, at load and after edits)",
            report.counts.errors, report.counts.warnings
        ),
        "ms",
        common::ms(t.elapsed()),
    );
    let mut bare = Bare::new(&table);
    let mut view = CatalogView::with_table(table, path.clone());

    let ctx = egui::Context::default();
    let mut grid_top = None;
    for _ in 0..3 {
        grid_top = frame(&ctx, &mut view).1.marker.map(|p| p.y).or(grid_top);
    }
    // Start the bare table where the view's grid starts.
    let bare_top = (0..3)
        .find_map(|_| bare.frame().1.marker.map(|p| p.y))
        .unwrap_or(0.0);
    bare.top = (grid_top.unwrap_or(bare_top) - bare_top).max(0.0);
    for _ in 0..3 {
        bare.frame();
    }

    let n = rows as usize;
    let (mut scroll, mut scroll_bare) = (Vec::new(), Vec::new());
    let (mut texts, mut texts_bare) = (0, 0);
    for i in 0..240 {
        view.go_to(n / 2 + i * 3, 1);
        let (t, d) = frame(&ctx, &mut view);
        scroll.push(t);
        bare.go_to(n / 2 + i * 3, 1);
        let (tb, db) = bare.frame();
        scroll_bare.push(tb);
        (texts, texts_bare) = (d.texts, db.texts);
    }
    println!(
        "catalog_view_bench: texts drawn in the last scrolling frame: view {texts}, bare table {texts_bare}; the bare table starts {:.0} px down",
        bare.top
    );
    common::frames(
        BENCH,
        "frame scrolling 3 rows a frame",
        Stats::of(&scroll),
        Stats::of(&scroll_bare),
        Some(1.5),
    );
    let (mut jumps, mut jumps_bare) = (Vec::new(), Vec::new());
    for i in 0..120 {
        let (row, col) = ((i * 7919 * 31) % n, i % 20);
        view.go_to(row, col);
        jumps.push(frame(&ctx, &mut view).0);
        bare.go_to(row, col);
        jumps_bare.push(bare.frame().0);
    }
    common::frames(
        BENCH,
        "frame jumping to a random cell",
        Stats::of(&jumps),
        Stats::of(&jumps_bare),
        Some(1.5),
    );

    // The first edits of a session pay one-time costs (caches and buffers growing); they are
    // timed and printed apart from the twenty that follow, on other rows. The bare table's
    // edit writes the string into its page.
    let mut first = (Vec::new(), Vec::new());
    let mut later = (Vec::new(), Vec::new());
    let mut edit_only = Vec::new();
    for i in 0..40 {
        let row = (i * 104_729) % n;
        let value = if i % 2 == 0 { "in stock" } else { "in_stock" };
        view.go_to(row, 13);
        frame(&ctx, &mut view);
        let t = Instant::now();
        view.apply_edit(Edit::SetCell {
            row,
            col: 13,
            value: value.into(),
        });
        let applied = t.elapsed();
        frame(&ctx, &mut view);
        let with_frame = t.elapsed();

        bare.go_to(row, 13);
        bare.frame();
        let t = Instant::now();
        bare.set_cell(row, 13, value);
        bare.frame();
        let bare_frame = t.elapsed();
        if i < 20 {
            first.0.push(with_frame);
            first.1.push(bare_frame);
        } else {
            edit_only.push(applied);
            later.0.push(with_frame);
            later.1.push(bare_frame);
        }
    }
    common::frames(
        BENCH,
        "the session's first 20 edits, each + frame",
        Stats::of(&first.0),
        Stats::of(&first.1),
        Some(2.0),
    );
    common::frames(
        BENCH,
        "the next 20 edits, each + frame",
        Stats::of(&later.0),
        Stats::of(&later.1),
        Some(2.0),
    );
    common::info(
        BENCH,
        "an edit with its incremental re-check (Table::apply; the summary follows on the worker), mean",
        "ms",
        Stats::of(&edit_only).mean,
    );
}
