//! Writes a realistic Stripe product feed for tests and benchmarks.
//!
//! ```text
//! cargo run --release --example gen_catalog -- --rows 400000 --error-rate 0.01 --out catalog.csv
//! cargo run --release --example gen_catalog -- --size-mb 200 --out catalog.csv
//! ```
//!
//! Rows look like real apparel, kitchen and digital products: variant groups with colors and
//! sizes, multi-entry shipping, sale windows, reviews, relations and descriptions with quoted
//! commas. With `--error-rate P`, each row carries one typical seller mistake with
//! probability P (wrong enum spelling, decimal comma, missing required cell, bad GTIN…).
//! The output is deterministic for a given `--seed`.

// Rows are built by assigning each cell once; `clone_into` would read worse than `=` here.
#![allow(clippy::assigning_clones)]

use std::fs::File;
use std::io::{BufWriter, Write};
use std::process::ExitCode;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

const HEADER: &str = "id,title,description,link,brand,gtin,mpn,image_link,additional_image_link,condition,google_product_category,product_category,item_group_id,item_group_title,color,size,size_system,gender,material,weight,availability,availability_date,inventory_not_tracked,inventory_quantity,price,sale_price,sale_price_effective_date,stripe_product_tax_code,tax_behavior,shipping,shipping_cost_basis,free_shipping_threshold,product_review_count,product_review_rating,related_products,product_warning,age_restriction,custom_label_0,delete,disable_checkout";

const BRANDS: &[&str] = &[
    "Northline",
    "Brewline",
    "Fieldcraft",
    "Oak & Ivy",
    "Kestrel",
];
const COLORS: &[&str] = &["Navy", "Black", "Heather Grey", "Forest", "Rust", "Oat"];
const SIZES: &[&str] = &["XS", "S", "M", "L", "XL"];
const GARMENTS: &[(&str, &str)] = &[
    ("Organic Cotton Crew Tee", "212"),
    ("Merino Hoodie", "5598"),
    ("Canvas Work Pants", "204"),
    ("Linen Shirt", "212"),
];
const KITCHEN: &[&str] = &[
    "Gooseneck Pour-Over Kettle",
    "Cast Iron Skillet",
    "Ceramic Dripper",
    "Burr Coffee Grinder",
];
const WORDS: &[&str] = &[
    "durable",
    "soft",
    "stainless",
    "hand-finished",
    "lightweight",
    "everyday",
    "classic",
    "breathable",
    "pre-shrunk",
    "recycled",
    "precise",
    "balanced",
    "timeless",
    "sturdy",
];

struct Args {
    rows: u64,
    size_mb: Option<u64>,
    error_rate: f64,
    seed: u64,
    out: String,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        rows: 1000,
        size_mb: None,
        error_rate: 0.0,
        seed: 42,
        out: String::new(),
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || it.next().ok_or(format!("{flag} needs a value"));
        match flag.as_str() {
            "--rows" => args.rows = value()?.parse().map_err(|e| format!("--rows: {e}"))?,
            "--size-mb" => {
                args.size_mb = Some(value()?.parse().map_err(|e| format!("--size-mb: {e}"))?);
            }
            "--error-rate" => {
                args.error_rate = value()?.parse().map_err(|e| format!("--error-rate: {e}"))?;
            }
            "--seed" => args.seed = value()?.parse().map_err(|e| format!("--seed: {e}"))?,
            "--out" => args.out = value()?,
            other => return Err(format!("unknown argument `{other}`")),
        }
    }
    if args.out.is_empty() {
        return Err("--out FILE is required".to_owned());
    }
    if !(0.0..=1.0).contains(&args.error_rate) {
        return Err("--error-rate must be between 0 and 1".to_owned());
    }
    Ok(args)
}

fn pick<'a>(rng: &mut StdRng, list: &[&'a str]) -> &'a str {
    list[rng.random_range(0..list.len())]
}

/// A valid EAN-13 built from a 12-digit body.
fn gtin13(body: u64) -> String {
    let digits = format!("{:012}", body % 1_000_000_000_000);
    let sum: u32 = digits
        .bytes()
        .rev()
        .enumerate()
        .map(|(i, b)| u32::from(b - b'0') * if i % 2 == 0 { 3 } else { 1 })
        .sum();
    format!("{digits}{}", (10 - sum % 10) % 10)
}

fn quote(cell: &str) -> String {
    if cell.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", cell.replace('"', "\"\""))
    } else {
        cell.to_owned()
    }
}

fn description(rng: &mut StdRng, title: &str) -> String {
    let n = rng.random_range(12..40);
    let words: Vec<&str> = (0..n).map(|_| pick(rng, WORDS)).collect();
    format!(
        "{title}: {}, made to last. Care: wash cold, dry flat.",
        words.join(" ")
    )
}

/// One row as its cells, in `HEADER` order.
fn product_row(rng: &mut StdRng, n: u64) -> Vec<String> {
    let mut c: Vec<String> = vec![String::new(); 40];
    let kind = n % 10;
    let brand = pick(rng, BRANDS);
    let group = n / 5;
    if kind < 6 {
        // Apparel variant in a group of five sizes.
        let (garment, gpc) = GARMENTS[(group % GARMENTS.len() as u64) as usize];
        let color = COLORS[(group % COLORS.len() as u64) as usize];
        let size = SIZES[(n % 5) as usize];
        let slug = garment.to_lowercase().replace(' ', "-");
        c[0] = format!("APP-{group:07}-{size}");
        c[1] = format!("{garment} - {color} / {size}");
        c[2] = description(rng, garment);
        c[3] = format!("https://shop.example.com/p/{slug}?v={group}&size={size}");
        c[5] = gtin13(612_345_000_000 + n);
        c[7] = format!("https://cdn.example.com/img/{slug}-{group}.jpg");
        c[8] = format!(
            "https://cdn.example.com/img/{slug}-{group}-back.jpg,https://cdn.example.com/img/{slug}-{group}-detail.jpg"
        );
        c[10] = gpc.to_owned();
        c[12] = format!("APP-{group:07}");
        c[13] = garment.to_owned();
        c[14] = color.to_owned();
        c[15] = size.to_owned();
        c[16] = "US".to_owned();
        c[17] = "unisex".to_owned();
        c[18] = "Organic cotton".to_owned();
        c[19] = format!("0.{} lb", rng.random_range(2..9));
    } else if kind < 9 {
        let item = KITCHEN[(n % KITCHEN.len() as u64) as usize];
        let slug = item.to_lowercase().replace(' ', "-");
        c[0] = format!("KIT-{n:08}");
        c[1] = format!("{item} {}", rng.random_range(1..4));
        c[2] = description(rng, item);
        c[3] = format!("https://shop.example.com/p/{slug}-{n}");
        c[5] = gtin13(400_638_100_000 + n);
        c[6] = format!("BRW-{n:06}");
        c[7] = format!("https://cdn.example.com/img/{slug}-{n}.png");
        c[11] = "Home & Garden > Kitchen & Dining > Kitchen Tools & Utensils".to_owned();
        c[18] = "Stainless steel".to_owned();
        c[19] = format!("{}.{} lb", rng.random_range(1..6), rng.random_range(0..10));
    } else {
        c[0] = format!("DIG-{n:08}");
        c[1] = format!("The Home Barista Guide, Volume {}", n % 97);
        c[2] = "PDF and EPUB guide to brewing coffee at home, with 40 recipes.".to_owned();
        c[3] = format!("https://shop.example.com/p/guide-{n}");
        c[6] = format!("BRW-EB-{n:06}");
        c[7] = format!("https://cdn.example.com/img/guide-{n}.jpg");
        c[11] = "Media > Books > E-books".to_owned();
    }
    c[4] = brand.to_owned();
    c[9] = "new".to_owned();
    let digital = kind == 9;
    let preorder = !digital && rng.random_bool(0.03);
    if preorder {
        c[20] = "preorder".to_owned();
        c[21] = format!(
            "2026-{:02}-{:02}",
            rng.random_range(1..13),
            rng.random_range(1..29)
        );
    } else {
        c[20] = if rng.random_bool(0.9) {
            "in_stock"
        } else {
            "out_of_stock"
        }
        .to_owned();
    }
    if digital {
        c[22] = "true".to_owned();
    } else {
        c[22] = "false".to_owned();
        c[23] = if c[20] == "out_of_stock" {
            "0".to_owned()
        } else {
            rng.random_range(1..500).to_string()
        };
    }
    let price = rng.random_range(5..300);
    c[24] = format!("{price}.00 USD");
    if rng.random_bool(0.15) {
        c[25] = format!("{}.99 USD", price.max(2) - 1);
        c[26] = "2026-11-27/2026-12-01".to_owned();
    }
    c[27] = "txcd_99999999".to_owned();
    c[28] = "exclusive".to_owned();
    if !digital {
        c[29] = "US:ALL:Standard Shipping:3-5:4.95 USD,US:ALL:Express Shipping:1-2:14.00 USD"
            .to_owned();
        c[30] = "per_order".to_owned();
        c[31] = "US:ALL:Standard Shipping:50.00 USD".to_owned();
    }
    let reviews = rng.random_range(0..300);
    c[32] = reviews.to_string();
    if reviews > 0 {
        c[33] = format!("{}.{}", rng.random_range(1..5), rng.random_range(0..10));
    }
    if rng.random_bool(0.2) {
        c[34] = format!("cross_sell:KIT-{:08},upsell:KIT-{:08}", n + 1, n + 2);
    }
    c[37] = "fall-2026".to_owned();
    c[38] = "false".to_owned();
    c[39] = if digital { "true" } else { "false" }.to_owned();
    c
}

/// Applies one typical seller mistake to a row.
fn break_row(rng: &mut StdRng, c: &mut [String], n: u64) {
    match rng.random_range(0..12) {
        0 => c[20] = "In Stock".to_owned(),
        1 => c[24] = c[24].replace('.', ",").replace(" USD", " EUR"),
        2 => c[1].clear(),
        3 => {
            c[20] = "preorder".to_owned();
            c[21].clear();
        }
        4 => c[0] = format!("KIT-{:08}", n.saturating_sub(1)), // duplicate of a neighbour
        5 => {
            if let Some(last) = c[5].pop() {
                c[5].push(if last == '9' { '0' } else { '9' });
            }
        }
        6 => c[1] = c[1].to_uppercase(),
        7 => c[2] = format!("<p>{}</p>", c[2]),
        8 => c[26] = "2026-12-01/2026-11-27".to_owned(),
        9 => c[24] = c[24].replace("USD", "USX"),
        10 => c[22] = "TRUE".to_owned(),
        _ => c[7] = c[7].replace("https://", "cdn/"),
    }
}

fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!(
                "gen_catalog: {e}\nusage: gen_catalog --out FILE [--rows N | --size-mb M] [--error-rate P] [--seed S]"
            );
            return ExitCode::from(2);
        }
    };
    let file = match File::create(&args.out) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("gen_catalog: cannot create {}: {e}", args.out);
            return ExitCode::from(2);
        }
    };
    let mut out = BufWriter::with_capacity(1 << 20, file);
    let mut rng = StdRng::seed_from_u64(args.seed);
    let target_bytes = args.size_mb.map(|mb| mb * 1024 * 1024);
    let mut written = HEADER.len() as u64 + 1;
    let mut line = String::with_capacity(2048);
    let result = (|| -> std::io::Result<u64> {
        writeln!(out, "{HEADER}")?;
        let mut n = 0u64;
        loop {
            match target_bytes {
                Some(t) if written >= t => break,
                None if n >= args.rows => break,
                _ => {}
            }
            let mut cells = product_row(&mut rng, n);
            if args.error_rate > 0.0 && rng.random_bool(args.error_rate) {
                break_row(&mut rng, &mut cells, n);
            }
            line.clear();
            for (i, cell) in cells.iter().enumerate() {
                if i > 0 {
                    line.push(',');
                }
                line.push_str(&quote(cell));
            }
            line.push('\n');
            out.write_all(line.as_bytes())?;
            written += line.len() as u64;
            n += 1;
        }
        out.flush()?;
        Ok(n)
    })();
    match result {
        Ok(n) => {
            eprintln!(
                "gen_catalog: wrote {n} rows, {written} bytes to {}",
                args.out
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("gen_catalog: writing {} failed: {e}", args.out);
            ExitCode::from(1)
        }
    }
}
