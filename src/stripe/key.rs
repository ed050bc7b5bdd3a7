//! The API key: secret or restricted, test or live, and never printed in full.

use std::fmt;

/// What kind of key it is, told by its prefix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyKind {
    /// `sk_…`: a secret key with every permission.
    Secret,
    /// `rk_…`: a restricted key; calls outside its permissions fail with 403.
    Restricted,
}

/// A Stripe secret (`sk_…`) or restricted (`rk_…`) key.
///
/// `Debug` and `Display` show only the prefix and the last four characters
/// (`sk_test_…4242`); the full value leaves this type only through
/// [`ApiKey::expose_secret`], which the transport calls when it builds the
/// `Authorization` header.
#[derive(Clone, PartialEq, Eq)]
pub struct ApiKey {
    secret: String,
    kind: KeyKind,
    live: bool,
}

impl ApiKey {
    /// Checks the shape of `key` and wraps it. Publishable keys (`pk_…`) and anything that
    /// is not `sk_test_`, `sk_live_`, `rk_test_` or `rk_live_` are refused with a sentence
    /// that does not repeat the key.
    pub fn new(key: &str) -> Result<ApiKey, String> {
        let key = key.trim();
        if key.is_empty() {
            return Err(
                "No Stripe key was given: set a secret key (sk_…) or a restricted key (rk_…)."
                    .into(),
            );
        }
        if key.starts_with("pk_") {
            return Err(
                "That is a publishable key (pk_…). Use a secret key (sk_…) or a \
                 restricted key (rk_…) from Developers › API keys in the Dashboard."
                    .into(),
            );
        }
        let (kind, live) = if key.starts_with("sk_test_") {
            (KeyKind::Secret, false)
        } else if key.starts_with("sk_live_") {
            (KeyKind::Secret, true)
        } else if key.starts_with("rk_test_") {
            (KeyKind::Restricted, false)
        } else if key.starts_with("rk_live_") {
            (KeyKind::Restricted, true)
        } else {
            return Err(
                "That does not look like a Stripe key: it should start with sk_test_, \
                 sk_live_, rk_test_ or rk_live_."
                    .into(),
            );
        };
        if key.len() < 12 || !key.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(
                "That Stripe key looks cut short or contains spaces; copy it again from the \
                 Dashboard."
                    .into(),
            );
        }
        Ok(ApiKey {
            secret: key.to_owned(),
            kind,
            live,
        })
    }

    /// Secret or restricted.
    #[must_use]
    pub fn kind(&self) -> KeyKind {
        self.kind
    }

    /// True for `sk_live_`/`rk_live_` keys: real money.
    #[must_use]
    pub fn is_live(&self) -> bool {
        self.live
    }

    /// `"live"` or `"test"`, used to keep rate-limit buckets and logs apart.
    #[must_use]
    pub fn mode_label(&self) -> &'static str {
        if self.live { "live" } else { "test" }
    }

    /// The redacted form shown to people: `sk_test_…4242`.
    #[must_use]
    pub fn redacted(&self) -> String {
        let prefix_len = self.secret.find('_').map_or(0, |first| {
            self.secret[first + 1..]
                .find('_')
                .map_or(first + 1, |second| first + second + 2)
        });
        let tail_start = self.secret.len().saturating_sub(4).max(prefix_len);
        format!(
            "{}…{}",
            &self.secret[..prefix_len],
            &self.secret[tail_start..]
        )
    }

    /// The full key, for the `Authorization` header only. Never log or format it.
    #[must_use]
    pub fn expose_secret(&self) -> &str {
        &self.secret
    }
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ApiKey({})", self.redacted())
    }
}

impl fmt::Display for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.redacted())
    }
}

/// Replaces anything in `text` that looks like a Stripe secret or restricted key with its
/// redacted form. Used on every error message that echoes server or library text.
#[must_use]
pub fn scrub_secrets(text: &str) -> String {
    const PREFIXES: [&str; 4] = ["sk_test_", "sk_live_", "rk_test_", "rk_live_"];
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    loop {
        let next = PREFIXES
            .iter()
            .filter_map(|p| rest.find(p).map(|at| (at, p.len())))
            .min_by_key(|(at, _)| *at);
        let Some((at, plen)) = next else {
            out.push_str(rest);
            return out;
        };
        out.push_str(&rest[..at]);
        let tail = &rest[at + plen..];
        let body_len = tail
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(tail.len());
        let body = &tail[..body_len];
        out.push_str(&rest[at..at + plen]);
        out.push('…');
        if body.len() > 4 {
            out.push_str(&body[body.len() - 4..]);
        }
        rest = &tail[body_len..];
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "sk_test_51Hc9wLAbCdEfGhIjKlMnOpQrStUvWxYz4242";

    #[test]
    fn redacts_to_prefix_and_last_four() {
        let key = ApiKey::new(SECRET).unwrap();
        assert_eq!(key.redacted(), "sk_test_…4242");
        assert_eq!(format!("{key}"), "sk_test_…4242");
        assert_eq!(format!("{key:?}"), "ApiKey(sk_test_…4242)");
        assert!(!format!("{key:?}{key}{key:#?}").contains("AbCdEf"));
    }

    #[test]
    fn tells_kind_and_mode_from_prefix() {
        let rk = ApiKey::new(concat!("rk_live", "_abcdefghijklmn")).unwrap();
        assert_eq!(rk.kind(), KeyKind::Restricted);
        assert!(rk.is_live());
        assert_eq!(rk.redacted(), "rk_live_…klmn");
        let sk = ApiKey::new(SECRET).unwrap();
        assert_eq!(sk.kind(), KeyKind::Secret);
        assert!(!sk.is_live());
    }

    #[test]
    fn refuses_publishable_and_malformed_keys_without_echoing_them() {
        for bad in [
            "pk_test_abcdefghijkl",
            "hello_world_123456",
            "sk_test_ab",
            "sk_test_abc defghijk",
        ] {
            let err = ApiKey::new(bad).unwrap_err();
            assert!(!err.contains(bad), "{err}");
        }
        assert!(ApiKey::new("").is_err());
    }

    #[test]
    fn scrubs_keys_inside_free_text() {
        let text = format!("Invalid API Key provided: {SECRET}, also rk_live\x5fzzzzzzzz9999.");
        let clean = scrub_secrets(&text);
        assert_eq!(
            clean,
            "Invalid API Key provided: sk_test_…4242, also rk_live_…9999."
        );
        assert_eq!(scrub_secrets("nothing here"), "nothing here");
    }
}
