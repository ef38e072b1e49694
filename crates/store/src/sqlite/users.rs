//! Users: upsert after GitHub login, lookups, deletion, the "user with projects" aggregate.

use super::SqliteStore;
use crate::error::db_err;
use crate::ids::new_id;
use crate::model::{GithubProfile, ProjectRef, User, UserWithProjects};
use crate::StoreError;

#[derive(sqlx::FromRow)]
struct UserProjectsRow {
    #[sqlx(flatten)]
    user: User,
    projects: String,
}

impl SqliteStore {
    pub(crate) async fn upsert_github_user_impl(
        &self,
        p: &GithubProfile,
    ) -> Result<User, StoreError> {
        // One statement: insert, or refresh the profile of the user with this github_id. A clash
        // on username/email with a *different* github_id is a conflict, not an overwrite.
        sqlx::query_as::<_, User>(
            "INSERT INTO users (id, github_id, username, email, avatar_url)
             VALUES (?, ?, ?, ?, ?)
             ON CONFLICT(github_id) DO UPDATE SET
               username = excluded.username,
               email = excluded.email,
               avatar_url = excluded.avatar_url,
               updated_at = CURRENT_TIMESTAMP
             RETURNING id, github_id, username, email, avatar_url, created_at, updated_at",
        )
        .bind(new_id())
        .bind(p.github_id)
        .bind(&p.username)
        .bind(&p.email)
        .bind(&p.avatar_url)
        .fetch_one(&self.pool)
        .await
        .map_err(|e| StoreError::from_sqlx(e, "user with this username or email"))
    }

    pub(crate) async fn get_user_impl(&self, id: &str) -> Result<Option<User>, StoreError> {
        sqlx::query_as::<_, User>(
            "SELECT id, github_id, username, email, avatar_url, created_at, updated_at FROM users WHERE id = ?",
        )
        .bind(id)
        .fetch_optional(&self.pool)
        .await
        .map_err(db_err)
    }

    pub(crate) async fn get_user_by_username_impl(
        &self,
        username: &str,
    ) -> Result<Option<User>, StoreError> {
        sqlx::query_as::<_, User>(
            "SELECT id, github_id, username, email, avatar_url, created_at, updated_at FROM users WHERE username = ?",
        )
        .bind(username)
        .fetch_optional(&self.pool)
        .await
        .map_err(db_err)
    }

    pub(crate) async fn delete_user_impl(&self, id: &str) -> Result<bool, StoreError> {
        let done = sqlx::query("DELETE FROM users WHERE id = ?")
            .bind(id)
            .execute(&self.pool)
            .await
            .map_err(db_err)?;
        Ok(done.rows_affected() > 0)
    }

    pub(crate) async fn user_with_projects_impl(
        &self,
        id: &str,
    ) -> Result<Option<UserWithProjects>, StoreError> {
        // The data-layer specification's query, with two fixes: a user without projects gets `[]` (not `[{id: null}]`),
        // and projects come newest first.
        let row: Option<UserProjectsRow> =
            sqlx::query_as(
                "SELECT
                   u.id, u.github_id, u.username, u.email, u.avatar_url, u.created_at, u.updated_at,
                   COALESCE(json_group_array(
                     json_object(
                       'id', p.id,
                       'name', p.name,
                       'program_id', p.program_id,
                       'is_public', CASE WHEN p.is_public THEN json('true') ELSE json('false') END
                     )
                   ) FILTER (WHERE p.id IS NOT NULL), '[]') AS projects
                 FROM users u
                 LEFT JOIN (SELECT * FROM projects ORDER BY created_at DESC, rowid DESC) p ON u.id = p.user_id
                 WHERE u.id = ?
                 GROUP BY u.id",
            )
            .bind(id)
            .fetch_optional(&self.pool)
            .await
            .map_err(db_err)?;
        let Some(row) = row else {
            return Ok(None);
        };
        let projects: Vec<ProjectRef> = serde_json::from_str(&row.projects)
            .map_err(|e| StoreError::Database(format!("projects aggregate: {e}")))?;
        Ok(Some(UserWithProjects {
            user: row.user,
            projects,
        }))
    }
}
