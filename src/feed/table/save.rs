//! Writing a table back: rows nobody touched go out byte for byte (their quoting, their line
//! endings, the BOM and blank lines as they were); edited and new rows are written with
//! minimal quoting, the file's delimiter and its line ending.

use std::io::{self, Write};
use std::path::Path;

use super::{Table, TableError, parse};
use crate::feed::io::{self as feed_io, SaveOutcome};

/// How rows relate to the file's columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Layout {
    /// The file's columns, in order: untouched rows are copied.
    Verbatim,
    /// The file's columns, then columns added from this index on: untouched rows are copied
    /// and the new cells appended.
    Append { from: usize },
    /// Columns moved or removed: every row is written from its values.
    Rebuild,
}

/// The terminator that follows a record in the output.
enum Term<'a> {
    /// As in the file (maybe empty for a last line without newline, maybe with blank lines).
    Original(&'a str),
    /// A new record: the file's line ending.
    New,
}

impl Table {
    /// Saves to the file it came from (atomically, keeping a `.bak` of the previous file).
    pub fn save(&mut self) -> Result<SaveOutcome, TableError> {
        let path = self.path.clone().ok_or(TableError::NoPath)?;
        self.save_as(&path)
    }

    /// Saves to `path` (atomically, keeping a `.bak` of any file there) and makes it the
    /// table's file. Clears the dirty flag and the journal.
    pub fn save_as(&mut self, path: &Path) -> Result<SaveOutcome, TableError> {
        let outcome = self.write_file(path)?;
        self.saved_to(path);
        Ok(outcome)
    }

    /// Writes the table to `path` like [`Table::save_as`] without recording the save: for
    /// a worker holding a shared snapshot, whose owner then calls [`Table::saved_to`].
    pub fn write_file(&self, path: &Path) -> Result<SaveOutcome, TableError> {
        Ok(feed_io::write_atomic_with(path, |w| self.write_to(w))?)
    }

    /// Records that `path` now holds the table as it is: makes it the table's file and
    /// clears the dirty flag and the journal.
    pub fn saved_to(&mut self, path: &Path) {
        self.path = Some(path.to_path_buf());
        self.mark_saved();
    }

    /// The file as it would be saved.
    #[must_use]
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.text.len());
        // Writing to a Vec cannot fail.
        let _ = self.write_to(&mut out);
        out
    }

    /// Writes the file as it would be saved.
    pub fn write_to(&self, w: &mut dyn Write) -> io::Result<()> {
        let layout = self.layout();
        let renamed = self
            .columns
            .iter()
            .take(self.orig_width)
            .any(|c| c.name.is_some());
        let header_layout = if renamed { Layout::Rebuild } else { layout };
        let le = self.dialect.line_ending.as_bytes();
        let ends_with_newline =
            self.spans.is_empty() || self.text.ends_with('\n') || self.text.ends_with('\r');
        let has_header = !self.spans.is_empty() || !self.columns.is_empty();

        w.write_all(&self.text.as_bytes()[..self.header_start])?;
        let records = usize::from(has_header) + self.order.len();
        let mut buf: Vec<u8> = Vec::with_capacity(64 * 1024);
        for i in 0..records {
            let term = if has_header && i == 0 {
                self.emit_header(&mut buf, header_layout)
            } else {
                let row = i - usize::from(has_header);
                self.emit_row(&mut buf, self.order[row], layout)
            };
            let last = i + 1 == records;
            match term {
                Term::Original(t) if !t.is_empty() || last => buf.extend_from_slice(t.as_bytes()),
                Term::New if last && !ends_with_newline => {}
                Term::Original(_) | Term::New => buf.extend_from_slice(le),
            }
            if buf.len() >= 60 * 1024 {
                w.write_all(&buf)?;
                buf.clear();
            }
        }
        w.write_all(&buf)
    }

    fn layout(&self) -> Layout {
        let w = self.orig_width;
        let prefix_ok = self.columns.len() >= w
            && self.columns[..w]
                .iter()
                .enumerate()
                .all(|(i, c)| c.key as usize == i);
        match (prefix_ok, self.columns.len() == w) {
            (true, true) => Layout::Verbatim,
            (true, false) if w > 0 => Layout::Append { from: w },
            _ => Layout::Rebuild,
        }
    }

    fn emit_header(&self, buf: &mut Vec<u8>, layout: Layout) -> Term<'_> {
        let delim = self.dialect.delimiter;
        if self.spans.is_empty() {
            parse::write_record(buf, &self.header(), delim);
            return Term::New;
        }
        let (content, term) = self.span_parts(0);
        match layout {
            Layout::Verbatim => buf.extend_from_slice(content.as_bytes()),
            Layout::Append { from } => {
                buf.extend_from_slice(content.as_bytes());
                for c in from..self.columns.len() {
                    buf.push(delim);
                    parse::write_field(buf, &self.column_name(c), delim);
                }
            }
            Layout::Rebuild => parse::write_record(buf, &self.header(), delim),
        }
        Term::Original(term)
    }

    fn emit_row(&self, buf: &mut Vec<u8>, id: super::RowId, layout: Layout) -> Term<'_> {
        let delim = self.dialect.delimiter;
        if id >= self.file_rows {
            parse::write_record(buf, &self.row_fields(id), delim);
            return Term::New;
        }
        let (content, term) = self.span_parts(id as usize + 1);
        let edits = self.overlay.get(&id);
        let original_untouched =
            edits.is_none_or(|e| e.iter().all(|(k, _)| *k as usize >= self.orig_width));
        match layout {
            Layout::Verbatim if original_untouched => buf.extend_from_slice(content.as_bytes()),
            Layout::Append { from }
                if original_untouched && parse::field_count(content, delim) == self.orig_width =>
            {
                buf.extend_from_slice(content.as_bytes());
                for c in &self.columns[from..] {
                    buf.push(delim);
                    parse::write_field(buf, &self.cell_by_key(id, c.key), delim);
                }
            }
            _ => parse::write_record(buf, &self.row_fields(id), delim),
        }
        Term::Original(term)
    }
}
