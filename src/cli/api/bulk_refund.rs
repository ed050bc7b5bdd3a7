//! `seller-console bulk-refund`: refund many orders at once (every order a filter finds, or the
//! orders named), in full, a fixed amount or a share each. The plan is printed first (what each
//! order gets, or why it is skipped); each refund is journalled with its own idempotency key
//! ([`crate::payment_batch`]), so running the same command again after a kill or a dropped
//! connection refunds nothing twice.

use std::path::PathBuf;

use futures_util::TryStreamExt;

use super::common::{self, Common, Failure, Outcome};
use super::payments::ReasonArg;
use crate::money;
use crate::orders::bulk::{self, BulkAmount, BulkOutcome, PlannedRefund};
use crate::orders::{AgentFilter, OrderFilter, OrderRow, SellerFilter};
use crate::payment_batch::RefundTerms;
use crate::payment_journal::{PaymentJournal, Reader};
use crate::stripe::refunds::ConnectRefund;

/// Arguments of `bulk-refund`.
#[derive(Debug, clap::Args)]
#[command(group(clap::ArgGroup::new("how").required(true).args(["full", "amount", "percent"])))]
pub struct Args {
    /// Only orders placed by this agent (name, case-insensitive substring).
    #[arg(long)]
    pub agent: Option<String>,
    /// Only orders created since: 2026-04-01, an RFC 3339 time, 7d or 12h.
    #[arg(long)]
    pub since: Option<String>,
    /// These orders (cs_…) only; repeat for several.
    #[arg(long = "order", value_name = "cs_…")]
    pub orders: Vec<String>,
    /// Refund everything left on each order.
    #[arg(long)]
    pub full: bool,
    /// Refund this much on each order, in major units (5.00), in the orders' currency.
    #[arg(long)]
    pub amount: Option<String>,
    /// Refund this share of what each order paid (10, 12.5).
    #[arg(long)]
    pub percent: Option<String>,
    /// Why.
    #[arg(long, value_enum)]
    pub reason: Option<ReasonArg>,
    /// A note stored on each refund's metadata.
    #[arg(long)]
    pub note: Option<String>,
    /// Only orders paying this seller (acct_…; destination charges).
    #[arg(long, value_name = "acct_…")]
    pub seller: Option<String>,
    #[command(flatten)]
    pub connect: super::payments::ConnectArgs,
    /// Print the plan and stop; nothing is refunded.
    #[arg(long)]
    pub preview: bool,
    /// Write each order's outcome to this CSV file.
    #[arg(long, value_name = "PATH")]
    pub report: Option<PathBuf>,
    /// Skip the live-mode confirmation.
    #[arg(long)]
    pub yes: bool,
    #[command(flatten)]
    pub common: Common,
}

/// The agent orders the filters find, newest first.
async fn find_orders(
    client: &crate::stripe::Client,
    args: &Args,
) -> Result<Vec<OrderRow>, Failure> {
    if !args.orders.is_empty() {
        let mut rows = Vec::new();
        for id in &args.orders {
            rows.push(OrderRow::from_session(&client.retrieve_order(id).await?));
        }
        return Ok(rows);
    }
    let query = super::orders::complete_orders(args.since.as_deref())?;
    let filter = OrderFilter {
        agent: args.agent.clone().map(AgentFilter::NameContains),
        seller: args.seller.clone().map(SellerFilter::Account),
        ..OrderFilter::default()
    };
    let mut stream = std::pin::pin!(client.list_orders(&query).into_stream());
    let mut rows = Vec::new();
    while let Some(order) = stream.try_next().await? {
        if order.is_agent_order() {
            let row = OrderRow::from_session(&order);
            if filter.matches(&row) {
                rows.push(row);
            }
        }
    }
    Ok(rows)
}

fn print_plan(how: &BulkAmount, plan: &[PlannedRefund], connect: ConnectRefund) {
    println!("Bulk refund: {}", how.describe());
    let destination = plan
        .iter()
        .filter(|p| p.skip.is_none() && p.order.seller.is_some())
        .count();
    if destination > 0 {
        println!("{}", bulk::connect_words(destination, connect));
    }
    for p in plan {
        let o = &p.order;
        let what = match &p.skip {
            Some(skip) => format!("skip: {}", skip.words(&o.currency)),
            None => format!("refund {}", money::format(p.refund, &o.currency)),
        };
        let seller = o
            .seller
            .as_deref()
            .map(|s| format!("  seller {s}"))
            .unwrap_or_default();
        println!(
            "  {:<14} {:<16} paid {:>12}  refunded {:>12}  {what}{seller}",
            o.display_number(),
            if o.agent.is_empty() { "—" } else { &o.agent },
            money::format(o.captured, &o.currency),
            money::format(o.refunded, &o.currency),
        );
    }
    let totals = bulk::totals(plan);
    let count: usize = totals.iter().map(|(_, n, _)| n).sum();
    let sums = totals
        .iter()
        .map(|(c, _, a)| money::format(*a, c))
        .collect::<Vec<_>>()
        .join(" + ");
    println!(
        "{count} of {} orders to refund ({}), {} skipped.",
        plan.len(),
        if sums.is_empty() { "nothing" } else { &sums },
        plan.len() - count
    );
}

/// Runs `bulk-refund`.
pub async fn run(args: Args) -> Outcome {
    let client = common::client(&args.common)?;
    let journal = PaymentJournal::open_default().map_err(Failure::from)?;
    let rows = find_orders(&client, &args).await?;
    let how = if args.full {
        BulkAmount::Full
    } else if let Some(text) = &args.amount {
        let currency = crate::orders::main_currency(rows.iter());
        let amount =
            money::parse_positive(text, &currency).map_err(|e| Failure::usage(e.to_string()))?;
        BulkAmount::Fixed { amount, currency }
    } else {
        let text = args.percent.as_deref().unwrap_or_default();
        BulkAmount::Percent(bulk::parse_percent(text).map_err(Failure::usage)?)
    };
    let plan = bulk::plan(&rows, &how);
    let json = args.common.json;
    if !json {
        print_plan(&how, &plan, args.connect.flags());
    }
    let count = plan.iter().filter(|p| p.skip.is_none()).count();
    if args.preview {
        return Ok(());
    }
    if count == 0 {
        return Err(Failure::refused("Nothing to refund; nothing was sent."));
    }
    common::confirm_live(
        &client,
        &format!("refund {count} orders as listed above"),
        args.yes,
    )?;
    let terms = RefundTerms {
        reason: args
            .reason
            .map(|r| super::payments::reason_value(r).to_owned()),
        note: args.note.clone(),
        connect: args.connect.flags(),
    };
    let results =
        crate::payment_batch::refund_plan(&client, &journal, &plan, &terms, Reader::Cli, |i, n| {
            if !json && i < n {
                eprint!("\rRefunding {}/{n}…", i + 1);
            }
        })
        .await;
    if !json {
        eprintln!();
    }
    if let Some(path) = &args.report {
        let mut bytes = Vec::new();
        bulk::results_csv(&results, &mut bytes)
            .map_err(|e| Failure::usage(format!("The results could not be written as CSV: {e}")))?;
        crate::durable::write(path, &bytes, crate::durable::Access::LikeExisting).map_err(|e| {
            Failure {
                exit: 1,
                ..Failure::usage(format!("Could not write {} ({e}).", path.display()))
            }
        })?;
    }
    let failed = results
        .iter()
        .filter(|(_, o)| matches!(o, BulkOutcome::Failed(_)))
        .count();
    if json {
        let lines: Vec<serde_json::Value> = results
            .iter()
            .map(|(p, o)| {
                let (result, detail) = match o {
                    BulkOutcome::Skipped(why) => ("skipped", why.clone()),
                    BulkOutcome::Refunded { refund, status } => {
                        ("refunded", format!("{refund} {status}"))
                    }
                    BulkOutcome::Failed(why) => ("failed", why.clone()),
                };
                serde_json::json!({
                    "checkout_session": p.order.id,
                    "payment_intent": p.order.payment_intent,
                    "amount": p.refund,
                    "currency": p.order.currency,
                    "result": result,
                    "detail": detail,
                })
            })
            .collect();
        common::print_json(&lines)?;
    } else {
        for (p, o) in &results {
            match o {
                BulkOutcome::Refunded { refund, status } => println!(
                    "{}: refunded {} ({refund}, {status})",
                    p.order.display_number(),
                    money::format(p.refund, &p.order.currency)
                ),
                BulkOutcome::Failed(why) => {
                    println!("{}: NOT REFUNDED: {why}", p.order.display_number());
                }
                BulkOutcome::Skipped(_) => {}
            }
        }
        println!(
            "Done: {} refunded, {} skipped, {failed} failed or not known yet.",
            results
                .iter()
                .filter(|(_, o)| matches!(o, BulkOutcome::Refunded { .. }))
                .count(),
            results
                .iter()
                .filter(|(_, o)| matches!(o, BulkOutcome::Skipped(_)))
                .count()
        );
    }
    if failed > 0 {
        return Err(Failure {
            exit: 1,
            ..Failure::usage(format!(
                "{failed} of the refunds were not made or their outcome is not known yet (see \
                 above). Running the same command again resumes those without an answer with \
                 their own keys, and never repeats a refund made minutes ago."
            ))
        });
    }
    Ok(())
}
