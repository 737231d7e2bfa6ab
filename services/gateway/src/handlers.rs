//! Route handlers: validate the request shape, call one service trait, shape the answer.
//! Authentication, request ids and error bodies are handled by layers and extractors.

use std::convert::Infallible;

use axum::Json;
use axum::extract::{FromRequest, Multipart, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use resumax_core::api::{
    AcceptChanges, JobDescriptionSource, JobDescriptionText, MAX_JOB_DESCRIPTION_BYTES, MAX_RESUME_BYTES,
    StartOptimization,
};
use resumax_core::ids::parse_id;
use resumax_core::optimization::{ExportFormat, OptimizationStatus, Strategy};
use resumax_core::{Error, ErrorCode};
use serde::Deserialize;
use serde_json::json;

use crate::Gateway;
use crate::auth::{Caller, VerifiedCaller};
use crate::context::RequestId;
use crate::error::ApiError;
use crate::extract::{ApiJson, ApiQuery, PathId, json_rejection};
use crate::json;
use crate::upload::{read_file_field, too_large};

type ApiResult = Result<Response, ApiError>;

pub(crate) async fn healthz() -> Json<serde_json::Value> {
    Json(json!({ "status": "ok" }))
}

pub(crate) async fn not_found() -> ApiError {
    ApiError::new(ErrorCode::NotFound, "route not found")
}

// ---- resumes ----

pub(crate) async fn upload_resume(
    State(gw): State<Gateway>,
    caller: Caller,
    multipart: Multipart,
) -> ApiResult {
    let upload = read_file_field(multipart, MAX_RESUME_BYTES, "resume").await?;
    let record = gw.parsing.upload_resume(&caller.user, upload).await?;
    let body = json!({ "resumeId": record.resume_id, "parseStatus": record.parse_status.as_str() });
    Ok((StatusCode::CREATED, Json(body)).into_response())
}

pub(crate) async fn get_resume(State(gw): State<Gateway>, caller: Caller, PathId(id): PathId) -> ApiResult {
    let record = gw.parsing.get_resume(&caller.user, id).await?;
    Ok(Json(json::resume_json(&record)).into_response())
}

pub(crate) async fn delete_resume(
    State(gw): State<Gateway>,
    caller: Caller,
    PathId(id): PathId,
) -> ApiResult {
    gw.parsing.delete_resume(&caller.user, id).await?;
    gw.optimization.forget_resume(&caller.user, id).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

// ---- job descriptions ----

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct JobDescriptionBody {
    text: String,
    title: Option<String>,
    company: Option<String>,
    location: Option<String>,
}

/// JSON text or a multipart file, told apart by the content type.
pub(crate) async fn create_job_description(
    State(gw): State<Gateway>,
    caller: Caller,
    request: Request,
) -> ApiResult {
    let content_type = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|v| v.to_ascii_lowercase())
        .unwrap_or_default();
    let source = if content_type.starts_with("multipart/form-data") {
        let multipart = Multipart::from_request(request, &()).await.map_err(|rejection| {
            ApiError::invalid_input(format!(
                "malformed multipart body: {}",
                crate::error::lowercase_first(&rejection.body_text())
            ))
        })?;
        JobDescriptionSource::File(
            read_file_field(multipart, MAX_JOB_DESCRIPTION_BYTES, "job-description").await?,
        )
    } else if content_type.starts_with("application/json") {
        let axum::Json(body) =
            axum::Json::<JobDescriptionBody>::from_request(request, &()).await.map_err(json_rejection)?;
        if body.text.trim().is_empty() {
            return Err(ApiError::invalid_input("text must not be empty"));
        }
        if body.text.len() > MAX_JOB_DESCRIPTION_BYTES {
            return Err(too_large(MAX_JOB_DESCRIPTION_BYTES));
        }
        JobDescriptionSource::Text(JobDescriptionText {
            text: body.text,
            title: non_blank(body.title),
            company: non_blank(body.company),
            location: non_blank(body.location),
        })
    } else {
        return Err(ApiError::new(
            ErrorCode::UnsupportedFormat,
            "expected content-type application/json or multipart/form-data",
        ));
    };
    let record = gw.parsing.create_job_description(&caller.user, source).await?;
    let body = json!({
        "jobDescriptionId": record.job_description_id,
        "parseStatus": record.parse_status.as_str(),
        "warnings": json::job_description_warnings(&record),
        "warningDetails": json::warning_details(json::job_description_warnings(&record)),
    });
    Ok((StatusCode::CREATED, Json(body)).into_response())
}

fn non_blank(value: Option<String>) -> Option<String> {
    value.map(|v| v.trim().to_string()).filter(|v| !v.is_empty())
}

pub(crate) async fn get_job_description(
    State(gw): State<Gateway>,
    caller: Caller,
    PathId(id): PathId,
) -> ApiResult {
    let record = gw.parsing.get_job_description(&caller.user, id).await?;
    Ok(Json(json::job_description_json(&record)).into_response())
}

// ---- optimizations ----

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OptimizeBody {
    resume_id: String,
    job_description_id: String,
    strategy: Option<String>,
    client_request_id: Option<String>,
}

pub(crate) async fn start_optimization(
    State(gw): State<Gateway>,
    VerifiedCaller(caller): VerifiedCaller,
    RequestId(request_id): RequestId,
    ApiJson(body): ApiJson<OptimizeBody>,
) -> ApiResult {
    let resume_id = parse_id(&body.resume_id, "resumeId")?;
    let job_description_id = parse_id(&body.job_description_id, "jobDescriptionId")?;
    let strategy = body.strategy.as_deref().map(Strategy::parse).transpose()?.unwrap_or_default();
    let client_request_id = body.client_request_id.map(|v| v.trim().to_string()).filter(|v| !v.is_empty());
    if let Some(id) = &client_request_id
        && (id.len() > 200 || id.chars().any(char::is_control))
    {
        return Err(ApiError::invalid_input("clientRequestId must be at most 200 printable characters"));
    }
    // Ownership first (DESIGN.md section 4): another user's input is 404, never a hint it exists.
    tokio::try_join!(
        gw.parsing.get_resume(&caller.user, resume_id),
        gw.parsing.get_job_description(&caller.user, job_description_id),
    )?;
    let started = gw
        .optimization
        .start(
            &caller.user,
            StartOptimization { resume_id, job_description_id, strategy, client_request_id, request_id },
        )
        .await?;
    let status = if started.created { StatusCode::ACCEPTED } else { StatusCode::OK };
    let body = json!({
        "optimizationId": started.optimization.optimization_id,
        "status": started.optimization.status.as_str(),
    });
    Ok((status, Json(body)).into_response())
}

pub(crate) async fn get_optimization(
    State(gw): State<Gateway>,
    caller: Caller,
    PathId(id): PathId,
) -> ApiResult {
    let optimization = gw.optimization.get(&caller.user, id).await?;
    Ok(Json(json::optimization_json(&optimization)).into_response())
}

/// `GET /optimize/{id}/events`: Server-Sent Events, one `status` event per status change (the
/// data is `{optimizationId, status, error?}`), ending after a terminal status. The gateway polls
/// the optimization service, so the stream works the same whether that service runs in this
/// process or behind gRPC; ownership is checked before the stream starts (404 otherwise).
pub(crate) async fn optimization_events(
    State(gw): State<Gateway>,
    caller: Caller,
    PathId(id): PathId,
) -> ApiResult {
    let first = gw.optimization.get(&caller.user, id).await?;
    let state = (gw, caller.user, Some(first), None::<OptimizationStatus>, false);
    let events = futures_util::stream::unfold(
        state,
        move |(gw, user, mut next, mut last, done)| async move {
            if done {
                return None;
            }
            loop {
                let optimization = match next.take() {
                    Some(optimization) => optimization,
                    None => {
                        tokio::time::sleep(EVENT_POLL).await;
                        match gw.optimization.get(&user, id).await {
                            Ok(optimization) => optimization,
                            Err(error) => {
                                // The run vanished (deleted) or the service failed: say so and end.
                                let data = json!({"optimizationId": id, "error": {"code": error.code, "message": error.message}});
                                let event = Event::default().event("error").data(data.to_string());
                                return Some((Ok::<_, Infallible>(event), (gw, user, None, last, true)));
                            }
                        }
                    }
                };
                if last == Some(optimization.status) {
                    continue;
                }
                last = Some(optimization.status);
                let mut data = json!({"optimizationId": id, "status": optimization.status});
                if let Some(error) = &optimization.error {
                    data["error"] = json!({"code": error.code, "message": error.message});
                }
                let event = Event::default().event("status").data(data.to_string());
                let terminal = optimization.status.is_terminal();
                return Some((Ok(event), (gw, user, None, last, terminal)));
            }
        },
    );
    Ok(Sse::new(events).keep_alive(KeepAlive::default()).into_response())
}

/// How often the event stream looks at the run.
const EVENT_POLL: std::time::Duration = std::time::Duration::from_millis(250);

/// Scores exist only for a completed run; before that (or after a failure) the answer is 404
/// `not_found`, since there is no score resource yet.
pub(crate) async fn get_score(State(gw): State<Gateway>, caller: Caller, PathId(id): PathId) -> ApiResult {
    let optimization = gw.optimization.get(&caller.user, id).await?;
    let result = match (&optimization.status, &optimization.result) {
        (OptimizationStatus::Completed, Some(result)) => result,
        _ => {
            return Err(ApiError::new(
                ErrorCode::NotFound,
                "score is available once the optimization completes",
            ));
        }
    };
    Ok(Json(json!({
        "scoreBefore": result.score_before.alignment_score,
        "scoreAfter": result.score_after.alignment_score,
        "breakdown": result.score_after.breakdown,
    }))
    .into_response())
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct AcceptBody {
    apply_all: Option<bool>,
    accepted_changes: Option<Vec<String>>,
    edited_changes: Option<std::collections::BTreeMap<String, String>>,
    notes: Option<String>,
    export_formats: Option<Vec<String>>,
}

const MAX_NOTES_CHARS: usize = 2000;

pub(crate) async fn accept_optimization(
    State(gw): State<Gateway>,
    caller: Caller,
    PathId(id): PathId,
    ApiJson(body): ApiJson<AcceptBody>,
) -> ApiResult {
    let mut export_formats = Vec::new();
    for format in body.export_formats.unwrap_or_default() {
        let format = ExportFormat::parse(&format)?;
        if !export_formats.contains(&format) {
            export_formats.push(format);
        }
    }
    let notes = non_blank(body.notes);
    if notes.as_ref().is_some_and(|n| n.chars().count() > MAX_NOTES_CHARS) {
        return Err(ApiError::invalid_input(format!("notes must be at most {MAX_NOTES_CHARS} characters")));
    }
    let changes = AcceptChanges {
        apply_all: body.apply_all.unwrap_or(false),
        accepted_changes: body.accepted_changes.unwrap_or_default(),
        edited_changes: body.edited_changes.unwrap_or_default(),
        notes,
        export_formats,
    };
    let accepted = gw.optimization.accept(&caller.user, id, changes).await?;
    // The same accepted set again answers the version it saved.
    let status = if accepted.created { StatusCode::CREATED } else { StatusCode::OK };
    let exports: Vec<_> = accepted.exports.iter().map(json::export_json).collect();
    let body = json!({
        "versionId": accepted.version.version_id,
        "status": "saved",
        "exports": exports,
    });
    Ok((status, Json(body)).into_response())
}

// ---- versions ----

#[derive(Deserialize)]
pub struct VersionsQuery {
    cursor: Option<String>,
    limit: Option<String>,
}

const DEFAULT_PAGE: u32 = 20;
const MAX_PAGE: u32 = 100;

pub(crate) async fn list_versions(
    State(gw): State<Gateway>,
    caller: Caller,
    ApiQuery(query): ApiQuery<VersionsQuery>,
) -> ApiResult {
    let limit = match query.limit.as_deref() {
        None => DEFAULT_PAGE,
        Some(raw) => {
            raw.trim().parse::<u32>().ok().filter(|n| (1..=MAX_PAGE).contains(n)).ok_or_else(|| {
                ApiError::invalid_input(format!("limit must be a number from 1 to {MAX_PAGE}"))
            })?
        }
    };
    let cursor = query.cursor.filter(|c| !c.is_empty());
    let page = gw.optimization.list_versions(&caller.user, cursor, limit).await?;
    let items: Vec<_> = page.items.iter().map(json::version_json).collect();
    let mut body = json!({ "items": items });
    if let Some(next) = page.next_cursor {
        body["nextCursor"] = json!(next);
    }
    Ok(Json(body).into_response())
}

pub(crate) async fn get_version(State(gw): State<Gateway>, caller: Caller, PathId(id): PathId) -> ApiResult {
    let version = gw.optimization.get_version(&caller.user, id).await?;
    Ok(Json(json::version_json(&version)).into_response())
}

// ---- exports ----

pub(crate) async fn get_export(State(gw): State<Gateway>, caller: Caller, PathId(id): PathId) -> ApiResult {
    let record = gw.export.get_export(&caller.user, id).await?;
    Ok(Json(json::export_json(&record)).into_response())
}

pub(crate) async fn download_export(
    State(gw): State<Gateway>,
    caller: Caller,
    PathId(id): PathId,
) -> ApiResult {
    let (record, bytes) = gw.export.download(&caller.user, id).await?;
    let (content_type, extension) = match record.format {
        ExportFormat::Text => ("text/plain; charset=utf-8", "txt"),
        ExportFormat::Pdf => ("application/pdf", "pdf"),
        ExportFormat::Docx => {
            ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx")
        }
    };
    let disposition = HeaderValue::from_str(&format!("attachment; filename=\"resume.{extension}\""))
        .map_err(|err| Error::internal("building the download headers", err))?;
    Ok((
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(content_type)),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        bytes,
    )
        .into_response())
}
