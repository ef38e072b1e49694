//! Cluster policy, custom-RPC checks, and transport behaviour (errors, timeouts, retries, caps,
//! redirects) against the fake node.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use common::*;
use orquestra_rpc::{
    AllowedHost, Cluster, EndpointKind, ProgramAccountsQuery, RpcClient, RpcConfig, RpcError,
};
use serde_json::json;

fn blockhash_reply() -> Reply {
    Reply::Result(ctx(
        1,
        json!({"blockhash": BLOCKHASH, "lastValidBlockHeight": 9}),
    ))
}

// ---- JSON-RPC errors, HTTP statuses, retries -------------------------------------------------

#[tokio::test]
async fn rpc_error_is_mapped_with_its_message_and_not_retried() {
    let fake = start(|_| {
        Reply::Error(
            -32002,
            "Transaction simulation failed: Blockhash not found",
            Some(json!({"logs": []})),
        )
    })
    .await;
    let rpc = client_for(&fake, |c| c.retries = 3);
    let err = rpc
        .get_latest_blockhash(&localnet(&rpc).await)
        .await
        .unwrap_err();
    match &err {
        RpcError::Rpc {
            code,
            message,
            data,
        } => {
            assert_eq!(*code, -32002);
            assert_eq!(
                message,
                "Transaction simulation failed: Blockhash not found"
            );
            assert_eq!(data, &Some(json!({"logs": []})));
        }
        other => panic!("expected Rpc, got {other:?}"),
    }
    assert!(err.to_string().contains("Blockhash not found"));
    assert_eq!(
        (err.code().status(), err.code().as_str()),
        (502, "rpc_error")
    );
    assert_eq!(fake.count(), 1, "JSON-RPC errors are never retried");
}

#[tokio::test]
async fn http_4xx_and_5xx_are_not_retried() {
    for status in [429u16, 503] {
        let fake = start(move |_| Reply::Status(status, "slow down\n".into())).await;
        let rpc = client_for(&fake, |c| c.retries = 3);
        let err = rpc
            .get_latest_blockhash(&localnet(&rpc).await)
            .await
            .unwrap_err();
        assert_eq!(
            err,
            RpcError::HttpStatus {
                status,
                body_snippet: "slow down".into()
            }
        );
        assert_eq!(
            (err.code().status(), err.code().as_str()),
            (502, "rpc_http_error")
        );
        assert_eq!(fake.count(), 1);
    }
}

#[tokio::test]
async fn timeout_is_reported_within_the_configured_time_and_not_retried() {
    let fake = start(|_| Reply::Sleep(Duration::from_secs(10))).await;
    let rpc = client_for(&fake, |c| {
        c.timeout = Duration::from_millis(400);
        c.retries = 2;
    });
    let ep = localnet(&rpc).await;
    let started = Instant::now();
    let err = rpc.get_latest_blockhash(&ep).await.unwrap_err();
    let elapsed = started.elapsed();
    assert!(
        matches!(
            err,
            RpcError::Timeout {
                timeout_ms: 400,
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(
        (err.code().status(), err.code().as_str()),
        (504, "rpc_timeout")
    );
    assert!(elapsed >= Duration::from_millis(350), "{elapsed:?}");
    assert!(elapsed < Duration::from_millis(1500), "{elapsed:?}");
    assert_eq!(fake.count(), 1);
}

#[tokio::test]
async fn transport_failure_is_retried_then_succeeds() {
    let fake = start_dropping(1, |_| blockhash_reply()).await;
    let rpc = client_for(&fake, |c| c.retries = 2);
    let hash = rpc
        .get_latest_blockhash(&localnet(&rpc).await)
        .await
        .unwrap();
    assert_eq!(hash.blockhash, BLOCKHASH);
    assert_eq!(fake.connections.load(Ordering::SeqCst), 2);
    assert_eq!(fake.count(), 1);
}

#[tokio::test]
async fn transport_failure_gives_up_after_the_retries() {
    let fake = start_dropping(usize::MAX, |_| blockhash_reply()).await;
    let rpc = client_for(&fake, |c| c.retries = 2);
    let err = rpc
        .get_latest_blockhash(&localnet(&rpc).await)
        .await
        .unwrap_err();
    assert!(matches!(err, RpcError::Transport(_)), "{err:?}");
    assert_eq!(
        (err.code().status(), err.code().as_str()),
        (502, "rpc_transport_error")
    );
    assert_eq!(fake.connections.load(Ordering::SeqCst), 3);
}

#[tokio::test]
async fn connection_refused_is_a_transport_error_without_the_url() {
    // Bind then drop to get a port nothing listens on.
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let config = RpcConfig::default()
        .with_cluster_url(
            Cluster::Devnet,
            &format!("http://127.0.0.1:{port}/rpc?api-key=SECRET123"),
        )
        .unwrap();
    let rpc = RpcClient::new(RpcConfig {
        retries: 1,
        ..config
    })
    .unwrap();
    let ep = rpc.endpoint(Some("devnet"), None).await.unwrap();
    assert_eq!(ep.host(), "127.0.0.1");
    assert!(!format!("{ep:?}").contains("SECRET123"));
    assert!(!format!("{:?}", rpc.config()).contains("SECRET123"));
    let err = rpc.get_latest_blockhash(&ep).await.unwrap_err();
    assert!(matches!(err, RpcError::Transport(_)), "{err:?}");
    assert!(!err.to_string().contains("SECRET123"), "{err}");
    assert!(!format!("{err:?}").contains("SECRET123"), "{err:?}");
}

// ---- size cap ---------------------------------------------------------------------------------

#[tokio::test]
async fn oversize_response_is_refused_with_and_without_content_length() {
    let big = 300_000usize;
    for chunked in [false, true] {
        let fake = start(move |_| {
            if chunked {
                Reply::Chunked(big)
            } else {
                Reply::Raw(vec![b' '; big])
            }
        })
        .await;
        let rpc = client_for(&fake, |c| c.max_response_bytes = 100_000);
        let err = rpc
            .get_latest_blockhash(&localnet(&rpc).await)
            .await
            .unwrap_err();
        assert_eq!(
            err,
            RpcError::ResponseTooLarge { limit: 100_000 },
            "chunked={chunked}"
        );
        assert_eq!(
            (err.code().status(), err.code().as_str()),
            (502, "rpc_response_too_large")
        );
        assert_eq!(fake.count(), 1, "a too-large answer is not retried");
    }
}

#[tokio::test]
async fn program_accounts_can_raise_the_cap_per_call() {
    // ~200 KB of accounts: over the 100 KB default, under a 1 MB per-call cap.
    let data = "A".repeat(4000);
    let fake = start(move |_| {
        let entries: Vec<_> = (0..50)
            .map(|_| {
                json!({"pubkey": KEY_A, "account": {
                "lamports": 1, "owner": SYSTEM, "data": [data, "base64"],
                "executable": false, "rentEpoch": 0}})
            })
            .collect();
        Reply::Result(json!(entries))
    })
    .await;
    let rpc = client_for(&fake, |c| c.max_response_bytes = 100_000);
    let ep = localnet(&rpc).await;
    let default = rpc
        .get_program_accounts(&ep, SYSTEM, &ProgramAccountsQuery::default())
        .await
        .unwrap_err();
    assert_eq!(default, RpcError::ResponseTooLarge { limit: 100_000 });
    let raised = ProgramAccountsQuery {
        max_response_bytes: Some(1_000_000),
        ..Default::default()
    };
    let ok = rpc
        .get_program_accounts(&ep, SYSTEM, &raised)
        .await
        .unwrap();
    assert_eq!(ok.accounts.len(), 50);
    assert_eq!(ok.accounts[0].1.data.len(), 3000);
    assert_eq!(ok.accounts[0].1.space, 3000);
}

// ---- redirects ----------------------------------------------------------------------------------

#[tokio::test]
async fn redirects_are_not_followed() {
    let fake = start(|_| Reply::Redirect("/elsewhere".into())).await;
    let rpc = client_for(&fake, |_| {});
    let err = rpc
        .call(&localnet(&rpc).await, "getVersion", json!([]))
        .await
        .unwrap_err();
    assert!(
        matches!(err, RpcError::HttpStatus { status: 307, .. }),
        "{err:?}"
    );
    assert_eq!(fake.redirected_hits.load(Ordering::SeqCst), 0);
}

// ---- clusters -------------------------------------------------------------------------------

#[tokio::test]
async fn clusters_are_parsed_strictly() {
    let rpc = RpcClient::new(RpcConfig::default()).unwrap();
    for name in [
        "mainet",
        "Devnet",
        "mainnet-beta ",
        "http://evil.example",
        "custom",
    ] {
        // (a trailing space is trimmed: "mainnet-beta " is fine; the rest are not)
        let result = rpc.endpoint(Some(name), None).await;
        if name.trim() == "mainnet-beta" {
            assert_eq!(result.unwrap().cluster(), Some(Cluster::MainnetBeta));
            continue;
        }
        let err = result.unwrap_err();
        assert!(
            matches!(err, RpcError::UnknownCluster { .. }),
            "{name}: {err:?}"
        );
        assert_eq!(
            (err.code().status(), err.code().as_str()),
            (400, "unknown_cluster")
        );
    }
    for (name, cluster, host) in [
        (
            "mainnet",
            Cluster::MainnetBeta,
            "api.mainnet-beta.solana.com",
        ),
        (
            "mainnet-beta",
            Cluster::MainnetBeta,
            "api.mainnet-beta.solana.com",
        ),
        ("devnet", Cluster::Devnet, "api.devnet.solana.com"),
        ("testnet", Cluster::Testnet, "api.testnet.solana.com"),
        ("localnet", Cluster::Localnet, "127.0.0.1"),
    ] {
        let ep = rpc.endpoint(Some(name), None).await.unwrap();
        assert_eq!(ep.kind(), EndpointKind::Cluster(cluster));
        assert_eq!(ep.network(), cluster.as_str());
        assert_eq!(ep.host(), host);
    }
    // No cluster at all → the default (mainnet-beta); a blank one too.
    for none in [None, Some(""), Some("  ")] {
        let ep = rpc.endpoint(none, None).await.unwrap();
        assert_eq!(ep.cluster(), Some(Cluster::MainnetBeta));
    }
    // An unknown cluster is an error even with an rpcUrl.
    let err = rpc
        .endpoint(Some("mainnett"), Some("https://rpc.example.com"))
        .await
        .unwrap_err();
    assert!(matches!(err, RpcError::UnknownCluster { .. }));
}

#[test]
fn config_from_variables() {
    let vars = |name: &str| match name {
        "ORQUESTRA_RPC_MAINNET_URL" => Some("https://mainnet.helius-rpc.com/?api-key=K".to_owned()),
        "ORQUESTRA_RPC_LOCALNET_URL" => Some("  ".to_owned()),
        "ORQUESTRA_RPC_ALLOW_CUSTOM" => {
            Some("RPC.Example.com, 10.0.0.5:8899,[::1]:8899,,localhost.".to_owned())
        }
        _ => None,
    };
    let config = RpcConfig::from_lookup(vars).unwrap();
    assert_eq!(
        config.clusters[&Cluster::MainnetBeta].host_str(),
        Some("mainnet.helius-rpc.com")
    );
    assert_eq!(
        config.clusters[&Cluster::Localnet].as_str(),
        "http://127.0.0.1:8899/"
    );
    assert_eq!(
        config.allow_custom_hosts,
        vec![
            AllowedHost {
                host: "rpc.example.com".into(),
                port: None
            },
            AllowedHost {
                host: "10.0.0.5".into(),
                port: Some(8899)
            },
            AllowedHost {
                host: "::1".into(),
                port: Some(8899)
            },
            AllowedHost {
                host: "localhost".into(),
                port: None
            },
        ]
    );
    assert_eq!(config.timeout, Duration::from_secs(10));
    assert_eq!(config.max_response_bytes, 16 * 1024 * 1024);
    assert_eq!(config.retries, 2);
    assert!(!format!("{config:?}").contains("api-key"));

    let bad_url =
        RpcConfig::from_lookup(|n| (n == "ORQUESTRA_RPC_DEVNET_URL").then(|| "ftp://x".to_owned()))
            .unwrap_err();
    assert_eq!(bad_url.var, "ORQUESTRA_RPC_DEVNET_URL");
    for bad in [
        "https://rpc.example.com",
        "host:0",
        "host:abc",
        "a b",
        "[::1",
    ] {
        let err =
            RpcConfig::from_lookup(|n| (n == "ORQUESTRA_RPC_ALLOW_CUSTOM").then(|| bad.to_owned()))
                .unwrap_err();
        assert_eq!(err.var, "ORQUESTRA_RPC_ALLOW_CUSTOM", "{bad}");
    }
}

// ---- custom rpcUrl ----------------------------------------------------------------------------

fn custom_client(allow: &str) -> RpcClient {
    RpcClient::new(RpcConfig::default().with_allow_custom(allow).unwrap()).unwrap()
}

#[tokio::test]
async fn custom_rpc_refused_when_not_allow_listed() {
    for allow in ["", "rpc.example.com", "rpc.example.com:443"] {
        let rpc = custom_client(allow);
        let err = rpc
            .endpoint(None, Some("https://evil.example.net/?api-key=x"))
            .await
            .unwrap_err();
        assert_eq!(
            err,
            RpcError::CustomRpcNotAllowed {
                host: "evil.example.net".into()
            }
        );
        assert_eq!(
            (err.code().status(), err.code().as_str()),
            (403, "custom_rpc_not_allowed")
        );
    }
    // The port is part of an entry that names one.
    let rpc = custom_client("rpc.example.com:8899");
    let err = rpc
        .endpoint(None, Some("https://rpc.example.com/"))
        .await
        .unwrap_err();
    assert!(matches!(err, RpcError::CustomRpcNotAllowed { .. }));
}

#[tokio::test]
async fn custom_rpc_private_ip_refused_when_a_different_host_is_listed() {
    let fake = start(|_| blockhash_reply()).await;
    let rpc = custom_client("rpc.example.com");
    for url in [
        fake.url(),
        format!("http://[::ffff:127.0.0.1]:{}", fake.addr.port()),
        format!("http://2130706433:{}", fake.addr.port()), // 127.0.0.1 as an integer
        "http://169.254.169.254/latest/meta-data".to_owned(),
        "http://[::1]:8899".to_owned(),
    ] {
        let err = rpc.endpoint(None, Some(&url)).await.unwrap_err();
        assert_eq!(err.code().status(), 403, "{url}: {err:?}");
    }
    assert_eq!(fake.count(), 0);
}

#[tokio::test]
async fn allow_listed_name_resolving_to_loopback_needs_the_ip_listed() {
    let fake = start(|_| blockhash_reply()).await;
    let url = format!("http://LocalHost:{}/", fake.addr.port());
    let rpc = custom_client("localhost");
    let err = rpc.endpoint(None, Some(&url)).await.unwrap_err();
    match &err {
        RpcError::PrivateAddress { host, ip } => {
            assert_eq!(host, "localhost");
            assert!(ip == "127.0.0.1" || ip == "::1", "{ip}");
        }
        other => panic!("expected PrivateAddress, got {other:?}"),
    }
    assert_eq!(
        (err.code().status(), err.code().as_str()),
        (403, "rpc_private_address")
    );

    // Listing the loopback addresses themselves is the operator's explicit permission; the
    // connection then goes to the checked (pinned) addresses.
    let rpc = custom_client("localhost,127.0.0.1,::1");
    let ep = rpc.endpoint(None, Some(&url)).await.unwrap();
    assert_eq!(ep.kind(), EndpointKind::Custom);
    assert_eq!(ep.network(), "custom");
    assert_eq!(ep.host(), "localhost");
    assert!(!ep.pinned_addrs().is_empty());
    assert!(ep.pinned_addrs().iter().all(|a| a.ip().is_loopback()));
    let hash = rpc.get_latest_blockhash(&ep).await.unwrap();
    assert_eq!(hash.blockhash, BLOCKHASH);
    assert_eq!(fake.count(), 1);
}

#[tokio::test]
async fn custom_rpc_allowed_when_the_exact_loopback_host_is_listed() {
    let fake = start(|_| blockhash_reply()).await;
    let port = fake.addr.port();
    for allow in ["127.0.0.1".to_owned(), format!("127.0.0.1:{port}")] {
        let rpc = custom_client(&allow);
        let ep = rpc
            .endpoint(Some("devnet"), Some(&fake.url()))
            .await
            .unwrap();
        assert_eq!(ep.network(), "custom");
        assert_eq!(ep.host(), "127.0.0.1");
        let hash = rpc.get_latest_blockhash(&ep).await.unwrap();
        assert_eq!(hash.last_valid_block_height, 9);
    }
    // Listed on another port only: refused.
    let rpc = custom_client(&format!("127.0.0.1:{}", port.wrapping_add(1).max(1)));
    let err = rpc.endpoint(None, Some(&fake.url())).await.unwrap_err();
    assert!(matches!(err, RpcError::CustomRpcNotAllowed { .. }));
    assert_eq!(fake.count(), 2);
}

#[tokio::test]
async fn custom_rpc_url_must_be_well_formed() {
    let rpc = custom_client("rpc.example.com");
    for url in [
        "not a url",
        "ftp://rpc.example.com/",
        "file:///etc/passwd",
        "https://user:pass@rpc.example.com/",
        "https://user@rpc.example.com/",
    ] {
        let err = rpc.endpoint(None, Some(url)).await.unwrap_err();
        assert!(matches!(err, RpcError::InvalidUrl { .. }), "{url}: {err:?}");
        assert_eq!(
            (err.code().status(), err.code().as_str()),
            (400, "invalid_rpc_url")
        );
    }
    // Blank rpcUrl = none.
    let ep = rpc.endpoint(Some("testnet"), Some("  ")).await.unwrap();
    assert_eq!(ep.cluster(), Some(Cluster::Testnet));
}

// ---- allow-list ports, host spellings, numeric IPs, pinning --------------------------------------

/// A listener that must never be reached: it accepts (so even a bare TCP connect is seen),
/// counts, and closes without answering.
struct Trap {
    port: u16,
    hits: std::sync::Arc<std::sync::atomic::AtomicUsize>,
}

impl Trap {
    fn hits(&self) -> usize {
        self.hits.load(Ordering::SeqCst)
    }
}

async fn trap() -> Trap {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let hits = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counter = hits.clone();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            counter.fetch_add(1, Ordering::SeqCst);
            drop(stream);
        }
    });
    Trap { port, hits }
}

fn is_refusal(err: &RpcError) -> bool {
    matches!(
        err,
        RpcError::CustomRpcNotAllowed { .. } | RpcError::PrivateAddress { .. }
    ) && err.code().status() == 403
}

#[tokio::test]
async fn port_scoped_ip_entry_allows_that_ip_on_its_port_only() {
    let fake = start(|_| blockhash_reply()).await;
    let trap = trap().await;
    let (ok, bad) = (fake.addr.port(), trap.port);
    let rpc = custom_client(&format!("localhost,127.0.0.1:{ok}"));

    // The finding: `localhost` is listed for any port, but the address it resolves to (127.0.0.1)
    // only for `ok`, so naming the trap's port through `localhost` is refused.
    let err = rpc
        .endpoint(None, Some(&format!("http://localhost:{bad}/")))
        .await
        .unwrap_err();
    assert_eq!(
        err,
        RpcError::PrivateAddress {
            host: "localhost".into(),
            ip: "127.0.0.1".into()
        }
    );
    // The IP literal itself on another port: not listed at all.
    let err = rpc
        .endpoint(None, Some(&format!("http://127.0.0.1:{bad}/")))
        .await
        .unwrap_err();
    assert_eq!(
        err,
        RpcError::CustomRpcNotAllowed {
            host: "127.0.0.1".into()
        }
    );

    // On the listed port both the name and the literal go through, to the checked address.
    for url in [
        format!("http://localhost:{ok}/"),
        format!("http://127.0.0.1:{ok}/"),
    ] {
        let ep = rpc.endpoint(None, Some(&url)).await.unwrap();
        assert_eq!(ep.kind(), EndpointKind::Custom, "{url}");
        assert!(
            ep.pinned_addrs()
                .iter()
                .all(|a| a.ip().is_loopback() && a.port() == ok),
            "{url}: {:?}",
            ep.pinned_addrs()
        );
        assert_eq!(
            rpc.get_latest_blockhash(&ep).await.unwrap().blockhash,
            BLOCKHASH
        );
    }
    assert_eq!(fake.count(), 2);
    assert_eq!(trap.hits(), 0);
}

#[tokio::test]
async fn port_scoped_name_entry_allows_that_name_on_its_port_only() {
    let fake = start(|_| blockhash_reply()).await;
    let trap = trap().await;
    let (ok, bad) = (fake.addr.port(), trap.port);
    // The IP is allowed on any port; the name only on `ok`.
    let rpc = custom_client(&format!("LocalHost.:{ok},127.0.0.1"));
    let err = rpc
        .endpoint(None, Some(&format!("http://localhost:{bad}/")))
        .await
        .unwrap_err();
    assert_eq!(
        err,
        RpcError::CustomRpcNotAllowed {
            host: "localhost".into()
        }
    );
    let ep = rpc
        .endpoint(None, Some(&format!("http://localhost:{ok}/")))
        .await
        .unwrap();
    rpc.get_latest_blockhash(&ep).await.unwrap();
    assert_eq!(fake.count(), 1);
    assert_eq!(trap.hits(), 0);
}

#[tokio::test]
async fn host_spellings_are_normalised_and_connect_only_to_the_checked_address() {
    let fake = start(|_| blockhash_reply()).await;
    let trap = trap().await;
    let (ok, bad) = (fake.addr.port(), trap.port);
    let rpc = custom_client(&format!("localhost,127.0.0.1:{ok}"));
    let spellings = [
        "LocalHost.",
        "LOCALHOST",
        "localhost.",
        "LOCALHOST.",
        "local%68ost",
    ];
    for host in spellings {
        let err = rpc
            .endpoint(None, Some(&format!("http://{host}:{bad}/")))
            .await
            .unwrap_err();
        assert!(
            matches!(&err, RpcError::PrivateAddress { host, .. } if host == "localhost"),
            "{host}: {err:?}"
        );
    }
    for host in spellings {
        let url = format!("http://{host}:{ok}/");
        let ep = rpc.endpoint(None, Some(&url)).await.unwrap();
        assert!(!ep.pinned_addrs().is_empty(), "{url}");
        assert!(
            ep.pinned_addrs()
                .iter()
                .all(|a| a.ip().is_loopback() && a.port() == ok),
            "{url}: {:?}",
            ep.pinned_addrs()
        );
        rpc.get_latest_blockhash(&ep).await.unwrap();
    }
    assert_eq!(fake.count(), spellings.len());
    // Two trailing dots are not the listed name.
    let err = rpc
        .endpoint(None, Some(&format!("http://localhost..:{ok}/")))
        .await
        .unwrap_err();
    assert!(
        matches!(err, RpcError::CustomRpcNotAllowed { .. }),
        "{err:?}"
    );
    assert_eq!(trap.hits(), 0);
}

#[tokio::test]
async fn numeric_ipv4_forms_are_checked_as_ips() {
    let fake = start(|_| blockhash_reply()).await;
    let trap = trap().await;
    let (ok, bad) = (fake.addr.port(), trap.port);
    let forms = [
        "2130706433",
        "0x7f000001",
        "0x7f.1",
        "0177.0.0.1",
        "127.1",
        "127.0.0.1.",
    ];
    // Only names listed: every numeric form is the IP 127.0.0.1, which is not listed.
    let rpc = custom_client("localhost,rpc.example.com");
    for form in forms {
        let err = rpc
            .endpoint(None, Some(&format!("http://{form}:{ok}/")))
            .await
            .unwrap_err();
        assert_eq!(
            err,
            RpcError::CustomRpcNotAllowed {
                host: "127.0.0.1".into()
            },
            "{form}"
        );
    }
    // 127.0.0.1 listed on `ok` only (itself written in a numeric form): every spelling reaches the
    // fake on `ok`, none is allowed on the trap's port.
    let rpc = custom_client(&format!("0x7f.1:{ok}"));
    assert_eq!(
        rpc.config().allow_custom_hosts,
        vec![AllowedHost {
            host: "127.0.0.1".into(),
            port: Some(ok)
        }]
    );
    for form in forms {
        let err = rpc
            .endpoint(None, Some(&format!("http://{form}:{bad}/")))
            .await
            .unwrap_err();
        assert!(is_refusal(&err), "{form}: {err:?}");
        let ep = rpc
            .endpoint(None, Some(&format!("http://{form}:{ok}/")))
            .await
            .unwrap();
        assert_eq!(ep.host(), "127.0.0.1", "{form}");
        rpc.get_latest_blockhash(&ep).await.unwrap();
    }
    assert_eq!(fake.count(), forms.len());
    assert_eq!(trap.hits(), 0);
}

#[tokio::test]
async fn ipv6_literals_are_checked_as_ips() {
    let trap = trap().await;
    let rpc = custom_client(&format!(
        "localhost,127.0.0.1:{}",
        trap.port.wrapping_add(1).max(1)
    ));
    for url in [
        format!("http://[::1]:{}/", trap.port),
        format!("http://[0:0:0:0:0:0:0:1]:{}/", trap.port),
        format!("http://[::ffff:127.0.0.1]:{}/", trap.port),
        format!("http://[::ffff:7f00:1]:{}/", trap.port),
    ] {
        let err = rpc.endpoint(None, Some(&url)).await.unwrap_err();
        assert!(
            matches!(err, RpcError::CustomRpcNotAllowed { .. }),
            "{url}: {err:?}"
        );
    }
    // `[::1]:port` matches every spelling of ::1 on that port only (no connection is made here:
    // an endpoint for an IP literal needs no lookup).
    let rpc = custom_client("[::1]:8899");
    let ep = rpc
        .endpoint(None, Some("http://[0:0::1]:8899/"))
        .await
        .unwrap();
    assert_eq!(ep.host(), "[::1]");
    let err = rpc
        .endpoint(None, Some("http://[::1]:8898/"))
        .await
        .unwrap_err();
    assert!(matches!(err, RpcError::CustomRpcNotAllowed { .. }));
    assert_eq!(trap.hits(), 0);
}

#[tokio::test]
async fn custom_rpc_redirects_are_not_followed() {
    let trap = trap().await;
    let location = format!("http://127.0.0.1:{}/", trap.port);
    let fake = start(move |_| Reply::Redirect(location.clone())).await;
    // Even with the trap's address allowed, a redirect is an answer, not a new request.
    let rpc = custom_client(&format!(
        "localhost,127.0.0.1:{},127.0.0.1:{}",
        fake.addr.port(),
        trap.port
    ));
    for url in [
        format!("http://localhost:{}/", fake.addr.port()),
        fake.url(),
    ] {
        let ep = rpc.endpoint(None, Some(&url)).await.unwrap();
        let err = rpc.call(&ep, "getVersion", json!([])).await.unwrap_err();
        assert!(
            matches!(err, RpcError::HttpStatus { status: 307, .. }),
            "{url}: {err:?}"
        );
    }
    assert_eq!(fake.count(), 2);
    assert_eq!(trap.hits(), 0);
}

#[test]
fn allow_list_entries_are_read_like_request_hosts() {
    let parsed = |list: &str| RpcConfig::default().with_allow_custom(list);
    let config =
        parsed("LOCALHOST.:8899, 2130706433, 0x7f.0.0.2:80, [0:0::1], Rpc.Example.COM").unwrap();
    assert_eq!(
        config.allow_custom_hosts,
        vec![
            AllowedHost {
                host: "localhost".into(),
                port: Some(8899)
            },
            AllowedHost {
                host: "127.0.0.1".into(),
                port: None
            },
            AllowedHost {
                host: "127.0.0.2".into(),
                port: Some(80)
            },
            AllowedHost {
                host: "::1".into(),
                port: None
            },
            AllowedHost {
                host: "rpc.example.com".into(),
                port: None
            },
        ]
    );
    for bad in [
        "localhost..",
        ".example.com",
        "a..b",
        "1.2.3.4.5",
        "host:",
        ":8899",
    ] {
        let err = parsed(bad).unwrap_err();
        assert_eq!(err.var, "ORQUESTRA_RPC_ALLOW_CUSTOM", "{bad}");
    }
}
