//! Operator functions: raw queries with dynamic typing, a `.dump`-style export streamed row by
//! row, and an import that runs a dump statement by statement.

use std::fmt::Write as _;
use std::io::{BufRead, Write};

use futures_util::TryStreamExt;
use sqlx::sqlite::{SqliteRow, SqliteValueRef};
use sqlx::{AssertSqlSafe, Column, Executor, Row, SqlSafeStr, Statement, TypeInfo, ValueRef};

use super::SqliteStore;
use crate::dump::{
    is_transaction_control, normalized, CountingWriter, ExportSummary, ImportProgress, Statements,
    PROGRESS_EVERY,
};
use crate::error::db_err;
use crate::model::QueryResult;
use crate::StoreError;

const DUMP_HEADER: &str = "-- orquestra SQL dump";

/// One SQLite storage value, read without caring about the column's declared type.
pub(super) enum Cell {
    Null,
    Integer(i64),
    Real(f64),
    Text(String),
    Blob(Vec<u8>),
}

pub(super) fn read_cell(row: &SqliteRow, index: usize) -> Result<Cell, StoreError> {
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

    /// Appends a SQL literal that reads back as exactly this value and storage class.
    fn push_sql_literal(&self, out: &mut String) {
        match self {
            Cell::Null => out.push_str("NULL"),
            Cell::Integer(i) => {
                let _ = write!(out, "{i}");
            }
            Cell::Real(f) if f.is_infinite() => {
                out.push_str(if *f > 0.0 { "9e999" } else { "-9e999" });
            }
            // `{:?}` is the shortest exact representation and always keeps a '.' or 'e', so the
            // value stays REAL on the way back in.
            Cell::Real(f) => {
                let _ = write!(out, "{f:?}");
            }
            Cell::Text(s) if s.contains('\0') => {
                let _ = write!(out, "CAST(X'{}' AS TEXT)", hex::encode(s.as_bytes()));
            }
            Cell::Text(s) => {
                out.push('\'');
                for (n, part) in s.split('\'').enumerate() {
                    if n > 0 {
                        out.push_str("''");
                    }
                    out.push_str(part);
                }
                out.push('\'');
            }
            Cell::Blob(b) => {
                let _ = write!(out, "X'{}'", hex::encode(b));
            }
        }
    }
}

pub(super) fn quote_ident(name: &str) -> String {
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

    pub(crate) async fn export_impl(
        &self,
        out: &mut (dyn Write + Send),
    ) -> Result<ExportSummary, StoreError> {
        let mut out = CountingWriter {
            inner: out,
            bytes: 0,
        };
        let mut summary = ExportSummary::default();
        // One read transaction: the dump is a consistent snapshot even while the server writes.
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
        write!(
            out,
            "{DUMP_HEADER}\nPRAGMA foreign_keys=OFF;\nBEGIN TRANSACTION;\n"
        )
        .map_err(StoreError::DumpWrite)?;
        let mut deferred = Vec::new();
        let mut line = String::new();
        for (kind, name, sql, table_kind) in &objects {
            if kind != "table" {
                deferred.push(sql);
                continue;
            }
            if table_kind.as_deref() == Some("shadow") {
                continue;
            }
            writeln!(out, "{sql};").map_err(StoreError::DumpWrite)?;
            summary.tables += 1;
            let insert = format!("INSERT INTO {} VALUES(", quote_ident(name));
            let select = format!("SELECT * FROM {} ORDER BY rowid", quote_ident(name));
            let mut rows = tx.fetch(AssertSqlSafe(select));
            while let Some(row) = rows.try_next().await.map_err(db_err)? {
                line.clear();
                line.push_str(&insert);
                for index in 0..row.columns().len() {
                    if index > 0 {
                        line.push(',');
                    }
                    read_cell(&row, index)?.push_sql_literal(&mut line);
                }
                line.push_str(");\n");
                out.write_all(line.as_bytes())
                    .map_err(StoreError::DumpWrite)?;
                summary.rows += 1;
            }
        }
        for sql in deferred {
            writeln!(out, "{sql};").map_err(StoreError::DumpWrite)?;
        }
        out.write_all(b"COMMIT;\n").map_err(StoreError::DumpWrite)?;
        out.flush().map_err(StoreError::DumpWrite)?;
        tx.commit().await.map_err(db_err)?;
        summary.bytes = out.bytes;
        Ok(summary)
    }

    pub(crate) async fn import_impl(
        &self,
        input: &mut (dyn BufRead + Send),
        progress: &mut (dyn FnMut(ImportProgress) + Send),
    ) -> Result<ImportProgress, StoreError> {
        if let Some(table) = self.tables_impl().await?.into_iter().next() {
            return Err(StoreError::NotEmpty { table });
        }
        // Every statement runs inside our own transaction (the dump's own BEGIN and COMMIT are
        // skipped), so a failure, or rows that break a foreign key, leave the database exactly as
        // empty as it was.
        let mut conn = self.pool.acquire().await.map_err(db_err)?;
        conn.execute("PRAGMA foreign_keys=OFF")
            .await
            .map_err(db_err)?;
        conn.execute("BEGIN IMMEDIATE").await.map_err(db_err)?;
        let outcome = async {
            let mut statements = Statements::new(input);
            let mut done = ImportProgress::default();
            let mut reported = 0;
            while let Some(statement) = statements.next_statement()? {
                if is_transaction_wrapper(&statement.sql) {
                    continue;
                }
                // `raw_sql`: each statement is run once, so none is kept in the statement cache.
                sqlx::raw_sql(AssertSqlSafe(statement.sql))
                    .execute(&mut *conn)
                    .await
                    .map_err(|e| StoreError::DumpStatement {
                        line: statement.line,
                        reason: query_error(e).to_string(),
                    })?;
                done.statements += 1;
                done.bytes = statements.bytes_read();
                if done.bytes - reported >= PROGRESS_EVERY {
                    reported = done.bytes;
                    progress(done);
                }
            }
            let broken: Vec<(String,)> =
                sqlx::query_as("SELECT \"table\" FROM pragma_foreign_key_check")
                    .fetch_all(&mut *conn)
                    .await
                    .map_err(db_err)?;
            match broken.first() {
                Some((table,)) => Err(StoreError::Database(format!(
                    "import: rows of {table} reference missing parents"
                ))),
                None => {
                    done.bytes = statements.bytes_read();
                    progress(done);
                    Ok(done)
                }
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
        let done = outcome?;
        finished.map(|_| done)
    }
}

/// The dump's own transaction control and its `PRAGMA foreign_keys=OFF`: the import runs
/// everything in a transaction of its own, with foreign keys checked once at the end.
fn is_transaction_wrapper(sql: &str) -> bool {
    is_transaction_control(sql)
        || matches!(
            normalized(sql).as_str(),
            "PRAGMA FOREIGN_KEYS=OFF" | "PRAGMA FOREIGN_KEYS = OFF"
        )
}

fn query_error(error: sqlx::Error) -> StoreError {
    match error {
        sqlx::Error::Database(db) => StoreError::Database(db.message().to_string()),
        other => StoreError::Database(other.to_string()),
    }
}
