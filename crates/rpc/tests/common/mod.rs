//! A fake JSON-RPC node on 127.0.0.1:0 for the client tests.
#![allow(clippy::unwrap_used, clippy::expect_used, dead_code)]

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::Router;
use orquestra_rpc::{Cluster, Endpoint, RpcClient, RpcConfig};
use serde_json::{json, Value};
use tokio::net::{TcpListener, TcpStream};

/// What the fake answers to one request.
pub enum Reply {
    /// `{"jsonrpc":"2.0","id":1,"result":…}`
    Result(Value),
    /// `{"jsonrpc":"2.0","id":1,"error":{code,message,data}}`
    Error(i64, &'static str, Option<Value>),
    /// Any status and body.
    Status(u16, String),
    /// Sleep, then answer `Result(null)`.
    Sleep(Duration),
    /// A raw body (with Content-Length).
    Raw(Vec<u8>),
    /// A chunked body of `n` bytes (no Content-Length).
    Chunked(usize),
    /// 307 to `location`.
    Redirect(String),
}

type Responder = dyn Fn(&Value) -> Reply + Send + Sync;

/// A running fake: its address, every request body it received, accepted connection count.
pub struct Fake {
    pub addr: SocketAddr,
    pub requests: Arc<Mutex<Vec<Value>>>,
    pub redirected_hits: Arc<AtomicUsize>,
    pub connections: Arc<AtomicUsize>,
}

impl Fake {
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn count(&self) -> usize {
        self.requests.lock().unwrap().len()
    }

    pub fn request(&self, i: usize) -> Value {
        self.requests.lock().unwrap()[i].clone()
    }
}

#[derive(Clone)]
struct AppState {
    requests: Arc<Mutex<Vec<Value>>>,
    redirected_hits: Arc<AtomicUsize>,
    responder: Arc<Responder>,
}

async fn handle(State(state): State<AppState>, body: Bytes) -> Response {
    let request: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    state.requests.lock().unwrap().push(request.clone());
    match (state.responder)(&request) {
        Reply::Result(result) => {
            axum::Json(json!({"jsonrpc": "2.0", "id": request["id"], "result": result}))
                .into_response()
        }
        Reply::Error(code, message, data) => {
            let mut error = json!({"code": code, "message": message});
            if let Some(d) = data {
                error["data"] = d;
            }
            axum::Json(json!({"jsonrpc": "2.0", "id": request["id"], "error": error}))
                .into_response()
        }
        Reply::Status(status, body) => {
            (StatusCode::from_u16(status).unwrap(), body).into_response()
        }
        Reply::Sleep(d) => {
            tokio::time::sleep(d).await;
            axum::Json(json!({"jsonrpc": "2.0", "id": 1, "result": null})).into_response()
        }
        Reply::Raw(bytes) => bytes.into_response(),
        Reply::Chunked(n) => {
            let chunks = (0..n.div_ceil(8192)).map(move |i| {
                let len = 8192.min(n - i * 8192);
                Ok::<_, std::io::Error>(Bytes::from(vec![b' '; len]))
            });
            axum::body::Body::from_stream(futures_util::stream::iter(chunks)).into_response()
        }
        Reply::Redirect(location) => (
            StatusCode::TEMPORARY_REDIRECT,
            [(axum::http::header::LOCATION, location)],
        )
            .into_response(),
    }
}

async fn redirected(State(state): State<AppState>) -> Response {
    state.redirected_hits.fetch_add(1, Ordering::SeqCst);
    axum::Json(json!({"jsonrpc": "2.0", "id": 1, "result": "followed"})).into_response()
}

/// A listener that drops the first `drop_first` connections without answering.
struct DroppingListener {
    inner: TcpListener,
    drop_first: usize,
    connections: Arc<AtomicUsize>,
}

impl axum::serve::Listener for DroppingListener {
    type Io = TcpStream;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (TcpStream, SocketAddr) {
        loop {
            let Ok((stream, addr)) = self.inner.accept().await else {
                continue;
            };
            let n = self.connections.fetch_add(1, Ordering::SeqCst);
            if n < self.drop_first {
                drop(stream);
                continue;
            }
            return (stream, addr);
        }
    }

    fn local_addr(&self) -> std::io::Result<SocketAddr> {
        self.inner.local_addr()
    }
}

/// Starts a fake node answering every request with `responder`.
pub async fn start(responder: impl Fn(&Value) -> Reply + Send + Sync + 'static) -> Fake {
    start_dropping(0, responder).await
}

/// Like [`start`], but the first `drop_first` TCP connections are closed unanswered.
pub async fn start_dropping(
    drop_first: usize,
    responder: impl Fn(&Value) -> Reply + Send + Sync + 'static,
) -> Fake {
    let state = AppState {
        requests: Arc::new(Mutex::new(Vec::new())),
        redirected_hits: Arc::new(AtomicUsize::new(0)),
        responder: Arc::new(responder),
    };
    let fake_requests = state.requests.clone();
    let redirected_hits = state.redirected_hits.clone();
    let app = Router::new()
        .route("/", post(handle))
        .route("/elsewhere", post(redirected).get(redirected))
        .with_state(state);
    let inner = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = inner.local_addr().unwrap();
    let connections = Arc::new(AtomicUsize::new(0));
    let listener = DroppingListener {
        inner,
        drop_first,
        connections: connections.clone(),
    };
    tokio::spawn(async move {
        axum::serve(listener, app).await.unwrap();
    });
    Fake {
        addr,
        requests: fake_requests,
        redirected_hits,
        connections,
    }
}

/// A client whose `localnet` cluster is the fake (operator-configured URLs are trusted).
pub fn client_for(fake: &Fake, tweak: impl FnOnce(&mut RpcConfig)) -> RpcClient {
    let mut config = RpcConfig::default()
        .with_cluster_url(Cluster::Localnet, &fake.url())
        .unwrap();
    config.timeout = Duration::from_secs(5);
    tweak(&mut config);
    RpcClient::new(config).unwrap()
}

pub async fn localnet(client: &RpcClient) -> Endpoint {
    client.endpoint(Some("localnet"), None).await.unwrap()
}

/// `{context:{slot}, value}`.
pub fn ctx(slot: u64, value: Value) -> Value {
    json!({"context": {"apiVersion": "2.2.0", "slot": slot}, "value": value})
}

pub const SYSTEM: &str = "11111111111111111111111111111111";
pub const KEY_A: &str = "4Nd1mBQtrMJVYVfKf2PJy9NZUZdTAsp7D4xWLs4gDB4T";
pub const KEY_B: &str = "9xQeWvG816bUx9EPjHmaT23yvVM2ZWbrrpZb9PusVFin";
pub const BLOCKHASH: &str = "EETubP5AKHgjPAhzPAFcb8BAY1hMH639CWCFTqi3hq1k";
