//! A platform's connected accounts on the worker side: the list (for the account switcher and
//! the board), then each account's figures for the board, read as that account with bounded
//! concurrency and sent in batches, so 5,000 accounts show their first rows at once and fill in.
//!
//! Every request is made as the platform (`Stripe-Account` only for the account whose figures
//! are read), whichever account the other views act as.

use std::time::{Duration, Instant};

use std::path::PathBuf;
use std::sync::Arc;

use futures_util::StreamExt;

use crate::platform::{Figures, ImportState, LastImport};
use crate::stripe::Client;
use crate::stripe::account::Account;
use crate::stripe::catalog_imports::CatalogImportFilter;
use crate::stripe::orders::{OrderQuery, SessionStatus};

use super::EventSink;
use super::dialogs::{FilePicker, FileRequest};
use super::imports::{ImportSummary, Status, from_catalog_import, from_import_set};
use super::session::SharedConnection;

/// Accounts whose figures are read at the same time (each account has its own rate limit).
const CONCURRENCY: usize = 8;
/// Figures are sent at least this often while they come in.
const BATCH_EVERY: Duration = Duration::from_millis(150);
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
            tokio::spawn(load(platform, sink, generation, figures));
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

async fn load(platform: Client, sink: EventSink, generation: u64, with_figures: bool) {
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
    let mut results = futures_util::stream::iter(ids)
        .map(|id| {
            let platform = platform.clone();
            async move {
                let figures = match platform.for_account(Some(&id)) {
                    Ok(client) => figures_of(&client, now).await,
                    Err(e) => Figures {
                        problem: Some(e.user_message()),
                        ..Figures::default()
                    },
                };
                (id, figures)
            }
        })
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
