//! The endpoints, one module per resource, and the table that routes a path to them.

pub(crate) mod accounts;
pub(crate) mod agreements;
pub(crate) mod catalog_imports;
pub(crate) mod checkout;
pub(crate) mod connect;
pub(crate) mod disputes;
pub(crate) mod events;
pub(crate) mod files;
pub(crate) mod import_sets;
pub(crate) mod payment_intents;
pub(crate) mod refunds;
pub(crate) mod request;

use std::sync::Arc;

use axum::extract::Request;
use axum::http::Method;

use super::state::Shared;
use request::{Ctx, Outcome, unrecognized};

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
        ["v1", "accounts"] if get => accounts::list(app, ctx),
        ["v1", "accounts"] if post => accounts::create(app, ctx),
        ["v1", "accounts", id] if get => accounts::retrieve(app, ctx, id),
        ["v1", "account"] if get => accounts::retrieve_current(app, ctx),

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

        ["v1", "transfers"] if get => connect::transfers(app, ctx),
        ["v1", "transfers", id] if get => connect::transfer(app, ctx, id),
        ["v1", "application_fees"] if get => connect::application_fees(app, ctx),
        ["v1", "application_fees", id] if get => connect::application_fee(app, ctx, id),
        ["v1", "balance"] if get => connect::balance(app, ctx),

        ["v1", "disputes"] if get => disputes::list(app, ctx),
        ["v1", "disputes", id] if get => disputes::retrieve(app, ctx, id),
        ["v1", "disputes", id] if post => disputes::update(app, ctx, id),
        ["v1", "disputes", id, "close"] if post => disputes::close(app, ctx, id),

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
