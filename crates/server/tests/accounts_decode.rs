#![allow(clippy::unwrap_used, clippy::expect_used)]
//! `POST /api/{projectId}/accounts/decode` end to end: corpus IDLs uploaded through the API,
//! account data from the golden vectors (`testdata/vectors/accounts/`) decoded with and without
//! `accountType`, in every encoding; the error cases and the visibility check.

mod common;

use std::path::PathBuf;

use base64::Engine as _;
use common::{start, As, TestServer};
use serde_json::{json, Value};

const TOKEN: &str = "TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA";
const PUMP: &str = "6EF8rrecthR5Dkzon8Nwu78hRvfCKubJ14M5uBEwF6P";

fn testdata(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../testdata")
        .join(rel)
}

fn idl(rel: &str) -> Value {
    serde_json::from_str(&std::fs::read_to_string(testdata(&format!("idls/{rel}"))).unwrap())
        .unwrap()
}

fn vectors(stem: &str) -> Vec<Value> {
    std::fs::read_to_string(testdata(&format!("vectors/accounts/{stem}.jsonl")))
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn hex_bytes(text: &str) -> Vec<u8> {
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).unwrap())
        .collect()
}

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

async fn upload(
    server: &TestServer,
    who: &As,
    rel: &str,
    program_id: &str,
    public: bool,
) -> String {
    let (status, body) = server
        .send(
            who,
            "POST",
            "/api/idl/upload",
            Some(
                json!({"name": rel, "programId": program_id, "isPublic": public, "idl": idl(rel)}),
            ),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    body["project"]["id"].as_str().unwrap().to_string()
}

async fn decode(server: &TestServer, who: &As, id: &str, body: Value) -> (u16, Value) {
    server
        .send(
            who,
            "POST",
            &format!("/api/{id}/accounts/decode"),
            Some(body),
        )
        .await
}

#[tokio::test]
async fn golden_vectors_decode_by_discriminator_and_by_account_type() {
    let server = start().await;
    let (_, alice) = server.user(1).await;
    let mut checked = 0;
    for (rel, stem, program_id) in [
        ("codama/spl_token.json", "spl_token", TOKEN),
        ("anchor/pump.json", "pump", PUMP),
    ] {
        let id = upload(&server, &alice, rel, program_id, true).await;
        for vector in vectors(stem) {
            let data = hex_bytes(vector["hex"].as_str().unwrap());
            let account = vector["account"].as_str().unwrap();
            for body in [
                json!({"data": b64(&data)}),
                json!({"data": b64(&data), "accountType": account}),
            ] {
                let (status, decoded) = decode(&server, &As::Anonymous, &id, body.clone()).await;
                assert_eq!(status, 200, "{stem} {account} {body}: {decoded}");
                assert_eq!(decoded["accountType"], account, "{decoded}");
                assert_eq!(decoded["data"], vector["value"], "{stem} {account}");
                assert_eq!(decoded["trailingBytes"], 0);
                assert_eq!(decoded["space"], data.len());
                assert_eq!(decoded["projectId"], id.as_str());
                assert_eq!(decoded["programId"], program_id);
                assert_eq!(decoded["version"], 1);
                checked += 1;
            }
        }
    }
    assert!(checked >= 30, "{checked}");
}

#[tokio::test]
async fn encodings_casing_and_trailing_bytes() {
    let server = start().await;
    let (_, alice) = server.user(1).await;
    let id = upload(&server, &alice, "anchor/pump.json", PUMP, true).await;
    let vector = &vectors("pump")[0];
    let hex = vector["hex"].as_str().unwrap();
    let data = hex_bytes(hex);
    let account = vector["account"].as_str().unwrap();
    for body in [
        json!({"data": hex, "encoding": "hex"}),
        json!({"data": format!("0x{}", hex.to_uppercase()), "encoding": "hex"}),
        json!({"data": bs58::encode(&data).into_string(), "encoding": "base58"}),
        json!({"data": b64(&data), "encoding": "base64"}),
        // Either casing of the account type's name.
        json!({"data": b64(&data), "accountType": "bonding_curve"}),
    ] {
        let (status, decoded) = decode(&server, &As::Anonymous, &id, body.clone()).await;
        assert_eq!(status, 200, "{body}: {decoded}");
        assert_eq!(decoded["accountType"], account);
        assert_eq!(decoded["data"], vector["value"]);
    }
    // Accounts are often allocated larger than their data: the rest is counted, not refused.
    let mut padded = data.clone();
    padded.extend([0u8; 16]);
    let (status, decoded) =
        decode(&server, &As::Anonymous, &id, json!({"data": b64(&padded)})).await;
    assert_eq!(status, 200, "{decoded}");
    assert_eq!(decoded["data"], vector["value"]);
    assert_eq!(decoded["trailingBytes"], 16);
    assert_eq!(decoded["space"], padded.len());
}

/// `(status, code, first detail's path)` of an error response.
fn error_of(status: u16, body: &Value) -> (u16, &str, &str) {
    (
        status,
        body["error"]["code"].as_str().unwrap_or_default(),
        body["error"]["details"][0]["path"]
            .as_str()
            .unwrap_or_default(),
    )
}

#[tokio::test]
async fn bad_input_is_refused_with_a_pointer() {
    let server = start().await;
    let (_, alice) = server.user(1).await;
    let id = upload(&server, &alice, "anchor/pump.json", PUMP, true).await;
    let token = upload(&server, &alice, "codama/spl_token.json", TOKEN, true).await;
    let vector = &vectors("pump")[0];
    let data = hex_bytes(vector["hex"].as_str().unwrap());

    for (body, expected) in [
        // Not base64 / hex / base58.
        (
            json!({"data": "not base64!"}),
            (422, "invalid_encoding", "/data"),
        ),
        (
            json!({"data": "abc", "encoding": "hex"}),
            (422, "invalid_encoding", "/data"),
        ),
        (
            json!({"data": "zz", "encoding": "hex"}),
            (422, "invalid_encoding", "/data"),
        ),
        (
            json!({"data": "0OIl", "encoding": "base58"}),
            (422, "invalid_encoding", "/data"),
        ),
        // Shape errors from the JSON body.
        (
            json!({"data": b64(&data), "encoding": "utf8"}),
            (422, "validation_failed", "/encoding"),
        ),
        (
            json!({"accountType": "BondingCurve"}),
            (422, "validation_failed", ""),
        ),
        (
            json!({"data": b64(&data), "extra": 1}),
            (422, "validation_failed", ""),
        ),
        // An account type the IDL does not have.
        (
            json!({"data": b64(&data), "accountType": "Nope"}),
            (422, "unknown_account_type", "/accountType"),
        ),
        // Data whose discriminator is no account type's.
        (
            json!({"data": b64(&[7u8; 40])}),
            (422, "no_matching_account_type", "/data"),
        ),
        (
            json!({"data": ""}),
            (422, "no_matching_account_type", "/data"),
        ),
        // The right discriminator, too few bytes after it.
        (
            json!({"data": b64(&data[..12])}),
            (422, "undecodable_account_data", "/data"),
        ),
        // Another type's discriminator under an explicit accountType.
        (
            json!({"data": b64(&data), "accountType": "Global"}),
            (422, "discriminator_mismatch", "/data"),
        ),
    ] {
        let (status, response) = decode(&server, &As::Anonymous, &id, body.clone()).await;
        let (s, code, path) = error_of(status, &response);
        assert_eq!((s, code), (expected.0, expected.1), "{body}: {response}");
        if !expected.2.is_empty() {
            assert_eq!(path, expected.2, "{body}: {response}");
        }
    }

    // The unknown type is named, with the ones the IDL has.
    let (_, response) = decode(
        &server,
        &As::Anonymous,
        &id,
        json!({"data": b64(&data), "accountType": "Nope"}),
    )
    .await;
    let message = response["error"]["message"].as_str().unwrap();
    assert!(
        message.contains("\"Nope\"") && message.contains("BondingCurve"),
        "{message}"
    );

    // Too short: the codec's error, with its byte offset.
    let (_, response) = decode(
        &server,
        &As::Anonymous,
        &id,
        json!({"data": b64(&data[..12])}),
    )
    .await;
    let message = response["error"]["message"].as_str().unwrap();
    assert!(
        message.contains("BondingCurve") && message.contains("at byte"),
        "{message}"
    );

    // A mint-sized account whose fields do not decode (bad option tag at byte 0).
    let (status, response) = decode(
        &server,
        &As::Anonymous,
        &token,
        json!({"data": b64(&[9u8; 82])}),
    )
    .await;
    assert_eq!(
        error_of(status, &response),
        (422, "undecodable_account_data", "/data"),
        "{response}"
    );
    assert!(
        response["error"]["message"]
            .as_str()
            .unwrap()
            .contains("byte"),
        "{response}"
    );

    // Malformed JSON and the wrong content type, as everywhere.
    let response = server
        .http
        .post(format!("{}/api/{id}/accounts/decode", server.base))
        .header("content-type", "application/json")
        .body("{\"data\": ")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    let response = server
        .http
        .post(format!("{}/api/{id}/accounts/decode", server.base))
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 415);
}

#[tokio::test]
async fn private_projects_are_404_to_others() {
    let server = start().await;
    let (_, alice) = server.user(1).await;
    let (_, bob) = server.user(2).await;
    let id = upload(&server, &alice, "anchor/pump.json", PUMP, false).await;
    let vector = &vectors("pump")[0];
    let body = json!({"data": b64(&hex_bytes(vector["hex"].as_str().unwrap()))});
    for who in [&As::Anonymous, &bob] {
        let (status, response) = decode(&server, who, &id, body.clone()).await;
        assert_eq!(error_of(status, &response).0, 404, "{response}");
        assert_eq!(response["error"]["code"], "not_found");
    }
    let (status, _) = decode(&server, &As::Anonymous, "nope", body.clone()).await;
    assert_eq!(status, 404);
    // The owner and the project's key see it.
    let (status, decoded) = decode(&server, &alice, &id, body.clone()).await;
    assert_eq!(status, 200, "{decoded}");
    assert_eq!(decoded["data"], vector["value"]);
    let project = server.db.store.get_project(&id).await.unwrap().unwrap();
    let key = server.key(&project).await;
    let (status, _) = decode(&server, &key, &id, body.clone()).await;
    assert_eq!(status, 200);
    // A project with no IDL yet.
    let empty = server.project(&server.user(3).await.0, TOKEN, true).await;
    let (status, response) = decode(&server, &As::Anonymous, &empty.id, body.clone()).await;
    assert_eq!(status, 404, "{response}");
}

#[tokio::test]
async fn decode_requests_count_against_the_api_rate_limit() {
    let server = common::start_with(|config| config.rate_limits.api = 2).await;
    let body = json!({"data": ""});
    let mut statuses = Vec::new();
    for _ in 0..3 {
        let response = server
            .http
            .post(format!("{}/api/nope/accounts/decode", server.base))
            .json(&body)
            .send()
            .await
            .unwrap();
        assert!(response.headers().contains_key("ratelimit-limit"));
        statuses.push(response.status().as_u16());
    }
    // Unknown project: 404, until the `api` class's limit is reached.
    assert_eq!(statuses, [404, 404, 429]);
}
