//! `seller-console convert SRC [--from FORMAT] [--mapping FILE] --out FEED`: turns a Shopify,
//! WooCommerce, Google Merchant Center or OpenAI export into a Stripe product feed, streaming,
//! then validates what it wrote. The mapping is, in order: `--mapping FILE`, the one the app
//! saved for this source, or the suggested one; `--save-mapping` / `--print-mapping` keep it.
//!
//! Exit codes: 0 the feed is written and has no errors, 1 written with errors (the report says
//! which), 2 nothing written (unreadable source, unknown format, bad mapping).

use std::path::PathBuf;
use std::process::ExitCode;

use crate::feed::sources::{self, Mapping, SourceFormat, Summary};
use crate::feed::validate::{self, Options};
use crate::feed::{FeedKind, Severity};

/// Arguments of `seller-console convert`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The export to convert (CSV, TSV, Merchant Center XML, OpenAI JSON or JSON Lines).
    pub src: PathBuf,
    /// Its format; detected from the file when left out.
    #[arg(long, value_parser = parse_format)]
    pub from: Option<SourceFormat>,
    /// A mapping file (the JSON the app saves); otherwise the saved or suggested mapping.
    #[arg(long)]
    pub mapping: Option<PathBuf>,
    /// Where to write the Stripe feed (a new file; the source is never changed).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Store currency for prices without one (Shopify, WooCommerce), such as `EUR`.
    #[arg(long)]
    pub currency: Option<String>,
    /// The shop's address for product links (`https://shop.example`).
    #[arg(long)]
    pub shop_url: Option<String>,
    /// Sale window (`2026-12-01/2026-12-31`) for sales the source gives without dates.
    #[arg(long)]
    pub sale_window: Option<String>,
    /// Also save the mapping used as this file.
    #[arg(long)]
    pub save_mapping: Option<PathBuf>,
    /// Print the mapping that would be used (JSON) and stop.
    #[arg(long)]
    pub print_mapping: bool,
}

fn parse_format(s: &str) -> Result<SourceFormat, String> {
    s.parse()
}

/// Runs the command.
#[must_use]
pub fn run(args: Args) -> ExitCode {
    match convert(&args) {
        Ok(code) => code,
        Err(message) => {
            eprintln!("{message}");
            ExitCode::from(2)
        }
    }
}

fn convert(args: &Args) -> Result<ExitCode, String> {
    let format = match args.from {
        Some(format) => format,
        None => match sources::detect(&args.src).map_err(|e| e.to_string())? {
            Some(detected) if detected.sure => detected.format,
            Some(detected) => {
                return Err(format!(
                    "{} looks like a {}, but not surely; say which with --from shopify|woocommerce|google|openai.",
                    args.src.display(),
                    detected.format.label()
                ));
            }
            None => {
                return Err(format!(
                    "{} is not an export the console knows (it may already be a Stripe feed: try `seller-console validate`). Say its format with --from.",
                    args.src.display()
                ));
            }
        },
    };
    let header = sources::open(&args.src, format)
        .map_err(|e| e.to_string())?
        .header;
    let mut mapping = match &args.mapping {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .map_err(|e| format!("The mapping {} could not be read: {e}", path.display()))?;
            Mapping::from_json(&text).map_err(|e| e.to_string())?
        }
        None => match crate::payment_journal::data_dir()
            .map(|dir| crate::saved_mappings::load(&dir, format, &header))
            .transpose()?
            .flatten()
        {
            Some((saved, path)) => {
                eprintln!(
                    "Using the mapping saved for this {} ({}).",
                    format.label(),
                    path.display()
                );
                saved
            }
            None => sources::suggest(format, &header),
        },
    };
    if let Some(currency) = &args.currency {
        mapping.settings.currency = currency.trim().to_ascii_uppercase();
    }
    if let Some(shop) = &args.shop_url {
        shop.trim().clone_into(&mut mapping.settings.shop_url);
    }
    if let Some(window) = &args.sale_window {
        window.trim().clone_into(&mut mapping.settings.sale_window);
    }
    if let Some(path) = &args.save_mapping {
        crate::durable::write(
            path,
            mapping.to_json().as_bytes(),
            crate::durable::Access::LikeExisting,
        )
        .map_err(|e| format!("The mapping could not be saved to {}: {e}", path.display()))?;
    }
    if args.print_mapping {
        println!("{}", mapping.to_json());
        return Ok(ExitCode::SUCCESS);
    }
    let Some(out) = &args.out else {
        return Err("Say where the feed goes with --out FEED.csv (or --print-mapping).".into());
    };
    let summary =
        sources::convert_file(&args.src, format, &mapping, out).map_err(|e| e.to_string())?;
    print_summary(format, out, &summary);
    let report = validate::validate_file(
        out,
        &Options {
            feed: Some(FeedKind::Product),
        },
    )
    .map_err(|e| validate::read_failure(out, &e))?;
    let (errors, warnings) = (
        report.count(Severity::Error),
        report.count(Severity::Warning),
    );
    println!(
        "Validated: {errors} error(s), {warnings} warning(s). `seller-console validate {}` lists them.",
        out.display()
    );
    Ok(if errors > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn print_summary(format: SourceFormat, out: &std::path::Path, summary: &Summary) {
    println!(
        "Converted a {} into {} feed row(s): {}",
        format.label(),
        summary.rows,
        out.display()
    );
    for skipped in &summary.skipped {
        let rows: Vec<String> = skipped.rows.iter().map(u64::to_string).collect();
        println!(
            "  left out {} item(s): {} (source row {}{})",
            skipped.count,
            skipped.reason,
            rows.join(", "),
            if skipped.count > skipped.rows.len() as u64 {
                ", …"
            } else {
                ""
            }
        );
    }
    for missing in &summary.missing_columns {
        println!("  the mapping names `{missing}`, which this file does not have (left empty)");
    }
}
