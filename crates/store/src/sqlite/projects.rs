//! Projects, their socials and known addresses.

use super::SqliteStore;
use crate::error::db_err;
use crate::ids::new_id;
use crate::model::*;
use crate::StoreError;

#[derive(sqlx::FromRow)]
struct ProjectWithVersion {
    #[sqlx(flatten)]
    project: Project,
    latest_version: Option<i64>,
}

impl SqliteStore {
    pub(crate) async fn create_project_impl(&self, p: &NewProject) -> Result<Project, StoreError> {
        sqlx::query_as::<_, Project>(
            "INSERT INTO projects (id, user_id, name, description, program_id, is_public)
             VALUES (?, ?, ?, ?, ?, ?)
             RETURNING id, user_id, name, description, program_id, is_public, custom_docs, created_at, updated_at",
        )
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
        sqlx::query_as::<_, Project>(
            "SELECT id, user_id, name, description, program_id, is_public, custom_docs, created_at, updated_at
             FROM projects WHERE id = ?",
        )
        .bind(id)
        .fetch_optional(&self.pool)
        .await
        .map_err(db_err)
    }

    pub(crate) async fn get_project_with_version_impl(
        &self,
        id: &str,
    ) -> Result<Option<(Project, Option<i64>)>, StoreError> {
        if let Some(row) = self.projects.row(id) {
            return Ok(row);
        }
        let generation = self.projects.generation();
        let row: Option<ProjectWithVersion> = sqlx::query_as(
            "SELECT id, user_id, name, description, program_id, is_public, custom_docs, created_at, updated_at,
               (SELECT MAX(version) FROM idl_versions WHERE project_id = projects.id) AS latest_version
             FROM projects WHERE id = ?",
        )
        .bind(id)
        .fetch_optional(&self.pool)
        .await
        .map_err(db_err)?;
        let row = row.map(|r| (r.project, r.latest_version));
        self.projects.insert_row(id, generation, &row);
        Ok(row)
    }

    pub(crate) async fn update_project_impl(
        &self,
        id: &str,
        u: &ProjectUpdate,
    ) -> Result<Option<Project>, StoreError> {
        // Each column is either kept (flag 0) or set to the bound value (flag 1), so one static
        // statement covers every partial update.
        sqlx::query_as::<_, Project>(
            "UPDATE projects SET
               name = CASE WHEN ? THEN ? ELSE name END,
               description = CASE WHEN ? THEN ? ELSE description END,
               is_public = CASE WHEN ? THEN ? ELSE is_public END,
               custom_docs = CASE WHEN ? THEN ? ELSE custom_docs END,
               updated_at = CURRENT_TIMESTAMP
             WHERE id = ?
             RETURNING id, user_id, name, description, program_id, is_public, custom_docs, created_at, updated_at",
        )
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
        let done = sqlx::query("DELETE FROM projects WHERE id = ?")
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
        sqlx::query_as::<_, Project>(
            "SELECT id, user_id, name, description, program_id, is_public, custom_docs, created_at, updated_at
             FROM projects WHERE user_id = ? ORDER BY created_at DESC, rowid DESC",
        )
        .bind(user_id)
        .fetch_all(&self.pool)
        .await
        .map_err(db_err)
    }

    pub(crate) async fn projects_by_program_impl(
        &self,
        program_id: &str,
    ) -> Result<Vec<Project>, StoreError> {
        sqlx::query_as::<_, Project>(
            "SELECT id, user_id, name, description, program_id, is_public, custom_docs, created_at, updated_at
             FROM projects WHERE program_id = ? ORDER BY created_at DESC, rowid DESC",
        )
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
        // One read transaction so `total` and the page describe the same snapshot.
        let mut tx = self.pool.begin().await.map_err(db_err)?;
        let (total,): (i64,) =
            sqlx::query_as("SELECT COUNT(*) FROM projects WHERE is_public = true")
                .fetch_one(&mut *tx)
                .await
                .map_err(db_err)?;
        let items = sqlx::query_as::<_, PublicProject>(
            "SELECT
               p.id, p.user_id, p.name, p.description, p.program_id, p.is_public, p.created_at, p.updated_at,
               u.username,
               u.avatar_url,
               COUNT(i.id) as version_count
             FROM projects p
             INNER JOIN users u ON p.user_id = u.id
             LEFT JOIN idl_versions i ON p.id = i.project_id
             WHERE p.is_public = true
             GROUP BY p.id
             ORDER BY p.created_at DESC, p.rowid DESC
             LIMIT ? OFFSET ?",
        )
        .bind(page.limit)
        .bind(page.offset)
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
        sqlx::query_as::<_, ProjectDetails>(
            "SELECT
               p.*,
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
               WHERE project_id = ?
               ORDER BY version DESC
               LIMIT 1
             ) i ON p.id = i.project_id
             LEFT JOIN project_socials s ON p.id = s.project_id
             WHERE p.id = ?",
        )
        .bind(id)
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
        sqlx::query_as::<_, ProjectSocials>(
            "INSERT INTO project_socials (id, project_id, twitter, discord, telegram, github, website)
             VALUES (?, ?, ?, ?, ?, ?, ?)
             ON CONFLICT(project_id) DO UPDATE SET
               twitter = excluded.twitter,
               discord = excluded.discord,
               telegram = excluded.telegram,
               github = excluded.github,
               website = excluded.website,
               updated_at = CURRENT_TIMESTAMP
             RETURNING id, project_id, twitter, discord, telegram, github, website, created_at, updated_at",
        )
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
        sqlx::query_as::<_, ProjectSocials>(
            "SELECT id, project_id, twitter, discord, telegram, github, website, created_at, updated_at
             FROM project_socials WHERE project_id = ?",
        )
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
        sqlx::query_as::<_, KnownAddress>(
            "INSERT INTO known_addresses (id, project_id, label, address, description)
             VALUES (?, ?, ?, ?, ?)
             RETURNING id, project_id, label, address, description, created_at, updated_at",
        )
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
        sqlx::query_as::<_, KnownAddress>(
            "SELECT id, project_id, label, address, description, created_at, updated_at
             FROM known_addresses WHERE project_id = ? ORDER BY created_at, rowid",
        )
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
        sqlx::query_as::<_, KnownAddress>(
            "SELECT id, project_id, label, address, description, created_at, updated_at
             FROM known_addresses WHERE id = ? AND project_id = ?",
        )
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
        sqlx::query_as::<_, KnownAddress>(
            "UPDATE known_addresses SET label = ?, address = ?, description = ?, updated_at = CURRENT_TIMESTAMP
             WHERE id = ? AND project_id = ?
             RETURNING id, project_id, label, address, description, created_at, updated_at",
        )
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
        let done = sqlx::query("DELETE FROM known_addresses WHERE id = ? AND project_id = ?")
            .bind(id)
            .bind(project_id)
            .execute(&self.pool)
            .await
            .map_err(db_err)?;
        Ok(done.rows_affected() > 0)
    }
}
