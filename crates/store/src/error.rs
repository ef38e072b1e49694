//! The store's error type.

/// Everything that can go wrong in the data layer, with enough context for a one-line message.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("unsupported database URL {url:?}: expected sqlite://PATH or postgres://…")]
    UnsupportedUrl { url: String },
    #[error("database {path} does not exist (run `orquestra migrate` to create it)")]
    Missing { path: String },
    #[error("{path} is not a SQLite database")]
    NotADatabase { path: String },
    #[error("cannot open database {path}: {reason}")]
    Open { path: String, reason: String },
    #[error("migration {name} was changed after it was applied (checksum mismatch)")]
    MigrationChanged { name: String },
    #[error("database has migration {version} applied, which this build does not know; upgrade orquestra")]
    MigrationUnknown { version: i64 },
    #[error("migration {name} failed: {reason}")]
    Migration { name: String, reason: String },
    #[error("{what} already exists")]
    Conflict { what: String },
    #[error("{what} not found")]
    NotFound { what: String },
    #[error("database is not empty (it has table {table}); import only into a new database")]
    NotEmpty { table: String },
    #[error("an expiry {secs} seconds from now is beyond what the database can store")]
    ExpiryOutOfRange { secs: u64 },
    #[error("randomness unavailable: {0}")]
    Random(String),
    #[error("database error: {0}")]
    Database(String),
    #[error("import: {0}")]
    DumpRead(#[from] crate::dump::ReadError),
    #[error("import: statement on line {line} failed: {reason}")]
    DumpStatement { line: u64, reason: String },
    #[error("copy: the target database is not empty (table {table} has rows); copy only into a new database")]
    CopyTargetNotEmpty { table: String },
    #[error("copy: the source is not at the target's migrations: {reason}; run `orquestra migrate` on the source with this build first")]
    CopyMigrations { reason: String },
    #[error("copy: {0}")]
    CopySchema(String),
    #[error("copy: table {table}, primary key {key}: {reason}")]
    Copy {
        table: String,
        key: String,
        reason: String,
    },
    #[error("copy: verification failed: table {table} differs at primary key {key}: {reason}")]
    CopyMismatch {
        table: String,
        key: String,
        reason: String,
    },
    #[error("writing the dump: {0}")]
    DumpWrite(#[source] std::io::Error),
}

impl StoreError {
    /// Maps a driver error, recognising constraint violations as conflicts.
    pub(crate) fn from_sqlx(error: sqlx::Error, what: &str) -> Self {
        if let sqlx::Error::Database(db) = &error {
            if db.is_unique_violation() {
                return StoreError::Conflict {
                    what: what.to_string(),
                };
            }
            if db.is_foreign_key_violation() {
                return StoreError::NotFound {
                    what: format!("parent of {what}"),
                };
            }
        }
        StoreError::Database(error.to_string())
    }
}

/// Shorthand used by the backends for errors that have no better classification.
pub(crate) fn db_err(error: sqlx::Error) -> StoreError {
    StoreError::Database(error.to_string())
}
