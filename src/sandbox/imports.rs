//! Feed imports (v1 `ImportSets` and v2 catalog imports): validating the uploaded file with the
//! feed engine, writing the error report, and the progress a poller sees over a few seconds.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use crate::feed::sniff::{self, TextEncoding};
use crate::feed::validate::{Options, validate_file};
use crate::feed::{FeedKind, Severity};

use super::ids;
use rand::rngs::StdRng;

use super::state::{Failure, FileRec, Ledger, LedgerKey, Outcome, Sample, Shared, processing_time};

/// How many rows with errors a v2 import quotes in `samples`.
const MAX_SAMPLES: usize = 10;
/// `purpose` of the error reports the sandbox writes.
pub(crate) const ERROR_REPORT_PURPOSE: &str = "data_management_import_errors";

/// Which import a finished analysis belongs to.
#[derive(Debug, Clone)]
pub(crate) enum Target {
    ImportSet(String),
    Catalog(String),
}

/// Validates `source` in the background and records the outcome on the import.
/// What to record once a job's result shows (its events): called with the store locked.
pub(crate) type OnDone = fn(&mut Ledger, &mut StdRng, &LedgerKey, i64, &Target);

pub(crate) fn start(
    app: Arc<Shared>,
    key: LedgerKey,
    target: Target,
    source: PathBuf,
    kind: FeedKind,
    on_done: OnDone,
) {
    let started = Instant::now();
    tokio::spawn(async move {
        // Set once the file is analysed: a bigger file takes longer.
        let takes;
        let failed = |message: String| {
            Analysis::failed(Failure {
                code: "internal_error",
                kind: "transient_failure",
                message,
            })
        };
        let (analysis, error_path) = match app.new_file_path() {
            Ok(error_path) => {
                let path = error_path.clone();
                let analysis = tokio::task::spawn_blocking(move || analyze(&source, kind, &path))
                    .await
                    .unwrap_or_else(|e| {
                        failed(format!(
                            "The sandbox's validator stopped unexpectedly ({e}). Upload the file again."
                        ))
                    });
                (analysis, Some(error_path))
            }
            Err(e) => (
                failed(format!(
                    "The sandbox could not create the error report ({e}). Upload the file again."
                )),
                None,
            ),
        };
        {
            let now = app.now();
            let mut store = app.lock();
            let (ledger, rng) = store.ledger_and_rng(&key);
            let mut outcome = analysis.outcome;
            takes = processing_time(outcome.rows);
            match (analysis.error_report_size, error_path) {
                (Some(size), Some(error_path)) => {
                    let id = ids::v1(rng, "file");
                    let owner = match &target {
                        Target::ImportSet(id) | Target::Catalog(id) => id.clone(),
                    };
                    let seq = ledger.next_seq();
                    ledger.files.insert(FileRec {
                        id: id.clone(),
                        seq,
                        created: now,
                        filename: format!("{owner}_errors.csv"),
                        purpose: ERROR_REPORT_PURPOSE.into(),
                        size,
                        kind: "csv".into(),
                        path: error_path,
                    });
                    outcome.error_file = Some(id);
                }
                // No rows failed: the report's empty file is not kept.
                (None, Some(unused)) => {
                    let _ = std::fs::remove_file(unused);
                }
                _ => {}
            }
            match &target {
                Target::ImportSet(id) => {
                    if let Some(set) = ledger.import_sets.get_mut(id) {
                        set.job.finish(outcome);
                    }
                }
                Target::Catalog(id) => {
                    if let Some(import) = ledger.catalog_imports.get_mut(id)
                        && let Some(job) = &mut import.job
                    {
                        job.finish(outcome);
                    }
                }
            }
        }
        // The result shows once the job's processing time has passed: its events go then.
        tokio::time::sleep(takes.saturating_sub(started.elapsed())).await;
        let now = app.now();
        let mut store = app.lock();
        let (ledger, rng) = store.ledger_and_rng(&key);
        on_done(ledger, rng, &key, now, &target);
    });
}

/// The outcome of validating a file, and the size of the error report written, if any.
#[derive(Debug, Clone, Default)]
pub(crate) struct Analysis {
    pub outcome: Outcome,
    pub error_report_size: Option<u64>,
}

impl Analysis {
    fn failed(failure: Failure) -> Self {
        Analysis {
            outcome: Outcome {
                failure: Some(failure),
                ..Outcome::default()
            },
            error_report_size: None,
        }
    }
}

fn invalid(message: impl Into<String>) -> Analysis {
    Analysis::failed(Failure {
        code: "invalid_file",
        kind: "cannot_proceed",
        message: message.into(),
    })
}

/// Validates `source` as a `kind` feed; rows with errors are written to `error_path` as a
/// CSV whose first column is `stripe_error_message`, followed by the row as uploaded.
pub(crate) fn analyze(source: &Path, kind: FeedKind, error_path: &Path) -> Analysis {
    let mut sample = Vec::with_capacity(sniff::SNIFF_SAMPLE);
    let read = File::open(source)
        .and_then(|f| f.take(sniff::SNIFF_SAMPLE as u64).read_to_end(&mut sample));
    if let Err(e) = read {
        return Analysis::failed(Failure {
            code: "file_not_found",
            kind: "cannot_proceed",
            message: format!("The uploaded file could not be read ({e}). Upload it again."),
        });
    }
    if sample.iter().all(u8::is_ascii_whitespace) {
        return invalid(
            "The file is empty. Upload a CSV with a header row and one row per product.",
        );
    }
    let dialect = sniff::sniff(&sample);
    if dialect.encoding == TextEncoding::Utf16 || sample.contains(&0) {
        return invalid(
            "The file is not UTF-8 text (it looks like UTF-16 or a binary file such as a \
             spreadsheet). Export it as \"CSV UTF-8\" and upload it again.",
        );
    }
    let report = match validate_file(source, &Options { feed: Some(kind) }) {
        Ok(report) => report,
        Err(e) => {
            return Analysis::failed(Failure {
                code: "internal_error",
                kind: "transient_failure",
                message: format!("The file could not be validated ({e}). Upload it again."),
            });
        }
    };
    let file_errors: Vec<String> = report
        .diagnostics
        .iter()
        .filter(|d| d.row.is_none() && d.severity == Severity::Error)
        .map(|d| d.message.clone())
        .collect();
    if !file_errors.is_empty() {
        return invalid(format!(
            "The whole file was rejected: {}",
            file_errors.join(" ")
        ));
    }
    let mut by_row: BTreeMap<u64, Vec<(Option<String>, String)>> = BTreeMap::new();
    for d in report
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
    {
        if let Some(row) = d.row {
            by_row
                .entry(row)
                .or_default()
                .push((d.column.clone(), d.message.clone()));
        }
    }
    match write_report(source, dialect.delimiter, &by_row, error_path) {
        Ok((rows, samples, written)) => {
            let error_rows = by_row.keys().filter(|r| **r <= rows).count() as u64;
            Analysis {
                outcome: Outcome {
                    rows,
                    error_rows,
                    error_file: None,
                    samples,
                    failure: None,
                },
                error_report_size: written,
            }
        }
        Err(message) => invalid(message),
    }
}

type ReportResult = Result<(u64, Vec<Sample>, Option<u64>), String>;

/// Reads every row; copies failed ones into the error report. Returns the row count, the
/// samples and the size of the report (`None` when no row failed).
fn write_report(
    source: &Path,
    delimiter: u8,
    by_row: &BTreeMap<u64, Vec<(Option<String>, String)>>,
    error_path: &Path,
) -> ReportResult {
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .from_path(source)
        .map_err(|e| format!("The file could not be opened as CSV ({e}). Upload it again."))?;
    let header = reader
        .byte_headers()
        .map_err(|e| format!("The header row could not be read as CSV ({e})."))?
        .clone();
    let id_column = header
        .iter()
        .position(|h| h.eq_ignore_ascii_case(b"id") || h.eq_ignore_ascii_case(b"\xEF\xBB\xBFid"));
    let mut writer = if by_row.is_empty() {
        None
    } else {
        let mut w = csv::WriterBuilder::new()
            .flexible(true)
            .from_path(error_path)
            .map_err(|e| format!("The sandbox could not write the error report ({e})."))?;
        let mut out = csv::ByteRecord::new();
        out.push_field(b"stripe_error_message");
        for field in &header {
            out.push_field(field);
        }
        w.write_byte_record(&out)
            .map_err(|e| format!("The sandbox could not write the error report ({e})."))?;
        Some(w)
    };
    let mut samples = Vec::new();
    let mut rows = 0u64;
    let mut record = csv::ByteRecord::new();
    loop {
        match reader.read_byte_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                return Err(format!(
                    "Row {} could not be read as CSV ({e}). Check its quotes and upload the file again.",
                    rows + 1
                ));
            }
        }
        rows += 1;
        let (Some(problems), Some(w)) = (by_row.get(&rows), writer.as_mut()) else {
            continue;
        };
        let message = problems
            .iter()
            .map(|(column, message)| match column {
                Some(c) => format!("{c}: {message}"),
                None => message.clone(),
            })
            .collect::<Vec<_>>()
            .join("; ");
        let mut out = csv::ByteRecord::new();
        out.push_field(message.as_bytes());
        for field in &record {
            out.push_field(field);
        }
        w.write_byte_record(&out)
            .map_err(|e| format!("The sandbox could not write the error report ({e})."))?;
        let id = id_column
            .and_then(|i| record.get(i))
            .map(|b| String::from_utf8_lossy(b).into_owned())
            .unwrap_or_default();
        for (column, message) in problems {
            if samples.len() < MAX_SAMPLES {
                samples.push(Sample {
                    id: id.clone(),
                    row: rows,
                    field: column.clone().unwrap_or_default(),
                    message: message.clone(),
                });
            }
        }
    }
    let written = match writer {
        Some(mut w) => {
            w.flush()
                .map_err(|e| format!("The sandbox could not write the error report ({e})."))?;
            drop(w);
            Some(std::fs::metadata(error_path).map_or(0, |m| m.len()))
        }
        None => None,
    };
    Ok((rows, samples, written))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_are_counted_and_garbage_fails_with_a_reason() {
        let dir = tempfile::tempdir().unwrap();
        let good = dir.path().join("good.csv");
        std::fs::write(
            &good,
            "id,availability,availability_date,inventory_quantity\nA,in_stock,,1\nB,\"out_of_stock\",,0\nC,preorder,2030-01-01,5\n",
        )
        .unwrap();
        let a = analyze(&good, FeedKind::Inventory, &dir.path().join("e1.csv"));
        assert_eq!(a.outcome.rows, 3);
        assert!(a.outcome.failure.is_none());

        let binary = dir.path().join("sheet.xlsx");
        std::fs::write(&binary, b"PK\x03\x04\x00\x00binary").unwrap();
        let b = analyze(&binary, FeedKind::Product, &dir.path().join("e2.csv"));
        let failure = b.outcome.failure.unwrap();
        assert_eq!(failure.code, "invalid_file");
        assert!(failure.message.contains("UTF-8"));

        let empty = dir.path().join("empty.csv");
        std::fs::write(&empty, "").unwrap();
        let e = analyze(&empty, FeedKind::Product, &dir.path().join("e3.csv"));
        assert!(e.outcome.failure.unwrap().message.contains("empty"));
    }

    #[test]
    fn error_report_lists_failed_rows_with_the_message_first() {
        let dir = tempfile::tempdir().unwrap();
        let src = dir.path().join("feed.csv");
        std::fs::write(&src, "id,price\nA,1.00 USD\nB,oops\nC,2.00 USD\n").unwrap();
        let mut by_row = BTreeMap::new();
        by_row.insert(
            2,
            vec![(
                Some("price".to_string()),
                "Write the price as `19.99 USD`.".to_string(),
            )],
        );
        let out = dir.path().join("errors.csv");
        let (rows, samples, size) = write_report(&src, b',', &by_row, &out).unwrap();
        assert_eq!(rows, 3);
        assert!(size.unwrap() > 0);
        assert_eq!(samples[0].id, "B");
        let text = std::fs::read_to_string(&out).unwrap();
        assert_eq!(
            text,
            "stripe_error_message,id,price\nprice: Write the price as `19.99 USD`.,B,oops\n"
        );
    }
}
