//! Every rule id the validator can emit, with its usual severity and a one-line summary.

use crate::feed::Severity;

/// Every rule id the validator can emit, with its usual severity and a one-line summary.
pub const RULES: &[(&str, Severity, &str)] = &[
    ("empty_file", Severity::Error, "The file has no bytes."),
    (
        "no_header",
        Severity::Error,
        "The first line is not a header of column names.",
    ),
    (
        "no_rows",
        Severity::Warning,
        "The file has a header but no data rows.",
    ),
    (
        "duplicate_column",
        Severity::Error,
        "Two header columns have the same name.",
    ),
    (
        "empty_column_name",
        Severity::Error,
        "A header column has no name.",
    ),
    (
        "missing_column",
        Severity::Error,
        "A required column is missing from the header.",
    ),
    (
        "missing_recommended_column",
        Severity::Info,
        "A recommended column is missing.",
    ),
    (
        "unknown_column",
        Severity::Info,
        "A column Stripe does not know; it is ignored.",
    ),
    (
        "column_alias",
        Severity::Warning,
        "A column named as in another spec (OpenAI).",
    ),
    (
        "column_misspelled",
        Severity::Warning,
        "A column name that is a near miss of a spec column.",
    ),
    (
        "column_wrong_feed",
        Severity::Error,
        "A column of another feed kind.",
    ),
    (
        "bom",
        Severity::Info,
        "The file starts with a UTF-8 byte-order mark.",
    ),
    ("not_utf8", Severity::Error, "Bytes that are not UTF-8."),
    ("utf16", Severity::Error, "The file is UTF-16."),
    (
        "delimiter_semicolon",
        Severity::Warning,
        "Semicolon-separated; Stripe wants CSV or TSV.",
    ),
    ("delimiter_tab", Severity::Info, "Tab-separated (TSV)."),
    (
        "delimiter_unclear",
        Severity::Warning,
        "No delimiter appears consistently.",
    ),
    (
        "line_endings",
        Severity::Info,
        "Line endings other than LF.",
    ),
    (
        "line_endings_cr",
        Severity::Error,
        "Old Mac line endings (CR only).",
    ),
    (
        "file_too_large",
        Severity::Error,
        "Over Stripe's upload limit.",
    ),
    (
        "ragged_row",
        Severity::Error,
        "A row with more or fewer cells than the header.",
    ),
    (
        "unterminated_quote",
        Severity::Error,
        "A quoted cell that never closes.",
    ),
    (
        "blank_row",
        Severity::Warning,
        "A row with every cell empty.",
    ),
    ("required", Severity::Error, "A required cell is empty."),
    (
        "max_length",
        Severity::Error,
        "A cell longer than the spec allows.",
    ),
    (
        "whitespace",
        Severity::Warning,
        "Spaces before or after a value.",
    ),
    ("enum", Severity::Error, "A value outside the allowed set."),
    ("boolean", Severity::Error, "Not `true` or `false`."),
    ("integer", Severity::Error, "Not a whole number."),
    ("decimal", Severity::Error, "Not a number."),
    (
        "range",
        Severity::Error,
        "A number outside its allowed range.",
    ),
    (
        "money",
        Severity::Error,
        "Not an amount and currency such as `15.00 USD`.",
    ),
    (
        "currency",
        Severity::Error,
        "Not an ISO 4217 currency code.",
    ),
    (
        "money_decimals",
        Severity::Error,
        "More decimals than the currency has.",
    ),
    ("date", Severity::Error, "Not an ISO 8601 date."),
    (
        "date_range",
        Severity::Error,
        "Not a `start/end` pair of dates.",
    ),
    (
        "timestamp_range",
        Severity::Error,
        "Not a `start/end` pair of timestamps with a time zone.",
    ),
    (
        "range_order",
        Severity::Error,
        "A range that ends before it starts.",
    ),
    (
        "dimension",
        Severity::Error,
        "Not a number and `cm` or `in`.",
    ),
    (
        "weight",
        Severity::Error,
        "Not a number and `lb`, `oz`, `g` or `kg`.",
    ),
    (
        "country",
        Severity::Error,
        "Not an ISO 3166 two-letter country code.",
    ),
    ("url", Severity::Error, "Not an http(s) URL."),
    (
        "url_http",
        Severity::Warning,
        "Plain http where https is preferred.",
    ),
    (
        "image_format",
        Severity::Warning,
        "An image that is not JPEG or PNG.",
    ),
    (
        "too_many_entries",
        Severity::Error,
        "More entries than the list allows.",
    ),
    (
        "list_entry",
        Severity::Error,
        "A malformed entry of a structured list.",
    ),
    (
        "list_separator",
        Severity::Error,
        "List entries separated by something other than commas.",
    ),
    (
        "id_characters",
        Severity::Warning,
        "An id with characters other than letters, digits, `-`, `_`, `.`.",
    ),
    (
        "gtin_format",
        Severity::Error,
        "A GTIN with characters other than digits.",
    ),
    (
        "gtin_length",
        Severity::Warning,
        "A GTIN that is not 8, 12, 13 or 14 digits.",
    ),
    (
        "gtin_check_digit",
        Severity::Warning,
        "A GTIN whose check digit is wrong.",
    ),
    (
        "category_format",
        Severity::Warning,
        "A category that mixes id and path, or uses another separator.",
    ),
    ("tax_code", Severity::Warning, "Not `txcd_` and 8 digits."),
    (
        "third_party_tax_code",
        Severity::Error,
        "Not `anrok:` and a code.",
    ),
    (
        "shipping_parts",
        Severity::Warning,
        "A 4-part shipping entry (Stripe documents 5 parts).",
    ),
    (
        "promotion_code",
        Severity::Error,
        "A promotion code with characters other than letters, digits, `-`, `_`.",
    ),
    ("all_caps", Severity::Warning, "A title in ALL CAPS."),
    (
        "description_html",
        Severity::Warning,
        "HTML in a plain-text description.",
    ),
    (
        "description_link",
        Severity::Warning,
        "A link in the description.",
    ),
    (
        "brand",
        Severity::Warning,
        "No brand (required except for movies, books and music).",
    ),
    (
        "recommended_empty",
        Severity::Warning,
        "A recommended apparel attribute is empty.",
    ),
    (
        "duplicate_id",
        Severity::Error,
        "The same id on more than one row.",
    ),
    (
        "X1_gtin_or_mpn",
        Severity::Error,
        "Neither `gtin` nor `mpn`.",
    ),
    (
        "X2_category",
        Severity::Error,
        "Neither `google_product_category` nor `product_category`.",
    ),
    (
        "X3_preorder_date",
        Severity::Error,
        "A preorder without `availability_date`.",
    ),
    (
        "X4_inventory_tracking",
        Severity::Error,
        "`inventory_quantity` does not match `inventory_not_tracked`.",
    ),
    (
        "X5_sale_window",
        Severity::Error,
        "A `sale_price` without `sale_price_effective_date`.",
    ),
    (
        "X5_sale_below_price",
        Severity::Warning,
        "A sale price not below the price.",
    ),
    (
        "X5_sale_currency",
        Severity::Warning,
        "A sale price in another currency than the price.",
    ),
    (
        "X6_reviews",
        Severity::Error,
        "Review rating and count disagree.",
    ),
    (
        "X7_variant_attributes",
        Severity::Warning,
        "Variants of one group with different attribute sets.",
    ),
    (
        "X8_free_shipping_service",
        Severity::Error,
        "A free-shipping threshold for a service not in `shipping`.",
    ),
    (
        "X9_related_products",
        Severity::Error,
        "A self-reference or repeated target in `related_products`.",
    ),
    (
        "X10_tax_code",
        Severity::Warning,
        "Both a Stripe and a third-party tax code.",
    ),
    (
        "X11_delete_row",
        Severity::Info,
        "A delete row: only the id is read.",
    ),
    (
        "X12_shipping",
        Severity::Warning,
        "A physical item without `shipping`.",
    ),
    (
        "X13_dimension_units",
        Severity::Error,
        "Dimensions in different units.",
    ),
    (
        "X15_custom_option_pair",
        Severity::Error,
        "A custom variant option name without its value or the reverse.",
    ),
    (
        "promotion_benefit",
        Severity::Error,
        "The benefit amount does not match `benefit_type`.",
    ),
    (
        "promotion_targets",
        Severity::Error,
        "Targets that do not match `target_selection`.",
    ),
    (
        "promotion_code_required",
        Severity::Error,
        "A promotion that needs a code but has none.",
    ),
];
