#![allow(clippy::unwrap_used, clippy::expect_used)]
//! What only PostgreSQL needs shown: its schema is SQLite's (tables, columns, cascades, index
//! names), instances sharing one database get gap-free versions and apply each migration once,
//! the dump round-trips, raw queries read PostgreSQL types, and timestamps read like SQLite's.

mod common;

use std::collections::BTreeSet;
use std::sync::Arc;

use common::{project, user};
use orquestra_store::*;
use sqlx::Row;

const PROGRAM_A: &str = "BUYuxRfhCMWavaUWxhGtPP3ksKEDZxCD5gzknk3JfAya";

/// (table, column) of every column, both backends' views of the same schema.
type Columns = BTreeSet<(String, String)>;
/// (table, column, parent table, parent column, on delete).
type ForeignKeys = BTreeSet<(String, String, String, String, String)>;

async fn sqlite_schema(url: &str) -> (Columns, ForeignKeys, BTreeSet<String>) {
    let pool = sqlx::SqlitePool::connect(url).await.unwrap();
    let columns = sqlx::query(
        "SELECT m.name AS t, c.name AS c FROM sqlite_master m, pragma_table_info(m.name) c
         WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name NOT LIKE 'project_search_%'",
    )
    .fetch_all(&pool)
    .await
    .unwrap()
    .iter()
    .map(|r| (r.get("t"), r.get("c")))
    .collect();
    let keys = sqlx::query(
        "SELECT m.name AS t, f.\"from\" AS c, f.\"table\" AS p, f.\"to\" AS pc, f.on_delete AS d
         FROM sqlite_master m, pragma_foreign_key_list(m.name) f WHERE m.type = 'table'",
    )
    .fetch_all(&pool)
    .await
    .unwrap()
    .iter()
    .map(|r| (r.get("t"), r.get("c"), r.get("p"), r.get("pc"), r.get("d")))
    .collect();
    let indexes = sqlx::query(
        "SELECT name FROM sqlite_master WHERE type = 'index' AND name NOT LIKE 'sqlite_%'",
    )
    .fetch_all(&pool)
    .await
    .unwrap()
    .iter()
    .map(|r| r.get("name"))
    .collect();
    pool.close().await;
    (columns, keys, indexes)
}

async fn postgres_schema(url: &str) -> (Columns, ForeignKeys, BTreeSet<String>) {
    let pool = sqlx::PgPool::connect(url).await.unwrap();
    let columns = sqlx::query(
        "SELECT table_name::text AS t, column_name::text AS c FROM information_schema.columns
         WHERE table_schema = current_schema()",
    )
    .fetch_all(&pool)
    .await
    .unwrap()
    .iter()
    .map(|r| (r.get("t"), r.get("c")))
    .collect();
    let keys = sqlx::query(
        "SELECT c.relname::text AS t, a.attname::text AS c, p.relname::text AS p,
           pa.attname::text AS pc,
           CASE k.confdeltype WHEN 'c' THEN 'CASCADE' WHEN 'a' THEN 'NO ACTION' ELSE 'OTHER' END AS d
         FROM pg_constraint k
         JOIN pg_class c ON c.oid = k.conrelid
         JOIN pg_class p ON p.oid = k.confrelid
         JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = k.conkey[1]
         JOIN pg_attribute pa ON pa.attrelid = k.confrelid AND pa.attnum = k.confkey[1]
         WHERE k.contype = 'f' AND c.relnamespace = current_schema()::regnamespace",
    )
    .fetch_all(&pool)
    .await
    .unwrap()
    .iter()
    .map(|r| (r.get("t"), r.get("c"), r.get("p"), r.get("pc"), r.get("d")))
    .collect();
    let indexes = sqlx::query(
        "SELECT indexname::text AS name FROM pg_indexes WHERE schemaname = current_schema()",
    )
    .fetch_all(&pool)
    .await
    .unwrap()
    .iter()
    .map(|r| r.get("name"))
    .collect();
    pool.close().await;
    (columns, keys, indexes)
}

#[tokio::test]
async fn the_schema_is_sqlites_table_for_table() {
    let Some(pg) = common::migrated_postgres().await else {
        return;
    };
    let lite = common::migrated().await;
    assert_eq!(
        pg.db.admin.tables().await.unwrap(),
        lite.db.admin.tables().await.unwrap()
    );
    let (lite_columns, lite_keys, lite_indexes) = sqlite_schema(&lite.url).await;
    let (mut pg_columns, mut pg_keys, pg_indexes) = postgres_schema(&pg.url).await;
    // PostgreSQL's search index is a column of `project_search` rather than FTS5 shadow tables,
    // and the table follows its project through a foreign key rather than a delete trigger.
    assert!(pg_columns.remove(&("project_search".into(), "document".into())));
    assert!(pg_keys.remove(&(
        "project_search".into(),
        "project_id".into(),
        "projects".into(),
        "id".into(),
        "CASCADE".into()
    )));
    assert_eq!(pg_columns, lite_columns);
    assert_eq!(pg_keys, lite_keys);
    let missing: Vec<&String> = lite_indexes.difference(&pg_indexes).collect();
    assert!(
        missing.is_empty(),
        "indexes missing in PostgreSQL: {missing:?}"
    );
    assert!(pg_indexes.contains("idx_project_search_document"));
}

#[tokio::test]
async fn two_instances_appending_at_once_get_versions_one_to_forty() {
    let Some(t) = common::migrated_postgres().await else {
        return;
    };
    let alice = user(&t.db, 1).await;
    let p = project(&t.db, &alice, PROGRAM_A, true).await;
    // Two pools, as two server instances would have.
    let first = open(&t.url, OpenOptions::default()).await.unwrap();
    let second = open(&t.url, OpenOptions::default()).await.unwrap();
    let mut tasks = Vec::new();
    for (instance, db) in [first, second].into_iter().enumerate() {
        for i in 0..20 {
            let store: Arc<dyn Store> = db.store.clone();
            let pid = p.id.clone();
            tasks.push(tokio::spawn(async move {
                let idl = format!("{{\"instance\":{instance},\"n\":{i}}}");
                let generate = |version: i64| format!("# v{version}");
                let new = NewVersion {
                    idl_json: &idl,
                    docs: VersionDocs::Generated(&generate),
                    search_instructions: None,
                };
                store.append_idl_version(&pid, new).await.unwrap().version
            }));
        }
    }
    let mut versions = Vec::new();
    for task in tasks {
        versions.push(task.await.unwrap());
    }
    versions.sort();
    assert_eq!(versions, (1..=40).collect::<Vec<i64>>());
    for version in [1, 17, 40] {
        let row =
            t.db.store
                .idl_version(&p.id, version)
                .await
                .unwrap()
                .unwrap();
        assert_eq!(row.cpi_md.unwrap(), format!("# v{version}"));
    }
}

#[tokio::test]
async fn instances_starting_together_apply_each_migration_once() {
    let Some(t) = common::empty_postgres().await else {
        return;
    };
    let mut tasks = Vec::new();
    for _ in 0..3 {
        let db = open(&t.url, OpenOptions::default()).await.unwrap();
        tasks.push(tokio::spawn(
            async move { db.store.migrate().await.unwrap() },
        ));
    }
    let mut applied = Vec::new();
    for task in tasks {
        applied.extend(task.await.unwrap().into_iter().map(|m| m.version));
    }
    applied.sort();
    assert_eq!(applied, (1..=8).collect::<Vec<i64>>(), "each applied once");
    let recorded = t.db.store.applied_migrations().await.unwrap();
    assert_eq!(recorded.len(), 8);
    assert!(t.db.store.migrate().await.unwrap().is_empty());
}

#[tokio::test]
async fn export_then_import_round_trips() {
    let Some(t) = common::migrated_postgres().await else {
        return;
    };
    let alice = user(&t.db, 1).await;
    let p = project(&t.db, &alice, PROGRAM_A, true).await;
    // Awkward values: quotes, backslashes, newlines (incl. lines that look like the dump's own
    // statements and comments), semicolons, unicode.
    let docs = "line1\nCOMMIT;\n-- not a comment\n'; DROP TABLE users; --\nünïcødé \\x00 \\n";
    t.db.store
        .append_idl_version(
            &p.id,
            NewVersion {
                docs: VersionDocs::Given(docs),
                search_instructions: Some("swap_base_in deposit"),
                ..NewVersion::plain("{\"name\":\"it's \\\"quoted\\\"\"}")
            },
        )
        .await
        .unwrap();
    t.db.store.create_api_key(&p.id, Some(60)).await.unwrap();
    t.db.store
        .upsert_socials(
            &p.id,
            &Socials {
                website: Some("https://e.com".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let list =
        t.db.store
            .create_list(
                &alice.id,
                &NewProgramList {
                    name: "L".into(),
                    description: None,
                },
            )
            .await
            .unwrap();
    t.db.store
        .add_list_item(&alice.id, &list.list.id, &p.id)
        .await
        .unwrap()
        .unwrap();
    t.db.store.revoke_session("jti", i64::MAX).await.unwrap();
    let mut streamed = Vec::new();
    let summary = t.db.admin.export_to(&mut streamed).await.unwrap();
    let dump = String::from_utf8(streamed).unwrap();
    assert!(dump.starts_with("-- orquestra SQL dump"));
    assert!(dump.contains("INSERT INTO \"users\""));
    assert_eq!(summary.bytes, dump.len() as u64);
    assert_eq!(
        summary.rows,
        dump.lines()
            .filter(|l| l.starts_with("INSERT INTO"))
            .count() as u64
    );
    assert_eq!(
        summary.rows, 9,
        "users, projects, search, version, key, socials, list, item, session"
    );

    // Into a database that was never migrated, and into one that was.
    let fresh = common::empty_postgres().await.unwrap();
    let migrated = common::migrated_postgres().await.unwrap();
    for target in [&fresh, &migrated] {
        let mut heard = Vec::new();
        let done = target
            .db
            .admin
            .import_from(&mut dump.as_bytes(), &mut |p| heard.push(p))
            .await
            .unwrap();
        assert_eq!(done.bytes, dump.len() as u64);
        assert_eq!(heard.last(), Some(&done), "the end is reported");
        assert_eq!(target.db.admin.export().await.unwrap(), dump);
        assert!(target.db.store.migrate().await.unwrap().is_empty());
        let v = target
            .db
            .store
            .latest_idl_version(&p.id)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(v.cpi_md.as_deref(), Some(docs));
        // The search rows came with the dump (the insert trigger did not add its own).
        let found = target
            .db
            .store
            .search_public_projects("swap_base", Page::new(10, 0))
            .await
            .unwrap();
        assert_eq!(found.total, 1);
        // Triggers work again after the import.
        target
            .db
            .store
            .update_project(
                &p.id,
                &ProjectUpdate {
                    name: Some("Renamed".into()),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        let renamed = target
            .db
            .store
            .search_public_projects("renamed", Page::new(10, 0))
            .await
            .unwrap();
        assert_eq!(renamed.total, 1);
        let again = target.db.admin.import(&dump).await;
        assert!(
            matches!(again, Err(StoreError::NotEmpty { .. })),
            "{again:?}"
        );
    }
}

#[tokio::test]
async fn a_failed_import_leaves_the_database_untouched() {
    let Some(t) = common::migrated_postgres().await else {
        return;
    };
    let alice = user(&t.db, 1).await;
    project(&t.db, &alice, PROGRAM_A, true).await;
    let dump = t.db.admin.export().await.unwrap();
    let broken: String = dump
        .lines()
        .filter(|l| !l.starts_with("INSERT INTO \"users\""))
        .collect::<Vec<_>>()
        .join("\n");
    let target = common::empty_postgres().await.unwrap();
    assert!(target.db.admin.import(&broken).await.is_err());
    assert!(
        target.db.admin.tables().await.unwrap().is_empty(),
        "not even the migrations stay"
    );
    assert!(target
        .db
        .admin
        .import("INSERT INTO nope VALUES (1);")
        .await
        .is_err());
    assert!(target.db.admin.tables().await.unwrap().is_empty());
}

#[tokio::test]
async fn raw_queries_return_typed_cells() {
    let Some(t) = common::migrated_postgres().await else {
        return;
    };
    let r =
        t.db.admin
            .query(
                "SELECT 1 AS i, 2.5 AS r, 'x' AS t, '\\x00ff'::bytea AS b, NULL AS n, true AS o,
                   '2026-01-02 03:04:05.678'::timestamp AS ts, '{\"a\":1}'::jsonb AS j",
            )
            .await
            .unwrap();
    assert_eq!(r.columns, ["i", "r", "t", "b", "n", "o", "ts", "j"]);
    assert_eq!(
        r.rows[0],
        vec![
            serde_json::json!(1),
            serde_json::json!(2.5),
            serde_json::json!("x"),
            serde_json::json!({"hex": "00ff"}),
            serde_json::Value::Null,
            serde_json::json!(true),
            serde_json::json!("2026-01-02 03:04:05"),
            serde_json::json!("{\"a\": 1}"),
        ]
    );
    let empty =
        t.db.admin
            .query("SELECT id, username FROM users")
            .await
            .unwrap();
    assert_eq!(
        empty.columns,
        ["id", "username"],
        "columns even without rows"
    );
    let alice = user(&t.db, 1).await;
    let changed =
        t.db.admin
            .query(&format!(
                "UPDATE users SET avatar_url = NULL WHERE id = '{}'",
                alice.id
            ))
            .await
            .unwrap();
    assert_eq!(changed.rows_affected, 1);
    let ddl =
        t.db.admin
            .query("CREATE TABLE scratch (x INTEGER)")
            .await
            .unwrap();
    assert_eq!(ddl.rows_affected, 0);
    let err = t.db.admin.query("SELEC nonsense").await.unwrap_err();
    assert!(err.to_string().contains("syntax error"), "{err}");
    let schema = t.db.admin.schema().await.unwrap();
    assert!(schema
        .iter()
        .any(|s| s.starts_with("CREATE TABLE \"users\" (")));
    assert!(schema
        .iter()
        .any(|s| s.contains("CREATE INDEX idx_users_github_id")));
    assert!(schema.iter().any(|s| s.contains("ON DELETE CASCADE")));
}

#[tokio::test]
async fn timestamps_read_like_sqlites() {
    let Some(t) = common::migrated_postgres().await else {
        return;
    };
    let alice = user(&t.db, 1).await;
    let p = project(&t.db, &alice, PROGRAM_A, true).await;
    let key = t.db.store.create_api_key(&p.id, Some(3600)).await.unwrap();
    let shape = |s: &Option<String>| {
        let s = s.as_deref().unwrap();
        assert_eq!(s.len(), 19, "{s}");
        assert!(
            s.chars().enumerate().all(|(i, c)| match i {
                4 | 7 => c == '-',
                10 => c == ' ',
                13 | 16 => c == ':',
                _ => c.is_ascii_digit(),
            }),
            "{s}"
        );
    };
    for s in [
        &alice.created_at,
        &p.created_at,
        &p.updated_at,
        &key.key.created_at,
        &key.key.expires_at,
    ] {
        shape(s);
    }
    let migrations = t.db.store.applied_migrations().await.unwrap();
    shape(&migrations[0].applied_at);
}

#[tokio::test]
async fn a_changed_migration_is_detected() {
    let Some(t) = common::migrated_postgres().await else {
        return;
    };
    t.db.admin
        .query("UPDATE _orquestra_migrations SET checksum = 'x' WHERE version = 2")
        .await
        .unwrap();
    let err = t.db.store.migrate().await.unwrap_err();
    assert!(
        matches!(err, StoreError::MigrationChanged { .. }),
        "{err:?}"
    );
}

#[tokio::test]
async fn a_missing_database_is_an_open_error_without_the_password() {
    let Some(t) = common::empty_postgres().await else {
        return;
    };
    let (root, _) = t.url.rsplit_once('/').unwrap();
    let url = format!(
        "{}/no_such_database",
        root.replacen("postgres@", "postgres:hunter2@", 1)
    );
    let err = open(&url, OpenOptions::default()).await.err().unwrap();
    assert!(matches!(err, StoreError::Open { .. }), "{err:?}");
    let shown = err.to_string();
    assert!(!shown.contains("hunter2"), "{shown}");
    assert!(shown.contains("no_such_database"), "{shown}");
}

/// There is no project cache on PostgreSQL, so what one instance writes, another reads at once
/// (SQLite's cache needs its `data_version` watch for that; this guards against a cache being
/// added here without an equivalent).
#[tokio::test]
async fn another_instance_sees_writes_at_once() {
    let Some(t) = common::migrated_postgres().await else {
        return;
    };
    let other = open(&t.url, OpenOptions::default()).await.unwrap();
    let alice = user(&t.db, 1).await;
    let p = project(&t.db, &alice, PROGRAM_A, true).await;
    assert_eq!(
        other.store.get_project_with_version(&p.id).await.unwrap(),
        Some((p.clone(), None))
    );
    assert_eq!(
        other
            .store
            .list_public_projects(Page::new(10, 0))
            .await
            .unwrap()
            .total,
        1
    );
    t.db.store
        .append_idl_version(&p.id, NewVersion::plain("{}"))
        .await
        .unwrap();
    t.db.store
        .update_project(
            &p.id,
            &ProjectUpdate {
                is_public: Some(false),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let (seen, latest) = other
        .store
        .get_project_with_version(&p.id)
        .await
        .unwrap()
        .unwrap();
    assert!(!seen.is_public);
    assert_eq!(latest, Some(1));
    assert_eq!(
        other
            .store
            .list_public_projects(Page::new(10, 0))
            .await
            .unwrap()
            .total,
        0
    );
    let status = other.store.pool_status().unwrap();
    assert!(status.size >= 1 && status.idle <= status.size, "{status:?}");
}

/// Lists created at once from two instances: exactly one becomes the default (SQLite gets this
/// from its single writer; PostgreSQL from the partial unique index and a retry as non-default).
#[tokio::test]
async fn concurrent_first_lists_make_one_default() {
    let Some(t) = common::migrated_postgres().await else {
        return;
    };
    let alice = user(&t.db, 1).await;
    let other = open(&t.url, OpenOptions::default()).await.unwrap();
    let mut tasks = Vec::new();
    for (i, db) in [t.db.clone(), other]
        .into_iter()
        .cycle()
        .take(12)
        .enumerate()
    {
        let user_id = alice.id.clone();
        tasks.push(tokio::spawn(async move {
            db.store
                .create_list(
                    &user_id,
                    &NewProgramList {
                        name: format!("L{i}"),
                        description: None,
                    },
                )
                .await
                .unwrap()
        }));
    }
    let mut defaults = 0;
    for task in tasks {
        defaults += usize::from(task.await.unwrap().list.is_default);
    }
    assert_eq!(defaults, 1);
    let lists = t.db.store.list_lists(&alice.id).await.unwrap();
    assert_eq!(lists.len(), 12);
    assert!(lists[0].is_default, "the default first");
    let (default, key) = t.db.store.default_list(&alice.id).await.unwrap();
    assert_eq!(default.id, lists[0].id);
    assert!(key.is_none(), "not created again");
}
