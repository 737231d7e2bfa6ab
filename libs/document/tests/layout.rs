//! Layout patterns of real resumes, each on a small PDF the test writes itself: two columns, the
//! one-line entry header grammars, wrapped bullets, right-aligned date and duration columns,
//! running footers, an entry across a page break, and text placed off the page.

use resumax_core::resume::{Entry, ParsedResume, SectionKind};
use resumax_document::{Role, explain_resume, read_resume};

#[path = "support/pdf.rs"]
mod support;

/// One line of text placed on a page: left edge, baseline (points from the bottom), size, text.
struct Text<'a>(f32, f32, f32, &'a str);

/// A PDF of pages of Helvetica text (its widths are the standard metrics, so positions are exact).
fn pdf(pages: &[Vec<Text>]) -> Vec<u8> {
    let mut objects = vec![
        "<< /Type /Catalog /Pages 2 0 R >>".to_string(),
        String::new(),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_string(),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold >>".to_string(),
    ];
    let mut kids = Vec::new();
    for page in pages {
        let mut content = String::new();
        for Text(x, y, size, text) in page {
            // Headings in capitals are set bold, as templates do.
            let bold = text.chars().any(char::is_alphabetic) && !text.chars().any(char::is_lowercase);
            let font = if bold { "F2" } else { "F1" };
            let escaped = text.replace('\\', "\\\\").replace('(', "\\(").replace(')', "\\)");
            content.push_str(&format!("BT /{font} {size} Tf {x} {y} Td ({escaped}) Tj ET\n"));
        }
        let content_id = objects.len() + 2;
        objects.push(format!(
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents {content_id} 0 R \
             /Resources << /Font << /F1 3 0 R /F2 4 0 R >> >> >>"
        ));
        kids.push(format!("{} 0 R", objects.len()));
        objects.push(format!("<< /Length {} >>\nstream\n{content}endstream", content.len()));
    }
    objects[1] = format!("<< /Type /Pages /Kids [{}] /Count {} >>", kids.join(" "), kids.len());
    support::pdf(&objects)
}

/// A name and contact line, then the given lines below them.
fn resume_page(body: Vec<Text<'static>>) -> Vec<Text<'static>> {
    let mut page = vec![
        Text(72.0, 740.0, 20.0, "Jane Doe"),
        Text(72.0, 720.0, 10.0, "jane@example.com | +1 617 555 0100"),
    ];
    page.extend(body);
    page
}

fn parse(pages: &[Vec<Text>]) -> ParsedResume {
    read_resume(&pdf(pages)).expect("the test PDF parses")
}

fn jobs(r: &ParsedResume) -> Vec<Entry> {
    r.section(SectionKind::Experience).map(|s| s.entries.clone()).unwrap_or_default()
}

fn job(r: &ParsedResume, employer: &str) -> Entry {
    jobs(r)
        .into_iter()
        .find(|e| e.organization.as_deref() == Some(employer))
        .unwrap_or_else(|| panic!("no entry for {employer}: {:#?}", jobs(r)))
}

#[test]
fn two_columns_are_read_as_two_flows() {
    let mut body = vec![Text(72.0, 680.0, 14.0, "EXPERIENCE"), Text(400.0, 680.0, 14.0, "SKILLS")];
    let left = [
        "Software Engineer",
        "Acme Robotics",
        "- Built the fleet telemetry pipeline in Rust",
        "- Cut the cost of storage by a third",
        "Data Engineer",
        "Borealis Labs",
        "- Moved batch jobs to streaming with Kafka",
        "- Wrote the on-call runbook for the team",
    ];
    for (i, t) in left.iter().enumerate() {
        body.push(Text(72.0, 660.0 - 14.0 * i as f32, 10.0, t));
    }
    // A sidebar keeps its own line pitch: its baselines are not the main column's.
    for (i, t) in ["Rust", "Kafka", "PostgreSQL", "Kubernetes", "Terraform", "Go"].iter().enumerate() {
        body.push(Text(400.0, 657.0 - 12.5 * i as f32, 9.0, t));
    }
    let r = parse(&[resume_page(body)]);
    assert!(!r.text.contains("EXPERIENCE\tSKILLS"), "headings read across columns:\n{}", r.text);
    assert_eq!(job(&r, "Acme Robotics").title.as_deref(), Some("Software Engineer"));
    assert_eq!(job(&r, "Borealis Labs").lines.len(), 2);
    let skills = &r.section(SectionKind::Skills).expect("a skills section").skills;
    assert!(skills.contains(&"Terraform".to_string()), "{skills:?}");
    assert!(
        jobs(&r).iter().all(|e| e.organization.as_deref() != Some("Kafka")),
        "a skill became an employer"
    );
    assert!(r.warnings.iter().any(|w| w == "multi_column_layout"), "{:?}", r.warnings);
}

#[test]
fn a_single_column_page_has_no_layout_warning() {
    let body = vec![
        Text(72.0, 680.0, 14.0, "EXPERIENCE"),
        Text(72.0, 660.0, 10.0, "Software Engineer"),
        Text(72.0, 646.0, 10.0, "Acme Robotics"),
        Text(72.0, 632.0, 10.0, "- Built the fleet telemetry pipeline in Rust"),
        Text(72.0, 610.0, 14.0, "SKILLS"),
        Text(72.0, 590.0, 10.0, "Rust, Kafka, PostgreSQL"),
    ];
    let r = parse(&[resume_page(body)]);
    assert!(!r.warnings.iter().any(|w| w == "multi_column_layout"), "{:?}", r.warnings);
}

/// One entry header as printed on one line, with the date set flush right on the same line.
fn header_with_right_date(header: &'static str) -> ParsedResume {
    parse(&[resume_page(vec![
        Text(72.0, 680.0, 14.0, "EXPERIENCE"),
        Text(72.0, 660.0, 10.0, header),
        Text(470.0, 660.0, 10.0, "Jan 2020 - Mar 2023"),
        Text(72.0, 646.0, 10.0, "- Shipped the billing service used by every team"),
        Text(72.0, 632.0, 10.0, "- Mentored four engineers through their first year"),
    ])])
}

#[test]
fn one_line_headers_are_split_in_each_grammar() {
    for (header, employer, title) in [
        ("Acme Robotics, Software Engineer", "Acme Robotics", "Software Engineer"),
        ("Software Engineer, Acme Robotics", "Acme Robotics", "Software Engineer"),
        ("Software Engineer at Acme Robotics", "Acme Robotics", "Software Engineer"),
        ("Software Engineer, Acme Robotics - Boston, MA", "Acme Robotics", "Software Engineer"),
        ("Acme Robotics | Software Engineer", "Acme Robotics", "Software Engineer"),
    ] {
        let r = header_with_right_date(header);
        let e = job(&r, employer);
        assert_eq!(e.title.as_deref(), Some(title), "{header}");
        assert_eq!((e.start.as_deref(), e.end.as_deref()), (Some("2020-01"), Some("2023-03")), "{header}");
        assert_eq!(e.lines.len(), 2, "{header}: {:?}", e.lines);
    }
    // A legal-form suffix after a comma stays with the firm's name.
    let e = job(&header_with_right_date("Omnious Co., Ltd., Software Architect"), "Omnious Co., Ltd.");
    assert_eq!(e.title.as_deref(), Some("Software Architect"));
}

#[test]
fn a_date_gutter_on_the_left_dates_the_entry() {
    let r = parse(&[resume_page(vec![
        Text(140.0, 680.0, 14.0, "Experience"),
        Text(72.0, 660.0, 10.0, "2019 - 2021"),
        Text(140.0, 660.0, 10.0, "Software Engineer, Acme Robotics - Boston, MA"),
        Text(140.0, 646.0, 10.0, "- Shipped the billing service used by every team"),
        Text(72.0, 626.0, 10.0, "2016 - 2019"),
        Text(140.0, 626.0, 10.0, "Data Analyst, Borealis Labs - Denver, CO"),
        Text(140.0, 612.0, 10.0, "- Built the weekly revenue dashboards"),
        Text(140.0, 590.0, 14.0, "Skills"),
        Text(140.0, 570.0, 10.0, "Rust, SQL"),
    ])]);
    let e = job(&r, "Acme Robotics");
    assert_eq!(
        (e.title.as_deref(), e.start.as_deref(), e.end.as_deref()),
        (Some("Software Engineer"), Some("2019"), Some("2021"))
    );
    assert_eq!(job(&r, "Borealis Labs").location.as_deref(), Some("Denver, CO"));
}

#[test]
fn a_wrapped_bullet_and_a_duration_column_start_no_entry() {
    let r = parse(&[resume_page(vec![
        Text(72.0, 680.0, 14.0, "EXPERIENCE"),
        Text(72.0, 660.0, 10.0, "Acme Robotics, Software Engineer"),
        Text(72.0, 646.0, 10.0, "- Designed the telemetry pipeline that ingests data from every robot in"),
        Text(470.0, 646.0, 10.0, "Jan 2020 - Mar 2023"),
        Text(80.0, 632.0, 10.0, "ensuring clean and testable code practices"),
        Text(500.0, 632.0, 10.0, "3 years 2 months"),
        Text(72.0, 618.0, 10.0, "- Mentored four engineers through their first year on the team"),
    ])]);
    assert_eq!(jobs(&r).len(), 1, "{:#?}", jobs(&r));
    let e = job(&r, "Acme Robotics");
    assert_eq!(e.start.as_deref(), Some("2020-01"));
    assert_eq!(e.lines.len(), 2, "{:?}", e.lines);
    assert!(e.lines[0].ends_with("in ensuring clean and testable code practices"), "{:?}", e.lines);
}

#[test]
fn running_footers_stay_out_and_an_entry_crosses_the_page_break() {
    let mut first = resume_page(vec![
        Text(72.0, 680.0, 14.0, "EXPERIENCE"),
        Text(72.0, 660.0, 10.0, "Acme Robotics, Software Engineer"),
        Text(470.0, 660.0, 10.0, "Jan 2020 - Mar 2023"),
        Text(72.0, 646.0, 10.0, "- Shipped the billing service used by every team"),
        Text(72.0, 626.0, 10.0, "Borealis Labs, Data Engineer"),
        Text(470.0, 626.0, 10.0, "Feb 2016 - Dec 2019"),
    ]);
    first.push(Text(250.0, 30.0, 9.0, "Jane Doe - 1/2"));
    let second = vec![
        Text(72.0, 740.0, 10.0, "- Moved batch jobs to streaming with Kafka"),
        Text(72.0, 726.0, 10.0, "- Wrote the on-call runbook for the team"),
        Text(72.0, 700.0, 14.0, "EDUCATION"),
        Text(72.0, 680.0, 10.0, "Boston University, B.S. in Computer Science"),
        Text(470.0, 680.0, 10.0, "2012 - 2016"),
        Text(250.0, 30.0, 9.0, "Jane Doe - 2/2"),
    ];
    let r = parse(&[first, second]);
    let e = job(&r, "Borealis Labs");
    assert_eq!(e.lines.len(), 2, "bullets after the page break: {:?}", e.lines);
    assert_eq!(jobs(&r).len(), 2, "{:#?}", jobs(&r));
    for s in &r.sections {
        assert!(
            !s.body_text().contains("1/2") && !s.body_text().contains("2/2"),
            "{}: {}",
            s.heading,
            s.body_text()
        );
    }
    let edu = &r.section(SectionKind::Education).expect("education").entries[0];
    assert_eq!(edu.organization.as_deref(), Some("Boston University"));
    assert_eq!(edu.title.as_deref(), Some("B.S. in Computer Science"));
}

#[test]
fn text_outside_the_page_is_not_read() {
    let r = parse(&[resume_page(vec![
        Text(72.0, 680.0, 14.0, "EXPERIENCE"),
        Text(72.0, 660.0, 10.0, "Acme Robotics, Software Engineer"),
        Text(-400.0, 660.0, 10.0, "keyword stuffing placed off the page"),
        Text(72.0, 900.0, 10.0, "more hidden keywords above the page"),
    ])]);
    assert!(!r.text.contains("stuffing") && !r.text.contains("hidden"), "{}", r.text);
}

#[test]
fn headings_outside_the_vocabulary_are_found_by_their_style() {
    let r = parse(&[resume_page(vec![
        Text(72.0, 680.0, 14.0, "EXPERIENCE"),
        Text(72.0, 660.0, 10.0, "Acme Robotics, Software Engineer"),
        Text(72.0, 646.0, 10.0, "- Shipped the billing service used by every team"),
        Text(72.0, 620.0, 14.0, "EDUCATION"),
        Text(72.0, 600.0, 10.0, "Boston University, B.S. in Computer Science"),
        Text(72.0, 574.0, 14.0, "LIFE PHILOSOPHY"),
        Text(72.0, 554.0, 10.0, "Leave every codebase better than you found it."),
    ])]);
    let other =
        r.sections.iter().find(|s| s.heading == "LIFE PHILOSOPHY").expect("the styled heading is a section");
    assert_eq!(other.kind, SectionKind::Other);
    assert!(r.section(SectionKind::Education).is_some_and(|s| !s.body_text().contains("Leave every")));
}

#[test]
fn explain_shows_flows_and_roles() {
    let mut body = vec![Text(72.0, 680.0, 14.0, "EXPERIENCE"), Text(400.0, 680.0, 14.0, "SKILLS")];
    for (i, t) in [
        "Software Engineer",
        "Acme Robotics",
        "- Built the fleet telemetry pipeline",
        "- Cut storage cost by a third",
    ]
    .iter()
    .enumerate()
    {
        body.push(Text(72.0, 660.0 - 14.0 * i as f32, 10.0, t));
    }
    for (i, t) in ["Rust", "Kafka", "PostgreSQL", "Kubernetes"].iter().enumerate() {
        body.push(Text(400.0, 657.0 - 12.5 * i as f32, 9.0, t));
    }
    let mut page = resume_page(body);
    page.push(Text(280.0, 30.0, 9.0, "1/1"));
    let e = explain_resume(&pdf(&[page])).expect("explained");
    let line = |t: &str| {
        e.lines.iter().find(|l| l.text == t).unwrap_or_else(|| panic!("no line {t}: {:#?}", e.lines))
    };
    assert_eq!((line("EXPERIENCE").column, line("EXPERIENCE").role), ("left", Role::Heading));
    assert_eq!((line("SKILLS").column, line("SKILLS").role), ("right", Role::Heading));
    assert_eq!(line("Acme Robotics").role, Role::EntryHeader);
    assert!(line("Acme Robotics").fields.contains(&"employer"));
    assert_eq!(line("- Built the fleet telemetry pipeline").role, Role::Bullet);
    let skill = e.lines.iter().find(|l| l.text.contains("Kafka")).expect("the skills line");
    assert_eq!((skill.column, skill.section.as_deref()), ("right", Some("SKILLS")));
    assert_eq!(line("jane@example.com | +1 617 555 0100").role, Role::Contact);
    assert_eq!(line("1/1").role, Role::HeaderFooter);
    assert!(e.resume.warnings.iter().any(|w| w == "multi_column_layout"));
}

#[test]
fn a_header_with_no_cue_is_kept_and_marked_uncertain() {
    let e = job(&header_with_right_date("Northwind, Globex"), "Globex");
    assert_eq!(e.title.as_deref(), Some("Northwind"), "the usual Title, Employer order");
    assert_eq!(e.uncertain, ["title", "employer"]);
    assert_eq!(e.confidence(), "low");
    let sure = job(&header_with_right_date("Acme Robotics, Software Engineer"), "Acme Robotics");
    assert!(sure.uncertain.is_empty(), "{:?}", sure.uncertain);
    assert_eq!(sure.confidence(), "high");
}

#[test]
fn positions_under_one_employer_take_its_name() {
    let r = parse(&[resume_page(vec![
        Text(72.0, 680.0, 14.0, "EXPERIENCE"),
        Text(72.0, 660.0, 10.0, "Initech (2013 - Present, Los Angeles)"),
        Text(72.0, 646.0, 10.0, "Senior Staff Engineer (2022 - Present)"),
        Text(72.0, 632.0, 10.0, "- Led the platform group of twelve engineers"),
        Text(72.0, 618.0, 10.0, "Staff Engineer (2017 - 2022)"),
        Text(72.0, 604.0, 10.0, "- Built the billing pipeline end to end"),
    ])]);
    let all = jobs(&r);
    let roles: Vec<(Option<&str>, Option<&str>)> =
        all.iter().map(|e| (e.organization.as_deref(), e.title.as_deref())).collect();
    assert!(roles.contains(&(Some("Initech"), Some("Senior Staff Engineer"))), "{roles:?}");
    assert!(roles.contains(&(Some("Initech"), Some("Staff Engineer"))), "{roles:?}");
    let head = job(&r, "Initech");
    assert_eq!(head.location.as_deref(), Some("Los Angeles"), "{head:?}");
}

#[test]
fn a_bulleted_employer_with_its_place_beside_it_heads_the_entry() {
    let r = parse(&[resume_page(vec![
        Text(72.0, 680.0, 14.0, "EXPERIENCE"),
        Text(72.0, 660.0, 10.0, "• Initech"),
        Text(480.0, 660.0, 10.0, "Austin, TX"),
        Text(82.0, 646.0, 10.0, "Software Engineer"),
        Text(455.0, 646.0, 10.0, "Oct 2016 - Present"),
        Text(92.0, 632.0, 10.0, "◦ Billing: rewrote the invoicing service and cut its failures by half"),
        Text(72.0, 612.0, 10.0, "• Globex"),
        Text(480.0, 612.0, 10.0, "Boston, MA"),
        Text(82.0, 598.0, 10.0, "Data Analyst"),
        Text(455.0, 598.0, 10.0, "Jan 2014 - Oct 2016"),
        Text(92.0, 584.0, 10.0, "◦ Reports: built the weekly revenue dashboards for sales"),
    ])]);
    let e = job(&r, "Initech");
    assert_eq!((e.title.as_deref(), e.location.as_deref()), (Some("Software Engineer"), Some("Austin, TX")));
    assert_eq!(e.lines.len(), 1, "{:?}", e.lines);
    assert_eq!(job(&r, "Globex").title.as_deref(), Some("Data Analyst"));
}

#[test]
fn a_date_range_its_gutter_cell_wrapped_dates_the_entry_above() {
    // moderncv and its kin set dates flush right in a gutter; a long range wraps there, and its
    // second line sits beside the entry's first sentence, which it does not begin.
    let r = parse(&[resume_page(vec![
        Text(140.0, 680.0, 14.0, "Experience"),
        Text(72.0, 660.0, 10.0, "June 2020 -"),
        Text(140.0, 660.0, 10.0, "Software Engineer, Acme Robotics, Boston, USA"),
        Text(90.0, 647.0, 10.0, "Present"),
        Text(140.0, 647.0, 10.0, "Shipped the billing service used by every team in the company"),
        Text(72.0, 626.0, 10.0, "July 2015 -"),
        Text(140.0, 626.0, 10.0, "Data Analyst, Borealis Labs, Denver, USA"),
        Text(86.0, 613.0, 10.0, "May 2020"),
        Text(140.0, 613.0, 10.0, "Built the weekly revenue dashboards"),
        Text(140.0, 590.0, 14.0, "Skills"),
        Text(140.0, 570.0, 10.0, "Rust, SQL"),
    ])]);
    let experience: Vec<_> =
        r.sections.iter().filter(|s| s.kind == SectionKind::Experience).flat_map(|s| &s.entries).collect();
    assert_eq!(experience.len(), 2, "{experience:#?}");
    let acme = job(&r, "Acme Robotics");
    assert_eq!((acme.start.as_deref(), acme.end.as_deref(), acme.current), (Some("2020-06"), None, true));
    assert!(acme.lines.iter().any(|l| l.starts_with("Shipped the billing")), "{acme:#?}");
    let borealis = job(&r, "Borealis Labs");
    assert_eq!((borealis.start.as_deref(), borealis.end.as_deref()), (Some("2015-07"), Some("2020-05")));
}
