//! Stripe-shaped error responses: `{"error": {type, code, param, message, doc_url, …}}`.

use axum::http::StatusCode;
use serde_json::{Map, Value, json};

/// An error the sandbox answers with, shaped like Stripe's v1 error body.
#[derive(Debug, Clone)]
pub(crate) struct ApiError {
    /// HTTP status.
    pub status: StatusCode,
    /// `error.type` (`invalid_request_error`, `api_error`, `idempotency_error`, …).
    pub kind: &'static str,
    /// `error.code`, when there is one.
    pub code: Option<&'static str>,
    /// `error.param`, when one parameter is at fault.
    pub param: Option<String>,
    /// Human-readable `error.message`.
    pub message: String,
    /// An object embedded in the error (`payment_intent`, `charge`), like Stripe does.
    pub object: Option<(&'static str, Value)>,
    /// Whether an idempotent request that ends in this error stores it for replay.
    /// Validation failures store nothing (Stripe: "safe to retry"); state errors are stored.
    pub replayable: bool,
}

impl ApiError {
    /// 400 `invalid_request_error` from parameter validation (not stored for replay).
    pub fn invalid(message: impl Into<String>) -> Self {
        ApiError {
            status: StatusCode::BAD_REQUEST,
            kind: "invalid_request_error",
            code: None,
            param: None,
            message: message.into(),
            object: None,
            replayable: false,
        }
    }

    /// 400 for one bad parameter.
    pub fn param(param: impl Into<String>, message: impl Into<String>) -> Self {
        ApiError::invalid(message).with_param(param)
    }

    /// 400 `parameter_missing`.
    pub fn missing(param: &str) -> Self {
        ApiError::param(param, format!("Missing required param: {param}."))
            .with_code("parameter_missing")
    }

    /// 400 `parameter_unknown`.
    pub fn unknown_param(param: &str) -> Self {
        ApiError::param(param, format!("Received unknown parameter: {param}"))
            .with_code("parameter_unknown")
    }

    /// 404 `resource_missing` (`No such payment_intent: 'pi_…'`).
    pub fn no_such(object: &str, id: &str, param: &str) -> Self {
        ApiError {
            status: StatusCode::NOT_FOUND,
            code: Some("resource_missing"),
            ..ApiError::param(param, format!("No such {object}: '{id}'"))
        }
    }

    /// A 400 caused by the state of an object (stored for idempotent replay, like Stripe).
    pub fn state(code: &'static str, message: impl Into<String>) -> Self {
        ApiError {
            code: Some(code),
            replayable: true,
            ..ApiError::invalid(message)
        }
    }

    /// 401 `invalid_request_error` (missing or malformed key).
    pub fn unauthorized(message: impl Into<String>) -> Self {
        ApiError {
            status: StatusCode::UNAUTHORIZED,
            ..ApiError::invalid(message)
        }
    }

    /// Sets `code`.
    #[must_use]
    pub fn with_code(mut self, code: &'static str) -> Self {
        self.code = Some(code);
        self
    }

    /// Sets `param`.
    #[must_use]
    pub fn with_param(mut self, param: impl Into<String>) -> Self {
        self.param = Some(param.into());
        self
    }

    /// Sets the HTTP status.
    #[must_use]
    pub fn with_status(mut self, status: StatusCode) -> Self {
        self.status = status;
        self
    }

    /// Embeds an object (`payment_intent`, `charge`) in the error body.
    #[must_use]
    pub fn with_object(mut self, name: &'static str, object: Value) -> Self {
        self.object = Some((name, object));
        self
    }

    /// The JSON body.
    pub fn body(&self) -> Value {
        let mut error = Map::new();
        error.insert("type".into(), json!(self.kind));
        if let Some(code) = self.code {
            error.insert("code".into(), json!(code));
            error.insert(
                "doc_url".into(),
                json!(format!(
                    "https://stripe.com/docs/error-codes/{}",
                    code.replace('_', "-")
                )),
            );
        }
        if let Some(param) = &self.param {
            error.insert("param".into(), json!(param));
        }
        error.insert("message".into(), json!(self.message));
        if let Some((name, object)) = &self.object {
            error.insert((*name).into(), object.clone());
        }
        json!({ "error": error })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_body_carries_code_param_and_doc_url() {
        let body = ApiError::missing("amount").body();
        assert_eq!(body["error"]["type"], "invalid_request_error");
        assert_eq!(body["error"]["param"], "amount");
        assert_eq!(body["error"]["code"], "parameter_missing");
        assert_eq!(
            body["error"]["doc_url"],
            "https://stripe.com/docs/error-codes/parameter-missing"
        );
    }
}
