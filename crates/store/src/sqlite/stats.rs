//! The data-layer specification's "Common SQL Queries" as one statistics report.

use super::SqliteStore;
use crate::error::db_err;
use crate::model::{PublicTotals, RecentUpload, Stats, Totals, UserStats};
use crate::StoreError;

/// The counts, inside the caller's read transaction.
async fn totals_in(tx: &mut sqlx::SqliteConnection) -> Result<Totals, StoreError> {
    sqlx::query_as::<_, Totals>(
        "SELECT
           (SELECT COUNT(*) FROM users) AS users,
           (SELECT COUNT(*) FROM projects WHERE is_public = true) AS public_projects,
           (SELECT COUNT(*) FROM projects) AS projects,
           (SELECT COUNT(*) FROM idl_versions) AS idl_versions,
           (SELECT COUNT(*) FROM known_addresses) AS known_addresses",
    )
    .fetch_one(tx)
    .await
    .map_err(db_err)
}

impl SqliteStore {
    pub(crate) async fn totals_impl(&self) -> Result<Totals, StoreError> {
        let mut conn = self.pool.acquire().await.map_err(db_err)?;
        totals_in(&mut conn).await
    }

    pub(crate) async fn public_totals_impl(&self) -> Result<PublicTotals, StoreError> {
        sqlx::query_as::<_, PublicTotals>(
            "SELECT
               (SELECT COUNT(*) FROM users) AS users,
               (SELECT COUNT(*) FROM projects WHERE is_public = true) AS projects,
               (SELECT COUNT(*) FROM idl_versions i JOIN projects p ON p.id = i.project_id
                 WHERE p.is_public = true) AS idl_versions,
               (SELECT COUNT(*) FROM known_addresses k JOIN projects p ON p.id = k.project_id
                 WHERE p.is_public = true) AS known_addresses",
        )
        .fetch_one(&self.pool)
        .await
        .map_err(db_err)
    }

    pub(crate) async fn stats_impl(&self, recent: u32) -> Result<Stats, StoreError> {
        let mut tx = self.pool.begin().await.map_err(db_err)?;
        let totals = totals_in(&mut tx).await?;
        let recent_uploads = sqlx::query_as::<_, RecentUpload>(
            "SELECT p.name, i.version, i.created_at
             FROM idl_versions i
             JOIN projects p ON i.project_id = p.id
             ORDER BY i.created_at DESC, i.rowid DESC
             LIMIT ?",
        )
        .bind(recent)
        .fetch_all(&mut *tx)
        .await
        .map_err(db_err)?;
        // The data-layer specification's query counts `p.id` once per version row; DISTINCT gives the real number of
        // projects.
        let per_user = sqlx::query_as::<_, UserStats>(
            "SELECT
               u.username,
               COUNT(DISTINCT p.id) as project_count,
               COUNT(i.id) as version_count
             FROM users u
             LEFT JOIN projects p ON u.id = p.user_id
             LEFT JOIN idl_versions i ON p.id = i.project_id
             GROUP BY u.id
             ORDER BY u.username",
        )
        .fetch_all(&mut *tx)
        .await
        .map_err(db_err)?;
        tx.commit().await.map_err(db_err)?;
        Ok(Stats {
            users: totals.users,
            public_projects: totals.public_projects,
            projects: totals.projects,
            idl_versions: totals.idl_versions,
            known_addresses: totals.known_addresses,
            recent_uploads,
            per_user,
        })
    }
}
