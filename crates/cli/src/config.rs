//! Service configuration from flags and `ORQUESTRA_*` variables, and the session
//! secret that is generated once and kept in the data folder when none is configured.

use std::io::Write;
use std::path::{Path, PathBuf};

use orquestra_server::config::{parse_duration, TrustedProxies};
use orquestra_server::{GithubConfig, RateLimits, ServerConfig, SharedLimitFailure};

use crate::error::CliError;

/// File beside the database that holds the generated session secret.
const SECRET_FILE: &str = "orquestra.secret";

#[derive(clap::Args, Clone)]
pub struct AuthArgs {
    /// HMAC secret for session tokens (default on SQLite: generated once into the data folder;
    /// required on PostgreSQL, shared by every instance).
    #[arg(long, env = "ORQUESTRA_JWT_SECRET", hide_env_values = true)]
    jwt_secret: Option<String>,
    /// Lifetime of a session token (`7d`, `12h`, …).
    #[arg(long, env = "ORQUESTRA_SESSION_TTL", default_value = "7d")]
    session_ttl: String,
}

#[derive(clap::Args)]
pub struct ServiceArgs {
    /// External base URL, used in redirects and docs (default: http://LISTEN).
    #[arg(long, env = "ORQUESTRA_PUBLIC_URL")]
    public_url: Option<String>,
    #[command(flatten)]
    auth: AuthArgs,
    #[arg(long, env = "ORQUESTRA_GITHUB_CLIENT_ID")]
    github_client_id: Option<String>,
    #[arg(long, env = "ORQUESTRA_GITHUB_CLIENT_SECRET", hide_env_values = true)]
    github_client_secret: Option<String>,
    #[arg(
        long,
        env = "ORQUESTRA_GITHUB_AUTHORIZE_URL",
        default_value = "https://github.com/login/oauth/authorize"
    )]
    github_authorize_url: String,
    #[arg(
        long,
        env = "ORQUESTRA_GITHUB_TOKEN_URL",
        default_value = "https://github.com/login/oauth/access_token"
    )]
    github_token_url: String,
    #[arg(
        long,
        env = "ORQUESTRA_GITHUB_API_URL",
        default_value = "https://api.github.com"
    )]
    github_api_url: String,
    /// Service key for `POST /api/ingest/idl` (`X-Ingest-Key`); unset disables ingest.
    #[arg(long, env = "ORQUESTRA_INGEST_KEY", hide_env_values = true)]
    ingest_key: Option<String>,
    /// Bearer token `GET /metrics` requires (at least 16 characters); unset: metrics are open.
    #[arg(long, env = "ORQUESTRA_METRICS_TOKEN", hide_env_values = true)]
    metrics_token: Option<String>,
    /// Comma-separated origins allowed by CORS (exact match).
    #[arg(long, env = "ORQUESTRA_CORS_ORIGINS", value_delimiter = ',')]
    cors_origins: Vec<String>,
    #[command(flatten)]
    rate_limits: RateLimitArgs,
    /// Comma-separated extra hosts `/mcp` answers for (`name` or `name:port`; `*` = any), beside
    /// the loopback names and the public URL's host.
    #[arg(long, env = "ORQUESTRA_MCP_ALLOWED_HOSTS", value_delimiter = ',')]
    mcp_allowed_hosts: Vec<String>,
    #[command(flatten)]
    connections: ConnectionArgs,
}

/// Slow clients, connection count and reverse proxies.
#[derive(clap::Args, Clone)]
pub struct ConnectionArgs {
    /// Time a client has to send a request's headers; also the keep-alive idle time (`10s`, …).
    #[arg(long, env = "ORQUESTRA_HEADER_TIMEOUT", default_value = "10s")]
    header_timeout: String,
    /// Longest wait for the next piece of a request body before `408`, and longest a response
    /// write may stall (`30s`, …).
    #[arg(long, env = "ORQUESTRA_BODY_TIMEOUT", default_value = "30s")]
    body_timeout: String,
    /// Longest time from a request's headers to its response (`60s`, `2m`, …).
    #[arg(long, env = "ORQUESTRA_REQUEST_TIMEOUT", default_value = "60s")]
    request_timeout: String,
    /// Most connections served at once; more wait in the listen backlog.
    #[arg(long, env = "ORQUESTRA_MAX_CONNECTIONS", default_value_t = 1024)]
    max_connections: usize,
    /// Comma-separated CIDRs of reverse proxies whose `Forwarded` / `X-Forwarded-For` name the
    /// client (e.g. `127.0.0.1/32,10.0.0.0/8,::1/128`); empty = trust no one.
    #[arg(long, env = "ORQUESTRA_TRUSTED_PROXIES", value_delimiter = ',')]
    trusted_proxies: Vec<String>,
    /// Re-check every verified project's latest version against its on-chain IDL this often
    /// (`6h`, `30m`, …); `0` or unset: only on demand.
    #[arg(long, env = "ORQUESTRA_VERIFY_INTERVAL", default_value = "0")]
    verify_interval: String,
}

/// The connection settings into `config`; one-line errors naming the variable.
fn apply_connection_args(config: &mut ServerConfig, args: &ConnectionArgs) -> Result<(), CliError> {
    let duration = |name: &str, text: &str| {
        parse_duration(text)
            .ok_or_else(|| CliError::Config(format!("{name} {text:?}: expected e.g. 10s, 2m")))
    };
    config.header_timeout = duration("ORQUESTRA_HEADER_TIMEOUT", &args.header_timeout)?;
    config.body_timeout = duration("ORQUESTRA_BODY_TIMEOUT", &args.body_timeout)?;
    config.request_timeout = duration("ORQUESTRA_REQUEST_TIMEOUT", &args.request_timeout)?;
    config.verify_interval = match args.verify_interval.trim() {
        "" | "0" => None,
        text => Some(duration("ORQUESTRA_VERIFY_INTERVAL", text)?),
    }
    .filter(|every| !every.is_zero());
    if args.max_connections == 0 {
        return Err(CliError::Config(
            "ORQUESTRA_MAX_CONNECTIONS must be at least 1".into(),
        ));
    }
    config.max_connections = args.max_connections;
    config.trusted_proxies = TrustedProxies::parse(&args.trusted_proxies)
        .map_err(|e| CliError::Config(format!("ORQUESTRA_TRUSTED_PROXIES: {e}")))?;
    Ok(())
}

/// Requests per minute per client (project API key, else IP address) for each class of route;
/// `0` = unlimited. Which routes fall in which class: `orquestra_server::rate_limit`.
#[derive(clap::Args, Clone, Copy)]
pub struct RateLimitArgs {
    /// Every `/api/*` route not in a stricter class.
    #[arg(long, env = "ORQUESTRA_RATE_LIMIT_API", default_value_t = 300)]
    rate_limit_api: u32,
    /// `POST /api/{id}/instructions/{name}/build|accounts|data`.
    #[arg(long, env = "ORQUESTRA_RATE_LIMIT_BUILD", default_value_t = 60)]
    rate_limit_build: u32,
    /// `POST /api/transactions/simulate`, `POST /api/tx/simulate` (RPC simulation).
    #[arg(long, env = "ORQUESTRA_RATE_LIMIT_SIMULATE", default_value_t = 30)]
    rate_limit_simulate: u32,
    /// IDL upload/update and ingest.
    #[arg(long, env = "ORQUESTRA_RATE_LIMIT_UPLOAD", default_value_t = 20)]
    rate_limit_upload: u32,
    /// Everything under `/mcp`.
    #[arg(long, env = "ORQUESTRA_RATE_LIMIT_MCP", default_value_t = 120)]
    rate_limit_mcp: u32,
    /// With a Redis KV the limits are shared by every instance; when Redis cannot decide,
    /// `open` lets each instance apply them on its own and `closed` refuses with 503.
    #[arg(long, env = "ORQUESTRA_RATE_LIMIT_FAIL", value_enum, default_value_t = FailMode::Open)]
    rate_limit_fail: FailMode,
}

/// `--rate-limit-fail`: what limited requests get while the shared buckets are unreachable.
#[derive(Clone, Copy, PartialEq, Eq, Debug, clap::ValueEnum)]
pub enum FailMode {
    Open,
    Closed,
}

impl From<RateLimitArgs> for RateLimits {
    fn from(a: RateLimitArgs) -> Self {
        RateLimits {
            api: a.rate_limit_api,
            build: a.rate_limit_build,
            simulate: a.rate_limit_simulate,
            upload: a.rate_limit_upload,
            mcp: a.rate_limit_mcp,
            when_shared_unavailable: match a.rate_limit_fail {
                FailMode::Open => SharedLimitFailure::LocalLimits,
                FailMode::Closed => SharedLimitFailure::Refuse,
            },
        }
    }
}

/// The folder the database lives in: where generated state (the secret) is kept.
pub fn data_dir(database_url: &str) -> PathBuf {
    let path = database_url
        .strip_prefix("sqlite://")
        .or_else(|| database_url.strip_prefix("sqlite:"))
        .unwrap_or("");
    let path = path.split('?').next().unwrap_or("");
    match Path::new(path).parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// The configured secret, or on SQLite the one kept in the data folder (created on first use, mode
/// 0600). A PostgreSQL database needs the configured one.
pub fn session_secret(args: &AuthArgs, database_url: &str) -> Result<Vec<u8>, CliError> {
    if let Some(secret) = args.jwt_secret.as_deref().filter(|s| !s.is_empty()) {
        if secret.len() < 32 {
            return Err(CliError::Config(
                "ORQUESTRA_JWT_SECRET must be at least 32 characters".into(),
            ));
        }
        return Ok(secret.as_bytes().to_vec());
    }
    // A secret generated on one machine would not be known to the other instances a PostgreSQL
    // database is shared with: each would refuse the others' sessions.
    if !database_url.starts_with("sqlite:") {
        return Err(CliError::Config(
            "ORQUESTRA_JWT_SECRET is required with a PostgreSQL database: every instance on it \
             must sign sessions with the same secret (at least 32 characters, e.g. \
             `openssl rand -hex 32`)"
                .into(),
        ));
    }
    let path = data_dir(database_url).join(SECRET_FILE);
    let io = |e| CliError::Io {
        context: format!("session secret {}", path.display()),
        source: e,
    };
    match std::fs::read_to_string(&path) {
        Ok(text) if text.trim().len() >= 64 => return Ok(text.trim().as_bytes().to_vec()),
        Ok(_) => {
            return Err(CliError::Config(format!(
                "{} is too short; delete it to regenerate",
                path.display()
            )))
        }
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(io(e)),
        Err(_) => {}
    }
    let secret = hex_secret()?;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    match options.open(&path) {
        Ok(mut file) => file.write_all(secret.as_bytes()).map_err(io)?,
        // Another process created it first: use theirs.
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            return Ok(std::fs::read_to_string(&path)
                .map_err(io)?
                .trim()
                .as_bytes()
                .to_vec())
        }
        Err(e) => return Err(io(e)),
    }
    Ok(secret.into_bytes())
}

fn hex_secret() -> Result<String, CliError> {
    let bytes: [u8; 32] = orquestra_store::ids::random_bytes()?;
    Ok(orquestra_idl::hex::encode(&bytes))
}

pub fn session_ttl(args: &AuthArgs) -> Result<std::time::Duration, CliError> {
    parse_duration(&args.session_ttl).ok_or_else(|| {
        CliError::Config(format!(
            "session TTL {:?}: expected e.g. 7d, 12h, 30m",
            args.session_ttl
        ))
    })
}

/// Builds the server configuration for a service listening on `listen`.
pub fn server_config(
    args: ServiceArgs,
    listen: &std::net::SocketAddr,
    database_url: &str,
) -> Result<ServerConfig, CliError> {
    let public_url = args
        .public_url
        .unwrap_or_else(|| format!("http://{listen}"));
    let mut config = ServerConfig::new(public_url, session_secret(&args.auth, database_url)?);
    config.session_ttl = session_ttl(&args.auth)?;
    config.github = GithubConfig {
        client_id: args.github_client_id.filter(|s| !s.is_empty()),
        client_secret: args.github_client_secret.filter(|s| !s.is_empty()),
        authorize_url: args.github_authorize_url,
        token_url: args.github_token_url,
        api_url: args.github_api_url,
        ..GithubConfig::default()
    };
    config.ingest_key = args.ingest_key.filter(|k| !k.is_empty());
    if config.ingest_key.as_ref().is_some_and(|k| k.len() < 16) {
        return Err(CliError::Config(
            "ORQUESTRA_INGEST_KEY must be at least 16 characters".into(),
        ));
    }
    config.metrics_token = args.metrics_token.filter(|k| !k.is_empty());
    if config.metrics_token.as_ref().is_some_and(|k| k.len() < 16) {
        return Err(CliError::Config(
            "ORQUESTRA_METRICS_TOKEN must be at least 16 characters".into(),
        ));
    }
    config.cors_origins = args
        .cors_origins
        .into_iter()
        .map(|o| o.trim().to_string())
        .filter(|o| !o.is_empty())
        .collect();
    config.mcp_allowed_hosts.extend(
        args.mcp_allowed_hosts
            .into_iter()
            .map(|h| h.trim().to_ascii_lowercase())
            .filter(|h| !h.is_empty()),
    );
    config.rate_limits = args.rate_limits.into();
    apply_connection_args(&mut config, &args.connections)?;
    Ok(config)
}

#[cfg(test)]
mod tests {
    use super::{
        apply_connection_args, data_dir, session_secret, AuthArgs, ConnectionArgs, RateLimitArgs,
    };
    use clap::Parser;
    use orquestra_server::{RateLimits, SharedLimitFailure};
    use std::path::PathBuf;

    #[derive(Parser)]
    struct Limits {
        #[command(flatten)]
        limits: RateLimitArgs,
    }

    #[test]
    fn rate_limits_have_production_defaults_and_flags() {
        let parse = |args: &[&str]| -> RateLimits {
            let mut argv = vec!["orquestra"];
            argv.extend_from_slice(args);
            Limits::try_parse_from(argv).unwrap().limits.into()
        };
        assert_eq!(
            parse(&[]),
            RateLimits {
                api: 300,
                build: 60,
                simulate: 30,
                upload: 20,
                mcp: 120,
                when_shared_unavailable: SharedLimitFailure::LocalLimits,
            }
        );
        let custom = parse(&["--rate-limit-build", "0", "--rate-limit-mcp", "7"]);
        assert_eq!((custom.build, custom.mcp, custom.api), (0, 7, 300));
        let closed = parse(&["--rate-limit-fail", "closed"]);
        assert_eq!(closed.when_shared_unavailable, SharedLimitFailure::Refuse);
    }

    #[derive(Parser)]
    struct Connections {
        #[command(flatten)]
        connections: ConnectionArgs,
    }

    fn connections(args: &[&str]) -> Result<orquestra_server::ServerConfig, String> {
        let mut argv = vec!["orquestra"];
        argv.extend_from_slice(args);
        let parsed = Connections::try_parse_from(argv).map_err(|e| e.to_string())?;
        let mut config = orquestra_server::ServerConfig::new("http://localhost", vec![]);
        apply_connection_args(&mut config, &parsed.connections).map_err(|e| e.to_string())?;
        Ok(config)
    }

    #[test]
    fn connection_settings_have_defaults_and_one_line_errors() {
        use std::time::Duration;
        let defaults = connections(&[]).unwrap();
        assert_eq!(defaults.header_timeout, Duration::from_secs(10));
        assert_eq!(defaults.body_timeout, Duration::from_secs(30));
        assert_eq!(defaults.request_timeout, Duration::from_secs(60));
        assert_eq!(defaults.max_connections, 1024);
        assert!(defaults.trusted_proxies.is_empty());

        let custom = connections(&[
            "--header-timeout",
            "2s",
            "--request-timeout",
            "2m",
            "--max-connections",
            "8",
            "--trusted-proxies",
            "127.0.0.1/32, 10.0.0.0/8,::1/128",
        ])
        .unwrap();
        assert_eq!(custom.header_timeout, Duration::from_secs(2));
        assert_eq!(custom.request_timeout, Duration::from_secs(120));
        assert_eq!(custom.max_connections, 8);
        assert!(custom.trusted_proxies.contains("10.9.8.7".parse().unwrap()));
        assert!(custom.trusted_proxies.contains("::1".parse().unwrap()));

        let error = connections(&["--trusted-proxies", "10.0.0.0/8,10.0.0.0/40"]).unwrap_err();
        assert_eq!(
            error,
            "invalid configuration: ORQUESTRA_TRUSTED_PROXIES: \"10.0.0.0/40\" is not a CIDR \
             (such as 10.0.0.0/8 or ::1/128) or an IP address"
        );
        let error = connections(&["--body-timeout", "soon"]).unwrap_err();
        assert_eq!(
            error,
            "invalid configuration: ORQUESTRA_BODY_TIMEOUT \"soon\": expected e.g. 10s, 2m"
        );
        assert!(connections(&["--max-connections", "0"]).is_err());
    }

    #[test]
    fn a_postgres_database_needs_a_configured_secret() {
        let auth = |secret: Option<&str>| AuthArgs {
            jwt_secret: secret.map(str::to_owned),
            session_ttl: "7d".into(),
        };
        let url = "postgres://o@db.example/orquestra";
        let refused = session_secret(&auth(None), url).unwrap_err().to_string();
        assert!(
            refused.contains("ORQUESTRA_JWT_SECRET is required"),
            "{refused}"
        );
        let secret = "s".repeat(32);
        assert_eq!(
            session_secret(&auth(Some(&secret)), url).unwrap(),
            secret.as_bytes()
        );
    }

    #[test]
    fn data_dir_is_the_database_folder() {
        assert_eq!(data_dir("sqlite://orquestra.db"), PathBuf::from("."));
        assert_eq!(
            data_dir("sqlite:///var/lib/o/o.db"),
            PathBuf::from("/var/lib/o")
        );
        assert_eq!(
            data_dir("sqlite://data/o.db?mode=rwc"),
            PathBuf::from("data")
        );
    }
}
