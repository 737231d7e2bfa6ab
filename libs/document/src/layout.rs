//! Turns positioned glyphs of one page into logical lines in reading order: baselines make
//! lines, horizontal gaps make spaces and TABs, vertical gutters make columns (each read whole),
//! and lines wrapped by the layout engine are joined back into one logical line.

use crate::text::normalize_glyph_text;

#[derive(Debug, Clone)]
pub(crate) struct Glyph {
    pub x: f32,
    pub y: f32,
    /// Visible advance in device space.
    pub w: f32,
    pub size: f32,
    pub text: String,
    pub upright: bool,
    /// The advance came from the font's width table (not a guess).
    pub exact: bool,
}

impl Glyph {
    fn is_space(&self) -> bool {
        self.text.chars().all(char::is_whitespace)
    }
    fn end(&self) -> f32 {
        self.x + self.w
    }
}

#[derive(Debug, Clone)]
struct Seg {
    glyphs: Vec<Glyph>,
    band: usize,
    x0: f32,
    x1: f32,
    y: f32,
    size: f32,
}

#[derive(Debug, Clone)]
struct Line {
    text: String,
    x0: f32,
    x1: f32,
    y: f32,
    size: f32,
    first_word_w: f32,
    has_tab: bool,
}

/// Gap between two pieces of one line, in font sizes, above which they are separate parts
/// (a TAB in the output, and candidates for column gutters).
const SEGMENT_GAP: f32 = 1.2;
/// Extra gap over a line's usual letter gap, in font sizes, that reads as a word space.
const WORD_GAP: f32 = 0.13;

pub(crate) fn page_lines(glyphs: Vec<Glyph>) -> Vec<String> {
    let mut glyphs: Vec<Glyph> = glyphs
        .into_iter()
        .filter(|g| g.upright && g.size > 0.5 && g.x.is_finite() && g.y.is_finite() && g.w.is_finite())
        .map(|mut g| {
            g.text = normalize_glyph_text(&g.text);
            g
        })
        .filter(|g| !g.text.is_empty())
        .collect();
    if glyphs.is_empty() {
        return Vec::new();
    }
    glyphs.sort_by(|a, b| b.y.total_cmp(&a.y).then(a.x.total_cmp(&b.x)));

    // Baseline bands: a glyph joins the current band while it sits within 40% of a font size of
    // the band's first baseline; anchoring on the first glyph keeps bands from chaining.
    let mut bands: Vec<Vec<Glyph>> = Vec::new();
    let mut band_y = f32::NAN;
    let mut band_size = 0.0f32;
    for g in glyphs {
        let tol = 0.4 * band_size.max(g.size);
        if bands.is_empty() || band_y - g.y > tol {
            band_y = g.y;
            band_size = g.size;
            bands.push(vec![g]);
        } else if let Some(b) = bands.last_mut() {
            band_size = band_size.max(g.size);
            b.push(g);
        }
    }

    let mut segs = Vec::new();
    for (band, mut gl) in bands.into_iter().enumerate() {
        gl.sort_by(|a, b| a.x.total_cmp(&b.x));
        dedupe_overprint(&mut gl);
        let mut cur: Vec<Glyph> = Vec::new();
        for g in gl {
            if let Some(last) = cur.iter().rev().find(|g| !g.is_space()) {
                let size = last.size.max(g.size);
                let gap = g.x - last.end();
                if !g.is_space() && gap > SEGMENT_GAP * size {
                    segs.extend(make_seg(std::mem::take(&mut cur), band));
                }
            }
            cur.push(g);
        }
        segs.extend(make_seg(cur, band));
    }

    let mut leaves = Vec::new();
    split_block(segs, &mut leaves, 0);
    let mut out = Vec::new();
    for leaf in leaves {
        out.extend(join_wrapped(leaf_lines(leaf)));
    }
    out
}

/// Some producers fake bold by drawing the same glyph twice, slightly offset.
fn dedupe_overprint(gl: &mut Vec<Glyph>) {
    let mut keep: Vec<Glyph> = Vec::with_capacity(gl.len());
    for g in gl.drain(..) {
        let dup = keep.iter().rev().take(3).any(|k| {
            k.text == g.text && (k.x - g.x).abs() < 0.15 * g.size && (k.y - g.y).abs() < 0.15 * g.size
        });
        if !dup {
            keep.push(g);
        }
    }
    *gl = keep;
}

fn make_seg(glyphs: Vec<Glyph>, band: usize) -> Option<Seg> {
    let visible: Vec<&Glyph> = glyphs.iter().filter(|g| !g.is_space()).collect();
    let first = visible.first()?;
    let x0 = first.x;
    let x1 = visible.iter().map(|g| g.end()).fold(f32::MIN, f32::max);
    let size = median(visible.iter().map(|g| g.size).collect()).unwrap_or(first.size);
    let y = median(visible.iter().map(|g| g.y).collect()).unwrap_or(first.y);
    Some(Seg { glyphs, band, x0, x1, y, size })
}

fn median(mut v: Vec<f32>) -> Option<f32> {
    if v.is_empty() {
        return None;
    }
    v.sort_by(f32::total_cmp);
    Some(v[v.len() / 2])
}

fn split_block(segs: Vec<Seg>, leaves: &mut Vec<Vec<Seg>>, depth: usize) {
    if segs.is_empty() {
        return;
    }
    if depth < 12 {
        if let Some((top, left, right, bottom)) = vertical_split(&segs) {
            for part in [top, left, right, bottom] {
                split_block(part, leaves, depth + 1);
            }
            return;
        }
        if let Some(parts) = horizontal_split(&segs) {
            for part in parts {
                split_block(part, leaves, depth + 1);
            }
            return;
        }
    }
    leaves.push(segs);
}

type Split = (Vec<Seg>, Vec<Seg>, Vec<Seg>, Vec<Seg>);

/// A gutter: an x position where a left-aligned column starts, with at least two lines of text
/// wholly on each side, and no line crossing it in the vertical span both sides share.
fn vertical_split(segs: &[Seg]) -> Option<Split> {
    let size = median(segs.iter().map(|s| s.size).collect())?;
    let mut candidates: Vec<f32> = segs.iter().map(|s| s.x0).collect();
    candidates.sort_by(f32::total_cmp);
    candidates.dedup_by(|a, b| (*a - *b).abs() < 1.0);
    let bands = |v: &[&Seg]| {
        let mut b: Vec<usize> = v.iter().map(|s| s.band).collect();
        b.sort_unstable();
        b.dedup();
        b.len()
    };
    let mut best: Option<(usize, f32)> = None;
    for &g in &candidates {
        let left: Vec<&Seg> = segs.iter().filter(|s| s.x1 <= g - 0.8 * size).collect();
        let right: Vec<&Seg> = segs.iter().filter(|s| s.x0 >= g - 1.0).collect();
        if bands(&left) < 2 || bands(&right) < 2 {
            continue;
        }
        let aligned = right.iter().filter(|s| s.x0 < g + 2.0).count();
        if aligned < 2 || (aligned as f32) < 0.4 * right.len() as f32 {
            continue;
        }
        let (lo_l, hi_l) = y_range(&left);
        let (lo_r, hi_r) = y_range(&right);
        let lo = lo_l.max(lo_r);
        let hi = hi_l.min(hi_r);
        if lo > hi {
            continue;
        }
        let blocked = segs.iter().any(|s| {
            s.x1 > g - 0.8 * size && s.x0 < g - 1.0 && s.y > lo - 0.3 * s.size && s.y < hi + 0.3 * s.size
        });
        if blocked {
            continue;
        }
        let score = left.len() + right.len();
        if best.is_none_or(|(b, _)| score > b) {
            best = Some((score, g));
        }
    }
    let (_, g) = best?;
    let (mut top, mut left, mut right, mut bottom) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let l: Vec<&Seg> = segs.iter().filter(|s| s.x1 <= g - 0.8 * size).collect();
    let r: Vec<&Seg> = segs.iter().filter(|s| s.x0 >= g - 1.0).collect();
    let (lo_l, hi_l) = y_range(&l);
    let (lo_r, hi_r) = y_range(&r);
    let mid = (lo_l.max(lo_r) + hi_l.min(hi_r)) / 2.0;
    for s in segs.iter().cloned() {
        if s.x1 <= g - 0.8 * size {
            left.push(s);
        } else if s.x0 >= g - 1.0 {
            right.push(s);
        } else if s.y > mid {
            top.push(s);
        } else {
            bottom.push(s);
        }
    }
    Some((top, left, right, bottom))
}

fn y_range(v: &[&Seg]) -> (f32, f32) {
    let lo = v.iter().map(|s| s.y).fold(f32::MAX, f32::min);
    let hi = v.iter().map(|s| s.y).fold(f32::MIN, f32::max);
    (lo, hi)
}

/// Splits a block at unusually large vertical gaps (between paragraphs or entries), so that
/// table-like parts below can find their own columns.
fn horizontal_split(segs: &[Seg]) -> Option<Vec<Vec<Seg>>> {
    let mut ys: Vec<(usize, f32, f32)> = Vec::new();
    for s in segs {
        if !ys.iter().any(|(b, _, _)| *b == s.band) {
            ys.push((s.band, s.y, s.size));
        }
    }
    if ys.len() < 3 {
        return None;
    }
    ys.sort_by(|a, b| b.1.total_cmp(&a.1));
    let pitches: Vec<f32> = ys.windows(2).map(|w| w[0].1 - w[1].1).collect();
    let typical = median(pitches.clone())?;
    let mut cuts = Vec::new();
    for (i, p) in pitches.iter().enumerate() {
        if *p > 1.5 * typical && *p > 1.3 * ys[i].2 {
            cuts.push((ys[i].1 + ys[i + 1].1) / 2.0);
        }
    }
    if cuts.is_empty() {
        return None;
    }
    let mut parts: Vec<Vec<Seg>> = vec![Vec::new(); cuts.len() + 1];
    for s in segs {
        let idx = cuts.iter().filter(|c| s.y < **c).count();
        parts[idx].push(s.clone());
    }
    parts.retain(|p| !p.is_empty());
    (parts.len() > 1).then_some(parts)
}

fn leaf_lines(mut segs: Vec<Seg>) -> Vec<Line> {
    segs.sort_by(|a, b| a.band.cmp(&b.band).then(a.x0.total_cmp(&b.x0)));
    let mut lines: Vec<Line> = Vec::new();
    let mut i = 0;
    while i < segs.len() {
        let band = segs[i].band;
        let mut j = i;
        while j < segs.len() && segs[j].band == band {
            j += 1;
        }
        let parts: Vec<String> = segs[i..j].iter().map(seg_text).filter(|t| !t.is_empty()).collect();
        if !parts.is_empty() {
            let first = &segs[i];
            lines.push(Line {
                text: parts.join("\t"),
                x0: first.x0,
                x1: segs[i..j].iter().map(|s| s.x1).fold(f32::MIN, f32::max),
                y: first.y,
                size: first.size,
                first_word_w: first_word_width(first),
                has_tab: parts.len() > 1,
            });
        }
        i = j;
    }
    lines
}

fn first_word_width(seg: &Seg) -> f32 {
    let mut end = seg.x0;
    let mut prev: Option<&Glyph> = None;
    for g in &seg.glyphs {
        if g.is_space() {
            if prev.is_some() {
                break;
            }
            continue;
        }
        if let Some(p) = prev
            && g.x - p.end() > 0.2 * g.size
        {
            break;
        }
        end = g.end();
        prev = Some(g);
    }
    end - seg.x0
}

fn seg_text(seg: &Seg) -> String {
    let visible: Vec<&Glyph> = seg.glyphs.iter().filter(|g| !g.is_space()).collect();
    let gaps: Vec<f32> = visible.windows(2).map(|w| w[1].x - w[0].end()).collect();
    // Letter-spaced text has a uniform positive gap between letters; word spaces stand out
    // against that usual gap rather than against zero.
    let base = median(gaps).unwrap_or(0.0).max(0.0);
    let mut out = String::new();
    let mut prev: Option<&Glyph> = None;
    let mut pending_space = false;
    for g in &seg.glyphs {
        if g.is_space() {
            pending_space = prev.is_some();
            continue;
        }
        if let Some(p) = prev {
            let gap = g.x - p.end();
            let size = p.size.max(g.size);
            let geometric = if p.exact && g.exact { gap > base + WORD_GAP * size } else { gap > 0.5 * size };
            if (pending_space && gap > -0.05 * size) || geometric {
                out.push(' ');
            }
        }
        out.push_str(&g.text);
        pending_space = false;
        prev = Some(g);
    }
    out.trim().to_string()
}

/// Joins lines the layout engine wrapped: the next line's first word would not have fit at the
/// end of this one, the next line is not a bullet, and both share a font size and margin.
fn join_wrapped(lines: Vec<Line>) -> Vec<String> {
    let right = lines.iter().map(|l| l.x1).fold(f32::MIN, f32::max);
    // Wrapped lines sit at the paragraph's leading; new items usually add spacing above.
    let leading = lines.windows(2).map(|w| w[0].y - w[1].y).filter(|p| *p > 0.0).fold(f32::MAX, f32::min);
    let mut out: Vec<Line> = Vec::new();
    for line in lines {
        if let Some(prev) = out.last_mut() {
            let pitch = prev.y - line.y;
            let wrapped = prev.x1 + 0.3 * prev.size + line.first_word_w > right - 0.5;
            // Short lines in narrow columns (contact details, skill lists) end where they end;
            // only a lowercase start proves that such a line continues.
            let long_enough = prev.text.chars().count() >= 50 && prev.text.split_whitespace().count() >= 4;
            let lower_start = line.text.chars().next().is_some_and(char::is_lowercase);
            let contactish = |t: &str| {
                t.contains('@')
                    || t.contains("://")
                    || t.contains("linkedin")
                    || t.contains("github")
                    || t.chars().filter(char::is_ascii_digit).count() >= 7
            };
            let plain = !contactish(&prev.text) && !contactish(&line.text);
            let continues = !line.has_tab
                && (long_enough || lower_start || plain)
                && pitch <= leading * 1.08 + 0.5
                && !prev.has_tab
                && wrapped
                && (prev.size - line.size).abs() < 0.6
                && pitch > 0.0
                && pitch < 1.8 * prev.size
                && line.x0 >= prev.x0 - 1.0
                && line.x0 <= prev.x0 + 4.0 * prev.size
                && !crate::text::starts_with_bullet(&line.text);
            if continues {
                if prev.text.ends_with('-') && !prev.text.ends_with(" -") {
                    prev.text.push_str(&line.text);
                } else {
                    prev.text.push(' ');
                    prev.text.push_str(&line.text);
                }
                prev.x1 = line.x1;
                prev.y = line.y;
                continue;
            }
        }
        out.push(line);
    }
    out.into_iter().map(|l| l.text).collect()
}
