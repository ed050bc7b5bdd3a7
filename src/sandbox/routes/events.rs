//! `GET /v1/events`, `/v1/events/:id`, `/v2/core/events`, `/v2/core/events/:id`: the
//! account's event log (see [`crate::sandbox::events`]).

use std::sync::Arc;

use super::request::{Ctx, Outcome, Reply};
use crate::sandbox::events;
use crate::sandbox::state::Shared;

/// `GET /v1/events`.
pub(crate) fn list_v1(app: &Arc<Shared>, ctx: &Ctx) -> Outcome {
    let mut store = app.lock();
    let ledger = store.ledger(&ctx.key);
    events::list_v1(&ledger.events, &ctx.params, ctx.key.live).map(Reply::ok)
}

/// `GET /v1/events/:id`.
pub(crate) fn retrieve_v1(app: &Arc<Shared>, ctx: &Ctx, id: &str) -> Outcome {
    let mut store = app.lock();
    let ledger = store.ledger(&ctx.key);
    events::retrieve_v1(&ledger.events, id, ctx.key.live).map(Reply::ok)
}

/// `GET /v2/core/events`.
pub(crate) fn list_v2(app: &Arc<Shared>, ctx: &Ctx) -> Outcome {
    let mut store = app.lock();
    let ledger = store.ledger(&ctx.key);
    events::list_v2(&ledger.events, &ctx.params, &ctx.query, ctx.key.live).map(Reply::ok)
}

/// `GET /v2/core/events/:id`.
pub(crate) fn retrieve_v2(app: &Arc<Shared>, ctx: &Ctx, id: &str) -> Outcome {
    let mut store = app.lock();
    let ledger = store.ledger(&ctx.key);
    events::retrieve_v2(&ledger.events, id, ctx.key.live).map(Reply::ok)
}
