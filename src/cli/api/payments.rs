//! `seller-console capture|refund|cancel PI`: the money-moving commands.

use super::common::{self, Common, Failure, Outcome};
use crate::stripe::IdempotencyKey;
use crate::stripe::money::{format_minor, parse_major};
use crate::stripe::payment_intents::{CancellationReason, PaymentIntent, PaymentIntentStatus};
use crate::stripe::refunds::{RefundReason, RefundRequest, RefundStatus};

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

/// Arguments of `capture`.
#[derive(Debug, clap::Args)]
pub struct CaptureArgs {
    /// The payment intent (pi_…).
    pub payment_intent: String,
    /// Capture only this much, in major units (12.50); the rest is released.
    #[arg(long)]
    pub amount: Option<String>,
    /// Reuse this idempotency key (to retry an earlier attempt safely).
    #[arg(long)]
    pub idempotency_key: Option<String>,
    /// Skip the live-mode confirmation.
    #[arg(long)]
    pub yes: bool,
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
    /// Reuse this idempotency key (to retry an earlier attempt safely).
    #[arg(long)]
    pub idempotency_key: Option<String>,
    /// Skip the live-mode confirmation.
    #[arg(long)]
    pub yes: bool,
    #[command(flatten)]
    pub common: Common,
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

fn key_arg(given: Option<&str>) -> Result<IdempotencyKey, Failure> {
    match given {
        Some(k) => IdempotencyKey::parse(k).map_err(Failure::usage),
        None => Ok(IdempotencyKey::new()),
    }
}

fn currency(pi: &PaymentIntent) -> &str {
    pi.currency.as_deref().unwrap_or("usd")
}

fn amount(text: Option<&str>, pi: &PaymentIntent) -> Result<Option<i64>, Failure> {
    text.map(|t| parse_major(t, currency(pi)).map_err(Failure::usage))
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
        format_minor(pi.amount_received, currency(pi)),
        format_minor(pi.amount, currency(pi))
    );
    Ok(())
}

/// Runs `capture`.
pub async fn capture(args: CaptureArgs) -> Outcome {
    let client = common::client(&args.common)?;
    let key = key_arg(args.idempotency_key.as_deref())?;
    let pi = client.retrieve_payment_intent(&args.payment_intent).await?;
    if pi.status != PaymentIntentStatus::RequiresCapture {
        return Err(Failure::refused(format!(
            "{} is {}, not waiting for capture, so there is nothing to capture.",
            pi.id, pi.status
        )));
    }
    let amount = amount(args.amount.as_deref(), &pi)?;
    if let Some(a) = amount
        && a > pi.amount_capturable
    {
        return Err(Failure::usage(format!(
            "At most {} can be captured on {}.",
            format_minor(pi.amount_capturable, currency(&pi)),
            pi.id
        )));
    }
    let shown = format_minor(amount.unwrap_or(pi.amount_capturable), currency(&pi));
    common::confirm_live(&client, &format!("capture {shown} on {}", pi.id), args.yes)?;
    if !args.common.json {
        eprintln!("Capturing {shown} on {} (idempotency key {key})", pi.id);
    }
    let pi = client
        .capture_payment_intent(&pi.id, amount, Some(key))
        .await?;
    print_pi(
        &pi,
        args.common.json,
        &format!("Captured {shown} on {}.", pi.id),
    )
}

/// Runs `refund`.
pub async fn refund(args: RefundArgs) -> Outcome {
    let client = common::client(&args.common)?;
    let key = key_arg(args.idempotency_key.as_deref())?;
    let pi = client.retrieve_payment_intent(&args.payment_intent).await?;
    if pi.status == PaymentIntentStatus::RequiresCapture {
        return Err(Failure::refused(format!(
            "{} is authorized but not captured: no money was taken, so there is nothing to \
             refund. Release it with `seller-console cancel {}` instead.",
            pi.id, pi.id
        )));
    }
    let amount = amount(args.amount.as_deref(), &pi)?;
    let left = pi
        .charge()
        .map(crate::stripe::payment_intents::Charge::refundable);
    if let (Some(a), Some(left)) = (amount, left)
        && a > left
    {
        return Err(Failure::usage(format!(
            "Only {} is left to refund on {}; ask for at most that.",
            format_minor(left, currency(&pi)),
            pi.id
        )));
    }
    let shown = amount.or(left).map_or_else(
        || "the remaining amount".to_owned(),
        |a| format_minor(a, currency(&pi)),
    );
    common::confirm_live(&client, &format!("refund {shown} of {}", pi.id), args.yes)?;
    let mut request = RefundRequest {
        payment_intent: pi.id.clone(),
        amount,
        reason: args.reason.map(|r| match r {
            ReasonArg::Duplicate => RefundReason::Duplicate,
            ReasonArg::Fraudulent => RefundReason::Fraudulent,
            ReasonArg::RequestedByCustomer => RefundReason::RequestedByCustomer,
        }),
        ..RefundRequest::default()
    };
    if let Some(note) = args.note {
        request.metadata.insert("note".into(), note);
    }
    request
        .metadata
        .insert("source".into(), "seller-console".into());
    if !args.common.json {
        eprintln!("Refunding {shown} of {} (idempotency key {key})", pi.id);
    }
    let refund = client.create_refund(&request, Some(key)).await?;
    if args.common.json {
        return common::print_json(&refund);
    }
    println!(
        "Refund {}: {} {}",
        refund.id,
        format_minor(
            refund.amount,
            refund.currency.as_deref().unwrap_or(currency(&pi))
        ),
        refund.status.as_ref().map_or("", RefundStatus::as_str)
    );
    Ok(())
}

/// Runs `cancel`.
pub async fn cancel(args: CancelArgs) -> Outcome {
    let client = common::client(&args.common)?;
    let pi = client.retrieve_payment_intent(&args.payment_intent).await?;
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
    let reason = args.reason.map(|r| match r {
        CancelReasonArg::Duplicate => CancellationReason::Duplicate,
        CancelReasonArg::Fraudulent => CancellationReason::Fraudulent,
        CancelReasonArg::RequestedByCustomer => CancellationReason::RequestedByCustomer,
        CancelReasonArg::Abandoned => CancellationReason::Abandoned,
    });
    let pi = client
        .cancel_payment_intent(&pi.id, reason.as_ref(), Some(IdempotencyKey::new()))
        .await?;
    print_pi(&pi, args.common.json, &format!("Canceled {}.", pi.id))
}
