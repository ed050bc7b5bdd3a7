//! Demo data: a home-goods seller's catalog, a few hundred agent orders from four named
//! agents over the last 60 days (some awaiting capture with near and far deadlines, some
//! refunded fully or partly, some canceled), agreements in every status, and past imports,
//! one with an error report. Deterministic apart from the dates, which follow "now".

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use super::funds;
use super::ids;
use super::imports::ERROR_REPORT_PURPOSE;
use super::routes::files::CATALOG_PURPOSE;
use super::state::{
    Address, AgentRef, Agreement, Card, CatalogImport, Charge, DemoCatalog, Failure, FileRec,
    ImportJob, ImportSet, Ledger, LineItem, Outcome, Party, PaymentIntent, Person, Price, Product,
    Refund, Sample, Session, Shared, TaxRate,
};
use crate::feed::FeedKind;

const DAY: i64 = 86_400;
const HOUR: i64 = 3_600;
/// How long a card authorization lasts before it must be captured.
const AUTH_WINDOW: i64 = 7 * DAY;
/// Orders in the demo seed.
pub(crate) const DEMO_ORDERS: usize = 320;

/// sku, name, description, price in cents, mpn.
const PRODUCTS: &[(&str, &str, &str, i64, &str)] = &[
    (
        "JO-MUG-SAGE-12",
        "Stoneware Mug, Sage, 12 oz",
        "Hand-glazed stoneware mug in a soft sage green. Dishwasher and microwave safe.",
        2400,
        "SWM12-SG",
    ),
    (
        "JO-MUG-SLATE-12",
        "Stoneware Mug, Slate, 12 oz",
        "Hand-glazed stoneware mug in deep slate blue. Dishwasher and microwave safe.",
        2400,
        "SWM12-SL",
    ),
    (
        "JO-THROW-OAT",
        "Chunky Knit Throw, Oatmeal",
        "Chunky knit throw blanket in undyed oatmeal cotton, 50 x 60 in.",
        8900,
        "CKT5060-OT",
    ),
    (
        "JO-THROW-RUST",
        "Chunky Knit Throw, Rust",
        "Chunky knit throw blanket in rust cotton, 50 x 60 in.",
        8900,
        "CKT5060-RS",
    ),
    (
        "JO-CANDLE-CEDAR",
        "Soy Candle, Cedar & Smoke",
        "Hand-poured soy wax candle with cedar and smoke notes, 50-hour burn.",
        3200,
        "SC8-CDR",
    ),
    (
        "JO-CANDLE-FIG",
        "Soy Candle, Black Fig",
        "Hand-poured soy wax candle with black fig and cassis, 50-hour burn.",
        3200,
        "SC8-FIG",
    ),
    (
        "JO-BOARD-WAL-L",
        "Walnut Cutting Board, Large",
        "End-grain walnut cutting board with juice groove, 18 x 12 in.",
        12500,
        "WCB1812",
    ),
    (
        "JO-BOARD-WAL-S",
        "Walnut Serving Board, Small",
        "Edge-grain walnut serving board with handle, 14 x 7 in.",
        5800,
        "WSB1407",
    ),
    (
        "JO-LINEN-NAP-4",
        "Linen Napkins, Set of 4",
        "Stonewashed European flax linen napkins, 20 x 20 in, natural.",
        3600,
        "LN4-NAT",
    ),
    (
        "JO-LINEN-RUN",
        "Linen Table Runner",
        "Stonewashed linen table runner, 16 x 90 in, natural.",
        4200,
        "LTR1690-NAT",
    ),
    (
        "JO-PLANTER-TC-6",
        "Terracotta Planter, 6 in",
        "Unglazed terracotta planter with saucer and drainage hole, 6 in.",
        2200,
        "TCP6",
    ),
    (
        "JO-PLANTER-TC-10",
        "Terracotta Planter, 10 in",
        "Unglazed terracotta planter with saucer and drainage hole, 10 in.",
        3900,
        "TCP10",
    ),
    (
        "JO-LAMP-BRASS",
        "Brass Task Lamp",
        "Adjustable brass desk lamp with linen shade and dimmer, E26 bulb.",
        14900,
        "BTL-01",
    ),
    (
        "JO-VASE-BUD-3",
        "Ceramic Bud Vases, Set of 3",
        "Matte ceramic bud vases in three heights, white, sand and clay.",
        4600,
        "CBV3-MIX",
    ),
    (
        "JO-BASKET-SEA",
        "Seagrass Storage Basket",
        "Hand-woven seagrass basket with handles, 16 in diameter.",
        5400,
        "SSB16",
    ),
    (
        "JO-PILLOW-IND",
        "Indigo Pillow Cover, 20 in",
        "Hand-dyed indigo cotton pillow cover with hidden zip, 20 x 20 in.",
        3800,
        "IPC20",
    ),
    (
        "JO-TOWEL-TK-2",
        "Turkish Bath Towels, Set of 2",
        "Peshtemal cotton bath towels, quick-drying, 36 x 70 in.",
        5600,
        "TBT2-GRY",
    ),
    (
        "JO-KETTLE-ENM",
        "Enamel Tea Kettle",
        "Enamel-on-steel stovetop kettle, 2 qt, cream with wood handle.",
        6800,
        "ETK2-CRM",
    ),
    (
        "JO-SPOON-OLV-3",
        "Olivewood Spoons, Set of 3",
        "Hand-carved olivewood cooking spoons, food-safe oil finish.",
        2900,
        "OWS3",
    ),
    (
        "JO-BLANKET-WOOL",
        "Merino Wool Blanket, Queen",
        "Lightweight merino wool blanket, 90 x 90 in, heather grey.",
        19800,
        "MWB-Q-HG",
    ),
];

const FIRST: &[&str] = &[
    "Ava", "Liam", "Maya", "Noah", "Zoe", "Ethan", "Priya", "Lucas", "Hana", "Mateo", "Chloe",
    "Omar", "Isla", "Diego", "Grace", "Kenji", "Amara", "Felix", "Sofia", "Jonah", "Leila",
    "Caleb", "Nora", "Ravi", "Elena", "Theo", "Yara", "Owen", "Mina", "Samuel",
];
const LAST: &[&str] = &[
    "Patel", "Nguyen", "Garcia", "Johnson", "Kim", "Okafor", "Rossi", "Schmidt", "Haddad", "Lopez",
    "Brennan", "Tanaka", "Moreau", "Silva", "Cohen", "Andersen", "Reyes", "Walker", "Mensah",
    "Novak", "Fischer", "Alvarez", "Murphy", "Chen", "Dubois",
];
const STREETS: &[&str] = &[
    "Maple Ave",
    "Oak St",
    "Cedar Ln",
    "Elm St",
    "Willow Way",
    "Park Blvd",
    "Lakeview Dr",
    "Hillcrest Rd",
    "Sunset Ave",
    "Juniper Ct",
    "River Rd",
    "Birch St",
];
/// city, state, ZIP, sales tax percent.
const PLACES: &[(&str, &str, &str, f64)] = &[
    ("Austin", "TX", "78704", 8.25),
    ("Portland", "OR", "97214", 0.0),
    ("Brooklyn", "NY", "11215", 8.875),
    ("Seattle", "WA", "98103", 10.25),
    ("Denver", "CO", "80205", 8.81),
    ("Chicago", "IL", "60614", 10.25),
    ("Oakland", "CA", "94610", 10.75),
    ("Asheville", "NC", "28801", 7.0),
    ("Minneapolis", "MN", "55408", 8.03),
    ("Savannah", "GA", "31401", 7.0),
    ("Burlington", "VT", "05401", 7.0),
    ("Boston", "MA", "02118", 6.25),
    ("Tucson", "AZ", "85719", 8.7),
    ("Madison", "WI", "53703", 5.5),
];
const DOMAINS: &[&str] = &["example.com", "example.net", "example.org"];

/// agent name and how often it brings orders.
const ORDER_AGENTS: &[(&str, u32)] = &[
    ("Nimbus Assistant", 42),
    ("Shopwise AI", 30),
    ("Orbit Chat", 18),
    ("Lumen Concierge", 10),
];

fn pick<'a, T>(rng: &mut StdRng, items: &'a [T]) -> &'a T {
    &items[rng.random_range(0..items.len())]
}

/// The GS1 check digit appended to `body`.
fn gtin(body: &str) -> String {
    let sum: u32 = body
        .bytes()
        .rev()
        .enumerate()
        .map(|(i, b)| u32::from(b - b'0') * if i % 2 == 0 { 3 } else { 1 })
        .sum();
    format!("{body}{}", (10 - sum % 10) % 10)
}

fn next_seq(ledger: &mut Ledger) -> u64 {
    ledger.next_seq()
}

/// Creates the catalog (products, prices, tax rates) and the order agents, once per ledger.
pub(crate) fn ensure_catalog(ledger: &mut Ledger, rng: &mut StdRng, now: i64) -> DemoCatalog {
    if let Some(catalog) = &ledger.demo_catalog {
        return catalog.clone();
    }
    let created = now - 90 * DAY;
    let mut catalog = DemoCatalog::default();
    for (i, (sku, name, description, amount, mpn)) in PRODUCTS.iter().enumerate() {
        let product_id = format!("prod_{}", ids::token(rng, 14));
        let seq = next_seq(ledger);
        let mut metadata = BTreeMap::new();
        let code = gtin(&format!("0850017{i:05}"));
        metadata.insert("gtin".to_string(), code.clone());
        metadata.insert("mpn".to_string(), (*mpn).to_string());
        ledger.products.insert(Product {
            id: product_id.clone(),
            seq,
            created,
            name: (*name).to_string(),
            description: (*description).to_string(),
            images: vec![format!(
                "https://images.example.com/juniper-oak/{}.jpg",
                sku.to_ascii_lowercase()
            )],
            url: Some(format!(
                "https://juniper-oak.example.com/products/{}",
                sku.to_ascii_lowercase()
            )),
            gtin: Some(code),
            mpn: Some((*mpn).to_string()),
            metadata,
        });
        let price_id = ids::v1(rng, "price");
        let seq = next_seq(ledger);
        ledger.prices.insert(Price {
            id: price_id.clone(),
            seq,
            created,
            product: product_id,
            unit_amount: *amount,
            currency: "usd".into(),
            external_reference: Some((*sku).to_string()),
        });
        catalog.prices.push(price_id);
    }
    for (_, state, _, pct) in PLACES {
        if *pct <= 0.0 || catalog.tax_by_state.contains_key(*state) {
            continue;
        }
        let id = ids::v1(rng, "txr");
        let seq = next_seq(ledger);
        ledger.tax_rates.insert(TaxRate {
            id: id.clone(),
            seq,
            created,
            display_name: format!("{state} sales tax"),
            percentage: *pct,
            jurisdiction: (*state).to_string(),
            state: Some((*state).to_string()),
            country: "US".into(),
        });
        catalog.tax_by_state.insert((*state).to_string(), id);
    }
    for (name, weight) in ORDER_AGENTS {
        let profile = ids::moded(rng, "profile", false);
        catalog.agents.push((
            AgentRef {
                name: (*name).to_string(),
                profile,
            },
            *weight,
        ));
    }
    ledger.demo_catalog = Some(catalog.clone());
    catalog
}

/// What becomes of an order.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Fate {
    Captured,
    AwaitingCapture,
    RefundedFull { in_two: bool },
    RefundedPartial,
    Canceled,
    Expired,
    Open,
}

fn person(rng: &mut StdRng) -> Person {
    let first = *pick(rng, FIRST);
    let last = *pick(rng, LAST);
    let (city, state, zip, _) = *pick(rng, PLACES);
    let number = rng.random_range(12..4800);
    let street = *pick(rng, STREETS);
    let line2 = (rng.random_range(0..5) == 0).then(|| format!("Apt {}", rng.random_range(1..40)));
    let domain = *pick(rng, DOMAINS);
    Person {
        name: format!("{first} {last}"),
        email: format!(
            "{}.{}{}@{domain}",
            first.to_ascii_lowercase(),
            last.to_ascii_lowercase(),
            rng.random_range(1..99)
        ),
        phone: Some(format!("+1 555-01{:02}", rng.random_range(0..100))),
        address: Address {
            line1: format!("{number} {street}"),
            line2,
            city: city.into(),
            state: state.into(),
            postal_code: zip.into(),
            country: "US".into(),
        },
    }
}

fn card(rng: &mut StdRng, now: i64) -> Card {
    let brand = match rng.random_range(0..100) {
        0..50 => "visa",
        50..80 => "mastercard",
        80..92 => "amex",
        _ => "discover",
    };
    let year =
        chrono::DateTime::from_timestamp(now, 0).map_or(2026, |d| chrono::Datelike::year(&d));
    Card {
        brand,
        last4: format!("{:04}", rng.random_range(0..10_000)),
        exp_month: rng.random_range(1..=12),
        exp_year: year + rng.random_range(1..=5),
        funding: if rng.random_range(0..4) == 0 {
            "debit"
        } else {
            "credit"
        },
        fingerprint: ids::token(rng, 16),
        capture_before: None,
    }
}

fn receipt(rng: &mut StdRng) -> String {
    format!(
        "{:04}-{:04}",
        rng.random_range(1000..10_000),
        rng.random_range(1000..10_000)
    )
}

/// Adds `count` orders created over the last `spread_days` days. The oldest few awaiting
/// capture have deadlines less than a day away.
pub(crate) fn orders(
    ledger: &mut Ledger,
    rng: &mut StdRng,
    now: i64,
    count: usize,
    spread_days: i64,
) {
    orders_with_urgent(ledger, rng, now, count, spread_days, 3);
}

/// [`orders`] with `urgent` (at most 3) of the first orders awaiting a capture due within a
/// day; with fewer than 3, no other order is due within a day either.
pub(crate) fn orders_with_urgent(
    ledger: &mut Ledger,
    rng: &mut StdRng,
    now: i64,
    count: usize,
    spread_days: i64,
    urgent: usize,
) {
    let catalog = ensure_catalog(ledger, rng, now);
    // The other authorizations have at least this long left (the full demo's, an hour, lets a
    // few more fall due within a day).
    let left_at_least = if urgent >= 3 { HOUR } else { DAY + HOUR };
    for i in 0..count {
        let (created, fate) = match i {
            // Authorizations that must be captured within a day.
            _ if i < urgent.min(3) => (
                now - 6 * DAY - rng.random_range(2..20) * HOUR,
                Fate::AwaitingCapture,
            ),
            // Authorizations with days to spare.
            3..6 => (now - rng.random_range(4..60) * HOUR, Fate::AwaitingCapture),
            // Carts an agent is still filling.
            6..8 => (now - rng.random_range(60..3000), Fate::Open),
            _ => {
                let created = now - rng.random_range(HOUR..spread_days * DAY);
                let roll = rng.random_range(0..100);
                let fate = if now - created < AUTH_WINDOW - left_at_least && roll < 40 {
                    Fate::AwaitingCapture
                } else {
                    match roll % 50 {
                        0..3 => Fate::Canceled,
                        3..5 => Fate::Expired,
                        5..9 => Fate::RefundedFull {
                            in_two: roll % 3 == 0,
                        },
                        9..13 => Fate::RefundedPartial,
                        _ => Fate::Captured,
                    }
                };
                (created, fate)
            }
        };
        order(ledger, rng, &catalog, now, created, fate);
    }
}

/// One agent order placed now, as a live shopper would: paid (captured at once) or, for about
/// two in five, authorized for a manual capture. Returns its Checkout Session id.
pub(crate) fn live_order(ledger: &mut Ledger, rng: &mut StdRng, now: i64) -> String {
    let catalog = ensure_catalog(ledger, rng, now);
    let fate = if rng.random_range(0..100) < 40 {
        Fate::AwaitingCapture
    } else {
        Fate::Captured
    };
    order(ledger, rng, &catalog, now, now, fate)
}

fn order(
    ledger: &mut Ledger,
    rng: &mut StdRng,
    catalog: &DemoCatalog,
    now: i64,
    created: i64,
    fate: Fate,
) -> String {
    let buyer = person(rng);
    let tax_rate = catalog.tax_by_state.get(&buyer.address.state).cloned();
    let pct = tax_rate
        .as_ref()
        .and_then(|id| ledger.tax_rates.get(id))
        .map_or(0.0, |t| t.percentage);
    let n_lines = match rng.random_range(0..10) {
        0..6 => 1,
        6..9 => 2,
        _ => 3,
    };
    let mut chosen: Vec<usize> = Vec::new();
    while chosen.len() < n_lines {
        let p = rng.random_range(0..catalog.prices.len());
        if !chosen.contains(&p) {
            chosen.push(p);
        }
    }
    let mut line_items = Vec::new();
    for p in chosen {
        let Some(price) = ledger.prices.get(&catalog.prices[p]) else {
            continue;
        };
        let quantity = match rng.random_range(0..20) {
            0..15 => 1,
            15..19 => 2,
            _ => 3,
        };
        let subtotal = price.unit_amount * quantity;
        let tax = (subtotal as f64 * pct / 100.0).round() as i64;
        let description = ledger
            .products
            .get(&price.product)
            .map(|p| p.name.clone())
            .unwrap_or_default();
        line_items.push(LineItem {
            id: format!("li_{}", ids::token(rng, 24)),
            price: price.id.clone(),
            description,
            quantity,
            amount_subtotal: subtotal,
            amount_discount: 0,
            amount_tax: tax,
            amount_total: subtotal + tax,
            tax_rate: tax_rate.clone().filter(|_| tax > 0),
        });
    }
    let subtotal: i64 = line_items.iter().map(|l| l.amount_subtotal).sum();
    let tax: i64 = line_items.iter().map(|l| l.amount_tax).sum();
    let shipping = if subtotal >= 7500 { 0 } else { 695 };
    let total = subtotal + tax + shipping;
    let agent = if created < now - 45 * DAY && rng.random_range(0..4) == 0 {
        // Older orders predate the agent_details preview; only their SKUs mark them.
        None
    } else {
        let total_weight: u32 = catalog.agents.iter().map(|(_, w)| w).sum();
        let mut roll = rng.random_range(0..total_weight.max(1));
        catalog
            .agents
            .iter()
            .find(|(_, w)| {
                if roll < *w {
                    true
                } else {
                    roll -= w;
                    false
                }
            })
            .map(|(a, _)| a.clone())
    };

    let session_id = ids::session(rng, false);
    let mut payment_intent = None;
    let (status, payment_status) = match fate {
        Fate::Open => ("open", "unpaid"),
        Fate::Expired => ("expired", "unpaid"),
        Fate::AwaitingCapture | Fate::Canceled => ("complete", "unpaid"),
        _ => ("complete", "paid"),
    };
    if !matches!(fate, Fate::Open | Fate::Expired) {
        let pi_id = format!("pi_3{}", ids::token(rng, 23));
        let charge_id = format!("ch_3{}", ids::token(rng, 23));
        let pm = ids::v1(rng, "pm");
        let manual =
            matches!(fate, Fate::AwaitingCapture | Fate::Canceled) || rng.random_range(0..10) < 6;
        let captured = !matches!(fate, Fate::AwaitingCapture | Fate::Canceled);
        let mut card = card(rng, now);
        if manual {
            card.capture_before = Some(created + AUTH_WINDOW);
        }
        let capture_at = if manual {
            (created + rng.random_range(HOUR..30 * HOUR)).min(now - 60)
        } else {
            created
        };
        let seq = next_seq(ledger);
        ledger.charges.insert(Charge {
            id: charge_id.clone(),
            seq,
            created,
            amount: total,
            amount_captured: if captured { total } else { 0 },
            amount_refunded: 0,
            captured,
            currency: "usd".into(),
            payment_intent: pi_id.clone(),
            payment_method: pm.clone(),
            billing: buyer.clone(),
            card,
            receipt_number: captured.then(|| receipt(rng)),
            balance_transaction: captured.then(|| ids::v1(rng, "txn")),
            risk_score: rng.random_range(2..72),
            description: Some(format!(
                "Juniper & Oak order via {}",
                agent.as_ref().map_or("an agent", |a| a.name.as_str())
            )),
            destination: None,
            transfer: None,
            application_fee: None,
        });
        let (pi_status, canceled_at, cancellation_reason) = match fate {
            Fate::AwaitingCapture => ("requires_capture", None, None),
            Fate::Canceled => {
                let reason = *pick(
                    rng,
                    &[
                        "requested_by_customer",
                        "abandoned",
                        "fraudulent",
                        "duplicate",
                    ],
                );
                let at = (created + rng.random_range(HOUR..20 * HOUR)).min(now - 60);
                ("canceled", Some(at), Some(reason.to_string()))
            }
            _ => ("succeeded", None, None),
        };
        let seq = next_seq(ledger);
        ledger.payment_intents.insert(PaymentIntent {
            id: pi_id.clone(),
            seq,
            created,
            amount: total,
            amount_capturable: if fate == Fate::AwaitingCapture {
                total
            } else {
                0
            },
            amount_received: if captured { total } else { 0 },
            currency: "usd".into(),
            status: pi_status,
            capture_method: if manual { "manual" } else { "automatic" },
            latest_charge: Some(charge_id.clone()),
            canceled_at,
            cancellation_reason,
            agent: agent.clone(),
            payment_method: pm,
            description: None,
            receipt_email: Some(buyer.email.clone()),
            metadata: BTreeMap::new(),
            destination: None,
        });
        let refunds: Vec<(i64, &str)> = match fate {
            Fate::RefundedFull { in_two: true } => {
                let first = total / 3;
                vec![
                    (first, "requested_by_customer"),
                    (total - first, "requested_by_customer"),
                ]
            }
            Fate::RefundedFull { in_two: false } => {
                vec![(
                    total,
                    *pick(rng, &["requested_by_customer", "duplicate", "fraudulent"]),
                )]
            }
            Fate::RefundedPartial => {
                let first_line = line_items.first().map_or(total / 2, |l| l.amount_total);
                let amount = if first_line < total {
                    first_line
                } else {
                    total * rng.random_range(20..60) / 100
                };
                vec![(amount.max(100), "requested_by_customer")]
            }
            _ => Vec::new(),
        };
        let mut at = capture_at;
        let mut refunded = 0;
        for (amount, reason) in refunds {
            at = (at + rng.random_range(HOUR..4 * DAY)).min(now - 30);
            let seq = next_seq(ledger);
            let mut metadata = BTreeMap::new();
            metadata.insert(
                "support_ticket".to_string(),
                format!("JO-{}", rng.random_range(10_000..99_999)),
            );
            ledger.refunds.insert(Refund {
                id: format!("re_3{}", ids::token(rng, 23)),
                seq,
                created: at,
                amount,
                currency: "usd".into(),
                charge: charge_id.clone(),
                payment_intent: pi_id.clone(),
                reason: Some(reason.to_string()),
                metadata,
                balance_transaction: ids::v1(rng, "txn"),
                transfer_reversal: None,
            });
            refunded += amount;
        }
        if let Some(charge) = ledger.charges.get_mut(&charge_id) {
            charge.amount_refunded = refunded;
        }
        payment_intent = Some(pi_id);
    }
    let mut metadata = BTreeMap::new();
    if let Some(a) = &agent {
        metadata.insert("agent".to_string(), a.name.clone());
    }
    let seq = next_seq(ledger);
    let shipping_name = buyer.name.clone();
    let shipping_address = buyer.address.clone();
    ledger.insert_session(Session {
        id: session_id.clone(),
        seq,
        created,
        expires_at: created + DAY,
        status,
        payment_status,
        currency: "usd".into(),
        customer: buyer,
        shipping: Some((shipping_name, shipping_address)),
        line_items,
        payment_intent,
        amount_subtotal: subtotal,
        amount_shipping: shipping,
        amount_tax: tax,
        amount_discount: 0,
        amount_total: total,
        client_reference_id: None,
        metadata,
    });
    session_id
}

/// Disputes in every state a support agent meets, on paid agent orders that were not refunded:
/// an inquiry, chargebacks due in under two days and in over a week, one under review, one won,
/// one lost.
pub(super) fn disputes(ledger: &mut Ledger, rng: &mut StdRng, now: i64) {
    use crate::sandbox::routes::disputes::{NewDispute, open};
    let mut paid: Vec<(i64, String)> = ledger
        .charges
        .values()
        .filter(|c| c.captured && c.amount_refunded == 0 && c.created < now - 8 * DAY)
        .filter(|c| {
            ledger
                .payment_intents
                .get(&c.payment_intent)
                .is_some_and(|pi| pi.agent.is_some())
        })
        .map(|c| (c.created, c.id.clone()))
        .collect();
    paid.sort();
    let evidence = |pairs: &[(&str, &str)]| {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect::<BTreeMap<_, _>>()
    };
    let cases = [
        (
            "warning_needs_response",
            "general",
            3 * DAY,
            9 * DAY,
            evidence(&[]),
        ),
        (
            "needs_response",
            "fraudulent",
            19 * DAY,
            40 * HOUR,
            evidence(&[]),
        ),
        (
            "needs_response",
            "product_not_received",
            8 * DAY,
            11 * DAY,
            evidence(&[("shipping_carrier", "UPS")]),
        ),
        (
            "under_review",
            "product_unacceptable",
            12 * DAY,
            9 * DAY,
            evidence(&[(
                "product_description",
                "Stoneware mug as pictured; the buyer reported a chip on arrival.",
            )]),
        ),
        (
            "won",
            "fraudulent",
            40 * DAY,
            -19 * DAY,
            evidence(&[("customer_purchase_ip", "203.0.113.7")]),
        ),
        (
            "lost",
            "credit_not_processed",
            45 * DAY,
            -24 * DAY,
            evidence(&[]),
        ),
    ];
    // The newest paid orders old enough to be disputed, spread out.
    for (i, (status, reason, ago, due_in, evidence)) in cases.into_iter().enumerate() {
        let Some((created, charge)) = paid.get(paid.len().saturating_sub(1 + i * 7)).cloned()
        else {
            break;
        };
        let opened = (now - ago).max(created + DAY);
        open(
            ledger,
            rng,
            NewDispute {
                charge: &charge,
                status,
                reason,
                created: opened,
                due_by: now + due_in,
                evidence,
            },
        );
    }
}

/// Agreements in every status: the four order agents confirmed, others pending or ended.
pub(super) fn agreements(ledger: &mut Ledger, rng: &mut StdRng, catalog: &DemoCatalog, now: i64) {
    let add = |ledger: &mut Ledger,
               rng: &mut StdRng,
               name: &str,
               profile: String,
               age_days: i64,
               by: Party,
               seller: Option<i64>,
               orchestrator: Option<i64>,
               terminated: Option<(i64, Party)>| {
        let created = now - age_days * DAY;
        let seq = ledger.next_seq();
        ledger.agreements.insert(Agreement {
            id: ids::moded(rng, "orca", false),
            seq,
            created,
            initiated_by: by,
            orchestrator_name: name.to_string(),
            orchestrator_profile: profile,
            seller_confirmed_at: seller.map(|h| created + h * HOUR),
            orchestrator_confirmed_at: orchestrator.map(|h| created + h * HOUR),
            terminated_at: terminated.map(|(h, _)| created + h * HOUR),
            terminated_by: terminated.map(|(_, p)| p),
        });
    };
    for (i, (agent, _)) in catalog.agents.iter().enumerate() {
        let by = if i % 2 == 0 {
            Party::Orchestrator
        } else {
            Party::Seller
        };
        add(
            ledger,
            rng,
            &agent.name,
            agent.profile.clone(),
            75 - i as i64 * 5,
            by,
            Some(3),
            Some(1),
            None,
        );
    }
    let profile = |rng: &mut StdRng| ids::moded(rng, "profile", false);
    let p = profile(rng);
    add(
        ledger,
        rng,
        "Cartographer AI",
        p,
        3,
        Party::Orchestrator,
        None,
        Some(0),
        None,
    );
    let p = profile(rng);
    add(
        ledger,
        rng,
        "Tandem Shopper",
        p,
        1,
        Party::Seller,
        None,
        None,
        None,
    );
    let p = profile(rng);
    add(
        ledger,
        rng,
        "Parcel Pilot",
        p,
        40,
        Party::Orchestrator,
        Some(5),
        Some(0),
        Some((20 * 24, Party::Orchestrator)),
    );
    let p = profile(rng);
    add(
        ledger,
        rng,
        "Quickcart Agent",
        p,
        30,
        Party::Seller,
        Some(0),
        Some(30),
        Some((9 * 24, Party::Seller)),
    );
}

/// The Google product category id of a demo product: kitchen and dining, linens and bedding,
/// or decor.
fn google_category(sku: &str) -> u32 {
    const KITCHEN: [&str; 4] = ["MUG", "BOARD", "KETTLE", "SPOON"];
    const LINENS: [&str; 5] = ["THROW", "BLANKET", "PILLOW", "TOWEL", "LINEN"];
    if KITCHEN.iter().any(|k| sku.contains(k)) {
        638
    } else if LINENS.iter().any(|k| sku.contains(k)) {
        569
    } else {
        696
    }
}

/// The mistakes in the demo catalog (row, column, wrong value): a comma decimal price, a
/// misspelt availability, a missing title. The shipped file is checked against them.
#[cfg(test)]
const DEMO_CATALOG_MISTAKES: [(usize, &str, &str); 3] = [
    (3, "price", "89,00 USD"),
    (9, "availability", "instock"),
    (14, "title", ""),
];

/// The demo shop's product feed with three mistakes in it, the file its past import came from
/// (`assets/demo-catalog.csv`, shipped with the app). The Catalog view offers it so a new user
/// can try fixing and pushing a feed.
#[must_use]
pub fn demo_catalog_csv() -> &'static str {
    include_str!("../../assets/demo-catalog.csv")
}

fn catalog_csv(broken: &[(usize, &str, &str)]) -> String {
    let mut out = String::from(
        "id,title,description,link,brand,gtin,mpn,image_link,google_product_category,availability,inventory_quantity,price\n",
    );
    for (i, (sku, name, description, amount, mpn)) in PRODUCTS.iter().enumerate() {
        let mut title = (*name).to_string();
        let mut price = format!("{}.{:02} USD", amount / 100, amount % 100);
        let mut availability = "in_stock".to_string();
        for (row, column, value) in broken {
            if *row == i {
                match *column {
                    "title" => title = (*value).to_string(),
                    "price" => price = (*value).to_string(),
                    _ => availability = (*value).to_string(),
                }
            }
        }
        let link = format!(
            "https://juniper-oak.example.com/products/{}",
            sku.to_ascii_lowercase()
        );
        let image = format!(
            "https://images.example.com/juniper-oak/{}.jpg",
            sku.to_ascii_lowercase()
        );
        let code = gtin(&format!("0850017{i:05}"));
        let category = google_category(sku);
        let _ = writeln!(
            out,
            "{sku},\"{title}\",\"{description}\",{link},Juniper & Oak,{code},{mpn},{image},{category},{availability},{},\"{price}\"",
            10 + (i * 7) % 40
        );
    }
    out
}

pub(super) fn store_file(
    ledger: &mut Ledger,
    rng: &mut StdRng,
    shared: &Shared,
    created: i64,
    filename: &str,
    purpose: &str,
    contents: &str,
) -> io::Result<String> {
    let path = shared.new_file_path()?;
    std::fs::write(&path, contents)?;
    let id = ids::v1(rng, "file");
    let seq = ledger.next_seq();
    ledger.files.insert(FileRec {
        id: id.clone(),
        seq,
        created,
        filename: filename.to_string(),
        purpose: purpose.to_string(),
        size: contents.len() as u64,
        kind: "csv".into(),
        path,
    });
    Ok(id)
}

/// The demo catalog's error report (Stripe's layout: the message, then the row as sent) and
/// the v2 samples of its three bad rows.
pub(super) fn demo_error_report() -> (String, Vec<Sample>) {
    let bad = demo_catalog_csv();
    let messages = [
        (
            3usize,
            "price",
            "price: Write the price as an amount with a period and a currency code, e.g. `89.00 USD`.",
        ),
        (
            9,
            "availability",
            "availability: `instock` is not allowed; use in_stock, out_of_stock, preorder or backorder.",
        ),
        (14, "title", "title: The title is required."),
    ];
    let header = bad.lines().next().unwrap_or_default();
    let mut report = format!("stripe_error_message,{header}\n");
    for (row, _, message) in &messages {
        if let Some(line) = bad.lines().nth(row + 1) {
            let _ = writeln!(report, "\"{message}\",{line}");
        }
    }
    let samples = messages
        .iter()
        .map(|(row, field, message)| Sample {
            id: PRODUCTS[*row].0.to_string(),
            row: *row as u64 + 1,
            field: (*field).to_string(),
            message: message
                .split_once(": ")
                .map_or(*message, |(_, m)| m)
                .to_string(),
        })
        .collect();
    (report, samples)
}

/// How many rows the demo catalog has.
pub(super) fn demo_catalog_rows() -> u64 {
    PRODUCTS.len() as u64
}

/// A v1 inventory `ImportSet` made at `created` of a file (`filename`, `contents`) that names
/// its id column `sku`: Stripe rejects the whole file.
pub(super) fn rejected_inventory_import(
    ledger: &mut Ledger,
    rng: &mut StdRng,
    shared: &Shared,
    created: i64,
    filename: &str,
    contents: &str,
) -> io::Result<()> {
    let file = store_file(
        ledger,
        rng,
        shared,
        created,
        filename,
        CATALOG_PURPOSE,
        contents,
    )?;
    let seq = ledger.next_seq();
    ledger.import_sets.insert(ImportSet {
        id: ids::moded(rng, "impset", false),
        seq,
        created,
        file,
        standard_data_format: "inventory_feed".into(),
        job: ImportJob::finished(Outcome {
            failure: Some(Failure {
                code: "invalid_file",
                kind: "cannot_proceed",
                message: "The whole file was rejected: the required column `id` is missing (found `sku`; rename it to `id`).".into(),
            }),
            ..Outcome::default()
        }),
    });
    Ok(())
}

/// Past imports: v1 `ImportSets` (succeeded, with errors, failed) and v2 catalog imports.
fn past_imports(
    ledger: &mut Ledger,
    rng: &mut StdRng,
    shared: &Shared,
    now: i64,
) -> io::Result<()> {
    let rows = PRODUCTS.len() as u64;
    let good = catalog_csv(&[]);
    let bad = demo_catalog_csv().to_owned();
    let (report, samples) = demo_error_report();
    // v1: a clean catalog 20 days ago.
    let created = now - 20 * DAY;
    let file = store_file(
        ledger,
        rng,
        shared,
        created,
        "juniper-oak-catalog.csv",
        CATALOG_PURPOSE,
        &good,
    )?;
    let seq = ledger.next_seq();
    ledger.import_sets.insert(ImportSet {
        id: ids::moded(rng, "impset", false),
        seq,
        created,
        file,
        standard_data_format: "product_catalog_feed".into(),
        job: ImportJob::finished(Outcome {
            rows,
            ..Outcome::default()
        }),
    });
    // v1: three bad rows 9 days ago.
    let created = now - 9 * DAY;
    let file = store_file(
        ledger,
        rng,
        shared,
        created,
        "juniper-oak-catalog-fall.csv",
        CATALOG_PURPOSE,
        &bad,
    )?;
    let seq = ledger.next_seq();
    let set_id = ids::moded(rng, "impset", false);
    let errors = store_file(
        ledger,
        rng,
        shared,
        created + 40,
        &format!("{set_id}_errors.csv"),
        ERROR_REPORT_PURPOSE,
        &report,
    )?;
    ledger.import_sets.insert(ImportSet {
        id: set_id,
        seq,
        created,
        file,
        standard_data_format: "product_catalog_feed".into(),
        job: ImportJob::finished(Outcome {
            rows,
            error_rows: 3,
            error_file: Some(errors),
            samples: samples.clone(),
            failure: None,
        }),
    });
    // v1: an inventory file without its id column, 8 days ago.
    let created = now - 8 * DAY + 2 * HOUR;
    rejected_inventory_import(
        ledger,
        rng,
        shared,
        created,
        "inventory-update.csv",
        "sku,availability,inventory_quantity\nJO-MUG-SAGE-12,in_stock,40\nJO-THROW-OAT,out_of_stock,0\n",
    )?;
    // v2: product upsert with errors 2 days ago, inventory upsert yesterday.
    for (age, kind, with_errors) in [
        (2 * DAY, FeedKind::Product, true),
        (DAY - 3 * HOUR, FeedKind::Inventory, false),
    ] {
        let created = now - age;
        let id = ids::moded(rng, "pcimprt", false);
        let outcome = if with_errors {
            let errors = store_file(
                ledger,
                rng,
                shared,
                created + 50,
                &format!("{id}_errors.csv"),
                ERROR_REPORT_PURPOSE,
                &report,
            )?;
            Outcome {
                rows,
                error_rows: 3,
                error_file: Some(errors),
                samples: samples.clone(),
                failure: None,
            }
        } else {
            Outcome {
                rows: 8,
                ..Outcome::default()
            }
        };
        let seq = ledger.next_seq();
        let mut metadata = BTreeMap::new();
        metadata.insert("source".to_string(), "nightly-export".to_string());
        ledger.catalog_imports.insert(CatalogImport {
            id,
            seq,
            created,
            feed_type: kind,
            mode: "upsert".into(),
            metadata,
            upload_token: ids::token(rng, 40),
            upload_expires_at: created + HOUR,
            job: Some(ImportJob::finished(outcome)),
        });
    }
    Ok(())
}

/// Makes every fourth of the platform's orders with a charge (oldest first) a destination
/// charge to each of `sellers` in turn, settled as a capture settles it; the refunds already
/// made on every other one reversed the transfer and refunded the fee, the others left them.
/// Draws its ids from its own generator, so the rest of the demo is unchanged.
fn destination_charges(ledger: &mut Ledger, sellers: &[String]) {
    if sellers.is_empty() {
        return;
    }
    let mut rng = StdRng::seed_from_u64(0xDE57_1A7E);
    let charges: Vec<(String, String)> = ledger
        .charges
        .oldest_first()
        .map(|c| (c.id.clone(), c.payment_intent.clone()))
        .collect();
    for (n, (charge_id, pi_id)) in charges.iter().enumerate() {
        if n % 4 != 1 {
            continue;
        }
        let k = n / 4;
        let Some(charge) = ledger.charges.get_mut(charge_id) else {
            continue;
        };
        let terms = funds::demo_terms(&sellers[k % sellers.len()], charge.amount);
        charge.destination = Some(terms.clone());
        let at = charge.created;
        if let Some(pi) = ledger.payment_intents.get_mut(pi_id) {
            pi.destination = Some(terms);
        }
        funds::settle(ledger, &mut rng, charge_id, at);
        let refunds: Vec<(String, i64, i64)> = ledger
            .refunds
            .oldest_first()
            .filter(|r| r.charge == *charge_id)
            .map(|r| (r.id.clone(), r.amount, r.created))
            .collect();
        let mut before = 0;
        for (id, amount, at) in refunds {
            let share = funds::RefundShare {
                charge: charge_id,
                refund: &id,
                before,
                amount,
                reverse_transfer: k % 2 == 0,
                refund_application_fee: k % 2 == 0,
                at,
            };
            let unwound = funds::unwind(ledger, &mut rng, &share);
            if let Some(r) = ledger.refunds.get_mut(&id) {
                r.transfer_reversal = unwound.reversal;
            }
            before += amount;
        }
    }
}

/// Fills `ledger` with the demo data set; some orders are destination charges to `sellers`.
pub(crate) fn demo(
    ledger: &mut Ledger,
    shared: &Shared,
    now: i64,
    sellers: &[String],
) -> io::Result<()> {
    let mut rng = StdRng::seed_from_u64(0x5E11_E2C0);
    ledger.seller_profile = ids::moded(&mut rng, "profile", false);
    let catalog = ensure_catalog(ledger, &mut rng, now);
    orders(ledger, &mut rng, now, DEMO_ORDERS, 60);
    destination_charges(ledger, sellers);
    disputes(ledger, &mut rng, now);
    agreements(ledger, &mut rng, &catalog, now);
    past_imports(ledger, &mut rng, shared, now)
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_shipped_demo_catalog_is_the_sandbox_shops_feed_with_its_mistakes() {
        // The past import the sandbox seeds reports these mistakes on these rows; if the
        // products change, write `catalog_csv(&DEMO_CATALOG_MISTAKES)` to the asset again.
        assert_eq!(demo_catalog_csv(), catalog_csv(&DEMO_CATALOG_MISTAKES));
        let feed = crate::feed::validate::validate_bytes(
            demo_catalog_csv().as_bytes(),
            &crate::feed::validate::Options::default(),
        );
        assert_eq!(
            feed.count(crate::feed::diagnostic::Severity::Error),
            DEMO_CATALOG_MISTAKES.len()
        );
    }

    use super::*;

    #[test]
    fn gtin_check_digits_are_valid() {
        // A well-known valid GTIN-13.
        assert_eq!(gtin("400638133393"), "4006381333931");
    }
}
