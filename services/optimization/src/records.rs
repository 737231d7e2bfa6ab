//! Rows to domain values.

use resumax_core::optimization::{FailureInfo, Optimization, OptimizationStatus, Strategy, Version};
use resumax_core::{Error, ErrorCode, Result};
use resumax_db::entity::{optimization_request, optimization_version};
use uuid::Uuid;

fn uuid(value: &str) -> Result<Uuid> {
    Uuid::parse_str(value).map_err(|e| Error::internal("reading a stored id", e))
}

fn json<T: serde::de::DeserializeOwned>(text: &str) -> Result<T> {
    serde_json::from_str(text).map_err(|e| Error::internal("reading a stored document", e))
}

pub fn optimization_from_row(row: &optimization_request::Model) -> Result<Optimization> {
    let status = OptimizationStatus::parse(&row.status)
        .ok_or_else(|| Error::internal("reading a status", &row.status))?;
    Ok(Optimization {
        optimization_id: uuid(&row.id)?,
        status,
        resume_id: uuid(&row.resume_id)?,
        job_description_id: uuid(&row.job_description_id)?,
        strategy: Strategy::parse(&row.strategy)?,
        created_at: row.created_at,
        updated_at: row.updated_at,
        result: row.result.as_deref().map(json).transpose()?,
        error: row.error_code.as_deref().map(|code| FailureInfo {
            code: ErrorCode::parse(code).unwrap_or(ErrorCode::Internal),
            message: row.error_message.clone().unwrap_or_default(),
        }),
    })
}

pub fn version_from_row(row: &optimization_version::Model) -> Result<Version> {
    Ok(Version {
        version_id: uuid(&row.id)?,
        optimization_id: uuid(&row.optimization_id)?,
        resume_id: uuid(&row.resume_id)?,
        score: u8::try_from(row.score.clamp(0, 100)).unwrap_or(0),
        accepted_changes: json(&row.accepted_changes)?,
        edited_changes: row.edited_changes.as_deref().map(json).transpose()?.unwrap_or_default(),
        rejected_changes: row.rejected_changes.as_deref().map(json).transpose()?.unwrap_or_default(),
        warnings: row.warnings.as_deref().map(json).transpose()?.unwrap_or_default(),
        optimized: json(&row.optimized)?,
        diff: json(&row.diff)?,
        notes: row.notes.clone(),
        created_at: row.created_at,
    })
}
