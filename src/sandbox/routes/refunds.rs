//! Refunds: create (full or partial, adding up to at most what was captured), list, retrieve.

use std::sync::Arc;

use super::request::{
    ByPayment, Ctx, Object, Outcome, at_most, expanded, list_page, render_or_404, renderer,
};
use crate::sandbox::errors::ApiError;
use crate::sandbox::events;
use crate::sandbox::funds;
use crate::sandbox::ids;
use crate::sandbox::pagination::v1_page;
use crate::sandbox::state::{Charge, Refund, Shared};

/// `refund`, as a retrieve names it.
const REFUND: Object = Object::new("refund", "refund");

/// `POST /v1/refunds`.
pub(crate) fn create(app: &Arc<Shared>, ctx: &Ctx) -> Outcome {
    let p = &ctx.params;
    p.allow(&[
        "payment_intent",
        "charge",
        "amount",
        "reason",
        "metadata",
        "expand",
        "currency",
        "customer",
        "instructions_email",
        "origin",
        "refund_application_fee",
        "reverse_transfer",
    ])?;
    let amount = p.int("amount")?;
    if amount.is_some_and(|a| a < 1) {
        return Err(ApiError::param(
            "amount",
            "The refund amount must be a positive integer in the currency's smallest unit.",
        ));
    }
    let reason = p.str("reason")?.map(str::to_string);
    if let Some(r) = reason.as_deref()
        && !matches!(r, "duplicate" | "fraudulent" | "requested_by_customer")
    {
        return Err(ApiError::param(
            "reason",
            format!(
                "Invalid reason: must be one of duplicate, fraudulent, or \
                     requested_by_customer (got `{r}`)."
            ),
        ));
    }
    let metadata = p.metadata()?.unwrap_or_default();
    let currency = p.str("currency")?.map(str::to_ascii_lowercase);
    let reverse_transfer = p.bool("reverse_transfer")?.unwrap_or(false);
    let refund_application_fee = p.bool("refund_application_fee")?.unwrap_or(false);
    let by_pi = p.str("payment_intent")?;
    let by_charge = p.str("charge")?;

    let mut store = app.lock();
    let (ledger, rng) = store.ledger_and_rng(&ctx.key);
    ledger.expire_authorizations(ctx.now);
    let (pi_id, charge_id) = match (by_pi, by_charge) {
        (None, None) => {
            return Err(ApiError::invalid(
                "You must pass either `payment_intent` or `charge` to say what to refund.",
            ));
        }
        (Some(pi_id), charge) => {
            let pi = ledger
                .payment_intents
                .get(pi_id)
                .ok_or_else(|| ApiError::no_such("payment_intent", pi_id, "payment_intent"))?;
            if pi.status == "requires_capture" {
                return Err(ApiError::state(
                    "payment_intent_unexpected_state",
                    format!(
                        "PaymentIntent {pi_id} has not been captured yet, so there is nothing \
                         to refund. Cancel it to release the authorization instead."
                    ),
                )
                .with_param("payment_intent"));
            }
            if pi.status == "canceled" {
                return Err(ApiError::state(
                    "payment_intent_unexpected_state",
                    format!(
                        "PaymentIntent {pi_id} was canceled before it was captured, so there \
                         is nothing to refund."
                    ),
                )
                .with_param("payment_intent"));
            }
            let latest = pi.latest_charge.clone().ok_or_else(|| {
                ApiError::state(
                    "charge_not_refundable",
                    format!("PaymentIntent {pi_id} does not have a successful charge to refund."),
                )
                .with_param("payment_intent")
            })?;
            if let Some(c) = charge
                && c != latest
            {
                return Err(ApiError::param(
                    "charge",
                    format!("Charge {c} does not belong to PaymentIntent {pi_id}."),
                ));
            }
            (pi_id.to_string(), latest)
        }
        (None, Some(charge_id)) => {
            let charge = ledger
                .charges
                .get(charge_id)
                .ok_or_else(|| ApiError::no_such("charge", charge_id, "charge"))?;
            (charge.payment_intent.clone(), charge_id.to_string())
        }
    };
    let charge = ledger
        .charges
        .get(&charge_id)
        .cloned()
        .ok_or_else(|| ApiError::no_such("charge", &charge_id, "charge"))?;
    if !charge.captured {
        return Err(ApiError::state(
            "charge_not_refundable",
            format!(
                "Charge {charge_id} has not been captured, so there is nothing to refund. \
                 Cancel its PaymentIntent instead."
            ),
        )
        .with_param("charge"));
    }
    // Stripe's error for these is not public: the sandbox answers as
    // `reference/stripe-api-events-connect-disputes.md` §18.6 proposes.
    if reverse_transfer && charge.transfer.is_none() {
        return Err(ApiError::param(
            "reverse_transfer",
            format!(
                "Charge {charge_id} has no transfer to reverse: reverse_transfer applies only to \
                 a destination charge (one made with transfer_data[destination]) once captured."
            ),
        ));
    }
    if refund_application_fee && charge.application_fee.is_none() {
        return Err(ApiError::param(
            "refund_application_fee",
            format!(
                "Charge {charge_id} has no application fee to refund: refund_application_fee \
                 applies only to a charge made with an application_fee_amount."
            ),
        ));
    }
    if let Some(c) = currency.as_deref()
        && c != charge.currency
    {
        return Err(ApiError::param(
            "currency",
            format!(
                "The refund currency ({c}) must match the charge currency ({}).",
                charge.currency
            ),
        ));
    }
    if let Some(d) = ledger.dispute_of(&charge_id)
        && (!d.is_inquiry() || d.is_closed())
    {
        return Err(ApiError::state(
            "charge_disputed",
            format!(
                "The charge you're attempting to refund has been charged back (dispute {}, \
                 {}). Respond to the dispute or accept it instead; accepting already returns \
                 the money to the cardholder.",
                d.id, d.status
            ),
        )
        .with_param("charge"));
    }
    if charge.refunded() {
        return Err(ApiError::state(
            "charge_already_refunded",
            format!("Charge {charge_id} has already been refunded."),
        ));
    }
    let refundable = charge.refundable();
    let amount = amount.unwrap_or(refundable);
    at_most(
        amount,
        refundable,
        &charge.currency,
        "amount",
        |asked, left| {
            format!("Refund amount ({asked}) is greater than unrefunded amount on charge ({left})")
        },
    )?;
    let refund = Refund {
        id: ids::v1(rng, "re"),
        seq: ledger.next_seq(),
        created: ctx.now,
        amount,
        currency: charge.currency.clone(),
        charge: charge_id.clone(),
        payment_intent: pi_id,
        reason,
        metadata,
        balance_transaction: ids::v1(rng, "txn"),
        transfer_reversal: None,
    };
    let id = refund.id.clone();
    let refunded_before = charge.amount_refunded;
    let unwound = funds::unwind(
        ledger,
        rng,
        &funds::RefundShare {
            charge: &charge_id,
            refund: &id,
            before: refunded_before,
            amount,
            reverse_transfer,
            refund_application_fee,
            at: ctx.now,
        },
    );
    ledger.refunds.insert(Refund {
        transfer_reversal: unwound.reversal.clone(),
        ..refund
    });
    if let Some(charge) = ledger.charges.get_mut(&charge_id) {
        charge.amount_refunded += amount;
    }
    let (value, charge_value) = {
        let r = renderer(app, ctx, ledger);
        (
            ledger
                .refunds
                .get(&id)
                .map(|re| r.refund(re))
                .unwrap_or_default(),
            ledger
                .charges
                .get(&charge_id)
                .map(|c| r.charge(c))
                .unwrap_or_default(),
        )
    };
    let (key, now) = (&ctx.key, ctx.now);
    events::emit(ledger, rng, key, now, "refund.created", value.clone(), None);
    // A full refund resolves an open inquiry without a chargeback.
    let fully_refunded = ledger.charges.get(&charge_id).is_some_and(Charge::refunded);
    let inquiry = ledger
        .dispute_of(&charge_id)
        .filter(|d| d.is_inquiry() && !d.is_closed())
        .map(|d| d.id.clone());
    if let (true, Some(dispute)) = (fully_refunded, inquiry) {
        if let Some(d) = ledger.disputes.get_mut(&dispute) {
            d.status = "warning_closed";
        }
        let r = renderer(app, ctx, ledger);
        let closed = ledger
            .disputes
            .get(&dispute)
            .map(|d| r.dispute(d))
            .unwrap_or_default();
        let previous = serde_json::json!({ "status": "warning_needs_response" });
        events::emit(
            ledger,
            rng,
            key,
            now,
            "charge.dispute.closed",
            closed,
            Some(previous),
        );
    }
    emit_unwound(app, ctx, ledger, rng, &charge, &unwound);
    let previous = serde_json::json!({ "amount_refunded": refunded_before });
    events::emit(
        ledger,
        rng,
        key,
        now,
        "charge.refunded",
        charge_value,
        Some(previous),
    );
    let r = renderer(app, ctx, ledger);
    expanded(&r, ctx, value, true)
}

/// `transfer.reversed` and `application_fee.refunded` for what a refund took back.
fn emit_unwound(
    app: &Arc<Shared>,
    ctx: &Ctx,
    ledger: &mut crate::sandbox::state::Ledger,
    rng: &mut rand::rngs::StdRng,
    charge: &Charge,
    unwound: &funds::Unwound,
) {
    let r = renderer(app, ctx, ledger);
    let transfer = unwound
        .reversal
        .as_ref()
        .and(charge.transfer.as_deref())
        .and_then(|t| ledger.transfers.get(t))
        .map(|t| r.transfer(t));
    let fee = unwound
        .fee_refund
        .as_ref()
        .and(charge.application_fee.as_deref())
        .and_then(|f| ledger.application_fees.get(f))
        .map(|f| r.application_fee(f));
    let (key, now) = (&ctx.key, ctx.now);
    if let Some(t) = transfer {
        events::emit(ledger, rng, key, now, "transfer.reversed", t, None);
    }
    if let Some(f) = fee {
        events::emit(ledger, rng, key, now, "application_fee.refunded", f, None);
    }
}

/// `GET /v1/refunds`, optionally for one charge or `PaymentIntent`.
pub(crate) fn list(app: &Arc<Shared>, ctx: &Ctx) -> Outcome {
    let p = &ctx.params;
    let by = ByPayment::read(p)?;
    let mut store = app.lock();
    let ledger = store.ledger(&ctx.key);
    if let Some(pi) = by.payment_intent()
        && ledger.payment_intents.get(pi).is_none()
    {
        return Err(ApiError::no_such("payment_intent", pi, "payment_intent"));
    }
    if let Some(charge) = by.charge()
        && ledger.charges.get(charge).is_none()
    {
        return Err(ApiError::no_such("charge", charge, "charge"));
    }
    let page = v1_page(&ledger.refunds, p, "refund", |re| {
        by.keeps(re.created, &re.charge, &re.payment_intent)
    })?;
    let r = renderer(app, ctx, ledger);
    list_page(&r, ctx, "/v1/refunds", &page, |re| r.refund(re))
}

/// `GET /v1/refunds/:id`.
pub(crate) fn retrieve(app: &Arc<Shared>, ctx: &Ctx, id: &str) -> Outcome {
    ctx.params.allow(&["expand"])?;
    render_or_404(app, ctx, id, &REFUND, |l| l.refunds.get(id))
}
