//! IDL versions: atomic append, latest/specific lookups, history.

use super::SqliteStore;
use crate::error::db_err;
use crate::ids::new_id;
use crate::model::{IdlVersion, IdlVersionMeta, NewVersion};
use crate::StoreError;

impl SqliteStore {
    pub(crate) async fn append_idl_version_impl(
        &self,
        project_id: &str,
        new: NewVersion<'_>,
    ) -> Result<IdlVersion, StoreError> {
        // BEGIN IMMEDIATE takes the write lock before reading MAX(version), so concurrent appends
        // queue behind each other instead of computing the same number; the unique index on
        // (project_id, version) is the backstop.
        let mut tx = self
            .pool
            .begin_with("BEGIN IMMEDIATE")
            .await
            .map_err(db_err)?;
        let touched =
            sqlx::query("UPDATE projects SET updated_at = CURRENT_TIMESTAMP WHERE id = ?")
                .bind(project_id)
                .execute(&mut *tx)
                .await
                .map_err(db_err)?;
        if touched.rows_affected() == 0 {
            return Err(StoreError::NotFound {
                what: format!("project {project_id}"),
            });
        }
        let (version,): (i64,) = sqlx::query_as(
            "SELECT COALESCE(MAX(version), 0) + 1 FROM idl_versions WHERE project_id = ?",
        )
        .bind(project_id)
        .fetch_one(&mut *tx)
        .await
        .map_err(db_err)?;
        let row = insert_version(&mut tx, project_id, version, new).await?;
        tx.commit().await.map_err(db_err)?;
        Ok(row)
    }

    pub(crate) async fn latest_idl_version_impl(
        &self,
        project_id: &str,
    ) -> Result<Option<IdlVersion>, StoreError> {
        sqlx::query_as::<_, IdlVersion>(
            "SELECT id, project_id, idl_json, cpi_md, version, created_at FROM idl_versions
             WHERE project_id = ?
             ORDER BY version DESC
             LIMIT 1",
        )
        .bind(project_id)
        .fetch_optional(&self.pool)
        .await
        .map_err(db_err)
    }

    pub(crate) async fn idl_version_impl(
        &self,
        project_id: &str,
        version: i64,
    ) -> Result<Option<IdlVersion>, StoreError> {
        sqlx::query_as::<_, IdlVersion>(
            "SELECT id, project_id, idl_json, cpi_md, version, created_at FROM idl_versions
             WHERE project_id = ? AND version = ?",
        )
        .bind(project_id)
        .bind(version)
        .fetch_optional(&self.pool)
        .await
        .map_err(db_err)
    }

    pub(crate) async fn list_idl_versions_impl(
        &self,
        project_id: &str,
    ) -> Result<Vec<IdlVersionMeta>, StoreError> {
        sqlx::query_as::<_, IdlVersionMeta>(
            "SELECT id, version, created_at FROM idl_versions WHERE project_id = ? ORDER BY version DESC",
        )
        .bind(project_id)
        .fetch_all(&self.pool)
        .await
        .map_err(db_err)
    }
}

/// Inserts version `version` of a project (its docs generated for that number) and, when given,
/// its search terms, inside the caller's transaction.
pub(crate) async fn insert_version(
    tx: &mut sqlx::Transaction<'_, sqlx::Sqlite>,
    project_id: &str,
    version: i64,
    new: NewVersion<'_>,
) -> Result<IdlVersion, StoreError> {
    let docs = new.docs.for_version(version);
    let row = sqlx::query_as::<_, IdlVersion>(
        "INSERT INTO idl_versions (id, project_id, idl_json, cpi_md, version) VALUES (?, ?, ?, ?, ?)
         RETURNING id, project_id, idl_json, cpi_md, version, created_at",
    )
    .bind(new_id())
    .bind(project_id)
    .bind(new.idl_json)
    .bind(docs.as_deref())
    .bind(version)
    .fetch_one(&mut **tx)
    .await
    .map_err(|e| StoreError::from_sqlx(e, "IDL version"))?;
    if let Some(instructions) = new.search_instructions {
        sqlx::query("UPDATE project_search SET instructions = ? WHERE project_id = ?")
            .bind(instructions)
            .bind(project_id)
            .execute(&mut **tx)
            .await
            .map_err(db_err)?;
    }
    Ok(row)
}
