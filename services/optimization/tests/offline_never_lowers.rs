//! The offline rewriter over every generated-corpus pair and every real persona x posting pair
//! (`../shared/realworld`): with all its suggestions applied, the score never falls, no skill
//! the resume listed is removed, and no number appears that the resume did not have.

use std::path::PathBuf;

use resumax_ai::{OfflineProvider, Provider, RewriteRequest};
use resumax_core::optimization::Strategy;
use resumax_core::resume::{ParsedResume, SectionKind};
use resumax_optimization::diff::apply;
use resumax_scoring::score;

fn realworld(dir: &str) -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/realworld")).join(dir)
}

fn files(dir: &str, ext: &str) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(realworld(dir))
        .expect("../shared/realworld")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == ext))
        .collect();
    out.sort();
    out
}

fn skills(r: &ParsedResume) -> Vec<String> {
    r.sections
        .iter()
        .filter(|s| s.kind == SectionKind::Skills)
        .flat_map(|s| s.skills.iter().map(|x| x.to_lowercase()))
        .collect()
}

fn numbers(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_ascii_digit()).filter(|n| !n.is_empty()).map(str::to_string).collect()
}

async fn check(
    name: &str,
    resume: &ParsedResume,
    job: &resumax_core::job_description::ParsedJobDescription,
    falls: &mut Vec<String>,
) {
    let before = score(resume, job);
    for strategy in [Strategy::Default, Strategy::AggressiveKeywords] {
        let request =
            RewriteRequest { resume: resume.clone(), job: job.clone(), report: before.clone(), strategy };
        let suggestions = OfflineProvider.suggest(&request).await.expect("offline");
        let after_resume = apply(resume, suggestions.iter());
        let after = score(&after_resume, job);
        if after.alignment_score < before.alignment_score {
            falls.push(format!(
                "{name} {strategy:?}: {} -> {}",
                before.alignment_score, after.alignment_score
            ));
        }
        let kept = skills(&after_resume);
        for s in skills(resume) {
            assert!(
                kept.iter().any(|k| k.contains(&s) || s.contains(k.as_str())),
                "{name}: skill {s:?} removed"
            );
        }
        let had = numbers(&resume.to_plain_text());
        for n in numbers(&after_resume.to_plain_text()) {
            assert!(had.contains(&n), "{name}: number {n} added");
        }
    }
}

#[tokio::test]
async fn offline_rewrites_never_lower_the_score_or_remove_a_skill() {
    let mut falls = Vec::new();
    let mut pairs = 0;
    let resumes = resumax_corpus::resumes();
    let jds = resumax_corpus::jds();
    for r in &resumes {
        for j in &jds {
            check(&format!("{} x {}", r.id, j.id), &r.resume, &j.job, &mut falls).await;
            pairs += 1;
        }
    }
    let personas: Vec<(PathBuf, ParsedResume)> = files("personas", "pdf")
        .into_iter()
        .map(|p| {
            let r = resumax_document::read_resume(&std::fs::read(&p).unwrap()).expect("persona");
            (p, r)
        })
        .collect();
    for path in files("jds", "docx") {
        let job = resumax_document::read_job_description(&std::fs::read(&path).unwrap()).expect("posting");
        for (p, r) in &personas {
            check(&format!("{} x {}", p.display(), path.display()), r, &job, &mut falls).await;
            pairs += 1;
        }
    }
    eprintln!("offline rewrites: {pairs} pairs, score fell in {}", falls.len());
    assert!(falls.is_empty(), "{falls:#?}");
}
