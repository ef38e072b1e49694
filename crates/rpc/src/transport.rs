//! One JSON-RPC call: POST, per-attempt deadline, retries on transport errors only,
//! a streamed body cap, and the JSON-RPC envelope.

use std::error::Error as _;
use std::net::SocketAddr;
use std::sync::Once;
use std::time::Duration;

use serde_json::{json, Value};

use crate::config::{normalize_host, truncate};
use crate::endpoint::{duration_ms, Endpoint};
use crate::error::RpcError;

/// How much of a non-2xx body is kept for [`RpcError::HttpStatus`].
pub(crate) const SNIPPET_BYTES: usize = 512;
pub(crate) const SNIPPET_CHARS: usize = 200;

/// The reqwest builder every RPC client starts from: rustls/ring, no redirects, no proxies.
pub(crate) fn client_builder(config_timeout: Duration) -> reqwest::ClientBuilder {
    static PROVIDER: Once = Once::new();
    PROVIDER.call_once(|| {
        // Another crate (the server) may have installed it first: that is fine.
        let _ = rustls::crypto::ring::default_provider().install_default();
    });
    reqwest::Client::builder()
        .user_agent(concat!("orquestra-rpc/", env!("CARGO_PKG_VERSION")))
        .redirect(reqwest::redirect::Policy::none())
        .no_proxy()
        .connect_timeout(config_timeout.min(Duration::from_secs(5)))
        .pool_idle_timeout(Duration::from_secs(60))
}

pub(crate) fn build(builder: reqwest::ClientBuilder) -> Result<reqwest::Client, RpcError> {
    builder
        .build()
        .map_err(|e| RpcError::Transport(format!("could not build the HTTP client: {}", chain(&e))))
}

/// A client for one checked custom host: its only name resolution is [`PinnedResolver`], so
/// every connection goes to the addresses that were checked, never to a fresh DNS answer.
pub(crate) fn pinned_client(
    config_timeout: Duration,
    host: &str,
    addrs: &[SocketAddr],
) -> Result<reqwest::Client, RpcError> {
    build(client_builder(config_timeout).dns_resolver(PinnedResolver {
        host: host.to_owned(),
        addrs: addrs.to_vec(),
    }))
}

/// Answers the checked addresses for the checked host, whatever spelling the HTTP client asks
/// with (`LocalHost.` and `localhost` are the same host after [`normalize_host`]), and refuses
/// every other name. It never falls back to the system resolver (unlike
/// `ClientBuilder::resolve_to_addrs`, whose overrides only apply to an exact string match).
struct PinnedResolver {
    /// Normalised (lower case, one trailing dot stripped).
    host: String,
    addrs: Vec<SocketAddr>,
}

impl reqwest::dns::Resolve for PinnedResolver {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let result: Result<reqwest::dns::Addrs, Box<dyn std::error::Error + Send + Sync>> =
            if normalize_host(name.as_str()) == self.host {
                Ok(Box::new(self.addrs.clone().into_iter()))
            } else {
                Err(Box::new(std::io::Error::other(format!(
                    "{} is not the checked host",
                    truncate(name.as_str(), 253)
                ))))
            };
        Box::pin(std::future::ready(result))
    }
}

/// The outcome of one attempt: either final, or a transport failure worth retrying.
enum Attempt {
    Done(Result<Value, RpcError>),
    Retry(RpcError),
}

/// POSTs `{"jsonrpc":"2.0","id":1,method,params}` and returns `result`.
pub(crate) async fn call(
    endpoint: &Endpoint,
    method: &str,
    params: Value,
    timeout: Duration,
    retries: u32,
    limit: usize,
) -> Result<Value, RpcError> {
    let body = json!({"jsonrpc": "2.0", "id": 1, "method": method, "params": params});
    let body = serde_json::to_vec(&body)
        .map_err(|e| RpcError::InvalidArgument(format!("unserialisable params: {e}")))?;
    let mut attempt = 0u32;
    loop {
        match attempt_once(endpoint, &body, timeout, limit).await {
            Attempt::Done(result) => return result,
            Attempt::Retry(err) if attempt >= retries => return Err(err),
            Attempt::Retry(_) => {
                attempt += 1;
                tokio::time::sleep(Duration::from_millis(50 * u64::from(attempt))).await;
            }
        }
    }
}

async fn attempt_once(
    endpoint: &Endpoint,
    body: &[u8],
    timeout: Duration,
    limit: usize,
) -> Attempt {
    let timed_out = || RpcError::Timeout {
        host: endpoint.host.clone(),
        timeout_ms: duration_ms(timeout),
    };
    let request = endpoint
        .http
        .post(endpoint.url.clone())
        .header(reqwest::header::CONTENT_TYPE, "application/json")
        .header(reqwest::header::ACCEPT, "application/json")
        .timeout(timeout)
        .body(body.to_vec());
    // The outer deadline also bounds the body read, whatever reqwest does internally.
    let work = async {
        let mut response = match request.send().await {
            Ok(r) => r,
            Err(e) => return classify(e, &timed_out),
        };
        let status = response.status();
        if !status.is_success() {
            let snippet = match read_capped(&mut response, SNIPPET_BYTES, false).await {
                Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
                Err(_) => String::new(),
            };
            return Attempt::Done(Err(RpcError::HttpStatus {
                status: status.as_u16(),
                body_snippet: truncate(snippet.trim(), SNIPPET_CHARS),
            }));
        }
        if response.content_length().is_some_and(|n| n > limit as u64) {
            return Attempt::Done(Err(RpcError::ResponseTooLarge { limit }));
        }
        match read_capped(&mut response, limit, true).await {
            Ok(bytes) => Attempt::Done(envelope(&bytes)),
            Err(ReadError::TooLarge) => Attempt::Done(Err(RpcError::ResponseTooLarge { limit })),
            Err(ReadError::Http(e)) => classify(e, &timed_out),
        }
    };
    match tokio::time::timeout(timeout, work).await {
        Ok(outcome) => outcome,
        Err(_) => Attempt::Done(Err(timed_out())),
    }
}

pub(crate) enum ReadError {
    TooLarge,
    Http(reqwest::Error),
}

/// Reads the body chunk by chunk, stopping as soon as it passes `limit`
/// (`strict`: error; otherwise: truncate, for error snippets).
pub(crate) async fn read_capped(
    response: &mut reqwest::Response,
    limit: usize,
    strict: bool,
) -> Result<Vec<u8>, ReadError> {
    let mut out = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(ReadError::Http)? {
        if out.len() + chunk.len() > limit {
            if strict {
                return Err(ReadError::TooLarge);
            }
            let room = limit - out.len();
            out.extend_from_slice(&chunk[..room]);
            return Ok(out);
        }
        out.extend_from_slice(&chunk);
    }
    Ok(out)
}

/// Timeouts are final (retrying would multiply the wait); other transport failures are retried.
fn classify(e: reqwest::Error, timed_out: &impl Fn() -> RpcError) -> Attempt {
    if e.is_timeout() {
        return Attempt::Done(Err(timed_out()));
    }
    let err = RpcError::Transport(chain(&e));
    if e.is_builder() {
        Attempt::Done(Err(err))
    } else {
        Attempt::Retry(err)
    }
}

/// The error and its sources, without the URL (it may carry an API key).
pub(crate) fn chain(e: &reqwest::Error) -> String {
    let mut msg = match e.url() {
        Some(_) => {
            let kind = if e.is_connect() {
                "connection failed"
            } else if e.is_request() {
                "request failed"
            } else if e.is_body() || e.is_decode() {
                "reading the response failed"
            } else {
                "HTTP error"
            };
            kind.to_owned()
        }
        None => e.to_string(),
    };
    let mut source = e.source();
    while let Some(s) = source {
        let text = s.to_string();
        if !msg.contains(&text) {
            msg.push_str(": ");
            msg.push_str(&text);
        }
        source = s.source();
    }
    truncate(&msg, 400)
}

/// `{"result": …}` → the result; `{"error": {code, message, data}}` → [`RpcError::Rpc`].
fn envelope(bytes: &[u8]) -> Result<Value, RpcError> {
    let value: Value = serde_json::from_slice(bytes)
        .map_err(|e| RpcError::invalid_response(format!("body is not JSON ({e})")))?;
    let Value::Object(mut obj) = value else {
        return Err(RpcError::invalid_response("body is not a JSON-RPC object"));
    };
    if let Some(error) = obj.remove("error").filter(|e| !e.is_null()) {
        let code = error.get("code").and_then(Value::as_i64).unwrap_or(0);
        let message = error
            .get("message")
            .and_then(Value::as_str)
            .map(|m| truncate(m, 1000))
            .unwrap_or_else(|| "unspecified JSON-RPC error".to_owned());
        let data = error.get("data").cloned();
        return Err(RpcError::Rpc {
            code,
            message,
            data,
        });
    }
    obj.remove("result")
        .ok_or_else(|| RpcError::invalid_response("neither result nor error in the response"))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;

    use reqwest::dns::Resolve as _;
    use tokio::net::TcpListener;

    use super::*;

    fn pinned(host: &str, addrs: &[SocketAddr]) -> PinnedResolver {
        PinnedResolver {
            host: host.to_owned(),
            addrs: addrs.to_vec(),
        }
    }

    async fn ask(resolver: &PinnedResolver, name: &str) -> Result<Vec<SocketAddr>, String> {
        let name: reqwest::dns::Name = name.parse().map_err(|_| "bad name".to_owned())?;
        match resolver.resolve(name).await {
            Ok(addrs) => Ok(addrs.collect()),
            Err(e) => Err(e.to_string()),
        }
    }

    #[tokio::test]
    async fn resolver_answers_only_for_the_checked_host() {
        let addrs: [SocketAddr; 2] = [
            "127.0.0.1:8899".parse().unwrap(),
            "[::1]:8899".parse().unwrap(),
        ];
        let resolver = pinned("localhost", &addrs);
        for name in ["localhost", "LocalHost.", "LOCALHOST", "localhost."] {
            assert_eq!(
                ask(&resolver, name).await.unwrap(),
                addrs.to_vec(),
                "{name}"
            );
        }
        for name in [
            "localhost..",
            "example.com",
            "localhost.example.com",
            "127.0.0.1",
        ] {
            let err = ask(&resolver, name).await.unwrap_err();
            assert!(err.contains("not the checked host"), "{name}: {err}");
        }
    }

    /// Accepts and counts connections; when `answer`, serves one JSON-RPC result per request.
    async fn listener(addr: SocketAddr, answer: bool) -> Option<(u16, Arc<AtomicUsize>)> {
        let listener = TcpListener::bind(addr).await.ok()?;
        let port = listener.local_addr().ok()?.port();
        let hits = Arc::new(AtomicUsize::new(0));
        let counter = hits.clone();
        if answer {
            let app = axum::Router::new().route(
                "/",
                axum::routing::post(move || {
                    counter.fetch_add(1, Ordering::SeqCst);
                    async { r#"{"jsonrpc":"2.0","id":1,"result":"pinned"}"# }
                }),
            );
            tokio::spawn(async move { axum::serve(listener, app).await });
        } else {
            tokio::spawn(async move {
                while let Ok((stream, _)) = listener.accept().await {
                    counter.fetch_add(1, Ordering::SeqCst);
                    drop(stream);
                }
            });
        }
        Some((port, hits))
    }

    /// The pinned address (127.0.0.2) differs from what the system resolver says `localhost` is
    /// (127.0.0.1, where a trap listens on the same port): whatever spelling of the host the URL
    /// uses, the request reaches the pinned address and the trap sees nothing.
    #[tokio::test]
    async fn pinned_client_connects_only_to_the_checked_address() {
        let mut found = None;
        for _ in 0..20 {
            let Some((port, served)) = listener("127.0.0.2:0".parse().unwrap(), true).await else {
                eprintln!("127.0.0.2 is not bindable here: skipped");
                return;
            };
            if let Some((_, trapped)) =
                listener(SocketAddr::from(([127, 0, 0, 1], port)), false).await
            {
                found = Some((port, served, trapped));
                break;
            }
        }
        let (port, served, trapped) = found.expect("a port free on both 127.0.0.2 and 127.0.0.1");
        let pin = SocketAddr::from(([127, 0, 0, 2], port));
        let client = pinned_client(Duration::from_secs(5), "localhost", &[pin]).unwrap();
        let urls = [
            format!("http://localhost:{port}/"),
            format!("http://LocalHost.:{port}/"),
            format!("http://LOCALHOST.:{port}/"),
        ];
        for url in &urls {
            let response = client.post(url.as_str()).body("{}").send().await.unwrap();
            assert_eq!(response.status(), 200, "{url}");
            assert!(response.text().await.unwrap().contains("pinned"), "{url}");
        }
        // Another name is refused by the resolver itself: no lookup, no connection.
        let err = client
            .post(format!("http://rpc.example.com:{port}/"))
            .send()
            .await
            .unwrap_err();
        assert!(err.is_connect(), "{err:?}");
        assert_eq!(served.load(Ordering::SeqCst), urls.len());
        assert_eq!(trapped.load(Ordering::SeqCst), 0);
    }
}
