//! Disputes: list, retrieve, update evidence (staged with `submit=false`, sent to the bank with
//! `submit=true`, the default), and close (accept). Stripe's test evidence values decide the
//! outcome at once: `winning_evidence`, `losing_evidence`, `escalate_inquiry_evidence`.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde_json::{Value, json};

use super::request::{
    ByPayment, Ctx, Object, Outcome, expanded, list_page, render_or_404, renderer,
};
use crate::sandbox::errors::ApiError;
use crate::sandbox::events;
use crate::sandbox::ids;
use crate::sandbox::pagination::v1_page;
use crate::sandbox::state::{Dispute, Ledger, LedgerKey, Shared};

/// `dispute`, as a retrieve names it.
const DISPUTE: Object = Object::new("dispute", "dispute");

/// Longest text in one evidence field.
const MAX_FIELD_CHARS: usize = 20_000;
/// Longest text in all evidence fields together.
const MAX_TOTAL_CHARS: usize = 150_000;

/// Loses the chargebacks whose deadline passed, with their `charge.dispute.closed` events.
fn expire(ledger: &mut Ledger, app: &Shared, ctx: &Ctx, rng: &mut rand::rngs::StdRng) {
    for id in ledger.expire_disputes(ctx.now) {
        let value = rendered(app, ctx, ledger, &id);
        events::emit(
            ledger,
            rng,
            &ctx.key,
            ctx.now,
            "charge.dispute.closed",
            value,
            Some(json!({ "status": "needs_response" })),
        );
    }
}

fn rendered(app: &Shared, ctx: &Ctx, ledger: &Ledger, id: &str) -> Value {
    let r = renderer(app, ctx, ledger);
    ledger
        .disputes
        .get(id)
        .map(|d| r.dispute(d))
        .unwrap_or_default()
}

/// `GET /v1/disputes`, optionally for one charge or `PaymentIntent` (there is no status
/// filter at Stripe).
pub(crate) fn list(app: &Arc<Shared>, ctx: &Ctx) -> Outcome {
    let p = &ctx.params;
    let by = ByPayment::read(p)?;
    let mut store = app.lock();
    let (ledger, rng) = store.ledger_and_rng(&ctx.key);
    expire(ledger, app, ctx, rng);
    let page = v1_page(&ledger.disputes, p, "dispute", |d| {
        by.keeps(d.created, &d.charge, &d.payment_intent)
    })?;
    let r = renderer(app, ctx, ledger);
    list_page(&r, ctx, "/v1/disputes", &page, |d| r.dispute(d))
}

/// `GET /v1/disputes/:id`.
pub(crate) fn retrieve(app: &Arc<Shared>, ctx: &Ctx, id: &str) -> Outcome {
    ctx.params.allow(&["expand"])?;
    {
        let mut store = app.lock();
        let (ledger, rng) = store.ledger_and_rng(&ctx.key);
        expire(ledger, app, ctx, rng);
    }
    render_or_404(app, ctx, id, &DISPUTE, |l| l.disputes.get(id))
}

/// The evidence fields of the request, checked: known names, text within Stripe's limits, files
/// that exist with purpose `dispute_evidence`.
fn evidence_of(
    ctx: &Ctx,
    ledger: &Ledger,
    staged: &BTreeMap<String, String>,
) -> Result<BTreeMap<String, String>, ApiError> {
    let mut out = BTreeMap::new();
    let given = match ctx.params.raw("evidence") {
        None => return Ok(out),
        Some(Value::String(s)) if s.is_empty() => return Ok(out),
        Some(Value::Object(map)) => map,
        Some(_) => {
            return Err(ApiError::param(
                "evidence",
                "Invalid hash: evidence must be a set of fields (evidence[product_description]=…).",
            ));
        }
    };
    for (field, value) in given {
        let Value::String(text) = value else {
            return Err(ApiError::param(
                format!("evidence[{field}]"),
                format!("Invalid string: evidence[{field}] takes text or a file id."),
            ));
        };
        if Dispute::TEXT_EVIDENCE.contains(&field.as_str()) {
            if text.chars().count() > MAX_FIELD_CHARS {
                return Err(ApiError::param(
                    format!("evidence[{field}]"),
                    format!(
                        "evidence[{field}] is longer than {MAX_FIELD_CHARS} characters; \
                         attach a file instead."
                    ),
                ));
            }
        } else if Dispute::FILE_EVIDENCE.contains(&field.as_str()) {
            let purpose_ok = text.is_empty()
                || ledger
                    .files
                    .get(text)
                    .is_some_and(|f| f.purpose == "dispute_evidence");
            if !purpose_ok {
                return Err(ApiError::param(
                    format!("evidence[{field}]"),
                    format!(
                        "No such file upload: '{text}'. Evidence files are uploaded with \
                         purpose dispute_evidence."
                    ),
                ));
            }
        } else if field == "enhanced_evidence" {
            continue;
        } else {
            return Err(ApiError::unknown_param(&format!("evidence[{field}]")));
        }
        out.insert(field.clone(), text.clone());
    }
    let total: usize = staged
        .iter()
        .filter(|(k, _)| !out.contains_key(*k) && Dispute::TEXT_EVIDENCE.contains(&k.as_str()))
        .map(|(_, v)| v.chars().count())
        .chain(
            out.iter()
                .filter(|(k, _)| Dispute::TEXT_EVIDENCE.contains(&k.as_str()))
                .map(|(_, v)| v.chars().count()),
        )
        .sum();
    if total > MAX_TOTAL_CHARS {
        return Err(ApiError::param(
            "evidence",
            format!(
                "The evidence text adds up to {total} characters, more than the \
                 {MAX_TOTAL_CHARS} a dispute takes; attach files instead."
            ),
        ));
    }
    Ok(out)
}

/// `POST /v1/disputes/:id`: stage evidence (`submit=false`) or send it (`submit`, the default).
pub(crate) fn update(app: &Arc<Shared>, ctx: &Ctx, id: &str) -> Outcome {
    let p = &ctx.params;
    p.allow(&["evidence", "metadata", "submit", "expand"])?;
    let submit = p.bool("submit")?.unwrap_or(true);
    let metadata = p.metadata()?;
    let mut store = app.lock();
    let (ledger, rng) = store.ledger_and_rng(&ctx.key);
    expire(ledger, app, ctx, rng);
    let dispute = ledger
        .disputes
        .get(id)
        .cloned()
        .ok_or_else(|| ApiError::no_such("dispute", id, "dispute"))?;
    let evidence = evidence_of(ctx, ledger, &dispute.evidence)?;
    let touches_evidence = !evidence.is_empty() || p.raw("submit").is_some();
    if touches_evidence && !dispute.needs_response() {
        return Err(ApiError::state(
            "dispute_already_submitted",
            format!(
                "Dispute {id} is {}, so its evidence can no longer be changed or submitted.",
                dispute.status
            ),
        )
        .with_param("evidence"));
    }
    let before = rendered(app, ctx, ledger, id);
    let previous_status = dispute.status;
    let Some(d) = ledger.disputes.get_mut(id) else {
        return Err(ApiError::no_such("dispute", id, "dispute"));
    };
    if let Some(metadata) = metadata {
        d.metadata.extend(metadata);
        d.metadata.retain(|_, v| !v.is_empty());
    }
    for (field, value) in evidence {
        if value.is_empty() {
            d.evidence.remove(&field);
        } else {
            d.evidence.insert(field, value);
        }
    }
    let mut closed = false;
    if touches_evidence && submit {
        d.submission_count += 1;
        d.past_due = d.due_by > 0 && ctx.now > d.due_by;
        let test_value = d.evidence.get("uncategorized_text").map(String::as_str);
        (d.status, closed) = match (d.is_inquiry(), test_value) {
            (true, Some("escalate_inquiry_evidence")) => ("needs_response", false),
            (true, Some("losing_evidence" | "winning_evidence")) => ("warning_closed", true),
            (true, _) => ("warning_under_review", false),
            (false, Some("winning_evidence")) => ("won", true),
            (false, Some("losing_evidence")) => ("lost", true),
            (false, _) => ("under_review", false),
        };
        if d.status == "won" {
            let txn = ids::v1(rng, "txn");
            d.balance_transactions
                .push((txn, d.amount, ctx.now, "Chargeback reversal"));
        }
        if previous_status.starts_with("warning_") && d.status == "needs_response" {
            let txn = ids::v1(rng, "txn");
            d.balance_transactions
                .push((txn, -d.amount, ctx.now, "Chargeback withdrawal"));
            d.due_by = ctx.now + 21 * 86_400;
            d.submission_count = 0;
        }
    }
    let value = rendered(app, ctx, ledger, id);
    let previous = changed_fields(&before, &value);
    let kind = if closed {
        "charge.dispute.closed"
    } else {
        "charge.dispute.updated"
    };
    emit(ledger, rng, &ctx.key, ctx.now, kind, &value, previous);
    let r = renderer(app, ctx, ledger);
    expanded(&r, ctx, value, true)
}

/// `POST /v1/disputes/:id/close`: the seller accepts the dispute; the money stays with the
/// cardholder. Irreversible.
pub(crate) fn close(app: &Arc<Shared>, ctx: &Ctx, id: &str) -> Outcome {
    ctx.params.allow(&["expand"])?;
    let mut store = app.lock();
    let (ledger, rng) = store.ledger_and_rng(&ctx.key);
    expire(ledger, app, ctx, rng);
    let before = rendered(app, ctx, ledger, id);
    let Some(d) = ledger.disputes.get_mut(id) else {
        return Err(ApiError::no_such("dispute", id, "dispute"));
    };
    if !d.needs_response() {
        return Err(ApiError::state(
            "dispute_already_closed",
            format!(
                "Dispute {id} is {}; only a dispute that needs a response can be closed.",
                d.status
            ),
        ));
    }
    d.status = if d.is_inquiry() {
        "warning_closed"
    } else {
        "lost"
    };
    let value = rendered(app, ctx, ledger, id);
    let previous = changed_fields(&before, &value);
    emit(
        ledger,
        rng,
        &ctx.key,
        ctx.now,
        "charge.dispute.closed",
        &value,
        previous,
    );
    let r = renderer(app, ctx, ledger);
    expanded(&r, ctx, value, true)
}

/// The top-level fields of `before` that differ in `after`, as `previous_attributes`.
fn changed_fields(before: &Value, after: &Value) -> Value {
    let mut out = serde_json::Map::new();
    if let (Value::Object(b), Value::Object(a)) = (before, after) {
        for (k, v) in b {
            if a.get(k) != Some(v) {
                out.insert(k.clone(), v.clone());
            }
        }
    }
    Value::Object(out)
}

fn emit(
    ledger: &mut Ledger,
    rng: &mut rand::rngs::StdRng,
    key: &LedgerKey,
    now: i64,
    kind: &str,
    value: &Value,
    previous: Value,
) {
    events::emit(ledger, rng, key, now, kind, value.clone(), Some(previous));
}

/// A new dispute on `charge` (the seed's and tests' way to make one).
pub(crate) fn open(
    ledger: &mut Ledger,
    rng: &mut rand::rngs::StdRng,
    spec: NewDispute<'_>,
) -> Option<String> {
    let charge = ledger.charges.get(spec.charge)?.clone();
    let id = format!("dp_1{}", ids::token(rng, 23));
    let inquiry = spec.status.starts_with("warning_");
    let mut balance_transactions = Vec::new();
    if !inquiry {
        balance_transactions.push((
            ids::v1(rng, "txn"),
            -charge.amount_captured,
            spec.created,
            "Chargeback withdrawal",
        ));
        if spec.status == "won" {
            balance_transactions.push((
                ids::v1(rng, "txn"),
                charge.amount_captured,
                spec.due_by,
                "Chargeback reversal",
            ));
        }
    }
    let seq = ledger.next_seq();
    ledger.disputes.insert(Dispute {
        id: id.clone(),
        seq,
        created: spec.created,
        amount: charge.amount_captured,
        currency: charge.currency.clone(),
        charge: charge.id.clone(),
        payment_intent: charge.payment_intent.clone(),
        status: spec.status,
        reason: spec.reason.to_owned(),
        network_reason_code: network_reason_code(spec.reason).to_owned(),
        due_by: spec.due_by,
        evidence: spec.evidence,
        submission_count: u32::from(matches!(
            spec.status,
            "under_review" | "warning_under_review" | "won"
        )),
        past_due: false,
        metadata: BTreeMap::new(),
        balance_transactions,
    });
    Some(id)
}

/// What a new dispute is.
#[derive(Debug)]
pub(crate) struct NewDispute<'a> {
    pub charge: &'a str,
    pub status: &'static str,
    pub reason: &'a str,
    pub created: i64,
    pub due_by: i64,
    pub evidence: BTreeMap<String, String>,
}

/// Visa's reason code for each reason (what the card network's case says).
fn network_reason_code(reason: &str) -> &'static str {
    match reason {
        "fraudulent" => "10.4",
        "product_not_received" => "13.1",
        "product_unacceptable" => "13.3",
        "credit_not_processed" => "13.6",
        "duplicate" => "12.6.1",
        "subscription_canceled" => "13.2",
        _ => "13.7",
    }
}
