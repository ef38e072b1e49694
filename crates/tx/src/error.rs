//! Why a transaction could not be built or decoded.

use orquestra_api::ErrorCode;
/// Why a transaction could not be built, encoded or decoded. Every variant names the input at
/// fault (instruction index, account index, byte offset).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TxError {
    /// The fee payer is not a base58 32-byte address.
    #[error("invalid fee payer `{value}`: expected a base58 32-byte address")]
    InvalidFeePayer { value: String },
    /// The recent blockhash is not base58 of 32 bytes.
    #[error("invalid recent blockhash `{value}`: expected base58 of 32 bytes")]
    InvalidBlockhash { value: String },
    /// An instruction's program id is not an address.
    #[error("instruction #{instruction}: invalid program id `{value}`")]
    InvalidProgramId { instruction: usize, value: String },
    /// An instruction account is not an address.
    #[error("instruction #{instruction}, account #{account}: invalid address `{value}`")]
    InvalidAccount {
        instruction: usize,
        account: usize,
        value: String,
    },
    /// A transaction needs at least one instruction.
    #[error("a transaction needs at least one instruction")]
    NoInstructions,
    /// Compute-budget options were given while the instructions already set the same thing.
    #[error("the instructions already contain a compute-budget {what} instruction; do not also pass {what}")]
    DuplicateComputeBudget { what: &'static str },
    /// The message cannot be compiled (more than 256 accounts, or a signer count overflow).
    #[error("cannot compile the message: {message}")]
    Compile { message: String },
    /// Serialization failed (should not happen for a compiled message).
    #[error("cannot serialize the transaction: {message}")]
    Serialize { message: String },
    /// Text that should be base58/base64 is not.
    #[error("invalid {encoding}: {message}")]
    InvalidEncoding {
        encoding: &'static str,
        message: String,
    },
    /// Input larger than any transaction this decoder accepts.
    #[error("{len} bytes is too large for a transaction (at most {max})")]
    TooLarge { len: usize, max: usize },
    /// The bytes are not a legacy or v0 transaction.
    #[error("malformed transaction at byte {offset}: {message}")]
    Malformed { offset: usize, message: String },
}

impl TxError {
    /// A stable snake_case code for API error bodies.
    pub fn code(&self) -> ErrorCode {
        match self {
            TxError::InvalidFeePayer { .. } => ErrorCode::InvalidFeePayer,
            TxError::InvalidBlockhash { .. } => ErrorCode::InvalidBlockhash,
            TxError::InvalidProgramId { .. } => ErrorCode::InvalidProgramId,
            TxError::InvalidAccount { .. } => ErrorCode::InvalidAddress,
            TxError::NoInstructions => ErrorCode::NoInstructions,
            TxError::DuplicateComputeBudget { .. } => ErrorCode::DuplicateComputeBudget,
            TxError::Compile { .. } => ErrorCode::MessageCompileError,
            TxError::Serialize { .. } => ErrorCode::SerializeError,
            TxError::InvalidEncoding { .. } => ErrorCode::InvalidEncoding,
            TxError::TooLarge { .. } => ErrorCode::TransactionTooLarge,
            TxError::Malformed { .. } => ErrorCode::MalformedTransaction,
        }
    }

    /// The input at fault as a JSON-pointer-like path, when there is one.
    pub fn path(&self) -> Option<String> {
        match self {
            TxError::InvalidFeePayer { .. } => Some("/feePayer".into()),
            TxError::InvalidBlockhash { .. } => Some("/recentBlockhash".into()),
            TxError::InvalidProgramId { instruction, .. } => {
                Some(format!("/instructions/{instruction}/programId"))
            }
            TxError::InvalidAccount {
                instruction,
                account,
                ..
            } => Some(format!("/instructions/{instruction}/accounts/{account}")),
            _ => None,
        }
    }
}
