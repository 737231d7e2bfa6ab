//! The parsing service: stores uploads, turns them into structured resumes and job descriptions
//! (through `resumax-document`) on a queue worker, and answers reads. Owns the `resumes` and
//! `job_descriptions` tables. Parse status: `pending -> parsing -> completed | failed`.

pub mod grpc;
pub mod pool;

use std::sync::Arc;

use async_trait::async_trait;
use prost::Message;
use resumax_core::api::{
    JobDescriptionRecord, JobDescriptionSource, MAX_JOB_DESCRIPTION_BYTES, MAX_RESUME_BYTES, ParseError,
    ParseStatus, ParsingApi, ResumeRecord, Upload,
};
use resumax_core::ids::{UserId, new_id};
use resumax_core::{Error, ErrorCode, Result};
use resumax_db::entity::{job_description, resume};
use resumax_db::{DatabaseConnection, db_error, now};
use resumax_document::Format;
use resumax_proto::queue::v1::{ParseJob, ParseJobKind};
use resumax_queue::{Delivery, JobHandler, Outcome, Queue, subjects};
use resumax_storage::{BlobStore, keys};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter, Set, TransactionTrait,
};
use tracing::Instrument;
use uuid::Uuid;

use crate::pool::Parser;

pub struct ParsingService {
    db: DatabaseConnection,
    blobs: BlobStore,
    queue: Arc<dyn Queue>,
    relay: Arc<resumax_outbox::Relay>,
    parser: Parser,
}

impl ParsingService {
    /// A service that parses on blocking threads of this process (tests and tools).
    pub fn new(db: DatabaseConnection, blobs: BlobStore, queue: Arc<dyn Queue>) -> Arc<Self> {
        Self::with_parser(db, blobs, queue, Parser::in_process())
    }

    /// A service that parses with `parser` (the node gives it the pool of parse children).
    pub fn with_parser(
        db: DatabaseConnection,
        blobs: BlobStore,
        queue: Arc<dyn Queue>,
        parser: Parser,
    ) -> Arc<Self> {
        let relay = resumax_outbox::Relay::new(db.clone(), queue.clone(), &[subjects::PARSE]);
        Arc::new(ParsingService { db, blobs, queue, relay, parser })
    }

    /// Starts publishing recorded parse jobs (every process running this service relays).
    pub fn start_relay(&self) {
        self.relay.spawn();
    }

    /// Starts the parse workers and re-queues every parse left unfinished by a previous process
    /// (the in-process queue does not survive a restart; the database does).
    pub async fn start_workers(self: &Arc<Self>, workers: usize) -> Result<()> {
        self.queue.consume(subjects::PARSE, workers, Arc::new(ParseWorker(self.clone()))).await?;
        let unfinished = [ParseStatus::Pending.as_str(), ParseStatus::Parsing.as_str()];
        let resumes = resume::Entity::find()
            .filter(resume::Column::ParseStatus.is_in(unfinished))
            .filter(resume::Column::DeletedAt.is_null())
            .all(&self.db)
            .await
            .map_err(db_error("listing unfinished parses"))?;
        for row in &resumes {
            self.enqueue(ParseJobKind::Resume, &row.id, &row.user_id, "requeue").await?;
        }
        let jobs = job_description::Entity::find()
            .filter(job_description::Column::ParseStatus.is_in(unfinished))
            .filter(job_description::Column::DeletedAt.is_null())
            .all(&self.db)
            .await
            .map_err(db_error("listing unfinished parses"))?;
        for row in &jobs {
            self.enqueue(ParseJobKind::JobDescription, &row.id, &row.user_id, "requeue").await?;
        }
        if !resumes.is_empty() || !jobs.is_empty() {
            tracing::info!(
                resumes = resumes.len(),
                job_descriptions = jobs.len(),
                "re-queued unfinished parses"
            );
        }
        Ok(())
    }

    async fn enqueue(&self, kind: ParseJobKind, id: &str, user: &str, request_id: &str) -> Result<()> {
        self.queue.publish(subjects::PARSE, &parse_job_id(id), parse_job(kind, id, user, request_id)).await
    }

    async fn find_resume(&self, user: &UserId, id: Uuid) -> Result<resume::Model> {
        resume::Entity::find_by_id(id.to_string())
            .filter(resume::Column::UserId.eq(user.as_str()))
            .filter(resume::Column::DeletedAt.is_null())
            .one(&self.db)
            .await
            .map_err(db_error("reading a resume"))?
            .ok_or_else(|| Error::not_found("resume"))
    }

    async fn find_job_description(&self, user: &UserId, id: Uuid) -> Result<job_description::Model> {
        job_description::Entity::find_by_id(id.to_string())
            .filter(job_description::Column::UserId.eq(user.as_str()))
            .filter(job_description::Column::DeletedAt.is_null())
            .one(&self.db)
            .await
            .map_err(db_error("reading a job description"))?
            .ok_or_else(|| Error::not_found("job description"))
    }

    /// One parse job. Infrastructure failures ask for a retry; a document that cannot be read is
    /// a final answer (`failed` with `parse_failed`), never a retry.
    async fn run_parse(&self, job: ParseJob) -> Result<()> {
        let kind = Document::of(job.kind)?;
        let Some(storage_key) = kind.waiting_key(&self.db, &job.id).await? else {
            // Deleted, already parsed, or gone: nothing to do.
            return Ok(());
        };
        let bytes = self.blobs.get(&keys::parse(&storage_key)?).await?;
        kind.set_status(&self.db, &job.id, ParseStatus::Parsing, None, None).await?;
        let started = std::time::Instant::now();
        let outcome = self.parser.parse(kind, bytes).await;
        record_parse(kind.name(), &outcome, started);
        match outcome {
            Ok(parsed) => {
                kind.set_status(&self.db, &job.id, ParseStatus::Completed, Some(parsed), None).await
            }
            Err(error) => {
                tracing::info!(id = %job.id, code = %error.code, message = %error.message, "parse failed");
                kind.set_status(&self.db, &job.id, ParseStatus::Failed, None, Some(&error)).await
            }
        }
    }
}

/// The two parsed tables, `resumes` and `job_descriptions`, share their parse columns; one set
/// of queries serves both.
#[derive(Clone, Copy)]
enum Document {
    Resume,
    JobDescription,
}

/// The same update on either table (sea-orm entities share no trait for their columns).
macro_rules! update_parse_columns {
    ($entity:ident, $db:expr, $id:expr, $status:expr, $parsed:expr, $error:expr) => {
        $entity::Entity::update_many()
            .col_expr($entity::Column::ParseStatus, Expr::value($status.as_str()))
            .col_expr($entity::Column::Parsed, Expr::value($parsed))
            .col_expr(
                $entity::Column::ErrorCode,
                Expr::value($error.map(|e: &Error| e.code.as_str().to_string())),
            )
            .col_expr($entity::Column::ErrorMessage, Expr::value($error.map(|e: &Error| e.message.clone())))
            .col_expr($entity::Column::UpdatedAt, Expr::value(now()))
            .filter($entity::Column::Id.eq($id))
            .exec($db)
            .await
            .map(|_| ())
    };
}

impl Document {
    fn of(kind: i32) -> Result<Document> {
        match ParseJobKind::try_from(kind) {
            Ok(ParseJobKind::Resume) => Ok(Document::Resume),
            Ok(ParseJobKind::JobDescription) => Ok(Document::JobDescription),
            _ => Err(Error::invalid_input(format!("parse job with unknown kind {kind}"))),
        }
    }

    fn name(self) -> &'static str {
        match self {
            Document::Resume => "resume",
            Document::JobDescription => "job_description",
        }
    }

    /// The stored file of a document that still needs parsing.
    async fn waiting_key(self, db: &DatabaseConnection, id: &str) -> Result<Option<String>> {
        let row = match self {
            Document::Resume => resume::Entity::find_by_id(id)
                .one(db)
                .await
                .map(|r| r.map(|r| (r.storage_key, r.parse_status, r.deleted_at.is_some()))),
            Document::JobDescription => job_description::Entity::find_by_id(id)
                .one(db)
                .await
                .map(|r| r.map(|r| (r.storage_key, r.parse_status, r.deleted_at.is_some()))),
        }
        .map_err(db_error("reading a document"))?;
        Ok(row.and_then(|(key, status, deleted)| {
            (!deleted && status != ParseStatus::Completed.as_str()).then_some(key)
        }))
    }

    /// The parsed document as stored JSON, read within `budget`.
    fn read(self, bytes: &[u8], budget: &resumax_document::Budget) -> Result<String> {
        match self {
            Document::Resume => to_json(&resumax_document::read_resume_within(bytes, budget)?),
            Document::JobDescription => {
                to_json(&resumax_document::read_job_description_within(bytes, budget)?)
            }
        }
    }

    /// The kind's byte in the parse-child protocol.
    fn wire(self) -> u8 {
        match self {
            Document::Resume => b'r',
            Document::JobDescription => b'j',
        }
    }

    fn from_wire(byte: u8) -> Option<Document> {
        match byte {
            b'r' => Some(Document::Resume),
            b'j' => Some(Document::JobDescription),
            _ => None,
        }
    }

    async fn set_status(
        self,
        db: &DatabaseConnection,
        id: &str,
        status: ParseStatus,
        parsed: Option<String>,
        error: Option<&Error>,
    ) -> Result<()> {
        match self {
            Document::Resume => update_parse_columns!(resume, db, id, status, parsed, error),
            Document::JobDescription => update_parse_columns!(job_description, db, id, status, parsed, error),
        }
        .map_err(db_error("saving a parse status"))
    }
}

impl ParsingService {
    /// Gives up on a parse after its last delivery: the client sees why instead of `pending`.
    async fn record_failure(&self, kind: i32, id: &str, error: &Error) -> Result<()> {
        Document::of(kind)?.set_status(&self.db, id, ParseStatus::Failed, None, Some(error)).await
    }
}

fn record_parse<T>(kind: &str, outcome: &Result<T>, started: std::time::Instant) {
    let result = if outcome.is_ok() { "ok" } else { "failed" };
    resumax_telemetry::metrics::record_stage("parse", kind, result, started.elapsed());
}

fn parse_job(kind: ParseJobKind, id: &str, user: &str, request_id: &str) -> Vec<u8> {
    ParseJob {
        kind: kind as i32,
        id: id.to_string(),
        user_id: user.to_string(),
        request_id: request_id.to_string(),
    }
    .encode_to_vec()
}

/// The deduplication id of a document's parse job.
fn parse_job_id(id: &str) -> String {
    format!("parse-{id}")
}

fn to_json<T: serde::Serialize>(value: &T) -> Result<String> {
    serde_json::to_string(value).map_err(|e| Error::internal("serializing a parsed document", e))
}

fn from_json<T: serde::de::DeserializeOwned>(text: &Option<String>) -> Result<Option<T>> {
    text.as_deref()
        .map(serde_json::from_str)
        .transpose()
        .map_err(|e| Error::internal("reading a stored parsed document", e))
}

fn parse_status(stored: &str) -> Result<ParseStatus> {
    ParseStatus::parse(stored).ok_or_else(|| Error::internal("reading a parse status", stored))
}

fn parse_error(code: &Option<String>, message: &Option<String>) -> Option<ParseError> {
    code.as_deref().map(|code| ParseError {
        code: ErrorCode::parse(code).unwrap_or(ErrorCode::ParseFailed),
        message: message.clone().unwrap_or_default(),
    })
}

fn resume_record(row: &resume::Model) -> Result<ResumeRecord> {
    Ok(ResumeRecord {
        resume_id: Uuid::parse_str(&row.id).map_err(|e| Error::internal("reading a resume id", e))?,
        file_name: row.file_name.clone(),
        parse_status: parse_status(&row.parse_status)?,
        parsed: from_json(&row.parsed)?,
        error: parse_error(&row.error_code, &row.error_message),
        created_at: row.created_at,
    })
}

fn job_description_record(row: &job_description::Model) -> Result<JobDescriptionRecord> {
    Ok(JobDescriptionRecord {
        job_description_id: Uuid::parse_str(&row.id)
            .map_err(|e| Error::internal("reading a job description id", e))?,
        parse_status: parse_status(&row.parse_status)?,
        parsed: from_json(&row.parsed)?,
        error: parse_error(&row.error_code, &row.error_message),
        created_at: row.created_at,
    })
}

/// The file name is only a label: it is cut to a sane length and stripped of path parts.
fn clean_file_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name).trim();
    let base: String = base.chars().filter(|c| !c.is_control()).take(200).collect();
    if base.is_empty() { "upload".to_string() } else { base }
}

#[async_trait]
impl ParsingApi for ParsingService {
    async fn upload_resume(&self, user: &UserId, upload: Upload) -> Result<ResumeRecord> {
        if upload.bytes.len() > MAX_RESUME_BYTES {
            return Err(Error::new(ErrorCode::SizeExceeded, "resume files are limited to 5 MB"));
        }
        let format = match resumax_document::sniff(&upload.bytes) {
            Some(Format::Pdf) => "pdf",
            Some(Format::Docx) => "docx",
            _ => {
                return Err(Error::new(
                    ErrorCode::UnsupportedFormat,
                    "a resume must be a PDF or DOCX file (the content of this file is neither)",
                ));
            }
        };
        let id = new_id().to_string();
        let key = keys::resume_original(user.as_str(), &id);
        let size = upload.bytes.len() as i64;
        self.blobs.put(&key, upload.bytes).await?;
        let at = now();
        // The row and its parse job commit together (outbox): no upload is left without a job.
        let txn = self.db.begin().await.map_err(db_error("starting a transaction"))?;
        let row = resume::ActiveModel {
            id: Set(id.clone()),
            user_id: Set(user.as_str().into()),
            file_name: Set(clean_file_name(&upload.file_name)),
            format: Set(format.into()),
            size_bytes: Set(size),
            storage_key: Set(key.to_string()),
            parse_status: Set(ParseStatus::Pending.as_str().into()),
            parsed: Set(None),
            error_code: Set(None),
            error_message: Set(None),
            created_at: Set(at),
            updated_at: Set(at),
            deleted_at: Set(None),
        }
        .insert(&txn)
        .await
        .map_err(db_error("recording a resume"))?;
        let job = parse_job(ParseJobKind::Resume, &id, user.as_str(), "upload");
        resumax_outbox::enqueue(&txn, subjects::PARSE, &parse_job_id(&id), job).await?;
        txn.commit().await.map_err(db_error("committing a resume"))?;
        self.relay.wake();
        resume_record(&row)
    }

    async fn get_resume(&self, user: &UserId, resume_id: Uuid) -> Result<ResumeRecord> {
        resume_record(&self.find_resume(user, resume_id).await?)
    }

    async fn delete_resume(&self, user: &UserId, resume_id: Uuid) -> Result<()> {
        let mut active = self.find_resume(user, resume_id).await?.into_active_model();
        active.deleted_at = Set(Some(now()));
        active.updated_at = Set(now());
        active.update(&self.db).await.map_err(db_error("deleting a resume"))?;
        Ok(())
    }

    async fn create_job_description(
        &self,
        user: &UserId,
        source: JobDescriptionSource,
    ) -> Result<JobDescriptionRecord> {
        let id = new_id().to_string();
        let key = keys::job_description_original(user.as_str(), &id);
        let at = now();
        let mut row = job_description::ActiveModel {
            id: Set(id.clone()),
            user_id: Set(user.as_str().into()),
            storage_key: Set(key.to_string()),
            hints: Set(None),
            parsed: Set(None),
            error_code: Set(None),
            error_message: Set(None),
            created_at: Set(at),
            updated_at: Set(at),
            deleted_at: Set(None),
            ..Default::default()
        };
        let queue_parse = match source {
            JobDescriptionSource::Text(text) => {
                if text.text.trim().is_empty() {
                    return Err(Error::invalid_input("text must not be empty"));
                }
                if text.text.len() > MAX_JOB_DESCRIPTION_BYTES {
                    return Err(Error::new(ErrorCode::SizeExceeded, "job descriptions are limited to 10 MB"));
                }
                // Pasted text is analysed at once, so the answer carries the result and its
                // warnings; on a blocking thread, since 10 MB of text is seconds of CPU that would
                // otherwise stall every request on this async worker (health checks included).
                let (parsed, text) = tokio::task::spawn_blocking(move || {
                    let parsed = resumax_document::analyze_job_description(
                        &text.text,
                        text.title.as_deref(),
                        text.company.as_deref(),
                        text.location.as_deref(),
                    );
                    (parsed, text.text)
                })
                .await
                .map_err(|e| Error::internal("analysing a job description", e))?;
                self.blobs.put(&key, text.into_bytes()).await?;
                row.source = Set("text".into());
                row.file_name = Set(None);
                row.parse_status = Set(ParseStatus::Completed.as_str().into());
                row.parsed = Set(Some(to_json(&parsed)?));
                false
            }
            JobDescriptionSource::File(upload) => {
                if upload.bytes.len() > MAX_JOB_DESCRIPTION_BYTES {
                    return Err(Error::new(
                        ErrorCode::SizeExceeded,
                        "job description files are limited to 10 MB",
                    ));
                }
                if resumax_document::sniff(&upload.bytes).is_none() {
                    return Err(Error::new(
                        ErrorCode::UnsupportedFormat,
                        "a job description file must be PDF, DOCX or plain text",
                    ));
                }
                row.source = Set("file".into());
                row.file_name = Set(Some(clean_file_name(&upload.file_name)));
                row.parse_status = Set(ParseStatus::Pending.as_str().into());
                self.blobs.put(&key, upload.bytes).await?;
                true
            }
        };
        let txn = self.db.begin().await.map_err(db_error("starting a transaction"))?;
        let row = row.insert(&txn).await.map_err(db_error("recording a job description"))?;
        if queue_parse {
            let job = parse_job(ParseJobKind::JobDescription, &id, user.as_str(), "upload");
            resumax_outbox::enqueue(&txn, subjects::PARSE, &parse_job_id(&id), job).await?;
        }
        txn.commit().await.map_err(db_error("committing a job description"))?;
        self.relay.wake();
        job_description_record(&row)
    }

    async fn get_job_description(
        &self,
        user: &UserId,
        job_description_id: Uuid,
    ) -> Result<JobDescriptionRecord> {
        job_description_record(&self.find_job_description(user, job_description_id).await?)
    }
}

struct ParseWorker(Arc<ParsingService>);

#[async_trait]
impl JobHandler for ParseWorker {
    async fn handle(&self, delivery: Delivery) -> Outcome {
        let job = match ParseJob::decode(delivery.payload.as_slice()) {
            Ok(job) => job,
            Err(e) => {
                tracing::error!(error = %e, "dropping an undecodable parse job");
                return Outcome::Done;
            }
        };
        let span = tracing::info_span!("parse_job", id = %job.id, request_id = %job.request_id, attempt = delivery.attempt);
        // Continue the trace of the span that published the job, when it carries one.
        resumax_telemetry::set_parent(&span, &delivery.trace_context);
        let (kind, id) = (job.kind, job.id.clone());
        match self.0.run_parse(job).instrument(span.clone()).await {
            Ok(()) => Outcome::Done,
            Err(error) if error.code == ErrorCode::InvalidInput => {
                tracing::error!(parent: &span, %error, "dropping an invalid parse job");
                Outcome::Done
            }
            Err(error) if delivery.last_attempt => {
                tracing::error!(parent: &span, %error, "parse job failed on its last attempt");
                if let Err(e) = self.0.record_failure(kind, &id, &error).await {
                    tracing::error!(parent: &span, error = %e, "could not record the parse failure");
                }
                Outcome::Done
            }
            Err(error) => {
                tracing::warn!(parent: &span, %error, "parse job failed; it will be retried");
                Outcome::Retry
            }
        }
    }
}
