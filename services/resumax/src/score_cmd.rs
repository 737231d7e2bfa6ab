//! `resumax score`: reads a resume and a job description and scores them in this process. No
//! server, no database: scoring is pure, so this is exactly the score a run would compute.

use std::path::{Path, PathBuf};

use anyhow::Context;
use resumax_core::score::MatchReport;
use serde_json::json;

pub struct ScoreArgs {
    pub resume: PathBuf,
    pub jd: PathBuf,
    pub json: bool,
    pub no_color: bool,
}

fn read(path: &Path) -> anyhow::Result<Vec<u8>> {
    std::fs::read(path).with_context(|| format!("reading {}", path.display()))
}

pub fn run(args: ScoreArgs) -> anyhow::Result<()> {
    let resume = resumax_document::read_resume(&read(&args.resume)?)
        .with_context(|| format!("the resume {} could not be read", args.resume.display()))?;
    let job = resumax_document::read_job_description(&read(&args.jd)?)
        .with_context(|| format!("the job description {} could not be read", args.jd.display()))?;
    let report = resumax_scoring::score(&resume, &job);
    if args.json {
        println!("{}", serde_json::to_string_pretty(&score_json(&report))?);
    } else {
        print!("{}", crate::report::score_report(&report, crate::report::Style::for_stdout(args.no_color)));
    }
    Ok(())
}

/// The same objects `GET /optimize/{id}` carries: `alignmentScore`, the breakdown, the report.
fn score_json(report: &MatchReport) -> serde_json::Value {
    json!({
        "alignmentScore": report.alignment_score,
        "breakdown": report.breakdown,
        "matchReport": report,
    })
}

#[cfg(test)]
mod tests {
    use resumax_core::job_description::ParsedJobDescription;
    use resumax_core::resume::{Contact, Entry, ParsedResume, Section, SectionKind};

    use super::*;

    fn report() -> MatchReport {
        let resume = ParsedResume {
            contact: Contact { email: Some("ada@example.com".into()), ..Contact::default() },
            sections: vec![Section {
                kind: SectionKind::Experience,
                heading: "Experience".into(),
                entries: vec![Entry {
                    title: Some("Backend Engineer".into()),
                    lines: vec!["Ran Postgres on k8s".into()],
                    ..Entry::default()
                }],
                skills: vec![],
            }],
            text: "Backend Engineer\nRan Postgres on k8s".into(),
            ..ParsedResume::default()
        };
        let job = ParsedJobDescription {
            title: Some("Backend Engineer".into()),
            required_skills: vec!["PostgreSQL".into(), "Kubernetes".into(), "Kafka".into()],
            sanitized_text: "Requirements\n* PostgreSQL, Kubernetes and Kafka".into(),
            ..ParsedJobDescription::default()
        };
        resumax_scoring::score(&resume, &job)
    }

    #[test]
    fn json_has_the_objects_of_the_rest_contract() {
        let report = report();
        let value = score_json(&report);
        assert_eq!(value["alignmentScore"], json!(report.alignment_score));
        assert_eq!(value["breakdown"], serde_json::to_value(&report.breakdown).unwrap());
        assert_eq!(value["matchReport"]["missingKeywords"][0]["term"], "Kafka");
        assert!(value["matchReport"]["matchedKeywords"].as_array().is_some_and(|m| m.len() == 2));
    }

    #[test]
    fn text_output_groups_requirements_and_explains_aliases_and_gaps() {
        let text = crate::report::score_report(&report(), crate::report::Style { color: false });
        assert!(text.contains("  required\n    matched: PostgreSQL (as \"Postgres\")"), "{text}");
        assert!(text.contains("    missing: Kafka"), "{text}");
        assert!(text.contains("use the JD's term"), "{text}");
        assert!(text.contains("component") && text.contains("weight"), "{text}");
        assert!(!text.contains('\x1b'), "{text}");
    }
}
