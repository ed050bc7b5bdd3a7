//! Refunds: create (full or partial), list for a `PaymentIntent`, retrieve.

use serde::{Deserialize, Serialize};

use super::client::{ApiVersion, Call, Client};
use super::error::Error;
use super::form::{Form, path_id};
use super::idempotency::IdempotencyKey;
use super::model::{Metadata, has_id, stripe_enum};
use super::pagination::Pager;

stripe_enum! {
    /// Where a refund is.
    pub enum RefundStatus {
        /// On its way.
        Pending = "pending",
        /// Needs an action (rare, non-card methods).
        RequiresAction = "requires_action",
        /// Done.
        Succeeded = "succeeded",
        /// Failed; the money stays with the seller.
        Failed = "failed",
        /// Canceled.
        Canceled = "canceled",
    }
}

stripe_enum! {
    /// Why a refund was made.
    pub enum RefundReason {
        /// Duplicate charge.
        Duplicate = "duplicate",
        /// Fraud.
        Fraudulent = "fraudulent",
        /// The buyer asked.
        RequestedByCustomer = "requested_by_customer",
        /// Set by Stripe when an uncaptured charge expired.
        ExpiredUncapturedCharge = "expired_uncaptured_charge",
    }
}

/// A Refund.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Refund {
    /// `re_…`.
    pub id: String,
    /// Minor units.
    #[serde(default)]
    pub amount: i64,
    /// Lower-case ISO currency.
    #[serde(default)]
    pub currency: Option<String>,
    /// The charge refunded.
    #[serde(default)]
    pub charge: Option<String>,
    /// The `PaymentIntent` refunded.
    #[serde(default)]
    pub payment_intent: Option<String>,
    /// Unix seconds.
    #[serde(default)]
    pub created: i64,
    /// Status (`None` only on odd objects).
    #[serde(default)]
    pub status: Option<RefundStatus>,
    /// Why.
    #[serde(default)]
    pub reason: Option<RefundReason>,
    /// Metadata.
    #[serde(default)]
    pub metadata: Option<Metadata>,
    /// Why it failed.
    #[serde(default)]
    pub failure_reason: Option<String>,
    /// Receipt number.
    #[serde(default)]
    pub receipt_number: Option<String>,
    /// The reversal (`trr_…`) of a destination charge's transfer it made.
    #[serde(default)]
    pub transfer_reversal: Option<String>,
}

/// What a refund of a destination charge takes back from its seller
/// (`reference/stripe-api-events-connect-disputes.md` §18.6). Both off, Stripe's default: the
/// platform's balance pays the refund and the seller keeps the transfer.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConnectRefund {
    /// `reverse_transfer`: takes back from the seller the share of the transfer the refund
    /// stands for.
    #[serde(default)]
    pub reverse_transfer: bool,
    /// `refund_application_fee`: gives the platform's fee back to the seller in the same
    /// proportion.
    #[serde(default)]
    pub refund_application_fee: bool,
}

impl ConnectRefund {
    /// True when neither is asked for.
    #[must_use]
    pub fn is_off(&self) -> bool {
        !self.reverse_transfer && !self.refund_application_fee
    }
}

/// What to refund.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RefundRequest {
    /// The `PaymentIntent` to refund.
    pub payment_intent: String,
    /// Minor units; `None` refunds everything that is left.
    pub amount: Option<i64>,
    /// Why.
    pub reason: Option<RefundReason>,
    /// Metadata stored on the refund (the console puts its order note here).
    pub metadata: Metadata,
    /// For a destination charge: what to take back from the seller (each sent only when on).
    pub connect: ConnectRefund,
}

impl Client {
    /// Creates a refund. Pass the idempotency key stored with the user's action so a retry
    /// (even after a restart) can never refund twice.
    pub async fn create_refund(
        &self,
        request: &RefundRequest,
        idempotency_key: Option<IdempotencyKey>,
    ) -> Result<Refund, Error> {
        if request.amount.is_some_and(|a| a <= 0) {
            return Err(Error::Invalid(
                "The refund amount must be more than zero.".into(),
            ));
        }
        if matches!(
            request.reason,
            Some(RefundReason::ExpiredUncapturedCharge | RefundReason::Unknown(_))
        ) {
            return Err(Error::Invalid(
                "A refund reason is duplicate, fraudulent or requested_by_customer.".into(),
            ));
        }
        let mut form = Form::new();
        form.push("payment_intent", path_id(&request.payment_intent)?);
        form.push_opt("amount", request.amount);
        form.push_opt("reason", request.reason.as_ref().map(RefundReason::as_str));
        form.push_map("metadata", &request.metadata);
        if request.connect.reverse_transfer {
            form.push("reverse_transfer", "true");
        }
        if request.connect.refund_application_fee {
            form.push("refund_application_fee", "true");
        }
        self.json(
            Call::post("/v1/refunds", ApiVersion::Default)
                .form(form)
                .idempotency(idempotency_key),
        )
        .await
    }

    /// Retrieves a refund.
    pub async fn retrieve_refund(&self, id: &str) -> Result<Refund, Error> {
        self.json(Call::get(
            format!("/v1/refunds/{}", path_id(id)?),
            ApiVersion::Default,
        ))
        .await
    }

    /// The refunds of one `PaymentIntent`, newest first.
    pub fn list_refunds(&self, payment_intent: &str) -> Result<Pager<Refund>, Error> {
        let mut q = Form::new();
        q.push("payment_intent", path_id(payment_intent)?);
        q.push("limit", "100");
        Ok(Pager::v1(
            self.clone(),
            "/v1/refunds",
            q,
            ApiVersion::Default,
        ))
    }
}

has_id!(Refund);
