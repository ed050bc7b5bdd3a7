//! The sandbox's state: one [`Ledger`] per account and mode inside the [`Store`], the
//! [`Shared`] handle every request holds (store, faults, clock, data folder), the idempotency
//! keys, and the progress of feed imports.
//!
//! The files import each other directly, never through this face, so the folder has no
//! circle: `shared -> store, rate_limit -> ledger, accounts, idempotency`; `accounts -> ledger`; `ledger -> import_job, connect`.

mod accounts;
mod connect;
pub(crate) mod idempotency;
mod import_job;
mod ledger;
mod rate_limit;
mod shared;
mod store;

pub(crate) use accounts::{ConnectedAccount, SellerData};
pub(crate) use connect::{ApplicationFee, Destination, FeeRefund, Transfer, TransferReversal};
pub(crate) use import_job::{Failure, ImportJob, Outcome, Phase, Sample, processing_time};
pub(crate) use ledger::{
    Address, AgentRef, Agreement, Card, CatalogImport, Charge, DemoCatalog, Dispute, EventRec,
    FileRec, ImportSet, Ledger, LedgerKey, LineItem, Party, Payload, PaymentIntent, Person, Price,
    Product, Record, Refund, Session, Table, TaxRate,
};
pub(crate) use shared::{Blob, Shared};
pub(crate) use store::{DownloadSlot, MAX_ACCOUNTS, MAX_LEDGERS, Store, UploadSlot};
