//! Object storage chosen by URL scheme: `file://<dir>` (embedded mode) or `memory://` (tests).
//! `s3://` arrives with the distributed mesh; until then it is refused at start with a clear
//! message rather than half-supported.

use std::sync::Arc;

use object_store::path::{Path, PathPart};
use object_store::{ObjectStore, ObjectStoreExt, PutPayload};
use resumax_core::{Error, ErrorCode};

#[derive(Clone)]
pub struct BlobStore {
    inner: Arc<dyn ObjectStore>,
}

impl BlobStore {
    pub fn from_url(url: &str) -> Result<Self, Error> {
        if let Some(dir) = url.strip_prefix("file://") {
            std::fs::create_dir_all(dir)
                .map_err(|e| Error::storage(&format!("creating the blob directory {dir}"), e))?;
            let store = object_store::local::LocalFileSystem::new_with_prefix(dir)
                .map_err(|e| Error::storage("opening the blob directory", e))?;
            return Ok(BlobStore { inner: Arc::new(store) });
        }
        if url == "memory://" {
            return Ok(BlobStore { inner: Arc::new(object_store::memory::InMemory::new()) });
        }
        Err(Error::invalid_input(format!(
            "RESUMAX_BLOB_URL {url:?} is not supported by this build: use file://<dir> or memory://"
        )))
    }

    pub async fn put(&self, key: &Path, bytes: Vec<u8>) -> Result<(), Error> {
        self.inner
            .put(key, PutPayload::from(bytes))
            .await
            .map_err(|e| Error::storage("storing a file", e))?;
        Ok(())
    }

    pub async fn get(&self, key: &Path) -> Result<Vec<u8>, Error> {
        let result = self.inner.get(key).await.map_err(|e| match e {
            object_store::Error::NotFound { .. } => Error::new(ErrorCode::NotFound, "stored file not found"),
            other => Error::storage("reading a stored file", other),
        })?;
        let bytes = result.bytes().await.map_err(|e| Error::storage("reading a stored file", e))?;
        Ok(bytes.to_vec())
    }

    /// A round trip that proves the store answers; used by `/readyz`.
    pub async fn check(&self) -> Result<(), Error> {
        let key = Path::from("readyz/probe");
        self.put(&key, b"ok".to_vec()).await?;
        self.get(&key).await.map(|_| ())
    }
}

/// Object keys of DESIGN.md section 8. The user id comes from a token, so it is encoded as one
/// path segment: a `/` in it can never reach another user's prefix.
pub mod keys {
    use super::*;

    fn user_path(user: &str, rest: &[&str]) -> Path {
        let mut parts: Vec<PathPart<'static>> =
            vec![PathPart::from("users"), PathPart::from(user.to_string())];
        parts.extend(rest.iter().map(|p| PathPart::from(p.to_string())));
        Path::from_iter(parts)
    }

    pub fn resume_original(user: &str, resume_id: &str) -> Path {
        user_path(user, &["resumes", resume_id, "original"])
    }
    pub fn job_description_original(user: &str, job_description_id: &str) -> Path {
        user_path(user, &["job-descriptions", job_description_id, "original"])
    }
    /// `artifact` is `prompt` or `output`.
    pub fn optimization_artifact(user: &str, optimization_id: &str, artifact: &str) -> Path {
        user_path(user, &["optimizations", optimization_id, &format!("{artifact}.json")])
    }
    pub fn version_export(user: &str, version_id: &str, extension: &str) -> Path {
        user_path(user, &["versions", version_id, &format!("resume.{extension}")])
    }

    pub fn parse(key: &str) -> Result<Path, Error> {
        Path::parse(key).map_err(|_| Error::new(ErrorCode::Internal, "stored key is malformed"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn local_files_round_trip_and_survive_reopening() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("file://{}", dir.path().display());
        let key = keys::resume_original("user-1", "abc");
        BlobStore::from_url(&url).unwrap().put(&key, b"%PDF-1.7".to_vec()).await.unwrap();
        let reopened = BlobStore::from_url(&url).unwrap();
        assert_eq!(reopened.get(&key).await.unwrap(), b"%PDF-1.7");
        let missing = reopened.get(&keys::resume_original("user-1", "nope")).await.unwrap_err();
        assert_eq!(missing.code, ErrorCode::NotFound);
    }

    #[test]
    fn a_user_id_cannot_escape_its_prefix() {
        let key = keys::resume_original("../other/user", "abc");
        assert_eq!(key.parts().count(), 5, "{key}");
        assert!(key.as_ref().starts_with("users/"));
    }

    #[test]
    fn unknown_schemes_are_refused() {
        assert!(BlobStore::from_url("ftp://x").is_err());
    }
}
