//! Operator functions: raw queries with dynamic typing, a `.dump`-style export, and import.

use std::fmt::Write as _;

use sqlx::sqlite::{SqliteRow, SqliteValueRef};
use sqlx::{AssertSqlSafe, Column, Executor, Row, SqlSafeStr, Statement, TypeInfo, ValueRef};

use super::SqliteStore;
use crate::error::db_err;
use crate::model::QueryResult;
use crate::StoreError;

const DUMP_HEADER: &str = "-- orquestra SQL dump";

/// One SQLite storage value, read without caring about the column's declared type.
enum Cell {
    Null,
    Integer(i64),
    Real(f64),
    Text(String),
    Blob(Vec<u8>),
}

fn read_cell(row: &SqliteRow, index: usize) -> Result<Cell, StoreError> {
    let raw: SqliteValueRef<'_> = row.try_get_raw(index).map_err(db_err)?;
    if raw.is_null() {
        return Ok(Cell::Null);
    }
    let kind = raw.type_info().name().to_string();
    Ok(match kind.as_str() {
        "INTEGER" | "BOOLEAN" => Cell::Integer(row.try_get_unchecked(index).map_err(db_err)?),
        "REAL" => Cell::Real(row.try_get_unchecked(index).map_err(db_err)?),
        "BLOB" => Cell::Blob(row.try_get_unchecked(index).map_err(db_err)?),
        _ => Cell::Text(row.try_get_unchecked(index).map_err(db_err)?),
    })
}

impl Cell {
    fn to_json(&self) -> serde_json::Value {
        match self {
            Cell::Null => serde_json::Value::Null,
            Cell::Integer(i) => (*i).into(),
            Cell::Real(f) => {
                serde_json::Number::from_f64(*f).map_or(serde_json::Value::Null, Into::into)
            }
            Cell::Text(s) => s.clone().into(),
            Cell::Blob(b) => serde_json::json!({ "hex": hex::encode(b) }),
        }
    }

    /// A SQL literal that reads back as exactly this value and storage class.
    fn to_sql_literal(&self) -> String {
        match self {
            Cell::Null => "NULL".into(),
            Cell::Integer(i) => i.to_string(),
            Cell::Real(f) if f.is_infinite() => {
                if *f > 0.0 {
                    "9e999".into()
                } else {
                    "-9e999".into()
                }
            }
            // `{:?}` is the shortest exact representation and always keeps a '.' or 'e', so the
            // value stays REAL on the way back in.
            Cell::Real(f) => format!("{f:?}"),
            Cell::Text(s) if s.contains('\0') => {
                format!("CAST(X'{}' AS TEXT)", hex::encode(s.as_bytes()))
            }
            Cell::Text(s) => format!("'{}'", s.replace('\'', "''")),
            Cell::Blob(b) => format!("X'{}'", hex::encode(b)),
        }
    }
}

fn quote_ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

impl SqliteStore {
    pub(crate) async fn query_impl(&self, sql: &str) -> Result<QueryResult, StoreError> {
        let mut conn = self.pool.acquire().await.map_err(db_err)?;
        let statement = conn
            .prepare(AssertSqlSafe(sql.to_string()).into_sql_str())
            .await
            .map_err(query_error)?;
        let columns: Vec<String> = statement
            .columns()
            .iter()
            .map(|c| c.name().to_string())
            .collect();
        if columns.is_empty() {
            let done = conn
                .execute(AssertSqlSafe(sql.to_string()))
                .await
                .map_err(query_error)?;
            // SQLite reports the last DML's count after DDL too; only DML changes rows.
            let first = sql
                .split_whitespace()
                .next()
                .unwrap_or("")
                .to_ascii_uppercase();
            let is_dml = matches!(first.as_str(), "INSERT" | "UPDATE" | "DELETE" | "REPLACE");
            return Ok(QueryResult {
                columns,
                rows: Vec::new(),
                rows_affected: if is_dml { done.rows_affected() } else { 0 },
            });
        }
        let rows = conn
            .fetch_all(AssertSqlSafe(sql.to_string()))
            .await
            .map_err(query_error)?;
        let mut out = Vec::with_capacity(rows.len());
        for row in &rows {
            let mut cells = Vec::with_capacity(columns.len());
            for index in 0..columns.len() {
                cells.push(read_cell(row, index)?.to_json());
            }
            out.push(cells);
        }
        Ok(QueryResult {
            columns,
            rows: out,
            rows_affected: 0,
        })
    }

    pub(crate) async fn tables_impl(&self) -> Result<Vec<String>, StoreError> {
        let rows: Vec<(String,)> = sqlx::query_as(
            "SELECT name FROM pragma_table_list WHERE schema = 'main' AND type IN ('table', 'virtual')
               AND name NOT LIKE 'sqlite_%' ORDER BY name",
        )
        .fetch_all(&self.pool)
        .await
        .map_err(db_err)?;
        Ok(rows.into_iter().map(|(n,)| n).collect())
    }

    pub(crate) async fn schema_impl(&self) -> Result<Vec<String>, StoreError> {
        let rows: Vec<(String,)> =
            sqlx::query_as("SELECT sql FROM sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%' ORDER BY rowid")
                .fetch_all(&self.pool)
                .await
                .map_err(db_err)?;
        Ok(rows.into_iter().map(|(s,)| format!("{s};")).collect())
    }

    pub(crate) async fn export_impl(&self) -> Result<String, StoreError> {
        let mut tx = self.pool.begin().await.map_err(db_err)?;
        // Shadow tables of virtual tables are rebuilt by the virtual table itself.
        let objects: Vec<(String, String, String, Option<String>)> = sqlx::query_as(
            "SELECT m.type, m.name, m.sql, t.type FROM sqlite_master m
             LEFT JOIN pragma_table_list t ON t.schema = 'main' AND t.name = m.name
             WHERE m.sql IS NOT NULL AND m.name NOT LIKE 'sqlite_%'
             ORDER BY m.rowid",
        )
        .fetch_all(&mut *tx)
        .await
        .map_err(db_err)?;
        let mut out = format!("{DUMP_HEADER}\nPRAGMA foreign_keys=OFF;\nBEGIN TRANSACTION;\n");
        let mut deferred = Vec::new();
        for (kind, name, sql, table_kind) in &objects {
            if kind != "table" {
                deferred.push(sql);
                continue;
            }
            if table_kind.as_deref() == Some("shadow") {
                continue;
            }
            let _ = writeln!(out, "{sql};");
            let select = format!("SELECT * FROM {} ORDER BY rowid", quote_ident(name));
            let rows = tx.fetch_all(AssertSqlSafe(select)).await.map_err(db_err)?;
            for row in &rows {
                let mut values = Vec::with_capacity(row.columns().len());
                for index in 0..row.columns().len() {
                    values.push(read_cell(row, index)?.to_sql_literal());
                }
                let _ = writeln!(
                    out,
                    "INSERT INTO {} VALUES({});",
                    quote_ident(name),
                    values.join(",")
                );
            }
        }
        for sql in deferred {
            let _ = writeln!(out, "{sql};");
        }
        out.push_str("COMMIT;\n");
        tx.commit().await.map_err(db_err)?;
        Ok(out)
    }

    pub(crate) async fn import_impl(&self, script: &str) -> Result<(), StoreError> {
        if let Some(table) = self.tables_impl().await?.into_iter().next() {
            return Err(StoreError::NotEmpty { table });
        }
        // Run the dump's body inside our own transaction so a failure, or rows that break a
        // foreign key, leave the database exactly as empty as it was.
        let body = strip_transaction_wrapper(script);
        let mut conn = self.pool.acquire().await.map_err(db_err)?;
        conn.execute("PRAGMA foreign_keys=OFF")
            .await
            .map_err(db_err)?;
        conn.execute("BEGIN IMMEDIATE").await.map_err(db_err)?;
        let outcome = async {
            conn.execute(AssertSqlSafe(body.to_string()))
                .await
                .map_err(|e| StoreError::Database(format!("import: {e}")))?;
            let broken: Vec<(String,)> =
                sqlx::query_as("SELECT \"table\" FROM pragma_foreign_key_check")
                    .fetch_all(&mut *conn)
                    .await
                    .map_err(db_err)?;
            match broken.first() {
                Some((table,)) => Err(StoreError::Database(format!(
                    "import: rows of {table} reference missing parents"
                ))),
                None => Ok(()),
            }
        }
        .await;
        let finish = if outcome.is_ok() {
            "COMMIT"
        } else {
            "ROLLBACK"
        };
        let finished = conn.execute(finish).await.map_err(db_err);
        conn.execute("PRAGMA foreign_keys=ON")
            .await
            .map_err(db_err)?;
        outcome?;
        finished.map(|_| ())
    }
}

/// The statements of a dump without its `PRAGMA foreign_keys`/`BEGIN` header and final `COMMIT`.
/// Only the wrapper lines at the very start and end are removed: a line inside a multi-line text
/// value must never be touched.
fn strip_transaction_wrapper(script: &str) -> &str {
    let mut body = script.trim();
    loop {
        let (first, rest) = body.split_once('\n').unwrap_or((body, ""));
        let line = first.trim().to_ascii_uppercase();
        let wrapper = line.starts_with("--")
            || matches!(
                line.as_str(),
                "PRAGMA FOREIGN_KEYS=OFF;" | "BEGIN TRANSACTION;" | "BEGIN;"
            );
        if !wrapper || first.is_empty() {
            break;
        }
        body = rest.trim_start();
    }
    if let Some(stripped) = body.strip_suffix("COMMIT;") {
        body = stripped;
    }
    body
}

fn query_error(error: sqlx::Error) -> StoreError {
    match error {
        sqlx::Error::Database(db) => StoreError::Database(db.message().to_string()),
        other => StoreError::Database(other.to_string()),
    }
}
