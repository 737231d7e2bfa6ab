// TEMPORARY: equality dump, delete before finishing.
#[test]
fn eqdump_tmp() {
    use std::fmt::Write;
    let Ok(path) = std::env::var("EQDUMP") else { return };
    let resumes = resumax_corpus::resumes();
    let jds = resumax_corpus::jds();
    let mut out = String::new();
    for r in &resumes {
        for j in &jds {
            let rep = crate::score(&r.resume, &j.job);
            writeln!(out, "{} {} {}", r.id, j.id, serde_json::to_string(&rep).unwrap()).unwrap();
        }
        let jobs: Vec<_> = jds.iter().map(|j| j.job.clone()).collect();
        writeln!(out, "rank {} {}", r.id, serde_json::to_string(&crate::rank(&r.resume, &jobs, 0)).unwrap()).unwrap();
        // Odd inputs: a JD whose text is a resume's text.
        let mut odd = jds[0].job.clone();
        odd.sanitized_text = r.resume.text.clone();
        writeln!(out, "odd {} {}", r.id, serde_json::to_string(&crate::score(&resumes[0].resume, &odd)).unwrap()).unwrap();
    }
    for j in &jds {
        let t: Vec<_> = crate::extract_terms(&j.job).iter().map(|t| format!("{:?}", (&t.wording, &t.canonical, t.importance, t.weight, t.soft))).collect();
        writeln!(out, "terms {} {:?} {:?}", j.id, t, crate::required_skills(&j.job)).unwrap();
    }
    std::fs::write(path, out).unwrap();
}

#[test]
fn prof_tmp() {
    if std::env::var("PROF").is_err() { return }
    let resumes = resumax_corpus::resumes();
    let jds = resumax_corpus::jds();
    for r in &resumes {
        for j in &jds {
            std::hint::black_box(crate::score(&r.resume, &j.job));
        }
    }
}
