//! Named profiles: which Stripe account, which mode, which connected account. Saved as JSON
//! in the platform config folder, never with the key itself (that lives in the OS keyring,
//! filed under the profile's id).

use std::fmt;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// Which money a profile touches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// The embedded sandbox with demo data: no real account, no real money.
    Sandbox,
    /// A Stripe test-mode key.
    Test,
    /// A Stripe live-mode key: real money.
    Live,
}

impl Mode {
    /// Mode told by a key's prefix (`sk_live_`/`rk_live_` is live, anything else test).
    #[must_use]
    pub fn from_key(key: &str) -> Mode {
        if key.starts_with("sk_live_") || key.starts_with("rk_live_") {
            Mode::Live
        } else {
            Mode::Test
        }
    }

    /// Short label for the status bar.
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            Mode::Sandbox => "Sandbox",
            Mode::Test => "Test mode",
            Mode::Live => "LIVE",
        }
    }
}

impl fmt::Display for Mode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// Tells whether a key has a shape Stripe accepts for these calls (secret or restricted).
pub fn check_key_shape(key: &str) -> Result<(), String> {
    let key = key.trim();
    if key.is_empty() {
        return Err("Enter a secret key (sk_…) or a restricted key (rk_…).".into());
    }
    if key.starts_with("pk_") {
        return Err(
            "That is a publishable key (pk_…). The console needs a secret key (sk_…) or a \
             restricted key (rk_…) from Developers › API keys."
                .into(),
        );
    }
    let ok_prefix = ["sk_test_", "sk_live_", "rk_test_", "rk_live_"]
        .iter()
        .any(|p| key.starts_with(p));
    if !ok_prefix {
        return Err("A Stripe key starts with sk_test_, sk_live_, rk_test_ or rk_live_.".into());
    }
    if key.len() < 12 || key.chars().any(char::is_whitespace) {
        return Err("That key looks cut short or has spaces in it; copy it again.".into());
    }
    Ok(())
}

/// Tells whether a connected account id looks right (`acct_…`), when one is given.
pub fn check_account_shape(account: &str) -> Result<(), String> {
    let a = account.trim();
    if a.is_empty() || (a.starts_with("acct_") && a.len() > 5 && a.is_ascii()) {
        Ok(())
    } else {
        Err("A connected account id starts with acct_ (for example acct_1Nv0FGQ9RKHgCVdK).".into())
    }
}

/// One saved profile. Holds no secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Profile {
    /// Stable id; also the keyring entry name of the profile's key.
    pub id: String,
    /// Name the user chose ("Shop live", "Support test").
    pub name: String,
    /// Test or live, from the key prefix.
    pub mode: Mode,
    /// The key shown redacted (`sk_test_…4242`), so the user can tell keys apart.
    pub key_hint: String,
    /// The account the key belongs to, as the API reported when the key was checked.
    #[serde(default)]
    pub account_id: Option<String>,
    /// The account's display name, when the API gave one.
    #[serde(default)]
    pub account_name: Option<String>,
    /// A connected account to act on (`Stripe-Account` header), if any.
    #[serde(default)]
    pub connected_account: Option<String>,
    /// The connected account's name, as the platform's list gave it.
    #[serde(default)]
    pub connected_name: Option<String>,
    /// Connected accounts acted on lately, newest first (at most [`RECENT_ACCOUNTS`]).
    #[serde(default)]
    pub recent_accounts: Vec<RecentAccount>,
    /// An API base other than Stripe's (a sandbox), if any.
    #[serde(default)]
    pub api_base: Option<String>,
    /// How the platform charges for its sellers.
    #[serde(default)]
    pub charges: ChargeType,
}

impl Profile {
    /// A new profile with a fresh id.
    #[must_use]
    pub fn new(name: &str, key: &str) -> Self {
        Profile {
            id: format!("profile-{}", uuid::Uuid::new_v4().simple()),
            name: name.trim().to_owned(),
            mode: Mode::from_key(key),
            key_hint: crate::secrets::redact(key.trim()),
            account_id: None,
            account_name: None,
            connected_account: None,
            connected_name: None,
            recent_accounts: Vec::new(),
            api_base: None,
            charges: ChargeType::Direct,
        }
    }
}

/// How a platform charges for its sellers (Stripe Connect's charge types): where its orders
/// live, and so what the Orders view shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ChargeType {
    /// Direct charges: each seller's orders live on its own account (act as the seller to
    /// see them).
    #[default]
    Direct,
    /// Destination charges (`on_behalf_of` + `transfer_data.destination`): orders live on the
    /// platform and name the seller they pay; the Orders view shows a seller column and filter
    /// and refunds offer to reverse the transfer and refund the application fee.
    Destination,
}

impl ChargeType {
    /// Both, in the order the setting lists them.
    pub const ALL: [ChargeType; 2] = [ChargeType::Direct, ChargeType::Destination];

    /// Words for the setting.
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            ChargeType::Direct => "Direct charges",
            ChargeType::Destination => "Destination charges",
        }
    }

    /// What it means, in one sentence.
    #[must_use]
    pub fn explain(self) -> &'static str {
        match self {
            ChargeType::Direct => {
                "Orders live on each seller's account: pick the seller in the top bar to see them."
            }
            ChargeType::Destination => {
                "Orders live on the platform and are attributed to the seller they pay: the \
                 Orders view shows a seller column and filter, and a refund can reverse the \
                 transfer and refund the application fee."
            }
        }
    }
}

/// How many recent connected accounts a profile remembers.
pub const RECENT_ACCOUNTS: usize = 8;

/// A connected account a profile acted on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecentAccount {
    /// `acct_…`.
    pub id: String,
    /// Its name when it was picked.
    pub name: String,
}

/// Puts `account` first in `recent`, once, keeping at most [`RECENT_ACCOUNTS`].
pub fn remember_recent(recent: &mut Vec<RecentAccount>, account: RecentAccount) {
    recent.retain(|r| r.id != account.id);
    recent.insert(0, account);
    recent.truncate(RECENT_ACCOUNTS);
}

/// Every saved profile and which one is active.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProfileBook {
    /// The profiles, in the order the user added them.
    pub profiles: Vec<Profile>,
    /// Id of the active profile; `None` means the embedded sandbox (demo mode).
    pub active: Option<String>,
    /// The demo sandbox's charge type (it has no profile to keep one): destination charges,
    /// since the demo platform pays some of its sellers that way.
    #[serde(default = "demo_charges")]
    pub demo_charges: ChargeType,
}

fn demo_charges() -> ChargeType {
    ChargeType::Destination
}

impl Default for ProfileBook {
    fn default() -> Self {
        ProfileBook {
            profiles: Vec::new(),
            active: None,
            demo_charges: demo_charges(),
        }
    }
}

impl ProfileBook {
    /// Where profiles are saved on this platform (`…/seller-console/profiles.json`).
    #[must_use]
    pub fn default_path() -> Option<PathBuf> {
        directories::ProjectDirs::from("com", "SellerConsole", "seller-console")
            .map(|d| d.config_dir().join("profiles.json"))
    }

    /// Reads the book from `path`; a missing file is an empty book.
    pub fn load(path: &Path) -> Result<Self, String> {
        match std::fs::read(path) {
            Ok(bytes) => serde_json::from_slice(&bytes).map_err(|e| {
                format!(
                    "Could not read the profiles in {}: {e}. Fix or remove the file.",
                    path.display()
                )
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Self::default()),
            Err(e) => Err(format!("Could not open {}: {e}", path.display())),
        }
    }

    /// Writes the book to `path` atomically and durably, readable by the user only (see
    /// [`crate::durable`]).
    pub fn save(&self, path: &Path) -> Result<(), String> {
        let json = serde_json::to_vec_pretty(self).map_err(|e| e.to_string())?;
        crate::durable::write(path, &json, crate::durable::Access::Private).map_err(|e| {
            format!(
                "Could not save the profiles to {} ({e}). Check that you may write there.",
                path.display()
            )
        })
    }

    /// The active profile, if any (none means demo mode).
    #[must_use]
    pub fn active_profile(&self) -> Option<&Profile> {
        let id = self.active.as_deref()?;
        self.profiles.iter().find(|p| p.id == id)
    }

    /// Finds a profile by id.
    #[must_use]
    pub fn get(&self, id: &str) -> Option<&Profile> {
        self.profiles.iter().find(|p| p.id == id)
    }

    /// Finds a profile by its name (case-insensitive), for the command line.
    #[must_use]
    pub fn find_by_name(&self, name: &str) -> Option<&Profile> {
        self.profiles
            .iter()
            .find(|p| p.name.eq_ignore_ascii_case(name.trim()))
    }

    /// Adds or replaces (same id) a profile.
    pub fn upsert(&mut self, profile: Profile) {
        match self.profiles.iter_mut().find(|p| p.id == profile.id) {
            Some(existing) => *existing = profile,
            None => self.profiles.push(profile),
        }
    }

    /// Removes a profile; if it was active, falls back to demo mode.
    pub fn remove(&mut self, id: &str) {
        self.profiles.retain(|p| p.id != id);
        if self.active.as_deref() == Some(id) {
            self.active = None;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mode_from_key_prefix() {
        assert_eq!(Mode::from_key("sk_live_abc"), Mode::Live);
        assert_eq!(Mode::from_key("rk_live_abc"), Mode::Live);
        assert_eq!(Mode::from_key("sk_test_abc"), Mode::Test);
    }

    #[test]
    fn key_shape_messages() {
        assert!(check_key_shape("sk_test_51HabcdefXYZ").is_ok());
        assert!(
            check_key_shape("pk_test_51Habcdef")
                .unwrap_err()
                .contains("publishable")
        );
        assert!(check_key_shape("hello").is_err());
        assert!(check_key_shape("").is_err());
        assert!(check_account_shape("acct_123").is_ok());
        assert!(check_account_shape("").is_ok());
        assert!(check_account_shape("cus_123").is_err());
    }

    #[test]
    fn book_saves_without_secrets_and_reloads() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub").join("profiles.json");
        let mut book = ProfileBook::default();
        let p = Profile::new("Shop test", "sk_test_51Habcdef4242");
        let id = p.id.clone();
        book.upsert(p);
        book.active = Some(id.clone());
        book.save(&path).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(
            !text.contains("51Habcdef"),
            "the key must never be written: {text}"
        );
        assert!(text.contains("sk_test_…4242"));
        let loaded = ProfileBook::load(&path).unwrap();
        assert_eq!(loaded, book);
        let mut loaded = loaded;
        loaded.remove(&id);
        assert!(loaded.active.is_none());
    }

    #[test]
    fn missing_file_is_empty_book_and_garbage_is_a_sentence() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("none.json");
        assert_eq!(ProfileBook::load(&path).unwrap(), ProfileBook::default());
        std::fs::write(&path, b"{not json").unwrap();
        assert!(
            ProfileBook::load(&path)
                .unwrap_err()
                .contains("Could not read")
        );
    }
}
