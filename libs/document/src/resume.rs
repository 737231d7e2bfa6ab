//! Resume structure from logical lines: contact block, section headings, and entries (jobs,
//! degrees, projects, certifications) with normalised dates.

use resumax_core::resume::{Contact, Entry, ParsedResume, Section, SectionKind};

use resumax_lexicon::words;

use crate::DocLine;
use crate::dates::{DateRange, find_range};
use crate::layout::Column;
use crate::text::strip_bullet;

fn heading_kind(line: &DocLine) -> Option<SectionKind> {
    let t = line.text.trim().trim_end_matches(':').trim();
    // A heading stands alone: a word with a link or a date set beside it is an entry.
    if t.is_empty()
        || !line.asides.is_empty()
        || t.len() > 48
        || t.contains('\t')
        || t.contains('@')
        || t.chars().any(|c| c.is_ascii_digit())
        || strip_bullet(t).is_some()
    {
        return None;
    }
    let lower = t.to_lowercase().replace('&', " & ").replace(['/', ','], " ");
    let words: Vec<&str> = lower.split_whitespace().collect();
    if words.is_empty() || words.len() > 5 {
        return None;
    }
    if !words
        .iter()
        .all(|w| *w == "&" || words::in_list("heading.noun", w) || words::in_list("heading.modifier", w))
    {
        return None;
    }
    let last = *words.last()?;
    if !words::in_list("heading.noun", last) {
        return None;
    }
    let has = |w: &str| words.iter().any(|x| x.starts_with(w));
    Some(if has("certif") || has("licen") {
        SectionKind::Certifications
    } else if has("education") || has("academic") || has("coursework") {
        SectionKind::Education
    } else if has("project") || has("portfolio") {
        SectionKind::Projects
    } else if has("experience")
        || has("employment")
        || (has("history") && !has("education"))
        || words == ["work"]
    {
        SectionKind::Experience
    } else if has("skill")
        || has("competen")
        || has("expertise")
        || has("tool")
        || has("technolog")
        || has("stack")
        || has("strengths")
    {
        SectionKind::Skills
    } else if has("summary")
        || has("profile")
        || has("objective")
        || words == ["about", "me"]
        || has("overview")
    {
        SectionKind::Summary
    } else {
        SectionKind::Other
    })
}

/// Joins a heading that a narrow column broke over two lines ("ACADEMIC" / "BACKGROUND"): two
/// consecutive capitalised or title-case lines of one typography, the first no heading on its own, that together
/// read as one.
fn join_split_headings(lines: Vec<DocLine>) -> Vec<DocLine> {
    // Headings are set in capitals or title case; the vocabulary check does the rest.
    let caps = |t: &str| {
        let words: Vec<&str> = t.split_whitespace().collect();
        (1..=3).contains(&words.len())
            && !t.contains('\t')
            && words.iter().all(|w| matches!(*w, "&" | "of" | "and") || w.starts_with(char::is_uppercase))
    };
    let mut out: Vec<DocLine> = Vec::with_capacity(lines.len());
    let mut iter = lines.into_iter().peekable();
    while let Some(l) = iter.next() {
        if let Some(next) = iter.peek()
            && caps(&l.text)
            && caps(&next.text)
            && !l.bullet
            && !next.bullet
            && (l.size - next.size).abs() < 0.6
            && l.bold == next.bold
            && heading_kind(&l).is_none()
        {
            let joined = DocLine { text: format!("{} {}", l.text.trim(), next.text.trim()), ..l.clone() };
            if heading_kind(&joined).is_some() {
                iter.next();
                out.push(joined);
                continue;
            }
        }
        out.push(l);
    }
    out
}

/// What the reader saw before building fields: every logical line (running headers and
/// footers included), the section headings, and which heading owns each line.
pub(crate) struct Reading {
    pub all: Vec<DocLine>,
    /// Indices into `all` of the lines sections are built from (no running headers/footers).
    pub kept: Vec<usize>,
    /// Those lines.
    pub lines: Vec<DocLine>,
    /// Headings, as (index into `lines`, kind).
    pub heads: Vec<(usize, SectionKind)>,
    /// Per kept line, the index into `heads` of the section that owns it.
    pub owner: Vec<Option<usize>>,
}

pub(crate) fn read(lines: &[DocLine]) -> Reading {
    let all = join_split_headings(crate::logical_lines(lines));
    // Running headers and footers are part of the page, not of a section.
    let kept: Vec<usize> = (0..all.len()).filter(|&i| !all[i].running).collect();
    let lines: Vec<DocLine> = kept.iter().map(|&i| all[i].clone()).collect();
    let heads = headings(&lines);

    // Each line belongs to the section whose heading precedes it in its own flow: a sidebar and
    // a main column are read as separate flows, and a column on the next page continues the
    // section left open in the same column on the page before.
    let mut owner: Vec<Option<usize>> = vec![None; lines.len()];
    let mut open: Vec<(Column, usize)> = Vec::new();
    let mut current: Option<usize> = None;
    // The section open when the page began: columns that start on a later page with no
    // section of their own yet continue it (a section whose heading ends the page before).
    let mut carried: Option<usize> = None;
    for (i, l) in lines.iter().enumerate() {
        if i > 0 && l.page != lines[i - 1].page {
            carried = current;
        }
        let new_flow = i > 0
            && (l.column != lines[i - 1].column || (l.page != lines[i - 1].page && l.column != Column::Full));
        if new_flow && l.column != Column::Full {
            current = open.iter().rev().find(|(c, _)| *c == l.column).map(|(_, h)| *h).or(carried);
        }
        if let Some(h) = heads.iter().position(|h| h.0 == i) {
            current = Some(h);
            open.push((l.column, h));
            continue;
        }
        owner[i] = current;
    }
    Reading { all, kept, lines, heads, owner }
}

/// The layout warning: text set in columns or a sidebar.
pub(crate) const MULTI_COLUMN_WARNING: &str = "multi_column_layout";

pub(crate) fn structure(lines: &[DocLine]) -> ParsedResume {
    from_reading(&read(lines))
}

/// The parsed resume from what the reader saw.
pub(crate) fn from_reading(reading: &Reading) -> ParsedResume {
    let Reading { all, lines, heads, owner, .. } = reading;
    let text = crate::plain_text(all);
    let mut sections = Vec::new();
    // Lines no heading owns, headings aside: the page header (name, contact) and sidebar blocks
    // without a heading of their own (an address box).
    let mut contact_lines: Vec<&DocLine> = lines
        .iter()
        .zip(owner)
        .enumerate()
        .filter(|(i, (_, o))| o.is_none() && !heads.iter().any(|h| h.0 == *i))
        .map(|(_, (l, _))| l)
        .collect();
    // Running headers and footers are no section, but may carry the contact details.
    contact_lines.extend(all.iter().filter(|l| l.running && !crate::layout::page_number_like(&l.text)));
    let header_end = heads.first().map(|h| h.0).unwrap_or(lines.len().min(6));
    let header = &lines[..header_end];
    for (n, &(start, kind)) in heads.iter().enumerate() {
        let body: Vec<DocLine> =
            lines.iter().zip(owner).filter(|(_, o)| **o == Some(n)).map(|(l, _)| l.clone()).collect();
        let heading = lines[start].text.trim().trim_end_matches(':').to_string();
        if kind == SectionKind::Other && heading.to_lowercase().contains("contact") {
            // A "Contact" block (often a sidebar) is the contact details, not a resume section:
            // it feeds `contact` and is not repeated as a section a rewrite could touch.
            contact_lines.extend(lines.iter().zip(owner).filter(|(_, o)| **o == Some(n)).map(|(l, _)| l));
            continue;
        }
        if kind == SectionKind::Other && body.is_empty() {
            // A heading-like word with nothing under it ("Honours" right before the next heading)
            // is a note of the section above, not a section of its own.
            continue;
        }
        sections.push(build_section(kind, heading, &body));
    }
    let (contact, tagline) = contact_of(header, &contact_lines, lines);
    let mut warnings = Vec::new();
    if heads.is_empty() {
        warnings.push("no_sections".to_string());
    }
    if contact.email.is_none() {
        warnings.push("missing_email".to_string());
    }
    // Many ATS read a page line by line across columns; the person should know.
    if lines.iter().filter(|l| l.column != Column::Full).count() >= 6 {
        warnings.push(MULTI_COLUMN_WARNING.to_string());
    }
    ParsedResume { contact, tagline, sections, text, warnings }
}

/// Section headings: lines in the heading vocabulary, and lines set in the style those
/// headings share when that style marks nothing else (arbitrary titles such as "Life
/// Philosophy" or "Invited Talks" are headings because they look like the others).
fn headings(lines: &[DocLine]) -> Vec<(usize, SectionKind)> {
    let mut heads: Vec<(usize, SectionKind)> = Vec::new();
    for (i, l) in lines.iter().enumerate() {
        if let Some(k) = heading_kind(l) {
            heads.push((i, k));
        }
    }
    // A document sets its headings in one style. When nearly all are in capitals, a title-case
    // line made of heading words ("Honours" under a degree) is content, not a heading.
    let caps = |i: usize| {
        let t = &lines[i].text;
        t.chars().any(char::is_alphabetic) && !t.chars().any(char::is_lowercase)
    };
    let n_caps = heads.iter().filter(|h| caps(h.0)).count();
    if heads.len() >= 3 && n_caps * 4 >= heads.len() * 3 {
        // Only a single word reads as a note ("Honours"); "Academic Details" is a heading.
        heads.retain(|h| caps(h.0) || lines[h.0].text.split_whitespace().count() > 1);
    }
    heads.extend(styled_headings(lines, &heads));
    heads.sort_by_key(|h| h.0);
    heads
}

/// Typography of a line, as far as the format carries it.
fn style_of(l: &DocLine) -> Option<(i32, bool, bool)> {
    let t = &l.text;
    let caps = t.chars().any(char::is_alphabetic) && !t.chars().any(char::is_lowercase);
    (l.size > 0.0).then(|| ((l.size * 2.0).round() as i32, l.bold, caps))
}

fn styled_headings(lines: &[DocLine], known: &[(usize, SectionKind)]) -> Vec<(usize, SectionKind)> {
    if known.len() < 2 {
        return Vec::new();
    }
    let mut styles: Vec<((i32, bool, bool), usize)> = Vec::new();
    for h in known {
        if let Some(st) = style_of(&lines[h.0]) {
            match styles.iter_mut().find(|(s, _)| *s == st) {
                Some((_, n)) => *n += 1,
                None => styles.push((st, 1)),
            }
        }
    }
    let Some(&(style, n)) = styles.iter().max_by_key(|(_, n)| *n) else { return Vec::new() };
    if n * 3 < known.len() * 2 {
        return Vec::new();
    }
    let mut sizes: Vec<f32> = lines.iter().map(|l| l.size).filter(|s| *s > 0.0).collect();
    sizes.sort_by(f32::total_cmp);
    let body = sizes.get(sizes.len() / 2).copied().unwrap_or(0.0);
    // The style must stand out from body text: larger, bold or in capitals.
    if (style.0 as f32) < body * 2.0 - 0.5 || (!style.1 && !style.2 && (style.0 as f32) < body * 2.0 + 1.0) {
        return Vec::new();
    }
    let looks_like_heading = |l: &DocLine| {
        let t = l.text.trim();
        let words = t.split_whitespace().count();
        (1..=6).contains(&words)
            && !l.bullet
            && l.asides.is_empty()
            && !t.contains(['\t', '@', ',', '|'])
            && !t.ends_with(['.', ';'])
            && find_range(t).is_none()
            && t.chars().next().is_some_and(|c| c.is_alphabetic())
    };
    let same: Vec<usize> = (0..lines.len())
        .filter(|&i| !known.iter().any(|h| h.0 == i))
        .filter(|&i| style_of(&lines[i]) == Some(style) && looks_like_heading(&lines[i]))
        .collect();
    // When many other lines share the style, it marks something else too (entry headers).
    if same.len() > known.len() + 2 {
        return Vec::new();
    }
    same.into_iter().filter(|&i| i + 1 < lines.len()).map(|i| (i, SectionKind::Other)).collect()
}

fn body_line(l: &DocLine) -> String {
    strip_bullet(&l.text).unwrap_or(&l.text).trim().to_string()
}

/// The line with its annotations (TAB-separated), without a bullet marker: for entries whose
/// dates and places may sit flush right.
fn body_full(l: &DocLine) -> String {
    let full = l.full_text();
    strip_bullet(&full).unwrap_or(&full).trim().to_string()
}

fn build_section(kind: SectionKind, heading: String, body: &[DocLine]) -> Section {
    let mut section = Section { kind, heading, entries: Vec::new(), skills: Vec::new() };
    match kind {
        SectionKind::Summary | SectionKind::Other => {
            let lines: Vec<String> = body.iter().map(body_line).filter(|l| !l.is_empty()).collect();
            if !lines.is_empty() {
                section.entries.push(Entry { lines, ..Entry::default() });
            }
        }
        SectionKind::Skills => section.skills = skills_of(body),
        SectionKind::Experience => section.entries = experience_entries(body),
        SectionKind::Education => section.entries = education_entries(body),
        SectionKind::Projects => section.entries = project_entries(body),
        SectionKind::Certifications => {
            section.entries = body
                .iter()
                .map(|l| {
                    let t = body_full(l);
                    let mut e = Entry::default();
                    let mut name = t.clone();
                    if let Some((r, s, end)) = find_range(&t) {
                        name = strip_date(&t, s, end);
                        apply_range(&mut e, r);
                    }
                    e.organization = Some(name);
                    e.header_lines = vec![t];
                    e
                })
                .collect();
        }
    }
    section
}

/// The printed lines of a logical line that a list keeps apart: a narrow column wraps long
/// items, but a piece that starts a capitalised word after a complete item is a new item.
fn list_lines(l: &DocLine) -> Vec<DocLine> {
    if l.pieces.len() < 2 {
        return vec![l.clone()];
    }
    let mut out: Vec<DocLine> = Vec::new();
    for piece in &l.pieces {
        let inline_list = |t: &str| [", ", " · ", " | ", " • ", "; "].iter().any(|sep| t.contains(sep));
        let labelled = piece.split_once(':').is_some_and(|(label, _)| label.split_whitespace().count() <= 3);
        let joins = !labelled
            && out.last().is_some_and(|prev: &DocLine| {
                prev.text.ends_with([',', ';', '|', '·', '/', '&', '-', '('])
                    || !piece.starts_with(char::is_uppercase)
                    || inline_list(&prev.text)
                    || inline_list(piece)
            });
        match out.last_mut() {
            Some(prev) if joins => crate::join_wrapped(&mut prev.text, piece),
            _ => out.push(DocLine {
                text: piece.clone(),
                pieces: Vec::new(),
                // Annotations beside the first printed line belong to the first item.
                asides: if out.is_empty() { l.asides.clone() } else { Vec::new() },
                ..l.clone()
            }),
        }
    }
    out
}

/// Like [`list_lines`], but only splits where a piece starts a school or a degree.
fn education_lines(l: &DocLine) -> Vec<DocLine> {
    if l.pieces.len() < 2 {
        return vec![l.clone()];
    }
    let mut out: Vec<DocLine> = Vec::new();
    for piece in &l.pieces {
        let starts_new = is_institution(piece) || is_degree(piece);
        match out.last_mut() {
            Some(prev) if !starts_new => crate::join_wrapped(&mut prev.text, piece),
            _ => out.push(DocLine {
                text: piece.clone(),
                pieces: Vec::new(),
                // Annotations beside the first printed line belong to the first item.
                asides: if out.is_empty() { l.asides.clone() } else { Vec::new() },
                ..l.clone()
            }),
        }
    }
    out
}

fn skills_of(body: &[DocLine]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for l in body.iter().flat_map(list_lines) {
        let l = &l;
        let mut t = body_full(l);
        // "Languages: Python, Go" lists items after a short category label.
        if let Some(idx) = t.find(':') {
            let label = &t[..idx];
            if label.split_whitespace().count() <= 4 && !t[idx + 1..].trim().is_empty() {
                t = t[idx + 1..].trim().to_string();
            }
        }
        for item in split_outside_brackets(&t, &[',', '|', '·', '•', '\t', ';', '▪', '◦']) {
            let item = item.trim().trim_end_matches('.').trim();
            if !item.is_empty() && item.chars().count() <= 60 && !out.iter().any(|o| o == item) {
                out.push(item.to_string());
            }
        }
    }
    out
}

/// Splits a list at its separators, except inside brackets: "Excel (VLOOKUP, Pivot Tables)" is
/// one item with its details.
fn split_outside_brackets<'a>(t: &'a str, seps: &[char]) -> Vec<&'a str> {
    let mut out = Vec::new();
    let (mut depth, mut start) = (0usize, 0usize);
    for (i, c) in t.char_indices() {
        match c {
            '(' | '[' => depth += 1,
            ')' | ']' => depth = depth.saturating_sub(1),
            _ if depth == 0 && seps.contains(&c) => {
                out.push(&t[start..i]);
                start = i + c.len_utf8();
            }
            _ => {}
        }
    }
    out.push(&t[start..]);
    out
}

fn apply_range(e: &mut Entry, r: DateRange) {
    e.start = r.start;
    e.end = r.end;
    e.current = r.current;
    e.date_text = Some(r.text);
}

/// The line without the date span and the separators that attached it.
fn strip_date(line: &str, s: usize, e: usize) -> String {
    let before = line[..s].trim_end_matches(|c: char| {
        c.is_whitespace() || matches!(c, '|' | '·' | ',' | '(' | '–' | '—' | '-' | '•')
    });
    let after = line[e..].trim_start_matches(|c: char| {
        c.is_whitespace() || matches!(c, '|' | '·' | ',' | ')' | '–' | '—' | '-' | '•')
    });
    match (before.is_empty(), after.is_empty()) {
        (true, _) => after.to_string(),
        (_, true) => before.to_string(),
        _ => format!("{before}\t{after}"),
    }
}

/// How much a header part reads as a job title. The role noun heads a title and so ends it
/// ("Senior Data Analyst"); in plural it names a firm ("Summit Orthopedic Associates").
fn role_score(part: &str) -> usize {
    let lower = part.to_lowercase();
    let words: Vec<&str> = lower.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).collect();
    let singular = words.iter().filter(|w| words::in_list("role.noun", w)).count();
    let heads = words.last().is_some_and(|w| words::in_list("role.noun", w));
    singular + usize::from(heads)
}

/// A role noun ends the phrase ("Senior Developer"; not "Developer Relations").
fn role_headed(part: &str) -> bool {
    let lower = part.to_lowercase();
    lower
        .split(|c: char| !c.is_alphanumeric())
        .rfind(|w| !w.is_empty())
        .is_some_and(|w| words::in_list("role.noun", w))
}

fn is_location(part: &str) -> bool {
    let p = part.trim();
    // "Palo Alto, CA & Ithaca, NY": several places.
    if let Some((a, b)) = p.split_once(" & ").or_else(|| p.split_once(" / ")) {
        return is_location(a) && is_location(b);
    }
    let lower = p.to_lowercase();
    let first_word = lower.split(|c: char| !c.is_alphabetic() && c != '-').next().unwrap_or("");
    if matches!(first_word, "remote" | "hybrid" | "on-site" | "onsite") && p.split_whitespace().count() <= 4 {
        return true;
    }
    if p.chars().any(|c| c.is_ascii_digit()) || !p.contains(',') {
        return false;
    }
    // "City, Region": a third piece is more often an employer or school in front ("Ironbark
    // Security, Montréal, QC"), which the caller splits off. The region is a code ("CA", "UK")
    // or a known state or country; a role noun on either side makes it a header instead.
    let pieces: Vec<&str> = p.split(',').map(str::trim).collect();
    pieces.len() == 2
        && pieces.iter().all(|x| {
            !x.is_empty()
                && x.split_whitespace().count() <= 3
                && x.chars().next().is_some_and(|c| c.is_uppercase())
                && role_score(x) == 0
                && !x.contains('&')
        })
        && is_region(pieces[1])
}

fn is_region(piece: &str) -> bool {
    let p = piece.trim().trim_end_matches('.');
    // Two-letter state and country codes; longer ones are in the list.
    let code = p.chars().count() == 2 && p.chars().all(|c| c.is_ascii_uppercase());
    code || words::in_list("region", p)
}

/// Splits an entry header line into its printed parts (title, employer, location).
fn parts_of(line: &str) -> Vec<String> {
    let mut parts = vec![line.to_string()];
    for sep in ["\t", " — ", " – ", " | ", " · ", " • ", " - ", " @ "] {
        parts = parts.iter().flat_map(|p| p.split(sep).map(str::to_string).collect::<Vec<_>>()).collect();
    }
    let mut out = Vec::new();
    for p in parts {
        // Icon glyphs before a part ("* Sunnyvale, CA", "# Address") are no part of it.
        let p = p.trim().trim_start_matches(|c: char| !c.is_alphanumeric() && !matches!(c, '(' | '"' | '“'));
        let p = trim_unbalanced(p.trim_matches(',').trim()).to_string();
        if p.is_empty() {
            continue;
        }
        // "Cobalt Media Group, Dublin, Ireland": the tail after a comma is a place.
        if !is_location(&p)
            && let Some((idx, _)) = p.match_indices(", ").find(|(i, _)| is_location(&p[i + 2..]))
        {
            out.push(p[..idx].trim().to_string());
            out.push(p[idx + 2..].trim().to_string());
            continue;
        }
        out.push(p);
    }
    out
}

/// The part without brackets left open or closed by a split ("(KarrotPay)" keeps both).
fn trim_unbalanced(p: &str) -> &str {
    let mut p = p;
    loop {
        let (open, close) = (p.matches('(').count(), p.matches(')').count());
        if p.starts_with('(') && (open > close || p.ends_with(')') && open == 1 && close == 1) {
            p = p[1..].trim_end_matches(')').trim();
        } else if p.ends_with(')') && close > open {
            p = p[..p.len() - 1].trim();
        } else if p.starts_with(')') {
            p = p[1..].trim();
        } else if p.ends_with('(') {
            p = p[..p.len() - 1].trim();
        } else {
            return p;
        }
    }
}

/// A bulleted name with its place or dates set flush right ("• Google<TAB>Mountain View, CA",
/// details below as sub-bullets): an entry header behind a bullet, not a bullet of the entry.
fn bulleted_header(l: &DocLine) -> bool {
    let body = body_line(l);
    (l.bullet || strip_bullet(&l.text).is_some())
        && !l.asides.is_empty()
        && body.split_whitespace().count() <= 6
        && !body.ends_with(['.', ';', ':'])
}

fn is_content_line(l: &DocLine) -> bool {
    if bulleted_header(l) {
        return false;
    }
    if l.bullet || strip_bullet(&l.text).is_some() {
        return true;
    }
    // A line with a date or place beside it heads an entry, however long its title.
    if !l.asides.is_empty() {
        return false;
    }
    let words = l.text.split_whitespace().count();
    // "Researcher – National Science Foundation Center of Excellence (NSF)": a short role part
    // beside a long name heads an entry, however many words the line has.
    let role_part = parts_of(&l.text).len() >= 2
        && parts_of(&l.text).iter().any(|p| role_score(p) > 0 && p.split_whitespace().count() <= 4);
    words >= 9 && find_range(&l.text).is_none() && !l.text.contains('\t') && !role_part
}

fn experience_entries(body: &[DocLine]) -> Vec<Entry> {
    // Header blocks (non-content lines) each open an entry; content lines are its bullets.
    let mut blocks: Vec<(Vec<&DocLine>, Vec<DocLine>)> = Vec::new();
    for l in body {
        // A lowercase start right after a bullet is the rest of that bullet ("sions)"), even
        // where the layout could not tell that the bullet wrapped.
        let continues_bullet = blocks.last().is_some_and(|(_, c)| !c.is_empty())
            && l.text.starts_with(|c: char| c.is_lowercase());
        if continues_bullet && let Some(prev) = blocks.last_mut().and_then(|(_, c)| c.last_mut()) {
            crate::join_wrapped(&mut prev.text, &l.text);
            prev.asides.extend(l.asides.iter().cloned());
            continue;
        }
        let content = is_content_line(l);
        match blocks.last_mut() {
            Some((_, content_lines)) if content => content_lines.push(l.clone()),
            Some((head, content_lines)) if content_lines.is_empty() => head.push(l),
            _ if content => blocks.push((Vec::new(), vec![l.clone()])),
            _ => blocks.push((vec![l], Vec::new())),
        }
    }
    let mut out = Vec::new();
    for (head, content) in blocks {
        let content: Vec<&DocLine> = content.iter().collect();
        if head.is_empty() && content.is_empty() {
            continue;
        }
        let dated = head.iter().filter(|l| find_range(&l.full_text()).is_some()).count();
        let leads: Vec<usize> = (0..head.len()).filter(|&i| leading_date(&head[i].text)).collect();
        // Several dated headers in a row without bullets are several entries; where the date
        // leads its line (a date gutter), each such line starts one.
        let chunks: Vec<Vec<&DocLine>> = if leads.len() > 1 {
            let mut cuts = leads.clone();
            cuts[0] = 0;
            cuts.push(head.len());
            cuts.windows(2).map(|w| head[w[0]..w[1]].to_vec()).collect()
        } else if dated > 1 {
            // Each entry prints its dates on the same line of its header as the first one does
            // (the employer line above a dated title line, or dates first): cut there.
            let dated_at: Vec<usize> =
                (0..head.len()).filter(|&i| find_range(&head[i].full_text()).is_some()).collect();
            let offset = dated_at[0];
            let mut cuts: Vec<usize> = dated_at.iter().map(|d| d - offset).collect();
            cuts.dedup();
            cuts.push(head.len());
            cuts.windows(2).filter(|w| w[0] < w[1]).map(|w| head[w[0]..w[1]].to_vec()).collect()
        } else {
            vec![head]
        };
        let n = chunks.len();
        for (i, chunk) in chunks.into_iter().enumerate() {
            let lines = if i + 1 == n { content.as_slice() } else { &[] };
            out.push(job_entry(&chunk, lines));
        }
    }
    positions_under_one_employer(&mut out);
    sub_labels_stay_in_their_entry(out)
}

/// A label inside a job ("Performance & Scalability" above a few of its bullets): no dates, no
/// employer, no role noun. It belongs to the dated entry above it, as a line of its own.
fn sub_labels_stay_in_their_entry(entries: Vec<Entry>) -> Vec<Entry> {
    let mut out: Vec<Entry> = Vec::with_capacity(entries.len());
    for e in entries {
        let label = e.date_text.is_none()
            && e.organization.is_none()
            && e.title.as_deref().is_some_and(|t| !role_headed(t) && t.split_whitespace().count() <= 5);
        match out.last_mut() {
            Some(prev) if label && prev.date_text.is_some() => {
                prev.lines.extend(e.header_lines.iter().cloned());
                prev.lines.extend(e.lines);
            }
            _ => out.push(e),
        }
    }
    out
}

/// Several positions at one employer: a header that names only the employer, with no bullets of
/// its own ("Google (2013 – Present)"), followed by dated titles with no employer ("Staff
/// Engineer (2020 – 2022)"). The titles are positions at that employer.
fn positions_under_one_employer(entries: &mut [Entry]) {
    let mut group: Option<String> = None;
    for i in 0..entries.len() {
        let e = &entries[i];
        let titled = e.title.as_deref().is_some_and(|t| role_score(t) > 0);
        if e.organization.is_none() && titled && e.date_text.is_some() {
            if let Some(g) = &group {
                entries[i].organization = Some(g.clone());
            }
            continue;
        }
        let names_employer_only = match (&e.organization, &e.title) {
            _ if !e.lines.is_empty() => None,
            (Some(o), None) => Some(o.clone()),
            (None, Some(t)) if role_score(t) == 0 => Some(t.clone()),
            _ => None,
        };
        group = names_employer_only.clone();
        if let Some(name) = names_employer_only
            && entries.get(i + 1).is_some_and(|n| {
                n.organization.is_none() && n.title.as_deref().is_some_and(|t| role_score(t) > 0)
            })
        {
            entries[i].organization = Some(name);
            entries[i].title = None;
            entries[i].uncertain.clear();
        }
    }
}

/// The line opens with its dates, as in a date gutter ("2019 – 2021<TAB>Engineer, Acme").
fn leading_date(text: &str) -> bool {
    let t = text.trim_start_matches(|c: char| !c.is_alphanumeric());
    let rest = match find_range(t) {
        Some((_, 0, end)) => &t[end..],
        _ => match range_shaped(t).filter(|r| t.starts_with(r.as_str())) {
            Some(r) => &t[r.len()..],
            None => return false,
        },
    };
    // A date alone on its line (or with only its place) heads the lines below it; a gutter
    // date shares its line with the title and employer.
    parts_of(rest).iter().any(|p| {
        !is_location(p) && p.split_whitespace().filter(|w| w.chars().any(char::is_alphabetic)).count() >= 2
    })
}

fn job_entry(head: &[&DocLine], content: &[&DocLine]) -> Entry {
    let mut e = Entry {
        header_lines: head.iter().map(|l| l.full_text()).collect(),
        lines: content.iter().map(|l| body_line(l)).collect(),
        ..Entry::default()
    };
    // Where the date leads a line, the entry starts there: what stands above it (a sub-heading,
    // the tail of the entry before) names neither its employer nor its title, and the line
    // itself reads "Title, Employer, City".
    let lead = head.iter().position(|l| leading_date(&l.text));
    let head = match lead {
        Some(d) => &head[d..],
        None => head,
    };
    // Where the header lines carry their places and dates flush right, a line above them
    // without any ("Vocational", a group title) heads the group, not this entry.
    let annotated: Vec<usize> = (0..head.len()).filter(|&i| !head[i].asides.is_empty()).collect();
    let head = if annotated.len() >= 2 { &head[annotated[0]..] } else { head };
    // Dates and places set flush right beside the header or its bullets annotate the entry.
    let asides: Vec<&str> =
        head.iter().chain(content.iter()).flat_map(|l| l.asides.iter().map(String::as_str)).collect();
    let mut texts: Vec<String> = head.iter().map(|l| l.text.clone()).collect();
    texts.extend(asides.iter().map(|a| a.to_string()));
    let mut candidates: Vec<String> = Vec::new();
    for (n, t) in texts.iter().enumerate() {
        let mut t = t.clone();
        if e.date_text.is_none()
            && let Some((r, s, end)) = find_range(&t)
        {
            // "Google (2013 – Present, Los Angeles)": what shares the brackets with the dates
            // is the place.
            if t[..s].trim_end().ends_with('(')
                && let Some(close) = t[end..].find(')')
            {
                let place = t[end..end + close].trim().trim_start_matches([',', ';', '|']).trim();
                if !place.is_empty() && !place.chars().any(|c| c.is_ascii_digit()) {
                    e.location = Some(place.to_string());
                }
                let open = t[..s].trim_end().len() - 1;
                t = format!("{}{}", &t[..open], &t[end + close + 1..]);
                apply_range(&mut e, r);
            } else {
                t = strip_date(&t, s, end);
                apply_range(&mut e, r);
            }
        }
        if e.date_text.is_none()
            && let Some(shaped) = range_shaped(&t)
        {
            t = t.replacen(&shaped, "", 1).trim().to_string();
            e.date_text = Some(shaped);
        }
        let is_aside = n >= head.len();
        for p in parts_of(&t) {
            if is_location(&p) {
                if e.location.is_none() {
                    e.location = Some(p);
                }
            } else if !is_aside {
                candidates.push(p);
            }
        }
    }
    // "Title at Employer", "Title, Employer" or "Employer, Title" on one line: split when the
    // header has no second part of its own ("Intern at Global Internship Program" under its
    // employer's name stays one title). A school's campus ("University of Texas at Austin") is
    // not a role at an employer.
    let at_split = |c: &str| {
        c.split_once(" at ")
            .filter(|(t, o)| role_score(t) > 0 && !o.trim().is_empty() && !is_institution(t))
            .map(|(t, o)| vec![t.trim().to_string(), o.trim().to_string()])
    };
    if lead.is_some() && !candidates.is_empty() {
        let mut pieces = at_split(&candidates[0]).unwrap_or_else(|| comma_pieces(&candidates[0]));
        if pieces.len() >= 2 {
            pieces.extend(candidates.drain(1..));
            candidates = pieces;
        }
    } else if candidates.len() == 1 {
        if let Some(pieces) = at_split(&candidates[0]) {
            candidates = pieces;
        } else {
            let pieces = comma_pieces(&candidates[0]);
            if pieces.len() >= 2 {
                candidates = pieces;
            }
        }
    }
    let (mut title, mut org) = title_and_employer(&candidates);
    let mut by_layout = false;
    // With no role noun to go by, two header lines that carry a place and a date flush right
    // say which is which: the employer has the place, the title the dates.
    if candidates.iter().all(|c| role_score(c) == 0) && head.len() >= 2 {
        let beside = |l: &DocLine, want_date: bool| {
            l.asides.iter().any(|a| {
                if want_date {
                    find_range(a).is_some() || range_shaped(a).is_some()
                } else {
                    is_location(a) || (find_range(a).is_none() && range_shaped(a).is_none())
                }
            })
        };
        let place_line = head.iter().position(|l| beside(l, false) && !beside(l, true));
        let date_line = head.iter().position(|l| beside(l, true));
        if let (Some(p), Some(d)) = (place_line, date_line)
            && p != d
        {
            let text_of = |i: usize| head[i].text.split('\t').next().unwrap_or("").trim().to_string();
            let (employer, role) = (text_of(p), text_of(d));
            if candidates.contains(&employer) && candidates.contains(&role) {
                (title, org) = (Some(role), Some(employer));
                by_layout = true;
            }
        }
    }
    // Neither a role noun nor the layout told title from employer: keep both, say so.
    if title.is_some() && org.is_some() && !by_layout && candidates.iter().all(|c| role_score(c) == 0) {
        e.uncertain.extend(["title".to_string(), "employer".to_string()]);
    }
    if e.start.is_none() && e.end.is_none() && !e.current && e.date_text.is_some() {
        e.uncertain.push("dates".to_string());
    }
    e.title = title;
    e.organization = org;
    if e.location.is_none() {
        e.location = candidates
            .get(2)
            .filter(|_| e.title.is_some() && e.organization.is_some())
            .cloned()
            .filter(|c| Some(c) != e.title.as_ref() && Some(c) != e.organization.as_ref());
    }
    e
}

/// A part printed where dates go and shaped like a range, whose ends are no dates the parser
/// knows ("year–year", "Month 20XX – Ongoing"): kept as the printed dates, never normalised.
/// Only an en or em dash or a TeX "--" makes the shape; a hyphen joins words ("full-time").
fn range_shaped(text: &str) -> Option<String> {
    let is_end =
        |w: &str| (1..=10).contains(&w.chars().count()) && w.chars().all(|c| c.is_alphanumeric() || c == '.');
    for part in text.split('\t').map(str::trim) {
        // A label before the dates ("Date: Month 20XX – Ongoing") is no part of them.
        let part = match part.split_once(": ") {
            Some((label, rest)) if label.split_whitespace().count() == 1 => rest.trim(),
            _ => part,
        };
        // A range that opens the line before the entry's own text ("year–year Job title, ...").
        let first = part.split_whitespace().next().unwrap_or("");
        for candidate in [part, first] {
            let pieces: Vec<&str> =
                candidate.split(['–', '—']).flat_map(|p| p.split("--")).map(str::trim).collect();
            if pieces.len() != 2 {
                continue;
            }
            let words: Vec<&str> = pieces.iter().flat_map(|p| p.split_whitespace()).collect();
            let present = pieces[1].to_lowercase();
            let open_ended = matches!(present.as_str(), "ongoing" | "present" | "now" | "current");
            if (pieces.iter().all(|p| is_end(p))
                || (open_ended && words.len() <= 4 && words.iter().all(|w| is_end(w))))
                && !pieces[0].is_empty()
            {
                return Some(candidate.to_string());
            }
        }
    }
    None
}

/// A header part split at its commas, outside brackets, with legal-form suffixes kept on the
/// name they belong to.
fn comma_pieces(part: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for piece in split_outside_brackets(part, &[',']) {
        let p = piece.trim().trim_end_matches('.').trim();
        if p.is_empty() {
            continue;
        }
        let suffix = words::in_list("org.legal", p.trim_end_matches('.'));
        match out.last_mut() {
            Some(prev) if suffix => {
                prev.push_str(", ");
                prev.push_str(piece.trim());
            }
            _ => out.push(piece.trim().trim_end_matches(';').to_string()),
        }
    }
    // A full stop ends the sentence, not an abbreviation ("Co.", "Ltd.", "S.A.").
    if let Some(last) = out.last_mut() {
        let word = last.rsplit(' ').next().unwrap_or("").trim_end_matches('.').to_lowercase();
        let abbreviation =
            word.chars().count() <= 3 || word.contains('.') || words::in_list("org.legal", &word);
        if last.ends_with('.') && !abbreviation {
            last.pop();
        }
    }
    out
}

/// Which header part is the job title and which the employer: the part a role noun heads is
/// the title; with no such cue the first part is the title (the usual "Title, Employer" order).
fn title_and_employer(candidates: &[String]) -> (Option<String>, Option<String>) {
    let best = candidates
        .iter()
        .enumerate()
        .max_by_key(|(i, c)| (role_score(c), std::cmp::Reverse(*i)))
        .filter(|(_, c)| role_score(c) > 0)
        .map(|(i, _)| i);
    match best {
        Some(i) => {
            let org = candidates.iter().enumerate().find(|(j, _)| *j != i).map(|(_, c)| c.clone());
            (Some(candidates[i].clone()), org)
        }
        None => (candidates.first().cloned(), candidates.get(1).cloned()),
    }
}

fn is_institution(p: &str) -> bool {
    p.split(|c: char| !c.is_alphanumeric()).any(words::is_institution_word)
}

fn is_degree(p: &str) -> bool {
    let lower = p.to_lowercase();
    let starts = [
        "b.",
        "m.",
        "ph",
        "bachelor",
        "master",
        "associate",
        "diploma",
        "doctor",
        "mba",
        "bs ",
        "ba ",
        "ms ",
        "ma ",
        "bsc",
        "msc",
        "beng",
        "meng",
        "bba",
        "mfa",
        "bfa",
        "llb",
        "llm",
        "jd",
        "md",
        "a.a",
        "a.s",
        "aas",
        "certificate",
        "hnd",
        "bsn",
        "msn",
        "dnp",
        "ed.",
        "high school",
    ];
    // Abbreviations printed alone ("BS", "PhD") name the degree too.
    const ALONE: &[&str] =
        &["bs", "ba", "ms", "ma", "bsc", "msc", "phd", "mphil", "dphil", "beng", "meng", "mba"];
    let bare = lower.trim_end_matches('.').replace('.', "");
    (starts.iter().any(|s| lower.starts_with(s)) || ALONE.contains(&bare.as_str())) && !is_institution(p)
}

fn education_entries(body: &[DocLine]) -> Vec<Entry> {
    let mut out: Vec<Entry> = Vec::new();
    let mut cur = Entry::default();
    let flush = |cur: &mut Entry, out: &mut Vec<Entry>| {
        if cur.organization.is_some() || cur.title.is_some() || !cur.header_lines.is_empty() {
            out.push(std::mem::take(cur));
        }
    };
    // The school named by position only (a name with no school word, such as "UC Berkeley",
    // on a dated header line): a real school name found later replaces it.
    let mut guessed_school = false;
    // Schools are set in one style: a line in the style of the recognised school names
    // ("LA MARTINIERE FOR BOYS" under "CORNELL UNIVERSITY") names a school too.
    let school_styles: Vec<(i32, bool, bool)> = body
        .iter()
        .filter(|l| !l.bullet && parts_of(&l.text).iter().any(|p| is_institution(p)))
        .filter_map(style_of)
        .collect();
    for l in body.iter().flat_map(education_lines) {
        let l = &l;
        let raw = body_full(l);
        // A date gutter: "2010 – 2014 Degree, School, City" opens an entry of its own, in the
        // usual degree-then-school order unless the words say otherwise.
        if leading_date(&l.text)
            && let Some(entry) = gutter_degree(&l.text)
        {
            flush(&mut cur, &mut out);
            cur = Entry { header_lines: vec![raw], ..entry };
            guessed_school = false;
            continue;
        }
        if l.bullet && cur != Entry::default() && !bulleted_header(l) {
            // A bullet describes the degree above it ("Class of 2022" is no new entry); only a
            // date set apart beside it (after a TAB) counts for the entry.
            if cur.date_text.is_none()
                && let Some((r, _, _)) = l.full_text().split('\t').skip(1).find_map(find_range)
            {
                apply_range(&mut cur, r);
            }
            cur.lines.push(body_line(l));
            continue;
        }
        let mut t = raw.clone();
        let mut range = None;
        if let Some((r, s, end)) = find_range(&t) {
            t = strip_date(&t, s, end);
            range = Some(r);
        }
        let parts: Vec<String> = parts_of(&t).into_iter().flat_map(|p| school_pieces(&p)).collect();
        let mut inst = parts.iter().find(|p| is_institution(p)).cloned();
        let degree = parts.iter().find(|p| is_degree(p)).cloned();
        let styled_school = inst.is_none()
            && degree.is_none()
            && range.is_none()
            && !l.bullet
            && style_of(l).is_some_and(|st| st.1 || st.2)
            && style_of(l).is_some_and(|st| school_styles.contains(&st))
            && parts.len() == 1
            && parts[0].split_whitespace().count() <= 8;
        if styled_school {
            inst = parts.first().cloned();
        }
        // Under a school whose place is set flush right, the line with the dates flush right
        // names the degree, whatever its words.
        let dated_aside = l.asides.iter().any(|a| find_range(a).is_some() || range_shaped(a).is_some());
        if inst.is_none()
            && degree.is_none()
            && dated_aside
            && cur.organization.is_some()
            && cur.title.is_none()
        {
            cur.title = parts.first().cloned();
            cur.uncertain.push("degree".to_string());
            if cur.date_text.is_none() {
                match l.asides.iter().find_map(|a| find_range(a)) {
                    Some((r, _, _)) => apply_range(&mut cur, r),
                    None => {
                        cur.date_text = l.asides.iter().find_map(|a| range_shaped(a));
                        cur.uncertain.push("dates".to_string());
                    }
                }
            }
            cur.header_lines.push(raw);
            continue;
        }
        let name_only = inst.is_none()
            && degree.is_none()
            && !l.bullet
            && (range.is_some() || cur == Entry::default() || !l.asides.is_empty())
            // The dates of the school above: "LA MARTINIERE" / "Grad. May 2011 | Kolkata".
            && !(range.is_some() && cur.organization.is_some() && cur.date_text.is_none())
            && parts.iter().all(|p| p.split_whitespace().count() <= 6);
        let mut guess = false;
        if name_only
            && let Some(name) = parts.iter().find(|p| !is_location(p) && p.starts_with(char::is_uppercase))
        {
            inst = Some(name.clone());
            guess = true;
        }
        if guessed_school && !guess && inst.is_some() && cur.organization.is_some() {
            cur.organization = None;
        }
        let repeats = (inst.is_some() && cur.organization.is_some())
            || (degree.is_some() && cur.title.is_some())
            || (range.is_some() && cur.date_text.is_some());
        if repeats {
            flush(&mut cur, &mut out);
        }
        if let Some(r) = range {
            apply_range(&mut cur, r);
        }
        if inst.is_none() && degree.is_none() && t.is_empty() {
            cur.header_lines.push(raw);
            continue;
        }
        if inst.is_some() || degree.is_some() {
            if let Some(i) = inst {
                cur.organization = Some(i);
                guessed_school = guess;
                cur.uncertain.retain(|f| f != "institution");
                if guess || styled_school {
                    cur.uncertain.push("institution".to_string());
                }
            }
            if let Some(d) = degree {
                // "B.A., Communications" prints the field after a comma.
                cur.title = Some(d);
            }
            for p in &parts {
                if cur.location.is_none() && is_location(p) {
                    cur.location = Some(p.clone());
                }
            }
            cur.header_lines.push(raw);
        } else {
            cur.lines.push(raw);
        }
    }
    flush(&mut cur, &mut out);
    out
}

/// An education entry from a line that opens with its dates.
fn gutter_degree(text: &str) -> Option<Entry> {
    let t = text.trim_start_matches(|c: char| !c.is_alphanumeric());
    let mut e = Entry::default();
    let rest = match find_range(t) {
        Some((r, 0, end)) => {
            apply_range(&mut e, r);
            t[end..].to_string()
        }
        _ => {
            let shaped = range_shaped(t).filter(|r| t.starts_with(r.as_str()))?;
            e.date_text = Some(shaped.clone());
            t[shaped.len()..].to_string()
        }
    };
    let rest = rest.trim().trim_start_matches(['\t', ' ']).trim_end_matches('.');
    let pieces: Vec<String> = parts_of(rest)
        .into_iter()
        .flat_map(|p| if is_location(&p) { vec![p] } else { comma_pieces(&p) })
        .collect();
    if pieces.len() < 2 {
        return None;
    }
    let school_cue = pieces.iter().position(|p| is_institution(p));
    let degree_cue = pieces.iter().position(|p| is_degree(p));
    let school = school_cue.unwrap_or(1);
    let degree = degree_cue.unwrap_or(if school == 0 { 1 } else { 0 });
    if school_cue.is_none() {
        e.uncertain.push("institution".to_string());
    }
    if degree_cue.is_none() {
        e.uncertain.push("degree".to_string());
    }
    if e.start.is_none() && e.end.is_none() {
        e.uncertain.push("dates".to_string());
    }
    e.organization = pieces.get(school).cloned();
    e.title = pieces.get(degree).cloned();
    e.location = pieces
        .iter()
        .enumerate()
        .find(|(i, p)| *i != school && *i != degree && is_location(p))
        .map(|(_, p)| p.clone());
    Some(e)
}

/// "School, Degree" and "School, Field" printed as one part: the school, the degree and the
/// field are separate pieces (a campus after a comma stays with its school).
fn school_pieces(part: &str) -> Vec<String> {
    let pieces = comma_pieces(part);
    if pieces.len() < 2 || pieces.iter().filter(|p| is_institution(p)).count() != 1 {
        return vec![part.to_string()];
    }
    let separable = |p: &String| {
        is_institution(p)
            || is_degree(p)
            || p.split_whitespace().any(|w| words::in_list("field.study", w))
            || is_location(p)
    };
    if pieces.iter().all(separable) { pieces } else { vec![part.to_string()] }
}

fn project_entries(body: &[DocLine]) -> Vec<Entry> {
    let mut out: Vec<Entry> = Vec::new();
    for l in body {
        let t = body_full(l);
        let is_name =
            !l.bullet && t.split_whitespace().count() <= 7 && !t.ends_with('.') && !t.contains("://");
        if is_name || out.is_empty() {
            let mut e = Entry::default();
            let mut name = t.clone();
            if let Some((r, s, end)) = find_range(&t) {
                name = strip_date(&t, s, end);
                apply_range(&mut e, r);
            }
            e.organization = Some(name.split('\t').next().unwrap_or(&name).trim().to_string());
            e.header_lines.push(t.clone());
            if !is_name {
                e.lines.push(t);
            }
            out.push(e);
        } else if let Some(e) = out.last_mut() {
            e.lines.push(t);
        }
    }
    out
}

fn find_email(s: &str) -> Option<String> {
    s.split(|c: char| c.is_whitespace() || matches!(c, '|' | '·' | '•' | ',' | ';' | '<' | '>' | '(' | ')'))
        // An icon glyph printed against the address (an envelope) is not part of it.
        .map(|w| {
            w.trim_start_matches(|c: char| !c.is_alphanumeric())
                .trim_matches(|c: char| matches!(c, '.' | ':'))
        })
        .find(|w| {
            let Some((user, domain)) = w.split_once('@') else { return false };
            !user.is_empty() && domain.contains('.') && !domain.starts_with('.') && !domain.ends_with('.')
        })
        .map(|w| w.trim_start_matches("mailto:").to_string())
}

fn find_phone(s: &str) -> Option<String> {
    let chars: Vec<(usize, char)> = s.char_indices().collect();
    let mut i = 0;
    while i < chars.len() {
        let (start, c) = chars[i];
        if c.is_ascii_digit() || c == '+' || c == '(' {
            let mut j = i;
            let mut digits = 0;
            let mut end = start;
            while j < chars.len() {
                let (pos, ch) = chars[j];
                if ch.is_ascii_digit() {
                    digits += 1;
                    end = pos + 1;
                } else if matches!(ch, ' ' | '-' | '‐' | '‑' | '–' | '.' | '(' | ')' | '+') {
                    if ch == ')' {
                        end = pos + 1;
                    }
                } else {
                    break;
                }
                j += 1;
            }
            let cand = s[start..end].trim();
            if (7..=15).contains(&digits)
                && find_range(cand).is_none_or(|(r, _, _)| r.text.len() < cand.len() / 2)
            {
                return Some(cand.to_string());
            }
            i = j.max(i + 1);
        } else {
            i += 1;
        }
    }
    None
}

fn is_link(w: &str) -> bool {
    let lower = w.to_lowercase();
    (lower.contains("linkedin.")
        || lower.contains("github.")
        || lower.starts_with("http")
        || lower.starts_with("www.")
        || (lower.contains('/') && lower.contains('.') && !lower.contains('@')))
        && !lower.contains(' ')
        && find_range(w).is_none()
}

fn contact_of(header: &[DocLine], contact_lines: &[&DocLine], all: &[DocLine]) -> (Contact, Option<String>) {
    let mut c = Contact::default();
    let scan: Vec<String> =
        contact_lines.iter().map(|l| l.full_text()).chain(all.iter().map(|l| l.full_text())).collect();
    c.email = scan.iter().find_map(|l| find_email(l));
    c.phone = contact_lines.iter().find_map(|l| find_phone(&l.full_text()));
    for l in contact_lines {
        let full = l.full_text();
        for part in full.split(['|', '·', '\t', '•']).map(str::trim) {
            if c.location.is_none() && is_location(part) && find_email(part).is_none() {
                c.location = Some(part.to_string());
            }
            for w in part.split_whitespace() {
                let w = w.trim_end_matches([',', ';']);
                if is_link(w) && !c.links.iter().any(|x| x == w) {
                    c.links.push(w.to_string());
                }
            }
        }
    }
    let is_contactish = |t: &str| {
        find_email(t).is_some()
            || find_phone(t).is_some()
            || t.contains("://")
            || t.to_lowercase().contains("linkedin")
            || is_location(t)
    };
    let (name, tagline) = name_and_tagline(header, all, &is_contactish);
    c.name = name;
    (c, tagline)
}

const DOCUMENT_TITLES: &[&str] =
    &["resume", "résumé", "cv", "curriculum vitae", "curriculum vitæ", "resume of"];

/// The line without a document title printed next to the name ("Jo Doe | Resume" -> "Jo Doe");
/// None when the line is only a title.
fn without_document_title(t: &str) -> Option<String> {
    let mut kept: Vec<&str> = Vec::new();
    for part in t.split(['|', '—', '–', '\t', '·']).map(str::trim) {
        let lower = part.to_lowercase();
        if !part.is_empty() && !DOCUMENT_TITLES.contains(&lower.trim_end_matches(':')) {
            kept.push(part);
        }
    }
    (kept.len() == 1).then(|| kept[0].to_string())
}

fn name_like(t: &str) -> bool {
    let words: Vec<&str> = t.split_whitespace().collect();
    (1..=5).contains(&words.len())
        && !t.chars().any(|c| c.is_ascii_digit())
        && words.iter().any(|w| w.starts_with(char::is_uppercase))
        && !t.contains([':', ',', '/', '@'])
        && heading_kind(&DocLine { text: t.to_string(), ..DocLine::default() }).is_none()
}

/// The name is the largest name-like line near the top (typography, when the format carries it),
/// else the first one; the tagline is the line under it.
fn name_and_tagline(
    header: &[DocLine],
    all: &[DocLine],
    is_contactish: &dyn Fn(&str) -> bool,
) -> (Option<String>, Option<String>) {
    // A header before the first heading holds the name; a sidebar that opens with a heading
    // leaves it to typography within the first lines.
    // "Jo Doe | Resume title" and "Jo Doe<TAB>phone" print the name first.
    // The name may share its line with the email after it ("Ege Erdoğan ege@erdogan.dev").
    let first_part = |l: &DocLine| {
        let part = l.text.split(['\t', '|']).next().unwrap_or("").trim();
        let words: Vec<&str> = part
            .split_whitespace()
            .take_while(|w| !w.contains('@') && !w.contains("://") && !is_link(w))
            .collect();
        if words.is_empty() { part.to_string() } else { words.join(" ") }
    };
    let in_header = |l: &&DocLine| {
        let t = first_part(l);
        !l.bullet && !is_contactish(&t) && without_document_title(&t).is_some_and(|t| name_like(&t))
    };
    let near_top = if header.iter().any(|l| in_header(&l)) { header.len() } else { all.len().min(40) };
    let candidates: Vec<(usize, String, f32)> = all[..near_top]
        .iter()
        .enumerate()
        .filter(|(_, l)| !l.bullet && !is_contactish(&first_part(l)))
        .filter_map(|(i, l)| without_document_title(&first_part(l)).map(|t| (i, t, l.size)))
        .filter(|(_, t, _)| name_like(t))
        .collect();
    let max_size = candidates.iter().map(|c| c.2).fold(0.0f32, f32::max);
    let best = if max_size > 0.0 {
        candidates.iter().find(|c| c.2 >= max_size - 0.01)
    } else {
        candidates.iter().find(|c| c.0 < header.len()).or(candidates.first())
    };
    let Some((idx, name, _)) = best.cloned() else {
        return (None, None);
    };
    let tagline = all.get(idx + 1).map(|l| l.text.trim().to_string()).filter(|t| {
        !is_contactish(t)
            && t.split_whitespace().count() <= 10
            && *t != name
            && heading_kind(&DocLine { text: t.clone(), ..DocLine::default() }).is_none()
    });
    (Some(name), tagline)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn l(t: &str) -> DocLine {
        DocLine { text: t.into(), ..DocLine::default() }
    }

    #[test]
    fn headings_are_recognised_without_tuning_to_one_spelling() {
        assert_eq!(heading_kind(&l("Work History")), Some(SectionKind::Experience));
        assert_eq!(heading_kind(&l("PROFESSIONAL EXPERIENCE")), Some(SectionKind::Experience));
        assert_eq!(heading_kind(&l("Technical Skills:")), Some(SectionKind::Skills));
        assert_eq!(heading_kind(&l("Licenses & Certifications")), Some(SectionKind::Certifications));
        assert_eq!(heading_kind(&l("Education & Training")), Some(SectionKind::Education));
        assert_eq!(heading_kind(&l("Project Management")), None);
        assert_eq!(heading_kind(&l("Led the team")), None);
    }

    #[test]
    fn a_heading_broken_over_two_lines_is_joined() {
        let joined = join_split_headings(vec![l("ACADEMIC"), l("BACKGROUND"), l("B.S. in Physics")]);
        assert_eq!(joined[0].text, "ACADEMIC BACKGROUND");
        assert_eq!(heading_kind(&joined[0]), Some(SectionKind::Education));
        // Two headings in a row stay two headings.
        assert_eq!(join_split_headings(vec![l("SKILLS"), l("EDUCATION")]).len(), 2);
    }

    #[test]
    fn list_items_keep_their_bracketed_details() {
        let items = split_outside_brackets("SQL, Excel (VLOOKUP, Pivot Tables), Tableau", &[',']);
        assert_eq!(items, vec!["SQL", " Excel (VLOOKUP, Pivot Tables)", " Tableau"]);
    }

    #[test]
    fn a_role_noun_in_plural_names_a_firm() {
        assert!(role_score("HR Manager") > role_score("Summit Orthopedic Associates"));
        assert!(role_score("Senior Data Analyst") > role_score("Analyst Partners"));
    }

    #[test]
    fn contact_details_are_found() {
        assert_eq!(find_email("a | jo.doe@mail.example.com | b").as_deref(), Some("jo.doe@mail.example.com"));
        assert_eq!(find_phone("Boston, MA | +1 (617) 555-0148").as_deref(), Some("+1 (617) 555-0148"));
        assert_eq!(find_phone("2019 – 2021"), None);
    }
}
