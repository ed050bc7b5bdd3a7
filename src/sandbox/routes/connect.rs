//! Connect money: transfers, application fees and balances
//! (`reference/stripe-api-events-connect-disputes.md` §18.4–18.5). Transfers and fees are the
//! platform's: a connected account sees none of them.

use std::sync::Arc;

use super::request::{Ctx, Object, Outcome, expanded, list_page, render_or_404, renderer};
use crate::sandbox::funds;
use crate::sandbox::pagination::v1_page;
use crate::sandbox::state::{Ledger, LedgerKey, Shared};

/// `transfer`, as a retrieve names it.
const TRANSFER: Object = Object::new("transfer", "id");

/// `application_fee`, as a retrieve names it.
const APPLICATION_FEE: Object = Object::new("application_fee", "id");

/// `GET /v1/transfers/:id`.
pub(crate) fn transfer(app: &Arc<Shared>, ctx: &Ctx, id: &str) -> Outcome {
    ctx.params.allow(&["expand"])?;
    render_or_404(app, ctx, id, &TRANSFER, |l| l.transfers.get(id))
}

/// `GET /v1/transfers`: `destination`, `transfer_group` and `created` filters.
pub(crate) fn transfers(app: &Arc<Shared>, ctx: &Ctx) -> Outcome {
    let p = &ctx.params;
    p.allow_list(&["destination", "transfer_group"])?;
    let created = p.range("created")?;
    let destination = p.str("destination")?;
    let group = p.str("transfer_group")?;
    let mut store = app.lock();
    let ledger = store.ledger(&ctx.key);
    let page = v1_page(&ledger.transfers, p, "transfer", |t| {
        created.is_none_or(|r| r.contains(t.created))
            && destination.is_none_or(|d| d == t.destination)
            && group.is_none_or(|g| t.group.as_deref() == Some(g))
    })?;
    let r = renderer(app, ctx, ledger);
    list_page(&r, ctx, "/v1/transfers", &page, |t| r.transfer(t))
}

/// `GET /v1/application_fees/:id`.
pub(crate) fn application_fee(app: &Arc<Shared>, ctx: &Ctx, id: &str) -> Outcome {
    ctx.params.allow(&["expand"])?;
    render_or_404(app, ctx, id, &APPLICATION_FEE, |l| {
        l.application_fees.get(id)
    })
}

/// `GET /v1/application_fees`: `charge` (the fee's `charge`, or for a destination charge the
/// platform charge it came from) and `created` filters.
pub(crate) fn application_fees(app: &Arc<Shared>, ctx: &Ctx) -> Outcome {
    let p = &ctx.params;
    p.allow_list(&["charge"])?;
    let created = p.range("created")?;
    let charge = p.str("charge")?;
    let mut store = app.lock();
    let ledger = store.ledger(&ctx.key);
    let page = v1_page(&ledger.application_fees, p, "application_fee", |f| {
        created.is_none_or(|r| r.contains(f.created))
            && charge
                .is_none_or(|c| c == f.charge || f.originating_transaction.as_deref() == Some(c))
    })?;
    let r = renderer(app, ctx, ledger);
    list_page(&r, ctx, "/v1/application_fees", &page, |f| {
        r.application_fee(f)
    })
}

/// `GET /v1/balance`: the platform's, or with `Stripe-Account` the connected account's.
pub(crate) fn balance(app: &Arc<Shared>, ctx: &Ctx) -> Outcome {
    ctx.params.allow(&["expand"])?;
    let store = app.lock();
    let platform_key = LedgerKey {
        account: None,
        live: ctx.key.live,
    };
    let own = store.ledgers.get(&ctx.key);
    let platform = store.ledgers.get(&platform_key);
    let account = ctx.key.account.as_deref();
    let mut amounts = funds::balance(own, platform, account);
    if amounts.is_empty() {
        let currency = account
            .and_then(|a| store.accounts.of(ctx.key.live).get(a))
            .map_or("usd", |a| a.default_currency.as_str());
        amounts.insert(currency.to_owned(), 0);
    }
    let empty = Ledger::default();
    let r = renderer(app, ctx, own.unwrap_or(&empty));
    let value = r.balance(&amounts, account.is_none());
    expanded(&r, ctx, value, false)
}
