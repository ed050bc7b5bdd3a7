//! `PaymentIntents` and their charges: retrieve, capture (all or part), cancel, and the
//! capture deadline.

use serde::{Deserialize, Serialize};

use super::account::Account;
use super::client::{ApiVersion, Call, Client};
use super::connect::{ApplicationFee, Transfer, TransferData};
use super::error::Error;
use super::form::{Form, path_id};
use super::idempotency::IdempotencyKey;
use super::model::{Expandable, List, Metadata, has_id, stripe_enum};
use super::refunds::Refund;

stripe_enum! {
    /// Where a `PaymentIntent` is in its life.
    pub enum PaymentIntentStatus {
        /// Needs a payment method.
        RequiresPaymentMethod = "requires_payment_method",
        /// Needs confirmation.
        RequiresConfirmation = "requires_confirmation",
        /// Needs the buyer (3-D Secure, …).
        RequiresAction = "requires_action",
        /// Being processed.
        Processing = "processing",
        /// Authorized, waiting for the seller to capture.
        RequiresCapture = "requires_capture",
        /// Canceled.
        Canceled = "canceled",
        /// Paid.
        Succeeded = "succeeded",
    }
}

stripe_enum! {
    /// How funds are captured.
    pub enum CaptureMethod {
        /// At confirmation.
        Automatic = "automatic",
        /// Asynchronously after confirmation.
        AutomaticAsync = "automatic_async",
        /// By the seller, before the authorization expires.
        Manual = "manual",
    }
}

stripe_enum! {
    /// Why a `PaymentIntent` was canceled.
    pub enum CancellationReason {
        /// Duplicate order.
        Duplicate = "duplicate",
        /// Fraud suspected.
        Fraudulent = "fraudulent",
        /// The buyer asked.
        RequestedByCustomer = "requested_by_customer",
        /// Abandoned.
        Abandoned = "abandoned",
        /// Canceled by Stripe.
        Automatic = "automatic",
        /// The authorization expired.
        Expired = "expired",
        /// Invoice failed.
        FailedInvoice = "failed_invoice",
        /// Invoice voided.
        VoidInvoice = "void_invoice",
    }
}

/// The agent that created the payment (preview field).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgentDetails {
    /// The agent's display name.
    #[serde(default)]
    pub name: Option<String>,
    /// The agent's Stripe profile, as an id or an expanded object.
    #[serde(default)]
    pub network_business_profile: Option<serde_json::Value>,
}

impl AgentDetails {
    /// The profile id (`profile_…`), expanded or not.
    #[must_use]
    pub fn profile_id(&self) -> Option<&str> {
        match self.network_business_profile.as_ref()? {
            serde_json::Value::String(s) => Some(s),
            serde_json::Value::Object(o) => o.get("id").and_then(|v| v.as_str()),
            _ => None,
        }
    }
}

/// Card details on a charge (only what the console shows).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CardDetails {
    /// `visa`, `mastercard`, …
    #[serde(default)]
    pub brand: Option<String>,
    /// Last four digits.
    #[serde(default)]
    pub last4: Option<String>,
    /// Expiry month.
    #[serde(default)]
    pub exp_month: Option<u32>,
    /// Expiry year.
    #[serde(default)]
    pub exp_year: Option<u32>,
    /// Issuing country.
    #[serde(default)]
    pub country: Option<String>,
    /// Deadline to capture an authorized charge, unix seconds.
    #[serde(default)]
    pub capture_before: Option<i64>,
}

/// `charge.payment_method_details`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentMethodDetails {
    /// `card`, `link`, …
    #[serde(default, rename = "type")]
    pub method_type: Option<String>,
    /// Set for cards.
    #[serde(default)]
    pub card: Option<CardDetails>,
}

/// The payer's billing details on a charge.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct BillingDetails {
    /// Name on the payment method.
    #[serde(default)]
    pub name: Option<String>,
    /// Email.
    #[serde(default)]
    pub email: Option<String>,
    /// Phone.
    #[serde(default)]
    pub phone: Option<String>,
    /// Billing address.
    #[serde(default)]
    pub address: Option<super::model::Address>,
}

/// A Charge (what the order view shows of it).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Charge {
    /// `ch_…`.
    pub id: String,
    /// Amount in minor units.
    #[serde(default)]
    pub amount: i64,
    /// Captured so far.
    #[serde(default)]
    pub amount_captured: i64,
    /// Refunded so far.
    #[serde(default)]
    pub amount_refunded: i64,
    /// Lower-case ISO currency.
    #[serde(default)]
    pub currency: Option<String>,
    /// True once captured.
    #[serde(default)]
    pub captured: bool,
    /// True once fully refunded.
    #[serde(default)]
    pub refunded: bool,
    /// True when a dispute is open or was lost.
    #[serde(default)]
    pub disputed: bool,
    /// True when authorized or paid.
    #[serde(default)]
    pub paid: bool,
    /// `succeeded`, `pending`, `failed`.
    #[serde(default)]
    pub status: Option<String>,
    /// Unix seconds.
    #[serde(default)]
    pub created: i64,
    /// The `PaymentIntent`.
    #[serde(default)]
    pub payment_intent: Option<String>,
    /// Card or other method details.
    #[serde(default)]
    pub payment_method_details: Option<PaymentMethodDetails>,
    /// Receipt link.
    #[serde(default)]
    pub receipt_url: Option<String>,
    /// The order number printed on the receipt (set once a receipt is sent).
    #[serde(default)]
    pub receipt_number: Option<String>,
    /// Who paid and their billing address.
    #[serde(default)]
    pub billing_details: Option<BillingDetails>,
    /// Why it failed.
    #[serde(default)]
    pub failure_message: Option<String>,
    /// Refunds, only when expanded.
    #[serde(default)]
    pub refunds: Option<List<Refund>>,
    /// The balance transaction (fees and net), an id unless expanded; none until captured.
    #[serde(default)]
    pub balance_transaction: Option<Expandable<BalanceTransaction>>,
    /// A destination charge's seller (`transfer_data.destination`).
    #[serde(default)]
    pub transfer_data: Option<TransferData>,
    /// The account the charge settles for (equal to the destination, for cards).
    #[serde(default)]
    pub on_behalf_of: Option<Expandable<Account>>,
    /// The platform's fee on a destination (or direct) charge, minor units.
    #[serde(default)]
    pub application_fee_amount: Option<i64>,
    /// The application fee (`fee_…`) taken, an id unless expanded; none until captured.
    #[serde(default)]
    pub application_fee: Option<Expandable<ApplicationFee>>,
    /// The transfer (`tr_…`) to the destination, an id unless expanded; none until captured.
    #[serde(default)]
    pub transfer: Option<Expandable<Transfer>>,
}

/// A balance transaction: what a charge added to the balance after Stripe's fees.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BalanceTransaction {
    /// `txn_…`.
    pub id: String,
    /// Gross amount, minor units.
    #[serde(default)]
    pub amount: i64,
    /// Fees, minor units.
    #[serde(default)]
    pub fee: i64,
    /// Amount minus fees, minor units.
    #[serde(default)]
    pub net: i64,
    /// Lower-case ISO currency.
    #[serde(default)]
    pub currency: Option<String>,
}

has_id!(BalanceTransaction);

impl Charge {
    /// The capture deadline (unix seconds), for authorized card charges.
    #[must_use]
    pub fn capture_before(&self) -> Option<i64> {
        self.payment_method_details
            .as_ref()
            .and_then(|d| d.card.as_ref())
            .and_then(|c| c.capture_before)
    }

    /// What is still refundable, in minor units.
    #[must_use]
    pub fn refundable(&self) -> i64 {
        (self.amount_captured - self.amount_refunded).max(0)
    }

    /// The seller (`acct_…`) a destination charge pays.
    #[must_use]
    pub fn destination(&self) -> Option<&str> {
        self.transfer_data.as_ref().map(|t| t.destination.id())
    }

    /// The transfer to the seller, when it was expanded.
    #[must_use]
    pub fn transfer_object(&self) -> Option<&Transfer> {
        self.transfer.as_ref().and_then(Expandable::object)
    }

    /// The application fee, when it was expanded.
    #[must_use]
    pub fn application_fee_object(&self) -> Option<&ApplicationFee> {
        self.application_fee.as_ref().and_then(Expandable::object)
    }
}

/// A `PaymentIntent`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PaymentIntent {
    /// `pi_…`.
    pub id: String,
    /// Amount in minor units.
    #[serde(default)]
    pub amount: i64,
    /// What can still be captured.
    #[serde(default)]
    pub amount_capturable: i64,
    /// What was received.
    #[serde(default)]
    pub amount_received: i64,
    /// Lower-case ISO currency.
    #[serde(default)]
    pub currency: Option<String>,
    /// Status.
    pub status: PaymentIntentStatus,
    /// Automatic or manual capture.
    #[serde(default)]
    pub capture_method: Option<CaptureMethod>,
    /// Unix seconds.
    #[serde(default)]
    pub created: i64,
    /// When it was canceled.
    #[serde(default)]
    pub canceled_at: Option<i64>,
    /// Why it was canceled.
    #[serde(default)]
    pub cancellation_reason: Option<CancellationReason>,
    /// The latest charge, an id unless expanded.
    #[serde(default)]
    pub latest_charge: Option<Expandable<Charge>>,
    /// Customer id.
    #[serde(default)]
    pub customer: Option<serde_json::Value>,
    /// Description.
    #[serde(default)]
    pub description: Option<String>,
    /// Metadata.
    #[serde(default)]
    pub metadata: Metadata,
    /// Live or test.
    #[serde(default)]
    pub livemode: bool,
    /// The agent that created it (preview).
    #[serde(default)]
    pub agent_details: Option<AgentDetails>,
    /// A destination charge's seller (`transfer_data.destination`).
    #[serde(default)]
    pub transfer_data: Option<TransferData>,
    /// The account the payment settles for (equal to the destination, for cards).
    #[serde(default)]
    pub on_behalf_of: Option<Expandable<Account>>,
    /// The platform's fee, minor units.
    #[serde(default)]
    pub application_fee_amount: Option<i64>,
}

impl PaymentIntent {
    /// The latest charge when it was expanded.
    #[must_use]
    pub fn charge(&self) -> Option<&Charge> {
        self.latest_charge.as_ref().and_then(Expandable::object)
    }

    /// The capture deadline (unix seconds) when the charge is expanded and authorized.
    #[must_use]
    pub fn capture_before(&self) -> Option<i64> {
        self.charge().and_then(Charge::capture_before)
    }

    /// True when the seller still has to capture it.
    #[must_use]
    pub fn needs_capture(&self) -> bool {
        self.status == PaymentIntentStatus::RequiresCapture
    }

    /// The seller (`acct_…`) a destination charge pays.
    #[must_use]
    pub fn destination(&self) -> Option<&str> {
        self.transfer_data.as_ref().map(|t| t.destination.id())
    }
}

/// What `retrieve_payment_intent` and a capture expand: the latest charge, with a
/// destination charge's transfer and application fee (null on other charges).
const EXPAND_CHARGE: [&str; 3] = [
    "latest_charge",
    "latest_charge.transfer",
    "latest_charge.application_fee",
];

impl Client {
    /// Retrieves a `PaymentIntent` with its latest charge expanded (for the capture deadline,
    /// refund counters, and a destination charge's transfer and fee) and the preview
    /// `agent_details`.
    pub async fn retrieve_payment_intent(&self, id: &str) -> Result<PaymentIntent, Error> {
        let mut q = Form::new();
        q.push_list("expand", EXPAND_CHARGE);
        self.json(
            Call::get(
                format!("/v1/payment_intents/{}", path_id(id)?),
                ApiVersion::AgentPreview,
            )
            .query(q),
        )
        .await
    }

    /// Captures an authorized `PaymentIntent`: all of it, or `amount_to_capture` minor units
    /// (the rest is released).
    pub async fn capture_payment_intent(
        &self,
        id: &str,
        amount_to_capture: Option<i64>,
        idempotency_key: Option<IdempotencyKey>,
    ) -> Result<PaymentIntent, Error> {
        if amount_to_capture.is_some_and(|a| a <= 0) {
            return Err(Error::Invalid(
                "The amount to capture must be more than zero.".into(),
            ));
        }
        let mut form = Form::new();
        form.push_opt("amount_to_capture", amount_to_capture);
        form.push_list("expand", EXPAND_CHARGE);
        self.json(
            Call::post(
                format!("/v1/payment_intents/{}/capture", path_id(id)?),
                ApiVersion::AgentPreview,
            )
            .form(form)
            .idempotency(idempotency_key),
        )
        .await
    }

    /// Cancels a `PaymentIntent` that has not been captured, releasing the authorization.
    pub async fn cancel_payment_intent(
        &self,
        id: &str,
        reason: Option<&CancellationReason>,
        idempotency_key: Option<IdempotencyKey>,
    ) -> Result<PaymentIntent, Error> {
        let mut form = Form::new();
        form.push_opt(
            "cancellation_reason",
            reason.map(CancellationReason::as_str),
        );
        self.json(
            Call::post(
                format!("/v1/payment_intents/{}/cancel", path_id(id)?),
                ApiVersion::AgentPreview,
            )
            .form(form)
            .idempotency(idempotency_key),
        )
        .await
    }
}

has_id!(Charge, PaymentIntent);
