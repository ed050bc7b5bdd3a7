//! The Catalog view's event handling: what the worker reports (a file loaded, saved,
//! arranged, summarized, a big change done, push progress) and how the view takes it in.

use std::path::PathBuf;

use super::doc::{Busy, Document, Filter};
use super::{CatalogView, loading, pinned_sentence};
use crate::feed::table::Edit;
use crate::feed::table::issues::IssueReport;
use crate::ui::views::Intent;
use crate::worker::catalog::{Command, Event, Pick, SavedFile, TableSlot, display_name};

/// "Converted 12 products into shop-stripe.csv; 2 items left out (draft). The mapping is
/// saved for the next export."
fn converted_sentence(done: &crate::worker::catalog::convert::Converted) -> String {
    let skipped = done
        .summary
        .skipped
        .iter()
        .map(|s| {
            format!(
                "; {} left out ({})",
                crate::ui::widgets::plural(s.count as usize, "item"),
                s.reason
            )
        })
        .collect::<Vec<_>>()
        .concat();
    let mapping = match &done.mapping_saved {
        Ok(_) => "The mapping is saved for this shop's next export.",
        Err(e) => e.as_str(),
    };
    format!(
        "Converted {} into {}{skipped}. {mapping}",
        crate::ui::widgets::plural(done.summary.rows as usize, "feed row"),
        display_name(&done.path)
    )
}

impl CatalogView {
    /// Takes the worker's catalog events.
    pub fn on_event(&mut self, event: Event) {
        match event {
            Event::Recent(list) => self.recent = list,
            Event::PendingJournals(list) => self.journals = list,
            Event::Picked { pick, path } => {
                self.dialog_open = false;
                match (pick, path) {
                    (_, None) => {}
                    (Pick::Open, Some(p)) => self.start_open(p),
                    (Pick::SaveAs, Some(p)) => self.save(Some(p)),
                    (Pick::ConvertTo, Some(p)) => {
                        if let Some(m) = &mut self.mapper {
                            let cmd = m.convert_to(p);
                            self.queued.push(cmd);
                        }
                    }
                }
            }
            Event::SourceFound(found) => self.source_found(*found),
            Event::SourceFailed { path, message } => {
                if let Some(m) = &mut self.mapper
                    && m.path() == path
                {
                    m.examine_failed(message);
                } else if self.loading.as_ref().is_some_and(|l| l.path == path) {
                    self.loading = None;
                    self.notice = Some((message, true));
                }
            }
            Event::ConversionPreviewed { generation, result } => {
                if let Some(m) = &mut self.mapper {
                    m.previewed(generation, result.map(|b| *b));
                }
            }
            Event::Converted { result } => match result {
                Ok(done) => {
                    self.mapper = None;
                    self.start_open_plain(done.path.clone());
                    self.notice = Some((converted_sentence(&done), false));
                }
                Err(message) => {
                    if let Some(m) = &mut self.mapper {
                        m.convert_failed(message);
                    } else {
                        self.notice = Some((message, true));
                    }
                }
            },
            Event::Preview {
                path,
                dialect,
                header,
                rows,
            } => {
                if let Some(l) = &mut self.loading
                    && l.path == path
                {
                    l.preview = Some(loading::Preview {
                        dialect,
                        header,
                        rows,
                    });
                }
            }
            Event::Progress { path, done, total } => {
                if let Some(l) = &mut self.loading
                    && l.path == path
                {
                    l.progress = done as f32 / total.max(1) as f32;
                }
            }
            Event::Loaded {
                path,
                table,
                journal,
                issues,
            } => self.loaded(path, &table, journal, issues),
            Event::OpenEnded { path, message } => {
                if self.loading.as_ref().is_some_and(|l| l.path == path) {
                    self.loading = None;
                    self.notice = Some(match message {
                        None => (format!("Stopped opening {}.", display_name(&path)), false),
                        Some(m) => (m, true),
                    });
                }
            }
            Event::Saved { result } => self.saved(result),
            Event::Summarized { revision, report } => {
                if let Some(doc) = &mut self.doc {
                    doc.summarized(revision, report);
                }
            }
            Event::Arranged { shown } => {
                if let Some(doc) = &mut self.doc
                    && doc.finish_read(Busy::Arranging)
                {
                    doc.arranged(shown);
                }
            }
            Event::Ran {
                table,
                result,
                note,
            } => {
                if let Some(doc) = &mut self.doc
                    && let Some(Busy::Working(kind)) = doc.take_back(&table)
                {
                    let done = matches!(result, Ok(true));
                    doc.finish_job(kind, done);
                    match result {
                        Err(m) => self.notice = Some((m, true)),
                        Ok(_) => {
                            if let Some(n) = note {
                                self.notice = Some((n, false));
                            }
                        }
                    }
                    self.journal();
                }
            }
            Event::Counted { col, values } => {
                if let Some(doc) = &mut self.doc
                    && doc.finish_read(Busy::Counting)
                {
                    self.summary.fill(col, values, doc.revision);
                }
            }
            Event::Rechecked { table } => {
                if let Some(doc) = &mut self.doc
                    && let Some(Busy::Rechecking(_)) = doc.take_back(&table)
                {
                    doc.rechecked();
                }
            }
            Event::PushProgress { sent, total } => {
                if let Some(p) = &mut self.push {
                    p.progress(sent, total);
                }
            }
            Event::Pushed { import_id, .. } => {
                self.push = None;
                self.notice = Some((
                    format!("Pushed; Stripe is importing it as {import_id}."),
                    false,
                ));
                self.intents.push(Intent::WatchImport(import_id));
            }
            Event::PushCancelled => {
                if let Some(p) = &mut self.push {
                    p.ended(Some(
                        "The upload was cancelled; nothing was imported.".into(),
                    ));
                }
            }
            Event::PushFailed { message } => {
                if let Some(p) = &mut self.push {
                    p.ended(Some(message));
                }
            }
        }
    }

    /// A file being opened is a shop export: the mapper takes over (or, when the mapper was
    /// reading it as another format, takes the new columns).
    fn source_found(&mut self, found: crate::worker::catalog::convert::FoundSource) {
        if let Some(m) = &mut self.mapper
            && m.path() == found.path
        {
            m.reexamined(found);
            return;
        }
        if self.loading.as_ref().is_none_or(|l| l.path != found.path) {
            return;
        }
        self.loading = None;
        self.mapper = Some(super::mapper::Mapper::new(found));
    }

    fn loaded(
        &mut self,
        path: PathBuf,
        slot: &TableSlot,
        journal: Option<Vec<Edit>>,
        issues: IssueReport,
    ) {
        if self.loading.as_ref().is_none_or(|l| l.path != path) {
            return;
        }
        let Some(table) = slot.take() else { return };
        self.loading = None;
        let mut doc = Document::with_issues(table, path.clone(), issues);
        self.journals.retain(|j| j.path != path);
        if let Some(edits) = journal {
            if self.restore_on_load.as_ref() == Some(&path) {
                let n = edits.len();
                let failed = edits.into_iter().find_map(|e| doc.apply(e).err());
                self.notice = Some(match failed {
                    None => (
                        format!("Restored {n} unsaved edits from the journal."),
                        false,
                    ),
                    Some(m) => (
                        format!(
                            "Some journalled edits no longer fit the file (it changed since): {m}"
                        ),
                        true,
                    ),
                });
                self.queued.push(Command::Journal {
                    path: path.clone(),
                    edits: doc.table.journal().to_vec(),
                });
            } else {
                doc.journal_offer = Some(edits);
            }
        }
        self.restore_on_load = None;
        if let Some((p, errors)) = self.errors_to_pin.take()
            && p == path
        {
            let n = doc.pin_import_errors(&errors);
            doc.set_filter(Filter::ImportErrors);
            self.notice = Some((pinned_sentence(n, errors.len()), n == 0));
        }
        self.show_issues = true;
        self.doc = Some(doc);
    }

    fn saved(&mut self, result: Result<SavedFile, String>) {
        if let Some(doc) = &mut self.doc
            && doc.finish_read(Busy::Saving)
            && let Ok(saved) = &result
        {
            doc.mark_saved(&saved.path);
        }
        let ok = result.is_ok();
        self.notice = Some(match result {
            Ok(saved) => (saved.message, false),
            Err(m) => (m, true),
        });
        if std::mem::take(&mut self.push_after_save) && ok {
            if let (Some(p), Some(doc)) = (&mut self.push, &self.doc)
                && let Some(cmd) = p.start(doc)
            {
                self.queued.push(cmd);
            }
        } else if let Some(p) = &mut self.push {
            p.ended(None);
        }
    }
}
