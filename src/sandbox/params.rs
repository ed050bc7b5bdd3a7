//! v1 request parameters: Rack-style form decoding (`a[b]=`, `a[]=`, `a[0]=`,
//! `created[gt]=`) of the query string and body into one tree, with typed accessors.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use super::errors::ApiError;

/// Decoded v1 parameters (query and body merged, body wins).
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Params(pub Map<String, Value>);

/// A `created`-style range filter; a bare integer means equality.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Range {
    pub gt: Option<i64>,
    pub gte: Option<i64>,
    pub lt: Option<i64>,
    pub lte: Option<i64>,
}

impl Range {
    /// Whether `value` lies inside the range.
    pub fn contains(&self, value: i64) -> bool {
        self.gt.is_none_or(|b| value > b)
            && self.gte.is_none_or(|b| value >= b)
            && self.lt.is_none_or(|b| value < b)
            && self.lte.is_none_or(|b| value <= b)
    }
}

impl Params {
    /// Decodes `application/x-www-form-urlencoded` bytes (a query string or a body).
    pub fn parse(raw: &[u8]) -> Result<Params, ApiError> {
        let mut root = Map::new();
        for (key, value) in url::form_urlencoded::parse(raw) {
            let path = split_key(&key)?;
            insert(&mut root, &path, value.into_owned())?;
        }
        for (key, value) in &mut root {
            if key != "metadata" {
                normalize_arrays(value);
            }
        }
        Ok(Params(root))
    }

    /// Adds every parameter of `other`, replacing ones with the same name.
    pub fn merge(&mut self, other: Params) {
        self.0.extend(other.0);
    }

    /// Rejects any top-level parameter not in `allowed`.
    pub fn allow(&self, allowed: &[&str]) -> Result<(), ApiError> {
        match self.0.keys().find(|k| !allowed.contains(&k.as_str())) {
            Some(unknown) => Err(ApiError::unknown_param(unknown)),
            None => Ok(()),
        }
    }

    /// Refuses every parameter but a v1 list's own (`limit`, the two cursors, `expand`,
    /// `created`) and `filters`, the endpoint's own filters.
    pub fn allow_list(&self, filters: &[&str]) -> Result<(), ApiError> {
        const PAGING: [&str; 5] = [
            "limit",
            "starting_after",
            "ending_before",
            "expand",
            "created",
        ];
        match self
            .0
            .keys()
            .find(|k| !PAGING.contains(&k.as_str()) && !filters.contains(&k.as_str()))
        {
            Some(unknown) => Err(ApiError::unknown_param(unknown)),
            None => Ok(()),
        }
    }

    /// A parameter as sent (a nested hash stays an object).
    pub fn raw(&self, key: &str) -> Option<&Value> {
        self.0.get(key)
    }

    /// A string parameter; an empty string counts as absent.
    pub fn str(&self, key: &str) -> Result<Option<&str>, ApiError> {
        match self.0.get(key) {
            None => Ok(None),
            Some(Value::String(s)) if s.is_empty() => Ok(None),
            Some(Value::String(s)) => Ok(Some(s)),
            Some(_) => Err(ApiError::param(key, format!("Invalid string: {key}"))),
        }
    }

    /// A required string parameter.
    pub fn required_str(&self, key: &str) -> Result<&str, ApiError> {
        self.str(key)?.ok_or_else(|| ApiError::missing(key))
    }

    /// An integer parameter.
    pub fn int(&self, key: &str) -> Result<Option<i64>, ApiError> {
        match self.str(key)? {
            None => Ok(None),
            Some(s) => s
                .parse::<i64>()
                .map(Some)
                .map_err(|_| ApiError::param(key, format!("Invalid integer: {s}"))),
        }
    }

    /// A boolean parameter (`true` / `false`).
    pub fn bool(&self, key: &str) -> Result<Option<bool>, ApiError> {
        match self.str(key)? {
            None => Ok(None),
            Some("true") => Ok(Some(true)),
            Some("false") => Ok(Some(false)),
            Some(s) => Err(ApiError::param(key, format!("Invalid boolean: {s}"))),
        }
    }

    /// `limit`: 1 to 100, default 10.
    pub fn limit(&self) -> Result<usize, ApiError> {
        match self.int("limit")? {
            None => Ok(10),
            Some(n) if (1..=100).contains(&n) => Ok(n as usize),
            Some(n) => Err(ApiError::param(
                "limit",
                format!("Invalid limit: {n}. The limit must be between 1 and 100."),
            )),
        }
    }

    /// The `expand` list (`expand[]=a`, `expand[0]=a` or a single `expand=a`).
    pub fn expand(&self) -> Result<Vec<String>, ApiError> {
        match self.0.get("expand") {
            None => Ok(Vec::new()),
            Some(Value::String(s)) if s.is_empty() => Ok(Vec::new()),
            Some(Value::String(s)) => Ok(vec![s.clone()]),
            Some(Value::Array(items)) => items
                .iter()
                .map(|v| match v {
                    Value::String(s) => Ok(s.clone()),
                    _ => Err(ApiError::param("expand", "Invalid array")),
                })
                .collect(),
            Some(_) => Err(ApiError::param("expand", "Invalid array")),
        }
    }

    /// `metadata[k]=v` pairs; `metadata=` (empty) clears everything (`Some(empty)`).
    pub fn metadata(&self) -> Result<Option<BTreeMap<String, String>>, ApiError> {
        match self.0.get("metadata") {
            None => Ok(None),
            Some(Value::String(s)) if s.is_empty() => Ok(Some(BTreeMap::new())),
            Some(Value::Object(map)) => {
                let mut out = BTreeMap::new();
                for (k, v) in map {
                    match v {
                        Value::String(s) => {
                            if k.chars().count() > 40 {
                                return Err(ApiError::param(
                                    format!("metadata[{k}]"),
                                    "Metadata keys can be at most 40 characters long.",
                                ));
                            }
                            if s.chars().count() > 500 {
                                return Err(ApiError::param(
                                    format!("metadata[{k}]"),
                                    "Metadata values can be at most 500 characters long.",
                                ));
                            }
                            out.insert(k.clone(), s.clone());
                        }
                        _ => {
                            return Err(ApiError::param(
                                format!("metadata[{k}]"),
                                "Invalid metadata value: must be a string.",
                            ));
                        }
                    }
                }
                Ok(Some(out))
            }
            Some(_) => Err(ApiError::param(
                "metadata",
                "Invalid metadata: send it as metadata[key]=value.",
            )),
        }
    }

    /// A range filter: `created=123` or `created[gt]=…&created[lte]=…`.
    pub fn range(&self, key: &str) -> Result<Option<Range>, ApiError> {
        match self.0.get(key) {
            None => Ok(None),
            Some(Value::String(_)) => {
                let v = self.int(key)?;
                Ok(v.map(|v| Range {
                    gte: Some(v),
                    lte: Some(v),
                    ..Range::default()
                }))
            }
            Some(Value::Object(map)) => {
                let mut range = Range::default();
                for (op, value) in map {
                    let parsed = value
                        .as_str()
                        .and_then(|s| s.parse::<i64>().ok())
                        .ok_or_else(|| {
                            ApiError::param(
                                format!("{key}[{op}]"),
                                format!("Invalid integer: {value}"),
                            )
                        })?;
                    match op.as_str() {
                        "gt" => range.gt = Some(parsed),
                        "gte" => range.gte = Some(parsed),
                        "lt" => range.lt = Some(parsed),
                        "lte" => range.lte = Some(parsed),
                        other => return Err(ApiError::unknown_param(&format!("{key}[{other}]"))),
                    }
                }
                Ok(Some(range))
            }
            Some(_) => Err(ApiError::param(key, format!("Invalid {key} filter"))),
        }
    }
}

/// How deep a parameter name may nest (`a[b][c]` is 3). Stripe's deepest parameters
/// (`line_items[0][price_data][product_data][metadata][k]`) stay well inside it; deeper
/// names are refused before anything recursive sees them.
pub(crate) const MAX_DEPTH: usize = 10;

/// A parameter name cut for a message: hostile names can be many kilobytes long.
fn shown(key: &str) -> String {
    match key.char_indices().nth(60) {
        Some((at, _)) => format!("{}…", &key[..at]),
        None => key.to_owned(),
    }
}

/// `a[b][]` → `["a", "b", ""]`.
fn split_key(key: &str) -> Result<Vec<String>, ApiError> {
    let Some(open) = key.find('[') else {
        return Ok(vec![key.to_string()]);
    };
    let mut parts = vec![key[..open].to_string()];
    let mut rest = &key[open..];
    while !rest.is_empty() {
        if parts.len() >= MAX_DEPTH {
            return Err(ApiError::invalid(format!(
                "Invalid parameter name: {} nests deeper than {MAX_DEPTH} levels.",
                shown(key)
            )));
        }
        let close = rest
            .find(']')
            .filter(|_| rest.starts_with('['))
            .ok_or_else(|| ApiError::invalid(format!("Invalid parameter name: {}", shown(key))))?;
        parts.push(rest[1..close].to_string());
        rest = &rest[close + 1..];
    }
    if parts[0].is_empty() {
        return Err(ApiError::invalid(format!(
            "Invalid parameter name: {}",
            shown(key)
        )));
    }
    Ok(parts)
}

fn insert(map: &mut Map<String, Value>, path: &[String], value: String) -> Result<(), ApiError> {
    let (first, rest) = path
        .split_first()
        .ok_or_else(|| ApiError::invalid("Empty parameter name"))?;
    if rest.is_empty() {
        map.insert(first.clone(), Value::String(value));
        return Ok(());
    }
    let next_is_push = rest[0].is_empty();
    let entry = map.entry(first.clone()).or_insert_with(|| {
        if next_is_push {
            Value::Array(Vec::new())
        } else {
            Value::Object(Map::new())
        }
    });
    match entry {
        Value::Array(items) if next_is_push => {
            if rest.len() == 1 {
                items.push(Value::String(value));
            } else {
                let mut object = Map::new();
                insert(&mut object, &rest[1..], value)?;
                items.push(Value::Object(object));
            }
            Ok(())
        }
        Value::Object(object) if !next_is_push => insert(object, rest, value),
        _ => Err(ApiError::param(
            first.clone(),
            format!("Invalid value for {first}: mixed array and hash forms"),
        )),
    }
}

/// Turns objects keyed `0`, `1`, … (indexed arrays) into arrays, recursively.
fn normalize_arrays(value: &mut Value) {
    match value {
        Value::Object(map) => {
            for v in map.values_mut() {
                normalize_arrays(v);
            }
            if !map.is_empty() && map.keys().all(|k| k.parse::<usize>().is_ok()) {
                let mut items: Vec<(usize, Value)> = std::mem::take(map)
                    .into_iter()
                    .filter_map(|(k, v)| k.parse::<usize>().ok().map(|i| (i, v)))
                    .collect();
                items.sort_by_key(|(i, _)| *i);
                *value = Value::Array(items.into_iter().map(|(_, v)| v).collect());
            }
        }
        Value::Array(items) => items.iter_mut().for_each(normalize_arrays),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nested_hashes_and_both_array_styles_decode() {
        let p = Params::parse(
            b"metadata[order]=A-1&expand[]=a&expand[]=b&created[gt]=10&created[lte]=20",
        )
        .unwrap();
        assert_eq!(p.metadata().unwrap().unwrap()["order"], "A-1");
        assert_eq!(p.expand().unwrap(), vec!["a", "b"]);
        let r = p.range("created").unwrap().unwrap();
        assert!(r.contains(15) && !r.contains(10) && r.contains(20));

        let indexed = Params::parse(b"expand%5B1%5D=b&expand%5B0%5D=a").unwrap();
        assert_eq!(indexed.expand().unwrap(), vec!["a", "b"]);
    }

    #[test]
    fn deep_names_are_refused_not_recursed() {
        let deep = format!("metadata{}=1", "[b]".repeat(10_000));
        let e = Params::parse(deep.as_bytes()).unwrap_err();
        assert_eq!(e.status, axum::http::StatusCode::BAD_REQUEST);
        assert!(e.message.contains("deeper than 10"), "{}", e.message);
        assert!(e.message.len() < 200, "{}", e.message);
        let fine = format!("a{}=1", "[b]".repeat(MAX_DEPTH - 1));
        assert!(Params::parse(fine.as_bytes()).is_ok());
    }

    #[test]
    fn bad_values_are_named_errors() {
        let p = Params::parse(b"amount=ten&limit=500").unwrap();
        assert_eq!(
            p.int("amount").unwrap_err().param.as_deref(),
            Some("amount")
        );
        assert!(p.limit().is_err());
        assert_eq!(
            p.allow(&["amount"]).unwrap_err().message,
            "Received unknown parameter: limit"
        );
    }
}
