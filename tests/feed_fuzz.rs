//! Property tests: the validator never panics, whatever bytes it is given, its report stays
//! self-consistent (row numbers within the file, file-level findings first), and streaming a
//! file finds exactly what checking it row by row finds.

use proptest::prelude::*;
use seller_console::feed::schema::Schema;
use seller_console::feed::validate::{CrossRow, Options, check_row, validate_bytes};
use seller_console::feed::{FeedKind, Severity};

/// Bytes drawn mostly from CSV structure (delimiters, quotes, line breaks), spec column
/// names and values, so the structure code paths are hit far more often than by uniform
/// random bytes.
fn csvish() -> impl Strategy<Value = Vec<u8>> {
    let atoms = prop_oneof![
        Just(b",".to_vec()),
        Just(b";".to_vec()),
        Just(b"\t".to_vec()),
        Just(b"\"".to_vec()),
        Just(b"\n".to_vec()),
        Just(b"\r\n".to_vec()),
        Just(b"\r".to_vec()),
        Just(b"\xEF\xBB\xBF".to_vec()),
        Just(b"\xE9".to_vec()),
        Just(b"id".to_vec()),
        Just(b"price".to_vec()),
        Just(b"availability".to_vec()),
        Just(b"shipping".to_vec()),
        Just(b"item_group_id".to_vec()),
        Just(b"promotion_id".to_vec()),
        Just(b"15.00 USD".to_vec()),
        Just(b"US:ALL:Std:3-5:4.95 USD".to_vec()),
        Just(b"preorder".to_vec()),
        Just(b"2026-01-01/2026-02-01".to_vec()),
        Just(b"true".to_vec()),
        proptest::collection::vec(any::<u8>(), 0..8),
    ];
    proptest::collection::vec(atoms, 0..80).prop_map(|parts| parts.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        let report = validate_bytes(&bytes, &Options::default());
        for d in &report.diagnostics {
            prop_assert!(d.row.is_none_or(|r| r >= 1 && r <= report.rows));
        }
    }

    #[test]
    fn csv_like_bytes_never_panic(bytes in csvish(), forced in 0usize..5) {
        let feed = FeedKind::ALL.get(forced).copied();
        let report = validate_bytes(&bytes, &Options { feed });
        let first_row_level = report.diagnostics.iter().position(|d| d.row.is_some());
        if let Some(i) = first_row_level {
            prop_assert!(report.diagnostics[i..].iter().all(|d| d.row.is_some()));
            prop_assert!(report.diagnostics[i..].windows(2).all(|w| w[0].row <= w[1].row));
        }
        prop_assert_eq!(report.count(Severity::Error) + report.count(Severity::Warning) + report.count(Severity::Info), report.diagnostics.len());
    }

    #[test]
    fn check_row_takes_any_cells(cells in proptest::collection::vec(".{0,40}", 0..12)) {
        let header = ["id", "title", "price", "sale_price", "sale_price_effective_date", "shipping",
            "free_shipping_threshold", "related_products", "product_warning", "gtin", "length", "width"];
        let schema = Schema::new(FeedKind::Product, &header);
        let fields: Vec<&str> = cells.iter().map(String::as_str).collect();
        let mut out = Vec::new();
        check_row(&schema, 1, &fields, &mut out);
        let mut cross = CrossRow::new(&schema);
        cross.insert(&schema, 1, &fields);
        cross.insert(&schema, 2, &fields);
        cross.remove(&schema, 2, &fields);
        prop_assert!(cross.diagnostics().is_empty());
    }
}

proptest! {
    // Each case checks up to 2,500 rows twice: fewer cases keep the debug-build run short.
    #![proptest_config(ProptestConfig::with_cases(40))]

    /// The streaming validator skips cells equal to the clean cell above them and finds
    /// duplicate ids and variant groups by sorting keys on two threads; checking each row on
    /// its own and inserting every row into one `CrossRow` must find the same.
    #[test]
    fn streaming_finds_what_row_by_row_finds(
        rows in proptest::collection::vec(catalog_row(), 1..2500),
    ) {
        let mut csv = CATALOG_HEADER.join(",");
        csv.push('\n');
        for row in &rows {
            csv.push_str(&row.join(","));
            csv.push('\n');
        }
        let report = validate_bytes(csv.as_bytes(), &Options::default());
        prop_assert_eq!(report.rows, rows.len() as u64);
        let streamed: Vec<String> = report
            .diagnostics
            .iter()
            .filter(|d| d.row.is_some())
            .map(|d| format!("{d:?}"))
            .collect();

        let schema = Schema::new(FeedKind::Product, &CATALOG_HEADER);
        let mut by_row = Vec::new();
        let mut cross = CrossRow::new(&schema);
        for (i, row) in rows.iter().enumerate() {
            let fields: Vec<&str> = row.iter().map(String::as_str).collect();
            check_row(&schema, i as u64 + 1, &fields, &mut by_row);
            cross.insert(&schema, i as u64 + 1, &fields);
        }
        by_row.extend(cross.diagnostics());
        by_row.sort_by_key(|d| d.row);
        let by_row: Vec<String> = by_row.iter().map(|d| format!("{d:?}")).collect();
        prop_assert_eq!(streamed, by_row);
    }
}

const CATALOG_HEADER: [&str; 8] = [
    "id",
    "title",
    "link",
    "price",
    "availability",
    "item_group_id",
    "color",
    "size",
];

/// One product row drawn from small pools, so that ids repeat, variant groups form with
/// differing attributes, and good and bad values repeat down their columns.
fn catalog_row() -> impl Strategy<Value = Vec<String>> {
    let pick =
        |pool: &'static [&'static str]| proptest::sample::select(pool).prop_map(str::to_owned);
    (
        pick(&["A", "B", "C", "D", "E", "F", "G", "H", "I", "J", "K", ""]),
        pick(&["Tee", "TEE SHIRT IN CAPS", ""]),
        pick(&[
            "https://shop.example.com/p/1",
            "www.example.com/p",
            "http://shop.example.com/p",
        ]),
        pick(&["10.00 USD", "10.00 USD", "10 usd", "abc", ""]),
        pick(&["in_stock", "in_stock", "In Stock", "sold"]),
        pick(&["G1", "G2", ""]),
        pick(&["Red", "Red", ""]),
        pick(&["S", "M", ""]),
    )
        .prop_map(|(a, b, c, d, e, f, g, h)| vec![a, b, c, d, e, f, g, h])
}
