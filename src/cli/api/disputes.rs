//! `seller-console disputes list|show ID|evidence ID|accept ID`: the same rows, order and
//! prefill as the Disputes view ([`crate::orders::disputes`], [`crate::lookup`]).

use std::collections::BTreeMap;
use std::path::PathBuf;

use super::common::{self, Failure, Outcome};
use crate::money;
use crate::orders::disputes::{DisputeFilter, DisputeRow, prefill};
use crate::orders::{AgentFilter, countdown};
use crate::stripe::IdempotencyKey;
use crate::stripe::disputes::{
    self, Dispute, DisputeStatus, EVIDENCE_GROUPS, EvidenceField, EvidenceUpdate, FieldKind,
    check_evidence_file, evidence_field, reason_in_words,
};
use crate::stripe::files::FilePurpose;

/// `disputes` subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// List disputes: those that need a response first, soonest deadline on top.
    List {
        /// Only this status as Stripe spells it (`needs_response`, `under_review`, `won`, `lost`,
        /// …); repeat for several.
        #[arg(long)]
        status: Vec<String>,
        /// Only orders placed by this agent (name, case-insensitive substring).
        #[arg(long)]
        agent: Option<String>,
    },
    /// Show one dispute (du_… or dp_…): its order, deadline, evidence, and what the order can
    /// fill in.
    Show {
        /// The dispute id.
        id: String,
    },
    /// Save evidence on a dispute as a draft, or submit it (final) with --submit.
    Evidence {
        /// The dispute id.
        id: String,
        /// A text field, FIELD=VALUE (e.g. `shipping_carrier=UPS`); repeat for several.
        #[arg(long = "field", value_name = "FIELD=VALUE")]
        fields: Vec<String>,
        /// A file to upload as evidence, FIELD=PATH (e.g. `shipping_documentation=receipt.pdf`);
        /// a bare PATH goes to `uncategorized_file`. PDF, JPEG or PNG, at most 5 MB.
        #[arg(long = "file", value_name = "FIELD=PATH")]
        files: Vec<String>,
        /// Fill the customer, address and product fields from the order where they are empty.
        #[arg(long)]
        prefill: bool,
        /// Submit the evidence to the bank. Final: nothing can be added afterwards.
        #[arg(long)]
        submit: bool,
        /// Skip the live-mode confirmation.
        #[arg(long)]
        yes: bool,
    },
    /// Accept a dispute: you do not contest it and the money stays with the cardholder.
    Accept {
        /// The dispute id.
        id: String,
        /// Skip the live-mode confirmation.
        #[arg(long)]
        yes: bool,
    },
}

/// `disputes` with the options every API command takes.
pub type Args = common::WithCommon<Command>;

fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

/// "due in 2 d 4 h", "due in 5 h 12 min (less than 72 hours)", or the closed state.
fn deadline_words(row: &DisputeRow) -> String {
    match row.due_by() {
        Some(due) => {
            let left = countdown(due, now());
            if row.due_soon(now()) {
                format!("due in {left}  (less than 72 hours)")
            } else {
                format!("due in {left}")
            }
        }
        None => String::new(),
    }
}

fn print_list(rows: &[&DisputeRow]) {
    if rows.is_empty() {
        println!("No disputes match.");
        return;
    }
    for r in rows {
        let d = &r.dispute;
        println!(
            "{:<30} {:<24} {:>12}  {:<16} {:<12} {}",
            d.id,
            d.status.label(),
            money::format(d.amount, &d.currency),
            if r.agent().is_empty() {
                "—"
            } else {
                r.agent()
            },
            r.order_number(),
            deadline_words(r)
        );
        println!("{:<30} {}", "", reason_in_words(&d.reason));
    }
}

fn print_dispute(d: &Dispute, order: Option<&crate::orders::OrderDetail>) {
    println!("Dispute {}: {}", d.id, d.status.label());
    println!("  amount      {}", money::format(d.amount, &d.currency));
    println!("  reason      {}", reason_in_words(&d.reason));
    if let Some(kind) = d.case_type() {
        println!("  kind        {kind}");
    }
    println!("  opened      {}", common::date(d.created));
    if let Some(due) = d.evidence_details.deadline() {
        let when = if d.status.needs_response() {
            format!("  ({})", countdown(due, now()))
        } else {
            String::new()
        };
        println!("  evidence by {}{when}", common::date(due));
    }
    println!(
        "  submitted   {} time(s){}",
        d.evidence_details.submission_count,
        if d.evidence_details.has_evidence {
            ", evidence on file"
        } else {
            ""
        }
    );
    println!("  charge      {}", d.charge_id());
    if let Some(o) = order {
        println!(
            "  order       {} by {} ({}), {}",
            o.row.display_number(),
            if o.row.agent.is_empty() {
                "—"
            } else {
                &o.row.agent
            },
            o.row.id,
            crate::orders::format_time(o.order_date())
        );
        println!("  customer    {} {}", o.row.customer, o.row.email);
    }
    for (group, fields) in EVIDENCE_GROUPS {
        let filled: Vec<_> = fields
            .iter()
            .filter_map(|f| d.evidence_text(f.name).map(|v| (f, v)))
            .collect();
        if filled.is_empty() {
            continue;
        }
        println!("  {group}:");
        for (f, v) in filled {
            let first = v.lines().next().unwrap_or_default();
            println!("    {:<28} {first}", f.name);
        }
    }
    if let Some(o) = order
        && d.status.needs_response()
    {
        let suggested = prefill(o, d);
        if !suggested.is_empty() {
            println!("  From the order (`disputes evidence {} --prefill`):", d.id);
            for (k, v) in suggested {
                println!("    {k:<28} {}", v.lines().next().unwrap_or_default());
            }
        }
    }
}

/// Reads `FIELD=VALUE`.
fn split_pair(text: &str, what: &str) -> Result<(String, String), Failure> {
    let (k, v) = text.split_once('=').ok_or_else(|| {
        Failure::usage(format!(
            "\"{text}\" is not {what}; write it as FIELD=VALUE."
        ))
    })?;
    Ok((k.trim().to_owned(), v.to_owned()))
}

fn check_field(name: &str, kind: FieldKind) -> Result<EvidenceField, Failure> {
    let Some(field) = evidence_field(name) else {
        return Err(Failure::usage(format!(
            "{name} is not an evidence field Stripe takes; `disputes show ID` lists them."
        )));
    };
    if field.kind != kind {
        return Err(Failure::usage(match kind {
            FieldKind::Text => format!("{name} takes a file: use --file {name}=PATH."),
            FieldKind::File => format!("{name} takes text: use --field {name}=VALUE."),
        }));
    }
    Ok(field)
}

/// Runs a `disputes` subcommand.
pub async fn run(args: Args) -> Outcome {
    let common::WithCommon { command, common } = args;
    let json = common.json;
    let client = common::client(&common)?;
    match command {
        Command::List { status, agent, .. } => {
            let rows = crate::lookup::disputes_with_orders(&client).await?;
            let filter = DisputeFilter {
                statuses: status
                    .iter()
                    .map(|s| DisputeStatus::from(s.as_str()))
                    .collect(),
                agent: None,
            };
            let agent = agent.map(AgentFilter::NameContains);
            let shown: Vec<&DisputeRow> = rows
                .iter()
                .filter(|r| filter.matches(r))
                .filter(|r| agent.as_ref().is_none_or(|a| a.matches(r.agent())))
                .collect();
            if json {
                let disputes: Vec<&Dispute> = shown.iter().map(|r| &r.dispute).collect();
                return common::print_json(&disputes);
            }
            print_list(&shown);
            Ok(())
        }
        Command::Show { id, .. } => {
            let (d, order) = crate::lookup::dispute_with_order(&client, &id).await?;
            if json {
                return common::print_json(&d);
            }
            print_dispute(&d, order.as_ref());
            Ok(())
        }
        Command::Evidence {
            id,
            fields,
            files,
            prefill: from_order,
            submit,
            yes,
            ..
        } => {
            let mut evidence = BTreeMap::new();
            let mut uploads: Vec<(String, PathBuf)> = Vec::new();
            for f in &fields {
                let (k, v) = split_pair(f, "a text field")?;
                let field = check_field(&k, FieldKind::Text)?;
                disputes::check_text(&field, &v).map_err(Failure::usage)?;
                evidence.insert(k, v);
            }
            for f in &files {
                let (k, path) = match f.split_once('=') {
                    Some((k, p)) => (k.trim().to_owned(), PathBuf::from(p)),
                    None => ("uncategorized_file".to_owned(), PathBuf::from(f)),
                };
                check_field(&k, FieldKind::File)?;
                // Every file is checked before any is uploaded.
                check_evidence_file(&path).map_err(Failure::refused)?;
                uploads.push((k, path));
            }
            let (dispute, order) = crate::lookup::dispute_with_order(&client, &id).await?;
            if !dispute.status.needs_response() {
                return Err(Failure::refused(format!(
                    "{} is {}: it takes no more evidence.",
                    dispute.id,
                    dispute.status.label()
                )));
            }
            if from_order && let Some(o) = &order {
                for (k, v) in prefill(o, &dispute) {
                    evidence.entry(k).or_insert(v);
                }
            }
            if evidence.is_empty() && uploads.is_empty() && !submit {
                return Err(Failure::usage(
                    "Nothing to save: give --field, --file, --prefill or --submit.",
                ));
            }
            if submit {
                common::confirm_live(
                    &client,
                    &format!(
                        "submit the evidence on {} to the bank; this is final",
                        dispute.id
                    ),
                    yes,
                )?;
            }
            for (field, path) in uploads {
                let file = client
                    .upload_file(&path, &FilePurpose::DisputeEvidence, None)
                    .await?;
                if !json {
                    eprintln!("Uploaded {} as {} ({field}).", path.display(), file.id);
                }
                evidence.insert(field, file.id);
            }
            let update = EvidenceUpdate { evidence, submit };
            let saved = client
                .update_dispute(&dispute.id, &update, Some(IdempotencyKey::new()))
                .await?;
            if json {
                return common::print_json(&saved);
            }
            if submit {
                println!(
                    "Submitted the evidence on {}: Stripe says it is {}. The bank decides; \
                     nothing more can be added.",
                    saved.id,
                    saved.status.label()
                );
            } else {
                println!(
                    "Saved the evidence on {} as a draft ({} fields). Submit it with \
                     `seller-console disputes evidence {} --submit` before {}.",
                    saved.id,
                    update.evidence.len(),
                    saved.id,
                    saved
                        .evidence_details
                        .deadline()
                        .map_or_else(|| "the deadline".to_owned(), common::date)
                );
            }
            Ok(())
        }
        Command::Accept { id, yes, .. } => {
            let dispute = client.retrieve_dispute(&id).await?;
            if !dispute.status.needs_response() {
                return Err(Failure::refused(format!(
                    "{} is {}: there is nothing to accept.",
                    dispute.id,
                    dispute.status.label()
                )));
            }
            let lost = money::format(dispute.amount, &dispute.currency);
            common::confirm_live(
                &client,
                &format!(
                    "accept {} and lose {lost} for good (the cardholder keeps it)",
                    dispute.id
                ),
                yes,
            )?;
            let closed = client
                .close_dispute(&dispute.id, Some(IdempotencyKey::new()))
                .await?;
            if json {
                return common::print_json(&closed);
            }
            println!(
                "Accepted {}: Stripe says it is {}. The {lost} stays with the cardholder.",
                closed.id,
                closed.status.label()
            );
            Ok(())
        }
    }
}
