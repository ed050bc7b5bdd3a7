//! `seller-console agreements list|show ID|confirm ID|terminate ID`.

use super::common::{self, Outcome};
use crate::stripe::IdempotencyKey;
use crate::stripe::agreements::Agreement;

/// `agreements` subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// List agreements with agents.
    List {
        /// How many to show at most.
        #[arg(long, default_value_t = 50)]
        limit: usize,
    },
    /// Show one agreement (orca_…).
    Show {
        /// The agreement id.
        id: String,
    },
    /// Confirm an agreement on your side, letting the agent sell your products.
    Confirm {
        /// The agreement id.
        id: String,
    },
    /// End an agreement: the agent can no longer sell your products.
    Terminate {
        /// The agreement id.
        id: String,
        /// Skip the live-mode confirmation.
        #[arg(long)]
        yes: bool,
    },
}

/// `agreements` with the options every API command takes.
pub type Args = common::WithCommon<Command>;

fn print_agreement(a: &Agreement) {
    println!("Agreement {} with {}", a.id, a.agent_label());
    println!("  status        {}", a.status);
    if let Some(by) = &a.initiated_by {
        println!("  initiated by  {by}");
    }
    if let Some(created) = a.created {
        println!("  created       {}", created.format("%Y-%m-%d %H:%M UTC"));
    }
    if let Some(t) = &a.status_transitions {
        for (label, at) in [
            ("you confirmed", t.seller_confirmed_at),
            ("agent confirmed", t.orchestrator_confirmed_at),
            ("terminated", t.terminated_at),
        ] {
            if let Some(at) = at {
                println!("  {label:<13} {}", at.format("%Y-%m-%d %H:%M UTC"));
            }
        }
    }
    if let Some(by) = &a.terminated_by {
        println!("  terminated by {by}");
    }
}

/// Runs an `agreements` subcommand.
pub async fn run(args: Args) -> Outcome {
    let common::WithCommon { command, common } = args;
    let json = common.json;
    let client = common::client(&common)?;
    let one = match command {
        Command::List { limit, .. } => {
            let mut pager = client.list_agreements(limit.clamp(1, 100) as u8);
            let mut all = Vec::new();
            while all.len() < limit {
                match pager.next_page().await? {
                    Some(page) => all.extend(page),
                    None => break,
                }
            }
            all.truncate(limit);
            if json {
                return common::print_json(&all);
            }
            if all.is_empty() {
                println!("No agreements yet.");
            }
            for a in &all {
                println!(
                    "{:<32} {:<24} {:<20} {}{}",
                    a.id,
                    a.agent_label(),
                    a.status,
                    a.created
                        .map(|c| c.format("%Y-%m-%d").to_string())
                        .unwrap_or_default(),
                    if a.awaits_seller() {
                        "  (awaits your confirmation)"
                    } else {
                        ""
                    }
                );
            }
            return Ok(());
        }
        Command::Show { id, .. } => client.retrieve_agreement(&id).await?,
        Command::Confirm { id, .. } => {
            client
                .confirm_agreement(&id, Some(IdempotencyKey::new()))
                .await?
        }
        Command::Terminate { id, yes, .. } => {
            common::confirm_live(&client, &format!("terminate agreement {id}"), yes)?;
            client
                .terminate_agreement(&id, Some(IdempotencyKey::new()))
                .await?
        }
    };
    if json {
        return common::print_json(&one);
    }
    print_agreement(&one);
    Ok(())
}
