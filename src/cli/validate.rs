//! `seller-console validate FILE [--feed KIND] [--format text|json]`: checks a catalog feed
//! and prints a report grouped by rule (text) or one JSON object.
//!
//! Exit codes: 0 no errors (warnings allowed), 1 errors found, 2 the file cannot be read.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use serde_json::{Value, json};

use crate::feed::validate::{self, Options, Report};
use crate::feed::{Diagnostic, FeedKind, Severity};

/// Output format of the report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// A readable report grouped by rule.
    Text,
    /// One JSON object (see [`to_json`]).
    Json,
}

/// Arguments of `seller-console validate`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The feed file (CSV or TSV).
    pub file: PathBuf,
    /// The feed kind; detected from the header when left out.
    #[arg(long, value_parser = parse_feed)]
    pub feed: Option<FeedKind>,
    /// Report format.
    #[arg(long, value_enum, default_value = "text")]
    pub format: Format,
    /// How many examples to show per rule in the text report.
    #[arg(long, default_value_t = 5)]
    pub examples: usize,
}

fn parse_feed(s: &str) -> Result<FeedKind, String> {
    s.parse()
}

/// Runs the command.
#[must_use]
pub fn run(args: Args) -> ExitCode {
    let options = Options { feed: args.feed };
    let report = match validate::validate_file(&args.file, &options) {
        Ok(report) => report,
        Err(e) => {
            eprintln!("{}", validate::read_failure(&args.file, &e));
            return ExitCode::from(2);
        }
    };
    let file = args.file.display().to_string();
    let out = match args.format {
        Format::Json => to_json(&file, &report).to_string(),
        Format::Text => to_text(&file, &report, args.examples),
    };
    if let Err(e) = writeln!(std::io::stdout().lock(), "{out}")
        && e.kind() != std::io::ErrorKind::BrokenPipe
    {
        eprintln!("Could not write the report: {e}");
        return ExitCode::from(2);
    }
    if report.count(Severity::Error) > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// The JSON report: `{"file","feed","rows","errors","warnings","infos","diagnostics":[…]}`,
/// each diagnostic `{"row","column","severity","rule","message","value","fix"}` where `row`
/// is `null` for file-level findings and `fix` is the fix in words (naming the corrected value
/// where there is one) or `null`.
#[must_use]
pub fn to_json(file: &str, report: &Report) -> Value {
    let diagnostics: Vec<Value> = report
        .diagnostics
        .iter()
        .map(|d| {
            json!({
                "row": d.row,
                "column": d.column,
                "severity": d.severity.as_str(),
                "rule": d.rule,
                "message": d.message,
                "value": d.value,
                "fix": d.fix.as_ref().map(|f| f.message.clone()),
            })
        })
        .collect();
    json!({
        "file": file,
        "feed": report.feed.as_str(),
        "rows": report.rows,
        "errors": report.count(Severity::Error),
        "warnings": report.count(Severity::Warning),
        "infos": report.count(Severity::Info),
        "diagnostics": diagnostics,
    })
}

/// The text report: a summary line, then one section per rule (worst first) with its count
/// and the first `examples` findings.
#[must_use]
pub fn to_text(file: &str, report: &Report, examples: usize) -> String {
    let mut out = String::new();
    let d = &report.dialect;
    let _ = writeln!(
        out,
        "{file}: {} feed, {} rows ({}-separated, {}, {}{})",
        report.feed,
        report.rows,
        d.delimiter_name(),
        d.encoding.label(),
        d.line_ending.label(),
        if d.has_bom { ", BOM" } else { "" }
    );
    let mut groups: BTreeMap<(std::cmp::Reverse<Severity>, &str), Vec<&Diagnostic>> =
        BTreeMap::new();
    for diag in &report.diagnostics {
        groups
            .entry((std::cmp::Reverse(diag.severity), diag.rule))
            .or_default()
            .push(diag);
    }
    for ((severity, rule), diags) in &groups {
        let _ = writeln!(
            out,
            "\n{} {rule} ({} finding{})",
            severity.0.as_str().to_uppercase(),
            diags.len(),
            if diags.len() == 1 { "" } else { "s" }
        );
        for diag in diags.iter().take(examples) {
            let mut place = match diag.row {
                Some(r) => format!("row {r}"),
                None => "file".to_owned(),
            };
            if let Some(c) = &diag.column {
                let _ = write!(place, ", {c}");
            }
            let _ = write!(out, "  {place}: {}", diag.message);
            if let Some(v) = &diag.value {
                let _ = write!(out, " [value: {v}]");
            }
            out.push('\n');
            if let Some(fix) = &diag.fix {
                let _ = write!(out, "    fix: {}", fix.message);
                if let Some(r) = &fix.replacement {
                    let _ = write!(out, " -> `{r}`");
                }
                out.push('\n');
            }
        }
        if diags.len() > examples {
            let _ = writeln!(out, "  … and {} more", diags.len() - examples);
        }
    }
    let _ = write!(
        out,
        "\n{} error(s), {} warning(s), {} info(s).",
        report.count(Severity::Error),
        report.count(Severity::Warning),
        report.count(Severity::Info)
    );
    if report.count(Severity::Error) == 0 {
        out.push_str(" Stripe should accept every row.");
    } else {
        out.push_str(" Fix the errors before uploading; Stripe rejects those rows.");
    }
    out
}
