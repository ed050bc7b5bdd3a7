//! `seller-console orders list|show ID`.

use futures_util::TryStreamExt;
use serde::Serialize;

use super::common::{self, Common, Outcome};
use crate::money;
use crate::stripe::form::Range;
use crate::stripe::orders::{CheckoutSession, OrderFilter, SessionStatus};
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
        /// Include orders not placed by agents.
        #[arg(long)]
        all: bool,
        /// How many to show at most.
        #[arg(long, default_value_t = 25)]
        limit: usize,
        #[command(flatten)]
        common: Common,
    },
    /// Show one order (cs_…): buyer, shipping, lines with SKUs, payment, refunds.
    Show {
        /// The Checkout Session id.
        id: String,
        #[command(flatten)]
        common: Common,
    },
}

impl Command {
    /// The shared options.
    #[must_use]
    pub fn common(&self) -> &Common {
        match self {
            Command::List { common, .. } | Command::Show { common, .. } => common,
        }
    }
}

fn total(s: &CheckoutSession) -> String {
    match (s.amount_total, s.currency.as_deref()) {
        (Some(a), Some(c)) => money::format(a, c),
        (Some(a), None) => a.to_string(),
        _ => "-".into(),
    }
}

fn payment_state(s: &CheckoutSession) -> String {
    match s.payment() {
        Some(pi) => {
            let charge = pi.charge();
            if charge.is_some_and(|c| c.refunded) {
                "refunded".into()
            } else if charge.is_some_and(|c| c.amount_refunded > 0) {
                "partly refunded".into()
            } else {
                pi.status.to_string()
            }
        }
        None => s
            .payment_status
            .as_ref()
            .map_or_else(|| "-".into(), ToString::to_string),
    }
}

#[derive(Serialize)]
struct OrderDetail<'a> {
    order: &'a CheckoutSession,
    agent_order: bool,
    refunds: &'a [Refund],
}

/// Runs an `orders` subcommand.
pub async fn run(command: Command) -> Outcome {
    let json = command.common().json;
    let client = common::client(command.common())?;
    match command {
        Command::List {
            agent,
            since,
            needs_capture,
            all,
            limit,
            ..
        } => {
            let mut created = Range::default();
            if let Some(since) = since.as_deref() {
                created.gte = Some(common::parse_since(since)?);
            }
            let filter = OrderFilter {
                status: Some(SessionStatus::Complete),
                created,
                limit: Some(100),
            };
            let agent = agent.map(|a| a.to_lowercase());
            let mut stream = std::pin::pin!(client.list_orders(&filter).into_stream());
            let mut found = Vec::new();
            while found.len() < limit {
                let Some(order) = stream.try_next().await? else {
                    break;
                };
                let keep = (all || order.is_agent_order())
                    && (!needs_capture || order.needs_capture())
                    && agent.as_deref().is_none_or(|want| {
                        order
                            .agent_name()
                            .is_some_and(|n| n.to_lowercase().contains(want))
                    });
                if keep {
                    found.push(order);
                }
            }
            if json {
                return common::print_json(&found);
            }
            if found.is_empty() {
                println!("No orders match.");
            }
            for o in &found {
                let deadline = if o.needs_capture() {
                    o.capture_before().map_or_else(
                        || "capture (no deadline known)".into(),
                        |d| format!("capture {}", common::relative(d)),
                    )
                } else {
                    String::new()
                };
                println!(
                    "{:<40} {}  {:<16} {:>14}  {:<18} {}",
                    o.id,
                    common::date(o.created),
                    o.agent_name().unwrap_or("-"),
                    total(o),
                    payment_state(o),
                    deadline
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
                return common::print_json(&OrderDetail {
                    order: &order,
                    agent_order: order.is_agent_order(),
                    refunds: &refunds,
                });
            }
            print_order(&order, &refunds);
            Ok(())
        }
    }
}

fn print_order(o: &CheckoutSession, refunds: &[Refund]) {
    let currency = o.currency.as_deref().unwrap_or("usd");
    println!(
        "Order {}  {}",
        o.id,
        if o.livemode { "LIVE" } else { "test" }
    );
    println!("  created   {}", common::date(o.created));
    println!(
        "  placed by {}",
        if let Some(name) = o.agent_name() {
            format!("agent {name}")
        } else if o.is_agent_order() {
            "an agent (catalog SKUs)".to_owned()
        } else {
            "direct checkout".to_owned()
        }
    );
    if let Some(c) = &o.customer_details {
        println!(
            "  buyer     {} <{}> {}",
            c.name.as_deref().unwrap_or("-"),
            o.email().unwrap_or("-"),
            c.phone.as_deref().unwrap_or("")
        );
    }
    if let Some(s) = o.shipping() {
        println!(
            "  ship to   {}, {}",
            s.name.as_deref().unwrap_or("-"),
            s.address
                .as_ref()
                .map(crate::stripe::model::Address::one_line)
                .unwrap_or_default()
        );
    }
    if let Some(lines) = &o.line_items {
        for li in &lines.data {
            println!(
                "  {:>3} x {:<40} {:<18} {:>14}",
                li.quantity.unwrap_or(1),
                li.product()
                    .and_then(|p| p.name.as_deref())
                    .or(li.description.as_deref())
                    .unwrap_or("-"),
                li.sku().unwrap_or(""),
                money::format(li.amount_total, currency)
            );
        }
    }
    if let Some(t) = &o.total_details {
        println!(
            "  shipping {}  tax {}  discount {}",
            money::format(t.amount_shipping.unwrap_or(0), currency),
            money::format(t.amount_tax, currency),
            money::format(t.amount_discount, currency)
        );
    }
    println!("  total     {}", total(o));
    if let Some(pi) = o.payment() {
        println!("  payment   {} ({})", pi.id, payment_state(o));
        if let Some(ch) = pi.charge() {
            println!(
                "  charge    {}: captured {}, refunded {}{}",
                ch.id,
                money::format(ch.amount_captured, currency),
                money::format(ch.amount_refunded, currency),
                ch.payment_method_details
                    .as_ref()
                    .and_then(|d| d.card.as_ref())
                    .map(|c| format!(
                        ", {} •••• {}",
                        c.brand.as_deref().unwrap_or("card"),
                        c.last4.as_deref().unwrap_or("????")
                    ))
                    .unwrap_or_default()
            );
        }
        if pi.needs_capture() {
            println!(
                "  capture   {} by {}",
                money::format(pi.amount_capturable, currency),
                pi.capture_before().map_or_else(
                    || "an unknown deadline".to_owned(),
                    |d| format!("{} ({})", common::date(d), common::relative(d))
                )
            );
        }
    }
    for r in refunds {
        println!(
            "  refund    {} {} {} {}",
            r.id,
            money::format(r.amount, currency),
            r.status
                .as_ref()
                .map_or("", crate::stripe::refunds::RefundStatus::as_str),
            r.reason
                .as_ref()
                .map_or("", crate::stripe::refunds::RefundReason::as_str)
        );
    }
}
