//! Measures (dimensions, weights) and codes: countries, GTINs, categories, tax codes.

use super::context::{Ctx, Sink, fix, replace, split_once_ascii, trim};
use super::enums_and_numbers::parse_decimal;
use crate::feed::Severity;
use crate::feed::spec::{self, ColumnId};

/// Checks `number unit`; returns the unit when well formed.
pub(super) fn check_measure<'v>(
    id: ColumnId,
    value: &'v str,
    units: &[&str],
    rule: &'static str,
    sink: &mut Sink<'_>,
) -> Option<&'v str> {
    if let Some((n, unit)) = split_once_ascii(value, b' ')
        && units.contains(&unit)
        && parse_decimal(n).is_some()
        && !n.starts_with('-')
    {
        return Some(unit);
    }
    // Loose: `20in`, `20 IN`, `2,5 kg`, `2.5 lbs`.
    let compact: String = value.chars().filter(|c| !c.is_whitespace()).collect();
    let split = compact
        .find(|c: char| c.is_alphabetic())
        .unwrap_or(compact.len());
    let (n, u) = compact.split_at(split);
    let n = n.replacen(',', ".", 1);
    let u = u.to_ascii_lowercase();
    let u = match u.as_str() {
        "lbs" | "pound" | "pounds" => "lb",
        "kgs" | "kilogram" | "kilograms" => "kg",
        "grams" | "gram" | "gr" => "g",
        "ounce" | "ounces" => "oz",
        "inch" | "inches" => "in",
        "centimeter" | "centimeters" | "centimetre" | "centimetres" => "cm",
        other => other,
    };
    let list = units
        .iter()
        .map(|u| format!("`{u}`"))
        .collect::<Vec<_>>()
        .join(", ");
    let fix = if units.contains(&u) && parse_decimal(&n).is_some() && !n.starts_with('-') {
        replace(format!("Write `{n} {u}`."), format!("{n} {u}"))
    } else {
        fix(format!("Write a number, a space and one of {list}."))
    };
    sink.push(
        rule,
        Severity::Error,
        id,
        value,
        format!(
            "`{}` must be a number and one of {list}, such as `2.5 {}`.",
            id.name(),
            units[0]
        ),
        fix,
    );
    None
}

pub(super) fn check_country(id: ColumnId, value: &str, ctx: Ctx, sink: &mut Sink<'_>) {
    if spec::is_country(value) {
        return;
    }
    let upper = value.to_ascii_uppercase();
    let fixed = match upper.as_str() {
        "UK" => Some("GB".to_owned()),
        "USA" => Some("US".to_owned()),
        u if spec::is_country(u) => Some(upper.clone()),
        _ => None,
    };
    let fix = match fixed {
        Some(f) if ctx.is_cell() => replace(format!("Write `{f}`."), f),
        Some(f) => fix(format!("Write the country as `{f}`.")),
        None => fix("Use a two-letter ISO 3166 code such as `US`, `GB` or `DE`."),
    };
    sink.push(
        "country",
        Severity::Error,
        id,
        value,
        format!(
            "{}`{value}` is not an ISO 3166 two-letter country code.",
            ctx.text()
        ),
        fix,
    );
}

/// True when the last digit of `digits` is the GS1 check digit of the others.
#[must_use]
pub fn gtin_check_digit_ok(digits: &str) -> bool {
    let bytes = digits.as_bytes();
    let Some((&last, body)) = bytes.split_last() else {
        return false;
    };
    if !bytes.iter().all(u8::is_ascii_digit) {
        return false;
    }
    let sum: u32 = body
        .iter()
        .rev()
        .enumerate()
        .map(|(i, b)| u32::from(b - b'0') * if i % 2 == 0 { 3 } else { 1 })
        .sum();
    (10 - sum % 10) % 10 == u32::from(last - b'0')
}

pub(super) fn check_gtin(value: &str, sink: &mut Sink<'_>) {
    let id = ColumnId::Gtin;
    if !value.bytes().all(|b| b.is_ascii_digit()) {
        let digits: String = value.chars().filter(|c| !matches!(c, '-' | ' ')).collect();
        let fix = if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
            replace("Remove the dashes and spaces.", digits)
        } else {
            fix("Write the GTIN as digits only, or leave it blank and fill in `mpn`.")
        };
        sink.push(
            "gtin_format",
            Severity::Error,
            id,
            value,
            "`gtin` must be digits only (no dashes, spaces or letters).".to_owned(),
            fix,
        );
        return;
    }
    if !matches!(value.len(), 8 | 12 | 13 | 14) {
        sink.push(
            "gtin_length",
            Severity::Warning,
            id,
            value,
            format!(
                "`gtin` has {} digits; GTINs have 8, 12, 13 or 14 (agents may reject others).",
                value.len()
            ),
            fix("Check the number on the packaging; convert an ISBN-10 to its ISBN-13."),
        );
    } else if !gtin_check_digit_ok(value) {
        sink.push(
            "gtin_check_digit",
            Severity::Warning,
            id,
            value,
            "`gtin` fails its check digit, so it is probably mistyped.".to_owned(),
            fix("Copy the GTIN again from the packaging or your supplier."),
        );
    }
}

pub(super) fn check_google_category(value: &str, sink: &mut Sink<'_>) {
    if value.bytes().all(|b| b.is_ascii_digit()) {
        return;
    }
    let digits: String = value.chars().take_while(char::is_ascii_digit).collect();
    if digits.is_empty() {
        check_category_path(ColumnId::GoogleProductCategory, value, sink);
    } else {
        sink.push(
            "category_format",
            Severity::Warning,
            ColumnId::GoogleProductCategory,
            value,
            "`google_product_category` gives both an id and a path; give one (the id is preferred)."
                .to_owned(),
            replace(format!("Keep only the id `{digits}`."), digits),
        );
    }
}

pub(super) fn check_category_path(id: ColumnId, value: &str, sink: &mut Sink<'_>) {
    if value.contains('>') {
        return;
    }
    for sep in ['|', '/', '»'] {
        if value.contains(sep) {
            let fixed = value.split(sep).map(trim).collect::<Vec<_>>().join(" > ");
            sink.push(
                "category_format",
                Severity::Warning,
                id,
                value,
                format!(
                    "`{}` separates levels with `{sep}`; Stripe uses `>`.",
                    id.name()
                ),
                replace("Separate the levels with ` > `.", fixed),
            );
            return;
        }
    }
}

pub(super) fn check_tax_code(value: &str, sink: &mut Sink<'_>) {
    let ok = |v: &str| {
        v.strip_prefix("txcd_")
            .is_some_and(|d| d.len() == 8 && d.bytes().all(|b| b.is_ascii_digit()))
    };
    if ok(value) {
        return;
    }
    let lower = value.to_ascii_lowercase();
    let fix = if ok(&lower) {
        replace(format!("Write `{lower}`."), lower)
    } else {
        fix("Look up the code in Stripe's product tax code list (`txcd_` and 8 digits).")
    };
    sink.push(
        "tax_code",
        Severity::Warning,
        ColumnId::StripeProductTaxCode,
        value,
        "`stripe_product_tax_code` is not `txcd_` followed by 8 digits.".to_owned(),
        fix,
    );
}

pub(super) fn check_third_party_tax_code(value: &str, sink: &mut Sink<'_>) {
    let (provider, code) = split_once_ascii(value, b':').unwrap_or(("", ""));
    if provider == "anrok" && !trim(code).is_empty() {
        return;
    }
    let fix = if provider.eq_ignore_ascii_case("anrok") && !trim(code).is_empty() {
        replace("Write the provider in lowercase.", format!("anrok:{code}"))
    } else {
        fix("Write `anrok:` followed by the Anrok tax code, such as `anrok:prod_abc123`.")
    };
    sink.push(
        "third_party_tax_code",
        Severity::Error,
        ColumnId::ThirdPartyTaxCode,
        value,
        "`third_party_tax_code` must be `anrok:` followed by a code (Anrok is the only provider)."
            .to_owned(),
        fix,
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gtin_check_digits() {
        assert!(gtin_check_digit_ok("4006381333931"));
        assert!(gtin_check_digit_ok("96385074"));
        assert!(!gtin_check_digit_ok("4006381333932"));
    }
}
