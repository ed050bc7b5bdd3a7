//! Money as people type and read it, and as Stripe counts it (integer minor units).
//!
//! This is the one parser for every amount a person types (the CLI's `--amount`, the refund
//! and capture dialogs, the order filters, hook requests) and the one set of formatters for
//! every amount shown. The payment's currency decides the decimals, from Stripe's lists below.
//!
//! The parser reads only the plain form `1234.50`: digits, at most one period, at most the
//! currency's decimals. Anything that could be misread by a power of ten is refused with a
//! sentence that shows how to write it: a decimal comma (`1,50`), thousands separators
//! (`1,234.50`, `1 234`), a symbol or code of another currency (`€5` on a USD payment), more
//! decimals than the currency has (`1.000` in JPY). The payment's own code or symbol is allowed
//! (`5 USD`, `$5`).
//!
//! Stripe's decimals differ from ISO 4217's for a few currencies (ISK, MGA, UGX…); the feed
//! validator keeps the ISO table for feed prices (`feed::spec::currency_minor_units`).
//!
//! [`share`] and [`proportional`] are Stripe's rounding of a part of an amount (an application
//! fee, a transfer reversed over partial refunds), used by the console and the sandbox alike.

use std::fmt;

/// Currencies Stripe counts in whole units: an amount of `1250` JPY is ¥1250.
/// From <https://docs.stripe.com/currencies#zero-decimal>.
pub const ZERO_DECIMAL: [&str; 16] = [
    "bif", "clp", "djf", "gnf", "jpy", "kmf", "krw", "mga", "pyg", "rwf", "ugx", "vnd", "vuv",
    "xaf", "xof", "xpf",
];

/// Currencies Stripe counts in thousandths: `1234` KWD is 1.234 KWD.
/// From <https://docs.stripe.com/currencies#three-decimal>.
pub const THREE_DECIMAL: [&str; 5] = ["bhd", "jod", "kwd", "omr", "tnd"];

/// Currencies Stripe counts in two decimals but takes only in whole units (the amount must
/// end in `00`). Stripe's special case for ISK: "5 ISK" is sent as `500`.
pub const WHOLE_UNITS_ONLY: [&str; 1] = ["isk"];

/// The largest amount, in minor units, the parser accepts: far above any single payment
/// Stripe takes, far below where `i64` arithmetic could overflow.
pub const MAX_MINOR: i64 = 999_999_999_999;

/// Digits after the decimal point Stripe uses for `currency` (any case): 0, 2 or 3.
#[must_use]
pub fn decimals(currency: &str) -> u32 {
    let code = currency.trim().to_ascii_lowercase();
    if ZERO_DECIMAL.contains(&code.as_str()) {
        0
    } else if THREE_DECIMAL.contains(&code.as_str()) {
        3
    } else {
        2
    }
}

/// The smallest step an amount in `currency` may take, in minor units: 100 for the
/// whole-units-only currencies, 1 for every other.
#[must_use]
pub fn step(currency: &str) -> i64 {
    let code = currency.trim().to_ascii_lowercase();
    if WHOLE_UNITS_ONLY.contains(&code.as_str()) {
        100
    } else {
        1
    }
}

/// Why a typed amount was refused. `Display` is a sentence that says how to write it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AmountError {
    /// Nothing was typed.
    Empty,
    /// A minus sign or parentheses.
    Negative,
    /// Zero where a positive amount is needed.
    Zero,
    /// A comma used as the decimal point (`1,50`); `suggestion` is the same amount written right.
    DecimalComma {
        /// What was typed (trimmed).
        written: String,
        /// The amount written with a period (`1.50`).
        suggestion: String,
    },
    /// Thousands separators (`1,234.50`, `1 234`, `1'234`).
    Grouping {
        /// What was typed (trimmed).
        written: String,
        /// The amount without separators (`1234.50`).
        suggestion: String,
        /// Another reading of the same text with the separator as a decimal point, when the
        /// text could mean either (`1,500`: one thousand five hundred or one and a half).
        other_reading: Option<String>,
    },
    /// A symbol or code of a currency other than the payment's (`€5` on a USD payment).
    ForeignCurrency {
        /// The symbol or code as typed.
        marker: String,
        /// The payment's currency, upper case.
        currency: String,
    },
    /// More digits after the point than the currency has.
    TooManyDecimals {
        /// The currency, upper case.
        currency: String,
        /// How many it has.
        allowed: u32,
        /// How many were typed.
        typed: usize,
    },
    /// A fraction in a currency Stripe takes in whole units only.
    WholeUnitsOnly {
        /// The currency, upper case.
        currency: String,
    },
    /// More than [`MAX_MINOR`].
    TooLarge,
    /// Not a number at all.
    NotANumber {
        /// What was typed (trimmed).
        written: String,
        /// The currency, upper case.
        currency: String,
    },
}

impl fmt::Display for AmountError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AmountError::Empty => f.write_str("Enter an amount, like 12.50."),
            AmountError::Negative => {
                f.write_str("The amount must be positive; leave out the minus sign.")
            }
            AmountError::Zero => f.write_str("The amount must be more than zero."),
            AmountError::DecimalComma {
                written,
                suggestion,
            } => write!(
                f,
                "Use a period for decimals: write `{suggestion}`, not `{written}`."
            ),
            AmountError::Grouping {
                written,
                suggestion,
                other_reading,
            } => {
                write!(
                    f,
                    "Leave out thousands separators: write `{suggestion}`, not `{written}`"
                )?;
                match other_reading {
                    Some(other) => write!(f, " (or `{other}` if you meant a decimal)."),
                    None => f.write_str("."),
                }
            }
            AmountError::ForeignCurrency { marker, currency } => write!(
                f,
                "`{marker}` is not this payment's currency: the payment is in {currency}, so \
                 write the amount in {currency}, like {}.",
                example(currency)
            ),
            AmountError::TooManyDecimals {
                currency,
                allowed: 0,
                ..
            } => write!(
                f,
                "{currency} has no decimals: write a whole number, like {}, without a period.",
                example(currency)
            ),
            AmountError::TooManyDecimals {
                currency,
                allowed,
                typed,
            } => write!(
                f,
                "{currency} has {allowed} decimals, and this amount has {typed}: write it like {}.",
                example(currency)
            ),
            AmountError::WholeUnitsOnly { currency } => write!(
                f,
                "Stripe takes {currency} in whole units only: write a whole number, like 1250."
            ),
            AmountError::TooLarge => f.write_str("That amount is too large for a payment."),
            AmountError::NotANumber { written, currency } => write!(
                f,
                "`{written}` is not an amount: write digits with a period for decimals, like {}.",
                example(currency)
            ),
        }
    }
}

impl std::error::Error for AmountError {}

fn example(currency: &str) -> &'static str {
    if step(currency) > 1 {
        return "1250";
    }
    match decimals(currency) {
        0 => "1250",
        3 => "12.500",
        _ => "12.50",
    }
}

/// Parses an amount typed in major units of `currency` (`12.50`, `12.5`, `12`, `.99`,
/// `12.50 USD`, `$12.50` on a USD payment) into minor units. Zero is accepted; see
/// [`parse_positive`] for refunds and captures.
pub fn parse(text: &str, currency: &str) -> Result<i64, AmountError> {
    let upper = currency.trim().to_ascii_uppercase();
    let written = text.trim();
    if written.is_empty() {
        return Err(AmountError::Empty);
    }
    let core = strip_currency(written, currency, &upper)?;
    if core.starts_with(['-', '−', '(']) || core.ends_with([')', '-']) {
        return Err(AmountError::Negative);
    }
    let not_a_number = || AmountError::NotANumber {
        written: written.to_owned(),
        currency: upper.clone(),
    };
    if core.is_empty() || !core.chars().all(|c| c.is_ascii_digit() || is_separator(c)) {
        return Err(not_a_number());
    }
    if !core.starts_with(|c: char| c.is_ascii_digit() || c == '.' || c == ',') {
        return Err(not_a_number());
    }
    let (whole, frac) = plain_parts(core, written, currency)?;
    if whole.is_empty() && frac.is_empty() {
        return Err(not_a_number());
    }
    let allowed = decimals(currency);
    if frac.len() > allowed as usize {
        return Err(AmountError::TooManyDecimals {
            currency: upper,
            allowed,
            typed: frac.len(),
        });
    }
    let whole = whole.trim_start_matches('0');
    // Fifteen whole digits already exceed MAX_MINOR in every currency.
    if whole.len() > 15 {
        return Err(AmountError::TooLarge);
    }
    let whole: i64 = if whole.is_empty() {
        0
    } else {
        whole.parse().map_err(|_| not_a_number())?
    };
    let frac_padded = format!("{frac:0<width$}", width = allowed as usize);
    let frac: i64 = if frac_padded.is_empty() {
        0
    } else {
        frac_padded.parse().map_err(|_| not_a_number())?
    };
    let amount = whole
        .checked_mul(10i64.pow(allowed))
        .and_then(|w| w.checked_add(frac))
        .filter(|a| *a <= MAX_MINOR)
        .ok_or(AmountError::TooLarge)?;
    if amount % step(currency) != 0 {
        return Err(AmountError::WholeUnitsOnly { currency: upper });
    }
    Ok(amount)
}

/// [`parse`], refusing zero: for refunds, captures and anything else that moves money.
pub fn parse_positive(text: &str, currency: &str) -> Result<i64, AmountError> {
    match parse(text, currency)? {
        0 => Err(AmountError::Zero),
        amount => Ok(amount),
    }
}

/// Characters people put inside numbers as separators.
fn is_separator(c: char) -> bool {
    matches!(
        c,
        '.' | ',' | ' ' | '\'' | '_' | '’' | '\u{a0}' | '\u{2009}' | '\u{202f}' | '·'
    )
}

/// Removes the payment's own code or symbol from either end; refuses another currency's.
fn strip_currency<'a>(
    written: &'a str,
    currency: &str,
    upper: &str,
) -> Result<&'a str, AmountError> {
    let is_marker = |c: char| !(c.is_ascii_digit() || is_separator(c) || "-−()+".contains(c));
    let start = written
        .find(|c: char| !is_marker(c))
        .unwrap_or(written.len());
    let end = written.rfind(|c: char| !is_marker(c)).map_or(start, |i| {
        i + written[i..].chars().next().map_or(1, char::len_utf8)
    });
    let (prefix, core, suffix) = (
        &written[..start],
        &written[start..end.max(start)],
        &written[end.max(start)..],
    );
    if core.trim().is_empty() {
        return Err(AmountError::NotANumber {
            written: written.to_owned(),
            currency: upper.to_owned(),
        });
    }
    for marker in [prefix.trim(), suffix.trim()] {
        if marker.is_empty() {
            continue;
        }
        if !is_own_marker(marker, currency) {
            // Letters or symbols that are not a currency at all make it not a number.
            let looks_like_currency = marker.chars().all(char::is_alphabetic)
                && marker.chars().count() == 3
                || marker.chars().any(is_currency_symbol);
            return Err(if looks_like_currency {
                AmountError::ForeignCurrency {
                    marker: marker.to_owned(),
                    currency: upper.to_owned(),
                }
            } else {
                AmountError::NotANumber {
                    written: written.to_owned(),
                    currency: upper.to_owned(),
                }
            });
        }
    }
    if !prefix.trim().is_empty() && !suffix.trim().is_empty() {
        return Err(AmountError::NotANumber {
            written: written.to_owned(),
            currency: upper.to_owned(),
        });
    }
    Ok(core.trim())
}

fn is_currency_symbol(c: char) -> bool {
    "$€£¥₹₩₽₺₫₱₪₦₴₸₡₭₮₲₵฿¢".contains(c)
}

/// True when `marker` names `currency`: its ISO code in any case, or a symbol only it uses
/// among the symbols listed (`$` is taken as the dollar of the dollar currencies).
fn is_own_marker(marker: &str, currency: &str) -> bool {
    let code = currency.trim().to_ascii_lowercase();
    if marker.eq_ignore_ascii_case(&code) {
        return true;
    }
    let symbols: &[&str] = match code.as_str() {
        "usd" => &["$", "US$"],
        "cad" => &["$", "CA$", "C$"],
        "aud" => &["$", "A$", "AU$"],
        "nzd" => &["$", "NZ$"],
        "hkd" => &["$", "HK$"],
        "sgd" => &["$", "S$"],
        "mxn" => &["$", "MX$"],
        "eur" => &["€"],
        "gbp" => &["£"],
        "jpy" => &["¥", "円"],
        "cny" => &["¥", "元", "CN¥"],
        "inr" => &["₹"],
        "krw" => &["₩"],
        _ => &[],
    };
    symbols.contains(&marker)
}

/// Splits a number made of digits and separators into whole and fraction digits. Only one
/// period is a decimal point; any other separator is refused with the amount written right.
fn plain_parts<'a>(
    core: &'a str,
    written: &str,
    currency: &str,
) -> Result<(&'a str, &'a str), AmountError> {
    let separator_count = core.chars().filter(|c| is_separator(*c)).count();
    let dots = core.matches('.').count();
    if dots == separator_count && dots <= 1 {
        return Ok(core.split_once('.').unwrap_or((core, "")));
    }
    let not_a_number = || AmountError::NotANumber {
        written: written.to_owned(),
        currency: currency.trim().to_ascii_uppercase(),
    };
    // Digit groups between separators: none may be empty but a leading one (`,5`).
    let groups: Vec<&str> = core.split(is_separator).collect();
    if groups.iter().skip(1).any(|g| g.is_empty()) {
        return Err(not_a_number());
    }
    let last_sep = core
        .chars()
        .rev()
        .find(|c| is_separator(*c))
        .ok_or_else(not_a_number)?;
    let after_last = groups.last().map_or(0, |g| g.len());
    let digits: String = groups.concat();
    let with_point = |frac_digits: usize| {
        let (w, f) = digits.split_at(digits.len() - frac_digits);
        let w = if w.is_empty() { "0" } else { w };
        if f.is_empty() {
            w.to_owned()
        } else {
            format!("{w}.{f}")
        }
    };
    let commas = core.matches(',').count();
    if last_sep == ',' && commas == 1 && after_last != 3 {
        // `1,50`, `2,5`, `1.234,56`: a decimal comma.
        return Err(AmountError::DecimalComma {
            written: written.to_owned(),
            suggestion: with_point(after_last),
        });
    }
    if last_sep == '.' && dots == 1 {
        // `1,234.50`, `1 234.50`: grouping before a decimal point.
        return Err(AmountError::Grouping {
            written: written.to_owned(),
            suggestion: with_point(after_last),
            other_reading: None,
        });
    }
    // `1,500`, `1.234.567`, `1 234`: grouping only. A lone comma before three digits may also
    // have been meant as a decimal point; offer that reading when the currency can hold it.
    let other_reading = (separator_count == 1 && last_sep == ',')
        .then(|| {
            let (w, f) = digits.split_at(digits.len() - after_last);
            let keep = (decimals(currency) as usize).min(f.len());
            f[keep..].bytes().all(|b| b == b'0').then(|| {
                let w = if w.is_empty() { "0" } else { w };
                format!("{w}.{}", &f[..keep])
            })
        })
        .flatten()
        .filter(|r| !r.ends_with('.'));
    Err(AmountError::Grouping {
        written: written.to_owned(),
        suggestion: digits,
        other_reading,
    })
}

/// Minor units as a plain number in major units, the form [`parse`] reads back: `12.50`,
/// `1250` for JPY, `-1.234` for KWD.
#[must_use]
pub fn format_plain(amount: i64, currency: &str) -> String {
    let digits = decimals(currency);
    let sign = if amount < 0 { "-" } else { "" };
    let abs = amount.unsigned_abs();
    if digits == 0 {
        return format!("{sign}{abs}");
    }
    let scale = 10u64.pow(digits);
    format!(
        "{sign}{}.{:0width$}",
        abs / scale,
        abs % scale,
        width = digits as usize
    )
}

/// Minor units with the currency code, for messages and the CLI: `12.50 USD`, `1250 JPY`.
#[must_use]
pub fn format(amount: i64, currency: &str) -> String {
    format!(
        "{} {}",
        format_plain(amount, currency),
        currency.trim().to_ascii_uppercase()
    )
}

/// Minor units with a symbol where one is unambiguous, for the window: `$12.50`, `€5.00`,
/// `£3.00`, `¥1250`, and `12.50 CAD` for the rest.
#[must_use]
pub fn format_symbol(amount: i64, currency: &str) -> String {
    let plain = format_plain(amount.abs(), currency);
    let sign = if amount < 0 { "-" } else { "" };
    match currency.trim().to_ascii_lowercase().as_str() {
        "usd" => format!("{sign}${plain}"),
        "eur" => format!("{sign}€{plain}"),
        "gbp" => format!("{sign}£{plain}"),
        "jpy" => format!("{sign}¥{plain}"),
        other => format!("{sign}{plain} {}", other.to_ascii_uppercase()),
    }
}

/// `total × part / whole`, rounded half up (0 when `whole` is 0): Stripe's share of an
/// amount, as on a 10 % application fee or a transfer shared out over partial refunds.
#[must_use]
pub fn share(total: i64, part: i64, whole: i64) -> i64 {
    if whole <= 0 {
        return 0;
    }
    let scaled = i128::from(total) * i128::from(part);
    let whole = i128::from(whole);
    i64::try_from((2 * scaled + whole) / (2 * whole)).unwrap_or(i64::MAX)
}

/// The part of `total` (a transfer, an application fee) a refund taking a charge's refunded
/// amount from `before` to `after` of `captured` stands for: the difference of two
/// cumulative shares, so successive partial refunds add up to exactly `total` and a full
/// refund takes back all that is left.
#[must_use]
pub fn proportional(total: i64, before: i64, after: i64, captured: i64) -> i64 {
    share(total, after, captured) - share(total, before, captured)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn proportional_shares_add_up_to_the_whole() {
        assert_eq!(share(1_234, 1, 10), 123);
        assert_eq!(share(1_235, 1, 10), 124);
        // A fee of 333 refunded in three thirds of a 1000 charge: 111 + 111 + 111.
        let parts: Vec<i64> = [(0, 333), (333, 666), (666, 1000)]
            .iter()
            .map(|&(b, a)| proportional(333, b, a, 1000))
            .collect();
        assert_eq!(parts.iter().sum::<i64>(), 333);
        assert_eq!(proportional(500, 0, 1000, 1000), 500);
    }

    fn refused(text: &str, currency: &str) -> String {
        parse(text, currency).unwrap_err().to_string()
    }

    #[test]
    fn reads_plain_amounts_in_each_currency() {
        assert_eq!(parse("12.50", "usd"), Ok(1250));
        assert_eq!(parse("12.5", "EUR"), Ok(1250));
        assert_eq!(parse("12", "usd"), Ok(1200));
        assert_eq!(parse(".99", "usd"), Ok(99));
        assert_eq!(parse(" 7. ", "usd"), Ok(700));
        assert_eq!(parse("1250", "jpy"), Ok(1250));
        assert_eq!(parse("1.234", "kwd"), Ok(1234));
        assert_eq!(parse("0", "usd"), Ok(0));
        assert_eq!(parse("5", "isk"), Ok(500));
    }

    #[test]
    fn takes_the_payments_own_code_or_symbol() {
        assert_eq!(parse("12.50 USD", "usd"), Ok(1250));
        assert_eq!(parse("usd 12.50", "usd"), Ok(1250));
        assert_eq!(parse("$12.50", "usd"), Ok(1250));
        assert_eq!(parse("€5", "eur"), Ok(500));
        assert_eq!(parse("¥500", "jpy"), Ok(500));
        assert_eq!(parse("$5", "cad"), Ok(500));
    }

    #[test]
    fn refuses_a_decimal_comma_with_the_right_spelling() {
        assert_eq!(
            refused("1,50", "usd"),
            "Use a period for decimals: write `1.50`, not `1,50`."
        );
        assert!(refused("2,5", "usd").contains("`2.5`"));
        assert!(refused("1.234,56", "eur").contains("`1234.56`"));
        assert!(refused(",5", "usd").contains("`0.5`"));
    }

    #[test]
    fn refuses_grouping_separators() {
        assert!(refused("1,234.50", "usd").contains("write `1234.50`"));
        assert!(refused("1 234", "usd").contains("write `1234`"));
        assert!(refused("1'234", "chf").contains("write `1234`"));
        assert!(refused("1.234.567", "eur").contains("write `1234567`"));
        let ambiguous = refused("1,500", "kwd");
        assert!(
            ambiguous.contains("`1500`") && ambiguous.contains("`1.500`"),
            "{ambiguous}"
        );
        assert!(refused("1,500", "usd").contains("`1500`"));
    }

    #[test]
    fn refuses_another_currency() {
        assert!(refused("€5", "usd").contains("the payment is in USD"));
        assert!(refused("5 EUR", "usd").contains("`EUR`"));
        assert!(refused("£5", "eur").contains("EUR"));
        assert!(refused("$5", "eur").contains("EUR"));
    }

    #[test]
    fn refuses_what_is_not_a_plain_positive_number() {
        assert_eq!(parse("", "usd"), Err(AmountError::Empty));
        assert_eq!(parse("-3", "usd"), Err(AmountError::Negative));
        assert_eq!(parse("$-3", "usd"), Err(AmountError::Negative));
        assert_eq!(parse("(3)", "usd"), Err(AmountError::Negative));
        assert_eq!(parse_positive("0.00", "usd"), Err(AmountError::Zero));
        for bad in [
            "abc",
            "1e3",
            "+5",
            ".",
            "1.2.",
            "１２",
            "12x",
            "0x10",
            "NaN",
            "5 5 USD $",
        ] {
            assert!(parse(bad, "usd").is_err(), "{bad} was accepted");
        }
        assert!(refused("12.505", "usd").contains("2 decimals"));
        assert!(refused("1.000", "jpy").contains("no decimals"));
        assert!(refused("12.50", "isk").contains("whole units"));
        assert_eq!(
            parse("99999999999999999999", "usd"),
            Err(AmountError::TooLarge)
        );
        assert_eq!(parse("10000000000", "usd"), Err(AmountError::TooLarge));
    }

    #[test]
    fn formats_for_people_and_for_reading_back() {
        assert_eq!(format(1250, "usd"), "12.50 USD");
        assert_eq!(format(5, "usd"), "0.05 USD");
        assert_eq!(format(1250, "jpy"), "1250 JPY");
        assert_eq!(format(-1234, "kwd"), "-1.234 KWD");
        assert_eq!(format_plain(1250, "usd"), "12.50");
        assert_eq!(format_symbol(1250, "usd"), "$12.50");
        assert_eq!(format_symbol(-500, "eur"), "-€5.00");
        assert_eq!(format_symbol(1200, "jpy"), "¥1200");
        assert_eq!(format_symbol(1250, "cad"), "12.50 CAD");
    }

    mod properties {
        use super::super::*;
        use proptest::prelude::*;

        fn currency() -> impl Strategy<Value = &'static str> {
            prop::sample::select(vec!["usd", "jpy", "kwd", "eur", "isk", "cad"])
        }

        /// The exact value of a plain decimal string, scaled to `digits` decimals, when it has
        /// at most that many.
        fn exact(text: &str, digits: u32) -> Option<i128> {
            let number: String = text
                .chars()
                .filter(|c| c.is_ascii_digit() || *c == '.')
                .collect();
            let (w, f) = number.split_once('.').unwrap_or((&number, ""));
            if f.len() > digits as usize {
                return None;
            }
            let all = format!("{w}{f:0<width$}", width = digits as usize);
            all.trim_start_matches('0').parse::<i128>().ok().or(Some(0))
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(2_000))]

            #[test]
            fn accepted_strings_mean_what_their_digits_say(
                text in prop_oneof![
                    // Shapes people type, many of them valid.
                    "[$€¥£]?[0-9]{0,7}([.,][0-9]{0,4})?( ?(USD|usd|JPY|KWD|EUR|CAD|ISK))?",
                    "[0-9]{1,3}([,. '][0-9]{3}){0,3}([.,][0-9]{1,3})?",
                    // Anything at all.
                    "[ $€¥£A-Za-z0-9.,' _()+-]{0,14}",
                ],
                cur in currency(),
            ) {
                if let Ok(amount) = parse(&text, cur) {
                    // Formatting gives back the same amount.
                    prop_assert_eq!(parse(&format_plain(amount, cur), cur), Ok(amount));
                    prop_assert_eq!(parse(&format(amount, cur), cur), Ok(amount));
                    // And the amount is the number as written, never off by a power of ten.
                    prop_assert_eq!(exact(&text, decimals(cur)), Some(i128::from(amount)), "{}", text);
                    prop_assert!(!text.contains(','));
                }
            }

            #[test]
            fn every_amount_round_trips(amount in 0i64..=MAX_MINOR, cur in currency()) {
                let amount = amount - amount % step(cur);
                prop_assert_eq!(parse(&format_plain(amount, cur), cur), Ok(amount));
                prop_assert_eq!(parse(&format_symbol(amount, cur), cur), Ok(amount));
            }
        }
    }
}
