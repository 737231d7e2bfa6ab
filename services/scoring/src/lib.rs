//! Scoring service: deterministic, explainable alignment score and match report.
//!
//! The score is a weighted sum of components (keyword match, required coverage, title alignment,
//! experience, education, searchability), each 0..=100 and each explained in the report. Skills
//! are matched through a curated taxonomy (`data/skills.txt`) so that "Postgres" is understood as
//! "PostgreSQL", but only the JD's exact wording earns full credit: that is what a literal ATS
//! search finds, and the report says which wording to use.
//!
//! Pure: no clock, no randomness, no I/O; ordered containers only where order reaches the output.

pub mod grpc;
mod resume_index;
mod taxonomy;
mod terms;
mod text;

use async_trait::async_trait;
use resumax_core::api::ScoringApi;
use resumax_core::job_description::ParsedJobDescription;
use resumax_core::resume::ParsedResume;
use resumax_core::score::{Importance, KeywordGap, KeywordMatch, MatchReport, ScoreComponent};

pub use resume_index::ResumeIndex;

use crate::resume_index::Evidence;
use crate::terms::JdTerm;
use crate::text::{TITLE_NOISE, tokenize};

/// Component weights; they sum to 1.
const W_KEYWORDS: f64 = 0.40;
const W_REQUIRED: f64 = 0.25;
const W_TITLE: f64 = 0.15;
const W_EXPERIENCE: f64 = 0.10;
const W_EDUCATION: f64 = 0.05;
const W_SEARCHABILITY: f64 = 0.05;

const MAX_RECOMMENDATIONS: usize = 10;

/// Deterministic: the same input gives the same report, byte for byte.
pub fn score(resume: &ParsedResume, job: &ParsedJobDescription) -> MatchReport {
    score_indexed(&ResumeIndex::new(resume), job)
}

/// Scores a resume prepared once with [`ResumeIndex::new`]; use it to rank one resume against
/// many JDs without re-reading the resume each time. Gives the same report as [`score`].
pub fn score_indexed(index: &ResumeIndex<'_>, job: &ParsedJobDescription) -> MatchReport {
    let terms = terms::extract(job);
    let evaluated: Vec<(JdTerm, Option<Evidence>)> = terms
        .into_iter()
        .map(|t| {
            let e = index.find(&t);
            (t, e)
        })
        .collect();
    let mut recs: Vec<(f64, String)> = Vec::new();

    // Keywords.
    let total_weight: f64 = evaluated.iter().map(|(t, _)| t.weight).sum();
    let credit: f64 =
        evaluated.iter().filter_map(|(t, e)| e.as_ref().map(|e| t.weight * e.quality * e.place_weight)).sum();
    let matched_n = evaluated.iter().filter(|(_, e)| e.is_some()).count();
    let keywords = if total_weight > 0.0 { 100.0 * credit / total_weight } else { 50.0 };
    let keyword_detail = if evaluated.is_empty() {
        "no skills could be read from the job description; neutral score".to_string()
    } else {
        format!(
            "{matched_n} of {} JD terms found, {} in the JD's exact wording",
            evaluated.len(),
            evaluated.iter().filter(|(_, e)| e.as_ref().is_some_and(|e| e.literal)).count()
        )
    };

    // Required coverage: did the resume show each must-have at all, in any wording.
    let required: Vec<&(JdTerm, Option<Evidence>)> =
        evaluated.iter().filter(|(t, _)| t.importance == Importance::Required).collect();
    let (coverage_pool, pool_name) = if required.is_empty() {
        (
            evaluated.iter().filter(|(t, _)| t.importance == Importance::Preferred).collect::<Vec<_>>(),
            "preferred",
        )
    } else {
        (required, "required")
    };
    let (required_score, required_detail) = if coverage_pool.is_empty() {
        (keywords, "the JD lists no required or preferred skills; follows the keyword score".to_string())
    } else {
        let got: f64 = coverage_pool.iter().filter_map(|(_, e)| e.as_ref().map(|e| e.quality)).sum();
        let found = coverage_pool.iter().filter(|(_, e)| e.is_some()).count();
        (
            100.0 * got / coverage_pool.len() as f64,
            format!("{found} of {} {pool_name} skills present", coverage_pool.len()),
        )
    };
    let pool_len = coverage_pool.len().max(1) as f64;
    let pool_importance = if pool_name == "required" { Importance::Required } else { Importance::Preferred };

    for (t, e) in &evaluated {
        let in_pool = t.importance == pool_importance && !coverage_pool.is_empty();
        let share = if total_weight > 0.0 { 100.0 * W_KEYWORDS * t.weight / total_weight } else { 0.0 };
        let pool_share = if in_pool { 100.0 * W_REQUIRED / pool_len } else { 0.0 };
        match e {
            None => {
                let text = match t.importance {
                    Importance::Required => format!(
                        "Add \"{}\" if you have this experience: it is a required skill and the resume never mentions it.",
                        t.wording
                    ),
                    Importance::Preferred => format!(
                        "Mention \"{}\" if it applies to you: the JD lists it as nice to have.",
                        t.wording
                    ),
                    Importance::Mentioned => format!(
                        "The JD mentions \"{}\": include it where it truthfully describes your work.",
                        t.wording
                    ),
                };
                recs.push((share + pool_share, text));
            }
            Some(e) => {
                if !e.literal {
                    let gain = share * (1.0 - e.quality) * e.place_weight + pool_share * (1.0 - e.quality);
                    let text = if e.degree_field {
                        None
                    } else {
                        Some(format!(
                            "An ATS searching for \"{}\" would miss \"{}\": use the JD's term.",
                            t.wording, e.resume_term
                        ))
                    };
                    if let Some(text) = text {
                        recs.push((gain, text));
                    }
                }
                if e.skills_list_only && t.importance != Importance::Mentioned {
                    let gain = share * e.quality * (1.0 - e.place_weight);
                    recs.push((
                        gain,
                        format!(
                            "Show \"{}\" in an experience bullet: it appears only in your skills list, and a skill backed by work counts more.",
                            t.wording
                        ),
                    ));
                }
            }
        }
    }

    // Title.
    let (title_score, title_detail) = match job.title.as_deref().map(str::trim) {
        Some(title) if !title.is_empty() => {
            let (s, best) = index.title_alignment(title);
            if s < 60.0 {
                recs.push((
                    W_TITLE * (100.0 - s),
                    format!(
                        "The JD's title is \"{title}\": if it honestly describes your work, use it in your headline or summary so a title search finds you."
                    ),
                ));
            }
            let detail = match best {
                Some(b) if s > 0.0 => format!("\"{title}\" vs your \"{b}\""),
                _ => format!("no title in the resume resembles \"{title}\""),
            };
            (s, detail)
        }
        _ => (keywords, "the JD states no title; follows the keyword score".to_string()),
    };

    // Experience.
    let resume_years = index.years_of_experience();
    let (experience_score, experience_detail) = match required_years(&job.sanitized_text) {
        Some(need) => {
            let s = (100.0 * resume_years / need).min(100.0);
            if s < 100.0 {
                recs.push((
                    W_EXPERIENCE * (100.0 - s),
                    format!(
                        "The JD asks for {need:.0}+ years of experience and the resume shows about {resume_years:.0}: make sure every relevant role has its dates."
                    ),
                ));
            }
            (s, format!("JD asks for {need:.0}+ years; resume shows about {resume_years:.0}"))
        }
        None => (
            keywords,
            format!(
                "the JD states no years of experience (resume shows about {resume_years:.0}); follows the keyword score"
            ),
        ),
    };

    // Education.
    let resume_level = index.degree_level();
    let (education_score, education_detail) = match required_degree_level(job) {
        Some(need) => {
            let s = if resume_level >= need {
                100.0
            } else if resume_level > 0.0 {
                60.0
            } else {
                0.0
            };
            if s < 100.0 {
                recs.push((
                    W_EDUCATION * (100.0 - s),
                    format!(
                        "The JD asks for {}: list your degree in an Education section with its exact name.",
                        degree_name(need)
                    ),
                ));
            }
            (
                s,
                format!(
                    "JD asks for {}; resume shows {}",
                    degree_name(need),
                    if resume_level > 0.0 { degree_name(resume_level) } else { "no degree" }
                ),
            )
        }
        None => (keywords, "the JD states no degree; follows the keyword score".to_string()),
    };

    // Searchability: what an ATS needs to file the resume at all.
    let checks = index.searchability_checks();
    let passed = checks.iter().filter(|(ok, _)| *ok).count();
    let searchability = 100.0 * passed as f64 / checks.len() as f64;
    for (ok, advice) in &checks {
        if !ok {
            recs.push((100.0 * W_SEARCHABILITY / checks.len() as f64, advice.to_string()));
        }
    }

    let breakdown = vec![
        component("keywords", keywords, W_KEYWORDS, keyword_detail),
        component("required_coverage", required_score, W_REQUIRED, required_detail),
        component("title_alignment", title_score, W_TITLE, title_detail),
        component("experience", experience_score, W_EXPERIENCE, experience_detail),
        component("education", education_score, W_EDUCATION, education_detail),
        component(
            "searchability",
            searchability,
            W_SEARCHABILITY,
            format!("{passed} of {} ATS checks passed", checks.len()),
        ),
    ];
    let total: f64 = breakdown.iter().map(|c| c.score * c.weight).sum();
    let alignment_score = total.round().clamp(0.0, 100.0) as u8;

    let mut matched_keywords = Vec::new();
    let mut missing_keywords = Vec::new();
    for (t, e) in evaluated {
        match e {
            Some(e) => matched_keywords.push(KeywordMatch {
                term: t.wording,
                importance: t.importance,
                weight: round2(t.weight),
                resume_term: e.resume_term,
                literal: e.literal,
                sections: e.sections,
            }),
            None => missing_keywords.push(KeywordGap {
                term: t.wording,
                importance: t.importance,
                weight: round2(t.weight),
            }),
        }
    }

    // Most valuable first; ties broken by text so the order never depends on anything else.
    recs.retain(|(v, _)| *v > 0.05);
    recs.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
    recs.dedup_by(|a, b| a.1 == b.1);
    let recommendations = recs.into_iter().take(MAX_RECOMMENDATIONS).map(|(_, r)| r).collect();

    MatchReport { alignment_score, breakdown, matched_keywords, missing_keywords, recommendations }
}

fn component(name: &str, score: f64, weight: f64, detail: String) -> ScoreComponent {
    ScoreComponent {
        name: name.to_string(),
        score: (score.clamp(0.0, 100.0) * 10.0).round() / 10.0,
        weight,
        detail,
    }
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// "3+ years", "3-5 years", "at least 2 years of": the first number that counts years.
fn required_years(text: &str) -> Option<f64> {
    let tokens = tokenize(text);
    let is_year = |i: usize| {
        tokens.get(i).is_some_and(|t| matches!(t.folded.as_str(), "year" | "years" | "yr" | "yrs"))
    };
    for (i, t) in tokens.iter().enumerate() {
        let Ok(n) = t.folded.trim_end_matches('+').parse::<u32>() else {
            continue;
        };
        if !(1..=30).contains(&n) {
            continue;
        }
        let range_end =
            tokens.get(i + 1).is_some_and(|t| t.folded.trim_end_matches('+').parse::<u32>().is_ok());
        if is_year(i + 1) || (range_end && is_year(i + 2)) {
            return Some(f64::from(n));
        }
    }
    None
}

/// Degree level the JD asks for: 0.5 associate, 1 bachelor, 2 master, 3 doctorate. The lowest
/// level named is the requirement ("bachelor's required, master's preferred").
fn required_degree_level(job: &ParsedJobDescription) -> Option<f64> {
    let mut level: Option<f64> = None;
    let mut note = |l: f64| level = Some(level.map_or(l, |x: f64| x.min(l)));
    let tokens = tokenize(&job.sanitized_text);
    for (i, t) in tokens.iter().enumerate() {
        let next = tokens.get(i + 1).map(|n| n.folded.as_str());
        match t.folded.as_str() {
            "phd" | "ph.d" | "doctorate" | "doctoral" => note(3.0),
            "master" | "masters" | "mba" | "msn" | "m.s" | "m.a" => note(2.0),
            "bachelor" | "bachelors" | "b.s" | "b.a" | "bsn" | "baccalaureate" => note(1.0),
            "associate" | "associates" if next == Some("degree") => note(0.5),
            "adn" => note(0.5),
            "degree" => note(1.0),
            _ => {}
        }
    }
    for skill in job.required_skills.iter() {
        if tokenize(skill).iter().any(|t| t.folded == "degree") {
            note(1.0);
        }
    }
    level
}

fn degree_name(level: f64) -> &'static str {
    if level >= 3.0 {
        "a doctorate"
    } else if level >= 2.0 {
        "a master's degree"
    } else if level >= 1.0 {
        "a bachelor's degree"
    } else {
        "an associate degree"
    }
}

/// Words of a title that say what the job is, with common synonyms folded together.
pub(crate) fn title_words(title: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let tokens = tokenize(title);
    let mut i = 0;
    while i < tokens.len() {
        let t = &tokens[i];
        let next = tokens.get(i + 1).map(|n| n.folded.as_str());
        let word = match (t.folded.as_str(), next) {
            ("front", Some("end")) | ("back", Some("end")) => {
                i += 1;
                if t.folded == "front" { "frontend" } else { "backend" }
            }
            ("ui", _) | ("web", _) => "frontend",
            ("developer" | "programmer" | "swe", _) => "engineer",
            ("rn", _) => "nurse",
            ("sre", _) => {
                out.extend(["site", "reliability", "engineer"].map(String::from));
                i += 1;
                continue;
            }
            ("ml", _) => {
                out.extend(["machine", "learn"].map(String::from));
                i += 1;
                continue;
            }
            ("hr", _) | ("people", _) => "hr",
            ("rep" | "representative" | "agent" | "specialist" | "associate", _) => "specialist",
            (w, _) if TITLE_NOISE.contains(&w) => {
                i += 1;
                continue;
            }
            _ => t.stem.as_str(),
        };
        if !out.iter().any(|w| w == word) {
            out.push(word.to_string());
        }
        i += 1;
    }
    out
}

/// The in-process scoring service.
#[derive(Debug, Clone, Copy, Default)]
pub struct ScoringService;

#[async_trait]
impl ScoringApi for ScoringService {
    async fn score(
        &self,
        resume: &ParsedResume,
        job: &ParsedJobDescription,
    ) -> resumax_core::Result<MatchReport> {
        Ok(score(resume, job))
    }
}
