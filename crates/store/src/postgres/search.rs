//! Project creation with its first version, full-text search, and the sitemap.

use super::projects::snapshot;
use super::{project_columns, ts, PostgresStore};
use crate::error::db_err;
use crate::model::*;
use crate::StoreError;

/// Turns user text into a safe `to_tsquery` expression: words are split like SQLite's search
/// does (on anything but letters, digits and '_'), every word is a required prefix term, and a
/// word with underscores becomes a phrase of its parts (PostgreSQL's parser splits identifiers
/// at '_', so `two_hop` must match the adjacent lexemes `two`, `hop…`). Only letters and digits
/// reach `to_tsquery`, so its operators in user text are plain text.
pub(crate) fn ts_query(text: &str) -> Option<String> {
    let terms: Vec<String> = text
        .split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .filter(|t| t.split('_').any(|part| !part.is_empty()))
        .take(16)
        .map(|t| {
            let parts: Vec<String> = t
                .split('_')
                .filter(|p| !p.is_empty())
                .map(str::to_lowercase)
                .collect();
            let phrase = parts.join(" <-> ");
            if parts.len() > 1 {
                format!("({phrase}:*)")
            } else {
                format!("{phrase}:*")
            }
        })
        .collect();
    (!terms.is_empty()).then(|| terms.join(" & "))
}

impl PostgresStore {
    pub(crate) async fn create_project_with_version_impl(
        &self,
        project_id: &str,
        p: &NewProject,
        new: NewVersion<'_>,
    ) -> Result<(Project, IdlVersion), StoreError> {
        let mut tx = self.pool.begin().await.map_err(db_err)?;
        let project = sqlx::query_as::<_, Project>(concat!(
            "INSERT INTO projects (id, user_id, name, description, program_id, is_public)
             VALUES ($1, $2, $3, $4, $5, $6)
             RETURNING ",
            project_columns!()
        ))
        .bind(project_id)
        .bind(&p.user_id)
        .bind(&p.name)
        .bind(&p.description)
        .bind(&p.program_id)
        .bind(p.is_public)
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| StoreError::from_sqlx(e, "project for this program"))?;
        // No other transaction sees the new row before this one commits, so version 1 needs no
        // lock.
        let version = super::versions::insert_version(&mut tx, &project.id, 1, new).await?;
        tx.commit().await.map_err(db_err)?;
        Ok((project, version))
    }

    pub(crate) async fn search_public_projects_impl(
        &self,
        text: &str,
        page: Page,
    ) -> Result<Paged<PublicProject>, StoreError> {
        let page = Page::new(page.limit, page.offset);
        let Some(query) = ts_query(text) else {
            return Ok(Paged {
                items: Vec::new(),
                total: 0,
                limit: page.limit,
                offset: page.offset,
            });
        };
        let mut tx = self.pool.begin().await.map_err(db_err)?;
        snapshot(&mut tx).await?;
        let (total,): (i64,) = sqlx::query_as(
            "SELECT COUNT(*) FROM project_search s JOIN projects p ON p.id = s.project_id
             WHERE s.document @@ to_tsquery('simple', $1) AND p.is_public = true",
        )
        .bind(&query)
        .fetch_one(&mut *tx)
        .await
        .map_err(db_err)?;
        // Weights (D, C, B, A) = (description, instruction names, program id, name): SQLite's
        // bm25 weights 2, 4, 8, 10 scaled to ts_rank's 0..1.
        let items = sqlx::query_as::<_, PublicProject>(concat!(
            "SELECT
               p.id, p.user_id, p.name, p.description, p.program_id, p.is_public, ",
            ts!("p.created_at"),
            " AS created_at, ",
            ts!("p.updated_at"),
            " AS updated_at,
               u.username, u.avatar_url,
               (SELECT COUNT(*) FROM idl_versions i WHERE i.project_id = p.id) AS version_count
             FROM project_search s
             JOIN projects p ON p.id = s.project_id
             JOIN users u ON u.id = p.user_id
             WHERE s.document @@ to_tsquery('simple', $1) AND p.is_public = true
             ORDER BY ts_rank('{0.2, 0.4, 0.8, 1.0}', s.document, to_tsquery('simple', $1)) DESC,
               p.created_at DESC, p.id DESC
             LIMIT $2 OFFSET $3"
        ))
        .bind(&query)
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

    pub(crate) async fn sitemap_impl(&self, limit: u32) -> Result<Vec<SitemapEntry>, StoreError> {
        sqlx::query_as::<_, SitemapEntry>(concat!(
            "SELECT id AS project_id, program_id, ",
            ts!("updated_at"),
            " AS lastmod FROM projects
             WHERE is_public = true ORDER BY projects.updated_at DESC, projects.id DESC LIMIT $1"
        ))
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await
        .map_err(db_err)
    }

    pub(crate) async fn latest_version_number_impl(
        &self,
        project_id: &str,
    ) -> Result<Option<i64>, StoreError> {
        let (max,): (Option<i64>,) =
            sqlx::query_as("SELECT MAX(version) FROM idl_versions WHERE project_id = $1")
                .bind(project_id)
                .fetch_one(&self.pool)
                .await
                .map_err(db_err)?;
        Ok(max)
    }
}

#[cfg(test)]
mod tests {
    use super::ts_query;

    #[test]
    fn user_text_becomes_prefix_terms_and_phrases() {
        assert_eq!(ts_query("pump.fun").as_deref(), Some("pump:* & fun:*"));
        assert_eq!(
            ts_query("Swap_Base_in").as_deref(),
            Some("(swap <-> base <-> in:*)")
        );
        assert_eq!(
            ts_query("\" OR name:* -x | !y & (z)").as_deref(),
            Some("or:* & name:* & x:* & y:* & z:*")
        );
        assert_eq!(ts_query("  ... __ "), None);
    }
}
