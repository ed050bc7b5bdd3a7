//! v2 product catalog imports: create, PUT the file to the pre-signed URL, retrieve, list,
//! and fetch the error report through its expiring download URL.

use std::collections::BTreeMap;
use std::path::Path;

use chrono::{DateTime, Utc};
use reqwest::Method;
use serde::{Deserialize, Serialize};

use super::client::{ApiVersion, Call, Client, Progress};
use super::error::Error;
use super::files::{prepare_upload, read_capped, save_stream};
use super::form::{Form, path_id};
use super::idempotency::IdempotencyKey;
use super::model::{Metadata, has_id, opt_int64_string, stripe_enum};
use super::pagination::Pager;
use crate::feed::FeedKind;

const PATH: &str = "/v2/commerce/product_catalog/imports";

stripe_enum! {
    /// `feed_type`: which of the four feeds the file is.
    pub enum FeedType {
        /// Products.
        Product = "product",
        /// Stock levels.
        Inventory = "inventory",
        /// Prices.
        Pricing = "pricing",
        /// Promotions.
        Promotion = "promotion",
    }
}

impl From<FeedKind> for FeedType {
    fn from(kind: FeedKind) -> Self {
        FeedType::from(kind.as_str())
    }
}

stripe_enum! {
    /// `mode`: merge into the catalog, or replace it.
    pub enum ImportMode {
        /// Add and update the rows given; leave the rest alone.
        Upsert = "upsert",
        /// Make the catalog exactly the file: products not in it are removed.
        Replace = "replace",
    }
}

stripe_enum! {
    /// Where an import is in its life.
    pub enum CatalogImportStatus {
        /// Waiting for the file at `status_details.awaiting_upload.upload_url`.
        AwaitingUpload = "awaiting_upload",
        /// Rows being processed.
        Processing = "processing",
        /// Every row went in.
        Succeeded = "succeeded",
        /// Some rows failed.
        SucceededWithErrors = "succeeded_with_errors",
        /// The file failed as a whole.
        Failed = "failed",
    }
}

impl CatalogImportStatus {
    /// True once processing is over.
    #[must_use]
    pub fn is_terminal(&self) -> bool {
        matches!(
            self,
            CatalogImportStatus::Succeeded
                | CatalogImportStatus::SucceededWithErrors
                | CatalogImportStatus::Failed
        )
    }
}

/// A URL with an expiry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExpiringUrl {
    /// The URL.
    pub url: String,
    /// When it stops working.
    #[serde(default)]
    pub expires_at: Option<DateTime<Utc>>,
}

/// `status_details.awaiting_upload`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AwaitingUpload {
    /// Where to PUT the file.
    pub upload_url: ExpiringUrl,
}

/// Success and error counts (int64 strings on the wire).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counts {
    /// Rows that went in.
    #[serde(default, deserialize_with = "opt_int64_string")]
    pub success_count: Option<i64>,
    /// Rows that failed.
    #[serde(default, deserialize_with = "opt_int64_string")]
    pub error_count: Option<i64>,
}

/// The downloadable error report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorFile {
    /// MIME type, usually `text/csv`.
    #[serde(default)]
    pub content_type: Option<String>,
    /// Bytes.
    #[serde(default, deserialize_with = "opt_int64_string")]
    pub size: Option<i64>,
    /// Expiring URL (about five minutes): fetch a fresh one when it lapses.
    pub download_url: ExpiringUrl,
}

/// One sample of a failed row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorSample {
    /// The row's `id` column.
    #[serde(default)]
    pub id: Option<String>,
    /// Row number in the file.
    #[serde(default, deserialize_with = "opt_int64_string")]
    pub row: Option<i64>,
    /// The column at fault.
    #[serde(default)]
    pub field: Option<String>,
    /// What went wrong.
    #[serde(default)]
    pub error_message: Option<String>,
}

/// `status_details.succeeded_with_errors`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SucceededWithErrors {
    /// Rows that went in.
    #[serde(default, deserialize_with = "opt_int64_string")]
    pub success_count: Option<i64>,
    /// Rows that failed.
    #[serde(default, deserialize_with = "opt_int64_string")]
    pub error_count: Option<i64>,
    /// The error report.
    #[serde(default)]
    pub error_file: Option<ErrorFile>,
    /// A few failed rows.
    #[serde(default)]
    pub samples: Vec<ErrorSample>,
}

/// `status_details.failed`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Failed {
    /// `file_not_found`, `internal_error`, `invalid_file`, …
    #[serde(default)]
    pub code: Option<String>,
    /// `cannot_proceed` or `transient_failure`.
    #[serde(default, rename = "type")]
    pub failure_type: Option<String>,
    /// What went wrong, in Stripe's words.
    #[serde(default)]
    pub failure_message: Option<String>,
}

/// Details for the current status (only the matching member is set).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusDetails {
    /// Set while awaiting the file.
    #[serde(default)]
    pub awaiting_upload: Option<AwaitingUpload>,
    /// Set while processing.
    #[serde(default)]
    pub processing: Option<Counts>,
    /// Set on success.
    #[serde(default)]
    pub succeeded: Option<Counts>,
    /// Set on partial success.
    #[serde(default)]
    pub succeeded_with_errors: Option<SucceededWithErrors>,
    /// Set on failure.
    #[serde(default)]
    pub failed: Option<Failed>,
}

/// A v2 product catalog import.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CatalogImport {
    /// `pcimprt_…`.
    pub id: String,
    /// Creation time.
    #[serde(default)]
    pub created: Option<DateTime<Utc>>,
    /// Which feed.
    pub feed_type: FeedType,
    /// Live or test.
    #[serde(default)]
    pub livemode: bool,
    /// Metadata given at creation.
    #[serde(default)]
    pub metadata: Option<Metadata>,
    /// Upsert or replace.
    #[serde(default)]
    pub mode: Option<ImportMode>,
    /// Status.
    pub status: CatalogImportStatus,
    /// Details of the status.
    #[serde(default)]
    pub status_details: Option<StatusDetails>,
}

impl CatalogImport {
    /// The pre-signed upload URL while the import awaits its file.
    #[must_use]
    pub fn upload_url(&self) -> Option<&ExpiringUrl> {
        self.status_details
            .as_ref()
            .and_then(|d| d.awaiting_upload.as_ref())
            .map(|a| &a.upload_url)
    }

    /// `(succeeded rows, failed rows)` as far as known.
    #[must_use]
    pub fn counts(&self) -> (i64, i64) {
        let Some(d) = &self.status_details else {
            return (0, 0);
        };
        if let Some(s) = &d.succeeded_with_errors {
            return (s.success_count.unwrap_or(0), s.error_count.unwrap_or(0));
        }
        let c = d.processing.as_ref().or(d.succeeded.as_ref());
        c.map_or((0, 0), |c| {
            (c.success_count.unwrap_or(0), c.error_count.unwrap_or(0))
        })
    }

    /// The error report when some rows failed.
    #[must_use]
    pub fn error_file(&self) -> Option<&ErrorFile> {
        self.status_details
            .as_ref()
            .and_then(|d| d.succeeded_with_errors.as_ref())
            .and_then(|s| s.error_file.as_ref())
    }

    /// Why the import failed, when it did.
    #[must_use]
    pub fn failure(&self) -> Option<&Failed> {
        self.status_details.as_ref().and_then(|d| d.failed.as_ref())
    }
}

/// Filters for [`Client::list_catalog_imports`].
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CatalogImportFilter {
    /// Only this feed.
    pub feed_type: Option<FeedType>,
    /// Only this status.
    pub status: Option<CatalogImportStatus>,
    /// Created at or after.
    pub created_gte: Option<DateTime<Utc>>,
    /// Created before.
    pub created_lt: Option<DateTime<Utc>>,
    /// Page size (1 to 100; default 20).
    pub limit: Option<u8>,
}

impl Client {
    /// Creates an import; it starts `awaiting_upload` with a pre-signed URL for the file.
    pub async fn create_catalog_import(
        &self,
        feed_type: &FeedType,
        mode: &ImportMode,
        metadata: &BTreeMap<String, String>,
        idempotency_key: Option<IdempotencyKey>,
    ) -> Result<CatalogImport, Error> {
        let body = serde_json::json!({
            "feed_type": feed_type.as_str(),
            "mode": mode.as_str(),
            "metadata": metadata,
        });
        self.json(
            Call::post(PATH, ApiVersion::CatalogImports)
                .json(body)
                .idempotency(idempotency_key),
        )
        .await
    }

    /// PUTs the file at `path` to the import's pre-signed upload URL, streaming it from disk.
    /// The API key is only sent if the URL points at the configured Stripe hosts.
    pub async fn upload_catalog_file(
        &self,
        import: &CatalogImport,
        path: &Path,
        progress: Option<Progress>,
    ) -> Result<(), Error> {
        let url = import.upload_url().ok_or_else(|| {
            Error::Invalid(format!(
                "Import {} is {}, not awaiting a file, so there is nowhere to upload to. \
                 Start a new import.",
                import.id, import.status
            ))
        })?;
        if url.expires_at.is_some_and(|t| t <= Utc::now()) {
            return Err(Error::Invalid(format!(
                "The upload URL of import {} has expired. Start a new import.",
                import.id
            )));
        }
        let upload = prepare_upload(path, progress, crate::feed::io::V2_IMPORT_LIMIT).await?;
        let mut call = Call::new(Method::PUT, url.url.clone(), ApiVersion::CatalogImports);
        call.class = super::rate_limit::EndpointClass::Files;
        self.send(call.upload(upload)).await.map(|_| ())
    }

    /// Retrieves an import.
    pub async fn retrieve_catalog_import(&self, id: &str) -> Result<CatalogImport, Error> {
        self.json(Call::get(
            format!("{PATH}/{}", path_id(id)?),
            ApiVersion::CatalogImports,
        ))
        .await
    }

    /// Lists imports, newest first, following `next_page_url`.
    #[must_use]
    pub fn list_catalog_imports(&self, filter: &CatalogImportFilter) -> Pager<CatalogImport> {
        let mut q = Form::new();
        q.push(
            "limit",
            filter.limit.unwrap_or(20).clamp(1, 100).to_string(),
        );
        q.push_opt("feed_type", filter.feed_type.as_ref().map(FeedType::as_str));
        q.push_opt(
            "status",
            filter.status.as_ref().map(CatalogImportStatus::as_str),
        );
        q.push_opt(
            "created_gte",
            filter.created_gte.as_ref().map(DateTime::to_rfc3339),
        );
        q.push_opt(
            "created_lt",
            filter.created_lt.as_ref().map(DateTime::to_rfc3339),
        );
        Pager::v2(self.clone(), PATH, q, ApiVersion::CatalogImports)
    }

    /// A fresh error-report URL: the one in an old copy of the import expires after a few
    /// minutes, so this retrieves the import again. `None` when there is no report.
    pub async fn fresh_error_file_url(&self, id: &str) -> Result<Option<ExpiringUrl>, Error> {
        let import = self.retrieve_catalog_import(id).await?;
        Ok(import.error_file().map(|f| f.download_url.clone()))
    }

    async fn open_error_report(&self, id: &str) -> Result<Option<reqwest::Response>, Error> {
        for attempt in 0..2 {
            let Some(url) = self.fresh_error_file_url(id).await? else {
                return Ok(None);
            };
            match self
                .send_streaming(Call::get(url.url, ApiVersion::CatalogImports))
                .await
            {
                Ok(r) => return Ok(Some(r)),
                // An expired link answers 4xx; fetch a fresh one once.
                Err(Error::Api(e)) if attempt == 0 && matches!(e.status, 400 | 403 | 404 | 410) => {
                }
                Err(e) => return Err(e),
            }
        }
        Err(Error::Invalid(format!(
            "The error report of import {id} could not be downloaded: its link kept expiring. \
             Try again in a minute."
        )))
    }

    /// Downloads the error report of import `id` to `dest` (atomically). Returns the bytes
    /// written, or `None` when the import has no error report.
    pub async fn download_catalog_import_errors(
        &self,
        id: &str,
        dest: &Path,
    ) -> Result<Option<u64>, Error> {
        match self.open_error_report(id).await? {
            Some(r) => save_stream(r, dest).await.map(Some),
            None => Ok(None),
        }
    }

    /// Reads the error report of import `id` into memory (at most `max_bytes`).
    pub async fn catalog_import_errors(
        &self,
        id: &str,
        max_bytes: u64,
    ) -> Result<Option<Vec<u8>>, Error> {
        match self.open_error_report(id).await? {
            Some(r) => read_capped(r, max_bytes).await.map(Some),
            None => Ok(None),
        }
    }
}

has_id!(CatalogImport);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_reference_shape_with_string_counts() {
        let json = r#"{"id":"pcimprt_test_1","object":"v2.commerce.product_catalog_import",
          "created":"2026-04-06T10:00:00Z","feed_type":"product","livemode":false,
          "metadata":{},"mode":"upsert","status":"succeeded_with_errors",
          "status_details":{"succeeded_with_errors":{"success_count":"16","error_count":"5",
            "error_file":{"content_type":"text/csv","size":"2048",
              "download_url":{"url":"https://files.example/e.csv","expires_at":"2026-04-06T10:05:00Z"}},
            "samples":[{"id":"SKU-1","row":"3","field":"price","error_message":"bad price"}]},
            "future_field":{"x":1}}}"#;
        let imp: CatalogImport = serde_json::from_str(json).unwrap();
        assert_eq!(imp.status, CatalogImportStatus::SucceededWithErrors);
        assert_eq!(imp.counts(), (16, 5));
        assert_eq!(imp.error_file().unwrap().size, Some(2048));
        let sample = &imp
            .status_details
            .as_ref()
            .unwrap()
            .succeeded_with_errors
            .as_ref()
            .unwrap()
            .samples[0];
        assert_eq!(sample.row, Some(3));
        assert!(imp.status.is_terminal());
    }

    #[test]
    fn unknown_statuses_and_feed_types_do_not_break_parsing() {
        let json = r#"{"id":"pcimprt_2","feed_type":"bundles","status":"queued"}"#;
        let imp: CatalogImport = serde_json::from_str(json).unwrap();
        assert_eq!(imp.feed_type, FeedType::Unknown("bundles".into()));
        assert!(!imp.status.is_terminal());
        assert_eq!(FeedType::from(FeedKind::Pricing), FeedType::Pricing);
    }
}
