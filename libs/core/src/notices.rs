//! Warning codes in words a person can act on. The codes are the API's stable identifiers (a
//! client may key on `missing_company`); the sentences are what the CLI prints and what the API
//! shows beside each code, kept here once so every surface says the same thing.

/// Every warning the readers attach, with what it means for the person reading it.
const NOTICES: &[(&str, &str)] = &[
    // Resumes.
    (
        "multi_column_layout",
        "The resume is set in columns or has a sidebar; many applicant tracking systems read it \
         line by line, which mixes the columns. A single-column version reads reliably.",
    ),
    ("missing_email", "No email address was found; a recruiter needs one to reply."),
    ("no_sections", "No section headings were found (such as Experience, Education, Skills)."),
    // Job postings.
    ("short", "The posting is very short, so the score rests on little evidence."),
    ("missing_title", "The posting does not state a job title."),
    ("missing_company", "The posting does not name the company."),
    ("missing_location", "The posting does not say where the job is."),
    ("no_requirements", "No requirements were found in the posting, so the score has little to go on."),
    (
        "unsupported_language",
        "The posting is in a language resuMAX cannot analyse yet; skills and requirements were not read.",
    ),
];

/// The sentence for a warning code; an unknown code (a newer peer's) is shown as it is.
pub fn describe(code: &str) -> &str {
    NOTICES.iter().find(|(c, _)| *c == code).map_or(code, |(_, text)| text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_reads_as_a_sentence_and_unknown_codes_pass_through() {
        for (code, _) in NOTICES {
            let text = describe(code);
            assert!(text.ends_with('.') && text.chars().next().is_some_and(char::is_uppercase), "{code}");
            assert!(!text.contains('_'), "{code}: {text}");
        }
        assert_eq!(describe("missing_company"), "The posting does not name the company.");
        assert_eq!(describe("brand_new_code"), "brand_new_code");
    }
}
