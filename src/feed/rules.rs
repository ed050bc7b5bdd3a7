//! The rules of the product, inventory, pricing and promotion feeds: one check per cell
//! format (money, dates, URLs, structured lists…) and the cross-field rules X1 to X15 that
//! look at several cells of one row. Rules that span rows live in
//! [`CrossRow`](super::validate::CrossRow).
//!
//! Every finding carries a stable `snake_case` rule id (the cross-field ones start with their
//! spec number, e.g. `X3_preorder_date`); see [`RULES`] for the full list.

use chrono::{DateTime, NaiveDate};

use super::spec::{self, ColumnId, ColumnSpec, FeedColumn, Requirement, ValueType};
use super::validate::Schema;
use super::{Diagnostic, FeedKind, Fix, Severity};

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

/// Longest value shown in a finding, in characters.
const SHOWN_VALUE_CHARS: usize = 80;

/// Shortens `value` for display (at most [`SHOWN_VALUE_CHARS`] characters, then `…`).
#[must_use]
pub fn shorten(value: &str) -> String {
    match value.char_indices().nth(SHOWN_VALUE_CHARS) {
        Some((i, _)) => format!("{}…", &value[..i]),
        None => value.to_owned(),
    }
}

/// Where a value sits when it is one part of a structured list: entry number and column,
/// turned into a message prefix only when there is a finding.
#[derive(Clone, Copy)]
struct Ctx(Option<(usize, ColumnId)>);

impl Ctx {
    const CELL: Ctx = Ctx(None);

    fn entry(n: usize, id: ColumnId) -> Ctx {
        Ctx(Some((n, id)))
    }

    fn is_cell(self) -> bool {
        self.0.is_none()
    }

    fn text(self) -> String {
        match self.0 {
            Some((n, id)) => format!("Entry {n} of `{}`: ", id.name()),
            None => String::new(),
        }
    }
}

/// Collects the findings of one row, filling in the row number.
pub(crate) struct Sink<'o> {
    pub(crate) row: u64,
    pub(crate) out: &'o mut Vec<Diagnostic>,
}

impl Sink<'_> {
    fn push(
        &mut self,
        rule: &'static str,
        severity: Severity,
        column: ColumnId,
        value: &str,
        message: String,
        fix: Option<Fix>,
    ) {
        self.out.push(Diagnostic {
            rule,
            severity,
            row: Some(self.row),
            column: Some(column.name().to_owned()),
            value: if value.is_empty() {
                None
            } else {
                Some(shorten(value))
            },
            message,
            fix,
        });
    }
}

/// `value.split(sep)` for an ASCII separator, cheaper than the generic `char` searcher on
/// the short strings of list entries.
fn split_ascii(value: &str, sep: u8) -> impl Iterator<Item = &str> {
    let mut rest = Some(value);
    std::iter::from_fn(move || {
        let r = rest?;
        if let Some(i) = r.bytes().position(|b| b == sep) {
            rest = Some(&r[i + 1..]);
            Some(&r[..i])
        } else {
            rest = None;
            Some(r)
        }
    })
}

/// `value.split_once(sep)` for an ASCII separator.
fn split_once_ascii(value: &str, sep: u8) -> Option<(&str, &str)> {
    let i = value.bytes().position(|b| b == sep)?;
    Some((&value[..i], &value[i + 1..]))
}

// Both helpers return `Option` so that call sites read `fix: fix(…)` like `fix: None`.
#[allow(clippy::unnecessary_wraps)]
fn fix(message: impl Into<String>) -> Option<Fix> {
    Some(Fix {
        message: message.into(),
        replacement: None,
    })
}

#[allow(clippy::unnecessary_wraps)]
fn replace(message: impl Into<String>, replacement: impl Into<String>) -> Option<Fix> {
    Some(Fix {
        message: message.into(),
        replacement: Some(replacement.into()),
    })
}

/// `value.trim()`, with a fast path for the usual value that starts and ends with a visible
/// ASCII character.
#[inline]
pub(crate) fn trim(value: &str) -> &str {
    // An ASCII byte at either end is a whole character; these are the ASCII ones that
    // `char::is_whitespace` accepts.
    // (Printable ASCII first: one range test settles nearly every cell.)
    let visible =
        |b: u8| matches!(b, b'!'..=b'~') || (b.is_ascii() && !matches!(b, b' ' | b'\t'..=b'\r'));
    match value.as_bytes() {
        [] => value,
        [first, .., last] if visible(*first) && visible(*last) => value,
        [only] if visible(*only) => value,
        _ => value.trim(),
    }
}

/// Read access to the cells of one row by spec column.
#[derive(Clone, Copy)]
pub(crate) struct Cells<'a, 's> {
    pub(crate) schema: &'s Schema,
    pub(crate) fields: &'s [&'a str],
}

impl<'a> Cells<'a, '_> {
    /// The trimmed cell of `id`, or `""` when the column is absent.
    fn get(&self, id: ColumnId) -> &'a str {
        self.schema
            .position(id)
            .and_then(|i| self.fields.get(i))
            .map_or("", |s| trim(s))
    }

    fn has(&self, id: ColumnId) -> bool {
        self.schema.position(id).is_some()
    }
}

/// The last value of each checked column that passed its cell checks, so that a cell equal
/// to the one above it is not checked again. A cell's own checks depend only on its column
/// and its value, and catalogs repeat values down a column (a product's variants share
/// brand, images, shipping and category), so one comparison replaces a parse.
#[derive(Debug, Default)]
pub(crate) struct CleanCells<'a> {
    /// Indexed like [`Schema::checked_columns`]; `""` when nothing is remembered. Empty (the
    /// default) remembers nothing.
    last: Vec<&'a str>,
}

impl<'a> CleanCells<'a> {
    /// Remembers a value per checked column of `schema`.
    pub(crate) fn for_schema(schema: &Schema) -> Self {
        CleanCells {
            last: vec![""; schema.checked_columns().len()],
        }
    }

    fn is_clean(&self, column: usize, raw: &str) -> bool {
        self.last
            .get(column)
            .is_some_and(|last| !last.is_empty() && *last == raw)
    }

    fn record(&mut self, column: usize, raw: &'a str, clean: bool) {
        if let Some(last) = self.last.get_mut(column) {
            *last = if clean { raw } else { "" };
        }
    }
}

/// Checks one row: every cell on its own, then the cross-field rules of its feed kind.
/// `fields` must have one entry per header column. Cells equal to a clean one remembered in
/// `seen` are skipped, and clean cells are remembered.
pub(crate) fn check_row_cells<'a>(
    cells: Cells<'a, '_>,
    seen: &mut CleanCells<'a>,
    sink: &mut Sink<'_>,
) {
    let kind = cells.schema.kind();
    if cells.get(ColumnId::Delete).eq_ignore_ascii_case("true") {
        let key = kind.key_column();
        sink.push(
            "X11_delete_row",
            Severity::Info,
            ColumnId::Delete,
            "",
            format!(
                "Delete row: Stripe removes `{}` and reads no other column.",
                cells.get(key)
            ),
            None,
        );
        if let Some(i) = cells.schema.position(key) {
            let raw = cells.fields.get(i).copied().unwrap_or("");
            if let Some(col) = kind.column(key) {
                check_cell(col, raw, sink);
            }
        }
        return;
    }
    for (k, &(index, column)) in cells.schema.checked_columns().iter().enumerate() {
        let raw = cells.fields.get(index).copied().unwrap_or("");
        // Empty optional cells are the common case: skip the call.
        if (raw.is_empty() && column.requirement != Requirement::Required) || seen.is_clean(k, raw)
        {
            continue;
        }
        let before = sink.out.len();
        check_cell(column, raw, sink);
        seen.record(k, raw, sink.out.len() == before);
    }
    match kind {
        FeedKind::Product => product_rules(cells, sink),
        FeedKind::Inventory => {
            preorder_rule(cells, sink);
        }
        FeedKind::Pricing => sale_rules(cells, sink),
        FeedKind::Promotion => promotion_rules(cells, sink),
    }
}

/// Checks one cell against its column's requirement, length and format.
pub(crate) fn check_cell(column: FeedColumn, raw: &str, sink: &mut Sink<'_>) {
    let id = column.id;
    let value = trim(raw);
    if value.is_empty() {
        if column.requirement == Requirement::Required {
            sink.push(
                "required",
                Severity::Error,
                id,
                "",
                format!("`{}` is required and this row leaves it empty.", id.name()),
                fix(match spec::column_spec(id).ty {
                    ValueType::Text => format!("Fill in the {}.", id.name().replace('_', " ")),
                    ty => format!("Fill in {}.", ty.describe()),
                }),
            );
        }
        return;
    }
    let spec = spec::column_spec(id);
    if value.len() != raw.len() {
        sink.push(
            "whitespace",
            Severity::Warning,
            id,
            raw,
            format!("`{}` has spaces before or after its value.", id.name()),
            replace("Remove the surrounding spaces.", value),
        );
    }
    if let Some(max) = spec.max_len {
        // Byte length bounds the character count from above, so count only when needed.
        if value.len() > max {
            let chars = value.chars().count();
            if chars > max {
                sink.push(
                    "max_length",
                    Severity::Error,
                    id,
                    value,
                    format!(
                        "`{}` is {chars} characters long; the limit is {max}.",
                        id.name()
                    ),
                    fix(format!("Shorten it to {max} characters or fewer.")),
                );
            }
        }
    }
    check_format(spec, value, sink);
}

fn check_format(spec: ColumnSpec, value: &str, sink: &mut Sink<'_>) {
    let id = spec.id;
    match spec.ty {
        ValueType::Text => match id {
            ColumnId::Title | ColumnId::ItemGroupTitle => check_caps(id, value, sink),
            ColumnId::Description => check_description(value, sink),
            _ => {}
        },
        ValueType::Id => {
            if let Some(bad) = value
                .chars()
                .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')))
            {
                sink.push(
                    "id_characters",
                    Severity::Warning,
                    id,
                    value,
                    format!(
                        "`{}` contains `{bad}`; Stripe asks for alphanumeric ids (letters, digits, `-`, `_`).",
                        id.name()
                    ),
                    fix("Use letters, digits, hyphens and underscores only, and keep the id stable."),
                );
            }
        }
        ValueType::Url => {
            check_url(id, value, false, sink);
        }
        ValueType::ImageUrl => {
            check_url(id, value, true, sink);
        }
        ValueType::ImageUrlList { max } => check_url_list(id, value, max, sink),
        ValueType::Enum(allowed) => check_enum(id, value, allowed, sink),
        ValueType::Boolean => check_bool(id, value, sink),
        ValueType::Integer { min, max } => check_integer(id, value, min, max, sink),
        ValueType::Decimal { min, max } => check_decimal(id, value, min, max, sink),
        ValueType::Money => {
            check_money(id, value, Ctx::CELL, sink);
        }
        ValueType::Date => {
            check_date(id, value, sink);
        }
        ValueType::DateRange => check_date_range(id, value, sink),
        ValueType::TimestampRange => check_timestamp_range(id, value, sink),
        ValueType::Dimension => {
            check_measure(id, value, &["cm", "in"], "dimension", sink);
        }
        ValueType::Weight => {
            check_measure(id, value, &["lb", "oz", "g", "kg"], "weight", sink);
        }
        ValueType::Country => check_country(id, value, Ctx::CELL, sink),
        ValueType::Gtin => check_gtin(value, sink),
        ValueType::GoogleCategory => check_google_category(value, sink),
        ValueType::CategoryPath => check_category_path(id, value, sink),
        ValueType::StripeTaxCode => check_tax_code(value, sink),
        ValueType::ThirdPartyTaxCode => check_third_party_tax_code(value, sink),
        ValueType::Shipping => {
            check_shipping(value, sink);
        }
        ValueType::FreeShippingThreshold => check_free_shipping(value, sink),
        ValueType::ApplicableFees => check_fees(value, sink),
        ValueType::RelatedProducts => check_related(value, sink),
        ValueType::ProductWarning => check_warnings(value, sink),
        ValueType::IdList => check_id_list(id, value, sink),
        ValueType::PromotionCode => {
            if let Some(bad) = value
                .chars()
                .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_')))
            {
                sink.push(
                    "promotion_code",
                    Severity::Error,
                    id,
                    value,
                    format!("`promotion_code` contains `{bad}`; only letters, digits, `-` and `_` are allowed."),
                    fix("Remove the other characters."),
                );
            }
        }
    }
}

// ---------------------------------------------------------------------------------------
// Text

fn check_caps(id: ColumnId, value: &str, sink: &mut Sink<'_>) {
    let mut letters = 0;
    for c in value.chars() {
        if c.is_lowercase() {
            return;
        }
        if c.is_alphabetic() {
            letters += 1;
        }
    }
    if letters >= 5 {
        sink.push(
            "all_caps",
            Severity::Warning,
            id,
            value,
            format!(
                "`{}` is in ALL CAPS, which Stripe asks you to avoid.",
                id.name()
            ),
            fix("Write it in normal case, as on the product page."),
        );
    }
}

fn check_description(value: &str, sink: &mut Sink<'_>) {
    if looks_like_html(value) {
        let stripped = strip_html(value);
        let fix = if stripped.is_empty() {
            fix("Rewrite it as plain text.")
        } else {
            replace("Remove the HTML tags and keep the plain text.", stripped)
        };
        sink.push(
            "description_html",
            Severity::Warning,
            ColumnId::Description,
            value,
            "`description` contains HTML; Stripe wants plain text.".to_owned(),
            fix,
        );
    } else if has_link(value) {
        sink.push(
            "description_link",
            Severity::Warning,
            ColumnId::Description,
            value,
            "`description` contains a link; Stripe asks for no store links in descriptions."
                .to_owned(),
            fix("Remove the link; the product page goes in `link`."),
        );
    }
}

fn looks_like_html(value: &str) -> bool {
    let b = value.as_bytes();
    let tag = memchr::memchr_iter(b'<', b).any(|i| {
        b.get(i + 1)
            .is_some_and(|c| c.is_ascii_alphabetic() || *c == b'/' || *c == b'!')
            && b[i..].contains(&b'>')
    });
    tag || memchr::memchr_iter(b'&', b).any(|i| {
        ["&nbsp;", "&amp;", "&lt;", "&gt;", "&quot;"]
            .iter()
            .any(|e| b[i..].starts_with(e.as_bytes()))
    })
}

fn has_link(value: &str) -> bool {
    use memchr::memmem::Finder;
    use std::sync::LazyLock;
    // Built once: building a searcher costs more than searching one description.
    static SCHEME: LazyLock<Finder<'static>> = LazyLock::new(|| Finder::new(b"://"));
    static WWW: LazyLock<Finder<'static>> = LazyLock::new(|| Finder::new(b"www."));
    SCHEME.find(value.as_bytes()).is_some() || WWW.find(value.as_bytes()).is_some()
}

/// `haystack.contains(needle)` for the short strings of the category checks, without
/// building a substring searcher.
fn contains_short(haystack: &str, needle: &str) -> bool {
    let (h, n) = (haystack.as_bytes(), needle.as_bytes());
    let Some(&first) = n.first() else {
        return true;
    };
    if h.len() < 16 {
        // Category ids such as `212`: a plain loop beats setting up a vector search.
        return h.windows(n.len()).any(|w| w == n);
    }
    memchr::memchr_iter(first, h).any(|i| h[i..].starts_with(n))
}

/// Removes tags and decodes the common entities, collapsing whitespace.
fn strip_html(value: &str) -> String {
    let mut text = String::with_capacity(value.len());
    let mut in_tag = false;
    for c in value.chars() {
        match c {
            '<' => {
                in_tag = true;
                text.push(' ');
            }
            '>' if in_tag => in_tag = false,
            c if !in_tag => text.push(c),
            _ => {}
        }
    }
    let text = text
        .replace("&nbsp;", " ")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&amp;", "&");
    let mut out = String::with_capacity(text.len());
    for word in text.split_whitespace() {
        if !out.is_empty() && !matches!(word, "." | "," | ";" | ":" | "!" | "?") {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

// ---------------------------------------------------------------------------------------
// URLs

/// Checks one URL; returns false when it is not a URL at all.
fn check_url(id: ColumnId, value: &str, image: bool, sink: &mut Sink<'_>) -> bool {
    let name = id.name();
    let (https, rest) = if starts_with_ignore_case(value, "https://") {
        (true, &value[8..])
    } else if starts_with_ignore_case(value, "http://") {
        (false, &value[7..])
    } else {
        let fix = if value.starts_with("www.") {
            replace("Add `https://` in front.", format!("https://{value}"))
        } else if let Some(rest) = value.strip_prefix("//") {
            replace("Add `https:` in front.", format!("https://{rest}"))
        } else {
            fix("Write a full address that starts with `https://`.")
        };
        sink.push(
            "url",
            Severity::Error,
            id,
            value,
            format!("`{name}` is not an http(s) URL."),
            fix,
        );
        return false;
    };
    let host_end = memchr::memchr3(b'/', b'?', b'#', rest.as_bytes()).unwrap_or(rest.len());
    let host = &rest[..host_end];
    if host.is_empty() || !(host.as_bytes().contains(&b'.') || host.starts_with("localhost")) {
        sink.push(
            "url",
            Severity::Error,
            id,
            value,
            format!("`{name}` has no valid host name."),
            fix("Write a full address such as `https://shop.example.com/p/item`."),
        );
        return false;
    }
    if has_ascii_whitespace(value.as_bytes()) {
        sink.push(
            "url",
            Severity::Error,
            id,
            value,
            format!("`{name}` contains spaces, which URLs cannot."),
            replace("Encode the spaces as `%20`.", value.replace(' ', "%20")),
        );
        return false;
    }
    if !https {
        sink.push(
            "url_http",
            Severity::Warning,
            id,
            value,
            format!("`{name}` uses plain http; Stripe prefers https."),
            fix("Use the https address if your site serves one."),
        );
    }
    if image {
        let path = &rest[..memchr::memchr2(b'?', b'#', rest.as_bytes()).unwrap_or(rest.len())];
        let file = memchr::memrchr(b'/', path.as_bytes()).map_or("", |i| &path[i + 1..]);
        let ext = memchr::memrchr(b'.', file.as_bytes()).map(|i| &file[i + 1..]);
        if let Some(ext) = ext {
            const OTHER: [&str; 9] = [
                "gif", "webp", "bmp", "tif", "tiff", "svg", "avif", "heic", "heif",
            ];
            if OTHER.iter().any(|o| o.eq_ignore_ascii_case(ext)) {
                sink.push(
                    "image_format",
                    Severity::Warning,
                    id,
                    value,
                    format!("`{name}` points to a .{ext} image; Stripe takes JPEG or PNG."),
                    fix("Link a JPEG or PNG version of the image."),
                );
            }
        }
    }
    true
}

fn check_url_list(id: ColumnId, value: &str, max: usize, sink: &mut Sink<'_>) {
    for sep in ['|', ';', ' ', '\n'] {
        if memchr::memchr(sep as u8, value.as_bytes()).is_some()
            && value.split(sep).filter(|p| looks_like_url(trim(p))).count() > 1
        {
            let fixed: Vec<&str> = value
                .split([sep, ','])
                .map(trim)
                .filter(|p| !p.is_empty())
                .collect();
            sink.push(
                "list_separator",
                Severity::Error,
                id,
                value,
                format!(
                    "`{}` separates URLs with `{}`; Stripe wants commas.",
                    id.name(),
                    sep.escape_default()
                ),
                replace("Separate the URLs with commas.", fixed.join(",")),
            );
            return;
        }
    }
    let entries: Vec<&str> = split_ascii(value, b',').map(trim).collect();
    let count = entries.iter().filter(|e| !e.is_empty()).count();
    if count > max {
        sink.push(
            "too_many_entries",
            Severity::Error,
            id,
            value,
            format!(
                "`{}` lists {count} URLs; at most {max} are allowed.",
                id.name()
            ),
            fix(format!("Keep the best {max} images.")),
        );
    }
    for (n, entry) in entries.iter().enumerate() {
        if entry.is_empty() {
            continue;
        }
        if !looks_like_url(entry) && n > 0 {
            sink.push(
                "list_entry",
                Severity::Error,
                id,
                entry,
                format!(
                    "Entry {} of `{}` is not a URL; a comma inside a URL splits it in two.",
                    n + 1,
                    id.name()
                ),
                fix("Encode commas inside a URL as `%2C`."),
            );
        } else if !check_url(id, entry, true, sink) {
            return;
        }
    }
}

/// `bytes.iter().any(u8::is_ascii_whitespace)`, eight bytes at a time: a word with no byte
/// below `!` has no whitespace.
fn has_ascii_whitespace(bytes: &[u8]) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    let mut chunks = bytes.chunks_exact(8);
    for chunk in &mut chunks {
        let Ok(word) = <[u8; 8]>::try_from(chunk).map(u64::from_le_bytes) else {
            continue;
        };
        let below_bang = word.wrapping_sub(ONES * 0x21) & !word & (ONES * 0x80);
        if below_bang != 0 && chunk.iter().any(u8::is_ascii_whitespace) {
            return true;
        }
    }
    chunks.remainder().iter().any(u8::is_ascii_whitespace)
}

fn looks_like_url(s: &str) -> bool {
    starts_with_ignore_case(s, "http://") || starts_with_ignore_case(s, "https://")
}

fn starts_with_ignore_case(s: &str, prefix: &str) -> bool {
    s.as_bytes()
        .get(..prefix.len())
        .is_some_and(|p| p.eq_ignore_ascii_case(prefix.as_bytes()))
}

// ---------------------------------------------------------------------------------------
// Enums, booleans, numbers

/// Lowercase with spaces and hyphens as underscores, schema.org prefixes dropped.
fn normalize_token(value: &str) -> String {
    let value = value
        .rsplit_once("schema.org/")
        .map_or(value, |(_, rest)| rest);
    let mut out = String::with_capacity(value.len());
    let mut prev_lower = false;
    for c in trim(value).chars() {
        if c.is_ascii_uppercase() && prev_lower {
            out.push('_'); // InStock -> in_stock
        }
        prev_lower = c.is_ascii_lowercase();
        match c {
            ' ' | '-' => out.push('_'),
            c => out.push(c.to_ascii_lowercase()),
        }
    }
    out
}

fn check_enum(id: ColumnId, value: &str, allowed: &[&str], sink: &mut Sink<'_>) {
    if allowed.contains(&value) {
        return;
    }
    let norm = normalize_token(value);
    let squash = |s: &str| s.replace('_', "");
    let found = allowed
        .iter()
        .copied()
        .find(|a| *a == norm || squash(a) == squash(&norm));
    let list = allowed
        .iter()
        .map(|a| format!("`{a}`"))
        .collect::<Vec<_>>()
        .join(", ");
    let fix = match found {
        Some(a) => replace(format!("Write `{a}`."), a),
        None => fix(format!("Use one of {list}.")),
    };
    sink.push(
        "enum",
        Severity::Error,
        id,
        value,
        format!("`{}` must be one of {list}.", id.name()),
        fix,
    );
}

fn check_bool(id: ColumnId, value: &str, sink: &mut Sink<'_>) {
    if value == "true" || value == "false" {
        return;
    }
    let mapped = match value.to_ascii_lowercase().as_str() {
        "true" | "yes" | "y" | "1" | "t" => Some("true"),
        "false" | "no" | "n" | "0" | "f" => Some("false"),
        _ => None,
    };
    let fix = match mapped {
        Some(b) => replace(format!("Write `{b}`."), b),
        None => fix("Write `true` or `false`."),
    };
    sink.push(
        "boolean",
        Severity::Error,
        id,
        value,
        format!("`{}` must be `true` or `false` in lowercase.", id.name()),
        fix,
    );
}

fn check_integer(id: ColumnId, value: &str, min: i64, max: Option<i64>, sink: &mut Sink<'_>) {
    let name = id.name();
    let Ok(n) = value.parse::<i64>() else {
        let whole = value
            .strip_suffix(".0")
            .or_else(|| value.strip_suffix(".00"))
            .filter(|w| w.parse::<i64>().is_ok());
        let fix = match whole {
            Some(w) => replace(format!("Write `{w}`."), w),
            None => fix("Write a whole number such as `42`."),
        };
        sink.push(
            "integer",
            Severity::Error,
            id,
            value,
            format!("`{name}` must be a whole number."),
            fix,
        );
        return;
    };
    if n < min || max.is_some_and(|m| n > m) {
        let range = match max {
            Some(m) => format!("from {min} to {m}"),
            None => format!("{min} or more"),
        };
        sink.push(
            "range",
            Severity::Error,
            id,
            value,
            format!("`{name}` must be {range}."),
            fix(format!("Write a number {range}.")),
        );
    }
}

/// Parses a plain decimal (digits, one optional period, optional leading minus).
fn parse_decimal(value: &str) -> Option<f64> {
    // `-`? digits, then optionally `.` and at least one digit.
    let negative = value.starts_with('-');
    let digits = &value.as_bytes()[usize::from(negative)..];
    let mut mantissa = 0u64;
    let mut dot = None;
    for (i, &b) in digits.iter().enumerate() {
        match b {
            b'0'..=b'9' => mantissa = mantissa.wrapping_mul(10).wrapping_add(u64::from(b - b'0')),
            b'.' if dot.is_none() => dot = Some(i),
            _ => return None,
        }
    }
    let frac_len = dot.map_or(0, |d| digits.len() - d - 1);
    if dot.unwrap_or(digits.len()) == 0 || (dot.is_some() && frac_len == 0) {
        return None;
    }
    // Up to 15 digits fit a f64 mantissa exactly and 10^15 is exact too, so one division
    // rounds exactly as `str::parse` does (Clinger's fast path).
    if digits.len() - usize::from(dot.is_some()) <= 15 {
        const POW10: [f64; 16] = [
            1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
        ];
        let magnitude = mantissa as f64 / POW10[frac_len];
        return Some(if negative { -magnitude } else { magnitude });
    }
    value.parse().ok()
}

fn check_decimal(id: ColumnId, value: &str, min: f64, max: f64, sink: &mut Sink<'_>) {
    let name = id.name();
    let Some(n) = parse_decimal(value) else {
        let candidate = value.trim_end_matches('%').trim().replacen(',', ".", 1);
        let fix = if parse_decimal(&candidate).is_some() {
            replace(format!("Write `{candidate}`."), candidate)
        } else {
            fix("Write a number with a period as decimal point, such as `4.5`.")
        };
        sink.push(
            "decimal",
            Severity::Error,
            id,
            value,
            format!("`{name}` must be a number with a period as decimal point."),
            fix,
        );
        return;
    };
    if n < min || n > max {
        sink.push(
            "range",
            Severity::Error,
            id,
            value,
            format!("`{name}` must be from {min} to {max}."),
            fix(format!("Write a number from {min} to {max}.")),
        );
    }
}

// ---------------------------------------------------------------------------------------
// Money

/// A parsed `15.00 USD`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Money<'a> {
    /// The amount.
    pub amount: f64,
    /// The ISO 4217 code.
    pub currency: &'a str,
}

/// Parses a strictly formatted money value (`<digits>[.<digits>] <CUR>`), without checking
/// that the currency exists.
#[must_use]
pub fn parse_money(value: &str) -> Option<Money<'_>> {
    let space = value.bytes().position(|b| b == b' ')?;
    let (amount, currency) = (&value[..space], &value[space + 1..]);
    let ok_cur = currency.len() == 3 && currency.bytes().all(|b| b.is_ascii_uppercase());
    if !ok_cur || amount.starts_with('-') {
        return None;
    }
    Some(Money {
        amount: parse_decimal(amount)?,
        currency,
    })
}

/// Tries to rewrite a loosely written amount (`63,00 EUR`, `USD 15`, `15.00usd`,
/// `1,299.00 USD`) into the strict form. `None` when the rewrite would be a guess.
fn normalize_money(value: &str) -> Option<String> {
    let compact: String = value.chars().filter(|c| !c.is_whitespace()).collect();
    let split = compact.find(|c: char| c.is_ascii_alphabetic())?;
    let (a, b) = compact.split_at(split);
    let (number, currency) = if a.is_empty() {
        let digits_at = b.find(|c: char| !c.is_ascii_alphabetic())?;
        let (cur, num) = b.split_at(digits_at);
        (num, cur)
    } else {
        (a, b)
    };
    if currency.len() != 3 || !currency.chars().all(|c| c.is_ascii_alphabetic()) {
        return None;
    }
    let currency = currency.to_ascii_uppercase();
    spec::currency_minor_units(&currency)?;
    let number = match (number.rfind('.'), number.rfind(',')) {
        (Some(dot), Some(comma)) if comma < dot => number.replace(',', ""),
        (Some(dot), Some(comma)) if dot < comma => number.replace('.', "").replace(',', "."),
        (None, Some(comma)) => {
            let decimals = number.len() - comma - 1;
            if number.matches(',').count() == 1 && decimals <= 2 {
                number.replace(',', ".")
            } else {
                return None; // `1,299` may be thousands or decimals: don't guess
            }
        }
        _ => number.to_owned(),
    };
    parse_decimal(&number)?;
    if number.starts_with('-') {
        return None;
    }
    Some(format!("{number} {currency}"))
}

/// Checks one money value; `ctx` says which list entry it came from, if any.
/// Returns the parsed value when it is well formed.
fn check_money<'v>(
    id: ColumnId,
    value: &'v str,
    ctx: Ctx,
    sink: &mut Sink<'_>,
) -> Option<Money<'v>> {
    let name = id.name();
    let in_cell = ctx.is_cell();
    let Some(money) = parse_money(value) else {
        let fix = match normalize_money(value) {
            Some(fixed) if in_cell => replace(format!("Write `{fixed}`."), fixed),
            Some(fixed) => fix(format!("Write the amount as `{fixed}`.")),
            None => fix(
                "Write the amount with a period as decimal point, a space and the ISO currency code, such as `15.00 USD`.",
            ),
        };
        sink.push(
            "money",
            Severity::Error,
            id,
            value,
            format!(
                "{}`{name}` must be an amount and an ISO 4217 currency such as `15.00 USD`.",
                ctx.text()
            ),
            fix,
        );
        return None;
    };
    let Some(minor) = spec::currency_minor_units(money.currency) else {
        sink.push(
            "currency",
            Severity::Error,
            id,
            value,
            format!(
                "{}`{}` is not an ISO 4217 currency code.",
                ctx.text(),
                money.currency
            ),
            fix("Use a three-letter ISO 4217 code such as `USD` or `EUR`."),
        );
        return None;
    };
    let decimals = split_once_ascii(value, b' ')
        .and_then(|(a, _)| split_once_ascii(a, b'.'))
        .map_or(0, |(_, f)| f.len());
    if decimals > usize::from(minor) {
        let (amount, _) = split_once_ascii(value, b' ').unwrap_or((value, ""));
        let (int, frac) = split_once_ascii(amount, b'.').unwrap_or((amount, ""));
        let extra = &frac[usize::from(minor)..];
        let fix = if extra.bytes().all(|b| b == b'0') {
            let kept = &frac[..usize::from(minor)];
            let fixed = if kept.is_empty() {
                format!("{int} {}", money.currency)
            } else {
                format!("{int}.{kept} {}", money.currency)
            };
            if in_cell {
                replace(format!("Write `{fixed}`."), fixed)
            } else {
                fix(format!("Write the amount as `{fixed}`."))
            }
        } else {
            fix(format!("Round the amount to {minor} decimals."))
        };
        sink.push(
            "money_decimals",
            Severity::Error,
            id,
            value,
            format!(
                "{}`{}` has {minor} decimals; this amount has {decimals}.",
                ctx.text(),
                money.currency
            ),
            fix,
        );
        return None;
    }
    Some(money)
}

// ---------------------------------------------------------------------------------------
// Dates

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

fn check_date(id: ColumnId, value: &str, sink: &mut Sink<'_>) -> Option<NaiveDate> {
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

fn check_date_range(id: ColumnId, value: &str, sink: &mut Sink<'_>) {
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

fn check_timestamp_range(id: ColumnId, value: &str, sink: &mut Sink<'_>) {
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

// ---------------------------------------------------------------------------------------
// Measures, codes

/// Checks `number unit`; returns the unit when well formed.
fn check_measure<'v>(
    id: ColumnId,
    value: &'v str,
    units: &[&str],
    rule: &'static str,
    sink: &mut Sink<'_>,
) -> Option<&'v str> {
    if let Some((n, unit)) = split_once_ascii(value, b' ')
        && units.contains(&unit)
        && parse_decimal(n).is_some()
        && !n.starts_with('-')
    {
        return Some(unit);
    }
    // Loose: `20in`, `20 IN`, `2,5 kg`, `2.5 lbs`.
    let compact: String = value.chars().filter(|c| !c.is_whitespace()).collect();
    let split = compact
        .find(|c: char| c.is_alphabetic())
        .unwrap_or(compact.len());
    let (n, u) = compact.split_at(split);
    let n = n.replacen(',', ".", 1);
    let u = u.to_ascii_lowercase();
    let u = match u.as_str() {
        "lbs" | "pound" | "pounds" => "lb",
        "kgs" | "kilogram" | "kilograms" => "kg",
        "grams" | "gram" | "gr" => "g",
        "ounce" | "ounces" => "oz",
        "inch" | "inches" => "in",
        "centimeter" | "centimeters" | "centimetre" | "centimetres" => "cm",
        other => other,
    };
    let list = units
        .iter()
        .map(|u| format!("`{u}`"))
        .collect::<Vec<_>>()
        .join(", ");
    let fix = if units.contains(&u) && parse_decimal(&n).is_some() && !n.starts_with('-') {
        replace(format!("Write `{n} {u}`."), format!("{n} {u}"))
    } else {
        fix(format!("Write a number, a space and one of {list}."))
    };
    sink.push(
        rule,
        Severity::Error,
        id,
        value,
        format!(
            "`{}` must be a number and one of {list}, such as `2.5 {}`.",
            id.name(),
            units[0]
        ),
        fix,
    );
    None
}

fn check_country(id: ColumnId, value: &str, ctx: Ctx, sink: &mut Sink<'_>) {
    if spec::is_country(value) {
        return;
    }
    let upper = value.to_ascii_uppercase();
    let fixed = match upper.as_str() {
        "UK" => Some("GB".to_owned()),
        "USA" => Some("US".to_owned()),
        u if spec::is_country(u) => Some(upper.clone()),
        _ => None,
    };
    let fix = match fixed {
        Some(f) if ctx.is_cell() => replace(format!("Write `{f}`."), f),
        Some(f) => fix(format!("Write the country as `{f}`.")),
        None => fix("Use a two-letter ISO 3166 code such as `US`, `GB` or `DE`."),
    };
    sink.push(
        "country",
        Severity::Error,
        id,
        value,
        format!(
            "{}`{value}` is not an ISO 3166 two-letter country code.",
            ctx.text()
        ),
        fix,
    );
}

/// True when the last digit of `digits` is the GS1 check digit of the others.
#[must_use]
pub fn gtin_check_digit_ok(digits: &str) -> bool {
    let bytes = digits.as_bytes();
    let Some((&last, body)) = bytes.split_last() else {
        return false;
    };
    if !bytes.iter().all(u8::is_ascii_digit) {
        return false;
    }
    let sum: u32 = body
        .iter()
        .rev()
        .enumerate()
        .map(|(i, b)| u32::from(b - b'0') * if i % 2 == 0 { 3 } else { 1 })
        .sum();
    (10 - sum % 10) % 10 == u32::from(last - b'0')
}

fn check_gtin(value: &str, sink: &mut Sink<'_>) {
    let id = ColumnId::Gtin;
    if !value.bytes().all(|b| b.is_ascii_digit()) {
        let digits: String = value.chars().filter(|c| !matches!(c, '-' | ' ')).collect();
        let fix = if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
            replace("Remove the dashes and spaces.", digits)
        } else {
            fix("Write the GTIN as digits only, or leave it blank and fill in `mpn`.")
        };
        sink.push(
            "gtin_format",
            Severity::Error,
            id,
            value,
            "`gtin` must be digits only (no dashes, spaces or letters).".to_owned(),
            fix,
        );
        return;
    }
    if !matches!(value.len(), 8 | 12 | 13 | 14) {
        sink.push(
            "gtin_length",
            Severity::Warning,
            id,
            value,
            format!(
                "`gtin` has {} digits; GTINs have 8, 12, 13 or 14 (agents may reject others).",
                value.len()
            ),
            fix("Check the number on the packaging; convert an ISBN-10 to its ISBN-13."),
        );
    } else if !gtin_check_digit_ok(value) {
        sink.push(
            "gtin_check_digit",
            Severity::Warning,
            id,
            value,
            "`gtin` fails its check digit, so it is probably mistyped.".to_owned(),
            fix("Copy the GTIN again from the packaging or your supplier."),
        );
    }
}

fn check_google_category(value: &str, sink: &mut Sink<'_>) {
    if value.bytes().all(|b| b.is_ascii_digit()) {
        return;
    }
    let digits: String = value.chars().take_while(char::is_ascii_digit).collect();
    if digits.is_empty() {
        check_category_path(ColumnId::GoogleProductCategory, value, sink);
    } else {
        sink.push(
            "category_format",
            Severity::Warning,
            ColumnId::GoogleProductCategory,
            value,
            "`google_product_category` gives both an id and a path; give one (the id is preferred)."
                .to_owned(),
            replace(format!("Keep only the id `{digits}`."), digits),
        );
    }
}

fn check_category_path(id: ColumnId, value: &str, sink: &mut Sink<'_>) {
    if value.contains('>') {
        return;
    }
    for sep in ['|', '/', '»'] {
        if value.contains(sep) {
            let fixed = value.split(sep).map(trim).collect::<Vec<_>>().join(" > ");
            sink.push(
                "category_format",
                Severity::Warning,
                id,
                value,
                format!(
                    "`{}` separates levels with `{sep}`; Stripe uses `>`.",
                    id.name()
                ),
                replace("Separate the levels with ` > `.", fixed),
            );
            return;
        }
    }
}

fn check_tax_code(value: &str, sink: &mut Sink<'_>) {
    let ok = |v: &str| {
        v.strip_prefix("txcd_")
            .is_some_and(|d| d.len() == 8 && d.bytes().all(|b| b.is_ascii_digit()))
    };
    if ok(value) {
        return;
    }
    let lower = value.to_ascii_lowercase();
    let fix = if ok(&lower) {
        replace(format!("Write `{lower}`."), lower)
    } else {
        fix("Look up the code in Stripe's product tax code list (`txcd_` and 8 digits).")
    };
    sink.push(
        "tax_code",
        Severity::Warning,
        ColumnId::StripeProductTaxCode,
        value,
        "`stripe_product_tax_code` is not `txcd_` followed by 8 digits.".to_owned(),
        fix,
    );
}

fn check_third_party_tax_code(value: &str, sink: &mut Sink<'_>) {
    let (provider, code) = split_once_ascii(value, b':').unwrap_or(("", ""));
    if provider == "anrok" && !trim(code).is_empty() {
        return;
    }
    let fix = if provider.eq_ignore_ascii_case("anrok") && !trim(code).is_empty() {
        replace("Write the provider in lowercase.", format!("anrok:{code}"))
    } else {
        fix("Write `anrok:` followed by the Anrok tax code, such as `anrok:prod_abc123`.")
    };
    sink.push(
        "third_party_tax_code",
        Severity::Error,
        ColumnId::ThirdPartyTaxCode,
        value,
        "`third_party_tax_code` must be `anrok:` followed by a code (Anrok is the only provider)."
            .to_owned(),
        fix,
    );
}

// ---------------------------------------------------------------------------------------
// Structured lists

/// Splits `value` into comma-separated entries, trimmed, skipping empty ones, with their
/// 1-based position.
fn entries(value: &str) -> impl Iterator<Item = (usize, &str)> {
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
fn check_shipping<'v>(value: &'v str, sink: &mut Sink<'_>) -> Vec<&'v str> {
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

fn check_free_shipping(value: &str, sink: &mut Sink<'_>) {
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

fn check_fees(value: &str, sink: &mut Sink<'_>) {
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

fn check_related(value: &str, sink: &mut Sink<'_>) {
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

fn check_warnings(value: &str, sink: &mut Sink<'_>) {
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

fn check_id_list(id: ColumnId, value: &str, sink: &mut Sink<'_>) {
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

// ---------------------------------------------------------------------------------------
// Cross-field rules

fn is_true(v: &str) -> bool {
    v.eq_ignore_ascii_case("true")
}

fn preorder_rule(c: Cells<'_, '_>, sink: &mut Sink<'_>) {
    if c.get(ColumnId::Availability) == "preorder" && c.get(ColumnId::AvailabilityDate).is_empty() {
        sink.push(
            "X3_preorder_date",
            Severity::Error,
            ColumnId::AvailabilityDate,
            "",
            "`availability_date` is required when `availability` is `preorder`.".to_owned(),
            fix("Fill in the date the item becomes available (YYYY-MM-DD)."),
        );
    }
}

fn sale_rules(c: Cells<'_, '_>, sink: &mut Sink<'_>) {
    let sale = c.get(ColumnId::SalePrice);
    if sale.is_empty() {
        return;
    }
    if c.get(ColumnId::SalePriceEffectiveDate).is_empty() {
        sink.push(
            "X5_sale_window",
            Severity::Error,
            ColumnId::SalePriceEffectiveDate,
            "",
            "`sale_price_effective_date` is required when `sale_price` is set.".to_owned(),
            fix("Fill in the sale window as `start/end`, such as `2026-11-27/2026-12-01`."),
        );
    }
    let (Some(sale_m), Some(price_m)) = (parse_money(sale), parse_money(c.get(ColumnId::Price)))
    else {
        return;
    };
    if sale_m.currency != price_m.currency {
        sink.push(
            "X5_sale_currency",
            Severity::Warning,
            ColumnId::SalePrice,
            sale,
            format!(
                "`sale_price` is in {} but `price` is in {}; agents ignore such a sale price.",
                sale_m.currency, price_m.currency
            ),
            fix(format!("Give the sale price in {}.", price_m.currency)),
        );
    } else if sale_m.amount >= price_m.amount {
        sink.push(
            "X5_sale_below_price",
            Severity::Warning,
            ColumnId::SalePrice,
            sale,
            format!(
                "`sale_price` ({sale}) is not below `price` ({}).",
                c.get(ColumnId::Price)
            ),
            fix("Lower the sale price or clear it."),
        );
    }
}

fn unit_of(value: &str) -> Option<&str> {
    split_once_ascii(value, b' ').map(|(_, u)| u)
}

fn product_rules(c: Cells<'_, '_>, sink: &mut Sink<'_>) {
    use ColumnId as C;
    // X1: gtin or mpn.
    if (c.has(C::Gtin) || c.has(C::Mpn)) && c.get(C::Gtin).is_empty() && c.get(C::Mpn).is_empty() {
        sink.push(
            "X1_gtin_or_mpn",
            Severity::Error,
            if c.has(C::Gtin) { C::Gtin } else { C::Mpn },
            "",
            "Give a `gtin`, or an `mpn` when the item has no GTIN.".to_owned(),
            fix("Fill in the GTIN from the barcode, or the manufacturer part number."),
        );
    }
    // X2: a category.
    if (c.has(C::GoogleProductCategory) || c.has(C::ProductCategory))
        && c.get(C::GoogleProductCategory).is_empty()
        && c.get(C::ProductCategory).is_empty()
    {
        sink.push(
            "X2_category",
            Severity::Error,
            if c.has(C::GoogleProductCategory) {
                C::GoogleProductCategory
            } else {
                C::ProductCategory
            },
            "",
            "Give a `google_product_category`, or a `product_category` when there is none."
                .to_owned(),
            fix("Fill in a Google category id such as `2271`, or your own category path."),
        );
    }
    preorder_rule(c, sink);
    // X4: inventory tracking.
    let not_tracked = c.get(C::InventoryNotTracked);
    let quantity = c.get(C::InventoryQuantity);
    if is_true(not_tracked) && !quantity.is_empty() {
        sink.push(
            "X4_inventory_tracking",
            Severity::Error,
            C::InventoryQuantity,
            quantity,
            "`inventory_quantity` must be blank when `inventory_not_tracked` is `true`.".to_owned(),
            fix("Clear the quantity, or set `inventory_not_tracked` to `false`."),
        );
    } else if !is_true(not_tracked) && quantity.is_empty() && c.has(C::InventoryQuantity) {
        sink.push(
            "X4_inventory_tracking",
            Severity::Error,
            C::InventoryQuantity,
            "",
            "`inventory_quantity` is required unless `inventory_not_tracked` is `true`.".to_owned(),
            fix("Fill in the units in stock, or set `inventory_not_tracked` to `true` for digital or made-to-order items."),
        );
    }
    sale_rules(c, sink);
    // X6: reviews.
    let count = c.get(C::ProductReviewCount);
    let rating = c.get(C::ProductReviewRating);
    match count.parse::<i64>() {
        Ok(n) if n > 0 && rating.is_empty() => sink.push(
            "X6_reviews",
            Severity::Error,
            C::ProductReviewRating,
            "",
            format!("`product_review_rating` is required when there are reviews ({n})."),
            fix("Fill in the average rating from 1 to 5."),
        ),
        Ok(0) if !rating.is_empty() => sink.push(
            "X6_reviews",
            Severity::Error,
            C::ProductReviewRating,
            rating,
            "`product_review_rating` must be blank when `product_review_count` is 0.".to_owned(),
            replace("Clear the rating.", ""),
        ),
        _ => {}
    }
    // X8: free-shipping services named in shipping (shipping was format-checked already).
    let free = c.get(C::FreeShippingThreshold);
    if !free.is_empty() {
        let shipping = c.get(C::Shipping);
        let named = |service: &str| {
            entries(shipping).any(|(_, e)| split_ascii(e, b':').nth(2).map(trim) == Some(service))
        };
        for (n, entry) in entries(free) {
            if let Some(service) = split_ascii(entry, b':').nth(2).map(trim)
                && !service.is_empty()
                && !named(service)
            {
                let services: Vec<&str> = entries(shipping)
                    .filter_map(|(_, e)| split_ascii(e, b':').nth(2).map(trim))
                    .collect();
                let known = if services.is_empty() {
                    "this row has no `shipping` services".to_owned()
                } else {
                    format!(
                        "`shipping` names {}",
                        services
                            .iter()
                            .map(|s| format!("`{s}`"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    )
                };
                sink.push(
                        "X8_free_shipping_service",
                        Severity::Error,
                        C::FreeShippingThreshold,
                        entry,
                        format!("Entry {n} of `free_shipping_threshold` names the service `{service}`, but {known}."),
                        fix("Use a service name exactly as written in `shipping`."),
                    );
            }
        }
    }
    // X9: related products.
    let related = c.get(C::RelatedProducts);
    if !related.is_empty() {
        let own = c.get(C::Id);
        let mut seen: Vec<&str> = Vec::new();
        for (n, entry) in entries(related) {
            let Some((_, target)) = split_once_ascii(entry, b':') else {
                continue;
            };
            let target = trim(target);
            if target == own {
                sink.push(
                    "X9_related_products",
                    Severity::Error,
                    C::RelatedProducts,
                    entry,
                    format!("Entry {n} of `related_products` points to the product itself."),
                    fix("Remove the entry."),
                );
            } else if seen.contains(&target) {
                sink.push(
                    "X9_related_products",
                    Severity::Error,
                    C::RelatedProducts,
                    entry,
                    format!("Entry {n} of `related_products` repeats the target `{target}`; each target may appear once."),
                    fix("Keep one entry per target."),
                );
            }
            seen.push(target);
        }
    }
    // X10: tax codes.
    if !c.get(C::StripeProductTaxCode).is_empty() && !c.get(C::ThirdPartyTaxCode).is_empty() {
        sink.push(
            "X10_tax_code",
            Severity::Warning,
            C::ThirdPartyTaxCode,
            c.get(C::ThirdPartyTaxCode),
            "The row has both `stripe_product_tax_code` and `third_party_tax_code`; the third-party code is only for Anrok when there is no Stripe code.".to_owned(),
            fix("Keep the code of the tax provider you use."),
        );
    }
    // X12: physical goods need shipping.
    let physical = !c.get(C::Weight).is_empty()
        || !c.get(C::Length).is_empty()
        || (c.has(C::InventoryQuantity) && !is_true(not_tracked));
    if c.has(C::Shipping) && c.get(C::Shipping).is_empty() && physical {
        sink.push(
            "X12_shipping",
            Severity::Warning,
            C::Shipping,
            "",
            "This looks like a physical item (tracked stock or a weight) but `shipping` is empty; Stripe needs shipping for physical goods.".to_owned(),
            fix("Add shipping options such as `US:ALL:Standard Shipping:3-5:4.95 USD`, or set `inventory_not_tracked=true` for a digital item."),
        );
    }
    // X13: one unit for all dimensions.
    let dims = [C::Length, C::Width, C::Height];
    let mut first_unit: Option<(ColumnId, &str)> = None;
    for d in dims {
        let v = c.get(d);
        let Some(unit) = unit_of(v).filter(|u| matches!(*u, "cm" | "in")) else {
            continue;
        };
        match first_unit {
            None => first_unit = Some((d, unit)),
            Some((fd, fu)) if fu != unit => sink.push(
                "X13_dimension_units",
                Severity::Error,
                d,
                v,
                format!(
                    "`{}` is in {unit} but `{}` is in {fu}; all dimensions must share one unit.",
                    d.name(),
                    fd.name()
                ),
                fix(format!("Convert it to {fu}.")),
            ),
            Some(_) => {}
        }
    }
    // X15: custom option pairs.
    let pairs = [
        (C::CustomVariantOptionName1, C::CustomVariantOptionValue1),
        (C::CustomVariantOptionName2, C::CustomVariantOptionValue2),
        (C::CustomVariantOptionName3, C::CustomVariantOptionValue3),
    ];
    for (name, value) in pairs {
        let (n, v) = (c.get(name), c.get(value));
        if n.is_empty() != v.is_empty() {
            let (missing, present) = if n.is_empty() {
                (name, value)
            } else {
                (value, name)
            };
            sink.push(
                "X15_custom_option_pair",
                Severity::Error,
                missing,
                "",
                format!(
                    "`{}` is filled but `{}` is empty; they come in pairs.",
                    present.name(),
                    missing.name()
                ),
                fix(format!(
                    "Fill in `{}` or clear `{}`.",
                    missing.name(),
                    present.name()
                )),
            );
        }
    }
    // Brand: required except for movies, books and music.
    let category = {
        let g = c.get(C::GoogleProductCategory);
        if g.is_empty() {
            c.get(C::ProductCategory)
        } else {
            g
        }
    };
    if c.has(C::Brand) && c.get(C::Brand).is_empty() {
        let media = [
            "Media", "Book", "Music", "Movie", "783", "784", "855", "839",
        ]
        .iter()
        .any(|m| contains_short(category, m));
        if !media {
            sink.push(
                "brand",
                Severity::Warning,
                C::Brand,
                "",
                "`brand` is required except for movies, books and music recordings.".to_owned(),
                fix("Fill in the brand (your shop name for own-brand goods)."),
            );
        }
    }
    // Recommended apparel attributes.
    if ["Apparel", "Clothing", "Shoes", "166", "1604", "212"]
        .iter()
        .any(|m| contains_short(category, m))
    {
        for a in [C::Color, C::Size, C::Gender] {
            if c.has(a) && c.get(a).is_empty() {
                sink.push(
                    "recommended_empty",
                    Severity::Warning,
                    a,
                    "",
                    format!(
                        "`{}` is recommended for apparel and this row leaves it empty.",
                        a.name()
                    ),
                    fix(format!("Fill in the {}.", a.name())),
                );
            }
        }
    }
}

fn promotion_rules(c: Cells<'_, '_>, sink: &mut Sink<'_>) {
    use ColumnId as C;
    let benefit = c.get(C::BenefitType);
    for (ty, col) in [("percent_off", C::PercentOff), ("amount_off", C::AmountOff)] {
        let v = c.get(col);
        if benefit == ty && v.is_empty() {
            sink.push(
                "promotion_benefit",
                Severity::Error,
                col,
                "",
                format!(
                    "`{}` is required when `benefit_type` is `{ty}`.",
                    col.name()
                ),
                fix(format!("Fill in `{}`.", col.name())),
            );
        } else if benefit != ty && !benefit.is_empty() && !v.is_empty() {
            sink.push(
                "promotion_benefit",
                Severity::Warning,
                col,
                v,
                format!(
                    "`{}` is filled but `benefit_type` is `{benefit}`, so it is ignored.",
                    col.name()
                ),
                replace("Clear it.", ""),
            );
        }
    }
    let targets = [
        C::TargetIds,
        C::TargetItemGroupIds,
        C::ExcludedIds,
        C::ExcludedItemGroupIds,
    ];
    match c.get(C::TargetSelection) {
        "all_products" => {
            for t in targets {
                if !c.get(t).is_empty() {
                    sink.push(
                        "promotion_targets",
                        Severity::Error,
                        t,
                        c.get(t),
                        format!(
                            "`{}` must be empty when `target_selection` is `all_products`.",
                            t.name()
                        ),
                        fix("Clear it, or set `target_selection` to `specific_products`."),
                    );
                }
            }
        }
        "specific_products" if targets.iter().all(|t| c.get(*t).is_empty()) => sink.push(
            "promotion_targets",
            Severity::Error,
            C::TargetIds,
            "",
            "`target_selection` is `specific_products` but no target or excluded ids are given."
                .to_owned(),
            fix("List the product ids or item group ids the promotion applies to."),
        ),
        _ => {}
    }
    if c.get(C::PromotionCode).is_empty() {
        let why = if c.get(C::ApplicationType) == "promotion_code" {
            Some("`application_type` is `promotion_code`")
        } else if benefit == "free_shipping" {
            Some("every free-shipping promotion needs a code")
        } else {
            None
        };
        if let Some(why) = why {
            sink.push(
                "promotion_code_required",
                Severity::Error,
                C::PromotionCode,
                "",
                format!("`promotion_code` is required: {why}."),
                fix("Fill in a code of letters, digits, `-` and `_` (at most 20)."),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gtin_check_digits() {
        assert!(gtin_check_digit_ok("4006381333931"));
        assert!(gtin_check_digit_ok("96385074"));
        assert!(!gtin_check_digit_ok("4006381333932"));
    }

    #[test]
    fn money_parsing_and_repair() {
        assert_eq!(
            parse_money("15.00 USD"),
            Some(Money {
                amount: 15.0,
                currency: "USD"
            })
        );
        assert_eq!(parse_money("15,00 USD"), None);
        assert_eq!(normalize_money("63,00 EUR").as_deref(), Some("63.00 EUR"));
        assert_eq!(normalize_money("USD 15.00").as_deref(), Some("15.00 USD"));
        assert_eq!(normalize_money("15.00usd").as_deref(), Some("15.00 USD"));
        assert_eq!(
            normalize_money("1,299.00 USD").as_deref(),
            Some("1299.00 USD")
        );
        assert_eq!(
            normalize_money("1.299,50 EUR").as_deref(),
            Some("1299.50 EUR")
        );
        assert_eq!(normalize_money("1,299 USD"), None);
        assert_eq!(normalize_money("$15.00"), None);
    }

    #[test]
    fn enum_tokens_normalize() {
        assert_eq!(normalize_token("In Stock"), "in_stock");
        assert_eq!(normalize_token("InStock"), "in_stock");
        assert_eq!(
            normalize_token("https://schema.org/OutOfStock"),
            "out_of_stock"
        );
    }

    #[test]
    fn warning_entries_keep_commas_in_messages() {
        assert_eq!(
            warning_entries("prop_65: lead, and cadmium,safety_warning:hot"),
            vec!["prop_65: lead, and cadmium", "safety_warning:hot"]
        );
    }

    #[test]
    fn html_is_stripped_to_text() {
        assert_eq!(strip_html("<p>Soft <b>cotton</b>.</p>"), "Soft cotton.");
    }
}
