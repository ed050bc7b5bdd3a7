//! Signing and verifying hook requests exactly as Stripe does:
//! `Stripe-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "{t}.{raw body}">`.
//!
//! The MAC covers the raw body bytes as sent, never re-serialised JSON, keyed with the
//! endpoint secret (`whsec_…`) taken as plain bytes.

use hmac::{Hmac, Mac};
use sha2::Sha256;

/// Name of the HTTP header that carries the signature.
pub const SIGNATURE_HEADER: &str = "Stripe-Signature";

/// Stripe's default tolerance between the signed timestamp and now, in seconds.
pub const DEFAULT_TOLERANCE_SECS: i64 = 300;

type HmacSha256 = Hmac<Sha256>;

fn mac(secret: &str, timestamp: i64, body: &[u8]) -> HmacSha256 {
    // HMAC accepts keys of any length, so this cannot fail.
    let mut mac = HmacSha256::new_from_slice(secret.as_bytes())
        .unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"));
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    mac
}

/// The lower-case hex `v1` signature of `body` signed at `timestamp` with `secret`.
#[must_use]
pub fn compute_signature(secret: &str, timestamp: i64, body: &[u8]) -> String {
    hex::encode(mac(secret, timestamp, body).finalize().into_bytes())
}

/// The full `Stripe-Signature` header value: `t=<timestamp>,v1=<signature>`.
#[must_use]
pub fn signature_header(secret: &str, timestamp: i64, body: &[u8]) -> String {
    format!(
        "t={timestamp},v1={}",
        compute_signature(secret, timestamp, body)
    )
}

/// Why a signature header was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VerifyError {
    /// The request carried no `Stripe-Signature` header.
    #[error("The request has no Stripe-Signature header.")]
    Missing,
    /// The header has no `t=` timestamp, or it is not a number.
    #[error("The Stripe-Signature header has no valid t= timestamp.")]
    NoTimestamp,
    /// The header has no `v1=` signature.
    #[error("The Stripe-Signature header has no v1= signature.")]
    NoSignature,
    /// No `v1` signature matches the body and secret.
    #[error("No v1 signature matches the body: the secret is wrong or the body was changed.")]
    Mismatch,
    /// The timestamp is further from now than the tolerance.
    #[error(
        "The signature timestamp is {age} s away from now, more than the {tolerance} s allowed."
    )]
    TooOld {
        /// Seconds between the signed timestamp and now.
        age: i64,
        /// The tolerance that was exceeded.
        tolerance: i64,
    },
}

/// Verifies a `Stripe-Signature` header against the raw `body`, as Stripe's SDKs do:
/// any `v1` value may match (several appear while a secret is rolled), `v0` is ignored,
/// the comparison is constant-time, and a timestamp more than `tolerance_secs` before
/// `now` is refused (`tolerance_secs <= 0` skips the age check).
pub fn verify_header(
    header: Option<&str>,
    body: &[u8],
    secret: &str,
    now: i64,
    tolerance_secs: i64,
) -> Result<(), VerifyError> {
    let header = header.ok_or(VerifyError::Missing)?;
    let mut timestamp = None;
    let mut signatures = Vec::new();
    for part in header.split(',') {
        let Some((key, value)) = part.trim().split_once('=') else {
            continue;
        };
        match key {
            "t" => timestamp = value.parse::<i64>().ok(),
            "v1" => signatures.push(value),
            _ => {}
        }
    }
    let timestamp = timestamp.ok_or(VerifyError::NoTimestamp)?;
    if signatures.is_empty() {
        return Err(VerifyError::NoSignature);
    }
    let matched = signatures.iter().any(|candidate| {
        hex::decode(candidate)
            .is_ok_and(|bytes| mac(secret, timestamp, body).verify_slice(&bytes).is_ok())
    });
    if !matched {
        return Err(VerifyError::Mismatch);
    }
    let age = now - timestamp;
    if tolerance_secs > 0 && age > tolerance_secs {
        return Err(VerifyError::TooOld {
            age,
            tolerance: tolerance_secs,
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    // Computed independently with Python:
    // hmac.new(b"whsec_test_secret", b"1700000000." + body, hashlib.sha256).hexdigest()
    const SECRET: &str = "whsec_test_secret";
    const TIMESTAMP: i64 = 1_700_000_000;
    const BODY: &[u8] = br#"{"id":"evt_test","type":"v1.delegated_checkout.finalize_checkout"}"#;
    const EXPECTED: &str = "0b57eac576786a0cd811d86c8c9d22ebd67f9aa65f5a009d7b39e0115cc4b572";

    #[test]
    fn signature_matches_python_hmac_vector() {
        assert_eq!(compute_signature(SECRET, TIMESTAMP, BODY), EXPECTED);
        assert_eq!(
            signature_header(SECRET, TIMESTAMP, BODY),
            format!("t={TIMESTAMP},v1={EXPECTED}")
        );
    }

    #[test]
    fn verify_accepts_own_signature_and_rolled_secrets() {
        let header = signature_header(SECRET, TIMESTAMP, BODY);
        assert_eq!(
            verify_header(Some(&header), BODY, SECRET, TIMESTAMP + 10, 300),
            Ok(())
        );
        let rolled = format!("t={TIMESTAMP},v1=00ff,v0=abcd,v1={EXPECTED}");
        assert_eq!(
            verify_header(Some(&rolled), BODY, SECRET, TIMESTAMP, 300),
            Ok(())
        );
    }

    #[test]
    fn verify_refuses_wrong_secret_changed_body_and_old_timestamps() {
        let header = signature_header(SECRET, TIMESTAMP, BODY);
        assert_eq!(
            verify_header(Some(&header), BODY, "whsec_other", TIMESTAMP, 300),
            Err(VerifyError::Mismatch)
        );
        assert_eq!(
            verify_header(Some(&header), b"{}", SECRET, TIMESTAMP, 300),
            Err(VerifyError::Mismatch)
        );
        assert_eq!(
            verify_header(Some(&header), BODY, SECRET, TIMESTAMP + 301, 300),
            Err(VerifyError::TooOld {
                age: 301,
                tolerance: 300
            })
        );
        assert_eq!(
            verify_header(None, BODY, SECRET, TIMESTAMP, 300),
            Err(VerifyError::Missing)
        );
        assert_eq!(
            verify_header(Some("v1=abcd"), BODY, SECRET, TIMESTAMP, 300),
            Err(VerifyError::NoTimestamp)
        );
        assert_eq!(
            verify_header(Some("t=1700000000"), BODY, SECRET, TIMESTAMP, 300),
            Err(VerifyError::NoSignature)
        );
    }
}
