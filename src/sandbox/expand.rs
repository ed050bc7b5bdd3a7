//! `expand[]`: replaces ids with objects along dotted paths, adds properties that only
//! appear when asked for (`line_items`, a charge's `refunds`, a line item's `taxes`), and
//! refuses paths deeper than Stripe's limit of 4 levels.

use serde_json::{Map, Value};

use super::errors::ApiError;
use super::render::Renderer;

/// Stripe's expansion depth limit.
pub(crate) const MAX_DEPTH: usize = 4;

/// Id prefixes that name objects which can be expanded.
const EXPANDABLE: &[&str] = &[
    "pi", "ch", "re", "cs", "prod", "price", "file", "txr", "txn", "pm", "cus", "tr", "fee", "acct",
];

/// Checks every path against the depth limit before anything is expanded.
pub(crate) fn check_paths(paths: &[String]) -> Result<(), ApiError> {
    for path in paths {
        if path.split('.').count() > MAX_DEPTH {
            return Err(ApiError::param(
                "expand",
                format!(
                    "You cannot expand more than {MAX_DEPTH} levels of a property. Property: {path}"
                ),
            ));
        }
        if path.split('.').any(str::is_empty) {
            return Err(ApiError::param(
                "expand",
                format!("Invalid expand path: {path}"),
            ));
        }
    }
    Ok(())
}

/// Applies every path to `value` (an object, or a list envelope whose paths start `data.`).
pub(crate) fn apply(r: &Renderer<'_>, value: &mut Value, paths: &[String]) -> Result<(), ApiError> {
    check_paths(paths)?;
    for path in paths {
        let segs: Vec<&str> = path.split('.').collect();
        walk(r, value, &segs)?;
    }
    Ok(())
}

fn cannot(seg: &str) -> ApiError {
    ApiError::param(
        "expand",
        format!("This property cannot be expanded ({seg})."),
    )
}

fn walk(r: &Renderer<'_>, value: &mut Value, segs: &[&str]) -> Result<(), ApiError> {
    let Some((seg, rest)) = segs.split_first() else {
        return Ok(());
    };
    let Value::Object(map) = value else {
        return Ok(());
    };
    if !map.contains_key(*seg) {
        let extra = includable(r, map, seg).ok_or_else(|| cannot(seg))?;
        map.insert((*seg).to_string(), extra);
    }
    let Some(field) = map.get_mut(*seg) else {
        return Err(cannot(seg));
    };
    match field {
        Value::Null => return Ok(()),
        Value::String(id) => {
            let prefix = id.split('_').next().unwrap_or_default();
            if !EXPANDABLE.contains(&prefix) {
                return Err(cannot(seg));
            }
            match r.object(id) {
                Some(object) => *field = object,
                // An id the sandbox keeps no object for (a balance transaction): left as is.
                None => return Ok(()),
            }
        }
        Value::Array(items) => {
            for item in items {
                walk(r, item, rest)?;
            }
            return Ok(());
        }
        Value::Object(_) => {}
        _ => return Err(cannot(seg)),
    }
    walk(r, field, rest)
}

/// Properties left out unless expanded.
fn includable(r: &Renderer<'_>, map: &Map<String, Value>, seg: &str) -> Option<Value> {
    let object = map.get("object")?.as_str()?;
    let id = map.get("id")?.as_str()?;
    match (object, seg) {
        ("checkout.session", "line_items") => {
            r.ledger.sessions.get(id).map(|s| r.session_line_items(s))
        }
        ("charge", "refunds") => Some(r.charge_refunds(id)),
        ("item", "taxes") => {
            let (session, index) = r.ledger.line_item_index.get(id)?;
            let li = r.ledger.sessions.get(session)?.line_items.get(*index)?;
            Some(r.line_item_taxes(li))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn depth_limit_counts_every_level() {
        assert!(check_paths(&["line_items.data.price.product".into()]).is_ok());
        let err = check_paths(&["data.line_items.data.price.product".into()]).unwrap_err();
        assert_eq!(err.param.as_deref(), Some("expand"));
        assert!(
            err.message
                .starts_with("You cannot expand more than 4 levels")
        );
    }
}
