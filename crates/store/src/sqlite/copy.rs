//! `db copy` on SQLite: pages read by the declared column types (BOOLEAN's 0/1 as booleans,
//! DATETIME's text as timestamps), and the target's side of a copy on one connection holding
//! `BEGIN IMMEDIATE`, foreign keys checked once at the end like an import.

use async_trait::async_trait;
use futures_util::TryStreamExt;
use sqlx::{AssertSqlSafe, Executor, SqliteConnection};

use super::admin::{quote_ident, read_cell, Cell as Stored};
use super::migrate::MIGRATIONS_TABLE;
use super::SqliteStore;
use crate::copy::{
    self, known_table, Cell, CopyProgress, CopyReport, CopyTarget, PageFiller, RowPage,
};
use crate::error::db_err;
use crate::store::Admin;
use crate::StoreError;

type Result<T> = std::result::Result<T, StoreError>;

/// Bound parameters per statement at most (SQLite allows 32766).
const MAX_BINDS: usize = 30_000;

/// `(name, declared type, is the primary key)` of a table's columns, in order.
async fn table_columns(
    conn: &mut SqliteConnection,
    table: &str,
) -> Result<Vec<(String, String, bool)>> {
    let rows: Vec<(String, String, i64)> =
        sqlx::query_as("SELECT name, type, pk FROM pragma_table_info(?) ORDER BY cid")
            .bind(table)
            .fetch_all(&mut *conn)
            .await
            .map_err(db_err)?;
    Ok(rows
        .into_iter()
        .map(|(name, kind, pk)| (name, kind.to_ascii_uppercase(), pk > 0))
        .collect())
}

/// A stored value as the copy's cell, by its column's declared type.
fn to_cell(stored: Stored, declared: &str) -> Cell {
    match (stored, declared) {
        (Stored::Null, _) => Cell::Null,
        (Stored::Integer(i @ (0 | 1)), "BOOLEAN") => Cell::Boolean(i == 1),
        (Stored::Integer(i), _) => Cell::Integer(i),
        (Stored::Real(f), _) => Cell::Real(f),
        (Stored::Text(s), "DATETIME") => Cell::Timestamp(s),
        (Stored::Text(s), _) => Cell::Text(s),
        (Stored::Blob(b), _) => Cell::Blob(b),
    }
}

/// How a table is read for a copy: its columns, their declared types, its key and the `SELECT`
/// (ending in a `WHERE` clause that conditions can be appended to).
struct Select {
    columns: Vec<String>,
    declared: Vec<String>,
    key_index: usize,
    key: String,
    base: String,
}

async fn select_for(conn: &mut SqliteConnection, table: &'static str) -> Result<Select> {
    if table == copy::SEARCH_TABLE {
        // Only the instruction names: the rest of a search row is made by the insert trigger.
        return Ok(Select {
            columns: vec!["project_id".into(), "instructions".into()],
            declared: vec!["TEXT".into(), "TEXT".into()],
            key_index: 0,
            key: "project_id".into(),
            base: "SELECT project_id, instructions FROM project_search WHERE instructions <> ''"
                .into(),
        });
    }
    let info = table_columns(conn, table).await?;
    let keys: Vec<usize> = (0..info.len()).filter(|i| info[*i].2).collect();
    let [key_index] = keys.as_slice() else {
        return Err(StoreError::CopySchema(format!(
            "table {table} has no single-column primary key"
        )));
    };
    let list = info
        .iter()
        .map(|c| quote_ident(&c.0))
        .collect::<Vec<_>>()
        .join(", ");
    Ok(Select {
        key_index: *key_index,
        key: quote_ident(&info[*key_index].0),
        base: format!("SELECT {list} FROM {} WHERE TRUE", quote_ident(table)),
        columns: info.iter().map(|c| c.0.clone()).collect(),
        declared: info.into_iter().map(|c| c.1).collect(),
    })
}

/// Reads the rows `query` returns into a page, stopping after `limit` rows or once the page
/// holds [`copy::PAGE_BYTES`] of values (`more` then says rows may follow).
async fn collect(
    conn: &mut SqliteConnection,
    table: &str,
    select: &Select,
    query: sqlx::query::Query<'_, sqlx::Sqlite, sqlx::sqlite::SqliteArguments>,
    limit: usize,
) -> Result<RowPage> {
    let mut rows = query.fetch(&mut *conn);
    let mut page = PageFiller::new(table, select.columns.clone(), select.key_index, limit);
    while let Some(row) = rows.try_next().await.map_err(db_err)? {
        let mut cells = Vec::with_capacity(select.declared.len());
        for (index, kind) in select.declared.iter().enumerate() {
            cells.push(to_cell(read_cell(&row, index)?, kind));
        }
        if page.push(cells)? {
            break;
        }
    }
    Ok(page.finish())
}

/// [`Admin::read_page`] on one connection (the pool's, or the target's inside its transaction).
pub(super) async fn read_page_on(
    conn: &mut SqliteConnection,
    table: &str,
    after: Option<&str>,
    limit: u32,
) -> Result<RowPage> {
    let table = known_table(table)?;
    let select = select_for(conn, table).await?;
    let (base, key) = (&select.base, &select.key);
    let sql = match after {
        Some(_) => format!("{base} AND {key} > ?1 ORDER BY {key} LIMIT ?2"),
        None => format!("{base} ORDER BY {key} LIMIT ?1"),
    };
    let mut query = sqlx::query(AssertSqlSafe(sql));
    if let Some(after) = after {
        query = query.bind(after.to_string());
    }
    query = query.bind(i64::from(limit));
    collect(conn, table, &select, query, limit as usize).await
}

/// [`Admin::read_rows`] on one connection.
pub(super) async fn read_rows_on(
    conn: &mut SqliteConnection,
    table: &str,
    keys: &[String],
) -> Result<RowPage> {
    let table = known_table(table)?;
    let select = select_for(conn, table).await?;
    let mut page = RowPage {
        columns: select.columns.clone(),
        rows: Vec::new(),
        more: false,
    };
    for chunk in keys.chunks(MAX_BINDS) {
        let sql = format!(
            "{} AND {} IN ({})",
            select.base,
            select.key,
            vec!["?"; chunk.len()].join(", ")
        );
        let mut query = sqlx::query(AssertSqlSafe(sql));
        for key in chunk {
            query = query.bind(key.clone());
        }
        page.rows
            .extend(collect(conn, table, &select, query, usize::MAX).await?.rows);
    }
    Ok(copy::in_key_order(page, keys))
}

/// The target's side of a copy: the connection holding the write transaction.
struct Target<'c> {
    conn: &'c mut SqliteConnection,
}

#[async_trait]
impl CopyTarget for Target<'_> {
    async fn table_names(&mut self) -> Result<Vec<String>> {
        let rows: Vec<(String,)> = sqlx::query_as(
            "SELECT name FROM pragma_table_list WHERE schema = 'main'
               AND type IN ('table', 'virtual') AND name NOT LIKE 'sqlite_%' AND name <> ?",
        )
        .bind(MIGRATIONS_TABLE)
        .fetch_all(&mut *self.conn)
        .await
        .map_err(db_err)?;
        Ok(rows.into_iter().map(|(n,)| n).collect())
    }

    async fn has_rows(&mut self, table: &str) -> Result<bool> {
        let table = known_table(table)?;
        let (any,): (bool,) = sqlx::query_as(AssertSqlSafe(format!(
            "SELECT EXISTS (SELECT 1 FROM {})",
            quote_ident(table)
        )))
        .fetch_one(&mut *self.conn)
        .await
        .map_err(db_err)?;
        Ok(any)
    }

    async fn insert(&mut self, table: &str, page: &RowPage) -> Result<()> {
        let table = known_table(table)?;
        if table == copy::SEARCH_TABLE {
            return self.set_instructions(page).await;
        }
        let declared = table_columns(self.conn, table).await?;
        for column in &page.columns {
            if !declared.iter().any(|c| c.0 == *column) {
                return Err(StoreError::CopySchema(format!(
                    "the target's table {table} has no column {column}"
                )));
            }
        }
        let list = page
            .columns
            .iter()
            .map(|c| quote_ident(c))
            .collect::<Vec<_>>()
            .join(", ");
        let width = page.columns.len().max(1);
        let tuple = format!("({})", vec!["?"; width].join(", "));
        for chunk in page.rows.chunks((MAX_BINDS / width).max(1)) {
            let sql = format!(
                "INSERT INTO {} ({list}) VALUES {}",
                quote_ident(table),
                vec![tuple.as_str(); chunk.len()].join(", ")
            );
            let mut query = sqlx::query(AssertSqlSafe(sql));
            for (_, cells) in chunk {
                for cell in cells {
                    // SQLite's own forms: booleans 0/1, timestamps to the second.
                    query = match cell {
                        Cell::Null => query.bind(None::<String>),
                        Cell::Integer(i) => query.bind(*i),
                        Cell::Real(f) => query.bind(*f),
                        Cell::Boolean(b) => query.bind(i64::from(*b)),
                        Cell::Text(s) => query.bind(s.clone()),
                        Cell::Timestamp(s) => query.bind(copy::to_seconds(s).to_string()),
                        Cell::Blob(b) => query.bind(b.clone()),
                    };
                }
            }
            query
                .execute(&mut *self.conn)
                .await
                .map_err(|e| insert_error(table, chunk.first(), e))?;
        }
        Ok(())
    }

    async fn read_page(&mut self, table: &str, after: Option<&str>, limit: u32) -> Result<RowPage> {
        read_page_on(self.conn, table, after, limit).await
    }

    async fn read_rows(&mut self, table: &str, keys: &[String]) -> Result<RowPage> {
        read_rows_on(self.conn, table, keys).await
    }

    async fn count(&mut self, table: &str) -> Result<u64> {
        let table = known_table(table)?;
        let sql = if table == copy::SEARCH_TABLE {
            "SELECT count(*) FROM project_search WHERE instructions <> ''".to_string()
        } else {
            format!("SELECT count(*) FROM {}", quote_ident(table))
        };
        let (n,): (i64,) = sqlx::query_as(AssertSqlSafe(sql))
            .fetch_one(&mut *self.conn)
            .await
            .map_err(db_err)?;
        Ok(u64::try_from(n).unwrap_or(0))
    }
}

impl Target<'_> {
    /// Gives the copied projects' search rows their instruction names. An FTS5 row is replaced,
    /// not updated: delete the page's rows (one scan of the index's content) and insert them again
    /// from the copied projects.
    async fn set_instructions(&mut self, page: &RowPage) -> Result<()> {
        let marks = vec!["?"; page.rows.len()].join(", ");
        let mut delete = sqlx::query(AssertSqlSafe(format!(
            "DELETE FROM project_search WHERE project_id IN ({marks})"
        )));
        for (key, _) in &page.rows {
            delete = delete.bind(key.clone());
        }
        delete
            .execute(&mut *self.conn)
            .await
            .map_err(|e| insert_error(copy::SEARCH_TABLE, page.rows.first(), e))?;
        for row in &page.rows {
            let instructions = match row.1.get(1) {
                Some(Cell::Text(s)) => s.clone(),
                _ => String::new(),
            };
            let done = sqlx::query(
                "INSERT INTO project_search (project_id, name, description, program_id, instructions)
                 SELECT id, name, COALESCE(description, ''), program_id, ?2 FROM projects WHERE id = ?1",
            )
            .bind(row.0.clone())
            .bind(instructions)
            .execute(&mut *self.conn)
            .await
            .map_err(|e| insert_error(copy::SEARCH_TABLE, Some(row), e))?;
            if done.rows_affected() != 1 {
                return Err(StoreError::Copy {
                    table: copy::SEARCH_TABLE.into(),
                    key: row.0.clone(),
                    reason: "no such project was copied".into(),
                });
            }
        }
        Ok(())
    }
}

fn insert_error(table: &str, first: Option<&(String, Vec<Cell>)>, e: sqlx::Error) -> StoreError {
    StoreError::Copy {
        table: table.to_string(),
        key: first.map_or_else(String::new, |(key, _)| key.clone()),
        reason: format!(
            "inserting the rows from this key on: {}",
            match e {
                sqlx::Error::Database(db) => db.message().to_string(),
                other => other.to_string(),
            }
        ),
    }
}

impl SqliteStore {
    pub(crate) async fn read_page_impl(
        &self,
        table: &str,
        after: Option<&str>,
        limit: u32,
    ) -> Result<RowPage> {
        let mut conn = self.pool.acquire().await.map_err(db_err)?;
        read_page_on(&mut conn, table, after, limit).await
    }

    pub(crate) async fn read_rows_impl(&self, table: &str, keys: &[String]) -> Result<RowPage> {
        let mut conn = self.pool.acquire().await.map_err(db_err)?;
        read_rows_on(&mut conn, table, keys).await
    }

    /// The copy on one connection in `BEGIN IMMEDIATE` (so no other writer slips in between the
    /// emptiness check and the commit), with foreign keys checked once at the end.
    pub(crate) async fn copy_from_impl(
        &self,
        source: &dyn Admin,
        progress: &mut (dyn FnMut(CopyProgress) + Send),
    ) -> Result<CopyReport> {
        let mut conn = self.pool.acquire().await.map_err(db_err)?;
        conn.execute("PRAGMA foreign_keys=OFF")
            .await
            .map_err(db_err)?;
        if let Err(e) = conn.execute("BEGIN IMMEDIATE").await {
            let _ = conn.execute("PRAGMA foreign_keys=ON").await;
            return Err(db_err(e));
        }
        let outcome = async {
            let report = copy::run(source, &mut Target { conn: &mut conn }, progress).await?;
            let broken: Vec<(String,)> =
                sqlx::query_as("SELECT \"table\" FROM pragma_foreign_key_check")
                    .fetch_all(&mut *conn)
                    .await
                    .map_err(db_err)?;
            match broken.first() {
                Some((table,)) => Err(StoreError::Copy {
                    table: table.clone(),
                    key: String::new(),
                    reason: "rows reference missing parents".into(),
                }),
                None => Ok(report),
            }
        }
        .await;
        let finish = if outcome.is_ok() {
            "COMMIT"
        } else {
            "ROLLBACK"
        };
        let finished = conn.execute(finish).await.map_err(db_err);
        let restored = conn.execute("PRAGMA foreign_keys=ON").await.map_err(db_err);
        self.projects.invalidate();
        let report = outcome?;
        finished?;
        restored?;
        Ok(report)
    }
}
