//! Bulk refunds, planned before anything is sent: for each chosen order what was paid, what was
//! already refunded and what this refund takes, or why the order is skipped; then the results
//! as CSV. The same plan runs in the window and in `seller-console bulk-refund`.

use super::row::{OrderRow, PaymentState};
use crate::money;
use crate::stripe::refunds::ConnectRefund;

/// How much to refund on each order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BulkAmount {
    /// Everything still refundable.
    Full,
    /// The same amount on each order, minor units of `currency`.
    Fixed {
        /// Minor units.
        amount: i64,
        /// Lower-case ISO currency the amount was typed in.
        currency: String,
    },
    /// A share of what was paid, in hundredths of a percent (1250 = 12.5 %).
    Percent(u32),
}

impl BulkAmount {
    /// In words for the preview ("everything left", "5.00 USD each", "12.5 % of what was paid").
    #[must_use]
    pub fn describe(&self) -> String {
        match self {
            BulkAmount::Full => "everything left on each order".into(),
            BulkAmount::Fixed { amount, currency } => {
                format!("{} on each order", money::format(*amount, currency))
            }
            BulkAmount::Percent(bp) => format!("{} % of what each order paid", percent_text(*bp)),
        }
    }
}

fn percent_text(bp: u32) -> String {
    let (whole, frac) = (bp / 100, bp % 100);
    match frac {
        0 => whole.to_string(),
        f if f % 10 == 0 => format!("{whole}.{}", f / 10),
        f => format!("{whole}.{f:02}"),
    }
}

/// Reads a percentage as typed ("10", "12.5", "12.5 %"): more than 0, at most 100, at most two
/// decimals. The value is in hundredths of a percent.
///
/// # Errors
/// A sentence saying what is wrong with the text.
pub fn parse_percent(text: &str) -> Result<u32, String> {
    let t = text.trim().trim_end_matches('%').trim();
    let bad = || format!("\"{text}\" is not a percentage; type a number such as 10 or 12.5.");
    let (whole, frac) = t.split_once('.').unwrap_or((t, ""));
    if whole.is_empty() && frac.is_empty()
        || !whole.chars().all(|c| c.is_ascii_digit())
        || !frac.chars().all(|c| c.is_ascii_digit())
    {
        return Err(bad());
    }
    if frac.len() > 2 {
        return Err(format!(
            "\"{text}\" has more than two decimals; round it to 0.01 %."
        ));
    }
    let whole: u32 = if whole.is_empty() {
        0
    } else {
        whole.parse().map_err(|_| bad())?
    };
    let frac: u32 = format!("{frac:0<2}").parse().map_err(|_| bad())?;
    let bp = whole
        .checked_mul(100)
        .and_then(|w| w.checked_add(frac))
        .ok_or_else(bad)?;
    if bp == 0 || bp > 10_000 {
        return Err(format!(
            "A refund share must be more than 0 % and at most 100 %; \"{text}\" is not."
        ));
    }
    Ok(bp)
}

/// What a bulk refund does on its `count` destination charges, in one sentence (orders paying
/// no seller are refunded without the flags).
#[must_use]
pub fn connect_words(count: usize, connect: ConnectRefund) -> String {
    let orders = if count == 1 {
        "1 destination charge".to_owned()
    } else {
        format!("{count} destination charges")
    };
    let transfer = if connect.reverse_transfer {
        "each seller's transfer is reversed in proportion (the seller pays the refund)"
    } else {
        "the platform's balance pays and the sellers keep their transfers"
    };
    let fee = if connect.refund_application_fee {
        "the application fee is refunded to the seller in proportion"
    } else {
        "the platform keeps its application fees"
    };
    format!("On the {orders}: {transfer}; {fee}.")
}

/// Why an order is left out of a bulk refund.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Skip {
    /// Nothing was taken yet (authorized, pending) or the authorization was canceled.
    NotPaid(PaymentState),
    /// Everything paid was already refunded.
    FullyRefunded,
    /// The order has no payment.
    NoPayment,
    /// A fixed amount typed in another currency.
    OtherCurrency(String),
    /// Less is left than the fixed amount asked.
    LessLeft(i64),
    /// The share rounds to nothing.
    RoundsToZero,
    /// The charge is disputed: Stripe refuses refunds; the dispute is answered instead.
    Disputed,
}

impl Skip {
    /// The reason in words, for the preview and the results.
    #[must_use]
    pub fn words(&self, currency: &str) -> String {
        match self {
            Skip::NotPaid(PaymentState::AwaitingCapture) => {
                "not captured: nothing was taken (cancel the authorization instead)".into()
            }
            Skip::NotPaid(state) => format!("not paid ({})", state.label()),
            Skip::FullyRefunded => "already fully refunded".into(),
            Skip::NoPayment => "no payment on this order".into(),
            Skip::OtherCurrency(c) => format!(
                "paid in {}, not in the amount's currency {}",
                currency.to_uppercase(),
                c.to_uppercase()
            ),
            Skip::LessLeft(left) => format!(
                "only {} left to refund, less than the amount asked",
                money::format(*left, currency)
            ),
            Skip::RoundsToZero => "the share rounds to nothing".into(),
            Skip::Disputed => "disputed: answer the dispute instead".into(),
        }
    }
}

/// One order in a bulk refund plan.
#[derive(Debug, Clone, PartialEq)]
pub struct PlannedRefund {
    /// The order as listed.
    pub order: OrderRow,
    /// What this refund takes, minor units (0 when skipped).
    pub refund: i64,
    /// Why it is skipped, if it is.
    pub skip: Option<Skip>,
}

impl PlannedRefund {
    /// The `pi_…` to refund, when the order is not skipped.
    #[must_use]
    pub fn payment_intent(&self) -> Option<&str> {
        if self.skip.is_some() {
            return None;
        }
        self.order.payment_intent.as_deref()
    }
}

/// Plans a refund of `how` on each of `orders`, never more than is left on any of them.
#[must_use]
pub fn plan(orders: &[OrderRow], how: &BulkAmount) -> Vec<PlannedRefund> {
    orders
        .iter()
        .map(|o| {
            let left = o.refundable();
            let skip = if o.payment_intent.is_none() {
                Some(Skip::NoPayment)
            } else if o.state == PaymentState::Refunded {
                Some(Skip::FullyRefunded)
            } else if !matches!(o.state, PaymentState::Paid | PaymentState::PartlyRefunded) {
                Some(Skip::NotPaid(o.state))
            } else if left <= 0 {
                Some(Skip::FullyRefunded)
            } else if o.disputed {
                Some(Skip::Disputed)
            } else {
                None
            };
            let wanted = match how {
                BulkAmount::Full => left,
                BulkAmount::Fixed { amount, .. } => *amount,
                BulkAmount::Percent(bp) => share(o.captured, *bp, &o.currency),
            };
            let skip = skip.or_else(|| match how {
                BulkAmount::Fixed { currency, .. } if *currency != o.currency => {
                    Some(Skip::OtherCurrency(currency.clone()))
                }
                BulkAmount::Fixed { amount, .. } if *amount > left => Some(Skip::LessLeft(left)),
                BulkAmount::Percent(_) if wanted <= 0 => Some(Skip::RoundsToZero),
                BulkAmount::Percent(_) if wanted > left => Some(Skip::LessLeft(left)),
                _ => None,
            });
            PlannedRefund {
                order: o.clone(),
                refund: if skip.is_some() { 0 } else { wanted },
                skip,
            }
        })
        .collect()
}

/// `bp` hundredths of a percent of `paid`, rounded down to the currency's smallest step.
fn share(paid: i64, bp: u32, currency: &str) -> i64 {
    let raw = i128::from(paid) * i128::from(bp) / 10_000;
    let step = i128::from(money::step(currency).max(1));
    i64::try_from(raw / step * step).unwrap_or(0)
}

/// Totals of a plan per currency: (currency, orders refunded, amount), in currency order.
#[must_use]
pub fn totals(plan: &[PlannedRefund]) -> Vec<(String, usize, i64)> {
    let mut by: std::collections::BTreeMap<&str, (usize, i64)> =
        std::collections::BTreeMap::default();
    for p in plan.iter().filter(|p| p.skip.is_none()) {
        let e = by.entry(p.order.currency.as_str()).or_default();
        e.0 += 1;
        e.1 += p.refund;
    }
    by.into_iter()
        .map(|(c, (n, a))| (c.to_owned(), n, a))
        .collect()
}

/// How one order of a bulk refund ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BulkOutcome {
    /// Left out before anything was sent; the reason.
    Skipped(String),
    /// Stripe made the refund (`re_…`, its status).
    Refunded {
        /// `re_…`.
        refund: String,
        /// `pending`, `succeeded`, ….
        status: String,
    },
    /// Stripe refused it, or its outcome is not known yet; the sentence says which and what to
    /// do.
    Failed(String),
}

/// The results of a bulk refund as CSV (header first), amounts in major units.
///
/// # Errors
/// When writing fails.
pub fn results_csv(
    results: &[(PlannedRefund, BulkOutcome)],
    out: impl std::io::Write,
) -> csv::Result<()> {
    let mut w = csv::Writer::from_writer(out);
    w.write_record([
        "order_number",
        "agent",
        "customer",
        "checkout_session",
        "payment_intent",
        "currency",
        "paid",
        "refunded_before",
        "refund",
        "result",
        "refund_id",
        "detail",
        "seller",
    ])?;
    for (p, outcome) in results {
        let o = &p.order;
        let (result, id, detail) = match outcome {
            BulkOutcome::Skipped(why) => ("skipped", String::new(), why.clone()),
            BulkOutcome::Refunded { refund, status } => {
                ("refunded", refund.clone(), status.clone())
            }
            BulkOutcome::Failed(why) => ("failed", String::new(), why.clone()),
        };
        w.write_record([
            o.display_number().as_str(),
            &o.agent,
            &o.customer,
            &o.id,
            o.payment_intent.as_deref().unwrap_or(""),
            &o.currency.to_uppercase(),
            &money::format_plain(o.captured, &o.currency),
            &money::format_plain(o.refunded, &o.currency),
            &money::format_plain(p.refund, &o.currency),
            result,
            &id,
            &detail,
            o.seller.as_deref().unwrap_or(""),
        ])?;
    }
    w.flush()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn order(id: &str, state: PaymentState, captured: i64, refunded: i64) -> OrderRow {
        OrderRow {
            id: id.into(),
            payment_intent: Some(format!("pi_{id}")),
            created: 0,
            agent: "Shopper".into(),
            order_number: String::new(),
            customer: "Ada".into(),
            email: String::new(),
            items: String::new(),
            skus: Vec::new(),
            currency: "usd".into(),
            total: captured,
            captured,
            refunded,
            capturable: 0,
            state,
            capture_before: None,
            disputed: false,
            seller: None,
            seller_name: String::new(),
        }
    }

    #[test]
    fn percentages_are_read_to_two_decimals_and_bounded() {
        assert_eq!(parse_percent("10"), Ok(1000));
        assert_eq!(parse_percent(" 12.5 %"), Ok(1250));
        assert_eq!(parse_percent("0.01"), Ok(1));
        assert_eq!(parse_percent("100"), Ok(10_000));
        for bad in ["0", "100.01", "abc", "", "1.234", "-5", "1e2", "."] {
            assert!(parse_percent(bad).is_err(), "{bad:?} should be refused");
        }
        assert_eq!(percent_text(1250), "12.5");
        assert_eq!(percent_text(1), "0.01");
    }

    #[test]
    fn the_plan_skips_what_cannot_be_refunded_and_never_takes_more_than_is_left() {
        let orders = [
            order("paid", PaymentState::Paid, 5000, 0),
            order("part", PaymentState::PartlyRefunded, 5000, 4000),
            order("done", PaymentState::Refunded, 5000, 5000),
            order("auth", PaymentState::AwaitingCapture, 0, 0),
        ];
        let full = plan(&orders, &BulkAmount::Full);
        assert_eq!(full[0].refund, 5000);
        assert_eq!(full[1].refund, 1000);
        assert_eq!(full[2].skip, Some(Skip::FullyRefunded));
        assert!(matches!(full[3].skip, Some(Skip::NotPaid(_))));
        assert_eq!(full[3].payment_intent(), None);

        let fixed = plan(
            &orders,
            &BulkAmount::Fixed {
                amount: 2000,
                currency: "usd".into(),
            },
        );
        assert_eq!(fixed[0].refund, 2000);
        assert_eq!(fixed[1].skip, Some(Skip::LessLeft(1000)));

        let eur = plan(
            &orders,
            &BulkAmount::Fixed {
                amount: 100,
                currency: "eur".into(),
            },
        );
        assert_eq!(eur[0].skip, Some(Skip::OtherCurrency("eur".into())));

        let share = plan(&orders, &BulkAmount::Percent(3333));
        assert_eq!(share[0].refund, 1666, "33.33 % of 50.00, rounded down");
        assert_eq!(share[1].skip, Some(Skip::LessLeft(1000)));
        assert_eq!(totals(&share), vec![("usd".to_owned(), 1, 1666)]);
    }

    #[test]
    fn the_results_csv_has_a_line_per_order_with_its_outcome() {
        let mut sellers = order("seller", PaymentState::Paid, 2000, 0);
        sellers.seller = Some("acct_alder".into());
        let p = plan(
            &[order("paid", PaymentState::Paid, 5000, 0), sellers],
            &BulkAmount::Full,
        );
        let refunded = |n: &str| BulkOutcome::Refunded {
            refund: n.into(),
            status: "succeeded".into(),
        };
        let results = vec![
            (p[0].clone(), refunded("re_1")),
            (p[1].clone(), refunded("re_2")),
        ];
        let mut out = Vec::new();
        results_csv(&results, &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(text.lines().next().unwrap().ends_with(",detail,seller"));
        let line = text.lines().nth(1).unwrap();
        assert!(
            line.ends_with("pi_paid,USD,50.00,0.00,50.00,refunded,re_1,succeeded,"),
            "the platform's own charge has no seller: {line}"
        );
        let line = text.lines().nth(2).unwrap();
        assert!(
            line.ends_with("refunded,re_2,succeeded,acct_alder"),
            "a destination charge names its seller: {line}"
        );
    }
}
