//! Building blocks shared by the resource models: tolerant enums, expandable fields, v1
//! lists, v2's string-encoded integers, and the postal address several resources carry.

use std::collections::BTreeMap;

use serde::{Deserialize, Deserializer, Serialize};

/// Stripe `metadata`: string keys to string values.
pub type Metadata = BTreeMap<String, String>;

/// Declares a string enum that keeps values it does not know as `Unknown(String)`, so a new
/// Stripe value never breaks deserialization.
macro_rules! stripe_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident = $text:literal, )+
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub enum $name {
            $( $(#[$vmeta])* $variant, )+
            /// A value this version of the console does not know, kept as sent.
            Unknown(String),
        }

        impl $name {
            /// The wire value.
            #[must_use]
            pub fn as_str(&self) -> &str {
                match self {
                    $( $name::$variant => $text, )+
                    $name::Unknown(s) => s.as_str(),
                }
            }
        }

        impl From<&str> for $name {
            fn from(s: &str) -> Self {
                match s {
                    $( $text => $name::$variant, )+
                    other => $name::Unknown(other.to_owned()),
                }
            }
        }

        impl std::str::FromStr for $name {
            type Err = std::convert::Infallible;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Ok($name::from(s))
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = String::deserialize(d)?;
                Ok($name::from(s.as_str()))
            }
        }
    };
}

pub(crate) use stripe_enum;

/// A field that is an id unless it was expanded into the full object.
#[derive(Debug, Clone, PartialEq, Deserialize, serde::Serialize)]
#[serde(untagged)]
pub enum Expandable<T> {
    /// Expanded: the whole object.
    Object(Box<T>),
    /// Not expanded: the id only.
    Id(String),
}

impl<T: HasId> Expandable<T> {
    /// The id, expanded or not.
    #[must_use]
    pub fn id(&self) -> &str {
        match self {
            Expandable::Id(id) => id,
            Expandable::Object(o) => o.id(),
        }
    }
}

impl<T> Expandable<T> {
    /// The object when it was expanded.
    #[must_use]
    pub fn object(&self) -> Option<&T> {
        match self {
            Expandable::Object(o) => Some(o),
            Expandable::Id(_) => None,
        }
    }
}

/// Objects with an `id`, which v1 pagination uses as its cursor.
pub trait HasId {
    /// The object's id.
    fn id(&self) -> &str;
}

/// `impl HasId` for structs whose `id: String` field is the id.
macro_rules! has_id {
    ($($object:ty),+ $(,)?) => {
        $(impl $crate::stripe::model::HasId for $object {
            fn id(&self) -> &str {
                &self.id
            }
        })+
    };
}
pub(crate) use has_id;

/// A v1 list envelope: `{"object":"list","data":[…],"has_more":…,"url":…}`.
#[derive(Debug, Clone, PartialEq, Deserialize, serde::Serialize)]
pub struct List<T> {
    /// The page of objects, newest first.
    #[serde(default = "Vec::new")]
    pub data: Vec<T>,
    /// True when more objects follow this page.
    #[serde(default)]
    pub has_more: bool,
    /// The list's URL path.
    #[serde(default)]
    pub url: Option<String>,
}

/// A v2 list envelope: `{"data":[…],"next_page_url":…,"previous_page_url":…}`.
#[derive(Debug, Clone, PartialEq, Deserialize, serde::Serialize)]
pub struct V2List<T> {
    /// The page of objects.
    #[serde(default = "Vec::new")]
    pub data: Vec<T>,
    /// Relative URL of the next page, `None` on the last page.
    #[serde(default)]
    pub next_page_url: Option<String>,
    /// Relative URL of the previous page.
    #[serde(default)]
    pub previous_page_url: Option<String>,
}

/// Deserializes an int64 that v2 may send as a JSON string (`"42"`) or a number.
pub fn int64_string<'de, D: Deserializer<'de>>(d: D) -> Result<i64, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Raw {
        Num(i64),
        Str(String),
    }
    match Raw::deserialize(d)? {
        Raw::Num(n) => Ok(n),
        Raw::Str(s) => s
            .trim()
            .parse()
            .map_err(|_| serde::de::Error::custom(format!("expected an integer, got {s:?}"))),
    }
}

/// Like [`int64_string`] for optional fields (missing or `null` is `None`).
pub fn opt_int64_string<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    #[derive(Deserialize)]
    struct Wrap(#[serde(deserialize_with = "int64_string")] i64);
    Ok(Option::<Wrap>::deserialize(d)?.map(|w| w.0))
}

/// A postal address.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Address {
    /// City.
    #[serde(default)]
    pub city: Option<String>,
    /// Two-letter country code.
    #[serde(default)]
    pub country: Option<String>,
    /// Street line 1.
    #[serde(default)]
    pub line1: Option<String>,
    /// Street line 2.
    #[serde(default)]
    pub line2: Option<String>,
    /// Postal code.
    #[serde(default)]
    pub postal_code: Option<String>,
    /// State or region.
    #[serde(default)]
    pub state: Option<String>,
}

impl Address {
    /// One line, parts that are set joined by commas.
    #[must_use]
    pub fn one_line(&self) -> String {
        [
            &self.line1,
            &self.line2,
            &self.city,
            &self.state,
            &self.postal_code,
            &self.country,
        ]
        .iter()
        .filter_map(|p| p.as_deref())
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    stripe_enum! {
        /// Test enum.
        pub enum Color {
            /// Red.
            Red = "red",
        }
    }

    #[derive(Deserialize)]
    struct Counts {
        #[serde(deserialize_with = "int64_string")]
        a: i64,
        #[serde(default, deserialize_with = "opt_int64_string")]
        b: Option<i64>,
        #[serde(default, deserialize_with = "opt_int64_string")]
        c: Option<i64>,
    }

    #[test]
    fn unknown_enum_values_are_kept() {
        let c: Vec<Color> = serde_json::from_str(r#"["red","ultraviolet"]"#).unwrap();
        assert_eq!(c, vec![Color::Red, Color::Unknown("ultraviolet".into())]);
        assert_eq!(
            serde_json::to_string(&c).unwrap(),
            r#"["red","ultraviolet"]"#
        );
    }

    #[test]
    fn v2_integers_arrive_as_strings_or_numbers() {
        let n: Counts = serde_json::from_str(r#"{"a":"12","b":3,"c":null}"#).unwrap();
        assert_eq!((n.a, n.b, n.c), (12, Some(3), None));
        assert!(serde_json::from_str::<Counts>(r#"{"a":"twelve"}"#).is_err());
    }
}
