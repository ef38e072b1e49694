//! The CLI's error: one line on stderr, non-zero exit.

use orquestra_store::StoreError;

use crate::idl_cmd::IdlCliError;

#[derive(Debug, thiserror::Error)]
pub enum CliError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Idl(#[from] IdlCliError),
    #[error("{context}: {source}")]
    Io {
        context: String,
        source: std::io::Error,
    },
    #[error("invalid configuration: {0}")]
    Config(String),
    #[error("shell: {0}")]
    Shell(String),
}
