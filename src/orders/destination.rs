//! Destination charges as support sees them (`reference/stripe-api-events-connect-disputes.md`
//! §18.3–18.6): which seller an order paid, the transfer and the application fee, and what a
//! refund does to the seller's and the platform's balances with or without `reverse_transfer`
//! and `refund_application_fee`. Pure: built from Stripe's objects, no network.

use crate::money;
use crate::stripe::payment_intents::{Charge, PaymentIntent};
use crate::stripe::refunds::ConnectRefund;

/// The transfer of a destination charge to its seller.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransferShare {
    /// `tr_…`.
    pub id: String,
    /// What was transferred, minor units.
    pub amount: i64,
    /// What refunds have taken back so far, minor units.
    pub reversed: i64,
}

/// The platform's application fee on a charge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeeShare {
    /// `fee_…`, once the charge is captured.
    pub id: Option<String>,
    /// The fee, minor units.
    pub amount: i64,
    /// What refunds have given back to the seller so far, minor units.
    pub refunded: i64,
}

/// A charge made by the platform for one of its sellers (or with an application fee).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Destination {
    /// The seller paid (`transfer_data.destination`), when it is a destination charge.
    pub seller: Option<String>,
    /// The seller's name, once looked up.
    pub seller_name: Option<String>,
    /// Lowercase currency.
    pub currency: String,
    /// Captured on the charge, minor units.
    pub captured: i64,
    /// Refunded on the charge so far, minor units.
    pub refunded: i64,
    /// The transfer, once the charge is captured and the transfer was read.
    pub transfer: Option<TransferShare>,
    /// The application fee, when the charge has one.
    pub fee: Option<FeeShare>,
}

/// What one refund moves between the buyer, the platform and the seller.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RefundEffect {
    /// The refund, minor units.
    pub amount: i64,
    /// Taken back from the seller's balance by reversing the transfer.
    pub reversal: i64,
    /// Given back to the seller from the platform's fee.
    pub fee_back: i64,
}

impl RefundEffect {
    /// The change to the seller's balance (negative: the seller pays).
    #[must_use]
    pub fn seller_change(&self) -> i64 {
        self.fee_back - self.reversal
    }

    /// The change to the platform's balance (negative: the platform pays).
    #[must_use]
    pub fn platform_change(&self) -> i64 {
        self.reversal - self.amount - self.fee_back
    }
}

impl Destination {
    /// The destination side of a payment: `None` for a charge with neither a destination nor
    /// an application fee (a plain direct charge, which this module has nothing to say about).
    #[must_use]
    pub fn of(pi: &PaymentIntent) -> Option<Destination> {
        let charge: Option<&Charge> = pi.charge();
        let seller = charge
            .and_then(Charge::destination)
            .or_else(|| pi.destination())
            .map(str::to_owned);
        let fee_amount = charge
            .and_then(|c| c.application_fee_amount)
            .or(pi.application_fee_amount);
        if seller.is_none() && fee_amount.is_none() {
            return None;
        }
        let transfer = charge
            .and_then(Charge::transfer_object)
            .map(|t| TransferShare {
                id: t.id.clone(),
                amount: t.amount,
                reversed: t.amount_reversed,
            });
        let fee = match charge.and_then(Charge::application_fee_object) {
            Some(f) => Some(FeeShare {
                id: Some(f.id.clone()),
                amount: f.amount,
                refunded: f.amount_refunded,
            }),
            None => fee_amount.map(|amount| FeeShare {
                id: charge
                    .and_then(|c| c.application_fee.as_ref())
                    .map(|f| f.id().to_owned()),
                amount,
                refunded: 0,
            }),
        };
        Some(Destination {
            seller,
            seller_name: None,
            currency: pi.currency.clone().unwrap_or_else(|| "usd".into()),
            captured: charge.map_or(0, |c| c.amount_captured),
            refunded: charge.map_or(0, |c| c.amount_refunded),
            transfer,
            fee,
        })
    }

    /// The seller in words: its name when known, else its id.
    #[must_use]
    pub fn seller_label(&self) -> String {
        match (&self.seller_name, &self.seller) {
            (Some(name), _) if !name.is_empty() => name.clone(),
            (_, Some(id)) => id.clone(),
            _ => "the connected account".into(),
        }
    }

    /// Whether `reverse_transfer` has something to take back: a transfer not yet fully
    /// reversed. A charge not captured yet has none.
    #[must_use]
    pub fn can_reverse(&self) -> bool {
        self.transfer
            .as_ref()
            .is_some_and(|t| t.amount > t.reversed)
    }

    /// Whether `refund_application_fee` has something to give back.
    #[must_use]
    pub fn can_refund_fee(&self) -> bool {
        self.fee.as_ref().is_some_and(|f| f.amount > f.refunded)
    }

    /// Why Stripe would refuse these flags on this charge, in words (`None`: it would not).
    #[must_use]
    pub fn refusal(&self, flags: ConnectRefund) -> Option<String> {
        if flags.reverse_transfer && !self.can_reverse() {
            return Some(match &self.transfer {
                None if self.seller.is_none() => {
                    "This charge has no transfer to reverse: --reverse-transfer applies only to \
                     destination charges."
                        .into()
                }
                None => "This charge has no transfer to reverse yet (it is not captured, or its \
                         transfer could not be read)."
                    .into(),
                Some(_) => "The transfer of this charge is already fully reversed.".into(),
            });
        }
        if flags.refund_application_fee && !self.can_refund_fee() {
            return Some(match &self.fee {
                None => "This charge has no application fee to refund.".into(),
                Some(_) => "The application fee of this charge is already fully refunded.".into(),
            });
        }
        None
    }

    /// What a refund of `amount` with `flags` takes back from the seller and gives back of the
    /// fee, each in proportion to the refund as Stripe does (never more than is left).
    #[must_use]
    pub fn effect(&self, amount: i64, flags: ConnectRefund) -> RefundEffect {
        let (before, after) = (self.refunded, self.refunded + amount.max(0));
        let reversal = match (&self.transfer, flags.reverse_transfer) {
            (Some(t), true) => money::proportional(t.amount, before, after, self.captured)
                .clamp(0, t.amount - t.reversed),
            _ => 0,
        };
        let fee_back = match (&self.fee, flags.refund_application_fee) {
            (Some(f), true) => money::proportional(f.amount, before, after, self.captured)
                .clamp(0, f.amount - f.refunded),
            _ => 0,
        };
        RefundEffect {
            amount: amount.max(0),
            reversal,
            fee_back,
        }
    }

    /// What a refund of `amount` with `flags` does to each balance, in sentences: one on the
    /// transfer, one on the fee (when the charge has one), and the net for each side.
    #[must_use]
    pub fn explain(&self, amount: i64, flags: ConnectRefund) -> Vec<String> {
        let e = self.effect(amount, flags);
        let m = |a: i64| money::format_symbol(a, &self.currency);
        let seller = self.seller_label();
        let mut out = Vec::new();
        if self.seller.is_some() {
            out.push(if flags.reverse_transfer {
                format!(
                    "Reverse the transfer: {} comes back from {seller}'s balance to the \
                     platform's, the share of the transfer this refund stands for.",
                    m(e.reversal)
                )
            } else {
                format!(
                    "The transfer stays: the platform's balance pays the {} refund and {seller} \
                     keeps what it was paid.",
                    m(e.amount)
                )
            });
        }
        if let Some(fee) = &self.fee {
            out.push(if flags.refund_application_fee {
                format!(
                    "Refund the application fee: {} of the platform's {} fee goes back to \
                     {seller}.",
                    m(e.fee_back),
                    m(fee.amount)
                )
            } else {
                format!("The platform keeps its {} application fee.", m(fee.amount))
            });
        }
        out.push(format!(
            "Net: {seller} {}, the platform {}.",
            signed(e.seller_change(), &self.currency),
            signed(e.platform_change(), &self.currency)
        ));
        out
    }
}

/// An amount with its sign: `−$18.00`, `+$2.00`, `$0.00`.
fn signed(amount: i64, currency: &str) -> String {
    let text = money::format_symbol(amount.abs(), currency);
    match amount.signum() {
        -1 => format!("−{text}"),
        1 => format!("+{text}"),
        _ => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn charge(captured: i64, refunded: i64, reversed: i64, fee_refunded: i64) -> Destination {
        Destination {
            seller: Some("acct_1Alder".into()),
            seller_name: Some("Alder & Ash".into()),
            currency: "usd".into(),
            captured,
            refunded,
            transfer: Some(TransferShare {
                id: "tr_1".into(),
                amount: captured,
                reversed,
            }),
            fee: Some(FeeShare {
                id: Some("fee_1".into()),
                amount: captured / 10,
                refunded: fee_refunded,
            }),
        }
    }

    const BOTH: ConnectRefund = ConnectRefund {
        reverse_transfer: true,
        refund_application_fee: true,
    };

    #[test]
    fn without_flags_the_platform_pays_and_the_seller_keeps_everything() {
        let d = charge(10_000, 0, 0, 0);
        let e = d.effect(2_000, ConnectRefund::default());
        assert_eq!((e.reversal, e.fee_back), (0, 0));
        assert_eq!(e.seller_change(), 0);
        assert_eq!(e.platform_change(), -2_000);
        let words = d.explain(2_000, ConnectRefund::default()).join(" ");
        assert!(
            words.contains("platform's balance pays the $20.00 refund"),
            "{words}"
        );
        assert!(
            words.contains("keeps its $10.00 application fee"),
            "{words}"
        );
        assert!(
            words.contains("Net: Alder & Ash $0.00, the platform −$20.00."),
            "{words}"
        );
    }

    #[test]
    fn both_flags_take_back_in_proportion() {
        let d = charge(10_000, 0, 0, 0);
        let e = d.effect(2_000, BOTH);
        assert_eq!(e.reversal, 2_000);
        assert_eq!(e.fee_back, 200);
        assert_eq!(e.seller_change(), -1_800);
        assert_eq!(e.platform_change(), -200);
        let words = d.explain(2_000, BOTH).join(" ");
        assert!(
            words.contains("$20.00 comes back from Alder & Ash's balance"),
            "{words}"
        );
        assert!(
            words.contains("$2.00 of the platform's $10.00 fee goes back"),
            "{words}"
        );
        assert!(
            words.contains("Net: Alder & Ash −$18.00, the platform −$2.00."),
            "{words}"
        );
    }

    #[test]
    fn partial_refunds_add_up_to_the_whole_transfer_and_fee() {
        // 3 refunds of a third of $100.01: the shares round, the sum is exact.
        let mut d = charge(10_001, 0, 0, 0);
        let (mut reversed, mut fee_back) = (0, 0);
        for amount in [3_334, 3_334, 3_333] {
            let e = d.effect(amount, BOTH);
            reversed += e.reversal;
            fee_back += e.fee_back;
            d.refunded += amount;
            let t = d.transfer.as_mut().unwrap();
            t.reversed += e.reversal;
            d.fee.as_mut().unwrap().refunded += e.fee_back;
        }
        assert_eq!(reversed, 10_001);
        assert_eq!(fee_back, 1_000);
        assert!(!d.can_reverse() && !d.can_refund_fee());
    }

    #[test]
    fn flags_with_nothing_to_take_back_are_refused_in_words() {
        let mut d = charge(10_000, 0, 0, 0);
        assert_eq!(d.refusal(BOTH), None);
        d.transfer = None;
        d.seller = None;
        let why = d.refusal(BOTH).unwrap();
        assert!(why.contains("only to destination charges"), "{why}");
        d.fee = None;
        let why = d
            .refusal(ConnectRefund {
                reverse_transfer: false,
                refund_application_fee: true,
            })
            .unwrap();
        assert!(why.contains("no application fee"), "{why}");
    }

    #[test]
    fn signed_amounts_read_as_gains_and_losses() {
        assert_eq!(signed(-1_800, "usd"), "−$18.00");
        assert_eq!(signed(200, "usd"), "+$2.00");
        assert_eq!(signed(0, "usd"), "$0.00");
    }
}
