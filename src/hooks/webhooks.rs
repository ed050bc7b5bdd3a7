//! Webhook tests: the events Stripe would deliver to the seller's webhook endpoint, built from
//! a real order, signed with the endpoint's `whsec_` secret, and checked the way Stripe treats
//! the answers: a 2xx in time, the same event delivered twice handled once, and a delivery
//! with a bad signature refused.
//!
//! Stripe does not publish how long it waits for a webhook answer (the CLI's forwarder waits
//! 30 s; the docs say to answer 2xx before any slow work). The most careful reading is used:
//! slower than [`WEBHOOK_LIMITS`]`.warn_after` warns, slower than its deadline fails.

use std::time::Duration;

use serde::Serialize;
use serde_json::{Value, json};

use super::HookTarget;
use super::checks::{self, Check, Limits, Outcome};
use super::run::{SendError, http_client, send, wrong_secret};

/// How long a webhook answer may take: warn after 2 s, fail after 10 s.
pub const WEBHOOK_LIMITS: Limits = Limits {
    deadline: Duration::from_secs(10),
    warn_after: Duration::from_secs(2),
};

/// Check names of the webhook tests.
pub mod names {
    /// The endpoint answered 2xx.
    pub const STATUS: &str = "HTTP 2xx";
    /// It answered in time.
    pub const TIME: &str = "Response time";
    /// The same event delivered again is answered 2xx and handled once.
    pub const DUPLICATE: &str = "Same event twice";
    /// A delivery signed with the wrong secret is refused.
    pub const BAD_SIGNATURE: &str = "Rejects bad signature";
}

/// The event types a webhook test can send, built from one order.
pub const EVENT_TYPES: [&str; 4] = [
    "checkout.session.completed",
    "payment_intent.succeeded",
    "payment_intent.amount_capturable_updated",
    "charge.refunded",
];

/// One event's deliveries and what they showed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WebhookRun {
    /// The event type sent.
    pub kind: String,
    /// The event id (the same on both deliveries).
    pub event_id: String,
    /// Where it went.
    pub url: String,
    /// The first answer's status, when one came.
    pub status: Option<u16>,
    /// How long the first answer took, in milliseconds.
    pub elapsed_ms: u64,
    /// Every check, in the order it ran.
    pub checks: Vec<Check>,
}

impl WebhookRun {
    /// The worst outcome of the checks.
    #[must_use]
    pub fn outcome(&self) -> Outcome {
        checks::worst(&self.checks)
    }
}

/// Builds the event of `kind` Stripe would send for `session`, a Checkout Session as the API
/// returns it with its `payment_intent` expanded (and its `latest_charge`). `None` when the
/// order lacks what that event is about (no payment, no charge).
#[must_use]
pub fn build_event(kind: &str, session: &Value, id: &str, now: i64) -> Option<Value> {
    let payment = session.get("payment_intent").filter(|p| p.is_object());
    let object = match kind {
        "checkout.session.completed" => {
            // Stripe's payload carries the session as stored: no line items, the payment as
            // an id.
            let mut s = session.clone();
            if let Some(map) = s.as_object_mut() {
                map.remove("line_items");
                if let Some(pi) = payment.and_then(|p| p.get("id")).cloned() {
                    map.insert("payment_intent".into(), pi);
                }
            }
            s
        }
        "payment_intent.succeeded" | "payment_intent.amount_capturable_updated" => {
            let mut pi = payment?.clone();
            if let Some(charge) = pi.get("latest_charge").and_then(|c| c.get("id")).cloned()
                && let Some(map) = pi.as_object_mut()
            {
                map.insert("latest_charge".into(), charge);
            }
            pi
        }
        "charge.refunded" => payment?
            .get("latest_charge")
            .filter(|c| c.is_object())?
            .clone(),
        _ => return None,
    };
    let livemode = session
        .get("livemode")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    Some(json!({
        "id": id,
        "object": "event",
        "api_version": crate::stripe::Versions::default().default,
        "created": now,
        "data": { "object": object },
        "livemode": livemode,
        "pending_webhooks": 1,
        "request": { "id": null, "idempotency_key": null },
        "type": kind,
    }))
}

/// A fresh event id for a test delivery.
#[must_use]
pub fn test_event_id() -> String {
    let uuid = uuid::Uuid::new_v4().simple().to_string();
    format!("evt_test_sc{}", &uuid[..22])
}

/// Delivers `event` to `target` three times (signed, the same again, and signed with a wrong
/// secret) and checks the answers.
pub async fn run_webhook_test(target: &HookTarget, event: &Value) -> WebhookRun {
    let kind = event
        .get("type")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    let event_id = event
        .get("id")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    let mut run = WebhookRun {
        kind,
        event_id,
        url: target.url.clone(),
        status: None,
        elapsed_ms: 0,
        checks: Vec::new(),
    };
    let client = match http_client(WEBHOOK_LIMITS) {
        Ok(c) => c,
        Err(message) => {
            run.checks.push(Check::fail(names::STATUS, message));
            return run;
        }
    };
    let body = event.to_string();
    let first = send(&client, &target.url, &body, &target.secret).await;
    let first = match first {
        Ok(a) => a,
        Err(e) => {
            run.checks.push(Check::fail(names::STATUS, send_words(&e)));
            return run;
        }
    };
    run.status = Some(first.status);
    run.elapsed_ms = u64::try_from(first.elapsed.as_millis()).unwrap_or(u64::MAX);
    run.checks.push(status_check(first.status, &first.body));
    run.checks.push(time_check(first.elapsed));

    let again = send(&client, &target.url, &body, &target.secret).await;
    run.checks.push(match again {
        Ok(a) => duplicate_check(a.status, &a.body),
        Err(e) => Check::fail(names::DUPLICATE, send_words(&e)),
    });

    let forged = send(&client, &target.url, &body, &wrong_secret(&target.secret)).await;
    run.checks.push(match forged {
        Ok(a) => bad_signature_check(a.status),
        Err(e) => Check::fail(names::BAD_SIGNATURE, send_words(&e)),
    });
    run
}

fn send_words(e: &SendError) -> String {
    match e {
        SendError::TimedOut => format!(
            "No answer within {}: Stripe would count the delivery as failed and retry it.",
            checks::show_duration(WEBHOOK_LIMITS.deadline)
        ),
        SendError::Other(s) => s.clone(),
    }
}

/// A 2xx, or what a non-2xx means to Stripe.
#[must_use]
pub fn status_check(status: u16, body: &str) -> Check {
    if (200..300).contains(&status) {
        Check::pass(names::STATUS, format!("Answered {status}."))
    } else {
        let snippet: String = body.chars().take(160).collect();
        Check::fail(
            names::STATUS,
            format!(
                "Answered {status}: Stripe counts anything but 2xx as a failed delivery and \
                 retries it for up to 3 days. Verify the signature on the raw body, answer 2xx \
                 first, then fulfil. Body: {snippet}"
            ),
        )
    }
}

/// Within [`WEBHOOK_LIMITS`].
#[must_use]
pub fn time_check(elapsed: Duration) -> Check {
    let shown = checks::show_duration(elapsed);
    if elapsed > WEBHOOK_LIMITS.deadline {
        Check::fail(
            names::TIME,
            format!("Took {shown}: Stripe may give up and retry. Answer 2xx before slow work."),
        )
    } else if elapsed > WEBHOOK_LIMITS.warn_after {
        Check::warn(
            names::TIME,
            format!("Took {shown}. Answer 2xx first and do slow work (emails, fulfilment) after."),
        )
    } else {
        Check::pass(names::TIME, format!("Answered in {shown}."))
    }
}

/// The second delivery of the same event: a 2xx, and, when the body says so, handled once.
#[must_use]
pub fn duplicate_check(status: u16, body: &str) -> Check {
    if !(200..300).contains(&status) {
        return Check::fail(
            names::DUPLICATE,
            format!(
                "The same event again got {status}. Stripe delivers an event more than once at \
                 times; answer 2xx to a repeat (and do nothing), or Stripe keeps retrying it."
            ),
        );
    }
    let said = serde_json::from_str::<Value>(body)
        .ok()
        .and_then(|v| v.get("duplicate").and_then(Value::as_bool));
    match said {
        Some(true) => Check::pass(
            names::DUPLICATE,
            "Answered 2xx and said it had handled this event already.",
        ),
        Some(false) => Check::fail(
            names::DUPLICATE,
            "Answered 2xx but handled the event a second time: keep the ids of the events \
             handled and skip a repeat, or an order is fulfilled twice.",
        ),
        None => Check::warn(
            names::DUPLICATE,
            "Answered 2xx. Whether it handled the event twice cannot be seen from outside: \
             keep the ids of the events handled and skip a repeat.",
        ),
    }
}

/// A delivery signed with a wrong secret must be refused (Stripe's libraries raise, and the
/// handler answers 400).
#[must_use]
pub fn bad_signature_check(status: u16) -> Check {
    if (400..500).contains(&status) {
        Check::pass(names::BAD_SIGNATURE, format!("Refused with {status}."))
    } else {
        Check::fail(
            names::BAD_SIGNATURE,
            format!(
                "A delivery signed with the wrong secret got {status}: anyone could post fake \
                 events. Verify `Stripe-Signature` with the endpoint's whsec_ secret and answer \
                 400 when it does not match."
            ),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn session() -> Value {
        json!({
            "id": "cs_test_1", "object": "checkout.session", "livemode": false,
            "line_items": {"data": []},
            "payment_intent": {"id": "pi_1", "object": "payment_intent",
                "latest_charge": {"id": "ch_1", "object": "charge", "amount_refunded": 0}}
        })
    }

    #[test]
    fn events_are_built_from_the_order_as_stripe_sends_them() {
        let e = build_event("checkout.session.completed", &session(), "evt_1", 10).unwrap();
        assert_eq!(e["type"], "checkout.session.completed");
        assert_eq!(e["data"]["object"]["payment_intent"], "pi_1");
        assert!(e["data"]["object"].get("line_items").is_none());
        let p = build_event("payment_intent.succeeded", &session(), "evt_2", 10).unwrap();
        assert_eq!(p["data"]["object"]["latest_charge"], "ch_1");
        let c = build_event("charge.refunded", &session(), "evt_3", 10).unwrap();
        assert_eq!(c["data"]["object"]["id"], "ch_1");
        let unpaid = json!({"id": "cs_2", "payment_intent": null});
        assert!(build_event("charge.refunded", &unpaid, "evt_4", 10).is_none());
    }

    #[test]
    fn answers_are_judged_as_stripe_treats_them() {
        assert_eq!(status_check(204, "").outcome, Outcome::Pass);
        assert_eq!(status_check(500, "boom").outcome, Outcome::Fail);
        assert_eq!(
            duplicate_check(200, r#"{"duplicate":true}"#).outcome,
            Outcome::Pass
        );
        assert_eq!(
            duplicate_check(200, r#"{"duplicate":false}"#).outcome,
            Outcome::Fail
        );
        assert_eq!(duplicate_check(200, "ok").outcome, Outcome::Warn);
        assert_eq!(duplicate_check(409, "").outcome, Outcome::Fail);
        assert_eq!(bad_signature_check(400).outcome, Outcome::Pass);
        assert_eq!(bad_signature_check(200).outcome, Outcome::Fail);
        assert_eq!(time_check(Duration::from_secs(3)).outcome, Outcome::Warn);
        assert_eq!(time_check(Duration::from_secs(11)).outcome, Outcome::Fail);
    }
}
