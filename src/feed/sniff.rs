//! Detects how a delimited text file is written: byte-order mark, encoding, delimiter
//! and line endings. Works on a sample from the start of the file.

/// How many bytes of the file [`sniff`] looks at.
pub const SNIFF_SAMPLE: usize = 64 * 1024;

/// Line ending style of a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineEnding {
    /// `\n`
    Lf,
    /// `\r\n`
    CrLf,
    /// `\r` alone (old Mac); Stripe will not read it.
    Cr,
}

impl LineEnding {
    /// The bytes of this line ending.
    #[must_use]
    pub fn as_bytes(self) -> &'static [u8] {
        match self {
            LineEnding::Lf => b"\n",
            LineEnding::CrLf => b"\r\n",
            LineEnding::Cr => b"\r",
        }
    }

    /// Short name for display ("LF", "CRLF", "CR").
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            LineEnding::Lf => "LF",
            LineEnding::CrLf => "CRLF",
            LineEnding::Cr => "CR",
        }
    }
}

/// Text encoding of a file, as far as it can be told from its bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextEncoding {
    /// Valid UTF-8 (plain ASCII counts as UTF-8).
    Utf8,
    /// UTF-16 with a byte-order mark (little or big endian).
    Utf16,
    /// Not valid UTF-8, and looks like a single-byte Western encoding (Windows-1252 / Latin-1).
    Windows1252,
    /// ISO-8859-15 (Latin-9: Latin-1 with the euro sign), only when the user says so.
    Latin9,
    /// Mac OS Roman, only when the user says so.
    MacRoman,
}

impl TextEncoding {
    /// The single-byte encodings a user can choose to read a non-UTF-8 file as.
    pub const SINGLE_BYTE: [TextEncoding; 3] = [
        TextEncoding::Windows1252,
        TextEncoding::Latin9,
        TextEncoding::MacRoman,
    ];

    /// Name for display.
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            TextEncoding::Utf8 => "UTF-8",
            TextEncoding::Utf16 => "UTF-16",
            TextEncoding::Windows1252 => "Windows-1252 (Latin-1)",
            TextEncoding::Latin9 => "ISO-8859-15 (Latin-9)",
            TextEncoding::MacRoman => "Mac OS Roman",
        }
    }
}

/// What [`sniff`] found out about a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Dialect {
    /// Field delimiter: `,`, `\t` or `;`.
    pub delimiter: u8,
    /// Whether the delimiter was clear from the sample (false when no candidate appeared
    /// consistently, so the user should confirm it).
    pub delimiter_confident: bool,
    /// The file starts with a UTF-8 byte-order mark (`EF BB BF`).
    pub has_bom: bool,
    /// The line ending of the first line (or `Lf` if there is only one line).
    pub line_ending: LineEnding,
    /// Encoding as detected on the sample.
    pub encoding: TextEncoding,
}

impl Dialect {
    /// Delimiter as a human name ("comma", "tab", "semicolon").
    #[must_use]
    pub fn delimiter_name(&self) -> &'static str {
        match self.delimiter {
            b'\t' => "tab",
            b';' => "semicolon",
            b'|' => "pipe",
            _ => "comma",
        }
    }
}

const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// Looks at the start of a file (pass at least [`SNIFF_SAMPLE`] bytes when the file is
/// larger) and tells its dialect. Never fails: an empty sample gives comma, LF, UTF-8.
#[must_use]
pub fn sniff(sample: &[u8]) -> Dialect {
    let has_bom = sample.starts_with(UTF8_BOM);
    let body = if has_bom { &sample[3..] } else { sample };
    let encoding = if body.starts_with(b"\xFF\xFE") || body.starts_with(b"\xFE\xFF") {
        TextEncoding::Utf16
    } else if utf8_prefix_valid(body) {
        TextEncoding::Utf8
    } else {
        TextEncoding::Windows1252
    };
    let (delimiter, delimiter_confident) = sniff_delimiter(body);
    Dialect {
        delimiter,
        delimiter_confident,
        has_bom,
        line_ending: sniff_line_ending(body),
        encoding,
    }
}

/// True when `bytes` is valid UTF-8, allowing a character cut off at the very end
/// (the sample may end mid-character).
fn utf8_prefix_valid(bytes: &[u8]) -> bool {
    match std::str::from_utf8(bytes) {
        Ok(_) => true,
        Err(e) => e.error_len().is_none(),
    }
}

fn sniff_line_ending(body: &[u8]) -> LineEnding {
    let mut in_quotes = false;
    for (i, &b) in body.iter().enumerate() {
        match b {
            b'"' => in_quotes = !in_quotes,
            b'\n' if !in_quotes => return LineEnding::Lf,
            b'\r' if !in_quotes => {
                // A CR at the very end of the sample may be cut off from its LF.
                return if body.get(i + 1) == Some(&b'\n') || i + 1 == body.len() {
                    LineEnding::CrLf
                } else {
                    LineEnding::Cr
                };
            }
            _ => {}
        }
    }
    LineEnding::Lf
}

/// Counts each candidate delimiter per record (outside quotes) over the first records and
/// picks the one that appears on the header and the same number of times on most records.
fn sniff_delimiter(body: &[u8]) -> (u8, bool) {
    const CANDIDATES: [u8; 3] = [b',', b'\t', b';'];
    const MAX_RECORDS: usize = 50;
    let mut counts: Vec<[usize; 3]> = Vec::new();
    let mut current = [0usize; 3];
    let mut in_quotes = false;
    let mut complete = false;
    for &b in body {
        if b == b'"' {
            in_quotes = !in_quotes;
        } else if !in_quotes && (b == b'\n' || b == b'\r') {
            if current != [0; 3] || !counts.is_empty() {
                counts.push(current);
            }
            current = [0; 3];
            if counts.len() >= MAX_RECORDS {
                complete = true;
                break;
            }
        } else if !in_quotes && let Some(k) = CANDIDATES.iter().position(|&c| c == b) {
            current[k] += 1;
        }
    }
    if !complete && current != [0; 3] {
        counts.push(current);
    }
    counts.retain(|c| *c != [0; 3]);
    let Some(header) = counts.first().copied() else {
        return (b',', false);
    };
    let mut best: Option<(usize, usize)> = None; // (candidate index, score)
    for k in 0..CANDIDATES.len() {
        if header[k] == 0 {
            continue;
        }
        let consistent = counts.iter().filter(|c| c[k] == header[k]).count();
        let score = consistent * 1000 + header[k];
        if best.is_none_or(|(_, s)| score > s) {
            best = Some((k, score));
        }
    }
    match best {
        Some((k, _)) => {
            let consistent = counts.iter().filter(|c| c[k] == header[k]).count();
            (CANDIDATES[k], consistent * 10 >= counts.len() * 8)
        }
        None => (b',', false),
    }
}

/// Names the legacy encoding that non-UTF-8 `bytes` most likely use, for messages:
/// bytes 0x80–0x9F are printable only in Windows-1252 (`€`, `’`, `–`…), pairs of high
/// bytes suggest a double-byte Asian encoding, anything else reads as Latin-1.
#[must_use]
pub fn guess_legacy_encoding(bytes: &[u8]) -> &'static str {
    let high: Vec<usize> = bytes
        .iter()
        .enumerate()
        .filter(|(_, b)| **b >= 0x80)
        .map(|(i, _)| i)
        .collect();
    if high.is_empty() {
        return "ASCII";
    }
    let paired = high.windows(2).filter(|w| w[1] == w[0] + 1).count();
    if high.len() >= 4
        && paired * 2 >= high.len()
        && encoding_rs::SHIFT_JIS
            .decode_without_bom_handling_and_without_replacement(bytes)
            .is_some()
    {
        return "Shift_JIS (Japanese)";
    }
    if bytes.iter().any(|b| (0x80..=0x9F).contains(b)) {
        "Windows-1252"
    } else {
        "Latin-1 (ISO-8859-1 / Windows-1252)"
    }
}

/// The 1-based line of the first byte sequence in `bytes` that is not UTF-8 (a sequence cut
/// off at the very end does not count), or `None` when it is all UTF-8.
#[must_use]
pub fn first_non_utf8_line(bytes: &[u8]) -> Option<u64> {
    match std::str::from_utf8(bytes) {
        Ok(_) => None,
        Err(e) if e.error_len().is_none() => None,
        Err(e) => Some(memchr::memchr_iter(b'\n', &bytes[..e.valid_up_to()]).count() as u64 + 1),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comma_lf_utf8() {
        let d = sniff(b"id,title\nA,\"x, y\"\nB,z\n");
        assert_eq!(d.delimiter, b',');
        assert!(d.delimiter_confident);
        assert_eq!(d.line_ending, LineEnding::Lf);
        assert_eq!(d.encoding, TextEncoding::Utf8);
        assert!(!d.has_bom);
    }

    #[test]
    fn tab_crlf_bom() {
        let d = sniff(b"\xEF\xBB\xBFid\ttitle\r\nA\tB, C\r\n");
        assert_eq!(d.delimiter, b'\t');
        assert_eq!(d.line_ending, LineEnding::CrLf);
        assert!(d.has_bom);
    }

    #[test]
    fn semicolon_and_latin1() {
        let d = sniff(b"id;title;price\nA;Caf\xE9;1,50 EUR\n");
        assert_eq!(d.delimiter, b';');
        assert_eq!(d.encoding, TextEncoding::Windows1252);
    }

    #[test]
    fn quoted_newline_is_not_a_line_end() {
        let d = sniff(b"id,description\r\nA,\"line one\nline two\"\r\n");
        assert_eq!(d.line_ending, LineEnding::CrLf);
    }

    #[test]
    fn legacy_encodings_are_named() {
        assert_eq!(
            guess_legacy_encoding(b"Caf\xE9"),
            "Latin-1 (ISO-8859-1 / Windows-1252)"
        );
        assert_eq!(
            guess_legacy_encoding(b"5 \x80 off \x93quoted\x94"),
            "Windows-1252"
        );
        assert_eq!(first_non_utf8_line(b"id\nA\nCaf\xE9\n"), Some(3));
        assert_eq!(first_non_utf8_line("Café".as_bytes()), None);
    }

    #[test]
    fn empty_input() {
        let d = sniff(b"");
        assert_eq!(d.delimiter, b',');
        assert!(!d.delimiter_confident);
    }
}
