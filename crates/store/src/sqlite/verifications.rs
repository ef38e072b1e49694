//! Checks of stored IDL versions against the IDL each program published on chain.

use super::SqliteStore;
use crate::error::db_err;
use crate::ids::new_id;
use crate::model::{NewVerification, Verification, VerificationOutcome};
use crate::StoreError;

impl SqliteStore {
    pub(crate) async fn record_verification_impl(
        &self,
        check: &NewVerification<'_>,
    ) -> Result<Verification, StoreError> {
        let version_id: Option<(String,)> =
            sqlx::query_as("SELECT id FROM idl_versions WHERE project_id = ? AND version = ?")
                .bind(check.project_id)
                .bind(check.version)
                .fetch_optional(&self.pool)
                .await
                .map_err(db_err)?;
        let Some((version_id,)) = version_id else {
            return Err(StoreError::NotFound {
                what: format!("version {} of project {}", check.version, check.project_id),
            });
        };
        sqlx::query(
            "INSERT INTO idl_verifications
               (id, project_id, version_id, cluster, verified, outcome, scheme, account, slot)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
             ON CONFLICT (version_id, cluster) DO UPDATE SET
               verified = excluded.verified, outcome = excluded.outcome, scheme = excluded.scheme,
               account = excluded.account, slot = excluded.slot, checked_at = CURRENT_TIMESTAMP",
        )
        .bind(new_id())
        .bind(check.project_id)
        .bind(&version_id)
        .bind(check.cluster)
        .bind(check.outcome == VerificationOutcome::Match)
        .bind(check.outcome.as_str())
        .bind(check.scheme)
        .bind(check.account)
        .bind(check.slot)
        .execute(&self.pool)
        .await
        .map_err(db_err)?;
        sqlx::query_as::<_, Verification>(
            "SELECT v.version, c.cluster, c.verified, c.outcome, c.scheme, c.account, c.slot,
                    c.checked_at
             FROM idl_verifications c JOIN idl_versions v ON v.id = c.version_id
             WHERE c.version_id = ? AND c.cluster = ?",
        )
        .bind(&version_id)
        .bind(check.cluster)
        .fetch_one(&self.pool)
        .await
        .map_err(db_err)
    }

    pub(crate) async fn list_verifications_impl(
        &self,
        project_id: &str,
    ) -> Result<Vec<Verification>, StoreError> {
        sqlx::query_as::<_, Verification>(
            "SELECT v.version, c.cluster, c.verified, c.outcome, c.scheme, c.account, c.slot,
                    c.checked_at
             FROM idl_verifications c JOIN idl_versions v ON v.id = c.version_id
             WHERE c.project_id = ? ORDER BY v.version DESC, c.cluster",
        )
        .bind(project_id)
        .fetch_all(&self.pool)
        .await
        .map_err(db_err)
    }

    pub(crate) async fn verified_projects_impl(
        &self,
        program_id: &str,
    ) -> Result<Vec<String>, StoreError> {
        let rows: Vec<(String,)> = sqlx::query_as(
            "SELECT DISTINCT p.id FROM projects p
               JOIN idl_versions v ON v.project_id = p.id
               JOIN idl_verifications c ON c.version_id = v.id
             WHERE p.program_id = ? AND c.verified
               AND v.version = (SELECT MAX(version) FROM idl_versions WHERE project_id = p.id)",
        )
        .bind(program_id)
        .fetch_all(&self.pool)
        .await
        .map_err(db_err)?;
        Ok(rows.into_iter().map(|(id,)| id).collect())
    }
}
