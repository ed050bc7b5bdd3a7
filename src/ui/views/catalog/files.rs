//! The Catalog view's file commands: open (asking first when edits would be lost), save
//! and save as, re-check as another feed kind, close, and the journal of unsaved edits.
//! Each becomes a command for the worker.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use egui::Ui;

use super::doc::Busy;
use super::{CatalogView, Pending, loading};
use crate::feed::FeedKind;
use crate::feed::sniff::TextEncoding;
use crate::worker::catalog::{Command, Pick};

impl CatalogView {
    /// Open, unless that would drop unsaved edits (then ask first).
    pub(super) fn request_open(&mut self, path: PathBuf) {
        if self.has_unsaved_edits() && self.doc.as_ref().is_none_or(|d| d.path != path) {
            self.confirm_discard = Some(Pending::Open(path));
        } else {
            self.start_open(path);
        }
    }

    pub(super) fn request_pick(&mut self) {
        if self.has_unsaved_edits() {
            self.confirm_discard = Some(Pending::PickOpen);
        } else {
            self.pick(Pick::Open);
        }
    }

    pub(super) fn pick(&mut self, pick: Pick) {
        if !self.dialog_open {
            self.dialog_open = true;
            self.queued.push(Command::PickFile(pick));
        }
    }

    /// Opens `path`; a shop export goes to the column mapper instead.
    pub(super) fn start_open(&mut self, path: PathBuf) {
        self.open_command(path, false, None, None);
    }

    /// Opens `path` as a feed even when it looks like a shop export.
    pub(super) fn start_open_plain(&mut self, path: PathBuf) {
        self.open_command(path, true, None, None);
    }

    /// Opens `path`, splitting on `delimiter` and reading the text as `encoding` when given
    /// (the user corrected what was detected).
    pub(super) fn start_open_with(
        &mut self,
        path: PathBuf,
        delimiter: Option<u8>,
        encoding: Option<TextEncoding>,
    ) {
        self.open_command(path, true, delimiter, encoding);
    }

    fn open_command(
        &mut self,
        path: PathBuf,
        plain: bool,
        delimiter: Option<u8>,
        encoding: Option<TextEncoding>,
    ) {
        self.mapper = None;
        if let Some(l) = &self.loading {
            l.cancel.store(true, Ordering::Relaxed);
        }
        let cancel = Arc::new(AtomicBool::new(false));
        self.loading = Some(loading::Loading::new(path.clone(), Arc::clone(&cancel)));
        self.notice = None;
        self.queued.push(Command::Open {
            path,
            plain,
            delimiter,
            encoding,
            cancel,
        });
    }

    /// Saves (to `to`, or to the table's own file) on the worker, from a snapshot.
    pub(super) fn save(&mut self, to: Option<PathBuf>) {
        let Some(doc) = &mut self.doc else { return };
        if let Some(table) = doc.share(Busy::Saving) {
            self.queued.push(Command::Save { table, to });
        }
    }

    /// Checks the table again as another feed kind, on the worker.
    pub(super) fn recheck(&mut self, kind: FeedKind) {
        let Some(doc) = &mut self.doc else { return };
        if doc.table.feed_kind() == kind {
            return;
        }
        if let Some(table) = doc.lend(Busy::Rechecking(kind)) {
            self.queued.push(Command::Recheck { table, kind });
        }
    }

    pub(super) fn close(&mut self) {
        if let Some(doc) = self.doc.take() {
            self.queued.push(Command::DiscardJournal(doc.path.clone()));
        }
    }

    pub(super) fn proceed(&mut self, pending: Pending, ui: &Ui) {
        match pending {
            Pending::Open(p) => {
                self.discard_current();
                self.start_open(p);
            }
            Pending::PickOpen => self.pick(Pick::Open),
            Pending::Close => self.close(),
            Pending::Quit => {
                self.discard_current();
                self.quit_confirmed = true;
                ui.ctx().send_viewport_cmd(egui::ViewportCommand::Close);
            }
        }
    }

    /// Drops the open file's unsaved edits (and their journal).
    pub(super) fn discard_current(&mut self) {
        if let Some(doc) = &self.doc
            && doc.table.is_dirty()
        {
            self.queued.push(Command::DiscardJournal(doc.path.clone()));
        }
    }

    /// Sends the current journal to the worker (it writes it to disk).
    pub(super) fn journal(&mut self) {
        if let Some(doc) = &self.doc {
            self.queued.push(Command::Journal {
                path: doc.path.clone(),
                edits: doc.table.journal().to_vec(),
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::feed::table::Edit;
    use crate::ui::views::catalog::tests::view;
    use crate::worker::catalog::{Event, SavedFile};

    /// The test view with row 2's title changed to "Cup" and nothing queued.
    fn view_with_an_unsaved_edit() -> CatalogView {
        let mut v = view();
        v.apply_edit(Edit::SetCell {
            row: 1,
            col: 1,
            value: "Cup".into(),
        });
        v.queued.clear();
        v
    }

    #[test]
    fn opening_another_file_with_unsaved_edits_asks_first() {
        let mut v = view_with_an_unsaved_edit();
        v.open_path(PathBuf::from("/shop/other.csv"));
        assert!(matches!(v.confirm_discard, Some(Pending::Open(_))));
        assert!(v.queued.is_empty(), "nothing is opened before the answer");
        assert!(v.loading.is_none());
    }

    #[test]
    fn save_as_gives_the_worker_a_snapshot_and_records_the_save() {
        let mut v = view_with_an_unsaved_edit();
        let dir = tempfile::tempdir().unwrap();
        let to = dir.path().join("copy.csv");
        v.on_event(Event::Picked {
            pick: Pick::SaveAs,
            path: Some(to.clone()),
        });
        assert_eq!(v.doc.as_ref().unwrap().busy, Some(Busy::Saving));
        assert_eq!(v.title_suffix().as_deref(), Some("catalog.csv *"));
        let Some(Command::Save {
            table,
            to: Some(target),
        }) = v.queued.pop()
        else {
            panic!("expected a save command");
        };
        // The worker's part: it writes its snapshot and lets go of it before answering.
        table.write_file(&target).unwrap();
        drop(table);
        assert_eq!(
            v.doc.as_ref().unwrap().table.cell(1, 1),
            "Cup",
            "the view keeps its table while the worker writes"
        );
        v.on_event(Event::Saved {
            result: Ok(SavedFile {
                path: target,
                message: "Saved copy.csv.".into(),
            }),
        });
        assert_eq!(v.title_suffix().as_deref(), Some("copy.csv"));
        assert!(std::fs::read_to_string(&to).unwrap().contains("B-2,Cup,"));
    }
}
