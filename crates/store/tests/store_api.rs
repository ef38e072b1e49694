#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The `Store` API against real SQLite files.

mod common;

use std::sync::Arc;

use common::{project, user, TestDb};
use orquestra_store::*;

const PROGRAM_A: &str = "BUYuxRfhCMWavaUWxhGtPP3ksKEDZxCD5gzknk3JfAya";
const PROGRAM_B: &str = "TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA";

async fn count(db: &Database, table: &str) -> i64 {
    let r = db
        .admin
        .query(&format!("SELECT COUNT(*) FROM {table}"))
        .await
        .unwrap();
    r.rows[0][0].as_i64().unwrap()
}

async fn upsert_user_by_github_id_updates_in_place(t: TestDb) {
    let first = user(&t.db, 7).await;
    let again =
        t.db.store
            .upsert_github_user(&GithubProfile {
                github_id: 7,
                username: "renamed".into(),
                email: "new@example.com".into(),
                avatar_url: None,
            })
            .await
            .unwrap();
    assert_eq!(first.id, again.id);
    assert_eq!(again.username, "renamed");
    assert_eq!(count(&t.db, "users").await, 1);
    // Someone else with the same username is a conflict, not an overwrite.
    let clash =
        t.db.store
            .upsert_github_user(&GithubProfile {
                github_id: 8,
                username: "renamed".into(),
                email: "x@y.z".into(),
                avatar_url: None,
            })
            .await;
    assert!(
        matches!(clash, Err(StoreError::Conflict { .. })),
        "{clash:?}"
    );
}

async fn deleting_a_user_cascades_to_everything_below(t: TestDb) {
    let alice = user(&t.db, 1).await;
    let bob = user(&t.db, 2).await;
    let p = project(&t.db, &alice, PROGRAM_A, true).await;
    let keep = project(&t.db, &bob, PROGRAM_A, true).await;
    for pid in [&p.id, &keep.id] {
        t.db.store
            .append_idl_version(pid, NewVersion::plain("{}"))
            .await
            .unwrap();
        t.db.store.create_api_key(pid, None).await.unwrap();
        t.db.store
            .upsert_socials(
                pid,
                &Socials {
                    twitter: Some("https://x.com/a".into()),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        t.db.store
            .create_known_address(
                pid,
                &NewKnownAddress {
                    label: "T".into(),
                    address: PROGRAM_B.into(),
                    description: None,
                },
            )
            .await
            .unwrap();
    }
    assert!(t.db.store.delete_user(&alice.id).await.unwrap());
    for table in [
        "projects",
        "idl_versions",
        "api_keys",
        "project_socials",
        "known_addresses",
    ] {
        assert_eq!(count(&t.db, table).await, 1, "{table} keeps only bob's row");
    }
    assert!(t.db.store.get_project(&p.id).await.unwrap().is_none());
    assert!(!t.db.store.delete_user(&alice.id).await.unwrap());
}

async fn concurrent_appends_store_docs_and_search_terms_for_the_version_they_get(t: TestDb) {
    let alice = user(&t.db, 1).await;
    let p = project(&t.db, &alice, PROGRAM_A, true).await;
    let store: Arc<dyn Store> = t.db.store.clone();
    let tasks: Vec<_> = (0..60)
        .map(|i| {
            let store = store.clone();
            let pid = p.id.clone();
            tokio::spawn(async move {
                let idl = format!("{{\"n\":{i}}}");
                let generate = |version: i64| format!("# Docs of version {version}");
                let terms = format!("instruction{i}");
                let new = NewVersion {
                    idl_json: &idl,
                    docs: VersionDocs::Generated(&generate),
                    search_instructions: Some(&terms),
                };
                store.append_idl_version(&pid, new).await.unwrap().version
            })
        })
        .collect();
    for task in tasks {
        task.await.unwrap();
    }
    for version in 1..=60 {
        let row =
            t.db.store
                .idl_version(&p.id, version)
                .await
                .unwrap()
                .unwrap();
        assert_eq!(
            row.cpi_md.as_deref(),
            Some(format!("# Docs of version {version}").as_str()),
            "the docs name the version the row got"
        );
    }
    // The search index holds the terms of the last write, whichever it was.
    let latest = t.db.store.latest_idl_version(&p.id).await.unwrap().unwrap();
    let n = latest
        .idl_json
        .trim_start_matches("{\"n\":")
        .trim_end_matches('}');
    let found =
        t.db.store
            .search_public_projects(&format!("instruction{n}"), Page::new(10, 0))
            .await
            .unwrap();
    assert_eq!(found.total, 1);
}

async fn fifty_concurrent_appends_get_versions_one_to_fifty(t: TestDb) {
    let alice = user(&t.db, 1).await;
    let p = project(&t.db, &alice, PROGRAM_A, true).await;
    let store: Arc<dyn Store> = t.db.store.clone();
    let tasks: Vec<_> = (0..50)
        .map(|i| {
            let store = store.clone();
            let pid = p.id.clone();
            tokio::spawn(async move {
                store
                    .append_idl_version(&pid, NewVersion::plain(&format!("{{\"n\":{i}}}")))
                    .await
                    .unwrap()
                    .version
            })
        })
        .collect();
    let mut versions = Vec::new();
    for task in tasks {
        versions.push(task.await.unwrap());
    }
    versions.sort();
    assert_eq!(versions, (1..=50).collect::<Vec<i64>>());
    let listed = t.db.store.list_idl_versions(&p.id).await.unwrap();
    assert_eq!(listed.len(), 50);
    assert_eq!(listed[0].version, 50, "newest first");
    assert_eq!(
        t.db.store
            .latest_idl_version(&p.id)
            .await
            .unwrap()
            .unwrap()
            .version,
        50
    );
    let v7 = t.db.store.idl_version(&p.id, 7).await.unwrap().unwrap();
    assert_eq!(v7.version, 7);
    assert!(t.db.store.idl_version(&p.id, 51).await.unwrap().is_none());
}

async fn appending_to_a_missing_project_is_not_found(t: TestDb) {
    let err =
        t.db.store
            .append_idl_version("nope", NewVersion::plain("{}"))
            .await
            .unwrap_err();
    assert!(matches!(err, StoreError::NotFound { .. }), "{err:?}");
}

async fn api_keys_store_only_hashes_and_honour_expiry(t: TestDb) {
    let alice = user(&t.db, 1).await;
    let p = project(&t.db, &alice, PROGRAM_A, true).await;
    let issued = t.db.store.create_api_key(&p.id, None).await.unwrap();
    assert!(issued.plain.starts_with("b58_") && issued.plain.len() == 68);
    assert_ne!(issued.key.key, issued.plain);
    let stored = t.db.admin.query("SELECT key FROM api_keys").await.unwrap();
    assert_eq!(
        stored.rows[0][0],
        serde_json::Value::String(ids::hash_api_key(&issued.plain))
    );
    assert!(issued.key.last_used.is_none());

    let valid =
        t.db.store
            .validate_api_key(&issued.plain)
            .await
            .unwrap()
            .unwrap();
    assert_eq!(valid.id, issued.key.id);
    assert!(valid.last_used.is_some(), "validation sets last_used");
    assert!(t
        .db
        .store
        .validate_api_key("b58_wrong")
        .await
        .unwrap()
        .is_none());

    // A key that expires "now" is already invalid (expires_at > now is false).
    let expired = t.db.store.create_api_key(&p.id, Some(0)).await.unwrap();
    assert!(t
        .db
        .store
        .validate_api_key(&expired.plain)
        .await
        .unwrap()
        .is_none());
    let past = t.db.store.create_api_key(&p.id, Some(3600)).await.unwrap();
    assert!(t
        .db
        .store
        .validate_api_key(&past.plain)
        .await
        .unwrap()
        .is_some());
    t.db.admin
        .query(&format!(
            "UPDATE api_keys SET expires_at = '2000-01-01 00:00:00' WHERE id = '{}'",
            past.key.id
        ))
        .await
        .unwrap();
    assert!(t
        .db
        .store
        .validate_api_key(&past.plain)
        .await
        .unwrap()
        .is_none());
    let expired_row =
        t.db.store
            .list_api_keys(&p.id)
            .await
            .unwrap()
            .into_iter()
            .find(|k| k.id == expired.key.id)
            .unwrap();
    assert!(
        expired_row.last_used.is_none(),
        "a refused key is not marked used"
    );

    // The read-only look-up agrees with validation and writes nothing.
    let fresh = t.db.store.create_api_key(&p.id, None).await.unwrap();
    assert_eq!(
        t.db.store.api_key_project(&fresh.plain).await.unwrap(),
        Some(p.id.clone())
    );
    for refused in [expired.plain.as_str(), past.plain.as_str(), "b58_wrong"] {
        assert_eq!(t.db.store.api_key_project(refused).await.unwrap(), None);
    }
    let row =
        t.db.store
            .list_api_keys(&p.id)
            .await
            .unwrap()
            .into_iter()
            .find(|k| k.id == fresh.key.id)
            .unwrap();
    assert!(
        row.last_used.is_none(),
        "the look-up does not mark a key used"
    );
}

async fn rotate_and_revoke_keys(t: TestDb) {
    let alice = user(&t.db, 1).await;
    let p = project(&t.db, &alice, PROGRAM_A, true).await;
    let other = project(&t.db, &alice, PROGRAM_B, true).await;
    let issued =
        t.db.store
            .create_api_key(&p.id, Some(86_400))
            .await
            .unwrap();
    assert!(
        t.db.store
            .rotate_api_key(&other.id, &issued.key.id)
            .await
            .unwrap()
            .is_none(),
        "scoped to its project"
    );
    let rotated =
        t.db.store
            .rotate_api_key(&p.id, &issued.key.id)
            .await
            .unwrap()
            .unwrap();
    assert_ne!(rotated.plain, issued.plain);
    assert_eq!(
        rotated.key.expires_at, issued.key.expires_at,
        "rotation keeps the expiry"
    );
    assert!(t
        .db
        .store
        .validate_api_key(&issued.plain)
        .await
        .unwrap()
        .is_none());
    assert!(t
        .db
        .store
        .validate_api_key(&rotated.plain)
        .await
        .unwrap()
        .is_some());
    assert!(t
        .db
        .store
        .revoke_api_key(&p.id, &rotated.key.id)
        .await
        .unwrap());
    assert!(!t
        .db
        .store
        .revoke_api_key(&p.id, &rotated.key.id)
        .await
        .unwrap());
    assert!(t
        .db
        .store
        .validate_api_key(&rotated.plain)
        .await
        .unwrap()
        .is_none());
}

async fn projects_crud_and_listings(t: TestDb) {
    let alice = user(&t.db, 1).await;
    let bob = user(&t.db, 2).await;
    let a1 = project(&t.db, &alice, PROGRAM_A, true).await;
    let a2 = project(&t.db, &alice, PROGRAM_B, false).await;
    let b1 = project(&t.db, &bob, PROGRAM_A, true).await;
    assert!(a1.is_public && !a2.is_public);

    let dup =
        t.db.store
            .create_project(&NewProject {
                user_id: alice.id.clone(),
                name: "x".into(),
                description: None,
                program_id: PROGRAM_A.into(),
                is_public: true,
            })
            .await;
    assert!(matches!(dup, Err(StoreError::Conflict { .. })), "{dup:?}");

    let mine: Vec<String> =
        t.db.store
            .list_user_projects(&alice.id)
            .await
            .unwrap()
            .into_iter()
            .map(|p| p.id)
            .collect();
    assert_eq!(mine, vec![a2.id.clone(), a1.id.clone()], "newest first");

    t.db.store
        .append_idl_version(
            &a1.id,
            NewVersion {
                docs: VersionDocs::Given("# one"),
                ..NewVersion::plain("{\"v\":1}")
            },
        )
        .await
        .unwrap();
    t.db.store
        .append_idl_version(&a1.id, NewVersion::plain("{\"v\":2}"))
        .await
        .unwrap();
    let page =
        t.db.store
            .list_public_projects(Page::new(1, 0))
            .await
            .unwrap();
    assert_eq!(page.total, 2);
    assert_eq!(page.items.len(), 1);
    assert_eq!(page.items[0].id, b1.id);
    let page2 =
        t.db.store
            .list_public_projects(Page::new(1, 1))
            .await
            .unwrap();
    assert_eq!(page2.items[0].id, a1.id);
    assert_eq!(page2.items[0].version_count, 2);
    assert_eq!(page2.items[0].username, "user1");
    assert_eq!(Page::new(10_000, 0).limit, Page::MAX_LIMIT);

    let updated =
        t.db.store
            .update_project(
                &a1.id,
                &ProjectUpdate {
                    description: Some(None),
                    custom_docs: Some(Some("# Docs".into())),
                    ..Default::default()
                },
            )
            .await
            .unwrap()
            .unwrap();
    assert_eq!(updated.name, a1.name, "untouched column kept");
    assert_eq!(updated.description, None, "cleared");
    assert_eq!(updated.custom_docs.as_deref(), Some("# Docs"));
    assert!(t
        .db
        .store
        .update_project("missing", &ProjectUpdate::default())
        .await
        .unwrap()
        .is_none());

    t.db.store
        .upsert_socials(
            &a1.id,
            &Socials {
                telegram: Some("https://t.me/x".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let details = t.db.store.project_details(&a1.id).await.unwrap().unwrap();
    assert_eq!(details.idl_version, Some(2));
    assert_eq!(details.idl_json.as_deref(), Some("{\"v\":2}"));
    assert_eq!(details.telegram.as_deref(), Some("https://t.me/x"));
    assert_eq!(details.project.custom_docs.as_deref(), Some("# Docs"));
    let bare = t.db.store.project_details(&a2.id).await.unwrap().unwrap();
    assert_eq!(bare.idl_version, None);

    let by_program = t.db.store.projects_by_program(PROGRAM_A).await.unwrap();
    assert_eq!(by_program.len(), 2);

    let uwp =
        t.db.store
            .user_with_projects(&alice.id)
            .await
            .unwrap()
            .unwrap();
    assert_eq!(
        uwp.projects
            .iter()
            .map(|p| p.id.clone())
            .collect::<Vec<_>>(),
        vec![a2.id.clone(), a1.id.clone()]
    );
    assert!(!uwp.projects[0].is_public);
    let carol = user(&t.db, 3).await;
    assert!(t
        .db
        .store
        .user_with_projects(&carol.id)
        .await
        .unwrap()
        .unwrap()
        .projects
        .is_empty());
    assert!(t
        .db
        .store
        .user_with_projects("missing")
        .await
        .unwrap()
        .is_none());

    assert!(t.db.store.delete_project(&a1.id).await.unwrap());
    assert_eq!(count(&t.db, "idl_versions").await, 0);
    assert_eq!(count(&t.db, "project_socials").await, 0);
}

async fn socials_upsert_replaces_and_clears(t: TestDb) {
    let alice = user(&t.db, 1).await;
    let p = project(&t.db, &alice, PROGRAM_A, true).await;
    assert!(t.db.store.get_socials(&p.id).await.unwrap().is_none());
    let first =
        t.db.store
            .upsert_socials(
                &p.id,
                &Socials {
                    twitter: Some("https://x.com/a".into()),
                    github: Some("https://github.com/a".into()),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
    let second =
        t.db.store
            .upsert_socials(
                &p.id,
                &Socials {
                    github: Some("https://github.com/b".into()),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
    assert_eq!(first.id, second.id, "one row per project");
    assert_eq!(second.twitter, None, "cleared");
    assert_eq!(second.github.as_deref(), Some("https://github.com/b"));
    assert_eq!(count(&t.db, "project_socials").await, 1);
}

async fn known_addresses_are_scoped_to_their_project(t: TestDb) {
    let alice = user(&t.db, 1).await;
    let p = project(&t.db, &alice, PROGRAM_A, true).await;
    let q = project(&t.db, &alice, PROGRAM_B, true).await;
    let input = NewKnownAddress {
        label: "Treasury".into(),
        address: PROGRAM_B.into(),
        description: Some("Main".into()),
    };
    let a =
        t.db.store
            .create_known_address(&p.id, &input)
            .await
            .unwrap();
    assert_eq!(
        t.db.store.list_known_addresses(&p.id).await.unwrap(),
        vec![a.clone()]
    );
    assert!(t
        .db
        .store
        .get_known_address(&q.id, &a.id)
        .await
        .unwrap()
        .is_none());
    let changed = NewKnownAddress {
        label: "Vault".into(),
        ..input.clone()
    };
    assert!(t
        .db
        .store
        .update_known_address(&q.id, &a.id, &changed)
        .await
        .unwrap()
        .is_none());
    assert!(!t.db.store.delete_known_address(&q.id, &a.id).await.unwrap());
    let updated =
        t.db.store
            .update_known_address(&p.id, &a.id, &changed)
            .await
            .unwrap()
            .unwrap();
    assert_eq!(updated.label, "Vault");
    assert!(t.db.store.delete_known_address(&p.id, &a.id).await.unwrap());
    assert!(t
        .db
        .store
        .list_known_addresses(&p.id)
        .await
        .unwrap()
        .is_empty());
    let orphan = t.db.store.create_known_address("missing", &input).await;
    assert!(
        matches!(orphan, Err(StoreError::NotFound { .. })),
        "{orphan:?}"
    );
}

async fn stats_report_the_seed_queries(t: TestDb) {
    let alice = user(&t.db, 1).await;
    let _bob = user(&t.db, 2).await;
    let p = project(&t.db, &alice, PROGRAM_A, true).await;
    project(&t.db, &alice, PROGRAM_B, false).await;
    for _ in 0..3 {
        t.db.store
            .append_idl_version(&p.id, NewVersion::plain("{}"))
            .await
            .unwrap();
    }
    let stats = t.db.store.stats(2).await.unwrap();
    assert_eq!(
        (
            stats.users,
            stats.public_projects,
            stats.projects,
            stats.idl_versions
        ),
        (2, 1, 2, 3)
    );
    assert_eq!(stats.recent_uploads.len(), 2);
    assert_eq!(stats.recent_uploads[0].version, 3);
    let alice_stats = stats
        .per_user
        .iter()
        .find(|u| u.username == "user1")
        .unwrap();
    assert_eq!(
        (alice_stats.project_count, alice_stats.version_count),
        (2, 3)
    );
    let bob_stats = stats
        .per_user
        .iter()
        .find(|u| u.username == "user2")
        .unwrap();
    assert_eq!((bob_stats.project_count, bob_stats.version_count), (0, 0));
}

async fn revoked_sessions_are_remembered_and_pruned(t: TestDb) {
    assert!(!t.db.store.is_session_revoked("jti-1").await.unwrap());
    let in_an_hour = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
        + 3600;
    t.db.store
        .revoke_session("jti-1", in_an_hour)
        .await
        .unwrap();
    t.db.store
        .revoke_session("jti-1", in_an_hour)
        .await
        .unwrap();
    assert!(t.db.store.is_session_revoked("jti-1").await.unwrap());
    // An entry whose token has lapsed is pruned by the next revocation.
    t.db.store.revoke_session("jti-old", 1).await.unwrap();
    t.db.store
        .revoke_session("jti-2", in_an_hour)
        .await
        .unwrap();
    assert!(!t.db.store.is_session_revoked("jti-old").await.unwrap());
    assert!(t.db.store.is_session_revoked("jti-1").await.unwrap());
}

async fn search_finds_public_projects_by_name_program_and_instruction(t: TestDb) {
    let alice = user(&t.db, 1).await;
    let new = |name: &str, program: &str, public: bool| NewProject {
        user_id: alice.id.clone(),
        name: name.into(),
        description: Some(format!("{name} description")),
        program_id: program.into(),
        is_public: public,
    };
    let (swap, v1) =
        t.db.store
            .create_project_with_version(
                &ids::new_id(),
                &new("Whirlpool swap", PROGRAM_A, true),
                NewVersion {
                    docs: VersionDocs::Given("# doc"),
                    search_instructions: Some("initialize_pool swap two_hop_swap"),
                    ..NewVersion::plain("{}")
                },
            )
            .await
            .unwrap();
    assert_eq!(v1.version, 1);
    assert_eq!(v1.cpi_md.as_deref(), Some("# doc"));
    let (hidden, _) =
        t.db.store
            .create_project_with_version(
                &ids::new_id(),
                &new("Secret swap", PROGRAM_B, false),
                NewVersion::plain("{}"),
            )
            .await
            .unwrap();
    let names =
        |page: Paged<PublicProject>| page.items.into_iter().map(|p| p.name).collect::<Vec<_>>();
    assert_eq!(
        names(
            t.db.store
                .search_public_projects("whirl", Page::new(10, 0))
                .await
                .unwrap()
        ),
        ["Whirlpool swap"]
    );
    assert_eq!(
        names(
            t.db.store
                .search_public_projects("two_hop", Page::new(10, 0))
                .await
                .unwrap()
        ),
        ["Whirlpool swap"]
    );
    assert_eq!(
        names(
            t.db.store
                .search_public_projects(&PROGRAM_A[..10], Page::new(10, 0))
                .await
                .unwrap()
        ),
        ["Whirlpool swap"]
    );
    let swap_hits =
        t.db.store
            .search_public_projects("swap", Page::new(10, 0))
            .await
            .unwrap();
    assert_eq!(swap_hits.total, 1, "the private project is never found");
    assert!(t
        .db
        .store
        .search_public_projects("pump.fun\" OR *", Page::new(10, 0))
        .await
        .unwrap()
        .items
        .is_empty());
    // Renames are indexed; deletes (also cascaded ones) leave no rows behind.
    t.db.store
        .update_project(
            &swap.id,
            &ProjectUpdate {
                name: Some("Orca".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(
        names(
            t.db.store
                .search_public_projects("orca", Page::new(10, 0))
                .await
                .unwrap()
        ),
        ["Orca"]
    );
    t.db.store.delete_user(&alice.id).await.unwrap();
    assert_eq!(count(&t.db, "project_search").await, 0);
    assert!(t.db.store.get_project(&hidden.id).await.unwrap().is_none());
}

async fn creating_a_project_with_its_first_version_is_atomic(t: TestDb) {
    let alice = user(&t.db, 1).await;
    project(&t.db, &alice, PROGRAM_A, true).await;
    let clash = NewProject {
        user_id: alice.id.clone(),
        name: "x".into(),
        description: None,
        program_id: PROGRAM_A.into(),
        is_public: true,
    };
    let err =
        t.db.store
            .create_project_with_version(&ids::new_id(), &clash, NewVersion::plain("{}"))
            .await
            .unwrap_err();
    assert!(matches!(err, StoreError::Conflict { .. }));
    assert_eq!(count(&t.db, "idl_versions").await, 0, "no orphan version");
    let sitemap = t.db.store.sitemap(10).await.unwrap();
    assert_eq!(sitemap.len(), 1);
    assert_eq!(sitemap[0].program_id, PROGRAM_A);
}

async fn totals_match_the_full_statistics(t: TestDb) {
    let alice = user(&t.db, 1).await;
    let p = project(&t.db, &alice, PROGRAM_A, true).await;
    project(&t.db, &alice, PROGRAM_B, false).await;
    t.db.store
        .append_idl_version(&p.id, NewVersion::plain("{}"))
        .await
        .unwrap();
    let totals = t.db.store.totals().await.unwrap();
    let stats = t.db.store.stats(10).await.unwrap();
    assert_eq!(
        (
            totals.users,
            totals.public_projects,
            totals.projects,
            totals.idl_versions,
            totals.known_addresses
        ),
        (1, 1, 2, 1, 0)
    );
    assert_eq!(
        (stats.users, stats.public_projects, stats.projects),
        (1, 1, 2)
    );
}

/// Best match first (a name outweighs a description), and `total` counts every match, not the
/// page.
async fn search_ranks_names_first_and_pages_with_totals(t: TestDb) {
    let alice = user(&t.db, 1).await;
    let programs = [PROGRAM_A, PROGRAM_B, "11111111111111111111111111111111"];
    let named = [
        ("Vault keeper", "keeps things"),
        ("Lending", "a vault for lenders"),
        ("Other", "nothing to see"),
    ];
    for ((name, description), program) in named.iter().zip(programs) {
        t.db.store
            .create_project(&NewProject {
                user_id: alice.id.clone(),
                name: name.to_string(),
                description: Some(description.to_string()),
                program_id: program.into(),
                is_public: true,
            })
            .await
            .unwrap();
    }
    let first =
        t.db.store
            .search_public_projects("vault", Page::new(1, 0))
            .await
            .unwrap();
    assert_eq!(first.total, 2);
    assert_eq!(first.items.len(), 1);
    assert_eq!(first.items[0].name, "Vault keeper", "the name match first");
    let second =
        t.db.store
            .search_public_projects("vault", Page::new(1, 1))
            .await
            .unwrap();
    assert_eq!(second.items[0].name, "Lending");
    let both =
        t.db.store
            .search_public_projects("vau lend", Page::new(10, 0))
            .await
            .unwrap();
    assert_eq!(
        both.items
            .iter()
            .map(|p| p.name.as_str())
            .collect::<Vec<_>>(),
        ["Lending"],
        "every word must match, each as a prefix"
    );
}

common::both_backends!(
    upsert_user_by_github_id_updates_in_place,
    deleting_a_user_cascades_to_everything_below,
    concurrent_appends_store_docs_and_search_terms_for_the_version_they_get,
    fifty_concurrent_appends_get_versions_one_to_fifty,
    appending_to_a_missing_project_is_not_found,
    api_keys_store_only_hashes_and_honour_expiry,
    rotate_and_revoke_keys,
    projects_crud_and_listings,
    socials_upsert_replaces_and_clears,
    known_addresses_are_scoped_to_their_project,
    stats_report_the_seed_queries,
    revoked_sessions_are_remembered_and_pruned,
    search_finds_public_projects_by_name_program_and_instruction,
    creating_a_project_with_its_first_version_is_atomic,
    totals_match_the_full_statistics,
    search_ranks_names_first_and_pages_with_totals,
);
