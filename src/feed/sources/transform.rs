//! Value transforms a mapping applies to a source cell on its way into a Stripe column: money
//! with a currency, HTML to plain text, availability words, image lists, shipping tuples,
//! units, date windows. Pure functions of strings; each returns an empty string when the
//! source has nothing usable, so the validator then names what is missing.

use crate::feed::spec;

/// Writes an amount in Stripe's form (`24.00 USD`): a bare number takes `currency`; an amount
/// that names its own currency (`24 EUR`, `USD 24`, `24,00 EUR`, `$24.00`) keeps it. The
/// decimals are padded to the currency's minor units; an amount with more decimals than the
/// currency has, or one that cannot be read, is passed through unchanged so the validator
/// points at it (a converter never rounds money).
#[must_use]
pub fn money(value: &str, currency: &str) -> String {
    let value = value.trim();
    if value.is_empty() {
        return String::new();
    }
    if let Some(quick) = plain_money(value, currency) {
        return quick;
    }
    let (number, code) = split_amount(value, currency);
    let Some(minor) = spec::currency_minor_units(&code) else {
        return value.to_owned();
    };
    match format_amount(&number, minor) {
        Some(amount) => format!("{amount} {code}"),
        None => value.to_owned(),
    }
}

/// Whether a price is written as digits with at most one decimal point (`24.50`, most
/// prices), which [`plain_money`] and [`amount_of`] read without the general way's strings.
fn is_plain_amount(value: &str) -> bool {
    !value.is_empty()
        && value.bytes().all(|b| b.is_ascii_digit() || b == b'.')
        && value.bytes().filter(|&b| b == b'.').count() <= 1
}

/// [`money`] of a plain amount ([`is_plain_amount`]) in a currency already written in
/// capitals, with the same result as the general way; `None` for any other.
fn plain_money(value: &str, currency: &str) -> Option<String> {
    let code = currency.trim();
    if !is_plain_amount(value) || code.bytes().any(|b| b.is_ascii_lowercase()) {
        return None;
    }
    let Some(minor) = spec::currency_minor_units(code) else {
        return Some(value.to_owned());
    };
    let minor = usize::from(minor);
    let (whole, fraction) = value.split_once('.').unwrap_or((value, ""));
    let whole = whole.trim_start_matches('0');
    let whole = if whole.is_empty() { "0" } else { whole };
    let fraction = fraction.trim_end_matches('0');
    if fraction.len() > minor {
        return Some(value.to_owned());
    }
    let mut out = String::with_capacity(whole.len() + minor + code.len() + 2);
    out.push_str(whole);
    if minor > 0 {
        out.push('.');
        out.push_str(fraction);
        for _ in fraction.len()..minor {
            out.push('0');
        }
    }
    out.push(' ');
    out.push_str(code);
    Some(out)
}

/// The amount and the currency code of a loosely written price.
fn split_amount(value: &str, default_currency: &str) -> (String, String) {
    let compact: String = value.chars().filter(|c| !c.is_whitespace()).collect();
    let symbol = [('$', "USD"), ('€', "EUR"), ('£', "GBP"), ('¥', "JPY")]
        .iter()
        .find(|(s, _)| compact.starts_with(*s) || compact.ends_with(*s));
    let letters: String = compact
        .chars()
        .filter(char::is_ascii_alphabetic)
        .collect::<String>()
        .to_ascii_uppercase();
    let number: String = compact
        .chars()
        .filter(|c| c.is_ascii_digit() || *c == '.' || *c == ',' || *c == '-')
        .collect();
    let code = if letters.len() == 3 {
        letters
    } else if let Some((_, code)) = symbol {
        (*code).to_owned()
    } else {
        default_currency.trim().to_ascii_uppercase()
    };
    (number, code)
}

/// `24` → `24.00`, `24,5` → `24.50`, `1,299.00` → `1299.00` for two minor units. `None` for a
/// negative amount, more decimals than `minor`, or what is not a number.
fn format_amount(number: &str, minor: u8) -> Option<String> {
    if number.is_empty() || number.starts_with('-') {
        return None;
    }
    let number = match (number.rfind('.'), number.rfind(',')) {
        (Some(dot), Some(comma)) if comma < dot => number.replace(',', ""),
        (Some(dot), Some(comma)) if dot < comma => number.replace('.', "").replace(',', "."),
        (None, Some(comma))
            if number.len() - comma - 1 <= 2 && number.matches(',').count() == 1 =>
        {
            number.replace(',', ".")
        }
        (None, Some(_)) => return None,
        _ => number.to_owned(),
    };
    let (whole, fraction) = number.split_once('.').unwrap_or((&number, ""));
    let whole = whole.trim_start_matches('0');
    let whole = if whole.is_empty() { "0" } else { whole };
    if !whole.bytes().all(|b| b.is_ascii_digit()) || !fraction.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let fraction = fraction.trim_end_matches('0');
    if fraction.len() > usize::from(minor) {
        return None;
    }
    if minor == 0 {
        return Some(whole.to_owned());
    }
    Some(format!(
        "{whole}.{fraction:0<width$}",
        width = usize::from(minor)
    ))
}

/// The amount of a money cell as a number, for comparing a price with a compare-at price.
fn amount_of(value: &str) -> Option<f64> {
    // Most compare-at cells are empty: no number, and no strings made to find none.
    if value.trim().is_empty() {
        return None;
    }
    if is_plain_amount(value) {
        return value.parse().ok();
    }
    let (number, _) = split_amount(value, "USD");
    let number = number.replace(',', "");
    number.parse().ok()
}

/// `price` when there is no higher compare-at price, else the compare-at price: Shopify's
/// `Variant Price` is what the buyer pays and `Compare At Price` the price before the sale.
#[must_use]
pub fn price_before_sale(price: &str, compare_at: &str, currency: &str) -> String {
    if on_sale(price, compare_at) {
        money(compare_at, currency)
    } else {
        money(price, currency)
    }
}

/// Whether a compare-at price above the price marks a sale (the price is only read when
/// there is a compare-at price, which most rows lack).
#[must_use]
pub fn on_sale(price: &str, compare_at: &str) -> bool {
    amount_of(compare_at).is_some_and(|c| amount_of(price).is_some_and(|p| c > p))
}

/// The selling price as `sale_price` when a higher compare-at price marks a sale, else empty.
#[must_use]
pub fn sale_from_compare_at(price: &str, compare_at: &str, currency: &str) -> String {
    if on_sale(price, compare_at) {
        money(price, currency)
    } else {
        String::new()
    }
}

/// Plain text from HTML: tags dropped, block ends (`</p>`, `<br>`, `</li>`, headings) as line
/// breaks, the common entities decoded, runs of blank space folded (lines trimmed, at most one
/// blank line in a row, none at the ends). One pass and one allocation: descriptions are most
/// of a shop export's bytes.
#[must_use]
pub fn html_to_text(html: &str) -> String {
    let mut out = Folded::new(html.len());
    let mut rest = html;
    // Bytes searched for ASCII marks: the same places as `str::find`, found faster.
    while let Some(lt) = memchr::memchr(b'<', rest.as_bytes()) {
        out.text(&rest[..lt]);
        let Some(gt) = memchr::memchr(b'>', &rest.as_bytes()[lt..]) else {
            out.text(&rest[lt..]);
            return out.finish();
        };
        let tag = rest[lt + 1..lt + gt].trim();
        let closing = tag.starts_with('/');
        let tag = tag.trim_start_matches('/');
        let name_len = tag.bytes().take_while(u8::is_ascii_alphanumeric).count();
        let name = &tag[..name_len];
        let is = |n: &str| name.eq_ignore_ascii_case(n);
        if is("br") {
            out.push('\n');
        } else if is("li") && !closing {
            out.push('\n');
            out.push('•');
            out.push(' ');
        } else if closing
            && [
                "p",
                "div",
                "h1",
                "h2",
                "h3",
                "h4",
                "h5",
                "h6",
                "ul",
                "ol",
                "tr",
                "table",
                "blockquote",
            ]
            .iter()
            .any(|n| is(n))
        {
            out.push('\n');
            out.push('\n');
        }
        rest = &rest[lt + gt + 1..];
    }
    out.text(rest);
    out.finish()
}

/// The character an HTML entity (`amp`, `#8220`, `#x41`) stands for.
fn entity(name: &str) -> Option<char> {
    Some(match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" | "#39" => '\'',
        "nbsp" => ' ',
        "ndash" => '–',
        "mdash" => '—',
        "hellip" => '…',
        "rsquo" => '’',
        "lsquo" => '‘',
        "rdquo" => '”',
        "ldquo" => '“',
        _ => {
            let code =
                if let Some(hex) = name.strip_prefix("#x").or_else(|| name.strip_prefix("#X")) {
                    u32::from_str_radix(hex, 16).ok()?
                } else {
                    name.strip_prefix('#')?.parse().ok()?
                };
            char::from_u32(code)?
        }
    })
}

/// Text folded as it is written: spaces within a line to one, lines trimmed, at most one blank
/// line in a row, none at the start or the end.
struct Folded {
    out: String,
    /// Line breaks owed before the next character (1, or 2 after a blank line).
    breaks: u8,
    /// Whether this line has a character yet.
    in_line: bool,
    /// A space is owed before the next character of this line.
    space: bool,
}

impl Folded {
    fn new(capacity: usize) -> Self {
        Folded {
            out: String::with_capacity(capacity),
            breaks: 0,
            in_line: false,
            space: false,
        }
    }

    /// Text between tags, its entities decoded.
    fn text(&mut self, text: &str) {
        let mut rest = text;
        while let Some(amp) = memchr::memchr(b'&', rest.as_bytes()) {
            self.plain(&rest[..amp]);
            let after = &rest[amp..];
            // An entity's `;` is at most ten bytes on.
            let window = &after.as_bytes()[..after.len().min(11)];
            let end = memchr::memchr(b';', window);
            if let Some((e, c)) = end.and_then(|e| entity(&after[1..e]).map(|c| (e, c))) {
                self.push(c);
                rest = &after[e + 1..];
            } else {
                self.push('&');
                rest = &after[1..];
            }
        }
        self.plain(rest);
    }

    fn plain(&mut self, text: &str) {
        // Runs without white space go in whole (most of a description).
        let mut rest = text;
        while !rest.is_empty() {
            let run = rest
                .char_indices()
                .find(|(_, c)| c.is_whitespace())
                .map_or(rest.len(), |(i, _)| i);
            if run > 0 {
                self.word(&rest[..run]);
            }
            let Some(c) = rest[run..].chars().next() else {
                break;
            };
            self.push(c);
            rest = &rest[run + c.len_utf8()..];
        }
    }

    /// Characters without white space.
    fn word(&mut self, word: &str) {
        if self.in_line {
            if self.space {
                self.out.push(' ');
            }
        } else if !self.out.is_empty() {
            for _ in 0..self.breaks {
                self.out.push('\n');
            }
        }
        self.out.push_str(word);
        self.in_line = true;
        self.space = false;
    }

    fn push(&mut self, c: char) {
        if c == '\n' {
            if self.in_line {
                self.breaks = 1;
            } else if self.breaks == 1 {
                self.breaks = 2;
            }
            self.in_line = false;
            self.space = false;
        } else if c.is_whitespace() {
            self.space = self.in_line;
        } else {
            let mut buf = [0u8; 4];
            self.word(c.encode_utf8(&mut buf));
        }
    }

    fn finish(self) -> String {
        self.out
    }
}

/// Stripe's availability from the words other systems use: `in stock`, `instock`, `1`,
/// `true`, `yes` → `in_stock`; `out of stock`, `0`, `false`, `no` → `out_of_stock`;
/// `preorder`, `pre-order`, `pre_order` → `preorder`; `backorder`, `onbackorder` →
/// `backorder`. Anything else passes through for the validator to name.
#[must_use]
pub fn availability(value: &str) -> String {
    let squashed: String = value
        .trim()
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect::<String>()
        .to_ascii_lowercase();
    match squashed.as_str() {
        "" => String::new(),
        "instock" | "1" | "true" | "yes" | "available" => "in_stock".into(),
        "outofstock" | "0" | "false" | "no" | "soldout" => "out_of_stock".into(),
        "preorder" => "preorder".into(),
        "backorder" | "onbackorder" => "backorder".into(),
        _ => value.trim().to_owned(),
    }
}

/// `in_stock` for a positive quantity, `out_of_stock` for zero or less, empty when the
/// quantity is blank or not a number.
#[must_use]
pub fn availability_from_quantity(value: &str) -> String {
    match quantity_number(value) {
        Some(q) if q > 0 => "in_stock".into(),
        Some(_) => "out_of_stock".into(),
        None => String::new(),
    }
}

fn quantity_number(value: &str) -> Option<i64> {
    let value = value.trim();
    if value.is_empty() {
        return None;
    }
    if let Ok(q) = value.parse::<i64>() {
        return Some(q);
    }
    let f: f64 = value.parse().ok()?;
    // A quantity written `12.0`: whole numbers only.
    (f.fract() == 0.0 && f.abs() < 1e15).then_some(f as i64)
}

/// A stock count as Stripe takes it: a whole number, never below zero (Shopify allows
/// negative stock when it oversells; Stripe's `inventory_quantity` is non-negative).
#[must_use]
pub fn quantity(value: &str) -> String {
    match quantity_number(value) {
        Some(q) => q.max(0).to_string(),
        None => value.trim().to_owned(),
    }
}

/// The entries of a list cell, whichever separator the source used: a JSON array, commas,
/// pipes, semicolons, line breaks, or spaces between URLs.
#[must_use]
pub fn list_items(value: &str) -> Vec<String> {
    let value = value.trim();
    if value.starts_with('[')
        && let Ok(items) = serde_json::from_str::<Vec<String>>(value)
    {
        return items
            .into_iter()
            .map(|s| s.trim().to_owned())
            .filter(|s| !s.is_empty())
            .collect();
    }
    value
        .split([',', '|', ';', '\n', '\r'])
        .flat_map(|part| {
            // URLs separated by spaces only.
            if part.matches("://").count() > 1 {
                part.split_whitespace().collect::<Vec<_>>()
            } else {
                vec![part]
            }
        })
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Stripe's list cell: entries joined by commas, at most `max` of them.
#[must_use]
pub fn join_list(items: &[String], max: usize) -> String {
    items
        .iter()
        .take(max)
        .map(String::as_str)
        .collect::<Vec<_>>()
        .join(",")
}

/// `true` ↔ `false` (and `1`/`0`, `yes`/`no`), for a flag with the opposite meaning
/// (`enable_checkout` → `disable_checkout`). Blank stays blank.
#[must_use]
pub fn invert(value: &str) -> String {
    match value.trim().to_ascii_lowercase().as_str() {
        "" => String::new(),
        "true" | "1" | "yes" => "false".into(),
        "false" | "0" | "no" => "true".into(),
        other => other.to_owned(),
    }
}

/// `true`/`false` from the ways sources write a flag.
#[must_use]
pub fn boolean(value: &str) -> String {
    match value.trim().to_ascii_lowercase().as_str() {
        "" => String::new(),
        "true" | "1" | "yes" | "y" => "true".into(),
        "false" | "0" | "no" | "n" => "false".into(),
        other => other.to_owned(),
    }
}

/// A bare number with its unit (`0.5` → `0.5 kg`); a value that already has a unit, or a
/// zero (a source's "not set"), is left as it is or emptied.
#[must_use]
pub fn with_unit(value: &str, unit: &str) -> String {
    let value = value.trim();
    match value.parse::<f64>() {
        Ok(0.0) => String::new(),
        Ok(_) => {
            let number = if value.starts_with('.') {
                format!("0{value}")
            } else {
                value.to_owned()
            };
            format!("{number} {unit}")
        }
        Err(_) => value.to_owned(),
    }
}

/// Shipping entries in Stripe's five parts (`country:area:service:speed:price`) from the
/// four-part form of Google Merchant Center and OpenAI v1 (`country:region:service:price`):
/// an empty region becomes `ALL` and the delivery speed is left empty. Entries already in five
/// parts are kept.
#[must_use]
pub fn shipping(value: &str, currency: &str) -> String {
    let entries: Vec<String> = split_shipping(value)
        .into_iter()
        .map(|entry| {
            let parts: Vec<&str> = entry.split(':').map(str::trim).collect();
            match parts.as_slice() {
                [country, region, service, price] => {
                    let region = if region.is_empty() { "ALL" } else { region };
                    format!("{country}:{region}:{service}::{}", money(price, currency))
                }
                [country, region, service, speed, price] => {
                    let region = if region.is_empty() { "ALL" } else { region };
                    format!(
                        "{country}:{region}:{service}:{speed}:{}",
                        money(price, currency)
                    )
                }
                _ => entry.trim().to_owned(),
            }
        })
        .collect();
    entries.join(",")
}

fn split_shipping(value: &str) -> Vec<String> {
    let value = value.trim();
    if value.starts_with('[')
        && let Ok(items) = serde_json::from_str::<Vec<String>>(value)
    {
        return items;
    }
    value
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Stripe's `start/end` sale window in dates from a start and an end that may be
/// timestamps (`2026-02-24T11:07+0100`) or dates; empty unless both are there.
#[must_use]
pub fn date_range(start: &str, end: &str) -> String {
    let (start, end) = (date_part(start), date_part(end));
    if start.is_empty() || end.is_empty() {
        return String::new();
    }
    format!("{start}/{end}")
}

/// A Google-style window (`start/end`, each a date or a timestamp) as Stripe's dates.
#[must_use]
pub fn window_dates(value: &str) -> String {
    match value.split_once('/') {
        Some((start, end)) => date_range(start, end),
        None => value.trim().to_owned(),
    }
}

fn date_part(value: &str) -> &str {
    let value = value.trim();
    value
        .get(..10)
        .filter(|d| d.as_bytes().get(4) == Some(&b'-'))
        .unwrap_or(value)
}

/// The first `>`-path of a list of categories (`Clothing > Tshirts, Clothing > Hoodies`).
#[must_use]
pub fn first_category(value: &str) -> String {
    value
        .split(',')
        .map(str::trim)
        .find(|s| !s.is_empty())
        .unwrap_or("")
        .to_owned()
}

/// A barcode as a GTIN: digits only (spaces and dashes removed) when 8, 12, 13 or 14 of
/// them; anything else (an internal code in the barcode field) is left out.
#[must_use]
pub fn gtin(value: &str) -> String {
    let digits: std::borrow::Cow<'_, str> = if value.contains([' ', '-']) {
        value.chars().filter(|c| !matches!(c, ' ' | '-')).collect()
    } else {
        value.into()
    };
    let value = digits.trim_start_matches('\''); // spreadsheets' text marker
    if value.bytes().all(|b| b.is_ascii_digit()) && matches!(value.len(), 8 | 12 | 13 | 14) {
        value.to_owned()
    } else {
        String::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_takes_the_store_currency_and_pads_decimals() {
        assert_eq!(money("24", "usd"), "24.00 USD");
        assert_eq!(money("24.5", "USD"), "24.50 USD");
        assert_eq!(money("15.00 USD", "EUR"), "15.00 USD");
        assert_eq!(money("63,00 EUR", "USD"), "63.00 EUR");
        assert_eq!(money("1,299.00", "USD"), "1299.00 USD");
        assert_eq!(money("$9.99", "EUR"), "9.99 USD");
        assert_eq!(money("4999 JPY", "USD"), "4999 JPY");
        assert_eq!(money(".5", "USD"), "0.50 USD");
        // Never rounds, never invents.
        assert_eq!(money("24.999", "USD"), "24.999");
        assert_eq!(money("-3", "USD"), "-3");
        assert_eq!(money("", "USD"), "");
    }

    proptest::proptest! {
        #[test]
        fn plain_prices_are_written_as_the_general_way_writes_them(
            value in "[0-9.]{1,8}",
            currency in proptest::sample::select(vec!["USD", "JPY", "KWD", "XXQ", "", " EUR "]),
        ) {
            let general = || {
                let (number, code) = split_amount(&value, currency);
                match spec::currency_minor_units(&code) {
                    Some(minor) => format_amount(&number, minor)
                        .map_or_else(|| value.clone(), |amount| format!("{amount} {code}")),
                    None => value.clone(),
                }
            };
            if let Some(quick) = plain_money(&value, currency) {
                proptest::prop_assert_eq!(quick, general());
            }
        }
    }

    #[test]
    fn compare_at_makes_a_sale_only_when_higher() {
        assert_eq!(price_before_sale("20", "25", "USD"), "25.00 USD");
        assert_eq!(sale_from_compare_at("20", "25", "USD"), "20.00 USD");
        assert_eq!(price_before_sale("20", "", "USD"), "20.00 USD");
        assert_eq!(sale_from_compare_at("20", "", "USD"), "");
        assert_eq!(sale_from_compare_at("20", "15", "USD"), "");
    }

    // The first, plainer version (tags stripped, then entities decoded, then space folded,
    // each in its own pass): the one-pass version must give the same text.
    /// Plain text from HTML: tags dropped, block ends (`</p>`, `<br>`, `</li>`, headings) as line
    /// breaks, the common entities decoded, runs of blank space folded.
    fn html_to_text_reference(html: &str) -> String {
        let mut out = String::with_capacity(html.len());
        let mut rest = html;
        while let Some(lt) = rest.find('<') {
            out.push_str(&rest[..lt]);
            let Some(gt) = rest[lt..].find('>') else {
                out.push_str(&rest[lt..]);
                rest = "";
                break;
            };
            let tag = rest[lt + 1..lt + gt].trim().to_ascii_lowercase();
            let name: String = tag
                .trim_start_matches('/')
                .chars()
                .take_while(char::is_ascii_alphanumeric)
                .collect();
            let closing = tag.starts_with('/');
            match name.as_str() {
                "br" => out.push('\n'),
                "li" if !closing => out.push_str("\n• "),
                "p" | "div" | "h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "ul" | "ol" | "tr"
                | "table" | "blockquote"
                    if closing =>
                {
                    out.push_str("\n\n");
                }
                _ => {}
            }
            rest = &rest[lt + gt + 1..];
        }
        out.push_str(rest);
        let decoded = reference_decode(&out);
        reference_fold(&decoded)
    }

    fn reference_decode(text: &str) -> String {
        if !text.contains('&') {
            return text.to_owned();
        }
        let mut out = String::with_capacity(text.len());
        let mut rest = text;
        while let Some(amp) = rest.find('&') {
            out.push_str(&rest[..amp]);
            let after = &rest[amp..];
            let end = after.find(';').filter(|&e| e <= 10);
            let decoded = end.and_then(|e| entity(&after[1..e]));
            if let (Some(e), Some(c)) = (end, decoded) {
                out.push(c);
                rest = &after[e + 1..];
            } else {
                out.push('&');
                rest = &after[1..];
            }
        }
        out.push_str(rest);
        out
    }

    /// Spaces and tabs folded to one, lines trimmed, at most one blank line in a row, no line
    /// breaks at the ends.
    fn reference_fold(text: &str) -> String {
        let mut lines: Vec<String> = Vec::new();
        for line in text.lines() {
            let folded = line.split_whitespace().collect::<Vec<_>>().join(" ");
            if folded.is_empty() && lines.last().is_none_or(String::is_empty) {
                continue;
            }
            lines.push(folded);
        }
        while lines.last().is_some_and(String::is_empty) {
            lines.pop();
        }
        lines.join("\n")
    }

    use proptest::strategy::Strategy as _;

    proptest::proptest! {
        #[test]
        fn the_one_pass_html_to_text_matches_the_plain_one(
            html in proptest::collection::vec(
                proptest::prop_oneof![
                    proptest::string::string_regex("[a-zé ]{0,6}").unwrap(),
                    proptest::sample::select(vec![
                        "<p>", "</p>", "<br>", "<BR/>", "<li>", "</li>", "</UL>", "< /div >",
                        "<h2 class=x>", "</h2>", "<b>", "</b>", "&amp;", "&nbsp;", "&#8220;",
                        "&#x41;", "&bogus;", "&", "<", ">", "\n", "\r\n", "\t", "\u{a0}",
                        "&#10;", "  ", "•",
                    ]).prop_map(|s: &str| s.to_owned()),
                ],
                0..24,
            ).prop_map(|parts| parts.concat())
        ) {
            proptest::prop_assert_eq!(html_to_text(&html), html_to_text_reference(&html));
        }
    }

    #[test]
    fn html_becomes_readable_text() {
        assert_eq!(
            html_to_text(
                "<p>Soft <strong>cotton</strong> tee&nbsp;&amp; more.</p><ul><li>Machine wash</li><li>Made in &#8220;Portugal&#8221;</li></ul>"
            ),
            "Soft cotton tee & more.\n\n• Machine wash\n• Made in “Portugal”"
        );
        assert_eq!(html_to_text("plain text"), "plain text");
        assert_eq!(
            html_to_text("<p>Solid oak.<br>Oiled.</p>"),
            "Solid oak.\nOiled."
        );
        assert_eq!(html_to_text("a < b"), "a < b");
    }

    #[test]
    fn availability_words_and_quantities() {
        assert_eq!(availability("in stock"), "in_stock");
        assert_eq!(availability("Out of Stock"), "out_of_stock");
        assert_eq!(availability("pre-order"), "preorder");
        assert_eq!(availability("onbackorder"), "backorder");
        assert_eq!(availability("1"), "in_stock");
        assert_eq!(availability_from_quantity("3"), "in_stock");
        assert_eq!(availability_from_quantity("-2"), "out_of_stock");
        assert_eq!(quantity("-2"), "0");
        assert_eq!(quantity("12.0"), "12");
    }

    #[test]
    fn lists_shipping_units_and_dates() {
        assert_eq!(
            list_items(r#"["https://a/1.jpg", "https://a/2.jpg"]"#),
            vec!["https://a/1.jpg", "https://a/2.jpg"]
        );
        assert_eq!(list_items("https://a/1.jpg, https://a/2.jpg").len(), 2);
        assert_eq!(list_items("https://a/1.jpg https://a/2.jpg").len(), 2);
        assert_eq!(
            shipping("US:CA:Standard:7.00 USD,US::Express:16", "USD"),
            "US:CA:Standard::7.00 USD,US:ALL:Express::16.00 USD"
        );
        assert_eq!(with_unit("0.5", "kg"), "0.5 kg");
        assert_eq!(with_unit(".5", "kg"), "0.5 kg");
        assert_eq!(with_unit("0", "g"), "");
        assert_eq!(
            window_dates("2026-02-24T11:07+0100/2026-02-29T23:07+0100"),
            "2026-02-24/2026-02-29"
        );
        assert_eq!(date_range("2026-01-01", ""), "");
        assert_eq!(gtin("0 12345 67890 5"), "012345678905");
        assert_eq!(gtin("SKU-1"), "");
        assert_eq!(invert("true"), "false");
    }
}
