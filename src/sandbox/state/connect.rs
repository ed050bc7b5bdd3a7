//! Money moved between the platform and its connected accounts by destination charges
//! (`reference/stripe-api-events-connect-disputes.md` §18.3–18.6): the transfer of a charge to
//! its seller, with its reversals, and the application fee taken back, with its refunds. Both
//! live on the platform's ledger.

/// Where a destination charge's money goes: `transfer_data[destination]`, `on_behalf_of`
/// and `application_fee_amount`, as set on the `PaymentIntent` and copied to its charge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Destination {
    /// `transfer_data.destination`: the seller's `acct_…`.
    pub account: String,
    /// `on_behalf_of` (for cards it must equal the destination).
    pub on_behalf_of: Option<String>,
    /// `application_fee_amount`: what the platform keeps, in minor units.
    pub application_fee_amount: Option<i64>,
}

/// A transfer (`tr_…`) from the platform to a connected account.
#[derive(Debug, Clone)]
pub(crate) struct Transfer {
    pub id: String,
    pub seq: u64,
    pub created: i64,
    pub amount: i64,
    pub currency: String,
    /// The connected account paid (`acct_…`).
    pub destination: String,
    /// The payment (`py_…`) the transfer made on the connected account.
    pub destination_payment: String,
    /// The platform charge (`ch_…`) it was paid from.
    pub source_transaction: Option<String>,
    /// `transfer_group`.
    pub group: Option<String>,
    pub balance_transaction: String,
    /// Oldest first.
    pub reversals: Vec<TransferReversal>,
}

impl Transfer {
    /// `amount_reversed`.
    pub fn amount_reversed(&self) -> i64 {
        self.reversals.iter().map(|r| r.amount).sum()
    }

    /// `reversed`: true once the whole amount has been reversed.
    pub fn reversed(&self) -> bool {
        self.amount > 0 && self.amount_reversed() >= self.amount
    }
}

/// A transfer reversal (`trr_…`): money taken back from the connected account.
#[derive(Debug, Clone)]
pub(crate) struct TransferReversal {
    pub id: String,
    pub created: i64,
    pub amount: i64,
    /// The refund (`pyr_…`) of the destination payment on the connected account.
    pub destination_payment_refund: String,
    /// The refund (`re_…`) that reversed it.
    pub source_refund: Option<String>,
    pub balance_transaction: String,
}

/// An application fee (`fee_…`): what the platform took from a connected account's payment.
#[derive(Debug, Clone)]
pub(crate) struct ApplicationFee {
    pub id: String,
    pub seq: u64,
    pub created: i64,
    pub amount: i64,
    pub currency: String,
    /// The connected account the fee was taken from.
    pub account: String,
    /// The payment the fee was taken from (for a destination charge, the `py_…` on the
    /// connected account).
    pub charge: String,
    /// The platform charge (`ch_…`) behind it, for a destination charge.
    pub originating_transaction: Option<String>,
    pub balance_transaction: String,
    /// Oldest first.
    pub refunds: Vec<FeeRefund>,
}

impl ApplicationFee {
    /// `amount_refunded`.
    pub fn amount_refunded(&self) -> i64 {
        self.refunds.iter().map(|r| r.amount).sum()
    }

    /// `refunded`: true only once the whole fee has been refunded.
    pub fn refunded(&self) -> bool {
        self.amount > 0 && self.amount_refunded() >= self.amount
    }
}

/// A refund of an application fee (`fr_…`), given back to the connected account.
#[derive(Debug, Clone)]
pub(crate) struct FeeRefund {
    pub id: String,
    pub created: i64,
    pub amount: i64,
    pub balance_transaction: String,
}
