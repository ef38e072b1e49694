//! The machine's own ceiling for the HTTP benchmarks (`bench/ceiling.sh`): a bare axum server that
//! answers `GET /bytes/{n}` and `POST /bytes/{n}` with exactly `n` bytes (`application/json`, `n`
//! at most 16 MiB), sliced from one buffer filled at start-up so that no body is built per request.
//! POST reads the whole request body and discards it, so POST routes of `orquestra serve` can be
//! compared with the same wrk script. Loading this server and Orquestra with the same tool in the
//! same run gives ratios against what axum, tokio and the kernel manage on this machine with no
//! application work at all.
//!
//! Listens on `127.0.0.1:0` and prints `listening on http://ADDR` as its first line of stdout, like
//! `orquestra serve`. Run it with `cargo run --release -p orquestra-server --example
//! static_baseline`.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;

/// The largest body served.
const MAX_BYTES: usize = 16 * 1024 * 1024;

/// `MAX_BYTES` spaces, filled once and kept for the life of the process.
type Buffer = &'static [u8];

fn respond(buffer: Buffer, n: usize) -> Response {
    match buffer.get(..n) {
        Some(body) => (
            [(header::CONTENT_TYPE, "application/json")],
            Bytes::from_static(body),
        )
            .into_response(),
        None => (StatusCode::PAYLOAD_TOO_LARGE, "at most 16 MiB").into_response(),
    }
}

async fn get_bytes(State(buffer): State<Buffer>, Path(n): Path<usize>) -> Response {
    respond(buffer, n)
}

/// The `Bytes` extractor reads the whole request body, which is then dropped.
async fn post_bytes(State(buffer): State<Buffer>, Path(n): Path<usize>, _body: Bytes) -> Response {
    respond(buffer, n)
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let app = Router::new()
        .route("/bytes/{n}", get(get_bytes).post(post_bytes))
        .with_state(&*Box::leak(vec![b' '; MAX_BYTES].into_boxed_slice()));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    println!("listening on http://{}", listener.local_addr()?);
    axum::serve(listener, app).await
}
