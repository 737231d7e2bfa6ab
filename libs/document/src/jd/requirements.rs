//! The requirement model of a posting: which blocks ask for something (by heading and cue),
//! and what each item there asks for: a canonical term with its importance, kind and source
//! phrase, either/or groups ("Go, Rust or Java", "such as R, Weka"), years ("5+ years of
//! Python") and degrees. Produced once; the scorer, the API and the prompts all read it.
//!
//! The reading is a recruiter's: a block is found by its heading, boilerplate (about us,
//! benefits, how to apply) is skipped, duties count only when the posting lists no
//! qualifications, and an item is cut into requirements at list separators but never inside
//! brackets or a known skill name.

use resumax_core::job_description::{Requirement, RequirementKind};
use resumax_core::score::Importance;
use resumax_lexicon::{
    Cue, TAXONOMY, heading_cue, inline_cue, is_duty_verb, states_requirement, tokenize, unexplained_words,
    words,
};

use crate::text::strip_bullet;

/// A posting whose requirement blocks name fewer skills than this is screened on its duties
/// and its untitled lines too (a Naukri-style posting that lists only responsibilities).
const FEW_SKILLS: usize = 3;
/// Longest phrase kept as a requirement name when the taxonomy does not know it.
const MAX_PHRASE_WORDS: usize = 4;

/// Words that open a requirement without naming it ("Strong working knowledge of", "Ability
/// to"); stripped from the front of every list element.
const LEAD_WORDS: &[&str] = &[
    "strong",
    "good",
    "solid",
    "sound",
    "excellent",
    "great",
    "exceptional",
    "outstanding",
    "effective",
    "proven",
    "demonstrated",
    "demonstrable",
    "working",
    "hands",
    "on",
    "hands-on",
    "knowledge",
    "understanding",
    "experience",
    "experienced",
    "expertise",
    "proficiency",
    "proficient",
    "familiarity",
    "familiar",
    "ability",
    "able",
    "to",
    "of",
    "in",
    "with",
    "using",
    "use",
    "the",
    "a",
    "an",
    "and",
    "or",
    "any",
    "various",
    "common",
    "modern",
    "relevant",
    "deep",
    "thorough",
    "in-depth",
    "depth",
    "extensive",
    "basic",
    "fundamental",
    "fundamentals",
    "exposure",
    "background",
    "skills",
    "skill",
    "fairly",
    "very",
    "highly",
    "adequate",
    "comfortable",
    "comfort",
    "ease",
    "track",
    "record",
    "passion",
    "for",
    "at",
    "least",
    "minimum",
    "constructs",
    "concepts",
    "concept",
    "command",
    "over",
    "top-notch",
    "top",
    "notch",
    "distinctive",
    "exemplary",
    "measurable",
    "is",
    "are",
    "be",
    "have",
    "has",
    "should",
    "must",
    "will",
    "would",
    "can",
    "could",
    "know",
    "how",
    "from",
    "about",
    "such",
    "as",
    "like",
    "including",
    "etc",
    "also",
    "other",
    "additional",
    "required",
    "preferred",
    "necessary",
    "desired",
    "is",
    "plus",
    "bonus",
    "equivalent",
    "learn",
    "grasp",
    "grounding",
    "foundation",
    "foundations",
    "comfort",
    "consuming",
    "record",
    "professional",
    "possession",
    "obtain",
    "current",
    "valid",
    "active",
    "hold",
    "holding",
];
/// Words that end an element without naming it ("Kafka experience", "SQL etc").
const TRAIL_WORDS: &[&str] = &[
    "etc",
    "experience",
    "knowledge",
    "expertise",
    "background",
    "skills",
    "skill",
    "proficiency",
    "and",
    "or",
    "of",
    "in",
    "with",
    "the",
    "a",
    "an",
    "is",
    "are",
    "a plus",
    "plus",
    "preferred",
    "required",
    "environment",
    "concepts",
    "concept",
    "constructs",
    "fundamentals",
    "etc.",
];
/// Generic last words that may follow a known skill without changing it ("SEO process",
/// "Git tools"): the skill is looked up again without them.
const GENERIC_HEADS: &[&str] = &[
    "process",
    "processes",
    "tools",
    "tool",
    "systems",
    "system",
    "technologies",
    "technology",
    "framework",
    "frameworks",
    "practices",
    "techniques",
    "methods",
    "methodologies",
    "platforms",
    "platform",
    "libraries",
    "library",
    "environment",
    "environments",
    "skills",
    "concepts",
    "principles",
    "development",
    "programming",
    "stack",
    "solutions",
    "services",
    "applications",
    "software",
    "expertise",
    "experience",
    "knowledge",
    "capabilities",
    "apis",
    "api",
    "skills",
];
/// Last words that make a short phrase the name of a skill, a field or a body of knowledge
/// ("session management", "invoice validation", "teaching experience").
const SKILL_HEADS: &[&str] = &[
    "management",
    "development",
    "design",
    "programming",
    "testing",
    "security",
    "analysis",
    "analytics",
    "reconciliation",
    "validation",
    "billing",
    "documentation",
    "planning",
    "optimization",
    "optimisation",
    "engineering",
    "architecture",
    "leadership",
    "marketing",
    "sales",
    "experience",
    "strategy",
    "strategies",
    "budgeting",
    "recovery",
    "integration",
    "modeling",
    "modelling",
    "mining",
    "statistics",
    "accounting",
    "finance",
    "processes",
    "teams",
    "languages",
    "databases",
    "systems",
    "frameworks",
    "tools",
    "toolkits",
    "libraries",
    "patterns",
    "algorithms",
    "structures",
    "communication",
    "writing",
    "operations",
    "support",
    "service",
    "administration",
    "research",
    "reporting",
    "visualization",
    "visualisation",
    "manufacturing",
    "electronics",
    "products",
    "software",
    "science",
    "learning",
    "governance",
    "compliance",
    "auditing",
    "procurement",
    "logistics",
    "scheduling",
    "coordination",
    "negotiation",
    "recruiting",
    "coaching",
    "training",
    "teaching",
    "instruction",
    "solutions",
    "networking",
    "infrastructure",
    "applications",
    "automation",
    "monitoring",
    "deployment",
    "maintenance",
    "troubleshooting",
    "scripting",
    "vision",
    "sensibility",
    "thinking",
    "abilities",
    "skills",
    "storytelling",
    "phonics",
    "manufacturers",
    "oems",
    "degree",
    "certification",
    "license",
    "licence",
    "mapping",
    "handling",
    "editing",
    "lifecycle",
    "direction",
    "adoption",
    "methodologies",
    "principles",
    "technologies",
    "platforms",
    "services",
    "concepts",
    "stack",
    "apis",
    "api",
    "credential",
    "credentials",
    "licenses",
    "licences",
    "certifications",
    "certificate",
];
/// Words that say a phrase is a sentence about the job, not the name of a requirement.
const NOT_A_NAME: &[&str] = &[
    "we",
    "you",
    "our",
    "your",
    "they",
    "their",
    "us",
    "i",
    "my",
    "who",
    "which",
    "that",
    "this",
    "these",
    "those",
    "will",
    "should",
    "must",
    "can",
    "may",
    "would",
    "could",
    "is",
    "are",
    "was",
    "be",
    "been",
    "being",
    "have",
    "has",
    "had",
    "do",
    "does",
    "not",
    "no",
    "very",
    "well",
    "without",
    "within",
    "across",
    "all",
    "every",
    "each",
    "job",
    "role",
    "position",
    "candidate",
    "candidates",
    "team",
    "company",
    "work",
    "day",
    "days",
    "time",
    "times",
    "dm",
    "details",
    "ok",
    "rockstar",
    "ninja",
    "how",
    "what",
    "when",
    "where",
    "why",
];

/// Where one line of the posting stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Block {
    /// Before any heading: the posting's introduction.
    Intro,
    /// Under a heading that names no known block.
    Unknown,
    Cue(Cue),
}

#[derive(Debug, Clone)]
struct Item {
    text: String,
    block: Block,
    /// A list item (or a label's value), not a paragraph of prose.
    bullet: bool,
    /// The importance the block gives it, before inline markers.
    importance: Importance,
}

fn words_of(s: &str) -> Vec<&str> {
    s.split_whitespace().collect()
}

fn folded(s: &str) -> String {
    resumax_lexicon::fold(s)
}

/// "Minimum qualifications:", "Skills required -": the heading text when the line reads as one.
fn heading_text(line: &str) -> Option<&str> {
    let t = line.trim();
    let stripped = t.trim_end_matches([':', '-', '–', '—', ' ']).trim();
    let marked = stripped.len() < t.len();
    let n = words_of(stripped).len();
    if stripped.is_empty() || n > 8 {
        return None;
    }
    if !marked && (stripped.ends_with(['.', ',', ';', '!', '?']) || stripped.contains(". ")) {
        return None;
    }
    Some(stripped)
}

/// The cue of a line that is a heading, None for an item. `Some(None)` is a heading that names
/// no known block ("Working days and times:" is known; "Our stack:" is not).
fn line_heading(line: &str) -> Option<Option<Cue>> {
    let text = heading_text(line)?;
    let marked = text.len() < line.trim().len();
    let cue = heading_cue(text);
    if marked {
        return Some(cue);
    }
    let cue = cue?;
    let n = words_of(text).len();
    let allowed = match n {
        0..=2 => 0,
        3..=5 => 1,
        _ => n / 3,
    };
    // "About Us", "About Stones2Milestones": the company's name is not a cue word.
    let about = text.to_lowercase().starts_with("about ");
    // "Experience with Salesforce" names a skill: an item, not a heading.
    let names_skill = !concept_spans(text, false).is_empty();
    (about || (unexplained_words(text) <= allowed && !names_skill)).then_some(Some(cue))
}

fn block_importance(block: Block) -> Importance {
    match block {
        Block::Cue(Cue::Preferred) => Importance::Preferred,
        _ => Importance::Required,
    }
}

/// Splits a posting into items with the block each stands in. A line that ends in a comma or
/// a joining word ("such as k-NN, Naive Bayes,") continues on the next line.
fn items(lines: &[String]) -> Vec<Item> {
    let mut out: Vec<Item> = Vec::new();
    let mut block = Block::Intro;
    let mut open = false;
    let mut pieces: Vec<String> = Vec::new();
    for raw in lines {
        // "Senior Backend Engineer. Must have: Go, Kafka. Nice to have: Terraform.": each
        // labelled sentence of a prose line is an item of its own.
        if strip_bullet(raw).is_none() && raw.contains(':') && raw.contains(". ") {
            let mut rest: Vec<String> = Vec::new();
            for sentence in sentences(raw) {
                let labelled = sentence.split_once(':').is_some_and(|(l, v)| {
                    !v.trim().is_empty()
                        && words_of(l).len() <= 5
                        && heading_cue(l).is_some()
                        && unexplained_words(l) <= 1
                });
                if labelled {
                    if !rest.is_empty() {
                        pieces.push(rest.join(". "));
                        rest.clear();
                    }
                    pieces.push(sentence);
                } else {
                    rest.push(sentence);
                }
            }
            if !rest.is_empty() {
                pieces.push(rest.join(". "));
            }
        } else {
            pieces.push(raw.clone());
        }
    }
    for raw in &pieces {
        // "(A) Skills, abilities and attitudes:" under "Remuneration": an enumerated sub-heading
        // stays in the block it stands in.
        if let Some(rest) = strip_number(raw)
            && rest.trim_end().ends_with(':')
            && heading_text(rest).is_some()
        {
            open = false;
            continue;
        }
        let bullet = strip_bullet(raw).or_else(|| strip_number(raw));
        let line = bullet.unwrap_or(raw).trim();
        if line.is_empty() {
            open = false;
            continue;
        }
        if open
            && bullet.is_none()
            && let Some(prev) = out.last_mut()
        {
            prev.text.push(' ');
            prev.text.push_str(line);
            open = continues(line);
            continue;
        }
        open = continues(line);
        if bullet.is_none()
            && let Some(cue) = line_heading(line)
        {
            block = cue.map_or(Block::Unknown, Block::Cue);
            open = false;
            continue;
        }
        // "Experience: Minimum 1 year", "Nice to have: MATLAB": a label and its value.
        if let Some((label, value)) = line.split_once(':')
            && !value.trim().is_empty()
            && words_of(label).len() <= 5
            && !label.contains(['(', ','])
        {
            if let Some(cue) = heading_cue(label).filter(|_| unexplained_words(label) <= 1) {
                let here = Block::Cue(cue);
                if bullet.is_none() {
                    block = here;
                }
                out.push(Item {
                    text: value.trim().to_string(),
                    block: here,
                    importance: block_importance(here),
                    bullet: true,
                });
                continue;
            }
            if bullet.is_none() && block == Block::Intro {
                // "Position Title: Facilitator": a field of the header, not a requirement.
                continue;
            }
        }
        out.push(Item {
            text: line.to_string(),
            block,
            importance: block_importance(block),
            bullet: bullet.is_some(),
        });
    }
    out
}

/// "1. Knowledge of A/B testing", "2) SQL", "(a) Python": the item without its number.
fn strip_number(line: &str) -> Option<&str> {
    let t = line.trim_start();
    let t2 = t.strip_prefix('(').unwrap_or(t);
    let n = t2.chars().take_while(|c| c.is_ascii_digit()).count();
    let n =
        if n == 0 && t2.chars().next().is_some_and(|c| c.is_ascii_alphabetic()) && t2[1..].starts_with(')') {
            1
        } else {
            n
        };
    if !(1..=2).contains(&n) {
        return None;
    }
    let rest = t2[n..].strip_prefix(['.', ')'])?;
    rest.starts_with(' ').then(|| rest.trim_start()).filter(|r| !r.is_empty())
}

fn continues(line: &str) -> bool {
    let l = line.trim_end().to_lowercase();
    l.ends_with(',')
        || [" and", " or", " of", " such as", " e.g.", " including", " like", " with", " in"]
            .iter()
            .any(|j| l.ends_with(j))
}

/// One requirement before deduplication.
#[derive(Debug, Clone)]
struct Found {
    members: Vec<Member>,
    /// The first member is the class the others illustrate.
    category: bool,
    importance: Importance,
    source: String,
    years: Option<u32>,
    kind: Option<RequirementKind>,
}

#[derive(Debug, Clone)]
struct Member {
    name: String,
    concept: Option<usize>,
}

/// A paragraph this long is prose about the job, not a list of requirements.
const PROSE_WORDS: usize = 25;

/// Reads the requirements of a posting given as reading lines (see [`reading_lines`]).
pub(crate) fn extract(lines: &[String]) -> Vec<Requirement> {
    let items = items(lines);
    let mut found: Vec<Found> = Vec::new();
    let listed = |b: Block| matches!(b, Block::Cue(Cue::Required | Cue::Preferred));
    for item in items.iter().filter(|i| listed(i.block)) {
        read_item(&item.text, item.importance, true, &mut found);
    }
    let skills =
        found.iter().filter(|f| f.years.is_none() && f.kind != Some(RequirementKind::Degree)).count();
    let few = skills < FEW_SKILLS;
    for (n, item) in
        items.iter().enumerate().filter(|(_, i)| !listed(i.block) && i.block != Block::Cue(Cue::Boilerplate))
    {
        let prose = !item.bullet && words_of(&item.text).len() > PROSE_WORDS;
        if !prose && (few || states_requirement(&item.text)) {
            // A posting without qualifications is screened on its duties; a line that states a
            // requirement ("Good understanding of Oracle PL/SQL") is one wherever it stands.
            read_item(&item.text, item.importance, few, &mut found);
            continue;
        }
        for sentence in sentences(&item.text) {
            let (importance, body) = marked_importance(&sentence, item.importance);
            // Years stated anywhere outside boilerplate are a requirement ("We are looking for
            // developers with 2-4 years of experience").
            if let Some((years, subject, _, _)) = years_of(&body) {
                found.push(years_found(years, subject, importance, &sentence));
            }
            // The tools the introduction names are what the job is done with ("Web-based
            // products using PHP, JavaScript, MySQL"); the title line only up to its first comma
            // (after it come the team and the place).
            // Short lines after the title are the header (company, place, pay), not the job.
            let title_line = n == 0 && words_of(&item.text).len() <= 12;
            if item.block == Block::Intro && (title_line || words_of(&item.text).len() > 8) {
                let text = if title_line { body.split(',').next().unwrap_or("") } else { body.as_str() };
                for (c, s, e) in concept_spans(text, false) {
                    // A product is written as a name ("using PHP, MySQL", "Drupal & Wordpress");
                    // lowercase words in the introduction ("accounts payable") are duties.
                    let named = text[s..e].chars().next().is_some_and(char::is_uppercase);
                    let concept = &TAXONOMY.concepts[c];
                    // In the title only a product or language name ("Python/Django"), not the
                    // field the role works in ("Content Marketing Lead").
                    let one_word = !text[s..e].contains(char::is_whitespace);
                    if !concept.soft && concept.domain != "languages" && named && (!title_line || one_word) {
                        let m = Member { name: display(&text[s..e], c), concept: Some(c) };
                        found.push(Found {
                            members: vec![m],
                            category: false,
                            importance,
                            source: sentence.clone(),
                            years: None,
                            kind: None,
                        });
                    }
                }
            }
        }
    }
    finish(found)
}

/// For a posting in a language the taxonomy does not cover: the product names it mentions
/// ("Python", "SQL", "SAP"), each required, and nothing read from its words.
pub(crate) fn named_tools(text: &str) -> Vec<Requirement> {
    let mut found = Vec::new();
    for (c, s, e) in concept_spans(text, false) {
        let wording = &text[s..e];
        let concept = &TAXONOMY.concepts[c];
        let product = wording.chars().skip(1).any(|ch| ch.is_uppercase() || ch.is_ascii_digit())
            || wording.len() >= 2
                && wording
                    .chars()
                    .all(|ch| ch.is_uppercase() || ch.is_ascii_digit() || !ch.is_alphanumeric())
            || wording.chars().next().is_some_and(char::is_uppercase) && !wording.contains(' ');
        if product && !concept.soft && concept.domain != "languages" {
            let m = Member { name: display(wording, c), concept: Some(c) };
            found.push(Found {
                members: vec![m],
                category: false,
                importance: Importance::Required,
                source: wording.to_string(),
                years: None,
                kind: None,
            });
        }
    }
    finish(found)
}

/// The lines JD analysis reads: text pasted from Word often glues a heading to the paragraph
/// before it ("...Drupal & WordpressResponsibilities") and prints a heading twice without a
/// break; both are split again here. The stored text is left as the posting had it.
pub(crate) fn reading_lines(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for line in text.lines() {
        let line = line.trim();
        let line = undouble(line);
        for piece in unglue(line) {
            out.push(piece);
        }
    }
    out
}

/// "Director of Engineering, Google CloudDirector of Engineering, Google Cloud" -> once.
fn undouble(line: &str) -> &str {
    let n = line.len();
    if n >= 8 && n.is_multiple_of(2) && line.is_char_boundary(n / 2) && line[..n / 2] == line[n / 2..] {
        return &line[..n / 2];
    }
    line
}

/// Splits a line where a heading or a "Label:" starts glued to the word before it
/// ("ControllingInvoice" is left alone; "comResponsibilities and Duties" is split).
fn unglue(line: &str) -> Vec<String> {
    let chars: Vec<(usize, char)> = line.char_indices().collect();
    let mut cuts: Vec<usize> = Vec::new();
    for w in 1..chars.len() {
        let (i, c) = chars[w];
        let prev = chars[w - 1].1;
        if !(c.is_uppercase() && (prev.is_lowercase() || prev.is_ascii_digit() || prev == ')' || prev == '!'))
        {
            continue;
        }
        let rest = &line[i..];
        let head: String = rest.split_whitespace().take(4).collect::<Vec<_>>().join(" ");
        let label = rest
            .split_once(':')
            .map(|(l, _)| l)
            .filter(|l| words_of(l).len() <= 3 && !l.contains(['.', ',']));
        let word_start = line[..i].rfind(|ch: char| ch.is_whitespace()).map_or(0, |s| s + 1);
        let before = &line[word_start..i];
        let doubled = !before.is_empty() && rest.starts_with(before) && before.chars().count() >= 4;
        let heading = heading_cue(&head).is_some() && {
            // The cue must start at the glued word: "Responsibilities and Duties", not a cue
            // word further on.
            let first: String = head
                .split_whitespace()
                .next()
                .unwrap_or("")
                .chars()
                .filter(|c| c.is_alphanumeric())
                .collect();
            heading_cue(&first).is_some() || label.is_some()
        };
        if doubled
            || heading
            || label
                .is_some_and(|l| l.chars().next().is_some_and(char::is_uppercase) && heading_cue(l).is_some())
        {
            cuts.push(i);
        }
    }
    if cuts.is_empty() {
        return vec![line.to_string()];
    }
    let mut out = Vec::new();
    let mut start = 0;
    for c in cuts {
        out.push(line[start..c].trim().to_string());
        start = c;
    }
    out.push(line[start..].trim().to_string());
    // A heading glued to its first line of text ("Responsibilities and DutiesTotal Billing"):
    // the heading's last word runs into the next capitalised word.
    out.into_iter().filter(|p| !p.is_empty()).flat_map(split_heading_run).collect()
}

fn split_heading_run(piece: String) -> Vec<String> {
    let ws = words_of(&piece);
    for k in 1..=ws.len().min(5) {
        let w = ws[k - 1];
        let Some(pos) = w
            .char_indices()
            .skip(1)
            .find(|&(j, c)| c.is_uppercase() && w[..j].chars().last().is_some_and(char::is_lowercase))
            .map(|(j, _)| j)
        else {
            continue;
        };
        let head = format!("{} {}", ws[..k - 1].join(" "), &w[..pos]);
        let head = head.trim();
        if heading_cue(head).is_some() && unexplained_words(head) == 0 {
            let at = piece.find(w).unwrap_or(0) + pos;
            return vec![head.to_string(), piece[at..].trim().to_string()];
        }
    }
    vec![piece]
}

/// Splits an item into sentences at ". " and "; ", but not after abbreviations ("e.g. ",
/// "B. Tech") or inside brackets.
fn sentences(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut depth = 0i32;
    let chars: Vec<char> = text.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        match c {
            '(' | '[' => depth += 1,
            ')' | ']' => depth -= 1,
            _ => {}
        }
        let next_space = chars.get(i + 1).is_none_or(|n| n.is_whitespace());
        if depth <= 0 && matches!(c, ';' | '.' | '!' | '?') && next_space {
            let last_word: String =
                cur.chars().rev().take_while(|c| c.is_alphanumeric() || *c == '.').collect::<String>();
            let last_word: String = last_word.chars().rev().collect();
            let abbrev = c == '.'
                && (last_word.chars().count() <= 1
                    || matches!(
                        last_word.to_lowercase().as_str(),
                        "e.g" | "i.e" | "etc" | "eg" | "ie" | "vs" | "incl" | "approx" | "sr" | "jr" | "no"
                    ));
            if !abbrev {
                if !cur.trim().is_empty() {
                    out.push(cur.trim().to_string());
                }
                cur.clear();
                continue;
            }
        }
        cur.push(c);
    }
    if !cur.trim().is_empty() {
        out.push(cur.trim().trim_end_matches('.').to_string());
    }
    out
}

/// The importance an inline marker gives a sentence ("Kafka is a plus", "CSS (Required)") and the
/// sentence without the marker.
fn marked_importance(sentence: &str, block: Importance) -> (Importance, String) {
    let Some((cue, at)) = inline_cue(sentence) else {
        return (block, sentence.to_string());
    };
    let importance = match cue {
        Cue::Preferred => Importance::Preferred,
        _ => Importance::Required,
    };
    // A marker that opens the sentence ("Must speak English well", "Additional skill-sets of
    // ...") governs what follows it.
    if words_of(&sentence[..at]).is_empty() {
        let after = &sentence[at..];
        let skip = after.find(char::is_whitespace).unwrap_or(after.len());
        return (importance, after[skip..].trim().to_string());
    }
    // Cut the marker and whatever follows it inside its clause: "(nice to have)", "is a plus".
    let before = sentence[..at].trim_end();
    let mut body = before.to_string();
    let after = &sentence[at..];
    let rest = after.find([')', ',']).map(|i| &after[i + 1..]).unwrap_or("");
    if !rest.trim().is_empty() && words_of(rest).len() > 1 {
        body.push_str(", ");
        body.push_str(rest.trim());
    }
    let body = body.trim_end_matches(['(', ',', '-', ':', ' ']).trim();
    let body = ["is", "are", "would be", "will be", "be"]
        .iter()
        .find_map(|w| body.strip_suffix(w).filter(|b| b.ends_with(' ')))
        .unwrap_or(body)
        .trim();
    (importance, body.to_string())
}

/// "5+ years of Python", "2-4 years experience", "Django Development: 1 year": the minimum
/// years, the subject when the years are of one skill, and the text with the years cut out.
/// The flag says the subject stood in the sentence ("5 years of product management
/// experience"), not as a label ("PHP: 3 years").
fn years_of(text: &str) -> Option<(u32, Option<String>, String, bool)> {
    let tokens = tokenize(text);
    for (i, t) in tokens.iter().enumerate() {
        let digits = t.folded.trim_end_matches('+');
        let Ok(n) = digits.parse::<u32>() else { continue };
        if !(1..=40).contains(&n) {
            continue;
        }
        // "2-4 years", "1 -3 years", "2-4 + years": the range's lower end.
        let mut j = i + 1;
        if tokens.get(j).is_some_and(|t| t.folded.trim_end_matches('+').parse::<u32>().is_ok()) {
            j += 1;
        }
        if !tokens.get(j).is_some_and(|t| matches!(t.folded.as_str(), "year" | "years" | "yr" | "yrs")) {
            continue;
        }
        let before = text[..t.start].to_lowercase();
        if before.trim_end().ends_with("up to") || before.trim_end().ends_with("more than") && i > 6 {
            continue;
        }
        let year_end = tokens[j].end;
        let after = text[year_end..].trim_start_matches(['+', ' ', ')']);
        let after_lower = after.to_lowercase();
        let old = after_lower.starts_with("old") || after_lower.starts_with("of age");
        if old {
            continue;
        }
        // "Django Development: 1 year": the label names the subject.
        let label_subject = text[..t.start].trim_end().strip_suffix(':').map(|l| l.trim().to_string());
        let general_label = |l: &str| {
            let l = l.to_lowercase();
            [
                "work",
                "total work",
                "experience",
                "total experience",
                "overall",
                "total",
                "years of experience",
                "industry",
            ]
            .contains(&l.as_str())
        };
        let mut subject = label_subject.filter(|l| !general_label(l) && words_of(l).len() <= 4);
        let mut rest = after.to_string();
        let mut inline_subject = false;
        if subject.is_none() {
            // "5 years of product management experience leading ...": the words before
            // "experience" are its subject; "of relevant work experience" has none.
            let body = after.strip_prefix("of ").unwrap_or(after);
            let lower = body.to_lowercase();
            if let Some(at) = lower.find("experience") {
                let head = body[..at].trim();
                let general = head.is_empty()
                    || words_of(head).iter().all(|w| {
                        matches!(
                            w.to_lowercase().as_str(),
                            "work"
                                | "relevant"
                                | "industry"
                                | "professional"
                                | "total"
                                | "hands-on"
                                | "overall"
                                | "practical"
                                | "proven"
                                | "related"
                                | "post-qualification"
                                | "of"
                                | "full-time"
                        )
                    });
                if !general && words_of(head).len() <= 3 && !head.contains(['(', ',']) {
                    subject = Some(head.to_string());
                    inline_subject = true;
                    rest = body[at + "experience".len()..].to_string();
                } else if general {
                    rest = body[at + "experience".len()..].to_string();
                } else {
                    rest = format!("{} {}", head, &body[at + "experience".len()..]);
                }
            } else {
                rest = body.to_string();
            }
        }
        let prefix = text[..t.start].trim_end();
        let prefix = if label_subject_is(prefix) { "" } else { prefix };
        let prefix = strip_lead(prefix);
        let rest = format!("{prefix} {rest}");
        return Some((n, subject, rest.trim().to_string(), inline_subject));
    }
    None
}

fn label_subject_is(prefix: &str) -> bool {
    prefix.ends_with(':')
}

fn years_found(years: u32, subject: Option<String>, importance: Importance, source: &str) -> Found {
    let name = match &subject {
        Some(s) => format!("{years}+ years {}", clean_name(s)),
        None => format!("{years}+ years experience"),
    };
    Found {
        members: vec![Member { name, concept: None }],
        category: false,
        importance,
        source: source.to_string(),
        years: Some(years),
        kind: Some(RequirementKind::Years),
    }
}

/// Reads one item (a bullet or a line) into requirements. `listed` is true in a requirement
/// block, where a short phrase the taxonomy does not know still names a requirement.
fn read_item(text: &str, block: Importance, listed: bool, out: &mut Vec<Found>) {
    for sentence in sentences(text) {
        let (importance, mut body) = marked_importance(&sentence, block);
        if let Some((years, subject, rest, inline_subject)) = years_of(&body) {
            out.push(years_found(years, subject.clone(), importance, &sentence));
            body = rest;
            if let Some(s) = subject.filter(|_| inline_subject) {
                // The subject is also a requirement in its own right ("5 years of product
                // management experience" asks for product management).
                body = format!("{s}, {body}");
            }
        }
        read_clause(&body, importance, listed, &sentence, out);
    }
}

/// Removes lead words from the front ("Strong working knowledge of") and filler from the end.
fn strip_lead(s: &str) -> &str {
    let mut s = s.trim().trim_start_matches(['-', '–', '•', '*', ',', ':', ';', ' ']);
    loop {
        let first: String = s.split_whitespace().next().unwrap_or("").to_lowercase();
        let first = first.trim_matches(|c: char| !c.is_alphanumeric() && c != '-');
        if !first.is_empty() && LEAD_WORDS.contains(&first) && s.split_whitespace().count() > 1 {
            let cut = s.find(char::is_whitespace).unwrap_or(s.len());
            s = s[cut..].trim_start();
        } else if let Some(rest) = s.strip_prefix("/") {
            s = rest.trim_start();
        } else {
            break;
        }
    }
    let mut s = s.trim_end_matches(|c: char| c.is_whitespace() || matches!(c, '.' | ',' | ';' | ':' | '-'));
    loop {
        let lower = s.to_lowercase();
        let Some(w) = TRAIL_WORDS.iter().find(|w| {
            lower.ends_with(&format!(" {w}")) && s.split_whitespace().count() > w.split(' ').count()
        }) else {
            break;
        };
        s = s[..s.len() - w.len()]
            .trim_end_matches(|c: char| c.is_whitespace() || matches!(c, '.' | ',' | '-'));
    }
    s
}

/// A display name: lead and trail words cut, a trailing bracket of examples dropped
/// ("Teaching experience (online or in a classroom)"), stray brackets removed.
fn clean_name(s: &str) -> String {
    let mut s = s.trim().to_string();
    if s.ends_with(')')
        && let Some(open) = s.rfind('(')
        && open > 0
    {
        s.truncate(open);
    }
    let s = strip_lead(&s);
    let mut s = s
        .trim_matches(|c: char| c.is_whitespace() || matches!(c, '"' | '\'' | '.' | ',' | ':' | '(' | ')'))
        .to_string();
    s = s.split_whitespace().collect::<Vec<_>>().join(" ");
    // Unbalanced brackets left by a cut: drop the stray one.
    for (o, c) in [('(', ')'), ('[', ']')] {
        if s.matches(o).count() != s.matches(c).count() {
            s = s.replace([o, c], " ");
            s = s.split_whitespace().collect::<Vec<_>>().join(" ");
        }
    }
    // A lone lead or joining word ("for", "Strong") names nothing.
    let lower = s.to_lowercase();
    if words_of(&s).len() == 1
        && (LEAD_WORDS.contains(&lower.as_str()) || TRAIL_WORDS.contains(&lower.as_str()))
    {
        return String::new();
    }
    // "10th", "75%": marks, not requirements.
    if s.chars().any(|c| c.is_ascii_digit())
        && (lower.ends_with('%') || lower.ends_with("th") && words_of(&s).len() == 1)
    {
        return String::new();
    }
    s
}

/// Splits at top-level separators (outside brackets): `seps` are the separator strings.
fn split_top<'a>(s: &'a str, seps: &[&str]) -> Vec<&'a str> {
    let mut out = Vec::new();
    let mut depth = 0i32;
    let mut start = 0;
    let bytes = s.as_bytes();
    let mut i = 0;
    while i < s.len() {
        let c = bytes[i];
        if c == b'(' || c == b'[' {
            depth += 1;
        } else if c == b')' || c == b']' {
            depth -= 1;
        }
        if depth <= 0
            && s.is_char_boundary(i)
            && let Some(sep) = seps.iter().find(|sep| s[i..].to_lowercase().starts_with(&sep.to_lowercase()))
        {
            out.push(&s[start..i]);
            i += sep.len();
            start = i;
            continue;
        }
        i += 1;
    }
    out.push(&s[start..]);
    out
}

/// Spans of known skills in a text (byte ranges), longest first at each position.
fn concept_spans(text: &str, all_forms: bool) -> Vec<(usize, usize, usize)> {
    let tokens = tokenize(text);
    let hits = if all_forms { TAXONOMY.scan_all(text, &tokens) } else { TAXONOMY.scan(text, &tokens) };
    let mut out: Vec<(usize, usize, usize)> = Vec::new();
    for (c, at, len) in hits {
        let (s, e) = (tokens[at].start, tokens[at + len - 1].end);
        // "PHP Programming": a generic word right after a skill is that skill's head, not a
        // second skill.
        let generic = len == 1 && GENERIC_HEADS.contains(&tokens[at].folded.as_str());
        if generic && out.last().is_some_and(|&(_, _, pe)| text[pe..s].trim().is_empty()) {
            continue;
        }
        out.push((c, s, e));
    }
    out
}

/// Replaces separators that stand inside a known skill ("Data Structures and Algorithms",
/// "CI/CD") by placeholders, so that list splitting never cuts a skill in two.
fn protect(text: &str) -> String {
    let mut out = text.to_string();
    for (_, s, e) in concept_spans(text, true).into_iter().rev() {
        let inner = &text[s..e];
        if inner.contains(" and ") || inner.contains('/') || inner.contains(" & ") || inner.contains(',') {
            let guarded =
                inner.replace(" and ", " \u{1}and ").replace('/', "\u{2}").replace(" & ", " \u{3} ");
            out.replace_range(s..e, &guarded);
        }
    }
    out
}

fn unprotect(s: &str) -> String {
    s.replace(" \u{1}and ", " and ").replace('\u{2}', "/").replace(" \u{3} ", " & ")
}

/// Does the text say "any one of these" ("one or more of the following", "either")?
fn any_of_cue(text: &str) -> bool {
    let l = text.to_lowercase();
    ["one or more of", "one of the following", "one of", "any of", "either", "at least one"]
        .iter()
        .any(|c| l.contains(c))
}

const EXAMPLE_CUES: &[&str] = &[
    " such as ",
    " e.g. ",
    " e.g ",
    " eg. ",
    " eg ",
    "(e.g. ",
    "(e.g ",
    " like ",
    " including ",
    " for example ",
    " i.e. ",
    "(such as ",
    " especially ",
];

/// Reads one clause: example lists ("X such as A, B"), either/or lists, and plain lists.
fn read_clause(body: &str, importance: Importance, listed: bool, source: &str, out: &mut Vec<Found>) {
    let body = body.trim();
    if body.is_empty() {
        return;
    }
    // "Build and maintain Python processes for data collection, ... and analytics": a duty
    // names the tools it uses, nothing more.
    let opening = strip_lead(body);
    if words_of(opening).first().is_some_and(|w| is_duty_verb(w))
        && !opening.to_lowercase().starts_with("managing")
        && words_of(opening).len() > 3
    {
        for (c, s, e) in concept_spans(opening, false) {
            push_group(
                vec![Member { name: display(&opening[s..e], c), concept: Some(c) }],
                None,
                importance,
                source,
                out,
            );
        }
        return;
    }
    // "Python Libraries (NumPy, Pandas, ORM libraries)": a bracketed list names requirements
    // of its own; "version control tools (GIT/SVN)" offers a choice.
    if let Some(open) = body.find('(')
        && let Some(close) = body[open..].find(')').map(|c| open + c)
    {
        let inner = &body[open + 1..close];
        let lower = inner.to_lowercase();
        let example = EXAMPLE_CUES.iter().any(|c| lower.starts_with(c.trim().trim_start_matches('(')));
        let choice = inner.contains('/') || inner.contains(" or ");
        if !example && (inner.contains(',') || choice) {
            let outer = format!("{} {}", &body[..open], &body[close + 1..]);
            // "Cloud experience (AWS, GCP or Azure)": the bracket offers a choice.
            if inner.contains(',') && !choice {
                read_clause(outer.trim(), importance, listed, source, out);
                for m in list_members(inner, false) {
                    push_group(vec![m], None, importance, source, out);
                }
            } else {
                let head = clean_name(&body[..open]);
                let last = split_top(&body[..open], &[", ", " and ", " & "])
                    .last()
                    .map(|l| clean_name(l))
                    .unwrap_or_default();
                if words_of(&body[..open]).len() > MAX_PHRASE_WORDS + 2 {
                    read_clause(&body[..open], importance, listed, source, out);
                }
                let mut members: Vec<Member> = Vec::new();
                let name = if words_of(&head).len() <= MAX_PHRASE_WORDS { head } else { last };
                if !name.is_empty() {
                    members.push(Member { concept: lookup(&name), name });
                }
                members.extend(list_members(inner, true));
                push_group(members, None, importance, source, out);
                read_clause(&body[close + 1..], importance, listed, source, out);
            }
            return;
        }
    }
    // "Experience in one or more of the following: C, C++, Java": the list after the colon is
    // one group.
    if let Some((head, tail)) = body.split_once(':')
        && !tail.trim().is_empty()
    {
        if any_of_cue(head) {
            let members = list_members(tail, true);
            push_group(members, None, importance, source, out);
            return;
        }
        read_clause(head, importance, listed, source, out);
        read_clause(tail, importance, listed, source, out);
        return;
    }
    // "X such as A, B, C": A, B, C illustrate X; any one satisfies the requirement.
    let lower = format!(" {} ", body.to_lowercase());
    if let Some((cue_at, cue)) =
        EXAMPLE_CUES.iter().filter_map(|c| lower.find(c).map(|i| (i, *c))).min_by_key(|x| x.0)
    {
        let at = cue_at.saturating_sub(1).min(body.len());
        let head = &body[..at];
        let mut tail = &body[(at + cue.trim_end().len()).min(body.len())..];
        // The examples end at the closing bracket that opened them.
        let mut after = "";
        if cue.starts_with('(') || head.trim_end().ends_with('(') {
            if let Some(close) = tail.find(')') {
                after = &tail[close + 1..];
                tail = &tail[..close];
            }
        } else if let Some(close) = tail.find(')')
            && !tail[..close].contains('(')
        {
            after = &tail[close + 1..];
            tail = &tail[..close];
        }
        let mut head_clean = head.trim_end_matches(['(', ',', ' ']);
        // "Strong SQL skills and experience with relational databases such as PostgreSQL": the
        // examples illustrate the last thing named before them; what comes earlier is read on
        // its own.
        let parts = split_top(head_clean, &[", ", " and "]);
        if parts.len() > 1
            && let Some(last) = parts.last()
            && category_of(last).is_some()
        {
            let cut = head_clean.len() - last.len();
            read_clause(&head_clean[..cut], importance, listed, source, out);
            head_clean = last;
        }
        let parts = cue.trim() == "including" || cue.trim() == "especially";
        let members = if parts { part_members(tail) } else { list_members(tail, false) };
        let category = category_of(head_clean);
        if category.is_none() {
            read_clause(head_clean, importance, listed, source, out);
        }
        if cue.trim() == "including" || cue.trim() == "especially" {
            // "including security, session management": the parts, each one asked for.
            if let Some(c) = category {
                push_group(vec![c], None, importance, source, out);
            }
            for m in members {
                push_group(vec![m], None, importance, source, out);
            }
        } else if !members.is_empty() {
            push_group(members, category, importance, source, out);
        } else if let Some(c) = category {
            push_group(Vec::new(), Some(c), importance, source, out);
        }
        if !after.trim().is_empty() {
            read_clause(after, importance, listed, source, out);
        }
        return;
    }
    let protected = protect(body);
    // "Bachelor's degree in Computer Science, a related field or equivalent experience".
    if let Some(found) = degree_requirement(&unprotect(&protected), importance, source) {
        out.push(found);
        return;
    }
    let lower = protected.to_lowercase();
    let either = any_of_cue(&lower)
        || lower.contains(" or equivalent")
        || (lower.contains(" or ") && !lower.contains(" and ") && !lower.contains(" and/or "))
        || lower.contains(" and/or ");
    let elements: Vec<String> = split_top(
        &protected,
        &[", ", "; ", " and/or ", " and ", " & ", " or ", " as well as ", " along with ", " plus "],
    )
    .into_iter()
    .map(unprotect)
    .collect();
    let elements: Vec<String> = distribute_head(elements);
    if either && elements.len() >= 2 {
        // "Unix/Linux systems with scripting experience in Shell, Perl or Python": the choice is
        // the list after the last preposition; what comes before it is asked for as well.
        let mut elements = elements;
        if let Some(first) = elements.first().cloned()
            && let Some(at) = [" in ", " with ", " using ", " of "]
                .iter()
                .filter_map(|p| first.rfind(p).map(|i| (i, p.len())))
                .max()
        {
            let (before, after) = (&first[..at.0], &first[at.0 + at.1..]);
            if words_of(after).len() <= MAX_PHRASE_WORDS {
                read_clause(before, importance, listed, source, out);
                elements[0] = after.to_string();
            }
        }
        let members: Vec<Member> = elements.iter().flat_map(|e| element_members(e, true, listed)).collect();
        push_group(members, None, importance, source, out);
        return;
    }
    for e in elements {
        let members = element_members(&e, false, listed);
        // "Unix/Linux", "consumer electronics/hardware products": a slash offers a choice.
        if members.len() >= 2 && slash_choice(&e) {
            push_group(members, None, importance, source, out);
        } else {
            for m in members {
                push_group(vec![m], None, importance, source, out);
            }
        }
    }
}

fn slash_choice(e: &str) -> bool {
    let t = protect(e);
    t.contains('/') && !t.contains(' ')
        || t.split_whitespace().any(|w| w.contains('/') && !w.starts_with('/') && !w.ends_with('/'))
}

/// "Analytical, Problem Solving & Innovative Skills", "cross-cultural, multimedia and
/// data-driven communications": a shared last word belongs to every element that is a lone
/// modifier the taxonomy does not know.
fn distribute_head(elements: Vec<String>) -> Vec<String> {
    let Some(last) = elements.last() else { return elements };
    let last_words = words_of(last);
    let last_word = last_words.last().copied().unwrap_or("").to_string();
    let lw = last_word.to_lowercase();
    let shared = last_words.len() >= 2
        && (SKILL_HEADS.contains(&lw.as_str())
            || matches!(lw.as_str(), "skills" | "abilities" | "communications"));
    if !shared || elements.len() < 2 {
        return elements;
    }
    elements
        .iter()
        .enumerate()
        .map(|(i, e)| {
            let bare = strip_lead(e);
            let lower = bare.to_lowercase();
            // A lone lead word ("of", "or ability to obtain") is no modifier of the head.
            let known = TAXONOMY.lookup(bare).is_some()
                || LEAD_WORDS.contains(&lower.as_str())
                || TRAIL_WORDS.contains(&lower.as_str());
            if i + 1 < elements.len()
                && words_of(bare).len() == 1
                && !known
                && !bare.chars().skip(1).any(char::is_uppercase)
            {
                format!("{bare} {last_word}")
            } else {
                e.clone()
            }
        })
        .collect()
}

/// The category an example list illustrates ("common data science toolkits such as"), when the
/// head ends with a plural class noun; None when the head is a requirement of its own.
fn category_of(head: &str) -> Option<Member> {
    let name = clean_name(head);
    let last = name.split_whitespace().last()?.to_lowercase();
    let class = [
        "toolkits",
        "tools",
        "languages",
        "databases",
        "frameworks",
        "libraries",
        "techniques",
        "algorithms",
        "platforms",
        "systems",
        "technologies",
        "methods",
        "skills",
        "areas",
        "applications",
        "software",
        "packages",
        "stacks",
        "services",
        "solutions",
        "engines",
        "products",
        "environments",
        "suites",
        "clouds",
        "certifications",
        "degrees",
        "fields",
        "technology",
        "methodologies",
        "processes",
        "concepts",
        "functions",
        "disciplines",
        "tool",
        "language",
        "database",
        "framework",
        "platform",
        "warehouse",
        "system",
        "library",
        "toolkit",
        "queues",
        "brokers",
        "warehouses",
        "editors",
        "ides",
        "crms",
        "erps",
    ]
    .contains(&last.as_str());
    // "an ERP such as NetSuite or SAP": a known skill illustrated by its products.
    if !class
        && words_of(&name).len() <= 2
        && let Some(c) = TAXONOMY.lookup(&name)
        && !TAXONOMY.concepts[c].soft
    {
        return Some(Member { name: display(&name, c), concept: Some(c) });
    }
    // "technology like email, Google Slides": a lone class word names no category.
    if !class
        || words_of(&name).len() < 2
        || words_of(&name).len() > MAX_PHRASE_WORDS + 1
        || has_not_a_name(&name)
    {
        return None;
    }
    Some(Member { concept: TAXONOMY.lookup(&name), name })
}

fn has_not_a_name(name: &str) -> bool {
    words_of(name).iter().any(|w| {
        let w = w.trim_matches(|c: char| !c.is_alphanumeric()).to_lowercase();
        NOT_A_NAME.contains(&w.as_str())
    })
}

/// The members of an example or either/or list ("R, Weka, NumPy, etc."): short members are
/// names whatever their shape, because the list says they are examples.
fn list_members(tail: &str, any: bool) -> Vec<Member> {
    let protected = protect(tail);
    split_top(&protected, &[", ", "; ", " and/or ", " and ", " & ", " or ", "/"])
        .into_iter()
        .map(unprotect)
        .flat_map(|e| {
            let name = clean_name(&e);
            let n = words_of(&name).len();
            if (1..=3).contains(&n)
                && lookup(&name).is_none()
                && !has_not_a_name(&name)
                && name.chars().any(char::is_alphabetic)
            {
                let concept = concept_spans(&name, true).first().map(|s| s.0);
                vec![Member { name, concept }]
            } else {
                element_members(&e, any, true)
            }
        })
        .collect()
}

/// The parts after "including": each must name a requirement on its own.
fn part_members(tail: &str) -> Vec<Member> {
    let protected = protect(tail);
    split_top(&protected, &[", ", "; ", " and/or ", " and ", " & ", " or "])
        .into_iter()
        .map(unprotect)
        .flat_map(|e| element_members(&e, false, true))
        .collect()
}

/// The requirement names one list element gives: the whole element when it is a known skill
/// or a short clean phrase, else the known skills inside it.
fn element_members(element: &str, in_list: bool, listed: bool) -> Vec<Member> {
    let name = clean_name(element);
    if name.is_empty() || !name.chars().any(char::is_alphabetic) {
        return Vec::new();
    }
    let n = words_of(&name).len();
    // "Analytical Skills" is a known skill although "skills" is a word trimmed from names.
    let untrimmed = element.trim().trim_end_matches(['.', ',', ';']).trim();
    let led: &str = {
        let mut t = untrimmed;
        while let Some((first, rest)) = t.split_once(' ') {
            if LEAD_WORDS.contains(&first.to_lowercase().as_str()) {
                t = rest.trim_start();
            } else {
                break;
            }
        }
        t
    };
    if let Some(c) = TAXONOMY.lookup(led).filter(|_| led.len() > name.len()) {
        return vec![Member { name: display(led, c), concept: Some(c) }];
    }
    if let Some(c) = lookup(&name) {
        return vec![Member { name: display(&name, c), concept: Some(c) }];
    }
    // A lone class word ("toolkits", "technologies") names nothing.
    if n == 1
        && (GENERIC_HEADS.contains(&name.to_lowercase().as_str())
            || SKILL_HEADS.contains(&name.to_lowercase().as_str()) && name.ends_with('s'))
    {
        return Vec::new();
    }
    // A duty ("Writes flawless code", "Maintains staff by recruiting") names only the tools
    // it uses.
    let duty = words_of(&name).first().is_some_and(|w| is_duty_verb(w))
        && !name.to_lowercase().starts_with("managing");
    let spans = concept_spans(&name, n <= MAX_PHRASE_WORDS && !duty);
    let concepts = |spans: Vec<(usize, usize, usize)>| -> Vec<Member> {
        spans
            .into_iter()
            .map(|(c, s, e)| Member { name: display(&name[s..e], c), concept: Some(c) })
            .collect()
    };
    if duty || n > MAX_PHRASE_WORDS + 2 {
        return concepts(if duty { spans } else { concept_spans(&name, false) });
    }
    // "thought leadership within networking": the skill, then the field it is applied in.
    if let Some((before, after)) = [" within ", " in ", " for ", " across ", " at ", " on ", " to "]
        .iter()
        .filter_map(|p| name.find(p).map(|i| (&name[..i], &name[i + p.len()..])))
        .next()
        && !before.is_empty()
        && lookup(before).is_none()
        && is_clean_phrase(before, in_list)
        && words_of(before).len() >= 2
    {
        let mut out = vec![Member { name: before.to_string(), concept: None }];
        out.extend(
            concept_spans(after, true)
                .into_iter()
                .map(|(c, s, e)| Member { name: display(&after[s..e], c), concept: Some(c) }),
        );
        return out;
    }
    let last = words_of(&name).last().map(|w| w.to_lowercase()).unwrap_or_default();
    let headed = SKILL_HEADS.contains(&last.trim_matches(|c: char| !c.is_alphanumeric()));
    if n <= MAX_PHRASE_WORDS && spans.len() >= 2 {
        let covered: usize = spans.iter().map(|(_, s, e)| name[*s..*e].split_whitespace().count()).sum();
        // "E-Commerce Billing" is one compound skill; "HTML5/CSS3" and "event-driven
        // programming in Python" are several.
        let separated = spans.windows(2).all(|w| !name[w[0].2..w[1].1].trim().is_empty());
        if (covered + 1 >= n && separated) || !headed {
            // "HTML5/CSS3", "event-driven programming in Python": each skill on its own.
            return concepts(spans);
        }
    }
    if spans.len() == 1 && !headed {
        // "Implementation of eCommerce Projects": the skill inside, not the sentence.
        return concepts(spans);
    }
    if (listed || !spans.is_empty()) && is_clean_phrase(&name, in_list || !spans.is_empty()) {
        let concept = spans.first().map(|s| s.0).filter(|_| spans.len() == 1);
        return vec![Member { name, concept }];
    }
    concepts(spans)
}

/// The taxonomy concept a whole name names, also without a generic last word ("Search Engine
/// Optimization process" is SEO).
fn lookup(name: &str) -> Option<usize> {
    if let Some(c) = TAXONOMY.lookup(name) {
        return Some(c);
    }
    let (head, last) = name.rsplit_once(' ')?;
    GENERIC_HEADS.contains(&last.to_lowercase().as_str()).then(|| TAXONOMY.lookup(head)).flatten()
}

/// The posting's wording, in the taxonomy's spelling when it is only a spelling or inflection of
/// the canonical name ("PostGRESQL" -> "PostgreSQL", "eCommerce" -> "E-commerce", "strategic
/// plans" -> "Strategic Planning").
fn display(wording: &str, concept: usize) -> String {
    let canonical = TAXONOMY.canonical(concept);
    let squash =
        |s: &str| s.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase).collect::<String>();
    let stems = |s: &str| tokenize(s).iter().map(|t| t.stem().to_string()).collect::<Vec<_>>();
    if squash(canonical) == squash(wording) || stems(canonical) == stems(wording) {
        canonical.to_string()
    } else {
        wording.trim().to_string()
    }
}

/// A short phrase that names a requirement: no pronoun or verb of a sentence, and either a
/// proper name (a tool: "Weka", "OBIEE") or ending in a word that names a skill or field.
fn is_clean_phrase(name: &str, in_list: bool) -> bool {
    if has_not_a_name(name) {
        return false;
    }
    let ws = words_of(name);
    if ws.is_empty()
        || ws.first().is_some_and(|w| is_duty_verb(w)) && !ws[0].to_lowercase().starts_with("managing")
    {
        return false;
    }
    let last =
        ws.last().map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()).to_lowercase()).unwrap_or_default();
    // A product name is written unlike an ordinary word: "OBIEE", "D3.js", "CodeIgniter".
    let product = |w: &str| {
        let w = w.trim_matches(|c: char| !c.is_alphanumeric());
        w.chars().skip(1).any(|c| c.is_uppercase() || c.is_ascii_digit())
            || w.len() >= 2 && w.chars().all(|c| c.is_uppercase() || c.is_ascii_digit())
    };
    let proper = ws.iter().any(|w| product(w))
        || in_list && ws.len() <= 2 && ws.iter().all(|w| w.chars().next().is_some_and(char::is_uppercase));
    let weak = ["written", "verbal", "spoken", "related", "equivalent", "other", "both", "all", "strong"]
        .contains(&last.as_str());
    // "PHP Programming on Open Source Tools": a longer phrase with a preposition is a clause.
    let clause = ws.len() >= 4
        && ws.iter().any(|w| {
            ["on", "in", "for", "at", "within", "across", "with", "by", "from", "into", "using", "of"]
                .contains(&w.to_lowercase().as_str())
        });
    !weak && !clause && (SKILL_HEADS.contains(&last.as_str()) || proper)
}

/// A degree requirement: level, fields, and "or equivalent experience". The fields of a list
/// become members "<Field> degree"; one field keeps the posting's wording.
fn degree_requirement(text: &str, importance: Importance, source: &str) -> Option<Found> {
    let joined = join_initials(text);
    let text = joined.as_str();
    let tokens = tokenize(text);
    // Short degree names are ordinary words in lowercase ("be", "ma", "ms"): only "BE", "B.E."
    // and the like name a degree.
    let is_degree = |t: &resumax_lexicon::Token| {
        let raw = &text[t.start..t.end];
        (words::degree_level(&t.folded).is_some()
            && (t.folded.len() > 3 || raw.chars().any(|c| c.is_uppercase() || c == '.')))
            || words::is_degree_word(&t.folded)
    };
    let at = tokens.iter().position(is_degree)?;
    // "Advanced business or technical degree": a short clause about a degree is one name.
    if words::is_degree_word(&tokens[at].folded)
        && at + 1 == tokens.len()
        && tokens.len() <= 6
        && !text.contains(" in ")
    {
        let name = clean_name(text);
        return Some(Found {
            members: vec![Member { name, concept: None }],
            category: false,
            importance,
            source: source.to_string(),
            years: None,
            kind: Some(RequirementKind::Degree),
        });
    }
    // "degree" must be what the clause is about, not a word in passing ("to a high degree").
    let lead = &text[..tokens[at].start];
    if words_of(lead).len() > 3 {
        return None;
    }
    let level_word = &text[tokens[at].start..tokens[at].end];
    let abbreviated =
        level_word.chars().filter(|c| c.is_uppercase()).count() >= 2 || level_word.contains('.');
    let lower = text.to_lowercase();
    let equivalent = lower.contains("or equivalent")
        || lower.contains("equivalent practical")
        || lower.contains("or equivalent experience");
    let body = text.split_once(" or equivalent").map(|(a, _)| a).unwrap_or(text);
    let (degree_part, fields) = match body.find(" in ") {
        Some(i) => (&body[..i], Some(&body[i + 4..])),
        None => (body, None),
    };
    // "B.Tech with minimum 60%": the qualifier after the degree is not its name.
    let degree_part = [" with ", " from ", " having ", " (", ", "]
        .iter()
        .filter_map(|c| degree_part.find(c))
        .min()
        .map_or(degree_part, |i| &degree_part[..i]);
    let degree_name = clean_name(degree_part);
    let mut members: Vec<Member> = Vec::new();
    if let Some(fields) = fields {
        let list: Vec<String> = split_top(fields, &[", ", " or ", " and ", "/"])
            .into_iter()
            .map(|f| clean_name(f.trim_start_matches("a ").trim_start_matches("an ")))
            .filter(|f| !f.is_empty())
            .collect();
        if list.len() == 1 && !abbreviated {
            members.push(Member { name: format!("{} in {}", degree_name, list[0]), concept: None });
        } else {
            for f in &list {
                let name = if abbreviated && members.is_empty() {
                    format!("{level_word} in {f}")
                } else {
                    format!("{f} degree")
                };
                members.push(Member { name, concept: None });
            }
        }
    } else {
        // "B.e/B.tech/MCA/Msc": each degree is one choice.
        let names: Vec<String> = split_top(&degree_name, &["/", ", ", " or "])
            .into_iter()
            .map(clean_name)
            .filter(|n| !n.is_empty())
            .collect();
        for n in names {
            let level = tokenize(&n)
                .iter()
                .any(|t| words::degree_level(&t.folded).is_some() || words::is_degree_word(&t.folded));
            // "Computer science" -> "Computer science degree"; "Bachelor's" -> "Bachelor's degree".
            let name = if !level
                || n.to_lowercase().ends_with("'s")
                || n.to_lowercase().ends_with("s")
                    && !n.contains('.')
                    && n.len() > 3
                    && n.chars().next().is_some_and(char::is_uppercase)
                    && !n.to_lowercase().contains("degree")
            {
                format!("{n} degree")
            } else {
                n
            };
            members.push(Member { name, concept: None });
        }
    }
    if members.is_empty() {
        return None;
    }
    if equivalent {
        members.push(Member { name: "Equivalent practical experience".to_string(), concept: None });
    }
    for m in &mut members {
        m.concept = TAXONOMY.lookup(&m.name);
    }
    Some(Found {
        members,
        category: false,
        importance,
        source: source.to_string(),
        years: None,
        kind: Some(RequirementKind::Degree),
    })
}

/// "B. Tech" -> "B.Tech": a degree abbreviation printed with a space after its initial.
fn join_initials(text: &str) -> String {
    let ws = words_of(text);
    let mut out: Vec<String> = Vec::new();
    let mut i = 0;
    while i < ws.len() {
        let w = ws[i];
        if w.len() == 2
            && w.ends_with('.')
            && w.chars().next().is_some_and(char::is_uppercase)
            && let Some(next) = ws.get(i + 1)
            && words::degree_level(&format!("{}{}", &w[..1], next)).is_some()
        {
            out.push(format!("{w}{next}"));
            i += 2;
            continue;
        }
        out.push(w.to_string());
        i += 1;
    }
    out.join(" ")
}

fn push_group(
    mut members: Vec<Member>,
    category: Option<Member>,
    importance: Importance,
    source: &str,
    out: &mut Vec<Found>,
) {
    // A known skill heading its examples ("an ERP such as NetSuite or SAP") is asked for in its
    // own right as well; only a class of things ("NoSQL databases") is a mere category.
    let has_category = category.as_ref().is_some_and(|c| c.concept.is_none() || words_of(&c.name).len() > 2)
        && !members.is_empty();
    if let Some(c) = category {
        members.insert(0, c);
    }
    // One concept named twice ("HTML, HTML5") is one member.
    let mut seen: Vec<String> = Vec::new();
    members.retain(|m| {
        let key = m.concept.map(|c| format!("#{c}")).unwrap_or_else(|| folded(&m.name));
        let new = !seen.contains(&key);
        seen.push(key);
        new && !m.name.is_empty()
    });
    if members.is_empty() {
        return;
    }
    let category = has_category && members.len() > 1;
    out.push(Found { members, category, importance, source: source.to_string(), years: None, kind: None });
}

fn kind_of(member: &Member) -> RequirementKind {
    if let Some(c) = member.concept {
        let concept = &TAXONOMY.concepts[c];
        if concept.soft {
            return RequirementKind::Soft;
        }
        if concept.domain == "languages" {
            return RequirementKind::Language;
        }
    }
    let lower = member.name.to_lowercase();
    if ["certif", "license", "licence", "licensure"].iter().any(|w| lower.contains(w)) {
        return RequirementKind::Certification;
    }
    let proper = member.name.chars().skip(1).any(|c| c.is_uppercase() || c.is_ascii_digit())
        || member.name.chars().next().is_some_and(char::is_uppercase) && !member.name.contains(' ');
    if proper { RequirementKind::Tool } else { RequirementKind::Skill }
}

/// Deduplicates (a concept named twice is one requirement, required wins over preferred) and
/// builds the model.
fn finish(found: Vec<Found>) -> Vec<Requirement> {
    let mut out: Vec<Requirement> = Vec::new();
    let mut keys: Vec<Vec<String>> = Vec::new();
    for f in found {
        let key: Vec<String> = f
            .members
            .iter()
            .map(|m| m.concept.map(|c| format!("#{c}")).unwrap_or_else(|| folded(&m.name)))
            .collect();
        let kind = f.kind.unwrap_or_else(|| kind_of(&f.members[0]));
        // Years: one requirement per subject, the largest minimum.
        if let Some(y) = f.years
            && let Some(i) = out.iter().position(|r| {
                r.years.is_some()
                    && folded(&r.term).split_once(' ').map(|x| x.1.to_string())
                        == folded(&f.members[0].name).split_once(' ').map(|x| x.1.to_string())
            })
        {
            let r = &mut out[i];
            if f.importance == Importance::Required && r.importance != Importance::Required {
                r.importance = Importance::Required;
                r.years = Some(y);
                r.term = f.members[0].name.clone();
            } else if f.importance == r.importance && y > r.years.unwrap_or(0) {
                r.years = Some(y);
                r.term = f.members[0].name.clone();
            }
            continue;
        }
        if let Some(i) =
            keys.iter().position(|k| *k == key || (key.len() == 1 && k.len() == 1 && k[0] == key[0]))
        {
            if f.importance == Importance::Required {
                out[i].importance = Importance::Required;
            }
            continue;
        }
        // A single already listed as a member of a group, or a group whose only new member is
        // one already listed: nothing new.
        if key.len() == 1 && keys.iter().any(|k| k.len() == 1 && k[0] == key[0]) {
            continue;
        }
        let mut members = f.members.into_iter();
        let first = members.next().expect("non-empty");
        out.push(Requirement {
            term: first.name.clone(),
            importance: f.importance,
            kind,
            source: f.source,
            alternatives: members.map(|m| m.name).collect(),
            years: f.years,
            category: f.category,
        });
        keys.push(key);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reqs(text: &str) -> Vec<Requirement> {
        let lines: Vec<String> = text.lines().map(str::to_string).collect();
        extract(&lines)
    }

    fn terms(text: &str) -> Vec<(String, Importance, Vec<String>)> {
        reqs(text).into_iter().map(|r| (r.term, r.importance, r.alternatives)).collect()
    }

    #[test]
    fn either_or_lists_are_one_group() {
        let t = terms("Requirements\n• Experience with Go, Rust or Java\n• PostgreSQL and Kafka");
        assert_eq!(t[0].0, "Go");
        assert_eq!(t[0].2, ["Rust", "Java"]);
        assert_eq!(t[1].0, "PostgreSQL");
        assert_eq!(t[2].0, "Kafka");
        assert!(t[1].2.is_empty() && t[2].2.is_empty());
    }

    #[test]
    fn example_lists_group_under_their_category() {
        let t =
            terms("Skills required -\n• Experience with NoSQL databases, such as MongoDB, Cassandra, HBase");
        assert_eq!(t.len(), 1, "{t:?}");
        assert_eq!(t[0].0, "NoSQL databases");
        assert_eq!(t[0].2, ["MongoDB", "Cassandra", "HBase"]);
    }

    #[test]
    fn years_are_read_with_their_subject() {
        let r = reqs(
            "Minimum qualifications:\n5 years of product management experience.\n3+ years experience with Go.",
        );
        assert_eq!(r[0].years, Some(5));
        assert_eq!(r[0].term, "5+ years product management");
        assert!(r.iter().any(|x| x.term == "Product Management" || x.term == "product management"), "{r:?}");
        assert!(r.iter().any(|x| x.years == Some(3) && x.term == "3+ years experience"), "{r:?}");
        assert!(r.iter().any(|x| x.term == "Go"), "{r:?}");
    }

    #[test]
    fn inline_markers_make_an_item_preferred() {
        let t = terms("Requirements\n• Python\n• Kafka is a plus\n• Terraform (nice to have)");
        assert_eq!(t[0], ("Python".to_string(), Importance::Required, vec![]));
        assert_eq!(t[1].0, "Kafka");
        assert_eq!(t[1].1, Importance::Preferred);
        assert_eq!(t[2].0, "Terraform");
        assert_eq!(t[2].1, Importance::Preferred);
    }

    #[test]
    fn boilerplate_and_duties_give_nothing_when_qualifications_are_listed() {
        let t = terms(
            "Responsibilities\n• Build dashboards in Tableau\nRequirements\n• SQL\n• Python\n• Excel\nBenefits\n• Comprehensive benefits package",
        );
        let names: Vec<&str> = t.iter().map(|x| x.0.as_str()).collect();
        assert_eq!(names, ["SQL", "Python", "Excel"]);
    }

    #[test]
    fn degrees_with_fields_and_equivalents() {
        let r = reqs(
            "Minimum qualifications:\nBachelor's degree in Computer Science, a related technical field or equivalent practical experience.",
        );
        assert_eq!(r.len(), 1, "{r:?}");
        assert_eq!(r[0].kind, RequirementKind::Degree);
        assert_eq!(r[0].term, "Computer Science degree");
        assert_eq!(r[0].alternatives, ["related technical field degree", "Equivalent practical experience"]);
    }

    #[test]
    fn the_patterns_the_issue_names() {
        let t = terms(
            "All candidates must meet the following:\n\
             • Current Idaho RN license\n\
             • BLS certification required; ACLS is desirable\n\
             • Superior written and oral communication capabilities\n\
             • Possession of, or ability to obtain, Idaho Teaching Credential\n\
             • 3+ years experience developing server applications using Go\n\
             • Cloud experience (AWS, GCP or Azure) strongly preferred\n\
             Immunizations\n\
             • Proof of immunity to Measles, Mumps and Rubella",
        );
        let names: Vec<(&str, Importance)> = t.iter().map(|x| (x.0.as_str(), x.1)).collect();
        assert!(names.contains(&("Idaho RN license", Importance::Required)), "{names:?}");
        assert!(names.contains(&("BLS certification", Importance::Required)), "{names:?}");
        assert!(names.contains(&("ACLS", Importance::Preferred)), "{names:?}");
        assert!(names.contains(&("Idaho Teaching Credential", Importance::Required)), "{names:?}");
        assert!(names.contains(&("Go", Importance::Required)), "{names:?}");
        assert!(names.iter().any(|n| n.0 == "3+ years experience"), "{names:?}");
        let cloud = t.iter().find(|x| x.0 == "Cloud").expect("cloud group");
        assert_eq!(
            (cloud.1, cloud.2.clone()),
            (Importance::Preferred, vec!["AWS".to_string(), "GCP".into(), "Azure".into()])
        );
        assert!(!names.iter().any(|n| n.0.contains("Measles") || n.0.contains("Mumps")), "{names:?}");
    }

    #[test]
    fn a_posting_in_another_language_says_so() {
        let jd = crate::analyze_job_description(
            "Desarrollador Backend\nBuscamos un desarrollador con experiencia en Python y manejo de bases de datos SQL. \
             Ofrecemos un buen ambiente de trabajo, salario competitivo y crecimiento profesional para el equipo.",
            None,
            None,
            None,
        );
        assert!(jd.warnings.iter().any(|w| w == "unsupported_language"), "{:?}", jd.warnings);
        let names: Vec<&str> = jd.requirements.iter().map(|r| r.term.as_str()).collect();
        assert_eq!(names, ["Python", "SQL"]);
    }

    #[test]
    fn years_ranges_slashes_and_one_of_lists() {
        let r = reqs(
            "Requirements\n• 2-4 years of experience\n• Unix/Linux\n• Experience in one or more of the following: C, C++, Java",
        );
        assert_eq!(r[0].years, Some(2));
        // One concept written two ways is one requirement.
        assert!(["Unix", "Linux"].contains(&r[1].term.as_str()) && r[1].alternatives.is_empty(), "{r:?}");
        assert_eq!(
            (r[2].term.as_str(), r[2].alternatives.clone()),
            ("C", vec!["C++".to_string(), "Java".to_string()])
        );
    }

    #[test]
    fn no_fragments_from_brackets_and_eg_lists() {
        for r in reqs(
            "Requirements\n• Cloud experience (AWS, GCP)\n• Distributed computing frameworks (e.g. Spark, Flink)\n• CIMA qualified (or finalist)",
        ) {
            for m in r.members() {
                assert_eq!(m.matches('(').count(), m.matches(')').count(), "{m}");
                assert!(!m.to_lowercase().ends_with("e.g"), "{m}");
            }
        }
    }
}
