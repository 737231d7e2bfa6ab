//! gRPC adapter of the optimization service: a tonic server over any [`OptimizationApi`], and
//! [`OptimizationGrpcClient`], the same trait implemented over the network. Both answer
//! identically, errors included, so a caller never knows whether the service runs in its process.

use std::sync::Arc;

use async_trait::async_trait;
use resumax_core::Result;
use resumax_core::api::{AcceptChanges, Accepted, OptimizationApi, StartOptimization, Started, VersionPage};
use resumax_core::ids::UserId;
use resumax_core::optimization::{Optimization, Strategy, Version};
use resumax_proto::TracedChannel;
use resumax_proto::common::v1::Strategy as ProtoStrategy;
use resumax_proto::convert::{decode_enum, decode_export_formats, export_formats, parse_uuid, required};
use resumax_proto::optimization::v1 as pb;
use resumax_proto::optimization::v1::optimization_service_client::OptimizationServiceClient;
use resumax_proto::optimization::v1::optimization_service_server::{
    OptimizationService, OptimizationServiceServer,
};
use resumax_proto::{
    MAX_MESSAGE_BYTES, decode_response, request_id_of, request_with_id, respond, unwrap_response,
};
use tonic::transport::Channel;
use tonic::{Request, Response, Status};
use uuid::Uuid;

/// The tonic service for `resumax.optimization.v1.OptimizationService`, answering with `api`.
pub fn server(
    api: Arc<dyn OptimizationApi>,
) -> resumax_proto::Traced<OptimizationServiceServer<OptimizationGrpcServer>> {
    // A completed run carries two resumes, a diff and suggestions; a long resume can pass 4 MiB.
    // Each call runs in a span that continues the caller's trace (`traceparent` metadata).
    resumax_proto::Traced::new(
        OptimizationServiceServer::new(OptimizationGrpcServer { api })
            .max_decoding_message_size(MAX_MESSAGE_BYTES)
            .max_encoding_message_size(MAX_MESSAGE_BYTES),
    )
}

pub struct OptimizationGrpcServer {
    api: Arc<dyn OptimizationApi>,
}

#[tonic::async_trait]
impl OptimizationService for OptimizationGrpcServer {
    async fn start_optimization(
        &self,
        request: Request<pb::StartOptimizationRequest>,
    ) -> Result<Response<pb::StartOptimizationResponse>, Status> {
        let metadata_request_id = request_id_of(&request);
        let request = request.into_inner();
        respond(
            async {
                let user = UserId::parse(&request.user_id)?;
                // The REST contract makes the strategy optional; an omitted one is the default.
                let strategy = if request.strategy == ProtoStrategy::Unspecified as i32 {
                    Strategy::default()
                } else {
                    decode_enum::<ProtoStrategy, _>(request.strategy, "strategy")?
                };
                // Callers other than our client (grpcurl) may send the id only as metadata.
                let request_id = if request.request_id.is_empty() {
                    metadata_request_id.unwrap_or_default()
                } else {
                    request.request_id
                };
                let start = StartOptimization {
                    resume_id: parse_uuid(&request.resume_id, "resumeId")?,
                    job_description_id: parse_uuid(&request.job_description_id, "jobDescriptionId")?,
                    strategy,
                    client_request_id: request.client_request_id,
                    request_id,
                };
                let started = self.api.start(&user, start).await?;
                Ok(pb::StartOptimizationResponse::from(started))
            }
            .await,
        )
    }

    async fn get_optimization(
        &self,
        request: Request<pb::GetOptimizationRequest>,
    ) -> Result<Response<pb::GetOptimizationResponse>, Status> {
        let request = request.into_inner();
        respond(
            async {
                let user = UserId::parse(&request.user_id)?;
                let id = parse_uuid(&request.optimization_id, "optimizationId")?;
                let optimization = self.api.get(&user, id).await?;
                Ok(pb::GetOptimizationResponse { optimization: Some(optimization.into()) })
            }
            .await,
        )
    }

    async fn accept_optimization(
        &self,
        request: Request<pb::AcceptOptimizationRequest>,
    ) -> Result<Response<pb::AcceptOptimizationResponse>, Status> {
        let request = request.into_inner();
        respond(
            async {
                let user = UserId::parse(&request.user_id)?;
                let id = parse_uuid(&request.optimization_id, "optimizationId")?;
                let changes = AcceptChanges {
                    apply_all: request.apply_all,
                    accepted_changes: request.accepted_changes,
                    edited_changes: request.edited_changes.into_iter().collect(),
                    design: resumax_proto::convert::design_from_wire(request.design),
                    notes: request.notes,
                    export_formats: decode_export_formats(&request.export_formats)?,
                };
                let accepted = self.api.accept(&user, id, changes).await?;
                Ok(pb::AcceptOptimizationResponse::from(accepted))
            }
            .await,
        )
    }

    async fn list_versions(
        &self,
        request: Request<pb::ListVersionsRequest>,
    ) -> Result<Response<pb::ListVersionsResponse>, Status> {
        let request = request.into_inner();
        respond(
            async {
                let user = UserId::parse(&request.user_id)?;
                let page = self.api.list_versions(&user, request.cursor, request.limit).await?;
                Ok(pb::ListVersionsResponse::from(page))
            }
            .await,
        )
    }

    async fn get_version(
        &self,
        request: Request<pb::GetVersionRequest>,
    ) -> Result<Response<pb::GetVersionResponse>, Status> {
        let request = request.into_inner();
        respond(
            async {
                let user = UserId::parse(&request.user_id)?;
                let id = parse_uuid(&request.version_id, "versionId")?;
                let version = self.api.get_version(&user, id).await?;
                Ok(pb::GetVersionResponse { version: Some(version.into()) })
            }
            .await,
        )
    }

    async fn forget_resume(
        &self,
        request: Request<pb::ForgetResumeRequest>,
    ) -> Result<Response<pb::ForgetResumeResponse>, Status> {
        let request = request.into_inner();
        respond(
            async {
                let user = UserId::parse(&request.user_id)?;
                let resume_id = parse_uuid(&request.resume_id, "resumeId")?;
                self.api.forget_resume(&user, resume_id).await?;
                Ok(pb::ForgetResumeResponse {})
            }
            .await,
        )
    }
}

/// [`OptimizationApi`] over gRPC, for a node where the optimization service runs elsewhere.
#[derive(Clone)]
pub struct OptimizationGrpcClient {
    inner: OptimizationServiceClient<TracedChannel>,
}

impl OptimizationGrpcClient {
    /// Connects on first use, so a node can start before the optimization service does.
    pub async fn connect(endpoint: String) -> Result<Self> {
        Ok(Self::from_channel(resumax_proto::connect_lazy(endpoint)?))
    }

    pub fn from_channel(channel: Channel) -> Self {
        let inner = OptimizationServiceClient::new(resumax_proto::traced(channel))
            .max_decoding_message_size(MAX_MESSAGE_BYTES)
            .max_encoding_message_size(MAX_MESSAGE_BYTES);
        OptimizationGrpcClient { inner }
    }

    // tonic clients take `&mut self`; a clone shares the channel, so calls run concurrently.
    fn client(&self) -> OptimizationServiceClient<TracedChannel> {
        self.inner.clone()
    }
}

#[async_trait]
impl OptimizationApi for OptimizationGrpcClient {
    async fn start(&self, user: &UserId, request: StartOptimization) -> Result<Started> {
        let message = pb::StartOptimizationRequest {
            user_id: user.as_str().to_string(),
            resume_id: request.resume_id.to_string(),
            job_description_id: request.job_description_id.to_string(),
            strategy: ProtoStrategy::from(request.strategy).into(),
            client_request_id: request.client_request_id,
            request_id: request.request_id.clone(),
        };
        let call = request_with_id(message, &request.request_id);
        decode_response(unwrap_response(self.client().start_optimization(call).await)?)
    }

    async fn get(&self, user: &UserId, optimization_id: Uuid) -> Result<Optimization> {
        let request = pb::GetOptimizationRequest {
            user_id: user.as_str().to_string(),
            optimization_id: optimization_id.to_string(),
        };
        let response = unwrap_response(self.client().get_optimization(request).await)?;
        decode_response(required(response.optimization, "optimization")?)
    }

    async fn accept(&self, user: &UserId, optimization_id: Uuid, changes: AcceptChanges) -> Result<Accepted> {
        let request = pb::AcceptOptimizationRequest {
            user_id: user.as_str().to_string(),
            optimization_id: optimization_id.to_string(),
            apply_all: changes.apply_all,
            accepted_changes: changes.accepted_changes,
            edited_changes: changes.edited_changes.into_iter().collect(),
            design: resumax_proto::convert::design_to_wire(changes.design),
            notes: changes.notes,
            export_formats: export_formats(&changes.export_formats),
        };
        decode_response(unwrap_response(self.client().accept_optimization(request).await)?)
    }

    async fn list_versions(&self, user: &UserId, cursor: Option<String>, limit: u32) -> Result<VersionPage> {
        let request = pb::ListVersionsRequest { user_id: user.as_str().to_string(), cursor, limit };
        decode_response(unwrap_response(self.client().list_versions(request).await)?)
    }

    async fn get_version(&self, user: &UserId, version_id: Uuid) -> Result<Version> {
        let request =
            pb::GetVersionRequest { user_id: user.as_str().to_string(), version_id: version_id.to_string() };
        let response = unwrap_response(self.client().get_version(request).await)?;
        decode_response(required(response.version, "version")?)
    }

    async fn forget_resume(&self, user: &UserId, resume_id: Uuid) -> Result<()> {
        let request =
            pb::ForgetResumeRequest { user_id: user.as_str().to_string(), resume_id: resume_id.to_string() };
        unwrap_response(self.client().forget_resume(request).await)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use std::collections::{BTreeMap, HashMap, HashSet};
    use std::sync::Mutex;

    use chrono::{DateTime, Utc};
    use resumax_core::api::{ExportRecord, ExportStatus};
    use resumax_core::optimization::{
        ChangeType, DiffSpan, ExportFormat, LineChange, OptimizationResult, OptimizationStatus, SectionDiff,
        Suggestion, SuggestionTarget,
    };
    use resumax_core::resume::{Contact, Entry, ItemId, ParsedResume, Section, SectionKind};
    use resumax_core::score::{Importance, KeywordGap, KeywordMatch, MatchReport, ScoreComponent};
    use resumax_core::{Error, ErrorCode};
    use tonic::transport::server::TcpIncoming;

    use super::*;

    /// A small but real optimization service in memory: idempotent starts keyed by the client
    /// request id, a run that completes on demand with a real line rewrite, accept that applies
    /// the accepted changes, cursor paging over versions, and per-user scoping everywhere.
    #[derive(Default)]
    struct InMemoryOptimization {
        state: Mutex<State>,
    }

    #[derive(Default)]
    struct State {
        ready_resumes: HashSet<Uuid>,
        runs: HashMap<Uuid, (String, Optimization)>,
        idempotency: HashMap<(String, String), Uuid>,
        request_ids: HashMap<Uuid, String>,
        // Ordered by id (time-ordered v7), which gives a stable cursor.
        versions: BTreeMap<Uuid, (String, Version)>,
    }

    impl InMemoryOptimization {
        fn complete(&self, optimization_id: Uuid, result: OptimizationResult) {
            let mut state = self.state.lock().unwrap();
            let (_, run) = state.runs.get_mut(&optimization_id).unwrap();
            run.status = OptimizationStatus::Completed;
            run.result = Some(result);
        }
    }

    #[async_trait]
    impl OptimizationApi for InMemoryOptimization {
        async fn start(&self, user: &UserId, request: StartOptimization) -> Result<Started> {
            let mut state = self.state.lock().unwrap();
            if !state.ready_resumes.contains(&request.resume_id) {
                return Err(Error::new(ErrorCode::ParseNotReady, "resume parse is not completed"));
            }
            if let Some(key) = &request.client_request_id
                && let Some(id) = state.idempotency.get(&(user.to_string(), key.clone()))
            {
                return Ok(Started { optimization: state.runs[id].1.clone(), created: false });
            }
            let now = Utc::now();
            let optimization = Optimization {
                optimization_id: Uuid::now_v7(),
                status: OptimizationStatus::Queued,
                resume_id: request.resume_id,
                job_description_id: request.job_description_id,
                strategy: request.strategy,
                created_at: now,
                updated_at: now,
                result: None,
                error: None,
            };
            let id = optimization.optimization_id;
            if let Some(key) = request.client_request_id {
                state.idempotency.insert((user.to_string(), key), id);
            }
            state.request_ids.insert(id, request.request_id);
            state.runs.insert(id, (user.to_string(), optimization.clone()));
            Ok(Started { optimization, created: true })
        }

        async fn get(&self, user: &UserId, optimization_id: Uuid) -> Result<Optimization> {
            let state = self.state.lock().unwrap();
            match state.runs.get(&optimization_id) {
                Some((owner, run)) if owner == user.as_str() => Ok(run.clone()),
                _ => Err(Error::not_found("optimization")),
            }
        }

        async fn accept(
            &self,
            user: &UserId,
            optimization_id: Uuid,
            changes: AcceptChanges,
        ) -> Result<Accepted> {
            let run = self.get(user, optimization_id).await?;
            let Some(result) = run.result else {
                return Err(Error::new(ErrorCode::ParseNotReady, "optimization is not completed"));
            };
            let accepted: Vec<String> = result
                .suggestions
                .iter()
                .filter(|s| changes.apply_all || changes.accepted_changes.contains(&s.change_id))
                .map(|s| s.change_id.clone())
                .collect();
            let version = Version {
                version_id: Uuid::now_v7(),
                optimization_id,
                resume_id: run.resume_id,
                score: result.score_after.alignment_score,
                accepted_changes: accepted,
                edited_changes: Vec::new(),
                rejected_changes: Vec::new(),
                warnings: Vec::new(),
                optimized: result.optimized.clone(),
                diff: result.diff.clone(),
                notes: changes.notes,
                created_at: Utc::now(),
            };
            let exports = changes
                .export_formats
                .iter()
                .map(|format| ExportRecord {
                    export_id: Uuid::now_v7(),
                    version_id: version.version_id,
                    format: *format,
                    design: changes.design,
                    status: ExportStatus::Queued,
                    storage_key: None,
                    download_url: None,
                    expires_at: None,
                })
                .collect();
            self.state
                .lock()
                .unwrap()
                .versions
                .insert(version.version_id, (user.to_string(), version.clone()));
            Ok(Accepted { version, exports, created: true })
        }

        async fn list_versions(
            &self,
            user: &UserId,
            cursor: Option<String>,
            limit: u32,
        ) -> Result<VersionPage> {
            let after = cursor.as_deref().map(|c| parse_uuid(c, "cursor")).transpose()?;
            let state = self.state.lock().unwrap();
            let mut mine = state
                .versions
                .iter()
                .filter(|(id, (owner, _))| owner == user.as_str() && after.is_none_or(|after| **id > after))
                .map(|(_, (_, version))| version.clone());
            let items: Vec<Version> = mine.by_ref().take(limit as usize).collect();
            let next_cursor =
                if mine.next().is_some() { items.last().map(|v| v.version_id.to_string()) } else { None };
            Ok(VersionPage { items, next_cursor })
        }

        async fn get_version(&self, user: &UserId, version_id: Uuid) -> Result<Version> {
            match self.state.lock().unwrap().versions.get(&version_id) {
                Some((owner, version)) if owner == user.as_str() => Ok(version.clone()),
                _ => Err(Error::not_found("version")),
            }
        }

        async fn forget_resume(&self, user: &UserId, resume_id: Uuid) -> Result<()> {
            let mut state = self.state.lock().unwrap();
            state.runs.retain(|_, (owner, run)| !(owner == user.as_str() && run.resume_id == resume_id));
            state.versions.retain(|_, (owner, v)| !(owner == user.as_str() && v.resume_id == resume_id));
            Ok(())
        }
    }

    async fn serve(api: Arc<dyn OptimizationApi>) -> OptimizationGrpcClient {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        tokio::spawn(
            tonic::transport::Server::builder()
                .add_service(server(api))
                .serve_with_incoming(TcpIncoming::from(listener)),
        );
        OptimizationGrpcClient::connect(format!("http://{address}")).await.unwrap()
    }

    fn report(score: u8) -> MatchReport {
        MatchReport {
            alignment_score: score,
            breakdown: vec![ScoreComponent {
                name: "keywords".into(),
                score: f64::from(score),
                weight: 0.4,
                detail: "2 of 3 keywords".into(),
            }],
            matched_keywords: vec![KeywordMatch {
                term: "PostgreSQL".into(),
                importance: Importance::Required,
                weight: 1.5,
                resume_term: "Postgres".into(),
                literal: false,
                sections: vec!["experience".into()],
            }],
            missing_keywords: vec![KeywordGap {
                term: "Kafka".into(),
                importance: Importance::Preferred,
                weight: 0.5,
            }],
            recommendations: vec!["use the wording PostgreSQL".into()],
        }
    }

    fn result() -> OptimizationResult {
        let original = "Ran Postgres databases";
        let optimized = "Ran PostgreSQL databases";
        let resume = ParsedResume {
            contact: Contact {
                name: Some("Ada Lovelace".into()),
                email: Some("ada@example.com".into()),
                phone: Some("+44 20 0000".into()),
                location: Some("London".into()),
                links: vec!["https://example.com/ada".into()],
            },
            tagline: Some("Data engineer".into()),
            sections: vec![Section {
                kind: SectionKind::Experience,
                heading: "Experience".into(),
                entries: vec![Entry {
                    organization: Some("Analytical Engines Ltd".into()),
                    title: Some("Engineer".into()),
                    location: Some("London".into()),
                    start: Some("2020-01".into()),
                    end: None,
                    current: true,
                    date_text: Some("Jan 2020 - Present".into()),
                    header_lines: vec!["Analytical Engines Ltd, London".into()],
                    lines: vec![optimized.into()],
                    uncertain: vec!["title".into()],
                }],
                skills: vec![],
            }],
            text: optimized.into(),
            warnings: vec!["no summary".into()],
        };
        OptimizationResult {
            summary: vec!["aligned 1 keyword".into()],
            score_before: report(60),
            score_after: report(72),
            diff: vec![SectionDiff {
                section: SectionKind::Experience,
                heading: "Experience".into(),
                original: format!("- {original}"),
                optimized: format!("- {optimized}"),
                change_type: ChangeType::KeywordAligned,
                changes: vec![LineChange {
                    change_id: "c1".into(),
                    item_id: Some("0.0.0".into()),
                    change_type: ChangeType::KeywordAligned,
                    original: original.into(),
                    optimized: optimized.into(),
                    spans: vec![
                        DiffSpan { op: "equal".into(), text: "Ran ".into() },
                        DiffSpan { op: "delete".into(), text: "Postgres".into() },
                        DiffSpan { op: "insert".into(), text: "PostgreSQL".into() },
                        DiffSpan { op: "equal".into(), text: " databases".into() },
                    ],
                    uncertain: false,
                }],
            }],
            suggestions: vec![
                Suggestion {
                    change_id: "c1".into(),
                    target: SuggestionTarget::Line { item: ItemId { section: 0, entry: 0, line: 0 } },
                    section: SectionKind::Experience,
                    change_type: ChangeType::KeywordAligned,
                    original: original.into(),
                    suggested: optimized.into(),
                    reason: "the JD says PostgreSQL".into(),
                    uncertain: false,
                },
                Suggestion {
                    change_id: "c2".into(),
                    target: SuggestionTarget::Skills { section: 1 },
                    section: SectionKind::Skills,
                    change_type: ChangeType::Reordered,
                    original: "SQL, Rust".into(),
                    suggested: "Rust, SQL".into(),
                    reason: "JD relevance".into(),
                    uncertain: true,
                },
            ],
            warnings: vec!["1 suggestion uncertain".into()],
            provider: "offline".into(),
            model: "rules-v1".into(),
            optimized: resume,
        }
    }

    #[tokio::test]
    async fn remote_calls_answer_like_local_ones() {
        let local = Arc::new(InMemoryOptimization::default());
        let remote = serve(local.clone()).await;
        let alice = UserId::parse("alice").unwrap();
        let bob = UserId::parse("bob").unwrap();
        let resume_id = Uuid::now_v7();
        let start = |client_request_id: Option<&str>| StartOptimization {
            resume_id,
            job_description_id: Uuid::now_v7(),
            strategy: Strategy::AggressiveKeywords,
            client_request_id: client_request_id.map(str::to_string),
            request_id: "req-42".into(),
        };

        // Not ready yet: the same code and message as the local call.
        let remote_error = remote.start(&alice, start(None)).await.unwrap_err();
        assert_eq!(remote_error, local.start(&alice, start(None)).await.unwrap_err());
        assert_eq!(remote_error.code, ErrorCode::ParseNotReady);

        local.state.lock().unwrap().ready_resumes.insert(resume_id);
        let started = remote.start(&alice, start(Some("click-1"))).await.unwrap();
        assert!(started.created);
        assert_eq!(started.optimization.strategy, Strategy::AggressiveKeywords);
        let id = started.optimization.optimization_id;
        assert_eq!(local.state.lock().unwrap().request_ids[&id], "req-42");
        let replay = remote.start(&alice, start(Some("click-1"))).await.unwrap();
        assert!(!replay.created);
        assert_eq!(replay.optimization, started.optimization);

        assert_eq!(remote.get(&alice, id).await.unwrap(), started.optimization);
        assert_eq!(remote.get(&bob, id).await.unwrap_err(), Error::not_found("optimization"));

        let early = remote.accept(&alice, id, AcceptChanges::default()).await.unwrap_err();
        assert_eq!(early, Error::new(ErrorCode::ParseNotReady, "optimization is not completed"));

        local.complete(id, result());
        let completed = remote.get(&alice, id).await.unwrap();
        assert_eq!(completed, local.get(&alice, id).await.unwrap());
        assert_eq!(completed.result, Some(result()));

        let accepted = remote
            .accept(
                &alice,
                id,
                AcceptChanges {
                    apply_all: false,
                    accepted_changes: vec!["c2".into()],
                    notes: Some("for Acme".into()),
                    export_formats: vec![ExportFormat::Pdf, ExportFormat::Text],
                    ..AcceptChanges::default()
                },
            )
            .await
            .unwrap();
        assert_eq!(accepted.version.accepted_changes, ["c2"]);
        assert_eq!(accepted.version.score, 72);
        let formats: Vec<ExportFormat> = accepted.exports.iter().map(|e| e.format).collect();
        assert_eq!(formats, [ExportFormat::Pdf, ExportFormat::Text]);
        let version_id = accepted.version.version_id;
        assert_eq!(remote.get_version(&alice, version_id).await.unwrap(), accepted.version);

        let second = remote.accept(&alice, id, AcceptChanges { apply_all: true, ..Default::default() }).await;
        let second = second.unwrap().version;
        let first_page = remote.list_versions(&alice, None, 1).await.unwrap();
        assert_eq!(first_page.items, std::slice::from_ref(&accepted.version));
        let cursor = first_page.next_cursor.clone();
        assert_eq!(cursor, Some(version_id.to_string()));
        let second_page = remote.list_versions(&alice, cursor, 1).await.unwrap();
        assert_eq!(second_page, VersionPage { items: vec![second], next_cursor: None });
        assert_eq!(remote.list_versions(&bob, None, 10).await.unwrap().items, []);

        remote.forget_resume(&alice, resume_id).await.unwrap();
        assert_eq!(remote.get(&alice, id).await.unwrap_err().code, ErrorCode::NotFound);
        assert_eq!(remote.get_version(&alice, version_id).await.unwrap_err().code, ErrorCode::NotFound);
    }

    #[tokio::test]
    async fn the_request_id_travels_as_metadata_and_an_omitted_strategy_is_the_default() {
        let local = Arc::new(InMemoryOptimization::default());
        let remote = serve(local.clone()).await;
        let resume_id = Uuid::now_v7();
        local.state.lock().unwrap().ready_resumes.insert(resume_id);

        // A caller that is not our client: request id only in metadata, strategy left out.
        let message = pb::StartOptimizationRequest {
            user_id: "alice".into(),
            resume_id: resume_id.to_string(),
            job_description_id: Uuid::now_v7().to_string(),
            strategy: 0,
            client_request_id: None,
            request_id: String::new(),
        };
        let response =
            remote.client().start_optimization(request_with_id(message, "req-meta")).await.unwrap();
        let started: Started = decode_response(response.into_inner()).unwrap();
        assert_eq!(started.optimization.strategy, Strategy::Default);
        assert_eq!(
            local.state.lock().unwrap().request_ids[&started.optimization.optimization_id],
            "req-meta"
        );

        let created_at: DateTime<Utc> = started.optimization.created_at;
        assert_eq!(
            local
                .get(&UserId::parse("alice").unwrap(), started.optimization.optimization_id)
                .await
                .unwrap()
                .created_at,
            created_at
        );
    }
}
