//! Fetching a public HTTPS document: content a program published by URL (Program Metadata's
//! `url` data source). The URL comes from on-chain data anyone can write, so the policy is the
//! strictest one, with no operator allow-list: `https` only, no user info, every address the host
//! resolves to must be public (a private, loopback, link-local… address is never contacted), the
//! connection pinned to the checked addresses, no redirects, no proxies, the client's timeout and
//! a streamed size cap.

use std::net::{IpAddr, SocketAddr};

use url::{Host, Url};

use crate::config::{normalize_host, truncate};
use crate::endpoint::{canonical_ip, duration_ms, is_public, resolve};
use crate::error::RpcError;
use crate::transport::{self, ReadError};
use crate::RpcClient;

impl RpcClient {
    /// GETs the public `https` URL `url` and returns its body, at most `max_bytes` of it
    /// ([`RpcError::ResponseTooLarge`] beyond). Non-public addresses are [`RpcError::PrivateAddress`],
    /// other schemes [`RpcError::InvalidUrl`]; a non-2xx status (redirects included: they are not
    /// followed) is [`RpcError::HttpStatus`]. One attempt, no retries.
    pub async fn fetch_public_https(
        &self,
        url: &str,
        max_bytes: usize,
    ) -> Result<Vec<u8>, RpcError> {
        let url = Url::parse(url.trim())
            .map_err(|e| RpcError::invalid_url(format!("not a URL ({e})")))?;
        if url.scheme() != "https" {
            return Err(RpcError::invalid_url(format!(
                "only https URLs are fetched, not \"{}\"",
                truncate(url.scheme(), 16)
            )));
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(RpcError::invalid_url("the URL must not contain user info"));
        }
        let port = url
            .port_or_known_default()
            .ok_or_else(|| RpcError::invalid_url("the URL has no port"))?;
        let timeout = self.config.timeout;
        let (host, http) = match url.host() {
            Some(Host::Ipv4(ip)) => (ip.to_string(), self.literal(IpAddr::V4(ip))?),
            Some(Host::Ipv6(ip)) => (ip.to_string(), self.literal(IpAddr::V6(ip))?),
            Some(Host::Domain(d)) => {
                let host = normalize_host(d);
                if host.is_empty() {
                    return Err(RpcError::invalid_url("the URL has no host"));
                }
                let mut pinned: Vec<SocketAddr> = Vec::new();
                let mut refused = None;
                for addr in resolve(&host, port, &self.config).await? {
                    let ip = canonical_ip(addr.ip());
                    if is_public(ip) {
                        pinned.push(SocketAddr::new(addr.ip(), port));
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
                let http = transport::pinned_client(timeout, &host, &pinned)?;
                (host, http)
            }
            None => return Err(RpcError::invalid_url("the URL has no host")),
        };
        let timed_out = || RpcError::Timeout {
            host: host.clone(),
            timeout_ms: duration_ms(timeout),
        };
        let work = async {
            let mut response = http
                .get(url)
                .timeout(timeout)
                .send()
                .await
                .map_err(|e| transport_error(&e, &timed_out))?;
            let status = response.status();
            if !status.is_success() {
                let snippet =
                    match transport::read_capped(&mut response, transport::SNIPPET_BYTES, false)
                        .await
                    {
                        Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
                        Err(_) => String::new(),
                    };
                return Err(RpcError::HttpStatus {
                    status: status.as_u16(),
                    body_snippet: truncate(snippet.trim(), transport::SNIPPET_CHARS),
                });
            }
            if response
                .content_length()
                .is_some_and(|n| n > max_bytes as u64)
            {
                return Err(RpcError::ResponseTooLarge { limit: max_bytes });
            }
            match transport::read_capped(&mut response, max_bytes, true).await {
                Ok(bytes) => Ok(bytes),
                Err(ReadError::TooLarge) => Err(RpcError::ResponseTooLarge { limit: max_bytes }),
                Err(ReadError::Http(e)) => Err(transport_error(&e, &timed_out)),
            }
        };
        match tokio::time::timeout(timeout, work).await {
            Ok(result) => result,
            Err(_) => Err(timed_out()),
        }
    }

    /// The shared client for an IP-literal URL, when that IP is public.
    fn literal(&self, ip: IpAddr) -> Result<reqwest::Client, RpcError> {
        let ip = canonical_ip(ip);
        if is_public(ip) {
            Ok(self.http.clone())
        } else {
            Err(RpcError::PrivateAddress {
                host: ip.to_string(),
                ip: ip.to_string(),
            })
        }
    }
}

fn transport_error(e: &reqwest::Error, timed_out: &impl Fn() -> RpcError) -> RpcError {
    if e.is_timeout() {
        timed_out()
    } else {
        RpcError::Transport(transport::chain(e))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;
    use crate::RpcConfig;

    #[tokio::test]
    async fn only_public_https_urls_are_fetched() {
        let rpc = RpcClient::new(RpcConfig::default()).unwrap();
        for (url, expect) in [
            ("http://example.com/idl.json", "invalid"),
            ("ftp://example.com/idl.json", "invalid"),
            ("https://user:pw@example.com/idl.json", "invalid"),
            ("not a url", "invalid"),
            ("https://127.0.0.1/idl.json", "private"),
            ("https://[::1]/idl.json", "private"),
            ("https://169.254.169.254/latest", "private"),
            ("https://10.0.0.1/idl.json", "private"),
            ("https://2130706433/idl.json", "private"),
            ("https://localhost/idl.json", "private"),
        ] {
            let err = rpc.fetch_public_https(url, 1024).await.unwrap_err();
            let ok = match expect {
                "invalid" => matches!(err, RpcError::InvalidUrl { .. }),
                _ => matches!(err, RpcError::PrivateAddress { .. }),
            };
            assert!(ok, "{url}: {err:?}");
        }
    }
}
