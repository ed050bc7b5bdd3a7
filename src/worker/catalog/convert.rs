//! The Catalog view's conversions of shop exports (Shopify, WooCommerce, Merchant Center,
//! OpenAI) into Stripe feeds: reading a source's columns with the mapping to propose (the one
//! saved for this source, else the suggested one), the mapper's live preview of the first
//! converted rows with their findings, and the conversion itself, which also saves the
//! mapping so next week's export converts in one click. The conversion logic is
//! [`crate::feed::sources`]; this only runs it off the UI thread.

use std::path::{Path, PathBuf};

use crate::feed::sources::{self, Detected, Mapping, SourceFormat, Summary};
use crate::feed::validate::{self, Options};
use crate::feed::{FeedKind, Severity};

/// How many converted rows the mapper previews.
pub const PREVIEW_ROWS: u64 = 50;

/// A source export opened for conversion.
#[derive(Debug, Clone)]
pub struct FoundSource {
    /// The export.
    pub path: PathBuf,
    /// What it was detected (or chosen) as.
    pub detected: Detected,
    /// The columns the mapper offers: the file's own, then those its reader derives.
    pub header: Vec<String>,
    /// The mapping proposed: the saved one for this source, else the suggested one.
    pub mapping: Mapping,
    /// The suggested mapping (what "Reset" goes back to).
    pub suggested: Mapping,
    /// Where the proposed mapping was saved, when it is a saved one.
    pub saved: Option<PathBuf>,
    /// Why a saved mapping could not be used, when one could not.
    pub note: Option<String>,
    /// Whether the export is CSV or TSV (it can then also be opened as it is, as a feed).
    pub delimited: bool,
}

/// The mapper's preview: the first converted rows and what the validator says of them.
#[derive(Debug, Clone, Default)]
pub struct ConversionPreview {
    /// The feed's columns.
    pub header: Vec<String>,
    /// The first rows.
    pub rows: Vec<Vec<String>>,
    /// Findings on those rows (file-level ones first).
    pub findings: Vec<PreviewFinding>,
    /// Errors among them.
    pub errors: usize,
    /// Warnings among them.
    pub warnings: usize,
    /// What the conversion of those rows did (rows written, items skipped, columns missing).
    pub summary: Summary,
}

/// One finding of the preview.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PreviewFinding {
    /// Error, warning or info.
    pub severity: Severity,
    /// 1-based feed row, `None` for the whole file.
    pub row: Option<u64>,
    /// The Stripe column.
    pub column: Option<String>,
    /// What is wrong.
    pub message: String,
}

/// A finished conversion.
#[derive(Debug, Clone)]
pub struct Converted {
    /// The new feed.
    pub path: PathBuf,
    /// What the conversion did.
    pub summary: Summary,
    /// Where the mapping was saved for next time, or why it could not be.
    pub mapping_saved: Result<PathBuf, String>,
}

/// Reads a source's columns and proposes a mapping. `format` overrides the detected one (the
/// user chose it in the mapper).
pub fn examine(
    path: &Path,
    detected: Detected,
    data_dir: &Path,
) -> Result<FoundSource, sources::SourceError> {
    let header = sources::open(path, detected.format)?.header;
    let suggested = sources::suggest(detected.format, &header);
    let (mapping, saved, note) =
        match crate::saved_mappings::load(data_dir, detected.format, &header) {
            Ok(Some((mapping, path))) => (mapping, Some(path), None),
            Ok(None) => (suggested.clone(), None, None),
            Err(why) => (
                suggested.clone(),
                None,
                Some(format!("{why}; the suggested mapping is shown instead.")),
            ),
        };
    Ok(FoundSource {
        path: path.to_path_buf(),
        detected,
        header,
        mapping,
        suggested,
        saved,
        note,
        delimited: sources::is_delimited(path),
    })
}

/// Converts the first [`PREVIEW_ROWS`] items and validates them as a product feed.
pub fn preview(
    path: &Path,
    format: SourceFormat,
    mapping: &Mapping,
) -> Result<ConversionPreview, sources::SourceError> {
    let (bytes, summary) = sources::preview(path, format, mapping, PREVIEW_ROWS)?;
    let report = validate::validate_bytes(
        &bytes,
        &Options {
            feed: Some(FeedKind::Product),
        },
    );
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(bytes.as_slice());
    let mut records = reader
        .records()
        .filter_map(Result::ok)
        .map(|r| r.iter().map(str::to_owned).collect::<Vec<_>>());
    let header = records.next().unwrap_or_default();
    let rows = records.collect();
    let findings = report
        .diagnostics
        .iter()
        .map(|d| PreviewFinding {
            severity: d.severity,
            row: d.row,
            column: d.column.clone(),
            message: d.message.clone(),
        })
        .collect();
    Ok(ConversionPreview {
        header,
        rows,
        findings,
        errors: report.count(Severity::Error),
        warnings: report.count(Severity::Warning),
        summary,
    })
}

/// Converts the whole source into `to` and saves the mapping for this source.
pub fn convert(
    path: &Path,
    format: SourceFormat,
    header: &[String],
    mapping: &Mapping,
    to: &Path,
    data_dir: &Path,
) -> Result<Converted, sources::SourceError> {
    let summary = sources::convert_file(path, format, mapping, to)?;
    let mapping_saved = crate::saved_mappings::save(data_dir, header, mapping);
    Ok(Converted {
        path: to.to_path_buf(),
        summary,
        mapping_saved,
    })
}

/// The file name a converted feed is offered under: `products.csv` → `products-stripe.csv`.
#[must_use]
pub fn feed_name_for(source: &Path) -> String {
    let stem = source
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "catalog".into());
    format!("{stem}-stripe.csv")
}

#[cfg(test)]
mod tests {
    use super::*;

    const SHOPIFY: &str = "tests/fixtures/sources/shopify_products.csv";

    fn shopify() -> Detected {
        Detected {
            format: SourceFormat::Shopify,
            sure: true,
        }
    }

    #[test]
    fn a_source_proposes_the_suggested_mapping_until_one_is_saved_for_it() {
        let data = tempfile::tempdir().unwrap();
        let found = examine(Path::new(SHOPIFY), shopify(), data.path()).unwrap();
        assert!(found.saved.is_none());
        assert_eq!(found.mapping, found.suggested);

        let mut mine = found.mapping.clone();
        mine.settings.shop_url = "https://juniper.example".into();
        let out = data.path().join("feed.csv");
        let done = convert(
            Path::new(SHOPIFY),
            SourceFormat::Shopify,
            &found.header,
            &mine,
            &out,
            data.path(),
        )
        .unwrap();
        assert!(done.summary.rows > 0);
        assert!(done.mapping_saved.is_ok());

        let again = examine(Path::new(SHOPIFY), shopify(), data.path()).unwrap();
        assert_eq!(again.mapping, mine, "next week's export gets this mapping");
        assert_eq!(again.saved, done.mapping_saved.ok());
    }

    #[test]
    fn the_preview_shows_converted_rows_and_their_findings() {
        let data = tempfile::tempdir().unwrap();
        let found = examine(Path::new(SHOPIFY), shopify(), data.path()).unwrap();
        let p = preview(Path::new(SHOPIFY), SourceFormat::Shopify, &found.mapping).unwrap();
        assert!(p.header.iter().any(|h| h == "item_group_id"));
        assert_eq!(p.rows.len() as u64, p.summary.rows);
        // No shop address yet: every link is empty, and the validator says so.
        assert!(p.errors > 0);
        assert!(
            p.findings
                .iter()
                .any(|f| f.column.as_deref() == Some("link"))
        );
    }

    #[test]
    fn a_feed_is_offered_beside_its_source_under_a_new_name() {
        assert_eq!(
            feed_name_for(Path::new("/x/products_export.csv")),
            "products_export-stripe.csv"
        );
    }
}
