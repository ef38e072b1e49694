//! Project API keys (only SHA-256 hashes are stored; the plain key is returned once) and revoked
//! session ids.

use super::{now, ts, PostgresStore};
use crate::error::db_err;
use crate::ids::{hash_api_key, new_api_key, new_id};
use crate::model::{ApiKey, IssuedApiKey};
use crate::StoreError;

macro_rules! key_columns {
    () => {
        concat!(
            "id, project_id, key, ",
            ts!("last_used"),
            " AS last_used, ",
            ts!("created_at"),
            " AS created_at, ",
            ts!("expires_at"),
            " AS expires_at"
        )
    };
}

/// Least time between two `last_used` writes for one key: validation writes at most once a minute
/// per key.
const LAST_USED_EVERY_SECS: i64 = 60;

/// Expiries beyond this many seconds are refused before reaching the database (whose interval
/// arithmetic would fail rather than answer): well past the year 9999 from any present.
const MAX_EXPIRY_SECS: u64 = 10_000 * 366 * 86_400;

/// A valid key as read before deciding whether to touch `last_used`.
#[derive(sqlx::FromRow)]
struct KeyLookup {
    #[sqlx(flatten)]
    key: ApiKey,
    /// `last_used` is unset or older than [`LAST_USED_EVERY_SECS`].
    stale: bool,
}

impl PostgresStore {
    pub(crate) async fn create_api_key_impl(
        &self,
        project_id: &str,
        expires_in_secs: Option<u64>,
    ) -> Result<IssuedApiKey, StoreError> {
        let out_of_range = StoreError::ExpiryOutOfRange {
            secs: expires_in_secs.unwrap_or_default(),
        };
        let secs = match expires_in_secs {
            Some(secs) if secs > MAX_EXPIRY_SECS => return Err(out_of_range),
            Some(secs) => Some(i64::try_from(secs).map_err(|_| out_of_range)?),
            None => None,
        };
        let plain = new_api_key()?;
        // SQLite cannot represent times past the year 9999, so neither backend stores them: the
        // same expiry is refused on both instead of being accepted on one.
        let key = sqlx::query_as::<_, ApiKey>(concat!(
            "INSERT INTO api_keys (id, project_id, key, expires_at)
             SELECT $1, $2, $3, ",
            now!(),
            " + make_interval(secs => $4::float8)
             WHERE $4::bigint IS NULL
               OR ",
            now!(),
            " + make_interval(secs => $4::float8) < '10000-01-01'::timestamp
             RETURNING ",
            key_columns!()
        ))
        .bind(new_id())
        .bind(project_id)
        .bind(hash_api_key(&plain))
        .bind(secs)
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
        // the last minute, cost no write (and no row lock).
        let found = sqlx::query_as::<_, KeyLookup>(concat!(
            "SELECT ",
            key_columns!(),
            ",
               (last_used IS NULL OR last_used <= ",
            now!(),
            " - make_interval(secs => $1)) AS stale
             FROM api_keys
             WHERE key = $2 AND (expires_at IS NULL OR expires_at > ",
            now!(),
            ")"
        ))
        .bind(LAST_USED_EVERY_SECS as f64)
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
        // The data-layer specification's statement, binding the hash instead of the plain key. It re-checks the key,
        // so one revoked or expired since the read is still refused.
        sqlx::query_as::<_, ApiKey>(concat!(
            "UPDATE api_keys SET last_used = ",
            now!(),
            "
             WHERE key = $1 AND (expires_at IS NULL OR expires_at > ",
            now!(),
            ")
             RETURNING ",
            key_columns!()
        ))
        .bind(&hash)
        .fetch_optional(&self.pool)
        .await
        .map_err(db_err)
    }

    pub(crate) async fn api_key_project_impl(
        &self,
        plain: &str,
    ) -> Result<Option<String>, StoreError> {
        let row: Option<(String,)> = sqlx::query_as(concat!(
            "SELECT project_id FROM api_keys
             WHERE key = $1 AND (expires_at IS NULL OR expires_at > ",
            now!(),
            ")"
        ))
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
        sqlx::query_as::<_, ApiKey>(concat!(
            "SELECT ",
            key_columns!(),
            " FROM api_keys
             WHERE project_id = $1 ORDER BY api_keys.created_at DESC, api_keys.id DESC"
        ))
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
        let done = sqlx::query("DELETE FROM api_keys WHERE id = $1 AND project_id = $2")
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
        // One statement, so atomic: the new key keeps the old one's remaining lifetime (rotation
        // replaces a secret, it does not extend access), and no old key means no new one.
        let key = sqlx::query_as::<_, ApiKey>(concat!(
            "WITH old AS (
               DELETE FROM api_keys WHERE id = $1 AND project_id = $2 RETURNING expires_at
             )
             INSERT INTO api_keys (id, project_id, key, expires_at)
             SELECT $3, $2, $4, expires_at FROM old
             RETURNING ",
            key_columns!()
        ))
        .bind(key_id)
        .bind(project_id)
        .bind(new_id())
        .bind(hash_api_key(&plain))
        .fetch_optional(&self.pool)
        .await
        .map_err(|e| StoreError::from_sqlx(e, "API key"))?;
        Ok(key.map(|key| IssuedApiKey { key, plain }))
    }

    pub(crate) async fn revoke_session_impl(
        &self,
        jti: &str,
        expires_at: i64,
    ) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await.map_err(db_err)?;
        sqlx::query(
            "DELETE FROM revoked_sessions WHERE expires_at < extract(epoch FROM now())::bigint",
        )
        .execute(&mut *tx)
        .await
        .map_err(db_err)?;
        sqlx::query(
            "INSERT INTO revoked_sessions (jti, expires_at) VALUES ($1, $2)
             ON CONFLICT (jti) DO NOTHING",
        )
        .bind(jti)
        .bind(expires_at)
        .execute(&mut *tx)
        .await
        .map_err(db_err)?;
        tx.commit().await.map_err(db_err)
    }

    pub(crate) async fn is_session_revoked_impl(&self, jti: &str) -> Result<bool, StoreError> {
        let row: Option<(i32,)> = sqlx::query_as("SELECT 1 FROM revoked_sessions WHERE jti = $1")
            .bind(jti)
            .fetch_optional(&self.pool)
            .await
            .map_err(db_err)?;
        Ok(row.is_some())
    }
}
