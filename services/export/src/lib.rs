//! The export service: renders an accepted version and stores the file. Owns `export_artifacts`.
//!
//! This first version renders ATS-safe plain text; PDF and DOCX renderers are not built yet and
//! are refused with a clear message rather than faked.

pub mod grpc;

use async_trait::async_trait;
use resumax_core::api::{ExportApi, ExportRecord, ExportStatus};
use resumax_core::ids::{UserId, new_id};
use resumax_core::optimization::{ExportFormat, Version};
use resumax_core::{Error, ErrorCode, Result};
use resumax_db::entity::export_artifact;
use resumax_db::{DatabaseConnection, db_error, now};
use resumax_storage::{BlobStore, keys};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
use uuid::Uuid;

pub struct ExportService {
    db: DatabaseConnection,
    blobs: BlobStore,
}

impl ExportService {
    pub fn new(db: DatabaseConnection, blobs: BlobStore) -> Self {
        ExportService { db, blobs }
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

/// The rendered file for a version, or why the format cannot be produced.
pub fn render(version: &Version, format: ExportFormat) -> Result<(Vec<u8>, &'static str)> {
    match format {
        ExportFormat::Text => Ok((format!("{}\n", version.optimized.to_plain_text()).into_bytes(), "txt")),
        ExportFormat::Pdf | ExportFormat::Docx => Err(Error::invalid_input(format!(
            "{} export is not available yet: request text",
            format.as_str()
        ))),
    }
}

fn record(row: &export_artifact::Model) -> Result<ExportRecord> {
    let id = |v: &str| Uuid::parse_str(v).map_err(|e| Error::internal("reading an export id", e));
    Ok(ExportRecord {
        export_id: id(&row.id)?,
        version_id: id(&row.version_id)?,
        format: ExportFormat::parse(&row.format)?,
        status: match row.status.as_str() {
            "completed" => ExportStatus::Completed,
            "failed" => ExportStatus::Failed,
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
    async fn export(&self, user: &UserId, version: &Version, format: ExportFormat) -> Result<ExportRecord> {
        let (bytes, extension) = render(version, format)?;
        let key = keys::version_export(user.as_str(), &version.version_id.to_string(), extension);
        self.blobs.put(&key, bytes).await?;
        let at = now();
        let row = export_artifact::ActiveModel {
            id: Set(new_id().to_string()),
            user_id: Set(user.as_str().into()),
            version_id: Set(version.version_id.to_string()),
            format: Set(format.as_str().into()),
            status: Set("completed".into()),
            storage_key: Set(Some(key.to_string())),
            error_message: Set(None),
            created_at: Set(at),
            updated_at: Set(at),
            deleted_at: Set(None),
        }
        .insert(&self.db)
        .await
        .map_err(db_error("recording an export"))?;
        self.with_download_url(record(&row)?).await
    }

    async fn get_export(&self, user: &UserId, export_id: Uuid) -> Result<ExportRecord> {
        self.with_download_url(record(&self.find(user, export_id).await?)?).await
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
