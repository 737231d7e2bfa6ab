//! Reads resumes and job descriptions: PDF, DOCX, TXT text extraction, sectioning, entities
