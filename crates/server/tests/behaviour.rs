#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Keys, socials, addresses, and how bad input and cross-cutting concerns are answered.

mod common;

use common::{start, As, PROGRAM_A, PROGRAM_B};
use orquestra_server::time::parse_rfc3339;
use serde_json::json;

#[tokio::test]
async fn key_rotation_revocation_and_expiry() {
    let server = start().await;
    let (alice, owner) = server.user(1).await;
    let project = server.project(&alice, PROGRAM_A, false).await;
    let keys_path = format!("/api/projects/{}/keys", project.id);
    let (status, created) = server.send(&owner, "POST", &keys_path, None).await;
    assert_eq!(status, 201);
    let plain = created["key"].as_str().unwrap().to_string();
    assert!(plain.starts_with("b58_") && plain.len() == 68, "{plain}");
    assert!(created["expiresAt"].is_null());
    let key = As::Key(plain.clone());
    let project_path = format!("/api/projects/{}", project.id);
    assert_eq!(server.send(&key, "GET", &project_path, None).await.0, 200);

    // Listing never shows the key, and shows that it was used.
    let (_, listed) = server.send(&owner, "GET", &keys_path, None).await;
    let entry = &listed["keys"][0];
    assert!(entry.get("key").is_none() && !listed.to_string().contains(&plain));
    let last_used = entry["lastUsed"].as_str().unwrap_or_default();
    assert!(
        last_used.ends_with('Z') && parse_rfc3339(last_used).is_some(),
        "{listed}"
    );

    // Rotation: the old key stops working, the new one works.
    let rotate = format!("{keys_path}/{}/rotate", created["id"].as_str().unwrap());
    let (status, rotated) = server.send(&owner, "POST", &rotate, None).await;
    assert_eq!(status, 200);
    let new_key = As::Key(rotated["key"].as_str().unwrap().to_string());
    let (status, body) = server.send(&key, "GET", &project_path, None).await;
    assert_eq!(status, 401);
    assert_eq!(body["error"]["code"], "unauthorized");
    assert_eq!(
        server.send(&new_key, "GET", &project_path, None).await.0,
        200
    );
    assert_eq!(
        server.send(&owner, "POST", &rotate, None).await.0,
        404,
        "the old id is gone"
    );

    // Revocation.
    let revoke = format!("{keys_path}/{}", rotated["id"].as_str().unwrap());
    assert_eq!(server.send(&owner, "DELETE", &revoke, None).await.0, 200);
    assert_eq!(
        server.send(&new_key, "GET", &project_path, None).await.0,
        401
    );
    assert_eq!(server.send(&owner, "DELETE", &revoke, None).await.0, 404);

    // Expiry: an already-expired key is refused; expiry inputs are validated.
    let expired = server
        .db
        .store
        .create_api_key(&project.id, Some(0))
        .await
        .unwrap();
    assert_eq!(
        server
            .send(&As::Key(expired.plain), "GET", &project_path, None)
            .await
            .0,
        401
    );
    let (status, body) = server
        .send(
            &owner,
            "POST",
            &keys_path,
            Some(json!({"expiresAt": "2001-01-01T00:00:00Z"})),
        )
        .await;
    assert_eq!(
        (status, body["error"]["details"][0]["path"].as_str()),
        (422, Some("/expiresAt"))
    );
    // At most ten years ahead (README: "Project API keys").
    let (status, body) = server
        .send(
            &owner,
            "POST",
            &keys_path,
            Some(json!({"expiresAt": "2099-01-01T00:00:00Z"})),
        )
        .await;
    assert_eq!(
        (status, body["error"]["details"][0]["path"].as_str()),
        (422, Some("/expiresAt"))
    );
    let in_two_years = orquestra_server::time::now_rfc3339()[..4]
        .parse::<i32>()
        .unwrap()
        + 2;
    let (status, body) = server
        .send(
            &owner,
            "POST",
            &keys_path,
            Some(json!({"expiresAt": format!("{in_two_years}-01-01T00:00:00Z")})),
        )
        .await;
    assert_eq!(status, 201);
    assert!(
        body["expiresAt"]
            .as_str()
            .unwrap()
            .starts_with(&format!("{in_two_years}-01-01")),
        "{body}"
    );
    let (status, _) = server
        .send(
            &owner,
            "POST",
            &keys_path,
            Some(json!({"expiresInDays": "soon"})),
        )
        .await;
    assert_eq!(status, 422);
    // A key never works on another project, even a public one.
    let other = server.project(&alice, PROGRAM_B, true).await;
    let (_, fresh) = server.send(&owner, "POST", &keys_path, None).await;
    let fresh = As::Key(fresh["key"].as_str().unwrap().to_string());
    assert_eq!(
        server
            .send(
                &fresh,
                "PUT",
                &format!("/api/projects/{}", other.id),
                Some(json!({"name": "x"}))
            )
            .await
            .0,
        403
    );
    // Deleting the project invalidates its keys.
    assert_eq!(
        server.send(&owner, "DELETE", &project_path, None).await.0,
        200
    );
    assert_eq!(
        server
            .send(&fresh, "GET", &format!("/api/projects/{}", other.id), None)
            .await
            .0,
        401
    );
}

#[tokio::test]
async fn socials_are_validated_and_can_be_cleared() {
    let server = start().await;
    let (alice, owner) = server.user(1).await;
    let project = server.project(&alice, PROGRAM_A, true).await;
    let path = format!("/api/projects/{}/socials", project.id);
    let (status, body) = server
        .send(
            &owner,
            "PUT",
            &path,
            Some(json!({"twitter": "https://x.com/orq", "github": "https://github.com/orq"})),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(body["socials"]["twitter"], "https://x.com/orq");
    let (status, body) = server
        .send(
            &owner,
            "PUT",
            &path,
            Some(json!({"twitter": "", "github": "https://github.com/orq"})),
        )
        .await;
    assert_eq!(status, 200);
    assert!(body["socials"]["twitter"].is_null(), "cleared: {body}");
    let (_, read) = server.send(&As::Anonymous, "GET", &path, None).await;
    assert!(read["socials"]["twitter"].is_null());
    assert_eq!(read["socials"]["github"], "https://github.com/orq");
    let (status, body) = server
        .send(
            &owner,
            "PUT",
            &path,
            Some(json!({"website": "javascript:alert(1)"})),
        )
        .await;
    assert_eq!(status, 422);
    assert_eq!(body["error"]["details"][0]["path"], "/website");
    // The project view carries the socials too.
    let (_, project_view) = server
        .send(
            &As::Anonymous,
            "GET",
            &format!("/api/projects/{}", project.id),
            None,
        )
        .await;
    assert_eq!(
        project_view["project"]["socials"]["github"],
        "https://github.com/orq"
    );
    assert_eq!(project_view["project"]["latestVersion"], 0);
}

#[tokio::test]
async fn addresses_are_validated_and_scoped_to_their_project() {
    let server = start().await;
    let (alice, owner) = server.user(1).await;
    let p = server.project(&alice, PROGRAM_A, true).await;
    let q = server.project(&alice, PROGRAM_B, true).await;
    let (status, created) = server
        .send(
            &owner,
            "POST",
            &format!("/api/{}/addresses", p.id),
            Some(json!({"label": "Treasury", "address": PROGRAM_B, "description": "Main"})),
        )
        .await;
    assert_eq!(status, 201);
    let id = created["address"]["id"].as_str().unwrap();
    // Another project's id does not reach it.
    assert_eq!(
        server
            .send(
                &owner,
                "PUT",
                &format!("/api/{}/addresses/{id}", q.id),
                Some(json!({"label": "x"}))
            )
            .await
            .0,
        404
    );
    assert_eq!(
        server
            .send(
                &owner,
                "DELETE",
                &format!("/api/{}/addresses/{id}", q.id),
                None
            )
            .await
            .0,
        404
    );
    for (body, pointer) in [
        (json!({"label": "", "address": PROGRAM_B}), "/label"),
        (json!({"label": "x", "address": "not-a-key"}), "/address"),
        (json!({"label": "x", "address": "1111"}), "/address"),
    ] {
        let (status, response) = server
            .send(
                &owner,
                "POST",
                &format!("/api/{}/addresses", p.id),
                Some(body),
            )
            .await;
        assert_eq!(status, 422, "{response}");
        assert_eq!(response["error"]["details"][0]["path"], pointer);
    }
    let (status, response) = server
        .send(
            &owner,
            "POST",
            &format!("/api/{}/addresses", p.id),
            Some(json!({"address": PROGRAM_B})),
        )
        .await;
    assert_eq!(status, 422);
    assert_eq!(
        response["error"]["details"][0]["path"], "",
        "missing field is reported at the object: {response}"
    );
    assert!(response["error"]["message"]
        .as_str()
        .unwrap()
        .contains("label"));
    let (status, updated) = server
        .send(
            &owner,
            "PUT",
            &format!("/api/{}/addresses/{id}", p.id),
            Some(json!({"description": null})),
        )
        .await;
    assert_eq!(status, 200);
    assert!(updated["address"]["description"].is_null());
    assert_eq!(updated["address"]["label"], "Treasury");
    let (_, list) = server
        .send(
            &As::Anonymous,
            "GET",
            &format!("/api/{}/addresses", p.id),
            None,
        )
        .await;
    assert_eq!(list["addresses"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn bad_bodies_get_the_error_shape_and_the_right_status() {
    let server = start().await;
    let (_, alice) = server.user(1).await;
    let As::Bearer(token) = &alice else {
        unreachable!()
    };
    let url = format!("{}/api/projects", server.base);
    let post = |body: String, content_type: &'static str| {
        server
            .http
            .post(&url)
            .bearer_auth(token)
            .header("content-type", content_type)
            .body(body)
            .send()
    };
    let malformed = post("{\"name\": ".into(), "application/json")
        .await
        .unwrap();
    assert_eq!(malformed.status(), 400);
    let body: serde_json::Value = malformed.json().await.unwrap();
    assert_eq!(body["error"]["code"], "malformed_json");

    let wrong_type = post(
        json!({"name": "x", "programId": PROGRAM_A, "isPublic": "yes"}).to_string(),
        "application/json",
    )
    .await
    .unwrap();
    assert_eq!(wrong_type.status(), 422);
    let body: serde_json::Value = wrong_type.json().await.unwrap();
    assert_eq!(body["error"]["details"][0]["path"], "/isPublic");

    let unknown = post(
        json!({"name": "x", "programId": PROGRAM_A, "owner": "me"}).to_string(),
        "application/json",
    )
    .await
    .unwrap();
    assert_eq!(unknown.status(), 422);

    let bad_program = post(
        json!({"name": "x", "programId": "0xdeadbeef"}).to_string(),
        "application/json",
    )
    .await
    .unwrap();
    assert_eq!(bad_program.status(), 422);
    let body: serde_json::Value = bad_program.json().await.unwrap();
    assert_eq!(body["error"]["details"][0]["path"], "/programId");

    let oversize = post(
        json!({"name": "x".repeat(100_000), "programId": PROGRAM_A}).to_string(),
        "application/json",
    )
    .await
    .unwrap();
    assert_eq!(oversize.status(), 413);
    let body: serde_json::Value = oversize.json().await.unwrap();
    assert_eq!(body["error"]["code"], "payload_too_large");

    let long_name = post(
        json!({"name": "x".repeat(101), "programId": PROGRAM_A}).to_string(),
        "application/json",
    )
    .await
    .unwrap();
    assert_eq!(long_name.status(), 422);

    let not_json = post("name=x".into(), "application/x-www-form-urlencoded")
        .await
        .unwrap();
    assert_eq!(not_json.status(), 415);
    assert_eq!(
        server.db.store.stats(0).await.unwrap().projects,
        0,
        "nothing was stored"
    );
}

#[tokio::test]
async fn responses_carry_security_headers_request_ids_and_cors_for_allowed_origins_only() {
    let server = start().await;
    let response = server
        .http
        .get(format!("{}/api/projects", server.base))
        .send()
        .await
        .unwrap();
    let headers = response.headers();
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert_eq!(headers["x-frame-options"], "DENY");
    assert!(headers.contains_key("content-security-policy"));
    assert!(!headers["x-request-id"].to_str().unwrap().is_empty());
    let error = server
        .http
        .get(format!("{}/nope", server.base))
        .send()
        .await
        .unwrap();
    assert!(error.headers().contains_key("x-request-id"));

    let preflight = |origin: &'static str| {
        server
            .http
            .request(
                reqwest::Method::OPTIONS,
                format!("{}/api/projects", server.base),
            )
            .header("origin", origin)
            .header("access-control-request-method", "POST")
            .header(
                "access-control-request-headers",
                "content-type,authorization",
            )
            .send()
    };
    let allowed = preflight("https://app.example").await.unwrap();
    assert_eq!(
        allowed.headers()["access-control-allow-origin"],
        "https://app.example"
    );
    assert_eq!(allowed.status(), 200);
    assert_eq!(
        allowed.headers()["access-control-allow-credentials"],
        "true"
    );
    let denied = preflight("https://evil.example").await.unwrap();
    assert!(!denied.headers().contains_key("access-control-allow-origin"));
    assert!(!denied
        .headers()
        .contains_key("access-control-allow-methods"));

    // An ordinary cross-origin read: the origin echoed, the readable headers named; without an
    // `Origin` (or with another one) only `Vary`.
    let read = |origin: Option<&'static str>| {
        let request = server.http.get(format!("{}/api/projects", server.base));
        match origin {
            Some(origin) => request.header("origin", origin),
            None => request,
        }
        .send()
    };
    let cross = read(Some("https://app.example")).await.unwrap();
    assert_eq!(cross.status(), 200);
    let headers = cross.headers();
    assert_eq!(
        headers["access-control-allow-origin"],
        "https://app.example"
    );
    let exposed = headers["access-control-expose-headers"].to_str().unwrap();
    assert!(exposed.contains("x-idl-version") && exposed.contains("x-request-id"));
    for origin in [None, Some("https://evil.example")] {
        let response = read(origin).await.unwrap();
        let headers = response.headers();
        assert!(headers["vary"].to_str().unwrap().contains("origin"));
        assert!(
            !headers.contains_key("access-control-allow-origin"),
            "{origin:?}"
        );
        assert!(!headers.contains_key("access-control-allow-credentials"));
        assert!(!headers.contains_key("access-control-expose-headers"));
    }
}
