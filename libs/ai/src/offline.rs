//! A deterministic rewriter that needs no model. It only rearranges and rewords what the resume
//! already says: the JD's spelling for a concept the resume has, a strong opening verb for a weak
//! one, skills ordered by JD relevance, and skills the bullets prove but the list omits.

use async_trait::async_trait;
use resumax_core::optimization::{ChangeType, Suggestion, SuggestionTarget};
use resumax_core::resume::{ItemId, SectionKind};
use resumax_core::score::{Importance, KeywordMatch};

use crate::prompt::{OfflineKnobs, PromptLibrary};
use crate::provider::{Call, Completion, Failure, Provider, ProviderError, RewriteRequest, Usage};
use crate::schema::to_response;
use crate::skills_text;
use crate::words::{contains_word, find_all, words};

/// Summary sentences surface at most this many skills, to stay readable.
const MAX_SURFACED: usize = 4;

#[derive(Debug, Clone, Copy, Default)]
pub struct OfflineProvider;

#[async_trait]
impl Provider for OfflineProvider {
    fn name(&self) -> &str {
        "offline"
    }
    fn is_local(&self) -> bool {
        true
    }
    fn model(&self) -> &str {
        "offline-rewriter-v1"
    }
    /// Answers in the same wire shape as a model (rewrites by line id), so the chain reads,
    /// anchors and guards it exactly like any provider's answer. The prompt's text is never
    /// read: only the request's data and the strategy's knobs drive the rewrite.
    async fn complete(&self, call: &Call<'_>) -> Result<Completion, Failure> {
        let suggestions = rewrite(call.request, knobs(&call.prompt.strategy));
        let output = serde_json::to_string(&to_response(&suggestions))
            .map_err(|e| Failure::permanent(ProviderError::Failed(format!("offline: {e}"))))?;
        Ok(Completion { output, usage: Usage::default(), model: self.model().to_string() })
    }

    async fn suggest(&self, request: &RewriteRequest) -> Result<Vec<Suggestion>, ProviderError> {
        Ok(rewrite(request, knobs(request.strategy.as_str())))
    }
}

fn knobs(strategy: &str) -> OfflineKnobs {
    PromptLibrary::builtin()
        .strategy(strategy)
        .map(|p| p.offline)
        .unwrap_or(OfflineKnobs { mirror_terms: true, ..OfflineKnobs::default() })
}

/// A resume wording the JD spells differently, e.g. "Postgres" for the JD's "PostgreSQL".
struct Mirror<'a> {
    jd: &'a str,
    resume: &'a str,
}

fn word_count(s: &str) -> usize {
    s.split_whitespace().count()
}

fn mirrors(matches: &[KeywordMatch]) -> Vec<Mirror<'_>> {
    let mut out: Vec<Mirror<'_>> = matches
        .iter()
        .filter(|m| !m.literal && !m.resume_term.trim().is_empty())
        .filter(|m| !m.term.eq_ignore_ascii_case(&m.resume_term))
        // A degree requirement is met by the education entry; it is not a word to swap in.
        .filter(|m| !m.term.split_whitespace().any(|w| w.eq_ignore_ascii_case("degree")))
        // Degrees and credentials are facts of their own, never a rewording.
        .filter(|m| !words(&m.term).into_iter().any(|(_, w)| crate::guard::is_credential(w)))
        .map(|m| Mirror { jd: m.term.trim(), resume: m.resume_term.trim() })
        .collect();
    // Longer resume wordings first, so "Amazon Web Services" is handled before "Amazon".
    out.sort_by(|a, b| b.resume.len().cmp(&a.resume.len()).then(a.jd.cmp(b.jd)));
    out
}

/// In running text a swap must stay grammatical: same number of words, and for phrases the
/// same head word ("REST API" -> "REST APIs" yes, "registered nurse" -> "RN License" no).
fn swappable_in_prose(m: &Mirror<'_>) -> bool {
    let (a, b) = (word_count(m.jd), word_count(m.resume));
    if a != b {
        return false;
    }
    // Only an inflection apart ("Forecasted" / "forecast", "reconciliation" /
    // "reconciliations"): the swap would break tense or number and gains no concept.
    let stems = |s: &str| {
        resumax_lexicon::tokenize(s)
            .iter()
            .map(|t| t.stem().trim_end_matches('s').to_string())
            .collect::<Vec<_>>()
    };
    if stems(m.jd) == stems(m.resume) {
        return false;
    }
    // Same root in another form ("Analyzed" / "analysis", "Presented" / "presentations"): the
    // verb would become a noun, or the tense or number would change. Only for ordinary words:
    // product spellings ("Postgres" / "PostgreSQL", "k8s") are names, not forms.
    let last = |s: &str| s.split_whitespace().last().unwrap_or("").to_string();
    let (jd_word, resume_word) = (last(m.jd), last(m.resume));
    let ordinary = |w: &str| w.chars().all(char::is_alphabetic) && w.chars().skip(1).all(char::is_lowercase);
    if ordinary(&jd_word) && ordinary(&resume_word) {
        let (x, y) = (jd_word.to_lowercase(), resume_word.to_lowercase());
        let shared = x.chars().zip(y.chars()).take_while(|(p, q)| p == q).count();
        if shared >= 5 && x != y {
            return false;
        }
        let form = |w: &str| (w.ends_with("ed"), w.ends_with("ing"), w.ends_with('s') && !w.ends_with("ss"));
        if form(&x) != form(&y) {
            return false;
        }
    }
    if a == 1 {
        return true;
    }
    let head = |s: &str| s.split_whitespace().last().unwrap_or("").trim_end_matches('s').to_ascii_lowercase();
    head(m.jd) == head(m.resume)
}

fn mirror_line(line: &str, mirrors: &[Mirror<'_>]) -> (String, Vec<String>) {
    let mut text = line.to_string();
    let mut notes = Vec::new();
    for m in mirrors {
        if !swappable_in_prose(m) || contains_word(&text, m.jd) {
            continue;
        }
        // Each occurrence keeps its capitalisation: a word that opens a sentence stays
        // capitalised ("Postgres ..." -> "PostgreSQL ...", "k8s" -> "Kubernetes" at the start);
        // elsewhere the JD's own spelling stands.
        let hits = find_all(&text, m.resume);
        if hits.is_empty() {
            continue;
        }
        let mut next = String::with_capacity(text.len() + m.jd.len() * hits.len());
        let mut last = 0;
        for at in hits {
            next.push_str(&text[last..at]);
            let opens = crate::words::starts_sentence(&text, at);
            let was_upper = text[at..].chars().next().is_some_and(char::is_uppercase);
            next.push_str(&if opens && was_upper { capitalize(m.jd) } else { m.jd.to_string() });
            last = at + m.resume.len();
        }
        next.push_str(&text[last..]);
        text = next;
        notes.push(format!(
            "uses the JD's term \"{}\" for \"{}\", so an ATS search for it finds this line",
            m.jd, m.resume
        ));
    }
    (text, notes)
}

const WEAK_OPENINGS: &[(&str, &str)] = &[
    ("responsible for", ""),
    ("was responsible for", ""),
    ("tasked with", ""),
    ("in charge of", ""),
    ("worked on", "Contributed to"),
    ("helped with", "Supported"),
    ("assisted with", "Supported"),
    ("assisted in", "Supported"),
    ("was involved in", "Contributed to"),
    ("were involved in", "Contributed to"),
    ("involved in", "Contributed to"),
    ("participated in", "Contributed to"),
    ("duties included", "Handled"),
];

const IRREGULAR: &[(&str, &str)] = &[
    ("building", "built"),
    ("leading", "led"),
    ("running", "ran"),
    ("setting", "set"),
    ("writing", "wrote"),
    ("making", "made"),
    ("overseeing", "oversaw"),
    ("teaching", "taught"),
    ("selling", "sold"),
    ("buying", "bought"),
    ("holding", "held"),
    ("keeping", "kept"),
    ("meeting", "met"),
    ("getting", "got"),
    ("giving", "gave"),
    ("taking", "took"),
    ("bringing", "brought"),
    ("driving", "drove"),
    ("winning", "won"),
    ("spending", "spent"),
    ("sending", "sent"),
    ("doing", "did"),
    ("shutting", "shut"),
    ("cutting", "cut"),
    ("putting", "put"),
];

/// Words in -ing that usually name a field of work rather than an action.
const NOUNS_IN_ING: &[&str] = &[
    "pricing",
    "accounting",
    "marketing",
    "engineering",
    "billing",
    "staffing",
    "funding",
    "building",
    "housing",
    "catering",
    "advertising",
    "banking",
    "lending",
    "manufacturing",
    "nursing",
    "consulting",
    "ticketing",
    "shipping",
    "packaging",
    "printing",
    "networking",
    "purchasing",
    "receiving",
    "merchandising",
    "bookkeeping",
    "recruiting",
    "underwriting",
];

/// "managing" -> "managed", "planning" -> "planned", "studying" -> "studied".
fn past_tense(gerund: &str) -> Option<String> {
    let lower = gerund.to_ascii_lowercase();
    if let Some((_, past)) = IRREGULAR.iter().find(|(g, _)| *g == lower) {
        return Some(past.to_string());
    }
    let base = lower.strip_suffix("ing").filter(|b| b.len() >= 3)?;
    if !base.chars().all(|c| c.is_ascii_lowercase()) {
        return None;
    }
    if let Some(stem) = base.strip_suffix('y')
        && !stem.ends_with(['a', 'e', 'i', 'o', 'u'])
    {
        return Some(format!("{stem}ied"));
    }
    // Removing "ing" already undoes the dropped "e" (manag+ed) and keeps doubled consonants
    // (plann+ed).
    Some(format!("{base}ed"))
}

fn capitalize(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// A strong verb for a weak opening, keeping every fact of the line.
fn strengthen(line: &str) -> Option<(String, String)> {
    let trimmed = line.trim_start();
    let lead = &line[..line.len() - trimmed.len()];
    let (phrase, replacement) = WEAK_OPENINGS
        .iter()
        .filter(|(p, _)| {
            trimmed.len() > p.len()
                && trimmed.is_char_boundary(p.len())
                && trimmed[..p.len()].eq_ignore_ascii_case(p)
                && trimmed[p.len()..].starts_with(' ')
        })
        .max_by_key(|(p, _)| p.len())?;
    let rest = trimmed[phrase.len()..].trim_start();
    if rest.is_empty() {
        return None;
    }
    let opening = &trimmed[..phrase.len()];
    let rewritten = if replacement.is_empty() {
        // "Responsible for managing X" -> "Managed X"; "Responsible for the X" -> "Owned the X".
        let mut next_words = rest.split_whitespace();
        let first = next_words.next().unwrap_or("");
        let after = next_words.next().map(|w| w.to_ascii_lowercase());
        // "Responsible for pricing and billing" names an area, not an action: keep it a noun.
        let noun_use = NOUNS_IN_ING.contains(&first.to_ascii_lowercase().as_str())
            || first.ends_with([',', ';', '.'])
            || matches!(after.as_deref(), None | Some("and" | "or" | "of" | "for" | "at" | "in"));
        match past_tense(first).filter(|_| !noun_use) {
            Some(past) => format!("{}{}", capitalize(&past), &rest[first.len()..]),
            None => format!("Owned {rest}"),
        }
    } else {
        format!("{replacement} {rest}")
    };
    Some((
        format!("{lead}{rewritten}"),
        format!("opens with a strong verb instead of \"{opening}\"; same facts"),
    ))
}

fn importance_rank(i: Importance) -> usize {
    match i {
        Importance::Required => 0,
        Importance::Preferred => 1,
        Importance::Mentioned => 2,
    }
}

/// Where a skill item stands for the JD: (importance rank, position in the JD's lists).
fn relevance(item: &str, request: &RewriteRequest) -> (usize, usize) {
    let job = &request.job;
    let lists = [&job.required_skills, &job.preferred_skills];
    for (rank, list) in lists.iter().enumerate() {
        if let Some(pos) = list.iter().position(|s| s.eq_ignore_ascii_case(item) || contains_word(item, s)) {
            return (rank, pos);
        }
    }
    for (pos, m) in request.report.matched_keywords.iter().enumerate() {
        if m.term.eq_ignore_ascii_case(item)
            || m.resume_term.eq_ignore_ascii_case(item)
            || contains_word(item, &m.resume_term)
        {
            return (importance_rank(m.importance), pos);
        }
    }
    (3, 0)
}

/// JD terms the resume uses word for word in its lines but does not list as skills, in JD
/// order, most important first.
fn evidenced_unlisted<'a>(request: &'a RewriteRequest, listed: &[String]) -> Vec<&'a str> {
    let r = &request.resume;
    let mut out: Vec<(usize, usize, &str)> = request
        .report
        .matched_keywords
        .iter()
        .enumerate()
        .filter(|(_, m)| m.literal && m.importance != Importance::Mentioned)
        .filter(|(_, m)| !m.sections.iter().any(|s| s == "skills"))
        .filter(|(_, m)| !listed.iter().any(|s| s.eq_ignore_ascii_case(&m.term) || contains_word(s, &m.term)))
        // Only what the resume itself says, never a JD word it does not contain.
        .filter(|(_, m)| r.lines().any(|(_, line)| contains_word(line, &m.term)))
        // Only names of skills ("accounts" or "package" are words of a posting, not skills).
        .filter(|(_, m)| is_skill_name(&m.term))
        .map(|(pos, m)| (importance_rank(m.importance), pos, m.term.as_str()))
        .collect();
    out.sort();
    out.dedup_by(|a, b| a.2.eq_ignore_ascii_case(b.2));
    // One name per concept: "incident response" is not added beside "Incident Management".
    let mut seen: Vec<usize> =
        listed.iter().filter_map(|s| resumax_lexicon::TAXONOMY.lookup_loose(s)).collect();
    out.into_iter()
        .map(|(_, _, t)| t)
        .filter(|t| match resumax_lexicon::TAXONOMY.lookup_loose(t) {
            Some(c) if seen.contains(&c) => false,
            Some(c) => {
                seen.push(c);
                true
            }
            None => true,
        })
        .collect()
}

/// A skill the taxonomy knows, or a product name written as one ("OBIEE", "CodeIgniter").
fn is_skill_name(term: &str) -> bool {
    resumax_lexicon::TAXONOMY.lookup_spelled(term).is_some()
        || term.split_whitespace().any(|w| {
            w.chars().skip(1).any(|c| c.is_uppercase() || c.is_ascii_digit())
                || w.len() >= 2 && w.chars().all(|c| c.is_uppercase() || c.is_ascii_digit())
        })
}

fn join_natural(items: &[&str]) -> String {
    match items {
        [] => String::new(),
        [one] => one.to_string(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

fn rewrite(request: &RewriteRequest, knobs: OfflineKnobs) -> Vec<Suggestion> {
    let resume = &request.resume;
    let mirrors = if knobs.mirror_terms { mirrors(&request.report.matched_keywords) } else { Vec::new() };
    let mut out: Vec<Suggestion> = Vec::new();
    let push = |out: &mut Vec<Suggestion>,
                target: SuggestionTarget,
                section: SectionKind,
                change_type: ChangeType,
                original: String,
                suggested: String,
                reasons: Vec<String>| {
        let change_id = format!("c{}", out.len() + 1);
        let mut reason = capitalize(&reasons.join("; "));
        reason.push('.');
        out.push(Suggestion {
            change_id,
            target,
            section,
            change_type,
            original,
            suggested,
            reason,
            uncertain: false,
        });
    };

    // Skills the bullets prove, for the summary and for the skills list.
    let listed: Vec<String> = resume
        .sections
        .iter()
        .filter(|s| s.kind == SectionKind::Skills)
        .flat_map(|s| s.skills.iter().cloned())
        .collect();
    let unlisted = evidenced_unlisted(request, &listed);
    let mut summary_done = false;
    // JD wordings the rewritten lines now carry, so the skills list does not repeat the work.
    let mut placed: Vec<&str> = Vec::new();

    for (s, section) in resume.sections.iter().enumerate() {
        for (e, entry) in section.entries.iter().enumerate() {
            for (l, line) in entry.lines.iter().enumerate() {
                let prose = matches!(
                    section.kind,
                    SectionKind::Summary | SectionKind::Experience | SectionKind::Projects
                );
                if !prose {
                    continue;
                }
                let (mut text, mut reasons) = mirror_line(line, &mirrors);
                placed.extend(mirrors.iter().filter(|m| contains_word(&text, m.jd)).map(|m| m.jd));
                let aligned = !reasons.is_empty();
                let mut change_type = ChangeType::KeywordAligned;
                if knobs.strengthen_openings
                    && let Some((strong, why)) = strengthen(&text)
                {
                    text = strong;
                    reasons.push(why);
                    if !aligned {
                        change_type = ChangeType::Strengthened;
                    }
                }
                if knobs.tighten_filler
                    && let Some((tight, why)) = tighten(&text)
                {
                    text = tight;
                    reasons.push(why);
                    if !aligned && change_type == ChangeType::KeywordAligned {
                        change_type = ChangeType::Strengthened;
                    }
                }
                if section.kind == SectionKind::Summary
                    && !summary_done
                    && (knobs.headline || knobs.summary_skills)
                {
                    summary_done = true;
                    if let Some((with_headline, why)) =
                        headline(request, &text, line, &listed, &unlisted, knobs)
                    {
                        text = with_headline;
                        reasons.push(why);
                        if !aligned {
                            change_type = ChangeType::Added;
                        }
                    }
                }
                if text != *line {
                    push(
                        &mut out,
                        SuggestionTarget::Line { item: ItemId { section: s, entry: e, line: l } },
                        section.kind,
                        change_type,
                        line.clone(),
                        text,
                        reasons,
                    );
                }
            }
        }

        if section.kind != SectionKind::Skills || section.skills.is_empty() {
            continue;
        }
        // A listed skill is never renamed: swapping "Public Speaking" for the JD's "presentation
        // skills" removes the resume's own wording (and the scorer already credits the alias).
        let mut items: Vec<String> = section.skills.clone();
        let mut reasons = Vec::new();
        let mut change_type = ChangeType::Reordered;
        if knobs.order_skills {
            let before = items.clone();
            // Stable: items the JD does not name keep their order behind the ones it does.
            items.sort_by_key(|item| relevance(item, request));
            if items != before {
                reasons.push("orders skills by what the JD asks for first".to_string());
            }
        }
        if knobs.add_evidenced_skills {
            // The JD's wording of a concept the resume shows in other words (and no line now
            // carries), then skills the bullets use word for word but the list omits.
            // Only skills the bullets use word for word but the list omits; the JD's wording of a
            // concept the list already names would be a near-duplicate.
            let mut added: Vec<&str> = Vec::new();
            added.sort_by_key(|t| relevance(t, request));
            for t in &unlisted {
                if !items.iter().any(|i| i.eq_ignore_ascii_case(t))
                    && !added.iter().any(|a| a.eq_ignore_ascii_case(t))
                {
                    added.push(t);
                }
            }
            if !added.is_empty() {
                let mut grown: Vec<String> = added.iter().map(|t| t.to_string()).collect();
                grown.extend(items);
                items = grown;
                reasons.push(format!("adds {} that your experience already shows", join_natural(&added)));
                change_type = ChangeType::Added;
            }
        }
        let original = skills_text(&section.skills);
        let suggested = skills_text(&items);
        if suggested != original {
            push(
                &mut out,
                SuggestionTarget::Skills { section: s },
                section.kind,
                change_type,
                original,
                suggested,
                reasons,
            );
        }
    }
    out
}

/// Filler that says nothing, and what to write instead ("" drops it).
const FILLER: &[(&str, &str)] = &[
    ("successfully ", ""),
    ("in order to ", "to "),
    ("a variety of ", ""),
    ("a wide variety of ", ""),
    ("various ", ""),
    ("utilized ", "used "),
    ("utilizing ", "using "),
    ("very ", ""),
    ("really ", ""),
    ("on a daily basis", "daily"),
    ("for the purpose of ", "for "),
    ("was able to ", ""),
];

/// The line without filler; the facts stay.
fn tighten(line: &str) -> Option<(String, String)> {
    let mut text = line.to_string();
    let mut cut = Vec::new();
    for (filler, with) in FILLER {
        let hits = find_all(&text, filler.trim_end());
        let Some(&at) = hits.first() else { continue };
        let end = at + filler.len();
        if end > text.len() || !text[at..end].eq_ignore_ascii_case(filler) {
            continue;
        }
        let capital = text[at..].starts_with(|c: char| c.is_uppercase());
        let mut replacement = with.to_string();
        if capital && at == 0 {
            let rest = text[end..].to_string();
            let next = if replacement.is_empty() {
                capitalize(&rest)
            } else {
                format!("{}{rest}", capitalize(&replacement))
            };
            text = next;
        } else {
            if capital {
                replacement = capitalize(&replacement);
            }
            text = format!("{}{replacement}{}", &text[..at], &text[end..]);
        }
        cut.push(format!("\"{}\"", filler.trim_end()));
    }
    (text != line && !text.trim().is_empty()).then(|| {
        (
            text,
            format!(
                "cuts the filler {}; same facts",
                join_natural(&cut.iter().map(String::as_str).collect::<Vec<_>>())
            ),
        )
    })
}

/// Title words that say nothing about the kind of work.
const TITLE_FILLER: &[&str] = &[
    "senior",
    "sr",
    "junior",
    "jr",
    "lead",
    "staff",
    "principal",
    "i",
    "ii",
    "iii",
    "of",
    "and",
    "the",
    "&",
];

fn title_words(title: &str) -> Vec<String> {
    words(title)
        .into_iter()
        .map(|(_, w)| w.to_lowercase())
        .filter(|w| !TITLE_FILLER.contains(&w.as_str()))
        .collect()
}

/// A headline for the summary's first line, made of the resume's own facts: its job title that
/// best matches the JD's title, and the JD skills it shows only in a bare list (or, under the
/// keyword strategy, also those its bullets prove). Aimed at the JD title, never claiming it.
fn headline(
    request: &RewriteRequest,
    text: &str,
    original: &str,
    listed: &[String],
    unlisted: &[&str],
    knobs: OfflineKnobs,
) -> Option<(String, String)> {
    let resume = &request.resume;
    let wanted = request.job.title.as_deref().map(title_words).unwrap_or_default();
    let titles: Vec<&str> = resume
        .sections
        .iter()
        .filter(|s| s.kind == SectionKind::Experience)
        .flat_map(|s| &s.entries)
        .filter_map(|e| e.title.as_deref())
        .collect();
    let title = titles
        .iter()
        .enumerate()
        .map(|(k, t)| {
            let have = title_words(t);
            (wanted.iter().filter(|w| have.contains(w)).count(), std::cmp::Reverse(k), *t)
        })
        .max()
        .filter(|(overlap, _, _)| knobs.headline && *overlap > 0)
        .map(|(_, _, t)| t)
        .filter(|t| !contains_word(text, t));

    // Skills a bare list carries: the summary proves them better.
    let mut skills: Vec<&str> = request
        .report
        .matched_keywords
        .iter()
        .filter(|m| m.literal && m.importance != Importance::Mentioned)
        .filter(|m| m.sections.iter().all(|s| s == "skills"))
        .filter(|m| listed.iter().any(|l| contains_word(l, &m.term)))
        .map(|m| m.term.as_str())
        .collect();
    if knobs.summary_skills {
        skills.extend(unlisted.iter().copied());
        skills.extend(listed_required(request, listed));
    }
    let mut fresh: Vec<&str> = Vec::new();
    // A number moved into a line reads as a new metric ("OSHA 30"), so such terms stay listed.
    for t in skills.into_iter().filter(|t| !t.chars().any(|c| c.is_ascii_digit())) {
        if !contains_word(text, t) && !fresh.iter().any(|f| f.eq_ignore_ascii_case(t)) {
            fresh.push(t);
        }
    }
    fresh.truncate(if knobs.summary_skills { MAX_SURFACED } else { MAX_SURFACED - 1 });
    // Within the guard's growth cap for this line, with room to spare.
    let budget = (original.chars().count() as f64 * 0.6 + 30.0) as usize;
    let lead = |fresh: &[&str]| -> Option<String> {
        match (title, fresh.is_empty()) {
            (None, true) => None,
            (Some(t), true) => Some(format!("{t}.")),
            (Some(t), false) => Some(format!("{t} experienced with {}.", join_natural(fresh))),
            (None, false) => Some(format!("Experienced with {}.", join_natural(fresh))),
        }
    };
    while !fresh.is_empty() && lead(&fresh).is_some_and(|l| l.chars().count() + 1 > budget) {
        fresh.pop();
    }
    let lead = lead(&fresh).filter(|l| l.chars().count() < budget)?;
    let why = match (title, fresh.is_empty()) {
        (Some(t), true) => format!("opens the summary with your title \"{t}\", close to the JD's"),
        (Some(t), false) => format!(
            "opens the summary with your title \"{t}\" and {} from your skills, where an ATS and a recruiter look first",
            join_natural(&fresh)
        ),
        _ => format!(
            "surfaces {} from your experience in the summary, where an ATS and a recruiter look first",
            join_natural(&fresh)
        ),
    };
    Some((format!("{lead} {}", text.trim_start()), why))
}

/// Required JD terms the resume lists as skills and proves in its lines, for the summary.
fn listed_required<'a>(request: &'a RewriteRequest, listed: &[String]) -> Vec<&'a str> {
    request
        .report
        .matched_keywords
        .iter()
        .filter(|m| m.literal && m.importance == Importance::Required)
        .filter(|m| listed.iter().any(|s| s.eq_ignore_ascii_case(&m.term)))
        .filter(|m| request.resume.lines().any(|(_, line)| !find_all(line, &m.term).is_empty()))
        .map(|m| m.term.as_str())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weak_openings_become_strong_verbs() {
        let s = |l: &str| strengthen(l).map(|(t, _)| t);
        assert_eq!(s("Responsible for managing a team of 5").as_deref(), Some("Managed a team of 5"));
        assert_eq!(s("Responsible for the payroll run").as_deref(), Some("Owned the payroll run"));
        assert_eq!(s("Worked on the checkout API").as_deref(), Some("Contributed to the checkout API"));
        assert_eq!(s("helped with onboarding").as_deref(), Some("Supported onboarding"));
        assert_eq!(s("Was involved in planning audits").as_deref(), Some("Contributed to planning audits"));
        assert_eq!(s("Responsible for leading standups").as_deref(), Some("Led standups"));
        assert_eq!(s("Responsible for planning events").as_deref(), Some("Planned events"));
        assert_eq!(s("Responsible for pricing strategy").as_deref(), Some("Owned pricing strategy"));
        assert_eq!(
            s("Responsible for budgeting and forecasting").as_deref(),
            Some("Owned budgeting and forecasting")
        );
        assert_eq!(s("Built a rate limiter"), None);
        assert_eq!(s("Worked onsite"), None);
    }

    #[test]
    fn prose_swaps_stay_grammatical() {
        let ok = Mirror { jd: "PostgreSQL", resume: "Postgres" };
        let head = Mirror { jd: "REST APIs", resume: "RESTful APIs" };
        let title = Mirror { jd: "RN License", resume: "registered nurse" };
        let longer = Mirror { jd: "RN License", resume: "RN" };
        assert!(swappable_in_prose(&ok) && swappable_in_prose(&head));
        assert!(!swappable_in_prose(&title) && !swappable_in_prose(&longer));
        // Tense and number stay the resume's: an inflection is never swapped in.
        for (jd, resume) in
            [("forecast", "Forecasted"), ("reconciliations", "reconciliation"), ("REST APIs", "REST API")]
        {
            assert!(!swappable_in_prose(&Mirror { jd, resume }), "{jd} for {resume}");
        }
    }

    #[test]
    fn a_swap_keeps_the_capital_that_opens_the_line() {
        let m = [Mirror { jd: "kubernetes", resume: "k8s" }];
        assert_eq!(mirror_line("K8s clusters for 40 teams", &m).0, "Kubernetes clusters for 40 teams");
        assert_eq!(mirror_line("Ran k8s clusters", &m).0, "Ran kubernetes clusters");
    }

    /// Labelled bullet rewrites: (bullet, resume wording, JD wording, expected line). Tense,
    /// number and capitalisation stay the resume's; an inflection or a different-length phrase is
    /// never swapped in.
    const LABELLED: &[(&str, &str, &str, &str)] = &[
        ("Ran Postgres on bare metal", "Postgres", "PostgreSQL", "Ran PostgreSQL on bare metal"),
        (
            "Postgres replicas for 40 services",
            "Postgres",
            "PostgreSQL",
            "PostgreSQL replicas for 40 services",
        ),
        ("Tuned postgres queries", "postgres", "PostgreSQL", "Tuned PostgreSQL queries"),
        ("Moved jobs to k8s", "k8s", "Kubernetes", "Moved jobs to Kubernetes"),
        ("K8s operators for billing", "K8s", "Kubernetes", "Kubernetes operators for billing"),
        (
            "Shipped k8s. K8s upgrades were zero-downtime",
            "k8s",
            "Kubernetes",
            "Shipped Kubernetes. Kubernetes upgrades were zero-downtime",
        ),
        ("Built JS widgets", "JS", "JavaScript", "Built JavaScript widgets"),
        ("JS bundles cut by 40%", "JS", "JavaScript", "JavaScript bundles cut by 40%"),
        ("Wrote Golang services", "Golang", "Go", "Wrote Go services"),
        ("Golang tooling for CI", "Golang", "Go", "Go tooling for CI"),
        ("Deployed on Amazon Web Services", "Amazon Web Services", "AWS", "Deployed on Amazon Web Services"),
        ("Automated GCP billing exports", "GCP", "Google Cloud", "Automated GCP billing exports"),
        ("Managed EKS clusters", "EKS", "Kubernetes", "Managed Kubernetes clusters"),
        ("Built RESTful APIs for partners", "RESTful APIs", "REST APIs", "Built REST APIs for partners"),
        ("Designed RESTful APIs", "RESTful APIs", "REST APIs", "Designed REST APIs"),
        ("Forecasted revenue each quarter", "Forecasted", "forecast", "Forecasted revenue each quarter"),
        ("Forecasted demand for 12 stores", "Forecasted", "forecasting", "Forecasted demand for 12 stores"),
        (
            "Owned reconciliation of 8 accounts",
            "reconciliation",
            "reconciliations",
            "Owned reconciliation of 8 accounts",
        ),
        ("Ran reconciliations monthly", "reconciliations", "reconciliation", "Ran reconciliations monthly"),
        ("Managed budgets of $2M", "budgets", "budgeting", "Managed budgets of $2M"),
        ("Scheduled 30 nurses", "Scheduled", "scheduling", "Scheduled 30 nurses"),
        ("Led marketing campaigns", "marketing", "Marketing", "Led marketing campaigns"),
        ("Mentored 4 engineers", "Mentored", "mentoring", "Mentored 4 engineers"),
        ("Analyzed churn in SQL", "Analyzed", "analysis", "Analyzed churn in SQL"),
        ("Wrote unit tests", "unit tests", "unit testing", "Wrote unit tests"),
        (
            "Handled incident response",
            "incident response",
            "Incident Management",
            "Handled incident response",
        ),
        ("Presented to the board", "Presented", "presentations", "Presented to the board"),
        (
            "Registered nurse on a cardiac ward",
            "registered nurse",
            "RN License",
            "Registered nurse on a cardiac ward",
        ),
        ("Kept the RN caseload balanced", "RN", "RN License", "Kept the RN caseload balanced"),
        // "React" is already a word of "React.js": nothing to align.
        ("Shipped features in React.js", "React.js", "React", "Shipped features in React.js"),
        ("React.js dashboards for ops", "React.js", "React", "React.js dashboards for ops"),
        ("Maintained NodeJS services", "NodeJS", "Node.js", "Maintained Node.js services"),
        ("Used sklearn for churn models", "sklearn", "scikit-learn", "Used scikit-learn for churn models"),
        (
            "Sklearn pipelines in production",
            "Sklearn",
            "scikit-learn",
            "Scikit-learn pipelines in production",
        ),
        ("Built dashboards in PowerBI", "PowerBI", "Power BI", "Built dashboards in PowerBI"),
        ("Moved ETL to Apache Airflow", "Apache Airflow", "Airflow", "Moved ETL to Apache Airflow"),
        ("Ran MS Excel models", "MS Excel", "Microsoft Excel", "Ran Microsoft Excel models"),
        ("Taught ESL classes", "ESL", "English as a Second Language", "Taught ESL classes"),
        ("Cut p99 latency by 30%", "p99", "latency", "Cut p99 latency by 30%"),
        ("Owned the AP process", "AP", "Accounts Payable", "Owned the AP process"),
        ("Supported GAAP close", "GAAP", "US GAAP", "Supported GAAP close"),
        ("Configured Zendesk macros", "Zendesk", "Zendesk", "Configured Zendesk macros"),
    ];

    #[test]
    fn labelled_bullet_rewrites_keep_tense_number_and_capitals() {
        assert!(LABELLED.len() >= 40);
        for (line, resume, jd, want) in LABELLED {
            let got = mirror_line(line, &[Mirror { jd, resume }]).0;
            assert_eq!(&got, want, "{resume} -> {jd} in {line:?}");
        }
    }

    #[test]
    fn only_skill_names_are_added() {
        assert!(is_skill_name("PostgreSQL") && is_skill_name("OBIEE") && is_skill_name("incident response"));
        assert!(!is_skill_name("accounts") && !is_skill_name("package"));
    }
}
