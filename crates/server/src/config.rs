//! Server configuration. Built by the CLI from flags and `ORQUESTRA_*` variables.

use std::time::Duration;

pub use crate::proxy::{InvalidProxy, TrustedProxies};

/// GitHub OAuth app and endpoints. The endpoints are configurable so tests (and GitHub Enterprise)
/// can point them elsewhere.
#[derive(Debug, Clone)]
pub struct GithubConfig {
    pub client_id: Option<String>,
    pub client_secret: Option<String>,
    /// Default `https://github.com/login/oauth/authorize`.
    pub authorize_url: String,
    /// Default `https://github.com/login/oauth/access_token`.
    pub token_url: String,
    /// Default `https://api.github.com`.
    pub api_url: String,
    /// Per-request timeout for calls to GitHub.
    pub timeout: Duration,
}

impl Default for GithubConfig {
    fn default() -> Self {
        Self {
            client_id: None,
            client_secret: None,
            authorize_url: "https://github.com/login/oauth/authorize".into(),
            token_url: "https://github.com/login/oauth/access_token".into(),
            api_url: "https://api.github.com".into(),
            timeout: Duration::from_secs(10),
        }
    }
}

/// Requests per minute per client (project API key, else IP address) for each class of route;
/// `0` means unlimited. [`ServerConfig::new`] leaves every class unlimited; the CLI applies
/// production defaults. See [`crate::rate_limit`] for which routes fall in which class.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RateLimits {
    /// Every other `/api/*` route.
    pub api: u32,
    /// Building instructions: `POST /api/{id}/instructions/{name}/build|accounts|data`.
    pub build: u32,
    /// Simulating transactions on the operator's RPC.
    pub simulate: u32,
    /// IDL uploads and updates, and ingest.
    pub upload: u32,
    /// Everything under `/mcp`.
    pub mcp: u32,
    /// What a request gets when the KV's shared buckets cannot decide (Redis down).
    pub when_shared_unavailable: SharedLimitFailure,
}

/// The policy when the shared rate-limit buckets (Redis) cannot decide.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum SharedLimitFailure {
    /// Fail open: each instance applies the limits on its own until Redis answers again, so a
    /// client gets at most the limit per instance, and no request fails because of Redis.
    #[default]
    LocalLimits,
    /// Fail closed: limited requests are refused with `503` until Redis answers again.
    Refuse,
}

#[derive(Debug, Clone)]
pub struct ServerConfig {
    /// External base URL (no trailing slash), used for the OAuth redirect URI and redirects.
    pub public_url: String,
    /// HMAC secret for session tokens and the OAuth `state` cookie.
    pub jwt_secret: Vec<u8>,
    /// Lifetime of a session token.
    pub session_ttl: Duration,
    pub github: GithubConfig,
    /// Origins allowed by CORS (exact match); empty = no cross-origin access.
    pub cors_origins: Vec<String>,
    /// Largest JSON body accepted by ordinary routes.
    pub body_limit: usize,
    /// Service key for `X-Ingest-Key` routes; `None` disables them.
    pub ingest_key: Option<String>,
    /// Bearer token `GET /metrics` requires; `None`: metrics are open.
    pub metrics_token: Option<String>,
    /// Requests per minute per client for each rate-limit class (`0` = unlimited).
    pub rate_limits: RateLimits,
    /// Hosts `/mcp` answers for (DNS-rebinding protection on `Host` and `Origin`): `name` (any
    /// port) or `name:port`; `*` allows any. Default: the loopback names and `public_url`'s host.
    pub mcp_allowed_hosts: Vec<String>,
    /// Time a client has to send a request's head (request line and headers), counted from the
    /// first read; also how long an idle keep-alive connection is kept. Past it the connection is
    /// closed. Default [`DEFAULT_HEADER_TIMEOUT`].
    pub header_timeout: Duration,
    /// Longest wait for the next piece of a request body; past it the request is answered `408`
    /// and the connection closed. Also the longest a response write may make no progress (a
    /// client that stops reading) before the connection is closed. Default
    /// [`DEFAULT_BODY_TIMEOUT`].
    pub body_timeout: Duration,
    /// Longest time from a request's head to its response: `408` when the body was still
    /// arriving, else `503`. Default [`DEFAULT_REQUEST_TIMEOUT`].
    pub request_timeout: Duration,
    /// Most connections served at once; further ones wait in the listen backlog until one closes.
    /// Default [`DEFAULT_MAX_CONNECTIONS`].
    pub max_connections: usize,
    /// Reverse proxies whose `Forwarded` / `X-Forwarded-For` headers name the client (for rate
    /// limits). Default: none, so those headers are ignored.
    pub trusted_proxies: TrustedProxies,
    /// How often the latest version of every project checked against the chain once is checked
    /// again; `None` (the default) never re-checks on a schedule.
    pub verify_interval: Option<Duration>,
}

/// Default [`ServerConfig::header_timeout`].
pub const DEFAULT_HEADER_TIMEOUT: Duration = Duration::from_secs(10);
/// Default [`ServerConfig::body_timeout`].
pub const DEFAULT_BODY_TIMEOUT: Duration = Duration::from_secs(30);
/// Default [`ServerConfig::request_timeout`].
pub const DEFAULT_REQUEST_TIMEOUT: Duration = Duration::from_secs(60);
/// Default [`ServerConfig::max_connections`].
pub const DEFAULT_MAX_CONNECTIONS: usize = 1024;

impl ServerConfig {
    /// A configuration for `listen` with the given secret and everything else defaulted.
    pub fn new(public_url: impl Into<String>, jwt_secret: Vec<u8>) -> Self {
        Self {
            public_url: public_url.into().trim_end_matches('/').to_string(),
            jwt_secret,
            session_ttl: Duration::from_secs(7 * 86_400),
            github: GithubConfig::default(),
            cors_origins: Vec::new(),
            body_limit: 1024 * 1024,
            ingest_key: None,
            metrics_token: None,
            rate_limits: RateLimits::default(),
            mcp_allowed_hosts: Vec::new(),
            header_timeout: DEFAULT_HEADER_TIMEOUT,
            body_timeout: DEFAULT_BODY_TIMEOUT,
            request_timeout: DEFAULT_REQUEST_TIMEOUT,
            max_connections: DEFAULT_MAX_CONNECTIONS,
            trusted_proxies: TrustedProxies::default(),
            verify_interval: None,
        }
        .with_default_mcp_hosts()
    }

    /// The loopback names plus `public_url`'s host, added to `mcp_allowed_hosts`.
    pub fn with_default_mcp_hosts(mut self) -> Self {
        let mut hosts = vec!["localhost".to_string(), "127.0.0.1".into(), "[::1]".into()];
        let authority = self
            .public_url
            .split_once("://")
            .map_or(self.public_url.as_str(), |(_, rest)| rest)
            .split(['/', '?', '#'])
            .next()
            .unwrap_or("");
        let authority = authority.rsplit('@').next().unwrap_or(authority);
        // The host without its port: proxies in front often change the port.
        let host = match authority.strip_prefix('[') {
            Some(rest) => rest.split(']').next().map(|h| format!("[{h}]")),
            None => authority.split(':').next().map(str::to_string),
        };
        if let Some(host) = host.filter(|h| !h.is_empty() && h != "[]") {
            hosts.push(host.to_ascii_lowercase());
        }
        for host in hosts {
            if !self.mcp_allowed_hosts.contains(&host) {
                self.mcp_allowed_hosts.push(host);
            }
        }
        self
    }

    /// Cookies get `Secure` when the service is reached over HTTPS.
    pub fn secure_cookies(&self) -> bool {
        self.public_url.starts_with("https://")
    }

    /// Where GitHub sends the browser back to.
    pub fn oauth_redirect_uri(&self) -> String {
        format!("{}/auth/github/callback", self.public_url)
    }
}

/// Parses `30d`, `12h`, `15m`, `90s` or plain seconds.
pub fn parse_duration(text: &str) -> Option<Duration> {
    let text = text.trim();
    let (digits, unit) = match text.char_indices().find(|(_, c)| !c.is_ascii_digit()) {
        Some((i, _)) => text.split_at(i),
        None => (text, "s"),
    };
    let n: u64 = digits.parse().ok()?;
    let secs = match unit {
        "s" => n,
        "m" => n.checked_mul(60)?,
        "h" => n.checked_mul(3600)?,
        "d" => n.checked_mul(86_400)?,
        _ => return None,
    };
    (secs > 0).then(|| Duration::from_secs(secs))
}

#[cfg(test)]
mod tests {
    use super::{parse_duration, ServerConfig};
    use std::time::Duration;

    #[test]
    fn connection_limits_default_to_the_documented_values() {
        let config = ServerConfig::new("http://localhost", vec![]);
        assert_eq!(config.header_timeout, Duration::from_secs(10));
        assert_eq!(config.body_timeout, Duration::from_secs(30));
        assert_eq!(config.request_timeout, Duration::from_secs(60));
        assert_eq!(config.max_connections, 1024);
        assert!(config.trusted_proxies.is_empty());
    }

    #[test]
    fn parses_durations() {
        assert_eq!(
            parse_duration("30d"),
            Some(Duration::from_secs(30 * 86_400))
        );
        assert_eq!(parse_duration("12h"), Some(Duration::from_secs(43_200)));
        assert_eq!(parse_duration("90"), Some(Duration::from_secs(90)));
        assert_eq!(parse_duration("0d"), None);
        assert_eq!(parse_duration("5w"), None);
        assert_eq!(parse_duration("d"), None);
        assert_eq!(parse_duration("99999999999999999999d"), None);
    }
}
