//! Dates as printed on resumes ("Jan 2020", "03/2019", "2019-03", "2019", "Present") and date
//! ranges, normalised to `YYYY-MM` or `YYYY`.

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
        let month = month_of(word)?;
        let mut i = word_end;
        let rest = &s[i..];
        let skip = rest.len() - rest.trim_start_matches(['.', ',', ' ', '\u{a0}']).len();
        if skip == 0 || skip > 3 {
            return None;
        }
        i += skip;
        let digits = digits_at(&s[i..]);
        let year = year_like(digits)?;
        i += digits.len();
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
    let t =
        between.trim_matches(|c: char| c.is_whitespace() || matches!(c, '-' | '–' | '—' | '‒' | '―' | '~'));
    let t = t.to_lowercase();
    let t = t.trim();
    (t.is_empty() || matches!(t, "to" | "until" | "till" | "through" | "thru"))
        && between.chars().count() <= 7
}

/// Normalises one printed date: "Jan 2020" -> "2020-01", "03/2019" -> "2019-03",
/// "2019-03" -> "2019-03", "2019" -> "2019"; "Present" and other text -> None.
pub fn normalize_date(text: &str) -> Option<String> {
    let t = text.trim();
    match point_at(t) {
        Some((Point::Date(d), len)) if t[len..].trim().is_empty() => Some(d),
        _ => None,
    }
}

/// The first date range (or single date) printed in a line, with its byte span in the line.
pub(crate) fn find_range(line: &str) -> Option<(DateRange, usize, usize)> {
    let pts = points(line);
    for (k, (p1, s1, e1)) in pts.iter().enumerate() {
        if let Some((p2, s2, e2)) = pts.get(k + 1)
            && only_separator(&line[*e1..*s2])
            && matches!(p1, Point::Date(_))
        {
            let start = match p1 {
                Point::Date(d) => Some(d.clone()),
                Point::Present => None,
            };
            let (end, current) = match p2 {
                Point::Date(d) => (Some(d.clone()), false),
                Point::Present => (None, true),
            };
            return Some((DateRange { start, end, current, text: line[*s1..*e2].to_string() }, *s1, *e2));
        }
    }
    let (p, s, e) = pts.into_iter().find(|(p, _, _)| matches!(p, Point::Date(_)))?;
    let Point::Date(d) = p else { return None };
    Some((DateRange { start: None, end: Some(d), current: false, text: line[s..e].to_string() }, s, e))
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
}
