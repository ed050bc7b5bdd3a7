//! Files: multipart upload (streamed to disk, 200 MB limit), retrieve, list, `/contents`.

use std::path::Path;
use std::sync::Arc;

use axum::body::Body;
use axum::extract::{FromRequest, Multipart, Request};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use tokio::io::AsyncWriteExt;
use tokio_util::io::ReaderStream;

use super::request::{Ctx, Object, Outcome, Reply, list_page, render_or_404, renderer};
use crate::sandbox::errors::ApiError;
use crate::sandbox::ids;
use crate::sandbox::pagination::v1_page;
use crate::sandbox::params::Params;
use crate::sandbox::state::{Blob, FileRec, Shared};

/// `file`, as a retrieve names it.
const FILE: Object = Object::new("file", "id");

/// The largest file `POST /v1/files` accepts (Stripe's catalog upload limit).
pub const MAX_UPLOAD_BYTES: u64 = crate::feed::io::FILES_API_LIMIT;

/// The catalog upload purpose (not in Stripe's public enum).
pub(crate) const CATALOG_PURPOSE: &str = "data_management_manual_upload";

/// Upload purposes Stripe accepts.
const PURPOSES: &[&str] = &[
    CATALOG_PURPOSE,
    "account_requirement",
    "additional_verification",
    "business_icon",
    "business_logo",
    "customer_signature",
    "dispute_evidence",
    "identity_document",
    "issuing_regulatory_reporting",
    "pci_document",
    "platform_terms_of_service",
    "tax_document_user_upload",
    "terminal_android_apk",
    "terminal_reader_splashscreen",
    "terminal_wifi_certificate",
    "terminal_wifi_private_key",
];

/// The file `type` from its name.
fn file_type(filename: &str) -> String {
    let ext = Path::new(filename)
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or_default()
        .to_ascii_lowercase();
    match ext.as_str() {
        "jpeg" => "jpg".into(),
        "" => "txt".into(),
        other => other.into(),
    }
}

/// MIME type to serve contents with.
pub(crate) fn mime(kind: &str) -> &'static str {
    match kind {
        "csv" => "text/csv",
        "tsv" => "text/tab-separated-values",
        "pdf" => "application/pdf",
        "png" => "image/png",
        "jpg" => "image/jpeg",
        "txt" => "text/plain",
        _ => "application/octet-stream",
    }
}

fn read_error(e: impl std::fmt::Display) -> ApiError {
    ApiError::invalid(format!(
        "The multipart upload could not be read ({e}). Send the file as multipart/form-data \
         with parts `purpose` and `file`."
    ))
}

fn disk_error(e: impl std::fmt::Display) -> ApiError {
    ApiError::invalid(format!("The sandbox could not store the upload ({e})."))
        .with_status(StatusCode::INTERNAL_SERVER_ERROR)
}

struct Upload {
    filename: String,
    content_type: Option<String>,
    blob: Blob,
    size: u64,
}

/// `POST /v1/files` (the files host).
pub(crate) async fn create(app: &Arc<Shared>, ctx: &Ctx, upload: Option<Request>) -> Outcome {
    let Some(req) = upload else {
        return Err(read_error("no body"));
    };
    let is_multipart = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("multipart/form-data"));
    if !is_multipart {
        return Err(read_error("the body is not multipart/form-data"));
    }
    let mut multipart = Multipart::from_request(req, &())
        .await
        .map_err(read_error)?;
    let mut fields: Vec<(String, String)> = Vec::new();
    let mut file: Option<Upload> = None;
    while let Some(mut field) = multipart.next_field().await.map_err(read_error)? {
        let name = field.name().unwrap_or_default().to_string();
        if name != "file" {
            let text = field.text().await.map_err(read_error)?;
            fields.push((name, text));
            continue;
        }
        if file.is_some() {
            return Err(ApiError::param(
                "file",
                "Send one file per upload: this request has more than one `file` part.",
            ));
        }
        let filename = field.file_name().unwrap_or("upload").to_string();
        let content_type = field.content_type().map(str::to_string);
        let blob = app.new_blob().map_err(disk_error)?;
        let mut out = tokio::fs::File::create(blob.path())
            .await
            .map_err(disk_error)?;
        let mut size = 0u64;
        while let Some(chunk) = field.chunk().await.map_err(read_error)? {
            size += chunk.len() as u64;
            if size > MAX_UPLOAD_BYTES {
                return Err(ApiError::param(
                    "file",
                    "The file is larger than 200 MB, the most Stripe accepts for a catalog \
                     upload. Split it into several files.",
                ));
            }
            out.write_all(&chunk).await.map_err(disk_error)?;
        }
        out.flush().await.map_err(disk_error)?;
        file = Some(Upload {
            filename,
            content_type,
            blob,
            size,
        });
    }
    let encoded = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(fields)
        .finish();
    let mut params = Params::parse(encoded.as_bytes())?;
    params.merge(ctx.params.clone());
    params.allow(&["purpose", "file", "file_link_data", "expand"])?;
    let purpose = params.required_str("purpose")?.to_string();
    if !PURPOSES.contains(&purpose.as_str()) {
        return Err(ApiError::param(
            "purpose",
            format!("Invalid purpose: {purpose}. Catalog feeds use data_management_manual_upload."),
        ));
    }
    let Some(file) = file else {
        return Err(ApiError::missing("file"));
    };
    let kind = file_type(&file.filename);
    if purpose == CATALOG_PURPOSE {
        check_catalog_file(&file, &kind)?;
    }
    if purpose == "dispute_evidence" {
        check_evidence_file(&file, &kind)?;
    }
    if params.0.contains_key("file_link_data") && purpose == CATALOG_PURPOSE {
        return Err(ApiError::param(
            "file_link_data[create]",
            "File links cannot be created for files with purpose data_management_manual_upload.",
        ));
    }

    let mut store = app.lock();
    let (ledger, rng) = store.ledger_and_rng(&ctx.key);
    let rec = FileRec {
        id: ids::v1(rng, "file"),
        seq: ledger.next_seq(),
        created: ctx.now,
        filename: file.filename,
        purpose,
        size: file.size,
        kind,
        path: file.blob.keep(),
    };
    let id = rec.id.clone();
    ledger.files.insert(rec);
    let r = renderer(app, ctx, ledger);
    let value = ledger.files.get(&id).map(|f| r.file(f)).unwrap_or_default();
    let paths = params.expand()?;
    let mut value = value;
    crate::sandbox::expand::apply(&r, &mut value, &paths)?;
    Ok(Reply::committed(value))
}

/// Catalog files must be CSV or TSV, with a MIME type that matches.
/// Largest dispute evidence file.
const MAX_EVIDENCE_BYTES: u64 = 5 * 1024 * 1024;

/// Dispute evidence: PDF, JPEG or PNG, at most 5 MB.
fn check_evidence_file(file: &Upload, kind: &str) -> Result<(), ApiError> {
    if !matches!(kind, "pdf" | "jpg" | "png") {
        return Err(ApiError::param(
            "file",
            format!(
                "`{}` is a {kind} file; dispute evidence must be a PDF, JPEG or PNG.",
                file.filename
            ),
        ));
    }
    if file.size > MAX_EVIDENCE_BYTES {
        return Err(ApiError::param(
            "file",
            format!(
                "`{}` is larger than 5 MB, the most Stripe accepts for dispute evidence.",
                file.filename
            ),
        ));
    }
    Ok(())
}

fn check_catalog_file(file: &Upload, kind: &str) -> Result<(), ApiError> {
    if kind != "csv" && kind != "tsv" {
        if let Some(ct) = file.content_type.as_deref()
            && (ct.starts_with("text/csv") || ct.starts_with("text/tab-separated-values"))
        {
            return Ok(());
        }
        return Err(ApiError::param(
            "file",
            format!(
                "`{}` is not a CSV or TSV file. Catalog feeds must be uploaded as .csv or .tsv.",
                file.filename
            ),
        ));
    }
    let Some(ct) = file.content_type.as_deref() else {
        return Ok(());
    };
    let ct = ct.split(';').next().unwrap_or_default().trim();
    let fits = match kind {
        "csv" => matches!(
            ct,
            "text/csv"
                | "application/csv"
                | "application/vnd.ms-excel"
                | "text/plain"
                | "application/octet-stream"
        ),
        _ => matches!(
            ct,
            "text/tab-separated-values" | "text/tsv" | "text/plain" | "application/octet-stream"
        ),
    };
    if fits {
        Ok(())
    } else {
        Err(ApiError::param(
            "file",
            format!(
                "The MIME type `{ct}` does not match the {kind} file `{}`. Send it as text/{}.",
                file.filename,
                if kind == "csv" {
                    "csv"
                } else {
                    "tab-separated-values"
                }
            ),
        ))
    }
}

/// `GET /v1/files`.
pub(crate) fn list(app: &Arc<Shared>, ctx: &Ctx) -> Outcome {
    let p = &ctx.params;
    p.allow_list(&["purpose"])?;
    let purpose = p.str("purpose")?;
    let created = p.range("created")?;
    let mut store = app.lock();
    let ledger = store.ledger(&ctx.key);
    let page = v1_page(&ledger.files, p, "file", |f| {
        purpose.is_none_or(|want| f.purpose == want)
            && created.is_none_or(|r| r.contains(f.created))
    })?;
    let r = renderer(app, ctx, ledger);
    list_page(&r, ctx, "/v1/files", &page, |f| r.file(f))
}

/// `GET /v1/files/:id` (the api host).
pub(crate) fn retrieve(app: &Arc<Shared>, ctx: &Ctx, id: &str) -> Outcome {
    ctx.params.allow(&["expand"])?;
    render_or_404(app, ctx, id, &FILE, |l| l.files.get(id))
}

/// `GET /v1/files/:id/contents` (the files host): the raw bytes, streamed.
pub(crate) async fn contents(app: &Arc<Shared>, ctx: &Ctx, id: &str) -> Outcome {
    let (path, kind, filename) = {
        let mut store = app.lock();
        let ledger = store.ledger(&ctx.key);
        let file = ledger
            .files
            .get(id)
            .ok_or_else(|| ApiError::no_such("file", id, "id"))?;
        (file.path.clone(), file.kind.clone(), file.filename.clone())
    };
    Ok(Reply::Raw(stream_file(&path, &kind, &filename).await?))
}

/// A response streaming a stored file.
pub(crate) async fn stream_file(
    path: &Path,
    kind: &str,
    filename: &str,
) -> Result<Response, ApiError> {
    let file = tokio::fs::File::open(path).await.map_err(|e| {
        ApiError::invalid(format!(
            "The file's contents are no longer available ({e})."
        ))
        .with_status(StatusCode::NOT_FOUND)
    })?;
    let size = file.metadata().await.map(|m| m.len()).ok();
    let mut response = Body::from_stream(ReaderStream::new(file)).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(mime(kind)));
    if let Some(size) = size {
        headers.insert(header::CONTENT_LENGTH, HeaderValue::from(size));
    }
    let disposition = format!("attachment; filename=\"{}\"", filename.replace('"', ""));
    if let Ok(value) = HeaderValue::from_str(&disposition) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    Ok(response)
}
