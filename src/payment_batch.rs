//! Captures and refunds sent one after another without a person answering each one: the bulk
//! capture of the Orders view, and the bulk refund of the window and of
//! `seller-console bulk-refund`.
//!
//! Each write goes through the payment journal like any other ([`crate::payment_journal`]): its
//! own idempotency key, journalled before it leaves, resumed with that key when an earlier run
//! left it unanswered. Nothing here asks "again?": a refund that repeats one made moments ago
//! is reported, not made.

use std::collections::BTreeMap;

use crate::orders::bulk::{BulkOutcome, PlannedRefund};
use crate::payment_journal::{self, Begin, Kind, PaymentJournal, Reader, Request, State};
use crate::stripe::Client;
use crate::stripe::refunds::{ConnectRefund, Refund};

/// What Stripe made for one write.
#[derive(Debug, Clone, PartialEq)]
pub struct Sent {
    /// The object id (`re_…` for a refund, `pi_…` for a capture).
    pub object: String,
    /// The refund, when one was made and Stripe's answer arrived.
    pub refund: Option<Refund>,
}

/// Why a write was not made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unsent {
    /// Held back before sending: an identical refund was made moments ago, or an earlier refund
    /// of the payment has no answer yet. The words say which.
    Held(String),
    /// Stripe refused it, its outcome is not known yet, or the journal failed; the sentence
    /// says which and what to do.
    Failed(String),
}

impl Unsent {
    /// The sentence, whichever it is.
    #[must_use]
    pub fn message(&self) -> &str {
        match self {
            Unsent::Held(m) | Unsent::Failed(m) => m,
        }
    }
}

/// Why a repeat was held back, in a few words for a batch's results.
fn held_words(earlier: &payment_journal::Attempt) -> String {
    let at = payment_journal::clock(earlier.started_at);
    match &earlier.state {
        State::Done { object } => {
            format!("an identical refund was made at {at} ({object}); not repeated")
        }
        _ => format!(
            "an earlier refund of this payment (started at {at}) has no answer yet; not sent \
             (open the order to find out)"
        ),
    }
}

fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

/// Journals `request` and sends it once (or resumes the unanswered attempt of the same
/// command).
///
/// # Errors
/// [`Unsent::Held`] for a repeat held back; [`Unsent::Failed`] with the sentence for `reader`
/// for Stripe's refusal, an outcome not known yet (never worded as something to retry by hand)
/// or a journal that cannot be read or written.
pub async fn send_one(
    client: &Client,
    journal: &PaymentJournal,
    request: Request,
    metadata: BTreeMap<String, String>,
    reader: Reader,
) -> Result<Sent, Unsent> {
    let begun = journal
        .begin(request, metadata, None, false, now())
        .map_err(|e| Unsent::Failed(format!("Nothing was sent: {e}")))?;
    let attempt = match begun {
        Begin::New(a) | Begin::Resume(a) => a,
        Begin::AskAgain(earlier) => return Err(Unsent::Held(held_words(&earlier))),
        Begin::Lapsed(old) => {
            // Stripe may have forgotten the key: the payment says whether it was made.
            let found = payment_journal::find_out(client, &old)
                .await
                .map_err(|e| Unsent::Failed(e.user_message()))?;
            let state = found
                .clone()
                .map_or(State::Lapsed, |object| State::Done { object });
            journal
                .settle(&old.key, state, now())
                .map_err(journal_failed)?;
            return match found {
                Some(object) => Ok(Sent {
                    object,
                    refund: None,
                }),
                None => Err(Unsent::Failed(payment_journal::lapsed(&old, reader))),
            };
        }
    };
    let key = attempt.idempotency_key().map_err(Unsent::Failed)?;
    let pi = attempt.request.payment_intent.as_str();
    let result = match attempt.request.kind {
        Kind::Refund => client
            .create_refund(&attempt.refund_request(), Some(key))
            .await
            .map(|r| Sent {
                object: r.id.clone(),
                refund: Some(r),
            }),
        Kind::Capture => client
            .capture_payment_intent(pi, attempt.request.amount, Some(key))
            .await
            .map(|p| Sent {
                object: p.id,
                refund: None,
            }),
        Kind::Cancel => {
            return Err(Unsent::Failed(
                "A cancel is never sent in bulk; open the order to cancel it.".into(),
            ));
        }
    };
    let e = match result {
        Ok(sent) => {
            journal
                .settle(
                    &attempt.key,
                    State::Done {
                        object: sent.object.clone(),
                    },
                    now(),
                )
                .map_err(journal_failed)?;
            return Ok(sent);
        }
        Err(e) => e,
    };
    let Some(cause) = e.unknown_outcome_cause() else {
        let message = e.user_message();
        journal
            .settle(
                &attempt.key,
                State::Refused {
                    message: message.clone(),
                },
                now(),
            )
            .map_err(journal_failed)?;
        return Err(Unsent::Failed(message));
    };
    // A read may still work where the write's answer was lost.
    if let Ok(Some(object)) = payment_journal::find_out(client, &attempt).await {
        journal
            .settle(
                &attempt.key,
                State::Done {
                    object: object.clone(),
                },
                now(),
            )
            .map_err(journal_failed)?;
        return Ok(Sent {
            object,
            refund: None,
        });
    }
    journal
        .settle(
            &attempt.key,
            State::OutcomeUnknown {
                detail: cause.clone(),
            },
            now(),
        )
        .map_err(journal_failed)?;
    Err(Unsent::Failed(payment_journal::outcome_unknown(
        &attempt, &cause, reader,
    )))
}

/// A journal that could not be read or written, as the batch reports it.
fn journal_failed(e: payment_journal::JournalError) -> Unsent {
    Unsent::Failed(e.to_string())
}

/// What a bulk refund sends with each refund.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RefundTerms {
    /// Stripe's reason (`requested_by_customer`, `duplicate`, `fraudulent`), if any.
    pub reason: Option<String>,
    /// The internal note stored on each refund.
    pub note: Option<String>,
    /// What to take back from the seller on each order that is a destination charge (orders
    /// paying no seller are refunded without these flags).
    pub connect: ConnectRefund,
}

/// Refunds a planned batch, one journalled refund per order that is not skipped, in the plan's
/// order; `progress(done, total)` is called before each. Returns each order with its outcome.
pub async fn refund_plan(
    client: &Client,
    journal: &PaymentJournal,
    plan: &[PlannedRefund],
    terms: &RefundTerms,
    reader: Reader,
    mut progress: impl FnMut(usize, usize),
) -> Vec<(PlannedRefund, BulkOutcome)> {
    let account = client.config().account_key();
    let mut metadata = BTreeMap::new();
    if let Some(note) = terms
        .note
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty())
    {
        metadata.insert("note".to_owned(), note.to_owned());
    }
    metadata.insert("source".to_owned(), "seller-console bulk refund".to_owned());
    let mut results = Vec::with_capacity(plan.len());
    for (i, p) in plan.iter().enumerate() {
        progress(i, plan.len());
        let outcome = match (&p.skip, p.payment_intent()) {
            (Some(skip), _) => BulkOutcome::Skipped(skip.words(&p.order.currency)),
            (None, None) => BulkOutcome::Skipped("no payment on this order".into()),
            (None, Some(pi)) => {
                let request = Request {
                    kind: Kind::Refund,
                    account: account.clone(),
                    payment_intent: pi.to_owned(),
                    amount: Some(p.refund),
                    currency: p.order.currency.clone(),
                    reason: terms.reason.clone(),
                    note: metadata.get("note").cloned(),
                    session: Some(p.order.id.clone()),
                    connect: if p.order.seller.is_some() {
                        terms.connect
                    } else {
                        ConnectRefund::default()
                    },
                };
                match send_one(client, journal, request, metadata.clone(), reader).await {
                    Ok(sent) => BulkOutcome::Refunded {
                        status: match &sent.refund {
                            Some(r) => r
                                .status
                                .as_ref()
                                .map_or("pending", |s| s.as_str())
                                .to_owned(),
                            None => client
                                .retrieve_refund(&sent.object)
                                .await
                                .ok()
                                .and_then(|r| r.status.map(|s| s.as_str().to_owned()))
                                .unwrap_or_else(|| "made".to_owned()),
                        },
                        refund: sent.object,
                    },
                    Err(Unsent::Held(why)) => BulkOutcome::Skipped(why),
                    Err(Unsent::Failed(why)) => BulkOutcome::Failed(why),
                }
            }
        };
        results.push((p.clone(), outcome));
    }
    progress(plan.len(), plan.len());
    results
}
