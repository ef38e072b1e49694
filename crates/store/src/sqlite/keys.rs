//! Project API keys (only SHA-256 hashes are stored; the plain key is returned once) and revoked
//! session ids.

use super::SqliteStore;
use crate::error::db_err;
use crate::ids::{hash_api_key, new_api_key, new_id};
use crate::model::{ApiKey, IssuedApiKey};
use crate::StoreError;

/// `datetime('now', ?)` modifier for an expiry, or NULL for keys that never expire.
fn expiry_modifier(expires_in_secs: Option<u64>) -> Option<String> {
    expires_in_secs.map(|s| format!("+{s} seconds"))
}

/// Least time between two `last_used` writes for one key: validation writes at most once a minute
/// per key.
const LAST_USED_EVERY_SECS: u32 = 60;

/// A valid key as read before deciding whether to touch `last_used`.
#[derive(sqlx::FromRow)]
struct KeyLookup {
    #[sqlx(flatten)]
    key: ApiKey,
    /// `last_used` is unset or older than [`LAST_USED_EVERY_SECS`].
    stale: bool,
}

impl SqliteStore {
    pub(crate) async fn create_api_key_impl(
        &self,
        project_id: &str,
        expires_in_secs: Option<u64>,
    ) -> Result<IssuedApiKey, StoreError> {
        let plain = new_api_key()?;
        let modifier = expiry_modifier(expires_in_secs);
        // An expiry SQLite cannot represent (past year 9999) makes `datetime` NULL, which would
        // read as "never expires": such a key is refused instead of inserted.
        let key = sqlx::query_as::<_, ApiKey>(
            "INSERT INTO api_keys (id, project_id, key, expires_at)
             SELECT ?, ?, ?, CASE WHEN ? IS NULL THEN NULL ELSE datetime('now', ?) END
             WHERE ? IS NULL OR datetime('now', ?) IS NOT NULL
             RETURNING id, project_id, key, last_used, created_at, expires_at",
        )
        .bind(new_id())
        .bind(project_id)
        .bind(hash_api_key(&plain))
        .bind(&modifier)
        .bind(&modifier)
        .bind(&modifier)
        .bind(&modifier)
        .fetch_optional(&self.pool)
        .await
        .map_err(|e| StoreError::from_sqlx(e, "API key"))?
        .ok_or(StoreError::ExpiryOutOfRange {
            secs: expires_in_secs.unwrap_or_default(),
        })?;
        Ok(IssuedApiKey { key, plain })
    }

    pub(crate) async fn validate_api_key_impl(
        &self,
        plain: &str,
    ) -> Result<Option<ApiKey>, StoreError> {
        let hash = hash_api_key(plain);
        // Read first: an unknown, expired or revoked key, and a key already marked used within
        // the last minute, cost no write (and no wait for SQLite's single writer).
        let found = sqlx::query_as::<_, KeyLookup>(
            "SELECT id, project_id, key, last_used, created_at, expires_at,
                    (last_used IS NULL OR last_used <= datetime('now', ?)) AS stale
             FROM api_keys
             WHERE key = ? AND (expires_at IS NULL OR expires_at > CURRENT_TIMESTAMP)",
        )
        .bind(format!("-{LAST_USED_EVERY_SECS} seconds"))
        .bind(&hash)
        .fetch_optional(&self.pool)
        .await
        .map_err(db_err)?;
        let Some(found) = found else {
            return Ok(None);
        };
        if !found.stale {
            return Ok(Some(found.key));
        }
        // The data-layer specification's statement, verbatim apart from binding the hash instead of the plain key. It
        // re-checks the key, so one revoked or expired since the read is still refused.
        sqlx::query_as::<_, ApiKey>(
            "UPDATE api_keys SET last_used = CURRENT_TIMESTAMP
             WHERE key = ? AND (expires_at IS NULL OR expires_at > CURRENT_TIMESTAMP)
             RETURNING *",
        )
        .bind(&hash)
        .fetch_optional(&self.pool)
        .await
        .map_err(db_err)
    }

    pub(crate) async fn api_key_project_impl(
        &self,
        plain: &str,
    ) -> Result<Option<String>, StoreError> {
        let row: Option<(String,)> = sqlx::query_as(
            "SELECT project_id FROM api_keys
             WHERE key = ? AND (expires_at IS NULL OR expires_at > CURRENT_TIMESTAMP)",
        )
        .bind(hash_api_key(plain))
        .fetch_optional(&self.pool)
        .await
        .map_err(db_err)?;
        Ok(row.map(|(id,)| id))
    }

    pub(crate) async fn list_api_keys_impl(
        &self,
        project_id: &str,
    ) -> Result<Vec<ApiKey>, StoreError> {
        sqlx::query_as::<_, ApiKey>(
            "SELECT id, project_id, key, last_used, created_at, expires_at FROM api_keys
             WHERE project_id = ? ORDER BY created_at DESC, rowid DESC",
        )
        .bind(project_id)
        .fetch_all(&self.pool)
        .await
        .map_err(db_err)
    }

    pub(crate) async fn revoke_api_key_impl(
        &self,
        project_id: &str,
        key_id: &str,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query("DELETE FROM api_keys WHERE id = ? AND project_id = ?")
            .bind(key_id)
            .bind(project_id)
            .execute(&self.pool)
            .await
            .map_err(db_err)?;
        Ok(done.rows_affected() > 0)
    }

    pub(crate) async fn rotate_api_key_impl(
        &self,
        project_id: &str,
        key_id: &str,
    ) -> Result<Option<IssuedApiKey>, StoreError> {
        let plain = new_api_key()?;
        let mut tx = self
            .pool
            .begin_with("BEGIN IMMEDIATE")
            .await
            .map_err(db_err)?;
        // The new key keeps the old one's remaining lifetime: rotation replaces a secret, it does
        // not extend access.
        let old: Option<(Option<String>,)> = sqlx::query_as(
            "DELETE FROM api_keys WHERE id = ? AND project_id = ? RETURNING expires_at",
        )
        .bind(key_id)
        .bind(project_id)
        .fetch_optional(&mut *tx)
        .await
        .map_err(db_err)?;
        let Some((expires_at,)) = old else {
            return Ok(None);
        };
        let key = sqlx::query_as::<_, ApiKey>(
            "INSERT INTO api_keys (id, project_id, key, expires_at) VALUES (?, ?, ?, ?)
             RETURNING id, project_id, key, last_used, created_at, expires_at",
        )
        .bind(new_id())
        .bind(project_id)
        .bind(hash_api_key(&plain))
        .bind(expires_at)
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| StoreError::from_sqlx(e, "API key"))?;
        tx.commit().await.map_err(db_err)?;
        Ok(Some(IssuedApiKey { key, plain }))
    }

    pub(crate) async fn revoke_session_impl(
        &self,
        jti: &str,
        expires_at: i64,
    ) -> Result<(), StoreError> {
        let mut tx = self
            .pool
            .begin_with("BEGIN IMMEDIATE")
            .await
            .map_err(db_err)?;
        sqlx::query("DELETE FROM revoked_sessions WHERE expires_at < unixepoch()")
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
        sqlx::query("INSERT OR IGNORE INTO revoked_sessions (jti, expires_at) VALUES (?, ?)")
            .bind(jti)
            .bind(expires_at)
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
        tx.commit().await.map_err(db_err)
    }

    pub(crate) async fn is_session_revoked_impl(&self, jti: &str) -> Result<bool, StoreError> {
        let row: Option<(i64,)> = sqlx::query_as("SELECT 1 FROM revoked_sessions WHERE jti = ?")
            .bind(jti)
            .fetch_optional(&self.pool)
            .await
            .map_err(db_err)?;
        Ok(row.is_some())
    }
}
