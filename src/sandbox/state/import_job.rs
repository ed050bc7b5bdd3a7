//! The processing state of one feed import as a poller sees it: pending, then counts that grow
//! over a few seconds, then the outcome (rows, error report, samples, or why the file failed).

use std::time::{Duration, Instant};

/// How long an import stays `pending` before counts start to grow.
const PENDING_TIME: Duration = Duration::from_millis(300);
/// How long an import takes from start to its terminal state (at least).
pub(crate) const PROCESSING_TIME: Duration = Duration::from_millis(2500);
/// What each row adds to it, up to [`MAX_EXTRA_TIME`]: a bigger file takes longer, so a big
/// file pushed first finishes after a small one pushed next, as Stripe warns ("a later
/// upload can finish before an earlier one").
const TIME_PER_ROW: Duration = Duration::from_micros(500);
/// The most rows add (a 200 MB catalog takes 22.5 s in all).
const MAX_EXTRA_TIME: Duration = Duration::from_secs(20);

/// How long an import of `rows` rows takes from start to its terminal state.
#[must_use]
pub(crate) fn processing_time(rows: u64) -> Duration {
    let extra = TIME_PER_ROW.saturating_mul(u32::try_from(rows).unwrap_or(u32::MAX));
    PROCESSING_TIME + extra.min(MAX_EXTRA_TIME)
}
/// Why a whole file failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Failure {
    /// v2 `failed.code`: `invalid_file`, `file_not_found`, `internal_error`.
    pub code: &'static str,
    /// v2 `failed.type`: `cannot_proceed` or `transient_failure`.
    pub kind: &'static str,
    /// A sentence: what is wrong and what to do.
    pub message: String,
}

/// One row-level error quoted in v2 `samples`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Sample {
    pub id: String,
    pub row: u64,
    pub field: String,
    pub message: String,
}

/// The result of an import.
#[derive(Debug, Clone, Default)]
pub(crate) struct Outcome {
    pub rows: u64,
    pub error_rows: u64,
    /// `file_…` of the error report, when rows failed.
    pub error_file: Option<String>,
    pub samples: Vec<Sample>,
    pub failure: Option<Failure>,
}

/// Where an import is, as a poller sees it.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Phase<'a> {
    Pending,
    Processing { processed: u64, errors: u64 },
    Done(&'a Outcome),
}

/// The processing state of one import.
#[derive(Debug, Default)]
pub(crate) struct ImportJob {
    started: Option<Instant>,
    outcome: Option<Outcome>,
}

impl ImportJob {
    /// A job starting now.
    pub fn running() -> Self {
        ImportJob {
            started: Some(Instant::now()),
            outcome: None,
        }
    }

    /// A job that finished long ago (seed data).
    pub fn finished(outcome: Outcome) -> Self {
        ImportJob {
            started: None,
            outcome: Some(outcome),
        }
    }

    /// Records the outcome of the analysis; pollers see it once [`Self::takes`] has passed.
    pub fn finish(&mut self, outcome: Outcome) {
        self.outcome = Some(outcome);
    }

    /// How long the job takes in all ([`processing_time`] of its rows, once analysed).
    pub fn takes(&self) -> Duration {
        processing_time(self.outcome.as_ref().map_or(0, |o| o.rows))
    }

    /// Where the job is now: results appear gradually over [`Self::takes`].
    pub fn phase(&self) -> Phase<'_> {
        let elapsed = self.started.map_or(Duration::MAX, |s| s.elapsed());
        if elapsed < PENDING_TIME {
            return Phase::Pending;
        }
        let takes = self.takes();
        match &self.outcome {
            Some(outcome) if elapsed >= takes => Phase::Done(outcome),
            Some(outcome) => {
                let fraction = elapsed.saturating_sub(PENDING_TIME).as_secs_f64()
                    / takes.saturating_sub(PENDING_TIME).as_secs_f64();
                let fraction = fraction.clamp(0.0, 0.95);
                Phase::Processing {
                    processed: (outcome.rows as f64 * fraction) as u64,
                    errors: (outcome.error_rows as f64 * fraction) as u64,
                }
            }
            None => Phase::Processing {
                processed: 0,
                errors: 0,
            },
        }
    }
}
