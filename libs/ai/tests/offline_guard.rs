use resumax_corpus as common;

use resumax_ai::{OfflineProvider, Provider, RewriteRequest, guard, guard_with_report};
use resumax_core::job_description::ParsedJobDescription;
use resumax_core::optimization::{ChangeType, Strategy, Suggestion, SuggestionTarget};
use resumax_core::resume::{Contact, Entry, ItemId, ParsedResume, Section, SectionKind};
use resumax_core::score::{Importance, KeywordMatch, MatchReport};

fn kw(
    term: &str,
    resume_term: &str,
    importance: Importance,
    literal: bool,
    sections: &[&str],
) -> KeywordMatch {
    KeywordMatch {
        term: term.to_string(),
        importance,
        weight: 3.0,
        resume_term: resume_term.to_string(),
        literal,
        sections: sections.iter().map(|s| s.to_string()).collect(),
    }
}

fn report(matches: Vec<KeywordMatch>) -> MatchReport {
    MatchReport {
        alignment_score: 50,
        breakdown: vec![],
        matched_keywords: matches,
        missing_keywords: vec![],
        recommendations: vec![],
    }
}

/// A stand-in for the scoring service's report (libraries do not depend on services): every JD
/// skill the resume contains word for word, with the sections it appears in.
fn literal_report(resume: &ParsedResume, job: &ParsedJobDescription) -> MatchReport {
    let has = |hay: &str, needle: &str| {
        hay.to_lowercase()
            .split(|c: char| !c.is_alphanumeric() && c != '+' && c != '#')
            .collect::<Vec<_>>()
            .windows(needle.split_whitespace().count().max(1))
            .any(|w| w.join(" ") == needle.to_lowercase())
    };
    let mut matches = Vec::new();
    for (list, importance) in
        [(&job.required_skills, Importance::Required), (&job.preferred_skills, Importance::Preferred)]
    {
        for skill in list {
            let sections: Vec<&str> = resume
                .sections
                .iter()
                .filter(|s| {
                    s.skills.iter().any(|i| has(i, skill))
                        || s.entries.iter().flat_map(|e| &e.lines).any(|l| has(l, skill))
                })
                .map(|s| s.kind.as_str())
                .collect();
            if !sections.is_empty() {
                matches.push(kw(skill, skill, importance, true, &sections));
            }
        }
    }
    report(matches)
}

fn sample_resume() -> ParsedResume {
    let lines =
        ["Responsible for managing Postgres clusters for 40 services", "Worked on the billing API in Go"];
    ParsedResume {
        contact: Contact {
            name: Some("Ada Example".into()),
            email: Some("ada@example.com".into()),
            ..Contact::default()
        },
        tagline: None,
        sections: vec![
            Section {
                kind: SectionKind::Summary,
                heading: "Summary".into(),
                entries: vec![Entry {
                    lines: vec!["Backend engineer who likes reliable systems.".into()],
                    ..Entry::default()
                }],
                skills: vec![],
            },
            Section {
                kind: SectionKind::Experience,
                heading: "Experience".into(),
                entries: vec![Entry {
                    organization: Some("Initech".into()),
                    title: Some("Software Engineer".into()),
                    date_text: Some("Jan 2019 - Present".into()),
                    start: Some("2019-01".into()),
                    current: true,
                    lines: lines.iter().map(|s| s.to_string()).collect(),
                    ..Entry::default()
                }],
                skills: vec![],
            },
            Section {
                kind: SectionKind::Skills,
                heading: "Skills".into(),
                entries: vec![],
                skills: vec!["Redis".into(), "Postgres".into(), "Kafka".into()],
            },
            Section {
                kind: SectionKind::Education,
                heading: "Education".into(),
                entries: vec![Entry {
                    organization: Some("State University".into()),
                    title: Some("B.S. in Computer Science".into()),
                    date_text: Some("2018".into()),
                    ..Entry::default()
                }],
                skills: vec![],
            },
        ],
        text: "Ada Example\nSummary\nBackend engineer who likes reliable systems.\nInitech\nSoftware Engineer\tJan 2019 - Present\nResponsible for managing Postgres clusters for 40 services\nWorked on the billing API in Go\nSkills\nRedis, Postgres, Kafka\nState University\nB.S. in Computer Science\t2018".into(),
        warnings: vec![],
    }
}

fn sample_request(strategy: Strategy) -> RewriteRequest {
    let job = ParsedJobDescription {
        title: Some("Backend Engineer".into()),
        required_skills: vec!["PostgreSQL".into(), "Go".into(), "Kafka".into()],
        preferred_skills: vec!["Redis".into()],
        sanitized_text: "Backend Engineer: PostgreSQL, Go, Kafka; Redis is a plus.".into(),
        ..ParsedJobDescription::default()
    };
    RewriteRequest {
        resume: sample_resume(),
        job,
        report: report(vec![
            kw("PostgreSQL", "Postgres", Importance::Required, false, &["experience", "skills"]),
            kw("Go", "Go", Importance::Required, true, &["experience"]),
            kw("Kafka", "Kafka", Importance::Required, true, &["skills"]),
            kw("Redis", "Redis", Importance::Preferred, true, &["skills"]),
        ]),
        strategy,
    }
}

#[tokio::test]
async fn offline_mirrors_strengthens_orders_and_adds() {
    let request = sample_request(Strategy::Default);
    let out = OfflineProvider.suggest(&request).await.expect("offline never fails");
    let ids: Vec<&str> = out.iter().map(|s| s.change_id.as_str()).collect();
    assert_eq!(ids, ["c1", "c2", "c3", "c4"], "{out:#?}");

    // A headline from the resume's own title and the JD skills it only lists.
    let summary = &out[0];
    assert_eq!(summary.target, SuggestionTarget::Line { item: ItemId { section: 0, entry: 0, line: 0 } });
    assert_eq!(summary.change_type, ChangeType::Added);
    assert_eq!(
        summary.suggested,
        "Software Engineer experienced with Kafka and Redis. Backend engineer who likes reliable systems."
    );

    let first = &out[1];
    assert_eq!(first.target, SuggestionTarget::Line { item: ItemId { section: 1, entry: 0, line: 0 } });
    assert_eq!(first.change_type, ChangeType::KeywordAligned);
    assert_eq!(first.suggested, "Managed PostgreSQL clusters for 40 services");

    assert_eq!(out[2].change_type, ChangeType::Strengthened);
    assert_eq!(out[2].suggested, "Contributed to the billing API in Go");

    let skills = &out[3];
    assert_eq!(skills.target, SuggestionTarget::Skills { section: 2 });
    assert_eq!(skills.original, "Redis, Postgres, Kafka");
    assert_eq!(skills.change_type, ChangeType::Added);
    // A listed skill keeps its wording (issue 10: a rewrite never removes a skill the resume
    // had); the bullet already carries the JD's spelling.
    assert_eq!(skills.suggested, "Go, Postgres, Kafka, Redis");

    let guarded = guard_with_report(&request.resume, &request.report, out.clone());
    assert!(guarded.dropped.is_empty(), "{:#?}", guarded.dropped);
    assert!(guarded.kept.iter().all(|s| !s.uncertain), "{:#?}", guarded.kept);
    // Without the report the JD's spelling cannot be verified: kept, but uncertain.
    // No list item is renamed, so no list is dropped.
    let strict = guard(&request.resume, out);
    assert!(strict.dropped.is_empty(), "{:#?}", strict.dropped);
    assert!(!strict.kept[0].uncertain && strict.kept[1].uncertain && !strict.kept[2].uncertain);
}

#[tokio::test]
async fn conservative_only_aligns_keywords_and_aggressive_surfaces_skills() {
    let out = OfflineProvider.suggest(&sample_request(Strategy::Conservative)).await.unwrap();
    assert!(!out.is_empty());
    assert!(out.iter().all(|s| s.change_type == ChangeType::KeywordAligned), "{out:#?}");
    assert_eq!(out[0].suggested, "Responsible for managing PostgreSQL clusters for 40 services");

    let request = sample_request(Strategy::AggressiveKeywords);
    let out = OfflineProvider.suggest(&request).await.unwrap();
    let summary = out.iter().find(|s| s.section == SectionKind::Summary).expect("summary suggestion");
    assert_eq!(
        summary.suggested,
        "Software Engineer experienced with Kafka, Redis and Go. Backend engineer who likes reliable systems."
    );
    let guarded = guard_with_report(&request.resume, &request.report, out);
    assert!(guarded.dropped.is_empty() && guarded.kept.iter().all(|s| !s.uncertain), "{guarded:#?}");
}

#[tokio::test]
async fn offline_on_the_corpus_suggests_and_passes_the_guard() {
    let jds = common::jds();
    let mut total = 0;
    let mut pairs = 0;
    let mut without = Vec::new();
    for r in common::resumes() {
        // The fullest JD of the resume's own family.
        let job = jds
            .iter()
            .filter(|j| j.role_family == r.role_family)
            .max_by_key(|j| {
                (j.job.required_skills.len() + j.job.preferred_skills.len(), std::cmp::Reverse(j.id.clone()))
            })
            .expect("a JD of the same family");
        for strategy in [Strategy::Default, Strategy::AggressiveKeywords] {
            let request = RewriteRequest {
                report: literal_report(&r.resume, &job.job),
                resume: r.resume.clone(),
                job: job.job.clone(),
                strategy,
            };
            let out = OfflineProvider.suggest(&request).await.unwrap();
            pairs += 1;
            let again = OfflineProvider.suggest(&request).await.unwrap();
            assert_eq!(out, again, "deterministic");
            if out.is_empty() {
                without.push(format!("{} vs {} ({strategy:?})", r.id, job.id));
            }
            total += out.len();
            let guarded = guard_with_report(&request.resume, &request.report, out.clone());
            assert!(guarded.dropped.is_empty(), "{}: {:#?}", r.id, guarded.dropped);
            let unsure: Vec<&Suggestion> = guarded.kept.iter().filter(|s| s.uncertain).collect();
            assert!(unsure.is_empty(), "{}: {unsure:#?}", r.id);
        }
    }
    eprintln!("offline: {total} suggestions over {pairs} runs; none for {without:?}");
    // A resume that already uses the JD's words in the JD's order legitimately gets nothing.
    assert!(without.len() * 10 <= pairs, "no suggestion for {without:?}");
    assert!(total >= pairs, "{total} suggestions for {pairs} runs");
}

fn line_suggestion(resume: &ParsedResume, item: ItemId, suggested: &str) -> Suggestion {
    Suggestion {
        change_id: "c1".into(),
        target: SuggestionTarget::Line { item },
        section: resume.sections[item.section].kind,
        change_type: ChangeType::Rephrased,
        original: resume.line(item).unwrap().to_string(),
        suggested: suggested.to_string(),
        reason: "test".into(),
        uncertain: false,
    }
}

const BULLET: ItemId = ItemId { section: 1, entry: 0, line: 1 };

fn guard_one(suggested: &str) -> (Option<Suggestion>, Option<String>) {
    let resume = sample_resume();
    let g = guard(&resume, vec![line_suggestion(&resume, BULLET, suggested)]);
    (g.kept.into_iter().next(), g.dropped.into_iter().next().map(|(_, why)| why))
}

#[test]
fn guard_drops_an_invented_employer() {
    let (kept, why) = guard_one("Worked on the billing API in Go at Globex Corporation");
    assert!(kept.is_none());
    assert!(why.unwrap().contains("employer"));
    let (kept, _) = guard_one("Worked on the billing API in Go while at Hooli");
    assert!(kept.is_none(), "a new name after \"at\" is an employer");
    // The resume's own employer is fine.
    let (kept, _) = guard_one("Worked on the billing API in Go at Initech");
    assert!(kept.is_some());
}

#[test]
fn guard_drops_an_invented_date() {
    for invented in [
        "Worked on the billing API in Go from 2015",
        "Worked on the billing API in Go since 03/2016",
        "Worked on the billing API in Go since September",
    ] {
        let (kept, why) = guard_one(invented);
        assert!(kept.is_none(), "{invented}");
        assert!(why.unwrap().contains("date"), "{invented}");
    }
    let (kept, _) = guard_one("Worked on the billing API in Go since 2019");
    assert!(kept.is_some(), "a year the resume prints is not invented");
}

#[test]
fn guard_drops_an_invented_degree() {
    for invented in [
        "Worked on the billing API in Go during an MBA",
        "Worked on the billing API in Go, drawing on a Master's thesis",
        "Worked on the billing API in Go with a Ph.D. in Physics",
    ] {
        let (kept, why) = guard_one(invented);
        assert!(kept.is_none(), "{invented}");
        assert!(why.unwrap().contains("degree"), "{invented}");
    }
    let (kept, _) = guard_one("Worked on the billing API in Go, applying my B.S. coursework");
    assert!(kept.is_some(), "the resume has a B.S.");
}

#[test]
fn guard_flags_an_invented_metric() {
    let (kept, why) = guard_one("Worked on the billing API in Go, cutting latency by 35%");
    assert!(why.is_none());
    let kept = kept.unwrap();
    assert!(kept.uncertain);
    assert!(kept.reason.contains("35%"), "{}", kept.reason);
    let (kept, _) = guard_one("Contributed to the billing API in Go");
    assert!(!kept.unwrap().uncertain);
}

#[test]
fn guard_flags_an_unevidenced_skill() {
    let (kept, _) = guard_one("Worked on the billing API in Go and Kubernetes");
    assert!(kept.unwrap().uncertain);
}

#[test]
fn guard_drops_a_broken_evidence_link_and_runaway_growth() {
    let resume = sample_resume();
    let mut wrong = line_suggestion(&resume, BULLET, "Contributed to the billing API in Go");
    wrong.original = "Worked on the payments API in Go".into();
    let mut missing = line_suggestion(&resume, BULLET, "Contributed to the billing API in Go");
    missing.change_id = "c2".into();
    missing.target = SuggestionTarget::Line { item: ItemId { section: 9, entry: 0, line: 0 } };
    let mut long = line_suggestion(&resume, BULLET, &"Contributed to the billing API in Go ".repeat(4));
    long.change_id = "c3".into();
    let g = guard(&resume, vec![wrong, missing, long]);
    assert!(g.kept.is_empty());
    let reasons: Vec<&str> = g.dropped.iter().map(|(_, r)| r.as_str()).collect();
    assert!(reasons[0].contains("evidence link"), "{reasons:?}");
    assert!(reasons[1].contains("does not exist"), "{reasons:?}");
    assert!(reasons[2].contains("cap"), "{reasons:?}");
}
