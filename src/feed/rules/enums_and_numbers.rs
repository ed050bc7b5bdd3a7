//! Enum, boolean, integer and decimal cells.

use super::context::{Sink, fix, replace, trim};
use crate::feed::Severity;
use crate::feed::spec::ColumnId;

/// Lowercase with spaces and hyphens as underscores, schema.org prefixes dropped.
fn normalize_token(value: &str) -> String {
    let value = value
        .rsplit_once("schema.org/")
        .map_or(value, |(_, rest)| rest);
    let mut out = String::with_capacity(value.len());
    let mut prev_lower = false;
    for c in trim(value).chars() {
        if c.is_ascii_uppercase() && prev_lower {
            out.push('_'); // InStock -> in_stock
        }
        prev_lower = c.is_ascii_lowercase();
        match c {
            ' ' | '-' => out.push('_'),
            c => out.push(c.to_ascii_lowercase()),
        }
    }
    out
}

pub(super) fn check_enum(id: ColumnId, value: &str, allowed: &[&str], sink: &mut Sink<'_>) {
    if allowed.contains(&value) {
        return;
    }
    let norm = normalize_token(value);
    let squash = |s: &str| s.replace('_', "");
    let found = allowed
        .iter()
        .copied()
        .find(|a| *a == norm || squash(a) == squash(&norm));
    let list = allowed
        .iter()
        .map(|a| format!("`{a}`"))
        .collect::<Vec<_>>()
        .join(", ");
    let fix = match found {
        Some(a) => replace(format!("Write `{a}`."), a),
        None => fix(format!("Use one of {list}.")),
    };
    sink.push(
        "enum",
        Severity::Error,
        id,
        value,
        format!("`{}` must be one of {list}.", id.name()),
        fix,
    );
}

pub(super) fn check_bool(id: ColumnId, value: &str, sink: &mut Sink<'_>) {
    if value == "true" || value == "false" {
        return;
    }
    let mapped = match value.to_ascii_lowercase().as_str() {
        "true" | "yes" | "y" | "1" | "t" => Some("true"),
        "false" | "no" | "n" | "0" | "f" => Some("false"),
        _ => None,
    };
    let fix = match mapped {
        Some(b) => replace(format!("Write `{b}`."), b),
        None => fix("Write `true` or `false`."),
    };
    sink.push(
        "boolean",
        Severity::Error,
        id,
        value,
        format!("`{}` must be `true` or `false` in lowercase.", id.name()),
        fix,
    );
}

pub(super) fn check_integer(
    id: ColumnId,
    value: &str,
    min: i64,
    max: Option<i64>,
    sink: &mut Sink<'_>,
) {
    let name = id.name();
    let Ok(n) = value.parse::<i64>() else {
        let whole = value
            .strip_suffix(".0")
            .or_else(|| value.strip_suffix(".00"))
            .filter(|w| w.parse::<i64>().is_ok());
        let fix = match whole {
            Some(w) => replace(format!("Write `{w}`."), w),
            None => fix("Write a whole number such as `42`."),
        };
        sink.push(
            "integer",
            Severity::Error,
            id,
            value,
            format!("`{name}` must be a whole number."),
            fix,
        );
        return;
    };
    if n < min || max.is_some_and(|m| n > m) {
        let range = match max {
            Some(m) => format!("from {min} to {m}"),
            None => format!("{min} or more"),
        };
        sink.push(
            "range",
            Severity::Error,
            id,
            value,
            format!("`{name}` must be {range}."),
            fix(format!("Write a number {range}.")),
        );
    }
}

/// Parses a plain decimal (digits, one optional period, optional leading minus).
pub(super) fn parse_decimal(value: &str) -> Option<f64> {
    // `-`? digits, then optionally `.` and at least one digit.
    let negative = value.starts_with('-');
    let digits = &value.as_bytes()[usize::from(negative)..];
    let mut mantissa = 0u64;
    let mut dot = None;
    for (i, &b) in digits.iter().enumerate() {
        match b {
            b'0'..=b'9' => mantissa = mantissa.wrapping_mul(10).wrapping_add(u64::from(b - b'0')),
            b'.' if dot.is_none() => dot = Some(i),
            _ => return None,
        }
    }
    let frac_len = dot.map_or(0, |d| digits.len() - d - 1);
    if dot.unwrap_or(digits.len()) == 0 || (dot.is_some() && frac_len == 0) {
        return None;
    }
    // Up to 15 digits fit a f64 mantissa exactly and 10^15 is exact too, so one division
    // rounds exactly as `str::parse` does (Clinger's fast path).
    if digits.len() - usize::from(dot.is_some()) <= 15 {
        const POW10: [f64; 16] = [
            1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
        ];
        let magnitude = mantissa as f64 / POW10[frac_len];
        return Some(if negative { -magnitude } else { magnitude });
    }
    value.parse().ok()
}

pub(super) fn check_decimal(id: ColumnId, value: &str, min: f64, max: f64, sink: &mut Sink<'_>) {
    let name = id.name();
    let Some(n) = parse_decimal(value) else {
        let candidate = value.trim_end_matches('%').trim().replacen(',', ".", 1);
        let fix = if parse_decimal(&candidate).is_some() {
            replace(format!("Write `{candidate}`."), candidate)
        } else {
            fix("Write a number with a period as decimal point, such as `4.5`.")
        };
        sink.push(
            "decimal",
            Severity::Error,
            id,
            value,
            format!("`{name}` must be a number with a period as decimal point."),
            fix,
        );
        return;
    };
    if n < min || n > max {
        sink.push(
            "range",
            Severity::Error,
            id,
            value,
            format!("`{name}` must be from {min} to {max}."),
            fix(format!("Write a number from {min} to {max}.")),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn enum_tokens_normalize() {
        assert_eq!(normalize_token("In Stock"), "in_stock");
        assert_eq!(normalize_token("InStock"), "in_stock");
        assert_eq!(
            normalize_token("https://schema.org/OutOfStock"),
            "out_of_stock"
        );
    }
}
