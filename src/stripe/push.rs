//! Pushing a feed file, the one way the app and the command line do it: every local check
//! (a regular file, within the limit of the path it takes) before anything is created on
//! Stripe, then the upload and the import, v2 catalog import or v1 ImportSet.

use std::collections::BTreeMap;
use std::path::Path;

use super::catalog_imports::{FeedType, ImportMode};
use super::client::{Client, Progress};
use super::error::Error;
use super::files::{FilePurpose, prepare_upload};
use super::idempotency::IdempotencyKey;
use super::import_sets::StandardDataFormat;

/// Which Stripe API takes the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PushVia {
    /// A v2 catalog import: the file goes to its upload URL (up to 4 GB).
    CatalogImport {
        /// The feed kind.
        feed: FeedType,
        /// Upsert or replace.
        mode: ImportMode,
    },
    /// A v1 ImportSet over a Files API upload (up to 200 MB).
    ImportSet {
        /// The feed's standard data format.
        format: StandardDataFormat,
    },
}

impl PushVia {
    /// The largest file this path takes.
    #[must_use]
    pub fn limit(&self) -> u64 {
        match self {
            PushVia::CatalogImport { .. } => crate::feed::io::V2_IMPORT_LIMIT,
            PushVia::ImportSet { .. } => crate::feed::io::FILES_API_LIMIT,
        }
    }
}

/// What a push made on Stripe.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pushed {
    /// The import (`pcimprt_…` / the ImportSet id).
    pub import: String,
    /// The uploaded file, for an ImportSet.
    pub file: Option<String>,
}

/// The metadata a push puts on a v2 import: where it came from and the file's name.
#[must_use]
pub fn push_metadata(path: &Path) -> BTreeMap<String, String> {
    let mut metadata = BTreeMap::new();
    metadata.insert("source".to_owned(), "seller-console".to_owned());
    if let Some(name) = path.file_name().and_then(|n| n.to_str()) {
        metadata.insert("file_name".to_owned(), name.to_owned());
    }
    metadata
}

impl Client {
    /// The newest v2 import of `feed` still processing on this account, if any: Stripe does
    /// not promise to finish uploads in the order they were made, so a second push while one is
    /// processing can be overtaken by the first.
    ///
    /// # Errors
    /// Stripe's or the network's.
    pub async fn processing_import(
        &self,
        feed: &FeedType,
    ) -> Result<Option<super::catalog_imports::CatalogImport>, Error> {
        let filter = super::catalog_imports::CatalogImportFilter {
            feed_type: Some(feed.clone()),
            status: Some(super::catalog_imports::CatalogImportStatus::Processing),
            limit: Some(1),
            ..super::catalog_imports::CatalogImportFilter::default()
        };
        let page = self.list_catalog_imports(&filter).next_page().await?;
        Ok(page.and_then(|p| p.into_iter().next()))
    }

    /// Pushes `path` through `via`. The file is checked first, so a file Stripe would refuse
    /// creates nothing; when the upload fails after a v2 import was created, the error names
    /// that import (it stays waiting for a file and Stripe ends it).
    ///
    /// # Errors
    /// The file's (not a regular file, too large), Stripe's or the network's.
    pub async fn push_feed(
        &self,
        path: &Path,
        via: &PushVia,
        progress: Option<Progress>,
    ) -> Result<Pushed, Error> {
        prepare_upload(path, None, via.limit()).await?;
        match via {
            PushVia::CatalogImport { feed, mode } => {
                let import = self
                    .create_catalog_import(
                        feed,
                        mode,
                        &push_metadata(path),
                        Some(IdempotencyKey::new()),
                    )
                    .await?;
                if let Err(e) = self.upload_catalog_file(&import, path, progress).await {
                    return Err(Error::Invalid(format!(
                        "Import {} was created, but its file did not go up: {} The import \
                         stays waiting for a file until Stripe ends it; push again to start a \
                         new one.",
                        import.id,
                        e.user_message()
                    )));
                }
                Ok(Pushed {
                    import: import.id,
                    file: None,
                })
            }
            PushVia::ImportSet { format } => {
                let file = self
                    .upload_file(path, &FilePurpose::DataManagementManualUpload, progress)
                    .await?;
                let set = self
                    .create_import_set(&file.id, format, Some(IdempotencyKey::new()))
                    .await?;
                Ok(Pushed {
                    import: set.id,
                    file: Some(file.id),
                })
            }
        }
    }
}
