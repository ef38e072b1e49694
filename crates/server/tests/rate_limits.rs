#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Rate limits (`ServerConfig::rate_limits`): exact under concurrency, per class, per client, with
//! the `RateLimit-*` and `Retry-After` headers.

mod common;

use common::{start_with, As, TestServer, PROGRAM_A, PROGRAM_B};
use orquestra_server::RateLimits;
use serde_json::Value;

/// (status, headers, body) of one request.
async fn call(
    server: &TestServer,
    who: &As,
    method: &str,
    path: &str,
) -> (u16, reqwest::header::HeaderMap, Value) {
    let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
    let mut request = server
        .http
        .request(method, format!("{}{path}", server.base));
    request = match who {
        As::Anonymous => request,
        As::Bearer(t) => request.bearer_auth(t),
        As::Key(k) => request.header("x-api-key", k),
    };
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let text = response.text().await.unwrap();
    (
        status,
        headers,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

fn header(headers: &reqwest::header::HeaderMap, name: &str) -> Option<u64> {
    headers.get(name)?.to_str().ok()?.parse().ok()
}

fn limits(
    adjust: impl FnOnce(&mut RateLimits),
) -> impl FnOnce(&mut orquestra_server::ServerConfig) {
    move |config| adjust(&mut config.rate_limits)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_concurrent_burst_gets_exactly_the_limit() {
    let server = start_with(limits(|l| l.api = 10)).await;
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..25 {
        let (http, url) = (server.http.clone(), format!("{}/api/projects", server.base));
        tasks.spawn(async move {
            let response = http.get(url).send().await.unwrap();
            let status = response.status().as_u16();
            let headers = response.headers().clone();
            let body: Value = response.json().await.unwrap();
            (status, headers, body)
        });
    }
    let results = tasks.join_all().await;
    let ok: Vec<_> = results.iter().filter(|r| r.0 == 200).collect();
    let limited: Vec<_> = results.iter().filter(|r| r.0 == 429).collect();
    assert_eq!(
        ok.len(),
        10,
        "{:?}",
        results.iter().map(|r| r.0).collect::<Vec<_>>()
    );
    assert_eq!(limited.len(), 15);

    let mut remaining: Vec<u64> = ok
        .iter()
        .map(|(_, h, _)| {
            assert_eq!(header(h, "ratelimit-limit"), Some(10));
            let reset = header(h, "ratelimit-reset").unwrap();
            assert!((1..=60).contains(&reset), "reset {reset}");
            assert!(h.get("retry-after").is_none());
            header(h, "ratelimit-remaining").unwrap()
        })
        .collect();
    // Each success reports what was left after it; requests racing each other may read the
    // same count, so only the bound is exact.
    remaining.sort_unstable();
    assert!(remaining.iter().all(|r| *r < 10), "{remaining:?}");
    assert_eq!(
        remaining.first(),
        Some(&0),
        "the tenth success leaves nothing"
    );
    for (_, h, body) in &limited {
        assert_eq!(body["error"]["code"], "rate_limited", "{body}");
        assert!(body["error"]["message"].is_string());
        // One request more every 6 s at 10 per minute.
        let retry = header(h, "retry-after").unwrap();
        assert!((1..=6).contains(&retry), "retry-after {retry}");
        assert_eq!(header(h, "ratelimit-limit"), Some(10));
        assert_eq!(header(h, "ratelimit-remaining"), Some(0));
        assert_eq!(header(h, "ratelimit-reset"), Some(retry));
        assert_eq!(
            h["x-content-type-options"], "nosniff",
            "still the usual middleware"
        );
    }

    // Routes outside the limited classes are not counted and carry no headers.
    for path in ["/health", "/openapi.json"] {
        let (status, h, _) = call(&server, &As::Anonymous, "GET", path).await;
        assert_eq!(status, 200, "{path}");
        assert!(h.get("ratelimit-limit").is_none(), "{path}");
    }
}

#[tokio::test]
async fn classes_have_their_own_buckets() {
    let server = start_with(limits(|l| {
        l.api = 50;
        l.build = 3;
        l.simulate = 2;
    }))
    .await;
    let build = "/api/no-such-project/instructions/swap/build";
    for _ in 0..3 {
        let (status, h, body) = call(&server, &As::Anonymous, "POST", build).await;
        assert_ne!(status, 429, "{body}");
        assert_eq!(header(&h, "ratelimit-limit"), Some(3));
    }
    let (status, h, _) = call(&server, &As::Anonymous, "POST", build).await;
    assert_eq!(status, 429);
    // 60 s / 3 per minute: the next build in at most 20 s.
    assert!((1..=20).contains(&header(&h, "retry-after").unwrap()));
    // Same project, another build-class action: the same bucket.
    let (status, _, _) = call(
        &server,
        &As::Anonymous,
        "POST",
        "/api/x/instructions/swap/data",
    )
    .await;
    assert_eq!(status, 429);
    // The general API still answers, with its own numbers.
    let (status, h, _) = call(&server, &As::Anonymous, "GET", "/api/projects").await;
    assert_eq!(status, 200);
    assert_eq!(header(&h, "ratelimit-limit"), Some(50));
    assert_eq!(header(&h, "ratelimit-remaining"), Some(49));
    // And so does simulation, until its own limit.
    for expected in [false, false, true] {
        let (status, _, _) = call(&server, &As::Anonymous, "POST", "/api/tx/simulate").await;
        assert_eq!(status == 429, expected);
    }
}

#[tokio::test]
async fn api_keys_count_per_project_and_bad_keys_per_address() {
    let server = start_with(limits(|l| l.api = 3)).await;
    let (alice, _) = server.user(1).await;
    let (bob, _) = server.user(2).await;
    let pa = server.project(&alice, PROGRAM_A, true).await;
    let pb = server.project(&bob, PROGRAM_B, true).await;
    let key_a = server.key(&pa).await;
    let key_a2 = server.key(&pa).await;
    let key_b = server.key(&pb).await;
    let path = format!("/api/projects/{}", pa.id);

    for _ in 0..3 {
        let (status, _, body) = call(&server, &key_a, "GET", &path).await;
        assert_eq!(status, 200, "{body}");
    }
    let (status, _, _) = call(&server, &key_a, "GET", &path).await;
    assert_eq!(status, 429, "key A's project has used its minute");
    // Another key of the same project shares the bucket: minting keys buys nothing.
    let (status, _, _) = call(&server, &key_a2, "GET", &path).await;
    assert_eq!(status, 429);
    // A key of another project has its own bucket, and so has the caller's address.
    for who in [&key_b, &As::Anonymous] {
        let (status, h, body) = call(&server, who, "GET", &path).await;
        assert_eq!(status, 200, "{who:?}: {body}");
        assert_eq!(header(&h, "ratelimit-remaining"), Some(2));
    }
    // Invalid keys never get a fresh bucket: they count against the address.
    for n in 0..2 {
        let bogus = As::Key(format!("b58_{n:064}"));
        let (status, _, _) = call(&server, &bogus, "GET", &path).await;
        assert_eq!(status, 401, "a wrong key is still refused by the route");
    }
    let bogus = As::Key(format!("b58_{:064}", 7));
    let (status, _, _) = call(&server, &bogus, "GET", &path).await;
    assert_eq!(status, 429);
    let (status, _, _) = call(&server, &As::Anonymous, "GET", &path).await;
    assert_eq!(status, 429);
}

#[tokio::test]
async fn zero_means_unlimited() {
    // `ServerConfig::new` leaves every class at 0.
    let server = start_with(|c| assert_eq!(c.rate_limits, RateLimits::default())).await;
    for _ in 0..40 {
        let (status, h, _) = call(&server, &As::Anonymous, "GET", "/api/projects").await;
        assert_eq!(status, 200);
        assert!(h.get("ratelimit-limit").is_none());
    }
    // One class limited, the others still unlimited.
    let server = start_with(limits(|l| l.upload = 1)).await;
    for _ in 0..20 {
        let (status, h, _) = call(&server, &As::Anonymous, "GET", "/api/projects").await;
        assert_eq!(status, 200);
        assert!(h.get("ratelimit-limit").is_none());
    }
    let (status, _, _) = call(&server, &As::Anonymous, "POST", "/api/idl/upload").await;
    assert_ne!(status, 429);
    let (status, _, _) = call(&server, &As::Anonymous, "POST", "/api/idl/upload").await;
    assert_eq!(status, 429);
}

#[tokio::test]
async fn mcp_has_its_own_class() {
    let server = start_with(limits(|l| {
        l.mcp = 2;
        l.api = 1;
    }))
    .await;
    for _ in 0..2 {
        let (status, h, _) = call(&server, &As::Anonymous, "GET", "/mcp").await;
        assert_ne!(status, 429);
        assert_eq!(header(&h, "ratelimit-limit"), Some(2));
    }
    let (status, _, body) = call(&server, &As::Anonymous, "GET", "/mcp").await;
    assert_eq!(status, 429);
    assert_eq!(body["error"]["code"], "rate_limited");
    let (status, _, _) = call(&server, &As::Anonymous, "GET", "/api/projects").await;
    assert_eq!(status, 200, "MCP traffic does not use the API bucket");
}

/// `GET /api/projects` with the given forwarding header.
async fn forwarded(server: &TestServer, name: &str, value: &str) -> u16 {
    server
        .http
        .get(format!("{}/api/projects", server.base))
        .header(name, value)
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

#[tokio::test]
async fn clients_behind_a_trusted_proxy_get_their_own_buckets() {
    // The test's requests come from 127.0.0.1: here that is a trusted proxy.
    let server = start_with(|c| {
        c.rate_limits.api = 2;
        c.trusted_proxies =
            orquestra_server::config::TrustedProxies::parse_list("127.0.0.1/32,::1/128").unwrap();
    })
    .await;
    for client in ["203.0.113.1", "203.0.113.2"] {
        // Whatever the client put on the left is not believed: the proxy's entry is.
        let xff = format!("10.9.9.9, {client}");
        for _ in 0..2 {
            assert_eq!(forwarded(&server, "x-forwarded-for", &xff).await, 200);
        }
        assert_eq!(forwarded(&server, "x-forwarded-for", &xff).await, 429);
    }
    // A spoofed left-most entry buys no fresh bucket.
    assert_eq!(
        forwarded(&server, "x-forwarded-for", "198.51.100.7, 203.0.113.1").await,
        429
    );
    // RFC 7239 `Forwarded` names a client the same way (and wins over X-Forwarded-For).
    let rfc = "for=203.0.113.3;proto=https";
    assert_eq!(forwarded(&server, "forwarded", rfc).await, 200);
    assert_eq!(forwarded(&server, "forwarded", rfc).await, 200);
    assert_eq!(forwarded(&server, "forwarded", rfc).await, 429);
    assert_eq!(
        forwarded(&server, "forwarded", "for=\"[2001:db8::1]:443\"").await,
        200
    );
    // The proxy's own requests are its own client.
    assert_eq!(forwarded(&server, "x-request-id", "a").await, 200);

    // The same headers from a peer that is not a trusted proxy: one shared bucket, the peer's.
    let server = start_with(limits(|l| l.api = 2)).await;
    assert_eq!(
        forwarded(&server, "x-forwarded-for", "203.0.113.1").await,
        200
    );
    assert_eq!(
        forwarded(&server, "x-forwarded-for", "203.0.113.2").await,
        200
    );
    assert_eq!(
        forwarded(&server, "x-forwarded-for", "203.0.113.3").await,
        429
    );
    assert_eq!(
        forwarded(&server, "forwarded", "for=203.0.113.4").await,
        429
    );
}
