//! Google Merchant Center product data: the delimited form (CSV or TSV with attribute names
//! as the header, `image_link` or `image link`) and the RSS 2.0 XML form with the `g:`
//! namespace (`xmlns:g="http://base.google.com/ns/1.0"`), as in Merchant Center's "Product data
//! specification" (support.google.com/merchants/answer/7052112) and "RSS 2.0 specification"
//! (support.google.com/merchants/answer/14987622). Most attribute names are Stripe's; the values
//! differ: `price` may lack decimals (`15 USD`), `availability` is written `in stock` in older
//! feeds, `shipping` has four parts (`US:CA:Overnight:16.00 USD`) or, in XML, sub-elements,
//! and `sale_price_effective_date` holds timestamps.
//!
//! An XML feed is read twice: once for the attribute names its items use, then item by item.
//! A repeated attribute (`additional_image_link`, `shipping`) is joined with commas; a nested
//! one (`<g:shipping><g:country>…`) is written in the delimited form.

use std::collections::HashMap;
use std::path::Path;

use quick_xml::events::Event;

use super::csv_rows::{self, CsvRows};
use super::mapping::{Rule, Transform};
use super::{Item, Source, SourceError, SourceFormat};

/// Attributes only Merchant Center feeds use (their presence points at this format).
const GOOGLE_ONLY: &[&str] = &[
    "identifier_exists",
    "adult",
    "multipack",
    "is_bundle",
    "excluded_destination",
    "included_destination",
    "shipping_weight",
    "product_type",
    "ads_redirect",
    "mobile_link",
    "energy_efficiency_class",
    "unit_pricing_measure",
    "product_highlight",
    "product_detail",
];

/// An attribute name as Merchant Center reads it: `g:` dropped, lowercase, spaces as `_`.
#[must_use]
pub fn normalize(name: &str) -> String {
    let name = name.trim();
    let name = name.strip_prefix("g:").unwrap_or(name);
    name.chars()
        .map(|c| {
            if c == ' ' {
                '_'
            } else {
                c.to_ascii_lowercase()
            }
        })
        .collect()
}

/// How strongly a header looks like a Merchant Center feed.
#[must_use]
pub fn score(header: &[String]) -> u32 {
    let names: Vec<String> = header.iter().map(|h| normalize(h)).collect();
    let google_only = names
        .iter()
        .filter(|n| GOOGLE_ONLY.contains(&n.as_str()))
        .count() as u32;
    let spaced = header
        .iter()
        .any(|h| h.trim().contains(' ') && normalize(h) == "image_link");
    let core = ["id", "title", "link", "image_link", "price", "availability"]
        .iter()
        .all(|c| names.iter().any(|n| n == c));
    google_only * 2 + u32::from(spaced) * 3 + u32::from(core)
}

/// Reads a Merchant Center feed, delimited or XML.
pub fn read(path: &Path) -> Result<Source, SourceError> {
    match csv_rows::peek(path)? {
        csv_rows::Peek::Xml => read_xml(path),
        csv_rows::Peek::Json => Err(SourceError::Malformed(
            "This is a JSON file; Merchant Center feeds are CSV, TSV or XML (an OpenAI feed?)."
                .into(),
        )),
        csv_rows::Peek::Header(_) => {
            let rows = CsvRows::open(path)?;
            let header = rows.header.clone();
            let items = rows.map(|row| row.map(|(n, values)| Item::new(n, values, None)));
            Ok(Source::new(SourceFormat::Google, header, items))
        }
    }
}

fn read_xml(path: &Path) -> Result<Source, SourceError> {
    // Pass one: the attribute names, in the order they first appear.
    let mut names: Vec<String> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    let mut first = XmlItems::open(path)?;
    while let Some(item) = first.next_item() {
        for (name, _) in item? {
            if !index.contains_key(&name) {
                index.insert(name.clone(), names.len());
                names.push(name);
            }
        }
    }
    let width = names.len();
    let mut items = XmlItems::open(path)?;
    let mut n = 0;
    let iter = std::iter::from_fn(move || {
        let item = items.next_item()?;
        n += 1;
        Some(item.map(|fields| {
            let mut values = vec![String::new(); width];
            for (name, value) in fields {
                if let Some(&i) = index.get(&name) {
                    let cell = &mut values[i];
                    if !cell.is_empty() {
                        cell.push(',');
                    }
                    cell.push_str(&value);
                }
            }
            Item::new(n, values.into_iter().collect(), None)
        }))
    });
    Ok(Source::new(SourceFormat::Google, names, iter))
}

/// An element open inside an item: its name, its text so far, and its finished children.
type Open = (String, String, Vec<(String, String)>);

/// Items of an RSS (`<item>`) or Atom (`<entry>`) feed, one at a time.
struct XmlItems {
    reader: quick_xml::Reader<std::io::BufReader<std::fs::File>>,
    buf: Vec<u8>,
    done: bool,
}

impl XmlItems {
    fn open(path: &Path) -> Result<XmlItems, SourceError> {
        let (file, _) =
            crate::feed::io::open_feed(path).map_err(|e| SourceError::Read(e.to_string()))?;
        let reader =
            quick_xml::Reader::from_reader(std::io::BufReader::with_capacity(1 << 20, file));
        Ok(XmlItems {
            reader,
            buf: Vec::new(),
            done: false,
        })
    }

    fn error(&self, e: impl std::fmt::Display) -> SourceError {
        SourceError::Malformed(format!(
            "The XML feed could not be read near byte {}: {e}",
            self.reader.buffer_position()
        ))
    }

    /// The next item's `(attribute, value)` pairs.
    fn next_item(&mut self) -> Option<Result<Vec<(String, String)>, SourceError>> {
        if self.done {
            return None;
        }
        // Find the next <item> or <entry>.
        loop {
            self.buf.clear();
            match self.reader.read_event_into(&mut self.buf) {
                Ok(Event::Start(e)) if matches!(e.local_name().as_ref(), b"item" | b"entry") => {
                    break;
                }
                Ok(Event::Eof) => {
                    self.done = true;
                    return None;
                }
                Ok(_) => {}
                Err(e) => {
                    self.done = true;
                    return Some(Err(self.error(e)));
                }
            }
        }
        let mut fields = Vec::new();
        // The path of open elements inside the item, with the text and parts gathered.
        let mut stack: Vec<Open> = Vec::new();
        loop {
            self.buf.clear();
            let event = match self.reader.read_event_into(&mut self.buf) {
                Ok(event) => event,
                Err(e) => {
                    self.done = true;
                    return Some(Err(self.error(e)));
                }
            };
            match event {
                Event::Start(e) => {
                    let name = String::from_utf8_lossy(e.local_name().as_ref()).into_owned();
                    stack.push((normalize(&name), String::new(), Vec::new()));
                }
                Event::Text(t) => {
                    if let Some(top) = stack.last_mut() {
                        top.1.push_str(&String::from_utf8_lossy(&t.into_inner()));
                    }
                }
                Event::CData(t) => {
                    if let Some(top) = stack.last_mut() {
                        top.1.push_str(&String::from_utf8_lossy(&t.into_inner()));
                    }
                }
                Event::GeneralRef(r) => {
                    if let Some(top) = stack.last_mut() {
                        let resolved = match r.resolve_char_ref() {
                            Ok(Some(c)) => Some(c),
                            _ => match &*r {
                                b"amp" => Some('&'),
                                b"lt" => Some('<'),
                                b"gt" => Some('>'),
                                b"quot" => Some('"'),
                                b"apos" => Some('\''),
                                _ => None,
                            },
                        };
                        if let Some(c) = resolved {
                            top.1.push(c);
                        }
                    }
                }
                Event::End(_) => match stack.pop() {
                    None => return Some(Ok(fields)), // </item>
                    Some((name, text, parts)) => {
                        let value = if parts.is_empty() {
                            text.trim().to_owned()
                        } else {
                            nested(&name, &parts)
                        };
                        match stack.last_mut() {
                            Some(parent) => parent.2.push((name, value)),
                            None => fields.push((name, value)),
                        }
                    }
                },
                Event::Eof => {
                    self.done = true;
                    return Some(Err(self.error("the file ends inside an item")));
                }
                _ => {}
            }
        }
    }
}

/// A nested attribute in its delimited form: shipping as `country:region:service:price`,
/// anything else as its parts joined with colons.
fn nested(name: &str, parts: &[(String, String)]) -> String {
    let get = |key: &str| {
        parts
            .iter()
            .find(|(k, _)| k == key)
            .map_or("", |(_, v)| v.as_str())
    };
    if name == "shipping" {
        let region = match get("region") {
            "" => get("postal_code"),
            region => region,
        };
        return format!(
            "{}:{}:{}:{}",
            get("country"),
            region,
            get("service"),
            get("price")
        );
    }
    parts
        .iter()
        .map(|(_, v)| v.as_str())
        .collect::<Vec<_>>()
        .join(":")
}

/// The proposed mapping for a Merchant Center header: same-named attributes, with the value
/// transforms Merchant Center's spellings need.
#[must_use]
pub fn suggest(header: &[String]) -> Vec<(&'static str, Rule)> {
    let mut out = Vec::new();
    let find = |name: &str| header.iter().find(|h| normalize(h) == name).cloned();
    for column in crate::feed::FeedKind::Product.columns() {
        let stripe = column.id.name();
        let Some(source) = find(stripe) else {
            continue;
        };
        let transform = match stripe {
            "price" | "sale_price" => Transform::Money,
            "availability" => Transform::Availability,
            "shipping" => Transform::Shipping,
            "sale_price_effective_date" => Transform::WindowDates,
            "condition" | "gender" | "age_group" => Transform::Lowercase,
            "additional_image_link" => Transform::List,
            "description" => Transform::HtmlToText,
            _ => Transform::None,
        };
        out.push((stripe, Rule::with(&source, transform)));
    }
    let has = |stripe: &str| out.iter().any(|(s, _)| *s == stripe);
    let mut extra = Vec::new();
    if !has("product_category")
        && let Some(source) = find("product_type")
    {
        extra.push((
            "product_category",
            Rule::with(&source, Transform::FirstCategory),
        ));
    }
    if !has("weight")
        && let Some(source) = find("shipping_weight")
    {
        extra.push(("weight", Rule::column(&source)));
    }
    if !has("inventory_quantity") && !has("inventory_not_tracked") {
        // Merchant Center feeds carry availability, never a stock count.
        extra.push((
            "inventory_not_tracked",
            Rule::Constant {
                value: "true".into(),
            },
        ));
    }
    out.extend(extra);
    out
}
