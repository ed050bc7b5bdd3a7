//! Data Management `ImportSets` (v1, private preview): create from an uploaded file, poll,
//! read the counters and fetch the error report.
//!
//! Every call carries `Stripe-Version: 2025-09-30.clover;udap_beta=v1`. Stripe has no
//! public list endpoint for `ImportSets`, so the console keeps the ids it creates.

use serde::{Deserialize, Serialize};

use super::client::{ApiVersion, Call, Client};
use super::error::Error;
use super::form::{Form, path_id};
use super::idempotency::IdempotencyKey;
use super::model::{has_id, stripe_enum};
use super::pagination::Pager;

stripe_enum! {
    /// Where an `ImportSet` is in its life.
    pub enum ImportSetStatus {
        /// Queued or processing.
        Pending = "pending",
        /// The whole file failed (see `failed_reason`).
        Failed = "failed",
        /// Every row went in.
        Succeeded = "succeeded",
        /// Some rows failed; `result.errors.file` holds them.
        SucceededWithErrors = "succeeded_with_errors",
        /// Being archived.
        PendingArchive = "pending_archive",
        /// Archived.
        Archived = "archived",
    }
}

impl ImportSetStatus {
    /// True once processing is over (whatever the outcome).
    #[must_use]
    pub fn is_terminal(&self) -> bool {
        !matches!(self, ImportSetStatus::Pending)
    }
}

stripe_enum! {
    /// The feed format of an `ImportSet`.
    pub enum StandardDataFormat {
        /// Full product catalog.
        ProductCatalogFeed = "product_catalog_feed",
        /// Stock levels.
        InventoryFeed = "inventory_feed",
        /// Prices.
        PriceFeed = "price_feed",
    }
}

/// A `{row_count}` counter.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RowCount {
    /// Rows.
    #[serde(default)]
    pub row_count: u64,
}

/// The failed rows: how many, and the `file_…` holding them as CSV.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportErrors {
    /// Rows that failed.
    #[serde(default)]
    pub row_count: u64,
    /// The error report file (CSV, first column `stripe_error_message`).
    #[serde(default)]
    pub file: Option<String>,
}

/// Counters of a processed `ImportSet`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportSetResult {
    /// Rows read.
    #[serde(default)]
    pub rows_processed: u64,
    /// Objects created.
    #[serde(default)]
    pub objects_created: u64,
    /// Rows that went in.
    #[serde(default)]
    pub successes: Option<RowCount>,
    /// Rows that failed.
    #[serde(default)]
    pub errors: Option<ImportErrors>,
    /// Rows skipped by a filter.
    #[serde(default)]
    pub skipped_by_filter: Option<RowCount>,
    /// Duplicate rows skipped.
    #[serde(default)]
    pub skipped_duplicates: Option<RowCount>,
}

/// An `ImportSet`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ImportSet {
    /// `impset_…`.
    pub id: String,
    /// Unix seconds (not public; may be missing).
    #[serde(default)]
    pub created: Option<i64>,
    /// Live or test (not public; may be missing).
    #[serde(default)]
    pub livemode: Option<bool>,
    /// The uploaded `file_…` (not public; may be missing).
    #[serde(default)]
    pub file: Option<String>,
    /// Feed format (not public; may be missing).
    #[serde(default)]
    pub standard_data_format: Option<StandardDataFormat>,
    /// Status.
    pub status: ImportSetStatus,
    /// Why the whole file failed.
    #[serde(default)]
    pub failed_reason: Option<String>,
    /// Counters, once processed.
    #[serde(default)]
    pub result: Option<ImportSetResult>,
}

impl ImportSet {
    /// The error report's `file_…`, when some rows failed.
    #[must_use]
    pub fn error_file(&self) -> Option<&str> {
        self.result
            .as_ref()
            .and_then(|r| r.errors.as_ref())
            .and_then(|e| e.file.as_deref())
    }

    /// `(succeeded rows, failed rows)` so far.
    #[must_use]
    pub fn counts(&self) -> (u64, u64) {
        let Some(r) = &self.result else {
            return (0, 0);
        };
        (
            r.successes.as_ref().map_or(0, |s| s.row_count),
            r.errors.as_ref().map_or(0, |e| e.row_count),
        )
    }
}

impl Client {
    /// Creates an `ImportSet` from an uploaded `file_…`; Stripe starts processing at once.
    pub async fn create_import_set(
        &self,
        file_id: &str,
        format: &StandardDataFormat,
        idempotency_key: Option<IdempotencyKey>,
    ) -> Result<ImportSet, Error> {
        let mut form = Form::new();
        form.push("file", path_id(file_id)?)
            .push("standard_data_format", format.as_str());
        self.json(
            Call::post("/v1/data_management/import_sets", ApiVersion::ImportSetBeta)
                .form(form)
                .idempotency(idempotency_key),
        )
        .await
    }

    /// Retrieves an `ImportSet`.
    pub async fn retrieve_import_set(&self, id: &str) -> Result<ImportSet, Error> {
        self.json(Call::get(
            format!("/v1/data_management/import_sets/{}", path_id(id)?),
            ApiVersion::ImportSetBeta,
        ))
        .await
    }

    /// Lists `ImportSets`, newest first. This endpoint is not public on Stripe (it answers
    /// 404 there); the sandbox serves it. Callers must cope with its absence.
    #[must_use]
    pub fn list_import_sets(&self, limit: u8) -> Pager<ImportSet> {
        let mut q = Form::new();
        q.push("limit", limit.clamp(1, 100).to_string());
        Pager::v1(
            self.clone(),
            "/v1/data_management/import_sets",
            q,
            ApiVersion::ImportSetBeta,
        )
    }
}

has_id!(ImportSet);
