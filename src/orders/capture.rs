//! The capture queue: authorizations by deadline, and the countdown to each.

use super::row::{OrderRow, PaymentState};

/// Indices of orders awaiting capture, soonest deadline first.
#[must_use]
pub fn capture_queue(rows: &[OrderRow]) -> Vec<u32> {
    let mut idx: Vec<u32> = (0..rows.len() as u32)
        .filter(|&i| rows[i as usize].state == PaymentState::AwaitingCapture)
        .collect();
    idx.sort_by_key(|&i| rows[i as usize].capture_before.unwrap_or(i64::MAX));
    idx
}

/// Time left until `deadline` in words ("2 d 4 h", "5 h 12 min", "expired 3 h ago").
#[must_use]
pub fn countdown(deadline: i64, now: i64) -> String {
    let left = deadline - now;
    let fmt = |s: i64| {
        let (d, h, m) = (s / 86_400, (s % 86_400) / 3600, (s % 3600) / 60);
        if d > 0 {
            format!("{d} d {h} h")
        } else if h > 0 {
            format!("{h} h {m} min")
        } else {
            format!("{m} min")
        }
    };
    if left <= 0 {
        format!("expired {} ago", fmt(-left))
    } else {
        fmt(left)
    }
}

/// True when the deadline is in the last 24 hours (or past).
#[must_use]
pub fn is_urgent(deadline: i64, now: i64) -> bool {
    deadline - now < 86_400
}
