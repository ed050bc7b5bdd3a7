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

    fn text(&self, field: &[u8]) -> String {
        match self.legacy {
            Some(encoding) => encoding.decode_without_bom_handling(field).0.into_owned(),
            None => String::from_utf8_lossy(field).into_owned(),
        }
    }

    /// The next row (1 = the first data row), padded or cut to the header's width; blank
    /// lines are passed over.
    pub fn next_row(&mut self) -> Option<Result<(u64, Vec<String>), SourceError>> {
        loop {
            match self.reader.read_byte_record(&mut self.record) {
                Ok(false) => return None,
                Ok(true) => {
                    self.row += 1;
                    if self.record.iter().all(<[u8]>::is_empty) {
                        continue;
                    }
                    let mut values: Vec<String> =
                        self.record.iter().map(|f| self.text(f)).collect();
                    values.resize(self.header.len(), String::new());
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
    type Item = Result<(u64, Vec<String>), SourceError>;

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
pub(crate) fn cell(values: &[String], index: Option<usize>) -> &str {
    index.and_then(|i| values.get(i)).map_or("", |s| s.trim())
}
