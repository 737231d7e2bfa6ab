//! PDF through krilla: DejaVu fonts embedded as subsets, one column of real text, a tag tree
//! (title, headings, paragraphs, lists), document title and language in the info dictionary and
//! XMP. Glyphs are mapped one character to one glyph from the font's own tables, without
//! ligatures, so every reader extracts exactly the characters that were written.

use krilla::Document;
use krilla::color::rgb;
use krilla::geom::{PathBuilder, Point, Rect};
use krilla::metadata::Metadata;
use krilla::num::NormalizedF32;
use krilla::page::PageSettings;
use krilla::paint::Fill;
use krilla::surface::Surface;
use krilla::tagging::{
    Artifact, ArtifactType, ContentTag, Identifier, ListNumbering, Node, SpanTag, Tag, TagGroup, TagTree,
};
use krilla::text::{Font, GlyphId, KrillaGlyph};
use resumax_core::{Error, Result};
use skrifa::MetadataProvider;
use skrifa::instance::{LocationRef, Size};

use crate::{Block, Design, Meta};

static SERIF: &[u8] = include_bytes!("../fonts/DejaVuSerif.ttf");
static SERIF_BOLD: &[u8] = include_bytes!("../fonts/DejaVuSerif-Bold.ttf");
static SANS: &[u8] = include_bytes!("../fonts/DejaVuSans.ttf");
static SANS_BOLD: &[u8] = include_bytes!("../fonts/DejaVuSans-Bold.ttf");

/// US Letter, in points.
const PAGE_WIDTH: f32 = 612.0;
const PAGE_HEIGHT: f32 = 792.0;

/// One font: krilla's handle for drawing, skrifa's tables for glyph ids and widths.
struct Face {
    font: Font,
    data: &'static [u8],
    units_per_em: f32,
}

impl Face {
    fn load(data: &'static [u8]) -> Result<Face> {
        let font =
            Font::new(data.into(), 0).ok_or_else(|| Error::internal("loading a font", "unreadable"))?;
        let units_per_em = font.units_per_em();
        Ok(Face { font, data, units_per_em })
    }

    /// One glyph per character, advances in ems (what krilla expects), and the width in ems.
    fn glyphs(&self, text: &str) -> (Vec<KrillaGlyph>, f32) {
        let Ok(font) = skrifa::FontRef::new(self.data) else { return (Vec::new(), 0.0) };
        let charmap = font.charmap();
        let metrics = font.glyph_metrics(Size::unscaled(), LocationRef::default());
        let mut width = 0.0;
        let glyphs = text
            .char_indices()
            .map(|(at, ch)| {
                let id = charmap.map(ch).unwrap_or_default();
                let advance = metrics.advance_width(id).unwrap_or(0.0) / self.units_per_em;
                width += advance;
                KrillaGlyph::new(
                    GlyphId::new(id.to_u32()),
                    advance,
                    0.0,
                    0.0,
                    0.0,
                    at..at + ch.len_utf8(),
                    None,
                )
            })
            .collect();
        (glyphs, width)
    }

    fn width(&self, text: &str, size: f32) -> f32 {
        self.glyphs(text).1 * size
    }
}

/// The typography of a design.
struct Style {
    serif: bool,
    margin: f32,
    body: f32,
    name: f32,
    heading: f32,
    /// Line height as a multiple of the font size.
    leading: f32,
    space_before_heading: f32,
    space_before_entry: f32,
    accent: (u8, u8, u8),
    centred_head: bool,
    rule_under_heading: bool,
    uppercase_headings: bool,
}

impl Style {
    fn of(design: Design) -> Style {
        match design {
            Design::Classic => Style {
                serif: true,
                margin: 54.0,
                body: 10.5,
                name: 20.0,
                heading: 12.0,
                leading: 1.3,
                space_before_heading: 12.0,
                space_before_entry: 6.0,
                accent: (0, 0, 0),
                centred_head: true,
                rule_under_heading: true,
                uppercase_headings: true,
            },
            Design::Modern => Style {
                serif: false,
                margin: 50.0,
                body: 10.0,
                name: 24.0,
                heading: 13.0,
                leading: 1.4,
                space_before_heading: 14.0,
                space_before_entry: 7.0,
                accent: (31, 78, 121),
                centred_head: false,
                rule_under_heading: false,
                uppercase_headings: false,
            },
            Design::Compact => Style {
                serif: false,
                margin: 40.0,
                body: 9.0,
                name: 16.0,
                heading: 10.0,
                leading: 1.22,
                space_before_heading: 8.0,
                space_before_entry: 3.0,
                accent: (0, 0, 0),
                centred_head: false,
                rule_under_heading: true,
                uppercase_headings: true,
            },
        }
    }
}

/// What a placed line is, for the tag tree.
#[derive(Clone, Copy, PartialEq)]
enum Role {
    Title,
    Heading,
    Paragraph,
    ListItem,
}

/// A run of text at a position on a page, belonging to block `block`.
struct Run {
    page: usize,
    x: f32,
    baseline: f32,
    bold: bool,
    size: f32,
    colour: (u8, u8, u8),
    text: String,
    block: usize,
    role: Role,
    /// A bullet marker: tagged as the list item's label.
    label: bool,
}

/// A thin horizontal rule (decoration, tagged as an artifact).
struct Rule {
    page: usize,
    y: f32,
}

struct Layout<'a> {
    style: &'a Style,
    regular: &'a Face,
    bold: &'a Face,
    page: usize,
    y: f32,
    runs: Vec<Run>,
    rules: Vec<Rule>,
}

impl Layout<'_> {
    fn width(&self) -> f32 {
        PAGE_WIDTH - 2.0 * self.style.margin
    }

    fn face(&self, bold: bool) -> &Face {
        if bold { self.bold } else { self.regular }
    }

    /// Moves to the next page unless `height` more points fit on this one.
    fn room_for(&mut self, height: f32) {
        if self.y + height > PAGE_HEIGHT - self.style.margin {
            self.page += 1;
            self.y = self.style.margin;
        }
    }

    /// Greedy word wrap to `width` points.
    fn wrap(&self, text: &str, bold: bool, size: f32, width: f32) -> Vec<String> {
        let face = self.face(bold);
        let mut lines = Vec::new();
        let mut line = String::new();
        for word in text.split_whitespace() {
            let candidate = if line.is_empty() { word.to_string() } else { format!("{line} {word}") };
            if !line.is_empty() && face.width(&candidate, size) > width {
                lines.push(std::mem::replace(&mut line, word.to_string()));
            } else {
                line = candidate;
            }
        }
        if !line.is_empty() {
            lines.push(line);
        }
        lines
    }

    /// Body-size text at the left margin, wrapped, with `right` at the right margin of its first
    /// line (dates, a link).
    fn line_with_right(&mut self, block: usize, text: &str, bold: bool, right: Option<&str>) {
        let size = self.style.body;
        let beside = right.map_or(0.0, |r| self.face(false).width(r, size) + 12.0);
        let line_height = size * self.style.leading;
        let lines = self.wrap(text, bold, size, self.width() - beside);
        self.room_for(line_height * lines.len().max(1) as f32);
        let mut first: Option<(usize, f32)> = None;
        for line in lines {
            self.room_for(line_height);
            self.y += line_height;
            let baseline = self.y - size * (self.style.leading - 1.0);
            first.get_or_insert((self.page, baseline));
            self.push(block, self.style.margin, baseline, bold, line);
        }
        if let (Some(right), Some((page, baseline))) = (right, first) {
            let x = PAGE_WIDTH - self.style.margin - self.face(false).width(right, size);
            let at = self.page;
            self.page = page;
            self.push(block, x, baseline, false, right.to_string());
            self.page = at;
        }
    }

    fn push(&mut self, block: usize, x: f32, baseline: f32, bold: bool, text: String) {
        let size = self.style.body;
        let run = Run {
            page: self.page,
            x,
            baseline,
            bold,
            size,
            colour: (0, 0, 0),
            text,
            block,
            role: Role::Paragraph,
            label: false,
        };
        self.runs.push(run);
    }

    #[allow(clippy::too_many_arguments)]
    fn lines(
        &mut self,
        block: usize,
        role: Role,
        text: &str,
        bold: bool,
        size: f32,
        colour: (u8, u8, u8),
        indent: f32,
        centred: bool,
    ) {
        let line_height = size * self.style.leading;
        let lines = self.wrap(text, bold, size, self.width() - indent);
        // A block never breaks across pages: a reader joins wrapped lines within a page only.
        self.room_for(line_height * lines.len() as f32);
        for line in lines {
            self.room_for(line_height);
            self.y += line_height;
            let x = if centred {
                self.style.margin + (self.width() - self.face(bold).width(&line, size)) / 2.0
            } else {
                self.style.margin + indent
            };
            self.runs.push(Run {
                page: self.page,
                x,
                baseline: self.y - size * (self.style.leading - 1.0),
                bold,
                size,
                colour,
                text: line,
                block,
                role,
                label: false,
            });
        }
    }
}

/// Lays the blocks out, moving page breaks until no line at the top or bottom of a page reads,
/// digits aside, like a line at the edge of another page: readers (resuMAX's among them) take
/// such a line for a running header or footer and drop it.
fn layout<'a>(blocks: &[Block], style: &'a Style, regular: &'a Face, bold: &'a Face) -> Layout<'a> {
    let mut breaks = Vec::new();
    loop {
        let laid = layout_with_breaks(blocks, style, regular, bold, &breaks);
        match laid.running_lookalike() {
            Some(block) if breaks.len() < 8 && !breaks.contains(&block) => breaks.push(block),
            _ => return laid,
        }
    }
}

impl Layout<'_> {
    /// The block before which a page break would move a running-header lookalike off the edge.
    fn running_lookalike(&self) -> Option<usize> {
        let pages = self.runs.last().map_or(0, |r| r.page + 1);
        let key = |t: &str| -> String {
            t.chars().map(|c| if c.is_ascii_digit() { '#' } else { c.to_ascii_lowercase() }).collect()
        };
        let mut seen: Vec<(String, usize)> = Vec::new();
        for page in 0..pages {
            let on: Vec<&Run> = self.runs.iter().filter(|r| r.page == page && !r.label).collect();
            let top = on.iter().map(|r| r.baseline).fold(f32::MAX, f32::min);
            let bottom = on.iter().map(|r| r.baseline).fold(f32::MIN, f32::max);
            // A little wider than the zone readers use (9% of the text's height).
            let zone = 0.12 * (bottom - top).max(1.0);
            for run in on.iter().filter(|r| r.baseline < top + zone || r.baseline > bottom - zone) {
                let k = key(&run.text);
                match seen.iter().find(|(s, p)| *s == k && *p != page) {
                    // At the top of its page: start the page one block earlier to push it down.
                    Some(_) if run.baseline < top + zone => return Some(run.block.saturating_sub(1)),
                    Some(_) => return Some(run.block),
                    None => seen.push((k, page)),
                }
            }
        }
        None
    }
}

fn layout_with_breaks<'a>(
    blocks: &[Block],
    style: &'a Style,
    regular: &'a Face,
    bold: &'a Face,
    breaks: &[usize],
) -> Layout<'a> {
    let mut l =
        Layout { style, regular, bold, page: 0, y: style.margin, runs: Vec::new(), rules: Vec::new() };
    let black = (0, 0, 0);
    let body = style.body;
    let mut carried: Option<String> = None;
    for (index, block) in blocks.iter().enumerate() {
        if breaks.contains(&index) && l.y > style.margin {
            l.page += 1;
            l.y = style.margin;
        }
        match block {
            Block::Name(name) => {
                l.lines(index, Role::Title, name, true, style.name, style.accent, 0.0, style.centred_head)
            }
            Block::Tagline(t) => {
                l.lines(index, Role::Paragraph, t, false, body + 1.5, black, 0.0, style.centred_head)
            }
            Block::Contact(t) => {
                l.lines(index, Role::Paragraph, t, false, body, black, 0.0, style.centred_head);
            }
            Block::Heading(h) => {
                let text = if style.uppercase_headings { h.to_uppercase() } else { h.clone() };
                // A heading never ends a page: keep it with two lines of what follows.
                l.room_for(style.space_before_heading + style.heading * 1.4 + 2.0 * body * style.leading);
                l.y += style.space_before_heading;
                l.lines(index, Role::Heading, &text, true, style.heading, style.accent, 0.0, false);
                if style.rule_under_heading {
                    l.rules.push(Rule { page: l.page, y: l.y + 2.5 });
                    l.y += 3.0;
                }
            }
            Block::EntryHead { text, right } => {
                l.room_for(style.space_before_entry + 2.0 * body * style.leading);
                l.y += style.space_before_entry;
                let beside = right.as_deref().map_or(0.0, |r| l.face(false).width(r, body) + 12.0);
                // A long title would wrap beside its dates, and a reader would take the wrapped
                // part for the employer: the dates then go beside the second line instead.
                let fits = l.face(true).width(text, body) <= l.width() - beside;
                if !fits && matches!(blocks.get(index + 1), Some(Block::EntrySub(_))) {
                    carried = right.clone();
                    l.line_with_right(index, text, true, None);
                } else {
                    l.line_with_right(index, text, true, right.as_deref());
                }
            }
            Block::EntrySub(t) => {
                let right = carried.take();
                l.line_with_right(index, t, false, right.as_deref())
            }
            Block::Paragraph(t) => {
                l.y += body * 0.15;
                l.lines(index, Role::Paragraph, t, false, body, black, 0.0, false)
            }
            Block::Bullet(t) => {
                let first = l.runs.len();
                l.lines(index, Role::ListItem, t, false, body, black, 12.0 + body, false);
                if let Some(head) = l.runs.get(first) {
                    let marker = Run {
                        page: head.page,
                        x: style.margin + 6.0,
                        baseline: head.baseline,
                        bold: false,
                        size: body,
                        colour: black,
                        text: "\u{2022}".into(),
                        block: index,
                        role: Role::ListItem,
                        label: true,
                    };
                    l.runs.insert(first, marker);
                }
            }
        }
    }
    l
}

fn fill(colour: (u8, u8, u8)) -> Fill {
    Fill {
        paint: rgb::Color::new(colour.0, colour.1, colour.2).into(),
        opacity: NormalizedF32::ONE,
        rule: Default::default(),
    }
}

fn draw(surface: &mut Surface, face: &Face, run: &Run) {
    let (glyphs, _) = face.glyphs(&run.text);
    surface.set_fill(Some(fill(run.colour)));
    surface.draw_glyphs(
        Point::from_xy(run.x, run.baseline),
        &glyphs,
        face.font.clone(),
        &run.text,
        run.size,
        false,
    );
}

pub fn render(blocks: &[Block], meta: &Meta, design: Design) -> Result<Vec<u8>> {
    let style = Style::of(design);
    let (regular, bold) = if style.serif { (SERIF, SERIF_BOLD) } else { (SANS, SANS_BOLD) };
    let (regular, bold) = (Face::load(regular)?, Face::load(bold)?);
    let laid = layout(blocks, &style, &regular, &bold);
    let pages =
        laid.runs.iter().map(|r| r.page).chain(laid.rules.iter().map(|r| r.page)).max().unwrap_or(0) + 1;

    let mut document = Document::new();
    let mut marks: Vec<Vec<(Identifier, bool)>> = (0..blocks.len()).map(|_| Vec::new()).collect();
    for page_index in 0..pages {
        let settings = PageSettings::from_wh(PAGE_WIDTH, PAGE_HEIGHT)
            .ok_or_else(|| Error::internal("sizing a page", "invalid size"))?;
        let mut page = document.start_page_with(settings);
        let mut surface = page.surface();
        for rule in laid.rules.iter().filter(|r| r.page == page_index) {
            let mut path = PathBuilder::new();
            if let Some(rect) = Rect::from_xywh(style.margin, rule.y, PAGE_WIDTH - 2.0 * style.margin, 0.6) {
                path.push_rect(rect);
            }
            if let Some(path) = path.finish() {
                surface.start_tagged(ContentTag::Artifact(Artifact::with_kind(ArtifactType::Layout)));
                surface.set_fill(Some(fill(style.accent)));
                surface.set_stroke(None);
                surface.draw_path(&path);
                surface.end_tagged();
            }
        }
        for run in laid.runs.iter().filter(|r| r.page == page_index) {
            let id = surface.start_tagged(ContentTag::Span(SpanTag::empty()));
            draw(&mut surface, if run.bold { &bold } else { &regular }, run);
            surface.end_tagged();
            marks[run.block].push((id, run.label));
        }
        surface.finish();
        page.finish();
    }

    document.set_tag_tree(tag_tree(&laid.runs, marks, meta));
    let mut metadata = Metadata::new()
        .title(meta.title.clone())
        .language(meta.language.clone())
        .creator("resuMAX".into())
        .producer("resuMAX (krilla)".into());
    if let Some(Block::Name(name)) = blocks.first() {
        metadata = metadata.authors(vec![name.clone()]);
    }
    document.set_metadata(metadata);
    document.finish().map_err(|e| Error::internal("writing the pdf", format!("{e:?}")))
}

/// Title, headings and paragraphs as groups of their lines; consecutive bullets as one list.
fn tag_tree(runs: &[Run], marks: Vec<Vec<(Identifier, bool)>>, meta: &Meta) -> TagTree {
    let mut tree = TagTree::new().with_lang(Some(meta.language.clone()));
    let mut list: Option<TagGroup> = None;
    let role_of = |block: usize| runs.iter().find(|r| r.block == block).map(|r| r.role);
    for (block, ids) in marks.into_iter().enumerate() {
        if ids.is_empty() {
            continue;
        }
        let role = role_of(block).unwrap_or(Role::Paragraph);
        if role != Role::ListItem
            && let Some(done) = list.take()
        {
            tree.push(done);
        }
        let body = |ids: Vec<(Identifier, bool)>| -> Vec<Node> {
            ids.into_iter().map(|(id, _)| id.into()).collect()
        };
        match role {
            Role::Title => tree.push(TagGroup::with_children(Tag::Title, body(ids))),
            Role::Heading => tree.push(TagGroup::with_children(
                Tag::Hn(std::num::NonZeroU16::MIN.saturating_add(1), None),
                body(ids),
            )),
            Role::Paragraph => tree.push(TagGroup::with_children(Tag::P, body(ids))),
            Role::ListItem => {
                let (labels, text): (Vec<_>, Vec<_>) = ids.into_iter().partition(|(_, label)| *label);
                let mut item = TagGroup::new(Tag::LI);
                if !labels.is_empty() {
                    item.push(TagGroup::with_children(Tag::Lbl, body(labels)));
                }
                item.push(TagGroup::with_children(Tag::LBody, body(text)));
                list.get_or_insert_with(|| TagGroup::new(Tag::L(ListNumbering::Disc))).push(item);
            }
        }
    }
    if let Some(done) = list {
        tree.push(done);
    }
    tree
}
