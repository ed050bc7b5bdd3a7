//! `seller-console capture|refund|cancel PI`: the money-moving commands.
//!
//! Each one goes through the payment journal ([`crate::payment_journal`], shared with the app):
//! the attempt and its idempotency key are journalled before the request leaves; the same
//! command run again after a kill, a dropped connection or a Stripe failure resumes that
//! attempt with the same key, so Stripe answers it once; a refund that repeats one made
//! moments ago needs `--again`.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::common::{self, Common, Failure, Outcome};
use crate::money;
use crate::payment_journal::{self, Attempt, Begin, Kind, PaymentJournal, Reader, State};
use crate::stripe::payment_intents::{PaymentIntent, PaymentIntentStatus};
use crate::stripe::refunds::{ConnectRefund, Refund, RefundStatus};
use crate::stripe::{Client, Error, IdempotencyKey};

/// Why a refund is made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ReasonArg {
    /// Charged twice.
    Duplicate,
    /// Fraud.
    Fraudulent,
    /// The buyer asked.
    RequestedByCustomer,
}

/// Why a payment is canceled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum CancelReasonArg {
    /// Duplicate order.
    Duplicate,
    /// Fraud suspected.
    Fraudulent,
    /// The buyer asked.
    RequestedByCustomer,
    /// Abandoned.
    Abandoned,
}

/// What every money-moving write takes besides its own arguments.
#[derive(Debug, clap::Args)]
pub struct WriteOptions {
    /// Reuse this idempotency key (to resume an earlier attempt explicitly; running the same
    /// command again resumes it by itself).
    #[arg(long)]
    pub idempotency_key: Option<String>,
    /// Skip the live-mode confirmation.
    #[arg(long)]
    pub yes: bool,
}

/// Arguments of `capture`.
#[derive(Debug, clap::Args)]
pub struct CaptureArgs {
    /// The payment intent (pi_…).
    pub payment_intent: String,
    /// Capture only this much, in major units (12.50); the rest is released.
    #[arg(long)]
    pub amount: Option<String>,
    #[command(flatten)]
    pub write: WriteOptions,
    #[command(flatten)]
    pub common: Common,
}

/// Arguments of `refund`.
#[derive(Debug, clap::Args)]
pub struct RefundArgs {
    /// The payment intent (pi_…).
    pub payment_intent: String,
    /// Refund only this much, in major units (12.50); default: everything left.
    #[arg(long)]
    pub amount: Option<String>,
    /// Why.
    #[arg(long, value_enum)]
    pub reason: Option<ReasonArg>,
    /// A note stored on the refund's metadata.
    #[arg(long)]
    pub note: Option<String>,
    /// Refund again although the same refund was made moments ago (or another refund of this
    /// payment has no answer yet); without it such a refund is held back as a likely mistake.
    #[arg(long)]
    pub again: bool,
    #[command(flatten)]
    pub connect: ConnectArgs,
    #[command(flatten)]
    pub write: WriteOptions,
    #[command(flatten)]
    pub common: Common,
}

/// What a refund of a destination charge takes back from its seller (Stripe's defaults: neither;
/// the platform's balance pays and the seller keeps the transfer).
#[derive(Debug, Clone, Copy, clap::Args)]
pub struct ConnectArgs {
    /// Destination charges: take the refund back from the seller by reversing the transfer,
    /// in proportion to the refund (`reverse_transfer`).
    #[arg(long)]
    pub reverse_transfer: bool,
    /// Give the seller back the platform's application fee, in proportion to the refund
    /// (`refund_application_fee`).
    #[arg(long)]
    pub refund_application_fee: bool,
}

impl ConnectArgs {
    /// The flags as the refund sends them.
    #[must_use]
    pub fn flags(self) -> ConnectRefund {
        ConnectRefund {
            reverse_transfer: self.reverse_transfer,
            refund_application_fee: self.refund_application_fee,
        }
    }
}

/// Arguments of `cancel`.
#[derive(Debug, clap::Args)]
pub struct CancelArgs {
    /// The payment intent (pi_…).
    pub payment_intent: String,
    /// Why.
    #[arg(long, value_enum)]
    pub reason: Option<CancelReasonArg>,
    /// Skip the live-mode confirmation.
    #[arg(long)]
    pub yes: bool,
    #[command(flatten)]
    pub common: Common,
}

fn key_arg(given: Option<&str>) -> Result<Option<IdempotencyKey>, Failure> {
    given
        .map(|k| IdempotencyKey::parse(k).map_err(Failure::usage))
        .transpose()
}

fn currency(pi: &PaymentIntent) -> &str {
    pi.currency.as_deref().unwrap_or("usd")
}

fn amount(text: Option<&str>, pi: &PaymentIntent) -> Result<Option<i64>, Failure> {
    text.map(|t| money::parse_positive(t, currency(pi)).map_err(|e| Failure::usage(e.to_string())))
        .transpose()
}

fn print_pi(pi: &PaymentIntent, json: bool, headline: &str) -> Outcome {
    if json {
        return common::print_json(pi);
    }
    println!("{headline}");
    println!("  status    {}", pi.status);
    println!(
        "  received  {} of {}",
        money::format(pi.amount_received, currency(pi)),
        money::format(pi.amount, currency(pi))
    );
    Ok(())
}

fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

/// The journal in the shared data folder.
fn journal() -> Result<PaymentJournal, Failure> {
    PaymentJournal::open_default().map_err(Failure::from)
}

/// Whether the command continues an attempt already journalled (the same command, or the key
/// given): then the checks a new command needs are skipped, since the payment has changed
/// since (that attempt may have been made).
fn resumable(
    journal: &PaymentJournal,
    request: &payment_journal::Request,
    key: Option<&IdempotencyKey>,
) -> Result<bool, Failure> {
    match key {
        Some(k) => Ok(journal
            .attempts()
            .map_err(Failure::from)?
            .iter()
            .any(|a| a.key == k.as_str())),
        None => Ok(journal
            .open_attempt(request)
            .map_err(Failure::from)?
            .is_some()),
    }
}

/// What the journal decided for a command.
enum Next {
    /// Send this attempt (new or resumed).
    Send(Attempt),
    /// The command ended without sending anything; the outcome is this.
    Ended(Outcome),
}

/// Journals `request` (or finds the earlier attempt of the same command) and says what to do.
async fn begin(
    client: &Client,
    journal: &PaymentJournal,
    request: payment_journal::Request,
    metadata: BTreeMap<String, String>,
    key: Option<&IdempotencyKey>,
    again: bool,
    json: bool,
) -> Result<Next, Failure> {
    let now = now();
    let begun = journal
        .begin(request.clone(), metadata, key, again, now)
        .map_err(|e| Failure {
            message: format!("Nothing was sent: {e}"),
            ..Failure::from(e)
        })?;
    match begun {
        Begin::New(a) => {
            if !json {
                eprintln!(
                    "Sending {} (idempotency key {})",
                    a.request.describe(),
                    a.key
                );
            }
            Ok(Next::Send(a))
        }
        Begin::Resume(a) => {
            eprintln!("{}", payment_journal::resuming(&a));
            Ok(Next::Send(a))
        }
        Begin::AskAgain(earlier) => Err(Failure::refused(payment_journal::ask_again(
            &earlier,
            &request,
            now,
            Reader::Cli,
        ))),
        Begin::Lapsed(a) => Ok(Next::Ended(lapsed(client, journal, &a, json).await)),
    }
}

/// An attempt whose answer never came and whose key Stripe may have forgotten: it is never
/// sent again; the payment tells whether it was made.
async fn lapsed(client: &Client, journal: &PaymentJournal, a: &Attempt, json: bool) -> Outcome {
    let when = payment_journal::clock(a.started_at);
    if a.request.kind == Kind::Refund {
        let refunds = client
            .list_refunds(&a.request.payment_intent)?
            .collect_all()
            .await?;
        if let Some(made) = a.made(&refunds) {
            settle(
                journal,
                a,
                State::Done {
                    object: made.id.clone(),
                },
            );
            eprintln!(
                "Stripe did make {} started at {when}; nothing was sent now.",
                a.request.describe()
            );
            return print_refund(made, json, &a.request.currency);
        }
        eprintln!("{}", list_of_refunds(&a.request.payment_intent, &refunds));
        return Err(Failure::refused(payment_journal::lapsed(a, Reader::Cli)));
    }
    if let Some(object) = payment_journal::find_out(client, a).await? {
        settle(journal, a, State::Done { object });
        let pi = client
            .retrieve_payment_intent(&a.request.payment_intent)
            .await?;
        print_pi(
            &pi,
            json,
            &format!(
                "Stripe did make {} started at {when}; nothing was sent now.",
                a.request.describe()
            ),
        )
    } else {
        settle(journal, a, State::Lapsed);
        Err(Failure::refused(payment_journal::lapsed(a, Reader::Cli)))
    }
}

fn list_of_refunds(pi: &str, refunds: &[Refund]) -> String {
    if refunds.is_empty() {
        return format!("{pi} has no refunds.");
    }
    let mut text = format!("Refunds on {pi}:");
    for r in refunds {
        let _ = write!(
            text,
            "\n  {}  {}  {}  {}",
            r.id,
            money::format(r.amount, r.currency.as_deref().unwrap_or("usd")),
            r.status.as_ref().map_or("", RefundStatus::as_str),
            common::date(r.created)
        );
    }
    text
}

/// Records Stripe's answer; if the journal cannot be written, says so (the answer stands).
fn settle(journal: &PaymentJournal, a: &Attempt, state: State) {
    if let Err(message) = journal.settle(&a.key, state, now()) {
        eprintln!(
            "warning: {message} The journal still lists {} as unanswered; running the same \
             command again only asks Stripe for the same answer.",
            a.request.describe()
        );
    }
}

/// Records a failure and turns it into the message to print. An outcome that is not known is
/// never worded as something to retry by hand: the same command resumes the attempt. `Ok` with
/// the Stripe object id when the answer was lost but the payment shows the write was made.
async fn failed(
    client: &Client,
    journal: &PaymentJournal,
    a: &Attempt,
    e: Error,
) -> Result<String, Failure> {
    let Some(cause) = e.unknown_outcome_cause() else {
        settle(
            journal,
            a,
            State::Refused {
                message: e.user_message(),
            },
        );
        return Err(Failure::from(e));
    };
    // A read may still work where the write's answer was lost.
    if let Ok(Some(object)) = payment_journal::find_out(client, a).await {
        settle(
            journal,
            a,
            State::Done {
                object: object.clone(),
            },
        );
        return Ok(object);
    }
    settle(
        journal,
        a,
        State::OutcomeUnknown {
            detail: cause.clone(),
        },
    );
    let mut failure = Failure::from(e);
    failure.message = payment_journal::outcome_unknown(a, &cause, Reader::Cli);
    Err(failure)
}

fn print_refund(refund: &Refund, json: bool, fallback_currency: &str) -> Outcome {
    if json {
        return common::print_json(refund);
    }
    println!(
        "Refund {}: {} {}",
        refund.id,
        money::format(
            refund.amount,
            refund.currency.as_deref().unwrap_or(fallback_currency)
        ),
        refund.status.as_ref().map_or("", RefundStatus::as_str)
    );
    Ok(())
}

/// Runs `capture`.
pub async fn capture(args: CaptureArgs) -> Outcome {
    let client = common::client(&args.common)?;
    let journal = journal()?;
    let key = key_arg(args.write.idempotency_key.as_deref())?;
    let pi = client.retrieve_payment_intent(&args.payment_intent).await?;
    let amount = amount(args.amount.as_deref(), &pi)?;
    let request = payment_journal::Request {
        kind: Kind::Capture,
        account: client.config().account_key(),
        payment_intent: pi.id.clone(),
        amount,
        currency: currency(&pi).to_owned(),
        reason: None,
        note: None,
        session: None,
        connect: ConnectRefund::default(),
    };
    if !resumable(&journal, &request, key.as_ref())? {
        if pi.status != PaymentIntentStatus::RequiresCapture {
            return Err(Failure::refused(format!(
                "{} is {}, not waiting for capture, so there is nothing to capture.",
                pi.id, pi.status
            )));
        }
        if let Some(a) = amount
            && a > pi.amount_capturable
        {
            return Err(Failure::usage(format!(
                "At most {} can be captured on {}.",
                money::format(pi.amount_capturable, currency(&pi)),
                pi.id
            )));
        }
        let shown = money::format(amount.unwrap_or(pi.amount_capturable), currency(&pi));
        common::confirm_live(
            &client,
            &format!("capture {shown} on {}", pi.id),
            args.write.yes,
        )?;
    }
    let json = args.common.json;
    let attempt = match begin(
        &client,
        &journal,
        request,
        BTreeMap::new(),
        key.as_ref(),
        true,
        json,
    )
    .await?
    {
        Next::Send(a) => a,
        Next::Ended(outcome) => return outcome,
    };
    let result = client
        .capture_payment_intent(
            &pi.id,
            attempt.request.amount,
            Some(attempt.idempotency_key().map_err(Failure::usage)?),
        )
        .await;
    match result {
        Ok(captured) => {
            settle(
                &journal,
                &attempt,
                State::Done {
                    object: captured.id.clone(),
                },
            );
            let shown = money::format(captured.amount_received, currency(&captured));
            print_pi(
                &captured,
                json,
                &format!("Captured {shown} on {}.", captured.id),
            )
        }
        Err(e) => {
            failed(&client, &journal, &attempt, e).await?;
            let captured = client.retrieve_payment_intent(&pi.id).await?;
            let shown = money::format(captured.amount_received, currency(&captured));
            print_pi(
                &captured,
                json,
                &format!(
                    "Captured {shown} on {} (the answer was lost, the payment shows it).",
                    captured.id
                ),
            )
        }
    }
}

/// The refund reason as Stripe spells it.
pub(super) fn reason_value(r: ReasonArg) -> &'static str {
    match r {
        ReasonArg::Duplicate => "duplicate",
        ReasonArg::Fraudulent => "fraudulent",
        ReasonArg::RequestedByCustomer => "requested_by_customer",
    }
}

/// Runs `refund`.
pub async fn refund(args: RefundArgs) -> Outcome {
    let client = common::client(&args.common)?;
    let journal = journal()?;
    let key = key_arg(args.write.idempotency_key.as_deref())?;
    let pi = client.retrieve_payment_intent(&args.payment_intent).await?;
    let amount = amount(args.amount.as_deref(), &pi)?;
    let note = args
        .note
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .map(str::to_owned);
    let request = payment_journal::Request {
        kind: Kind::Refund,
        account: client.config().account_key(),
        payment_intent: pi.id.clone(),
        amount,
        currency: currency(&pi).to_owned(),
        reason: args.reason.map(|r| reason_value(r).to_owned()),
        note: note.clone(),
        session: None,
        connect: args.connect.flags(),
    };
    if !resumable(&journal, &request, key.as_ref())? {
        if pi.status == PaymentIntentStatus::RequiresCapture {
            return Err(Failure::refused(format!(
                "{} is authorized but not captured: no money was taken, so there is nothing to \
                 refund. Release it with `seller-console cancel {}` instead.",
                pi.id, pi.id
            )));
        }
        let left = pi
            .charge()
            .map(crate::stripe::payment_intents::Charge::refundable);
        if let (Some(a), Some(left)) = (amount, left)
            && a > left
        {
            return Err(Failure::usage(format!(
                "Only {} is left to refund on {}; ask for at most that.",
                money::format(left, currency(&pi)),
                pi.id
            )));
        }
        explain_destination(
            &client,
            &pi,
            amount.or(left),
            request.connect,
            args.common.json,
        )
        .await?;
        let shown = amount.or(left).map_or_else(
            || "the remaining amount".to_owned(),
            |a| money::format(a, currency(&pi)),
        );
        common::confirm_live(
            &client,
            &format!("refund {shown} of {}", pi.id),
            args.write.yes,
        )?;
    }
    let mut metadata = BTreeMap::new();
    if let Some(note) = note {
        metadata.insert("note".into(), note);
    }
    metadata.insert("source".into(), "seller-console".into());
    let json = args.common.json;
    let attempt = match begin(
        &client,
        &journal,
        request,
        metadata,
        key.as_ref(),
        args.again,
        json,
    )
    .await?
    {
        Next::Send(a) => a,
        Next::Ended(outcome) => return outcome,
    };
    let sent = client
        .create_refund(
            &attempt.refund_request(),
            Some(attempt.idempotency_key().map_err(Failure::usage)?),
        )
        .await;
    match sent {
        Ok(refund) => {
            settle(
                &journal,
                &attempt,
                State::Done {
                    object: refund.id.clone(),
                },
            );
            print_refund(&refund, json, currency(&pi))
        }
        Err(e) => {
            // The answer was lost but the payment's refunds show the refund.
            let made = failed(&client, &journal, &attempt, e).await?;
            let refund = client.retrieve_refund(&made).await?;
            print_refund(&refund, json, currency(&pi))
        }
    }
}

/// Before a refund of a destination charge: refuses flags Stripe would refuse (nothing to take
/// back), and says what the refund does to the seller's and the platform's balances. A flag on
/// a charge that pays no seller and has no fee is refused too.
async fn explain_destination(
    client: &Client,
    pi: &PaymentIntent,
    amount: Option<i64>,
    flags: ConnectRefund,
    json: bool,
) -> Result<(), Failure> {
    let Some(mut dest) = crate::orders::Destination::of(pi) else {
        if flags.is_off() {
            return Ok(());
        }
        return Err(Failure::refused(format!(
            "{} pays no seller and has no application fee: --reverse-transfer and \
             --refund-application-fee apply only to destination charges (and charges with a \
             fee). Nothing was sent.",
            pi.id
        )));
    };
    if let Some(why) = dest.refusal(flags) {
        return Err(Failure::refused(format!("{why} Nothing was sent.")));
    }
    if let Some(id) = dest.seller.clone()
        && let Some((_, name)) = crate::lookup::seller_names(client, &[id]).await.pop()
    {
        dest.seller_name = Some(name);
    }
    if !json {
        let amount = amount.unwrap_or_else(|| (dest.captured - dest.refunded).max(0));
        for sentence in dest.explain(amount, flags) {
            eprintln!("{sentence}");
        }
    }
    Ok(())
}

/// The cancellation reason as Stripe spells it.
fn cancel_reason_value(r: CancelReasonArg) -> &'static str {
    match r {
        CancelReasonArg::Duplicate => "duplicate",
        CancelReasonArg::Fraudulent => "fraudulent",
        CancelReasonArg::RequestedByCustomer => "requested_by_customer",
        CancelReasonArg::Abandoned => "abandoned",
    }
}

/// Runs `cancel`.
pub async fn cancel(args: CancelArgs) -> Outcome {
    let client = common::client(&args.common)?;
    let journal = journal()?;
    let pi = client.retrieve_payment_intent(&args.payment_intent).await?;
    let request = payment_journal::Request {
        kind: Kind::Cancel,
        account: client.config().account_key(),
        payment_intent: pi.id.clone(),
        amount: None,
        currency: currency(&pi).to_owned(),
        reason: args.reason.map(|r| cancel_reason_value(r).to_owned()),
        note: None,
        session: None,
        connect: ConnectRefund::default(),
    };
    if !resumable(&journal, &request, None)? {
        if matches!(
            pi.status,
            PaymentIntentStatus::Succeeded | PaymentIntentStatus::Canceled
        ) {
            return Err(Failure::refused(format!(
                "{} is {}; it cannot be canceled.{}",
                pi.id,
                pi.status,
                if pi.status == PaymentIntentStatus::Succeeded {
                    format!(" Refund it with `seller-console refund {}` instead.", pi.id)
                } else {
                    String::new()
                }
            )));
        }
        common::confirm_live(
            &client,
            &format!("cancel {} and release the buyer's money", pi.id),
            args.yes,
        )?;
    }
    let json = args.common.json;
    let attempt = match begin(
        &client,
        &journal,
        request,
        BTreeMap::new(),
        None,
        true,
        json,
    )
    .await?
    {
        Next::Send(a) => a,
        Next::Ended(outcome) => return outcome,
    };
    let reason = attempt
        .request
        .reason
        .as_deref()
        .map(crate::stripe::payment_intents::CancellationReason::from);
    let result = client
        .cancel_payment_intent(
            &pi.id,
            reason.as_ref(),
            Some(attempt.idempotency_key().map_err(Failure::usage)?),
        )
        .await;
    match result {
        Ok(canceled) => {
            settle(
                &journal,
                &attempt,
                State::Done {
                    object: canceled.id.clone(),
                },
            );
            print_pi(&canceled, json, &format!("Canceled {}.", canceled.id))
        }
        Err(e) => {
            failed(&client, &journal, &attempt, e).await?;
            let canceled = client.retrieve_payment_intent(&pi.id).await?;
            print_pi(&canceled, json, &format!("Canceled {}.", canceled.id))
        }
    }
}
