//! The rules that span rows (duplicate ids, variant groups with one attribute set), kept as
//! an index that rows are added to and removed from one at a time, as the catalog table
//! edits them. The streaming validator gathers its rows' keys in [`super::row_keys`] instead
//! and hands only the rows these rules are about to a [`CrossRow`] at the end.

use std::collections::HashMap;

use super::rules;
use super::schema::Schema;
use super::spec::ColumnId;
use super::{Diagnostic, FeedKind, Fix, Severity};

fn fix(message: impl Into<String>, replacement: Option<String>) -> Fix {
    Fix {
        message: message.into(),
        replacement,
    }
}

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

/// The hash the id index files `text` under (FNV-1a).
pub(crate) fn text_hash(text: &str) -> u64 {
    let mut h = Fnv::default();
    std::hash::Hasher::write(&mut h, text.as_bytes());
    std::hash::Hasher::finish(&h)
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
        text_hash(id)
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

    #[cfg(test)]
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
pub(crate) struct AttributeSet {
    /// Bit `i` set when `VARIANT_ATTRIBUTES[i]` is filled in.
    pub(crate) mask: u8,
    /// The custom option names, sorted, joined with U+001F; empty when there are none.
    pub(crate) custom: Box<str>,
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

    /// The row's variant group and attribute set, when it is a product row with an
    /// `item_group_id` that is not being deleted.
    pub(crate) fn group_of<'a>(
        schema: &Schema,
        fields: &[&'a str],
    ) -> Option<(&'a str, AttributeSet)> {
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
        // Most rows have no custom options: then nothing is allocated.
        let mut custom = CUSTOM_OPTION_NAMES.map(|c| Self::cell(schema, fields, c));
        let custom = if custom.iter().all(|s| s.is_empty()) {
            Box::default()
        } else {
            custom.sort_unstable();
            let named: Vec<&str> = custom.into_iter().filter(|s| !s.is_empty()).collect();
            named.join("\u{1f}").into()
        };
        Some((group, AttributeSet { mask, custom }))
    }

    /// Records row `row` with its `fields`.
    pub fn insert(&mut self, schema: &Schema, row: u64, fields: &[&str]) {
        self.add_id(Self::key_of(schema, fields), row);
        if let Some((group, set)) = Self::group_of(schema, fields) {
            self.add_group_row(group, set, row);
        }
    }

    /// Records that row `row` has the key `id` (nothing when it is empty).
    pub(crate) fn add_id(&mut self, id: &str, row: u64) {
        if !id.is_empty() {
            self.ids.add(id, Rows::One(row));
        }
    }

    /// Records that row `row` is a variant of `group` with the attributes `set`.
    pub(crate) fn add_group_row(&mut self, group: &str, set: AttributeSet, row: u64) {
        let sets = match self.groups.get_mut(group) {
            Some(sets) => sets,
            None => self.groups.entry(group.into()).or_default(),
        };
        match sets.iter_mut().find(|(s, _)| *s == set) {
            Some((_, rows)) => rows.push(row),
            None => sets.push((set, Rows::One(row))),
        }
    }

    /// The row's key (its `id`, trimmed; `""` when empty or absent).
    pub(crate) fn key_of<'a>(schema: &Schema, fields: &[&'a str]) -> &'a str {
        Self::cell(schema, fields, schema.kind().key_column())
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
