//! Streaming, parallel validation of a feed file into [`Diagnostic`]s: [`validate_bytes`] and
//! [`validate_file`] check a whole feed into a [`Report`]; [`check_row`] checks one row
//! against a [`Schema`], and [`CrossRow`] the rules that span rows. The catalog table, the
//! sandbox and the UI use them.
//!
//! How a file is read: one thread reads blocks of the file and splits them into records
//! (cells kept as ranges of the block, see `records`), and hands each batch to a checker
//! thread over a small bounded channel. When the checker falls behind, the reader checks the
//! batch itself, so both cores stay busy whichever side is slower. Each cell is checked on
//! its own unless it equals the clean cell above it (see `rules::CleanCells`). Each thread
//! gathers its rows' ids and variant groups (see `row_keys`) and sorts them; the rows whose
//! keys repeat go into a [`CrossRow`] at the end. Memory stays flat: a few blocks in flight,
//! the findings, and the row keys.

use std::borrow::Cow;
use std::io::{self, Read, Seek, SeekFrom};
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::{self, TrySendError};
use std::sync::{Mutex, PoisonError};

use csv::ByteRecord;

use super::io::{FILES_API_LIMIT, V2_IMPORT_LIMIT};
use super::records::{BLOCK_BYTES, Batch, Splitter, next_batch};
use super::row_keys::RowKeys;
use super::rules::{self, Cells, CleanCells, Sink};
use super::schema::{Schema, fix, header_diag};
use super::sniff::{self, Dialect, LineEnding, TextEncoding};
use super::spec;
use super::{Diagnostic, FeedKind, Severity};

pub use super::cross_row::CrossRow;

/// What to validate against.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Force a feed kind; `None` detects it from the header.
    pub feed: Option<FeedKind>,
}

/// The outcome of validating a whole file.
#[derive(Debug, Clone)]
pub struct Report {
    /// The feed kind validated against (forced or detected).
    pub feed: FeedKind,
    /// How the file is written.
    pub dialect: Dialect,
    /// Number of data rows (header not counted).
    pub rows: u64,
    /// Every finding, file-level first, then by row.
    pub diagnostics: Vec<Diagnostic>,
}

impl Report {
    /// Number of findings of one severity.
    #[must_use]
    pub fn count(&self, severity: Severity) -> usize {
        self.diagnostics
            .iter()
            .filter(|d| d.severity == severity)
            .count()
    }
}

/// Most rows per batch.
const BATCH_ROWS: usize = 1024;

/// Validates a whole file held in memory.
#[must_use]
pub fn validate_bytes(bytes: &[u8], options: &Options) -> Report {
    let never = AtomicBool::new(false);
    match run(
        io::Cursor::new(bytes),
        bytes.len() as u64,
        options,
        &mut |_, _| {},
        &never,
    ) {
        Ok(report) => report,
        // A cursor over memory cannot fail to read; keep a sentence anyway.
        Err(e) => Report {
            feed: options.feed.unwrap_or(FeedKind::Product),
            dialect: sniff::sniff(&bytes[..bytes.len().min(sniff::SNIFF_SAMPLE)]),
            rows: 0,
            diagnostics: vec![file_diag(
                "empty_file",
                Severity::Error,
                format!("The data could not be read: {e}."),
                None,
            )],
        },
    }
}

/// Validates a file on disk, streaming it.
pub fn validate_file(path: &Path, options: &Options) -> io::Result<Report> {
    let never = AtomicBool::new(false);
    validate_file_with_progress(path, options, &mut |_, _| {}, &never)
}

/// The sentence for an error from [`validate_file`]: a refusal (not a regular file, too
/// large) says it all; any other read error names the path.
#[must_use]
pub fn read_failure(path: &Path, error: &io::Error) -> String {
    match error
        .get_ref()
        .and_then(|inner| inner.downcast_ref::<super::io::IoError>())
    {
        Some(refused) => refused.to_string(),
        None => format!(
            "Cannot read {}: {error}. Check the path and that you may read the file.",
            path.display()
        ),
    }
}

/// Like [`validate_file`], calling `progress(bytes_done, bytes_total)` after each batch of
/// rows, and stopping with an [`io::ErrorKind::Interrupted`] error once `cancel` is set.
/// What is not a regular file, or is over the 4 GB limit, is refused before it is read, with
/// an [`io::ErrorKind::InvalidInput`] error wrapping the [`super::io::IoError`] that says so.
pub fn validate_file_with_progress(
    path: &Path,
    options: &Options,
    progress: &mut dyn FnMut(u64, u64),
    cancel: &AtomicBool,
) -> io::Result<Report> {
    let (file, total) = super::io::open_feed(path).map_err(|e| match e {
        super::io::IoError::Io { source, .. } => source,
        refused => io::Error::new(io::ErrorKind::InvalidInput, refused),
    })?;
    run(file, total, options, progress, cancel)
}

fn file_diag(
    rule: &'static str,
    severity: Severity,
    message: String,
    fix_message: Option<&str>,
) -> Diagnostic {
    header_diag(
        rule,
        severity,
        None,
        message,
        fix_message.map(|m| fix(m, None)),
    )
}

// ---------------------------------------------------------------------------------------
// One row

/// Checks one data row on its own (every per-cell and within-row cross-field rule), appending
/// findings to `out`. `row` is the 1-based data row number.
pub fn check_row(schema: &Schema, row: u64, fields: &[&str], out: &mut Vec<Diagnostic>) {
    check_row_with(schema, row, fields, &mut CleanCells::default(), out);
}

/// [`check_row`], skipping cells equal to the clean ones remembered in `seen` (see
/// [`CleanCells`]) and remembering this row's clean cells.
fn check_row_with<'a>(
    schema: &Schema,
    row: u64,
    fields: &[&'a str],
    seen: &mut CleanCells<'a>,
    out: &mut Vec<Diagnostic>,
) {
    if fields.len() != schema.width() {
        let hint = if fields.iter().any(|f| f.contains(['\n', '\r'])) {
            " A cell spans several lines, so a quote is probably left open in it or just before it."
        } else {
            ""
        };
        out.push(Diagnostic {
            rule: "ragged_row",
            severity: Severity::Error,
            row: Some(row),
            column: None,
            value: Some(rules::shorten(&fields.join(","))),
            message: format!(
                "Row {row} has {} cells but the header has {}.{hint}",
                fields.len(),
                schema.width()
            ),
            fix: Some(fix(
                "Quote cells that contain the delimiter, and give every row one cell per header column.",
                None,
            )),
        });
        return;
    }
    if fields.iter().all(|f| rules::trim(f).is_empty()) {
        out.push(Diagnostic {
            rule: "blank_row",
            severity: Severity::Warning,
            row: Some(row),
            column: None,
            value: None,
            message: format!("Row {row} is empty."),
            fix: Some(fix("Delete the row.", None)),
        });
        return;
    }
    let mut sink = Sink { row, out };
    rules::check_row_cells(Cells { schema, fields }, seen, &mut sink);
}

// ---------------------------------------------------------------------------------------
// The streaming pipeline

/// Whole records read from the file: the bytes and where each cell lies in them.
/// Shared state of the checker threads.
struct Shared<'s> {
    schema: &'s Schema,
    found: Mutex<Vec<Diagnostic>>,
    not_utf8_rows: AtomicU64,
    first_not_utf8: Mutex<Option<(u64, u64, &'static str)>>,
}

impl Shared<'_> {
    fn check_batch(&self, batch: &Batch, keys: &mut RowKeys) {
        let mut out = Vec::new();
        let mut fields: Vec<&str> = Vec::with_capacity(self.schema.width());
        let mut seen = CleanCells::for_schema(self.schema);
        // Records end at line ends and cells at ASCII delimiters or quotes, so when the
        // whole block is UTF-8 every cell is too.
        let text = std::str::from_utf8(&batch.data)
            .ok()
            .zip(std::str::from_utf8(batch.cells.scratch()).ok());
        for i in 0..batch.cells.len() {
            let row = batch.first_row + i as u64;
            let Some((data, scratch)) = text else {
                self.check_record_bytes(batch, i, row, keys, &mut out);
                continue;
            };
            fields.clear();
            for span in batch.cells.spans(i) {
                let text = if span.scratch { scratch } else { data };
                fields.push(text.get(span.start..span.end).unwrap_or(""));
            }
            check_row_with(self.schema, row, &fields, &mut seen, &mut out);
            keys.add(self.schema, row, &fields);
        }
        if !out.is_empty() {
            self.found
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .append(&mut out);
        }
    }

    /// Checks record `i` of a block that is not all UTF-8.
    fn check_record_bytes(
        &self,
        batch: &Batch,
        i: usize,
        row: u64,
        keys: &mut RowKeys,
        out: &mut Vec<Diagnostic>,
    ) {
        let mut record: ByteRecord = batch.cells.cell_bytes(&batch.data, i).collect();
        let start = batch.cells.start(i);
        let mut position = csv::Position::new();
        position.set_byte(start.byte).set_line(start.line);
        record.set_position(Some(position));
        let decoded: Vec<Cow<'_, str>>;
        let mut fields: Vec<&str> = Vec::with_capacity(record.len());
        if let Ok(all) = std::str::from_utf8(record.as_slice()) {
            for k in 0..record.len() {
                fields.push(record.range(k).and_then(|r| all.get(r)).unwrap_or(""));
            }
        } else {
            decoded = record.iter().map(decode_legacy).collect();
            fields.extend(decoded.iter().map(std::ops::Deref::deref));
            self.report_not_utf8(&record, row, out);
        }
        check_row(self.schema, row, &fields, out);
        keys.add(self.schema, row, &fields);
    }

    fn report_not_utf8(&self, record: &ByteRecord, row: u64, out: &mut Vec<Diagnostic>) {
        let line = record.position().map_or(0, csv::Position::line);
        for (k, field) in record.iter().enumerate() {
            if std::str::from_utf8(field).is_ok() {
                continue;
            }
            let encoding = sniff::guess_legacy_encoding(field);
            self.not_utf8_rows.fetch_add(1, Ordering::Relaxed);
            let mut first = self
                .first_not_utf8
                .lock()
                .unwrap_or_else(PoisonError::into_inner);
            if first.is_none_or(|(r, _, _)| row < r) {
                *first = Some((row, line, encoding));
            }
            out.push(Diagnostic {
                rule: "not_utf8",
                severity: Severity::Error,
                row: Some(row),
                column: self.schema.header().get(k).cloned(),
                value: Some(rules::shorten(&decode_legacy(field))),
                message: format!(
                    "Line {line} is not UTF-8; its bytes look like {encoding} (shown decoded that way)."
                ),
                fix: Some(fix(
                    "Save the file as UTF-8 (in Excel: CSV UTF-8; in LibreOffice: character set Unicode (UTF-8)).",
                    None,
                )),
            });
            return;
        }
    }
}

/// Decodes bytes that are not UTF-8 as Windows-1252 (a superset of printable Latin-1).
fn decode_legacy(bytes: &[u8]) -> Cow<'_, str> {
    match std::str::from_utf8(bytes) {
        Ok(s) => Cow::Borrowed(s),
        Err(_) => {
            encoding_rs::WINDOWS_1252
                .decode_without_bom_handling(bytes)
                .0
        }
    }
}

/// Reads until `buf` is full or the source ends; returns how much was read.
fn read_up_to(src: &mut impl Read, buf: &mut [u8]) -> io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        match src.read(&mut buf[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(filled)
}

fn megabytes(bytes: u64) -> String {
    format!("{:.1} MB", bytes as f64 / (1024.0 * 1024.0))
}

/// File-level findings from the dialect and size.
fn dialect_diagnostics(dialect: Dialect, total: u64, sample: &[u8], out: &mut Vec<Diagnostic>) {
    if dialect.has_bom {
        out.push(file_diag(
            "bom",
            Severity::Info,
            "The file starts with a UTF-8 byte-order mark; it is accepted and kept as it is."
                .to_owned(),
            None,
        ));
    }
    if total > V2_IMPORT_LIMIT {
        out.push(file_diag(
            "file_too_large",
            Severity::Error,
            format!(
                "The file is {}, over the 4 GB limit of Stripe's catalog imports.",
                megabytes(total)
            ),
            Some("Split it into several files (for example by category) and upload each."),
        ));
    } else if total > FILES_API_LIMIT {
        out.push(file_diag(
            "file_too_large",
            Severity::Warning,
            format!(
                "The file is {}: over the 200 MB limit of the Files API upload used by v1 import sets, within the 4 GB limit of v2 catalog imports.",
                megabytes(total)
            ),
            Some("Upload it through a v2 catalog import, or split it for the v1 flow."),
        ));
    }
    match dialect.delimiter {
        b';' => out.push(file_diag(
            "delimiter_semicolon",
            Severity::Warning,
            "The file is separated by semicolons; Stripe reads CSV (commas) or TSV (tabs)."
                .to_owned(),
            Some("Export it again as CSV with commas (the table can save it that way)."),
        )),
        b'\t' => out.push(file_diag(
            "delimiter_tab",
            Severity::Info,
            "The file is tab-separated (TSV), which Stripe accepts.".to_owned(),
            None,
        )),
        _ => {}
    }
    if !dialect.delimiter_confident && sample.contains(&b'\n') {
        out.push(file_diag(
            "delimiter_unclear",
            Severity::Warning,
            format!(
                "No delimiter appears the same number of times on every line; the file was read as {}-separated.",
                dialect.delimiter_name()
            ),
            Some("Check that every row has one cell per header column and that cells containing the delimiter are quoted."),
        ));
    }
    match dialect.line_ending {
        LineEnding::CrLf => out.push(file_diag(
            "line_endings",
            Severity::Info,
            "Lines end with CRLF (Windows); Stripe accepts them.".to_owned(),
            None,
        )),
        LineEnding::Cr => out.push(file_diag(
            "line_endings_cr",
            Severity::Error,
            "Lines end with a lone CR (old Mac format), which Stripe does not read.".to_owned(),
            Some("Save the file with LF or CRLF line endings."),
        )),
        LineEnding::Lf => {}
    }
}

/// The header as text (non-UTF-8 names decoded as Windows-1252).
fn header_strings(record: &ByteRecord) -> Vec<String> {
    record
        .iter()
        .map(|f| decode_legacy(f).into_owned())
        .collect()
}

fn run<R: Read + Seek>(
    mut src: R,
    total: u64,
    options: &Options,
    progress: &mut dyn FnMut(u64, u64),
    cancel: &AtomicBool,
) -> io::Result<Report> {
    let mut sample = vec![0; sniff::SNIFF_SAMPLE];
    let got = read_up_to(&mut src, &mut sample)?;
    sample.truncate(got);
    let dialect = sniff::sniff(&sample);
    let mut report = Report {
        feed: options.feed.unwrap_or(FeedKind::Product),
        dialect,
        rows: 0,
        diagnostics: Vec::new(),
    };
    if sample.is_empty() {
        report.diagnostics.push(file_diag(
            "empty_file",
            Severity::Error,
            "The file is empty (0 bytes).".to_owned(),
            Some("Export the catalog again; the file should start with a header line such as `id,title,description,…`."),
        ));
        return Ok(report);
    }
    let mut file_level = Vec::new();
    dialect_diagnostics(dialect, total, &sample, &mut file_level);
    if dialect.encoding == TextEncoding::Utf16 {
        file_level.push(file_diag(
            "utf16",
            Severity::Error,
            "The file is UTF-16 (Excel's \"Unicode text\"); Stripe reads UTF-8.".to_owned(),
            Some("Save it as CSV UTF-8."),
        ));
        report.diagnostics = file_level;
        return Ok(report);
    }
    let skip = if dialect.has_bom { 3 } else { 0 };
    src.seek(SeekFrom::Start(skip))?;
    let mut splitter = Splitter::new(dialect.delimiter);
    let mut carry = Vec::new();
    let mut eof = false;
    let mut head = Batch::default();
    next_batch(
        &mut src,
        &mut splitter,
        &mut carry,
        &mut eof,
        (BLOCK_BYTES, 1),
        &mut head,
    )?;
    let header_record: ByteRecord = if head.cells.len() > 0 {
        head.cells.cell_bytes(&head.data, 0).collect()
    } else {
        ByteRecord::new()
    };
    let header = header_strings(&header_record);
    if header.iter().all(|h| h.trim().is_empty()) {
        file_level.push(file_diag(
            "no_header",
            Severity::Error,
            "The file has no header line (it holds only blank lines).".to_owned(),
            Some("Put the column names (`id,title,description,…`) on the first line."),
        ));
        report.diagnostics = file_level;
        return Ok(report);
    }
    let header_refs: Vec<&str> = header.iter().map(String::as_str).collect();
    let kind = options
        .feed
        .unwrap_or_else(|| FeedKind::detect(&header_refs));
    report.feed = kind;
    let looks_like_header = header_refs
        .iter()
        .any(|h| spec::lookup_column(h.trim()).is_some() || spec::suggest(kind, h).is_some());
    if !looks_like_header {
        file_level.push(file_diag(
            "no_header",
            Severity::Error,
            format!(
                "The first line (`{}`) is not a header: none of its names is a Stripe column.",
                rules::shorten(&header.join(","))
            ),
            Some("Insert the column names (`id,title,description,…`) as the first line."),
        ));
        report.diagnostics = file_level;
        return Ok(report);
    }
    let schema = Schema::new(kind, &header_refs);
    file_level.extend(schema.header_diagnostics());
    if header_record
        .iter()
        .any(|f| std::str::from_utf8(f).is_err())
    {
        file_level.push(file_diag(
            "not_utf8",
            Severity::Error,
            format!(
                "Line 1 (the header) is not UTF-8; its bytes look like {}.",
                sniff::guess_legacy_encoding(header_record.as_slice())
            ),
            Some("Save the file as UTF-8."),
        ));
    }

    let shared = Shared {
        schema: &schema,
        found: Mutex::new(Vec::new()),
        not_utf8_rows: AtomicU64::new(0),
        first_not_utf8: Mutex::new(None),
    };
    let mut rows = 0u64;
    let mut last_record: Option<(u64, u64)> = None; // (byte offset, row)
    let cross: io::Result<CrossRow> = std::thread::scope(|scope| {
        let (tx, rx) = mpsc::sync_channel::<Batch>(2);
        let (back_tx, back_rx) = mpsc::channel::<Batch>();
        let shared = &shared;
        let checker = scope.spawn(move || {
            let mut keys = RowKeys::default();
            for batch in rx {
                shared.check_batch(&batch, &mut keys);
                // The reader may have finished; then the batch is simply dropped.
                let _ = back_tx.send(batch);
            }
            keys.sort();
            keys
        });
        let mut keys = RowKeys::default();
        let mut spare: Vec<Batch> = vec![head];
        // Read about as many bytes as `BATCH_ROWS` rows take, so that little is left over
        // to copy into the next batch when rows are short.
        let mut block = BLOCK_BYTES;
        loop {
            if cancel.load(Ordering::Relaxed) {
                return Err(io::Error::new(
                    io::ErrorKind::Interrupted,
                    "validation cancelled",
                ));
            }
            let mut batch = back_rx
                .try_recv()
                .ok()
                .or_else(|| spare.pop())
                .unwrap_or_default();
            next_batch(
                &mut src,
                &mut splitter,
                &mut carry,
                &mut eof,
                (block, BATCH_ROWS),
                &mut batch,
            )?;
            let len = batch.cells.len();
            if len == 0 {
                break;
            }
            let per_row = batch.data.len() / len + 1;
            block = (per_row * BATCH_ROWS).clamp(4096, BLOCK_BYTES);
            last_record = Some((batch.cells.start(len - 1).byte, rows + len as u64));
            batch.first_row = rows + 1;
            rows += len as u64;
            progress(splitter.offset() + skip, total);
            match tx.try_send(batch) {
                Ok(()) => {}
                Err(TrySendError::Full(batch) | TrySendError::Disconnected(batch)) => {
                    shared.check_batch(&batch, &mut keys);
                    spare.push(batch);
                }
            }
        }
        drop(tx);
        keys.sort();
        let theirs = checker
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        Ok(RowKeys::into_cross_row(&[keys, theirs], &schema))
    });
    let cross = cross?;
    report.rows = rows;

    let Shared {
        found,
        not_utf8_rows,
        first_not_utf8,
        ..
    } = shared;
    let mut found = found.into_inner().unwrap_or_else(PoisonError::into_inner);
    // A quote left open at the end swallows the rest of the file into the last record.
    if let Some((offset, row)) = last_record {
        src.seek(SeekFrom::Start(offset + skip))?;
        if let Some(column) = open_quote_at_end(&mut src, dialect.delimiter)? {
            found.push(Diagnostic {
                rule: "unterminated_quote",
                severity: Severity::Error,
                row: Some(row),
                column: schema.header().get(column).cloned(),
                value: None,
                message: format!(
                    "Row {row} opens a quoted cell that is never closed, so everything after it up to the end of the file was read as one cell."
                ),
                fix: Some(fix(
                    "Add the closing `\"` at the end of the cell, and double any `\"` inside it (`\"\"`).",
                    None,
                )),
            });
        }
    }

    let bad_rows = not_utf8_rows.into_inner();
    let first_bad = first_not_utf8
        .into_inner()
        .unwrap_or_else(PoisonError::into_inner);
    if let Some((row, line, encoding)) = first_bad {
        file_level.push(file_diag(
            "not_utf8",
            Severity::Error,
            format!(
                "The file is not UTF-8: {bad_rows} row(s) hold other bytes, the first on line {line} (row {row}); they look like {encoding}."
            ),
            Some("Save the file as UTF-8 (in Excel: CSV UTF-8)."),
        ));
    }
    if rows == 0 {
        file_level.push(file_diag(
            "no_rows",
            Severity::Warning,
            "The file has a header but no data rows.".to_owned(),
            Some("Add products below the header."),
        ));
    }
    found.extend(cross.diagnostics());
    found.sort_by_key(|d| d.row);
    file_level.append(&mut found);
    report.diagnostics = file_level;
    Ok(report)
}

/// Scans one record from its start; returns the column index of a quoted cell still open
/// at the end of the input, if any.
fn open_quote_at_end(src: impl Read, delimiter: u8) -> io::Result<Option<usize>> {
    #[derive(Clone, Copy, PartialEq)]
    enum State {
        FieldStart,
        Unquoted,
        Quoted,
        QuoteInQuoted,
    }
    let mut state = State::FieldStart;
    let mut column = 0usize;
    let mut opened_at = 0usize;
    let mut src = src;
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let n = match src.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        for &b in &buf[..n] {
            state = match state {
                State::FieldStart | State::Unquoted | State::QuoteInQuoted
                    if b == b'\n' || b == b'\r' =>
                {
                    column = 0;
                    State::FieldStart
                }
                State::FieldStart | State::Unquoted | State::QuoteInQuoted if b == delimiter => {
                    column += 1;
                    State::FieldStart
                }
                State::FieldStart if b == b'"' => {
                    opened_at = column;
                    State::Quoted
                }
                State::Quoted if b == b'"' => State::QuoteInQuoted,
                State::QuoteInQuoted if b == b'"' => State::Quoted,
                State::Quoted => State::Quoted,
                _ => State::Unquoted,
            };
        }
    }
    Ok((state == State::Quoted).then_some(opened_at))
}

#[cfg(test)]
mod tests {
    use super::*;

    use std::fmt::Write as _;

    fn rules_of(report: &Report) -> Vec<&'static str> {
        report.diagnostics.iter().map(|d| d.rule).collect()
    }

    #[test]
    fn open_quote_is_found() {
        let input: &[u8] = b"A,\"open\nmore,stuff\n";
        assert_eq!(open_quote_at_end(input, b',').ok().flatten(), Some(1));
        let closed: &[u8] = b"A,\"ok \"\"x\"\"\",B\n";
        assert_eq!(open_quote_at_end(closed, b',').ok().flatten(), None);
    }

    #[test]
    fn empty_input_is_an_empty_file() {
        let r = validate_bytes(b"", &Options::default());
        assert_eq!(rules_of(&r), vec!["empty_file"]);
        assert_eq!(r.rows, 0);
    }

    #[test]
    fn batches_keep_row_numbers_in_order() {
        let mut csv = String::from("id,availability,inventory_quantity\n");
        for i in 0..(BATCH_ROWS * 3 + 7) {
            let q = if i % 1000 == 999 { "x" } else { "1" };
            let _ = writeln!(csv, "SKU{i},in_stock,{q}");
        }
        let r = validate_bytes(csv.as_bytes(), &Options::default());
        assert_eq!(r.feed, FeedKind::Inventory);
        assert_eq!(r.rows, (BATCH_ROWS * 3 + 7) as u64);
        let rows: Vec<u64> = r.diagnostics.iter().filter_map(|d| d.row).collect();
        assert_eq!(rows, vec![1000, 2000, 3000]);
    }
}
