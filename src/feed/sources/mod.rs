//! Catalog sources: the exports sellers already have (Shopify's product CSV, WooCommerce's
//! product export, Google Merchant Center feeds, OpenAI-spec feeds) read as records and
//! turned into a Stripe product feed through a [`Mapping`]. Pure and streaming: no egui, no
//! network, one record group in memory at a time (WooCommerce keeps its variable parents,
//! Merchant Center XML and OpenAI JSON are read twice, once for their field names).
//!
//! The pipeline: [`open`] reads a file in its format and resolves its structure (Shopify's
//! rows per variant and image-only rows, WooCommerce's parents and variations) into flat
//! records over a header of source columns plus a few derived ones (named in each format's
//! module); [`suggest`] proposes a mapping from the header; [`convert`] writes the feed.

mod csv_out;
mod csv_rows;
pub mod google;
pub mod mapping;
pub mod openai;
pub mod shopify;
pub mod transform;
mod variants;
pub mod woocommerce;

use std::io::Write;
use std::path::Path;
use std::sync::Arc;
use std::sync::mpsc::{Receiver, SyncSender, channel, sync_channel};

use serde::{Deserialize, Serialize};

pub use csv_rows::Record;
use csv_rows::{Chunk, Pool};
pub use mapping::{Mapping, MappingError, Rule, Settings, Transform};

/// The export formats the console converts from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SourceFormat {
    /// Shopify's product CSV export.
    Shopify,
    /// WooCommerce's product CSV export.
    Woocommerce,
    /// A Google Merchant Center feed: CSV, TSV, or RSS 2.0 XML.
    Google,
    /// An OpenAI product feed: CSV, TSV, JSON, or JSON Lines.
    Openai,
}

impl SourceFormat {
    /// Every format, in the order the mapper offers them.
    pub const ALL: [SourceFormat; 4] = [
        SourceFormat::Shopify,
        SourceFormat::Woocommerce,
        SourceFormat::Google,
        SourceFormat::Openai,
    ];

    /// The name sellers know.
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            SourceFormat::Shopify => "Shopify product export",
            SourceFormat::Woocommerce => "WooCommerce product export",
            SourceFormat::Google => "Google Merchant Center feed",
            SourceFormat::Openai => "OpenAI product feed",
        }
    }

    /// The word used on the command line and in mapping files.
    #[must_use]
    pub fn key(self) -> &'static str {
        match self {
            SourceFormat::Shopify => "shopify",
            SourceFormat::Woocommerce => "woocommerce",
            SourceFormat::Google => "google",
            SourceFormat::Openai => "openai",
        }
    }
}

impl std::str::FromStr for SourceFormat {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "shopify" => Ok(SourceFormat::Shopify),
            "woocommerce" | "woo" => Ok(SourceFormat::Woocommerce),
            "google" | "gmc" | "merchant-center" => Ok(SourceFormat::Google),
            "openai" => Ok(SourceFormat::Openai),
            other => Err(format!(
                "`{other}` is not a source format; use shopify, woocommerce, google or openai"
            )),
        }
    }
}

/// Why a source file cannot be converted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SourceError {
    /// The file cannot be opened or read (not a regular file, too large, unreadable).
    #[error("{0}")]
    Read(String),
    /// The file is not in the format it was read as.
    #[error("{0}")]
    Malformed(String),
    /// The mapping does not fit the file.
    #[error(transparent)]
    Mapping(#[from] MappingError),
    /// The feed could not be written.
    #[error("The feed could not be written to {path}: {message}")]
    Write {
        /// Where.
        path: String,
        /// The system's words.
        message: String,
    },
}

/// One product (or variant) of a source, flattened onto [`Source::header`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    /// The source row (1 = the first data row; the item's first row for grouped formats).
    pub row: u64,
    /// Cells aligned with the header, trimmed.
    pub values: Record,
    /// Why this item is not a feed row (a draft, a variable parent), when it is not.
    pub skip: Option<String>,
}

impl Item {
    /// An item with these cells.
    #[must_use]
    pub fn new(row: u64, values: Record, skip: Option<String>) -> Item {
        Item { row, values, skip }
    }

    /// Cell `index`, or empty when there is none.
    #[must_use]
    pub fn get(&self, index: Option<usize>) -> &str {
        self.values.get(index)
    }
}

/// What a row maker reads a source item through: an [`Item`], or a Shopify variant that
/// borrows its cells from the file's block and its product's first row instead of a copy.
pub(crate) trait Cells {
    /// The source row (1 = the first data row).
    fn row(&self) -> u64;

    /// Why the item is not a feed row, when it is not.
    fn skip(&self) -> Option<&str>;

    /// Cell `index` (empty when there is none), and whether it is its product's: the same
    /// text on each of the product's variants, so a transform of it need not be made again
    /// for the next one.
    fn cell(&self, index: Option<usize>) -> (&str, bool);

    /// The product whose cells [`Cells::cell`] calls shared: a number no other product of
    /// the conversion has.
    fn product(&self) -> Option<u64>;

    /// Cell `index`, or empty.
    fn get(&self, index: Option<usize>) -> &str {
        self.cell(index).0
    }
}

impl Cells for Item {
    fn row(&self) -> u64 {
        self.row
    }

    fn skip(&self) -> Option<&str> {
        self.skip.as_deref()
    }

    fn cell(&self, index: Option<usize>) -> (&str, bool) {
        (self.values.get(index), false)
    }

    fn product(&self) -> Option<u64> {
        None
    }
}

/// A number for a product no other product of this run has (for [`Cells::product`]).
pub(crate) fn product_number() -> u64 {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
    NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
}

/// A source file being read: its header (source columns, then derived ones) and its items.
pub struct Source {
    /// The format it is read as.
    pub format: SourceFormat,
    /// Source columns, then the derived columns of the format.
    pub header: Vec<String>,
    items: Items,
}

/// How a source's reader gives its items.
enum Items {
    /// One at a time, each made whole by the reader.
    Each(Box<dyn Iterator<Item = Result<Item, SourceError>> + Send>),
    /// In chunks of rows, each made into items by `make` (on a mapping thread, in a
    /// conversion), so the reading thread only splits the file.
    Chunks {
        chunks: Box<dyn Iterator<Item = Result<Chunk, SourceError>> + Send>,
        make: MakeItems,
        /// The items of the chunk being given out one at a time.
        ready: std::vec::IntoIter<Item>,
    },
}

/// Makes the items of a chunk of a source's rows (Shopify's variants), each handed to the
/// sink as soon as it is made, borrowing its cells from the chunk; records it needs are taken
/// from the pool and go back to it.
pub(crate) type MakeItems =
    Arc<dyn Fn(&Chunk, &mut Pool, &mut dyn FnMut(&shopify::Variant<'_>)) + Send + Sync>;

impl Iterator for Source {
    type Item = Result<Item, SourceError>;

    fn next(&mut self) -> Option<Self::Item> {
        match &mut self.items {
            Items::Each(items) => items.next(),
            Items::Chunks {
                chunks,
                make,
                ready,
            } => loop {
                if let Some(item) = ready.next() {
                    return Some(Ok(item));
                }
                let chunk = match chunks.next()? {
                    Ok(chunk) => chunk,
                    Err(e) => return Some(Err(e)),
                };
                let mut items = Vec::new();
                make(
                    &chunk,
                    &mut Pool::default(),
                    &mut |made: &shopify::Variant<'_>| {
                        items.push(made.to_item());
                    },
                );
                *ready = items.into_iter();
            },
        }
    }
}

impl Source {
    fn new(
        format: SourceFormat,
        header: Vec<String>,
        items: impl Iterator<Item = Result<Item, SourceError>> + Send + 'static,
    ) -> Source {
        Source {
            format,
            header,
            items: Items::Each(Box::new(items)),
        }
    }

    /// A source read in chunks of rows, each made into items by `make`.
    fn in_chunks(
        format: SourceFormat,
        header: Vec<String>,
        chunks: impl Iterator<Item = Result<Chunk, SourceError>> + Send + 'static,
        make: MakeItems,
    ) -> Source {
        Source {
            format,
            header,
            items: Items::Chunks {
                chunks: Box::new(chunks),
                make,
                ready: Vec::new().into_iter(),
            },
        }
    }
}

/// What [`detect`] concluded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Detected {
    /// The likeliest format.
    pub format: SourceFormat,
    /// Whether the header leaves little doubt (otherwise the mapper asks).
    pub sure: bool,
}

/// Guesses a file's source format from its first bytes and header. `None` for a file that is
/// already a Stripe feed (or none of the known formats).
pub fn detect(path: &Path) -> Result<Option<Detected>, SourceError> {
    match csv_rows::peek(path)? {
        csv_rows::Peek::Xml => Ok(Some(Detected {
            format: SourceFormat::Google,
            sure: true,
        })),
        csv_rows::Peek::Json => Ok(Some(Detected {
            format: SourceFormat::Openai,
            sure: true,
        })),
        csv_rows::Peek::Header(header) => Ok(detect_header(&header)),
    }
}

/// Whether a file is delimited text (CSV or TSV) rather than XML or JSON.
#[must_use]
pub fn is_delimited(path: &Path) -> bool {
    matches!(csv_rows::peek(path), Ok(csv_rows::Peek::Header(_)))
}

/// Guesses the source format of a CSV header; `None` when every column is a Stripe column or
/// nothing points at a known format.
#[must_use]
pub fn detect_header(header: &[String]) -> Option<Detected> {
    let stripe_only = header
        .iter()
        .all(|h| crate::feed::spec::lookup_column(h.trim()).is_some() || h.trim().is_empty());
    let mut scores: Vec<(SourceFormat, u32)> = vec![
        (SourceFormat::Shopify, shopify::score(header)),
        (SourceFormat::Woocommerce, woocommerce::score(header)),
        (SourceFormat::Google, google::score(header)),
        (SourceFormat::Openai, openai::score(header)),
    ];
    scores.sort_by_key(|(_, s)| std::cmp::Reverse(*s));
    let (format, best) = scores[0];
    let second = scores[1].1;
    if best == 0 || (stripe_only && best < 3) {
        return None;
    }
    Some(Detected {
        format,
        sure: best >= 3 && best >= second + 2,
    })
}

/// Opens a source file read as `format`.
pub fn open(path: &Path, format: SourceFormat) -> Result<Source, SourceError> {
    match format {
        SourceFormat::Shopify => shopify::read(path),
        SourceFormat::Woocommerce => woocommerce::read(path),
        SourceFormat::Google => google::read(path),
        SourceFormat::Openai => openai::read(path),
    }
}

/// The mapping the console proposes for a header of `format`: known column names of that
/// format first, the derived columns of its reader, constants left to fill.
#[must_use]
pub fn suggest(format: SourceFormat, header: &[String]) -> Mapping {
    let columns = match format {
        SourceFormat::Shopify => shopify::suggest(header),
        SourceFormat::Woocommerce => woocommerce::suggest(header),
        SourceFormat::Google => google::suggest(header),
        SourceFormat::Openai => openai::suggest(header),
    };
    Mapping {
        version: mapping::VERSION,
        format,
        settings: Settings {
            currency: "USD".into(),
            ..Settings::default()
        },
        columns: columns
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v))
            .collect(),
    }
}

/// What a conversion did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    /// Feed rows written.
    pub rows: u64,
    /// Items left out, by reason, with the first source rows of each.
    pub skipped: Vec<Skipped>,
    /// Source columns the mapping names that the file lacks.
    pub missing_columns: Vec<String>,
}

/// Items left out for one reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    /// Why.
    pub reason: String,
    /// How many.
    pub count: u64,
    /// The first few source rows.
    pub rows: Vec<u64>,
}

impl Summary {
    fn skip(&mut self, reason: String, row: u64) {
        match self.skipped.iter_mut().find(|s| s.reason == reason) {
            Some(s) => {
                s.count += 1;
                if s.rows.len() < 5 {
                    s.rows.push(row);
                }
            }
            None => self.skipped.push(Skipped {
                reason,
                count: 1,
                rows: vec![row],
            }),
        }
    }

    /// Items left out in all.
    #[must_use]
    pub fn skipped_total(&self) -> u64 {
        self.skipped.iter().map(|s| s.count).sum()
    }
}

/// How many items the reading thread hands over at a time.
const BATCH_ITEMS: usize = 256;

/// Work for a mapping thread: items the reading thread made, or a chunk of rows to make
/// items of first, with what makes them.
enum Work {
    Items(Vec<Item>),
    Chunk(Chunk, MakeItems),
}

/// A batch of work on its way to a mapping thread, or the read error that ended the source.
type Batch = Result<Work, SourceError>;

/// A batch mapped: the CSV bytes of its feed rows, each row ending at its offset in `ends`,
/// and the items left out, each with how many feed rows of the batch come before it.
struct Mapped {
    bytes: Vec<u8>,
    ends: Vec<usize>,
    skipped: Vec<(usize, u64, String)>,
    /// The items, when the reading thread made them (they go back to it to be freed).
    items: Option<Vec<Item>>,
}

impl Mapped {
    /// Adds one item: its row's bytes, or why it is left out.
    fn add(&mut self, maker: &mut mapping::RowMaker<'_>, item: &impl Cells) {
        if let Some(reason) = item.skip() {
            let before = self.ends.len();
            self.skipped.push((before, item.row(), reason.to_owned()));
        } else {
            maker.write(item, &mut self.bytes);
            self.ends.push(self.bytes.len());
        }
    }
}

/// A mapping thread: makes the CSV bytes of each batch handed to it (its items first, for a
/// chunk of rows) with its own row maker, until the reading thread is done or the writer
/// stopped.
fn map_batches(
    compiled: &mapping::Compiled,
    batches: &Receiver<Batch>,
    mapped_tx: &SyncSender<Result<Mapped, SourceError>>,
    spent: &Receiver<Vec<u8>>,
) {
    let mut maker = compiled.maker();
    let mut pool = Pool::default();
    // Room for a batch's bytes, as much as the last one took.
    let mut room = 0;
    for batch in batches {
        // A buffer the writer is done with, when one is back; one is enough, any other is
        // freed (else they would pile up).
        let mut bytes = spent.try_iter().last().unwrap_or_default();
        bytes.clear();
        bytes.reserve(room);
        let mapped = batch.map(|work| {
            let mut mapped = Mapped {
                bytes,
                ends: Vec::new(),
                skipped: Vec::new(),
                items: None,
            };
            match work {
                Work::Items(items) => {
                    for item in &items {
                        mapped.add(&mut maker, item);
                    }
                    mapped.items = Some(items);
                }
                // Each product's rows are written as soon as it is made, while its cells
                // are still in the cache; its records go back to the pool for the next one.
                Work::Chunk(chunk, make) => {
                    make(&chunk, &mut pool, &mut |variant: &shopify::Variant<'_>| {
                        mapped.add(&mut maker, variant);
                    });
                }
            }
            room = room.max(mapped.bytes.len());
            mapped
        });
        // The writer stopped (an error, or the preview has its rows).
        if mapped_tx.send(mapped).is_err() {
            return;
        }
    }
}

/// How many threads map rows: one a core, with the reading thread beside them.
fn mapping_threads() -> usize {
    std::thread::available_parallelism().map_or(2, |n| n.get().clamp(1, 8))
}

/// Converts `source` with `mapping`, writing the Stripe feed as CSV to `out`; stops after
/// `limit` feed rows when one is given (the mapper's preview).
///
/// The work is shared: one thread reads the source (the CSV split, and for most formats the
/// items made whole: a product's variants) in batches, handed out in turn to mapping threads
/// that make each batch's CSV bytes (and its items first, for a source read in chunks);
/// the caller's thread takes the batches back in the same turn, so in the source's order,
/// counts what was skipped and written, and writes the bytes.
pub fn convert(
    source: Source,
    mapping: &Mapping,
    mut out: impl Write,
    limit: Option<u64>,
) -> Result<Summary, SourceError> {
    let compiled = mapping.compile(&source.header)?;
    let mut summary = Summary {
        missing_columns: compiled.missing.clone(),
        ..Summary::default()
    };
    let write_error = |e: std::io::Error| SourceError::Write {
        path: "the output".into(),
        message: e.to_string(),
    };
    let mut header = Vec::new();
    csv_out::write_record(&mut header, compiled.columns.iter().map(|c| c.as_bytes()));
    out.write_all(&header).map_err(write_error)?;
    let threads = mapping_threads();
    std::thread::scope(|scope| -> Result<(), SourceError> {
        // Items go back to the thread that made their strings, which frees them (a free on
        // another thread than the allocation's is slow with most allocators); written bytes
        // go back to the mapping thread that made them, to be filled again.
        let (done_tx, done_rx) = channel::<Vec<Item>>();
        let mut to_mappers: Vec<SyncSender<Batch>> = Vec::new();
        let mut from_mappers = Vec::new();
        for _ in 0..threads {
            // One batch waiting each way per thread: enough to keep it busy, and what is
            // in memory at once does not grow with the source.
            let (batch_tx, batch_rx) = sync_channel::<Batch>(1);
            let (mapped_tx, mapped_rx) = sync_channel::<Result<Mapped, SourceError>>(1);
            let (spent_tx, spent_rx) = channel::<Vec<u8>>();
            to_mappers.push(batch_tx);
            from_mappers.push((mapped_rx, spent_tx));
            let compiled = &compiled;
            scope.spawn(move || map_batches(compiled, &batch_rx, &mapped_tx, &spent_rx));
        }
        scope.spawn(move || {
            let mut turn = (0..to_mappers.len()).cycle();
            // False once the writer stopped (an error, or the preview has its rows).
            let mut send = |batch: Batch| match turn.next() {
                Some(next) => to_mappers[next].send(batch).is_ok(),
                None => false,
            };
            match source.items {
                Items::Chunks { chunks, make, .. } => {
                    for chunk in chunks {
                        // A read error ends the source.
                        let last = chunk.is_err();
                        let work = chunk.map(|chunk| Work::Chunk(chunk, Arc::clone(&make)));
                        if !send(work) || last {
                            return;
                        }
                    }
                }
                Items::Each(items) => {
                    let mut batch = Vec::with_capacity(BATCH_ITEMS);
                    for item in items {
                        done_rx.try_iter().for_each(drop);
                        match item {
                            Ok(item) => batch.push(item),
                            Err(e) => {
                                send(Err(e));
                                return;
                            }
                        }
                        if batch.len() == BATCH_ITEMS {
                            let full =
                                std::mem::replace(&mut batch, Vec::with_capacity(BATCH_ITEMS));
                            if !send(Ok(Work::Items(full))) {
                                return;
                            }
                        }
                    }
                    if !batch.is_empty() {
                        send(Ok(Work::Items(batch)));
                    }
                }
            }
        });
        // Batches come back in the turn they were handed out in, so in the source's order.
        for (mapped_rx, spent_tx) in from_mappers.iter().cycle() {
            let Ok(mapped) = mapped_rx.recv() else {
                // That thread's turn came with no batch: the source is done.
                return Ok(());
            };
            let Mapped {
                bytes,
                ends,
                skipped,
                items,
            } = mapped?;
            // Feed rows of this batch still wanted: all of them unless the preview has
            // nearly its rows.
            let wanted = limit.map_or(ends.len(), |l| {
                usize::try_from(l.saturating_sub(summary.rows)).unwrap_or(usize::MAX)
            });
            let rows = ends.len().min(wanted);
            for (before, row, reason) in skipped {
                if before > rows {
                    break;
                }
                summary.skip(reason, row);
            }
            let end = if rows == 0 { 0 } else { ends[rows - 1] };
            out.write_all(&bytes[..end]).map_err(write_error)?;
            summary.rows += rows as u64;
            if rows < ends.len() || limit.is_some_and(|l| summary.rows >= l) {
                // The preview has its rows.
                return Ok(());
            }
            if let Some(items) = items {
                let _ = done_tx.send(items);
            }
            let _ = spent_tx.send(bytes);
        }
        Ok(())
    })?;
    out.flush().map_err(write_error)?;
    Ok(summary)
}

/// Converts a file into a new feed file, written atomically and durably; the source is only
/// read. Refuses to write over the source itself.
pub fn convert_file(
    src: &Path,
    format: SourceFormat,
    mapping: &Mapping,
    out: &Path,
) -> Result<Summary, SourceError> {
    if same_file(src, out) {
        return Err(SourceError::Write {
            path: out.display().to_string(),
            message: "that is the source file, which a conversion never changes".into(),
        });
    }
    let source = open(src, format)?;
    let write_err = |e: std::io::Error| SourceError::Write {
        path: out.display().to_string(),
        message: e.to_string(),
    };
    let mut file = crate::durable::AtomicFile::create(out, crate::durable::Access::LikeExisting)
        .map_err(write_err)?;
    let summary = {
        let handle = file.file();
        let syncer = handle.try_clone().map_err(write_err)?;
        std::thread::scope(|scope| {
            let (sync_tx, sync_rx) = sync_channel::<()>(1);
            // Errors are left to the commit's own sync, which reports them.
            scope.spawn(move || sync_rx.iter().for_each(|()| drop(syncer.sync_data())));
            let writer = SyncingWriter {
                file: handle,
                unsynced: 0,
                sync: sync_tx,
            };
            // No buffer between: the conversion writes whole batches of rows at a time.
            convert(source, mapping, writer, None)
        })?
    };
    file.commit().map_err(write_err)?;
    Ok(summary)
}

/// Bytes written between two background syncs of a feed being written.
const SYNC_EVERY: u64 = 32 << 20;

/// Writes to a file and has a helper thread sync what is written every [`SYNC_EVERY`]
/// bytes, so the disk takes the feed while it is made rather than all at the commit's sync.
struct SyncingWriter<'f> {
    file: &'f mut std::fs::File,
    unsynced: u64,
    sync: SyncSender<()>,
}

impl Write for SyncingWriter<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.file.write(buf)?;
        self.unsynced += n as u64;
        if self.unsynced >= SYNC_EVERY {
            self.unsynced = 0;
            // A sync still under way covers these bytes soon enough: no second one queued.
            let _ = self.sync.try_send(());
        }
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.file.flush()
    }
}

fn same_file(a: &Path, b: &Path) -> bool {
    match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

/// The first `rows` feed rows a mapping makes from a file, as CSV bytes, with the summary.
pub fn preview(
    src: &Path,
    format: SourceFormat,
    mapping: &Mapping,
    rows: u64,
) -> Result<(Vec<u8>, Summary), SourceError> {
    let source = open(src, format)?;
    let mut bytes = Vec::new();
    let summary = convert(source, mapping, &mut bytes, Some(rows))?;
    Ok((bytes, summary))
}

/// The first of `names` the header has (exactly, then ignoring case).
pub(crate) fn pick<'h>(header: &'h [String], names: &[&str]) -> Option<&'h str> {
    names.iter().find_map(|name| {
        header
            .iter()
            .find(|h| h.as_str() == *name)
            .or_else(|| header.iter().find(|h| h.eq_ignore_ascii_case(name)))
            .map(String::as_str)
    })
}

/// How many of `names` the header has (ignoring case).
pub(crate) fn count_of(header: &[String], names: &[&str]) -> u32 {
    names
        .iter()
        .filter(|n| header.iter().any(|h| h.trim().eq_ignore_ascii_case(n)))
        .count() as u32
}
