//! gRPC adapter of the parsing service: a tonic server over any [`ParsingApi`], and
//! [`ParsingGrpcClient`], the same trait implemented over the network. Both answer identically,
//! errors included, so a caller never knows whether the service runs in its process.

use std::sync::Arc;

use async_trait::async_trait;
use resumax_core::Result;
use resumax_core::api::{JobDescriptionRecord, JobDescriptionSource, ParsingApi, ResumeRecord, Upload};
use resumax_core::ids::UserId;
use resumax_proto::TracedChannel;
use resumax_proto::convert::{parse_uuid, required};
use resumax_proto::parsing::v1 as pb;
use resumax_proto::parsing::v1::parsing_service_client::ParsingServiceClient;
use resumax_proto::parsing::v1::parsing_service_server::{ParsingService, ParsingServiceServer};
use resumax_proto::{MAX_MESSAGE_BYTES, decode_response, respond, unwrap_response};
use tonic::transport::Channel;
use tonic::{Request, Response, Status};
use uuid::Uuid;

/// The tonic service for `resumax.parsing.v1.ParsingService`, answering with `api`.
pub fn server(api: Arc<dyn ParsingApi>) -> resumax_proto::Traced<ParsingServiceServer<ParsingGrpcServer>> {
    // Uploads are up to 10 MiB, above tonic's default limit of 4 MiB.
    // Each call runs in a span that continues the caller's trace (`traceparent` metadata).
    resumax_proto::Traced::new(
        ParsingServiceServer::new(ParsingGrpcServer { api })
            .max_decoding_message_size(MAX_MESSAGE_BYTES)
            .max_encoding_message_size(MAX_MESSAGE_BYTES),
    )
}

pub struct ParsingGrpcServer {
    api: Arc<dyn ParsingApi>,
}

#[tonic::async_trait]
impl ParsingService for ParsingGrpcServer {
    async fn upload_resume(
        &self,
        request: Request<pb::UploadResumeRequest>,
    ) -> Result<Response<pb::UploadResumeResponse>, Status> {
        let request = request.into_inner();
        respond(
            async {
                let user = UserId::parse(&request.user_id)?;
                let file = required(request.file, "file")?;
                let record = self.api.upload_resume(&user, Upload::from(file)).await?;
                Ok(pb::UploadResumeResponse { resume: Some(record.into()) })
            }
            .await,
        )
    }

    async fn get_resume(
        &self,
        request: Request<pb::GetResumeRequest>,
    ) -> Result<Response<pb::GetResumeResponse>, Status> {
        let request = request.into_inner();
        respond(
            async {
                let user = UserId::parse(&request.user_id)?;
                let resume_id = parse_uuid(&request.resume_id, "resumeId")?;
                let record = self.api.get_resume(&user, resume_id).await?;
                Ok(pb::GetResumeResponse { resume: Some(record.into()) })
            }
            .await,
        )
    }

    async fn delete_resume(
        &self,
        request: Request<pb::DeleteResumeRequest>,
    ) -> Result<Response<pb::DeleteResumeResponse>, Status> {
        let request = request.into_inner();
        respond(
            async {
                let user = UserId::parse(&request.user_id)?;
                let resume_id = parse_uuid(&request.resume_id, "resumeId")?;
                self.api.delete_resume(&user, resume_id).await?;
                Ok(pb::DeleteResumeResponse {})
            }
            .await,
        )
    }

    async fn create_job_description(
        &self,
        request: Request<pb::CreateJobDescriptionRequest>,
    ) -> Result<Response<pb::CreateJobDescriptionResponse>, Status> {
        let request = request.into_inner();
        respond(
            async {
                let user = UserId::parse(&request.user_id)?;
                let source = required(request.source, "source")?;
                let record =
                    self.api.create_job_description(&user, JobDescriptionSource::from(source)).await?;
                Ok(pb::CreateJobDescriptionResponse { job_description: Some(record.into()) })
            }
            .await,
        )
    }

    async fn get_job_description(
        &self,
        request: Request<pb::GetJobDescriptionRequest>,
    ) -> Result<Response<pb::GetJobDescriptionResponse>, Status> {
        let request = request.into_inner();
        respond(
            async {
                let user = UserId::parse(&request.user_id)?;
                let id = parse_uuid(&request.job_description_id, "jobDescriptionId")?;
                let record = self.api.get_job_description(&user, id).await?;
                Ok(pb::GetJobDescriptionResponse { job_description: Some(record.into()) })
            }
            .await,
        )
    }
}

/// [`ParsingApi`] over gRPC, for a node where the parsing service runs elsewhere.
#[derive(Clone)]
pub struct ParsingGrpcClient {
    inner: ParsingServiceClient<TracedChannel>,
}

impl ParsingGrpcClient {
    /// Connects on first use, so a node can start before the parsing service does.
    pub async fn connect(endpoint: String) -> Result<Self> {
        Ok(Self::from_channel(resumax_proto::connect_lazy(endpoint)?))
    }

    pub fn from_channel(channel: Channel) -> Self {
        let inner = ParsingServiceClient::new(resumax_proto::traced(channel))
            .max_decoding_message_size(MAX_MESSAGE_BYTES)
            .max_encoding_message_size(MAX_MESSAGE_BYTES);
        ParsingGrpcClient { inner }
    }

    // tonic clients take `&mut self`; a clone shares the channel, so calls run concurrently.
    fn client(&self) -> ParsingServiceClient<TracedChannel> {
        self.inner.clone()
    }
}

#[async_trait]
impl ParsingApi for ParsingGrpcClient {
    async fn upload_resume(&self, user: &UserId, upload: Upload) -> Result<ResumeRecord> {
        let request =
            pb::UploadResumeRequest { user_id: user.as_str().to_string(), file: Some(upload.into()) };
        let response = unwrap_response(self.client().upload_resume(request).await)?;
        decode_response(required(response.resume, "resume")?)
    }

    async fn get_resume(&self, user: &UserId, resume_id: Uuid) -> Result<ResumeRecord> {
        let request =
            pb::GetResumeRequest { user_id: user.as_str().to_string(), resume_id: resume_id.to_string() };
        let response = unwrap_response(self.client().get_resume(request).await)?;
        decode_response(required(response.resume, "resume")?)
    }

    async fn delete_resume(&self, user: &UserId, resume_id: Uuid) -> Result<()> {
        let request =
            pb::DeleteResumeRequest { user_id: user.as_str().to_string(), resume_id: resume_id.to_string() };
        unwrap_response(self.client().delete_resume(request).await)?;
        Ok(())
    }

    async fn create_job_description(
        &self,
        user: &UserId,
        source: JobDescriptionSource,
    ) -> Result<JobDescriptionRecord> {
        let request = pb::CreateJobDescriptionRequest {
            user_id: user.as_str().to_string(),
            source: Some(source.into()),
        };
        let response = unwrap_response(self.client().create_job_description(request).await)?;
        decode_response(required(response.job_description, "jobDescription")?)
    }

    async fn get_job_description(
        &self,
        user: &UserId,
        job_description_id: Uuid,
    ) -> Result<JobDescriptionRecord> {
        let request = pb::GetJobDescriptionRequest {
            user_id: user.as_str().to_string(),
            job_description_id: job_description_id.to_string(),
        };
        let response = unwrap_response(self.client().get_job_description(request).await)?;
        decode_response(required(response.job_description, "jobDescription")?)
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;
    use std::sync::Mutex;

    use chrono::Utc;
    use resumax_core::api::{JobDescriptionText, ParseError, ParseStatus};
    use resumax_core::job_description::ParsedJobDescription;
    use resumax_core::{Error, ErrorCode};
    use tonic::transport::server::TcpIncoming;

    use super::*;

    /// A small but real parsing service: records per user in memory, text job descriptions
    /// "parsed" by splitting a `Skills:` line, files accepted only as `.txt`.
    #[derive(Default)]
    struct InMemoryParsing {
        resumes: Mutex<HashMap<(String, Uuid), ResumeRecord>>,
        jobs: Mutex<HashMap<(String, Uuid), JobDescriptionRecord>>,
    }

    #[async_trait]
    impl ParsingApi for InMemoryParsing {
        async fn upload_resume(&self, user: &UserId, upload: Upload) -> Result<ResumeRecord> {
            if upload.bytes.is_empty() {
                return Err(Error::invalid_input("file is empty"));
            }
            // A file that is not a PDF fails its parse, as a real parser would report it.
            let is_pdf = upload.bytes.starts_with(b"%PDF-");
            let record = ResumeRecord {
                resume_id: Uuid::now_v7(),
                file_name: upload.file_name,
                parse_status: if is_pdf { ParseStatus::Pending } else { ParseStatus::Failed },
                parsed: None,
                error: (!is_pdf).then(|| ParseError {
                    code: ErrorCode::UnsupportedFormat,
                    message: "file is not a pdf".to_string(),
                }),
                created_at: Utc::now(),
            };
            self.resumes.lock().unwrap().insert((user.to_string(), record.resume_id), record.clone());
            Ok(record)
        }

        async fn get_resume(&self, user: &UserId, resume_id: Uuid) -> Result<ResumeRecord> {
            self.resumes
                .lock()
                .unwrap()
                .get(&(user.to_string(), resume_id))
                .cloned()
                .ok_or_else(|| Error::not_found("resume"))
        }

        async fn delete_resume(&self, user: &UserId, resume_id: Uuid) -> Result<()> {
            self.resumes
                .lock()
                .unwrap()
                .remove(&(user.to_string(), resume_id))
                .map(|_| ())
                .ok_or_else(|| Error::not_found("resume"))
        }

        async fn create_job_description(
            &self,
            user: &UserId,
            source: JobDescriptionSource,
        ) -> Result<JobDescriptionRecord> {
            let text = match source {
                JobDescriptionSource::Text(text) => text,
                JobDescriptionSource::File(upload) if upload.file_name.ends_with(".txt") => {
                    JobDescriptionText {
                        text: String::from_utf8(upload.bytes)
                            .map_err(|_| Error::new(ErrorCode::ParseFailed, "file is not utf-8"))?,
                        ..Default::default()
                    }
                }
                JobDescriptionSource::File(_) => {
                    return Err(Error::new(ErrorCode::UnsupportedFormat, "only .txt files here"));
                }
            };
            let required_skills = text
                .text
                .lines()
                .find_map(|line| line.strip_prefix("Skills:"))
                .map(|skills| skills.split(',').map(|s| s.trim().to_string()).collect())
                .unwrap_or_default();
            let record = JobDescriptionRecord {
                job_description_id: Uuid::now_v7(),
                parse_status: ParseStatus::Completed,
                parsed: Some(ParsedJobDescription {
                    title: text.title,
                    company: text.company,
                    location: text.location,
                    employment_type: None,
                    required_skills,
                    preferred_skills: Vec::new(),
                    sanitized_text: text.text.trim().to_string(),
                    warnings: Vec::new(),
                    requirements: Vec::new(),
                }),
                error: None,
                created_at: Utc::now(),
            };
            self.jobs.lock().unwrap().insert((user.to_string(), record.job_description_id), record.clone());
            Ok(record)
        }

        async fn get_job_description(
            &self,
            user: &UserId,
            job_description_id: Uuid,
        ) -> Result<JobDescriptionRecord> {
            self.jobs
                .lock()
                .unwrap()
                .get(&(user.to_string(), job_description_id))
                .cloned()
                .ok_or_else(|| Error::not_found("job description"))
        }
    }

    async fn serve(api: Arc<dyn ParsingApi>) -> ParsingGrpcClient {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        tokio::spawn(
            tonic::transport::Server::builder()
                .add_service(server(api))
                .serve_with_incoming(TcpIncoming::from(listener)),
        );
        ParsingGrpcClient::connect(format!("http://{address}")).await.unwrap()
    }

    #[tokio::test]
    async fn remote_calls_answer_like_local_ones() {
        let local = Arc::new(InMemoryParsing::default());
        let remote = serve(local.clone()).await;
        let alice = UserId::parse("alice").unwrap();
        let bob = UserId::parse("bob").unwrap();

        // A large upload (above tonic's default 4 MiB limit) goes through whole.
        let mut pdf = b"%PDF-1.7\n".to_vec();
        pdf.resize(6 * 1024 * 1024, b' ');
        let uploaded =
            remote.upload_resume(&alice, Upload { file_name: "cv.pdf".into(), bytes: pdf }).await.unwrap();
        assert_eq!(uploaded.parse_status, ParseStatus::Pending);
        assert_eq!(remote.get_resume(&alice, uploaded.resume_id).await.unwrap(), uploaded);
        assert_eq!(local.get_resume(&alice, uploaded.resume_id).await.unwrap(), uploaded);

        let failed = remote
            .upload_resume(&alice, Upload { file_name: "cv.docx".into(), bytes: b"PK".to_vec() })
            .await
            .unwrap();
        assert_eq!(remote.get_resume(&alice, failed.resume_id).await.unwrap(), failed);
        assert_eq!(failed.error.unwrap().code, ErrorCode::UnsupportedFormat);

        // Another user's resume is not found, with the local error's code and message.
        let remote_error = remote.get_resume(&bob, uploaded.resume_id).await.unwrap_err();
        let local_error = local.get_resume(&bob, uploaded.resume_id).await.unwrap_err();
        assert_eq!(remote_error, local_error);
        assert_eq!(remote_error.code, ErrorCode::NotFound);

        let empty = remote.upload_resume(&alice, Upload { file_name: "x.pdf".into(), bytes: vec![] }).await;
        assert_eq!(empty.unwrap_err(), Error::invalid_input("file is empty"));

        remote.delete_resume(&alice, uploaded.resume_id).await.unwrap();
        assert_eq!(
            remote.get_resume(&alice, uploaded.resume_id).await.unwrap_err().code,
            ErrorCode::NotFound
        );

        let job = remote
            .create_job_description(
                &alice,
                JobDescriptionSource::Text(JobDescriptionText {
                    text: " Build APIs.\nSkills: Rust, gRPC ".into(),
                    title: Some("Backend Engineer".into()),
                    company: None,
                    location: Some("Berlin".into()),
                }),
            )
            .await
            .unwrap();
        assert_eq!(job.parsed.as_ref().unwrap().required_skills, ["Rust", "gRPC"]);
        assert_eq!(remote.get_job_description(&alice, job.job_description_id).await.unwrap(), job);

        let from_file = remote
            .create_job_description(
                &alice,
                JobDescriptionSource::File(Upload {
                    file_name: "jd.txt".into(),
                    bytes: b"Skills: SQL".to_vec(),
                }),
            )
            .await
            .unwrap();
        assert_eq!(from_file.parsed.unwrap().required_skills, ["SQL"]);

        let unsupported = remote
            .create_job_description(
                &alice,
                JobDescriptionSource::File(Upload { file_name: "jd.odt".into(), bytes: b"x".to_vec() }),
            )
            .await
            .unwrap_err();
        assert_eq!(unsupported, Error::new(ErrorCode::UnsupportedFormat, "only .txt files here"));
    }

    #[tokio::test]
    async fn malformed_requests_are_invalid_input() {
        let local: Arc<dyn ParsingApi> = Arc::new(InMemoryParsing::default());
        let remote = serve(local).await;
        let mut raw = remote.client();

        let status = raw
            .get_resume(pb::GetResumeRequest { user_id: "alice".into(), resume_id: "not-a-uuid".into() })
            .await
            .unwrap_err();
        let error = resumax_proto::error_from_status(&status);
        assert_eq!(error.code, ErrorCode::InvalidInput);
        assert!(error.message.contains("resumeId"), "{}", error.message);

        let status = raw
            .get_resume(pb::GetResumeRequest {
                user_id: String::new(),
                resume_id: Uuid::now_v7().to_string(),
            })
            .await
            .unwrap_err();
        assert_eq!(resumax_proto::error_from_status(&status).code, ErrorCode::Unauthorized);

        let status = raw
            .create_job_description(pb::CreateJobDescriptionRequest { user_id: "alice".into(), source: None })
            .await
            .unwrap_err();
        assert_eq!(resumax_proto::error_from_status(&status), Error::invalid_input("source is missing"));
    }

    #[tokio::test]
    async fn an_unreachable_peer_is_an_infrastructure_error() {
        // Bind then drop, so the port is (almost certainly) closed.
        let address = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap().local_addr().unwrap();
        let remote = ParsingGrpcClient::connect(format!("http://{address}")).await.unwrap();
        let error = remote.get_resume(&UserId::parse("alice").unwrap(), Uuid::now_v7()).await.unwrap_err();
        assert_eq!(error.code, ErrorCode::StorageError);
    }
}
