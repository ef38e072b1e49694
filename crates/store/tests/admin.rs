#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Operator functions: dump/restore fidelity, raw queries, and refusing bad database files.

mod common;

use common::{migrated, project, user};
use orquestra_store::*;

#[tokio::test]
async fn export_then_import_gives_an_identical_dump() {
    let t = migrated().await;
    let alice = user(&t.db, 1).await;
    let p = project(
        &t.db,
        &alice,
        "BUYuxRfhCMWavaUWxhGtPP3ksKEDZxCD5gzknk3JfAya",
        true,
    )
    .await;
    // Awkward values: quotes, newlines (incl. a line that looks like the dump's COMMIT), unicode.
    t.db.store
        .append_idl_version(
            &p.id,
            NewVersion {
                docs: VersionDocs::Given(
                    "line1\nCOMMIT;\n-- not a comment\n'; DROP TABLE users; --\nünïcødé",
                ),
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
    let dump = t.db.admin.export().await.unwrap();
    assert!(dump.contains("CREATE TABLE users ("));
    assert!(dump.contains("CREATE INDEX idx_users_github_id"));

    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("restored.db").display());
    let restored = open(&url, OpenOptions::default()).await.unwrap();
    restored.admin.import(&dump).await.unwrap();
    assert_eq!(restored.admin.export().await.unwrap(), dump);
    // The restored database is recognised as migrated and usable.
    assert!(restored.store.migrate().await.unwrap().is_empty());
    let v = restored
        .store
        .latest_idl_version(&p.id)
        .await
        .unwrap()
        .unwrap();
    assert!(v.cpi_md.unwrap().contains("COMMIT;\n-- not a comment"));

    let again = restored.admin.import(&dump).await;
    assert!(
        matches!(again, Err(StoreError::NotEmpty { .. })),
        "{again:?}"
    );
}

#[tokio::test]
async fn a_failed_import_leaves_the_database_empty() {
    let t = migrated().await;
    let alice = user(&t.db, 1).await;
    project(
        &t.db,
        &alice,
        "BUYuxRfhCMWavaUWxhGtPP3ksKEDZxCD5gzknk3JfAya",
        true,
    )
    .await;
    let dump = t.db.admin.export().await.unwrap();
    // Drop the users rows: the projects row then breaks its foreign key.
    let broken: String = dump
        .lines()
        .filter(|l| !l.starts_with("INSERT INTO \"users\""))
        .collect::<Vec<_>>()
        .join("\n");
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("x.db").display());
    let target = open(&url, OpenOptions::default()).await.unwrap();
    assert!(target.admin.import(&broken).await.is_err());
    assert!(target.admin.tables().await.unwrap().is_empty());
    let garbage = target
        .admin
        .import("CREATE TABLE t(x); INSERT INTO nope VALUES(1);")
        .await;
    assert!(garbage.is_err());
    assert!(target.admin.tables().await.unwrap().is_empty());
}

#[tokio::test]
async fn raw_queries_return_typed_cells() {
    let t = migrated().await;
    let r =
        t.db.admin
            .query("SELECT 1 AS i, 2.5 AS r, 'x' AS t, X'00ff' AS b, NULL AS n")
            .await
            .unwrap();
    assert_eq!(r.columns, ["i", "r", "t", "b", "n"]);
    assert_eq!(
        r.rows[0],
        vec![
            serde_json::json!(1),
            serde_json::json!(2.5),
            serde_json::json!("x"),
            serde_json::json!({"hex": "00ff"}),
            serde_json::Value::Null
        ]
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
    let err = t.db.admin.query("SELEC nonsense").await.unwrap_err();
    assert!(err.to_string().contains("syntax error"), "{err}");
}

#[tokio::test]
async fn a_file_that_is_not_sqlite_is_refused_clearly() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("garbage.db");
    std::fs::write(&path, vec![0x42u8; 8192]).unwrap();
    let err = open(
        &format!("sqlite://{}", path.display()),
        OpenOptions::default(),
    )
    .await
    .err()
    .unwrap();
    assert!(matches!(err, StoreError::NotADatabase { .. }), "{err:?}");
    let missing = open(
        &format!("sqlite://{}", dir.path().join("absent.db").display()),
        OpenOptions {
            create_if_missing: false,
            ..Default::default()
        },
    )
    .await
    .err()
    .unwrap();
    assert!(matches!(missing, StoreError::Missing { .. }), "{missing:?}");
    assert!(!dir.path().join("absent.db").exists());
    let pg = open("mysql://localhost/x", OpenOptions::default())
        .await
        .err()
        .unwrap();
    assert!(matches!(pg, StoreError::UnsupportedUrl { .. }));
}

#[tokio::test]
async fn a_changed_migration_is_detected() {
    let t = migrated().await;
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
async fn ddl_reports_no_changed_rows() {
    let t = migrated().await;
    user(&t.db, 1).await;
    t.db.admin
        .query("UPDATE users SET avatar_url = 'x'")
        .await
        .unwrap();
    let ddl =
        t.db.admin
            .query("CREATE TABLE scratch (x INTEGER)")
            .await
            .unwrap();
    assert_eq!(ddl.rows_affected, 0, "not the previous UPDATE's count");
}
