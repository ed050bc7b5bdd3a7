//! The issue summary the Catalog view shows: findings counted by severity and grouped by
//! rule, with each group's first findings (and their one-click fixes). Computed on the worker
//! right after a load, and again after edits.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};

use super::{FindingCounts, FindingKind, Table};
use crate::feed::{Diagnostic, Severity};

/// How many findings per rule the issues panel keeps (the count is always complete).
const FINDINGS_PER_GROUP: usize = 30;

/// One finding as the issues panel shows it.
#[derive(Debug, Clone)]
pub struct IssueLine {
    /// Display row, `None` for file-level findings.
    pub row: Option<usize>,
    /// Column, when the finding names one that exists.
    pub col: Option<usize>,
    /// The sentence.
    pub message: String,
    /// The safe mechanical replacement, when the validator offers one.
    pub replacement: Option<String>,
}

/// Findings of one rule.
#[derive(Debug, Clone)]
pub struct IssueSummary {
    /// Rule id.
    pub rule: &'static str,
    /// Worst severity.
    pub severity: Severity,
    /// How many findings.
    pub count: usize,
    /// How many of them have a one-click fix.
    pub fixable: usize,
    /// The first findings.
    pub lines: Vec<IssueLine>,
}

/// Every finding of a table, counted and grouped.
#[derive(Debug, Clone, Default)]
pub struct IssueReport {
    /// Counts by severity.
    pub counts: FindingCounts,
    /// Groups by rule: errors first, then warnings, then notes.
    pub groups: Vec<IssueSummary>,
}

/// Counts and groups built up finding by finding.
struct Tally {
    /// Column name -> index of the first column with that name.
    col_of: HashMap<String, usize>,
    counts: FindingCounts,
    groups: HashMap<&'static str, IssueSummary>,
}

impl Tally {
    /// Counts one finding; returns its group.
    fn count(
        &mut self,
        rule: &'static str,
        severity: Severity,
        fixable: bool,
    ) -> &mut IssueSummary {
        match severity {
            Severity::Error => self.counts.errors += 1,
            Severity::Warning => self.counts.warnings += 1,
            Severity::Info => self.counts.infos += 1,
        }
        let g = self.groups.entry(rule).or_insert_with(|| IssueSummary {
            rule,
            severity,
            count: 0,
            fixable: 0,
            lines: Vec::new(),
        });
        g.severity = g.severity.max(severity);
        g.count += 1;
        if fixable {
            g.fixable += 1;
        }
        g
    }

    /// Counts one finding and lists it while its group has room.
    fn add(&mut self, d: &Diagnostic, row: Option<usize>) {
        let col = d
            .column
            .as_deref()
            .and_then(|c| self.col_of.get(c).copied());
        let replacement = match (row, col) {
            (Some(_), Some(_)) => d.fix.as_ref().and_then(|f| f.replacement.clone()),
            _ => None,
        };
        let g = self.count(d.rule, d.severity, replacement.is_some());
        if g.lines.len() < FINDINGS_PER_GROUP {
            g.lines.push(IssueLine {
                row,
                col,
                message: d.message.clone(),
                replacement,
            });
        }
    }

    /// True when a group of these findings still lists lines.
    fn wants_lines(&self, kinds: &[FindingKind]) -> bool {
        kinds.iter().any(|k| {
            self.groups
                .get(k.rule)
                .is_none_or(|g| g.lines.len() < FINDINGS_PER_GROUP)
        })
    }
}

/// Counts and groups every finding: one pass over the rows in display order, so each
/// group's first findings come out in order without sorting.
#[must_use]
pub fn summarize(t: &Table) -> IssueReport {
    summarize_until(t, &AtomicBool::new(false)).unwrap_or_default()
}

/// Like [`summarize`], giving up (`None`) soon after `cancel` is set: a background summary
/// stops as soon as the user edits again.
#[must_use]
pub fn summarize_until(t: &Table, cancel: &AtomicBool) -> Option<IssueReport> {
    let mut col_of: HashMap<String, usize> = HashMap::new();
    for (i, name) in t.header().into_iter().enumerate() {
        col_of.entry(name.into_owned()).or_insert(i);
    }
    let mut tally = Tally {
        col_of,
        counts: FindingCounts::default(),
        groups: HashMap::new(),
    };
    for d in t.file_findings() {
        tally.add(d, None);
    }
    for r in 0..t.row_count() {
        // Checked on every row (a relaxed load costs next to nothing): an edit waits for this
        // thread to stop before it changes the table, and the first rows, whose findings are
        // spelled out for the panel, each take a full row check.
        if cancel.load(Ordering::Relaxed) {
            return None;
        }
        let kinds = t.row_finding_kinds(r);
        if kinds.is_empty() {
            continue;
        }
        // The text of a row's findings is built again (one row check) only while one of
        // their groups still lists lines; otherwise counting their kinds is enough.
        if tally.wants_lines(&kinds) {
            for d in t.row_findings(r) {
                tally.add(&d, Some(r));
            }
        } else {
            for k in &kinds {
                tally.count(k.rule, k.severity, k.fixable && k.col.is_some());
            }
        }
    }
    let Tally { counts, groups, .. } = tally;
    let mut issues: Vec<IssueSummary> = groups.into_values().collect();
    issues.sort_by(|a, b| b.severity.cmp(&a.severity).then(a.rule.cmp(b.rule)));
    Some(IssueReport {
        counts,
        groups: issues,
    })
}

#[cfg(test)]
mod tests {
    use std::fmt::Write as _;

    use super::*;

    #[test]
    fn summary_counts_every_finding_and_lists_the_first_of_each_rule() {
        let mut src = String::from("id,title,availability,price\n");
        for i in 0..100 {
            let _ = writeln!(src, "SKU-{i},Tee {i},in stock,5.00 USD");
        }
        let t = Table::from_bytes(src.into_bytes());
        let report = summarize(&t);
        assert_eq!(report.counts, t.finding_counts());
        let groups = t.issue_groups();
        for g in &report.groups {
            let full = groups
                .iter()
                .find(|f| f.rule == g.rule)
                .expect("same rules");
            assert_eq!(g.count, full.findings.len(), "{}", g.rule);
            assert_eq!(g.severity, full.severity, "{}", g.rule);
        }
        let e = report
            .groups
            .iter()
            .find(|g| g.rule == "enum")
            .expect("`in stock` is not an availability");
        assert_eq!((e.count, e.fixable), (100, 100));
        assert_eq!(e.lines.len(), FINDINGS_PER_GROUP);
        let rows: Vec<Option<usize>> = e.lines.iter().map(|l| l.row).collect();
        let first: Vec<Option<usize>> = (0..FINDINGS_PER_GROUP).map(Some).collect();
        assert_eq!(rows, first);
        assert_eq!(e.lines[0].replacement.as_deref(), Some("in_stock"));
        assert_eq!(e.lines[0].col, Some(2));
    }
}
