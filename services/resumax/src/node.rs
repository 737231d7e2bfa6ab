//! Composes one process from the configuration: backends by URL scheme, each enabled service in
//! process, each other peer through its gRPC client, the REST gateway on the HTTP address and the
//! gRPC servers (with health and reflection) on the gRPC address.

use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;

use anyhow::{Context, bail};
use axum::Json;
use axum::routing::get;
use resumax_config::{Config, ParseIsolation, ServiceName};
use resumax_core::api::{ExportApi, OptimizationApi, ParsingApi, ScoringApi};
use resumax_db::DatabaseConnection;
use resumax_queue::{InProcessQueue, Queue};
use resumax_storage::BlobStore;
use tokio::net::TcpListener;
use tokio::sync::watch;

/// The services of one process and the peers they call.
pub struct Services {
    pub parsing: Option<Arc<dyn ParsingApi>>,
    pub export: Option<Arc<dyn ExportApi>>,
    pub optimization: Option<Arc<dyn OptimizationApi>>,
    /// Services implemented in this process, served over gRPC too.
    local: LocalServices,
    db: Option<DatabaseConnection>,
    blobs: BlobStore,
    queue: Arc<dyn Queue>,
}

#[derive(Default)]
struct LocalServices {
    parsing: Option<Arc<dyn ParsingApi>>,
    scoring: Option<Arc<dyn ScoringApi>>,
    export: Option<Arc<dyn ExportApi>>,
    optimization: Option<Arc<dyn OptimizationApi>>,
}

pub fn prepare_data_dir(config: &Config) -> anyhow::Result<()> {
    std::fs::create_dir_all(&config.data_dir)
        .with_context(|| format!("creating the data directory {}", config.data_dir.display()))
}

/// The HS256 secret: from the configuration, else generated once and kept in the data dir so
/// tokens survive restarts.
pub fn jwt_secret(config: &Config) -> anyhow::Result<Vec<u8>> {
    match &config.jwt_secret {
        Some(secret) => Ok(secret.as_bytes().to_vec()),
        None => kept_secret(config, "jwt-secret"),
    }
}

/// The mesh credential internal gRPC calls carry: from the configuration (a mesh of separate
/// hosts shares one), else generated once into the data dir, which processes on one host share.
pub fn service_token(config: &Config) -> anyhow::Result<String> {
    match &config.service_token {
        Some(token) => Ok(token.clone()),
        None => Ok(String::from_utf8(kept_secret(config, "service-token")?)?),
    }
}

/// A random secret kept in `<data>/<name>` (mode 0600): read when it exists, else generated. Of
/// processes starting together on one data dir, one writes it and the others read that one.
fn kept_secret(config: &Config, name: &str) -> anyhow::Result<Vec<u8>> {
    prepare_data_dir(config)?;
    let path = config.data_dir.join(name);
    let read = |path: &Path| -> anyhow::Result<Option<Vec<u8>>> {
        match std::fs::read(path) {
            Ok(secret) if secret.len() >= 32 => Ok(Some(secret)),
            Ok(_) => bail!("{} is shorter than 32 bytes; delete it to generate a new one", path.display()),
            Err(_) => Ok(None),
        }
    };
    if let Some(secret) = read(&path)? {
        return Ok(secret);
    }
    let secret: String = {
        use rand::Rng;
        let mut rng = rand::rng();
        (0..64).map(|_| char::from(b"0123456789abcdef"[rng.random_range(0..16)])).collect()
    };
    match write_private(&path, secret.as_bytes()) {
        Ok(()) => Ok(secret.into_bytes()),
        // Another process created it first; its write may still be under way.
        Err(_) if path.exists() => {
            for _ in 0..50 {
                if let Some(secret) = read(&path)? {
                    return Ok(secret);
                }
                std::thread::sleep(std::time::Duration::from_millis(20));
            }
            bail!("{} stays incomplete; delete it to generate a new one", path.display())
        }
        Err(err) => Err(err),
    }
}

fn write_private(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path).with_context(|| format!("creating {}", path.display()))?;
    file.write_all(bytes).with_context(|| format!("writing {}", path.display()))?;
    Ok(())
}

/// The key `POST /dev/token` signs with: only the one this data dir generated, and only on a
/// loopback address. A configured secret or public key means an identity provider issues tokens.
fn dev_sign_in(config: &Config) -> anyhow::Result<Option<Vec<u8>>> {
    let generated =
        config.jwt_secret.is_none() && config.jwt_public_key.is_none() && config.jwt_jwks_file.is_none();
    if !generated || !config.http_addr.ip().is_loopback() {
        return Ok(None);
    }
    Ok(Some(jwt_secret(config)?))
}

/// The parser of this process: a pool of `resumax parse-child` processes (this binary), or a
/// blocking thread when RESUMAX_PARSE_ISOLATION=inprocess.
fn parser(config: &Config) -> anyhow::Result<resumax_parsing::pool::Parser> {
    use resumax_parsing::pool::{ChildLimits, ParsePool, Parser, PoolConfig};
    let parse = &config.parse;
    let limits = resumax_document::Limits {
        operators: parse.max_operators,
        xobjects: parse.max_xobjects,
        inflated_bytes: parse.max_inflated_mb.saturating_mul(1024 * 1024),
        objects: parse.max_objects,
        pages: parse.max_pages,
    };
    let timeout = std::time::Duration::from_millis(parse.timeout_ms);
    Ok(match parse.isolation {
        ParseIsolation::InProcess => Parser::InProcess { limits, timeout },
        ParseIsolation::Process => {
            let program = std::env::current_exe().context("finding this binary for the parse children")?;
            let child = ChildLimits {
                budget: limits,
                memory_bytes: parse.child_memory_mb.saturating_mul(1024 * 1024),
                cpu_seconds: parse.child_cpu_seconds,
            };
            Parser::Pool(ParsePool::start(PoolConfig { program, children: parse.children, timeout, child })?)
        }
    })
}

async fn open_queue(url: &str) -> anyhow::Result<Arc<dyn Queue>> {
    if url.starts_with("inproc:") {
        return Ok(InProcessQueue::new());
    }
    if url.starts_with("nats:") {
        return Ok(resumax_queue::NatsQueue::connect(url).await?);
    }
    bail!("RESUMAX_QUEUE_URL {url:?} is not supported: use inproc:// or nats://host:port")
}

fn needs(config: &Config, service: ServiceName) -> anyhow::Error {
    let needed_by: Vec<&str> = config.services.iter().map(|s| s.as_str()).collect();
    anyhow::anyhow!(
        "{} is needed by {} but is neither enabled in this process (--services) nor given an endpoint \
         (RESUMAX_{}_ENDPOINT)",
        service.as_str(),
        needed_by.join(","),
        service.as_str().to_uppercase()
    )
}

impl Services {
    /// Builds the services this configuration enables and connects the peers they need.
    /// `start_workers` is false for one-shot tools that drive the services themselves.
    pub async fn build(config: &Config) -> anyhow::Result<Services> {
        resumax_proto::set_service_token(&service_token(config)?)?;
        let owns_tables = [ServiceName::Parsing, ServiceName::Optimization, ServiceName::Export]
            .iter()
            .any(|s| config.runs(*s));
        if config.database_url.starts_with("sqlite:") || config.blob_url.starts_with("file:") {
            prepare_data_dir(config)?;
        }
        let db = if owns_tables {
            let db = resumax_db::connect(&config.database_url).await?;
            // Embedded mode migrates on start; production runs `resumax migrate` as a job.
            resumax_db::migrate(&db).await?;
            Some(db)
        } else {
            None
        };
        let blobs = BlobStore::from_url(&config.blob_url)?;
        let queue = open_queue(&config.queue_url).await?;
        let mut local = LocalServices::default();

        let parsing: Option<Arc<dyn ParsingApi>> = if let Some(db) = &db
            && config.runs(ServiceName::Parsing)
        {
            let parser = parser(config)?;
            let service = resumax_parsing::ParsingService::with_parser(
                db.clone(),
                blobs.clone(),
                queue.clone(),
                parser,
            );
            service.start_relay();
            if config.workers > 0 {
                service.start_workers(config.workers).await?;
            }
            local.parsing = Some(service.clone());
            Some(service)
        } else if let Some(endpoint) = config.endpoints.get(&ServiceName::Parsing) {
            Some(Arc::new(resumax_parsing::grpc::ParsingGrpcClient::connect(endpoint.clone()).await?))
        } else {
            None
        };
        let scoring: Option<Arc<dyn ScoringApi>> = if config.runs(ServiceName::Scoring) {
            let service: Arc<dyn ScoringApi> = Arc::new(resumax_scoring::ScoringService);
            local.scoring = Some(service.clone());
            Some(service)
        } else if let Some(endpoint) = config.endpoints.get(&ServiceName::Scoring) {
            Some(Arc::new(resumax_scoring::grpc::ScoringGrpcClient::connect(endpoint.clone()).await?))
        } else {
            None
        };
        let export: Option<Arc<dyn ExportApi>> = if let Some(db) = &db
            && config.runs(ServiceName::Export)
        {
            let service = resumax_export::ExportService::new(db.clone(), blobs.clone(), queue.clone());
            service.start_relay();
            if config.workers > 0 {
                service.start_workers(config.workers).await?;
            }
            local.export = Some(service.clone());
            Some(service)
        } else if let Some(endpoint) = config.endpoints.get(&ServiceName::Export) {
            Some(Arc::new(resumax_export::grpc::ExportGrpcClient::connect(endpoint.clone()).await?))
        } else {
            None
        };
        let optimization: Option<Arc<dyn OptimizationApi>> = if let Some(db) = &db
            && config.runs(ServiceName::Optimization)
        {
            let peers = resumax_optimization::Peers {
                parsing: parsing.clone().ok_or_else(|| needs(config, ServiceName::Parsing))?,
                scoring: scoring.clone().ok_or_else(|| needs(config, ServiceName::Scoring))?,
                export: export.clone().ok_or_else(|| needs(config, ServiceName::Export))?,
            };
            // Provider keys, base URLs and models come from the environment (OPENAI_*, ANTHROPIC_*).
            let mut ai = resumax_ai::AiConfig::from_lookup(|key| std::env::var(key).ok())?;
            ai.providers = config.ai_providers.clone();
            let chain = resumax_ai::ProviderChain::from_config(&ai)?;
            let service = resumax_optimization::OptimizationService::new(
                db.clone(),
                blobs.clone(),
                queue.clone(),
                peers,
                chain,
                config.credits_enabled,
            )?;
            service.start_relay();
            if config.workers > 0 {
                service.start_workers(config.workers).await?;
            }
            local.optimization = Some(service.clone());
            Some(service)
        } else if let Some(endpoint) = config.endpoints.get(&ServiceName::Optimization) {
            Some(Arc::new(
                resumax_optimization::grpc::OptimizationGrpcClient::connect(endpoint.clone()).await?,
            ))
        } else {
            None
        };
        Ok(Services { parsing, export, optimization, local, db, blobs, queue })
    }

    /// `/readyz`: every backend this process uses answers.
    async fn ready(&self) -> Result<(), String> {
        if let Some(db) = &self.db {
            db.ping().await.map_err(|e| format!("database: {e}"))?;
        }
        self.blobs.check().await.map_err(|e| format!("object storage: {}", e.message))?;
        self.queue.check().await.map_err(|e| format!("queue: {}", e.message))?;
        Ok(())
    }
}

/// Kubernetes waits 30 s by default between SIGTERM and SIGKILL; leave room for the servers.
const SHUTDOWN_GRACE: std::time::Duration = std::time::Duration::from_secs(20);

pub struct Node {
    pub http_addr: SocketAddr,
    pub grpc_addr: SocketAddr,
    services: Arc<Services>,
    shutdown: watch::Sender<bool>,
    tasks: Vec<tokio::task::JoinHandle<anyhow::Result<()>>>,
}

impl Node {
    pub async fn start(config: Config) -> anyhow::Result<Node> {
        let services = Arc::new(Services::build(&config).await?);
        let (shutdown, signal) = watch::channel(false);

        let ready_services = services.clone();
        let metrics_services = services.clone();
        // Operations routes get the gateway's request-id and error layer too: every response
        // carries `x-request-id`, whichever services this process runs.
        let mut http = axum::Router::new()
            .route(
                "/readyz",
                get(move || {
                    let services = ready_services.clone();
                    async move {
                        match services.ready().await {
                            Ok(()) => {
                                (axum::http::StatusCode::OK, Json(serde_json::json!({"status": "ready"})))
                            }
                            Err(reason) => {
                                // The error layer rewrites the body to the contract shape; the
                                // log keeps the reason.
                                tracing::warn!(%reason, "not ready");
                                (
                                    axum::http::StatusCode::SERVICE_UNAVAILABLE,
                                    Json(serde_json::json!({"status": "not_ready", "reason": reason})),
                                )
                            }
                        }
                    }
                }),
            )
            .route("/metrics", get(move || metrics(metrics_services.clone())))
            .layer(axum::middleware::from_fn(resumax_gateway::request_context));
        if config.runs(ServiceName::Gateway) {
            let gateway = resumax_gateway::Gateway {
                parsing: services.parsing.clone().ok_or_else(|| needs(&config, ServiceName::Parsing))?,
                optimization: services
                    .optimization
                    .clone()
                    .ok_or_else(|| needs(&config, ServiceName::Optimization))?,
                export: services.export.clone().ok_or_else(|| needs(&config, ServiceName::Export))?,
                rate_limit: resumax_gateway::RateLimit::per_minute(config.rate_limit_per_minute),
                browser: resumax_gateway::BrowserPolicy::allowing(&config.cors_origins),
                auth: {
                    let auth = match (&config.jwt_jwks_file, &config.jwt_public_key) {
                        (Some(jwks), _) => {
                            resumax_gateway::Auth::rs256_jwks_file(jwks, resumax_gateway::JWKS_REREAD)?
                        }
                        (None, Some(pem)) => resumax_gateway::Auth::rs256_public_pem(pem.as_bytes())?,
                        (None, None) => resumax_gateway::Auth::hs256(&jwt_secret(&config)?),
                    };
                    let audiences: Vec<&str> = config.jwt_audience.iter().map(String::as_str).collect();
                    let auth = if audiences.is_empty() { auth } else { auth.with_audience(&audiences) };
                    match &config.jwt_issuer {
                        Some(issuer) => auth.with_issuer(issuer),
                        None => auth,
                    }
                },
            };
            http =
                http.merge(resumax_gateway::router(gateway)).merge(crate::web::router(dev_sign_in(&config)?));
        } else {
            http = http.route(
                "/healthz",
                get(|| async { Json(serde_json::json!({"status": "ok"})) })
                    .layer(axum::middleware::from_fn(resumax_gateway::request_context)),
            );
        }

        let http = http.layer(axum::middleware::from_fn(record_http_metrics));
        let http_listener = TcpListener::bind(config.http_addr)
            .await
            .with_context(|| format!("binding http {}", config.http_addr))?;
        let grpc_listener = TcpListener::bind(config.grpc_addr)
            .await
            .with_context(|| format!("binding grpc {}", config.grpc_addr))?;
        let http_addr = http_listener.local_addr()?;
        let grpc_addr = grpc_listener.local_addr()?;

        let mut http_signal = signal.clone();
        let http_task = tokio::spawn(async move {
            resumax_gateway::serve(http_listener, http, resumax_gateway::HttpLimits::default(), async move {
                let _ = http_signal.wait_for(|stop| *stop).await;
            })
            .await
            .context("http server")
        });
        // The gateway's own gRPC service says where every service of this node runs.
        let server_info = config.runs(ServiceName::Gateway).then(|| {
            let located = ServiceName::ALL.iter().filter_map(|service| {
                let remote = config.endpoints.get(service).filter(|_| !config.runs(*service));
                (config.runs(*service) || remote.is_some()).then(|| {
                    resumax_proto::server_info::service_info(service.as_str(), remote.map(String::as_str))
                })
            });
            resumax_proto::server_info::server(env!("CARGO_PKG_VERSION").to_string(), located.collect())
        });
        let grpc_task = tokio::spawn(serve_grpc(services.clone(), server_info, grpc_listener, signal));
        tracing::info!(%http_addr, %grpc_addr, services = ?config.services, "resumax started");
        Ok(Node { http_addr, grpc_addr, services, shutdown, tasks: vec![http_task, grpc_task] })
    }

    /// Runs until Ctrl-C or SIGTERM, then drains both servers.
    pub async fn wait_for_shutdown(self) -> anyhow::Result<()> {
        let ctrl_c = tokio::signal::ctrl_c();
        #[cfg(unix)]
        {
            let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
            tokio::select! {
                _ = ctrl_c => {},
                _ = term.recv() => {},
            }
        }
        #[cfg(not(unix))]
        ctrl_c.await?;
        tracing::info!("shutting down: no new jobs, finishing the running ones");
        // Workers first (a job finishing may still call peers), then the servers drain.
        self.services.queue.close(SHUTDOWN_GRACE).await;
        let _ = self.shutdown.send(true);
        for task in self.tasks {
            task.await??;
        }
        Ok(())
    }
}

/// `/metrics` in the Prometheus text format; the queue depth is read at scrape time.
async fn metrics(services: Arc<Services>) -> impl axum::response::IntoResponse {
    for subject in
        [resumax_queue::subjects::PARSE, resumax_queue::subjects::OPTIMIZE, resumax_queue::subjects::EXPORT]
    {
        match services.queue.depth(subject).await {
            Ok(depth) => resumax_telemetry::metrics::set_queue_depth(subject, depth),
            Err(error) => tracing::warn!(%error, subject, "reading the queue depth failed"),
        }
    }
    (
        [(axum::http::header::CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")],
        resumax_telemetry::metrics::render(),
    )
}

/// Latency of every HTTP request by method, route template and status.
async fn record_http_metrics(
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let method = request.method().to_string();
    let route = request
        .extensions()
        .get::<axum::extract::MatchedPath>()
        .map(|path| path.as_str().to_string())
        .unwrap_or_else(|| "unmatched".to_string());
    let started = std::time::Instant::now();
    let response = next.run(request).await;
    resumax_telemetry::metrics::record_http(&method, &route, response.status().as_u16(), started.elapsed());
    response
}

type ServerInfoServer = resumax_proto::gateway::v1::gateway_service_server::GatewayServiceServer<
    resumax_proto::server_info::ServerInfo,
>;

async fn serve_grpc(
    services: Arc<Services>,
    server_info: Option<ServerInfoServer>,
    listener: TcpListener,
    mut signal: watch::Receiver<bool>,
) -> anyhow::Result<()> {
    use tonic_health::ServingStatus;
    let (health, health_service) = tonic_health::server::health_reporter();
    // Reflection in both versions: v1alpha is what grpcurl 1.8 and many other clients still ask.
    let reflection_builder = || {
        tonic_reflection::server::Builder::configure()
            .register_encoded_file_descriptor_set(resumax_proto::FILE_DESCRIPTOR_SET)
            .register_encoded_file_descriptor_set(tonic_health::pb::FILE_DESCRIPTOR_SET)
    };
    let reflection = reflection_builder().build_v1().context("building grpc reflection")?;
    let reflection_v1alpha = reflection_builder().build_v1alpha().context("building grpc reflection")?;
    let local = &services.local;
    let has_gateway = server_info.is_some();
    let router = tonic::transport::Server::builder()
        .add_service(health_service)
        .add_service(reflection)
        .add_service(reflection_v1alpha)
        .add_optional_service(server_info)
        .add_optional_service(local.parsing.clone().map(resumax_parsing::grpc::server))
        .add_optional_service(local.scoring.clone().map(resumax_scoring::grpc::server))
        .add_optional_service(local.export.clone().map(resumax_export::grpc::server))
        .add_optional_service(local.optimization.clone().map(resumax_optimization::grpc::server));
    for (name, enabled) in [
        ("resumax.gateway.v1.GatewayService", has_gateway),
        ("resumax.parsing.v1.ParsingService", local.parsing.is_some()),
        ("resumax.scoring.v1.ScoringService", local.scoring.is_some()),
        ("resumax.export.v1.ExportService", local.export.is_some()),
        ("resumax.optimization.v1.OptimizationService", local.optimization.is_some()),
    ] {
        if enabled {
            health.set_service_status(name, ServingStatus::Serving).await;
        }
    }
    router
        .serve_with_incoming_shutdown(tokio_stream::wrappers::TcpListenerStream::new(listener), async move {
            let _ = signal.wait_for(|stop| *stop).await;
        })
        .await
        .context("grpc server")
}
