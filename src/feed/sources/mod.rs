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

use serde::{Deserialize, Serialize};

pub use csv_rows::Record;
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

/// A source file being read: its header (source columns, then derived ones) and its items.
pub struct Source {
    /// The format it is read as.
    pub format: SourceFormat,
    /// Source columns, then the derived columns of the format.
    pub header: Vec<String>,
    items: Box<dyn Iterator<Item = Result<Item, SourceError>> + Send>,
}

impl Iterator for Source {
    type Item = Result<Item, SourceError>;

    fn next(&mut self) -> Option<Self::Item> {
        self.items.next()
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
            items: Box::new(items),
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
const BATCH_ITEMS: usize = 1024;

/// Converts `source` with `mapping`, writing the Stripe feed as CSV to `out`; stops after
/// `limit` feed rows when one is given (the mapper's preview).
///
/// Two threads share the work: one reads the source and gathers its items (the CSV parse,
/// a product's variants), the caller's maps them and writes the feed, in order.
pub fn convert(
    source: Source,
    mapping: &Mapping,
    out: impl Write,
    limit: Option<u64>,
) -> Result<Summary, SourceError> {
    let compiled = mapping.compile(&source.header)?;
    let mut summary = Summary {
        missing_columns: compiled.missing.clone(),
        ..Summary::default()
    };
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(out);
    let write_error = |e: csv::Error| SourceError::Write {
        path: "the output".into(),
        message: e.to_string(),
    };
    writer
        .write_record(&compiled.columns)
        .map_err(write_error)?;
    let mut maker = compiled.maker();
    std::thread::scope(|scope| -> Result<(), SourceError> {
        let (tx, rx) = std::sync::mpsc::sync_channel::<Result<Vec<Item>, SourceError>>(4);
        // Written batches go back to the reading thread, which made their strings and frees
        // them (a free on another thread than the allocation's is slow with most allocators).
        let (done_tx, done_rx) = std::sync::mpsc::channel::<Vec<Item>>();
        scope.spawn(move || {
            let mut batch = Vec::with_capacity(BATCH_ITEMS);
            for item in source {
                done_rx.try_iter().for_each(drop);
                match item {
                    Ok(item) => batch.push(item),
                    Err(e) => {
                        let _ = tx.send(Err(e));
                        return;
                    }
                }
                if batch.len() == BATCH_ITEMS {
                    let full = std::mem::replace(&mut batch, Vec::with_capacity(BATCH_ITEMS));
                    // The writer stopped (an error, or the preview has its rows).
                    if tx.send(Ok(full)).is_err() {
                        return;
                    }
                }
            }
            if !batch.is_empty() {
                let _ = tx.send(Ok(batch));
            }
        });
        for batch in rx {
            let batch = batch?;
            for item in &batch {
                if let Some(reason) = &item.skip {
                    summary.skip(reason.clone(), item.row);
                    continue;
                }
                if limit.is_some_and(|l| summary.rows >= l) {
                    return Ok(());
                }
                maker
                    .write(&item.values, &mut writer)
                    .map_err(write_error)?;
                summary.rows += 1;
            }
            let _ = done_tx.send(batch);
        }
        Ok(())
    })?;
    writer.flush().map_err(|e| SourceError::Write {
        path: "the output".into(),
        message: e.to_string(),
    })?;
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
        let writer = std::io::BufWriter::with_capacity(1 << 20, file.file());
        convert(source, mapping, writer, None)?
    };
    file.commit().map_err(write_err)?;
    Ok(summary)
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
