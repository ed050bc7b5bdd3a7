//! The filtered list as CSV, amounts in major units.

use chrono::{DateTime, Utc};

use super::row::OrderRow;

/// Writes the given rows as CSV (header first), amounts in major units.
pub fn export_csv<'a>(
    rows: impl IntoIterator<Item = &'a OrderRow>,
    out: impl std::io::Write,
) -> csv::Result<()> {
    let mut w = csv::Writer::from_writer(out);
    w.write_record([
        "date",
        "agent",
        "order_number",
        "customer",
        "email",
        "items",
        "skus",
        "total",
        "refunded",
        "currency",
        "payment_state",
        "checkout_session",
        "payment_intent",
    ])?;
    for r in rows {
        let date = DateTime::<Utc>::from_timestamp(r.created, 0)
            .map(|d| d.format("%Y-%m-%d %H:%M:%S").to_string())
            .unwrap_or_default();
        w.write_record([
            date.as_str(),
            &r.agent,
            &r.order_number,
            &r.customer,
            &r.email,
            &r.items,
            &r.skus.join(" "),
            &crate::money::format_plain(r.total, &r.currency),
            &crate::money::format_plain(r.refunded, &r.currency),
            &r.currency.to_uppercase(),
            r.state.label(),
            &r.id,
            r.payment_intent.as_deref().unwrap_or(""),
        ])?;
    }
    w.flush()?;
    Ok(())
}
