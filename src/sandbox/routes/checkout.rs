//! Checkout Sessions (the orders), their line items, and the products and prices behind them.

use std::sync::Arc;

use super::request::{Ctx, Object, Outcome, expanded, list_page, render_or_404, renderer};
use crate::sandbox::errors::ApiError;
use crate::sandbox::pagination::{v1_envelope, v1_page};
use crate::sandbox::state::Shared;

/// `checkout.session`, as a retrieve names it.
const SESSION: Object = Object::expiring("checkout.session", "session");

/// `product`, as a retrieve names it.
const PRODUCT: Object = Object::new("product", "id");

/// `price`, as a retrieve names it.
const PRICE: Object = Object::new("price", "price");

const LIST_PARAMS: &[&str] = &[
    "limit",
    "starting_after",
    "ending_before",
    "expand",
    "created",
    "status",
    "payment_intent",
    "payment_link",
    "customer",
    "customer_account",
    "customer_details",
    "subscription",
];

/// `GET /v1/checkout/sessions`: newest first, with the documented filters.
pub(crate) fn list(app: &Arc<Shared>, ctx: &Ctx) -> Outcome {
    let p = &ctx.params;
    p.allow(LIST_PARAMS)?;
    let status = p.str("status")?;
    if let Some(s) = status
        && !matches!(s, "open" | "complete" | "expired")
    {
        return Err(ApiError::param(
            "status",
            format!("Invalid status: must be one of open, complete, or expired (got `{s}`)."),
        ));
    }
    let created = p.range("created")?;
    let payment_intent = p.str("payment_intent")?;
    let email =
        p.0.get("customer_details")
            .and_then(|d| d.get("email"))
            .and_then(|e| e.as_str())
            .map(str::to_ascii_lowercase);
    // Sessions of customers, links and subscriptions do not exist in the sandbox.
    let impossible = [
        "customer",
        "customer_account",
        "payment_link",
        "subscription",
    ]
    .iter()
    .any(|k| p.0.contains_key(*k));
    let mut store = app.lock();
    let ledger = store.ledger(&ctx.key);
    ledger.expire_authorizations(ctx.now);
    let page = v1_page(&ledger.sessions, p, "checkout.session", |s| {
        !impossible
            && status.is_none_or(|want| s.status == want)
            && created.is_none_or(|r| r.contains(s.created))
            && payment_intent.is_none_or(|pi| s.payment_intent.as_deref() == Some(pi))
            && email
                .as_deref()
                .is_none_or(|e| s.customer.email.eq_ignore_ascii_case(e))
    })?;
    let r = renderer(app, ctx, ledger);
    list_page(&r, ctx, "/v1/checkout/sessions", &page, |s| r.session(s))
}

/// `GET /v1/checkout/sessions/:id`.
pub(crate) fn retrieve(app: &Arc<Shared>, ctx: &Ctx, id: &str) -> Outcome {
    ctx.params.allow(&["expand"])?;
    render_or_404(app, ctx, id, &SESSION, |l| l.sessions.get(id))
}

/// `GET /v1/checkout/sessions/:id/line_items`.
pub(crate) fn line_items(app: &Arc<Shared>, ctx: &Ctx, id: &str) -> Outcome {
    let p = &ctx.params;
    p.allow(&["limit", "starting_after", "ending_before", "expand"])?;
    let limit = p.limit()?;
    let mut store = app.lock();
    let ledger = store.ledger(&ctx.key);
    let session = ledger
        .sessions
        .get(id)
        .ok_or_else(|| ApiError::no_such("checkout.session", id, "session"))?;
    let items = &session.line_items;
    let position = |cursor: &str, param: &str| {
        items
            .iter()
            .position(|li| li.id == cursor)
            .ok_or_else(|| ApiError::no_such("line_item", cursor, param))
    };
    let (start, end) = match (p.str("starting_after")?, p.str("ending_before")?) {
        (Some(_), Some(_)) => {
            return Err(ApiError::invalid(
                "You may only specify one of these parameters: ending_before, starting_after.",
            ));
        }
        (Some(c), None) => {
            let s = position(c, "starting_after")? + 1;
            (s, (s + limit).min(items.len()))
        }
        (None, Some(c)) => {
            let e = position(c, "ending_before")?;
            (e.saturating_sub(limit), e)
        }
        (None, None) => (0, limit.min(items.len())),
    };
    let has_more = if p.str("ending_before")?.is_some() {
        start > 0
    } else {
        end < items.len()
    };
    let r = renderer(app, ctx, ledger);
    let data = items[start..end]
        .iter()
        .map(|li| r.line_item(li, &session.currency))
        .collect();
    let url = format!("/v1/checkout/sessions/{id}/line_items");
    expanded(&r, ctx, v1_envelope(&url, data, has_more), false)
}

/// `GET /v1/products/:id`.
pub(crate) fn product(app: &Arc<Shared>, ctx: &Ctx, id: &str) -> Outcome {
    ctx.params.allow(&["expand"])?;
    render_or_404(app, ctx, id, &PRODUCT, |l| l.products.get(id))
}

/// `GET /v1/prices/:id`.
pub(crate) fn price(app: &Arc<Shared>, ctx: &Ctx, id: &str) -> Outcome {
    ctx.params.allow(&["expand"])?;
    render_or_404(app, ctx, id, &PRICE, |l| l.prices.get(id))
}
