#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Slow clients cannot hold the server: unfinished request heads are cut at the header timeout,
//! stalled bodies are answered `408` at the body timeout, trickled bodies at the request timeout,
//! a client that stops reading responses is disconnected, and the connection cap holds (extra connections wait and are served once others close). On a
//! real socket, with short timeouts; the time bounds asserted are generous.

mod common;

use std::time::{Duration, Instant};

use common::{start_with, TestServer};
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

fn addr(server: &TestServer) -> String {
    server.base.strip_prefix("http://").unwrap().to_string()
}

/// Reads until the server closes the connection; `None` if it does not within `limit`.
async fn read_until_closed(stream: &mut TcpStream, limit: Duration) -> Option<Vec<u8>> {
    let mut bytes = Vec::new();
    match tokio::time::timeout(limit, stream.read_to_end(&mut bytes)).await {
        Ok(Ok(_)) => Some(bytes),
        // A reset is the server closing too.
        Ok(Err(_)) => Some(bytes),
        Err(_) => None,
    }
}

/// Status and JSON body of a raw HTTP/1.1 response (empty input: `None`).
fn response(bytes: &[u8]) -> Option<(u16, Value)> {
    if bytes.is_empty() {
        return None;
    }
    let text = String::from_utf8_lossy(bytes);
    let status = text[9..12].parse().unwrap();
    let body = text.split_once("\r\n\r\n").map(|(_, b)| b).unwrap_or("");
    Some((status, serde_json::from_str(body).unwrap_or(Value::Null)))
}

/// A fresh client (no pooled connections), answering within `limit`.
async fn get_health(server: &TestServer, limit: Duration) -> Result<u16, reqwest::Error> {
    let client = reqwest::Client::builder().timeout(limit).build().unwrap();
    client
        .get(format!("{}/health", server.base))
        .send()
        .await
        .map(|r| r.status().as_u16())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slowloris_connections_are_closed_and_others_are_served() {
    let server = start_with(|c| {
        c.header_timeout = Duration::from_secs(1);
        c.body_timeout = Duration::from_secs(1);
        c.request_timeout = Duration::from_secs(5);
    })
    .await;
    let addr = addr(&server);
    let mut slow = Vec::new();
    for i in 0..200 {
        let mut stream = TcpStream::connect(&addr).await.unwrap();
        let head = if i % 2 == 0 {
            // Headers that never finish.
            format!("GET /health HTTP/1.1\r\nHost: {addr}\r\nX-Slow: a")
        } else {
            // A promised body of 100 bytes, of which 1 arrives (to routes that read bodies).
            let path = if i % 4 == 1 {
                "/api/transactions/decode"
            } else {
                "/mcp"
            };
            format!(
                "POST {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\n\
                 Accept: application/json, text/event-stream\r\nContent-Length: 100\r\n\r\n{{"
            )
        };
        stream.write_all(head.as_bytes()).await.unwrap();
        slow.push((i, stream));
    }
    let opened = Instant::now();

    // Meanwhile a normal client is served promptly.
    for _ in 0..3 {
        assert_eq!(
            get_health(&server, Duration::from_secs(5)).await.unwrap(),
            200
        );
    }

    // Every slow connection is closed by the server: unfinished heads without a response,
    // stalled bodies with a 408 in the error shape.
    let mut tasks = tokio::task::JoinSet::new();
    for (i, mut stream) in slow {
        tasks.spawn(async move {
            let bytes = read_until_closed(&mut stream, Duration::from_secs(30)).await;
            (i, bytes)
        });
    }
    let mut answered_408 = 0;
    for (i, bytes) in tasks.join_all().await {
        let bytes = bytes.unwrap_or_else(|| panic!("connection {i} still open after 30 s"));
        match response(&bytes) {
            None => {}
            Some((status, body)) => {
                assert_eq!(status, 408, "connection {i}: {body}");
                assert_eq!(body["error"]["code"], "request_timeout", "{i}: {body}");
                assert!(i % 2 == 1, "an unfinished head got a response: {body}");
                answered_408 += 1;
            }
        }
    }
    assert_eq!(answered_408, 100, "every stalled body is answered 408");
    // The timeouts are 1 s; everything was closed well before the 30 s bound.
    assert!(
        opened.elapsed() < Duration::from_secs(20),
        "{:?}",
        opened.elapsed()
    );
    assert_eq!(
        get_health(&server, Duration::from_secs(5)).await.unwrap(),
        200
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_trickled_body_hits_the_request_timeout() {
    let server = start_with(|c| {
        c.body_timeout = Duration::from_secs(2);
        c.request_timeout = Duration::from_secs(2);
    })
    .await;
    let addr = addr(&server);
    let mut stream = TcpStream::connect(&addr).await.unwrap();
    let head = format!(
        "POST /api/transactions/decode HTTP/1.1\r\nHost: {addr}\r\n\
         Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n{{"
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    // One byte every 200 ms never trips the body timeout, but the whole request has 2 s.
    let (mut reader, mut writer) = stream.into_split();
    let trickle = tokio::spawn(async move {
        for _ in 0..200 {
            tokio::time::sleep(Duration::from_millis(200)).await;
            if writer.write_all(b" ").await.is_err() {
                break;
            }
        }
    });
    let mut bytes = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(30), reader.read_to_end(&mut bytes)).await;
    assert!(read.is_ok(), "still open after 30 s");
    trickle.abort();
    let (status, body) = response(&bytes).expect("a response");
    assert_eq!(status, 408, "{body}");
    assert_eq!(body["error"]["code"], "request_timeout");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("not received within"),
        "{body}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_connection_cap_holds_and_waiting_clients_are_served_later() {
    let server = start_with(|c| {
        c.max_connections = 8;
        // Long enough that the held connections do not time out during the test.
        c.header_timeout = Duration::from_secs(60);
    })
    .await;
    let addr = addr(&server);
    let mut held = Vec::new();
    for _ in 0..8 {
        let mut stream = TcpStream::connect(&addr).await.unwrap();
        // A request served on the connection proves it was accepted; then it idles.
        stream
            .write_all(format!("GET /health/ping HTTP/1.1\r\nHost: {addr}\r\n\r\n").as_bytes())
            .await
            .unwrap();
        let mut buf = [0u8; 512];
        let n = tokio::time::timeout(Duration::from_secs(10), stream.read(&mut buf))
            .await
            .unwrap()
            .unwrap();
        assert!(buf[..n].starts_with(b"HTTP/1.1 200"));
        held.push(stream);
    }

    // All 8 slots are taken: a ninth client is not served...
    let waiting = {
        let base = server.base.clone();
        tokio::spawn(async move {
            let client = reqwest::Client::builder()
                .timeout(Duration::from_secs(60))
                .build()
                .unwrap();
            let started = Instant::now();
            let status = client
                .get(format!("{base}/health"))
                .send()
                .await
                .map(|r| r.status().as_u16());
            (status, started.elapsed())
        })
    };
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert!(!waiting.is_finished(), "served past the cap");
    assert!(get_health(&server, Duration::from_millis(500))
        .await
        .is_err());

    // ... until connections close: then it is.
    held.truncate(6);
    let (status, waited) = tokio::time::timeout(Duration::from_secs(30), waiting)
        .await
        .expect("served once slots free up")
        .unwrap();
    assert_eq!(status.unwrap(), 200);
    assert!(waited >= Duration::from_millis(1500), "{waited:?}");
    assert_eq!(
        get_health(&server, Duration::from_secs(10)).await.unwrap(),
        200
    );
    drop(held);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_that_stops_reading_is_disconnected() {
    let server = start_with(|c| {
        c.body_timeout = Duration::from_secs(1);
        c.header_timeout = Duration::from_secs(60);
    })
    .await;
    let document = server
        .http
        .get(format!("{}/openapi.json", server.base))
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    // Far more response bytes than the socket buffers hold.
    let n = (32 * 1024 * 1024) / document.len() + 1;
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.set_recv_buffer_size(4096).unwrap();
    let addr = addr(&server);
    let mut stream = socket.connect(addr.parse().unwrap()).await.unwrap();
    let request = format!("GET /openapi.json HTTP/1.1\r\nHost: {addr}\r\n\r\n");
    stream
        .write_all(request.repeat(n).as_bytes())
        .await
        .unwrap();
    // Read nothing for a while: the server's writes stall past the 1 s timeout.
    tokio::time::sleep(Duration::from_secs(4)).await;
    let mut bytes = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(30), stream.read_to_end(&mut bytes)).await;
    assert!(read.is_ok(), "the connection is still open");
    let served = String::from_utf8_lossy(&bytes)
        .matches("HTTP/1.1 200")
        .count();
    assert!(served < n, "all {n} responses were written");
    // The server is fine.
    assert_eq!(
        get_health(&server, Duration::from_secs(5)).await.unwrap(),
        200
    );
}
