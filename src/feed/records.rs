//! Splits CSV bytes into records exactly as the `csv` crate reads them (flexible, no header
//! handling, `"` quotes with `""` escapes, `\n`, `\r` or `\r\n` line ends, blank lines
//! skipped): same cells, same record positions and line numbers. It is faster because it
//! finds cell boundaries with `memchr` and keeps cells as ranges of the input buffer; only
//! cells with `""` escapes are copied, unescaped, into a side buffer.

use std::io::{self, Read};

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// Where a record starts, as `csv::Position` reports it (the byte just after the previous
/// record, and the line number there, counting `\n` bytes from 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct RecordStart {
    /// Byte offset in the stream.
    pub(crate) byte: u64,
    /// 1-based line number.
    pub(crate) line: u64,
}

/// One cell: a range of the input buffer, or of [`Cells::scratch`] when it had escapes.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Span {
    /// Start of the cell's bytes.
    pub(crate) start: usize,
    /// End of the cell's bytes.
    pub(crate) end: usize,
    /// The range is in the scratch bytes, not the input buffer.
    pub(crate) scratch: bool,
}

/// The cells of the records split from one buffer.
#[derive(Debug, Default)]
pub(crate) struct Cells {
    scratch: Vec<u8>,
    spans: Vec<Span>,
    /// Per record: index of its first span, and where it starts.
    records: Vec<(usize, RecordStart)>,
}

impl Cells {
    /// Forgets every record (keeps the allocations).
    pub(crate) fn clear(&mut self) {
        self.scratch.clear();
        self.spans.clear();
        self.records.clear();
    }

    /// Number of records.
    pub(crate) fn len(&self) -> usize {
        self.records.len()
    }

    /// Where record `i` starts.
    pub(crate) fn start(&self, i: usize) -> RecordStart {
        self.records[i].1
    }

    /// The unescaped bytes, valid as UTF-8 whenever the input buffer is.
    pub(crate) fn scratch(&self) -> &[u8] {
        &self.scratch
    }

    /// The cells of record `i`.
    pub(crate) fn spans(&self, i: usize) -> &[Span] {
        let first = self.records[i].0;
        let end = self.records.get(i + 1).map_or(self.spans.len(), |r| r.0);
        &self.spans[first..end]
    }

    /// The cells of record `i` as byte slices of `data` (the buffer they were split from).
    pub(crate) fn cell_bytes<'a>(
        &'a self,
        data: &'a [u8],
        i: usize,
    ) -> impl ExactSizeIterator<Item = &'a [u8]> + 'a {
        self.spans(i).iter().map(move |s| {
            if s.scratch {
                &self.scratch[s.start..s.end]
            } else {
                &data[s.start..s.end]
            }
        })
    }
}

/// Most bytes read per batch handed between the reader and checker threads (a batch holds
/// whole records, so it grows when one record is longer).
pub(crate) const BLOCK_BYTES: usize = 256 * 1024;

/// A block of a stream's bytes and the whole records split from it.
#[derive(Debug, Default)]
pub(crate) struct Batch {
    /// The stream's record number of the first record (set by the caller).
    pub(crate) first_row: u64,
    /// The block's bytes.
    pub(crate) data: Vec<u8>,
    /// Its records' cells.
    pub(crate) cells: Cells,
}

/// Reads the next bytes of `src` after `carry` (what the previous batch left unsplit) into
/// `batch`, up to `block` bytes, and splits at most `max` records off them; the rest goes
/// back into `carry`. An empty batch means the input is exhausted.
pub(crate) fn next_batch(
    src: &mut impl Read,
    splitter: &mut Splitter,
    carry: &mut Vec<u8>,
    eof: &mut bool,
    (block, max): (usize, usize),
    batch: &mut Batch,
) -> io::Result<()> {
    batch.data.clear();
    batch.cells.clear();
    batch.data.append(carry);
    let mut want = batch.data.len().max(block);
    loop {
        if !*eof && batch.data.len() < want {
            let missing = want - batch.data.len();
            batch.data.reserve(missing);
            // `read_to_end` fills the spare capacity without zeroing it first.
            let got = src
                .by_ref()
                .take(missing as u64)
                .read_to_end(&mut batch.data)?;
            *eof = got < missing;
        }
        let used = splitter.split(&batch.data, *eof, max, &mut batch.cells);
        if batch.cells.len() > 0 || *eof {
            carry.extend_from_slice(&batch.data[used..]);
            batch.data.truncate(used);
            return Ok(());
        }
        // Not even one whole record yet: read on.
        want = batch.data.len() + BLOCK_BYTES;
    }
}

/// Outcome of trying to split one record.
enum Step {
    /// A record ends at this index; the state after it.
    Record {
        end: usize,
        line: u64,
        after_cr: bool,
    },
    /// The buffer ends inside the record: give more bytes.
    NeedMore,
    /// No more records (only at the end of the input).
    End,
}

/// Splits a stream, buffer by buffer, keeping the state that spans buffers.
#[derive(Debug, Clone)]
pub(crate) struct Splitter {
    delimiter: u8,
    /// Stream offset of the next unconsumed byte.
    offset: u64,
    line: u64,
    /// The last record ended with `\r`: a `\n` right after it belongs to it.
    after_cr: bool,
    at_start: bool,
}

impl Splitter {
    /// A splitter at the start of a stream separated by `delimiter`.
    pub(crate) fn new(delimiter: u8) -> Self {
        Splitter {
            delimiter,
            offset: 0,
            line: 1,
            after_cr: false,
            at_start: true,
        }
    }

    /// Stream offset of the first byte not yet consumed.
    pub(crate) fn offset(&self) -> u64 {
        self.offset
    }

    /// Splits up to `max` records off the front of `data` (the next unconsumed bytes of the
    /// stream; `at_eof` when nothing follows them) into `out`. Returns how many bytes were
    /// consumed; the rest starts with an incomplete record and must be passed again with
    /// more bytes after it.
    pub(crate) fn split(
        &mut self,
        data: &[u8],
        at_eof: bool,
        max: usize,
        out: &mut Cells,
    ) -> usize {
        let mut pos = 0;
        let mut taken = 0;
        while taken < max {
            let start = RecordStart {
                byte: self.offset + pos as u64,
                line: self.line,
            };
            let first_span = out.spans.len();
            let scratch_len = out.scratch.len();
            match self.record(data, pos, at_eof, out) {
                Step::Record {
                    end,
                    line,
                    after_cr,
                } => {
                    out.records.push((first_span, start));
                    pos = end;
                    self.line = line;
                    self.after_cr = after_cr;
                    self.at_start = false;
                    taken += 1;
                }
                Step::NeedMore => {
                    out.spans.truncate(first_span);
                    out.scratch.truncate(scratch_len);
                    break;
                }
                Step::End => {
                    out.spans.truncate(first_span);
                    out.scratch.truncate(scratch_len);
                    pos = data.len();
                    break;
                }
            }
        }
        self.offset += pos as u64;
        pos
    }

    /// Splits one record starting at `pos`, pushing its cells.
    #[allow(clippy::too_many_lines)]
    fn record(&self, data: &[u8], mut pos: usize, eof: bool, out: &mut Cells) -> Step {
        let len = data.len();
        let delim = self.delimiter;
        let mut line = self.line;
        if self.at_start && pos == 0 {
            // `csv` drops a byte-order mark at the very start of its input.
            if len < BOM.len() && !eof {
                return Step::NeedMore;
            }
            if data.starts_with(BOM) {
                pos = BOM.len();
            }
        }
        if self.after_cr {
            match data.get(pos) {
                Some(b'\n') => {
                    pos += 1;
                    line += 1;
                }
                Some(_) => {}
                None if eof => return Step::End,
                None => return Step::NeedMore,
            }
        }
        // Blank lines between records are skipped.
        while let Some(&b) = data.get(pos) {
            if b == b'\n' {
                line += 1;
            } else if b != b'\r' {
                break;
            }
            pos += 1;
        }
        if pos == len {
            return if eof { Step::End } else { Step::NeedMore };
        }
        // `pos` is at the start of a cell from here on.
        loop {
            let Some(&b) = data.get(pos) else {
                // The input ends right after a delimiter: one last empty cell.
                if !eof {
                    return Step::NeedMore;
                }
                push(out, pos, pos, false);
                return Step::Record {
                    end: pos,
                    line,
                    after_cr: false,
                };
            };
            // Index of the delimiter or line end that closes the cell, or `None` at the end
            // of the input.
            let close: Option<usize>;
            if b == b'"' {
                pos += 1;
                // The cell's bytes so far: one range of `data`, or copied into scratch
                // once there are several pieces.
                let mut piece = (pos, pos);
                let mut in_scratch: Option<usize> = None;
                let add = |out: &mut Cells,
                           piece: &mut (usize, usize),
                           in_scratch: &mut Option<usize>,
                           start: usize,
                           end: usize| {
                    match *in_scratch {
                        Some(_) => out.scratch.extend_from_slice(&data[start..end]),
                        None if piece.0 == piece.1 => *piece = (start, end),
                        None => {
                            *in_scratch = Some(out.scratch.len());
                            out.scratch.extend_from_slice(&data[piece.0..piece.1]);
                            out.scratch.extend_from_slice(&data[start..end]);
                        }
                    }
                };
                loop {
                    // The closing quote, counting the line breaks before it on the way.
                    let mut quoted_end = None;
                    for k in memchr::memchr2_iter(b'"', b'\n', &data[pos..]) {
                        if data[pos + k] == b'"' {
                            quoted_end = Some(pos + k);
                            break;
                        }
                        line += 1;
                    }
                    let until = quoted_end.unwrap_or(len);
                    add(out, &mut piece, &mut in_scratch, pos, until);
                    let Some(q) = quoted_end else {
                        // Unterminated quote: the cell runs to the end of the input.
                        if !eof {
                            return Step::NeedMore;
                        }
                        close = None;
                        break;
                    };
                    pos = q + 1;
                    match data.get(pos) {
                        None => {
                            if !eof {
                                return Step::NeedMore;
                            }
                            close = None;
                            break;
                        }
                        Some(b'"') => {
                            // `""` is one quote inside the cell.
                            add(out, &mut piece, &mut in_scratch, pos, pos + 1);
                            pos += 1;
                        }
                        Some(&c) if c == delim || c == b'\n' || c == b'\r' => {
                            close = Some(pos);
                            break;
                        }
                        Some(_) => {
                            // Bytes after the closing quote are kept, unquoted.
                            let tail = find_cell_end(delim, &data[pos..]).map(|k| pos + k);
                            if tail.is_none() && !eof {
                                return Step::NeedMore;
                            }
                            let until = tail.unwrap_or(len);
                            add(out, &mut piece, &mut in_scratch, pos, until);
                            close = tail;
                            break;
                        }
                    }
                }
                match in_scratch {
                    Some(s) => {
                        let e = out.scratch.len();
                        push(out, s, e, true);
                    }
                    None => push(out, piece.0, piece.1, false),
                }
            } else {
                let end = find_cell_end(delim, &data[pos..]).map(|k| pos + k);
                if end.is_none() && !eof {
                    return Step::NeedMore;
                }
                let until = end.unwrap_or(len);
                push(out, pos, until, false);
                close = end;
            }
            match close {
                None => {
                    return Step::Record {
                        end: len,
                        line,
                        after_cr: false,
                    };
                }
                Some(c) if data[c] == delim => pos = c + 1,
                Some(c) if data[c] == b'\n' => {
                    return Step::Record {
                        end: c + 1,
                        line: line + 1,
                        after_cr: false,
                    };
                }
                Some(c) => {
                    return Step::Record {
                        end: c + 1,
                        line,
                        after_cr: true,
                    };
                }
            }
        }
    }
}

/// The first delimiter or line-end byte of `bytes`. Cells are short, so the first bytes are
/// searched eight at a time in plain code, which beats setting up a vector search.
fn find_cell_end(delim: u8, bytes: &[u8]) -> Option<usize> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = ONES * 0x80;
    // High bit set in the first byte of `word` equal to `b` (bytes after it may be wrong).
    let matches = |word: u64, b: u8| {
        let x = word ^ (ONES * u64::from(b));
        x.wrapping_sub(ONES) & !x & HIGH
    };
    let head = bytes.len().min(32);
    let mut chunks = bytes[..head].chunks_exact(8);
    let mut at = 0;
    for chunk in &mut chunks {
        let Ok(word) = <[u8; 8]>::try_from(chunk).map(u64::from_le_bytes) else {
            break;
        };
        let found = matches(word, delim) | matches(word, b'\n') | matches(word, b'\r');
        if found != 0 {
            return Some(at + (found.trailing_zeros() / 8) as usize);
        }
        at += 8;
    }
    memchr::memchr3(delim, b'\n', b'\r', &bytes[at..]).map(|k| at + k)
}

fn push(out: &mut Cells, start: usize, end: usize, scratch: bool) {
    out.spans.push(Span {
        start,
        end,
        scratch,
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Records as the `csv` crate reads them: cells and (byte, line) of each start, plus
    /// the final position.
    type Parsed = (Vec<(Vec<Vec<u8>>, u64, u64)>, u64);

    fn with_csv(input: &[u8], delimiter: u8) -> Parsed {
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(delimiter)
            .has_headers(false)
            .flexible(true)
            .from_reader(input);
        let mut record = csv::ByteRecord::new();
        let mut out = Vec::new();
        while reader.read_byte_record(&mut record).unwrap() {
            let p = record.position().unwrap();
            out.push((
                record.iter().map(<[u8]>::to_vec).collect(),
                p.byte(),
                p.line(),
            ));
        }
        (out, reader.position().byte())
    }

    /// The same through [`Splitter`], fed `chunk` bytes at a time.
    fn with_splitter(input: &[u8], delimiter: u8, chunk: usize) -> Parsed {
        let mut splitter = Splitter::new(delimiter);
        let mut out = Vec::new();
        let mut buf: Vec<u8> = Vec::new();
        let mut fed = 0;
        loop {
            let take = chunk.min(input.len() - fed);
            buf.extend_from_slice(&input[fed..fed + take]);
            fed += take;
            let eof = fed == input.len();
            let mut cells = Cells::default();
            let used = splitter.split(&buf, eof, usize::MAX, &mut cells);
            for i in 0..cells.len() {
                let s = cells.start(i);
                out.push((
                    cells.cell_bytes(&buf, i).map(<[u8]>::to_vec).collect(),
                    s.byte,
                    s.line,
                ));
            }
            buf.drain(..used);
            if eof {
                break;
            }
        }
        (out, splitter.offset())
    }

    #[test]
    fn plain_quoted_and_escaped_cells() {
        let input = b"id,title\nA,\"x, \"\"y\"\"\"\r\n\nB,\"multi\nline\"tail,\n\"open";
        for chunk in [1, 2, 3, 7, 1000] {
            assert_eq!(
                with_splitter(input, b',', chunk),
                with_csv(input, b','),
                "chunk {chunk}"
            );
        }
    }

    #[test]
    fn byte_order_mark_and_blank_endings() {
        for input in [
            &b"\xEF\xBB\xBFid\n1\n"[..],
            b"\xEF\xBB",
            b"",
            b"\r\n\r\n",
            b"a,\r",
            b"a,",
            b"\"\"",
            b"\"",
            b"a\rb\r\nc\n\rd",
        ] {
            for chunk in [1, 2, 5, 100] {
                assert_eq!(
                    with_splitter(input, b',', chunk),
                    with_csv(input, b','),
                    "{input:?} chunk {chunk}"
                );
            }
        }
    }

    fn csvish() -> impl Strategy<Value = Vec<u8>> {
        let atoms = prop_oneof![
            Just(b",".to_vec()),
            Just(b";".to_vec()),
            Just(b"\"".to_vec()),
            Just(b"\"\"".to_vec()),
            Just(b"\n".to_vec()),
            Just(b"\r\n".to_vec()),
            Just(b"\r".to_vec()),
            Just(b"\xEF\xBB\xBF".to_vec()),
            Just(b"ab".to_vec()),
            Just(b"\xE9".to_vec()),
            proptest::collection::vec(any::<u8>(), 0..4),
        ];
        proptest::collection::vec(atoms, 0..60).prop_map(|parts| parts.concat())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        #[test]
        fn same_records_as_the_csv_crate(input in csvish(), semicolon in any::<bool>(), chunk in 1usize..40) {
            let d = if semicolon { b';' } else { b',' };
            prop_assert_eq!(with_splitter(&input, d, chunk), with_csv(&input, d));
        }
    }
}
