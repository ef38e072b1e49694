//! Per-client rate limits (`ORQUESTRA_RATE_LIMIT_*`), exact under concurrency.
//!
//! **Classes.** Each request falls in at most one class, by method and path; each class has its own
//! per-minute limit and its own buckets (a request counts against its class only):
//!
//! | class | routes |
//! |---|---|
//! | `upload` | `POST /api/idl/upload`, `PUT /api/idl/{id}`, `POST /api/ingest/idl` |
//! | `build` | `POST /api/{id}/instructions/{name}/build`, `…/accounts`, `…/data` |
//! | `simulate` | `POST /api/transactions/simulate`, `POST /api/tx/simulate` |
//! | `mcp` | everything under `/mcp` |
//! | `api` | every other `/api/*` request (unknown `/api` paths included), and the web pages that read the API (`/`, `/programs/*`, `/transactions`, `/dashboard*`) |
//!
//! Not limited: `/health*`, `/auth/*`, `/openapi.json`, `/project/{id}/llms.txt`, `/assets/*`,
//! `/api-docs` and anything else outside `/api` and `/mcp` (cheap, cached, or needed to sign
//! in), and CORS preflights (answered before this layer).
//!
//! **Client.** A request with an `X-API-Key` that is valid counts against that key's *project*
//! (all keys of a project share a bucket, so minting keys buys no extra quota, and rotation does
//! not reset it); anything else counts against the client's address (IPv6 grouped by /64): the
//! peer address of the TCP connection, or, when that peer is one of
//! [`crate::ServerConfig::trusted_proxies`], the address its `Forwarded` / `X-Forwarded-For`
//! names ([`crate::proxy::client_ip`]: the right-most hop that is not itself a trusted proxy).
//! From any other peer those headers are ignored, so a client cannot pick its own bucket. An
//! invalid key never gets its own bucket (random keys would otherwise dodge the limit); it counts
//! against the address.
//!
//! **Algorithm.** GCRA (`governor`) with a burst equal to the per-minute limit: a fresh client may
//! send `limit` requests at once, then one more every `60 s / limit`. Decisions are atomic, so `N`
//! simultaneous requests against a fresh bucket of limit `L` get exactly `L` successes. Buckets
//! that are back to full are dropped every [`RETAIN_EVERY`] decisions, so memory follows the
//! number of clients seen in the last minute.
//!
//! **Several instances.** When the KV has shared buckets (Redis), every decision is made there
//! instead ([`orquestra_store::SharedBuckets`]: the same GCRA, one atomic script per request on
//! the Redis clock), so the limits hold for the whole deployment, not per instance. When Redis
//! cannot decide, [`SharedLimitFailure`] says what happens: by default each instance falls back to
//! its own buckets (fail open: no request fails because of Redis, and a client gets at most the
//! limit per instance); `Refuse` answers `503` instead (fail closed).
//!
//! **Responses.** Every response of a limited class carries `RateLimit-Limit`,
//! `RateLimit-Remaining` and `RateLimit-Reset` (seconds until the bucket is full again; IETF
//! `draft-ietf-httpapi-ratelimit-headers` names), plus `RateLimit-Policy` (`{limit};w=60`). Over
//! the limit: `429` with the usual error body (`code: "rate_limited"`) and `Retry-After` (seconds,
//! rounded up).

use orquestra_api::ErrorCode;
use std::convert::Infallible;
use std::net::{IpAddr, Ipv6Addr, SocketAddr};
use std::num::NonZeroU32;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::extract::{ConnectInfo, Request};
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method};
use axum::response::{IntoResponse, Response};
use governor::clock::{Clock, DefaultClock};
use governor::middleware::StateInformationMiddleware;
use governor::state::keyed::DefaultKeyedStateStore;
use governor::Quota;
use orquestra_store::{Kv, Store};

use crate::config::{RateLimits, SharedLimitFailure};
use crate::proxy::{self, TrustedProxies};
use crate::ApiError;

/// Buckets at rest are dropped once per this many decisions of a class.
pub const RETAIN_EVERY: u64 = 1024;

/// How long a key → project look-up is remembered (revocation takes effect on the routes at once;
/// here it only decides which bucket a request counts against).
const KEY_CACHE_TTL: Duration = Duration::from_secs(30);
const KEY_CACHE_ENTRIES: u64 = 10_000;

/// A class of routes with its own limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Class {
    Api,
    Build,
    Simulate,
    Upload,
    Mcp,
}

impl Class {
    fn index(self) -> usize {
        self as usize
    }

    fn as_str(self) -> &'static str {
        match self {
            Class::Api => "api",
            Class::Build => "build",
            Class::Simulate => "simulate",
            Class::Upload => "upload",
            Class::Mcp => "mcp",
        }
    }
}

/// The window every limit is counted over.
const PERIOD: Duration = Duration::from_secs(60);

/// The class of a request, or `None` when it is not limited (see the module docs).
pub fn classify(method: &Method, path: &str) -> Option<Class> {
    if path == "/mcp" || path.starts_with("/mcp/") {
        return Some(Class::Mcp);
    }
    // A page is one request of the API class: it reads the API in-process, past this layer.
    if matches!(path, "/" | "/transactions" | "/dashboard")
        || path.starts_with("/programs/")
        || path.starts_with("/dashboard/")
    {
        return Some(Class::Api);
    }
    let rest = path.strip_prefix("/api")?;
    if !(rest.is_empty() || rest.starts_with('/')) {
        return None;
    }
    // The patterns below have at most four segments; a longer path is plain API traffic. (No
    // `Vec`: this runs for every request.)
    let mut segments = [""; 4];
    let mut count = 0;
    for segment in rest.split('/').skip(1) {
        if count == segments.len() {
            return Some(Class::Api);
        }
        segments[count] = segment;
        count += 1;
    }
    let class = match (method, &segments[..count]) {
        (&Method::POST, ["idl", "upload"]) | (&Method::PUT, ["idl", _]) => Class::Upload,
        (&Method::POST, ["ingest", "idl"]) => Class::Upload,
        // An import stores a version like an upload; a check reads the chain like a simulation.
        (&Method::POST, ["idl", "import"]) => Class::Upload,
        (&Method::POST, [_, "verify"]) => Class::Simulate,
        (&Method::POST, ["transactions" | "tx", "simulate"]) => Class::Simulate,
        (&Method::POST, [_, "instructions", _, "build" | "accounts" | "data"]) => Class::Build,
        _ => Class::Api,
    };
    Some(class)
}

/// Who a request is counted against.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Client {
    Address(IpAddr),
    Project(Arc<str>),
}

impl Client {
    /// IPv4 (and IPv4-mapped IPv6) as is; IPv6 by its /64, which one host usually owns whole.
    fn address(ip: IpAddr) -> Self {
        match ip.to_canonical() {
            IpAddr::V6(v6) => {
                let masked = u128::from(v6) & !((1u128 << 64) - 1);
                Client::Address(IpAddr::V6(Ipv6Addr::from(masked)))
            }
            v4 => Client::Address(v4),
        }
    }
}

impl std::fmt::Display for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Client::Address(ip) => write!(f, "ip:{ip}"),
            Client::Project(id) => write!(f, "project:{id}"),
        }
    }
}

type Keyed = governor::RateLimiter<
    Client,
    DefaultKeyedStateStore<Client>,
    DefaultClock,
    StateInformationMiddleware,
>;

struct Bucket {
    limit: u32,
    limiter: Keyed,
    decisions: AtomicU64,
}

impl Bucket {
    /// `None` for `0` (unlimited).
    fn new(limit: u32) -> Option<Self> {
        NonZeroU32::new(limit).map(|n| Bucket {
            limit,
            limiter: governor::RateLimiter::dashmap(Quota::per_minute(n))
                .with_middleware::<StateInformationMiddleware>(),
            decisions: AtomicU64::new(0),
        })
    }
}

/// What a decision says, for the response headers.
struct Decision {
    limit: u32,
    remaining: u32,
    /// Seconds until the bucket is full again (allowed) or until the next request may pass
    /// (refused).
    reset: u64,
    allowed: bool,
}

/// What the limiter says about one request.
enum Verdict {
    Decided(Decision),
    /// The shared buckets cannot decide and the policy is to refuse.
    Unavailable,
}

/// The limiters of every class, and the key → project cache. One per router.
pub struct RateLimiter {
    buckets: [Option<Bucket>; 5],
    store: Arc<dyn Store>,
    /// API key hash → the key's project (`None`: not a valid key).
    keys: moka::sync::Cache<String, Option<Arc<str>>>,
    /// Peers whose forwarding headers name the client.
    trusted: TrustedProxies,
    /// The KV whose shared buckets decide instead of `buckets`, when it has them.
    shared: Option<Arc<dyn Kv>>,
    when_shared_unavailable: SharedLimitFailure,
}

impl RateLimiter {
    pub fn new(limits: RateLimits, store: Arc<dyn Store>) -> Self {
        let bucket = Bucket::new;
        let mut buckets = [None, None, None, None, None];
        buckets[Class::Api.index()] = bucket(limits.api);
        buckets[Class::Build.index()] = bucket(limits.build);
        buckets[Class::Simulate.index()] = bucket(limits.simulate);
        buckets[Class::Upload.index()] = bucket(limits.upload);
        buckets[Class::Mcp.index()] = bucket(limits.mcp);
        Self {
            buckets,
            store,
            keys: moka::sync::Cache::builder()
                .max_capacity(KEY_CACHE_ENTRIES)
                .time_to_live(KEY_CACHE_TTL)
                .build(),
            trusted: TrustedProxies::default(),
            shared: None,
            when_shared_unavailable: limits.when_shared_unavailable,
        }
    }

    /// Decides in `kv`'s shared buckets when it has them (Redis), so every instance on that KV
    /// counts against the same limits; a KV without them changes nothing.
    pub fn with_shared_buckets(mut self, kv: Arc<dyn Kv>) -> Self {
        self.shared = kv.shared_buckets().is_some().then_some(kv);
        self
    }

    /// Believes `Forwarded` / `X-Forwarded-For` from these peers (none by default).
    pub fn with_trusted_proxies(mut self, trusted: TrustedProxies) -> Self {
        self.trusted = trusted;
        self
    }

    /// Whether any class is limited (no layer is needed otherwise).
    pub fn is_active(&self) -> bool {
        self.buckets.iter().any(Option::is_some)
    }

    async fn client(&self, headers: &HeaderMap, peer: Option<IpAddr>) -> Client {
        let fallback = || address_client(peer, headers, &self.trusted);
        let Some(key) = headers.get("x-api-key").and_then(|v| v.to_str().ok()) else {
            return fallback();
        };
        let hash = orquestra_store::ids::hash_api_key(key);
        let project = match self.keys.get(&hash) {
            Some(cached) => cached,
            None => {
                let found = match self.store.api_key_project(key).await {
                    Ok(found) => found.map(Arc::from),
                    Err(error) => {
                        // Not cached: the next request tries again.
                        tracing::warn!(%error, "rate limit: API key look-up failed");
                        return fallback();
                    }
                };
                self.keys.insert(hash, found.clone());
                found
            }
        };
        project.map_or_else(fallback, Client::Project)
    }

    async fn verdict(&self, class: Class, bucket: &Bucket, client: &Client) -> Verdict {
        let shared = self.shared.as_deref().and_then(|kv| kv.shared_buckets());
        let (Some(shared), Some(limit)) = (shared, NonZeroU32::new(bucket.limit)) else {
            return Verdict::Decided(Self::decide(bucket, client));
        };
        let name = format!("{}:{client}", class.as_str());
        match shared.take(&name, limit, PERIOD).await {
            Ok(taken) => Verdict::Decided(Decision {
                limit: bucket.limit,
                remaining: taken.remaining,
                reset: if taken.allowed {
                    ceil_secs(taken.reset)
                } else {
                    ceil_secs(taken.reset).max(1)
                },
                allowed: taken.allowed,
            }),
            // The KV has logged the failure (at most once per interval).
            Err(_) => match self.when_shared_unavailable {
                SharedLimitFailure::LocalLimits => Verdict::Decided(Self::decide(bucket, client)),
                SharedLimitFailure::Refuse => Verdict::Unavailable,
            },
        }
    }

    fn decide(bucket: &Bucket, client: &Client) -> Decision {
        if bucket.decisions.fetch_add(1, Ordering::Relaxed) % RETAIN_EVERY == RETAIN_EVERY - 1 {
            bucket.limiter.retain_recent();
            bucket.limiter.shrink_to_fit();
        }
        match bucket.limiter.check_key(client) {
            Ok(snapshot) => {
                let remaining = snapshot.remaining_burst_capacity();
                let used = bucket.limit.saturating_sub(remaining);
                let full_in = snapshot.quota().replenish_interval() * used;
                Decision {
                    limit: bucket.limit,
                    remaining,
                    reset: ceil_secs(full_in),
                    allowed: true,
                }
            }
            Err(not_until) => {
                let wait = not_until.wait_time_from(bucket.limiter.clock().now());
                Decision {
                    limit: bucket.limit,
                    remaining: 0,
                    reset: ceil_secs(wait).max(1),
                    allowed: false,
                }
            }
        }
    }
}

/// The address bucket of a request from `peer` (see [`proxy::client_ip`]), IPv6 by /64.
fn address_client(peer: Option<IpAddr>, headers: &HeaderMap, trusted: &TrustedProxies) -> Client {
    let peer = peer.unwrap_or(IpAddr::V4(std::net::Ipv4Addr::UNSPECIFIED));
    Client::address(proxy::client_ip(peer, headers, trusted))
}

fn ceil_secs(d: Duration) -> u64 {
    d.as_secs() + u64::from(d.subsec_nanos() > 0)
}

fn set_headers(headers: &mut HeaderMap, decision: &Decision) {
    let mut set = |name: &'static str, value: String| {
        if let Ok(value) = HeaderValue::from_str(&value) {
            headers.insert(HeaderName::from_static(name), value);
        }
    };
    set("ratelimit-limit", decision.limit.to_string());
    set("ratelimit-remaining", decision.remaining.to_string());
    set("ratelimit-reset", decision.reset.to_string());
    set("ratelimit-policy", format!("{};w=60", decision.limit));
    if !decision.allowed {
        set("retry-after", decision.reset.to_string());
    }
}

/// The limiter as a tower layer around the routes; requests of classes without a limit (all of
/// them when the limiter is off) pass straight through.
#[derive(Clone)]
pub struct RateLimitLayer {
    limiter: Arc<RateLimiter>,
}

impl RateLimitLayer {
    pub fn new(limiter: RateLimiter) -> Self {
        Self {
            limiter: Arc::new(limiter),
        }
    }
}

impl<S> tower::Layer<S> for RateLimitLayer {
    type Service = RateLimited<S>;

    fn layer(&self, inner: S) -> RateLimited<S> {
        RateLimited {
            inner,
            limiter: self.limiter.clone(),
        }
    }
}

/// The service [`RateLimitLayer`] wraps around another.
#[derive(Clone)]
pub struct RateLimited<S> {
    inner: S,
    limiter: Arc<RateLimiter>,
}

impl<S> tower::Service<Request> for RateLimited<S>
where
    S: tower::Service<Request, Response = Response, Error = Infallible> + Clone + Send + 'static,
    S::Future: Send + 'static,
{
    type Response = Response;
    type Error = Infallible;
    type Future = crate::listen::LayerFuture;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request) -> Self::Future {
        let Some(class) = (self.limiter.is_active())
            .then(|| classify(request.method(), request.uri().path()))
            .flatten()
            .filter(|class| self.limiter.buckets[class.index()].is_some())
        else {
            return Box::pin(self.inner.call(request));
        };
        // The inner service is called after an await: take the one that is ready, leave a clone.
        let ready = self.inner.clone();
        let mut inner = std::mem::replace(&mut self.inner, ready);
        let limiter = self.limiter.clone();
        Box::pin(async move {
            let peer = request
                .extensions()
                .get::<ConnectInfo<SocketAddr>>()
                .map(|c| c.0.ip());
            let client = limiter.client(request.headers(), peer).await;
            let Some(bucket) = limiter.buckets[class.index()].as_ref() else {
                return inner.call(request).await;
            };
            let decision = match limiter.verdict(class, bucket, &client).await {
                Verdict::Decided(decision) => decision,
                Verdict::Unavailable => {
                    let mut response = ApiError::new(
                        ErrorCode::Unavailable,
                        "rate limiting is unavailable; retry shortly",
                    )
                    .into_response();
                    response
                        .headers_mut()
                        .insert("retry-after", HeaderValue::from_static("1"));
                    return Ok(response);
                }
            };
            let mut response = if decision.allowed {
                match inner.call(request).await {
                    Ok(response) => response,
                    Err(never) => match never {},
                }
            } else {
                ApiError::new(
                    ErrorCode::RateLimited,
                    format!(
                        "rate limit of {} requests per minute exceeded; retry in {} s",
                        decision.limit, decision.reset
                    ),
                )
                .into_response()
            };
            set_headers(response.headers_mut(), &decision);
            Ok(response)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_routes() {
        let post = Method::POST;
        let get = Method::GET;
        let put = Method::PUT;
        let cases = [
            (&post, "/api/idl/upload", Some(Class::Upload)),
            (&put, "/api/idl/abc", Some(Class::Upload)),
            (&get, "/api/idl/abc", Some(Class::Api)),
            (&post, "/api/ingest/idl", Some(Class::Upload)),
            (&post, "/api/idl/import", Some(Class::Upload)),
            (&post, "/api/p1/verify", Some(Class::Simulate)),
            (&get, "/api/p1/verifications", Some(Class::Api)),
            (&post, "/api/p1/instructions/swap/build", Some(Class::Build)),
            (
                &post,
                "/api/p1/instructions/swap/accounts",
                Some(Class::Build),
            ),
            (&post, "/api/p1/instructions/swap/data", Some(Class::Build)),
            (&get, "/api/p1/instructions/swap", Some(Class::Api)),
            (&post, "/api/transactions/simulate", Some(Class::Simulate)),
            (&post, "/api/tx/simulate", Some(Class::Simulate)),
            (&post, "/api/transactions/decode", Some(Class::Api)),
            (&post, "/api/p1/accounts/decode", Some(Class::Api)),
            (&get, "/api/projects", Some(Class::Api)),
            (&get, "/api", Some(Class::Api)),
            (&post, "/mcp", Some(Class::Mcp)),
            (&get, "/mcp/x", Some(Class::Mcp)),
            (&get, "/mcpx", None),
            (&get, "/", Some(Class::Api)),
            (&get, "/programs/p1", Some(Class::Api)),
            (&get, "/transactions", Some(Class::Api)),
            (&post, "/dashboard/preview", Some(Class::Api)),
            (&get, "/assets/app.js", None),
            (&get, "/apix", None),
            (&get, "/health", None),
            (&get, "/auth/github", None),
            (&get, "/openapi.json", None),
            (&get, "/project/p1/llms.txt", None),
        ];
        for (method, path, class) in cases {
            assert_eq!(classify(method, path), class, "{method} {path}");
        }
    }

    #[test]
    fn groups_ipv6_by_64_and_unmaps_ipv4() {
        let a: IpAddr = "2001:db8:1:2:aaaa::1"
            .parse()
            .unwrap_or(IpAddr::V4(0.into()));
        let b: IpAddr = "2001:db8:1:2:bbbb::2"
            .parse()
            .unwrap_or(IpAddr::V4(0.into()));
        let c: IpAddr = "2001:db8:1:3::1".parse().unwrap_or(IpAddr::V4(0.into()));
        assert_eq!(Client::address(a), Client::address(b));
        assert_ne!(Client::address(a), Client::address(c));
        let mapped: IpAddr = "::ffff:10.0.0.1".parse().unwrap_or(IpAddr::V4(0.into()));
        assert_eq!(
            Client::address(mapped),
            Client::Address(IpAddr::V4([10, 0, 0, 1].into()))
        );
    }

    #[test]
    fn address_buckets_follow_trusted_proxies_and_group_ipv6() {
        let trusted = TrustedProxies::parse_list("127.0.0.1/32,::1/128").unwrap();
        let from = |xff: &str| {
            let mut headers = HeaderMap::new();
            headers.insert("x-forwarded-for", HeaderValue::from_str(xff).unwrap());
            headers
        };
        let proxy: IpAddr = "127.0.0.1".parse().unwrap();
        let stranger: IpAddr = "198.51.100.1".parse().unwrap();
        // Behind the proxy, clients in one /64 share a bucket; other /64s do not.
        let a = address_client(Some(proxy), &from("2001:db8:1:2::a"), &trusted);
        let b = address_client(Some(proxy), &from("9.9.9.9, 2001:db8:1:2::b"), &trusted);
        let c = address_client(Some(proxy), &from("2001:db8:1:3::a"), &trusted);
        assert_eq!(a, b);
        assert_ne!(a, c);
        assert_eq!(
            a,
            Client::Address("2001:db8:1:2::".parse::<IpAddr>().unwrap())
        );
        // The same headers from a peer that is not a proxy: the peer's bucket.
        assert_eq!(
            address_client(Some(stranger), &from("2001:db8:1:2::a"), &trusted),
            Client::Address(stranger)
        );
        // Without trusted proxies (the default), the headers never matter.
        assert_eq!(
            address_client(
                Some(proxy),
                &from("203.0.113.1"),
                &TrustedProxies::default()
            ),
            Client::Address(proxy)
        );
    }

    #[test]
    fn buckets_at_rest_are_dropped() {
        // At a billion per minute a bucket is full again 60 ns after use.
        let Some(bucket) = Bucket::new(1_000_000_000) else {
            panic!("a non-zero limit has a bucket")
        };
        assert!(Bucket::new(0).is_none());
        for n in 0..(3 * RETAIN_EVERY as u32) {
            let client = Client::Address(IpAddr::V4(n.into()));
            assert!(RateLimiter::decide(&bucket, &client).allowed);
        }
        assert!(
            bucket.limiter.len() <= RETAIN_EVERY as usize,
            "{} buckets kept",
            bucket.limiter.len()
        );
    }

    #[test]
    fn rounds_seconds_up() {
        assert_eq!(ceil_secs(Duration::ZERO), 0);
        assert_eq!(ceil_secs(Duration::from_millis(1)), 1);
        assert_eq!(ceil_secs(Duration::from_millis(2000)), 2);
        assert_eq!(ceil_secs(Duration::from_millis(2001)), 3);
    }
}
