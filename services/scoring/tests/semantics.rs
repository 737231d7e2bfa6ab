//! The scoring rules a recruiter would sign, one test each, on small inputs built here: groups,
//! open-ended dates, version spellings, concepts not substrings, ambiguous names, the quality
//! floor, no negative zero, and a rewrite that only prepends text gaining nothing.

use resumax_core::job_description::ParsedJobDescription;
use resumax_core::resume::{Contact, Entry, ParsedResume, Section, SectionKind};
use resumax_core::score::{Importance, MatchReport};
use resumax_scoring::{ResumeIndex, score, score_indexed};

fn posting(title: &str, text: &str) -> ParsedJobDescription {
    resumax_document::analyze_job_description(text, Some(title), Some("Acme"), Some("Remote"))
}

fn section(kind: SectionKind, heading: &str, entries: Vec<Entry>, skills: &[&str]) -> Section {
    Section { kind, heading: heading.into(), entries, skills: skills.iter().map(|s| s.to_string()).collect() }
}

/// A resume with one role (title, dates, bullets), a skills list and a summary.
fn resume(
    title: &str,
    start: &str,
    end: Option<&str>,
    bullets: &[&str],
    skills: &[&str],
    summary: &str,
) -> ParsedResume {
    let role = Entry {
        organization: Some("Initech".into()),
        title: Some(title.into()),
        start: Some(start.into()),
        end: end.map(str::to_string),
        current: end.is_none(),
        date_text: Some(format!("{start} - {}", end.unwrap_or("Present"))),
        lines: bullets.iter().map(|s| s.to_string()).collect(),
        ..Entry::default()
    };
    let summary_entry = Entry { lines: vec![summary.to_string()], ..Entry::default() };
    let education = Entry {
        organization: Some("State University".into()),
        title: Some("B.S. in Computer Science".into()),
        ..Entry::default()
    };
    let sections = vec![
        section(SectionKind::Summary, "Summary", vec![summary_entry], &[]),
        section(SectionKind::Experience, "Experience", vec![role], &[]),
        section(SectionKind::Skills, "Skills", vec![], skills),
        section(SectionKind::Education, "Education", vec![education], &[]),
    ];
    let text = format!(
        "Ada Example\n{summary}\n{title}\t{start} - {}\n{}\n{}\nB.S. in Computer Science",
        end.unwrap_or("Present"),
        bullets.join("\n"),
        skills.join(", ")
    );
    ParsedResume {
        contact: Contact {
            name: Some("Ada Example".into()),
            email: Some("ada@example.com".into()),
            phone: Some("555-0100".into()),
            ..Contact::default()
        },
        sections,
        text,
        ..ParsedResume::default()
    }
}

const BACKEND: &str = "Requirements\n\
• 3+ years of experience building backend services\n\
• Experience with Go, Rust or Java\n\
• PostgreSQL and Kafka\n\
• Experience with Kubernetes\n\
Nice to have\n\
• Terraform is a plus\n";

fn component(report: &MatchReport, name: &str) -> f64 {
    report.breakdown.iter().find(|c| c.name == name).map(|c| c.score).expect("component")
}

fn matched(report: &MatchReport, term: &str) -> bool {
    report.matched_keywords.iter().any(|k| k.term.eq_ignore_ascii_case(term))
}

fn missing(report: &MatchReport, term: &str) -> bool {
    report.missing_keywords.iter().any(|k| k.term.eq_ignore_ascii_case(term))
}

#[test]
fn an_either_or_group_is_satisfied_by_any_member() {
    let job = posting("Backend Engineer", BACKEND);
    let rust_dev = resume(
        "Backend Engineer",
        "2019-01",
        Some("2024-01"),
        &["Built Rust services on PostgreSQL"],
        &[],
        "",
    );
    let report = score(&rust_dev, &job);
    assert!(matched(&report, "Rust"), "{:?}", report.matched_keywords);
    for other in ["Go", "Java"] {
        assert!(!missing(&report, other), "{other} reported missing: {:?}", report.missing_keywords);
    }
    assert!(
        !report.recommendations.iter().any(|r| r.contains("\"Java\" if you have this")),
        "{:#?}",
        report.recommendations
    );
    // Without any member, the advice names the group once.
    let none =
        resume("Backend Engineer", "2019-01", Some("2024-01"), &["Built services on PostgreSQL"], &[], "");
    let report = score(&none, &job);
    assert!(
        report.recommendations.iter().any(|r| r.contains("\"Go\", \"Rust\" or \"Java\"")),
        "{:#?}",
        report.recommendations
    );
}

#[test]
fn an_ongoing_role_counts_up_to_today() {
    let job = posting("Backend Engineer", "Requirements\n• 6+ years of experience\n• Go and PostgreSQL\n");
    let r = resume("Backend Engineer", "2019-01", None, &["Go services on PostgreSQL"], &[], "");
    // As of January 2027 the role has run eight years; the resume prints no date after 2019.
    let report = score_indexed(&ResumeIndex::at(&r, 2027 * 12), &job);
    assert_eq!(component(&report, "experience"), 100.0, "{:?}", report.breakdown);
    // "2019 - Present" is a date, not the skill of presenting.
    let job = posting("Backend Engineer", "Requirements\n• Go\n• Present findings to stakeholders\n");
    let report = score(&r, &job);
    assert!(
        !report.matched_keywords.iter().any(|k| k.resume_term.eq_ignore_ascii_case("present")),
        "{:?}",
        report.matched_keywords
    );
}

#[test]
fn a_version_number_is_the_same_skill() {
    let job = posting("Frontend Developer", "Requirements\n• HTML and CSS\n• JavaScript\n");
    let versioned = resume(
        "Frontend Developer",
        "2019-01",
        Some("2024-01"),
        &["Built pages in HTML5 and CSS3 with JavaScript"],
        &[],
        "",
    );
    let plain = resume(
        "Frontend Developer",
        "2019-01",
        Some("2024-01"),
        &["Built pages in HTML and CSS with JavaScript"],
        &[],
        "",
    );
    let (v, p) = (score(&versioned, &job), score(&plain, &job));
    assert_eq!(component(&v, "hard_skills"), component(&p, "hard_skills"));
    assert!(v.matched_keywords.iter().all(|k| k.literal), "{:?}", v.matched_keywords);
}

#[test]
fn a_word_inside_a_longer_concept_is_not_that_skill() {
    let job = posting("Network Engineer", "Requirements\n• Networking\n• Linux\n");
    let ml = resume(
        "ML Engineer",
        "2019-01",
        Some("2024-01"),
        &["Trained Convolutional Neural Networks on Linux"],
        &[],
        "",
    );
    let report = score(&ml, &job);
    assert!(missing(&report, "Networking"), "{:?}", report.matched_keywords);
    assert!(matched(&report, "Linux"));
}

#[test]
fn an_ambiguous_name_counts_only_in_its_own_sense() {
    let job = posting("Database Administrator", "Requirements\n• Oracle\n• SQL\n");
    let java = resume(
        "Java Developer",
        "2019-01",
        Some("2024-01"),
        &["Wrote SQL reports"],
        &["Oracle Certified Professional, Java SE 8 Programmer"],
        "",
    );
    let report = score(&java, &job);
    assert!(missing(&report, "Oracle"), "{:?}", report.matched_keywords);
    let dba = resume(
        "Database Administrator",
        "2019-01",
        Some("2024-01"),
        &["Tuned Oracle and SQL queries"],
        &[],
        "",
    );
    assert!(matched(&score(&dba, &job), "Oracle"));
}

#[test]
fn a_posting_under_the_quality_floor_gets_a_low_confidence_score() {
    let r = resume(
        "Backend Engineer",
        "2019-01",
        Some("2024-01"),
        &["Built Go services on PostgreSQL"],
        &["Go"],
        "",
    );
    let report = score(&r, &posting("", "hello"));
    assert!(report.alignment_score <= 15, "{}", report.alignment_score);
    assert!(report.recommendations[0].starts_with("Low confidence"), "{:#?}", report.recommendations);
    let confident = score(&r, &posting("Backend Engineer", BACKEND));
    assert!(!confident.recommendations.iter().any(|r| r.starts_with("Low confidence")));
}

#[test]
fn no_negative_zero_in_the_report() {
    let r = resume("Chef", "2019-01", Some("2024-01"), &["Cooked"], &[], "");
    for text in ["hello", BACKEND] {
        let json = serde_json::to_string(&score(&r, &posting("Backend Engineer", text))).unwrap();
        assert!(!json.contains("-0.0") && !json.contains(":-0"), "{json}");
    }
}

/// The gaming test: a rewrite that prepends the posting's title and its missing keywords to the
/// summary, with no other evidence, raises no component.
#[test]
fn prepending_the_title_and_missing_keywords_to_the_summary_gains_nothing() {
    let job = posting("Senior Backend Engineer", BACKEND);
    let honest = resume(
        "Support Specialist",
        "2019-01",
        Some("2024-01"),
        &["Answered customer tickets"],
        &["Zendesk"],
        "Support specialist.",
    );
    let before = score(&honest, &job);
    let missing: Vec<String> = before
        .missing_keywords
        .iter()
        .filter(|k| k.importance != Importance::Mentioned)
        .map(|k| k.term.clone())
        .collect();
    assert!(!missing.is_empty());
    let stuffed_summary = format!("Senior Backend Engineer. {}. Support specialist.", missing.join(", "));
    let mut gamed = honest.clone();
    gamed.sections[0].entries[0].lines = vec![stuffed_summary.clone()];
    gamed.text = gamed.text.replacen("Support specialist.", &stuffed_summary, 1);
    let after = score(&gamed, &job);
    for (b, a) in before.breakdown.iter().zip(&after.breakdown) {
        assert!(a.score <= b.score, "{} rose from {} to {}", b.name, b.score, a.score);
    }
    assert!(after.alignment_score <= before.alignment_score);
}

#[test]
fn a_different_specialism_under_the_same_role_noun_is_a_weaker_title_match() {
    let job = posting("HTML Developer", "Requirements:\n- 3+ years of HTML and CSS\n");
    let title =
        |t: &str| component(&score(&resume(t, "2019-01", Some("2024-01"), &[], &[], ""), &job), "title");
    let same = title("HTML Developer");
    let broader = title("Full Stack Java Developer");
    assert_eq!(same, 100.0);
    // Still a developer, but not the HTML developer asked for: less than the two-thirds a shared
    // role noun alone used to give.
    assert!(broader > 0.0 && broader < 60.0, "{broader}");
    assert!(title("Senior HTML Developer") > broader);
}

#[test]
fn a_class_of_tools_is_not_evidenced_by_its_field_alone() {
    let job = posting(
        "Data Scientist",
        "Requirements:\n- Experience with common data science toolkits, such as R, Weka, NumPy or MatLab\n",
    );
    let mentions_field =
        resume("Software Engineer", "2019-01", None, &["Worked closely with the data science team"], &[], "");
    let report = score(&mentions_field, &job);
    assert!(!matched(&report, "data science toolkits"), "{:?}", report.matched_keywords);
    let uses_one = resume("Data Analyst", "2019-01", None, &["Modelled churn in R"], &[], "");
    let report = score(&uses_one, &job);
    assert!(
        report.matched_keywords.iter().any(|k| k.term == "R" || k.term.contains("toolkits")),
        "{:?}",
        report.matched_keywords
    );
}
