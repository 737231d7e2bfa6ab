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
use resumax_core::optimization::{ExportDesign, ExportFormat, OptimizationStatus, Strategy};
use resumax_core::{Error, ErrorCode};
use serde_json::json;

use crate::Gateway;
use crate::auth::{Caller, VerifiedCaller};
use crate::context::RequestId;
use crate::error::ApiError;
use crate::extract::{ApiJson, ApiQuery, PathId, json_rejection};
use crate::json::{
    AcceptBody, AcceptedView, ErrorBody, ExportView, FileUpload, Health, JobDescriptionBody,
    JobDescriptionCreated, JobDescriptionView, OptimizationStarted, OptimizationView, OptimizeBody,
    ResumeCreated, ResumeView, ScoreView, VersionList, VersionStatus, VersionView, VersionsQuery,
};
use crate::upload::{read_file_field, too_large};

type ApiResult = Result<Response, ApiError>;

/// Liveness: the process answers.
#[utoipa::path(get, path = "/healthz", tag = "operations", security(()),
    responses((status = 200, body = Health)))]
pub(crate) async fn healthz() -> Json<Health> {
    Json(Health { status: "ok".into() })
}

pub(crate) async fn not_found() -> ApiError {
    ApiError::new(ErrorCode::NotFound, "route not found")
}

// ---- resumes ----

/// Uploads a resume (PDF or DOCX, at most 5 MB) and queues its parse.
#[utoipa::path(post, path = "/resumes", tag = "resumes",
    request_body(content = FileUpload, content_type = "multipart/form-data"),
    responses(
        (status = 201, body = ResumeCreated, description = "stored; the parse runs in the background"),
        (status = 400, body = ErrorBody, description = "`invalid_input`: no `file` part"),
        (status = 401, body = ErrorBody, description = "`unauthorized`"),
        (status = 413, body = ErrorBody, description = "`size_exceeded`"),
        (status = 415, body = ErrorBody, description = "`unsupported_format`: not a PDF or DOCX"),
        (status = 429, body = ErrorBody, description = "`rate_limited`"),
        (status = 503, body = ErrorBody, description = "`storage_error`, `queue_failed`"),
    ))]
pub(crate) async fn upload_resume(
    State(gw): State<Gateway>,
    caller: Caller,
    multipart: Multipart,
) -> ApiResult {
    let upload = read_file_field(multipart, MAX_RESUME_BYTES, "resume").await?;
    let record = gw.parsing.upload_resume(&caller.user, upload).await?;
    let body = ResumeCreated { resume_id: record.resume_id, parse_status: record.parse_status };
    Ok((StatusCode::CREATED, Json(body)).into_response())
}

/// The parsed resume: sections, contact, per-entry `uncertain` fields and layout warnings.
#[utoipa::path(get, path = "/resumes/{id}", tag = "resumes", params(("id" = Uuid, Path)),
    responses(
        (status = 200, body = ResumeView),
        (status = 400, body = ErrorBody, description = "`invalid_input`: not a UUID"),
        (status = 401, body = ErrorBody, description = "`unauthorized`"),
        (status = 404, body = ErrorBody, description = "`not_found`: no such resume of this user"),
        (status = 429, body = ErrorBody, description = "`rate_limited`"),
    ))]
pub(crate) async fn get_resume(State(gw): State<Gateway>, caller: Caller, PathId(id): PathId) -> ApiResult {
    let record = gw.parsing.get_resume(&caller.user, id).await?;
    Ok(Json(ResumeView::from(&record)).into_response())
}

/// Soft-deletes a resume and hides everything derived from it.
#[utoipa::path(delete, path = "/resumes/{id}", tag = "resumes", params(("id" = Uuid, Path)),
    responses(
        (status = 204, description = "deleted"),
        (status = 400, body = ErrorBody, description = "`invalid_input`: not a UUID"),
        (status = 401, body = ErrorBody, description = "`unauthorized`"),
        (status = 404, body = ErrorBody, description = "`not_found`"),
        (status = 429, body = ErrorBody, description = "`rate_limited`"),
    ))]
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

/// A job description as JSON text, or a PDF/DOCX/TXT file (multipart `file`), told apart by the
/// content type.
#[utoipa::path(post, path = "/job-descriptions", tag = "job descriptions",
    request_body(content(
        (JobDescriptionBody = "application/json"),
        (FileUpload = "multipart/form-data"),
    )),
    responses(
        (status = 201, body = JobDescriptionCreated),
        (status = 400, body = ErrorBody, description = "`invalid_input`: malformed body, empty text"),
        (status = 401, body = ErrorBody, description = "`unauthorized`"),
        (status = 413, body = ErrorBody, description = "`size_exceeded`"),
        (status = 415, body = ErrorBody, description = "`unsupported_format`"),
        (status = 422, body = ErrorBody, description = "`parse_failed`: an unreadable file"),
        (status = 429, body = ErrorBody, description = "`rate_limited`"),
    ))]
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
    Ok((StatusCode::CREATED, Json(JobDescriptionCreated::from(&record))).into_response())
}

fn non_blank(value: Option<String>) -> Option<String> {
    value.map(|v| v.trim().to_string()).filter(|v| !v.is_empty())
}

/// The analysed posting: metadata, required and preferred skills, the requirement model.
#[utoipa::path(get, path = "/job-descriptions/{id}", tag = "job descriptions", params(("id" = Uuid, Path)),
    responses(
        (status = 200, body = JobDescriptionView),
        (status = 400, body = ErrorBody, description = "`invalid_input`: not a UUID"),
        (status = 401, body = ErrorBody, description = "`unauthorized`"),
        (status = 404, body = ErrorBody, description = "`not_found`"),
        (status = 429, body = ErrorBody, description = "`rate_limited`"),
    ))]
pub(crate) async fn get_job_description(
    State(gw): State<Gateway>,
    caller: Caller,
    PathId(id): PathId,
) -> ApiResult {
    let record = gw.parsing.get_job_description(&caller.user, id).await?;
    Ok(Json(JobDescriptionView::from(&record)).into_response())
}

// ---- optimizations ----

/// Starts a run for a parsed resume and posting (needs `email_verified`). A repeated request
/// answers the run already asked for.
#[utoipa::path(post, path = "/optimize", tag = "optimizations", request_body = OptimizeBody,
    responses(
        (status = 202, body = OptimizationStarted, description = "a new run, queued"),
        (status = 200, body = OptimizationStarted, description = "the run already asked for (a replay)"),
        (status = 400, body = ErrorBody, description = "`invalid_input`: ids, strategy, clientRequestId"),
        (status = 401, body = ErrorBody, description = "`unauthorized`"),
        (status = 402, body = ErrorBody, description = "`insufficient_credits`"),
        (status = 403, body = ErrorBody, description = "`not_verified`: the token's email is not verified"),
        (status = 404, body = ErrorBody, description = "`not_found`: the resume or posting"),
        (status = 409, body = ErrorBody, description = "`parse_not_ready`, `conflict`"),
        (status = 415, body = ErrorBody, description = "`unsupported_format`: not JSON"),
        (status = 422, body = ErrorBody, description = "`parse_failed`: the input could not be read"),
        (status = 429, body = ErrorBody, description = "`rate_limited`"),
        (status = 503, body = ErrorBody, description = "`storage_error`, `queue_failed`"),
    ))]
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
    let body = OptimizationStarted {
        optimization_id: started.optimization.optimization_id,
        status: started.optimization.status,
    };
    Ok((status, Json(body)).into_response())
}

/// A run: its status; once completed the scores, match report, diff and suggestions; once
/// failed its error.
#[utoipa::path(get, path = "/optimize/{id}", tag = "optimizations", params(("id" = Uuid, Path)),
    responses(
        (status = 200, body = OptimizationView),
        (status = 400, body = ErrorBody, description = "`invalid_input`: not a UUID"),
        (status = 401, body = ErrorBody, description = "`unauthorized`"),
        (status = 404, body = ErrorBody, description = "`not_found`"),
        (status = 429, body = ErrorBody, description = "`rate_limited`"),
    ))]
pub(crate) async fn get_optimization(
    State(gw): State<Gateway>,
    caller: Caller,
    PathId(id): PathId,
) -> ApiResult {
    let optimization = gw.optimization.get(&caller.user, id).await?;
    Ok(Json(OptimizationView::from(&optimization)).into_response())
}

/// `GET /optimize/{id}/events`: Server-Sent Events, one `status` event per status change (the
/// data is `{optimizationId, status, error?}`), ending after a terminal status. The gateway polls
/// the optimization service, so the stream works the same whether that service runs in this
/// process or behind gRPC; ownership is checked before the stream starts (404 otherwise).
#[utoipa::path(get, path = "/optimize/{id}/events", tag = "optimizations", params(("id" = Uuid, Path)),
    responses(
        (status = 200, content_type = "text/event-stream", body = String,
            description = "`event: status` with data `{optimizationId, status, error?}` per status change, \
                           ending after `completed` or `failed`; `event: error` with `{optimizationId, error}` \
                           if the run vanishes"),
        (status = 400, body = ErrorBody, description = "`invalid_input`: not a UUID"),
        (status = 401, body = ErrorBody, description = "`unauthorized`"),
        (status = 404, body = ErrorBody, description = "`not_found`"),
        (status = 429, body = ErrorBody, description = "`rate_limited`"),
    ))]
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
#[utoipa::path(get, path = "/optimize/{id}/score", tag = "optimizations", params(("id" = Uuid, Path)),
    responses(
        (status = 200, body = ScoreView),
        (status = 400, body = ErrorBody, description = "`invalid_input`: not a UUID"),
        (status = 401, body = ErrorBody, description = "`unauthorized`"),
        (status = 404, body = ErrorBody, description = "`not_found`: no such run, or not completed"),
        (status = 429, body = ErrorBody, description = "`rate_limited`"),
    ))]
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
    Ok(Json(ScoreView {
        score_before: result.score_before.alignment_score,
        score_after: result.score_after.alignment_score,
        breakdown: result.score_after.breakdown.clone(),
    })
    .into_response())
}

const MAX_NOTES_CHARS: usize = 2000;

/// Saves the accepted changes as a version and queues the exports asked for.
#[utoipa::path(post, path = "/optimize/{id}/accept", tag = "optimizations", params(("id" = Uuid, Path)),
    request_body = AcceptBody,
    responses(
        (status = 201, body = AcceptedView, description = "a new version"),
        (status = 200, body = AcceptedView, description = "the same accepted set again: the version it saved"),
        (status = 400, body = ErrorBody, description = "`invalid_input`: unknown change id or format, notes or an edit too long, `applyAll` with `acceptedChanges`"),
        (status = 401, body = ErrorBody, description = "`unauthorized`"),
        (status = 404, body = ErrorBody, description = "`not_found`"),
        (status = 409, body = ErrorBody, description = "`conflict`: the run is not completed"),
        (status = 415, body = ErrorBody, description = "`unsupported_format`: not JSON"),
        (status = 429, body = ErrorBody, description = "`rate_limited`"),
        (status = 503, body = ErrorBody, description = "`storage_error`, `queue_failed`"),
    ))]
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
        design: body.design.as_deref().map(ExportDesign::parse).transpose()?.unwrap_or_default(),
    };
    let accepted = gw.optimization.accept(&caller.user, id, changes).await?;
    // The same accepted set again answers the version it saved.
    let status = if accepted.created { StatusCode::CREATED } else { StatusCode::OK };
    let body = AcceptedView {
        version_id: accepted.version.version_id,
        status: VersionStatus::Saved,
        exports: accepted.exports.iter().map(ExportView::from).collect(),
    };
    Ok((status, Json(body)).into_response())
}

// ---- versions ----

const DEFAULT_PAGE: u32 = 20;
const MAX_PAGE: u32 = 100;

/// Saved versions, newest first, cursor paging.
#[utoipa::path(get, path = "/versions", tag = "versions", params(VersionsQuery),
    responses(
        (status = 200, body = VersionList),
        (status = 400, body = ErrorBody, description = "`invalid_input`: limit or cursor"),
        (status = 401, body = ErrorBody, description = "`unauthorized`"),
        (status = 429, body = ErrorBody, description = "`rate_limited`"),
    ))]
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
    let exports = futures_util::future::try_join_all(
        page.items.iter().map(|v| gw.export.exports_of(&caller.user, v.version_id)),
    )
    .await?;
    let body = VersionList {
        items: page.items.iter().zip(&exports).map(|(v, e)| VersionView::new(v, e)).collect(),
        next_cursor: page.next_cursor,
    };
    Ok(Json(body).into_response())
}

#[utoipa::path(get, path = "/versions/{id}", tag = "versions", params(("id" = Uuid, Path)),
    responses(
        (status = 200, body = VersionView),
        (status = 400, body = ErrorBody, description = "`invalid_input`: not a UUID"),
        (status = 401, body = ErrorBody, description = "`unauthorized`"),
        (status = 404, body = ErrorBody, description = "`not_found`"),
        (status = 429, body = ErrorBody, description = "`rate_limited`"),
    ))]
pub(crate) async fn get_version(State(gw): State<Gateway>, caller: Caller, PathId(id): PathId) -> ApiResult {
    let version = gw.optimization.get_version(&caller.user, id).await?;
    let exports = gw.export.exports_of(&caller.user, id).await?;
    Ok(Json(VersionView::new(&version, &exports)).into_response())
}

// ---- exports ----

/// An export's status: `queued` until a worker has rendered it, then `completed` with its URL.
#[utoipa::path(get, path = "/exports/{id}", tag = "exports", params(("id" = Uuid, Path)),
    responses(
        (status = 200, body = ExportView),
        (status = 400, body = ErrorBody, description = "`invalid_input`: not a UUID"),
        (status = 401, body = ErrorBody, description = "`unauthorized`"),
        (status = 404, body = ErrorBody, description = "`not_found`"),
        (status = 429, body = ErrorBody, description = "`rate_limited`"),
    ))]
pub(crate) async fn get_export(State(gw): State<Gateway>, caller: Caller, PathId(id): PathId) -> ApiResult {
    let record = gw.export.get_export(&caller.user, id).await?;
    Ok(Json(ExportView::from(&record)).into_response())
}

/// The rendered file of a completed export.
#[utoipa::path(get, path = "/exports/{id}/download", tag = "exports", params(("id" = Uuid, Path)),
    responses(
        (status = 200, description = "the file, as an attachment", content(
            (Vec<u8> = "application/pdf"),
            (Vec<u8> = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
            (String = "text/plain"),
        )),
        (status = 400, body = ErrorBody, description = "`invalid_input`: not a UUID"),
        (status = 401, body = ErrorBody, description = "`unauthorized`"),
        (status = 404, body = ErrorBody, description = "`not_found`: no such export, or not rendered yet"),
        (status = 429, body = ErrorBody, description = "`rate_limited`"),
        (status = 503, body = ErrorBody, description = "`storage_error`"),
    ))]
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
