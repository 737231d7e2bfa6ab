//! Parsing out of process: a small pool of `resumax parse-child` processes, each under an
//! address-space and a CPU limit set by the OS. A parse that runs away or crashes costs its
//! child, never the service: the pool kills a child past the deadline and starts another in its
//! place. The work budget inside the readers is the first bound; this is the second.
//!
//! The protocol is framed over the child's stdin and stdout: each frame is a big-endian `u32`
//! length and that many bytes. A request is the kind (`r` resume, `j` job description), the
//! time allowed in milliseconds (big-endian `u64`) and the file. A response is `0` and the
//! parsed document as stored JSON, or `1` and the error as JSON `{code, message}`.

use std::io::{Read, Write};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use resumax_core::{Error, ErrorCode, Result};
use resumax_document::{Budget, Limits};
use serde::{Deserialize, Serialize};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::process::{Child, ChildStdin, ChildStdout, Command};
use tokio::sync::{Mutex, Semaphore};

use crate::Document;

/// Frames larger than this are refused on both sides (a file is at most 20 MB, its JSON less).
const MAX_FRAME: usize = 64 * 1024 * 1024;

/// How a parse is run: on a blocking thread here, or in a child.
#[derive(Clone)]
pub enum Parser {
    InProcess { limits: Limits, timeout: Duration },
    Pool(Arc<ParsePool>),
}

impl Parser {
    /// The default budget and deadline on a blocking thread (tests and tools).
    pub fn in_process() -> Parser {
        Parser::InProcess { limits: Limits::default(), timeout: Duration::from_secs(60) }
    }

    /// A resume file as the stored JSON of its parse.
    pub async fn parse_resume(&self, bytes: Vec<u8>) -> Result<String> {
        self.parse(Document::Resume, bytes).await
    }

    pub(crate) async fn parse(&self, kind: Document, bytes: Vec<u8>) -> Result<String> {
        match self {
            Parser::InProcess { limits, timeout } => parse_on_thread(kind, bytes, *limits, *timeout).await,
            Parser::Pool(pool) => pool.parse(kind, bytes).await,
        }
    }
}

fn unreadable() -> Error {
    Error::new(
        ErrorCode::ParseFailed,
        "this file could not be read; save it again from your editor and re-upload",
    )
}

fn too_slow() -> Error {
    Error::new(
        ErrorCode::ParseFailed,
        "this file took too long to read; simplify it or save it as a plain PDF",
    )
}

/// Parsing is CPU work: off the async workers, and bounded in time. At the deadline the budget's
/// flag is set, so the blocking task itself stops instead of running on unobserved.
async fn parse_on_thread(
    kind: Document,
    bytes: Vec<u8>,
    limits: Limits,
    timeout: Duration,
) -> Result<String> {
    let cancel = Arc::new(AtomicBool::new(false));
    let flag = cancel.clone();
    let work = tokio::task::spawn_blocking(move || {
        let budget = Budget::new(limits).with_deadline(Instant::now() + timeout).with_cancel(flag);
        kind.read(&bytes, &budget)
    });
    match tokio::time::timeout(timeout, work).await {
        Ok(Ok(result)) => result,
        Ok(Err(panic)) => {
            tracing::error!(%panic, "document parser panicked");
            Err(unreadable())
        }
        Err(_) => {
            cancel.store(true, Ordering::Relaxed);
            Err(too_slow())
        }
    }
}

/// How the pool starts its children and bounds them.
#[derive(Debug, Clone)]
pub struct PoolConfig {
    /// The `resumax` binary (the running one in production).
    pub program: PathBuf,
    pub children: usize,
    pub timeout: Duration,
    pub child: ChildLimits,
}

/// What a child is told on its command line.
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
pub struct ChildLimits {
    pub budget: Limits,
    /// RLIMIT_AS, bytes.
    pub memory_bytes: u64,
    /// RLIMIT_CPU per parse, seconds.
    pub cpu_seconds: u64,
}

impl ChildLimits {
    /// The arguments of `resumax parse-child` that carry these limits.
    pub fn to_args(&self) -> Vec<String> {
        vec!["parse-child".into(), "--limits".into(), serde_json::to_string(self).unwrap_or_default()]
    }

    pub fn from_arg(arg: &str) -> std::result::Result<ChildLimits, String> {
        serde_json::from_str(arg).map_err(|e| format!("bad --limits: {e}"))
    }
}

struct Worker {
    process: Child,
    stdin: ChildStdin,
    stdout: ChildStdout,
    pid: u32,
}

pub struct ParsePool {
    config: PoolConfig,
    idle: Mutex<Vec<Worker>>,
    permits: Semaphore,
    busy: std::sync::Mutex<Vec<u32>>,
}

impl ParsePool {
    /// Starts the children (so the first parse does not wait for one).
    pub fn start(config: PoolConfig) -> Result<Arc<ParsePool>> {
        let children = config.children.max(1);
        let workers = (0..children).map(|_| spawn(&config)).collect::<Result<Vec<_>>>()?;
        Ok(Arc::new(ParsePool {
            idle: Mutex::new(workers),
            permits: Semaphore::new(children),
            busy: std::sync::Mutex::new(Vec::new()),
            config,
        }))
    }

    /// Process ids of the children parsing right now.
    pub fn busy_children(&self) -> Vec<u32> {
        self.busy.lock().map(|b| b.clone()).unwrap_or_default()
    }

    pub(crate) async fn parse(&self, kind: Document, bytes: Vec<u8>) -> Result<String> {
        let _permit =
            self.permits.acquire().await.map_err(|_| Error::internal("the parse pool", "closed"))?;
        let mut worker = match self.take_live().await {
            Some(worker) => worker,
            None => spawn(&self.config)?,
        };
        self.mark_busy(worker.pid, true);
        // The child's own budget stops at the deadline; the kill is for a child that does not.
        let grace = Duration::from_millis(500);
        let outcome = tokio::time::timeout(
            self.config.timeout + grace,
            exchange(&mut worker, kind, &bytes, self.config.timeout),
        )
        .await;
        self.mark_busy(worker.pid, false);
        match outcome {
            Ok(Ok(answer)) => {
                self.idle.lock().await.push(worker);
                answer
            }
            Ok(Err(broken)) => {
                let status = retire(worker).await;
                tracing::error!(error = %broken, ?status, "a parse child died; starting another");
                self.replace().await;
                Err(unreadable())
            }
            Err(_) => {
                let pid = worker.pid;
                let status = retire(worker).await;
                tracing::warn!(pid, ?status, "a parse child passed its deadline and was killed");
                self.replace().await;
                Err(too_slow())
            }
        }
    }

    /// An idle child that is still alive. Children that died while idle (killed, out of memory)
    /// are reaped here and replaced, so they never fail a parse they did not start.
    async fn take_live(&self) -> Option<Worker> {
        let mut idle = self.idle.lock().await;
        let before = idle.len();
        idle.retain_mut(|w| matches!(w.process.try_wait(), Ok(None)));
        for _ in idle.len()..before {
            tracing::warn!("a parse child died while idle; starting another");
            self.spawn_into(&mut idle);
        }
        idle.pop()
    }

    fn mark_busy(&self, pid: u32, busy: bool) {
        if let Ok(mut list) = self.busy.lock() {
            list.retain(|p| *p != pid);
            if busy {
                list.push(pid);
            }
        }
    }

    async fn replace(&self) {
        self.spawn_into(&mut *self.idle.lock().await);
    }

    fn spawn_into(&self, idle: &mut Vec<Worker>) {
        match spawn(&self.config) {
            Ok(worker) => idle.push(worker),
            // The next parse starts one itself.
            Err(error) => tracing::error!(%error, "could not start a parse child"),
        }
    }
}

fn spawn(config: &PoolConfig) -> Result<Worker> {
    let mut process = Command::new(&config.program)
        .args(config.child.to_args())
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::inherit())
        .kill_on_drop(true)
        .spawn()
        .map_err(|e| Error::internal("starting a parse child", e))?;
    let missing = || Error::internal("starting a parse child", "no pipe");
    let stdin = process.stdin.take().ok_or_else(missing)?;
    let stdout = process.stdout.take().ok_or_else(missing)?;
    let pid = process.id().ok_or_else(missing)?;
    Ok(Worker { process, stdin, stdout, pid })
}

async fn retire(mut worker: Worker) -> Option<std::process::ExitStatus> {
    let _ = worker.process.start_kill();
    worker.process.wait().await.ok()
}

/// One request and its answer; an I/O error means the child is gone.
async fn exchange(
    worker: &mut Worker,
    kind: Document,
    bytes: &[u8],
    allowed: Duration,
) -> std::io::Result<Result<String>> {
    let mut request = Vec::with_capacity(bytes.len() + 9);
    request.push(kind.wire());
    request.extend_from_slice(&(allowed.as_millis() as u64).to_be_bytes());
    request.extend_from_slice(bytes);
    worker.stdin.write_all(&(request.len() as u32).to_be_bytes()).await?;
    worker.stdin.write_all(&request).await?;
    worker.stdin.flush().await?;
    let len = worker.stdout.read_u32().await? as usize;
    if len == 0 || len > MAX_FRAME {
        return Err(std::io::Error::other(format!("a frame of {len} bytes")));
    }
    let mut answer = vec![0; len];
    worker.stdout.read_exact(&mut answer).await?;
    decode_answer(&answer)
}

#[derive(Serialize, Deserialize)]
struct WireError {
    code: String,
    message: String,
}

fn decode_answer(answer: &[u8]) -> std::io::Result<Result<String>> {
    let bad = |what: &str| std::io::Error::other(format!("a malformed answer ({what})"));
    match answer.split_first() {
        Some((0, json)) => Ok(Ok(String::from_utf8(json.to_vec()).map_err(|_| bad("not utf-8"))?)),
        Some((1, json)) => {
            let error: WireError = serde_json::from_slice(json).map_err(|_| bad("error"))?;
            let code = ErrorCode::parse(&error.code).unwrap_or(ErrorCode::ParseFailed);
            Ok(Err(Error::new(code, error.message)))
        }
        _ => Err(bad("status")),
    }
}

/// The child: sets its OS limits, then answers requests on stdin until it closes. Runs before
/// any async runtime or telemetry starts, single-threaded, so its limits bound one parse.
pub fn serve_child(limits: ChildLimits) -> std::io::Result<()> {
    use nix::sys::resource::{Resource, setrlimit};
    if limits.memory_bytes > 0 {
        setrlimit(Resource::RLIMIT_AS, limits.memory_bytes, limits.memory_bytes)
            .map_err(std::io::Error::other)?;
    }
    let mut input = std::io::stdin().lock();
    let mut output = std::io::stdout().lock();
    loop {
        let mut len = [0u8; 4];
        match input.read_exact(&mut len) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => return Ok(()),
            Err(e) => return Err(e),
        }
        let len = u32::from_be_bytes(len) as usize;
        if !(9..=MAX_FRAME).contains(&len) {
            return Err(std::io::Error::other(format!("a request of {len} bytes")));
        }
        let mut request = vec![0; len];
        input.read_exact(&mut request)?;
        allow_cpu(limits.cpu_seconds)?;
        let answer = answer(&request, limits.budget);
        output.write_all(&(answer.len() as u32).to_be_bytes())?;
        output.write_all(&answer)?;
        output.flush()?;
    }
}

/// Moves the CPU limit to `seconds` past what this process has used so far: RLIMIT_CPU counts
/// the whole life of the process, and each parse gets the same allowance. Past it the kernel
/// sends SIGXCPU, which ends the child.
fn allow_cpu(seconds: u64) -> std::io::Result<()> {
    use nix::sys::resource::{Resource, UsageWho, getrlimit, getrusage, setrlimit};
    let usage = getrusage(UsageWho::RUSAGE_SELF).map_err(std::io::Error::other)?;
    let used = (usage.user_time().tv_sec() + usage.system_time().tv_sec() + 1).max(0) as u64;
    let (_, hard) = getrlimit(Resource::RLIMIT_CPU).map_err(std::io::Error::other)?;
    setrlimit(Resource::RLIMIT_CPU, (used + seconds).min(hard), hard).map_err(std::io::Error::other)
}

fn answer(request: &[u8], budget: Limits) -> Vec<u8> {
    let result = (|| {
        let kind =
            Document::from_wire(request[0]).ok_or_else(|| Error::invalid_input("unknown document kind"))?;
        let allowed = u64::from_be_bytes(request[1..9].try_into().unwrap_or_default());
        let budget = Budget::new(budget).with_deadline(Instant::now() + Duration::from_millis(allowed));
        let bytes = &request[9..];
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| kind.read(bytes, &budget)))
            .unwrap_or_else(|_| Err(unreadable()))
    })();
    match result {
        Ok(json) => [&[0u8][..], json.as_bytes()].concat(),
        Err(error) => {
            let wire = WireError { code: error.code.as_str().to_string(), message: error.message };
            [&[1u8][..], &serde_json::to_vec(&wire).unwrap_or_default()].concat()
        }
    }
}
