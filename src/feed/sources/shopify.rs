//! Shopify's product CSV export, as documented in Shopify's help center ("Using CSV files to
//! import and export products", help.shopify.com/en/manual/products/import-export/using-csv,
//! and its `product_template.csv`). Both the classic column names (`Handle`, `Body (HTML)`,
//! `Variant SKU`, `Variant Price`, `Variant Compare At Price`, `Variant Inventory Qty`,
//! `Variant Barcode`, `Image Src`) and the 2025 ones (`URL handle`, `Description`, `SKU`,
//! `Price`, `Compare-at price`, `Inventory quantity`, `Barcode`, `Product image URL`) are read.
//!
//! Layout: one row per variant, grouped by handle; product fields (title, description, vendor,
//! option names) only on a product's first row; extra images on rows that carry only the
//! handle and an image. A product is read whole (its rows are consecutive), then one item per
//! variant is given, with the product fields filled in and these derived columns:
//! `(product) id` (the SKU, else the handle and the options), `(product) image` (the variant's
//! image, else the first), `(product) additional images`, `(product) group id` and
//! `(product) group title` (the handle and title when the product has variants),
//! `(product) availability`, `(product) inventory quantity` and
//! `(product) inventory not tracked` (from the tracker, quantity and "continue selling"
//! policy), and the variant options.

use super::csv_rows::{Chunk, Columns, CsvRows, Pool, Record, RowCells};
use super::mapping::{Rule, Transform};
use std::borrow::Cow;
use std::sync::Arc;

use super::{Cells, Item, MakeItems, Source, SourceError, SourceFormat, count_of, pick, variants};

const HANDLE: &[&str] = &["Handle", "URL handle"];
const TITLE: &[&str] = &["Title"];
const BODY: &[&str] = &["Body (HTML)", "Description"];
const SKU: &[&str] = &["Variant SKU", "SKU"];
const PRICE: &[&str] = &["Variant Price", "Price"];
const COMPARE_AT: &[&str] = &["Variant Compare At Price", "Compare-at price"];
const QTY: &[&str] = &["Variant Inventory Qty", "Inventory quantity"];
const TRACKER: &[&str] = &["Variant Inventory Tracker", "Inventory tracker"];
const POLICY: &[&str] = &[
    "Variant Inventory Policy",
    "Continue selling when out of stock",
];
const BARCODE: &[&str] = &["Variant Barcode", "Barcode"];
const GRAMS: &[&str] = &["Variant Grams", "Weight value (grams)"];
const IMAGE: &[&str] = &["Image Src", "Product image URL"];
const IMAGE_POSITION: &[&str] = &["Image Position", "Image position"];
const VARIANT_IMAGE: &[&str] = &["Variant Image", "Variant image URL"];
const STATUS: &[&str] = &["Status"];
const PUBLISHED: &[&str] = &["Published", "Published on online store"];
const GIFT_CARD: &[&str] = &["Gift Card", "Gift card"];
const OPTION_NAMES: [&[&str]; 3] = [
    &["Option1 Name", "Option1 name"],
    &["Option2 Name", "Option2 name"],
    &["Option3 Name", "Option3 name"],
];
const OPTION_VALUES: [&[&str]; 3] = [
    &["Option1 Value", "Option1 value"],
    &["Option2 Value", "Option2 value"],
    &["Option3 Value", "Option3 value"],
];

/// The derived columns, after the source's own.
pub const DERIVED: [&str; 8] = [
    "(product) id",
    "(product) image",
    "(product) additional images",
    "(product) group id",
    "(product) group title",
    "(product) availability",
    "(product) inventory quantity",
    "(product) inventory not tracked",
];

/// How strongly a header looks like a Shopify export.
#[must_use]
pub fn score(header: &[String]) -> u32 {
    let key = if count_of(header, HANDLE) > 0 { 3 } else { 0 };
    key + count_of(
        header,
        &[
            "Body (HTML)",
            "Variant SKU",
            "Variant Price",
            "Option1 Name",
            "Option1 name",
            "Variant Compare At Price",
            "Compare-at price",
            "Image Src",
            "Product image URL",
            "Vendor",
        ],
    )
}

/// Column positions, found once.
struct Layout {
    handle: Option<usize>,
    title: Option<usize>,
    sku: Option<usize>,
    price: Option<usize>,
    qty: Option<usize>,
    tracker: Option<usize>,
    policy: Option<usize>,
    image: Option<usize>,
    image_position: Option<usize>,
    variant_image: Option<usize>,
    status: Option<usize>,
    published: Option<usize>,
    gift_card: Option<usize>,
    option_names: [Option<usize>; 3],
    option_values: [Option<usize>; 3],
    /// Columns carried on a product's first row only, shared by its variants.
    /// Per column, whether a variant row without a value takes its product's.
    inherited: Arc<[bool]>,
    width: usize,
}

impl Layout {
    fn new(header: &[String]) -> Layout {
        let c = Columns::new(header);
        let variant_level = |name: &str| {
            let n = name.to_ascii_lowercase();
            n.starts_with("variant ")
                || n.starts_with("image ")
                || (n.starts_with("option") && n.ends_with(" value"))
                || n.starts_with("price")
                || n.starts_with("compare")
                || n.starts_with("included /")
                || [
                    "sku",
                    "barcode",
                    "inventory quantity",
                    "inventory tracker",
                    "continue selling when out of stock",
                    "weight value (grams)",
                    "weight unit for display",
                    "requires shipping",
                    "charge tax",
                    "cost per item",
                    "fulfillment service",
                    "product image url",
                    "variant image url",
                ]
                .contains(&n.as_str())
        };
        Layout {
            handle: c.find(HANDLE),
            title: c.find(TITLE),
            sku: c.find(SKU),
            price: c.find(PRICE),
            qty: c.find(QTY),
            tracker: c.find(TRACKER),
            policy: c.find(POLICY),
            image: c.find(IMAGE),
            image_position: c.find(IMAGE_POSITION),
            variant_image: c.find(VARIANT_IMAGE),
            status: c.find(STATUS),
            published: c.find(PUBLISHED),
            gift_card: c.find(GIFT_CARD),
            option_names: OPTION_NAMES.map(|n| c.find(n)),
            option_values: OPTION_VALUES.map(|n| c.find(n)),
            inherited: (0..header.len())
                .map(|i| !variant_level(&header[i]) && Some(i) != c.find(HANDLE))
                .collect(),
            width: header.len(),
        }
    }

    /// Whether a row carries only an extra image of the product (no option, SKU, price or
    /// title), told by whether its cell at each index is empty.
    fn image_only(&self, empty: impl Fn(Option<usize>) -> bool) -> bool {
        empty(self.sku)
            && empty(self.price)
            && self.option_values.iter().all(|&i| empty(i))
            && empty(self.title)
    }
}

/// Reads a Shopify export.
pub fn read(path: &std::path::Path) -> Result<Source, SourceError> {
    let rows = CsvRows::open(path)?;
    let header = rows.header.clone();
    let layout = Layout::new(&header);
    if layout.handle.is_none() {
        return Err(SourceError::Malformed(
            "This is not a Shopify product export: it has no `Handle` (or `URL handle`) column."
                .into(),
        ));
    }
    let mut full = header.clone();
    full.extend(DERIVED.iter().map(|s| (*s).to_owned()));
    full.extend(variants::COLUMNS.iter().map(|s| (*s).to_owned()));
    let chunks = products(rows, layout.handle);
    let make: MakeItems = Arc::new(
        move |chunk: &Chunk, pool: &mut Pool, sink: &mut dyn FnMut(&Variant<'_>)| {
            chunk_items(&layout, chunk, pool, sink);
        },
    );
    Ok(Source::in_chunks(SourceFormat::Shopify, full, chunks, make))
}

/// The file's blocks cut into chunks of whole products: a product's rows are consecutive
/// (a blank handle continues the product), and a product still going at the end of a block
/// goes whole into the next chunk. Only the handles are looked at here; the rows are made
/// from the chunks.
fn products(
    mut rows: CsvRows,
    handle: Option<usize>,
) -> impl Iterator<Item = Result<Chunk, SourceError>> + Send {
    let mut pending = Chunk::default();
    // The handle of the current product's first row, once there is one.
    let mut current: Option<String> = None;
    let mut done = false;
    std::iter::from_fn(move || {
        while !done {
            let block = match rows.take_block() {
                None => {
                    done = true;
                    break;
                }
                Some(Err(e)) => {
                    done = true;
                    return Some(Err(e));
                }
                Some(Ok(block)) => Arc::new(block),
            };
            let unread = block.unread();
            // Where the block's last product starts.
            let mut last_start = None;
            for i in unread.clone() {
                let cell = block.cell(i, handle);
                let starts = match &current {
                    None => !block.is_blank(i),
                    Some(first) => !cell.is_empty() && *cell != **first,
                };
                if starts {
                    let first = current.get_or_insert_with(String::new);
                    first.clear();
                    first.push_str(&cell);
                    last_start = Some(i);
                }
            }
            let Some(start) = last_start else {
                pending.push(&block, unread);
                continue;
            };
            pending.push(&block, unread.start..start);
            let whole = std::mem::take(&mut pending);
            pending.push(&block, start..unread.end);
            if !whole.is_empty() {
                return Some(Ok(whole));
            }
        }
        (!pending.is_empty()).then(|| Ok(std::mem::take(&mut pending)))
    })
}

/// One variant as the row maker reads it: its own cells in place in the file's block, its
/// product's from the product's first row (also in place), its derived cells from a record
/// made for it; nothing of the row is copied.
pub(crate) struct Variant<'a> {
    row: u64,
    skip: Option<&'a str>,
    own: &'a RowCells<'a>,
    /// Whether this is the product's first row, whose product-level cells are the product's.
    first: bool,
    product: &'a RowCells<'a>,
    /// The product's number ([`super::product_number`]).
    number: u64,
    layout: &'a Layout,
    /// The cells after the source's own: [`DERIVED`], then [`variants::COLUMNS`].
    derived: &'a Record,
}

impl Cells for Variant<'_> {
    fn row(&self) -> u64 {
        self.row
    }

    fn skip(&self) -> Option<&str> {
        self.skip
    }

    /// A variant's own cell, or its product's in a column the product's first row carries
    /// for all of its variants.
    fn cell(&self, index: Option<usize>) -> (&str, bool) {
        let Some(i) = index else { return ("", false) };
        let width = self.layout.width;
        if i >= width {
            return (self.derived.get(Some(i - width)), false);
        }
        let shared = self.layout.inherited[i];
        if shared && self.first {
            return (self.product.get(index), true);
        }
        let own = self.own.get(index);
        if own.is_empty() && shared {
            return (self.product.get(index), true);
        }
        (own, false)
    }

    fn product(&self) -> Option<u64> {
        Some(self.number)
    }
}

impl Variant<'_> {
    /// The variant as an item of its own, every cell copied.
    pub(crate) fn to_item(&self) -> Item {
        let width = self.layout.width + self.derived.len();
        Item::new(
            self.row,
            (0..width).map(|i| self.get(Some(i))).collect(),
            self.skip.map(str::to_owned),
        )
    }
}

/// The variants of a chunk of whole products, handed to `sink` one at a time; records they
/// need (derived cells, a row with escaped quotes) are taken from `pool` and given back. A row
/// that only adds an image to its product is not a variant: its image and position are all
/// that is read of it.
fn chunk_items(
    layout: &Layout,
    chunk: &Chunk,
    pool: &mut Pool,
    sink: &mut dyn FnMut(&Variant<'_>),
) {
    // One product: its variants' rows (a blank handle continues it), and its images with
    // their positions, in row order.
    let mut group: Vec<(u64, RowCells<'_>)> = Vec::with_capacity(8);
    let mut images: Vec<(u64, Cow<'_, str>)> = Vec::with_capacity(8);
    let mut room = Room {
        derived: pool.take(),
        images: pool.take(),
    };
    for (block, i) in chunk.records() {
        let cells = block.row_cells(i, pool);
        let handle = cells.get(layout.handle);
        // A row with a handle has text; one without may be blank, and is passed over.
        if handle.is_empty() && block.is_blank(i) {
            cells.give_back(pool);
            continue;
        }
        let same = group
            .first()
            .is_none_or(|(_, first)| handle.is_empty() || handle == first.get(layout.handle));
        if !same {
            product_variants(layout, &mut group, &mut images, &mut room, pool, sink);
            images.clear();
        }
        let image = cells.text(layout.image);
        if !image.is_empty() {
            let position = cells.get(layout.image_position);
            images.push((position.parse().unwrap_or(u64::MAX), image));
        }
        // The product's first row is a variant whatever it holds.
        if group.is_empty() || !layout.image_only(|index| cells.get(index).is_empty()) {
            group.push((block.row(i), cells));
        } else {
            cells.give_back(pool);
        }
    }
    if !group.is_empty() {
        product_variants(layout, &mut group, &mut images, &mut room, pool, sink);
    }
    pool.give(room.derived);
    pool.give(room.images);
}

/// Records a chunk's products are made in, one after the other.
struct Room {
    /// A variant's derived cells.
    derived: Record,
    /// A product's images, in position order.
    images: Record,
}

/// Hands the variants of one product (its rows, taken out of `group`) to `sink`, each
/// sharing the product's cells (its first row) instead of a copy of them; `positioned` are
/// the product's images with their positions, in row order.
fn product_variants(
    layout: &Layout,
    group: &mut Vec<(u64, RowCells<'_>)>,
    positioned: &mut [(u64, Cow<'_, str>)],
    room: &mut Room,
    pool: &mut Pool,
    sink: &mut dyn FnMut(&Variant<'_>),
) {
    let Some((_, first)) = group.first() else {
        return;
    };
    positioned.sort_by_key(|(p, _)| *p);
    room.images.clear();
    room.images
        .extend(positioned.iter().map(|(_, image)| image));
    let many = group.len() > 1;
    let skip = skip_reason(layout, first);
    let number = super::product_number();
    for (k, (row, own)) in group.iter().enumerate() {
        room.derived.clear();
        derived_cells(layout, first, own, &room.images, many, &mut room.derived);
        sink(&Variant {
            row: *row,
            skip: skip.as_deref(),
            own,
            first: k == 0,
            product: first,
            number,
            layout,
            derived: &room.derived,
        });
    }
    for (_, cells) in group.drain(..) {
        cells.give_back(pool);
    }
}

/// A variant's derived cells (its id, images, group, stock and options), aligned with
/// [`DERIVED`] and [`variants::COLUMNS`], added to `out`. `images` are the product's, in
/// position order.
fn derived_cells(
    layout: &Layout,
    first: &RowCells<'_>,
    row: &RowCells<'_>,
    images: &Record,
    many: bool,
    out: &mut Record,
) {
    // A variant's own cell, or its product's where the column is the product's.
    let at = |index: Option<usize>| {
        let own = row.get(index);
        match index {
            Some(i) if own.is_empty() && layout.inherited[i] => first.get(index),
            _ => own,
        }
    };
    let handle = first.get(layout.handle);
    let options = [0, 1, 2].map(|k| (at(layout.option_names[k]), at(layout.option_values[k])));
    let option_cells = variants::cells(&options);
    let id: Cow<'_, str> = match at(layout.sku) {
        "" => {
            let parts: Vec<String> = option_cells
                .iter()
                .enumerate()
                .filter(|(k, v)| (*k < 2 || k % 2 == 1) && !v.is_empty())
                .map(|(_, v)| slugify(v))
                .collect();
            if parts.is_empty() {
                Cow::Borrowed(handle)
            } else {
                Cow::Owned(format!("{handle}-{}", parts.join("-")))
            }
        }
        sku => Cow::Borrowed(sku),
    };
    let main = match at(layout.variant_image) {
        "" => images.get(Some(0)),
        own => own,
    };
    out.extend([id.as_ref(), main]);
    // The other images, up to ten.
    out.push_joined(images.iter().filter(|i| *i != main).take(10), ",");
    let (availability, quantity, not_tracked) = stock(layout, row);
    let title = at(layout.title);
    out.extend([
        if many { handle } else { "" },
        if many { title } else { "" },
        availability,
        quantity.as_str(),
        not_tracked,
    ]);
    out.extend(option_cells);
}

fn skip_reason(layout: &Layout, first: &RowCells<'_>) -> Option<String> {
    let status = first.get(layout.status).to_ascii_lowercase();
    if status == "draft" || status == "archived" {
        return Some(format!("{status} in Shopify"));
    }
    if layout.status.is_none() && first.get(layout.published).eq_ignore_ascii_case("false") {
        return Some("not published on the online store".into());
    }
    if first.get(layout.gift_card).eq_ignore_ascii_case("true") {
        return Some("a gift card".into());
    }
    None
}

/// Availability, the quantity to send and whether stock is tracked, from the tracker, the
/// quantity and the "continue selling when out of stock" policy.
fn stock(layout: &Layout, row: &RowCells<'_>) -> (&'static str, String, &'static str) {
    let qty = row.get(layout.qty);
    let tracked = match layout.tracker {
        Some(_) => !row.get(layout.tracker).is_empty(),
        None => !qty.is_empty(),
    };
    if !tracked {
        return ("in_stock", String::new(), "true");
    }
    let quantity = super::transform::quantity(qty);
    let policy = row.get(layout.policy);
    let continues = ["continue", "true", "yes"]
        .iter()
        .any(|word| policy.eq_ignore_ascii_case(word));
    let availability = match quantity.parse::<i64>() {
        Ok(q) if q > 0 => "in_stock",
        _ if continues => "backorder",
        _ => "out_of_stock",
    };
    (availability, quantity, "false")
}

fn slugify(value: &str) -> String {
    let mut out = String::new();
    for c in value.chars() {
        if c.is_alphanumeric() {
            out.extend(c.to_lowercase());
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_matches('-').to_owned()
}

/// The proposed mapping for a Shopify header.
#[must_use]
pub fn suggest(header: &[String]) -> Vec<(&'static str, Rule)> {
    let mut out: Vec<(&'static str, Rule)> = vec![
        ("id", Rule::column(DERIVED[0])),
        ("image_link", Rule::column(DERIVED[1])),
        ("additional_image_link", Rule::column(DERIVED[2])),
        ("item_group_id", Rule::column(DERIVED[3])),
        ("item_group_title", Rule::column(DERIVED[4])),
        ("availability", Rule::column(DERIVED[5])),
        ("inventory_quantity", Rule::column(DERIVED[6])),
        ("inventory_not_tracked", Rule::column(DERIVED[7])),
    ];
    for (stripe, derived) in variants::STRIPE.iter().zip(variants::COLUMNS) {
        out.push((stripe, Rule::column(derived)));
    }
    if let Some(handle) = pick(header, HANDLE) {
        out.push((
            "link",
            Rule::Template {
                template: format!("{{shop_url}}/products/{{{handle}}}"),
            },
        ));
    }
    let mut add = |stripe: &'static str, names: &[&str], transform: Transform| {
        if let Some(name) = pick(header, names) {
            out.push((stripe, Rule::with(name, transform)));
        }
    };
    add("title", TITLE, Transform::None);
    add("description", BODY, Transform::HtmlToText);
    add("brand", &["Vendor"], Transform::None);
    add("gtin", BARCODE, Transform::Gtin);
    add("mpn", &["Google Shopping / MPN"], Transform::None);
    add("weight", GRAMS, Transform::Unit { unit: "g".into() });
    add(
        "condition",
        &["Google Shopping / Condition"],
        Transform::Lowercase,
    );
    add(
        "gender",
        &["Google Shopping / Gender"],
        Transform::Lowercase,
    );
    add(
        "age_group",
        &["Google Shopping / Age Group"],
        Transform::Lowercase,
    );
    add(
        "google_product_category",
        &["Google Shopping / Google Product Category"],
        Transform::None,
    );
    add(
        "product_category",
        &["Product Category", "Type"],
        Transform::None,
    );
    for (n, stripe) in [
        "custom_label_0",
        "custom_label_1",
        "custom_label_2",
        "custom_label_3",
        "custom_label_4",
    ]
    .into_iter()
    .enumerate()
    {
        let name = format!("Google Shopping / Custom Label {n}");
        add(stripe, &[name.as_str()], Transform::None);
    }
    if let Some(price) = pick(header, PRICE) {
        match pick(header, COMPARE_AT) {
            Some(compare_at) => {
                out.push((
                    "price",
                    Rule::with(
                        price,
                        Transform::PriceBeforeSale {
                            compare_at: compare_at.to_owned(),
                        },
                    ),
                ));
                out.push((
                    "sale_price",
                    Rule::with(
                        price,
                        Transform::SaleFromCompareAt {
                            compare_at: compare_at.to_owned(),
                        },
                    ),
                ));
                // Shopify's compare-at prices have no end; Stripe wants a window, which the
                // seller gives once in the settings.
                out.push((
                    "sale_price_effective_date",
                    Rule::with(
                        price,
                        Transform::SaleWindow {
                            compare_at: compare_at.to_owned(),
                        },
                    ),
                ));
            }
            None => out.push(("price", Rule::with(price, Transform::Money))),
        }
    }
    out
}
