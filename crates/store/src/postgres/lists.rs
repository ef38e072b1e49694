//! Program lists and their items; scope keys (only SHA-256 hashes are stored; the plain key is
//! returned once, at creation or regeneration).

use super::projects::snapshot;
use super::{now, ts, PostgresStore};
use crate::error::db_err;
use crate::ids::{hash_scope_key, new_id, new_scope_key, scope_key_prefix};
use crate::model::*;
use crate::StoreError;

/// A list row with its item count. Items count only when the list's owner may see the project
/// (public, or their own), the same rule [`PostgresStore::list_items_impl`] applies.
macro_rules! select_list {
    () => {
        concat!(
            "SELECT l.id, l.user_id, l.name, l.description, l.is_default, l.scope_key_prefix,
               (SELECT COUNT(*) FROM program_list_items i JOIN projects p ON p.id = i.project_id
                WHERE i.list_id = l.id AND (p.is_public = true OR p.user_id = l.user_id)) AS item_count, ",
            ts!("l.created_at"),
            " AS created_at, ",
            ts!("l.updated_at"),
            " AS updated_at
             FROM program_lists l"
        )
    };
}

/// The `FROM … WHERE` shared by the item page and its count: one of the user's lists, projects
/// its owner may see.
macro_rules! items_from {
    () => {
        "FROM program_list_items i
         JOIN program_lists l ON l.id = i.list_id
         JOIN projects p ON p.id = i.project_id
         JOIN users u ON u.id = p.user_id
         WHERE i.list_id = $1 AND l.user_id = $2 AND (p.is_public = true OR p.user_id = l.user_id)"
    };
}

impl PostgresStore {
    pub(crate) async fn create_list_impl(
        &self,
        user_id: &str,
        list: &NewProgramList,
    ) -> Result<IssuedProgramList, StoreError> {
        let scope_key = new_scope_key()?;
        // The list becomes the default when the user has none. Two concurrent creates may both
        // see none; the partial unique index then lets one win, and the other (inserting nothing
        // under ON CONFLICT) is inserted again as an ordinary list.
        for may_be_default in [true, false] {
            let created = sqlx::query_as::<_, ProgramList>(concat!(
                "INSERT INTO program_lists
                   (id, user_id, name, description, is_default, scope_key_hash, scope_key_prefix)
                 VALUES ($1, $2, $3, $4,
                   $5 AND NOT EXISTS (SELECT 1 FROM program_lists WHERE user_id = $2 AND is_default = true),
                   $6, $7)
                 ON CONFLICT (user_id) WHERE is_default DO NOTHING
                 RETURNING id, user_id, name, description, is_default, scope_key_prefix,
                   0::bigint AS item_count, ",
                ts!("created_at"),
                " AS created_at, ",
                ts!("updated_at"),
                " AS updated_at"
            ))
            .bind(new_id())
            .bind(user_id)
            .bind(&list.name)
            .bind(&list.description)
            .bind(may_be_default)
            .bind(hash_scope_key(&scope_key))
            .bind(scope_key_prefix(&scope_key))
            .fetch_optional(&self.pool)
            .await
            .map_err(|e| StoreError::from_sqlx(e, "program list"))?;
            if let Some(list) = created {
                return Ok(IssuedProgramList { list, scope_key });
            }
        }
        Err(StoreError::Conflict {
            what: "program list".into(),
        })
    }

    pub(crate) async fn list_lists_impl(
        &self,
        user_id: &str,
    ) -> Result<Vec<ProgramList>, StoreError> {
        sqlx::query_as::<_, ProgramList>(concat!(
            select_list!(),
            " WHERE l.user_id = $1 ORDER BY l.is_default DESC, l.created_at ASC, l.id ASC"
        ))
        .bind(user_id)
        .fetch_all(&self.pool)
        .await
        .map_err(db_err)
    }

    pub(crate) async fn get_list_impl(
        &self,
        user_id: &str,
        list_id: &str,
    ) -> Result<Option<ProgramList>, StoreError> {
        sqlx::query_as::<_, ProgramList>(concat!(
            select_list!(),
            " WHERE l.id = $1 AND l.user_id = $2"
        ))
        .bind(list_id)
        .bind(user_id)
        .fetch_optional(&self.pool)
        .await
        .map_err(db_err)
    }

    pub(crate) async fn update_list_impl(
        &self,
        user_id: &str,
        list_id: &str,
        u: &ProgramListUpdate,
    ) -> Result<Option<ProgramList>, StoreError> {
        let done = sqlx::query(concat!(
            "UPDATE program_lists SET
               name = CASE WHEN $1 THEN $2 ELSE name END,
               description = CASE WHEN $3 THEN $4 ELSE description END,
               updated_at = ",
            now!(),
            " WHERE id = $5 AND user_id = $6"
        ))
        .bind(u.name.is_some())
        .bind(&u.name)
        .bind(u.description.is_some())
        .bind(u.description.clone().flatten())
        .bind(list_id)
        .bind(user_id)
        .execute(&self.pool)
        .await
        .map_err(db_err)?;
        if done.rows_affected() == 0 {
            return Ok(None);
        }
        self.get_list_impl(user_id, list_id).await
    }

    pub(crate) async fn delete_list_impl(
        &self,
        user_id: &str,
        list_id: &str,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query("DELETE FROM program_lists WHERE id = $1 AND user_id = $2")
            .bind(list_id)
            .bind(user_id)
            .execute(&self.pool)
            .await
            .map_err(db_err)?;
        Ok(done.rows_affected() > 0)
    }

    async fn find_default_list(&self, user_id: &str) -> Result<Option<ProgramList>, StoreError> {
        sqlx::query_as::<_, ProgramList>(concat!(
            select_list!(),
            " WHERE l.user_id = $1 AND l.is_default = true"
        ))
        .bind(user_id)
        .fetch_optional(&self.pool)
        .await
        .map_err(db_err)
    }

    pub(crate) async fn default_list_impl(
        &self,
        user_id: &str,
    ) -> Result<(ProgramList, Option<String>), StoreError> {
        if let Some(list) = self.find_default_list(user_id).await? {
            return Ok((list, None));
        }
        let scope_key = new_scope_key()?;
        // A concurrent request may create it first: the partial unique index makes that a no-op
        // here, and both then read the same list.
        let created: Option<(String,)> = sqlx::query_as(
            "INSERT INTO program_lists
               (id, user_id, name, description, is_default, scope_key_hash, scope_key_prefix)
             VALUES ($1, $2, 'Default', NULL, true, $3, $4)
             ON CONFLICT (user_id) WHERE is_default DO NOTHING
             RETURNING id",
        )
        .bind(new_id())
        .bind(user_id)
        .bind(hash_scope_key(&scope_key))
        .bind(scope_key_prefix(&scope_key))
        .fetch_optional(&self.pool)
        .await
        .map_err(|e| StoreError::from_sqlx(e, "program list"))?;
        let list = self
            .find_default_list(user_id)
            .await?
            .ok_or_else(|| StoreError::NotFound {
                what: "default list".into(),
            })?;
        Ok((list, created.map(|_| scope_key)))
    }

    pub(crate) async fn add_list_item_impl(
        &self,
        user_id: &str,
        list_id: &str,
        project_id: &str,
    ) -> Result<Option<AddedListItem>, StoreError> {
        // Inserting through a SELECT of the user's own list makes "not your list" a no-op.
        sqlx::query_as::<_, AddedListItem>(concat!(
            "INSERT INTO program_list_items (id, list_id, project_id)
             SELECT $1, id, $2 FROM program_lists WHERE id = $3 AND user_id = $4
             RETURNING id AS item_id, list_id, ",
            ts!("added_at"),
            " AS added_at"
        ))
        .bind(new_id())
        .bind(project_id)
        .bind(list_id)
        .bind(user_id)
        .fetch_optional(&self.pool)
        .await
        .map_err(|e| StoreError::from_sqlx(e, "program in this list"))
    }

    pub(crate) async fn list_items_impl(
        &self,
        user_id: &str,
        list_id: &str,
        page: Page,
    ) -> Result<Paged<ProgramListItem>, StoreError> {
        let page = Page::new(page.limit, page.offset);
        // One snapshot so `total` and the page describe the same moment.
        let mut tx = self.pool.begin().await.map_err(db_err)?;
        snapshot(&mut tx).await?;
        let (total,): (i64,) = sqlx::query_as(concat!("SELECT COUNT(*) ", items_from!()))
            .bind(list_id)
            .bind(user_id)
            .fetch_one(&mut *tx)
            .await
            .map_err(db_err)?;
        let items = sqlx::query_as::<_, ProgramListItem>(concat!(
            "SELECT i.id AS item_id, ",
            ts!("i.added_at"),
            " AS added_at, p.id AS project_id, p.user_id, p.name,
               p.description, p.program_id, p.is_public, ",
            ts!("p.updated_at"),
            " AS updated_at, u.username, u.avatar_url ",
            items_from!(),
            " ORDER BY i.added_at DESC, i.id DESC
             LIMIT $3 OFFSET $4"
        ))
        .bind(list_id)
        .bind(user_id)
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

    pub(crate) async fn remove_list_item_impl(
        &self,
        user_id: &str,
        list_id: &str,
        project_id: &str,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "DELETE FROM program_list_items WHERE list_id = $1 AND project_id = $2
               AND list_id IN (SELECT id FROM program_lists WHERE user_id = $3)",
        )
        .bind(list_id)
        .bind(project_id)
        .bind(user_id)
        .execute(&self.pool)
        .await
        .map_err(db_err)?;
        Ok(done.rows_affected() > 0)
    }

    pub(crate) async fn regenerate_scope_key_impl(
        &self,
        user_id: &str,
        list_id: &str,
    ) -> Result<Option<String>, StoreError> {
        let scope_key = new_scope_key()?;
        let done = sqlx::query(concat!(
            "UPDATE program_lists
             SET scope_key_hash = $1, scope_key_prefix = $2, updated_at = ",
            now!(),
            " WHERE id = $3 AND user_id = $4"
        ))
        .bind(hash_scope_key(&scope_key))
        .bind(scope_key_prefix(&scope_key))
        .bind(list_id)
        .bind(user_id)
        .execute(&self.pool)
        .await
        .map_err(|e| StoreError::from_sqlx(e, "scope key"))?;
        Ok((done.rows_affected() > 0).then_some(scope_key))
    }

    pub(crate) async fn scope_project_ids_impl(
        &self,
        scope_key: &str,
    ) -> Result<Option<Vec<String>>, StoreError> {
        // One query: no row at all means an unknown key; a known key yields one row per item
        // (NULL for items that are not public) or a single NULL row for an empty list.
        let rows: Vec<(Option<String>,)> = sqlx::query_as(
            "SELECT p.id FROM program_lists l
             LEFT JOIN program_list_items i ON i.list_id = l.id
             LEFT JOIN projects p ON p.id = i.project_id AND p.is_public = true
             WHERE l.scope_key_hash = $1
             ORDER BY i.added_at DESC, i.id DESC",
        )
        .bind(hash_scope_key(scope_key))
        .fetch_all(&self.pool)
        .await
        .map_err(db_err)?;
        if rows.is_empty() {
            return Ok(None);
        }
        Ok(Some(rows.into_iter().filter_map(|(id,)| id).collect()))
    }
}
