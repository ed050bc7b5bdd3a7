//! Amounts as people type them ("12.50") and as Stripe wants them (minor units, 1250),
//! with each currency's number of decimals.

/// Decimal places Stripe uses for `currency` (lower or upper case ISO code).
#[must_use]
pub fn minor_digits(currency: &str) -> u32 {
    match currency.to_ascii_lowercase().as_str() {
        "bif" | "clp" | "djf" | "gnf" | "jpy" | "kmf" | "krw" | "mga" | "pyg" | "rwf" | "ugx"
        | "vnd" | "vuv" | "xaf" | "xof" | "xpf" => 0,
        "bhd" | "jod" | "kwd" | "omr" | "tnd" => 3,
        _ => 2,
    }
}

/// Parses an amount typed in major units (`12.50`, `12`, `1,234.5`) into minor units.
/// Refuses negatives, more decimals than the currency has, and anything that is not a number.
pub fn parse_major(text: &str, currency: &str) -> Result<i64, String> {
    let digits = minor_digits(currency);
    let cleaned: String = text
        .trim()
        .trim_start_matches(['$', '€', '£', '¥'])
        .chars()
        .filter(|c| *c != ',' && *c != '_' && !c.is_whitespace())
        .collect();
    let bad = || {
        format!(
            "`{text}` is not an amount; write it in {} like {}.",
            currency.to_ascii_uppercase(),
            example(digits)
        )
    };
    if cleaned.is_empty() || cleaned.starts_with('-') {
        return Err(if cleaned.starts_with('-') {
            "The amount must be positive.".to_owned()
        } else {
            bad()
        });
    }
    let (whole, frac) = cleaned.split_once('.').unwrap_or((&cleaned, ""));
    if whole.is_empty() && frac.is_empty()
        || !whole.bytes().all(|b| b.is_ascii_digit())
        || !frac.bytes().all(|b| b.is_ascii_digit())
    {
        return Err(bad());
    }
    if frac.len() > digits as usize {
        return Err(if digits == 0 {
            format!(
                "{} has no decimals; write a whole number like {}.",
                currency.to_ascii_uppercase(),
                example(0)
            )
        } else {
            format!(
                "{} has {digits} decimals at most; `{text}` has {}.",
                currency.to_ascii_uppercase(),
                frac.len()
            )
        });
    }
    let whole: i64 = if whole.is_empty() {
        0
    } else {
        whole.parse().map_err(|_| bad())?
    };
    let mut frac_val: i64 = if frac.is_empty() {
        0
    } else {
        frac.parse().map_err(|_| bad())?
    };
    for _ in frac.len()..digits as usize {
        frac_val *= 10;
    }
    let scale = 10i64.pow(digits);
    whole
        .checked_mul(scale)
        .and_then(|w| w.checked_add(frac_val))
        .filter(|v| *v > 0)
        .ok_or_else(|| "The amount must be more than zero and less than a trillion.".to_owned())
}

fn example(digits: u32) -> &'static str {
    match digits {
        0 => "1250",
        3 => "12.500",
        _ => "12.50",
    }
}

/// Formats minor units for people: `1250, "usd"` → `12.50 USD`.
#[must_use]
pub fn format_minor(amount: i64, currency: &str) -> String {
    let digits = minor_digits(currency);
    let code = currency.to_ascii_uppercase();
    let sign = if amount < 0 { "-" } else { "" };
    let abs = amount.unsigned_abs();
    if digits == 0 {
        return format!("{sign}{abs} {code}");
    }
    let scale = 10u64.pow(digits);
    format!(
        "{sign}{}.{:0width$} {code}",
        abs / scale,
        abs % scale,
        width = digits as usize
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn converts_major_units_per_currency() {
        assert_eq!(parse_major("12.50", "usd"), Ok(1250));
        assert_eq!(parse_major("12.5", "eur"), Ok(1250));
        assert_eq!(parse_major("$1,234", "usd"), Ok(123_400));
        assert_eq!(parse_major(".99", "usd"), Ok(99));
        assert_eq!(parse_major("1250", "jpy"), Ok(1250));
        assert_eq!(parse_major("1.234", "kwd"), Ok(1234));
    }

    #[test]
    fn refuses_what_would_be_the_wrong_amount() {
        assert!(
            parse_major("12.505", "usd")
                .unwrap_err()
                .contains("2 decimals")
        );
        assert!(
            parse_major("12.5", "jpy")
                .unwrap_err()
                .contains("no decimals")
        );
        assert!(parse_major("-3", "usd").unwrap_err().contains("positive"));
        assert!(parse_major("0", "usd").is_err());
        assert!(parse_major("12,50€x", "eur").is_err());
        assert!(parse_major("", "usd").is_err());
        assert!(parse_major("99999999999999999999", "usd").is_err());
    }

    #[test]
    fn formats_minor_units() {
        assert_eq!(format_minor(1250, "usd"), "12.50 USD");
        assert_eq!(format_minor(5, "usd"), "0.05 USD");
        assert_eq!(format_minor(1250, "jpy"), "1250 JPY");
        assert_eq!(format_minor(-1234, "kwd"), "-1.234 KWD");
    }
}
