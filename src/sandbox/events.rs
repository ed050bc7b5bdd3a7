//! The sandbox's event log: every state change it makes becomes an event in Stripe's envelope,
//! a v1 snapshot event (the object as it was) or a v2 thin event (the object to fetch), kept
//! per account and mode for Stripe's 30 days and listed like `GET /v1/events` and
//! `GET /v2/core/events`.

use serde_json::{Map, Value, json};

use rand::rngs::StdRng;

use super::errors::ApiError;
use super::ids;
use super::pagination::{v1_envelope, v1_page, v2_envelope, v2_page};
use super::params::Params;
use super::render::rfc3339;
use super::state::{EventRec, Ledger, LedgerKey, Payload, Table};

/// How long events are kept, in seconds (Stripe keeps 30 days).
pub(crate) const RETENTION_SECS: i64 = 30 * 24 * 3600;

/// The most events one account keeps; older ones go first.
pub(crate) const MAX_EVENTS: usize = 50_000;

/// The API version events are rendered in: the sandbox account's default version.
const ACCOUNT_API_VERSION: &str = "2025-09-30.clover";

/// The most types one list may filter on.
const MAX_TYPES: usize = 20;

impl EventRec {
    /// True for v2 thin events.
    pub fn is_thin(&self) -> bool {
        matches!(self.payload, Payload::Thin { .. })
    }

    /// The v1 `event` object.
    pub fn render_v1(&self, live: bool) -> Value {
        let (object, previous) = match &self.payload {
            Payload::Snapshot {
                object,
                previous_attributes,
            } => (object.clone(), previous_attributes.clone()),
            Payload::Thin { .. } => (Value::Null, None),
        };
        let mut data = Map::new();
        data.insert("object".into(), object);
        if let Some(previous) = previous {
            data.insert("previous_attributes".into(), previous);
        }
        let (request_id, key) = match &self.request {
            Some((id, key)) => (json!(id), json!(key)),
            None => (Value::Null, Value::Null),
        };
        json!({
            "id": self.id,
            "object": "event",
            "account": self.account,
            "api_version": ACCOUNT_API_VERSION,
            "context": self.account,
            "created": self.created,
            "data": data,
            "livemode": live,
            "pending_webhooks": 0,
            "request": { "id": request_id, "idempotency_key": key },
            "type": self.kind,
        })
    }

    /// The v2 `v2.core.event` object; `with_data` when fetched by id (lists leave it out).
    pub fn render_v2(&self, live: bool, with_data: bool) -> Value {
        let Payload::Thin {
            related_id,
            related_type,
            related_url,
            data,
        } = &self.payload
        else {
            return Value::Null;
        };
        let reason = match &self.request {
            Some((id, key)) => json!({
                "type": "request",
                "request": { "id": id, "idempotency_key": key },
            }),
            None => Value::Null,
        };
        let created = rfc3339(self.created).replace('Z', ".000Z");
        let mut event = json!({
            "id": self.id,
            "object": "v2.core.event",
            "type": self.kind,
            "created": created,
            "livemode": live,
            "context": self.account,
            "reason": reason,
            "related_object": { "id": related_id, "type": related_type, "url": related_url },
        });
        if with_data {
            event["data"] = data.clone().unwrap_or(Value::Null);
            event["changes"] = Value::Null;
        }
        event
    }
}

tokio::task_local! {
    /// The API request being served (its `Request-Id` and idempotency key), for the events
    /// it causes. Events made outside a request (the live shopper, an import finishing) have
    /// none, as on Stripe.
    static REQUEST: (String, Option<String>);
}

/// Serves `f` as the request `id` (with `idempotency_key`): every event it records names it.
pub(crate) async fn in_request<F: std::future::Future>(
    id: String,
    idempotency_key: Option<String>,
    f: F,
) -> F::Output {
    REQUEST.scope((id, idempotency_key), f).await
}

fn current_request() -> Option<(String, Option<String>)> {
    REQUEST.try_with(Clone::clone).ok()
}

/// Records a v1 snapshot event of `kind` about `object` (rendered as the API shows it) in the
/// ledger of `key`.
pub(crate) fn emit(
    ledger: &mut Ledger,
    rng: &mut StdRng,
    key: &LedgerKey,
    now: i64,
    kind: &str,
    object: Value,
    previous_attributes: Option<Value>,
) {
    let event = EventRec {
        id: ids::v1(rng, "evt"),
        seq: ledger.next_seq(),
        created: now,
        kind: kind.to_owned(),
        account: key.account.clone(),
        request: current_request(),
        payload: Payload::Snapshot {
            object,
            previous_attributes,
        },
    };
    record(&mut ledger.events, event, now);
}

/// Records a v2 thin event of `kind` naming the object `related_id` of `related_type` at
/// `related_url`, with the `data` shown when the event is fetched.
#[allow(clippy::too_many_arguments)]
pub(crate) fn emit_thin(
    ledger: &mut Ledger,
    rng: &mut StdRng,
    key: &LedgerKey,
    now: i64,
    kind: &str,
    related: (&str, &str, String),
    data: Option<Value>,
) {
    let mode = if key.live { "" } else { "test_" };
    let (related_id, related_type, related_url) = related;
    let event = EventRec {
        id: format!("evt_{mode}65{}", ids::token(rng, 24)),
        seq: ledger.next_seq(),
        created: now,
        kind: kind.to_owned(),
        account: key.account.clone(),
        request: current_request(),
        payload: Payload::Thin {
            related_id: related_id.to_owned(),
            related_type: related_type.to_owned(),
            related_url,
            data,
        },
    };
    record(&mut ledger.events, event, now);
}

/// Adds `event` to `table`, dropping what is past retention or over [`MAX_EVENTS`].
pub(crate) fn record(table: &mut Table<EventRec>, event: EventRec, now: i64) {
    table.insert(event);
    let cutoff = now - RETENTION_SECS;
    let mut drop: Vec<String> = table
        .oldest_first()
        .take_while(|e| e.created < cutoff)
        .map(|e| e.id.clone())
        .collect();
    let over = table.len().saturating_sub(drop.len() + MAX_EVENTS);
    drop.extend(
        table
            .oldest_first()
            .skip(drop.len())
            .take(over)
            .map(|e| e.id.clone()),
    );
    for id in drop {
        table.remove(&id);
    }
}

/// True when `kind` matches `pattern`: an exact name, or a group ending in `*`
/// (`charge.dispute.*`).
pub(crate) fn type_matches(pattern: &str, kind: &str) -> bool {
    match pattern.strip_suffix('*') {
        Some(prefix) => kind.starts_with(prefix),
        None => pattern == kind,
    }
}

/// The `types` list parameter (`types[]=…` or `types[0]=…`), at most 20 names.
fn types_param(p: &Params) -> Result<Vec<String>, ApiError> {
    let types = match p.0.get("types") {
        None => Vec::new(),
        Some(Value::Array(items)) => items
            .iter()
            .map(|v| {
                v.as_str()
                    .map(str::to_owned)
                    .ok_or_else(|| ApiError::param("types", "Invalid array"))
            })
            .collect::<Result<_, _>>()?,
        Some(Value::String(s)) if s.is_empty() => Vec::new(),
        Some(Value::String(s)) => vec![s.clone()],
        Some(_) => return Err(ApiError::param("types", "Invalid array")),
    };
    if types.len() > MAX_TYPES {
        return Err(ApiError::param(
            "types",
            format!(
                "Invalid array: types may hold at most {MAX_TYPES} names, {} were given.",
                types.len()
            ),
        ));
    }
    Ok(types)
}

/// `GET /v1/events`: snapshot events, newest first, with `type` (wildcards), `types[]`,
/// `created` and the v1 cursors.
pub(crate) fn list_v1(table: &Table<EventRec>, p: &Params, live: bool) -> Result<Value, ApiError> {
    p.allow(&[
        "type",
        "types",
        "created",
        "delivery_success",
        "limit",
        "starting_after",
        "ending_before",
        "expand",
    ])?;
    let pattern = p.str("type")?.map(str::to_owned);
    let types = types_param(p)?;
    if pattern.is_some() && !types.is_empty() {
        return Err(ApiError::invalid(
            "You may only specify one of these parameters: type, types.",
        ));
    }
    let created = p.range("created")?;
    let delivery_success = p.bool("delivery_success")?;
    let keep = |e: &EventRec| {
        !e.is_thin()
            && pattern.as_deref().is_none_or(|t| type_matches(t, &e.kind))
            && (types.is_empty() || types.contains(&e.kind))
            && created.is_none_or(|r| r.contains(e.created))
            // The sandbox delivers to no endpoint, so every event counts as delivered.
            && delivery_success != Some(false)
    };
    let page = v1_page(table, p, "event", keep)?;
    let data = page.items.iter().map(|e| e.render_v1(live)).collect();
    Ok(v1_envelope("/v1/events", data, page.has_more))
}

/// `GET /v1/events/:id`.
pub(crate) fn retrieve_v1(
    table: &Table<EventRec>,
    id: &str,
    live: bool,
) -> Result<Value, ApiError> {
    table
        .get(id)
        .filter(|e| !e.is_thin())
        .map(|e| e.render_v1(live))
        .ok_or_else(|| ApiError::no_such("event", id, "id"))
}

/// `GET /v2/core/events`: thin events, newest first, with `types`, `object_id`,
/// `created[gt|gte|lt|lte]` (RFC 3339) and the `page` token.
pub(crate) fn list_v2(
    table: &Table<EventRec>,
    p: &Params,
    query: &str,
    live: bool,
) -> Result<Value, ApiError> {
    p.allow(&["types", "object_id", "created", "limit", "page"])?;
    let types = types_param(p)?;
    let object_id = p.str("object_id")?.map(str::to_owned);
    let mut bounds: [Option<i64>; 4] = [None; 4];
    if let Some(Value::Object(created)) = p.0.get("created") {
        for (op, value) in created {
            let slot = match op.as_str() {
                "gt" => 0,
                "gte" => 1,
                "lt" => 2,
                "lte" => 3,
                other => return Err(ApiError::unknown_param(&format!("created[{other}]"))),
            };
            let text = value.as_str().unwrap_or_default();
            let at = chrono::DateTime::parse_from_rfc3339(text).map_err(|_| {
                ApiError::param(
                    format!("created[{op}]"),
                    format!(
                        "Invalid timestamp: {text}. Use RFC 3339, like 2026-08-01T12:00:00.000Z."
                    ),
                )
            })?;
            bounds[slot] = Some(at.timestamp());
        }
    }
    let limit = match p.int("limit")? {
        None => 20,
        Some(n) if (1..=100).contains(&n) => n as usize,
        Some(n) => {
            return Err(ApiError::param(
                "limit",
                format!("Invalid limit: {n}. The limit must be between 1 and 100."),
            ));
        }
    };
    let [gt, gte, lt, lte] = bounds;
    let keep = |e: &EventRec| {
        let Payload::Thin { related_id, .. } = &e.payload else {
            return false;
        };
        (types.is_empty() || types.contains(&e.kind))
            && object_id.as_deref().is_none_or(|o| o == related_id)
            && gt.is_none_or(|b| e.created > b)
            && gte.is_none_or(|b| e.created >= b)
            && lt.is_none_or(|b| e.created < b)
            && lte.is_none_or(|b| e.created <= b)
    };
    let page = v2_page(table, limit, p.str("page")?, keep)?;
    let data = page
        .items
        .iter()
        .map(|e| e.render_v2(live, false))
        .collect();
    let carried: String = url::form_urlencoded::parse(query.as_bytes())
        .filter(|(k, _)| k != "page")
        .fold(
            url::form_urlencoded::Serializer::new(String::new()),
            |mut s, (k, v)| {
                s.append_pair(&k, &v);
                s
            },
        )
        .finish();
    Ok(v2_envelope(
        "/v2/core/events",
        &carried,
        data,
        page.next,
        page.previous,
    ))
}

/// `GET /v2/core/events/:id`, with its data.
pub(crate) fn retrieve_v2(
    table: &Table<EventRec>,
    id: &str,
    live: bool,
) -> Result<Value, ApiError> {
    table
        .get(id)
        .filter(|e| e.is_thin())
        .map(|e| e.render_v2(live, true))
        .ok_or_else(|| ApiError::no_such("event", id, "id"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn snapshot(n: u64, kind: &str, created: i64) -> EventRec {
        EventRec {
            id: format!("evt_{n:04}"),
            seq: n,
            created,
            kind: kind.into(),
            account: None,
            request: Some(("req_1".into(), Some("key-1".into()))),
            payload: Payload::Snapshot {
                object: json!({"id": format!("cs_{n}"), "object": "checkout.session"}),
                previous_attributes: None,
            },
        }
    }

    fn thin(n: u64, created: i64) -> EventRec {
        EventRec {
            id: format!("evt_test_65{n:04}"),
            seq: n,
            created,
            kind: "v2.commerce.product_catalog.imports.succeeded".into(),
            account: Some("acct_1Seller".into()),
            request: None,
            payload: Payload::Thin {
                related_id: format!("pcimprt_{n}"),
                related_type: "v2.commerce.product_catalog_import".into(),
                related_url: format!("/v2/commerce/product_catalog/imports/pcimprt_{n}"),
                data: Some(json!({"status": "succeeded"})),
            },
        }
    }

    #[test]
    fn v1_events_have_stripes_envelope_and_filter_by_type() {
        let mut table = Table::default();
        record(
            &mut table,
            snapshot(1, "checkout.session.completed", 100),
            100,
        );
        record(&mut table, snapshot(2, "charge.dispute.created", 101), 101);
        record(&mut table, thin(3, 102), 102);
        let all = list_v1(&table, &Params::default(), false).unwrap();
        let data = all["data"].as_array().unwrap();
        assert_eq!(data.len(), 2, "thin events are not v1 events");
        assert_eq!(data[0]["id"], "evt_0002", "newest first");
        let e = &data[1];
        for field in [
            "id",
            "object",
            "api_version",
            "created",
            "data",
            "livemode",
            "pending_webhooks",
            "request",
            "type",
        ] {
            assert!(e.get(field).is_some(), "{field} missing: {e}");
        }
        assert_eq!(e["request"]["idempotency_key"], "key-1");
        let parsed: crate::stripe::events::Event = serde_json::from_value(e.clone()).unwrap();
        assert_eq!(parsed.object_id(), Some("cs_1"));

        let disputes = Params::parse(b"type=charge.dispute.*").unwrap();
        let page = list_v1(&table, &disputes, false).unwrap();
        assert_eq!(page["data"].as_array().unwrap().len(), 1);
        let both = Params::parse(b"type=a&types[]=b").unwrap();
        assert!(list_v1(&table, &both, false).is_err());
        let newer = Params::parse(b"ending_before=evt_0001").unwrap();
        let page = list_v1(&table, &newer, false).unwrap();
        assert_eq!(page["data"][0]["id"], "evt_0002");
    }

    #[test]
    fn thin_events_list_without_data_and_retrieve_with_it() {
        let mut table = Table::default();
        record(&mut table, thin(1, 1_767_225_600), 1_767_225_600);
        let list = list_v2(&table, &Params::default(), "", false).unwrap();
        let e = &list["data"][0];
        assert!(e.get("data").is_none(), "{e}");
        assert_eq!(e["context"], "acct_1Seller");
        let parsed: crate::stripe::events::ThinEvent = serde_json::from_value(e.clone()).unwrap();
        assert_eq!(parsed.related_object.unwrap().id, "pcimprt_1");
        let one = retrieve_v2(&table, "evt_test_650001", false).unwrap();
        assert_eq!(one["data"]["status"], "succeeded");
        let later = Params::parse(b"created[gt]=2026-01-01T00:00:00.000Z").unwrap();
        let none = list_v2(&table, &later, "", false).unwrap();
        assert_eq!(none["data"].as_array().unwrap().len(), 0);
    }

    #[test]
    fn old_events_expire_and_the_log_is_bounded() {
        let mut table = Table::default();
        record(&mut table, snapshot(1, "a", 0), 0);
        record(
            &mut table,
            snapshot(2, "a", RETENTION_SECS + 10),
            RETENTION_SECS + 10,
        );
        assert!(table.get("evt_0001").is_none());
        assert!(table.get("evt_0002").is_some());
        for n in 3..(MAX_EVENTS as u64 + 10) {
            record(
                &mut table,
                snapshot(n, "a", RETENTION_SECS + 10),
                RETENTION_SECS + 10,
            );
        }
        assert_eq!(table.len(), MAX_EVENTS);
    }
}
