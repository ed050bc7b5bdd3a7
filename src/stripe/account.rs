//! The account a key belongs to, and a cheap call that proves a key may read orders.

use serde::{Deserialize, Serialize};

use super::client::{ApiVersion, Call, Client};
use super::error::Error;
use super::form::Form;

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

impl Client {
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
