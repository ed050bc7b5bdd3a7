//! The HTTP side: a listener whose connections can be cut (for `drop-after-commit`), and the
//! request pipeline every call goes through: faults, auth, account, body, idempotency,
//! routing, `Request-Id`.

use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::extract::connect_info::Connected;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::serve::IncomingStream;
use bytes::Bytes;
use serde_json::Value;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};

use super::auth;
use super::errors::ApiError;
use super::faults::FaultKind;
use super::ids;
use super::params::Params;
use super::routes;
use super::routes::request::{Ctx, Reply};
use super::state::idempotency::{Check, Fingerprint, Stored};
use super::state::{LedgerKey, Shared};

/// Largest form or JSON body accepted (uploads are streamed and have their own limit).
const MAX_BODY: usize = 1024 * 1024;

/// A TCP connection that the sandbox can cut on purpose.
#[derive(Debug)]
pub(crate) struct CuttableStream {
    inner: TcpStream,
    cut: Arc<AtomicBool>,
}

fn cut_error() -> io::Error {
    io::Error::new(
        io::ErrorKind::ConnectionReset,
        "the sandbox dropped this connection on purpose (drop-after-commit fault)",
    )
}

impl AsyncRead for CuttableStream {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        if self.cut.load(Ordering::SeqCst) {
            return Poll::Ready(Ok(()));
        }
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl AsyncWrite for CuttableStream {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        if self.cut.load(Ordering::SeqCst) {
            return Poll::Ready(Err(cut_error()));
        }
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        if self.cut.load(Ordering::SeqCst) {
            return Poll::Ready(Err(cut_error()));
        }
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

/// A listener handing out [`CuttableStream`]s.
#[derive(Debug)]
pub(crate) struct CuttableListener(pub TcpListener);

impl axum::serve::Listener for CuttableListener {
    type Io = CuttableStream;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        loop {
            match self.0.accept().await {
                Ok((inner, addr)) => {
                    // Small JSON answers should leave at once.
                    let _ = inner.set_nodelay(true);
                    let stream = CuttableStream {
                        inner,
                        cut: Arc::new(AtomicBool::new(false)),
                    };
                    return (stream, addr);
                }
                // Out of file descriptors and the like: wait and try again.
                Err(_) => tokio::time::sleep(Duration::from_millis(50)).await,
            }
        }
    }

    fn local_addr(&self) -> io::Result<Self::Addr> {
        self.0.local_addr()
    }
}

/// The handle a request has on its own connection.
#[derive(Debug, Clone)]
pub(crate) struct Connection(Arc<AtomicBool>);

impl Connection {
    /// Closes the connection instead of sending the response.
    fn cut(&self) {
        self.0.store(true, Ordering::SeqCst);
    }
}

impl Connected<IncomingStream<'_, CuttableListener>> for Connection {
    fn connect_info(stream: IncomingStream<'_, CuttableListener>) -> Self {
        Connection(stream.io().cut.clone())
    }
}

/// Every request enters here.
pub(crate) async fn handle(
    State(app): State<Arc<Shared>>,
    ConnectInfo(conn): ConnectInfo<Connection>,
    req: Request,
) -> Response {
    let request_id = {
        let mut store = app.lock();
        format!("req_{}", ids::token(&mut store.rng, 14))
    };
    let idempotency_key = req.headers().get("idempotency-key").cloned();
    let key_text = (req.method() == Method::POST)
        .then(|| idempotency_key.as_ref()?.to_str().ok().map(str::to_owned))
        .flatten();
    let mut response =
        super::events::in_request(request_id.clone(), key_text, process(&app, &conn, req)).await;
    let headers = response.headers_mut();
    if let Ok(value) = HeaderValue::from_str(&request_id) {
        headers.insert("request-id", value);
    }
    if let Some(key) = idempotency_key {
        headers.insert("idempotency-key", key);
    }
    response
}

/// A JSON response.
pub(crate) fn json_response(status: StatusCode, body: Bytes) -> Response {
    let mut response = (status, body).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response
}

/// The response for an error.
pub(crate) fn error_response(error: &ApiError) -> Response {
    let body = serde_json::to_vec(&error.body()).unwrap_or_default();
    let mut response = json_response(error.status, Bytes::from(body));
    if error.status == StatusCode::UNAUTHORIZED {
        response.headers_mut().insert(
            header::WWW_AUTHENTICATE,
            HeaderValue::from_static("Basic realm=\"Stripe\""),
        );
    }
    response
}

/// Stripe's 429 (`rate_limit`), with its retry and reason headers.
fn rate_limited(should_retry: bool) -> Response {
    let error = ApiError {
        status: StatusCode::TOO_MANY_REQUESTS,
        code: Some("rate_limit"),
        ..ApiError::invalid(
            "Request rate limit exceeded. You can learn more about rate limits here \
             https://stripe.com/docs/rate-limits.",
        )
    };
    let mut response = error_response(&error);
    let headers = response.headers_mut();
    headers.insert(
        "stripe-should-retry",
        HeaderValue::from_static(if should_retry { "true" } else { "false" }),
    );
    headers.insert(
        "stripe-rate-limited-reason",
        HeaderValue::from_static("global-rate"),
    );
    response
}

fn fault_response(kind: &FaultKind) -> Option<Response> {
    match kind {
        FaultKind::RateLimited { should_retry } => Some(rate_limited(*should_retry)),
        FaultKind::ServerError => {
            let error = ApiError {
                status: StatusCode::INTERNAL_SERVER_ERROR,
                kind: "api_error",
                ..ApiError::invalid(
                    "An unknown error occurred (a fault injected by the sandbox). Retry the \
                     request with the same idempotency key.",
                )
            };
            Some(error_response(&error))
        }
        FaultKind::Slow(_) | FaultKind::DropAfterCommit | FaultKind::HangAfterCommit => None,
    }
}

/// Checks that `account` is connected to the platform in this mode, and fills its ledger with
/// its demo data on first use.
fn act_as(app: &Shared, account: &str, live: bool) -> Result<(), ApiError> {
    let now = app.now();
    let mut store = app.lock();
    if !store.accounts.is_connected(live, account) {
        return Err(routes::accounts::not_connected(account));
    }
    if let Some(data) = store.accounts.take_pending_data(live, account) {
        let ledger = store.ledger(&LedgerKey {
            account: Some(account.to_owned()),
            live,
        });
        super::sellers::fill(ledger, app, now, data).map_err(|e| ApiError {
            status: StatusCode::INTERNAL_SERVER_ERROR,
            kind: "api_error",
            ..ApiError::invalid(format!(
                "The sandbox could not write this account's demo data ({e})."
            ))
        })?;
    }
    Ok(())
}

async fn process(app: &Arc<Shared>, conn: &Connection, req: Request) -> Response {
    let path = req.uri().path().to_string();
    let query = req.uri().query().unwrap_or_default().to_string();
    let method = req.method().clone();

    let before = app.faults.before(&path);
    if !before.delay.is_zero() {
        tokio::time::sleep(before.delay).await;
    }
    if let Some(response) = before.failure.as_ref().and_then(fault_response) {
        return response;
    }

    if let Some(token) = path.strip_prefix("/_sandbox/uploads/") {
        return routes::catalog_imports::upload(app, token, &method, req).await;
    }
    if let Some(token) = path.strip_prefix("/_sandbox/downloads/") {
        return routes::catalog_imports::download(app, token, &method).await;
    }

    let key = match auth::authenticate(req.headers()) {
        Ok(key) => key,
        Err(e) => return error_response(&e),
    };
    let account = match req.headers().get("stripe-account").map(HeaderValue::to_str) {
        None => None,
        Some(Ok(acct)) if acct.starts_with("acct_") && acct.len() > 5 => Some(acct.to_string()),
        Some(_) => {
            return error_response(&ApiError::invalid(
                "The Stripe-Account header must hold a connected account id (acct_…).",
            ));
        }
    };
    // Connect: a request may act only as one of the platform's connected accounts, whose
    // demo data is made the first time one is used.
    if let Some(account) = &account
        && let Err(e) = act_as(app, account, key.live)
    {
        return error_response(&e);
    }
    let ledger_key = LedgerKey {
        account,
        live: key.live,
    };
    if !app
        .rate_limits
        .admit(&ledger_key, std::time::Instant::now())
    {
        return rate_limited(true);
    }
    let version = req
        .headers()
        .get("stripe-version")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let is_v2 = path.starts_with("/v2/");
    let idempotency_key = if method == Method::POST {
        req.headers()
            .get("idempotency-key")
            .map(|v| v.to_str().unwrap_or_default().to_string())
    } else {
        None
    };
    let is_upload = method == Method::POST && path.trim_end_matches('/') == "/v1/files";

    let mut params = match Params::parse(query.as_bytes()) {
        Ok(p) => p,
        Err(e) => return error_response(&e),
    };
    let mut json_body = Value::Null;
    let mut upload = None;
    if is_upload {
        upload = Some(req);
    } else {
        let Ok(bytes) = axum::body::to_bytes(req.into_body(), MAX_BODY).await else {
            return error_response(
                &ApiError::invalid("The request body is larger than 1 MB.")
                    .with_status(StatusCode::PAYLOAD_TOO_LARGE),
            );
        };
        if is_v2 {
            if !bytes.iter().all(u8::is_ascii_whitespace) {
                json_body = match serde_json::from_slice(&bytes) {
                    Ok(v) => v,
                    Err(e) => {
                        return error_response(&ApiError::invalid(format!(
                            "The request body is not valid JSON ({e}). v2 endpoints take JSON."
                        )));
                    }
                };
            }
        } else {
            match Params::parse(&bytes) {
                Ok(body) => params.merge(body),
                Err(e) => return error_response(&e),
            }
        }
    }

    let fingerprint = Fingerprint {
        method: method.to_string(),
        path: path.clone(),
        params: if is_v2 {
            json_body.clone()
        } else {
            Value::Object(params.0.clone())
        },
    };
    if method != Method::GET && !app.lock().has_room_for(&ledger_key) {
        return error_response(&ApiError::invalid(format!(
            "The sandbox keeps data for at most {} accounts, and this write would add one \
             more. Restart the sandbox to start afresh.",
            super::state::MAX_LEDGERS
        )));
    }
    if let Some(key) = &idempotency_key {
        if key.is_empty() || key.len() > 255 {
            return error_response(&ApiError::param(
                "Idempotency-Key",
                "Keys for idempotent requests must be between 1 and 255 characters long.",
            ));
        }
        let check = app.lock().idempotency.begin(&ledger_key, key, fingerprint);
        match check {
            Check::Fresh => {}
            Check::Replay(stored) => {
                let status = StatusCode::from_u16(stored.status).unwrap_or(StatusCode::OK);
                let mut response = json_response(status, stored.body);
                response
                    .headers_mut()
                    .insert("idempotent-replayed", HeaderValue::from_static("true"));
                return response;
            }
            Check::Mismatch => {
                let error = ApiError {
                    kind: "idempotency_error",
                    ..ApiError::invalid(format!(
                        "Keys for idempotent requests can only be used with the same parameters \
                         they were first used with. Try using a key other than '{key}' if you \
                         meant to execute a different request."
                    ))
                };
                return error_response(&error);
            }
            Check::InFlight => {
                let error = ApiError {
                    status: StatusCode::CONFLICT,
                    code: Some("idempotency_key_in_use"),
                    ..ApiError::invalid(
                        "There is currently another in-progress request using this \
                         Idempotency-Key (probably a retry of a request you just made). Retry \
                         this request later.",
                    )
                };
                return error_response(&error);
            }
        }
    }

    let ctx = Ctx {
        key: ledger_key.clone(),
        params,
        json: json_body,
        version,
        path: path.clone(),
        query,
        now: app.now(),
    };
    let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
    let outcome = routes::dispatch(app, &ctx, &method, &segments, upload).await;
    // A read (or a refused write) of an account that holds nothing keeps nothing.
    app.lock().forget_if_empty(&ledger_key);

    match outcome {
        Ok(Reply::Json {
            status,
            body,
            committed,
        }) => {
            let bytes = Bytes::from(serde_json::to_vec(&body).unwrap_or_default());
            if let Some(key) = &idempotency_key {
                let stored = Stored {
                    status: status.as_u16(),
                    body: bytes.clone(),
                };
                app.lock().idempotency.finish(&ledger_key, key, stored);
            }
            if committed && app.faults.drop_after_commit(&path) {
                conn.cut();
            }
            if committed && app.faults.hang_after_commit(&path) {
                tokio::time::sleep(super::faults::HANG_AFTER_COMMIT).await;
                conn.cut();
            }
            json_response(status, bytes)
        }
        Ok(Reply::Raw(response)) => {
            if let Some(key) = &idempotency_key {
                app.lock().idempotency.abandon(&ledger_key, key);
            }
            response
        }
        Err(error) => {
            if let Some(key) = &idempotency_key {
                let mut store = app.lock();
                if error.replayable {
                    let body = serde_json::to_vec(&error.body()).unwrap_or_default();
                    let stored = Stored {
                        status: error.status.as_u16(),
                        body: Bytes::from(body),
                    };
                    store.idempotency.finish(&ledger_key, key, stored);
                } else {
                    store.idempotency.abandon(&ledger_key, key);
                }
            }
            error_response(&error)
        }
    }
}
