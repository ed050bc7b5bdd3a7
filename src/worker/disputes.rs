//! Disputes on the worker side: list them with their orders, open one with its order in full,
//! pick evidence files, save evidence as a draft or submit it, accept a dispute. After every
//! change the dispute is read again from the API instead of assuming the outcome.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

use super::EventSink;
use super::dialogs::{FilePicker, FileRequest};
use crate::orders::OrderDetail;
use crate::orders::disputes::DisputeRow;
use crate::stripe::disputes::{Dispute, EvidenceUpdate, check_evidence_file};
use crate::stripe::files::FilePurpose;
use crate::stripe::{Client, IdempotencyKey};

/// What the Disputes view asks for.
#[derive(Debug, Clone)]
pub enum Command {
    /// Load every dispute with its order.
    Load,
    /// Read one dispute and its order in full.
    Detail(String),
    /// Ask for an evidence file for `field`.
    PickFile {
        /// The evidence field (`shipping_documentation`, …).
        field: String,
    },
    /// Upload the files, then save the evidence: a draft, or submitted (final).
    Save {
        /// The dispute.
        id: String,
        /// Text fields.
        evidence: BTreeMap<String, String>,
        /// Files to upload first, by field.
        files: Vec<(String, PathBuf)>,
        /// Submit to the bank (final) instead of saving a draft.
        submit: bool,
    },
    /// Accept (close) the dispute: the money stays with the cardholder.
    Accept(String),
}

/// What the worker tells the Disputes view.
#[derive(Debug, Clone)]
pub enum Event {
    /// Every dispute, sorted for support.
    List(Vec<DisputeRow>),
    /// One dispute, fresh, with its order when found.
    Detail {
        /// The dispute.
        dispute: Box<Dispute>,
        /// Its order in full.
        order: Option<Box<OrderDetail>>,
    },
    /// A file was picked for a field (already checked against Stripe's limits).
    Picked {
        /// The evidence field.
        field: String,
        /// The file.
        path: PathBuf,
    },
    /// Saving, submitting or accepting went through.
    Done {
        /// The dispute as Stripe now has it.
        dispute: Box<Dispute>,
        /// What happened, in words.
        message: String,
    },
    /// Loading or an action failed; nothing is assumed to have changed.
    Failed {
        /// What happened and what to do.
        message: String,
        /// Stripe's request id.
        request_id: Option<String>,
    },
}

fn send(sink: &EventSink, event: Event) {
    sink.send(super::Event::Disputes(event));
}

fn failed(sink: &EventSink, e: &crate::stripe::Error) {
    send(
        sink,
        Event::Failed {
            message: e.user_message(),
            request_id: e.request_id().map(str::to_owned),
        },
    );
}

/// Runs one disputes command against `client`.
pub async fn handle(
    client: Arc<Client>,
    sink: EventSink,
    picker: Arc<dyn FilePicker>,
    command: Command,
) {
    match command {
        Command::Load => {
            sink.activity("disputes", "Loading disputes", None);
            let result = crate::lookup::disputes_with_orders(&client).await;
            sink.done("disputes");
            match result {
                Ok(rows) => send(&sink, Event::List(rows)),
                Err(e) => failed(&sink, &e),
            }
        }
        Command::Detail(id) => detail(&client, &sink, &id).await,
        Command::PickFile { field } => {
            let request = FileRequest::open("Attach evidence")
                .filter("PDF, JPEG or PNG", &["pdf", "jpg", "jpeg", "png"]);
            if let Some(path) = picker.pick(request).await {
                match check_evidence_file(&path) {
                    Ok(_) => send(&sink, Event::Picked { field, path }),
                    Err(message) => send(
                        &sink,
                        Event::Failed {
                            message,
                            request_id: None,
                        },
                    ),
                }
            }
        }
        Command::Save {
            id,
            mut evidence,
            files,
            submit,
        } => {
            // Every file is checked before any is uploaded.
            for (_, path) in &files {
                if let Err(message) = check_evidence_file(path) {
                    send(
                        &sink,
                        Event::Failed {
                            message: format!("Nothing was saved: {message}"),
                            request_id: None,
                        },
                    );
                    return;
                }
            }
            for (field, path) in files {
                match client
                    .upload_file(&path, &FilePurpose::DisputeEvidence, None)
                    .await
                {
                    Ok(file) => {
                        evidence.insert(field, file.id);
                    }
                    Err(e) => return failed(&sink, &e),
                }
            }
            let update = EvidenceUpdate { evidence, submit };
            let result = client
                .update_dispute(&id, &update, Some(IdempotencyKey::new()))
                .await;
            report(&sink, result, |d| {
                if submit {
                    format!(
                        "Evidence submitted; Stripe says the dispute is {}. The bank decides.",
                        d.status.label()
                    )
                } else {
                    "Draft saved on Stripe; nothing was sent to the bank yet.".to_owned()
                }
            });
        }
        Command::Accept(id) => {
            let result = client.close_dispute(&id, Some(IdempotencyKey::new())).await;
            report(&sink, result, |d| {
                format!(
                    "Dispute accepted; Stripe says it is {}. The {} stays with the cardholder.",
                    d.status.label(),
                    crate::money::format(d.amount, &d.currency)
                )
            });
        }
    }
}

/// Tells the view how a change ended: the dispute as Stripe now has it and `words` for it, or
/// the failure.
fn report(
    sink: &EventSink,
    result: Result<Dispute, crate::stripe::Error>,
    words: impl FnOnce(&Dispute) -> String,
) {
    match result {
        Ok(d) => {
            let message = words(&d);
            send(
                sink,
                Event::Done {
                    dispute: Box::new(d),
                    message,
                },
            );
        }
        Err(e) => failed(sink, &e),
    }
}

async fn detail(client: &Client, sink: &EventSink, id: &str) {
    match crate::lookup::dispute_with_order(client, id).await {
        Ok((dispute, order)) => send(
            sink,
            Event::Detail {
                dispute: Box::new(dispute),
                order: order.map(Box::new),
            },
        ),
        Err(e) => failed(sink, &e),
    }
}
