//! The client traits of the services. Each is implemented by the service itself (in-process call)
//! and by its gRPC client; both must answer identically, errors included.

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::ids::UserId;
use crate::job_description::ParsedJobDescription;
use crate::optimization::{ExportDesign, ExportFormat, Optimization, Strategy, Version};
use crate::resume::ParsedResume;
use crate::score::{MatchReport, RankedJob};
use crate::{ErrorCode, Result};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
#[derive(strum::IntoStaticStr, strum::EnumString, strum::VariantArray)]
#[strum(serialize_all = "snake_case")]
pub enum ParseStatus {
    Pending,
    Parsing,
    Completed,
    Failed,
}

impl ParseStatus {
    pub fn as_str(self) -> &'static str {
        self.into()
    }
    pub fn parse(s: &str) -> Option<Self> {
        s.parse().ok()
    }
}

/// Why a parse failed, for the client.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ParseError {
    pub code: ErrorCode,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ResumeRecord {
    pub resume_id: Uuid,
    pub file_name: String,
    pub parse_status: ParseStatus,
    pub parsed: Option<ParsedResume>,
    pub error: Option<ParseError>,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct JobDescriptionRecord {
    pub job_description_id: Uuid,
    pub parse_status: ParseStatus,
    pub parsed: Option<ParsedJobDescription>,
    pub error: Option<ParseError>,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

/// An uploaded file: name as given by the client, bytes as received (already size-checked).
#[derive(Debug, Clone)]
pub struct Upload {
    pub file_name: String,
    pub bytes: Vec<u8>,
}

/// A job description as pasted text with optional metadata given by the client.
#[derive(Debug, Clone, Default)]
pub struct JobDescriptionText {
    pub text: String,
    pub title: Option<String>,
    pub company: Option<String>,
    pub location: Option<String>,
}

#[derive(Debug, Clone)]
pub enum JobDescriptionSource {
    Text(JobDescriptionText),
    File(Upload),
}

/// Upload limits of the REST contract; the gateway checks them while streaming, the parsing
/// service checks them again for callers that reach it directly.
pub const MAX_RESUME_BYTES: usize = 5 * 1024 * 1024;
pub const MAX_JOB_DESCRIPTION_BYTES: usize = 10 * 1024 * 1024;

#[async_trait]
pub trait ParsingApi: Send + Sync {
    /// Stores the file and queues its parse; answers at once with status `pending`.
    async fn upload_resume(&self, user: &UserId, upload: Upload) -> Result<ResumeRecord>;
    async fn get_resume(&self, user: &UserId, resume_id: Uuid) -> Result<ResumeRecord>;
    /// Soft delete.
    async fn delete_resume(&self, user: &UserId, resume_id: Uuid) -> Result<()>;
    async fn create_job_description(
        &self,
        user: &UserId,
        source: JobDescriptionSource,
    ) -> Result<JobDescriptionRecord>;
    async fn get_job_description(
        &self,
        user: &UserId,
        job_description_id: Uuid,
    ) -> Result<JobDescriptionRecord>;
}

#[async_trait]
pub trait ScoringApi: Send + Sync {
    /// Deterministic: the same input gives the same report.
    async fn score(&self, resume: &ParsedResume, job: &ParsedJobDescription) -> Result<MatchReport>;

    /// One resume against many job descriptions, best first (equal scores in input order);
    /// `limit` 0 keeps all. Each entry scores exactly as [`ScoringApi::score`] would.
    async fn rank(
        &self,
        resume: &ParsedResume,
        jobs: &[ParsedJobDescription],
        limit: usize,
    ) -> Result<Vec<RankedJob>> {
        let mut ranked = Vec::with_capacity(jobs.len());
        for (index, job) in jobs.iter().enumerate() {
            let report = self.score(resume, job).await?;
            ranked.push(RankedJob {
                index,
                alignment_score: report.alignment_score,
                breakdown: report.breakdown,
            });
        }
        ranked.sort_by(|a, b| b.alignment_score.cmp(&a.alignment_score).then(a.index.cmp(&b.index)));
        if limit > 0 {
            ranked.truncate(limit);
        }
        Ok(ranked)
    }
}

#[derive(Debug, Clone)]
pub struct StartOptimization {
    pub resume_id: Uuid,
    pub job_description_id: Uuid,
    pub strategy: Strategy,
    pub client_request_id: Option<String>,
    /// The request id of the REST call, carried into the job for tracing.
    pub request_id: String,
}

/// `created` is false when an idempotent replay or an active run for the same pair answered.
#[derive(Debug, Clone)]
pub struct Started {
    pub optimization: Optimization,
    pub created: bool,
}

#[derive(Debug, Clone, Default)]
pub struct AcceptChanges {
    pub apply_all: bool,
    pub accepted_changes: Vec<String>,
    /// The person's own text for a change (`changeId -> text`); an edited change is accepted.
    pub edited_changes: std::collections::BTreeMap<String, String>,
    pub notes: Option<String>,
    pub export_formats: Vec<ExportFormat>,
    /// The look of the exports asked for.
    pub design: ExportDesign,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Accepted {
    pub version: Version,
    pub exports: Vec<ExportRecord>,
    /// False when the same accepted set had been saved before: the existing version answers.
    #[serde(default = "yes")]
    pub created: bool,
}

fn yes() -> bool {
    true
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct VersionPage {
    pub items: Vec<Version>,
    pub next_cursor: Option<String>,
}

#[async_trait]
pub trait OptimizationApi: Send + Sync {
    async fn start(&self, user: &UserId, request: StartOptimization) -> Result<Started>;
    async fn get(&self, user: &UserId, optimization_id: Uuid) -> Result<Optimization>;
    async fn accept(&self, user: &UserId, optimization_id: Uuid, changes: AcceptChanges) -> Result<Accepted>;
    async fn list_versions(&self, user: &UserId, cursor: Option<String>, limit: u32) -> Result<VersionPage>;
    async fn get_version(&self, user: &UserId, version_id: Uuid) -> Result<Version>;
    /// Hides everything derived from a deleted resume.
    async fn forget_resume(&self, user: &UserId, resume_id: Uuid) -> Result<()>;
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ExportStatus {
    Queued,
    Completed,
    Failed,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ExportRecord {
    pub export_id: Uuid,
    pub version_id: Uuid,
    pub format: ExportFormat,
    #[serde(default)]
    pub design: ExportDesign,
    pub status: ExportStatus,
    /// Object key of the rendered file, once completed.
    pub storage_key: Option<String>,
    /// A signed, time-limited URL straight to the file when the object store can issue one (S3);
    /// otherwise clients download through the gateway. Issued afresh on every read.
    #[serde(default)]
    pub download_url: Option<String>,
    #[serde(default)]
    pub expires_at: Option<chrono::DateTime<chrono::Utc>>,
}

#[async_trait]
pub trait ExportApi: Send + Sync {
    /// Renders a version in one format and design and stores it.
    async fn export(
        &self,
        user: &UserId,
        version: &Version,
        format: ExportFormat,
        design: ExportDesign,
    ) -> Result<ExportRecord>;
    async fn get_export(&self, user: &UserId, export_id: Uuid) -> Result<ExportRecord>;
    /// The rendered bytes of a completed export.
    async fn download(&self, user: &UserId, export_id: Uuid) -> Result<(ExportRecord, Vec<u8>)>;
    /// The exports of one version (oldest first), with fresh download URLs where completed.
    async fn exports_of(&self, user: &UserId, version_id: Uuid) -> Result<Vec<ExportRecord>>;
}
