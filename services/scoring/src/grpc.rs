//! gRPC adapter of the scoring service: a tonic server over any [`ScoringApi`], and
//! [`ScoringGrpcClient`], the same trait implemented over the network. Both answer identically,
//! errors included, so a caller never knows whether the service runs in its process.

use std::sync::Arc;

use async_trait::async_trait;
use resumax_core::Result;
use resumax_core::api::ScoringApi;
use resumax_core::job_description::ParsedJobDescription;
use resumax_core::resume::ParsedResume;
use resumax_core::score::{MatchReport, RankedJob};
use resumax_proto::TracedChannel;
use resumax_proto::convert::required;
use resumax_proto::scoring::v1 as pb;
use resumax_proto::scoring::v1::scoring_service_client::ScoringServiceClient;
use resumax_proto::scoring::v1::scoring_service_server::{ScoringService, ScoringServiceServer};
use resumax_proto::{MAX_MESSAGE_BYTES, decode_response, respond, unwrap_response};
use tonic::transport::Channel;
use tonic::{Request, Response, Status};

/// The tonic service for `resumax.scoring.v1.ScoringService`, answering with `api`.
pub fn server(api: Arc<dyn ScoringApi>) -> resumax_proto::Traced<ScoringServiceServer<ScoringGrpcServer>> {
    // A long resume with its full text and a long job description can pass tonic's 4 MiB default.
    // Each call runs in a span that continues the caller's trace (`traceparent` metadata).
    resumax_proto::Traced::new(
        ScoringServiceServer::new(ScoringGrpcServer { api })
            .max_decoding_message_size(MAX_MESSAGE_BYTES)
            .max_encoding_message_size(MAX_MESSAGE_BYTES),
    )
}

pub struct ScoringGrpcServer {
    api: Arc<dyn ScoringApi>,
}

#[tonic::async_trait]
impl ScoringService for ScoringGrpcServer {
    async fn score_resume(
        &self,
        request: Request<pb::ScoreResumeRequest>,
    ) -> Result<Response<pb::ScoreResumeResponse>, Status> {
        // Scoring is pure and stores nothing, so the user id is not checked here (the trait has
        // none): internal callers such as the optimization worker may leave it empty.
        let request = request.into_inner();
        respond(
            async {
                let resume = ParsedResume::try_from(required(request.resume, "resume")?)?;
                let job = ParsedJobDescription::from(required(request.job_description, "jobDescription")?);
                let report = self.api.score(&resume, &job).await?;
                Ok(pb::ScoreResumeResponse { report: Some(report.into()) })
            }
            .await,
        )
    }

    async fn rank_job_descriptions(
        &self,
        request: Request<pb::RankJobDescriptionsRequest>,
    ) -> Result<Response<pb::RankJobDescriptionsResponse>, Status> {
        let request = request.into_inner();
        respond(
            async {
                let resume = ParsedResume::try_from(required(request.resume, "resume")?)?;
                let jobs: Vec<ParsedJobDescription> =
                    request.job_descriptions.into_iter().map(ParsedJobDescription::from).collect();
                let ranked = self.api.rank(&resume, &jobs, request.limit as usize).await?;
                Ok(pb::RankJobDescriptionsResponse { ranked: ranked.into_iter().map(Into::into).collect() })
            }
            .await,
        )
    }
}

/// [`ScoringApi`] over gRPC, for a node where the scoring service runs elsewhere.
#[derive(Clone)]
pub struct ScoringGrpcClient {
    inner: ScoringServiceClient<TracedChannel>,
}

impl ScoringGrpcClient {
    /// Connects on first use, so a node can start before the scoring service does.
    pub async fn connect(endpoint: String) -> Result<Self> {
        Ok(Self::from_channel(resumax_proto::connect_lazy(endpoint)?))
    }

    pub fn from_channel(channel: Channel) -> Self {
        let inner = ScoringServiceClient::new(resumax_proto::traced(channel))
            .max_decoding_message_size(MAX_MESSAGE_BYTES)
            .max_encoding_message_size(MAX_MESSAGE_BYTES);
        ScoringGrpcClient { inner }
    }
}

#[async_trait]
impl ScoringApi for ScoringGrpcClient {
    async fn score(&self, resume: &ParsedResume, job: &ParsedJobDescription) -> Result<MatchReport> {
        let request = pb::ScoreResumeRequest {
            user_id: String::new(),
            resume: Some(resume.clone().into()),
            job_description: Some(job.clone().into()),
        };
        // tonic clients take `&mut self`; a clone shares the channel, so calls run concurrently.
        let response = unwrap_response(self.inner.clone().score_resume(request).await)?;
        decode_response(required(response.report, "report")?)
    }

    async fn rank(
        &self,
        resume: &ParsedResume,
        jobs: &[ParsedJobDescription],
        limit: usize,
    ) -> Result<Vec<RankedJob>> {
        let request = pb::RankJobDescriptionsRequest {
            user_id: String::new(),
            resume: Some(resume.clone().into()),
            job_descriptions: jobs.iter().cloned().map(Into::into).collect(),
            limit: u32::try_from(limit).unwrap_or(u32::MAX),
        };
        let response = unwrap_response(self.inner.clone().rank_job_descriptions(request).await)?;
        response.ranked.into_iter().map(decode_response).collect()
    }
}

#[cfg(test)]
mod tests {
    use resumax_core::resume::{Contact, Entry, Section, SectionKind};
    use resumax_core::score::{Importance, KeywordGap, KeywordMatch, ScoreComponent};
    use resumax_core::{Error, ErrorCode};
    use tonic::transport::server::TcpIncoming;

    use super::*;

    /// A small but real scorer, independent of the production one: the share of required skills
    /// the resume text mentions, with every matched and missing skill reported.
    struct SkillShareScorer;

    #[async_trait]
    impl ScoringApi for SkillShareScorer {
        async fn score(&self, resume: &ParsedResume, job: &ParsedJobDescription) -> Result<MatchReport> {
            if job.required_skills.is_empty() {
                return Err(Error::invalid_input("job description names no required skills"));
            }
            let text = resume.text.to_lowercase();
            let (found, missing): (Vec<&String>, Vec<&String>) =
                job.required_skills.iter().partition(|skill| text.contains(&skill.to_lowercase()));
            let share = found.len() as f64 / job.required_skills.len() as f64;
            let sections = |skill: &str| -> Vec<String> {
                resume
                    .sections
                    .iter()
                    .filter(|s| s.body_text().to_lowercase().contains(&skill.to_lowercase()))
                    .map(|s| s.kind.as_str().to_string())
                    .collect()
            };
            Ok(MatchReport {
                alignment_score: (share * 100.0).round() as u8,
                breakdown: vec![ScoreComponent {
                    name: "required".into(),
                    score: share * 100.0,
                    weight: 1.0,
                    detail: format!("{} of {} required skills", found.len(), job.required_skills.len()),
                }],
                matched_keywords: found
                    .iter()
                    .map(|skill| KeywordMatch {
                        term: skill.to_string(),
                        importance: Importance::Required,
                        weight: 1.0,
                        resume_term: skill.to_string(),
                        literal: resume.text.contains(skill.as_str()),
                        sections: sections(skill),
                    })
                    .collect(),
                missing_keywords: missing
                    .iter()
                    .map(|skill| KeywordGap {
                        term: skill.to_string(),
                        importance: Importance::Required,
                        weight: 1.0,
                    })
                    .collect(),
                recommendations: missing.iter().map(|skill| format!("show where you used {skill}")).collect(),
            })
        }
    }

    async fn serve(api: Arc<dyn ScoringApi>) -> ScoringGrpcClient {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        tokio::spawn(
            tonic::transport::Server::builder()
                .add_service(server(api))
                .serve_with_incoming(TcpIncoming::from(listener)),
        );
        ScoringGrpcClient::connect(format!("http://{address}")).await.unwrap()
    }

    fn resume() -> ParsedResume {
        let skills = Section {
            kind: SectionKind::Skills,
            heading: "Skills".into(),
            entries: Vec::new(),
            skills: vec!["Rust".into(), "PostgreSQL".into()],
        };
        let experience = Section {
            kind: SectionKind::Experience,
            heading: "Experience".into(),
            entries: vec![Entry {
                organization: Some("Acme".into()),
                title: Some("Engineer".into()),
                lines: vec!["Built gRPC services in Rust".into()],
                ..Default::default()
            }],
            skills: Vec::new(),
        };
        ParsedResume {
            contact: Contact { name: Some("Ada".into()), ..Default::default() },
            tagline: None,
            text: "Ada\nSkills\nRust, PostgreSQL\nExperience\nBuilt gRPC services in Rust".into(),
            sections: vec![skills, experience],
            warnings: Vec::new(),
        }
    }

    #[tokio::test]
    async fn remote_score_equals_local_score() {
        let local = Arc::new(SkillShareScorer);
        let remote = serve(local.clone()).await;
        let job = ParsedJobDescription {
            title: Some("Backend Engineer".into()),
            required_skills: vec!["Rust".into(), "gRPC".into(), "Kubernetes".into()],
            sanitized_text: "Rust, gRPC and Kubernetes".into(),
            ..Default::default()
        };

        let report = remote.score(&resume(), &job).await.unwrap();
        assert_eq!(report, local.score(&resume(), &job).await.unwrap());
        assert_eq!(report.alignment_score, 67);
        assert_eq!(report.matched_keywords[0].sections, ["skills", "experience"]);
        assert_eq!(report.missing_keywords[0].term, "Kubernetes");

        let no_skills = ParsedJobDescription::default();
        let remote_error = remote.score(&resume(), &no_skills).await.unwrap_err();
        assert_eq!(remote_error, local.score(&resume(), &no_skills).await.unwrap_err());
        assert_eq!(remote_error.code, ErrorCode::InvalidInput);
    }

    #[tokio::test]
    async fn remote_rank_equals_local_rank() {
        let local = Arc::new(crate::ScoringService);
        let remote = serve(local.clone()).await;
        let jobs: Vec<ParsedJobDescription> = [
            ("Nurse", vec!["BLS", "ACLS"], "BLS and ACLS required"),
            ("Backend Engineer", vec!["Rust", "PostgreSQL", "gRPC"], "Rust, PostgreSQL and gRPC"),
            ("Backend Engineer", vec!["Rust", "Kubernetes"], "Rust and Kubernetes"),
        ]
        .into_iter()
        .map(|(title, skills, text)| ParsedJobDescription {
            title: Some(title.into()),
            required_skills: skills.into_iter().map(String::from).collect(),
            sanitized_text: text.into(),
            ..Default::default()
        })
        .collect();

        let ranked = remote.rank(&resume(), &jobs, 0).await.unwrap();
        assert_eq!(ranked, local.rank(&resume(), &jobs, 0).await.unwrap());
        let order: Vec<usize> = ranked.iter().map(|r| r.index).collect();
        assert_eq!(order[0], 1, "the Rust/PostgreSQL/gRPC job fits best: {ranked:?}");
        assert_eq!(order[2], 0, "the nursing job fits worst: {ranked:?}");
        assert_eq!(remote.rank(&resume(), &jobs, 2).await.unwrap(), ranked[..2]);

        let missing_resume = pb::RankJobDescriptionsRequest::default();
        let status = remote.inner.clone().rank_job_descriptions(missing_resume).await.unwrap_err();
        assert_eq!(status.code(), tonic::Code::InvalidArgument);
    }
}
