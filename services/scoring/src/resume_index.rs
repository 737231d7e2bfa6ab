//! A resume read once into searchable fields, so ranking it against many JDs re-reads nothing.

use resumax_core::resume::{ParsedResume, SectionKind};

use crate::terms::JdTerm;
use crate::text::{Token, tokenize};
use crate::title_words;
use resumax_lexicon::Form;

/// Where in the resume a term appears, and how much that placement proves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Place {
    /// Experience and project bullets: the skill was used at work.
    Bullet,
    Summary,
    Certification,
    Education,
    /// Titles, employers and other entry headers.
    Header,
    /// A bare skills list: a claim without context, and the easiest place to stuff.
    Skills,
    Other,
    /// Only in the raw text, outside every parsed section.
    Text,
}

impl Place {
    fn weight(self) -> f64 {
        match self {
            Place::Bullet => 1.0,
            Place::Certification => 0.9,
            Place::Education | Place::Header => 0.85,
            Place::Other => 0.75,
            Place::Skills => 0.7,
            Place::Text => 0.6,
            // A summary is a claim anyone (or a rewrite) can prepend: it earns nothing. The
            // evidence is in the titles, bullets and skills lists.
            Place::Summary => 0.0,
        }
    }
}

#[derive(Debug)]
struct Field<'a> {
    text: &'a str,
    tokens: Vec<Token>,
    place: Place,
    section: &'static str,
    /// 1 for current or recent roles, less for roles that ended long ago.
    recency: f64,
}

/// How a JD term was found in the resume.
#[derive(Debug, Clone)]
pub(crate) struct Evidence {
    /// 1 for the JD's exact wording, 0.85 for an inflection of it, 0.7 through an alias.
    pub quality: f64,
    /// How convincing the best placement is (bullets beat a bare skills list).
    pub place_weight: f64,
    pub literal: bool,
    pub resume_term: String,
    pub sections: Vec<String>,
    pub skills_list_only: bool,
    /// Matched as the field of a degree ("Mechanical Engineering" for "... Degree").
    pub degree_field: bool,
}

impl Evidence {
    /// Share of the term's weight the resume earns.
    pub fn credit(&self) -> f64 {
        self.quality * self.place_weight
    }
}

/// A skill used in the last few years says more than one last used a decade ago; the discount
/// is mild because older experience is still experience.
fn recency(years_since: f64) -> f64 {
    if years_since <= 3.0 {
        1.0
    } else if years_since <= 6.0 {
        0.9
    } else if years_since <= 10.0 {
        0.8
    } else {
        0.7
    }
}

const LITERAL: f64 = 1.0;
const INFLECTED: f64 = 0.85;
const ALIAS: f64 = 0.7;

/// A resume read once: every line tokenized and indexed by stem, with where it stands.
pub struct ResumeIndex<'a> {
    resume: &'a ParsedResume,
    fields: Vec<Field<'a>>,
    /// (stem key, field, token) of every token, sorted: see [`ResumeIndex::new`].
    by_stem: Vec<(u64, usize, usize)>,
    /// The latest month the resume prints, as months since year 0.
    latest: u32,
    /// Today, as months since year 0: where an ongoing role ("2021 - Present") ends.
    today: u32,
    /// Taxonomy concepts each field names (concept, first token, token count), so a term is
    /// never matched inside a longer, different concept ("network" in "Convolutional Neural
    /// Networks").
    concepts: Vec<Vec<(usize, usize, usize)>>,
}

/// This month, as months since year 0 (UTC).
pub fn current_month() -> u32 {
    let secs = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let days = (secs / 86_400) as i64;
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year as u32) * 12 + month as u32 - 1
}

impl<'a> ResumeIndex<'a> {
    pub fn new(resume: &'a ParsedResume) -> Self {
        Self::at(resume, current_month())
    }

    /// The index as of `today` (months since year 0): ongoing roles are counted up to it.
    pub fn at(resume: &'a ParsedResume, today: u32) -> Self {
        // Recency is measured from the latest date the resume prints (how recent a skill is
        // among this person's roles); open ranges run to today.
        let latest = latest_month(resume);
        let mut fields = Vec::new();
        let mut add = |text: &'a str, place: Place, section: &'static str, recency: f64| {
            let tokens = tokenize(text);
            if !tokens.is_empty() {
                fields.push(Field { text, tokens, place, section, recency });
            }
        };
        if let Some(tagline) = &resume.tagline {
            add(tagline, Place::Summary, "summary", 1.0);
        }
        for section in &resume.sections {
            let label = section.kind.as_str();
            let line_place = match section.kind {
                SectionKind::Experience | SectionKind::Projects => Place::Bullet,
                SectionKind::Summary => Place::Summary,
                SectionKind::Certifications => Place::Certification,
                SectionKind::Education => Place::Education,
                SectionKind::Skills => Place::Skills,
                SectionKind::Other => Place::Other,
            };
            let header_place = match section.kind {
                SectionKind::Education => Place::Education,
                SectionKind::Certifications => Place::Certification,
                _ => Place::Header,
            };
            for entry in &section.entries {
                let recency_now = if section.kind == SectionKind::Experience {
                    let end = if entry.current {
                        Some(latest)
                    } else {
                        entry.end.as_deref().and_then(|d| month_index(d, true))
                    };
                    end.map_or(1.0, |end| recency(f64::from(latest.saturating_sub(end)) / 12.0))
                } else {
                    1.0
                };
                if entry.header_lines.is_empty() {
                    for text in [&entry.title, &entry.organization].into_iter().flatten() {
                        add(text, header_place, label, recency_now);
                    }
                } else {
                    for text in &entry.header_lines {
                        add(text, header_place, label, recency_now);
                    }
                }
                for line in &entry.lines {
                    add(line, line_place, label, recency_now);
                }
            }
            for skill in &section.skills {
                let place = if section.kind == SectionKind::Skills { Place::Skills } else { line_place };
                add(skill, place, label, 1.0);
            }
        }
        // The raw text, line by line, for what no parsed section holds; the summary's lines are
        // left out for the same reason the summary earns nothing.
        let summary: Vec<&str> = resume
            .tagline
            .iter()
            .map(String::as_str)
            .chain(resume.sections.iter().filter(|s| s.kind == SectionKind::Summary).flat_map(|s| {
                s.entries.iter().flat_map(|e| e.lines.iter().chain(&e.header_lines)).map(String::as_str)
            }))
            .collect();
        for line in resume.text.lines() {
            let l = line.trim();
            if !l.is_empty() && !summary.iter().any(|s| s.contains(l) || l.contains(s.trim())) {
                add(line, Place::Text, "other", 1.0);
            }
        }
        // Every token's address keyed by a hash of its stem, sorted: one allocation and integer
        // sorting, where a map from stem to positions cost a key and a list per distinct word on
        // every `score` call. Equal keys keep reading order (the address breaks ties), and
        // `occurrences` compares the stems themselves, so a hash collision only adds a candidate.
        let mut by_stem: Vec<(u64, usize, usize)> = fields
            .iter()
            .enumerate()
            .flat_map(|(f, field)| {
                field.tokens.iter().enumerate().map(move |(p, t)| (stem_key(t.stem()), f, p))
            })
            .collect();
        by_stem.sort_unstable();
        let concepts = fields
            .iter()
            .map(|f| {
                resumax_lexicon::TAXONOMY
                    .scan_all(f.text, &f.tokens)
                    .into_iter()
                    .filter(|&(_, _, len)| len > 1)
                    .collect()
            })
            .collect();
        ResumeIndex { resume, fields, by_stem, latest, today, concepts }
    }

    fn occurrences<'s>(&'s self, form: &'s Form) -> impl Iterator<Item = (usize, usize)> + 's {
        let key = stem_key(&form.stems[0]);
        let from = self.by_stem.partition_point(|e| e.0 < key);
        self.by_stem[from..].iter().take_while(move |e| e.0 == key).map(|&(_, f, p)| (f, p)).filter(
            move |&(f, p)| {
                let field = &self.fields[f];
                form.matches_at(field.text, &field.tokens, p)
            },
        )
    }

    pub(crate) fn find(&self, term: &JdTerm) -> Option<Evidence> {
        let wording = &term.forms[0];
        // (field, position, length, quality, place weight, is degree field)
        let mut hits: Vec<(usize, usize, usize, f64, f64, bool)> = Vec::new();
        for form in term.all_forms() {
            for (f, p) in self.occurrences(form) {
                let len = form.stems.len();
                // Inside a longer name of another concept: "Networks" in "Convolutional Neural
                // Networks" is not networking.
                if self.concepts[f]
                    .iter()
                    .any(|&(c, at, l)| Some(c) != term.concept && l > len && at <= p && p + len <= at + l)
                {
                    continue;
                }
                if ambiguous_here(&self.fields[f], p, len) || open_date_here(&self.fields[f], p, len) {
                    continue;
                }
                let window = &self.fields[f].tokens[p..p + form.stems.len()];
                // "HTML5" for "HTML", "CSS3" for "CSS": a version number is the same skill.
                let unversioned =
                    |t: &Token| t.folded.trim_end_matches(|c: char| c.is_ascii_digit()).to_string();
                let quality = if window.len() == wording.folded.len()
                    && window
                        .iter()
                        .zip(&wording.folded)
                        .all(|(t, w)| &t.folded == w || (unversioned(t) == *w && !w.is_empty()))
                {
                    LITERAL
                } else if window.len() == wording.stems.len()
                    && window.iter().zip(&wording.stems).all(|(t, w)| t.stem() == w)
                {
                    INFLECTED
                } else {
                    ALIAS
                };
                let field = &self.fields[f];
                hits.push((f, p, window.len(), quality, field.place.weight() * field.recency, false));
            }
        }
        if let Some(field_form) = &term.degree_field {
            for (f, p) in self.occurrences(field_form) {
                if self.fields[f].place == Place::Education {
                    hits.push((f, p, field_form.stems.len(), LITERAL, 1.0, true));
                }
            }
        }
        // The raw text only counts when no parsed section has the term.
        if hits.iter().any(|h| self.fields[h.0].place != Place::Text) {
            hits.retain(|h| self.fields[h.0].place != Place::Text);
        }
        if hits.is_empty() {
            return None;
        }
        hits.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.cmp(&b.1)));
        let quality = hits.iter().map(|h| h.3).fold(0.0, f64::max);
        let place_weight = hits.iter().map(|h| h.4).fold(0.0, f64::max);
        // Quote the most specific wording: best quality, then the longest match, then the first.
        let best = hits
            .iter()
            .filter(|h| h.3 == quality)
            .min_by_key(|h| (h.5, std::cmp::Reverse(h.2), h.0, h.1))
            .copied()
            .unwrap_or(hits[0]);
        let field = &self.fields[best.0];
        let resume_term =
            field.text[field.tokens[best.1].start..field.tokens[best.1 + best.2 - 1].end].to_string();
        let mut sections: Vec<String> = Vec::new();
        for h in &hits {
            let s = self.fields[h.0].section;
            if !sections.iter().any(|x| x == s) {
                sections.push(s.to_string());
            }
        }
        let literal = hits.iter().any(|h| h.3 == LITERAL && !h.5);
        Some(Evidence {
            quality,
            place_weight,
            literal,
            resume_term,
            sections,
            skills_list_only: hits.iter().all(|h| self.fields[h.0].place == Place::Skills),
            degree_field: !literal && best.5,
        })
    }

    /// 0..=100 for the best resume title against the JD's title, and that title.
    pub(crate) fn title_alignment(&self, jd_title: &str) -> (f64, Option<String>) {
        let wanted = title_words(jd_title);
        let Some(head) = wanted.last() else {
            return (0.0, None);
        };
        let total = wanted.len() as f64 + 1.0;
        // Job titles of roles, and the headline under the name, are evidence; a summary line is
        // a claim a rewrite can prepend.
        let mut candidates: Vec<(&str, f64)> = Vec::new();
        if let Some(t) = &self.resume.tagline {
            candidates.push((t, 1.0));
        }
        let mut roles = 0;
        for section in self.resume.sections.iter().filter(|s| s.kind == SectionKind::Experience) {
            for entry in &section.entries {
                let title = entry.title.as_deref().or(entry.header_lines.first().map(String::as_str));
                if let Some(t) = title {
                    // The latest roles say what the person does now.
                    candidates.push((t, if roles < 2 { 1.0 } else { 0.85 }));
                    roles += 1;
                }
            }
        }
        let mut best: (f64, Option<String>) = (0.0, None);
        for (text, factor) in candidates {
            let have = title_words(text);
            let got: f64 =
                wanted.iter().filter(|w| have.contains(w)).map(|w| if w == head { 2.0 } else { 1.0 }).sum();
            // A specialism the posting does not name counts against the likeness, at half the
            // weight of a missing word: "Full Stack Java Developer" is a developer, but not the
            // "HTML Developer" the posting looks for.
            let extra = have.iter().filter(|w| !wanted.contains(w)).count() as f64;
            let s = 100.0 * factor * got / (total + 0.5 * extra);
            if s > best.0 {
                best = (s, Some(text.chars().take(80).collect()));
            }
        }
        best
    }

    /// Years covered by dated experience entries, overlaps counted once. An ongoing role
    /// ("2019 - Present") ends today: a person in a role since 2019 has been in it for years, not
    /// until the last date the resume happens to print.
    pub(crate) fn years_of_experience(&self) -> f64 {
        self.years_in(|_| true)
    }

    /// Years a recruiter counts for a posting titled `jd_title`: the roles whose title shares a
    /// word of what the job is ("Backend Engineer" for "Senior Backend Developer"); when no
    /// role does, a quarter of the years of all roles (experience elsewhere still counts for something).
    pub(crate) fn relevant_years(&self, jd_title: Option<&str>) -> f64 {
        let all = self.years_of_experience();
        let Some(wanted) = jd_title.map(title_words).filter(|w| !w.is_empty()) else {
            return all;
        };
        let relevant = self.years_in(|entry| {
            let title =
                entry.title.as_deref().or(entry.header_lines.first().map(String::as_str)).unwrap_or("");
            let have = title_words(title);
            wanted.iter().any(|w| have.contains(w))
        });
        relevant.max(all * 0.25)
    }

    fn years_in(&self, keep: impl Fn(&resumax_core::resume::Entry) -> bool) -> f64 {
        let latest = self.latest;
        let mut spans: Vec<(u32, u32)> = Vec::new();
        for section in &self.resume.sections {
            if section.kind != SectionKind::Experience {
                continue;
            }
            for entry in section.entries.iter().filter(|e| keep(e)) {
                let Some(start) = entry.start.as_deref().and_then(|s| month_index(s, false)) else {
                    continue;
                };
                let end = match entry.end.as_deref().and_then(|s| month_index(s, true)) {
                    Some(e) => e,
                    // "2019 - Present" runs to today.
                    None if entry.current => self.today.max(latest).max(start),
                    None => continue,
                };
                if end >= start {
                    spans.push((start, end + 1));
                }
            }
        }
        spans.sort_unstable();
        let mut months = 0;
        let mut reach = 0;
        for (s, e) in spans {
            let s = s.max(reach);
            if e > s {
                months += e - s;
            }
            reach = reach.max(e);
        }
        // Only dated roles count: years a summary claims are not evidence.
        f64::from(months) / 12.0
    }

    /// Highest degree in the education section: 0.5 associate, 1 bachelor, 2 master, 3 doctorate.
    pub(crate) fn degree_level(&self) -> f64 {
        let mut level: f64 = 0.0;
        for section in &self.resume.sections {
            if section.kind != SectionKind::Education {
                continue;
            }
            for entry in &section.entries {
                let texts = entry
                    .title
                    .iter()
                    .chain(&entry.organization)
                    .chain(&entry.header_lines)
                    .chain(&entry.lines);
                for text in texts {
                    for t in tokenize(text) {
                        // Short names ("ms", "be") only in capitals: "MS", "B.E.".
                        let raw = &text[t.start..t.end];
                        if t.folded.len() > 3 || raw.chars().any(|c| c.is_uppercase() || c == '.') {
                            level = level.max(resumax_lexicon::words::degree_level(&t.folded).unwrap_or(0.0));
                        }
                    }
                }
            }
        }
        level
    }

    /// Checks an ATS needs to pass to file and search the resume, with advice when failed.
    pub(crate) fn searchability_checks(&self) -> Vec<(bool, &'static str)> {
        let r = self.resume;
        let has = |kind: SectionKind| r.sections.iter().any(|s| s.kind == kind);
        let warned = |words: &[&str]| {
            r.warnings.iter().any(|w| {
                let w = w.to_lowercase();
                words.iter().any(|x| w.contains(x))
            })
        };
        let dated: Vec<bool> = r
            .sections
            .iter()
            .filter(|s| s.kind == SectionKind::Experience)
            .flat_map(|s| &s.entries)
            .filter(|e| e.start.is_some() || e.date_text.is_some())
            .map(|e| e.start.as_deref().and_then(|d| month_index(d, false)).is_some())
            .collect();
        // Only whether there is any text matters: stop at the first letter or digit.
        let has_text = r.text.chars().any(char::is_alphanumeric);
        // Skill chips and table cells come out as several tab-separated cells on one line.
        let lines = r.text.lines().filter(|l| !l.trim().is_empty()).count();
        let cell_lines = r.text.lines().filter(|l| l.matches('\t').count() >= 2).count();
        vec![
            (
                r.contact.email.as_deref().is_some_and(|e| e.contains('@')),
                "Add an email address to the contact details so a recruiter can reach you.",
            ),
            (
                r.contact
                    .phone
                    .as_deref()
                    .is_some_and(|p| p.chars().filter(char::is_ascii_digit).count() >= 7),
                "Add a phone number to the contact details.",
            ),
            (
                has(SectionKind::Experience)
                    && r.sections
                        .iter()
                        .all(|s| s.kind == SectionKind::Other || standard_heading(&s.heading)),
                "Use standard section headings (Experience, Education, Skills) so an ATS files each part correctly.",
            ),
            (
                !dated.is_empty() && dated.iter().all(|&ok| ok),
                "Give every role dates an ATS can read, such as \"Jan 2020 - Present\", so it can count your years of experience.",
            ),
            (
                r.sections.iter().any(|s| {
                    s.kind == SectionKind::Skills && (!s.skills.is_empty() || !s.entries.is_empty())
                }),
                "Add a \"Skills\" section that lists your tools and methods in the JD's wording.",
            ),
            (
                has(SectionKind::Education),
                "Add an \"Education\" section: an ATS looks for it even when the JD does not ask for a degree.",
            ),
            (
                has_text && !warned(&["image", "no_text", "scanned", "ocr"]),
                "Export the resume with a real text layer (not a scan or an image): an ATS cannot read pictures of text.",
            ),
            (
                !warned(&["table", "column", "textbox", "text_box", "sidebar"])
                    && cell_lines * 5 <= lines.max(1),
                "Use a single-column layout without tables or text boxes: many ATS read such layouts out of order.",
            ),
        ]
    }
}

/// An ambiguous name used in its other sense: "Oracle" the database is not "Oracle Certified
/// Java Programmer" or "Oracle Cloud" (the context words are lexicon data).
fn ambiguous_here(field: &Field<'_>, p: usize, len: usize) -> bool {
    if len != 1 {
        return false;
    }
    let Some(context) = resumax_lexicon::words::other_senses(&field.tokens[p].folded) else {
        return false;
    };
    let near = field
        .tokens
        .iter()
        .skip(p.saturating_sub(2))
        .take(len + 4)
        .filter(|t| !std::ptr::eq(*t, &field.tokens[p]));
    near.into_iter().any(|t| context.iter().any(|c| *c == t.folded || *c == t.stem()))
}

/// "2021 - Present": the open end of a date range, not the word "present".
fn open_date_here(field: &Field<'_>, p: usize, len: usize) -> bool {
    if len != 1 || p == 0 || !resumax_lexicon::words::is_open_date(&field.tokens[p].folded) {
        return false;
    }
    let prev = &field.tokens[p - 1];
    let gap = &field.text[prev.end..field.tokens[p].start];
    let dated = prev.folded.len() == 4 && prev.folded.chars().all(|c| c.is_ascii_digit())
        || resumax_lexicon::words::month(&prev.folded).is_some();
    dated || gap.contains(['-', '–', '—'])
}

/// Headings an ATS recognises; creative ones ("Where I've been") leave a section unfiled.
fn standard_heading(heading: &str) -> bool {
    const KNOWN: &[&str] = &[
        "experience",
        "employment",
        "work history",
        "career history",
        "education",
        "academic",
        "qualification",
        "training",
        "skill",
        "competenc",
        "expertise",
        "summary",
        "profile",
        "objective",
        "about me",
        "project",
        "certific",
        "licens",
        "award",
        "publication",
        "language",
        "volunteer",
        "interest",
    ];
    let heading = heading.to_lowercase();
    heading.trim().is_empty() || KNOWN.iter().any(|k| heading.contains(k))
}

/// FNV-1a: a cheap, fixed hash of a stem. Not collision-resistant, and it need not be: equal
/// keys are told apart by comparing the stems, and the sorted layout has no worst case to force.
fn stem_key(stem: &str) -> u64 {
    stem.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3))
}

/// The latest date the resume prints. An ongoing role ends there: reading the clock would make
/// the score change from one day to the next for the same input.
fn latest_month(resume: &ParsedResume) -> u32 {
    let mut latest = 0;
    for section in &resume.sections {
        for entry in &section.entries {
            for d in [&entry.start, &entry.end].into_iter().flatten() {
                if let Some(m) = month_index(d, true) {
                    latest = latest.max(m);
                }
            }
        }
    }
    latest
}

/// `YYYY-MM` or `YYYY` as months since year 0; a bare year is January as a start and December
/// as an end.
fn month_index(date: &str, as_end: bool) -> Option<u32> {
    let mut parts = date.trim().split('-');
    let year: u32 = parts.next()?.parse().ok()?;
    if !(1900..=2200).contains(&year) {
        return None;
    }
    let month = match parts.next() {
        Some(m) => m.parse::<u32>().ok().filter(|m| (1..=12).contains(m))?,
        None if as_end => 12,
        None => 1,
    };
    Some(year * 12 + month - 1)
}
