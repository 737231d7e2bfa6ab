//! Core -> proto -> bytes -> proto -> core must give back the very same value, for every field;
//! malformed messages must be refused as `invalid_input` naming the field.

use chrono::{DateTime, TimeZone, Utc};
use prost::Message;
use resumax_core::api::{
    Accepted, ExportRecord, ExportStatus, JobDescriptionRecord, ParseError, ParseStatus, ResumeRecord,
    VersionPage,
};
use resumax_core::job_description::{ParsedJobDescription, Requirement, RequirementKind};
use resumax_core::optimization::{
    ChangeType, DiffSpan, ExportDesign, ExportFormat, FailureInfo, LineChange, Optimization,
    OptimizationResult, OptimizationStatus, SectionDiff, Strategy, Suggestion, SuggestionTarget, Version,
};
use resumax_core::resume::{Contact, Entry, ItemId, ParsedResume, Section, SectionKind};
use resumax_core::score::{Importance, KeywordGap, KeywordMatch, MatchReport, ScoreComponent};
use resumax_core::{Error, ErrorCode};
use resumax_proto::common::v1 as pb;
use resumax_proto::optimization::v1 as pb_optimization;
use resumax_proto::parsing::v1 as pb_parsing;
use uuid::Uuid;

/// Encodes `value` as its proto message, through bytes, and decodes it back.
fn round_trip<C, P>(value: &C) -> C
where
    C: Clone + TryFrom<P, Error = Error>,
    P: From<C> + Message + Default,
{
    let bytes = P::from(value.clone()).encode_to_vec();
    let decoded = P::decode(bytes.as_slice()).expect("decodes");
    C::try_from(decoded).expect("converts back")
}

fn at(seconds: i64, nanos: u32) -> DateTime<Utc> {
    Utc.timestamp_opt(seconds, nanos).unwrap()
}

fn resume() -> ParsedResume {
    ParsedResume {
        contact: Contact {
            name: Some("Ada Lovelace".into()),
            email: Some("ada@example.com".into()),
            phone: Some("+44 20 7946 0000".into()),
            location: Some("London, UK".into()),
            links: vec!["https://example.com/ada".into(), "https://github.com/ada".into()],
        },
        tagline: Some("Data engineer who ships".into()),
        sections: vec![
            Section {
                kind: SectionKind::Summary,
                heading: "Summary".into(),
                entries: vec![Entry {
                    lines: vec!["Engineer with 8 years of data work.".into()],
                    ..Default::default()
                }],
                skills: vec![],
            },
            Section {
                kind: SectionKind::Experience,
                heading: "Professional Experience".into(),
                entries: vec![
                    Entry {
                        organization: Some("Analytical Engines Ltd".into()),
                        title: Some("Senior Engineer".into()),
                        location: Some("London".into()),
                        start: Some("2020-01".into()),
                        end: None,
                        current: true,
                        date_text: Some("Jan 2020 – Present".into()),
                        header_lines: vec![
                            "Analytical Engines Ltd — London".into(),
                            "Senior Engineer".into(),
                        ],
                        lines: vec!["Ran Postgres databases".into(), "Cut costs by 30%".into()],
                        uncertain: vec![],
                    },
                    Entry {
                        organization: Some("Difference Co".into()),
                        title: Some("Engineer".into()),
                        location: None,
                        start: Some("2016".into()),
                        end: Some("2019-12".into()),
                        current: false,
                        date_text: Some("2016 - Dec 2019".into()),
                        header_lines: vec!["Difference Co".into()],
                        lines: vec!["Built ETL in Python".into()],
                        // Survives the round trip like every other field.
                        uncertain: vec!["title".into(), "employer".into()],
                    },
                ],
                skills: vec![],
            },
            Section {
                kind: SectionKind::Education,
                heading: "Education".into(),
                entries: vec![Entry {
                    organization: Some("University of London".into()),
                    title: Some("BSc Mathematics".into()),
                    end: Some("2015".into()),
                    ..Default::default()
                }],
                skills: vec![],
            },
            Section {
                kind: SectionKind::Skills,
                heading: "Skills".into(),
                entries: vec![],
                skills: vec!["Rust".into(), "SQL".into(), "Python".into()],
            },
            Section {
                kind: SectionKind::Projects,
                heading: "Projects".into(),
                entries: vec![],
                skills: vec![],
            },
            Section {
                kind: SectionKind::Certifications,
                heading: "Certifications".into(),
                entries: vec![],
                skills: vec![],
            },
            Section {
                kind: SectionKind::Other,
                heading: "Interests".into(),
                entries: vec![],
                skills: vec![],
            },
        ],
        text: "Ada Lovelace\nSummary\n...".into(),
        warnings: vec!["two-column layout".into()],
    }
}

fn report(score: u8) -> MatchReport {
    MatchReport {
        alignment_score: score,
        breakdown: vec![
            ScoreComponent { name: "keywords".into(), score: 66.7, weight: 0.4, detail: "2 of 3".into() },
            ScoreComponent { name: "title".into(), score: 100.0, weight: 0.15, detail: "exact".into() },
        ],
        matched_keywords: vec![
            KeywordMatch {
                term: "PostgreSQL".into(),
                importance: Importance::Required,
                weight: 1.5,
                resume_term: "Postgres".into(),
                literal: false,
                sections: vec!["experience".into()],
            },
            KeywordMatch {
                term: "Python".into(),
                importance: Importance::Mentioned,
                weight: 0.25,
                resume_term: "Python".into(),
                literal: true,
                sections: vec!["experience".into(), "skills".into()],
            },
        ],
        missing_keywords: vec![KeywordGap {
            term: "Kafka".into(),
            importance: Importance::Preferred,
            weight: 0.5,
        }],
        recommendations: vec!["use the wording PostgreSQL".into(), "show Kafka if you used it".into()],
    }
}

fn diff() -> Vec<SectionDiff> {
    vec![SectionDiff {
        section: SectionKind::Experience,
        heading: "Professional Experience".into(),
        original: "- Ran Postgres databases".into(),
        optimized: "- Ran PostgreSQL databases".into(),
        change_type: ChangeType::KeywordAligned,
        changes: vec![
            LineChange {
                change_id: "c1".into(),
                item_id: Some("1.0.0".into()),
                change_type: ChangeType::KeywordAligned,
                original: "Ran Postgres databases".into(),
                optimized: "Ran PostgreSQL databases".into(),
                spans: vec![
                    DiffSpan { op: "equal".into(), text: "Ran ".into() },
                    DiffSpan { op: "delete".into(), text: "Postgres".into() },
                    DiffSpan { op: "insert".into(), text: "PostgreSQL".into() },
                ],
                uncertain: false,
            },
            LineChange {
                change_id: "c2".into(),
                item_id: None,
                change_type: ChangeType::Reordered,
                original: "Rust, SQL, Python".into(),
                optimized: "SQL, Python, Rust".into(),
                spans: vec![],
                uncertain: true,
            },
        ],
    }]
}

fn optimization() -> Optimization {
    let mut optimized = resume();
    optimized.sections[1].entries[0].lines[0] = "Ran PostgreSQL databases".into();
    Optimization {
        optimization_id: Uuid::now_v7(),
        status: OptimizationStatus::Completed,
        resume_id: Uuid::now_v7(),
        job_description_id: Uuid::now_v7(),
        strategy: Strategy::Conservative,
        created_at: at(1_767_225_600, 123_456_789),
        updated_at: at(1_767_225_660, 0),
        result: Some(OptimizationResult {
            summary: vec!["aligned 1 keyword".into(), "reordered skills".into()],
            score_before: report(58),
            score_after: report(74),
            diff: diff(),
            suggestions: vec![
                Suggestion {
                    change_id: "c1".into(),
                    target: SuggestionTarget::Line { item: ItemId { section: 1, entry: 0, line: 0 } },
                    section: SectionKind::Experience,
                    change_type: ChangeType::KeywordAligned,
                    original: "Ran Postgres databases".into(),
                    suggested: "Ran PostgreSQL databases".into(),
                    reason: "the JD says PostgreSQL".into(),
                    uncertain: false,
                },
                Suggestion {
                    change_id: "c2".into(),
                    target: SuggestionTarget::Skills { section: 3 },
                    section: SectionKind::Skills,
                    change_type: ChangeType::Reordered,
                    original: "Rust, SQL, Python".into(),
                    suggested: "SQL, Python, Rust".into(),
                    reason: "JD relevance".into(),
                    uncertain: true,
                },
                Suggestion {
                    change_id: "c3".into(),
                    target: SuggestionTarget::Line { item: ItemId { section: 0, entry: 0, line: 0 } },
                    section: SectionKind::Summary,
                    change_type: ChangeType::Strengthened,
                    original: "Engineer with 8 years of data work.".into(),
                    suggested: "Data engineer with 8 years of production work.".into(),
                    reason: "stronger opening".into(),
                    uncertain: false,
                },
            ],
            warnings: vec!["1 suggestion uncertain".into()],
            provider: "openai".into(),
            model: "gpt-4.1-mini".into(),
            optimized,
        }),
        error: None,
    }
}

fn version() -> Version {
    Version {
        version_id: Uuid::now_v7(),
        optimization_id: Uuid::now_v7(),
        resume_id: Uuid::now_v7(),
        score: 74,
        accepted_changes: vec!["c1".into(), "c3".into()],
        edited_changes: vec!["c3".into()],
        rejected_changes: vec!["c2".into()],
        warnings: vec!["c3: the number \"40%\" is not in the resume".into()],
        optimized: resume(),
        diff: diff(),
        notes: Some("for the Acme application".into()),
        created_at: at(1_767_225_700, 5),
    }
}

#[test]
fn parsed_resume_round_trips() {
    let resume = resume();
    assert_eq!(round_trip::<_, pb::ParsedResume>(&resume), resume);
    assert_eq!(round_trip::<_, pb::ParsedResume>(&ParsedResume::default()), ParsedResume::default());
}

#[test]
fn match_report_round_trips() {
    for score in [0, 58, 100] {
        let report = report(score);
        assert_eq!(round_trip::<_, pb::MatchReport>(&report), report);
    }
}

#[test]
fn optimization_with_result_round_trips() {
    let completed = optimization();
    assert_eq!(round_trip::<_, pb::Optimization>(&completed), completed);

    let failed = Optimization {
        status: OptimizationStatus::Failed,
        result: None,
        error: Some(FailureInfo { code: ErrorCode::ProviderTimeout, message: "openai timed out".into() }),
        ..optimization()
    };
    assert_eq!(round_trip::<_, pb::Optimization>(&failed), failed);

    for status in [OptimizationStatus::Queued, OptimizationStatus::Processing, OptimizationStatus::Generating]
    {
        for strategy in [Strategy::Default, Strategy::AggressiveKeywords] {
            let active = Optimization { status, strategy, result: None, ..optimization() };
            assert_eq!(round_trip::<_, pb::Optimization>(&active), active);
        }
    }
}

#[test]
fn versions_exports_and_records_round_trip() {
    let version = version();
    assert_eq!(round_trip::<_, pb::Version>(&version), version);

    let accepted = Accepted {
        version: version.clone(),
        exports: [ExportFormat::Pdf, ExportFormat::Docx, ExportFormat::Text]
            .into_iter()
            .zip([ExportStatus::Queued, ExportStatus::Completed, ExportStatus::Failed])
            .map(|(format, status)| ExportRecord {
                export_id: Uuid::now_v7(),
                version_id: version.version_id,
                format,
                design: if format == ExportFormat::Docx {
                    ExportDesign::Compact
                } else {
                    ExportDesign::Modern
                },
                status,
                storage_key: (status == ExportStatus::Completed)
                    .then(|| "users/u/versions/v/resume.docx".into()),
                download_url: (status == ExportStatus::Completed).then(|| {
                    "https://bucket.s3.amazonaws.com/users/u/versions/v/resume.docx?X-Amz-Signature=abc"
                        .into()
                }),
                expires_at: (status == ExportStatus::Completed)
                    .then(|| chrono::DateTime::from_timestamp(1_764_500_000, 0).expect("valid time")),
            })
            .collect(),
        created: false,
    };
    assert_eq!(round_trip::<_, pb_optimization::AcceptOptimizationResponse>(&accepted), accepted);

    let page = VersionPage { items: vec![version.clone(), version], next_cursor: Some("abc".into()) };
    assert_eq!(round_trip::<_, pb_optimization::ListVersionsResponse>(&page), page);

    let resume_record = ResumeRecord {
        resume_id: Uuid::now_v7(),
        file_name: "Ada CV.pdf".into(),
        parse_status: ParseStatus::Completed,
        parsed: Some(resume()),
        error: None,
        created_at: at(1_767_225_000, 999_999_999),
    };
    assert_eq!(round_trip::<_, pb_parsing::ResumeRecord>(&resume_record), resume_record);

    let job_record = JobDescriptionRecord {
        job_description_id: Uuid::now_v7(),
        parse_status: ParseStatus::Failed,
        parsed: Some(ParsedJobDescription {
            title: Some("Data Engineer".into()),
            company: Some("Acme".into()),
            location: Some("Remote".into()),
            employment_type: Some("full-time".into()),
            required_skills: vec!["PostgreSQL".into(), "Python".into()],
            preferred_skills: vec!["Kafka".into()],
            sanitized_text: "We need PostgreSQL and Python.".into(),
            warnings: vec!["short".into()],
            requirements: vec![
                Requirement {
                    term: "Go".into(),
                    importance: Importance::Required,
                    kind: RequirementKind::Tool,
                    source: "Go, Rust or Java".into(),
                    alternatives: vec!["Rust".into(), "Java".into()],
                    years: None,
                    category: false,
                },
                Requirement {
                    term: "5+ years experience".into(),
                    importance: Importance::Preferred,
                    kind: RequirementKind::Years,
                    source: "5+ years of Python".into(),
                    alternatives: Vec::new(),
                    years: Some(5),
                    category: true,
                },
            ],
        }),
        error: Some(ParseError { code: ErrorCode::ParseFailed, message: "file is encrypted".into() }),
        created_at: at(0, 0),
    };
    assert_eq!(round_trip::<_, pb_parsing::JobDescriptionRecord>(&job_record), job_record);
}

#[test]
fn every_error_code_round_trips_as_data() {
    for &code in ErrorCode::ALL {
        let info = FailureInfo { code, message: format!("{code}") };
        assert_eq!(round_trip::<_, pb::ErrorInfo>(&info), info);
    }
}

#[test]
fn malformed_messages_are_invalid_input() {
    let expect = |result: Result<Optimization, Error>, needle: &str| {
        let error = result.unwrap_err();
        assert_eq!(error.code, ErrorCode::InvalidInput, "{error}");
        assert!(error.message.contains(needle), "{:?} should mention {needle}", error.message);
    };
    let good = pb::Optimization::from(optimization());

    expect(
        Optimization::try_from(pb::Optimization { optimization_id: "nope".into(), ..good.clone() }),
        "optimizationId",
    );
    expect(Optimization::try_from(pb::Optimization { status: 0, ..good.clone() }), "status is unspecified");
    expect(
        Optimization::try_from(pb::Optimization { strategy: 99, ..good.clone() }),
        "strategy has an unknown value 99",
    );
    expect(
        Optimization::try_from(pb::Optimization { created_at: None, ..good.clone() }),
        "createdAt is missing",
    );
    expect(
        Optimization::try_from(pb::Optimization {
            updated_at: Some(prost_types::Timestamp { seconds: 0, nanos: -1 }),
            ..good.clone()
        }),
        "updatedAt is not a valid timestamp",
    );

    let mut no_score = good.clone();
    no_score.result.as_mut().unwrap().score_before = None;
    expect(Optimization::try_from(no_score), "scoreBefore is missing");

    let mut too_high = good.clone();
    too_high.result.as_mut().unwrap().score_after.as_mut().unwrap().alignment_score = 101;
    expect(Optimization::try_from(too_high), "outside 0..=100");

    let mut no_target = good.clone();
    no_target.result.as_mut().unwrap().suggestions[0].target = None;
    expect(Optimization::try_from(no_target), "suggestion.target is missing");

    let mut bad_section = good;
    bad_section.result.as_mut().unwrap().optimized.as_mut().unwrap().sections[0].kind = 0;
    expect(Optimization::try_from(bad_section), "section.kind is unspecified");
}

#[test]
fn the_descriptor_set_describes_every_service() {
    let set = prost_types::FileDescriptorSet::decode(resumax_proto::FILE_DESCRIPTOR_SET).unwrap();
    let services: Vec<String> = set
        .file
        .iter()
        .flat_map(|file| file.service.iter().map(move |s| format!("{}.{}", file.package(), s.name())))
        .collect();
    for expected in [
        "resumax.gateway.v1.GatewayService",
        "resumax.parsing.v1.ParsingService",
        "resumax.scoring.v1.ScoringService",
        "resumax.optimization.v1.OptimizationService",
        "resumax.export.v1.ExportService",
    ] {
        assert!(services.iter().any(|s| s == expected), "{expected} missing from {services:?}");
    }
    // Reflection resolves imports from the same set, so the well-known types must be in it.
    assert!(set.file.iter().any(|f| f.name() == "google/protobuf/timestamp.proto"));
}
