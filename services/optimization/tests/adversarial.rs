//! The fabrication suite end to end: at least 100 adversarial model answers (invented metrics in
//! every tense, case and spelling of numbers, skills in any case, titles, employers, schools,
//! degrees, dates), each served by a fake OpenAI and a fake Anthropic server in their wire
//! formats, through the real provider chain and guard, then through the accept path's
//! `accepted_changes` with `applyAll` and `diff::apply` (what a version stores and an export
//! renders). None may reach the version; every one must be dropped or marked uncertain at
//! generation. A control set of truthful rewrites must keep at least 95%.

#[path = "../../../libs/ai/tests/support/mod.rs"]
mod support;

use resumax_core::api::AcceptChanges;
use resumax_core::optimization::SuggestionTarget;
use resumax_core::resume::{ItemId, ParsedResume};
use resumax_optimization::{accepted_changes, diff};
use support::{CONTROL, FakeModels, answer, chain_for, request};

/// (category, target, the model's rewrite, the invented fact that must not reach the version)
const ADVERSARIAL: &[(&str, &str, &str, &str)] = &[
    (
        "invented metric",
        "1.0.1",
        "Worked on the billing API in Go, doubling deployment frequency",
        "doubling",
    ),
    (
        "invented metric",
        "1.1.0",
        "Built internal dashboards with React and TypeScript, doubled deployment frequency",
        "doubled",
    ),
    (
        "invented metric",
        "1.1.1",
        "Helped with on-call rotation for the search service, which doubles deployment frequency",
        "doubles",
    ),
    ("invented metric", "1.0.1", "Worked on the billing API in Go, Doubling throughput", "Doubling"),
    (
        "invented metric",
        "1.1.0",
        "Built internal dashboards with React and TypeScript, DOUBLING THROUGHPUT",
        "DOUBLING",
    ),
    (
        "invented metric",
        "1.1.1",
        "Helped with on-call rotation for the search service, tripling throughput",
        "tripling",
    ),
    ("invented metric", "1.0.1", "Worked on the billing API in Go, tripled throughput", "tripled"),
    (
        "invented metric",
        "1.1.0",
        "Built internal dashboards with React and TypeScript, triples throughput",
        "triples",
    ),
    (
        "invented metric",
        "1.1.1",
        "Helped with on-call rotation for the search service, quadrupling revenue",
        "quadrupling",
    ),
    ("invented metric", "1.0.1", "Worked on the billing API in Go, halving incident volume", "halving"),
    (
        "invented metric",
        "1.1.0",
        "Built internal dashboards with React and TypeScript, halved incident volume",
        "halved",
    ),
    (
        "invented metric",
        "1.1.1",
        "Helped with on-call rotation for the search service, cutting incident volume by half",
        "half",
    ),
    ("invented metric", "1.0.1", "Worked on the billing API in Go, cutting incident volume in half", "half"),
    (
        "invented metric",
        "1.1.0",
        "Built internal dashboards with React and TypeScript, for a twofold speedup",
        "twofold",
    ),
    (
        "invented metric",
        "1.1.1",
        "Helped with on-call rotation for the search service, for a two-fold speedup",
        "two-fold",
    ),
    ("invented metric", "1.0.1", "Worked on the billing API in Go, for a tenfold speedup", "tenfold"),
    (
        "invented metric",
        "1.1.0",
        "Built internal dashboards with React and TypeScript, for a 10-fold speedup",
        "10-fold",
    ),
    (
        "invented metric",
        "1.1.1",
        "Helped with on-call rotation for the search service, for a 3x speedup",
        "3x",
    ),
    ("invented metric", "1.0.1", "Worked on the billing API in Go, making deploys 3X faster", "3X"),
    (
        "invented metric",
        "1.1.0",
        "Built internal dashboards with React and TypeScript, making deploys x10 faster",
        "x10",
    ),
    (
        "invented metric",
        "1.1.1",
        "Helped with on-call rotation for the search service, multiplying throughput",
        "multiplying",
    ),
    ("invented metric", "1.0.1", "Worked on the billing API in Go, increasing revenue 40%", "40%"),
    (
        "invented metric",
        "1.1.0",
        "Built internal dashboards with React and TypeScript, increasing revenue by forty percent",
        "forty",
    ),
    (
        "invented metric",
        "1.1.1",
        "Helped with on-call rotation for the search service, increasing revenue by Forty Percent",
        "Forty",
    ),
    ("invented metric", "1.0.1", "Worked on the billing API in Go, saving $2M a year", "$2M"),
    (
        "invented metric",
        "1.1.0",
        "Built internal dashboards with React and TypeScript, saving 2 million dollars",
        "2 million",
    ),
    (
        "invented metric",
        "1.1.1",
        "Helped with on-call rotation for the search service, saving two million dollars",
        "two million",
    ),
    ("invented metric", "1.0.1", "Worked on the billing API in Go, for millions of users", "millions"),
    (
        "invented metric",
        "1.1.0",
        "Built internal dashboards with React and TypeScript, serving thousands of customers",
        "thousands",
    ),
    (
        "invented metric",
        "1.1.1",
        "Helped with on-call rotation for the search service, rolled out company-wide",
        "company-wide",
    ),
    ("invented metric", "1.0.1", "Worked on the billing API in Go, used worldwide", "worldwide"),
    (
        "invented metric",
        "1.1.0",
        "Built internal dashboards with React and TypeScript, reducing latency by 35 percent",
        "35",
    ),
    (
        "invented metric",
        "1.1.1",
        "Helped with on-call rotation for the search service, reducing costs by a quarter",
        "quarter",
    ),
    ("invented metric", "1.0.1", "Worked on the billing API in Go, with 99.99% uptime", "99.99"),
    (
        "invented metric",
        "1.1.0",
        "Built internal dashboards with React and TypeScript, for a team of twelve",
        "twelve",
    ),
    (
        "invented metric",
        "1.1.1",
        "Helped with on-call rotation for the search service, for a team of 12",
        "12",
    ),
    ("invented metric", "1.0.1", "Worked on the billing API in Go, cutting build time twice over", "twice"),
    (
        "invented metric",
        "1.1.0",
        "Built internal dashboards with React and TypeScript, with sub-100ms latency",
        "100ms",
    ),
    (
        "invented metric",
        "1.1.1",
        "Helped with on-call rotation for the search service, for hundreds of merchants",
        "hundreds",
    ),
    ("invented metric", "1.0.1", "Worked on the billing API in Go, at global scale", "global scale"),
    (
        "invented skill",
        "1.0.1",
        "Worked on the billing API in Go with ansible and terraform modules",
        "terraform",
    ),
    (
        "invented skill",
        "1.1.0",
        "Built internal dashboards with React and TypeScript using Terraform",
        "Terraform",
    ),
    (
        "invented skill",
        "1.1.1",
        "Helped with on-call rotation for the search service using TERRAFORM",
        "TERRAFORM",
    ),
    ("invented skill", "1.0.1", "Worked on the billing API in Go on kubernetes", "kubernetes"),
    ("invented skill", "1.1.0", "Built internal dashboards with React and TypeScript on K8s", "K8s"),
    (
        "invented skill",
        "1.1.1",
        "Helped with on-call rotation for the search service with graphql",
        "graphql",
    ),
    ("invented skill", "1.0.1", "Worked on the billing API in Go using Ansible", "Ansible"),
    (
        "invented skill",
        "1.1.0",
        "Built internal dashboards with React and TypeScript with machine learning",
        "machine learning",
    ),
    ("invented skill", "1.1.1", "Helped with on-call rotation for the search service over grpc", "grpc"),
    ("invented skill", "1.0.1", "Worked on the billing API in Go in Rust", "Rust"),
    (
        "invented skill",
        "1.1.0",
        "Built internal dashboards with React and TypeScript with jenkins pipelines",
        "jenkins",
    ),
    (
        "invented skill",
        "1.1.1",
        "Helped with on-call rotation for the search service using Snowflake",
        "Snowflake",
    ),
    ("invented skill", "1.0.1", "Worked on the billing API in Go with apache spark", "spark"),
    (
        "invented skill",
        "1.1.0",
        "Built internal dashboards with React and TypeScript with Airflow",
        "Airflow",
    ),
    ("invented skill", "1.1.1", "Helped with on-call rotation for the search service using pandas", "pandas"),
    ("invented skill", "1.0.1", "Worked on the billing API in Go with Python", "Python"),
    (
        "invented skill",
        "1.1.0",
        "Built internal dashboards with React and TypeScript with python scripts",
        "python",
    ),
    ("invented skill", "1.1.1", "Helped with on-call rotation for the search service on Redis", "Redis"),
    ("invented skill", "1.0.1", "Worked on the billing API in Go with Tableau reports", "Tableau"),
    ("invented skill", "1.1.0", "Built internal dashboards with React and TypeScript on hadoop", "hadoop"),
    ("invented title", "1.0.1", "Worked on the billing API in Go as Staff Engineer", "Staff"),
    (
        "invented title",
        "1.1.0",
        "Built internal dashboards with React and TypeScript as a staff engineer",
        "staff",
    ),
    (
        "invented title",
        "1.1.1",
        "Helped with on-call rotation for the search service as the tech lead",
        "tech lead",
    ),
    ("invented title", "1.0.1", "Worked on the billing API in Go as Engineering Manager", "Manager"),
    (
        "invented title",
        "1.1.0",
        "Built internal dashboards with React and TypeScript as engineering manager",
        "manager",
    ),
    (
        "invented title",
        "1.1.1",
        "Helped with on-call rotation for the search service after being promoted to principal engineer",
        "principal",
    ),
    ("invented title", "1.0.1", "Worked on the billing API in Go as CTO", "CTO"),
    (
        "invented title",
        "1.1.0",
        "Built internal dashboards with React and TypeScript as head of platform",
        "head of",
    ),
    (
        "invented title",
        "1.1.1",
        "Helped with on-call rotation for the search service as VP of Engineering",
        "VP",
    ),
    ("invented title", "1.0.1", "Worked on the billing API in Go as the team lead", "team lead"),
    (
        "invented title",
        "1.1.0",
        "Built internal dashboards with React and TypeScript as Director of Engineering",
        "Director",
    ),
    (
        "invented title",
        "1.1.1",
        "Helped with on-call rotation for the search service as chief architect",
        "chief",
    ),
    ("invented employer", "1.0.1", "Worked on the billing API in Go at Google", "Google"),
    ("invented employer", "1.1.0", "Built internal dashboards with React and TypeScript at GOOGLE", "GOOGLE"),
    (
        "invented employer",
        "1.1.1",
        "Helped with on-call rotation for the search service for Stripe Inc.",
        "Stripe",
    ),
    ("invented employer", "1.0.1", "Worked on the billing API in Go at Globex", "Globex"),
    ("invented employer", "1.1.0", "Built internal dashboards with React and TypeScript at globex", "globex"),
    (
        "invented employer",
        "1.1.1",
        "Helped with on-call rotation for the search service for Acme Corporation",
        "Acme",
    ),
    ("invented employer", "1.0.1", "Worked on the billing API in Go while at Amazon Web Services", "Amazon"),
    (
        "invented employer",
        "1.1.0",
        "Built internal dashboards with React and TypeScript at Initech Global",
        "Global",
    ),
    (
        "invented employer",
        "1.1.1",
        "Helped with on-call rotation for the search service at Hooli Labs",
        "Labs",
    ),
    ("invented school", "1.0.1", "Worked on the billing API in Go after studying at MIT", "MIT"),
    (
        "invented school",
        "1.1.0",
        "Built internal dashboards with React and TypeScript applying coursework from Stanford University",
        "Stanford",
    ),
    (
        "invented school",
        "1.1.1",
        "Helped with on-call rotation for the search service as taught at the University of Michigan",
        "Michigan",
    ),
    (
        "invented school",
        "1.0.1",
        "Worked on the billing API in Go drawing on my Harvard Business School training",
        "Harvard",
    ),
    (
        "invented school",
        "1.1.0",
        "Built internal dashboards with React and TypeScript using what I learned at Georgia Tech College",
        "Georgia",
    ),
    ("invented degree", "1.0.1", "Worked on the billing API in Go with an MBA", "MBA"),
    ("invented degree", "1.1.0", "Built internal dashboards with React and TypeScript with an mba", "mba"),
    ("invented degree", "1.1.1", "Helped with on-call rotation for the search service with a PhD", "PhD"),
    ("invented degree", "1.0.1", "Worked on the billing API in Go with a phd", "phd"),
    (
        "invented degree",
        "1.1.0",
        "Built internal dashboards with React and TypeScript as a Ph.D. holder",
        "Ph.D",
    ),
    (
        "invented degree",
        "1.1.1",
        "Helped with on-call rotation for the search service with a Master's degree",
        "Master",
    ),
    ("invented degree", "1.0.1", "Worked on the billing API in Go with a master's degree", "master"),
    (
        "invented degree",
        "1.1.0",
        "Built internal dashboards with React and TypeScript applying my M.S. in Computer Science",
        "M.S.",
    ),
    (
        "invented degree",
        "1.1.1",
        "Helped with on-call rotation for the search service with a bachelor's in physics",
        "bachelor",
    ),
    ("invented date", "1.0.1", "Worked on the billing API in Go in 2020", "2020"),
    ("invented date", "1.1.0", "Built internal dashboards with React and TypeScript since 2015", "2015"),
    ("invented date", "1.1.1", "Helped with on-call rotation for the search service from June 2014", "2014"),
    ("invented date", "1.0.1", "Worked on the billing API in Go since Jan 2018", "2018"),
    (
        "invented date",
        "1.1.0",
        "Built internal dashboards with React and TypeScript since january 2018",
        "2018",
    ),
    ("invented date", "1.1.1", "Helped with on-call rotation for the search service in Q3 2020", "2020"),
    ("invented date", "1.0.1", "Worked on the billing API in Go between 2017 and 2018", "2017"),
    ("invented date", "1.1.0", "Built internal dashboards with React and TypeScript for five years", "five"),
    ("invented date", "1.1.1", "Helped with on-call rotation for the search service for 5 years", "5 years"),
    ("invented date", "1.0.1", "Worked on the billing API in Go over a decade", "decade"),
    ("invented skill", "skills.2", "Go, Postgres, Kafka, React, TypeScript, Docker, terraform", "terraform"),
    (
        "invented skill",
        "skills.2",
        "Go, Postgres, Kafka, Kubernetes, React, TypeScript, Docker",
        "Kubernetes",
    ),
    ("invented skill", "skills.2", "Go, Postgres, Kafka, React, TypeScript, Docker, ansible", "ansible"),
    ("invented title", "0.0.0", "Staff backend engineer with a focus on reliable payment systems.", "Staff"),
    (
        "invented degree",
        "0.0.0",
        "Backend engineer with an MBA and a focus on reliable payment systems.",
        "MBA",
    ),
    (
        "invented metric",
        "0.0.0",
        "Backend engineer with a focus on reliable payment systems for millions of users.",
        "millions",
    ),
    (
        "invented employer",
        "0.0.0",
        "Former Google backend engineer with a focus on reliable payment systems.",
        "Google",
    ),
    ("invented date", "1.0.2", "Led migration of batch jobs to Kafka in 2020", "2020"),
    (
        "invented metric",
        "1.0.0",
        "Responsible for managing Postgres clusters for 40 services, doubling their uptime",
        "doubling",
    ),
    (
        "invented metric",
        "1.0.3",
        "Mentored 3 junior engineers on code review practices, tripling review throughput",
        "tripling",
    ),
];

fn apply_all() -> AcceptChanges {
    AcceptChanges { apply_all: true, ..AcceptChanges::default() }
}

/// The text at a target of a resume: a line, or a skills list joined by ", ".
fn text_at(resume: &ParsedResume, target: &str) -> String {
    match target.strip_prefix("skills.") {
        Some(section) => resume.sections[section.parse::<usize>().unwrap()].skills.join(", "),
        None => resume.line(target.parse::<ItemId>().unwrap()).unwrap_or_default().to_string(),
    }
}

/// What one answer leaves: (caught at generation, the version's text at the target).
async fn through(provider: &str, fake: &FakeModels, base: &str, target: &str, text: &str) -> (bool, String) {
    let request = request();
    fake.answer_with(answer(target, text));
    let outcome = chain_for(provider, base).run(&request).await.expect("the chain answers");
    let caught = outcome.suggestions.iter().all(|s| s.uncertain);
    let chosen =
        accepted_changes(&outcome.suggestions, &apply_all(), &request.resume, &request.report, &request.job);
    let version = diff::apply(&request.resume, &chosen);
    (caught, text_at(&version, target))
}

#[tokio::test]
async fn no_invented_fact_reaches_a_version_through_either_provider() {
    assert!(ADVERSARIAL.len() >= 100, "{} cases", ADVERSARIAL.len());
    let fake = FakeModels::default();
    let base = fake.start().await;
    let mut misses = Vec::new();
    let mut reached = Vec::new();
    let mut table: Vec<(&str, usize, usize)> = Vec::new();
    for provider in ["openai", "anthropic"] {
        for &(category, target, text, invented) in ADVERSARIAL {
            let (caught, version_text) = through(provider, &fake, &base, target, text).await;
            if !caught {
                misses.push(format!("{provider} {category}: {text:?} kept as certain"));
            }
            if version_text.to_lowercase().contains(&invented.to_lowercase()) {
                reached.push(format!(
                    "{provider} {category}: {invented:?} reached the version: {version_text:?}"
                ));
            }
            match table.iter_mut().find(|row| row.0 == category) {
                Some(row) => {
                    row.1 += 1;
                    row.2 += usize::from(caught);
                }
                None => table.push((category, 1, usize::from(caught))),
            }
        }
    }
    eprintln!("{:<20} {:>6} {:>22}", "category", "answers", "dropped or uncertain");
    for (category, n, caught) in &table {
        eprintln!("{category:<20} {n:>6} {:>21.0}%", 100.0 * *caught as f64 / *n as f64);
    }
    eprintln!("reached a version after applyAll: {}", reached.len());
    assert!(misses.is_empty(), "fabrications kept as certain:\n{}", misses.join("\n"));
    assert!(reached.is_empty(), "fabrications in a version:\n{}", reached.join("\n"));
}

#[tokio::test]
async fn truthful_rewrites_are_kept_and_reach_the_version() {
    let fake = FakeModels::default();
    let base = fake.start().await;
    let mut lost = Vec::new();
    for provider in ["openai", "anthropic"] {
        for &(target, text) in CONTROL {
            let (caught, version_text) = through(provider, &fake, &base, target, text).await;
            if caught || version_text != text {
                lost.push(format!("{provider}: {text:?} -> {version_text:?}"));
            }
        }
    }
    let total = CONTROL.len() * 2;
    eprintln!("control kept: {} of {total}", total - lost.len());
    assert!(lost.len() * 20 <= total, "truthful rewrites lost:\n{}", lost.join("\n"));
}

#[test]
fn the_accept_time_check_refuses_a_stored_change_the_guard_would_drop() {
    // A result stored before the guard knew a rule (or altered since): certain, yet invented.
    let request = request();
    let item: ItemId = "1.0.1".parse().unwrap();
    let stored = resumax_core::optimization::Suggestion {
        change_id: "c1".into(),
        target: SuggestionTarget::Line { item },
        section: request.resume.sections[1].kind,
        change_type: resumax_core::optimization::ChangeType::Rephrased,
        original: "Worked on the billing API in Go".into(),
        suggested: "Worked on the billing API in Go at Globex since 2012".into(),
        reason: "".into(),
        uncertain: false,
    };
    let named =
        AcceptChanges { apply_all: false, accepted_changes: vec!["c1".into()], ..AcceptChanges::default() };
    for changes in [apply_all(), named] {
        let chosen = accepted_changes(
            std::slice::from_ref(&stored),
            &changes,
            &request.resume,
            &request.report,
            &request.job,
        );
        assert!(chosen.is_empty(), "{chosen:?}");
    }
    // A stored change that the guard now doubts is left out of applyAll, and kept when named.
    let doubted = resumax_core::optimization::Suggestion {
        suggested: "Worked on the billing API in Go, doubling deployment frequency".into(),
        ..stored
    };
    let all = accepted_changes(
        std::slice::from_ref(&doubted),
        &apply_all(),
        &request.resume,
        &request.report,
        &request.job,
    );
    assert!(all.is_empty(), "{all:?}");
    let named =
        AcceptChanges { apply_all: false, accepted_changes: vec!["c1".into()], ..AcceptChanges::default() };
    let chosen = accepted_changes(
        std::slice::from_ref(&doubted),
        &named,
        &request.resume,
        &request.report,
        &request.job,
    );
    assert_eq!(chosen.len(), 1, "the person named it");
}
