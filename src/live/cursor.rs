//! The event cursor: never miss an event, never apply one twice.
//!
//! Stripe's recipe (reference §15.5): keep the newest event processed and its `created`; read
//! what is newer with `ending_before=<cursor>`, processing each page oldest first; when the
//! cursor is unknown or older than the 30 days Stripe keeps, fall back to `created[gte]` a
//! little before the cursor and drop what was already seen. The list's position is never
//! trusted for order or uniqueness: every event is checked against the ids seen recently.

use std::collections::{HashSet, VecDeque};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::durable::{self, Access};
use crate::stripe::events::{Event, RETENTION_SECS};

/// How far before the cursor's `created` a fallback read starts, in seconds: same-second ties
/// and events that show up in the list late are why.
pub const OVERLAP_SECS: i64 = 300;

/// How many recent event ids are remembered to drop repeats.
pub const SEEN_MAX: usize = 10_000;

/// Where the next read starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resume {
    /// Nothing read yet: start from now (`created[gte]`), without replaying history.
    Start {
        /// Unix seconds.
        created_gte: i64,
    },
    /// The events newer than this one (`ending_before`).
    After {
        /// `evt_…`.
        id: String,
    },
    /// The cursor is unknown to Stripe or past its 30 days: read from a time, dropping repeats.
    /// `expired` is true when events may have been lost in between (the views must reload).
    Since {
        /// Unix seconds.
        created_gte: i64,
        /// True when the gap is longer than Stripe keeps events.
        expired: bool,
    },
}

/// The follower's position in one account's event stream, saved per profile and account.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cursor {
    /// The newest event applied.
    pub last_id: Option<String>,
    /// Its `created` (unix seconds).
    pub last_created: i64,
    /// The ids applied recently, oldest first (bounded by [`SEEN_MAX`]).
    seen: VecDeque<String>,
    /// The same ids, for lookups; rebuilt on load.
    #[serde(skip)]
    seen_set: HashSet<String>,
    /// True after Stripe refused `last_id` as a cursor: the next read goes by time.
    #[serde(default)]
    refused_by_stripe: bool,
}

impl Cursor {
    /// Where the next read starts, at `now` (unix seconds).
    #[must_use]
    pub fn resume(&self, now: i64) -> Resume {
        let Some(id) = &self.last_id else {
            return Resume::Start { created_gte: now };
        };
        let expired = now - self.last_created >= RETENTION_SECS;
        if expired || self.refused_by_stripe {
            return Resume::Since {
                created_gte: (self.last_created - OVERLAP_SECS).max(now - RETENTION_SECS),
                expired,
            };
        }
        Resume::After { id: id.clone() }
    }

    /// Stripe did not know the cursor event: the next read goes by time.
    pub fn cursor_refused(&mut self) {
        self.refused_by_stripe = true;
    }

    /// Takes one page as Stripe listed it (newest first) and returns the events not applied
    /// before, oldest first. The cursor moves past them: call [`Cursor::save`] once they are
    /// applied.
    pub fn take_page(&mut self, page_newest_first: Vec<Event>) -> Vec<Event> {
        let mut fresh = Vec::new();
        for event in page_newest_first.into_iter().rev() {
            if self.seen_set.contains(&event.id) {
                continue;
            }
            self.remember(&event.id);
            if event.created >= self.last_created || self.last_id.is_none() {
                self.last_created = event.created;
                self.last_id = Some(event.id.clone());
            }
            fresh.push(event);
        }
        if !fresh.is_empty() {
            self.refused_by_stripe = false;
        }
        fresh
    }

    /// True when `id` was applied recently.
    #[must_use]
    pub fn has_seen(&self, id: &str) -> bool {
        self.seen_set.contains(id)
    }

    fn remember(&mut self, id: &str) {
        self.seen.push_back(id.to_owned());
        self.seen_set.insert(id.to_owned());
        while self.seen.len() > SEEN_MAX {
            if let Some(old) = self.seen.pop_front() {
                self.seen_set.remove(&old);
            }
        }
    }

    /// The cursor file of `profile` and `account` (`None` for the account itself) in `dir`.
    #[must_use]
    pub fn path(dir: &Path, profile: &str, account: Option<&str>) -> PathBuf {
        let clean = |s: &str| -> String {
            s.chars()
                .map(|c| {
                    if c.is_ascii_alphanumeric() || c == '_' {
                        c
                    } else {
                        '-'
                    }
                })
                .collect()
        };
        let name = format!(
            "events-{}-{}.json",
            clean(profile),
            clean(account.unwrap_or("self"))
        );
        dir.join("live").join(name)
    }

    /// Reads a saved cursor; a missing or damaged file gives a fresh one (the follower then
    /// starts from now, and the views reload).
    #[must_use]
    pub fn load(path: &Path) -> Cursor {
        let mut cursor: Cursor = std::fs::read(path)
            .ok()
            .and_then(|bytes| serde_json::from_slice(&bytes).ok())
            .unwrap_or_default();
        cursor.seen_set = cursor.seen.iter().cloned().collect();
        cursor
    }

    /// Saves the cursor atomically and durably.
    pub fn save(&self, path: &Path) -> std::io::Result<()> {
        let bytes = serde_json::to_vec(self).map_err(std::io::Error::other)?;
        durable::write(path, &bytes, Access::Private)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stripe::events::EventData;

    fn event(id: &str, created: i64) -> Event {
        Event {
            id: id.to_owned(),
            object: "event".into(),
            account: None,
            api_version: None,
            created,
            data: EventData {
                object: serde_json::json!({"id": "cs_1"}),
                previous_attributes: None,
            },
            livemode: false,
            pending_webhooks: 0,
            request: None,
            kind: "checkout.session.completed".into(),
            extra: serde_json::Map::new(),
        }
    }

    #[test]
    fn a_fresh_cursor_starts_now_then_follows_the_newest_event() {
        let mut c = Cursor::default();
        assert_eq!(c.resume(1_000), Resume::Start { created_gte: 1_000 });
        let fresh = c.take_page(vec![
            event("evt_3", 12),
            event("evt_2", 11),
            event("evt_1", 10),
        ]);
        let ids: Vec<&str> = fresh.iter().map(|e| e.id.as_str()).collect();
        assert_eq!(ids, ["evt_1", "evt_2", "evt_3"], "applied oldest first");
        assert_eq!(c.resume(20), Resume::After { id: "evt_3".into() });
    }

    #[test]
    fn repeats_are_dropped_even_across_overlapping_pages() {
        let mut c = Cursor::default();
        c.take_page(vec![event("evt_2", 11), event("evt_1", 10)]);
        let again = c.take_page(vec![
            event("evt_3", 11),
            event("evt_2", 11),
            event("evt_1", 10),
        ]);
        assert_eq!(again.len(), 1);
        assert_eq!(again[0].id, "evt_3");
        assert!(c.has_seen("evt_1"));
    }

    #[test]
    fn a_refused_or_expired_cursor_falls_back_to_time_with_overlap() {
        let mut c = Cursor::default();
        c.take_page(vec![event("evt_1", 10_000)]);
        c.cursor_refused();
        assert_eq!(
            c.resume(10_100),
            Resume::Since {
                created_gte: 10_000 - OVERLAP_SECS,
                expired: false
            }
        );
        let later = 10_000 + RETENTION_SECS + 5;
        assert_eq!(
            c.resume(later),
            Resume::Since {
                created_gte: later - RETENTION_SECS,
                expired: true
            }
        );
    }

    #[test]
    fn the_cursor_survives_a_restart_and_still_drops_repeats() {
        let dir = tempfile::tempdir().unwrap();
        let path = Cursor::path(dir.path(), "Main shop", Some("acct_1Seller"));
        let mut c = Cursor::default();
        c.take_page(vec![event("evt_2", 11), event("evt_1", 10)]);
        c.save(&path).unwrap();

        let mut back = Cursor::load(&path);
        assert_eq!(back.resume(20), Resume::After { id: "evt_2".into() });
        let fresh = back.take_page(vec![event("evt_3", 12), event("evt_2", 11)]);
        assert_eq!(fresh.len(), 1, "evt_2 was applied before the restart");
        assert!(path.ends_with("live/events-Main-shop-acct_1Seller.json"));
    }

    #[test]
    fn the_seen_set_stays_bounded() {
        let mut c = Cursor::default();
        let page: Vec<Event> = (0..SEEN_MAX + 50)
            .rev()
            .map(|i| event(&format!("evt_{i}"), i as i64))
            .collect();
        c.take_page(page);
        assert_eq!(c.seen.len(), SEEN_MAX);
        assert!(!c.has_seen("evt_0") && c.has_seen(&format!("evt_{}", SEEN_MAX + 49)));
    }
}
