//! Pushing a saved catalog file to Stripe: upload with bytes-sent progress (cancellable),
//! then an `ImportSet` or a v2 catalog import, then a line in the local push history.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use crate::feed::FeedKind;
use crate::push_history::{self, ImportFlavour, PushRecord};
use crate::stripe::Client;
use crate::stripe::catalog_imports::{FeedType, ImportMode};
use crate::stripe::import_sets::StandardDataFormat;
use crate::stripe::push::PushVia;

use super::super::EventSink;
use super::super::session::SharedConnection;
use super::Event;

/// Upsert or replace.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PushMode {
    /// Add and update the rows in the file; leave other products alone.
    Upsert,
    /// Make the catalog exactly this file: products missing from it are removed.
    Replace,
}

impl PushMode {
    /// The API's word for it.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            PushMode::Upsert => "upsert",
            PushMode::Replace => "replace",
        }
    }
}

/// Everything a push needs.
#[derive(Debug, Clone)]
pub struct PushRequest {
    /// The saved file to upload.
    pub path: PathBuf,
    /// Which feed it is.
    pub kind: FeedKind,
    /// Upsert or replace.
    pub mode: PushMode,
    /// `ImportSet` (v1 preview) or v2 catalog import.
    pub flavour: ImportFlavour,
    /// Data rows in the file (for the history).
    pub rows: u64,
    /// Set to stop the upload.
    pub cancel: Arc<AtomicBool>,
}

/// Why a push request cannot be sent as asked, in a sentence; `None` when it can.
#[must_use]
pub fn refusal(kind: FeedKind, mode: PushMode, flavour: ImportFlavour) -> Option<String> {
    if mode == PushMode::Replace && kind != FeedKind::Product {
        return Some("Replace is only offered for product feeds; use upsert.".into());
    }
    if flavour == ImportFlavour::ImportSet {
        if mode == PushMode::Replace {
            return Some("ImportSets only upsert; pick the v2 catalog import to replace.".into());
        }
        if kind.standard_data_format().is_none() {
            return Some(format!(
                "ImportSets take no {kind} feed; pick the v2 catalog import."
            ));
        }
    }
    None
}

/// Runs one push and reports through `sink`: `PushProgress` while uploading, then `Pushed`,
/// `PushCancelled` or `PushFailed`.
pub async fn run(
    request: PushRequest,
    connection: SharedConnection,
    data_dir: PathBuf,
    sink: EventSink,
) {
    let conn = crate::worker::session::active(&connection);
    let Some(conn) = conn else {
        fail(
            &sink,
            "There is no connection yet. Wait for the sandbox or pick a profile in Settings, then push again."
                .into(),
            None,
        );
        return;
    };
    if let Some(why) = refusal(request.kind, request.mode, request.flavour) {
        fail(&sink, why, None);
        return;
    }
    let key = "catalog-push";
    sink.activity(key, "Uploading the catalog", Some(0.0));
    let progress_sink = sink.clone();
    let progress: crate::stripe::Progress = Arc::new(move |sent, total| {
        progress_sink.send(super::super::Event::Catalog(Event::PushProgress {
            sent,
            total,
        }));
    });
    let cancel = Arc::clone(&request.cancel);
    let work = upload_and_import(&conn.client, &request, progress);
    let outcome = tokio::select! {
        // A cancel that is already set wins over work that happens to be done.
        biased;
        () = wait_for(&cancel) => None,
        r = work => Some(r),
    };
    sink.done(key);
    match outcome {
        None => sink.send(super::super::Event::Catalog(Event::PushCancelled)),
        Some(Err(e)) => fail(&sink, e.user_message(), e.request_id().map(str::to_owned)),
        Some(Ok(import_id)) => {
            let record = PushRecord::now(
                (&import_id, request.flavour),
                request.kind.as_str(),
                request.mode.as_str(),
                &request.path,
                request.rows,
                conn.account_key(),
            );
            let history = push_history::path_in(&data_dir);
            let written =
                tokio::task::spawn_blocking(move || push_history::append(&history, &record)).await;
            if !matches!(written, Ok(Ok(()))) {
                sink.error(
                    "Recording the push",
                    format!(
                        "Import {import_id} was created, but it could not be added to the local push \
                         history in {}. It still shows in Stripe.",
                        data_dir.display()
                    ),
                    None,
                );
            }
            sink.send(super::super::Event::Catalog(Event::Pushed {
                import_id,
                flavour: request.flavour,
            }));
        }
    }
}

fn fail(sink: &EventSink, message: String, request_id: Option<String>) {
    sink.error("Pushing the catalog", message.clone(), request_id);
    sink.send(super::super::Event::Catalog(Event::PushFailed { message }));
}

async fn wait_for(flag: &AtomicBool) {
    while !flag.load(Ordering::Relaxed) {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn upload_and_import(
    client: &Client,
    request: &PushRequest,
    progress: crate::stripe::Progress,
) -> Result<String, crate::stripe::Error> {
    let via = match request.flavour {
        ImportFlavour::CatalogImport => PushVia::CatalogImport {
            feed: FeedType::from(request.kind),
            mode: match request.mode {
                PushMode::Upsert => ImportMode::Upsert,
                PushMode::Replace => ImportMode::Replace,
            },
        },
        ImportFlavour::ImportSet => PushVia::ImportSet {
            format: request
                .kind
                .standard_data_format()
                .map(StandardDataFormat::from)
                .ok_or_else(|| {
                    crate::stripe::Error::Invalid(format!(
                        "ImportSets take no {} feed; pick the v2 catalog import.",
                        request.kind
                    ))
                })?,
        },
    };
    let pushed = client
        .push_feed(&request.path, &via, Some(progress))
        .await?;
    Ok(pushed.import)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;
    use std::sync::RwLock;
    use std::sync::mpsc;

    use crate::worker::session::Connection;

    /// A sandbox, a connection to it and a sink whose events the test reads.
    async fn setup() -> (
        crate::sandbox::Sandbox,
        SharedConnection,
        EventSink,
        mpsc::Receiver<crate::worker::Event>,
    ) {
        let sandbox = crate::sandbox::Sandbox::start(crate::sandbox::SandboxConfig::default())
            .await
            .unwrap();
        let base = sandbox.base_url();
        let conn = Connection::new(
            crate::profiles::Mode::Sandbox,
            base.clone(),
            base,
            crate::sandbox::DEMO_KEY.to_owned(),
            None,
        )
        .unwrap();
        let shared: SharedConnection = Arc::new(RwLock::new(Some(Arc::new(conn))));
        let (tx, rx) = mpsc::channel();
        let sink = EventSink {
            tx,
            repaint: Arc::new(|| {}),
        };
        (sandbox, shared, sink, rx)
    }

    fn request(path: &Path, flavour: ImportFlavour) -> PushRequest {
        PushRequest {
            path: path.to_path_buf(),
            kind: FeedKind::Product,
            mode: PushMode::Upsert,
            flavour,
            rows: 5,
            cancel: Arc::new(AtomicBool::new(false)),
        }
    }

    fn catalog_events(rx: &mpsc::Receiver<crate::worker::Event>) -> Vec<Event> {
        rx.try_iter()
            .filter_map(|e| match e {
                crate::worker::Event::Catalog(e) => Some(e),
                _ => None,
            })
            .collect()
    }

    #[tokio::test]
    async fn both_flavours_push_to_the_sandbox_and_are_recorded() {
        let (_sandbox, conn, sink, rx) = setup().await;
        let data = tempfile::tempdir().unwrap();
        let path = std::path::PathBuf::from("tests/fixtures/feed/product_valid.csv");
        for flavour in [ImportFlavour::CatalogImport, ImportFlavour::ImportSet] {
            run(
                request(&path, flavour),
                Arc::clone(&conn),
                data.path().into(),
                sink.clone(),
            )
            .await;
        }
        let events = catalog_events(&rx);
        let ids: Vec<&String> = events
            .iter()
            .filter_map(|e| match e {
                Event::Pushed { import_id, .. } => Some(import_id),
                _ => None,
            })
            .collect();
        assert_eq!(ids.len(), 2, "{events:?}");
        assert!(ids[1].starts_with("impset_"));
        assert!(events.iter().any(
            |e| matches!(e, Event::PushProgress { sent, total } if sent == total && *total > 0)
        ));
        let history = push_history::load(&push_history::path_in(data.path())).unwrap();
        assert_eq!(history.len(), 2);
        assert_eq!(history[0].flavour, ImportFlavour::ImportSet);
    }

    #[tokio::test]
    async fn a_cancelled_push_imports_nothing_and_records_nothing() {
        let (_sandbox, conn, sink, rx) = setup().await;
        let data = tempfile::tempdir().unwrap();
        let path = std::path::PathBuf::from("tests/fixtures/feed/product_valid.csv");
        let req = request(&path, ImportFlavour::CatalogImport);
        req.cancel.store(true, Ordering::Relaxed);
        run(req, conn, data.path().into(), sink).await;
        let events = catalog_events(&rx);
        assert!(
            events.iter().any(|e| matches!(e, Event::PushCancelled)),
            "{events:?}"
        );
        assert!(!events.iter().any(|e| matches!(e, Event::Pushed { .. })));
        assert!(
            push_history::load(&push_history::path_in(data.path()))
                .unwrap()
                .is_empty()
        );
    }

    #[test]
    fn replace_needs_a_product_feed_and_the_v2_api() {
        assert!(
            refusal(
                FeedKind::Product,
                PushMode::Replace,
                ImportFlavour::CatalogImport
            )
            .is_none()
        );
        assert!(
            refusal(
                FeedKind::Inventory,
                PushMode::Replace,
                ImportFlavour::CatalogImport
            )
            .is_some()
        );
        assert!(
            refusal(
                FeedKind::Product,
                PushMode::Replace,
                ImportFlavour::ImportSet
            )
            .is_some()
        );
        assert!(
            refusal(
                FeedKind::Promotion,
                PushMode::Upsert,
                ImportFlavour::ImportSet
            )
            .is_some()
        );
        assert!(
            refusal(
                FeedKind::Pricing,
                PushMode::Upsert,
                ImportFlavour::ImportSet
            )
            .is_none()
        );
    }
}
