//! Find and replace over a table: plain text or a regular expression, in every column or
//! one, over the rows shown. The find bar plans a replace-all on the spot for small tables;
//! for big ones the worker runs the same [`ReplacePlan`] off the UI thread.

use regex::Regex;

use super::{CellValue, Edit, Table};

/// What to find and what to write instead.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Replace {
    /// Text or pattern to find.
    pub find: String,
    /// Replacement (`$1` refers to a group when `regex`).
    pub with: String,
    /// `find` is a regular expression.
    pub regex: bool,
    /// `None` searches every column.
    pub column: Option<usize>,
}

/// A compiled search.
#[derive(Debug, Clone)]
pub enum Matcher {
    /// Plain text.
    Plain(String),
    /// A regular expression.
    Regex(Regex),
}

impl Matcher {
    /// Compiles `r.find`; a bad pattern comes back with the regex crate's explanation.
    pub fn new(r: &Replace) -> Result<Self, ReplaceError> {
        if r.regex {
            Ok(Regex::new(&r.find).map(Matcher::Regex)?)
        } else {
            Ok(Matcher::Plain(r.find.clone()))
        }
    }

    /// True when `s` contains a match.
    #[must_use]
    pub fn is_match(&self, s: &str) -> bool {
        match self {
            Matcher::Plain(p) => s.contains(p.as_str()),
            Matcher::Regex(r) => r.is_match(s),
        }
    }

    /// `s` with every match replaced.
    #[must_use]
    pub fn replace(&self, s: &str, with: &str) -> String {
        match self {
            Matcher::Plain(p) => s.replace(p.as_str(), with),
            Matcher::Regex(r) => r.replace_all(s, with).into_owned(),
        }
    }
}

/// Why a search or a replace cannot run.
#[derive(Debug, Clone, thiserror::Error)]
pub enum ReplaceError {
    /// The pattern is not a valid regular expression.
    #[error("The regular expression does not parse: {0}")]
    BadPattern(#[from] regex::Error),
}

/// A replace-all worked out over a table: every cell it changes, to apply as one undoable
/// edit.
#[derive(Debug, Clone)]
pub struct ReplacePlan {
    cells: Vec<CellValue>,
}

impl ReplacePlan {
    /// Finds every cell that `r`, compiled as `m`, changes over the rows `shown` (display
    /// positions; `None`: every row).
    #[must_use]
    pub fn new(t: &Table, shown: Option<&[u32]>, r: &Replace, m: &Matcher) -> Self {
        ReplacePlan {
            cells: replace_cells(t, shown, r, m),
        }
    }

    /// How many cells change.
    #[must_use]
    pub fn cell_count(&self) -> usize {
        self.cells.len()
    }

    /// The sentence telling the user what the replace did.
    #[must_use]
    pub fn note(&self) -> String {
        let n = self.cells.len();
        let cells = if n == 1 {
            "1 cell".to_owned()
        } else {
            format!("{n} cells")
        };
        format!("Replaced in {cells} (one step: Undo puts them back).")
    }

    /// The one edit that makes the change; `None` when nothing changes.
    #[must_use]
    pub fn into_edit(self) -> Option<Edit> {
        (!self.cells.is_empty()).then_some(Edit::SetCells { cells: self.cells })
    }
}

/// Every cell that changes under `r`, over the rows `shown` (display positions; `None`:
/// every row).
#[must_use]
pub fn replace_cells(t: &Table, shown: Option<&[u32]>, r: &Replace, m: &Matcher) -> Vec<CellValue> {
    let mut out = Vec::new();
    let mut visit = |row: usize| {
        for (c, v) in t.row_cells(row).iter().enumerate() {
            if r.column.is_some_and(|k| k != c) || !m.is_match(v) {
                continue;
            }
            let new = m.replace(v, &r.with);
            if new != *v {
                out.push(CellValue {
                    row,
                    col: c,
                    value: new,
                });
            }
        }
    };
    match shown {
        Some(rows) => rows.iter().for_each(|&row| visit(row as usize)),
        None => (0..t.row_count()).for_each(&mut visit),
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replace_all_in_one_column_with_a_regex() {
        let csv = "id,price,note\nA,\"63,00 EUR\",63,00\nB,\"12,50 EUR\",x\n";
        let t = Table::from_bytes(csv.as_bytes().to_vec());
        let r = Replace {
            find: r"(\d+),(\d\d)".into(),
            with: "$1.$2".into(),
            regex: true,
            column: Some(1),
        };
        let m = Matcher::new(&r).unwrap();
        let cells = replace_cells(&t, None, &r, &m);
        let values: Vec<&str> = cells.iter().map(|c| c.value.as_str()).collect();
        assert_eq!(values, ["63.00 EUR", "12.50 EUR"]);
        let only_b = replace_cells(&t, Some(&[1]), &r, &m);
        assert_eq!(only_b.len(), 1);
    }

    #[test]
    fn a_plan_counts_its_cells_and_becomes_one_edit() {
        let t = Table::from_bytes(b"id,brand\nA,Northline\nB,Other\n".to_vec());
        let r = Replace {
            find: "Northline".into(),
            with: "Eastline".into(),
            regex: false,
            column: None,
        };
        let plan = ReplacePlan::new(&t, None, &r, &Matcher::new(&r).unwrap());
        assert_eq!(plan.cell_count(), 1);
        assert_eq!(
            plan.note(),
            "Replaced in 1 cell (one step: Undo puts them back)."
        );
        assert!(matches!(plan.into_edit(), Some(Edit::SetCells { cells }) if cells.len() == 1));
        let none = Replace {
            find: "Westline".into(),
            ..r
        };
        let m = Matcher::new(&none).unwrap();
        assert!(ReplacePlan::new(&t, None, &none, &m).into_edit().is_none());
        let bad = Replace {
            find: "(".into(),
            regex: true,
            ..Replace::default()
        };
        let err = Matcher::new(&bad).unwrap_err();
        assert!(
            err.to_string()
                .starts_with("The regular expression does not parse: ")
        );
    }
}
