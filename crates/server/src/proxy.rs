//! The client's address behind trusted reverse proxies (`ORQUESTRA_TRUSTED_PROXIES`).
//!
//! When the TCP peer is a trusted proxy, the client is taken from `Forwarded: for=` (RFC 7239) or,
//! when no `Forwarded` element names one, from `X-Forwarded-For`: the hops are walked from the
//! right (the one the peer itself appended) and the first address that is not a trusted proxy is
//! the client. Entries further left are written by whoever is further left — possibly the client
//! itself — so they are never believed. A hop that is not an address (`unknown`, an obfuscated
//! `_name`, garbage) stops the walk: the client is then the trusted proxy that reported it. From
//! any other peer the headers are ignored and the client is the peer.

use std::net::{IpAddr, SocketAddr};
use std::str::FromStr;

use axum::http::{HeaderMap, HeaderName};
use ipnet::IpNet;

/// CIDRs of the reverse proxies whose forwarding headers are believed. Empty by default.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrustedProxies {
    nets: Vec<IpNet>,
}

/// An `ORQUESTRA_TRUSTED_PROXIES` entry that is neither a CIDR nor an address.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{entry:?} is not a CIDR (such as 10.0.0.0/8 or ::1/128) or an IP address")]
pub struct InvalidProxy {
    pub entry: String,
}

impl TrustedProxies {
    /// Parses CIDRs (`10.0.0.0/8`, `::1/128`) or plain addresses (a /32 or /128); blank entries
    /// are skipped.
    pub fn parse<S: AsRef<str>>(
        entries: impl IntoIterator<Item = S>,
    ) -> Result<Self, InvalidProxy> {
        let mut nets = Vec::new();
        for entry in entries {
            let entry = entry.as_ref().trim();
            if entry.is_empty() {
                continue;
            }
            let net = IpNet::from_str(entry)
                .ok()
                .or_else(|| IpAddr::from_str(entry).ok().map(IpNet::from))
                .ok_or_else(|| InvalidProxy {
                    entry: entry.to_string(),
                })?;
            nets.push(net);
        }
        Ok(Self { nets })
    }

    /// Parses a comma-separated list (the environment variable's form).
    pub fn parse_list(list: &str) -> Result<Self, InvalidProxy> {
        Self::parse(list.split(','))
    }

    pub fn is_empty(&self) -> bool {
        self.nets.is_empty()
    }

    /// Whether `ip` (IPv4-mapped IPv6 as its IPv4 address) is in one of the ranges.
    pub fn contains(&self, ip: IpAddr) -> bool {
        let ip = ip.to_canonical();
        self.nets.iter().any(|net| net.contains(&ip))
    }
}

const FORWARDED: HeaderName = HeaderName::from_static("forwarded");
const X_FORWARDED_FOR: HeaderName = HeaderName::from_static("x-forwarded-for");

/// The client's address for a request from `peer` with `headers` (see the module docs).
pub fn client_ip(peer: IpAddr, headers: &HeaderMap, trusted: &TrustedProxies) -> IpAddr {
    let peer = peer.to_canonical();
    if !trusted.contains(peer) {
        return peer;
    }
    let hops = forwarded_for(headers).unwrap_or_else(|| x_forwarded_for(headers));
    let mut client = peer;
    for hop in hops.iter().rev() {
        let Some(ip) = hop.map(|ip| ip.to_canonical()) else {
            return client;
        };
        client = ip;
        if !trusted.contains(ip) {
            return ip;
        }
    }
    // Every hop is a trusted proxy: the left-most is as close to the client as we can tell.
    client
}

/// The `for=` of every `Forwarded` element, in order (`None`: not an address); `None` when no
/// element has a `for=`. An element without `for=` is an unknown hop.
fn forwarded_for(headers: &HeaderMap) -> Option<Vec<Option<IpAddr>>> {
    let mut hops = Vec::new();
    let mut any = false;
    for value in headers.get_all(FORWARDED) {
        let Ok(value) = value.to_str() else {
            // Not even visible ASCII: one hop we cannot read.
            hops.push(None);
            continue;
        };
        for element in split_unquoted(value, ',') {
            if element.trim().is_empty() {
                continue;
            }
            let node = split_unquoted(element, ';').into_iter().find_map(|pair| {
                let (name, value) = pair.split_once('=')?;
                name.trim()
                    .eq_ignore_ascii_case("for")
                    .then(|| unquote(value.trim()))
            });
            any |= node.is_some();
            hops.push(node.as_deref().and_then(parse_node));
        }
    }
    any.then_some(hops)
}

/// Every `X-Forwarded-For` entry, in order (`None`: not an address).
fn x_forwarded_for(headers: &HeaderMap) -> Vec<Option<IpAddr>> {
    let mut hops = Vec::new();
    for value in headers.get_all(X_FORWARDED_FOR) {
        let Ok(value) = value.to_str() else {
            hops.push(None);
            continue;
        };
        hops.extend(
            value
                .split(',')
                .map(str::trim)
                .filter(|entry| !entry.is_empty())
                .map(parse_node),
        );
    }
    hops
}

/// `a;b,"c,d"` split on `delimiter` outside double quotes (backslash escapes inside them).
fn split_unquoted(text: &str, delimiter: char) -> Vec<&str> {
    let mut parts = Vec::new();
    let (mut start, mut quoted, mut escaped) = (0, false, false);
    for (i, c) in text.char_indices() {
        if escaped {
            escaped = false;
        } else if quoted && c == '\\' {
            escaped = true;
        } else if c == '"' {
            quoted = !quoted;
        } else if c == delimiter && !quoted {
            parts.push(&text[start..i]);
            start = i + c.len_utf8();
        }
    }
    parts.push(&text[start..]);
    parts
}

/// `"[2001:db8::1]:80"` → `[2001:db8::1]:80`; unquoted values as they are.
fn unquote(value: &str) -> String {
    match value
        .strip_prefix('"')
        .and_then(|rest| rest.strip_suffix('"'))
    {
        Some(inner) => {
            let mut out = String::with_capacity(inner.len());
            let mut chars = inner.chars();
            while let Some(c) = chars.next() {
                if c == '\\' {
                    out.extend(chars.next());
                } else {
                    out.push(c);
                }
            }
            out
        }
        None => value.to_string(),
    }
}

/// A node: `192.0.2.1`, `192.0.2.1:80`, `2001:db8::1`, `[2001:db8::1]`, `[2001:db8::1]:80`.
fn parse_node(node: &str) -> Option<IpAddr> {
    let node = node.trim();
    if let Ok(ip) = IpAddr::from_str(node) {
        return Some(ip);
    }
    if let Ok(socket) = SocketAddr::from_str(node) {
        return Some(socket.ip());
    }
    node.strip_prefix('[')
        .and_then(|rest| rest.strip_suffix(']'))
        .and_then(|inner| inner.parse::<std::net::Ipv6Addr>().ok())
        .map(IpAddr::V6)
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap_or_else(|_| panic!("{text}"))
    }

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(
                HeaderName::from_static(name),
                HeaderValue::from_str(value).unwrap_or_else(|_| panic!("{value}")),
            );
        }
        map
    }

    fn trusted(list: &str) -> TrustedProxies {
        TrustedProxies::parse_list(list).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn parses_cidrs_and_addresses_and_refuses_the_rest() {
        let proxies = trusted(" 127.0.0.1/32, 10.0.0.0/8 ,::1/128,,192.0.2.7, fd00::/8");
        for inside in ["127.0.0.1", "10.200.3.4", "::1", "192.0.2.7", "fd12::1"] {
            assert!(proxies.contains(ip(inside)), "{inside}");
        }
        for outside in ["127.0.0.2", "11.0.0.1", "::2", "192.0.2.8", "fe80::1"] {
            assert!(!proxies.contains(ip(outside)), "{outside}");
        }
        // IPv4-mapped IPv6 peers (dual-stack sockets) match their IPv4 range.
        assert!(proxies.contains(ip("::ffff:10.1.2.3")));
        assert!(trusted("").is_empty());
        for bad in [
            "10.0.0.0/33",
            "localhost",
            "10.0.0/8",
            "::1/129",
            "1.2.3.4/",
        ] {
            assert_eq!(
                TrustedProxies::parse_list(bad),
                Err(InvalidProxy { entry: bad.into() }),
                "{bad}"
            );
        }
        let error = TrustedProxies::parse_list("10.0.0.0/8,nope").unwrap_err();
        assert_eq!(
            error.to_string(),
            "\"nope\" is not a CIDR (such as 10.0.0.0/8 or ::1/128) or an IP address"
        );
    }

    #[test]
    fn untrusted_peers_are_the_client_whatever_they_send() {
        let spoofed = headers(&[
            ("x-forwarded-for", "203.0.113.9"),
            ("forwarded", "for=203.0.113.9"),
        ]);
        let peer = ip("198.51.100.1");
        assert_eq!(client_ip(peer, &spoofed, &TrustedProxies::default()), peer);
        assert_eq!(client_ip(peer, &spoofed, &trusted("127.0.0.1/32")), peer);
    }

    #[test]
    fn trusted_peers_name_the_right_most_untrusted_hop() {
        let proxies = trusted("127.0.0.1/32,10.0.0.0/8");
        let peer = ip("127.0.0.1");
        let cases: &[(&[(&'static str, &str)], &str)] = &[
            // No headers: the proxy itself.
            (&[], "127.0.0.1"),
            (&[("x-forwarded-for", "203.0.113.9")], "203.0.113.9"),
            // A client-supplied (spoofed) left-most entry is not believed.
            (
                &[("x-forwarded-for", "1.1.1.1, 203.0.113.9")],
                "203.0.113.9",
            ),
            // Trusted hops on the right are skipped.
            (
                &[("x-forwarded-for", "1.1.1.1, 203.0.113.9, 10.0.0.5")],
                "203.0.113.9",
            ),
            // Several header lines are one list, in order.
            (
                &[
                    ("x-forwarded-for", "1.1.1.1"),
                    ("x-forwarded-for", "203.0.113.9, 10.1.1.1"),
                ],
                "203.0.113.9",
            ),
            // Ports and brackets.
            (&[("x-forwarded-for", "203.0.113.9:4711")], "203.0.113.9"),
            (&[("x-forwarded-for", "[2001:db8::7]:443")], "2001:db8::7"),
            (&[("x-forwarded-for", "2001:db8::7")], "2001:db8::7"),
            // Garbage in the right-most position: the proxy that reported it.
            (&[("x-forwarded-for", "203.0.113.9, nonsense")], "127.0.0.1"),
            (
                &[("x-forwarded-for", "203.0.113.9, garbage, 10.0.0.5")],
                "10.0.0.5",
            ),
            // Only proxies: the left-most.
            (&[("x-forwarded-for", "10.0.0.9, 10.0.0.5")], "10.0.0.9"),
            // RFC 7239.
            (&[("forwarded", "for=203.0.113.9")], "203.0.113.9"),
            (
                &[("forwarded", "for=1.1.1.1, for=203.0.113.9;proto=https")],
                "203.0.113.9",
            ),
            (
                &[(
                    "forwarded",
                    "for=\"[2001:db8:cafe::17]:4711\";by=10.0.0.1, For=10.0.0.2",
                )],
                "2001:db8:cafe::17",
            ),
            (&[("forwarded", "for=unknown")], "127.0.0.1"),
            (&[("forwarded", "for=_hidden, for=10.0.0.3")], "10.0.0.3"),
            (
                &[("forwarded", "for=\"1.1.1.1,evil\", for=203.0.113.9")],
                "203.0.113.9",
            ),
            // `Forwarded` wins over `X-Forwarded-For`...
            (
                &[
                    ("forwarded", "for=203.0.113.9"),
                    ("x-forwarded-for", "198.51.100.4"),
                ],
                "203.0.113.9",
            ),
            // ... unless no element names a client.
            (
                &[
                    ("forwarded", "proto=https"),
                    ("x-forwarded-for", "198.51.100.4"),
                ],
                "198.51.100.4",
            ),
        ];
        for (pairs, expected) in cases {
            assert_eq!(
                client_ip(peer, &headers(pairs), &proxies),
                ip(expected),
                "{pairs:?}"
            );
        }
        // An IPv4-mapped peer is trusted like its IPv4 address; mapped hops are unmapped.
        let mapped = headers(&[("x-forwarded-for", "::ffff:203.0.113.9")]);
        assert_eq!(
            client_ip(ip("::ffff:127.0.0.1"), &mapped, &proxies),
            ip("203.0.113.9")
        );
    }
}
