//! `db copy`: a whole installation moved between any two backends (SQLite → PostgreSQL is the
//! usual one), table by table in foreign-key order, in pages, inside one transaction on the
//! target, and verified row for row before that transaction commits.
//!
//! The dumps cannot do this: each backend's dump is in its own dialect. Here values cross as
//! backend-neutral [`Cell`]s: each backend reads its rows into cells by its own column types
//! (SQLite's 0/1 booleans become [`Cell::Boolean`], its `DATETIME` text and PostgreSQL's
//! `TIMESTAMP` become [`Cell::Timestamp`]) and writes them back with binds of the target column's
//! type.
//!
//! Pages follow the primary key (keyset pagination in each backend's index order), at most
//! [`PAGE_ROWS`] rows and, once [`PAGE_BYTES`] of values are read, fewer: `idl_versions` rows
//! carry whole IDLs and their docs, so a page of them is cut by size, not by count.
//!
//! `project_search` is derived: the insert trigger on `projects` gives every copied project its
//! search row, but the instruction names of its latest IDL are written by the application when a
//! version is appended, not by a trigger. So the copy carries them as a table of its own (the
//! non-empty `instructions` by `project_id`), and the target puts them into its search rows.
//!
//! Verification reads both sides again through the same read path (the target inside its still
//! open transaction): the source page by page in its key order, and for each page the target's
//! rows of the same keys, compared row by row; then the row counts. Each row's canonical cells are
//! hashed with SHA-256 (timestamps to the second, the precision both backends share), and the
//! per-table digest is the SHA-256 of those hashes in the source's key order. The first
//! difference fails the copy, naming the table and the primary key, and the target's transaction
//! is rolled back. Looking rows up by key, rather than walking both sides in one shared order,
//! lets each side page through its own primary-key index: SQLite orders text bytewise,
//! PostgreSQL by the database's collation, and ordering PostgreSQL bytewise (`COLLATE "C"`)
//! would sort the whole table for every page.

use std::collections::BTreeSet;

use async_trait::async_trait;
use sha2::{Digest, Sha256};

use crate::store::Admin;
use crate::{Database, StoreError};

type Result<T> = std::result::Result<T, StoreError>;

/// Rows per page at most.
pub const PAGE_ROWS: u32 = 500;
/// A page stops growing once its values reach this many bytes (at least one row is read).
pub const PAGE_BYTES: usize = 8 * 1024 * 1024;

/// The derived search table: copied as `(project_id, instructions)` for the projects that have
/// instruction names.
pub const SEARCH_TABLE: &str = "project_search";

/// The application tables in foreign-key order (parents first), from the migrations:
/// `projects` → `users`; `idl_versions`, `api_keys`, `project_socials`, `known_addresses` →
/// `projects`; `program_lists` → `users`; `program_list_items` → `program_lists`, `projects`;
/// `idl_verifications` → `projects`, `idl_versions`. `revoked_sessions` stands alone. The
/// search table comes last, after the projects whose rows it completes. The migrations table is
/// not copied: the target records its own.
pub const COPY_TABLES: [&str; 11] = [
    "users",
    "projects",
    "idl_versions",
    "api_keys",
    "project_socials",
    "known_addresses",
    "revoked_sessions",
    "program_lists",
    "program_list_items",
    "idl_verifications",
    SEARCH_TABLE,
];

/// One value in flight between backends.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Null,
    Integer(i64),
    Real(f64),
    Boolean(bool),
    Text(String),
    /// `YYYY-MM-DD HH:MM:SS`, with PostgreSQL's microseconds when it was read there.
    Timestamp(String),
    Blob(Vec<u8>),
}

impl Cell {
    /// Bytes this value holds (for the page size limit).
    pub fn size(&self) -> usize {
        match self {
            Cell::Text(s) | Cell::Timestamp(s) => s.len(),
            Cell::Blob(b) => b.len(),
            _ => 8,
        }
    }

    /// Appends the canonical form hashed by the verification: a type tag and a length-prefixed
    /// value, timestamps cut to whole seconds.
    fn canonical(&self, out: &mut Vec<u8>) {
        let mut put = |tag: u8, bytes: &[u8]| {
            out.push(tag);
            out.extend_from_slice(&(bytes.len() as u64).to_le_bytes());
            out.extend_from_slice(bytes);
        };
        match self {
            Cell::Null => put(b'n', &[]),
            Cell::Integer(i) => put(b'i', &i.to_le_bytes()),
            Cell::Real(f) => put(b'r', &f.to_bits().to_le_bytes()),
            Cell::Boolean(b) => put(b'b', &[u8::from(*b)]),
            Cell::Text(s) => put(b't', s.as_bytes()),
            Cell::Timestamp(s) => put(b'd', to_seconds(s).as_bytes()),
            Cell::Blob(b) => put(b'x', b),
        }
    }
}

/// A timestamp's text without its fraction of a second.
pub fn to_seconds(timestamp: &str) -> &str {
    timestamp.split('.').next().unwrap_or(timestamp)
}

/// One page of a table, in primary-key order.
#[derive(Debug, Clone, PartialEq)]
pub struct RowPage {
    /// The columns of every row, in the table's order (generated columns left out).
    pub columns: Vec<String>,
    /// Each row's primary key and cells.
    pub rows: Vec<(String, Vec<Cell>)>,
    /// Whether rows may follow the last one (the page was full by count or by size).
    pub more: bool,
}

/// Fills a [`RowPage`] from rows read in key order: each row's key taken from its key column,
/// and the page full at `limit` rows or once [`PAGE_BYTES`] of values are in it.
pub(crate) struct PageFiller<'a> {
    table: &'a str,
    key_index: usize,
    limit: usize,
    bytes: usize,
    page: RowPage,
}

impl<'a> PageFiller<'a> {
    pub(crate) fn new(
        table: &'a str,
        columns: Vec<String>,
        key_index: usize,
        limit: usize,
    ) -> Self {
        Self {
            table,
            key_index,
            limit,
            bytes: 0,
            page: RowPage {
                columns,
                rows: Vec::new(),
                more: false,
            },
        }
    }

    /// Adds a row; `true` when the page is now full (rows may follow it).
    pub(crate) fn push(&mut self, cells: Vec<Cell>) -> Result<bool> {
        self.bytes += cells.iter().map(Cell::size).sum::<usize>();
        let key = match cells.get(self.key_index) {
            Some(Cell::Text(key)) => key.clone(),
            other => {
                return Err(StoreError::CopySchema(format!(
                    "table {}: a primary key is not text ({other:?})",
                    self.table
                )))
            }
        };
        self.page.rows.push((key, cells));
        let full = self.page.rows.len() >= self.limit || self.bytes >= PAGE_BYTES;
        self.page.more |= full;
        Ok(full)
    }

    pub(crate) fn finish(self) -> RowPage {
        self.page
    }
}

/// Where a copy is, for progress reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CopyPhase {
    Copying,
    Verifying,
}

/// How far a copy got: `rows` of `table` so far in this phase.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CopyProgress {
    pub phase: CopyPhase,
    pub table: String,
    pub rows: u64,
}

/// One table copied and verified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableCopy {
    pub table: String,
    pub rows: u64,
    /// SHA-256 (hex) of the table's rows, equal on both sides.
    pub digest: String,
}

/// The outcome of a copy: every table, in copy order.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CopyReport {
    pub tables: Vec<TableCopy>,
}

impl CopyReport {
    pub fn rows(&self) -> u64 {
        self.tables.iter().map(|t| t.rows).sum()
    }
}

/// The target's side of a copy: one open transaction that each backend implements.
#[async_trait]
pub(crate) trait CopyTarget: Send {
    /// Data tables of the target (the migrations table and SQLite's shadow tables left out).
    async fn table_names(&mut self) -> Result<Vec<String>>;
    /// Whether `table` holds any row.
    async fn has_rows(&mut self, table: &str) -> Result<bool>;
    /// Inserts a page read from the source (for [`SEARCH_TABLE`]: sets the instruction names).
    async fn insert(&mut self, table: &str, page: &RowPage) -> Result<()>;
    /// Reads a page back inside the transaction, like [`Admin::read_page`].
    async fn read_page(&mut self, table: &str, after: Option<&str>, limit: u32) -> Result<RowPage>;
    /// Reads rows by key inside the transaction, like [`Admin::read_rows`].
    async fn read_rows(&mut self, table: &str, keys: &[String]) -> Result<RowPage>;
    /// Rows of `table` (for [`SEARCH_TABLE`]: those with instruction names).
    async fn count(&mut self, table: &str) -> Result<u64>;
}

/// Migrates `target`, checks that it is empty and at the source's migrations, then copies and
/// verifies everything in one transaction on the target. The source is only read, page by page
/// rather than from one snapshot (the pages come through the stateless [`Admin::read_page`]), so
/// it should not be written meanwhile (stop the service): a row written during the copy may fail
/// it (a missing parent, a verification difference, which leave the target empty) or, written to
/// a table already verified, be left out.
pub async fn copy_database(
    source: &Database,
    target: &Database,
    progress: &mut (dyn FnMut(CopyProgress) + Send),
) -> Result<CopyReport> {
    target.store.migrate().await?;
    let names = |list: Vec<crate::AppliedMigration>| -> Vec<(i64, String)> {
        list.into_iter().map(|m| (m.version, m.name)).collect()
    };
    let wanted = names(target.store.applied_migrations().await?);
    let found =
        names(
            source
                .store
                .applied_migrations()
                .await
                .map_err(|e| StoreError::CopyMigrations {
                    reason: format!("cannot read the source's migrations ({e})"),
                })?,
        );
    if found != wanted {
        let last = |list: &[(i64, String)]| {
            list.last()
                .map_or_else(|| "none".to_string(), |(_, name)| name.clone())
        };
        return Err(StoreError::CopyMigrations {
            reason: format!(
                "the source has {} migrations applied (last {}), the target {} (last {})",
                found.len(),
                last(&found),
                wanted.len(),
                last(&wanted)
            ),
        });
    }
    target
        .admin
        .copy_from(source.admin.as_ref(), progress)
        .await
}

/// The copy itself, run by a backend inside its transaction (committed only when this succeeds).
pub(crate) async fn run(
    source: &dyn Admin,
    target: &mut dyn CopyTarget,
    progress: &mut (dyn FnMut(CopyProgress) + Send),
) -> Result<CopyReport> {
    let expected: BTreeSet<String> = COPY_TABLES.iter().map(|t| t.to_string()).collect();
    let actual: BTreeSet<String> = target.table_names().await?.into_iter().collect();
    if let Some(unknown) = actual.difference(&expected).next() {
        return Err(StoreError::CopySchema(format!(
            "the target has table {unknown}, which this build does not know how to copy"
        )));
    }
    if let Some(missing) = expected.difference(&actual).next() {
        return Err(StoreError::CopySchema(format!(
            "the target has no table {missing}"
        )));
    }
    for table in COPY_TABLES {
        if target.has_rows(table).await? {
            return Err(StoreError::CopyTargetNotEmpty {
                table: table.to_string(),
            });
        }
    }
    for table in COPY_TABLES {
        let mut after: Option<String> = None;
        let mut limit = PAGE_ROWS;
        let mut copied = 0u64;
        loop {
            let page = source.read_page(table, after.as_deref(), limit).await?;
            limit = next_limit(limit, &page);
            if !page.rows.is_empty() {
                target.insert(table, &page).await?;
                copied += page.rows.len() as u64;
                progress(CopyProgress {
                    phase: CopyPhase::Copying,
                    table: table.to_string(),
                    rows: copied,
                });
            }
            match page.rows.last() {
                Some((key, _)) if page.more => after = Some(key.clone()),
                _ => break,
            }
        }
    }
    let mut report = CopyReport::default();
    for table in COPY_TABLES {
        report
            .tables
            .push(verify(source, target, table, progress).await?);
    }
    Ok(report)
}

/// The next page's row limit: as many rows as fitted in the size limit last time (so pages of
/// big rows do not make the source read rows only to drop them), growing back when they fit.
fn next_limit(limit: u32, page: &RowPage) -> u32 {
    let got = u32::try_from(page.rows.len()).unwrap_or(PAGE_ROWS);
    if page.more && got < limit {
        got.max(1)
    } else {
        limit.saturating_mul(2).min(PAGE_ROWS)
    }
}

/// Compares `table` between source and target: every source row, page by page in the source's
/// key order, against the target's row of the same key, then the row counts. Each side reads in
/// its own key order (its primary-key index), so no shared collation is needed.
async fn verify(
    source: &dyn Admin,
    target: &mut dyn CopyTarget,
    table: &'static str,
    progress: &mut (dyn FnMut(CopyProgress) + Send),
) -> Result<TableCopy> {
    let mismatch = |key: &str, reason: String| StoreError::CopyMismatch {
        table: table.to_string(),
        key: key.to_string(),
        reason,
    };
    let mut digest = Sha256::new();
    let mut rows = 0u64;
    let mut buffer = Vec::new();
    let mut after: Option<String> = None;
    let mut limit = PAGE_ROWS;
    loop {
        let ours = source.read_page(table, after.as_deref(), limit).await?;
        limit = next_limit(limit, &ours);
        if ours.rows.is_empty() {
            break;
        }
        let keys: Vec<String> = ours.rows.iter().map(|(key, _)| key.clone()).collect();
        let theirs = target.read_rows(table, &keys).await?;
        if ours.columns != theirs.columns {
            return Err(mismatch(
                &keys[0],
                format!(
                    "columns differ: source {:?}, target {:?}",
                    ours.columns, theirs.columns
                ),
            ));
        }
        let mut found = theirs.rows.iter().peekable();
        for (key, cells) in &ours.rows {
            let Some((_, their_cells)) = found.next_if(|(k, _)| k == key) else {
                return Err(mismatch(key, "missing on the target".into()));
            };
            let source_hash = row_hash(cells, &mut buffer);
            if source_hash != row_hash(their_cells, &mut buffer) {
                let column = cells
                    .iter()
                    .zip(their_cells)
                    .position(|(s, t)| {
                        let (mut a, mut b) = (Vec::new(), Vec::new());
                        s.canonical(&mut a);
                        t.canonical(&mut b);
                        a != b
                    })
                    .and_then(|i| ours.columns.get(i))
                    .map_or_else(|| "?".to_string(), Clone::clone);
                return Err(mismatch(key, format!("column {column} differs")));
            }
            digest.update(source_hash);
            rows += 1;
        }
        progress(CopyProgress {
            phase: CopyPhase::Verifying,
            table: table.to_string(),
            rows,
        });
        if !ours.more {
            break;
        }
        after = keys.last().cloned();
    }
    if rows == 0 {
        progress(CopyProgress {
            phase: CopyPhase::Verifying,
            table: table.to_string(),
            rows,
        });
    }
    let on_target = target.count(table).await?;
    if on_target != rows {
        let key = extra_key(source, target, table).await?.unwrap_or_default();
        return Err(mismatch(
            &key,
            format!("on the target only ({on_target} rows there, {rows} in the source)"),
        ));
    }
    Ok(TableCopy {
        table: table.to_string(),
        rows,
        digest: hex::encode(digest.finalize()),
    })
}

/// The first key (in the target's order) of a row the target has and the source has not.
async fn extra_key(
    source: &dyn Admin,
    target: &mut dyn CopyTarget,
    table: &'static str,
) -> Result<Option<String>> {
    let mut after: Option<String> = None;
    loop {
        let theirs = target.read_page(table, after.as_deref(), PAGE_ROWS).await?;
        let keys: Vec<String> = theirs.rows.iter().map(|(key, _)| key.clone()).collect();
        let ours = source.read_rows(table, &keys).await?;
        let known: BTreeSet<&String> = ours.rows.iter().map(|(key, _)| key).collect();
        if let Some(key) = keys.iter().find(|key| !known.contains(key)) {
            return Ok(Some(key.clone()));
        }
        if !theirs.more || keys.is_empty() {
            return Ok(None);
        }
        after = keys.last().cloned();
    }
}

/// The page's rows in the order of `keys`.
pub(crate) fn in_key_order(mut page: RowPage, keys: &[String]) -> RowPage {
    let mut by_key: std::collections::HashMap<String, Vec<Cell>> = page.rows.drain(..).collect();
    page.rows = keys
        .iter()
        .filter_map(|key| by_key.remove(key).map(|cells| (key.clone(), cells)))
        .collect();
    page
}

/// SHA-256 of a row's canonical cells.
fn row_hash(cells: &[Cell], buffer: &mut Vec<u8>) -> [u8; 32] {
    buffer.clear();
    for cell in cells {
        cell.canonical(buffer);
    }
    Sha256::digest(buffer.as_slice()).into()
}

/// `table` if the copy knows it (so no other name reaches the SQL the backends build).
pub(crate) fn known_table(table: &str) -> Result<&'static str> {
    COPY_TABLES
        .iter()
        .find(|t| **t == table)
        .copied()
        .ok_or_else(|| StoreError::CopySchema(format!("{table} is not a table the copy knows")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_compare_to_the_second() {
        let mut a = Vec::new();
        let mut b = Vec::new();
        Cell::Timestamp("2026-01-02 03:04:05.123456".into()).canonical(&mut a);
        Cell::Timestamp("2026-01-02 03:04:05".into()).canonical(&mut b);
        assert_eq!(a, b);
        let mut c = Vec::new();
        Cell::Text("2026-01-02 03:04:05".into()).canonical(&mut c);
        assert_ne!(b, c, "a timestamp is not the same text");
    }

    #[test]
    fn pages_of_big_rows_shrink_then_grow_back() {
        let page = |n: usize, more: bool| RowPage {
            columns: vec![],
            rows: vec![(String::new(), vec![]); n],
            more,
        };
        assert_eq!(next_limit(500, &page(3, true)), 3);
        assert_eq!(next_limit(3, &page(3, true)), 6);
        assert_eq!(next_limit(400, &page(400, true)), 500);
        assert_eq!(next_limit(500, &page(0, false)), 500);
    }
}
