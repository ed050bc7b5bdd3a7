//! v2 orchestrated commerce agreements: create, list, retrieve, confirm, terminate.

use std::sync::Arc;

use axum::http::StatusCode;
use serde_json::{Map, Value};

use super::request::{Ctx, Outcome, Reply, filters_query, renderer, v2_limit};
use crate::sandbox::errors::ApiError;
use crate::sandbox::events;
use crate::sandbox::ids;
use crate::sandbox::pagination::{v2_envelope, v2_page};
use crate::sandbox::render::rfc3339;
use crate::sandbox::state::{Agreement, Party, Shared};

fn not_found(id: &str) -> ApiError {
    ApiError::no_such("v2.orchestrated_commerce.agreement", id, "id")
}

fn conflict(message: String) -> ApiError {
    ApiError {
        status: StatusCode::BAD_REQUEST,
        ..ApiError::state("invalid_agreement_status", message)
    }
}

/// `POST /v2/orchestrated_commerce/agreements`: the seller proposes an agreement to an agent.
pub(crate) fn create(app: &Arc<Shared>, ctx: &Ctx) -> Outcome {
    let body = match &ctx.json {
        Value::Object(map) => map.clone(),
        Value::Null => Map::new(),
        _ => return Err(ApiError::invalid("The request body must be a JSON object.")),
    };
    if let Some(unknown) = body.keys().find(|k| k.as_str() != "orchestrator") {
        return Err(ApiError::unknown_param(unknown));
    }
    let orchestrator = body
        .get("orchestrator")
        .and_then(Value::as_str)
        .ok_or_else(|| ApiError::missing("orchestrator"))?;
    if !orchestrator.starts_with("profile_") {
        return Err(ApiError::param(
            "orchestrator",
            format!(
                "`{orchestrator}` is not a Network ID: pass the agent's Stripe Profile id (profile_…)."
            ),
        ));
    }
    let mut store = app.lock();
    let (ledger, rng) = store.ledger_and_rng(&ctx.key);
    let known_name = ledger
        .agreements
        .values()
        .find(|a| a.orchestrator_profile == orchestrator)
        .map(|a| a.orchestrator_name.clone());
    let agreement = Agreement {
        id: ids::moded(rng, "orca", ctx.key.live),
        seq: ledger.next_seq(),
        created: ctx.now,
        initiated_by: Party::Seller,
        orchestrator_name: known_name.unwrap_or_else(|| "Unknown agent".into()),
        orchestrator_profile: orchestrator.to_string(),
        seller_confirmed_at: None,
        orchestrator_confirmed_at: None,
        terminated_at: None,
        terminated_by: None,
    };
    let id = agreement.id.clone();
    ledger.agreements.insert(agreement);
    let value = {
        let r = renderer(app, ctx, ledger);
        ledger
            .agreements
            .get(&id)
            .map(|a| r.agreement(a))
            .unwrap_or_default()
    };
    agreement_event(ledger, rng, ctx, &id, "created", &value);
    Ok(Reply::committed(value))
}

/// Records the thin event `v2.orchestrated_commerce.agreement.<what>` for agreement `id`.
fn agreement_event(
    ledger: &mut crate::sandbox::state::Ledger,
    rng: &mut rand::rngs::StdRng,
    ctx: &Ctx,
    id: &str,
    what: &str,
    value: &Value,
) {
    events::emit_thin(
        ledger,
        rng,
        &ctx.key,
        ctx.now,
        &format!("v2.orchestrated_commerce.agreement.{what}"),
        (
            id,
            "v2.orchestrated_commerce.agreement",
            format!("/v2/orchestrated_commerce/agreements/{id}"),
        ),
        Some(serde_json::json!({ "status": value["status"] })),
    );
}

/// `GET /v2/orchestrated_commerce/agreements`.
pub(crate) fn list(app: &Arc<Shared>, ctx: &Ctx) -> Outcome {
    let p = &ctx.params;
    p.allow(&["limit", "page", "network_business_profile"])?;
    let limit = v2_limit(ctx)?;
    let profile = p.str("network_business_profile")?;
    let mut store = app.lock();
    let ledger = store.ledger(&ctx.key);
    let page = v2_page(&ledger.agreements, limit, p.str("page")?, |a| {
        profile.is_none_or(|want| a.orchestrator_profile == want)
    })?;
    let r = renderer(app, ctx, ledger);
    let data = page.items.iter().map(|a| r.agreement(a)).collect();
    Ok(Reply::ok(v2_envelope(
        "/v2/orchestrated_commerce/agreements",
        &filters_query(ctx, limit),
        data,
        page.next,
        page.previous,
    )))
}

/// `GET /v2/orchestrated_commerce/agreements/:id`.
pub(crate) fn retrieve(app: &Arc<Shared>, ctx: &Ctx, id: &str) -> Outcome {
    let mut store = app.lock();
    let ledger = store.ledger(&ctx.key);
    let agreement = ledger.agreements.get(id).ok_or_else(|| not_found(id))?;
    let r = renderer(app, ctx, ledger);
    Ok(Reply::ok(r.agreement(agreement)))
}

/// `POST …/agreements/:id/confirm`: the seller's confirmation.
pub(crate) fn confirm(app: &Arc<Shared>, ctx: &Ctx, id: &str) -> Outcome {
    change(app, ctx, id, |a, now| {
        if let Some(at) = a.terminated_at {
            return Err(conflict(format!(
                "Agreement {} was terminated at {} and can no longer be confirmed.",
                a.id,
                rfc3339(at)
            )));
        }
        if let Some(at) = a.seller_confirmed_at {
            return Err(conflict(format!(
                "You already confirmed agreement {} at {}.",
                a.id,
                rfc3339(at)
            )));
        }
        a.seller_confirmed_at = Some(now);
        Ok(())
    })
}

/// `POST …/agreements/:id/terminate`: the seller ends the agreement.
pub(crate) fn terminate(app: &Arc<Shared>, ctx: &Ctx, id: &str) -> Outcome {
    change(app, ctx, id, |a, now| {
        if let Some(at) = a.terminated_at {
            return Err(conflict(format!(
                "Agreement {} was already terminated at {}.",
                a.id,
                rfc3339(at)
            )));
        }
        a.terminated_at = Some(now);
        a.terminated_by = Some(Party::Seller);
        Ok(())
    })
}

fn change(
    app: &Arc<Shared>,
    ctx: &Ctx,
    id: &str,
    f: impl FnOnce(&mut Agreement, i64) -> Result<(), ApiError>,
) -> Outcome {
    if !matches!(&ctx.json, Value::Null) && ctx.json != Value::Object(Map::new()) {
        return Err(ApiError::invalid("This endpoint takes no body."));
    }
    let mut store = app.lock();
    let (ledger, rng) = store.ledger_and_rng(&ctx.key);
    let agreement = ledger.agreements.get_mut(id).ok_or_else(|| not_found(id))?;
    f(agreement, ctx.now)?;
    let value = {
        let r = renderer(app, ctx, ledger);
        ledger
            .agreements
            .get(id)
            .map(|a| r.agreement(a))
            .unwrap_or_default()
    };
    // The event names the status the change led to (`partially_confirmed`, `confirmed`,
    // `terminated`).
    if let Some(status) = value["status"].as_str().map(str::to_owned) {
        agreement_event(ledger, rng, ctx, id, &status, &value);
    }
    Ok(Reply::committed(value))
}
