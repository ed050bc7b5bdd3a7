//! Files API: streamed multipart upload to the files host, metadata from the API host,
//! streamed download of contents.

use std::path::Path;

use futures_util::StreamExt;
use serde::{Deserialize, Serialize};
use tokio::io::AsyncWriteExt;

use super::client::{ApiVersion, Call, Client, Progress, Upload};
use super::error::Error;
use super::form::path_id;
use super::model::{List, has_id, stripe_enum};

/// The Files API's upload limit (200 MB), checked before anything is sent. v2 catalog imports
/// take up to [`crate::feed::io::V2_IMPORT_LIMIT`] through their upload URL; both limits live in
/// `feed::io`, where the validator reads them too.
pub const MAX_UPLOAD_BYTES: u64 = crate::feed::io::FILES_API_LIMIT;

stripe_enum! {
    /// What a file is for. Only the values the console uses are named.
    pub enum FilePurpose {
        /// Catalog feeds for `ImportSets` (not in the public enum; needs the beta version).
        DataManagementManualUpload = "data_management_manual_upload",
        /// Evidence for disputes.
        DisputeEvidence = "dispute_evidence",
        /// Business logo.
        BusinessLogo = "business_logo",
        /// Business icon.
        BusinessIcon = "business_icon",
        /// Identity documents.
        IdentityDocument = "identity_document",
        /// Results of a finance report.
        FinanceReportRun = "finance_report_run",
    }
}

/// A File object.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct File {
    /// `file_…`.
    pub id: String,
    /// Unix seconds.
    #[serde(default)]
    pub created: i64,
    /// When Stripe deletes it, unix seconds.
    #[serde(default)]
    pub expires_at: Option<i64>,
    /// Name given at upload.
    #[serde(default)]
    pub filename: Option<String>,
    /// Why it was uploaded.
    pub purpose: FilePurpose,
    /// Bytes.
    #[serde(default)]
    pub size: u64,
    /// Title.
    #[serde(default)]
    pub title: Option<String>,
    /// Format, e.g. `csv`.
    #[serde(default, rename = "type")]
    pub file_type: Option<String>,
    /// Where the contents can be downloaded (with the secret key).
    #[serde(default)]
    pub url: Option<String>,
}

/// The MIME type Stripe expects for a feed file, from its extension.
#[must_use]
pub fn mime_for(path: &Path) -> &'static str {
    match path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        Some("tsv" | "tab") => "text/tab-separated-values",
        Some("txt") => "text/plain",
        _ => "text/csv",
    }
}

fn file_error(path: &Path, e: &std::io::Error) -> Error {
    Error::File {
        path: path.to_path_buf(),
        detail: e.to_string(),
    }
}

impl Client {
    /// Uploads `path` to the files host as `multipart/form-data`, streaming it from disk.
    ///
    /// Files over [`MAX_UPLOAD_BYTES`] are refused before anything is sent. `progress` is
    /// called with `(bytes_sent, total)` as the file goes out. Catalog uploads
    /// (`data_management_manual_upload`) carry the beta `Stripe-Version`.
    pub async fn upload_file(
        &self,
        path: &Path,
        purpose: &FilePurpose,
        progress: Option<Progress>,
    ) -> Result<File, Error> {
        let upload = prepare_upload(path, progress, MAX_UPLOAD_BYTES).await?;
        let version = if *purpose == FilePurpose::DataManagementManualUpload {
            ApiVersion::ImportSetBeta
        } else {
            ApiVersion::Default
        };
        let upload = Upload {
            multipart_fields: Some(vec![("purpose".into(), purpose.as_str().into())]),
            ..upload
        };
        self.json(Call::post("/v1/files", version).files_host().upload(upload))
            .await
    }

    /// Retrieves a file's metadata (from the API host, not the files host).
    pub async fn retrieve_file(&self, id: &str) -> Result<File, Error> {
        self.json(Call::get(
            format!("/v1/files/{}", path_id(id)?),
            ApiVersion::Default,
        ))
        .await
    }

    /// Lists files, newest first (one page).
    pub async fn list_files(
        &self,
        purpose: Option<&FilePurpose>,
        limit: u8,
    ) -> Result<List<File>, Error> {
        let mut q = super::form::Form::new();
        q.push("limit", limit.clamp(1, 100).to_string());
        q.push_opt("purpose", purpose.map(FilePurpose::as_str));
        self.json(Call::get("/v1/files", ApiVersion::Default).query(q))
            .await
    }

    /// Streams a file's contents from the files host into `dest`, writing a temporary file
    /// next to it and renaming it into place, so a failed download never leaves half a file.
    /// Returns the number of bytes written.
    pub async fn download_file(&self, id: &str, dest: &Path) -> Result<u64, Error> {
        let call = Call::get(
            format!("/v1/files/{}/contents", path_id(id)?),
            ApiVersion::Default,
        )
        .files_host();
        let response = self.send_streaming(call).await?;
        save_stream(response, dest).await
    }

    /// Reads a small file's contents (such as an error report) into memory, refusing
    /// anything over `max_bytes`.
    pub async fn file_contents(&self, id: &str, max_bytes: u64) -> Result<Vec<u8>, Error> {
        let call = Call::get(
            format!("/v1/files/{}/contents", path_id(id)?),
            ApiVersion::Default,
        )
        .files_host();
        let response = self.send_streaming(call).await?;
        read_capped(response, max_bytes).await
    }
}

/// Measures `path`, refuses anything but a regular file of at most `limit` bytes, and describes
/// it for streaming.
pub(crate) async fn prepare_upload(
    path: &Path,
    progress: Option<Progress>,
    limit: u64,
) -> Result<Upload, Error> {
    let meta = tokio::fs::metadata(path)
        .await
        .map_err(|e| file_error(path, &e))?;
    if !meta.is_file() {
        return Err(Error::File {
            path: path.to_path_buf(),
            detail: "it is not a regular file".into(),
        });
    }
    let size = meta.len();
    if size > limit {
        return Err(Error::TooLarge {
            path: path.to_path_buf(),
            size,
            limit,
        });
    }
    let file_name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("catalog.csv")
        .to_owned();
    Ok(Upload {
        path: path.to_path_buf(),
        size,
        file_name,
        mime: mime_for(path).to_owned(),
        multipart_fields: None,
        progress,
    })
}

/// Writes a response body to `dest` atomically and durably (see [`crate::durable`]): the
/// bytes go to a temporary file in the same folder, renamed over `dest` once complete. A
/// broken download leaves `dest` as it was and removes its temporary file; one a killed
/// process left is removed before the next download or save into that folder.
pub(crate) async fn save_stream(response: reqwest::Response, dest: &Path) -> Result<u64, Error> {
    let target = dest.to_path_buf();
    let mut atomic = tokio::task::spawn_blocking(move || {
        crate::durable::AtomicFile::create(&target, crate::durable::Access::LikeExisting)
    })
    .await
    .map_err(|e| Error::Invalid(format!("The download stopped unexpectedly ({e}).")))?
    .map_err(|e| file_error(dest, &e))?;
    let std_file = atomic
        .file()
        .try_clone()
        .map_err(|e| file_error(dest, &e))?;
    let mut file = tokio::fs::File::from_std(std_file);
    let mut written = 0u64;
    let mut body = response.bytes_stream();
    while let Some(chunk) = body.next().await {
        let chunk = chunk.map_err(|e| Error::Network {
            action: "download".into(),
            host: "files".into(),
            timed_out: e.is_timeout(),
            detail: "the connection broke during the download".into(),
        })?;
        file.write_all(&chunk)
            .await
            .map_err(|e| file_error(dest, &e))?;
        written += chunk.len() as u64;
    }
    file.flush().await.map_err(|e| file_error(dest, &e))?;
    drop(file);
    tokio::task::spawn_blocking(move || atomic.commit())
        .await
        .map_err(|e| Error::Invalid(format!("The download stopped unexpectedly ({e}).")))?
        .map_err(|e| file_error(dest, &e))?;
    Ok(written)
}

/// Reads a response body into memory, refusing more than `max_bytes`.
pub(crate) async fn read_capped(
    response: reqwest::Response,
    max_bytes: u64,
) -> Result<Vec<u8>, Error> {
    let mut out = Vec::new();
    let mut body = response.bytes_stream();
    while let Some(chunk) = body.next().await {
        let chunk = chunk.map_err(|e| Error::Network {
            action: "download".into(),
            host: "files".into(),
            timed_out: e.is_timeout(),
            detail: "the connection broke during the download".into(),
        })?;
        if (out.len() + chunk.len()) as u64 > max_bytes {
            return Err(Error::Invalid(format!(
                "The file is larger than {max_bytes} bytes; download it to disk instead."
            )));
        }
        out.extend_from_slice(&chunk);
    }
    Ok(out)
}

has_id!(File);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn feed_files_get_the_mime_type_stripe_checks() {
        assert_eq!(mime_for(Path::new("a/catalog.CSV")), "text/csv");
        assert_eq!(mime_for(Path::new("feed.tsv")), "text/tab-separated-values");
        assert_eq!(mime_for(Path::new("noext")), "text/csv");
    }

    #[tokio::test]
    async fn files_over_the_limit_are_refused_before_sending() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("big.csv");
        let f = std::fs::File::create(&path).unwrap();
        f.set_len(MAX_UPLOAD_BYTES + 1).unwrap();
        let err = prepare_upload(&path, None, MAX_UPLOAD_BYTES)
            .await
            .unwrap_err();
        assert!(matches!(err, Error::TooLarge { .. }));
        assert!(err.user_message().contains("over Stripe's"));
        let missing = prepare_upload(&dir.path().join("nope.csv"), None, MAX_UPLOAD_BYTES)
            .await
            .unwrap_err();
        assert!(missing.user_message().contains("nope.csv"));
    }
}
