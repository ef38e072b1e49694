#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The web pages over a real socket: what each visitor may see (a private project is a 404 page
//! for everyone but its owner, as on the JSON API), what untrusted text can do (nothing), ETags,
//! asset caching, and the JavaScript a page loads.

mod common;

use common::{start, As, TestServer, PROGRAM_B};
use reqwest::header::{
    CACHE_CONTROL, CONTENT_ENCODING, CONTENT_SECURITY_POLICY, CONTENT_TYPE, COOKIE, ETAG,
    IF_NONE_MATCH,
};
use serde_json::{json, Value};

fn token(who: &As) -> &str {
    match who {
        As::Bearer(token) => token,
        _ => panic!("a session"),
    }
}

async fn page(server: &TestServer, who: Option<&As>, path: &str) -> (u16, String) {
    let mut request = server
        .http
        .unchecked()
        .get(format!("{}{path}", server.base));
    if let Some(who) = who {
        request = request.header(COOKIE, format!("orquestra_session={}", token(who)));
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    if status != 304 {
        let content_type = response.headers()[CONTENT_TYPE]
            .to_str()
            .unwrap()
            .to_string();
        assert!(
            content_type.starts_with("text/html"),
            "{path}: {content_type}"
        );
    }
    (status, response.text().await.unwrap())
}

fn spl_token_idl() -> Value {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../testdata/idls/codama/spl_token.json"
    );
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

async fn upload(server: &TestServer, who: &As, name: &str, public: bool) -> String {
    let (status, body) = server
        .send(
            who,
            "POST",
            "/api/idl/upload",
            Some(json!({"name": name, "programId": PROGRAM_B, "idl": spl_token_idl(), "isPublic": public})),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    body["project"]["id"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn a_private_project_is_a_404_page_for_everyone_but_its_owner() {
    let server = start().await;
    let (_, alice) = server.user(1).await;
    let (_, bob) = server.user(2).await;
    let id = upload(&server, &alice, "Secret Token", false).await;
    for tab in ["", "?tab=instructions", "?tab=docs", "?tab=pda"] {
        let path = format!("/programs/{id}{tab}");
        let (status, html) = page(&server, None, &path).await;
        assert_eq!(status, 404, "{path}");
        assert!(html.contains("Program not found"), "{html}");
        assert!(!html.contains("Secret Token"), "{path} leaks the name");
        let (status, html) = page(&server, Some(&bob), &path).await;
        assert_eq!(status, 404, "{path}");
        assert!(!html.contains("Secret Token"));
        let (status, html) = page(&server, Some(&alice), &path).await;
        assert_eq!(status, 200, "{path}");
        assert!(html.contains("Secret Token"));
    }
    for path in [
        format!("/programs/{id}/api"),
        format!("/dashboard/projects/{id}"),
    ] {
        let (status, html) = page(&server, Some(&bob), &path).await;
        assert_eq!(status, 404, "{path}");
        assert!(!html.contains("Secret Token"));
    }
    // Search and the explore lists do not list it either.
    let (_, html) = page(&server, Some(&bob), "/?q=Secret").await;
    assert!(!html.contains(&id), "{html}");
    // The owner's dashboard does.
    let (status, html) = page(&server, Some(&alice), "/dashboard").await;
    assert_eq!(status, 200);
    assert!(html.contains("Secret Token") && html.contains(&format!("/dashboard/projects/{id}")));
}

#[tokio::test]
async fn every_page_renders_and_a_public_program_is_found_by_search() {
    let server = start().await;
    let (_, alice) = server.user(1).await;
    let id = upload(&server, &alice, "Token Program", true).await;
    let (status, html) = page(&server, None, "/?q=Token").await;
    assert_eq!(status, 200);
    assert!(html.contains(&format!("href=\"/programs/{id}\"")), "{html}");
    assert!(html.contains("id=\"sign-in\""));
    for tab in [
        "overview",
        "instructions",
        "accounts",
        "types",
        "errors",
        "events",
        "docs",
        "pda",
        "account",
    ] {
        let (status, html) = page(&server, None, &format!("/programs/{id}?tab={tab}")).await;
        assert_eq!(status, 200, "{tab}");
        assert!(
            html.contains("<h1 id=\"program-name\">Token Program</h1>"),
            "{tab}"
        );
    }
    let (_, html) = page(&server, None, &format!("/programs/{id}?tab=instructions")).await;
    // The try-it form of `transfer`: its argument, its accounts, the fee payer.
    assert!(html.contains("id=\"ix-transfer\""));
    for name in [
        "args.amount",
        "accounts.source",
        "accounts.destination",
        "accounts.authority",
        "feePayer",
    ] {
        assert!(html.contains(&format!("name=\"{name}\"")), "{name}");
    }
    let (_, html) = page(&server, None, &format!("/programs/{id}?tab=errors")).await;
    assert!(html.contains("0x1"), "error codes in hex");
    for path in ["/api-docs", "/transactions", "/dashboard"] {
        assert_eq!(page(&server, None, path).await.0, 200, "{path}");
    }
    let (_, html) = page(&server, Some(&alice), "/dashboard").await;
    assert!(html.contains("<span id=\"whoami\">user1</span>"), "{html}");
    assert_eq!(
        page(&server, None, &format!("/programs/{id}?tab=nope"))
            .await
            .0,
        404
    );
    assert_eq!(
        page(&server, None, &format!("/programs/{id}?version=9"))
            .await
            .0,
        404
    );
    assert_eq!(
        page(&server, None, "/programs/..%2Fapi%2Fstats").await.0,
        404
    );
}

#[tokio::test]
async fn owner_text_is_shown_as_text_never_as_markup() {
    let server = start().await;
    let (_, alice) = server.user(1).await;
    let id = upload(&server, &alice, "<script>alert(1)</script>", true).await;
    let docs = "# Hi\n\n<script>alert(2)</script>\n\n[x](javascript:alert(3))\n\n<img src=x onerror=alert(4)>";
    let (status, body) = server
        .send(
            &alice,
            "PUT",
            &format!("/api/{id}/docs"),
            Some(json!({"docs": docs})),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    for path in [
        format!("/programs/{id}"),
        format!("/programs/{id}?tab=docs"),
        "/".into(),
        "/dashboard".into(),
        format!("/dashboard/projects/{id}"),
    ] {
        let (status, html) = page(&server, Some(&alice), &path).await;
        assert_eq!(status, 200, "{path}");
        assert!(!html.contains("<script>alert"), "{path}");
        assert!(!html.contains("<img src=x"), "{path}");
        assert!(!html.contains("href=\"javascript:"), "{path}");
    }
    let (_, html) = page(&server, None, &format!("/programs/{id}?tab=docs")).await;
    assert!(
        html.contains("&lt;script&gt;alert(2)&lt;/script&gt;"),
        "{html}"
    );
}

#[tokio::test]
async fn pages_carry_an_etag_and_a_policy_and_assets_are_immutable() {
    let server = start().await;
    let client = server.http.unchecked();
    let response = client
        .get(format!("{}/", server.base))
        .send()
        .await
        .unwrap();
    let etag = response.headers()[ETAG].clone();
    assert_eq!(response.headers()[CACHE_CONTROL], "private, no-cache");
    let csp = response.headers()[CONTENT_SECURITY_POLICY]
        .to_str()
        .unwrap();
    assert!(
        csp.contains("script-src 'self'") && csp.contains("frame-ancestors 'none'"),
        "{csp}"
    );
    let html = response.text().await.unwrap();
    let again = client
        .get(format!("{}/", server.base))
        .header(IF_NONE_MATCH, etag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 304);

    // Every script the server-rendered pages load, at its versioned URL: immutable, and under
    // 100 KB in all (the API reference's library is loaded by the reference pages alone).
    let scripts: Vec<&str> = html
        .split("<script type=\"module\" src=\"")
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .collect();
    assert!(!scripts.is_empty());
    let mut total = 0;
    for src in scripts {
        let response = client
            .get(format!("{}{src}", server.base))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "{src}");
        assert_eq!(
            response.headers()[CACHE_CONTROL],
            "public, max-age=31536000, immutable"
        );
        total += response.bytes().await.unwrap().len();
    }
    assert!(total < 100 * 1024, "{total} bytes of JavaScript");

    // The big vendored library goes out compressed to clients that take gzip.
    let rapidoc = orquestra_web::assets::RAPIDOC_JS.url();
    let response = client
        .get(format!("{}{rapidoc}", server.base))
        .header("accept-encoding", "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()[CONTENT_ENCODING], "gzip");
    assert!(response.bytes().await.unwrap().len() < 300 * 1024);
    let missing = client
        .get(format!("{}/assets/nope.js", server.base))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), 404);
}

#[tokio::test]
async fn the_transactions_page_decodes_a_built_transaction_with_the_stored_idl() {
    let server = start().await;
    let (_, alice) = server.user(1).await;
    let id = upload(&server, &alice, "Token Program", true).await;
    let owner = "9xQeWvG816bUx9EPjHmaT23yvVM2ZWbrrpZb9PusVFin";
    let (status, built) = server
        .send(
            &As::Anonymous,
            "POST",
            &format!("/api/{id}/instructions/transfer/build"),
            Some(json!({
                "args": {"amount": "5"},
                "accounts": {"source": owner, "destination": "4Nd1mBQtrMJVYVfKf2PJy9NZUZdTAsp7D4xWLs4gDB4T", "authority": owner},
                "feePayer": owner,
                "recentBlockhash": "11111111111111111111111111111111",
            })),
        )
        .await;
    assert_eq!(status, 200, "{built}");
    let tx = built["transaction"].as_str().unwrap();
    let query: String = form_urlencoded::Serializer::new(String::new())
        .append_pair("tx", tx)
        .finish();
    let (status, html) = page(&server, None, &format!("/transactions?{query}")).await;
    assert_eq!(status, 200, "{html}");
    assert!(html.contains("id=\"tx-decoded\""));
    assert!(html.contains("<code>transfer</code>"), "{html}");
    assert!(html.contains(owner));
    let (status, html) = page(&server, None, "/transactions?tx=bm90IGEgdHg%3D").await;
    assert_eq!(status, 422);
    assert!(html.contains("role=\"alert\""), "{html}");
}

#[tokio::test]
async fn kept_views_and_sections_never_outlive_a_change_or_cross_to_a_visitor_who_may_not_see_them()
{
    let server = start().await;
    let (_, alice) = server.user(1).await;
    let (_, bob) = server.user(2).await;
    let id = upload(&server, &alice, "Token Program", false).await;
    // Warm every kept view and section as the owner, then ask as someone else.
    for tab in ["instructions", "docs", "accounts", "pda"] {
        let path = format!("/programs/{id}?tab={tab}");
        assert_eq!(page(&server, Some(&alice), &path).await.0, 200, "{path}");
        assert_eq!(page(&server, Some(&bob), &path).await.0, 404, "{path}");
        assert_eq!(page(&server, None, &path).await.0, 404, "{path}");
    }
    // New docs are shown at once.
    let (status, _) = server
        .send(
            &alice,
            "PUT",
            &format!("/api/{id}/docs"),
            Some(json!({"docs": "# Fresh words"})),
        )
        .await;
    assert_eq!(status, 200);
    let (_, html) = page(&server, Some(&alice), &format!("/programs/{id}?tab=docs")).await;
    assert!(html.contains("<h1>Fresh words</h1>"), "{html}");
    // A new version (one instruction renamed) is shown at once, and the old one stays pinnable.
    let mut idl = spl_token_idl();
    let renamed = serde_json::to_string(&idl)
        .unwrap()
        .replace("\"transferChecked\"", "\"transferVerified\"");
    idl = serde_json::from_str(&renamed).unwrap();
    let (status, body) = server
        .send(
            &alice,
            "PUT",
            &format!("/api/idl/{id}"),
            Some(json!({"idl": idl})),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    let (_, html) = page(
        &server,
        Some(&alice),
        &format!("/programs/{id}?tab=instructions"),
    )
    .await;
    assert!(
        html.contains("id=\"ix-transferVerified\"") && !html.contains("id=\"ix-transferChecked\"")
    );
    let (_, html) = page(
        &server,
        Some(&alice),
        &format!("/programs/{id}?tab=instructions&version=1"),
    )
    .await;
    assert!(html.contains("id=\"ix-transferChecked\"") && html.contains("?version=1"));
}
