//! `db export` / `db import` for PostgreSQL: a data-only SQL dump (the migrations build the
//! schema), written row by row to any `std::io::Write` and read back statement by statement with
//! the shared [`Statements`] reader, so neither side holds the whole database in memory.
//!
//! The dump is plain SQL that `psql` can also run into a migrated database: a header comment,
//! `BEGIN`, session settings, user triggers disabled (the dump carries `project_search` rows
//! itself), one `INSERT` per row in foreign-key order, triggers re-enabled, `COMMIT`. Values are
//! literals in PostgreSQL's text format: numbers and booleans bare, everything else quoted with
//! `''` doubling (`standard_conforming_strings` is on, so backslashes are plain characters).

use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, Write};

use futures_util::TryStreamExt;
use sqlx::postgres::PgValueRef;
use sqlx::{AssertSqlSafe, Executor, PgConnection, Row, TypeInfo, ValueRef};

use super::admin::quote_ident;
use super::migrate::{self, MIGRATIONS_TABLE};
use super::PostgresStore;
use crate::dump::{
    is_transaction_control, CountingWriter, ExportSummary, ImportProgress, Statements,
    PROGRESS_EVERY,
};
use crate::error::db_err;
use crate::StoreError;

const DUMP_HEADER: &str =
    "-- orquestra SQL dump (PostgreSQL, data only; import into a migrated or empty database)";

fn write_error(e: std::io::Error) -> StoreError {
    StoreError::DumpWrite(e)
}

/// The application's tables in an order that inserts parents before children (the migrations
/// table is the schema's, not data: the importing database records its own).
async fn data_tables(conn: &mut PgConnection) -> Result<Vec<String>, StoreError> {
    let tables: Vec<(String,)> = sqlx::query_as(
        "SELECT tablename::text FROM pg_tables WHERE schemaname = current_schema()
         ORDER BY tablename COLLATE \"C\"",
    )
    .fetch_all(&mut *conn)
    .await
    .map_err(db_err)?;
    let edges: Vec<(String, String)> = sqlx::query_as(
        "SELECT c.relname::text, p.relname::text FROM pg_constraint k
         JOIN pg_class c ON c.oid = k.conrelid JOIN pg_class p ON p.oid = k.confrelid
         WHERE k.contype = 'f' AND c.relnamespace = current_schema()::regnamespace
           AND c.oid <> p.oid",
    )
    .fetch_all(&mut *conn)
    .await
    .map_err(db_err)?;
    let mut parents: BTreeMap<String, BTreeSet<String>> = tables
        .into_iter()
        .filter(|(t,)| t != MIGRATIONS_TABLE)
        .map(|(t,)| (t, BTreeSet::new()))
        .collect();
    for (child, parent) in edges {
        if parents.contains_key(&parent) {
            if let Some(set) = parents.get_mut(&child) {
                set.insert(parent);
            }
        }
    }
    // Kahn's algorithm, alphabetical among the ready ones so the order is stable.
    let mut order = Vec::with_capacity(parents.len());
    while !parents.is_empty() {
        let ready: Vec<String> = parents
            .iter()
            .filter(|(_, p)| p.is_empty())
            .map(|(t, _)| t.clone())
            .collect();
        let Some(next) = ready.into_iter().next() else {
            return Err(StoreError::Database(
                "export: the tables' foreign keys form a cycle".into(),
            ));
        };
        parents.remove(&next);
        for set in parents.values_mut() {
            set.remove(&next);
        }
        order.push(next);
    }
    Ok(order)
}

/// The columns a dump writes (not generated ones, which the database computes) and the columns
/// that order its rows (the primary key, else all of them).
async fn table_columns(
    conn: &mut PgConnection,
    table: &str,
) -> Result<(Vec<String>, Vec<String>), StoreError> {
    let columns: Vec<(String, bool)> = sqlx::query_as(
        "SELECT a.attname::text, COALESCE(i.indisprimary, false)
         FROM pg_attribute a
         LEFT JOIN pg_index i ON i.indrelid = a.attrelid AND i.indisprimary
           AND a.attnum = ANY(i.indkey)
         WHERE a.attrelid = quote_ident($1)::regclass AND a.attnum > 0 AND NOT a.attisdropped
           AND a.attgenerated::text = ''
         ORDER BY a.attnum",
    )
    .bind(table)
    .fetch_all(&mut *conn)
    .await
    .map_err(db_err)?;
    let mut key: Vec<String> = columns
        .iter()
        .filter(|(_, pk)| *pk)
        .map(|(c, _)| c.clone())
        .collect();
    let names: Vec<String> = columns.into_iter().map(|(c, _)| c).collect();
    if key.is_empty() {
        key = names.clone();
    }
    Ok((names, key))
}

/// A value in PostgreSQL's text format as a literal that reads back as the same value.
fn literal(kind: &str, text: Option<&str>) -> String {
    match (kind, text) {
        (_, None) => "NULL".into(),
        ("INT2" | "INT4" | "INT8", Some(t)) => t.to_string(),
        ("BOOL", Some(t)) => if t == "t" { "TRUE" } else { "FALSE" }.into(),
        (_, Some(t)) => format!("'{}'", t.replace('\'', "''")),
    }
}

/// Writes the dump of the database `conn` sees (its caller holds one snapshot) to `out`.
async fn write_dump(
    conn: &mut PgConnection,
    out: &mut (dyn Write + Send),
) -> Result<ExportSummary, StoreError> {
    let mut out = CountingWriter {
        inner: out,
        bytes: 0,
    };
    let mut summary = ExportSummary::default();
    let tables = data_tables(conn).await?;
    let triggered: Vec<(String,)> = sqlx::query_as(
        "SELECT DISTINCT c.relname::text FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
         WHERE c.relnamespace = current_schema()::regnamespace AND NOT t.tgisinternal
         ORDER BY 1",
    )
    .fetch_all(&mut *conn)
    .await
    .map_err(db_err)?;
    writeln!(out, "{DUMP_HEADER}").map_err(write_error)?;
    writeln!(out, "BEGIN;").map_err(write_error)?;
    writeln!(out, "SET LOCAL standard_conforming_strings = on;").map_err(write_error)?;
    writeln!(out, "SET LOCAL DateStyle = 'ISO, MDY';").map_err(write_error)?;
    for (table,) in &triggered {
        writeln!(
            out,
            "ALTER TABLE {} DISABLE TRIGGER USER;",
            quote_ident(table)
        )
        .map_err(write_error)?;
    }
    for table in &tables {
        let (columns, key) = table_columns(conn, table).await?;
        if columns.is_empty() {
            continue;
        }
        summary.tables += 1;
        let list = columns
            .iter()
            .map(|c| quote_ident(c))
            .collect::<Vec<_>>()
            .join(", ");
        let order = key
            .iter()
            .map(|c| format!("{} COLLATE \"C\"", quote_ident(c)))
            .collect::<Vec<_>>()
            .join(", ");
        // Without parameters the query runs unprepared, so every value arrives as text.
        let select = format!("SELECT {list} FROM {} ORDER BY {order}", quote_ident(table));
        let mut rows = conn.fetch(AssertSqlSafe(select));
        while let Some(row) = rows.try_next().await.map_err(db_err)? {
            let mut values = Vec::with_capacity(columns.len());
            for index in 0..columns.len() {
                let raw: PgValueRef<'_> = row.try_get_raw(index).map_err(db_err)?;
                let kind = raw.type_info().name().to_string();
                let text = if raw.is_null() {
                    None
                } else {
                    Some(
                        raw.as_str()
                            .map_err(|e| StoreError::Database(format!("export: {e}")))?,
                    )
                };
                values.push(literal(&kind, text));
            }
            writeln!(
                out,
                "INSERT INTO {} ({list}) VALUES ({});",
                quote_ident(table),
                values.join(", ")
            )
            .map_err(write_error)?;
            summary.rows += 1;
        }
    }
    for (table,) in &triggered {
        writeln!(
            out,
            "ALTER TABLE {} ENABLE TRIGGER USER;",
            quote_ident(table)
        )
        .map_err(write_error)?;
    }
    writeln!(out, "COMMIT;").map_err(write_error)?;
    out.flush().map_err(write_error)?;
    summary.bytes = out.bytes;
    Ok(summary)
}

impl PostgresStore {
    /// Writes the dump to `out` from one consistent snapshot.
    pub(crate) async fn export_impl(
        &self,
        out: &mut (dyn Write + Send),
    ) -> Result<ExportSummary, StoreError> {
        let mut tx = self.pool.begin().await.map_err(db_err)?;
        sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
        sqlx::query("SET LOCAL DateStyle = 'ISO, MDY'")
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
        let summary = write_dump(&mut tx, out).await?;
        tx.commit().await.map_err(db_err)?;
        Ok(summary)
    }

    /// Migrates the database if it is new, refuses one that holds data, then runs the dump read
    /// from `input` one statement at a time, all in one transaction: a failure leaves the
    /// database as it was (not even the migrations stay).
    pub(crate) async fn import_impl(
        &self,
        input: &mut (dyn BufRead + Send),
        progress: &mut (dyn FnMut(ImportProgress) + Send),
    ) -> Result<ImportProgress, StoreError> {
        let mut tx = self.pool.begin().await.map_err(db_err)?;
        migrate::lock(&mut tx).await?;
        while migrate::apply_next(&mut tx).await?.is_some() {}
        for table in data_tables(&mut tx).await? {
            let (any,): (bool,) = sqlx::query_as(AssertSqlSafe(format!(
                "SELECT EXISTS (SELECT 1 FROM {})",
                quote_ident(&table)
            )))
            .fetch_one(&mut *tx)
            .await
            .map_err(db_err)?;
            if any {
                return Err(StoreError::NotEmpty { table });
            }
        }
        let mut statements = Statements::new(input);
        let mut done = ImportProgress::default();
        let mut reported = 0;
        while let Some(statement) = statements.next_statement()? {
            if is_transaction_control(&statement.sql) {
                continue;
            }
            // `raw_sql`: each statement runs once, so none is kept in the statement cache.
            sqlx::raw_sql(AssertSqlSafe(statement.sql))
                .execute(&mut *tx)
                .await
                .map_err(|e| StoreError::DumpStatement {
                    line: statement.line,
                    reason: match e {
                        sqlx::Error::Database(db) => db.message().to_string(),
                        other => other.to_string(),
                    },
                })?;
            done.statements += 1;
            done.bytes = statements.bytes_read();
            if done.bytes - reported >= PROGRESS_EVERY {
                reported = done.bytes;
                progress(done);
            }
        }
        tx.commit().await.map_err(db_err)?;
        done.bytes = statements.bytes_read();
        progress(done);
        Ok(done)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literals_read_back_as_the_same_value() {
        assert_eq!(literal("TEXT", None), "NULL");
        assert_eq!(literal("INT8", Some("42")), "42");
        assert_eq!(literal("BOOL", Some("t")), "TRUE");
        assert_eq!(literal("BOOL", Some("f")), "FALSE");
        assert_eq!(literal("TEXT", Some("it's \\n")), "'it''s \\n'");
        assert_eq!(
            literal("TIMESTAMP", Some("2026-01-02 03:04:05.123456")),
            "'2026-01-02 03:04:05.123456'"
        );
    }
}
