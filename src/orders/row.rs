//! One order in the list: the row a Checkout Session becomes, and where its money stands.

use chrono::{DateTime, NaiveDate, Utc};

use crate::stripe::orders::CheckoutSession;
use crate::stripe::payment_intents::PaymentIntent;

/// Where the money of an order stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PaymentState {
    /// Authorized, waiting for the seller to capture before the deadline.
    AwaitingCapture,
    /// Captured (or charged at once), nothing refunded.
    Paid,
    /// Part of the charge was refunded.
    PartlyRefunded,
    /// All of the charge was refunded.
    Refunded,
    /// The authorization was canceled (or expired) before capture.
    Canceled,
    /// Not paid yet or still processing.
    Pending,
}

impl PaymentState {
    /// Every state, in filter order.
    pub const ALL: [PaymentState; 6] = [
        PaymentState::AwaitingCapture,
        PaymentState::Paid,
        PaymentState::PartlyRefunded,
        PaymentState::Refunded,
        PaymentState::Canceled,
        PaymentState::Pending,
    ];

    /// Words for the list and the filter.
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            PaymentState::AwaitingCapture => "awaiting capture",
            PaymentState::Paid => "paid",
            PaymentState::PartlyRefunded => "partly refunded",
            PaymentState::Refunded => "refunded",
            PaymentState::Canceled => "canceled",
            PaymentState::Pending => "pending",
        }
    }

    /// Derives the state from a PaymentIntent status and its charge's amounts.
    #[must_use]
    pub fn derive(pi_status: &str, captured: i64, refunded: i64) -> PaymentState {
        match pi_status {
            "requires_capture" => PaymentState::AwaitingCapture,
            "canceled" => PaymentState::Canceled,
            "succeeded" if refunded > 0 && refunded >= captured => PaymentState::Refunded,
            "succeeded" if refunded > 0 => PaymentState::PartlyRefunded,
            "succeeded" => PaymentState::Paid,
            _ => PaymentState::Pending,
        }
    }
}

/// One order in the list.
#[derive(Debug, Clone, PartialEq)]
pub struct OrderRow {
    /// Checkout Session id (`cs_…`).
    pub id: String,
    /// PaymentIntent id (`pi_…`), when paid through one.
    pub payment_intent: Option<String>,
    /// When the order was placed (unix seconds).
    pub created: i64,
    /// Agent name ("" when the order carries only a SKU reference).
    pub agent: String,
    /// Receipt number of the charge (the order number buyers see).
    pub order_number: String,
    /// Customer name.
    pub customer: String,
    /// Customer email.
    pub email: String,
    /// Items in a few words ("2 × Organic Tee, 1 × Kettle").
    pub items: String,
    /// SKUs of the lines (`price.external_reference`).
    pub skus: Vec<String>,
    /// Lowercase ISO currency.
    pub currency: String,
    /// Final amount in minor units.
    pub total: i64,
    /// Captured so far, minor units.
    pub captured: i64,
    /// Refunded so far, minor units.
    pub refunded: i64,
    /// Still capturable, minor units (when awaiting capture).
    pub capturable: i64,
    /// Payment state.
    pub state: PaymentState,
    /// Capture deadline (unix seconds), when awaiting capture.
    pub capture_before: Option<i64>,
    /// The charge is disputed (Stripe refuses refunds; the dispute is answered instead).
    pub disputed: bool,
    /// The seller (`acct_…`) a destination charge pays (`transfer_data.destination`).
    pub seller: Option<String>,
    /// The seller's name, once the platform's account list gave it ("" until then).
    pub seller_name: String,
}

impl OrderRow {
    /// The list row of a Checkout Session.
    #[must_use]
    pub fn from_session(s: &CheckoutSession) -> OrderRow {
        let pi: Option<&PaymentIntent> = s.payment();
        let charge = pi.and_then(PaymentIntent::charge);
        let captured = charge.map_or(0, |c| c.amount_captured);
        let refunded = charge.map_or(0, |c| c.amount_refunded);
        let state = pi.map_or(PaymentState::Pending, |p| {
            PaymentState::derive(p.status.as_str(), captured, refunded)
        });
        let (items, skus) = match &s.line_items {
            Some(list) => (
                list.data
                    .iter()
                    .map(|l| {
                        format!(
                            "{} × {}",
                            l.quantity.unwrap_or(1),
                            l.description.as_deref().unwrap_or("item")
                        )
                    })
                    .collect::<Vec<_>>()
                    .join(", "),
                list.data
                    .iter()
                    .filter_map(|l| l.sku().map(str::to_owned))
                    .collect(),
            ),
            None => (String::new(), Vec::new()),
        };
        let customer = s
            .customer_details
            .as_ref()
            .and_then(|c| c.name.clone())
            .or_else(|| s.shipping().and_then(|x| x.name.clone()))
            .unwrap_or_default();
        OrderRow {
            id: s.id.clone(),
            payment_intent: pi.map(|p| p.id.clone()),
            created: s.created,
            agent: s.agent_name().unwrap_or_default().to_owned(),
            order_number: charge
                .and_then(|c| c.receipt_number.clone())
                .unwrap_or_default(),
            customer,
            email: s.email().unwrap_or_default().to_owned(),
            items,
            skus,
            currency: s
                .currency
                .clone()
                .or_else(|| pi.and_then(|p| p.currency.clone()))
                .unwrap_or_else(|| "usd".into()),
            total: s.amount_total.unwrap_or_default(),
            captured,
            refunded,
            capturable: pi.map_or(0, |p| p.amount_capturable),
            state,
            capture_before: s.capture_before(),
            disputed: charge.is_some_and(|c| c.disputed),
            seller: charge
                .and_then(crate::stripe::payment_intents::Charge::destination)
                .or_else(|| pi.and_then(PaymentIntent::destination))
                .map(str::to_owned),
            seller_name: String::new(),
        }
    }

    /// What can still be refunded (captured minus refunded), minor units.
    #[must_use]
    pub fn refundable(&self) -> i64 {
        (self.captured - self.refunded).max(0)
    }

    /// The number to show for the order: the receipt number once there is one, else the
    /// end of the Checkout Session id (uncaptured orders have no receipt yet).
    #[must_use]
    pub fn display_number(&self) -> String {
        if self.order_number.is_empty() {
            let tail = self.id.len().saturating_sub(8);
            format!("…{}", self.id.get(tail..).unwrap_or(&self.id))
        } else {
            self.order_number.clone()
        }
    }

    /// The seller in words: its name when known, else its id ("" when the order pays no
    /// seller).
    #[must_use]
    pub fn seller_label(&self) -> &str {
        if self.seller_name.is_empty() {
            self.seller.as_deref().unwrap_or("")
        } else {
            &self.seller_name
        }
    }

    /// Day the order was placed (UTC).
    #[must_use]
    pub fn day(&self) -> NaiveDate {
        DateTime::<Utc>::from_timestamp(self.created, 0).map_or(NaiveDate::MIN, |d| d.date_naive())
    }
}
