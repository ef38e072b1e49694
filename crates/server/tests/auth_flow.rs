#![allow(clippy::unwrap_used, clippy::expect_used)]
//! GitHub sign-in end to end against a fake GitHub, and the session life cycle.

mod common;

use common::{start, start_with, As, TestServer};
use serde_json::json;

/// `GET /auth/github`: returns (state, state cookie) after checking the redirect.
async fn begin(server: &TestServer) -> (String, String) {
    let response = server
        .http
        .get(format!("{}/auth/github", server.base))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 302);
    let location = reqwest::Url::parse(response.headers()["location"].to_str().unwrap()).unwrap();
    assert!(location.path().ends_with("/login/oauth/authorize"));
    let query: std::collections::HashMap<String, String> =
        location.query_pairs().into_owned().collect();
    assert_eq!(query["client_id"], "test-client");
    assert_eq!(
        query["redirect_uri"],
        format!("{}/auth/github/callback", server.base)
    );
    assert_eq!(query["scope"], "read:user user:email");
    let cookie = response.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );
    let cookie = cookie.split(';').next().unwrap().to_string();
    (query["state"].clone(), cookie)
}

fn session_from(response: &reqwest::Response) -> Option<String> {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with("orquestra_session=") && !c.starts_with("orquestra_session=;"))
        .map(|c| {
            c.split(';')
                .next()
                .unwrap()
                .trim_start_matches("orquestra_session=")
                .to_string()
        })
}

#[tokio::test]
async fn browser_flow_signs_in_and_sets_an_http_only_cookie() {
    let server = start().await;
    let (state, cookie) = begin(&server).await;
    let response = server
        .http
        .get(format!(
            "{}/auth/github/callback?code=good&state={state}",
            server.base
        ))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 302);
    let location = response.headers()["location"].to_str().unwrap().to_string();
    assert_eq!(location, format!("{}/", server.base));
    let set_cookies: Vec<String> = response
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .collect();
    let session_cookie = set_cookies
        .iter()
        .find(|c| c.starts_with("orquestra_session="))
        .unwrap();
    assert!(
        session_cookie.contains("HttpOnly") && session_cookie.contains("SameSite=Lax"),
        "{session_cookie}"
    );
    let token = session_from(&response).unwrap();
    assert!(
        !location.contains(&token),
        "the token never goes into a URL"
    );

    // The cookie alone authenticates a browser.
    let me = server
        .http
        .get(format!("{}/auth/me", server.base))
        .header("cookie", format!("orquestra_session={token}"))
        .send()
        .await
        .unwrap();
    assert_eq!(me.status(), 200);
    let body: serde_json::Value = me.json().await.unwrap();
    assert_eq!(body["user"]["username"], "octocat");
    assert_eq!(body["user"]["email"], "octo@github.com");
    assert_eq!(body["user"]["projectCount"], 0);
    // Signing in again refreshes the same user (upsert by github_id).
    let (state2, cookie2) = begin(&server).await;
    let again = server
        .http
        .get(format!(
            "{}/auth/github/callback?code=good&state={state2}",
            server.base
        ))
        .header("cookie", &cookie2)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 302);
    assert_eq!(server.db.store.stats(0).await.unwrap().users, 1);
}

#[tokio::test]
async fn api_flow_returns_the_token_in_the_body_and_uses_the_primary_verified_email() {
    let server = start().await;
    let (state, cookie) = begin(&server).await;
    let response = server
        .http
        .post(format!("{}/auth/github/callback", server.base))
        .header("cookie", &cookie)
        .json(&json!({"code": "private-email", "state": state}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["user"]["username"], "hidden");
    assert_eq!(body["user"]["email"], "primary@example.com");
    let token = body["token"].as_str().unwrap().to_string();
    let (status, me) = server
        .send(&As::Bearer(token.clone()), "GET", "/auth/me", None)
        .await;
    assert_eq!(status, 200);
    assert_eq!(me["user"]["username"], "hidden");
}

#[tokio::test]
async fn a_wrong_or_missing_state_is_refused() {
    let server = start().await;
    let (state, cookie) = begin(&server).await;
    let (_, other_cookie) = begin(&server).await;
    for (cookie, state) in [
        (other_cookie.as_str(), state.as_str()),
        (cookie.as_str(), "forged"),
        ("", state.as_str()),
    ] {
        let response = server
            .http
            .post(format!("{}/auth/github/callback", server.base))
            .header("cookie", cookie)
            .json(&json!({"code": "good", "state": state}))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 400);
        let body: serde_json::Value = response.json().await.unwrap();
        assert_eq!(body["error"]["code"], "invalid_state");
    }
    let page = server
        .http
        .get(format!(
            "{}/auth/github/callback?code=good&state=forged",
            server.base
        ))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 400);
    assert!(page.text().await.unwrap().contains("Sign-in failed"));
    assert_eq!(
        server.db.store.stats(0).await.unwrap().users,
        0,
        "nobody signed in"
    );
}

#[tokio::test]
async fn github_denial_bad_code_outage_and_unreachability_are_clear_errors() {
    let server = start().await;
    let (state, cookie) = begin(&server).await;
    let denied = server
        .http
        .get(format!("{}/auth/github/callback?error=access_denied&error_description=The+user+has+denied&state={state}", server.base))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(denied.status(), 403);
    assert!(denied.text().await.unwrap().contains("The user has denied"));

    for (code, status, error_code) in [
        ("bad", 400, "github_bad_code"),
        ("boom", 502, "github_error"),
        ("user500", 502, "github_error"),
    ] {
        let (state, cookie) = begin(&server).await;
        let response = server
            .http
            .post(format!("{}/auth/github/callback", server.base))
            .header("cookie", &cookie)
            .json(&json!({"code": code, "state": state}))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), status, "{code}");
        let body: serde_json::Value = response.json().await.unwrap();
        assert_eq!(body["error"]["code"], error_code, "{code}");
    }

    // GitHub unreachable: a closed port.
    let closed = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap()
    };
    let offline = start_with(|c| c.github.token_url = format!("http://{closed}/token")).await;
    let (state, cookie) = begin(&offline).await;
    let response = offline
        .http
        .post(format!("{}/auth/github/callback", offline.base))
        .header("cookie", &cookie)
        .json(&json!({"code": "good", "state": state}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 502);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["error"]["code"], "github_unreachable");

    let unconfigured = start_with(|c| c.github.client_id = None).await;
    let response = unconfigured
        .http
        .get(format!("{}/auth/github", unconfigured.base))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 503);
}

#[tokio::test]
async fn a_session_is_refused_after_logout() {
    let server = start().await;
    let (_, alice) = server.user(1).await;
    let (status, _) = server.send(&alice, "GET", "/auth/me", None).await;
    assert_eq!(status, 200);
    let (status, body) = server.send(&alice, "POST", "/auth/logout", None).await;
    assert_eq!(
        (status, body["message"].as_str()),
        (200, Some("Logged out"))
    );
    let (status, body) = server.send(&alice, "GET", "/auth/me", None).await;
    assert_eq!(status, 401);
    assert_eq!(body["error"]["code"], "unauthorized");
    let (status, _) = server
        .send(
            &alice,
            "POST",
            "/api/projects",
            Some(json!({"name": "x", "programId": common::PROGRAM_A})),
        )
        .await;
    assert_eq!(status, 401);
    // A different session of the same user is unaffected.
    let (_, alice2) = server.user(1).await;
    assert_eq!(server.send(&alice2, "GET", "/auth/me", None).await.0, 200);
    // Garbage and forged tokens.
    assert_eq!(
        server
            .send(&As::Bearer("garbage".into()), "GET", "/auth/me", None)
            .await
            .0,
        401
    );
    assert_eq!(
        server.send(&As::Anonymous, "GET", "/auth/me", None).await.0,
        401
    );
    let (forged, _) = orquestra_server::auth::token::issue(
        b"another-secret-another-secret-xx",
        "u",
        "u",
        std::time::Duration::from_secs(60),
    )
    .unwrap();
    assert_eq!(
        server
            .send(&As::Bearer(forged), "GET", "/auth/me", None)
            .await
            .0,
        401
    );
}
