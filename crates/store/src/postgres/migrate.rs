//! Embedded migrations and the table that records which ran, as in SQLite (same file names, same
//! bookkeeping table), made safe for several instances starting at once.

use sha2::{Digest, Sha256};
use sqlx::PgConnection;

use super::{ts, PostgresStore};
use crate::error::db_err;
use crate::model::AppliedMigration;
use crate::StoreError;

/// A migration compiled into the binary.
pub(crate) struct Migration {
    pub version: i64,
    pub name: &'static str,
    pub sql: &'static str,
}

macro_rules! migration {
    ($version:literal, $name:literal) => {
        Migration {
            version: $version,
            name: $name,
            sql: include_str!(concat!("../../migrations/postgres/", $name)),
        }
    };
}

/// The schema history, numbered and named like SQLite's. Released entries are never edited.
pub(crate) const MIGRATIONS: &[Migration] = &[
    migration!(1, "001_initial_schema.sql"),
    migration!(2, "002_indexes.sql"),
    migration!(3, "003_custom_docs_and_known_addresses.sql"),
    migration!(4, "004_version_uniqueness.sql"),
    migration!(5, "005_revoked_sessions.sql"),
    migration!(6, "006_project_search.sql"),
    migration!(7, "007_program_lists.sql"),
    migration!(8, "008_idl_verifications.sql"),
];

/// The bookkeeping table (the same as SQLite's).
pub(crate) const MIGRATIONS_TABLE: &str = "_orquestra_migrations";

const CREATE_TABLE: &str = "CREATE TABLE IF NOT EXISTS _orquestra_migrations (
  version BIGINT PRIMARY KEY,
  name TEXT NOT NULL,
  checksum TEXT NOT NULL,
  applied_at TIMESTAMP DEFAULT (clock_timestamp() AT TIME ZONE 'utc')
)";

/// The advisory lock every migrating transaction takes first, so that instances starting
/// together apply each migration once, one after the other ("orquestr" in ASCII).
const MIGRATION_LOCK: i64 = 0x6f72_7175_6573_7472;

fn checksum(sql: &str) -> String {
    hex::encode(Sha256::digest(sql.as_bytes()))
}

/// Takes the migration lock for the rest of the caller's transaction.
pub(crate) async fn lock(conn: &mut PgConnection) -> Result<(), StoreError> {
    sqlx::query("SELECT pg_advisory_xact_lock($1)")
        .bind(MIGRATION_LOCK)
        .execute(&mut *conn)
        .await
        .map(|_| ())
        .map_err(db_err)
}

/// Applies the first migration not yet recorded, inside the caller's transaction (which holds
/// [`lock`]); `None` when the schema is up to date. Refuses a database whose recorded history
/// this build does not match.
pub(crate) async fn apply_next(
    conn: &mut PgConnection,
) -> Result<Option<AppliedMigration>, StoreError> {
    sqlx::query(CREATE_TABLE)
        .execute(&mut *conn)
        .await
        .map_err(db_err)?;
    let recorded: Vec<(i64, String, String)> = sqlx::query_as(
        "SELECT version, name, checksum FROM _orquestra_migrations ORDER BY version",
    )
    .fetch_all(&mut *conn)
    .await
    .map_err(db_err)?;
    for (version, name, sum) in &recorded {
        match MIGRATIONS.iter().find(|m| m.version == *version) {
            None => return Err(StoreError::MigrationUnknown { version: *version }),
            Some(m) if checksum(m.sql) != *sum => {
                return Err(StoreError::MigrationChanged { name: name.clone() })
            }
            Some(_) => {}
        }
    }
    let Some(migration) = MIGRATIONS
        .iter()
        .find(|m| !recorded.iter().any(|r| r.0 == m.version))
    else {
        return Ok(None);
    };
    let fail = |e: sqlx::Error| StoreError::Migration {
        name: migration.name.to_string(),
        reason: e.to_string(),
    };
    sqlx::raw_sql(migration.sql)
        .execute(&mut *conn)
        .await
        .map_err(fail)?;
    let row: AppliedMigration = sqlx::query_as(concat!(
        "INSERT INTO _orquestra_migrations (version, name, checksum) VALUES ($1, $2, $3)
         RETURNING version, name, ",
        ts!("applied_at"),
        " AS applied_at"
    ))
    .bind(migration.version)
    .bind(migration.name)
    .bind(checksum(migration.sql))
    .fetch_one(&mut *conn)
    .await
    .map_err(fail)?;
    Ok(Some(row))
}

impl PostgresStore {
    pub(crate) async fn run_migrations(&self) -> Result<Vec<AppliedMigration>, StoreError> {
        let mut applied = Vec::new();
        // One transaction per migration, as in SQLite: the schema change and its record commit
        // together, and a failure leaves the migrations before it applied.
        loop {
            let mut tx = self.pool.begin().await.map_err(db_err)?;
            lock(&mut tx).await?;
            let next = apply_next(&mut tx).await?;
            tx.commit().await.map_err(db_err)?;
            match next {
                Some(row) => applied.push(row),
                None => return Ok(applied),
            }
        }
    }

    pub(crate) async fn recorded_migrations(&self) -> Result<Vec<AppliedMigration>, StoreError> {
        let (exists,): (bool,) = sqlx::query_as("SELECT to_regclass($1) IS NOT NULL")
            .bind(MIGRATIONS_TABLE)
            .fetch_one(&self.pool)
            .await
            .map_err(db_err)?;
        if !exists {
            return Ok(Vec::new());
        }
        sqlx::query_as(concat!(
            "SELECT version, name, ",
            ts!("applied_at"),
            " AS applied_at FROM _orquestra_migrations ORDER BY version"
        ))
        .fetch_all(&self.pool)
        .await
        .map_err(db_err)
    }
}
