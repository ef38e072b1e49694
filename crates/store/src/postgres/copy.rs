//! `db copy` on PostgreSQL: pages read by the column types (`TIMESTAMP` as text with its
//! microseconds), and the target's side of a copy in one transaction, each value bound as its
//! target column's type.

use async_trait::async_trait;
use futures_util::TryStreamExt;
use sqlx::postgres::PgRow;
use sqlx::{AssertSqlSafe, PgConnection, Row};

use super::admin::quote_ident;
use super::migrate::MIGRATIONS_TABLE;
use super::PostgresStore;
use crate::copy::{
    self, known_table, Cell, CopyProgress, CopyReport, CopyTarget, PageFiller, RowPage,
};
use crate::error::db_err;
use crate::store::Admin;
use crate::StoreError;

type Result<T> = std::result::Result<T, StoreError>;

/// Bound parameters per statement at most (the protocol allows 65535).
const MAX_BINDS: usize = 60_000;

/// `(name, type name, is the primary key)` of a table's stored columns (generated ones, like the
/// search table's `document`, are the database's to compute), in order.
async fn table_columns(
    conn: &mut PgConnection,
    table: &str,
) -> Result<Vec<(String, String, bool)>> {
    sqlx::query_as(
        "SELECT a.attname::text, t.typname::text, COALESCE(i.indisprimary, false)
         FROM pg_attribute a
         JOIN pg_type t ON t.oid = a.atttypid
         LEFT JOIN pg_index i ON i.indrelid = a.attrelid AND i.indisprimary
           AND a.attnum = ANY(i.indkey)
         WHERE a.attrelid = quote_ident($1)::regclass AND a.attnum > 0 AND NOT a.attisdropped
           AND a.attgenerated::text = ''
         ORDER BY a.attnum",
    )
    .bind(table)
    .fetch_all(&mut *conn)
    .await
    .map_err(db_err)
}

/// Cell `index` of `row`, of PostgreSQL type `kind`.
fn read_cell(row: &PgRow, index: usize, kind: &str) -> Result<Cell> {
    fn get<'r, T: sqlx::Decode<'r, sqlx::Postgres> + sqlx::Type<sqlx::Postgres>>(
        row: &'r PgRow,
        index: usize,
    ) -> Result<Option<T>> {
        row.try_get::<Option<T>, _>(index).map_err(db_err)
    }
    let cell = match kind {
        "bool" => get::<bool>(row, index)?.map(Cell::Boolean),
        "int8" => get::<i64>(row, index)?.map(Cell::Integer),
        "int4" => get::<i32>(row, index)?.map(|i| Cell::Integer(i.into())),
        "int2" => get::<i16>(row, index)?.map(|i| Cell::Integer(i.into())),
        "float8" => get::<f64>(row, index)?.map(Cell::Real),
        "float4" => get::<f32>(row, index)?.map(|f| Cell::Real(f.into())),
        // Selected through `to_char` (see `read_page_on`).
        "timestamp" => get::<String>(row, index)?.map(Cell::Timestamp),
        "text" | "varchar" | "bpchar" => get::<String>(row, index)?.map(Cell::Text),
        "bytea" => get::<Vec<u8>>(row, index)?.map(Cell::Blob),
        other => {
            return Err(StoreError::CopySchema(format!(
                "columns of type {other} cannot be copied"
            )))
        }
    };
    Ok(cell.unwrap_or(Cell::Null))
}

/// How a table is read for a copy: its columns with their types, its key and the `SELECT`
/// (ending in a `WHERE` clause that conditions can be appended to).
struct Select {
    info: Vec<(String, String, bool)>,
    key_index: usize,
    key: String,
    base: String,
}

async fn select_for(conn: &mut PgConnection, table: &'static str) -> Result<Select> {
    if table == copy::SEARCH_TABLE {
        // Only the instruction names: the rest of a search row is made by the insert trigger.
        return Ok(Select {
            info: vec![
                ("project_id".into(), "text".into(), true),
                ("instructions".into(), "text".into(), false),
            ],
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
    // Timestamps as text with their microseconds (the row types' `ts!` drops them).
    let list = info
        .iter()
        .map(|(name, kind, _)| {
            if kind == "timestamp" {
                format!("to_char({}, 'YYYY-MM-DD HH24:MI:SS.US')", quote_ident(name))
            } else {
                quote_ident(name)
            }
        })
        .collect::<Vec<_>>()
        .join(", ");
    Ok(Select {
        key_index: *key_index,
        key: quote_ident(&info[*key_index].0),
        base: format!("SELECT {list} FROM {} WHERE TRUE", quote_ident(table)),
        info,
    })
}

/// Reads the rows `query` returns into a page, stopping after `limit` rows or once the page
/// holds [`copy::PAGE_BYTES`] of values (`more` then says rows may follow).
async fn collect(
    conn: &mut PgConnection,
    table: &str,
    select: &Select,
    query: sqlx::query::Query<'_, sqlx::Postgres, sqlx::postgres::PgArguments>,
    limit: usize,
) -> Result<RowPage> {
    let mut rows = query.fetch(&mut *conn);
    let columns = select.info.iter().map(|c| c.0.clone()).collect();
    let mut page = PageFiller::new(table, columns, select.key_index, limit);
    while let Some(row) = rows.try_next().await.map_err(db_err)? {
        let mut cells = Vec::with_capacity(select.info.len());
        for (index, (_, kind, _)) in select.info.iter().enumerate() {
            cells.push(read_cell(&row, index, kind)?);
        }
        if page.push(cells)? {
            break;
        }
    }
    Ok(page.finish())
}

/// [`Admin::read_page`] on one connection (the pool's, or the target's inside its transaction).
/// The order is the database's collation, so the primary-key index serves every page.
pub(super) async fn read_page_on(
    conn: &mut PgConnection,
    table: &str,
    after: Option<&str>,
    limit: u32,
) -> Result<RowPage> {
    let table = known_table(table)?;
    let select = select_for(conn, table).await?;
    let (base, key) = (&select.base, &select.key);
    let sql = match after {
        Some(_) => format!("{base} AND {key} > $1 ORDER BY {key} LIMIT $2"),
        None => format!("{base} ORDER BY {key} LIMIT $1"),
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
    conn: &mut PgConnection,
    table: &str,
    keys: &[String],
) -> Result<RowPage> {
    let table = known_table(table)?;
    let select = select_for(conn, table).await?;
    let sql = format!("{} AND {} = ANY($1)", select.base, select.key);
    let query = sqlx::query(AssertSqlSafe(sql)).bind(keys.to_vec());
    let page = collect(conn, table, &select, query, usize::MAX).await?;
    Ok(crate::copy::in_key_order(page, keys))
}

/// The target's side of a copy: the transaction's connection.
struct Target<'c> {
    conn: &'c mut PgConnection,
}

/// What a cell may become in a column of PostgreSQL type `kind`; `None` when it cannot.
enum Bind {
    Bool(Option<bool>),
    Int(Option<i64>),
    Float(Option<f64>),
    Text(Option<String>),
    Bytes(Option<Vec<u8>>),
}

fn to_bind(cell: &Cell, kind: &str) -> Option<Bind> {
    Some(match (kind, cell) {
        ("bool", Cell::Null) => Bind::Bool(None),
        ("bool", Cell::Boolean(b)) => Bind::Bool(Some(*b)),
        ("int8" | "int4" | "int2", Cell::Null) => Bind::Int(None),
        ("int8" | "int4" | "int2", Cell::Integer(i)) => Bind::Int(Some(*i)),
        ("float8" | "float4", Cell::Null) => Bind::Float(None),
        ("float8" | "float4", Cell::Real(f)) => Bind::Float(Some(*f)),
        ("float8" | "float4", Cell::Integer(i)) => Bind::Float(Some(*i as f64)),
        ("timestamp" | "text" | "varchar" | "bpchar", Cell::Null) => Bind::Text(None),
        ("timestamp", Cell::Timestamp(s) | Cell::Text(s)) => Bind::Text(Some(s.clone())),
        ("text" | "varchar" | "bpchar", Cell::Text(s)) => Bind::Text(Some(s.clone())),
        ("bytea", Cell::Null) => Bind::Bytes(None),
        ("bytea", Cell::Blob(b)) => Bind::Bytes(Some(b.clone())),
        _ => return None,
    })
}

#[async_trait]
impl CopyTarget for Target<'_> {
    async fn table_names(&mut self) -> Result<Vec<String>> {
        let rows: Vec<(String,)> = sqlx::query_as(
            "SELECT tablename::text FROM pg_tables WHERE schemaname = current_schema()
               AND tablename <> $1",
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
        let info = table_columns(self.conn, table).await?;
        let mut kinds = Vec::with_capacity(page.columns.len());
        for column in &page.columns {
            match info.iter().find(|c| c.0 == *column) {
                Some((_, kind, _)) => kinds.push(kind.clone()),
                None => {
                    return Err(StoreError::CopySchema(format!(
                        "the target's table {table} has no column {column}"
                    )))
                }
            }
        }
        let list = page
            .columns
            .iter()
            .map(|c| quote_ident(c))
            .collect::<Vec<_>>()
            .join(", ");
        let width = kinds.len().max(1);
        for chunk in page.rows.chunks((MAX_BINDS / width).max(1)) {
            let mut tuples = Vec::with_capacity(chunk.len());
            let mut n = 0;
            for _ in chunk {
                let marks: Vec<String> = kinds
                    .iter()
                    .map(|kind| {
                        n += 1;
                        // Timestamps travel as their text and are parsed by the database.
                        if kind == "timestamp" {
                            format!("CAST(${n} AS timestamp)")
                        } else {
                            format!("${n}")
                        }
                    })
                    .collect();
                tuples.push(format!("({})", marks.join(", ")));
            }
            let sql = format!(
                "INSERT INTO {} ({list}) VALUES {}",
                quote_ident(table),
                tuples.join(", ")
            );
            let mut query = sqlx::query(AssertSqlSafe(sql));
            for (key, cells) in chunk {
                for ((cell, kind), column) in cells.iter().zip(&kinds).zip(&page.columns) {
                    let Some(bind) = to_bind(cell, kind) else {
                        return Err(StoreError::Copy {
                            table: table.to_string(),
                            key: key.clone(),
                            reason: format!(
                                "column {column}: {cell:?} does not fit a {kind} column"
                            ),
                        });
                    };
                    query = match bind {
                        Bind::Bool(v) => query.bind(v),
                        Bind::Int(v) => query.bind(v),
                        Bind::Float(v) => query.bind(v),
                        Bind::Text(v) => query.bind(v),
                        Bind::Bytes(v) => query.bind(v),
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
    /// Gives the copied projects' search rows (made by the insert trigger) their instruction
    /// names.
    async fn set_instructions(&mut self, page: &RowPage) -> Result<()> {
        let ids: Vec<String> = page.rows.iter().map(|(key, _)| key.clone()).collect();
        let names: Vec<String> = page
            .rows
            .iter()
            .map(|(_, cells)| match cells.get(1) {
                Some(Cell::Text(s)) => s.clone(),
                _ => String::new(),
            })
            .collect();
        let done = sqlx::query(
            "UPDATE project_search AS s SET instructions = v.instructions
             FROM UNNEST($1::text[], $2::text[]) AS v(project_id, instructions)
             WHERE s.project_id = v.project_id",
        )
        .bind(ids)
        .bind(names)
        .execute(&mut *self.conn)
        .await
        .map_err(|e| insert_error(copy::SEARCH_TABLE, page.rows.first(), e))?;
        if done.rows_affected() != page.rows.len() as u64 {
            return Err(StoreError::Copy {
                table: copy::SEARCH_TABLE.into(),
                key: page.rows.first().map_or_else(String::new, |r| r.0.clone()),
                reason: "search terms of projects that were not copied".into(),
            });
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

impl PostgresStore {
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

    /// The copy in one transaction: rolled back on any failure, verification included.
    pub(crate) async fn copy_from_impl(
        &self,
        source: &dyn Admin,
        progress: &mut (dyn FnMut(CopyProgress) + Send),
    ) -> Result<CopyReport> {
        let mut tx = self.pool.begin().await.map_err(db_err)?;
        sqlx::query("SET LOCAL DateStyle = 'ISO, MDY'")
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
        // No other writer between the emptiness check and the commit (readers are not blocked),
        // as SQLite's BEGIN IMMEDIATE gives.
        let tables = copy::COPY_TABLES
            .iter()
            .map(|t| quote_ident(t))
            .collect::<Vec<_>>()
            .join(", ");
        sqlx::query(AssertSqlSafe(format!(
            "LOCK TABLE {tables} IN EXCLUSIVE MODE"
        )))
        .execute(&mut *tx)
        .await
        .map_err(db_err)?;
        let outcome = copy::run(source, &mut Target { conn: &mut tx }, progress).await;
        match outcome {
            Ok(report) => {
                tx.commit().await.map_err(db_err)?;
                Ok(report)
            }
            Err(e) => {
                let _ = tx.rollback().await;
                Err(e)
            }
        }
    }
}
