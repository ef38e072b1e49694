//! Users: upsert after GitHub login, lookups, deletion, the "user with projects" aggregate.

use super::{now, ts, PostgresStore};
use crate::error::db_err;
use crate::ids::new_id;
use crate::model::{GithubProfile, ProjectRef, User, UserWithProjects};
use crate::StoreError;

macro_rules! user_columns {
    ($p:literal) => {
        concat!(
            $p,
            "id, ",
            $p,
            "github_id, ",
            $p,
            "username, ",
            $p,
            "email, ",
            $p,
            "avatar_url, ",
            ts!(concat!($p, "created_at")),
            " AS created_at, ",
            ts!(concat!($p, "updated_at")),
            " AS updated_at"
        )
    };
}

#[derive(sqlx::FromRow)]
struct UserProjectsRow {
    #[sqlx(flatten)]
    user: User,
    projects: String,
}

impl PostgresStore {
    pub(crate) async fn upsert_github_user_impl(
        &self,
        p: &GithubProfile,
    ) -> Result<User, StoreError> {
        // One statement: insert, or refresh the profile of the user with this github_id. A clash
        // on username/email with a *different* github_id is a conflict, not an overwrite.
        sqlx::query_as::<_, User>(concat!(
            "INSERT INTO users (id, github_id, username, email, avatar_url)
             VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT(github_id) DO UPDATE SET
               username = excluded.username,
               email = excluded.email,
               avatar_url = excluded.avatar_url,
               updated_at = ",
            now!(),
            "
             RETURNING ",
            user_columns!("")
        ))
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
        sqlx::query_as::<_, User>(concat!(
            "SELECT ",
            user_columns!(""),
            " FROM users WHERE id = $1"
        ))
        .bind(id)
        .fetch_optional(&self.pool)
        .await
        .map_err(db_err)
    }

    pub(crate) async fn get_user_by_username_impl(
        &self,
        username: &str,
    ) -> Result<Option<User>, StoreError> {
        sqlx::query_as::<_, User>(concat!(
            "SELECT ",
            user_columns!(""),
            " FROM users WHERE username = $1"
        ))
        .bind(username)
        .fetch_optional(&self.pool)
        .await
        .map_err(db_err)
    }

    pub(crate) async fn delete_user_impl(&self, id: &str) -> Result<bool, StoreError> {
        let done = sqlx::query("DELETE FROM users WHERE id = $1")
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
        // The data-layer specification's query with SQLite's two fixes: `[]` for a user without projects, and
        // projects newest first.
        let row: Option<UserProjectsRow> = sqlx::query_as(concat!(
            "SELECT ",
            user_columns!("u."),
            ",
               COALESCE(json_agg(
                 json_build_object(
                   'id', p.id,
                   'name', p.name,
                   'program_id', p.program_id,
                   'is_public', p.is_public
                 ) ORDER BY p.created_at DESC, p.id DESC
               ) FILTER (WHERE p.id IS NOT NULL), '[]')::text AS projects
             FROM users u
             LEFT JOIN projects p ON u.id = p.user_id
             WHERE u.id = $1
             GROUP BY u.id"
        ))
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
