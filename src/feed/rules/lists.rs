//! Structured lists: comma-separated entries of shipping, free shipping thresholds, fees,
//! related products, product warnings and id lists.

use super::context::{Ctx, Sink, fix, replace, shorten, split_ascii, split_once_ascii, trim};
use super::measures_and_codes::check_country;
use super::money::check_money;
use crate::feed::Severity;
use crate::feed::spec::{self, ColumnId};

/// Splits `value` into comma-separated entries, trimmed, skipping empty ones, with their
/// 1-based position.
pub(super) fn entries(value: &str) -> impl Iterator<Item = (usize, &str)> {
    split_ascii(value, b',')
        .map(trim)
        .enumerate()
        .filter(|(_, e)| !e.is_empty())
        .map(|(i, e)| (i + 1, e))
}

fn entry_error(id: ColumnId, n: usize, entry: &str, what: &str, sink: &mut Sink<'_>) {
    sink.push(
        "list_entry",
        Severity::Error,
        id,
        entry,
        format!("Entry {n} of `{}` ({}) {what}.", id.name(), shorten(entry)),
        fix(format!(
            "Write each entry like {}.",
            spec::column_spec(id)
                .ty
                .describe()
                .trim_start_matches("entries such as ")
        )),
    );
}

/// Most colon-separated parts looked at in one list entry.
const MAX_PARTS: usize = 6;

/// Splits a list entry at colons without allocating; returns the first parts and how
/// many parts there are in all.
fn split_parts(entry: &str) -> ([&str; MAX_PARTS], usize) {
    let mut parts = [""; MAX_PARTS];
    let mut count = 0;
    for part in split_ascii(entry, b':') {
        if count < MAX_PARTS {
            parts[count] = part;
        }
        count += 1;
    }
    (parts, count)
}

/// True for `ALL`, a subdivision code (`CA`, `NY`), or a US postal code, range or wildcard.
fn valid_area(area: &str) -> bool {
    if area.is_empty() || area == "ALL" {
        return true;
    }
    if area.len() <= 3
        && area
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
    {
        return true;
    }
    let postal = |p: &str| {
        let p = p.strip_suffix('*').unwrap_or(p);
        !p.is_empty() && p.len() <= 5 && p.bytes().all(|b| b.is_ascii_digit())
    };
    match split_once_ascii(area, b'-') {
        Some((a, b)) => postal(a) && postal(b),
        None => postal(area),
    }
}

/// Checks `shipping`; returns the service names it declares.
pub(super) fn check_shipping<'v>(value: &'v str, sink: &mut Sink<'_>) -> Vec<&'v str> {
    let id = ColumnId::Shipping;
    let mut services = Vec::new();
    for (n, entry) in entries(value) {
        let (all_parts, part_count) = split_parts(entry);
        let parts = &all_parts[..part_count.min(MAX_PARTS)];
        let (country, area, service, speed, price) = match parts {
            [c, a, s, sp, p] => (*c, *a, *s, *sp, *p),
            [c, a, s, p] => {
                let fixed = format!("{c}:{a}:{s}::{p}");
                sink.push(
                    "shipping_parts",
                    Severity::Warning,
                    id,
                    entry,
                    format!("Entry {n} of `shipping` has 4 parts; Stripe documents 5 (`country:area:service:speed:price`)."),
                    fix(format!("Write it as `{fixed}` (empty speed range).")),
                );
                (*c, *a, *s, "", *p)
            }
            _ => {
                entry_error(
                    id,
                    n,
                    entry,
                    &format!(
                        "has {part_count} parts instead of 5 (`country:area:service:speed:price`); a comma inside a price or name splits the entry"
                    ),
                    sink,
                );
                continue;
            }
        };
        let ctx = Ctx::entry(n, id);
        check_country(id, trim(country), ctx, sink);
        if !valid_area(trim(area)) {
            entry_error(
                id,
                n,
                entry,
                "has a delivery area that is not `ALL`, a region code or a US postal code",
                sink,
            );
        }
        if trim(service).is_empty() {
            entry_error(id, n, entry, "has no service name", sink);
        } else {
            services.push(trim(service));
        }
        let speed = trim(speed);
        if !speed.is_empty() {
            let ok = split_once_ascii(speed, b'-').is_some_and(
                |(a, b)| matches!((a.parse::<u32>(), b.parse::<u32>()), (Ok(a), Ok(b)) if a <= b),
            );
            if !ok {
                entry_error(
                    id,
                    n,
                    entry,
                    "has a speed range that is not `min-max` days such as `3-5`",
                    sink,
                );
            }
        }
        check_money(id, trim(price), ctx, sink);
    }
    services
}

pub(super) fn check_free_shipping(value: &str, sink: &mut Sink<'_>) {
    let id = ColumnId::FreeShippingThreshold;
    for (n, entry) in entries(value) {
        let (all_parts, part_count) = split_parts(entry);
        let parts = &all_parts[..part_count.min(MAX_PARTS)];
        let [country, region, service, price] = parts else {
            entry_error(
                id,
                n,
                entry,
                &format!(
                    "has {part_count} parts instead of 4 (`country:region:service:threshold`)"
                ),
                sink,
            );
            continue;
        };
        let ctx = Ctx::entry(n, id);
        check_country(id, trim(country), ctx, sink);
        if !valid_area(trim(region)) {
            entry_error(
                id,
                n,
                entry,
                "has a region that is not `ALL` or a region code",
                sink,
            );
        }
        if trim(service).is_empty() {
            entry_error(id, n, entry, "has no service name", sink);
        }
        check_money(id, trim(price), ctx, sink);
    }
}

pub(super) fn check_fees(value: &str, sink: &mut Sink<'_>) {
    let id = ColumnId::ApplicableFees;
    for (n, entry) in entries(value) {
        let (all_parts, part_count) = split_parts(entry);
        let parts = &all_parts[..part_count.min(MAX_PARTS)];
        if !(4..=5).contains(&part_count) {
            entry_error(
                id,
                n,
                entry,
                &format!("has {part_count} parts instead of 4 (`country:region:label:amount`)"),
                sink,
            );
            continue;
        }
        let ctx = Ctx::entry(n, id);
        check_country(id, trim(parts[0]), ctx, sink);
        if trim(parts[1]).is_empty() || !valid_area(trim(parts[1])) {
            entry_error(
                id,
                n,
                entry,
                "has a region that is not `ALL` or a region code",
                sink,
            );
        }
        if trim(parts[2]).is_empty() {
            entry_error(id, n, entry, "has no fee label", sink);
        }
        check_money(id, trim(parts[3]), ctx, sink);
    }
}

pub(super) fn check_related(value: &str, sink: &mut Sink<'_>) {
    let id = ColumnId::RelatedProducts;
    let list: Vec<(usize, &str)> = entries(value).collect();
    if list.len() > 10 {
        sink.push(
            "too_many_entries",
            Severity::Error,
            id,
            value,
            format!(
                "`related_products` lists {} products; at most 10 are allowed.",
                list.len()
            ),
            fix("Keep the 10 most relevant."),
        );
    }
    for (n, entry) in list {
        match split_once_ascii(entry, b':') {
            Some((ty, target)) if !trim(target).is_empty() => {
                let ty = trim(ty);
                if !spec::RELATIONSHIP_TYPES.contains(&ty) {
                    entry_error(
                        id,
                        n,
                        entry,
                        "has a type other than `upsell`, `cross_sell`, `substitute` or `accessory`",
                        sink,
                    );
                }
            }
            _ => entry_error(id, n, entry, "is not `type:id`", sink),
        }
    }
}

/// Splits `product_warning` at the commas that start a new `type:` entry, so that commas
/// inside a message stay in it.
fn warning_entries(value: &str) -> Vec<&str> {
    let mut starts = vec![0];
    for (i, _) in value.match_indices(',') {
        let rest = value[i + 1..].trim_start();
        if spec::WARNING_TYPES
            .iter()
            .any(|t| rest.starts_with(t) && rest[t.len()..].starts_with(':'))
        {
            starts.push(i + 1);
        }
    }
    starts
        .iter()
        .enumerate()
        .map(|(k, &s)| {
            let end = starts.get(k + 1).map_or(value.len(), |&e| e - 1);
            value[s..end].trim()
        })
        .collect()
}

pub(super) fn check_warnings(value: &str, sink: &mut Sink<'_>) {
    let id = ColumnId::ProductWarning;
    for (n, entry) in warning_entries(value).into_iter().enumerate() {
        let n = n + 1;
        let Some((ty, message)) = split_once_ascii(entry, b':') else {
            entry_error(id, n, entry, "is not `type:message`", sink);
            continue;
        };
        if !spec::WARNING_TYPES.contains(&trim(ty)) {
            entry_error(
                id,
                n,
                entry,
                "has a type other than `legal_disclaimer`, `safety_warning` or `prop_65`",
                sink,
            );
        }
        let len = trim(message).chars().count();
        if len > 1000 {
            sink.push(
                "max_length",
                Severity::Error,
                id,
                entry,
                format!("Entry {n} of `product_warning` has a {len}-character message; the limit is 1000."),
                fix("Shorten the message to 1000 characters or fewer."),
            );
        } else if len == 0 {
            entry_error(id, n, entry, "has no message", sink);
        }
    }
}

pub(super) fn check_id_list(id: ColumnId, value: &str, sink: &mut Sink<'_>) {
    let parts: Vec<&str> = split_ascii(value, b',').map(trim).collect();
    if parts.iter().any(|p| p.is_empty()) {
        let kept: Vec<&str> = parts.into_iter().filter(|p| !p.is_empty()).collect();
        sink.push(
            "list_entry",
            Severity::Warning,
            id,
            value,
            format!(
                "`{}` has an empty entry (two commas in a row, or one at an end).",
                id.name()
            ),
            replace("Remove the empty entries.", kept.join(",")),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn warning_entries_keep_commas_in_messages() {
        assert_eq!(
            warning_entries("prop_65: lead, and cadmium,safety_warning:hot"),
            vec!["prop_65: lead, and cadmium", "safety_warning:hot"]
        );
    }
}
