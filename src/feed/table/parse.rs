//! Record scanning and field splitting on UTF-8 text, with the same quoting rules as the
//! `csv` crate: a quote opens a quoted field only at the start of a field, `""` inside quotes
//! is one quote, and `\n`, `\r\n` or a lone `\r` ends a record. Also the minimal-quoting
//! writer used for edited rows.

use std::borrow::Cow;

/// Returns the end of the record that starts at `start` (the index of its terminator, or
/// `text.len()` when the record runs to the end of the text).
pub(crate) fn record_content_end(bytes: &[u8], start: usize, delimiter: u8) -> usize {
    let mut pos = start;
    loop {
        let Some(off) = memchr::memchr3(b'"', b'\n', b'\r', &bytes[pos..]) else {
            return bytes.len();
        };
        let i = pos + off;
        if bytes[i] != b'"' {
            return i;
        }
        let at_field_start = i == start || bytes[i - 1] == delimiter;
        if !at_field_start {
            // A quote in the middle of an unquoted field is an ordinary character.
            pos = i + 1;
            continue;
        }
        // Inside a quoted field: skip to the closing quote (`""` is an escaped quote).
        let mut q = i + 1;
        loop {
            let Some(off) = memchr::memchr(b'"', &bytes[q..]) else {
                // Unterminated quote: the record runs to the end of the text.
                return bytes.len();
            };
            let close = q + off;
            if bytes.get(close + 1) == Some(&b'"') {
                q = close + 2;
            } else {
                pos = close + 1;
                break;
            }
        }
    }
}

/// Skips the terminator at `end` and any blank lines after it; returns where the next
/// record starts.
pub(crate) fn skip_terminators(bytes: &[u8], mut end: usize) -> usize {
    while end < bytes.len() && (bytes[end] == b'\n' || bytes[end] == b'\r') {
        end += 1;
    }
    end
}

/// Length of the content of a record span (a record plus its terminator and any blank lines
/// after it): the span without its trailing `\r`/`\n` bytes.
pub(crate) fn content_len(span: &[u8]) -> usize {
    let mut n = span.len();
    while n > 0 && (span[n - 1] == b'\n' || span[n - 1] == b'\r') {
        n -= 1;
    }
    n
}

/// Splits one record (without its terminator) into fields, appending them to `out`.
/// A field is borrowed unless it needed unescaping.
pub(crate) fn split_fields<'a>(record: &'a str, delimiter: u8, out: &mut Vec<Cow<'a, str>>) {
    let bytes = record.as_bytes();
    let mut pos = 0;
    loop {
        let (field, next) = parse_field(record, bytes, pos, delimiter);
        out.push(field);
        match next {
            Some(n) => pos = n,
            None => return,
        }
    }
}

/// Returns field number `index` of `record`, or `None` when the record has fewer fields.
pub(crate) fn nth_field(record: &str, delimiter: u8, index: usize) -> Option<Cow<'_, str>> {
    let bytes = record.as_bytes();
    let mut pos = 0;
    let mut k = 0;
    loop {
        if k == index {
            return Some(parse_field(record, bytes, pos, delimiter).0);
        }
        pos = skip_field(bytes, pos, delimiter)?;
        k += 1;
    }
}

/// Number of fields in `record`.
pub(crate) fn field_count(record: &str, delimiter: u8) -> usize {
    let bytes = record.as_bytes();
    let mut pos = 0;
    let mut k = 1;
    while let Some(n) = skip_field(bytes, pos, delimiter) {
        pos = n;
        k += 1;
    }
    k
}

/// Start of the field after the one at `pos`, or `None` if it is the last field.
fn skip_field(bytes: &[u8], pos: usize, delimiter: u8) -> Option<usize> {
    let mut i = pos;
    if bytes.get(pos) == Some(&b'"') {
        i = pos + 1;
        loop {
            let off = memchr::memchr(b'"', &bytes[i..])?;
            let close = i + off;
            if bytes.get(close + 1) == Some(&b'"') {
                i = close + 2;
            } else {
                i = close + 1;
                break;
            }
        }
    }
    memchr::memchr(delimiter, &bytes[i..]).map(|off| i + off + 1)
}

/// Parses the field at `pos`; returns it and the start of the next field (if any).
fn parse_field<'a>(
    record: &'a str,
    bytes: &[u8],
    pos: usize,
    delimiter: u8,
) -> (Cow<'a, str>, Option<usize>) {
    if bytes.get(pos) != Some(&b'"') {
        return match memchr::memchr(delimiter, &bytes[pos..]) {
            Some(off) => (Cow::Borrowed(&record[pos..pos + off]), Some(pos + off + 1)),
            None => (Cow::Borrowed(&record[pos..]), None),
        };
    }
    // Quoted field.
    let mut owned: Option<String> = None;
    let mut seg_start = pos + 1;
    let mut i = pos + 1;
    let closed_at = loop {
        let Some(off) = memchr::memchr(b'"', &bytes[i..]) else {
            // Unterminated: the rest of the record is the value.
            let tail = &record[seg_start..];
            return match owned {
                Some(mut s) => {
                    s.push_str(tail);
                    (Cow::Owned(s), None)
                }
                None => (Cow::Borrowed(tail), None),
            };
        };
        let q = i + off;
        if bytes.get(q + 1) == Some(&b'"') {
            let s = owned.get_or_insert_with(String::new);
            s.push_str(&record[seg_start..=q]);
            seg_start = q + 2;
            i = q + 2;
        } else {
            break q;
        }
    };
    let inner = &record[seg_start..closed_at];
    // Anything between the closing quote and the delimiter is kept as text (as `csv` does).
    let after = closed_at + 1;
    let (trailing, next) = match memchr::memchr(delimiter, &bytes[after..]) {
        Some(off) => (&record[after..after + off], Some(after + off + 1)),
        None => (&record[after..], None),
    };
    let value = match (owned, trailing.is_empty()) {
        (None, true) => Cow::Borrowed(inner),
        (owned, _) => {
            let mut s = owned.unwrap_or_default();
            s.push_str(inner);
            s.push_str(trailing);
            Cow::Owned(s)
        }
    };
    (value, next)
}

/// True when `value` must be quoted to survive a round trip.
pub(crate) fn needs_quotes(value: &str, delimiter: u8) -> bool {
    value
        .bytes()
        .any(|b| b == delimiter || b == b'"' || b == b'\n' || b == b'\r')
}

/// Appends `value` to `out`, quoted only when needed.
pub(crate) fn write_field(out: &mut Vec<u8>, value: &str, delimiter: u8) {
    if needs_quotes(value, delimiter) {
        out.push(b'"');
        for part in value.split('"').enumerate() {
            if part.0 > 0 {
                out.extend_from_slice(b"\"\"");
            }
            out.extend_from_slice(part.1.as_bytes());
        }
        out.push(b'"');
    } else {
        out.extend_from_slice(value.as_bytes());
    }
}

/// Appends a whole record (without terminator). A record of one empty field is written
/// as `""` so that it does not read back as a blank line.
pub(crate) fn write_record<S: AsRef<str>>(out: &mut Vec<u8>, fields: &[S], delimiter: u8) {
    if let [only] = fields
        && only.as_ref().is_empty()
    {
        out.extend_from_slice(b"\"\"");
        return;
    }
    for (i, f) in fields.iter().enumerate() {
        if i > 0 {
            out.push(delimiter);
        }
        write_field(out, f.as_ref(), delimiter);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(s: &str) -> Vec<String> {
        let mut v = Vec::new();
        split_fields(s, b',', &mut v);
        v.into_iter().map(Cow::into_owned).collect()
    }

    #[test]
    fn fields_with_quotes_and_delimiters() {
        assert_eq!(split("a,\"b,c\",\"d\"\"e\""), ["a", "b,c", "d\"e"]);
        assert_eq!(split(""), [""]);
        assert_eq!(split("a,"), ["a", ""]);
        assert_eq!(split("5\" screen,x"), ["5\" screen", "x"]);
        assert_eq!(split("\"ab\"c,d"), ["abc", "d"]);
        assert_eq!(split("\"open"), ["open"]);
    }

    #[test]
    fn nth_and_count_agree_with_split() {
        let rec = "a,\"b,\"\"c\",,\"x\ny\",z";
        let all = split(rec);
        assert_eq!(field_count(rec, b','), all.len());
        for (i, f) in all.iter().enumerate() {
            assert_eq!(nth_field(rec, b',', i).as_deref(), Some(f.as_str()));
        }
        assert_eq!(nth_field(rec, b',', all.len()), None);
    }

    #[test]
    fn record_end_skips_quoted_newlines() {
        let t = b"a,\"x\ny\",b\r\nnext";
        let end = record_content_end(t, 0, b',');
        assert_eq!(&t[..end], b"a,\"x\ny\",b");
        assert_eq!(skip_terminators(t, end), 11);
    }

    #[test]
    fn minimal_quoting_round_trips() {
        let vals = ["plain", "a,b", "say \"hi\"", "two\nlines", ""];
        let mut out = Vec::new();
        write_record(&mut out, &vals, b',');
        let s = String::from_utf8(out).unwrap();
        assert_eq!(s, "plain,\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\",");
        assert_eq!(split(&s), vals);
    }
}
