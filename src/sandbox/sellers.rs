//! The demo platform's connected sellers: a dozen named shops (more generated for scale with
//! `--accounts N`), each with its own catalog, orders, agreements and import history. A
//! seller's data is made the first time a request acts as it, so 5,000 accounts cost nothing
//! until they are looked at. Deterministic apart from the dates, which follow "now".

use std::collections::BTreeMap;
use std::io;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use super::ids;
use super::imports::ERROR_REPORT_PURPOSE;
use super::seed;
use super::state::{
    CatalogImport, ConnectedAccount, ImportJob, Ledger, Outcome, SellerData, Shared,
};
use crate::feed::FeedKind;

const MINUTE: i64 = 60;
const HOUR: i64 = 3_600;
const DAY: i64 = 86_400;

/// How many connected sellers the demo platform has unless told otherwise.
pub const DEMO_SELLERS: usize = 12;

/// The named demo sellers: name, web domain, country, currency, account type.
const NAMED: [(&str, &str, &str, &str, &str); DEMO_SELLERS] = [
    ("Alder & Ash Ceramics", "alder-ash", "US", "usd", "express"),
    ("Bluebell Tea Co.", "bluebell-tea", "GB", "gbp", "standard"),
    ("Cobalt Cycle Works", "cobalt-cycle", "US", "usd", "express"),
    ("Driftwood Candles", "driftwood", "CA", "cad", "express"),
    ("Emberline Coffee", "emberline", "US", "usd", "custom"),
    ("Fernhill Linens", "fernhill", "IE", "eur", "standard"),
    (
        "Granite Peak Outfitters",
        "granite-peak",
        "US",
        "usd",
        "express",
    ),
    ("Harbor Soap Studio", "harbor-soap", "US", "usd", "express"),
    ("Indigo Loom", "indigo-loom", "NL", "eur", "standard"),
    ("Juniper Kids", "juniper-kids", "US", "usd", "express"),
    ("Kestrel Books", "kestrel-books", "AU", "aud", "custom"),
    ("Lumen Lamps", "lumen-lamps", "US", "usd", "express"),
];

/// Words the generated sellers' names are made of.
const FIRST: [&str; 25] = [
    "Amber", "Birch", "Cedar", "Dune", "Elm", "Flint", "Garnet", "Hazel", "Iris", "Jade", "Kelp",
    "Linden", "Maple", "Nettle", "Oak", "Pine", "Quartz", "Rowan", "Sage", "Thistle", "Umber",
    "Violet", "Willow", "Yarrow", "Zinnia",
];
const SECOND: [&str; 20] = [
    "Hollow", "Ridge", "Brook", "Field", "Harbor", "Meadow", "Grove", "Stone", "Valley", "Crest",
    "Bay", "Glen", "Marsh", "Point", "Vale", "Wharf", "Knoll", "Cove", "Heath", "Ford",
];
const TRADE: [&str; 12] = [
    "Goods",
    "Supply",
    "Studio",
    "Market",
    "Works",
    "Home",
    "Pantry",
    "Outfitters",
    "Gallery",
    "Apothecary",
    "Trading Co.",
    "Atelier",
];

/// The platform's `count` connected sellers in test mode, oldest first: the named demo shops,
/// then generated ones.
pub(crate) fn accounts(count: usize, now: i64) -> Vec<ConnectedAccount> {
    let mut rng = StdRng::seed_from_u64(0xACC7_5E11);
    (0..count)
        .map(|index| {
            let (name, slug, country, currency, kind) =
                if let Some(&(name, slug, country, currency, kind)) = NAMED.get(index) {
                    (name.to_owned(), slug.to_owned(), country, currency, kind)
                } else {
                    let name = generated_name(index - DEMO_SELLERS);
                    let slug = name
                        .to_ascii_lowercase()
                        .replace(" co.", "")
                        .replace(|c: char| !c.is_ascii_alphanumeric(), "-");
                    (name, slug, "US", "usd", "express")
                };
            // One seller in seven has not finished onboarding: charges are off until it does.
            let onboarding = index % 7 == 6;
            let mut metadata = BTreeMap::new();
            metadata.insert("seller_number".to_owned(), format!("{}", index + 1));
            ConnectedAccount {
                id: format!("acct_1{}", ids::token(&mut rng, 15)),
                seq: 0,
                created: now - (400 - (index % 390) as i64) * DAY + index as i64,
                name,
                email: Some(format!("hello@{slug}.example")),
                url: Some(format!("https://{slug}.example")),
                country: country.to_owned(),
                default_currency: currency.to_owned(),
                kind: kind.to_owned(),
                charges_enabled: !onboarding,
                payouts_enabled: !onboarding,
                details_submitted: !onboarding,
                currently_due: if onboarding {
                    vec![
                        "business_profile.product_description".into(),
                        "external_account".into(),
                        "tos_acceptance.date".into(),
                    ]
                } else {
                    Vec::new()
                },
                disabled_reason: onboarding.then(|| "requirements.past_due".to_owned()),
                metadata,
                pending_data: Some(SellerData {
                    index,
                    rich: index < DEMO_SELLERS,
                }),
            }
        })
        .collect()
}

/// The sellers the demo platform's destination charges pay: the first four named ones that
/// take charges in US dollars.
pub(crate) fn destinations(accounts: &[ConnectedAccount]) -> Vec<String> {
    accounts
        .iter()
        .take(DEMO_SELLERS)
        .filter(|a| a.charges_enabled && a.default_currency == "usd")
        .take(4)
        .map(|a| a.id.clone())
        .collect()
}

fn generated_name(n: usize) -> String {
    let first = FIRST[n % FIRST.len()];
    let second = SECOND[(n / FIRST.len()) % SECOND.len()];
    let trade = TRADE[(n / (FIRST.len() * SECOND.len())) % TRADE.len()];
    let round = n / (FIRST.len() * SECOND.len() * TRADE.len());
    if round == 0 {
        format!("{first} {second} {trade}")
    } else {
        format!("{first} {second} {trade} {}", round + 1)
    }
}

/// What a seller's import history says, so the platform board has every kind of row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Story {
    /// Product and inventory feeds accepted minutes ago.
    Fresh,
    /// The last product feed had rows with errors.
    RowErrors,
    /// The last inventory file was rejected whole.
    Failed,
    /// Clean, but nothing sent for days: the feed is stale.
    Stale,
    /// Never sent a feed.
    Never,
}

impl Story {
    fn of(index: usize) -> Story {
        match index % 6 {
            0 | 5 => Story::Fresh,
            1 => Story::RowErrors,
            2 => Story::Failed,
            3 => Story::Stale,
            _ => Story::Never,
        }
    }
}

/// Fills a connected seller's ledger with its demo data.
pub(crate) fn fill(
    ledger: &mut Ledger,
    shared: &Shared,
    now: i64,
    data: SellerData,
) -> io::Result<()> {
    let mut rng = StdRng::seed_from_u64(0x5E11_E2C0 ^ ((data.index as u64 + 1) * 0x9E37_79B9));
    ledger.seller_profile = ids::moded(&mut rng, "profile", false);
    let count = if data.rich {
        24 + (data.index * 13) % 50
    } else {
        rng.random_range(0..7)
    };
    // One seller in four has captures due within a day.
    let urgent = if data.index.is_multiple_of(4) { 2 } else { 0 };
    seed::orders_with_urgent(ledger, &mut rng, now, count, 30, urgent);
    let catalog = seed::ensure_catalog(ledger, &mut rng, now);
    if data.rich && data.index % 4 == 1 {
        seed::disputes(ledger, &mut rng, now);
    }
    if data.rich || data.index.is_multiple_of(3) {
        seed::agreements(ledger, &mut rng, &catalog, now);
        // Only one seller in three still has agreements to confirm; the others did.
        if !data.index.is_multiple_of(3) {
            for agreement in ledger.agreements.values_mut() {
                if agreement.terminated_at.is_none() {
                    agreement.seller_confirmed_at = agreement
                        .seller_confirmed_at
                        .or(Some(agreement.created + HOUR));
                    agreement.orchestrator_confirmed_at = agreement
                        .orchestrator_confirmed_at
                        .or(Some(agreement.created + 2 * HOUR));
                }
            }
        }
    }
    imports(ledger, &mut rng, shared, now, Story::of(data.index))
}

fn imports(
    ledger: &mut Ledger,
    rng: &mut StdRng,
    shared: &Shared,
    now: i64,
    story: Story,
) -> io::Result<()> {
    let rows = seed::demo_catalog_rows();
    let clean = |rows| {
        ImportJob::finished(Outcome {
            rows,
            ..Outcome::default()
        })
    };
    match story {
        Story::Never => {}
        Story::Fresh => {
            v2_import(
                ledger,
                rng,
                now - 40 * MINUTE,
                FeedKind::Product,
                clean(rows),
            );
            v2_import(
                ledger,
                rng,
                now - 6 * MINUTE,
                FeedKind::Inventory,
                clean(rows),
            );
        }
        Story::Stale => {
            v2_import(ledger, rng, now - 3 * DAY, FeedKind::Product, clean(rows));
        }
        Story::RowErrors => {
            v2_import(ledger, rng, now - 2 * DAY, FeedKind::Product, clean(rows));
            let created = now - 35 * MINUTE;
            let (report, samples) = seed::demo_error_report();
            let id = ids::moded(rng, "pcimprt", false);
            let errors = seed::store_file(
                ledger,
                rng,
                shared,
                created + 50,
                &format!("{id}_errors.csv"),
                ERROR_REPORT_PURPOSE,
                &report,
            )?;
            let job = ImportJob::finished(Outcome {
                rows,
                error_rows: 3,
                error_file: Some(errors),
                samples,
                failure: None,
            });
            insert_v2(ledger, rng, id, created, FeedKind::Product, job);
        }
        Story::Failed => {
            v2_import(ledger, rng, now - DAY, FeedKind::Product, clean(rows));
            seed::rejected_inventory_import(
                ledger,
                rng,
                shared,
                now - 2 * HOUR,
                "inventory.csv",
                "sku,availability,inventory_quantity\nJO-MUG-SAGE-12,in_stock,40\n",
            )?;
        }
    }
    Ok(())
}

fn v2_import(ledger: &mut Ledger, rng: &mut StdRng, created: i64, kind: FeedKind, job: ImportJob) {
    let id = ids::moded(rng, "pcimprt", false);
    insert_v2(ledger, rng, id, created, kind, job);
}

fn insert_v2(
    ledger: &mut Ledger,
    rng: &mut StdRng,
    id: String,
    created: i64,
    kind: FeedKind,
    job: ImportJob,
) {
    let seq = ledger.next_seq();
    ledger.catalog_imports.insert(CatalogImport {
        id,
        seq,
        created,
        feed_type: kind,
        mode: "upsert".into(),
        metadata: BTreeMap::new(),
        upload_token: ids::token(rng, 40),
        upload_expires_at: created + HOUR,
        job: Some(job),
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn five_thousand_sellers_have_distinct_names_and_ids() {
        let all = accounts(5_000, 1_800_000_000);
        let names: std::collections::HashSet<_> = all.iter().map(|a| a.name.as_str()).collect();
        let ids: std::collections::HashSet<_> = all.iter().map(|a| a.id.as_str()).collect();
        assert_eq!(names.len(), 5_000);
        assert_eq!(ids.len(), 5_000);
        assert_eq!(all[0].name, "Alder & Ash Ceramics");
        assert!(
            all.iter()
                .all(|a| a.id.starts_with("acct_1") && a.id.len() == 21)
        );
    }
}
