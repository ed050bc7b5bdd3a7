//! List envelopes and cursors: v1 (`starting_after` / `ending_before` / `has_more`, newest
//! first) and v2 (`next_page_url` / `previous_page_url` with an opaque `page` token).

use serde_json::{Value, json};

use super::errors::ApiError;
use super::params::Params;
use super::state::{Record, Table};

/// One v1 page: the items (newest first) and `has_more`.
pub(crate) struct Page<'a, T> {
    pub items: Vec<&'a T>,
    pub has_more: bool,
}

/// Pages through `table` with the v1 cursor parameters, keeping objects for which `keep`
/// is true. `object` names the listed type for "No such …" errors.
pub(crate) fn v1_page<'a, T: Record>(
    table: &'a Table<T>,
    params: &Params,
    object: &str,
    keep: impl Fn(&T) -> bool,
) -> Result<Page<'a, T>, ApiError> {
    let limit = params.limit()?;
    let after = params.str("starting_after")?;
    let before = params.str("ending_before")?;
    let (mut items, has_more) = match (after, before) {
        (Some(_), Some(_)) => {
            return Err(ApiError::invalid(
                "You may only specify one of these parameters: ending_before, starting_after.",
            ));
        }
        (Some(cursor), None) => {
            let iter = table
                .older_than(cursor)
                .ok_or_else(|| ApiError::no_such(object, cursor, "starting_after"))?;
            take(iter.filter(|t| keep(t)), limit)
        }
        (None, Some(cursor)) => {
            let iter = table
                .newer_than(cursor)
                .ok_or_else(|| ApiError::no_such(object, cursor, "ending_before"))?;
            let (mut items, more) = take(iter.filter(|t| keep(t)), limit);
            items.reverse();
            (items, more)
        }
        (None, None) => take(table.newest_first().filter(|t| keep(t)), limit),
    };
    items.shrink_to_fit();
    Ok(Page { items, has_more })
}

fn take<'a, T: 'a>(mut iter: impl Iterator<Item = &'a T>, limit: usize) -> (Vec<&'a T>, bool) {
    let items: Vec<&T> = iter.by_ref().take(limit).collect();
    let more = iter.next().is_some();
    (items, more)
}

/// `{"object":"list","data":[…],"has_more":…,"url":…}`.
pub(crate) fn v1_envelope(url: &str, data: Vec<Value>, has_more: bool) -> Value {
    json!({ "object": "list", "data": data, "has_more": has_more, "url": url })
}

/// One v2 page: the items (newest first) and the tokens of the neighbouring pages.
pub(crate) struct V2Page<'a, T> {
    pub items: Vec<&'a T>,
    pub next: Option<String>,
    pub previous: Option<String>,
}

/// Pages through `table` with a v2 `page` token.
pub(crate) fn v2_page<'a, T: Record>(
    table: &'a Table<T>,
    limit: usize,
    page: Option<&str>,
    keep: impl Fn(&T) -> bool,
) -> Result<V2Page<'a, T>, ApiError> {
    let bad_page = || {
        ApiError::param(
            "page",
            "Invalid page token: use the next_page_url or previous_page_url of a list response as is.",
        )
    };
    let cursor = page.map(|t| decode_token(t).ok_or_else(bad_page));
    let items: Vec<&T> = match cursor.transpose()? {
        None => table
            .newest_first()
            .filter(|t| keep(t))
            .take(limit)
            .collect(),
        Some((true, id)) => table
            .older_than(&id)
            .ok_or_else(bad_page)?
            .filter(|t| keep(t))
            .take(limit)
            .collect(),
        Some((false, id)) => {
            let mut items: Vec<&T> = table
                .newer_than(&id)
                .ok_or_else(bad_page)?
                .filter(|t| keep(t))
                .take(limit)
                .collect();
            items.reverse();
            items
        }
    };
    let next = items.last().and_then(|last| {
        let more = table
            .older_than(last.id())
            .is_some_and(|mut it| it.any(&keep));
        more.then(|| encode_token(true, last.id()))
    });
    let previous = items.first().and_then(|first| {
        let more = table
            .newer_than(first.id())
            .is_some_and(|mut it| it.any(keep));
        more.then(|| encode_token(false, first.id()))
    });
    Ok(V2Page {
        items,
        next,
        previous,
    })
}

/// `{"data":[…],"next_page_url":…,"previous_page_url":…}`. `query` holds the filters to
/// carry into the page URLs (already encoded, without `page`).
pub(crate) fn v2_envelope(
    path: &str,
    query: &str,
    data: Vec<Value>,
    next: Option<String>,
    previous: Option<String>,
) -> Value {
    let url = |token: String| {
        if query.is_empty() {
            format!("{path}?page={token}")
        } else {
            format!("{path}?{query}&page={token}")
        }
    };
    json!({
        "data": data,
        "next_page_url": next.map(url),
        "previous_page_url": previous.map(url),
    })
}

fn encode_token(older: bool, id: &str) -> String {
    let raw = format!("{}{id}", if older { 'n' } else { 'p' });
    format!("page_{}", hex::encode(raw))
}

/// `None` when the token is malformed.
fn decode_token(token: &str) -> Option<(bool, String)> {
    let decoded = token
        .strip_prefix("page_")
        .and_then(|h| hex::decode(h).ok())
        .and_then(|b| String::from_utf8(b).ok());
    decoded.and_then(|s| {
        let mut chars = s.chars();
        match chars.next() {
            Some('n') => Some((true, chars.as_str().to_string())),
            Some('p') => Some((false, chars.as_str().to_string())),
            _ => None,
        }
    })
}
