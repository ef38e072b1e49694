//! Why a PDA could not be found or derived. Every variant names the seed, input or item at fault.

use orquestra_api::ErrorCode;
/// Why a PDA could not be found or derived.
#[derive(Debug, Clone, thiserror::Error)]
pub enum PdaError {
    /// The IDL has no program address and none was supplied.
    #[error("the program has no address: pass a program id")]
    NoProgramId,
    /// A program id (the IDL's, an override, or a raw one) is not a base58 32-byte address.
    #[error("invalid program id `{value}`: expected a base58 32-byte address")]
    InvalidProgramId { value: String },
    /// More seeds than Solana allows (16 including the bump seed).
    #[error("too many seeds: {count} (at most {max} plus the bump seed)")]
    TooManySeeds { count: usize, max: usize },
    /// One seed encodes to more than 32 bytes.
    #[error("seed {seed} is {len} bytes long (at most 32)")]
    SeedTooLong { seed: String, len: usize },
    /// An `arg` seed whose value is not in the instruction arguments.
    #[error("missing seed value for arg `{path}`")]
    MissingArg { path: String },
    /// An `account` seed whose address was not supplied and has no fixed address in the IDL.
    #[error("missing seed value for account `{name}` (expected a base58 address)")]
    MissingAccount { name: String },
    /// A free `variable` seed whose value was not supplied.
    #[error("missing seed value for `{name}`")]
    MissingVariable { name: String },
    /// A seed value that should be an address is not one.
    #[error("invalid address for seed {seed}: `{value}`")]
    InvalidAddress { seed: String, value: String },
    /// An `account.field` seed: the bytes come from on-chain account data this derivation has not got.
    #[error(
        "seed `{account}.{field}` reads a field of account `{account}`: needs its on-chain data"
    )]
    NeedsAccountData { account: String, field: String },
    /// An `arg` seed whose type is neither on the seed nor found among the instruction arguments.
    #[error("cannot tell the type of arg seed `{path}`: no instruction argument has that name")]
    UnknownArgType { path: String },
    /// A seed value that does not fit its type.
    #[error("seed {seed}: {message}{}", at_path(.path))]
    Encode {
        seed: String,
        path: String,
        message: String,
    },
    /// A seed of the raw (`idl pda`) form that cannot be encoded.
    #[error("seed {index}: {message}")]
    InvalidRawSeed { index: usize, message: String },
    /// The PDA's program override cannot be turned into a program id.
    #[error("invalid PDA program: {reason}")]
    InvalidProgramOverride { reason: String },
    /// All 256 bump seeds give on-curve points (statistically impossible; reported, not panicked).
    #[error("no viable bump seed: every bump from 255 to 0 gives an on-curve address")]
    NoViableBump,
    /// No instruction of that name.
    #[error("instruction `{name}` not found")]
    InstructionNotFound { name: String },
    /// No account of that name in the instruction.
    #[error("account `{account}` not found in instruction `{instruction}`")]
    AccountNotFound {
        instruction: String,
        account: String,
    },
    /// The account exists but is not a PDA.
    #[error("account `{account}` of instruction `{instruction}` is not a PDA")]
    NotAPda {
        instruction: String,
        account: String,
    },
    /// No named PDA and no instruction-account PDA of that name.
    #[error("PDA `{name}` not found (checked named PDAs and instruction accounts)")]
    PdaNotFound { name: String },
}

fn at_path(path: &str) -> String {
    if path.is_empty() {
        String::new()
    } else {
        format!(" (at {path})")
    }
}

impl PdaError {
    /// A stable snake_case code for API error bodies.
    pub fn code(&self) -> ErrorCode {
        match self {
            PdaError::NoProgramId => ErrorCode::NoProgramId,
            PdaError::InvalidProgramId { .. } => ErrorCode::InvalidProgramId,
            PdaError::TooManySeeds { .. } => ErrorCode::TooManySeeds,
            PdaError::SeedTooLong { .. } => ErrorCode::SeedTooLong,
            PdaError::MissingArg { .. }
            | PdaError::MissingAccount { .. }
            | PdaError::MissingVariable { .. } => ErrorCode::MissingSeedValue,
            PdaError::InvalidAddress { .. } => ErrorCode::InvalidAddress,
            PdaError::NeedsAccountData { .. } => ErrorCode::NeedsAccountData,
            PdaError::UnknownArgType { .. } => ErrorCode::UnknownArgType,
            PdaError::Encode { .. } | PdaError::InvalidRawSeed { .. } => {
                ErrorCode::InvalidSeedValue
            }
            PdaError::InvalidProgramOverride { .. } => ErrorCode::InvalidPdaProgram,
            PdaError::NoViableBump => ErrorCode::NoViableBump,
            PdaError::InstructionNotFound { .. } => ErrorCode::InstructionNotFound,
            PdaError::AccountNotFound { .. } => ErrorCode::AccountNotFound,
            PdaError::NotAPda { .. } => ErrorCode::NotAPda,
            PdaError::PdaNotFound { .. } => ErrorCode::PdaNotFound,
        }
    }

    /// The input at fault, as a JSON pointer-like path, when there is one.
    pub fn path(&self) -> Option<String> {
        match self {
            PdaError::MissingArg { path } | PdaError::UnknownArgType { path } => {
                Some(format!("/args/{}", path.replace('.', "/")))
            }
            PdaError::MissingAccount { name } => Some(format!("/accounts/{name}")),
            PdaError::MissingVariable { name } => Some(format!("/seedValues/{name}")),
            PdaError::NeedsAccountData { account, .. } => Some(format!("/accounts/{account}")),
            PdaError::InvalidRawSeed { index, .. } => Some(format!("/{index}")),
            PdaError::Encode { path, .. } if !path.is_empty() => Some(path.clone()),
            _ => None,
        }
    }
}
