//! Small real in-memory implementations of the three service traits, scoped by user like the real
//! services, plus a helper that serves the router on a loopback port.

#![allow(dead_code)]

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use chrono::Utc;
use resumax_core::api::*;
use resumax_core::ids::{UserId, new_id};
use resumax_core::job_description::ParsedJobDescription;
use resumax_core::optimization::*;
use resumax_core::resume::{Entry, ItemId, ParsedResume, Section, SectionKind};
use resumax_core::score::{Importance, KeywordGap, KeywordMatch, MatchReport, ScoreComponent};
use resumax_core::{Error, ErrorCode, Result};
use resumax_gateway::{Auth, Gateway, RateLimit, issue_token};
use uuid::Uuid;

pub const SECRET: &[u8] = b"test-secret-for-the-gateway";

#[derive(Default)]
pub struct Store {
    resumes: Mutex<HashMap<Uuid, (UserId, ResumeRecord, bool)>>,
    jds: Mutex<HashMap<Uuid, (UserId, JobDescriptionRecord)>>,
    optimizations: Mutex<HashMap<Uuid, OptRow>>,
    versions: Mutex<Vec<(UserId, Version)>>,
    exports: Mutex<HashMap<Uuid, StoredExport>>,
    pub start_calls: Mutex<Vec<StartOptimization>>,
}

type StoredExport = (UserId, ExportRecord, Vec<u8>);

struct OptRow {
    user: UserId,
    optimization: Optimization,
    client_request_id: Option<String>,
    hidden: bool,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

pub struct MemParsing(pub Arc<Store>);
pub struct MemOptimization(pub Arc<Store>, pub Arc<MemExport>);
pub struct MemExport(pub Arc<Store>);

/// Each non-empty line of the text becomes a bullet of one experience entry.
fn parse_resume_text(text: &str) -> ParsedResume {
    let lines: Vec<String> =
        text.lines().map(str::trim).filter(|l| !l.is_empty()).map(String::from).collect();
    ParsedResume {
        sections: vec![Section {
            kind: SectionKind::Experience,
            heading: "Experience".into(),
            entries: vec![Entry { lines, ..Entry::default() }],
            skills: vec![],
        }],
        text: text.to_string(),
        ..ParsedResume::default()
    }
}

/// Skills are the words after "requires" (comma separated).
fn parse_jd_text(text: &str, title: Option<String>) -> ParsedJobDescription {
    let sanitized = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let required = sanitized
        .to_lowercase()
        .split_once("requires")
        .map(|(_, rest)| {
            rest.split([',', '.']).map(|s| s.trim().to_string()).filter(|s| !s.is_empty()).collect()
        })
        .unwrap_or_default();
    let mut warnings = vec![];
    if title.is_none() {
        warnings.push("missing_title".to_string());
    }
    ParsedJobDescription {
        title,
        required_skills: required,
        sanitized_text: sanitized,
        warnings,
        ..ParsedJobDescription::default()
    }
}

#[async_trait]
impl ParsingApi for MemParsing {
    async fn upload_resume(&self, user: &UserId, upload: Upload) -> Result<ResumeRecord> {
        let (status, parsed, error) = match String::from_utf8(upload.bytes) {
            Ok(text) => (ParseStatus::Completed, Some(parse_resume_text(&text)), None),
            Err(_) => (
                ParseStatus::Failed,
                None,
                Some(ParseError { code: ErrorCode::ParseFailed, message: "not text".into() }),
            ),
        };
        let record = ResumeRecord {
            resume_id: new_id(),
            file_name: upload.file_name,
            parse_status: status,
            parsed,
            error,
            created_at: Utc::now(),
        };
        lock(&self.0.resumes).insert(record.resume_id, (user.clone(), record.clone(), false));
        Ok(record)
    }
    async fn get_resume(&self, user: &UserId, resume_id: Uuid) -> Result<ResumeRecord> {
        match lock(&self.0.resumes).get(&resume_id) {
            Some((owner, record, false)) if owner == user => Ok(record.clone()),
            _ => Err(Error::not_found("resume")),
        }
    }
    async fn delete_resume(&self, user: &UserId, resume_id: Uuid) -> Result<()> {
        match lock(&self.0.resumes).get_mut(&resume_id) {
            Some((owner, _, deleted)) if owner == user && !*deleted => {
                *deleted = true;
                Ok(())
            }
            _ => Err(Error::not_found("resume")),
        }
    }
    async fn create_job_description(
        &self,
        user: &UserId,
        source: JobDescriptionSource,
    ) -> Result<JobDescriptionRecord> {
        let parsed = match source {
            JobDescriptionSource::Text(t) => parse_jd_text(&t.text, t.title),
            JobDescriptionSource::File(f) => parse_jd_text(&String::from_utf8_lossy(&f.bytes), None),
        };
        let record = JobDescriptionRecord {
            job_description_id: new_id(),
            parse_status: ParseStatus::Completed,
            parsed: Some(parsed),
            error: None,
            created_at: Utc::now(),
        };
        lock(&self.0.jds).insert(record.job_description_id, (user.clone(), record.clone()));
        Ok(record)
    }
    async fn get_job_description(&self, user: &UserId, id: Uuid) -> Result<JobDescriptionRecord> {
        match lock(&self.0.jds).get(&id) {
            Some((owner, record)) if owner == user => Ok(record.clone()),
            _ => Err(Error::not_found("job description")),
        }
    }
}

fn report(resume: &ParsedResume, jd: &ParsedJobDescription) -> MatchReport {
    let text = resume.lines().map(|(_, l)| l.to_lowercase()).collect::<Vec<_>>().join("\n");
    let (found, missing): (Vec<_>, Vec<_>) =
        jd.required_skills.iter().partition(|s| text.contains(s.as_str()));
    let total = jd.required_skills.len().max(1);
    let score = (found.len() * 100 / total) as u8;
    MatchReport {
        alignment_score: score,
        breakdown: vec![ScoreComponent {
            name: "keywords".into(),
            score: f64::from(score),
            weight: 1.0,
            detail: format!("{} of {} required skills", found.len(), jd.required_skills.len()),
        }],
        matched_keywords: found
            .iter()
            .map(|t| KeywordMatch {
                term: t.to_string(),
                importance: Importance::Required,
                weight: 1.0,
                resume_term: t.to_string(),
                literal: true,
                sections: vec!["experience".into()],
            })
            .collect(),
        missing_keywords: missing
            .iter()
            .map(|t| KeywordGap { term: t.to_string(), importance: Importance::Required, weight: 1.0 })
            .collect(),
        recommendations: vec![],
    }
}

/// Rewrites the weak opening "helped with" as "Supported"; nothing else changes.
fn suggestions(resume: &ParsedResume) -> Vec<Suggestion> {
    resume
        .lines()
        .filter_map(|(item, line)| {
            let rest = line.strip_prefix("helped with ")?;
            Some(Suggestion {
                change_id: format!("c{item}"),
                target: SuggestionTarget::Line { item },
                section: SectionKind::Experience,
                change_type: ChangeType::Strengthened,
                original: line.to_string(),
                suggested: format!("Supported {rest}"),
                reason: "stronger opening".into(),
                uncertain: false,
            })
        })
        .collect()
}

fn apply(resume: &ParsedResume, chosen: &[&Suggestion]) -> ParsedResume {
    let mut out = resume.clone();
    for s in chosen {
        if let SuggestionTarget::Line { item: ItemId { section, entry, line } } = s.target {
            out.sections[section].entries[entry].lines[line] = s.suggested.clone();
        }
    }
    out
}

#[async_trait]
impl OptimizationApi for MemOptimization {
    async fn start(&self, user: &UserId, request: StartOptimization) -> Result<Started> {
        lock(&self.0.start_calls).push(request.clone());
        let parsing = MemParsing(self.0.clone());
        let resume = parsing.get_resume(user, request.resume_id).await?;
        let jd = parsing.get_job_description(user, request.job_description_id).await?;
        let (Some(resume), Some(jd)) = (resume.parsed, jd.parsed) else {
            return Err(Error::new(ErrorCode::ParseNotReady, "parse not completed"));
        };
        let mut rows = lock(&self.0.optimizations);
        if let Some(existing) = rows.values().find(|r| {
            r.user == *user
                && !r.hidden
                && request.client_request_id.is_some()
                && r.client_request_id == request.client_request_id
        }) {
            return Ok(Started { optimization: existing.optimization.clone(), created: false });
        }
        let before = report(&resume, &jd);
        let suggestions = suggestions(&resume);
        let optimized = apply(&resume, &suggestions.iter().collect::<Vec<_>>());
        let after = report(&optimized, &jd);
        let now = Utc::now();
        let optimization = Optimization {
            optimization_id: new_id(),
            status: OptimizationStatus::Completed,
            resume_id: request.resume_id,
            job_description_id: request.job_description_id,
            strategy: request.strategy,
            created_at: now,
            updated_at: now,
            result: Some(OptimizationResult {
                summary: vec![format!("{} suggestions", suggestions.len())],
                score_before: before,
                score_after: after,
                diff: vec![],
                suggestions,
                warnings: vec![],
                provider: "memory".into(),
                model: "none".into(),
                optimized,
            }),
            error: None,
        };
        rows.insert(
            optimization.optimization_id,
            OptRow {
                user: user.clone(),
                optimization: optimization.clone(),
                client_request_id: request.client_request_id,
                hidden: false,
            },
        );
        Ok(Started { optimization, created: true })
    }
    async fn get(&self, user: &UserId, id: Uuid) -> Result<Optimization> {
        match lock(&self.0.optimizations).get(&id) {
            Some(r) if r.user == *user && !r.hidden => Ok(r.optimization.clone()),
            _ => Err(Error::not_found("optimization")),
        }
    }
    async fn accept(&self, user: &UserId, id: Uuid, changes: AcceptChanges) -> Result<Accepted> {
        let optimization = self.get(user, id).await?;
        let result = optimization
            .result
            .ok_or_else(|| Error::new(ErrorCode::ParseNotReady, "optimization not completed"))?;
        let chosen: Vec<&Suggestion> = result
            .suggestions
            .iter()
            .filter(|s| changes.apply_all || changes.accepted_changes.contains(&s.change_id))
            .collect();
        let original = MemParsing(self.0.clone()).get_resume(user, optimization.resume_id).await?;
        let version = Version {
            version_id: new_id(),
            optimization_id: id,
            resume_id: optimization.resume_id,
            score: result.score_after.alignment_score,
            accepted_changes: chosen.iter().map(|s| s.change_id.clone()).collect(),
            edited_changes: Vec::new(),
            rejected_changes: Vec::new(),
            warnings: Vec::new(),
            optimized: apply(&original.parsed.unwrap_or_default(), &chosen),
            diff: vec![],
            notes: changes.notes,
            created_at: Utc::now(),
        };
        lock(&self.0.versions).push((user.clone(), version.clone()));
        let mut exports = vec![];
        for format in changes.export_formats {
            exports.push(self.1.export(user, &version, format, changes.design).await?);
        }
        Ok(Accepted { version, exports, created: true })
    }
    async fn list_versions(&self, user: &UserId, cursor: Option<String>, limit: u32) -> Result<VersionPage> {
        let start: usize = match cursor {
            Some(c) => c.parse().map_err(|_| Error::invalid_input("bad cursor"))?,
            None => 0,
        };
        let mine: Vec<Version> =
            lock(&self.0.versions).iter().filter(|(u, _)| u == user).map(|(_, v)| v.clone()).collect();
        let end = (start + limit as usize).min(mine.len());
        let items = mine.get(start..end).map(<[Version]>::to_vec).unwrap_or_default();
        let next_cursor = (end < mine.len()).then(|| end.to_string());
        Ok(VersionPage { items, next_cursor })
    }
    async fn get_version(&self, user: &UserId, id: Uuid) -> Result<Version> {
        lock(&self.0.versions)
            .iter()
            .find(|(u, v)| u == user && v.version_id == id)
            .map(|(_, v)| v.clone())
            .ok_or_else(|| Error::not_found("version"))
    }
    async fn forget_resume(&self, user: &UserId, resume_id: Uuid) -> Result<()> {
        for row in lock(&self.0.optimizations).values_mut() {
            if row.user == *user && row.optimization.resume_id == resume_id {
                row.hidden = true;
            }
        }
        Ok(())
    }
}

#[async_trait]
impl ExportApi for MemExport {
    async fn export(
        &self,
        user: &UserId,
        version: &Version,
        format: ExportFormat,
        design: resumax_core::optimization::ExportDesign,
    ) -> Result<ExportRecord> {
        let text: String =
            version.optimized.sections.iter().map(|s| s.body_text()).collect::<Vec<_>>().join("\n\n");
        let bytes = match format {
            ExportFormat::Text => text.into_bytes(),
            ExportFormat::Pdf => format!("%PDF-1.4\n% {text}\n%%EOF").into_bytes(),
            ExportFormat::Docx => return Err(Error::new(ErrorCode::Internal, "docx rendering unavailable")),
        };
        let record = ExportRecord {
            export_id: new_id(),
            version_id: version.version_id,
            format,
            design,
            status: ExportStatus::Completed,
            storage_key: Some(format!("users/{user}/versions/{}/resume", version.version_id)),
            download_url: None,
            expires_at: None,
        };
        lock(&self.0.exports).insert(record.export_id, (user.clone(), record.clone(), bytes));
        Ok(record)
    }
    async fn get_export(&self, user: &UserId, id: Uuid) -> Result<ExportRecord> {
        self.download(user, id).await.map(|(r, _)| r)
    }
    async fn download(&self, user: &UserId, id: Uuid) -> Result<(ExportRecord, Vec<u8>)> {
        match lock(&self.0.exports).get(&id) {
            Some((owner, record, bytes)) if owner == user => Ok((record.clone(), bytes.clone())),
            _ => Err(Error::not_found("export")),
        }
    }
    async fn exports_of(&self, user: &UserId, version_id: Uuid) -> Result<Vec<ExportRecord>> {
        let exports = lock(&self.0.exports);
        let mut of: Vec<ExportRecord> = exports
            .values()
            .filter(|(owner, record, _)| owner == user && record.version_id == version_id)
            .map(|(_, record, _)| record.clone())
            .collect();
        of.sort_by_key(|r| r.export_id);
        Ok(of)
    }
}

pub struct Server {
    pub base: String,
    pub store: Arc<Store>,
    pub client: reqwest::Client,
}

impl Server {
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }
}

pub async fn serve() -> Server {
    serve_with(Auth::hs256(SECRET)).await
}

pub async fn serve_with(auth: Auth) -> Server {
    serve_limited(auth, RateLimit::disabled()).await
}

pub async fn serve_limited(auth: Auth, rate_limit: RateLimit) -> Server {
    serve_on(auth, rate_limit, resumax_gateway::HttpLimits::default()).await
}

/// The gateway behind the product's own accept loop, with the given read limits.
pub async fn serve_on(auth: Auth, rate_limit: RateLimit, limits: resumax_gateway::HttpLimits) -> Server {
    let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
    let store = Arc::new(Store::default());
    let export = Arc::new(MemExport(store.clone()));
    let gateway = Gateway {
        parsing: Arc::new(MemParsing(store.clone())),
        optimization: Arc::new(MemOptimization(store.clone(), export.clone())),
        export,
        auth,
        rate_limit,
        browser: resumax_gateway::BrowserPolicy::allowing(&["https://app.example".to_string()]),
    };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind loopback");
    let addr = listener.local_addr().expect("local addr");
    tokio::spawn(async move {
        resumax_gateway::serve(listener, resumax_gateway::router(gateway), limits, std::future::pending())
            .await
            .expect("serve");
    });
    Server { base: format!("http://{addr}"), store, client: reqwest::Client::new() }
}

pub fn token(user: &str, verified: bool) -> String {
    issue_token(SECRET, user, verified, Duration::from_secs(600)).expect("token")
}

/// Asserts the contract error shape and returns the body.
pub async fn expect_error(response: reqwest::Response, status: u16, code: &str) -> serde_json::Value {
    assert_eq!(response.status().as_u16(), status, "status");
    let header = response
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .map(String::from)
        .expect("x-request-id header on an error");
    let body: serde_json::Value = response.json().await.expect("json error body");
    assert_eq!(body["code"], code, "code in {body}");
    assert_eq!(body["requestId"], header.as_str(), "requestId equals the header in {body}");
    let message = body["message"].as_str().expect("message");
    assert!(!message.is_empty());
    assert_eq!(
        message.chars().next(),
        message.chars().next().map(|c| c.to_ascii_lowercase()),
        "lowercase: {message}"
    );
    body
}
