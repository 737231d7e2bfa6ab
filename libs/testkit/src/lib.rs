//! Test support: real backends, fresh per test. PostgreSQL and NATS run on this machine
//! (127.0.0.1:5432 and :4222, or `RESUMAX_TEST_POSTGRES_URL` / `RESUMAX_TEST_NATS_URL`); an S3
//! server is `RESUMAX_TEST_S3_ENDPOINT`, or a `moto_server` (PyPI `moto[server]`) this process
//! starts on a free port.
//!
//! Each function answers `None` when its service is unreachable, so a developer without it sees
//! a skip message; under `CI=true` an unreachable service panics instead: CI never skips silently.

use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use sea_orm::{ConnectionTrait, Database};
use tokio::sync::OnceCell;

pub fn ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true")
}

fn unavailable(service: &str, why: impl std::fmt::Display) {
    assert!(!ci(), "{service} is required under CI=true: {why}");
    eprintln!("skipping: {service} unavailable ({why}); set CI=true to make this fatal");
}

/// A name no other test (in this or another process) uses.
pub fn unique(prefix: &str) -> String {
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let nanos =
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default().as_nanos();
    format!(
        "{prefix}_{}_{}_{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::SeqCst),
        nanos % 1_000_000_000
    )
}

/// A new, empty PostgreSQL database; its URL.
pub async fn postgres_database() -> Option<String> {
    let base = std::env::var("RESUMAX_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432".into());
    let admin = match Database::connect(format!("{base}/postgres")).await {
        Ok(admin) => admin,
        Err(error) => {
            unavailable("PostgreSQL", error);
            return None;
        }
    };
    drop_abandoned_databases(&admin).await;
    let name = unique("resumax_test");
    admin.execute_unprepared(&format!("CREATE DATABASE {name}")).await.expect("create a test database");
    let _ = admin.close().await;
    Some(format!("{base}/{name}"))
}

/// Test databases and stream prefixes carry the id of the process that made them ([`unique`]).
/// One whose process is gone is left over from an earlier run: it is removed, so repeated runs on
/// the machine's shared servers do not pile them up.
fn abandoned(name: &str, prefix: &str) -> bool {
    name.strip_prefix(prefix)
        .and_then(|rest| rest.split('_').next())
        .and_then(|pid| pid.parse::<u32>().ok())
        .is_some_and(|pid| !std::path::Path::new(&format!("/proc/{pid}")).exists())
}

async fn drop_abandoned_databases(admin: &sea_orm::DatabaseConnection) {
    let listed = admin
        .query_all_raw(sea_orm::Statement::from_string(
            admin.get_database_backend(),
            "SELECT datname FROM pg_database WHERE datname LIKE 'resumax\\_test\\_%'",
        ))
        .await;
    for row in listed.into_iter().flatten() {
        let Ok(name) = row.try_get_by_index::<String>(0) else { continue };
        if abandoned(&name, "resumax_test_") {
            // Best effort: another test process may be dropping the same one.
            let _ = admin.execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).await;
        }
    }
}

/// A NATS URL with a stream prefix of its own.
pub async fn nats_url() -> Option<String> {
    let base = std::env::var("RESUMAX_TEST_NATS_URL").unwrap_or_else(|_| "nats://127.0.0.1:4222".into());
    if let Err(error) = tokio::net::TcpStream::connect(base.trim_start_matches("nats://")).await {
        unavailable("NATS", error);
        return None;
    }
    delete_abandoned_streams(&base).await;
    Some(format!("{base}?prefix={}", unique("t")))
}

async fn delete_abandoned_streams(url: &str) {
    use futures_util::StreamExt;
    let Ok(client) = async_nats::connect(url).await else { return };
    let jetstream = async_nats::jetstream::new(client);
    let names: Vec<String> =
        jetstream.stream_names().filter_map(|name| async move { name.ok() }).collect().await;
    for name in names.iter().filter(|name| abandoned(name, "t_")) {
        let _ = jetstream.delete_stream(name).await;
    }
}

/// An S3 bucket on an S3-compatible server: the blob URL and the `AWS_*` variables to use it.
pub struct S3Bucket {
    pub url: String,
    pub endpoint: String,
    pub env: Vec<(String, String)>,
}

static S3_ENDPOINT: OnceCell<Option<String>> = OnceCell::const_new();

async fn s3_endpoint() -> Option<String> {
    S3_ENDPOINT
        .get_or_init(|| async {
            if let Ok(endpoint) = std::env::var("RESUMAX_TEST_S3_ENDPOINT") {
                return Some(endpoint);
            }
            start_moto().await
        })
        .await
        .clone()
}

/// Starts `moto_server` on a free port, watched by a shell that stops it when this test process
/// exits (so no server outlives the test run).
async fn start_moto() -> Option<String> {
    let port = std::net::TcpListener::bind("127.0.0.1:0").ok()?.local_addr().ok()?.port();
    let watchdog = format!(
        "moto_server -H 127.0.0.1 -p {port} >/dev/null 2>&1 & server=$!; \
         while kill -0 {parent} 2>/dev/null && kill -0 $server 2>/dev/null; do sleep 1; done; kill $server 2>/dev/null",
        parent = std::process::id()
    );
    let mut command = Command::new("sh");
    command.args(["-c", &watchdog]).stdin(Stdio::null());
    // The watchdog shell outlives this handle on purpose: it stops the server with this process.
    spawn_listening(command, port, "S3 (moto_server; pip install 'moto[server]')")
        .await
        .map(|_watchdog| format!("http://127.0.0.1:{port}"))
}

/// A new bucket. Credentials are dummies: the test server does not check signatures.
pub async fn s3_bucket() -> Option<S3Bucket> {
    let endpoint = s3_endpoint().await?;
    create_bucket(&endpoint, &unique("resumax").replace('_', "-")).await
}

/// An S3 server of the test's own, which the test may stop and start again (an outage). It keeps
/// its objects in memory, so a restart loses them: call [`OwnS3Server::create_bucket`] again.
pub struct OwnS3Server {
    pub port: u16,
    child: Option<std::process::Child>,
}

impl OwnS3Server {
    pub async fn start() -> Option<OwnS3Server> {
        let port = std::net::TcpListener::bind("127.0.0.1:0").ok()?.local_addr().ok()?.port();
        let mut server = OwnS3Server { port, child: None };
        server.restart().await.then_some(server)
    }

    pub fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Starts the server (again) on the same port; false if it cannot.
    pub async fn restart(&mut self) -> bool {
        self.stop();
        let mut command = Command::new("moto_server");
        command.args(["-H", "127.0.0.1", "-p", &self.port.to_string()]);
        self.child = spawn_listening(command, self.port, "S3 (moto_server)").await;
        self.child.is_some()
    }

    pub async fn create_bucket(&self, bucket: &str) -> Option<S3Bucket> {
        create_bucket(&self.endpoint(), bucket).await
    }
}

impl Drop for OwnS3Server {
    fn drop(&mut self) {
        self.stop();
    }
}

async fn create_bucket(endpoint: &str, bucket: &str) -> Option<S3Bucket> {
    let endpoint = endpoint.to_string();
    let created = reqwest::Client::new().put(format!("{endpoint}/{bucket}")).send().await;
    match created {
        Ok(response) if response.status().is_success() => {}
        Ok(response) => panic!("creating bucket {bucket} failed: {}", response.status()),
        Err(error) => {
            unavailable("S3", error);
            return None;
        }
    }
    let env = [
        ("AWS_ENDPOINT_URL", endpoint.as_str()),
        ("AWS_ACCESS_KEY_ID", "test"),
        ("AWS_SECRET_ACCESS_KEY", "test"),
        ("AWS_REGION", "us-east-1"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    Some(S3Bucket { url: format!("s3://{bucket}/data"), endpoint, env })
}

/// A NATS JetStream server of the test's own (its own port and store directory), which the test
/// may restart without touching the machine's shared server.
pub struct OwnNatsServer {
    pub port: u16,
    store: std::path::PathBuf,
    child: Option<std::process::Child>,
}

fn nats_server_binary() -> Option<std::path::PathBuf> {
    let on_path = std::env::var_os("PATH")
        .into_iter()
        .flat_map(|paths| std::env::split_paths(&paths).collect::<Vec<_>>())
        .map(|dir| dir.join("nats-server"));
    on_path.chain([std::path::PathBuf::from("/usr/sbin/nats-server")]).find(|path| path.is_file())
}

impl OwnNatsServer {
    pub async fn start(store: &std::path::Path) -> Option<OwnNatsServer> {
        let port = std::net::TcpListener::bind("127.0.0.1:0").ok()?.local_addr().ok()?.port();
        let mut server = OwnNatsServer { port, store: store.to_path_buf(), child: None };
        server.restart().await.then_some(server)
    }

    pub fn url(&self) -> String {
        format!("nats://127.0.0.1:{}", self.port)
    }

    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// (Re)starts the server on the same port and store; its streams survive a restart.
    pub async fn restart(&mut self) -> bool {
        self.stop();
        let Some(binary) = nats_server_binary() else {
            unavailable("NATS (nats-server binary)", "not found on PATH or in /usr/sbin");
            return false;
        };
        let mut command = Command::new(binary);
        command.args(["-a", "127.0.0.1", "-p", &self.port.to_string(), "-js", "-sd"]).arg(&self.store);
        self.child = spawn_listening(command, self.port, "NATS (nats-server)").await;
        self.child.is_some()
    }
}

/// Starts a server process and waits until it accepts connections on `port`.
async fn spawn_listening(mut command: Command, port: u16, service: &str) -> Option<std::process::Child> {
    let mut child = match command.stdout(Stdio::null()).stderr(Stdio::null()).spawn() {
        Ok(child) => child,
        Err(error) => {
            unavailable(service, error);
            return None;
        }
    };
    for _ in 0..100 {
        if tokio::net::TcpStream::connect(("127.0.0.1", port)).await.is_ok() {
            return Some(child);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let _ = child.kill();
    unavailable(service, "did not start in 10 s");
    None
}

impl Drop for OwnNatsServer {
    fn drop(&mut self) {
        self.stop();
    }
}
