//! The real persona resumes (`../shared/realworld/personas`) against the 14 real postings: a
//! persona should score highest on a posting of its own role family (`families.json` against
//! each posting label's `role_family`). Issue 10 asks for all six; this holds the count reached
//! as a floor so no change reads real people or postings worse, and prints each miss.

use std::path::Path;

const REALWORLD: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/realworld");

#[test]
fn personas_score_highest_on_their_own_family() {
    let root = Path::new(REALWORLD);
    let families: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(root.join("personas/families.json")).expect("families.json"),
    )
    .expect("families json");
    let mut postings = Vec::new();
    let mut files: Vec<_> = std::fs::read_dir(root.join("jds"))
        .expect("real postings")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "docx"))
        .collect();
    files.sort();
    for path in files {
        let label: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(path.with_extension("json")).expect("label"))
                .expect("json");
        let job =
            resumax_document::read_job_description(&std::fs::read(&path).expect("posting")).expect("reads");
        postings.push((
            path.file_name().unwrap().to_string_lossy().into_owned(),
            label["role_family"].clone(),
            job,
        ));
    }
    assert_eq!(postings.len(), 14);
    let mut hits = 0;
    let personas = families.as_object().expect("an object");
    for (name, family) in personas {
        let bytes = std::fs::read(root.join(format!("personas/{name}.pdf"))).expect("persona");
        let resume = resumax_document::read_resume(&bytes).expect("a persona reads");
        let mut ranked: Vec<_> = postings
            .iter()
            .map(|(file, fam, job)| (resumax_scoring::score(&resume, job).alignment_score, file, fam))
            .collect();
        ranked.sort_by_key(|(score, file, _)| (std::cmp::Reverse(*score), (*file).clone()));
        let best = ranked[0];
        let runners: Vec<String> = ranked[1..3].iter().map(|(s, f, _)| format!("{f} {s}")).collect();
        let hit = best.2 == family;
        hits += usize::from(hit);
        let family_name = family.as_str().unwrap_or("?");
        println!(
            "{name:<24} {family_name:<20} best {} ({}) {}; then {}",
            best.1,
            best.0,
            if hit { "ok" } else { "MISS" },
            runners.join(", ")
        );
    }
    println!("{hits}/{} personas score highest on their own family", personas.len());
    assert!(hits >= 4, "{hits}/{} personas on their own family (floor 4)", personas.len());
}
