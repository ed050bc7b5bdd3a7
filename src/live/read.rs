//! One look at the account's events: what is new since the cursor, oldest first. The command
//! line (`events tail`, `listen`) and the app's follower both read through here, so they agree
//! on what "new" means.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::cursor::{Cursor, Resume};
use crate::stripe::events::{Event, EventFilter, ThinEvent};
use crate::stripe::{Client, Error};

/// What one look found.
#[derive(Debug, Default)]
pub struct Fresh {
    /// Events not applied before, oldest first.
    pub events: Vec<Event>,
    /// More than 30 days passed since the cursor: Stripe no longer keeps what happened in
    /// between, so whatever a view shows may be stale and should be reloaded.
    pub gap: bool,
}

/// Reads the v1 events newer than `cursor` (or, with no cursor yet, created at or after
/// `start`), moving the cursor past them. A look that fails leaves the cursor where it was,
/// so nothing read before the failure is skipped by the next look.
pub async fn read_new(
    client: &Client,
    filter: &EventFilter,
    cursor: &mut Cursor,
    start: i64,
) -> Result<Fresh, Error> {
    let mut moved = cursor.clone();
    let fresh = read_into(client, filter, &mut moved, start).await?;
    *cursor = moved;
    Ok(fresh)
}

async fn read_into(
    client: &Client,
    filter: &EventFilter,
    cursor: &mut Cursor,
    start: i64,
) -> Result<Fresh, Error> {
    let now = Utc::now().timestamp();
    let since = match cursor.resume(now) {
        Resume::After { id } => {
            let mut pager = client.list_events_after(filter, &id, 100)?;
            let mut events = Vec::new();
            loop {
                match pager.next_page().await {
                    // Walking toward newer events: each page is newer than the last.
                    Ok(Some(page)) => events.extend(cursor.take_page(page)),
                    Ok(None) => return Ok(Fresh { events, gap: false }),
                    // Stripe no longer knows the cursor event: the next look goes by time.
                    Err(Error::Api(e)) if e.status == 404 || e.param.is_some() => {
                        cursor.cursor_refused();
                        return Ok(Fresh { events, gap: false });
                    }
                    Err(e) => return Err(e),
                }
            }
        }
        Resume::Since {
            created_gte,
            expired,
        } => (created_gte, expired),
        Resume::Start { .. } => (start, false),
    };
    let (created_gte, gap) = since;
    let all = client
        .list_events(
            &EventFilter {
                types: filter.types.clone(),
                created_gte: Some(created_gte),
            },
            100,
        )?
        .collect_all()
        .await?;
    // Walking toward older events: the whole walk is newest first.
    Ok(Fresh {
        events: cursor.take_page(all),
        gap,
    })
}

/// An event a [`TimeCursor`] can follow: when it was created, and its id.
pub trait Listed {
    /// Its creation time (unix seconds for v1 events, a timestamp for thin ones).
    type Created: Ord + Copy;
    /// When it was created.
    fn created(&self) -> Self::Created;
    /// Its id.
    fn id(&self) -> &str;
}

impl Listed for Event {
    type Created = i64;
    fn created(&self) -> i64 {
        self.created
    }
    fn id(&self) -> &str {
        &self.id
    }
}

impl Listed for ThinEvent {
    type Created = DateTime<Utc>;
    fn created(&self) -> DateTime<Utc> {
        self.created
    }
    fn id(&self) -> &str {
        &self.id
    }
}

/// A position in an event stream listed by time: the newest `created` applied and the ids
/// applied at that instant (ties share it), so a list read again from that time drops what
/// was applied. Small whatever the stream's length: the thin (v2) stream's cursor, and one
/// per seller on the board.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimeCursor<C> {
    /// The newest event applied (or where the stream is followed from).
    pub last_created: Option<C>,
    /// Ids applied at `last_created`, to drop them when listed again.
    at_last: Vec<String>,
}

/// The position in the thin (v2) event stream.
pub type ThinCursor = TimeCursor<DateTime<Utc>>;

impl<C: Ord + Copy> TimeCursor<C> {
    /// A cursor that takes the events created at or after `created`.
    #[must_use]
    pub fn from(created: C) -> Self {
        TimeCursor {
            last_created: Some(created),
            at_last: Vec::new(),
        }
    }

    /// Takes events as listed (any order) and returns those not applied before, oldest first,
    /// moving the cursor past them.
    pub fn take<E: Listed<Created = C>>(&mut self, mut events: Vec<E>) -> Vec<E> {
        events.sort_by(|a, b| a.created().cmp(&b.created()).then(a.id().cmp(b.id())));
        let mut fresh = Vec::new();
        for event in events {
            let new = match self.last_created {
                None => true,
                Some(last) => {
                    event.created() > last
                        || (event.created() == last
                            && !self.at_last.iter().any(|id| id == event.id()))
                }
            };
            if !new {
                continue;
            }
            if self.last_created != Some(event.created()) {
                self.last_created = Some(event.created());
                self.at_last.clear();
            }
            self.at_last.push(event.id().to_owned());
            fresh.push(event);
        }
        fresh
    }
}

/// Reads the thin events of `types` newer than `cursor` (or created at or after `start`). A
/// look that fails leaves the cursor where it was.
pub async fn read_new_thin(
    client: &Client,
    types: &[String],
    cursor: &mut ThinCursor,
    start: DateTime<Utc>,
) -> Result<Vec<ThinEvent>, Error> {
    // Thin events are listed by `created[gt]`; a tie at the cursor's millisecond is read
    // again and dropped by id.
    let from = cursor
        .last_created
        .map_or(start - chrono::Duration::milliseconds(1), |t| {
            t - chrono::Duration::milliseconds(1)
        });
    let all = client
        .list_thin_events(types, Some(from), 100)?
        .collect_all()
        .await?;
    Ok(cursor.take(all))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn thin(id: &str, ms: i64) -> ThinEvent {
        serde_json::from_value(serde_json::json!({
            "id": id,
            "object": "v2.core.event",
            "type": "v2.orchestrated_commerce.agreement.confirmed",
            "created": DateTime::<Utc>::from_timestamp_millis(ms).unwrap().to_rfc3339(),
            "livemode": false,
        }))
        .unwrap()
    }

    #[test]
    fn thin_events_listed_again_are_dropped_and_ties_are_kept_once() {
        let mut c = ThinCursor::default();
        let first = c.take(vec![thin("evt_b", 2000), thin("evt_a", 1000)]);
        assert_eq!(
            first.iter().map(|e| e.id.as_str()).collect::<Vec<_>>(),
            ["evt_a", "evt_b"],
            "oldest first"
        );
        // Listed again with a new event in the same millisecond as the newest one.
        let again = c.take(vec![thin("evt_b", 2000), thin("evt_c", 2000)]);
        assert_eq!(
            again.iter().map(|e| e.id.as_str()).collect::<Vec<_>>(),
            ["evt_c"]
        );
        assert!(
            c.take(vec![thin("evt_c", 2000), thin("evt_a", 1000)])
                .is_empty()
        );
    }
}
