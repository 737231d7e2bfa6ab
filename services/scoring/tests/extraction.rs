//! Required-skill extraction on the corpus JDs, measured through the real pipeline: the document
//! parser analyses the ground-truth text, then the scorer reads its required terms. Compared
//! with the ground truth's `required_skills` (canonical names), per JD family.

use std::collections::BTreeMap;

use resumax_corpus::jds;
use resumax_document::analyze_job_description;
use resumax_scoring::{canonical_skill, required_skills};

/// Two names agree when they fold to the same text or name the same taxonomy concept: the ground
/// truth says "RN License" where the taxonomy's canonical name is "Registered Nurse License".
fn fold(s: &str) -> String {
    canonical_skill(s).unwrap_or(s).to_lowercase().chars().filter(|c| c.is_alphanumeric()).collect()
}

#[test]
fn required_skill_extraction_meets_recall_and_precision_on_the_corpus() {
    let jds = jds();
    assert!(jds.len() >= 25, "corpus incomplete");
    // family -> (true positives, extracted, ground truth)
    let mut families: BTreeMap<String, (usize, usize, usize)> = BTreeMap::new();
    for jd in &jds {
        let parsed = analyze_job_description(&jd.job.sanitized_text, None, None, None);
        let got = required_skills(&parsed);
        let truth: Vec<String> = jd.job.required_skills.iter().map(|s| fold(s)).collect();
        let got_folded: Vec<String> = got.iter().map(|s| fold(s)).collect();
        let hits = truth.iter().filter(|t| got_folded.contains(t)).count();
        let false_positives: Vec<&String> = got.iter().filter(|g| !truth.contains(&fold(g))).collect();
        let misses: Vec<&String> =
            jd.job.required_skills.iter().filter(|t| !got_folded.contains(&fold(t))).collect();
        if !false_positives.is_empty() || !misses.is_empty() {
            eprintln!("{} {}: missed {misses:?}, extra {false_positives:?}", jd.id, jd.role_family);
        }
        let f = families.entry(jd.role_family.clone()).or_default();
        f.0 += hits;
        f.1 += got.len();
        f.2 += truth.len();
    }
    let (mut tp, mut extracted, mut truth) = (0, 0, 0);
    let mut weakest = (1.0f64, 1.0f64);
    eprintln!("{:<22} {:>7} {:>9}", "family", "recall", "precision");
    for (family, (t, e, g)) in &families {
        eprintln!(
            "{family:<22} {:>7.3} {:>9.3}",
            *t as f64 / (*g).max(1) as f64,
            *t as f64 / (*e).max(1) as f64
        );
        weakest.0 = weakest.0.min(*t as f64 / (*g).max(1) as f64);
        weakest.1 = weakest.1.min(*t as f64 / (*e).max(1) as f64);
        tp += t;
        extracted += e;
        truth += g;
    }
    let recall = tp as f64 / truth as f64;
    let precision = tp as f64 / extracted as f64;
    eprintln!("{:<22} {recall:>7.3} {precision:>9.3}  ({tp} of {truth} found, {extracted} extracted)", "all");
    assert!(recall >= 0.90, "recall {recall:.3}");
    assert!(precision >= 0.85, "precision {precision:.3}");
    // No family may collapse behind a good average.
    assert!(weakest.0 >= 0.8 && weakest.1 >= 0.8, "weakest family recall/precision {weakest:?}");
}
