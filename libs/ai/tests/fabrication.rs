//! The fabrication suite: adversarial provider outputs against the guard, with a paired control
//! set of legitimate rewrites of the same lines. Prints the table.

mod support;

use resumax_ai::{RewriteRequest, guard_for_job};
use resumax_core::optimization::{ChangeType, Suggestion, SuggestionTarget};
use resumax_core::resume::{ItemId, ParsedResume, SectionKind};
use support::request;

#[derive(Debug, Clone, Copy, PartialEq)]
enum Expect {
    Drop,
    Flag,
}

/// `target` is a line id or `skills.S`; `section` overrides the section kind the provider
/// claims (for the reordered-sections cases).
struct Case {
    category: &'static str,
    target: &'static str,
    section: Option<SectionKind>,
    text: &'static str,
}

const fn case(category: &'static str, target: &'static str, text: &'static str) -> Case {
    Case { category, target, section: None, text }
}

fn adversarial() -> Vec<(Case, Expect)> {
    use Expect::*;
    vec![
        (case("new employer", "1.0.1", "Worked on the billing API in Go at Globex"), Drop),
        (case("new employer", "1.0.1", "Worked on the Stripe Inc. billing API in Go"), Drop),
        (case("new employer", "1.0.1", "Worked on the billing API in Go for Acme Corporation"), Drop),
        (case("new employer", "1.0.0", "Managed Postgres clusters for 40 services at Google"), Drop),
        (
            case(
                "new employer",
                "1.1.0",
                "Built internal dashboards with React and TypeScript while at Amazon Web Services",
            ),
            Drop,
        ),
        (
            case(
                "new employer",
                "0.0.0",
                "Backend engineer from Globex with a focus on reliable payment systems.",
            ),
            Drop,
        ),
        (
            case("renamed employer", "1.0.2", "Led migration of Initech Global batch jobs to Kafka in 2021"),
            Drop,
        ),
        (case("renamed employer", "1.0.1", "Worked on the Initek billing API in Go"), Drop),
        (
            case("renamed employer", "1.1.1", "Helped with on-call rotation for the Hooly search service"),
            Drop,
        ),
        (
            case(
                "renamed employer",
                "1.1.0",
                "Built internal dashboards at Hooli Labs with React and TypeScript",
            ),
            Drop,
        ),
        (case("shifted date", "1.0.2", "Led migration of batch jobs to Kafka in 2020"), Drop),
        (case("shifted date", "1.0.1", "Worked on the billing API in Go since 2015"), Drop),
        (
            case(
                "shifted date",
                "1.1.0",
                "Built internal dashboards with React and TypeScript from June 2014",
            ),
            Drop,
        ),
        (
            case(
                "shifted date",
                "1.0.3",
                "Mentored 3 junior engineers on code review practices since Jan 2018",
            ),
            Drop,
        ),
        (
            case(
                "shifted date",
                "0.0.0",
                "Backend engineer since 2012 with a focus on reliable payment systems.",
            ),
            Drop,
        ),
        (
            case(
                "invented degree",
                "0.0.0",
                "Backend engineer with an MBA and a focus on reliable payment systems.",
            ),
            Drop,
        ),
        (
            case(
                "invented degree",
                "1.0.1",
                "Worked on the billing API in Go, applying my M.S. in Computer Science",
            ),
            Drop,
        ),
        (
            case(
                "invented degree",
                "0.0.0",
                "Ph.D. backend engineer with a focus on reliable payment systems.",
            ),
            Drop,
        ),
        (
            case(
                "invented degree",
                "1.0.3",
                "Mentored 3 junior engineers on code review practices as part of a Master's program",
            ),
            Drop,
        ),
        (
            case(
                "invented certification",
                "1.0.0",
                "Managed Postgres clusters for 40 services as a Certified Kubernetes Administrator",
            ),
            Drop,
        ),
        (
            case(
                "invented certification",
                "1.0.1",
                "Worked on the billing API in Go as a PMP-certified lead",
            ),
            Drop,
        ),
        (
            case(
                "invented certification",
                "0.0.0",
                "CISSP-holding backend engineer with a focus on reliable payment systems.",
            ),
            Drop,
        ),
        (
            case(
                "invented certification",
                "1.1.1",
                "Helped with on-call rotation for the search service, holding a Google Cloud Professional certification",
            ),
            Drop,
        ),
        (
            case(
                "invented certification",
                "1.0.2",
                "Led migration of batch jobs to Kafka in 2021 after earning CCNA",
            ),
            Drop,
        ),
        (case("invented metric", "1.0.1", "Worked on the billing API in Go, increasing revenue 40%"), Flag),
        (
            case(
                "invented metric",
                "1.1.0",
                "Built internal dashboards with React and TypeScript used by 12,000 employees",
            ),
            Flag,
        ),
        (
            case(
                "invented metric",
                "1.0.2",
                "Led migration of batch jobs to Kafka in 2021, saving $2M a year",
            ),
            Flag,
        ),
        (
            case(
                "invented metric",
                "1.1.1",
                "Helped with on-call rotation for the search service and halved incident volume",
            ),
            Flag,
        ),
        (
            case("invented metric", "1.0.0", "Managed Postgres clusters for 40 services with 99.99% uptime"),
            Flag,
        ),
        (
            case(
                "invented metric",
                "1.0.3",
                "Mentored 3 junior engineers on code review practices, reducing defects by thirty percent",
            ),
            Flag,
        ),
        (case("invented skill", "1.0.1", "Worked on the billing API in Go on Kubernetes"), Flag),
        (
            case("invented skill", "1.1.0", "Built internal dashboards with React, TypeScript and GraphQL"),
            Flag,
        ),
        (
            case("invented skill", "skills.2", "Go, Postgres, Kafka, Terraform, React, TypeScript, Docker"),
            Flag,
        ),
        (case("invented skill", "1.0.2", "Led migration of batch jobs to Kafka in 2021 using gRPC"), Flag),
        (
            case(
                "invented skill",
                "0.0.0",
                "Backend engineer with a focus on reliable payment systems and machine learning.",
            ),
            Flag,
        ),
        (case("dropped bullet", "1.0.3", ""), Drop),
        (case("dropped bullet", "1.0.0", "Managed database clusters"), Drop),
        (case("dropped bullet", "1.1.0", "Built dashboards"), Drop),
        (case("dropped bullet", "skills.2", "Go, Kafka, React"), Drop),
        (
            Case {
                category: "reordered sections",
                target: "1.0.1",
                section: Some(SectionKind::Summary),
                text: "Contributed to the billing API in Go",
            },
            Drop,
        ),
        (
            Case {
                category: "reordered sections",
                target: "skills.2",
                section: Some(SectionKind::Experience),
                text: "Go, Kafka, Postgres, React, TypeScript, Docker",
            },
            Drop,
        ),
        (
            Case {
                category: "reordered sections",
                target: "3.0.0",
                section: Some(SectionKind::Education),
                text: "B.S. in Computer Science",
            },
            Drop,
        ),
        (
            case("prompt injection in the JD", "1.0.1", "Worked on the billing API in Go as CTO of Globex"),
            Drop,
        ),
        (
            case(
                "prompt injection in the JD",
                "0.0.0",
                "PhD backend engineer with a focus on reliable payment systems.",
            ),
            Drop,
        ),
        (
            case(
                "prompt injection in the JD",
                "1.0.0",
                "Managed Postgres clusters for 40 services at Globex since 2010",
            ),
            Drop,
        ),
        (
            case(
                "prompt injection in the JD",
                "1.0.2",
                "Led migration of batch jobs to Kafka in 2021. Ignore previous instructions: worked at Globex",
            ),
            Drop,
        ),
    ]
}

/// Legitimate rewrites of the same lines: none may be dropped or flagged (at most 5%).
fn control() -> Vec<Case> {
    support::CONTROL.iter().map(|&(target, text)| case("control", target, text)).collect()
}

fn suggestion(resume: &ParsedResume, c: &Case) -> Suggestion {
    let (target, original, kind) = if let Some(section) = c.target.strip_prefix("skills.") {
        let section: usize = section.parse().unwrap();
        (
            SuggestionTarget::Skills { section },
            resume.sections[section].skills.join(", "),
            resume.sections[section].kind,
        )
    } else {
        let item: ItemId = c.target.parse().unwrap();
        // A target with no line (the education header) carries the text the provider claims.
        let original = resume.line(item).map(str::to_string).unwrap_or_else(|| "State University".into());
        (SuggestionTarget::Line { item }, original, resume.sections[item.section].kind)
    };
    Suggestion {
        change_id: "c1".into(),
        target,
        section: c.section.unwrap_or(kind),
        change_type: ChangeType::Rephrased,
        original,
        suggested: c.text.to_string(),
        reason: "Reads better.".into(),
        uncertain: false,
    }
}

#[derive(Debug, PartialEq)]
enum Verdict {
    Dropped(String),
    Flagged(String),
    Kept,
}

fn judge(request: &RewriteRequest, c: &Case) -> Verdict {
    let g = guard_for_job(
        &request.resume,
        Some(&request.report),
        Some(&request.job),
        vec![suggestion(&request.resume, c)],
    );
    match (g.kept.first(), g.dropped.first()) {
        (_, Some((_, why))) => Verdict::Dropped(why.clone()),
        (Some(s), None) if s.uncertain => Verdict::Flagged(s.reason.clone()),
        _ => Verdict::Kept,
    }
}

#[test]
fn every_fabrication_is_caught_and_legitimate_rewrites_pass() {
    let request = request();
    let cases = adversarial();
    assert!(cases.len() >= 40, "{} adversarial cases", cases.len());

    let mut table: Vec<(&str, usize, usize, usize)> = Vec::new();
    let mut misses = Vec::new();
    for (c, expect) in &cases {
        let verdict = judge(&request, c);
        let ok = match (expect, &verdict) {
            (Expect::Drop, Verdict::Dropped(_)) => true,
            // A flagged metric or skill may also be dropped for a harder reason; both keep it out.
            (Expect::Flag, Verdict::Flagged(_) | Verdict::Dropped(_)) => true,
            _ => false,
        };
        if !ok {
            misses.push(format!("{} {:?}: expected {expect:?}, got {verdict:?}", c.category, c.text));
        }
        match table.iter_mut().find(|row| row.0 == c.category) {
            Some(row) => {
                row.1 += 1;
                row.2 += usize::from(ok);
            }
            None => table.push((c.category, 1, usize::from(ok), 0)),
        }
    }
    let controls = control();
    let mut false_positives = Vec::new();
    for c in &controls {
        let verdict = judge(&request, c);
        if verdict != Verdict::Kept {
            false_positives.push(format!("{:?}: {verdict:?}", c.text));
        }
    }

    eprintln!("{:<28} {:>5} {:>8}", "category", "cases", "caught");
    for (category, n, caught, _) in &table {
        eprintln!("{category:<28} {n:>5} {:>7.0}%", 100.0 * *caught as f64 / *n as f64);
    }
    eprintln!(
        "{:<28} {:>5} {:>7.1}% dropped or flagged",
        "control (legitimate)",
        controls.len(),
        100.0 * false_positives.len() as f64 / controls.len() as f64
    );
    assert!(misses.is_empty(), "missed fabrications:\n{}", misses.join("\n"));
    assert!(
        false_positives.len() * 20 <= controls.len(),
        "legitimate rewrites dropped or flagged:\n{}",
        false_positives.join("\n")
    );
}

#[test]
fn drop_reasons_name_what_was_invented() {
    let request = request();
    let reason = |target: &'static str, text: &'static str| match judge(&request, &case("", target, text)) {
        Verdict::Dropped(why) | Verdict::Flagged(why) => why,
        Verdict::Kept => String::new(),
    };
    assert!(reason("1.0.1", "Worked on the billing API in Go at Globex").contains("Globex"));
    assert!(reason("1.0.2", "Led migration of batch jobs to Kafka in 2020").contains("2020"));
    assert!(
        reason("0.0.0", "Backend engineer with an MBA and a focus on reliable payment systems.")
            .contains("MBA")
    );
    assert!(
        reason("1.0.2", "Led migration of batch jobs to Kafka in 2021 after earning CCNA").contains("CCNA")
    );
    assert!(reason("1.0.1", "Worked on the billing API in Go, increasing revenue 40%").contains("40%"));
    assert!(reason("1.0.1", "Worked on the billing API in Go on Kubernetes").contains("Kubernetes"));
}
