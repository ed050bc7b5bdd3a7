//! Which rows the grid shows and in what order: a filter and a sort over display positions.
//! The file's own order is never changed, so saving writes rows where they were. Small
//! tables are arranged on the spot; big ones on the worker, because a sort of a million
//! rows takes a moment.

use std::collections::HashSet;

use super::{RowId, Table};
use crate::feed::Severity;

/// Which rows the grid shows.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Filter {
    /// Every row.
    #[default]
    All,
    /// Rows with at least one error.
    Errors,
    /// Rows with a finding of this rule.
    Rule(&'static str),
    /// Rows whose cell in `col` equals `value`.
    Value {
        /// Column.
        col: usize,
        /// Exact value.
        value: String,
    },
    /// Rows an import reported errors for.
    ImportErrors,
}

/// A filter, a sort and what the filter needs to know.
#[derive(Debug, Clone, Default)]
pub struct Arrangement {
    /// Which rows.
    pub filter: Filter,
    /// Sort by this column, ascending when true.
    pub sort: Option<(usize, bool)>,
    /// Rows with import errors (for [`Filter::ImportErrors`]).
    pub import_rows: HashSet<RowId>,
}

impl Arrangement {
    /// True when every row shows in file order (nothing to compute).
    #[must_use]
    pub fn is_identity(&self) -> bool {
        self.filter == Filter::All && self.sort.is_none()
    }
}

/// The display positions to show, in order; `None` for every row in order.
#[must_use]
pub fn arrange(t: &Table, a: &Arrangement) -> Option<Vec<u32>> {
    if a.is_identity() {
        return None;
    }
    let n = t.row_count() as u32;
    let mut rows: Vec<u32> = match &a.filter {
        Filter::All => (0..n).collect(),
        Filter::Errors => (0..n)
            .filter(|&r| t.row_severity(r as usize) == Some(Severity::Error))
            .collect(),
        Filter::Rule(rule) => (0..n)
            .filter(|&r| t.row_has_rule(r as usize, rule))
            .collect(),
        Filter::Value { col, value } => (0..n)
            .filter(|&r| t.cell(r as usize, *col) == value.as_str())
            .collect(),
        Filter::ImportErrors => (0..n)
            .filter(|&r| {
                t.row_id(r as usize)
                    .is_some_and(|id| a.import_rows.contains(&id))
            })
            .collect(),
    };
    if let Some((col, ascending)) = a.sort {
        let keys: Vec<String> = rows
            .iter()
            .map(|&r| t.cell(r as usize, col).into_owned())
            .collect();
        let mut idx: Vec<usize> = (0..rows.len()).collect();
        idx.sort_by(|&x, &y| {
            let o = natural_cmp(&keys[x], &keys[y]);
            if ascending { o } else { o.reverse() }
        });
        rows = idx.into_iter().map(|i| rows[i]).collect();
    }
    Some(rows)
}

/// Distinct values of column `col` with their counts, most frequent first.
#[must_use]
pub fn value_counts(t: &Table, col: usize) -> Vec<(String, usize)> {
    let mut counts: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for r in 0..t.row_count() {
        let v = t.cell(r, col);
        match counts.get_mut(v.as_ref()) {
            Some(c) => *c += 1,
            None => {
                counts.insert(v.into_owned(), 1);
            }
        }
    }
    let mut out: Vec<(String, usize)> = counts.into_iter().collect();
    out.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    out
}

/// Compares by leading number when both values start with one ("9.00 USD" before
/// "12.00 USD"), else as text.
fn natural_cmp(a: &str, b: &str) -> std::cmp::Ordering {
    let lead = |s: &str| s.split_whitespace().next()?.parse::<f64>().ok();
    match (lead(a), lead(b)) {
        (Some(x), Some(y)) => x.total_cmp(&y).then_with(|| a.cmp(b)),
        _ => a.cmp(b),
    }
}
