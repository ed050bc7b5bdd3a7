//! `PaymentIntents` (retrieve, list, capture, cancel) and their charges.

use std::collections::BTreeMap;
use std::sync::Arc;

use super::request::{Ctx, Object, Outcome, at_most, expanded, list_page, render_or_404, renderer};
use crate::sandbox::errors::ApiError;
use crate::sandbox::events;
use crate::sandbox::funds;
use crate::sandbox::ids;
use crate::sandbox::pagination::v1_page;
use crate::sandbox::render::rfc3339;
use crate::sandbox::state::{Ledger, PaymentIntent, Shared};

/// `payment_intent`, as a retrieve names it.
const PAYMENT_INTENT: Object = Object::expiring("payment_intent", "intent");

/// The intent `id` of `ledger`, or the 404 a retrieve of it answers.
fn intent<'l>(ledger: &'l Ledger, id: &str) -> Result<&'l PaymentIntent, ApiError> {
    let o = PAYMENT_INTENT;
    ledger
        .payment_intents
        .get(id)
        .ok_or_else(|| ApiError::no_such(o.name, id, o.param))
}

/// `charge`, as a retrieve names it.
const CHARGE: Object = Object::new("charge", "charge");

/// Statuses a `PaymentIntent` can be canceled from.
const CANCELABLE: &[&str] = &[
    "requires_payment_method",
    "requires_capture",
    "requires_confirmation",
    "requires_action",
    "processing",
];

/// Merges `metadata[k]=v` into `into`; an empty value removes the key.
pub(crate) fn merge_metadata(
    into: &mut BTreeMap<String, String>,
    update: BTreeMap<String, String>,
) {
    if update.is_empty() {
        into.clear();
    }
    for (k, v) in update {
        if v.is_empty() {
            into.remove(&k);
        } else {
            into.insert(k, v);
        }
    }
}

/// `GET /v1/payment_intents`.
pub(crate) fn list(app: &Arc<Shared>, ctx: &Ctx) -> Outcome {
    let p = &ctx.params;
    p.allow_list(&["customer"])?;
    let created = p.range("created")?;
    let customer = p.str("customer")?.is_some();
    let mut store = app.lock();
    let ledger = store.ledger(&ctx.key);
    ledger.expire_authorizations(ctx.now);
    let page = v1_page(&ledger.payment_intents, p, "payment_intent", |pi| {
        !customer && created.is_none_or(|r| r.contains(pi.created))
    })?;
    let r = renderer(app, ctx, ledger);
    list_page(&r, ctx, "/v1/payment_intents", &page, |pi| {
        r.payment_intent(pi)
    })
}

/// `GET /v1/payment_intents/:id`.
pub(crate) fn retrieve(app: &Arc<Shared>, ctx: &Ctx, id: &str) -> Outcome {
    ctx.params.allow(&["expand", "client_secret"])?;
    render_or_404(app, ctx, id, &PAYMENT_INTENT, |l| l.payment_intents.get(id))
}

/// `GET /v1/charges/:id`.
pub(crate) fn charge(app: &Arc<Shared>, ctx: &Ctx, id: &str) -> Outcome {
    ctx.params.allow(&["expand"])?;
    render_or_404(app, ctx, id, &CHARGE, |l| l.charges.get(id))
}

/// `POST /v1/payment_intents/:id/capture`: only from `requires_capture`, before
/// `capture_before`, at most `amount_capturable`. A smaller amount releases the rest.
pub(crate) fn capture(app: &Arc<Shared>, ctx: &Ctx, id: &str) -> Outcome {
    let p = &ctx.params;
    p.allow(&[
        "amount_to_capture",
        "expand",
        "metadata",
        "final_capture",
        "statement_descriptor",
        "statement_descriptor_suffix",
        "application_fee_amount",
    ])?;
    let requested = p.int("amount_to_capture")?;
    if requested.is_some_and(|a| a <= 0) {
        return Err(ApiError::param(
            "amount_to_capture",
            "amount_to_capture must be a positive integer in the currency's smallest unit.",
        ));
    }
    if p.bool("final_capture")? == Some(false) {
        return Err(ApiError::param(
            "final_capture",
            "Multicapture is not available for this payment: capture it in one go.",
        ));
    }
    let metadata = p.metadata()?;
    let mut store = app.lock();
    let (ledger, rng) = store.ledger_and_rng(&ctx.key);
    ledger.expire_authorizations(ctx.now);
    let pi = intent(ledger, id)?;
    if pi.status != "requires_capture" {
        let r = renderer(app, ctx, ledger);
        let object = r.payment_intent(pi);
        let error = if pi.cancellation_reason.as_deref() == Some("automatic") {
            ApiError::state(
                "charge_expired_for_capture",
                format!(
                    "The authorization of PaymentIntent {id} expired at {} and Stripe canceled \
                     it, so it can no longer be captured. Ask the buyer to pay again.",
                    rfc3339(pi.canceled_at.unwrap_or_default())
                ),
            )
        } else {
            ApiError::state(
                "payment_intent_unexpected_state",
                format!(
                    "This PaymentIntent could not be captured because it has a status of {}. \
                     Only a PaymentIntent with one of the following statuses may be captured: \
                     requires_capture.",
                    pi.status
                ),
            )
        };
        return Err(error.with_object("payment_intent", object));
    }
    let fee_override = p.int("application_fee_amount")?;
    if let Some(fee) = fee_override {
        if pi.destination.is_none() {
            return Err(ApiError::param(
                "application_fee_amount",
                "Can only apply an application_fee_amount when the PaymentIntent is attempting \
                 a direct payment (using an OAuth key or Stripe-Account header) or destination \
                 payment (using transfer_data[destination]).",
            ));
        }
        if fee < 0 {
            return Err(ApiError::param(
                "application_fee_amount",
                "application_fee_amount must be a non-negative integer in the currency's \
                 smallest unit.",
            ));
        }
    }
    let capturable = pi.amount_capturable;
    let amount = requested.unwrap_or(capturable);
    at_most(
        amount,
        capturable,
        &pi.currency,
        "amount_to_capture",
        |asked, left| {
            format!(
                "The amount to capture ({asked}) is greater than the amount that can be captured ({left})."
            )
        },
    )?;
    let charge_id = pi.latest_charge.clone().unwrap_or_default();
    let txn = ids::v1(rng, "txn");
    let receipt = format!(
        "{:04}-{:04}",
        rand::Rng::random_range(rng, 1000..10000),
        rand::Rng::random_range(rng, 1000..10000)
    );
    let mut destination = pi.destination.clone();
    if let (Some(d), Some(fee)) = (destination.as_mut(), fee_override) {
        d.application_fee_amount = Some(fee);
    }
    if let Some(pi) = ledger.payment_intents.get_mut(id) {
        pi.destination.clone_from(&destination);
        pi.status = "succeeded";
        pi.amount_received = amount;
        pi.amount_capturable = 0;
        if let Some(m) = metadata {
            merge_metadata(&mut pi.metadata, m);
        }
    }
    if let Some(charge) = ledger.charges.get_mut(&charge_id) {
        charge.captured = true;
        charge.amount_captured = amount;
        charge.balance_transaction = Some(txn);
        charge.receipt_number.get_or_insert(receipt);
        charge.destination = destination;
    }
    let settled = funds::settle(ledger, rng, &charge_id, ctx.now);
    for session in ledger.sessions.values_mut() {
        if session.payment_intent.as_deref() == Some(id) {
            session.payment_status = "paid";
        }
    }
    let (value, charge_value) = {
        let r = renderer(app, ctx, ledger);
        (
            ledger
                .payment_intents
                .get(id)
                .map(|pi| r.payment_intent(pi))
                .unwrap_or_default(),
            ledger
                .charges
                .get(&charge_id)
                .map(|c| r.charge(c))
                .unwrap_or_default(),
        )
    };
    let (key, now) = (&ctx.key, ctx.now);
    events::emit(ledger, rng, key, now, "charge.captured", charge_value, None);
    let (transfer, fee) = {
        let r = renderer(app, ctx, ledger);
        (
            settled
                .transfer
                .and_then(|t| ledger.transfers.get(&t))
                .map(|t| r.transfer(t)),
            settled
                .application_fee
                .and_then(|f| ledger.application_fees.get(&f))
                .map(|f| r.application_fee(f)),
        )
    };
    if let Some(t) = transfer {
        events::emit(ledger, rng, key, now, "transfer.created", t, None);
    }
    if let Some(f) = fee {
        events::emit(ledger, rng, key, now, "application_fee.created", f, None);
    }
    events::emit(
        ledger,
        rng,
        key,
        now,
        "payment_intent.succeeded",
        value.clone(),
        None,
    );
    let r = renderer(app, ctx, ledger);
    expanded(&r, ctx, value, true)
}

/// `POST /v1/payment_intents/:id/cancel`: releases an authorization.
pub(crate) fn cancel(app: &Arc<Shared>, ctx: &Ctx, id: &str) -> Outcome {
    let p = &ctx.params;
    p.allow(&["cancellation_reason", "expand"])?;
    let reason = p.str("cancellation_reason")?.map(str::to_string);
    if let Some(r) = reason.as_deref()
        && !matches!(
            r,
            "duplicate" | "fraudulent" | "requested_by_customer" | "abandoned"
        )
    {
        return Err(ApiError::param(
            "cancellation_reason",
            format!(
                "Invalid cancellation_reason: must be one of duplicate, fraudulent, \
                     requested_by_customer, or abandoned (got `{r}`)."
            ),
        ));
    }
    let mut store = app.lock();
    let (ledger, rng) = store.ledger_and_rng(&ctx.key);
    ledger.expire_authorizations(ctx.now);
    let pi = intent(ledger, id)?;
    if !CANCELABLE.contains(&pi.status) {
        let r = renderer(app, ctx, ledger);
        let object = r.payment_intent(pi);
        let hint = if pi.status == "succeeded" {
            " To give the money back, refund it instead."
        } else {
            ""
        };
        return Err(ApiError::state(
            "payment_intent_unexpected_state",
            format!(
                "You cannot cancel this PaymentIntent because it has a status of {}. Only a \
                 PaymentIntent with one of the following statuses may be canceled: {}.{hint}",
                pi.status,
                CANCELABLE.join(", ")
            ),
        )
        .with_object("payment_intent", object));
    }
    if let Some(pi) = ledger.payment_intents.get_mut(id) {
        pi.status = "canceled";
        pi.amount_capturable = 0;
        pi.canceled_at = Some(ctx.now);
        pi.cancellation_reason = reason;
    }
    let value = {
        let r = renderer(app, ctx, ledger);
        ledger
            .payment_intents
            .get(id)
            .map(|pi| r.payment_intent(pi))
            .unwrap_or_default()
    };
    events::emit(
        ledger,
        rng,
        &ctx.key,
        ctx.now,
        "payment_intent.canceled",
        value.clone(),
        None,
    );
    let r = renderer(app, ctx, ledger);
    expanded(&r, ctx, value, true)
}
