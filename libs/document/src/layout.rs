//! Turns positioned glyphs of one page into logical lines in reading order: baselines make
//! lines, horizontal gaps make spaces and TABs, vertical gutters make columns (each read whole),
//! and lines wrapped by the layout engine are joined back into one logical line.

use crate::text::pdf_glyph_text;

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
    pub bold: bool,
}

/// Which flow of the page a line belongs to: the whole width, or one side of a column gutter
/// (a main column and a sidebar are read as separate flows).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) enum Column {
    #[default]
    Full,
    Left,
    Right,
}

impl Column {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Column::Full => "full",
            Column::Left => "left",
            Column::Right => "right",
        }
    }
}

/// One printed line of a page in reading order, with the typography that marks headings and
/// the geometry that marks entries.
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct LayoutLine {
    /// The line's own text; right-aligned annotations are in `asides`.
    pub text: String,
    /// Parts set flush right, apart from the text (dates, places, durations beside a header or
    /// a bullet): they annotate the entry, not the sentence they happen to sit beside.
    pub asides: Vec<String>,
    /// Median font size of the line, in points.
    pub size: f32,
    pub bold: bool,
    /// The layout engine wrapped the previous line into this one (same paragraph).
    pub continues: bool,
    /// Left edge of the text and right edge of the line, and the baseline (points, from the
    /// bottom of the page).
    pub x0: f32,
    pub x1: f32,
    pub y: f32,
    pub column: Column,
    /// Index of the block (a run of lines read together) on its page.
    pub block: usize,
    /// Page number, from 0 (set by the caller).
    pub page: usize,
    /// A running header or footer (page numbers, a name or date repeated on every page): part
    /// of the page, not of the resume's sections.
    pub running: bool,
}

/// Share of the page height, at the top and at the bottom, where running headers and footers
/// sit.
const MARGIN_ZONE: f32 = 0.09;

/// Marks running headers and footers: lines in the top or bottom margin zone that read as a
/// page number ("2/3", "Page 2 of 3", "Jo Doe – 1/2") or repeat, digits aside, on several pages.
pub(crate) fn mark_running(lines: &mut [LayoutLine], boxes: &[Option<[f32; 4]>]) {
    let in_margin = |l: &LayoutLine| {
        boxes.get(l.page).copied().flatten().is_some_and(|[_, y0, _, y1]| {
            let h = y1 - y0;
            l.y > y1 - MARGIN_ZONE * h || l.y < y0 + MARGIN_ZONE * h
        })
    };
    let key = |l: &LayoutLine| -> String {
        l.text.chars().map(|c| if c.is_ascii_digit() { '#' } else { c.to_ascii_lowercase() }).collect()
    };
    let pages = boxes.len();
    let mut repeated: Vec<(String, Vec<usize>)> = Vec::new();
    for l in lines.iter().filter(|l| in_margin(l)) {
        let k = key(l);
        match repeated.iter_mut().find(|(key, _)| *key == k) {
            Some((_, on)) if !on.contains(&l.page) => on.push(l.page),
            Some(_) => {}
            None => repeated.push((k, vec![l.page])),
        }
    }
    // A page number is the first or last line of its page, wherever the margin ends.
    let n = lines.len();
    let edge: Vec<bool> = (0..n)
        .map(|i| {
            (i == 0 || lines[i - 1].page != lines[i].page)
                || (i + 1 == n || lines[i + 1].page != lines[i].page)
        })
        .collect();
    for (i, l) in lines.iter_mut().enumerate() {
        if edge[i] && page_number_like(&l.text) {
            l.running = true;
        }
        if !in_margin(l) {
            continue;
        }
        let k = key(l);
        let repeats = pages >= 2 && repeated.iter().any(|(key, on)| *key == k && on.len() >= 2);
        if repeats || page_number_like(&l.text) {
            l.running = true;
        }
    }
}

/// "2", "2/3", "Page 2 of 3", "- 2 -", or a name or title followed by one of those after a
/// separator ("John Doe – 1/2").
pub(crate) fn page_number_like(text: &str) -> bool {
    let t = text.trim().to_lowercase();
    let tail = t.rsplit(['–', '—', '|', '·', '\t']).next().unwrap_or(&t).trim();
    let tail = tail.strip_prefix("page").unwrap_or(tail).trim().trim_matches(['-', '–', '—', ' ']);
    let number = |s: &str| (1..=3).contains(&s.len()) && s.chars().all(|c| c.is_ascii_digit());
    let of = tail.replace(" of ", "/").replace(' ', "");
    match of.split_once('/') {
        Some((a, b)) => number(a) && number(b),
        None => number(&of),
    }
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
    bold: bool,
}

#[derive(Debug, Clone)]
struct Line {
    text: String,
    asides: Vec<String>,
    x0: f32,
    x1: f32,
    y: f32,
    size: f32,
    first_word_w: f32,
    /// Where the line's last TAB-separated part starts.
    last_x0: f32,
    has_tab: bool,
    bold: bool,
}

/// Gap between two pieces of one line, in font sizes, above which they are separate parts
/// (a TAB in the output, and candidates for column gutters).
const SEGMENT_GAP: f32 = 1.2;
/// Extra gap over a line's usual letter gap, in font sizes, that reads as a word space.
const WORD_GAP: f32 = 0.13;

pub(crate) fn page_lines(glyphs: Vec<Glyph>) -> Vec<LayoutLine> {
    let mut glyphs: Vec<Glyph> = glyphs
        .into_iter()
        .filter(|g| g.upright && g.size > 0.5 && g.x.is_finite() && g.y.is_finite() && g.w.is_finite())
        .map(|mut g| {
            g.text = pdf_glyph_text(&g.text);
            g
        })
        .filter(|g| !g.text.is_empty())
        .collect();
    if glyphs.is_empty() {
        return Vec::new();
    }
    glyphs.sort_by(|a, b| b.y.total_cmp(&a.y).then(a.x.total_cmp(&b.x)));

    // Baseline bands: a glyph joins the current band while it sits within 40% of a font size of
    // the band's first baseline; anchoring on the first glyph keeps bands from chaining. A small
    // line tucked under a large one (a subtitle under a name) is shifted by more than its own
    // size, which no sub- or superscript is: it is a line of its own, not letters to interleave.
    let mut bands: Vec<Vec<Glyph>> = Vec::new();
    let mut band_y = f32::NAN;
    let mut band_size = 0.0f32;
    for g in glyphs {
        // Judged by the smaller of the two sizes: a large name and the small tagline tucked
        // under it are two lines, not one line read letter by letter across both.
        let tol = 0.4 * band_size.min(g.size).max(0.5 * band_size.max(g.size));
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
    split_block(segs, &mut leaves, 0, None, Column::Full);
    let mut out = Vec::new();
    for (block, (segs, right, column)) in leaves.into_iter().enumerate() {
        out.extend(join_wrapped(leaf_lines(segs), right).into_iter().map(|mut l| {
            l.column = column;
            l.block = block;
            l
        }));
    }
    out
}

/// Some producers fake bold by drawing the same glyph twice, slightly offset.
fn dedupe_overprint(gl: &mut Vec<Glyph>) {
    let mut keep: Vec<Glyph> = Vec::with_capacity(gl.len());
    for g in gl.drain(..) {
        // Within half an advance it is the same letter drawn again (a halo or fake bold drawn
        // as many offset copies); a letter repeated in a word ("ll") is a whole advance on.
        let dup = keep.iter().rev().take(3).any(|k| {
            k.text == g.text
                && (k.x - g.x).abs() < (0.5 * g.w).max(0.2 * g.size)
                && (k.y - g.y).abs() < 0.15 * g.size
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
    let bold = visible.iter().filter(|g| g.bold).count() * 2 > visible.len();
    Some(Seg { glyphs, band, x0, x1, y, size, bold })
}

fn median(mut v: Vec<f32>) -> Option<f32> {
    if v.is_empty() {
        return None;
    }
    v.sort_by(f32::total_cmp);
    Some(v[v.len() / 2])
}

/// Splits a block into leaves to read in order. Each leaf keeps the right edge of the column it
/// belongs to: a leaf of a few short lines (an entry header cut off by a page break) does not show
/// where its lines could have run to, and wrapped lines are judged against that edge.
fn split_block(
    segs: Vec<Seg>,
    leaves: &mut Vec<(Vec<Seg>, f32, Column)>,
    depth: usize,
    right: Option<f32>,
    column: Column,
) {
    if segs.is_empty() {
        return;
    }
    let right = right.unwrap_or_else(|| segs.iter().map(|s| s.x1).fold(f32::MIN, f32::max));
    if depth < 12 {
        if let Some(parts) = vertical_split(&segs) {
            for (part, edge, side) in parts {
                // The first gutter names the flows; gutters inside a column stay in its flow.
                let col = if column == Column::Full { side } else { column };
                split_block(part, leaves, depth + 1, edge, col);
            }
            return;
        }
        if let Some(parts) = horizontal_split(&segs) {
            for part in parts {
                split_block(part, leaves, depth + 1, Some(right), column);
            }
            return;
        }
    }
    leaves.push((segs, right, column));
}

/// Where a vertical gutter at `g` puts a segment.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Side {
    Left,
    Right,
    /// Crosses the gutter, but a word gap sits on it: a sidebar line that runs close to the main
    /// column and was read as one piece.
    Cuttable,
    Crossing,
}

fn side_of(s: &Seg, g: f32, size: f32) -> Side {
    if s.x1 <= g - 0.8 * size {
        return Side::Left;
    }
    if s.x0 >= g - 1.0 {
        return Side::Right;
    }
    if cut_at(s, g).is_some() { Side::Cuttable } else { Side::Crossing }
}

/// Index of the first glyph right of a word gap on the gutter, if there is one.
fn cut_at(s: &Seg, g: f32) -> Option<usize> {
    let visible: Vec<(usize, &Glyph)> = s.glyphs.iter().enumerate().filter(|(_, g)| !g.is_space()).collect();
    visible.windows(2).find_map(|w| {
        let (a, b) = (w[0].1, w[1].1);
        let gap_ok = b.x - a.end() > 0.25 * a.size.max(b.size);
        (gap_ok && a.end() <= g && b.x >= g - 1.0).then_some(w[1].0)
    })
}

fn visible_chars(s: &Seg) -> usize {
    s.glyphs.iter().filter(|g| !g.is_space()).map(|g| g.text.chars().count()).sum()
}

fn distinct_bands(v: &[&Seg]) -> usize {
    let mut b: Vec<usize> = v.iter().map(|s| s.band).collect();
    b.sort_unstable();
    b.dedup();
    b.len()
}

/// Most lines of a column of text have a neighbour at line pitch; a column of right-aligned dates
/// next to entry headers does not.
fn flows(side: &[&Seg]) -> bool {
    let mut lines: Vec<(usize, f32, f32)> = side.iter().map(|s| (s.band, s.y, s.size)).collect();
    lines.sort_by(|a, b| b.1.total_cmp(&a.1));
    lines.dedup_by_key(|l| l.0);
    let near = |i: usize, j: usize| {
        let (a, b) = (lines[i], lines[j]);
        (a.1 - b.1).abs() <= 2.6 * a.2.max(b.2)
    };
    let alone = (0..lines.len())
        .filter(|&i| !((i > 0 && near(i - 1, i)) || (i + 1 < lines.len() && near(i, i + 1))))
        .count();
    alone * 2 <= lines.len()
}

/// Runs of lines that follow each other at line pitch: paragraphs, list blocks, table cells.
/// Each run is reported by the baselines of its first and last line.
fn runs(side: &[&Seg]) -> Vec<(f32, f32)> {
    let mut lines: Vec<(f32, f32)> = side.iter().map(|s| (s.y, s.size)).collect();
    lines.sort_by(|a, b| b.0.total_cmp(&a.0));
    let mut out: Vec<(f32, f32)> = Vec::new();
    let mut prev: Option<(f32, f32)> = None;
    for (y, size) in lines {
        match (prev, out.last_mut()) {
            // A heading in another size opens a run of its own.
            (Some((py, psize)), Some(run))
                if py - y <= 1.7 * psize.max(size) && (psize - size).abs() < 0.6 =>
            {
                run.1 = y
            }
            _ => out.push((y, y)),
        }
        prev = Some((y, size));
    }
    out
}

struct Gutter {
    g: f32,
    /// The bands (baselines) of the stretch no line crosses.
    stretch: Vec<usize>,
    score: usize,
}

/// A gutter: an x position where a left-aligned column starts, with several lines of real text on
/// each side over a vertical stretch where no line crosses it (a line that merely touches it
/// across a word gap is cut). Lines that cross it above or below that stretch (a contact row
/// under the name, a footer) only bound the stretch.
fn find_gutter(segs: &[Seg]) -> Option<Gutter> {
    let size = median(segs.iter().map(|s| s.size).collect())?;
    let mut candidates: Vec<f32> = segs.iter().map(|s| s.x0).collect();
    candidates.sort_by(f32::total_cmp);
    candidates.dedup_by(|a, b| (*a - *b).abs() < 1.0);
    // Per band (indexed by band id): its baseline and where its first part starts; the same for
    // every candidate gutter.
    let n_bands = segs.iter().map(|s| s.band + 1).max().unwrap_or(0);
    let mut band_y = vec![f32::NAN; n_bands];
    let mut first_x0 = vec![f32::MAX; n_bands];
    for s in segs {
        if band_y[s.band].is_nan() {
            band_y[s.band] = s.y;
        }
        first_x0[s.band] = first_x0[s.band].min(s.x0);
    }
    let mut order: Vec<usize> = (0..n_bands).filter(|&b| !band_y[b].is_nan()).collect();
    order.sort_by(|a, b| band_y[*b].total_cmp(&band_y[*a]));
    let mut best: Option<Gutter> = None;
    for &g in &candidates {
        let sides: Vec<Side> = segs.iter().map(|s| side_of(s, g, size)).collect();
        let mut crosses = vec![false; n_bands];
        let mut has_right = vec![false; n_bands];
        for (s, side) in segs.iter().zip(&sides) {
            crosses[s.band] |= *side == Side::Crossing;
            has_right[s.band] |= *side == Side::Right;
        }
        // Bands from the top, each with whether a line crosses the gutter there.
        let mut bands: Vec<(usize, f32, bool)> = order.iter().map(|&b| (b, band_y[b], crosses[b])).collect();
        // A paragraph that crosses the gutter crosses it on every line: its short last line
        // (at line pitch, same margin, nothing beside it) is no line of a column.
        for i in 1..bands.len() {
            let (prev, cur) = (bands[i - 1], bands[i]);
            if prev.2
                && !cur.2
                && prev.1 - cur.1 <= 1.6 * size
                && (first_x0[prev.0] - first_x0[cur.0]).abs() < 2.0
                && !has_right[cur.0]
            {
                bands[i].2 = true;
            }
        }
        for stretch in bands.split(|b| b.2).filter(|run| run.len() >= 3) {
            let mut in_stretch = vec![false; n_bands];
            for b in stretch {
                in_stretch[b.0] = true;
            }
            let pick = |want: Side| -> Vec<&Seg> {
                segs.iter()
                    .zip(&sides)
                    .filter(|(s, side)| **side == want && in_stretch[s.band])
                    .map(|(s, _)| s)
                    .collect()
            };
            if let Some(mut found) =
                judge_gutter(g, size, &pick(Side::Left), &pick(Side::Right), pick(Side::Cuttable))
                && best.as_ref().is_none_or(|b| found.score > b.score)
            {
                found.stretch = stretch.iter().map(|b| b.0).collect();
                best = Some(found);
            }
        }
    }
    best
}

/// Whether the lines left and right of `g` (in one stretch without crossings) are two columns.
fn judge_gutter(g: f32, size: f32, left: &[&Seg], right: &[&Seg], cuttable: Vec<&Seg>) -> Option<Gutter> {
    if distinct_bands(left) < 3 || distinct_bands(right) < 3 {
        return None;
    }
    let (lo_l, hi_l) = y_range(left);
    let (lo_r, hi_r) = y_range(right);
    let (lo, hi) = (lo_l.max(lo_r), hi_l.min(hi_r));
    if lo > hi {
        return None;
    }
    let within = |s: &&Seg| s.y > lo - 0.3 * s.size && s.y < hi + 0.3 * s.size;
    let left_in: Vec<&Seg> = left.iter().copied().filter(within).collect();
    let right_in: Vec<&Seg> = right.iter().copied().filter(within).collect();
    let (bands_l, bands_r) = (distinct_bands(&left_in), distinct_bands(&right_in));
    if bands_l < 3 || bands_r < 3 {
        return None;
    }
    // A column of bullet markers or single figures is not a column of text, nor is a gutter of
    // dates beside the entries they date (read on the entries' lines instead).
    let substantive = |v: &[&Seg]| v.iter().map(|s| visible_chars(s)).sum::<usize>() >= 4 * v.len().max(1);
    let dates_only = |v: &[&Seg]| {
        let datey = v
            .iter()
            .filter(|s| {
                let t = seg_text(s);
                crate::dates::find_range(&t).is_some()
                    || t.chars().all(|c| c.is_ascii_digit() || " -–—/.".contains(c))
            })
            .count();
        datey * 5 >= v.len() * 4
    };
    if dates_only(left) || dates_only(right) {
        return None;
    }
    if !substantive(&left_in) || !substantive(&right_in) || !flows(&left_in) || !flows(&right_in) {
        return None;
    }
    // Right-aligned dates or places beside entry headers sit on the baselines of the lines
    // they annotate; a real column (or table cell) has lines of its own, or lines that read as
    // text rather than as dates and places.
    let annotation = |s: &&&Seg| {
        let t = seg_text(s);
        t.chars().any(|c| c.is_ascii_digit()) || t.contains(',')
    };
    // Set flush right: the right edges line up and the left edges do not.
    let spread =
        |v: Vec<f32>| v.iter().copied().fold(f32::MIN, f32::max) - v.iter().copied().fold(f32::MAX, f32::min);
    let flush_right = spread(right_in.iter().map(|s| s.x1).collect()) < 2.0
        && spread(right_in.iter().map(|s| s.x0).collect()) > 2.0;
    if right_in.iter().all(|r| left_in.iter().any(|l| l.band == r.band))
        && (flush_right || right_in.iter().filter(annotation).count() * 5 >= right_in.len() * 3)
    {
        return None;
    }
    // Judged per line by its first part: a sidebar indents text after icons and spreads skill
    // chips across a line, but its lines start at the gutter.
    let mut firsts: Vec<(usize, f32)> = Vec::new();
    for r in &right_in {
        match firsts.iter_mut().find(|f| f.0 == r.band) {
            Some(f) => f.1 = f.1.min(r.x0),
            None => firsts.push((r.band, r.x0)),
        }
    }
    let aligned = firsts.iter().filter(|f| f.1 < g + 1.5 * size).count();
    let near = firsts.iter().filter(|f| f.1 < g + 3.0 * size).count();
    if aligned < 2 || (near as f32) < 0.5 * firsts.len() as f32 {
        return None;
    }
    let cuts = cuttable.into_iter().filter(within).count();
    if cuts > 1.max(bands_l.min(bands_r) / 6) {
        return None;
    }
    Some(Gutter { g, stretch: Vec::new(), score: left_in.len() + right_in.len() })
}

/// Splits a block at a gutter into the parts to read in order: what lies above the columns, the
/// columns (each whole, or row by row when the two sides are cells of a table), and what lies
/// below.
/// A part of a block to read on its own: its lines, the right edge of its column, its flow.
type Part = (Vec<Seg>, Option<f32>, Column);

fn vertical_split(segs: &[Seg]) -> Option<Vec<Part>> {
    let Gutter { g, stretch, .. } = find_gutter(segs)?;
    let zone_hi = segs.iter().filter(|s| stretch.contains(&s.band)).map(|s| s.y).fold(f32::MIN, f32::max);
    let size = median(segs.iter().map(|s| s.size).collect())?;
    let in_zone = |s: &Seg| stretch.contains(&s.band);
    let (mut top, mut bottom, mut left, mut right) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for s in segs.iter().cloned() {
        if !in_zone(&s) {
            if s.y > zone_hi - 0.01 {
                top.push(s)
            } else {
                bottom.push(s)
            }
            continue;
        }
        match side_of(&s, g, size) {
            Side::Left => left.push(s),
            Side::Right => right.push(s),
            _ => {
                if let Some(at) = cut_at(&s, g) {
                    let mut glyphs = s.glyphs;
                    let tail = glyphs.split_off(at);
                    left.extend(make_seg(glyphs, s.band));
                    right.extend(make_seg(tail, s.band));
                }
            }
        }
    }
    let mut parts = vec![(top, None, Column::Full)];
    let lrefs: Vec<&Seg> = left.iter().collect();
    let rrefs: Vec<&Seg> = right.iter().collect();
    let edge = |v: &[&Seg]| Some(v.iter().map(|s| s.x1).fold(f32::MIN, f32::max));
    let (left_edge, right_edge) = (edge(&lrefs), edge(&rrefs));
    // A heading above the table that stays clear of the gutter joins the left side; it opens no
    // row, so only runs that start beside the right side count.
    let right_hi = rrefs.iter().map(|s| s.y).fold(f32::MIN, f32::max);
    let lruns: Vec<(f32, f32)> = runs(&lrefs).into_iter().filter(|r| r.0 <= right_hi + 0.25 * size).collect();
    // Cells of one table row share their first baseline; a sidebar's paragraphs start wherever
    // the main column happens to be. A line between two tables (a section heading) has nothing
    // beside it and makes a row of its own.
    let row_start = |t: f32| rrefs.iter().any(|r| (r.y - t).abs() <= 0.25 * size);
    let alone = |(top, bottom): (f32, f32)| {
        !rrefs.iter().any(|r| r.y <= top + 0.6 * size && r.y >= bottom - 0.6 * size)
    };
    let opens_row = |run: &(f32, f32)| row_start(run.0) || alone(*run);
    let aligned = lruns.iter().filter(|r| opens_row(r)).count();
    // In a table the right cells start on row starts too; beside a sidebar they run on.
    let left_hi = lrefs.iter().map(|s| s.y).fold(f32::MIN, f32::max);
    let rruns: Vec<(f32, f32)> = runs(&rrefs).into_iter().filter(|r| r.0 <= left_hi + 0.25 * size).collect();
    let mutual = rruns.iter().filter(|r| lruns.iter().any(|l| (l.0 - r.0).abs() <= 0.25 * size)).count();
    if lruns.iter().filter(|r| row_start(r.0)).count() >= 2
        && aligned as f32 >= 0.75 * lruns.len() as f32
        && mutual as f32 >= 0.6 * rruns.len() as f32
    {
        // Table cells side by side: read row by row, each row's left cell before its right.
        let mut cuts: Vec<f32> = lruns.iter().filter(|r| opens_row(r)).map(|r| r.0 + 0.6 * size).collect();
        cuts.sort_by(|a, b| b.total_cmp(a));
        let row_of = |s: &Seg| cuts.iter().filter(|c| s.y < **c).count();
        let rows = cuts.len() + 1;
        for r in 0..rows {
            parts.push((left.iter().filter(|s| row_of(s) == r).cloned().collect(), left_edge, Column::Full));
            parts.push((
                right.iter().filter(|s| row_of(s) == r).cloned().collect(),
                right_edge,
                Column::Full,
            ));
        }
    } else {
        parts.push((left, left_edge, Column::Left));
        parts.push((right, right_edge, Column::Right));
    }
    parts.push((bottom, None, Column::Full));
    parts.retain(|p| !p.0.is_empty());
    (parts.len() > 1).then_some(parts)
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
    let left = segs.iter().map(|s| s.x0).fold(f32::MAX, f32::min);
    let right = segs.iter().map(|s| s.x1).fold(f32::MIN, f32::max);
    let mut bands: Vec<&[Seg]> = Vec::new();
    let mut i = 0;
    while i < segs.len() {
        let mut j = i;
        while j < segs.len() && segs[j].band == segs[i].band {
            j += 1;
        }
        bands.push(&segs[i..j]);
        i = j;
    }
    // A part set flush right in the right half of the block, after a gap, is an annotation; the
    // block must have text that starts at its left edge for "flush right" to mean anything.
    let starts_left = bands.iter().filter(|b| b[0].x0 < left + 2.0 * b[0].size).count();
    let flush_right = |s: &Seg| {
        starts_left >= 2
            && s.x1 >= right - 1.5 * s.size
            && s.x0 > left + 0.55 * (right - left)
            && visible_chars(s) <= 40
    };
    let edge = text_edge(&bands, left);
    let mut lines: Vec<Line> = Vec::new();
    let mut pending: Vec<(String, f32)> = Vec::new();
    // The date set in the gutter left of the last line's text, when it had one.
    let mut last_lead: Option<String> = None;
    for band in bands {
        let mut main = band.len();
        while main > 0 && flush_right(&band[main - 1]) && (main > 1 || !lines.is_empty()) {
            main -= 1;
        }
        let asides: Vec<String> = band[main..].iter().map(seg_text).filter(|t| !t.is_empty()).collect();
        let mut body: Vec<Seg> = band[..main].to_vec();
        let lead = edge.and_then(|edge| split_lead(&body, edge));
        let mut this_lead = None;
        if let Some((lead, rest)) = lead {
            let lead_text = seg_text(&lead);
            // A date range its gutter cell wrapped ("June 2020 –" / "Present") is one date of
            // the entry header above, not the start of the line beside it.
            let wrapped = match (lines.last_mut(), &last_lead) {
                (Some(prev), Some(prev_lead))
                    if phrase_open(prev_lead)
                        && prev.y - lead.y < 1.8 * lead.size
                        && crate::dates::find_range(&format!("{prev_lead} {lead_text}")).is_some() =>
                {
                    match prev.text.strip_prefix(prev_lead.as_str()) {
                        Some(tail) => {
                            prev.text = format!("{prev_lead} {lead_text}{tail}");
                            true
                        }
                        None => false,
                    }
                }
                _ => false,
            };
            if wrapped {
                body = rest;
            } else {
                this_lead = Some(lead_text);
            }
        }
        last_lead = this_lead;
        let body = &body[..];
        let parts: Vec<String> = body.iter().map(seg_text).filter(|t| !t.is_empty()).collect();
        if parts.is_empty() {
            // Only an annotation on this baseline ("4 months" under a date): it belongs to the
            // nearer of the lines above and below it.
            let y = band.iter().map(|s| s.y).fold(f32::MIN, f32::max);
            pending.extend(asides.into_iter().map(|a| (a, y)));
            continue;
        }
        let first = &body[0];
        // Pending annotations nearer this line than the one above come first among its own.
        let mut below: Vec<String> = Vec::new();
        for (aside, y) in std::mem::take(&mut pending) {
            match lines.last_mut() {
                Some(prev) if (prev.y - y).abs() <= (y - first.y).abs() => {
                    attach_aside(&mut prev.asides, aside)
                }
                _ => below.push(aside),
            }
        }
        below.extend(asides);
        let asides = below;
        lines.push(Line {
            text: parts.join("\t"),
            asides,
            x0: first.x0,
            x1: body.iter().map(|s| s.x1).fold(f32::MIN, f32::max),
            y: first.y,
            size: first.size,
            first_word_w: first_word_width(first),
            last_x0: body.iter().map(|s| s.x0).fold(f32::MIN, f32::max),
            has_tab: parts.len() > 1,
            bold: body.iter().all(|s| s.bold),
        });
    }
    if let Some(prev) = lines.last_mut() {
        for (aside, _) in pending {
            attach_aside(&mut prev.asides, aside);
        }
    }
    lines
}

/// The left edge most lines of a block start at, when some lines start well left of it: the
/// text edge beside a gutter of dates (moderncv and its kin set dates flush right there).
fn text_edge(bands: &[&[Seg]], left: f32) -> Option<f32> {
    let starts: Vec<f32> = bands.iter().map(|b| b[0].x0).collect();
    let (edge, count) = starts
        .iter()
        .map(|&x| (x, starts.iter().filter(|&&y| (y - x).abs() < 1.0).count()))
        .max_by_key(|&(_, n)| n)?;
    let size = median(bands.iter().map(|b| b[0].size).collect())?;
    (count >= 3 && edge > left + 3.0 * size).then_some(edge)
}

/// Splits a line that starts in the gutter and runs on at the text edge into the gutter's part
/// (a date) and the line's text: two parts, or one part whose words cross the edge after a gap.
fn split_lead(body: &[Seg], edge: f32) -> Option<(Seg, Vec<Seg>)> {
    let first = body.first()?;
    if first.x0 > edge - 2.0 * first.size {
        return None;
    }
    if first.x1 < edge && body.get(1).is_some_and(|next| (next.x0 - edge).abs() < 1.0) {
        return Some((first.clone(), body[1..].to_vec()));
    }
    let k = first.glyphs.iter().position(|g| !g.is_space() && g.x >= edge - 1.0)?;
    let before_end =
        first.glyphs[..k].iter().filter(|g| !g.is_space()).map(Glyph::end).fold(f32::MIN, f32::max);
    if before_end == f32::MIN || before_end > edge - 0.25 * first.size {
        return None;
    }
    let part = |glyphs: &[Glyph]| {
        let visible = glyphs.iter().filter(|g| !g.is_space());
        Seg {
            glyphs: glyphs.to_vec(),
            x0: visible.clone().map(|g| g.x).fold(f32::MAX, f32::min),
            x1: visible.map(Glyph::end).fold(f32::MIN, f32::max),
            ..first.clone()
        }
    };
    let mut rest = vec![part(&first.glyphs[k..])];
    rest.extend_from_slice(&body[1..]);
    Some((part(&first.glyphs[..k]), rest))
}

/// Adds an annotation to a line's: "June 2021 to October" / "2022" is one annotation its cell
/// wrapped, so it continues the last one.
fn attach_aside(asides: &mut Vec<String>, aside: String) {
    match asides.last_mut() {
        Some(last) if phrase_open(last) => {
            last.push(' ');
            last.push_str(&aside);
        }
        _ => asides.push(aside),
    }
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

/// Accents drawn as glyphs of their own over a letter ("O" and "¨" for "Ö", as TeX does without
/// a font that has the accented letter) joined to that letter; an accent that stands beside the
/// letters is left as it is.
fn compose_accents(glyphs: &[Glyph]) -> Vec<Glyph> {
    let mark_of = |g: &Glyph| {
        let mut chars = g.text.chars();
        match (chars.next(), chars.next()) {
            (Some(c), None) => crate::text::combining_accent(c),
            _ => None,
        }
    };
    let letter = |g: &Glyph| {
        let mut chars = g.text.chars();
        match (chars.next(), chars.next()) {
            (Some(c), None) if c.is_alphabetic() => Some(c),
            _ => None,
        }
    };
    let over = |accent: &Glyph, base: &Glyph| {
        let center = accent.x + accent.w / 2.0;
        base.x + 0.1 * base.w < center && center < base.end() - 0.1 * base.w
    };
    let mut out: Vec<Glyph> = Vec::with_capacity(glyphs.len());
    let mut pending: Option<char> = None;
    for (i, g) in glyphs.iter().enumerate() {
        if let Some(mark) = mark_of(g) {
            if let Some(prev) = out.last_mut()
                && let Some(base) = letter(prev)
                && over(g, prev)
            {
                prev.text = crate::text::compose(base, mark);
                continue;
            }
            if let Some(next) = glyphs[i + 1..].iter().find(|n| !n.is_space())
                && letter(next).is_some()
                && over(g, next)
            {
                pending = Some(mark);
                continue;
            }
        }
        let mut g = g.clone();
        if let Some(mark) = pending.take()
            && let Some(base) = letter(&g)
        {
            g.text = crate::text::compose(base, mark);
        }
        out.push(g);
    }
    out
}

fn seg_text(seg: &Seg) -> String {
    let glyphs = compose_accents(&seg.glyphs);
    let visible: Vec<&Glyph> = glyphs.iter().filter(|g| !g.is_space()).collect();
    // Letter gaps are measured between single letters: a glyph that stands for a whole text
    // (an /ActualText span) is followed by a word gap, not a letter gap.
    let single = |g: &Glyph| g.text.chars().count() == 1;
    let gaps: Vec<f32> =
        visible.windows(2).filter(|w| single(w[0]) && single(w[1])).map(|w| w[1].x - w[0].end()).collect();
    // Letter-spaced text has a uniform positive gap between letters; word spaces stand out
    // against that usual gap rather than against zero.
    let base = median(gaps).unwrap_or(0.0).max(0.0);
    let mut out = String::new();
    let mut prev: Option<&Glyph> = None;
    let mut pending_space = false;
    for g in &glyphs {
        if g.is_space() {
            pending_space = prev.is_some();
            continue;
        }
        if let Some(p) = prev {
            let gap = g.x - p.end();
            let size = p.size.max(g.size);
            let geometric = if p.exact && g.exact { gap > base + WORD_GAP * size } else { gap > 0.5 * size };
            // A list marker is never part of the word after it, even when the layout engine put
            // the text right against the marker's box without a space glyph ("►Produced").
            let after_marker = out.chars().count() == 1
                && out.chars().next().is_some_and(crate::text::is_list_marker)
                && g.text.chars().next().is_some_and(char::is_alphanumeric);
            if (pending_space && gap > -0.05 * size) || geometric || after_marker {
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
fn join_wrapped(lines: Vec<Line>, column_right: f32) -> Vec<LayoutLine> {
    // Beside a column of annotations, text wraps where the annotations begin.
    let text_right = lines.iter().map(|l| l.x1).fold(f32::MIN, f32::max);
    // That edge is only known when several lines reach it.
    let at_edge = lines.iter().filter(|l| l.x1 > text_right - l.size).count();
    let right = if at_edge >= 3 && lines.iter().any(|l| !l.asides.is_empty()) {
        text_right
    } else {
        text_right.max(column_right)
    };
    // Wrapped lines sit at the paragraph's leading; new items usually add spacing above.
    let leading = lines.windows(2).map(|w| w[0].y - w[1].y).filter(|p| *p > 0.0).fold(f32::MAX, f32::min);
    let mut out: Vec<LayoutLine> = Vec::new();
    let mut prev: Option<Line> = None;
    for line in lines {
        let mut continues = false;
        if let Some(prev) = &prev {
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
            continues = !line.has_tab
                && (long_enough || lower_start || plain)
                && pitch <= leading * 1.08 + 0.5
                && !prev.has_tab
                && wrapped
                && (prev.size - line.size).abs() < 0.6
                && pitch > 0.0
                && pitch < 1.8 * prev.size
                && line.x0 >= prev.x0 - 1.0
                && line.x0 <= prev.x0 + 4.0 * prev.size
                && !crate::text::starts_with_bullet(&line.text)
                // Two dated lines are two entry headers, never one wrapped sentence.
                && !(crate::dates::find_range(&prev.text).is_some() && crate::dates::find_range(&line.text).is_some());
        }
        if let Some(prev) = &prev
            && !continues
        {
            continues = continues_right_part(prev, &line);
        }
        out.push(LayoutLine {
            text: line.text.clone(),
            asides: line.asides.clone(),
            size: line.size,
            bold: line.bold,
            continues,
            x0: line.x0,
            x1: line.x1,
            y: line.y,
            ..LayoutLine::default()
        });
        prev = Some(line);
    }
    out
}

/// A phrase broken where it cannot end: after a month name, "to", a dash or a comma.
fn phrase_open(text: &str) -> bool {
    let tail = text.trim_end();
    let last = tail.rsplit(' ').next().unwrap_or("");
    tail.ends_with([',', '-', '–', '—'])
        || crate::dates::month_of(last.trim_end_matches('.')).is_some()
        || matches!(last.to_lowercase().as_str(), "to" | "until" | "till" | "through" | "and" | "&" | "of")
}

/// A right-aligned part after a TAB (dates, a place) that its cell wrapped: the next line holds
/// only the rest, right-aligned under it, and the part broke where a phrase cannot end (after a
/// month name, "to", a dash or a comma: "June 2021 to October" / "2022").
fn continues_right_part(prev: &Line, line: &Line) -> bool {
    let pitch = prev.y - line.y;
    let tail = prev.text.rsplit('\t').next().unwrap_or("");
    prev.has_tab
        && !line.has_tab
        && phrase_open(tail)
        && pitch > 0.0
        && pitch < 1.8 * prev.size
        && (prev.size - line.size).abs() < 0.6
        && (prev.x1 - line.x1).abs() < 0.5 * prev.size
        && line.x0 >= prev.last_x0 - 1.0
        && !crate::text::starts_with_bullet(&line.text)
}
