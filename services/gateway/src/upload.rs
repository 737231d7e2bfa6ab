//! Multipart uploads, size-checked chunk by chunk so an oversized file is refused as soon as it
//! passes the limit and never held in memory beyond it.

use axum::extract::Multipart;
use axum::extract::multipart::MultipartError;
use axum::http::StatusCode;
use resumax_core::ErrorCode;
use resumax_core::api::Upload;

use crate::error::{ApiError, lowercase_first};

/// Room for the multipart framing (boundaries, part headers, small extra fields) on top of the
/// file limit; the body limit of an upload route is the file limit plus this.
pub const MULTIPART_OVERHEAD: usize = 64 * 1024;

const FILE_FIELD: &str = "file";

/// Reads the `file` field of a multipart body. Other fields are skipped (their bytes are bounded
/// by the route's body limit).
pub async fn read_file_field(
    mut multipart: Multipart,
    limit: usize,
    default_name: &str,
) -> Result<Upload, ApiError> {
    let mut upload: Option<Upload> = None;
    while let Some(mut field) = multipart.next_field().await.map_err(|e| multipart_error(e, limit))? {
        if upload.is_some() || field.name() != Some(FILE_FIELD) {
            continue;
        }
        let file_name = clean_file_name(field.file_name(), default_name);
        let mut bytes = Vec::new();
        while let Some(chunk) = field.chunk().await.map_err(|e| multipart_error(e, limit))? {
            if bytes.len() + chunk.len() > limit {
                return Err(too_large(limit));
            }
            bytes.extend_from_slice(&chunk);
        }
        upload = Some(Upload { file_name, bytes });
    }
    let upload = upload.ok_or_else(|| ApiError::invalid_input("multipart field \"file\" is required"))?;
    if upload.bytes.is_empty() {
        return Err(ApiError::invalid_input("the uploaded file is empty"));
    }
    Ok(upload)
}

pub fn too_large(limit: usize) -> ApiError {
    ApiError::new(
        ErrorCode::SizeExceeded,
        format!("upload exceeds the limit of {} MB", limit / (1024 * 1024)),
    )
}

// A body-limit error (content-length over the route limit, or the stream passing it) is the same
// condition as the file passing its limit, so it gets the same message.
fn multipart_error(error: MultipartError, limit: usize) -> ApiError {
    if error.status() == StatusCode::PAYLOAD_TOO_LARGE {
        return too_large(limit);
    }
    ApiError::invalid_input(format!("malformed multipart body: {}", lowercase_first(&error.body_text())))
}

/// The client's file name without any path and control characters, bounded in length; it is only
/// shown back to the user, never used as a path.
fn clean_file_name(given: Option<&str>, default_name: &str) -> String {
    let base = given.unwrap_or_default().rsplit(['/', '\\']).next().unwrap_or_default();
    let cleaned: String = base.chars().filter(|c| !c.is_control()).take(255).collect();
    let cleaned = cleaned.trim();
    if cleaned.is_empty() || cleaned == "." || cleaned == ".." {
        default_name.to_string()
    } else {
        cleaned.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::clean_file_name;

    #[test]
    fn file_names_lose_paths_and_control_characters() {
        assert_eq!(clean_file_name(Some("../../etc/passwd"), "x"), "passwd");
        assert_eq!(clean_file_name(Some("C:\\docs\\cv.pdf"), "x"), "cv.pdf");
        assert_eq!(clean_file_name(Some("a\u{0}b\n.pdf"), "x"), "ab.pdf");
        assert_eq!(clean_file_name(Some(".."), "resume"), "resume");
        assert_eq!(clean_file_name(None, "resume"), "resume");
        assert_eq!(clean_file_name(Some(&"é".repeat(400)), "x").chars().count(), 255);
    }
}
