//! The in-memory catalog: one byte buffer, cells as offsets, an edit overlay, undo and redo.
//! Byte-faithful, atomic saving (temp file + rename, with a `.bak` of the previous file).
//!
//! The file's text is kept once, in one `String`. Rows are byte offsets into it and cells are
//! parsed from their row when asked for. Edits live in an overlay keyed by a stable row id
//! and a stable column key, so inserting a row or a column never copies the catalog.
//! Positions (`row`, `col` in the API) are what the user sees: display order, 0-based.
//!
//! Every change is an [`Edit`], applied through [`Table::apply`]; edits are undoable, and the
//! ones made since the last save are available as a journal ([`Table::journal`]) that can be
//! replayed onto the saved file after a crash.
//!
//! Pure functions of a table that the catalog view runs on the spot, or on the worker for
//! big tables: [`arrange`] (filter and sort), [`issues`] (the issue summary) and [`replace`]
//! (find and replace).

pub mod arrange;
mod edit;
mod findings;
pub mod issues;
mod parse;
pub mod replace;
mod row_findings;
mod save;

use std::borrow::Cow;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

pub use edit::{CellValue, Edit, RowValues};
pub use findings::{Finding, FindingCounts, FindingKind, IssueGroup, RowChecker};

use super::FeedKind;
use super::io::{self, IoError};
use super::sniff::{self, Dialect, TextEncoding};

/// Stable identity of a row, unchanged by inserts, deletes and undo. Rows read from the file
/// have ids `0..n` in file order; rows added later get new ids.
pub type RowId = u32;

/// Stable identity of a column: original columns are keyed by their index in the file's
/// header, added columns by numbers after those.
type ColKey = u32;

/// Something that stopped a load, a save or an edit.
#[derive(Debug, thiserror::Error)]
pub enum TableError {
    /// Reading or writing the file failed (or the load was cancelled).
    #[error(transparent)]
    Io(#[from] IoError),
    /// An edit does not fit the table (a row or column out of range), e.g. a journal replayed
    /// onto a different file.
    #[error("This edit does not fit the catalog: {0}")]
    InvalidEdit(String),
    /// `save` was called on a table that was never saved to or loaded from a file.
    #[error("This catalog has no file yet. Use Save As and pick where to write it.")]
    NoPath,
}

/// One column as shown: its stable key and, when renamed or added, its name.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Column {
    key: ColKey,
    name: Option<String>,
}

/// One undoable step: the edit as applied and what undoes it.
#[derive(Debug)]
struct Step {
    edit: Edit,
    undo: edit::Inverse,
}

/// A catalog held in memory, editable, validated as it changes, and saved byte-faithfully.
#[derive(Debug)]
pub struct Table {
    /// The whole file as UTF-8 (byte for byte when it was UTF-8), including any BOM.
    text: String,
    dialect: Dialect,
    converted_from: Option<TextEncoding>,
    first_non_utf8_line: Option<u64>,
    /// Where the header record starts (after a BOM and leading blank lines).
    header_start: usize,
    /// Start of each record (header first), each span running to the next start; the last
    /// entry is `text.len()`. Empty for an empty file.
    spans: Vec<usize>,
    /// Number of fields in the file's header.
    orig_width: usize,
    columns: Vec<Column>,
    next_col_key: ColKey,
    /// Row ids in display order.
    order: Vec<RowId>,
    /// Display position of each row id, `u32::MAX` when deleted.
    pos_of: Vec<u32>,
    /// Rows read from the file (`ids < file_rows`).
    file_rows: u32,
    /// Edited cells, by row, then column key.
    overlay: HashMap<RowId, Vec<(ColKey, String)>>,
    undo: Vec<Step>,
    redo: Vec<Edit>,
    /// `undo.len()` at the last save or load; `None` once that state cannot come back.
    clean_at: Option<usize>,
    journal: Vec<Edit>,
    /// How many trailing journal entries mirror the top of the undo stack.
    journal_mirrors: usize,
    path: Option<PathBuf>,
    validation: findings::Validation,
}

impl Table {
    /// Loads a catalog file, for a background thread: `progress(done, total)` is called as it
    /// goes (`done` reaches `total` when loading and validation are finished), and setting
    /// `cancel` stops it with [`IoError::Cancelled`]. The feed kind is guessed from the header.
    pub fn open(
        path: &Path,
        cancel: &AtomicBool,
        progress: impl FnMut(u64, u64),
    ) -> Result<Table, TableError> {
        Self::open_with_delimiter(path, None, cancel, progress)
    }

    /// Like [`Table::open`], splitting fields on `delimiter` when given instead of the
    /// detected one (the user corrected a guess).
    pub fn open_with_delimiter(
        path: &Path,
        delimiter: Option<u8>,
        cancel: &AtomicBool,
        progress: impl FnMut(u64, u64),
    ) -> Result<Table, TableError> {
        Self::open_as(path, delimiter, None, cancel, progress)
    }

    /// Like [`Table::open`], with the delimiter and the text encoding given by the user when
    /// the detected ones were wrong (`None` keeps what detection finds).
    pub fn open_as(
        path: &Path,
        delimiter: Option<u8>,
        encoding: Option<TextEncoding>,
        cancel: &AtomicBool,
        mut progress: impl FnMut(u64, u64),
    ) -> Result<Table, TableError> {
        // Reading is about 40 % of the work, indexing 10 %, validation the rest.
        let mut total = 0;
        let bytes = io::read_with_progress(path, cancel, |done, t| {
            total = t;
            progress(done * 4 / 10, t);
        })?;
        let mut table = Self::load(bytes, None, delimiter, encoding, cancel, &mut |frac| {
            progress(total * 4 / 10 + (total as f64 * 0.6 * frac) as u64, total);
        })?;
        progress(total, total);
        table.path = Some(path.to_path_buf());
        Ok(table)
    }

    /// Builds a table from bytes in memory (no file behind it until [`Table::save_as`]),
    /// guessing the feed kind from the header.
    #[must_use]
    pub fn from_bytes(bytes: Vec<u8>) -> Table {
        Self::from_bytes_as(bytes, None)
    }

    /// Like [`Table::from_bytes`], validating against `kind` when given.
    #[must_use]
    pub fn from_bytes_as(bytes: Vec<u8>, kind: Option<FeedKind>) -> Table {
        let never = AtomicBool::new(false);
        match Self::load(bytes, kind, None, None, &never, &mut |_| {}) {
            Ok(t) => t,
            // Only cancelling can stop a load from memory, and nothing cancels `never`.
            Err(_) => unreachable!("an in-memory load cannot be cancelled"),
        }
    }

    fn load(
        bytes: Vec<u8>,
        kind: Option<FeedKind>,
        delimiter: Option<u8>,
        encoding: Option<TextEncoding>,
        cancel: &AtomicBool,
        progress: &mut dyn FnMut(f64),
    ) -> Result<Table, TableError> {
        let decoded = match encoding {
            Some(e) => io::decode_as(bytes, e),
            None => io::decode(bytes),
        };
        let text = decoded.text;
        let sample_end = floor_char_boundary(&text, sniff::SNIFF_SAMPLE);
        let mut dialect = sniff::sniff(&text.as_bytes()[..sample_end]);
        if let Some(d) = delimiter {
            dialect.delimiter = d;
            dialect.delimiter_confident = true;
        }
        // The sample is already UTF-8; the file's own encoding is what it was converted from.
        if let Some(from) = decoded.converted_from {
            dialect.encoding = from;
        }
        let b = text.as_bytes();
        let bom = if text.starts_with('\u{feff}') { 3 } else { 0 };
        let header_start = parse::skip_terminators(b, bom);

        let mut spans = Vec::new();
        let mut start = header_start;
        let mut last_report = 0;
        while start < b.len() {
            spans.push(start);
            let end = parse::record_content_end(b, start, dialect.delimiter);
            start = parse::skip_terminators(b, end);
            if start - last_report > 8 << 20 {
                last_report = start;
                if cancel.load(Ordering::Relaxed) {
                    return Err(IoError::Cancelled.into());
                }
                progress(start as f64 / b.len() as f64 / 6.0);
            }
        }
        if !spans.is_empty() {
            spans.push(b.len());
        }
        spans.shrink_to_fit();

        let record_count = spans.len().saturating_sub(1);
        let file_rows = u32::try_from(record_count.saturating_sub(1)).unwrap_or(u32::MAX);
        let orig_width = if record_count == 0 {
            0
        } else {
            let h = &text.as_bytes()[spans[0]..spans[1]];
            let end = parse::record_content_end(h, 0, dialect.delimiter);
            parse::field_count(&text[spans[0]..spans[0] + end], dialect.delimiter)
        };
        let columns = (0..orig_width as ColKey)
            .map(|key| Column { key, name: None })
            .collect();
        let order: Vec<RowId> = (0..file_rows).collect();
        let mut table = Table {
            converted_from: decoded.converted_from,
            first_non_utf8_line: decoded.first_non_utf8_line,
            text,
            dialect,
            header_start,
            spans,
            orig_width,
            columns,
            next_col_key: orig_width as ColKey,
            pos_of: order.clone(),
            order,
            file_rows,
            overlay: HashMap::new(),
            undo: Vec::new(),
            redo: Vec::new(),
            clean_at: Some(0),
            journal: Vec::new(),
            journal_mirrors: 0,
            path: None,
            validation: findings::Validation::placeholder(),
        };
        let kind = kind.unwrap_or_else(|| guess_kind(&table.header()));
        table.validation = findings::Validation::new(kind, &table.header());
        table.validation.set_notes(table.load_notes());
        table.revalidate_all(cancel, &mut |f| progress(1.0 / 6.0 + f * 5.0 / 6.0))?;
        Ok(table)
    }

    // ----- shape -------------------------------------------------------------------------

    /// How the file is written (delimiter, BOM, line ending, encoding as found).
    #[must_use]
    pub fn dialect(&self) -> &Dialect {
        &self.dialect
    }

    /// The encoding the file was converted from, when it was not UTF-8. Such a file is saved
    /// as UTF-8 (what Stripe expects), so it is not byte-for-byte the same afterwards.
    #[must_use]
    pub fn converted_from(&self) -> Option<TextEncoding> {
        self.converted_from
    }

    /// The file this table was loaded from or last saved to.
    #[must_use]
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// Number of data rows (header not counted).
    #[must_use]
    pub fn row_count(&self) -> usize {
        self.order.len()
    }

    /// Number of columns (as in the header).
    #[must_use]
    pub fn column_count(&self) -> usize {
        self.columns.len()
    }

    /// The column names, in display order.
    #[must_use]
    pub fn header(&self) -> Vec<Cow<'_, str>> {
        (0..self.columns.len())
            .map(|c| self.column_name(c))
            .collect()
    }

    /// Name of column `col` (empty when out of range).
    #[must_use]
    pub fn column_name(&self, col: usize) -> Cow<'_, str> {
        match self.columns.get(col) {
            Some(Column {
                name: Some(name), ..
            }) => Cow::Borrowed(name.as_str()),
            Some(Column { key, name: None }) => self.header_field(*key as usize),
            None => Cow::Borrowed(""),
        }
    }

    /// Index of the first column named `name`.
    #[must_use]
    pub fn column_index(&self, name: &str) -> Option<usize> {
        (0..self.columns.len()).find(|&c| self.column_name(c) == name)
    }

    /// The value of one cell; empty when the row is shorter or out of range.
    #[must_use]
    pub fn cell(&self, row: usize, col: usize) -> Cow<'_, str> {
        match (self.order.get(row), self.columns.get(col)) {
            (Some(&id), Some(c)) => self.cell_by_key(id, c.key),
            _ => Cow::Borrowed(""),
        }
    }

    /// All cells of one row, one per column (parses the row once; use this to draw a row).
    #[must_use]
    pub fn row_cells(&self, row: usize) -> Vec<Cow<'_, str>> {
        let Some(&id) = self.order.get(row) else {
            return Vec::new();
        };
        let mut base = Vec::new();
        if id < self.file_rows {
            parse::split_fields(self.record(id), self.dialect.delimiter, &mut base);
        }
        let edits = self.overlay.get(&id);
        self.columns
            .iter()
            .map(|c| {
                if let Some(v) = edits.and_then(|e| find_edit(e, c.key)) {
                    return Cow::Borrowed(v);
                }
                if (c.key as usize) < self.orig_width {
                    base.get(c.key as usize).cloned().unwrap_or_default()
                } else {
                    Cow::Borrowed("")
                }
            })
            .collect()
    }

    /// The stable id of the row shown at `row`.
    #[must_use]
    pub fn row_id(&self, row: usize) -> Option<RowId> {
        self.order.get(row).copied()
    }

    /// Where row `id` is shown now, or `None` when it is deleted.
    #[must_use]
    pub fn position_of(&self, id: RowId) -> Option<usize> {
        match self.pos_of.get(id as usize) {
            Some(&p) if p != u32::MAX => Some(p as usize),
            _ => None,
        }
    }

    /// True when row `row` has any edit (or is new) since load.
    #[must_use]
    pub fn is_row_edited(&self, row: usize) -> bool {
        self.order
            .get(row)
            .is_some_and(|&id| id >= self.file_rows || self.overlay.contains_key(&id))
    }

    // ----- internals shared by the submodules ----------------------------------------------

    /// The record span of file row `id` without its terminator.
    fn record(&self, id: RowId) -> &str {
        self.span_parts(id as usize + 1).0
    }

    /// The span of record `index` (0 = header) split into content and terminator (the line
    /// ending plus any blank lines after it; empty for a last line without newline).
    fn span_parts(&self, index: usize) -> (&str, &str) {
        let span = &self.text[self.spans[index]..self.spans[index + 1]];
        let content = if index + 2 == self.spans.len() {
            // The last record may end inside an unterminated quote, newlines included.
            parse::record_content_end(span.as_bytes(), 0, self.dialect.delimiter)
        } else {
            parse::content_len(span.as_bytes())
        };
        span.split_at(content)
    }

    fn header_field(&self, index: usize) -> Cow<'_, str> {
        if self.spans.is_empty() {
            return Cow::Borrowed("");
        }
        parse::nth_field(self.span_parts(0).0, self.dialect.delimiter, index).unwrap_or_default()
    }

    /// The value of a cell as read from the file (before edits).
    fn base_cell(&self, id: RowId, key: ColKey) -> Cow<'_, str> {
        if id < self.file_rows && (key as usize) < self.orig_width {
            parse::nth_field(self.record(id), self.dialect.delimiter, key as usize)
                .unwrap_or_default()
        } else {
            Cow::Borrowed("")
        }
    }

    fn cell_by_key(&self, id: RowId, key: ColKey) -> Cow<'_, str> {
        if let Some(v) = self.overlay.get(&id).and_then(|e| find_edit(e, key)) {
            return Cow::Borrowed(v);
        }
        self.base_cell(id, key)
    }

    /// The fields of a row as validated and saved: the file's fields with edits applied
    /// (ragged rows keep their length) while the columns are as in the file; otherwise one
    /// value per column, followed by any extra fields a long ragged row had.
    fn row_fields(&self, id: RowId) -> Vec<Cow<'_, str>> {
        // Sized once: growing it field by field cost a realloc per doubling on every row.
        let mut base = Vec::with_capacity(self.orig_width.max(self.columns.len()));
        if id < self.file_rows {
            parse::split_fields(self.record(id), self.dialect.delimiter, &mut base);
        }
        let edits = self.overlay.get(&id).map_or(&[][..], Vec::as_slice);
        if self.columns_in_file_order() && id < self.file_rows {
            for (key, value) in edits {
                let k = *key as usize;
                if base.len() <= k {
                    base.resize(k + 1, Cow::Borrowed(""));
                }
                base[k] = Cow::Borrowed(value.as_str());
            }
            return base;
        }
        let mut out: Vec<Cow<'_, str>> = self
            .columns
            .iter()
            .map(|c| {
                if let Some(v) = find_edit(edits, c.key) {
                    Cow::Borrowed(v)
                } else if (c.key as usize) < self.orig_width {
                    base.get(c.key as usize).cloned().unwrap_or_default()
                } else {
                    Cow::Borrowed("")
                }
            })
            .collect();
        if base.len() > self.orig_width {
            out.extend(base.drain(self.orig_width..));
        }
        out
    }

    /// True when the columns are exactly the file's, in the file's order.
    fn columns_in_file_order(&self) -> bool {
        self.columns.len() == self.orig_width
            && self
                .columns
                .iter()
                .enumerate()
                .all(|(i, c)| c.key as usize == i)
    }

    /// Refreshes the position index for display rows `start..` (rows before it did not move).
    fn reindex_from(&mut self, start: usize) {
        for (pos, &id) in self.order.iter().enumerate().skip(start) {
            let i = id as usize;
            if self.pos_of.len() <= i {
                self.pos_of.resize(i + 1, u32::MAX);
            }
            self.pos_of[i] = pos as u32;
        }
    }

    /// Findings about the file itself from loading (encoding conversion).
    fn load_notes(&self) -> Vec<super::Diagnostic> {
        let mut notes = Vec::new();
        if let Some(enc) = self.converted_from {
            let line = self
                .first_non_utf8_line
                .map(|l| format!(" (first seen on line {l})"))
                .unwrap_or_default();
            notes.push(super::Diagnostic {
                rule: "encoding_converted",
                severity: super::Severity::Warning,
                row: None,
                column: None,
                value: None,
                message: format!(
                    "The file is not UTF-8 but {}{line}; it was converted to UTF-8, which Stripe expects.",
                    enc.label()
                ),
                fix: Some(super::Fix {
                    message: "Save the file to write it as UTF-8.".to_owned(),
                    replacement: None,
                }),
            });
        }
        notes
    }
}

/// The edited value for `key` in one row's overlay.
fn find_edit(edits: &[(ColKey, String)], key: ColKey) -> Option<&str> {
    edits
        .iter()
        .find(|(k, _)| *k == key)
        .map(|(_, v)| v.as_str())
}

/// The largest char boundary of `s` at or below `i`.
fn floor_char_boundary(s: &str, i: usize) -> usize {
    let mut i = i.min(s.len());
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// A first guess of the feed kind from the header names, until the spec offers detection.
fn guess_kind(header: &[Cow<'_, str>]) -> FeedKind {
    let has = |n: &str| header.iter().any(|h| h.trim().eq_ignore_ascii_case(n));
    if has("promotion_id") {
        FeedKind::Promotion
    } else if has("title") || has("link") || header.len() > 8 {
        FeedKind::Product
    } else if has("price") && !has("availability") && !has("inventory_quantity") {
        FeedKind::Pricing
    } else if has("availability") || has("inventory_quantity") {
        FeedKind::Inventory
    } else {
        FeedKind::Product
    }
}
