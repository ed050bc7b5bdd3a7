//! v1 Data Management `ImportSets` (private preview, behind the `udap_beta=v1` version flag).

use std::sync::Arc;

use rand::rngs::StdRng;
use serde_json::{Value, json};

use super::files::CATALOG_PURPOSE;
use super::request::{Ctx, Object, Outcome, expanded, list_page, render_or_404, renderer};
use crate::feed::FeedKind;
use crate::sandbox::errors::ApiError;
use crate::sandbox::events;
use crate::sandbox::ids;
use crate::sandbox::imports::{self, Target};
use crate::sandbox::pagination::v1_page;
use crate::sandbox::render::{Draw, Renderer};
use crate::sandbox::state::{ImportJob, ImportSet, Ledger, LedgerKey, Phase, Shared};

/// `data_management.import_set`, as a retrieve names it.
const IMPORT_SET: Object = Object::new("data_management.import_set", "id");

/// The beta flag the Data Management API needs in `Stripe-Version`.
pub(crate) const BETA_FLAG: &str = "udap_beta=v1";

fn require_beta(ctx: &Ctx) -> Result<(), ApiError> {
    let flagged = ctx
        .version
        .as_deref()
        .is_some_and(|v| v.split(';').any(|part| part.trim() == BETA_FLAG));
    if flagged {
        Ok(())
    } else {
        Err(ApiError::invalid(format!(
            "The Data Management API is in private preview and needs the beta flag in the \
             version header: send `Stripe-Version: 2025-09-30.clover;{BETA_FLAG}`{}.",
            ctx.version
                .as_deref()
                .map(|v| format!(" (this request sent `{v}`)"))
                .unwrap_or_default()
        )))
    }
}

impl Draw for ImportSet {
    fn draw(&self, r: &Renderer<'_>) -> Value {
        render(self, r.live)
    }
}

/// The `ImportSet` as the API shows it now.
pub(crate) fn render(set: &ImportSet, live: bool) -> Value {
    let counts = |processed: u64, errors: u64, file: Option<&str>| {
        json!({
            "rows_processed": processed,
            "objects_created": processed - errors,
            "successes": { "row_count": processed - errors },
            "errors": { "row_count": errors, "file": file },
            "skipped_by_filter": { "row_count": 0 },
            "skipped_duplicates": { "row_count": 0 },
        })
    };
    let (status, failed_reason, result) = match set.job.phase() {
        Phase::Pending => ("pending", None, counts(0, 0, None)),
        Phase::Processing { processed, errors } => {
            ("pending", None, counts(processed, errors, None))
        }
        Phase::Done(outcome) => match &outcome.failure {
            Some(failure) => ("failed", Some(failure.message.clone()), counts(0, 0, None)),
            None => (
                if outcome.error_rows > 0 {
                    "succeeded_with_errors"
                } else {
                    "succeeded"
                },
                None,
                counts(
                    outcome.rows,
                    outcome.error_rows,
                    outcome.error_file.as_deref(),
                ),
            ),
        },
    };
    json!({
        "id": set.id, "object": "data_management.import_set", "created": set.created,
        "livemode": live, "file": set.file, "standard_data_format": set.standard_data_format,
        "status": status, "failed_reason": failed_reason, "result": result,
    })
}

/// `POST /v1/data_management/import_sets`.
pub(crate) fn create(app: &Arc<Shared>, ctx: &Ctx) -> Outcome {
    require_beta(ctx)?;
    let p = &ctx.params;
    p.allow(&["file", "standard_data_format", "expand", "metadata"])?;
    let file_id = p.required_str("file")?;
    let format = p.required_str("standard_data_format")?;
    let kind = match format {
        "product_catalog_feed" => FeedKind::Product,
        "inventory_feed" => FeedKind::Inventory,
        "price_feed" => FeedKind::Pricing,
        other => {
            return Err(ApiError::param(
                "standard_data_format",
                format!(
                    "Invalid standard_data_format: {other}. Use product_catalog_feed, \
                     inventory_feed or price_feed."
                ),
            ));
        }
    };
    let mut store = app.lock();
    let (ledger, rng) = store.ledger_and_rng(&ctx.key);
    let file = ledger
        .files
        .get(file_id)
        .ok_or_else(|| ApiError::no_such("file", file_id, "file"))?;
    if file.purpose != CATALOG_PURPOSE {
        return Err(ApiError::param(
            "file",
            format!(
                "File {file_id} was uploaded with purpose `{}`; upload the feed again with \
                 purpose `{CATALOG_PURPOSE}`.",
                file.purpose
            ),
        ));
    }
    let source = file.path.clone();
    let set = ImportSet {
        id: ids::moded(rng, "impset", ctx.key.live),
        seq: ledger.next_seq(),
        created: ctx.now,
        file: file_id.to_string(),
        standard_data_format: format.to_string(),
        job: ImportJob::running(),
    };
    let id = set.id.clone();
    let value = render(&set, ctx.key.live);
    ledger.import_sets.insert(set);
    drop(store);
    imports::start(
        app.clone(),
        ctx.key.clone(),
        Target::ImportSet(id),
        source,
        kind,
        finished,
    );
    let mut store = app.lock();
    let r = renderer(app, ctx, store.ledger(&ctx.key));
    expanded(&r, ctx, value, true)
}

/// `GET /v1/data_management/import_sets/:id`.
pub(crate) fn retrieve(app: &Arc<Shared>, ctx: &Ctx, id: &str) -> Outcome {
    require_beta(ctx)?;
    ctx.params.allow(&["expand"])?;
    render_or_404(app, ctx, id, &IMPORT_SET, |l| l.import_sets.get(id))
}

/// `GET /v1/data_management/import_sets` (a sandbox convenience; not public at Stripe).
pub(crate) fn list(app: &Arc<Shared>, ctx: &Ctx) -> Outcome {
    require_beta(ctx)?;
    let p = &ctx.params;
    p.allow_list(&[])?;
    let created = p.range("created")?;
    let mut store = app.lock();
    let ledger = store.ledger(&ctx.key);
    let page = v1_page(&ledger.import_sets, p, "data_management.import_set", |s| {
        created.is_none_or(|r| r.contains(s.created))
    })?;
    let r = renderer(app, ctx, ledger);
    list_page(&r, ctx, "/v1/data_management/import_sets", &page, |s| {
        render(s, ctx.key.live)
    })
}

/// Records `data_management.import_set.succeeded` or `.failed` once the set's result shows.
fn finished(ledger: &mut Ledger, rng: &mut StdRng, key: &LedgerKey, now: i64, target: &Target) {
    let Target::ImportSet(id) = target else {
        return;
    };
    let Some(value) = ledger.import_sets.get(id).map(|set| render(set, key.live)) else {
        return;
    };
    let kind = if value["status"] == "failed" {
        "data_management.import_set.failed"
    } else {
        "data_management.import_set.succeeded"
    };
    events::emit(ledger, rng, key, now, kind, value, None);
}
