//! Date, date range and timestamp range cells.

use super::context::{Sink, fix, replace, split_once_ascii, trim};
use crate::feed::Severity;
use crate::feed::spec::ColumnId;
use chrono::{DateTime, NaiveDate};

fn parse_date(value: &str) -> Option<NaiveDate> {
    if value.len() != 10 {
        return None;
    }
    // The usual `YYYY-MM-DD` directly; anything else (signs, one-digit parts) through
    // chrono's parser, which decides exactly as before.
    let b = value.as_bytes();
    let num = |r: std::ops::Range<usize>| {
        b[r].iter().try_fold(0u32, |n, &c| {
            c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0'))
        })
    };
    if b[4] == b'-'
        && b[7] == b'-'
        && let (Some(y), Some(m), Some(d)) = (num(0..4), num(5..7), num(8..10))
    {
        return NaiveDate::from_ymd_opt(y as i32, m, d);
    }
    NaiveDate::parse_from_str(value, "%Y-%m-%d").ok()
}

pub(super) fn check_date(id: ColumnId, value: &str, sink: &mut Sink<'_>) -> Option<NaiveDate> {
    if let Some(d) = parse_date(value) {
        return Some(d);
    }
    let candidate = value.replace(['/', '.'], "-");
    let fix = if let Some(d) = parse_date(&candidate) {
        replace(format!("Write `{d}`."), d.to_string())
    } else if let Some(d) = value.get(..10).and_then(parse_date) {
        replace(format!("Write the date alone: `{d}`."), d.to_string())
    } else {
        fix("Write the date as YYYY-MM-DD, such as `2026-09-15`.")
    };
    sink.push(
        "date",
        Severity::Error,
        id,
        value,
        format!("`{}` must be an ISO 8601 date (YYYY-MM-DD).", id.name()),
        fix,
    );
    None
}

/// Parses `start/end` dates.
fn parse_date_range(value: &str) -> Option<(NaiveDate, NaiveDate)> {
    let (a, b) = split_once_ascii(value, b'/')?;
    Some((parse_date(trim(a))?, parse_date(trim(b))?))
}

pub(super) fn check_date_range(id: ColumnId, value: &str, sink: &mut Sink<'_>) {
    let name = id.name();
    if let Some((start, end)) = parse_date_range(value) {
        if start > end {
            sink.push(
                "range_order",
                Severity::Error,
                id,
                value,
                format!("`{name}` ends ({end}) before it starts ({start})."),
                replace("Swap the two dates.", format!("{end}/{start}")),
            );
        }
        return;
    }
    // Timestamps where dates are expected: keep the date parts.
    let dates = split_once_ascii(value, b'/').and_then(|(a, b)| {
        Some((
            parse_date(trim(a).get(..10)?)?,
            parse_date(trim(b).get(..10)?)?,
        ))
    });
    let fix = match dates {
        Some((a, b)) => replace("Write the two dates without times.", format!("{a}/{b}")),
        None => fix("Write two dates as `start/end`, such as `2026-11-27/2026-12-01`."),
    };
    sink.push(
        "date_range",
        Severity::Error,
        id,
        value,
        format!("`{name}` must be two ISO 8601 dates as `start/end`."),
        fix,
    );
}

pub(super) fn check_timestamp_range(id: ColumnId, value: &str, sink: &mut Sink<'_>) {
    let name = id.name();
    let parsed = split_once_ascii(value, b'/').and_then(|(a, b)| {
        Some((
            DateTime::parse_from_rfc3339(trim(a)).ok()?,
            DateTime::parse_from_rfc3339(trim(b)).ok()?,
        ))
    });
    match parsed {
        Some((start, end)) if start > end => sink.push(
            "range_order",
            Severity::Error,
            id,
            value,
            format!("`{name}` ends before it starts."),
            fix("Swap the two timestamps."),
        ),
        Some(_) => {}
        None => sink.push(
            "timestamp_range",
            Severity::Error,
            id,
            value,
            format!("`{name}` must be two ISO 8601 timestamps with a time zone as `start/end`."),
            fix("Write it like `2026-05-01T00:00:00Z/2026-12-15T23:59:59Z` (UTC recommended)."),
        ),
    }
}
