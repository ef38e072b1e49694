//! Operator functions: raw queries with dynamic typing, and the schema as `CREATE` statements
//! reconstructed from the catalogs (for display; the migrations are what builds it).

use sqlx::postgres::{PgRow, PgValueRef};
use sqlx::{AssertSqlSafe, Column, Executor, Row, SqlSafeStr, Statement, TypeInfo, ValueRef};

use super::PostgresStore;
use crate::error::db_err;
use crate::model::QueryResult;
use crate::StoreError;

/// One cell of a raw query, read from PostgreSQL's text format (statements without parameters
/// use the simple protocol, so every value arrives as text whatever its type) and shaped like
/// SQLite's: integers and floats as numbers, booleans as booleans, `TIMESTAMP` as the store's
/// `YYYY-MM-DD HH:MM:SS`, `bytea` as `{"hex": …}`, everything else as its text.
fn read_cell(row: &PgRow, index: usize) -> Result<serde_json::Value, StoreError> {
    let raw: PgValueRef<'_> = row.try_get_raw(index).map_err(db_err)?;
    if raw.is_null() {
        return Ok(serde_json::Value::Null);
    }
    let kind = raw.type_info().name().to_string();
    let text = raw
        .as_str()
        .map_err(|e| StoreError::Database(format!("column {index}: {e}")))?;
    Ok(text_to_json(&kind, text))
}

/// A value in PostgreSQL's text output of type `kind`, as JSON.
pub(crate) fn text_to_json(kind: &str, text: &str) -> serde_json::Value {
    match kind {
        "INT2" | "INT4" | "INT8" | "OID" => text
            .parse::<i64>()
            .map_or_else(|_| text.into(), serde_json::Value::from),
        "FLOAT4" | "FLOAT8" | "NUMERIC" => text
            .parse::<f64>()
            .ok()
            .and_then(serde_json::Number::from_f64)
            .map_or_else(|| text.into(), serde_json::Value::Number),
        "BOOL" => serde_json::Value::Bool(text == "t"),
        // What the row types show: SQLite's CURRENT_TIMESTAMP text, without the fraction.
        "TIMESTAMP" => text.split('.').next().unwrap_or(text).into(),
        "BYTEA" => serde_json::json!({ "hex": text.trim_start_matches("\\x") }),
        _ => text.into(),
    }
}

impl PostgresStore {
    pub(crate) async fn query_impl(&self, sql: &str) -> Result<QueryResult, StoreError> {
        let mut conn = self.pool.acquire().await.map_err(db_err)?;
        // Preparing tells the result's columns even when it has no rows (and refuses more than
        // one statement); running it unprepared then reads every value as text.
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
            return Ok(QueryResult {
                columns,
                rows: Vec::new(),
                rows_affected: done.rows_affected(),
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
                cells.push(read_cell(row, index)?);
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
            "SELECT tablename::text FROM pg_tables WHERE schemaname = current_schema()
             ORDER BY tablename COLLATE \"C\"",
        )
        .fetch_all(&self.pool)
        .await
        .map_err(db_err)?;
        Ok(rows.into_iter().map(|(n,)| n).collect())
    }

    pub(crate) async fn schema_impl(&self) -> Result<Vec<String>, StoreError> {
        let mut conn = self.pool.acquire().await.map_err(db_err)?;
        let columns: Vec<(String, String, String, bool, Option<String>, String)> = sqlx::query_as(
            "SELECT c.relname::text, a.attname::text, format_type(a.atttypid, a.atttypmod),
                   a.attnotnull, pg_get_expr(d.adbin, d.adrelid), a.attgenerated::text
                 FROM pg_class c
                 JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
                 LEFT JOIN pg_attrdef d ON d.adrelid = c.oid AND d.adnum = a.attnum
                 WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind = 'r'
                 ORDER BY c.oid, a.attnum",
        )
        .fetch_all(&mut *conn)
        .await
        .map_err(db_err)?;
        let constraints: Vec<(String, String, String)> = sqlx::query_as(
            "SELECT c.relname::text, k.conname::text, pg_get_constraintdef(k.oid)
             FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid
             WHERE c.relnamespace = current_schema()::regnamespace
             ORDER BY c.oid, array_position(ARRAY['p', 'u', 'f', 'c', 'x']::\"char\"[], k.contype), k.oid",
        )
        .fetch_all(&mut *conn)
        .await
        .map_err(db_err)?;
        let mut out: Vec<String> = Vec::new();
        let mut current: Option<(String, Vec<String>)> = None;
        let finish = |table: String, lines: Vec<String>, out: &mut Vec<String>| {
            let mut lines = lines;
            for (_, name, def) in constraints.iter().filter(|(t, _, _)| *t == table) {
                lines.push(format!("CONSTRAINT {} {def}", quote_ident(name)));
            }
            out.push(format!(
                "CREATE TABLE {} (\n  {}\n);",
                quote_ident(&table),
                lines.join(",\n  ")
            ));
        };
        for (table, column, kind, not_null, default, generated) in columns {
            let mut line = format!("{} {kind}", quote_ident(&column));
            match (default, generated.as_str()) {
                (Some(expr), "s") => {
                    line.push_str(&format!(" GENERATED ALWAYS AS ({expr}) STORED"))
                }
                (Some(expr), _) => line.push_str(&format!(" DEFAULT {expr}")),
                (None, _) => {}
            }
            if not_null {
                line.push_str(" NOT NULL");
            }
            match &mut current {
                Some((name, lines)) if *name == table => lines.push(line),
                _ => {
                    if let Some((name, lines)) = current.take() {
                        finish(name, lines, &mut out);
                    }
                    current = Some((table, vec![line]));
                }
            }
        }
        if let Some((name, lines)) = current.take() {
            finish(name, lines, &mut out);
        }
        // Indexes other than those backing constraints, views, functions and triggers.
        let rest: Vec<(String,)> = sqlx::query_as(
            "SELECT def FROM (
               SELECT 1 AS kind, i.indexrelid::bigint AS id, pg_get_indexdef(i.indexrelid) || ';' AS def
                 FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
                 WHERE c.relnamespace = current_schema()::regnamespace
                   AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)
               UNION ALL
               SELECT 2, c.oid::bigint, 'CREATE VIEW ' || quote_ident(c.relname) || ' AS '
                   || pg_get_viewdef(c.oid)
                 FROM pg_class c
                 WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind = 'v'
               UNION ALL
               SELECT 3, p.oid::bigint, pg_get_functiondef(p.oid) || ';'
                 FROM pg_proc p
                 WHERE p.pronamespace = current_schema()::regnamespace AND p.prokind = 'f'
               UNION ALL
               SELECT 4, t.oid::bigint, pg_get_triggerdef(t.oid) || ';'
                 FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
                 WHERE c.relnamespace = current_schema()::regnamespace AND NOT t.tgisinternal
             ) s ORDER BY kind, id",
        )
        .fetch_all(&mut *conn)
        .await
        .map_err(db_err)?;
        out.extend(rest.into_iter().map(|(s,)| s));
        Ok(out)
    }
}

pub(crate) fn quote_ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

fn query_error(error: sqlx::Error) -> StoreError {
    match error {
        sqlx::Error::Database(db) => StoreError::Database(db.message().to_string()),
        other => StoreError::Database(other.to_string()),
    }
}
