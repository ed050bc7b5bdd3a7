//! Accounts: the one a key belongs to, a platform's connected accounts (Connect), and a cheap
//! call that proves a key may read orders.

use serde::{Deserialize, Serialize};

use super::client::{ApiVersion, Call, Client};
use super::error::Error;
use super::form::{Form, path_id};
use super::pagination::Pager;

/// What the console shows of an account.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Account {
    /// `acct_…`.
    #[serde(default)]
    pub id: String,
    /// Dashboard and business names.
    #[serde(default)]
    pub settings: Option<AccountSettings>,
    /// The public business profile.
    #[serde(default)]
    pub business_profile: Option<BusinessProfile>,
    /// The account's email.
    #[serde(default)]
    pub email: Option<String>,
    /// Whether it can take charges now.
    #[serde(default)]
    pub charges_enabled: bool,
    /// Whether Stripe pays out to it.
    #[serde(default)]
    pub payouts_enabled: bool,
    /// Whether onboarding details were submitted.
    #[serde(default)]
    pub details_submitted: bool,
    /// Two-letter country code.
    #[serde(default)]
    pub country: Option<String>,
    /// Three-letter currency code, lowercase.
    #[serde(default)]
    pub default_currency: Option<String>,
    /// Unix seconds (absent on your own account in some versions).
    #[serde(default)]
    pub created: Option<i64>,
    /// `standard`, `express`, `custom` or `none` (legacy; newer accounts have `controller`).
    #[serde(default, rename = "type")]
    pub kind: Option<String>,
    /// What Stripe still needs from the account.
    #[serde(default)]
    pub requirements: Option<Requirements>,
}

/// `requirements` of an account (what the console shows of it).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Requirements {
    /// Fields needed now.
    #[serde(default)]
    pub currently_due: Vec<String>,
    /// Fields whose deadline passed.
    #[serde(default)]
    pub past_due: Vec<String>,
    /// Why the account is disabled (`requirements.past_due`, …), if it is.
    #[serde(default)]
    pub disabled_reason: Option<String>,
}

/// `settings` of an account (only the dashboard part is read).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct AccountSettings {
    /// Dashboard settings.
    #[serde(default)]
    pub dashboard: Option<DashboardSettings>,
}

/// `settings.dashboard`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct DashboardSettings {
    /// The name shown in the Dashboard.
    #[serde(default)]
    pub display_name: Option<String>,
}

/// `business_profile`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct BusinessProfile {
    /// The customer-facing business name.
    #[serde(default)]
    pub name: Option<String>,
    /// The business's website.
    #[serde(default)]
    pub url: Option<String>,
}

impl super::model::HasId for Account {
    fn id(&self) -> &str {
        &self.id
    }
}

impl Account {
    /// The account's name: the Dashboard display name, else the business name.
    #[must_use]
    pub fn name(&self) -> Option<&str> {
        self.settings
            .as_ref()
            .and_then(|s| s.dashboard.as_ref())
            .and_then(|d| d.display_name.as_deref())
            .or_else(|| {
                self.business_profile
                    .as_ref()
                    .and_then(|b| b.name.as_deref())
            })
    }
}

impl Account {
    /// What to call the account in a list: its name, else its email, else its id.
    #[must_use]
    pub fn label(&self) -> &str {
        self.name()
            .filter(|n| !n.trim().is_empty())
            .or(self.email.as_deref().filter(|e| !e.is_empty()))
            .unwrap_or(&self.id)
    }

    /// Whether `query` (any case) is part of its name, email or id; an empty query matches.
    #[must_use]
    pub fn matches(&self, query: &str) -> bool {
        let query = query.trim().to_lowercase();
        query.is_empty()
            || [self.name(), self.email.as_deref(), Some(self.id.as_str())]
                .into_iter()
                .flatten()
                .any(|field| field.to_lowercase().contains(&query))
    }

    /// Why it cannot take charges, in words, when it cannot.
    #[must_use]
    pub fn charges_blocked_because(&self) -> Option<String> {
        if self.charges_enabled {
            return None;
        }
        let due = self
            .requirements
            .as_ref()
            .map(|r| r.currently_due.len())
            .unwrap_or_default();
        Some(if due > 0 {
            format!("charges off: onboarding unfinished ({due} details due)")
        } else {
            "charges off".to_owned()
        })
    }
}

impl Client {
    /// A platform's connected accounts, newest first (Stripe lists them unfiltered: search
    /// the rows). Empty for an account that is not a platform.
    #[must_use]
    pub fn list_accounts(&self) -> Pager<Account> {
        let mut q = Form::new();
        q.push("limit", "100");
        Pager::v1(self.clone(), "/v1/accounts", q, ApiVersion::Default)
    }

    /// One connected account of the platform.
    ///
    /// # Errors
    /// `account_invalid` (403) when it is not connected to the key's platform; the network's.
    pub async fn retrieve_connected_account(&self, id: &str) -> Result<Account, Error> {
        self.json(Call::get(
            format!("/v1/accounts/{}", path_id(id)?),
            ApiVersion::Default,
        ))
        .await
    }

    /// The account the key (or `Stripe-Account`) acts on.
    pub async fn retrieve_account(&self) -> Result<Account, Error> {
        self.json(Call::get("/v1/account", ApiVersion::Default))
            .await
    }

    /// Reads one Checkout Session: the cheapest call that proves the key works and may read
    /// orders (restricted keys without that permission get 403).
    pub async fn check_access(&self) -> Result<(), Error> {
        let mut q = Form::new();
        q.push("limit", "1");
        let _: serde_json::Value = self
            .json(Call::get("/v1/checkout/sessions", ApiVersion::Default).query(q))
            .await?;
        Ok(())
    }
}
