//! The issue summary the Catalog view shows: findings counted by severity and grouped by
//! rule, with each group's first findings (and their one-click fixes). Computed on the worker
//! right after a load, and again after edits.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};

use crate::feed::Severity;
use crate::feed::table::{FindingCounts, Table};

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
    let mut counts = FindingCounts::default();
    let mut groups: HashMap<&'static str, IssueSummary> = HashMap::new();
    let mut add = |d: &crate::feed::Diagnostic, row: Option<usize>| {
        match d.severity {
            Severity::Error => counts.errors += 1,
            Severity::Warning => counts.warnings += 1,
            Severity::Info => counts.infos += 1,
        }
        let g = groups.entry(d.rule).or_insert_with(|| IssueSummary {
            rule: d.rule,
            severity: d.severity,
            count: 0,
            fixable: 0,
            lines: Vec::new(),
        });
        g.severity = g.severity.max(d.severity);
        g.count += 1;
        let col = d.column.as_deref().and_then(|c| col_of.get(c).copied());
        let replacement = match (row, col) {
            (Some(_), Some(_)) => d.fix.as_ref().and_then(|f| f.replacement.clone()),
            _ => None,
        };
        if replacement.is_some() {
            g.fixable += 1;
        }
        if g.lines.len() < FINDINGS_PER_GROUP {
            g.lines.push(IssueLine {
                row,
                col,
                message: d.message.clone(),
                replacement,
            });
        }
    };
    for d in t.file_findings() {
        add(d, None);
    }
    for r in 0..t.row_count() {
        if r % 4096 == 0 && cancel.load(Ordering::Relaxed) {
            return None;
        }
        for d in t.row_findings(r) {
            add(&d, Some(r));
        }
    }
    let mut issues: Vec<IssueSummary> = groups.into_values().collect();
    issues.sort_by(|a, b| b.severity.cmp(&a.severity).then(a.rule.cmp(b.rule)));
    Some(IssueReport {
        counts,
        groups: issues,
    })
}
