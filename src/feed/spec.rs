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

/// Every column name used by any of the four feeds (one id per distinct name).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
// Each variant is the column of the same name; `column_spec` documents it.
pub enum ColumnId {
    Id,
    Title,
    Description,
    Link,
    Brand,
    Gtin,
    Mpn,
    ImageLink,
    AdditionalImageLink,
    VideoLink,
    Model3dLink,
    Condition,
    GoogleProductCategory,
    ProductCategory,
    AgeGroup,
    Material,
    Length,
    Width,
    Height,
    Weight,
    ItemGroupId,
    ItemGroupTitle,
    Color,
    Size,
    SizeSystem,
    Gender,
    CustomVariantOptionName1,
    CustomVariantOptionValue1,
    CustomVariantOptionName2,
    CustomVariantOptionValue2,
    CustomVariantOptionName3,
    CustomVariantOptionValue3,
    Availability,
    AvailabilityDate,
    ExpirationDate,
    InventoryNotTracked,
    InventoryQuantity,
    Price,
    SalePrice,
    SalePriceEffectiveDate,
    StripeProductTaxCode,
    ThirdPartyTaxCode,
    TaxBehavior,
    ApplicableFees,
    Shipping,
    ShippingCostBasis,
    FreeShippingThreshold,
    PopularityScore,
    ReturnRate,
    ProductReviewCount,
    ProductReviewRating,
    RelatedProducts,
    ProductWarning,
    AgeRestriction,
    CustomLabel0,
    CustomLabel1,
    CustomLabel2,
    CustomLabel3,
    CustomLabel4,
    Delete,
    DisableCheckout,
    PromotionId,
    ActivePeriod,
    BenefitType,
    PercentOff,
    AmountOff,
    MinimumOrderAmount,
    TargetSelection,
    TargetIds,
    TargetItemGroupIds,
    ExcludedIds,
    ExcludedItemGroupIds,
    ApplicationType,
    PromotionCode,
}

impl ColumnId {
    /// Number of distinct columns across the four feeds.
    pub const COUNT: usize = 74;
    /// Every column id, in spec order (the index is `id as usize`).
    pub const ALL: [ColumnId; Self::COUNT] = [
        ColumnId::Id,
        ColumnId::Title,
        ColumnId::Description,
        ColumnId::Link,
        ColumnId::Brand,
        ColumnId::Gtin,
        ColumnId::Mpn,
        ColumnId::ImageLink,
        ColumnId::AdditionalImageLink,
        ColumnId::VideoLink,
        ColumnId::Model3dLink,
        ColumnId::Condition,
        ColumnId::GoogleProductCategory,
        ColumnId::ProductCategory,
        ColumnId::AgeGroup,
        ColumnId::Material,
        ColumnId::Length,
        ColumnId::Width,
        ColumnId::Height,
        ColumnId::Weight,
        ColumnId::ItemGroupId,
        ColumnId::ItemGroupTitle,
        ColumnId::Color,
        ColumnId::Size,
        ColumnId::SizeSystem,
        ColumnId::Gender,
        ColumnId::CustomVariantOptionName1,
        ColumnId::CustomVariantOptionValue1,
        ColumnId::CustomVariantOptionName2,
        ColumnId::CustomVariantOptionValue2,
        ColumnId::CustomVariantOptionName3,
        ColumnId::CustomVariantOptionValue3,
        ColumnId::Availability,
        ColumnId::AvailabilityDate,
        ColumnId::ExpirationDate,
        ColumnId::InventoryNotTracked,
        ColumnId::InventoryQuantity,
        ColumnId::Price,
        ColumnId::SalePrice,
        ColumnId::SalePriceEffectiveDate,
        ColumnId::StripeProductTaxCode,
        ColumnId::ThirdPartyTaxCode,
        ColumnId::TaxBehavior,
        ColumnId::ApplicableFees,
        ColumnId::Shipping,
        ColumnId::ShippingCostBasis,
        ColumnId::FreeShippingThreshold,
        ColumnId::PopularityScore,
        ColumnId::ReturnRate,
        ColumnId::ProductReviewCount,
        ColumnId::ProductReviewRating,
        ColumnId::RelatedProducts,
        ColumnId::ProductWarning,
        ColumnId::AgeRestriction,
        ColumnId::CustomLabel0,
        ColumnId::CustomLabel1,
        ColumnId::CustomLabel2,
        ColumnId::CustomLabel3,
        ColumnId::CustomLabel4,
        ColumnId::Delete,
        ColumnId::DisableCheckout,
        ColumnId::PromotionId,
        ColumnId::ActivePeriod,
        ColumnId::BenefitType,
        ColumnId::PercentOff,
        ColumnId::AmountOff,
        ColumnId::MinimumOrderAmount,
        ColumnId::TargetSelection,
        ColumnId::TargetIds,
        ColumnId::TargetItemGroupIds,
        ColumnId::ExcludedIds,
        ColumnId::ExcludedItemGroupIds,
        ColumnId::ApplicationType,
        ColumnId::PromotionCode,
    ];

    /// The column name as written in a feed header.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            ColumnId::Id => "id",
            ColumnId::Title => "title",
            ColumnId::Description => "description",
            ColumnId::Link => "link",
            ColumnId::Brand => "brand",
            ColumnId::Gtin => "gtin",
            ColumnId::Mpn => "mpn",
            ColumnId::ImageLink => "image_link",
            ColumnId::AdditionalImageLink => "additional_image_link",
            ColumnId::VideoLink => "video_link",
            ColumnId::Model3dLink => "model_3d_link",
            ColumnId::Condition => "condition",
            ColumnId::GoogleProductCategory => "google_product_category",
            ColumnId::ProductCategory => "product_category",
            ColumnId::AgeGroup => "age_group",
            ColumnId::Material => "material",
            ColumnId::Length => "length",
            ColumnId::Width => "width",
            ColumnId::Height => "height",
            ColumnId::Weight => "weight",
            ColumnId::ItemGroupId => "item_group_id",
            ColumnId::ItemGroupTitle => "item_group_title",
            ColumnId::Color => "color",
            ColumnId::Size => "size",
            ColumnId::SizeSystem => "size_system",
            ColumnId::Gender => "gender",
            ColumnId::CustomVariantOptionName1 => "custom_variant_option_name_1",
            ColumnId::CustomVariantOptionValue1 => "custom_variant_option_value_1",
            ColumnId::CustomVariantOptionName2 => "custom_variant_option_name_2",
            ColumnId::CustomVariantOptionValue2 => "custom_variant_option_value_2",
            ColumnId::CustomVariantOptionName3 => "custom_variant_option_name_3",
            ColumnId::CustomVariantOptionValue3 => "custom_variant_option_value_3",
            ColumnId::Availability => "availability",
            ColumnId::AvailabilityDate => "availability_date",
            ColumnId::ExpirationDate => "expiration_date",
            ColumnId::InventoryNotTracked => "inventory_not_tracked",
            ColumnId::InventoryQuantity => "inventory_quantity",
            ColumnId::Price => "price",
            ColumnId::SalePrice => "sale_price",
            ColumnId::SalePriceEffectiveDate => "sale_price_effective_date",
            ColumnId::StripeProductTaxCode => "stripe_product_tax_code",
            ColumnId::ThirdPartyTaxCode => "third_party_tax_code",
            ColumnId::TaxBehavior => "tax_behavior",
            ColumnId::ApplicableFees => "applicable_fees",
            ColumnId::Shipping => "shipping",
            ColumnId::ShippingCostBasis => "shipping_cost_basis",
            ColumnId::FreeShippingThreshold => "free_shipping_threshold",
            ColumnId::PopularityScore => "popularity_score",
            ColumnId::ReturnRate => "return_rate",
            ColumnId::ProductReviewCount => "product_review_count",
            ColumnId::ProductReviewRating => "product_review_rating",
            ColumnId::RelatedProducts => "related_products",
            ColumnId::ProductWarning => "product_warning",
            ColumnId::AgeRestriction => "age_restriction",
            ColumnId::CustomLabel0 => "custom_label_0",
            ColumnId::CustomLabel1 => "custom_label_1",
            ColumnId::CustomLabel2 => "custom_label_2",
            ColumnId::CustomLabel3 => "custom_label_3",
            ColumnId::CustomLabel4 => "custom_label_4",
            ColumnId::Delete => "delete",
            ColumnId::DisableCheckout => "disable_checkout",
            ColumnId::PromotionId => "promotion_id",
            ColumnId::ActivePeriod => "active_period",
            ColumnId::BenefitType => "benefit_type",
            ColumnId::PercentOff => "percent_off",
            ColumnId::AmountOff => "amount_off",
            ColumnId::MinimumOrderAmount => "minimum_order_amount",
            ColumnId::TargetSelection => "target_selection",
            ColumnId::TargetIds => "target_ids",
            ColumnId::TargetItemGroupIds => "target_item_group_ids",
            ColumnId::ExcludedIds => "excluded_ids",
            ColumnId::ExcludedItemGroupIds => "excluded_item_group_ids",
            ColumnId::ApplicationType => "application_type",
            ColumnId::PromotionCode => "promotion_code",
        }
    }
}

/// How strongly a feed needs a column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Requirement {
    /// Every (non-delete) row must fill it.
    Required,
    /// Stripe recommends it; leaving it out makes the product worse off.
    Recommended,
    /// May be left blank.
    Optional,
    /// Required when another column says so (see the column's note).
    Conditional,
}

impl Requirement {
    /// Lowercase name for display.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Requirement::Required => "required",
            Requirement::Recommended => "recommended",
            Requirement::Optional => "optional",
            Requirement::Conditional => "conditional",
        }
    }
}

/// The format a cell value must follow.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ValueType {
    /// Free UTF-8 text.
    Text,
    /// A stable identifier (letters, digits, `-`, `_`, `.`).
    Id,
    /// An `http(s)://` URL.
    Url,
    /// An `http(s)://` URL of a JPEG or PNG image.
    ImageUrl,
    /// Comma-separated image URLs, at most `max` of them.
    ImageUrlList {
        /// Most entries allowed.
        max: usize,
    },
    /// One of a fixed set of lowercase values.
    Enum(&'static [&'static str]),
    /// `true` or `false`.
    Boolean,
    /// A whole number in a range (inclusive).
    Integer {
        /// Smallest value allowed.
        min: i64,
        /// Largest value allowed, if any.
        max: Option<i64>,
    },
    /// A decimal number (period as separator) in a range (inclusive).
    Decimal {
        /// Smallest value allowed.
        min: f64,
        /// Largest value allowed.
        max: f64,
    },
    /// An amount and an ISO 4217 currency, `15.00 USD`.
    Money,
    /// An ISO 8601 date, `2026-09-15`.
    Date,
    /// Two ISO 8601 dates, `2026-11-27/2026-12-01`.
    DateRange,
    /// Two ISO 8601 timestamps with a time zone, `2026-05-01T00:00:00Z/2026-12-15T23:59:59Z`.
    TimestampRange,
    /// A number and a length unit (`cm` or `in`), `20 in`.
    Dimension,
    /// A number and a weight unit (`lb`, `oz`, `g`, `kg`), `2.5 lb`.
    Weight,
    /// An ISO 3166-1 alpha-2 country code, `US`.
    Country,
    /// A GTIN / UPC / EAN / ISBN: digits only.
    Gtin,
    /// A Google taxonomy numeric id or a full `A > B > C` path.
    GoogleCategory,
    /// A merchant taxonomy path, `A > B > C`.
    CategoryPath,
    /// A Stripe product tax code, `txcd_99999999`.
    StripeTaxCode,
    /// `provider:tax_code`, provider `anrok`.
    ThirdPartyTaxCode,
    /// `country:delivery_area:service:speed_range:price`, entries comma-separated.
    Shipping,
    /// `country:region:service:price_threshold`, entries comma-separated.
    FreeShippingThreshold,
    /// `country:region:fee_label:fee_amount[:fee_basis]`, entries comma-separated.
    ApplicableFees,
    /// `relationship_type:target_id`, entries comma-separated, at most 10.
    RelatedProducts,
    /// `type:message`, entries comma-separated.
    ProductWarning,
    /// Comma-separated ids.
    IdList,
    /// Letters, digits, `-` and `_`.
    PromotionCode,
}

impl ValueType {
    /// A short human description of the format, with an example.
    #[must_use]
    pub fn describe(self) -> &'static str {
        match self {
            ValueType::Text => "text",
            ValueType::Id => "an identifier such as `SKU12AB3456`",
            ValueType::Url => "a URL such as `https://shop.example.com/p/item`",
            ValueType::ImageUrl => "a JPEG or PNG URL such as `https://cdn.example.com/a.jpg`",
            ValueType::ImageUrlList { .. } => "comma-separated image URLs (at most 10)",
            ValueType::Enum(_) => "one of the allowed values",
            ValueType::Boolean => "`true` or `false`",
            ValueType::Integer { .. } => "a whole number such as `42`",
            ValueType::Decimal { .. } => "a number such as `4.5`",
            ValueType::Money => "an amount and currency such as `15.00 USD`",
            ValueType::Date => "a date such as `2026-09-15`",
            ValueType::DateRange => "two dates such as `2026-11-27/2026-12-01`",
            ValueType::TimestampRange => {
                "two timestamps such as `2026-05-01T00:00:00Z/2026-12-15T23:59:59Z`"
            }
            ValueType::Dimension => "a number and `cm` or `in`, such as `20 in`",
            ValueType::Weight => "a number and `lb`, `oz`, `g` or `kg`, such as `2.5 lb`",
            ValueType::Country => "a two-letter ISO 3166 country code such as `US`",
            ValueType::Gtin => "a GTIN of 8, 12, 13 or 14 digits",
            ValueType::GoogleCategory => "a Google category id such as `2271` or a full path",
            ValueType::CategoryPath => "a category path such as `Home & Garden > Kitchen`",
            ValueType::StripeTaxCode => "a Stripe tax code such as `txcd_99999999`",
            ValueType::ThirdPartyTaxCode => "`anrok:` and a tax code, such as `anrok:prod_abc123`",
            ValueType::Shipping => "entries such as `US:ALL:Standard Shipping:3-5:4.95 USD`",
            ValueType::FreeShippingThreshold => {
                "entries such as `US:ALL:Standard Shipping:50.00 USD`"
            }
            ValueType::ApplicableFees => "entries such as `US:CA:Recycling Fee:0.25 USD`",
            ValueType::RelatedProducts => "entries such as `cross_sell:SOCK-3PK`",
            ValueType::ProductWarning => "entries such as `prop_65:This product can expose you…`",
            ValueType::IdList => "comma-separated ids",
            ValueType::PromotionCode => "letters, digits, `-` and `_` (at most 20)",
        }
    }
}

/// What the spec says about one column, independent of the feed it appears in.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ColumnSpec {
    /// Which column.
    pub id: ColumnId,
    /// Its format.
    pub ty: ValueType,
    /// Maximum length in characters, where the spec sets one.
    pub max_len: Option<usize>,
    /// One sentence from the spec (what it is, when it is required).
    pub note: &'static str,
}

/// One column of one feed kind: the column and how strongly this feed needs it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FeedColumn {
    /// Which column.
    pub id: ColumnId,
    /// Required, recommended, optional or conditional in this feed.
    pub requirement: Requirement,
}

/// Allowed values of `availability`.
pub const AVAILABILITY: &[&str] = &["in_stock", "out_of_stock", "preorder", "backorder"];
/// Allowed values of `condition`.
pub const CONDITION: &[&str] = &["new", "refurbished", "used"];
/// Allowed values of `age_group`.
pub const AGE_GROUP: &[&str] = &["newborn", "infant", "toddler", "kids", "adult"];
/// Allowed values of `gender`.
pub const GENDER: &[&str] = &["male", "female", "unisex"];
/// Allowed values of `tax_behavior`.
pub const TAX_BEHAVIOR: &[&str] = &["inclusive", "exclusive"];
/// Allowed values of `shipping_cost_basis`.
pub const SHIPPING_COST_BASIS: &[&str] = &["per_order", "per_item"];
/// Allowed relationship types in `related_products`.
pub const RELATIONSHIP_TYPES: &[&str] = &["upsell", "cross_sell", "substitute", "accessory"];
/// Allowed warning types in `product_warning`.
pub const WARNING_TYPES: &[&str] = &["legal_disclaimer", "safety_warning", "prop_65"];
/// Allowed values of the promotion `benefit_type`.
pub const BENEFIT_TYPE: &[&str] = &["percent_off", "amount_off", "free_shipping"];
/// Allowed values of the promotion `target_selection`.
pub const TARGET_SELECTION: &[&str] = &["all_products", "specific_products"];
/// Allowed values of the promotion `application_type`.
pub const APPLICATION_TYPE: &[&str] = &["automatic", "promotion_code"];

/// The spec of one column.
#[must_use]
pub fn column_spec(id: ColumnId) -> ColumnSpec {
    /// Every column's spec, built at compile time: the validator asks for one per cell.
    static SPECS: [ColumnSpec; ColumnId::COUNT] = {
        let mut specs = [build_column_spec(ColumnId::ALL[0]); ColumnId::COUNT];
        let mut i = 1;
        while i < ColumnId::COUNT {
            specs[i] = build_column_spec(ColumnId::ALL[i]);
            i += 1;
        }
        specs
    };
    SPECS[id as usize]
}

const fn build_column_spec(id: ColumnId) -> ColumnSpec {
    use ColumnId as C;
    use ValueType as T;
    let (ty, max_len, note): (ValueType, Option<usize>, &'static str) = match id {
        C::Id => (
            T::Id,
            Some(100),
            "Unique product or variant id; use the SKU and keep it stable.",
        ),
        C::Title => (
            T::Text,
            Some(150),
            "Product title; match the landing page, avoid ALL CAPS.",
        ),
        C::Description => (
            T::Text,
            Some(5000),
            "Plain-text description: no HTML, links or sales talk.",
        ),
        C::Link => (
            T::Url,
            None,
            "Product page on your verified domain; https preferred.",
        ),
        C::Brand => (
            T::Text,
            Some(70),
            "Brand; required except for movies, books and music.",
        ),
        C::Gtin => (T::Gtin, Some(50), "GTIN, UPC or ISBN, digits only."),
        C::Mpn => (
            T::Text,
            Some(70),
            "Manufacturer part number; required when `gtin` is blank.",
        ),
        C::ImageLink => (
            T::ImageUrl,
            None,
            "Main image, JPEG or PNG, at least 800×800 px.",
        ),
        C::AdditionalImageLink => (
            T::ImageUrlList { max: 10 },
            None,
            "Up to 10 more images, comma-separated; encode commas inside a URL as `%2C`.",
        ),
        C::VideoLink => (T::Url, None, "Public video (YouTube, Vimeo or MP4)."),
        C::Model3dLink => (T::Url, None, "3D model, GLB or GLTF preferred."),
        C::Condition => (
            T::Enum(CONDITION),
            None,
            "Required when the item is not new.",
        ),
        C::GoogleProductCategory => (
            T::GoogleCategory,
            None,
            "Google taxonomy id (preferred) or full path, one category.",
        ),
        C::ProductCategory => (
            T::CategoryPath,
            None,
            "Your own category path; required when `google_product_category` is blank.",
        ),
        C::AgeGroup => (T::Enum(AGE_GROUP), None, "Target age group."),
        C::Material => (
            T::Text,
            Some(100),
            "Required when it distinguishes the variants of a group.",
        ),
        C::Length | C::Width | C::Height => (
            T::Dimension,
            None,
            "Number and unit (`cm` or `in`); all dimensions share one unit.",
        ),
        C::Weight => (
            T::Weight,
            None,
            "Assembled weight, number and unit (`lb`, `oz`, `g`, `kg`).",
        ),
        C::ItemGroupId => (
            T::Text,
            Some(70),
            "Same value on every variant of a product; required when variants exist.",
        ),
        C::ItemGroupTitle => (
            T::Text,
            Some(150),
            "Title of the variant group; avoid ALL CAPS.",
        ),
        C::Color => (
            T::Text,
            Some(100),
            "Primary color (40 characters or fewer recommended).",
        ),
        C::Size => (T::Text, Some(20), "Size label."),
        C::SizeSystem => (
            T::Country,
            None,
            "Country of the size system, ISO 3166 (`US`).",
        ),
        C::Gender => (T::Enum(GENDER), None, "Target gender."),
        C::CustomVariantOptionName1 | C::CustomVariantOptionName2 | C::CustomVariantOptionName3 => {
            (
                T::Text,
                None,
                "Name of a custom variant option; pairs with the value of the same number.",
            )
        }
        C::CustomVariantOptionValue1
        | C::CustomVariantOptionValue2
        | C::CustomVariantOptionValue3 => (
            T::Text,
            None,
            "Value of a custom variant option; pairs with the name of the same number.",
        ),
        C::Availability => (T::Enum(AVAILABILITY), None, "Stock status."),
        C::AvailabilityDate => (
            T::Date,
            None,
            "Date a preorder becomes available; required for `preorder`.",
        ),
        C::ExpirationDate => (T::Date, None, "Date the product stops showing."),
        C::InventoryNotTracked => (
            T::Boolean,
            None,
            "`true` when stock is not tracked (then `inventory_quantity` stays blank).",
        ),
        C::InventoryQuantity => (
            T::Integer { min: 0, max: None },
            None,
            "Units in stock; required when inventory is tracked.",
        ),
        C::Price => (
            T::Money,
            None,
            "Regular price, amount and ISO 4217 currency.",
        ),
        C::SalePrice => (T::Money, None, "Sale price, below `price`, same currency."),
        C::SalePriceEffectiveDate => (
            T::DateRange,
            None,
            "Sale window `start/end`; required when `sale_price` is set.",
        ),
        C::StripeProductTaxCode => (
            T::StripeTaxCode,
            None,
            "Stripe tax code; required when Stripe Tax calculates the tax.",
        ),
        C::ThirdPartyTaxCode => (
            T::ThirdPartyTaxCode,
            Some(120),
            "`anrok:<code>` when Anrok calculates the tax.",
        ),
        C::TaxBehavior => (
            T::Enum(TAX_BEHAVIOR),
            None,
            "Whether prices include tax; default `exclusive`.",
        ),
        C::ApplicableFees => (
            T::ApplicableFees,
            None,
            "Regulatory fees, `country:region:label:amount`.",
        ),
        C::Shipping => (
            T::Shipping,
            None,
            "Shipping options; required for physical goods.",
        ),
        C::ShippingCostBasis => (
            T::Enum(SHIPPING_COST_BASIS),
            None,
            "`per_order` (default) or `per_item`.",
        ),
        C::FreeShippingThreshold => (
            T::FreeShippingThreshold,
            None,
            "Free shipping above a subtotal, for a service named in `shipping`.",
        ),
        C::PopularityScore => (
            T::Decimal { min: 0.0, max: 5.0 },
            None,
            "Popularity from 0 to 5.",
        ),
        C::ReturnRate => (
            T::Decimal {
                min: 0.0,
                max: 100.0,
            },
            None,
            "Return rate in percent, 0 to 100, no `%`.",
        ),
        C::ProductReviewCount => (
            T::Integer { min: 0, max: None },
            None,
            "Number of reviews; `0` when none.",
        ),
        C::ProductReviewRating => (
            T::Decimal { min: 1.0, max: 5.0 },
            None,
            "Average rating 1 to 5; blank when there are no reviews.",
        ),
        C::RelatedProducts => (T::RelatedProducts, None, "Up to 10 `type:id` relations."),
        C::ProductWarning => (
            T::ProductWarning,
            None,
            "`type:message` warnings such as Prop 65.",
        ),
        C::AgeRestriction => (
            T::Integer { min: 0, max: None },
            None,
            "Minimum purchase age.",
        ),
        C::CustomLabel0 | C::CustomLabel1 | C::CustomLabel2 | C::CustomLabel3 | C::CustomLabel4 => {
            (T::Text, Some(100), "Internal label, never shown to buyers.")
        }
        C::Delete => (
            T::Boolean,
            None,
            "`true` removes the row's item; only the id is read.",
        ),
        C::DisableCheckout => (T::Boolean, None, "`true` makes the product discovery-only."),
        C::PromotionId => (T::Id, Some(100), "Unique, stable promotion id."),
        C::ActivePeriod => (
            T::TimestampRange,
            None,
            "When the promotion runs, `start/end` timestamps with a time zone.",
        ),
        C::BenefitType => (T::Enum(BENEFIT_TYPE), None, "What the promotion gives."),
        C::PercentOff => (
            T::Integer {
                min: 0,
                max: Some(100),
            },
            None,
            "Percent off, 0 to 100; required for `percent_off`.",
        ),
        C::AmountOff => (T::Money, None, "Amount off; required for `amount_off`."),
        C::MinimumOrderAmount => (
            T::Money,
            None,
            "Minimum subtotal before tax, shipping and discounts.",
        ),
        C::TargetSelection => (
            T::Enum(TARGET_SELECTION),
            None,
            "All products, or the ones listed in the target columns.",
        ),
        C::TargetIds | C::ExcludedIds => (T::IdList, None, "Comma-separated product ids."),
        C::TargetItemGroupIds | C::ExcludedItemGroupIds => {
            (T::IdList, None, "Comma-separated item group ids.")
        }
        C::ApplicationType => (
            T::Enum(APPLICATION_TYPE),
            None,
            "Applied automatically or with a code.",
        ),
        C::PromotionCode => (
            T::PromotionCode,
            Some(20),
            "Code buyers enter; required for `promotion_code` and for free shipping.",
        ),
    };
    ColumnSpec {
        id,
        ty,
        max_len,
        note,
    }
}

const fn fc(id: ColumnId, requirement: Requirement) -> FeedColumn {
    FeedColumn { id, requirement }
}

use ColumnId as Cid;
use Requirement::{Conditional as C, Optional as O, Recommended as Rec, Required as R};

/// The 61 product-feed columns in spec order.
pub const PRODUCT_COLUMNS: [FeedColumn; 61] = [
    fc(Cid::Id, R),
    fc(Cid::Title, R),
    fc(Cid::Description, R),
    fc(Cid::Link, R),
    fc(Cid::Brand, C),
    fc(Cid::Gtin, Rec),
    fc(Cid::Mpn, C),
    fc(Cid::ImageLink, R),
    fc(Cid::AdditionalImageLink, O),
    fc(Cid::VideoLink, O),
    fc(Cid::Model3dLink, O),
    fc(Cid::Condition, C),
    fc(Cid::GoogleProductCategory, Rec),
    fc(Cid::ProductCategory, C),
    fc(Cid::AgeGroup, O),
    fc(Cid::Material, C),
    fc(Cid::Length, O),
    fc(Cid::Width, O),
    fc(Cid::Height, O),
    fc(Cid::Weight, O),
    fc(Cid::ItemGroupId, C),
    fc(Cid::ItemGroupTitle, O),
    fc(Cid::Color, Rec),
    fc(Cid::Size, Rec),
    fc(Cid::SizeSystem, Rec),
    fc(Cid::Gender, Rec),
    fc(Cid::CustomVariantOptionName1, O),
    fc(Cid::CustomVariantOptionValue1, O),
    fc(Cid::CustomVariantOptionName2, O),
    fc(Cid::CustomVariantOptionValue2, O),
    fc(Cid::CustomVariantOptionName3, O),
    fc(Cid::CustomVariantOptionValue3, O),
    fc(Cid::Availability, R),
    fc(Cid::AvailabilityDate, C),
    fc(Cid::ExpirationDate, O),
    fc(Cid::InventoryNotTracked, O),
    fc(Cid::InventoryQuantity, C),
    fc(Cid::Price, R),
    fc(Cid::SalePrice, O),
    fc(Cid::SalePriceEffectiveDate, C),
    fc(Cid::StripeProductTaxCode, C),
    fc(Cid::ThirdPartyTaxCode, C),
    fc(Cid::TaxBehavior, O),
    fc(Cid::ApplicableFees, C),
    fc(Cid::Shipping, C),
    fc(Cid::ShippingCostBasis, O),
    fc(Cid::FreeShippingThreshold, O),
    fc(Cid::PopularityScore, Rec),
    fc(Cid::ReturnRate, Rec),
    fc(Cid::ProductReviewCount, Rec),
    fc(Cid::ProductReviewRating, C),
    fc(Cid::RelatedProducts, O),
    fc(Cid::ProductWarning, C),
    fc(Cid::AgeRestriction, O),
    fc(Cid::CustomLabel0, O),
    fc(Cid::CustomLabel1, O),
    fc(Cid::CustomLabel2, O),
    fc(Cid::CustomLabel3, O),
    fc(Cid::CustomLabel4, O),
    fc(Cid::Delete, O),
    fc(Cid::DisableCheckout, O),
];

/// The inventory-feed columns.
pub const INVENTORY_COLUMNS: [FeedColumn; 4] = [
    fc(Cid::Id, R),
    fc(Cid::Availability, R),
    fc(Cid::AvailabilityDate, C),
    fc(Cid::InventoryQuantity, R),
];

/// The price-feed columns.
pub const PRICING_COLUMNS: [FeedColumn; 4] = [
    fc(Cid::Id, R),
    fc(Cid::Price, R),
    fc(Cid::SalePrice, O),
    fc(Cid::SalePriceEffectiveDate, C),
];

/// The promotion-feed columns.
pub const PROMOTION_COLUMNS: [FeedColumn; 16] = [
    fc(Cid::PromotionId, R),
    fc(Cid::Title, R),
    fc(Cid::Link, O),
    fc(Cid::ActivePeriod, R),
    fc(Cid::BenefitType, R),
    fc(Cid::PercentOff, C),
    fc(Cid::AmountOff, C),
    fc(Cid::MinimumOrderAmount, O),
    fc(Cid::TargetSelection, R),
    fc(Cid::TargetIds, C),
    fc(Cid::TargetItemGroupIds, C),
    fc(Cid::ExcludedIds, C),
    fc(Cid::ExcludedItemGroupIds, C),
    fc(Cid::ApplicationType, R),
    fc(Cid::PromotionCode, C),
    fc(Cid::Delete, O),
];

impl FeedKind {
    /// The columns of this feed, in spec order.
    #[must_use]
    pub fn columns(self) -> &'static [FeedColumn] {
        match self {
            FeedKind::Product => &PRODUCT_COLUMNS,
            FeedKind::Inventory => &INVENTORY_COLUMNS,
            FeedKind::Pricing => &PRICING_COLUMNS,
            FeedKind::Promotion => &PROMOTION_COLUMNS,
        }
    }

    /// This feed's entry for `id`, when the feed has that column.
    #[must_use]
    pub fn column(self, id: ColumnId) -> Option<FeedColumn> {
        self.columns().iter().copied().find(|c| c.id == id)
    }

    /// The column that identifies a row (`id`, or `promotion_id` for promotions).
    #[must_use]
    pub fn key_column(self) -> ColumnId {
        match self {
            FeedKind::Promotion => ColumnId::PromotionId,
            _ => ColumnId::Id,
        }
    }

    /// Guesses the feed kind from a header: a promotion feed has `promotion_id`; a file whose
    /// known columns all belong to the inventory (or price) feed is one; anything else is a
    /// product feed.
    #[must_use]
    pub fn detect(header: &[&str]) -> FeedKind {
        let known: Vec<ColumnId> = header
            .iter()
            .filter_map(|h| lookup_column(h.trim()))
            .collect();
        if known.iter().any(|c| {
            matches!(
                c,
                ColumnId::PromotionId | ColumnId::BenefitType | ColumnId::ActivePeriod
            )
        }) {
            return FeedKind::Promotion;
        }
        let only = |kind: FeedKind, marker: &[ColumnId]| {
            !known.is_empty()
                && known.iter().all(|c| kind.column(*c).is_some())
                && known.iter().any(|c| marker.contains(c))
        };
        if only(
            FeedKind::Inventory,
            &[ColumnId::InventoryQuantity, ColumnId::Availability],
        ) {
            FeedKind::Inventory
        } else if only(FeedKind::Pricing, &[ColumnId::Price, ColumnId::SalePrice]) {
            FeedKind::Pricing
        } else {
            FeedKind::Product
        }
    }
}

/// The column with exactly this name, in any feed.
#[must_use]
pub fn lookup_column(name: &str) -> Option<ColumnId> {
    ColumnId::ALL.iter().copied().find(|c| c.name() == name)
}

/// Why a header name that is not a spec column probably means one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Suggestion {
    /// A name from the `OpenAI` feed specs (or another common feed) with a Stripe equivalent.
    Alias {
        /// The Stripe column to use instead.
        column: ColumnId,
        /// Anything the seller must know beyond renaming (inverse meaning, split columns…).
        note: &'static str,
    },
    /// A name from another spec that has no Stripe equivalent.
    NoEquivalent {
        /// Why, and what to do.
        note: &'static str,
    },
    /// The same name written differently (case, spaces, hyphens) or a typo.
    NearMiss {
        /// The Stripe column it most likely means.
        column: ColumnId,
    },
}

/// Names used by the `OpenAI` feed specs (v1, interim, current) and other common feeds,
/// mapped to the Stripe column they correspond to.
const ALIASES: &[(&str, Option<ColumnId>, &str)] = &[
    // Shop exports and spreadsheets (Shopify, WooCommerce, Merchant Center words).
    ("vendor", Some(Cid::Brand), ""),
    ("manufacturer", Some(Cid::Brand), ""),
    ("brands", Some(Cid::Brand), ""),
    ("make", Some(Cid::Brand), ""),
    ("barcode", Some(Cid::Gtin), ""),
    ("variant_barcode", Some(Cid::Gtin), ""),
    ("ean", Some(Cid::Gtin), ""),
    ("upc", Some(Cid::Gtin), ""),
    ("isbn", Some(Cid::Gtin), ""),
    ("ean13", Some(Cid::Gtin), ""),
    ("gtin13", Some(Cid::Gtin), ""),
    ("variant_sku", Some(Cid::Id), ""),
    ("name", Some(Cid::Title), ""),
    ("product_name", Some(Cid::Title), ""),
    (
        "body_(html)",
        Some(Cid::Description),
        " (as plain text, without the HTML)",
    ),
    ("image_src", Some(Cid::ImageLink), ""),
    ("image", Some(Cid::ImageLink), ""),
    (
        "images",
        Some(Cid::ImageLink),
        " (the first image; the others go to `additional_image_link`)",
    ),
    (
        "variant_price",
        Some(Cid::Price),
        " (with the currency, such as `24.00 USD`)",
    ),
    (
        "regular_price",
        Some(Cid::Price),
        " (with the currency, such as `24.00 USD`)",
    ),
    ("variant_inventory_qty", Some(Cid::InventoryQuantity), ""),
    ("stock_quantity", Some(Cid::InventoryQuantity), ""),
    ("categories", Some(Cid::ProductCategory), ""),
    ("item_id", Some(Cid::Id), ""),
    ("sku", Some(Cid::Id), ""),
    ("url", Some(Cid::Link), ""),
    ("product_url", Some(Cid::Link), ""),
    ("image_url", Some(Cid::ImageLink), ""),
    ("additional_image_urls", Some(Cid::AdditionalImageLink), ""),
    ("additional_image_url", Some(Cid::AdditionalImageLink), ""),
    ("video_url", Some(Cid::VideoLink), ""),
    ("model_3d_url", Some(Cid::Model3dLink), ""),
    ("virtual_model_link", Some(Cid::Model3dLink), ""),
    ("group_id", Some(Cid::ItemGroupId), ""),
    (
        "enable_checkout",
        Some(Cid::DisableCheckout),
        " (with the opposite meaning: `enable_checkout=false` is `disable_checkout=true`)",
    ),
    (
        "is_eligible_checkout",
        Some(Cid::DisableCheckout),
        " (with the opposite meaning: `is_eligible_checkout=false` is `disable_checkout=true`)",
    ),
    (
        "pre_order",
        Some(Cid::AvailabilityDate),
        " (Stripe marks preorders with `availability=preorder` and the release date in `availability_date`)",
    ),
    ("quantity", Some(Cid::InventoryQuantity), ""),
    ("stock", Some(Cid::InventoryQuantity), ""),
    ("review_count", Some(Cid::ProductReviewCount), ""),
    ("star_rating", Some(Cid::ProductReviewRating), ""),
    (
        "item_weight",
        Some(Cid::Weight),
        " (with the unit in the same cell, such as `2.5 lb`)",
    ),
    ("shipping_weight", Some(Cid::Weight), ""),
    (
        "sale_price_start_date",
        Some(Cid::SalePriceEffectiveDate),
        " (one `start/end` cell replaces the separate start and end dates)",
    ),
    (
        "sale_price_end_date",
        Some(Cid::SalePriceEffectiveDate),
        " (one `start/end` cell replaces the separate start and end dates)",
    ),
    (
        "related_product_id",
        Some(Cid::RelatedProducts),
        " (as `relationship_type:id` entries)",
    ),
    (
        "relationship_type",
        Some(Cid::RelatedProducts),
        " (as `relationship_type:id` entries)",
    ),
    (
        "warning",
        Some(Cid::ProductWarning),
        " (as `type:message` entries)",
    ),
    (
        "custom_variant1_category",
        Some(Cid::CustomVariantOptionName1),
        "",
    ),
    (
        "custom_variant1_option",
        Some(Cid::CustomVariantOptionValue1),
        "",
    ),
    (
        "custom_variant2_category",
        Some(Cid::CustomVariantOptionName2),
        "",
    ),
    (
        "custom_variant2_option",
        Some(Cid::CustomVariantOptionValue2),
        "",
    ),
    (
        "custom_variant3_category",
        Some(Cid::CustomVariantOptionName3),
        "",
    ),
    (
        "custom_variant3_option",
        Some(Cid::CustomVariantOptionValue3),
        "",
    ),
    ("category", Some(Cid::ProductCategory), ""),
    (
        "dimensions",
        Some(Cid::Length),
        " (Stripe takes `length`, `width` and `height` as separate cells such as `20 in`)",
    ),
    ("product_type", Some(Cid::ProductCategory), ""),
    ("tax_code", Some(Cid::StripeProductTaxCode), ""),
    (
        "enable_search",
        None,
        "Stripe sends every row that is not deleted to agents; drop this column (use `delete=true` to remove a product).",
    ),
    (
        "is_eligible_search",
        None,
        "Stripe sends every row that is not deleted to agents; drop this column (use `delete=true` to remove a product).",
    ),
    (
        "seller_name",
        None,
        "Stripe takes seller details from your Dashboard settings; drop this column.",
    ),
    (
        "seller_url",
        None,
        "Stripe takes seller details from your Dashboard settings; drop this column.",
    ),
    (
        "seller_privacy_policy",
        None,
        "Stripe takes policy links from your Dashboard settings; drop this column.",
    ),
    (
        "seller_tos",
        None,
        "Stripe takes policy links from your Dashboard settings; drop this column.",
    ),
    (
        "return_policy",
        None,
        "Stripe takes return policies from your Dashboard settings; drop this column.",
    ),
    (
        "return_window",
        None,
        "Stripe takes return policies from your Dashboard settings; drop this column.",
    ),
    (
        "listing_has_variations",
        None,
        "Stripe groups variants with `item_group_id`; drop this column.",
    ),
    (
        "target_countries",
        None,
        "Stripe sets countries per shipping entry in `shipping`; drop this column.",
    ),
    (
        "store_country",
        None,
        "Stripe takes the store country from your account; drop this column.",
    ),
];

/// Suggests the Stripe column that a header name not in `kind` most likely means:
/// an `OpenAI` alias, or a near miss (different case, spaces, or a small typo).
#[must_use]
pub fn suggest(kind: FeedKind, name: &str) -> Option<Suggestion> {
    let normalized = normalize_name(name);
    if let Some(&(_, column, note)) = ALIASES.iter().find(|(alias, _, _)| *alias == normalized) {
        return Some(match column {
            Some(column) => Suggestion::Alias { column, note },
            None => Suggestion::NoEquivalent { note },
        });
    }
    let columns = kind.columns();
    if let Some(c) = columns.iter().find(|c| c.id.name() == normalized) {
        return Some(Suggestion::NearMiss { column: c.id });
    }
    // Typos, as a last resort: one slip (a letter missing, extra, wrong or two swapped) in a
    // name of four letters or more, two only in a long name that starts with the same letter.
    // Anything further is another word (`vendor` is two letters from `gender`).
    if normalized.len() < 4 {
        return None;
    }
    columns
        .iter()
        .map(|c| (edit_distance(&normalized, c.id.name()), c.id))
        .filter(|(d, id)| {
            *d == 1
                || (*d == 2
                    && normalized.len() >= 8
                    && normalized.as_bytes()[0] == id.name().as_bytes()[0])
        })
        .min_by_key(|(d, _)| *d)
        .map(|(_, column)| Suggestion::NearMiss { column })
}

/// Lowercase, trimmed, with spaces and hyphens as underscores.
fn normalize_name(name: &str) -> String {
    name.trim()
        .chars()
        .map(|c| match c {
            ' ' | '-' => '_',
            c => c.to_ascii_lowercase(),
        })
        .collect()
}

/// Edit distance over bytes (names are ASCII) counting a swap of two neighbours as one edit
/// (optimal string alignment), bounded to short strings.
fn edit_distance(a: &str, b: &str) -> usize {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len().abs_diff(b.len()) > 3 || a.len() > 64 || b.len() > 64 {
        return usize::MAX;
    }
    let width = b.len() + 1;
    let mut d = vec![0usize; (a.len() + 1) * width];
    for i in 0..=a.len() {
        d[i * width] = i;
    }
    for (j, cell) in d.iter_mut().enumerate().take(width) {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (d[(i - 1) * width + j] + 1)
                .min(d[i * width + j - 1] + 1)
                .min(d[(i - 1) * width + j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(d[(i - 2) * width + j - 2] + 1);
            }
            d[i * width + j] = best;
        }
    }
    d[a.len() * width + b.len()]
}

/// ISO 4217 active currency codes with their minor units (digits after the decimal point).
///
/// This is the ISO table, used to check feed prices, which the feed spec defines by ISO 4217.
/// Payments use Stripe's own decimals (`crate::money::decimals`), which differ for a few codes:
/// ISO gives ISK 0 where Stripe counts it in hundredths (whole units only), MGA 2 where Stripe
/// takes it whole, and IQD and LYD 3 where Stripe uses 2.
const CURRENCIES: &[(&str, u8)] = &[
    ("AED", 2),
    ("AFN", 2),
    ("ALL", 2),
    ("AMD", 2),
    ("ANG", 2),
    ("AOA", 2),
    ("ARS", 2),
    ("AUD", 2),
    ("AWG", 2),
    ("AZN", 2),
    ("BAM", 2),
    ("BBD", 2),
    ("BDT", 2),
    ("BGN", 2),
    ("BHD", 3),
    ("BIF", 0),
    ("BMD", 2),
    ("BND", 2),
    ("BOB", 2),
    ("BRL", 2),
    ("BSD", 2),
    ("BTN", 2),
    ("BWP", 2),
    ("BYN", 2),
    ("BZD", 2),
    ("CAD", 2),
    ("CDF", 2),
    ("CHF", 2),
    ("CLF", 4),
    ("CLP", 0),
    ("CNY", 2),
    ("COP", 2),
    ("CRC", 2),
    ("CUP", 2),
    ("CVE", 2),
    ("CZK", 2),
    ("DJF", 0),
    ("DKK", 2),
    ("DOP", 2),
    ("DZD", 2),
    ("EGP", 2),
    ("ERN", 2),
    ("ETB", 2),
    ("EUR", 2),
    ("FJD", 2),
    ("FKP", 2),
    ("GBP", 2),
    ("GEL", 2),
    ("GHS", 2),
    ("GIP", 2),
    ("GMD", 2),
    ("GNF", 0),
    ("GTQ", 2),
    ("GYD", 2),
    ("HKD", 2),
    ("HNL", 2),
    ("HTG", 2),
    ("HUF", 2),
    ("IDR", 2),
    ("ILS", 2),
    ("INR", 2),
    ("IQD", 3),
    ("IRR", 2),
    ("ISK", 0),
    ("JMD", 2),
    ("JOD", 3),
    ("JPY", 0),
    ("KES", 2),
    ("KGS", 2),
    ("KHR", 2),
    ("KMF", 0),
    ("KPW", 2),
    ("KRW", 0),
    ("KWD", 3),
    ("KYD", 2),
    ("KZT", 2),
    ("LAK", 2),
    ("LBP", 2),
    ("LKR", 2),
    ("LRD", 2),
    ("LSL", 2),
    ("LYD", 3),
    ("MAD", 2),
    ("MDL", 2),
    ("MGA", 2),
    ("MKD", 2),
    ("MMK", 2),
    ("MNT", 2),
    ("MOP", 2),
    ("MRU", 2),
    ("MUR", 2),
    ("MVR", 2),
    ("MWK", 2),
    ("MXN", 2),
    ("MYR", 2),
    ("MZN", 2),
    ("NAD", 2),
    ("NGN", 2),
    ("NIO", 2),
    ("NOK", 2),
    ("NPR", 2),
    ("NZD", 2),
    ("OMR", 3),
    ("PAB", 2),
    ("PEN", 2),
    ("PGK", 2),
    ("PHP", 2),
    ("PKR", 2),
    ("PLN", 2),
    ("PYG", 0),
    ("QAR", 2),
    ("RON", 2),
    ("RSD", 2),
    ("RUB", 2),
    ("RWF", 0),
    ("SAR", 2),
    ("SBD", 2),
    ("SCR", 2),
    ("SDG", 2),
    ("SEK", 2),
    ("SGD", 2),
    ("SHP", 2),
    ("SLE", 2),
    ("SOS", 2),
    ("SRD", 2),
    ("SSP", 2),
    ("STN", 2),
    ("SVC", 2),
    ("SYP", 2),
    ("SZL", 2),
    ("THB", 2),
    ("TJS", 2),
    ("TMT", 2),
    ("TND", 3),
    ("TOP", 2),
    ("TRY", 2),
    ("TTD", 2),
    ("TWD", 2),
    ("TZS", 2),
    ("UAH", 2),
    ("UGX", 0),
    ("USD", 2),
    ("UYI", 0),
    ("UYU", 2),
    ("UYW", 4),
    ("UZS", 2),
    ("VES", 2),
    ("VND", 0),
    ("VUV", 0),
    ("WST", 2),
    ("XAF", 0),
    ("XCD", 2),
    ("XCG", 2),
    ("XOF", 0),
    ("XPF", 0),
    ("YER", 2),
    ("ZAR", 2),
    ("ZMW", 2),
    ("ZWG", 2),
];

/// The ISO 4217 minor units of `code` (2 for `USD`, 0 for `JPY`), or `None` for an unknown code.
#[must_use]
pub fn currency_minor_units(code: &str) -> Option<u8> {
    /// The codes of [`CURRENCIES`] as big-endian numbers (same order), compared faster
    /// than strings.
    static KEYS: std::sync::LazyLock<Vec<u32>> = std::sync::LazyLock::new(|| {
        CURRENCIES
            .iter()
            .map(|(c, _)| currency_key(c.as_bytes()))
            .collect()
    });
    /// Minor units by code for codes of three capital letters (`u8::MAX`: no such code).
    static BY_LETTERS: std::sync::LazyLock<Vec<u8>> = std::sync::LazyLock::new(|| {
        let mut table = vec![u8::MAX; 26 * 26 * 26];
        for (code, minor) in CURRENCIES {
            if let Some(i) = letters_index(code.as_bytes()) {
                table[i] = *minor;
            }
        }
        table
    });
    let [a, b, c] = *code.as_bytes() else {
        return None;
    };
    if let Some(i) = letters_index(&[a, b, c]) {
        return BY_LETTERS.get(i).copied().filter(|m| *m != u8::MAX);
    }
    KEYS.binary_search(&currency_key(&[a, b, c]))
        .ok()
        .map(|i| CURRENCIES[i].1)
}

/// Index of a code of three capital letters in a 26³ table.
fn letters_index(code: &[u8]) -> Option<usize> {
    match *code {
        [a, b, c] if [a, b, c].iter().all(u8::is_ascii_uppercase) => {
            Some(usize::from(a - b'A') * 676 + usize::from(b - b'A') * 26 + usize::from(c - b'A'))
        }
        _ => None,
    }
}

fn currency_key(code: &[u8]) -> u32 {
    code.iter().fold(0, |k, b| (k << 8) | u32::from(*b))
}

/// ISO 3166-1 alpha-2 country codes, sorted.
const COUNTRIES: &str = "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW";

/// Index of a two-letter uppercase code among the 26 × 26 possible ones.
const fn country_bit(a: u8, b: u8) -> Option<usize> {
    if a.is_ascii_uppercase() && b.is_ascii_uppercase() {
        Some((a - b'A') as usize * 26 + (b - b'A') as usize)
    } else {
        None
    }
}

/// [`COUNTRIES`] as one bit per possible code, built at compile time: a lookup is one load
/// (the validator asks once per country cell and shipping entry).
const COUNTRY_BITS: [u64; 11] = {
    let table = COUNTRIES.as_bytes();
    let mut bits = [0u64; 11];
    let mut i = 0;
    while i + 1 < table.len() {
        if let Some(k) = country_bit(table[i], table[i + 1]) {
            bits[k / 64] |= 1 << (k % 64);
        }
        i += 3;
    }
    bits
};

/// True when `code` is an ISO 3166-1 alpha-2 country code (uppercase).
#[must_use]
pub fn is_country(code: &str) -> bool {
    match *code.as_bytes() {
        [a, b] => country_bit(a, b).is_some_and(|k| COUNTRY_BITS[k / 64] & (1 << (k % 64)) != 0),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn product_feed_has_61_unique_columns() {
        let mut names: Vec<&str> = PRODUCT_COLUMNS.iter().map(|c| c.id.name()).collect();
        assert_eq!(names.len(), 61);
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), 61);
        assert_eq!(PROMOTION_COLUMNS.len(), 16);
    }

    #[test]
    fn column_ids_round_trip_names() {
        for (i, id) in ColumnId::ALL.iter().enumerate() {
            assert_eq!(*id as usize, i);
            assert_eq!(lookup_column(id.name()), Some(*id));
        }
    }

    #[test]
    fn tables_are_sorted_for_lookup() {
        assert!(CURRENCIES.windows(2).all(|w| w[0].0 < w[1].0));
        assert_eq!(currency_minor_units("JPY"), Some(0));
        assert_eq!(currency_minor_units("KWD"), Some(3));
        assert_eq!(currency_minor_units("USD"), Some(2));
        assert_eq!(currency_minor_units("XYZ"), None);
        assert!(is_country("US") && is_country("DE") && !is_country("UK") && !is_country("us"));
        let codes: Vec<&str> = COUNTRIES.split(' ').collect();
        assert!(codes.windows(2).all(|w| w[0] < w[1]) && codes.iter().all(|c| c.len() == 2));
        assert!(codes.iter().all(|c| is_country(c)));
        assert!(is_country("AD") && is_country("ZW") && !is_country("ZZ") && !is_country("AA"));
    }

    #[test]
    fn aliases_and_near_misses() {
        assert_eq!(
            suggest(FeedKind::Product, "item_id"),
            Some(Suggestion::Alias {
                column: ColumnId::Id,
                note: ""
            })
        );
        assert!(matches!(
            suggest(FeedKind::Product, "enable_checkout"),
            Some(Suggestion::Alias {
                column: ColumnId::DisableCheckout,
                ..
            })
        ));
        assert_eq!(
            suggest(FeedKind::Product, "Image Link"),
            Some(Suggestion::NearMiss {
                column: ColumnId::ImageLink
            })
        );
        assert_eq!(
            suggest(FeedKind::Product, "availabilty"),
            Some(Suggestion::NearMiss {
                column: ColumnId::Availability
            })
        );
        assert_eq!(suggest(FeedKind::Product, "warehouse_bin"), None);
    }

    #[test]
    fn shop_export_words_get_their_synonym_never_a_far_guess() {
        let alias = |name: &str| match suggest(FeedKind::Product, name) {
            Some(Suggestion::Alias { column, .. }) => Some(column),
            _ => None,
        };
        assert_eq!(alias("Vendor"), Some(ColumnId::Brand));
        assert_eq!(alias("Manufacturer"), Some(ColumnId::Brand));
        assert_eq!(alias("Barcode"), Some(ColumnId::Gtin));
        assert_eq!(alias("EAN"), Some(ColumnId::Gtin));
        assert_eq!(alias("UPC"), Some(ColumnId::Gtin));
        assert_eq!(alias("Variant Price"), Some(ColumnId::Price));
        assert_eq!(
            suggest(FeedKind::Product, "Sale Price"),
            Some(Suggestion::NearMiss {
                column: ColumnId::SalePrice
            })
        );
        // One swapped pair is a typo; two letters off in a short word is another word.
        assert_eq!(
            suggest(FeedKind::Product, "pirce"),
            Some(Suggestion::NearMiss {
                column: ColumnId::Price
            })
        );
        assert_eq!(
            suggest(FeedKind::Product, "gander"),
            Some(Suggestion::NearMiss {
                column: ColumnId::Gender
            })
        );
        assert_eq!(suggest(FeedKind::Product, "Tags"), None);
        assert_eq!(suggest(FeedKind::Product, "Handle"), None);
        assert_eq!(
            suggest(FeedKind::Product, "colour"),
            Some(Suggestion::NearMiss {
                column: ColumnId::Color
            })
        );
    }

    #[test]
    fn detects_feed_kind() {
        assert_eq!(
            FeedKind::detect(&[
                "id",
                "availability",
                "availability_date",
                "inventory_quantity"
            ]),
            FeedKind::Inventory
        );
        assert_eq!(
            FeedKind::detect(&["id", "price", "sale_price"]),
            FeedKind::Pricing
        );
        assert_eq!(
            FeedKind::detect(&["promotion_id", "title"]),
            FeedKind::Promotion
        );
        assert_eq!(
            FeedKind::detect(&["id", "title", "price"]),
            FeedKind::Product
        );
        assert_eq!(FeedKind::detect(&["a", "b"]), FeedKind::Product);
    }
}
