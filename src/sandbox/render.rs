//! How each object looks on the wire: the full v1 shapes of Stripe's canonical fixtures
//! (nulls included), plus the v2 agreement and catalog import shapes.

use std::collections::BTreeMap;

use chrono::{DateTime, SecondsFormat};
use serde_json::{Value, json};

use super::pagination::v1_envelope;
use super::state::{
    Address, Agreement, ApplicationFee, Charge, Destination, Dispute, FileRec, Ledger, LineItem,
    PaymentIntent, Person, Price, Product, Refund, Session, TaxRate, Transfer,
};

/// Renders objects of one ledger.
pub(crate) struct Renderer<'a> {
    pub ledger: &'a Ledger,
    pub live: bool,
    pub base_url: &'a str,
}

/// An object that draws itself with a [`Renderer`]: what a v1 retrieve answers with.
pub(crate) trait Draw {
    /// The object's wire shape.
    fn draw(&self, r: &Renderer<'_>) -> Value;
}

/// `Draw` for objects whose shape is one `Renderer` method.
macro_rules! draw_with {
    ($($object:ty => $method:ident),+ $(,)?) => {
        $(impl Draw for $object {
            fn draw(&self, r: &Renderer<'_>) -> Value {
                r.$method(self)
            }
        })+
    };
}

draw_with! {
    FileRec => file,
    Product => product,
    Price => price,
    Session => session,
    PaymentIntent => payment_intent,
    Charge => charge,
    Refund => refund,
    Dispute => dispute,
    Transfer => transfer,
    ApplicationFee => application_fee,
}

/// RFC 3339 (`2026-04-06T10:00:00Z`) for v2 timestamps.
pub(crate) fn rfc3339(unix: i64) -> String {
    DateTime::from_timestamp(unix, 0)
        .unwrap_or_default()
        .to_rfc3339_opts(SecondsFormat::Secs, true)
}

fn address(a: &Address) -> Value {
    json!({
        "city": a.city, "country": a.country, "line1": a.line1, "line2": a.line2,
        "postal_code": a.postal_code, "state": a.state,
    })
}

fn metadata(m: &BTreeMap<String, String>) -> Value {
    json!(m)
}

impl Renderer<'_> {
    /// Any object of this ledger by id, judged by its prefix.
    pub fn object(&self, id: &str) -> Option<Value> {
        let l = self.ledger;
        let prefix = id.split('_').next().unwrap_or_default();
        match prefix {
            "pi" => l.payment_intents.get(id).map(|p| self.payment_intent(p)),
            "ch" => l.charges.get(id).map(|c| self.charge(c)),
            "re" => l.refunds.get(id).map(|r| self.refund(r)),
            "cs" => l.sessions.get(id).map(|s| self.session(s)),
            "prod" => l.products.get(id).map(|p| self.product(p)),
            "price" => l.prices.get(id).map(|p| self.price(p)),
            "file" => l.files.get(id).map(|f| self.file(f)),
            "txr" => l.tax_rates.get(id).map(|t| self.tax_rate(t)),
            "tr" => l.transfers.get(id).map(|t| self.transfer(t)),
            "fee" => l.application_fees.get(id).map(|f| self.application_fee(f)),
            "txn" => l
                .charges
                .values()
                .find(|c| c.balance_transaction.as_deref() == Some(id))
                .map(Self::charge_transaction),
            _ => None,
        }
    }

    /// The balance transaction a captured charge made, with [`Charge::stripe_fee`].
    pub fn charge_transaction(c: &Charge) -> Value {
        let amount = c.amount_captured;
        let fee = c.stripe_fee();
        json!({
            "id": c.balance_transaction, "object": "balance_transaction", "amount": amount,
            "available_on": c.created + 2 * 86_400, "created": c.created,
            "currency": c.currency, "description": c.description, "exchange_rate": null,
            "fee": fee,
            "fee_details": [{
                "amount": fee, "application": null, "currency": c.currency,
                "description": "Stripe processing fees", "type": "stripe_fee",
            }],
            "net": amount - fee, "reporting_category": "charge", "source": c.id,
            "status": "available", "type": "charge",
        })
    }

    /// A File.
    pub fn file(&self, f: &FileRec) -> Value {
        json!({
            "id": f.id, "object": "file", "created": f.created, "expires_at": null,
            "filename": f.filename, "purpose": f.purpose, "size": f.size, "title": null,
            "type": f.kind,
            "url": format!("{}/v1/files/{}/contents", self.base_url, f.id),
            "links": v1_envelope(&format!("/v1/file_links?file={}", f.id), Vec::new(), false),
        })
    }

    /// A Product, with the preview `identifiers` (GTIN, MPN).
    pub fn product(&self, p: &Product) -> Value {
        json!({
            "id": p.id, "object": "product", "active": true, "created": p.created,
            "default_price": null, "description": p.description,
            "identifiers": { "gtin": p.gtin, "mpn": p.mpn },
            "images": p.images, "livemode": self.live, "marketing_features": [],
            "metadata": metadata(&p.metadata), "name": p.name, "package_dimensions": null,
            "shippable": true, "statement_descriptor": null, "tax_code": null, "type": "good",
            "unit_label": null, "updated": p.created, "url": p.url,
        })
    }

    /// A Price, with the preview `external_reference` (the SKU).
    pub fn price(&self, p: &Price) -> Value {
        json!({
            "id": p.id, "object": "price", "active": true, "billing_scheme": "per_unit",
            "created": p.created, "currency": p.currency, "custom_unit_amount": null,
            "external_reference": p.external_reference, "livemode": self.live,
            "lookup_key": null, "metadata": {}, "nickname": null, "product": p.product,
            "recurring": null, "tax_behavior": "exclusive", "tiers_mode": null,
            "transform_quantity": null, "type": "one_time", "unit_amount": p.unit_amount,
            "unit_amount_decimal": p.unit_amount.to_string(),
        })
    }

    /// A `TaxRate`.
    pub fn tax_rate(&self, t: &TaxRate) -> Value {
        json!({
            "id": t.id, "object": "tax_rate", "active": true, "country": t.country,
            "created": t.created, "description": t.display_name, "display_name": "Sales Tax",
            "effective_percentage": t.percentage, "flat_amount": null, "inclusive": false,
            "jurisdiction": t.jurisdiction, "jurisdiction_level": "state",
            "livemode": self.live, "metadata": {}, "percentage": t.percentage,
            "rate_type": "percentage", "state": t.state, "tax_type": "sales_tax",
        })
    }

    /// A Checkout Session (without `line_items`, which must be expanded).
    pub fn session(&self, s: &Session) -> Value {
        let shipping = s
            .shipping
            .as_ref()
            .map(|(name, a)| json!({ "address": address(a), "name": name }));
        let mut out = json!({
            "id": s.id, "object": "checkout.session",
            "adaptive_pricing": { "enabled": false }, "after_expiration": null,
            "allow_promotion_codes": null, "amount_subtotal": s.amount_subtotal,
            "amount_total": s.amount_total,
            "automatic_tax": { "enabled": false, "liability": null, "provider": null, "status": null },
            "billing_address_collection": null, "cancel_url": null,
            "client_reference_id": s.client_reference_id, "client_secret": null,
            "collected_information": {
                "business_name": null, "individual_name": null, "shipping_details": shipping,
            },
            "consent": null, "consent_collection": null, "created": s.created,
            "currency": s.currency, "currency_conversion": null, "custom_fields": [],
        });
        extend(
            &mut out,
            json!({
                "custom_text": {
                    "after_submit": null, "shipping_address": null, "submit": null,
                    "terms_of_service_acceptance": null,
                },
                "customer": null, "customer_account": null, "customer_creation": "if_required",
                "customer_details": {
                    "address": address(&s.customer.address), "business_name": null,
                    "email": s.customer.email, "individual_name": null, "name": s.customer.name,
                    "phone": s.customer.phone, "tax_exempt": "none", "tax_ids": [],
                },
                "customer_email": null, "discounts": [], "expires_at": s.expires_at,
                "invoice": null, "invoice_creation": null, "livemode": self.live, "locale": null,
                "metadata": metadata(&s.metadata), "mode": "payment",
            }),
        );
        let shipping_cost = if s.amount_shipping > 0 || s.shipping.is_some() {
            json!({
                "amount_subtotal": s.amount_shipping, "amount_tax": 0,
                "amount_total": s.amount_shipping, "shipping_rate": null,
            })
        } else {
            Value::Null
        };
        extend(
            &mut out,
            json!({
                "payment_intent": s.payment_intent, "payment_link": null,
                "payment_method_collection": "if_required",
                "payment_method_configuration_details": null,
                "payment_method_options": { "card": { "request_three_d_secure": "automatic" } },
                "payment_method_types": ["card"], "payment_status": s.payment_status,
                "phone_number_collection": { "enabled": false }, "recovered_from": null,
                "saved_payment_method_options": null, "setup_intent": null,
                "shipping_address_collection": { "allowed_countries": ["US"] },
                "shipping_cost": shipping_cost,
            }),
        );
        extend(
            &mut out,
            json!({
                "shipping_options": [], "status": s.status, "submit_type": null,
                "subscription": null, "success_url": null,
                "total_details": {
                    "amount_discount": s.amount_discount, "amount_shipping": s.amount_shipping,
                    "amount_tax": s.amount_tax,
                },
                "ui_mode": "hosted", "url": null,
            }),
        );
        out
    }

    /// A line item (`item`), with its Price embedded as Stripe does.
    pub fn line_item(&self, li: &LineItem, currency: &str) -> Value {
        let price = self
            .ledger
            .prices
            .get(&li.price)
            .map_or_else(|| json!(li.price), |p| self.price(p));
        json!({
            "id": li.id, "object": "item", "adjustable_quantity": null,
            "amount_discount": li.amount_discount, "amount_subtotal": li.amount_subtotal,
            "amount_tax": li.amount_tax, "amount_total": li.amount_total,
            "currency": currency, "description": li.description, "metadata": {},
            "price": price, "quantity": li.quantity,
        })
    }

    /// The `taxes` of a line item (only present when requested).
    pub fn line_item_taxes(&self, li: &LineItem) -> Value {
        let Some(rate) = li
            .tax_rate
            .as_ref()
            .and_then(|id| self.ledger.tax_rates.get(id))
        else {
            return json!([]);
        };
        json!([{
            "amount": li.amount_tax, "rate": self.tax_rate(rate),
            "taxability_reason": "standard_rated",
            "taxable_amount": li.amount_subtotal - li.amount_discount,
        }])
    }

    /// `line_items` of a session as a v1 list.
    pub fn session_line_items(&self, s: &Session) -> Value {
        let data = s
            .line_items
            .iter()
            .map(|li| self.line_item(li, &s.currency))
            .collect();
        v1_envelope(
            &format!("/v1/checkout/sessions/{}/line_items", s.id),
            data,
            false,
        )
    }

    /// A `PaymentIntent`, with the preview `agent_details`.
    pub fn payment_intent(&self, p: &PaymentIntent) -> Value {
        let agent = p
            .agent
            .as_ref()
            .map(|a| json!({ "name": a.name, "network_business_profile": a.profile }));
        let mut out = json!({
            "id": p.id, "object": "payment_intent", "agent_details": agent,
            "amount": p.amount, "amount_capturable": p.amount_capturable,
            "amount_details": { "tip": {} }, "amount_received": p.amount_received,
            "application": null,
            "application_fee_amount": p.destination.as_ref().and_then(|d| d.application_fee_amount),
            "automatic_payment_methods": null, "canceled_at": p.canceled_at,
            "cancellation_reason": p.cancellation_reason, "capture_method": p.capture_method,
            "client_secret": format!("{}_secret_{}", p.id, p.payment_method.get(3..).unwrap_or_default()),
            "confirmation_method": "automatic", "created": p.created, "currency": p.currency,
            "customer": null, "customer_account": null, "description": p.description,
        });
        extend(
            &mut out,
            json!({
                "excluded_payment_method_types": null, "last_payment_error": null,
                "latest_charge": p.latest_charge, "livemode": self.live,
                "metadata": metadata(&p.metadata), "next_action": null,
                "on_behalf_of": p.destination.as_ref().and_then(|d| d.on_behalf_of.clone()),
                "payment_method": p.payment_method,
                "payment_method_configuration_details": null,
                "payment_method_options": {
                    "card": { "capture_method": null, "request_three_d_secure": "automatic" },
                },
                "payment_method_types": ["card"], "processing": null,
            }),
        );
        extend(
            &mut out,
            json!({
                "receipt_email": p.receipt_email, "review": null, "setup_future_usage": null,
                "shipping": null, "source": null, "statement_descriptor": null,
                "statement_descriptor_suffix": null, "status": p.status,
                "transfer_data": p.destination.as_ref().map(|d| json!({ "destination": d.account })),
                "transfer_group": null,
            }),
        );
        out
    }

    /// A Charge (without `refunds`, which must be expanded).
    pub fn charge(&self, c: &Charge) -> Value {
        let billing = person(&c.billing);
        let card = &c.card;
        let card_details = json!({
            "amount_authorized": c.amount, "authorization_code": "123456",
            "brand": card.brand, "capture_before": card.capture_before,
            "checks": {
                "address_line1_check": "pass", "address_postal_code_check": "pass",
                "cvc_check": "pass",
            },
            "country": "US", "exp_month": card.exp_month, "exp_year": card.exp_year,
            "extended_authorization": { "status": "disabled" },
            "fingerprint": card.fingerprint, "funding": card.funding,
            "incremental_authorization": { "status": "unavailable" },
        });
        let mut card_details = card_details;
        extend(
            &mut card_details,
            json!({
                "installments": null, "last4": card.last4, "mandate": null,
                "multicapture": { "status": "unavailable" }, "network": card.brand,
                "network_token": { "used": false },
                "network_transaction_id": format!("{}{}", card.fingerprint, card.last4),
                "overcapture": { "maximum_amount_capturable": c.amount, "status": "unavailable" },
                "regulated_status": "unregulated", "three_d_secure": null, "wallet": null,
            }),
        );
        let mut out = json!({
            "id": c.id, "object": "charge", "amount": c.amount,
            "amount_captured": c.amount_captured, "amount_refunded": c.amount_refunded,
            "application": null, "application_fee": c.application_fee,
            "application_fee_amount": c.destination.as_ref().and_then(|d| d.application_fee_amount),
            "balance_transaction": c.balance_transaction, "billing_details": billing,
            "calculated_statement_descriptor": "SANDBOX SELLER", "captured": c.captured,
            "created": c.created, "currency": c.currency, "customer": null,
            "description": c.description, "disputed": self.ledger.dispute_of(&c.id).is_some(),
        });
        extend(
            &mut out,
            json!({
                "failure_balance_transaction": null, "failure_code": null,
                "failure_message": null, "fraud_details": {}, "livemode": self.live,
                "metadata": {},
                "on_behalf_of": c.destination.as_ref().and_then(|d| d.on_behalf_of.clone()),
                "outcome": {
                    "advice_code": null, "network_advice_code": null,
                    "network_decline_code": null, "network_status": "approved_by_network",
                    "reason": null,
                    "risk_level": if c.risk_score >= 65 { "elevated" } else { "normal" },
                    "risk_score": c.risk_score, "seller_message": "Payment complete.",
                    "type": "authorized",
                },
                "paid": true, "payment_intent": c.payment_intent,
                "payment_method": c.payment_method,
                "payment_method_details": { "card": card_details, "type": "card" },
            }),
        );
        extend(
            &mut out,
            json!({
                "receipt_email": c.billing.email, "receipt_number": c.receipt_number,
                "receipt_url": format!("{}/receipts/payment/{}", self.base_url, c.id),
                "refunded": c.refunded(), "review": null, "shipping": null, "source": null,
                "source_transfer": null, "statement_descriptor": null,
                "statement_descriptor_suffix": null, "status": "succeeded",
                "transfer": c.transfer,
                "transfer_data": c.destination.as_ref().map(charge_transfer_data),
                "transfer_group": c.destination.as_ref().map(|_| format!("group_{}", c.payment_intent)),
            }),
        );
        out
    }

    /// The refunds of a charge as a v1 list, newest first.
    pub fn charge_refunds(&self, charge: &str) -> Value {
        let data = self
            .ledger
            .refunds
            .newest_first()
            .filter(|r| r.charge == charge)
            .map(|r| self.refund(r))
            .collect();
        v1_envelope(&format!("/v1/charges/{charge}/refunds"), data, false)
    }

    /// A Transfer, with its reversals (all of them: the sandbox's transfers have few).
    pub fn transfer(&self, t: &Transfer) -> Value {
        let reversals = t
            .reversals
            .iter()
            .rev()
            .map(|r| {
                json!({
                    "id": r.id, "object": "transfer_reversal", "amount": r.amount,
                    "balance_transaction": r.balance_transaction, "created": r.created,
                    "currency": t.currency,
                    "destination_payment_refund": r.destination_payment_refund,
                    "metadata": {}, "source_refund": r.source_refund, "transfer": t.id,
                })
            })
            .collect();
        json!({
            "id": t.id, "object": "transfer", "amount": t.amount,
            "amount_reversed": t.amount_reversed(),
            "balance_transaction": t.balance_transaction, "created": t.created,
            "currency": t.currency, "description": null, "destination": t.destination,
            "destination_payment": t.destination_payment, "livemode": self.live,
            "metadata": {},
            "reversals": v1_envelope(&format!("/v1/transfers/{}/reversals", t.id), reversals, false),
            "reversed": t.reversed(), "source_transaction": t.source_transaction,
            "source_type": "card", "transfer_group": t.group,
        })
    }

    /// An application fee, with its refunds (newest first).
    pub fn application_fee(&self, f: &ApplicationFee) -> Value {
        let refunds = f
            .refunds
            .iter()
            .rev()
            .map(|r| {
                json!({
                    "id": r.id, "object": "fee_refund", "amount": r.amount,
                    "balance_transaction": r.balance_transaction, "created": r.created,
                    "currency": f.currency, "fee": f.id, "metadata": {},
                })
            })
            .collect();
        json!({
            "id": f.id, "object": "application_fee", "account": f.account,
            "amount": f.amount, "amount_refunded": f.amount_refunded(),
            "application": crate::sandbox::funds::PLATFORM_APPLICATION,
            "balance_transaction": f.balance_transaction, "charge": f.charge,
            "created": f.created, "currency": f.currency,
            "fee_source": { "charge": f.charge, "type": "charge" },
            "livemode": self.live, "originating_transaction": f.originating_transaction,
            "refunded": f.refunded(),
            "refunds": v1_envelope(&format!("/v1/application_fees/{}/refunds", f.id), refunds, false),
        })
    }

    /// A Balance of the amounts by currency, all available (the sandbox settles at once).
    pub fn balance(&self, amounts: &BTreeMap<String, i64>, platform: bool) -> Value {
        let by_currency = |zero: bool| -> Vec<Value> {
            amounts
                .iter()
                .map(|(currency, amount)| {
                    let amount = if zero { 0 } else { *amount };
                    json!({ "amount": amount, "currency": currency, "source_types": { "card": amount } })
                })
                .collect()
        };
        let mut out = json!({
            "object": "balance", "available": by_currency(false), "livemode": self.live,
            "pending": by_currency(true),
        });
        if platform {
            let reserved: Vec<Value> = amounts
                .keys()
                .map(|currency| json!({ "amount": 0, "currency": currency }))
                .collect();
            extend(&mut out, json!({ "connect_reserved": reserved }));
        }
        out
    }

    /// A Refund.
    #[allow(clippy::unused_self)] // a method like every other renderer, so call sites read alike
    pub fn refund(&self, r: &Refund) -> Value {
        json!({
            "id": r.id, "object": "refund", "amount": r.amount,
            "balance_transaction": r.balance_transaction, "charge": r.charge,
            "created": r.created, "currency": r.currency, "customer": null,
            "customer_account": null, "description": null,
            "destination_details": {
                "card": {
                    "reference": null, "reference_status": "pending",
                    "reference_type": "acquirer_reference_number", "type": "refund",
                },
                "type": "card",
            },
            "metadata": metadata(&r.metadata), "payment_intent": r.payment_intent,
            "payment_method": null, "reason": r.reason, "receipt_number": null,
            "source_transfer_reversal": null, "status": "succeeded",
            "transfer_reversal": r.transfer_reversal,
        })
    }

    /// A dispute: every evidence field (null until set), the deadline, and the money moved.
    pub fn dispute(&self, d: &Dispute) -> Value {
        let mut evidence = serde_json::Map::new();
        for field in Dispute::TEXT_EVIDENCE.iter().chain(Dispute::FILE_EVIDENCE) {
            evidence.insert(
                (*field).to_owned(),
                d.evidence.get(*field).map_or(Value::Null, |v| json!(v)),
            );
        }
        evidence.insert("enhanced_evidence".into(), json!({}));
        let brand = self
            .ledger
            .charges
            .get(&d.charge)
            .map_or("visa", |c| c.card.brand);
        let transactions: Vec<Value> = d
            .balance_transactions
            .iter()
            .map(|(id, amount, created, description)| {
                let fee = Dispute::fee_on(*amount);
                json!({
                    "id": id, "object": "balance_transaction", "amount": amount,
                    "available_on": created, "created": created, "currency": d.currency,
                    "description": description, "exchange_rate": null, "fee": fee,
                    "fee_details": [{
                        "amount": fee, "application": null, "currency": d.currency,
                        "description": "Dispute fee", "type": "stripe_fee",
                    }],
                    "net": amount - fee, "reporting_category": "dispute",
                    "source": d.id, "status": "available", "type": "adjustment",
                })
            })
            .collect();
        json!({
            "id": d.id, "object": "dispute", "amount": d.amount,
            "balance_transactions": transactions, "charge": d.charge, "created": d.created,
            "currency": d.currency, "enhanced_eligibility_types": [],
            "evidence": evidence,
            "evidence_details": {
                "due_by": d.due_by, "enhanced_eligibility": {},
                "has_evidence": !d.evidence.is_empty(), "past_due": d.past_due,
                "submission_count": d.submission_count,
            },
            "is_charge_refundable": d.is_inquiry() && !d.is_closed(),
            "livemode": self.live, "metadata": metadata(&d.metadata),
            "network_reason_code": d.network_reason_code,
            "payment_intent": d.payment_intent,
            "payment_method_details": {
                "card": {
                    "brand": brand,
                    "case_type": if d.is_inquiry() { "inquiry" } else { "chargeback" },
                    "network_reason_code": d.network_reason_code, "network": brand,
                },
                "type": "card",
            },
            "reason": d.reason, "status": d.status,
        })
    }

    /// A v2 agreement.
    pub fn agreement(&self, a: &Agreement) -> Value {
        json!({
            "id": a.id, "object": "v2.orchestrated_commerce.agreement",
            "created": rfc3339(a.created), "livemode": self.live,
            "initiated_by": a.initiated_by.as_str(),
            "orchestrator_details": {
                "name": a.orchestrator_name,
                "network_business_profile": a.orchestrator_profile,
            },
            "seller_details": { "network_business_profile": self.ledger.seller_profile },
            "status": a.status(),
            "status_transitions": {
                "seller_confirmed_at": a.seller_confirmed_at.map(rfc3339),
                "orchestrator_confirmed_at": a.orchestrator_confirmed_at.map(rfc3339),
                "terminated_at": a.terminated_at.map(rfc3339),
            },
            "terminated_by": a.terminated_by.map(super::state::Party::as_str),
        })
    }
}

/// Adds the fields of `more` (an object) to `out` (an object).
fn extend(out: &mut Value, more: Value) {
    if let (Value::Object(out), Value::Object(more)) = (out, more) {
        out.extend(more);
    }
}

/// A destination charge's `transfer_data`: the whole amount goes to the destination.
fn charge_transfer_data(d: &Destination) -> Value {
    json!({ "amount": null, "destination": d.account })
}

fn person(p: &Person) -> Value {
    json!({
        "address": address(&p.address), "email": p.email, "name": p.name,
        "phone": p.phone, "tax_id": null,
    })
}
