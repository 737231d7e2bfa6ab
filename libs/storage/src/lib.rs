//! Object storage chosen by URL scheme: `file://<dir>` (embedded mode), `s3://bucket[/prefix]`
//! (production; credentials and endpoint from the standard `AWS_*` variables, including
//! `AWS_ENDPOINT_URL` for S3-compatible servers) or `memory://` (tests).

use std::collections::BTreeMap;
use std::sync::Arc;

use object_store::path::{Path, PathPart};
use object_store::{ObjectStore, ObjectStoreExt, PutPayload};
use resumax_core::{Error, ErrorCode};

#[derive(Clone)]
pub struct BlobStore {
    inner: Arc<dyn ObjectStore>,
    /// Present for S3: the store that signs URLs, and the key prefix the `inner` store adds.
    signer: Option<(Arc<object_store::aws::AmazonS3>, Option<Path>)>,
}

impl BlobStore {
    /// Opens the store named by `url`; S3 settings come from the process's `AWS_*` variables.
    pub fn from_url(url: &str) -> Result<Self, Error> {
        Self::from_url_with_env(url, &std::env::vars().collect())
    }

    /// As [`BlobStore::from_url`], with the `AWS_*` variables given (tests inject them rather
    /// than mutate the process environment).
    pub fn from_url_with_env(url: &str, env: &BTreeMap<String, String>) -> Result<Self, Error> {
        if let Some(dir) = url.strip_prefix("file://") {
            std::fs::create_dir_all(dir)
                .map_err(|e| Error::storage(&format!("creating the blob directory {dir}"), e))?;
            let store = object_store::local::LocalFileSystem::new_with_prefix(dir)
                .map_err(|e| Error::storage("opening the blob directory", e))?;
            return Ok(BlobStore { inner: Arc::new(store), signer: None });
        }
        if let Some(location) = url.strip_prefix("s3://") {
            return Self::s3(location, env);
        }
        if url == "memory://" {
            return Ok(BlobStore { inner: Arc::new(object_store::memory::InMemory::new()), signer: None });
        }
        Err(Error::invalid_input(format!(
            "RESUMAX_BLOB_URL {url:?} is not supported: use file://<dir>, s3://bucket[/prefix] or memory://"
        )))
    }

    fn s3(location: &str, env: &BTreeMap<String, String>) -> Result<Self, Error> {
        let (bucket, prefix) = location.split_once('/').unwrap_or((location, ""));
        if bucket.is_empty() {
            return Err(Error::invalid_input("RESUMAX_BLOB_URL s3:// needs a bucket name"));
        }
        let mut builder = object_store::aws::AmazonS3Builder::new().with_bucket_name(bucket);
        for (key, value) in env.iter().filter(|(key, _)| key.starts_with("AWS_")) {
            if let Ok(config_key) = key.to_ascii_lowercase().parse() {
                builder = builder.with_config(config_key, value);
            }
        }
        // S3-compatible servers (MinIO, moto, Ceph) are addressed by path, not virtual host.
        if let Some(endpoint) = env.get("AWS_ENDPOINT_URL").or_else(|| env.get("AWS_ENDPOINT")).cloned() {
            builder = builder
                .with_allow_http(endpoint.starts_with("http://"))
                .with_endpoint(endpoint)
                .with_virtual_hosted_style_request(false);
        }
        // A store that is down must fail a request in seconds (the job is retried by the queue),
        // not hold it for object_store's default of minutes.
        builder = builder.with_retry(object_store::RetryConfig {
            max_retries: 3,
            retry_timeout: std::time::Duration::from_secs(15),
            ..Default::default()
        });
        if !env.contains_key("AWS_REGION") && !env.contains_key("AWS_DEFAULT_REGION") {
            builder = builder.with_region("us-east-1");
        }
        let store = builder.build().map_err(|e| Error::invalid_input(format!("RESUMAX_BLOB_URL: {e}")))?;
        let store = Arc::new(store);
        let prefix = prefix.trim_matches('/');
        let (inner, prefix): (Arc<dyn ObjectStore>, Option<Path>) = if prefix.is_empty() {
            (store.clone(), None)
        } else {
            (
                Arc::new(object_store::prefix::PrefixStore::new(store.clone(), prefix)),
                Some(Path::from(prefix)),
            )
        };
        Ok(BlobStore { inner, signer: Some((store, prefix)) })
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

    /// A URL that lets its holder GET `key` until `ttl` has passed, without credentials; `None`
    /// when the store cannot issue one (local files), and the caller serves the bytes itself.
    pub async fn signed_url(&self, key: &Path, ttl: std::time::Duration) -> Result<Option<String>, Error> {
        use object_store::signer::Signer;
        let Some((s3, prefix)) = &self.signer else { return Ok(None) };
        let full = match prefix {
            Some(prefix) => Path::from_iter(prefix.parts().chain(key.parts())),
            None => key.clone(),
        };
        let url = s3
            .signed_url(object_store::signer::Method::GET, &full, ttl)
            .await
            .map_err(|e| Error::storage("signing a download URL", e))?;
        Ok(Some(url.to_string()))
    }

    /// Proves the store answers, without writing; used by `/readyz` on every probe. A missing
    /// object is an answer too.
    pub async fn check(&self) -> Result<(), Error> {
        match self.inner.head(&Path::from("readyz/probe")).await {
            Ok(_) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(e) => Err(Error::storage("checking object storage", e)),
        }
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
    /// The accepted version an export renders, kept beside its files.
    pub fn version_source(user: &str, version_id: &str) -> Path {
        user_path(user, &["versions", version_id, "version.json"])
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
        assert_eq!(reopened.signed_url(&key, std::time::Duration::from_secs(60)).await.unwrap(), None);
        let missing = reopened.get(&keys::resume_original("user-1", "nope")).await.unwrap_err();
        assert_eq!(missing.code, ErrorCode::NotFound);
    }

    #[test]
    fn a_user_id_cannot_escape_its_prefix() {
        let key = keys::resume_original("../other/user", "abc");
        assert_eq!(key.parts().count(), 5, "{key}");
        assert!(key.as_ref().starts_with("users/"));
    }

    #[tokio::test]
    async fn s3_round_trip_on_a_real_s3_server() {
        let Some(bucket) = resumax_testkit::s3_bucket().await else { return };
        let env: BTreeMap<String, String> = bucket.env.iter().cloned().collect();
        let store = BlobStore::from_url_with_env(&bucket.url, &env).unwrap();
        let key = keys::version_export("user-1", "v1", "txt");
        store.put(&key, b"resume text".to_vec()).await.unwrap();
        assert_eq!(store.get(&key).await.unwrap(), b"resume text");
        store.check().await.unwrap();
        // The signed URL works without credentials.
        let url =
            store.signed_url(&key, std::time::Duration::from_secs(60)).await.unwrap().expect("s3 signs");
        let body = reqwest::get(&url).await.unwrap();
        assert_eq!(body.status(), 200, "{url}");
        assert_eq!(body.bytes().await.unwrap().as_ref(), b"resume text");
        let missing = store.get(&keys::version_export("user-1", "nope", "txt")).await.unwrap_err();
        assert_eq!(missing.code, ErrorCode::NotFound);
        // A store that is down is a storage error, never a panic or a silent success.
        let down: BTreeMap<String, String> = env
            .into_iter()
            .map(
                |(k, v)| if k == "AWS_ENDPOINT_URL" { (k, "http://127.0.0.1:9".to_string()) } else { (k, v) },
            )
            .collect();
        let unreachable = BlobStore::from_url_with_env(&bucket.url, &down).unwrap();
        assert_eq!(unreachable.put(&key, b"x".to_vec()).await.unwrap_err().code, ErrorCode::StorageError);
    }

    #[test]
    fn unknown_schemes_are_refused() {
        assert!(BlobStore::from_url("ftp://x").is_err());
    }
}
