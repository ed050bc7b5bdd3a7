//! Typed errors from the Stripe client, and the plain sentences shown to people.

use std::fmt;
use std::path::PathBuf;

use serde::Deserialize;

use super::key::scrub_secrets;

/// An error answer from Stripe: the parsed `{"error": {…}}` body plus the HTTP facts.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ApiError {
    /// HTTP status code.
    pub status: u16,
    /// `error.type`: `invalid_request_error`, `api_error`, `card_error`, `idempotency_error`,
    /// or (v2) `rate_limit`, … kept as sent.
    pub error_type: Option<String>,
    /// `error.code`, e.g. `charge_already_refunded`, `resource_missing`.
    pub code: Option<String>,
    /// `error.decline_code` on card errors.
    pub decline_code: Option<String>,
    /// `error.param`: the parameter at fault.
    pub param: Option<String>,
    /// `error.message` as Stripe wrote it (secrets scrubbed).
    pub message: Option<String>,
    /// `error.doc_url`.
    pub doc_url: Option<String>,
    /// The `Request-Id` response header (`req_…`).
    pub request_id: Option<String>,
    /// The `Stripe-Should-Retry` response header, when present.
    pub should_retry: Option<bool>,
    /// The `Stripe-Rate-Limited-Reason` header on some 429s (logged, never branched on).
    pub rate_limited_reason: Option<String>,
    /// The call that failed, `POST /v1/refunds`, set by the client; the wording of some
    /// errors depends on it (an `amount` error means an over-refund only on a refund).
    pub action: Option<String>,
}

#[derive(Deserialize)]
struct ErrorEnvelope {
    error: ErrorBody,
}

#[derive(Deserialize)]
struct ErrorBody {
    #[serde(rename = "type")]
    error_type: Option<String>,
    code: Option<String>,
    decline_code: Option<String>,
    param: Option<String>,
    message: Option<String>,
    doc_url: Option<String>,
}

impl ApiError {
    /// Builds the error from an HTTP answer. A body that is not Stripe's error shape (a
    /// proxy's HTML page, say) still gives an error carrying the status and request id.
    #[must_use]
    pub fn from_response(
        status: u16,
        request_id: Option<String>,
        should_retry: Option<bool>,
        rate_limited_reason: Option<String>,
        body: &[u8],
    ) -> ApiError {
        // Every text from the answer is scrubbed: a server (or a proxy) that echoes the key
        // back in any field must not get it printed.
        let scrub = |t: Option<String>| t.map(|t| scrub_secrets(&t));
        let mut err = ApiError {
            status,
            request_id: scrub(request_id),
            should_retry,
            rate_limited_reason: scrub(rate_limited_reason),
            ..ApiError::default()
        };
        if let Ok(env) = serde_json::from_slice::<ErrorEnvelope>(body) {
            err.error_type = scrub(env.error.error_type);
            err.code = scrub(env.error.code);
            err.decline_code = scrub(env.error.decline_code);
            err.param = scrub(env.error.param);
            err.message = scrub(env.error.message);
            err.doc_url = scrub(env.error.doc_url);
        }
        err
    }

    fn code_is(&self, code: &str) -> bool {
        self.code.as_deref() == Some(code)
    }

    fn type_is(&self, t: &str) -> bool {
        self.error_type.as_deref() == Some(t)
    }

    /// True when the charge has already been refunded in full.
    #[must_use]
    pub fn is_already_refunded(&self) -> bool {
        self.code_is("charge_already_refunded")
    }

    /// True when a refund asked for more than is left on the charge. Stripe's `code` for this
    /// varies, so this keys on 400 + `invalid_request_error` + `param=amount` as the
    /// reference advises, and only on the refund call (`POST /v1/refunds`).
    #[must_use]
    pub fn is_over_refund(&self) -> bool {
        self.action.as_deref() == Some("POST /v1/refunds") && self.is_amount_too_large("amount")
    }

    /// True when a capture asked for more than the authorization holds
    /// (`POST /v1/payment_intents/{id}/capture` with `param=amount_to_capture`).
    #[must_use]
    pub fn is_over_capture(&self) -> bool {
        let capture = self
            .action
            .as_deref()
            .is_some_and(|a| a.starts_with("POST /v1/payment_intents/") && a.ends_with("/capture"));
        capture && self.is_amount_too_large("amount_to_capture")
    }

    fn is_amount_too_large(&self, param: &str) -> bool {
        self.code_is("amount_too_large")
            || (self.status == 400
                && self.type_is("invalid_request_error")
                && self.param.as_deref() == Some(param)
                && !self.code_is("amount_too_small"))
    }

    /// True for a reused idempotency key with different parameters.
    #[must_use]
    pub fn is_idempotency_error(&self) -> bool {
        self.type_is("idempotency_error")
    }

    /// A plain sentence (or two) for people: what happened and what to do next, ending with
    /// the request id when Stripe gave one. Never contains the API key.
    #[must_use]
    pub fn user_message(&self) -> String {
        let said = self
            .message
            .as_deref()
            .map(|m| format!(" Stripe said: \"{}\"", m.trim_end_matches('.')))
            .unwrap_or_default();
        let said = if said.is_empty() {
            said
        } else {
            format!("{said}.")
        };
        let text = if self.is_already_refunded() {
            "This payment has already been refunded in full, so nothing is left to refund. \
             Check the order's refunds before trying again."
                .to_owned()
        } else if self.is_over_refund() {
            format!(
                "The refund is larger than what is left to refund on this payment. Refund at \
                 most the remaining amount shown on the order.{said}"
            )
        } else if self.is_over_capture() {
            format!(
                "The capture is larger than the authorization holds. Capture at most the \
                 capturable amount shown on the order.{said}"
            )
        } else if self.code_is("charge_disputed") || self.code_is("refund_disputed_payment") {
            "This payment is disputed, so it cannot be refunded. Answer the dispute instead \
             (the Disputes view, or `seller-console disputes`); a refund would not end it."
                .to_owned()
        } else if self.code_is("amount_too_small") {
            format!(
                "The amount is below Stripe's minimum for this currency. Use a larger amount.{said}"
            )
        } else if self.code_is("charge_expired_for_capture")
            || self.code_is("capture_charge_authorization_expired")
        {
            "The authorization expired before it was captured, so the money can no longer be \
             collected. Ask the buyer to order again."
                .to_owned()
        } else if self.code_is("charge_already_captured") {
            "This payment was already captured; there is nothing left to capture.".to_owned()
        } else if self.code_is("payment_intent_unexpected_state") {
            format!(
                "The payment is not in a state that allows this. Reload the order to see its \
                 current state.{said}"
            )
        } else if self.is_idempotency_error() {
            format!(
                "This retry carried the idempotency key of an earlier request with different \
                 details, so Stripe refused it to avoid doing the work twice. Start a new \
                 request instead of retrying the old one.{said}"
            )
        } else if self.code_is("account_invalid") {
            format!(
                "This account is not one of your platform's connected accounts (or it does not \
                 exist, or its access was revoked). Pick the account again from the list of \
                 connected accounts (`seller-console accounts list`), or use the platform itself.{said}"
            )
        } else if self.status == 401 {
            "Stripe did not accept the API key: it may be mistyped, rolled or deleted. Check \
             the key in Developers › API keys and save it again."
                .to_owned()
        } else if self.status == 403 {
            format!(
                "The restricted key is missing a permission this action needs. Add the \
                 permission to the key in Developers › API keys, or use a key that has it.{said}"
            )
        } else if self.status == 404 || self.code_is("resource_missing") {
            format!(
                "Stripe found no such object. Check the id, and that you are using the right \
                 account and mode (test or live).{said}"
            )
        } else if self.status == 409 {
            format!(
                "Another request on the same object was still running. Wait a moment and try \
                 again; it is safe.{said}"
            )
        } else if self.status == 429 {
            "Stripe is rate limiting this account right now. Wait a few seconds and try again."
                .to_owned()
        } else if self.status == 402 || self.type_is("card_error") {
            format!("The card was declined.{said}")
        } else if self.status >= 500 {
            "Stripe had an internal problem with this request. Try again in a minute; if it \
             keeps failing, check status.stripe.com."
                .to_owned()
        } else if said.is_empty() {
            format!(
                "Stripe refused the request (HTTP {}). Check the values and try again.",
                self.status
            )
        } else {
            format!("Stripe refused the request.{said}")
        };
        let text = scrub_secrets(&text);
        match &self.request_id {
            Some(id) => format!("{text} (Stripe request id {id})"),
            None => text,
        }
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.user_message())
    }
}

impl std::error::Error for ApiError {}

/// Every way a client call can fail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Error {
    /// Stripe answered with an error (boxed: it carries many fields).
    Api(Box<ApiError>),
    /// Stripe could not be reached, or the connection broke (after all retries).
    Network {
        /// What the client was doing, e.g. `POST /v1/refunds`.
        action: String,
        /// The host it was talking to.
        host: String,
        /// True when the call timed out rather than failed to connect.
        timed_out: bool,
        /// The transport's own description (secrets scrubbed).
        detail: String,
    },
    /// Stripe answered 2xx but the body could not be read as the expected object.
    Decode {
        /// What the client was doing.
        action: String,
        /// What went wrong while reading.
        detail: String,
        /// The `Request-Id` of the answer.
        request_id: Option<String>,
    },
    /// A local file could not be read or written.
    File {
        /// The file.
        path: PathBuf,
        /// The I/O error in words.
        detail: String,
    },
    /// A file is over the upload limit; nothing was sent.
    TooLarge {
        /// The file.
        path: PathBuf,
        /// Its size in bytes.
        size: u64,
        /// The limit in bytes.
        limit: u64,
    },
    /// The caller gave a value the client cannot send (bad amount, bad URL, bad key…).
    Invalid(String),
}

impl Error {
    /// The Stripe API error, when this is one.
    #[must_use]
    pub fn api(&self) -> Option<&ApiError> {
        match self {
            Error::Api(e) => Some(e),
            _ => None,
        }
    }

    /// True when a write may or may not have happened: the connection broke, Stripe failed on
    /// its side (5xx), or the same idempotency key was still in flight (409). Retrying with the
    /// same key is the only safe next step.
    #[must_use]
    pub fn outcome_unknown(&self) -> bool {
        match self {
            Error::Network { .. } => true,
            Error::Api(api) => api.status >= 500 || api.status == 409,
            _ => false,
        }
    }

    /// For a write whose outcome is unknown ([`Error::outcome_unknown`]): what went wrong, in
    /// words, without advice (only the caller knows whether sending again is safe). `None` when
    /// the outcome is known.
    #[must_use]
    pub fn unknown_outcome_cause(&self) -> Option<String> {
        let text = match self {
            Error::Network {
                host,
                timed_out: true,
                ..
            } => format!("Stripe ({host}) did not answer in time"),
            Error::Network { host, detail, .. } => {
                format!("the connection to Stripe at {host} failed: {detail}")
            }
            Error::Api(api) if api.status == 409 => {
                "Stripe was still working on an earlier send of it".to_owned()
            }
            Error::Api(api) if api.status >= 500 => {
                format!("Stripe had an internal problem, HTTP {}", api.status)
            }
            _ => return None,
        };
        let text = scrub_secrets(&text);
        Some(match self.request_id() {
            Some(id) => format!("{text}; Stripe request id {id}"),
            None => text,
        })
    }

    /// The Stripe request id, when there is one.
    #[must_use]
    pub fn request_id(&self) -> Option<&str> {
        match self {
            Error::Api(e) => e.request_id.as_deref(),
            Error::Decode { request_id, .. } => request_id.as_deref(),
            _ => None,
        }
    }

    /// The sentence to show: what happened and what to do next.
    #[must_use]
    pub fn user_message(&self) -> String {
        let text = match self {
            Error::Api(e) => return e.user_message(),
            Error::Network {
                action,
                host,
                timed_out: true,
                ..
            } => format!(
                "Stripe ({host}) did not answer in time ({action}). Check your connection and \
                 try again; a retry of the same action is safe and will not run it twice."
            ),
            Error::Network {
                action,
                host,
                detail,
                ..
            } => format!(
                "Could not reach Stripe at {host} ({action}: {detail}). Check your internet \
                 connection or proxy and try again; a retry of the same action is safe and \
                 will not run it twice."
            ),
            Error::Decode {
                action,
                detail,
                request_id,
            } => {
                let rid = request_id
                    .as_deref()
                    .map(|r| format!(" (Stripe request id {r})"))
                    .unwrap_or_default();
                format!(
                    "Stripe's answer to {action} could not be read ({detail}). The action may \
                     have succeeded: reload before retrying, and report this if it \
                     repeats.{rid}"
                )
            }
            Error::File { path, detail } => format!(
                "Could not use the file {}: {detail}. Check that it exists and that you may \
                 read (or write) it.",
                path.display()
            ),
            Error::TooLarge { path, size, limit } => format!(
                "{} is {:.1} MB, over Stripe's {:.0} MB upload limit, so nothing was sent. \
                 Split the catalog into smaller files.",
                path.display(),
                *size as f64 / 1_048_576.0,
                *limit as f64 / 1_048_576.0
            ),
            Error::Invalid(message) => message.clone(),
        };
        scrub_secrets(&text)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.user_message())
    }
}

impl std::error::Error for Error {}

impl From<ApiError> for Error {
    fn from(e: ApiError) -> Self {
        Error::Api(Box::new(e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn api(status: u16, body: &str) -> ApiError {
        ApiError::from_response(status, Some("req_123".into()), None, None, body.as_bytes())
    }

    #[test]
    fn an_amount_error_is_worded_for_the_call_that_failed() {
        let body = r#"{"error":{"type":"invalid_request_error","param":"amount","message":"Invalid integer: abc"}}"#;
        let mut e = api(400, body);
        e.action = Some("GET /v1/checkout/sessions".into());
        assert!(!e.is_over_refund());
        let msg = e.user_message();
        assert!(!msg.contains("refund"), "{msg}");
        assert!(msg.contains("Invalid integer"), "{msg}");

        let mut e = api(
            400,
            r#"{"error":{"type":"invalid_request_error","param":"amount_to_capture","message":"too much"}}"#,
        );
        e.action = Some("POST /v1/payment_intents/pi_1/capture".into());
        assert!(e.is_over_capture() && !e.is_over_refund());
        assert!(
            e.user_message().contains("capture is larger"),
            "{}",
            e.user_message()
        );
    }

    #[test]
    fn an_account_that_is_not_connected_is_not_called_a_missing_permission() {
        let e = api(
            403,
            r#"{"error":{"type":"invalid_request_error","code":"account_invalid","message":"The provided key does not have access to account 'acct_1X'"}}"#,
        );
        let msg = e.user_message();
        assert!(
            msg.contains("not one of your platform's connected accounts"),
            "{msg}"
        );
        assert!(!msg.contains("permission"), "{msg}");
    }

    #[test]
    fn over_refund_is_keyed_on_param_amount() {
        let mut e = api(
            400,
            r#"{"error":{"type":"invalid_request_error","param":"amount","message":"Refund amount ($30.00) is greater than unrefunded amount on charge ($20.00)"}}"#,
        );
        e.action = Some("POST /v1/refunds".into());
        assert!(e.is_over_refund());
        let msg = e.user_message();
        assert!(msg.contains("larger than what is left"), "{msg}");
        assert!(msg.ends_with("(Stripe request id req_123)"), "{msg}");
    }

    #[test]
    fn already_refunded_and_disputed_read_as_sentences() {
        let e = api(
            400,
            r#"{"error":{"type":"invalid_request_error","code":"charge_already_refunded","message":"Charge ch_1 has already been refunded."}}"#,
        );
        assert!(e.is_already_refunded());
        assert!(
            e.user_message()
                .starts_with("This payment has already been refunded")
        );
        let d = api(
            400,
            r#"{"error":{"type":"invalid_request_error","code":"charge_disputed"}}"#,
        );
        assert!(d.user_message().contains("disputed"));
    }

    #[test]
    fn permission_and_key_errors_explain_what_to_do() {
        let e = api(
            403,
            r#"{"error":{"type":"invalid_request_error","message":"The provided key 'rk_test_abcdefgh1234' does not have the required permissions"}}"#,
        );
        let msg = e.user_message();
        assert!(msg.contains("missing a permission"), "{msg}");
        assert!(!msg.contains("abcdefgh"), "{msg}");
        let k = api(
            401,
            r#"{"error":{"type":"invalid_request_error","message":"Invalid API Key provided: sk_test_secretsecret9999"}}"#,
        );
        assert!(k.user_message().contains("did not accept the API key"));
        assert!(!format!("{k:?}").contains("secretsecret"));
    }

    #[test]
    fn non_json_error_bodies_keep_status_and_request_id() {
        let e = api(502, "<html>Bad gateway</html>");
        assert_eq!(e.status, 502);
        assert!(e.user_message().contains("internal problem"));
        assert!(e.user_message().contains("req_123"));
    }

    #[test]
    fn unknown_outcomes_are_described_without_advice() {
        let e = Error::from(api(500, r#"{"error":{"type":"api_error"}}"#));
        let cause = e.unknown_outcome_cause().unwrap();
        assert_eq!(
            cause,
            "Stripe had an internal problem, HTTP 500; Stripe request id req_123"
        );
        let net = Error::Network {
            action: "POST /v1/refunds".into(),
            host: "api.stripe.com".into(),
            timed_out: true,
            detail: String::new(),
        };
        assert!(
            net.unknown_outcome_cause()
                .unwrap()
                .contains("did not answer")
        );
        let refused = Error::from(api(400, r#"{"error":{"type":"invalid_request_error"}}"#));
        assert_eq!(refused.unknown_outcome_cause(), None);
    }

    #[test]
    fn network_errors_say_the_retry_is_safe() {
        let e = Error::Network {
            action: "POST /v1/refunds".into(),
            host: "api.stripe.com".into(),
            timed_out: false,
            detail: "connection refused".into(),
        };
        let msg = e.user_message();
        assert!(msg.contains("Could not reach Stripe at api.stripe.com"));
        assert!(msg.contains("safe"));
    }
}
