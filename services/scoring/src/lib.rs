//! Scoring service: deterministic, explainable alignment score and match report.
//!
//! The score is a weighted sum of components (keyword match, required coverage, title alignment,
//! experience, education, searchability), each 0..=100 and each explained in the report. Skills
//! are matched through a curated taxonomy (the lexicon's `data/skills.txt`) so that "Postgres" is understood as
//! "PostgreSQL", but only the JD's exact wording earns full credit: that is what a literal ATS
//! search finds, and the report says which wording to use.
//!
//! Pure: no clock, no randomness, no I/O; ordered containers only where order reaches the output.

pub mod grpc;
mod resume_index;
mod terms;
mod text;

use async_trait::async_trait;
use resumax_core::api::ScoringApi;
use resumax_core::job_description::{ParsedJobDescription, Requirement, RequirementKind};
use resumax_core::resume::ParsedResume;
use resumax_core::score::{Importance, KeywordGap, KeywordMatch, MatchReport, RankedJob, ScoreComponent};

pub use resume_index::ResumeIndex;
pub use terms::{JdTerm, extract as extract_terms, required_skills};

use crate::resume_index::Evidence;
use crate::text::{Token, tokenize};
use resumax_lexicon::TAXONOMY;

/// Component weights; they sum to 1. Skills carry most of the score because they are what an ATS
/// filters on; searchability is small because it does not depend on the job at all.
const W_HARD: f64 = 0.55;
const W_SOFT: f64 = 0.10;
const W_TITLE: f64 = 0.15;
const W_EXPERIENCE: f64 = 0.10;
const W_EDUCATION: f64 = 0.05;
const W_SEARCHABILITY: f64 = 0.05;

const MAX_RECOMMENDATIONS: usize = 10;
/// A posting shorter than this many words is under the quality floor.
const MIN_POSTING_WORDS: usize = 12;

/// The taxonomy's canonical name of a skill ("Kubernetes" for "k8s"), if the taxonomy knows it.
pub fn canonical_skill(name: &str) -> Option<&'static str> {
    TAXONOMY.lookup(name).map(|c| TAXONOMY.canonical(c))
}

/// Deterministic: the same input gives the same report, byte for byte.
pub fn score(resume: &ParsedResume, job: &ParsedJobDescription) -> MatchReport {
    score_indexed(&ResumeIndex::new(resume), job)
}

/// One resume against many JDs, best first (ties in input order); `limit` 0 keeps all.
pub fn rank(resume: &ParsedResume, jobs: &[ParsedJobDescription], limit: usize) -> Vec<RankedJob> {
    let index = ResumeIndex::new(resume);
    let mut ranked: Vec<RankedJob> = jobs
        .iter()
        .enumerate()
        .map(|(i, job)| {
            let report = score_indexed(&index, job);
            RankedJob { index: i, alignment_score: report.alignment_score, breakdown: report.breakdown }
        })
        .collect();
    ranked.sort_by(|a, b| b.alignment_score.cmp(&a.alignment_score).then(a.index.cmp(&b.index)));
    if limit > 0 {
        ranked.truncate(limit);
    }
    ranked
}

/// A skills component: the weighted share of terms the resume evidences, each counted once
/// however often it is repeated, discounted for alias wording, a bare skills list and old roles.
struct SkillGroup<'t> {
    terms: Vec<&'t (JdTerm, Option<Evidence>)>,
    total_weight: f64,
}

impl<'t> SkillGroup<'t> {
    fn new(evaluated: &'t [(JdTerm, Option<Evidence>)], soft: bool) -> Self {
        let terms: Vec<_> = evaluated.iter().filter(|(t, _)| t.soft == soft).collect();
        let total_weight = terms.iter().map(|(t, _)| t.weight).sum();
        SkillGroup { terms, total_weight }
    }

    fn score(&self) -> Option<f64> {
        (self.total_weight > 0.0).then(|| {
            let credit: f64 =
                self.terms.iter().filter_map(|(t, e)| e.as_ref().map(|e| t.weight * e.credit())).sum();
            100.0 * credit / self.total_weight
        })
    }

    /// Points of the total score one term is worth when fully evidenced.
    fn points(&self, term: &JdTerm, component_weight: f64) -> f64 {
        if self.total_weight > 0.0 { 100.0 * component_weight * term.weight / self.total_weight } else { 0.0 }
    }

    fn detail(&self, what: &str) -> String {
        let found = |imp: Option<Importance>| {
            let of = self.terms.iter().filter(|(t, _)| imp.is_none_or(|i| t.importance == i));
            let all = of.clone().count();
            (of.filter(|(_, e)| e.is_some()).count(), all)
        };
        let (matched, all) = found(None);
        let (req_found, req_all) = found(Some(Importance::Required));
        let literal = self.terms.iter().filter(|(_, e)| e.as_ref().is_some_and(|e| e.literal)).count();
        let mut detail = format!("{matched} of {all} {what} found");
        if req_all > 0 {
            detail.push_str(&format!(" ({req_found} of {req_all} required)"));
        }
        detail.push_str(&format!(", {literal} in the JD's exact wording"));
        detail
    }
}

/// Scores a resume prepared once with [`ResumeIndex::new`]; use it to rank one resume against
/// many JDs without re-reading the resume each time. Gives the same report as [`score`].
pub fn score_indexed(index: &ResumeIndex<'_>, job: &ParsedJobDescription) -> MatchReport {
    let relevant = terms::without_boilerplate(&job.sanitized_text);
    let jd_tokens = tokenize(&relevant);
    let reqs = resumax_document::requirements_of(job);
    let shown = resumax_document::shown_requirements(&reqs);
    let evaluated: Vec<(JdTerm, Option<Evidence>)> = terms::extract_with(job, &reqs, &relevant, &jd_tokens)
        .into_iter()
        .map(|t| {
            let e = index.find(&t);
            (t, e)
        })
        .collect();
    let evaluated = collapse_groups(evaluated);
    let mut recs: Vec<(f64, String)> = Vec::new();

    let hard = SkillGroup::new(&evaluated, false);
    let soft = SkillGroup::new(&evaluated, true);
    // A posting under the quality floor (a few words, or no requirement found) cannot support a
    // confident number: what it does not say scores nothing instead of a neutral half, and the
    // report says why.
    let words = job.sanitized_text.split_whitespace().count();
    let low_confidence = words < MIN_POSTING_WORDS || (reqs.is_empty() && job.required_skills.is_empty());
    if low_confidence {
        recs.push((
            f64::MAX,
            format!(
                "Low confidence: the posting {}, so this score says little. Paste the full job description, with its requirements, for a score you can act on.",
                if words < MIN_POSTING_WORDS { "is too short to read its requirements" } else { "names no requirements that could be read" }
            ),
        ));
    }
    let neutral = if low_confidence { 0.0 } else { 50.0 };
    let (hard_score, hard_detail) = match hard.score() {
        Some(s) => (s, hard.detail("skills")),
        None => (neutral, "no skills could be read from the job description; neutral score".to_string()),
    };
    let (soft_score, soft_detail) = match soft.score() {
        Some(s) => (s, soft.detail("soft skills")),
        None => (hard_score, "the JD names no soft skills; follows the hard-skill score".to_string()),
    };

    let mut impacts: Vec<f64> = Vec::with_capacity(evaluated.len());
    for (t, e) in &evaluated {
        let (group, weight) = if t.soft { (&soft, W_SOFT) } else { (&hard, W_HARD) };
        let points = group.points(t, weight);
        impacts.push(points);
        match e {
            None if t.alternatives.len() > 1 => {
                let names: Vec<String> = t.alternatives.iter().map(|a| format!("\"{a}\"")).collect();
                let (last, rest) = names.split_last().expect("a group has members");
                let what = match t.importance {
                    Importance::Required => "the posting asks for any one of them",
                    _ => "the posting would welcome any one of them",
                };
                recs.push((
                    points,
                    format!("Add {} or {last} if you have one of them: {what} and the resume shows none (up to +{points:.1} points).", rest.join(", ")),
                ));
            }
            None => {
                let text = match t.importance {
                    Importance::Required => format!(
                        "Add \"{}\" if you have this experience: it is a required skill and the resume never mentions it (up to +{points:.1} points).",
                        t.wording
                    ),
                    Importance::Preferred => format!(
                        "Mention \"{}\" if it applies to you: the JD lists it as nice to have (up to +{points:.1} points).",
                        t.wording
                    ),
                    Importance::Mentioned => format!(
                        "The JD mentions \"{}\": include it where it truthfully describes your work (up to +{points:.1} points).",
                        t.wording
                    ),
                };
                recs.push((points, text));
            }
            Some(e) => {
                if !e.literal && !e.degree_field {
                    let gain = points * (1.0 - e.quality) * e.place_weight;
                    recs.push((
                        gain,
                        format!(
                            "An ATS searching for \"{}\" would miss \"{}\": use the JD's term.",
                            t.wording, e.resume_term
                        ),
                    ));
                }
                if e.skills_list_only && t.importance != Importance::Mentioned {
                    let gain = points * e.quality * (1.0 - e.place_weight);
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
            let (s, best) = index.title_alignment(role_part(title));
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
        _ => (hard_score, "the JD states no title; follows the hard-skill score".to_string()),
    };

    // Experience.
    let resume_years = index.relevant_years(job.title.as_deref().map(role_part));
    // Years and degree come from the same requirement model; a posting read only from client
    // lists (no model) falls back to its text.
    let years_req = [Importance::Required, Importance::Preferred]
        .into_iter()
        .find_map(|imp| shown.iter().find(|r| r.years.is_some() && r.importance == imp).copied());
    let degree_reqs: Vec<&Requirement> = {
        let required: Vec<&Requirement> = shown
            .iter()
            .filter(|r| r.kind == RequirementKind::Degree && r.importance == Importance::Required)
            .copied()
            .collect();
        if required.is_empty() {
            shown.iter().filter(|r| r.kind == RequirementKind::Degree).copied().collect()
        } else {
            required
        }
    };
    let need_years = if reqs.is_empty() {
        required_years_in(&jd_tokens)
    } else {
        years_req.and_then(|r| r.years).map(f64::from)
    };
    let (experience_score, experience_detail) = match need_years {
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
            hard_score,
            format!(
                "the JD states no years of experience (resume shows about {resume_years:.0}); follows the hard-skill score"
            ),
        ),
    };

    // Education.
    let resume_level = index.degree_level();
    let need_degree = if reqs.is_empty() {
        required_degree_level(job, &jd_tokens)
    } else {
        degree_reqs.iter().map(|r| requirement_degree_level(r)).reduce(f64::min)
    };
    let (education_score, education_detail) = match need_degree {
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
        None => (hard_score, "the JD states no degree; follows the hard-skill score".to_string()),
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
        component("hard_skills", hard_score, W_HARD, hard_detail),
        component("soft_skills", soft_score, W_SOFT, soft_detail),
        component("title", title_score, W_TITLE, title_detail),
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
    let mut missing: Vec<(f64, usize, KeywordGap)> = Vec::new();
    for (i, ((t, e), impact)) in evaluated.into_iter().zip(impacts).enumerate() {
        match e {
            Some(e) => matched_keywords.push(KeywordMatch {
                term: t.wording,
                importance: t.importance,
                weight: round2(t.weight),
                resume_term: e.resume_term,
                literal: e.literal,
                sections: e.sections,
            }),
            None => missing.push((
                impact,
                i,
                KeywordGap { term: t.wording, importance: t.importance, weight: round2(t.weight) },
            )),
        }
    }
    // The years and degree the posting asks for are part of the report too, so it lists every
    // requirement the API shows; they are scored by their own components, not as keywords.
    let or_equivalent = |r: &Requirement| {
        r.members()
            .any(|m| m.to_lowercase().contains("equivalent") && m.to_lowercase().contains("experience"))
    };
    let mut extra: Vec<(&Requirement, bool)> = Vec::new();
    if let Some(r) = years_req {
        extra.push((r, resume_years >= f64::from(r.years.unwrap_or(0))));
    }
    for r in &degree_reqs {
        let level_ok = resume_level >= requirement_degree_level(r);
        let equivalent_ok = or_equivalent(r) && resume_years >= need_years.unwrap_or(4.0).max(2.0);
        extra.push((r, level_ok || equivalent_ok));
    }
    for (r, ok) in extra {
        let weight = if r.importance == Importance::Required { 3.0 } else { 1.5 };
        // A degree group already in the report through one of its fields is listed once.
        let listed = |term: &str| r.members().any(|m| m.eq_ignore_ascii_case(term));
        if matched_keywords.iter().any(|k: &KeywordMatch| listed(&k.term))
            || missing.iter().any(|m| listed(&m.2.term))
        {
            continue;
        }
        if ok {
            matched_keywords.push(KeywordMatch {
                term: r.term.clone(),
                importance: r.importance,
                weight,
                resume_term: r.term.clone(),
                literal: false,
                sections: vec![
                    if r.kind == RequirementKind::Degree { "education" } else { "experience" }.to_string(),
                ],
            });
        } else {
            missing.push((
                0.0,
                usize::MAX,
                KeywordGap { term: r.term.clone(), importance: r.importance, weight },
            ));
        }
    }
    // Biggest gain first; ties keep the JD's order.
    missing.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    let missing_keywords = missing.into_iter().map(|(_, _, g)| g).collect();

    // Most valuable first; ties broken by text so the order never depends on anything else.
    recs.retain(|(v, _)| *v > 0.05);
    recs.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
    recs.dedup_by(|a, b| a.1 == b.1);
    let recommendations = recs.into_iter().take(MAX_RECOMMENDATIONS).map(|(_, r)| r).collect();

    MatchReport { alignment_score, breakdown, matched_keywords, missing_keywords, recommendations }
}

/// One term per either/or group: the member the resume evidences best (the first member when
/// it evidences none) stands for the group, so "Go, Rust or Java" is satisfied by Rust and never
/// reported as three missing must-haves.
fn collapse_groups(evaluated: Vec<(JdTerm, Option<Evidence>)>) -> Vec<(JdTerm, Option<Evidence>)> {
    let mut best: std::collections::BTreeMap<usize, (usize, f64)> = std::collections::BTreeMap::new();
    for (i, (t, e)) in evaluated.iter().enumerate() {
        if let Some(g) = t.group {
            let credit = e.as_ref().map_or(-1.0, |e| e.credit());
            let entry = best.entry(g).or_insert((i, credit));
            if credit > entry.1 {
                *entry = (i, credit);
            }
        }
    }
    evaluated
        .into_iter()
        .enumerate()
        .filter(|(i, (t, _))| t.group.is_none_or(|g| best.get(&g).is_some_and(|b| b.0 == *i)))
        .map(|(_, x)| x)
        .collect()
}

fn component(name: &str, score: f64, weight: f64, detail: String) -> ScoreComponent {
    ScoreComponent {
        name: name.to_string(),
        // `+ 0.0` turns a negative zero into zero: JSON must never say "-0".
        score: (score.clamp(0.0, 100.0) * 10.0).round() / 10.0 + 0.0,
        weight,
        detail,
    }
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0 + 0.0
}

fn required_years_in(tokens: &[Token]) -> Option<f64> {
    let is_year = |i: usize| {
        tokens.get(i).is_some_and(|t| matches!(t.folded.as_str(), "year" | "years" | "yr" | "yrs"))
    };
    // "served customers for more than 25 years" is about the employer, not a requirement: the
    // count must read "5+ years" or be followed by what the years are of.
    let about_work = |i: usize| {
        tokens.get(i).is_some_and(|t| {
            matches!(
                t.folded.as_str(),
                "of" | "experience"
                    | "exp"
                    | "in"
                    | "working"
                    | "professional"
                    | "relevant"
                    | "hands"
                    | "post"
            )
        })
    };
    for (i, t) in tokens.iter().enumerate() {
        let Ok(n) = t.folded.trim_end_matches('+').parse::<u32>() else {
            continue;
        };
        if !(1..=30).contains(&n) {
            continue;
        }
        let plus = t.folded.ends_with('+');
        let range_end = tokens.get(i + 1).and_then(|t| {
            t.folded.trim_end_matches('+').parse::<u32>().ok().map(|_| t.folded.ends_with('+'))
        });
        let year_at = if is_year(i + 1) {
            Some(i + 1)
        } else if range_end.is_some() && is_year(i + 2) {
            Some(i + 2)
        } else {
            None
        };
        if let Some(y) = year_at
            && (plus || range_end == Some(true) || about_work(y + 1))
        {
            return Some(f64::from(n));
        }
    }
    None
}

/// Degree level the JD asks for: 0.5 associate, 1 bachelor, 2 master, 3 doctorate. The lowest
/// level named is the requirement ("bachelor's required, master's preferred").
fn required_degree_level(job: &ParsedJobDescription, tokens: &[Token]) -> Option<f64> {
    let mut level: Option<f64> = None;
    let mut note = |l: f64| level = Some(level.map_or(l, |x: f64| x.min(l)));
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

/// The level a degree requirement names: the lowest of its members ("B.E/B.Tech/MCA/M.Sc"
/// accepts a bachelor's), a bachelor's when no member names one ("Computer Science degree").
fn requirement_degree_level(r: &Requirement) -> f64 {
    r.members()
        .filter(|m| !m.to_lowercase().contains("equivalent"))
        .map(|m| {
            let lower = m.to_lowercase();
            if lower.contains("advanced")
                || lower.contains("graduate degree") && !lower.contains("undergraduate")
            {
                return 2.0;
            }
            tokenize(m)
                .iter()
                .filter_map(|t| resumax_lexicon::words::degree_level(&t.folded))
                .reduce(f64::min)
                .unwrap_or(1.0)
        })
        .reduce(f64::min)
        .unwrap_or(1.0)
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

/// The role of a posting's title: "Lead Technical Program Manager, Site Reliability
/// Engineering" is a program manager's job; the team and product after the comma do not make
/// it an engineer's.
pub(crate) fn role_part(title: &str) -> &str {
    let role = title.split([',', '(', '|']).next().unwrap_or(title).trim();
    if role.is_empty() { title } else { role }
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
            (w, _) if resumax_lexicon::words::is_title_noise(w) => {
                i += 1;
                continue;
            }
            _ => t.stem(),
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

    async fn rank(
        &self,
        resume: &ParsedResume,
        jobs: &[ParsedJobDescription],
        limit: usize,
    ) -> resumax_core::Result<Vec<RankedJob>> {
        Ok(rank(resume, jobs, limit))
    }
}
