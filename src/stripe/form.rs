//! v1 form encoding, Rack style: `metadata[k]=v`, `expand[]=a`, `created[gt]=…`.
//!
//! Arrays of scalars are written `name[]=v` (the form of Stripe's curl examples, which every
//! Stripe-compatible server accepts); arrays of objects are indexed `name[0][k]=v` so the
//! server can tell the elements apart. Brackets are percent-encoded like the official SDKs do.

use std::collections::BTreeMap;

use serde_json::Value;

use super::error::Error;

/// An ordered list of form fields, encoded as `application/x-www-form-urlencoded`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Form {
    pairs: Vec<(String, String)>,
}

/// A `created`-style range filter in unix seconds (`created[gt]`, `created[lte]`, …).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Range {
    /// Strictly after.
    pub gt: Option<i64>,
    /// At or after.
    pub gte: Option<i64>,
    /// Strictly before.
    pub lt: Option<i64>,
    /// At or before.
    pub lte: Option<i64>,
}

impl Range {
    /// True when no bound is set.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.gt.is_none() && self.gte.is_none() && self.lt.is_none() && self.lte.is_none()
    }
}

impl Form {
    /// An empty form.
    #[must_use]
    pub fn new() -> Form {
        Form::default()
    }

    /// Appends `key=value`.
    pub fn push(&mut self, key: impl Into<String>, value: impl Into<String>) -> &mut Form {
        self.pairs.push((key.into(), value.into()));
        self
    }

    /// Appends `key=value` when `value` is `Some`.
    pub fn push_opt<V: ToString>(&mut self, key: &str, value: Option<V>) -> &mut Form {
        if let Some(v) = value {
            self.pairs.push((key.to_owned(), v.to_string()));
        }
        self
    }

    /// Appends `key[]=v` for every value.
    pub fn push_list<I, V>(&mut self, key: &str, values: I) -> &mut Form
    where
        I: IntoIterator<Item = V>,
        V: Into<String>,
    {
        for v in values {
            self.pairs.push((format!("{key}[]"), v.into()));
        }
        self
    }

    /// Appends `key[k]=v` for every entry (metadata and other string maps).
    pub fn push_map(&mut self, key: &str, map: &BTreeMap<String, String>) -> &mut Form {
        for (k, v) in map {
            self.pairs.push((format!("{key}[{k}]"), v.clone()));
        }
        self
    }

    /// Appends the set bounds of `range` as `key[gt]`, `key[gte]`, `key[lt]`, `key[lte]`.
    pub fn push_range(&mut self, key: &str, range: &Range) -> &mut Form {
        for (op, v) in [
            ("gt", range.gt),
            ("gte", range.gte),
            ("lt", range.lt),
            ("lte", range.lte),
        ] {
            if let Some(v) = v {
                self.pairs.push((format!("{key}[{op}]"), v.to_string()));
            }
        }
        self
    }

    /// Appends any JSON value under `key` with Rack nesting: objects as `key[k]`, arrays of
    /// scalars as `key[]`, arrays of objects as `key[i][…]`, booleans as `true`/`false`,
    /// `null` as an empty value (which clears the field on Stripe's side).
    pub fn push_value(&mut self, key: &str, value: &Value) -> &mut Form {
        match value {
            Value::Null => {
                self.pairs.push((key.to_owned(), String::new()));
            }
            Value::Bool(b) => {
                self.pairs.push((key.to_owned(), b.to_string()));
            }
            Value::Number(n) => {
                self.pairs.push((key.to_owned(), n.to_string()));
            }
            Value::String(s) => {
                self.pairs.push((key.to_owned(), s.clone()));
            }
            Value::Array(items) => {
                let nested = items.iter().any(|v| v.is_object() || v.is_array());
                for (i, item) in items.iter().enumerate() {
                    let sub = if nested {
                        format!("{key}[{i}]")
                    } else {
                        format!("{key}[]")
                    };
                    self.push_value(&sub, item);
                }
            }
            Value::Object(map) => {
                for (k, v) in map {
                    self.push_value(&format!("{key}[{k}]"), v);
                }
            }
        }
        self
    }

    /// True when there are no fields.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.pairs.is_empty()
    }

    /// The fields in order, unencoded.
    #[must_use]
    pub fn pairs(&self) -> &[(String, String)] {
        &self.pairs
    }

    /// The encoded body or query string.
    #[must_use]
    pub fn encode(&self) -> String {
        let mut ser = url::form_urlencoded::Serializer::new(String::new());
        for (k, v) in &self.pairs {
            ser.append_pair(k, v);
        }
        ser.finish()
    }
}

/// Checks a path segment id so it cannot change the URL's shape.
pub(crate) fn path_id(id: &str) -> Result<&str, Error> {
    let id = id.trim();
    if id.is_empty() || !id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
        return Err(Error::Invalid(format!(
            "`{id}` is not a Stripe id; ids look like pi_3Mr…, cs_test_a1…, file_1Ab…"
        )));
    }
    Ok(id)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decoded(form: &Form) -> String {
        url::form_urlencoded::parse(form.encode().as_bytes())
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("&")
    }

    #[test]
    fn nests_metadata_and_ranges_rack_style() {
        let mut form = Form::new();
        let mut meta = BTreeMap::new();
        meta.insert("order_id".to_owned(), "A-1001".to_owned());
        form.push("payment_intent", "pi_1")
            .push_map("metadata", &meta)
            .push_range(
                "created",
                &Range {
                    gt: Some(1_735_689_600),
                    lte: Some(1_738_368_000),
                    ..Range::default()
                },
            );
        assert_eq!(
            decoded(&form),
            "payment_intent=pi_1&metadata[order_id]=A-1001&created[gt]=1735689600&created[lte]=1738368000"
        );
        assert_eq!(
            form.encode(),
            "payment_intent=pi_1&metadata%5Border_id%5D=A-1001&created%5Bgt%5D=1735689600&created%5Blte%5D=1738368000"
        );
    }

    #[test]
    fn arrays_of_scalars_use_empty_brackets_and_objects_are_indexed() {
        let mut form = Form::new();
        form.push_list(
            "expand",
            ["line_items.data.price.product", "payment_intent"],
        );
        form.push_value(
            "items",
            &serde_json::json!([{"price": "price_1", "quantity": 2}, {"price": "price_2"}]),
        );
        assert_eq!(
            decoded(&form),
            "expand[]=line_items.data.price.product&expand[]=payment_intent&items[0][price]=price_1&items[0][quantity]=2&items[1][price]=price_2"
        );
    }

    #[test]
    fn values_encode_booleans_nulls_and_reserved_characters() {
        let mut form = Form::new();
        form.push_value(
            "x",
            &serde_json::json!({"on": true, "clear": null, "note": "a&b=c d+é"}),
        );
        assert_eq!(decoded(&form), "x[clear]=&x[note]=a&b=c d+é&x[on]=true");
        assert!(form.encode().contains("a%26b%3Dc+d%2B%C3%A9"));
    }

    #[test]
    fn ids_cannot_reshape_the_url() {
        assert!(path_id("file_1AbC").is_ok());
        assert!(path_id("../v1/refunds").is_err());
        assert!(path_id("pi_1?expand=x").is_err());
        assert!(path_id("").is_err());
    }
}
