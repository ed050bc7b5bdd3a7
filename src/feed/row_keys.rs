//! The keys the cross-row rules need, gathered while a file streams past: each row's id, and
//! its variant group with its attribute set. Gathering a key is an append (no hash table to
//! probe, so no cache miss per row); each thread sorts its own keys at the end, and only the
//! rows whose keys say a rule may fire (an id on several rows, a group with several attribute
//! sets) go into a [`CrossRow`], which words the findings exactly as it does for the table.

use super::cross_row::{AttributeSet, CrossRow, text_hash};
use super::schema::Schema;

/// One row's id: its hash, its row, and where its text is in the arena.
#[derive(Debug, Clone, Copy)]
struct IdKey {
    hash: u64,
    row: u64,
    start: usize,
    len: usize,
}

/// One variant row: the hashes of its group and of its attribute set, its row, where its
/// group name and then its custom option names are in the arena, and its standard
/// attributes (see [`AttributeSet`]).
#[derive(Debug, Clone, Copy)]
struct GroupKey {
    hash: u64,
    set: u64,
    row: u64,
    start: usize,
    group_len: usize,
    custom_len: usize,
    mask: u8,
}

/// The keys of the rows one thread has checked.
#[derive(Debug, Default)]
pub(crate) struct RowKeys {
    text: String,
    ids: Vec<IdKey>,
    groups: Vec<GroupKey>,
}

impl RowKeys {
    /// Gathers the keys of row `row`.
    pub(crate) fn add(&mut self, schema: &Schema, row: u64, fields: &[&str]) {
        let id = CrossRow::key_of(schema, fields);
        if !id.is_empty() {
            let start = self.text.len();
            self.text.push_str(id);
            self.ids.push(IdKey {
                hash: text_hash(id),
                row,
                start,
                len: id.len(),
            });
        }
        if let Some((group, set)) = CrossRow::group_of(schema, fields) {
            let start = self.text.len();
            self.text.push_str(group);
            self.text.push_str(&set.custom);
            self.groups.push(GroupKey {
                hash: text_hash(group),
                set: text_hash(&set.custom) ^ u64::from(set.mask),
                row,
                start,
                group_len: group.len(),
                custom_len: set.custom.len(),
                mask: set.mask,
            });
        }
    }

    /// Sorts the keys so that equal ones lie together; run it on the thread that gathered
    /// them, so that the threads sort at the same time.
    pub(crate) fn sort(&mut self) {
        self.ids.sort_unstable_by_key(|k| (k.hash, k.row));
        self.groups.sort_unstable_by_key(|k| (k.hash, k.set, k.row));
    }

    fn id_text(&self, k: &IdKey) -> &str {
        self.text.get(k.start..k.start + k.len).unwrap_or("")
    }

    fn group_text(&self, k: &GroupKey) -> (&str, &str) {
        let custom = k.start + k.group_len;
        (
            self.text.get(k.start..custom).unwrap_or(""),
            self.text.get(custom..custom + k.custom_len).unwrap_or(""),
        )
    }

    /// A [`CrossRow`] holding the rows its findings are about, from every part (each one
    /// sorted, over different rows of one file): the same findings as a [`CrossRow`] that
    /// every row was inserted into.
    pub(crate) fn into_cross_row(parts: &[RowKeys], schema: &Schema) -> CrossRow {
        let mut cross = CrossRow::new(schema);
        let mut ids = Vec::new();
        for_each_run(
            parts,
            |p| &p.ids,
            |k| (k.hash, k.row),
            |k| k.hash,
            &mut ids,
            |run| {
                // Several rows share the hash: the index tells equal ids from colliding ones.
                if run.len() > 1 {
                    for (part, k) in run {
                        cross.add_id(part.id_text(k), k.row);
                    }
                }
            },
        );
        let mut groups = Vec::new();
        for_each_run(
            parts,
            |p| &p.groups,
            |k| (k.hash, k.set, k.row),
            |k| k.hash,
            &mut groups,
            |run| {
                let Some((first_part, first)) = run.first() else {
                    return;
                };
                let (_, first_custom) = first_part.group_text(first);
                let one_set = run
                    .iter()
                    .all(|(p, k)| k.mask == first.mask && p.group_text(k).1 == first_custom);
                if one_set {
                    return;
                }
                for (part, k) in run {
                    let (group, custom) = part.group_text(k);
                    let set = AttributeSet {
                        mask: k.mask,
                        custom: custom.into(),
                    };
                    cross.add_group_row(group, set, k.row);
                }
            },
        );
        cross
    }
}

/// Walks the keys of every part in the order of `order` (each part's list is sorted by it),
/// calling `on_run` with each run of keys that share `run_key`, and the part each is from.
fn for_each_run<'p, T: Copy + 'p, K: Ord>(
    parts: &'p [RowKeys],
    list: impl Fn(&'p RowKeys) -> &'p [T],
    order: impl Fn(&T) -> K,
    run_key: impl Fn(&T) -> u64,
    run: &mut Vec<(&'p RowKeys, T)>,
    mut on_run: impl FnMut(&[(&'p RowKeys, T)]),
) {
    let mut next = vec![0usize; parts.len()];
    loop {
        // The part whose next key comes first.
        let head = parts
            .iter()
            .enumerate()
            .filter_map(|(i, p)| list(p).get(next[i]).map(|k| (i, p, *k)))
            .min_by_key(|(_, _, k)| order(k));
        let Some((i, part, key)) = head else {
            break;
        };
        next[i] += 1;
        if run
            .first()
            .is_some_and(|(_, k)| run_key(k) != run_key(&key))
        {
            on_run(run);
            run.clear();
        }
        run.push((part, key));
    }
    if !run.is_empty() {
        on_run(run);
        run.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::feed::FeedKind;

    const HEADER: [&str; 4] = ["id", "item_group_id", "color", "size"];

    fn schema() -> Schema {
        Schema::new(FeedKind::Product, &HEADER)
    }

    /// Findings as (rule, row) pairs.
    type Found = Vec<(&'static str, u64)>;

    /// The findings of `rows` gathered as two parts (odd and even rows), and inserted one by
    /// one into a `CrossRow`, as (rule, row) pairs.
    fn both_ways(rows: &[[&str; 4]]) -> (Found, Found) {
        let schema = schema();
        let mut parts = [RowKeys::default(), RowKeys::default()];
        let mut cross = CrossRow::new(&schema);
        for (i, fields) in rows.iter().enumerate() {
            let row = i as u64 + 1;
            parts[i % 2].add(&schema, row, fields);
            cross.insert(&schema, row, fields);
        }
        for p in &mut parts {
            p.sort();
        }
        let pairs = |c: &CrossRow| -> Found {
            c.diagnostics()
                .iter()
                .map(|d| (d.rule, d.row.unwrap_or(0)))
                .collect()
        };
        (
            pairs(&RowKeys::into_cross_row(&parts, &schema)),
            pairs(&cross),
        )
    }

    #[test]
    fn duplicate_ids_across_parts_are_found() {
        let (keys, inserted) = both_ways(&[
            ["A", "", "", ""],
            ["B", "", "", ""],
            ["A", "", "", ""],
            ["C", "", "", ""],
            ["B", "", "", ""],
            ["A", "", "", ""],
        ]);
        assert_eq!(
            keys,
            vec![
                ("duplicate_id", 3),
                ("duplicate_id", 5),
                ("duplicate_id", 6)
            ]
        );
        assert_eq!(keys, inserted);
    }

    #[test]
    fn a_variant_missing_an_attribute_is_found() {
        let (keys, inserted) = both_ways(&[
            ["T-S", "T", "Navy", "S"],
            ["T-M", "T", "Navy", "M"],
            ["T-L", "T", "", "L"],
            ["U-S", "U", "Red", "S"],
            ["U-M", "U", "Red", "M"],
        ]);
        assert_eq!(keys, vec![("X7_variant_attributes", 3)]);
        assert_eq!(keys, inserted);
    }

    #[test]
    fn groups_with_one_set_and_unique_ids_find_nothing() {
        let (keys, inserted) = both_ways(&[
            ["T-S", "T", "Navy", "S"],
            ["T-M", "T", "Navy", "M"],
            ["U-S", "U", "Red", "S"],
        ]);
        assert!(keys.is_empty());
        assert!(inserted.is_empty());
    }
}
