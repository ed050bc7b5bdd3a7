//! Reading a delimited source file as rows of strings: the delimiter sniffed, a UTF-8 byte
//! order mark dropped, a legacy (Windows-1252) file decoded, through the same checks as any
//! feed (a regular file, not over the size limit).

use std::fs::File;
use std::io::{BufReader, Cursor, Read};
use std::path::Path;

use super::SourceError;
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

/// A delimited file's header and rows.
pub(crate) struct CsvRows {
    /// The header's names, trimmed.
    pub header: Vec<String>,
    reader: csv::Reader<Input>,
    legacy: Option<&'static encoding_rs::Encoding>,
    record: csv::ByteRecord,
    row: u64,
}

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
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(dialect.delimiter)
            .flexible(true)
            .has_headers(false)
            .from_reader(input);
        let mut record = csv::ByteRecord::new();
        let has = reader
            .read_byte_record(&mut record)
            .map_err(|e| SourceError::Malformed(format!("The header could not be read: {e}")))?;
        if !has {
            return Err(SourceError::Malformed(format!(
                "{} is empty: a source export starts with a header row.",
                path.display()
            )));
        }
        let mut rows = CsvRows {
            header: Vec::new(),
            reader,
            legacy,
            record: csv::ByteRecord::new(),
            row: 0,
        };
        rows.header = record
            .iter()
            .map(|f| rows.text(f).trim().to_owned())
            .collect();
        Ok(rows)
    }

    fn text<'f>(&self, field: &'f [u8]) -> std::borrow::Cow<'f, str> {
        match self.legacy {
            Some(encoding) => encoding.decode_without_bom_handling(field).0,
            None => String::from_utf8_lossy(field),
        }
    }

    /// The next row (1 = the first data row), padded to the header's width; blank lines are
    /// passed over.
    pub fn next_row(&mut self) -> Option<Result<(u64, Record), SourceError>> {
        loop {
            match self.reader.read_byte_record(&mut self.record) {
                Ok(false) => return None,
                Ok(true) => {
                    self.row += 1;
                    if self.record.iter().all(<[u8]>::is_empty) {
                        continue;
                    }
                    let width = self.header.len().max(self.record.len());
                    let mut values = Record::with_capacity(self.record.as_slice().len(), width);
                    for field in &self.record {
                        values.push(&self.text(field));
                    }
                    values.pad(self.header.len());
                    return Some(Ok((self.row, values)));
                }
                Err(e) => {
                    return Some(Err(SourceError::Malformed(format!(
                        "Row {} could not be read: {e}",
                        self.row + 1
                    ))));
                }
            }
        }
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

/// A cell of a row, or empty.
pub(crate) fn cell(values: &Record, index: Option<usize>) -> &str {
    values.get(index)
}

/// A row's cells, each trimmed, kept in one buffer: one allocation a row, not one a cell
/// (a 200 MB export has millions of cells).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Record(csv::StringRecord);

impl Eq for Record {}

impl Record {
    /// An empty record with room for `bytes` of text in `cells` cells.
    #[must_use]
    pub fn with_capacity(bytes: usize, cells: usize) -> Record {
        Record(csv::StringRecord::with_capacity(bytes, cells))
    }

    /// Adds a cell at the end, trimmed.
    pub fn push(&mut self, cell: &str) {
        self.0.push_field(cell.trim());
    }

    /// Adds empty cells until the record is `width` cells wide.
    pub fn pad(&mut self, width: usize) {
        while self.0.len() < width {
            self.0.push_field("");
        }
    }

    /// Cell `index`, or empty when there is none.
    #[must_use]
    pub fn get(&self, index: Option<usize>) -> &str {
        index.and_then(|i| self.0.get(i)).unwrap_or("")
    }

    /// How many cells.
    #[must_use]
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether there are no cells.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The cells, in order.
    pub fn iter(&self) -> impl Iterator<Item = &str> {
        self.0.iter()
    }

    /// How many bytes of text the cells hold.
    #[must_use]
    pub fn text_len(&self) -> usize {
        self.0.as_slice().len()
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
