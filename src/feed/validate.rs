//! Streaming, parallel validation of a feed file into [`Diagnostic`]s.
//!
//! CONTRACT (used by the catalog table, the sandbox and the UI; keep these names and
//! signatures): [`Options`], [`Report`], [`validate_bytes`], [`validate_file`], [`Schema`],
//! [`check_row`], [`CrossRow`]. The bodies below are placeholders until the validator lands.

use std::path::Path;

use super::sniff::{self, Dialect};
use super::{Diagnostic, FeedKind, Severity};

/// What to validate against.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Force a feed kind; `None` detects it from the header.
    pub feed: Option<FeedKind>,
}

/// The outcome of validating a whole file.
#[derive(Debug, Clone)]
pub struct Report {
    /// The feed kind validated against (forced or detected).
    pub feed: FeedKind,
    /// How the file is written.
    pub dialect: Dialect,
    /// Number of data rows (header not counted).
    pub rows: u64,
    /// Every finding, file-level first, then by row.
    pub diagnostics: Vec<Diagnostic>,
}

impl Report {
    /// Number of findings of one severity.
    #[must_use]
    pub fn count(&self, severity: Severity) -> usize {
        self.diagnostics
            .iter()
            .filter(|d| d.severity == severity)
            .count()
    }
}

/// Validates a whole file held in memory.
#[must_use]
pub fn validate_bytes(bytes: &[u8], options: &Options) -> Report {
    let dialect = sniff::sniff(&bytes[..bytes.len().min(sniff::SNIFF_SAMPLE)]);
    Report {
        feed: options.feed.unwrap_or(FeedKind::Product),
        dialect,
        rows: 0,
        diagnostics: Vec::new(),
    }
}

/// Validates a file on disk, streaming it.
pub fn validate_file(path: &Path, options: &Options) -> std::io::Result<Report> {
    let bytes = std::fs::read(path)?;
    Ok(validate_bytes(&bytes, options))
}

/// A header compiled against one feed kind: which column index holds which spec column.
#[derive(Debug, Clone)]
pub struct Schema {
    kind: FeedKind,
}

impl Schema {
    /// Compiles `header` (as written in the file) for `kind`.
    #[must_use]
    pub fn new(kind: FeedKind, _header: &[&str]) -> Self {
        Schema { kind }
    }

    /// The feed kind this schema checks against.
    #[must_use]
    pub fn kind(&self) -> FeedKind {
        self.kind
    }

    /// Findings about the header itself (missing required columns, unknown columns with
    /// "did you mean", duplicate names).
    #[must_use]
    pub fn header_diagnostics(&self) -> Vec<Diagnostic> {
        Vec::new()
    }
}

/// Checks one data row on its own (every per-cell and within-row cross-field rule), appending
/// findings to `out`. `row` is the 1-based data row number.
pub fn check_row(_schema: &Schema, _row: u64, _fields: &[&str], _out: &mut Vec<Diagnostic>) {}

/// State for the rules that span rows (duplicate ids, variant groups), updated
/// incrementally as rows are added, edited and removed.
///
/// `row` here is a stable key chosen by the caller: the streaming validator passes the
/// 1-based data row number; the catalog table passes its own stable row id and maps the
/// `Diagnostic::row` of the findings back to display rows.
#[derive(Debug, Clone, Default)]
pub struct CrossRow {}

impl CrossRow {
    /// Empty state for `schema`.
    #[must_use]
    pub fn new(_schema: &Schema) -> Self {
        CrossRow {}
    }

    /// Records row `row` with its `fields`.
    pub fn insert(&mut self, _schema: &Schema, _row: u64, _fields: &[&str]) {}

    /// Forgets row `row` (pass the fields it had when inserted).
    pub fn remove(&mut self, _schema: &Schema, _row: u64, _fields: &[&str]) {}

    /// Current cross-row findings.
    #[must_use]
    pub fn diagnostics(&self) -> Vec<Diagnostic> {
        Vec::new()
    }
}
