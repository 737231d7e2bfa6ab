use resumax_core::api::ScoringApi;
use resumax_core::job_description::ParsedJobDescription;
use resumax_core::resume::{Contact, Entry, ParsedResume, Section, SectionKind};
use resumax_core::score::Importance;
use resumax_corpus::{jds, resumes};
use resumax_scoring::{ResumeIndex, ScoringService, rank, score, score_indexed};

fn job(title: &str, required: &[&str], preferred: &[&str], text: &str) -> ParsedJobDescription {
    ParsedJobDescription {
        title: Some(title.to_string()),
        company: Some("Acme".to_string()),
        location: None,
        employment_type: None,
        required_skills: required.iter().map(|s| s.to_string()).collect(),
        preferred_skills: preferred.iter().map(|s| s.to_string()).collect(),
        sanitized_text: text.to_string(),
        warnings: vec![],
        requirements: vec![],
    }
}

fn backend_job() -> ParsedJobDescription {
    job(
        "Senior Backend Engineer",
        &["PostgreSQL", "Kubernetes", "Go", "Kafka"],
        &["Terraform"],
        "Senior Backend Engineer. Must have: 3+ years building services in Go, PostgreSQL, \
         Kubernetes and Kafka. Nice to have: Terraform. Bachelor's degree in Computer Science.",
    )
}

fn resume(title: &str, bullets: &[&str], skills: &[&str]) -> ParsedResume {
    let text = format!("{title}\n{}\n{}", bullets.join("\n"), skills.join(", "));
    ParsedResume {
        contact: Contact {
            name: Some("Ada Example".into()),
            email: Some("ada@example.com".into()),
            phone: Some("555-0100".into()),
            ..Contact::default()
        },
        tagline: None,
        sections: vec![
            Section {
                kind: SectionKind::Experience,
                heading: "Experience".into(),
                entries: vec![Entry {
                    organization: Some("Initech".into()),
                    title: Some(title.to_string()),
                    start: Some("2018-01".into()),
                    end: Some("2023-06".into()),
                    date_text: Some("Jan 2018 - Jun 2023".into()),
                    lines: bullets.iter().map(|s| s.to_string()).collect(),
                    ..Entry::default()
                }],
                skills: vec![],
            },
            Section {
                kind: SectionKind::Skills,
                heading: "Skills".into(),
                entries: vec![],
                skills: skills.iter().map(|s| s.to_string()).collect(),
            },
            Section {
                kind: SectionKind::Education,
                heading: "Education".into(),
                entries: vec![Entry {
                    organization: Some("State University".into()),
                    title: Some("B.S. in Computer Science".into()),
                    ..Entry::default()
                }],
                skills: vec![],
            },
        ],
        text,
        warnings: vec![],
    }
}

#[test]
fn same_input_same_report_byte_for_byte() {
    let r =
        resume("Backend Engineer", &["Built billing services in Go on Postgres and k8s"], &["Go", "Kafka"]);
    let a = serde_json::to_string(&score(&r, &backend_job())).unwrap();
    let b = serde_json::to_string(&score(&r, &backend_job())).unwrap();
    assert_eq!(a, b);
    let index = ResumeIndex::new(&r);
    let c = serde_json::to_string(&score_indexed(&index, &backend_job())).unwrap();
    assert_eq!(a, c, "the indexed path must answer the same");
}

#[test]
fn scores_and_components_stay_in_bounds() {
    let empty = ParsedResume::default();
    let full = resume(
        "Senior Backend Engineer",
        &["Ran Go services on PostgreSQL, Kubernetes and Kafka; Terraform for infra"],
        &["Go", "PostgreSQL", "Kubernetes", "Kafka", "Terraform"],
    );
    let jobs = [backend_job(), ParsedJobDescription::default()];
    for r in [&empty, &full] {
        for j in &jobs {
            let report = score(r, j);
            assert!(report.alignment_score <= 100);
            let weights: f64 = report.breakdown.iter().map(|c| c.weight).sum();
            assert!((weights - 1.0).abs() < 1e-9, "weights sum to {weights}");
            for c in &report.breakdown {
                assert!((0.0..=100.0).contains(&c.score), "{c:?}");
            }
        }
    }
    assert!(score(&full, &backend_job()).alignment_score >= 90);
    assert!(score(&empty, &backend_job()).alignment_score <= 10);
}

#[test]
fn alias_match_is_partial_and_not_literal() {
    let r = resume("Backend Engineer", &["Tuned Postgres queries for the billing service"], &[]);
    let report = score(&r, &backend_job());
    let m = report
        .matched_keywords
        .iter()
        .find(|m| m.term == "PostgreSQL")
        .expect("Postgres is understood as PostgreSQL");
    assert!(!m.literal);
    assert_eq!(m.resume_term, "Postgres");
    assert_eq!(m.importance, Importance::Required);
    assert_eq!(m.sections, ["experience"]);
    assert!(
        report.recommendations.iter().any(|r| r.contains("\"PostgreSQL\"")
            && r.contains("\"Postgres\"")
            && r.contains("use the JD's term")),
        "{:#?}",
        report.recommendations
    );
}

#[test]
fn using_the_jds_literal_term_scores_higher() {
    let alias = resume("Backend Engineer", &["Tuned Postgres queries on k8s"], &[]);
    let literal = resume("Backend Engineer", &["Tuned PostgreSQL queries on Kubernetes"], &[]);
    let a = score(&alias, &backend_job());
    let l = score(&literal, &backend_job());
    assert!(l.alignment_score > a.alignment_score, "{} vs {}", l.alignment_score, a.alignment_score);
    assert!(l.matched_keywords.iter().any(|m| m.term == "PostgreSQL" && m.literal));
}

#[test]
fn stuffing_a_skills_list_does_not_beat_evidence_in_bullets() {
    let terms = ["Go", "PostgreSQL", "Kubernetes", "Kafka", "Terraform"];
    let stuffed_list: Vec<&str> = terms.iter().cycle().take(60).copied().collect();
    let stuffed = resume("Backend Engineer", &["Wrote software"], &stuffed_list);
    let plain_list = resume("Backend Engineer", &["Wrote software"], &terms);
    let evidenced = resume(
        "Backend Engineer",
        &[
            "Built Go services on PostgreSQL",
            "Ran them on Kubernetes with Kafka streams, provisioned with Terraform",
        ],
        &[],
    );
    let s = score(&stuffed, &backend_job()).alignment_score;
    let p = score(&plain_list, &backend_job()).alignment_score;
    let e = score(&evidenced, &backend_job()).alignment_score;
    assert_eq!(s, p, "repeating terms earns nothing");
    assert!(e > s, "evidenced {e} vs stuffed {s}");
}

#[test]
fn recommendations_put_missing_required_skills_first() {
    let r = resume("Backend Engineer", &["Built Go services on PostgreSQL"], &["Terraform"]);
    let report = score(&r, &backend_job());
    let first = report.recommendations.first().expect("advice");
    assert!(first.contains("required"), "{:#?}", report.recommendations);
    assert!(report.missing_keywords.iter().any(|g| g.term == "Kubernetes"));
}

#[tokio::test]
async fn service_answers_like_the_function() {
    let r = resume("Backend Engineer", &["Built Go services"], &["Kafka"]);
    let via_trait = ScoringService.score(&r, &backend_job()).await.expect("score");
    assert_eq!(via_trait, score(&r, &backend_job()));
}

fn with_role_dates(mut r: ParsedResume, start: &str, end: &str) -> ParsedResume {
    let entry = &mut r.sections[0].entries[0];
    entry.start = Some(start.into());
    entry.end = Some(end.into());
    r
}

#[test]
fn adding_a_missing_required_skill_gains_more_than_a_preferred_one() {
    let base = resume("Backend Engineer", &["Built Go services on PostgreSQL with Kafka"], &[]);
    let plus_required = resume(
        "Backend Engineer",
        &["Built Go services on PostgreSQL with Kafka", "Ran them on Kubernetes"],
        &[],
    );
    let plus_preferred = resume(
        "Backend Engineer",
        &["Built Go services on PostgreSQL with Kafka", "Provisioned them with Terraform"],
        &[],
    );
    let b = score(&base, &backend_job());
    let r = score(&plus_required, &backend_job());
    let p = score(&plus_preferred, &backend_job());
    assert!(
        p.alignment_score > b.alignment_score,
        "preferred {} vs base {}",
        p.alignment_score,
        b.alignment_score
    );
    assert!(
        r.alignment_score > p.alignment_score,
        "required {} vs preferred {}",
        r.alignment_score,
        p.alignment_score
    );
    // The report ranked the gap the same way before the edit.
    let gaps: Vec<&str> = b.missing_keywords.iter().map(|g| g.term.as_str()).collect();
    let k = gaps.iter().position(|t| *t == "Kubernetes").expect("Kubernetes missing");
    let t = gaps.iter().position(|t| *t == "Terraform").expect("Terraform missing");
    assert!(k < t, "missing keywords by impact: {gaps:?}");
}

#[test]
fn k8s_is_understood_as_kubernetes() {
    let r = resume("Backend Engineer", &["Operated 40 k8s clusters"], &[]);
    let report = score(&r, &backend_job());
    let m = report.matched_keywords.iter().find(|m| m.term == "Kubernetes").expect("k8s matches Kubernetes");
    assert_eq!(m.resume_term, "k8s");
    assert!(!m.literal);
    assert!(!report.missing_keywords.iter().any(|g| g.term == "Kubernetes"));
    assert!(
        report.recommendations.iter().any(|r| r.contains("would miss \"k8s\"")),
        "{:#?}",
        report.recommendations
    );
}

#[test]
fn repeating_a_keyword_ten_times_scores_the_same_as_once() {
    let once = resume("Backend Engineer", &["Built services in Go using Kafka"], &["Kafka"]);
    let bullet = format!("Built services in Go using {}", ["Kafka"; 10].join(" Kafka, "));
    let ten_times = resume("Backend Engineer", &[bullet.as_str()], &["Kafka"; 10]);
    let a = score(&once, &backend_job());
    let b = score(&ten_times, &backend_job());
    assert_eq!(a.alignment_score, b.alignment_score);
    assert_eq!(a.breakdown, b.breakdown);
}

#[test]
fn the_same_input_scores_the_same_every_time() {
    let r = resume("Backend Engineer", &["Built Go services on Postgres, k8s and Kafka"], &["Terraform"]);
    let first = score(&r, &backend_job());
    for _ in 0..20 {
        assert_eq!(score(&r, &backend_job()), first);
    }
    let jobs = vec![backend_job(), job("Registered Nurse", &["BLS"], &[], "BLS required"), backend_job()];
    let ranked = rank(&r, &jobs, 0);
    assert_eq!(ranked, rank(&r, &jobs, 0));
    assert_eq!(ranked.iter().map(|j| j.index).collect::<Vec<_>>(), [0, 2, 1], "ties keep input order");
    assert_eq!(ranked[0].alignment_score, first.alignment_score, "ranking scores exactly like score()");
}

#[test]
fn a_skill_evidenced_only_in_a_bullet_still_matches() {
    let r = resume("Backend Engineer", &["Moved the billing events onto Kafka"], &[]);
    let report = score(&r, &backend_job());
    let m = report.matched_keywords.iter().find(|m| m.term == "Kafka").expect("bullet evidence matches");
    assert!(m.literal);
    assert_eq!(m.sections, ["experience"]);
}

#[test]
fn a_skill_from_a_recent_role_counts_more_than_one_from_long_ago() {
    let bullets = ["Built Go services on PostgreSQL, Kubernetes and Kafka"];
    let recent = with_role_dates(resume("Backend Engineer", &bullets, &[]), "2019-01", "2024-06");
    let mut old = with_role_dates(resume("Backend Engineer", &bullets, &[]), "2008-01", "2012-06");
    // A later role with no skills keeps the resume's "now" at 2024.
    old.sections[0].entries.push(Entry {
        title: Some("Backend Engineer".into()),
        start: Some("2013-01".into()),
        end: Some("2024-06".into()),
        lines: vec!["Kept the lights on".into()],
        ..Entry::default()
    });
    let hard = |r: &ParsedResume| score(r, &backend_job()).breakdown[0].score;
    assert!(hard(&recent) > hard(&old), "recent {} vs old {}", hard(&recent), hard(&old));
}

#[test]
fn soft_skills_are_a_component_of_their_own() {
    let jd = job(
        "Support Specialist",
        &["Zendesk", "Written Communication"],
        &[],
        "Requirements\n* Zendesk\n* Excellent written communication and problem solving",
    );
    let r = resume("Support Specialist", &["Answered 60 Zendesk tickets a day"], &[]);
    let with_soft = resume(
        "Support Specialist",
        &["Answered 60 Zendesk tickets a day", "Wrote help center articles; strong written communication"],
        &[],
    );
    let soft = |r: &ParsedResume| {
        let report = score(r, &jd);
        let c = report.breakdown.iter().find(|c| c.name == "soft_skills").cloned().expect("soft component");
        (c.score, report.breakdown.iter().find(|c| c.name == "hard_skills").map(|c| c.score))
    };
    let (before, hard_before) = soft(&r);
    let (after, hard_after) = soft(&with_soft);
    assert!(after > before, "{before} -> {after}");
    assert_eq!(hard_before, hard_after, "soft skills do not move the hard-skill score");
}

#[test]
fn searchability_checks_what_an_ats_needs() {
    let good = resume("Backend Engineer", &["Built Go services"], &["Go"]);
    let mut bad = good.clone();
    bad.contact.email = None;
    bad.sections[0].heading = "Where I have been".into();
    bad.sections[0].entries[0].start = None;
    bad.warnings.push("table_layout".into());
    let check = |r: &ParsedResume| {
        let report = score(r, &backend_job());
        report.breakdown.iter().find(|c| c.name == "searchability").map(|c| c.score).unwrap_or_default()
    };
    assert_eq!(check(&good), 100.0);
    assert!(check(&bad) <= 50.0, "{}", check(&bad));
    let advice = score(&bad, &backend_job()).recommendations.join("\n");
    for needle in ["email", "standard section headings", "dates", "single-column"] {
        assert!(advice.contains(needle), "{needle}: {advice}");
    }
}

/// Each corpus resume against every JD of its own role family and every JD of another family:
/// same-family pairs must score higher in nearly all comparisons.
#[test]
fn corpus_resumes_score_higher_for_their_own_role_family() {
    let resumes = resumes();
    let jds = jds();
    assert!(resumes.len() >= 30 && jds.len() >= 25, "corpus incomplete");
    let (mut wins, mut total) = (0usize, 0usize);
    let mut own_scores = Vec::new();
    let mut other_scores = Vec::new();
    for r in &resumes {
        let index = ResumeIndex::new(&r.resume);
        let scored: Vec<(bool, u8)> = jds
            .iter()
            .map(|j| (j.role_family == r.role_family, score_indexed(&index, &j.job).alignment_score))
            .collect();
        for &(same, s) in &scored {
            if same { own_scores.push(s) } else { other_scores.push(s) }
        }
        for &(same_a, a) in &scored {
            if !same_a {
                continue;
            }
            for &(same_b, b) in &scored {
                if !same_b {
                    total += 1;
                    wins += usize::from(a > b);
                }
            }
        }
    }
    let fraction = wins as f64 / total as f64;
    // Every resume, family by family: its own family's mean beats each unrelated family's mean.
    let mut per_family_failures = Vec::new();
    let mut comparisons = 0;
    for r in &resumes {
        let index = ResumeIndex::new(&r.resume);
        let mut by_family: std::collections::BTreeMap<&str, Vec<f64>> = std::collections::BTreeMap::new();
        for j in &jds {
            by_family
                .entry(j.role_family.as_str())
                .or_default()
                .push(f64::from(score_indexed(&index, &j.job).alignment_score));
        }
        let mean = |v: &Vec<f64>| v.iter().sum::<f64>() / v.len() as f64;
        let Some(own) = by_family.get(r.role_family.as_str()).map(mean) else {
            continue;
        };
        for (family, scores) in &by_family {
            if *family != r.role_family {
                comparisons += 1;
                if mean(scores) >= own {
                    per_family_failures.push(format!("{} vs {family}", r.id));
                }
            }
        }
    }
    eprintln!(
        "own family mean beats unrelated family mean in {}/{comparisons} resume-family comparisons",
        comparisons - per_family_failures.len()
    );
    assert!(per_family_failures.is_empty(), "{per_family_failures:?}");
    let mean = |v: &[u8]| v.iter().map(|&x| f64::from(x)).sum::<f64>() / v.len() as f64;
    eprintln!(
        "same-family wins {wins}/{total} = {fraction:.4}; mean own {:.1}, other {:.1}",
        mean(&own_scores),
        mean(&other_scores)
    );
    assert!(fraction >= 0.97, "same-family pairs win only {fraction:.4}");
}
