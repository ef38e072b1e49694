//! Projects, their socials and known addresses.

use super::{now, project_columns, ts, PostgresStore};
use crate::error::db_err;
use crate::ids::new_id;
use crate::model::*;
use crate::StoreError;

macro_rules! socials_columns {
    () => {
        concat!(
            "id, project_id, twitter, discord, telegram, github, website, ",
            ts!("created_at"),
            " AS created_at, ",
            ts!("updated_at"),
            " AS updated_at"
        )
    };
}

macro_rules! address_columns {
    () => {
        concat!(
            "id, project_id, label, address, description, ",
            ts!("created_at"),
            " AS created_at, ",
            ts!("updated_at"),
            " AS updated_at"
        )
    };
}

#[derive(sqlx::FromRow)]
struct ProjectWithVersion {
    #[sqlx(flatten)]
    project: Project,
    latest_version: Option<i64>,
}

impl PostgresStore {
    pub(crate) async fn create_project_impl(&self, p: &NewProject) -> Result<Project, StoreError> {
        sqlx::query_as::<_, Project>(concat!(
            "INSERT INTO projects (id, user_id, name, description, program_id, is_public)
             VALUES ($1, $2, $3, $4, $5, $6)
             RETURNING ",
            project_columns!()
        ))
        .bind(new_id())
        .bind(&p.user_id)
        .bind(&p.name)
        .bind(&p.description)
        .bind(&p.program_id)
        .bind(p.is_public)
        .fetch_one(&self.pool)
        .await
        .map_err(|e| StoreError::from_sqlx(e, "project for this program"))
    }

    pub(crate) async fn get_project_impl(&self, id: &str) -> Result<Option<Project>, StoreError> {
        sqlx::query_as::<_, Project>(concat!(
            "SELECT ",
            project_columns!(),
            " FROM projects WHERE id = $1"
        ))
        .bind(id)
        .fetch_optional(&self.pool)
        .await
        .map_err(db_err)
    }

    pub(crate) async fn get_project_with_version_impl(
        &self,
        id: &str,
    ) -> Result<Option<(Project, Option<i64>)>, StoreError> {
        let row: Option<ProjectWithVersion> = sqlx::query_as(concat!(
            "SELECT ", project_columns!(), ",
               (SELECT MAX(version) FROM idl_versions WHERE project_id = projects.id) AS latest_version
             FROM projects WHERE id = $1"
        ))
        .bind(id)
        .fetch_optional(&self.pool)
        .await
        .map_err(db_err)?;
        Ok(row.map(|r| (r.project, r.latest_version)))
    }

    pub(crate) async fn update_project_impl(
        &self,
        id: &str,
        u: &ProjectUpdate,
    ) -> Result<Option<Project>, StoreError> {
        // Each column is either kept (flag false) or set to the bound value (flag true), so one
        // static statement covers every partial update.
        sqlx::query_as::<_, Project>(concat!(
            "UPDATE projects SET
               name = CASE WHEN $1 THEN $2 ELSE name END,
               description = CASE WHEN $3 THEN $4 ELSE description END,
               is_public = CASE WHEN $5 THEN $6 ELSE is_public END,
               custom_docs = CASE WHEN $7 THEN $8 ELSE custom_docs END,
               updated_at = ",
            now!(),
            "
             WHERE id = $9
             RETURNING ",
            project_columns!()
        ))
        .bind(u.name.is_some())
        .bind(&u.name)
        .bind(u.description.is_some())
        .bind(u.description.clone().flatten())
        .bind(u.is_public.is_some())
        .bind(u.is_public)
        .bind(u.custom_docs.is_some())
        .bind(u.custom_docs.clone().flatten())
        .bind(id)
        .fetch_optional(&self.pool)
        .await
        .map_err(db_err)
    }

    pub(crate) async fn delete_project_impl(&self, id: &str) -> Result<bool, StoreError> {
        let done = sqlx::query("DELETE FROM projects WHERE id = $1")
            .bind(id)
            .execute(&self.pool)
            .await
            .map_err(db_err)?;
        Ok(done.rows_affected() > 0)
    }

    pub(crate) async fn list_user_projects_impl(
        &self,
        user_id: &str,
    ) -> Result<Vec<Project>, StoreError> {
        sqlx::query_as::<_, Project>(concat!(
            "SELECT ",
            project_columns!(),
            " FROM projects WHERE user_id = $1
             ORDER BY projects.created_at DESC, projects.id DESC"
        ))
        .bind(user_id)
        .fetch_all(&self.pool)
        .await
        .map_err(db_err)
    }

    pub(crate) async fn projects_by_program_impl(
        &self,
        program_id: &str,
    ) -> Result<Vec<Project>, StoreError> {
        sqlx::query_as::<_, Project>(concat!(
            "SELECT ",
            project_columns!(),
            " FROM projects WHERE program_id = $1
             ORDER BY projects.created_at DESC, projects.id DESC"
        ))
        .bind(program_id)
        .fetch_all(&self.pool)
        .await
        .map_err(db_err)
    }

    pub(crate) async fn list_public_projects_impl(
        &self,
        page: Page,
    ) -> Result<Paged<PublicProject>, StoreError> {
        let page = Page::new(page.limit, page.offset);
        // One REPEATABLE READ transaction so `total` and the page describe the same snapshot.
        let mut tx = self.pool.begin().await.map_err(db_err)?;
        snapshot(&mut tx).await?;
        let (total,): (i64,) =
            sqlx::query_as("SELECT COUNT(*) FROM projects WHERE is_public = true")
                .fetch_one(&mut *tx)
                .await
                .map_err(db_err)?;
        let items = sqlx::query_as::<_, PublicProject>(concat!(
            "SELECT
               p.id, p.user_id, p.name, p.description, p.program_id, p.is_public, ",
            ts!("p.created_at"),
            " AS created_at, ",
            ts!("p.updated_at"),
            " AS updated_at,
               u.username,
               u.avatar_url,
               COUNT(i.id) as version_count
             FROM projects p
             INNER JOIN users u ON p.user_id = u.id
             LEFT JOIN idl_versions i ON p.id = i.project_id
             WHERE p.is_public = true
             GROUP BY p.id, u.id
             ORDER BY p.created_at DESC, p.id DESC
             LIMIT $1 OFFSET $2"
        ))
        .bind(i64::from(page.limit))
        .bind(i64::from(page.offset))
        .fetch_all(&mut *tx)
        .await
        .map_err(db_err)?;
        tx.commit().await.map_err(db_err)?;
        Ok(Paged {
            items,
            total,
            limit: page.limit,
            offset: page.offset,
        })
    }

    pub(crate) async fn project_details_impl(
        &self,
        id: &str,
    ) -> Result<Option<ProjectDetails>, StoreError> {
        // The data-layer specification's query (plus `telegram`, which the specification forgot).
        sqlx::query_as::<_, ProjectDetails>(concat!(
            "SELECT ",
            project_columns!("p."),
            ",
               i.idl_json,
               i.version as idl_version,
               s.twitter,
               s.discord,
               s.telegram,
               s.github,
               s.website
             FROM projects p
             LEFT JOIN (
               SELECT * FROM idl_versions
               WHERE project_id = $1
               ORDER BY version DESC
               LIMIT 1
             ) i ON p.id = i.project_id
             LEFT JOIN project_socials s ON p.id = s.project_id
             WHERE p.id = $1"
        ))
        .bind(id)
        .fetch_optional(&self.pool)
        .await
        .map_err(db_err)
    }

    pub(crate) async fn upsert_socials_impl(
        &self,
        project_id: &str,
        s: &Socials,
    ) -> Result<ProjectSocials, StoreError> {
        // Unlike the data-layer specification's example, every field is replaced, so a field can be cleared.
        sqlx::query_as::<_, ProjectSocials>(concat!(
            "INSERT INTO project_socials (id, project_id, twitter, discord, telegram, github, website)
             VALUES ($1, $2, $3, $4, $5, $6, $7)
             ON CONFLICT(project_id) DO UPDATE SET
               twitter = excluded.twitter,
               discord = excluded.discord,
               telegram = excluded.telegram,
               github = excluded.github,
               website = excluded.website,
               updated_at = ", now!(), "
             RETURNING ", socials_columns!()
        ))
        .bind(new_id())
        .bind(project_id)
        .bind(&s.twitter)
        .bind(&s.discord)
        .bind(&s.telegram)
        .bind(&s.github)
        .bind(&s.website)
        .fetch_one(&self.pool)
        .await
        .map_err(|e| StoreError::from_sqlx(e, "socials"))
    }

    pub(crate) async fn get_socials_impl(
        &self,
        project_id: &str,
    ) -> Result<Option<ProjectSocials>, StoreError> {
        sqlx::query_as::<_, ProjectSocials>(concat!(
            "SELECT ",
            socials_columns!(),
            " FROM project_socials WHERE project_id = $1"
        ))
        .bind(project_id)
        .fetch_optional(&self.pool)
        .await
        .map_err(db_err)
    }

    pub(crate) async fn create_known_address_impl(
        &self,
        project_id: &str,
        a: &NewKnownAddress,
    ) -> Result<KnownAddress, StoreError> {
        sqlx::query_as::<_, KnownAddress>(concat!(
            "INSERT INTO known_addresses (id, project_id, label, address, description)
             VALUES ($1, $2, $3, $4, $5)
             RETURNING ",
            address_columns!()
        ))
        .bind(new_id())
        .bind(project_id)
        .bind(&a.label)
        .bind(&a.address)
        .bind(&a.description)
        .fetch_one(&self.pool)
        .await
        .map_err(|e| StoreError::from_sqlx(e, "known address"))
    }

    pub(crate) async fn list_known_addresses_impl(
        &self,
        project_id: &str,
    ) -> Result<Vec<KnownAddress>, StoreError> {
        sqlx::query_as::<_, KnownAddress>(concat!(
            "SELECT ",
            address_columns!(),
            " FROM known_addresses WHERE project_id = $1
             ORDER BY known_addresses.created_at, id"
        ))
        .bind(project_id)
        .fetch_all(&self.pool)
        .await
        .map_err(db_err)
    }

    pub(crate) async fn get_known_address_impl(
        &self,
        project_id: &str,
        id: &str,
    ) -> Result<Option<KnownAddress>, StoreError> {
        sqlx::query_as::<_, KnownAddress>(concat!(
            "SELECT ",
            address_columns!(),
            " FROM known_addresses WHERE id = $1 AND project_id = $2"
        ))
        .bind(id)
        .bind(project_id)
        .fetch_optional(&self.pool)
        .await
        .map_err(db_err)
    }

    pub(crate) async fn update_known_address_impl(
        &self,
        project_id: &str,
        id: &str,
        a: &NewKnownAddress,
    ) -> Result<Option<KnownAddress>, StoreError> {
        sqlx::query_as::<_, KnownAddress>(concat!(
            "UPDATE known_addresses SET label = $1, address = $2, description = $3,
               updated_at = ",
            now!(),
            "
             WHERE id = $4 AND project_id = $5
             RETURNING ",
            address_columns!()
        ))
        .bind(&a.label)
        .bind(&a.address)
        .bind(&a.description)
        .bind(id)
        .bind(project_id)
        .fetch_optional(&self.pool)
        .await
        .map_err(db_err)
    }

    pub(crate) async fn delete_known_address_impl(
        &self,
        project_id: &str,
        id: &str,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query("DELETE FROM known_addresses WHERE id = $1 AND project_id = $2")
            .bind(id)
            .bind(project_id)
            .execute(&self.pool)
            .await
            .map_err(db_err)?;
        Ok(done.rows_affected() > 0)
    }
}

/// Makes the caller's fresh transaction read one snapshot throughout (PostgreSQL's default, READ
/// COMMITTED, takes a new one per statement), so a count and its page agree.
pub(crate) async fn snapshot(conn: &mut sqlx::PgConnection) -> Result<(), StoreError> {
    sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        .execute(conn)
        .await
        .map(|_| ())
        .map_err(db_err)
}
