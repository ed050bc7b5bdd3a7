//! A mapping from a source export's columns to Stripe's product feed columns: per Stripe
//! column a rule (a source column with a transform, a constant, or a template), plus the
//! settings the source lacks (store currency, shop address). It is saved as JSON, the same
//! file for the window and `seller-console convert --mapping`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::csv_out;
use super::transform as tf;
use super::{Cells, SourceFormat};
use crate::feed::FeedKind;

/// The mapping file's format version.
pub const VERSION: u32 = 1;

/// What a source export becomes: one rule per Stripe column that gets a value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Mapping {
    /// Mapping file version ([`VERSION`]).
    pub version: u32,
    /// The source format the mapping was made for.
    pub format: SourceFormat,
    /// Values the source does not carry.
    #[serde(default)]
    pub settings: Settings,
    /// Stripe column name → how its cell is made. Written in Stripe's column order.
    pub columns: BTreeMap<String, Rule>,
}

/// What the source lacks and the seller types once.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Settings {
    /// ISO 4217 code for bare amounts (Shopify and WooCommerce prices carry none).
    #[serde(default)]
    pub currency: String,
    /// The shop's address (`https://shop.example`), used by link templates as `{shop_url}`.
    #[serde(default)]
    pub shop_url: String,
    /// The sale window (`2026-12-01/2026-12-31`) for sales the source marks without dates
    /// (Shopify's compare-at prices).
    #[serde(default)]
    pub sale_window: String,
}

/// How one Stripe cell is made.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "from", rename_all = "snake_case")]
pub enum Rule {
    /// A source column's value, transformed; `or` is used when the result is empty.
    Column {
        /// The source column's header name.
        column: String,
        /// What is done to the value.
        #[serde(default, skip_serializing_if = "Transform::is_none")]
        transform: Transform,
        /// The fallback when this gives nothing.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        or: Option<Box<Rule>>,
    },
    /// The same value on every row (a brand the source lacks, a condition).
    Constant {
        /// The value.
        value: String,
    },
    /// Text with `{Source column}` and `{shop_url}` placeholders; empty when any placeholder
    /// is empty (a link without the shop address is left for the validator to name).
    Template {
        /// The template.
        template: String,
    },
}

impl Rule {
    /// A source column taken as it is.
    #[must_use]
    pub fn column(name: &str) -> Rule {
        Rule::Column {
            column: name.to_owned(),
            transform: Transform::None,
            or: None,
        }
    }

    /// A source column with a transform.
    #[must_use]
    pub fn with(name: &str, transform: Transform) -> Rule {
        Rule::Column {
            column: name.to_owned(),
            transform,
            or: None,
        }
    }

    /// This rule, falling back to `other` when it gives nothing.
    #[must_use]
    pub fn or(self, other: Rule) -> Rule {
        match self {
            Rule::Column {
                column,
                transform,
                or,
            } => Rule::Column {
                column,
                transform,
                or: Some(Box::new(match or {
                    Some(inner) => inner.or(other),
                    None => other,
                })),
            },
            done => done,
        }
    }

    /// The rule in a few words, for the mapper and the CLI.
    #[must_use]
    pub fn describe(&self) -> String {
        match self {
            Rule::Column {
                column,
                transform,
                or,
            } => {
                let mut s = format!("`{column}`");
                if !transform.is_none() {
                    s = format!("{s} ({})", transform.describe());
                }
                if let Some(or) = or {
                    s = format!("{s}, else {}", or.describe());
                }
                s
            }
            Rule::Constant { value } if value.is_empty() => "(a value to fill)".into(),
            Rule::Constant { value } => format!("always \"{value}\""),
            Rule::Template { template } => format!("\"{template}\""),
        }
    }
}

/// What is done to a source value on its way into a Stripe cell.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Transform {
    /// Taken as it is (trimmed).
    #[default]
    None,
    /// HTML to plain text.
    HtmlToText,
    /// An amount with the store currency (`24` → `24.00 USD`).
    Money,
    /// The compare-at price when it is higher (a sale), else this price.
    PriceBeforeSale {
        /// The compare-at column.
        compare_at: String,
    },
    /// This price as the sale price when the compare-at price is higher, else nothing.
    SaleFromCompareAt {
        /// The compare-at column.
        compare_at: String,
    },
    /// Availability words (`in stock`, `1`, `onbackorder`) as Stripe's values.
    Availability,
    /// `in_stock` when the quantity is above zero, else `out_of_stock`.
    AvailabilityFromQuantity,
    /// A whole, non-negative stock count.
    Quantity,
    /// `true` / `false` from yes/no, 1/0.
    Boolean,
    /// A flag with the opposite meaning.
    Invert,
    /// Lowercase (`Male` → `male`).
    Lowercase,
    /// The first entry of a list (the main image of `Images`).
    FirstOfList,
    /// The entries after the first, comma-separated (at most 10).
    RestOfList,
    /// A list written with any separator, comma-separated.
    List,
    /// A bare number with a unit (`0.5` → `0.5 kg`).
    Unit {
        /// The unit added.
        unit: String,
    },
    /// Four-part shipping entries as Stripe's five parts.
    Shipping,
    /// This start date with an end date column as `start/end`.
    DateRange {
        /// The end date column.
        end: String,
    },
    /// A `start/end` window of timestamps as dates.
    WindowDates,
    /// The settings' sale window when the compare-at price marks a sale, else nothing.
    SaleWindow {
        /// The compare-at column.
        compare_at: String,
    },
    /// The first of several categories.
    FirstCategory,
    /// A barcode kept only when it is a GTIN (8, 12, 13 or 14 digits).
    Gtin,
}

impl Transform {
    /// Whether nothing is done.
    #[must_use]
    pub fn is_none(&self) -> bool {
        *self == Transform::None
    }

    /// In a few words.
    #[must_use]
    pub fn describe(&self) -> String {
        match self {
            Transform::None => "as is".into(),
            Transform::HtmlToText => "HTML to text".into(),
            Transform::Money => "with the currency".into(),
            Transform::PriceBeforeSale { compare_at } => {
                format!("or `{compare_at}` when higher")
            }
            Transform::SaleFromCompareAt { compare_at } => {
                format!("when `{compare_at}` is higher")
            }
            Transform::Availability => "availability words".into(),
            Transform::AvailabilityFromQuantity => "from the quantity".into(),
            Transform::Quantity => "whole number".into(),
            Transform::Boolean => "true/false".into(),
            Transform::Invert => "opposite flag".into(),
            Transform::Lowercase => "lowercase".into(),
            Transform::FirstOfList => "first entry".into(),
            Transform::RestOfList => "entries after the first".into(),
            Transform::List => "as a list".into(),
            Transform::Unit { unit } => format!("in {unit}"),
            Transform::Shipping => "as Stripe shipping entries".into(),
            Transform::DateRange { end } => format!("to `{end}`"),
            Transform::WindowDates => "as dates".into(),
            Transform::SaleWindow { compare_at } => {
                format!("the sale window when `{compare_at}` is higher")
            }
            Transform::FirstCategory => "first category".into(),
            Transform::Gtin => "kept when a GTIN".into(),
        }
    }
}

/// Why a mapping cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MappingError {
    /// The file is not a mapping.
    #[error("The mapping file could not be read: {0}")]
    Unreadable(String),
    /// A newer console wrote it.
    #[error("The mapping file has version {0}; this console reads version {VERSION}.")]
    Version(u32),
    /// A target that is not a product feed column.
    #[error("`{0}` is not a column of Stripe's product feed.")]
    NotAStripeColumn(String),
    /// A template placeholder that names no source column.
    #[error("The rule for `{stripe}` uses `{{{name}}}`, which is not a column of this file.")]
    UnknownPlaceholder {
        /// The Stripe column.
        stripe: String,
        /// The placeholder.
        name: String,
    },
}

impl Mapping {
    /// Reads a mapping file's text.
    pub fn from_json(text: &str) -> Result<Mapping, MappingError> {
        let mapping: Mapping =
            serde_json::from_str(text).map_err(|e| MappingError::Unreadable(e.to_string()))?;
        if mapping.version > VERSION {
            return Err(MappingError::Version(mapping.version));
        }
        Ok(mapping)
    }

    /// The mapping file's text (pretty JSON).
    #[must_use]
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// The Stripe columns this mapping fills, in Stripe's order.
    #[must_use]
    pub fn output_columns(&self) -> Vec<&'static str> {
        FeedKind::Product
            .columns()
            .iter()
            .map(|c| c.id.name())
            .filter(|name| self.columns.contains_key(*name))
            .collect()
    }

    /// Ties the rules to a source header (names matched exactly, then ignoring case).
    /// Source columns the rules name that the header lacks are listed in
    /// [`Compiled::missing`] and give empty cells.
    pub fn compile(&self, header: &[String]) -> Result<Compiled, MappingError> {
        for name in self.columns.keys() {
            if !FeedKind::Product
                .columns()
                .iter()
                .any(|c| c.id.name() == name)
            {
                return Err(MappingError::NotAStripeColumn(name.clone()));
            }
        }
        let mut missing = Vec::new();
        let mut rules = Vec::new();
        let columns = self.output_columns();
        for name in &columns {
            let rule = &self.columns[*name];
            rules.push(compile_rule(
                name,
                rule,
                header,
                &self.settings,
                &mut missing,
            )?);
        }
        missing.sort();
        missing.dedup();
        Ok(Compiled {
            columns,
            rules,
            settings: self.settings.clone(),
            missing,
        })
    }
}

/// A mapping tied to one header, ready to make rows.
#[derive(Debug, Clone)]
pub struct Compiled {
    /// The output header.
    pub columns: Vec<&'static str>,
    rules: Vec<Step>,
    settings: Settings,
    /// Source columns the mapping names that this file does not have.
    pub missing: Vec<String>,
}

#[derive(Debug, Clone)]
enum Step {
    Column {
        index: Option<usize>,
        transform: Resolved,
        or: Option<Box<Step>>,
    },
    Constant(String),
    Template(Vec<Piece>),
}

#[derive(Debug, Clone)]
enum Piece {
    Text(String),
    Field(Option<usize>),
}

/// A transform with its second column found.
#[derive(Debug, Clone)]
struct Resolved {
    transform: Transform,
    other: Option<usize>,
}

fn find(header: &[String], name: &str) -> Option<usize> {
    header.iter().position(|h| h == name).or_else(|| {
        header
            .iter()
            .position(|h| h.eq_ignore_ascii_case(name.trim()))
    })
}

fn compile_rule(
    stripe: &str,
    rule: &Rule,
    header: &[String],
    settings: &Settings,
    missing: &mut Vec<String>,
) -> Result<Step, MappingError> {
    let locate = |name: &str, missing: &mut Vec<String>| {
        let found = find(header, name);
        if found.is_none() {
            missing.push(name.to_owned());
        }
        found
    };
    Ok(match rule {
        Rule::Column {
            column,
            transform,
            or,
        } => {
            let index = locate(column, missing);
            let other = match transform {
                Transform::PriceBeforeSale { compare_at }
                | Transform::SaleFromCompareAt { compare_at }
                | Transform::SaleWindow { compare_at } => locate(compare_at, missing),
                Transform::DateRange { end } => locate(end, missing),
                _ => None,
            };
            let or = match or {
                Some(or) => Some(Box::new(compile_rule(
                    stripe, or, header, settings, missing,
                )?)),
                None => None,
            };
            Step::Column {
                index,
                transform: Resolved {
                    transform: transform.clone(),
                    other,
                },
                or,
            }
        }
        Rule::Constant { value } => Step::Constant(value.trim().to_owned()),
        Rule::Template { template } => {
            let mut pieces = Vec::new();
            let mut rest = template.as_str();
            while let Some(open) = rest.find('{') {
                let Some(close) = rest[open..].find('}') else {
                    break;
                };
                pieces.push(Piece::Text(rest[..open].to_owned()));
                let name = &rest[open + 1..open + close];
                if name == "shop_url" {
                    let shop = settings.shop_url.trim().trim_end_matches('/');
                    // An empty setting empties the whole cell, as an empty column does.
                    if shop.is_empty() {
                        pieces.push(Piece::Field(None));
                    } else {
                        pieces.push(Piece::Text(shop.to_owned()));
                    }
                } else {
                    match find(header, name) {
                        Some(i) => pieces.push(Piece::Field(Some(i))),
                        None => {
                            return Err(MappingError::UnknownPlaceholder {
                                stripe: stripe.to_owned(),
                                name: name.to_owned(),
                            });
                        }
                    }
                }
                rest = &rest[open + close + 1..];
            }
            pieces.push(Piece::Text(rest.to_owned()));
            Step::Template(pieces)
        }
    })
}

impl Compiled {
    /// One output row from one source item (aligned with the header given to
    /// [`Mapping::compile`]).
    #[cfg(test)]
    fn row(&self, record: &impl Cells) -> Vec<String> {
        let mut maker = self.maker();
        let mut cells = Vec::with_capacity(self.rules.len());
        for (slot, step) in self.rules.iter().enumerate() {
            cells.push(maker.cell(slot, step, record).to_owned());
        }
        cells
    }

    /// A row maker: writes rows as CSV bytes, remembering each transform's last answer (a
    /// product's description, category and brand repeat on every variant).
    #[must_use]
    pub(crate) fn maker(&self) -> RowMaker<'_> {
        RowMaker {
            compiled: self,
            memo: vec![Memo::default(); self.rules.len()],
            scratch: String::new(),
        }
    }

    /// A fallback rule's cell, made without a memo (fallbacks are rarely needed).
    fn fallback(&self, step: &Step, record: &impl Cells, out: &mut String) {
        out.clear();
        match step {
            Step::Column {
                index,
                transform,
                or,
            } => {
                *out = transform_value(
                    record.get(*index),
                    record.get(transform.other),
                    transform,
                    &self.settings,
                );
                if let Some(or) = or
                    && out.is_empty()
                {
                    self.fallback(or, record, out);
                }
            }
            Step::Constant(value) => out.push_str(value),
            Step::Template(pieces) => fill_template(pieces, record, out),
        }
    }
}

/// Puts a template's cell together in `out`; empty when any placeholder is.
fn fill_template(pieces: &[Piece], record: &impl Cells, out: &mut String) {
    out.clear();
    for piece in pieces {
        match piece {
            Piece::Text(text) => out.push_str(text),
            Piece::Field(index) => {
                let value = record.get(*index);
                if value.is_empty() {
                    out.clear();
                    return;
                }
                out.push_str(value);
            }
        }
    }
}

/// Makes the rows of one [`Compiled`] mapping without a string per cell; one per thread.
pub(crate) struct RowMaker<'c> {
    compiled: &'c Compiled,
    /// Per rule, its last transform's input and output.
    memo: Vec<Memo>,
    /// Where a template's or a fallback's cell is put together.
    scratch: String,
}

#[derive(Debug, Clone, Default)]
struct Memo {
    value: String,
    other: String,
    out: String,
    set: bool,
    /// The product whose shared cells `value` and `other` are, when they are: its next
    /// variant has the same ones without comparing their text.
    product: Option<u64>,
}

impl Memo {
    /// Whether the memo holds the answer for these inputs: the same product's shared cells,
    /// or the same text.
    fn holds(&self, (value, other): (&str, &str), product: Option<u64>) -> bool {
        let same_product = product.is_some() && product == self.product;
        self.set && (same_product || (same(&self.value, value) && same(&self.other, other)))
    }
}

/// Whether two cells hold the same text: short ones (prices, barcodes, weights) compared
/// byte by byte in place, which is quicker than a call to `memcmp` for each.
fn same(a: &str, b: &str) -> bool {
    const SHORT: usize = 32;
    a.len() == b.len()
        && if a.len() <= SHORT {
            a.bytes().zip(b.bytes()).all(|(x, y)| x == y)
        } else {
            a == b
        }
}

impl<'c> RowMaker<'c> {
    /// Appends the output row of one source item to `out` as a CSV record.
    pub(crate) fn write(&mut self, record: &impl Cells, out: &mut Vec<u8>) {
        let compiled = self.compiled;
        let mut line = csv_out::Line::new(out);
        for (slot, step) in compiled.rules.iter().enumerate() {
            line.field(self.cell(slot, step, record).as_bytes());
        }
        line.end();
    }

    /// The cell rule `slot` (`step`) makes of `record`: borrowed from the record, the rule or
    /// the maker's memo and scratch, so no cell allocates unless a transform runs.
    fn cell<'a>(&'a mut self, slot: usize, step: &'c Step, record: &'a impl Cells) -> &'a str {
        match step {
            Step::Column {
                index,
                transform,
                or,
            } => {
                let (value, shared) = record.cell(*index);
                let made = if transform.transform.is_none() {
                    value
                } else {
                    let (other, other_shared) = record.cell(transform.other);
                    // The inputs are the product's when both are (or there is no other).
                    let product = record
                        .product()
                        .filter(|_| shared && (other_shared || transform.other.is_none()));
                    let memo = &mut self.memo[slot];
                    if memo.holds((value, other), product) {
                        // The next variants of this product hold it without a comparison.
                        memo.product = product;
                    } else {
                        memo.out =
                            transform_value(value, other, transform, &self.compiled.settings);
                        value.clone_into(&mut memo.value);
                        other.clone_into(&mut memo.other);
                        memo.product = product;
                        memo.set = true;
                    }
                    memo.out.as_str()
                };
                match or {
                    Some(or) if made.is_empty() => {
                        self.compiled.fallback(or, record, &mut self.scratch);
                        &self.scratch
                    }
                    _ => made,
                }
            }
            Step::Constant(value) => value,
            Step::Template(pieces) => {
                fill_template(pieces, record, &mut self.scratch);
                &self.scratch
            }
        }
    }
}

fn transform_value(value: &str, other: &str, resolved: &Resolved, settings: &Settings) -> String {
    let currency = settings.currency.as_str();
    match &resolved.transform {
        Transform::None => value.to_owned(),
        Transform::HtmlToText => tf::html_to_text(value),
        Transform::Money => tf::money(value, currency),
        Transform::PriceBeforeSale { .. } => tf::price_before_sale(value, other, currency),
        Transform::SaleFromCompareAt { .. } => tf::sale_from_compare_at(value, other, currency),
        Transform::Availability => tf::availability(value),
        Transform::AvailabilityFromQuantity => tf::availability_from_quantity(value),
        Transform::Quantity => tf::quantity(value),
        Transform::Boolean => tf::boolean(value),
        Transform::Invert => tf::invert(value),
        Transform::Lowercase => value.to_lowercase(),
        Transform::FirstOfList => tf::list_items(value).into_iter().next().unwrap_or_default(),
        Transform::RestOfList => {
            let items = tf::list_items(value);
            tf::join_list(items.get(1..).unwrap_or_default(), 10)
        }
        Transform::List => tf::join_list(&tf::list_items(value), 10),
        Transform::Unit { unit } => tf::with_unit(value, unit),
        Transform::Shipping => tf::shipping(value, currency),
        Transform::DateRange { .. } => tf::date_range(value, other),
        Transform::WindowDates => tf::window_dates(value),
        Transform::SaleWindow { .. } => {
            if tf::on_sale(value, other) {
                settings.sale_window.trim().to_owned()
            } else {
                String::new()
            }
        }
        Transform::FirstCategory => tf::first_category(value),
        Transform::Gtin => tf::gtin(value),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header() -> Vec<String> {
        ["Title", "Body", "Price", "Compare", "Brand", "Handle"]
            .map(str::to_owned)
            .to_vec()
    }

    fn mapping() -> Mapping {
        let mut columns = BTreeMap::new();
        columns.insert("title".into(), Rule::column("Title"));
        columns.insert(
            "description".into(),
            Rule::with("Body", Transform::HtmlToText),
        );
        columns.insert(
            "price".into(),
            Rule::with(
                "Price",
                Transform::PriceBeforeSale {
                    compare_at: "Compare".into(),
                },
            ),
        );
        columns.insert(
            "brand".into(),
            Rule::column("Brand").or(Rule::Constant {
                value: "Juniper & Oak".into(),
            }),
        );
        columns.insert(
            "link".into(),
            Rule::Template {
                template: "{shop_url}/products/{Handle}".into(),
            },
        );
        Mapping {
            version: VERSION,
            format: SourceFormat::Shopify,
            settings: Settings {
                currency: "EUR".into(),
                shop_url: "https://juniper.example/".into(),
                sale_window: String::new(),
            },
            columns,
        }
    }

    /// A variant sharing its product's cells where its own are empty, as Shopify's are.
    struct Variant {
        own: [&'static str; 6],
        product: Option<([&'static str; 6], [bool; 6], u64)>,
    }

    impl Cells for Variant {
        fn row(&self) -> u64 {
            1
        }

        fn skip(&self) -> Option<&str> {
            None
        }

        fn cell(&self, index: Option<usize>) -> (&str, bool) {
            let Some(i) = index else { return ("", false) };
            match self.product {
                Some((cells, shared, _)) if self.own[i].is_empty() && shared[i] => (cells[i], true),
                _ => (self.own[i], false),
            }
        }

        fn product(&self) -> Option<u64> {
            self.product.map(|(_, _, number)| number)
        }
    }

    #[test]
    fn the_row_maker_writes_the_cells_a_row_has_whatever_its_memo_holds() {
        let compiled = mapping().compile(&header()).unwrap();
        // Two variants of one mug that take its title and description from the product,
        // then a towel with all of its cells its own.
        let mug = ["Mug", "<p>Stoneware &amp; glaze</p>", "", "", "", "mug"];
        let shared = [true, true, false, false, true, false];
        let variant = |own: [&'static str; 6]| Variant {
            own,
            product: Some((mug, shared, 7)),
        };
        let items = [
            variant(["", "", "28", "", "", "mug"]),
            variant(["", "", "19", "28", "Acme", "mug"]),
            Variant {
                own: ["Towel", "<p>Linen</p>", "16.5", "", "", ""],
                product: None,
            },
        ];
        let mut maker = compiled.maker();
        let mut out = Vec::new();
        for item in &items {
            maker.write(item, &mut out);
        }
        let written = String::from_utf8(out).unwrap();
        let mut expected = csv::WriterBuilder::new()
            .terminator(csv::Terminator::Any(b'\n'))
            .from_writer(Vec::new());
        for item in &items {
            expected.write_record(compiled.row(item)).unwrap();
        }
        let expected = String::from_utf8(expected.into_inner().unwrap()).unwrap();
        assert_eq!(written, expected);
        assert_eq!(
            written.matches("Mug,Stoneware & glaze").count(),
            2,
            "each variant has its product's title and description"
        );
        assert!(written.contains("https://juniper.example/products/mug"));
        assert!(
            written.contains("28.00 EUR"),
            "the compare-at price is the price"
        );
        assert!(
            written.contains("Juniper & Oak"),
            "the fallback fills an empty brand"
        );
        assert!(written.contains("Acme"));
        assert!(written.contains("Towel,Linen"));
    }
}
