//! Paging through lists, v1 (`starting_after`/`ending_before`/`has_more`) and v2
//! (`next_page_url`), resumable from a saved [`Checkpoint`].
//!
//! v1 lists come newest first: walking [`Direction::Older`] follows `starting_after=<last id>`;
//! walking [`Direction::Newer`] follows `ending_before=<first id>`. To poll for new orders
//! use a `created[gt]` watermark, not `starting_after`.

use std::collections::VecDeque;
use std::marker::PhantomData;

use futures_util::Stream;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use super::client::{ApiVersion, Call, Client};
use super::error::Error;
use super::form::Form;
use super::model::{HasId, List, V2List};

/// Which way a v1 list is walked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// Toward older objects (`starting_after`), the natural order.
    Older,
    /// Toward newer objects (`ending_before`).
    Newer,
}

/// Where the next page starts. Save it to resume a walk later without repeats.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "at", rename_all = "snake_case")]
pub enum Checkpoint {
    /// Nothing fetched yet: the first page (the newest objects).
    Start,
    /// v1: the next page is the objects older than this id.
    After {
        /// The cursor id.
        id: String,
    },
    /// v1: the next page is the objects newer than this id.
    Before {
        /// The cursor id.
        id: String,
    },
    /// v2: the next page's URL as Stripe gave it.
    Page {
        /// Relative URL with its opaque `page` token.
        url: String,
    },
    /// The walk reached the end.
    Done,
}

/// A resumable walk over a Stripe list.
pub struct Pager<T> {
    client: Client,
    path: String,
    query: Form,
    version: ApiVersion,
    v2: bool,
    next: Checkpoint,
    _item: PhantomData<fn() -> T>,
}

impl<T> std::fmt::Debug for Pager<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pager")
            .field("path", &self.path)
            .field("next", &self.next)
            .finish_non_exhaustive()
    }
}

impl<T: DeserializeOwned + HasId> Pager<T> {
    pub(crate) fn v1(client: Client, path: &str, query: Form, version: ApiVersion) -> Pager<T> {
        Pager {
            client,
            path: path.to_owned(),
            query,
            version,
            v2: false,
            next: Checkpoint::Start,
            _item: PhantomData,
        }
    }

    pub(crate) fn v2(client: Client, path: &str, query: Form, version: ApiVersion) -> Pager<T> {
        Pager {
            v2: true,
            ..Pager::v1(client, path, query, version)
        }
    }

    /// Continues from a saved checkpoint instead of the start. For v1, `Before` walks
    /// toward newer objects and `After` toward older ones.
    #[must_use]
    pub fn resume(mut self, checkpoint: Checkpoint) -> Pager<T> {
        self.next = checkpoint;
        self
    }

    /// Where the next page starts; save it to resume later.
    #[must_use]
    pub fn checkpoint(&self) -> &Checkpoint {
        &self.next
    }

    /// Fetches the next page, or `None` when the walk is over.
    pub async fn next_page(&mut self) -> Result<Option<Vec<T>>, Error> {
        if self.v2 {
            return self.next_v2().await;
        }
        let mut query = self.query.clone();
        let direction = match &self.next {
            Checkpoint::Done => return Ok(None),
            Checkpoint::Start | Checkpoint::Page { .. } => Direction::Older,
            Checkpoint::After { id } => {
                query.push("starting_after", id.clone());
                Direction::Older
            }
            Checkpoint::Before { id } => {
                query.push("ending_before", id.clone());
                Direction::Newer
            }
        };
        let page: List<T> = self
            .client
            .json(Call::get(self.path.clone(), self.version).query(query))
            .await?;
        let cursor = match direction {
            Direction::Older => page.data.last(),
            Direction::Newer => page.data.first(),
        };
        self.next = match (page.has_more, cursor) {
            (true, Some(item)) => match direction {
                Direction::Older => Checkpoint::After {
                    id: item.id().to_owned(),
                },
                Direction::Newer => Checkpoint::Before {
                    id: item.id().to_owned(),
                },
            },
            _ => Checkpoint::Done,
        };
        Ok(Some(page.data))
    }

    async fn next_v2(&mut self) -> Result<Option<Vec<T>>, Error> {
        let call = match &self.next {
            Checkpoint::Done => return Ok(None),
            Checkpoint::Page { url } => Call::get(url.clone(), self.version),
            _ => Call::get(self.path.clone(), self.version).query(self.query.clone()),
        };
        let page: V2List<T> = self.client.json(call).await?;
        self.next = match page.next_page_url.filter(|u| !u.is_empty()) {
            Some(url) if !page.data.is_empty() => Checkpoint::Page { url },
            _ => Checkpoint::Done,
        };
        Ok(Some(page.data))
    }

    /// Fetches every remaining object. Use on bounded lists only.
    pub async fn collect_all(mut self) -> Result<Vec<T>, Error> {
        let mut all = Vec::new();
        while let Some(page) = self.next_page().await? {
            all.extend(page);
        }
        Ok(all)
    }

    /// The remaining objects one by one, fetching pages as needed.
    pub fn into_stream(self) -> impl Stream<Item = Result<T, Error>> + Send
    where
        T: Send + 'static,
    {
        futures_util::stream::try_unfold(
            (self, VecDeque::new()),
            |(mut pager, mut buffer)| async move {
                loop {
                    if let Some(item) = buffer.pop_front() {
                        return Ok(Some((item, (pager, buffer))));
                    }
                    match pager.next_page().await? {
                        Some(page) => buffer.extend(page),
                        None => return Ok(None),
                    }
                }
            },
        )
    }
}
