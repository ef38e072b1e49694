//! Embedded migrations and the table that records which ran.

use sha2::{Digest, Sha256};

use super::SqliteStore;
use crate::error::db_err;
use crate::model::AppliedMigration;
use crate::StoreError;

/// A migration compiled into the binary.
pub(crate) struct Migration {
    pub version: i64,
    pub name: &'static str,
    pub sql: &'static str,
}

/// The schema history. Released entries are never edited; new needs get a new file.
pub(crate) const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        name: "001_initial_schema.sql",
        sql: include_str!("../../migrations/sqlite/001_initial_schema.sql"),
    },
    Migration {
        version: 2,
        name: "002_indexes.sql",
        sql: include_str!("../../migrations/sqlite/002_indexes.sql"),
    },
    Migration {
        version: 3,
        name: "003_custom_docs_and_known_addresses.sql",
        sql: include_str!("../../migrations/sqlite/003_custom_docs_and_known_addresses.sql"),
    },
    Migration {
        version: 4,
        name: "004_version_uniqueness.sql",
        sql: include_str!("../../migrations/sqlite/004_version_uniqueness.sql"),
    },
    Migration {
        version: 5,
        name: "005_revoked_sessions.sql",
        sql: include_str!("../../migrations/sqlite/005_revoked_sessions.sql"),
    },
    Migration {
        version: 6,
        name: "006_project_search.sql",
        sql: include_str!("../../migrations/sqlite/006_project_search.sql"),
    },
    Migration {
        version: 7,
        name: "007_program_lists.sql",
        sql: include_str!("../../migrations/sqlite/007_program_lists.sql"),
    },
    Migration {
        version: 8,
        name: "008_idl_verifications.sql",
        sql: include_str!("../../migrations/sqlite/008_idl_verifications.sql"),
    },
];

/// The bookkeeping table. Its name starts with an underscore so the data-layer specification's tables stay the only
/// application tables.
pub(crate) const MIGRATIONS_TABLE: &str = "_orquestra_migrations";

const CREATE_TABLE: &str = "CREATE TABLE IF NOT EXISTS _orquestra_migrations (
  version INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  checksum TEXT NOT NULL,
  applied_at DATETIME DEFAULT CURRENT_TIMESTAMP
)";

fn checksum(sql: &str) -> String {
    hex::encode(Sha256::digest(sql.as_bytes()))
}

impl SqliteStore {
    pub(crate) async fn run_migrations(&self) -> Result<Vec<AppliedMigration>, StoreError> {
        sqlx::query(CREATE_TABLE)
            .execute(&self.pool)
            .await
            .map_err(db_err)?;
        let recorded: Vec<(i64, String, String)> = sqlx::query_as(
            "SELECT version, name, checksum FROM _orquestra_migrations ORDER BY version",
        )
        .fetch_all(&self.pool)
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
        let mut applied = Vec::new();
        for migration in MIGRATIONS
            .iter()
            .filter(|m| !recorded.iter().any(|r| r.0 == m.version))
        {
            let fail = |e: sqlx::Error| StoreError::Migration {
                name: migration.name.to_string(),
                reason: e.to_string(),
            };
            // The schema change and its record commit together: a failed migration leaves no trace.
            let mut tx = self
                .pool
                .begin_with("BEGIN IMMEDIATE")
                .await
                .map_err(fail)?;
            sqlx::raw_sql(migration.sql)
                .execute(&mut *tx)
                .await
                .map_err(fail)?;
            let row: AppliedMigration = sqlx::query_as(
                "INSERT INTO _orquestra_migrations (version, name, checksum) VALUES (?, ?, ?)
                 RETURNING version, name, applied_at",
            )
            .bind(migration.version)
            .bind(migration.name)
            .bind(checksum(migration.sql))
            .fetch_one(&mut *tx)
            .await
            .map_err(fail)?;
            tx.commit().await.map_err(fail)?;
            applied.push(row);
        }
        Ok(applied)
    }

    pub(crate) async fn recorded_migrations(&self) -> Result<Vec<AppliedMigration>, StoreError> {
        let exists: Option<(String,)> =
            sqlx::query_as("SELECT name FROM sqlite_master WHERE type = 'table' AND name = ?")
                .bind(MIGRATIONS_TABLE)
                .fetch_optional(&self.pool)
                .await
                .map_err(db_err)?;
        if exists.is_none() {
            return Ok(Vec::new());
        }
        sqlx::query_as(
            "SELECT version, name, applied_at FROM _orquestra_migrations ORDER BY version",
        )
        .fetch_all(&self.pool)
        .await
        .map_err(db_err)
    }
}
