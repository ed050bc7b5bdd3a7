//! Destination charges as the platform sees them
//! (`reference/stripe-api-events-connect-disputes.md` §18.3–18.6): where a charge's money
//! goes (`transfer_data`), the transfer to the seller with its reversals, and the application
//! fee with its refunds.

use serde::{Deserialize, Serialize};

use super::account::Account;
use super::model::{Expandable, List, has_id};

/// `transfer_data` of a `PaymentIntent` or charge: the connected account paid.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TransferData {
    /// The seller's account (`acct_…`), an id unless expanded.
    pub destination: Expandable<Account>,
    /// The amount transferred when less than the charge (`None`: all of it).
    #[serde(default)]
    pub amount: Option<i64>,
}

/// A transfer reversal (`trr_…`): money taken back from the seller.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TransferReversal {
    /// `trr_…`.
    pub id: String,
    /// Minor units.
    #[serde(default)]
    pub amount: i64,
    /// Unix seconds.
    #[serde(default)]
    pub created: i64,
    /// The refund (`re_…`) that reversed it.
    #[serde(default)]
    pub source_refund: Option<String>,
}

/// A transfer (`tr_…`) from the platform to a connected account.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Transfer {
    /// `tr_…`.
    pub id: String,
    /// Minor units.
    #[serde(default)]
    pub amount: i64,
    /// How much of it was reversed.
    #[serde(default)]
    pub amount_reversed: i64,
    /// Lower-case ISO currency.
    #[serde(default)]
    pub currency: Option<String>,
    /// The account paid, an id unless expanded.
    #[serde(default)]
    pub destination: Option<Expandable<Account>>,
    /// The payment (`py_…`) it made on the connected account.
    #[serde(default)]
    pub destination_payment: Option<String>,
    /// True once fully reversed.
    #[serde(default)]
    pub reversed: bool,
    /// The newest reversals.
    #[serde(default)]
    pub reversals: Option<List<TransferReversal>>,
    /// The charge it was paid from.
    #[serde(default)]
    pub source_transaction: Option<String>,
    /// Unix seconds.
    #[serde(default)]
    pub created: i64,
}

/// A refund of an application fee (`fr_…`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FeeRefund {
    /// `fr_…`.
    pub id: String,
    /// Minor units.
    #[serde(default)]
    pub amount: i64,
    /// Unix seconds.
    #[serde(default)]
    pub created: i64,
}

/// An application fee (`fee_…`) the platform took from a connected account.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ApplicationFee {
    /// `fee_…`.
    pub id: String,
    /// The account the fee came from, an id unless expanded.
    #[serde(default)]
    pub account: Option<Expandable<Account>>,
    /// Minor units.
    #[serde(default)]
    pub amount: i64,
    /// How much was given back.
    #[serde(default)]
    pub amount_refunded: i64,
    /// Lower-case ISO currency.
    #[serde(default)]
    pub currency: Option<String>,
    /// The platform charge behind it (destination charges).
    #[serde(default)]
    pub originating_transaction: Option<String>,
    /// True only once fully refunded.
    #[serde(default)]
    pub refunded: bool,
    /// The newest refunds.
    #[serde(default)]
    pub refunds: Option<List<FeeRefund>>,
}

has_id!(Transfer, ApplicationFee, TransferReversal, FeeRefund);
