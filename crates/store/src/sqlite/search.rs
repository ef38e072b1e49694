//! Project creation with its first version, the FTS5 search index, and the sitemap.

use super::SqliteStore;
use crate::error::db_err;
use crate::model::*;
use crate::StoreError;

/// Turns user text into a safe FTS5 query: every word becomes a quoted prefix term, all required.
/// Quoting makes FTS5 operators and punctuation (`pump.fun`, `-`, `:`) plain text.
pub(crate) fn fts_query(text: &str) -> Option<String> {
    let terms: Vec<String> = text
        .split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .filter(|t| !t.is_empty())
        .take(16)
        .map(|t| format!("\"{t}\"*"))
        .collect();
    (!terms.is_empty()).then(|| terms.join(" AND "))
}

impl SqliteStore {
    pub(crate) async fn create_project_with_version_impl(
        &self,
        project_id: &str,
        p: &NewProject,
        new: NewVersion<'_>,
    ) -> Result<(Project, IdlVersion), StoreError> {
        let mut tx = self
            .pool
            .begin_with("BEGIN IMMEDIATE")
            .await
            .map_err(db_err)?;
        let project = sqlx::query_as::<_, Project>(
            "INSERT INTO projects (id, user_id, name, description, program_id, is_public)
             VALUES (?, ?, ?, ?, ?, ?)
             RETURNING id, user_id, name, description, program_id, is_public, custom_docs, created_at, updated_at",
        )
        .bind(project_id)
        .bind(&p.user_id)
        .bind(&p.name)
        .bind(&p.description)
        .bind(&p.program_id)
        .bind(p.is_public)
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| StoreError::from_sqlx(e, "project for this program"))?;
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
        let Some(query) = fts_query(text) else {
            return Ok(Paged {
                items: Vec::new(),
                total: 0,
                limit: page.limit,
                offset: page.offset,
            });
        };
        let mut tx = self.pool.begin().await.map_err(db_err)?;
        let (total,): (i64,) = sqlx::query_as(
            "SELECT COUNT(*) FROM project_search s JOIN projects p ON p.id = s.project_id
             WHERE project_search MATCH ? AND p.is_public = true",
        )
        .bind(&query)
        .fetch_one(&mut *tx)
        .await
        .map_err(db_err)?;
        // Weights: name 10, description 2, program id 8, instruction names 4.
        let items = sqlx::query_as::<_, PublicProject>(
            "SELECT
               p.id, p.user_id, p.name, p.description, p.program_id, p.is_public, p.created_at, p.updated_at,
               u.username, u.avatar_url,
               (SELECT COUNT(*) FROM idl_versions i WHERE i.project_id = p.id) AS version_count
             FROM project_search s
             JOIN projects p ON p.id = s.project_id
             JOIN users u ON u.id = p.user_id
             WHERE project_search MATCH ? AND p.is_public = true
             ORDER BY bm25(project_search, 0.0, 10.0, 2.0, 8.0, 4.0), p.created_at DESC
             LIMIT ? OFFSET ?",
        )
        .bind(&query)
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

    pub(crate) async fn sitemap_impl(&self, limit: u32) -> Result<Vec<SitemapEntry>, StoreError> {
        sqlx::query_as::<_, SitemapEntry>(
            "SELECT id AS project_id, program_id, updated_at AS lastmod FROM projects
             WHERE is_public = true ORDER BY updated_at DESC, rowid DESC LIMIT ?",
        )
        .bind(limit)
        .fetch_all(&self.pool)
        .await
        .map_err(db_err)
    }

    pub(crate) async fn latest_version_number_impl(
        &self,
        project_id: &str,
    ) -> Result<Option<i64>, StoreError> {
        let (max,): (Option<i64>,) =
            sqlx::query_as("SELECT MAX(version) FROM idl_versions WHERE project_id = ?")
                .bind(project_id)
                .fetch_one(&self.pool)
                .await
                .map_err(db_err)?;
        Ok(max)
    }
}

#[cfg(test)]
mod tests {
    use super::fts_query;

    #[test]
    fn user_text_becomes_quoted_prefix_terms() {
        assert_eq!(
            fts_query("pump.fun").as_deref(),
            Some("\"pump\"* AND \"fun\"*")
        );
        assert_eq!(
            fts_query("swap_base_in").as_deref(),
            Some("\"swap_base_in\"*")
        );
        assert_eq!(
            fts_query("\" OR name:* -x").as_deref(),
            Some("\"OR\"* AND \"name\"* AND \"x\"*")
        );
        assert_eq!(fts_query("  ...  "), None);
    }
}
