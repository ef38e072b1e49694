#![allow(clippy::unwrap_used, clippy::expect_used)]
//! `GET /metrics` over a real socket: what was served is what is counted, and the token guards it.

mod common;

use common::{start, start_with, As};

async fn scrape(server: &common::TestServer, token: Option<&str>) -> (u16, String) {
    let mut request = server
        .http
        .unchecked()
        .get(format!("{}/metrics", server.base));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.unwrap();
    (response.status().as_u16(), response.text().await.unwrap())
}

/// The value of the sample named exactly `series` (name and labels).
fn sample(text: &str, series: &str) -> f64 {
    text.lines()
        .find_map(|line| line.strip_prefix(series)?.strip_prefix(' '))
        .map(|v| v.trim().parse().unwrap())
        .unwrap_or(0.0)
}

#[tokio::test]
async fn requests_are_counted_by_class_and_status() {
    let server = start().await;
    let (_, alice) = server.user(1).await;
    for _ in 0..3 {
        let (status, _) = server
            .send(&As::Anonymous, "GET", "/api/projects", None)
            .await;
        assert_eq!(status, 200);
    }
    let (status, _) = server.send(&alice, "GET", "/api/projects/nope", None).await;
    assert_eq!(status, 404);
    let (status, text) = scrape(&server, None).await;
    assert_eq!(status, 200);
    assert_eq!(
        sample(
            &text,
            "orquestra_http_requests_total{class=\"api\",status=\"200\"}"
        ),
        3.0,
        "{text}"
    );
    assert_eq!(
        sample(
            &text,
            "orquestra_http_requests_total{class=\"api\",status=\"404\"}"
        ),
        1.0,
        "{text}"
    );
    assert_eq!(
        sample(
            &text,
            "orquestra_http_request_duration_seconds_count{class=\"api\"}"
        ),
        4.0,
        "{text}"
    );
    let size = sample(&text, "orquestra_db_pool_connections{state=\"idle\"}")
        + sample(&text, "orquestra_db_pool_connections{state=\"in_use\"}");
    assert!(size >= 1.0, "{text}");
    assert!(text.trim_end().ends_with("# EOF"));
    // The scrape itself is counted by the next one.
    let (_, text) = scrape(&server, None).await;
    assert_eq!(
        sample(
            &text,
            "orquestra_http_requests_total{class=\"health\",status=\"200\"}"
        ),
        1.0,
        "{text}"
    );
}

#[tokio::test]
async fn the_metrics_token_is_required_when_set() {
    let server =
        start_with(|config| config.metrics_token = Some("metrics-token-0123456789".into())).await;
    assert_eq!(scrape(&server, None).await.0, 401);
    assert_eq!(scrape(&server, Some("wrong-token-0123456789")).await.0, 401);
    let (status, text) = scrape(&server, Some("metrics-token-0123456789")).await;
    assert_eq!(status, 200);
    assert!(
        text.contains("# TYPE orquestra_http_requests counter"),
        "{text}"
    );
}
