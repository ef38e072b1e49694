#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Program lists and scope keys against real SQLite files.

mod common;

use common::{project, user, TestDb};
use orquestra_store::*;

const PROGRAM_A: &str = "BUYuxRfhCMWavaUWxhGtPP3ksKEDZxCD5gzknk3JfAya";
const PROGRAM_B: &str = "TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA";
const PROGRAM_C: &str = "11111111111111111111111111111111";

fn new_list(name: &str) -> NewProgramList {
    NewProgramList {
        name: name.into(),
        description: Some("d".into()),
    }
}

async fn lists_are_owned_ordered_and_keys_are_hashed(t: TestDb) {
    let alice = user(&t.db, 1).await;
    let bob = user(&t.db, 2).await;
    let first =
        t.db.store
            .create_list(&alice.id, &new_list("First"))
            .await
            .unwrap();
    let second =
        t.db.store
            .create_list(&alice.id, &new_list("Second"))
            .await
            .unwrap();
    assert!(first.list.is_default, "the first list becomes the default");
    assert!(!second.list.is_default);
    assert!(first.scope_key.starts_with("sk_") && first.scope_key.len() == 67);
    assert!(first.scope_key[3..].chars().all(|c| c.is_ascii_hexdigit()));
    assert_eq!(first.list.scope_key_prefix, &first.scope_key[..7]);
    assert_ne!(first.scope_key, second.scope_key);
    // Only the hash is stored.
    let stored =
        t.db.admin
            .query("SELECT scope_key_hash FROM program_lists")
            .await
            .unwrap();
    for row in &stored.rows {
        let hash = row[0].as_str().unwrap();
        assert_eq!(hash.len(), 64);
        assert_ne!(hash, first.scope_key);
        assert!(!hash.contains(&first.scope_key[3..]));
    }

    let lists = t.db.store.list_lists(&alice.id).await.unwrap();
    let names: Vec<&str> = lists.iter().map(|l| l.name.as_str()).collect();
    assert_eq!(names, ["First", "Second"]);
    assert!(t.db.store.list_lists(&bob.id).await.unwrap().is_empty());

    // Another user's list is invisible to every function.
    let id = &first.list.id;
    assert!(t.db.store.get_list(&bob.id, id).await.unwrap().is_none());
    let rename = ProgramListUpdate {
        name: Some("Mine".into()),
        description: Some(None),
    };
    assert!(t
        .db
        .store
        .update_list(&bob.id, id, &rename)
        .await
        .unwrap()
        .is_none());
    assert!(!t.db.store.delete_list(&bob.id, id).await.unwrap());
    assert!(t
        .db
        .store
        .regenerate_scope_key(&bob.id, id)
        .await
        .unwrap()
        .is_none());
    let p = project(&t.db, &bob, PROGRAM_A, true).await;
    assert!(t
        .db
        .store
        .add_list_item(&bob.id, id, &p.id)
        .await
        .unwrap()
        .is_none());

    let updated =
        t.db.store
            .update_list(&alice.id, id, &rename)
            .await
            .unwrap()
            .unwrap();
    assert_eq!(updated.name, "Mine");
    assert_eq!(updated.description, None);
    let kept =
        t.db.store
            .update_list(&alice.id, id, &ProgramListUpdate::default())
            .await
            .unwrap()
            .unwrap();
    assert_eq!(kept.name, "Mine");

    // Deleting the default does not promote another list; a new list then becomes the default.
    assert!(t.db.store.delete_list(&alice.id, id).await.unwrap());
    let lists = t.db.store.list_lists(&alice.id).await.unwrap();
    assert_eq!(lists.len(), 1);
    assert!(!lists[0].is_default);
    let third =
        t.db.store
            .create_list(&alice.id, &new_list("Third"))
            .await
            .unwrap();
    assert!(third.list.is_default);
    let lists = t.db.store.list_lists(&alice.id).await.unwrap();
    assert_eq!(lists[0].name, "Third", "default first");
}

async fn default_list_is_created_once(t: TestDb) {
    let alice = user(&t.db, 1).await;
    let (list, key) = t.db.store.default_list(&alice.id).await.unwrap();
    assert_eq!(list.name, "Default");
    assert!(list.is_default);
    let key = key.expect("created now, so the key is shown");
    assert_eq!(
        t.db.store.scope_project_ids(&key).await.unwrap(),
        Some(vec![])
    );
    let (again, key) = t.db.store.default_list(&alice.id).await.unwrap();
    assert_eq!(again.id, list.id);
    assert!(key.is_none());
    // Concurrent first calls agree on one list.
    let bob = user(&t.db, 2).await;
    let calls = (0..8).map(|_| {
        let store = t.db.store.clone();
        let id = bob.id.clone();
        tokio::spawn(async move { store.default_list(&id).await.unwrap() })
    });
    let results = futures_util::future::join_all(calls).await;
    let ids: std::collections::BTreeSet<String> =
        results.into_iter().map(|r| r.unwrap().0.id).collect();
    assert_eq!(ids.len(), 1);
    assert_eq!(t.db.store.list_lists(&bob.id).await.unwrap().len(), 1);
}

async fn items_scope_keys_and_visibility(t: TestDb) {
    let alice = user(&t.db, 1).await;
    let bob = user(&t.db, 2).await;
    let public = project(&t.db, &bob, PROGRAM_A, true).await;
    let bobs_private = project(&t.db, &bob, PROGRAM_B, true).await;
    let own_private = project(&t.db, &alice, PROGRAM_C, false).await;
    let issued =
        t.db.store
            .create_list(&alice.id, &new_list("L"))
            .await
            .unwrap();
    let list = &issued.list.id;
    for p in [&public, &bobs_private, &own_private] {
        let added =
            t.db.store
                .add_list_item(&alice.id, list, &p.id)
                .await
                .unwrap()
                .unwrap();
        assert_eq!(&added.list_id, list);
    }
    let dup = t.db.store.add_list_item(&alice.id, list, &public.id).await;
    assert!(matches!(dup, Err(StoreError::Conflict { .. })), "{dup:?}");
    let missing = t.db.store.add_list_item(&alice.id, list, "nope").await;
    assert!(
        matches!(missing, Err(StoreError::NotFound { .. })),
        "{missing:?}"
    );

    // Bob makes his project private after it was added: it drops out of Alice's view.
    t.db.store
        .update_project(
            &bobs_private.id,
            &ProjectUpdate {
                is_public: Some(false),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let page =
        t.db.store
            .list_items(&alice.id, list, Page::new(50, 0))
            .await
            .unwrap();
    let ids: Vec<&str> = page.items.iter().map(|i| i.project_id.as_str()).collect();
    assert_eq!(
        ids,
        [own_private.id.as_str(), public.id.as_str()],
        "newest first"
    );
    assert_eq!(page.total, 2);
    assert_eq!(page.items[1].username, "user2");
    assert!(!page.items[0].is_public);
    assert_eq!(
        t.db.store
            .get_list(&alice.id, list)
            .await
            .unwrap()
            .unwrap()
            .item_count,
        2
    );
    let paged =
        t.db.store
            .list_items(&alice.id, list, Page::new(1, 1))
            .await
            .unwrap();
    assert_eq!(paged.items.len(), 1);
    assert_eq!(paged.items[0].project_id, public.id);
    assert!(t
        .db
        .store
        .list_items(&bob.id, list, Page::new(50, 0))
        .await
        .unwrap()
        .items
        .is_empty());

    // The scope key narrows to public projects only, whoever owns the private ones.
    let key = &issued.scope_key;
    assert_eq!(
        t.db.store.scope_project_ids(key).await.unwrap(),
        Some(vec![public.id.clone()])
    );
    assert_eq!(
        t.db.store.scope_project_ids("sk_unknown").await.unwrap(),
        None
    );

    // Regenerating: the old key stops working at once.
    let new_key =
        t.db.store
            .regenerate_scope_key(&alice.id, list)
            .await
            .unwrap()
            .unwrap();
    assert_ne!(&new_key, key);
    assert_eq!(t.db.store.scope_project_ids(key).await.unwrap(), None);
    assert_eq!(
        t.db.store.scope_project_ids(&new_key).await.unwrap(),
        Some(vec![public.id.clone()])
    );
    assert_eq!(
        t.db.store
            .get_list(&alice.id, list)
            .await
            .unwrap()
            .unwrap()
            .scope_key_prefix,
        &new_key[..7]
    );

    // Removing, and cascades from projects and lists.
    assert!(!t
        .db
        .store
        .remove_list_item(&bob.id, list, &public.id)
        .await
        .unwrap());
    assert!(t
        .db
        .store
        .remove_list_item(&alice.id, list, &public.id)
        .await
        .unwrap());
    assert!(!t
        .db
        .store
        .remove_list_item(&alice.id, list, &public.id)
        .await
        .unwrap());
    assert!(t.db.store.delete_project(&own_private.id).await.unwrap());
    assert_eq!(
        t.db.store
            .list_items(&alice.id, list, Page::new(50, 0))
            .await
            .unwrap()
            .total,
        0
    );
    assert!(t.db.store.delete_list(&alice.id, list).await.unwrap());
    let left =
        t.db.admin
            .query("SELECT COUNT(*) FROM program_list_items")
            .await
            .unwrap();
    assert_eq!(left.rows[0][0].as_i64(), Some(0));
    // Deleting the user removes their lists.
    t.db.store
        .create_list(&alice.id, &new_list("again"))
        .await
        .unwrap();
    assert!(t.db.store.delete_user(&alice.id).await.unwrap());
    let left =
        t.db.admin
            .query("SELECT COUNT(*) FROM program_lists")
            .await
            .unwrap();
    assert_eq!(left.rows[0][0].as_i64(), Some(0));
}

common::both_backends!(
    lists_are_owned_ordered_and_keys_are_hashed,
    default_list_is_created_once,
    items_scope_keys_and_visibility,
);
