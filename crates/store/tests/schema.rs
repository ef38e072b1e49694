#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The migrated schema matches its specification (the tables, columns, constraints and indexes
//! written out in this test) column by column, and every statement of the specification runs
//! unchanged against it. The PRAGMA-based checks are SQLite's; `postgres.rs` checks that the
//! PostgreSQL schema has the same tables, columns, cascades and index names.

mod common;

use sqlx::{Row, SqlitePool};

async fn pool(url: &str) -> SqlitePool {
    sqlx::sqlite::SqlitePoolOptions::new()
        .max_connections(1)
        .after_connect(|conn, _| {
            Box::pin(async move {
                sqlx::Executor::execute(conn, "PRAGMA foreign_keys=ON")
                    .await
                    .map(|_| ())
            })
        })
        .connect(url)
        .await
        .unwrap()
}

/// (name, type, notnull, default, pk) as the seed declares them.
type Col = (&'static str, &'static str, bool, Option<&'static str>, bool);

const TS: Option<&str> = Some("CURRENT_TIMESTAMP");

fn seed_columns(table: &str) -> Vec<Col> {
    match table {
        "users" => vec![
            ("id", "TEXT", false, None, true),
            ("github_id", "INTEGER", true, None, false),
            ("username", "TEXT", true, None, false),
            ("email", "TEXT", true, None, false),
            ("avatar_url", "TEXT", false, None, false),
            ("created_at", "DATETIME", false, TS, false),
            ("updated_at", "DATETIME", false, TS, false),
        ],
        "projects" => vec![
            ("id", "TEXT", false, None, true),
            ("user_id", "TEXT", true, None, false),
            ("name", "TEXT", true, None, false),
            ("description", "TEXT", false, None, false),
            ("program_id", "TEXT", true, None, false),
            ("is_public", "BOOLEAN", false, Some("TRUE"), false),
            ("custom_docs", "TEXT", false, None, false),
            ("created_at", "DATETIME", false, TS, false),
            ("updated_at", "DATETIME", false, TS, false),
        ],
        "idl_versions" => vec![
            ("id", "TEXT", false, None, true),
            ("project_id", "TEXT", true, None, false),
            ("idl_json", "TEXT", true, None, false),
            ("cpi_md", "TEXT", false, None, false),
            ("version", "INTEGER", true, None, false),
            ("created_at", "DATETIME", false, TS, false),
        ],
        "api_keys" => vec![
            ("id", "TEXT", false, None, true),
            ("project_id", "TEXT", true, None, false),
            ("key", "TEXT", true, None, false),
            ("last_used", "DATETIME", false, None, false),
            ("created_at", "DATETIME", false, TS, false),
            ("expires_at", "DATETIME", false, None, false),
        ],
        "project_socials" => vec![
            ("id", "TEXT", false, None, true),
            ("project_id", "TEXT", true, None, false),
            ("twitter", "TEXT", false, None, false),
            ("discord", "TEXT", false, None, false),
            ("telegram", "TEXT", false, None, false),
            ("github", "TEXT", false, None, false),
            ("website", "TEXT", false, None, false),
            ("created_at", "DATETIME", false, TS, false),
            ("updated_at", "DATETIME", false, TS, false),
        ],
        "known_addresses" => vec![
            ("id", "TEXT", false, None, true),
            ("project_id", "TEXT", true, None, false),
            ("label", "TEXT", true, None, false),
            ("address", "TEXT", true, None, false),
            ("description", "TEXT", false, None, false),
            ("created_at", "DATETIME", false, TS, false),
            ("updated_at", "DATETIME", false, TS, false),
        ],
        other => panic!("no seed table {other}"),
    }
}

const SEED_TABLES: [&str; 6] = [
    "users",
    "projects",
    "idl_versions",
    "api_keys",
    "project_socials",
    "known_addresses",
];

async fn tables_are_the_seeds_plus_the_documented_extras(t: common::TestDb) {
    let mut tables = t.db.admin.tables().await.unwrap();
    tables.retain(|n| !n.starts_with('_'));
    let mut expected: Vec<String> = SEED_TABLES
        .iter()
        .chain(
            [
                "revoked_sessions",
                "project_search",
                "program_lists",
                "program_list_items",
                "idl_verifications",
            ]
            .iter(),
        )
        .map(|s| s.to_string())
        .collect();
    expected.sort();
    assert_eq!(tables, expected);
}

#[tokio::test]
async fn columns_match_the_seed() {
    let t = common::migrated().await;
    let pool = pool(&t.url).await;
    for table in SEED_TABLES {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!("PRAGMA table_info({table})")))
            .fetch_all(&pool)
            .await
            .unwrap();
        let mut actual: Vec<(String, String, bool, Option<String>, bool)> = rows
            .iter()
            .map(|r| {
                (
                    r.get::<String, _>("name"),
                    r.get::<String, _>("type"),
                    r.get::<i64, _>("notnull") == 1,
                    r.get::<Option<String>, _>("dflt_value"),
                    r.get::<i64, _>("pk") == 1,
                )
            })
            .collect();
        let mut expected: Vec<(String, String, bool, Option<String>, bool)> = seed_columns(table)
            .into_iter()
            .map(|(n, ty, nn, d, pk)| {
                (n.to_string(), ty.to_string(), nn, d.map(str::to_string), pk)
            })
            .collect();
        // custom_docs is added by migration 003 (ALTER TABLE), so it sits at the end; compare by name.
        actual.sort();
        expected.sort();
        assert_eq!(actual, expected, "columns of {table}");
    }
}

#[tokio::test]
async fn foreign_keys_cascade_as_in_the_seed() {
    let t = common::migrated().await;
    let pool = pool(&t.url).await;
    let expected = [
        ("projects", "user_id", "users"),
        ("idl_versions", "project_id", "projects"),
        ("api_keys", "project_id", "projects"),
        ("project_socials", "project_id", "projects"),
        ("known_addresses", "project_id", "projects"),
    ];
    for table in SEED_TABLES {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "PRAGMA foreign_key_list({table})"
        )))
        .fetch_all(&pool)
        .await
        .unwrap();
        let actual: Vec<(String, String, String, String)> = rows
            .iter()
            .map(|r| {
                (
                    r.get("from"),
                    r.get("table"),
                    r.get("to"),
                    r.get("on_delete"),
                )
            })
            .collect();
        let want: Vec<(String, String, String, String)> = expected
            .iter()
            .filter(|(t, _, _)| *t == table)
            .map(|(_, from, parent)| {
                (
                    from.to_string(),
                    parent.to_string(),
                    "id".to_string(),
                    "CASCADE".to_string(),
                )
            })
            .collect();
        assert_eq!(actual, want, "foreign keys of {table}");
    }
}

#[tokio::test]
async fn indexes_and_unique_constraints_match_the_seed() {
    let t = common::migrated().await;
    let pool = pool(&t.url).await;
    let named = [
        ("users", "idx_users_github_id", vec!["github_id"]),
        ("users", "idx_users_username", vec!["username"]),
        ("projects", "idx_projects_user_id", vec!["user_id"]),
        ("projects", "idx_projects_program_id", vec!["program_id"]),
        ("projects", "idx_projects_is_public", vec!["is_public"]),
        (
            "idl_versions",
            "idx_idl_versions_project_id",
            vec!["project_id"],
        ),
        (
            "idl_versions",
            "idx_idl_versions_created_at",
            vec!["created_at"],
        ),
        ("api_keys", "idx_api_keys_project_id", vec!["project_id"]),
        ("api_keys", "idx_api_keys_key", vec!["key"]),
        (
            "project_socials",
            "idx_project_socials_project_id",
            vec!["project_id"],
        ),
        (
            "known_addresses",
            "idx_known_addresses_project_id",
            vec!["project_id"],
        ),
    ];
    let unique = [
        ("users", vec!["github_id"]),
        ("users", vec!["username"]),
        ("users", vec!["email"]),
        ("projects", vec!["user_id", "program_id"]),
        ("api_keys", vec!["key"]),
        ("project_socials", vec!["project_id"]),
        // Migration 004, beyond the seed.
        ("idl_versions", vec!["project_id", "version"]),
    ];
    for table in SEED_TABLES {
        let list = sqlx::query(sqlx::AssertSqlSafe(format!("PRAGMA index_list({table})")))
            .fetch_all(&pool)
            .await
            .unwrap();
        let mut indexes = Vec::new();
        for row in &list {
            let name: String = row.get("name");
            let is_unique: i64 = row.get("unique");
            let info = sqlx::query(sqlx::AssertSqlSafe(format!("PRAGMA index_info('{name}')")))
                .fetch_all(&pool)
                .await
                .unwrap();
            let cols: Vec<String> = info.iter().map(|r| r.get::<String, _>("name")).collect();
            indexes.push((name, is_unique == 1, cols));
        }
        for (t, name, cols) in named.iter().filter(|(t, _, _)| *t == table) {
            assert!(
                indexes.iter().any(|(n, _, c)| n == name && c == cols),
                "{t}: index {name} on {cols:?} missing; have {indexes:?}"
            );
        }
        for (t, cols) in unique.iter().filter(|(t, _)| *t == table) {
            assert!(
                indexes.iter().any(|(_, u, c)| *u && c == cols),
                "{t}: UNIQUE({cols:?}) missing; have {indexes:?}"
            );
        }
    }
}

async fn migrating_twice_is_a_no_op(t: common::TestDb) {
    let before = t.db.admin.export().await.unwrap();
    let applied = t.db.store.migrate().await.unwrap();
    assert!(applied.is_empty());
    assert_eq!(t.db.admin.export().await.unwrap(), before);
    let recorded = t.db.store.applied_migrations().await.unwrap();
    let names: Vec<&str> = recorded.iter().map(|m| m.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "001_initial_schema.sql",
            "002_indexes.sql",
            "003_custom_docs_and_known_addresses.sql",
            "004_version_uniqueness.sql",
            "005_revoked_sessions.sql",
            "006_project_search.sql",
            "007_program_lists.sql",
            "008_idl_verifications.sql"
        ]
    );
}

/// Every statement of the seed's usage examples and queries, unchanged (D1's `?` placeholders are
/// SQLite's), in dependency order.
#[tokio::test]
async fn seed_statements_run_unchanged() {
    let t = common::migrated().await;
    let pool = pool(&t.url).await;
    let run = |sql: &'static str| sqlx::query(sql);
    run(
        "INSERT INTO users (id, github_id, username, email, avatar_url)
  VALUES (?, ?, ?, ?, ?)",
    )
    .bind("u1")
    .bind(42_i64)
    .bind("alice")
    .bind("alice@example.com")
    .bind("https://a/1")
    .execute(&pool)
    .await
    .unwrap();
    run(
        "INSERT INTO projects (id, user_id, name, description, program_id, is_public)
  VALUES (?, ?, ?, ?, ?, ?)",
    )
    .bind("p1")
    .bind("u1")
    .bind("Demo")
    .bind("d")
    .bind("BUYuxRfhCMWavaUWxhGtPP3ksKEDZxCD5gzknk3JfAya")
    .bind(true)
    .execute(&pool)
    .await
    .unwrap();
    let projects = run("SELECT * FROM projects WHERE user_id = ? ORDER BY created_at DESC")
        .bind("u1")
        .fetch_all(&pool)
        .await
        .unwrap();
    assert_eq!(projects.len(), 1);
    run(
        "INSERT INTO idl_versions (id, project_id, idl_json, cpi_md, version)
  VALUES (?, ?, ?, ?, ?)",
    )
    .bind("v1")
    .bind("p1")
    .bind("{}")
    .bind("# CPI")
    .bind(1_i64)
    .execute(&pool)
    .await
    .unwrap();
    let latest = run("SELECT * FROM idl_versions 
  WHERE project_id = ? 
  ORDER BY version DESC 
  LIMIT 1")
    .bind("p1")
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(latest.get::<i64, _>("version"), 1);
    run("INSERT INTO api_keys (id, project_id, key, expires_at)
  VALUES (?, ?, ?, ?)")
    .bind("k1")
    .bind("p1")
    .bind("hashed")
    .bind(None::<String>)
    .execute(&pool)
    .await
    .unwrap();
    let key = run("UPDATE api_keys SET last_used = CURRENT_TIMESTAMP
  WHERE key = ? AND (expires_at IS NULL OR expires_at > CURRENT_TIMESTAMP)
  RETURNING *")
    .bind("hashed")
    .fetch_optional(&pool)
    .await
    .unwrap();
    assert!(key.is_some());
    run(
        "INSERT INTO project_socials (id, project_id, twitter, discord, github, website)
  VALUES (?, ?, ?, ?, ?, ?)
  ON CONFLICT(project_id) DO UPDATE SET
    twitter = excluded.twitter,
    discord = excluded.discord,
    updated_at = CURRENT_TIMESTAMP",
    )
    .bind("s1")
    .bind("p1")
    .bind("https://x.com/a")
    .bind(None::<String>)
    .bind("https://github.com/a")
    .bind(None::<String>)
    .execute(&pool)
    .await
    .unwrap();
    run(
        "INSERT INTO known_addresses (id, project_id, label, address, description)
  VALUES (?, ?, ?, ?, ?)",
    )
    .bind("a1")
    .bind("p1")
    .bind("Treasury")
    .bind("11111111111111111111111111111111")
    .bind("Main treasury account")
    .execute(&pool)
    .await
    .unwrap();
    let addresses = run("SELECT * FROM known_addresses WHERE project_id = ?")
        .bind("p1")
        .fetch_all(&pool)
        .await
        .unwrap();
    assert_eq!(addresses.len(), 1);
    let with_projects = run("SELECT 
    u.*,
    json_group_array(
      json_object(
        'id', p.id,
        'name', p.name,
        'program_id', p.program_id,
        'is_public', p.is_public
      )
    ) as projects
  FROM users u
  LEFT JOIN projects p ON u.id = p.user_id
  WHERE u.id = ?
  GROUP BY u.id")
    .bind("u1")
    .fetch_one(&pool)
    .await
    .unwrap();
    assert!(with_projects
        .get::<String, _>("projects")
        .contains("\"p1\""));
    let details = run("SELECT 
    p.*,
    i.idl_json,
    i.version as idl_version,
    s.twitter,
    s.discord,
    s.github,
    s.website
  FROM projects p
  LEFT JOIN (
    SELECT * FROM idl_versions 
    WHERE project_id = ? 
    ORDER BY version DESC 
    LIMIT 1
  ) i ON p.id = i.project_id
  LEFT JOIN project_socials s ON p.id = s.project_id
  WHERE p.id = ?")
    .bind("p1")
    .bind("p1")
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(details.get::<i64, _>("idl_version"), 1);
    let public = run("SELECT 
    p.*,
    u.username,
    u.avatar_url,
    COUNT(i.id) as version_count
  FROM projects p
  INNER JOIN users u ON p.user_id = u.id
  LEFT JOIN idl_versions i ON p.id = i.project_id
  WHERE p.is_public = true
  GROUP BY p.id
  ORDER BY p.created_at DESC
  LIMIT ? OFFSET ?")
    .bind(10_i64)
    .bind(0_i64)
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(public[0].get::<i64, _>("version_count"), 1);
    for sql in [
        "SELECT COUNT(*) FROM users;",
        "SELECT COUNT(*) FROM projects WHERE is_public = true;",
        "SELECT p.name, i.version, i.created_at 
FROM idl_versions i
JOIN projects p ON i.project_id = p.id
ORDER BY i.created_at DESC
LIMIT 10;",
        "SELECT 
  u.username,
  COUNT(p.id) as project_count,
  COUNT(i.id) as version_count
FROM users u
LEFT JOIN projects p ON u.id = p.user_id
LEFT JOIN idl_versions i ON p.id = i.project_id
GROUP BY u.id;",
    ] {
        let rows = run(sql).fetch_all(&pool).await.unwrap();
        assert_eq!(rows.len(), 1, "{sql}");
    }
}

async fn a_version_check_is_replaced_per_cluster_and_goes_with_its_version(t: common::TestDb) {
    use orquestra_store::{NewVerification, VerificationOutcome};
    let owner = common::user(&t.db, 1).await;
    let project = common::project(&t.db, &owner, "11111111111111111111111111111111", true).await;
    t.db.store
        .append_idl_version(&project.id, orquestra_store::NewVersion::plain("{}"))
        .await
        .unwrap();
    let check = |outcome, cluster| NewVerification {
        project_id: &project.id,
        version: 1,
        cluster,
        outcome,
        scheme: Some("anchor_idl_account"),
        account: Some("acc"),
        slot: Some(7),
    };
    let store = &t.db.store;
    let first = store
        .record_verification(&check(VerificationOutcome::Mismatch, "devnet"))
        .await
        .unwrap();
    assert!(!first.verified);
    assert!(store
        .verified_projects(&project.program_id)
        .await
        .unwrap()
        .is_empty());
    store
        .record_verification(&check(VerificationOutcome::Match, "devnet"))
        .await
        .unwrap();
    let listed = store.list_verifications(&project.id).await.unwrap();
    assert_eq!(listed.len(), 1, "one row per version and cluster");
    assert_eq!(
        (listed[0].outcome.as_str(), listed[0].verified),
        ("match", true)
    );
    let verified = store.verified_projects(&project.program_id).await.unwrap();
    assert_eq!(verified, std::slice::from_ref(&project.id));
    assert_eq!(
        store.verification_targets().await.unwrap(),
        [(project.id.clone(), "devnet".to_owned())]
    );
    let missing = NewVerification {
        version: 9,
        ..check(VerificationOutcome::Match, "devnet")
    };
    assert!(store.record_verification(&missing).await.is_err());
    store.delete_project(&project.id).await.unwrap();
    assert!(store.verification_targets().await.unwrap().is_empty());
}

common::both_backends!(
    tables_are_the_seeds_plus_the_documented_extras,
    migrating_twice_is_a_no_op,
    a_version_check_is_replaced_per_cluster_and_goes_with_its_version,
);
