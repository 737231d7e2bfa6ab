//! gRPC adapter of the export service: a tonic server over any [`ExportApi`], and
//! [`ExportGrpcClient`], the same trait implemented over the network. Both answer identically,
//! errors included, so a caller never knows whether the service runs in its process.

use std::sync::Arc;

use async_trait::async_trait;
use resumax_core::Result;
use resumax_core::api::{ExportApi, ExportRecord};
use resumax_core::ids::UserId;
use resumax_core::optimization::{ExportDesign, ExportFormat, Version};
use resumax_proto::TracedChannel;
use resumax_proto::common::v1::ExportFormat as ProtoExportFormat;
use resumax_proto::convert::{decode_enum, parse_uuid, required};
use resumax_proto::export::v1 as pb;
use resumax_proto::export::v1::export_service_client::ExportServiceClient;
use resumax_proto::export::v1::export_service_server::{ExportService, ExportServiceServer};
use resumax_proto::{MAX_MESSAGE_BYTES, decode_response, respond, unwrap_response};
use tonic::transport::Channel;
use tonic::{Request, Response, Status};
use uuid::Uuid;

/// The tonic service for `resumax.export.v1.ExportService`, answering with `api`.
pub fn server(api: Arc<dyn ExportApi>) -> resumax_proto::Traced<ExportServiceServer<ExportGrpcServer>> {
    // Downloads carry the rendered file; a PDF can pass tonic's 4 MiB default.
    // Each call runs in a span that continues the caller's trace (`traceparent` metadata).
    resumax_proto::Traced::new(
        ExportServiceServer::new(ExportGrpcServer { api })
            .max_decoding_message_size(MAX_MESSAGE_BYTES)
            .max_encoding_message_size(MAX_MESSAGE_BYTES),
    )
}

pub struct ExportGrpcServer {
    api: Arc<dyn ExportApi>,
}

#[tonic::async_trait]
impl ExportService for ExportGrpcServer {
    async fn export_version(
        &self,
        request: Request<pb::ExportVersionRequest>,
    ) -> Result<Response<pb::ExportVersionResponse>, Status> {
        let request = request.into_inner();
        respond(
            async {
                let user = UserId::parse(&request.user_id)?;
                let version = Version::try_from(required(request.version, "version")?)?;
                let format = decode_enum::<ProtoExportFormat, ExportFormat>(request.format, "format")?;
                let design = resumax_proto::convert::design_from_wire(request.design);
                let record = self.api.export(&user, &version, format, design).await?;
                Ok(pb::ExportVersionResponse { export: Some(record.into()) })
            }
            .await,
        )
    }

    async fn get_export(
        &self,
        request: Request<pb::GetExportRequest>,
    ) -> Result<Response<pb::GetExportResponse>, Status> {
        let request = request.into_inner();
        respond(
            async {
                let user = UserId::parse(&request.user_id)?;
                let export_id = parse_uuid(&request.export_id, "exportId")?;
                let record = self.api.get_export(&user, export_id).await?;
                Ok(pb::GetExportResponse { export: Some(record.into()) })
            }
            .await,
        )
    }

    async fn list_version_exports(
        &self,
        request: Request<pb::ListVersionExportsRequest>,
    ) -> Result<Response<pb::ListVersionExportsResponse>, Status> {
        let request = request.into_inner();
        respond(
            async {
                let user = UserId::parse(&request.user_id)?;
                let version_id = parse_uuid(&request.version_id, "versionId")?;
                let exports = self.api.exports_of(&user, version_id).await?;
                Ok(pb::ListVersionExportsResponse { exports: exports.into_iter().map(Into::into).collect() })
            }
            .await,
        )
    }

    async fn download_export(
        &self,
        request: Request<pb::DownloadExportRequest>,
    ) -> Result<Response<pb::DownloadExportResponse>, Status> {
        let request = request.into_inner();
        respond(
            async {
                let user = UserId::parse(&request.user_id)?;
                let export_id = parse_uuid(&request.export_id, "exportId")?;
                let (record, content) = self.api.download(&user, export_id).await?;
                Ok(pb::DownloadExportResponse { export: Some(record.into()), content })
            }
            .await,
        )
    }
}

/// [`ExportApi`] over gRPC, for a node where the export service runs elsewhere.
#[derive(Clone)]
pub struct ExportGrpcClient {
    inner: ExportServiceClient<TracedChannel>,
}

impl ExportGrpcClient {
    /// Connects on first use, so a node can start before the export service does.
    pub async fn connect(endpoint: String) -> Result<Self> {
        Ok(Self::from_channel(resumax_proto::connect_lazy(endpoint)?))
    }

    pub fn from_channel(channel: Channel) -> Self {
        let inner = ExportServiceClient::new(resumax_proto::traced(channel))
            .max_decoding_message_size(MAX_MESSAGE_BYTES)
            .max_encoding_message_size(MAX_MESSAGE_BYTES);
        ExportGrpcClient { inner }
    }

    // tonic clients take `&mut self`; a clone shares the channel, so calls run concurrently.
    fn client(&self) -> ExportServiceClient<TracedChannel> {
        self.inner.clone()
    }
}

#[async_trait]
impl ExportApi for ExportGrpcClient {
    async fn export(
        &self,
        user: &UserId,
        version: &Version,
        format: ExportFormat,
        design: ExportDesign,
    ) -> Result<ExportRecord> {
        let request = pb::ExportVersionRequest {
            user_id: user.as_str().to_string(),
            version: Some(version.clone().into()),
            format: ProtoExportFormat::from(format).into(),
            design: resumax_proto::convert::design_to_wire(design),
        };
        let response = unwrap_response(self.client().export_version(request).await)?;
        decode_response(required(response.export, "export")?)
    }

    async fn get_export(&self, user: &UserId, export_id: Uuid) -> Result<ExportRecord> {
        let request =
            pb::GetExportRequest { user_id: user.as_str().to_string(), export_id: export_id.to_string() };
        let response = unwrap_response(self.client().get_export(request).await)?;
        decode_response(required(response.export, "export")?)
    }

    async fn download(&self, user: &UserId, export_id: Uuid) -> Result<(ExportRecord, Vec<u8>)> {
        let request = pb::DownloadExportRequest {
            user_id: user.as_str().to_string(),
            export_id: export_id.to_string(),
        };
        let response = unwrap_response(self.client().download_export(request).await)?;
        let record = decode_response(required(response.export, "export")?)?;
        Ok((record, response.content))
    }

    async fn exports_of(&self, user: &UserId, version_id: Uuid) -> Result<Vec<ExportRecord>> {
        let request = pb::ListVersionExportsRequest {
            user_id: user.as_str().to_string(),
            version_id: version_id.to_string(),
        };
        let response = unwrap_response(self.client().list_version_exports(request).await)?;
        response.exports.into_iter().map(decode_response).collect()
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;
    use std::sync::Mutex;

    use chrono::Utc;
    use resumax_core::api::ExportStatus;
    use resumax_core::resume::{Contact, Entry, ParsedResume, Section, SectionKind};
    use resumax_core::{Error, ErrorCode};
    use tonic::transport::server::TcpIncoming;

    use super::*;

    /// A small but real export service in memory: renders text exports from the version's
    /// resume, refuses the formats it cannot render, and scopes every export by user.
    #[derive(Default)]
    struct InMemoryExport {
        files: Mutex<HashMap<Uuid, StoredExport>>,
    }

    /// Owner, record and rendered bytes.
    type StoredExport = (String, ExportRecord, Vec<u8>);

    #[async_trait]
    impl ExportApi for InMemoryExport {
        async fn export(
            &self,
            user: &UserId,
            version: &Version,
            format: ExportFormat,
            design: ExportDesign,
        ) -> Result<ExportRecord> {
            if format != ExportFormat::Text {
                return Err(Error::new(
                    ErrorCode::UnsupportedFormat,
                    format!("{} is not rendered here", format.as_str()),
                ));
            }
            let export_id = Uuid::now_v7();
            let record = ExportRecord {
                export_id,
                version_id: version.version_id,
                format,
                design,
                status: ExportStatus::Completed,
                storage_key: Some(format!("users/{user}/versions/{}/resume.txt", version.version_id)),
                download_url: None,
                expires_at: None,
            };
            let content = version.optimized.to_plain_text().into_bytes();
            self.files.lock().unwrap().insert(export_id, (user.to_string(), record.clone(), content));
            Ok(record)
        }

        async fn get_export(&self, user: &UserId, export_id: Uuid) -> Result<ExportRecord> {
            Ok(self.download(user, export_id).await?.0)
        }

        async fn download(&self, user: &UserId, export_id: Uuid) -> Result<(ExportRecord, Vec<u8>)> {
            match self.files.lock().unwrap().get(&export_id) {
                Some((owner, record, content)) if owner == user.as_str() => {
                    Ok((record.clone(), content.clone()))
                }
                _ => Err(Error::not_found("export")),
            }
        }

        async fn exports_of(&self, user: &UserId, version_id: Uuid) -> Result<Vec<ExportRecord>> {
            let files = self.files.lock().unwrap();
            let mut of: Vec<ExportRecord> = files
                .values()
                .filter(|(owner, record, _)| owner == user.as_str() && record.version_id == version_id)
                .map(|(_, record, _)| record.clone())
                .collect();
            of.sort_by_key(|r| r.export_id);
            Ok(of)
        }
    }

    async fn serve(api: Arc<dyn ExportApi>) -> ExportGrpcClient {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        tokio::spawn(
            tonic::transport::Server::builder()
                .add_service(server(api))
                .serve_with_incoming(TcpIncoming::from(listener)),
        );
        ExportGrpcClient::connect(format!("http://{address}")).await.unwrap()
    }

    fn version() -> Version {
        Version {
            version_id: Uuid::now_v7(),
            optimization_id: Uuid::now_v7(),
            resume_id: Uuid::now_v7(),
            score: 81,
            accepted_changes: vec!["c1".into()],
            edited_changes: Vec::new(),
            rejected_changes: Vec::new(),
            warnings: Vec::new(),
            optimized: ParsedResume {
                contact: Contact { name: Some("Ada Lovelace".into()), ..Default::default() },
                tagline: None,
                sections: vec![Section {
                    kind: SectionKind::Experience,
                    heading: "Experience".into(),
                    entries: vec![Entry {
                        header_lines: vec!["Analytical Engines Ltd".into()],
                        lines: vec!["Ran PostgreSQL databases".into()],
                        ..Default::default()
                    }],
                    skills: vec![],
                }],
                text: String::new(),
                warnings: vec![],
            },
            diff: vec![],
            notes: Some("for Acme".into()),
            created_at: Utc::now(),
        }
    }

    #[tokio::test]
    async fn remote_calls_answer_like_local_ones() {
        let local = Arc::new(InMemoryExport::default());
        let remote = serve(local.clone()).await;
        let alice = UserId::parse("alice").unwrap();
        let bob = UserId::parse("bob").unwrap();
        let version = version();

        let record =
            remote.export(&alice, &version, ExportFormat::Text, ExportDesign::Compact).await.unwrap();
        assert_eq!(record.version_id, version.version_id);
        assert_eq!(record.design, ExportDesign::Compact, "the design crosses gRPC");
        assert_eq!(remote.get_export(&alice, record.export_id).await.unwrap(), record);
        let (downloaded, content) = remote.download(&alice, record.export_id).await.unwrap();
        assert_eq!(downloaded, record);
        assert_eq!(content, local.download(&alice, record.export_id).await.unwrap().1);
        assert!(String::from_utf8(content).unwrap().contains("- Ran PostgreSQL databases"));

        let remote_error = remote.download(&bob, record.export_id).await.unwrap_err();
        assert_eq!(remote_error, local.download(&bob, record.export_id).await.unwrap_err());
        assert_eq!(remote_error.code, ErrorCode::NotFound);

        let unsupported =
            remote.export(&alice, &version, ExportFormat::Pdf, ExportDesign::Classic).await.unwrap_err();
        assert_eq!(unsupported, Error::new(ErrorCode::UnsupportedFormat, "pdf is not rendered here"));
    }

    #[tokio::test]
    async fn an_unspecified_format_is_invalid_input() {
        let remote = serve(Arc::new(InMemoryExport::default())).await;
        let request = pb::ExportVersionRequest {
            user_id: "alice".into(),
            version: Some(version().into()),
            format: ProtoExportFormat::Unspecified.into(),
            design: 0,
        };
        let status = remote.client().export_version(request).await.unwrap_err();
        assert_eq!(resumax_proto::error_from_status(&status), Error::invalid_input("format is unspecified"));
    }
}
