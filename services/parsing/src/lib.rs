//! Parsing service: stores uploads, extracts and sections resumes, analyses job descriptions
