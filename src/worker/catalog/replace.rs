//! Find and replace over a table: plain text or a regular expression, in every column or
//! one, over the rows shown. Used on the spot for small tables and on the worker for big ones.

use regex::Regex;

use crate::feed::table::{CellValue, Table};

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
    /// Compiles `r.find`; a bad pattern comes back as the regex crate's explanation.
    pub fn new(r: &Replace) -> Result<Self, regex::Error> {
        if r.regex {
            Regex::new(&r.find).map(Matcher::Regex)
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
}
