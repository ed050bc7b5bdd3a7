//! What every route uses: the request as a handler sees it ([`Ctx`]), its answer ([`Reply`]),
//! v1 expansion and list pages, v2 paging parameters, and the two 404s (an unknown path, an
//! unknown id).

use axum::http::{Method, StatusCode};
use axum::response::Response;
use serde_json::Value;

use crate::sandbox::errors::ApiError;
use crate::sandbox::expand;
use crate::sandbox::pagination::{Page, v1_envelope};
use crate::sandbox::params::Params;
use crate::sandbox::render::{Draw, Renderer};
use crate::sandbox::state::{Ledger, LedgerKey, Shared};

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

/// The renderer for objects of `ledger`, in the request's mode and on the sandbox's address.
pub(crate) fn renderer<'a>(app: &'a Shared, ctx: &Ctx, ledger: &'a Ledger) -> Renderer<'a> {
    Renderer {
        ledger,
        live: ctx.key.live,
        base_url: &app.base_url,
    }
}

/// What a v1 retrieve needs to know about its object besides where it is kept.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Object {
    /// Stripe's name for it in a 404 (`No such checkout.session: 'cs_…'`).
    pub name: &'static str,
    /// The parameter the 404 blames (`id`, `session`, …).
    pub param: &'static str,
    /// Whether authorizations past their deadline are expired first (the object's status
    /// depends on them).
    pub expires_authorizations: bool,
}

impl Object {
    /// An object whose status does not depend on the clock.
    pub const fn new(name: &'static str, param: &'static str) -> Self {
        Object {
            name,
            param,
            expires_authorizations: false,
        }
    }

    /// An object whose status changes when an authorization expires (sessions, intents).
    pub const fn expiring(name: &'static str, param: &'static str) -> Self {
        Object {
            name,
            param,
            expires_authorizations: true,
        }
    }
}

/// Answers a v1 retrieve of `id`: the object `find` picks from the request's ledger, drawn
/// and expanded as the request asks, or Stripe's 404 for `object`.
pub(crate) fn render_or_404<T: Draw>(
    app: &Shared,
    ctx: &Ctx,
    id: &str,
    object: &Object,
    find: impl FnOnce(&Ledger) -> Option<&T>,
) -> Outcome {
    let mut store = app.lock();
    let ledger = store.ledger(&ctx.key);
    if object.expires_authorizations {
        ledger.expire_authorizations(ctx.now);
    }
    let found = find(ledger).ok_or_else(|| ApiError::no_such(object.name, id, object.param))?;
    let r = renderer(app, ctx, ledger);
    let value = found.draw(&r);
    expanded(&r, ctx, value, false)
}

/// v2 `limit`: 1 to 100, default 20.
pub(crate) fn v2_limit(ctx: &Ctx) -> Result<usize, ApiError> {
    match ctx.params.int("limit")? {
        None => Ok(20),
        Some(n) if (1..=100).contains(&n) => Ok(n as usize),
        Some(n) => Err(ApiError::param(
            "limit",
            format!("Invalid limit: {n}. The limit must be between 1 and 100."),
        )),
    }
}

/// The query of the request minus `page` and `limit`, plus the limit in force.
pub(crate) fn filters_query(ctx: &Ctx, limit: usize) -> String {
    let mut out = url::form_urlencoded::Serializer::new(String::new());
    out.append_pair("limit", &limit.to_string());
    for (k, v) in url::form_urlencoded::parse(ctx.query.as_bytes()) {
        if k != "page" && k != "limit" {
            out.append_pair(&k, &v);
        }
    }
    out.finish()
}

/// 404 for a path the sandbox does not serve, worded like Stripe's.
pub(crate) fn unrecognized(method: &Method, path: &str) -> ApiError {
    ApiError {
        status: StatusCode::NOT_FOUND,
        ..ApiError::invalid(format!(
            "Unrecognized request URL ({method}: {path}). The sandbox serves the Stripe \
             endpoints Seller Console uses; see https://stripe.com/docs/api for the others."
        ))
    }
}

/// Stripe's `amount_too_large` on `param` when `amount` is over `limit`; `wording` gets both
/// written with their currency symbol, in the words of the endpoint's own message.
pub(crate) fn at_most(
    amount: i64,
    limit: i64,
    currency: &str,
    param: &str,
    wording: impl FnOnce(&str, &str) -> String,
) -> Result<(), ApiError> {
    if amount <= limit {
        return Ok(());
    }
    let message = wording(
        &crate::money::format_symbol(amount, currency),
        &crate::money::format_symbol(limit, currency),
    );
    Err(ApiError::state("amount_too_large", message).with_param(param))
}

/// The filters of a list of objects that belong to a payment (refunds, disputes): `created`,
/// `charge` and `payment_intent`, each optional.
pub(crate) struct ByPayment<'a> {
    created: Option<crate::sandbox::params::Range>,
    charge: Option<&'a str>,
    payment_intent: Option<&'a str>,
}

impl<'a> ByPayment<'a> {
    /// Reads the three filters (and refuses any other list parameter).
    pub(crate) fn read(p: &'a Params) -> Result<Self, ApiError> {
        p.allow_list(&["charge", "payment_intent"])?;
        Ok(ByPayment {
            created: p.range("created")?,
            charge: p.str("charge")?,
            payment_intent: p.str("payment_intent")?,
        })
    }

    /// The charge asked for, if any.
    pub(crate) fn charge(&self) -> Option<&'a str> {
        self.charge
    }

    /// The `PaymentIntent` asked for, if any.
    pub(crate) fn payment_intent(&self) -> Option<&'a str> {
        self.payment_intent
    }

    /// Whether an object made at `created` on `charge` of `payment_intent` is listed.
    pub(crate) fn keeps(&self, created: i64, charge: &str, payment_intent: &str) -> bool {
        self.created.as_ref().is_none_or(|r| r.contains(created))
            && self.charge.is_none_or(|c| c == charge)
            && self.payment_intent.is_none_or(|pi| pi == payment_intent)
    }
}
