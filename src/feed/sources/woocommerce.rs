//! WooCommerce's product CSV export, as its importer/exporter schema documents it
//! (github.com/woocommerce/woocommerce/wiki/Product-CSV-Import-Schema, and
//! `plugins/woocommerce/sample-data/sample_products.csv`): `ID`, `Type` (simple, variable,
//! variation, grouped, external, with `downloadable`/`virtual`), `SKU`, `Name`, `Published`
//! (1, 0 private, -1 draft), `Description`, `Short description`, `Date sale price starts/ends`,
//! `In stock?` (1, 0, backorder), `Stock`, `Backorders allowed?`, `Weight (kg)` and the
//! dimensions with their unit in the header, `Sale price`, `Regular price`, `Categories`
//! (`A > B`, comma-separated), `Images` (comma-separated), `Parent` (`id:44` or the parent's
//! SKU), `Attribute N name` / `Attribute N value(s)`, and since WooCommerce 9.x `Brands` and
//! `GTIN, UPC, EAN, or ISBN`.
//!
//! Variations may come anywhere in the file, so it is read twice: first the variable parents
//! (kept in memory, one row each), then the items. A variation takes what it leaves blank
//! from its parent (description, categories, images, brand, weight). Derived columns:
//! `(product) id` (the SKU, else `wc-<ID>`), `(product) page id` (the parent's ID for a
//! variation, for the product link), `(product) image`, `(product) additional images`,
//! `(product) group id` and `(product) group title` (the parent's SKU and name),
//! `(product) availability`, `(product) inventory quantity`, `(product) inventory not
//! tracked`, `(product) external` (`true` for an external product, which Stripe can only
//! link to), and the variant options.

use std::collections::HashMap;
use std::path::Path;

use super::csv_rows::{Columns, CsvRows, Record, cell};
use super::mapping::{Rule, Transform};
use super::{Item, Source, SourceError, SourceFormat, count_of, pick, transform, variants};

const ID: &[&str] = &["ID"];
const TYPE: &[&str] = &["Type"];
const SKU: &[&str] = &["SKU"];
const NAME: &[&str] = &["Name"];
const PUBLISHED: &[&str] = &["Published"];
const IN_STOCK: &[&str] = &["In stock?"];
const STOCK: &[&str] = &["Stock"];
const BACKORDERS: &[&str] = &["Backorders allowed?"];
const IMAGES: &[&str] = &["Images"];
const PARENT: &[&str] = &["Parent"];
const BRANDS: &[&str] = &["Brands", "Brand"];
const GTIN: &[&str] = &["GTIN, UPC, EAN, or ISBN", "GTIN", "EAN", "UPC"];

/// The derived columns, after the source's own.
pub const DERIVED: [&str; 10] = [
    "(product) id",
    "(product) page id",
    "(product) image",
    "(product) additional images",
    "(product) group id",
    "(product) group title",
    "(product) availability",
    "(product) inventory quantity",
    "(product) inventory not tracked",
    "(product) external",
];

/// How strongly a header looks like a WooCommerce export.
#[must_use]
pub fn score(header: &[String]) -> u32 {
    let key = if count_of(header, &["Regular price"]) > 0 {
        3
    } else {
        0
    };
    key + count_of(
        header,
        &[
            "In stock?",
            "Parent",
            "Attribute 1 name",
            "Attribute 1 value(s)",
            "Short description",
            "Visibility in catalog",
            "Backorders allowed?",
        ],
    )
}

struct Layout {
    id: Option<usize>,
    kind: Option<usize>,
    sku: Option<usize>,
    name: Option<usize>,
    published: Option<usize>,
    in_stock: Option<usize>,
    stock: Option<usize>,
    backorders: Option<usize>,
    images: Option<usize>,
    parent: Option<usize>,
    attributes: Vec<(usize, usize)>,
    /// Columns a variation takes from its parent when blank.
    inherited: Vec<bool>,
    width: usize,
}

impl Layout {
    fn new(header: &[String]) -> Layout {
        let c = Columns::new(header);
        let attributes = (1..=20)
            .filter_map(|n| {
                let name = c.find(&[format!("Attribute {n} name").as_str()])?;
                let value = c.find(&[format!("Attribute {n} value(s)").as_str()])?;
                Some((name, value))
            })
            .collect();
        let own = |h: &str| {
            let h = h.to_ascii_lowercase();
            [
                "id",
                "type",
                "sku",
                "name",
                "parent",
                "published",
                "regular price",
                "sale price",
                "date sale price starts",
                "date sale price ends",
                "in stock?",
                "stock",
                "backorders allowed?",
                "position",
                "gtin, upc, ean, or isbn",
            ]
            .contains(&h.as_str())
                || (h.starts_with("attribute ") && h.ends_with("value(s)"))
        };
        Layout {
            id: c.find(ID),
            kind: c.find(TYPE),
            sku: c.find(SKU),
            name: c.find(NAME),
            published: c.find(PUBLISHED),
            in_stock: c.find(IN_STOCK),
            stock: c.find(STOCK),
            backorders: c.find(BACKORDERS),
            images: c.find(IMAGES),
            parent: c.find(PARENT),
            attributes,
            inherited: (0..header.len()).map(|i| !own(&header[i])).collect(),
            width: header.len(),
        }
    }

    fn kind(&self, row: &Record) -> String {
        cell(row, self.kind).to_ascii_lowercase()
    }
}

/// Reads a WooCommerce export (twice: parents first).
pub fn read(path: &Path) -> Result<Source, SourceError> {
    let first = CsvRows::open(path)?;
    let header = first.header.clone();
    let layout = Layout::new(&header);
    if layout.kind.is_none() || layout.name.is_none() {
        return Err(SourceError::Malformed(
            "This is not a WooCommerce product export: it has no `Type` or `Name` column.".into(),
        ));
    }
    // Pass one: the variable parents, by `id:<ID>` and by SKU.
    let mut parents: Vec<Record> = Vec::new();
    let mut by_ref: HashMap<String, usize> = HashMap::new();
    for row in first {
        let (_, row) = row?;
        if layout.kind(&row).contains("variable") {
            let index = parents.len();
            let id = cell(&row, layout.id);
            if !id.is_empty() {
                by_ref.insert(format!("id:{id}"), index);
            }
            let sku = cell(&row, layout.sku);
            if !sku.is_empty() {
                by_ref.insert(sku.to_owned(), index);
            }
            parents.push(row);
        }
    }
    let mut full = header.clone();
    full.extend(DERIVED.iter().map(|s| (*s).to_owned()));
    full.extend(variants::COLUMNS.iter().map(|s| (*s).to_owned()));
    let rows = CsvRows::open(path)?;
    let items = rows.map(move |row| {
        let (n, row) = row?;
        let parent = by_ref.get(cell(&row, layout.parent)).map(|&i| &parents[i]);
        Ok(item(&layout, n, row, parent))
    });
    Ok(Source::new(SourceFormat::Woocommerce, full, items))
}

fn item(layout: &Layout, n: u64, own: Record, parent: Option<&Record>) -> Item {
    let variation = layout.kind(&own).contains("variation");
    // A variation takes its parent's cell where it has none and the column is the parent's.
    let row = match parent {
        Some(parent) if variation => (0..layout.width)
            .map(|i| match cell(&own, Some(i)) {
                "" if layout.inherited[i] => cell(parent, Some(i)),
                value => value,
            })
            .collect(),
        _ => own,
    };
    let kind = layout.kind(&row);
    let skip = if kind.contains("variable") {
        Some("a variable product (its variations are the feed rows)".to_owned())
    } else if kind.contains("grouped") {
        Some("a grouped product (a set of other products)".to_owned())
    } else {
        match cell(&row, layout.published) {
            "-1" => Some("a draft in WooCommerce".to_owned()),
            "0" => Some("private in WooCommerce".to_owned()),
            _ => None,
        }
    };
    let own_id = cell(&row, layout.id).to_owned();
    let id = match cell(&row, layout.sku) {
        "" if own_id.is_empty() => String::new(),
        "" => format!("wc-{own_id}"),
        sku => sku.to_owned(),
    };
    let (page_id, group_id, group_title) = match (variation, parent) {
        (true, Some(p)) => {
            let sku = cell(p, layout.sku);
            let pid = cell(p, layout.id);
            (
                pid.to_owned(),
                if sku.is_empty() {
                    format!("wc-{pid}")
                } else {
                    sku.to_owned()
                },
                cell(p, layout.name).to_owned(),
            )
        }
        (true, None) => (
            own_id.clone(),
            cell(&row, layout.parent).to_owned(),
            String::new(),
        ),
        _ => (own_id.clone(), String::new(), String::new()),
    };
    let images = transform::list_items(cell(&row, layout.images));
    let (availability, quantity, not_tracked) = stock(layout, &row);
    // A variation's attribute names were filled from its parent above.
    let options: Vec<(&str, &str)> = layout
        .attributes
        .iter()
        .map(|&(name, value)| (cell(&row, Some(name)), cell(&row, Some(value))))
        .collect();
    let mut values = row.clone();
    values.extend([
        id,
        page_id,
        images.first().cloned().unwrap_or_default(),
        transform::join_list(images.get(1..).unwrap_or_default(), 10),
        group_id,
        group_title,
        availability,
        quantity,
        not_tracked,
        if kind.contains("external") {
            "true".into()
        } else {
            String::new()
        },
    ]);
    values.extend(variants::cells(&options));
    Item::new(n, values, skip)
}

fn stock(layout: &Layout, row: &Record) -> (String, String, String) {
    let qty = cell(row, layout.stock);
    let tracked = !qty.is_empty();
    let backorders = matches!(cell(row, layout.backorders), "1" | "notify" | "yes");
    let availability = match cell(row, layout.in_stock).to_ascii_lowercase().as_str() {
        "backorder" | "onbackorder" => "backorder".to_owned(),
        "0" | "no" | "false" if backorders => "backorder".to_owned(),
        "" if tracked => match transform::quantity(qty).parse::<i64>() {
            Ok(q) if q > 0 => "in_stock".to_owned(),
            _ if backorders => "backorder".to_owned(),
            _ => "out_of_stock".to_owned(),
        },
        "" => "in_stock".to_owned(),
        other => transform::availability(other),
    };
    if tracked {
        (availability, transform::quantity(qty), "false".into())
    } else {
        (availability, String::new(), "true".into())
    }
}

/// The unit in a header such as `Weight (kg)` or `Length (in)`.
fn unit_of(header: &str) -> Option<String> {
    let open = header.rfind('(')?;
    let unit = header[open + 1..]
        .trim_end_matches(')')
        .trim()
        .to_ascii_lowercase();
    Some(match unit.as_str() {
        "lbs" => "lb".to_owned(),
        _ => unit,
    })
}

/// The proposed mapping for a WooCommerce header.
#[must_use]
pub fn suggest(header: &[String]) -> Vec<(&'static str, Rule)> {
    let mut out: Vec<(&'static str, Rule)> = vec![
        ("id", Rule::column(DERIVED[0])),
        ("image_link", Rule::column(DERIVED[2])),
        ("additional_image_link", Rule::column(DERIVED[3])),
        ("item_group_id", Rule::column(DERIVED[4])),
        ("item_group_title", Rule::column(DERIVED[5])),
        ("availability", Rule::column(DERIVED[6])),
        ("inventory_quantity", Rule::column(DERIVED[7])),
        ("inventory_not_tracked", Rule::column(DERIVED[8])),
        ("disable_checkout", Rule::column(DERIVED[9])),
    ];
    for (stripe, derived) in variants::STRIPE.iter().zip(variants::COLUMNS) {
        out.push((stripe, Rule::column(derived)));
    }
    let page = Rule::Template {
        template: format!("{{shop_url}}/?p={{{}}}", DERIVED[1]),
    };
    out.push((
        "link",
        match pick(header, &["External URL"]) {
            Some(external) => Rule::column(external).or(page),
            None => page,
        },
    ));
    let mut add = |stripe: &'static str, names: &[&str], transform: Transform| {
        if let Some(name) = pick(header, names) {
            out.push((stripe, Rule::with(name, transform)));
        }
    };
    add("title", NAME, Transform::None);
    add("brand", BRANDS, Transform::FirstCategory);
    add("gtin", GTIN, Transform::Gtin);
    add("price", &["Regular price"], Transform::Money);
    add("sale_price", &["Sale price"], Transform::Money);
    add(
        "product_category",
        &["Categories"],
        Transform::FirstCategory,
    );
    if let Some(start) = pick(header, &["Date sale price starts"])
        && let Some(end) = pick(header, &["Date sale price ends"])
    {
        out.push((
            "sale_price_effective_date",
            Rule::with(
                start,
                Transform::DateRange {
                    end: end.to_owned(),
                },
            ),
        ));
    }
    if let Some(description) = pick(header, &["Description"]) {
        let rule = Rule::with(description, Transform::HtmlToText);
        let rule = match pick(header, &["Short description"]) {
            Some(short) => rule.or(Rule::with(short, Transform::HtmlToText)),
            None => rule,
        };
        out.push(("description", rule));
    }
    for (stripe, prefix) in [
        ("weight", "Weight ("),
        ("length", "Length ("),
        ("width", "Width ("),
        ("height", "Height ("),
    ] {
        if let Some(name) = header.iter().find(|h| h.starts_with(prefix))
            && let Some(unit) = unit_of(name)
        {
            out.push((stripe, Rule::with(name, Transform::Unit { unit })));
        }
    }
    out
}
