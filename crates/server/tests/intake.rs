#![allow(clippy::unwrap_used, clippy::expect_used)]
//! IDL intake through the real router: an IDL whose defects are confined to some items is
//! accepted with warnings (JSON pointers), its views say which items are unusable, every route
//! that would encode or decode through a broken item answers 422 `idl_item_unusable`, and the rest
//! works; `?strict=true` keeps the refuse-all behaviour.

mod common;

use common::As;
use serde_json::{json, Value};

const BLOCKHASH: &str = "4uQeVj5tqViQh7yWWGStvkEG1Zmhx6uasJtWCJziofM";
const WALLET: &str = "7xKXtg2CW87d97TXJSDpbD5jBkheTqA83TZRuJosgAsU";

fn pump() -> Value {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../testdata/idls/anchor/pump.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// pump with the defects published IDLs carry: an account type with two fields called `padding`,
/// an instruction argument naming a type the file never defines, and an unreadable instruction.
fn damaged() -> (Value, String, String) {
    let mut idl = pump();
    let types = idl["types"].as_array_mut().unwrap();
    let curve = types
        .iter_mut()
        .find(|t| t["name"] == "BondingCurve")
        .unwrap();
    let fields = curve["type"]["fields"].as_array_mut().unwrap();
    fields.push(json!({"name": "padding", "type": {"array": ["u8", 3]}}));
    fields.push(json!({"name": "padding", "type": "u8"}));
    let broken = idl["instructions"][0]["name"].as_str().unwrap().to_owned();
    idl["instructions"][0]["args"]
        .as_array_mut()
        .unwrap()
        .push(json!({"name": "extra", "type": {"defined": {"name": "NeverDefined"}}}));
    let unreadable = idl["instructions"][1]["name"].as_str().unwrap().to_owned();
    idl["instructions"][1]["args"] = json!([{"name": "x", "type": {"frobnicate": 1}}]);
    (idl, broken, unreadable)
}

fn program_id(idl: &Value) -> String {
    idl["address"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn item_defects_are_warnings_and_unusable_items_answer_422() {
    let server = common::start().await;
    let (_, alice) = server.user(1).await;
    let (idl, broken, unreadable) = damaged();

    // Strict: refused whole, nothing stored, every problem named.
    let body = json!({"name": "pump", "programId": program_id(&idl), "idl": idl});
    let (status, refused) = server
        .send(
            &alice,
            "POST",
            "/api/idl/upload?strict=true",
            Some(body.clone()),
        )
        .await;
    assert_eq!(status, 422, "{refused}");
    assert_eq!(refused["error"]["code"], "invalid_idl");
    assert_eq!(server.db.store.stats(0).await.unwrap().projects, 0);

    // Lenient (the default): accepted with warnings pointing into the IDL.
    let (status, created) = server
        .send(&alice, "POST", "/api/idl/upload", Some(body))
        .await;
    assert_eq!(status, 201, "{created}");
    let warnings = created["idl"]["warnings"].as_array().unwrap();
    let find = |kind: &str, item: &str| {
        warnings
            .iter()
            .find(|w| w["kind"] == kind && w["item"] == item)
            .cloned()
            .unwrap_or_else(|| panic!("no warning for {kind} {item}: {warnings:?}"))
    };
    let w = find("instruction", &broken);
    assert_eq!(w["code"], "invalid_item");
    assert!(w["path"]
        .as_str()
        .unwrap()
        .starts_with("/instructions/0/args/"));
    assert!(w["message"].as_str().unwrap().contains("NeverDefined"));
    assert_eq!(find("instruction", &unreadable)["code"], "unreadable_item");
    assert_eq!(
        find("account", "BondingCurve")["code"],
        "uses_unusable_type"
    );
    assert!(find("type", "BondingCurve")["message"]
        .as_str()
        .unwrap()
        .contains("duplicate field name `padding`"));
    let id = created["project"]["id"].as_str().unwrap().to_owned();

    // Both IDL reads carry the same warnings.
    for path in [format!("/api/idl/{id}"), format!("/api/{id}/idl")] {
        let (status, read) = server.send(&As::Anonymous, "GET", &path, None).await;
        assert_eq!(status, 200);
        assert_eq!(
            read["warnings"].as_array().unwrap().len(),
            warnings.len(),
            "{path}"
        );
    }

    // Views list every item, saying which are usable and why not.
    let (_, list) = server
        .send(
            &As::Anonymous,
            "GET",
            &format!("/api/{id}/instructions"),
            None,
        )
        .await;
    let entries = list["instructions"].as_array().unwrap();
    let entry = |name: &str| entries.iter().find(|e| e["name"] == name).unwrap().clone();
    assert_eq!(entry(&broken)["usable"], false);
    assert_eq!(entry(&broken)["unusable"]["code"], "invalid_item");
    assert_eq!(entry(&unreadable)["usable"], false);
    let good = entries.iter().find(|e| e["usable"] == true).unwrap()["name"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(list["total"], entries.len());
    let (_, accounts) = server
        .send(&As::Anonymous, "GET", &format!("/api/{id}/accounts"), None)
        .await;
    let curve = accounts["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["name"] == "BondingCurve")
        .unwrap();
    assert_eq!(curve["usable"], false);

    // Build, data and accounts for an unusable instruction: 422 naming the defect.
    let request =
        json!({"args": {}, "accounts": {}, "feePayer": WALLET, "recentBlockhash": BLOCKHASH});
    for name in [&broken, &unreadable] {
        for route in ["build", "data", "accounts"] {
            let (status, body) = server
                .send(
                    &As::Anonymous,
                    "POST",
                    &format!("/api/{id}/instructions/{name}/{route}"),
                    Some(request.clone()),
                )
                .await;
            assert_eq!(status, 422, "{name}/{route}: {body}");
            assert_eq!(body["error"]["code"], "idl_item_unusable", "{body}");
            assert!(body["error"]["details"][0]["path"]
                .as_str()
                .unwrap()
                .starts_with("/idl/instructions/"));
        }
    }
    // The unreadable instruction's detail view is 422 too, not 404.
    let (status, body) = server
        .send(
            &As::Anonymous,
            "GET",
            &format!("/api/{id}/instructions/{unreadable}"),
            None,
        )
        .await;
    assert_eq!(
        (status, body["error"]["code"].clone()),
        (422, json!("idl_item_unusable"))
    );

    // Decoding data of the unusable account is refused; other accounts decode.
    let discriminator = |name: &str| -> Vec<u8> {
        pump()["accounts"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["name"] == name)
            .unwrap()["discriminator"]
            .as_array()
            .unwrap()
            .iter()
            .map(|b| b.as_u64().unwrap() as u8)
            .collect()
    };
    let mut data = discriminator("BondingCurve");
    data.extend([0u8; 200]);
    let hex: String = data.iter().map(|b| format!("{b:02x}")).collect();
    let (status, body) = server
        .send(
            &As::Anonymous,
            "POST",
            &format!("/api/{id}/accounts/decode"),
            Some(json!({"data": hex, "encoding": "hex"})),
        )
        .await;
    assert_eq!(
        (status, body["error"]["code"].clone()),
        (422, json!("idl_item_unusable")),
        "{body}"
    );

    // Everything else works: the detail and example request of a usable instruction build.
    let (status, detail) = server
        .send(
            &As::Anonymous,
            "GET",
            &format!("/api/{id}/instructions/{good}"),
            None,
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(detail["instruction"]["usable"], true);
    let mut example = detail["instruction"]["exampleRequest"].clone();
    example["recentBlockhash"] = json!(BLOCKHASH);
    let (status, data) = server
        .send(
            &As::Anonymous,
            "POST",
            &format!("/api/{id}/instructions/{good}/data"),
            Some(example),
        )
        .await;
    assert_eq!(status, 200, "{data}");

    // A new version under strict is refused; without it the same IDL is the stored version.
    let (status, refused) = server
        .send(
            &alice,
            "PUT",
            &format!("/api/idl/{id}?strict=true"),
            Some(json!({"idl": damaged().0})),
        )
        .await;
    assert_eq!(status, 422, "{refused}");
    let (status, same) = server
        .send(
            &alice,
            "PUT",
            &format!("/api/idl/{id}"),
            Some(json!({"idl": damaged().0})),
        )
        .await;
    assert_eq!(
        (status, same["created"].clone()),
        (200, json!(false)),
        "{same}"
    );
}

#[tokio::test]
async fn structural_defects_are_still_refused() {
    let server = common::start().await;
    let (_, alice) = server.user(1).await;
    let mut idl = pump();
    idl["instructions"] = json!([]);
    let (status, body) = server
        .send(
            &alice,
            "POST",
            "/api/idl/upload",
            Some(json!({"name": "empty", "programId": program_id(&idl), "idl": idl})),
        )
        .await;
    assert_eq!(status, 422, "{body}");
    assert!(body["error"]["message"]
        .as_str()
        .unwrap()
        .contains("no usable instruction"));
}

#[tokio::test]
async fn concurrent_new_versions_store_docs_naming_their_own_version() {
    let server = common::start().await;
    let (_, alice) = server.user(1).await;
    let idl = pump();
    let (status, created) = server
        .send(
            &alice,
            "POST",
            "/api/idl/upload",
            Some(json!({"name": "pump", "programId": program_id(&idl), "idl": idl})),
        )
        .await;
    assert_eq!(status, 201, "{created}");
    let id = created["project"]["id"].as_str().unwrap().to_owned();
    let server = std::sync::Arc::new(server);
    let tasks: Vec<_> = (0..30)
        .map(|i| {
            let server = server.clone();
            let alice = alice.clone();
            let id = id.clone();
            let mut idl = pump();
            idl["metadata"]["version"] = json!(format!("1.0.{i}"));
            tokio::spawn(async move {
                server
                    .send(
                        &alice,
                        "PUT",
                        &format!("/api/idl/{id}"),
                        Some(json!({"idl": idl})),
                    )
                    .await
                    .0
            })
        })
        .collect();
    for task in tasks {
        assert_eq!(task.await.unwrap(), 201);
    }
    for version in 1..=31 {
        let row = server
            .db
            .store
            .idl_version(&id, version)
            .await
            .unwrap()
            .unwrap();
        let docs = row.cpi_md.unwrap();
        assert!(
            docs.contains(&format!("| IDL version | {version}")),
            "version {version}'s docs name another version"
        );
    }
}
