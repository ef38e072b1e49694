#![allow(clippy::unwrap_used, clippy::expect_used)]
//! API-key validation writes (at most once a minute per valid key, never for an invalid one),
//! expiries the database cannot represent, and public-only totals, on SQLite and PostgreSQL.

mod common;

use std::time::Duration;

use common::{migrated, project, user, TestDb};
use orquestra_store::*;
use sqlx::Connection as _;

const PROGRAM_A: &str = "BUYuxRfhCMWavaUWxhGtPP3ksKEDZxCD5gzknk3JfAya";
const PROGRAM_B: &str = "TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA";

async fn scalar(t: &TestDb, sql: &str) -> serde_json::Value {
    t.db.admin.query(sql).await.unwrap().rows[0][0].clone()
}

async fn last_used(t: &TestDb, id: &str) -> serde_json::Value {
    scalar(
        t,
        &format!("SELECT last_used FROM api_keys WHERE id = '{id}'"),
    )
    .await
}

/// Sets `last_used` to now plus `secs` (negative: in the past).
async fn set_last_used(t: &TestDb, id: &str, secs: i64) -> serde_json::Value {
    let sql = t.sql(
        "UPDATE api_keys SET last_used = datetime('now', '{secs} seconds') WHERE id = '{id}'",
        "UPDATE api_keys SET last_used = (now() AT TIME ZONE 'utc') + interval '{secs} seconds'
         WHERE id = '{id}'",
    );
    let sql = sql.replace("{secs}", &secs.to_string()).replace("{id}", id);
    t.db.admin.query(&sql).await.unwrap();
    last_used(t, id).await
}

async fn validation_writes_last_used_at_most_once_a_minute(t: TestDb) {
    let alice = user(&t.db, 1).await;
    let p = project(&t.db, &alice, PROGRAM_A, true).await;
    let issued = t.db.store.create_api_key(&p.id, None).await.unwrap();
    let id = issued.key.id.as_str();

    // First use: recorded, and the returned row says so.
    let valid = t.db.store.validate_api_key(&issued.plain).await.unwrap();
    let valid = valid.unwrap();
    assert!(valid.last_used.is_some());
    assert_eq!(last_used(&t, id).await, valid.last_used.clone().unwrap());

    // Used 30 s ago: valid, and left alone however often it is checked.
    let recent = set_last_used(&t, id, -30).await;
    for _ in 0..5 {
        let again = t.db.store.validate_api_key(&issued.plain).await.unwrap();
        assert_eq!(again.unwrap().last_used.as_deref(), recent.as_str());
    }
    assert_eq!(last_used(&t, id).await, recent);

    // Used 61 s ago: the seed's UPDATE runs again.
    let old = set_last_used(&t, id, -61).await;
    let again =
        t.db.store
            .validate_api_key(&issued.plain)
            .await
            .unwrap()
            .unwrap();
    let now = last_used(&t, id).await;
    assert!(now.as_str().unwrap() > old.as_str().unwrap(), "{now} {old}");
    assert_eq!(again.last_used.as_deref(), now.as_str());

    // Expired or revoked keys are refused whatever their `last_used`.
    t.db.admin
        .query(&format!(
            "UPDATE api_keys SET expires_at = '2000-01-01 00:00:00', last_used = NULL WHERE id = '{id}'"
        ))
        .await
        .unwrap();
    assert!(t
        .db
        .store
        .validate_api_key(&issued.plain)
        .await
        .unwrap()
        .is_none());
    assert_eq!(last_used(&t, id).await, serde_json::Value::Null);
}

/// While another connection holds SQLite's write lock, anything that writes waits for it; a
/// read-only validation does not. So an invalid key, and a key used within the minute, must
/// validate at once; a key never used must wait (which shows the check can fail).
#[tokio::test]
async fn invalid_keys_and_recent_uses_do_not_write() {
    let t = migrated().await;
    let alice = user(&t.db, 1).await;
    let p = project(&t.db, &alice, PROGRAM_A, true).await;
    let recent = t.db.store.create_api_key(&p.id, None).await.unwrap();
    let unused = t.db.store.create_api_key(&p.id, None).await.unwrap();
    let expired = t.db.store.create_api_key(&p.id, Some(0)).await.unwrap();
    t.db.store
        .validate_api_key(&recent.plain)
        .await
        .unwrap()
        .unwrap();
    let keys_before = scalar(&t, "SELECT COUNT(*) FROM api_keys").await;

    let mut writer = sqlx::SqliteConnection::connect(&t.url).await.unwrap();
    sqlx::query("BEGIN IMMEDIATE")
        .execute(&mut writer)
        .await
        .unwrap();
    let quick = |plain: String| {
        let store = t.db.store.clone();
        async move { tokio::time::timeout(Duration::from_secs(2), store.validate_api_key(&plain)).await }
    };
    for refused in [
        "b58_wrong".to_string(),
        String::new(),
        expired.plain.clone(),
    ] {
        let outcome = quick(refused.clone()).await;
        assert!(
            matches!(outcome, Ok(Ok(None))),
            "{refused:?} must be refused without waiting for the writer: {outcome:?}"
        );
    }
    let outcome = quick(recent.plain.clone()).await;
    assert!(
        matches!(&outcome, Ok(Ok(Some(k))) if k.id == recent.key.id),
        "a key used within the minute needs no write: {outcome:?}"
    );
    assert!(
        quick(unused.plain.clone()).await.is_err(),
        "a first use writes last_used, so it waits for the lock"
    );
    sqlx::query("ROLLBACK").execute(&mut writer).await.unwrap();
    writer.close().await.unwrap();

    // Nothing about the refused keys changed.
    assert_eq!(
        scalar(&t, "SELECT COUNT(*) FROM api_keys").await,
        keys_before
    );
    assert_eq!(
        last_used(&t, &expired.key.id).await,
        serde_json::Value::Null
    );
}

/// PostgreSQL's version of the test above: a `SHARE` lock on `api_keys` held by another
/// connection blocks every write to it but no read.
#[tokio::test]
async fn postgres_invalid_keys_and_recent_uses_do_not_write() {
    let Some(t) = common::migrated_postgres().await else {
        return;
    };
    let alice = user(&t.db, 1).await;
    let p = project(&t.db, &alice, PROGRAM_A, true).await;
    let recent = t.db.store.create_api_key(&p.id, None).await.unwrap();
    let unused = t.db.store.create_api_key(&p.id, None).await.unwrap();
    let expired = t.db.store.create_api_key(&p.id, Some(0)).await.unwrap();
    t.db.store
        .validate_api_key(&recent.plain)
        .await
        .unwrap()
        .unwrap();

    let mut writer = sqlx::PgConnection::connect(&t.url).await.unwrap();
    sqlx::query("BEGIN").execute(&mut writer).await.unwrap();
    sqlx::query("LOCK TABLE api_keys IN SHARE MODE")
        .execute(&mut writer)
        .await
        .unwrap();
    let quick = |plain: String| {
        let store = t.db.store.clone();
        async move { tokio::time::timeout(Duration::from_secs(2), store.validate_api_key(&plain)).await }
    };
    for refused in [
        "b58_wrong".to_string(),
        String::new(),
        expired.plain.clone(),
    ] {
        let outcome = quick(refused.clone()).await;
        assert!(
            matches!(outcome, Ok(Ok(None))),
            "{refused:?} must be refused without waiting for the lock: {outcome:?}"
        );
    }
    let outcome = quick(recent.plain.clone()).await;
    assert!(
        matches!(&outcome, Ok(Ok(Some(k))) if k.id == recent.key.id),
        "a key used within the minute needs no write: {outcome:?}"
    );
    assert!(
        quick(unused.plain.clone()).await.is_err(),
        "a first use writes last_used, so it waits for the lock"
    );
    sqlx::query("ROLLBACK").execute(&mut writer).await.unwrap();
    writer.close().await.unwrap();
    assert_eq!(
        last_used(&t, &expired.key.id).await,
        serde_json::Value::Null
    );
}

async fn an_unrepresentable_expiry_is_refused_not_made_permanent(t: TestDb) {
    let alice = user(&t.db, 1).await;
    let p = project(&t.db, &alice, PROGRAM_A, true).await;
    // 3,000,000 days (the review's request) lands past year 9999, where SQLite's datetime is NULL.
    for secs in [3_000_000u64 * 86_400, u64::MAX] {
        let refused = t.db.store.create_api_key(&p.id, Some(secs)).await;
        assert!(
            matches!(refused, Err(StoreError::ExpiryOutOfRange { .. })),
            "{secs}: {refused:?}"
        );
    }
    assert_eq!(scalar(&t, "SELECT COUNT(*) FROM api_keys").await, 0);
    // Ten years is fine, and never expiring is still expressed by `None`.
    let ten_years =
        t.db.store
            .create_api_key(&p.id, Some(3650 * 86_400))
            .await
            .unwrap();
    assert!(ten_years.key.expires_at.is_some());
    let forever = t.db.store.create_api_key(&p.id, None).await.unwrap();
    assert!(forever.key.expires_at.is_none());
}

async fn public_totals_count_public_projects_and_their_rows_only(t: TestDb) {
    let alice = user(&t.db, 1).await;
    user(&t.db, 2).await;
    let public = project(&t.db, &alice, PROGRAM_A, true).await;
    let private = project(&t.db, &alice, PROGRAM_B, false).await;
    let insert_version = |project_id: String, n: i64| {
        let admin = t.db.admin.clone();
        async move {
            admin
                .query(&format!(
                    "INSERT INTO idl_versions (id, project_id, idl_json, version)
                     VALUES ('{project_id}-{n}', '{project_id}', '{{}}', {n})"
                ))
                .await
                .unwrap();
        }
    };
    let address = |label: &str| NewKnownAddress {
        label: label.into(),
        address: PROGRAM_A.into(),
        description: None,
    };
    insert_version(public.id.clone(), 1).await;
    t.db.store
        .create_known_address(&public.id, &address("pub"))
        .await
        .unwrap();
    let before = t.db.store.public_totals().await.unwrap();
    assert_eq!(
        before,
        PublicTotals {
            users: 2,
            projects: 1,
            idl_versions: 1,
            known_addresses: 1
        }
    );

    for n in 1..=3 {
        insert_version(private.id.clone(), n).await;
    }
    for label in ["a", "b"] {
        t.db.store
            .create_known_address(&private.id, &address(label))
            .await
            .unwrap();
    }
    assert_eq!(t.db.store.public_totals().await.unwrap(), before);
    // The operator's totals still count everything.
    let all = t.db.store.totals().await.unwrap();
    assert_eq!(
        (all.projects, all.idl_versions, all.known_addresses),
        (2, 4, 3)
    );

    // Made public, its rows are counted; made private again, they drop out.
    t.db.admin
        .query(&format!(
            "UPDATE projects SET is_public = true WHERE id = '{}'",
            private.id
        ))
        .await
        .unwrap();
    assert_eq!(
        t.db.store.public_totals().await.unwrap(),
        PublicTotals {
            users: 2,
            projects: 2,
            idl_versions: 4,
            known_addresses: 3
        }
    );
}

common::both_backends!(
    validation_writes_last_used_at_most_once_a_minute,
    an_unrepresentable_expiry_is_refused_not_made_permanent,
    public_totals_count_public_projects_and_their_rows_only,
);
