//! The JSON objects of the REST contract (camelCase), as typed structs: serde gives the body,
//! utoipa the OpenAPI schema, so the document cannot drift from what the routes return. The CLI
//! prints the same structs (`resumax optimize --json`).

use chrono::{DateTime, Utc};
use resumax_core::ErrorCode;
use resumax_core::api::{
    ExportRecord, ExportStatus, JobDescriptionRecord, ParseError, ParseStatus, ResumeRecord,
};
use resumax_core::job_description::Requirement;
use resumax_core::optimization::{
    ExportDesign, ExportFormat, FailureInfo, Optimization, OptimizationStatus, SectionDiff, Strategy,
    Suggestion, Version,
};
use resumax_core::resume::{Contact, Section};
use resumax_core::score::{MatchReport, ScoreComponent};
use serde::{Deserialize, Serialize, Serializer};
use utoipa::ToSchema;
use uuid::Uuid;

/// `GET /optimize/{id}`; also printed by `resumax optimize --json`. The result fields are there
/// once the run completed; `error` once it failed.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct OptimizationView {
    pub optimization_id: Uuid,
    pub status: OptimizationStatus,
    pub resume_id: Uuid,
    pub job_description_id: Uuid,
    pub strategy: Strategy,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// What the rewrite changed, one sentence per kind of change.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub summary: Option<Vec<String>>,
    /// The score after the changes (0-100).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub alignment_score: Option<u8>,
    /// The score of the resume as uploaded (0-100).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub score_before: Option<u8>,
    /// The match report after the changes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub match_report: Option<MatchReport>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub diff: Option<Vec<SectionDiff>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suggestions: Option<Vec<Suggestion>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub warnings: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<FailureInfo>,
}

impl From<&Optimization> for OptimizationView {
    fn from(o: &Optimization) -> Self {
        let result = o.result.as_ref();
        OptimizationView {
            optimization_id: o.optimization_id,
            status: o.status,
            resume_id: o.resume_id,
            job_description_id: o.job_description_id,
            strategy: o.strategy,
            created_at: o.created_at,
            updated_at: o.updated_at,
            summary: result.map(|r| r.summary.clone()),
            alignment_score: result.map(|r| r.score_after.alignment_score),
            score_before: result.map(|r| r.score_before.alignment_score),
            match_report: result.map(|r| r.score_after.clone()),
            diff: result.map(|r| r.diff.clone()),
            suggestions: result.map(|r| r.suggestions.clone()),
            warnings: result.map(|r| r.warnings.clone()),
            error: o.error.clone(),
        }
    }
}

/// The `GET /optimize/{id}` body as JSON, for printing.
pub fn optimization_json(o: &Optimization) -> serde_json::Value {
    serde_json::to_value(OptimizationView::from(o)).unwrap_or_default()
}

/// Each warning code with the sentence a person reads (`warnings` keeps the bare codes).
#[derive(Debug, Serialize, ToSchema)]
pub struct WarningDetail {
    pub code: String,
    pub message: String,
}

pub fn warning_details(codes: &[String]) -> Vec<WarningDetail> {
    codes
        .iter()
        .map(|code| WarningDetail {
            code: code.clone(),
            message: resumax_core::notices::describe(code).into(),
        })
        .collect()
}

// A resume not parsed yet has no contact: `{}`, not an object of nulls.
fn contact_or_empty<S: Serializer>(contact: &Option<Contact>, serializer: S) -> Result<S::Ok, S::Error> {
    match contact {
        Some(contact) => contact.serialize(serializer),
        None => serde_json::Map::new().serialize(serializer),
    }
}

/// `GET /resumes/{id}`: sections, contact and warnings are empty until the parse completed.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ResumeView {
    pub resume_id: Uuid,
    pub file_name: String,
    pub parse_status: ParseStatus,
    pub sections: Vec<Section>,
    #[serde(serialize_with = "contact_or_empty")]
    #[schema(value_type = Contact)]
    pub contact: Option<Contact>,
    /// Codes such as `multi_column_layout`, `missing_email`, `no_sections`.
    pub warnings: Vec<String>,
    pub warning_details: Vec<WarningDetail>,
    pub created_at: DateTime<Utc>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<ParseError>,
}

impl From<&ResumeRecord> for ResumeView {
    fn from(r: &ResumeRecord) -> Self {
        let parsed = r.parsed.as_ref();
        let warnings = parsed.map(|p| p.warnings.clone()).unwrap_or_default();
        ResumeView {
            resume_id: r.resume_id,
            file_name: r.file_name.clone(),
            parse_status: r.parse_status,
            sections: parsed.map(|p| p.sections.clone()).unwrap_or_default(),
            contact: parsed.map(|p| p.contact.clone()),
            warning_details: warning_details(&warnings),
            warnings,
            created_at: r.created_at,
            error: r.error.clone(),
        }
    }
}

/// `201` of `POST /resumes`.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ResumeCreated {
    pub resume_id: Uuid,
    pub parse_status: ParseStatus,
}

/// `GET /job-descriptions/{id}`: the metadata is null and the lists are empty until the parse
/// completed.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct JobDescriptionView {
    pub job_description_id: Uuid,
    pub parse_status: ParseStatus,
    #[schema(required)]
    pub title: Option<String>,
    #[schema(required)]
    pub company: Option<String>,
    #[schema(required)]
    pub location: Option<String>,
    #[schema(required)]
    pub employment_type: Option<String>,
    pub required_skills: Vec<String>,
    pub preferred_skills: Vec<String>,
    pub requirements: Vec<Requirement>,
    #[schema(required)]
    pub sanitized_text: Option<String>,
    /// Codes such as `short`, `missing_title`, `no_requirements`, `unsupported_language`.
    pub warnings: Vec<String>,
    pub warning_details: Vec<WarningDetail>,
    pub created_at: DateTime<Utc>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<ParseError>,
}

impl From<&JobDescriptionRecord> for JobDescriptionView {
    fn from(j: &JobDescriptionRecord) -> Self {
        let p = j.parsed.as_ref();
        let warnings = job_description_warnings(j).to_vec();
        JobDescriptionView {
            job_description_id: j.job_description_id,
            parse_status: j.parse_status,
            title: p.and_then(|p| p.title.clone()),
            company: p.and_then(|p| p.company.clone()),
            location: p.and_then(|p| p.location.clone()),
            employment_type: p.and_then(|p| p.employment_type.clone()),
            required_skills: p.map(|p| p.required_skills.clone()).unwrap_or_default(),
            preferred_skills: p.map(|p| p.preferred_skills.clone()).unwrap_or_default(),
            requirements: p.map(|p| p.requirements.clone()).unwrap_or_default(),
            sanitized_text: p.map(|p| p.sanitized_text.clone()),
            warning_details: warning_details(&warnings),
            warnings,
            created_at: j.created_at,
            error: j.error.clone(),
        }
    }
}

/// `201` of `POST /job-descriptions`.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct JobDescriptionCreated {
    pub job_description_id: Uuid,
    pub parse_status: ParseStatus,
    pub warnings: Vec<String>,
    pub warning_details: Vec<WarningDetail>,
}

impl From<&JobDescriptionRecord> for JobDescriptionCreated {
    fn from(j: &JobDescriptionRecord) -> Self {
        let warnings = job_description_warnings(j).to_vec();
        JobDescriptionCreated {
            job_description_id: j.job_description_id,
            parse_status: j.parse_status,
            warning_details: warning_details(&warnings),
            warnings,
        }
    }
}

pub fn job_description_warnings(j: &JobDescriptionRecord) -> &[String] {
    j.parsed.as_ref().map(|p| p.warnings.as_slice()).unwrap_or_default()
}

/// `202` (a new run) or `200` (the run already asked for) of `POST /optimize`.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct OptimizationStarted {
    pub optimization_id: Uuid,
    pub status: OptimizationStatus,
}

/// `GET /optimize/{id}/score`: the breakdown is of the score after the changes.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ScoreView {
    pub score_before: u8,
    pub score_after: u8,
    pub breakdown: Vec<ScoreComponent>,
}

/// A saved version is always `saved`.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum VersionStatus {
    Saved,
}

/// `201` of `POST /optimize/{id}/accept`.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AcceptedView {
    pub version_id: Uuid,
    pub status: VersionStatus,
    pub exports: Vec<ExportView>,
}

pub fn download_url(export_id: Uuid) -> String {
    format!("/exports/{export_id}/download")
}

/// `GET /exports/{id}`. `downloadUrl` once the file exists: a signed URL straight to the object
/// store when it issues them (with `expiresAt`), else the gateway's own download route.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ExportView {
    pub export_id: Uuid,
    pub version_id: Uuid,
    pub format: ExportFormat,
    pub design: ExportDesign,
    pub status: ExportStatus,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub download_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<DateTime<Utc>>,
}

impl From<&ExportRecord> for ExportView {
    fn from(e: &ExportRecord) -> Self {
        let completed = e.status == ExportStatus::Completed;
        ExportView {
            export_id: e.export_id,
            version_id: e.version_id,
            format: e.format,
            design: e.design,
            status: e.status,
            download_url: completed
                .then(|| e.download_url.clone().unwrap_or_else(|| download_url(e.export_id))),
            expires_at: e.expires_at.filter(|_| completed),
        }
    }
}

/// A saved version (`GET /versions/{id}`, and each item of `GET /versions`), with its exports:
/// `downloadLinks` fills in as they complete.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct VersionView {
    pub version_id: Uuid,
    pub optimization_id: Uuid,
    pub resume_id: Uuid,
    pub score: u8,
    pub accepted_changes: Vec<String>,
    /// Accepted changes whose text the person wrote.
    pub edited_changes: Vec<String>,
    /// The run's changes not accepted.
    pub rejected_changes: Vec<String>,
    /// What the guard noticed in the accepted text, the person's edits included.
    pub warnings: Vec<String>,
    pub optimized_sections: Vec<Section>,
    pub diff: Vec<SectionDiff>,
    #[schema(required)]
    pub notes: Option<String>,
    pub created_at: DateTime<Utc>,
    pub status: VersionStatus,
    /// The version's exports, each with its download URL once completed.
    pub download_links: Vec<ExportView>,
}

impl VersionView {
    pub fn new(v: &Version, exports: &[ExportRecord]) -> Self {
        VersionView {
            version_id: v.version_id,
            optimization_id: v.optimization_id,
            resume_id: v.resume_id,
            score: v.score,
            accepted_changes: v.accepted_changes.clone(),
            edited_changes: v.edited_changes.clone(),
            rejected_changes: v.rejected_changes.clone(),
            warnings: v.warnings.clone(),
            optimized_sections: v.optimized.sections.clone(),
            diff: v.diff.clone(),
            notes: v.notes.clone(),
            created_at: v.created_at,
            status: VersionStatus::Saved,
            download_links: exports.iter().map(ExportView::from).collect(),
        }
    }
}

/// `GET /versions`: newest first; `nextCursor` when there are more.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct VersionList {
    pub items: Vec<VersionView>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<String>,
}

/// Every error: the code fixes the status (DESIGN.md section 5); `requestId` is also the
/// `x-request-id` header.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ErrorBody {
    pub code: ErrorCode,
    pub message: String,
    pub request_id: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Health {
    /// `ok`.
    pub status: String,
}

/// `POST /job-descriptions` as JSON; blank optional fields count as absent.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct JobDescriptionBody {
    /// The posting's text (at most 2 MB).
    pub text: String,
    pub title: Option<String>,
    pub company: Option<String>,
    pub location: Option<String>,
}

/// A multipart upload: one part named `file`.
#[derive(Debug, ToSchema)]
#[allow(dead_code)] // documents the multipart body, which `upload::read_file_field` reads
pub struct FileUpload {
    #[schema(value_type = String, format = Binary)]
    pub file: Vec<u8>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct OptimizeBody {
    pub resume_id: String,
    pub job_description_id: String,
    /// `default` when absent.
    #[schema(value_type = Option<Strategy>)]
    pub strategy: Option<String>,
    /// An idempotency key (at most 200 printable characters): the same key and parameters answer
    /// the same run.
    pub client_request_id: Option<String>,
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AcceptBody {
    /// Accept every change the guard is sure of (uncertain ones are named in `acceptedChanges`
    /// instead; the two together are refused).
    pub apply_all: Option<bool>,
    /// The change ids to accept when `applyAll` is not true.
    pub accepted_changes: Option<Vec<String>>,
    /// The person's own text for a change (`changeId -> text`, at most 2000 characters); an
    /// edited change is accepted, the guard's notes on it are kept on the version.
    pub edited_changes: Option<std::collections::BTreeMap<String, String>>,
    /// At most 2000 characters.
    pub notes: Option<String>,
    #[schema(value_type = Option<Vec<ExportFormat>>)]
    pub export_formats: Option<Vec<String>>,
    /// The look of the exports: `classic` when absent.
    #[schema(value_type = Option<ExportDesign>)]
    pub design: Option<String>,
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct VersionsQuery {
    /// `nextCursor` of the previous page.
    pub cursor: Option<String>,
    /// 1 to 100, default 20.
    #[param(value_type = Option<u32>)]
    pub limit: Option<String>,
}
