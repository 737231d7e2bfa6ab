use resumax_core::api::ScoringApi;
use resumax_core::job_description::ParsedJobDescription;
use resumax_core::resume::{Contact, Entry, ParsedResume, Section, SectionKind};
use resumax_core::score::Importance;
use resumax_corpus::{jds, resumes};
use resumax_scoring::{ResumeIndex, ScoringService, score, score_indexed};

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
    let mean = |v: &[u8]| v.iter().map(|&x| f64::from(x)).sum::<f64>() / v.len() as f64;
    eprintln!(
        "same-family wins {wins}/{total} = {fraction:.4}; mean own {:.1}, other {:.1}",
        mean(&own_scores),
        mean(&other_scores)
    );
    assert!(fraction >= 0.97, "same-family pairs win only {fraction:.4}");
}
