//! Streaming, parallel validation of a feed file into [`Diagnostic`]s.
//!
//! CONTRACT (used by the catalog table, the sandbox and the UI; keep these names and
//! signatures): [`Options`], [`Report`], [`validate_bytes`], [`validate_file`], [`Schema`],
//! [`check_row`], [`CrossRow`].
//!
//! How a file is read: one thread reads blocks of the file and splits them into records
//! (cells kept as ranges of the block, see `records`), and hands each batch to a checker
//! thread over a small bounded channel. When the checker falls behind, the reader checks the
//! batch itself, so both cores stay busy whichever side is slower. Each thread keeps its own
//! [`CrossRow`] index, merged at the end. Memory stays flat: a few blocks in flight, the
//! findings, and the id index.

use std::borrow::Cow;
use std::collections::HashMap;
use std::io::{self, Read, Seek, SeekFrom};
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::{self, TrySendError};
use std::sync::{Mutex, PoisonError};

use csv::ByteRecord;

use super::records::{self, Splitter};
use super::rules::{self, Cells, Sink};
use super::sniff::{self, Dialect, LineEnding, TextEncoding};
use super::spec::{self, ColumnId, FeedColumn, Requirement, Suggestion};
use super::{Diagnostic, FeedKind, Fix, Severity};

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

/// Upload limit of the Files API (`purpose=data_management_manual_upload`, v1 import sets).
pub const FILES_API_LIMIT: u64 = 200 * 1024 * 1024;
/// Upload limit of the v2 catalog imports (`/v2/commerce/product_catalog/imports`).
pub const V2_IMPORT_LIMIT: u64 = 4 * 1024 * 1024 * 1024;

/// Most bytes read per batch handed between the reader and checker threads (a batch holds
/// whole records, so it grows when one record is longer).
const BLOCK_BYTES: usize = 256 * 1024;
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

/// Like [`validate_file`], calling `progress(bytes_done, bytes_total)` after each batch of
/// rows, and stopping with an [`io::ErrorKind::Interrupted`] error once `cancel` is set.
pub fn validate_file_with_progress(
    path: &Path,
    options: &Options,
    progress: &mut dyn FnMut(u64, u64),
    cancel: &AtomicBool,
) -> io::Result<Report> {
    let file = std::fs::File::open(path)?;
    let total = file.metadata()?.len();
    run(file, total, options, progress, cancel)
}

// ---------------------------------------------------------------------------------------
// Schema

/// A header compiled against one feed kind: which column index holds which spec column.
#[derive(Debug, Clone)]
pub struct Schema {
    kind: FeedKind,
    header: Vec<String>,
    positions: [Option<usize>; ColumnId::COUNT],
    checked: Vec<(usize, FeedColumn)>,
    header_diagnostics: Vec<Diagnostic>,
}

impl Schema {
    /// Compiles `header` (as written in the file) for `kind`.
    #[must_use]
    pub fn new(kind: FeedKind, header: &[&str]) -> Self {
        let mut positions = [None; ColumnId::COUNT];
        let mut checked = Vec::new();
        let mut diags = Vec::new();
        let mut seen: HashMap<&str, usize> = HashMap::new();
        for (i, &name) in header.iter().enumerate() {
            if name.trim().is_empty() {
                diags.push(header_diag(
                    "empty_column_name",
                    Severity::Error,
                    None,
                    format!("Header column {} has no name.", i + 1),
                    Some(fix(
                        "Name the column, or delete it if it holds nothing.",
                        None,
                    )),
                ));
                continue;
            }
            if let Some(first) = seen.insert(name, i) {
                diags.push(header_diag(
                    "duplicate_column",
                    Severity::Error,
                    Some(name),
                    format!(
                        "`{name}` appears twice in the header (columns {} and {}); only the first is checked.",
                        first + 1,
                        i + 1
                    ),
                    Some(fix("Merge the two columns into one and delete the other.", None)),
                ));
                continue;
            }
            match spec::lookup_column(name) {
                Some(id) => match kind.column(id) {
                    Some(column) => {
                        positions[id as usize] = Some(i);
                        checked.push((i, column));
                    }
                    None => diags.push(header_diag(
                        "column_wrong_feed",
                        Severity::Error,
                        Some(name),
                        format!(
                            "`{name}` is not a column of the {kind} feed, which holds only {}.",
                            list_names(kind.columns().iter().map(|c| c.id))
                        ),
                        Some(fix(
                            "Delete the column, or validate the file as another feed kind (`--feed`).",
                            None,
                        )),
                    )),
                },
                None => diags.push(unknown_column(kind, name)),
            }
        }
        let key = kind.key_column();
        let delete_only = header
            .iter()
            .all(|h| *h == key.name() || *h == ColumnId::Delete.name())
            && positions[ColumnId::Delete as usize].is_some();
        let missing: Vec<FeedColumn> = kind
            .columns()
            .iter()
            .copied()
            .filter(|c| positions[c.id as usize].is_none())
            .collect();
        for c in &missing {
            if c.requirement == Requirement::Required && (!delete_only || c.id == key) {
                diags.push(header_diag(
                    "missing_column",
                    Severity::Error,
                    Some(c.id.name()),
                    format!(
                        "The header has no `{}` column, which the {kind} feed requires.",
                        c.id.name()
                    ),
                    Some(fix(format!("Add the `{}` column.", c.id.name()), None)),
                ));
            }
        }
        if kind == FeedKind::Product && !delete_only {
            let absent = |id: ColumnId| positions[id as usize].is_none();
            if absent(ColumnId::Gtin) && absent(ColumnId::Mpn) {
                diags.push(header_diag(
                    "X1_gtin_or_mpn",
                    Severity::Error,
                    Some("gtin"),
                    "The header has neither `gtin` nor `mpn`; every product needs one of them."
                        .to_owned(),
                    Some(fix(
                        "Add a `gtin` column (and `mpn` for items without one).",
                        None,
                    )),
                ));
            }
            if absent(ColumnId::GoogleProductCategory) && absent(ColumnId::ProductCategory) {
                diags.push(header_diag(
                    "X2_category",
                    Severity::Error,
                    Some("google_product_category"),
                    "The header has neither `google_product_category` nor `product_category`; every product needs a category.".to_owned(),
                    Some(fix("Add a `google_product_category` column.", None)),
                ));
            }
            let recommended: Vec<ColumnId> = missing
                .iter()
                .filter(|c| c.requirement == Requirement::Recommended)
                .map(|c| c.id)
                .collect();
            if !recommended.is_empty() {
                diags.push(header_diag(
                    "missing_recommended_column",
                    Severity::Info,
                    None,
                    format!(
                        "Recommended columns not in the header: {}.",
                        list_names(recommended.iter().copied())
                    ),
                    Some(fix(
                        "Add them where you have the data; agents rank richer products higher.",
                        None,
                    )),
                ));
            }
        }
        Schema {
            kind,
            header: header.iter().map(|h| (*h).to_owned()).collect(),
            positions,
            checked,
            header_diagnostics: diags,
        }
    }

    /// Guesses the feed kind of a header (see [`FeedKind::detect`]).
    #[must_use]
    pub fn detect(header: &[&str]) -> FeedKind {
        FeedKind::detect(header)
    }

    /// The feed kind this schema checks against.
    #[must_use]
    pub fn kind(&self) -> FeedKind {
        self.kind
    }

    /// Findings about the header itself (missing required columns, unknown columns with
    /// "did you mean", duplicate names).
    #[must_use]
    pub fn header_diagnostics(&self) -> Vec<Diagnostic> {
        self.header_diagnostics.clone()
    }

    /// The header as written in the file.
    #[must_use]
    pub fn header(&self) -> &[String] {
        &self.header
    }

    /// Number of header columns (every row should have this many cells).
    #[must_use]
    pub fn width(&self) -> usize {
        self.header.len()
    }

    /// The header index of a spec column, when the header has it.
    #[must_use]
    pub fn position(&self, id: ColumnId) -> Option<usize> {
        self.positions[id as usize]
    }

    /// The header index of the column named `name` (exactly as written), if any.
    #[must_use]
    pub fn column_index(&self, name: &str) -> Option<usize> {
        self.header.iter().position(|h| h == name)
    }

    /// The spec column at header index `index`, when it is a column of this feed.
    #[must_use]
    pub fn column_at(&self, index: usize) -> Option<FeedColumn> {
        self.checked
            .iter()
            .find(|(i, _)| *i == index)
            .map(|(_, c)| *c)
    }

    /// Columns of this feed that the header lacks, in spec order (for "add a missing column").
    #[must_use]
    pub fn missing_columns(&self) -> Vec<FeedColumn> {
        self.kind
            .columns()
            .iter()
            .copied()
            .filter(|c| self.position(c.id).is_none())
            .collect()
    }

    /// The header columns that are spec columns of this feed, with their index.
    pub(crate) fn checked_columns(&self) -> &[(usize, FeedColumn)] {
        &self.checked
    }
}

fn list_names(ids: impl Iterator<Item = ColumnId>) -> String {
    ids.map(|c| format!("`{}`", c.name()))
        .collect::<Vec<_>>()
        .join(", ")
}

fn fix(message: impl Into<String>, replacement: Option<String>) -> Fix {
    Fix {
        message: message.into(),
        replacement,
    }
}

fn header_diag(
    rule: &'static str,
    severity: Severity,
    column: Option<&str>,
    message: String,
    fix: Option<Fix>,
) -> Diagnostic {
    Diagnostic {
        rule,
        severity,
        row: None,
        column: column.map(str::to_owned),
        value: None,
        message,
        fix,
    }
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

fn unknown_column(kind: FeedKind, name: &str) -> Diagnostic {
    match spec::suggest(kind, name) {
        Some(Suggestion::Alias { column, note }) => header_diag(
            "column_alias",
            Severity::Warning,
            Some(name),
            format!(
                "`{name}` is not a Stripe column; did you mean `{}`{note}?",
                column.name()
            ),
            // Renaming is a one-click fix only when the meaning is the same.
            Some(fix(
                format!("Rename the column to `{}`{note}.", column.name()),
                note.is_empty().then(|| column.name().to_owned()),
            )),
        ),
        Some(Suggestion::NoEquivalent { note }) => header_diag(
            "unknown_column",
            Severity::Info,
            Some(name),
            format!("`{name}` comes from another feed spec and Stripe ignores it."),
            Some(fix(note, None)),
        ),
        Some(Suggestion::NearMiss { column }) => header_diag(
            "column_misspelled",
            Severity::Warning,
            Some(name),
            format!(
                "`{name}` is not a Stripe column; did you mean `{}`?",
                column.name()
            ),
            Some(fix(
                format!("Rename the column to `{}`.", column.name()),
                Some(column.name().to_owned()),
            )),
        ),
        None => header_diag(
            "unknown_column",
            Severity::Info,
            Some(name),
            format!("`{name}` is not a column of the {kind} feed; Stripe ignores it."),
            Some(fix("Keep it for your own use or delete it.", None)),
        ),
    }
}

// ---------------------------------------------------------------------------------------
// One row

/// Checks one data row on its own (every per-cell and within-row cross-field rule), appending
/// findings to `out`. `row` is the 1-based data row number.
pub fn check_row(schema: &Schema, row: u64, fields: &[&str], out: &mut Vec<Diagnostic>) {
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
    rules::check_row_cells(Cells { schema, fields }, &mut sink);
}

// ---------------------------------------------------------------------------------------
// Rules across rows

/// FNV-1a: a fast hasher for the id index (ids are short and not attacker-chosen in a
/// local file, so `SipHash`'s protection is not needed and its cost is).
#[derive(Debug, Clone, Copy)]
struct Fnv(u64);

impl Default for Fnv {
    fn default() -> Self {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
}

impl std::hash::Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
    }
}

type FastMap<K, V> = HashMap<K, V, std::hash::BuildHasherDefault<Fnv>>;

/// Hashes a key that already is a hash: mixes its bits once more (`SplitMix64`'s finaliser)
/// so that both the low and high bits the table uses vary.
#[derive(Debug, Clone, Copy, Default)]
struct Premixed(u64);

impl std::hash::Hasher for Premixed {
    fn finish(&self) -> u64 {
        let mut x = self.0;
        x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        x ^ (x >> 31)
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 << 8) | u64::from(b);
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

/// One id in an [`IdIndex`]: where its text is in the arena, and its rows.
#[derive(Debug, Clone)]
struct IdEntry {
    start: usize,
    len: usize,
    rows: Rows,
}

/// The ids sharing one hash: nearly always one.
#[derive(Debug, Clone)]
enum IdSlot {
    One(IdEntry),
    More(Vec<IdEntry>),
}

impl IdSlot {
    fn entries(&self) -> &[IdEntry] {
        match self {
            IdSlot::One(e) => std::slice::from_ref(e),
            IdSlot::More(v) => v,
        }
    }

    fn entries_mut(&mut self) -> &mut [IdEntry] {
        match self {
            IdSlot::One(e) => std::slice::from_mut(e),
            IdSlot::More(v) => v,
        }
    }
}

/// The id index of [`CrossRow`]: the text of every id in one arena, found by hash, so that
/// indexing a row allocates nothing and dropping the index frees a handful of blocks.
#[derive(Debug, Clone, Default)]
struct IdIndex {
    text: String,
    slots: HashMap<u64, IdSlot, std::hash::BuildHasherDefault<Premixed>>,
    /// Hashes of the slots holding an id on several rows, so that listing the duplicates
    /// (after every edit in the table) does not walk every id.
    repeated: std::collections::HashSet<u64, std::hash::BuildHasherDefault<Premixed>>,
}

impl IdIndex {
    fn hash(id: &str) -> u64 {
        let mut h = Fnv::default();
        std::hash::Hasher::write(&mut h, id.as_bytes());
        std::hash::Hasher::finish(&h)
    }

    fn reserve(&mut self, ids: usize) {
        self.slots.reserve(ids);
        self.text.reserve(ids.saturating_mul(16));
    }

    /// Adds `rows` under `id`.
    fn add(&mut self, id: &str, rows: Rows) {
        self.add_hashed(Self::hash(id), id, rows);
    }

    fn add_hashed(&mut self, hash: u64, id: &str, rows: Rows) {
        if matches!(rows, Rows::Many(_)) {
            self.repeated.insert(hash);
        }
        let IdIndex {
            text,
            slots,
            repeated,
        } = self;
        match slots.entry(hash) {
            std::collections::hash_map::Entry::Vacant(slot) => {
                slot.insert(IdSlot::One(Self::stored(text, id, rows)));
            }
            std::collections::hash_map::Entry::Occupied(slot) => {
                let slot = slot.into_mut();
                let known = slot
                    .entries_mut()
                    .iter_mut()
                    .find(|e| text.get(e.start..e.start + e.len) == Some(id));
                if let Some(entry) = known {
                    entry.rows.append(rows);
                    repeated.insert(hash);
                    return;
                }
                let entry = Self::stored(text, id, rows);
                match slot {
                    IdSlot::One(first) => {
                        let first = first.clone();
                        *slot = IdSlot::More(vec![first, entry]);
                    }
                    IdSlot::More(v) => v.push(entry),
                }
            }
        }
    }

    /// Copies `id` into the arena.
    fn stored(text: &mut String, id: &str, rows: Rows) -> IdEntry {
        let start = text.len();
        text.push_str(id);
        IdEntry {
            start,
            len: id.len(),
            rows,
        }
    }

    /// Whether `id`, whose hash is `h`, is indexed.
    fn contains_hashed(&self, h: u64, id: &str) -> bool {
        self.slots.get(&h).is_some_and(|slot| {
            slot.entries()
                .iter()
                .any(|e| self.text.get(e.start..e.start + e.len) == Some(id))
        })
    }

    /// Removes `row` from `id` (the text stays in the arena until the index is dropped).
    fn remove(&mut self, id: &str, row: u64) {
        self.remove_hashed(Self::hash(id), id, row);
    }

    fn remove_hashed(&mut self, h: u64, id: &str, row: u64) {
        let Some(slot) = self.slots.get_mut(&h) else {
            return;
        };
        let text = &self.text;
        let Some(i) = slot
            .entries()
            .iter()
            .position(|e| text.get(e.start..e.start + e.len) == Some(id))
        else {
            return;
        };
        if slot.entries_mut()[i].rows.remove(row) {
            match slot {
                IdSlot::One(_) => {
                    self.slots.remove(&h);
                }
                IdSlot::More(v) => {
                    v.remove(i);
                    if v.is_empty() {
                        self.slots.remove(&h);
                    }
                }
            }
        }
        let still_repeated = self.slots.get(&h).is_some_and(|slot| {
            slot.entries()
                .iter()
                .any(|e| matches!(e.rows, Rows::Many(_)))
        });
        if !still_repeated {
            self.repeated.remove(&h);
        }
    }

    /// The ids on several rows, with their rows.
    fn repeated(&self) -> impl Iterator<Item = (&str, &[u64])> {
        self.repeated
            .iter()
            .filter_map(|h| self.slots.get(h))
            .flat_map(IdSlot::entries)
            .filter_map(|e| match &e.rows {
                Rows::Many(rows) => Some((
                    self.text.get(e.start..e.start + e.len).unwrap_or(""),
                    rows.as_slice(),
                )),
                Rows::One(_) => None,
            })
    }

    /// Every id with its rows.
    #[cfg(test)]
    fn iter(&self) -> impl Iterator<Item = (&str, &Rows)> {
        self.slots.values().flat_map(|slot| {
            slot.entries().iter().map(|e| {
                (
                    self.text.get(e.start..e.start + e.len).unwrap_or(""),
                    &e.rows,
                )
            })
        })
    }

    fn len(&self) -> usize {
        self.slots.len()
    }
}

/// Rows recorded under one key: most keys have one row, so keep that case small.
#[derive(Debug, Clone)]
enum Rows {
    One(u64),
    Many(Vec<u64>),
}

impl Rows {
    fn push(&mut self, row: u64) {
        match self {
            Rows::One(first) => *self = Rows::Many(vec![*first, row]),
            Rows::Many(v) => v.push(row),
        }
    }

    /// Adds every row of `other`.
    fn append(&mut self, other: Rows) {
        match other {
            Rows::One(row) => self.push(row),
            Rows::Many(rows) => {
                for row in rows {
                    self.push(row);
                }
            }
        }
    }

    /// Removes `row`; returns true when no row is left.
    fn remove(&mut self, row: u64) -> bool {
        match self {
            Rows::One(r) => *r == row,
            Rows::Many(v) => {
                if let Some(i) = v.iter().position(|r| *r == row) {
                    v.remove(i);
                }
                match v.len() {
                    0 => true,
                    1 => {
                        let only = v[0];
                        *self = Rows::One(only);
                        false
                    }
                    _ => false,
                }
            }
        }
    }
}

/// The variant attributes of one row: which standard attributes are filled (bit mask of
/// [`VARIANT_ATTRIBUTES`]) and the names of its custom options.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct AttributeSet {
    mask: u8,
    custom: Box<str>,
}

const VARIANT_ATTRIBUTES: [ColumnId; 6] = [
    ColumnId::Color,
    ColumnId::Size,
    ColumnId::SizeSystem,
    ColumnId::Gender,
    ColumnId::Material,
    ColumnId::AgeGroup,
];

const CUSTOM_OPTION_NAMES: [ColumnId; 3] = [
    ColumnId::CustomVariantOptionName1,
    ColumnId::CustomVariantOptionName2,
    ColumnId::CustomVariantOptionName3,
];

impl AttributeSet {
    fn describe(&self) -> String {
        let mut names: Vec<String> = VARIANT_ATTRIBUTES
            .iter()
            .enumerate()
            .filter(|(i, _)| self.mask & (1 << i) != 0)
            .map(|(_, c)| c.name().to_owned())
            .collect();
        names.extend(
            self.custom
                .split('\u{1f}')
                .filter(|s| !s.is_empty())
                .map(|s| format!("custom `{s}`")),
        );
        if names.is_empty() {
            "no variant attributes".to_owned()
        } else {
            names.join(", ")
        }
    }
}

/// State for the rules that span rows (duplicate ids, variant groups), updated
/// incrementally as rows are added, edited and removed.
///
/// `row` here is a stable key chosen by the caller: the streaming validator passes the
/// 1-based data row number; the catalog table passes its own stable row id and maps the
/// `Diagnostic::row` of the findings back to display rows.
#[derive(Debug, Clone, Default)]
pub struct CrossRow {
    key_name: &'static str,
    ids: IdIndex,
    groups: FastMap<Box<str>, Vec<(AttributeSet, Rows)>>,
}

impl CrossRow {
    /// Empty state for `schema`.
    #[must_use]
    pub fn new(schema: &Schema) -> Self {
        CrossRow {
            key_name: schema.kind().key_column().name(),
            ids: IdIndex::default(),
            groups: FastMap::default(),
        }
    }

    fn cell<'a>(schema: &Schema, fields: &[&'a str], id: ColumnId) -> &'a str {
        schema
            .position(id)
            .and_then(|i| fields.get(i))
            .map_or("", |s| rules::trim(s))
    }

    fn group_of<'a>(schema: &Schema, fields: &[&'a str]) -> Option<(&'a str, AttributeSet)> {
        if schema.kind() != FeedKind::Product
            || Self::cell(schema, fields, ColumnId::Delete).eq_ignore_ascii_case("true")
        {
            return None;
        }
        let group = Self::cell(schema, fields, ColumnId::ItemGroupId);
        if group.is_empty() {
            return None;
        }
        let mut mask = 0u8;
        for (i, c) in VARIANT_ATTRIBUTES.iter().enumerate() {
            if !Self::cell(schema, fields, *c).is_empty() {
                mask |= 1 << i;
            }
        }
        let mut custom: Vec<&str> = CUSTOM_OPTION_NAMES
            .iter()
            .map(|c| Self::cell(schema, fields, *c))
            .filter(|s| !s.is_empty())
            .collect();
        custom.sort_unstable();
        Some((
            group,
            AttributeSet {
                mask,
                custom: custom.join("\u{1f}").into(),
            },
        ))
    }

    /// Records row `row` with its `fields`.
    pub fn insert(&mut self, schema: &Schema, row: u64, fields: &[&str]) {
        let id = Self::cell(schema, fields, schema.kind().key_column());
        if !id.is_empty() {
            self.ids.add(id, Rows::One(row));
        }
        if let Some((group, set)) = Self::group_of(schema, fields) {
            let sets = match self.groups.get_mut(group) {
                Some(sets) => sets,
                None => self.groups.entry(group.into()).or_default(),
            };
            match sets.iter_mut().find(|(s, _)| *s == set) {
                Some((_, rows)) => rows.push(row),
                None => sets.push((set, Rows::One(row))),
            }
        }
    }

    /// Forgets row `row` (pass the fields it had when inserted).
    pub fn remove(&mut self, schema: &Schema, row: u64, fields: &[&str]) {
        let id = Self::cell(schema, fields, schema.kind().key_column());
        self.ids.remove(id, row);
        if let Some((group, set)) = Self::group_of(schema, fields)
            && let Some(sets) = self.groups.get_mut(group)
        {
            if let Some(i) = sets.iter().position(|(s, _)| *s == set)
                && sets[i].1.remove(row)
            {
                sets.remove(i);
            }
            if sets.is_empty() {
                self.groups.remove(group);
            }
        }
    }

    /// Makes room for about `rows` more ids, so that the index is not rebuilt as it grows.
    fn reserve(&mut self, rows: usize) {
        self.ids.reserve(rows);
    }

    /// Adds what the findings need of `other` (built over other rows of the same file):
    /// every variant group, and the rows of each id that repeats, within `other` or across
    /// both. Ids found once in all are not copied, so `self` afterwards lists the same
    /// findings as one index over all the rows, but does not hold every id. The lookups run
    /// on two threads, each over half of the hashes.
    fn merge_for_findings(&mut self, other: CrossRow) {
        /// Below this many ids a thread costs more than it saves.
        const PARALLEL_IDS: usize = 16 * 1024;
        let mine = &self.ids;
        let theirs = &other.ids;
        let wanted = |part: Option<u64>| -> Vec<(u64, &str, Rows)> {
            theirs
                .slots
                .iter()
                .filter(|(h, _)| part.is_none_or(|p| **h & 1 == p))
                .flat_map(|(h, slot)| slot.entries().iter().map(move |e| (*h, e)))
                .filter_map(|(h, e)| {
                    let id = theirs.text.get(e.start..e.start + e.len).unwrap_or("");
                    (matches!(e.rows, Rows::Many(_)) || mine.contains_hashed(h, id))
                        .then(|| (h, id, e.rows.clone()))
                })
                .collect()
        };
        let found = if theirs.len() < PARALLEL_IDS {
            wanted(None)
        } else {
            std::thread::scope(|scope| {
                let odd = scope.spawn(|| wanted(Some(1)));
                let mut found = wanted(Some(0));
                found.extend(
                    odd.join()
                        .unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
                );
                found
            })
        };
        for (h, id, rows) in found {
            self.ids.add_hashed(h, id, rows);
        }
        for (group, theirs) in other.groups {
            let sets = self.groups.entry(group).or_default();
            for (set, rows) in theirs {
                match sets.iter_mut().find(|(s, _)| *s == set) {
                    Some((_, mine)) => mine.append(rows),
                    None => sets.push((set, rows)),
                }
            }
        }
    }

    /// Current cross-row findings.
    #[must_use]
    pub fn diagnostics(&self) -> Vec<Diagnostic> {
        let key = if self.key_name.is_empty() {
            "id"
        } else {
            self.key_name
        };
        let mut out = Vec::new();
        for (id, rows) in self.ids.repeated() {
            let mut rows = rows.to_vec();
            rows.sort_unstable();
            let first = rows[0];
            for &row in &rows[1..] {
                out.push(Diagnostic {
                    rule: "duplicate_id",
                    severity: Severity::Error,
                    row: Some(row),
                    column: Some(key.to_owned()),
                    value: Some(rules::shorten(id)),
                    message: format!(
                        "`{key}` `{}` is already used on row {first}; each row needs its own.",
                        rules::shorten(id)
                    ),
                    fix: Some(fix(
                        "Give this row its own id, or delete the duplicate row.",
                        None,
                    )),
                });
            }
        }
        for (group, sets) in &self.groups {
            if sets.len() < 2 {
                continue;
            }
            let count = |r: &Rows| match r {
                Rows::One(_) => 1,
                Rows::Many(v) => v.len(),
            };
            // The set most rows use is taken as the group's; ties go to the first row's set.
            let first_row = |r: &Rows| match r {
                Rows::One(x) => *x,
                Rows::Many(v) => v.iter().copied().min().unwrap_or(u64::MAX),
            };
            let Some(main) = sets
                .iter()
                .max_by(|a, b| {
                    count(&a.1)
                        .cmp(&count(&b.1))
                        .then(first_row(&b.1).cmp(&first_row(&a.1)))
                })
                .map(|(s, _)| s)
            else {
                continue;
            };
            for (set, rows) in sets {
                if set == main {
                    continue;
                }
                let list = match rows {
                    Rows::One(r) => vec![*r],
                    Rows::Many(v) => v.clone(),
                };
                for row in list {
                    out.push(Diagnostic {
                        rule: "X7_variant_attributes",
                        severity: Severity::Warning,
                        row: Some(row),
                        column: Some(ColumnId::ItemGroupId.name().to_owned()),
                        value: Some(rules::shorten(group)),
                        message: format!(
                            "This variant of group `{}` has {} but most rows of the group have {}; every variant must carry the same set of attributes.",
                            rules::shorten(group),
                            set.describe(),
                            main.describe()
                        ),
                        fix: Some(fix(
                            "Fill in (or clear) the attributes so that every variant of the group has the same ones.",
                            None,
                        )),
                    });
                }
            }
        }
        out.sort_by_key(|d| d.row);
        out
    }
}

// ---------------------------------------------------------------------------------------
// The streaming pipeline

/// Whole records read from the file: the bytes and where each cell lies in them.
#[derive(Default)]
struct Batch {
    first_row: u64,
    data: Vec<u8>,
    cells: records::Cells,
}

/// Reads the next bytes of `src` after `carry` (what the previous batch left unsplit) into
/// `batch`, up to `block` bytes, and splits at most `max` records off them; the rest goes
/// back into `carry`. An empty batch means the input is exhausted.
fn next_batch(
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

/// Shared state of the checker threads.
struct Shared<'s> {
    schema: &'s Schema,
    found: Mutex<Vec<Diagnostic>>,
    not_utf8_rows: AtomicU64,
    first_not_utf8: Mutex<Option<(u64, u64, &'static str)>>,
}

impl Shared<'_> {
    fn check_batch(&self, batch: &Batch, cross: &mut CrossRow) {
        let mut out = Vec::new();
        let mut fields: Vec<&str> = Vec::with_capacity(self.schema.width());
        // Records end at line ends and cells at ASCII delimiters or quotes, so when the
        // whole block is UTF-8 every cell is too.
        let text = std::str::from_utf8(&batch.data)
            .ok()
            .zip(std::str::from_utf8(batch.cells.scratch()).ok());
        for i in 0..batch.cells.len() {
            let row = batch.first_row + i as u64;
            let Some((data, scratch)) = text else {
                self.check_record_bytes(batch, i, row, cross, &mut out);
                continue;
            };
            fields.clear();
            for span in batch.cells.spans(i) {
                let text = if span.scratch { scratch } else { data };
                fields.push(text.get(span.start..span.end).unwrap_or(""));
            }
            check_row(self.schema, row, &fields, &mut out);
            cross.insert(self.schema, row, &fields);
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
        cross: &mut CrossRow,
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
        cross.insert(self.schema, row, &fields);
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
        let schema = &schema;
        let (reserve_tx, reserve_rx) = mpsc::channel::<usize>();
        let checker = scope.spawn(move || {
            let mut cross = CrossRow::new(schema);
            for batch in rx {
                if let Ok(rows) = reserve_rx.try_recv() {
                    cross.reserve(rows);
                }
                shared.check_batch(&batch, &mut cross);
                // The reader may have finished; then the batch is simply dropped.
                let _ = back_tx.send(batch);
            }
            cross
        });
        let mut cross = CrossRow::new(schema);
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
            if rows == len as u64 {
                // Each thread indexes about half of the rows; the merge at the end adds
                // only the repeated ids (bounded: the estimate comes from the first rows).
                let expected = ((total / per_row as u64) as usize).min(1 << 21);
                cross.reserve(expected / 2);
                let _ = reserve_tx.send(expected / 2);
            }
            last_record = Some((batch.cells.start(len - 1).byte, rows + len as u64));
            batch.first_row = rows + 1;
            rows += len as u64;
            progress(splitter.offset() + skip, total);
            match tx.try_send(batch) {
                Ok(()) => {}
                Err(TrySendError::Full(batch) | TrySendError::Disconnected(batch)) => {
                    shared.check_batch(&batch, &mut cross);
                    spare.push(batch);
                }
            }
        }
        drop(tx);
        let theirs = checker
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        cross.merge_for_findings(theirs);
        Ok(cross)
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
    fn cross_row_insert_and_remove() {
        let schema = Schema::new(
            FeedKind::Inventory,
            &["id", "availability", "inventory_quantity"],
        );
        let mut cross = CrossRow::new(&schema);
        cross.insert(&schema, 1, &["A", "in_stock", "1"]);
        cross.insert(&schema, 2, &["A", "in_stock", "2"]);
        let d = cross.diagnostics();
        assert_eq!(d.len(), 1);
        assert_eq!((d[0].rule, d[0].row), ("duplicate_id", Some(2)));
        cross.remove(&schema, 2, &["A", "in_stock", "2"]);
        assert!(cross.diagnostics().is_empty());
    }

    #[test]
    fn ids_sharing_a_hash_stay_apart() {
        let mut index = IdIndex::default();
        index.add_hashed(7, "A", Rows::One(1));
        index.add_hashed(7, "B", Rows::One(2));
        index.add_hashed(7, "A", Rows::One(3));
        let mut seen: Vec<(String, usize)> = index
            .iter()
            .map(|(id, rows)| {
                let n = match rows {
                    Rows::One(_) => 1,
                    Rows::Many(v) => v.len(),
                };
                (id.to_owned(), n)
            })
            .collect();
        seen.sort();
        assert_eq!(seen, vec![("A".to_owned(), 2), ("B".to_owned(), 1)]);
        let repeated: Vec<(&str, Vec<u64>)> =
            index.repeated().map(|(id, r)| (id, r.to_vec())).collect();
        assert_eq!(repeated, vec![("A", vec![1, 3])]);
        index.remove_hashed(7, "B", 2);
        index.remove_hashed(7, "A", 1);
        assert_eq!(index.repeated().count(), 0);
        index.remove_hashed(7, "A", 3);
        assert_eq!(index.len(), 0);
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
