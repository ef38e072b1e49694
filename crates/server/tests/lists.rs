#![allow(clippy::unwrap_used, clippy::expect_used)]
//! `/api/lists`: program lists, their items and scope keys, through the real router.

mod common;

use common::{start, As, PROGRAM_A, PROGRAM_B};
use serde_json::{json, Value};

const PROGRAM_C: &str = "11111111111111111111111111111111";

fn ids(items: &Value) -> Vec<String> {
    items["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["projectId"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn crud_as_owner_and_404_for_everyone_else() {
    let server = start().await;
    let (_, alice) = server.user(1).await;
    let (bob_user, bob) = server.user(2).await;

    let (status, body) = server
        .send(
            &alice,
            "POST",
            "/api/lists",
            Some(json!({"name": "  DeFi  ", "description": "mine"})),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    let list = &body["list"];
    let id = list["id"].as_str().unwrap().to_string();
    assert_eq!(list["name"], "DeFi");
    assert_eq!(list["isDefault"], true);
    assert_eq!(list["itemCount"], 0);
    let key = list["scopeKey"].as_str().unwrap().to_string();
    assert!(key.starts_with("sk_") && key.len() == 67, "{key}");
    assert_eq!(list["scopeKeyPrefix"], &key[..7]);

    let (status, body) = server
        .send(
            &alice,
            "POST",
            "/api/lists",
            Some(json!({"name": "Second"})),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["list"]["isDefault"], false);

    // Listing shows only a prefix of each key, default first.
    let (status, body) = server.send(&alice, "GET", "/api/lists", None).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["total"], 2);
    assert_eq!(body["lists"][0]["id"], id.as_str());
    assert!(
        !body.to_string().contains(&key),
        "a listing leaks the scope key"
    );
    assert!(body["lists"][0].get("scopeKey").is_none());

    // Validation: JSON pointers.
    for (payload, pointer) in [
        (json!({"name": "   "}), "/name"),
        (json!({"name": "x".repeat(101)}), "/name"),
        (
            json!({"name": "ok", "description": "d".repeat(501)}),
            "/description",
        ),
    ] {
        let (status, body) = server
            .send(&alice, "POST", "/api/lists", Some(payload))
            .await;
        assert_eq!(status, 422, "{body}");
        assert_eq!(body["error"]["details"][0]["path"], pointer);
    }
    let (status, _) = server
        .send(&alice, "POST", "/api/lists", Some(json!({"nom": "x"})))
        .await;
    assert_eq!(status, 422);

    // Update.
    let path = format!("/api/lists/{id}");
    let (status, body) = server
        .send(
            &alice,
            "PUT",
            &path,
            Some(json!({"name": "Renamed", "description": ""})),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["success"], true);
    assert_eq!(body["name"], "Renamed");
    assert_eq!(body["description"], Value::Null);
    let (status, body) = server
        .send(&alice, "PUT", &path, Some(json!({"name": ""})))
        .await;
    assert_eq!(status, 422, "{body}");

    // Another user, anonymous and a project key: never the list.
    let bobs = server.project(&bob_user, PROGRAM_A, true).await;
    let bob_key = server.key(&bobs).await;
    for (method, p, payload) in [
        ("PUT", path.clone(), Some(json!({"name": "Bob's"}))),
        ("DELETE", path.clone(), None),
        ("GET", format!("{path}/items"), None),
        (
            "POST",
            format!("{path}/items"),
            Some(json!({"projectId": bobs.id})),
        ),
        ("DELETE", format!("{path}/items/{}", bobs.id), None),
        ("POST", format!("{path}/scope-key"), None),
    ] {
        let (status, body) = server.send(&bob, method, &p, payload.clone()).await;
        assert_eq!(status, 404, "{method} {p}: {body}");
        let (status, _) = server
            .send(&As::Anonymous, method, &p, payload.clone())
            .await;
        assert_eq!(status, 401, "{method} {p}");
        let (status, _) = server.send(&bob_key, method, &p, payload).await;
        assert_eq!(status, 403, "{method} {p}");
    }
    let (_, body) = server.send(&bob, "GET", "/api/lists", None).await;
    assert_eq!(body["total"], 0);
    let (status, _) = server.send(&As::Anonymous, "GET", "/api/lists", None).await;
    assert_eq!(status, 401);

    // Delete.
    let (status, body) = server.send(&alice, "DELETE", &path, None).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body, json!({"success": true}));
    let (status, _) = server.send(&alice, "DELETE", &path, None).await;
    assert_eq!(status, 404);
    let (_, body) = server.send(&alice, "GET", "/api/lists", None).await;
    assert_eq!(body["total"], 1);
}

#[tokio::test]
async fn items_default_list_and_scope_keys() {
    let server = start().await;
    let (alice_user, alice) = server.user(1).await;
    let (bob_user, bob) = server.user(2).await;
    let bobs_public = server.project(&bob_user, PROGRAM_A, true).await;
    let bobs_private = server.project(&bob_user, PROGRAM_B, false).await;
    let alices_private = server.project(&alice_user, PROGRAM_C, false).await;

    // The default list is created lazily, and its key is shown then only.
    let (status, _) = server.send(&alice, "GET", "/api/lists", None).await;
    assert_eq!(status, 200);
    let (status, body) = server
        .send(
            &alice,
            "POST",
            "/api/lists/default/items",
            Some(json!({"projectId": bobs_public.id})),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["success"], true);
    let list_id = body["listId"].as_str().unwrap().to_string();
    let first_key = body["scopeKey"].as_str().unwrap().to_string();
    let (_, lists) = server.send(&alice, "GET", "/api/lists", None).await;
    assert_eq!(lists["total"], 1);
    assert_eq!(lists["lists"][0]["name"], "Default");
    assert_eq!(lists["lists"][0]["isDefault"], true);

    // Duplicate → 409; someone else's private project → 404 (not revealed); own private → fine.
    let (status, body) = server
        .send(
            &alice,
            "POST",
            "/api/lists/default/items",
            Some(json!({"projectId": bobs_public.id})),
        )
        .await;
    assert_eq!(status, 409, "{body}");
    assert_eq!(body["error"]["code"], "conflict");
    let items_path = format!("/api/lists/{list_id}/items");
    let (status, body) = server
        .send(
            &alice,
            "POST",
            &items_path,
            Some(json!({"projectId": bobs_private.id})),
        )
        .await;
    assert_eq!(status, 404, "{body}");
    let (status, body) = server
        .send(
            &alice,
            "POST",
            &items_path,
            Some(json!({"projectId": "no-such-project"})),
        )
        .await;
    assert_eq!(status, 404, "{body}");
    let (status, body) = server
        .send(
            &alice,
            "POST",
            &items_path,
            Some(json!({"projectId": alices_private.id})),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    assert!(
        body.get("scopeKey").is_none(),
        "the default list already existed"
    );
    let (status, body) = server
        .send(
            &alice,
            "POST",
            &items_path,
            Some(json!({"projectId": alices_private.id})),
        )
        .await;
    assert_eq!(status, 409, "{body}");
    let (status, body) = server
        .send(
            &alice,
            "POST",
            "/api/lists/no-such-list/items",
            Some(json!({"projectId": bobs_public.id})),
        )
        .await;
    assert_eq!(status, 404, "{body}");
    assert_eq!(body["error"]["message"], "list not found");

    // Bob's private project added while it was public drops out once he makes it private.
    let bobs_later = server.project(&bob_user, PROGRAM_C, true).await;
    let (status, _) = server
        .send(
            &alice,
            "POST",
            &items_path,
            Some(json!({"projectId": bobs_later.id})),
        )
        .await;
    assert_eq!(status, 201);
    let (status, _) = server
        .send(
            &bob,
            "PUT",
            &format!("/api/projects/{}", bobs_later.id),
            Some(json!({"isPublic": false})),
        )
        .await;
    assert_eq!(status, 200);

    let (status, items) = server.send(&alice, "GET", &items_path, None).await;
    assert_eq!(status, 200, "{items}");
    assert_eq!(
        ids(&items),
        [alices_private.id.clone(), bobs_public.id.clone()]
    );
    assert_eq!(items["total"], 2);
    assert_eq!(items["items"][1]["username"], "user2");
    assert!(items["items"][0]["itemId"].is_string());
    assert!(
        !items.to_string().contains(&bobs_later.id),
        "another user's private project shown"
    );
    let (_, lists) = server.send(&alice, "GET", "/api/lists", None).await;
    assert_eq!(lists["lists"][0]["itemCount"], 2);
    let (_, page) = server
        .send(
            &alice,
            "GET",
            &format!("{items_path}?limit=1&offset=1"),
            None,
        )
        .await;
    assert_eq!(ids(&page), std::slice::from_ref(&bobs_public.id));
    let (status, _) = server
        .send(&alice, "GET", &format!("{items_path}?limit=x"), None)
        .await;
    assert_eq!(status, 400);

    // Scope keys narrow to public projects only, and regenerating revokes the old one at once.
    let store = &server.db.store;
    assert_eq!(
        store.scope_project_ids(&first_key).await.unwrap(),
        Some(vec![bobs_public.id.clone()])
    );
    let (status, body) = server
        .send(
            &alice,
            "POST",
            &format!("/api/lists/{list_id}/scope-key"),
            None,
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let new_key = body["scopeKey"].as_str().unwrap().to_string();
    assert_ne!(new_key, first_key);
    assert!(new_key.starts_with("sk_") && new_key.len() == 67);
    assert_eq!(body["scopeKeyPrefix"], &new_key[..7]);
    assert_eq!(store.scope_project_ids(&first_key).await.unwrap(), None);
    assert_eq!(
        store.scope_project_ids(&new_key).await.unwrap(),
        Some(vec![bobs_public.id.clone()])
    );

    // Removing items.
    let remove = format!("{items_path}/{}", bobs_public.id);
    let (status, body) = server.send(&alice, "DELETE", &remove, None).await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = server.send(&alice, "DELETE", &remove, None).await;
    assert_eq!(status, 404, "{body}");
    assert_eq!(body["error"]["message"], "item not found in list");
    assert_eq!(
        store.scope_project_ids(&new_key).await.unwrap(),
        Some(vec![])
    );
}
