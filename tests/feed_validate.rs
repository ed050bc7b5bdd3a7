//! The feed validator against fixtures: the spec's example rows validate clean, each rule
//! trips on a row built to break it (asserting rule id, row and column), and file-level
//! oddities (BOM, CRLF, semicolons, Latin-1, quoted newlines, 0 bytes…) are reported.

use std::path::{Path, PathBuf};
use std::process::Command;

use seller_console::feed::validate::{Options, Report, validate_bytes, validate_file};
use seller_console::feed::{Diagnostic, FeedKind, Severity};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/feed")
        .join(name)
}

fn validate_fixture(name: &str) -> Report {
    match validate_file(&fixture(name), &Options::default()) {
        Ok(r) => r,
        Err(e) => panic!("fixture {name} unreadable: {e}"),
    }
}

fn errors(report: &Report) -> Vec<&Diagnostic> {
    report
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .collect()
}

fn find<'r>(report: &'r Report, rule: &str, row: Option<u64>) -> Option<&'r Diagnostic> {
    report
        .diagnostics
        .iter()
        .find(|d| d.rule == rule && d.row == row)
}

fn must_find<'r>(report: &'r Report, rule: &str, row: Option<u64>) -> &'r Diagnostic {
    find(report, rule, row).unwrap_or_else(|| {
        panic!(
            "expected `{rule}` at row {row:?}; got:\n{}",
            report
                .diagnostics
                .iter()
                .map(|d| format!("  {:?} {} {:?}: {}", d.row, d.rule, d.column, d.message))
                .collect::<Vec<_>>()
                .join("\n")
        )
    })
}

// ---------------------------------------------------------------------------------------
// The spec's own examples are clean

#[test]
fn spec_example_feeds_have_no_errors() {
    for (name, kind, rows) in [
        ("product_valid.csv", FeedKind::Product, 5),
        ("inventory_valid.csv", FeedKind::Inventory, 3),
        ("pricing_valid.csv", FeedKind::Pricing, 2),
        ("promotion_valid.csv", FeedKind::Promotion, 2),
    ] {
        let report = validate_fixture(name);
        assert_eq!(report.feed, kind, "{name} detected as {}", report.feed);
        assert_eq!(report.rows, rows, "{name}");
        assert!(
            errors(&report).is_empty(),
            "{name} should be clean, got {:#?}",
            errors(&report)
        );
    }
    // The delete row is recognised and nothing else on it is checked.
    let report = validate_fixture("product_valid.csv");
    let delete = must_find(&report, "X11_delete_row", Some(5));
    assert_eq!(delete.severity, Severity::Info);
    assert!(
        report
            .diagnostics
            .iter()
            .all(|d| d.row != Some(5) || d.rule == "X11_delete_row")
    );
}

// ---------------------------------------------------------------------------------------
// One product row per rule

/// The first example row of the spec as (header, cells).
fn base_product() -> (Vec<String>, Vec<String>) {
    let bytes = std::fs::read(fixture("product_valid.csv")).unwrap_or_default();
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(bytes.as_slice());
    let mut records = reader.records().map_while(Result::ok);
    let header = records.next().unwrap_or_default();
    let row = records.next().unwrap_or_default();
    (
        header.iter().map(str::to_owned).collect(),
        row.iter().map(str::to_owned).collect(),
    )
}

/// A product feed of two rows: the spec's first example row, then a copy with id
/// `TEST-ROW-2` and `overrides` applied (columns not in the header are appended).
fn product_with(overrides: &[(&str, &str)]) -> Vec<u8> {
    let (mut header, mut base) = base_product();
    let mut row = base.clone();
    "TEST-ROW-2".clone_into(&mut row[0]);
    for (column, value) in overrides {
        let i = if let Some(i) = header.iter().position(|h| h == column) {
            i
        } else {
            header.push((*column).to_owned());
            base.push(String::new());
            row.push(String::new());
            header.len() - 1
        };
        (*value).clone_into(&mut row[i]);
    }
    let mut writer = csv::Writer::from_writer(Vec::new());
    for record in [&header, &base, &row] {
        writer
            .write_record(record)
            .unwrap_or_else(|e| panic!("{e}"));
    }
    writer.into_inner().unwrap_or_default()
}

/// (cell overrides, rule, column, severity, one-click replacement if any)
type Case<'a> = (
    Vec<(&'a str, &'a str)>,
    &'a str,
    &'a str,
    Severity,
    Option<&'a str>,
);

#[test]
fn each_product_rule_trips_on_its_cell() {
    let long_title = "x".repeat(151);
    let eleven_images = (0..11)
        .map(|i| format!("https://cdn.example.com/{i}.jpg"))
        .collect::<Vec<_>>()
        .join(",");
    // (overrides, rule, column, severity, one-click replacement if any)
    let cases: Vec<Case<'_>> = vec![
        (
            vec![("availability", "in stock")],
            "enum",
            "availability",
            Severity::Error,
            Some("in_stock"),
        ),
        (
            vec![("availability", "pre_order")],
            "enum",
            "availability",
            Severity::Error,
            Some("preorder"),
        ),
        (
            vec![("condition", "New")],
            "enum",
            "condition",
            Severity::Error,
            Some("new"),
        ),
        (
            vec![("shipping_cost_basis", "per_unit")],
            "enum",
            "shipping_cost_basis",
            Severity::Error,
            None,
        ),
        (
            vec![("price", "63,00 EUR"), ("sale_price", "")],
            "money",
            "price",
            Severity::Error,
            Some("63.00 EUR"),
        ),
        (
            vec![("price", "USD 32")],
            "money",
            "price",
            Severity::Error,
            Some("32 USD"),
        ),
        (
            vec![("price", "15.00 ABC")],
            "currency",
            "price",
            Severity::Error,
            None,
        ),
        (
            vec![("price", "1500.00 JPY"), ("sale_price", "")],
            "money_decimals",
            "price",
            Severity::Error,
            Some("1500 JPY"),
        ),
        (
            vec![("title", "")],
            "required",
            "title",
            Severity::Error,
            None,
        ),
        (
            vec![("title", &long_title)],
            "max_length",
            "title",
            Severity::Error,
            None,
        ),
        (
            vec![("title", " Tee ")],
            "whitespace",
            "title",
            Severity::Warning,
            Some("Tee"),
        ),
        (
            vec![("title", "ORGANIC COTTON TEE")],
            "all_caps",
            "title",
            Severity::Warning,
            None,
        ),
        (
            vec![("description", "<p>Soft <b>tee</b>.</p>")],
            "description_html",
            "description",
            Severity::Warning,
            Some("Soft tee."),
        ),
        (
            vec![("description", "More at www.example.com today")],
            "description_link",
            "description",
            Severity::Warning,
            None,
        ),
        (
            vec![("id", "TEE ORG 2")],
            "id_characters",
            "id",
            Severity::Warning,
            None,
        ),
        (
            vec![("link", "shop.example.com/p")],
            "url",
            "link",
            Severity::Error,
            None,
        ),
        (
            vec![("link", "www.example.com/p")],
            "url",
            "link",
            Severity::Error,
            Some("https://www.example.com/p"),
        ),
        (
            vec![("link", "http://shop.example.com/p")],
            "url_http",
            "link",
            Severity::Warning,
            None,
        ),
        (
            vec![("image_link", "https://cdn.example.com/a.webp")],
            "image_format",
            "image_link",
            Severity::Warning,
            None,
        ),
        (
            vec![("additional_image_link", &eleven_images)],
            "too_many_entries",
            "additional_image_link",
            Severity::Error,
            None,
        ),
        (
            vec![(
                "additional_image_link",
                "https://a.example.com/x.jpg|https://a.example.com/y.jpg",
            )],
            "list_separator",
            "additional_image_link",
            Severity::Error,
            Some("https://a.example.com/x.jpg,https://a.example.com/y.jpg"),
        ),
        (
            vec![("additional_image_link", "https://a.example.com/x,y.jpg")],
            "list_entry",
            "additional_image_link",
            Severity::Error,
            None,
        ),
        (
            vec![("disable_checkout", "yes")],
            "boolean",
            "disable_checkout",
            Severity::Error,
            Some("true"),
        ),
        (
            vec![("inventory_quantity", "4.5")],
            "integer",
            "inventory_quantity",
            Severity::Error,
            None,
        ),
        (
            vec![("inventory_quantity", "-3")],
            "range",
            "inventory_quantity",
            Severity::Error,
            None,
        ),
        (
            vec![("product_review_rating", "4,6")],
            "decimal",
            "product_review_rating",
            Severity::Error,
            Some("4.6"),
        ),
        (
            vec![("product_review_rating", "7")],
            "range",
            "product_review_rating",
            Severity::Error,
            None,
        ),
        (
            vec![
                ("availability", "preorder"),
                ("availability_date", "2026/09/15"),
            ],
            "date",
            "availability_date",
            Severity::Error,
            Some("2026-09-15"),
        ),
        (
            vec![("sale_price_effective_date", "2026-12-01")],
            "date_range",
            "sale_price_effective_date",
            Severity::Error,
            None,
        ),
        (
            vec![(
                "sale_price_effective_date",
                "2026-12-01T00:00:00Z/2026-12-05T00:00:00Z",
            )],
            "date_range",
            "sale_price_effective_date",
            Severity::Error,
            Some("2026-12-01/2026-12-05"),
        ),
        (
            vec![("sale_price_effective_date", "2026-12-05/2026-12-01")],
            "range_order",
            "sale_price_effective_date",
            Severity::Error,
            Some("2026-12-01/2026-12-05"),
        ),
        (
            vec![("weight", "2.5 stone")],
            "weight",
            "weight",
            Severity::Error,
            None,
        ),
        (
            vec![("weight", "2.5lbs")],
            "weight",
            "weight",
            Severity::Error,
            Some("2.5 lb"),
        ),
        (
            vec![("length", "20 inches")],
            "dimension",
            "length",
            Severity::Error,
            Some("20 in"),
        ),
        (
            vec![("size_system", "UK")],
            "country",
            "size_system",
            Severity::Error,
            Some("GB"),
        ),
        (
            vec![("gtin", "0612345000112")],
            "gtin_check_digit",
            "gtin",
            Severity::Warning,
            None,
        ),
        (
            vec![("gtin", "0612-3450-00111")],
            "gtin_format",
            "gtin",
            Severity::Error,
            Some("0612345000111"),
        ),
        (
            vec![("gtin", "12345")],
            "gtin_length",
            "gtin",
            Severity::Warning,
            None,
        ),
        (
            vec![("google_product_category", "2271 - Apparel > Dresses")],
            "category_format",
            "google_product_category",
            Severity::Warning,
            Some("2271"),
        ),
        (
            vec![("stripe_product_tax_code", "txcd_123")],
            "tax_code",
            "stripe_product_tax_code",
            Severity::Warning,
            None,
        ),
        (
            vec![
                ("third_party_tax_code", "avalara:123"),
                ("stripe_product_tax_code", ""),
            ],
            "third_party_tax_code",
            "third_party_tax_code",
            Severity::Error,
            None,
        ),
        (
            vec![("shipping", "US:ALL:Standard Shipping:3-5:4.95 USD:x")],
            "list_entry",
            "shipping",
            Severity::Error,
            None,
        ),
        (
            vec![
                ("shipping", "US:::5.99 USD"),
                ("free_shipping_threshold", ""),
            ],
            "shipping_parts",
            "shipping",
            Severity::Warning,
            None,
        ),
        (
            vec![("shipping", "XX:ALL:Standard Shipping:3-5:4.95 USD")],
            "country",
            "shipping",
            Severity::Error,
            None,
        ),
        (
            vec![("shipping", "US:ALL:Standard Shipping:5-3:4.95 USD")],
            "list_entry",
            "shipping",
            Severity::Error,
            None,
        ),
        (
            vec![("shipping", "US:ALL:Standard Shipping:3-5:4,95 USD")],
            "list_entry",
            "shipping",
            Severity::Error,
            None,
        ),
        (
            vec![("applicable_fees", "US:CA:Recycling Fee")],
            "list_entry",
            "applicable_fees",
            Severity::Error,
            None,
        ),
        (
            vec![("related_products", "friend:SOCK-1")],
            "list_entry",
            "related_products",
            Severity::Error,
            None,
        ),
        (
            vec![("product_warning", "danger: hot")],
            "list_entry",
            "product_warning",
            Severity::Error,
            None,
        ),
        (
            vec![("brand", "")],
            "brand",
            "brand",
            Severity::Warning,
            None,
        ),
        (
            vec![("gender", "")],
            "recommended_empty",
            "gender",
            Severity::Warning,
            None,
        ),
        (
            vec![("gtin", ""), ("mpn", "")],
            "X1_gtin_or_mpn",
            "gtin",
            Severity::Error,
            None,
        ),
        (
            vec![("google_product_category", ""), ("product_category", "")],
            "X2_category",
            "google_product_category",
            Severity::Error,
            None,
        ),
        (
            vec![("availability", "preorder"), ("availability_date", "")],
            "X3_preorder_date",
            "availability_date",
            Severity::Error,
            None,
        ),
        (
            vec![("inventory_not_tracked", "true")],
            "X4_inventory_tracking",
            "inventory_quantity",
            Severity::Error,
            None,
        ),
        (
            vec![("inventory_quantity", "")],
            "X4_inventory_tracking",
            "inventory_quantity",
            Severity::Error,
            None,
        ),
        (
            vec![("sale_price_effective_date", "")],
            "X5_sale_window",
            "sale_price_effective_date",
            Severity::Error,
            None,
        ),
        (
            vec![("sale_price", "40.00 USD")],
            "X5_sale_below_price",
            "sale_price",
            Severity::Warning,
            None,
        ),
        (
            vec![("sale_price", "20.00 EUR")],
            "X5_sale_currency",
            "sale_price",
            Severity::Warning,
            None,
        ),
        (
            vec![("product_review_count", "5"), ("product_review_rating", "")],
            "X6_reviews",
            "product_review_rating",
            Severity::Error,
            None,
        ),
        (
            vec![("product_review_count", "0")],
            "X6_reviews",
            "product_review_rating",
            Severity::Error,
            Some(""),
        ),
        (
            vec![("free_shipping_threshold", "US:ALL:Overnight:50.00 USD")],
            "X8_free_shipping_service",
            "free_shipping_threshold",
            Severity::Error,
            None,
        ),
        (
            vec![("related_products", "upsell:TEST-ROW-2")],
            "X9_related_products",
            "related_products",
            Severity::Error,
            None,
        ),
        (
            vec![("related_products", "upsell:SOCK-1,cross_sell:SOCK-1")],
            "X9_related_products",
            "related_products",
            Severity::Error,
            None,
        ),
        (
            vec![("third_party_tax_code", "anrok:prod_1")],
            "X10_tax_code",
            "third_party_tax_code",
            Severity::Warning,
            None,
        ),
        (
            vec![("shipping", ""), ("free_shipping_threshold", "")],
            "X12_shipping",
            "shipping",
            Severity::Warning,
            None,
        ),
        (
            vec![("length", "20 in"), ("width", "30 cm")],
            "X13_dimension_units",
            "width",
            Severity::Error,
            None,
        ),
        (
            vec![("custom_variant_option_name_1", "Fit")],
            "X15_custom_option_pair",
            "custom_variant_option_value_1",
            Severity::Error,
            None,
        ),
    ];
    let mut failures = Vec::new();
    for (overrides, rule, column, severity, replacement) in &cases {
        let bytes = product_with(overrides);
        let report = validate_bytes(&bytes, &Options::default());
        let base_errors: Vec<&Diagnostic> = report
            .diagnostics
            .iter()
            .filter(|d| d.row == Some(1) && d.severity == Severity::Error)
            .collect();
        assert!(
            base_errors.is_empty(),
            "base row has errors: {base_errors:#?}"
        );
        let hit = report
            .diagnostics
            .iter()
            .find(|d| d.rule == *rule && d.row == Some(2) && d.column.as_deref() == Some(*column));
        match hit {
            None => failures.push(format!(
                "{overrides:?}: expected {rule} at row 2 column {column}; got {:?}",
                report
                    .diagnostics
                    .iter()
                    .filter(|d| d.row == Some(2))
                    .map(|d| (d.rule, d.column.clone()))
                    .collect::<Vec<_>>()
            )),
            Some(d) => {
                if d.severity != *severity {
                    failures.push(format!("{rule}: severity {:?}", d.severity));
                }
                assert!(!d.message.is_empty());
                if let Some(want) = replacement {
                    let got = d.fix.as_ref().and_then(|f| f.replacement.as_deref());
                    if got != Some(*want) {
                        failures.push(format!(
                            "{rule} {overrides:?}: replacement {got:?}, want {want:?}"
                        ));
                    }
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn a_delete_row_is_checked_for_its_id_only() {
    let report = validate_bytes(
        &product_with(&[("delete", "true"), ("title", ""), ("price", "junk")]),
        &Options::default(),
    );
    must_find(&report, "X11_delete_row", Some(2));
    assert!(
        report
            .diagnostics
            .iter()
            .all(|d| d.row != Some(2) || d.rule == "X11_delete_row"),
        "{:#?}",
        report.diagnostics
    );
}

#[test]
fn rules_across_rows() {
    let report = validate_bytes(
        &product_with(&[("id", "TEE-ORG-NAVY-M")]),
        &Options::default(),
    );
    let dup = must_find(&report, "duplicate_id", Some(2));
    assert_eq!(dup.column.as_deref(), Some("id"));
    assert!(dup.message.contains("row 1"), "{}", dup.message);

    let report = validate_bytes(&product_with(&[("size", "")]), &Options::default());
    let x7 = must_find(&report, "X7_variant_attributes", Some(2));
    assert_eq!(x7.column.as_deref(), Some("item_group_id"));
    assert!(find(&report, "X7_variant_attributes", Some(1)).is_none());
}

// ---------------------------------------------------------------------------------------
// Inventory, pricing and promotion feeds

#[test]
fn inventory_pricing_and_promotion_rules() {
    let inv = validate_bytes(
        b"id,availability,availability_date,inventory_quantity\nA,in_stock,,\nB,preorder,,3\n",
        &Options::default(),
    );
    assert_eq!(inv.feed, FeedKind::Inventory);
    assert_eq!(
        must_find(&inv, "required", Some(1)).column.as_deref(),
        Some("inventory_quantity")
    );
    must_find(&inv, "X3_preorder_date", Some(2));

    let price = validate_bytes(
        b"id,price,sale_price,sale_price_effective_date\nA,32.00 USD,22.00 USD,\n",
        &Options::default(),
    );
    assert_eq!(price.feed, FeedKind::Pricing);
    must_find(&price, "X5_sale_window", Some(1));

    let header = "promotion_id,title,link,active_period,benefit_type,percent_off,amount_off,minimum_order_amount,target_selection,target_ids,target_item_group_ids,excluded_ids,excluded_item_group_ids,application_type,promotion_code,delete";
    let rows = [
        "P1,Sale,,2026-11-27T00:00:00Z/2026-11-30T23:59:59Z,percent_off,,,,all_products,,,,,automatic,,false",
        "P2,Sale,,2026-11-27T00:00:00Z/2026-11-30T23:59:59Z,percent_off,20,,,all_products,TEE-1,,,,automatic,,false",
        "P3,Ship,,2026-11-27T00:00:00Z/2026-11-30T23:59:59Z,free_shipping,,,,all_products,,,,,automatic,,false",
        "P4,Sale,,2026-01-01/2026-02-01,percent_off,120,,,specific_products,,,,,promotion_code,BF 2026!,false",
    ];
    let promo = validate_bytes(
        format!("{header}\n{}\n", rows.join("\n")).as_bytes(),
        &Options::default(),
    );
    assert_eq!(promo.feed, FeedKind::Promotion);
    assert_eq!(
        must_find(&promo, "promotion_benefit", Some(1))
            .column
            .as_deref(),
        Some("percent_off")
    );
    assert_eq!(
        must_find(&promo, "promotion_targets", Some(2))
            .column
            .as_deref(),
        Some("target_ids")
    );
    must_find(&promo, "promotion_code_required", Some(3));
    must_find(&promo, "timestamp_range", Some(4));
    must_find(&promo, "range", Some(4));
    must_find(&promo, "promotion_code", Some(4));
    must_find(&promo, "promotion_targets", Some(4));
}

// ---------------------------------------------------------------------------------------
// Header findings

#[test]
fn header_findings_suggest_the_right_column() {
    let report = validate_fixture("product_openai_header.csv");
    let alias = report
        .diagnostics
        .iter()
        .find(|d| d.rule == "column_alias" && d.column.as_deref() == Some("item_id"));
    let alias = alias.unwrap_or_else(|| panic!("{:#?}", report.diagnostics));
    assert!(
        alias.message.contains("did you mean `id`"),
        "{}",
        alias.message
    );
    assert_eq!(
        alias.fix.as_ref().and_then(|f| f.replacement.as_deref()),
        Some("id")
    );
    assert!(report.diagnostics.iter().any(|d| d.rule == "column_alias"
        && d.column.as_deref() == Some("enable_checkout")
        && d.message.contains("disable_checkout")
        && d.message.contains("opposite")));
    assert!(report.diagnostics.iter().any(|d| d.rule == "unknown_column"
        && d.severity == Severity::Info
        && d.column.as_deref() == Some("is_eligible_search")));
    assert!(report.diagnostics.iter().any(|d| d.rule == "missing_column"
        && d.row.is_none()
        && d.column.as_deref() == Some("id")));

    let report = validate_bytes(
        b"id,title,availabilty,title,,warehouse_bin\nA,T,in_stock,T,,x\n",
        &Options::default(),
    );
    let miss = report
        .diagnostics
        .iter()
        .find(|d| d.rule == "column_misspelled")
        .unwrap_or_else(|| panic!("{:#?}", report.diagnostics));
    assert!(miss.message.contains("did you mean `availability`"));
    assert!(find(&report, "duplicate_column", None).is_some());
    assert!(find(&report, "empty_column_name", None).is_some());
    let unknown = must_find(&report, "unknown_column", None);
    assert_eq!(
        (unknown.severity, unknown.column.as_deref()),
        (Severity::Info, Some("warehouse_bin"))
    );

    let forced = validate_bytes(
        b"id,title,availability,inventory_quantity\nA,T,in_stock,1\n",
        &Options {
            feed: Some(FeedKind::Inventory),
        },
    );
    assert_eq!(forced.feed, FeedKind::Inventory);
    assert_eq!(
        must_find(&forced, "column_wrong_feed", None)
            .column
            .as_deref(),
        Some("title")
    );
}

// ---------------------------------------------------------------------------------------
// File-level oddities

#[test]
fn zero_byte_file() {
    let report = validate_fixture("empty.csv");
    assert_eq!(report.rows, 0);
    assert_eq!(report.diagnostics.len(), 1);
    assert_eq!(report.diagnostics[0].rule, "empty_file");
    assert_eq!(report.diagnostics[0].severity, Severity::Error);
}

#[test]
fn bom_and_crlf_are_accepted_with_notes() {
    let report = validate_fixture("product_bom_crlf.csv");
    assert!(report.dialect.has_bom);
    assert_eq!(report.rows, 5);
    assert_eq!(must_find(&report, "bom", None).severity, Severity::Info);
    assert_eq!(
        must_find(&report, "line_endings", None).severity,
        Severity::Info
    );
    assert!(errors(&report).is_empty(), "{:#?}", errors(&report));
}

#[test]
fn semicolons_are_read_and_warned_about() {
    let report = validate_fixture("product_semicolon.csv");
    assert_eq!(report.dialect.delimiter, b';');
    assert_eq!(
        must_find(&report, "delimiter_semicolon", None).severity,
        Severity::Warning
    );
    let money = must_find(&report, "money", Some(1));
    assert_eq!(money.column.as_deref(), Some("price"));
    assert_eq!(
        money.fix.as_ref().and_then(|f| f.replacement.as_deref()),
        Some("63.00 EUR")
    );
}

#[test]
fn latin1_bytes_are_located_and_named() {
    let report = validate_fixture("product_latin1.csv");
    let row = must_find(&report, "not_utf8", Some(2));
    assert_eq!(row.column.as_deref(), Some("title"));
    assert!(row.message.contains("Line 3"), "{}", row.message);
    assert!(row.message.contains("Latin-1"), "{}", row.message);
    assert_eq!(row.value.as_deref(), Some("Café Crème Cup"));
    let file = must_find(&report, "not_utf8", None);
    assert!(file.message.contains("line 3"), "{}", file.message);
    // The other cells of the row are still checked after decoding.
    assert!(
        report
            .diagnostics
            .iter()
            .filter(|d| d.row == Some(2))
            .all(|d| d.rule == "not_utf8")
    );
}

#[test]
fn a_quoted_newline_stays_inside_its_cell() {
    let report = validate_fixture("product_quoted_newline.csv");
    assert_eq!(report.rows, 2);
    assert!(errors(&report).is_empty(), "{:#?}", errors(&report));
}

#[test]
fn an_unterminated_quote_is_pinned_to_its_row() {
    let report = validate_fixture("product_unterminated.csv");
    let d = must_find(&report, "unterminated_quote", Some(2));
    assert_eq!(d.column.as_deref(), Some("description"));
    must_find(&report, "ragged_row", Some(2));
}

#[test]
fn structure_problems() {
    let ragged = validate_bytes(
        b"id,availability,inventory_quantity\nA,in_stock\nB,in_stock,1,extra\n",
        &Options::default(),
    );
    assert!(
        ragged
            .diagnostics
            .iter()
            .any(|d| d.rule == "ragged_row" && d.row == Some(1) && d.message.contains("2 cells"))
    );
    must_find(&ragged, "ragged_row", Some(2));

    let no_header = validate_bytes(
        b"TEE-1,Shirt,32.00 USD\nTEE-2,Shirt,32.00 USD\n",
        &Options::default(),
    );
    must_find(&no_header, "no_header", None);

    let only_blank = validate_bytes(b"\n\n\n", &Options::default());
    must_find(&only_blank, "no_header", None);

    let no_rows = validate_bytes(b"id,availability,inventory_quantity\n", &Options::default());
    assert_eq!(
        must_find(&no_rows, "no_rows", None).severity,
        Severity::Warning
    );

    let blank = validate_bytes(
        b"id,availability,inventory_quantity\n,,\nA,in_stock,1\n",
        &Options::default(),
    );
    must_find(&blank, "blank_row", Some(1));
    assert_eq!(blank.rows, 2);

    let cr = validate_bytes(
        b"id,availability,inventory_quantity\rA,in_stock,1\r",
        &Options::default(),
    );
    must_find(&cr, "line_endings_cr", None);
    assert_eq!(cr.rows, 1);
}

// ---------------------------------------------------------------------------------------
// The command line

fn run_cli(args: &[&str]) -> (Option<i32>, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_seller-console"))
        .arg("validate")
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("cannot run the binary: {e}"));
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

#[test]
fn cli_json_has_the_documented_shape() {
    let path = fixture("product_semicolon.csv");
    let (code, stdout) = run_cli(&[path.to_str().unwrap_or_default(), "--format", "json"]);
    assert_eq!(code, Some(1), "errors exit 1");
    let v: serde_json::Value =
        serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {stdout}"));
    let keys: Vec<&str> = v
        .as_object()
        .map(|o| o.keys().map(String::as_str).collect())
        .unwrap_or_default();
    let mut want = vec![
        "file",
        "feed",
        "rows",
        "errors",
        "warnings",
        "infos",
        "diagnostics",
    ];
    let mut got = keys.clone();
    want.sort_unstable();
    got.sort_unstable();
    assert_eq!(got, want);
    assert_eq!(v["feed"], "product");
    assert_eq!(v["rows"], 1);
    assert!(v["errors"].as_u64().unwrap_or(0) >= 1);
    let diags = v["diagnostics"].as_array().cloned().unwrap_or_default();
    for d in &diags {
        let mut k: Vec<&str> = d
            .as_object()
            .map(|o| o.keys().map(String::as_str).collect())
            .unwrap_or_default();
        k.sort_unstable();
        assert_eq!(
            k,
            vec![
                "column", "fix", "message", "row", "rule", "severity", "value"
            ]
        );
    }
    let semicolon = diags.iter().find(|d| d["rule"] == "delimiter_semicolon");
    assert!(semicolon.is_some_and(|d| d["row"].is_null() && d["severity"] == "warning"));
    let money = diags.iter().find(|d| d["rule"] == "money");
    assert!(money.is_some_and(|d| d["row"] == 1
        && d["column"] == "price"
        && d["value"] == "63,00 EUR"
        && d["fix"].as_str().is_some_and(|f| f.contains("63.00 EUR"))));
}

#[test]
fn cli_exit_codes_and_text_report() {
    let clean = fixture("inventory_valid.csv");
    let (code, stdout) = run_cli(&[clean.to_str().unwrap_or_default()]);
    assert_eq!(code, Some(0), "{stdout}");
    assert!(stdout.contains("0 error(s)"), "{stdout}");

    let bad = fixture("product_latin1.csv");
    let (code, stdout) = run_cli(&[bad.to_str().unwrap_or_default(), "--format", "text"]);
    assert_eq!(code, Some(1));
    assert!(stdout.contains("ERROR not_utf8"), "{stdout}");
    assert!(stdout.contains("row 2, title"), "{stdout}");

    let (code, _) = run_cli(&["/nonexistent/feed.csv"]);
    assert_eq!(code, Some(2));

    let forced = fixture("pricing_valid.csv");
    let (code, stdout) = run_cli(&[forced.to_str().unwrap_or_default(), "--feed", "inventory"]);
    assert_eq!(
        code,
        Some(1),
        "forcing the wrong kind finds errors: {stdout}"
    );
    assert!(stdout.contains("inventory feed"), "{stdout}");
}
