//! Checks on a seller's answers: each one a name, pass/warn/fail and a sentence that says
//! what was seen and what to do. Pure functions over status codes, times and JSON, so the
//! rules are testable without a network.

use std::fmt;
use std::time::Duration;

use serde::Serialize;
use serde_json::Value;

use super::templates::HookKind;

/// Check names, stable so that tests, reports and the view can refer to them.
pub mod names {
    /// The answer's HTTP status is 200.
    pub const STATUS: &str = "HTTP 200";
    /// The answer came within the deadline.
    pub const TIME: &str = "Response time";
    /// The body is a JSON object.
    pub const JSON: &str = "JSON body";
    /// `manual_approval_details.type` is approved or declined.
    pub const DECISION: &str = "Approval decision";
    /// A decline carries `declined.reason`.
    pub const DECLINE_REASON: &str = "Decline reason";
    /// `application_fee_details` holds sensible numbers.
    pub const APPLICATION_FEE: &str = "Application fee";
    /// `shipping_options` entries are well formed.
    pub const SHIPPING_OPTIONS: &str = "Shipping options";
    /// `line_items[].tax_rates[]` entries are well formed.
    pub const TAX_RATES: &str = "Tax rates";
    /// A re-sent identical request gets the same answer.
    pub const IDEMPOTENCY: &str = "Same answer on retry";
    /// A request signed with the wrong secret is refused with 400.
    pub const BAD_SIGNATURE: &str = "Rejects bad signature";
    /// A scenario got the decision it expects.
    pub const EXPECTATION: &str = "Expected decision";
}

/// How a check came out. Ordered: `Pass < Warn < Fail`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    /// All good.
    Pass,
    /// Works, but worth a look.
    Warn,
    /// Stripe would decline the payment or misbehave.
    Fail,
}

impl Outcome {
    /// Upper-case label for text output.
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            Outcome::Pass => "PASS",
            Outcome::Warn => "WARN",
            Outcome::Fail => "FAIL",
        }
    }
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// One check on an answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Check {
    /// Stable name (see [`names`]).
    pub name: String,
    /// Pass, warn or fail.
    pub outcome: Outcome,
    /// What was seen and, when it is not a pass, what to do.
    pub sentence: String,
}

impl Check {
    /// A check from its parts.
    #[must_use]
    pub fn new(name: &str, outcome: Outcome, sentence: impl Into<String>) -> Check {
        Check {
            name: name.to_owned(),
            outcome,
            sentence: sentence.into(),
        }
    }

    /// A passing check.
    #[must_use]
    pub fn pass(name: &str, sentence: impl Into<String>) -> Check {
        Check::new(name, Outcome::Pass, sentence)
    }

    /// A warning.
    #[must_use]
    pub fn warn(name: &str, sentence: impl Into<String>) -> Check {
        Check::new(name, Outcome::Warn, sentence)
    }

    /// A failure.
    #[must_use]
    pub fn fail(name: &str, sentence: impl Into<String>) -> Check {
        Check::new(name, Outcome::Fail, sentence)
    }
}

/// The worst outcome among `checks` (`Pass` when there are none).
#[must_use]
pub fn worst(checks: &[Check]) -> Outcome {
    checks
        .iter()
        .map(|c| c.outcome)
        .max()
        .unwrap_or(Outcome::Pass)
}

/// Time limits for an answer. Stripe waits 4 s; the workbench warns above 2 s.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Stripe stops waiting (and declines) after this.
    pub deadline: Duration,
    /// Answers slower than this get a warning.
    pub warn_after: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            deadline: Duration::from_secs(4),
            warn_after: Duration::from_secs(2),
        }
    }
}

/// Seconds with one decimal ("4.0 s"), or milliseconds below one second ("180 ms").
#[must_use]
pub fn show_duration(d: Duration) -> String {
    if d < Duration::from_secs(1) {
        format!("{} ms", d.as_millis())
    } else {
        format!("{:.1} s", d.as_secs_f64())
    }
}

/// The status check.
#[must_use]
pub fn check_status(status: u16) -> Check {
    if status == 200 {
        Check::pass(names::STATUS, "The endpoint answered 200 OK.")
    } else {
        Check::fail(
            names::STATUS,
            format!(
                "The endpoint answered HTTP {status}{}; Stripe needs 200 and treats anything \
                 else as a failed hook, which declines the payment. Check your server log for \
                 this request.",
                reason_phrase(status)
            ),
        )
    }
}

fn reason_phrase(status: u16) -> String {
    reqwest::StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .map(|r| format!(" {r}"))
        .unwrap_or_default()
}

/// The time check for an answer that arrived after `elapsed`.
#[must_use]
pub fn check_time(elapsed: Duration, limits: Limits) -> Check {
    let took = show_duration(elapsed);
    let deadline = show_duration(limits.deadline);
    if elapsed > limits.deadline {
        Check::fail(
            names::TIME,
            format!(
                "Answered in {took}, over Stripe's {deadline} limit: Stripe would have stopped \
                 waiting and declined the payment. Answer first and do slow work afterwards."
            ),
        )
    } else if elapsed > limits.warn_after {
        Check::warn(
            names::TIME,
            format!(
                "Answered in {took}: within the {deadline} limit, but above {}; a busy moment \
                 or a cold start could push it over. Cache what you look up.",
                show_duration(limits.warn_after)
            ),
        )
    } else {
        Check::pass(
            names::TIME,
            format!("Answered in {took} (limit {deadline})."),
        )
    }
}

/// The time check when no answer came before the deadline.
#[must_use]
pub fn check_timed_out(limits: Limits) -> Check {
    let deadline = show_duration(limits.deadline);
    Check::fail(
        names::TIME,
        format!(
            "No answer within {deadline}: Stripe stops waiting at {deadline} and declines the \
             payment. Answer first and do slow work afterwards."
        ),
    )
}

/// Parses the body and checks that it is a JSON object.
#[must_use]
pub fn check_json(body: &str) -> (Check, Option<Value>) {
    match serde_json::from_str::<Value>(body) {
        Ok(value @ Value::Object(_)) => (
            Check::pass(names::JSON, "The body is a JSON object."),
            Some(value),
        ),
        Ok(other) => (
            Check::fail(
                names::JSON,
                format!(
                    "The body is JSON but not an object (got {}); answer with a JSON object.",
                    snippet(&other.to_string())
                ),
            ),
            None,
        ),
        Err(e) => (
            Check::fail(
                names::JSON,
                format!(
                    "The body is not JSON ({e}): got {}. Answer with a JSON object and \
                     Content-Type: application/json.",
                    snippet(body)
                ),
            ),
            None,
        ),
    }
}

/// At most 120 characters of `text`, quoted, for sentences.
#[must_use]
pub fn snippet(text: &str) -> String {
    let text = text.trim();
    if text.is_empty() {
        return "an empty body".to_owned();
    }
    let mut cut: String = text.chars().take(120).collect();
    if cut.len() < text.len() {
        cut.push('…');
    }
    format!("`{cut}`")
}

/// What an order approval answer decided.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum Decision {
    /// Approved, with the application fee when one was returned.
    Approved {
        /// `application_fee_details.application_fee_amount`.
        application_fee_amount: Option<i64>,
    },
    /// Declined, with the reason when one was given.
    Declined {
        /// `manual_approval_details.declined.reason`.
        reason: Option<String>,
    },
}

impl Decision {
    /// "approved" or "declined".
    #[must_use]
    pub fn label(&self) -> &'static str {
        match self {
            Decision::Approved { .. } => "approved",
            Decision::Declined { .. } => "declined",
        }
    }
}

/// Reads the decision of an order approval answer, if it has a valid one.
#[must_use]
pub fn read_decision(answer: &Value) -> Option<Decision> {
    let details = answer.get("manual_approval_details")?;
    match details.get("type")?.as_str()? {
        "approved" => Some(Decision::Approved {
            application_fee_amount: answer
                .pointer("/application_fee_details/application_fee_amount")
                .and_then(Value::as_i64),
        }),
        "declined" => Some(Decision::Declined {
            reason: details
                .pointer("/declined/reason")
                .and_then(Value::as_str)
                .map(str::trim)
                .filter(|r| !r.is_empty())
                .map(str::to_owned),
        }),
        _ => None,
    }
}

/// Checks an order approval answer against the documented format. `request` is the
/// request that was sent (for `amount_total`).
#[must_use]
pub fn check_finalize_answer(request: &Value, answer: &Value) -> Vec<Check> {
    let mut checks = Vec::new();
    let Some(details) = answer.get("manual_approval_details") else {
        checks.push(Check::fail(
            names::DECISION,
            format!(
                "The answer has no manual_approval_details; expected \
                 {{\"manual_approval_details\": {{\"type\": \"approved\"}}}} or a decline. Got {}.",
                snippet(&answer.to_string())
            ),
        ));
        return checks;
    };
    let kind = details.get("type").and_then(Value::as_str);
    let declined = match kind {
        Some("approved") => {
            checks.push(Check::pass(names::DECISION, "The order was approved."));
            false
        }
        Some("declined") => {
            checks.push(Check::pass(names::DECISION, "The order was declined."));
            true
        }
        Some(other) => {
            checks.push(Check::fail(
                names::DECISION,
                format!(
                    "manual_approval_details.type is \"{other}\"; it must be \"approved\" or \
                     \"declined\"."
                ),
            ));
            return checks;
        }
        None => {
            checks.push(Check::fail(
                names::DECISION,
                format!(
                    "manual_approval_details has no type string; it must be \"approved\" or \
                     \"declined\". Got {}.",
                    snippet(&details.to_string())
                ),
            ));
            return checks;
        }
    };
    if declined {
        let reason = details.pointer("/declined/reason");
        checks.push(match reason {
            Some(Value::String(r)) if !r.trim().is_empty() => Check::pass(
                names::DECLINE_REASON,
                format!("Declined with the reason \"{r}\"."),
            ),
            Some(Value::String(_)) => Check::fail(
                names::DECLINE_REASON,
                "declined.reason is empty; say why (\"Out of stock\", \"We do not ship to …\") \
                 so the agent can tell the buyer.",
            ),
            Some(other) => Check::fail(
                names::DECLINE_REASON,
                format!(
                    "declined.reason must be a string; got {}.",
                    snippet(&other.to_string())
                ),
            ),
            None => Check::fail(
                names::DECLINE_REASON,
                "The order was declined without manual_approval_details.declined.reason; add a \
                 reason so the agent can tell the buyer why.",
            ),
        });
    }
    if let Some(fee) = answer.get("application_fee_details") {
        checks.push(check_fee(request, fee, declined));
    }
    checks
}

fn check_fee(request: &Value, fee: &Value, declined: bool) -> Check {
    let total = request
        .pointer("/data/amount_total")
        .and_then(Value::as_i64);
    let Some(raw) = fee.get("application_fee_amount") else {
        return Check::fail(
            names::APPLICATION_FEE,
            "application_fee_details has no application_fee_amount; give the fee in the \
             currency's minor unit (cents) or leave application_fee_details out.",
        );
    };
    let Some(amount) = raw.as_i64() else {
        return Check::fail(
            names::APPLICATION_FEE,
            format!(
                "application_fee_amount must be a whole number of minor units (cents); got {}.",
                snippet(&raw.to_string())
            ),
        );
    };
    if amount < 0 {
        return Check::fail(
            names::APPLICATION_FEE,
            format!("application_fee_amount is {amount}; a fee cannot be negative."),
        );
    }
    if let Some(total) = total
        && amount > total
    {
        return Check::fail(
            names::APPLICATION_FEE,
            format!(
                "application_fee_amount {amount} is more than the order total {total}; the fee \
                 must come out of the payment."
            ),
        );
    }
    if declined {
        return Check::warn(
            names::APPLICATION_FEE,
            format!("An application fee of {amount} came with a decline; it is ignored."),
        );
    }
    match total {
        Some(total) => Check::pass(
            names::APPLICATION_FEE,
            format!("Application fee {amount} on a total of {total}."),
        ),
        None => Check::pass(names::APPLICATION_FEE, format!("Application fee {amount}.")),
    }
}

const TAX_BEHAVIORS: [&str; 3] = ["unspecified", "included", "excluded"];
const ESTIMATE_UNITS: [&str; 5] = ["business_day", "day", "hour", "month", "year"];

/// Checks a customization answer: shipping options and line item tax rates.
#[must_use]
pub fn check_customize_answer(request: &Value, answer: &Value) -> Vec<Check> {
    vec![
        check_shipping_options(request, answer),
        check_tax_rates(request, answer),
    ]
}

fn check_shipping_options(request: &Value, answer: &Value) -> Check {
    let currency = request.pointer("/data/currency").and_then(Value::as_str);
    let options = match answer.get("shipping_options") {
        None | Some(Value::Null) => {
            return Check::pass(
                names::SHIPPING_OPTIONS,
                "No shipping_options returned; Stripe keeps the options it already has.",
            );
        }
        Some(Value::Array(options)) => options,
        Some(other) => {
            return Check::fail(
                names::SHIPPING_OPTIONS,
                format!(
                    "shipping_options must be an array; got {}.",
                    snippet(&other.to_string())
                ),
            );
        }
    };
    let mut problems = Vec::new();
    for (i, option) in options.iter().enumerate() {
        let at = format!("shipping_options[{i}]");
        let rate = option.get("shipping_rate").filter(|v| !v.is_null());
        let data = option.get("shipping_rate_data").filter(|v| !v.is_null());
        match (rate, data) {
            (Some(_), Some(_)) => problems.push(format!(
                "{at} has both shipping_rate and shipping_rate_data; give only one"
            )),
            (None, None) => problems.push(format!(
                "{at} has neither shipping_rate nor shipping_rate_data; give one"
            )),
            (Some(rate), None) => {
                if rate.as_str().is_none_or(str::is_empty) {
                    problems.push(format!(
                        "{at}.shipping_rate must be a shipping rate id string"
                    ));
                }
            }
            (None, Some(data)) => rate_data_problems(&at, data, currency, &mut problems),
        }
    }
    if problems.is_empty() {
        Check::pass(
            names::SHIPPING_OPTIONS,
            format!("{} shipping option(s), each well formed.", options.len()),
        )
    } else {
        Check::fail(names::SHIPPING_OPTIONS, sentence_list(&problems))
    }
}

fn rate_data_problems(at: &str, data: &Value, currency: Option<&str>, problems: &mut Vec<String>) {
    let at = format!("{at}.shipping_rate_data");
    if !data.is_object() {
        problems.push(format!("{at} must be an object"));
        return;
    }
    match data.get("fixed_amount") {
        Some(fixed) => {
            match fixed.get("amount").and_then(Value::as_i64) {
                Some(a) if a >= 0 => {}
                _ => problems.push(format!(
                    "{at}.fixed_amount.amount must be a whole number of cents, zero or more"
                )),
            }
            match (fixed.get("currency").and_then(Value::as_str), currency) {
                (None, _) => problems.push(format!("{at}.fixed_amount.currency is missing")),
                (Some(got), Some(want)) if !got.eq_ignore_ascii_case(want) => {
                    problems.push(format!(
                        "{at}.fixed_amount.currency is \"{got}\" but the checkout is in \"{want}\""
                    ));
                }
                _ => {}
            }
        }
        None => problems.push(format!("{at}.fixed_amount is missing")),
    }
    if let Some(name) = data.get("display_name")
        && !name.is_string()
    {
        problems.push(format!("{at}.display_name must be a string"));
    }
    if let Some(behavior) = data.get("tax_behavior")
        && !behavior
            .as_str()
            .is_some_and(|b| TAX_BEHAVIORS.contains(&b))
    {
        problems.push(format!(
            "{at}.tax_behavior must be unspecified, included or excluded"
        ));
    }
    if let Some(estimate) = data.get("delivery_estimate") {
        for end in ["minimum", "maximum"] {
            let Some(bound) = estimate.get(end) else {
                continue;
            };
            let unit_ok = bound
                .get("unit")
                .and_then(Value::as_str)
                .is_some_and(|u| ESTIMATE_UNITS.contains(&u));
            let value_ok = bound
                .get("value")
                .and_then(Value::as_i64)
                .is_some_and(|v| v > 0);
            if !unit_ok || !value_ok {
                problems.push(format!(
                    "{at}.delivery_estimate.{end} needs a unit (business_day, day, hour, month, \
                     year) and a positive whole value"
                ));
            }
        }
    }
}

fn check_tax_rates(request: &Value, answer: &Value) -> Check {
    let lines = match answer.get("line_items") {
        None | Some(Value::Null) => {
            return Check::pass(
                names::TAX_RATES,
                "No line_items returned; Stripe keeps the tax it already computed.",
            );
        }
        Some(Value::Array(lines)) => lines,
        Some(other) => {
            return Check::fail(
                names::TAX_RATES,
                format!(
                    "line_items must be an array; got {}.",
                    snippet(&other.to_string())
                ),
            );
        }
    };
    let known: Vec<&str> = request
        .pointer("/data/line_item_details")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(|l| l.get("id")?.as_str()).collect())
        .unwrap_or_default();
    let mut problems = Vec::new();
    let mut rates = 0;
    for (i, line) in lines.iter().enumerate() {
        let at = format!("line_items[{i}]");
        match line.get("id").and_then(Value::as_str) {
            None => problems.push(format!(
                "{at}.id is missing; give the id of the request's line item"
            )),
            Some(id) if !known.is_empty() && !known.contains(&id) => problems.push(format!(
                "{at}.id \"{id}\" is not a line of the request (its lines are {})",
                known.join(", ")
            )),
            Some(_) => {}
        }
        let Some(tax_rates) = line.get("tax_rates").and_then(Value::as_array) else {
            problems.push(format!("{at}.tax_rates must be an array"));
            continue;
        };
        for (j, rate) in tax_rates.iter().enumerate() {
            rates += 1;
            let at = format!("{at}.tax_rates[{j}]");
            let id = rate.get("rate").filter(|v| !v.is_null());
            let data = rate.get("rate_data").filter(|v| !v.is_null());
            match (id, data) {
                (Some(_), Some(_)) => {
                    problems.push(format!("{at} has both rate and rate_data; give only one"));
                }
                (None, None) => {
                    problems.push(format!("{at} has neither rate nor rate_data; give one"));
                }
                (Some(id), None) => {
                    if id.as_str().is_none_or(str::is_empty) {
                        problems.push(format!("{at}.rate must be a tax rate id string"));
                    }
                }
                (None, Some(data)) => {
                    if !data.get("display_name").is_some_and(Value::is_string) {
                        problems.push(format!("{at}.rate_data.display_name must be a string"));
                    }
                    if !data.get("inclusive").is_some_and(Value::is_boolean) {
                        problems.push(format!("{at}.rate_data.inclusive must be true or false"));
                    }
                    match data.get("percentage").and_then(Value::as_f64) {
                        Some(p) if (0.0..=100.0).contains(&p) => {}
                        _ => problems.push(format!(
                            "{at}.rate_data.percentage must be a number from 0 to 100"
                        )),
                    }
                }
            }
        }
    }
    if !problems.is_empty() {
        return Check::fail(names::TAX_RATES, sentence_list(&problems));
    }
    let automatic = request
        .pointer("/data/automatic_tax/enabled")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    if automatic && rates > 0 {
        return Check::warn(
            names::TAX_RATES,
            "The checkout has automatic_tax.enabled, so Stripe Tax computes tax; manual tax \
             rates are not expected. Return no tax_rates when automatic tax is on.",
        );
    }
    Check::pass(
        names::TAX_RATES,
        format!(
            "{rates} tax rate(s) on {} line(s), each well formed.",
            lines.len()
        ),
    )
}

/// Joins problems into one sentence ("a; b; c."). Problems start with a field path, kept
/// in its JSON spelling.
fn sentence_list(problems: &[String]) -> String {
    format!("{}.", problems.join("; "))
}

/// The part of an answer that must not change when the same request is sent again.
#[must_use]
pub fn answer_fingerprint(kind: HookKind, answer: &Value) -> Value {
    match kind {
        HookKind::Finalize => serde_json::json!({
            "type": answer.pointer("/manual_approval_details/type"),
            "application_fee_amount": answer.pointer("/application_fee_details/application_fee_amount"),
        }),
        HookKind::Customize => serde_json::json!({
            "shipping_options": answer.get("shipping_options"),
            "line_items": answer.get("line_items"),
        }),
    }
}

/// Compares the first answer with the answer to the same request sent again.
/// `retry` is the retry's status and body, or the transport error in words.
#[must_use]
pub fn check_idempotency(kind: HookKind, first: &Value, retry: Result<(u16, &str), &str>) -> Check {
    let (status, body) = match retry {
        Ok(pair) => pair,
        Err(error) => {
            return Check::fail(
                names::IDEMPOTENCY,
                format!("The retry got no answer: {error}"),
            );
        }
    };
    if status != 200 {
        return Check::fail(
            names::IDEMPOTENCY,
            format!(
                "The same request sent again got HTTP {status} where the first got 200. Stripe \
                 retries with the same id; treat a repeated id as a repeat, not an error."
            ),
        );
    }
    let Ok(second) = serde_json::from_str::<Value>(body) else {
        return Check::fail(
            names::IDEMPOTENCY,
            format!(
                "The same request sent again got a body that is not JSON: {}.",
                snippet(body)
            ),
        );
    };
    let (a, b) = (
        answer_fingerprint(kind, first),
        answer_fingerprint(kind, &second),
    );
    if a == b {
        return Check::pass(
            names::IDEMPOTENCY,
            "The same request sent again got the same answer.",
        );
    }
    let what = match kind {
        HookKind::Finalize => {
            let word = |v: &Value| {
                let t = v
                    .get("type")
                    .and_then(Value::as_str)
                    .unwrap_or("no decision");
                match v.get("application_fee_amount").and_then(Value::as_i64) {
                    Some(fee) => format!("{t} with fee {fee}"),
                    None => t.to_owned(),
                }
            };
            format!("the first answer was {}, the retry {}", word(&a), word(&b))
        }
        HookKind::Customize => {
            "the shipping options or tax rates changed between the two".to_owned()
        }
    };
    Check::fail(
        names::IDEMPOTENCY,
        format!(
            "The same request sent again got a different answer: {what}. Stripe may retry a \
             request; key your decision on the request id and return the stored answer."
        ),
    )
}

/// Checks how the endpoint answered a request signed with the wrong secret.
#[must_use]
pub fn check_bad_signature(answer: Result<u16, &str>) -> Check {
    match answer {
        Ok(400) => Check::pass(
            names::BAD_SIGNATURE,
            "A request signed with the wrong secret was rejected with 400.",
        ),
        Ok(status) if (200..300).contains(&status) => Check::fail(
            names::BAD_SIGNATURE,
            format!(
                "A request signed with the wrong secret was accepted (HTTP {status}): the \
                 endpoint does not verify Stripe-Signature, so anyone who finds the URL can \
                 approve orders. Verify the signature with your endpoint secret and answer 400 \
                 when it does not match."
            ),
        ),
        Ok(status) if (400..500).contains(&status) => Check::warn(
            names::BAD_SIGNATURE,
            format!(
                "A request signed with the wrong secret was rejected, but with HTTP {status}; \
                 Stripe's examples answer 400."
            ),
        ),
        Ok(status) => Check::fail(
            names::BAD_SIGNATURE,
            format!(
                "A request signed with the wrong secret got HTTP {status}; the endpoint should \
                 reject it cleanly with 400, not fail."
            ),
        ),
        Err(error) => Check::fail(
            names::BAD_SIGNATURE,
            format!("A request signed with the wrong secret got no answer: {error}"),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn find<'a>(checks: &'a [Check], name: &str) -> &'a Check {
        checks
            .iter()
            .find(|c| c.name == name)
            .unwrap_or_else(|| panic!("no check {name}"))
    }

    #[test]
    fn time_check_passes_warns_and_fails_at_the_limits() {
        let limits = Limits::default();
        assert_eq!(
            check_time(Duration::from_millis(180), limits).outcome,
            Outcome::Pass
        );
        let slow = check_time(Duration::from_millis(2_500), limits);
        assert_eq!(slow.outcome, Outcome::Warn);
        assert!(
            slow.sentence.starts_with("Answered in 2.5 s"),
            "{}",
            slow.sentence
        );
        let late = check_time(Duration::from_millis(4_200), limits);
        assert_eq!(late.outcome, Outcome::Fail);
        assert!(
            late.sentence.contains("over Stripe's 4.0 s limit"),
            "{}",
            late.sentence
        );
    }

    #[test]
    fn decline_without_reason_fails_and_fee_above_total_fails() {
        let request = json!({"data": {"amount_total": 1000}});
        let checks = check_finalize_answer(
            &request,
            &json!({"manual_approval_details": {"type": "declined"}}),
        );
        assert_eq!(find(&checks, names::DECLINE_REASON).outcome, Outcome::Fail);
        let checks = check_finalize_answer(
            &request,
            &json!({"manual_approval_details": {"type": "approved"},
                    "application_fee_details": {"application_fee_amount": 1500}}),
        );
        let fee = find(&checks, names::APPLICATION_FEE);
        assert_eq!(fee.outcome, Outcome::Fail);
        assert!(
            fee.sentence.contains("more than the order total 1000"),
            "{}",
            fee.sentence
        );
        let checks = check_finalize_answer(&request, &json!({"approved": true}));
        assert_eq!(find(&checks, names::DECISION).outcome, Outcome::Fail);
    }

    #[test]
    fn customization_rules_name_the_exact_entry() {
        let request = json!({"data": {"currency": "usd", "automatic_tax": {"enabled": true},
            "line_item_details": [{"id": "li_1"}]}});
        let answer = json!({
            "shipping_options": [
                {"shipping_rate": "shr_1"},
                {"shipping_rate": "shr_2", "shipping_rate_data": {"fixed_amount": {"amount": 1, "currency": "usd"}}},
                {"shipping_rate_data": {"fixed_amount": {"amount": 500, "currency": "eur"}}}
            ],
            "line_items": [{"id": "li_1", "tax_rates": [{"rate_data": {"display_name": "VAT", "inclusive": false, "percentage": 20}}]}]
        });
        let checks = check_customize_answer(&request, &answer);
        let shipping = find(&checks, names::SHIPPING_OPTIONS);
        assert_eq!(shipping.outcome, Outcome::Fail);
        assert!(
            shipping.sentence.contains("shipping_options[1] has both"),
            "{}",
            shipping.sentence
        );
        assert!(
            shipping.sentence.contains(
                "shipping_options[2].shipping_rate_data.fixed_amount.currency is \"eur\""
            )
        );
        assert!(!shipping.sentence.contains("shipping_options[0]"));
        assert_eq!(find(&checks, names::TAX_RATES).outcome, Outcome::Warn);
        let bad = json!({"line_items": [{"id": "li_9", "tax_rates": [{}]}]});
        let tax = check_tax_rates(&request, &bad);
        assert!(
            tax.sentence
                .contains("\"li_9\" is not a line of the request"),
            "{}",
            tax.sentence
        );
        assert!(
            tax.sentence
                .contains("tax_rates[0] has neither rate nor rate_data")
        );
    }

    #[test]
    fn idempotency_and_signature_checks() {
        let first = json!({"manual_approval_details": {"type": "approved"}});
        let same = r#"{"manual_approval_details":{"type":"approved"}}"#;
        assert_eq!(
            check_idempotency(HookKind::Finalize, &first, Ok((200, same))).outcome,
            Outcome::Pass
        );
        let other = r#"{"manual_approval_details":{"type":"declined","declined":{"reason":"x"}}}"#;
        let check = check_idempotency(HookKind::Finalize, &first, Ok((200, other)));
        assert_eq!(check.outcome, Outcome::Fail);
        assert!(
            check
                .sentence
                .contains("the first answer was approved, the retry declined")
        );
        assert_eq!(check_bad_signature(Ok(400)).outcome, Outcome::Pass);
        assert_eq!(check_bad_signature(Ok(401)).outcome, Outcome::Warn);
        assert_eq!(check_bad_signature(Ok(200)).outcome, Outcome::Fail);
        assert_eq!(check_bad_signature(Ok(500)).outcome, Outcome::Fail);
    }
}
