//! One finding of the validator, pointed at its cell.

use serde::Serialize;

/// How bad a finding is. Ordered: `Info < Warning < Error`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth knowing; never blocks an upload.
    Info,
    /// Stripe accepts the row but the product will be worse off (or a rule is ambiguous).
    Warning,
    /// Stripe rejects the row or the file.
    Error,
}

impl Severity {
    /// Lowercase name as used in reports and JSON.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// A concrete way to fix a finding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fix {
    /// What to do, in one sentence ("Write `in_stock`.").
    pub message: String,
    /// The corrected cell value when the fix is purely mechanical and safe to apply
    /// with one click (never invented data).
    pub replacement: Option<String>,
}

/// One finding: a stable rule id, where it is, and what to do about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Stable rule identifier, e.g. `required`, `enum`, `X3_preorder_date`.
    pub rule: &'static str,
    /// Error, warning or info.
    pub severity: Severity,
    /// 1-based data row (the header is not counted); `None` for file-level findings.
    pub row: Option<u64>,
    /// Column name as written in the header, when the finding is about one cell or column.
    pub column: Option<String>,
    /// The offending value, shortened for display.
    pub value: Option<String>,
    /// One sentence saying what is wrong.
    pub message: String,
    /// How to fix it, when there is a concrete fix.
    pub fix: Option<Fix>,
}
