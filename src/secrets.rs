//! Where API keys and endpoint secrets live: the OS credential store (Secret Service on
//! Linux, Keychain on macOS, Credential Manager on Windows), behind the [`SecretStore`] trait.
//!
//! There is deliberately no file-backed store: when the OS has no credential store the app
//! says so and keeps keys in a [`MemoryStore`] until it closes. Calls may block (D-Bus), so
//! the app makes them off the UI thread.

use std::collections::HashMap;
use std::fmt;
use std::sync::Mutex;

/// The service name under which every secret of the app is filed in the OS store.
pub const SERVICE: &str = "seller-console";

/// What went wrong talking to a credential store, in words a user can act on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SecretError {
    /// There is no usable credential store on this machine (no Secret Service, locked, …).
    #[error("No credential store is available: {reason}. {hint}")]
    Unavailable {
        /// What the store said.
        reason: String,
        /// What to install or do about it.
        hint: String,
    },
    /// The store refused access (for example the user dismissed an unlock prompt).
    #[error("The credential store refused access: {0}. Unlock your keyring and try again.")]
    Denied(String),
    /// Anything else the store reported.
    #[error("The credential store failed: {0}")]
    Other(String),
}

/// A place to keep secrets, keyed by an id (a profile id or a hook target id).
pub trait SecretStore: Send + Sync {
    /// Reads the secret filed under `id`, `Ok(None)` when there is none.
    fn get(&self, id: &str) -> Result<Option<String>, SecretError>;
    /// Files `secret` under `id`, replacing any earlier one.
    fn set(&self, id: &str, secret: &str) -> Result<(), SecretError>;
    /// Removes the secret filed under `id`; removing a missing one is not an error.
    fn delete(&self, id: &str) -> Result<(), SecretError>;
    /// Short name of the store for the status bar and settings ("Secret Service", "memory only").
    fn name(&self) -> &'static str;
    /// Whether secrets survive closing the app.
    fn is_persistent(&self) -> bool;
}

/// What to tell a user who has no credential store, per platform.
#[must_use]
pub fn install_hint() -> String {
    if cfg!(target_os = "linux") {
        "Install and unlock a Secret Service provider (GNOME Keyring: `sudo apt install \
         gnome-keyring`, or KeePassXC with Secret Service enabled), then log in again. Until \
         then keys are kept in memory only and forgotten when the app closes."
            .to_owned()
    } else {
        "Check that your system keychain is unlocked. Until then keys are kept in memory only \
         and forgotten when the app closes."
            .to_owned()
    }
}

fn map_error(e: keyring::v1::Error) -> SecretError {
    use keyring::v1::Error as E;
    match e {
        E::NoDefaultStore | E::PlatformFailure(_) => SecretError::Unavailable {
            reason: e.to_string(),
            hint: install_hint(),
        },
        E::NoStorageAccess(inner) => SecretError::Denied(inner.to_string()),
        other => SecretError::Other(other.to_string()),
    }
}

/// The OS credential store, through the `keyring` crate.
#[derive(Debug, Default, Clone, Copy)]
pub struct OsKeyring;

impl OsKeyring {
    /// Tells whether the OS credential store can be used, without touching any secret.
    /// The first call connects to the store (it may block on D-Bus).
    pub fn probe() -> Result<Self, SecretError> {
        match keyring::v1::Entry::store_status() {
            Ok(()) => Ok(OsKeyring),
            Err(e) => Err(SecretError::Unavailable {
                reason: e.to_string(),
                hint: install_hint(),
            }),
        }
    }

    fn entry(id: &str) -> Result<keyring::v1::Entry, SecretError> {
        keyring::v1::Entry::new(SERVICE, id).map_err(map_error)
    }
}

impl SecretStore for OsKeyring {
    fn get(&self, id: &str) -> Result<Option<String>, SecretError> {
        match Self::entry(id)?.get_password() {
            Ok(secret) => Ok(Some(secret)),
            Err(keyring::v1::Error::NoEntry) => Ok(None),
            Err(e) => Err(map_error(e)),
        }
    }

    fn set(&self, id: &str, secret: &str) -> Result<(), SecretError> {
        Self::entry(id)?.set_password(secret).map_err(map_error)
    }

    fn delete(&self, id: &str) -> Result<(), SecretError> {
        match Self::entry(id)?.delete_credential() {
            Ok(()) | Err(keyring::v1::Error::NoEntry) => Ok(()),
            Err(e) => Err(map_error(e)),
        }
    }

    fn name(&self) -> &'static str {
        if cfg!(target_os = "macos") {
            "macOS Keychain"
        } else if cfg!(windows) {
            "Windows Credential Manager"
        } else {
            "Secret Service"
        }
    }

    fn is_persistent(&self) -> bool {
        true
    }
}

/// Secrets held in this process only: for tests, and for a machine with no credential store
/// (forgotten when the app closes).
#[derive(Default)]
pub struct MemoryStore {
    secrets: Mutex<HashMap<String, String>>,
    writes: std::sync::atomic::AtomicUsize,
}

impl MemoryStore {
    /// How many secrets it holds.
    #[must_use]
    pub fn len(&self) -> usize {
        self.secrets.lock().map_or(0, |m| m.len())
    }

    /// Whether it holds none.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// How many times a secret was written (tests check a key is stored once, not again on
    /// every switch).
    #[must_use]
    pub fn writes(&self) -> usize {
        self.writes.load(std::sync::atomic::Ordering::Relaxed)
    }
}

impl fmt::Debug for MemoryStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.secrets.lock().map_or(0, |m| m.len());
        write!(f, "MemoryStore({n} secrets, redacted)")
    }
}

impl SecretStore for MemoryStore {
    fn get(&self, id: &str) -> Result<Option<String>, SecretError> {
        let map = self
            .secrets
            .lock()
            .map_err(|_| SecretError::Other("memory store poisoned".into()))?;
        Ok(map.get(id).cloned())
    }

    fn set(&self, id: &str, secret: &str) -> Result<(), SecretError> {
        let mut map = self
            .secrets
            .lock()
            .map_err(|_| SecretError::Other("memory store poisoned".into()))?;
        map.insert(id.to_owned(), secret.to_owned());
        self.writes
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        Ok(())
    }

    fn delete(&self, id: &str) -> Result<(), SecretError> {
        let mut map = self
            .secrets
            .lock()
            .map_err(|_| SecretError::Other("memory store poisoned".into()))?;
        map.remove(id);
        Ok(())
    }

    fn name(&self) -> &'static str {
        "memory only"
    }

    fn is_persistent(&self) -> bool {
        false
    }
}

/// Shows a secret as its prefix and last four characters, e.g. `sk_test_…4242`.
#[must_use]
pub fn redact(secret: &str) -> String {
    let prefix_len = ["sk_test_", "sk_live_", "rk_test_", "rk_live_", "whsec_"]
        .iter()
        .find(|p| secret.starts_with(**p))
        .map_or(0, |p| p.len());
    let chars: Vec<char> = secret.chars().collect();
    if chars.len() <= prefix_len + 4 {
        return format!("{}…", &secret[..prefix_len]);
    }
    let tail: String = chars[chars.len() - 4..].iter().collect();
    format!("{}…{tail}", &secret[..prefix_len])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn memory_store_round_trip() {
        let store = MemoryStore::default();
        assert_eq!(store.get("p1"), Ok(None));
        store.set("p1", "sk_test_abc").unwrap();
        assert_eq!(store.get("p1"), Ok(Some("sk_test_abc".into())));
        store.delete("p1").unwrap();
        store.delete("p1").unwrap();
        assert_eq!(store.get("p1"), Ok(None));
        assert!(!format!("{store:?}").contains("sk_test"));
    }

    #[test]
    fn redaction_keeps_prefix_and_last_four() {
        assert_eq!(redact("sk_test_51Habcdef4242"), "sk_test_…4242");
        assert_eq!(redact(concat!("rk_live", "_zzzzzzzz9876")), "rk_live_…9876");
        assert_eq!(redact("whsec_abcdefgh1234"), "whsec_…1234");
        assert_eq!(redact("sk_test_12"), "sk_test_…");
        assert_eq!(redact("plainsecret"), "…cret");
    }
}
