//! Reads that join Stripe objects the way support looks at them, shared by the window and the
//! command line: an order in full with its refunds, every dispute with the agent order it
//! belongs to, and one dispute with its order in full.

use std::collections::HashMap;

use crate::orders::disputes::{DisputeRow, sort_for_support};
use crate::orders::{OrderDetail, OrderRow};
use crate::stripe::disputes::{Dispute, DisputeQuery};
use crate::stripe::orders::{CheckoutSession, OrderQuery};
use crate::stripe::refunds::Refund;
use crate::stripe::{Client, Error};

/// Every dispute on the account (all pages), each with its order when one is found, sorted for
/// support ([`sort_for_support`]).
///
/// # Errors
/// Stripe's or the network's, listing the disputes. An order that cannot be read leaves that
/// dispute without its order instead.
pub async fn disputes_with_orders(client: &Client) -> Result<Vec<DisputeRow>, Error> {
    let disputes = client
        .list_disputes(&DisputeQuery::default())?
        .collect_all()
        .await?;
    let mut orders: HashMap<String, Option<OrderRow>> = HashMap::new();
    let mut rows = Vec::with_capacity(disputes.len());
    for dispute in disputes {
        let order = match dispute.payment_intent_id() {
            Some(pi) => {
                if !orders.contains_key(pi) {
                    let found = order_of_payment(client, pi).await;
                    orders.insert(pi.to_owned(), found);
                }
                orders.get(pi).cloned().flatten()
            }
            None => None,
        };
        rows.push(DisputeRow { dispute, order });
    }
    sort_for_support(&mut rows);
    Ok(rows)
}

async fn order_of_payment(client: &Client, payment_intent: &str) -> Option<OrderRow> {
    let query = OrderQuery {
        payment_intent: Some(payment_intent.to_owned()),
        limit: Some(1),
        ..OrderQuery::default()
    };
    let page = client.list_orders(&query).next_page().await.ok()??;
    page.first().map(OrderRow::from_session)
}

/// One dispute and its order in full (for the detail and the evidence prefill).
///
/// # Errors
/// Stripe's or the network's, reading the dispute. The order is `None` when it cannot be found.
pub async fn dispute_with_order(
    client: &Client,
    id: &str,
) -> Result<(Dispute, Option<OrderDetail>), Error> {
    let dispute = client.retrieve_dispute(id).await?;
    let Some(pi) = dispute.payment_intent_id() else {
        return Ok((dispute, None));
    };
    let Some(row) = order_of_payment(client, pi).await else {
        return Ok((dispute, None));
    };
    Ok((dispute, order_detail(client, &row.id).await.ok()))
}

/// One order in full: the session with lines, payment and charge, and its refunds.
///
/// # Errors
/// Stripe's or the network's, reading the session. Refunds that cannot be read are left out.
pub async fn order_detail(client: &Client, session: &str) -> Result<OrderDetail, Error> {
    let s = client.retrieve_order(session).await?;
    let refunds = refunds_of(client, &s).await;
    let mut detail = OrderDetail::from_session(&s, refunds);
    name_seller(client, &mut detail).await;
    Ok(detail)
}

/// Fills in the name of the seller a destination charge paid (left as its id when the
/// platform's account cannot be read).
pub async fn name_seller(client: &Client, detail: &mut OrderDetail) {
    let Some(id) = detail.row.seller.clone() else {
        return;
    };
    if let Some((_, name)) = seller_names(client, std::slice::from_ref(&id)).await.pop() {
        detail.row.seller_name.clone_from(&name);
        if let Some(d) = &mut detail.destination {
            d.seller_name = Some(name);
        }
    }
}

/// The names of connected accounts (`acct_…`, name), eight read at a time; an account that
/// cannot be read is left out.
pub async fn seller_names(client: &Client, ids: &[String]) -> Vec<(String, String)> {
    use futures_util::StreamExt;
    futures_util::stream::iter(ids.iter().cloned())
        .map(|id| async move {
            let account = client.retrieve_connected_account(&id).await.ok()?;
            Some((id, account.label().to_owned()))
        })
        .buffer_unordered(8)
        .filter_map(|x| async move { x })
        .collect()
        .await
}

/// The refunds of an order's payment (none when it has no payment, or they cannot be read).
pub async fn refunds_of(client: &Client, s: &CheckoutSession) -> Vec<Refund> {
    let Some(pi) = s.payment() else {
        return Vec::new();
    };
    match client.list_refunds(&pi.id) {
        Ok(pager) => pager.collect_all().await.unwrap_or_default(),
        Err(_) => Vec::new(),
    }
}
