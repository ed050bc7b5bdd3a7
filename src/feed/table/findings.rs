//! The table's validation state: every row checked at load (on all cores), then only the
//! rows an edit touched, plus the cross-row index (duplicate ids, variant groups). Answers
//! the grid (worst severity and messages per cell), the row view and the issues panel.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use super::row_findings::{self, Compact, NO_KEY, RowFindings, Slot};
use super::{ColKey, RowId, Table, TableError};
use crate::feed::io::IoError;
use crate::feed::schema::Schema;
use crate::feed::validate::{self, CrossRow};
use crate::feed::{Diagnostic, FeedKind, Severity};

/// The per-row check the table runs: same signature as [`validate::check_row`], which is
/// the default. `row` is the table's stable row id plus one.
pub type RowChecker = fn(&Schema, u64, &[&str], &mut Vec<Diagnostic>);

/// Cross-row findings on one row (duplicate ids, variant groups), kept whole since they
/// come from the cross-row index, with the worst severity per cell precomputed for the grid.
#[derive(Debug, Default)]
struct CrossFindings {
    diagnostics: Vec<Diagnostic>,
    cells: Vec<(ColKey, Severity)>,
}

/// Validation state kept alongside the table.
#[derive(Debug)]
pub(super) struct Validation {
    schema: Schema,
    cross: CrossRow,
    checker: RowChecker,
    /// Column name -> key of the first column with that name.
    key_of_name: HashMap<String, ColKey>,
    /// Per-row findings, compact (see [`Compact`]).
    by_row: RowFindings,
    cross_by_row: HashMap<RowId, CrossFindings>,
    /// Cross-row findings not tied to one row, header findings and load notes.
    file_level: Vec<Diagnostic>,
    notes: Vec<Diagnostic>,
    header: Vec<Diagnostic>,
    rows_checked: u64,
}

impl Validation {
    /// State before the header is known.
    pub(super) fn placeholder() -> Self {
        Self::new(FeedKind::Product, &[])
    }

    pub(super) fn new(kind: FeedKind, header: &[std::borrow::Cow<'_, str>]) -> Self {
        let names: Vec<&str> = header.iter().map(AsRef::as_ref).collect();
        let schema = Schema::new(kind, &names);
        Validation {
            cross: CrossRow::new(&schema),
            header: schema.header_diagnostics(),
            schema,
            checker: validate::check_row,
            key_of_name: HashMap::new(),
            by_row: RowFindings::default(),
            cross_by_row: HashMap::new(),
            file_level: Vec::new(),
            notes: Vec::new(),
            rows_checked: 0,
        }
    }

    pub(super) fn set_notes(&mut self, notes: Vec<Diagnostic>) {
        self.notes = notes;
    }

    fn key_of(&self, d: &Diagnostic) -> Option<ColKey> {
        d.column
            .as_deref()
            .and_then(|c| self.key_of_name.get(c))
            .copied()
    }

    /// The compact form of one row's findings.
    fn compact(&self, diagnostics: &[Diagnostic]) -> Slot {
        let found: Vec<Compact> = diagnostics
            .iter()
            .map(|d| Compact {
                rule: row_findings::rule_index(d.rule),
                key: self.key_of(d).unwrap_or(NO_KEY),
                severity: d.severity,
                fixable: d.fix.as_ref().is_some_and(|f| f.replacement.is_some()),
            })
            .collect();
        Slot::new(&found)
    }

    fn summarize_cross(&self, diagnostics: Vec<Diagnostic>) -> CrossFindings {
        let mut cells: Vec<(ColKey, Severity)> = Vec::new();
        for d in &diagnostics {
            let Some(key) = self.key_of(d) else {
                continue;
            };
            match cells.iter_mut().find(|(k, _)| *k == key) {
                Some((_, s)) => *s = (*s).max(d.severity),
                None => cells.push((key, d.severity)),
            }
        }
        CrossFindings { diagnostics, cells }
    }
}

/// Counts of findings by severity.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FindingCounts {
    /// Errors (Stripe would reject the row or the file).
    pub errors: usize,
    /// Warnings.
    pub warnings: usize,
    /// Infos.
    pub infos: usize,
}

/// One finding placed in the table as it is now.
#[derive(Debug, Clone)]
pub struct Finding<'a> {
    /// Display row (0-based), `None` for findings about the file or the header.
    pub row: Option<usize>,
    /// Column index, when the finding names a column that exists.
    pub col: Option<usize>,
    /// The finding. Its `row` field holds the table's row id plus one, not a display row:
    /// use [`Finding::row`]. Borrowed for findings about the file, built from the row's
    /// cells for findings on a row.
    pub diagnostic: Cow<'a, Diagnostic>,
}

/// What a finding is and where, without its text: cheap to list, for counting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FindingKind {
    /// Stable rule id.
    pub rule: &'static str,
    /// Error, warning or info.
    pub severity: Severity,
    /// Column index, when the finding names a column that exists.
    pub col: Option<usize>,
    /// True when the finding offers a one-click replacement value.
    pub fixable: bool,
}

/// Findings of one rule, for the issues panel.
#[derive(Debug, Clone)]
pub struct IssueGroup<'a> {
    /// Stable rule id.
    pub rule: &'static str,
    /// The worst severity among them.
    pub severity: Severity,
    /// The findings, file-level first, then by display row.
    pub findings: Vec<Finding<'a>>,
}

impl Table {
    /// Replaces the per-row check (tests and tools that add their own rules) and
    /// re-validates every row.
    #[must_use]
    pub fn with_row_checker(mut self, checker: RowChecker) -> Self {
        self.validation.checker = checker;
        let never = AtomicBool::new(false);
        // Cannot fail: nothing sets `never`.
        let _ = self.revalidate_all(&never, &mut |_| {});
        self
    }

    /// Validates against another feed kind (re-checks every row).
    pub fn set_feed_kind(&mut self, kind: FeedKind) {
        let checker = self.validation.checker;
        let rows_done = self.validation.rows_checked;
        self.validation = Validation::new(kind, &self.header());
        self.validation.checker = checker;
        self.validation.rows_checked = rows_done;
        self.validation.set_notes(self.load_notes());
        let never = AtomicBool::new(false);
        let _ = self.revalidate_all(&never, &mut |_| {});
    }

    /// The feed kind rows are validated against.
    #[must_use]
    pub fn feed_kind(&self) -> FeedKind {
        self.validation.schema.kind()
    }

    /// How many row checks have run since load (a full pass counts every row): shows that
    /// an edit re-checks only what it touched.
    #[must_use]
    pub fn rows_checked(&self) -> u64 {
        self.validation.rows_checked
    }

    /// Worst severity of the findings on one cell (for colouring the grid).
    #[must_use]
    pub fn cell_severity(&self, row: usize, col: usize) -> Option<Severity> {
        let id = *self.order.get(row)?;
        let key = self.columns.get(col)?.key;
        let v = &self.validation;
        let own = v
            .by_row
            .get(id)
            .iter()
            .filter(|f| f.key == key)
            .map(|f| f.severity);
        let cross = v
            .cross_by_row
            .get(&id)
            .into_iter()
            .flat_map(|f| f.cells.iter())
            .filter(|(k, _)| *k == key)
            .map(|&(_, s)| s);
        own.chain(cross).max()
    }

    /// The findings on one cell (for the hover text).
    #[must_use]
    pub fn cell_findings(&self, row: usize, col: usize) -> Vec<Diagnostic> {
        let name = self.column_name(col);
        if self.column_index(&name) != Some(col) {
            return Vec::new();
        }
        self.row_findings(row)
            .into_iter()
            .filter(|d| d.column.as_deref() == Some(&*name))
            .collect()
    }

    /// Every finding on one row (per-row and cross-row). The per-row ones are built again
    /// from the row's cells, so this costs one row check.
    #[must_use]
    pub fn row_findings(&self, row: usize) -> Vec<Diagnostic> {
        match self.order.get(row) {
            Some(&id) => self.findings_of(id),
            None => Vec::new(),
        }
    }

    /// True when row `row` has a finding of `rule` (cheap: no row check runs).
    #[must_use]
    pub fn row_has_rule(&self, row: usize, rule: &str) -> bool {
        let Some(id) = self.order.get(row) else {
            return false;
        };
        let v = &self.validation;
        v.by_row
            .get(*id)
            .iter()
            .any(|f| row_findings::rule_name(f.rule) == rule)
            || v.cross_by_row
                .get(id)
                .is_some_and(|f| f.diagnostics.iter().any(|d| d.rule == rule))
    }

    /// What the findings on one row are, in the order of [`Table::row_findings`], without
    /// building their text (no row check runs).
    #[must_use]
    pub fn row_finding_kinds(&self, row: usize) -> Vec<FindingKind> {
        let Some(&id) = self.order.get(row) else {
            return Vec::new();
        };
        let v = &self.validation;
        let own = v.by_row.get(id).iter().map(|f| FindingKind {
            rule: row_findings::rule_name(f.rule),
            severity: f.severity,
            col: self.columns.iter().position(|c| c.key == f.key),
            fixable: f.fixable,
        });
        let cross = v
            .cross_by_row
            .get(&id)
            .into_iter()
            .flat_map(|f| f.diagnostics.iter())
            .map(|d| FindingKind {
                rule: d.rule,
                severity: d.severity,
                col: d.column.as_deref().and_then(|c| self.column_index(c)),
                fixable: d.fix.as_ref().is_some_and(|f| f.replacement.is_some()),
            });
        own.chain(cross).collect()
    }

    /// Worst severity on one row.
    #[must_use]
    pub fn row_severity(&self, row: usize) -> Option<Severity> {
        let id = self.order.get(row)?;
        let v = &self.validation;
        let own = v.by_row.get(*id).iter();
        let cross = v.cross_by_row.get(id).into_iter();
        own.map(|f| f.severity)
            .chain(cross.flat_map(|f| f.diagnostics.iter().map(|d| d.severity)))
            .max()
    }

    /// Findings about the file and its header (encoding, missing columns, unknown names).
    #[must_use]
    pub fn file_findings(&self) -> Vec<&Diagnostic> {
        let v = &self.validation;
        v.notes
            .iter()
            .chain(&v.header)
            .chain(&v.file_level)
            .collect()
    }

    /// Counts of all current findings by severity.
    #[must_use]
    pub fn finding_counts(&self) -> FindingCounts {
        let v = &self.validation;
        let mut c = FindingCounts::default();
        let file = self.file_findings().into_iter().map(|d| d.severity);
        let own = v
            .by_row
            .iter()
            .filter(|(id, _)| self.position_of(*id).is_some())
            .flat_map(|(_, f)| f.iter().map(|f| f.severity));
        let cross = v
            .cross_by_row
            .iter()
            .filter(|(id, _)| self.position_of(**id).is_some())
            .flat_map(|(_, f)| f.diagnostics.iter().map(|d| d.severity));
        for s in file.chain(own).chain(cross) {
            match s {
                Severity::Error => c.errors += 1,
                Severity::Warning => c.warnings += 1,
                Severity::Info => c.infos += 1,
            }
        }
        c
    }

    /// All findings grouped by rule: errors first, then warnings, then infos; each group in
    /// file order (file-level findings first). Builds every row finding's text again, so
    /// this costs a check of every row with findings.
    #[must_use]
    pub fn issue_groups(&self) -> Vec<IssueGroup<'_>> {
        let mut groups: BTreeMap<&'static str, IssueGroup<'_>> = BTreeMap::new();
        for f in self.all_findings() {
            let g = groups
                .entry(f.diagnostic.rule)
                .or_insert_with(|| IssueGroup {
                    rule: f.diagnostic.rule,
                    severity: f.diagnostic.severity,
                    findings: Vec::new(),
                });
            g.severity = g.severity.max(f.diagnostic.severity);
            g.findings.push(f);
        }
        let mut out: Vec<IssueGroup<'_>> = groups.into_values().collect();
        for g in &mut out {
            g.findings
                .sort_by_key(|f| (f.row.map_or(0, |r| r + 1), f.col));
        }
        out.sort_by(|a, b| b.severity.cmp(&a.severity).then(a.rule.cmp(b.rule)));
        out
    }

    fn all_findings(&self) -> Vec<Finding<'_>> {
        let v = &self.validation;
        let mut out: Vec<Finding<'_>> = self
            .file_findings()
            .into_iter()
            .map(|d| Finding {
                row: None,
                col: d.column.as_deref().and_then(|c| self.column_index(c)),
                diagnostic: Cow::Borrowed(d),
            })
            .collect();
        let mut ids: Vec<RowId> = v
            .by_row
            .iter()
            .map(|(id, _)| id)
            .chain(v.cross_by_row.keys().copied())
            .collect();
        ids.sort_unstable();
        ids.dedup();
        for id in ids {
            let Some(row) = self.position_of(id) else {
                continue;
            };
            out.extend(self.findings_of(id).into_iter().map(|d| Finding {
                row: Some(row),
                col: d.column.as_deref().and_then(|c| self.column_index(c)),
                diagnostic: Cow::Owned(d),
            }));
        }
        out
    }

    /// The findings of row `id`: its own, built again from its cells, then the cross-row
    /// ones.
    fn findings_of(&self, id: RowId) -> Vec<Diagnostic> {
        let v = &self.validation;
        let mut out = Vec::new();
        if v.by_row.has(id) {
            let fields = self.row_fields(id);
            let refs: Vec<&str> = fields.iter().map(AsRef::as_ref).collect();
            (v.checker)(&v.schema, u64::from(id) + 1, &refs, &mut out);
        }
        if let Some(cross) = v.cross_by_row.get(&id) {
            out.extend(cross.diagnostics.iter().cloned());
        }
        out
    }

    // ----- keeping findings up to date ---------------------------------------------------

    /// Before rows change: takes them out of the cross-row index. Returns the ids to
    /// re-check afterwards.
    pub(super) fn begin_row_change(&mut self, ids: &[RowId]) -> Vec<RowId> {
        let mut ids = ids.to_vec();
        ids.sort_unstable();
        ids.dedup();
        self.rows_removing(&ids);
        ids
    }

    /// After rows changed: checks them again and puts them back in the cross-row index.
    pub(super) fn end_row_change(&mut self, ids: Vec<RowId>) {
        let live: Vec<RowId> = ids
            .into_iter()
            .filter(|&id| self.position_of(id).is_some())
            .collect();
        self.rows_added(&live);
    }

    /// Rows about to leave the table (or change): out of the index, findings dropped.
    /// Call [`Table::refresh_cross`] (or `rows_added`) afterwards.
    pub(super) fn rows_removing(&mut self, ids: &[RowId]) {
        for &id in ids {
            if self.position_of(id).is_none() {
                continue;
            }
            let fields = self.owned_fields(id);
            let refs: Vec<&str> = fields.iter().map(String::as_str).collect();
            let v = &mut self.validation;
            v.cross.remove(&v.schema, u64::from(id) + 1, &refs);
            v.by_row.remove(id);
        }
    }

    /// Rows now in the table (new, restored or changed): checked and indexed.
    pub(super) fn rows_added(&mut self, ids: &[RowId]) {
        let mut out = Vec::new();
        for &id in ids {
            let fields = self.owned_fields(id);
            let refs: Vec<&str> = fields.iter().map(String::as_str).collect();
            let v = &mut self.validation;
            (v.checker)(&v.schema, u64::from(id) + 1, &refs, &mut out);
            v.cross.insert(&v.schema, u64::from(id) + 1, &refs);
            v.rows_checked += 1;
            if !out.is_empty() {
                let summary = v.compact(&out);
                v.by_row.set(id, summary);
                out.clear();
            }
        }
        self.refresh_cross();
    }

    /// The header changed (a column added, removed or renamed): new schema, every row
    /// checked again.
    pub(super) fn columns_changed(&mut self) {
        let kind = self.feed_kind();
        let checker = self.validation.checker;
        let rows_done = self.validation.rows_checked;
        let notes = std::mem::take(&mut self.validation.notes);
        self.validation = Validation::new(kind, &self.header());
        self.validation.checker = checker;
        self.validation.rows_checked = rows_done;
        self.validation.notes = notes;
        let never = AtomicBool::new(false);
        let _ = self.revalidate_all(&never, &mut |_| {});
    }

    /// A row's fields as owned strings (so the validation state can change meanwhile).
    fn owned_fields(&self, id: RowId) -> Vec<String> {
        self.row_fields(id)
            .into_iter()
            .map(std::borrow::Cow::into_owned)
            .collect()
    }

    /// Rebuilds the per-cell view of the cross-row findings.
    pub(super) fn refresh_cross(&mut self) {
        let v = &mut self.validation;
        let mut per_row: HashMap<RowId, Vec<Diagnostic>> = HashMap::new();
        v.file_level.clear();
        for d in v.cross.diagnostics() {
            match d.row.and_then(|r| RowId::try_from(r.checked_sub(1)?).ok()) {
                Some(id) => per_row.entry(id).or_default().push(d),
                None => v.file_level.push(d),
            }
        }
        v.cross_by_row = per_row
            .into_iter()
            .map(|(id, ds)| (id, v.summarize_cross(ds)))
            .collect();
    }

    /// Checks every row on all cores while this thread builds the cross-row index.
    /// `progress` gets the fraction done.
    pub(super) fn revalidate_all(
        &mut self,
        cancel: &AtomicBool,
        progress: &mut dyn FnMut(f64),
    ) -> Result<(), TableError> {
        let names: Vec<String> = self
            .header()
            .into_iter()
            .map(std::borrow::Cow::into_owned)
            .collect();
        let mut key_of_name = HashMap::new();
        for (c, name) in self.columns.iter().zip(&names) {
            key_of_name.entry(name.clone()).or_insert(c.key);
        }
        self.validation.key_of_name = key_of_name;
        let threads = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
        let chunk = self.order.len().div_ceil(threads).max(1);
        let done = AtomicU64::new(0);
        let total = self.order.len().max(1) as f64;
        let this = &*self;
        let v = &this.validation;
        let (results, cross) = std::thread::scope(|s| {
            let handles: Vec<_> = this
                .order
                .chunks(chunk)
                .map(|ids| {
                    let done = &done;
                    s.spawn(move || -> Option<Vec<Slot>> {
                        let mut found = Vec::with_capacity(ids.len());
                        let mut out = Vec::new();
                        for (i, &id) in ids.iter().enumerate() {
                            if i % 4096 == 4095 {
                                done.fetch_add(4096, Ordering::Relaxed);
                                if cancel.load(Ordering::Relaxed) {
                                    return None;
                                }
                            }
                            let fields = this.row_fields(id);
                            let refs: Vec<&str> = fields.iter().map(AsRef::as_ref).collect();
                            (v.checker)(&v.schema, u64::from(id) + 1, &refs, &mut out);
                            found.push(v.compact(&out));
                            out.clear();
                        }
                        Some(found)
                    })
                })
                .collect();
            let mut cross = CrossRow::new(&v.schema);
            for (i, &id) in this.order.iter().enumerate() {
                if i % 4096 == 0 {
                    if cancel.load(Ordering::Relaxed) {
                        break;
                    }
                    progress(done.load(Ordering::Relaxed) as f64 / total);
                }
                let fields = this.row_fields(id);
                let refs: Vec<&str> = fields.iter().map(AsRef::as_ref).collect();
                cross.insert(&v.schema, u64::from(id) + 1, &refs);
            }
            let results: Vec<_> = handles
                .into_iter()
                .map(std::thread::ScopedJoinHandle::join)
                .collect();
            (results, cross)
        });
        if cancel.load(Ordering::Relaxed) {
            return Err(IoError::Cancelled.into());
        }
        let mut by_row = RowFindings::default();
        for (r, ids) in results.into_iter().zip(self.order.chunks(chunk)) {
            match r {
                Ok(Some(found)) => {
                    for (&id, slot) in ids.iter().zip(found) {
                        by_row.set(id, slot);
                    }
                }
                Ok(None) => return Err(IoError::Cancelled.into()),
                // A rule panicked: re-raise it here rather than hide it.
                Err(panic) => std::panic::resume_unwind(panic),
            }
        }
        let v = &mut self.validation;
        v.by_row = by_row;
        v.cross = cross;
        v.rows_checked += self.order.len() as u64;
        progress(1.0);
        self.refresh_cross();
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::super::Edit;
    use super::*;

    /// What a user sees of one finding (its `row` field is an internal id, left out).
    fn seen(d: &Diagnostic) -> String {
        format!(
            "{} {:?} {:?} {:?} {} {:?}",
            d.rule, d.severity, d.column, d.value, d.message, d.fix
        )
    }

    /// One row's finding texts, kinds and cell severities.
    type RowSeen = (Vec<String>, Vec<FindingKind>, Vec<Option<Severity>>);

    fn all_seen(t: &Table) -> Vec<RowSeen> {
        (0..t.row_count())
            .map(|r| {
                let texts = t.row_findings(r).iter().map(seen).collect();
                let severities = (0..t.column_count())
                    .map(|c| t.cell_severity(r, c))
                    .collect();
                (texts, t.row_finding_kinds(r), severities)
            })
            .collect()
    }

    #[test]
    fn findings_after_edits_match_a_fresh_load_of_the_result() {
        let src = "id,title,availability,price,gtin\n\
                   A,Tee,in_stock,5.00 USD,0123456789012\n\
                   B,TEE IN CAPS,in stock,5 USD,\n\
                   C,Mug,preorder,7.00 EUR,4006381333931\n";
        let mut t = Table::from_bytes(src.as_bytes().to_vec());
        t.set_cell(0, 2, "In Stock").unwrap();
        t.apply(Edit::InsertRows { at: 1, count: 1 }).unwrap();
        t.set_cell(1, 0, "D").unwrap();
        t.apply(Edit::DeleteRows { rows: vec![3] }).unwrap();
        t.apply(Edit::InsertColumn {
            at: 1,
            name: "color".into(),
        })
        .unwrap();
        t.apply(Edit::RenameColumn {
            col: 4,
            name: "prize".into(),
        })
        .unwrap();
        t.undo();
        t.undo();
        t.redo();
        let fresh = Table::from_bytes(t.to_bytes());
        assert_eq!(all_seen(&t), all_seen(&fresh));
        assert_eq!(t.finding_counts(), fresh.finding_counts());
        assert!(t.finding_counts().errors > 0);
        let kinds = t.row_finding_kinds(0);
        let texts = t.row_findings(0);
        assert_eq!(kinds.len(), texts.len());
        for (k, d) in kinds.iter().zip(&texts) {
            assert_eq!((k.rule, k.severity), (d.rule, d.severity));
            assert_eq!(
                k.fixable,
                d.fix.as_ref().is_some_and(|f| f.replacement.is_some())
            );
        }
        assert!(kinds.iter().any(|k| k.rule == "enum" && k.fixable));
    }
}
