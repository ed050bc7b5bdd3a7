//! How money moves on destination charges (`reference/stripe-api-events-connect-disputes.md`
//! §18.3–18.6): on capture the whole amount is transferred to the seller and the application
//! fee comes back to the platform; a refund is paid from the platform's balance unless it
//! reverses the transfer (`reverse_transfer`) and refunds the fee (`refund_application_fee`),
//! each in proportion to the refund. And what that leaves on each account's balance.

use std::collections::BTreeMap;

use rand::rngs::StdRng;

use super::ids;
use super::state::{ApplicationFee, Destination, FeeRefund, Ledger, Transfer, TransferReversal};
use crate::money::{proportional, share};

/// The platform's Connect application (`ca_…`), named on its application fees.
pub(crate) const PLATFORM_APPLICATION: &str = "ca_SandboxSellerConsolePlatform42";

/// The demo platform's terms for a destination charge of `amount` to `account`: settled on
/// behalf of the seller, with a 10 % application fee (rounded half up).
pub(crate) fn demo_terms(account: &str, amount: i64) -> Destination {
    Destination {
        account: account.to_owned(),
        on_behalf_of: Some(account.to_owned()),
        application_fee_amount: Some(share(amount, 1, 10)),
    }
}

/// What a capture of a destination charge made.
#[derive(Debug, Default)]
pub(crate) struct Settled {
    /// The transfer (`tr_…`) to the destination.
    pub transfer: Option<String>,
    /// The application fee (`fee_…`), when the charge has one.
    pub application_fee: Option<String>,
}

/// On capture of destination charge `charge_id` at `at`: transfers what was captured to the
/// destination and takes the application fee (at most the captured amount) back from it.
/// Nothing for a charge with no destination, not captured, or already settled.
pub(crate) fn settle(ledger: &mut Ledger, rng: &mut StdRng, charge_id: &str, at: i64) -> Settled {
    let Some(charge) = ledger.charges.get(charge_id) else {
        return Settled::default();
    };
    let Some(dest) = charge.destination.clone() else {
        return Settled::default();
    };
    if !charge.captured || charge.transfer.is_some() || charge.amount_captured <= 0 {
        return Settled::default();
    }
    let (amount, currency) = (charge.amount_captured, charge.currency.clone());
    let group = format!("group_{}", charge.payment_intent);
    let payment = ids::v1(rng, "py");
    let transfer = Transfer {
        id: ids::v1(rng, "tr"),
        seq: ledger.next_seq(),
        created: at,
        amount,
        currency: currency.clone(),
        destination: dest.account.clone(),
        destination_payment: payment.clone(),
        source_transaction: Some(charge_id.to_owned()),
        group: Some(group),
        balance_transaction: ids::v1(rng, "txn"),
        reversals: Vec::new(),
    };
    let fee = dest
        .application_fee_amount
        .map(|f| f.min(amount))
        .filter(|f| *f > 0)
        .map(|f| ApplicationFee {
            id: ids::v1(rng, "fee"),
            seq: 0,
            created: at,
            amount: f,
            currency,
            account: dest.account.clone(),
            charge: payment,
            originating_transaction: Some(charge_id.to_owned()),
            balance_transaction: ids::v1(rng, "txn"),
            refunds: Vec::new(),
        });
    let settled = Settled {
        transfer: Some(transfer.id.clone()),
        application_fee: fee.as_ref().map(|f| f.id.clone()),
    };
    ledger.transfers.insert(transfer);
    if let Some(mut fee) = fee {
        fee.seq = ledger.next_seq();
        ledger.application_fees.insert(fee);
    }
    if let Some(charge) = ledger.charges.get_mut(charge_id) {
        charge.transfer.clone_from(&settled.transfer);
        charge.application_fee.clone_from(&settled.application_fee);
    }
    settled
}

/// What a refund of a destination charge took back from its seller.
#[derive(Debug, Default)]
pub(crate) struct Unwound {
    /// The transfer reversal (`trr_…`) made, if any.
    pub reversal: Option<String>,
    /// The fee refund (`fr_…`) made, if any.
    pub fee_refund: Option<String>,
}

/// A refund of the charge, as it moves money on the charge's transfer and fee.
#[derive(Debug, Clone, Copy)]
pub(crate) struct RefundShare<'a> {
    pub charge: &'a str,
    pub refund: &'a str,
    /// The charge's `amount_refunded` before this refund.
    pub before: i64,
    /// This refund's amount.
    pub amount: i64,
    /// `reverse_transfer`.
    pub reverse_transfer: bool,
    /// `refund_application_fee`.
    pub refund_application_fee: bool,
    pub at: i64,
}

/// Reverses the charge's transfer and refunds its fee as `refund` asks, each in proportion
/// to the refund (never more than is left). A refund asking for neither leaves them as they
/// are: the platform's balance pays it and the seller keeps the transfer.
pub(crate) fn unwind(ledger: &mut Ledger, rng: &mut StdRng, refund: &RefundShare<'_>) -> Unwound {
    let Some(charge) = ledger.charges.get(refund.charge) else {
        return Unwound::default();
    };
    let (captured, after) = (charge.amount_captured, refund.before + refund.amount);
    let (transfer, fee) = (charge.transfer.clone(), charge.application_fee.clone());
    let mut out = Unwound::default();
    if refund.reverse_transfer
        && let Some(t) = transfer.and_then(|id| ledger.transfers.get_mut(&id))
    {
        let left = t.amount - t.amount_reversed();
        let part = proportional(t.amount, refund.before, after, captured).clamp(0, left);
        if part > 0 {
            let id = ids::v1(rng, "trr");
            t.reversals.push(TransferReversal {
                id: id.clone(),
                created: refund.at,
                amount: part,
                destination_payment_refund: ids::v1(rng, "pyr"),
                source_refund: Some(refund.refund.to_owned()),
                balance_transaction: ids::v1(rng, "txn"),
            });
            out.reversal = Some(id);
        }
    }
    if refund.refund_application_fee
        && let Some(f) = fee.and_then(|id| ledger.application_fees.get_mut(&id))
    {
        let left = f.amount - f.amount_refunded();
        let part = proportional(f.amount, refund.before, after, captured).clamp(0, left);
        if part > 0 {
            let id = ids::v1(rng, "fr");
            f.refunds.push(FeeRefund {
                id: id.clone(),
                created: refund.at,
                amount: part,
                balance_transaction: ids::v1(rng, "txn"),
            });
            out.fee_refund = Some(id);
        }
    }
    out
}

/// The balance of an account by currency: what its charges brought in net of Stripe's fees,
/// less its refunds and dispute withdrawals (with their fees); for the platform (`account`
/// `None`) less what it transferred and plus the fees it kept, for a connected account plus
/// the transfers it received and less the fees taken from it, reversals and fee refunds
/// counted back. `own` is the account's ledger, `platform` the platform's in the same mode.
pub(crate) fn balance(
    own: Option<&Ledger>,
    platform: Option<&Ledger>,
    account: Option<&str>,
) -> BTreeMap<String, i64> {
    let mut out: BTreeMap<String, i64> = BTreeMap::new();
    let mut add = |currency: &str, amount: i64| {
        *out.entry(currency.to_owned()).or_default() += amount;
    };
    if let Some(own) = own {
        for c in own.charges.values().filter(|c| c.captured) {
            add(&c.currency, c.amount_captured - c.stripe_fee());
        }
        for r in own.refunds.values() {
            add(&r.currency, -r.amount);
        }
        for d in own.disputes.values() {
            for (_, amount, _, _) in &d.balance_transactions {
                add(&d.currency, amount - super::state::Dispute::fee_on(*amount));
            }
        }
    }
    let Some(platform) = platform else {
        return out;
    };
    let sign = if account.is_some() { 1 } else { -1 };
    for t in platform.transfers.values() {
        if account.is_none_or(|a| a == t.destination) {
            add(&t.currency, sign * (t.amount - t.amount_reversed()));
        }
    }
    for f in platform.application_fees.values() {
        if account.is_none_or(|a| a == f.account) {
            add(&f.currency, -sign * (f.amount - f.amount_refunded()));
        }
    }
    out
}
