#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Findings of the outside security review, through the real router on a real socket: key expiry
//! parsing and bounds, CSRF on cookie sessions, public-only statistics, and API-key validation
//! that writes at most once a minute per valid key (and never for an invalid one).

mod common;

use std::path::PathBuf;
use std::time::Duration;

use common::{start, As, TestServer, PROGRAM_A, PROGRAM_B};
use orquestra_server::time::{now_secs, parse_rfc3339, rfc3339};
use orquestra_store::{NewKnownAddress, NewProject};
use serde_json::{json, Value};

fn token(who: &As) -> &str {
    match who {
        As::Bearer(t) => t,
        _ => unreachable!(),
    }
}

/// The JSON pointer of the first error detail.
fn pointer(body: &Value) -> &str {
    body["error"]["details"][0]["path"].as_str().unwrap_or("")
}

// ---------------------------------------------------------------------------------------------
// 4 and 5: key expiry

/// Seconds since the epoch of an RFC 3339 UTC time as the API shows it.
fn response_secs(value: &Value) -> i64 {
    let text = value.as_str().unwrap();
    assert!(text.ends_with('Z'), "{text}: not UTC");
    parse_rfc3339(text).unwrap()
}

/// The stored expiry is the requested instant (to within the second the request took: the store
/// counts from its own clock).
fn assert_expires_at(body: &Value, expected: i64) {
    let got = response_secs(&body["expiresAt"]);
    assert!((got - expected).abs() <= 1, "{body}: expected {expected}");
}

async fn create_key(server: &TestServer, owner: &As, project: &str, body: Value) -> (u16, Value) {
    server
        .send(
            owner,
            "POST",
            &format!("/api/projects/{project}/keys"),
            Some(body),
        )
        .await
}

#[tokio::test]
async fn malformed_expiry_times_are_422_never_a_panic() {
    let server = start().await;
    let (alice_user, alice) = server.user(1).await;
    let project = server.project(&alice_user, PROGRAM_A, true).await;

    // The reviewer's exact body: a multibyte character inside the offset.
    let (status, body) = create_key(
        &server,
        &alice,
        &project.id,
        json!({"expiresAt": "2027-01-01T00:00:00+1é00"}),
    )
    .await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(pointer(&body), "/expiresAt", "{body}");
    assert_eq!(body["error"]["code"], "validation_failed", "{body}");

    // A multibyte character inserted at, or replacing the byte at, every position.
    let base = "2027-01-01T00:00:00+01:00";
    let mut bad: Vec<String> = Vec::new();
    for at in 0..=base.len() {
        for ch in ["é", "€", "😀"] {
            let mut inserted = base.to_string();
            inserted.insert_str(at, ch);
            bad.push(inserted);
            if at < base.len() {
                let mut replaced = base.to_string();
                replaced.replace_range(at..at + 1, ch);
                bad.push(replaced);
            }
        }
    }
    bad.extend(
        [
            "",
            " ",
            "é",
            "2027-01-01",
            "2027-01-01T00:00:00",   // no offset
            "2027-01-01T00:00:00.Z", // empty fraction
            "2027-01-01T00:00:00Zjunk",
            "2027-01-01T00:00:00+01",
            "2027-01-01T00:00:00+0100",
            "2027-01-01T00:00:00+24:00",
            "2027-13-01T00:00:00Z",
            "2027-02-30T00:00:00Z",
            "2027-01-01T24:00:00Z",
            "2027-01-01T00:60:00Z",
            "2027-01-01T00:00:61Z",
            "99999-01-01T00:00:00Z",
            "+002027-01-01T00:00:00Z",
            "999999999999999999999-01-01T00:00:00Z",
            "9999-12-31T23:59:59Z", // well formed, but beyond the ten-year bound
            "2000-01-01T00:00:00Z", // in the past
            "1970-01-01T00:00:00Z",
            "0000-01-01T00:00:00Z",
        ]
        .map(String::from),
    );
    for text in &bad {
        let (status, body) =
            create_key(&server, &alice, &project.id, json!({"expiresAt": text})).await;
        assert_eq!(status, 422, "{text:?}: {body}");
        assert_eq!(pointer(&body), "/expiresAt", "{text:?}: {body}");
    }
    // A non-string is refused by the schema, with the same pointer.
    let (status, body) = create_key(&server, &alice, &project.id, json!({"expiresAt": 1234})).await;
    assert_eq!((status, pointer(&body)), (422, "/expiresAt"), "{body}");
    assert_eq!(
        server.db.store.list_api_keys(&project.id).await.unwrap(),
        vec![],
        "no refused request created a key"
    );
}

#[tokio::test]
async fn rfc3339_variants_are_accepted_with_the_right_instant() {
    let server = start().await;
    let (alice_user, alice) = server.user(1).await;
    let project = server.project(&alice_user, PROGRAM_A, true).await;

    // About a year ahead, as `2027-…T…Z`, then rewritten in each variant RFC 3339 allows.
    let target = now_secs() + 365 * 86_400;
    let utc = rfc3339(target, 0).unwrap(); // YYYY-MM-DDTHH:MM:SS.000Z
    let plain = &utc[..19];
    let lower = format!("{}t{}z", &plain[..10], &plain[11..]);
    let shifted = rfc3339(target + 5 * 3600 + 30 * 60, 0).unwrap();
    let with_offset = format!("{}+05:30", &shifted[..19]);
    let with_space = format!("{} {}Z", &plain[..10], &plain[11..]);
    for text in [utc.clone(), lower, with_offset, with_space] {
        let (status, body) =
            create_key(&server, &alice, &project.id, json!({"expiresAt": text})).await;
        assert_eq!(status, 201, "{text}: {body}");
        assert_expires_at(&body, target);
    }
    // A leap second counts as the second before it.
    let next_year = &utc[..4].parse::<i32>().unwrap() + 1;
    let (status, body) = create_key(
        &server,
        &alice,
        &project.id,
        json!({"expiresAt": format!("{next_year}-06-30T23:59:60Z")}),
    )
    .await;
    assert_eq!(status, 201, "{body}");
    let second_before = parse_rfc3339(&format!("{next_year}-06-30T23:59:59Z")).unwrap();
    assert_expires_at(&body, second_before);
}

#[tokio::test]
async fn key_lifetimes_are_bounded_to_ten_years() {
    let server = start().await;
    let (alice_user, alice) = server.user(1).await;
    let project = server.project(&alice_user, PROGRAM_A, true).await;

    // The reviewer's overflow: 3,000,000 days used to become a key that never expires.
    for days in [
        json!(3_000_000),
        json!(3651),
        json!(0),
        json!(-1),
        json!(4_294_967_296u64),
        json!(1.5),
    ] {
        let (status, body) =
            create_key(&server, &alice, &project.id, json!({"expiresInDays": days})).await;
        assert_eq!(status, 422, "{days}: {body}");
        assert_eq!(pointer(&body), "/expiresInDays", "{days}: {body}");
    }
    assert_eq!(
        server.db.store.list_api_keys(&project.id).await.unwrap(),
        vec![]
    );

    for days in [1, 90, 3650] {
        let (status, body) =
            create_key(&server, &alice, &project.id, json!({"expiresInDays": days})).await;
        assert_eq!(status, 201, "{days}: {body}");
        assert!(body["expiresAt"].is_string(), "{days}: {body}");
    }

    // `expiresAt`: in the future and at most 3650 days ahead.
    let at = |secs: i64| rfc3339(now_secs() + secs, 0).unwrap();
    let (status, body) = create_key(
        &server,
        &alice,
        &project.id,
        json!({"expiresAt": at(3650 * 86_400 - 3600)}),
    )
    .await;
    assert_eq!(status, 201, "{body}");
    for secs in [3650 * 86_400 + 3600, -3600, 0] {
        let (status, body) =
            create_key(&server, &alice, &project.id, json!({"expiresAt": at(secs)})).await;
        assert_eq!(
            (status, pointer(&body)),
            (422, "/expiresAt"),
            "{secs}: {body}"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// 6: CSRF on cookie sessions

const EVIL: &str = "https://evil.example";

/// A request carrying only the session cookie plus the given headers.
async fn cookie_request(
    server: &TestServer,
    session: &str,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: Option<Value>,
) -> (u16, Value) {
    let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
    let mut request = server
        .http
        .request(method, format!("{}{path}", server.base))
        .header("cookie", format!("orquestra_session={session}"));
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let text = response.text().await.unwrap();
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

fn memo_idl() -> String {
    std::fs::read_to_string(
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../testdata/idls/codama/spl_memo.json"),
    )
    .unwrap()
}

/// The reviewer's request: a multipart upload with the session cookie and the given `Origin`.
async fn multipart_upload(server: &TestServer, session: &str, origin: &str) -> (u16, Value) {
    let text = memo_idl();
    let idl: Value = serde_json::from_str(&text).unwrap();
    let form = reqwest::multipart::Form::new()
        .text("name", "Memo")
        .text(
            "programId",
            idl["program"]["publicKey"].as_str().unwrap().to_string(),
        )
        .part(
            "idl",
            reqwest::multipart::Part::text(text).file_name("idl.json"),
        );
    let response = server
        .http
        .post(format!("{}/api/idl/upload", server.base))
        .header("cookie", format!("orquestra_session={session}"))
        .header("origin", origin)
        .multipart(form)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn cross_origin_multipart_upload_with_the_cookie_is_refused() {
    let server = start().await;
    let (alice_user, alice) = server.user(1).await;
    let session = token(&alice).to_string();

    let (status, body) = multipart_upload(&server, &session, EVIL).await;
    assert_eq!(status, 403, "{body}");
    assert_eq!(body["error"]["code"], "csrf_rejected", "{body}");
    assert!(body["error"]["message"].is_string(), "{body}");
    let (_, mine) = server.send(&alice, "GET", "/api/projects/mine", None).await;
    assert_eq!(
        server
            .db
            .admin
            .query(&format!(
                "SELECT COUNT(*) FROM projects WHERE user_id = '{}'",
                alice_user.id
            ))
            .await
            .unwrap()
            .rows[0][0],
        0,
        "nothing was stored: {mine}"
    );

    // The same upload from the server's own origin goes through.
    let base = server.base.clone();
    let (status, body) = multipart_upload(&server, &session, &base).await;
    assert_eq!(status, 201, "{body}");
}

#[tokio::test]
async fn cookie_unsafe_methods_need_an_allowed_origin() {
    let server = start().await; // CORS origins: https://app.example
    let (alice_user, alice) = server.user(1).await;
    let session = token(&alice).to_string();
    let project = server.project(&alice_user, PROGRAM_A, true).await;
    let keys = format!("/api/projects/{}/keys", project.id);
    let base = server.base.clone();
    let https_self = base.replacen("http://", "https://", 1);

    let refused: Vec<Vec<(&str, &str)>> = vec![
        vec![("origin", EVIL)],
        vec![("origin", "null")],
        vec![("origin", "https://app.example.evil.example")],
        vec![("origin", "http://app.example")], // other scheme than the CORS origin
        vec![("origin", &https_self)],          // other scheme than the public URL
        vec![("origin", "not a url")],
        // `Origin` decides when present.
        vec![("origin", EVIL), ("sec-fetch-site", "same-origin")],
        // Without `Origin`, the browser's own `Sec-Fetch-Site`.
        vec![("sec-fetch-site", "cross-site")],
        vec![("sec-fetch-site", "same-site")],
    ];
    for headers in &refused {
        let (status, body) =
            cookie_request(&server, &session, "POST", &keys, headers, Some(json!({}))).await;
        assert_eq!(status, 403, "{headers:?}: {body}");
        assert_eq!(
            body["error"]["code"], "csrf_rejected",
            "{headers:?}: {body}"
        );
    }
    assert_eq!(
        server.db.store.list_api_keys(&project.id).await.unwrap(),
        vec![]
    );

    let allowed: Vec<Vec<(&str, &str)>> = vec![
        vec![("origin", &base)],
        vec![("origin", "https://app.example")],
        vec![("origin", "HTTPS://APP.EXAMPLE:443")],
        vec![("origin", &base), ("sec-fetch-site", "same-origin")],
        vec![("sec-fetch-site", "same-origin")],
        vec![("sec-fetch-site", "none")],
        // Neither header: not a browser (curl, scripts with a cookie jar); documented as allowed.
        vec![],
    ];
    for headers in &allowed {
        let (status, body) =
            cookie_request(&server, &session, "POST", &keys, headers, Some(json!({}))).await;
        assert_eq!(status, 201, "{headers:?}: {body}");
    }

    // Safe methods are never checked.
    let (status, body) = cookie_request(
        &server,
        &session,
        "GET",
        "/auth/me",
        &[("origin", EVIL), ("sec-fetch-site", "cross-site")],
        None,
    )
    .await;
    assert_eq!(status, 200, "{body}");

    // PUT and DELETE are unsafe too.
    let socials = format!("/api/projects/{}/socials", project.id);
    let (status, body) = cookie_request(
        &server,
        &session,
        "PUT",
        &socials,
        &[("origin", EVIL)],
        Some(json!({"website": "https://example.com"})),
    )
    .await;
    assert_eq!(
        (status, &body["error"]["code"]),
        (403, &json!("csrf_rejected"))
    );
    let project_path = format!("/api/projects/{}", project.id);
    let (status, body) = cookie_request(
        &server,
        &session,
        "DELETE",
        &project_path,
        &[("origin", EVIL)],
        None,
    )
    .await;
    assert_eq!(
        (status, &body["error"]["code"]),
        (403, &json!("csrf_rejected"))
    );
    assert!(server
        .db
        .store
        .get_project(&project.id)
        .await
        .unwrap()
        .is_some());
}

#[tokio::test]
async fn bearer_and_api_key_requests_are_not_origin_checked() {
    let server = start().await;
    let (alice_user, alice) = server.user(1).await;
    let session = token(&alice).to_string();
    let project = server.project(&alice_user, PROGRAM_A, true).await;
    let key = server.key(&project).await;
    let As::Key(plain) = &key else { unreachable!() };

    // Bearer, even with the cookie alongside and a hostile Origin.
    let response = server
        .http
        .post(format!("{}/api/projects/{}/keys", server.base, project.id))
        .bearer_auth(&session)
        .header("cookie", format!("orquestra_session={session}"))
        .header("origin", EVIL)
        .header("sec-fetch-site", "cross-site")
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201);

    // X-API-Key with a hostile Origin.
    let response = server
        .http
        .put(format!(
            "{}/api/projects/{}/socials",
            server.base, project.id
        ))
        .header("x-api-key", plain)
        .header("cookie", format!("orquestra_session={session}"))
        .header("origin", EVIL)
        .json(&json!({"website": "https://example.com"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);

    // A stale cookie carries no authority: the request is anonymous (401 here), not a CSRF refusal.
    let (status, body) = cookie_request(
        &server,
        "not-a-token",
        "POST",
        &format!("/api/projects/{}/keys", project.id),
        &[("origin", EVIL)],
        Some(json!({})),
    )
    .await;
    assert_eq!(status, 401, "{body}");
}

#[tokio::test]
async fn cross_origin_logout_with_the_cookie_is_refused() {
    let server = start().await;
    let (_, alice) = server.user(1).await;
    let session = token(&alice).to_string();

    let (status, body) = cookie_request(
        &server,
        &session,
        "POST",
        "/auth/logout",
        &[("origin", EVIL)],
        None,
    )
    .await;
    assert_eq!(status, 403, "{body}");
    assert_eq!(body["error"]["code"], "csrf_rejected", "{body}");
    let (status, _) = cookie_request(&server, &session, "GET", "/auth/me", &[], None).await;
    assert_eq!(status, 200, "the session survived");

    let base = server.base.clone();
    let (status, body) = cookie_request(
        &server,
        &session,
        "POST",
        "/auth/logout",
        &[("origin", &base)],
        None,
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let (status, _) = server.send(&alice, "GET", "/auth/me", None).await;
    assert_eq!(status, 401, "logged out");
}

// ---------------------------------------------------------------------------------------------
// 8: public statistics

#[tokio::test]
async fn anonymous_stats_do_not_count_private_projects() {
    let server = start().await;
    let (alice_user, alice) = server.user(1).await;
    let public = server.project(&alice_user, PROGRAM_A, true).await;
    let address = |label: &str| NewKnownAddress {
        label: label.into(),
        address: PROGRAM_B.into(),
        description: None,
    };
    server
        .db
        .store
        .create_known_address(&public.id, &address("pub"))
        .await
        .unwrap();
    server
        .db
        .admin
        .query(&format!(
            "INSERT INTO idl_versions (id, project_id, idl_json, version) VALUES ('v-pub', '{}', '{{}}', 1)",
            public.id
        ))
        .await
        .unwrap();
    let stats = || async {
        let (status, body) = server.send(&As::Anonymous, "GET", "/api/stats", None).await;
        assert_eq!(status, 200);
        body
    };
    let before = stats().await;
    assert_eq!(
        before,
        json!({"totalUsers": 1, "totalProjects": 1, "totalIdlVersions": 1, "totalKnownAddresses": 1})
    );

    // A private project with versions and addresses changes nothing anonymous callers see.
    let private = server
        .db
        .store
        .create_project(&NewProject {
            user_id: alice_user.id.clone(),
            name: "secret".into(),
            description: None,
            program_id: PROGRAM_B.into(),
            is_public: false,
        })
        .await
        .unwrap();
    for v in 1..=3 {
        server
            .db
            .admin
            .query(&format!(
                "INSERT INTO idl_versions (id, project_id, idl_json, version) VALUES ('v-priv-{v}', '{}', '{{}}', {v})",
                private.id
            ))
            .await
            .unwrap();
    }
    for label in ["a", "b"] {
        server
            .db
            .store
            .create_known_address(&private.id, &address(label))
            .await
            .unwrap();
    }
    assert_eq!(stats().await, before);
    // Its owner still sees it; only the public counts are public.
    let (status, _) = server
        .send(
            &alice,
            "GET",
            &format!("/api/projects/{}", private.id),
            None,
        )
        .await;
    assert_eq!(status, 200);
}

// ---------------------------------------------------------------------------------------------
// 12: API-key validation writes at most once a minute per valid key, never for invalid keys

async fn last_used(server: &TestServer, key_id: &str) -> Value {
    server
        .db
        .admin
        .query(&format!(
            "SELECT last_used FROM api_keys WHERE id = '{key_id}'"
        ))
        .await
        .unwrap()
        .rows[0][0]
        .clone()
}

#[tokio::test]
async fn api_key_requests_write_last_used_at_most_once_a_minute() {
    let server = start().await;
    let (alice_user, _) = server.user(1).await;
    let project = server.project(&alice_user, PROGRAM_A, true).await;
    let issued = server
        .db
        .store
        .create_api_key(&project.id, None)
        .await
        .unwrap();
    let key = As::Key(issued.plain.clone());
    let path = format!("/api/projects/{}", project.id);

    assert_eq!(last_used(&server, &issued.key.id).await, Value::Null);
    assert_eq!(server.send(&key, "GET", &path, None).await.0, 200);
    assert!(last_used(&server, &issued.key.id).await.is_string());

    // Marked 30 s ago: further requests leave it alone.
    let set = |modifier: &'static str| {
        let server = &server;
        let id = issued.key.id.clone();
        async move {
            server
                .db
                .admin
                .query(&format!(
                    "UPDATE api_keys SET last_used = datetime('now', '{modifier}') WHERE id = '{id}'"
                ))
                .await
                .unwrap();
            last_used(server, &id).await
        }
    };
    let recent = set("-30 seconds").await;
    for _ in 0..3 {
        assert_eq!(server.send(&key, "GET", &path, None).await.0, 200);
    }
    assert_eq!(last_used(&server, &issued.key.id).await, recent);

    // Marked two minutes ago: the next request records the use again.
    let old = set("-120 seconds").await;
    assert_eq!(server.send(&key, "GET", &path, None).await.0, 200);
    let now = last_used(&server, &issued.key.id).await;
    assert!(now.as_str().unwrap() > old.as_str().unwrap(), "{now} {old}");
}

/// While another connection holds SQLite's write lock, a request that would write waits (up to
/// the busy timeout); one that only reads does not.
#[tokio::test]
async fn invalid_and_recently_used_keys_do_not_wait_for_the_writer() {
    use sqlx::Connection as _;

    let server = start().await;
    let (alice_user, _) = server.user(1).await;
    let project = server.project(&alice_user, PROGRAM_A, true).await;
    let fresh = server
        .db
        .store
        .create_api_key(&project.id, None)
        .await
        .unwrap();
    let unused = server
        .db
        .store
        .create_api_key(&project.id, None)
        .await
        .unwrap();
    let path = format!("/api/projects/{}", project.id);
    assert_eq!(
        server
            .send(&As::Key(fresh.plain.clone()), "GET", &path, None)
            .await
            .0,
        200
    );

    let file = server
        .db
        .admin
        .query("PRAGMA database_list")
        .await
        .unwrap()
        .rows[0][2]
        .as_str()
        .unwrap()
        .to_string();
    let mut writer = sqlx::SqliteConnection::connect(&format!("sqlite://{file}"))
        .await
        .unwrap();
    sqlx::query("BEGIN IMMEDIATE")
        .execute(&mut writer)
        .await
        .unwrap();

    let quick = |who: As| {
        let server = &server;
        let path = path.clone();
        async move {
            tokio::time::timeout(
                Duration::from_secs(3),
                server.send(&who, "GET", &path, None),
            )
            .await
            .map(|(status, _)| status)
        }
    };
    assert_eq!(
        quick(As::Key("b58_not-a-real-key".into())).await,
        Ok(401),
        "an invalid key writes nothing"
    );
    assert_eq!(
        quick(As::Key(fresh.plain.clone())).await,
        Ok(200),
        "a key used within the minute writes nothing"
    );
    // The check can fail: a key never used does write, so it waits for the lock.
    assert!(
        quick(As::Key(unused.plain.clone())).await.is_err(),
        "a first use writes last_used"
    );
    sqlx::query("ROLLBACK").execute(&mut writer).await.unwrap();
}
