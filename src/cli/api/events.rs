//! `events tail` and `listen`: follow the account's events from the command line, printing
//! them as they arrive or forwarding each to the seller's own webhook endpoint, signed the way
//! Stripe signs deliveries, so fulfilment code can be tested locally without a tunnel.

use std::time::{Duration, Instant};

use super::common::{self, Common, Failure, Outcome};
use crate::hooks::sign::{SIGNATURE_HEADER, signature_header};
use crate::live::{Cursor, read_new};
use crate::stripe::Client;
use crate::stripe::events::{Event, EventFilter};

/// Event commands.
#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Print the account's events as they happen (newest last); Ctrl+C stops.
    Tail {
        /// Only events of this type (repeat for several; at most 20).
        #[arg(long = "type", value_name = "TYPE")]
        types: Vec<String>,
        /// Seconds between two looks at the account.
        #[arg(long, default_value_t = 2, value_name = "SECS")]
        interval: u64,
        /// Stop after this many events (for scripts); runs until Ctrl+C otherwise.
        #[arg(long, value_name = "N")]
        max_events: Option<usize>,
        #[command(flatten)]
        common: Common,
    },
}

impl Command {
    pub(super) fn common(&self) -> &Common {
        match self {
            Command::Tail { common, .. } => common,
        }
    }
}

/// `listen`: forward events to a local endpoint.
#[derive(Debug, clap::Args)]
pub struct ListenArgs {
    /// Where to POST each event, e.g. `http://localhost:4242/webhook` (`4242` and `/webhook`
    /// are short for localhost).
    #[arg(long, value_name = "URL")]
    pub forward_to: String,
    /// Only these event types, comma separated (at most 20); all when left out.
    #[arg(long, value_delimiter = ',', value_name = "TYPES")]
    pub events: Vec<String>,
    /// The environment variable holding the endpoint's signing secret (`whsec_…`).
    #[arg(long, default_value = "STRIPE_WEBHOOK_SECRET", value_name = "VAR")]
    pub secret_env: String,
    /// Seconds between two looks at the account.
    #[arg(long, default_value_t = 2, value_name = "SECS")]
    pub interval: u64,
    /// Stop after this many deliveries (for scripts and tests); runs until Ctrl+C otherwise.
    #[arg(long, value_name = "N")]
    pub max_events: Option<usize>,
    #[command(flatten)]
    pub common: Common,
}

/// Tries per delivery, and the pause before the first retry (it doubles).
const DELIVERY_TRIES: u32 = 4;
const FIRST_RETRY: Duration = Duration::from_millis(500);

/// Runs an events command.
pub async fn run(command: Command) -> Outcome {
    match command {
        Command::Tail {
            types,
            interval,
            max_events,
            common,
        } => {
            let client = common::client(&common)?;
            let filter = filter(types)?;
            let json = common.json;
            follow(&client, &filter, interval, max_events, |event: Event| {
                if json {
                    println!("{}", serde_json::to_string(&event).unwrap_or_default());
                } else {
                    println!(
                        "{}  {:<44} {}  {}",
                        common::date(event.created),
                        event.kind,
                        event.object_id().unwrap_or("-"),
                        event.id
                    );
                }
                async {}
            })
            .await
        }
    }
}

/// Runs `listen`.
pub async fn listen(args: ListenArgs) -> Outcome {
    let client = common::client(&args.common)?;
    let filter = filter(args.events)?;
    let url = forward_url(&args.forward_to)?;
    let secret = std::env::var(&args.secret_env).map_err(|_| {
        Failure::usage(format!(
            "Set {} to your endpoint's signing secret (whsec_…) so deliveries are signed the \
             way Stripe signs them, or name another variable with --secret-env.",
            args.secret_env
        ))
    })?;
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(30))
        .build()
        .map_err(|e| Failure::usage(format!("Could not start the HTTP client: {e}")))?;
    eprintln!(
        "Forwarding {} to {url}. Ctrl+C stops.",
        if filter.types.is_empty() {
            "every event".to_owned()
        } else {
            filter.types.join(", ")
        }
    );
    let http = &http;
    let (url, secret) = (&url, &secret);
    follow(
        &client,
        &filter,
        args.interval,
        args.max_events,
        |event: Event| async move {
            let line = deliver(http, url, secret, &event).await;
            println!("{line}");
        },
    )
    .await
}

fn filter(types: Vec<String>) -> Result<EventFilter, Failure> {
    let types: Vec<String> = types
        .into_iter()
        .map(|t| t.trim().to_owned())
        .filter(|t| !t.is_empty())
        .collect();
    if types.len() > crate::stripe::events::MAX_TYPES {
        return Err(Failure::usage(format!(
            "Stripe filters events on at most {} types at once; {} were given.",
            crate::stripe::events::MAX_TYPES,
            types.len()
        )));
    }
    Ok(EventFilter {
        types,
        created_gte: None,
    })
}

/// `4242` → `http://localhost:4242`, `/hook` → `http://localhost/hook`, `localhost:4242/x` →
/// `http://localhost:4242/x`, as the Stripe CLI reads `--forward-to`.
fn forward_url(text: &str) -> Result<String, Failure> {
    let text = text.trim();
    let full = if text.bytes().all(|b| b.is_ascii_digit()) && !text.is_empty() {
        format!("http://localhost:{text}")
    } else if text.starts_with('/') {
        format!("http://localhost{text}")
    } else if text.starts_with("http://") || text.starts_with("https://") {
        text.to_owned()
    } else {
        format!("http://{text}")
    };
    url::Url::parse(&full)
        .map(|u| u.to_string())
        .map_err(|e| Failure::usage(format!("`{text}` is not a URL to forward to ({e}).")))
}

/// POSTs one event as Stripe delivers it (the event JSON, `Stripe-Signature` over those exact
/// bytes), retrying with backoff on errors and non-2xx answers. Returns the line to print.
async fn deliver(http: &reqwest::Client, url: &str, secret: &str, event: &Event) -> String {
    let body = serde_json::to_vec(event).unwrap_or_default();
    let mut pause = FIRST_RETRY;
    let mut last = String::new();
    for attempt in 1..=DELIVERY_TRIES {
        let started = Instant::now();
        let signed = signature_header(secret, chrono::Utc::now().timestamp(), &body);
        let answer = http
            .post(url)
            .header("content-type", "application/json; charset=utf-8")
            .header(SIGNATURE_HEADER, signed)
            .body(body.clone())
            .send()
            .await;
        let ms = started.elapsed().as_millis();
        match answer {
            Ok(resp) if resp.status().is_success() => {
                return format!(
                    "--> {} {:<44} {}  [{} in {ms} ms{}]",
                    common::date(event.created),
                    event.kind,
                    event.id,
                    resp.status().as_u16(),
                    if attempt > 1 {
                        format!(", try {attempt}")
                    } else {
                        String::new()
                    }
                );
            }
            Ok(resp) => last = format!("{}", resp.status().as_u16()),
            Err(e) if e.is_timeout() => last = "timed out".into(),
            Err(e) if e.is_connect() => last = "could not connect".into(),
            Err(e) => last = crate::stripe::scrub_secrets(&e.to_string()),
        }
        if attempt < DELIVERY_TRIES {
            tokio::time::sleep(pause).await;
            pause *= 2;
        }
    }
    format!(
        "xx> {} {:<44} {}  [{last} after {DELIVERY_TRIES} tries; not delivered]",
        common::date(event.created),
        event.kind,
        event.id
    )
}

/// Polls the account's events every `interval` seconds from now on, handing each new event to
/// `each` once, oldest first, until Ctrl+C (or `max` events).
async fn follow<F, Fut>(
    client: &Client,
    filter: &EventFilter,
    interval: u64,
    max: Option<usize>,
    mut each: F,
) -> Outcome
where
    F: FnMut(Event) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let mut cursor = Cursor::default();
    let mut handled = 0usize;
    let mut stop = crate::sandbox::StopSignal::install()
        .map_err(|e| Failure::usage(format!("Could not watch for Ctrl+C ({e}).")))?;
    // The first look fixes "now" by the account's clock: the newest event, if any.
    let start = chrono::Utc::now().timestamp();
    loop {
        let fresh = match read_new(client, filter, &mut cursor, start).await {
            Ok(fresh) => {
                if fresh.gap {
                    eprintln!(
                        "More than 30 days passed since the last event read; Stripe no \
                         longer keeps what happened in between."
                    );
                }
                fresh.events
            }
            Err(e) => {
                eprintln!("{e}");
                Vec::new()
            }
        };
        for event in fresh {
            each(event).await;
            handled += 1;
            if max.is_some_and(|m| handled >= m) {
                return Ok(());
            }
        }
        tokio::select! {
            () = stop.wait() => return Ok(()),
            () = tokio::time::sleep(Duration::from_secs(interval.max(1))) => {}
        }
    }
}
