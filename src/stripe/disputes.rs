//! Disputes: list, retrieve, update evidence (draft or submit), close (accept); the evidence
//! fields grouped as the Dashboard groups them, and the evidence file limits.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::client::{ApiVersion, Call, Client};
use super::error::Error;
use super::form::{Form, path_id};
use super::idempotency::IdempotencyKey;
use super::model::{Expandable, Metadata, has_id, stripe_enum};
use super::pagination::Pager;
use super::payment_intents::{Charge, PaymentIntent};

stripe_enum! {
    /// Where a dispute is.
    pub enum DisputeStatus {
        /// An inquiry: no money has moved yet; respond or refund.
        WarningNeedsResponse = "warning_needs_response",
        /// Inquiry evidence submitted.
        WarningUnderReview = "warning_under_review",
        /// The inquiry closed without a chargeback.
        WarningClosed = "warning_closed",
        /// A chargeback: the money and a fee were taken; evidence is due by `due_by`.
        NeedsResponse = "needs_response",
        /// Evidence submitted; the bank decides.
        UnderReview = "under_review",
        /// Decided for the seller; the money comes back.
        Won = "won",
        /// Decided for the cardholder.
        Lost = "lost",
        /// Prevented before it became a dispute (Visa RDR and the like).
        Prevented = "prevented",
    }
}

impl DisputeStatus {
    /// Whether the seller can still respond (evidence, submit, accept).
    #[must_use]
    pub fn needs_response(&self) -> bool {
        matches!(
            self,
            DisputeStatus::NeedsResponse | DisputeStatus::WarningNeedsResponse
        )
    }

    /// Whether the status is final.
    #[must_use]
    pub fn is_closed(&self) -> bool {
        matches!(
            self,
            DisputeStatus::Won
                | DisputeStatus::Lost
                | DisputeStatus::WarningClosed
                | DisputeStatus::Prevented
        )
    }

    /// In words, for a badge.
    #[must_use]
    pub fn label(&self) -> &str {
        match self {
            DisputeStatus::WarningNeedsResponse => "Inquiry: needs response",
            DisputeStatus::WarningUnderReview => "Inquiry: under review",
            DisputeStatus::WarningClosed => "Inquiry closed",
            DisputeStatus::NeedsResponse => "Needs response",
            DisputeStatus::UnderReview => "Under review",
            DisputeStatus::Won => "Won",
            DisputeStatus::Lost => "Lost",
            DisputeStatus::Prevented => "Prevented",
            DisputeStatus::Unknown(s) => s,
        }
    }
}

/// A dispute reason in words (Stripe's open set; unknown ones are shown as sent).
#[must_use]
pub fn reason_in_words(reason: &str) -> String {
    let words = match reason {
        "bank_cannot_process" => "The bank could not process the payment",
        "check_returned" => "The check was returned",
        "credit_not_processed" => "The buyer says a promised refund or credit never came",
        "customer_initiated" => "The buyer asked their bank to reverse the payment",
        "debit_not_authorized" => "The buyer says they did not authorize the debit",
        "duplicate" => "The buyer says they were charged twice",
        "fraudulent" => "The cardholder says they did not make this purchase",
        "general" => "A general complaint",
        "incorrect_account_details" => "The account details were wrong",
        "insufficient_funds" => "There were not enough funds",
        "noncompliant" => "The network says the payment broke its rules",
        "product_not_received" => "The buyer says the order never arrived",
        "product_unacceptable" => "The buyer says the product was defective or not as described",
        "subscription_canceled" => "The buyer says they canceled the subscription",
        "unrecognized" => "The buyer does not recognize the charge",
        other => return other.replace('_', " "),
    };
    words.to_owned()
}

/// `evidence_details`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EvidenceDetails {
    /// Evidence due, unix seconds; `0` (or none) when the issuer allows no response.
    #[serde(default)]
    pub due_by: Option<i64>,
    /// Evidence has been staged.
    #[serde(default)]
    pub has_evidence: bool,
    /// The last submission came after the deadline.
    #[serde(default)]
    pub past_due: bool,
    /// Submissions so far (typically only one is allowed).
    #[serde(default)]
    pub submission_count: u32,
}

impl EvidenceDetails {
    /// The deadline, if a response is possible.
    #[must_use]
    pub fn deadline(&self) -> Option<i64> {
        self.due_by.filter(|d| *d > 0)
    }
}

/// A Dispute.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Dispute {
    /// `dp_…`.
    pub id: String,
    /// Disputed amount, minor units.
    #[serde(default)]
    pub amount: i64,
    /// Lower-case ISO currency.
    #[serde(default)]
    pub currency: String,
    /// The disputed charge.
    pub charge: Expandable<Charge>,
    /// Its `PaymentIntent`.
    #[serde(default)]
    pub payment_intent: Option<Expandable<PaymentIntent>>,
    /// Where it is.
    pub status: DisputeStatus,
    /// Why (an open set).
    #[serde(default)]
    pub reason: String,
    /// Evidence as staged or submitted: text, or file ids (expanded files as objects).
    #[serde(default)]
    pub evidence: BTreeMap<String, serde_json::Value>,
    /// Deadline and submissions.
    #[serde(default)]
    pub evidence_details: EvidenceDetails,
    /// Whether the charge can still be refunded (inquiries only, in practice).
    #[serde(default)]
    pub is_charge_refundable: bool,
    /// Unix seconds.
    #[serde(default)]
    pub created: i64,
    /// Live money.
    #[serde(default)]
    pub livemode: bool,
    /// Metadata.
    #[serde(default)]
    pub metadata: Metadata,
    /// Card details and the case type (`inquiry`, `chargeback`, …).
    #[serde(default)]
    pub payment_method_details: Option<serde_json::Value>,
}

impl Dispute {
    /// The charge id.
    #[must_use]
    pub fn charge_id(&self) -> &str {
        self.charge.id()
    }

    /// The `PaymentIntent` id, if any.
    #[must_use]
    pub fn payment_intent_id(&self) -> Option<&str> {
        self.payment_intent.as_ref().map(Expandable::id)
    }

    /// The text or file id set for an evidence field.
    #[must_use]
    pub fn evidence_text(&self, field: &str) -> Option<&str> {
        match self.evidence.get(field)? {
            serde_json::Value::String(s) if !s.is_empty() => Some(s),
            serde_json::Value::Object(o) => o.get("id").and_then(|v| v.as_str()),
            _ => None,
        }
    }

    /// `inquiry`, `chargeback`, … from the card details.
    #[must_use]
    pub fn case_type(&self) -> Option<&str> {
        self.payment_method_details
            .as_ref()?
            .pointer("/card/case_type")?
            .as_str()
    }
}

/// Whether an evidence field takes text or a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldKind {
    /// Up to 20,000 characters.
    Text,
    /// A `file_…` uploaded with purpose `dispute_evidence`.
    File,
}

/// One evidence field as the form shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EvidenceField {
    /// The API name (`shipping_tracking_number`).
    pub name: &'static str,
    /// The label.
    pub label: &'static str,
    /// Text or file.
    pub kind: FieldKind,
}

const fn text(name: &'static str, label: &'static str) -> EvidenceField {
    EvidenceField {
        name,
        label,
        kind: FieldKind::Text,
    }
}

const fn file(name: &'static str, label: &'static str) -> EvidenceField {
    EvidenceField {
        name,
        label,
        kind: FieldKind::File,
    }
}

/// The evidence fields grouped as the Dashboard groups them.
pub const EVIDENCE_GROUPS: &[(&str, &[EvidenceField])] = &[
    (
        "Product or service",
        &[
            text("product_description", "Product description"),
            text("service_date", "Service date"),
            file("service_documentation", "Service documentation"),
            file("receipt", "Receipt"),
        ],
    ),
    (
        "Customer",
        &[
            text("customer_name", "Customer name"),
            text("customer_email_address", "Customer email"),
            text("billing_address", "Billing address"),
            text("customer_purchase_ip", "Purchase IP address"),
            text("access_activity_log", "Access activity log"),
            file("customer_signature", "Customer signature"),
            file("customer_communication", "Customer communication"),
        ],
    ),
    (
        "Shipping",
        &[
            text("shipping_address", "Shipping address"),
            text("shipping_carrier", "Carrier"),
            text("shipping_tracking_number", "Tracking number"),
            text("shipping_date", "Shipping date"),
            file("shipping_documentation", "Shipping documentation"),
        ],
    ),
    (
        "Refund and cancellation policy",
        &[
            text(
                "refund_policy_disclosure",
                "How the refund policy was shown",
            ),
            text("refund_refusal_explanation", "Why no refund was given"),
            file("refund_policy", "Refund policy"),
            text(
                "cancellation_policy_disclosure",
                "How the cancellation policy was shown",
            ),
            text(
                "cancellation_rebuttal",
                "Why the cancellation does not apply",
            ),
            file("cancellation_policy", "Cancellation policy"),
        ],
    ),
    (
        "Duplicate charge",
        &[
            text("duplicate_charge_id", "The other charge"),
            text("duplicate_charge_explanation", "Why it is not a duplicate"),
            file(
                "duplicate_charge_documentation",
                "Duplicate charge documentation",
            ),
        ],
    ),
    (
        "Other",
        &[
            text("uncategorized_text", "Anything else"),
            file("uncategorized_file", "Other file"),
        ],
    ),
];

/// The field called `name`, if it is an evidence field.
#[must_use]
pub fn evidence_field(name: &str) -> Option<EvidenceField> {
    EVIDENCE_GROUPS
        .iter()
        .flat_map(|(_, fields)| fields.iter())
        .find(|f| f.name == name)
        .copied()
}

/// Checks a text field's length against Stripe's limit; the error is a sentence.
///
/// # Errors
/// When `value` is longer than [`MAX_FIELD_CHARS`].
pub fn check_text(field: &EvidenceField, value: &str) -> Result<(), String> {
    if value.chars().count() > MAX_FIELD_CHARS {
        return Err(format!(
            "{} is longer than {MAX_FIELD_CHARS} characters; attach a file instead.",
            field.label
        ));
    }
    Ok(())
}

/// The longest text one evidence field takes.
pub const MAX_FIELD_CHARS: usize = 20_000;
/// The largest evidence file Stripe takes.
pub const MAX_EVIDENCE_FILE_BYTES: u64 = 5 * 1024 * 1024;

/// The evidence file kinds Stripe takes, told by the file's first bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EvidenceFileKind {
    /// `%PDF`.
    Pdf,
    /// JPEG.
    Jpeg,
    /// PNG.
    Png,
}

/// The kind of an evidence file from its first bytes, or `None` when it is none of PDF, JPEG,
/// PNG.
#[must_use]
pub fn evidence_file_kind(head: &[u8]) -> Option<EvidenceFileKind> {
    if head.starts_with(b"%PDF") {
        Some(EvidenceFileKind::Pdf)
    } else if head.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some(EvidenceFileKind::Jpeg)
    } else if head.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some(EvidenceFileKind::Png)
    } else {
        None
    }
}

/// Checks a file against Stripe's evidence limits (PDF, JPEG or PNG, at most 5 MB) before
/// anything is uploaded; the error is a sentence for the seller.
///
/// # Errors
/// When the file cannot be read, is not a regular file, is too large or of another kind.
pub fn check_evidence_file(path: &Path) -> Result<EvidenceFileKind, String> {
    use std::io::Read as _;
    let shown = path.display();
    let meta = std::fs::metadata(path).map_err(|e| format!("{shown} cannot be read: {e}."))?;
    if !meta.is_file() {
        return Err(format!("{shown} is not a regular file."));
    }
    if meta.len() > MAX_EVIDENCE_FILE_BYTES {
        return Err(format!(
            "{shown} is {:.1} MB; Stripe takes evidence files of at most 5 MB. Compress or \
             split it.",
            meta.len() as f64 / 1_048_576.0
        ));
    }
    let mut head = [0u8; 8];
    let mut f = std::fs::File::open(path).map_err(|e| format!("{shown} cannot be read: {e}."))?;
    let n = f
        .read(&mut head)
        .map_err(|e| format!("{shown} cannot be read: {e}."))?;
    evidence_file_kind(&head[..n]).ok_or_else(|| {
        format!("{shown} is not a PDF, JPEG or PNG file, the only kinds Stripe takes as evidence.")
    })
}

/// What to change on a dispute.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EvidenceUpdate {
    /// Evidence fields to set (an empty value clears one).
    pub evidence: BTreeMap<String, String>,
    /// Send the evidence to the bank (final); `false` saves a draft.
    pub submit: bool,
}

/// Which disputes to list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DisputeQuery {
    /// Only this `PaymentIntent`'s.
    pub payment_intent: Option<String>,
    /// Only this charge's.
    pub charge: Option<String>,
}

impl Client {
    /// Lists disputes, newest first (Stripe has no status filter: filter the rows).
    ///
    /// # Errors
    /// When an id in the query is not a valid path segment.
    pub fn list_disputes(&self, query: &DisputeQuery) -> Result<Pager<Dispute>, Error> {
        let mut q = Form::new();
        if let Some(pi) = &query.payment_intent {
            q.push("payment_intent", path_id(pi)?);
        }
        if let Some(charge) = &query.charge {
            q.push("charge", path_id(charge)?);
        }
        q.push("limit", "100");
        Ok(Pager::v1(
            self.clone(),
            "/v1/disputes",
            q,
            ApiVersion::Default,
        ))
    }

    /// Retrieves a dispute.
    ///
    /// # Errors
    /// Stripe's or the network's.
    pub async fn retrieve_dispute(&self, id: &str) -> Result<Dispute, Error> {
        self.json(Call::get(
            format!("/v1/disputes/{}", path_id(id)?),
            ApiVersion::Default,
        ))
        .await
    }

    /// Saves evidence as a draft (`submit=false`) or submits it (final).
    ///
    /// # Errors
    /// Unknown fields or text over the limit are refused before sending; then Stripe's.
    pub async fn update_dispute(
        &self,
        id: &str,
        update: &EvidenceUpdate,
        idempotency_key: Option<IdempotencyKey>,
    ) -> Result<Dispute, Error> {
        let mut form = Form::new();
        for (field, value) in &update.evidence {
            let Some(known) = evidence_field(field) else {
                return Err(Error::Invalid(format!(
                    "{field} is not an evidence field Stripe takes."
                )));
            };
            if known.kind == FieldKind::Text {
                check_text(&known, value).map_err(Error::Invalid)?;
            }
            form.push(format!("evidence[{field}]"), value);
        }
        form.push("submit", if update.submit { "true" } else { "false" });
        self.json(
            Call::post(
                format!("/v1/disputes/{}", path_id(id)?),
                ApiVersion::Default,
            )
            .form(form)
            .idempotency(idempotency_key),
        )
        .await
    }

    /// Accepts a dispute (`close`): the money stays with the cardholder. Irreversible.
    ///
    /// # Errors
    /// Stripe's or the network's.
    pub async fn close_dispute(
        &self,
        id: &str,
        idempotency_key: Option<IdempotencyKey>,
    ) -> Result<Dispute, Error> {
        self.json(
            Call::post(
                format!("/v1/disputes/{}/close", path_id(id)?),
                ApiVersion::Default,
            )
            .idempotency(idempotency_key),
        )
        .await
    }
}

has_id!(Dispute);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stripes_canonical_dispute_parses() {
        let d: Dispute =
            serde_json::from_str(include_str!("../../tests/fixtures/stripe/dispute.json")).unwrap();
        assert_eq!(d.status, DisputeStatus::WarningNeedsResponse);
        assert_eq!(d.case_type(), Some("inquiry"));
        assert_eq!(d.evidence_details.deadline(), Some(1_723_679_999));
        assert!(d.is_charge_refundable);
    }

    #[test]
    fn every_evidence_field_is_in_one_group() {
        let names: Vec<&str> = EVIDENCE_GROUPS
            .iter()
            .flat_map(|(_, f)| f.iter().map(|f| f.name))
            .collect();
        let unique: std::collections::BTreeSet<&str> = names.iter().copied().collect();
        assert_eq!(names.len(), unique.len());
        assert_eq!(names.len(), 27, "18 text and 9 file fields");
    }

    #[test]
    fn evidence_files_are_told_by_their_bytes() {
        assert_eq!(evidence_file_kind(b"%PDF-1.7"), Some(EvidenceFileKind::Pdf));
        assert_eq!(
            evidence_file_kind(b"\x89PNG\r\n\x1a\n"),
            Some(EvidenceFileKind::Png)
        );
        assert_eq!(evidence_file_kind(b"GIF89a"), None);
    }
}
