//! DOCX written as WordprocessingML by hand into a zip (the `zip` crate is already in the tree;
//! docx-rs would add a second zip, a second quick-xml and `image`, and cannot set the document
//! title). Real paragraphs only: the name in `Title`, headings in `Heading1`, bullets through a
//! numbering definition, dates on a right tab stop. No tables, text boxes or frames.

use std::io::{Cursor, Write};

use resumax_core::{Error, Result};

use crate::{Block, Design, Meta};

/// US Letter in twentieths of a point.
const PAGE_WIDTH: u32 = 12240;
const PAGE_HEIGHT: u32 = 15840;

struct Look {
    font: &'static str,
    /// Half-points.
    body: u32,
    name: u32,
    heading: u32,
    /// Twips.
    margin: u32,
    accent: &'static str,
    centred_head: bool,
    rule_under_heading: bool,
    uppercase_headings: bool,
    /// Space before a heading and before an entry, in twips.
    before_heading: u32,
    before_entry: u32,
}

impl Look {
    fn of(design: Design) -> Look {
        match design {
            Design::Classic => Look {
                font: "Georgia",
                body: 21,
                name: 40,
                heading: 24,
                margin: 1080,
                accent: "000000",
                centred_head: true,
                rule_under_heading: true,
                uppercase_headings: true,
                before_heading: 240,
                before_entry: 120,
            },
            Design::Modern => Look {
                font: "Calibri",
                body: 21,
                name: 48,
                heading: 26,
                margin: 1000,
                accent: "1F4E79",
                centred_head: false,
                rule_under_heading: false,
                uppercase_headings: false,
                before_heading: 280,
                before_entry: 140,
            },
            Design::Compact => Look {
                font: "Arial",
                body: 18,
                name: 32,
                heading: 20,
                margin: 800,
                accent: "000000",
                centred_head: false,
                rule_under_heading: true,
                uppercase_headings: true,
                before_heading: 160,
                before_entry: 60,
            },
        }
    }
}

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Characters XML 1.0 cannot carry at all.
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => {}
            c => out.push(c),
        }
    }
    out
}

fn run(text: &str) -> String {
    format!("<w:r><w:t xml:space=\"preserve\">{}</w:t></w:r>", escape(text))
}

fn paragraph(style: &str, extra_ppr: &str, runs: &str) -> String {
    format!("<w:p><w:pPr><w:pStyle w:val=\"{style}\"/>{extra_ppr}</w:pPr>{runs}</w:p>")
}

fn body(blocks: &[Block], look: &Look) -> String {
    let text_width = PAGE_WIDTH - 2 * look.margin;
    let mut out = String::new();
    for block in blocks {
        out.push_str(&match block {
            Block::Name(t) => paragraph("Title", "", &run(t)),
            Block::Tagline(t) => paragraph("Subtitle", "", &run(t)),
            Block::Contact(t) => paragraph("Contact", "", &run(t)),
            Block::Heading(t) => {
                let t = if look.uppercase_headings { t.to_uppercase() } else { t.clone() };
                paragraph("Heading1", "", &run(&t))
            }
            Block::EntryHead { text, right } => {
                let tabs = format!("<w:tabs><w:tab w:val=\"right\" w:pos=\"{text_width}\"/></w:tabs>");
                let mut runs = format!(
                    "<w:r><w:rPr><w:b/></w:rPr><w:t xml:space=\"preserve\">{}</w:t></w:r>",
                    escape(text)
                );
                if let Some(right) = right {
                    runs.push_str("<w:r><w:tab/></w:r>");
                    runs.push_str(&run(right));
                }
                paragraph("EntryHead", &tabs, &runs)
            }
            Block::EntrySub(t) => paragraph("EntrySub", "", &run(t)),
            Block::Bullet(t) => paragraph(
                "ListBullet",
                "<w:numPr><w:ilvl w:val=\"0\"/><w:numId w:val=\"1\"/></w:numPr>",
                &run(t),
            ),
            Block::Paragraph(t) => paragraph("Normal", "", &run(t)),
        });
    }
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\
<w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\" \
xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\"><w:body>{out}\
<w:sectPr><w:pgSz w:w=\"{PAGE_WIDTH}\" w:h=\"{PAGE_HEIGHT}\"/>\
<w:pgMar w:top=\"{m}\" w:right=\"{m}\" w:bottom=\"{m}\" w:left=\"{m}\" w:header=\"720\" w:footer=\"720\" w:gutter=\"0\"/>\
</w:sectPr></w:body></w:document>",
        m = look.margin
    )
}

fn styles(look: &Look, language: &str) -> String {
    let centre = if look.centred_head { "<w:jc w:val=\"center\"/>" } else { "" };
    let rule = if look.rule_under_heading {
        format!(
            "<w:pBdr><w:bottom w:val=\"single\" w:sz=\"4\" w:space=\"1\" w:color=\"{}\"/></w:pBdr>",
            look.accent
        )
    } else {
        String::new()
    };
    let style = |id: &str, name: &str, ppr: &str, rpr: &str| {
        format!(
            "<w:style w:type=\"paragraph\" w:styleId=\"{id}\"><w:name w:val=\"{name}\"/>\
<w:basedOn w:val=\"Normal\"/><w:qFormat/><w:pPr>{ppr}</w:pPr><w:rPr>{rpr}</w:rPr></w:style>"
        )
    };
    let font = look.font;
    let list_indent = "<w:ind w:left=\"360\" w:hanging=\"240\"/>";
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\
<w:styles xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\">\
<w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:ascii=\"{font}\" w:hAnsi=\"{font}\" w:cs=\"{font}\" w:eastAsia=\"{font}\"/>\
<w:sz w:val=\"{body}\"/><w:szCs w:val=\"{body}\"/><w:lang w:val=\"{language}\"/></w:rPr></w:rPrDefault>\
<w:pPrDefault><w:pPr><w:spacing w:after=\"0\" w:line=\"264\" w:lineRule=\"auto\"/></w:pPr></w:pPrDefault></w:docDefaults>\
<w:style w:type=\"paragraph\" w:default=\"1\" w:styleId=\"Normal\"><w:name w:val=\"Normal\"/><w:qFormat/></w:style>\
{title}{subtitle}{contact}{heading}{entry_head}{entry_sub}{list}</w:styles>",
        body = look.body,
        title = style(
            "Title",
            "Title",
            &format!("<w:spacing w:after=\"40\"/>{centre}"),
            &format!(
                "<w:b/><w:color w:val=\"{}\"/><w:sz w:val=\"{n}\"/><w:szCs w:val=\"{n}\"/>",
                look.accent,
                n = look.name
            )
        ),
        subtitle = style(
            "Subtitle",
            "Subtitle",
            centre,
            &format!("<w:sz w:val=\"{n}\"/><w:szCs w:val=\"{n}\"/>", n = look.body + 3)
        ),
        contact = style("Contact", "Contact", &format!("<w:spacing w:after=\"60\"/>{centre}"), ""),
        heading = style(
            "Heading1",
            "heading 1",
            &format!(
                "<w:keepNext/><w:spacing w:before=\"{}\" w:after=\"60\"/>{rule}<w:outlineLvl w:val=\"0\"/>",
                look.before_heading
            ),
            &format!(
                "<w:b/><w:color w:val=\"{}\"/><w:sz w:val=\"{n}\"/><w:szCs w:val=\"{n}\"/>",
                look.accent,
                n = look.heading
            )
        ),
        entry_head = style(
            "EntryHead",
            "Entry Heading",
            &format!("<w:keepNext/><w:spacing w:before=\"{}\"/>", look.before_entry),
            ""
        ),
        entry_sub = style("EntrySub", "Entry Place", "<w:keepNext/>", ""),
        list = style("ListBullet", "List Bullet", list_indent, ""),
    )
}

const NUMBERING: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\
<w:numbering xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\">\
<w:abstractNum w:abstractNumId=\"0\"><w:multiLevelType w:val=\"singleLevel\"/>\
<w:lvl w:ilvl=\"0\"><w:start w:val=\"1\"/><w:numFmt w:val=\"bullet\"/><w:lvlText w:val=\"\u{2022}\"/>\
<w:lvlJc w:val=\"left\"/><w:pPr><w:ind w:left=\"360\" w:hanging=\"240\"/></w:pPr></w:lvl></w:abstractNum>\
<w:num w:numId=\"1\"><w:abstractNumId w:val=\"0\"/></w:num></w:numbering>";

const CONTENT_TYPES: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\
<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">\
<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>\
<Default Extension=\"xml\" ContentType=\"application/xml\"/>\
<Override PartName=\"/word/document.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/>\
<Override PartName=\"/word/styles.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml\"/>\
<Override PartName=\"/word/numbering.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.numbering+xml\"/>\
<Override PartName=\"/docProps/core.xml\" ContentType=\"application/vnd.openxmlformats-package.core-properties+xml\"/>\
</Types>";

const ROOT_RELS: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\
<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">\
<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"word/document.xml\"/>\
<Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties\" Target=\"docProps/core.xml\"/>\
</Relationships>";

const DOCUMENT_RELS: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\
<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">\
<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles\" Target=\"styles.xml\"/>\
<Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/numbering\" Target=\"numbering.xml\"/>\
</Relationships>";

fn core(meta: &Meta, author: Option<&str>) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\
<cp:coreProperties xmlns:cp=\"http://schemas.openxmlformats.org/package/2006/metadata/core-properties\" \
xmlns:dc=\"http://purl.org/dc/elements/1.1/\" xmlns:dcterms=\"http://purl.org/dc/terms/\">\
<dc:title>{}</dc:title><dc:language>{}</dc:language><dc:creator>{}</dc:creator></cp:coreProperties>",
        escape(&meta.title),
        escape(&meta.language),
        escape(author.unwrap_or("resuMAX")),
    )
}

pub fn render(blocks: &[Block], meta: &Meta, design: Design) -> Result<Vec<u8>> {
    let look = Look::of(design);
    let author = blocks.iter().find_map(|b| if let Block::Name(n) = b { Some(n.as_str()) } else { None });
    let parts: [(&str, String); 6] = [
        ("[Content_Types].xml", CONTENT_TYPES.into()),
        ("_rels/.rels", ROOT_RELS.into()),
        ("word/_rels/document.xml.rels", DOCUMENT_RELS.into()),
        ("word/document.xml", body(blocks, &look)),
        ("word/styles.xml", styles(&look, &meta.language)),
        ("word/numbering.xml", NUMBERING.into()),
    ];
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    let failed = |e: &dyn std::fmt::Display| Error::internal("writing the docx", e.to_string());
    for (name, xml) in parts.iter().chain(std::iter::once(&("docProps/core.xml", core(meta, author)))) {
        zip.start_file(*name, options).map_err(|e| failed(&e))?;
        zip.write_all(xml.as_bytes()).map_err(|e| failed(&e))?;
    }
    Ok(zip.finish().map_err(|e| failed(&e))?.into_inner())
}
