//! `seller-console push-all DIR|MAPPING [--feed K] [--wait] [--json]`: a platform pushes a
//! folder of per-account feeds to its connected accounts (see [`crate::push_all`]).

use std::path::PathBuf;

use super::common::{self, Common, Failure, Outcome};
use crate::feed::FeedKind;
use crate::push_all::{self, FeedResult, Summary};

/// Arguments of `push-all`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// A folder with one `acct_…` folder per account (holding product.csv, inventory.csv,
    /// pricing.csv or promotion.csv), or a mapping file with the columns account,path,feed.
    pub source: PathBuf,
    /// Only this feed of each account: product, inventory, pricing or promotion.
    #[arg(long, value_parser = parse_feed)]
    pub feed: Option<FeedKind>,
    /// Follow every import to the end.
    #[arg(long)]
    pub wait: bool,
    #[command(flatten)]
    pub common: Common,
}

fn parse_feed(s: &str) -> Result<FeedKind, String> {
    s.parse()
}

#[derive(serde::Serialize)]
struct Report<'a> {
    summary: Summary,
    results: &'a [FeedResult],
}

/// Runs `push-all`. Exit code 0 when every feed went in (or was already in), 3 when the only
/// problems are feeds the validator held back, 1 when any failed, had rows refused or could not
/// be sent.
pub async fn run(args: Args) -> Outcome {
    let json = args.common.json;
    if args.common.account.is_some() {
        return Err(Failure::usage(
            "push-all sends each feed to the account its folder or mapping line names; run it \
             with the platform's key and without --account.",
        ));
    }
    let targets = push_all::plan(&args.source, args.feed).map_err(Failure::usage)?;
    let client = common::client(&args.common)?;
    let history = crate::payment_journal::data_dir().map(|d| crate::push_history::path_in(&d));
    if !json {
        let accounts: std::collections::BTreeSet<&str> =
            targets.iter().map(|t| t.account.as_str()).collect();
        eprintln!(
            "Pushing {} feeds to {} accounts, {} at a time{}.",
            targets.len(),
            accounts.len(),
            push_all::CONCURRENCY,
            if args.wait {
                ", following each import"
            } else {
                ""
            }
        );
    }
    let results = push_all::run(&client, targets, args.wait, history, |r| {
        if !json {
            eprintln!("  {:<22} {:<10} {}", r.account, r.feed, r.outcome.label());
        }
    })
    .await;
    let summary = Summary::of(&results);
    if json {
        common::print_json(&Report {
            summary,
            results: &results,
        })?;
    } else {
        for r in &results {
            println!(
                "{:<22} {:<10} {:<22} {:<36} {}",
                r.account,
                r.feed,
                r.outcome.label(),
                r.import.as_deref().unwrap_or("-"),
                r.message.as_deref().unwrap_or("")
            );
        }
        println!(
            "{} feeds to {} accounts: {} in, {} already in (skipped), {} with a problem.",
            summary.feeds, summary.accounts, summary.ok, summary.skipped, summary.problems
        );
        if summary.problems > 0 {
            println!("Fix those and run the same command again: feeds already in are skipped.");
        }
    }
    if summary.problems > 0 {
        // Like `push`: 3 when the validator held feeds back and nothing else went wrong, 1
        // when Stripe or the network refused or rows failed.
        let only_invalid = results
            .iter()
            .filter(|r| r.outcome.is_problem())
            .all(|r| r.outcome == push_all::Outcome::Invalid);
        return Err(Failure {
            // With --json the report above says it all: one JSON document on stdout.
            message: if json {
                String::new()
            } else {
                format!(
                    "{} of {} feeds did not go in whole.",
                    summary.problems, summary.feeds
                )
            },
            request_id: None,
            stripe_code: None,
            exit: if only_invalid { 3 } else { 1 },
        });
    }
    Ok(())
}
