//! A feed header compiled against one feed kind ([`Schema`]): which column holds which spec
//! column, and the findings about the header itself (missing, unknown, misspelled or
//! duplicate columns). The validator, the cell rules and the cross-row checks all read rows
//! through it.

use std::collections::HashMap;

use super::spec::{self, ColumnId, FeedColumn, Requirement, Suggestion};
use super::{Diagnostic, FeedKind, Fix, Severity};

/// A header compiled against one feed kind: which column index holds which spec column.
#[derive(Debug, Clone)]
pub struct Schema {
    kind: FeedKind,
    header: Vec<String>,
    positions: [Option<usize>; ColumnId::COUNT],
    checked: Vec<(usize, FeedColumn)>,
    header_diagnostics: Vec<Diagnostic>,
}

impl Schema {
    /// Compiles `header` (as written in the file) for `kind`.
    #[must_use]
    pub fn new(kind: FeedKind, header: &[&str]) -> Self {
        let mut positions = [None; ColumnId::COUNT];
        let mut checked = Vec::new();
        let mut diags = Vec::new();
        let mut seen: HashMap<&str, usize> = HashMap::new();
        for (i, &name) in header.iter().enumerate() {
            if name.trim().is_empty() {
                diags.push(header_diag(
                    "empty_column_name",
                    Severity::Error,
                    None,
                    format!("Header column {} has no name.", i + 1),
                    Some(fix(
                        "Name the column, or delete it if it holds nothing.",
                        None,
                    )),
                ));
                continue;
            }
            if let Some(first) = seen.insert(name, i) {
                diags.push(header_diag(
                    "duplicate_column",
                    Severity::Error,
                    Some(name),
                    format!(
                        "`{name}` appears twice in the header (columns {} and {}); only the first is checked.",
                        first + 1,
                        i + 1
                    ),
                    Some(fix("Merge the two columns into one and delete the other.", None)),
                ));
                continue;
            }
            match spec::lookup_column(name) {
                Some(id) => match kind.column(id) {
                    Some(column) => {
                        positions[id as usize] = Some(i);
                        checked.push((i, column));
                    }
                    None => diags.push(header_diag(
                        "column_wrong_feed",
                        Severity::Error,
                        Some(name),
                        format!(
                            "`{name}` is not a column of the {kind} feed, which holds only {}.",
                            list_names(kind.columns().iter().map(|c| c.id))
                        ),
                        Some(fix(
                            "Delete the column, or validate the file as another feed kind (`--feed`).",
                            None,
                        )),
                    )),
                },
                None => diags.push(unknown_column(kind, name)),
            }
        }
        let key = kind.key_column();
        let delete_only = header
            .iter()
            .all(|h| *h == key.name() || *h == ColumnId::Delete.name())
            && positions[ColumnId::Delete as usize].is_some();
        let missing: Vec<FeedColumn> = kind
            .columns()
            .iter()
            .copied()
            .filter(|c| positions[c.id as usize].is_none())
            .collect();
        for c in &missing {
            if c.requirement == Requirement::Required && (!delete_only || c.id == key) {
                diags.push(header_diag(
                    "missing_column",
                    Severity::Error,
                    Some(c.id.name()),
                    format!(
                        "The header has no `{}` column, which the {kind} feed requires.",
                        c.id.name()
                    ),
                    Some(fix(format!("Add the `{}` column.", c.id.name()), None)),
                ));
            }
        }
        if kind == FeedKind::Product && !delete_only {
            let absent = |id: ColumnId| positions[id as usize].is_none();
            if absent(ColumnId::Gtin) && absent(ColumnId::Mpn) {
                diags.push(header_diag(
                    "X1_gtin_or_mpn",
                    Severity::Error,
                    Some("gtin"),
                    "The header has neither `gtin` nor `mpn`; every product needs one of them."
                        .to_owned(),
                    Some(fix(
                        "Add a `gtin` column (and `mpn` for items without one).",
                        None,
                    )),
                ));
            }
            if absent(ColumnId::GoogleProductCategory) && absent(ColumnId::ProductCategory) {
                diags.push(header_diag(
                    "X2_category",
                    Severity::Error,
                    Some("google_product_category"),
                    "The header has neither `google_product_category` nor `product_category`; every product needs a category.".to_owned(),
                    Some(fix("Add a `google_product_category` column.", None)),
                ));
            }
            let recommended: Vec<ColumnId> = missing
                .iter()
                .filter(|c| c.requirement == Requirement::Recommended)
                .map(|c| c.id)
                .collect();
            if !recommended.is_empty() {
                diags.push(header_diag(
                    "missing_recommended_column",
                    Severity::Info,
                    None,
                    format!(
                        "Recommended columns not in the header: {}.",
                        list_names(recommended.iter().copied())
                    ),
                    Some(fix(
                        "Add them where you have the data; agents rank richer products higher.",
                        None,
                    )),
                ));
            }
        }
        Schema {
            kind,
            header: header.iter().map(|h| (*h).to_owned()).collect(),
            positions,
            checked,
            header_diagnostics: diags,
        }
    }

    /// Guesses the feed kind of a header (see [`FeedKind::detect`]).
    #[must_use]
    pub fn detect(header: &[&str]) -> FeedKind {
        FeedKind::detect(header)
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
        self.header_diagnostics.clone()
    }

    /// The header as written in the file.
    #[must_use]
    pub fn header(&self) -> &[String] {
        &self.header
    }

    /// Number of header columns (every row should have this many cells).
    #[must_use]
    pub fn width(&self) -> usize {
        self.header.len()
    }

    /// The header index of a spec column, when the header has it.
    #[must_use]
    pub fn position(&self, id: ColumnId) -> Option<usize> {
        self.positions[id as usize]
    }

    /// The header index of the column named `name` (exactly as written), if any.
    #[must_use]
    pub fn column_index(&self, name: &str) -> Option<usize> {
        self.header.iter().position(|h| h == name)
    }

    /// The spec column at header index `index`, when it is a column of this feed.
    #[must_use]
    pub fn column_at(&self, index: usize) -> Option<FeedColumn> {
        self.checked
            .iter()
            .find(|(i, _)| *i == index)
            .map(|(_, c)| *c)
    }

    /// Columns of this feed that the header lacks, in spec order (for "add a missing column").
    #[must_use]
    pub fn missing_columns(&self) -> Vec<FeedColumn> {
        self.kind
            .columns()
            .iter()
            .copied()
            .filter(|c| self.position(c.id).is_none())
            .collect()
    }

    /// The header columns that are spec columns of this feed, with their index.
    pub(crate) fn checked_columns(&self) -> &[(usize, FeedColumn)] {
        &self.checked
    }
}

fn list_names(ids: impl Iterator<Item = ColumnId>) -> String {
    ids.map(|c| format!("`{}`", c.name()))
        .collect::<Vec<_>>()
        .join(", ")
}

pub(super) fn fix(message: impl Into<String>, replacement: Option<String>) -> Fix {
    Fix {
        message: message.into(),
        replacement,
    }
}

pub(super) fn header_diag(
    rule: &'static str,
    severity: Severity,
    column: Option<&str>,
    message: String,
    fix: Option<Fix>,
) -> Diagnostic {
    Diagnostic {
        rule,
        severity,
        row: None,
        column: column.map(str::to_owned),
        value: None,
        message,
        fix,
    }
}

fn unknown_column(kind: FeedKind, name: &str) -> Diagnostic {
    match spec::suggest(kind, name) {
        Some(Suggestion::Alias { column, note }) => header_diag(
            "column_alias",
            Severity::Warning,
            Some(name),
            format!(
                "`{name}` is not a Stripe column; did you mean `{}`{note}?",
                column.name()
            ),
            // Renaming is a one-click fix only when the meaning is the same.
            Some(fix(
                format!("Rename the column to `{}`{note}.", column.name()),
                note.is_empty().then(|| column.name().to_owned()),
            )),
        ),
        Some(Suggestion::NoEquivalent { note }) => header_diag(
            "unknown_column",
            Severity::Info,
            Some(name),
            format!("`{name}` comes from another feed spec and Stripe ignores it."),
            Some(fix(note, None)),
        ),
        Some(Suggestion::NearMiss { column }) => header_diag(
            "column_misspelled",
            Severity::Warning,
            Some(name),
            format!(
                "`{name}` is not a Stripe column; did you mean `{}`?",
                column.name()
            ),
            Some(fix(
                format!("Rename the column to `{}`.", column.name()),
                Some(column.name().to_owned()),
            )),
        ),
        None => header_diag(
            "unknown_column",
            Severity::Info,
            Some(name),
            format!("`{name}` is not a column of the {kind} feed; Stripe ignores it."),
            Some(fix("Keep it for your own use or delete it.", None)),
        ),
    }
}
