//! The export service: renders an accepted version and stores the file. Owns `export_artifacts`.
//!
//! An export request records the row (`queued`) and its job in one transaction (outbox); a worker
//! renders the file, stores it and marks the export `completed` (or `failed` after the queue's
//! last delivery). The version to render is stored beside the file, so the worker needs no peer.
//!
//! Formats: PDF, DOCX and plain text, rendered by `resumax-render` from the version's structured
//! resume (one column, standard headings, embedded fonts; ADR 0015), in the classic design.

pub mod grpc;

use std::sync::Arc;

use async_trait::async_trait;
use prost::Message;
use resumax_core::api::{ExportApi, ExportRecord, ExportStatus};
use resumax_core::ids::{UserId, new_id};
use resumax_core::optimization::{ExportDesign, ExportFormat, Version};
use resumax_core::{Error, ErrorCode, Result};
use resumax_db::entity::export_artifact;
use resumax_db::{DatabaseConnection, db_error, now};
use resumax_proto::queue::v1::ExportJob;
use resumax_queue::{Delivery, JobHandler, Outcome, Queue, subjects};
use resumax_storage::{BlobStore, keys};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set, TransactionTrait};
use tracing::Instrument;
use uuid::Uuid;

pub struct ExportService {
    db: DatabaseConnection,
    blobs: BlobStore,
    queue: Arc<dyn Queue>,
    relay: Arc<resumax_outbox::Relay>,
}

impl ExportService {
    pub fn new(db: DatabaseConnection, blobs: BlobStore, queue: Arc<dyn Queue>) -> Arc<Self> {
        let relay = resumax_outbox::Relay::new(db.clone(), queue.clone(), &[subjects::EXPORT]);
        Arc::new(ExportService { db, blobs, queue, relay })
    }

    /// Starts publishing recorded export jobs (every process running this service relays).
    pub fn start_relay(&self) {
        self.relay.spawn();
    }

    /// Starts the render workers and re-queues exports a previous process left `queued`.
    pub async fn start_workers(self: &Arc<Self>, workers: usize) -> Result<()> {
        self.queue.consume(subjects::EXPORT, workers, Arc::new(ExportWorker(self.clone()))).await?;
        let queued = export_artifact::Entity::find()
            .filter(export_artifact::Column::Status.eq(QUEUED))
            .filter(export_artifact::Column::DeletedAt.is_null())
            .all(&self.db)
            .await
            .map_err(db_error("listing queued exports"))?;
        for row in &queued {
            self.queue.publish(subjects::EXPORT, &row.id, export_job(row)).await?;
        }
        Ok(())
    }

    /// Renders one export. Idempotent: a finished export is left as it is.
    async fn render_export(&self, export_id: &str) -> Result<()> {
        let Some(row) = export_artifact::Entity::find_by_id(export_id)
            .one(&self.db)
            .await
            .map_err(db_error("reading an export"))?
        else {
            return Ok(());
        };
        if row.status != QUEUED || row.deleted_at.is_some() {
            return Ok(());
        }
        let format = ExportFormat::parse(&row.format)?;
        let source = self.blobs.get(&keys::version_source(&row.user_id, &row.version_id)).await?;
        let version: Version =
            serde_json::from_slice(&source).map_err(|e| Error::internal("reading a stored version", e))?;
        let design = design_of(&row)?;
        let rendered = render(&version, format, design)?;
        // Each design of a format is a file of its own.
        let name = format!("{}.{}", design.as_str(), rendered.extension);
        let key = keys::version_export(&row.user_id, &row.version_id, &name);
        self.blobs.put(&key, rendered.bytes).await?;
        self.finish(export_id, COMPLETED, Some(key.to_string()), None).await
    }

    /// Moves a queued export to its final status, once.
    async fn finish(
        &self,
        export_id: &str,
        status: &str,
        key: Option<String>,
        error: Option<String>,
    ) -> Result<()> {
        export_artifact::Entity::update_many()
            .col_expr(export_artifact::Column::Status, Expr::value(status))
            .col_expr(export_artifact::Column::StorageKey, Expr::value(key))
            .col_expr(export_artifact::Column::ErrorMessage, Expr::value(error))
            .col_expr(export_artifact::Column::UpdatedAt, Expr::value(now()))
            .filter(export_artifact::Column::Id.eq(export_id))
            .filter(export_artifact::Column::Status.eq(QUEUED))
            .exec(&self.db)
            .await
            .map_err(db_error("finishing an export"))?;
        Ok(())
    }

    /// Adds a fresh signed URL to a completed export when the store issues them.
    async fn with_download_url(&self, mut record: ExportRecord) -> Result<ExportRecord> {
        if let (ExportStatus::Completed, Some(key)) = (record.status, record.storage_key.as_deref()) {
            let expires_at = chrono::Utc::now()
                + chrono::Duration::from_std(DOWNLOAD_URL_TTL).unwrap_or(chrono::Duration::minutes(15));
            if let Some(url) = self.blobs.signed_url(&keys::parse(key)?, DOWNLOAD_URL_TTL).await? {
                record.download_url = Some(url);
                record.expires_at = Some(expires_at);
            }
        }
        Ok(record)
    }

    async fn find(&self, user: &UserId, export_id: Uuid) -> Result<export_artifact::Model> {
        export_artifact::Entity::find_by_id(export_id.to_string())
            .filter(export_artifact::Column::UserId.eq(user.as_str()))
            .filter(export_artifact::Column::DeletedAt.is_null())
            .one(&self.db)
            .await
            .map_err(db_error("reading an export"))?
            .ok_or_else(|| Error::not_found("export"))
    }
}

const QUEUED: &str = "queued";
const COMPLETED: &str = "completed";
const FAILED: &str = "failed";

fn export_job(row: &export_artifact::Model) -> Vec<u8> {
    let format = ExportFormat::parse(&row.format).unwrap_or(ExportFormat::Text);
    ExportJob {
        export_id: row.id.clone(),
        version_id: row.version_id.clone(),
        format: resumax_proto::common::v1::ExportFormat::from(format) as i32,
        user_id: row.user_id.clone(),
        request_id: String::new(),
        design: resumax_proto::convert::design_to_wire(design_of(row).unwrap_or_default()),
    }
    .encode_to_vec()
}

/// The rendered file for a version.
pub fn render(
    version: &Version,
    format: ExportFormat,
    design: ExportDesign,
) -> Result<resumax_render::Rendered> {
    resumax_render::render(&version.optimized, format, design)
}

fn design_of(row: &export_artifact::Model) -> Result<ExportDesign> {
    row.design.as_deref().map_or(Ok(ExportDesign::Classic), ExportDesign::parse)
}

fn record(row: &export_artifact::Model) -> Result<ExportRecord> {
    let id = |v: &str| Uuid::parse_str(v).map_err(|e| Error::internal("reading an export id", e));
    Ok(ExportRecord {
        export_id: id(&row.id)?,
        version_id: id(&row.version_id)?,
        format: ExportFormat::parse(&row.format)?,
        design: design_of(row)?,
        status: match row.status.as_str() {
            COMPLETED => ExportStatus::Completed,
            FAILED => ExportStatus::Failed,
            _ => ExportStatus::Queued,
        },
        storage_key: row.storage_key.clone(),
        download_url: None,
        expires_at: None,
    })
}

/// How long a signed download URL works; a new one is issued on every read of the export.
const DOWNLOAD_URL_TTL: std::time::Duration = std::time::Duration::from_secs(15 * 60);

#[async_trait]
impl ExportApi for ExportService {
    async fn export(
        &self,
        user: &UserId,
        version: &Version,
        format: ExportFormat,
        design: ExportDesign,
    ) -> Result<ExportRecord> {
        // One file per version and format: asking again (an accept replayed) answers the export
        // already queued or made; a failed one is made anew.
        let earlier = export_artifact::Entity::find()
            .filter(export_artifact::Column::UserId.eq(user.as_str()))
            .filter(export_artifact::Column::VersionId.eq(version.version_id.to_string()))
            .filter(export_artifact::Column::Format.eq(format.as_str()))
            .filter(export_artifact::Column::DeletedAt.is_null())
            .filter(export_artifact::Column::Status.ne(FAILED))
            .all(&self.db)
            .await
            .map_err(db_error("checking earlier exports"))?
            .into_iter()
            .find(|row| design_of(row).is_ok_and(|d| d == design));
        if let Some(row) = earlier {
            return self.with_download_url(record(&row)?).await;
        }
        // The version is kept beside its files, so rendering needs nothing but this store.
        let source = serde_json::to_vec(version).map_err(|e| Error::internal("storing a version", e))?;
        self.blobs.put(&keys::version_source(user.as_str(), &version.version_id.to_string()), source).await?;
        let at = now();
        let txn = self.db.begin().await.map_err(db_error("starting a transaction"))?;
        let row = export_artifact::ActiveModel {
            id: Set(new_id().to_string()),
            user_id: Set(user.as_str().into()),
            version_id: Set(version.version_id.to_string()),
            format: Set(format.as_str().into()),
            design: Set(Some(design.as_str().into())),
            status: Set(QUEUED.into()),
            storage_key: Set(None),
            error_message: Set(None),
            created_at: Set(at),
            updated_at: Set(at),
            deleted_at: Set(None),
        }
        .insert(&txn)
        .await
        .map_err(db_error("recording an export"))?;
        resumax_outbox::enqueue(&txn, subjects::EXPORT, &row.id, export_job(&row)).await?;
        txn.commit().await.map_err(db_error("committing an export"))?;
        self.relay.wake();
        record(&row)
    }

    async fn get_export(&self, user: &UserId, export_id: Uuid) -> Result<ExportRecord> {
        self.with_download_url(record(&self.find(user, export_id).await?)?).await
    }

    async fn exports_of(&self, user: &UserId, version_id: Uuid) -> Result<Vec<ExportRecord>> {
        let rows = export_artifact::Entity::find()
            .filter(export_artifact::Column::UserId.eq(user.as_str()))
            .filter(export_artifact::Column::VersionId.eq(version_id.to_string()))
            .filter(export_artifact::Column::DeletedAt.is_null())
            .order_by_asc(export_artifact::Column::CreatedAt)
            .all(&self.db)
            .await
            .map_err(db_error("listing a version's exports"))?;
        let mut out = Vec::with_capacity(rows.len());
        for row in &rows {
            out.push(self.with_download_url(record(row)?).await?);
        }
        Ok(out)
    }

    async fn download(&self, user: &UserId, export_id: Uuid) -> Result<(ExportRecord, Vec<u8>)> {
        let row = self.find(user, export_id).await?;
        let Some(key) = row.storage_key.as_deref() else {
            return Err(Error::new(ErrorCode::NotFound, "this export has no file yet"));
        };
        let bytes = self.blobs.get(&keys::parse(key)?).await?;
        Ok((record(&row)?, bytes))
    }
}

struct ExportWorker(Arc<ExportService>);

#[async_trait]
impl JobHandler for ExportWorker {
    async fn handle(&self, delivery: Delivery) -> Outcome {
        let job = match ExportJob::decode(delivery.payload.as_slice()) {
            Ok(job) => job,
            Err(e) => {
                tracing::error!(error = %e, "dropping an undecodable export job");
                return Outcome::Done;
            }
        };
        let span = tracing::info_span!("export_job", export_id = %job.export_id, attempt = delivery.attempt);
        resumax_telemetry::set_parent(&span, &delivery.trace_context);
        match self.0.render_export(&job.export_id).instrument(span.clone()).await {
            Ok(()) => Outcome::Done,
            Err(error) if delivery.last_attempt || error.code == ErrorCode::InvalidInput => {
                tracing::error!(parent: &span, %error, "export failed");
                let message = Some(error.message.clone());
                if let Err(e) = self.0.finish(&job.export_id, FAILED, None, message).await {
                    tracing::error!(parent: &span, error = %e, "could not record the export failure");
                }
                Outcome::Done
            }
            Err(error) => {
                tracing::warn!(parent: &span, %error, "export attempt failed; it will be retried");
                Outcome::Retry
            }
        }
    }
}
