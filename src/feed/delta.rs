//! What changed in a catalog since it was last pushed, without keeping a copy of it: each row
//! is remembered as 16 bytes (a hash of its `id`, and hashes of its inventory cells, its price
//! cells and the rest of the row), and the difference gives an inventory feed (rows whose
//! availability or quantity changed) and a price feed (rows whose price, sale price or sale
//! window changed) with only those rows. Rows that are new, or whose other product fields
//! changed, need the product feed itself.
//!
//! Files are read with the validator's record splitter, hashing cells in place (`xxh3`).

use std::collections::HashSet;
use std::io::{Read, Write};
use std::path::Path;

use xxhash_rust::xxh3::xxh3_64;

use super::records::{BLOCK_BYTES, Batch, Splitter, next_batch};
use super::{io, sniff};

/// The inventory feed's columns, in the order they are written (feed spec §3).
pub const INVENTORY_COLUMNS: [&str; 4] = [
    "id",
    "availability",
    "availability_date",
    "inventory_quantity",
];

/// The price feed's columns, in the order they are written (feed spec §4).
pub const PRICE_COLUMNS: [&str; 4] = ["id", "price", "sale_price", "sale_price_effective_date"];

/// What is remembered of one row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Print {
    /// Hash of the row's `id`.
    id: u64,
    /// Hashes of its parts packed: inventory (20 bits), price (20 bits), the rest (24 bits).
    parts: u64,
}

const INVENTORY_BITS: u64 = (1 << 20) - 1;
const PRICE_BITS: u64 = ((1 << 20) - 1) << 20;
const REST_BITS: u64 = !(INVENTORY_BITS | PRICE_BITS);

/// Which parts of a row a push sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    /// Availability and quantity (an inventory feed).
    Inventory,
    /// Price, sale price and window (a price feed).
    Price,
    /// Everything (the product feed).
    All,
}

impl Part {
    fn mask(self) -> u64 {
        match self {
            Part::Inventory => INVENTORY_BITS,
            Part::Price => PRICE_BITS,
            Part::All => u64::MAX,
        }
    }
}

/// The rows of a catalog as last pushed: 16 bytes a row, sorted by id hash.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Fingerprints {
    rows: Vec<Print>,
}

const MAGIC: &[u8; 8] = b"SCFPv1\n\0";

impl Fingerprints {
    /// How many rows.
    #[must_use]
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// Whether there are none.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// Bytes held per row (the memory the console spends remembering a catalog).
    #[must_use]
    pub fn bytes_per_row() -> usize {
        std::mem::size_of::<Print>()
    }

    fn get(&self, id: u64) -> Option<Print> {
        self.rows
            .binary_search_by_key(&id, |p| p.id)
            .ok()
            .map(|i| self.rows[i])
    }

    /// What is remembered after pushing `part` of `now`: that part (and, for a row the old
    /// prints lack, nothing of the rest) taken from `now`, the other parts kept as they were,
    /// so a change not yet pushed is still found next time.
    #[must_use]
    pub fn after_push(&self, now: &Fingerprints, part: Part) -> Fingerprints {
        if part == Part::All {
            return now.clone();
        }
        let mask = part.mask();
        let rows = self
            .rows
            .iter()
            .filter_map(|old| {
                let new = now.get(old.id)?;
                Some(Print {
                    id: old.id,
                    parts: (old.parts & !mask) | (new.parts & mask),
                })
            })
            .collect();
        Fingerprints { rows }
    }

    /// The prints as bytes, to keep on disk.
    #[must_use]
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(MAGIC.len() + 8 + self.rows.len() * 16);
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&(self.rows.len() as u64).to_le_bytes());
        for p in &self.rows {
            out.extend_from_slice(&p.id.to_le_bytes());
            out.extend_from_slice(&p.parts.to_le_bytes());
        }
        out
    }

    /// Prints read back from [`Fingerprints::to_bytes`].
    ///
    /// # Errors
    /// When the bytes are not prints (another file, cut short).
    pub fn from_bytes(bytes: &[u8]) -> Result<Fingerprints, String> {
        let bad =
            || "the remembered catalog is damaged; the next push sends the whole feed".to_owned();
        let body = bytes.strip_prefix(MAGIC).ok_or_else(bad)?;
        let (count, body) = body.split_at_checked(8).ok_or_else(bad)?;
        let count = u64::from_le_bytes(count.try_into().map_err(|_| bad())?);
        if body.len() as u64 != count.saturating_mul(16) {
            return Err(bad());
        }
        let rows: Vec<Print> = body
            .chunks_exact(16)
            .map(|c| Print {
                id: u64::from_le_bytes(c[..8].try_into().unwrap_or_default()),
                parts: u64::from_le_bytes(c[8..].try_into().unwrap_or_default()),
            })
            .collect();
        if rows.windows(2).any(|w| w[0].id >= w[1].id) {
            return Err(bad());
        }
        Ok(Fingerprints { rows })
    }
}

/// How a catalog differs from its remembered prints.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Delta {
    /// Data rows in the file.
    pub rows: u64,
    /// Rows whose availability or quantity changed (file row numbers, 1 = first data row).
    pub inventory: Vec<u64>,
    /// Rows whose price, sale price or sale window changed.
    pub price: Vec<u64>,
    /// Rows whose other product fields changed.
    pub product: Vec<u64>,
    /// Rows with an id the prints do not have.
    pub added: Vec<u64>,
    /// Ids remembered that the file no longer has.
    pub removed: usize,
}

impl Delta {
    /// Whether the product feed itself must go (new rows, or other fields changed).
    #[must_use]
    pub fn needs_product_feed(&self) -> bool {
        !self.added.is_empty() || !self.product.is_empty()
    }

    /// Whether nothing changed.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.inventory.is_empty()
            && self.price.is_empty()
            && self.product.is_empty()
            && self.added.is_empty()
            && self.removed == 0
    }
}

/// Where the columns a delta reads are in a header.
struct Layout {
    id: usize,
    inventory: Vec<usize>,
    price: Vec<usize>,
    /// The other columns of the header (cells past its width count as these too).
    rest: Vec<usize>,
    width: usize,
}

impl Layout {
    fn of(header: &[String]) -> Result<Layout, String> {
        let find = |name: &str| {
            header
                .iter()
                .position(|h| h.trim().eq_ignore_ascii_case(name))
        };
        let id =
            find("id").ok_or("the catalog has no `id` column, so its rows cannot be told apart")?;
        let inventory: Vec<usize> = INVENTORY_COLUMNS[1..]
            .iter()
            .filter_map(|c| find(c))
            .collect();
        let price: Vec<usize> = PRICE_COLUMNS[1..].iter().filter_map(|c| find(c)).collect();
        let rest = (0..header.len())
            .filter(|i| *i != id && !inventory.contains(i) && !price.contains(i))
            .collect();
        Ok(Layout {
            id,
            inventory,
            price,
            rest,
            width: header.len(),
        })
    }
}

/// A cell without surrounding ASCII blank space.
fn trimmed(cell: &[u8]) -> &[u8] {
    cell.trim_ascii()
}

/// Hash of some cells of a row, each ended by a unit separator so `a,bc` differs from `ab,c`.
fn hash_cells<'a>(cells: impl Iterator<Item = &'a [u8]>, scratch: &mut Vec<u8>) -> u64 {
    scratch.clear();
    for cell in cells {
        scratch.extend_from_slice(trimmed(cell));
        scratch.push(0x1f);
    }
    xxh3_64(scratch)
}

/// What [`each_row`] hands over: the header first, then each data row's cells as bytes.
enum Line<'a> {
    Header(&'a [String]),
    Row(u64, &'a [&'a [u8]]),
}

/// Reads a catalog and hands its header, then each data row (1 = the first), to `line`.
fn each_row(
    path: &Path,
    mut line: impl FnMut(Line<'_>) -> Result<(), String>,
) -> Result<u64, String> {
    let (file, _) = io::open_feed(path).map_err(|e| e.to_string())?;
    let mut input = std::io::BufReader::with_capacity(1 << 20, file);
    let mut sample = Vec::new();
    (&mut input)
        .take(64 * 1024)
        .read_to_end(&mut sample)
        .map_err(|e| format!("{} could not be read: {e}", path.display()))?;
    let dialect = sniff::sniff(&sample);
    let mut input = std::io::Cursor::new(sample).chain(input);
    let mut splitter = Splitter::new(dialect.delimiter);
    let read_error = |e: std::io::Error| format!("{} could not be read: {e}", path.display());
    let mut seen_header = false;
    let mut rows = 0u64;
    // Two threads: this one splits the file into batches of records, the caller's hashes or
    // writes them; batches come back to be filled again.
    std::thread::scope(|scope| -> Result<(), String> {
        let (full_tx, full_rx) = std::sync::mpsc::sync_channel::<std::io::Result<Batch>>(2);
        let (empty_tx, empty_rx) = std::sync::mpsc::channel::<Batch>();
        scope.spawn(move || {
            let (mut carry, mut eof) = (Vec::new(), false);
            loop {
                let mut batch = empty_rx.try_recv().unwrap_or_default();
                let read = next_batch(
                    &mut input,
                    &mut splitter,
                    &mut carry,
                    &mut eof,
                    (BLOCK_BYTES, 4096),
                    &mut batch,
                );
                let last = read.is_err() || batch.cells.len() == 0;
                // The caller stopped (an error of its own): nothing more to read.
                if full_tx.send(read.map(|()| batch)).is_err() || last {
                    return;
                }
            }
        });
        for batch in full_rx {
            let batch = batch.map_err(read_error)?;
            if batch.cells.len() == 0 {
                break;
            }
            let mut cells: Vec<&[u8]> = Vec::new();
            for i in 0..batch.cells.len() {
                cells.clear();
                cells.extend(batch.cells.cell_bytes(&batch.data, i));
                if !seen_header {
                    seen_header = true;
                    let names: Vec<String> = cells
                        .iter()
                        .map(|c| String::from_utf8_lossy(trimmed(c)).into_owned())
                        .collect();
                    line(Line::Header(&names))?;
                    continue;
                }
                rows += 1;
                if cells.iter().all(|c| trimmed(c).is_empty()) {
                    continue;
                }
                line(Line::Row(rows, &cells))?;
            }
            drop(cells);
            let _ = empty_tx.send(batch);
        }
        Ok(())
    })?;
    if !seen_header {
        return Err(format!(
            "{} is empty: a catalog starts with a header row.",
            path.display()
        ));
    }
    Ok(rows)
}

/// The prints of a catalog file.
///
/// # Errors
/// When the file cannot be read or has no `id` column.
pub fn fingerprint(path: &Path) -> Result<Fingerprints, String> {
    diff(&Fingerprints::default(), path).map(|(_, prints)| prints)
}

/// How the catalog at `path` differs from `old`, and its own prints.
///
/// # Errors
/// When the file cannot be read or has no `id` column.
pub fn diff(old: &Fingerprints, path: &Path) -> Result<(Delta, Fingerprints), String> {
    let mut layout = None;
    let mut delta = Delta::default();
    let mut prints: Vec<Print> = Vec::new();
    let mut scratch = Vec::new();
    let rows = each_row(path, |line| {
        let (n, cells) = match line {
            Line::Header(header) => {
                layout = Some(Layout::of(header)?);
                return Ok(());
            }
            Line::Row(n, cells) => (n, cells),
        };
        {
            let Some(layout) = &layout else { return Ok(()) };
            let cell = |i: usize| cells.get(i).copied().unwrap_or_default();
            let id = trimmed(cell(layout.id));
            if id.is_empty() {
                return Ok(());
            }
            let inventory = hash_cells(layout.inventory.iter().map(|&i| cell(i)), &mut scratch);
            let price = hash_cells(layout.price.iter().map(|&i| cell(i)), &mut scratch);
            let rest = hash_cells(
                layout
                    .rest
                    .iter()
                    .copied()
                    .chain(layout.width..cells.len())
                    .map(cell),
                &mut scratch,
            );
            let print = Print {
                id: xxh3_64(id),
                parts: (inventory & INVENTORY_BITS)
                    | ((price << 20) & PRICE_BITS)
                    | ((rest << 40) & REST_BITS),
            };
            match old.get(print.id) {
                None => delta.added.push(n),
                Some(before) => {
                    let changed = before.parts ^ print.parts;
                    if changed & INVENTORY_BITS != 0 {
                        delta.inventory.push(n);
                    }
                    if changed & PRICE_BITS != 0 {
                        delta.price.push(n);
                    }
                    if changed & REST_BITS != 0 {
                        delta.product.push(n);
                    }
                }
            }
            prints.push(print);
        }
        Ok(())
    })?;
    delta.rows = rows;
    // A repeated id keeps its last row, as an upsert would (the sort is stable, so rows of one
    // id stay in file order).
    prints.sort_by_key(|p| p.id);
    prints.reverse();
    prints.dedup_by_key(|p| p.id);
    prints.reverse();
    let now = Fingerprints { rows: prints };
    delta.removed = old.rows.iter().filter(|p| now.get(p.id).is_none()).count();
    Ok((delta, now))
}

/// Writes the rows `rows` (file row numbers, ascending) of the catalog at `path` as a feed of
/// `columns` (an inventory or a price feed) to `out`. Returns how many rows were written.
///
/// # Errors
/// When the file cannot be read or the feed written.
pub fn write_rows(
    path: &Path,
    rows: &[u64],
    columns: &[&str],
    out: impl Write,
) -> Result<u64, String> {
    let wanted: HashSet<u64> = rows.iter().copied().collect();
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(out);
    let write_error = |e: csv::Error| format!("the feed could not be written: {e}");
    writer.write_record(columns).map_err(write_error)?;
    let mut at: Vec<Option<usize>> = Vec::new();
    let mut written = 0u64;
    each_row(path, |line| match line {
        Line::Header(header) => {
            at = columns
                .iter()
                .map(|c| header.iter().position(|h| h.eq_ignore_ascii_case(c)))
                .collect();
            Ok(())
        }
        Line::Row(n, cells) if wanted.contains(&n) => {
            let record = at.iter().map(|i| {
                i.and_then(|i| cells.get(i))
                    .map_or(&b""[..], |c| trimmed(c))
            });
            writer.write_record(record).map_err(write_error)?;
            written += 1;
            Ok(())
        }
        Line::Row(..) => Ok(()),
    })?;
    writer
        .flush()
        .map_err(|e| format!("the feed could not be written: {e}"))?;
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;

    const BEFORE: &str = "id,title,price,availability,inventory_quantity\n\
        A,Mug,24.00 USD,in_stock,10\n\
        B,Towel,16.00 USD,in_stock,4\n\
        C,Candle,12.00 USD,out_of_stock,0\n";

    fn file(dir: &tempfile::TempDir, name: &str, text: &str) -> std::path::PathBuf {
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        path
    }

    #[test]
    fn a_price_change_and_a_stock_change_are_told_apart() {
        let dir = tempfile::tempdir().unwrap();
        let old = fingerprint(&file(&dir, "a.csv", BEFORE)).unwrap();
        assert_eq!(old.len(), 3);
        let after = "id,title,price,availability,inventory_quantity\n\
            A,Mug,22.00 USD,in_stock,10\n\
            B,Towel,16.00 USD,in_stock,3\n\
            C,Candle,12.00 USD,out_of_stock,0\n\
            D,Basket,30.00 USD,in_stock,2\n";
        let path = file(&dir, "b.csv", after);
        let (delta, now) = diff(&old, &path).unwrap();
        assert_eq!(delta.price, vec![1]);
        assert_eq!(delta.inventory, vec![2]);
        assert_eq!(delta.added, vec![4]);
        assert!(delta.product.is_empty());
        assert!(
            delta.needs_product_feed(),
            "a new row needs the product feed"
        );
        let mut out = Vec::new();
        write_rows(&path, &delta.price, &PRICE_COLUMNS, &mut out).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "id,price,sale_price,sale_price_effective_date\nA,22.00 USD,,\n"
        );
        // After pushing only the price feed, the stock change is still there to push.
        let kept = old.after_push(&now, Part::Price);
        let (again, _) = diff(&kept, &path).unwrap();
        assert!(again.price.is_empty());
        assert_eq!(again.inventory, vec![2]);
    }

    #[test]
    fn a_repeated_id_is_remembered_by_its_last_row() {
        let dir = tempfile::tempdir().unwrap();
        let twice = "id,title,price\nA,Mug,24.00 USD\nA,Mug,19.00 USD\n";
        let old = fingerprint(&file(&dir, "a.csv", twice)).unwrap();
        assert_eq!(old.len(), 1);
        let last = file(&dir, "b.csv", "id,title,price\nA,Mug,19.00 USD\n");
        assert!(diff(&old, &last).unwrap().0.price.is_empty());
    }

    #[test]
    fn prints_round_trip_and_damage_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let prints = fingerprint(&file(&dir, "a.csv", BEFORE)).unwrap();
        let bytes = prints.to_bytes();
        assert_eq!(Fingerprints::from_bytes(&bytes).unwrap(), prints);
        assert!(Fingerprints::from_bytes(&bytes[..bytes.len() - 3]).is_err());
        assert!(Fingerprints::from_bytes(b"id,title\n").is_err());
        assert_eq!(Fingerprints::bytes_per_row(), 16);
    }
}
