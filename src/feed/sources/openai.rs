//! OpenAI product feeds in their delimited (CSV, TSV) and JSON forms (a JSON array, an object
//! with a `products` or `items` array, or JSON Lines), with the names of the 2025 spec
//! (`id`, `link`, `image_link`, `enable_search`, `enable_checkout`) and of the current one
//! (`item_id`, `url`, `image_url`, `additional_image_urls`, `group_id`, `is_eligible_search`,
//! `is_eligible_checkout`, `star_rating`, `review_count`, `pre_order`), as documented at
//! developers.openai.com/commerce/specs/feed and /commerce/specs/file-upload/products (see
//! `reference/feed-spec.md` §7 for the name-by-name comparison).
//!
//! JSON values are flattened: numbers and booleans as text, arrays as JSON array text (the
//! list transforms read them), nested objects as `parent.child` columns. A JSON document is
//! read twice (once for the field names); JSON Lines are read line by line. Rows with
//! `enable_search` / `is_eligible_search` set to `false` are left out: they are not meant for
//! agents, and Stripe sends every row it has.

use std::collections::HashMap;
use std::io::BufRead;
use std::path::Path;

use serde_json::Value;

use super::csv_rows::{self, Columns, CsvRows, Record, cell};
use super::mapping::{Rule, Transform};
use super::{Item, Source, SourceError, SourceFormat, count_of, pick};

/// How strongly a header looks like an OpenAI feed.
#[must_use]
pub fn score(header: &[String]) -> u32 {
    count_of(
        header,
        &[
            "enable_search",
            "enable_checkout",
            "is_eligible_search",
            "is_eligible_checkout",
            "item_id",
            "seller_name",
            "seller_url",
            "return_policy",
            "return_window",
            "image_url",
            "group_id",
            "star_rating",
        ],
    ) * 2
}

const SEARCH: &[&str] = &["is_eligible_search", "enable_search"];

/// Reads an OpenAI feed, delimited or JSON.
pub fn read(path: &Path) -> Result<Source, SourceError> {
    match csv_rows::peek(path)? {
        csv_rows::Peek::Json => read_json(path),
        csv_rows::Peek::Xml => Err(SourceError::Malformed(
            "This is an XML file; read it as a Google Merchant Center feed.".into(),
        )),
        csv_rows::Peek::Header(_) => {
            let rows = CsvRows::open(path)?;
            let header = rows.header.clone();
            let search = Columns::new(&header).find(SEARCH);
            let items = rows.map(move |row| {
                row.map(|(n, values)| {
                    let skip = not_searchable(cell(&values, search));
                    Item::new(n, values, skip)
                })
            });
            Ok(Source::new(SourceFormat::Openai, header, items))
        }
    }
}

fn not_searchable(value: &str) -> Option<String> {
    value
        .eq_ignore_ascii_case("false")
        .then(|| "not eligible for search in the OpenAI feed".to_owned())
}

/// The products of a JSON document, or of JSON Lines, as objects.
fn json_products(
    path: &Path,
) -> Result<Box<dyn Iterator<Item = Result<Value, SourceError>> + Send>, SourceError> {
    let (_, input) = csv_rows::open_input(path)?;
    let malformed = |e: serde_json::Error| {
        SourceError::Malformed(format!("The JSON feed could not be read: {e}"))
    };
    let mut reader = std::io::BufReader::new(input);
    // JSON Lines: the first line is a whole object.
    let mut first = String::new();
    reader
        .read_line(&mut first)
        .map_err(|e| SourceError::Read(e.to_string()))?;
    let first_object = serde_json::from_str::<Value>(first.trim())
        .ok()
        .filter(|v| v.is_object() && !has_products(v));
    if let Some(object) = first_object {
        let lines = reader.lines().filter_map(move |line| match line {
            Ok(line) if line.trim().is_empty() => None,
            Ok(line) => Some(serde_json::from_str::<Value>(&line).map_err(malformed)),
            Err(e) => Some(Err(SourceError::Read(e.to_string()))),
        });
        return Ok(Box::new(std::iter::once(Ok(object)).chain(lines)));
    }
    let mut text = first;
    std::io::Read::read_to_string(&mut reader, &mut text)
        .map_err(|e| SourceError::Read(e.to_string()))?;
    let document: Value = serde_json::from_str(&text).map_err(malformed)?;
    let products = match document {
        Value::Array(items) => items,
        Value::Object(mut map) => match map.remove("products").or_else(|| map.remove("items")) {
            Some(Value::Array(items)) => items,
            _ => {
                return Err(SourceError::Malformed(
                    "The JSON feed has no `products` (or `items`) array.".into(),
                ));
            }
        },
        _ => {
            return Err(SourceError::Malformed(
                "The JSON feed is neither an array of products nor an object holding one.".into(),
            ));
        }
    };
    Ok(Box::new(products.into_iter().map(Ok)))
}

/// A document that wraps its products (`{"products": […]}`), not a product line.
fn has_products(v: &Value) -> bool {
    v.get("products").is_some() || v.get("items").is_some()
}

/// A product object as `(column, text)` pairs.
fn flatten(prefix: &str, value: &Value, out: &mut Vec<(String, String)>) {
    match value {
        Value::Object(map) => {
            for (key, v) in map {
                let name = if prefix.is_empty() {
                    key.clone()
                } else {
                    format!("{prefix}.{key}")
                };
                if v.is_object() {
                    flatten(&name, v, out);
                } else {
                    out.push((name, text_of(v)));
                }
            }
        }
        other => out.push((prefix.to_owned(), text_of(other))),
    }
}

fn text_of(value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        Value::Array(items) if items.iter().all(Value::is_string) => {
            serde_json::to_string(items).unwrap_or_default()
        }
        other => other.to_string(),
    }
}

fn read_json(path: &Path) -> Result<Source, SourceError> {
    let mut names: Vec<String> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    for product in json_products(path)? {
        let mut fields = Vec::new();
        flatten("", &product?, &mut fields);
        for (name, _) in fields {
            if !index.contains_key(&name) {
                index.insert(name.clone(), names.len());
                names.push(name);
            }
        }
    }
    let width = names.len();
    let search = Columns::new(&names).find(SEARCH);
    let mut n = 0;
    let items = json_products(path)?.map(move |product| {
        n += 1;
        let mut fields = Vec::new();
        flatten("", &product?, &mut fields);
        let mut values = vec![String::new(); width];
        for (name, value) in fields {
            if let Some(&i) = index.get(&name) {
                values[i] = value;
            }
        }
        let values: Record = values.into_iter().collect();
        let skip = not_searchable(cell(&values, search));
        Ok(Item::new(n, values, skip))
    });
    Ok(Source::new(SourceFormat::Openai, names, items))
}

/// The proposed mapping for an OpenAI header: the same names, the renamed ones, and the
/// transforms their values need.
#[must_use]
pub fn suggest(header: &[String]) -> Vec<(&'static str, Rule)> {
    let mut out: Vec<(&'static str, Rule)> = Vec::new();
    let mut add = |stripe: &'static str, names: &[&str], transform: Transform| {
        if let Some(name) = pick(header, names) {
            out.push((stripe, Rule::with(name, transform)));
        }
    };
    add("id", &["id", "item_id", "sku"], Transform::None);
    add("title", &["title"], Transform::None);
    add("description", &["description"], Transform::HtmlToText);
    add("link", &["link", "url"], Transform::None);
    add(
        "image_link",
        &["image_link", "image_url"],
        Transform::FirstOfList,
    );
    add(
        "additional_image_link",
        &["additional_image_link", "additional_image_urls"],
        Transform::List,
    );
    add("video_link", &["video_link", "video_url"], Transform::None);
    add(
        "model_3d_link",
        &["model_3d_link", "model_3d_url"],
        Transform::None,
    );
    add("brand", &["brand"], Transform::None);
    add("gtin", &["gtin"], Transform::None);
    add("mpn", &["mpn"], Transform::None);
    add("condition", &["condition"], Transform::Lowercase);
    add(
        "product_category",
        &["product_category", "category"],
        Transform::None,
    );
    add(
        "google_product_category",
        &["google_product_category"],
        Transform::None,
    );
    add("material", &["material"], Transform::None);
    add("color", &["color"], Transform::None);
    add("size", &["size"], Transform::None);
    add("size_system", &["size_system"], Transform::None);
    add("gender", &["gender"], Transform::Lowercase);
    add("age_group", &["age_group"], Transform::Lowercase);
    add(
        "item_group_id",
        &["item_group_id", "group_id"],
        Transform::None,
    );
    add("item_group_title", &["item_group_title"], Transform::None);
    add("price", &["price"], Transform::Money);
    add("sale_price", &["sale_price"], Transform::Money);
    add(
        "sale_price_effective_date",
        &["sale_price_effective_date"],
        Transform::WindowDates,
    );
    add("availability", &["availability"], Transform::Availability);
    add("availability_date", &["availability_date"], Transform::None);
    add("expiration_date", &["expiration_date"], Transform::None);
    add(
        "inventory_quantity",
        &["inventory_quantity", "quantity"],
        Transform::Quantity,
    );
    add("shipping", &["shipping"], Transform::Shipping);
    add(
        "product_review_count",
        &["product_review_count", "review_count"],
        Transform::Quantity,
    );
    add(
        "product_review_rating",
        &["product_review_rating", "star_rating"],
        Transform::None,
    );
    add("popularity_score", &["popularity_score"], Transform::None);
    add("return_rate", &["return_rate"], Transform::None);
    add("age_restriction", &["age_restriction"], Transform::None);
    add(
        "disable_checkout",
        &["is_eligible_checkout", "enable_checkout"],
        Transform::Invert,
    );
    for n in 1..=3 {
        let (name, value) = (
            format!("custom_variant{n}_category"),
            format!("custom_variant{n}_option"),
        );
        let (stripe_name, stripe_value) = [
            (
                "custom_variant_option_name_1",
                "custom_variant_option_value_1",
            ),
            (
                "custom_variant_option_name_2",
                "custom_variant_option_value_2",
            ),
            (
                "custom_variant_option_name_3",
                "custom_variant_option_value_3",
            ),
        ][n - 1];
        add(stripe_name, &[name.as_str()], Transform::None);
        add(stripe_value, &[value.as_str()], Transform::None);
    }
    match (pick(header, &["weight"]), pick(header, &["item_weight"])) {
        (Some(weight), _) => out.push(("weight", Rule::column(weight))),
        (None, Some(weight)) => {
            let rule = match pick(header, &["item_weight_unit"]) {
                Some(unit) => Rule::Template {
                    template: format!("{{{weight}}} {{{unit}}}"),
                },
                None => Rule::column(weight),
            };
            out.push(("weight", rule));
        }
        (None, None) => {}
    }
    for axis in ["length", "width", "height"] {
        let (stripe, nested) = match axis {
            "length" => ("length", "dimensions.length"),
            "width" => ("width", "dimensions.width"),
            _ => ("height", "dimensions.height"),
        };
        if let Some(value) = pick(header, &[axis, nested]) {
            let rule = match pick(header, &["dimensions_unit", "dimensions.unit"]) {
                Some(unit) => Rule::Template {
                    template: format!("{{{value}}} {{{unit}}}"),
                },
                None => Rule::column(value),
            };
            out.push((stripe, rule));
        }
    }
    let has = |stripe: &str| out.iter().any(|(s, _)| *s == stripe);
    if !has("inventory_quantity") {
        out.push((
            "inventory_not_tracked",
            Rule::Constant {
                value: "true".into(),
            },
        ));
    }
    out
}
