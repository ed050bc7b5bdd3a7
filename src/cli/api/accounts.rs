//! `seller-console accounts list|show ID`: a platform's connected accounts (Connect).

use super::common::{self, Failure, Outcome};
use crate::stripe::account::Account;

/// `accounts` subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// List the platform's connected accounts, newest first.
    List {
        /// Only accounts whose name, email or id contains this (any case).
        #[arg(long, value_name = "TEXT")]
        search: Option<String>,
        /// How many to show at most (0 for all).
        #[arg(long, default_value_t = 0)]
        limit: usize,
    },
    /// Show one connected account (acct_…).
    Show {
        /// The account id.
        id: String,
    },
}

/// `accounts` with the options every API command takes.
pub type Args = common::WithCommon<Command>;

fn print_account(a: &Account) {
    println!("Account {} ({})", a.id, a.label());
    if let Some(email) = &a.email {
        println!("  email         {email}");
    }
    if let Some(country) = &a.country {
        println!(
            "  country       {country}, {}",
            a.default_currency.as_deref().unwrap_or("?").to_uppercase()
        );
    }
    if let Some(kind) = &a.kind {
        println!("  type          {kind}");
    }
    println!(
        "  charges       {}",
        a.charges_blocked_because()
            .unwrap_or_else(|| "enabled".into())
    );
    println!(
        "  payouts       {}",
        if a.payouts_enabled { "enabled" } else { "off" }
    );
    if let Some(r) = &a.requirements
        && !r.currently_due.is_empty()
    {
        println!("  due now       {}", r.currently_due.join(", "));
    }
}

/// Runs an `accounts` subcommand.
pub async fn run(args: Args) -> Outcome {
    let common::WithCommon { command, common } = args;
    let json = common.json;
    if common.account.is_some() {
        return Err(Failure::usage(
            "`accounts` lists a platform's connected accounts: run it with the platform's key \
             and without --account.",
        ));
    }
    let client = common::client(&common)?;
    match command {
        Command::List { search, limit } => {
            let query = search.unwrap_or_default();
            let mut pager = client.list_accounts();
            let mut all = Vec::new();
            while limit == 0 || all.len() < limit {
                match pager.next_page().await? {
                    Some(page) => all.extend(page.into_iter().filter(|a| a.matches(&query))),
                    None => break,
                }
            }
            if limit > 0 {
                all.truncate(limit);
            }
            if json {
                return common::print_json(&all);
            }
            if all.is_empty() {
                if query.is_empty() {
                    println!(
                        "No connected accounts: this key's account is not a platform, or it has \
                         no sellers yet."
                    );
                } else {
                    println!("No connected account matches \"{query}\".");
                }
            }
            for a in &all {
                println!(
                    "{:<22} {:<32} {:<36} {}",
                    a.id,
                    a.label(),
                    a.email.as_deref().unwrap_or(""),
                    a.charges_blocked_because()
                        .unwrap_or_else(|| "charges enabled".into())
                );
            }
            Ok(())
        }
        Command::Show { id } => {
            let account = client.retrieve_connected_account(&id).await?;
            if json {
                return common::print_json(&account);
            }
            print_account(&account);
            Ok(())
        }
    }
}
