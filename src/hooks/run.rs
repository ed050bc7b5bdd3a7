//! Sending one hook request the way Stripe would, and checking the answer.

use std::time::{Duration, Instant};

use serde::Serialize;
use serde_json::Value;

use super::HookTarget;
use super::checks::{self, Check, Decision, Limits, names};
use super::sign::{SIGNATURE_HEADER, signature_header};
use super::templates::{HookKind, HookRequest};

/// What [`run_hook`] does besides the first request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RunOptions {
    /// Time limits (Stripe's 4 s, a warning above 2 s).
    pub limits: Limits,
    /// Send the identical request again and compare the answers.
    pub check_idempotency: bool,
    /// Send the request signed with a wrong secret and expect 400.
    pub check_bad_signature: bool,
}

impl Default for RunOptions {
    fn default() -> Self {
        RunOptions {
            limits: Limits::default(),
            check_idempotency: true,
            check_bad_signature: true,
        }
    }
}

/// The result of one hook run: the answer as received and the checks on it.
#[derive(Debug, Clone, Serialize)]
pub struct HookRun {
    /// Which hook was called.
    pub kind: HookKind,
    /// Where the request went.
    pub url: String,
    /// The request `id`.
    pub request_id: Option<String>,
    /// The answer's HTTP status, when an answer came.
    pub status: Option<u16>,
    /// How long the first answer took, in milliseconds.
    pub elapsed_ms: u64,
    /// The first answer's body as received (empty when none came).
    pub response_body: String,
    /// For order approval, what the seller decided.
    pub decision: Option<Decision>,
    /// All checks, in the order they ran.
    pub checks: Vec<Check>,
}

impl HookRun {
    /// The worst outcome of the checks.
    #[must_use]
    pub fn outcome(&self) -> checks::Outcome {
        checks::worst(&self.checks)
    }

    /// The check called `name`, if it ran.
    #[must_use]
    pub fn check(&self, name: &str) -> Option<&Check> {
        self.checks.iter().find(|c| c.name == name)
    }
}

/// A wrong secret for the bad-signature probe: the real one with its tail changed.
pub(crate) fn wrong_secret(secret: &str) -> String {
    format!("{secret}_not_the_endpoint_secret")
}

/// A seller's answer to one signed POST.
pub(crate) struct Answer {
    pub(crate) status: u16,
    pub(crate) body: String,
    pub(crate) elapsed: Duration,
}

/// Why a signed POST got no answer.
pub(crate) enum SendError {
    TimedOut,
    Other(String),
}

pub(crate) fn http_client(limits: Limits) -> Result<reqwest::Client, String> {
    reqwest::Client::builder()
        .timeout(limits.deadline)
        .user_agent("Stripe/1.0 (+https://stripe.com/docs/webhooks) seller-console")
        .build()
        .map_err(|e| format!("Could not set up the HTTP client: {e}."))
}

/// POSTs `body` to `url` signed with `secret`, timing the answer.
pub(crate) async fn send(
    client: &reqwest::Client,
    url: &str,
    body: &str,
    secret: &str,
) -> Result<Answer, SendError> {
    let started = Instant::now();
    let header = signature_header(secret, chrono::Utc::now().timestamp(), body.as_bytes());
    let result = client
        .post(url)
        .header(
            reqwest::header::CONTENT_TYPE,
            "application/json; charset=utf-8",
        )
        .header(SIGNATURE_HEADER, header)
        .body(body.to_owned())
        .send()
        .await;
    let response = result.map_err(|e| describe_error(url, &e))?;
    let status = response.status().as_u16();
    let body = response.text().await.map_err(|e| describe_error(url, &e))?;
    Ok(Answer {
        status,
        body,
        elapsed: started.elapsed(),
    })
}

fn describe_error(url: &str, e: &reqwest::Error) -> SendError {
    if e.is_timeout() {
        return SendError::TimedOut;
    }
    let mut cause = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(inner) = source {
        cause = format!("{cause}: {inner}");
        source = inner.source();
    }
    if e.is_connect() {
        SendError::Other(format!(
            "Could not connect to {url} ({cause}). Is the seller's server running and the URL \
             right?"
        ))
    } else {
        SendError::Other(format!("The request to {url} failed ({cause})."))
    }
}

fn error_words(e: &SendError, limits: Limits) -> String {
    match e {
        SendError::TimedOut => format!(
            "no answer within {}.",
            checks::show_duration(limits.deadline)
        ),
        SendError::Other(s) => s.clone(),
    }
}

/// Sends `request` to `target` signed as Stripe signs it, then (per `options`) sends it
/// again to check idempotency and sends it with a bad signature, and checks everything.
pub async fn run_hook(target: &HookTarget, request: &HookRequest, options: RunOptions) -> HookRun {
    let limits = options.limits;
    let mut run = HookRun {
        kind: request.kind,
        url: target.url.clone(),
        request_id: request.event_id(),
        status: None,
        elapsed_ms: 0,
        response_body: String::new(),
        decision: None,
        checks: Vec::new(),
    };
    let client = match http_client(limits) {
        Ok(c) => c,
        Err(e) => {
            run.checks.push(Check::fail(names::STATUS, e));
            return run;
        }
    };
    let first = send(&client, &target.url, &request.body, &target.secret).await;
    let answer = match first {
        Ok(answer) => answer,
        Err(SendError::TimedOut) => {
            run.elapsed_ms = limits.deadline.as_millis() as u64;
            run.checks.push(Check::fail(
                names::STATUS,
                "No HTTP answer arrived before Stripe's deadline.",
            ));
            run.checks.push(checks::check_timed_out(limits));
            return run;
        }
        Err(SendError::Other(words)) => {
            run.checks.push(Check::fail(names::STATUS, words));
            return run;
        }
    };
    run.status = Some(answer.status);
    run.elapsed_ms = answer.elapsed.as_millis() as u64;
    run.checks.push(checks::check_status(answer.status));
    run.checks.push(checks::check_time(answer.elapsed, limits));
    let mut parsed = None;
    if answer.status == 200 {
        let (json_check, value) = checks::check_json(&answer.body);
        run.checks.push(json_check);
        if let Some(value) = value {
            let sent = request.json().unwrap_or(Value::Null);
            match request.kind {
                HookKind::Finalize => {
                    run.checks
                        .extend(checks::check_finalize_answer(&sent, &value));
                    run.decision = checks::read_decision(&value);
                }
                HookKind::Customize => {
                    run.checks
                        .extend(checks::check_customize_answer(&sent, &value));
                }
            }
            parsed = Some(value);
        }
    }
    run.response_body = answer.body;
    if options.check_idempotency
        && let Some(first_answer) = &parsed
    {
        let retry = send(&client, &target.url, &request.body, &target.secret).await;
        let check = match &retry {
            Ok(a) => checks::check_idempotency(request.kind, first_answer, Ok((a.status, &a.body))),
            Err(e) => {
                checks::check_idempotency(request.kind, first_answer, Err(&error_words(e, limits)))
            }
        };
        run.checks.push(check);
    }
    if options.check_bad_signature {
        let wrong = wrong_secret(&target.secret);
        let probe = send(&client, &target.url, &request.body, &wrong).await;
        let check = match &probe {
            Ok(a) => checks::check_bad_signature(Ok(a.status)),
            Err(e) => checks::check_bad_signature(Err(&error_words(e, limits))),
        };
        run.checks.push(check);
    }
    run
}
