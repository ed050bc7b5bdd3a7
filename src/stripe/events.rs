//! Events: v1 snapshot events (`GET /v1/events`, each carrying the object as it was) and v2
//! thin events (`GET /v2/core/events`, each naming an object to fetch). A desktop console has
//! no public webhook endpoint, so it follows the account through these lists.
//!
//! Both lists keep 30 days. v1 lists come newest first: to read what is new since an event,
//! walk toward newer ones from it (`ending_before`, [`Checkpoint::Before`]).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::client::{ApiVersion, Call, Client};
use super::error::Error;
use super::form::{Form, path_id};
use super::model::has_id;
use super::pagination::{Checkpoint, Pager};

/// How long Stripe keeps events, in seconds (30 days).
pub const RETENTION_SECS: i64 = 30 * 24 * 3600;

/// The most event types one list call may filter on (`types[]`, v1 and v2).
pub const MAX_TYPES: usize = 20;

/// What made an event: the API request (with its idempotency key), or nothing for events
/// Stripe made itself. Versions up to 2017-05-25 sent the request id as a plain string.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum EventRequest {
    /// `{ "id": "req_…", "idempotency_key": "…" }`.
    Request {
        /// `req_…`, null for automatic events.
        #[serde(default)]
        id: Option<String>,
        /// The key the request carried.
        #[serde(default)]
        idempotency_key: Option<String>,
    },
    /// The old form: just the request id.
    Id(String),
}

/// The object an event is about, as it was when the event happened.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EventData {
    /// The full object (`checkout.session`, `refund`, `payment_intent`, …).
    pub object: Value,
    /// On `*.updated` events: the old values of the keys that changed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub previous_attributes: Option<Value>,
}

/// A v1 snapshot event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Event {
    /// `evt_…`.
    pub id: String,
    /// `event`.
    #[serde(default)]
    pub object: String,
    /// The connected account the event happened on, for Connect events.
    #[serde(default)]
    pub account: Option<String>,
    /// The API version `data` is rendered in (the one in force when it was created).
    #[serde(default)]
    pub api_version: Option<String>,
    /// Unix seconds.
    pub created: i64,
    /// The object.
    pub data: EventData,
    /// Live or test.
    #[serde(default)]
    pub livemode: bool,
    /// Endpoints that have not answered 2xx yet.
    #[serde(default)]
    pub pending_webhooks: i64,
    /// What made it.
    #[serde(default)]
    pub request: Option<EventRequest>,
    /// `checkout.session.completed`, `refund.updated`, … (any name, known or not).
    #[serde(rename = "type")]
    pub kind: String,
    /// Fields this console does not read (`context`, …), kept so a forwarded event is whole.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, Value>,
}

impl Event {
    /// The id of the object the event is about (`data.object.id`).
    #[must_use]
    pub fn object_id(&self) -> Option<&str> {
        self.data.object.get("id").and_then(Value::as_str)
    }
}

/// The object a thin event names, to be fetched.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RelatedObject {
    /// `pcimprt_…`, `orca_…`.
    pub id: String,
    /// Its object type, e.g. `v2.commerce.product_catalog_import`.
    #[serde(rename = "type", default)]
    pub kind: String,
    /// A relative path on the API host, e.g. `/v2/commerce/product_catalog/imports/pcimprt_…`.
    #[serde(default)]
    pub url: String,
}

/// A v2 thin event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ThinEvent {
    /// `evt_…`.
    pub id: String,
    /// `v2.core.event`.
    #[serde(default)]
    pub object: String,
    /// `v2.commerce.product_catalog.imports.succeeded`, … (any name, known or not).
    #[serde(rename = "type")]
    pub kind: String,
    /// When it happened.
    pub created: DateTime<Utc>,
    /// Live or test.
    #[serde(default)]
    pub livemode: bool,
    /// The account path the event belongs to (sent back as `Stripe-Context` when fetching).
    #[serde(default)]
    pub context: Option<String>,
    /// What made it (`{type: "request", request: {id, idempotency_key}}`).
    #[serde(default)]
    pub reason: Option<Value>,
    /// The object it is about.
    #[serde(default)]
    pub related_object: Option<RelatedObject>,
    /// Per-type data, present only when the event is fetched by id.
    #[serde(default)]
    pub data: Option<Value>,
}

/// Which v1 events to list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EventFilter {
    /// Exact type names (at most [`MAX_TYPES`]); empty means every type.
    pub types: Vec<String>,
    /// Only events created at or after this unix second.
    pub created_gte: Option<i64>,
}

impl Client {
    /// Lists v1 events, newest first. To read only what is newer than a known event, resume
    /// the pager at [`Checkpoint::Before`] that event's id.
    pub fn list_events(&self, filter: &EventFilter, limit: u8) -> Result<Pager<Event>, Error> {
        let mut q = Form::new();
        q.push("limit", limit.clamp(1, 100).to_string());
        push_types(&mut q, &filter.types, |_| "types[]".to_owned())?;
        if let Some(gte) = filter.created_gte {
            q.push("created[gte]", gte.to_string());
        }
        Ok(Pager::v1(
            self.clone(),
            "/v1/events",
            q,
            ApiVersion::Default,
        ))
    }

    /// The v1 events newer than `after` (an `evt_` id), oldest page last.
    pub fn list_events_after(
        &self,
        filter: &EventFilter,
        after: &str,
        limit: u8,
    ) -> Result<Pager<Event>, Error> {
        let after = path_id(after)?.to_owned();
        Ok(self
            .list_events(filter, limit)?
            .resume(Checkpoint::Before { id: after }))
    }

    /// Retrieves one v1 event (only within the last 30 days).
    pub async fn retrieve_event(&self, id: &str) -> Result<Event, Error> {
        self.json(Call::get(
            format!("/v1/events/{}", path_id(id)?),
            ApiVersion::Default,
        ))
        .await
    }

    /// Lists v2 thin events of `types` created after `created_gt`, following `next_page_url`.
    pub fn list_thin_events(
        &self,
        types: &[String],
        created_gt: Option<DateTime<Utc>>,
        limit: u8,
    ) -> Result<Pager<ThinEvent>, Error> {
        let mut q = Form::new();
        q.push("limit", limit.clamp(1, 100).to_string());
        // The SDKs encode v2 arrays with indexes (`types[0]=…`).
        push_types(&mut q, types, |i| format!("types[{i}]"))?;
        if let Some(gt) = created_gt {
            q.push(
                "created[gt]",
                gt.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
            );
        }
        Ok(Pager::v2(
            self.clone(),
            "/v2/core/events",
            q,
            ApiVersion::CatalogImports,
        ))
    }

    /// Retrieves one thin event with its data, the way the SDKs do: with
    /// `Stripe-Request-Trigger: event=<id>`, and `Stripe-Context` when the event has one.
    pub async fn retrieve_thin_event(
        &self,
        id: &str,
        context: Option<&str>,
    ) -> Result<ThinEvent, Error> {
        let mut call = Call::get(
            format!("/v2/core/events/{}", path_id(id)?),
            ApiVersion::CatalogImports,
        )
        .header("stripe-request-trigger", format!("event={id}"));
        if let Some(context) = context.filter(|c| !c.is_empty()) {
            call = call.header("stripe-context", context);
        }
        self.json(call).await
    }

    /// Fetches the object a thin event names (its `related_object.url`), as raw JSON.
    pub async fn fetch_related(&self, event: &ThinEvent) -> Result<Value, Error> {
        let related = event
            .related_object
            .as_ref()
            .ok_or_else(|| Error::Invalid(format!("Event {} names no object.", event.id)))?;
        if !related.url.starts_with("/v2/") && !related.url.starts_with("/v1/") {
            return Err(Error::Invalid(format!(
                "Event {} names an object at `{}`, which is not a Stripe API path.",
                event.id, related.url
            )));
        }
        let mut call = Call::get(related.url.clone(), ApiVersion::CatalogImports)
            .header("stripe-request-trigger", format!("event={}", event.id));
        if let Some(context) = event.context.as_deref().filter(|c| !c.is_empty()) {
            call = call.header("stripe-context", context);
        }
        self.json(call).await
    }
}

fn push_types(q: &mut Form, types: &[String], key: impl Fn(usize) -> String) -> Result<(), Error> {
    if types.len() > MAX_TYPES {
        return Err(Error::Invalid(format!(
            "Stripe filters events on at most {MAX_TYPES} types at once; {} were given.",
            types.len()
        )));
    }
    for (i, t) in types.iter().enumerate() {
        q.push(key(i), t.clone());
    }
    Ok(())
}

has_id!(Event, ThinEvent);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_stripes_canonical_event() {
        let fixtures: Value =
            serde_json::from_str(include_str!("../../tests/fixtures/stripe/event.json")).unwrap();
        let event: Event = serde_json::from_value(fixtures).unwrap();
        assert!(event.id.starts_with("evt_"));
        assert_eq!(event.kind, "plan.created");
        assert_eq!(event.object_id(), Some("price_1PgafmB7WZ01zgkW6dKueIc5"));
        assert_eq!(
            event.request,
            Some(EventRequest::Request {
                id: None,
                idempotency_key: None
            })
        );
    }

    #[test]
    fn parses_old_string_requests_and_connect_events() {
        let json = r#"{"id":"evt_1","object":"event","account":"acct_1Seller","created":1,
            "data":{"object":{"id":"ch_1"},"previous_attributes":{"amount_refunded":0}},
            "livemode":false,"pending_webhooks":1,"request":"req_old","type":"charge.refunded"}"#;
        let event: Event = serde_json::from_str(json).unwrap();
        assert_eq!(event.request, Some(EventRequest::Id("req_old".into())));
        assert_eq!(event.account.as_deref(), Some("acct_1Seller"));
        assert!(event.data.previous_attributes.is_some());
    }

    #[test]
    fn parses_the_reference_thin_event() {
        let json = r#"{ "id": "evt_test_65Q1", "object": "v2.core.event",
          "type": "v2.commerce.product_catalog.imports.succeeded_with_errors",
          "created": "2026-08-01T12:00:00.123Z", "livemode": false, "context": "acct_1Seller",
          "reason": null,
          "related_object": { "id": "pcimprt_test_61A", "type": "v2.commerce.product_catalog_import",
            "url": "/v2/commerce/product_catalog/imports/pcimprt_test_61A" } }"#;
        let event: ThinEvent = serde_json::from_str(json).unwrap();
        assert_eq!(event.context.as_deref(), Some("acct_1Seller"));
        let related = event.related_object.unwrap();
        assert_eq!(related.id, "pcimprt_test_61A");
        assert!(related.url.ends_with(&related.id));
    }
}
