//! Shop exports become Stripe feeds: one fixture per source format, built from the format's
//! documented layout (variants, image-only rows, HTML, missing barcodes, drafts, nested XML,
//! JSON), converted with the suggested mapping; what the validator still finds is only what
//! the source does not have. Mapping files round-trip, and `seller-console convert` uses them.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use seller_console::feed::sources::{self, Mapping, SourceFormat};
use seller_console::feed::validate::{self, Options};
use seller_console::feed::{FeedKind, Severity};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/sources")
        .join(name)
}

/// The converted feed as rows of `column → value`, with the summary and the rule ids of the
/// errors and warnings the validator reports on it.
struct Converted {
    rows: Vec<std::collections::HashMap<String, String>>,
    summary: sources::Summary,
    problems: BTreeSet<String>,
}

impl Converted {
    fn row(&self, id: &str) -> &std::collections::HashMap<String, String> {
        self.rows
            .iter()
            .find(|r| r["id"] == id)
            .unwrap_or_else(|| panic!("no feed row {id}"))
    }
}

fn convert(name: &str, edit: impl FnOnce(&mut Mapping)) -> Converted {
    let src = fixture(name);
    let detected = sources::detect(&src).unwrap().expect("a known format");
    assert!(detected.sure, "{name}: detection should be sure");
    let header = sources::open(&src, detected.format).unwrap().header;
    let mut mapping = sources::suggest(detected.format, &header);
    edit(&mut mapping);
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("feed.csv");
    let summary = sources::convert_file(&src, detected.format, &mapping, &out).unwrap();
    let mut reader = csv::Reader::from_path(&out).unwrap();
    let header: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_owned)
        .collect();
    let rows = reader
        .records()
        .map(|r| {
            header
                .iter()
                .cloned()
                .zip(r.unwrap().iter().map(str::to_owned))
                .collect()
        })
        .collect();
    let report = validate::validate_file(
        &out,
        &Options {
            feed: Some(FeedKind::Product),
        },
    )
    .unwrap();
    let problems = report
        .diagnostics
        .iter()
        .filter(|d| d.severity != Severity::Info)
        .map(|d| format!("{}@{}", d.rule, d.row.unwrap_or(0)))
        .collect();
    Converted {
        rows,
        summary,
        problems,
    }
}

fn shop(mapping: &mut Mapping) {
    mapping.settings.shop_url = "https://shop.example".into();
    mapping.settings.sale_window = "2026-12-01/2026-12-31".into();
}

fn set(items: &[&str]) -> BTreeSet<String> {
    items.iter().map(|s| (*s).to_owned()).collect()
}

#[test]
fn a_shopify_export_becomes_one_row_per_variant_with_its_product_fields() {
    let c = convert("shopify_products.csv", shop);
    assert_eq!(c.rows.len(), 5, "3 tee variants, the board, the e-book");
    assert_eq!(c.summary.skipped[0].reason, "draft in Shopify");
    let navy = c.row("NW-TEE-NAVY-S");
    // Product fields from the first row; Vendor is the brand; HTML is text.
    assert_eq!(navy["title"], "Organic Cotton Tee");
    assert_eq!(navy["brand"], "Northwind Apparel");
    assert!(navy["description"].starts_with("Soft organic cotton tee & a relaxed fit."));
    assert!(!navy["description"].contains('<'));
    assert_eq!(
        navy["link"],
        "https://shop.example/products/organic-cotton-tee"
    );
    // Compare-at is the price before the sale; the variant price is the sale price.
    assert_eq!(navy["price"], "24.00 USD");
    assert_eq!(navy["sale_price"], "19.00 USD");
    assert_eq!(navy["sale_price_effective_date"], "2026-12-01/2026-12-31");
    // The variant's own image first; image-only rows are additional images.
    assert_eq!(
        navy["image_link"],
        "https://cdn.shopify.com/s/files/1/tee-navy.jpg"
    );
    assert!(navy["additional_image_link"].contains("tee-folded.jpg"));
    assert_eq!(
        (navy["color"].as_str(), navy["size"].as_str()),
        ("Navy", "S")
    );
    assert_eq!(navy["item_group_id"], "organic-cotton-tee");
    assert_eq!(navy["gender"], "unisex");
    let oat_m = c.row("NW-TEE-OAT-M");
    assert_eq!(oat_m["availability"], "out_of_stock");
    assert_eq!(oat_m["gtin"], "0012345678912");
    assert_eq!(oat_m["weight"], "190 g");
    // Oversold with "continue selling": a backorder, never a negative count.
    let board = c.row("FH-BOARD-OAK");
    assert_eq!(
        (
            board["availability"].as_str(),
            board["inventory_quantity"].as_str()
        ),
        ("backorder", "0")
    );
    assert_eq!(board["custom_variant_option_name_1"], "Material");
    assert_eq!(board["item_group_id"], "", "one variant is no group");
    // No SKU and no tracked stock: the handle is the id, stock not tracked.
    let book = c.row("digital-recipe-book");
    assert_eq!(book["inventory_not_tracked"], "true");
    assert_eq!(book["inventory_quantity"], "");
    // Left: the barcodes the shop never entered (rows 3 and 5 have neither GTIN nor MPN).
    assert_eq!(c.problems, set(&["X1_gtin_or_mpn@3", "X1_gtin_or_mpn@5"]));
}

#[test]
fn a_shopify_export_without_the_shop_address_says_the_links_are_missing() {
    let c = convert("shopify_products.csv", |_| {});
    assert_eq!(c.row("FH-BOARD-OAK")["link"], "");
    assert!(
        c.problems.iter().any(|p| p.starts_with("required@")),
        "{:?}",
        c.problems
    );
}

#[test]
fn a_woocommerce_export_takes_variations_with_their_parent() {
    let c = convert("woocommerce_products.csv", shop);
    let reasons: Vec<&str> = c
        .summary
        .skipped
        .iter()
        .map(|s| s.reason.as_str())
        .collect();
    assert_eq!(
        reasons,
        [
            "a variable product (its variations are the feed rows)",
            "a grouped product (a set of other products)",
            "a draft in WooCommerce"
        ]
    );
    assert_eq!(c.rows.len(), 4);
    // A variation found by its parent's SKU, one by `id:44`: both take the parent's text.
    for id in ["woo-vneck-tee-red-m", "woo-vneck-tee-green-l"] {
        let v = c.row(id);
        assert_eq!(v["item_group_id"], "woo-vneck-tee");
        assert_eq!(v["item_group_title"], "V-Neck T-Shirt");
        assert_eq!(v["description"], "A comfortable v-neck in three colours.");
        assert_eq!(v["brand"], "Woo Basics");
        assert_eq!(v["product_category"], "Clothing > Tshirts");
        assert_eq!(v["link"], "https://shop.example/?p=44");
        assert_eq!(v["weight"], "0.5 kg");
        assert_eq!(v["price"], "20.00 USD");
    }
    let green = c.row("woo-vneck-tee-green-l");
    assert_eq!(
        (green["color"].as_str(), green["size"].as_str()),
        ("Green", "Large")
    );
    assert_eq!(green["availability"], "out_of_stock");
    assert_eq!(
        green["image_link"], "https://shop.example/wp-content/uploads/vneck-red.jpg",
        "no image of its own: the parent's first"
    );
    let hoodie = c.row("woo-hoodie-logo");
    assert_eq!(hoodie["sale_price"], "39.00 USD");
    assert_eq!(hoodie["sale_price_effective_date"], "2026-12-01/2026-12-31");
    assert_eq!(hoodie["gtin"], "9780306406157");
    assert_eq!(hoodie["inventory_quantity"], "25");
    assert_eq!(hoodie["product_category"], "Clothing > Hoodies");
    let beanie = c.row("woo-beanie");
    assert_eq!(beanie["inventory_not_tracked"], "true");
    // Left: GTINs the shop lacks (the green variation, the beanie) and apparel sizes that
    // simple products do not have.
    assert_eq!(
        c.problems,
        set(&[
            "X1_gtin_or_mpn@3",
            "X1_gtin_or_mpn@4",
            "recommended_empty@1",
            "recommended_empty@4"
        ])
    );
}

#[test]
fn a_merchant_center_rss_feed_with_nested_shipping_converts() {
    let c = convert("google_feed.xml", |_| {});
    assert_eq!(c.rows.len(), 2);
    let sand = c.row("FH-MUG-01");
    assert_eq!(sand["price"], "18.00 USD");
    assert_eq!(sand["availability"], "in_stock");
    assert_eq!(sand["sale_price_effective_date"], "2026-12-01/2026-12-24");
    assert_eq!(
        sand["shipping"],
        "US:ALL:Standard::4.95 USD,US:CA:Express::12.00 USD"
    );
    assert_eq!(
        sand["additional_image_link"],
        "https://fjord.example/img/mug-side.jpg,https://fjord.example/img/mug-top.jpg"
    );
    assert_eq!(
        sand["description"],
        "Hand-thrown stoneware mug, 350 ml. Dishwasher & microwave safe."
    );
    assert_eq!(sand["weight"], "0.4 kg");
    let slate = c.row("FH-MUG-02");
    assert_eq!(slate["availability"], "out_of_stock");
    assert_eq!(
        slate["description"],
        "Hand-thrown stoneware mug, 350 ml. Glazed in slate."
    );
    // Left: the slate mug has no GTIN (`identifier_exists=no`) and no category.
    assert_eq!(c.problems, set(&["X1_gtin_or_mpn@2", "X2_category@2"]));
}

#[test]
fn a_merchant_center_tsv_with_spaced_names_converts() {
    let c = convert("google_feed.tsv", |_| {});
    let lamp = c.row("FH-LAMP-01");
    assert_eq!(lamp["image_link"], "https://fjord.example/img/lamp.jpg");
    assert_eq!(lamp["shipping"], "US:ALL:Standard::0.00 USD");
    let rug = c.row("FH-RUG-01");
    assert_eq!(rug["price"], "420.00 USD");
    assert_eq!(rug["availability"], "preorder");
    // Left: the preorder's release date, which the feed does not give.
    assert_eq!(c.problems, set(&["X3_preorder_date@2"]));
}

#[test]
fn openai_feeds_in_csv_and_json_convert() {
    let c = convert("openai_feed.csv", |_| {});
    assert_eq!(
        c.summary.skipped[0].reason,
        "not eligible for search in the OpenAI feed"
    );
    let ten = c.row("SKU-TRAIL-BLK-10");
    assert_eq!(
        ten["link"],
        "https://example-store.com/product/trail-shoe?size=10"
    );
    assert_eq!(
        ten["additional_image_link"],
        "https://example-store.com/images/trail-side.jpg,https://example-store.com/images/trail-sole.jpg"
    );
    assert_eq!(ten["product_review_rating"], "4.6");
    assert_eq!(ten["disable_checkout"], "false");
    let eleven = c.row("SKU-TRAIL-BLK-11");
    assert_eq!(eleven["availability"], "preorder");
    assert_eq!(eleven["disable_checkout"], "true");
    assert_eq!(
        c.problems,
        set(&["X1_gtin_or_mpn@2", "X3_preorder_date@2", "X5_sale_window@1"])
    );

    let j = convert("openai_feed.json", |_| {});
    let shoe = j.row("SKU-TRAIL-SHOE-BLK-10");
    assert_eq!(shoe["inventory_quantity"], "42");
    assert_eq!(shoe["length"], "12 in");
    assert_eq!(
        shoe["shipping"],
        "US:CA:Standard::7.00 USD,US:ALL:Express::16.00 USD"
    );
    assert!(j.problems.is_empty(), "{:?}", j.problems);
}

#[test]
fn a_mapping_file_round_trips_and_the_cli_uses_it() {
    let src = fixture("shopify_products.csv");
    let header = sources::open(&src, SourceFormat::Shopify).unwrap().header;
    let mut mapping = sources::suggest(SourceFormat::Shopify, &header);
    mapping.settings.shop_url = "https://shop.example".into();
    mapping.columns.insert(
        "brand".into(),
        sources::Rule::Constant {
            value: "Northwind".into(),
        },
    );
    let text = mapping.to_json();
    assert_eq!(Mapping::from_json(&text).unwrap(), mapping);

    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("mapping.json");
    std::fs::write(&file, &text).unwrap();
    let out = dir.path().join("feed.csv");
    let run = std::process::Command::new(env!("CARGO_BIN_EXE_seller-console"))
        .args(["convert"])
        .arg(&src)
        .arg("--mapping")
        .arg(&file)
        .arg("--out")
        .arg(&out)
        .env(seller_console::payment_journal::DATA_DIR_ENV, dir.path())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&run.stdout);
    assert_eq!(
        run.status.code(),
        Some(1),
        "missing GTINs are errors: {stdout}"
    );
    assert!(stdout.contains("into 5 feed row(s)"), "{stdout}");
    assert!(
        stdout.contains("left out 1 item(s): draft in Shopify (source row 8)"),
        "{stdout}"
    );
    let mut feed = csv::Reader::from_path(&out).unwrap();
    let brand = feed
        .headers()
        .unwrap()
        .iter()
        .position(|h| h == "brand")
        .unwrap();
    let brands: Vec<String> = feed
        .records()
        .map(|r| r.unwrap()[brand].to_owned())
        .collect();
    assert_eq!(brands, ["Northwind"; 5]);
    // The source is never written.
    assert!(
        std::fs::read_to_string(&src)
            .unwrap()
            .starts_with("Handle,Title")
    );

    // A mapping from a newer console is refused with its reason, and nothing is written.
    std::fs::write(&file, text.replace("\"version\": 1", "\"version\": 9")).unwrap();
    let out2 = dir.path().join("feed2.csv");
    let run = std::process::Command::new(env!("CARGO_BIN_EXE_seller-console"))
        .args(["convert"])
        .arg(&src)
        .arg("--mapping")
        .arg(&file)
        .arg("--out")
        .arg(&out2)
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&run.stderr).contains("version 9"));
    assert!(!out2.exists());
}

#[test]
fn hostile_sources_get_a_sentence_not_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    let broken = dir.path().join("broken.xml");
    std::fs::write(&broken, "<rss><channel><item><g:id>1</g:id><g:title>Cut").unwrap();
    let err = match sources::open(&broken, SourceFormat::Google) {
        Ok(source) => source
            .map(|i| i.map(|_| ()))
            .collect::<Result<Vec<_>, _>>()
            .unwrap_err(),
        Err(e) => e,
    };
    assert!(
        err.to_string().contains("XML feed could not be read"),
        "{err}"
    );

    let json = dir.path().join("feed.json");
    std::fs::write(&json, "{\"products\": 3}").unwrap();
    let err = sources::open(&json, SourceFormat::Openai).err().unwrap();
    assert!(err.to_string().contains("no `products`"), "{err}");

    let empty = dir.path().join("empty.csv");
    std::fs::write(&empty, "").unwrap();
    assert!(sources::open(&empty, SourceFormat::Shopify).is_err());
    // A Stripe feed is not offered for conversion.
    let stripe = dir.path().join("stripe.csv");
    std::fs::write(&stripe, "id,title,price\n1,Mug,5.00 USD\n").unwrap();
    assert_eq!(sources::detect(&stripe).unwrap(), None);
    // A Shopify export saved from Excel in Windows-1252 keeps its accents.
    let legacy = dir.path().join("legacy.csv");
    let mut bytes = b"Handle,Title,Vendor,Variant SKU,Variant Price\nmug,Caf".to_vec();
    bytes.extend([0xE9]);
    bytes.extend(b" Mug,Cr\xE8me,M1,5\n");
    std::fs::write(&legacy, bytes).unwrap();
    let header = sources::open(&legacy, SourceFormat::Shopify)
        .unwrap()
        .header;
    let mapping = sources::suggest(SourceFormat::Shopify, &header);
    let out = dir.path().join("legacy-feed.csv");
    sources::convert_file(&legacy, SourceFormat::Shopify, &mapping, &out).unwrap();
    let feed = std::fs::read_to_string(&out).unwrap();
    assert!(
        feed.contains("Café Mug") && feed.contains("Crème"),
        "{feed}"
    );
    // Writing over the source is refused.
    let err = sources::convert_file(&legacy, SourceFormat::Shopify, &mapping, &legacy).unwrap_err();
    assert!(err.to_string().contains("never changes"), "{err}");
}

#[test]
fn stripe_feeds_open_as_feeds_and_shop_exports_go_to_the_mapper() {
    for entry in std::fs::read_dir("tests/fixtures/feed").unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let detected = sources::detect(&path).ok().flatten();
        if name == "product_openai_header.csv" {
            assert_eq!(
                detected.map(|d| d.format),
                Some(SourceFormat::Openai),
                "an OpenAI-spec feed is offered for conversion"
            );
        } else {
            assert_eq!(detected, None, "{name} is a Stripe feed");
        }
    }
    let demo = tempfile::tempdir().unwrap();
    let demo_feed = demo.path().join("demo.csv");
    std::fs::write(&demo_feed, seller_console::sandbox::demo_catalog_csv()).unwrap();
    assert_eq!(sources::detect(&demo_feed).unwrap(), None);
    for (name, format) in [
        ("shopify_products.csv", SourceFormat::Shopify),
        ("shopify_store.csv", SourceFormat::Shopify),
        ("woocommerce_products.csv", SourceFormat::Woocommerce),
        ("google_feed.xml", SourceFormat::Google),
        ("google_feed.tsv", SourceFormat::Google),
        ("openai_feed.csv", SourceFormat::Openai),
        ("openai_feed.json", SourceFormat::Openai),
    ] {
        let detected = sources::detect(&fixture(name)).unwrap().unwrap();
        assert_eq!(detected.format, format, "{name}");
        assert!(detected.sure, "{name} leaves no doubt");
    }
}

#[test]
fn a_preview_is_the_first_rows_of_the_whole_conversion() {
    let src = fixture("shopify_products.csv");
    let header = sources::open(&src, SourceFormat::Shopify).unwrap().header;
    let mut mapping = sources::suggest(SourceFormat::Shopify, &header);
    shop(&mut mapping);
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("feed.csv");
    let whole = sources::convert_file(&src, SourceFormat::Shopify, &mapping, &out).unwrap();
    let text = std::fs::read_to_string(&out).unwrap();
    for rows in 1..=whole.rows {
        let (bytes, summary) =
            sources::preview(&src, SourceFormat::Shopify, &mapping, rows).unwrap();
        assert_eq!(summary.rows, rows);
        let preview = String::from_utf8(bytes).unwrap();
        assert!(text.starts_with(&preview), "a preview of {rows} rows");
        let records = csv::Reader::from_reader(preview.as_bytes())
            .records()
            .count();
        assert_eq!(
            records as u64, rows,
            "a preview of {rows} rows holds that many"
        );
    }
    let (_, all) = sources::preview(&src, SourceFormat::Shopify, &mapping, 100).unwrap();
    assert_eq!(
        all, whole,
        "a preview longer than the feed is the whole conversion"
    );
}
