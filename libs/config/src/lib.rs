//! Layered configuration: built-in embedded defaults, then a `resumax.toml` file, then `RESUMAX_*`
//! environment variables, then command-line flags; `validate()` turns the result into typed values.
//!
//! Backends are chosen by URL scheme (`sqlite://`, `postgres://`, `inproc://`, `file://`), never
//! by separate code paths in the services.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use resumax_core::Error;
use serde::Deserialize;

/// The five services; a process runs any subset.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ServiceName {
    Gateway,
    Parsing,
    Optimization,
    Scoring,
    Export,
}

impl ServiceName {
    pub const ALL: [ServiceName; 5] = [
        ServiceName::Gateway,
        ServiceName::Parsing,
        ServiceName::Optimization,
        ServiceName::Scoring,
        ServiceName::Export,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            ServiceName::Gateway => "gateway",
            ServiceName::Parsing => "parsing",
            ServiceName::Optimization => "optimization",
            ServiceName::Scoring => "scoring",
            ServiceName::Export => "export",
        }
    }
    pub fn parse(name: &str) -> Result<Self, Error> {
        ServiceName::ALL.into_iter().find(|s| s.as_str() == name).ok_or_else(|| {
            Error::invalid_input(format!(
                "unknown service {name:?}: use all or a list of gateway, parsing, optimization, scoring, export"
            ))
        })
    }
    /// `all` or a comma-separated list.
    pub fn parse_list(list: &str) -> Result<Vec<Self>, Error> {
        if list.trim() == "all" {
            return Ok(ServiceName::ALL.to_vec());
        }
        let mut services: Vec<Self> = list
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(Self::parse)
            .collect::<Result<_, _>>()?;
        services.sort();
        services.dedup();
        if services.is_empty() {
            return Err(Error::invalid_input("no service selected"));
        }
        Ok(services)
    }
}

/// Raw settings as read from file, env and flags; every field optional so the layers can merge.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    pub data_dir: Option<String>,
    pub database_url: Option<String>,
    pub queue_url: Option<String>,
    pub blob_url: Option<String>,
    pub ai_providers: Option<String>,
    pub http_addr: Option<String>,
    pub grpc_addr: Option<String>,
    pub jwt_secret: Option<String>,
    pub jwt_public_key: Option<String>,
    /// A JWKS document (file path) of the identity provider's RS256 keys, chosen by `kid`;
    /// replacing the file rotates keys.
    pub jwt_jwks_file: Option<String>,
    /// The `iss` every token must carry; required with `jwt_public_key` (an outside identity
    /// provider), optional for the embedded key.
    pub jwt_issuer: Option<String>,
    /// Comma-separated audiences; a token's `aud` must name one. Required with `jwt_public_key`.
    pub jwt_audience: Option<String>,
    /// Comma-separated origins whose pages may call the API from a browser (CORS).
    pub cors_origins: Option<String>,
    /// The credential internal gRPC calls carry (at least 32 characters); generated into the data
    /// dir when unset, so a mesh on separate hosts must set one.
    pub service_token: Option<String>,
    pub credits_enabled: Option<bool>,
    pub services: Option<String>,
    pub parsing_endpoint: Option<String>,
    pub optimization_endpoint: Option<String>,
    pub scoring_endpoint: Option<String>,
    pub export_endpoint: Option<String>,
    /// Concurrent job consumers per job kind in this process; 0 takes no jobs.
    pub workers: Option<usize>,
    /// REST requests per minute per user at the gateway; 0 (the default) sets no limit.
    pub rate_limit_per_minute: Option<u32>,
    /// `process` (parse children) or `inprocess`.
    pub parse_isolation: Option<String>,
    pub parse_children: Option<usize>,
    pub parse_timeout_ms: Option<u64>,
    pub parse_child_memory_mb: Option<u64>,
    pub parse_child_cpu_seconds: Option<u64>,
    pub parse_max_operators: Option<u64>,
    pub parse_max_xobjects: Option<u64>,
    pub parse_max_inflated_mb: Option<u64>,
    pub parse_max_objects: Option<u64>,
    pub parse_max_pages: Option<u64>,
}

/// A `RESUMAX_<KEY>` number, or an error that names the variable.
fn env_number<T: std::str::FromStr>(value: Option<String>, key: &str) -> Result<Option<T>, Error> {
    value
        .map(|v| {
            v.parse().map_err(|_| Error::invalid_input(format!("RESUMAX_{key} must be a number, not {v:?}")))
        })
        .transpose()
}

impl Settings {
    /// Reads a TOML file with the same keys (lowercase, without the `RESUMAX_` prefix).
    pub fn from_file(path: &Path) -> Result<Self, Error> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| Error::invalid_input(format!("cannot read config file {}: {e}", path.display())))?;
        toml::from_str(&text)
            .map_err(|e| Error::invalid_input(format!("config file {}: {e}", path.display())))
    }

    /// Reads `RESUMAX_*` variables from the given map (the process environment in production;
    /// tests pass their own map instead of mutating the environment).
    pub fn from_env(env: &BTreeMap<String, String>) -> Result<Self, Error> {
        let get = |key: &str| env.get(&format!("RESUMAX_{key}")).filter(|v| !v.is_empty()).cloned();
        let credits_enabled = match get("CREDITS_ENABLED").as_deref() {
            None => None,
            Some("true" | "1") => Some(true),
            Some("false" | "0") => Some(false),
            Some(other) => {
                return Err(Error::invalid_input(format!(
                    "RESUMAX_CREDITS_ENABLED must be true or false, not {other:?}"
                )));
            }
        };
        Ok(Settings {
            data_dir: get("DATA_DIR"),
            database_url: get("DATABASE_URL"),
            queue_url: get("QUEUE_URL"),
            blob_url: get("BLOB_URL"),
            ai_providers: get("AI_PROVIDERS"),
            http_addr: get("HTTP_ADDR"),
            grpc_addr: get("GRPC_ADDR"),
            jwt_secret: get("JWT_SECRET"),
            jwt_public_key: get("JWT_PUBLIC_KEY"),
            jwt_jwks_file: get("JWT_JWKS_FILE"),
            jwt_issuer: get("JWT_ISSUER"),
            jwt_audience: get("JWT_AUDIENCE"),
            cors_origins: get("CORS_ORIGINS"),
            service_token: get("SERVICE_TOKEN"),
            credits_enabled,
            services: get("SERVICES"),
            parsing_endpoint: get("PARSING_ENDPOINT"),
            optimization_endpoint: get("OPTIMIZATION_ENDPOINT"),
            scoring_endpoint: get("SCORING_ENDPOINT"),
            export_endpoint: get("EXPORT_ENDPOINT"),
            rate_limit_per_minute: env_number(get("RATE_LIMIT_PER_MINUTE"), "RATE_LIMIT_PER_MINUTE")?,
            workers: env_number(get("WORKERS"), "WORKERS")?,
            parse_isolation: get("PARSE_ISOLATION"),
            parse_children: env_number(get("PARSE_CHILDREN"), "PARSE_CHILDREN")?,
            parse_timeout_ms: env_number(get("PARSE_TIMEOUT_MS"), "PARSE_TIMEOUT_MS")?,
            parse_child_memory_mb: env_number(get("PARSE_CHILD_MEMORY_MB"), "PARSE_CHILD_MEMORY_MB")?,
            parse_child_cpu_seconds: env_number(get("PARSE_CHILD_CPU_SECONDS"), "PARSE_CHILD_CPU_SECONDS")?,
            parse_max_operators: env_number(get("PARSE_MAX_OPERATORS"), "PARSE_MAX_OPERATORS")?,
            parse_max_xobjects: env_number(get("PARSE_MAX_XOBJECTS"), "PARSE_MAX_XOBJECTS")?,
            parse_max_inflated_mb: env_number(get("PARSE_MAX_INFLATED_MB"), "PARSE_MAX_INFLATED_MB")?,
            parse_max_objects: env_number(get("PARSE_MAX_OBJECTS"), "PARSE_MAX_OBJECTS")?,
            parse_max_pages: env_number(get("PARSE_MAX_PAGES"), "PARSE_MAX_PAGES")?,
        })
    }

    /// `self` overridden by every field `over` sets.
    pub fn overridden_by(self, over: Settings) -> Settings {
        Settings {
            data_dir: over.data_dir.or(self.data_dir),
            database_url: over.database_url.or(self.database_url),
            queue_url: over.queue_url.or(self.queue_url),
            blob_url: over.blob_url.or(self.blob_url),
            ai_providers: over.ai_providers.or(self.ai_providers),
            http_addr: over.http_addr.or(self.http_addr),
            grpc_addr: over.grpc_addr.or(self.grpc_addr),
            jwt_secret: over.jwt_secret.or(self.jwt_secret),
            jwt_public_key: over.jwt_public_key.or(self.jwt_public_key),
            jwt_jwks_file: over.jwt_jwks_file.or(self.jwt_jwks_file),
            jwt_issuer: over.jwt_issuer.or(self.jwt_issuer),
            jwt_audience: over.jwt_audience.or(self.jwt_audience),
            cors_origins: over.cors_origins.or(self.cors_origins),
            service_token: over.service_token.or(self.service_token),
            credits_enabled: over.credits_enabled.or(self.credits_enabled),
            services: over.services.or(self.services),
            parsing_endpoint: over.parsing_endpoint.or(self.parsing_endpoint),
            optimization_endpoint: over.optimization_endpoint.or(self.optimization_endpoint),
            scoring_endpoint: over.scoring_endpoint.or(self.scoring_endpoint),
            export_endpoint: over.export_endpoint.or(self.export_endpoint),
            workers: over.workers.or(self.workers),
            rate_limit_per_minute: over.rate_limit_per_minute.or(self.rate_limit_per_minute),
            parse_isolation: over.parse_isolation.or(self.parse_isolation),
            parse_children: over.parse_children.or(self.parse_children),
            parse_timeout_ms: over.parse_timeout_ms.or(self.parse_timeout_ms),
            parse_child_memory_mb: over.parse_child_memory_mb.or(self.parse_child_memory_mb),
            parse_child_cpu_seconds: over.parse_child_cpu_seconds.or(self.parse_child_cpu_seconds),
            parse_max_operators: over.parse_max_operators.or(self.parse_max_operators),
            parse_max_xobjects: over.parse_max_xobjects.or(self.parse_max_xobjects),
            parse_max_inflated_mb: over.parse_max_inflated_mb.or(self.parse_max_inflated_mb),
            parse_max_objects: over.parse_max_objects.or(self.parse_max_objects),
            parse_max_pages: over.parse_max_pages.or(self.parse_max_pages),
        }
    }

    /// Fills embedded defaults and checks every value.
    pub fn validate(self) -> Result<Config, Error> {
        let data_dir = PathBuf::from(self.data_dir.unwrap_or_else(|| ".resumax".to_string()));
        let data = data_dir.display().to_string();
        let database_url =
            self.database_url.unwrap_or_else(|| format!("sqlite://{data}/resumax.db?mode=rwc"));
        if !(database_url.starts_with("sqlite:") || database_url.starts_with("postgres:")) {
            return Err(Error::invalid_input(
                "RESUMAX_DATABASE_URL must start with sqlite:// or postgres://",
            ));
        }
        let queue_url = self.queue_url.unwrap_or_else(|| "inproc://".to_string());
        let blob_url = self.blob_url.unwrap_or_else(|| format!("file://{data}/blobs"));
        let ai_providers: Vec<String> = self
            .ai_providers
            .unwrap_or_else(|| "offline".to_string())
            .split(',')
            .map(|p| p.trim().to_string())
            .filter(|p| !p.is_empty())
            .collect();
        if ai_providers.is_empty() {
            return Err(Error::invalid_input("RESUMAX_AI_PROVIDERS names no provider"));
        }
        let parse_addr = |value: Option<String>, default: &str, key: &str| -> Result<SocketAddr, Error> {
            let value = value.unwrap_or_else(|| default.to_string());
            value
                .parse()
                .map_err(|_| Error::invalid_input(format!("{key} is not a socket address: {value:?}")))
        };
        let http_addr = parse_addr(self.http_addr, "127.0.0.1:8080", "RESUMAX_HTTP_ADDR")?;
        let grpc_addr = parse_addr(self.grpc_addr, "127.0.0.1:50051", "RESUMAX_GRPC_ADDR")?;
        let services = ServiceName::parse_list(self.services.as_deref().unwrap_or("all"))?;
        let mut endpoints = BTreeMap::new();
        for (service, endpoint) in [
            (ServiceName::Parsing, self.parsing_endpoint),
            (ServiceName::Optimization, self.optimization_endpoint),
            (ServiceName::Scoring, self.scoring_endpoint),
            (ServiceName::Export, self.export_endpoint),
        ] {
            if let Some(endpoint) = endpoint.filter(|e| e != "inproc") {
                endpoints.insert(service, endpoint);
            }
        }
        let list = |value: &Option<String>| -> Vec<String> {
            value
                .iter()
                .flat_map(|a| a.split(','))
                .map(|a| a.trim().to_string())
                .filter(|a| !a.is_empty())
                .collect()
        };
        let jwt_audience = list(&self.jwt_audience);
        let cors_origins = list(&self.cors_origins);
        // Tokens from an outside identity provider are only ours when they say who issued them
        // and whom they are for; a key alone would accept that provider's tokens for any app.
        let outside = self.jwt_public_key.is_some() || self.jwt_jwks_file.is_some();
        if outside && (self.jwt_issuer.is_none() || jwt_audience.is_empty()) {
            return Err(Error::invalid_input(
                "RESUMAX_JWT_PUBLIC_KEY or RESUMAX_JWT_JWKS_FILE needs RESUMAX_JWT_ISSUER and \
                 RESUMAX_JWT_AUDIENCE: tokens are checked for the issuer and audience they name",
            ));
        }
        let isolation = match self.parse_isolation.as_deref().unwrap_or("process") {
            "process" => ParseIsolation::Process,
            "inprocess" => ParseIsolation::InProcess,
            other => {
                return Err(Error::invalid_input(format!(
                    "RESUMAX_PARSE_ISOLATION must be process or inprocess, not {other:?}"
                )));
            }
        };
        let defaults = ParseConfig::default();
        let parse = ParseConfig {
            isolation,
            children: self.parse_children.unwrap_or(defaults.children).max(1),
            timeout_ms: self.parse_timeout_ms.unwrap_or(defaults.timeout_ms).max(1),
            child_memory_mb: self.parse_child_memory_mb.unwrap_or(defaults.child_memory_mb),
            child_cpu_seconds: self.parse_child_cpu_seconds.unwrap_or(defaults.child_cpu_seconds).max(1),
            max_operators: self.parse_max_operators.unwrap_or(defaults.max_operators),
            max_xobjects: self.parse_max_xobjects.unwrap_or(defaults.max_xobjects),
            max_inflated_mb: self.parse_max_inflated_mb.unwrap_or(defaults.max_inflated_mb),
            max_objects: self.parse_max_objects.unwrap_or(defaults.max_objects),
            max_pages: self.parse_max_pages.unwrap_or(defaults.max_pages),
        };
        Ok(Config {
            parse,
            data_dir,
            database_url,
            queue_url,
            blob_url,
            ai_providers,
            http_addr,
            grpc_addr,
            jwt_secret: self.jwt_secret,
            jwt_public_key: self.jwt_public_key,
            jwt_jwks_file: self.jwt_jwks_file.map(PathBuf::from),
            jwt_issuer: self.jwt_issuer,
            jwt_audience,
            cors_origins,
            service_token: self.service_token,
            credits_enabled: self.credits_enabled.unwrap_or(false),
            services,
            endpoints,
            workers: self.workers.unwrap_or(2),
            rate_limit_per_minute: self.rate_limit_per_minute.unwrap_or(0),
        })
    }
}

/// Validated configuration of one process.
#[derive(Debug, Clone)]
pub struct Config {
    pub data_dir: PathBuf,
    pub database_url: String,
    pub queue_url: String,
    pub blob_url: String,
    pub ai_providers: Vec<String>,
    pub http_addr: SocketAddr,
    pub grpc_addr: SocketAddr,
    pub jwt_secret: Option<String>,
    pub jwt_public_key: Option<String>,
    pub jwt_jwks_file: Option<PathBuf>,
    pub jwt_issuer: Option<String>,
    pub jwt_audience: Vec<String>,
    pub cors_origins: Vec<String>,
    pub service_token: Option<String>,
    pub credits_enabled: bool,
    /// Services enabled in this process.
    pub services: Vec<ServiceName>,
    /// Remote endpoints of peers not enabled here.
    pub endpoints: BTreeMap<ServiceName, String>,
    pub workers: usize,
    pub rate_limit_per_minute: u32,
    pub parse: ParseConfig,
}

/// Where documents are parsed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParseIsolation {
    /// In a pool of `resumax parse-child` processes under OS memory and CPU limits.
    Process,
    /// On a blocking thread of this process (tests and tools).
    InProcess,
}

/// Where documents are parsed, and the bounds on each parse.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ParseConfig {
    pub isolation: ParseIsolation,
    /// Parse children in the pool (concurrent parses of this process).
    pub children: usize,
    /// One parse's deadline: its budget stops there, and a child still busy is killed.
    pub timeout_ms: u64,
    /// A child's address space (RLIMIT_AS).
    pub child_memory_mb: u64,
    /// CPU seconds a child may spend on one parse (RLIMIT_CPU, moved on before each parse).
    pub child_cpu_seconds: u64,
    /// The work budget of one parse (`resumax_document::Limits`).
    pub max_operators: u64,
    pub max_xobjects: u64,
    pub max_inflated_mb: u64,
    pub max_objects: u64,
    pub max_pages: u64,
}

impl Default for ParseConfig {
    fn default() -> Self {
        ParseConfig {
            isolation: ParseIsolation::Process,
            children: 2,
            timeout_ms: 60_000,
            child_memory_mb: 1024,
            child_cpu_seconds: 30,
            max_operators: 2_000_000,
            max_xobjects: 10_000,
            max_inflated_mb: 32,
            max_objects: 200_000,
            max_pages: 1_000,
        }
    }
}

impl Config {
    pub fn runs(&self, service: ServiceName) -> bool {
        self.services.contains(&service)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn embedded_defaults() {
        let config = Settings::default().validate().unwrap();
        assert_eq!(config.database_url, "sqlite://.resumax/resumax.db?mode=rwc");
        assert_eq!(config.queue_url, "inproc://");
        assert_eq!(config.blob_url, "file://.resumax/blobs");
        assert_eq!(config.http_addr.to_string(), "127.0.0.1:8080");
        assert_eq!(config.services, ServiceName::ALL.to_vec());
        assert!(config.endpoints.is_empty());
    }

    #[test]
    fn env_overrides_file_and_flags_override_env() {
        let file: Settings = toml::from_str("http_addr = \"127.0.0.1:1\"\ndata_dir = \"/tmp/x\"").unwrap();
        let from_env = Settings::from_env(&env(&[("RESUMAX_HTTP_ADDR", "127.0.0.1:2")])).unwrap();
        let flags = Settings { services: Some("gateway,scoring".into()), ..Default::default() };
        let config = file.overridden_by(from_env).overridden_by(flags).validate().unwrap();
        assert_eq!(config.http_addr.to_string(), "127.0.0.1:2");
        assert_eq!(config.data_dir, PathBuf::from("/tmp/x"));
        assert_eq!(config.services, vec![ServiceName::Gateway, ServiceName::Scoring]);
    }

    #[test]
    fn bad_values_are_rejected_with_the_key() {
        let err =
            Settings::from_env(&env(&[("RESUMAX_HTTP_ADDR", "nowhere")])).unwrap().validate().unwrap_err();
        assert!(err.message.contains("RESUMAX_HTTP_ADDR"), "{err}");
        assert!(ServiceName::parse_list("gateway,bogus").is_err());
        assert!(Settings::from_env(&env(&[("RESUMAX_CREDITS_ENABLED", "maybe")])).is_err());
        let err = Settings::from_env(&env(&[("RESUMAX_PARSE_MAX_PAGES", "many")])).unwrap_err();
        assert!(err.message.contains("RESUMAX_PARSE_MAX_PAGES"), "{err}");
        let err = Settings::from_env(&env(&[("RESUMAX_PARSE_ISOLATION", "thread")]))
            .unwrap()
            .validate()
            .unwrap_err();
        assert!(err.message.contains("RESUMAX_PARSE_ISOLATION"), "{err}");
    }

    #[test]
    fn parse_settings_default_to_children_and_take_the_environment() {
        let config = Settings::default().validate().unwrap();
        assert_eq!(config.parse, ParseConfig::default());
        let env = env(&[
            ("RESUMAX_PARSE_ISOLATION", "inprocess"),
            ("RESUMAX_PARSE_CHILDREN", "4"),
            ("RESUMAX_PARSE_MAX_OPERATORS", "1000"),
        ]);
        let config = Settings::from_env(&env).unwrap().validate().unwrap();
        assert_eq!(config.parse.isolation, ParseIsolation::InProcess);
        assert_eq!(config.parse.children, 4);
        assert_eq!(config.parse.max_operators, 1000);
        assert_eq!(config.parse.max_pages, ParseConfig::default().max_pages);
    }

    #[test]
    fn an_outside_identity_provider_needs_its_issuer_and_audience() {
        let key = ("RESUMAX_JWT_PUBLIC_KEY", "-----BEGIN PUBLIC KEY-----");
        let err = Settings::from_env(&env(&[key])).unwrap().validate().unwrap_err();
        assert!(err.message.contains("RESUMAX_JWT_ISSUER"), "{err}");
        let config = Settings::from_env(&env(&[
            key,
            ("RESUMAX_JWT_ISSUER", "https://id.example"),
            ("RESUMAX_JWT_AUDIENCE", "resumax, resumax-web"),
        ]))
        .unwrap()
        .validate()
        .unwrap();
        assert_eq!(config.jwt_audience, ["resumax", "resumax-web"]);
        assert_eq!(config.jwt_issuer.as_deref(), Some("https://id.example"));
    }
}
