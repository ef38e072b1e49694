//! Choosing where a request goes: a configured cluster, or a request's own `rpcUrl` checked
//! against the allow-list and pinned to the addresses that were checked.

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

use url::{Host, Url};

use crate::config::{normalize_host, redacted, truncate, Cluster, RpcConfig};
use crate::error::RpcError;

/// Where an endpoint came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EndpointKind {
    /// An operator-configured cluster URL (trusted).
    Cluster(Cluster),
    /// A request's own `rpcUrl` that passed the allow-list and address checks.
    Custom,
}

/// A resolved RPC endpoint, ready to be called through [`crate::RpcClient`].
///
/// `Debug` and [`Endpoint::host`] never show the path or query (they may hold an API key).
#[derive(Clone)]
pub struct Endpoint {
    pub(crate) kind: EndpointKind,
    pub(crate) url: Url,
    pub(crate) host: String,
    pub(crate) pinned: Vec<SocketAddr>,
    pub(crate) http: reqwest::Client,
}

impl Endpoint {
    /// Cluster or custom.
    pub fn kind(&self) -> EndpointKind {
        self.kind
    }

    /// The cluster, when the endpoint is a configured one.
    pub fn cluster(&self) -> Option<Cluster> {
        match self.kind {
            EndpointKind::Cluster(c) => Some(c),
            EndpointKind::Custom => None,
        }
    }

    /// `mainnet-beta` / `devnet` / `testnet` / `localnet`, or `custom`.
    pub fn network(&self) -> &'static str {
        match self.kind {
            EndpointKind::Cluster(c) => c.as_str(),
            EndpointKind::Custom => "custom",
        }
    }

    /// Host name only (safe to echo as `rpcUrlHost`).
    pub fn host(&self) -> &str {
        &self.host
    }

    /// For a custom host name: the checked, permitted addresses (with the request's port) every
    /// connection goes to (empty otherwise).
    pub fn pinned_addrs(&self) -> &[SocketAddr] {
        &self.pinned
    }
}

impl fmt::Debug for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Endpoint")
            .field("kind", &self.kind)
            .field("url", &redacted(&self.url))
            .field("pinned", &self.pinned)
            .finish()
    }
}

/// The endpoint for a configured cluster.
pub(crate) fn for_cluster(
    config: &RpcConfig,
    http: &reqwest::Client,
    cluster: Cluster,
) -> Result<Endpoint, RpcError> {
    let url = config.clusters.get(&cluster).cloned().ok_or_else(|| {
        RpcError::invalid_url(format!("no RPC URL configured for {}", cluster.as_str()))
    })?;
    Ok(Endpoint {
        kind: EndpointKind::Cluster(cluster),
        host: url.host_str().unwrap_or("unknown").to_owned(),
        url,
        pinned: Vec::new(),
        http: http.clone(),
    })
}

/// Parses and checks a request's own `rpcUrl`, resolving and pinning host names.
pub(crate) async fn for_custom(
    config: &RpcConfig,
    rpc_url: &str,
    build_client: impl FnOnce(&str, &[SocketAddr]) -> Result<reqwest::Client, RpcError>,
    shared: &reqwest::Client,
) -> Result<Endpoint, RpcError> {
    let url = Url::parse(rpc_url.trim())
        .map_err(|e| RpcError::invalid_url(format!("rpcUrl is not a URL ({e})")))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(RpcError::invalid_url(format!(
            "rpcUrl scheme must be http or https, not \"{}\"",
            truncate(url.scheme(), 16)
        )));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(RpcError::invalid_url("rpcUrl must not contain user info"));
    }
    let port = url
        .port_or_known_default()
        .ok_or_else(|| RpcError::invalid_url("rpcUrl has no port"))?;
    let (host, literal) = match url.host() {
        Some(Host::Domain(d)) => (normalize_host(d), None),
        Some(Host::Ipv4(ip)) => (ip.to_string(), Some(IpAddr::V4(ip))),
        Some(Host::Ipv6(ip)) => (ip.to_string(), Some(IpAddr::V6(ip))),
        None => return Err(RpcError::invalid_url("rpcUrl has no host")),
    };
    if host.is_empty() {
        return Err(RpcError::invalid_url("rpcUrl has no host"));
    }
    if !config.host_allowed(&host, port) {
        return Err(RpcError::CustomRpcNotAllowed {
            host: truncate(&host, 253),
        });
    }
    let echo_host = url.host_str().unwrap_or("unknown").to_owned();
    if literal.is_some() {
        // The exact IP literal is on the allow-list for this port: that is the operator's explicit
        // permission. (Numeric forms such as `2130706433` or `0x7f.1` were turned into this IP by
        // the URL parser, so they were matched as IPs; the request URL carries the canonical IP,
        // so no name is ever looked up.)
        return Ok(Endpoint {
            kind: EndpointKind::Custom,
            url,
            host: echo_host,
            pinned: Vec::new(),
            http: shared.clone(),
        });
    }
    // Resolve once; check every address; keep only the permitted ones (public, or that IP listed
    // for this port). The connection is pinned to them: the others are never contacted.
    let mut pinned: Vec<SocketAddr> = Vec::new();
    let mut refused: Option<IpAddr> = None;
    for addr in resolve(&host, port, config).await? {
        let ip = canonical_ip(addr.ip());
        if is_public(ip) || config.ip_allowed(ip, port) {
            let addr = SocketAddr::new(addr.ip(), port);
            if !pinned.contains(&addr) {
                pinned.push(addr);
            }
        } else if refused.is_none() {
            refused = Some(ip);
        }
    }
    if pinned.is_empty() {
        return Err(match refused {
            Some(ip) => RpcError::PrivateAddress {
                host,
                ip: ip.to_string(),
            },
            None => RpcError::Transport(format!("{host} resolved to no address")),
        });
    }
    let http = build_client(&host, &pinned)?;
    Ok(Endpoint {
        kind: EndpointKind::Custom,
        url,
        host: echo_host,
        pinned,
        http,
    })
}

pub(crate) async fn resolve(
    host: &str,
    port: u16,
    config: &RpcConfig,
) -> Result<Vec<SocketAddr>, RpcError> {
    let lookup = tokio::net::lookup_host((host, port));
    let addrs: Vec<SocketAddr> = match tokio::time::timeout(config.timeout, lookup).await {
        Err(_) => {
            return Err(RpcError::Timeout {
                host: host.to_owned(),
                timeout_ms: duration_ms(config.timeout),
            })
        }
        Ok(Err(e)) => {
            return Err(RpcError::Transport(format!(
                "could not resolve {host}: {e}"
            )))
        }
        Ok(Ok(it)) => it.collect(),
    };
    if addrs.is_empty() {
        return Err(RpcError::Transport(format!(
            "{host} resolved to no address"
        )));
    }
    Ok(addrs)
}

pub(crate) fn duration_ms(d: std::time::Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

/// An IPv4-mapped IPv6 address (`::ffff:a.b.c.d`) is its IPv4 address.
pub fn canonical_ip(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => IpAddr::V6(v6),
        },
        v4 => v4,
    }
}

/// True for globally routable unicast addresses; false for private, loopback, link-local,
/// unspecified, multicast, broadcast, CGNAT, unique-local, documentation, benchmarking and
/// reserved ranges, and for IPv6 forms that embed such an IPv4 address.
pub fn is_public(ip: IpAddr) -> bool {
    match canonical_ip(ip) {
        IpAddr::V4(v4) => is_public_v4(v4),
        IpAddr::V6(v6) => is_public_v6(v6),
    }
}

fn is_public_v4(ip: Ipv4Addr) -> bool {
    let [a, b, c, _] = ip.octets();
    let blocked = a == 0 // "this network", incl. unspecified
        || ip.is_private() // 10/8, 172.16/12, 192.168/16
        || ip.is_loopback() // 127/8
        || ip.is_link_local() // 169.254/16
        || ip.is_multicast() // 224/4
        || ip.is_broadcast()
        || ip.is_documentation() // 192.0.2/24, 198.51.100/24, 203.0.113/24
        || (a == 100 && (b & 0xc0) == 64) // 100.64/10 CGNAT
        || (a == 192 && b == 0 && c == 0) // 192.0.0/24 IETF protocol assignments
        || (a == 198 && (b & 0xfe) == 18) // 198.18/15 benchmarking
        || a >= 240; // 240/4 reserved
    !blocked
}

fn is_public_v6(ip: Ipv6Addr) -> bool {
    let seg = ip.segments();
    if ip.is_unspecified() || ip.is_loopback() || ip.is_multicast() {
        return false;
    }
    let embedded_v4 = |hi: u16, lo: u16| {
        let [a, b] = hi.to_be_bytes();
        let [c, d] = lo.to_be_bytes();
        Ipv4Addr::new(a, b, c, d)
    };
    match seg[0] {
        s if (s & 0xfe00) == 0xfc00 => false, // fc00::/7 unique local
        s if (s & 0xffc0) == 0xfe80 => false, // fe80::/10 link local
        s if (s & 0xffc0) == 0xfec0 => false, // fec0::/10 site local (deprecated)
        0x2001 if seg[1] == 0x0db8 => false,  // 2001:db8::/32 documentation
        0x2002 => is_public_v4(embedded_v4(seg[1], seg[2])), // 6to4
        0x0064 if seg[1] == 0xff9b && seg[2..6] == [0, 0, 0, 0] => {
            is_public_v4(embedded_v4(seg[6], seg[7])) // NAT64 64:ff9b::/96
        }
        0x0100 if seg[1..4] == [0, 0, 0] => false, // 100::/64 discard
        0 if seg[1..6] == [0, 0, 0, 0, 0] => false, // ::/96 IPv4-compatible (deprecated) and friends
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn public(s: &str) -> bool {
        is_public(s.parse().unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED)))
    }

    #[test]
    fn classifies_addresses() {
        for s in [
            "0.0.0.0",
            "10.1.2.3",
            "127.0.0.1",
            "169.254.169.254",
            "172.16.0.1",
            "172.31.255.255",
            "192.168.1.1",
            "100.64.0.1",
            "100.127.255.255",
            "224.0.0.1",
            "255.255.255.255",
            "240.0.0.1",
            "198.18.0.1",
            "192.0.0.8",
            "::",
            "::1",
            "fe80::1",
            "fc00::1",
            "fd12::1",
            "ff02::1",
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.1",
            "64:ff9b::a00:1",
            "2002:a00:1::",
            "::127.0.0.1",
            "2001:db8::1",
        ] {
            assert!(!public(s), "{s} should be non-public");
        }
        for s in [
            "8.8.8.8",
            "1.1.1.1",
            "100.128.0.1",
            "172.32.0.1",
            "2606:4700::1111",
            "::ffff:8.8.8.8",
            "64:ff9b::808:808",
            "2002:808:808::",
        ] {
            assert!(public(s), "{s} should be public");
        }
    }
}
