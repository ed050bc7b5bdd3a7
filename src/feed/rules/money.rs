//! Money cells (`15.00 USD`): parsing, and the safe repair of common spellings.

use super::context::{Ctx, Sink, fix, replace, split_once_ascii};
use super::enums_and_numbers::parse_decimal;
use crate::feed::Severity;
use crate::feed::spec::{self, ColumnId};

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
pub(super) fn check_money<'v>(
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
