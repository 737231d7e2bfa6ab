//! sea-orm entities, one module per table. JSON documents are stored as text so the same columns
//! work on SQLite and PostgreSQL.

pub mod audit_log;
pub mod credit_ledger;
pub mod export_artifact;
pub mod job_description;
pub mod optimization_request;
pub mod optimization_version;
pub mod outbox;
pub mod resume;
