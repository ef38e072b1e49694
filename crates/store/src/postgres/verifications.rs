//! Checks of stored IDL versions against the IDL each program published on chain.

use super::{now, ts, PostgresStore};
use crate::error::db_err;
use crate::ids::new_id;
use crate::model::{NewVerification, Verification, VerificationOutcome};
use crate::StoreError;

macro_rules! select_verification {
    () => {
        concat!(
            "SELECT v.version, c.cluster, c.verified, c.outcome, c.scheme, c.account, c.slot, ",
            ts!("c.checked_at"),
            " AS checked_at
             FROM idl_verifications c JOIN idl_versions v ON v.id = c.version_id"
        )
    };
}

impl PostgresStore {
    pub(crate) async fn record_verification_impl(
        &self,
        check: &NewVerification<'_>,
    ) -> Result<Verification, StoreError> {
        let version_id: Option<(String,)> =
            sqlx::query_as("SELECT id FROM idl_versions WHERE project_id = $1 AND version = $2")
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
        sqlx::query(concat!(
            "INSERT INTO idl_verifications
               (id, project_id, version_id, cluster, verified, outcome, scheme, account, slot)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
             ON CONFLICT (version_id, cluster) DO UPDATE SET
               verified = excluded.verified, outcome = excluded.outcome, scheme = excluded.scheme,
               account = excluded.account, slot = excluded.slot, checked_at = ",
            now!()
        ))
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
        sqlx::query_as::<_, Verification>(concat!(
            select_verification!(),
            " WHERE c.version_id = $1 AND c.cluster = $2"
        ))
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
        sqlx::query_as::<_, Verification>(concat!(
            select_verification!(),
            " WHERE c.project_id = $1 ORDER BY v.version DESC, c.cluster"
        ))
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
             WHERE p.program_id = $1 AND c.verified
               AND v.version = (SELECT MAX(version) FROM idl_versions WHERE project_id = p.id)",
        )
        .bind(program_id)
        .fetch_all(&self.pool)
        .await
        .map_err(db_err)?;
        Ok(rows.into_iter().map(|(id,)| id).collect())
    }

    pub(crate) async fn verification_targets_impl(
        &self,
    ) -> Result<Vec<(String, String)>, StoreError> {
        sqlx::query_as(
            "SELECT DISTINCT project_id, cluster FROM idl_verifications
             ORDER BY project_id, cluster",
        )
        .fetch_all(&self.pool)
        .await
        .map_err(db_err)
    }
}
