//! The rules of the product, inventory, pricing and promotion feeds: one check per cell
//! format (money, dates, URLs, structured lists…) and the cross-field rules X1 to X15 that
//! look at several cells of one row. Rules that span rows live in `cross_row`.
//!
//! Every finding carries a stable `snake_case` rule id (the cross-field ones start with their
//! spec number, e.g. `X3_preorder_date`); see [`RULES`] for the full list.
//!
//! This file holds the entry points: `check_row_cells` checks a row, `check_cell` one
//! cell, and each cell goes to its format's check. The checks live by family:
//!
//! | File | Family |
//! |---|---|
//! | `ids.rs` | [`RULES`]: every rule id, its severity and a summary |
//! | `context.rs` | what every check works with: the row's cells, where findings go, the clean cells of the row above, shared text helpers |
//! | `text.rs` | titles and descriptions |
//! | `urls.rs` | links and image links |
//! | `enums_and_numbers.rs` | enums, booleans, integers, decimals |
//! | `money.rs` | money (`15.00 USD`) and its safe repair |
//! | `dates.rs` | dates, date ranges, timestamp ranges |
//! | `measures_and_codes.rs` | dimensions, weights, countries, GTINs, categories, tax codes |
//! | `lists.rs` | structured lists: shipping, free shipping, fees, related products, warnings, id lists |
//! | `cross_field.rs` | the cross-field rules X1 to X15 |

mod context;
mod cross_field;
mod dates;
mod enums_and_numbers;
mod ids;
mod lists;
mod measures_and_codes;
mod money;
mod text;
mod urls;

pub use context::shorten;
pub(crate) use context::{Cells, CleanCells, Sink, trim};
pub use ids::RULES;
pub use measures_and_codes::gtin_check_digit_ok;
pub use money::{Money, parse_money};

use crate::feed::spec::{self, ColumnId, ColumnSpec, FeedColumn, Requirement, ValueType};
use crate::feed::{FeedKind, Severity};
use context::{Ctx, fix, replace};
use cross_field::{preorder_rule, product_rules, promotion_rules, sale_rules};
use dates::{check_date, check_date_range, check_timestamp_range};
use enums_and_numbers::{check_bool, check_decimal, check_enum, check_integer};
use lists::{
    check_fees, check_free_shipping, check_id_list, check_related, check_shipping, check_warnings,
};
use measures_and_codes::{
    check_category_path, check_country, check_google_category, check_gtin, check_measure,
    check_tax_code, check_third_party_tax_code,
};
use money::check_money;
use text::{check_caps, check_description};
use urls::{check_url, check_url_list};

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
