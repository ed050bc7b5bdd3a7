//! `seller-console orders list|show ID`: the same rows, filter and fields as the Orders view
//! ([`crate::orders`]); `--json` prints the sessions as Stripe sent them.

use futures_util::TryStreamExt;
use serde::Serialize;

use super::common::{self, Outcome};
use crate::money;
use crate::orders::{
    AgentFilter, Field, OrderDetail, OrderFilter, OrderRow, PaymentState, SellerFilter, countdown,
    format_time,
};
use crate::stripe::form::Range;
use crate::stripe::orders::{CheckoutSession, OrderQuery, SessionStatus};
use crate::stripe::refunds::Refund;

/// `orders` subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// List orders, newest first.
    List {
        /// Only orders placed by this agent (name, case-insensitive substring).
        #[arg(long)]
        agent: Option<String>,
        /// Only orders created since: 2026-04-01, an RFC 3339 time, 7d or 12h.
        #[arg(long)]
        since: Option<String>,
        /// Only orders whose payment is authorized and waits for capture.
        #[arg(long)]
        needs_capture: bool,
        /// Only orders paying this seller (acct_…): destination charges on a platform.
        #[arg(long, value_name = "acct_…")]
        seller: Option<String>,
        /// Include orders not placed by agents.
        #[arg(long)]
        all: bool,
        /// How many to show at most.
        #[arg(long, default_value_t = 25)]
        limit: usize,
    },
    /// Show one order (cs_…): buyer, shipping, lines with SKUs, payment, refunds.
    Show {
        /// The Checkout Session id.
        id: String,
    },
}

/// `orders` with the options every API command takes.
pub type Args = common::WithCommon<Command>;

/// What `orders show --json` prints: the session as Stripe sent it, and its refunds.
#[derive(Serialize)]
struct ShownOrder<'a> {
    order: &'a CheckoutSession,
    agent_order: bool,
    refunds: &'a [Refund],
}

/// Complete Checkout Sessions created since `since` (as `--since` takes it), 100 a page.
pub(super) fn complete_orders(since: Option<&str>) -> Result<OrderQuery, common::Failure> {
    let mut created = Range::default();
    if let Some(since) = since {
        created.gte = Some(common::parse_since(since)?);
    }
    Ok(OrderQuery {
        status: Some(SessionStatus::Complete),
        created,
        limit: Some(100),
        payment_intent: None,
    })
}

/// Runs an `orders` subcommand.
pub async fn run(args: Args) -> Outcome {
    let common::WithCommon { command, common } = args;
    let json = common.json;
    let client = common::client(&common)?;
    match command {
        Command::List {
            agent,
            since,
            needs_capture,
            seller,
            all,
            limit,
            ..
        } => {
            let query = complete_orders(since.as_deref())?;
            let filter = OrderFilter {
                agent: agent.map(AgentFilter::NameContains),
                seller: seller.map(SellerFilter::Account),
                states: if needs_capture {
                    vec![PaymentState::AwaitingCapture]
                } else {
                    Vec::new()
                },
                ..OrderFilter::default()
            };
            let mut stream = std::pin::pin!(client.list_orders(&query).into_stream());
            let mut found = Vec::new();
            while found.len() < limit {
                let Some(order) = stream.try_next().await? else {
                    break;
                };
                if !all && !order.is_agent_order() {
                    continue;
                }
                let row = OrderRow::from_session(&order);
                if filter.matches(&row) {
                    found.push((order, row));
                }
            }
            if json {
                let orders: Vec<&CheckoutSession> = found.iter().map(|(o, _)| o).collect();
                return common::print_json(&orders);
            }
            if found.is_empty() {
                println!("No orders match.");
            }
            let now = chrono::Utc::now().timestamp();
            for (_, r) in &found {
                let deadline = match r.capture_before {
                    Some(d) if r.state == PaymentState::AwaitingCapture => {
                        format!("capture before {} ({})", format_time(d), countdown(d, now))
                    }
                    None if r.state == PaymentState::AwaitingCapture => {
                        "capture (no deadline known)".into()
                    }
                    _ => String::new(),
                };
                let seller = r
                    .seller
                    .as_deref()
                    .map(|s| format!("  seller {s}"))
                    .unwrap_or_default();
                println!(
                    "{:<40} {}  {:<16} {:>14}  {:<18} {deadline}{seller}",
                    r.id,
                    format_time(r.created),
                    if r.agent.is_empty() { "-" } else { &r.agent },
                    money::format_symbol(r.total, &r.currency),
                    r.state.label(),
                );
            }
            Ok(())
        }
        Command::Show { id, .. } => {
            let order = client.retrieve_order(&id).await?;
            let refunds = match order.payment() {
                Some(pi) if pi.charge().is_some_and(|c| c.amount_refunded > 0) => {
                    client.list_refunds(&pi.id)?.collect_all().await?
                }
                _ => Vec::new(),
            };
            if json {
                return common::print_json(&ShownOrder {
                    order: &order,
                    agent_order: order.is_agent_order(),
                    refunds: &refunds,
                });
            }
            let now = chrono::Utc::now().timestamp();
            let mut detail = OrderDetail::from_session(&order, refunds);
            crate::lookup::name_seller(&client, &mut detail).await;
            print_order(&detail, order.livemode, now);
            Ok(())
        }
    }
}

/// Prints an order with the window's labels, sections and money formatting
/// ([`crate::orders::fields`]).
fn print_order(d: &OrderDetail, live: bool, now: i64) {
    let currency = d.row.currency.as_str();
    println!(
        "Order {}  {}",
        d.row.display_number(),
        if live { "LIVE" } else { "test" }
    );
    print_fields(&d.fields(now), 2);
    println!("Items");
    for line in &d.lines {
        println!("  {}", line.heading());
        if !line.description.is_empty() {
            println!("    {}", line.description);
        }
        print_fields(&line.fields(currency), 4);
    }
    for (title, address) in d.addresses() {
        println!("{title}");
        match address {
            Some(a) => {
                println!("  {}", a.name);
                for l in &a.lines {
                    println!("  {l}");
                }
            }
            None => println!("  —"),
        }
    }
    println!("Payment timeline");
    for t in &d.timeline {
        println!("  {}", t.summary());
    }
    println!("Refunds");
    if d.refunds.is_empty() {
        println!("  No refunds.");
    }
    for r in &d.refunds {
        println!("  {}", r.summary(currency));
    }
    println!("Ids");
    print_fields(&d.ids(), 2);
}

/// Prints fields as an aligned list, `indent` spaces in.
fn print_fields(fields: &[Field], indent: usize) {
    let width = fields
        .iter()
        .map(|f| f.label.chars().count())
        .max()
        .unwrap_or(0);
    for f in fields {
        println!("{:indent$}{:<width$}  {}", "", f.label, f.value);
    }
}
