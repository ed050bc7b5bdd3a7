//! The refund journal: every refund the user confirmed, with its idempotency key, kept on disk
//! until Stripe's answer is known. A refund interrupted by a network fault or an app restart is
//! sent again with the same key, so Stripe replays the first answer instead of refunding twice.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// One confirmed refund whose outcome is not known yet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingRefund {
    /// The idempotency key, made when the user confirmed; reused on every retry.
    pub idempotency_key: String,
    /// Which account it was made on (API base + connected account), so it is only retried there.
    pub account: String,
    /// Checkout Session id (for the UI).
    pub session: String,
    /// PaymentIntent id.
    pub payment_intent: String,
    /// Amount in minor units.
    pub amount: i64,
    /// Stripe reason or empty.
    pub reason: String,
    /// Internal note.
    pub note: String,
    /// When the user confirmed (unix seconds).
    pub confirmed_at: i64,
}

/// The journal file (`refund-journal.json` in the app's data folder).
#[derive(Debug, Clone)]
pub struct RefundJournal {
    path: PathBuf,
}

impl RefundJournal {
    /// The journal in `dir`.
    #[must_use]
    pub fn in_dir(dir: &Path) -> Self {
        RefundJournal {
            path: dir.join("refund-journal.json"),
        }
    }

    /// Every pending refund. A missing file is an empty journal; an unreadable one is an error
    /// (never silently dropped: it may hold a refund that must not be repeated with a new key).
    pub fn pending(&self) -> Result<Vec<PendingRefund>, String> {
        match std::fs::read(&self.path) {
            Ok(bytes) => serde_json::from_slice(&bytes).map_err(|e| {
                format!(
                    "The refund journal {} is damaged ({e}); refunds in it were not retried. \
                     Check those orders in the Stripe Dashboard before refunding again.",
                    self.path.display()
                )
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Vec::new()),
            Err(e) => Err(format!("Could not read {}: {e}", self.path.display())),
        }
    }

    /// Records a refund before it is sent.
    pub fn add(&self, entry: PendingRefund) -> Result<(), String> {
        let mut all = self.pending()?;
        all.retain(|p| p.idempotency_key != entry.idempotency_key);
        all.push(entry);
        self.write(&all)
    }

    /// Forgets a refund once its outcome is known.
    pub fn remove(&self, idempotency_key: &str) -> Result<(), String> {
        let mut all = self.pending()?;
        all.retain(|p| p.idempotency_key != idempotency_key);
        self.write(&all)
    }

    fn write(&self, all: &[PendingRefund]) -> Result<(), String> {
        let dir = self.path.parent().unwrap_or_else(|| Path::new("."));
        std::fs::create_dir_all(dir)
            .map_err(|e| format!("Could not create {}: {e}", dir.display()))?;
        let json = serde_json::to_vec_pretty(all).map_err(|e| e.to_string())?;
        let mut tmp = tempfile::NamedTempFile::new_in(dir)
            .map_err(|e| format!("Could not write the refund journal: {e}"))?;
        std::io::Write::write_all(&mut tmp, &json)
            .and_then(|()| tmp.as_file().sync_all())
            .map_err(|e| format!("Could not write the refund journal: {e}"))?;
        tmp.persist(&self.path)
            .map_err(|e| format!("Could not save the refund journal: {e}"))?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(key: &str) -> PendingRefund {
        PendingRefund {
            idempotency_key: key.into(),
            account: "http://127.0.0.1:1".into(),
            session: "cs_1".into(),
            payment_intent: "pi_1".into(),
            amount: 500,
            reason: String::new(),
            note: "note".into(),
            confirmed_at: 1,
        }
    }

    #[test]
    fn entries_survive_a_new_journal_object_until_removed() {
        let dir = tempfile::tempdir().unwrap();
        let j = RefundJournal::in_dir(dir.path());
        assert!(j.pending().unwrap().is_empty());
        j.add(entry("k1")).unwrap();
        j.add(entry("k2")).unwrap();
        j.add(entry("k1")).unwrap();
        let again = RefundJournal::in_dir(dir.path());
        let keys: Vec<_> = again
            .pending()
            .unwrap()
            .into_iter()
            .map(|p| p.idempotency_key)
            .collect();
        assert_eq!(keys, ["k2", "k1"]);
        again.remove("k2").unwrap();
        assert_eq!(j.pending().unwrap(), vec![entry("k1")]);
    }

    #[test]
    fn a_damaged_journal_is_reported_not_dropped() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("refund-journal.json"), b"{oops").unwrap();
        let err = RefundJournal::in_dir(dir.path()).pending().unwrap_err();
        assert!(err.contains("damaged"), "{err}");
    }
}
