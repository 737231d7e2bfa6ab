//! The optimization service, the orchestrator: records runs (idempotent, one active run per
//! user, resume and JD), hands them to the queue through a transactional outbox, runs the worker
//! (score, provider chain, guard, diff, score again), and turns accepted changes into versions.
//! Owns `optimization_requests`, `optimization_versions`, `outbox` and `audit_log`.

pub mod credits;
pub mod diff;
pub mod grpc;
mod records;
mod worker;

pub use worker::stored_artifacts;

use std::sync::Arc;

use async_trait::async_trait;
use prost::Message;
use resumax_ai::ProviderChain;
use resumax_core::api::{
    AcceptChanges, Accepted, ExportApi, ParseStatus, ParsingApi, ScoringApi, StartOptimization, Started,
    VersionPage,
};
use resumax_core::ids::{UserId, new_id};
use resumax_core::job_description::ParsedJobDescription;
use resumax_core::optimization::{Optimization, OptimizationStatus, Suggestion, Version};
use resumax_core::resume::ParsedResume;
use resumax_core::score::MatchReport;
use resumax_core::{Error, ErrorCode, Result};
use resumax_db::entity::{audit_log, optimization_request, optimization_version};
use resumax_db::{DatabaseConnection, db_error, now};
use resumax_proto::queue::v1::OptimizeJob;
use resumax_queue::{Queue, subjects};
use resumax_storage::BlobStore;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set, TransactionTrait,
};
use uuid::Uuid;

use records::{optimization_from_row, version_from_row};

/// The peers this service calls, each through its client trait (local or gRPC).
#[derive(Clone)]
pub struct Peers {
    pub parsing: Arc<dyn ParsingApi>,
    pub scoring: Arc<dyn ScoringApi>,
    pub export: Arc<dyn ExportApi>,
}

pub struct OptimizationService {
    db: DatabaseConnection,
    blobs: BlobStore,
    queue: Arc<dyn Queue>,
    peers: Peers,
    /// The providers in fallback order, with retries, circuit breakers and the guard.
    chain: ProviderChain,
    credits_enabled: bool,
    relay: Arc<resumax_outbox::Relay>,
}

impl OptimizationService {
    pub fn new(
        db: DatabaseConnection,
        blobs: BlobStore,
        queue: Arc<dyn Queue>,
        peers: Peers,
        chain: ProviderChain,
        credits_enabled: bool,
    ) -> Result<Arc<Self>> {
        let relay = resumax_outbox::Relay::new(db.clone(), queue.clone(), &[subjects::OPTIMIZE]);
        Ok(Arc::new(OptimizationService { db, blobs, queue, peers, chain, credits_enabled, relay }))
    }

    /// Starts publishing recorded jobs; every process running this service relays, whether or
    /// not it also runs workers.
    pub fn start_relay(&self) {
        self.relay.spawn();
    }

    /// Starts the workers, and re-queues runs a crash left `queued` or
    /// `processing`: jobs are keyed by optimization id, so running one again is safe.
    pub async fn start_workers(self: &Arc<Self>, workers: usize) -> Result<()> {
        self.queue
            .consume(subjects::OPTIMIZE, workers, Arc::new(worker::OptimizeWorker(self.clone())))
            .await?;
        let unfinished = optimization_request::Entity::find()
            .filter(
                optimization_request::Column::Status.is_in(OptimizationStatus::ACTIVE.map(|s| s.as_str())),
            )
            .filter(optimization_request::Column::DeletedAt.is_null())
            .all(&self.db)
            .await
            .map_err(db_error("listing unfinished runs"))?;
        for row in &unfinished {
            self.publish_job(&row.id, &row.user_id, &row.request_id).await?;
        }
        if !unfinished.is_empty() {
            tracing::info!(runs = unfinished.len(), "re-queued unfinished optimizations");
        }
        Ok(())
    }

    async fn publish_job(&self, optimization_id: &str, user: &str, request_id: &str) -> Result<()> {
        let job = OptimizeJob {
            optimization_id: optimization_id.to_string(),
            user_id: user.to_string(),
            request_id: request_id.to_string(),
        };
        self.queue.publish(subjects::OPTIMIZE, optimization_id, job.encode_to_vec()).await
    }

    async fn find_row(&self, user: &UserId, id: Uuid) -> Result<optimization_request::Model> {
        optimization_request::Entity::find_by_id(id.to_string())
            .filter(optimization_request::Column::UserId.eq(user.as_str()))
            .filter(optimization_request::Column::DeletedAt.is_null())
            .one(&self.db)
            .await
            .map_err(db_error("reading an optimization"))?
            .ok_or_else(|| Error::not_found("optimization"))
    }

    /// The run a request should answer with instead of starting one (DESIGN.md, `POST /optimize`):
    /// the idempotency key is (user, resume, posting, strategy, `clientRequestId` when given).
    /// The same key answers its active or completed run; a failed run may be retried; a
    /// `clientRequestId` reused with other parameters, or a run of another strategy under way for
    /// the pair (one active run per pair), is `conflict`.
    async fn existing_run(
        &self,
        user: &UserId,
        request: &StartOptimization,
    ) -> Result<Option<optimization_request::Model>> {
        let same = |row: &optimization_request::Model| {
            row.resume_id == request.resume_id.to_string()
                && row.job_description_id == request.job_description_id.to_string()
                && row.strategy == request.strategy.as_str()
        };
        let answers = |row: &optimization_request::Model| {
            row.deleted_at.is_none() && row.status != OptimizationStatus::Failed.as_str()
        };
        if let Some(key) = &request.client_request_id {
            let rows = optimization_request::Entity::find()
                .filter(optimization_request::Column::UserId.eq(user.as_str()))
                .filter(optimization_request::Column::IdempotencyKey.eq(key.as_str()))
                .order_by_desc(optimization_request::Column::CreatedAt)
                .all(&self.db)
                .await
                .map_err(db_error("checking idempotency"))?;
            if rows.iter().any(|row| !same(row)) {
                return Err(Error::new(
                    ErrorCode::Conflict,
                    "clientRequestId was already used with another resume, posting or strategy",
                ));
            }
            if let Some(row) = rows.into_iter().find(answers) {
                return Ok(Some(row));
            }
            return self.active_run(user, request).await;
        }
        let rows = optimization_request::Entity::find()
            .filter(optimization_request::Column::UserId.eq(user.as_str()))
            .filter(optimization_request::Column::ResumeId.eq(request.resume_id.to_string()))
            .filter(optimization_request::Column::JobDescriptionId.eq(request.job_description_id.to_string()))
            .filter(optimization_request::Column::Strategy.eq(request.strategy.as_str()))
            // Runs asked for with a key are that key's; a request without one matches its own kind.
            .filter(optimization_request::Column::IdempotencyKey.is_null())
            .filter(optimization_request::Column::DeletedAt.is_null())
            .filter(optimization_request::Column::Status.ne(OptimizationStatus::Failed.as_str()))
            .order_by_desc(optimization_request::Column::CreatedAt)
            .one(&self.db)
            .await
            .map_err(db_error("checking earlier runs"))?;
        match rows {
            Some(row) => Ok(Some(row)),
            None => self.active_run(user, request).await,
        }
    }

    /// The run under way for the request's pair, which must be of the same strategy.
    async fn active_run(
        &self,
        user: &UserId,
        request: &StartOptimization,
    ) -> Result<Option<optimization_request::Model>> {
        let active = optimization_request::Entity::find()
            .filter(optimization_request::Column::UserId.eq(user.as_str()))
            .filter(optimization_request::Column::ResumeId.eq(request.resume_id.to_string()))
            .filter(optimization_request::Column::JobDescriptionId.eq(request.job_description_id.to_string()))
            .filter(
                optimization_request::Column::Status.is_in(OptimizationStatus::ACTIVE.map(|s| s.as_str())),
            )
            .filter(optimization_request::Column::DeletedAt.is_null())
            .one(&self.db)
            .await
            .map_err(db_error("checking active runs"))?;
        match active {
            Some(row) if row.strategy != request.strategy.as_str() => Err(Error::new(
                ErrorCode::Conflict,
                format!(
                    "a {} run for this resume and posting is under way; start another once it ends",
                    row.strategy
                ),
            )),
            other => Ok(other),
        }
    }

    async fn ensure_parsed(&self, user: &UserId, request: &StartOptimization) -> Result<()> {
        let resume = self.peers.parsing.get_resume(user, request.resume_id).await?;
        if resume.parse_status != ParseStatus::Completed {
            return Err(Error::new(
                ErrorCode::ParseNotReady,
                format!(
                    "the resume parse is {}; optimize once it is completed",
                    resume.parse_status.as_str()
                ),
            ));
        }
        let job = self.peers.parsing.get_job_description(user, request.job_description_id).await?;
        if job.parse_status != ParseStatus::Completed {
            return Err(Error::new(
                ErrorCode::ParseNotReady,
                format!(
                    "the job description parse is {}; optimize once it is completed",
                    job.parse_status.as_str()
                ),
            ));
        }
        Ok(())
    }
}

fn audit(
    user: &UserId,
    action: &str,
    entity_id: &str,
    detail: Option<String>,
    request_id: &str,
) -> audit_log::ActiveModel {
    audit_log::ActiveModel {
        id: Set(new_id().to_string()),
        user_id: Set(user.as_str().into()),
        action: Set(action.into()),
        entity_id: Set(entity_id.into()),
        detail: Set(detail),
        request_id: Set(request_id.into()),
        created_at: Set(now()),
    }
}

/// The changes an accept applies. `applyAll` takes every change the guard is sure of; an
/// uncertain change is applied only when the person names it. Each chosen change is then guarded
/// again, against the resume, the posting and the run's match report: a stored result written
/// before the guard learnt a rule, or altered since, cannot carry an invented fact into a
/// version or an export. A change the guard now drops is left out; one it now doubts is left
/// out of `applyAll` unless named.
pub fn accepted_changes(
    suggestions: &[Suggestion],
    changes: &AcceptChanges,
    resume: &ParsedResume,
    report: &MatchReport,
    job: &ParsedJobDescription,
) -> Vec<Suggestion> {
    let named = |s: &Suggestion| changes.accepted_changes.contains(&s.change_id);
    let chosen: Vec<Suggestion> =
        suggestions.iter().filter(|s| (changes.apply_all && !s.uncertain) || named(s)).cloned().collect();
    let verdict = resumax_ai::guard_for_job(resume, Some(report), Some(job), chosen.clone());
    for (s, why) in &verdict.dropped {
        tracing::warn!(change_id = %s.change_id, reason = %why, "accept-time guard refused a change");
    }
    chosen
        .into_iter()
        .filter(|s| verdict.kept.iter().any(|k| k.change_id == s.change_id && (named(s) || !k.uncertain)))
        .collect()
}

/// The longest text a person may put in place of a suggestion.
const MAX_EDIT_CHARS: usize = 2_000;

/// [`accepted_changes`], and the person's edits: an edited change carries their text instead of
/// the suggestion's. Their text is theirs to write, so it is kept; the guard still reads it, and
/// what it notices (a number, an employer the resume does not show) is returned as warnings for
/// the version, each naming its change.
pub fn accepted_with_edits(
    suggestions: &[Suggestion],
    changes: &AcceptChanges,
    resume: &ParsedResume,
    report: &MatchReport,
    job: &ParsedJobDescription,
) -> (Vec<Suggestion>, Vec<String>) {
    let edited = |s: &Suggestion| changes.edited_changes.contains_key(&s.change_id);
    let unedited: Vec<Suggestion> = suggestions.iter().filter(|s| !edited(s)).cloned().collect();
    let chosen = accepted_changes(&unedited, changes, resume, report, job);
    let edits: Vec<Suggestion> = suggestions
        .iter()
        .filter_map(|s| {
            let text = changes.edited_changes.get(&s.change_id)?;
            // The reason was resuMAX's for its own text; the guard writes its doubts into it.
            Some(Suggestion {
                suggested: text.trim().to_string(),
                uncertain: false,
                reason: String::new(),
                ..s.clone()
            })
        })
        .collect();
    let verdict = resumax_ai::guard_for_job(resume, Some(report), Some(job), edits.clone());
    let mut warnings: Vec<String> =
        verdict.dropped.iter().map(|(s, why)| format!("{} (your edit): {why}", s.change_id)).collect();
    warnings.extend(
        verdict
            .kept
            .iter()
            .filter(|s| s.uncertain)
            .map(|s| format!("{} (your edit): {}", s.change_id, s.reason.trim())),
    );
    let mut all: Vec<Suggestion> = chosen.into_iter().chain(edits).collect();
    let order = |s: &Suggestion| suggestions.iter().position(|o| o.change_id == s.change_id);
    all.sort_by_key(order);
    (all, warnings)
}

fn to_json<T: serde::Serialize>(value: &T) -> Result<String> {
    serde_json::to_string(value).map_err(|e| Error::internal("serializing a document", e))
}

#[async_trait]
impl resumax_core::api::OptimizationApi for OptimizationService {
    async fn start(&self, user: &UserId, request: StartOptimization) -> Result<Started> {
        if let Some(key) = &request.client_request_id
            && (key.is_empty() || key.len() > 200)
        {
            return Err(Error::invalid_input("clientRequestId must be 1 to 200 characters"));
        }
        self.ensure_parsed(user, &request).await?;
        if let Some(row) = self.existing_run(user, &request).await? {
            return Ok(Started { optimization: optimization_from_row(&row)?, created: false });
        }
        let id = new_id().to_string();
        let at = now();
        let job = OptimizeJob {
            optimization_id: id.clone(),
            user_id: user.as_str().into(),
            request_id: request.request_id.clone(),
        };
        let txn = self.db.begin().await.map_err(db_error("starting a transaction"))?;
        let inserted = optimization_request::ActiveModel {
            id: Set(id.clone()),
            user_id: Set(user.as_str().into()),
            resume_id: Set(request.resume_id.to_string()),
            job_description_id: Set(request.job_description_id.to_string()),
            strategy: Set(request.strategy.as_str().into()),
            status: Set(OptimizationStatus::Queued.as_str().into()),
            idempotency_key: Set(request.client_request_id.clone()),
            request_id: Set(request.request_id.clone()),
            error_code: Set(None),
            error_message: Set(None),
            provider: Set(None),
            model: Set(None),
            score_before: Set(None),
            score_after: Set(None),
            attempts: Set(0),
            result: Set(None),
            output_key: Set(None),
            template_version: Set(None),
            prompt_tokens: Set(None),
            completion_tokens: Set(None),
            latency_ms: Set(None),
            cost_micros: Set(None),
            prompt_key: Set(None),
            created_at: Set(at),
            updated_at: Set(at),
            deleted_at: Set(None),
        }
        .insert(&txn)
        .await;
        let row = match inserted {
            Ok(row) => row,
            Err(e) => {
                // A concurrent request for the same pair (or key) won the unique index: answer with it.
                drop(txn);
                if let Some(row) = self.existing_run(user, &request).await? {
                    return Ok(Started { optimization: optimization_from_row(&row)?, created: false });
                }
                return Err(Error::storage("recording an optimization", e));
            }
        };
        if self.credits_enabled {
            // Dropping the transaction on error rolls the run back with the refused debit.
            credits::debit(&txn, user.as_str(), &id).await?;
        }
        resumax_outbox::enqueue(&txn, subjects::OPTIMIZE, &id, job.encode_to_vec()).await?;
        audit(
            user,
            "optimization.requested",
            &id,
            Some(request.strategy.as_str().into()),
            &request.request_id,
        )
        .insert(&txn)
        .await
        .map_err(db_error("auditing an optimization"))?;
        txn.commit().await.map_err(db_error("committing an optimization"))?;
        self.relay.wake();
        tracing::info!(optimization_id = %id, "optimization queued");
        Ok(Started { optimization: optimization_from_row(&row)?, created: true })
    }

    async fn get(&self, user: &UserId, optimization_id: Uuid) -> Result<Optimization> {
        optimization_from_row(&self.find_row(user, optimization_id).await?)
    }

    async fn accept(&self, user: &UserId, optimization_id: Uuid, changes: AcceptChanges) -> Result<Accepted> {
        let row = self.find_row(user, optimization_id).await?;
        let optimization = optimization_from_row(&row)?;
        let Some(result) =
            optimization.result.filter(|_| optimization.status == OptimizationStatus::Completed)
        else {
            return Err(Error::invalid_input(format!(
                "only a completed optimization can be accepted (this one is {})",
                optimization.status.as_str()
            )));
        };
        if changes.apply_all && !changes.accepted_changes.is_empty() {
            return Err(Error::invalid_input(
                "applyAll takes every change the guard is sure of; to choose, list acceptedChanges without applyAll",
            ));
        }
        if !changes.apply_all && changes.accepted_changes.is_empty() && changes.edited_changes.is_empty() {
            return Err(Error::invalid_input("nothing to accept: set applyAll or list acceptedChanges"));
        }
        for id in changes.accepted_changes.iter().chain(changes.edited_changes.keys()) {
            if !result.suggestions.iter().any(|s| &s.change_id == id) {
                return Err(Error::invalid_input(format!(
                    "unknown change id {}",
                    resumax_core::ids::echoed(id)
                )));
            }
        }
        for (id, text) in &changes.edited_changes {
            if text.trim().is_empty() || text.chars().count() > MAX_EDIT_CHARS {
                return Err(Error::invalid_input(format!(
                    "the edit of {id} must be 1 to {MAX_EDIT_CHARS} characters"
                )));
            }
        }
        let resume = self.peers.parsing.get_resume(user, optimization.resume_id).await?;
        let original = resume.parsed.ok_or_else(|| Error::not_found("parsed resume"))?;
        let job = self.peers.parsing.get_job_description(user, optimization.job_description_id).await?;
        let job = job.parsed.ok_or_else(|| Error::not_found("parsed job description"))?;
        let (chosen, warnings) =
            accepted_with_edits(&result.suggestions, &changes, &original, &result.score_before, &job);
        let accepted_ids: Vec<String> = chosen.iter().map(|s| s.change_id.clone()).collect();
        let edited_ids: Vec<String> =
            accepted_ids.iter().filter(|id| changes.edited_changes.contains_key(*id)).cloned().collect();
        // The same accepted set (ids and edited texts) for the same run is one version.
        let accept_key = to_json(&(&accepted_ids, &changes.edited_changes))?;
        if let Some(existing) = optimization_version::Entity::find()
            .filter(optimization_version::Column::UserId.eq(user.as_str()))
            .filter(optimization_version::Column::OptimizationId.eq(row.id.as_str()))
            .filter(optimization_version::Column::AcceptKey.eq(accept_key.as_str()))
            .filter(optimization_version::Column::DeletedAt.is_null())
            .one(&self.db)
            .await
            .map_err(db_error("checking earlier versions"))?
        {
            let version = version_from_row(&existing)?;
            let mut exports = Vec::new();
            for format in changes.export_formats {
                exports.push(self.peers.export.export(user, &version, format, changes.design).await?);
            }
            return Ok(Accepted { version, exports, created: false });
        }
        let optimized = diff::apply(&original, &chosen);
        let version_diff = diff::diff(&original, &optimized, &chosen);
        let score = self.peers.scoring.score(&optimized, &job).await?.alignment_score;
        let rejected_ids: Vec<String> = result
            .suggestions
            .iter()
            .map(|s| s.change_id.clone())
            .filter(|id| !accepted_ids.contains(id))
            .collect();

        let version = Version {
            version_id: new_id(),
            optimization_id: optimization.optimization_id,
            resume_id: optimization.resume_id,
            score,
            accepted_changes: accepted_ids,
            edited_changes: edited_ids,
            rejected_changes: rejected_ids,
            warnings: warnings.iter().map(|w| resumax_ai::redact(w, &original.contact)).collect(),
            optimized,
            diff: version_diff,
            notes: changes.notes.clone(),
            created_at: now(),
        };
        // Exports are requested before the version is saved: a format the export service refuses
        // fails the accept without leaving a saved version behind (so a retry saves just one).
        let mut exports = Vec::new();
        for format in changes.export_formats {
            exports.push(self.peers.export.export(user, &version, format, changes.design).await?);
        }
        let id = version.version_id.to_string();
        let txn = self.db.begin().await.map_err(db_error("starting a transaction"))?;
        optimization_version::ActiveModel {
            id: Set(id.clone()),
            user_id: Set(user.as_str().into()),
            optimization_id: Set(row.id.clone()),
            resume_id: Set(row.resume_id.clone()),
            score: Set(i32::from(score)),
            accepted_changes: Set(to_json(&version.accepted_changes)?),
            optimized: Set(to_json(&version.optimized)?),
            diff: Set(to_json(&version.diff)?),
            notes: Set(version.notes.clone()),
            edited_changes: Set(Some(to_json(&version.edited_changes)?)),
            rejected_changes: Set(Some(to_json(&version.rejected_changes)?)),
            warnings: Set(Some(to_json(&version.warnings)?)),
            accept_key: Set(Some(accept_key)),
            created_at: Set(version.created_at),
            updated_at: Set(version.created_at),
            deleted_at: Set(None),
        }
        .insert(&txn)
        .await
        .map_err(db_error("saving a version"))?;
        // The audit says which texts are the person's own, so a reviewer never takes an edit
        // for a suggestion resuMAX made.
        let detail = serde_json::json!({
            "accepted": version.accepted_changes,
            "editedByUser": version.edited_changes,
            "rejected": version.rejected_changes,
        });
        audit(user, "version.saved", &id, Some(detail.to_string()), &row.request_id)
            .insert(&txn)
            .await
            .map_err(db_error("auditing a version"))?;
        txn.commit().await.map_err(db_error("committing a version"))?;
        Ok(Accepted { version, exports, created: true })
    }

    async fn list_versions(&self, user: &UserId, cursor: Option<String>, limit: u32) -> Result<VersionPage> {
        let limit = limit.clamp(1, 100) as u64;
        let mut query = optimization_version::Entity::find()
            .filter(optimization_version::Column::UserId.eq(user.as_str()))
            .filter(optimization_version::Column::DeletedAt.is_null());
        if let Some(cursor) = &cursor {
            // Ids are time-ordered UUIDs: the cursor is the last id of the previous page.
            let cursor = resumax_core::ids::parse_id(cursor, "cursor")?;
            query = query.filter(optimization_version::Column::Id.lt(cursor.to_string()));
        }
        let mut rows = query
            .order_by_desc(optimization_version::Column::Id)
            .limit(limit + 1)
            .all(&self.db)
            .await
            .map_err(db_error("listing versions"))?;
        let next_cursor = if rows.len() as u64 > limit {
            rows.truncate(limit as usize);
            rows.last().map(|r| r.id.clone())
        } else {
            None
        };
        Ok(VersionPage { items: rows.iter().map(version_from_row).collect::<Result<_>>()?, next_cursor })
    }

    async fn get_version(&self, user: &UserId, version_id: Uuid) -> Result<Version> {
        let row = optimization_version::Entity::find_by_id(version_id.to_string())
            .filter(optimization_version::Column::UserId.eq(user.as_str()))
            .filter(optimization_version::Column::DeletedAt.is_null())
            .one(&self.db)
            .await
            .map_err(db_error("reading a version"))?
            .ok_or_else(|| Error::not_found("version"))?;
        version_from_row(&row)
    }

    async fn forget_resume(&self, user: &UserId, resume_id: Uuid) -> Result<()> {
        let at = now();
        let txn = self.db.begin().await.map_err(db_error("starting a transaction"))?;
        optimization_request::Entity::update_many()
            .col_expr(optimization_request::Column::DeletedAt, sea_orm::sea_query::Expr::value(at))
            .filter(optimization_request::Column::UserId.eq(user.as_str()))
            .filter(optimization_request::Column::ResumeId.eq(resume_id.to_string()))
            .exec(&txn)
            .await
            .map_err(db_error("hiding optimizations"))?;
        optimization_version::Entity::update_many()
            .col_expr(optimization_version::Column::DeletedAt, sea_orm::sea_query::Expr::value(at))
            .filter(optimization_version::Column::UserId.eq(user.as_str()))
            .filter(optimization_version::Column::ResumeId.eq(resume_id.to_string()))
            .exec(&txn)
            .await
            .map_err(db_error("hiding versions"))?;
        txn.commit().await.map_err(db_error("committing a delete"))?;
        Ok(())
    }
}
