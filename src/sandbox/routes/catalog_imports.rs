//! v2 product catalog imports: create (returns a pre-signed upload URL pointing back at the
//! sandbox), the PUT of the file to that URL, retrieve and list, and the expiring download
//! URL of the error report.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use axum::body::Body;
use axum::extract::Request;
use axum::http::{Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::DateTime;
use futures_util::StreamExt;
use rand::rngs::StdRng;
use serde_json::{Map, Value, json};
use tokio::io::AsyncWriteExt;

use super::request::{Ctx, Outcome, Reply, filters_query, v2_limit};
use crate::feed::FeedKind;
use crate::sandbox::errors::ApiError;
use crate::sandbox::events;
use crate::sandbox::ids;
use crate::sandbox::imports::{self, Target};
use crate::sandbox::pagination::{v2_envelope, v2_page};
use crate::sandbox::render::rfc3339;
use crate::sandbox::state::{
    CatalogImport, DownloadSlot, FileRec, ImportJob, Ledger, LedgerKey, Phase, Shared, Store,
    UploadSlot,
};

/// How long the pre-signed upload URL stays valid.
const UPLOAD_URL_TTL: i64 = 3600;
/// How long an error report download URL stays valid (Stripe: 5 minutes).
const DOWNLOAD_URL_TTL: i64 = 300;
/// Largest file a v2 import accepts.
const MAX_V2_UPLOAD: u64 = crate::feed::io::V2_IMPORT_LIMIT;

struct RenderCtx<'a> {
    ledger: &'a Ledger,
    downloads: &'a mut HashMap<String, DownloadSlot>,
    rng: &'a mut StdRng,
    key: &'a LedgerKey,
    base_url: &'a str,
    now: i64,
}

fn count(n: u64) -> Value {
    json!(n.to_string())
}

/// The import as the API shows it now; a fresh error report URL on every call.
fn render(imp: &CatalogImport, c: &mut RenderCtx<'_>) -> Value {
    let (status, details) = match &imp.job {
        None if c.now > imp.upload_expires_at => (
            "failed",
            json!({
                "code": "file_not_found", "type": "cannot_proceed",
                "failure_message": format!(
                    "No file was uploaded before the upload URL expired at {}. Create a new import.",
                    rfc3339(imp.upload_expires_at)
                ),
            }),
        ),
        None => (
            "awaiting_upload",
            json!({
                "upload_url": {
                    "url": format!("{}/_sandbox/uploads/{}", c.base_url, imp.upload_token),
                    "expires_at": rfc3339(imp.upload_expires_at),
                },
            }),
        ),
        Some(job) => match job.phase() {
            Phase::Pending => (
                "processing",
                json!({ "success_count": count(0), "error_count": count(0) }),
            ),
            Phase::Processing { processed, errors } => (
                "processing",
                json!({ "success_count": count(processed - errors), "error_count": count(errors) }),
            ),
            Phase::Done(outcome) => match (&outcome.failure, &outcome.error_file) {
                (Some(f), _) => (
                    "failed",
                    json!({ "code": f.code, "type": f.kind, "failure_message": f.message }),
                ),
                (None, Some(file_id)) if outcome.error_rows > 0 => {
                    let size = c.ledger.files.get(file_id).map_or(0, |f| f.size);
                    let token = ids::token(c.rng, 40);
                    let expires_at = c.now + DOWNLOAD_URL_TTL;
                    c.downloads.insert(
                        token.clone(),
                        DownloadSlot {
                            key: c.key.clone(),
                            file_id: file_id.clone(),
                            expires_at,
                        },
                    );
                    let samples: Vec<Value> = outcome
                        .samples
                        .iter()
                        .map(|s| {
                            json!({
                                "id": s.id, "row": count(s.row), "field": s.field,
                                "error_message": s.message,
                            })
                        })
                        .collect();
                    (
                        "succeeded_with_errors",
                        json!({
                            "success_count": count(outcome.rows - outcome.error_rows),
                            "error_count": count(outcome.error_rows),
                            "error_file": {
                                "content_type": "text/csv", "size": count(size),
                                "download_url": {
                                    "url": format!("{}/_sandbox/downloads/{token}", c.base_url),
                                    "expires_at": rfc3339(expires_at),
                                },
                            },
                            "samples": samples,
                        }),
                    )
                }
                (None, _) => ("succeeded", json!({ "success_count": count(outcome.rows) })),
            },
        },
    };
    let mut status_details = Map::new();
    status_details.insert(status.to_string(), details);
    json!({
        "id": imp.id, "object": "v2.commerce.product_catalog_import",
        "created": rfc3339(imp.created), "feed_type": imp.feed_type.as_str(),
        "livemode": c.key.live, "metadata": imp.metadata, "mode": imp.mode,
        "status": status, "status_details": status_details,
    })
}

fn with_render<T>(
    store: &mut Store,
    key: &LedgerKey,
    base_url: &str,
    now: i64,
    f: impl FnOnce(&mut RenderCtx<'_>) -> T,
) -> T {
    store.ledger(key);
    let Store {
        ledgers,
        downloads,
        rng,
        ..
    } = store;
    let ledger = ledgers.entry(key.clone()).or_default();
    let mut c = RenderCtx {
        ledger,
        downloads,
        rng,
        key,
        base_url,
        now,
    };
    f(&mut c)
}

/// `POST /v2/commerce/product_catalog/imports`.
pub(crate) fn create(app: &Arc<Shared>, ctx: &Ctx) -> Outcome {
    let body = match &ctx.json {
        Value::Object(map) => map.clone(),
        Value::Null => Map::new(),
        _ => return Err(ApiError::invalid("The request body must be a JSON object.")),
    };
    if let Some(unknown) = body
        .keys()
        .find(|k| !matches!(k.as_str(), "feed_type" | "mode" | "metadata"))
    {
        return Err(ApiError::unknown_param(unknown));
    }
    let feed_type = match body.get("feed_type").and_then(Value::as_str) {
        None => return Err(ApiError::missing("feed_type")),
        Some(s @ ("product" | "inventory" | "pricing" | "promotion")) => s
            .parse::<FeedKind>()
            .map_err(|e| ApiError::param("feed_type", e))?,
        Some(other) => {
            return Err(ApiError::param(
                "feed_type",
                format!(
                    "Invalid feed_type `{other}`: use product, inventory, pricing or promotion."
                ),
            ));
        }
    };
    let mode = match body.get("mode").and_then(Value::as_str) {
        None => return Err(ApiError::missing("mode")),
        Some("upsert") => "upsert",
        Some("replace") if feed_type == FeedKind::Product => "replace",
        Some("replace") => {
            return Err(ApiError::param(
                "mode",
                format!("Replace mode works only for the product feed, not the {feed_type} feed."),
            ));
        }
        Some(other) => {
            return Err(ApiError::param(
                "mode",
                format!("Invalid mode `{other}`: use upsert or replace."),
            ));
        }
    };
    let mut metadata = BTreeMap::new();
    match body.get("metadata") {
        None | Some(Value::Null) => {}
        Some(Value::Object(m)) => {
            for (k, v) in m {
                let v = v.as_str().ok_or_else(|| {
                    ApiError::param(format!("metadata.{k}"), "Metadata values must be strings.")
                })?;
                metadata.insert(k.clone(), v.to_string());
            }
        }
        Some(_) => return Err(ApiError::param("metadata", "metadata must be an object.")),
    }

    let mut store = app.lock();
    let (ledger, rng) = store.ledger_and_rng(&ctx.key);
    let token = ids::token(rng, 40);
    let import = CatalogImport {
        id: ids::moded(rng, "pcimprt", ctx.key.live),
        seq: ledger.next_seq(),
        created: ctx.now,
        feed_type,
        mode: mode.to_string(),
        metadata,
        upload_token: token.clone(),
        upload_expires_at: ctx.now + UPLOAD_URL_TTL,
        job: None,
    };
    let id = import.id.clone();
    ledger.catalog_imports.insert(import);
    store.uploads.insert(
        token,
        UploadSlot {
            key: ctx.key.clone(),
            import_id: id.clone(),
            expires_at: ctx.now + UPLOAD_URL_TTL,
        },
    );
    let value = with_render(&mut store, &ctx.key, &app.base_url, ctx.now, |c| {
        c.ledger.catalog_imports.get(&id).map(|i| render(i, c))
    });
    Ok(Reply::committed(value.unwrap_or_default()))
}

/// `GET /v2/commerce/product_catalog/imports/:id`.
pub(crate) fn retrieve(app: &Arc<Shared>, ctx: &Ctx, id: &str) -> Outcome {
    let mut store = app.lock();
    let value = with_render(&mut store, &ctx.key, &app.base_url, ctx.now, |c| {
        c.ledger.catalog_imports.get(id).map(|i| render(i, c))
    });
    value
        .map(Reply::ok)
        .ok_or_else(|| ApiError::no_such("v2.commerce.product_catalog_import", id, "id"))
}

fn rfc3339_param(ctx: &Ctx, name: &str) -> Result<Option<i64>, ApiError> {
    match ctx.params.str(name)? {
        None => Ok(None),
        Some(s) => DateTime::parse_from_rfc3339(s)
            .map(|d| Some(d.timestamp()))
            .map_err(|_| {
                ApiError::param(
                    name,
                    format!("Invalid {name}: `{s}` is not an RFC 3339 time."),
                )
            }),
    }
}

/// `GET /v2/commerce/product_catalog/imports`.
pub(crate) fn list(app: &Arc<Shared>, ctx: &Ctx) -> Outcome {
    let p = &ctx.params;
    p.allow(&[
        "limit",
        "page",
        "created",
        "created_gt",
        "created_gte",
        "created_lt",
        "created_lte",
        "feed_type",
        "status",
    ])?;
    let limit = v2_limit(ctx)?;
    let exact = rfc3339_param(ctx, "created")?;
    let gt = rfc3339_param(ctx, "created_gt")?;
    let gte = rfc3339_param(ctx, "created_gte")?;
    let lt = rfc3339_param(ctx, "created_lt")?;
    let lte = rfc3339_param(ctx, "created_lte")?;
    let feed_type = p.str("feed_type")?.map(str::to_string);
    let status = p.str("status")?.map(str::to_string);
    let mut store = app.lock();
    let statuses: HashMap<String, String> =
        with_render(&mut store, &ctx.key, &app.base_url, ctx.now, |c| {
            c.ledger
                .catalog_imports
                .values()
                .map(|i| (i.id.clone(), status_of(i, c.now).to_string()))
                .collect()
        });
    let page_token = p.str("page")?.map(str::to_string);
    let query = filters_query(ctx, limit);
    with_render(&mut store, &ctx.key, &app.base_url, ctx.now, |c| {
        let ledger = c.ledger;
        let page = v2_page(&ledger.catalog_imports, limit, page_token.as_deref(), |i| {
            exact.is_none_or(|t| i.created == t)
                && gt.is_none_or(|t| i.created > t)
                && gte.is_none_or(|t| i.created >= t)
                && lt.is_none_or(|t| i.created < t)
                && lte.is_none_or(|t| i.created <= t)
                && feed_type
                    .as_deref()
                    .is_none_or(|f| i.feed_type.as_str() == f)
                && status
                    .as_deref()
                    .is_none_or(|s| statuses.get(&i.id).is_some_and(|have| have == s))
        })?;
        let data = page.items.iter().map(|i| render(i, c)).collect();
        Ok(Reply::ok(v2_envelope(
            "/v2/commerce/product_catalog/imports",
            &query,
            data,
            page.next,
            page.previous,
        )))
    })
}

fn status_of(imp: &CatalogImport, now: i64) -> &'static str {
    match &imp.job {
        None if now > imp.upload_expires_at => "failed",
        None => "awaiting_upload",
        Some(job) => match job.phase() {
            Phase::Pending | Phase::Processing { .. } => "processing",
            Phase::Done(o) if o.failure.is_some() => "failed",
            Phase::Done(o) if o.error_rows > 0 => "succeeded_with_errors",
            Phase::Done(_) => "succeeded",
        },
    }
}

fn plain(status: StatusCode, message: String) -> Response {
    let mut response = (status, message).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        axum::http::HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    response
}

/// `PUT /_sandbox/uploads/:token`: the pre-signed upload of a v2 import's file.
pub(crate) async fn upload(
    app: &Arc<Shared>,
    token: &str,
    method: &Method,
    req: Request,
) -> Response {
    if *method != Method::PUT {
        return plain(
            StatusCode::METHOD_NOT_ALLOWED,
            "Upload the file with PUT to this URL.".into(),
        );
    }
    let now = app.now();
    let slot = app.lock().uploads.get(token).cloned();
    let Some(slot) = slot else {
        return plain(
            StatusCode::FORBIDDEN,
            "This upload URL is unknown or was already used. Create a new import to get a fresh one."
                .into(),
        );
    };
    if now > slot.expires_at {
        return plain(
            StatusCode::FORBIDDEN,
            format!(
                "This upload URL expired at {}. Create a new import to get a fresh one.",
                rfc3339(slot.expires_at)
            ),
        );
    }
    let blob = match app.new_blob() {
        Ok(b) => b,
        Err(e) => {
            return plain(
                StatusCode::INTERNAL_SERVER_ERROR,
                format!("The sandbox could not store the upload ({e})."),
            );
        }
    };
    let mut file = match tokio::fs::File::create(blob.path()).await {
        Ok(f) => f,
        Err(e) => {
            return plain(
                StatusCode::INTERNAL_SERVER_ERROR,
                format!("The sandbox could not store the upload ({e})."),
            );
        }
    };
    let mut stream = req.into_body().into_data_stream();
    let mut size = 0u64;
    while let Some(chunk) = stream.next().await {
        let chunk = match chunk {
            Ok(c) => c,
            Err(e) => {
                return plain(
                    StatusCode::BAD_REQUEST,
                    format!("The upload was interrupted ({e}). PUT the file again."),
                );
            }
        };
        size += chunk.len() as u64;
        if size > MAX_V2_UPLOAD {
            return plain(
                StatusCode::PAYLOAD_TOO_LARGE,
                "The file is larger than 4 GB, the most a catalog import accepts.".into(),
            );
        }
        if let Err(e) = file.write_all(&chunk).await {
            return plain(
                StatusCode::INTERNAL_SERVER_ERROR,
                format!("The sandbox could not store the upload ({e})."),
            );
        }
    }
    if let Err(e) = file.flush().await {
        return plain(
            StatusCode::INTERNAL_SERVER_ERROR,
            format!("The sandbox could not store the upload ({e})."),
        );
    }
    let (kind, path) = {
        let mut store = app.lock();
        if store.uploads.remove(token).is_none() {
            return plain(
                StatusCode::FORBIDDEN,
                "This upload URL was used by another request at the same time.".into(),
            );
        }
        let path = blob.keep();
        let (ledger, rng) = store.ledger_and_rng(&slot.key);
        let file_id = ids::v1(rng, "file");
        let seq = ledger.next_seq();
        ledger.files.insert(FileRec {
            id: file_id,
            seq,
            created: now,
            filename: format!("{}.csv", slot.import_id),
            purpose: "product_catalog_import".into(),
            size,
            kind: "csv".into(),
            path: path.clone(),
        });
        let Some(import) = ledger.catalog_imports.get_mut(&slot.import_id) else {
            return plain(StatusCode::NOT_FOUND, "The import no longer exists.".into());
        };
        import.job = Some(ImportJob::running());
        (import.feed_type, path)
    };
    imports::start(
        app.clone(),
        slot.key.clone(),
        Target::Catalog(slot.import_id.clone()),
        path,
        kind,
        finished,
    );
    (StatusCode::OK, Body::empty()).into_response()
}

/// `GET /_sandbox/downloads/:token`: an error report through its expiring URL.
pub(crate) async fn download(app: &Arc<Shared>, token: &str, method: &Method) -> Response {
    if *method != Method::GET {
        return plain(StatusCode::METHOD_NOT_ALLOWED, "Use GET.".into());
    }
    let now = app.now();
    let found = {
        let mut store = app.lock();
        let slot = store.downloads.get(token).cloned();
        slot.and_then(|slot| {
            let ledger = store.ledger(&slot.key);
            ledger.files.get(&slot.file_id).map(|f| {
                (
                    slot.expires_at,
                    f.path.clone(),
                    f.kind.clone(),
                    f.filename.clone(),
                )
            })
        })
    };
    let Some((expires_at, path, kind, filename)) = found else {
        return plain(
            StatusCode::FORBIDDEN,
            "This download URL is not valid.".into(),
        );
    };
    if now > expires_at {
        return plain(
            StatusCode::FORBIDDEN,
            format!(
                "This download URL expired at {}. Retrieve the import again for a fresh URL.",
                rfc3339(expires_at)
            ),
        );
    }
    match super::files::stream_file(&path, &kind, &filename).await {
        Ok(response) => response,
        Err(e) => plain(StatusCode::NOT_FOUND, e.message),
    }
}

/// Records the thin event `v2.commerce.product_catalog.imports.<status>` once the import's
/// result shows.
fn finished(ledger: &mut Ledger, rng: &mut StdRng, key: &LedgerKey, now: i64, target: &Target) {
    let Target::Catalog(id) = target else {
        return;
    };
    let Some(status) = ledger
        .catalog_imports
        .get(id)
        .and_then(|imp| imp.job.as_ref())
        .and_then(|job| match job.phase() {
            Phase::Done(outcome) => Some(match (&outcome.failure, outcome.error_rows) {
                (Some(_), _) => "failed",
                (None, 0) => "succeeded",
                (None, _) => "succeeded_with_errors",
            }),
            _ => None,
        })
    else {
        return;
    };
    events::emit_thin(
        ledger,
        rng,
        key,
        now,
        &format!("v2.commerce.product_catalog.imports.{status}"),
        (
            id,
            "v2.commerce.product_catalog_import",
            format!("/v2/commerce/product_catalog/imports/{id}"),
        ),
        Some(serde_json::json!({ "status": status })),
    );
}
