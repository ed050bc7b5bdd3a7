//! Connect accounts: `GET /v1/accounts` (the platform's connected accounts, newest first),
//! `GET /v1/accounts/:id`, `GET /v1/account` (your own, or the one `Stripe-Account` names) and
//! `POST /v1/accounts` (a new connected account, with no data).

use std::sync::Arc;

use axum::http::StatusCode;
use serde_json::{Value, json};

use super::request::{Ctx, Outcome, Reply};
use crate::sandbox::errors::ApiError;
use crate::sandbox::ids;
use crate::sandbox::pagination::{v1_envelope, v1_page};
use crate::sandbox::state::{ConnectedAccount, MAX_ACCOUNTS, Shared};

/// The sandbox platform's own account id (what `GET /v1/account` returns without a header).
pub(crate) const PLATFORM_ACCOUNT: &str = "acct_1SandboxPlatform0";

/// Stripe's refusal of a `Stripe-Account` (or `/v1/accounts/:id`) that is not one of the
/// platform's connected accounts in this mode: 403 `account_invalid`.
pub(crate) fn not_connected(account: &str) -> ApiError {
    ApiError {
        status: StatusCode::FORBIDDEN,
        code: Some("account_invalid"),
        ..ApiError::invalid(format!(
            "The provided key does not have access to account '{account}' (or that account does \
             not exist). Application access may have been revoked."
        ))
    }
}

/// An account as the API shows it.
pub(crate) fn render(account: &ConnectedAccount, live: bool) -> Value {
    let capability = if account.charges_enabled {
        "active"
    } else {
        "inactive"
    };
    let standard = account.kind == "standard";
    let name = (!account.name.is_empty()).then_some(account.name.as_str());
    let requirements = json!({
        "alternatives": [],
        "current_deadline": null,
        "currently_due": account.currently_due,
        "disabled_reason": account.disabled_reason,
        "errors": [],
        "eventually_due": account.currently_due,
        "past_due": if account.disabled_reason.is_some() { json!(account.currently_due) } else { json!([]) },
        "pending_verification": [],
    });
    json!({
        "id": account.id,
        "object": "account",
        "business_profile": {
            "mcc": null,
            "name": name,
            "product_description": null,
            "support_email": account.email,
            "support_phone": null,
            "support_url": null,
            "url": account.url,
        },
        "business_type": "company",
        "capabilities": { "card_payments": capability, "transfers": capability },
        "charges_enabled": account.charges_enabled,
        "controller": if standard {
            json!({ "type": "account" })
        } else {
            json!({
                "type": "application",
                "is_controller": true,
                "fees": { "payer": "application" },
                "losses": { "payments": "application" },
                "requirement_collection": "stripe",
                "stripe_dashboard": { "type": if account.kind == "express" { "express" } else { "none" } },
            })
        },
        "country": account.country,
        "created": account.created,
        "default_currency": account.default_currency,
        "details_submitted": account.details_submitted,
        "email": account.email,
        "future_requirements": {
            "alternatives": [], "current_deadline": null, "currently_due": [],
            "disabled_reason": null, "errors": [], "eventually_due": [], "past_due": [],
            "pending_verification": [],
        },
        "livemode": live,
        "metadata": account.metadata,
        "payouts_enabled": account.payouts_enabled,
        "requirements": requirements,
        "settings": { "dashboard": { "display_name": name, "timezone": "Etc/UTC" } },
        "type": account.kind,
    })
}

/// The platform's own account.
fn render_platform(live: bool, name: Option<&str>) -> Value {
    let platform = ConnectedAccount {
        id: PLATFORM_ACCOUNT.into(),
        seq: 0,
        created: 1_600_000_000,
        name: name.unwrap_or("Sandbox platform").into(),
        email: Some("platform@seller-console.example".into()),
        url: None,
        country: "US".into(),
        default_currency: "usd".into(),
        kind: "standard".into(),
        charges_enabled: true,
        payouts_enabled: true,
        details_submitted: true,
        currently_due: Vec::new(),
        disabled_reason: None,
        metadata: std::collections::BTreeMap::default(),
        pending_data: None,
    };
    render(&platform, live)
}

/// `GET /v1/accounts`: the platform's connected accounts in the key's mode, newest first; an
/// empty list when asked as a connected account ("If you're not a platform, the list is
/// empty.").
pub(crate) fn list(app: &Arc<Shared>, ctx: &Ctx) -> Outcome {
    let p = &ctx.params;
    p.allow_list(&[])?;
    let created = p.range("created")?;
    if ctx.key.account.is_some() {
        return Ok(Reply::ok(v1_envelope("/v1/accounts", Vec::new(), false)));
    }
    let store = app.lock();
    let page = v1_page(store.accounts.of(ctx.key.live), p, "account", |a| {
        created.is_none_or(|r| r.contains(a.created))
    })?;
    let data = page.items.iter().map(|a| render(a, ctx.key.live)).collect();
    Ok(Reply::ok(v1_envelope("/v1/accounts", data, page.has_more)))
}

/// `GET /v1/accounts/:id`: one connected account (the id in the URL acts as the header).
pub(crate) fn retrieve(app: &Arc<Shared>, ctx: &Ctx, id: &str) -> Outcome {
    ctx.params.allow(&["expand"])?;
    let store = app.lock();
    let found = store
        .accounts
        .of(ctx.key.live)
        .get(id)
        .map(|a| render(a, ctx.key.live));
    drop(store);
    match found {
        Some(value) => Ok(Reply::ok(value)),
        None if id == PLATFORM_ACCOUNT && ctx.key.account.is_none() => retrieve_current(app, ctx),
        None => Err(not_connected(id)),
    }
}

/// `GET /v1/account`: the platform's own account, or the connected account `Stripe-Account`
/// names.
pub(crate) fn retrieve_current(app: &Arc<Shared>, ctx: &Ctx) -> Outcome {
    ctx.params.allow(&["expand"])?;
    let store = app.lock();
    let value = match &ctx.key.account {
        Some(id) => store
            .accounts
            .of(ctx.key.live)
            .get(id)
            .map(|a| render(a, ctx.key.live))
            .ok_or_else(|| not_connected(id))?,
        None => render_platform(ctx.key.live, store.accounts.platform_name.as_deref()),
    };
    Ok(Reply::ok(value))
}

/// `POST /v1/accounts`: a new connected account (`type`, `country`, `email`,
/// `default_currency`, `business_profile[name|url]`, `metadata`), starting with no data and
/// not yet able to take charges, as a real one is before onboarding.
pub(crate) fn create(app: &Arc<Shared>, ctx: &Ctx) -> Outcome {
    let p = &ctx.params;
    p.allow(&[
        "type",
        "country",
        "email",
        "default_currency",
        "business_profile",
        "metadata",
        "expand",
    ])?;
    if ctx.key.account.is_some() {
        return Err(ApiError::invalid(
            "Only a platform can create connected accounts: send this request without the \
             Stripe-Account header.",
        )
        .with_code("platform_account_required"));
    }
    let kind = p.str("type")?.unwrap_or("custom");
    if !["standard", "express", "custom"].contains(&kind) {
        return Err(ApiError::param(
            "type",
            format!("Invalid type: must be one of standard, express, or custom (got `{kind}`)."),
        ));
    }
    let profile = p.raw("business_profile");
    let field = |name: &str| {
        profile
            .and_then(|b| b.get(name))
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
    };
    let country = p.str("country")?.unwrap_or("US").to_ascii_uppercase();
    let mut store = app.lock();
    if store.accounts.of(ctx.key.live).len() >= MAX_ACCOUNTS {
        return Err(ApiError::invalid(format!(
            "The sandbox keeps at most {MAX_ACCOUNTS} connected accounts per mode."
        )));
    }
    let account = ConnectedAccount {
        id: format!("acct_1{}", ids::token(&mut store.rng, 15)),
        seq: 0,
        created: ctx.now,
        name: field("name").unwrap_or_default(),
        email: p.str("email")?.map(str::to_owned),
        url: field("url"),
        default_currency: p
            .str("default_currency")?
            .unwrap_or(if country == "US" { "usd" } else { "eur" })
            .to_ascii_lowercase(),
        country,
        kind: kind.to_owned(),
        charges_enabled: false,
        payouts_enabled: false,
        details_submitted: false,
        currently_due: vec![
            "business_profile.url".into(),
            "external_account".into(),
            "tos_acceptance.date".into(),
        ],
        disabled_reason: Some("requirements.past_due".into()),
        metadata: p.metadata()?.unwrap_or_default(),
        pending_data: None,
    };
    let value = render(&account, ctx.key.live);
    store.accounts.add(ctx.key.live, account);
    Ok(Reply::committed(value))
}
