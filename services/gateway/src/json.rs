//! The JSON objects of the REST contract (camelCase). Built here, in one place, so the CLI can
//! print exactly what the API answers.

use resumax_core::api::{ExportRecord, ExportStatus, JobDescriptionRecord, ResumeRecord};
use resumax_core::optimization::{Optimization, Version};
use serde_json::{Map, Value, json};
use uuid::Uuid;

/// `GET /optimize/{id}`; also printed by `resumax optimize --json`.
///
/// Always: `optimizationId, status, resumeId, jobDescriptionId, strategy, createdAt, updatedAt`.
/// With a result: `summary, alignmentScore` (score after), `scoreBefore, matchReport` (report
/// after), `diff, suggestions, warnings`. When failed: `error {code, message}`.
pub fn optimization_json(o: &Optimization) -> Value {
    let mut out = Map::new();
    out.insert("optimizationId".into(), json!(o.optimization_id));
    out.insert("status".into(), json!(o.status.as_str()));
    out.insert("resumeId".into(), json!(o.resume_id));
    out.insert("jobDescriptionId".into(), json!(o.job_description_id));
    out.insert("strategy".into(), json!(o.strategy.as_str()));
    out.insert("createdAt".into(), json!(o.created_at));
    out.insert("updatedAt".into(), json!(o.updated_at));
    if let Some(result) = &o.result {
        out.insert("summary".into(), json!(result.summary));
        out.insert("alignmentScore".into(), json!(result.score_after.alignment_score));
        out.insert("scoreBefore".into(), json!(result.score_before.alignment_score));
        out.insert("matchReport".into(), json!(result.score_after));
        out.insert("diff".into(), json!(result.diff));
        out.insert("suggestions".into(), json!(result.suggestions));
        out.insert("warnings".into(), json!(result.warnings));
    }
    if let Some(error) = &o.error {
        out.insert("error".into(), json!({ "code": error.code.as_str(), "message": error.message }));
    }
    Value::Object(out)
}

pub fn resume_json(r: &ResumeRecord) -> Value {
    let (sections, contact, warnings) = match &r.parsed {
        Some(p) => (json!(p.sections), json!(p.contact), p.warnings.as_slice()),
        None => (json!([]), json!({}), &[][..]),
    };
    let mut out = Map::new();
    out.insert("resumeId".into(), json!(r.resume_id));
    out.insert("fileName".into(), json!(r.file_name));
    out.insert("parseStatus".into(), json!(r.parse_status.as_str()));
    out.insert("sections".into(), sections);
    out.insert("contact".into(), contact);
    out.insert("warnings".into(), json!(warnings));
    out.insert("warningDetails".into(), warning_details(warnings));
    out.insert("createdAt".into(), json!(r.created_at));
    if let Some(error) = &r.error {
        out.insert("error".into(), json!({ "code": error.code.as_str(), "message": error.message }));
    }
    Value::Object(out)
}

/// Fields of a parse not yet done are null (metadata) or empty (lists).
pub fn job_description_json(j: &JobDescriptionRecord) -> Value {
    let p = j.parsed.as_ref();
    let mut out = Map::new();
    out.insert("jobDescriptionId".into(), json!(j.job_description_id));
    out.insert("parseStatus".into(), json!(j.parse_status.as_str()));
    out.insert("title".into(), json!(p.and_then(|p| p.title.as_ref())));
    out.insert("company".into(), json!(p.and_then(|p| p.company.as_ref())));
    out.insert("location".into(), json!(p.and_then(|p| p.location.as_ref())));
    out.insert("employmentType".into(), json!(p.and_then(|p| p.employment_type.as_ref())));
    out.insert("requiredSkills".into(), json!(p.map(|p| p.required_skills.as_slice()).unwrap_or_default()));
    out.insert("preferredSkills".into(), json!(p.map(|p| p.preferred_skills.as_slice()).unwrap_or_default()));
    out.insert("requirements".into(), json!(p.map(|p| p.requirements.as_slice()).unwrap_or_default()));
    out.insert("sanitizedText".into(), json!(p.map(|p| p.sanitized_text.as_str())));
    out.insert("warnings".into(), json!(job_description_warnings(j)));
    out.insert("warningDetails".into(), warning_details(job_description_warnings(j)));
    out.insert("createdAt".into(), json!(j.created_at));
    if let Some(error) = &j.error {
        out.insert("error".into(), json!({ "code": error.code.as_str(), "message": error.message }));
    }
    Value::Object(out)
}

/// Each warning code with the sentence a person reads (`warnings` keeps the bare codes).
pub fn warning_details(codes: &[String]) -> Value {
    codes
        .iter()
        .map(|code| json!({ "code": code, "message": resumax_core::notices::describe(code) }))
        .collect()
}

pub fn job_description_warnings(j: &JobDescriptionRecord) -> &[String] {
    j.parsed.as_ref().map(|p| p.warnings.as_slice()).unwrap_or_default()
}

pub fn download_url(export_id: Uuid) -> String {
    format!("/exports/{export_id}/download")
}

/// `{exportId, format, status, downloadUrl?, expiresAt?}`; the url only once the file exists: a
/// signed URL straight to the object store when it issues them, else the gateway's own route.
pub fn export_json(e: &ExportRecord) -> Value {
    let mut out = Map::new();
    out.insert("exportId".into(), json!(e.export_id));
    out.insert("versionId".into(), json!(e.version_id));
    out.insert("format".into(), json!(e.format.as_str()));
    out.insert("status".into(), json!(e.status));
    if e.status == ExportStatus::Completed {
        let url = e.download_url.clone().unwrap_or_else(|| download_url(e.export_id));
        out.insert("downloadUrl".into(), json!(url));
        if let Some(expires_at) = e.expires_at {
            out.insert("expiresAt".into(), json!(expires_at));
        }
    }
    Value::Object(out)
}

/// A saved version; the list items of `GET /versions` have the same shape. `downloadLinks` is
/// empty: exports are reached through the ids returned by accept.
pub fn version_json(v: &Version) -> Value {
    json!({
        "versionId": v.version_id,
        "optimizationId": v.optimization_id,
        "resumeId": v.resume_id,
        "score": v.score,
        "acceptedChanges": v.accepted_changes,
        "editedChanges": v.edited_changes,
        "rejectedChanges": v.rejected_changes,
        "warnings": v.warnings,
        "optimizedSections": v.optimized.sections,
        "diff": v.diff,
        "notes": v.notes,
        "createdAt": v.created_at,
        "status": "saved",
        "downloadLinks": [],
    })
}
