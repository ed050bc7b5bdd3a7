//! A platform's connected accounts on the worker side: the list (for the account switcher and
//! the board), then each account's figures for the board, read as that account with bounded
//! concurrency and sent in batches, so 5,000 accounts show their first rows at once and fill in.
//!
//! Every request is made as the platform (`Stripe-Account` only for the account whose figures
//! are read), whichever account the other views act as.

use std::time::{Duration, Instant};

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use futures_util::StreamExt;

use crate::live::TimeCursor;
use crate::platform::{Figures, ImportState, LastImport};
use crate::stripe::Client;
use crate::stripe::account::Account;
use crate::stripe::catalog_imports::CatalogImportFilter;
use crate::stripe::events::Event as StripeEvent;
use crate::stripe::orders::{OrderQuery, SessionStatus};

use super::EventSink;
use super::dialogs::{FilePicker, FileRequest};
use super::imports::{ImportSummary, Status, from_catalog_import, from_import_set};
use super::session::SharedConnection;

/// Accounts whose figures are read at the same time (each account has its own rate limit).
const CONCURRENCY: usize = 8;
/// Figures are sent at least this often while they come in.
const BATCH_EVERY: Duration = Duration::from_millis(150);
/// While the board is open, the follower looks at this many accounts' events a round...
const FOLLOW_BATCH: usize = 24;
/// ...one round this often...
const FOLLOW_EVERY: Duration = Duration::from_secs(2);
/// ...and at one account at most this often (5,000 accounts go round in about seven minutes,
/// inside Stripe's 15-minute feed cadence).
const FOLLOW_SAME_ACCOUNT: Duration = Duration::from_secs(10);
/// How far back an order can still be awaiting capture (card authorizations last 7 days).
const CAPTURE_WINDOW_SECS: i64 = 8 * 86_400;

/// What the account switcher and the board ask for.
#[derive(Debug, Clone)]
pub enum Command {
    /// List the platform's connected accounts; with `figures`, read each one's board figures
    /// too. `generation` comes back on every answer, so a newer load replaces an older one.
    Load {
        /// The caller's load counter.
        generation: u64,
        /// Also read the board's figures.
        figures: bool,
    },
    /// Ask for a folder of per-account feeds (or a mapping file, when `mapping`) and say
    /// what pushing it would send ([`Event::PushPlanned`]).
    ChooseFeeds {
        /// Pick a mapping file instead of a folder.
        mapping: bool,
    },
    /// Push the planned feeds to their accounts, following each import to the end.
    PushAll {
        /// The folder or mapping file.
        source: std::path::PathBuf,
    },
}

/// What the worker tells them.
#[derive(Debug, Clone)]
pub enum Event {
    /// A page of accounts (in list order); `done` on the last.
    Accounts {
        /// The load this answers.
        generation: u64,
        /// The accounts of the page.
        accounts: Vec<Account>,
        /// No more pages.
        done: bool,
    },
    /// Figures of some accounts, by id; `done` when every account has its figures.
    Figures {
        /// The load this answers.
        generation: u64,
        /// Account id and its figures.
        figures: Vec<(String, Figures)>,
        /// Every account's figures are in.
        done: bool,
    },
    /// Events on these accounts moved them: their figures read again (the board's load
    /// `generation`; they replace what the rows had).
    Moved {
        /// The load this follows.
        generation: u64,
        /// Account id and its new figures.
        figures: Vec<(String, Figures)>,
    },
    /// What a push of `source` would send.
    PushPlanned {
        /// The folder or mapping file.
        source: std::path::PathBuf,
        /// Feeds it names.
        feeds: usize,
        /// Accounts they go to.
        accounts: usize,
    },
    /// The folder or mapping could not be used.
    PushRefused {
        /// Why, in words.
        message: String,
    },
    /// One feed's result, as it came.
    PushResult(crate::push_all::FeedResult),
    /// Every feed has its result.
    PushDone(crate::push_all::Summary),
    /// The list could not be read.
    Failed {
        /// The load this answers.
        generation: u64,
        /// What happened and what to do.
        message: String,
    },
}

fn send(sink: &EventSink, event: Event) {
    sink.send(super::Event::Accounts(event));
}

/// Runs one command (spawns its work; returns at once). `history` is the push history file
/// pushes are recorded in (and reruns read to skip what is in).
pub fn handle(
    connection: &SharedConnection,
    following: &Arc<AtomicU64>,
    sink: &EventSink,
    picker: &Arc<dyn FilePicker>,
    history: Option<PathBuf>,
    command: Command,
) {
    let Some(conn) = super::session::active(connection) else {
        return;
    };
    // Every call is the platform's: only the account a call is about is named on it.
    let platform = match conn.client.for_account(None) {
        Ok(client) => client,
        Err(e) => {
            sink.error("Connected accounts", e.user_message(), None);
            return;
        }
    };
    let sink = sink.clone();
    match command {
        Command::Load {
            generation,
            figures,
        } => {
            let follow = figures.then(|| {
                let token = following.fetch_add(1, Ordering::SeqCst) + 1;
                Follow {
                    token,
                    current: Arc::clone(following),
                    connection: Arc::clone(connection),
                    key: (conn.api_base.clone(), conn.key.clone()),
                }
            });
            tokio::spawn(load(platform, sink, generation, follow));
        }
        Command::ChooseFeeds { mapping } => {
            let request = if mapping {
                FileRequest::open("Choose a mapping file (account,path,feed)")
                    .filter("CSV", &["csv"])
            } else {
                FileRequest::folder("Choose the folder of per-account feeds (acct_…/product.csv)")
            };
            let answer = picker.pick(request);
            tokio::spawn(async move {
                let Some(source) = answer.await else {
                    return;
                };
                let planned = {
                    let source = source.clone();
                    tokio::task::spawn_blocking(move || crate::push_all::plan(&source, None)).await
                };
                match planned {
                    Ok(Ok(targets)) => {
                        let accounts: std::collections::BTreeSet<&str> =
                            targets.iter().map(|t| t.account.as_str()).collect();
                        send(
                            &sink,
                            Event::PushPlanned {
                                feeds: targets.len(),
                                accounts: accounts.len(),
                                source,
                            },
                        );
                    }
                    Ok(Err(message)) => send(&sink, Event::PushRefused { message }),
                    Err(e) => send(
                        &sink,
                        Event::PushRefused {
                            message: format!("Reading the folder stopped unexpectedly: {e}"),
                        },
                    ),
                }
            });
        }
        Command::PushAll { source } => {
            tokio::spawn(async move {
                let targets = match crate::push_all::plan(&source, None) {
                    Ok(targets) => targets,
                    Err(message) => {
                        send(&sink, Event::PushRefused { message });
                        return;
                    }
                };
                let total = targets.len();
                let mut done = 0usize;
                sink.activity("push-all", &format!("Pushing {total} feeds"), Some(0.0));
                let results = crate::push_all::run(&platform, targets, true, history, |r| {
                    done += 1;
                    sink.activity(
                        "push-all",
                        &format!("Pushing {total} feeds"),
                        Some(done as f32 / total.max(1) as f32),
                    );
                    send(&sink, Event::PushResult(r.clone()));
                })
                .await;
                sink.done("push-all");
                send(
                    &sink,
                    Event::PushDone(crate::push_all::Summary::of(&results)),
                );
            });
        }
    }
}

/// What keeps a board's follower going: its token is the newest board load's, and the
/// connection still has the same key and base (acting as a seller keeps both).
struct Follow {
    token: u64,
    current: Arc<AtomicU64>,
    connection: SharedConnection,
    key: (String, String),
}

impl Follow {
    fn goes_on(&self) -> bool {
        self.current.load(Ordering::SeqCst) == self.token
            && super::session::active(&self.connection).is_some_and(|c| {
                (c.api_base.as_str(), c.key.as_str()) == (&self.key.0, &self.key.1)
            })
    }
}

async fn load(platform: Client, sink: EventSink, generation: u64, follow: Option<Follow>) {
    let with_figures = follow.is_some();
    sink.activity("accounts", "Reading connected accounts", None);
    let mut pager = platform.list_accounts();
    let mut ids = Vec::new();
    loop {
        match pager.next_page().await {
            Ok(Some(page)) => {
                ids.extend(page.iter().map(|a| a.id.clone()));
                send(
                    &sink,
                    Event::Accounts {
                        generation,
                        accounts: page,
                        done: false,
                    },
                );
            }
            Ok(None) => break,
            Err(e) => {
                sink.done("accounts");
                send(
                    &sink,
                    Event::Failed {
                        generation,
                        message: e.user_message(),
                    },
                );
                return;
            }
        }
    }
    send(
        &sink,
        Event::Accounts {
            generation,
            accounts: Vec::new(),
            done: true,
        },
    );
    if !with_figures || ids.is_empty() {
        sink.done("accounts");
        return;
    }
    let total = ids.len();
    let now = chrono::Utc::now().timestamp();
    let ids_read = ids.clone();
    let mut results = futures_util::stream::iter(ids)
        .map(|id| figures_as(&platform, id, now))
        .buffer_unordered(CONCURRENCY);
    let mut batch = Vec::new();
    let mut sent_at = Instant::now();
    let mut read = 0usize;
    while let Some(result) = results.next().await {
        batch.push(result);
        read += 1;
        if sent_at.elapsed() >= BATCH_EVERY {
            sink.activity(
                "accounts",
                &format!("Reading {total} accounts' figures"),
                Some(read as f32 / total as f32),
            );
            send(
                &sink,
                Event::Figures {
                    generation,
                    figures: std::mem::take(&mut batch),
                    done: false,
                },
            );
            sent_at = Instant::now();
        }
    }
    sink.done("accounts");
    send(
        &sink,
        Event::Figures {
            generation,
            figures: batch,
            done: true,
        },
    );
    if let Some(follow) = follow {
        follow_events(&platform, sink, generation, ids_read, now, follow).await;
    }
}

/// Where the follower stands on one account's events.
struct Watched {
    id: String,
    cursor: TimeCursor<i64>,
    looked: Option<Instant>,
}

/// While the board stays open: looks at each account's events as that account, a batch a
/// round, and reads again the figures of an account something happened on (an order, a capture,
/// an import, an agreement, the account itself), so the board moves with Stripe's events.
/// Stops when a newer board load starts or the key changes.
async fn follow_events(
    platform: &Client,
    sink: EventSink,
    generation: u64,
    ids: Vec<String>,
    since: i64,
    follow: Follow,
) {
    let mut watched: Vec<Watched> = ids
        .into_iter()
        .map(|id| Watched {
            id,
            cursor: TimeCursor::from(since),
            looked: None,
        })
        .collect();
    if watched.is_empty() {
        return;
    }
    let mut next = 0usize;
    loop {
        tokio::time::sleep(FOLLOW_EVERY).await;
        if !follow.goes_on() {
            return;
        }
        let mut round = Vec::new();
        for _ in 0..watched.len() {
            if round.len() == FOLLOW_BATCH {
                break;
            }
            let i = next;
            next = (next + 1) % watched.len();
            if watched[i]
                .looked
                .is_none_or(|t| t.elapsed() >= FOLLOW_SAME_ACCOUNT)
            {
                round.push(i);
            }
        }
        let looks: Vec<(usize, Option<Vec<StripeEvent>>)> = futures_util::stream::iter(round)
            .map(|i| {
                let w = &watched[i];
                let (id, since) = (w.id.clone(), w.cursor.last_created.unwrap_or(0));
                async move { (i, newest_events(platform, &id, since).await) }
            })
            .buffer_unordered(CONCURRENCY)
            .collect()
            .await;
        let now = chrono::Utc::now().timestamp();
        let mut moved = Vec::new();
        for (i, look) in looks {
            let w = &mut watched[i];
            w.looked = Some(Instant::now());
            let Some(page) = look else {
                continue;
            };
            if !w.cursor.take(page).is_empty() {
                moved.push(w.id.clone());
            }
        }
        if moved.is_empty() {
            continue;
        }
        let figures: Vec<(String, Figures)> = futures_util::stream::iter(moved)
            .map(|id| figures_as(platform, id, now))
            .buffer_unordered(CONCURRENCY)
            .collect()
            .await;
        if follow.goes_on() {
            send(
                &sink,
                Event::Moved {
                    generation,
                    figures,
                },
            );
        }
    }
}

/// The newest events on `account` at or after `since`, a page of them (`None`: they could
/// not be read; the next round tries again).
async fn newest_events(platform: &Client, account: &str, since: i64) -> Option<Vec<StripeEvent>> {
    let client = platform.for_account(Some(account)).ok()?;
    let filter = crate::stripe::events::EventFilter {
        types: Vec::new(),
        created_gte: Some(since),
    };
    client
        .list_events(&filter, 100)
        .ok()?
        .next_page()
        .await
        .ok()?
}

/// Account `id` with its board figures, read as it with the platform's key (an account the
/// key cannot act as gets its reason in `problem`).
async fn figures_as(platform: &Client, id: String, now: i64) -> (String, Figures) {
    let figures = match platform.for_account(Some(&id)) {
        Ok(client) => figures_of(&client, now).await,
        Err(e) => Figures {
            problem: Some(e.user_message()),
            ..Figures::default()
        },
    };
    (id, figures)
}

/// One account's board figures, read as it. What cannot be read is named in `problem`; the
/// rest still counts.
async fn figures_of(client: &Client, now: i64) -> Figures {
    let mut figures = Figures::default();
    let mut problems = Vec::new();

    let mut imports: Vec<ImportSummary> = Vec::new();
    let v2 = CatalogImportFilter {
        limit: Some(20),
        ..CatalogImportFilter::default()
    };
    match client.list_catalog_imports(&v2).next_page().await {
        Ok(page) => imports.extend(page.unwrap_or_default().iter().map(from_catalog_import)),
        Err(e) => problems.push(format!("imports unread ({})", e.user_message())),
    }
    match client.list_import_sets(20).next_page().await {
        Ok(page) => imports.extend(page.unwrap_or_default().iter().map(from_import_set)),
        // Accounts without the v1 preview cannot list import sets; v2 is what counts then.
        Err(e) if e.api().is_some_and(|a| a.status == 400 || a.status == 403) => {}
        Err(e) => problems.push(format!("import sets unread ({})", e.user_message())),
    }
    let created = |s: &ImportSummary| s.created.map_or(0, |c| c.timestamp());
    if let Some(newest) = imports.iter().max_by_key(|s| created(s)) {
        figures.last_import = Some(LastImport {
            feed_kind: newest.feed_kind.clone(),
            state: match newest.status {
                Status::Failed => ImportState::Failed,
                Status::SucceededWithErrors => ImportState::WithErrors,
                Status::Succeeded | Status::Archived => ImportState::Succeeded,
                _ => ImportState::Running,
            },
            created: created(newest),
            failed_rows: newest.failed,
        });
    }
    figures.last_accepted = imports
        .iter()
        .filter(|s| matches!(s.status, Status::Succeeded | Status::SucceededWithErrors))
        .map(created)
        .max();

    match client.list_agreements(100).next_page().await {
        Ok(page) => {
            for a in page.unwrap_or_default() {
                if a.status == crate::stripe::agreements::AgreementStatus::Confirmed {
                    figures.agreements_confirmed += 1;
                } else if a.awaits_seller() {
                    figures.agreements_waiting += 1;
                }
            }
        }
        Err(e) => problems.push(format!("agreements unread ({})", e.user_message())),
    }

    let query = OrderQuery {
        status: Some(SessionStatus::Complete),
        created: crate::stripe::form::Range {
            gte: Some(now - CAPTURE_WINDOW_SECS),
            ..Default::default()
        },
        ..OrderQuery::default()
    };
    let mut orders = client.list_orders(&query);
    loop {
        match orders.next_page().await {
            Ok(Some(page)) => {
                for order in page.iter().filter(|o| o.needs_capture()) {
                    figures.awaiting_capture += 1;
                    if let Some(deadline) = order.capture_before() {
                        figures.soonest_deadline = Some(
                            figures
                                .soonest_deadline
                                .map_or(deadline, |d| d.min(deadline)),
                        );
                    }
                }
            }
            Ok(None) => break,
            Err(e) => {
                problems.push(format!("orders unread ({})", e.user_message()));
                break;
            }
        }
    }
    if !problems.is_empty() {
        figures.problem = Some(problems.join("; "));
    }
    figures
}

/// An account for the switcher, as the profile remembers it.
#[must_use]
pub fn recent_of(account: &Account) -> crate::profiles::RecentAccount {
    crate::profiles::RecentAccount {
        id: account.id.clone(),
        name: account.label().to_owned(),
    }
}
