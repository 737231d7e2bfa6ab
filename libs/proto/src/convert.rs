//! Conversions between the domain types of `resumax_core` and the proto messages.
//!
//! Outgoing (core to proto) conversions cannot fail and are `From`. Incoming (proto to core)
//! conversions are `TryFrom` with `resumax_core::Error` (`invalid_input`): a message from the wire
//! may lack a required field, carry an unspecified or unknown enum value, or a malformed id, and
//! such a value must be refused at the boundary rather than reach the domain.

use chrono::{DateTime, Utc};
use resumax_core::api::{
    Accepted, ExportRecord, ExportStatus, JobDescriptionRecord, JobDescriptionSource, JobDescriptionText,
    ParseError, ParseStatus, ResumeRecord, Started, Upload, VersionPage,
};
use resumax_core::job_description::{ParsedJobDescription, Requirement, RequirementKind};
use resumax_core::optimization::{
    ChangeType, DiffSpan, ExportDesign, ExportFormat, FailureInfo, LineChange, Optimization,
    OptimizationResult, OptimizationStatus, SectionDiff, Strategy, Suggestion, SuggestionTarget, Version,
};
use resumax_core::resume::{Contact, Entry, ItemId, ParsedResume, Section, SectionKind};
use resumax_core::score::{Importance, KeywordGap, KeywordMatch, MatchReport, RankedJob, ScoreComponent};
use resumax_core::{Error, ErrorCode, Result};
use uuid::Uuid;

use crate::common::v1 as pb;
use crate::optimization::v1 as pb_optimization;
use crate::parsing::v1 as pb_parsing;
use crate::scoring::v1 as pb_scoring;

// ---------------------------------------------------------------------------------------------
// Helpers shared by the adapters.

/// Decodes an enum field (an `i32` on the wire) into the core enum; an unknown number or the
/// `_UNSPECIFIED` zero value is invalid input naming the field.
pub fn decode_enum<P, C>(value: i32, field: &str) -> Result<C>
where
    P: TryFrom<i32>,
    C: TryFrom<P, Error = Error>,
{
    let proto = P::try_from(value)
        .map_err(|_| Error::invalid_input(format!("{field} has an unknown value {value}")))?;
    C::try_from(proto).map_err(|_| Error::invalid_input(format!("{field} is unspecified")))
}

/// A required message field; proto3 makes every message field optional on the wire.
pub fn required<T>(value: Option<T>, field: &str) -> Result<T> {
    value.ok_or_else(|| Error::invalid_input(format!("{field} is missing")))
}

/// Parses a UUID field; the error names the field as the REST contract does (`resumeId`).
pub fn parse_uuid(value: &str, field: &str) -> Result<Uuid> {
    resumax_core::ids::parse_id(value, field)
}

pub fn timestamp(at: DateTime<Utc>) -> prost_types::Timestamp {
    prost_types::Timestamp {
        seconds: at.timestamp(),
        // Below 2e9 even for a leap second, so it always fits.
        nanos: i32::try_from(at.timestamp_subsec_nanos()).unwrap_or(i32::MAX),
    }
}

pub fn datetime(at: Option<prost_types::Timestamp>, field: &str) -> Result<DateTime<Utc>> {
    let at = required(at, field)?;
    u32::try_from(at.nanos)
        .ok()
        .and_then(|nanos| DateTime::from_timestamp(at.seconds, nanos))
        .ok_or_else(|| Error::invalid_input(format!("{field} is not a valid timestamp")))
}

fn try_vec<P, C>(items: Vec<P>) -> Result<Vec<C>>
where
    C: TryFrom<P, Error = Error>,
{
    items.into_iter().map(C::try_from).collect()
}

fn into_vec<C, P: From<C>>(items: Vec<C>) -> Vec<P> {
    items.into_iter().map(P::from).collect()
}

/// A 0..=100 score; anything else is not a score this system produces.
fn score(value: u32, field: &str) -> Result<u8> {
    u8::try_from(value)
        .ok()
        .filter(|score| *score <= 100)
        .ok_or_else(|| Error::invalid_input(format!("{field} {value} is outside 0..=100")))
}

fn index(value: u64, field: &str) -> Result<usize> {
    usize::try_from(value).map_err(|_| Error::invalid_input(format!("{field} is out of range")))
}

// ---------------------------------------------------------------------------------------------
// Enums. Every core variant has exactly one proto value and back; the zero value `Unspecified`
// has no core counterpart.

macro_rules! enum_mapping {
    ($core:ident, $proto:ident, $what:literal, { $($variant:ident => $value:ident),+ $(,)? }) => {
        impl From<$core> for $proto {
            fn from(value: $core) -> Self {
                match value {
                    $($core::$variant => $proto::$value,)+
                }
            }
        }

        impl TryFrom<$proto> for $core {
            type Error = Error;
            fn try_from(value: $proto) -> Result<Self> {
                match value {
                    $($proto::$value => Ok($core::$variant),)+
                    $proto::Unspecified => {
                        Err(Error::invalid_input(concat!($what, " is unspecified")))
                    }
                }
            }
        }
    };
}

use pb::ChangeType as PbChangeType;
use pb::ErrorCode as PbErrorCode;
use pb::ExportFormat as PbExportFormat;
use pb::ExportStatus as PbExportStatus;
use pb::Importance as PbImportance;
use pb::OptimizationStatus as PbOptimizationStatus;
use pb::RequirementKind as PbRequirementKind;
use pb::SectionKind as PbSectionKind;
use pb::Strategy as PbStrategy;
use pb_parsing::ParseStatus as PbParseStatus;

enum_mapping!(ErrorCode, PbErrorCode, "error code", {
    InvalidInput => InvalidInput,
    Unauthorized => Unauthorized,
    NotVerified => NotVerified,
    NotFound => NotFound,
    ParseNotReady => ParseNotReady,
    InsufficientCredits => InsufficientCredits,
    SizeExceeded => SizeExceeded,
    UnsupportedFormat => UnsupportedFormat,
    ParseFailed => ParseFailed,
    RateLimited => RateLimited,
    StorageError => StorageError,
    QueueFailed => QueueFailed,
    Internal => Internal,
    ProviderTimeout => ProviderTimeout,
    ProviderThrottled => ProviderThrottled,
    ProviderError => ProviderError,
    SchemaValidationFailed => SchemaValidationFailed,
    Timeout => Timeout,
    Conflict => Conflict,
});

enum_mapping!(SectionKind, PbSectionKind, "section kind", {
    Summary => Summary,
    Experience => Experience,
    Education => Education,
    Skills => Skills,
    Projects => Projects,
    Certifications => Certifications,
    Other => Other,
});

enum_mapping!(Importance, PbImportance, "importance", {
    Required => Required,
    Preferred => Preferred,
    Mentioned => Mentioned,
});

enum_mapping!(RequirementKind, PbRequirementKind, "requirement kind", {
    Skill => Skill,
    Tool => Tool,
    Certification => Certification,
    Degree => Degree,
    Years => Years,
    Language => Language,
    Soft => Soft,
});

enum_mapping!(OptimizationStatus, PbOptimizationStatus, "optimization status", {
    Queued => Queued,
    Processing => Processing,
    Generating => Generating,
    Completed => Completed,
    Failed => Failed,
});

enum_mapping!(Strategy, PbStrategy, "strategy", {
    Default => Default,
    Conservative => Conservative,
    AggressiveKeywords => AggressiveKeywords,
});

enum_mapping!(ChangeType, PbChangeType, "change type", {
    KeywordAligned => KeywordAligned,
    Strengthened => Strengthened,
    Reordered => Reordered,
    Added => Added,
    Rephrased => Rephrased,
    Unchanged => Unchanged,
});

enum_mapping!(ExportFormat, PbExportFormat, "export format", {
    Pdf => Pdf,
    Docx => Docx,
    Text => Text,
});

enum_mapping!(ExportStatus, PbExportStatus, "export status", {
    Queued => Queued,
    Completed => Completed,
    Failed => Failed,
});

enum_mapping!(ParseStatus, PbParseStatus, "parse status", {
    Pending => Pending,
    Parsing => Parsing,
    Completed => Completed,
    Failed => Failed,
});

/// The enum as it is stored in a message field.
fn wire<P: Into<i32>, C: Into<P>>(value: C) -> i32 {
    value.into().into()
}

// ---------------------------------------------------------------------------------------------
// Errors as data.

impl From<FailureInfo> for pb::ErrorInfo {
    fn from(value: FailureInfo) -> Self {
        pb::ErrorInfo { code: wire::<PbErrorCode, _>(value.code), message: value.message }
    }
}

impl TryFrom<pb::ErrorInfo> for FailureInfo {
    type Error = Error;
    fn try_from(value: pb::ErrorInfo) -> Result<Self> {
        Ok(FailureInfo {
            code: decode_enum::<PbErrorCode, _>(value.code, "error.code")?,
            message: value.message,
        })
    }
}

impl From<ParseError> for pb::ErrorInfo {
    fn from(value: ParseError) -> Self {
        pb::ErrorInfo { code: wire::<PbErrorCode, _>(value.code), message: value.message }
    }
}

impl TryFrom<pb::ErrorInfo> for ParseError {
    type Error = Error;
    fn try_from(value: pb::ErrorInfo) -> Result<Self> {
        Ok(ParseError {
            code: decode_enum::<PbErrorCode, _>(value.code, "error.code")?,
            message: value.message,
        })
    }
}

// ---------------------------------------------------------------------------------------------
// Resume.

impl From<Contact> for pb::Contact {
    fn from(value: Contact) -> Self {
        pb::Contact {
            name: value.name,
            email: value.email,
            phone: value.phone,
            location: value.location,
            links: value.links,
        }
    }
}

impl From<pb::Contact> for Contact {
    fn from(value: pb::Contact) -> Self {
        Contact {
            name: value.name,
            email: value.email,
            phone: value.phone,
            location: value.location,
            links: value.links,
        }
    }
}

impl From<Entry> for pb::Entry {
    fn from(value: Entry) -> Self {
        pb::Entry {
            organization: value.organization,
            title: value.title,
            location: value.location,
            start: value.start,
            end: value.end,
            current: value.current,
            date_text: value.date_text,
            header_lines: value.header_lines,
            lines: value.lines,
            uncertain: value.uncertain,
        }
    }
}

impl From<pb::Entry> for Entry {
    fn from(value: pb::Entry) -> Self {
        Entry {
            organization: value.organization,
            title: value.title,
            location: value.location,
            start: value.start,
            end: value.end,
            current: value.current,
            date_text: value.date_text,
            header_lines: value.header_lines,
            lines: value.lines,
            uncertain: value.uncertain,
        }
    }
}

impl From<Section> for pb::Section {
    fn from(value: Section) -> Self {
        pb::Section {
            kind: wire::<PbSectionKind, _>(value.kind),
            heading: value.heading,
            entries: into_vec(value.entries),
            skills: value.skills,
        }
    }
}

impl TryFrom<pb::Section> for Section {
    type Error = Error;
    fn try_from(value: pb::Section) -> Result<Self> {
        Ok(Section {
            kind: decode_enum::<PbSectionKind, _>(value.kind, "section.kind")?,
            heading: value.heading,
            entries: into_vec(value.entries),
            skills: value.skills,
        })
    }
}

impl From<ParsedResume> for pb::ParsedResume {
    fn from(value: ParsedResume) -> Self {
        pb::ParsedResume {
            contact: Some(value.contact.into()),
            tagline: value.tagline,
            sections: into_vec(value.sections),
            text: value.text,
            warnings: value.warnings,
        }
    }
}

impl TryFrom<pb::ParsedResume> for ParsedResume {
    type Error = Error;
    fn try_from(value: pb::ParsedResume) -> Result<Self> {
        Ok(ParsedResume {
            // An absent contact is an empty one: proto3 writers may omit an all-empty message.
            contact: value.contact.map(Contact::from).unwrap_or_default(),
            tagline: value.tagline,
            sections: try_vec(value.sections)?,
            text: value.text,
            warnings: value.warnings,
        })
    }
}

impl From<ItemId> for pb::ItemId {
    fn from(value: ItemId) -> Self {
        // usize is at most 64 bits on every supported target.
        pb::ItemId { section: value.section as u64, entry: value.entry as u64, line: value.line as u64 }
    }
}

impl TryFrom<pb::ItemId> for ItemId {
    type Error = Error;
    fn try_from(value: pb::ItemId) -> Result<Self> {
        Ok(ItemId {
            section: index(value.section, "item.section")?,
            entry: index(value.entry, "item.entry")?,
            line: index(value.line, "item.line")?,
        })
    }
}

// ---------------------------------------------------------------------------------------------
// Job description.

impl From<ParsedJobDescription> for pb::ParsedJobDescription {
    fn from(value: ParsedJobDescription) -> Self {
        pb::ParsedJobDescription {
            title: value.title,
            company: value.company,
            location: value.location,
            employment_type: value.employment_type,
            required_skills: value.required_skills,
            preferred_skills: value.preferred_skills,
            sanitized_text: value.sanitized_text,
            warnings: value.warnings,
            requirements: value.requirements.into_iter().map(Into::into).collect(),
        }
    }
}

impl From<pb::ParsedJobDescription> for ParsedJobDescription {
    fn from(value: pb::ParsedJobDescription) -> Self {
        ParsedJobDescription {
            title: value.title,
            company: value.company,
            location: value.location,
            employment_type: value.employment_type,
            required_skills: value.required_skills,
            preferred_skills: value.preferred_skills,
            sanitized_text: value.sanitized_text,
            warnings: value.warnings,
            // A requirement with an importance or kind this build does not know (a newer peer)
            // is left out rather than guessed.
            requirements: value.requirements.into_iter().filter_map(|r| r.try_into().ok()).collect(),
        }
    }
}

impl From<Requirement> for pb::Requirement {
    fn from(value: Requirement) -> Self {
        pb::Requirement {
            term: value.term,
            importance: wire::<PbImportance, _>(value.importance),
            kind: wire::<PbRequirementKind, _>(value.kind),
            source: value.source,
            alternatives: value.alternatives,
            years: value.years,
            category: value.category,
        }
    }
}

impl TryFrom<pb::Requirement> for Requirement {
    type Error = resumax_core::Error;

    fn try_from(value: pb::Requirement) -> Result<Self, Self::Error> {
        Ok(Requirement {
            term: value.term,
            importance: decode_enum::<PbImportance, _>(value.importance, "requirement.importance")?,
            kind: decode_enum::<PbRequirementKind, _>(value.kind, "requirement.kind")?,
            source: value.source,
            alternatives: value.alternatives,
            years: value.years,
            category: value.category,
        })
    }
}

// ---------------------------------------------------------------------------------------------
// Score.

impl From<KeywordMatch> for pb::KeywordMatch {
    fn from(value: KeywordMatch) -> Self {
        pb::KeywordMatch {
            term: value.term,
            importance: wire::<PbImportance, _>(value.importance),
            weight: value.weight,
            resume_term: value.resume_term,
            literal: value.literal,
            sections: value.sections,
        }
    }
}

impl TryFrom<pb::KeywordMatch> for KeywordMatch {
    type Error = Error;
    fn try_from(value: pb::KeywordMatch) -> Result<Self> {
        Ok(KeywordMatch {
            term: value.term,
            importance: decode_enum::<PbImportance, _>(value.importance, "keyword.importance")?,
            weight: value.weight,
            resume_term: value.resume_term,
            literal: value.literal,
            sections: value.sections,
        })
    }
}

impl From<KeywordGap> for pb::KeywordGap {
    fn from(value: KeywordGap) -> Self {
        pb::KeywordGap {
            term: value.term,
            importance: wire::<PbImportance, _>(value.importance),
            weight: value.weight,
        }
    }
}

impl TryFrom<pb::KeywordGap> for KeywordGap {
    type Error = Error;
    fn try_from(value: pb::KeywordGap) -> Result<Self> {
        Ok(KeywordGap {
            term: value.term,
            importance: decode_enum::<PbImportance, _>(value.importance, "keyword.importance")?,
            weight: value.weight,
        })
    }
}

impl From<ScoreComponent> for pb::ScoreComponent {
    fn from(value: ScoreComponent) -> Self {
        pb::ScoreComponent {
            name: value.name,
            score: value.score,
            weight: value.weight,
            detail: value.detail,
        }
    }
}

impl From<pb::ScoreComponent> for ScoreComponent {
    fn from(value: pb::ScoreComponent) -> Self {
        ScoreComponent { name: value.name, score: value.score, weight: value.weight, detail: value.detail }
    }
}

impl From<MatchReport> for pb::MatchReport {
    fn from(value: MatchReport) -> Self {
        pb::MatchReport {
            alignment_score: u32::from(value.alignment_score),
            breakdown: into_vec(value.breakdown),
            matched_keywords: into_vec(value.matched_keywords),
            missing_keywords: into_vec(value.missing_keywords),
            recommendations: value.recommendations,
        }
    }
}

impl TryFrom<pb::MatchReport> for MatchReport {
    type Error = Error;
    fn try_from(value: pb::MatchReport) -> Result<Self> {
        Ok(MatchReport {
            alignment_score: score(value.alignment_score, "alignmentScore")?,
            breakdown: into_vec(value.breakdown),
            matched_keywords: try_vec(value.matched_keywords)?,
            missing_keywords: try_vec(value.missing_keywords)?,
            recommendations: value.recommendations,
        })
    }
}

impl From<RankedJob> for pb_scoring::RankedJobDescription {
    fn from(value: RankedJob) -> Self {
        pb_scoring::RankedJobDescription {
            index: u32::try_from(value.index).unwrap_or(u32::MAX),
            alignment_score: u32::from(value.alignment_score),
            breakdown: into_vec(value.breakdown),
        }
    }
}

impl TryFrom<pb_scoring::RankedJobDescription> for RankedJob {
    type Error = Error;
    fn try_from(value: pb_scoring::RankedJobDescription) -> Result<Self> {
        Ok(RankedJob {
            index: value.index as usize,
            alignment_score: score(value.alignment_score, "ranked.alignmentScore")?,
            breakdown: into_vec(value.breakdown),
        })
    }
}

// ---------------------------------------------------------------------------------------------
// Optimization.

impl From<Suggestion> for pb::Suggestion {
    fn from(value: Suggestion) -> Self {
        let target = match value.target {
            SuggestionTarget::Line { item } => pb::suggestion::Target::Line(item.into()),
            SuggestionTarget::Skills { section } => {
                pb::suggestion::Target::Skills(pb::SkillsTarget { section: section as u64 })
            }
        };
        pb::Suggestion {
            change_id: value.change_id,
            target: Some(target),
            section: wire::<PbSectionKind, _>(value.section),
            change_type: wire::<PbChangeType, _>(value.change_type),
            original: value.original,
            suggested: value.suggested,
            reason: value.reason,
            uncertain: value.uncertain,
        }
    }
}

impl TryFrom<pb::Suggestion> for Suggestion {
    type Error = Error;
    fn try_from(value: pb::Suggestion) -> Result<Self> {
        let target = match required(value.target, "suggestion.target")? {
            pb::suggestion::Target::Line(item) => SuggestionTarget::Line { item: item.try_into()? },
            pb::suggestion::Target::Skills(skills) => {
                SuggestionTarget::Skills { section: index(skills.section, "suggestion.target.section")? }
            }
        };
        Ok(Suggestion {
            change_id: value.change_id,
            target,
            section: decode_enum::<PbSectionKind, _>(value.section, "suggestion.section")?,
            change_type: decode_enum::<PbChangeType, _>(value.change_type, "suggestion.changeType")?,
            original: value.original,
            suggested: value.suggested,
            reason: value.reason,
            uncertain: value.uncertain,
        })
    }
}

impl From<DiffSpan> for pb::DiffSpan {
    fn from(value: DiffSpan) -> Self {
        pb::DiffSpan { op: value.op, text: value.text }
    }
}

impl From<pb::DiffSpan> for DiffSpan {
    fn from(value: pb::DiffSpan) -> Self {
        DiffSpan { op: value.op, text: value.text }
    }
}

impl From<LineChange> for pb::LineChange {
    fn from(value: LineChange) -> Self {
        pb::LineChange {
            change_id: value.change_id,
            item_id: value.item_id,
            change_type: wire::<PbChangeType, _>(value.change_type),
            original: value.original,
            optimized: value.optimized,
            spans: into_vec(value.spans),
            uncertain: value.uncertain,
        }
    }
}

impl TryFrom<pb::LineChange> for LineChange {
    type Error = Error;
    fn try_from(value: pb::LineChange) -> Result<Self> {
        Ok(LineChange {
            change_id: value.change_id,
            item_id: value.item_id,
            change_type: decode_enum::<PbChangeType, _>(value.change_type, "change.changeType")?,
            original: value.original,
            optimized: value.optimized,
            spans: into_vec(value.spans),
            uncertain: value.uncertain,
        })
    }
}

impl From<SectionDiff> for pb::SectionDiff {
    fn from(value: SectionDiff) -> Self {
        pb::SectionDiff {
            section: wire::<PbSectionKind, _>(value.section),
            heading: value.heading,
            original: value.original,
            optimized: value.optimized,
            change_type: wire::<PbChangeType, _>(value.change_type),
            changes: into_vec(value.changes),
        }
    }
}

impl TryFrom<pb::SectionDiff> for SectionDiff {
    type Error = Error;
    fn try_from(value: pb::SectionDiff) -> Result<Self> {
        Ok(SectionDiff {
            section: decode_enum::<PbSectionKind, _>(value.section, "diff.section")?,
            heading: value.heading,
            original: value.original,
            optimized: value.optimized,
            change_type: decode_enum::<PbChangeType, _>(value.change_type, "diff.changeType")?,
            changes: try_vec(value.changes)?,
        })
    }
}

impl From<OptimizationResult> for pb::OptimizationResult {
    fn from(value: OptimizationResult) -> Self {
        pb::OptimizationResult {
            summary: value.summary,
            score_before: Some(value.score_before.into()),
            score_after: Some(value.score_after.into()),
            diff: into_vec(value.diff),
            suggestions: into_vec(value.suggestions),
            warnings: value.warnings,
            provider: value.provider,
            model: value.model,
            optimized: Some(value.optimized.into()),
        }
    }
}

impl TryFrom<pb::OptimizationResult> for OptimizationResult {
    type Error = Error;
    fn try_from(value: pb::OptimizationResult) -> Result<Self> {
        Ok(OptimizationResult {
            summary: value.summary,
            score_before: required(value.score_before, "result.scoreBefore")?.try_into()?,
            score_after: required(value.score_after, "result.scoreAfter")?.try_into()?,
            diff: try_vec(value.diff)?,
            suggestions: try_vec(value.suggestions)?,
            warnings: value.warnings,
            provider: value.provider,
            model: value.model,
            optimized: required(value.optimized, "result.optimized")?.try_into()?,
        })
    }
}

impl From<Optimization> for pb::Optimization {
    fn from(value: Optimization) -> Self {
        pb::Optimization {
            optimization_id: value.optimization_id.to_string(),
            status: wire::<PbOptimizationStatus, _>(value.status),
            resume_id: value.resume_id.to_string(),
            job_description_id: value.job_description_id.to_string(),
            strategy: wire::<PbStrategy, _>(value.strategy),
            created_at: Some(timestamp(value.created_at)),
            updated_at: Some(timestamp(value.updated_at)),
            result: value.result.map(Into::into),
            error: value.error.map(Into::into),
        }
    }
}

impl TryFrom<pb::Optimization> for Optimization {
    type Error = Error;
    fn try_from(value: pb::Optimization) -> Result<Self> {
        Ok(Optimization {
            optimization_id: parse_uuid(&value.optimization_id, "optimizationId")?,
            status: decode_enum::<PbOptimizationStatus, _>(value.status, "status")?,
            resume_id: parse_uuid(&value.resume_id, "resumeId")?,
            job_description_id: parse_uuid(&value.job_description_id, "jobDescriptionId")?,
            strategy: decode_enum::<PbStrategy, _>(value.strategy, "strategy")?,
            created_at: datetime(value.created_at, "createdAt")?,
            updated_at: datetime(value.updated_at, "updatedAt")?,
            result: value.result.map(TryInto::try_into).transpose()?,
            error: value.error.map(TryInto::try_into).transpose()?,
        })
    }
}

impl From<Version> for pb::Version {
    fn from(value: Version) -> Self {
        pb::Version {
            version_id: value.version_id.to_string(),
            optimization_id: value.optimization_id.to_string(),
            resume_id: value.resume_id.to_string(),
            score: u32::from(value.score),
            accepted_changes: value.accepted_changes,
            optimized: Some(value.optimized.into()),
            diff: into_vec(value.diff),
            notes: value.notes,
            created_at: Some(timestamp(value.created_at)),
            edited_changes: value.edited_changes,
            rejected_changes: value.rejected_changes,
            warnings: value.warnings,
        }
    }
}

impl TryFrom<pb::Version> for Version {
    type Error = Error;
    fn try_from(value: pb::Version) -> Result<Self> {
        Ok(Version {
            version_id: parse_uuid(&value.version_id, "versionId")?,
            optimization_id: parse_uuid(&value.optimization_id, "optimizationId")?,
            resume_id: parse_uuid(&value.resume_id, "resumeId")?,
            score: score(value.score, "score")?,
            accepted_changes: value.accepted_changes,
            edited_changes: value.edited_changes,
            rejected_changes: value.rejected_changes,
            warnings: value.warnings,
            optimized: required(value.optimized, "version.optimized")?.try_into()?,
            diff: try_vec(value.diff)?,
            notes: value.notes,
            created_at: datetime(value.created_at, "createdAt")?,
        })
    }
}

impl From<ExportRecord> for pb::ExportRecord {
    fn from(value: ExportRecord) -> Self {
        pb::ExportRecord {
            export_id: value.export_id.to_string(),
            version_id: value.version_id.to_string(),
            format: wire::<PbExportFormat, _>(value.format),
            status: wire::<PbExportStatus, _>(value.status),
            storage_key: value.storage_key,
            download_url: value.download_url,
            expires_at: value.expires_at.map(timestamp),
            design: design_to_wire(value.design),
        }
    }
}

impl TryFrom<pb::ExportRecord> for ExportRecord {
    type Error = Error;
    fn try_from(value: pb::ExportRecord) -> Result<Self> {
        Ok(ExportRecord {
            export_id: parse_uuid(&value.export_id, "exportId")?,
            version_id: parse_uuid(&value.version_id, "versionId")?,
            format: decode_enum::<PbExportFormat, _>(value.format, "format")?,
            status: decode_enum::<PbExportStatus, _>(value.status, "status")?,
            storage_key: value.storage_key,
            download_url: value.download_url,
            expires_at: value.expires_at.map(|at| datetime(Some(at), "expiresAt")).transpose()?,
            design: design_from_wire(value.design),
        })
    }
}

/// An export design on the wire.
pub fn design_to_wire(design: ExportDesign) -> i32 {
    match design {
        ExportDesign::Classic => pb::ExportDesign::Classic,
        ExportDesign::Modern => pb::ExportDesign::Modern,
        ExportDesign::Compact => pb::ExportDesign::Compact,
    }
    .into()
}

/// An export design from the wire: unspecified (a peer from before designs) is classic.
pub fn design_from_wire(value: i32) -> ExportDesign {
    match pb::ExportDesign::try_from(value) {
        Ok(pb::ExportDesign::Modern) => ExportDesign::Modern,
        Ok(pb::ExportDesign::Compact) => ExportDesign::Compact,
        _ => ExportDesign::Classic,
    }
}

/// Export formats of a request, in order.
pub fn export_formats(formats: &[ExportFormat]) -> Vec<i32> {
    formats.iter().map(|format| wire::<PbExportFormat, _>(*format)).collect()
}

pub fn decode_export_formats(formats: &[i32]) -> Result<Vec<ExportFormat>> {
    formats.iter().map(|format| decode_enum::<PbExportFormat, _>(*format, "exportFormats")).collect()
}

// ---------------------------------------------------------------------------------------------
// Service-level values.

impl From<Started> for pb_optimization::StartOptimizationResponse {
    fn from(value: Started) -> Self {
        pb_optimization::StartOptimizationResponse {
            optimization: Some(value.optimization.into()),
            created: value.created,
        }
    }
}

impl TryFrom<pb_optimization::StartOptimizationResponse> for Started {
    type Error = Error;
    fn try_from(value: pb_optimization::StartOptimizationResponse) -> Result<Self> {
        Ok(Started {
            optimization: required(value.optimization, "optimization")?.try_into()?,
            created: value.created,
        })
    }
}

impl From<Accepted> for pb_optimization::AcceptOptimizationResponse {
    fn from(value: Accepted) -> Self {
        pb_optimization::AcceptOptimizationResponse {
            version: Some(value.version.into()),
            exports: into_vec(value.exports),
            created: value.created,
        }
    }
}

impl TryFrom<pb_optimization::AcceptOptimizationResponse> for Accepted {
    type Error = Error;
    fn try_from(value: pb_optimization::AcceptOptimizationResponse) -> Result<Self> {
        Ok(Accepted {
            version: required(value.version, "version")?.try_into()?,
            exports: try_vec(value.exports)?,
            created: value.created,
        })
    }
}

impl From<VersionPage> for pb_optimization::ListVersionsResponse {
    fn from(value: VersionPage) -> Self {
        pb_optimization::ListVersionsResponse { items: into_vec(value.items), next_cursor: value.next_cursor }
    }
}

impl TryFrom<pb_optimization::ListVersionsResponse> for VersionPage {
    type Error = Error;
    fn try_from(value: pb_optimization::ListVersionsResponse) -> Result<Self> {
        Ok(VersionPage { items: try_vec(value.items)?, next_cursor: value.next_cursor })
    }
}

// ---------------------------------------------------------------------------------------------
// Parsing.

impl From<ResumeRecord> for pb_parsing::ResumeRecord {
    fn from(value: ResumeRecord) -> Self {
        pb_parsing::ResumeRecord {
            resume_id: value.resume_id.to_string(),
            file_name: value.file_name,
            parse_status: wire::<PbParseStatus, _>(value.parse_status),
            parsed: value.parsed.map(Into::into),
            error: value.error.map(Into::into),
            created_at: Some(timestamp(value.created_at)),
        }
    }
}

impl TryFrom<pb_parsing::ResumeRecord> for ResumeRecord {
    type Error = Error;
    fn try_from(value: pb_parsing::ResumeRecord) -> Result<Self> {
        Ok(ResumeRecord {
            resume_id: parse_uuid(&value.resume_id, "resumeId")?,
            file_name: value.file_name,
            parse_status: decode_enum::<PbParseStatus, _>(value.parse_status, "parseStatus")?,
            parsed: value.parsed.map(TryInto::try_into).transpose()?,
            error: value.error.map(TryInto::try_into).transpose()?,
            created_at: datetime(value.created_at, "createdAt")?,
        })
    }
}

impl From<JobDescriptionRecord> for pb_parsing::JobDescriptionRecord {
    fn from(value: JobDescriptionRecord) -> Self {
        pb_parsing::JobDescriptionRecord {
            job_description_id: value.job_description_id.to_string(),
            parse_status: wire::<PbParseStatus, _>(value.parse_status),
            parsed: value.parsed.map(Into::into),
            error: value.error.map(Into::into),
            created_at: Some(timestamp(value.created_at)),
        }
    }
}

impl TryFrom<pb_parsing::JobDescriptionRecord> for JobDescriptionRecord {
    type Error = Error;
    fn try_from(value: pb_parsing::JobDescriptionRecord) -> Result<Self> {
        Ok(JobDescriptionRecord {
            job_description_id: parse_uuid(&value.job_description_id, "jobDescriptionId")?,
            parse_status: decode_enum::<PbParseStatus, _>(value.parse_status, "parseStatus")?,
            parsed: value.parsed.map(Into::into),
            error: value.error.map(TryInto::try_into).transpose()?,
            created_at: datetime(value.created_at, "createdAt")?,
        })
    }
}

impl From<Upload> for pb_parsing::FileUpload {
    fn from(value: Upload) -> Self {
        pb_parsing::FileUpload { file_name: value.file_name, content: value.bytes }
    }
}

impl From<pb_parsing::FileUpload> for Upload {
    fn from(value: pb_parsing::FileUpload) -> Self {
        Upload { file_name: value.file_name, bytes: value.content }
    }
}

impl From<JobDescriptionText> for pb_parsing::JobDescriptionText {
    fn from(value: JobDescriptionText) -> Self {
        pb_parsing::JobDescriptionText {
            text: value.text,
            title: value.title,
            company: value.company,
            location: value.location,
        }
    }
}

impl From<pb_parsing::JobDescriptionText> for JobDescriptionText {
    fn from(value: pb_parsing::JobDescriptionText) -> Self {
        JobDescriptionText {
            text: value.text,
            title: value.title,
            company: value.company,
            location: value.location,
        }
    }
}

impl From<JobDescriptionSource> for pb_parsing::create_job_description_request::Source {
    fn from(value: JobDescriptionSource) -> Self {
        use pb_parsing::create_job_description_request::Source;
        match value {
            JobDescriptionSource::Text(text) => Source::Text(text.into()),
            JobDescriptionSource::File(upload) => Source::File(upload.into()),
        }
    }
}

impl From<pb_parsing::create_job_description_request::Source> for JobDescriptionSource {
    fn from(value: pb_parsing::create_job_description_request::Source) -> Self {
        use pb_parsing::create_job_description_request::Source;
        match value {
            Source::Text(text) => JobDescriptionSource::Text(text.into()),
            Source::File(upload) => JobDescriptionSource::File(upload.into()),
        }
    }
}
