//! The endpoints, one module per resource, and the table that routes a path to them.

pub(crate) mod agreements;
pub(crate) mod catalog_imports;
pub(crate) mod checkout;
pub(crate) mod events;
pub(crate) mod files;
pub(crate) mod import_sets;
pub(crate) mod payment_intents;
pub(crate) mod refunds;

use std::sync::Arc;

use axum::extract::Request;
use axum::http::{Method, StatusCode};
use axum::response::Response;
use serde_json::Value;

use super::errors::ApiError;
use super::expand;
use super::pagination::{Page, v1_envelope};
use super::params::Params;
use super::render::Renderer;
use super::server::{Shared, unrecognized};
use super::state::LedgerKey;

/// What a handler knows about its request.
#[derive(Debug)]
pub(crate) struct Ctx {
    /// Account and mode.
    pub key: LedgerKey,
    /// v1 parameters (query and form body merged).
    pub params: Params,
    /// v2 JSON body (`Null` when empty).
    pub json: Value,
    /// `Stripe-Version` as sent.
    pub version: Option<String>,
    /// Request path.
    pub path: String,
    /// Raw query string.
    pub query: String,
    /// Sandbox clock, unix seconds.
    pub now: i64,
}

/// A handler's answer.
#[derive(Debug)]
pub(crate) enum Reply {
    /// A JSON object; `committed` when the request changed state (for `drop-after-commit`).
    Json {
        status: StatusCode,
        body: Value,
        committed: bool,
    },
    /// Anything else (file contents); never stored for idempotent replay.
    Raw(Response),
}

impl Reply {
    /// 200 with a body, nothing changed.
    pub fn ok(body: Value) -> Self {
        Reply::Json {
            status: StatusCode::OK,
            body,
            committed: false,
        }
    }

    /// 200 with a body, after a write.
    pub fn committed(body: Value) -> Self {
        Reply::Json {
            status: StatusCode::OK,
            body,
            committed: true,
        }
    }
}

/// A handler's result.
pub(crate) type Outcome = Result<Reply, ApiError>;

/// Expands `value` as the request asks, then answers with it.
pub(crate) fn expanded(r: &Renderer<'_>, ctx: &Ctx, mut value: Value, committed: bool) -> Outcome {
    let paths = ctx.params.expand()?;
    expand::apply(r, &mut value, &paths)?;
    Ok(if committed {
        Reply::committed(value)
    } else {
        Reply::ok(value)
    })
}

/// Answers with one v1 list page: every item rendered, wrapped in the list envelope for
/// `url`, then expanded as the request asks. All v1 lists answer through here.
pub(crate) fn list_page<T>(
    r: &Renderer<'_>,
    ctx: &Ctx,
    url: &str,
    page: &Page<'_, T>,
    render: impl Fn(&T) -> Value,
) -> Outcome {
    let data = page.items.iter().map(|item| render(item)).collect();
    expanded(r, ctx, v1_envelope(url, data, page.has_more), false)
}

/// Routes one request.
pub(crate) async fn dispatch(
    app: &Arc<Shared>,
    ctx: &Ctx,
    method: &Method,
    segments: &[&str],
    upload: Option<Request>,
) -> Outcome {
    let get = *method == Method::GET;
    let post = *method == Method::POST;
    match segments {
        ["v1", "files"] if post => files::create(app, ctx, upload).await,
        ["v1", "files"] if get => files::list(app, ctx),
        ["v1", "files", id] if get => files::retrieve(app, ctx, id),
        ["v1", "files", id, "contents"] if get => files::contents(app, ctx, id).await,

        ["v1", "data_management", "import_sets"] if post => import_sets::create(app, ctx),
        ["v1", "data_management", "import_sets"] if get => import_sets::list(app, ctx),
        ["v1", "data_management", "import_sets", id] if get => import_sets::retrieve(app, ctx, id),

        ["v1", "checkout", "sessions"] if get => checkout::list(app, ctx),
        ["v1", "checkout", "sessions", id] if get => checkout::retrieve(app, ctx, id),
        ["v1", "checkout", "sessions", id, "line_items"] if get => {
            checkout::line_items(app, ctx, id)
        }
        ["v1", "products", id] if get => checkout::product(app, ctx, id),
        ["v1", "prices", id] if get => checkout::price(app, ctx, id),

        ["v1", "payment_intents"] if get => payment_intents::list(app, ctx),
        ["v1", "payment_intents", id] if get => payment_intents::retrieve(app, ctx, id),
        ["v1", "payment_intents", id, "capture"] if post => payment_intents::capture(app, ctx, id),
        ["v1", "payment_intents", id, "cancel"] if post => payment_intents::cancel(app, ctx, id),
        ["v1", "charges", id] if get => payment_intents::charge(app, ctx, id),

        ["v1", "refunds"] if post => refunds::create(app, ctx),
        ["v1", "refunds"] if get => refunds::list(app, ctx),
        ["v1", "refunds", id] if get => refunds::retrieve(app, ctx, id),

        ["v2", "commerce", "product_catalog", "imports"] if post => {
            catalog_imports::create(app, ctx)
        }
        ["v2", "commerce", "product_catalog", "imports"] if get => catalog_imports::list(app, ctx),
        ["v2", "commerce", "product_catalog", "imports", id] if get => {
            catalog_imports::retrieve(app, ctx, id)
        }

        ["v2", "orchestrated_commerce", "agreements"] if post => agreements::create(app, ctx),
        ["v2", "orchestrated_commerce", "agreements"] if get => agreements::list(app, ctx),
        ["v2", "orchestrated_commerce", "agreements", id] if get => {
            agreements::retrieve(app, ctx, id)
        }
        ["v2", "orchestrated_commerce", "agreements", id, "confirm"] if post => {
            agreements::confirm(app, ctx, id)
        }
        ["v2", "orchestrated_commerce", "agreements", id, "terminate"] if post => {
            agreements::terminate(app, ctx, id)
        }
        ["v1", "events"] if get => events::list_v1(app, ctx),
        ["v1", "events", id] if get => events::retrieve_v1(app, ctx, id),
        ["v2", "core", "events"] if get => events::list_v2(app, ctx),
        ["v2", "core", "events", id] if get => events::retrieve_v2(app, ctx, id),

        _ => Err(unrecognized(method, &ctx.path)),
    }
}
