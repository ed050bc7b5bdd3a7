//! The Catalog view's edits: applied on the spot, or on the worker when they would stall a
//! frame on a big table (the table is lent to it and handed back), with undo and redo; and
//! the filter, sort and column counts of big tables, sent to the worker as snapshots.

use super::CatalogView;
use super::doc::{Busy, JobKind};
use crate::feed::table::Edit;
use crate::worker::catalog::{Command, Job};

impl CatalogView {
    /// A big table's filter, sort or column count runs on the worker, from a snapshot.
    pub(super) fn send_arrange_request(&mut self) {
        let Some(doc) = &mut self.doc else { return };
        if doc.busy.is_none()
            && let Some(col) = doc.count_request.take()
        {
            if let Some(table) = doc.share(Busy::Counting) {
                self.queued.push(Command::Count { table, col });
            }
            return;
        }
        if !doc.arrange_request || doc.busy.is_some() {
            return;
        }
        doc.arrange_request = false;
        let arrangement = doc.arrangement();
        if let Some(table) = doc.share(Busy::Arranging) {
            self.queued.push(Command::Arrange { table, arrangement });
        }
    }

    /// Applies an edit and journals it (on the worker when it would stall a frame).
    pub(super) fn edit(&mut self, edit: Edit) {
        let Some(doc) = &mut self.doc else { return };
        if doc.busy.is_some() {
            return;
        }
        if doc.is_heavy(&edit) {
            self.run_job(Job::Apply(edit), JobKind::Apply);
            return;
        }
        if let Err(m) = doc.apply(edit) {
            self.notice = Some((m, true));
        }
        self.journal();
    }

    pub(super) fn undo(&mut self) {
        let Some(doc) = &mut self.doc else { return };
        if doc.busy.is_some() || !doc.table.can_undo() {
            return;
        }
        if doc.undo_is_heavy() {
            self.run_job(Job::Undo, JobKind::Undo);
        } else if doc.undo() {
            self.journal();
        }
    }

    pub(super) fn redo(&mut self) {
        let Some(doc) = &mut self.doc else { return };
        if doc.busy.is_some() || !doc.table.can_redo() {
            return;
        }
        if doc.redo_is_heavy() {
            self.run_job(Job::Redo, JobKind::Redo);
        } else if doc.redo() {
            self.journal();
        }
    }

    /// Lends the table to the worker for a big change.
    pub(super) fn run_job(&mut self, job: Job, kind: JobKind) {
        let Some(doc) = &mut self.doc else { return };
        if let Some(table) = doc.start_job(kind) {
            self.queued.push(Command::Run { table, job });
        }
    }
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;
    use crate::feed::table::Table;
    use crate::ui::views::catalog::doc;
    use crate::worker::catalog::{Event, TableSlot, run_job};

    /// Plays the worker's part for one queued `Run` command.
    fn run_queued_job(v: &mut CatalogView) {
        let Some(Command::Run { table, job }) = v.queued.pop() else {
            panic!("expected a job for the worker, got {:?}", v.queued);
        };
        let mut t = table.take().unwrap();
        let (result, note) = run_job(&mut t, job);
        v.on_event(Event::Ran {
            table: TableSlot::new(t),
            result,
            note,
        });
    }

    #[test]
    fn big_changes_on_big_tables_run_on_the_worker_and_undo_there_too() {
        use std::fmt::Write as _;
        let mut csv = String::from("id,title\n");
        for i in 0..=doc::INLINE_ARRANGE_ROWS {
            let _ = writeln!(csv, "SKU-{i},Item");
        }
        let table = Table::from_bytes(csv.into_bytes());
        let mut v = CatalogView::with_table(table, PathBuf::from("/shop/big.csv"));

        // A single cell stays on the UI thread.
        v.apply_edit(Edit::SetCell {
            row: 0,
            col: 1,
            value: "Tee".into(),
        });
        assert!(v.doc.as_ref().unwrap().busy.is_none());
        v.queued.clear();

        // Adding a column re-checks every row: the worker does it.
        v.apply_edit(Edit::InsertColumn {
            at: 2,
            name: "price".into(),
        });
        assert_eq!(
            v.doc.as_ref().unwrap().busy,
            Some(Busy::Working(JobKind::Apply))
        );
        assert!(
            v.has_unsaved_edits(),
            "a table away on the worker counts as unsaved"
        );
        run_queued_job(&mut v);
        let doc = v.doc.as_ref().unwrap();
        assert!(doc.busy.is_none());
        assert_eq!(doc.table.column_count(), 3);
        assert!(
            matches!(v.queued.last(), Some(Command::Journal { edits, .. }) if edits.len() == 2)
        );

        // Its undo goes to the worker as well; the cell edit's undo does not.
        v.queued.clear();
        v.undo();
        run_queued_job(&mut v);
        assert_eq!(v.doc.as_ref().unwrap().table.column_count(), 2);
        v.queued.clear();
        v.undo();
        assert!(v.doc.as_ref().unwrap().busy.is_none());
        assert_eq!(v.doc.as_ref().unwrap().table.cell(0, 1), "Item");
        // Redo order: the cell first (inline), then the column (worker).
        v.queued.clear();
        v.redo();
        assert!(v.doc.as_ref().unwrap().busy.is_none());
        v.queued.clear();
        v.redo();
        run_queued_job(&mut v);
        assert_eq!(v.doc.as_ref().unwrap().table.column_count(), 3);
    }
}
