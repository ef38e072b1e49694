//! The operator's RPC policy: one URL per cluster, the custom-RPC allow-list, limits.

use std::collections::BTreeMap;
use std::fmt;
use std::net::IpAddr;
use std::time::Duration;

use reqwest::Url;
use url::Host;

use crate::error::{ConfigError, RpcError};

/// Default per-attempt timeout.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);
/// Default cap on a response body.
pub const DEFAULT_MAX_RESPONSE_BYTES: usize = 16 * 1024 * 1024;
/// Default number of retries after a transport error.
pub const DEFAULT_RETRIES: u32 = 2;

pub use orquestra_api::transaction::Cluster;

/// The cluster of a name a request gives. Strict: anything but the four names (and `mainnet`)
/// is [`RpcError::UnknownCluster`], never a silent mainnet fallback.
pub fn parse_cluster(name: &str) -> Result<Cluster, RpcError> {
    Cluster::from_name(name).ok_or_else(|| RpcError::UnknownCluster {
        name: truncate(name, 64),
    })
}

/// The environment variable that overrides `cluster`'s URL.
pub fn cluster_env_var(cluster: Cluster) -> &'static str {
    match cluster {
        Cluster::MainnetBeta => "ORQUESTRA_RPC_MAINNET_URL",
        Cluster::Devnet => "ORQUESTRA_RPC_DEVNET_URL",
        Cluster::Testnet => "ORQUESTRA_RPC_TESTNET_URL",
        Cluster::Localnet => "ORQUESTRA_RPC_LOCALNET_URL",
    }
}

/// The URL of `cluster` when the operator configured none.
pub fn default_cluster_url(cluster: Cluster) -> &'static str {
    match cluster {
        Cluster::MainnetBeta => "https://api.mainnet-beta.solana.com",
        Cluster::Devnet => "https://api.devnet.solana.com",
        Cluster::Testnet => "https://api.testnet.solana.com",
        Cluster::Localnet => "http://127.0.0.1:8899",
    }
}

/// One allow-list entry: a host name or IP literal, optionally with a port.
///
/// Semantics (`ORQUESTRA_RPC_ALLOW_CUSTOM`):
/// * `host` (a name, no port): a request's `rpcUrl` may name that host on any port;
/// * `host:port`: only on that port;
/// * an IP entry (`1.2.3.4`, `::1`, with or without a port) does two things: an `rpcUrl` may name
///   that IP literal (on that port only, when the entry has one), and an allow-listed *name* may
///   resolve to that IP even when it is private/loopback/link-local/… (again on that port only).
///   So `localhost,127.0.0.1:8899` lets `http://localhost:8899/` through but refuses
///   `http://localhost:8080/`: the resolved 127.0.0.1 is only allowed on 8899.
///
/// Host parts are read like the URL parser reads a request's host (WHATWG): names are lower-cased
/// with one trailing dot stripped and must not have empty labels; numeric IPv4 forms
/// (`2130706433`, `0x7f.1`, `127.1`) are the IP they denote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AllowedHost {
    /// Lower-case host name without trailing dot, or a canonical IP literal (no brackets).
    pub host: String,
    /// `None` = any port.
    pub port: Option<u16>,
}

impl AllowedHost {
    /// Parses `host`, `host:port`, `1.2.3.4`, `1.2.3.4:8899`, `::1`, `[::1]` or `[::1]:8899`.
    pub fn parse(entry: &str) -> Result<Self, String> {
        let entry = entry.trim();
        if entry.is_empty() {
            return Err("empty entry".into());
        }
        if entry.contains("://") || entry.contains('/') || entry.contains('@') {
            return Err(format!(
                "\"{entry}\" must be a host name or host:port, not a URL"
            ));
        }
        if let Ok(ip) = entry.parse::<IpAddr>() {
            return Ok(Self {
                host: ip.to_string(),
                port: None,
            });
        }
        let (host, port) = if let Some(rest) = entry.strip_prefix('[') {
            let (inside, after) = rest
                .split_once(']')
                .ok_or_else(|| format!("\"{entry}\": unclosed '['"))?;
            let ip: IpAddr = inside
                .parse()
                .map_err(|_| format!("\"{entry}\": not an IPv6 address"))?;
            let port = match (after, after.strip_prefix(':')) {
                ("", _) => None,
                (_, Some(p)) => Some(parse_port(entry, p)?),
                (_, None) => return Err(format!("\"{entry}\": expected ':' after ']'")),
            };
            (ip.to_string(), port)
        } else if let Some((h, p)) = entry.rsplit_once(':') {
            (parse_entry_host(entry, h)?, Some(parse_port(entry, p)?))
        } else {
            (parse_entry_host(entry, entry)?, None)
        };
        Ok(Self { host, port })
    }

    /// Exact host match (`host` must already be normalised); port if the entry has one.
    pub(crate) fn matches(&self, host: &str, port: u16) -> bool {
        self.host == host && self.port.is_none_or(|p| p == port)
    }
}

/// The host part of an entry, as the URL parser would read it in a request's `rpcUrl`.
fn parse_entry_host(entry: &str, h: &str) -> Result<String, String> {
    match Host::parse(h.trim()) {
        Ok(Host::Ipv4(ip)) => Ok(ip.to_string()),
        Ok(Host::Ipv6(ip)) => Ok(ip.to_string()),
        Ok(Host::Domain(d)) => {
            let name = normalize_host(&d);
            if name.is_empty() {
                return Err(format!("\"{entry}\": empty host"));
            }
            if name.split('.').any(str::is_empty) {
                return Err(format!("\"{entry}\": empty label in host name"));
            }
            if !name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
            {
                return Err(format!("\"{entry}\": invalid host name"));
            }
            Ok(name)
        }
        Err(e) => Err(format!("\"{entry}\": invalid host ({e})")),
    }
}

fn parse_port(entry: &str, p: &str) -> Result<u16, String> {
    p.parse::<u16>()
        .ok()
        .filter(|&n| n != 0)
        .ok_or_else(|| format!("\"{entry}\": invalid port \"{p}\""))
}

/// Lower-case, with one trailing dot stripped (`LocalHost.` → `localhost`; `localhost..` keeps
/// one dot and so matches no entry); IP literals in canonical form.
pub(crate) fn normalize_host(host: &str) -> String {
    let lower = host.trim().to_ascii_lowercase();
    let h = lower.strip_suffix('.').unwrap_or(&lower);
    match h.parse::<IpAddr>() {
        Ok(ip) => ip.to_string(),
        Err(_) => h.to_owned(),
    }
}

/// The RPC policy. `Default` is the no-configuration policy: public Solana endpoints,
/// `http://127.0.0.1:8899` for localnet, no custom RPC allowed.
#[derive(Clone, PartialEq)]
pub struct RpcConfig {
    /// One URL per cluster (operator-configured, therefore trusted: no address checks).
    pub clusters: BTreeMap<Cluster, Url>,
    /// Hosts a request's own `rpcUrl` may name (empty = custom RPC disabled).
    pub allow_custom_hosts: Vec<AllowedHost>,
    /// The cluster used when a request names none.
    pub default_cluster: Cluster,
    /// Per-attempt deadline (connect + request + whole body).
    pub timeout: Duration,
    /// Default cap on a response body; per-call overridable.
    pub max_response_bytes: usize,
    /// Extra attempts after a transport error (never after a timeout, an HTTP status or a JSON-RPC error).
    pub retries: u32,
}

impl Default for RpcConfig {
    fn default() -> Self {
        let clusters = Cluster::ALL
            .into_iter()
            .filter_map(|c| Url::parse(default_cluster_url(c)).ok().map(|u| (c, u)))
            .collect();
        Self {
            clusters,
            allow_custom_hosts: Vec::new(),
            default_cluster: Cluster::MainnetBeta,
            timeout: DEFAULT_TIMEOUT,
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
            retries: DEFAULT_RETRIES,
        }
    }
}

impl fmt::Debug for RpcConfig {
    /// Cluster URLs are shown as scheme://host:port only: their paths and queries may hold API keys.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let clusters: BTreeMap<&str, String> = self
            .clusters
            .iter()
            .map(|(c, u)| (c.as_str(), redacted(u)))
            .collect();
        f.debug_struct("RpcConfig")
            .field("clusters", &clusters)
            .field("allow_custom_hosts", &self.allow_custom_hosts)
            .field("default_cluster", &self.default_cluster)
            .field("timeout", &self.timeout)
            .field("max_response_bytes", &self.max_response_bytes)
            .field("retries", &self.retries)
            .finish()
    }
}

/// `scheme://host[:port]` of a URL, with path, query and user info dropped.
pub(crate) fn redacted(url: &Url) -> String {
    match (url.host_str(), url.port()) {
        (Some(h), Some(p)) => format!("{}://{h}:{p}", url.scheme()),
        (Some(h), None) => format!("{}://{h}", url.scheme()),
        _ => format!("{}://?", url.scheme()),
    }
}

impl RpcConfig {
    /// Reads `ORQUESTRA_RPC_{MAINNET,DEVNET,TESTNET,LOCALNET}_URL` and `ORQUESTRA_RPC_ALLOW_CUSTOM`
    /// from the process environment (unset or empty = default).
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Like [`RpcConfig::from_env`] with an arbitrary variable source (tests, flag layers).
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let mut config = Self::default();
        for cluster in Cluster::ALL {
            let var = cluster_env_var(cluster);
            if let Some(value) = lookup(var).filter(|v| !v.trim().is_empty()) {
                let url = parse_cluster_url(value.trim()).map_err(|m| ConfigError::new(var, m))?;
                config.clusters.insert(cluster, url);
            }
        }
        if let Some(list) = lookup("ORQUESTRA_RPC_ALLOW_CUSTOM") {
            config.allow_custom_hosts = parse_allow_list(&list)
                .map_err(|m| ConfigError::new("ORQUESTRA_RPC_ALLOW_CUSTOM", m))?;
        }
        Ok(config)
    }

    /// Replaces one cluster's URL (validated like the environment variable).
    pub fn with_cluster_url(mut self, cluster: Cluster, url: &str) -> Result<Self, ConfigError> {
        let url =
            parse_cluster_url(url).map_err(|m| ConfigError::new(cluster_env_var(cluster), m))?;
        self.clusters.insert(cluster, url);
        Ok(self)
    }

    /// Replaces the allow-list with comma-separated entries (as `ORQUESTRA_RPC_ALLOW_CUSTOM`).
    pub fn with_allow_custom(mut self, list: &str) -> Result<Self, ConfigError> {
        self.allow_custom_hosts = parse_allow_list(list)
            .map_err(|m| ConfigError::new("ORQUESTRA_RPC_ALLOW_CUSTOM", m))?;
        Ok(self)
    }

    /// Is this (normalised host, port) on the allow-list?
    pub(crate) fn host_allowed(&self, host: &str, port: u16) -> bool {
        self.allow_custom_hosts
            .iter()
            .any(|e| e.matches(host, port))
    }

    /// Is this IP itself listed for this port (an IP entry without a port, or with exactly this
    /// one)? Used to permit a non-public address an allow-listed name resolved to.
    pub(crate) fn ip_allowed(&self, ip: IpAddr, port: u16) -> bool {
        self.host_allowed(&ip.to_string(), port)
    }
}

/// Comma-separated allow-list entries; blanks are skipped.
pub fn parse_allow_list(list: &str) -> Result<Vec<AllowedHost>, String> {
    list.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(AllowedHost::parse)
        .collect()
}

fn parse_cluster_url(value: &str) -> Result<Url, String> {
    let url = Url::parse(value).map_err(|e| format!("not a URL ({e})"))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(format!(
            "scheme must be http or https, not {}",
            url.scheme()
        ));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err("URL has no host".into());
    }
    Ok(url)
}

pub(crate) fn truncate(s: &str, max_chars: usize) -> String {
    let mut out: String = s
        .chars()
        .filter(|c| !c.is_control())
        .take(max_chars)
        .collect();
    if s.chars().count() > max_chars {
        out.push('…');
    }
    out
}
