#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The authorization matrix: every project route as the owner, another signed-in user, anonymous,
//! a key of this project and a key of another project, on a public and on a private project.

mod common;

use std::sync::atomic::{AtomicI64, Ordering};

use common::{start, As, TestServer, PROGRAM_A, PROGRAM_B};
use orquestra_store::NewKnownAddress;
use serde_json::{json, Value};

static NEXT_USER: AtomicI64 = AtomicI64::new(1);

struct Fixture {
    project_id: String,
    address_id: String,
    key_id: String,
    owner: As,
    other: As,
    key_own: As,
    key_other: As,
}

async fn fixture(server: &TestServer, public: bool) -> Fixture {
    let n = NEXT_USER.fetch_add(2, Ordering::SeqCst);
    let (alice, owner) = server.user(n).await;
    let (_, other) = server.user(n + 1).await;
    let project = server.project(&alice, PROGRAM_A, public).await;
    let sibling = server.project(&alice, PROGRAM_B, false).await;
    let key_own = server.key(&project).await;
    let key_other = server.key(&sibling).await;
    let key_id = server
        .db
        .store
        .create_api_key(&project.id, None)
        .await
        .unwrap()
        .key
        .id;
    let address_id = server
        .db
        .store
        .create_known_address(
            &project.id,
            &NewKnownAddress {
                label: "Vault".into(),
                address: PROGRAM_B.into(),
                description: None,
            },
        )
        .await
        .unwrap()
        .id;
    Fixture {
        project_id: project.id,
        address_id,
        key_id,
        owner,
        other,
        key_own,
        key_other,
    }
}

/// (method, path, body, expected for [anonymous, other user, own key, other key, owner]) on a
/// public project, then the same on a private one.
type Row = (
    &'static str,
    &'static str,
    Option<Value>,
    [u16; 5],
    [u16; 5],
);

fn rows() -> Vec<Row> {
    const READ_PUBLIC: [u16; 5] = [200, 200, 200, 200, 200];
    const READ_PRIVATE: [u16; 5] = [404, 404, 200, 404, 200];
    const WRITE_PUBLIC: [u16; 5] = [401, 403, 200, 403, 200];
    const WRITE_PRIVATE: [u16; 5] = [404, 404, 200, 404, 200];
    const CREATE_PUBLIC: [u16; 5] = [401, 403, 201, 403, 201];
    const CREATE_PRIVATE: [u16; 5] = [404, 404, 201, 404, 201];
    const OWN_PUBLIC: [u16; 5] = [401, 403, 403, 403, 200];
    const OWN_PRIVATE: [u16; 5] = [404, 404, 403, 404, 200];
    const OWN_CREATE_PUBLIC: [u16; 5] = [401, 403, 403, 403, 201];
    const OWN_CREATE_PRIVATE: [u16; 5] = [404, 404, 403, 404, 201];
    vec![
        ("GET", "/api/projects/{p}", None, READ_PUBLIC, READ_PRIVATE),
        (
            "GET",
            "/api/projects/{p}/socials",
            None,
            READ_PUBLIC,
            READ_PRIVATE,
        ),
        ("GET", "/api/{p}/addresses", None, READ_PUBLIC, READ_PRIVATE),
        (
            "PUT",
            "/api/projects/{p}",
            Some(json!({"name": "Renamed"})),
            WRITE_PUBLIC,
            WRITE_PRIVATE,
        ),
        (
            "PUT",
            "/api/projects/{p}/socials",
            Some(json!({"website": "https://e.com"})),
            WRITE_PUBLIC,
            WRITE_PRIVATE,
        ),
        (
            "POST",
            "/api/{p}/addresses",
            Some(json!({"label": "Treasury", "address": PROGRAM_A})),
            CREATE_PUBLIC,
            CREATE_PRIVATE,
        ),
        (
            "PUT",
            "/api/{p}/addresses/{a}",
            Some(json!({"label": "New"})),
            WRITE_PUBLIC,
            WRITE_PRIVATE,
        ),
        (
            "DELETE",
            "/api/{p}/addresses/{a}",
            None,
            WRITE_PUBLIC,
            WRITE_PRIVATE,
        ),
        (
            "GET",
            "/api/projects/{p}/keys",
            None,
            OWN_PUBLIC,
            OWN_PRIVATE,
        ),
        (
            "POST",
            "/api/projects/{p}/keys",
            Some(json!({"expiresInDays": 30})),
            OWN_CREATE_PUBLIC,
            OWN_CREATE_PRIVATE,
        ),
        (
            "POST",
            "/api/projects/{p}/keys/{k}/rotate",
            None,
            OWN_PUBLIC,
            OWN_PRIVATE,
        ),
        (
            "DELETE",
            "/api/projects/{p}/keys/{k}",
            None,
            OWN_PUBLIC,
            OWN_PRIVATE,
        ),
        ("DELETE", "/api/projects/{p}", None, OWN_PUBLIC, OWN_PRIVATE),
    ]
}

#[tokio::test]
async fn every_project_route_answers_each_caller_as_specified() {
    let server = start().await;
    let mut failures = Vec::new();
    let mut cells = 0;
    for (method, template, body, public, private) in rows() {
        for (is_public, expected) in [(true, public), (false, private)] {
            for (who_index, who_name) in
                ["anonymous", "other user", "own key", "other key", "owner"]
                    .iter()
                    .enumerate()
            {
                // A fresh fixture per cell: a successful DELETE must not change the next cell.
                let fx = fixture(&server, is_public).await;
                let who = [
                    &As::Anonymous,
                    &fx.other,
                    &fx.key_own,
                    &fx.key_other,
                    &fx.owner,
                ][who_index];
                let path = template
                    .replace("{p}", &fx.project_id)
                    .replace("{a}", &fx.address_id)
                    .replace("{k}", &fx.key_id);
                let (status, response) = server.send(who, method, &path, body.clone()).await;
                cells += 1;
                if status != expected[who_index] {
                    failures.push(format!(
                        "{method} {template} ({}) as {who_name}: expected {}, got {status} {response}",
                        if is_public { "public" } else { "private" },
                        expected[who_index]
                    ));
                }
                if status >= 400 {
                    assert!(
                        response["error"]["code"].is_string(),
                        "error shape for {method} {template}: {response}"
                    );
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {cells} cells wrong:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[tokio::test]
async fn user_routes_and_listings_respect_visibility() {
    let server = start().await;
    let fx = fixture(&server, false).await;
    let key_principal = fx.key_own.clone();
    // Creating a project or listing "mine" needs a person.
    let body = json!({"name": "Mine", "programId": PROGRAM_B});
    assert_eq!(
        server
            .send(&As::Anonymous, "POST", "/api/projects", Some(body.clone()))
            .await
            .0,
        401
    );
    assert_eq!(
        server
            .send(&key_principal, "POST", "/api/projects", Some(body.clone()))
            .await
            .0,
        403
    );
    let (status, created) = server
        .send(&fx.other, "POST", "/api/projects", Some(body.clone()))
        .await;
    assert_eq!(status, 201, "{created}");
    assert_eq!(created["project"]["isOwner"], true);
    assert_eq!(
        server
            .send(&fx.other, "POST", "/api/projects", Some(body))
            .await
            .0,
        409
    );
    assert_eq!(
        server
            .send(&As::Anonymous, "GET", "/api/projects/mine", None)
            .await
            .0,
        401
    );
    let (status, mine) = server
        .send(&fx.owner, "GET", "/api/projects/mine", None)
        .await;
    assert_eq!(status, 200);
    assert_eq!(
        mine["total"], 2,
        "the owner sees both private projects: {mine}"
    );

    // The public listing never shows private projects, nor custom_docs.
    let (status, list) = server
        .send(&fx.owner, "GET", "/api/projects?limit=10", None)
        .await;
    assert_eq!(status, 200);
    let ids: Vec<&str> = list["projects"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_str().unwrap())
        .collect();
    assert!(!ids.contains(&fx.project_id.as_str()));
    assert_eq!(list["total"], 1);
    assert!(list["projects"][0].get("custom_docs").is_none());
    assert!(
        list["projects"][0]["username"]
            .as_str()
            .unwrap()
            .starts_with("user"),
        "{list}"
    );
    assert_eq!(
        server
            .send(&As::Anonymous, "GET", "/api/projects?limit=abc", None)
            .await
            .0,
        400
    );

    // by-program: the private project is invisible to others, visible to its owner and key.
    let path = format!("/api/projects/by-program/{PROGRAM_A}");
    assert_eq!(server.send(&As::Anonymous, "GET", &path, None).await.0, 404);
    assert_eq!(server.send(&fx.other, "GET", &path, None).await.0, 404);
    let (status, found) = server.send(&fx.owner, "GET", &path, None).await;
    assert_eq!(
        (status, found["project"]["id"].as_str()),
        (200, Some(fx.project_id.as_str()))
    );
    assert_eq!(server.send(&key_principal, "GET", &path, None).await.0, 200);
    assert_eq!(
        server
            .send(
                &As::Anonymous,
                "GET",
                "/api/projects/by-program/not-base58!",
                None
            )
            .await
            .0,
        400
    );

    // Stats count public projects only.
    let (_, stats) = server.send(&As::Anonymous, "GET", "/api/stats", None).await;
    assert_eq!(stats["totalProjects"], 1);
}

#[tokio::test]
async fn a_project_key_cannot_change_visibility() {
    let server = start().await;
    let fx = fixture(&server, true).await;
    let path = format!("/api/projects/{}", fx.project_id);
    let (status, body) = server
        .send(&fx.key_own, "PUT", &path, Some(json!({"isPublic": false})))
        .await;
    assert_eq!(status, 403, "{body}");
    let (status, body) = server
        .send(
            &fx.owner,
            "PUT",
            &path,
            Some(json!({"isPublic": false, "description": null})),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(body["project"]["isPublic"], false);
    assert_eq!(server.send(&As::Anonymous, "GET", &path, None).await.0, 404);
}
