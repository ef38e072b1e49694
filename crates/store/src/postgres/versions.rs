//! IDL versions: atomic, gap-free append across processes; latest/specific lookups; history.

use super::{now, ts, PostgresStore};
use crate::error::db_err;
use crate::ids::new_id;
use crate::model::{IdlVersion, IdlVersionMeta, NewVersion};
use crate::StoreError;

macro_rules! version_columns {
    () => {
        concat!(
            "id, project_id, idl_json, cpi_md, version, ",
            ts!("created_at"),
            " AS created_at"
        )
    };
}

impl PostgresStore {
    pub(crate) async fn append_idl_version_impl(
        &self,
        project_id: &str,
        new: NewVersion<'_>,
    ) -> Result<IdlVersion, StoreError> {
        let mut tx = self.pool.begin().await.map_err(db_err)?;
        // The project row's lock serialises appends to one project across every connection and
        // process until this transaction ends; MAX(version) is read only after taking it, in a
        // statement of its own (a fresh READ COMMITTED snapshot), so it sees every version
        // committed before. The unique index on (project_id, version) is the backstop.
        // `NO KEY UPDATE` conflicts with itself (and with deletes) but not with the key-share
        // locks of foreign keys, so adding an API key or address to the project does not wait.
        let locked: Option<(String,)> =
            sqlx::query_as("SELECT id FROM projects WHERE id = $1 FOR NO KEY UPDATE")
                .bind(project_id)
                .fetch_optional(&mut *tx)
                .await
                .map_err(db_err)?;
        if locked.is_none() {
            return Err(StoreError::NotFound {
                what: format!("project {project_id}"),
            });
        }
        sqlx::query(concat!(
            "UPDATE projects SET updated_at = ",
            now!(),
            " WHERE id = $1"
        ))
        .bind(project_id)
        .execute(&mut *tx)
        .await
        .map_err(db_err)?;
        let (version,): (i64,) = sqlx::query_as(
            "SELECT COALESCE(MAX(version), 0) + 1 FROM idl_versions WHERE project_id = $1",
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
        sqlx::query_as::<_, IdlVersion>(concat!(
            "SELECT ",
            version_columns!(),
            " FROM idl_versions WHERE project_id = $1 ORDER BY version DESC LIMIT 1"
        ))
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
        sqlx::query_as::<_, IdlVersion>(concat!(
            "SELECT ",
            version_columns!(),
            " FROM idl_versions WHERE project_id = $1 AND version = $2"
        ))
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
        sqlx::query_as::<_, IdlVersionMeta>(concat!(
            "SELECT id, version, ",
            ts!("created_at"),
            " AS created_at FROM idl_versions WHERE project_id = $1 ORDER BY version DESC"
        ))
        .bind(project_id)
        .fetch_all(&self.pool)
        .await
        .map_err(db_err)
    }
}

/// Inserts version `version` of a project (its docs generated for that number) and, when given,
/// its search terms, inside the caller's transaction.
pub(crate) async fn insert_version(
    tx: &mut sqlx::Transaction<'_, sqlx::Postgres>,
    project_id: &str,
    version: i64,
    new: NewVersion<'_>,
) -> Result<IdlVersion, StoreError> {
    let docs = new.docs.for_version(version);
    let row = sqlx::query_as::<_, IdlVersion>(concat!(
        "INSERT INTO idl_versions (id, project_id, idl_json, cpi_md, version)
         VALUES ($1, $2, $3, $4, $5)
         RETURNING ",
        version_columns!()
    ))
    .bind(new_id())
    .bind(project_id)
    .bind(new.idl_json)
    .bind(docs.as_deref())
    .bind(version)
    .fetch_one(&mut **tx)
    .await
    .map_err(|e| StoreError::from_sqlx(e, "IDL version"))?;
    if let Some(instructions) = new.search_instructions {
        sqlx::query("UPDATE project_search SET instructions = $1 WHERE project_id = $2")
            .bind(instructions)
            .bind(project_id)
            .execute(&mut **tx)
            .await
            .map_err(db_err)?;
    }
    Ok(row)
}
