//! v2 orchestrated commerce agreements (public preview): which agents may sell the
//! seller's products. List, retrieve, confirm, terminate.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::client::{ApiVersion, Call, Client};
use super::error::Error;
use super::form::{Form, path_id};
use super::idempotency::IdempotencyKey;
use super::model::{has_id, stripe_enum};
use super::pagination::Pager;

const PATH: &str = "/v2/orchestrated_commerce/agreements";

stripe_enum! {
    /// Agreement status. The first one is `initiated` (not `created`, which is an event).
    pub enum AgreementStatus {
        /// Proposed; neither side has confirmed.
        Initiated = "initiated",
        /// One side confirmed.
        PartiallyConfirmed = "partially_confirmed",
        /// Both sides confirmed: the agent may sell.
        Confirmed = "confirmed",
        /// Ended by either side.
        Terminated = "terminated",
    }
}

stripe_enum! {
    /// Which side did something.
    pub enum Party {
        /// The agent.
        Orchestrator = "orchestrator",
        /// The seller.
        Seller = "seller",
    }
}

/// The agent's side.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrchestratorDetails {
    /// The agent's name.
    #[serde(default)]
    pub name: Option<String>,
    /// Its Stripe profile (`profile_…`).
    #[serde(default)]
    pub network_business_profile: Option<String>,
}

/// The seller's side.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SellerDetails {
    /// The seller's Stripe profile.
    #[serde(default)]
    pub network_business_profile: Option<String>,
}

/// When each side acted (RFC 3339, null until it happens).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusTransitions {
    /// The seller confirmed.
    #[serde(default)]
    pub seller_confirmed_at: Option<DateTime<Utc>>,
    /// The agent confirmed.
    #[serde(default)]
    pub orchestrator_confirmed_at: Option<DateTime<Utc>>,
    /// It ended.
    #[serde(default)]
    pub terminated_at: Option<DateTime<Utc>>,
}

/// An agreement between the seller and one agent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Agreement {
    /// `orca_…`.
    pub id: String,
    /// Creation time.
    #[serde(default)]
    pub created: Option<DateTime<Utc>>,
    /// Live or test.
    #[serde(default)]
    pub livemode: bool,
    /// Who proposed it.
    #[serde(default)]
    pub initiated_by: Option<Party>,
    /// The agent.
    #[serde(default)]
    pub orchestrator_details: Option<OrchestratorDetails>,
    /// The seller.
    #[serde(default)]
    pub seller_details: Option<SellerDetails>,
    /// Status.
    pub status: AgreementStatus,
    /// When each side acted.
    #[serde(default)]
    pub status_transitions: Option<StatusTransitions>,
    /// Who ended it.
    #[serde(default)]
    pub terminated_by: Option<Party>,
}

impl Agreement {
    /// The agent's name, or its profile id when the name is missing.
    #[must_use]
    pub fn agent_label(&self) -> &str {
        self.orchestrator_details
            .as_ref()
            .and_then(|o| o.name.as_deref().or(o.network_business_profile.as_deref()))
            .unwrap_or("unknown agent")
    }

    /// True when the seller still has to confirm.
    #[must_use]
    pub fn awaits_seller(&self) -> bool {
        matches!(
            self.status,
            AgreementStatus::Initiated | AgreementStatus::PartiallyConfirmed
        ) && self
            .status_transitions
            .as_ref()
            .is_none_or(|t| t.seller_confirmed_at.is_none())
    }
}

impl Client {
    /// Lists agreements, following `next_page_url`.
    #[must_use]
    pub fn list_agreements(&self, limit: u8) -> Pager<Agreement> {
        let mut q = Form::new();
        q.push("limit", limit.clamp(1, 100).to_string());
        Pager::v2(self.clone(), PATH, q, ApiVersion::Agreements)
    }

    /// Retrieves an agreement.
    pub async fn retrieve_agreement(&self, id: &str) -> Result<Agreement, Error> {
        self.json(Call::get(
            format!("{PATH}/{}", path_id(id)?),
            ApiVersion::Agreements,
        ))
        .await
    }

    /// Confirms an agreement on the seller's side.
    pub async fn confirm_agreement(
        &self,
        id: &str,
        idempotency_key: Option<IdempotencyKey>,
    ) -> Result<Agreement, Error> {
        self.json(
            Call::post(
                format!("{PATH}/{}/confirm", path_id(id)?),
                ApiVersion::Agreements,
            )
            .idempotency(idempotency_key),
        )
        .await
    }

    /// Terminates an agreement: the agent can no longer sell the seller's products.
    pub async fn terminate_agreement(
        &self,
        id: &str,
        idempotency_key: Option<IdempotencyKey>,
    ) -> Result<Agreement, Error> {
        self.json(
            Call::post(
                format!("{PATH}/{}/terminate", path_id(id)?),
                ApiVersion::Agreements,
            )
            .idempotency(idempotency_key),
        )
        .await
    }
}

has_id!(Agreement);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_reference_agreement() {
        let json = r#"{ "id": "orca_test_1abc", "object": "v2.orchestrated_commerce.agreement",
          "created": "2026-04-06T10:00:00Z", "livemode": false, "initiated_by": "seller",
          "orchestrator_details": { "name": "Example Agent", "network_business_profile": "profile_test_61A" },
          "seller_details": { "network_business_profile": "profile_test_61B" },
          "status": "partially_confirmed",
          "status_transitions": { "seller_confirmed_at": "2026-04-06T10:00:00Z",
                                  "orchestrator_confirmed_at": null, "terminated_at": null },
          "terminated_by": null }"#;
        let a: Agreement = serde_json::from_str(json).unwrap();
        assert_eq!(a.status, AgreementStatus::PartiallyConfirmed);
        assert_eq!(a.agent_label(), "Example Agent");
        assert!(!a.awaits_seller());
        assert_eq!(a.initiated_by, Some(Party::Seller));
    }
}
