//! The transport: auth, versions, `Stripe-Account`, idempotency, retries, rate limiting,
//! timeouts and error decoding. Every endpoint module goes through [`Client`].

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use bytes::Bytes;
use futures_util::StreamExt;
use reqwest::header::{HeaderMap, HeaderValue};
use reqwest::{Method, StatusCode};
use serde::de::DeserializeOwned;
use url::Url;

use super::error::{ApiError, Error};
use super::form::Form;
use super::idempotency::IdempotencyKey;
use super::key::{ApiKey, scrub_secrets};
use super::rate_limit::{EndpointClass, RateLimiter, RateLimits};

/// Stripe's API host (everything except file uploads and file contents).
pub const API_BASE: &str = "https://api.stripe.com";
/// Stripe's files host (uploads and `/contents` downloads).
pub const FILES_BASE: &str = "https://files.stripe.com";

/// The `Stripe-Version` values the console sends, one per kind of call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Versions {
    /// Ordinary v1 calls (refunds, capture, cancel, file metadata).
    pub default: String,
    /// `ImportSets` and catalog file uploads: the beta flag `;udap_beta=v1` is required.
    pub import_set_beta: String,
    /// Checkout Sessions and `PaymentIntents` with the preview fields (`agent_details`,
    /// `price.external_reference`).
    pub agent_preview: String,
    /// v2 product catalog imports (GA in dahlia).
    pub catalog_imports: String,
    /// v2 orchestrated commerce agreements (public preview).
    pub agreements: String,
}

impl Default for Versions {
    fn default() -> Self {
        Versions {
            default: "2025-09-30.clover".into(),
            import_set_beta: "2025-09-30.clover;udap_beta=v1".into(),
            agent_preview: "2025-12-15.preview".into(),
            catalog_imports: "2026-06-24.dahlia".into(),
            agreements: "2026-04-22.preview".into(),
        }
    }
}

/// Which entry of [`Versions`] a call uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApiVersion {
    /// [`Versions::default`].
    Default,
    /// [`Versions::import_set_beta`].
    ImportSetBeta,
    /// [`Versions::agent_preview`].
    AgentPreview,
    /// [`Versions::catalog_imports`].
    CatalogImports,
    /// [`Versions::agreements`].
    Agreements,
}

/// When and how fast to retry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Retries after network errors, 409 and 5xx (Stripe's SDKs use 2).
    pub max_retries: u32,
    /// Retries after 429 answers, which a storm can make many of.
    pub max_rate_limited_retries: u32,
    /// First backoff; it doubles per attempt, with jitter between half and all of it.
    pub initial_backoff: Duration,
    /// Longest single backoff.
    pub max_backoff: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_retries: 3,
            max_rate_limited_retries: 8,
            initial_backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(8),
        }
    }
}

impl RetryPolicy {
    /// Short waits with the default number of retries, for a server on this machine (the
    /// embedded sandbox in tests and benches), where a second-long backoff only slows a run.
    #[must_use]
    pub fn local() -> RetryPolicy {
        RetryPolicy {
            max_retries: 3,
            max_rate_limited_retries: 10,
            initial_backoff: Duration::from_millis(20),
            max_backoff: Duration::from_millis(200),
        }
    }

    /// No retries at all: every fault reaches the caller at once.
    #[must_use]
    pub fn none() -> RetryPolicy {
        RetryPolicy {
            max_retries: 0,
            max_rate_limited_retries: 0,
            initial_backoff: Duration::from_millis(5),
            max_backoff: Duration::from_millis(10),
        }
    }

    /// The pause before retry number `attempt` (1-based): exponential, capped, jittered.
    #[must_use]
    pub fn backoff(&self, attempt: u32) -> Duration {
        let exp = self
            .initial_backoff
            .saturating_mul(1u32 << attempt.saturating_sub(1).min(16));
        let capped = exp.min(self.max_backoff);
        let jitter: f64 = 0.5 + rand::random::<f64>() * 0.5;
        capped.mul_f64(jitter).max(self.initial_backoff / 2)
    }
}

/// Everything a [`Client`] needs to know.
#[derive(Debug, Clone)]
pub struct Config {
    /// Base URL of the API host, `https://api.stripe.com` by default.
    pub api_base: Url,
    /// Base URL of the files host, `https://files.stripe.com` by default.
    pub files_base: Url,
    /// The secret or restricted key.
    pub key: ApiKey,
    /// `Stripe-Account` for calls on behalf of a connected account.
    pub account: Option<String>,
    /// `Stripe-Version` values.
    pub versions: Versions,
    /// Retry behaviour.
    pub retry: RetryPolicy,
    /// Client-side rate limits.
    pub rate_limits: RateLimits,
    /// Time allowed for an ordinary call; also the longest silence while streaming.
    pub timeout: Duration,
    /// Slowest upload speed allowed before an upload times out; the upload timeout is
    /// `timeout + size / min_upload_bytes_per_sec`.
    pub min_upload_bytes_per_sec: u64,
}

impl Config {
    /// The account this configuration acts on, as a stable key without the secret (API host,
    /// redacted key, connected account): local state that belongs to one account (payment
    /// journal, push history, event cursors) is filed under it, by the app and the CLI alike.
    #[must_use]
    pub fn account_key(&self) -> String {
        format!(
            "{}|{}|{}",
            self.api_base.as_str().trim_end_matches('/'),
            self.key.redacted(),
            self.account.as_deref().unwrap_or("-")
        )
    }

    /// Stripe's real hosts, default versions, retries and limits.
    #[must_use]
    pub fn new(key: ApiKey) -> Config {
        Config {
            api_base: Url::parse(API_BASE).unwrap_or_else(|_| unreachable!("constant URL")),
            files_base: Url::parse(FILES_BASE).unwrap_or_else(|_| unreachable!("constant URL")),
            key,
            account: None,
            versions: Versions::default(),
            retry: RetryPolicy::default(),
            rate_limits: RateLimits::default(),
            timeout: Duration::from_secs(80),
            min_upload_bytes_per_sec: 128 * 1024,
        }
    }

    /// Points both the API and the files host at `base` (a sandbox, a proxy, a test server).
    pub fn with_base_url(mut self, base: &str) -> Result<Config, Error> {
        let url = parse_base(base)?;
        self.api_base = url.clone();
        self.files_base = url;
        Ok(self)
    }

    /// Acts on behalf of a connected account (`acct_…`); `None` acts on the key's own account.
    pub fn with_account(mut self, account: Option<&str>) -> Result<Config, Error> {
        self.account = match account.map(str::trim).filter(|a| !a.is_empty()) {
            None => None,
            Some(a) if a.starts_with("acct_") && a.len() > 5 && a.is_ascii() => Some(a.into()),
            Some(a) => {
                return Err(Error::Invalid(format!(
                    "`{a}` is not a connected account id; those start with acct_."
                )));
            }
        };
        Ok(self)
    }
}

fn parse_base(base: &str) -> Result<Url, Error> {
    let url = Url::parse(base.trim()).map_err(|e| {
        Error::Invalid(format!(
            "`{base}` is not a usable base URL ({e}); write it like https://api.stripe.com or \
             http://127.0.0.1:12111."
        ))
    })?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
        return Err(Error::Invalid(format!(
            "`{base}` is not an http(s) URL; write it like http://127.0.0.1:12111."
        )));
    }
    if url.scheme() == "http" && !is_loopback(&url) {
        let host = url.host_str().unwrap_or_default();
        return Err(Error::Invalid(format!(
            "`{base}` uses plain http to {host}, which would send your API key over the network              unencrypted, so it was refused. Use https:// for any other machine; plain http is              only for a sandbox on this machine (127.0.0.1, ::1 or localhost)."
        )));
    }
    Ok(url)
}

/// True when `url` names this machine: `localhost`, 127.0.0.0/8 or `::1` (also written as
/// `::ffff:127.x.x.x`). Names that merely resolve there are not trusted.
fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => {
            ip.is_loopback() || ip.to_ipv4_mapped().is_some_and(|v4| v4.is_loopback())
        }
        None => false,
    }
}

/// Called while a file moves: `(bytes_done, bytes_total)`.
pub type Progress = Arc<dyn Fn(u64, u64) + Send + Sync>;

/// Which host a call goes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Host {
    Api,
    Files,
}

/// A file body, re-opened from disk on every attempt so it is never held in memory.
#[derive(Clone)]
pub(crate) struct Upload {
    pub path: PathBuf,
    pub size: u64,
    pub file_name: String,
    pub mime: String,
    /// Multipart text fields sent before the file part; `None` sends the raw file (PUT).
    pub multipart_fields: Option<Vec<(String, String)>>,
    pub progress: Option<Progress>,
}

impl std::fmt::Debug for Upload {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Upload")
            .field("path", &self.path)
            .field("size", &self.size)
            .field("mime", &self.mime)
            .finish_non_exhaustive()
    }
}

pub(crate) enum Body {
    Empty,
    Form(Form),
    Json(serde_json::Value),
    Upload(Upload),
}

/// One logical request; the retry loop sends it as many times as needed.
pub(crate) struct Call {
    pub method: Method,
    pub host: Host,
    /// A path (`/v1/refunds`, possibly with a query) or, for pre-signed URLs, an absolute URL.
    pub path: String,
    pub query: Form,
    pub body: Body,
    pub version: ApiVersion,
    pub idempotency_key: Option<IdempotencyKey>,
    pub class: EndpointClass,
    /// Extra headers for this call only (`Stripe-Request-Trigger`, `Stripe-Context`).
    pub headers: Vec<(&'static str, String)>,
}

impl Call {
    pub fn new(method: Method, path: impl Into<String>, version: ApiVersion) -> Call {
        let path = path.into();
        let class = if path.starts_with("/v1/files") {
            EndpointClass::Files
        } else {
            EndpointClass::General
        };
        Call {
            method,
            host: Host::Api,
            path,
            query: Form::new(),
            body: Body::Empty,
            version,
            idempotency_key: None,
            class,
            headers: Vec::new(),
        }
    }

    pub fn get(path: impl Into<String>, version: ApiVersion) -> Call {
        Call::new(Method::GET, path, version)
    }

    pub fn post(path: impl Into<String>, version: ApiVersion) -> Call {
        Call::new(Method::POST, path, version)
    }

    pub fn files_host(mut self) -> Call {
        self.host = Host::Files;
        self.class = EndpointClass::Files;
        self
    }

    pub fn query(mut self, query: Form) -> Call {
        self.query = query;
        self
    }

    pub fn form(mut self, form: Form) -> Call {
        self.body = Body::Form(form);
        self
    }

    pub fn json(mut self, value: serde_json::Value) -> Call {
        self.body = Body::Json(value);
        self
    }

    pub fn upload(mut self, upload: Upload) -> Call {
        self.body = Body::Upload(upload);
        self
    }

    /// Adds a header for this call only; sent to Stripe's own hosts, never to pre-signed URLs.
    pub fn header(mut self, name: &'static str, value: impl Into<String>) -> Call {
        self.headers.push((name, value.into()));
        self
    }

    pub fn idempotency(mut self, key: Option<IdempotencyKey>) -> Call {
        self.idempotency_key = key;
        self
    }

    fn action(&self) -> String {
        let path = self.path.split('?').next().unwrap_or_default();
        let path = if path.starts_with("http") {
            Url::parse(path).map_or_else(|_| "a pre-signed URL".to_owned(), |u| u.path().to_owned())
        } else {
            path.to_owned()
        };
        format!("{} {path}", self.method)
    }
}

struct Inner {
    config: Config,
    http: reqwest::Client,
    /// Shared with [`Client::for_account`]'s clients: its buckets are per account already.
    limiter: Arc<RateLimiter>,
}

/// The Stripe client. Cheap to clone; clones share the connection pool and rate limiter.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("api_base", &self.inner.config.api_base.as_str())
            .field("key", &self.inner.config.key)
            .field("account", &self.inner.config.account)
            .finish_non_exhaustive()
    }
}

/// A successful answer read whole.
pub(crate) struct Answer {
    pub body: Bytes,
    pub request_id: Option<String>,
    /// The HTTP status (a 2xx).
    pub status: u16,
}

impl Client {
    /// Builds a client from `config`.
    pub fn new(config: Config) -> Result<Client, Error> {
        let http = reqwest::Client::builder()
            .user_agent(concat!("seller-console/", env!("CARGO_PKG_VERSION")))
            .connect_timeout(Duration::from_secs(30))
            .read_timeout(config.timeout)
            .build()
            .map_err(|e| {
                Error::Invalid(format!(
                    "Could not set up the HTTPS client ({e}). Check the system's TLS setup."
                ))
            })?;
        let limiter = Arc::new(RateLimiter::new(config.rate_limits));
        Ok(Client {
            inner: Arc::new(Inner {
                config,
                http,
                limiter,
            }),
        })
    }

    /// The same key acting as `account` (`None`: the platform itself), sharing this client's
    /// connections and rate limiter (whose buckets are per account): for a platform working
    /// through many connected accounts.
    ///
    /// # Errors
    /// When `account` is not an `acct_…` id.
    pub fn for_account(&self, account: Option<&str>) -> Result<Client, Error> {
        let config = self.inner.config.clone().with_account(account)?;
        Ok(Client {
            inner: Arc::new(Inner {
                config,
                http: self.inner.http.clone(),
                limiter: Arc::clone(&self.inner.limiter),
            }),
        })
    }

    /// The configuration this client was built with.
    #[must_use]
    pub fn config(&self) -> &Config {
        &self.inner.config
    }

    /// True when the key is a live key: calls move real money.
    #[must_use]
    pub fn is_live(&self) -> bool {
        self.inner.config.key.is_live()
    }

    fn version_value(&self, v: ApiVersion) -> &str {
        let vs = &self.inner.config.versions;
        match v {
            ApiVersion::Default => &vs.default,
            ApiVersion::ImportSetBeta => &vs.import_set_beta,
            ApiVersion::AgentPreview => &vs.agent_preview,
            ApiVersion::CatalogImports => &vs.catalog_imports,
            ApiVersion::Agreements => &vs.agreements,
        }
    }

    fn url_for(&self, call: &Call) -> Result<Url, Error> {
        let mut url = if call.path.starts_with("http://") || call.path.starts_with("https://") {
            Url::parse(&call.path)
                .map_err(|e| Error::Invalid(format!("Stripe gave an unusable URL ({e}).")))?
        } else {
            let base = match call.host {
                Host::Api => &self.inner.config.api_base,
                Host::Files => &self.inner.config.files_base,
            };
            let joined = format!("{}{}", base.as_str().trim_end_matches('/'), call.path);
            Url::parse(&joined).map_err(|e| {
                Error::Invalid(format!(
                    "Could not build the URL for {} ({e}).",
                    call.action()
                ))
            })?
        };
        if !call.query.is_empty() {
            let mut pairs = url.query_pairs_mut();
            for (k, v) in call.query.pairs() {
                pairs.append_pair(k, v);
            }
        }
        Ok(url)
    }

    /// True when `url` points at one of the configured Stripe hosts, so the key may go there.
    fn is_own_origin(&self, url: &Url) -> bool {
        let c = &self.inner.config;
        [&c.api_base, &c.files_base].iter().any(|b| {
            b.scheme() == url.scheme()
                && b.host_str() == url.host_str()
                && b.port_or_known_default() == url.port_or_known_default()
        })
    }

    /// Sends `call` and reads the whole answer, retrying as the policy allows.
    pub(crate) async fn send(&self, call: Call) -> Result<Answer, Error> {
        match self.execute(call, true).await? {
            Sent::Read(a) => Ok(a),
            Sent::Stream(_) => unreachable!("execute reads the body when asked to"),
        }
    }

    /// Sends `call` and returns the response with its body unread (for downloads).
    pub(crate) async fn send_streaming(&self, call: Call) -> Result<reqwest::Response, Error> {
        match self.execute(call, false).await? {
            Sent::Stream(r) => Ok(r),
            Sent::Read(_) => unreachable!("execute leaves the body when asked to"),
        }
    }

    /// Sends `call` and decodes the JSON answer as `T`.
    pub(crate) async fn json<T: DeserializeOwned>(&self, call: Call) -> Result<T, Error> {
        let action = call.action();
        let answer = self.send(call).await?;
        serde_json::from_slice(&answer.body).map_err(|e| Error::Decode {
            action,
            detail: scrub_secrets(&e.to_string()),
            request_id: answer.request_id,
        })
    }

    async fn execute(&self, call: Call, read_body: bool) -> Result<Sent, Error> {
        let config = &self.inner.config;
        let url = self.url_for(&call)?;
        let action = call.action();
        let host = url.host_str().unwrap_or("?").to_owned()
            + &url.port().map(|p| format!(":{p}")).unwrap_or_default();
        // One key per logical request, generated once and reused on every attempt.
        let idempotency_key = if call.method == Method::POST || call.method == Method::DELETE {
            Some(call.idempotency_key.clone().unwrap_or_default())
        } else {
            call.idempotency_key.clone()
        };
        let account = config.account.clone().unwrap_or_default();
        let live = config.key.is_live();
        let mut retries = 0u32;
        let mut rate_limited = 0u32;
        loop {
            self.inner.limiter.acquire(&account, live, call.class).await;
            let request = self
                .build(&call, url.clone(), idempotency_key.as_ref())
                .await?;
            let started = std::time::Instant::now();
            let outcome = match request.send().await {
                Ok(resp) => read_response(resp, read_body).await,
                Err(e) => Outcome::Network(e),
            };
            log_attempt(
                &call.method,
                &url,
                &outcome,
                started,
                retries + rate_limited,
            );
            let error = match outcome {
                Outcome::Done(sent) => return Ok(sent),
                Outcome::Network(e) => {
                    if retries < config.retry.max_retries {
                        retries += 1;
                        tokio::time::sleep(config.retry.backoff(retries)).await;
                        continue;
                    }
                    return Err(Error::Network {
                        action,
                        host,
                        timed_out: e.is_timeout(),
                        detail: scrub_secrets(&describe_network(&e)),
                    });
                }
                Outcome::Failed(mut api) => {
                    api.action = Some(action.clone());
                    api
                }
            };
            let retry = match error.should_retry {
                Some(flag) => flag,
                None => error.status == 409 || error.status == 429 || error.status >= 500,
            };
            if retry && error.status == 429 {
                if rate_limited < config.retry.max_rate_limited_retries {
                    rate_limited += 1;
                    let pause = config.retry.backoff(rate_limited);
                    self.inner
                        .limiter
                        .penalize(&account, live, call.class, pause);
                    continue;
                }
            } else if retry && retries < config.retry.max_retries {
                retries += 1;
                tokio::time::sleep(config.retry.backoff(retries)).await;
                continue;
            }
            return Err(Error::Api(Box::new(error)));
        }
    }

    async fn build(
        &self,
        call: &Call,
        url: Url,
        idempotency_key: Option<&IdempotencyKey>,
    ) -> Result<reqwest::RequestBuilder, Error> {
        let config = &self.inner.config;
        let mut builder = self.inner.http.request(call.method.clone(), url.clone());
        let mut headers = HeaderMap::new();
        if self.is_own_origin(&url) {
            let auth = HeaderValue::from_str(&format!("Bearer {}", config.key.expose_secret()))
                .map_err(|_| {
                    Error::Invalid("The API key contains characters that cannot be sent.".into())
                })?;
            let mut auth = auth;
            auth.set_sensitive(true);
            headers.insert(reqwest::header::AUTHORIZATION, auth);
            if let Ok(v) = HeaderValue::from_str(self.version_value(call.version)) {
                headers.insert("stripe-version", v);
            }
            if let Some(acct) = &config.account
                && let Ok(v) = HeaderValue::from_str(acct)
            {
                headers.insert("stripe-account", v);
            }
            if let Some(key) = idempotency_key
                && let Ok(v) = HeaderValue::from_str(key.as_str())
            {
                headers.insert("idempotency-key", v);
            }
            for (name, value) in &call.headers {
                let value = HeaderValue::from_str(value).map_err(|_| {
                    Error::Invalid(format!(
                        "The {name} header holds characters that cannot be sent."
                    ))
                })?;
                headers.insert(*name, value);
            }
        }
        let timeout = match &call.body {
            Body::Upload(up) => {
                config.timeout
                    + Duration::from_secs(up.size / config.min_upload_bytes_per_sec.max(1))
            }
            _ => config.timeout,
        };
        builder = builder.headers(headers).timeout(timeout);
        builder = match &call.body {
            Body::Empty => builder,
            Body::Form(form) => builder
                .header(
                    reqwest::header::CONTENT_TYPE,
                    "application/x-www-form-urlencoded",
                )
                .body(form.encode()),
            Body::Json(value) => builder
                .header(reqwest::header::CONTENT_TYPE, "application/json")
                .body(value.to_string()),
            Body::Upload(up) => {
                let body = file_body(up).await?;
                match &up.multipart_fields {
                    Some(fields) => {
                        let part = reqwest::multipart::Part::stream_with_length(body, up.size)
                            .file_name(up.file_name.clone())
                            .mime_str(&up.mime)
                            .map_err(|_| {
                                Error::Invalid(format!("`{}` is not a MIME type.", up.mime))
                            })?;
                        let mut form = reqwest::multipart::Form::new();
                        for (k, v) in fields {
                            form = form.text(k.clone(), v.clone());
                        }
                        builder.multipart(form.part("file", part))
                    }
                    None => builder
                        .header(reqwest::header::CONTENT_TYPE, up.mime.clone())
                        .header(reqwest::header::CONTENT_LENGTH, up.size)
                        .body(body),
                }
            }
        };
        Ok(builder)
    }
}

/// Logs one attempt of a request: method, path (never the query, which can hold what a user
/// searched for), status, request id, duration and how many attempts came before. Never a
/// header or a body.
fn log_attempt(
    method: &Method,
    url: &Url,
    outcome: &Outcome,
    started: std::time::Instant,
    retry: u32,
) {
    let ms = started.elapsed().as_millis();
    let path = url.path();
    match outcome {
        Outcome::Done(sent) => {
            let (status, request_id) = match sent {
                Sent::Read(answer) => (answer.status, answer.request_id.as_deref()),
                Sent::Stream(resp) => (resp.status().as_u16(), None),
            };
            tracing::info!(
                %method,
                path,
                status,
                request_id = request_id.unwrap_or("-"),
                ms,
                retry,
                "stripe request"
            );
        }
        Outcome::Failed(api) => tracing::warn!(
            %method,
            path,
            status = api.status,
            request_id = api.request_id.as_deref().unwrap_or("-"),
            code = api.code.as_deref().unwrap_or("-"),
            ms,
            retry,
            "stripe request failed"
        ),
        Outcome::Network(e) => tracing::warn!(
            %method,
            path,
            ms,
            retry,
            timed_out = e.is_timeout(),
            "stripe request got no answer"
        ),
    }
}

async fn read_response(resp: reqwest::Response, read_body: bool) -> Outcome {
    let status = resp.status();
    let headers = resp.headers();
    let request_id = header_string(headers, "request-id");
    if status.is_success() {
        if !read_body {
            return Outcome::Done(Sent::Stream(resp));
        }
        return match resp.bytes().await {
            Ok(body) => Outcome::Done(Sent::Read(Answer {
                body,
                request_id,
                status: status.as_u16(),
            })),
            Err(e) => Outcome::Network(e),
        };
    }
    let should_retry = header_string(headers, "stripe-should-retry").map(|v| v == "true");
    let reason = header_string(headers, "stripe-rate-limited-reason");
    let body = resp.bytes().await.unwrap_or_default();
    Outcome::Failed(ApiError::from_response(
        status_code(status),
        request_id,
        should_retry,
        reason,
        &body,
    ))
}

enum Sent {
    Read(Answer),
    Stream(reqwest::Response),
}

enum Outcome {
    Done(Sent),
    Network(reqwest::Error),
    Failed(ApiError),
}

fn status_code(s: StatusCode) -> u16 {
    s.as_u16()
}

fn header_string(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

fn describe_network(e: &reqwest::Error) -> String {
    let mut text = if e.is_timeout() {
        "timed out".to_owned()
    } else if e.is_connect() {
        "could not connect".to_owned()
    } else {
        "the connection failed".to_owned()
    };
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        text = format!("{text}: {s}");
        source = s.source();
    }
    text
}

/// Streams a file from disk in 64 KB chunks, reporting progress as chunks leave.
async fn file_body(up: &Upload) -> Result<reqwest::Body, Error> {
    let file = tokio::fs::File::open(&up.path)
        .await
        .map_err(|e| Error::File {
            path: up.path.clone(),
            detail: e.to_string(),
        })?;
    let sent = Arc::new(AtomicU64::new(0));
    let total = up.size;
    let progress = up.progress.clone();
    if let Some(p) = &progress {
        p(0, total);
    }
    let stream = tokio_util::io::ReaderStream::with_capacity(file, 64 * 1024).map(move |chunk| {
        if let (Ok(bytes), Some(p)) = (&chunk, &progress) {
            let done = sent.fetch_add(bytes.len() as u64, Ordering::Relaxed) + bytes.len() as u64;
            p(done.min(total), total);
        }
        chunk
    });
    Ok(reqwest::Body::wrap_stream(stream))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> ApiKey {
        ApiKey::new("sk_test_abcdefghijklmnop4242").unwrap()
    }

    #[test]
    fn backoff_doubles_with_jitter_and_a_cap() {
        let p = RetryPolicy {
            initial_backoff: Duration::from_millis(100),
            max_backoff: Duration::from_millis(800),
            ..RetryPolicy::default()
        };
        for _ in 0..50 {
            let b1 = p.backoff(1);
            assert!(b1 >= Duration::from_millis(50) && b1 <= Duration::from_millis(100));
            let b3 = p.backoff(3);
            assert!(b3 >= Duration::from_millis(200) && b3 <= Duration::from_millis(400));
            assert!(p.backoff(10) <= Duration::from_millis(800));
        }
    }

    #[test]
    fn plain_http_is_only_for_this_machine() {
        for ok in [
            "http://127.0.0.1:4242",
            "http://127.8.9.10",
            "http://localhost:12111",
            "http://LOCALHOST",
            "http://[::1]:4242",
            "http://[::ffff:127.0.0.1]:4242",
            "https://api.stripe.com",
            "https://10.0.0.5:8443",
        ] {
            assert!(Config::new(key()).with_base_url(ok).is_ok(), "{ok}");
        }
        for bad in [
            "http://api.stripe.com",
            "http://10.0.0.5:12111",
            "http://[2001:db8::1]",
            "http://localhost.example.com",
            "http://127.0.0.1.nip.io",
            "http://0.0.0.0:12111",
        ] {
            let err = Config::new(key()).with_base_url(bad).unwrap_err();
            let text = err.user_message();
            assert!(
                text.contains("plain http") && text.contains("Use https://"),
                "{bad}: {text}"
            );
        }
    }

    #[test]
    fn base_url_points_both_hosts_and_account_is_checked() {
        let c = Config::new(key())
            .with_base_url("http://127.0.0.1:4242")
            .unwrap()
            .with_account(Some("acct_123"))
            .unwrap();
        assert_eq!(c.api_base, c.files_base);
        assert_eq!(c.account.as_deref(), Some("acct_123"));
        assert!(Config::new(key()).with_base_url("ftp://x").is_err());
        assert!(Config::new(key()).with_account(Some("cus_1")).is_err());
        assert!(
            Config::new(key())
                .with_account(Some(" "))
                .unwrap()
                .account
                .is_none()
        );
    }

    #[test]
    fn urls_keep_v2_page_queries_and_never_send_the_key_elsewhere() {
        let client = Client::new(
            Config::new(key())
                .with_base_url("http://127.0.0.1:4242")
                .unwrap(),
        )
        .unwrap();
        let mut q = Form::new();
        q.push("limit", "5");
        let call = Call::get("/v2/x?page=abc", ApiVersion::Default).query(q);
        assert_eq!(
            client.url_for(&call).unwrap().as_str(),
            "http://127.0.0.1:4242/v2/x?page=abc&limit=5"
        );
        assert!(client.is_own_origin(&Url::parse("http://127.0.0.1:4242/upload/1").unwrap()));
        assert!(!client.is_own_origin(&Url::parse("https://bucket.s3.example/u").unwrap()));
        assert!(!format!("{client:?}").contains("abcdefghijklmnop"));
    }
}
