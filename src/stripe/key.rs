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

/// Key prefixes scrubbed wherever they appear, even glued to other text (`Bearer%20sk_test_…`).
const SECRET_PREFIXES: [&str; 5] = ["sk_test_", "sk_live_", "rk_test_", "rk_live_", "whsec_"];
/// Prefixes of secret and restricted keys of any other mode, scrubbed when no letter comes
/// right before them and a key-length tail follows (so `disk_usage_stats` stays as it is).
const OTHER_KEY_PREFIXES: [&str; 2] = ["sk_", "rk_"];
/// Shortest tail after an [`OTHER_KEY_PREFIXES`] prefix that counts as a key.
const OTHER_KEY_MIN_TAIL: usize = 8;
/// Shortest tail whose last four characters may be shown (at least eight stay hidden).
const SHOW_LAST_FOUR_FROM: usize = 12;

/// Replaces anything in `text` that looks like a Stripe secret key, restricted key or webhook
/// signing secret (`sk_…`, `rk_…`, `whsec_…`, test, live or any other mode) with its redacted
/// form: the prefix and at most the last four characters (`sk_test_…4242`). A key runs to the
/// next space, quote, bracket or separator (`, ; & |`), whatever characters it holds, so an
/// odd-shaped key (`sk_test_ab-cd.ef+gh`) goes whole. Text already redacted is kept as it is.
/// Publishable keys (`pk_…`) are left: they are meant to be public (they sit in every checkout
/// page) and the console refuses them by name. Used on every error message that echoes
/// server or library text, and on everything the command line prints as an error.
#[must_use]
pub fn scrub_secrets(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    let mut at = 0;
    while at < text.len() {
        let Some(prefix_len) = key_prefix_at(text, at) else {
            at += text[at..].chars().next().map_or(1, char::len_utf8);
            continue;
        };
        let tail_start = at + prefix_len;
        if text[tail_start..].starts_with('…') {
            // Already redacted (`sk_test_…4242`): keep it.
            at = tail_start + '…'.len_utf8();
            continue;
        }
        let tail_end = tail_start + key_tail_len(&text[tail_start..]);
        let tail = &text[tail_start..tail_end];
        out.push_str(&text[copied..tail_start]);
        out.push('…');
        let chars = tail.chars().count();
        if chars >= SHOW_LAST_FOUR_FROM {
            out.extend(tail.chars().skip(chars - 4));
        }
        copied = tail_end;
        at = tail_end;
    }
    out.push_str(&text[copied..]);
    out
}

/// The length of the key prefix starting at byte `at` of `text`, when a key starts there.
fn key_prefix_at(text: &str, at: usize) -> Option<usize> {
    let rest = &text[at..];
    if let Some(p) = SECRET_PREFIXES.iter().find(|p| rest.starts_with(**p)) {
        return (key_tail_len(&rest[p.len()..]) > 0 || rest[p.len()..].starts_with('…'))
            .then_some(p.len());
    }
    let word_start = text[..at]
        .chars()
        .next_back()
        // A digit may precede it: `%20sk_…` in a URL-encoded header.
        .is_none_or(|c| !c.is_alphabetic() && c != '_');
    if !word_start {
        return None;
    }
    OTHER_KEY_PREFIXES
        .iter()
        .find(|p| rest.starts_with(**p))
        .filter(|p| {
            let tail = &rest[p.len()..];
            tail.starts_with('…')
                || tail[..key_tail_len(tail)].chars().count() >= OTHER_KEY_MIN_TAIL
        })
        .map(|p| p.len())
}

/// How many bytes of `tail` belong to the key: everything up to whitespace, a control
/// character, a quote, a bracket or a separator, less the sentence punctuation that ends it.
fn key_tail_len(tail: &str) -> usize {
    let end = tail
        .find(|c: char| {
            c.is_whitespace()
                || c.is_control()
                || matches!(
                    c,
                    '"' | '\''
                        | '`'
                        | '<'
                        | '>'
                        | '('
                        | ')'
                        | '['
                        | ']'
                        | '{'
                        | '}'
                        | ','
                        | ';'
                        | '&'
                        | '|'
                        | '\\'
                        | '…'
                )
        })
        .unwrap_or(tail.len());
    tail[..end].trim_end_matches(['.', ':', '!', '?']).len()
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

    /// The key parts that must never be printed, for the canary tests.
    fn leaks<'a>(text: &str, secrets: &[&'a str]) -> Vec<&'a str> {
        secrets
            .iter()
            .copied()
            .filter(|s| text.contains(s))
            .collect()
    }

    #[test]
    fn scrubs_odd_shaped_keys_whole() {
        let cases = [
            // Characters outside [A-Za-z0-9_] inside the key.
            ("sk_test_ab-CANARY1.cd+ef/gh=ij%2Bkl9876", "CANARY1"),
            ("sk_live_x~CANARY2!y@z#w$v9876", "CANARY2"),
            ("rk_test_CANARY3\u{e9}\u{e8}tail9876", "CANARY3"),
            // Webhook signing secrets are base64: + / =.
            ("whsec_CANARY4+abc/def==", "CANARY4"),
            // Another mode than test and live.
            ("sk_org_CANARY5abcdefgh9876", "CANARY5"),
        ];
        for (key, canary) in cases {
            for text in [
                format!("Invalid API Key provided: {key}"),
                format!("{{\"message\":\"bad key {key}\"}}"),
                format!("https://api.example.com/v1/x?key={key}&y=1"),
                format!("Authorization: Bearer%20{key}"),
                format!("({key})"),
                format!("'{key}'."),
                key.to_owned(),
            ] {
                let clean = scrub_secrets(&text);
                assert!(leaks(&clean, &[canary]).is_empty(), "{text} -> {clean}");
            }
        }
        assert_eq!(
            scrub_secrets("https://x/?key=sk_test_ab-cd.ef+gh1234abcd&y=1"),
            "https://x/?key=sk_test_…abcd&y=1"
        );
        // Short tails show nothing of the key.
        assert_eq!(scrub_secrets("key sk_test_a-b.c."), "key sk_test_….");
        assert_eq!(scrub_secrets("(whsec_short)"), "(whsec_…)");
    }

    #[test]
    fn leaves_redacted_keys_prose_and_publishable_keys_alone() {
        for text in [
            "The key sk_test_…4242 was refused.",
            "A key starts with sk_test_, sk_live_, rk_test_ or rk_live_.",
            "disk_usage_is_high and task_manager_running_now",
            "pk_test_51HpublishableKeyIsPublic",
            "sk_ alone, rk_short",
        ] {
            assert_eq!(scrub_secrets(text), text);
        }
        let once = scrub_secrets(&format!("{SECRET} and sk_org_abcdefghijkl"));
        assert_eq!(once, "sk_test_…4242 and sk_…ijkl");
        assert_eq!(scrub_secrets(&once), once);
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
