//! The seed's "Common SQL Queries" as one statistics report.

use super::SqliteStore;
use crate::error::db_err;
use crate::model::{RecentUpload, Stats, UserStats};
use crate::StoreError;

impl SqliteStore {
    pub(crate) async fn stats_impl(&self, recent: u32) -> Result<Stats, StoreError> {
        let mut tx = self.pool.begin().await.map_err(db_err)?;
        let (users, public_projects, projects, idl_versions, known_addresses): (
            i64,
            i64,
            i64,
            i64,
            i64,
        ) = sqlx::query_as(
            "SELECT
               (SELECT COUNT(*) FROM users),
               (SELECT COUNT(*) FROM projects WHERE is_public = true),
               (SELECT COUNT(*) FROM projects),
               (SELECT COUNT(*) FROM idl_versions),
               (SELECT COUNT(*) FROM known_addresses)",
        )
        .fetch_one(&mut *tx)
        .await
        .map_err(db_err)?;
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
        // The seed's query counts `p.id` once per version row; DISTINCT gives the real number of
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
            users,
            public_projects,
            projects,
            idl_versions,
            known_addresses,
            recent_uploads,
            per_user,
        })
    }
}
