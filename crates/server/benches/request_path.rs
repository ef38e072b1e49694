#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The request path in process: the whole app (routes, cross-cutting layers, store, caches) called
//! as a tower service, without sockets, so what is measured is Orquestra's own work per request.
//! `bench/ceiling.sh` measures the same routes over loopback against a static-bytes server.
//!
//! A counting allocator reports the heap allocations each route makes per request (printed before
//! its timings); run with `cargo bench -p orquestra-server --bench request_path`.

use std::alloc::{GlobalAlloc, Layout, System};
use std::convert::Infallible;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use axum::body::Body;
use axum::http::{header, Method, Request};
use axum::response::Response;
use criterion::{criterion_group, criterion_main, Criterion};
use orquestra_server::{AppState, ServerConfig};
use orquestra_store::{GithubProfile, MemoryKv, OpenOptions};
use serde_json::{json, Value};
use tower::{Service, ServiceExt};

struct Counting;

static ALLOCATIONS: AtomicU64 = AtomicU64::new(0);

// SAFETY: forwards every call to the system allocator unchanged; only counts.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        // SAFETY: same contract as the caller's.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: same contract as the caller's.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        // SAFETY: same contract as the caller's.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

const IDL: &str = include_str!("../../../testdata/idls/anchor/raydium_clmm.json");
const SECRET: &[u8] = b"bench-secret-bench-secret-bench-secret!!";
const BLOCKHASH: &str = "4uQeVj5tqViQh7yWWGStvkEG1Zmhx6uasJtWCJziofM";
const RENT: &str = "SysvarRent111111111111111111111111111111111";

/// One request of the benchmark: method, path, body.
struct Case {
    name: &'static str,
    method: Method,
    path: String,
    body: Option<Value>,
}

impl Case {
    fn request(&self) -> Request<Body> {
        let builder = Request::builder()
            .method(self.method.clone())
            .uri(&self.path)
            .header(header::HOST, "localhost");
        match &self.body {
            None => builder.body(Body::empty()),
            Some(body) => builder
                .header(header::CONTENT_TYPE, "application/json")
                .header(header::ACCEPT, "application/json, text/event-stream")
                .body(Body::from(body.to_string())),
        }
        .expect("a valid request")
    }
}

async fn call<S>(app: &S, request: Request<Body>) -> (u16, bytes::Bytes)
where
    S: Service<Request<Body>, Response = Response, Error = Infallible> + Clone,
{
    let response = app.clone().oneshot(request).await.expect("infallible");
    let status = response.status().as_u16();
    let body = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .expect("a whole body");
    (status, body)
}

fn request_path(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    let dir = tempfile::tempdir().expect("a temp dir");
    let (app, cases) = runtime.block_on(async {
        let url = format!("sqlite://{}", dir.path().join("bench.db").display());
        let db = orquestra_store::open(&url, OpenOptions::default())
            .await
            .expect("the database");
        db.store.migrate().await.expect("migrations");
        let user = db
            .store
            .upsert_github_user(&GithubProfile {
                github_id: 1,
                username: "bench".into(),
                email: "bench@example.com".into(),
                avatar_url: None,
            })
            .await
            .expect("a user");
        let (token, _) = orquestra_server::auth::token::issue(
            SECRET,
            &user.id,
            &user.username,
            std::time::Duration::from_secs(3600),
        )
        .expect("a token");
        let mut config = ServerConfig::new("http://localhost", SECRET.to_vec());
        config.mcp_allowed_hosts = vec!["localhost".into()];
        let state = AppState::new(db.store.clone(), Arc::new(MemoryKv::default()), config)
            .expect("the state");
        let app = orquestra_server::app(&state);

        let idl: Value = serde_json::from_str(IDL).expect("the IDL");
        let program_id = idl["address"].as_str().expect("an address").to_string();
        let upload = Request::post("/api/idl/upload")
            .header(header::AUTHORIZATION, format!("Bearer {token}"))
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(
                json!({"name": "bench", "programId": program_id, "idl": idl, "isPublic": true})
                    .to_string(),
            ))
            .expect("a request");
        let (status, body) = call(&app, upload).await;
        assert_eq!(status, 201, "upload: {}", String::from_utf8_lossy(&body));
        let project: Value = serde_json::from_slice(&body).expect("JSON");
        let id = project["project"]["id"]
            .as_str()
            .expect("an id")
            .to_string();

        let get = |name, path: String| Case {
            name,
            method: Method::GET,
            path,
            body: None,
        };
        let (_, detail) = call(
            &app,
            get("", format!("/api/{id}/instructions/close_position")).request(),
        )
        .await;
        let detail: Value = serde_json::from_slice(&detail).expect("JSON");
        let mut build = detail["instruction"]["exampleRequest"].clone();
        build["recentBlockhash"] = json!(BLOCKHASH);
        // A PDA of an instruction account whose seeds need account addresses only.
        let (_, pdas) = call(&app, get("", format!("/api/{id}/pda")).request()).await;
        let pdas: Value = serde_json::from_slice(&pdas).expect("JSON");
        let derive = pdas["pdaAccounts"]
            .as_array()
            .expect("PDA accounts")
            .iter()
            .find(|e| {
                e["named"] != true
                    && e["usedBy"].as_array().is_some_and(|u| !u.is_empty())
                    && e["inputs"]
                        .as_array()
                        .is_some_and(|inputs| inputs.iter().all(|input| input["kind"] == "account"))
            })
            .map(|e| {
                let accounts: serde_json::Map<String, Value> = e["inputs"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(|input| {
                        (
                            input["name"].as_str().unwrap_or("").to_string(),
                            json!(RENT),
                        )
                    })
                    .collect();
                json!({
                    "instruction": e["usedBy"][0]["instruction"],
                    "account": e["usedBy"][0]["account"],
                    "accounts": accounts,
                })
            })
            .expect("a PDA with account seeds only");
        let cases = vec![
            get("health", "/health".into()),
            get(
                "instruction_detail",
                format!("/api/{id}/instructions/close_position"),
            ),
            get("accounts", format!("/api/{id}/accounts")),
            get("idl", format!("/api/{id}/idl")),
            get("search", "/api/projects?q=close".into()),
            Case {
                name: "pda_derive",
                method: Method::POST,
                path: format!("/api/{id}/pda/derive"),
                body: Some(derive),
            },
            Case {
                name: "build",
                method: Method::POST,
                path: format!("/api/{id}/instructions/close_position/build"),
                body: Some(build),
            },
            Case {
                name: "mcp_tools_list",
                method: Method::POST,
                path: "/mcp".into(),
                body: Some(json!({"jsonrpc": "2.0", "id": 1, "method": "tools/list"})),
            },
        ];
        (app, cases)
    });

    let mut group = c.benchmark_group("request_path");
    for case in &cases {
        // Warm every cache, check the route answers, then count one request's allocations.
        let (status, body) = runtime.block_on(call(&app, case.request()));
        assert!(
            (200..300).contains(&status),
            "{}: {status} {}",
            case.name,
            String::from_utf8_lossy(&body)
        );
        let request = case.request();
        let before = ALLOCATIONS.load(Ordering::Relaxed);
        runtime.block_on(call(&app, request));
        let allocations = ALLOCATIONS.load(Ordering::Relaxed) - before;
        eprintln!(
            "{}: {} bytes, {allocations} allocations per request",
            case.name,
            body.len()
        );
        group.bench_function(case.name, |b| {
            b.to_async(&runtime).iter(|| call(&app, case.request()))
        });
    }
    group.finish();
}

criterion_group!(benches, request_path);
criterion_main!(benches);
