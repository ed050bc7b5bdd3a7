//! What every cell check works with: the row being checked ([`Cells`]), where findings go
//! ([`Sink`]), a list entry's place ([`Ctx`]), the clean cells remembered from the row above
//! ([`CleanCells`]), and the small text helpers the checks share.

use crate::feed::schema::Schema;
use crate::feed::spec::ColumnId;
use crate::feed::{Diagnostic, Fix, Severity};

/// Longest value shown in a finding, in characters.
const SHOWN_VALUE_CHARS: usize = 80;

/// Shortens `value` for display (at most `SHOWN_VALUE_CHARS` characters, then `…`).
#[must_use]
pub fn shorten(value: &str) -> String {
    match value.char_indices().nth(SHOWN_VALUE_CHARS) {
        Some((i, _)) => format!("{}…", &value[..i]),
        None => value.to_owned(),
    }
}

/// Where a value sits when it is one part of a structured list: entry number and column,
/// turned into a message prefix only when there is a finding.
#[derive(Clone, Copy)]
pub(super) struct Ctx(Option<(usize, ColumnId)>);

impl Ctx {
    pub(super) const CELL: Ctx = Ctx(None);

    pub(super) fn entry(n: usize, id: ColumnId) -> Ctx {
        Ctx(Some((n, id)))
    }

    pub(super) fn is_cell(self) -> bool {
        self.0.is_none()
    }

    pub(super) fn text(self) -> String {
        match self.0 {
            Some((n, id)) => format!("Entry {n} of `{}`: ", id.name()),
            None => String::new(),
        }
    }
}

/// Collects the findings of one row, filling in the row number.
pub(crate) struct Sink<'o> {
    pub(crate) row: u64,
    pub(crate) out: &'o mut Vec<Diagnostic>,
}

impl Sink<'_> {
    pub(super) fn push(
        &mut self,
        rule: &'static str,
        severity: Severity,
        column: ColumnId,
        value: &str,
        message: String,
        fix: Option<Fix>,
    ) {
        self.out.push(Diagnostic {
            rule,
            severity,
            row: Some(self.row),
            column: Some(column.name().to_owned()),
            value: if value.is_empty() {
                None
            } else {
                Some(shorten(value))
            },
            message,
            fix,
        });
    }
}

/// `value.split(sep)` for an ASCII separator, cheaper than the generic `char` searcher on
/// the short strings of list entries.
pub(super) fn split_ascii(value: &str, sep: u8) -> impl Iterator<Item = &str> {
    let mut rest = Some(value);
    std::iter::from_fn(move || {
        let r = rest?;
        if let Some(i) = r.bytes().position(|b| b == sep) {
            rest = Some(&r[i + 1..]);
            Some(&r[..i])
        } else {
            rest = None;
            Some(r)
        }
    })
}

/// `value.split_once(sep)` for an ASCII separator.
pub(super) fn split_once_ascii(value: &str, sep: u8) -> Option<(&str, &str)> {
    let i = value.bytes().position(|b| b == sep)?;
    Some((&value[..i], &value[i + 1..]))
}

// Both helpers return `Option` so that call sites read `fix: fix(…)` like `fix: None`.
#[allow(clippy::unnecessary_wraps)]
pub(super) fn fix(message: impl Into<String>) -> Option<Fix> {
    Some(Fix {
        message: message.into(),
        replacement: None,
    })
}

#[allow(clippy::unnecessary_wraps)]
pub(super) fn replace(message: impl Into<String>, replacement: impl Into<String>) -> Option<Fix> {
    Some(Fix {
        message: message.into(),
        replacement: Some(replacement.into()),
    })
}

/// `value.trim()`, with a fast path for the usual value that starts and ends with a visible
/// ASCII character.
#[inline]
pub(crate) fn trim(value: &str) -> &str {
    // An ASCII byte at either end is a whole character; these are the ASCII ones that
    // `char::is_whitespace` accepts.
    // (Printable ASCII first: one range test settles nearly every cell.)
    let visible =
        |b: u8| matches!(b, b'!'..=b'~') || (b.is_ascii() && !matches!(b, b' ' | b'\t'..=b'\r'));
    match value.as_bytes() {
        [] => value,
        [first, .., last] if visible(*first) && visible(*last) => value,
        [only] if visible(*only) => value,
        _ => value.trim(),
    }
}

/// Read access to the cells of one row by spec column.
#[derive(Clone, Copy)]
pub(crate) struct Cells<'a, 's> {
    pub(crate) schema: &'s Schema,
    pub(crate) fields: &'s [&'a str],
}

impl<'a> Cells<'a, '_> {
    /// The trimmed cell of `id`, or `""` when the column is absent.
    pub(super) fn get(&self, id: ColumnId) -> &'a str {
        self.schema
            .position(id)
            .and_then(|i| self.fields.get(i))
            .map_or("", |s| trim(s))
    }

    pub(super) fn has(&self, id: ColumnId) -> bool {
        self.schema.position(id).is_some()
    }
}

/// The last value of each checked column that passed its cell checks, so that a cell equal
/// to the one above it is not checked again. A cell's own checks depend only on its column
/// and its value, and catalogs repeat values down a column (a product's variants share
/// brand, images, shipping and category), so one comparison replaces a parse.
#[derive(Debug, Default)]
pub(crate) struct CleanCells<'a> {
    /// Indexed like [`Schema::checked_columns`]; `""` when nothing is remembered. Empty (the
    /// default) remembers nothing.
    last: Vec<&'a str>,
}

impl<'a> CleanCells<'a> {
    /// Remembers a value per checked column of `schema`.
    pub(crate) fn for_schema(schema: &Schema) -> Self {
        CleanCells {
            last: vec![""; schema.checked_columns().len()],
        }
    }

    pub(super) fn is_clean(&self, column: usize, raw: &str) -> bool {
        self.last
            .get(column)
            .is_some_and(|last| !last.is_empty() && *last == raw)
    }

    pub(super) fn record(&mut self, column: usize, raw: &'a str, clean: bool) {
        if let Some(last) = self.last.get_mut(column) {
            *last = if clean { raw } else { "" };
        }
    }
}
