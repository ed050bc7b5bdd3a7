//! Writing the feed's CSV records into a byte buffer, byte for byte as `csv::Writer` writes
//! them with `\n` line ends (its default `QuoteStyle::Necessary`): a field is quoted when it
//! holds a comma, a quote or a line break, quotes inside are doubled, and a record of one
//! empty field is written `""`. The conversion's workers fill buffers with it; one thread
//! writes them out in order.

/// One CSV record being appended to a buffer: [`Line::field`] for each cell, then
/// [`Line::end`].
pub(super) struct Line<'b> {
    out: &'b mut Vec<u8>,
    /// Where the record starts in `out`.
    start: usize,
    /// Fields written so far.
    fields: usize,
}

impl<'b> Line<'b> {
    /// Starts a record at the end of `out`.
    pub(super) fn new(out: &'b mut Vec<u8>) -> Self {
        let start = out.len();
        Line {
            out,
            start,
            fields: 0,
        }
    }

    /// Adds the next field.
    pub(super) fn field(&mut self, field: &[u8]) {
        if self.fields > 0 {
            self.out.push(b',');
        }
        self.fields += 1;
        if !needs_quotes(field) {
            self.out.extend_from_slice(field);
            return;
        }
        self.out.push(b'"');
        let mut rest = field;
        while let Some(quote) = memchr::memchr(b'"', rest) {
            self.out.extend_from_slice(&rest[..=quote]);
            self.out.push(b'"');
            rest = &rest[quote + 1..];
        }
        self.out.extend_from_slice(rest);
        self.out.push(b'"');
    }

    /// Ends the record with its line break.
    pub(super) fn end(self) {
        // `csv` quotes a record that would otherwise be an empty line (one empty field).
        if self.out.len() == self.start {
            self.out.extend_from_slice(b"\"\"");
        }
        self.out.push(b'\n');
    }
}

/// Whether a field must be quoted. Every byte is looked at (no early exit), which lets the
/// compiler compare many bytes at a time.
fn needs_quotes(field: &[u8]) -> bool {
    field.iter().fold(false, |any, &b| {
        any | matches!(b, b',' | b'"' | b'\n' | b'\r')
    })
}

/// Appends one record of `fields`.
pub(super) fn write_record<'f>(out: &mut Vec<u8>, fields: impl IntoIterator<Item = &'f [u8]>) {
    let mut line = Line::new(out);
    for field in fields {
        line.field(field);
    }
    line.end();
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        #[test]
        fn records_are_written_as_the_csv_crate_writes_them(
            records in proptest::collection::vec(
                proptest::collection::vec(
                    proptest::string::string_regex("[a\",\r\n é]{0,5}").unwrap(),
                    0..4,
                ),
                0..6,
            )
        ) {
            let mut ours = Vec::new();
            let mut theirs = csv::WriterBuilder::new()
                .terminator(csv::Terminator::Any(b'\n'))
                .flexible(true)
                .from_writer(Vec::new());
            for record in &records {
                write_record(&mut ours, record.iter().map(String::as_bytes));
                theirs.write_record(record).unwrap();
            }
            proptest::prop_assert_eq!(ours, theirs.into_inner().unwrap());
        }
    }
}
