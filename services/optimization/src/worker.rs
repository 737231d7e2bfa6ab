//! The optimize worker: `queued -> processing -> generating -> completed | failed`.
//!
//! A job carries only the optimization id; the worker loads the current row, so a redelivered job
//! is harmless (a terminal run is acknowledged untouched).

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Instant;

use async_trait::async_trait;
use prost::Message;
use resumax_ai::RewriteRequest;
use resumax_core::ids::UserId;
use resumax_core::optimization::{ChangeType, OptimizationResult, OptimizationStatus, Strategy};
use resumax_core::{Error, ErrorCode, Result};
use resumax_db::entity::optimization_request;
use resumax_db::{db_error, now};
use resumax_proto::common::v1::{ErrorCode as CommonErrorCode, OptimizationStatus as CommonStatus};
use resumax_proto::queue::v1::OptimizeJob;
use resumax_queue::{Delivery, JobHandler, Outcome, subjects};
use resumax_storage::keys;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter, Set, TransactionTrait,
};
use tracing::Instrument;

use crate::{OptimizationService, diff, to_json};

pub struct OptimizeWorker(pub Arc<OptimizationService>);

#[async_trait]
impl JobHandler for OptimizeWorker {
    async fn handle(&self, delivery: Delivery) -> Outcome {
        let job = match OptimizeJob::decode(delivery.payload.as_slice()) {
            Ok(job) => job,
            Err(e) => {
                tracing::error!(error = %e, "dropping an undecodable optimize job");
                return Outcome::Done;
            }
        };
        let span = tracing::info_span!(
            "optimize_job",
            optimization_id = %job.optimization_id,
            request_id = %job.request_id,
            attempt = delivery.attempt
        );
        // Continue the trace of the span that published the job, when it carries one.
        resumax_telemetry::set_parent(&span, &delivery.trace_context);
        let service = &self.0;
        match service.run(&job.optimization_id).instrument(span.clone()).await {
            Ok(()) => Outcome::Done,
            Err(error) if delivery.last_attempt => {
                tracing::error!(parent: &span, %error, "optimization failed on its last attempt");
                let code = if error.code == ErrorCode::StorageError {
                    ErrorCode::StorageError
                } else {
                    ErrorCode::QueueFailed
                };
                let message = format!(
                    "the run could not finish after {} attempts: {}",
                    delivery.attempt, error.message
                );
                if let Err(e) = service.fail(&job.optimization_id, code, &message).await {
                    tracing::error!(parent: &span, error = %e, "could not record the failure");
                }
                Outcome::Done
            }
            Err(error) => {
                tracing::warn!(parent: &span, %error, "optimization attempt failed; it will be retried");
                Outcome::Retry
            }
        }
    }
}

impl OptimizationService {
    /// One attempt. `Ok` means the run reached a terminal status (or needs nothing); `Err` is an
    /// infrastructure failure worth another attempt.
    async fn run(&self, id: &str) -> Result<()> {
        let Some(row) = optimization_request::Entity::find_by_id(id)
            .one(&self.db)
            .await
            .map_err(db_error("reading a run"))?
        else {
            return Ok(());
        };
        let status = OptimizationStatus::parse(&row.status).unwrap_or(OptimizationStatus::Failed);
        if row.deleted_at.is_some() || status.is_terminal() {
            return Ok(());
        }
        let user = UserId::parse(&row.user_id)?;
        let strategy = Strategy::parse(&row.strategy)?;
        let resume_id = resumax_core::ids::parse_id(&row.resume_id, "resumeId")?;
        let job_id = resumax_core::ids::parse_id(&row.job_description_id, "jobDescriptionId")?;
        let attempts = row.attempts + 1;
        let mut active = row.into_active_model();
        active.attempts = Set(attempts);
        let Some(row) = self.advance(active, OptimizationStatus::Processing).await? else { return Ok(()) };

        let stage = Instant::now();
        let resume = self.peers.parsing.get_resume(&user, resume_id).await;
        let job = self.peers.parsing.get_job_description(&user, job_id).await;
        let (resume, job) = match (resume, job) {
            (Ok(resume), Ok(job)) => (resume, job),
            // The resume or JD was deleted meanwhile: the run is hidden with it, nothing to do.
            (Err(e), _) | (_, Err(e)) if e.code == ErrorCode::NotFound => return Ok(()),
            (Err(e), _) | (_, Err(e)) => return Err(e),
        };
        let (Some(resume), Some(job)) = (resume.parsed, job.parsed) else {
            return self
                .fail(
                    id,
                    ErrorCode::SchemaValidationFailed,
                    "the resume or job description has no parsed content",
                )
                .await;
        };
        record_stage("load", stage);
        let stage = Instant::now();
        let before = self.peers.scoring.score(&resume, &job).await?;
        record_stage("score_before", stage);
        let Some(row) = self.advance(row.into_active_model(), OptimizationStatus::Generating).await? else {
            return Ok(());
        };
        let stage = Instant::now();

        let request =
            RewriteRequest { resume: resume.clone(), job: job.clone(), report: before.clone(), strategy };
        // The chain retries, falls back across providers and guards every suggestion.
        let outcome = match self.chain.run(&request).await {
            Ok(outcome) => outcome,
            Err(error) => {
                record_attempts(&error.attempts);
                return self.fail(id, error.code(), &error.error.to_string()).await;
            }
        };
        record_attempts(&outcome.attempts);
        resumax_telemetry::metrics::record_tokens(
            &outcome.provider,
            outcome.usage.prompt_tokens,
            outcome.usage.completion_tokens,
        );
        record_stage("generate", stage);

        let stage = Instant::now();
        let optimized = diff::apply(&resume, outcome.suggestions.iter().filter(|s| !s.uncertain));
        let sections = diff::diff(&resume, &optimized, &outcome.suggestions);
        let after = self.peers.scoring.score(&optimized, &job).await?;
        let mut warnings: Vec<String> = job
            .warnings
            .iter()
            .map(|w| format!("job description: {}", resumax_core::notices::describe(w)))
            .collect();
        warnings.extend(outcome.warnings());
        let uncertain = outcome.suggestions.iter().filter(|s| s.uncertain).count();
        if uncertain > 0 {
            warnings.push(format!(
                "{uncertain} changes are marked uncertain and keep the original unless you accept them"
            ));
        }
        let result = OptimizationResult {
            summary: summarize(
                before.alignment_score,
                after.alignment_score,
                &outcome.suggestions,
                outcome.dropped.len(),
            ),
            score_before: before,
            score_after: after,
            diff: sections,
            suggestions: outcome.suggestions.clone(),
            warnings,
            provider: outcome.provider.clone(),
            model: outcome.model.clone(),
            optimized,
        };
        // What was sent and what came back are kept for audit, with the person's contact details
        // redacted; the row keeps only the keys.
        let (prompt, output) = stored_artifacts(&outcome, &resume.contact);
        let prompt_key = keys::optimization_artifact(&row.user_id, id, "prompt");
        self.blobs.put(&prompt_key, to_json(&prompt)?.into_bytes()).await?;
        let output_key = keys::optimization_artifact(&row.user_id, id, "output");
        self.blobs.put(&output_key, to_json(&output)?.into_bytes()).await?;

        let mut active = row.into_active_model();
        active.result = Set(Some(to_json(&result)?));
        active.score_before = Set(Some(i32::from(result.score_before.alignment_score)));
        active.score_after = Set(Some(i32::from(result.score_after.alignment_score)));
        active.provider = Set(Some(outcome.provider.clone()));
        active.model = Set(Some(outcome.model.clone()));
        active.output_key = Set(Some(output_key.to_string()));
        active.prompt_key = Set(Some(prompt_key.to_string()));
        active.template_version = Set(Some(outcome.template_version.clone()));
        active.prompt_tokens = Set(i32::try_from(outcome.usage.prompt_tokens).ok());
        active.completion_tokens = Set(i32::try_from(outcome.usage.completion_tokens).ok());
        active.latency_ms = Set(i64::try_from(outcome.latency.as_millis()).ok());
        // Micro-dollars keep the cost exact in an integer column on both databases.
        active.cost_micros = Set(Some((outcome.estimated_cost_usd * 1_000_000.0).round() as i64));
        active.status = Set(OptimizationStatus::Completed.as_str().into());
        active.updated_at = Set(now());
        let txn = self.db.begin().await.map_err(db_error("starting a transaction"))?;
        if let Some(row) = update_while_active(&txn, active).await? {
            crate::audit(&user, "optimization.completed", id, None, &row.request_id)
                .insert(&txn)
                .await
                .map_err(db_error("auditing a completion"))?;
            txn.commit().await.map_err(db_error("committing a completion"))?;
            self.publish_event(&row).await;
        }
        record_stage("finish", stage);
        Ok(())
    }

    /// Moves an active run to its next active status. `None` when the run already finished:
    /// another delivery of the same job got there first, and this one stops here.
    async fn advance(
        &self,
        mut active: optimization_request::ActiveModel,
        status: OptimizationStatus,
    ) -> Result<Option<optimization_request::Model>> {
        active.status = Set(status.as_str().into());
        active.updated_at = Set(now());
        let row = update_while_active(&self.db, active).await?;
        if let Some(row) = &row {
            self.publish_event(row).await;
        }
        Ok(row)
    }

    /// Marks a run failed and refunds its credit in the same transaction, so a failure is never
    /// recorded without its refund, nor refunded twice.
    pub(crate) async fn fail(&self, id: &str, code: ErrorCode, message: &str) -> Result<()> {
        let txn = self.db.begin().await.map_err(db_error("starting a transaction"))?;
        let Some(row) = optimization_request::Entity::find_by_id(id)
            .one(&txn)
            .await
            .map_err(db_error("reading a run"))?
        else {
            return Ok(());
        };
        let user = row.user_id.clone();
        let mut active = row.into_active_model();
        active.error_code = Set(Some(code.as_str().into()));
        active.error_message = Set(Some(message.into()));
        active.status = Set(OptimizationStatus::Failed.as_str().into());
        active.updated_at = Set(now());
        if let Some(row) = update_while_active(&txn, active).await? {
            crate::credits::refund(&txn, &user, id).await?;
            crate::audit(
                &UserId::parse(&user)?,
                "optimization.failed",
                id,
                Some(code.as_str().into()),
                &row.request_id,
            )
            .insert(&txn)
            .await
            .map_err(db_error("auditing a failure"))?;
            txn.commit().await.map_err(db_error("committing a failure"))?;
            self.publish_event(&row).await;
        }
        Ok(())
    }

    /// Status events are best effort: a lost event costs a poll, never a run.
    async fn publish_event(&self, row: &optimization_request::Model) {
        let event = resumax_proto::queue::v1::OptimizationEvent {
            optimization_id: row.id.clone(),
            user_id: row.user_id.clone(),
            status: CommonStatus::from(
                OptimizationStatus::parse(&row.status).unwrap_or(OptimizationStatus::Failed),
            ) as i32,
            error_code: row
                .error_code
                .as_deref()
                .and_then(ErrorCode::parse)
                .map(|c| CommonErrorCode::from(c) as i32)
                .unwrap_or_default(),
            error_message: row.error_message.clone().unwrap_or_default(),
            at: Some(resumax_proto::convert::timestamp(now())),
        };
        if let Err(error) =
            self.queue.publish_event(&subjects::optimization_event(&row.status), event.encode_to_vec()).await
        {
            tracing::warn!(%error, "could not publish a status event");
        }
    }
}

/// What a run keeps for audit (`prompt.json`, `output.json`): what was sent (already in
/// placeholders) and what came back, every text redacted again, warnings included, so neither
/// the person's name, email, phone (nor a piece of it), nor a profile user name is stored.
pub fn stored_artifacts(
    outcome: &resumax_ai::ChainOutcome,
    contact: &resumax_core::resume::Contact,
) -> (serde_json::Value, serde_json::Value) {
    let clean = |text: &str| resumax_ai::redact(text, contact);
    let prompt = serde_json::json!({
        "templateVersion": outcome.template_version,
        "strategy": outcome.strategy,
        "system": clean(&outcome.prompt.system),
        "user": clean(&outcome.prompt.user),
    });
    let output = serde_json::json!({
        "provider": outcome.provider,
        "model": outcome.model,
        "templateVersion": outcome.template_version,
        "raw": clean(&outcome.raw_output),
        "warnings": outcome.warnings().iter().map(|w| clean(w)).collect::<Vec<_>>(),
        "attempts": outcome.attempts,
    });
    (prompt, output)
}

fn record_attempts(attempts: &[resumax_ai::Attempt]) {
    for attempt in attempts {
        resumax_telemetry::metrics::record_provider_call(&attempt.provider, &attempt.outcome);
    }
}

fn record_stage(stage: &str, started: Instant) {
    resumax_telemetry::metrics::record_stage("optimize", stage, "ok", started.elapsed());
}

/// Applies `active` (a new status and its fields) only while the run is still active. `None` when
/// it already left the active statuses: another delivery of the same job finished it, so this one
/// changes nothing and the run completes (or fails) exactly once.
async fn update_while_active<C: sea_orm::ConnectionTrait>(
    txn: &C,
    active: optimization_request::ActiveModel,
) -> Result<Option<optimization_request::Model>> {
    let update = optimization_request::Entity::update(active)
        .validate()
        .map_err(db_error("updating a run"))?
        .filter(optimization_request::Column::Status.is_in(OptimizationStatus::ACTIVE.map(|s| s.as_str())));
    match update.exec(txn).await {
        Ok(row) => Ok(Some(row)),
        Err(sea_orm::DbErr::RecordNotUpdated) => {
            tracing::info!("run already finished by another delivery of its job");
            Ok(None)
        }
        Err(e) => Err(Error::storage("updating a run", e)),
    }
}

/// Plain-language summary of a run, most important first.
fn summarize(
    before: u8,
    after: u8,
    kept: &[resumax_core::optimization::Suggestion],
    dropped: usize,
) -> Vec<String> {
    let mut summary = vec![format!("alignment score {before} -> {after}")];
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for s in kept {
        let label = match s.change_type {
            ChangeType::KeywordAligned => "use the job description's wording",
            ChangeType::Strengthened => "strengthen a bullet's opening",
            ChangeType::Reordered => "reorder skills by relevance",
            ChangeType::Added => "list a skill your experience already shows",
            ChangeType::Rephrased => "rephrase",
            ChangeType::Unchanged => continue,
        };
        *counts.entry(label).or_default() += 1;
    }
    if kept.is_empty() {
        summary.push(
            "no change suggested: the resume already uses the job description's terms it can truthfully use"
                .into(),
        );
    }
    for (label, n) in counts {
        summary.push(format!("{n} x {label}"));
    }
    if dropped > 0 {
        summary.push(format!(
            "{dropped} suggested changes were dropped because they would add facts not in your resume"
        ));
    }
    summary
}
