//! The four Stripe feed kinds as data: columns, requirement, type, limits, enums, aliases.

use std::fmt;
use std::str::FromStr;

/// The four Stripe catalog feed kinds (`feed_type` in the v2 API).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FeedKind {
    /// The full product catalog (61 columns).
    Product,
    /// Stock levels for existing products.
    Inventory,
    /// Prices for existing products.
    Pricing,
    /// Promotions (percent off, amount off, free shipping).
    Promotion,
}

impl FeedKind {
    /// Every kind, in display order.
    pub const ALL: [FeedKind; 4] = [
        FeedKind::Product,
        FeedKind::Inventory,
        FeedKind::Pricing,
        FeedKind::Promotion,
    ];

    /// The v2 `feed_type` value (`product`, `inventory`, `pricing`, `promotion`).
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            FeedKind::Product => "product",
            FeedKind::Inventory => "inventory",
            FeedKind::Pricing => "pricing",
            FeedKind::Promotion => "promotion",
        }
    }

    /// The v1 `ImportSet` `standard_data_format`, where one exists.
    #[must_use]
    pub fn standard_data_format(self) -> Option<&'static str> {
        match self {
            FeedKind::Product => Some("product_catalog_feed"),
            FeedKind::Inventory => Some("inventory_feed"),
            FeedKind::Pricing => Some("price_feed"),
            FeedKind::Promotion => None,
        }
    }
}

impl fmt::Display for FeedKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for FeedKind {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "product" | "products" | "product_catalog_feed" => Ok(FeedKind::Product),
            "inventory" | "inventory_feed" => Ok(FeedKind::Inventory),
            "pricing" | "price" | "prices" | "price_feed" => Ok(FeedKind::Pricing),
            "promotion" | "promotions" => Ok(FeedKind::Promotion),
            other => Err(format!(
                "unknown feed kind `{other}`: use product, inventory, pricing or promotion"
            )),
        }
    }
}
