//! The domain core of resuMAX: the types every service speaks, the closed set of error codes, and
//! the client traits through which services call each other.
//!
//! This crate knows no backend, no HTTP and no gRPC transport. A trait here is implemented twice:
//! by the service itself (called directly when the peer runs in the same process) and by its gRPC
//! client (when the peer runs elsewhere). Callers never know which one they hold.

pub mod api;
pub mod error;
pub mod ids;
pub mod job_description;
pub mod notices;
pub mod optimization;
pub mod resume;
pub mod score;

pub use error::{Error, ErrorCode, Result};

#[cfg(test)]
mod wire_names {
    use crate::api::ParseStatus;
    use crate::optimization::{ExportFormat, OptimizationStatus, Strategy};
    use crate::resume::SectionKind;

    // The strum name of every variant is the serde name, so `as_str`, `parse`, the JSON and the
    // database columns all agree.
    fn names_agree<T>()
    where
        T: strum::VariantArray + Copy + Into<&'static str> + std::str::FromStr + serde::Serialize + PartialEq,
        T: std::fmt::Debug,
    {
        for &variant in T::VARIANTS {
            let name: &'static str = variant.into();
            assert_eq!(serde_json::to_value(variant).unwrap(), serde_json::json!(name));
            assert!(name.parse::<T>().ok() == Some(variant), "{name} does not parse back");
        }
    }

    #[test]
    fn strum_and_serde_names_agree() {
        names_agree::<crate::ErrorCode>();
        names_agree::<ParseStatus>();
        names_agree::<OptimizationStatus>();
        names_agree::<Strategy>();
        names_agree::<ExportFormat>();
        names_agree::<SectionKind>();
    }

    #[test]
    fn wire_strings_are_the_contract() {
        assert_eq!(Strategy::AggressiveKeywords.as_str(), "aggressive_keywords");
        assert_eq!(crate::ErrorCode::SchemaValidationFailed.as_str(), "schema_validation_failed");
        assert_eq!(
            Strategy::parse("bold").unwrap_err().message,
            "unknown strategy \"bold\": use default, conservative or aggressive_keywords"
        );
        assert_eq!(
            ExportFormat::parse("rtf").unwrap_err().message,
            "unknown export format \"rtf\": use pdf, docx or text"
        );
        assert_eq!(SectionKind::parse("hobbies"), SectionKind::Other);
    }
}
