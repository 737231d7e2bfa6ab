//! Dates as printed on resumes ("Jan 2020", "03/2019", "2019-03", "2019", "Summer 2022",
//! "Present") and date ranges, normalised to `YYYY-MM` or `YYYY`.
//!
//! A season is normalised to the first month of the season as academic calendars count it:
//! Spring -> March, Summer -> June, Fall/Autumn -> September, Winter -> January (a "Winter 2022"
//! term runs January to March 2022). The printed text (`DateRange::text`) keeps the season, and
//! the qualifiers printed with a date ("Exp. Jun. 2017", "Expected May 2025", "Grad. May 2011").

/// A date range found in a line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DateRange {
    pub start: Option<String>,
    pub end: Option<String>,
    /// The range ends with "Present", "Current", "Now" or similar.
    pub current: bool,
    /// The range exactly as printed.
    pub text: String,
}

const MONTHS: [&str; 12] =
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
const FULL_MONTHS: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];
const PRESENT: &[&str] = &["present", "current", "now", "today", "ongoing"];

#[derive(Debug, Clone, PartialEq, Eq)]
enum Point {
    Date(String),
    Present,
}

/// The first month of a season (see the module comment).
fn season_month(word: &str) -> Option<u32> {
    match word.to_ascii_lowercase().as_str() {
        "spring" => Some(3),
        "summer" => Some(6),
        "fall" | "autumn" => Some(9),
        "winter" => Some(1),
        _ => None,
    }
}

/// Words printed before a date that qualify it ("Expected May 2025", "Exp. Jun. 2017",
/// "Grad. May 2011", "Est. 2026"): part of the date as printed.
const QUALIFIERS: &[&str] = &[
    "exp",
    "expected",
    "est",
    "estimated",
    "anticipated",
    "grad",
    "graduated",
    "graduation",
    "graduating",
    "expected graduation",
    "anticipated graduation",
];

pub(crate) fn month_of(word: &str) -> Option<u32> {
    let w = word.to_ascii_lowercase();
    if let Some(i) = FULL_MONTHS.iter().position(|m| *m == w) {
        return Some(i as u32 + 1);
    }
    if w == "sept" {
        return Some(9);
    }
    MONTHS.iter().position(|m| *m == w).map(|i| i as u32 + 1)
}

fn year_like(digits: &str) -> Option<u32> {
    let y: u32 = digits.parse().ok()?;
    (digits.len() == 4 && (1950..=2099).contains(&y)).then_some(y)
}

/// "'23" -> 2023, "'98" -> 1998: a resume's two-digit years are this century's unless that
/// would put them far in the future.
fn two_digit_year(digits: &str) -> Option<u32> {
    let y: u32 = digits.parse().ok()?;
    Some(if y <= 40 { 2000 + y } else { 1900 + y })
}

fn boundary_before(s: &str, at: usize) -> bool {
    s[..at].chars().next_back().is_none_or(|c| !c.is_alphanumeric())
}

fn boundary_after(s: &str, at: usize) -> bool {
    s[at..].chars().next().is_none_or(|c| !c.is_alphanumeric())
}

fn digits_at(s: &str) -> &str {
    let end = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    &s[..end]
}

/// A date point starting exactly at the start of `s`, with its length in bytes.
fn point_at(s: &str) -> Option<(Point, usize)> {
    let word_end = s.find(|c: char| !c.is_alphabetic()).unwrap_or(s.len());
    if word_end > 0 {
        let word = &s[..word_end];
        let lower = word.to_lowercase();
        if PRESENT.contains(&lower.as_str()) && boundary_after(s, word_end) {
            return Some((Point::Present, word_end));
        }
        let month = month_of(word).or_else(|| season_month(word))?;
        let mut i = word_end;
        let rest = &s[i..];
        let skip = rest.len() - rest.trim_start_matches(['.', ',', ' ', '\u{a0}']).len();
        if skip == 0 || skip > 3 {
            return None;
        }
        i += skip;
        // "May '23", "Summer ’22": an apostrophe stands for the century.
        let quote = s[i..].chars().next().filter(|c| matches!(c, '\'' | '’'));
        let short = quote.map(|q| digits_at(&s[i + q.len_utf8()..])).filter(|d| d.len() == 2);
        let (year, len) = match (quote, short) {
            (Some(q), Some(d)) => (two_digit_year(d)?, q.len_utf8() + d.len()),
            _ => {
                let digits = digits_at(&s[i..]);
                (year_like(digits)?, digits.len())
            }
        };
        i += len;
        if !boundary_after(s, i) {
            return None;
        }
        return Some((Point::Date(format!("{year:04}-{month:02}")), i));
    }
    let d1 = digits_at(s);
    if d1.is_empty() {
        return None;
    }
    let after = &s[d1.len()..];
    if let Some(year) = year_like(d1) {
        // "2019-03" or "2019/03", but not "2019-2021" (a range of years).
        if let Some(sep) = after.chars().next().filter(|c| *c == '-' || *c == '/') {
            let d2 = digits_at(&after[1..]);
            if (1..=2).contains(&d2.len())
                && let Ok(m) = d2.parse::<u32>()
                && (1..=12).contains(&m)
            {
                let end = d1.len() + sep.len_utf8() + d2.len();
                if boundary_after(s, end) {
                    return Some((Point::Date(format!("{year:04}-{m:02}")), end));
                }
            }
        }
        if boundary_after(s, d1.len()) {
            return Some((Point::Date(format!("{year:04}")), d1.len()));
        }
        return None;
    }
    if (1..=2).contains(&d1.len()) {
        let m: u32 = d1.parse().ok()?;
        let sep = after.chars().next().filter(|c| matches!(c, '/' | '.' | '-'))?;
        let d2 = digits_at(&after[1..]);
        let year = year_like(d2)?;
        let end = d1.len() + sep.len_utf8() + d2.len();
        if (1..=12).contains(&m) && boundary_after(s, end) {
            return Some((Point::Date(format!("{year:04}-{m:02}")), end));
        }
    }
    None
}

/// All date points of a line, with their byte spans.
fn points(line: &str) -> Vec<(Point, usize, usize)> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < line.len() {
        if line.is_char_boundary(i)
            && boundary_before(line, i)
            && let Some((p, len)) = point_at(&line[i..])
        {
            out.push((p, i, i + len));
            i += len;
            continue;
        }
        i += 1;
    }
    out
}

fn only_separator(between: &str) -> bool {
    let t = between.trim_matches(|c: char| {
        c.is_whitespace()
            || matches!(c, '-' | '–' | '—' | '‒' | '―' | '~' | '\u{2010}' | '\u{2011}' | '\u{2212}')
    });
    let t = t.to_lowercase();
    let t = t.trim();
    (t.is_empty() || matches!(t, "to" | "until" | "till" | "through" | "thru"))
        && between.chars().count() <= 7
}

/// Dates listed one after another ("Summer 2013, 2014", "Sep. 2013, Mar. 2011 - Oct. 2011").
fn list_separator(between: &str) -> bool {
    let t = between.trim().to_lowercase();
    matches!(t.as_str(), "," | ";" | "&" | "and") && between.chars().count() <= 5
}

/// Where a date starts once the qualifier printed before it is counted in ("Exp. Jun. 2017").
fn qualified_start(line: &str, start: usize) -> usize {
    let before = line[..start].trim_end_matches([' ', '\u{a0}', ':']);
    let before = before.strip_suffix('.').unwrap_or(before);
    QUALIFIERS
        .iter()
        .filter_map(|q| {
            let at = before.len().checked_sub(q.len())?;
            let tail = before.get(at..)?;
            (tail.eq_ignore_ascii_case(q) && boundary_before(line, at)).then_some(at)
        })
        .min()
        .unwrap_or(start)
}

/// A month printed without its year before a range separator and a dated month ("June –
/// August 2021", "Nov 2020" in "Nov – Feb 2021" is the year before): where it starts and the
/// range's start.
fn bare_month_before(line: &str, at: usize, date: &str) -> Option<(usize, String)> {
    let (year, month) = date.split_once('-')?;
    let (year, month): (u32, u32) = (year.parse().ok()?, month.parse().ok()?);
    let before = line[..at].trim_end();
    let sep = before.trim_end_matches(|c: char| {
        matches!(c, '-' | '–' | '—' | '‒' | '―' | '~' | '\u{2010}' | '\u{2011}' | '\u{2212}')
    });
    let sep = if sep.len() < before.len() {
        sep
    } else {
        let lower = before.to_ascii_lowercase();
        ["to", "until", "through"]
            .iter()
            .find(|w| lower.ends_with(*w) && boundary_before(before, before.len() - w.len()))
            .map(|w| &before[..before.len() - w.len()])?
    };
    let word_part = sep.trim_end().trim_end_matches('.');
    let start = word_part.rfind(|c: char| !c.is_alphabetic()).map_or(0, |i| i + 1);
    let word = &word_part[start..];
    let first = month_of(word).or_else(|| season_month(word))?;
    let y = if first > month { year - 1 } else { year };
    Some((start, format!("{y:04}-{first:02}")))
}

/// Normalises one printed date/// Normalises one printed date: "Jan 2020" -> "2020-01", "03/2019" -> "2019-03",
/// "2019-03" -> "2019-03", "2019" -> "2019"; "Present" and other text -> None.
pub fn normalize_date(text: &str) -> Option<String> {
    let t = text.trim();
    match point_at(t) {
        Some((Point::Date(d), len)) if t[len..].trim().is_empty() => Some(d),
        _ => None,
    }
}

/// The first date range (or single date) printed in a line, with its byte span in the line.
/// Dates listed together ("Summer 2013, 2014") are one range from the earliest to the latest.
pub(crate) fn find_range(line: &str) -> Option<(DateRange, usize, usize)> {
    let mut pts = points(line);
    // A qualifier belongs to its date, and to the range around it ("Mar. 2016 - Exp. Jun. 2017").
    let mut prev_end = 0;
    for p in &mut pts {
        p.1 = qualified_start(line, p.1).max(prev_end);
        prev_end = p.2;
    }
    // Runs of points joined by range or list separators. The first run of several points is the
    // range; failing that, the first single date.
    let mut single: Option<(DateRange, usize, usize)> = None;
    let mut k = 0;
    while k < pts.len() {
        let mut end = k;
        let mut listed = false;
        while let Some(next) = pts.get(end + 1) {
            let between = &line[pts[end].2..next.1];
            if only_separator(between) && matches!(pts[end].0, Point::Date(_)) {
                end += 1;
            } else if list_separator(between) {
                listed = true;
                end += 1;
            } else {
                break;
            }
        }
        let run = &pts[k..=end];
        k = end + 1;
        let dates: Vec<&String> =
            run.iter().filter_map(|(p, _, _)| if let Point::Date(d) = p { Some(d) } else { None }).collect();
        if dates.is_empty() {
            continue;
        }
        let (s, e) = (run[0].1, run[run.len() - 1].2);
        let text = line[s..e].to_string();
        let current = matches!(run[run.len() - 1].0, Point::Present);
        if run.len() == 1 {
            if let Point::Date(d) = &run[0].0
                && let Some((at, start)) = bare_month_before(line, s, d)
            {
                let range = DateRange {
                    start: Some(start),
                    end: Some(d.clone()),
                    current,
                    text: line[at..e].to_string(),
                };
                return Some((range, at, e));
            }
            if single.is_none() {
                single = Some((DateRange { start: None, end: Some(dates[0].clone()), current, text }, s, e));
            }
            continue;
        }
        // Dates sort as text ("2013-09" < "2014"); a list may print them in any order.
        let (start, last) = if listed {
            (dates.iter().min().copied(), dates.iter().max().copied())
        } else {
            (dates.first().copied(), dates.last().copied())
        };
        let start = if matches!(run[0].0, Point::Date(_)) { start.cloned() } else { None };
        let end = if current { None } else { last.cloned() };
        return Some((DateRange { start, end, current, text }, s, e));
    }
    single
}

/// Parses a printed range such as "Jan 2020 – Present" or "2018 - 2020".
pub fn parse_date_range(text: &str) -> Option<DateRange> {
    find_range(text).map(|(r, _, _)| r)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn single_dates_normalise() {
        assert_eq!(normalize_date("Jan 2020").as_deref(), Some("2020-01"));
        assert_eq!(normalize_date("September 2018").as_deref(), Some("2018-09"));
        assert_eq!(normalize_date("Sept. 2018").as_deref(), Some("2018-09"));
        assert_eq!(normalize_date("03/2019").as_deref(), Some("2019-03"));
        assert_eq!(normalize_date("2019-03").as_deref(), Some("2019-03"));
        assert_eq!(normalize_date("2019").as_deref(), Some("2019"));
        assert_eq!(normalize_date("Present"), None);
        assert_eq!(normalize_date("13/2019"), None);
        assert_eq!(normalize_date("41,000"), None);
    }

    #[test]
    fn ranges_parse() {
        let r = parse_date_range("Jan 2020 – Present").unwrap();
        assert_eq!((r.start.as_deref(), r.end, r.current), (Some("2020-01"), None, true));
        assert_eq!(r.text, "Jan 2020 – Present");
        let r = parse_date_range("Senior Designer, 03/2019 - 12/2021, London").unwrap();
        assert_eq!(r.start.as_deref(), Some("2019-03"));
        assert_eq!(r.end.as_deref(), Some("2021-12"));
        assert_eq!(r.text, "03/2019 - 12/2021");
        let r = parse_date_range("2018 — Now").unwrap();
        assert_eq!((r.start.as_deref(), r.current), (Some("2018"), true));
        let r = parse_date_range("2019-03 to 2020-01").unwrap();
        assert_eq!(r.end.as_deref(), Some("2020-01"));
        assert!(parse_date_range("Led 40 people").is_none());
    }

    #[test]
    fn seasons_keep_their_name() {
        let r = parse_date_range("Software Engineer Intern\tSummer 2022").unwrap();
        assert_eq!((r.text.as_str(), r.start, r.end.as_deref()), ("Summer 2022", None, Some("2022-06")));
        let r = parse_date_range("Fall 2021 – Spring 2022").unwrap();
        assert_eq!(r.text, "Fall 2021 – Spring 2022");
        assert_eq!((r.start.as_deref(), r.end.as_deref()), (Some("2021-09"), Some("2022-03")));
        assert_eq!(normalize_date("Winter 2020").as_deref(), Some("2020-01"));
        assert_eq!(normalize_date("Autumn 2019").as_deref(), Some("2019-09"));
        let r = parse_date_range("Intern, Summer ’22 – Spring '23").unwrap();
        assert_eq!(r.text, "Summer ’22 – Spring '23");
        assert_eq!((r.start.as_deref(), r.end.as_deref()), (Some("2022-06"), Some("2023-03")));
    }

    #[test]
    fn a_month_without_its_year_starts_the_range() {
        let r = parse_date_range("Intern, June – August 2021").unwrap();
        assert_eq!(r.text, "June – August 2021");
        assert_eq!((r.start.as_deref(), r.end.as_deref()), (Some("2021-06"), Some("2021-08")));
        let r = parse_date_range("Nov. to Feb. 2021").unwrap();
        assert_eq!((r.start.as_deref(), r.end.as_deref()), (Some("2020-11"), Some("2021-02")));
        let r = parse_date_range("2019 \u{2212} 2021").unwrap();
        assert_eq!((r.start.as_deref(), r.end.as_deref()), (Some("2019"), Some("2021")));
        // A month name that is not before a separator is a word ("May" in a sentence).
        assert_eq!(parse_date_range("Led May campaign, Aug 2021").unwrap().text, "Aug 2021");
    }

    #[test]
    fn listed_dates_make_one_range() {
        let r = parse_date_range("YMCA, Volunteer Swim Coach, Summer 2013, 2014").unwrap();
        assert_eq!(r.text, "Summer 2013, 2014");
        assert_eq!((r.start.as_deref(), r.end.as_deref()), (Some("2013-06"), Some("2014")));
        let r = parse_date_range("Sep. 2013, Mar. 2011 - Oct. 2011").unwrap();
        assert_eq!(r.text, "Sep. 2013, Mar. 2011 - Oct. 2011");
        assert_eq!((r.start.as_deref(), r.end.as_deref()), (Some("2011-03"), Some("2013-09")));
    }

    #[test]
    fn qualifiers_stay_with_their_date() {
        let r = parse_date_range("Researcher\tMar. 2016 - Exp. Jun. 2017").unwrap();
        assert_eq!(r.text, "Mar. 2016 - Exp. Jun. 2017");
        assert_eq!((r.start.as_deref(), r.end.as_deref()), (Some("2016-03"), Some("2017-06")));
        let r = parse_date_range("B.S. in Physics, Expected May 2025").unwrap();
        assert_eq!((r.text.as_str(), r.end.as_deref()), ("Expected May 2025", Some("2025-05")));
        let (r, s, _) = find_range("La Martiniere, Grad. May 2011").unwrap();
        assert_eq!((r.text.as_str(), s), ("Grad. May 2011", 15));
        // A range found later in the line wins over a lone year before it.
        let r = parse_date_range("Award 2019 · Jan 2020 - Mar 2021").unwrap();
        assert_eq!(r.text, "Jan 2020 - Mar 2021");
    }
}
