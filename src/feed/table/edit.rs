//! Edits: the serializable operations the editor performs (and journals), how each one is
//! applied, undone and redone, and the journal of edits since the last save.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use super::{ColKey, Column, RowId, Step, Table, TableError};

/// One cell value at a display position.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CellValue {
    /// Display row (0-based, header not counted).
    pub row: usize,
    /// Column (0-based).
    pub col: usize,
    /// The new value.
    pub value: String,
}

/// A row to put back at a display position, with its values (one per column).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RowValues {
    /// Display row it takes (0-based).
    pub at: usize,
    /// One value per column.
    pub values: Vec<String>,
}

/// One undoable change to a table. Positions are display positions at the time the edit is
/// applied, so a list of edits replays the same way onto the same file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum Edit {
    /// Set one cell.
    SetCell {
        /// Display row.
        row: usize,
        /// Column.
        col: usize,
        /// New value.
        value: String,
    },
    /// Set many cells in one step (replace all, apply all fixes).
    SetCells {
        /// The cells and their new values.
        cells: Vec<CellValue>,
    },
    /// Insert `count` blank rows before display row `at` (`at == row_count` appends).
    InsertRows {
        /// Where the first new row goes.
        at: usize,
        /// How many rows.
        count: usize,
    },
    /// Insert a copy of a row right below it.
    DuplicateRow {
        /// The row to copy.
        row: usize,
    },
    /// Delete rows (display positions, any order).
    DeleteRows {
        /// The rows to delete.
        rows: Vec<usize>,
    },
    /// Insert rows with given values at given positions, in order (how the journal records
    /// undoing a delete that was already saved).
    RestoreRows {
        /// The rows, by ascending position.
        rows: Vec<RowValues>,
    },
    /// Insert a column named `name` before column `at` (`at == column_count` appends), empty
    /// in every row.
    InsertColumn {
        /// Where the column goes.
        at: usize,
        /// Its header name.
        name: String,
    },
    /// Delete a column.
    DeleteColumn {
        /// The column.
        col: usize,
    },
    /// Rename a column (its header cell).
    RenameColumn {
        /// The column.
        col: usize,
        /// The new name.
        name: String,
    },
}

/// What undoes a step, in terms of stable ids so that original rows come back untouched.
#[derive(Debug)]
pub(super) enum Inverse {
    /// Put these overlay states back (in reverse order).
    Cells(Vec<(RowId, ColKey, Option<String>)>),
    /// Remove these rows (undoes an insert).
    RemoveRows(Vec<RowId>),
    /// Put these rows back at these positions, ascending (undoes a delete).
    RestoreRows(Vec<(usize, RowId)>),
    /// Remove the column at this position (undoes an insert).
    RemoveColumn(usize),
    /// Put this column back at this position (undoes a delete).
    RestoreColumn(usize, Column),
    /// Give the column at this position its previous name overlay.
    Rename(usize, Option<String>),
}

impl Table {
    /// Applies one edit as a new undoable step (clears the redo list) and journals it.
    pub fn apply(&mut self, edit: Edit) -> Result<(), TableError> {
        let inverse = self.perform(&edit)?;
        if self.clean_at.is_some_and(|c| c > self.undo.len()) {
            self.clean_at = None;
        }
        self.redo.clear();
        self.journal.push(edit.clone());
        self.journal_mirrors += 1;
        self.undo.push(Step {
            edit,
            undo: inverse,
        });
        Ok(())
    }

    /// Sets one cell (shorthand for [`Edit::SetCell`]).
    pub fn set_cell(
        &mut self,
        row: usize,
        col: usize,
        value: impl Into<String>,
    ) -> Result<(), TableError> {
        self.apply(Edit::SetCell {
            row,
            col,
            value: value.into(),
        })
    }

    /// Undoes the last step; false when there is nothing to undo.
    pub fn undo(&mut self) -> bool {
        let Some(step) = self.undo.pop() else {
            return false;
        };
        if self.journal_mirrors > 0 {
            self.journal.pop();
            self.journal_mirrors -= 1;
            self.revert(step.undo);
        } else {
            // Undoing past the last save: journal the change as forward edits.
            let forward = self.revert(step.undo);
            self.journal.extend(forward);
        }
        self.redo.push(step.edit);
        true
    }

    /// Redoes the last undone step; false when there is nothing to redo.
    pub fn redo(&mut self) -> bool {
        let Some(edit) = self.redo.pop() else {
            return false;
        };
        match self.perform(&edit) {
            Ok(inverse) => {
                self.journal.push(edit.clone());
                self.journal_mirrors += 1;
                self.undo.push(Step {
                    edit,
                    undo: inverse,
                });
                true
            }
            // Cannot happen: the table is back in the state the edit was first applied to.
            Err(_) => false,
        }
    }

    /// True when there is a step to undo.
    #[must_use]
    pub fn can_undo(&self) -> bool {
        !self.undo.is_empty()
    }

    /// True when there is a step to redo.
    #[must_use]
    pub fn can_redo(&self) -> bool {
        !self.redo.is_empty()
    }

    /// True when the table differs from the file it was loaded from or last saved to.
    #[must_use]
    pub fn is_dirty(&self) -> bool {
        self.clean_at != Some(self.undo.len())
    }

    /// The edits since load or the last save, in order. Replaying them with [`Table::apply`]
    /// onto that file gives this table again: journal them to survive a crash. Undoing a
    /// step that was already saved is journalled as forward edits (rows and columns put back
    /// by value), so after such a replay those rows are written with minimal quoting.
    #[must_use]
    pub fn journal(&self) -> &[Edit] {
        &self.journal
    }

    /// Marks the current state as saved: clean, with an empty journal.
    pub(super) fn mark_saved(&mut self) {
        self.clean_at = Some(self.undo.len());
        self.journal.clear();
        self.journal_mirrors = 0;
    }

    // ----- doing -------------------------------------------------------------------------

    fn check_row(&self, row: usize) -> Result<RowId, TableError> {
        self.order.get(row).copied().ok_or_else(|| {
            TableError::InvalidEdit(format!(
                "row {} does not exist (the catalog has {} rows)",
                row + 1,
                self.order.len()
            ))
        })
    }

    fn check_col(&self, col: usize) -> Result<ColKey, TableError> {
        self.columns.get(col).map(|c| c.key).ok_or_else(|| {
            TableError::InvalidEdit(format!(
                "column {} does not exist (the catalog has {} columns)",
                col + 1,
                self.columns.len()
            ))
        })
    }

    /// Applies `edit` and returns what undoes it. Checks everything before changing anything.
    fn perform(&mut self, edit: &Edit) -> Result<Inverse, TableError> {
        match edit {
            Edit::SetCell { row, col, value } => self.set_cells(&[(*row, *col, value.as_str())]),
            Edit::SetCells { cells } => {
                let list: Vec<_> = cells
                    .iter()
                    .map(|c| (c.row, c.col, c.value.as_str()))
                    .collect();
                self.set_cells(&list)
            }
            Edit::InsertRows { at, count } => {
                self.check_insert_at(*at)?;
                let ids = self.new_row_ids(*count);
                self.insert_rows(*at, &ids);
                Ok(Inverse::RemoveRows(ids))
            }
            Edit::DuplicateRow { row } => {
                let src = self.check_row(*row)?;
                let ids = self.new_row_ids(1);
                let values: Vec<(ColKey, String)> = self
                    .columns
                    .iter()
                    .map(|c| (c.key, self.cell_by_key(src, c.key).into_owned()))
                    .filter(|(_, v)| !v.is_empty())
                    .collect();
                if !values.is_empty() {
                    self.overlay.insert(ids[0], values);
                }
                self.insert_rows(row + 1, &ids);
                Ok(Inverse::RemoveRows(ids))
            }
            Edit::DeleteRows { rows } => {
                let set: BTreeSet<usize> = rows.iter().copied().collect();
                for &r in &set {
                    self.check_row(r)?;
                }
                let removed: Vec<(usize, RowId)> =
                    set.iter().map(|&r| (r, self.order[r])).collect();
                let ids: Vec<RowId> = removed.iter().map(|&(_, id)| id).collect();
                self.remove_rows(&ids);
                Ok(Inverse::RestoreRows(removed))
            }
            Edit::RestoreRows { rows } => {
                for (len, r) in (self.order.len()..).zip(rows) {
                    if r.at > len {
                        return Err(TableError::InvalidEdit(format!(
                            "cannot put a row back at {} (the catalog has {len} rows)",
                            r.at + 1
                        )));
                    }
                }
                let ids = self.new_row_ids(rows.len());
                for (r, &id) in rows.iter().zip(&ids) {
                    let values: Vec<(ColKey, String)> = self
                        .columns
                        .iter()
                        .zip(&r.values)
                        .filter(|(_, v)| !v.is_empty())
                        .map(|(c, v)| (c.key, v.clone()))
                        .collect();
                    if !values.is_empty() {
                        self.overlay.insert(id, values);
                    }
                }
                let placed: Vec<(usize, RowId)> =
                    rows.iter().map(|r| r.at).zip(ids.iter().copied()).collect();
                self.restore_rows(&placed);
                Ok(Inverse::RemoveRows(ids))
            }
            Edit::InsertColumn { at, name } => {
                if *at > self.columns.len() {
                    return Err(TableError::InvalidEdit(format!(
                        "cannot insert a column at {} (the catalog has {} columns)",
                        at + 1,
                        self.columns.len()
                    )));
                }
                let key = self.next_col_key;
                self.next_col_key += 1;
                self.columns.insert(
                    *at,
                    Column {
                        key,
                        name: Some(name.clone()),
                    },
                );
                self.columns_changed();
                Ok(Inverse::RemoveColumn(*at))
            }
            Edit::DeleteColumn { col } => {
                self.check_col(*col)?;
                let removed = self.columns.remove(*col);
                self.columns_changed();
                Ok(Inverse::RestoreColumn(*col, removed))
            }
            Edit::RenameColumn { col, name } => {
                let key = self.check_col(*col)?;
                let previous = self.columns[*col].name.take();
                let original = (key as usize) < self.orig_width
                    && self.header_field(key as usize) == name.as_str();
                self.columns[*col].name = if original { None } else { Some(name.clone()) };
                self.columns_changed();
                Ok(Inverse::Rename(*col, previous))
            }
        }
    }

    fn check_insert_at(&self, at: usize) -> Result<(), TableError> {
        if at > self.order.len() {
            return Err(TableError::InvalidEdit(format!(
                "cannot insert at row {} (the catalog has {} rows)",
                at + 1,
                self.order.len()
            )));
        }
        Ok(())
    }

    fn new_row_ids(&mut self, count: usize) -> Vec<RowId> {
        let first = self.pos_of.len() as RowId;
        let ids: Vec<RowId> = (first..first + count as RowId).collect();
        self.pos_of.resize(self.pos_of.len() + count, u32::MAX);
        ids
    }

    /// Sets cells, storing no overlay when a value equals the file's, and re-validates the
    /// rows touched.
    fn set_cells(&mut self, cells: &[(usize, usize, &str)]) -> Result<Inverse, TableError> {
        let mut resolved = Vec::with_capacity(cells.len());
        for &(row, col, value) in cells {
            resolved.push((self.check_row(row)?, self.check_col(col)?, value));
        }
        let ids: Vec<RowId> = resolved.iter().map(|&(id, _, _)| id).collect();
        let before = self.begin_row_change(&ids);
        let mut previous = Vec::with_capacity(resolved.len());
        for (id, key, value) in resolved {
            let keep = (self.base_cell(id, key) != value).then(|| value.to_owned());
            previous.push((id, key, self.put_overlay(id, key, keep)));
        }
        self.end_row_change(before);
        Ok(Inverse::Cells(previous))
    }

    /// Sets or clears one overlay entry; returns the previous entry.
    fn put_overlay(&mut self, id: RowId, key: ColKey, value: Option<String>) -> Option<String> {
        let entry = self.overlay.entry(id).or_default();
        let idx = entry.iter().position(|(k, _)| *k == key);
        let previous = match (idx, value) {
            (Some(i), Some(v)) => Some(std::mem::replace(&mut entry[i].1, v)),
            (Some(i), None) => Some(entry.swap_remove(i).1),
            (None, Some(v)) => {
                entry.push((key, v));
                None
            }
            (None, None) => None,
        };
        if entry.is_empty() {
            self.overlay.remove(&id);
        }
        previous
    }

    fn insert_rows(&mut self, at: usize, ids: &[RowId]) {
        self.order.splice(at..at, ids.iter().copied());
        self.reindex_from(at);
        self.rows_added(ids);
    }

    /// Puts rows back at positions (ascending, each counted after the previous insert).
    fn restore_rows(&mut self, placed: &[(usize, RowId)]) {
        let mut order = Vec::with_capacity(self.order.len() + placed.len());
        let mut old = self.order.iter().copied();
        let mut next = placed.iter().peekable();
        while order.len() < self.order.len() + placed.len() {
            if let Some(&&(at, id)) = next.peek()
                && at == order.len()
            {
                order.push(id);
                next.next();
                continue;
            }
            match old.next() {
                Some(id) => order.push(id),
                // Positions past the end: append the rest in order.
                None => order.extend(next.by_ref().map(|&(_, id)| id)),
            }
        }
        self.order = order;
        self.reindex_from(placed.first().map_or(0, |&(at, _)| at));
        let ids: Vec<RowId> = placed.iter().map(|&(_, id)| id).collect();
        self.rows_added(&ids);
    }

    fn remove_rows(&mut self, ids: &[RowId]) {
        self.rows_removing(ids);
        let Some(first) = ids.iter().filter_map(|&id| self.position_of(id)).min() else {
            return;
        };
        for &id in ids {
            if let Some(p) = self.pos_of.get_mut(id as usize) {
                *p = u32::MAX;
            }
        }
        let pos_of = &self.pos_of;
        let mut i = 0;
        self.order.retain(|&id| {
            i += 1;
            i <= first || pos_of[id as usize] != u32::MAX
        });
        self.reindex_from(first);
        self.refresh_cross();
    }

    // ----- undoing -----------------------------------------------------------------------

    /// Reverts one step; returns the same change as forward edits (for the journal).
    fn revert(&mut self, inverse: Inverse) -> Vec<Edit> {
        match inverse {
            Inverse::Cells(previous) => {
                let ids: Vec<RowId> = previous.iter().map(|&(id, _, _)| id).collect();
                let before = self.begin_row_change(&ids);
                let mut forward = Vec::with_capacity(previous.len());
                for (id, key, value) in previous.into_iter().rev() {
                    self.put_overlay(id, key, value);
                    if let (Some(row), Some(col)) = (self.position_of(id), self.col_of_key(key)) {
                        forward.push(super::CellValue {
                            row,
                            col,
                            value: self.cell_by_key(id, key).into_owned(),
                        });
                    }
                }
                self.end_row_change(before);
                vec![Edit::SetCells { cells: forward }]
            }
            Inverse::RemoveRows(ids) => {
                let mut rows: Vec<usize> =
                    ids.iter().filter_map(|&id| self.position_of(id)).collect();
                rows.sort_unstable();
                self.remove_rows(&ids);
                vec![Edit::DeleteRows { rows }]
            }
            Inverse::RestoreRows(placed) => {
                self.restore_rows(&placed);
                let rows = placed
                    .iter()
                    .map(|&(at, id)| RowValues {
                        at,
                        values: self
                            .columns
                            .iter()
                            .map(|c| self.cell_by_key(id, c.key).into_owned())
                            .collect(),
                    })
                    .collect();
                vec![Edit::RestoreRows { rows }]
            }
            Inverse::RemoveColumn(at) => {
                self.columns.remove(at);
                self.columns_changed();
                vec![Edit::DeleteColumn { col: at }]
            }
            Inverse::RestoreColumn(at, column) => {
                let key = column.key;
                self.columns.insert(at, column);
                self.columns_changed();
                let name = self.column_name(at).into_owned();
                let cells = self
                    .order
                    .iter()
                    .enumerate()
                    .filter_map(|(row, &id)| {
                        let v = self.cell_by_key(id, key);
                        (!v.is_empty()).then(|| super::CellValue {
                            row,
                            col: at,
                            value: v.into_owned(),
                        })
                    })
                    .collect();
                vec![Edit::InsertColumn { at, name }, Edit::SetCells { cells }]
            }
            Inverse::Rename(at, previous) => {
                self.columns[at].name = previous;
                self.columns_changed();
                vec![Edit::RenameColumn {
                    col: at,
                    name: self.column_name(at).into_owned(),
                }]
            }
        }
    }

    fn col_of_key(&self, key: ColKey) -> Option<usize> {
        self.columns.iter().position(|c| c.key == key)
    }
}
