//! Agent agreements on the worker side: list them, confirm or terminate one, and always
//! reload the list from the API afterwards instead of assuming the outcome.

use std::sync::Arc;

use crate::stripe::agreements::Agreement;
use crate::stripe::{Client, IdempotencyKey};

use super::EventSink;

/// What the Agreements view asks for.
#[derive(Debug, Clone)]
pub enum Command {
    /// Load every agreement.
    Load,
    /// Confirm an agreement on the seller's side.
    Confirm(String),
    /// Terminate an agreement.
    Terminate(String),
}

/// What the worker tells the Agreements view.
#[derive(Debug, Clone)]
pub enum Event {
    /// The full list, fresh from the API.
    List(Vec<Agreement>),
    /// Confirm or terminate went through.
    Done {
        /// What happened, in words.
        message: String,
    },
    /// Loading or an action failed.
    Failed {
        /// What happened and what to do.
        message: String,
        /// Stripe's request id.
        request_id: Option<String>,
    },
}

fn send(sink: &EventSink, event: Event) {
    sink.send(super::Event::Agreements(event));
}

/// Runs one agreements command against `client`.
pub async fn handle(client: Arc<Client>, sink: EventSink, command: Command) {
    match command {
        Command::Load => load(&client, &sink).await,
        Command::Confirm(id) => {
            let result = client
                .confirm_agreement(&id, Some(IdempotencyKey::new()))
                .await;
            report(&sink, result, "confirmed");
            load(&client, &sink).await;
        }
        Command::Terminate(id) => {
            let result = client
                .terminate_agreement(&id, Some(IdempotencyKey::new()))
                .await;
            report(&sink, result, "terminated");
            load(&client, &sink).await;
        }
    }
}

fn report(sink: &EventSink, result: Result<Agreement, crate::stripe::Error>, verb: &str) {
    match result {
        Ok(a) => send(
            sink,
            Event::Done {
                message: format!(
                    "Agreement with {} {verb}; Stripe now says it is {}.",
                    a.agent_label(),
                    a.status.as_str()
                ),
            },
        ),
        Err(e) => send(
            sink,
            Event::Failed {
                message: e.user_message(),
                request_id: e.request_id().map(str::to_owned),
            },
        ),
    }
}

async fn load(client: &Client, sink: &EventSink) {
    sink.activity("agreements", "Loading agreements", None);
    let mut pager = client.list_agreements(100);
    let mut all = Vec::new();
    loop {
        match pager.next_page().await {
            Ok(Some(page)) => all.extend(page),
            Ok(None) => break,
            Err(e) => {
                sink.done("agreements");
                send(
                    sink,
                    Event::Failed {
                        message: e.user_message(),
                        request_id: e.request_id().map(str::to_owned),
                    },
                );
                return;
            }
        }
    }
    sink.done("agreements");
    send(sink, Event::List(all));
}
