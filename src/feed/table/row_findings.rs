//! Compact storage of the per-row findings: for each finding only its rule (as a small
//! number), its cell and its severity, 8 bytes, with one or two findings kept inline in
//! the row's slot. The message, value and fix are built again from the row when asked for.

use std::sync::{Mutex, PoisonError};

use super::{ColKey, RowId};
use crate::feed::Severity;

/// Rule ids seen so far; a finding stores its rule's index here.
static RULES: Mutex<Vec<&'static str>> = Mutex::new(Vec::new());

/// The small number standing for `rule` (added on first sight).
pub(super) fn rule_index(rule: &'static str) -> u16 {
    let mut rules = RULES.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some(i) = rules.iter().position(|r| *r == rule) {
        return u16::try_from(i).unwrap_or(u16::MAX);
    }
    rules.push(rule);
    u16::try_from(rules.len() - 1).unwrap_or(u16::MAX)
}

/// The rule id behind an index from [`rule_index`].
pub(super) fn rule_name(index: u16) -> &'static str {
    let rules = RULES.lock().unwrap_or_else(PoisonError::into_inner);
    rules.get(usize::from(index)).copied().unwrap_or("")
}

/// One per-row finding, kept small.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Compact {
    /// The column the finding is on, [`NO_KEY`] when none (or a name not in the header).
    pub key: ColKey,
    /// See [`rule_index`].
    pub rule: u16,
    pub severity: Severity,
    /// The finding offers a one-click replacement value.
    pub fixable: bool,
}

/// `Compact::key` of a finding on no column of the table.
pub(super) const NO_KEY: ColKey = ColKey::MAX;

/// The findings of one row.
#[derive(Debug, Clone, Default)]
pub(super) enum Slot {
    /// A clean row.
    #[default]
    None,
    One(Compact),
    Two([Compact; 2]),
    Many(Box<[Compact]>),
}

impl Slot {
    /// The slot holding `found`.
    pub(super) fn new(found: &[Compact]) -> Slot {
        match found {
            [] => Slot::None,
            [a] => Slot::One(*a),
            [a, b] => Slot::Two([*a, *b]),
            _ => Slot::Many(found.into()),
        }
    }

    pub(super) fn as_slice(&self) -> &[Compact] {
        match self {
            Slot::None => &[],
            Slot::One(c) => std::slice::from_ref(c),
            Slot::Two(cs) => cs,
            Slot::Many(cs) => cs,
        }
    }
}

/// Per-row findings by row id.
#[derive(Debug, Default)]
pub(super) struct RowFindings {
    slots: Vec<Slot>,
}

impl RowFindings {
    /// The findings of row `id` (empty when clean).
    pub(super) fn get(&self, id: RowId) -> &[Compact] {
        self.slots.get(id as usize).map_or(&[], Slot::as_slice)
    }

    /// True when row `id` has findings.
    pub(super) fn has(&self, id: RowId) -> bool {
        !self.get(id).is_empty()
    }

    /// Puts `slot` on row `id`.
    pub(super) fn set(&mut self, id: RowId, slot: Slot) {
        let i = id as usize;
        if self.slots.len() <= i {
            if matches!(slot, Slot::None) {
                return;
            }
            self.slots.resize(i + 1, Slot::None);
        }
        self.slots[i] = slot;
    }

    /// Forgets the findings of row `id`.
    pub(super) fn remove(&mut self, id: RowId) {
        self.set(id, Slot::None);
    }

    /// Rows with findings, by id.
    pub(super) fn iter(&self) -> impl Iterator<Item = (RowId, &[Compact])> {
        self.slots
            .iter()
            .enumerate()
            .filter(|(_, s)| !matches!(s, Slot::None))
            .map(|(i, s)| (i as RowId, s.as_slice()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(key: ColKey, rule: &'static str) -> Compact {
        Compact {
            key,
            rule: rule_index(rule),
            severity: Severity::Warning,
            fixable: false,
        }
    }

    #[test]
    fn slots_keep_what_was_put_in() {
        let mut f = RowFindings::default();
        let three = [c(1, "a"), c(2, "b"), c(NO_KEY, "a")];
        f.set(5, Slot::new(&three[..1]));
        f.set(2, Slot::new(&three));
        f.set(9, Slot::new(&three[..2]));
        assert_eq!(f.get(5), &three[..1]);
        assert_eq!(f.get(2), &three);
        assert_eq!(f.get(9), &three[..2]);
        assert!(f.get(100).is_empty());
        f.remove(2);
        assert!(!f.has(2));
        let ids: Vec<RowId> = f.iter().map(|(id, _)| id).collect();
        assert_eq!(ids, [5, 9]);
        assert_eq!(rule_name(three[1].rule), "b");
        assert_eq!(std::mem::size_of::<Compact>(), 8);
    }
}
