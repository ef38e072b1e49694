//! Why an instruction's accounts could not be resolved.

use orquestra_api::ErrorCode;
use std::collections::BTreeMap;

use crate::PdaError;

/// Why an instruction's accounts could not be resolved. Every variant names the accounts at
/// fault; [`ResolveError::Missing`] and [`ResolveError::NeedsAccountData`] list all of them at once.
#[derive(Debug, Clone, thiserror::Error)]
pub enum ResolveError {
    /// No instruction of that name (either casing).
    #[error("instruction `{name}` not found; available: {}", .available.join(", "))]
    InstructionNotFound {
        name: String,
        available: Vec<String>,
    },
    /// Neither the request nor the IDL gives a program id.
    #[error("the program has no address: pass a program id")]
    NoProgramId,
    /// The program id is not an address.
    #[error("invalid program id `{value}`: expected a base58 32-byte address")]
    InvalidProgramId { value: String },
    /// The fee payer is not an address.
    #[error("invalid fee payer `{value}`: expected a base58 32-byte address")]
    InvalidFeePayer { value: String },
    /// A supplied account is not an address.
    #[error("account `{account}`: invalid address `{value}` (expected base58 of 32 bytes)")]
    InvalidAddress { account: String, value: String },
    /// Supplied account names the instruction does not have.
    #[error("unknown account(s) {}; the instruction's accounts are: {}", .names.join(", "), .known.join(", "))]
    UnknownAccounts {
        names: Vec<String>,
        known: Vec<String>,
    },
    /// Accounts nobody gave and nothing could fill in (flattened paths, `group.account`), with
    /// what each was waiting for when known.
    #[error("missing account(s): {}{}", .accounts.join(", "), format_hints(.hints))]
    Missing {
        accounts: Vec<String>,
        hints: BTreeMap<String, String>,
    },
    /// Resolution needs the on-chain data of these accounts (relations, account-field seeds):
    /// fetch them and call again with `account_data`.
    #[error("needs on-chain data of account(s) {} (to resolve {})", .accounts.join(", "), .for_accounts.join(", "))]
    NeedsAccountData {
        /// Base58 addresses to fetch.
        accounts: Vec<String>,
        /// The instruction accounts waiting for them.
        for_accounts: Vec<String>,
    },
    /// Supplied on-chain data could not be decoded, or lacks the field needed.
    #[error("account `{account}` ({pubkey}): {message}")]
    AccountData {
        account: String,
        pubkey: String,
        message: String,
    },
    /// A PDA could not be derived for a reason the caller must fix (bad seed value …).
    #[error("account `{account}`: {source}")]
    Pda {
        account: String,
        #[source]
        source: PdaError,
    },
    /// The IDL's fixed address or default for an account is not an address.
    #[error("account `{account}`: the IDL's address `{value}` is not valid")]
    InvalidFixedAddress { account: String, value: String },
    /// The same account given twice (a dotted path and a nested group) with different values.
    #[error("account `{account}` is given twice with different values (as a dotted path and nested in its group)")]
    ConflictingAccounts { account: String },
    /// An account group nested deeper than any IDL nests them.
    #[error("account `{account}`: groups nest at most {max} levels deep")]
    TooDeep { account: String, max: usize },
}

fn format_hints(hints: &BTreeMap<String, String>) -> String {
    if hints.is_empty() {
        return String::new();
    }
    let parts: Vec<String> = hints.iter().map(|(k, v)| format!("{k}: {v}")).collect();
    format!(" ({})", parts.join("; "))
}

impl ResolveError {
    /// A stable snake_case code for API error bodies.
    pub fn code(&self) -> ErrorCode {
        match self {
            ResolveError::InstructionNotFound { .. } => ErrorCode::InstructionNotFound,
            ResolveError::NoProgramId => ErrorCode::NoProgramId,
            ResolveError::InvalidProgramId { .. } => ErrorCode::InvalidProgramId,
            ResolveError::InvalidFeePayer { .. } => ErrorCode::InvalidFeePayer,
            ResolveError::InvalidAddress { .. } => ErrorCode::InvalidAddress,
            ResolveError::UnknownAccounts { .. } => ErrorCode::UnknownAccounts,
            ResolveError::Missing { .. } => ErrorCode::MissingAccounts,
            ResolveError::NeedsAccountData { .. } => ErrorCode::NeedsAccountData,
            ResolveError::AccountData { .. } => ErrorCode::InvalidAccountData,
            ResolveError::Pda { source, .. } => source.code(),
            ResolveError::InvalidFixedAddress { .. } => ErrorCode::InvalidIdlAddress,
            ResolveError::ConflictingAccounts { .. } => ErrorCode::ConflictingAccounts,
            ResolveError::TooDeep { .. } => ErrorCode::InvalidAddress,
        }
    }

    /// One `(JSON pointer, message)` per input at fault, for the `details` of an error body.
    pub fn details(&self) -> Vec<(String, String)> {
        let account = |name: &str| format!("/accounts/{name}");
        match self {
            ResolveError::InvalidAddress { account: a, .. } => {
                vec![(account(a), self.to_string())]
            }
            ResolveError::UnknownAccounts { names, .. } => names
                .iter()
                .map(|n| (account(n), "unknown account".to_string()))
                .collect(),
            ResolveError::Missing { accounts, hints } => accounts
                .iter()
                .map(|n| {
                    let message = hints
                        .get(n)
                        .map_or_else(|| "missing".to_string(), |h| format!("missing: {h}"));
                    (account(n), message)
                })
                .collect(),
            ResolveError::NeedsAccountData { accounts, .. } => accounts
                .iter()
                .map(|k| {
                    (
                        format!("/accountData/{k}"),
                        "on-chain data needed".to_string(),
                    )
                })
                .collect(),
            ResolveError::InvalidFeePayer { .. } => vec![("/feePayer".into(), self.to_string())],
            ResolveError::InvalidProgramId { .. } => {
                vec![("/programId".into(), self.to_string())]
            }
            ResolveError::Pda { account: a, source } => {
                vec![(
                    source.path().unwrap_or_else(|| account(a)),
                    source.to_string(),
                )]
            }
            ResolveError::AccountData { account: a, .. }
            | ResolveError::ConflictingAccounts { account: a }
            | ResolveError::TooDeep { account: a, .. } => {
                vec![(account(&a.replace('.', "/")), self.to_string())]
            }
            _ => Vec::new(),
        }
    }
}
