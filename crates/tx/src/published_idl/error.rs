//! Why a published IDL could not be decoded. Every variant about account bytes names the account
//! (base58) and the field or offset at fault.

use orquestra_api::ErrorCode;

/// Why an address could not be derived or an IDL account's bytes could not be decoded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PublishedIdlError {
    /// Not a base58 32-byte program id (or one `create_with_seed` refuses as an owner).
    #[error("invalid program id `{value}`: {reason}")]
    InvalidProgramId { value: String, reason: String },
    /// A metadata authority that is not a base58 32-byte address.
    #[error("invalid authority `{value}`: expected a base58 32-byte address")]
    InvalidAuthority { value: String },
    /// A Program Metadata seed longer than its 16 bytes.
    #[error("metadata seed `{seed}` is longer than 16 bytes")]
    SeedTooLong { seed: String },
    /// Every bump gives an on-curve address (statistically impossible; reported, not panicked).
    #[error("no viable bump seed")]
    NoViableBump,
    /// The account does not start with the discriminator of the expected account type.
    #[error("account {account} is not {expected}: its discriminator is {found}")]
    WrongDiscriminator {
        account: String,
        expected: &'static str,
        found: String,
    },
    /// The account ends inside a field.
    #[error(
        "account {account} is truncated: field `{field}` needs {needed} byte(s) at offset {offset}, \
         {available} available"
    )]
    Truncated {
        account: String,
        field: &'static str,
        offset: usize,
        needed: usize,
        available: usize,
    },
    /// A declared data length runs past the end of the account.
    #[error(
        "account {account}: `{field}` declares {declared} byte(s) from offset {offset}, but the \
         account has only {available} there"
    )]
    LengthBeyondAccount {
        account: String,
        field: &'static str,
        offset: usize,
        declared: u64,
        available: usize,
    },
    /// A one-byte enum field holds a value the scheme does not define.
    #[error("account {account}: field `{field}` at offset {offset} has unknown value {value}")]
    UnknownEnumValue {
        account: String,
        field: &'static str,
        offset: usize,
        value: u8,
    },
    /// The metadata account is for another program or another seed than the one asked for.
    #[error("account {account}: field `{field}` is `{found}`, expected `{expected}`")]
    Mismatch {
        account: String,
        field: &'static str,
        expected: String,
        found: String,
    },
    /// The content is not in JSON (`yaml`, `toml` or `none`): only JSON IDLs are read.
    #[error("account {account}: the content format is {format}, only json IDLs are supported")]
    UnsupportedFormat {
        account: String,
        format: &'static str,
    },
    /// The compressed stream is corrupt.
    #[error("account {account}: {compression} data does not decompress: {message}")]
    Decompress {
        account: String,
        compression: &'static str,
        message: String,
    },
    /// The content would exceed [`super::MAX_IDL_BYTES`] (checked before allocating it).
    #[error("account {account}: the IDL exceeds the {limit}-byte limit")]
    TooLarge { account: String, limit: usize },
    /// The content is declared UTF-8 but is not.
    #[error("account {account}: the content is not valid UTF-8 (at byte {valid_up_to})")]
    InvalidUtf8 { account: String, valid_up_to: usize },
    /// The content is not a JSON document.
    #[error("account {account}: the IDL is not valid JSON: {message}")]
    NotJson { account: String, message: String },
    /// An `external` reference whose offset or length falls outside the referenced account.
    #[error(
        "external data in {account}: offset {offset} length {length:?} is outside the account's \
         {available} byte(s)"
    )]
    ExternalOutOfRange {
        account: String,
        offset: u32,
        length: Option<u32>,
        available: usize,
    },
}

impl PublishedIdlError {
    /// The API error code for this error.
    pub fn code(&self) -> ErrorCode {
        match self {
            Self::InvalidProgramId { .. } => ErrorCode::InvalidProgramId,
            Self::InvalidAuthority { .. } => ErrorCode::InvalidAddress,
            Self::SeedTooLong { .. } => ErrorCode::SeedTooLong,
            Self::NoViableBump => ErrorCode::NoViableBump,
            Self::WrongDiscriminator { .. } => ErrorCode::DiscriminatorMismatch,
            Self::Truncated { .. }
            | Self::LengthBeyondAccount { .. }
            | Self::UnknownEnumValue { .. }
            | Self::Mismatch { .. }
            | Self::Decompress { .. }
            | Self::TooLarge { .. }
            | Self::InvalidUtf8 { .. }
            | Self::ExternalOutOfRange { .. } => ErrorCode::InvalidAccountData,
            Self::UnsupportedFormat { .. } | Self::NotJson { .. } => ErrorCode::InvalidIdl,
        }
    }
}
