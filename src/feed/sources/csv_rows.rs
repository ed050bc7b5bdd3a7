//! Reading a delimited source file as rows of strings: the delimiter sniffed, a UTF-8 byte
//! order mark dropped, a legacy (Windows-1252) file decoded, through the same checks as any
//! feed (a regular file, not over the size limit).

use std::borrow::Cow;
use std::fs::File;
use std::io::{BufReader, Cursor, Read};
use std::path::Path;
use std::sync::{Arc, Mutex, Weak};

use super::SourceError;
use crate::feed::records::{BLOCK_BYTES, Batch, Span, Splitter, next_batch};
use crate::feed::{io, sniff};

/// How many bytes are looked at to sniff a file.
const SAMPLE: u64 = 64 * 1024;

/// What a file's first bytes say it is.
pub(super) enum Peek {
    /// An XML document (a Merchant Center RSS feed).
    Xml,
    /// A JSON document or JSON Lines.
    Json,
    /// A delimited file with this header.
    Header(Vec<String>),
}

type Input = std::io::Chain<Cursor<Vec<u8>>, BufReader<File>>;

fn read_error(e: io::IoError) -> SourceError {
    SourceError::Read(e.to_string())
}

/// Opens a source file after the feed checks; returns its first bytes (BOM dropped) and the
/// whole stream from the start.
pub(super) fn open_input(path: &Path) -> Result<(Vec<u8>, Input), SourceError> {
    let (file, _) = io::open_feed(path).map_err(read_error)?;
    let mut file = BufReader::with_capacity(1 << 20, file);
    let mut sample = Vec::new();
    (&mut file)
        .take(SAMPLE)
        .read_to_end(&mut sample)
        .map_err(|e| SourceError::Read(format!("{} could not be read: {e}", path.display())))?;
    if sample.starts_with(b"\xEF\xBB\xBF") {
        sample.drain(..3);
    }
    Ok((sample.clone(), Cursor::new(sample).chain(file)))
}

pub(super) fn peek(path: &Path) -> Result<Peek, SourceError> {
    let (sample, _) = open_input(path)?;
    let start = sample
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .map_or(&sample[..0], |i| &sample[i..]);
    if start.starts_with(b"<") {
        return Ok(Peek::Xml);
    }
    if start.starts_with(b"[") || start.starts_with(b"{") {
        return Ok(Peek::Json);
    }
    let rows = CsvRows::open(path)?;
    Ok(Peek::Header(rows.header))
}

/// A delimited file's header and rows, split as the validator splits a feed (the same records
/// as the `csv` crate reads, found with `memchr`), a block of the file at a time.
pub(crate) struct CsvRows {
    /// The header's names, trimmed.
    pub header: Vec<String>,
    input: Input,
    splitter: Splitter,
    carry: Vec<u8>,
    eof: bool,
    legacy: Option<&'static encoding_rs::Encoding>,
    /// The block [`CsvRows::next_row`] reads from, and its next record.
    block: Option<Block>,
    next: usize,
    /// Records of the file split so far (the header is the first).
    records: u64,
    /// Blocks' buffers back from the blocks dropped, to be filled again.
    pool: Arc<Mutex<Vec<Batch>>>,
}

/// Records split at a time.
const BATCH_RECORDS: usize = 4096;

/// Buffers kept for blocks to come (more in flight at once are freed when done).
const POOL_BLOCKS: usize = 16;

impl CsvRows {
    /// Opens a delimited file and reads its header.
    pub fn open(path: &Path) -> Result<CsvRows, SourceError> {
        let (sample, input) = open_input(path)?;
        let dialect = sniff::sniff(&sample);
        // A sample cut inside a character is still UTF-8.
        let utf8 = match std::str::from_utf8(&sample) {
            Ok(_) => true,
            Err(e) => e.error_len().is_none(),
        };
        let legacy = (!utf8).then(|| {
            encoding_rs::Encoding::for_label(sniff::guess_legacy_encoding(&sample).as_bytes())
                .unwrap_or(encoding_rs::WINDOWS_1252)
        });
        let mut rows = CsvRows {
            header: Vec::new(),
            input,
            splitter: Splitter::new(dialect.delimiter),
            carry: Vec::new(),
            eof: false,
            legacy,
            block: None,
            next: 0,
            records: 0,
            pool: Arc::default(),
        };
        let header = match rows.next_record() {
            Some(Ok(header)) => header,
            Some(Err(e)) => return Err(e),
            None => {
                return Err(SourceError::Malformed(format!(
                    "{} is empty: a source export starts with a header row.",
                    path.display()
                )));
            }
        };
        rows.header = header.iter().map(str::to_owned).collect();
        Ok(rows)
    }

    /// The next block of the file split into records; `None` at the end of the file.
    fn next_block(&mut self) -> Option<Result<Block, SourceError>> {
        let pooled = self.pool.lock().ok().and_then(|mut pool| pool.pop());
        let mut batch = pooled.unwrap_or_default();
        if let Err(e) = next_batch(
            &mut self.input,
            &mut self.splitter,
            &mut self.carry,
            &mut self.eof,
            (BLOCK_BYTES, BATCH_RECORDS),
            &mut batch,
        ) {
            return Some(Err(SourceError::Read(format!(
                "The file could not be read after row {}: {e}",
                self.records.saturating_sub(1)
            ))));
        }
        if batch.cells.len() == 0 {
            return None;
        }
        // Records end at line ends and cells at ASCII delimiters or quotes, so when the
        // whole block is UTF-8 every cell is too.
        let mut text = None;
        if self.legacy.is_none() {
            match String::from_utf8(std::mem::take(&mut batch.data)) {
                Ok(t) => text = Some(t),
                Err(e) => batch.data = e.into_bytes(),
            }
        }
        let block = Block {
            base: self.records,
            first: 0,
            batch,
            text,
            legacy: self.legacy,
            pool: Arc::downgrade(&self.pool),
        };
        self.records += block.len() as u64;
        Some(Ok(block))
    }

    /// The rest of the file's next block (the records [`CsvRows::next_row`] has not read),
    /// for a reader that hands blocks out; `None` at the end of the file.
    pub fn take_block(&mut self) -> Option<Result<Block, SourceError>> {
        match self.block.take() {
            Some(mut block) if self.next < block.len() => {
                block.first = self.next;
                Some(Ok(block))
            }
            _ => self.next_block(),
        }
    }

    /// The next record of the file, whatever it holds, with its record number.
    fn next_record(&mut self) -> Option<Result<Record, SourceError>> {
        if self.block.as_ref().is_none_or(|b| self.next >= b.len()) {
            // The block done with goes back to the pool before the next one is read.
            self.block = None;
            match self.next_block()? {
                Ok(block) => self.block = Some(block),
                Err(e) => return Some(Err(e)),
            }
            self.next = 0;
        }
        let block = self.block.as_ref()?;
        let record = block.record(self.next);
        self.next += 1;
        Some(Ok(record))
    }

    /// The next row (1 = the first data row), padded to the header's width; blank lines are
    /// passed over.
    pub fn next_row(&mut self) -> Option<Result<(u64, Record), SourceError>> {
        loop {
            match self.next_record()? {
                Ok(mut values) => {
                    if values.is_blank() {
                        continue;
                    }
                    values.pad(self.header.len());
                    let row = self.block.as_ref().map_or(0, |b| b.row(self.next - 1));
                    return Some(Ok((row, values)));
                }
                Err(e) => return Some(Err(e)),
            }
        }
    }
}

/// Records split from one block of a file, their text checked once. Dropped, its buffers go
/// back to the file's reader for the next block.
pub(crate) struct Block {
    batch: Batch,
    /// The block's bytes as text, when they are UTF-8 (`batch.data` is then empty).
    text: Option<String>,
    legacy: Option<&'static encoding_rs::Encoding>,
    /// The file's number of the block's record 0 (the header is the file's record 0).
    base: u64,
    /// The first record that is still to be read.
    first: usize,
    pool: Weak<Mutex<Vec<Batch>>>,
}

impl Block {
    /// How many records the block holds (read or not).
    pub fn len(&self) -> usize {
        self.batch.cells.len()
    }

    /// The records still to be read.
    pub fn unread(&self) -> std::ops::Range<usize> {
        self.first..self.len()
    }

    /// The row number of record `i` (1 = the file's first data row).
    pub fn row(&self, i: usize) -> u64 {
        self.base + i as u64
    }

    /// Record `i`'s cell `index`, trimmed; empty when it has none.
    pub fn cell(&self, i: usize, index: Option<usize>) -> Cow<'_, str> {
        let Some(span) = index.and_then(|k| self.batch.cells.spans(i).get(k)) else {
            return Cow::Borrowed("");
        };
        match cell_text(self, span) {
            Cow::Borrowed(cell) => Cow::Borrowed(trim(cell)),
            Cow::Owned(cell) => Cow::Owned(trim(&cell).to_owned()),
        }
    }

    /// Whether record `i` has no text in any cell (a blank line, or only separators).
    pub fn is_blank(&self, i: usize) -> bool {
        let spans = self.batch.cells.spans(i);
        spans
            .iter()
            .all(|span| trim(&cell_text(self, span)).is_empty())
    }

    /// Record `i`'s cells: read in place from the block's text when it is UTF-8 and the
    /// record has no escaped quotes (nearly always), else made into a record from `pool`.
    pub fn row_cells(&self, i: usize, pool: &mut Pool) -> RowCells<'_> {
        let spans = self.batch.cells.spans(i);
        match &self.text {
            Some(data) if spans.iter().all(|span| !span.scratch) => {
                RowCells::InPlace { data, spans }
            }
            _ => {
                let mut record = pool.take();
                self.record_into(i, &mut record);
                RowCells::Made(record)
            }
        }
    }

    /// Record `i`'s cells, trimmed.
    pub fn record(&self, i: usize) -> Record {
        let mut record = Record::default();
        self.record_into(i, &mut record);
        record
    }

    /// Record `i`'s cells, trimmed, into `record` (emptied first; its room is kept, so a
    /// record used again allocates nothing).
    fn record_into(&self, i: usize, record: &mut Record) {
        let spans = self.batch.cells.spans(i);
        record.clear();
        record.cells.reserve(spans.len());
        match &self.text {
            Some(data) if spans.iter().all(|span| !span.scratch) => {
                record.fill_from_spans(data, spans);
            }
            _ => {
                let bytes: usize = spans.iter().map(|s| s.end - s.start).sum();
                record.make_room(bytes);
                for span in spans {
                    record.push(&cell_text(self, span));
                }
            }
        }
    }
}

/// A cell's text, before trimming.
fn cell_text<'b>(block: &'b Block, span: &Span) -> Cow<'b, str> {
    let range = span.start..span.end;
    if span.scratch {
        return text(block.legacy, &block.batch.cells.scratch()[range]);
    }
    match &block.text {
        Some(data) => Cow::Borrowed(data.get(range).unwrap_or("")),
        None => text(block.legacy, &block.batch.data[range]),
    }
}

impl Drop for Block {
    fn drop(&mut self) {
        let Some(pool) = self.pool.upgrade() else {
            return;
        };
        if let Some(text) = self.text.take() {
            self.batch.data = text.into_bytes();
        }
        if let Ok(mut pool) = pool.lock()
            && pool.len() < POOL_BLOCKS
        {
            pool.push(std::mem::take(&mut self.batch));
        }
    }
}

/// Whole records of one or more blocks, handed out together (a reader's rows between two
/// points it chose, such as the start of a product).
#[derive(Default)]
pub(crate) struct Chunk {
    parts: Vec<(Arc<Block>, std::ops::Range<usize>)>,
}

impl Chunk {
    /// Adds records `range` of `block`, after the ones already in.
    pub fn push(&mut self, block: &Arc<Block>, range: std::ops::Range<usize>) {
        if !range.is_empty() {
            self.parts.push((Arc::clone(block), range));
        }
    }

    /// Whether it holds no records.
    pub fn is_empty(&self) -> bool {
        self.parts.is_empty()
    }

    /// Its records in order (blank ones too), each as its block and its index there.
    pub fn records(&self) -> impl Iterator<Item = (&Block, usize)> + '_ {
        (self.parts.iter()).flat_map(|(block, range)| range.clone().map(move |i| (&**block, i)))
    }
}

/// A cell's text: decoded from the file's legacy encoding, or UTF-8 with any bad byte
/// replaced.
fn text<'f>(
    legacy: Option<&'static encoding_rs::Encoding>,
    field: &'f [u8],
) -> std::borrow::Cow<'f, str> {
    match legacy {
        Some(encoding) => encoding.decode_without_bom_handling(field).0,
        None => String::from_utf8_lossy(field),
    }
}

impl Iterator for CsvRows {
    type Item = Result<(u64, Record), SourceError>;

    fn next(&mut self) -> Option<Self::Item> {
        self.next_row()
    }
}

/// Finds columns of a header by any of their names (formats renamed columns over the years).
#[derive(Debug, Clone)]
pub(crate) struct Columns<'h> {
    header: &'h [String],
}

impl<'h> Columns<'h> {
    pub fn new(header: &'h [String]) -> Self {
        Columns { header }
    }

    /// The index of the first of `names` present (ignoring case).
    pub fn find(&self, names: &[&str]) -> Option<usize> {
        names.iter().find_map(|name| {
            self.header
                .iter()
                .position(|h| h.trim().eq_ignore_ascii_case(name))
        })
    }
}

/// A row's cells: ranges of its block's text, trimmed when read, or a record made of them.
pub(crate) enum RowCells<'b> {
    /// In place in the block.
    InPlace { data: &'b str, spans: &'b [Span] },
    /// Decoded or unescaped into a record.
    Made(Record),
}

impl<'b> RowCells<'b> {
    /// Cell `index`, trimmed, or empty when there is none.
    pub fn get(&self, index: Option<usize>) -> &str {
        match self {
            RowCells::InPlace { data, spans } => in_place(data, spans, index),
            RowCells::Made(record) => record.get(index),
        }
    }

    /// Cell `index` as [`RowCells::get`] has it, borrowed from the block (not from these
    /// cells) when it is in place.
    pub fn text(&self, index: Option<usize>) -> Cow<'b, str> {
        match self {
            RowCells::InPlace { data, spans } => Cow::Borrowed(in_place(data, spans, index)),
            RowCells::Made(record) => Cow::Owned(record.get(index).to_owned()),
        }
    }

    /// Gives a made record's room back to the pool.
    pub fn give_back(self, pool: &mut Pool) {
        if let RowCells::Made(record) = self {
            pool.give(record);
        }
    }
}

/// Cell `index` of a row whose cells are `spans` of a block's `data`, trimmed.
fn in_place<'b>(data: &'b str, spans: &[Span], index: Option<usize>) -> &'b str {
    index.and_then(|i| spans.get(i)).map_or("", |span| {
        trim(data.get(span.start..span.end).unwrap_or(""))
    })
}

/// Records kept empty with their room, for the next rows: a conversion makes records over and
/// over (a variant's derived cells, a row with escaped quotes) in a file of millions of rows,
/// and room taken from the system again each time costs a page fault a page (the allocator
/// gives freed room back to the system).
#[derive(Default)]
pub(crate) struct Pool {
    records: Vec<Record>,
}

impl Pool {
    /// Records kept at most (a chunk's worth).
    const MOST: usize = 4096;

    /// An empty record, with the room of one given back when there is one.
    pub fn take(&mut self) -> Record {
        self.records.pop().unwrap_or_default()
    }

    /// Keeps a record's room for [`Pool::take`].
    pub fn give(&mut self, mut record: Record) {
        if self.records.len() < Self::MOST {
            record.clear();
            self.records.push(record);
        }
    }
}

/// A cell of a row, or empty.
pub(crate) fn cell(values: &Record, index: Option<usize>) -> &str {
    values.get(index)
}

/// A row's cells, each trimmed, kept in one buffer: one allocation a row, not one a cell
/// (a 200 MB export has millions of cells). A row split from a file keeps the file's bytes
/// of it whole (delimiters and quotes too), its cells being ranges of them.
#[derive(Clone, Default)]
pub struct Record {
    text: String,
    /// Where each cell starts and ends in `text`.
    cells: Vec<(usize, usize)>,
}

impl Record {
    /// Adds a cell at the end, trimmed.
    pub fn push(&mut self, cell: &str) {
        let start = self.text.len();
        self.text.push_str(trim(cell));
        self.cells.push((start, self.text.len()));
    }

    /// Adds one cell of `parts` with `separator` between them, trimmed.
    pub fn push_joined<'p>(&mut self, parts: impl IntoIterator<Item = &'p str>, separator: &str) {
        let start = self.text.len();
        for part in parts {
            if self.text.len() > start {
                self.text.push_str(separator);
            }
            self.text.push_str(part);
        }
        let (lead, len) = trimmed_range(self.text.get(start..).unwrap_or(""));
        self.cells.push((start + lead, start + lead + len));
    }

    /// Adds empty cells until the record is `width` cells wide.
    pub fn pad(&mut self, width: usize) {
        let end = self.text.len();
        if self.cells.len() < width {
            self.cells.resize(width, (end, end));
        }
    }

    /// Makes room for `bytes` of text in an empty record: new room when it has too little
    /// (growing it would copy the old room's bytes, which hold nothing any more).
    fn make_room(&mut self, bytes: usize) {
        if self.text.capacity() < bytes {
            self.text = String::with_capacity(bytes);
        }
    }

    /// Removes every cell (keeps the room).
    pub fn clear(&mut self) {
        self.text.clear();
        self.cells.clear();
    }

    /// Cell `index`, or empty when there is none.
    #[must_use]
    pub fn get(&self, index: Option<usize>) -> &str {
        let Some(&(start, end)) = index.and_then(|i| self.cells.get(i)) else {
            return "";
        };
        self.text.get(start..end).unwrap_or("")
    }

    /// How many cells.
    #[must_use]
    pub fn len(&self) -> usize {
        self.cells.len()
    }

    /// Whether there are no cells.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.cells.is_empty()
    }

    /// Whether no cell has any text.
    #[must_use]
    pub fn is_blank(&self) -> bool {
        self.cells.iter().all(|(start, end)| start == end)
    }

    /// The cells, in order.
    pub fn iter(&self) -> impl Iterator<Item = &str> {
        (0..self.cells.len()).map(|i| self.get(Some(i)))
    }

    /// Fills an empty record with the cells `spans` of `data`, a block's text, which hold no
    /// escapes: the bytes from the first cell to the last are copied once and each cell is
    /// its trimmed range of them.
    fn fill_from_spans(&mut self, data: &str, spans: &[Span]) {
        let (Some(first), Some(last)) = (spans.first(), spans.last()) else {
            return;
        };
        let whole = data.get(first.start..last.end).unwrap_or("");
        self.make_room(whole.len());
        self.text.push_str(whole);
        for span in spans {
            let cell = data.get(span.start..span.end).unwrap_or("");
            let (lead, len) = trimmed_range(cell);
            let start = span.start - first.start + lead;
            self.cells.push((start, start + len));
        }
    }
}

/// Where the trimmed text of `cell` starts in it, and its length.
fn trimmed_range(cell: &str) -> (usize, usize) {
    let trimmed = trim(cell);
    if trimmed.len() == cell.len() {
        return (0, cell.len());
    }
    let start = cell.trim_start();
    (cell.len() - start.len(), trimmed.len())
}

impl PartialEq for Record {
    fn eq(&self, other: &Record) -> bool {
        self.len() == other.len() && self.iter().eq(other.iter())
    }
}

impl Eq for Record {}

impl std::fmt::Debug for Record {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

/// `cell` without surrounding white space; quick when there is none (most cells).
fn trim(cell: &str) -> &str {
    let bytes = cell.as_bytes();
    let plain = |b: Option<&u8>| b.is_none_or(u8::is_ascii_graphic);
    if plain(bytes.first()) && plain(bytes.last()) {
        cell
    } else {
        cell.trim()
    }
}

impl<S: AsRef<str>> FromIterator<S> for Record {
    fn from_iter<I: IntoIterator<Item = S>>(cells: I) -> Record {
        let mut record = Record::default();
        for c in cells {
            record.push(c.as_ref());
        }
        record
    }
}

impl<S: AsRef<str>> Extend<S> for Record {
    fn extend<I: IntoIterator<Item = S>>(&mut self, cells: I) {
        for c in cells {
            self.push(c.as_ref());
        }
    }
}
