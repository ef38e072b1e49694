#![allow(clippy::unwrap_used, clippy::expect_used)]
//! A snapshot of the platform document as `GET /openapi.json` serves it, so that every change to
//! the API surface shows up as a reviewed diff. Regenerate after an intended change with
//! `INSTA_UPDATE=always cargo test -p orquestra-server --test platform_snapshot`.

mod common;

use common::As;

#[tokio::test]
async fn the_platform_document() {
    let server = common::start().await;
    let (status, doc) = server
        .send(&As::Anonymous, "GET", "/openapi.json", None)
        .await;
    assert_eq!(status, 200, "{doc}");
    // The public URL carries the test's random port.
    let text = doc
        .to_string()
        .replace(&server.base, "http://127.0.0.1:PORT");
    let doc: serde_json::Value = serde_json::from_str(&text).unwrap();
    insta::assert_json_snapshot!("platform_openapi", doc);
}
