#![allow(clippy::unwrap_used, clippy::expect_used)]
//! `db copy` between backends: a populated installation answers the same through the `Store`
//! trait on the target, a non-empty target is refused, and a copy that fails leaves the target
//! as empty as it was.

mod common;

use common::{project, user, TestDb};
use orquestra_store::*;
use sqlx::Connection;

const PROGRAM_A: &str = "BUYuxRfhCMWavaUWxhGtPP3ksKEDZxCD5gzknk3JfAya";
const PROGRAM_B: &str = "9xQeWvG816bUx9EPjHmaT23yvVM2ZWbrrpZb9PusVFin";
const PROGRAM_C: &str = "whirLbMiicVdio4qvUfM5KAg6Ct8VwpYzGff3uctyCc";

/// What the populated source holds that the checks look up.
struct Fixture {
    alice: User,
    public: Project,
    private: Project,
    other: Project,
    key: String,
    list: String,
    scope_key: String,
}

/// Users, public and private projects with several versions (the private one's are a few MB
/// each, so their pages are cut by size), keys, socials, addresses, lists with items, a
/// verification and a revoked session.
async fn populate(db: &Database) -> Fixture {
    let store = &db.store;
    let alice = user(db, 1).await;
    let bob = user(db, 2).await;
    let public = project(db, &alice, PROGRAM_A, true).await;
    let private = project(db, &alice, PROGRAM_B, false).await;
    let other = project(db, &bob, PROGRAM_C, true).await;
    for n in 1..=3 {
        let idl = format!("{{\"name\":\"a\",\"version\":\"0.{n}.0\",\"note\":\"it's\"}}");
        store
            .append_idl_version(
                &public.id,
                NewVersion {
                    docs: VersionDocs::Given("# CPI\nünïcødé; 'quoted'\n"),
                    search_instructions: Some("swap_base_in deposit_liquidity"),
                    ..NewVersion::plain(&idl)
                },
            )
            .await
            .unwrap();
    }
    let big = format!("{{\"pad\":\"{}\"}}", "x".repeat(3_000_000));
    for _ in 0..4 {
        store
            .append_idl_version(&private.id, NewVersion::plain(&big))
            .await
            .unwrap();
    }
    store
        .append_idl_version(&other.id, NewVersion::plain("{\"name\":\"c\"}"))
        .await
        .unwrap();
    let key = store.create_api_key(&public.id, Some(3600)).await.unwrap();
    store.create_api_key(&other.id, None).await.unwrap();
    store
        .upsert_socials(
            &public.id,
            &Socials {
                twitter: Some("@a".into()),
                website: Some("https://a.example".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    store
        .create_known_address(
            &public.id,
            &NewKnownAddress {
                label: "vault".into(),
                address: PROGRAM_C.into(),
                description: None,
            },
        )
        .await
        .unwrap();
    let list = store
        .create_list(
            &alice.id,
            &NewProgramList {
                name: "Mine".into(),
                description: Some("d".into()),
            },
        )
        .await
        .unwrap();
    for p in [&public, &other] {
        store
            .add_list_item(&alice.id, &list.list.id, &p.id)
            .await
            .unwrap()
            .unwrap();
    }
    store.default_list(&bob.id).await.unwrap();
    store
        .record_verification(&NewVerification {
            project_id: &public.id,
            version: 3,
            cluster: "devnet",
            outcome: VerificationOutcome::Match,
            scheme: Some("anchor_idl_account"),
            account: Some(PROGRAM_C),
            slot: Some(123_456_789),
        })
        .await
        .unwrap();
    store.revoke_session("jti-1", 4_000_000_000).await.unwrap();
    Fixture {
        alice,
        public,
        private,
        other,
        key: key.plain,
        list: list.list.id,
        scope_key: list.scope_key,
    }
}

fn sorted<T: Ord>(mut v: Vec<T>) -> Vec<T> {
    v.sort();
    v
}

/// The target answers like the source (rows created within one second may list in another
/// order: SQLite breaks such ties by insertion order, PostgreSQL by microseconds, so lists of
/// several rows are compared as sets).
async fn answers_the_same(source: &Database, target: &Database, f: &Fixture) {
    let (s, t) = (&source.store, &target.store);
    for p in [&f.public, &f.private, &f.other] {
        assert_eq!(
            s.project_details(&p.id).await.unwrap(),
            t.project_details(&p.id).await.unwrap()
        );
        assert_eq!(
            s.list_idl_versions(&p.id).await.unwrap(),
            t.list_idl_versions(&p.id).await.unwrap()
        );
        assert_eq!(
            s.latest_idl_version(&p.id).await.unwrap(),
            t.latest_idl_version(&p.id).await.unwrap()
        );
        assert_eq!(
            s.list_api_keys(&p.id).await.unwrap(),
            t.list_api_keys(&p.id).await.unwrap()
        );
        assert_eq!(
            s.list_known_addresses(&p.id).await.unwrap(),
            t.list_known_addresses(&p.id).await.unwrap()
        );
        assert_eq!(
            s.list_verifications(&p.id).await.unwrap(),
            t.list_verifications(&p.id).await.unwrap()
        );
    }
    assert_eq!(s.totals().await.unwrap(), t.totals().await.unwrap());
    assert_eq!(
        s.public_totals().await.unwrap(),
        t.public_totals().await.unwrap()
    );
    assert_eq!(
        s.get_user(&f.alice.id).await.unwrap(),
        t.get_user(&f.alice.id).await.unwrap()
    );
    let ids = |v: Vec<Project>| sorted(v.into_iter().map(|p| p.id).collect::<Vec<_>>());
    assert_eq!(
        ids(s.list_user_projects(&f.alice.id).await.unwrap()),
        ids(t.list_user_projects(&f.alice.id).await.unwrap())
    );
    assert_eq!(
        s.list_lists(&f.alice.id).await.unwrap(),
        t.list_lists(&f.alice.id).await.unwrap()
    );
    let items = |v: Paged<ProgramListItem>| {
        sorted(
            v.items
                .into_iter()
                .map(|i| format!("{i:?}"))
                .collect::<Vec<_>>(),
        )
    };
    assert_eq!(
        items(
            s.list_items(&f.alice.id, &f.list, Page::new(10, 0))
                .await
                .unwrap()
        ),
        items(
            t.list_items(&f.alice.id, &f.list, Page::new(10, 0))
                .await
                .unwrap()
        )
    );
    assert_eq!(
        s.scope_project_ids(&f.scope_key).await.unwrap().map(sorted),
        t.scope_project_ids(&f.scope_key).await.unwrap().map(sorted)
    );
    assert_eq!(
        s.verified_projects(PROGRAM_A).await.unwrap(),
        t.verified_projects(PROGRAM_A).await.unwrap()
    );
    // The instruction names written at version-append time came along.
    let found = t
        .search_public_projects("swap_base_in", Page::new(10, 0))
        .await
        .unwrap();
    assert_eq!(found.total, 1);
    assert_eq!(found.items[0].id, f.public.id);
    assert_eq!(
        t.search_public_projects("deposit_liquidity", Page::new(10, 0))
            .await
            .unwrap()
            .total,
        1
    );
    assert!(t.is_session_revoked("jti-1").await.unwrap());
    // A key issued on the source works on the target (only its hash was copied).
    let valid = t.validate_api_key(&f.key).await.unwrap().unwrap();
    assert_eq!(valid.project_id, f.public.id);
    // The target takes new writes after the copy (its triggers and constraints are live).
    let next = t
        .append_idl_version(&f.public.id, NewVersion::plain("{}"))
        .await
        .unwrap();
    assert_eq!(next.version, 4);
}

/// Every application table of `db` is empty.
async fn assert_empty(db: &Database) {
    for table in orquestra_store::copy::COPY_TABLES {
        let result = db
            .admin
            .query(&format!("SELECT count(*) FROM {table}"))
            .await
            .unwrap();
        assert_eq!(result.rows[0][0], serde_json::json!(0), "{table}");
    }
}

async fn round_trip(source: TestDb, target: TestDb) {
    let fixture = populate(&source.db).await;
    let mut heard = Vec::new();
    let report = copy_database(&source.db, &target.db, &mut |p| heard.push(p))
        .await
        .unwrap();
    let names: Vec<&str> = report.tables.iter().map(|t| t.table.as_str()).collect();
    assert_eq!(names, orquestra_store::copy::COPY_TABLES);
    let rows = |name: &str| {
        report
            .tables
            .iter()
            .find(|t| t.table == name)
            .map(|t| t.rows)
    };
    assert_eq!(rows("users"), Some(2));
    assert_eq!(rows("idl_versions"), Some(8));
    assert_eq!(rows("program_lists"), Some(2));
    assert_eq!(
        rows("project_search"),
        Some(1),
        "projects with instruction names"
    );
    assert!(heard
        .iter()
        .any(|p| p.phase == CopyPhase::Copying && p.table == "idl_versions" && p.rows == 8));
    assert!(heard.iter().any(|p| p.phase == CopyPhase::Verifying));
    answers_the_same(&source.db, &target.db, &fixture).await;

    // A second copy into the now populated target is refused and changes nothing.
    let totals = target.db.store.totals().await.unwrap();
    let again = copy_database(&source.db, &target.db, &mut |_| {}).await;
    assert!(
        matches!(&again, Err(StoreError::CopyTargetNotEmpty { table }) if table == "users"),
        "{again:?}"
    );
    assert_eq!(target.db.store.totals().await.unwrap(), totals);
}

#[tokio::test]
async fn sqlite_to_postgres_round_trips() {
    let Some(target) = common::empty_postgres().await else {
        return;
    };
    round_trip(common::migrated().await, target).await;
}

#[tokio::test]
async fn postgres_to_sqlite_round_trips() {
    let Some(source) = common::migrated_postgres().await else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("target.db").display());
    let db = open(&url, OpenOptions::default()).await.unwrap();
    let target = TestDb {
        db,
        url,
        backend: common::Backend::Sqlite,
        dir: Some(dir),
        pg: None,
    };
    round_trip(source, target).await;
}

#[tokio::test]
async fn sqlite_to_sqlite_round_trips() {
    round_trip(common::migrated().await, common::migrated().await).await;
}

#[tokio::test]
async fn a_value_the_target_refuses_half_way_leaves_it_empty() {
    let Some(target) = common::migrated_postgres().await else {
        return;
    };
    let source = common::migrated().await;
    populate(&source.db).await;
    // SQLite keeps text in an INTEGER column; PostgreSQL's BIGINT cannot take it. The session
    // table comes after users, projects and versions, so those were already inserted.
    source
        .db
        .admin
        .query("UPDATE revoked_sessions SET expires_at = 'soon'")
        .await
        .unwrap();
    let failed = copy_database(&source.db, &target.db, &mut |_| {}).await;
    assert!(
        matches!(&failed, Err(StoreError::Copy { table, key, .. })
            if table == "revoked_sessions" && key == "jti-1"),
        "{failed:?}"
    );
    assert_empty(&target.db).await;
}

#[tokio::test]
async fn rows_breaking_a_foreign_key_fail_the_copy_into_sqlite() {
    let source = common::migrated().await;
    let target = common::migrated().await;
    populate(&source.db).await;
    // A row whose parent is gone (possible in SQLite with foreign keys off): the target's check
    // at the end refuses it and rolls everything back.
    let mut raw = sqlx::SqliteConnection::connect(&source.url).await.unwrap();
    sqlx::raw_sql(
        "PRAGMA foreign_keys=OFF;
         INSERT INTO known_addresses (id, project_id, label, address) VALUES ('x', 'gone', 'l', 'a');",
    )
    .execute(&mut raw)
    .await
    .unwrap();
    let failed = copy_database(&source.db, &target.db, &mut |_| {}).await;
    assert!(
        matches!(&failed, Err(StoreError::Copy { table, .. }) if table == "known_addresses"),
        "{failed:?}"
    );
    assert_empty(&target.db).await;
    // The target is usable (and copyable into) once the source is repaired.
    source
        .db
        .admin
        .query("DELETE FROM known_addresses WHERE id = 'x'")
        .await
        .unwrap();
    copy_database(&source.db, &target.db, &mut |_| {})
        .await
        .unwrap();
}

#[tokio::test]
async fn a_source_behind_the_targets_migrations_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("old.db").display());
    let source = open(&url, OpenOptions::default()).await.unwrap();
    let target = common::migrated().await;
    let refused = copy_database(&source, &target.db, &mut |_| {}).await;
    assert!(
        matches!(&refused, Err(StoreError::CopyMigrations { .. })),
        "{refused:?}"
    );
}

#[tokio::test]
async fn a_value_changed_on_the_way_fails_verification_and_leaves_the_target_empty() {
    let Some(target) = common::migrated_postgres().await else {
        return;
    };
    let source = common::migrated().await;
    let f = populate(&source.db).await;
    // PostgreSQL takes this text as a TIMESTAMP but drops the offset: the row is inserted, reads
    // back as another value, and verification catches it.
    source
        .db
        .admin
        .query(&format!(
            "UPDATE projects SET updated_at = '2026-01-02 03:04:05+02:00' WHERE id = '{}'",
            f.other.id
        ))
        .await
        .unwrap();
    let failed = copy_database(&source.db, &target.db, &mut |_| {}).await;
    match &failed {
        Err(StoreError::CopyMismatch { table, key, reason }) => {
            assert_eq!(
                (table.as_str(), key.as_str()),
                ("projects", f.other.id.as_str())
            );
            assert!(reason.contains("updated_at"), "{reason}");
        }
        other => panic!("{other:?}"),
    }
    assert_empty(&target.db).await;
}

#[tokio::test]
async fn postgres_to_postgres_round_trips() {
    let Some(source) = common::migrated_postgres().await else {
        return;
    };
    round_trip(source, common::empty_postgres().await.unwrap()).await;
}

#[tokio::test]
async fn a_row_only_the_target_has_fails_verification_naming_it() {
    let Some(target) = common::migrated_postgres().await else {
        return;
    };
    let source = common::migrated().await;
    populate(&source.db).await;
    // Something on the target (here a trigger of its own) adds a row the source does not have.
    for sql in [
        "CREATE FUNCTION add_session() RETURNS trigger LANGUAGE plpgsql AS $$
         BEGIN
           INSERT INTO revoked_sessions (jti, expires_at) VALUES ('extra-' || new.id, 1);
           RETURN NULL;
         END;
         $$",
        "CREATE TRIGGER add_session AFTER INSERT ON users FOR EACH ROW EXECUTE FUNCTION add_session()",
    ] {
        target.db.admin.query(sql).await.unwrap();
    }
    let failed = copy_database(&source.db, &target.db, &mut |_| {}).await;
    match &failed {
        Err(StoreError::CopyMismatch { table, key, reason }) => {
            assert_eq!(table, "revoked_sessions");
            assert!(key.starts_with("extra-"), "{key}");
            assert!(reason.contains("on the target only"), "{reason}");
        }
        other => panic!("{other:?}"),
    }
    assert_empty(&target.db).await;
}
