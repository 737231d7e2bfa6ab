//! Spawning nodes and talking to them.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

pub const BIN: &str = env!("CARGO_BIN_EXE_resumax");

pub fn corpus(relative: &str) -> PathBuf {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus").join(relative);
    assert!(path.exists(), "corpus file {} is missing: the tests need ../shared/corpus", path.display());
    path
}

pub fn ground_truth(relative: &str) -> Value {
    let text = std::fs::read_to_string(corpus(relative)).expect("ground truth readable");
    serde_json::from_str(&text).expect("ground truth is JSON")
}

/// Where nodes keep their state: the embedded defaults (SQLite, local files, in-process queue),
/// or the production backends (PostgreSQL, NATS JetStream, S3), fresh for each test.
#[derive(Clone, Default)]
pub struct Backends {
    env: Vec<(String, String)>,
}

impl Backends {
    /// Backends given by their variables (`RESUMAX_DATABASE_URL`, `RESUMAX_QUEUE_URL`, ...).
    pub fn with_env(env: Vec<(String, String)>) -> Backends {
        Backends { env }
    }

    pub fn embedded() -> Backends {
        Backends::default()
    }

    /// `None` (a skip) only outside CI: under `CI=true` a missing service fails the test.
    pub async fn production() -> Option<Backends> {
        Backends::production_on(resumax_testkit::s3_bucket().await?).await
    }

    /// The production backends with the given bucket (on an S3 server the test controls).
    pub async fn production_on(bucket: resumax_testkit::S3Bucket) -> Option<Backends> {
        let database = resumax_testkit::postgres_database().await?;
        let queue = resumax_testkit::nats_url().await?;
        let mut env = vec![
            ("RESUMAX_DATABASE_URL".to_string(), database),
            ("RESUMAX_QUEUE_URL".to_string(), queue),
            ("RESUMAX_BLOB_URL".to_string(), bucket.url),
        ];
        env.extend(bucket.env);
        Some(Backends { env })
    }
}

/// Runs a scenario on the embedded and on the production backends.
#[macro_export]
macro_rules! on_both_backends {
    ($scenario:ident) => {
        mod $scenario {
            #[tokio::test]
            async fn embedded() {
                super::$scenario($crate::helpers::Backends::embedded()).await;
            }

            #[tokio::test]
            async fn production() {
                let Some(backends) = $crate::helpers::Backends::production().await else { return };
                super::$scenario(backends).await;
            }
        }
    };
}

/// A running `resumax serve`; killed (SIGKILL, like a crash) when dropped.
pub struct Node {
    child: Child,
    pub base: String,
    pub grpc_addr: String,
    pub data_dir: PathBuf,
    pub http: reqwest::Client,
    /// The backend variables the node runs with, for CLI commands against the same state.
    backend_env: Vec<(String, String)>,
}

impl Node {
    /// Starts a node on free ports with `data_dir`, and waits until it answers `/readyz`.
    pub async fn start(data_dir: &Path, backends: &Backends, env: &[(&str, &str)]) -> Node {
        Node::start_services(data_dir, "all", backends, env).await
    }

    /// Starts a node running only `services` (`all` or a comma-separated list).
    pub async fn start_services(
        data_dir: &Path,
        services: &str,
        backends: &Backends,
        env: &[(&str, &str)],
    ) -> Node {
        let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(data_dir.join("node.log"))
            .expect("node log file");
        let mut command = Command::new(BIN);
        command
            .args(["serve", "--services", services])
            .env("RESUMAX_DATA_DIR", data_dir)
            .env("RESUMAX_HTTP_ADDR", "127.0.0.1:0")
            .env("RESUMAX_GRPC_ADDR", "127.0.0.1:0")
            .env("RUST_LOG", "info")
            .stdout(Stdio::piped())
            .stderr(log);
        for (key, value) in &backends.env {
            command.env(key, value);
        }
        for (key, value) in env {
            command.env(key, value);
        }
        let mut child = command.spawn().expect("spawn resumax serve");
        let stdout = child.stdout.take().expect("stdout piped");
        // The node prints "http listening on ADDR" then "grpc listening on ADDR" once bound.
        let first_lines = tokio::task::spawn_blocking(move || {
            let mut reader = BufReader::new(stdout);
            let (mut http, mut grpc) = (String::new(), String::new());
            reader.read_line(&mut http)?;
            reader.read_line(&mut grpc)?;
            Ok::<_, std::io::Error>((http, grpc))
        });
        let (http, grpc) = tokio::time::timeout(Duration::from_secs(60), first_lines)
            .await
            .unwrap_or_else(|_| panic!("node did not start; see {}", data_dir.join("node.log").display()))
            .expect("reader thread")
            .expect("read stdout");
        let after = |line: &str, prefix: &str| {
            line.trim()
                .strip_prefix(prefix)
                .unwrap_or_else(|| panic!("unexpected line {line:?}; see node.log"))
                .to_string()
        };
        let addr = after(&http, "http listening on ");
        let grpc_addr = after(&grpc, "grpc listening on ");
        let node = Node {
            child,
            base: format!("http://{addr}"),
            grpc_addr,
            data_dir: data_dir.to_path_buf(),
            http: reqwest::Client::new(),
            backend_env: backends.env.clone(),
        };
        let ready = node.http.get(node.url("/readyz")).send().await.expect("readyz answers");
        assert_eq!(ready.status(), 200, "node not ready: {:?}", ready.text().await);
        node
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// A token from `resumax token`, signed with the key this node keeps in its data dir.
    pub fn token(&self, user: &str, verified: bool) -> String {
        token_for(&self.data_dir, user, verified)
    }

    /// Runs `resumax <args>` against this node's data dir and backends; its stdout.
    pub fn cli(&self, args: &[&str]) -> String {
        let output = Command::new(BIN)
            .args(args)
            .env("RESUMAX_DATA_DIR", &self.data_dir)
            .envs(self.backend_env.iter().map(|(k, v)| (k, v)))
            .output()
            .expect("run resumax");
        assert!(output.status.success(), "resumax {args:?}: {}", String::from_utf8_lossy(&output.stderr));
        String::from_utf8(output.stdout).expect("utf-8 output")
    }

    /// The node's process id (its parse children are its child processes).
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    pub fn kill(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    pub async fn upload_resume(&self, token: &str, file: &str) -> (u16, Value) {
        let bytes = std::fs::read(corpus(file)).expect("corpus file");
        let name = Path::new(file).file_name().unwrap().to_string_lossy().into_owned();
        let form = reqwest::multipart::Form::new()
            .part("file", reqwest::multipart::Part::bytes(bytes).file_name(name));
        let response =
            self.http.post(self.url("/resumes")).bearer_auth(token).multipart(form).send().await.unwrap();
        status_and_json(response).await
    }

    pub async fn post_json(&self, token: &str, path: &str, body: Value) -> (u16, Value) {
        let response = self.http.post(self.url(path)).bearer_auth(token).json(&body).send().await.unwrap();
        status_and_json(response).await
    }

    pub async fn get(&self, token: &str, path: &str) -> (u16, Value) {
        let response = self.http.get(self.url(path)).bearer_auth(token).send().await.unwrap();
        status_and_json(response).await
    }

    /// Polls `path` until `field` leaves the non-terminal values, or panics after `patience`.
    pub async fn wait_for(&self, token: &str, path: &str, field: &str, terminal: &[&str]) -> Value {
        let started = Instant::now();
        loop {
            let (status, body) = self.get(token, path).await;
            assert_eq!(status, 200, "{path}: {body}");
            if terminal.contains(&body[field].as_str().unwrap_or_default()) {
                return body;
            }
            assert!(started.elapsed() < Duration::from_secs(120), "{path} stuck at {}: {body}", body[field]);
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    pub async fn wait_parsed(&self, token: &str, path: &str) -> Value {
        let body = self.wait_for(token, path, "parseStatus", &["completed", "failed"]).await;
        assert_eq!(body["parseStatus"], "completed", "{path} failed to parse: {body}");
        body
    }
}

impl Drop for Node {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn token_for(data_dir: &Path, user: &str, verified: bool) -> String {
    let mut command = Command::new(BIN);
    command.args(["token", "--user", user]).env("RESUMAX_DATA_DIR", data_dir);
    if !verified {
        command.arg("--unverified");
    }
    let output = command.output().expect("run resumax token");
    assert!(output.status.success(), "resumax token: {}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8(output.stdout).expect("utf-8 token").trim().to_string()
}

pub async fn status_and_json(response: reqwest::Response) -> (u16, Value) {
    let status = response.status().as_u16();
    let header = response.headers().get("x-request-id").map(|v| v.to_str().unwrap().to_string());
    let text = response.text().await.unwrap();
    let body: Value = if text.is_empty() {
        Value::Null
    } else {
        serde_json::from_str(&text).unwrap_or(Value::String(text))
    };
    let header = header.unwrap_or_else(|| panic!("no x-request-id on a {status} response: {body}"));
    if status >= 400 {
        assert_eq!(body["requestId"], header.as_str(), "error body requestId must match the header: {body}");
        assert!(body["code"].is_string() && body["message"].is_string(), "error shape: {body}");
    }
    (status, body)
}

pub fn temp_dir() -> tempfile::TempDir {
    tempfile::Builder::new().prefix("resumax-system-").tempdir().expect("temp dir")
}
