//! API keys as Stripe reads them: `Authorization: Basic base64("key:")` or `Bearer key`.

use axum::http::HeaderMap;
use axum::http::header::AUTHORIZATION;

use super::errors::ApiError;

/// What the sandbox knows about the key of a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ApiKey {
    /// `sk_live_` / `rk_live_`: live data, `livemode: true`.
    pub live: bool,
}

const NO_KEY: &str = "You did not provide an API key. You need to provide your API key in the \
Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY'). See \
https://stripe.com/docs/api#authentication for details, or we can help at https://support.stripe.com/.";

/// Reads and checks the key; any well-formed secret or restricted key is accepted.
pub(crate) fn authenticate(headers: &HeaderMap) -> Result<ApiKey, ApiError> {
    let Some(raw) = headers.get(AUTHORIZATION) else {
        return Err(ApiError::unauthorized(NO_KEY));
    };
    let raw = raw
        .to_str()
        .map_err(|_| ApiError::unauthorized("Invalid Authorization header: it is not ASCII."))?
        .trim();
    let key = if let Some(token) = strip_prefix_ci(raw, "bearer ") {
        token.trim().to_string()
    } else if let Some(encoded) = strip_prefix_ci(raw, "basic ") {
        let decoded = decode_base64(encoded.trim()).ok_or_else(|| {
            ApiError::unauthorized(
                "Invalid Basic authorization header: it is not base64. Send base64(\"KEY:\").",
            )
        })?;
        let text = String::from_utf8(decoded)
            .map_err(|_| ApiError::unauthorized("Invalid Basic authorization header."))?;
        text.split(':').next().unwrap_or_default().to_string()
    } else {
        return Err(ApiError::unauthorized(format!(
            "Invalid Authorization header. {NO_KEY}"
        )));
    };
    if key.is_empty() {
        return Err(ApiError::unauthorized(NO_KEY));
    }
    if key.starts_with("pk_") {
        return Err(ApiError::unauthorized(
            "This API call cannot be made with a publishable API key. Please use a secret API \
             key. You can find a list of your API keys at https://dashboard.stripe.com/account/apikeys.",
        ));
    }
    let live = if ["sk_test_", "rk_test_"].iter().any(|p| key.starts_with(p)) {
        false
    } else if ["sk_live_", "rk_live_"].iter().any(|p| key.starts_with(p)) {
        true
    } else {
        return Err(invalid_key(&key));
    };
    let secret = &key[8..];
    if secret.is_empty() || !secret.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Err(invalid_key(&key));
    }
    Ok(ApiKey { live })
}

fn invalid_key(key: &str) -> ApiError {
    ApiError::unauthorized(format!("Invalid API Key provided: {}", mask(key)))
}

/// `sk_test_********4242`: the prefix and the last four characters only.
pub(crate) fn mask(key: &str) -> String {
    let chars: Vec<char> = key.chars().collect();
    if chars.len() <= 12 {
        return "*".repeat(chars.len());
    }
    let head: String = chars[..8].iter().collect();
    let tail: String = chars[chars.len() - 4..].iter().collect();
    format!("{head}{}{tail}", "*".repeat(chars.len() - 12))
}

fn strip_prefix_ci<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    (s.len() >= prefix.len() && s[..prefix.len()].eq_ignore_ascii_case(prefix))
        .then(|| &s[prefix.len()..])
}

/// Standard base64 (with or without padding).
fn decode_base64(input: &str) -> Option<Vec<u8>> {
    fn value(c: u8) -> Option<u32> {
        match c {
            b'A'..=b'Z' => Some(u32::from(c - b'A')),
            b'a'..=b'z' => Some(u32::from(c - b'a') + 26),
            b'0'..=b'9' => Some(u32::from(c - b'0') + 52),
            b'+' | b'-' => Some(62),
            b'/' | b'_' => Some(63),
            _ => None,
        }
    }
    let bytes = input.trim_end_matches('=').as_bytes();
    if bytes.len() % 4 == 1 {
        return None;
    }
    let mut out = Vec::with_capacity(bytes.len() * 3 / 4);
    for chunk in bytes.chunks(4) {
        let mut acc = 0u32;
        for (i, &c) in chunk.iter().enumerate() {
            acc |= value(c)? << (18 - 6 * i);
        }
        let produced = chunk.len() - 1;
        for i in 0..produced {
            out.push((acc >> (16 - 8 * i)) as u8);
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(value: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(AUTHORIZATION, HeaderValue::from_str(value).unwrap());
        h
    }

    #[test]
    fn basic_and_bearer_both_work() {
        // base64("sk_test_abc123:")
        assert_eq!(
            authenticate(&headers("Basic c2tfdGVzdF9hYmMxMjM6")).unwrap(),
            ApiKey { live: false }
        );
        assert!(authenticate(&headers("Bearer sk_live_XYZ")).unwrap().live);
        assert!(authenticate(&headers("Bearer rk_test_XYZ")).is_ok());
    }

    #[test]
    fn bad_keys_are_401_and_masked() {
        assert_eq!(authenticate(&HeaderMap::new()).unwrap_err().status, 401);
        let err = authenticate(&headers("Bearer sk_prod_abcdefgh12345678")).unwrap_err();
        assert!(err.message.ends_with("5678") && !err.message.contains("abcdefgh"));
        assert!(authenticate(&headers("Bearer pk_test_abc")).is_err());
    }
}
