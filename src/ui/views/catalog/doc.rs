//! An open catalog: the table, and what the view derives from it (issue summary, the rows
//! shown after filter and sort, import errors pinned to rows), kept up to date after each
//! change without touching the rows that did not change.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use crate::feed::FeedKind;
pub use crate::feed::table::arrange::{Arrangement, Filter};
pub use crate::feed::table::issues::{IssueReport, IssueSummary};
use crate::feed::table::{Edit, FindingCounts, RowId, Table};
use crate::worker::catalog::{Command, TableSlot};

/// Up to this many rows the issue summary (one pass over every row, about a microsecond per
/// row and finding) is refreshed right after each edit; above, as a worker job once the user
/// pauses, cancelled by the next edit. The grid colours are always current: they come
/// from the table itself.
pub const INLINE_SUMMARY_ROWS: usize = 2_000;

/// How long the user must pause before a background summary starts.
pub const SUMMARY_PAUSE: std::time::Duration = std::time::Duration::from_millis(150);

/// A summary being computed by the worker over a snapshot of the table.
struct SummaryJob {
    cancel: Arc<AtomicBool>,
    revision: u64,
}

/// How long an edit waits for a cancelled summary to let go of its snapshot (it checks
/// between rows, so this is a bound, not a delay).
const SUMMARY_RELEASE: std::time::Duration = std::time::Duration::from_secs(2);

/// What a stale issue summary needs next ([`Document::settle_issues`]).
#[derive(Debug)]
pub enum Settle {
    /// Nothing (up to date, or a summary is running).
    Idle,
    /// Ask again after this long (the user has not paused long enough).
    Wait(std::time::Duration),
    /// Send this job to the worker.
    Start(Command),
}

/// Up to this many rows a filter or sort is computed on the spot; above, on the worker.
pub const INLINE_ARRANGE_ROWS: usize = 100_000;

/// What the worker is doing with the table (the view shows a message meanwhile and takes
/// no edits). Saving, arranging and counting read a shared snapshot; re-checking and big
/// changes borrow the table ([`Document::lend`]) and hand it back ([`Document::take_back`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Busy {
    /// Being written to disk (a snapshot).
    Saving,
    /// Being checked again as another feed kind (a loan).
    Rechecking(FeedKind),
    /// Being filtered or sorted, big tables (a snapshot).
    Arranging,
    /// A big change is being applied, undone or redone (a loan).
    Working(JobKind),
    /// A column's values are being counted, big tables (a snapshot).
    Counting,
}

impl Busy {
    /// True when the job changes the table, so the worker borrows it.
    #[must_use]
    pub fn is_loan(self) -> bool {
        matches!(self, Busy::Rechecking(_) | Busy::Working(_))
    }
}

/// Which big change is running on the worker.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JobKind {
    /// An edit.
    Apply,
    /// An undo.
    Undo,
    /// A redo.
    Redo,
}

/// An edit touching more cells than this runs on the worker when the table is big.
const HEAVY_CELLS: usize = 2_000;

/// An open catalog and its derived state.
pub struct Document {
    /// The table (an empty stand-in while the worker borrows it). Shared with a background
    /// issue summary and the worker's read-only jobs, never while it changes.
    pub table: Arc<Table>,
    summary_job: Option<SummaryJob>,
    /// The file it came from.
    pub path: PathBuf,
    /// Set while the worker works on the table.
    pub busy: Option<Busy>,
    /// Whether the table had unsaved edits when the worker borrowed it.
    pub away_dirty: bool,
    /// Finding counts.
    pub counts: FindingCounts,
    /// Findings grouped by rule.
    pub issues: Vec<IssueSummary>,
    /// Rows shown (display positions), `None` for every row in order.
    pub shown: Option<Vec<u32>>,
    /// The filter.
    pub filter: Filter,
    /// Sort by column, ascending when true.
    pub sort: Option<(usize, bool)>,
    /// Selected cell (display row, column).
    pub selected: Option<(usize, usize)>,
    /// Where a range of rows being selected (shift+click, shift+arrows) started, as a
    /// display row; `None` when only the selected cell's row is selected.
    pub anchor: Option<usize>,
    /// Cell being edited and its text.
    pub editing: Option<(usize, usize, String)>,
    /// The cell editor still has to take keyboard focus.
    pub edit_focus: bool,
    /// Scroll the grid to this display row next frame.
    pub scroll_to: Option<usize>,
    /// Import errors by row id.
    pub import_errors: HashMap<RowId, Vec<String>>,
    /// Unsaved edits journalled by an earlier session, offered for restore.
    pub journal_offer: Option<Vec<Edit>>,
    /// A column whose value summary the user asked for (from the grid header).
    pub summary_request: Option<usize>,
    /// When the issue summary went stale (large tables refresh it after a pause).
    pub issues_stale_since: Option<std::time::Instant>,
    /// The user confirmed the detected delimiter and encoding (asked only when unsure).
    pub format_confirmed: bool,
    /// The filter or sort needs the worker (big table): the view sends the table there.
    pub arrange_request: bool,
    /// A big table's column summary to count on the worker.
    pub count_request: Option<usize>,
    /// For each undo step, whether it is heavy (runs on the worker on a big table).
    heavy_undo: Vec<bool>,
    /// The same for redo steps.
    heavy_redo: Vec<bool>,
    /// Row count when the running job started.
    job_rows_before: usize,
    /// Missing spec columns and the revision they were computed at.
    missing_cache: (u64, Vec<&'static str>),
    /// Bumped on every change (caches compare it).
    pub revision: u64,
}

impl Document {
    /// Wraps a freshly loaded table, summarizing its issues here.
    #[must_use]
    pub fn new(table: Table, path: PathBuf) -> Self {
        let summary = crate::feed::table::issues::summarize(&table);
        Self::with_issues(table, path, summary)
    }

    /// Wraps a loaded table whose issues the worker already summarized.
    #[must_use]
    pub fn with_issues(table: Table, path: PathBuf, summary: IssueReport) -> Self {
        let mut doc = Document {
            table: Arc::new(table),
            summary_job: None,
            path,
            busy: None,
            away_dirty: false,
            counts: FindingCounts::default(),
            issues: Vec::new(),
            shown: None,
            filter: Filter::All,
            sort: None,
            selected: None,
            anchor: None,
            editing: None,
            edit_focus: false,
            scroll_to: None,
            import_errors: HashMap::new(),
            journal_offer: None,
            summary_request: None,
            issues_stale_since: None,
            format_confirmed: false,
            arrange_request: false,
            count_request: None,
            heavy_undo: Vec::new(),
            heavy_redo: Vec::new(),
            job_rows_before: 0,
            missing_cache: (u64::MAX, Vec::new()),
            revision: 0,
        };
        doc.set_issues(summary);
        doc
    }

    /// True when the table has edits not yet saved (also while the worker borrows it).
    #[must_use]
    pub fn is_dirty(&self) -> bool {
        if self.busy.is_some_and(Busy::is_loan) {
            self.away_dirty
        } else {
            self.table.is_dirty()
        }
    }

    /// The file's name.
    #[must_use]
    pub fn name(&self) -> String {
        crate::worker::catalog::display_name(&self.path)
    }

    /// Rows the grid shows.
    #[must_use]
    pub fn shown_len(&self) -> usize {
        self.shown.as_ref().map_or(self.table.row_count(), Vec::len)
    }

    /// The display row shown at grid line `i`.
    #[must_use]
    pub fn shown_row(&self, i: usize) -> Option<usize> {
        match &self.shown {
            None => (i < self.table.row_count()).then_some(i),
            Some(v) => v.get(i).map(|&r| r as usize),
        }
    }

    /// The grid line showing display row `row`.
    #[must_use]
    pub fn line_of(&self, row: usize) -> Option<usize> {
        match &self.shown {
            None => (row < self.table.row_count()).then_some(row),
            Some(v) => v.iter().position(|&r| r as usize == row),
        }
    }

    /// The grid lines of the selected rows (first, last), in the order shown: the selected
    /// cell's line, or the range from the anchor to it.
    #[must_use]
    pub fn selected_lines(&self) -> Option<(usize, usize)> {
        let (row, _) = self.selected?;
        let line = self.line_of(row)?;
        let other = self.anchor.and_then(|a| self.line_of(a)).unwrap_or(line);
        Some((line.min(other), line.max(other)))
    }

    /// The display rows selected, in the order shown.
    #[must_use]
    pub fn selected_rows(&self) -> Vec<usize> {
        self.selected_lines()
            .map(|(first, last)| (first..=last).filter_map(|l| self.shown_row(l)).collect())
            .unwrap_or_default()
    }

    /// Moves the selection to a cell and grows the row range to it (the row selected
    /// before becomes the anchor, if there was none).
    pub fn extend_to(&mut self, row: usize, col: usize) {
        if self.anchor.is_none() {
            self.anchor = self.selected.map(|(r, _)| r);
        }
        self.selected = Some((row, col));
        self.scroll_to = Some(row);
    }

    /// Starts editing a cell with its current value.
    pub fn begin_edit(&mut self, row: usize, col: usize) {
        let value = self.table.cell(row, col).into_owned();
        self.selected = Some((row, col));
        self.editing = Some((row, col, value));
        self.edit_focus = true;
    }

    /// Selects a cell and scrolls to it.
    pub fn jump_to(&mut self, row: usize, col: usize) {
        self.anchor = None;
        self.selected = Some((row, col));
        self.scroll_to = Some(row);
    }

    /// Recomputes the issue summary and counts (after any change).
    pub fn refresh_issues(&mut self) {
        let summary = crate::feed::table::issues::summarize(&self.table);
        self.set_issues(summary);
    }

    /// Takes an issue summary computed elsewhere (the worker computes the first one).
    pub fn set_issues(&mut self, summary: IssueReport) {
        self.counts = summary.counts;
        self.issues = summary.groups;
        self.issues_stale_since = None;
    }

    /// Brings a stale issue summary up to date: once the user has paused, a summary job for
    /// the worker over a snapshot of the table.
    pub fn settle_issues(&mut self) -> Settle {
        if self.summary_job.is_some() || self.busy.is_some() {
            return Settle::Idle;
        }
        let Some(since) = self.issues_stale_since else {
            return Settle::Idle;
        };
        match SUMMARY_PAUSE.checked_sub(since.elapsed()) {
            Some(left) if !left.is_zero() => Settle::Wait(left),
            _ => {
                let cancel = Arc::new(AtomicBool::new(false));
                self.summary_job = Some(SummaryJob {
                    cancel: Arc::clone(&cancel),
                    revision: self.revision,
                });
                Settle::Start(Command::Summarize {
                    table: Arc::clone(&self.table),
                    revision: self.revision,
                    cancel,
                })
            }
        }
    }

    /// The worker's summary at `revision`: taken when it is the one awaited.
    pub fn summarized(&mut self, revision: u64, report: IssueReport) {
        if self
            .summary_job
            .as_ref()
            .is_some_and(|j| j.revision == revision)
            && self.revision == revision
        {
            self.summary_job = None;
            self.set_issues(report);
        }
    }

    /// Stops a background summary and waits (boundedly) for the worker to let go of its
    /// snapshot, so the table is no longer shared.
    fn stop_summary(&mut self) {
        if let Some(job) = self.summary_job.take() {
            job.cancel.store(true, Ordering::Relaxed);
            let started = std::time::Instant::now();
            while Arc::strong_count(&self.table) > 1 && started.elapsed() < SUMMARY_RELEASE {
                std::thread::sleep(std::time::Duration::from_millis(1));
            }
        }
    }

    /// The table for changing, once no background summary shares it.
    fn table_mut(&mut self) -> Option<&mut Table> {
        self.stop_summary();
        Arc::get_mut(&mut self.table)
    }

    /// A snapshot of the table for a job that only reads it; `None` while another job runs.
    /// The table stays here (no edits until [`Document::finish_read`]).
    pub fn share(&mut self, busy: Busy) -> Option<Arc<Table>> {
        if self.busy.is_some() {
            return None;
        }
        self.editing = None;
        self.busy = Some(busy);
        Some(Arc::clone(&self.table))
    }

    /// A read-only job ended: true when it was the one running (`busy`).
    pub fn finish_read(&mut self, busy: Busy) -> bool {
        if self.busy != Some(busy) {
            return false;
        }
        self.busy = None;
        true
    }

    /// Lends the table to the worker for a job that changes it, leaving an empty stand-in;
    /// `None` while another job runs (or the table is still shared).
    pub fn lend(&mut self, busy: Busy) -> Option<TableSlot> {
        if self.busy.is_some() {
            return None;
        }
        self.editing = None;
        let table = self.take_table()?;
        self.busy = Some(busy);
        Some(TableSlot::new(table))
    }

    /// Takes the lent table back from the worker: the job it was lent for, or `None` when
    /// no loan was waiting for it.
    pub fn take_back(&mut self, slot: &TableSlot) -> Option<Busy> {
        let busy = self.busy.filter(|b| b.is_loan())?;
        let table = slot.take()?;
        self.table = Arc::new(table);
        self.busy = None;
        Some(busy)
    }

    /// The worker wrote the table to `path`: records the save (clean state, new file).
    pub fn mark_saved(&mut self, path: &Path) {
        if let Some(table) = self.table_mut() {
            table.saved_to(path);
        }
        self.path = path.to_path_buf();
    }

    /// Takes the table out, leaving an empty stand-in.
    fn take_table(&mut self) -> Option<Table> {
        self.stop_summary();
        self.away_dirty = self.table.is_dirty();
        let shared = std::mem::replace(&mut self.table, Arc::new(Table::from_bytes(Vec::new())));
        match Arc::try_unwrap(shared) {
            Ok(t) => Some(t),
            Err(shared) => {
                self.table = shared;
                None
            }
        }
    }

    /// True when the table is big enough that slow changes go to the worker.
    #[must_use]
    pub fn is_big(&self) -> bool {
        self.table.row_count() > INLINE_ARRANGE_ROWS
    }

    /// True when `edit` would stall a frame on this table (so it runs on the worker).
    #[must_use]
    pub fn is_heavy(&self, edit: &Edit) -> bool {
        self.is_big()
            && match edit {
                Edit::SetCells { cells } => cells.len() > HEAVY_CELLS,
                Edit::DeleteRows { rows } => rows.len() > HEAVY_CELLS,
                Edit::RestoreRows { rows } => rows.len() > HEAVY_CELLS,
                Edit::InsertRows { count, .. } => *count > HEAVY_CELLS,
                Edit::InsertColumn { .. }
                | Edit::DeleteColumn { .. }
                | Edit::RenameColumn { .. } => true,
                Edit::SetCell { .. } | Edit::DuplicateRow { .. } => false,
            }
    }

    /// True when the next undo would stall a frame.
    #[must_use]
    pub fn undo_is_heavy(&self) -> bool {
        self.is_big() && self.heavy_undo.last() == Some(&true)
    }

    /// True when the next redo would stall a frame.
    #[must_use]
    pub fn redo_is_heavy(&self) -> bool {
        self.is_big() && self.heavy_redo.last() == Some(&true)
    }

    /// Lends the table out for a big change on the worker.
    pub fn start_job(&mut self, kind: JobKind) -> Option<TableSlot> {
        let rows = self.table.row_count();
        let slot = self.lend(Busy::Working(kind))?;
        self.job_rows_before = rows;
        Some(slot)
    }

    /// The table came back from a big change ([`Document::take_back`]); `done` is false when
    /// it changed nothing.
    pub fn finish_job(&mut self, kind: JobKind, done: bool) {
        if done {
            match kind {
                JobKind::Apply => {
                    self.heavy_undo.push(true);
                    self.heavy_redo.clear();
                }
                JobKind::Undo => move_top(&mut self.heavy_undo, &mut self.heavy_redo),
                JobKind::Redo => move_top(&mut self.heavy_redo, &mut self.heavy_undo),
            }
        }
        self.changed(self.job_rows_before);
    }

    /// Applies one edit as an undoable step; returns a sentence when it does not fit.
    pub fn apply(&mut self, edit: Edit) -> Result<(), String> {
        let rows = self.table.row_count();
        let heavy = self.is_heavy(&edit);
        let table = self
            .table_mut()
            .ok_or("The catalog is busy; try the edit again.")?;
        table.apply(edit).map_err(|e| e.to_string())?;
        self.heavy_undo.push(heavy);
        self.heavy_redo.clear();
        self.changed(rows);
        Ok(())
    }

    /// Undoes the last step.
    pub fn undo(&mut self) -> bool {
        let rows = self.table.row_count();
        let done = self.table_mut().is_some_and(Table::undo);
        if done {
            move_top(&mut self.heavy_undo, &mut self.heavy_redo);
            self.changed(rows);
        }
        done
    }

    /// Redoes the last undone step.
    pub fn redo(&mut self) -> bool {
        let rows = self.table.row_count();
        let done = self.table_mut().is_some_and(Table::redo);
        if done {
            move_top(&mut self.heavy_redo, &mut self.heavy_undo);
            self.changed(rows);
        }
        done
    }

    /// After a change: new summary; rows re-filtered only when rows came or went (a fixed
    /// row stays in view while the user works on it).
    fn changed(&mut self, rows_before: usize) {
        self.revision += 1;
        if self.table.row_count() > INLINE_SUMMARY_ROWS {
            self.issues_stale_since = Some(std::time::Instant::now());
        } else {
            self.refresh_issues();
        }
        if self.table.row_count() != rows_before {
            self.refresh_shown();
            if let Some((r, c)) = self.selected
                && r >= self.table.row_count()
            {
                self.selected = self.table.row_count().checked_sub(1).map(|r| (r, c));
            }
        }
    }

    /// The table came back from being checked as another feed kind ([`Document::take_back`]).
    pub fn rechecked(&mut self) {
        self.revision += 1;
        self.refresh_issues();
        self.refresh_shown();
    }

    /// Sets the filter and recomputes the rows shown.
    pub fn set_filter(&mut self, filter: Filter) {
        self.filter = filter;
        self.refresh_shown();
    }

    /// Sets the sort and recomputes the rows shown.
    pub fn set_sort(&mut self, sort: Option<(usize, bool)>) {
        self.sort = sort;
        self.refresh_shown();
    }

    /// The filter and sort as the worker needs them.
    #[must_use]
    pub fn arrangement(&self) -> Arrangement {
        Arrangement {
            filter: self.filter.clone(),
            sort: self.sort,
            import_rows: self.import_errors.keys().copied().collect(),
        }
    }

    /// Recomputes the rows shown from the filter and the sort: at once for small tables,
    /// else by asking the view to send a snapshot to the worker ([`Document::arrange_request`]).
    pub fn refresh_shown(&mut self) {
        // The rows are put in another order: a range of lines would cover other rows.
        self.anchor = None;
        let a = self.arrangement();
        if a.is_identity() || self.table.row_count() <= INLINE_ARRANGE_ROWS {
            self.shown = crate::feed::table::arrange::arrange(&self.table, &a);
            self.arrange_request = false;
        } else {
            self.arrange_request = true;
        }
    }

    /// The worker's filter and sort ([`Document::finish_read`]): the rows to show.
    pub fn arranged(&mut self, shown: Option<Vec<u32>>) {
        self.anchor = None;
        self.shown = shown;
    }

    /// Pins import errors (by the `id` column) to rows; returns how many rows matched.
    pub fn pin_import_errors(&mut self, errors: &[crate::ui::views::RowError]) -> usize {
        self.import_errors.clear();
        let Some(id_col) = self.table.column_index("id") else {
            return 0;
        };
        let mut by_id: HashMap<&str, Vec<String>> = HashMap::new();
        for e in errors {
            by_id
                .entry(e.id.as_str())
                .or_default()
                .push(e.message.clone());
        }
        for r in 0..self.table.row_count() {
            let value = self.table.cell(r, id_col);
            if let Some(messages) = by_id.get(value.as_ref())
                && let Some(id) = self.table.row_id(r)
            {
                self.import_errors.insert(id, messages.clone());
            }
        }
        self.import_errors.len()
    }

    /// The import errors on display row `row`.
    #[must_use]
    pub fn import_errors_on(&self, row: usize) -> Option<&Vec<String>> {
        self.import_errors.get(&self.table.row_id(row)?)
    }

    /// Every one-click fix of `rule` (or of every rule) as one edit. Only rows whose compact
    /// findings say a fix exists are checked again for its text, so this stays quick on big
    /// files with many unfixable findings.
    #[must_use]
    pub fn fixes(&self, rule: Option<&str>) -> Vec<crate::feed::table::CellValue> {
        let wanted = |r: &str| rule.is_none_or(|x| x == r);
        let mut out = Vec::new();
        for row in 0..self.table.row_count() {
            let kinds = self.table.row_finding_kinds(row);
            if !kinds.iter().any(|k| k.fixable && wanted(k.rule)) {
                continue;
            }
            for d in self.table.row_findings(row) {
                if !wanted(d.rule) {
                    continue;
                }
                let col = d.column.as_deref().and_then(|c| self.table.column_index(c));
                let value = d.fix.as_ref().and_then(|f| f.replacement.clone());
                if let (Some(col), Some(value)) = (col, value) {
                    out.push(crate::feed::table::CellValue { row, col, value });
                }
            }
        }
        out
    }

    /// Spec columns of the current feed kind missing from the header (cached per revision,
    /// since the bar above the grid asks every frame).
    pub fn missing_columns(&mut self) -> Vec<&'static str> {
        if self.missing_cache.0 != self.revision {
            self.missing_cache = (self.revision, self.compute_missing_columns());
        }
        self.missing_cache.1.clone()
    }

    fn compute_missing_columns(&self) -> Vec<&'static str> {
        self.table
            .feed_kind()
            .columns()
            .iter()
            .map(|c| c.id.name())
            .filter(|name| self.table.column_index(name).is_none())
            .collect()
    }

    /// Distinct values of a column with their counts, most frequent first.
    #[must_use]
    pub fn column_summary(&self, col: usize) -> Vec<(String, usize)> {
        crate::feed::table::arrange::value_counts(&self.table, col)
    }
}

/// Moves the top flag of one stack to the other (undo and redo bookkeeping).
fn move_top(from: &mut Vec<bool>, to: &mut Vec<bool>) {
    to.push(from.pop().unwrap_or(false));
}

impl Drop for Document {
    fn drop(&mut self) {
        // A summary on the worker stops on its own once told; no need to wait for it.
        if let Some(job) = &self.summary_job {
            job.cancel.store(true, Ordering::Relaxed);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CSV: &str = "id,title,availability,price\nA-1,Tee,in stock,10.00 USD\nB-2,Mug,in_stock,9.00 USD\nC-3,Cap,in_stock,12.00 USD\n";

    fn doc() -> Document {
        Document::new(Table::from_bytes(CSV.as_bytes().to_vec()), "c.csv".into())
    }

    #[test]
    fn filter_and_sort_do_not_change_the_saved_order() {
        let mut d = doc();
        d.set_sort(Some((3, false)));
        assert_eq!(d.shown, Some(vec![2, 0, 1]));
        d.set_filter(Filter::Value {
            col: 2,
            value: "in_stock".into(),
        });
        assert_eq!(d.shown, Some(vec![2, 1]));
        assert_eq!(d.table.to_bytes(), CSV.as_bytes());
    }

    #[test]
    fn import_errors_pin_to_rows_by_id() {
        let mut d = doc();
        let n = d.pin_import_errors(&[crate::ui::views::RowError {
            id: "B-2".into(),
            message: "Price is too low".into(),
        }]);
        assert_eq!(n, 1);
        assert!(d.import_errors_on(1).is_some());
        d.set_filter(Filter::ImportErrors);
        assert_eq!(d.shown, Some(vec![1]));
    }

    #[test]
    fn the_issue_summary_agrees_with_the_table() {
        let fixture = include_bytes!("../../../../tests/fixtures/feed/product_fixable.csv");
        let mut d = Document::new(Table::from_bytes(fixture.to_vec()), "c.csv".into());
        let check = |d: &Document| {
            assert_eq!(d.counts, d.table.finding_counts());
            let groups = d.table.issue_groups();
            assert_eq!(d.issues.len(), groups.len());
            for (mine, theirs) in d.issues.iter().zip(&groups) {
                assert_eq!(
                    (mine.rule, mine.count),
                    (theirs.rule, theirs.findings.len())
                );
            }
        };
        check(&d);
        assert_eq!(d.counts.errors, 2);
        let fixes = d.fixes(None);
        assert_eq!(fixes.len(), 2, "both errors have a safe fix");
        d.apply(Edit::SetCells { cells: fixes }).unwrap();
        check(&d);
        assert_eq!(d.counts.errors, 0);
        assert!(d.undo());
        check(&d);
    }

    /// Plays the worker's part for a summary job, on a thread of its own.
    fn worker_part(settle: Settle) -> std::thread::JoinHandle<Option<(u64, IssueReport)>> {
        let Settle::Start(Command::Summarize {
            table,
            revision,
            cancel,
        }) = settle
        else {
            panic!("expected a summary job, got {settle:?}");
        };
        std::thread::spawn(move || {
            let report = crate::feed::table::issues::summarize_until(&table, &cancel);
            drop(table);
            report.map(|r| (revision, r))
        })
    }

    #[test]
    fn big_tables_refresh_the_summary_in_the_background_after_a_pause() {
        use std::fmt::Write as _;
        let mut csv = String::from("id,title,availability\n");
        for i in 0..=INLINE_SUMMARY_ROWS {
            let _ = writeln!(csv, "SKU-{i},Tee,in_stock");
        }
        let mut d = Document::new(Table::from_bytes(csv.into_bytes()), "big.csv".into());
        let errors = d.counts.errors;
        d.apply(Edit::SetCell {
            row: 3,
            col: 2,
            value: "in stock".into(),
        })
        .unwrap();
        assert!(d.issues_stale_since.is_some(), "not recounted on the spot");
        assert_eq!(d.counts.errors, errors);
        // An edit while a background summary runs stops it and still applies.
        std::thread::sleep(SUMMARY_PAUSE);
        let settle = d.settle_issues();
        assert!(
            matches!(settle, Settle::Start(_)),
            "the summary starts after the pause"
        );
        let running = worker_part(settle);
        d.apply(Edit::SetCell {
            row: 4,
            col: 2,
            value: "in stock".into(),
        })
        .unwrap();
        let _ = running.join();
        std::thread::sleep(SUMMARY_PAUSE);
        let start = std::time::Instant::now();
        while d.issues_stale_since.is_some() {
            if let Settle::Start(cmd) = d.settle_issues()
                && let Some((revision, report)) = worker_part(Settle::Start(cmd)).join().unwrap()
            {
                d.summarized(revision, report);
            }
            std::thread::sleep(std::time::Duration::from_millis(5));
            assert!(start.elapsed().as_secs() < 20, "the summary never arrived");
        }
        assert_eq!(d.counts, d.table.finding_counts());
        assert_eq!(d.counts.errors, errors + 2);
    }

    #[test]
    fn column_summary_counts_distinct_values() {
        let d = doc();
        assert_eq!(
            d.column_summary(2),
            vec![("in_stock".to_owned(), 2), ("in stock".to_owned(), 1)]
        );
    }
}
